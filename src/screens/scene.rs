//! A waking scene, in illustrated panels: the set painted behind, the caption and the
//! lines said so far in a band at the bottom, and Juno's answers when the panel asks
//! for one. Confirm (Enter, Space, the pad's South by default) or a click goes on; an
//! answer's own key (1–6) or a click answers, or Up/Down (arrows, d-pad) then Confirm.
//!
//! The drawing ([`show`]) is a function of the scene and where it has got to, so it can
//! be exercised without Bevy; the game steps the scene (`crate::campaign::scenes`).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::campaign::{PlayingScene, SceneRequest};
use crate::controls::{Control, ControlState, Device, Prompts};
use crate::levels::{Facts, Levels, Library, Scene, SceneAt, Set, StoryFacts};
use crate::state::AppState;
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        scene_screen.run_if(in_state(AppState::Scene)),
    );
}

/// Which answer the keyboard's arrows or the pad's d-pad are on.
#[derive(Default)]
struct Focus {
    /// The scene and panel the focus belongs to (it starts again on each choice).
    panel: Option<(String, usize)>,
    option: Option<usize>,
}

fn scene_screen(
    mut contexts: EguiContexts,
    playing: Option<Res<PlayingScene>>,
    levels: Res<Levels>,
    prompts: Prompts,
    mut focus: Local<Focus>,
    mut requests: MessageWriter<SceneRequest>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some((playing, scene)) = playing
        .as_ref()
        .and_then(|p| Some((p, levels.library.scenes.get(&p.id)?)))
    else {
        theme::full_screen(ctx, |_| {});
        return Ok(());
    };
    let here = |(id, panel): &(String, usize)| *id == playing.id && *panel == playing.at.panel;
    if !focus.panel.as_ref().is_some_and(here) {
        *focus = Focus {
            panel: Some((playing.id.clone(), playing.at.panel)),
            option: None,
        };
    }
    let view = SceneView {
        scene: &scene.value,
        at: &playing.at,
        story: &playing.story,
        library: &levels.library,
    };
    let asked = show(
        ctx,
        &view,
        &mut focus.option,
        prompts.state(),
        &Hints::new(&prompts),
    );
    requests.write_batch(asked);
    Ok(())
}

/// The words that tell the player what to press, for the device she uses.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// Under a panel without a choice.
    pub go_on: String,
    /// Over the answers.
    pub choose: String,
    /// Before each answer, in order: its key ("1. "), or a mark on a pad.
    pub answers: Vec<String>,
}

impl Hints {
    /// The hints for the player's bindings and device.
    pub fn new(prompts: &Prompts) -> Self {
        let (up, down, confirm) = (
            prompts.of(Control::Up),
            prompts.of(Control::Down),
            prompts.of(Control::Confirm),
        );
        if prompts.device() == Device::Gamepad {
            return Self {
                go_on: format!("{confirm}: go on"),
                choose: format!("Answer: {up} / {down}, then {confirm}"),
                answers: vec!["· ".to_owned(); Control::ANSWERS.len()],
            };
        }
        Self {
            go_on: format!("{confirm} / click: go on"),
            choose: format!("Answer: its key or a click; or {up} / {down}, then {confirm}"),
            answers: Control::ANSWERS
                .iter()
                .map(|c| format!("{}. ", prompts.of(*c)))
                .collect(),
        }
    }
}

/// A scene as the screen draws it.
pub struct SceneView<'a> {
    pub scene: &'a Scene,
    pub at: &'a SceneAt,
    pub story: &'a StoryFacts,
    /// The level files the speakers' colours come from ([`theme::speaker_colour`]).
    pub library: &'a Library,
}

