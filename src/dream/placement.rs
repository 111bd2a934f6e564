//! What the dream places for Juno to find and to fear: memory anchors, props and the
//! hazards' starting points, all on ground she can reach, with a way kept open to each.

use std::collections::HashMap;

use bevy::math::{Vec2, Vec3};

use super::fear::{FearTag, HazardKind, PropKind};
use super::ground::Ground;
use super::heightfield::Heightfield;
use super::recipe::DreamRecipe;
use super::rng::{DreamRng, mix_seed};
use super::spawn::Site;

/// How high above the ground an anchor floats, metres.
pub const ANCHOR_HOVER: f32 = 1.2;

/// One prop: what it is and where it stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prop {
    pub kind: PropKind,
    /// Foot of the prop, on the ground.
    pub position: Vec3,
    /// Heading as a fraction of a full turn, 0..1.
    pub turn: f32,
    /// Size relative to the prop's usual size, 0.7..1.3.
    pub scale: f32,
}

/// Where one of the fear's hazards starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HazardSpawn {
    pub kind: HazardKind,
    /// On the ground.
    pub position: Vec3,
}

/// Whether a sample is at least `clearance` metres (horizontally) from every point in
/// `taken` beyond that point's own radius.
fn is_clear(
    hf: &Heightfield,
    (x, z): (usize, usize),
    taken: &[(Vec3, f32)],
    clearance: f32,
) -> bool {
    let at = hf.world_xz(x, z);
    taken
        .iter()
        .all(|(p, r)| at.distance(Vec2::new(p.x, p.z)) >= r + clearance)
}

/// Points drawn so far, filed by grid square (a square's side is the spacing), so a new
/// draw is measured only against the points in the 3 × 3 squares around it: any point
/// nearer than the spacing lies there.
struct Spread {
    spacing: f32,
    squares: HashMap<(i64, i64), Vec<Vec2>>,
}

impl Spread {
    fn new(spacing: f32) -> Self {
        Self {
            spacing,
            squares: HashMap::new(),
        }
    }

    fn square(&self, at: Vec2) -> (i64, i64) {
        let side = self.spacing.max(f32::MIN_POSITIVE);
        ((at.x / side).floor() as i64, (at.y / side).floor() as i64)
    }

    /// Whether `at` is at least the spacing from every point, and how many distances
    /// that took.
    fn is_spaced(&self, at: Vec2) -> (bool, u64) {
        let (sx, sz) = self.square(at);
        let mut checks = 0;
        for dz in -1..=1 {
            for dx in -1..=1 {
                for p in self.squares.get(&(sx + dx, sz + dz)).into_iter().flatten() {
                    checks += 1;
                    if p.distance(at) < self.spacing {
                        return (false, checks);
                    }
                }
            }
        }
        (true, checks)
    }

    fn add(&mut self, at: Vec2) {
        let square = self.square(at);
        self.squares.entry(square).or_default().push(at);
    }
}

/// Draws up to `count` cells from `candidates` that `accept` and that are at least
/// `spacing` metres from the ones drawn before. Gives up after 40 draws per wanted cell.
/// Checks run on drawn cells only, and each against the few drawn near it, so the cost
/// grows with `count`, not with the candidates or its square.
fn draw_spread(
    ground: &Ground,
    candidates: &[(usize, usize)],
    count: usize,
    spacing: f32,
    rng: &mut DreamRng,
    accept: impl Fn((usize, usize)) -> bool,
) -> Vec<(usize, usize)> {
    let hf = &ground.hf;
    let mut drawn: Vec<(usize, usize)> = Vec::with_capacity(count);
    if candidates.is_empty() {
        return drawn;
    }
    let mut spread = Spread::new(spacing);
    for _ in 0..count * 40 {
        if drawn.len() == count {
            break;
        }
        let cell = candidates[rng.below(candidates.len())];
        let at = hf.world_xz(cell.0, cell.1);
        let (spaced, checks) = spread.is_spaced(at);
        ground.work.draw(checks);
        if spaced && accept(cell) {
            drawn.push(cell);
            spread.add(at);
        }
    }
    drawn
}

/// A fear picked at random, weighted by the recipe's weights.
fn pick_fear(recipe: &DreamRecipe, rng: &mut DreamRng) -> FearTag {
    let mut roll = rng.next_f32();
    for fear in &recipe.fears {
        if roll < fear.weight {
            return fear.tag;
        }
        roll -= fear.weight;
    }
    recipe.fears.last().map_or(FearTag::Abandonment, |f| f.tag)
}

