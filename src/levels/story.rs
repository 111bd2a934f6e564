//! The control room's story, from the campaign file's `story:`: the network Juno watches,
//! her family among its sleepers, the messages that arrive and when, the confrontation
//! with Father that overloads the network, Father's voice on the dive link, and the
//! epilogues the alternative network earns.

use serde::{Deserialize, Serialize};

use super::check::Checks;
use super::cond::{self, Cond, Facts, Scope};

/// The campaign file's `story`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Story {
    /// The line under the game's name on the title screen: what the player is there for.
    pub premise: String,
    /// How a new game begins, before the first night shift: a scene, then a dream (the
    /// family's evening). Optional: a new game begins at the desk.
    pub prologue: Prologue,
    /// The choices the story remembers (`asked_leo`), for conditions to name:
    /// `Flag("asked_leo")` anywhere else is checked against this list.
    pub flags: Vec<String>,
    pub network: NetworkSetup,
    /// The story's sleepers, the network's first; each names the dream Juno dives into
    /// to free them.
    pub family: Vec<FamilyMember>,
    pub messages: Vec<Message>,
    /// Juno and Father at headquarters; when it ends, the network overloads.
    pub confrontation: Vec<Line>,
    /// Network hours from the overload until the loops set: then whoever is still
    /// trapped sinks deeper (see `stakes`), and the link's calibration band is 30%
    /// narrower.
    pub pressure_hours: f32,
    /// What the clock and a lost link cost.
    pub stakes: Stakes,
    pub link: LinkRules,
    /// What the dive console reports when the link dropped and Juno woke; `{dreamer}`
    /// and `{loop}` are replaced by the dreamer's name and the loop's number.
    pub link_lost: String,
    /// The finale's dream (by dream id): once every family dreamer is freed, the shared
    /// nightmare they were trapped in together, dived into from the console like theirs;
    /// freeing it releases the overload. Optional: freeing the family releases it.
    pub finale: Option<String>,
    /// The waking scenes between control-room nights, each played once when it is due.
    pub scenes: Vec<SceneCue>,
    /// What Father says on the dive link, and when.
    pub father: Vec<FatherLine>,
    /// The epilogue's paragraphs; each shows when all its conditions hold.
    pub epilogue: Vec<Epilogue>,
    /// What Father and Juno say at the alternative's designer once a run of the two
    /// networks is done, each line when its conditions hold (the run's outcomes among
    /// them), with the run's figures in it.
    pub design_talk: Vec<DesignLine>,
    /// How the story ends once the alternative is adopted and Juno goes on from it: the
    /// first ending whose conditions hold is played (its scenes), then the credits, then
    /// the title. The last ending has no conditions, so when there are any, one plays;
    /// a story with none plays only its credits (and with no credits either, never
    /// ends: the desk stays open after the adoption).
    pub endings: Vec<Ending>,
    /// The scene played after any ending (by scene id). Optional.
    pub credits: Option<String>,
}

impl Default for Story {
    fn default() -> Self {
        Self {
            premise: String::new(),
            prologue: Prologue::default(),
            flags: Vec::new(),
            network: NetworkSetup::default(),
            family: Vec::new(),
            messages: Vec::new(),
            confrontation: Vec::new(),
            pressure_hours: 36.0,
            stakes: Stakes::default(),
            link: LinkRules::default(),
            link_lost: String::new(),
            scenes: Vec::new(),
            finale: None,
            father: Vec::new(),
            epilogue: Vec::new(),
            design_talk: Vec::new(),
            endings: Vec::new(),
            credits: None,
        }
    }
}

/// How a new game begins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Prologue {
    /// The scene played first (by scene id). Optional.
    pub scene: Option<String>,
    /// The dream dreamt after it (by dream id). Optional.
    pub dream: Option<String>,
}

/// A waking scene, and when it plays: at the desk, once its conditions hold and enough
/// network hours have passed; never during a dive, the confrontation or a calibration.
/// Scenes due together play one at a time, in the order written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneCue {
    /// The scene's id.
    pub scene: String,
    /// Due only when these hold. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
    /// Network hours at the desk since Juno sat down. Optional: 0.
    #[serde(default)]
    pub after_hours: f32,
    /// Network hours since the last scene ended (or since Juno sat down). Optional: 0.
    #[serde(default)]
    pub gap_hours: f32,
    /// What the desk does as the scene ends, as a message's action would (if it can be
    /// taken then): `Some(Confront)` goes on into the confrontation. Optional: nothing.
    #[serde(default)]
    pub then: Option<Action>,
}

