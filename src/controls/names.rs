//! What the prompts call each input: keys as the player's keyboard labels them (an AZERTY
//! player's `KeyW` is "Z", learned from the keys she presses and kept with the
//! settings), gamepad buttons as the pad's maker prints them.

use std::collections::BTreeMap;

use bevy::ecs::system::SystemParam;
use bevy::input::keyboard::Key;
use bevy::prelude::*;

use super::{Bindings, Control, ControlState, Device, Dir, Input, Stick};

/// The player's keyboard layout, as far as the game has seen it: for each key pressed
/// (by position, `KeyW`), what the layout types there (`Z` on AZERTY).
#[derive(Resource, Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyLabels(pub BTreeMap<String, String>);

impl KeyLabels {
    /// What `key` types, if it is a key whose label differs by layout (letters, digits
    /// and punctuation; arrows and Space are the same everywhere). Shifted characters
    /// are upper-cased (a key typing `a` is labelled `A`).
    fn label_of(key: KeyCode, logical: &Key) -> Option<String> {
        let position = format!("{key:?}");
        let by_layout = position.starts_with("Key")
            || position.starts_with("Digit")
            || matches!(
                key,
                KeyCode::Minus
                    | KeyCode::Equal
                    | KeyCode::BracketLeft
                    | KeyCode::BracketRight
                    | KeyCode::Backslash
                    | KeyCode::Semicolon
                    | KeyCode::Quote
                    | KeyCode::Backquote
                    | KeyCode::Comma
                    | KeyCode::Period
                    | KeyCode::Slash
                    | KeyCode::IntlBackslash
            );
        let Key::Character(text) = logical else {
            return None;
        };
        let text = text.trim();
        (by_layout && !text.is_empty() && text.chars().count() <= 2).then(|| text.to_uppercase())
    }

    /// Whether `key` pressed as `logical` teaches something new.
    pub fn would_learn(&self, key: KeyCode, logical: &Key) -> bool {
        Self::label_of(key, logical)
            .is_some_and(|label| self.0.get(&format!("{key:?}")) != Some(&label))
    }

    /// Remembers what `key` typed (see [`Self::would_learn`]).
    pub fn learn(&mut self, key: KeyCode, logical: &Key) {
        if let Some(label) = Self::label_of(key, logical) {
            self.0.insert(format!("{key:?}"), label);
        }
    }

    /// The label of `key` on the player's keyboard.
    pub fn key(&self, key: KeyCode) -> String {
        if let Some(label) = self.0.get(&format!("{key:?}")) {
            return label.clone();
        }
        let name = format!("{key:?}");
        if let Some(letter) = name.strip_prefix("Key") {
            return letter.to_owned();
        }
        if let Some(digit) = name.strip_prefix("Digit") {
            return digit.to_owned();
        }
        if let Some(digit) = name.strip_prefix("Numpad").filter(|d| d.len() == 1) {
            return format!("Num {digit}");
        }
        match key {
            KeyCode::ArrowUp => "Up",
            KeyCode::ArrowDown => "Down",
            KeyCode::ArrowLeft => "Left",
            KeyCode::ArrowRight => "Right",
            KeyCode::Escape => "Esc",
            KeyCode::Backspace => "Backspace",
            KeyCode::ShiftLeft => "Left Shift",
            KeyCode::ShiftRight => "Right Shift",
            KeyCode::ControlLeft => "Left Ctrl",
            KeyCode::ControlRight => "Right Ctrl",
            KeyCode::AltLeft => "Left Alt",
            KeyCode::AltRight => "Right Alt",
            KeyCode::Minus => "-",
            KeyCode::Equal => "=",
            KeyCode::BracketLeft => "[",
            KeyCode::BracketRight => "]",
            KeyCode::Backslash => "\\",
            KeyCode::Semicolon => ";",
            KeyCode::Quote => "'",
            KeyCode::Backquote => "`",
            KeyCode::Comma => ",",
            KeyCode::Period => ".",
            KeyCode::Slash => "/",
            KeyCode::IntlBackslash => "<",
            KeyCode::PageUp => "Page Up",
            KeyCode::PageDown => "Page Down",
            KeyCode::NumpadAdd => "Num +",
            KeyCode::NumpadSubtract => "Num -",
            KeyCode::NumpadMultiply => "Num *",
            KeyCode::NumpadDivide => "Num /",
            KeyCode::NumpadDecimal => "Num .",
            KeyCode::NumpadEnter => "Num Enter",
            KeyCode::CapsLock => "Caps Lock",
            _ => return name,
        }
        .to_owned()
    }

