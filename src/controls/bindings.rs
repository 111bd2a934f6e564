//! Which input does what: each [`Control`] has two keyboard-and-mouse slots and one
//! gamepad slot, defaults for every one, rebinding with conflicts resolved, and the
//! settings file's text for them (`[keyboard]` and `[gamepad]` tables of input names).

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::{Control, Scope};

/// One thing a player can press or push.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    Key(KeyCode),
    Mouse(MouseButton),
    Button(GamepadButton),
    /// One direction of a stick: pushed that way it reads 0 to 1.
    Stick(Stick, Dir),
}

/// A gamepad's sticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stick {
    Left,
    Right,
}

/// A direction of a stick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    Up,
    Down,
    Left,
    Right,
}

/// Where an input comes from: the two columns of the controls menu, and the device
/// whose names the on-screen prompts use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Device {
    /// Keyboard and mouse.
    #[default]
    Keyboard,
    Gamepad,
}

impl Input {
    /// The device the input belongs to.
    pub fn device(self) -> Device {
        match self {
            Input::Key(_) | Input::Mouse(_) => Device::Keyboard,
            Input::Button(_) | Input::Stick(..) => Device::Gamepad,
        }
    }

    /// The stick axis and the half of it this input reads (`true`: the positive half).
    pub fn axis(self) -> Option<(GamepadAxis, bool)> {
        let Input::Stick(stick, dir) = self else {
            return None;
        };
        let (x, y) = match stick {
            Stick::Left => (GamepadAxis::LeftStickX, GamepadAxis::LeftStickY),
            Stick::Right => (GamepadAxis::RightStickX, GamepadAxis::RightStickY),
        };
        Some(match dir {
            Dir::Up => (y, true),
            Dir::Down => (y, false),
            Dir::Left => (x, false),
            Dir::Right => (x, true),
        })
    }

    /// The name the settings file uses: Bevy's key names (`KeyW`, `ArrowUp`), `Mouse…`
    /// for mouse buttons, the gamepad's buttons by position (`South`, `LeftBumper`,
    /// `RightTrigger`) and `LeftStickUp`-style stick directions.
    pub fn name(self) -> String {
        match self {
            Input::Key(key) => format!("{key:?}"),
            Input::Mouse(button) => format!("Mouse{button:?}"),
            Input::Button(button) => pad_button_name(button).to_owned(),
            Input::Stick(stick, dir) => format!("{stick:?}Stick{dir:?}"),
        }
    }

    /// The input a settings file's name stands for, if the game knows it.
    pub fn parse(name: &str) -> Option<Input> {
        bindable().find(|input| input.name() == name)
    }

    /// Whether the game lets this input be bound (keys outside the list, say a media
    /// key, cannot be: the settings file could not name them).
    pub fn is_bindable(self) -> bool {
        bindable().any(|input| input == self)
    }
}

/// Every key that can be bound.
pub const KEYS: &[KeyCode] = {
    use KeyCode::*;
    &[
        KeyA,
        KeyB,
        KeyC,
        KeyD,
        KeyE,
        KeyF,
        KeyG,
        KeyH,
        KeyI,
        KeyJ,
        KeyK,
        KeyL,
        KeyM,
        KeyN,
        KeyO,
        KeyP,
        KeyQ,
        KeyR,
        KeyS,
        KeyT,
        KeyU,
        KeyV,
        KeyW,
        KeyX,
        KeyY,
        KeyZ,
        Digit0,
        Digit1,
        Digit2,
        Digit3,
        Digit4,
        Digit5,
        Digit6,
        Digit7,
        Digit8,
        Digit9,
        F1,
        F2,
        F3,
        F4,
        F5,
        F6,
        F7,
        F8,
        F9,
        F10,
        F11,
        F12,
        ArrowUp,
        ArrowDown,
        ArrowLeft,
        ArrowRight,
        Space,
        Enter,
        Escape,
        Tab,
        Backspace,
        ShiftLeft,
        ShiftRight,
        ControlLeft,
        ControlRight,
        AltLeft,
        AltRight,
        CapsLock,
        Minus,
        Equal,
        BracketLeft,
        BracketRight,
        Backslash,
        Semicolon,
        Quote,
        Backquote,
        Comma,
        Period,
        Slash,
        IntlBackslash,
        Insert,
        Delete,
        Home,
        End,
        PageUp,
        PageDown,
        Numpad0,
        Numpad1,
        Numpad2,
        Numpad3,
        Numpad4,
        Numpad5,
        Numpad6,
        Numpad7,
        Numpad8,
        Numpad9,
        NumpadAdd,
        NumpadSubtract,
        NumpadMultiply,
        NumpadDivide,
        NumpadDecimal,
        NumpadEnter,
    ]
};

