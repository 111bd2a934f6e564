//! Saved games: the campaign survives quitting, crashes and full disks.
//!
//! - **Autosave** ([`AUTOSAVE`]) at every story beat (a finding pinned, the confrontation,
//!   the overload, a dive begun or ended, a memory understood, a dreamer freed, the design
//!   adopted), every [`AUTOSAVE_EVERY`] seconds while playing, and when the game closes.
//! - **Continue** resumes the newest save readable ([`SaveRequest::Continue`]): its
//!   network is simulated again in the background while the title says so.
//! - **New game** over a save keeps it as [`BACKUP`]; a save that cannot be read is set
//!   aside (renamed, never overwritten) and the player told.
//!
//! Saves are written through [`crate::store`] (atomic on the desktop, quota-safe in the
//! browser), on a background thread on the desktop so a slow disk never stalls a frame.
//! The format is [`file`]; `docs/saves.md` is the player's and modder's account.

mod desk;
pub mod file;

pub use file::{Chapter, DiveProgress, MAX_SAVE_BYTES, SaveFile, VERSION, date_text};

use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};

use crate::campaign::{BeginGame, ControlRoom, Desk};
use crate::levels::Levels;
use crate::levels::Story;
use crate::levels::story::StoryFlag;
use crate::long_work::{FrameShare, LongWork, WorkMeter};
use crate::network::Rerun;
use crate::state::AppState;
use crate::store::{Store, StoreError, Writer};

/// The game saved as it goes.
pub const AUTOSAVE: &str = "saves/autosave.ron";
/// The game before the last New game.
pub const BACKUP: &str = "saves/backup.ron";
/// Real seconds between autosaves while nothing in the story happens. Short, because a
/// browser tab closed says nothing to the game first: at most this much of the network
/// is lost. A save costs well under a millisecond of the frame (`benches/saves.rs`) and
/// is written in the background.
pub const AUTOSAVE_EVERY: f32 = 10.0;
/// Save slots the player saves into by hand, besides the autosave.
pub const SLOTS: usize = 3;

/// The name of save slot `n` (from 1).
pub fn slot(n: usize) -> String {
    format!("saves/slot-{n}.ron")
}

/// What the load screen calls a save.
pub fn label_of(name: &str) -> String {
    if name == AUTOSAVE {
        return "Autosave".to_owned();
    }
    if name == BACKUP {
        return "Before the last new game".to_owned();
    }
    match name
        .strip_prefix("saves/slot-")
        .and_then(|n| n.strip_suffix(".ron"))
    {
        Some(n) => format!("Slot {n}"),
        None => name.trim_start_matches("saves/").to_owned(),
    }
}

/// Where saves are kept. None (headless tests, a replay) plays without saving.
#[derive(Resource, Debug, Clone, Default)]
pub struct SaveStore(pub Option<Store>);

/// What the player asks of their saves.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum SaveRequest {
    /// Resume the game saved under this name.
    Continue(String),
    /// Begin a new game; the autosave of the last one is kept as [`BACKUP`].
    NewGame,
    /// Save the game under way under this name (a slot, [`slot`]).
    SaveTo(String),
}

/// The saves kept, as the title shows them (read at start and after every write).
#[derive(Resource, Debug, Clone, Default)]
pub struct SavedGames {
    /// Readable saves, newest first.
    pub saves: Vec<(String, SaveFile)>,
    /// What went wrong reading or writing one, for the player.
    pub problem: Option<String>,
    /// An autosave was written since they were read: read again at the title (not in
    /// the frame of the autosave).
    stale: bool,
}

