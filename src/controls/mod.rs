//! The player's controls as actions: every thing a player can do ([`Control`]) is an
//! action of `bevy_enhanced_input`, bound to keys, mouse buttons, gamepad buttons and
//! stick directions from the player's [`Bindings`] (rebindable in Settings → Controls,
//! saved with the settings), with the stick's dead zone and the look sensitivity as the
//! actions' modifiers.
//!
//! The actions are evaluated once per frame, in `PreUpdate`, and read into
//! [`ControlState`]: each control's value this frame (0 to 1), whether it was pressed
//! this frame, and the device the player used last (whose names the prompts use).
//! Everything that answers the player reads that: Juno's intent (latched into the
//! fixed tick's [`TickIntent`](crate::juno::TickIntent) as before, so replays play as
//! recorded), the menus, the scenes, the core's answers and the control room.

mod bindings;
mod names;

pub use bindings::{Bindings, Conflict, Device, Dir, Input, KEYS, Moved, Slot, Slots, Stick};
pub use names::{KeyLabels, Names, PadStyle, Prompts};

use bevy::ecs::system::SystemParam;
use bevy::input::gamepad::{GamepadAxisChangedEvent, GamepadButtonChangedEvent};
use bevy::input::keyboard::KeyboardInput;
use bevy::input::mouse::MouseButtonInput;
use bevy::prelude::*;
use bevy_enhanced_input::prelude::{self as bei, *};

use serde::{Deserialize, Serialize};

use crate::state::{AppState, Menu, MenuCommand, Pause};

/// How far a stick must lean before it counts (of full tilt); past it the value runs
/// from 0 again, so walking starts gently.
pub const DEAD_ZONE: f32 = 0.15;

/// A control's value at which it counts as pressed (a stick leaned half way, a trigger
/// pulled half way, a key down).
pub const PRESS: f32 = 0.5;

/// How the camera answers the mouse and the right stick.
#[derive(Resource, Reflect, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[reflect(Resource, Default)]
#[serde(default)]
pub struct ControlSettings {
    /// Multiplies how far the view turns, from [`LOOK_SENSITIVITY`]`.0` to `.1`.
    pub look_sensitivity: f32,
    /// Mouse or stick up looks down.
    pub invert_look: bool,
    /// Held controls ([`Control::TOGGLED`]: walking forward, pushing the link) are
    /// pressed once to start and again (or the opposite way) to stop.
    pub toggle_held: bool,
}

impl Default for ControlSettings {
    fn default() -> Self {
        Self {
            look_sensitivity: 1.0,
            invert_look: false,
            toggle_held: false,
        }
    }
}

/// The range of [`ControlSettings::look_sensitivity`].
pub const LOOK_SENSITIVITY: (f32, f32) = (0.25, 4.0);

impl ControlSettings {
    /// The same settings with the sensitivity within [`LOOK_SENSITIVITY`] (a hand-edited
    /// file may say anything).
    pub fn sanitized(self) -> Self {
        let sensitivity = self.look_sensitivity;
        Self {
            look_sensitivity: if sensitivity.is_nan() {
                1.0
            } else {
                sensitivity.clamp(LOOK_SENSITIVITY.0, LOOK_SENSITIVITY.1)
            },
            ..self
        }
    }
}

/// When a control means something, for conflicts: two controls of scopes live at the
/// same time ([`Scope::live_with`]) must not share an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Walking the dream.
    Dream,
    /// Waking scenes and the core's talk.
    Talk,
    /// Moving through any menu or panel.
    Menus,
    /// The control room.
    Desk,
    /// Holding the link steady at the console.
    Calibrate,
}