const MOUSE: [MouseButton; 5] = [
    MouseButton::Left,
    MouseButton::Right,
    MouseButton::Middle,
    MouseButton::Back,
    MouseButton::Forward,
];

/// Every gamepad button that can be bound, and its name in the settings file.
const PAD_BUTTONS: [(GamepadButton, &str); 17] = [
    (GamepadButton::South, "South"),
    (GamepadButton::East, "East"),
    (GamepadButton::North, "North"),
    (GamepadButton::West, "West"),
    (GamepadButton::LeftTrigger, "LeftBumper"),
    (GamepadButton::RightTrigger, "RightBumper"),
    (GamepadButton::LeftTrigger2, "LeftTrigger"),
    (GamepadButton::RightTrigger2, "RightTrigger"),
    (GamepadButton::Select, "Select"),
    (GamepadButton::Start, "Start"),
    (GamepadButton::Mode, "Mode"),
    (GamepadButton::LeftThumb, "LeftStickPress"),
    (GamepadButton::RightThumb, "RightStickPress"),
    (GamepadButton::DPadUp, "DPadUp"),
    (GamepadButton::DPadDown, "DPadDown"),
    (GamepadButton::DPadLeft, "DPadLeft"),
    (GamepadButton::DPadRight, "DPadRight"),
];

fn pad_button_name(button: GamepadButton) -> &'static str {
    PAD_BUTTONS
        .iter()
        .find(|(b, _)| *b == button)
        .map_or("UnknownButton", |(_, name)| name)
}

/// Every input the game can bind.
fn bindable() -> impl Iterator<Item = Input> {
    let sticks = [Stick::Left, Stick::Right].into_iter().flat_map(|stick| {
        [Dir::Up, Dir::Down, Dir::Left, Dir::Right]
            .into_iter()
            .map(move |dir| Input::Stick(stick, dir))
    });
    KEYS.iter()
        .map(|k| Input::Key(*k))
        .chain(MOUSE.into_iter().map(Input::Mouse))
        .chain(PAD_BUTTONS.iter().map(|(b, _)| Input::Button(*b)))
        .chain(sticks)
}

/// A control's inputs: two keyboard-and-mouse slots and one gamepad slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slots {
    pub keyboard: [Option<Input>; 2],
    pub gamepad: Option<Input>,
}

impl Slots {
    /// The inputs bound, keyboard first.
    pub fn inputs(&self) -> impl Iterator<Item = Input> + '_ {
        self.keyboard
            .iter()
            .chain([&self.gamepad])
            .flatten()
            .copied()
    }

    /// The inputs of one device, in slot order.
    pub fn of(&self, device: Device) -> Vec<Input> {
        match device {
            Device::Keyboard => self.keyboard.iter().flatten().copied().collect(),
            Device::Gamepad => self.gamepad.into_iter().collect(),
        }
    }

    fn get_mut(&mut self, slot: Slot) -> &mut Option<Input> {
        match slot {
            Slot::Keyboard(i) => &mut self.keyboard[i.min(1)],
            Slot::Gamepad => &mut self.gamepad,
        }
    }
}

/// One place an input can go: a keyboard slot (0 or 1) or the gamepad slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Keyboard(usize),
    Gamepad,
}

impl Slot {
    /// The device whose inputs the slot takes.
    pub fn device(self) -> Device {
        match self {
            Slot::Keyboard(_) => Device::Keyboard,
            Slot::Gamepad => Device::Gamepad,
        }
    }
}