    /// The settings file's `[key_labels]` table.
    pub fn to_table(&self) -> toml::Table {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), toml::Value::String(v.clone())))
            .collect()
    }

    /// The labels a settings file's table gives: entries naming a key the game knows
    /// with a short label; the rest are dropped.
    pub fn from_table(table: Option<&toml::Table>) -> Self {
        let known = |name: &str| super::KEYS.iter().any(|k| format!("{k:?}") == name);
        Self(
            table
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .filter(|(k, v)| known(k) && !v.is_empty() && v.chars().count() <= 2)
                .collect(),
        )
    }
}

/// How the pad in use names its face buttons and shoulders.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum PadStyle {
    /// A, B, X, Y, LB, RB, LT, RT (and any maker the game does not know).
    #[default]
    Xbox,
    /// Cross, Circle, Triangle, Square, L1, R1, L2, R2.
    PlayStation,
    /// B, A, X, Y by position, L, R, ZL, ZR.
    Nintendo,
}

impl PadStyle {
    /// The style of a pad by its USB vendor.
    pub fn of(vendor: Option<u16>) -> Self {
        match vendor {
            Some(0x054c) => PadStyle::PlayStation,
            Some(0x057e) => PadStyle::Nintendo,
            _ => PadStyle::Xbox,
        }
    }

    /// The name printed on `button`.
    pub fn button(self, button: GamepadButton) -> &'static str {
        use GamepadButton as B;
        use PadStyle::*;
        match (self, button) {
            (Xbox, B::South) | (Nintendo, B::East) => "A",
            (Xbox, B::East) | (Nintendo, B::South) => "B",
            (Xbox, B::West) | (Nintendo, B::North) => "X",
            (Xbox, B::North) | (Nintendo, B::West) => "Y",
            (PlayStation, B::South) => "Cross",
            (PlayStation, B::East) => "Circle",
            (PlayStation, B::North) => "Triangle",
            (PlayStation, B::West) => "Square",
            (Xbox, B::LeftTrigger) => "LB",
            (Xbox, B::RightTrigger) => "RB",
            (Xbox, B::LeftTrigger2) => "LT",
            (Xbox, B::RightTrigger2) => "RT",
            (PlayStation, B::LeftTrigger) => "L1",
            (PlayStation, B::RightTrigger) => "R1",
            (PlayStation, B::LeftTrigger2) => "L2",
            (PlayStation, B::RightTrigger2) => "R2",
            (Nintendo, B::LeftTrigger) => "L",
            (Nintendo, B::RightTrigger) => "R",
            (Nintendo, B::LeftTrigger2) => "ZL",
            (Nintendo, B::RightTrigger2) => "ZR",
            (Xbox, B::Select) => "View",
            (Xbox, B::Start) => "Menu",
            (PlayStation, B::Select) => "Share",
            (PlayStation, B::Start) => "Options",
            (Nintendo, B::Select) => "Minus",
            (Nintendo, B::Start) => "Plus",
            (_, B::Mode) => "Home",
            (_, B::LeftThumb) => "L3",
            (_, B::RightThumb) => "R3",
            (_, B::DPadUp) => "D-pad up",
            (_, B::DPadDown) => "D-pad down",
            (_, B::DPadLeft) => "D-pad left",
            (_, B::DPadRight) => "D-pad right",
            _ => "?",
        }
    }
}

