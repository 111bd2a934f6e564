//! Juno's desk in the control room, as plain data: the network she watches, how far the
//! story has come, her findings, the dive console and the alternative's designer. The
//! panels draw it and ask for changes ([`Request`]); [`Desk::apply`] makes them, and the
//! game's systems step it on the fixed clock.

use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::Message;

use super::design::{Design, DesignRun};
use crate::dive::MAX_LOOP_INDEX;
use crate::levels::story::{
    Action, Ending, Outcome, RunFigures, SceneCue, Story, StoryFlag, Trigger,
};
use crate::levels::strangers::{StrangerKey, dive_id, sleeper_of};
use crate::levels::{DiveSpec, Library};
use crate::levels::{Facts, StoryFacts};
use crate::network::analysis::{Correlation, Query};
use crate::network::calibration::{self, Calibration};
use crate::network::{AltRules, Finding, MINUTES_PER_DAY, Network, Policy, SleeperProfile, Traits};

/// Network minutes per real second at each of the console's speeds.
pub const SPEEDS: [f32; 3] = [1.0, 10.0, 60.0];

/// The link's push, held on the console, counts for this long after the console last
/// said so (a closed or stalled console lets go of the link instead of pushing forever).
const PUSH_HELD_SECONDS: f32 = 0.1;

/// The panels on Juno's desk. Which are open is the desk's (the story opens the console
/// at the overload); how they look and their keys are the presentation's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Panel {
    Overview,
    Sleeper,
    Algorithm,
    Inbox,
    Console,
    Alternative,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Overview,
        Panel::Sleeper,
        Panel::Algorithm,
        Panel::Inbox,
        Panel::Console,
        Panel::Alternative,
    ];
}

/// What the control room's panels ask for: the desk's changes (made by [`Desk::apply`])
/// and what only the game can do (a dive, the title).
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Request {
    /// Dive into dream `dive` with the calibrated link's stability.
    Dive {
        dive: String,
        link: f32,
    },
    BackToTitle,
    /// Open a closed panel, close an open one.
    TogglePanel(Panel),
    ClosePanel(Panel),
    /// Pause or run the network.
    TogglePause,
    /// Run the network at [`SPEEDS`]`[i]`.
    Speed(usize),
    /// Show a sleeper in the detail panel; `show` opens the panel too.
    Select {
        sleeper: usize,
        show: bool,
    },
    /// Open message `i` (by index into the story's), which reads it.
    OpenMessage(usize),
    /// Take a message's action.
    Act(Action),
    /// The confrontation's next line.
    NextLine,
    /// Set up the analysis bench.
    Query(Query),
    Analyse,
    Pin,
    /// Begin calibrating the link for dive `id`.
    Calibrate(String),
    /// Link to a stranger in a loop (sleeper `n`): who they are now is kept, and the
    /// link calibrated for their dream.
    LinkStranger(usize),
    /// Push the link's phase: -1 left, 1 right, 0 let go.
    PushLink(f32),
    /// Put these rules on the designer's table.
    Rules(AltRules),
    RunDesign,
    Adopt,
    /// On from the adopted design and its epilogue to the end: the ending's scenes.
    BeginEnding,
}

/// The dive console's state.
#[derive(Debug, Clone, Default)]
pub struct ConsoleState {
    pub dive: Option<String>,
    pub calibration: Option<Calibration>,
    /// The last dive's end, as Father reported it.
    pub report: Option<String>,
    /// The dive under way from this console: only its dreamer can come back freed.
    pub diving: Option<String>,
    /// How hard the link is pushed (-1 to 1), and for how much longer it is held.
    pub push: f32,
    pub push_held: f32,
}