/// The simulated network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSetup {
    /// Sleepers on the network (1,000–200,000).
    pub sleepers: u32,
    pub seed: u64,
    /// Network hours simulated before Juno sits down, so the charts have a past.
    pub warm_up_hours: u32,
}

impl Default for NetworkSetup {
    fn default() -> Self {
        Self {
            sleepers: 12_000,
            seed: 2045,
            warm_up_hours: 46,
        }
    }
}

/// One of Juno's family on the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyMember {
    /// The dream id of their nightmare (a dive in `dives`).
    pub dive: String,
    /// Hour of the day they go to sleep (23.5 is 23:30).
    pub bedtime: f32,
    /// Hours they sleep.
    pub sleep_hours: f32,
    /// How strongly the network takes hold of them, 0–1.
    pub susceptibility: f32,
    /// The mood they return to, -1–1.
    pub calm: f32,
    /// Dependence on the network at the start, 0–1.
    pub dependence: f32,
    /// Juno's notes, shown in the sleeper panel.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A message in Juno's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub from: String,
    pub subject: String,
    pub body: String,
    pub when: Trigger,
    /// What answering it does. Optional.
    #[serde(default)]
    pub action: Option<Action>,
}

/// When a message arrives.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// When Juno sits down.
    Start,
    /// After this many network hours at the console.
    AfterHours(f32),
    /// When the story reaches this point.
    On(StoryFlag),
}

/// What a message's button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Go to headquarters and confront Father (needs the steering found).
    Confront,
    /// Open the alternative network's designer.
    DesignAlternative,
}

/// A point the story has reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StoryFlag {
    /// Juno's analysis showed the engagement term steering emotions.
    SteeringFound,
    /// The confrontation ended: the network overloaded.
    Overload,
    /// The pressure clock ran out.
    LoopsSetting,
    /// Every family dreamer freed.
    AllFreed,
    /// The finale's shared nightmare broken (or, without one, every dreamer freed): the
    /// overload is released.
    FinaleDone,
    /// The new game's prologue dream was dreamt (or left).
    Prologue,
    /// The alternative network adopted.
    AlternativeAdopted,
    /// Juno went on from the adopted design to the end: the ending's scenes play.
    EndingBegun,
    /// The ending played to the end of its credits: the campaign is finished.
    Finished,
}

/// A line of the confrontation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub who: String,
    pub text: String,
}

/// What the overload's clock and a lost link cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Stakes {
    /// Network minutes per real second while Juno is in a dive from the console
    /// (whatever the console's speed, paused or not: the overload does not wait).
    pub dive_speed: f32,
    /// When the clock runs out, each dreamer still trapped sinks this many loops deeper
    /// (harder loops, and a darker talk at the core through `Sunk`).
    pub sink_loops: u32,
    /// Network hours lost when the link drops and Father has to pull Juno out.
    pub lost_link_hours: f32,
    /// How much less the link can hold after each lost link (the calibrated stability
    /// is capped at 1 minus this for each loss, never below 0.5).
    pub lost_link_stability: f32,
    /// Added to the console's report of a lost link; `{hours}` and `{cap}` (the link's
    /// new most, in %) are filled in. Optional: a plain sentence says it.
    pub lost_link_cost: String,
}

impl Default for Stakes {
    fn default() -> Self {
        Self {
            dive_speed: 1.0,
            sink_loops: 2,
            lost_link_hours: 3.0,
            lost_link_stability: 0.1,
            lost_link_cost: String::new(),
        }
    }
}

impl Stakes {
    /// The sentence added to the console's report after a lost link.
    pub fn lost_link_note(&self, cap: f32) -> String {
        let hours = format!("{}", self.lost_link_hours);
        let cap = format!("{:.0}%", cap * 100.0);
        if self.lost_link_cost.trim().is_empty() {
            return format!("{hours} network hours lost; the link holds at most {cap} now.");
        }
        self.lost_link_cost
            .replace("{hours}", &hours)
            .replace("{cap}", &cap)
    }
}

/// How the dive link's stability changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkRules {
    /// Lost when a loop collapses (time or lucidity).
    pub per_collapse: f32,
    /// Lost when a wrong word relapses the dreamer.
    pub per_relapse: f32,
    /// Regained for each memory newly understood.
    pub per_memory: f32,
    /// Below this Father warns that the link is failing.
    pub warn_below: f32,
}