impl SavedGames {
    /// The save kept under `name`, if it is readable.
    pub fn get(&self, name: &str) -> Option<&SaveFile> {
        self.saves.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    /// The save Continue resumes: the autosave if it is readable, else the newest.
    pub fn newest(&self) -> Option<&(String, SaveFile)> {
        self.saves
            .iter()
            .find(|(name, _)| name == AUTOSAVE)
            .or_else(|| self.saves.first())
    }
}

/// The last write, for the small "saved" mark.
#[derive(Resource, Debug, Clone, Default)]
pub struct SaveStatus {
    /// Seconds since the game started (real time) of the last save that was written.
    pub saved_at: Option<f64>,
    /// When the last save of a story beat (or by the player's hand) was written: the
    /// mark shows then. The quiet saves every few seconds do not show it.
    pub shown_at: Option<f64>,
    /// The last write that failed, and why (cleared by the next that works).
    pub failed: Option<String>,
    /// Autosaves begun in this run (for measuring what they cost the frame).
    pub autosaves: u64,
}

/// A saved game being resumed: its network simulated again, on another thread or a
/// slice a frame (the browser: [`crate::long_work::LongWork`]).
#[derive(Resource)]
pub struct Resuming {
    pub name: String,
    making: Restoring,
}

/// How a saved game's network is being simulated again.
enum Restoring {
    Task(Task<Result<Desk, String>>),
    /// Run a slice a frame; taken (`None`) as it is finished.
    Slices {
        save: Box<SaveFile>,
        rerun: Option<Box<Rerun>>,
        story: Box<Story>,
        started: Instant,
    },
}

impl Resuming {
    /// Network minutes still to simulate, when it is done in slices.
    pub fn minutes_left(&self) -> Option<u64> {
        match &self.making {
            Restoring::Task(_) => None,
            Restoring::Slices { rerun, .. } => Some(rerun.as_ref().map_or(0, |r| r.minutes_left())),
        }
    }
}

/// Says how long a saved game's network took to simulate again.
fn restored(desk: Result<Desk, String>, started: Instant) -> Result<Desk, String> {
    if let Ok(desk) = &desk {
        info!(
            "saved game: network simulated again to minute {} in {:.2} s",
            desk.network.minute(),
            started.elapsed().as_secs_f64()
        );
    }
    desk
}

/// What the autosave watches for.
#[derive(Debug, Clone, PartialEq)]
struct Beat {
    flags: usize,
    choices: usize,
    scenes: usize,
    sunk: usize,
    link_losses: u32,
    findings: usize,
    freed: usize,
    diving: bool,
    understood: usize,
    loops: u32,
    adopted: bool,
    ending: bool,
    confrontation: Option<usize>,
}

impl Beat {
    fn of(desk: &Desk) -> Self {
        Self {
            flags: desk.flags.len(),
            choices: desk.choices.len(),
            scenes: desk.scenes_seen.len(),
            sunk: desk.sunk.len(),
            link_losses: desk.link_losses,
            findings: desk.findings.len(),
            freed: desk.freed.len(),
            diving: desk.console.diving.is_some(),
            understood: desk.dives.values().map(|d| d.understood.len()).sum(),
            loops: desk.dives.values().map(|d| d.loop_reached).sum(),
            adopted: desk.flags.contains(&StoryFlag::AlternativeAdopted),
            ending: desk.ending.is_some(),
            confrontation: desk.confrontation,
        }
    }
}

/// The autosave's memory between frames, and the write under way.
#[derive(Resource, Default)]
struct Autosave {
    beat: Option<Beat>,
    since: f32,
    writer: Writer,
    /// The write under way is a beat's: show the mark when it is written.
    mark: bool,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SaveStore>()
        .init_resource::<SavedGames>()
        .init_resource::<SaveStatus>()
        .init_resource::<Autosave>()
        .add_message::<SaveRequest>()
        .add_systems(Startup, list_saves)
        .add_systems(
            Update,
            (follow_save_requests, resume, autosave, finish_writes)
                .chain()
                .after(crate::AppSystems::Update),
        )
        .add_systems(
            Update,
            restore_a_slice.in_set(crate::AppSystems::TickTimers),
        )
        .add_systems(Last, save_at_exit);
}

/// Keeps saves in the player's own store from now on. Add after [`crate::GamePlugin`].
pub fn persist(app: &mut App) {
    app.insert_resource(SaveStore(Store::player()));
}

/// Seconds since 1970, now.
fn now() -> u64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
    #[cfg(target_arch = "wasm32")]
    {
        (web_sys::js_sys::Date::now() / 1000.0) as u64
    }
}

/// Reads every save kept; unreadable ones are set aside and said so.
pub fn read_saves(store: &Store) -> SavedGames {
    let mut games = SavedGames::default();
    let mut problems = Vec::new();
    for name in store.names_in("saves") {
        if !name.ends_with(".ron") || name.contains(".broken") {
            continue;
        }
        match read_save(store, &name) {
            Ok(save) => games.saves.push((name, save)),
            Err(problem) => problems.push(problem),
        }
    }
    games
        .saves
        .sort_by(|a, b| b.1.saved_at.cmp(&a.1.saved_at).then(a.0.cmp(&b.0)));
    if !problems.is_empty() {
        games.problem = Some(problems.join("\n"));
    }
    games
}