/// Juno's desk.
#[derive(Debug, Clone)]
pub struct Desk {
    pub network: Network,
    /// Which [`SPEEDS`] the network runs at.
    pub speed: usize,
    pub paused: bool,
    /// Network minutes owed to the clock (real time runs smoother than whole minutes).
    pub carry: f32,
    /// Minute Juno sat down.
    pub start_minute: u64,
    pub flags: BTreeSet<StoryFlag>,
    /// What Juno said that the story remembers (the campaign's `story.flags`), in the
    /// evening dream, the waking scenes and at the cores.
    pub choices: BTreeSet<String>,
    /// Family members who sank deeper when the clock ran out, by dive id.
    pub sunk: BTreeSet<String>,
    /// Times the link dropped and Father pulled Juno out.
    pub link_losses: u32,
    /// The story's ending (by id), fixed when it begins to play.
    pub ending: Option<String>,
    /// The waking scenes played, by id.
    pub scenes_seen: BTreeSet<String>,
    /// The network minute the last scene ended (scenes keep their distance).
    pub last_scene_minute: Option<u64>,
    /// Messages arrived, by index into the story's, with the network minute they came.
    pub inbox: Vec<(usize, u64)>,
    pub read: BTreeSet<usize>,
    pub open_message: Option<usize>,
    /// The confrontation's line on screen, while it plays.
    pub confrontation: Option<usize>,
    pub findings: Vec<Finding>,
    pub query: Query,
    pub last_analysis: Option<Correlation>,
    pub selected: usize,
    pub open: BTreeSet<Panel>,
    pub console: ConsoleState,
    pub design: Design,
    /// Dives freed, by id.
    pub freed: BTreeSet<String>,
    pub overload_minute: Option<u64>,
    pub pressure_minutes: u64,
    /// Family members' sleeper indices, with their dive ids.
    pub family: Vec<(usize, String)>,
    /// The finale's dive id, if the story has one.
    pub finale: Option<String>,
    /// Each dreamer's dive so far, by dive id: the next dive goes on from there.
    pub dives: BTreeMap<String, DiveProgress>,
    /// Strangers Juno linked to, by sleeper: who they were when she first did. Their
    /// dream is made from this, so going back (or a saved game) gives the same one.
    pub strangers: BTreeMap<usize, StrangerVisit>,
    /// The traits the network's family sleepers began with (a saved game needs them to
    /// simulate the network again, whatever the story files say by then).
    pub family_traits: Vec<Traits>,
    /// Real seconds spent in this game, in the control room and on dives.
    pub played_seconds: f64,
}

/// A stranger as Juno first linked to them: the network's minute and their profile then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrangerVisit {
    pub minute: u64,
    pub profile: SleeperProfile,
}

/// How far one dreamer's dive has come: kept between dives, so Juno goes back to the
/// loop she left with what she understood.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiveProgress {
    /// Memory anchors understood, by index.
    pub understood: BTreeSet<usize>,
    /// The loop reached (0 for the first).
    pub loop_reached: u32,
    /// Wrong words at the core that sent the dreamer into a harsher loop.
    pub relapses: u32,
    /// Some of it was played with the assist's slower dreams.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub assisted: bool,
}

/// The story's sleepers' traits, for the network's first sleepers.
pub fn family_traits(story: &Story) -> Vec<Traits> {
    story
        .family
        .iter()
        .map(|m| Traits {
            bedtime: (m.bedtime * 60.0) as u16 % MINUTES_PER_DAY as u16,
            sleep_minutes: (m.sleep_hours * 60.0) as u16,
            susceptibility: m.susceptibility,
            calm: m.calm,
            dependence: m.dependence,
        })
        .collect()
}

/// A new game's desk being made: its network warming up (the story's hours before Juno
/// sits down), a minute at a time, so it can be made in slices between frames.
#[derive(Debug, Clone)]
pub struct WarmUp {
    network: Network,
    minutes_left: u64,
}

impl WarmUp {
    /// The network built from `story`, none of its warm-up run yet.
    pub fn begin(story: &Story) -> Self {
        let setup = story.network;
        Self {
            network: Network::new(
                setup.seed,
                setup.sleepers as usize,
                Policy::SomnoTech,
                &family_traits(story),
            ),
            minutes_left: u64::from(setup.warm_up_hours) * 60,
        }
    }

    /// Warm-up minutes still to run.
    pub fn minutes_left(&self) -> u64 {
        self.minutes_left
    }

