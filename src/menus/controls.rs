//! Settings → Controls: every control with its two keyboard-and-mouse inputs and its
//! gamepad input. Choosing a slot listens for the next press of that device (Esc, or
//! eight seconds, gives up; the left mouse button works the menu and is not bound); an
//! input another control had at the same time moves over, and the menu says where; a
//! control or all of them go back to their defaults. The bindings are saved with the
//! settings (`settings.rs`).

use bevy::ecs::system::SystemParam;
use bevy::input::gamepad::{GamepadAxisChangedEvent, GamepadButtonChangedEvent};
use bevy::input::keyboard::KeyboardInput;
use bevy::input::mouse::MouseButtonInput;
use bevy::input::{ButtonState, InputSystems};
use bevy::prelude::*;
use bevy_egui::{EguiInput, EguiPreUpdateSet, PrimaryEguiContext, egui};
use bevy_enhanced_input::prelude::{ActionSources, EnhancedInputSystems};

use crate::controls::{
    Bindings, Control, Device, Dir, Input, KeyLabels, Names, PadStyle, Scope, Slot, Stick,
};
use crate::theme;

/// How long the menu listens for a press before giving up.
const LISTEN_SECONDS: f64 = 8.0;

/// How far a stick must lean to be bound.
const STICK_BIND: f32 = 0.6;

/// The slot waiting for a press, if any.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Listening(pub Option<(Control, Slot, f64)>);

/// What the last rebinding did, said under the list.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct RebindNote(pub Option<String>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Listening>()
        .init_resource::<RebindNote>()
        .add_systems(
            PreUpdate,
            // Before the controls are evaluated: the press that ends the listening never
            // reaches them (and after egui has read it, to take it from egui too).
            listen
                .after(InputSystems)
                .after(EguiPreUpdateSet::ProcessInput)
                .before(EnhancedInputSystems::Prepare)
                .before(EguiPreUpdateSet::BeginPass)
                .before(super::nav::navigate),
        );
}

/// The press a listening slot takes: the first of this frame's presses of its device.
/// The press is taken from egui too, so it does not also press a button.
#[allow(clippy::too_many_arguments)]
fn listen(
    mut listening: ResMut<Listening>,
    mut keys: MessageReader<KeyboardInput>,
    mut clicks: MessageReader<MouseButtonInput>,
    mut buttons: MessageReader<GamepadButtonChangedEvent>,
    mut axes: MessageReader<GamepadAxisChangedEvent>,
    time: Res<Time<Real>>,
    mut bindings: ResMut<Bindings>,
    mut note: ResMut<RebindNote>,
    mut sources: ResMut<ActionSources>,
    mut egui_input: Query<&mut EguiInput, With<PrimaryEguiContext>>,
    labels: Res<KeyLabels>,
    pad: Res<PadStyle>,
) {
    let Some((control, slot, since)) = listening.0 else {
        // Not listening (any more): the devices act again.
        set_sources(&mut sources, true);
        keys.clear();
        clicks.clear();
        buttons.clear();
        axes.clear();
        return;
    };
    // Nothing acts on the presses while the menu listens.
    set_sources(&mut sources, false);
    let pressed_key = keys
        .read()
        .find(|k| k.state == ButtonState::Pressed && !k.repeat)
        .map(|k| k.key_code);
    // The left button presses the menu's own buttons (Clear, Cancel): it is not bound.
    let clicked = clicks
        .read()
        .find(|c| c.state == ButtonState::Pressed && c.button != MouseButton::Left)
        .map(|c| c.button);
    let button = buttons
        .read()
        .find(|b| b.value >= 0.5)
        .map(|b| Input::Button(b.button));
    let stick = axes.read().find_map(|a| stick_direction(a.axis, a.value));
    let taken = match slot.device() {
        Device::Keyboard => pressed_key
            .filter(|k| *k != KeyCode::Escape)
            .map(Input::Key)
            .or(clicked.map(Input::Mouse)),
        Device::Gamepad => button.or(stick),
    };
    let gave_up =
        pressed_key == Some(KeyCode::Escape) || time.elapsed_secs_f64() - since > LISTEN_SECONDS;
    if taken.is_none() && !gave_up {
        return;
    }
    listening.0 = None;
    // Either way the controls start again, from the next frame (the sources come back
    // as the next frame's `listen` finds nothing to listen for, and the context is
    // rebuilt): what is held now acts only once let go.
    bindings.set_changed();
    for mut input in &mut egui_input {
        input.events.retain(|e| {
            !matches!(
                e,
                egui::Event::Key { pressed: true, .. }
                    | egui::Event::PointerButton { pressed: true, .. }
            )
        });
    }
    let Some(input) = taken else {
        note.0 = Some("Nothing bound.".to_owned());
        return;
    };
    let names = Names {
        keys: &labels,
        pad: *pad,
    };
    if !input.is_bindable() {
        note.0 = Some(format!(
            "{} cannot be bound: the settings file could not name it.",
            names.input(input)
        ));
        return;
    }
    let moved = bindings.bind(control, slot, input);
    note.0 = Some(match moved {
        Some(moved) => format!(
            "{} was {}'s: {} now has {}.",
            names.input(input),
            moved.from.label(),
            moved.from.label(),
            moved.gets.map_or("nothing".to_owned(), |i| names.input(i))
        ),
        None => format!("{}: {}.", control.label(), names.input(input)),
    });
}