impl Default for LinkRules {
    fn default() -> Self {
        Self {
            per_collapse: 0.2,
            per_relapse: 0.3,
            per_memory: 0.05,
            warn_below: 0.35,
        }
    }
}

/// The first `{…}` in `text` that is not one of `known`.
fn unknown_placeholder<'t>(text: &'t str, known: &[&str]) -> Option<&'t str> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Some(&rest[open..]);
        };
        let found = &rest[open..open + close + 1];
        if !known.contains(&found) {
            return Some(found);
        }
        rest = &rest[open + close + 1..];
    }
    None
}

/// Checks conditions where they stand, the flags they name against those declared and
/// the dreams against the dives there are.
fn check_when(c: &mut Checks, at: &str, when: &[Cond], scope: Scope, names: Names) {
    cond::check(c, at, when, scope);
    for (field, named) in cond::names(at, when) {
        if let Some(problem) = cond::unknown_name(named, names.flags, names.dreams) {
            c.fail(field, problem);
        }
    }
}

/// What the story's conditions may name: its declared flags and the dives there are.
#[derive(Clone, Copy)]
struct Names<'a> {
    flags: &'a [&'a str],
    dreams: &'a [&'a str],
}

/// Something that happens on a dive, for Father's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiveMoment {
    Start,
    Memory,
    Collapse,
    CoreOpen,
    LinkLow,
    Freed,
}

impl DiveMoment {
    pub const ALL: [DiveMoment; 6] = [
        DiveMoment::Start,
        DiveMoment::Memory,
        DiveMoment::Collapse,
        DiveMoment::CoreOpen,
        DiveMoment::LinkLow,
        DiveMoment::Freed,
    ];
}

/// What Father says when it happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FatherLine {
    /// The moment he speaks to.
    pub on: DiveMoment,
    /// Said only when these hold. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
    pub text: String,
}

/// How the alternative network turned out, as the epilogue reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    DependenceFell,
    DependenceRose,
    NightmaresFell,
    NightmaresRose,
    OptIn,
    SteeringOff,
    SteeringOn,
    EverythingKept,
    NothingKept,
}

/// One paragraph of the epilogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Epilogue {
    /// Shown when these hold: how the alternative turned out (`Outcome(..)`), what the
    /// player said (`Flag(..)`), the story's beats. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
    pub text: String,
}

/// One of the story's endings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    /// Short unique id (`"dawn"`), as the playthrough prints it.
    pub id: String,
    /// Its name (`"Dawn"`), shown on the save once it is reached.
    pub title: String,
    /// Played when these hold: the adopted design's outcomes, the flags, the clock
    /// (`SunkAny`). Optional: always (the last ending's must be empty).
    #[serde(default)]
    pub when: Vec<Cond>,
    /// Its scenes, in order (by scene id), before the credits.
    pub scenes: Vec<String>,
}

/// A line of the talk at the alternative's designer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignLine {
    pub who: String,
    /// May name the run's figures: `{dep_somnotech}`, `{dep_alt}` (mean dependence),
    /// `{nm_somnotech}`, `{nm_alt}` (nightmares a night).
    pub text: String,
    /// Said when these hold (the run's `Outcome(..)`s, flags, beats). Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
}

/// The figures a design run gives its talk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunFigures {
    /// Mean dependence at the end: SomnoTech's, the alternative's.
    pub dependence: [f32; 2],
    /// Nightmares a night: SomnoTech's, the alternative's.
    pub nightmares: [f32; 2],
}

const DESIGN_PLACEHOLDERS: [&str; 4] =
    ["{dep_somnotech}", "{dep_alt}", "{nm_somnotech}", "{nm_alt}"];