    /// Runs warm-up minutes one at a time while `more()` says so (asked before each);
    /// whether it is done. However it is sliced, the same desk comes of it.
    pub fn run_while(&mut self, mut more: impl FnMut() -> bool) -> bool {
        while self.minutes_left > 0 && more() {
            self.network.step();
            self.minutes_left -= 1;
        }
        self.minutes_left == 0
    }

    /// The desk, its warm-up run to the end first if it is not yet.
    pub fn finish(mut self, story: &Story) -> Desk {
        self.run_while(|| true);
        let mut desk = Desk::around(self.network, family_traits(story), story);
        desk.deliver(story);
        desk
    }
}

impl Desk {
    /// The desk as Juno sits down: the network built from the story and warmed up.
    pub fn new(story: &Story) -> Self {
        WarmUp::begin(story).finish(story)
    }

    /// A desk around `network` as Juno sits down at it now, nothing done yet (no message
    /// delivered either).
    pub fn around(network: Network, family_traits: Vec<Traits>, story: &Story) -> Self {
        let start_minute = network.minute();
        Self {
            network,
            speed: 1,
            paused: false,
            carry: 0.0,
            start_minute,
            flags: BTreeSet::new(),
            choices: BTreeSet::new(),
            scenes_seen: BTreeSet::new(),
            last_scene_minute: None,
            sunk: BTreeSet::new(),
            link_losses: 0,
            ending: None,
            inbox: Vec::new(),
            read: BTreeSet::new(),
            open_message: None,
            confrontation: None,
            findings: Vec::new(),
            query: Query::default(),
            last_analysis: None,
            selected: 0,
            open: [Panel::Overview, Panel::Inbox].into(),
            console: ConsoleState::default(),
            design: Design {
                rules: AltRules::default(),
                run: None,
                adopted: None,
            },
            freed: BTreeSet::new(),
            overload_minute: None,
            pressure_minutes: (story.pressure_hours * 60.0) as u64,
            family: story
                .family
                .iter()
                .enumerate()
                .map(|(i, m)| (i, m.dive.clone()))
                .collect(),
            finale: story.finale.clone(),
            dives: BTreeMap::new(),
            strangers: BTreeMap::new(),
            family_traits,
            played_seconds: 0.0,
        }
    }

    /// Runs the network for `seconds` of real time at the console's speed (nothing while
    /// paused) — during a dive from the console at the story's dive speed, paused or not.
    /// (The designer's comparison runs by the frame, within a budget: `campaign`.)
    pub fn advance(&mut self, seconds: f32, story: &Story) {
        if seconds.is_finite() && seconds > 0.0 {
            self.played_seconds += f64::from(seconds);
        }
        let diving = self.console.diving.is_some();
        if (diving || !self.paused) && seconds.is_finite() && seconds > 0.0 {
            let rate = if diving {
                story.stakes.dive_speed
            } else {
                SPEEDS[self.speed.min(SPEEDS.len() - 1)]
            };
            self.carry += seconds * rate;
            let whole = self.carry.floor();
            self.carry -= whole;
            self.network.run(whole as u64);
        }
        self.step_link(seconds);
        self.pressure(story);
        self.deliver(story);
    }

    /// The link being calibrated drifts and is pushed for `seconds` (it holds still while
    /// the console is paused, like the network).
    pub fn step_link(&mut self, seconds: f32) {
        let console = &mut self.console;
        let push = if console.push_held > 0.0 {
            console.push
        } else {
            0.0
        };
        console.push_held = (console.push_held - seconds).max(0.0);
        if let Some(calibration) = &mut console.calibration
            && !self.paused
            && seconds.is_finite()
            && seconds > 0.0
        {
            calibration.step(seconds.min(0.1), push);
        }
    }