macro_rules! controls {
    ($( $(#[$doc:meta])* $name:ident = ($key:literal, $label:literal, $scope:ident), )*) => {
        /// Everything a player can do, each an action with its own bindings.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Control {
            $( $(#[$doc])* $name, )*
        }

        impl Control {
            /// Every control, in the order the controls menu lists them.
            pub const ALL: [Control; Self::COUNT] = [$(Control::$name),*];
            /// How many controls there are.
            pub const COUNT: usize = [$($key),*].len();

            /// The control's name in the settings file.
            pub fn key(self) -> &'static str {
                match self { $(Control::$name => $key,)* }
            }

            /// The control's name in the controls menu.
            pub fn label(self) -> &'static str {
                match self { $(Control::$name => $label,)* }
            }

            /// When the control means something.
            pub fn scope(self) -> Scope {
                match self { $(Control::$name => Scope::$scope,)* }
            }
        }
    };
}

controls! {
    WalkForward = ("walk_forward", "Walk forward", Dream),
    WalkBack = ("walk_back", "Walk back", Dream),
    WalkLeft = ("walk_left", "Step left", Dream),
    WalkRight = ("walk_right", "Step right", Dream),
    TurnLeft = ("turn_left", "Turn left", Dream),
    TurnRight = ("turn_right", "Turn right", Dream),
    LookUp = ("look_up", "Look up", Dream),
    LookDown = ("look_down", "Look down", Dream),
    Jump = ("jump", "Jump", Dream),
    /// Pause the dream (and, in the pause menu, resume it).
    Pause = ("pause", "Pause", Dream),
    /// Back out of a menu.
    Back = ("back", "Back", Menus),
    Up = ("up", "Up", Menus),
    Down = ("down", "Down", Menus),
    Left = ("left", "Left", Menus),
    Right = ("right", "Right", Menus),
    /// Go on in a scene, wake from a freed dream, press the focused button.
    Confirm = ("confirm", "Confirm / go on", Talk),
    Answer1 = ("answer_1", "Answer 1", Talk),
    Answer2 = ("answer_2", "Answer 2", Talk),
    Answer3 = ("answer_3", "Answer 3", Talk),
    Answer4 = ("answer_4", "Answer 4", Talk),
    Answer5 = ("answer_5", "Answer 5", Talk),
    Answer6 = ("answer_6", "Answer 6", Talk),
    NextPanel = ("next_panel", "Next panel", Desk),
    PreviousPanel = ("previous_panel", "Previous panel", Desk),
    Overview = ("overview", "Network overview", Desk),
    Sleeper = ("sleeper", "Sleeper detail", Desk),
    Algorithm = ("algorithm", "Algorithm inspector", Desk),
    Inbox = ("inbox", "Messages & incidents", Desk),
    Console = ("console", "Dive console", Desk),
    Alternative = ("alternative", "Alternative network", Desk),
    NetworkPause = ("network_pause", "Pause / run the network", Desk),
    NetworkFaster = ("network_faster", "Network faster", Desk),
    NetworkSlower = ("network_slower", "Network slower", Desk),
    PushLeft = ("push_left", "Push the link left", Calibrate),
    PushRight = ("push_right", "Push the link right", Calibrate),
}

impl Control {
    /// The controls held down for a while that [`ControlSettings::toggle_held`] turns
    /// into toggles, each with the control that stops it besides itself.
    pub const TOGGLED: [(Control, Control); 3] = [
        (Control::WalkForward, Control::WalkBack),
        (Control::PushLeft, Control::PushRight),
        (Control::PushRight, Control::PushLeft),
    ];

    /// The answer controls, in order.
    pub const ANSWERS: [Control; 6] = [
        Control::Answer1,
        Control::Answer2,
        Control::Answer3,
        Control::Answer4,
        Control::Answer5,
        Control::Answer6,
    ];
}

/// Every control this frame, as the player's devices and bindings give it.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct ControlState {
    values: [f32; Control::COUNT],
    pressed: [bool; Control::COUNT],
    /// The devices' values, before toggles.
    raw: [f32; Control::COUNT],
    /// The toggled controls switched on.
    latched: [bool; Control::COUNT],
    /// The mouse's movement this frame, scaled by the look sensitivity (and its y
    /// flipped when the look is inverted).
    pub mouse: Vec2,
    /// The device the player used last: the prompts name its inputs.
    pub device: Device,
}

impl Default for ControlState {
    fn default() -> Self {
        Self {
            values: [0.0; Control::COUNT],
            pressed: [false; Control::COUNT],
            raw: [0.0; Control::COUNT],
            latched: [false; Control::COUNT],
            mouse: Vec2::ZERO,
            device: Device::Keyboard,
        }
    }
}

