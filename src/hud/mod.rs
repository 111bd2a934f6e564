//! The dream HUD: whose dream, which loop, the loop timer, lucidity and what is wearing
//! it down, memories understood and the way to the core, the memory just found, and the
//! fades that mark a loop collapsing and the next one forming. The confrontation at the
//! core and the freed moment are in [`confrontation`].

mod captions;
mod confrontation;
mod father;
mod people;
mod transcript;

pub(crate) use transcript::Transcript;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::controls::Prompts;
use crate::dive::{
    ActiveDive, AnchorFound, CoreOpened, CurrentDream, DreamForge, LoopCollapsed, LoopState,
    Lucidity, NightmareLoop, Reshaping,
};
use crate::dream::Mood;
use crate::juno::Juno;
use crate::levels::{LevelReport, Levels, LevelsReloaded};
use crate::state::{AppState, DreamPhase};
use crate::theme;

/// How long a found memory stays on screen, seconds.
const MEMORY_TOAST_SECONDS: f32 = 7.0;
/// How long the "reloaded" note stays on screen, seconds.
const RELOAD_TOAST_SECONDS: f32 = 4.0;
/// How long the loop-start fade lasts, seconds.
const LOOP_FADE_SECONDS: f32 = 1.6;

/// Recent things the HUD shows for a while.
#[derive(Resource, Default)]
struct HudMoments {
    /// The memory just found: heading, text, seconds shown.
    memory: Option<(String, String, f32)>,
    /// Seconds since the way to the core opened, while it is news.
    core_opened: Option<f32>,
    /// The level files just reloaded, and seconds shown.
    reloaded: Option<(String, f32)>,
    /// Level file problems already there when the dive began: the title screen lists
    /// them; the dream shows only those an edit brings.
    known_problems: Vec<String>,
    /// Seconds since the current loop formed.
    loop_age: f32,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HudMoments>()
        .add_systems(
            Update,
            remember_moments
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(
            OnEnter(DreamPhase::Exploring),
            |mut m: ResMut<HudMoments>| m.loop_age = 0.0,
        )
        .add_systems(OnExit(AppState::Dream), |mut m: ResMut<HudMoments>| {
            *m = HudMoments::default()
        })
        .add_systems(
            OnEnter(AppState::Dream),
            |mut m: ResMut<HudMoments>, levels: Res<Levels>| {
                m.known_problems = levels.report.errors.clone();
            },
        )
        .add_systems(
            EguiPrimaryContextPass,
            (
                hud.run_if(not(in_state(DreamPhase::Forming))),
                forming_screen.run_if(in_state(DreamPhase::Forming)),
            )
                .run_if(in_state(AppState::Dream)),
        );
    captions::plugin(app);
    confrontation::plugin(app);
    father::plugin(app);
    people::plugin(app);
    transcript::plugin(app);
}

fn remember_moments(
    time: Res<Time>,
    mut moments: ResMut<HudMoments>,
    mut found: MessageReader<AnchorFound>,
    mut collapsed: MessageReader<LoopCollapsed>,
    mut reloaded: MessageReader<LevelsReloaded>,
    mut opened: MessageReader<CoreOpened>,
    access: Res<crate::settings::AccessibilitySettings>,
) {
    let dt = time.delta_secs();
    moments.loop_age += dt;
    if opened.read().count() > 0 {
        moments.core_opened = Some(0.0);
    }
    if let Some(age) = &mut moments.core_opened {
        *age += dt;
        if *age > MEMORY_TOAST_SECONDS {
            moments.core_opened = None;
        }
    }
    if let Some((_, _, age)) = &mut moments.memory {
        *age += access.aged(dt);
    }
    if let Some((_, age)) = &mut moments.reloaded {
        *age += dt;
    }
    if moments
        .memory
        .as_ref()
        .is_some_and(|(_, _, age)| *age > MEMORY_TOAST_SECONDS)
    {
        moments.memory = None;
    }
    for anchor in found.read() {
        let heading = if anchor.first_time {
            format!("Memory understood · {}", anchor.title)
        } else {
            format!("A memory you know steadies you · {}", anchor.title)
        };
        moments.memory = Some((heading, anchor.text.clone(), 0.0));
    }
    for files in reloaded.read() {
        let names = if files.files.is_empty() {
            "level files".to_owned()
        } else {
            files.files.join(", ")
        };
        moments.reloaded = Some((names, 0.0));
    }
    if moments
        .reloaded
        .as_ref()
        .is_some_and(|(_, age)| *age > RELOAD_TOAST_SECONDS)
    {
        moments.reloaded = None;
    }
    if collapsed.read().count() > 0 {
        moments.memory = None;
    }
}

/// What the HUD reads of the dream in play.
#[derive(bevy::ecs::system::SystemParam)]
struct InPlay<'w, 's> {
    nightmare: Option<Res<'w, NightmareLoop>>,
    lucidity: Res<'w, Lucidity>,
    dream: Option<Res<'w, CurrentDream>>,
    juno: Query<'w, 's, &'static Transform, With<Juno>>,
    picture: Res<'w, crate::settings::PictureSettings>,
    access: Res<'w, crate::settings::AccessibilitySettings>,
    prompts: Prompts<'w>,
}

/// The screen between loops while the next one forms: its progress, or why it could not
/// form and the way out.
fn forming_screen(
    mut contexts: EguiContexts,
    dive: Res<ActiveDive>,
    nightmare: Option<Res<NightmareLoop>>,
    forge: Res<DreamForge>,
    reshaping: Option<Res<Reshaping>>,
    mut next_screen: ResMut<NextState<AppState>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let id = dive.spec.id();
    let title = if reshaping.is_some() {
        "The dream reshapes…".to_owned()
    } else if nightmare.is_some() {
        "The loop collapses…".to_owned()
    } else {
        format!("{}…", dive.spec.title())
    };
    let failure = forge.failure(id, dive.loop_index).map(|why| {
        format!(
            "The generator failed on loop {} of {}: {why}",
            dive.loop_number(),
            dive.spec.title()
        )
    });
    let mut wake = false;
    theme::full_screen(ctx, |ui| {
        let progress = forge.progress(id, dive.loop_index);
        wake = forming_panel(ui, &title, progress, failure.as_deref());
    });
    if wake {
        next_screen.set(AppState::ControlRoom);
    }
    Ok(())
}

/// What the forming screen shows: `title` and the generator's `progress`, or the
/// `failure` and a Wake up button. True when Wake up is pressed.
fn forming_panel(
    ui: &mut egui::Ui,
    title: &str,
    progress: Option<f32>,
    failure: Option<&str>,
) -> bool {
    ui.add_space(ui.available_height() * 0.4);
    ui.vertical_centered(|ui| {
        if let Some(why) = failure {
            ui.label(theme::title_text("The dream would not form", 30.0));
            ui.add_space(12.0);
            ui.label(egui::RichText::new(why).color(theme::WARNING));
            ui.label(
                egui::RichText::new(
                    "This is a bug in the game or in a mod's dream file; the log has the details.",
                )
                .color(theme::DIM),
            );
            ui.add_space(16.0);
            return theme::menu_button(ui, "Wake up").clicked();
        }
        ui.label(theme::title_text(title, 30.0));
        ui.add_space(12.0);
        if let Some(done) = progress {
            ui.add(
                egui::ProgressBar::new(done)
                    .desired_width(320.0)
                    .fill(theme::ACCENT),
            );
            ui.label(egui::RichText::new("the dream is forming").color(theme::DIM));
        }
        false
    })
    .inner
}

#[allow(clippy::too_many_arguments)]
fn hud(
    mut contexts: EguiContexts,
    dive: Res<ActiveDive>,
    play: InPlay,
    moments: Res<HudMoments>,
    levels: Res<Levels>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(nightmare) = play.nightmare.as_deref() else {
        return Ok(());
    };
    let lucidity = &*play.lucidity;
    egui::Area::new("hud_status".into())
        .anchor(egui::Align2::LEFT_TOP, [16.0, 16.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                ui.label(
                    egui::RichText::new(dive.spec.title())
                        .color(theme::ACCENT)
                        .strong(),
                );
                // A gentle dream has no clock against her and nothing wearing her down.
                let gentle = dive.spec.dream.mood == Mood::Gentle;
                let remaining = nightmare.remaining();
                let colour = if remaining < 15.0 {
                    theme::WARNING
                } else {
                    egui::Color32::WHITE
                };
                if !gentle {
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(format!(
                                "Loop {}  ·  {}",
                                nightmare.number(),
                                theme::clock(remaining)
                            ))
                            .size(22.0)
                            .color(colour),
                        )
                        .wrap_mode(egui::TextWrapMode::Extend),
                    );
                    lucidity_bar(ui, lucidity);
                }
                let needed = dive.spec.dream.core.anchors_needed;
                ui.label(
                    egui::RichText::new(format!(
                        "Memories understood {}/{}  ·  the core needs {needed}",
                        dive.understood.len(),
                        nightmare.anchors_total
                    ))
                    .color(theme::MEMORY),
                );
                // The assist says it is on: the dream runs slower than designed.
                if dive.pace() > 1.0 {
                    ui.label(
                        egui::RichText::new(format!(
                            "Assist: the dream runs {:.2}× slower",
                            dive.pace()
                        ))
                        .small()
                        .color(theme::DIM),
                    );
                }
            });
        });
    // Only while the loop runs: at the core and once free nothing hurts her.
    if nightmare.is_running() {
        hurting(ctx, lucidity, hurt_is_steady(&play.picture, &play.access));
    }
    let juno = play.juno.single().map(|t| t.translation).ok();
    if let (Some(dream), Some(juno), true) = (play.dream.as_deref(), juno, nightmare.is_running()) {
        core_hint(ctx, &dive, dream, juno, &moments);
    }
    egui::Area::new("hud_hint".into())
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -12.0])
        .interactable(false)
        .show(ctx, |ui| {
            ui.label(
                egui::RichText::new(play.prompts.dream_line())
                    .color(theme::DIM)
                    .small(),
            );
        });
    level_messages(ctx, &levels.report, &moments);
    if let Some((title, text, age)) = &moments.memory {
        let alpha = (1.0 - (age - (MEMORY_TOAST_SECONDS - 1.0)).max(0.0)).clamp(0.0, 1.0);
        egui::Area::new("hud_memory".into())
            .anchor(egui::Align2::CENTER_TOP, [0.0, 90.0])
            .interactable(false)
            .show(ctx, |ui| {
                ui.set_opacity(alpha);
                theme::glass_frame().show(ui, |ui| {
                    ui.set_max_width(520.0);
                    ui.vertical_centered(|ui| {
                        ui.label(
                            egui::RichText::new(format!("Memory anchor found · {title}"))
                                .color(theme::MEMORY)
                                .strong(),
                        );
                        ui.label(egui::RichText::new(text).italics());
                    });
                });
            });
    }
    if let LoopState::Collapsing { reason, .. } = nightmare.state {
        let alpha = nightmare.collapse_progress();
        fade(
            ctx,
            alpha,
            reason.told(),
            theme::WARNING.gamma_multiply(alpha.sqrt()),
        );
    }
    if moments.loop_age < LOOP_FADE_SECONDS && nightmare.index > 0 {
        let alpha = 1.0 - moments.loop_age / LOOP_FADE_SECONDS;
        fade(
            ctx,
            alpha,
            &format!(
                "Loop {} · the dream shifts, the fear grows",
                nightmare.number()
            ),
            theme::ACCENT.gamma_multiply(alpha),
        );
    }
    Ok(())
}