fn set_sources(sources: &mut ActionSources, on: bool) {
    if sources.keyboard != on {
        *sources = ActionSources {
            keyboard: on,
            mouse_buttons: on,
            mouse_motion: on,
            mouse_wheel: on,
            gamepad_button: on,
            gamepad_axis: on,
        };
    }
}

/// The stick direction an axis leant far enough is.
fn stick_direction(axis: GamepadAxis, value: f32) -> Option<Input> {
    if value.abs() < STICK_BIND {
        return None;
    }
    let (stick, vertical) = match axis {
        GamepadAxis::LeftStickX => (Stick::Left, false),
        GamepadAxis::LeftStickY => (Stick::Left, true),
        GamepadAxis::RightStickX => (Stick::Right, false),
        GamepadAxis::RightStickY => (Stick::Right, true),
        _ => return None,
    };
    let dir = match (vertical, value > 0.0) {
        (true, true) => Dir::Up,
        (true, false) => Dir::Down,
        (false, true) => Dir::Right,
        (false, false) => Dir::Left,
    };
    Some(Input::Stick(stick, dir))
}

/// The controls menu's state and the bindings it edits.
#[derive(SystemParam)]
pub struct ControlsEditor<'w> {
    bindings: ResMut<'w, Bindings>,
    listening: ResMut<'w, Listening>,
    note: ResMut<'w, RebindNote>,
    labels: Res<'w, KeyLabels>,
    pad: Res<'w, PadStyle>,
    time: Res<'w, Time<Real>>,
}

