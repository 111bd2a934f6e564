//! Replays: a dive's inputs, tick by tick, in a RON file. `sleep-sync play --record
//! FILE` writes one; `sleep-sync replay FILE [--headless]` plays it back.
//!
//! The simulation steps on the fixed clock and takes its input as a [`TickIntent`] in
//! whole units, so a recording holds exactly what was played: the same levels and the
//! same build play it back the same, tick for tick. What a replay needs to match is
//! checked before it plays: the replay format and simulation version, the dream, its
//! seed, and a fingerprint of the level files and Juno's tuning it was played with.

use std::fmt;
use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dive::{
    ActiveDive, DiveTicks, DreamPhase, LoopState, NightmareLoop, PendingAnswer, dive_in_play,
};
use crate::juno::{Juno, JunoTuning, LookAngles, TickIntent};
use crate::levels::{DiveSpec, Levels};
use crate::screens::{AppState, Pause};

/// The layout of replay files this build reads and writes.
pub const REPLAY_FORMAT: u32 = 1;
/// Bumped whenever play changes so that old inputs would play out differently.
pub const SIMULATION: u32 = 1;

/// A recorded dive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayFile {
    /// [`REPLAY_FORMAT`] of the build that wrote it.
    pub format: u32,
    /// [`SIMULATION`] of the build that wrote it.
    pub simulation: u32,
    /// The game version that wrote it, for messages.
    pub game: String,
    /// The dream played, its seed, and the loop the dive started at (0 = the first).
    pub dream: String,
    pub seed: u64,
    pub start_loop: u32,
    /// Fingerprint of the dream's, dreamer's and dialogue's files and Juno's tuning.
    pub content: String,
    /// Fixed ticks played.
    pub ticks: u64,
    /// Intent changes: (tick, walk x, walk y, jump, yaw), in [`TickIntent`]'s units;
    /// each holds until the next.
    pub intents: Vec<(u64, i16, i16, bool, i32)>,
    /// Answers at the core: (tick, choice index).
    pub answers: Vec<(u64, usize)>,
    /// How the dive ended when it was recorded.
    pub outcome: Outcome,
}

/// How a dive went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The loop it ended in (1 = the first; a relapse skips ahead).
    pub loops: u32,
    /// Memory anchors understood.
    pub anchors: usize,
    /// Wrong words at the core.
    pub relapses: u32,
    /// The dreamer was freed.
    pub freed: bool,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} loop{}, {} memor{} understood, {} relapse{}, {}",
            self.loops,
            if self.loops == 1 { "" } else { "s" },
            self.anchors,
            if self.anchors == 1 { "y" } else { "ies" },
            self.relapses,
            if self.relapses == 1 { "" } else { "s" },
            if self.freed {
                "the dreamer is free"
            } else {
                "the dreamer is still trapped"
            }
        )
    }
}

/// Why a replay cannot be played.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("{file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: not a replay file: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{file} was recorded by Sleep Sync {game} (replay format {format}, simulation {simulation}); this is Sleep Sync {this} (replay format {REPLAY_FORMAT}, simulation {SIMULATION}), which plays differently: it cannot be played back. Record it again with this version."
    )]
    Version {
        file: String,
        game: String,
        format: u32,
        simulation: u32,
        this: &'static str,
    },
    #[error("{file}: the dream {dream:?} it was recorded in is not among the loaded levels")]
    NoDream { file: String, dream: String },
    #[error(
        "{file}: the dream {dream:?} has changed since it was recorded ({what}): the replay would not play out the same"
    )]
    Changed {
        file: String,
        dream: String,
        what: String,
    },
}

