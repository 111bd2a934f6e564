//! The app's states, in one small module that the game and the presentation both import:
//! which screen the player is on, whether the dream is paused, whether the current loop's
//! world exists yet, and which menu is open. Nothing here draws or simulates.

use bevy::prelude::*;

/// Which screen the player is on.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AppState {
    /// Level files are loading.
    #[default]
    Loading,
    /// The title screen.
    Title,
    /// SomnoTech's control room, where dives start.
    ControlRoom,
    /// A waking scene of the story, in illustrated panels (the family's evening, the
    /// rift between nights).
    Scene,
    /// Inside a dreamer's nightmare.
    Dream,
}

/// Whether the dream is paused. Paused stops `Time<Virtual>`, and with it the fixed
/// clock, physics and the loop timer.
#[derive(SubStates, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[source(AppState = AppState::Dream)]
pub enum Pause {
    #[default]
    Running,
    Paused,
}

/// Whether the current loop's world exists yet.
#[derive(SubStates, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[source(AppState = AppState::Dream)]
pub enum DreamPhase {
    /// Waiting for the generator; the world of the previous loop, if any, is still there.
    #[default]
    Forming,
    /// The loop is running.
    Exploring,
}

/// Which menu is open over the screen. Each menu goes back to where it was opened from
/// (Settings to the title or the pause menu), on Esc, gamepad East or its Back button.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Menu {
    /// No menu: the control room, or the dream being played.
    #[default]
    None,
    /// The title screen's menu.
    Main,
    /// The title's list of every playable dream.
    FreeDive,
    /// "Start a new game?" over a game saved or under way.
    ConfirmNewGame,
    /// The saved games, to continue one.
    Load,
    /// The save slots, to save the game under way into one.
    Save,
    /// Sound, controls and picture.
    Settings,
    /// Settings → Controls: the bindings.
    Controls,
    /// The dream is paused (see [`Pause`]).
    Pause,
    /// From the pause menu: everything said in the dive so far.
    Transcript,
}

/// What a menu asks for: the menus send these, the devices' Esc/East/Start too.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuCommand {
    /// Open a menu over the current one; Back returns to the current one.
    Open(Menu),
    /// Back to where the current menu was opened from.
    Back,
    /// Close every menu.
    Close,
}

/// The menus the open one was opened from, the latest last.
#[derive(Resource, Debug, Default, Clone, PartialEq, Eq)]
pub struct MenuTrail(pub Vec<Menu>);

pub(super) fn plugin(app: &mut App) {
    app.init_state::<AppState>()
        .add_sub_state::<Pause>()
        .add_sub_state::<DreamPhase>()
        .init_state::<Menu>()
        .init_resource::<MenuTrail>()
        .add_message::<MenuCommand>()
        .add_systems(OnEnter(Pause::Paused), |mut time: ResMut<Time<Virtual>>| {
            time.pause()
        })
        .add_systems(OnExit(Pause::Paused), |mut time: ResMut<Time<Virtual>>| {
            time.unpause()
        })
        .add_systems(
            OnEnter(AppState::Title),
            |mut next: ResMut<NextState<Menu>>, mut trail: ResMut<MenuTrail>| {
                trail.0.clear();
                next.set(Menu::Main);
            },
        )
        .add_systems(OnExit(AppState::Title), close_menus)
        .add_systems(OnExit(AppState::Dream), close_menus)
        // The pause menu and the paused dream go together, whichever changed first.
        .add_systems(OnEnter(Pause::Paused), pause_menu_with_pause)
        .add_systems(OnExit(Pause::Paused), close_menus)
        .add_systems(
            Update,
            follow_menu_commands.in_set(crate::AppSystems::RecordInput),
        );
}

/// Opens, closes and goes back through menus as the [`MenuCommand`]s this frame ask.
pub fn follow_menu_commands(
    mut commands: MessageReader<MenuCommand>,
    menu: Res<State<Menu>>,
    mut next: ResMut<NextState<Menu>>,
    mut trail: ResMut<MenuTrail>,
    pause: Option<Res<State<Pause>>>,
    mut next_pause: ResMut<NextState<Pause>>,
) {
    // Several commands in one frame apply in order, each to the menu the last left.
    let mut current = *menu.get();
    for command in commands.read() {
        current = match *command {
            MenuCommand::Open(to) if to != current => {
                trail.0.push(current);
                to
            }
            MenuCommand::Open(_) => current,
            MenuCommand::Back => match trail.0.pop() {
                Some(previous) => previous,
                // The title's own menu has nowhere to go back to.
                None => current,
            },
            MenuCommand::Close => {
                trail.0.clear();
                Menu::None
            }
        };
    }
    if current == *menu.get() {
        return;
    }
    next.set(current);
    // In the dream, a menu open is the dream paused, and no menu is the dream running.
    if let Some(pause) = pause {
        let wanted = if current == Menu::None {
            Pause::Running
        } else {
            Pause::Paused
        };
        if *pause.get() != wanted {
            next_pause.set(wanted);
        }
    }
}

fn close_menus(mut next: ResMut<NextState<Menu>>, mut trail: ResMut<MenuTrail>) {
    trail.0.clear();
    next.set(Menu::None);
}

/// Paused from elsewhere (a lost window focus, a test): the pause menu shows.
fn pause_menu_with_pause(
    menu: Res<State<Menu>>,
    mut next: ResMut<NextState<Menu>>,
    mut trail: ResMut<MenuTrail>,
) {
    if *menu.get() == Menu::None {
        trail.0 = vec![Menu::None];
        next.set(Menu::Pause);
    }
}

/// Resources that belong to a dive, set up and torn down in one way: the dive's features
/// say what is theirs when they register it, instead of each writing its own
/// `OnEnter`/`OnExit(AppState::Dream)` systems.
pub trait DiveResources {
    /// `R` exists between dives and starts every dive afresh, as its `Default`.
    fn init_dive_resource<R: Resource + Default>(&mut self) -> &mut Self;
    /// `R` belongs to one dive: whoever inserted it, it is gone when Juno wakes.
    fn end_with_dive<R: Resource>(&mut self) -> &mut Self;
}

impl DiveResources for App {
    fn init_dive_resource<R: Resource + Default>(&mut self) -> &mut Self {
        self.init_resource::<R>()
            .add_systems(OnEnter(AppState::Dream), |mut commands: Commands| {
                commands.insert_resource(R::default())
            })
    }

    fn end_with_dive<R: Resource>(&mut self) -> &mut Self {
        self.add_systems(OnExit(AppState::Dream), |mut commands: Commands| {
            commands.remove_resource::<R>()
        })
    }
}