impl ControlsEditor<'_> {
    /// Draws the menu in a window in the middle of the screen; true when the player
    /// pressed Back.
    pub fn window(&mut self, ctx: &egui::Context) -> bool {
        let mut back = false;
        theme::menu_window("Controls").show(ctx, |ui| {
            ui.set_width(720.0);
            ui.vertical_centered(|ui| {
                ui.add_space(8.0);
                ui.label(theme::title_text("Controls", 32.0));
                ui.add_space(4.0);
                back = self.show(ui);
                ui.add_space(8.0);
            });
        });
        back
    }

    fn show(&mut self, ui: &mut egui::Ui) -> bool {
        let names = Names {
            keys: &self.labels,
            pad: *self.pad,
        };
        let listening = self.listening.0;
        let status = match listening {
            Some((control, slot, since)) => {
                let left = (LISTEN_SECONDS - (self.time.elapsed_secs_f64() - since)).max(0.0);
                let what = match slot.device() {
                    Device::Keyboard => {
                        "a key, or the right, middle or a side mouse button (Esc: keep it as it was)"
                    }
                    Device::Gamepad => "a button or lean a stick",
                };
                format!("{}: press {what}… {left:.0} s", control.label())
            }
            None => self.note.0.clone().unwrap_or_else(|| {
                "Choose an input to change it; right-click it to empty it.".to_owned()
            }),
        };
        ui.label(egui::RichText::new(status).color(if listening.is_some() {
            theme::MEMORY
        } else {
            theme::DIM
        }));
        ui.add_space(6.0);
        let mut start = None;
        let mut clear = None;
        let mut reset = None;
        egui::ScrollArea::vertical()
            .max_height(ui.ctx().content_rect().height() * 0.62)
            .show(ui, |ui| {
                egui::Grid::new("bindings")
                    .num_columns(5)
                    .spacing([14.0, 6.0])
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label("");
                        for heading in ["Keyboard", "Keyboard (also)", "Gamepad", ""] {
                            ui.label(egui::RichText::new(heading).color(theme::DIM));
                        }
                        ui.end_row();
                        let mut scope = None;
                        for control in Control::ALL {
                            if scope != Some(control.scope()) {
                                scope = Some(control.scope());
                                ui.label(
                                    egui::RichText::new(scope_title(control.scope()))
                                        .color(theme::ACCENT)
                                        .strong(),
                                );
                                ui.end_row();
                            }
                            ui.label(control.label());
                            let slots = *self.bindings.slots(control);
                            for (slot, input) in [
                                (Slot::Keyboard(0), slots.keyboard[0]),
                                (Slot::Keyboard(1), slots.keyboard[1]),
                                (Slot::Gamepad, slots.gamepad),
                            ] {
                                let waiting =
                                    listening.is_some_and(|(c, s, _)| c == control && s == slot);
                                let text = if waiting {
                                    "…".to_owned()
                                } else {
                                    input.map_or("—".to_owned(), |i| names.input(i))
                                };
                                let button = ui.add_sized(
                                    [130.0, 24.0],
                                    egui::Button::new(text).selected(waiting),
                                );
                                if button.clicked() {
                                    start = Some((control, slot));
                                }
                                if button.secondary_clicked() {
                                    clear = Some((control, slot));
                                }
                            }
                            if ui
                                .small_button("Default")
                                .on_hover_text("this control's default inputs")
                                .clicked()
                            {
                                reset = Some(control);
                            }
                            ui.end_row();
                        }
                    });
            });
        let conflicts = self.bindings.conflicts();
        for conflict in &conflicts {
            ui.colored_label(
                theme::WARNING,
                format!(
                    "Conflict: {} does two things at once: {} and {}. Choose another for one of them.",
                    names.input(conflict.input),
                    conflict.controls.0.label(),
                    conflict.controls.1.label()
                ),
            );
        }
        ui.add_space(8.0);
        let mut back = false;
        ui.horizontal(|ui| {
            if let Some((control, slot, _)) = listening {
                if ui.button("Clear").clicked() {
                    clear = Some((control, slot));
                }
                if ui.button("Cancel").clicked() {
                    self.listening.0 = None;
                    self.bindings.set_changed();
                }
            }
            if ui.button("All to defaults").clicked() {
                *self.bindings = Bindings::default();
                self.note.0 = Some("Every control has its default inputs.".to_owned());
            }
        });
        ui.add_space(6.0);
        if theme::menu_button(ui, "Back").clicked() {
            back = true;
        }
        if let Some((control, slot)) = start {
            self.listening.0 = Some((control, slot, self.time.elapsed_secs_f64()));
        }
        if let Some((control, slot)) = clear {
            self.bindings.clear(control, slot);
            self.listening.0 = None;
            self.note.0 = Some(format!("{}: cleared.", control.label()));
        }
        if let Some(control) = reset {
            self.bindings.reset(control);
            self.note.0 = Some(format!("{}: its default inputs.", control.label()));
        }
        if back {
            self.listening.0 = None;
        }
        back
    }
}

fn scope_title(scope: Scope) -> &'static str {
    match scope {
        Scope::Dream => "In the dream",
        Scope::Talk => "Scenes and talk",
        Scope::Menus => "Menus and panels",
        Scope::Desk => "The control room",
        Scope::Calibrate => "Calibrating the link",
    }
}