/// Props stand on gentle, reachable ground whose 5 × 5 neighbourhood is reachable (a
/// cheap first filter; [`keep_the_way_open`] makes sure they block nothing); each kind
/// comes from one of the dreamer's fears, drawn by weight.
pub(super) fn place_props(
    ground: &Ground,
    reachable: &[bool],
    site: &Site,
    recipe: &DreamRecipe,
    taken: &[(Vec3, f32)],
) -> Vec<Prop> {
    let n = ground.n();
    let hf = &ground.hf;
    let open_around = |(x, z): (usize, usize)| {
        x >= 2
            && z >= 2
            && x + 2 < n
            && z + 2 < n
            && (z - 2..=z + 2).all(|zz| (x - 2..=x + 2).all(|xx| reachable[zz * n + xx]))
    };
    let candidates = ground.open(reachable, 0.8);
    let mut rng = DreamRng::new(mix_seed(site.seed, 0x9809));
    let accept = |c: (usize, usize)| {
        site.distance_from_spawn(hf, c) > 10.0 && is_clear(hf, c, taken, 1.5) && open_around(c)
    };
    draw_spread(
        ground,
        &candidates,
        recipe.prop_count,
        6.0,
        &mut rng,
        accept,
    )
    .into_iter()
    .map(|(x, z)| Prop {
        kind: pick_fear(recipe, &mut rng).prop(),
        position: hf.world_point(x, z),
        turn: rng.next_f32(),
        scale: 0.7 + 0.6 * rng.next_f32(),
    })
    .collect()
}

/// Samples covered by the props' solid parts, widened by Juno's body: she cannot stand
/// there.
fn prop_mask(ground: &Ground, props: &[Prop]) -> Vec<bool> {
    let hf = &ground.hf;
    let n = ground.n();
    let mut blocked = vec![false; n * n];
    for prop in props {
        let radius = prop.kind.footprint() * prop.scale;
        if radius <= 0.0 {
            continue;
        }
        let at = Vec2::new(prop.position.x, prop.position.z);
        for (x, z) in hf.samples_within(at, radius + ground.limits.body_radius) {
            blocked[z * n + x] = true;
        }
    }
    blocked
}

/// Whether some reachable sample lies within `radius` metres of `at`.
fn reachable_near(hf: &Heightfield, reachable: &[bool], at: Vec3, radius: f32) -> bool {
    let n = hf.samples();
    hf.samples_within(Vec2::new(at.x, at.z), radius)
        .any(|(x, z)| reachable[z * n + x])
}

/// Most flood fills [`keep_the_way_open`] runs for `props` props: one with all of
/// them, one per halving, and one with none.
pub(super) const fn way_fills(props: usize) -> usize {
    2 + props.next_power_of_two().trailing_zeros() as usize
}

/// Props are solid: with them standing, the flood fill is run again, and the props are
/// kept up to the longest run of them (in the order placed) that still lets Juno reach
/// the anchors, the core and every prop kept. `reachable` becomes what Juno can reach
/// around the props.
///
/// Each prop only takes ground away, so if a run of props keeps the way open, so does
/// every shorter run: the longest is found by halving, in about log₂(props) flood fills
/// rather than one per prop taken away.
pub(super) async fn keep_the_way_open(
    ground: &Ground,
    start: (usize, usize),
    props: &mut Vec<Prop>,
    must_reach: &[Vec3],
    reachable: &mut Vec<bool>,
) {
    let open_with = async |kept: usize| way_open(ground, start, &props[..kept], must_reach).await;
    // Nearly always every prop can stand: one fill shows it.
    if let Some(reach) = open_with(props.len()).await {
        *reachable = reach;
        return;
    }
    // The way is open with `low` props (none at worst) and closed with `high`.
    let (mut low, mut high) = (0, props.len());
    let mut open_at_low = None;
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        match open_with(mid).await {
            Some(reach) => (low, open_at_low) = (mid, Some(reach)),
            None => high = mid,
        }
    }
    // With no props standing the way is as it was before them: always "open".
    let open_at_low = match open_at_low {
        Some(reach) => Some(reach),
        None => open_with(0).await,
    };
    if let Some(reach) = open_at_low {
        *reachable = reach;
    }
    props.truncate(low);
}

