//! The whole campaign played headless by a script (`sleep-sync playthrough --path N`):
//! from New game through the prologue, the rift scenes, the analysis, the confrontation,
//! every dive and the design to the ending and the title, answering as path N says.
//! It reports each chapter as it is reached and the ending, and estimates how long a
//! player takes, the same way every time ([`Length`]).
//!
//! The script plays through the game's own messages and requests (the scene screen's
//! [`SceneRequest`]s, the desk's [`Request`]s, the talk's answers); only in a dive does it
//! take the test helpers' short cut to the core (every memory understood, Juno stood by
//! the dreamer), so the walking is counted from the shipped replays instead: the
//! scripted player's ticks in each dream.

use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use crate::campaign::{ControlRoom, Desk, PlayingScene, Request, SceneRequest};
use crate::dive::{ActiveDive, FatherSays, LoopState, NightmareLoop, PersonSays};
use crate::levels::story::{Action, StoryFlag};
use crate::levels::{Facts, Levels, Library};
use crate::network::analysis::Query;
use crate::network::{AltRules, Cohort, DataKept, Measure, Param};
use crate::saves::{Chapter, SaveRequest};
use crate::state::{AppState, DreamPhase};

use super::testing::{answer, headless_app, run_until, step_up_to_the_core, wait_for_exploring};

/// The paths a playthrough can follow.
pub const PATHS: [u8; 3] = [1, 2, 3];

/// Words a player reads a minute.
pub const WORDS_PER_MINUTE: f64 = 180.0;
/// How much longer a first-time player walks a dream than the scripted player.
pub const FIRST_TIME: f64 = 2.0;
/// Network minutes a second at the speed a player would run the desk (the console's
/// middle speed).
pub const PLAYER_SPEED: f64 = crate::campaign::SPEEDS[1] as f64;

/// Frames the whole playthrough may take before it is called stuck.
const MAX_FRAMES: u32 = 60_000;
/// Answers at one core before the script gives the answer that frees.
const MAX_ANSWERS: usize = 12;

/// What path N answers and does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPlan {
    /// The answer given at each scene's choice, among those offered (the last if there
    /// are fewer).
    pub scene_pick: usize,
    /// At a core, the first answer offered that does not relapse (else the one that
    /// frees soonest, as a player who means well would).
    pub first_answers: bool,
    /// Waits at the desk for the clock to run out before the first dive.
    pub waits_out_the_clock: bool,
    /// The rules put on the designer's table.
    pub rules: AltRules,
}

impl PathPlan {
    /// Path `n` (1–3): 1 takes the first answer in every scene, answers at the cores as
    /// a player who means well, and dives at once with the kind design; 2 takes the
    /// second answer in every scene and the first that does not relapse at the cores,
    /// and lets the clock run out; 3 takes the third answer in every scene and keeps the
    /// steering and every record in the design.
    pub fn of(n: u8) -> Option<Self> {
        let kind = AltRules::default();
        Some(match n {
            1 => Self {
                scene_pick: 0,
                first_answers: false,
                waits_out_the_clock: false,
                rules: kind,
            },
            2 => Self {
                scene_pick: 1,
                first_answers: true,
                waits_out_the_clock: true,
                rules: kind,
            },
            3 => Self {
                scene_pick: 2,
                first_answers: false,
                waits_out_the_clock: false,
                rules: AltRules {
                    emotional_steering: true,
                    data_kept: DataKept::Everything,
                    ..kind
                },
            },
            _ => return None,
        })
    }
}

/// Time and words in one act of the story.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActLength {
    /// Words shown: scenes, messages, the confrontation, talk at the cores, memories,
    /// Father and the people in the dreams, the designer's talk, the epilogue.
    pub words: usize,
    /// The scripted player's walking, in seconds (before [`FIRST_TIME`]).
    pub walking: f64,
    /// Network minutes run at the desk (played at [`PLAYER_SPEED`]).
    pub desk_minutes: u64,
    /// Seconds holding the link steady in calibration.
    pub calibrating: f64,
}