impl Story {
    /// What the story would wait for for ever: a second family member naming a dive
    /// another already names (freeing a dive frees the first member naming it: the
    /// second would loop on), and, in a story without a family, the finale and the
    /// messages that wait for every family dreamer freed (that never comes).
    fn check_dead_ends(&self, c: &mut Checks) {
        for (j, member) in self.family.iter().enumerate() {
            if let Some(i) = self.family[..j].iter().position(|m| m.dive == member.dive) {
                c.fail(
                    format_args!("story.family[{j}].dive"),
                    format!(
                        "{:?} is already story.family[{i}]'s nightmare: each family member needs a dive of their own (freeing a dive frees the first member who names it; this one would never be freed)",
                        member.dive
                    ),
                );
            }
        }
        if !self.family.is_empty() {
            return;
        }
        if self.finale.is_some() {
            c.fail(
                "story.finale",
                "the finale opens once every family dreamer is freed, and the story has no family: it could never be dived (add a family, or leave the finale out)",
            );
        }
        for (i, m) in self.messages.iter().enumerate() {
            if let Trigger::On(flag @ (StoryFlag::AllFreed | StoryFlag::FinaleDone)) = m.when {
                c.fail(
                    format_args!("story.messages[{i}].when"),
                    format!(
                        "On({flag:?}) waits for every family dreamer freed, and the story has no family: this message would never arrive"
                    ),
                );
            }
        }
    }

