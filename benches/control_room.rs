//! The control room's frame: what egui's part of a frame costs (the panels laid out and
//! drawn, then tessellated into the meshes a renderer is given) on an overloaded network
//! of 12,000 sleepers, with every panel open and with the overview alone. The map is a
//! picture made when the network moves on (`screens::control_room::network_panels`); as
//! a reference, the same map painted cell by cell every frame, as it was before.
//!
//! And the designer's comparison: what a frame's slice of it costs (within its budget)
//! against the 60 network minutes a fixed tick ran before it was sliced.
//!
//! Reported as ratios in one run (scripts/bench.sh): the map as a picture against the map
//! painted cell by cell, every panel open against the overview alone, and the designer's
//! slice against its old tick.

use bevy_egui::egui;
use criterion::{Criterion, criterion_group, criterion_main};
use sleep_sync::campaign::{Desk, Panel};
use sleep_sync::controls::ControlState;
use sleep_sync::dev::testing::shipped_library;
use sleep_sync::levels::Library;
use sleep_sync::screens::control_room::{DeskControls, network_map, show};
use sleep_sync::theme;

/// One frame at `time`: `draw` in a 1280×720 window, tessellated as a renderer would be
/// given it.
fn frame(ctx: &egui::Context, time: f64, mut draw: impl FnMut(&mut egui::Ui)) -> usize {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 720.0),
        )),
        time: Some(time),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, &mut draw);
    output.textures_delta.clear();
    let meshes = ctx.tessellate(output.shapes, output.pixels_per_point);
    meshes.len()
}

/// The control room's panels, as the game shows them.
fn room(desk: &Desk, library: &Library) -> impl FnMut(&mut egui::Ui) {
    let controls = DeskControls::with_defaults(ControlState::default());
    move |ui: &mut egui::Ui| {
        show(ui.ctx(), desk, library, &controls);
    }
}

/// The reference: the map as it was painted before it became a picture, cell by cell
/// every frame from each sleeper's snapshot, with a halo around each loop.
fn map_cell_by_cell(desk: &Desk) -> impl FnMut(&mut egui::Ui) {
    move |ui: &mut egui::Ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            const COLUMNS: usize = 120;
            let count = desk.network.len();
            let per_cell = count.div_ceil(COLUMNS * 100).max(1);
            let cells = count.div_ceil(per_cell);
            let rows = cells.div_ceil(COLUMNS);
            let width = ui.available_width().min(480.0);
            let cell = width / COLUMNS as f32;
            let (rect, _) =
                ui.allocate_exact_size(egui::vec2(width, cell * rows as f32), egui::Sense::click());
            let painter = ui.painter_at(rect);
            let colours = theme::colours(ui.ctx());
            painter.rect_filled(rect, 0.0, egui::Color32::from_rgb(6, 10, 20));
            let time = ui.input(|i| i.time) as f32;
            let mut halos = Vec::new();
            for c in 0..cells {
                let (mut risk, mut looping) = (0.0f32, false);
                for i in c * per_cell..((c + 1) * per_cell).min(count) {
                    if let Some(s) = desk.network.sleeper(i) {
                        risk = risk.max(s.risk);
                        looping |= s.looping;
                    }
                }
                let colour = if looping {
                    let low = theme::LOOP_THROB_LOW;
                    colours.looping_lit(
                        low + (1.0 - low) * 0.5 * (1.0 + (time * 3.0 - c as f32 * 0.07).sin()),
                    )
                } else {
                    colours.at_risk(risk)
                };
                let at =
                    rect.min + egui::vec2((c % COLUMNS) as f32 * cell, (c / COLUMNS) as f32 * cell);
                let square = egui::Rect::from_min_size(at, egui::vec2(cell, cell));
                painter.rect_filled(square, 0.0, colour);
                if looping {
                    halos.push(square);
                }
            }
            let halo = colours.looping.gamma_multiply_u8(18);
            for square in halos {
                painter.rect_filled(square.expand(cell * 0.9), cell, halo);
            }
        });
    }
}

fn benches(c: &mut Criterion) {
    let library = shipped_library();
    let story = library.story.clone();
    let mut desk = Desk::new(&story);
    let trapped: Vec<usize> = desk.family.iter().map(|(i, _)| *i).collect();
    desk.network.overload(&trapped);
    desk.network.run(600);
    let looping = desk.network.map_cells(1).filter(|cell| cell.1).count();
    println!(
        "control room: {} sleepers, {looping} in a loop",
        desk.network.len()
    );

    let mut group = c.benchmark_group("control_room");
    group.sample_size(20);
    for (name, panels) in [
        ("overview_frame", vec![Panel::Overview]),
        ("all_panels_frame", Panel::ALL.to_vec()),
    ] {
        let mut desk = desk.clone();
        desk.open = panels.into_iter().collect();
        let ctx = egui::Context::default();
        let mut time = 0.0;
        let mut draw = room(&desk, &library);
        group.bench_function(name, |b| {
            b.iter(|| {
                time += 1.0 / 60.0;
                frame(&ctx, time, &mut draw)
            })
        });
    }
    // The map alone, in a frame of its own: as a picture (between the network's minutes,
    // and made again every frame, as at the fastest speed without the limit on remaking
    // it) and painted cell by cell.
    let mut moving = desk.clone();
    for (name, moves) in [
        ("map_picture_frame", false),
        ("map_picture_remade_frame", true),
    ] {
        let ctx = egui::Context::default();
        let mut time = 0.0;
        group.bench_function(name, |b| {
            b.iter_batched(
                // The network's next minute, outside the time measured.
                || {
                    if moves {
                        moving.network.run(1);
                    }
                    moving.clone()
                },
                |now| {
                    time += 1.0;
                    frame(&ctx, time, |ui| {
                        egui::CentralPanel::default().show(ui, |ui| network_map(ui, &now));
                    })
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    let ctx = egui::Context::default();
    let mut time = 0.0;
    let mut draw = map_cell_by_cell(&desk);
    group.bench_function("map_cell_by_cell_frame", |b| {
        b.iter(|| {
            time += 1.0 / 60.0;
            frame(&ctx, time, &mut draw)
        })
    });
    // The designer's comparison: a frame's slice within its budget, against the 60
    // minutes a fixed tick ran before it was sliced (and a single minute).
    use sleep_sync::campaign::DESIGN_MINUTES_PER_FRAME;
    use sleep_sync::campaign::design::DesignRun;
    use sleep_sync::long_work::WORK_FRAME_BUDGET;
    let rules = desk.design.rules;
    let seed = desk.network.seed();
    let mut run = DesignRun::new(seed, rules);
    let fresh = |run: &mut DesignRun| {
        if run.done() {
            *run = DesignRun::new(seed, rules);
        }
    };
    group.bench_function("design_frame_slice", |b| {
        b.iter(|| {
            fresh(&mut run);
            let began = std::time::Instant::now();
            run.advance_while(DESIGN_MINUTES_PER_FRAME, || {
                began.elapsed() < WORK_FRAME_BUDGET
            })
        })
    });
    group.bench_function("design_60_minutes", |b| {
        b.iter(|| {
            fresh(&mut run);
            run.advance(60)
        })
    });
    group.bench_function("design_minute", |b| {
        b.iter(|| {
            fresh(&mut run);
            run.advance(1)
        })
    });
    group.finish();
}

criterion_group!(control_room, benches);
criterion_main!(control_room);