    /// Makes a change the panels asked for. A dive and the title are the game's to act
    /// on: here they change nothing.
    pub fn apply(&mut self, request: &Request, story: &Story) {
        match request {
            Request::Dive { .. } | Request::BackToTitle => {}
            Request::TogglePanel(panel) => {
                if !self.open.remove(panel) {
                    self.open.insert(*panel);
                }
            }
            Request::ClosePanel(panel) => {
                self.open.remove(panel);
            }
            Request::TogglePause => self.paused = !self.paused,
            Request::Speed(speed) => self.speed = (*speed).min(SPEEDS.len() - 1),
            Request::Select { sleeper, show } => {
                self.selected = (*sleeper).min(self.network.len().saturating_sub(1));
                if *show {
                    self.open.insert(Panel::Sleeper);
                }
            }
            Request::OpenMessage(index) => {
                if self.inbox.iter().any(|(i, _)| i == index) {
                    self.open_message = Some(*index);
                    self.read.insert(*index);
                }
            }
            Request::Act(action) => self.act(*action, story),
            Request::NextLine => self.next_line(story),
            Request::Query(query) => self.query = *query,
            Request::Analyse => {
                self.analyse();
            }
            Request::Pin => self.pin(story),
            Request::Calibrate(id) => self.calibrate(id),
            Request::LinkStranger(sleeper) => self.link_stranger(*sleeper),
            Request::PushLink(push) => {
                self.console.push = push.clamp(-1.0, 1.0);
                self.console.push_held = PUSH_HELD_SECONDS;
            }
            Request::Rules(rules) => {
                if !self.design_locked() {
                    self.design.rules = *rules;
                }
            }
            Request::RunDesign => {
                if !self.design_locked() {
                    self.run_design();
                }
            }
            Request::Adopt => self.adopt(story),
            Request::BeginEnding => self.begin_ending(story),
        }
    }

    /// Network minutes left on the pressure clock, once the overload began.
    pub fn pressure_left(&self) -> Option<u64> {
        self.network.overloaded()?;
        self.overload_minute
            .map(|since| (since + self.pressure_minutes).saturating_sub(self.network.minute()))
    }

    /// When the pressure clock runs out the loops set: calibrating the link gets harder,
    /// and whoever is still trapped sinks deeper (their next dive starts loops further
    /// in, and their talk opens darker).
    pub fn pressure(&mut self, story: &Story) {
        if self.pressure_left() != Some(0) || !self.flags.insert(StoryFlag::LoopsSetting) {
            return;
        }
        for (_, id) in &self.family {
            if self.freed.contains(id) {
                continue;
            }
            self.sunk.insert(id.clone());
            let progress = self.dives.entry(id.clone()).or_default();
            progress.loop_reached = (progress.loop_reached)
                .saturating_add(story.stakes.sink_loops)
                .min(MAX_LOOP_INDEX);
        }
    }

    /// The link dropped and Father pulled Juno out: time lost (the network runs on
    /// while she comes round) and a link that holds less well. Returns what the console
    /// adds to its report.
    pub fn link_lost(&mut self, story: &Story) -> String {
        self.link_losses += 1;
        self.coming_round(story);
        story.stakes.lost_link_note(self.link_cap(story))
    }

    /// Juno woke herself from a console dive with the dreamer still trapped: the time it
    /// takes to come round is lost (the link is not harmed). Returns what the console
    /// says of it.
    pub fn woke_early(&mut self, story: &Story) -> String {
        let hours = self.coming_round(story);
        format!("{hours} network hours lost coming round.")
    }

    /// The network runs on while Juno comes round after a dive cut short (the story's
    /// `lost_link_hours`), with what that brings: the clock, messages. Returns the hours.
    fn coming_round(&mut self, story: &Story) -> f32 {
        let hours = story.stakes.lost_link_hours.max(0.0);
        self.network.run((hours * 60.0) as u64);
        self.pressure(story);
        self.deliver(story);
        hours
    }

    /// The most the dive link can hold after the links lost so far.
    pub fn link_cap(&self, story: &Story) -> f32 {
        (1.0 - self.link_losses as f32 * story.stakes.lost_link_stability).max(0.5)
    }