    pub(super) fn check(&self, c: &mut Checks, dives: &[String]) {
        c.number(
            "story.network.sleepers",
            self.network.sleepers as f32,
            1000.0..=200_000.0,
            " sleepers",
        );
        c.number(
            "story.network.warm_up_hours",
            self.network.warm_up_hours as f32,
            0.0..=96.0,
            " h",
        );
        c.number(
            "story.pressure_hours",
            self.pressure_hours,
            1.0..=240.0,
            " h",
        );
        let known: Vec<&str> = dives.iter().map(String::as_str).collect();
        if let Some(finale) = &self.finale {
            c.reference("story.finale", "dive", finale, &known);
            if self.family.iter().any(|m| &m.dive == finale) {
                c.fail(
                    "story.finale",
                    "the finale is its own dive, not one of the family's",
                );
            }
        }
        self.check_dead_ends(c);
        for (i, member) in self.family.iter().enumerate() {
            let at = format!("story.family[{i}]");
            c.reference(format_args!("{at}.dive"), "dive", &member.dive, &known);
            c.number(
                format_args!("{at}.bedtime"),
                member.bedtime,
                0.0..=24.0,
                " h",
            );
            c.number(
                format_args!("{at}.sleep_hours"),
                member.sleep_hours,
                3.0..=14.0,
                " h",
            );
            for (field, value, low) in [
                ("susceptibility", member.susceptibility, 0.0),
                ("calm", member.calm, -1.0),
                ("dependence", member.dependence, 0.0),
            ] {
                c.number(format_args!("{at}.{field}"), value, low..=1.0, "");
            }
            for (n, note) in member.notes.iter().enumerate() {
                c.text(format_args!("{at}.notes[{n}]"), note, 400);
            }
        }
        for (i, m) in self.messages.iter().enumerate() {
            let at = format!("story.messages[{i}]");
            c.text(format_args!("{at}.from"), &m.from, 60);
            c.text(format_args!("{at}.subject"), &m.subject, 100);
            c.text(format_args!("{at}.body"), &m.body, 2000);
            if let Trigger::AfterHours(h) = m.when {
                c.number(format_args!("{at}.when"), h, 0.0..=1000.0, " h");
            }
        }
        for (i, line) in self.confrontation.iter().enumerate() {
            // An empty `who` is the narrator.
            if line.who.chars().count() > 40 {
                c.fail(
                    format_args!("story.confrontation[{i}].who"),
                    "expected at most 40 characters",
                );
            }
            c.text(
                format_args!("story.confrontation[{i}].text"),
                &line.text,
                600,
            );
        }
        let stakes = &self.stakes;
        c.number(
            "story.stakes.dive_speed",
            stakes.dive_speed,
            0.1..=60.0,
            " min/s",
        );
        c.number(
            "story.stakes.sink_loops",
            stakes.sink_loops as f32,
            0.0..=10.0,
            " loops",
        );
        c.number(
            "story.stakes.lost_link_hours",
            stakes.lost_link_hours,
            0.0..=48.0,
            " h",
        );
        c.number(
            "story.stakes.lost_link_stability",
            stakes.lost_link_stability,
            0.0..=0.5,
            "",
        );
        if !stakes.lost_link_cost.is_empty() {
            c.text("story.stakes.lost_link_cost", &stakes.lost_link_cost, 300);
            if let Some(unknown) =
                unknown_placeholder(&stakes.lost_link_cost, &["{hours}", "{cap}"])
            {
                c.fail(
                    "story.stakes.lost_link_cost",
                    format!("unknown {unknown}: expected {{hours}} or {{cap}}"),
                );
            }
        }
        let link = &self.link;
        for (field, value) in [
            ("per_collapse", link.per_collapse),
            ("per_relapse", link.per_relapse),
            ("per_memory", link.per_memory),
            ("warn_below", link.warn_below),
        ] {
            c.number(format_args!("story.link.{field}"), value, 0.0..=1.0, "");
        }
        if !self.link_lost.is_empty() {
            c.text("story.link_lost", &self.link_lost, 300);
            if let Some(unknown) = unknown_placeholder(&self.link_lost, &["{dreamer}", "{loop}"]) {
                c.fail(
                    "story.link_lost",
                    format!("unknown {unknown}: expected {{dreamer}} or {{loop}}"),
                );
            }
        }
        let flags: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        let names = Names {
            flags: &flags,
            dreams: &known,
        };
        for (i, flag) in self.flags.iter().enumerate() {
            c.id(format_args!("story.flags[{i}]"), flag);
            if flags[..i].contains(&flag.as_str()) {
                c.fail(
                    format_args!("story.flags[{i}]"),
                    format!("flag {flag:?} is declared twice"),
                );
            }
        }
        for (i, cue) in self.scenes.iter().enumerate() {
            let at = format!("story.scenes[{i}]");
            c.number(
                format_args!("{at}.after_hours"),
                cue.after_hours,
                0.0..=1000.0,
                " h",
            );
            c.number(
                format_args!("{at}.gap_hours"),
                cue.gap_hours,
                0.0..=1000.0,
                " h",
            );
            check_when(c, &format!("{at}.when"), &cue.when, Scope::Waking, names);
        }
        for (i, line) in self.father.iter().enumerate() {
            c.text(format_args!("story.father[{i}].text"), &line.text, 300);
            let at = format!("story.father[{i}].when");
            check_when(c, &at, &line.when, Scope::Link, names);
        }
        for (i, e) in self.epilogue.iter().enumerate() {
            c.text(format_args!("story.epilogue[{i}].text"), &e.text, 1000);
            let at = format!("story.epilogue[{i}].when");
            check_when(c, &at, &e.when, Scope::Epilogue, names);
        }
        for (i, line) in self.design_talk.iter().enumerate() {
            let at = format!("story.design_talk[{i}]");
            c.text(format_args!("{at}.who"), &line.who, 40);
            c.text(format_args!("{at}.text"), &line.text, 600);
            if let Some(unknown) = unknown_placeholder(&line.text, &DESIGN_PLACEHOLDERS) {
                c.fail(
                    format_args!("{at}.text"),
                    format!(
                        "unknown {unknown}: expected one of {}",
                        DESIGN_PLACEHOLDERS.join(", ")
                    ),
                );
            }
            check_when(c, &format!("{at}.when"), &line.when, Scope::Epilogue, names);
        }
        for (i, ending) in self.endings.iter().enumerate() {
            let at = format!("story.endings[{i}]");
            c.id(format_args!("{at}.id"), &ending.id);
            if self.endings[..i].iter().any(|e| e.id == ending.id) {
                c.fail(
                    format_args!("{at}.id"),
                    format!("ending {:?} is written twice", ending.id),
                );
            }
            c.text(format_args!("{at}.title"), &ending.title, 60);
            if ending.scenes.is_empty() || ending.scenes.len() > 12 {
                c.fail(
                    format_args!("{at}.scenes"),
                    format!("expected 1 to 12 scenes, found {}", ending.scenes.len()),
                );
            }
            check_when(
                c,
                &format!("{at}.when"),
                &ending.when,
                Scope::Epilogue,
                names,
            );
        }
        if let Some(last) = self.endings.last()
            && !last.when.is_empty()
        {
            c.fail(
                format_args!("story.endings[{}].when", self.endings.len() - 1),
                "the last ending is the one played when no other holds: its `when` must be empty",
            );
        }
    }