/// What every control is bound to. Changing it rebuilds the input context
/// (`controls::build_context`) and is saved with the settings.
#[derive(Resource, Clone, Debug, PartialEq, Eq)]
pub struct Bindings(pub [Slots; Control::COUNT]);

impl Default for Bindings {
    fn default() -> Self {
        Self(Control::ALL.map(defaults))
    }
}

/// What a rebinding did besides binding the input: whose it was before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The control that had the input, in a scope live at the same time.
    pub from: Control,
    /// What that control has in its slot now: the rebound control's old input.
    pub gets: Option<Input>,
}

/// Two controls live at the same time bound to one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub input: Input,
    pub controls: (Control, Control),
}

impl Bindings {
    pub fn slots(&self, control: Control) -> &Slots {
        &self.0[control as usize]
    }

    /// `input` in `control`'s `slot`. If another control live at the same time had it,
    /// the two swap (it takes `control`'s old input of that slot), and the swap is
    /// returned so the menu can say so. An input of the wrong device is refused.
    pub fn bind(&mut self, control: Control, slot: Slot, input: Input) -> Option<Moved> {
        if input.device() != slot.device() {
            return None;
        }
        let old = *self.0[control as usize].get_mut(slot);
        if old == Some(input) {
            return None;
        }
        // The same input in this control's other keyboard slot: the two slots swap.
        if let Slot::Keyboard(i) = slot {
            let other = &mut self.0[control as usize].keyboard[1 - i.min(1)];
            if *other == Some(input) {
                *other = old;
            }
        }
        let mut moved = None;
        for other in Control::ALL {
            if other == control || !other.scope().live_with(control.scope()) {
                continue;
            }
            // The other control takes the old input if it fits its slot and no third
            // control live with it has it (a swap must not make a new conflict).
            let gets = old.filter(|o| {
                o.device() == input.device()
                    && !Control::ALL.iter().any(|third| {
                        *third != other
                            && *third != control
                            && third.scope().live_with(other.scope())
                            && self.slots(*third).inputs().any(|i| i == *o)
                    })
            });
            let slots = &mut self.0[other as usize];
            for place in slots.keyboard.iter_mut().chain([&mut slots.gamepad]) {
                if *place == Some(input) {
                    *place = gets;
                    moved = Some(Moved { from: other, gets });
                }
            }
        }
        *self.0[control as usize].get_mut(slot) = Some(input);
        moved
    }

    /// Nothing in `control`'s `slot`.
    pub fn clear(&mut self, control: Control, slot: Slot) {
        *self.0[control as usize].get_mut(slot) = None;
    }

    /// `control` back to its default inputs (which may take them from others: each
    /// default input is bound as if the player pressed it).
    pub fn reset(&mut self, control: Control) {
        let default = defaults(control);
        self.0[control as usize] = Slots::default();
        for (slot, input) in [
            (Slot::Keyboard(0), default.keyboard[0]),
            (Slot::Keyboard(1), default.keyboard[1]),
            (Slot::Gamepad, default.gamepad),
        ] {
            if let Some(input) = input {
                self.bind(control, slot, input);
            }
        }
    }