/// What Juno can reach from `start` with the `standing` props in the way, if she can
/// still reach every point of `must_reach` and come near every prop (with none
/// standing, the ground as it is).
async fn way_open(
    ground: &Ground,
    start: (usize, usize),
    standing: &[Prop],
    must_reach: &[Vec3],
) -> Option<Vec<bool>> {
    let hf = &ground.hf;
    let n = ground.n();
    let blocked = prop_mask(ground, standing);
    let reach = ground.reach_avoiding(start, Some(&blocked)).await;
    let at = |p: Vec3| {
        let (x, z) = hf.nearest_sample(Vec2::new(p.x, p.z));
        reach[z * n + x]
    };
    let open = must_reach.iter().all(|&p| at(p))
        && standing.iter().all(|p| {
            // Beside it: on coarse ground at least the samples around the one it stands on.
            let around = (p.kind.footprint() * p.scale + ground.limits.body_radius + 1.0)
                .max(hf.cell() * 1.5);
            reachable_near(hf, &reach, p.position, around)
        });
    (open || standing.is_empty()).then_some(reach)
}

/// Hazards start on reachable dry ground well away from the spawn (so a loop never
/// opens on one) and from the core. The first ones cover the dreamer's fears in order
/// of weight; the rest are drawn by weight.
pub(super) fn place_hazards(
    ground: &Ground,
    reachable: &[bool],
    site: &Site,
    recipe: &DreamRecipe,
    taken: &[(Vec3, f32)],
) -> Vec<HazardSpawn> {
    let hf = &ground.hf;
    let extent = hf.extent();
    let candidates = ground.open(reachable, 0.7);
    let mut rng = DreamRng::new(mix_seed(site.seed, 0x4A2A));
    let mut by_weight = recipe.fears.clone();
    by_weight.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let mut kinds: Vec<HazardKind> = Vec::new();
    for fear in &by_weight {
        if !kinds.contains(&fear.tag.hazard()) {
            kinds.push(fear.tag.hazard());
        }
    }
    // A dream file's own kinds replace the fears' choice.
    let chosen = &recipe.hazard_kinds;
    if !chosen.is_empty() {
        kinds = chosen.clone();
    }
    // Inside the rim, where the dream is played.
    let inside = |(x, z): (usize, usize)| {
        let p = hf.world_xz(x, z);
        p.x.abs().max(p.y.abs()) < extent * 0.5 * 0.8
    };
    let accept = |c: (usize, usize)| {
        site.distance_from_spawn(hf, c) > extent * 0.15 && inside(c) && is_clear(hf, c, taken, 1.0)
    };
    draw_spread(
        ground,
        &candidates,
        recipe.hazard_count,
        extent * 0.08,
        &mut rng,
        accept,
    )
    .into_iter()
    .enumerate()
    .map(|(i, (x, z))| HazardSpawn {
        kind: match kinds.get(i) {
            Some(&kind) => kind,
            None if !chosen.is_empty() => chosen[rng.below(chosen.len())],
            None => pick_fear(recipe, &mut rng).hazard(),
        },
        position: hf.world_point(x, z),
    })
    .collect()
}

