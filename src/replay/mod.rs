//! Replays: a dive's inputs, tick by tick, in a RON file. `sleep-sync play --record
//! FILE` writes one; `sleep-sync replay FILE [--headless]` plays it back.
//!
//! The simulation steps on the fixed clock and takes its input as a [`TickIntent`] in
//! whole units, so a recording holds exactly what was played: the same levels and the
//! same build play it back the same, tick for tick. What a replay needs to match is
//! checked before it plays: the replay format and simulation version, the dream, its
//! seed, and a fingerprint of the level files and Juno's tuning it was played with.

mod check;
mod file;
mod trace;

pub use file::{
    MAX_REPLAY_BYTES, MAX_REPLAY_TICKS, Outcome, REPLAY_FORMAT, ReplayError, ReplayFile,
    SIMULATION, content_fingerprint, store_for, write_atomically,
};
pub use trace::{
    CHECK_EVERY, Divergence, JunoStateLog, PARTS, StateHash, TraceCheck, dream_fingerprint,
};

use std::path::PathBuf;

use bevy::prelude::*;

use crate::dive::{ActiveDive, DiveTicks, LoopState, NightmareLoop, PendingAnswer};
use crate::juno::{Juno, LookAngles, TickIntent};
use crate::levels::Levels;
use crate::levels::strangers::sleeper_of;
use crate::state::AppState;
use crate::store::{Store, Writer};

/// Seconds of the dive (its fixed ticks: real seconds when played) between the
/// recording's flushes to disk: a crash or a kill loses at most this much of it.
pub const RECORDING_FLUSH_SECONDS: f32 = 3.0;

/// Records the dive being played into `path`. While it records, the replay so far is
/// written to `path` every [`RECORDING_FLUSH_SECONDS`] (whole, through the game's store,
/// in the background): the file is always a replay that plays, up to the last flush.
#[derive(Resource)]
pub struct Recording {
    pub path: PathBuf,
    file: Option<ReplayFile>,
    last: Option<TickIntent>,
    written: bool,
    /// The dive's tick at the last flush.
    flushed_at: u64,
    /// The folder's store and the file's name in it, for the flushes.
    store: Option<(Store, String)>,
    writer: Writer,
}

impl Recording {
    pub fn new(path: PathBuf) -> Self {
        Self {
            file: None,
            last: None,
            written: false,
            flushed_at: 0,
            store: store_for(&path).ok(),
            path,
            writer: Writer::default(),
        }
    }