impl ActLength {
    /// The estimate in minutes: reading at [`WORDS_PER_MINUTE`], walking ×[`FIRST_TIME`],
    /// the desk at [`PLAYER_SPEED`], the calibrations.
    pub fn minutes(&self) -> f64 {
        self.words as f64 / WORDS_PER_MINUTE
            + self.walking * FIRST_TIME / 60.0
            + self.desk_minutes as f64 / PLAYER_SPEED / 60.0
            + self.calibrating / 60.0
    }
}

/// How a playthrough went.
#[derive(Debug, Clone, Default)]
pub struct Playthrough {
    /// What it printed, in order: `chapter: …`, `scene: …`, `dive: …`, `ending: …`.
    pub log: Vec<String>,
    /// The ending reached.
    pub ending: Option<String>,
    /// Per act (the chapter it was in), in the order reached.
    pub acts: Vec<(String, ActLength)>,
    /// Lines of dialogue said at each core (the dreamer's and others', and Juno's).
    pub core_lines: BTreeMap<String, usize>,
    /// Exchanges at each core: Juno's answers, each after what was said to her.
    pub exchanges: BTreeMap<String, usize>,
    /// Frames the headless game ran.
    pub frames: u32,
    /// The network minute the overload began at.
    pub overload_minute: Option<u64>,
}

impl Playthrough {
    /// The whole estimate, in minutes.
    pub fn minutes(&self) -> f64 {
        self.acts.iter().map(|(_, a)| a.minutes()).sum()
    }

    /// The estimate as a table, one act a row.
    pub fn length_table(&self) -> String {
        let mut out = format!(
            "{:<24} {:>6} {:>8} {:>8} {:>8} {:>8}\n",
            "act", "words", "walk s", "desk min", "calib s", "minutes"
        );
        for (act, a) in self.acts.iter().filter(|(_, a)| a.minutes() > 0.0) {
            out += &format!(
                "{act:<24} {:>6} {:>8.0} {:>8} {:>8.0} {:>8.1}\n",
                a.words,
                a.walking,
                a.desk_minutes,
                a.calibrating,
                a.minutes()
            );
        }
        let words: usize = self.acts.iter().map(|(_, a)| a.words).sum();
        out += &format!("{:<24} {words:>6} {:>44.1}\n", "total", self.minutes());
        for (dive, lines) in &self.core_lines {
            let exchanges = self.exchanges.get(dive).copied().unwrap_or(0);
            out += &format!("at {dive}'s core: {lines} lines in {exchanges} exchanges\n");
        }
        out
    }
}

/// Words in `text`, as a reader counts them.
pub fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// What the people in a dream and Father on the link said, heard by the playthrough.
#[derive(Resource, Default)]
struct Heard(Vec<String>);

fn listen(
    mut father: MessageReader<FatherSays>,
    mut people: MessageReader<PersonSays>,
    mut heard: ResMut<Heard>,
) {
    heard.0.extend(father.read().map(|s| s.0.clone()));
    heard.0.extend(people.read().map(|s| s.text.clone()));
}

/// The scripted player's walking time in each dream, from the shipped replays (seconds
/// at 60 ticks a second); a dream without a replay counts none.
pub fn walking_seconds(dream: &str) -> f64 {
    let path = format!(
        "{}/tests/replays/{dream}.replay.ron",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| ron::from_str::<crate::replay::ReplayFile>(&text).ok())
        .map_or(0.0, |replay| replay.ticks as f64 / 60.0)
}