    /// Every scene the story names, in the order a player meets them (the prologue's,
    /// the cues', each ending's, the credits), with the field that names it.
    pub fn scene_ids(&self) -> Vec<(String, &str)> {
        let prologue = self.prologue.scene.iter();
        let mut named: Vec<(String, &str)> = prologue
            .map(|id| ("story.prologue.scene".to_owned(), id.as_str()))
            .collect();
        for (i, cue) in self.scenes.iter().enumerate() {
            named.push((format!("story.scenes[{i}].scene"), &cue.scene));
        }
        for (i, ending) in self.endings.iter().enumerate() {
            for (n, id) in ending.scenes.iter().enumerate() {
                named.push((format!("story.endings[{i}].scenes[{n}]"), id));
            }
        }
        named.extend(
            self.credits
                .iter()
                .map(|id| ("story.credits".to_owned(), id.as_str())),
        );
        named
    }

    /// The ending these facts (with the adopted design's outcomes) reach: the first
    /// whose conditions hold.
    pub fn ending(&self, facts: &Facts) -> Option<&Ending> {
        self.endings.iter().find(|e| cond::all(&e.when, facts))
    }

    /// The talk at the designer after a run, its figures filled in: (who, text) for
    /// each line whose conditions hold.
    pub fn design_talk(&self, facts: &Facts, run: RunFigures) -> Vec<(&str, String)> {
        let [dep_s, dep_a] = run.dependence;
        let [nm_s, nm_a] = run.nightmares;
        self.design_talk
            .iter()
            .filter(|l| cond::all(&l.when, facts))
            .map(|l| {
                let text = l
                    .text
                    .replace("{dep_somnotech}", &format!("{dep_s:.2}"))
                    .replace("{dep_alt}", &format!("{dep_a:.2}"))
                    .replace("{nm_somnotech}", &format!("{nm_s:.1}"))
                    .replace("{nm_alt}", &format!("{nm_a:.1}"));
                (l.who.as_str(), text)
            })
            .collect()
    }

    /// The family member whose nightmare is dive `id`, with their sleeper index.
    pub fn member(&self, dive: &str) -> Option<(usize, &FamilyMember)> {
        self.family.iter().enumerate().find(|(_, m)| m.dive == dive)
    }

    /// What Father says the `nth` time (from 0) `moment` comes in a dive: his lines for
    /// it whose conditions hold, in turn (he does not repeat himself while he has
    /// others). None if he has nothing to say to it.
    pub fn father_line(&self, moment: DiveMoment, nth: usize, facts: &Facts) -> Option<&str> {
        let lines: Vec<&str> = self
            .father
            .iter()
            .filter(|l| l.on == moment && cond::all(&l.when, facts))
            .map(|l| l.text.as_str())
            .collect();
        (!lines.is_empty()).then(|| lines[nth % lines.len()])
    }