impl ReplayFile {
    /// Reads a replay file.
    pub fn read(path: &Path) -> Result<ReplayFile, ReplayError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ReplayError::Read {
            file: file.clone(),
            source,
        })?;
        Self::parse(&file, &text)
    }

    /// Parses a replay from its text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<ReplayFile, ReplayError> {
        // The version first, so an old file is told it is old rather than malformed.
        #[derive(Deserialize)]
        struct Versions {
            format: u32,
            #[serde(default)]
            simulation: u32,
            #[serde(default)]
            game: String,
        }
        let versions = ron::Options::default()
            .from_str::<ron::Value>(text)
            .ok()
            .and_then(|v| v.into_rust::<Versions>().ok());
        if let Some(v) = versions
            && (v.format != REPLAY_FORMAT || v.simulation != SIMULATION)
        {
            return Err(ReplayError::Version {
                file: file.to_owned(),
                game: if v.game.is_empty() {
                    "(unknown)".to_owned()
                } else {
                    v.game
                },
                format: v.format,
                simulation: v.simulation,
                this: env!("CARGO_PKG_VERSION"),
            });
        }
        ron::from_str(text).map_err(|e| ReplayError::Parse {
            file: file.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
    }

    /// The file's text.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(1)
            .indentor("  ".to_owned());
        let body = ron::ser::to_string_pretty(self, config).unwrap_or_default();
        format!(
            "// A Sleep Sync replay: play it with `sleep-sync replay FILE [--headless]`.\n{body}\n"
        )
    }

    /// Writes the file atomically: a crash never leaves half a replay.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(path, self.to_ron().as_bytes())
    }

    /// Whether this replay can be played against `spec` with `juno`'s tuning.
    pub fn check_against(
        &self,
        file: &str,
        spec: Option<&DiveSpec>,
        juno: &JunoTuning,
    ) -> Result<(), ReplayError> {
        let Some(spec) = spec else {
            return Err(ReplayError::NoDream {
                file: file.to_owned(),
                dream: self.dream.clone(),
            });
        };
        let changed = |what: String| ReplayError::Changed {
            file: file.to_owned(),
            dream: self.dream.clone(),
            what,
        };
        if spec.dream.seed != self.seed {
            return Err(changed(format!(
                "seed {} then, {} now",
                self.seed, spec.dream.seed
            )));
        }
        let now = content_fingerprint(spec, juno);
        if now != self.content {
            return Err(changed(format!(
                "its level files or Juno's tuning: fingerprint {} then, {now} now",
                self.content
            )));
        }
        Ok(())
    }

    /// The intent in force at `tick`, and the index of the change after it.
    fn intent_at(&self, tick: u64, from: usize) -> (Option<TickIntent>, usize) {
        let mut i = from;
        let mut intent = None;
        while let Some(&(t, x, y, jump, yaw)) = self.intents.get(i) {
            if t > tick {
                break;
            }
            intent = Some(TickIntent {
                walk: [x, y],
                jump,
                yaw,
            });
            i += 1;
        }
        (intent, i)
    }
}

/// A fingerprint of what a dive plays out from: the dream, dreamer and dialogue as
/// loaded, and Juno's tuning (FNV-1a over their debug form, hex).
pub fn content_fingerprint(spec: &DiveSpec, juno: &JunoTuning) -> String {
    let text = format!(
        "{:?}|{:?}|{:?}|{:?}",
        spec.dream, spec.dreamer, spec.dialogue, juno
    );
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames
/// it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map_or_else(|| "replay".into(), |n| n.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.partial"));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)
}

/// Records the dive being played into `path`.
#[derive(Resource, Debug)]
pub struct Recording {
    pub path: PathBuf,
    file: Option<ReplayFile>,
    last: Option<TickIntent>,
    written: bool,
}

impl Recording {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            file: None,
            last: None,
            written: false,
        }
    }
}

/// Plays a replay's inputs instead of the devices'.
#[derive(Resource, Debug)]
pub struct Replaying {
    pub file: ReplayFile,
    next_intent: usize,
    next_answer: usize,
    /// The replay has played all its ticks (or the dreamer was freed).
    pub done: bool,
    /// How it went.
    pub outcome: Outcome,
}

impl Replaying {
    pub fn new(file: ReplayFile) -> Self {
        Self {
            file,
            next_intent: 0,
            next_answer: 0,
            done: false,
            outcome: Outcome::default(),
        }
    }
}

/// Asks the game to play `file` back once its levels have loaded: the dive starts by
/// itself. A replay that cannot be played sets [`ReplayFailed`] (and, with
/// `exit_when_done`, ends the app with an error).
#[derive(Resource, Debug)]
pub struct ReplayRequest {
    pub file: ReplayFile,
    /// How messages name the file.
    pub name: String,
    /// Print the outcome and quit when it has played...
    pub exit_when_done: bool,
    /// ...this many seconds after the end (time to see it).
    pub linger_seconds: f32,
}

/// Why the requested replay could not be played.
#[derive(Resource, Debug, Clone)]
pub struct ReplayFailed(pub String);

/// How the dive in play is going.
pub fn outcome_of(dive: &ActiveDive, nightmare: Option<&NightmareLoop>) -> Outcome {
    Outcome {
        loops: dive.loop_index + 1,
        anchors: dive.understood.len(),
        relapses: dive.relapses,
        freed: nightmare.is_some_and(|n| n.state == LoopState::Freed),
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        FixedUpdate,
        (
            play_back
                .run_if(resource_exists::<Replaying>)
                .in_set(crate::SimSystems::Intent),
            // Once the tick's intent is taken, before anything acts on it.
            record
                .run_if(resource_exists::<Recording>)
                .in_set(crate::SimSystems::Move),
        )
            .run_if(in_state(DreamPhase::Exploring))
            .run_if(in_state(Pause::Running))
            .run_if(dive_in_play),
    )
    .add_systems(
        OnEnter(AppState::Dream),
        start_recording.run_if(resource_exists::<Recording>),
    )
    .add_systems(
        OnEnter(AppState::Title),
        start_replay.run_if(resource_exists::<ReplayRequest>),
    )
    .add_systems(
        Update,
        end_replay
            .after(finish_replay)
            .run_if(resource_exists::<ReplayRequest>)
            .run_if(resource_exists::<Replaying>),
    )
    .add_systems(
        Update,
        (
            finish_recording.run_if(resource_exists::<Recording>),
            finish_replay.run_if(resource_exists::<Replaying>),
        )
            .run_if(in_state(AppState::Dream)),
    )
    .add_systems(
        OnExit(AppState::Dream),
        write_recording.run_if(resource_exists::<Recording>),
    )
    .add_systems(
        Last,
        write_recording_at_exit.run_if(resource_exists::<Recording>),
    );
}