/// Darkens the whole screen by `alpha` (0 to 1) with `text` over it.
fn fade(ctx: &egui::Context, alpha: f32, text: &str, colour: egui::Color32) {
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        "loop_fade".into(),
    ));
    let rect = ctx.viewport_rect();
    painter.rect_filled(
        rect,
        0.0,
        egui::Color32::from_black_alpha((alpha.clamp(0.0, 1.0) * 235.0) as u8),
    );
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(32.0),
        colour,
    );
}

/// The lucidity meter: bright while she is clear, the palette's danger colour when it
/// runs low, and then its words say so too.
fn lucidity_bar(ui: &mut egui::Ui, lucidity: &Lucidity) {
    let level = lucidity.level();
    let colours = theme::colours(ui.ctx());
    let low = level < 0.3;
    let colour = if low { colours.danger } else { colours.lucid };
    ui.add(
        egui::ProgressBar::new(level)
            .desired_width(260.0)
            .fill(colour)
            .text(
                egui::RichText::new(format!(
                    "Lucidity {:.0}%{}",
                    level * 100.0,
                    if low { " — low" } else { "" }
                ))
                .color(egui::Color32::WHITE),
            ),
    );
}

/// Ticks a hazard's warning stays up after it last hurt her (half a second).
const HURT_SHOWN_TICKS: u32 = 30;