    /// The console's report after the link dropped in `dreamer`'s loop `loop_number`
    /// (counted from 1): `link_lost`, filled in.
    pub fn link_lost_report(&self, dreamer: &str, loop_number: u32) -> String {
        if self.link_lost.trim().is_empty() {
            // A campaign without the line still says what happened.
            return format!("Link lost: {dreamer}, loop {loop_number}.");
        }
        self.link_lost
            .replace("{dreamer}", dreamer)
            .replace("{loop}", &loop_number.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::levels::cond::StoryFacts;

    fn story(endings: &str, talk: &str) -> Story {
        ron::from_str(&format!(
            "(flags: [\"kind\"], endings: [{endings}], design_talk: [{talk}])"
        ))
        .expect("parses")
    }

    fn problems(story: &Story) -> Vec<String> {
        let mut c = Checks::new("x.campaign.ron");
        story.check(&mut c, &[]);
        c.into_errors().iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn the_first_ending_that_holds_is_reached_and_the_last_always_holds() {
        let story = story(
            r#"(id: "kept", title: "Kept", when: [Outcome(SteeringOn)], scenes: ["a"]),
               (id: "kind", title: "Kind", when: [Flag("kind")], scenes: ["b"]),
               (id: "morning", title: "Morning", scenes: ["c"])"#,
            "",
        );
        assert_eq!(problems(&story), Vec::<String>::new());
        let reached = |flags: &[&str], outcomes: &[Outcome]| {
            let known = StoryFacts {
                flags: flags.iter().map(|f| f.to_string()).collect(),
                ..StoryFacts::default()
            };
            let outcomes: BTreeSet<Outcome> = outcomes.iter().copied().collect();
            let facts = Facts {
                outcomes: Some(&outcomes),
                ..Facts::waking(&known)
            };
            story.ending(&facts).map(|e| e.id.clone())
        };
        assert_eq!(
            reached(&["kind"], &[Outcome::SteeringOn]).as_deref(),
            Some("kept")
        );
        assert_eq!(
            reached(&["kind"], &[Outcome::SteeringOff]).as_deref(),
            Some("kind")
        );
        assert_eq!(
            reached(&[], &[Outcome::SteeringOff]).as_deref(),
            Some("morning")
        );
    }

    #[test]
    fn a_story_that_would_wait_for_ever_is_refused() {
        let member = |dive: &str| {
            format!(
                "(dive: \"{dive}\", bedtime: 23.0, sleep_hours: 8.0, susceptibility: 0.5, calm: 0.0, dependence: 0.3)"
            )
        };
        let twice: Story = ron::from_str(&format!(
            "(family: [{}, {}, {}])",
            member("leo"),
            member("mara"),
            member("leo")
        ))
        .expect("parses");
        let errors = problems(&twice);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("story.family[2].dive")
                    && e.contains("story.family[0]'s nightmare")),
            "{errors:#?}"
        );
        // (The dives are not listed here: each is also an unknown dive.)
        assert!(
            !errors
                .iter()
                .any(|e| e.contains("story.family[1]") && !e.contains("no dive")),
            "{errors:#?}"
        );

        let message =
            |when: &str| format!("(from: \"Father\", subject: \"S\", body: \"B\", when: {when})");
        let alone: Story = ron::from_str(&format!(
            "(finale: Some(\"family\"), messages: [{}, {}, {}])",
            message("Start"),
            message("On(AllFreed)"),
            message("On(FinaleDone)")
        ))
        .expect("parses");
        let errors = problems(&alone);
        for wanted in [
            "story.finale",
            "story.messages[1].when",
            "story.messages[2].when",
        ] {
            assert!(
                errors
                    .iter()
                    .any(|e| e.contains(wanted) && e.contains("no family")),
                "{wanted}: {errors:#?}"
            );
        }
        assert!(
            !errors.iter().any(|e| e.contains("messages[0]")),
            "{errors:#?}"
        );
        // With a family, the same messages arrive in time.
        let with_family: Story = ron::from_str(&format!(
            "(family: [{}], messages: [{}, {}])",
            member("leo"),
            message("On(AllFreed)"),
            message("On(FinaleDone)")
        ))
        .expect("parses");
        let errors = problems(&with_family);
        assert!(
            !errors.iter().any(|e| e.contains("no family")),
            "{errors:#?}"
        );
    }

    #[test]
    fn broken_endings_and_design_talk_are_refused_where_they_stand() {
        let story = story(
            r#"(id: "a", title: "A", scenes: ["x"]),
               (id: "a", title: "", when: [Flag("knid")], scenes: [])"#,
            r#"(who: "Father", text: "Dependence {dep}.", when: [Memory(0)]),
               (who: "Juno", text: "Home.", when: [Freed("lio")])"#,
        );
        let errors = problems(&story);
        for wanted in [
            "story.design_talk[0].text: unknown {dep}",
            "story.design_talk[0].when[0]: memories are only known at a dream's core",
            "story.design_talk[1].when[0]: no dream \"lio\"",
            "story.endings[1].id: ending \"a\" is written twice",
            "story.endings[1].title: expected some text",
            "story.endings[1].scenes: expected 1 to 12 scenes, found 0",
            "story.endings[1].when[0]: no story flag \"knid\"",
            "story.endings[1].when: the last ending is the one played when no other holds",
        ] {
            assert!(
                errors.iter().any(|e| e.contains(wanted)),
                "{wanted:?} not in {errors:#?}"
            );
        }
    }

    #[test]
    fn the_design_talk_says_the_runs_figures() {
        let story = story(
            "",
            r#"(who: "Father", text: "{dep_somnotech} to {dep_alt}; {nm_somnotech} to {nm_alt}."),
               (who: "Juno", text: "Kept.", when: [Outcome(SteeringOn)])"#,
        );
        let known = StoryFacts::default();
        let outcomes: BTreeSet<Outcome> = [Outcome::SteeringOff].into();
        let facts = Facts {
            outcomes: Some(&outcomes),
            ..Facts::waking(&known)
        };
        let run = RunFigures {
            dependence: [0.61, 0.234],
            nightmares: [40.25, 12.0],
        };
        assert_eq!(
            story.design_talk(&facts, run),
            [("Father", "0.61 to 0.23; 40.2 to 12.0.".to_owned())]
        );
    }
}