impl ControlState {
    /// `control`'s value this frame: 0 (not at all) to 1 (a key down, a stick leant all
    /// the way); look controls are scaled by the sensitivity.
    pub fn value(&self, control: Control) -> f32 {
        self.values[control as usize]
    }

    /// Whether `control` is held now.
    pub fn held(&self, control: Control) -> bool {
        self.value(control) >= PRESS
    }

    /// Whether `control` was pressed this frame (held now, not the frame before).
    pub fn pressed(&self, control: Control) -> bool {
        self.pressed[control as usize]
    }

    /// Which answer (0 to 5) was asked for this frame by its own control.
    pub fn answer(&self) -> Option<usize> {
        Control::ANSWERS.iter().position(|c| self.pressed(*c))
    }

    /// The walk: x to the right, y forward, length ≤ 1.
    pub fn walk(&self) -> Vec2 {
        self.axes(
            Control::WalkLeft,
            Control::WalkRight,
            Control::WalkBack,
            Control::WalkForward,
        )
        .clamp_length_max(1.0)
    }

    /// How fast the view turns (keys and stick, not the mouse): x right, y down, full
    /// rate at 1 (times the sensitivity).
    pub fn turn(&self) -> Vec2 {
        self.axes(
            Control::TurnLeft,
            Control::TurnRight,
            Control::LookUp,
            Control::LookDown,
        )
    }

    fn axes(&self, left: Control, right: Control, down: Control, up: Control) -> Vec2 {
        Vec2::new(
            self.value(right) - self.value(left),
            self.value(up) - self.value(down),
        )
    }

    /// The state with `control` pressed this frame, as a device would (for tests and the
    /// autopilot).
    pub fn with_pressed(mut self, control: Control) -> Self {
        self.values[control as usize] = 1.0;
        self.raw[control as usize] = 1.0;
        self.pressed[control as usize] = true;
        self
    }

    /// The next frame's state from this frame's values from the devices (`raw`): a
    /// control is pressed when it reaches [`PRESS`], or when one of its buttons was
    /// `tapped` (down and up again within the frame). A [`Control::TOGGLED`] control for
    /// which `toggle` holds is switched on or off by a press (its stopping control
    /// switches it off) and reads 1 while on; one for which it does not is let go.
    pub fn advance(
        &mut self,
        raw: [f32; Control::COUNT],
        tapped: [bool; Control::COUNT],
        toggle: impl Fn(Control) -> bool,
    ) {
        for (i, value) in raw.iter().enumerate() {
            self.pressed[i] = (*value >= PRESS && self.raw[i] < PRESS) || tapped[i];
        }
        self.raw = raw;
        self.values = raw;
        for (control, stop) in Control::TOGGLED {
            let (i, s) = (control as usize, stop as usize);
            if !toggle(control) {
                self.latched[i] = false;
                continue;
            }
            if self.pressed[i] {
                self.latched[i] = !self.latched[i];
            } else if self.pressed[s] {
                self.latched[i] = false;
            }
            if self.latched[i] {
                self.values[i] = 1.0;
            }
        }
    }

    /// Every toggled control switched off (a new loop starts standing still).
    pub fn release_toggles(&mut self) {
        self.latched = [false; Control::COUNT];
    }
}

/// The input context all the controls belong to: one entity, rebuilt when the bindings
/// or the look settings change.
#[derive(Component, Debug)]
pub struct Playing;

/// One control's action: its value, 0 to 1.
#[derive(InputAction)]
#[action_output(f32)]
pub struct Press;

/// The mouse turning the view.
#[derive(InputAction)]
#[action_output(Vec2)]
pub struct MouseLook;

/// Which control an action entity is.
#[derive(Component, Debug, Clone, Copy)]
pub struct OfControl(pub Control);