/// How the prompts name inputs: the player's keyboard and pad.
#[derive(Clone, Copy, Debug)]
pub struct Names<'a> {
    pub keys: &'a KeyLabels,
    pub pad: PadStyle,
}

impl Names<'_> {
    /// What the player sees for `input`.
    pub fn input(&self, input: Input) -> String {
        match input {
            Input::Key(key) => self.keys.key(key),
            Input::Mouse(MouseButton::Left) => "Left click".to_owned(),
            Input::Mouse(MouseButton::Right) => "Right click".to_owned(),
            Input::Mouse(MouseButton::Middle) => "Middle click".to_owned(),
            Input::Mouse(button) => format!("Mouse {button:?}"),
            Input::Button(button) => self.pad.button(button).to_owned(),
            Input::Stick(stick, dir) => format!(
                "{} stick {}",
                match stick {
                    Stick::Left => "L",
                    Stick::Right => "R",
                },
                match dir {
                    Dir::Up => "up",
                    Dir::Down => "down",
                    Dir::Left => "left",
                    Dir::Right => "right",
                }
            ),
        }
    }

    /// The prompt for `control` on `device`: its first input there, or, when it has none
    /// on that device, its first on the other; "unbound" when it has none at all.
    pub fn control(&self, bindings: &Bindings, control: Control, device: Device) -> String {
        let slots = bindings.slots(control);
        let other = match device {
            Device::Keyboard => Device::Gamepad,
            Device::Gamepad => Device::Keyboard,
        };
        slots
            .of(device)
            .into_iter()
            .chain(slots.of(other))
            .next()
            .map_or_else(|| "unbound".to_owned(), |input| self.input(input))
    }

    /// The controls line under the dream: how to walk, look, jump and pause on `device`.
    pub fn dream_line(&self, bindings: &Bindings, device: Device) -> String {
        use Control::*;
        let walk = self.four(
            bindings,
            [WalkForward, WalkLeft, WalkBack, WalkRight],
            device,
        );
        let look = match device {
            Device::Keyboard => "mouse".to_owned(),
            Device::Gamepad => self.four(bindings, [LookUp, TurnLeft, LookDown, TurnRight], device),
        };
        format!(
            "{walk}: walk · {look}: look · {}: jump · {}: pause",
            self.control(bindings, Jump, device),
            self.control(bindings, Pause, device)
        )
    }

    /// The prompt for a stick-or-keys movement made of four controls (walk, turn):
    /// "WASD", "L stick", or the four names ("Up/Left/Down/Right"). Names are words
    /// and letters: the game's fonts have no arrows (the browser's have no symbols).
    pub fn four(&self, bindings: &Bindings, controls: [Control; 4], device: Device) -> String {
        let names: Vec<String> = controls
            .iter()
            .map(|c| self.control(bindings, *c, device))
            .collect();
        let sticks: Vec<Option<Stick>> = controls
            .iter()
            .map(|c| match bindings.slots(*c).of(device).first() {
                Some(Input::Stick(stick, _)) => Some(*stick),
                _ => None,
            })
            .collect();
        if let Some(Some(stick)) = sticks.first()
            && sticks.iter().all(|s| *s == Some(*stick))
        {
            return match stick {
                Stick::Left => "L stick".to_owned(),
                Stick::Right => "R stick".to_owned(),
            };
        }
        if names.iter().all(|n| n.chars().count() == 1) {
            names.concat()
        } else {
            names.join("/")
        }
    }
}

/// The prompts' words for the controls, on the device the player used last.
#[derive(SystemParam)]
pub struct Prompts<'w> {
    bindings: Res<'w, Bindings>,
    state: Res<'w, ControlState>,
    keys: Res<'w, KeyLabels>,
    pad: Res<'w, PadStyle>,
}

