//! The story's waking scenes, as game state: which scene is playing, how far it has
//! come and what Juno chose in it. A new game's prologue scene plays before the evening
//! dream; the rift scenes come between nights at the desk when they are due
//! ([`Desk::due_scene`]), and as one ends the desk does what its cue says (the morning
//! Juno goes up, on into the confrontation); once Juno goes on from the adopted
//! alternative, the ending's scenes and the credits play one after another, and the
//! campaign is finished ([`Desk::closing_scenes`]). The screen that draws them sends
//! [`SceneRequest`]s.

use bevy::prelude::*;

use super::{ControlRoom, Desk, InPrologue};
use crate::dive::ActiveDive;
use crate::levels::story::{Action, Story};
use crate::levels::{Facts, Levels, SceneAt, StoryFacts};
use crate::settings::AccessibilitySettings;
use crate::state::{AppState, Menu};

/// What the scene's screen asks for.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SceneRequest {
    /// The next line, or the next panel.
    Next,
    /// Juno's answer at the choice, by its written index.
    Choose(usize),
}

/// Where a scene hands over when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterScene {
    /// A new game's prologue: on into its dream (or to the desk, if it has none).
    Prologue,
    /// Back to the desk, doing what the story's cue says as the scene ends (as a
    /// message's action would).
    Desk(Option<Action>),
    /// The story's end: on to the next of [`Desk::closing_scenes`] after this index;
    /// after the last, the campaign is finished and the title shows.
    Ending(usize),
}

/// The scene playing.
#[derive(Resource, Debug, Clone)]
pub struct PlayingScene {
    pub id: String,
    pub at: SceneAt,
    /// What the story knows, with what Juno has chosen in this scene so far.
    pub story: StoryFacts,
    pub then: AfterScene,
}

impl PlayingScene {
    /// Scene `id` from its beginning, with what the story knows; None if the scene is not
    /// loaded or shows nothing with these facts.
    pub fn begin(levels: &Levels, id: &str, story: StoryFacts, then: AfterScene) -> Option<Self> {
        let scene = &levels.library.scenes.get(id)?.value;
        let at = scene.begin(&Facts::waking(&story))?;
        Some(Self {
            id: id.to_owned(),
            at,
            story,
            then,
        })
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<SceneRequest>()
        .add_systems(
            Update,
            start_due_scene
                .in_set(crate::AppSystems::Update)
                .after(super::follow_requests)
                .run_if(in_state(AppState::ControlRoom).and_then(resource_exists::<ControlRoom>)),
        )
        .add_systems(
            Update,
            count_played
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Scene).and_then(resource_exists::<ControlRoom>)),
        )
        .add_systems(
            Update,
            follow_scene_requests
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Scene)),
        )
        .add_systems(OnExit(AppState::Scene), |mut commands: Commands| {
            commands.remove_resource::<PlayingScene>();
        });
}

/// At the desk, with no menu open: a scene whose time has come begins (the story's
/// end first, once the alternative is adopted).
fn start_due_scene(
    mut room: ResMut<ControlRoom>,
    levels: Res<Levels>,
    menu: Res<State<Menu>>,
    mut next: ResMut<NextState<AppState>>,
    mut commands: Commands,
) {
    // Not over a menu, nor when the desk already asked to go elsewhere this frame (a
    // dive, the title).
    if *menu.get() != Menu::None || !matches!(*next, NextState::Unchanged) {
        return;
    }
    let story = &levels.library.story;
    if !room.0.closing_scenes(story).is_empty() {
        info!(
            "the story ends: {}",
            room.0
                .ending
                .as_deref()
                .unwrap_or("(no ending, the credits)")
        );
        match closing_scene(&levels, &mut room.0, 0) {
            Some(playing) => {
                commands.insert_resource(playing);
                next.set(AppState::Scene);
            }
            None => next.set(AppState::Title),
        }
        return;
    }
    let Some(cue) = room.0.due_cue(story) else {
        return;
    };
    let id = cue.scene.as_str();
    match PlayingScene::begin(&levels, id, room.0.facts(), AfterScene::Desk(cue.then)) {
        Some(playing) => {
            info!("scene {id} begins");
            commands.insert_resource(playing);
            next.set(AppState::Scene);
        }
        // Nothing of it shows now (or it is gone from the files): it is passed over, and
        // the story goes on as if it had played.
        None => {
            let then = cue.then;
            room.0.scene_played(id, []);
            go_on(&mut room.0, then, story);
        }
    }
}