/// Draws the scene at `at` over the whole window and returns what the player asked
/// for with this frame's `controls`. `focus` is the answer Up/Down are on, none until
/// they are used (so Confirm pressed to go on never answers for her).
pub fn show(
    ctx: &egui::Context,
    view: &SceneView,
    focus: &mut Option<usize>,
    controls: &ControlState,
    hints: &Hints,
) -> Vec<SceneRequest> {
    let facts = Facts::waking(view.story);
    let scene = view.scene;
    let at = view.at;
    // A panel gone from the file (edited while it played): on, to the scene's end.
    let Some(panel) = scene.panels.get(at.panel) else {
        return vec![SceneRequest::Next];
    };
    let lines = scene.lines(at.panel, &facts);
    let options = scene.options(at, &facts);
    let mut asked = Vec::new();
    // Presses, not a held key's repeats: holding Confirm does not race through a panel.
    let confirm = controls.pressed(Control::Confirm);
    let (up, down) = (
        controls.pressed(Control::Up),
        controls.pressed(Control::Down),
    );
    let digit = controls.answer();
    // The scene keeps its own focus on the answers: egui's (which a pad's Down gives
    // the first control) would press a second one with Confirm.
    if let Some(id) = ctx.memory(|m| m.focused()) {
        ctx.memory_mut(|m| m.surrender_focus(id));
    }
    let moved = i32::from(down) - i32::from(up);
    if !options.is_empty() && moved != 0 {
        let from = focus.map_or(if moved > 0 { -1 } else { 0 }, |f| f as i32);
        *focus = Some((from + moved).rem_euclid(options.len() as i32) as usize);
    }
    let time = ctx.input(|i| i.time) as f32;
    let calm = theme::reduce_motion(ctx);
    let mut root = theme::root_ui(ctx, "scene");
    let mut clicked_through = false;
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE)
        .show(&mut root, |ui| {
            let rect = ui.max_rect();
            let picture = ui.interact(rect, ui.id().with("picture"), egui::Sense::click());
            clicked_through = picture.clicked();
            paint_set(ui.painter(), rect, panel.set, if calm { 0.0 } else { time });
            let speaking = lines
                .get(at.shown.wrapping_sub(1))
                .filter(|_| at.chose.is_none())
                .map_or(if at.chose.is_some() { "Juno" } else { "" }, |l| {
                    l.who.as_str()
                });
            paint_cast(ui.painter(), rect, &panel.cast, speaking, view.library);
            let opening =
                at.panel == first_panel(scene, &facts) && at.shown <= 1 && at.chose.is_none();
            let band = egui::Rect::from_min_max(
                egui::pos2(rect.left() + 40.0, rect.bottom() - rect.height() * 0.38),
                egui::pos2(rect.right() - 40.0, rect.bottom() - 24.0),
            );
            let mut text = ui.new_child(egui::UiBuilder::new().max_rect(band));
            // A click on the words goes on, as on the picture (not a text selection).
            text.style_mut().interaction.selectable_labels = false;
            theme::glass_frame().show(&mut text, |ui| {
                ui.set_min_size(band.size() - egui::vec2(24.0, 24.0));
                egui::ScrollArea::vertical()
                    .stick_to_bottom(true)
                    .max_height(band.height() - (options.len().max(1) as f32 * 38.0) - 40.0)
                    .show(ui, |ui| {
                        if opening {
                            ui.label(theme::title_text(&scene.title, 28.0));
                        }
                        if !panel.caption.is_empty() {
                            ui.label(
                                egui::RichText::new(&panel.caption)
                                    .italics()
                                    .color(theme::DIM),
                            );
                            ui.add_space(6.0);
                        }
                        let shown = &lines[..at.shown.min(lines.len())];
                        for (n, line) in shown.iter().enumerate() {
                            let latest = n + 1 == shown.len() && at.chose.is_none();
                            said(ui, view.library, &line.who, &line.text, latest);
                        }
                        if let Some(option) = at.chose.and_then(|i| panel.choice.get(i)) {
                            said(ui, view.library, "Juno", &option.say, true);
                        }
                    });
                ui.add_space(8.0);
                if options.is_empty() {
                    ui.label(egui::RichText::new(&hints.go_on).small().color(theme::DIM));
                    return;
                }
                ui.label(egui::RichText::new(&hints.choose).small().color(theme::DIM));
                for (n, (index, option)) in options.iter().enumerate() {
                    let key = hints.answers.get(n).map_or("", String::as_str);
                    let label = format!("{key}{}", option.say);
                    let button = egui::Button::new(egui::RichText::new(label).size(17.0))
                        .selected(Some(n) == *focus);
                    if ui.add(button).clicked() {
                        asked.push(SceneRequest::Choose(*index));
                    }
                }
            });
        });
    if asked.is_empty() {
        if !options.is_empty() {
            let chosen = digit
                .filter(|d| *d < options.len())
                .or_else(|| focus.filter(|_| confirm));
            if let Some(n) = chosen {
                asked.push(SceneRequest::Choose(options[n].0));
            }
        } else if confirm || clicked_through {
            asked.push(SceneRequest::Next);
        }
    }
    if !calm {
        ctx.request_repaint();
    }
    asked
}

