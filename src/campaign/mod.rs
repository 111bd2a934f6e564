//! The campaign's first half, as game state: Juno's desk in the control room — the
//! network she watches, the investigation, the confrontation and the overload, the dive
//! console and its link, the alternative's designer and the epilogue it earns.
//!
//! The desk ([`Desk`]) is plain data with its rules; this file builds it, steps it on
//! the fixed clock and makes the changes the panels ask for ([`Request`] messages). It
//! runs headless: the panels that draw it are the presentation's.

pub mod design;
pub mod desk;
pub mod scenes;
mod slices;
pub mod strangers;

pub use desk::{ConsoleState, Desk, DiveProgress, Panel, Request, SPEEDS, WarmUp};
pub use scenes::{AfterScene, PlayingScene, SceneRequest};
pub use slices::{DESIGN_MINUTES_PER_FRAME, DeskAhead, NextDesk};

use bevy::prelude::*;

use std::collections::BTreeSet;

use crate::dive::{ActiveDive, FreedDreamers, LinkLost, StoryChoice};
use crate::levels::story::StoryFlag;
use crate::levels::strangers::sleeper_of;
use crate::levels::{Levels, LevelsReloaded, StoryFacts};
use crate::state::AppState;

/// Begins a new game: the campaign's prologue if it has one (the family's evening: a
/// scene, then their dream), else straight to the desk.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeginGame;

/// A new game's prologue (its scene and dream) is under way; what Juno says in it that
/// the story remembers is kept here until she wakes and sits down at the desk.
#[derive(Resource, Debug, Default, Clone)]
pub struct InPrologue {
    pub choices: BTreeSet<String>,
}

/// Juno's desk, while a game is under way.
#[derive(Resource, Debug, Clone)]
pub struct ControlRoom(pub Desk);

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((scenes::plugin, slices::plugin))
        .add_message::<Request>()
        .add_message::<BeginGame>()
        .add_systems(Update, begin_game.run_if(on_message::<BeginGame>))
        .add_systems(
            Update,
            remember_choices
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(OnEnter(AppState::Title), |mut commands: Commands| {
            commands.remove_resource::<InPrologue>();
        })
        .add_systems(
            Update,
            (forget_prepared_desk, strangers::forget_stranger_network)
                .run_if(on_message::<LevelsReloaded>),
        )
        .add_systems(
            Update,
            strangers::poll_stranger_network
                .run_if(resource_exists::<strangers::StrangerNetwork>)
                .in_set(crate::AppSystems::TickTimers),
        )
        .add_systems(
            Update,
            follow_requests
                .in_set(crate::AppSystems::Update)
                .run_if(resource_exists::<ControlRoom>),
        )
        .add_systems(
            OnEnter(AppState::ControlRoom),
            (sit_down, back_from_dive).chain(),
        )
        .add_systems(
            Update,
            follow_dive.in_set(crate::AppSystems::Update).run_if(
                in_state(AppState::Dream).and_then(resource_exists_and_changed::<ActiveDive>),
            ),
        )
        .add_systems(
            FixedUpdate,
            run_network
                .run_if(resource_exists::<ControlRoom>)
                .run_if(in_state(AppState::ControlRoom).or_else(in_state(AppState::Dream))),
        );
}

/// Edited level files may have changed the story: the next desk is built again.
fn forget_prepared_desk(mut commands: Commands) {
    commands.remove_resource::<NextDesk>();
}

/// A new game: into the prologue's scene or dream if the story has one that can be
/// played, else to the desk.
fn begin_game(
    mut begin: MessageReader<BeginGame>,
    levels: Res<Levels>,
    mut next: ResMut<NextState<AppState>>,
    mut commands: Commands,
) {
    begin.clear();
    commands.remove_resource::<ControlRoom>();
    let prologue = &levels.library.story.prologue;
    let scene = prologue.scene.as_deref().and_then(|id| {
        PlayingScene::begin(&levels, id, StoryFacts::default(), AfterScene::Prologue)
    });
    let dream = prologue
        .dream
        .as_deref()
        .and_then(|id| levels.library.dive(id));
    if let Some(scene) = scene {
        info!("a new game begins with the prologue scene {}", scene.id);
        commands.insert_resource(InPrologue::default());
        commands.insert_resource(scene);
        next.set(AppState::Scene);
    } else if let Some(spec) = dream {
        info!("a new game begins in the prologue dream {}", spec.id());
        commands.insert_resource(InPrologue::default());
        commands.insert_resource(ActiveDive::new(spec.clone()));
        next.set(AppState::Dream);
    } else {
        next.set(AppState::ControlRoom);
    }
}

/// What Juno says in a dream that the story remembers: the prologue's until she sits
/// down, the console dive's at once (a free dive's is forgotten).
fn remember_choices(
    mut said: MessageReader<StoryChoice>,
    prologue: Option<ResMut<InPrologue>>,
    room: Option<ResMut<ControlRoom>>,
    dive: Option<Res<ActiveDive>>,
) {
    let choices: Vec<String> = said.read().map(|c| c.0.clone()).collect();
    if choices.is_empty() {
        return;
    }
    if let Some(mut room) = room {
        let console = room.0.console.diving.as_deref();
        if dive.is_some_and(|d| Some(d.spec.id()) == console) {
            room.0.choices.extend(choices);
        }
    } else if let Some(mut prologue) = prologue {
        prologue.choices.extend(choices);
    }
}