    /// Every pair of controls live at the same time that share an input (a settings
    /// file edited by hand can make them; the menu shows them).
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut found = Vec::new();
        for (i, a) in Control::ALL.iter().enumerate() {
            for b in &Control::ALL[i + 1..] {
                if !a.scope().live_with(b.scope()) {
                    continue;
                }
                for input in self.slots(*a).inputs() {
                    if self.slots(*b).inputs().any(|other| other == input) {
                        found.push(Conflict {
                            input,
                            controls: (*a, *b),
                        });
                    }
                }
            }
        }
        found
    }

    /// The settings file's two tables: `[keyboard]` (a list of up to two names per
    /// control) and `[gamepad]` (one name, or "" for none).
    pub fn to_tables(&self) -> (toml::Table, toml::Table) {
        let mut keyboard = toml::Table::new();
        let mut gamepad = toml::Table::new();
        for control in Control::ALL {
            let slots = self.slots(control);
            let keys = slots
                .keyboard
                .iter()
                .flatten()
                .map(|input| toml::Value::String(input.name()))
                .collect();
            keyboard.insert(control.key().to_owned(), toml::Value::Array(keys));
            gamepad.insert(
                control.key().to_owned(),
                toml::Value::String(slots.gamepad.map(Input::name).unwrap_or_default()),
            );
        }
        (keyboard, gamepad)
    }

    /// The bindings the settings file's tables give. Each control the file names with
    /// inputs the game knows is bound to them; anything else (a control this version
    /// does not have, an unknown input name, an input of the wrong device, a value of the
    /// wrong kind) keeps the default and is reported.
    pub fn from_tables(
        keyboard: Option<&toml::Table>,
        gamepad: Option<&toml::Table>,
    ) -> (Self, Vec<String>) {
        let mut bindings = Self::default();
        let mut problems = Vec::new();
        let by_key: BTreeMap<&str, Control> = Control::ALL.iter().map(|c| (c.key(), *c)).collect();
        let mut read = |table: Option<&toml::Table>, device: Device| {
            for (key, value) in table.into_iter().flatten() {
                let Some(control) = by_key.get(key.as_str()).copied() else {
                    problems.push(format!("[{}] {key}: no such control", device.table()));
                    continue;
                };
                let names: Vec<&str> = match value {
                    toml::Value::String(s) if s.is_empty() => Vec::new(),
                    toml::Value::String(s) => vec![s.as_str()],
                    toml::Value::Array(items) => {
                        match items
                            .iter()
                            .map(toml::Value::as_str)
                            .collect::<Option<Vec<_>>>()
                        {
                            Some(names) => names,
                            None => {
                                problems.push(format!(
                                    "[{}] {key}: {value} is not a list of input names",
                                    device.table()
                                ));
                                continue;
                            }
                        }
                    }
                    other => {
                        problems.push(format!(
                            "[{}] {key}: {other} is not a list of inputs",
                            device.table()
                        ));
                        continue;
                    }
                };
                let inputs: Option<Vec<Input>> = names
                    .iter()
                    .map(|n| Input::parse(n).filter(|i| i.device() == device))
                    .collect();
                let capacity = if device == Device::Keyboard { 2 } else { 1 };
                match inputs {
                    Some(inputs) if inputs.len() <= capacity => {
                        let slots = &mut bindings.0[control as usize];
                        match device {
                            Device::Keyboard => {
                                slots.keyboard = [inputs.first().copied(), inputs.get(1).copied()];
                            }
                            Device::Gamepad => slots.gamepad = inputs.first().copied(),
                        }
                    }
                    _ => problems.push(format!(
                        "[{}] {key}: {value} is not {} {} input{}",
                        device.table(),
                        if capacity == 1 { "one" } else { "up to two" },
                        device.table(),
                        if capacity == 1 { "" } else { "s" },
                    )),
                }
            }
        };
        read(keyboard, Device::Keyboard);
        read(gamepad, Device::Gamepad);
        (bindings, problems)
    }
}

impl Device {
    /// The settings file's table for the device's bindings.
    pub fn table(self) -> &'static str {
        match self {
            Device::Keyboard => "keyboard",
            Device::Gamepad => "gamepad",
        }
    }
}

impl Scope {
    /// Whether controls of the two scopes can be pressed to mean something at the same
    /// moment (and so must not share an input).
    pub fn live_with(self, other: Scope) -> bool {
        use Scope::*;
        self == other
            || matches!(
                (self, other),
                (Menus, Talk)
                    | (Talk, Menus)
                    | (Menus, Desk)
                    | (Desk, Menus)
                    | (Desk, Calibrate)
                    | (Calibrate, Desk)
            )
    }
}