/// A scene at the desk ended (or was passed over): the desk does what its cue says, if
/// it can now.
fn go_on(desk: &mut Desk, then: Option<Action>, story: &Story) {
    let Some(action) = then else {
        return;
    };
    if desk.can(action) {
        desk.act(action, story);
    } else {
        warn!("a scene's cue asks for {action:?}, which cannot be taken now: nothing is done");
    }
}

/// The first of the story's closing scenes from index `from` that shows something; if
/// none is left, the campaign is finished.
fn closing_scene(levels: &Levels, desk: &mut Desk, from: usize) -> Option<PlayingScene> {
    let scenes = desk.closing_scenes(&levels.library.story);
    let found =
        scenes.iter().enumerate().skip(from).find_map(|(i, id)| {
            PlayingScene::begin(levels, id, desk.facts(), AfterScene::Ending(i))
        });
    if found.is_none() {
        info!("the campaign is finished");
        desk.finish();
    }
    found
}

/// A scene between nights is time played.
fn count_played(time: Res<Time>, mut room: ResMut<ControlRoom>) {
    room.0.played_seconds += time.delta_secs_f64();
}

/// The screen's requests step the scene; at its end the story goes on.
fn follow_scene_requests(
    mut requests: MessageReader<SceneRequest>,
    playing: Option<ResMut<PlayingScene>>,
    levels: Res<Levels>,
    room: Option<ResMut<ControlRoom>>,
    mut next: ResMut<NextState<AppState>>,
    mut commands: Commands,
    access: Res<AccessibilitySettings>,
) {
    let Some(mut playing) = playing else {
        // Nothing to play (a state set by hand): back to where a scene is left for.
        next.set(AppState::ControlRoom);
        return;
    };
    let Some(scene) = levels.library.scenes.get(&playing.id).map(|e| &e.value) else {
        warn!(
            "scene {} is no longer in the level files: it ends",
            playing.id
        );
        finish(&playing, &levels, room, &mut next, &mut commands);
        return;
    };
    let mut ended = false;
    // Whole panels asked for: every line of the panel is said as it opens.
    let said = scene
        .lines(playing.at.panel, &Facts::waking(&playing.story))
        .len();
    if access.whole_panels && playing.at.chose.is_none() && playing.at.shown < said {
        playing.at.shown = said;
    }
    for request in requests.read() {
        let playing = &mut *playing;
        match *request {
            SceneRequest::Next => {
                ended = !scene.next(&mut playing.at, &Facts::waking(&playing.story));
            }
            SceneRequest::Choose(option) => {
                scene.choose(&mut playing.at, option, &mut playing.story);
            }
        }
        if ended {
            break;
        }
    }
    if ended {
        finish(&playing, &levels, room, &mut next, &mut commands);
    }
}

/// The scene is over: what Juno chose is the desk's (or the prologue's, until she sits
/// down), and the story goes where the scene hands over.
fn finish(
    playing: &PlayingScene,
    levels: &Levels,
    room: Option<ResMut<ControlRoom>>,
    next: &mut NextState<AppState>,
    commands: &mut Commands,
) {
    let chosen = playing.story.flags.iter().cloned();
    match playing.then {
        AfterScene::Desk(then) => {
            if let Some(mut room) = room {
                room.0.scene_played(&playing.id, chosen);
                go_on(&mut room.0, then, &levels.library.story);
            }
            next.set(AppState::ControlRoom);
        }
        AfterScene::Ending(index) => {
            let Some(mut room) = room else {
                next.set(AppState::Title);
                return;
            };
            room.0.choices.extend(chosen);
            // After this scene in the list as it is now (a hot reload may have changed
            // the ending's scenes while it played).
            let scenes = room.0.closing_scenes(&levels.library.story);
            let at = scenes
                .iter()
                .position(|id| *id == playing.id)
                .unwrap_or(index);
            match closing_scene(levels, &mut room.0, at + 1) {
                // The next one replaces this one on the same screen.
                Some(playing) => commands.insert_resource(playing),
                None => next.set(AppState::Title),
            }
        }
        AfterScene::Prologue => {
            commands.insert_resource(InPrologue {
                choices: chosen.collect(),
            });
            let dream = levels.library.story.prologue.dream.as_deref();
            match dream.and_then(|id| levels.library.dive(id)) {
                Some(spec) => {
                    let mut dive = ActiveDive::new(spec.clone());
                    dive.story = playing.story.clone();
                    commands.insert_resource(dive);
                    next.set(AppState::Dream);
                }
                None => next.set(AppState::ControlRoom),
            }
        }
    }
}