    /// Messages whose time has come arrive.
    pub fn deliver(&mut self, story: &Story) {
        let hours = (self.network.minute() - self.start_minute) as f32 / 60.0;
        for (i, message) in story.messages.iter().enumerate() {
            if self.inbox.iter().any(|(m, _)| *m == i) {
                continue;
            }
            let due = match message.when {
                Trigger::Start => true,
                Trigger::AfterHours(h) => hours >= h,
                Trigger::On(flag) => self.flags.contains(&flag),
            };
            if due {
                self.inbox.push((i, self.network.minute()));
            }
        }
    }

    /// The waking scene due now, if any (by id): the story's first not yet played, once
    /// its time has come and its conditions hold, while Juno is at the desk and not in
    /// the middle of something (the confrontation, a calibration, a dive).
    pub fn due_scene<'s>(&self, story: &'s Story) -> Option<&'s str> {
        self.due_cue(story).map(|cue| cue.scene.as_str())
    }

    /// The story's cue whose scene is due now, if any (see [`Desk::due_scene`]).
    pub fn due_cue<'s>(&self, story: &'s Story) -> Option<&'s SceneCue> {
        let busy = self.confrontation.is_some()
            || self.console.calibration.is_some()
            || self.console.diving.is_some();
        // Checked every frame at the desk: nothing is built once every scene has played.
        let unplayed = story
            .scenes
            .iter()
            .any(|c| !self.scenes_seen.contains(&c.scene));
        if busy || !unplayed {
            return None;
        }
        let hours_since = |minute: u64| self.network.minute().saturating_sub(minute) as f32 / 60.0;
        let at_desk = hours_since(self.start_minute);
        let since_last = hours_since(self.last_scene_minute.unwrap_or(self.start_minute));
        let cue = self.next_cue(story)?;
        let due = at_desk >= cue.after_hours && since_last >= cue.gap_hours;
        due.then_some(cue)
    }

    /// The scene cue that comes next, whenever its hour comes: in the order written, the
    /// first not yet played whose conditions hold (a later one waits for it); one whose
    /// conditions do not hold now (its moment passed, or has not come) holds nothing
    /// back.
    pub fn next_cue<'s>(&self, story: &'s Story) -> Option<&'s SceneCue> {
        let known = self.facts();
        let facts = crate::levels::Facts::waking(&known);
        story.scenes.iter().find(|cue| {
            !self.scenes_seen.contains(&cue.scene) && crate::levels::cond::all(&cue.when, &facts)
        })
    }

    /// A waking scene played to its end: what Juno chose in it is remembered.
    pub fn scene_played(&mut self, id: &str, choices: impl IntoIterator<Item = String>) {
        self.scenes_seen.insert(id.to_owned());
        self.last_scene_minute = Some(self.network.minute());
        self.choices.extend(choices);
    }

    pub fn unread(&self) -> usize {
        self.inbox
            .iter()
            .filter(|(i, _)| !self.read.contains(i))
            .count()
    }

    /// Runs the analysis Juno set up.
    pub fn analyse(&mut self) -> Correlation {
        let result = self.network.history().correlate(self.query);
        self.last_analysis = Some(result);
        result
    }

    /// Pins the last analysis to her findings; a finding that shows the steering sets
    /// the story's flag.
    pub fn pin(&mut self, story: &Story) {
        let Some(result) = self.last_analysis else {
            return;
        };
        let finding = Finding(result);
        if !self.findings.contains(&finding) {
            self.findings.push(finding);
        }
        if finding.reveals_steering() {
            self.flags.insert(StoryFlag::SteeringFound);
            self.deliver(story);
        }
    }

    /// Whether a message's action can be taken now.
    pub fn can(&self, action: Action) -> bool {
        match action {
            Action::Confront => {
                self.flags.contains(&StoryFlag::SteeringFound)
                    && !self.flags.contains(&StoryFlag::Overload)
            }
            Action::DesignAlternative => self.flags.contains(&StoryFlag::FinaleDone),
        }
    }

    /// Takes a message's action.
    pub fn act(&mut self, action: Action, story: &Story) {
        if !self.can(action) {
            return;
        }
        match action {
            Action::Confront => {
                self.confrontation = Some(0);
                if story.confrontation.is_empty() {
                    self.overload(story);
                }
            }
            Action::DesignAlternative => {
                self.open.insert(Panel::Alternative);
            }
        }
    }

    /// The next line of the confrontation; after the last, the overload.
    pub fn next_line(&mut self, story: &Story) {
        let Some(line) = self.confrontation else {
            return;
        };
        if line + 1 < story.confrontation.len() {
            self.confrontation = Some(line + 1);
        } else {
            self.confrontation = None;
            self.overload(story);
        }
    }

    /// The network overloads: Juno's family (and thousands more) trapped in loops; the
    /// pressure clock starts; the dive console opens.
    pub fn overload(&mut self, story: &Story) {
        if !self.flags.insert(StoryFlag::Overload) {
            return;
        }
        let trapped: Vec<usize> = self.family.iter().map(|(i, _)| *i).collect();
        self.network.overload(&trapped);
        self.overload_minute = Some(self.network.minute());
        self.open.insert(Panel::Console);
        self.deliver(story);
    }

    /// What the story knows now, for the conditions in dreams and on the link.
    pub fn facts(&self) -> StoryFacts {
        StoryFacts {
            flags: self.choices.clone(),
            beats: self.flags.clone(),
            sunk: self.sunk.clone(),
            freed: self.freed.clone(),
            home: u32::try_from(self.brought_home()).unwrap_or(u32::MAX),
        }
    }

    /// Whether dive `id` can be started from the console: its sleeper is trapped and not
    /// yet freed; the finale's, once every family dreamer is freed.
    pub fn can_dive(&self, id: &str) -> bool {
        if let Some(sleeper) = sleeper_of(id) {
            // A stranger linked to, still in their loop (after the release it may end
            // on its own: then there is no dream to go into).
            return self.flags.contains(&StoryFlag::Overload)
                && self.strangers.contains_key(&sleeper)
                && !self.network.is_home(sleeper)
                && self.network.sleeper(sleeper).is_some_and(|s| s.looping);
        }
        let member = self.family.iter().any(|(_, d)| d == id);
        let finale =
            self.finale.as_deref() == Some(id) && self.flags.contains(&StoryFlag::AllFreed);
        self.flags.contains(&StoryFlag::Overload) && !self.freed.contains(id) && (member || finale)
    }

    /// Whether Juno can link to sleeper `sleeper` as a stranger: once the overload has
    /// begun (the link is there for emergencies), a sleeper not of her family, in a loop
    /// now and not brought home.
    pub fn can_link_stranger(&self, sleeper: usize) -> bool {
        self.flags.contains(&StoryFlag::Overload)
            && sleeper >= self.family.len()
            && !self.network.is_home(sleeper)
            && self.network.sleeper(sleeper).is_some_and(|s| s.looping)
    }

    /// The strangers Juno could link to now, in number order: past the family, not
    /// brought home, in a loop (after the overload).
    pub fn linkable_strangers(&self) -> impl Iterator<Item = usize> + '_ {
        (self.family.len()..self.network.len()).filter(|&i| self.can_link_stranger(i))
    }

    /// Links the console to stranger `sleeper`: who they are now is kept (unless Juno
    /// has been in their dream before: then the dream she left), and the link calibrated
    /// for them. The Console panel opens.
    pub fn link_stranger(&mut self, sleeper: usize) {
        if !self.can_link_stranger(sleeper) && !self.can_dive(&dive_id(sleeper)) {
            return;
        }
        let minute = self.network.minute();
        let Some(profile) = self.network.profile(sleeper) else {
            return;
        };
        self.strangers
            .entry(sleeper)
            .or_insert(StrangerVisit { minute, profile });
        self.open.insert(Panel::Console);
        self.calibrate(&dive_id(sleeper));
    }

    /// The dive into a stranger's dream (`sleeper#N`) Juno linked to, made from the
    /// visit kept; `None` for any other id, or when the stranger files cannot make it.
    pub fn stranger_dive(&self, id: &str, library: &Library) -> Option<DiveSpec> {
        library.stranger_key_dive(&self.stranger_key(id)?).ok()
    }

    /// What the dive into a linked stranger's dream (`sleeper#N`) is made from.
    pub fn stranger_key(&self, id: &str) -> Option<StrangerKey> {
        let visit = self.strangers.get(&sleeper_of(id)?)?;
        Some(StrangerKey {
            network_seed: self.network.seed(),
            profile: visit.profile,
        })
    }

    /// The dive `id` names: a dream of the library (the family's), else a stranger's
    /// Juno linked to.
    pub fn dive_spec(&self, id: &str, library: &Library) -> Option<DiveSpec> {
        library
            .dive(id)
            .cloned()
            .or_else(|| self.stranger_dive(id, library))
    }

    /// How many strangers Juno brought home.
    pub fn brought_home(&self) -> usize {
        self.network.brought_home()
    }

    /// Whether dive `id` is the story's finale.
    pub fn is_finale(&self, id: &str) -> bool {
        self.finale.as_deref() == Some(id)
    }

    /// A dive from the console begins: the console is cleared for the next one.
    pub fn begin_dive(&mut self, id: &str) {
        self.console = ConsoleState {
            diving: Some(id.to_owned()),
            ..ConsoleState::default()
        };
    }

    /// Back from a dive: of the dreamers the dream reports freed, only the one this
    /// console dived for counts (a free dive, a replay or an earlier game frees no one
    /// in this story).
    pub fn back_from_dive(&mut self, freed: &[String], story: &Story) {
        let Some(diving) = self.console.diving.take() else {
            return;
        };
        if !freed.contains(&diving) {
            return;
        }
        match sleeper_of(&diving) {
            // A stranger Juno linked to and freed is brought home: off the network, for
            // good. (After the release their loop may have ended on its own while she
            // talked them out of it: she brought them home all the same.)
            Some(sleeper) if self.strangers.contains_key(&sleeper) => self.network.bring(sleeper),
            Some(_) => {}
            None => self.freed(&diving, story),
        }
    }

    /// Starts calibrating the link for dive `id`.
    pub fn calibrate(&mut self, id: &str) {
        if !self.can_dive(id) {
            return;
        }
        let band = if self.flags.contains(&StoryFlag::LoopsSetting) {
            calibration::BAND * 0.7
        } else {
            calibration::BAND
        };
        self.console.dive = Some(id.to_owned());
        self.console.calibration = Some(Calibration::new(
            self.network.seed() ^ self.network.minute(),
            band,
        ));
    }

    /// A dreamer freed: their sleeper leaves the loop; when the whole family is free the
    /// overload is released.
    pub fn freed(&mut self, id: &str, story: &Story) {
        if !self.can_dive(id) {
            return;
        }
        self.freed.insert(id.to_owned());
        if let Some((index, _)) = self.family.iter().find(|(_, d)| d == id) {
            self.network.free(*index);
        }
        let all = self.family.iter().all(|(_, d)| self.freed.contains(d));
        if all && !self.family.is_empty() && self.flags.insert(StoryFlag::AllFreed) {
            self.deliver(story);
        }
        // The overload lets go with the finale (with none, with the family).
        let done = match &self.finale {
            Some(finale) => self.freed.contains(finale),
            None => self.flags.contains(&StoryFlag::AllFreed),
        };
        if done && self.flags.insert(StoryFlag::FinaleDone) {
            self.network.release();
            self.deliver(story);
        }
    }

    /// While a run is under way, or once a design is adopted (it is the network then),
    /// nothing on the designer's table changes.
    pub fn design_locked(&self) -> bool {
        self.design.run.as_ref().is_some_and(|r| !r.done()) || self.design.adopted.is_some()
    }

    /// Runs the designer's comparison with the rules on the table.
    pub fn run_design(&mut self) {
        self.design.run = Some(DesignRun::new(self.network.seed(), self.design.rules));
    }

    /// Adopts the alternative once its run is done.
    pub fn adopt(&mut self, story: &Story) {
        if self.design.adopted.is_some() {
            return;
        }
        if let Some(run) = self.design.run.as_ref().filter(|r| r.done()) {
            self.design.adopted = Some(run.outcomes());
            self.flags.insert(StoryFlag::AlternativeAdopted);
            self.deliver(story);
        }
    }

    /// What the story knows with `outcomes` (a design's) added, for `read`.
    fn with_outcomes<R>(&self, outcomes: &BTreeSet<Outcome>, read: impl FnOnce(&Facts) -> R) -> R {
        let known = self.facts();
        read(&Facts {
            outcomes: Some(outcomes),
            ..Facts::waking(&known)
        })
    }

    /// The epilogue's paragraphs that the adopted design earned.
    pub fn epilogue<'s>(&self, story: &'s Story) -> Vec<&'s str> {
        let Some(outcomes) = &self.design.adopted else {
            return Vec::new();
        };
        self.with_outcomes(outcomes, |facts| {
            story
                .epilogue
                .iter()
                .filter(|e| crate::levels::cond::all(&e.when, facts))
                .map(|e| e.text.as_str())
                .collect()
        })
    }

    /// What Father and Juno say about the finished run on the designer's table, its
    /// figures filled in; nothing while it runs.
    pub fn design_talk<'s>(&self, story: &'s Story) -> Vec<(&'s str, String)> {
        let Some(run) = self.design.run.as_ref().filter(|r| r.done()) else {
            return Vec::new();
        };
        let figures = RunFigures {
            dependence: run.dependence(),
            nightmares: run.nightmares_per_night(),
        };
        self.with_outcomes(&run.outcomes(), |facts| story.design_talk(facts, figures))
    }

    /// The ending the story has reached once the alternative is adopted: the one fixed
    /// when it began to play, else the first whose conditions hold now.
    pub fn reached_ending<'s>(&self, story: &'s Story) -> Option<&'s Ending> {
        let fixed = self.ending.as_ref();
        if let Some(ending) = fixed.and_then(|id| story.endings.iter().find(|e| &e.id == id)) {
            return Some(ending);
        }
        self.reached_ending_now(story)
    }

    /// The first ending whose conditions hold now, with the adopted design's outcomes.
    fn reached_ending_now<'s>(&self, story: &'s Story) -> Option<&'s Ending> {
        let outcomes = self.design.adopted.as_ref()?;
        self.with_outcomes(outcomes, |facts| story.ending(facts))
    }

    /// What is left to play of the story's end, in order: the ending's scenes, then the
    /// credits. Empty until Juno goes on from the adopted design ([`Desk::begin_ending`])
    /// and once the campaign is done.
    pub fn closing_scenes(&self, story: &Story) -> Vec<String> {
        if !self.flags.contains(&StoryFlag::EndingBegun)
            || self.flags.contains(&StoryFlag::Finished)
        {
            return Vec::new();
        }
        let mut scenes = self
            .reached_ending(story)
            .map(|e| e.scenes.clone())
            .unwrap_or_default();
        scenes.extend(story.credits.iter().cloned());
        scenes
    }

    /// Juno goes on from the adopted design (and its epilogue) to the end: the ending
    /// it reached is fixed (a save made during it continues with the same one), and its
    /// scenes begin at the desk.
    pub fn begin_ending(&mut self, story: &Story) {
        if !self.flags.contains(&StoryFlag::AlternativeAdopted) {
            return;
        }
        self.flags.insert(StoryFlag::EndingBegun);
        let fixed = self.ending.as_ref();
        if fixed.is_none_or(|id| !story.endings.iter().any(|e| &e.id == id)) {
            self.ending = self.reached_ending_now(story).map(|e| e.id.clone());
        }
    }

    /// The end played to its credits: the campaign is finished.
    pub fn finish(&mut self) {
        if self.flags.contains(&StoryFlag::AlternativeAdopted) {
            self.flags.insert(StoryFlag::Finished);
        }
    }
}