/// One save, read and checked; a save that cannot be read is set aside so no later write
/// destroys it, and the error says where it went.
fn read_save(store: &Store, name: &str) -> Result<SaveFile, String> {
    let failed = |why: String| {
        let kept = match store.set_aside(name) {
            Ok(aside) => format!("it is kept as {}", store.place(&aside)),
            Err(e) => format!("it could not be set aside ({e})"),
        };
        warn!("saved game {name}: {why}; {kept}");
        format!("The saved game {name} could not be read ({why}); {kept}.")
    };
    let bytes = match store.read(name) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(format!("{name}: no such save")),
        // Unreadable now (permissions, a disk error) is not broken: leave it be.
        Err(e) => return Err(format!("The saved game could not be read: {e}.")),
    };
    SaveFile::parse(name, &bytes)
        .map_err(|errors| failed(errors.first().map(ToString::to_string).unwrap_or_default()))
}

fn list_saves(store: Res<SaveStore>, mut games: ResMut<SavedGames>) {
    if let Some(store) = &store.0 {
        *games = read_saves(store);
    }
}

/// The saves kept and the game's dealings with them, for the systems below.
#[derive(bevy::ecs::system::SystemParam)]
struct Saving<'w> {
    store: Res<'w, SaveStore>,
    games: ResMut<'w, SavedGames>,
    status: ResMut<'w, SaveStatus>,
    autosave: ResMut<'w, Autosave>,
    time: Res<'w, Time<Real>>,
}

impl Saving<'_> {
    /// Notes how a write went, now; a beat's write shows the mark.
    fn note(&mut self, result: Result<(), StoreError>) {
        let now = self.time.elapsed_secs_f64();
        if result.is_ok() && std::mem::take(&mut self.autosave.mark) {
            self.status.shown_at = Some(now);
        }
        self.status.note(result, now);
    }

    /// Reads the saves kept again, keeping a problem already said unless `problem`
    /// replaces it.
    fn reread(&mut self, problem: Option<String>) {
        let Some(store) = &self.store.0 else {
            return;
        };
        let kept = self.games.problem.take();
        *self.games = read_saves(store);
        self.games.problem = problem.or(kept);
    }
}

fn follow_save_requests(
    mut requests: MessageReader<SaveRequest>,
    mut saving: Saving,
    room: Option<Res<ControlRoom>>,
    levels: Res<Levels>,
    how: Res<LongWork>,
    mut commands: Commands,
    mut begin: MessageWriter<BeginGame>,
) {
    for request in requests.read() {
        let Some(store) = saving.store.0.clone() else {
            // Playing without saves (headless tests, a replay): a new game still begins.
            if *request == SaveRequest::NewGame {
                begin.write(BeginGame);
            }
            continue;
        };
        match request {
            SaveRequest::NewGame => {
                let mut problem = None;
                if matches!(store.read(AUTOSAVE), Ok(Some(_))) {
                    // The game before is kept, whole, until the next New game. Any write
                    // of it still under way lands first.
                    if let Some(result) = saving.autosave.writer.finish() {
                        saving.note(result);
                    }
                    if let Err(e) = store.rename(AUTOSAVE, BACKUP) {
                        problem = Some(format!(
                            "The last game could not be kept as a backup ({e}); it stays the \
                             autosave until the new game saves over it."
                        ));
                    }
                }
                saving.reread(problem);
                saving.autosave.beat = None;
                begin.write(BeginGame);
            }
            SaveRequest::SaveTo(name) => {
                let Some(room) = &room else {
                    continue;
                };
                // By the player's hand: written now, and said at once.
                let text = SaveFile::of(&room.0, now()).to_text();
                let result = store.write(name, text.as_bytes());
                saving.autosave.mark = true;
                let failed = result
                    .as_ref()
                    .err()
                    .map(|e| format!("Not saved to {}: {e}.", label_of(name)));
                saving.note(result);
                saving.reread(failed);
            }
            SaveRequest::Continue(name) => match read_save(&store, name) {
                Ok(save) => {
                    let story = levels.library.story.clone();
                    let started = Instant::now();
                    let sliced = match *how {
                        LongWork::Slices => save.rerun().ok(),
                        LongWork::Background => None,
                    };
                    let making = match sliced {
                        Some(rerun) => Restoring::Slices {
                            save: Box::new(save),
                            rerun: Some(Box::new(rerun)),
                            story: Box::new(story),
                            started,
                        },
                        // On another thread; a journal that cannot be run fails there
                        // too, saying why.
                        None => Restoring::Task(
                            AsyncComputeTaskPool::get()
                                .spawn(async move { restored(save.restore(&story), started) }),
                        ),
                    };
                    commands.insert_resource(Resuming {
                        name: name.clone(),
                        making,
                    });
                }
                Err(problem) => saving.reread(Some(problem)),
            },
        }
    }
}

