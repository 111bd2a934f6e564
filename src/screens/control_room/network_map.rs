//! The control room's map of the network: a cell per sleeper (or per few), coloured by
//! nightmare risk, loops lit and throbbing. Drawn from pictures made when the network
//! moves on, not painted cell by cell each frame.

use bevy_egui::egui;

use crate::campaign::Desk;
use crate::settings::Palette;
use crate::theme;

/// The map's columns.
const MAP_COLUMNS: usize = 120;
/// The map's background, where no sleeper is.
const MAP_GROUND: egui::Color32 = egui::Color32::from_rgb(6, 10, 20);
/// The loops' throb ripples across the map: its phase moves this far (radians) per cell.
const RIPPLE_PER_CELL: f32 = 0.07;
/// Cells whose throb is in step, drawn as one: the ripple in this many steps a wave.
const THROB_BANDS: usize = 12;
/// A loop's halo over a neighbouring cell, as the alpha of the loop's colour over it.
const HALO_ALPHA: f32 = 18.0 / 255.0;
/// egui is drawn into an sRGB target and blended in linear light: a colour's brightness
/// scaled by `k` in sRGB is scaled by about `k` to this power in linear light.
const SRGB_GAMMA: f32 = 2.2;
/// The most often the map's pictures are made again (seconds): at the fastest speed the
/// network has a new minute nearly every frame.
const MAP_REMAKE_SECONDS: f64 = 0.1;

/// The grid: sleepers per cell, cells, rows.
fn map_grid(count: usize) -> (usize, usize, usize) {
    let per_cell = count.div_ceil(MAP_COLUMNS * 100).max(1);
    let cells = count.div_ceil(per_cell);
    (per_cell, cells, cells.div_ceil(MAP_COLUMNS))
}

/// The throb band of cell `c`: its place in the ripple's wave.
fn throb_band(c: usize) -> usize {
    let phase = (c as f32 * RIPPLE_PER_CELL).rem_euclid(std::f32::consts::TAU);
    ((phase / std::f32::consts::TAU * THROB_BANDS as f32) as usize).min(THROB_BANDS - 1)
}

/// What the map's pictures show: which network (its seed), its state (its minute, its
/// interventions and when the last was), the palette and the grid's size.
#[derive(Debug, Clone, Copy, PartialEq)]
struct MapMadeFor {
    seed: u64,
    minute: u64,
    interventions: usize,
    last_intervention: Option<u64>,
    palette: Palette,
    count: usize,
}

/// The map as pictures, made again only when what they show changed (at most every
/// [`MAP_REMAKE_SECONDS`]), not painted cell by cell each frame: the cells' colours,
/// loops lit at full with their halos, and one mask per throb band that dims that
/// band's loops as they throb. Kept in egui's memory: the panel keeps no other state.
#[derive(Clone)]
struct MapPictures {
    made_for: MapMadeFor,
    made_at: f64,
    cells: egui::TextureHandle,
    throbs: Vec<egui::TextureHandle>,
}

/// The cells' colours and the throb bands' masks for `desk`'s network now, `rows` rows
/// of [`MAP_COLUMNS`].
fn map_images(
    desk: &Desk,
    colours: &theme::Colours,
    per_cell: usize,
    rows: usize,
) -> (egui::ColorImage, Vec<egui::ColorImage>) {
    let size = [MAP_COLUMNS, rows];
    let cells: Vec<(f32, bool)> = desk.network.map_cells(per_cell).collect();
    let looping = |column: isize, row: isize| -> bool {
        (0..MAP_COLUMNS as isize).contains(&column)
            && row >= 0
            && cells
                .get(row as usize * MAP_COLUMNS + column as usize)
                .is_some_and(|cell| cell.1)
    };
    let lit = colours.looping_lit(1.0);
    let mut picture = vec![MAP_GROUND; MAP_COLUMNS * rows];
    let mut masks = vec![vec![egui::Color32::TRANSPARENT; MAP_COLUMNS * rows]; THROB_BANDS];
    for (c, &(risk, in_loop)) in cells.iter().enumerate() {
        if in_loop {
            picture[c] = lit;
            masks[throb_band(c)][c] = egui::Color32::BLACK;
            continue;
        }
        // Loops glow past their cells: each neighbouring loop's halo over this one.
        let (column, row) = ((c % MAP_COLUMNS) as isize, (c / MAP_COLUMNS) as isize);
        let halos = (-1..=1)
            .flat_map(|dy| (-1..=1).map(move |dx| (dx, dy)))
            .filter(|&(dx, dy)| looping(column + dx, row + dy))
            .count();
        // Blended in linear light, as the halos drawn over the cells were.
        let glow = 1.0 - (1.0 - HALO_ALPHA).powi(halos as i32);
        let under = egui::Rgba::from(colours.at_risk(risk));
        picture[c] = (under * (1.0 - glow) + egui::Rgba::from(colours.looping) * glow).into();
    }
    let image = |pixels| egui::ColorImage::new(size, pixels);
    (image(picture), masks.into_iter().map(image).collect())
}