/// A new game's desk, built from the campaign's story the first time Juno sits down (the
/// one prepared in the background if there is one), with what she said in the prologue.
fn sit_down(
    room: Option<Res<ControlRoom>>,
    mut next: Option<ResMut<NextDesk>>,
    prologue: Option<Res<InPrologue>>,
    levels: Res<Levels>,
    mut commands: Commands,
) {
    if room.is_some() {
        return;
    }
    let mut desk = slices::take_next_desk(next.as_deref_mut(), &levels.library.story);
    if let Some(prologue) = prologue {
        desk.choices = prologue.choices.clone();
        desk.flags.insert(StoryFlag::Prologue);
        commands.remove_resource::<InPrologue>();
    }
    commands.remove_resource::<NextDesk>();
    commands.insert_resource(ControlRoom(desk));
}

/// After a dive: freed dreamers leave their loops; a lost link is reported.
fn back_from_dive(
    room: Option<ResMut<ControlRoom>>,
    mut freed: ResMut<FreedDreamers>,
    mut lost: ResMut<LinkLost>,
    levels: Res<Levels>,
) {
    // Read once: a dreamer freed is news for the dive that freed them, not later ones.
    let freed: Vec<String> = std::mem::take(&mut freed.0).into_iter().collect();
    let Some(mut room) = room else {
        return;
    };
    let story = &levels.library.story;
    let diving = room.0.console.diving.clone();
    room.0.back_from_dive(&freed, story);
    if let Some(report) = lost.0.take() {
        // A free dive's lost link costs the story nothing.
        let report = if diving.is_some() {
            format!("{report} {}", room.0.link_lost(story))
        } else {
            report
        };
        room.0.console.report = Some(report);
        room.0.console.calibration = None;
    } else if let Some(id) = diving.filter(|id| !freed.contains(id)) {
        // She woke herself (Wake up) with the dreamer still trapped: coming round takes
        // time, as when Father pulls her out.
        let name = room
            .0
            .dive_spec(&id, &levels.library)
            .map_or(id.clone(), |spec| spec.dreamt_by());
        let note = room.0.woke_early(story);
        room.0.console.report = Some(format!("Juno woke herself in {name}'s dream. {note}"));
    }
}

/// The console's dive, as it goes: how far it came is the desk's, for the next dive and
/// the saved game.
fn follow_dive(dive: Res<ActiveDive>, room: Option<ResMut<ControlRoom>>) {
    let Some(mut room) = room else {
        return;
    };
    let id = dive.spec.id();
    if room.0.console.diving.as_deref() != Some(id) {
        return;
    }
    // The loop reached never goes back (the clock may have sunk her deeper meanwhile).
    let before = room.0.dives.get(id);
    let sunk_to = before.map_or(0, |p| p.loop_reached);
    let progress = DiveProgress {
        understood: dive.understood.clone(),
        loop_reached: dive.loop_index.max(sunk_to),
        relapses: dive.relapses,
        // The save says so once any of the dreamer's dive was played slower.
        assisted: dive.pace() > 1.0 || before.is_some_and(|p| p.assisted),
    };
    if room.0.dives.get(id) != Some(&progress) {
        room.0.dives.insert(id.to_owned(), progress);
    }
}

/// The network runs at the desk, and during the console's dives; not while Juno dreams
/// something else (a free dive with a game under way leaves the story where it was).
fn run_network(
    time: Res<Time<Fixed>>,
    mut room: ResMut<ControlRoom>,
    levels: Res<Levels>,
    screen: Res<State<AppState>>,
) {
    if *screen.get() == AppState::Dream && room.0.console.diving.is_none() {
        return;
    }
    room.0.advance(time.delta_secs(), &levels.library.story);
}

/// The panels' requests: the desk changes, and a dive or the title begins.
fn follow_requests(
    mut requests: MessageReader<Request>,
    mut room: ResMut<ControlRoom>,
    levels: Res<Levels>,
    screen: Res<State<AppState>>,
    mut next: ResMut<NextState<AppState>>,
    mut commands: Commands,
) {
    for request in requests.read() {
        // Only the control room's own screen takes its requests (a stale one from the
        // frame before a dive began is dropped).
        if *screen.get() != AppState::ControlRoom {
            continue;
        }
        room.0.apply(request, &levels.library.story);
        match request {
            Request::Dive { dive, link } => {
                // A family member's dream is the library's; a stranger's is made from
                // who they were when Juno linked to them.
                // A stranger whose loop ended while the link was calibrated has no
                // nightmare left to go into.
                if sleeper_of(dive).is_some() && !room.0.can_dive(dive) {
                    room.0.console.report = Some(
                        "Their loop ended while the link was calibrated: they woke on their own."
                            .to_owned(),
                    );
                    room.0.console.calibration = None;
                    continue;
                }
                let spec = room.0.dive_spec(dive, &levels.library);
                if spec.is_none() {
                    warn!("dive {dive:?} cannot be put together from the level files");
                }
                if let Some(spec) = spec {
                    let mut active = ActiveDive::new(spec);
                    active.stranger = room.0.stranger_key(dive);
                    // Each link lost before holds less well.
                    active.link = Some(link.min(room.0.link_cap(&levels.library.story)));
                    active.story = room.0.facts();
                    // Back to the loop she left, with what she understood.
                    if let Some(progress) = room.0.dives.get(dive) {
                        active.loop_index = progress.loop_reached;
                        active.understood = progress.understood.clone();
                        active.relapses = progress.relapses;
                    }
                    commands.insert_resource(active);
                    room.0.begin_dive(dive);
                    next.set(AppState::Dream);
                }
            }
            Request::BackToTitle => next.set(AppState::Title),
            _ => {}
        }
    }
}