/// The scene's first panel with these facts (where its title shows).
fn first_panel(scene: &Scene, facts: &Facts) -> usize {
    scene.begin(facts).map_or(0, |at| at.panel)
}

/// One line: the speaker's name in their colour, the words; narration in italics. The
/// latest line is bright, the ones before it dimmed.
fn said(ui: &mut egui::Ui, library: &Library, who: &str, text: &str, latest: bool) {
    let words = if latest {
        egui::Color32::from_rgb(235, 238, 245)
    } else {
        egui::Color32::from_rgb(170, 176, 190)
    };
    if who.is_empty() {
        ui.label(egui::RichText::new(text).italics().color(words));
        return;
    }
    let colour = theme::speaker_colour(library, who);
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(who).strong().color(colour));
        ui.label(egui::RichText::new(text).color(words));
    });
}

// ---- The sets, painted ----

/// An sRGB colour from a `0xRRGGBB` number.
fn rgb(hex: u32) -> egui::Color32 {
    egui::Color32::from_rgb((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// How bright the network's lights are at `time` (they breathe together, every 4 s).
fn breath(time: f32) -> f32 {
    0.55 + 0.45 * (time * std::f32::consts::TAU / 4.0).sin()
}

/// Paints set `set` into `rect` at `time` seconds (0 holds every light still).
pub fn paint_set(painter: &egui::Painter, rect: egui::Rect, set: Set, time: f32) {
    let (top, bottom) = match set {
        Set::Kitchen => (0x2b1c14, 0x4a3222),
        Set::Window => (0x070b1c, 0x1b2440),
        Set::Lounge => (0x1d1512, 0x3a2a20),
        Set::LeosRoom => (0x0c0a18, 0x1c1430),
        Set::StaffRoom => (0x2c3a44, 0x151d24),
        Set::Night => (0x05060a, 0x0c0e16),
        Set::Sync => (0x020308, 0x080c18),
        Set::Dawn => (0x1a2448, 0xe09a6a),
        Set::Class => (0xcfd8dc, 0x8a7a68),
        Set::Ward => (0x06101c, 0x0e1a26),
        Set::Breakfast => (0x8a6a4c, 0x5a4030),
    };
    gradient(painter, rect, rgb(top), rgb(bottom));
    let at = |x: f32, y: f32| rect.lerp_inside(egui::vec2(x, y));
    let size = rect.height();
    let light = breath(time);
    match set {
        Set::Kitchen => {
            // The window at night, the counter, four headsets charging in step.
            window(
                painter,
                egui::Rect::from_min_max(at(0.06, 0.1), at(0.3, 0.5)),
                time,
            );
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.0, 0.52), at(1.0, 0.6)),
                0.0,
                rgb(0x2a1a10),
            );
            for i in 0..4 {
                let x = 0.4 + 0.08 * i as f32;
                headset(painter, at(x, 0.48), size * 0.035, amber(light));
            }
            painter.text(
                at(0.86, 0.3),
                egui::Align2::CENTER_CENTER,
                "21:40",
                egui::FontId::monospace(size * 0.035),
                rgb(0x7dff9a),
            );
            lamp(painter, at(0.7, 0.08), size * 0.25);
        }
        Set::Window => {
            window(
                painter,
                egui::Rect::from_min_max(at(0.1, 0.05), at(0.9, 0.62)),
                time,
            );
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.0, 0.62), at(1.0, 1.0)),
                0.0,
                rgb(0x0b0d16),
            );
        }
        Set::Lounge => {
            lamp(painter, at(0.78, 0.3), size * 0.35);
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.2, 0.36), at(0.66, 0.56)),
                size * 0.04,
                rgb(0x2c1e1a),
            );
            headset(painter, at(0.36, 0.34), size * 0.03, amber(light));
            // The taped controller's light.
            painter.circle_filled(at(0.46, 0.4), size * 0.006, rgb(0x60c0ff));
        }
        Set::LeosRoom => {
            for (i, (x, y)) in [(0.12, 0.12), (0.22, 0.18), (0.32, 0.1), (0.72, 0.16)]
                .into_iter()
                .enumerate()
            {
                let page =
                    egui::Rect::from_center_size(at(x, y), egui::vec2(size * 0.11, size * 0.14));
                painter.rect_filled(
                    page,
                    2.0,
                    rgb(0x2a2838).gamma_multiply(1.0 + i as f32 * 0.1),
                );
                painter.line_segment(
                    [page.left_bottom(), page.center_top()],
                    egui::Stroke::new(1.0, rgb(0x4a4660)),
                );
            }
            glow(
                painter,
                at(0.55, 0.36),
                size * 0.22,
                rgb(0x9b6bff),
                0.25 + 0.2 * light,
            );
            headset(painter, at(0.55, 0.36), size * 0.04, rgb(0xb48cff));
            // The sketchbook under a plate.
            painter.rect_filled(
                egui::Rect::from_center_size(at(0.3, 0.54), egui::vec2(size * 0.2, size * 0.06)),
                2.0,
                rgb(0xcfc6b0).gamma_multiply(0.5),
            );
            painter.circle_filled(
                at(0.3, 0.53),
                size * 0.035,
                rgb(0x9aa0a8).gamma_multiply(0.6),
            );
        }
        Set::StaffRoom => {
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.2, 0.02), at(0.8, 0.04)),
                2.0,
                rgb(0xdff6ff),
            );
            let screen = egui::Rect::from_min_max(at(0.55, 0.12), at(0.92, 0.46));
            painter.rect_filled(screen, 4.0, rgb(0x05101a));
            network_dots(painter, screen.shrink(10.0), light);
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.0, 0.54), at(1.0, 0.6)),
                0.0,
                rgb(0x39464f),
            );
            // The phone, face up, and a cold coffee.
            painter.rect_filled(
                egui::Rect::from_center_size(at(0.3, 0.535), egui::vec2(size * 0.06, size * 0.012)),
                2.0,
                rgb(0x9fe8ff),
            );
            painter.circle_filled(at(0.4, 0.52), size * 0.02, rgb(0xe8e8e8));
        }
        Set::Night => {
            // The phone's light on the ceiling.
            let cone = vec![at(0.42, 0.0), at(0.58, 0.0), at(0.53, 0.5), at(0.47, 0.5)];
            painter.add(egui::Shape::convex_polygon(
                cone,
                rgb(0x6fa8d8).gamma_multiply(0.12),
                egui::Stroke::NONE,
            ));
            painter.rect_filled(
                egui::Rect::from_center_size(at(0.5, 0.52), egui::vec2(size * 0.05, size * 0.09)),
                4.0,
                rgb(0xbfe4ff),
            );
        }
        Set::Sync => {
            // Four lights go from amber to blue, one after another (all blue when still).
            for i in 0..4 {
                let turned = time == 0.0 || time % 6.0 > 1.0 + i as f32;
                let colour = if turned { rgb(0x6edcff) } else { amber(light) };
                let centre = at(0.32 + 0.12 * i as f32, 0.3);
                glow(painter, centre, size * 0.08, colour, 0.3);
                painter.circle_filled(centre, size * 0.018, colour);
            }
        }
        Set::Dawn => {
            painter.circle_filled(at(0.5, 0.62), size * 0.12, rgb(0xffd29a));
            towers(painter, rect, 0.62, light, false);
        }
        Set::Class => {
            // A tall window of daylight, the floor, and a ring of chairs and mats.
            let pane = egui::Rect::from_min_max(at(0.34, 0.04), at(0.66, 0.5));
            painter.rect_filled(pane, 2.0, rgb(0xf4f1e6));
            painter.line_segment(
                [pane.center_top(), pane.center_bottom()],
                egui::Stroke::new(size * 0.008, rgb(0x9a9488)),
            );
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.0, 0.56), at(1.0, 1.0)),
                0.0,
                rgb(0x7a6a58),
            );
            for i in 0..7 {
                let angle = std::f32::consts::PI * (0.1 + 0.8 * i as f32 / 6.0);
                let seat = at(0.5 - 0.36 * angle.cos(), 0.6 + 0.05 * angle.sin());
                painter.rect_filled(
                    egui::Rect::from_center_size(seat, egui::vec2(size * 0.05, size * 0.012)),
                    2.0,
                    rgb(0x3e4a52),
                );
                let mat = at(0.5 - 0.2 * angle.cos(), 0.66 + 0.04 * angle.sin());
                painter.rect_filled(
                    egui::Rect::from_center_size(mat, egui::vec2(size * 0.08, size * 0.01)),
                    2.0,
                    rgb(0x6f8f8a),
                );
            }
        }
        Set::Breakfast => {
            // The window by day, the counter, four cradles with nothing in them.
            let frame = egui::Rect::from_min_max(at(0.06, 0.1), at(0.3, 0.5));
            pane(painter, frame, [0xbcd8ee, 0xf2e6cc, 0x3a2a1c], None);
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.0, 0.52), at(1.0, 0.6)),
                0.0,
                rgb(0x6a4a30),
            );
            for i in 0..4 {
                let cradle = at(0.4 + 0.08 * i as f32, 0.505);
                painter.rect_filled(
                    egui::Rect::from_center_size(cradle, egui::vec2(size * 0.05, size * 0.015)),
                    2.0,
                    rgb(0x3a3a40),
                );
            }
            // A lemon in one of them.
            painter.circle_filled(at(0.48, 0.49), size * 0.014, rgb(0xf2d24a));
            painter.text(
                at(0.86, 0.3),
                egui::Align2::CENTER_CENTER,
                "09:10",
                egui::FontId::monospace(size * 0.035),
                rgb(0x7dff9a).gamma_multiply(0.5),
            );
        }
        Set::Ward => {
            // A bed under a window of night, a monitor's trace beating slowly.
            window(
                painter,
                egui::Rect::from_min_max(at(0.08, 0.08), at(0.3, 0.42)),
                time,
            );
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.34, 0.48), at(0.74, 0.56)),
                size * 0.01,
                rgb(0x2c3c4c),
            );
            painter.rect_filled(
                egui::Rect::from_min_max(at(0.34, 0.45), at(0.42, 0.49)),
                size * 0.01,
                rgb(0x8fa4b4),
            );
            let screen = egui::Rect::from_min_max(at(0.8, 0.2), at(0.94, 0.34));
            painter.rect_filled(screen, 3.0, rgb(0x03080c));
            let trace: Vec<egui::Pos2> = (0..=24)
                .map(|i| {
                    let x = i as f32 / 24.0;
                    let beat = if (x - 0.5).abs() < 0.04 { light } else { 0.0 };
                    screen
                        .shrink(6.0)
                        .lerp_inside(egui::vec2(x, 0.6 - 0.5 * beat))
                })
                .collect();
            painter.add(egui::Shape::line(
                trace,
                egui::Stroke::new(1.5, rgb(0x7dff9a)),
            ));
        }
    }
}