impl Prompts<'_> {
    fn names(&self) -> Names<'_> {
        Names {
            keys: &self.keys,
            pad: *self.pad,
        }
    }

    /// The device the prompts are for.
    pub fn device(&self) -> Device {
        self.state.device
    }

    /// What to press for `control`.
    pub fn of(&self, control: Control) -> String {
        self.names()
            .control(&self.bindings, control, self.state.device)
    }

    /// What to move for four controls together (walk: "WASD", "L stick").
    pub fn four(&self, controls: [Control; 4]) -> String {
        self.names()
            .four(&self.bindings, controls, self.state.device)
    }

    /// The controls line under the dream ([`Names::dream_line`]).
    pub fn dream_line(&self) -> String {
        self.names().dream_line(&self.bindings, self.state.device)
    }

    /// This frame's controls.
    pub fn state(&self) -> &ControlState {
        &self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_as_the_players_layout_types_them() {
        let mut labels = KeyLabels::default();
        fn names(labels: &KeyLabels) -> Names<'_> {
            Names {
                keys: labels,
                pad: PadStyle::Xbox,
            }
        }
        let walk = [
            Control::WalkForward,
            Control::WalkLeft,
            Control::WalkBack,
            Control::WalkRight,
        ];
        let bindings = Bindings::default();
        assert_eq!(
            names(&labels).four(&bindings, walk, Device::Keyboard),
            "WASD"
        );
        assert_eq!(
            names(&labels).four(&bindings, walk, Device::Gamepad),
            "L stick"
        );
        // An AZERTY keyboard types z at W's place and q at A's.
        assert!(labels.would_learn(KeyCode::KeyW, &Key::Character("z".into())));
        labels.learn(KeyCode::KeyW, &Key::Character("z".into()));
        labels.learn(KeyCode::KeyA, &Key::Character("q".into()));
        assert!(!labels.would_learn(KeyCode::KeyW, &Key::Character("z".into())));
        assert_eq!(
            names(&labels).four(&bindings, walk, Device::Keyboard),
            "ZQSD"
        );
        assert_eq!(
            names(&labels).dream_line(&bindings, Device::Keyboard),
            "ZQSD: walk · mouse: look · Space: jump · Esc: pause"
        );
        assert_eq!(
            names(&labels).dream_line(&bindings, Device::Gamepad),
            "L stick: walk · R stick: look · A: jump · Menu: pause"
        );
        // Keys whose names do not change are not learned.
        assert!(!labels.would_learn(KeyCode::Space, &Key::Space));
        assert!(!labels.would_learn(KeyCode::ArrowUp, &Key::ArrowUp));
        assert_eq!(
            names(&labels).control(&bindings, Control::Jump, Device::Keyboard),
            "Space"
        );
        // Kept with the settings.
        assert_eq!(KeyLabels::from_table(Some(&labels.to_table())), labels);
        let mut junk = toml::Table::new();
        junk.insert(
            "KeyQ".into(),
            toml::Value::String("a much too long label".into()),
        );
        junk.insert("NotAKey".into(), toml::Value::String("X".into()));
        junk.insert("KeyE".into(), toml::Value::Integer(4));
        assert_eq!(KeyLabels::from_table(Some(&junk)), KeyLabels::default());
    }

    #[test]
    fn pads_are_named_as_their_makers_print_them() {
        let bindings = Bindings::default();
        let labels = KeyLabels::default();
        let jump =
            |pad| Names { keys: &labels, pad }.control(&bindings, Control::Jump, Device::Gamepad);
        assert_eq!(jump(PadStyle::of(None)), "A");
        assert_eq!(jump(PadStyle::of(Some(0x054c))), "Cross");
        assert_eq!(jump(PadStyle::of(Some(0x057e))), "B");
        // A control with nothing on the pad is named by its key.
        assert_eq!(
            Names {
                keys: &labels,
                pad: PadStyle::Xbox
            }
            .control(&bindings, Control::Overview, Device::Gamepad),
            "F1"
        );
    }
}