/// What is hurting her, and what to do about it; the screen's edges redden, pulsing
/// (a steady tint when the player asked for no flashing or less motion).
fn hurting(ctx: &egui::Context, lucidity: &Lucidity, steady: bool) {
    let hurting = lucidity.hurting(HURT_SHOWN_TICKS);
    if hurting.is_empty() {
        return;
    }
    hurt_vignette(ctx, hurt_strength(ctx.input(|i| i.time) as f32, steady));
    // Warnings come and go with what hurts: at full strength at once.
    above_controls_line(
        ctx,
        egui::Area::new("hud_hurting".into()).fade_in(false),
        |ui| {
            theme::glass_frame().show(ui, |ui| {
                for kind in hurting.iter().take(3) {
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(kind.warning())
                                .color(theme::WARNING)
                                .size(18.0),
                        )
                        .wrap_mode(egui::TextWrapMode::Extend),
                    );
                }
            });
        },
    );
}

/// Where the boxes above the controls line begin, px up from the screen's bottom.
const ABOVE_CONTROLS_LINE: f32 = 48.0;
/// The gap between two boxes stacked above the controls line, px.
const STACK_GAP: f32 = 6.0;

/// Shows `area` centred above the controls line, and above any box shown there earlier
/// in this pass: a hazard's warning and what the dream's people say share that place
/// (each alone sits where it always did), and neither may cover the other.
fn above_controls_line<R>(
    ctx: &egui::Context,
    area: egui::Area,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> R {
    // (This pass's number, and how high the stack stands in it.)
    let key = egui::Id::new("hud_above_controls_line");
    let pass = ctx.cumulative_pass_nr();
    let below = ctx
        .data(|d| d.get_temp::<(u64, f32)>(key))
        .filter(|(stacked_in, _)| *stacked_in == pass)
        .map_or(0.0, |(_, height)| height + STACK_GAP);
    let shown = area
        .anchor(
            egui::Align2::CENTER_BOTTOM,
            [0.0, -(ABOVE_CONTROLS_LINE + below)],
        )
        .interactable(false)
        .show(ctx, add);
    let height = below + shown.response.rect.height();
    ctx.data_mut(|d| d.insert_temp(key, (pass, height)));
    shown.inner
}

/// Whether the hurt vignette holds still: no flashing or less motion asked for.
fn hurt_is_steady(
    picture: &crate::settings::PictureSettings,
    access: &crate::settings::AccessibilitySettings,
) -> bool {
    access.reduce_flashing || picture.reduce_motion
}

/// How strongly the screen's edges redden at `seconds` on egui's clock: pulsing five
/// times in a little over six seconds, or held still when `steady`.
fn hurt_strength(seconds: f32, steady: bool) -> f32 {
    let pulse = if steady {
        0.6
    } else {
        0.5 + 0.5 * (seconds * 5.0).sin()
    };
    0.35 + 0.3 * pulse
}

/// A soft red vignette at `strength` (0 to 1): clear in the middle, deepening towards
/// the edges and most in the corners, drawn as one mesh of vertex colours.
fn hurt_vignette(ctx: &egui::Context, strength: f32) {
    let rect = ctx.viewport_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Background,
        "hurt_vignette".into(),
    ));
    let edge = theme::colours(ctx).danger;
    let colour = |alpha: f32| {
        egui::Color32::from_rgba_unmultiplied(
            edge.r(),
            edge.g(),
            edge.b(),
            (alpha.clamp(0.0, 1.0) * 255.0) as u8,
        )
    };
    // Rings from the clear middle out to the screen's edge, as an ellipse of the
    // screen's shape; the outermost ring reaches past the corners.
    const SEGMENTS: usize = 48;
    const RINGS: [(f32, f32); 4] = [(0.62, 0.0), (0.82, 0.25), (1.0, 0.6), (1.5, 1.0)];
    let centre = rect.center();
    let half = rect.size() * 0.5;
    let mut mesh = egui::Mesh::default();
    for (radius, alpha) in RINGS {
        for k in 0..SEGMENTS {
            let angle = k as f32 / SEGMENTS as f32 * std::f32::consts::TAU;
            let at = centre + egui::vec2(angle.cos() * half.x, angle.sin() * half.y) * radius;
            mesh.colored_vertex(at, colour(alpha * strength));
        }
    }
    let n = SEGMENTS as u32;
    for ring in 0..RINGS.len() as u32 - 1 {
        for k in 0..n {
            let (a, b) = (ring * n + k, ring * n + (k + 1) % n);
            mesh.add_triangle(a, b, a + n);
            mesh.add_triangle(b, b + n, a + n);
        }
    }
    painter.add(egui::Shape::mesh(mesh));
}