/// The people in the picture, as silhouettes standing in a row, each rimmed in their
/// colour; whoever is speaking stands out.
fn paint_cast(
    painter: &egui::Painter,
    rect: egui::Rect,
    cast: &[String],
    speaking: &str,
    library: &Library,
) {
    let floor = rect.top() + rect.height() * 0.61;
    let height = rect.height() * 0.42;
    for (n, who) in cast.iter().enumerate() {
        let x = rect.left() + rect.width() * (n as f32 + 1.0) / (cast.len() as f32 + 1.0);
        let colour = theme::speaker_colour(library, who);
        let rim = if who == speaking {
            colour
        } else {
            colour.gamma_multiply(0.35)
        };
        silhouette(painter, egui::pos2(x, floor), height, rim);
    }
}

/// A standing figure's outline: head, shoulders, a long coat to the floor.
fn silhouette(painter: &egui::Painter, feet: egui::Pos2, height: f32, rim: egui::Color32) {
    let fill = rgb(0x0b0b12);
    let stroke = egui::Stroke::new(2.0, rim);
    let at = |x: f32, y: f32| feet + egui::vec2(x * height, -y * height);
    let body = vec![
        at(-0.13, 0.0),
        at(0.13, 0.0),
        at(0.14, 0.45),
        at(0.15, 0.74),
        at(0.1, 0.8),
        at(-0.1, 0.8),
        at(-0.15, 0.74),
        at(-0.14, 0.45),
    ];
    painter.add(egui::Shape::convex_polygon(body, fill, stroke));
    painter.circle(at(0.0, 0.89), height * 0.085, fill, stroke);
}