/// Part of the game plugin: the actions and their state. Needs Bevy's `InputPlugin`.
pub(super) fn plugin(app: &mut App) {
    app.add_plugins(EnhancedInputPlugin)
        .add_input_context::<Playing>()
        .init_resource::<Bindings>()
        .init_resource::<ControlState>()
        .init_resource::<KeyLabels>()
        .init_resource::<PadStyle>()
        .add_systems(
            PreUpdate,
            (
                build_context
                    .run_if(
                        resource_changed::<Bindings>.or_else(resource_changed::<ControlSettings>),
                    )
                    .before(EnhancedInputSystems::Prepare),
                (notice_device, read_controls)
                    .chain()
                    .after(EnhancedInputSystems::Apply),
            ),
        )
        .add_systems(
            Update,
            menu_keys
                .in_set(crate::AppSystems::RecordInput)
                .before(crate::state::follow_menu_commands),
        );
}

/// The controls' action settings: a rebuilt context's actions do not answer inputs held
/// as it was built until they are let go (the key that was just bound, the Esc that
/// cancelled listening).
const HELD_INPUTS_WAIT: ActionSettings = ActionSettings {
    // A control's inputs do not add up: the one pressed furthest counts (S held with the
    // stick leant back is walking back, not a stick half cancelling a key).
    accumulation: Accumulation::MaxAbs,
    require_reset: true,
    consume_input: false,
};

/// The controls' actions with the player's bindings: built at start and again on any
/// change (the old context goes, with its actions and bindings).
fn build_context(
    mut commands: Commands,
    bindings: Res<Bindings>,
    settings: Res<ControlSettings>,
    old: Query<Entity, With<Playing>>,
) {
    for context in &old {
        commands.entity(context).despawn();
    }
    let context = commands.spawn((Name::new("Controls"), Playing)).id();
    let sensitivity = settings.look_sensitivity;
    for control in Control::ALL {
        let mut action = commands.spawn((
            Name::new(control.key()),
            ActionOf::<Playing>::new(context),
            Action::<Press>::new(),
            OfControl(control),
            HELD_INPUTS_WAIT,
        ));
        if matches!(control.scope(), Scope::Dream) && control.turns() {
            action.insert(Scale::splat(sensitivity));
        }
        let action = action.id();
        // Inverted look: looking up takes looking down's inputs, and back.
        let from = match control {
            Control::LookUp if settings.invert_look => Control::LookDown,
            Control::LookDown if settings.invert_look => Control::LookUp,
            other => other,
        };
        for input in bindings.slots(from).inputs() {
            let mut binding = commands.spawn(BindingOf(action));
            match input {
                Input::Key(key) => binding.insert(Binding::from(key)),
                Input::Mouse(button) => binding.insert(Binding::from(button)),
                Input::Button(button) => binding.insert(Binding::from(button)),
                Input::Stick(..) => {
                    let (axis, positive) = input.axis().expect("a stick input has an axis");
                    // Clamped to its half, then the dead zone: the order does not matter.
                    binding.insert((
                        Binding::from(axis),
                        if positive { Clamp::pos() } else { Clamp::neg() },
                        DeadZone {
                            kind: DeadZoneKind::Axial,
                            lower_threshold: DEAD_ZONE,
                            upper_threshold: 1.0,
                        },
                    ))
                }
            };
        }
    }
    commands.spawn((
        Name::new("mouse_look"),
        ActionOf::<Playing>::new(context),
        Action::<MouseLook>::new(),
        HELD_INPUTS_WAIT,
        Scale::splat(sensitivity),
        Negate {
            x: false,
            y: settings.invert_look,
            z: false,
        },
        bei::Bindings::spawn_one(Binding::mouse_motion()),
    ));
}

impl Control {
    /// Whether the control turns the view (scaled by the look sensitivity).
    fn turns(self) -> bool {
        matches!(
            self,
            Control::TurnLeft | Control::TurnRight | Control::LookUp | Control::LookDown
        )
    }
}

/// Buttons pressed since the last frame, even those let go again before it ended: on a
/// slow frame (the browser's software rendering, a busy machine) a quick tap is down
/// and up within one frame, and the actions, which read what is held, would miss it.
#[derive(SystemParam)]
struct Taps<'w, 's> {
    keys: Option<Res<'w, ButtonInput<KeyCode>>>,
    mouse: Option<Res<'w, ButtonInput<MouseButton>>>,
    gamepads: Query<'w, 's, &'static Gamepad>,
    sources: Res<'w, ActionSources>,
    bindings: Res<'w, Bindings>,
}

