//! The settings menu: sound, controls and picture, a window in the middle of the screen,
//! and the controls' bindings beyond it (`controls.rs`, [`Menu::Controls`]). The title
//! screen and the pause menu open it (the [`Menu::Settings`] state) and Back returns to
//! them;
//! changes apply at once and are saved shortly after (see `settings.rs`).

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::Menus;
use super::controls::ControlsEditor;
use crate::settings::{
    AccessibilitySettings, CAMERA_DISTANCE, ControlSettings, DREAM_PACE, FIELD_OF_VIEW, LINE_TIME,
    LOOK_SENSITIVITY, Palette, PictureSettings, SettingsProblem, SoundSettings, UI_SCALE,
};
use crate::state::Menu;
use crate::theme;

/// The settings and the menu's state, for the screens that show the menu.
#[derive(SystemParam)]
pub struct SettingsEditor<'w> {
    sound: ResMut<'w, SoundSettings>,
    controls: ResMut<'w, ControlSettings>,
    picture: ResMut<'w, PictureSettings>,
    access: ResMut<'w, AccessibilitySettings>,
    problem: Res<'w, SettingsProblem>,
    place: Res<'w, crate::settings::SettingsPlace>,
    controls_menu: ControlsEditor<'w>,
}

impl SettingsEditor<'_> {
    /// What went wrong reading the settings file at start, for the title screen.
    pub fn problem(&self) -> Option<&str> {
        self.problem.0.as_deref()
    }

    /// Whether one of the settings menus is open.
    pub fn showing(menus: &Menus) -> bool {
        menus.showing(Menu::Settings) || menus.showing(Menu::Controls)
    }

    /// Draws the settings menu that is open in a window in the middle of the screen and
    /// goes where its buttons ask (Back to where it was opened from).
    pub fn window(&mut self, ctx: &egui::Context, menus: &mut Menus) {
        if menus.showing(Menu::Controls) {
            if self.controls_menu.window(ctx) {
                menus.back();
            }
            return;
        }
        let mut asked = None;
        // As tall as its contents (scrolled past 70% of the screen).
        theme::menu_window("Settings").show(ctx, |ui| {
            // Centred contents would otherwise widen the window to the whole screen.
            ui.set_width(400.0);
            ui.vertical_centered(|ui| {
                ui.add_space(8.0);
                asked = self.show(ui);
                ui.add_space(8.0);
            });
        });
        match asked {
            Some(Asked::Back) => menus.back(),
            Some(Asked::Controls) => menus.open(Menu::Controls),
            None => {}
        }
    }

    fn show(&mut self, ui: &mut egui::Ui) -> Option<Asked> {
        let mut asked = None;
        // Edit copies: the resources change (and are saved) only when a value does.
        let (mut sound, mut controls, mut picture) = (*self.sound, *self.controls, *self.picture);
        let mut access = *self.access;
        ui.label(theme::title_text("Settings", 32.0));
        ui.add_space(8.0);
        // Scrolled when the interface is drawn large; at 1× it fits a 720p screen.
        let height = ui.ctx().content_rect().height() * 0.7;
        egui::ScrollArea::vertical()
            .max_height(height)
            .show(ui, |ui| {
                egui::Grid::new("settings")
                    .num_columns(2)
                    .spacing([28.0, 8.0])
                    .show(ui, |ui| {
                        section(ui, "Sound");
                        volume(ui, "Master volume", &mut sound.master);
                        volume(ui, "Dream ambience", &mut sound.ambience);
                        volume(ui, "Effects", &mut sound.effects);
                        volume(ui, "Music", &mut sound.music);
                        section(ui, "Controls");
                        row(ui, "Look sensitivity", |ui| {
                            let range = LOOK_SENSITIVITY.0..=LOOK_SENSITIVITY.1;
                            ui.add(
                                egui::Slider::new(&mut controls.look_sensitivity, range)
                                    .logarithmic(true)
                                    .max_decimals(2)
                                    .suffix("×"),
                            );
                        });
                        row(ui, "Invert look", |ui| {
                            ui.checkbox(&mut controls.invert_look, "up looks down");
                        });
                        row(ui, "Hold or toggle", |ui| {
                            ui.checkbox(
                                &mut controls.toggle_held,
                                "press once to walk on or push, again to stop",
                            );
                        });
                        row(ui, "Bindings", |ui| {
                            if ui.button("Keys and buttons…").clicked() {
                                asked = Some(Asked::Controls);
                            }
                        });
                        section(ui, "Accessibility");
                        row(ui, "Reduce flashing", |ui| {
                            ui.checkbox(
                                &mut access.reduce_flashing,
                                "no pulsing edges, flaring colour or flashing alarms",
                            );
                        });
                        row(ui, "Colours", |ui| {
                            ui.horizontal(|ui| {
                                for palette in Palette::ALL {
                                    ui.radio_value(&mut access.palette, palette, palette.label());
                                }
                            });
                        });
                        row(ui, "Captions", |ui| {
                            ui.checkbox(
                                &mut access.captions,
                                "sounds that mean something, written",
                            );
                        });
                        row(ui, "Words stay", |ui| {
                            let range = LINE_TIME.0..=LINE_TIME.1;
                            ui.add(
                                egui::Slider::new(&mut access.line_time, range)
                                    .step_by(0.25)
                                    .suffix("× as long"),
                            );
                        });
                        row(ui, "Scenes", |ui| {
                            ui.checkbox(&mut access.whole_panels, "each picture's lines at once");
                        });
                        row(ui, "Slower dreams", |ui| {
                            let range = DREAM_PACE.0..=DREAM_PACE.1;
                            ui.add(
                                egui::Slider::new(&mut access.dream_pace, range)
                                    .step_by(0.25)
                                    .suffix("× (assist)"),
                            )
                            .on_hover_text(
                                "An assist: each loop's clock and Juno's lucidity last this \
                                 many times longer, from the next dive on.",
                            );
                        });
                        row(ui, "Reduce motion", |ui| {
                            ui.checkbox(
                                &mut picture.reduce_motion,
                                "no folding, shaking, swinging or pulsing",
                            );
                        });
                        section(ui, "Picture");
                        row(ui, "Field of view", |ui| {
                            let range = FIELD_OF_VIEW.0..=FIELD_OF_VIEW.1;
                            ui.add(
                                egui::Slider::new(&mut picture.field_of_view, range)
                                    .step_by(1.0)
                                    .suffix("° vertical"),
                            );
                        });
                        row(ui, "Camera distance", |ui| {
                            let range = CAMERA_DISTANCE.0..=CAMERA_DISTANCE.1;
                            ui.add(
                                egui::Slider::new(&mut picture.camera_distance, range)
                                    .step_by(0.1)
                                    .suffix("× behind her"),
                            );
                        });
                        row(ui, "Shadows", |ui| {
                            ui.checkbox(&mut picture.shadows, "the dream's sun casts them");
                        });
                        row(ui, "Smooth edges", |ui| {
                            ui.checkbox(&mut picture.anti_aliasing, "anti-aliasing (MSAA 4×)");
                        });
                        row(ui, "Glow", |ui| {
                            ui.checkbox(
                                &mut picture.glow,
                                "bright things in the dream glow (bloom)",
                            );
                        });
                        row(ui, "Interface size", |ui| {
                            let range = UI_SCALE.0..=UI_SCALE.1;
                            ui.add(
                                egui::Slider::new(&mut picture.ui_scale, range)
                                    .step_by(0.05)
                                    .suffix("×"),
                            );
                        });
                    });
            });
        ui.add_space(8.0);
        ui.label(
            egui::RichText::new(&self.place.0)
                .color(theme::DIM)
                .size(13.0),
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            // The two buttons side by side, centred under the grid.
            let width = 2.0 * 190.0 + ui.spacing().item_spacing.x;
            ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
            let button = |ui: &mut egui::Ui, label| {
                ui.add_sized(
                    [190.0, 36.0],
                    egui::Button::new(egui::RichText::new(label).size(19.0)),
                )
            };
            if button(ui, "Defaults").clicked() {
                sound = SoundSettings::default();
                controls = ControlSettings::default();
                picture = PictureSettings::default();
                access = AccessibilitySettings::default();
            }
            if button(ui, "Back").clicked() {
                asked = Some(Asked::Back);
            }
        });
        self.sound.set_if_neq(sound);
        self.controls.set_if_neq(controls);
        self.picture.set_if_neq(picture);
        self.access.set_if_neq(access);
        asked
    }
}

/// Where the settings menu's buttons ask to go.
enum Asked {
    Back,
    Controls,
}

fn section(ui: &mut egui::Ui, name: &str) {
    ui.label(egui::RichText::new(name).color(theme::ACCENT).strong());
    ui.end_row();
}

/// One row of the grid: what is set, and the widget that sets it.
fn row(ui: &mut egui::Ui, label: &str, widget: impl FnOnce(&mut egui::Ui)) {
    ui.label(label);
    widget(ui);
    ui.end_row();
}

/// A volume from 0 to 1, shown in percent.
fn volume(ui: &mut egui::Ui, label: &str, value: &mut f32) {
    row(ui, label, |ui| {
        ui.add(
            egui::Slider::new(value, 0.0..=1.0)
                .custom_formatter(|v, _| format!("{:.0}%", v * 100.0))
                .custom_parser(|s| {
                    s.trim_end_matches('%')
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .map(|v| v / 100.0)
                }),
        );
    });
}