/// Checks the requested replay against the loaded levels and dives into its dream.
fn start_replay(
    mut commands: Commands,
    request: Res<ReplayRequest>,
    levels: Res<Levels>,
    mut next: ResMut<NextState<AppState>>,
    mut exit: MessageWriter<AppExit>,
) {
    let file = &request.file;
    let spec = levels.library.dive(&file.dream);
    if let Err(problem) = file.check_against(&request.name, spec, &levels.library.juno) {
        error!("{problem}");
        commands.insert_resource(ReplayFailed(problem.to_string()));
        if request.exit_when_done {
            eprintln!("sleep-sync replay: {problem}");
            exit.write(AppExit::error());
        }
        return;
    }
    let Some(spec) = spec else {
        return;
    };
    info!("replaying {} ({} ticks)", request.name, file.ticks);
    let mut dive = ActiveDive::new(spec.clone());
    dive.loop_index = file.start_loop;
    commands.insert_resource(dive);
    commands.insert_resource(Replaying::new(file.clone()));
    next.set(AppState::Dream);
}

/// Once played: says how it went (and whether that is how it went when recorded), then
/// quits if asked to, after a moment to see the end.
fn end_replay(
    replay: Res<Replaying>,
    request: Res<ReplayRequest>,
    time: Res<Time<Real>>,
    mut since_done: Local<Option<f32>>,
    mut exit: MessageWriter<AppExit>,
) {
    if !replay.done {
        return;
    }
    let Some(seconds) = *since_done else {
        *since_done = Some(0.0);
        let recorded = request.file.outcome;
        if replay.outcome == recorded {
            println!("{}: {} (as recorded)", request.name, replay.outcome);
        } else {
            println!(
                "{}: {}; when recorded: {recorded}: the replay did not play out the same",
                request.name, replay.outcome
            );
        }
        return;
    };
    *since_done = Some(seconds + time.delta_secs());
    if request.exit_when_done && seconds >= request.linger_seconds {
        exit.write(if replay.outcome == request.file.outcome {
            AppExit::Success
        } else {
            AppExit::error()
        });
    }
}

fn start_recording(mut recording: ResMut<Recording>, dive: Res<ActiveDive>, levels: Res<Levels>) {
    recording.file = Some(ReplayFile {
        format: REPLAY_FORMAT,
        simulation: SIMULATION,
        game: env!("CARGO_PKG_VERSION").to_owned(),
        dream: dive.spec.id().to_owned(),
        seed: dive.spec.dream.seed,
        start_loop: dive.loop_index,
        content: content_fingerprint(&dive.spec, &levels.library.juno),
        ticks: 0,
        intents: Vec::new(),
        answers: Vec::new(),
        outcome: Outcome::default(),
    });
    recording.last = None;
    recording.written = false;
    info!("recording the dive into {}", recording.path.display());
}

/// Notes this tick's intent if it changed, and an answer given.
fn record(
    mut recording: ResMut<Recording>,
    ticks: Res<DiveTicks>,
    intent: Res<TickIntent>,
    answer: Res<PendingAnswer>,
) {
    let recording = &mut *recording;
    let Some(file) = recording.file.as_mut() else {
        return;
    };
    let tick = ticks.0;
    file.ticks = tick;
    if recording.last != Some(*intent) {
        file.intents.push((
            tick,
            intent.walk[0],
            intent.walk[1],
            intent.jump,
            intent.yaw,
        ));
        recording.last = Some(*intent);
    }
    if let Some(choice) = answer.0 {
        file.answers.push((tick, choice));
    }
}

/// Keeps the outcome current; writes the file the moment the dreamer is free.
fn finish_recording(
    mut recording: ResMut<Recording>,
    dive: Res<ActiveDive>,
    nightmare: Option<Res<NightmareLoop>>,
) {
    let outcome = outcome_of(&dive, nightmare.as_deref());
    if let Some(file) = recording.file.as_mut() {
        file.outcome = outcome;
    }
    if outcome.freed && !recording.written {
        save(&mut recording);
    }
}