impl Taps<'_, '_> {
    /// Which controls were tapped this frame by one of their buttons (nothing while the
    /// devices are kept from acting, as when the controls menu listens).
    fn tapped(&self) -> [bool; Control::COUNT] {
        let mut tapped = [false; Control::COUNT];
        if !self.sources.keyboard {
            return tapped;
        }
        for control in Control::ALL {
            tapped[control as usize] =
                self.bindings
                    .slots(control)
                    .inputs()
                    .any(|input| match input {
                        Input::Key(key) => self.keys.as_ref().is_some_and(|k| k.just_pressed(key)),
                        Input::Mouse(button) => {
                            self.mouse.as_ref().is_some_and(|m| m.just_pressed(button))
                        }
                        Input::Button(button) => {
                            self.gamepads.iter().any(|g| g.just_pressed(button))
                        }
                        Input::Stick(..) => false,
                    });
        }
        tapped
    }
}

/// The screen the player is on, and whether the dream is paused.
#[derive(SystemParam)]
struct Moment<'w> {
    screen: Option<Res<'w, State<AppState>>>,
    pause: Option<Res<'w, State<Pause>>>,
}

/// The actions' values into [`ControlState`]; stick halves read their size (a stick
/// leant down reads 0.7 for "walk back", not -0.7).
fn read_controls(
    actions: Query<(&OfControl, &Action<Press>)>,
    mouse: Query<&Action<MouseLook>>,
    settings: Res<ControlSettings>,
    taps: Taps,
    moment: Moment,
    mut state: ResMut<ControlState>,
) {
    let mut values = [0.0; Control::COUNT];
    for (control, value) in &actions {
        values[control.0 as usize] = value.abs();
    }
    // Toggles only where they mean something: walking in the dream being played,
    // pushing the link at the desk (the arrows that move through a menu are walking's
    // and pushing's keys too).
    let screen = moment.screen.map(|s| *s.get());
    let playing =
        screen == Some(AppState::Dream) && moment.pause.is_none_or(|p| *p.get() == Pause::Running);
    let at_desk = screen == Some(AppState::ControlRoom);
    state.advance(values, taps.tapped(), |control| {
        settings.toggle_held
            && match control.scope() {
                Scope::Dream => playing,
                Scope::Calibrate => at_desk,
                _ => false,
            }
    });
    state.mouse = mouse.iter().map(|m| **m).sum();
}

/// This frame's events from the keyboard, the mouse and the gamepads.
#[derive(SystemParam)]
struct DeviceEvents<'w, 's> {
    keys: MessageReader<'w, 's, KeyboardInput>,
    held: Option<Res<'w, ButtonInput<KeyCode>>>,
    clicks: MessageReader<'w, 's, MouseButtonInput>,
    buttons: MessageReader<'w, 's, GamepadButtonChangedEvent>,
    axes: MessageReader<'w, 's, GamepadAxisChangedEvent>,
}

/// The device the player used last, from this frame's device events; keys' labels on
/// the player's keyboard layout, learned as they are pressed; the style of the pad.
fn notice_device(
    mut events: DeviceEvents,
    gamepads: Query<&Gamepad>,
    mut state: ResMut<ControlState>,
    mut labels: ResMut<KeyLabels>,
    mut style: ResMut<PadStyle>,
) {
    let mut used = None;
    // A key's label is what it types alone: with Shift, Alt Gr or Ctrl held it types
    // something else.
    let modified = events.held.as_ref().is_some_and(|held| {
        held.any_pressed([
            KeyCode::ShiftLeft,
            KeyCode::ShiftRight,
            KeyCode::AltRight,
            KeyCode::ControlLeft,
            KeyCode::ControlRight,
        ])
    });
    for key in events.keys.read() {
        used = Some(Device::Keyboard);
        if !modified && labels.would_learn(key.key_code, &key.logical_key) {
            labels.learn(key.key_code, &key.logical_key);
        }
    }
    if events.clicks.read().next().is_some() {
        used = Some(Device::Keyboard);
    }
    let mut pad = None;
    for button in events.buttons.read().filter(|b| b.value >= PRESS) {
        pad = Some(button.entity);
    }
    for axis in events.axes.read().filter(|a| a.value.abs() >= PRESS) {
        pad = Some(axis.entity);
    }
    if let Some(entity) = pad {
        used = Some(Device::Gamepad);
        if let Ok(gamepad) = gamepads.get(entity) {
            style.set_if_neq(PadStyle::of(gamepad.vendor_id()));
        }
    }
    if let Some(device) = used
        && state.device != device
    {
        state.device = device;
    }
}