fn amber(light: f32) -> egui::Color32 {
    rgb(0xffb347).gamma_multiply(0.4 + 0.6 * light)
}

/// A vertical gradient filling `rect`.
fn gradient(painter: &egui::Painter, rect: egui::Rect, top: egui::Color32, bottom: egui::Color32) {
    let mut mesh = egui::Mesh::default();
    for (pos, colour) in [
        (rect.left_top(), top),
        (rect.right_top(), top),
        (rect.right_bottom(), bottom),
        (rect.left_bottom(), bottom),
    ] {
        mesh.colored_vertex(pos, colour);
    }
    mesh.add_triangle(0, 1, 2);
    mesh.add_triangle(0, 2, 3);
    painter.add(egui::Shape::mesh(mesh));
}

/// A soft round glow: rings fading outwards.
fn glow(
    painter: &egui::Painter,
    centre: egui::Pos2,
    radius: f32,
    colour: egui::Color32,
    strength: f32,
) {
    for ring in (1..=8).rev() {
        let r = radius * ring as f32 / 8.0;
        let alpha = strength * (1.0 - ring as f32 / 9.0) / 4.0;
        painter.circle_filled(centre, r, colour.gamma_multiply(alpha));
    }
}

/// A lamp's warm light from `centre`.
fn lamp(painter: &egui::Painter, centre: egui::Pos2, radius: f32) {
    glow(painter, centre, radius, rgb(0xffc880), 0.6);
    painter.circle_filled(centre, radius * 0.06, rgb(0xffe6b8));
}