    /// Writes the replay so far in the background (the final write is [`save`]'s).
    fn flush(&mut self) {
        let (Some(file), Some((store, name))) = (&self.file, &self.store) else {
            return;
        };
        if let Some(Err(e)) = self.writer.write(store, name, file.to_ron().into_bytes()) {
            warn!("the replay so far could not be written: {e}");
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
    /// How its state compared with the recording's checkpoints.
    pub trace: TraceCheck,
}

impl Replaying {
    pub fn new(file: ReplayFile) -> Self {
        Self {
            file,
            next_intent: 0,
            next_answer: 0,
            done: false,
            outcome: Outcome::default(),
            trace: TraceCheck::default(),
        }
    }

    /// What a player is told when it has played: how it went, and whether as recorded
    /// (the outcome, and the checkpoints: how many matched, or the first that did not).
    pub fn verdict(&self, name: &str) -> String {
        verdict(name, &self.file, self.outcome, &self.trace)
    }

    /// It played out as recorded: the same outcome, and every checkpoint it reached the
    /// same.
    pub fn as_recorded(&self) -> bool {
        as_recorded(&self.file, self.outcome, &self.trace)
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

/// A replay of `file` that ended with `outcome` and compared its checkpoints as `trace`
/// says played out as recorded: the same outcome, and every checkpoint reached and the
/// same.
pub fn as_recorded(file: &ReplayFile, outcome: Outcome, trace: &TraceCheck) -> bool {
    outcome == file.outcome && trace.all_matched(file.checkpoints.len())
}

/// How a replay `file` named `name` went: `outcome`, with its checkpoints compared as
/// `trace` says.
pub fn verdict(name: &str, file: &ReplayFile, outcome: Outcome, trace: &TraceCheck) -> String {
    let recorded = file.outcome;
    let checked = if file.checkpoints.is_empty() {
        String::new()
    } else {
        format!(
            "; {} of {} checkpoints matched",
            trace.matched,
            file.checkpoints.len()
        )
    };
    match (&trace.diverged, as_recorded(file, outcome, trace)) {
        (None, true) => format!("{name}: {outcome} (as recorded{checked})"),
        (None, false) if outcome == recorded => format!(
            "{name}: {outcome}, as when recorded, but play ended before every checkpoint was reached{checked}"
        ),
        (None, false) => format!(
            "{name}: {outcome}; when recorded: {recorded}: the replay did not play out the same{checked}"
        ),
        (Some(divergence), _) => format!(
            "{name}: {outcome}; when recorded ({} on {}): {recorded}: {divergence}{checked}",
            file.game,
            if file.platform.is_empty() {
                "an unnamed platform"
            } else {
                &file.platform
            },
        ),
    }
}

/// How the dive in play is going.
pub fn outcome_of(dive: &ActiveDive, nightmare: Option<&NightmareLoop>) -> Outcome {
    Outcome {
        loops: dive.loop_number(),
        anchors: dive.understood.len(),
        relapses: dive.relapses,
        freed: nightmare.is_some_and(|n| n.state == LoopState::Freed),
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(trace::plugin)
        .add_systems(
            FixedUpdate,
            (
                // A replay steers, or the player does (never both on one tick); the
                // order is declared all the same (`GamePlugin` refuses ties).
                play_back
                    .run_if(resource_exists::<Replaying>)
                    .in_set(crate::SimSystems::Intent)
                    .before(crate::DiveSystems::PlayerSteers),
                // Once the tick's intent is taken, before anything acts on it.
                record
                    .run_if(resource_exists::<Recording>)
                    .in_set(crate::SimSystems::Move),
            )
                .in_set(crate::DiveSystems::InPlay),
        )
        .add_systems(
            OnEnter(AppState::Dream),
            start_recording
                .run_if(resource_exists::<Recording>)
                .after(crate::dive::take_the_players_pace),
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
    // A stranger's dream is put together from who they were; the rest are the library's.
    let stranger = file
        .stranger
        .filter(|key| sleeper_of(&file.dream) == Some(key.profile.sleeper))
        .and_then(|key| levels.library.stranger_key_dive(&key).ok());
    let spec = stranger
        .as_ref()
        .or_else(|| levels.library.dive(&file.dream));
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
    dive.stranger = file.stranger;
    dive.loop_index = file.start_loop;
    dive.understood = file.understood.clone();
    dive.relapses = file.relapses;
    dive.story = file.story.clone();
    dive.pace = Some(file.pace);
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
        println!("{}", replay.verdict(&request.name));
        return;
    };
    *since_done = Some(seconds + time.delta_secs());
    if request.exit_when_done && seconds >= request.linger_seconds {
        exit.write(if replay.as_recorded() {
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
        game: crate::version::label(),
        platform: crate::version::platform(),
        dream: dive.spec.id().to_owned(),
        seed: dive.spec.dream.seed,
        start_loop: dive.loop_index,
        understood: dive.understood.clone(),
        relapses: dive.relapses,
        content: content_fingerprint(&dive.spec, &levels.library.juno),
        ticks: 0,
        intents: Vec::new(),
        answers: Vec::new(),
        story: dive.story.clone(),
        pace: dive.pace(),
        stranger: dive.stranger,
        outcome: Outcome::default(),
        checkpoints: Vec::new(),
    });
    recording.last = None;
    recording.written = false;
    recording.flushed_at = 0;
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
    let Some(file) = recording.file.as_mut().filter(|_| !recording.written) else {
        return;
    };
    let tick = ticks.0;
    // A frame may run more than one tick: the file stops at the hour all the same.
    if tick > MAX_REPLAY_TICKS {
        return;
    }
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

/// Keeps the outcome current; flushes the replay so far every few seconds; writes the
/// file the moment the dreamer is free, or when an hour is recorded (a replay holds no
/// more: [`MAX_REPLAY_TICKS`]).
fn finish_recording(
    mut recording: ResMut<Recording>,
    dive: Res<ActiveDive>,
    nightmare: Option<Res<NightmareLoop>>,
    ticks: Res<DiveTicks>,
    time: Res<Time<Fixed>>,
) {
    let outcome = outcome_of(&dive, nightmare.as_deref());
    if let Some(file) = recording.file.as_mut() {
        file.outcome = outcome;
    }
    if (outcome.freed || ticks.0 >= MAX_REPLAY_TICKS) && !recording.written {
        if !outcome.freed {
            info!("an hour of the dive recorded: the replay ends here");
        }
        save(&mut recording);
        return;
    }
    let every = (RECORDING_FLUSH_SECONDS / time.timestep().as_secs_f32()).round() as u64;
    if ticks.0 >= recording.flushed_at + every.max(1) && !recording.written {
        recording.flushed_at = ticks.0;
        recording.flush();
    } else if let Some((store, _)) = recording.store.clone()
        && let Some(Err(e)) = recording.writer.pump(&store)
    {
        warn!("the replay so far could not be written: {e}");
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
    // A flush still under way finishes first: the final file is written last.
    if let Some(Err(e)) = recording.writer.finish() {
        warn!("the replay so far could not be written: {e}");
    }
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
