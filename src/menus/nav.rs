//! Moving through egui's screens with the controls: Up/Down/Left/Right and Confirm,
//! from any device and binding, become the key events egui moves its focus and presses
//! its buttons with (the arrows, Tab, Enter). So a pad works every menu and panel, and a
//! rebound key does too, while the keyboard's own arrows and Enter reach egui as ever
//! (never twice: an event egui already has this frame is not added).

use bevy::prelude::*;
use bevy_egui::{EguiInput, EguiPreUpdateSet, PrimaryEguiContext, egui};

use crate::controls::{Control, ControlState};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        navigate
            .after(EguiPreUpdateSet::ProcessInput)
            .after(bevy_enhanced_input::prelude::EnhancedInputSystems::Apply)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

pub(super) fn navigate(
    controls: Res<ControlState>,
    mut input: Query<(&mut EguiInput, &mut bevy_egui::EguiContext), With<PrimaryEguiContext>>,
) {
    for (mut input, mut context) in &mut input {
        let ctx = context.get_mut();
        let focused = ctx.memory(|m| m.focused().is_some());
        if ctx.egui_wants_keyboard_input() {
            continue; // typing into a field: keys are letters
        }
        let events = nav_events(&controls, &input.events, focused);
        input.events.extend(events);
    }
}

/// The key events this frame's controls stand for. Up and Down move the focus to the
/// previous and next control in order (Shift+Tab, Tab: every control is reached, which
/// egui's spatial arrows do not promise); Left and Right are the arrows (a focused
/// slider moves) or, with nothing `focused`, Shift+Tab and Tab; Confirm is Enter on the
/// focused control. The keyboard's own arrows, Tab and Enter are in `already`, and
/// nothing is added for them: on the keyboard egui behaves as it always does.
pub fn nav_events(
    controls: &ControlState,
    already: &[egui::Event],
    focused: bool,
) -> Vec<egui::Event> {
    let has = |wanted: egui::Key| {
        already
            .iter()
            .any(|e| matches!(e, egui::Event::Key { key, pressed: true, .. } if *key == wanted))
    };
    let key = |key: egui::Key, shift: bool| egui::Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers {
            shift,
            ..Default::default()
        },
    };
    let mut events = Vec::new();
    for (control, native, pad) in [
        (Control::Up, egui::Key::ArrowUp, (egui::Key::Tab, true)),
        (Control::Down, egui::Key::ArrowDown, (egui::Key::Tab, false)),
        (
            Control::Left,
            egui::Key::ArrowLeft,
            (egui::Key::ArrowLeft, false),
        ),
        (
            Control::Right,
            egui::Key::ArrowRight,
            (egui::Key::ArrowRight, false),
        ),
    ] {
        if !controls.pressed(control) || has(native) || has(egui::Key::Tab) {
            continue;
        }
        let (pad_key, shift) = match pad {
            (egui::Key::ArrowLeft, _) if !focused => (egui::Key::Tab, true),
            (egui::Key::ArrowRight, _) if !focused => (egui::Key::Tab, false),
            other => other,
        };
        events.push(key(pad_key, shift));
    }
    let native_press = has(egui::Key::Enter) || has(egui::Key::Space);
    if controls.pressed(Control::Confirm) && focused && !native_press {
        events.push(key(egui::Key::Enter, false));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(events: &[egui::Event]) -> Vec<(egui::Key, bool)> {
        events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Key { key, modifiers, .. } => Some((*key, modifiers.shift)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn navigation_controls_become_egui_keys_once() {
        let down = ControlState::default().with_pressed(Control::Down);
        let up = ControlState::default().with_pressed(Control::Up);
        // Up and Down go through the controls in order, focused or not.
        assert_eq!(
            keys(&nav_events(&down, &[], false)),
            [(egui::Key::Tab, false)]
        );
        assert_eq!(
            keys(&nav_events(&down, &[], true)),
            [(egui::Key::Tab, false)]
        );
        assert_eq!(keys(&nav_events(&up, &[], true)), [(egui::Key::Tab, true)]);
        // Left and Right move a focused slider, or the focus when there is none.
        let left = ControlState::default().with_pressed(Control::Left);
        assert_eq!(
            keys(&nav_events(&left, &[], true)),
            [(egui::Key::ArrowLeft, false)]
        );
        assert_eq!(
            keys(&nav_events(&left, &[], false)),
            [(egui::Key::Tab, true)]
        );
        // The keyboard's own arrow reaches egui as it is, not doubled.
        let arrow = [egui::Event::Key {
            key: egui::Key::ArrowDown,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        }];
        assert_eq!(nav_events(&down, &arrow, true), vec![]);
        // Confirm presses the focused control, and only a focused one.
        let confirm = ControlState::default().with_pressed(Control::Confirm);
        assert_eq!(
            keys(&nav_events(&confirm, &[], true)),
            [(egui::Key::Enter, false)]
        );
        assert_eq!(nav_events(&confirm, &[], false), vec![]);
        assert_eq!(nav_events(&ControlState::default(), &[], true), vec![]);
    }
}