/// Near the core: whether the way to the dreamer is open, and what opens it.
fn core_hint(
    ctx: &egui::Context,
    dive: &ActiveDive,
    dream: &CurrentDream,
    juno: Vec3,
    moments: &HudMoments,
) {
    let name = &dive.spec.dreamer.name;
    let near = juno.xz().distance(dream.core.position.xz()) < 16.0;
    let text = if moments.core_opened.is_some() {
        format!("The way to {name} is open: go to the white pillar of light")
    } else if near && !dive.core_open() {
        let missing = dive.spec.dream.core.anchors_needed - dive.understood.len();
        format!(
            "A veil keeps you from {name}: understand {missing} more memor{} (the coloured pillars)",
            if missing == 1 { "y" } else { "ies" }
        )
    } else if near {
        format!("{name} is here: step up to them")
    } else {
        return;
    };
    egui::Area::new("hud_core".into())
        // Warnings come and go with what hurts: at full strength at once.
        .fade_in(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 24.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                // Narrow enough to stay clear of the status panel at the top left.
                ui.set_max_width(440.0);
                ui.label(egui::RichText::new(text).color(theme::MEMORY).size(17.0));
            });
        });
}

/// Level files edited during play: a broken edit is shown with where it is broken (the
/// last good version plays on); a good one is acknowledged for a few seconds.
fn level_messages(ctx: &egui::Context, report: &LevelReport, moments: &HudMoments) {
    let new: Vec<&String> = report
        .errors
        .iter()
        .filter(|e| !moments.known_problems.contains(e))
        .collect();
    if new.is_empty() && moments.reloaded.is_none() {
        return;
    }
    egui::Area::new("hud_levels".into())
        .anchor(egui::Align2::RIGHT_TOP, [-16.0, 16.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                ui.set_max_width(560.0);
                if new.is_empty() {
                    if let Some((files, _)) = &moments.reloaded {
                        ui.colored_label(theme::ACCENT, format!("Reloaded {files}"));
                    }
                    return;
                }
                let heading = if report.kept.is_empty() {
                    "Level file problem: the file is left out"
                } else {
                    "Level file problem: playing the last good version"
                };
                ui.colored_label(theme::WARNING, egui::RichText::new(heading).strong());
                for error in new.iter().take(4) {
                    ui.label(egui::RichText::new(*error).monospace().size(12.0));
                }
                if new.len() > 4 {
                    ui.label(format!("… and {} more", new.len() - 4));
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_flashing_asked_for_the_hurt_vignette_holds_still() {
        use crate::settings::{AccessibilitySettings, PictureSettings};
        let over_a_second = |picture: PictureSettings, access: AccessibilitySettings| {
            let steady = hurt_is_steady(&picture, &access);
            let strengths: Vec<f32> = (0..60)
                .map(|frame| hurt_strength(frame as f32 / 60.0, steady))
                .collect();
            let (low, high) = strengths
                .iter()
                .fold((f32::MAX, f32::MIN), |(l, h), s| (l.min(*s), h.max(*s)));
            high - low
        };
        let picture = PictureSettings::default();
        let access = AccessibilitySettings::default();
        assert!(over_a_second(picture, access) > 0.25, "it pulses");
        let no_flashing = AccessibilitySettings {
            reduce_flashing: true,
            ..default()
        };
        assert_eq!(over_a_second(picture, no_flashing), 0.0, "steady");
        let less_motion = PictureSettings {
            reduce_motion: true,
            ..default()
        };
        assert_eq!(over_a_second(less_motion, access), 0.0, "steady");
        assert!(hurt_strength(0.3, true) > 0.4, "still shown, as a tint");
    }

    /// A hazard's warning and what the dream's people say both sit above the controls
    /// line: each alone in its place, together stacked, neither covering the other.
    #[test]
    fn a_warning_and_peoples_lines_do_not_cover_each_other() {
        use crate::dream::HazardKind;
        use crate::levels::Library;
        use egui_kittest::Harness;

        struct Shown {
            warning: bool,
            lines: bool,
        }
        let mut hurt = Lucidity::full();
        hurt.drain(0.1, Some(HazardKind::Chaser));
        let said = people::Subtitles(vec![(
            "Nyx".to_owned(),
            "You came. He said you wouldn't. I said you would.".to_owned(),
            0.0,
        )]);
        let library = Library::default();
        let (width, height) = (1280.0, 720.0);
        let mut h = Harness::builder()
            .with_size(egui::vec2(width, height))
            .build_ui_state(
                |ui, shown: &mut Shown| {
                    if shown.warning {
                        hurting(ui.ctx(), &hurt, true);
                    }
                    if shown.lines {
                        people::lines(ui.ctx(), &said, &library);
                    }
                },
                Shown {
                    warning: true,
                    lines: false,
                },
            );
        let rect = |h: &Harness<'_, Shown>, id: &str| {
            h.ctx
                .memory(|m| m.area_rect(egui::Id::new(id)))
                .unwrap_or_else(|| panic!("{id} was shown"))
        };
        let place = height - ABOVE_CONTROLS_LINE;
        h.run_steps(3);
        let warning_alone = rect(&h, "hud_hurting");
        assert!(
            (warning_alone.bottom() - place).abs() < 1.0,
            "{warning_alone:?}"
        );

        *h.state_mut() = Shown {
            warning: false,
            lines: true,
        };
        h.run_steps(3);
        let lines_alone = rect(&h, "hud_people");
        assert!(
            (lines_alone.bottom() - place).abs() < 1.0,
            "{lines_alone:?}"
        );

        h.state_mut().warning = true;
        h.run_steps(3);
        let (warning, lines) = (rect(&h, "hud_hurting"), rect(&h, "hud_people"));
        assert_eq!(warning, warning_alone, "the warning stays where it was");
        assert!(!warning.intersects(lines), "{warning:?} covers {lines:?}");
        assert!(
            lines.bottom() <= warning.top() - STACK_GAP + 0.5,
            "lines above the warning"
        );
        assert!(lines.top() >= 0.0, "on screen");
    }

    /// While a loop forms the screen shows its progress; when the generator failed it
    /// says why and offers the way out.
    #[test]
    fn the_forming_screen_shows_progress_or_the_failure_and_a_way_out() {
        use egui_kittest::Harness;
        use egui_kittest::kittest::Queryable;

        struct Forming {
            failure: Option<&'static str>,
            woke: bool,
        }
        let mut h = Harness::builder()
            .with_size(egui::vec2(800.0, 500.0))
            .build_ui_state(
                |ui, f: &mut Forming| {
                    f.woke |= forming_panel(ui, "Leo's dream…", Some(0.4), f.failure);
                },
                Forming {
                    failure: None,
                    woke: false,
                },
            );
        h.run_steps(2);
        h.get_by_label("Leo's dream…");
        h.get_by_label("the dream is forming");
        assert_eq!(h.query_all_by_label("Wake up").count(), 0);

        h.state_mut().failure = Some("The generator failed on loop 2 of Leo's dream: boom");
        h.run_steps(2);
        h.get_by_label("The dream would not form");
        h.get_by_label("The generator failed on loop 2 of Leo's dream: boom");
        assert_eq!(h.query_all_by_label("the dream is forming").count(), 0);
        h.get_by_label("Wake up").click();
        h.run_steps(2);
        assert!(h.state().woke, "Wake up leaves the dream");
    }
}