/// The map's pictures for `desk` now, made again when what they show has changed.
fn map_pictures(ui: &egui::Ui, desk: &Desk, per_cell: usize, rows: usize) -> MapPictures {
    let id = egui::Id::new("network-map-pictures");
    let journal = desk.network.journal();
    let made_for = MapMadeFor {
        seed: desk.network.seed(),
        minute: desk.network.minute(),
        interventions: journal.len(),
        last_intervention: journal.last().map(|(minute, _)| *minute),
        palette: theme::palette(ui.ctx()),
        count: desk.network.len(),
    };
    let now = ui.input(|i| i.time);
    let kept: Option<MapPictures> = ui.ctx().data(|d| d.get_temp(id));
    if let Some(kept) = &kept
        && (kept.made_for == made_for
            || (kept.made_for.palette == made_for.palette
                && kept.made_for.count == made_for.count
                && now - kept.made_at < MAP_REMAKE_SECONDS))
    {
        return kept.clone();
    }
    let (picture, masks) = map_images(desk, theme::colours(ui.ctx()), per_cell, rows);
    let options = egui::TextureOptions::NEAREST;
    let pictures = match kept {
        Some(mut kept) if kept.made_for.count == made_for.count => {
            kept.cells.set(picture, options);
            for (texture, mask) in kept.throbs.iter_mut().zip(masks) {
                texture.set(mask, options);
            }
            MapPictures {
                made_for,
                made_at: now,
                ..kept
            }
        }
        _ => MapPictures {
            made_for,
            made_at: now,
            cells: ui.ctx().load_texture("network-map", picture, options),
            throbs: masks
                .into_iter()
                .enumerate()
                .map(|(band, mask)| {
                    ui.ctx()
                        .load_texture(format!("network-map-throb-{band}"), mask, options)
                })
                .collect(),
        },
    };
    ui.ctx().data_mut(|d| d.insert_temp(id, pictures.clone()));
    pictures
}

/// The sleepers as a grid of cells coloured by risk; returns the sleeper clicked. (Public
/// for the control room's benchmark.)
pub fn map(ui: &mut egui::Ui, desk: &Desk) -> Option<usize> {
    let count = desk.network.len();
    let (per_cell, _, rows) = map_grid(count);
    let width = ui.available_width().min(480.0);
    let cell = width / MAP_COLUMNS as f32;
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(width, cell * rows as f32), egui::Sense::click());
    let pictures = map_pictures(ui, desk, per_cell, rows);
    let painter = ui.painter_at(rect);
    let colours = theme::colours(ui.ctx());
    let whole = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    painter.image(pictures.cells.id(), rect, whole, egui::Color32::WHITE);
    // With less motion or no flashing asked for, the loops glow steadily and the alarm
    // frame stays lit.
    let steady = crate::theme::reduce_motion(ui.ctx()) || crate::theme::reduce_flashing(ui.ctx());
    let time = ui.input(|i| i.time) as f32;
    if !steady {
        // Each band's loops dimmed to their throb, the throb rippling across the map
        // as the loops spread. Black at `1 - throb^2.2` over a lit loop is, blended in
        // linear light, about `looping_lit(throb)` (the sRGB curve is not quite a
        // power).
        let low = theme::LOOP_THROB_LOW;
        for (band, mask) in pictures.throbs.iter().enumerate() {
            let phase = (band as f32 + 0.5) / THROB_BANDS as f32 * std::f32::consts::TAU;
            let throb = low + (1.0 - low) * 0.5 * (1.0 + (time * 3.0 - phase).sin());
            let dim = 1.0 - throb.powf(SRGB_GAMMA);
            let dim = egui::Color32::from_black_alpha((dim * 255.0).round() as u8);
            painter.image(mask.id(), rect, whole, dim);
        }
    }
    // The overload's alarm state: the map's frame flashes until the family is free.
    let alarm = desk.network.overloaded().is_some();
    if alarm {
        let flash = if steady {
            1.0
        } else {
            0.5 + 0.5 * (time * 4.0).sin()
        };
        painter.rect_stroke(
            rect.shrink(1.0),
            0.0,
            egui::Stroke::new(
                2.0,
                colours
                    .looping
                    .gamma_multiply_u8((90.0 + 150.0 * flash) as u8),
            ),
            egui::StrokeKind::Inside,
        );
    }
    let at = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())?;
    let column = ((at.x - rect.left()) / cell) as usize;
    let row = ((at.y - rect.top()) / cell) as usize;
    let index = (row * MAP_COLUMNS + column.min(MAP_COLUMNS - 1)) * per_cell;
    (index < count).then_some(index)
}