/// A headset seen from the side: a band and an ear cup, its light on the cup.
fn headset(painter: &egui::Painter, centre: egui::Pos2, size: f32, light: egui::Color32) {
    let band = egui::Stroke::new(size * 0.25, rgb(0x202028));
    let points: Vec<egui::Pos2> = (0..=12)
        .map(|i| {
            let a = std::f32::consts::PI * (1.0 + i as f32 / 12.0);
            centre + egui::vec2(a.cos(), a.sin()) * size
        })
        .collect();
    painter.add(egui::Shape::line(points, band));
    for side in [-1.0, 1.0] {
        painter.circle_filled(
            centre + egui::vec2(side * size, 0.0),
            size * 0.35,
            rgb(0x2a2a34),
        );
    }
    painter.circle_filled(centre + egui::vec2(size, 0.0), size * 0.12, light);
}

/// A window onto the city at night: towers and their sleepers' lights.
fn window(painter: &egui::Painter, frame: egui::Rect, time: f32) {
    pane(
        painter,
        frame,
        [0x060a1a, 0x1c2a4c, 0x1a1410],
        Some(breath(time)),
    );
}

/// A window's pane: the sky from `colours[0]` down to `colours[1]`, the towers (their
/// lights at `light`, none by day), the frame in `colours[2]`.
fn pane(painter: &egui::Painter, frame: egui::Rect, colours: [u32; 3], light: Option<f32>) {
    gradient(painter, frame, rgb(colours[0]), rgb(colours[1]));
    towers(painter, frame, 1.0, light.unwrap_or(0.0), light.is_some());
    painter.rect_stroke(
        frame,
        2.0,
        egui::Stroke::new(frame.height() * 0.03, rgb(colours[2])),
        egui::StrokeKind::Outside,
    );
}

/// Towers standing on `ground` (a fraction of `area`'s height), each dotted with the
/// network's breathing lights when `lit`.
fn towers(painter: &egui::Painter, area: egui::Rect, ground: f32, light: f32, lit: bool) {
    let base = area.top() + area.height() * ground;
    let mut x = area.left();
    let mut seed = 2045_u32;
    while x < area.right() {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let width = area.width() * (0.05 + (seed >> 28) as f32 / 200.0);
        let height = area.height() * ground * (0.3 + ((seed >> 20) & 0xff) as f32 / 400.0);
        let tower = egui::Rect::from_min_max(
            egui::pos2(x, base - height),
            egui::pos2((x + width).min(area.right()), base),
        );
        painter.rect_filled(tower, 0.0, rgb(0x0a0e1c));
        if lit {
            let mut y = tower.top() + 8.0;
            while y < tower.bottom() - 4.0 {
                let mut lx = tower.left() + 5.0;
                while lx < tower.right() - 4.0 {
                    painter.circle_filled(
                        egui::pos2(lx, y),
                        1.4,
                        rgb(0x6edcff).gamma_multiply(0.3 + 0.7 * light),
                    );
                    lx += 9.0;
                }
                y += 11.0;
            }
        }
        x += width + area.width() * 0.012;
    }
}

/// The overview's lights on the staff room's wall screen.
fn network_dots(painter: &egui::Painter, area: egui::Rect, light: f32) {
    let (columns, rows) = (24, 12);
    for row in 0..rows {
        for column in 0..columns {
            let p = area.lerp_inside(egui::vec2(
                column as f32 / (columns - 1) as f32,
                row as f32 / (rows - 1) as f32,
            ));
            painter.circle_filled(p, 1.6, rgb(0x6edcff).gamma_multiply(0.25 + 0.6 * light));
        }
    }
}