/// Picks anchor cells among reachable dry ones: away from the spawn (an eighth to two
/// fifths of the dream's size) and from what is already `taken`, spread apart, on gentle
/// ground. Falls back to the farthest reachable cells when the preferred band is empty.
pub(super) fn place_anchors(
    ground: &Ground,
    reachable: &[bool],
    site: &Site,
    count: usize,
    taken: &[(Vec3, f32)],
) -> Vec<Vec3> {
    let hf = &ground.hf;
    let extent = hf.extent();
    // Reachable and dry: wading is fine for walking, not for a memory to wait in.
    let reachable_cells = ground.open(reachable, -1.0);
    let mut candidates: Vec<(usize, usize)> = reachable_cells
        .iter()
        .copied()
        .filter(|&c| {
            let d = site.distance_from_spawn(hf, c);
            d > extent * 0.12 && d < extent * 0.4 && ground.normal_y(c) > 0.85
        })
        .collect();
    let clear = |c: (usize, usize)| is_clear(hf, c, taken, 2.0);
    if candidates.is_empty() {
        candidates = reachable_cells;
        let distance = |c: &(usize, usize)| site.distance_from_spawn(hf, *c);
        candidates.sort_by(|a, b| distance(b).total_cmp(&distance(a)));
        candidates.truncate(count.max(1) * 8);
    }
    let mut rng = DreamRng::new(site.seed);
    let min_spacing = extent * 0.1;
    let mut anchors: Vec<Vec3> = Vec::with_capacity(count);
    let mut tries = 0;
    while anchors.len() < count && !candidates.is_empty() {
        let cell = candidates[rng.below(candidates.len())];
        let point = hf.world_point(cell.0, cell.1) + Vec3::Y * ANCHOR_HOVER;
        tries += 1;
        // Spacing and clearance are wishes, not rules: after enough tries any reachable
        // cell will do.
        let spaced = anchors.iter().all(|a| a.distance(point) >= min_spacing) && clear(cell);
        if spaced || tries > 200 {
            anchors.push(point);
        }
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dream::pace::run_to_end;
    use crate::dream::reach::MovementLimits;
    use crate::dream::{GenOptions, GenWork};

    /// Flat ground `n` samples a side, a metre apart.
    fn flat(n: usize) -> Ground {
        let hf = Heightfield::from_heights(n, 1.0, vec![0.0; n * n]);
        let one = GenOptions::single_threaded();
        run_to_end(Ground::new(
            hf,
            &MovementLimits::default().planning(),
            None,
            &one,
        ))
    }

    fn prop(ground: &Ground, kind: PropKind, (x, z): (usize, usize)) -> Prop {
        Prop {
            kind,
            position: ground.hf.world_point(x, z),
            turn: 0.0,
            scale: 1.0,
        }
    }

    #[test]
    fn the_spread_grid_agrees_with_measuring_every_point() {
        let mut rng = DreamRng::new(7);
        for spacing in [0.5, 3.0, 6.0, 40.0] {
            let mut spread = Spread::new(spacing);
            let mut all: Vec<Vec2> = Vec::new();
            for _ in 0..2_000 {
                let at = Vec2::new(
                    rng.next_f32() * 200.0 - 100.0,
                    rng.next_f32() * 200.0 - 100.0,
                );
                let brute = all.iter().all(|p| p.distance(at) >= spacing);
                let (spaced, checks) = spread.is_spaced(at);
                assert_eq!(spaced, brute, "{at} at spacing {spacing}");
                assert!(checks <= GenWork::CHECKS_PER_DRAW, "{checks} checks");
                if spaced {
                    spread.add(at);
                    all.push(at);
                }
            }
            assert!(all.len() > 10, "spacing {spacing}: {} points", all.len());
        }
    }

    /// A wall of props across the way to the core, placed after some harmless ones and
    /// followed by many more: the props kept are the longest run that leaves the way
    /// open, found in a few flood fills, not one per prop taken away.
    #[test]
    fn the_way_is_kept_open_in_a_logarithmic_number_of_fills() {
        let n = 65;
        let ground = flat(n);
        let start = (4, 32);
        let core = ground.hf.world_point(60, 32);
        let mut props: Vec<Prop> = (0..10)
            .map(|i| prop(&ground, PropKind::EmptyChair, (10 + 4 * i, 6)))
            .collect();
        props.extend((0..=32).map(|i| prop(&ground, PropKind::BrokenStair, (36, 2 * i))));
        let wall_ends = props.len();
        props.extend((0..600).map(|i| prop(&ground, PropKind::Clock, (8 + i % 20, 50 + i / 60))));
        let all = props.len();
        let placed = props.clone();
        let mut reachable = run_to_end(ground.reach(start));
        let before = ground.work.counted().flood_fills;
        run_to_end(keep_the_way_open(
            &ground,
            start,
            &mut props,
            &[core],
            &mut reachable,
        ));
        let fills = ground.work.counted().flood_fills - before;
        let kept = props.len();
        assert!(kept > 10 && kept < wall_ends, "kept {kept} of {all}");
        assert!(
            run_to_end(way_open(&ground, start, &props, &[core])).is_some(),
            "open with {kept}"
        );
        assert_eq!(props, placed[..kept], "the first ones placed are kept");
        assert!(
            run_to_end(way_open(&ground, start, &placed[..=kept], &[core])).is_none(),
            "the next prop of the wall closes the way"
        );
        assert!(
            fills <= way_fills(all) as u64,
            "{fills} fills for {all} props (at most {})",
            way_fills(all)
        );
        let (x, z) = ground.hf.nearest_sample(Vec2::new(core.x, core.z));
        assert!(
            reachable[z * n + x],
            "the core is reachable around what was kept"
        );
    }
}