/// Plays path `n` from New game to the title. `say` hears each line of the log as it
/// happens. Err if the path is unknown or the game stalls.
pub fn play(n: u8, mut say: impl FnMut(&str)) -> Result<Playthrough, String> {
    let plan = PathPlan::of(n).ok_or_else(|| format!("no path {n}: expected 1, 2 or 3"))?;
    let mut app = headless_app();
    app.init_resource::<Heard>().add_systems(Last, listen);
    let screen = |app: &App| *app.world().resource::<State<AppState>>().get();
    run_until(&mut app, 5_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    let library = app.world().resource::<Levels>().library.clone();
    app.world_mut().write_message(SaveRequest::NewGame);
    app.update();

    let mut run = Run {
        out: Playthrough::default(),
        act: "Prologue".to_owned(),
        scene: None,
        seen_lines: BTreeSet::new(),
        dive: None,
        desk_minute: None,
        confronted: false,
    };
    run.note(&mut say, "chapter: Prologue".to_owned());
    for frame in 0..MAX_FRAMES {
        run.out.frames = frame;
        match screen(&app) {
            AppState::Scene => run.scene_step(&mut app, &library, &plan, &mut say),
            AppState::Dream => run.dive_step(&mut app, &plan, &mut say)?,
            AppState::ControlRoom => run.desk_step(&mut app, &library, &plan, &mut say),
            AppState::Title if run.finished(&app) => {
                let desk = &app.world().resource::<ControlRoom>().0;
                run.follow_chapter(desk, &mut say);
                run.out.ending = desk.ending.clone();
                // The epilogue's paragraphs, read in the designer's panel.
                let epilogue: usize = desk.epilogue(&library.story).iter().map(|p| words(p)).sum();
                run.length("Epilogue").words += epilogue;
                let ending = run.out.ending.clone().unwrap_or_default();
                run.note(&mut say, format!("ending: {ending}"));
                return Ok(run.out);
            }
            _ => {}
        }
        app.update();
    }
    Err(format!(
        "the playthrough stalled after {MAX_FRAMES} frames at {:?}: {}",
        screen(&app),
        run.out.log.last().map_or("", String::as_str)
    ))
}

/// The playthrough under way.
struct Run {
    out: Playthrough,
    /// The chapter words and time count towards.
    act: String,
    scene: Option<String>,
    /// Scene lines already counted: (scene, panel, line).
    seen_lines: BTreeSet<(String, usize, usize)>,
    /// The dive under way, and the answers given at its core.
    dive: Option<(String, usize)>,
    /// The network minute the desk was last seen at.
    desk_minute: Option<u64>,
    /// Whether the confrontation's words were counted.
    confronted: bool,
}

impl Run {
    fn note(&mut self, say: &mut impl FnMut(&str), line: String) {
        say(&line);
        self.out.log.push(line);
    }

    fn length(&mut self, act: &str) -> &mut ActLength {
        if let Some(i) = self.out.acts.iter().position(|(a, _)| a == act) {
            return &mut self.out.acts[i].1;
        }
        self.out.acts.push((act.to_owned(), ActLength::default()));
        &mut self.out.acts.last_mut().expect("pushed").1
    }

    fn finished(&self, app: &App) -> bool {
        app.world()
            .get_resource::<ControlRoom>()
            .is_some_and(|room| room.0.flags.contains(&StoryFlag::Finished))
    }

    /// The chapter the desk is in now; said when it changes.
    fn follow_chapter(&mut self, desk: &Desk, say: &mut impl FnMut(&str)) {
        let chapter = Chapter::of(&desk.flags).label().to_owned();
        if chapter != self.act {
            self.act = chapter.clone();
            self.note(say, format!("chapter: {chapter}"));
        }
    }

    /// A scene: counts the lines on screen, then goes on or answers.
    fn scene_step(
        &mut self,
        app: &mut App,
        library: &Library,
        plan: &PathPlan,
        say: &mut impl FnMut(&str),
    ) {
        let world = app.world();
        let Some(playing) = world.get_resource::<PlayingScene>() else {
            return;
        };
        let Some(scene) = library.scenes.get(&playing.id).map(|e| &e.value) else {
            return;
        };
        if let Some(room) = world.get_resource::<ControlRoom>() {
            self.follow_chapter(&room.0, say);
        }
        let playing = playing.clone();
        if self.scene.as_deref() != Some(playing.id.as_str()) {
            self.scene = Some(playing.id.clone());
            self.note(say, format!("scene: {}", playing.id));
        }
        let facts = Facts::waking(&playing.story);
        let panel = playing.at.panel;
        let mut new_words = 0;
        if self
            .seen_lines
            .insert((playing.id.clone(), panel, usize::MAX))
        {
            new_words += words(&scene.panels[panel].caption);
        }
        for (i, line) in scene.lines(panel, &facts).iter().enumerate() {
            if i < playing.at.shown && self.seen_lines.insert((playing.id.clone(), panel, i)) {
                new_words += words(&line.text);
            }
        }
        let options = scene.options(&playing.at, &facts);
        let act = self.act.clone();
        let request = if options.is_empty() {
            SceneRequest::Next
        } else {
            let (written, _) = options[plan.scene_pick.min(options.len() - 1)];
            new_words += options.iter().map(|(_, c)| words(&c.say)).sum::<usize>();
            SceneRequest::Choose(written)
        };
        self.length(&act).words += new_words;
        app.world_mut().write_message(request);
    }

    /// A dive: to the core, the talk answered as the path says, then waking.
    fn dive_step(
        &mut self,
        app: &mut App,
        plan: &PathPlan,
        say: &mut impl FnMut(&str),
    ) -> Result<(), String> {
        self.scene = None;
        let Some(dive) = app.world().get_resource::<ActiveDive>() else {
            return Ok(());
        };
        let id = dive.spec.id().to_owned();
        if self.dive.as_ref().is_none_or(|(d, _)| *d != id) {
            self.dive = Some((id.clone(), 0));
            self.note(say, format!("dive: {id}"));
            wait_for_exploring(app);
            let memories: usize = app
                .world()
                .resource::<ActiveDive>()
                .spec
                .dream
                .anchors
                .iter()
                .map(|a| words(&a.memory))
                .sum();
            let act = self.act.clone();
            let length = self.length(&act);
            length.words += memories;
            length.walking += walking_seconds(&id);
            step_up_to_the_core(app);
            return Ok(());
        }
        let state = app.world().resource::<NightmareLoop>().state.clone();
        match state {
            LoopState::Confronting { node } => {
                let dive = app.world().resource::<ActiveDive>();
                let facts = Facts::diving(&dive.story, &id, &dive.understood);
                let Some(said) = dive.spec.dialogue.node(&node) else {
                    return Err(format!("{id}: no node {node}"));
                };
                let lines = said.lines_for(&facts);
                let answers = self.dive.as_ref().map_or(0, |(_, n)| *n);
                let first = said
                    .choices
                    .iter()
                    .position(|c| c.can_say(&facts) && c.next != crate::levels::Next::Relapse);
                let pick = if plan.first_answers && answers < MAX_ANSWERS {
                    first.or_else(|| said.best_answer(&facts))
                } else {
                    said.best_answer(&facts)
                };
                let Some(pick) = pick else {
                    return Err(format!("{id}: nothing Juno can say at {node}"));
                };
                let spoken: usize = lines.iter().map(|(_, t)| words(t)).sum::<usize>()
                    + said
                        .choices
                        .iter()
                        .filter(|c| crate::levels::cond::all(&c.when, &facts))
                        .map(|c| words(&c.say))
                        .sum::<usize>();
                let act = self.act.clone();
                self.length(&act).words += spoken;
                *self.out.core_lines.entry(id.clone()).or_default() += lines.len() + 1;
                *self.out.exchanges.entry(id.clone()).or_default() += 1;
                if let Some((_, n)) = &mut self.dive {
                    *n += 1;
                }
                answer(app, pick);
            }
            LoopState::Freed => {
                // What Father and the people said on the way, heard.
                let heard: usize = app
                    .world_mut()
                    .resource_mut::<Heard>()
                    .0
                    .drain(..)
                    .map(|t| words(&t))
                    .sum();
                let act = self.act.clone();
                self.length(&act).words += heard;
                // "Wake up".
                app.world_mut()
                    .resource_mut::<NextState<AppState>>()
                    .set(AppState::ControlRoom);
            }
            _ => {
                let phase = app.world().get_resource::<State<DreamPhase>>();
                if phase.is_some_and(|p| *p.get() == DreamPhase::Exploring) {
                    step_up_to_the_core(app);
                }
            }
        }
        Ok(())
    }

    /// The desk: runs the night, analyses, confronts, calibrates and dives, designs and
    /// adopts, each when the story is ready for it.
    fn desk_step(
        &mut self,
        app: &mut App,
        library: &Library,
        plan: &PathPlan,
        say: &mut impl FnMut(&str),
    ) {
        self.scene = None;
        self.dive = None;
        let Some(room) = app.world().get_resource::<ControlRoom>() else {
            return;
        };
        // Borrowed, not cloned (the desk holds the whole network): the requests are
        // gathered first and written once the borrow ends.
        let desk = &room.0;
        self.follow_chapter(desk, say);
        let minute = desk.network.minute();
        self.out.overload_minute = self.out.overload_minute.or(desk.overload_minute);
        if let Some(before) = self.desk_minute.replace(minute) {
            let act = self.act.clone();
            self.length(&act).desk_minutes += minute.saturating_sub(before);
        }
        // Every message that has arrived is read once.
        let unread: Vec<usize> = desk
            .inbox
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| !desk.read.contains(i))
            .collect();
        let story = &library.story;
        let mut requests = Vec::new();
        for i in unread {
            if let Some(m) = story.messages.get(i) {
                let act = self.act.clone();
                self.length(&act).words += words(&m.subject) + words(&m.body);
            }
            requests.push(Request::OpenMessage(i));
        }
        requests.extend(self.desk_move(desk, library, plan));
        for request in requests {
            app.world_mut().write_message(request);
        }
    }

    /// What the player does at the desk now.
    fn desk_move(&mut self, desk: &Desk, library: &Library, plan: &PathPlan) -> Vec<Request> {
        let story = &library.story;
        let flags = &desk.flags;
        let fast = if desk.speed != 2 || desk.paused {
            vec![Request::Speed(2)]
        } else {
            Vec::new()
        };
        // The first night runs until its end, the first scene that waits for its hour
        // (the call home; the scenes come by themselves).
        let first_night = story.scenes.iter().find(|c| c.after_hours > 0.0);
        if first_night.is_some_and(|c| !desk.scenes_seen.contains(&c.scene)) {
            return fast;
        }
        if !flags.contains(&StoryFlag::SteeringFound) {
            // The analysis that shows the steering, pinned.
            return vec![
                Request::Query(Query {
                    param: Param::Continuity,
                    measure: Measure::Valence,
                    cohort: Cohort::All,
                    lag: 10,
                    window: 1440,
                }),
                Request::Analyse,
                Request::Pin,
            ];
        }
        // The rift's last scenes come while she makes up her mind (those whose
        // moment is now, waiting for their hour).
        let waiting = desk.next_cue(story).is_some();
        if !flags.contains(&StoryFlag::Overload) {
            if waiting {
                return fast;
            }
            return match desk.confrontation {
                None => vec![Request::Act(Action::Confront)],
                // Begun by the message's action or at the end of a scene: read once.
                Some(_) => {
                    if !self.confronted {
                        self.confronted = true;
                        let words: usize = story.confrontation.iter().map(|l| words(&l.text)).sum();
                        let act = self.act.clone();
                        self.length(&act).words += words;
                    }
                    vec![Request::NextLine]
                }
            };
        }
        if plan.waits_out_the_clock && !flags.contains(&StoryFlag::LoopsSetting) {
            return fast;
        }
        if let Some(calibration) = &desk.console.calibration {
            if calibration.done() {
                let dive = desk.console.dive.clone().unwrap_or_default();
                return vec![Request::Dive {
                    dive,
                    link: calibration.quality(),
                }];
            }
            let act = self.act.clone();
            self.length(&act).calibrating += crate::headless::FRAME_SECONDS;
            return vec![Request::PushLink(super::testing::steadying_push(
                calibration.error,
            ))];
        }
        let dives = library.campaign.iter();
        if let Some(next) = dives.clone().find(|id| desk.can_dive(id)) {
            return vec![Request::Calibrate(next.clone())];
        }
        if !flags.contains(&StoryFlag::FinaleDone) {
            return fast;
        }
        // The designer: the path's rules, run, read, adopted.
        if desk.design.rules != plan.rules {
            return vec![Request::Rules(plan.rules)];
        }
        match &desk.design.run {
            None => vec![Request::RunDesign],
            // The epilogue read at the designer: on to the morning.
            Some(_) if flags.contains(&StoryFlag::AlternativeAdopted) => {
                if flags.contains(&StoryFlag::EndingBegun) {
                    Vec::new()
                } else {
                    vec![Request::BeginEnding]
                }
            }
            Some(run) if run.done() => {
                // Father and Juno's talk over the figures, read before adopting.
                let talk: usize = desk
                    .design_talk(story)
                    .iter()
                    .map(|(_, text)| words(text))
                    .sum();
                let act = self.act.clone();
                self.length(&act).words += talk;
                vec![Request::Adopt]
            }
            _ => Vec::new(),
        }
    }
}