/// Back (Esc, gamepad East by default) goes back from any menu; in the dream, Pause
/// (Esc, Start) pauses it, and in the pause menu Pause resumes it.
fn menu_keys(
    controls: Res<ControlState>,
    screen: Res<State<AppState>>,
    menu: Res<State<Menu>>,
    mut menus: MessageWriter<MenuCommand>,
) {
    let pause = controls.pressed(Control::Pause);
    match menu.get() {
        Menu::None if *screen.get() == AppState::Dream && pause => {
            menus.write(MenuCommand::Open(Menu::Pause));
        }
        Menu::None => {}
        Menu::Pause if pause => {
            menus.write(MenuCommand::Close);
        }
        _ if controls.pressed(Control::Back) => {
            menus.write(MenuCommand::Back);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(state: &mut ControlState, held: &[Control], toggle: bool) {
        let mut raw = [0.0; Control::COUNT];
        for control in held {
            raw[*control as usize] = 1.0;
        }
        state.advance(raw, [false; Control::COUNT], |_| toggle);
    }

    #[test]
    fn a_tap_within_one_frame_is_a_press() {
        let mut state = ControlState::default();
        let mut tapped = [false; Control::COUNT];
        tapped[Control::Back as usize] = true;
        state.advance([0.0; Control::COUNT], tapped, |_| false);
        assert!(state.pressed(Control::Back), "down and up within the frame");
        state.advance([0.0; Control::COUNT], [false; Control::COUNT], |_| false);
        assert!(!state.pressed(Control::Back));
    }

    #[test]
    fn a_press_is_one_frame_and_toggled_controls_latch() {
        let mut state = ControlState::default();
        frame(&mut state, &[Control::Jump], false);
        assert!(state.pressed(Control::Jump));
        frame(&mut state, &[Control::Jump], false);
        assert!(!state.pressed(Control::Jump) && state.held(Control::Jump));

        // Held: walking stops when the key is let go.
        let mut state = ControlState::default();
        frame(&mut state, &[Control::WalkForward], false);
        frame(&mut state, &[], false);
        assert_eq!(state.walk(), Vec2::ZERO);
        // Toggled: a press starts it, and it goes on after the key is let go...
        frame(&mut state, &[Control::WalkForward], true);
        frame(&mut state, &[], true);
        frame(&mut state, &[], true);
        assert_eq!(state.walk(), Vec2::Y);
        // ...until pressed again, or the opposite way.
        frame(&mut state, &[Control::WalkForward], true);
        frame(&mut state, &[], true);
        assert_eq!(state.walk(), Vec2::ZERO);
        frame(&mut state, &[Control::WalkForward], true);
        frame(&mut state, &[], true);
        frame(&mut state, &[Control::WalkBack], true);
        frame(&mut state, &[], true);
        assert_eq!(state.walk(), Vec2::ZERO);
        // A new loop starts standing; turning the option off lets go too.
        frame(&mut state, &[Control::PushLeft], true);
        frame(&mut state, &[], true);
        assert!(state.held(Control::PushLeft));
        state.release_toggles();
        frame(&mut state, &[], true);
        assert!(!state.held(Control::PushLeft));
        frame(&mut state, &[Control::PushLeft], true);
        frame(&mut state, &[], false);
        assert!(!state.held(Control::PushLeft));
    }
}