fn write_recording(mut recording: ResMut<Recording>) {
    if !recording.written {
        save(&mut recording);
    }
}

fn write_recording_at_exit(mut exits: MessageReader<AppExit>, mut recording: ResMut<Recording>) {
    if exits.read().count() > 0 && !recording.written {
        save(&mut recording);
    }
}

fn save(recording: &mut Recording) {
    let Some(file) = &recording.file else {
        return;
    };
    match file.write(&recording.path) {
        Ok(()) => info!(
            "replay written to {} ({} ticks; {})",
            recording.path.display(),
            file.ticks,
            file.outcome
        ),
        Err(e) => error!(
            "could not write the replay {}: {e}",
            recording.path.display()
        ),
    }
    recording.written = true;
}

/// Sets this tick's intent (and the camera's heading) and any answer from the file.
fn play_back(
    mut replay: ResMut<Replaying>,
    ticks: Res<DiveTicks>,
    mut intent: ResMut<TickIntent>,
    mut answer: ResMut<PendingAnswer>,
    mut look: Query<&mut LookAngles, With<Juno>>,
) {
    let replay = &mut *replay;
    let tick = ticks.0;
    let (now, next) = replay.file.intent_at(tick, replay.next_intent);
    replay.next_intent = next;
    if let Some(now) = now {
        *intent = now;
    } else {
        intent.jump = false;
    }
    if let Ok(mut look) = look.single_mut() {
        look.yaw = intent.yaw();
    }
    while let Some(&(t, choice)) = replay.file.answers.get(replay.next_answer) {
        if t > tick {
            break;
        }
        if t == tick {
            answer.0 = Some(choice);
        }
        replay.next_answer += 1;
    }
}

fn finish_replay(
    mut replay: ResMut<Replaying>,
    ticks: Res<DiveTicks>,
    dive: Res<ActiveDive>,
    nightmare: Option<Res<NightmareLoop>>,
) {
    if replay.done {
        return;
    }
    replay.outcome = outcome_of(&dive, nightmare.as_deref());
    if replay.outcome.freed || ticks.0 >= replay.file.ticks {
        replay.done = true;
        info!("replay finished: {}", replay.outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ReplayFile {
        ReplayFile {
            format: REPLAY_FORMAT,
            simulation: SIMULATION,
            game: "0.1.0".into(),
            dream: "leo".into(),
            seed: 7,
            start_loop: 0,
            content: "00".into(),
            ticks: 30,
            intents: vec![
                (1, 0, 1000, false, 0),
                (10, 0, 1000, true, 15),
                (11, 0, 1000, false, 15),
            ],
            answers: vec![(20, 1)],
            outcome: Outcome {
                loops: 1,
                anchors: 2,
                relapses: 0,
                freed: true,
            },
        }
    }

    #[test]
    fn a_replay_reads_back_what_was_written() {
        let file = sample();
        let text = file.to_ron();
        assert_eq!(
            ReplayFile::parse("x.replay.ron", &text).expect("parses"),
            file
        );
        let (at_5, next) = file.intent_at(5, 0);
        assert_eq!(at_5.map(|i| i.walk), Some([0, 1000]));
        assert_eq!(next, 1);
        let (at_10, _) = file.intent_at(10, next);
        assert!(at_10.is_some_and(|i| i.jump && i.yaw == 15));
    }

    #[test]
    fn an_old_replay_says_it_is_old_and_a_broken_one_where_it_breaks() {
        let old = sample().to_ron().replace("simulation: 1", "simulation: 0");
        let error = ReplayFile::parse("old.replay.ron", &old)
            .unwrap_err()
            .to_string();
        assert!(error.contains("simulation 0"), "{error}");
        assert!(error.contains("cannot be played back"), "{error}");
        let future = sample().to_ron().replace("format: 1", "format: 9");
        let error = ReplayFile::parse("new.replay.ron", &future)
            .unwrap_err()
            .to_string();
        assert!(error.contains("replay format 9"), "{error}");
        let broken = sample().to_ron().replace("ticks: 30", "ticks: \"thirty\"");
        let error = ReplayFile::parse("bad.replay.ron", &broken)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("bad.replay.ron:"), "{error}");
        assert!(error.contains("not a replay file"), "{error}");
    }

    #[test]
    fn files_are_written_whole() {
        let dir = std::env::temp_dir().join(format!("sleep-sync-replay-{}", std::process::id()));
        let path = dir.join("a.replay.ron");
        sample().write(&path).expect("written");
        assert_eq!(ReplayFile::read(&path).expect("read"), sample());
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "the temporary file stays behind");
        let _ = std::fs::remove_dir_all(dir);
    }
}