/// The inputs a control has until the player changes them.
fn defaults(control: Control) -> Slots {
    use Control::*;
    use KeyCode as K;
    let key = |k| Some(Input::Key(k));
    let button = |b| Some(Input::Button(b));
    let stick = |s, d| Some(Input::Stick(s, d));
    let (keyboard, gamepad) = match control {
        WalkForward => ([key(K::KeyW), key(K::ArrowUp)], stick(Stick::Left, Dir::Up)),
        WalkBack => (
            [key(K::KeyS), key(K::ArrowDown)],
            stick(Stick::Left, Dir::Down),
        ),
        WalkLeft => (
            [key(K::KeyA), key(K::ArrowLeft)],
            stick(Stick::Left, Dir::Left),
        ),
        WalkRight => (
            [key(K::KeyD), key(K::ArrowRight)],
            stick(Stick::Left, Dir::Right),
        ),
        TurnLeft => ([key(K::KeyQ), None], stick(Stick::Right, Dir::Left)),
        TurnRight => ([key(K::KeyE), None], stick(Stick::Right, Dir::Right)),
        LookUp => ([key(K::KeyR), None], stick(Stick::Right, Dir::Up)),
        LookDown => ([key(K::KeyF), None], stick(Stick::Right, Dir::Down)),
        Jump => ([key(K::Space), None], button(GamepadButton::South)),
        Pause => ([key(K::Escape), None], button(GamepadButton::Start)),
        Confirm => ([key(K::Enter), key(K::Space)], button(GamepadButton::South)),
        Back => ([key(K::Escape), None], button(GamepadButton::East)),
        Up => ([key(K::ArrowUp), None], button(GamepadButton::DPadUp)),
        Down => ([key(K::ArrowDown), None], button(GamepadButton::DPadDown)),
        Left => ([key(K::ArrowLeft), None], button(GamepadButton::DPadLeft)),
        Right => ([key(K::ArrowRight), None], button(GamepadButton::DPadRight)),
        Answer1 => ([key(K::Digit1), key(K::Numpad1)], None),
        Answer2 => ([key(K::Digit2), key(K::Numpad2)], None),
        Answer3 => ([key(K::Digit3), key(K::Numpad3)], None),
        Answer4 => ([key(K::Digit4), key(K::Numpad4)], None),
        Answer5 => ([key(K::Digit5), key(K::Numpad5)], None),
        Answer6 => ([key(K::Digit6), key(K::Numpad6)], None),
        NextPanel => (
            [key(K::PageDown), None],
            button(GamepadButton::RightTrigger),
        ),
        PreviousPanel => ([key(K::PageUp), None], button(GamepadButton::LeftTrigger)),
        Overview => ([key(K::F1), None], None),
        Sleeper => ([key(K::F2), None], None),
        Algorithm => ([key(K::F3), None], None),
        Inbox => ([key(K::F4), None], None),
        Console => ([key(K::F5), None], None),
        Alternative => ([key(K::F6), None], None),
        NetworkPause => ([key(K::Space), None], button(GamepadButton::North)),
        NetworkFaster => (
            [key(K::Equal), key(K::NumpadAdd)],
            button(GamepadButton::RightTrigger2),
        ),
        NetworkSlower => (
            [key(K::Minus), key(K::NumpadSubtract)],
            button(GamepadButton::LeftTrigger2),
        ),
        PushLeft => (
            [key(K::KeyA), key(K::ArrowLeft)],
            stick(Stick::Left, Dir::Left),
        ),
        PushRight => (
            [key(K::KeyD), key(K::ArrowRight)],
            stick(Stick::Left, Dir::Right),
        ),
    };
    Slots { keyboard, gamepad }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_have_no_conflicts_and_name_only_inputs_the_file_can_hold() {
        let defaults = Bindings::default();
        assert_eq!(defaults.conflicts(), vec![]);
        for control in Control::ALL {
            for input in defaults.slots(control).inputs() {
                assert!(input.is_bindable(), "{control:?}: {input:?}");
                assert_eq!(Input::parse(&input.name()), Some(input));
            }
        }
    }

    #[test]
    fn rebinding_an_input_another_control_uses_swaps_them() {
        let mut bindings = Bindings::default();
        // Space is Jump's; bound to Walk forward's first slot, Jump gets W.
        let moved = bindings.bind(
            Control::WalkForward,
            Slot::Keyboard(0),
            Input::Key(KeyCode::Space),
        );
        assert_eq!(
            moved,
            Some(Moved {
                from: Control::Jump,
                gets: Some(Input::Key(KeyCode::KeyW))
            })
        );
        assert_eq!(
            bindings.slots(Control::Jump).keyboard[0],
            Some(Input::Key(KeyCode::KeyW))
        );
        assert_eq!(bindings.conflicts(), vec![]);
        // Controls never live together may share: Escape pauses the dream and backs out
        // of menus.
        let mut bindings = Bindings::default();
        assert_eq!(
            bindings.bind(Control::Jump, Slot::Keyboard(0), Input::Key(KeyCode::Enter)),
            None
        );
        assert_eq!(
            bindings.slots(Control::Confirm).keyboard[0],
            Some(Input::Key(KeyCode::Enter))
        );
        // A gamepad input is refused in a keyboard slot.
        let before = bindings.clone();
        bindings.bind(
            Control::Jump,
            Slot::Keyboard(1),
            Input::Button(GamepadButton::West),
        );
        assert_eq!(bindings, before);
        // A swap that would make a new conflict leaves the slot empty instead: Left on
        // Page Down would hand Next panel its ←, which Push the link left has.
        let mut bindings = Bindings::default();
        let moved = bindings.bind(
            Control::Left,
            Slot::Keyboard(0),
            Input::Key(KeyCode::PageDown),
        );
        assert_eq!(
            moved,
            Some(Moved {
                from: Control::NextPanel,
                gets: None
            })
        );
        assert_eq!(bindings.conflicts(), vec![]);
        // Reset puts the defaults back, taking them from whoever had them.
        bindings.bind(
            Control::Jump,
            Slot::Gamepad,
            Input::Button(GamepadButton::East),
        );
        bindings.bind(
            Control::Pause,
            Slot::Gamepad,
            Input::Button(GamepadButton::South),
        );
        bindings.reset(Control::Jump);
        assert_eq!(bindings.slots(Control::Jump), &defaults(Control::Jump));
        assert_eq!(bindings.conflicts(), vec![]);
    }

    #[test]
    fn the_tables_round_trip_and_bad_entries_keep_their_defaults() {
        let mut bindings = Bindings::default();
        bindings.bind(
            Control::Jump,
            Slot::Keyboard(1),
            Input::Mouse(MouseButton::Right),
        );
        bindings.bind(
            Control::TurnLeft,
            Slot::Gamepad,
            Input::Stick(Stick::Left, Dir::Left),
        );
        bindings.clear(Control::Overview, Slot::Keyboard(0));
        let (keyboard, gamepad) = bindings.to_tables();
        let text = format!(
            "[keyboard]\n{}\n[gamepad]\n{}",
            toml::to_string(&keyboard).unwrap(),
            toml::to_string(&gamepad).unwrap()
        );
        let table: toml::Table = toml::from_str(&text).unwrap();
        let read = |name: &str| table.get(name).and_then(|v| v.as_table());
        let (again, problems) = Bindings::from_tables(read("keyboard"), read("gamepad"));
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(again, bindings);

        let hand_edited: toml::Table = toml::from_str(
            "[keyboard]\njump = [\"KeyJ\"]\nwalk_forward = [\"NoSuchKey\"]\nback = 7\nfly = [\"KeyF\"]\npause = [\"South\"]\nup = [5]\n[gamepad]\njump = \"North\"\nconfirm = [\"KeyK\"]",
        )
        .unwrap();
        let read = |name: &str| hand_edited.get(name).and_then(|v| v.as_table());
        let (read_back, problems) = Bindings::from_tables(read("keyboard"), read("gamepad"));
        let default = Bindings::default();
        assert_eq!(
            read_back.slots(Control::Jump).keyboard,
            [Some(Input::Key(KeyCode::KeyJ)), None]
        );
        assert_eq!(
            read_back.slots(Control::Jump).gamepad,
            Some(Input::Button(GamepadButton::North))
        );
        for kept in [
            Control::WalkForward,
            Control::Back,
            Control::Pause,
            Control::Confirm,
            Control::Up,
        ] {
            assert_eq!(read_back.slots(kept), default.slots(kept), "{kept:?}");
        }
        assert_eq!(problems.len(), 6, "{problems:?}");
    }
}