/// A save's network simulated again: the game goes on at the control room.
fn resume(
    resuming: Option<ResMut<Resuming>>,
    mut saving: Saving,
    mut next: ResMut<NextState<AppState>>,
    mut commands: Commands,
) {
    let Some(mut resuming) = resuming else {
        return;
    };
    let result = match &mut resuming.making {
        Restoring::Task(task) => check_ready(task),
        Restoring::Slices {
            save,
            rerun,
            story,
            started,
        } => rerun
            .take_if(|r| r.minutes_left() == 0)
            .map(|done| restored(save.restore_around(done.finish(), story), *started)),
    };
    let Some(result) = result else {
        return;
    };
    commands.remove_resource::<Resuming>();
    match result {
        Ok(desk) => {
            saving.autosave.beat = Some(Beat::of(&desk));
            commands.insert_resource(ControlRoom(desk));
            next.set(AppState::ControlRoom);
        }
        Err(why) => {
            // Readable but not playable here: set aside, so the next autosave cannot
            // overwrite it.
            let kept = match &saving.store.0 {
                Some(store) => match store.set_aside(&resuming.name) {
                    Ok(aside) => format!("; it is kept as {}", store.place(&aside)),
                    Err(e) => format!("; it could not be set aside ({e})"),
                },
                None => String::new(),
            };
            warn!("saved game {}: {why}{kept}", resuming.name);
            saving.reread(Some(format!(
                "The saved game {} cannot be continued: {why}{kept}.",
                resuming.name
            )));
        }
    }
}

/// A slice of a saved game's network simulated again, when it is run in slices: first
/// of the frame's long work (the player waits on it), before the next desk's warm-up.
fn restore_a_slice(
    resuming: Option<ResMut<Resuming>>,
    share: Res<FrameShare>,
    time: Res<Time<Real>>,
    mut meter: ResMut<WorkMeter>,
) {
    if let Some(mut resuming) = resuming
        && let Restoring::Slices {
            rerun: Some(rerun), ..
        } = &mut resuming.making
    {
        meter.run_waiting(*share, time.delta(), |share| rerun.run_while(share.more()));
    }
}

/// Saves at every story beat and every [`AUTOSAVE_EVERY`] seconds of play.
fn autosave(room: Option<Res<ControlRoom>>, mut saving: Saving) {
    let (Some(room), Some(store)) = (room, saving.store.0.clone()) else {
        return;
    };
    let beat = Beat::of(&room.0);
    let delta = saving.time.delta_secs();
    let autosave = &mut *saving.autosave;
    autosave.since += delta;
    let beat_changed = autosave.beat.as_ref() != Some(&beat);
    if !beat_changed && autosave.since < AUTOSAVE_EVERY {
        return;
    }
    autosave.mark |= beat_changed;
    autosave.beat = Some(beat);
    autosave.since = 0.0;
    saving.status.autosaves += 1;
    let text = SaveFile::of(&room.0, now()).to_text();
    if let Some(result) = autosave.writer.write(&store, AUTOSAVE, text.into_bytes()) {
        saving.note(result);
        saving.games.stale = true;
    }
}

/// Takes the results of writes done in the background; at the title, the list of saves
/// is brought up to date.
fn finish_writes(mut saving: Saving, screen: Res<State<AppState>>) {
    let Some(store) = saving.store.0.clone() else {
        return;
    };
    if let Some(result) = saving.autosave.writer.pump(&store) {
        saving.note(result);
        saving.games.stale = true;
    }
    if saving.games.stale && *screen.get() == AppState::Title {
        saving.reread(None);
    }
}

/// The game is closing: what is not saved yet is, before it goes.
fn save_at_exit(
    mut exits: MessageReader<AppExit>,
    room: Option<Res<ControlRoom>>,
    mut saving: Saving,
) {
    if exits.read().next().is_none() {
        return;
    }
    let (Some(room), Some(store)) = (room, saving.store.0.clone()) else {
        return;
    };
    if let Some(result) = saving.autosave.writer.finish() {
        saving.note(result);
    }
    let text = SaveFile::of(&room.0, now()).to_text();
    saving.note(store.write(AUTOSAVE, text.as_bytes()));
}

impl SaveStatus {
    fn note(&mut self, result: Result<(), StoreError>, now: f64) {
        match result {
            Ok(()) => {
                self.saved_at = Some(now);
                self.failed = None;
            }
            Err(e) => {
                warn!("autosave: {e}");
                self.failed = Some(format!(
                    "Not saved: {e}. The last save is kept as it was; the game plays on and \
                     tries again."
                ));
            }
        }
    }
}
