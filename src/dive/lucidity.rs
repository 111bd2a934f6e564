//! Lucidity: how clearly Juno knows she is dreaming. Time wears it down, the fear's
//! hazards wear it faster, memory anchors give it back. At zero the loop collapses.

use bevy::prelude::*;

use crate::state::DiveResources;

use super::ActiveDive;
use crate::dream::HazardKind;

/// Juno's lucidity, 0 (lost) to 1 (fully lucid), and what has been wearing it down.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Lucidity {
    level: f32,
    /// Ticks since each hazard kind last drained her (index: [`HazardKind::ALL`]),
    /// `u32::MAX` if it never did this loop.
    since_hurt: [u32; HazardKind::ALL.len()],
    /// Lucidity each kind took this loop.
    taken: [f32; HazardKind::ALL.len()],
}

impl Default for Lucidity {
    fn default() -> Self {
        Self::full()
    }
}

impl Lucidity {
    /// A full meter, nothing hurting.
    pub fn full() -> Self {
        Self {
            level: 1.0,
            since_hurt: [u32::MAX; HazardKind::ALL.len()],
            taken: [0.0; HazardKind::ALL.len()],
        }
    }

    /// 0 to 1.
    pub fn level(&self) -> f32 {
        self.level
    }

    /// Whether it has run out.
    pub fn is_gone(&self) -> bool {
        self.level <= 0.0
    }

    /// Takes `amount` away (never below 0), by `cause` if a hazard did it.
    pub fn drain(&mut self, amount: f32, cause: Option<HazardKind>) {
        // NaN and negative amounts take nothing.
        if amount.is_nan() || amount <= 0.0 {
            return;
        }
        let taken = amount.min(self.level);
        self.level = (self.level - amount).max(0.0);
        if let Some(kind) = cause {
            let i = kind.index();
            self.since_hurt[i] = 0;
            self.taken[i] += taken;
        }
    }

    /// Gives `amount` back (never above 1).
    pub fn refill(&mut self, amount: f32) {
        if amount > 0.0 {
            self.level = (self.level + amount).min(1.0);
        }
    }

    /// The hazards that drained her within the last `ticks` ticks, most recent first.
    pub fn hurting(&self, ticks: u32) -> Vec<HazardKind> {
        let mut recent: Vec<(u32, HazardKind)> = HazardKind::ALL
            .iter()
            .map(|&k| (self.since_hurt[k.index()], k))
            .filter(|(t, _)| *t <= ticks)
            .collect();
        recent.sort_by_key(|(t, _)| *t);
        recent.into_iter().map(|(_, k)| k).collect()
    }

    /// How much lucidity `kind` took in this loop.
    pub fn taken_by(&self, kind: HazardKind) -> f32 {
        self.taken[kind.index()]
    }

    /// One tick older: the "hurting" readouts age.
    fn age(&mut self) {
        for t in &mut self.since_hurt {
            *t = t.saturating_add(1);
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    // age_readouts and wear_down run in the dive's fixed-step order (`super::simulate`).
    app.init_dive_resource::<Lucidity>();
}

pub(super) fn age_readouts(mut lucidity: ResMut<Lucidity>) {
    lucidity.age();
}

/// Time alone wears lucidity down.
pub(super) fn wear_down(time: Res<Time>, dive: Res<ActiveDive>, mut lucidity: ResMut<Lucidity>) {
    let rules = &dive.spec.dream.nightmare;
    lucidity.drain(
        time.delta_secs() / rules.lucidity_seconds / dive.pace(),
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_refills_and_stops_at_the_ends() {
        let mut l = Lucidity::full();
        l.drain(0.3, None);
        assert!((l.level() - 0.7).abs() < 1e-6);
        l.refill(0.5);
        assert_eq!(l.level(), 1.0, "never above full");
        l.drain(0.4, Some(HazardKind::Watcher));
        l.drain(5.0, Some(HazardKind::Chaser));
        assert_eq!(l.level(), 0.0, "never below empty");
        assert!(l.is_gone());
        assert!((l.taken_by(HazardKind::Watcher) - 0.4).abs() < 1e-6);
        assert!(
            (l.taken_by(HazardKind::Chaser) - 0.6).abs() < 1e-6,
            "a hazard is charged only what there was to take"
        );
        l.drain(f32::NAN, Some(HazardKind::Strings));
        l.drain(-1.0, None);
        assert_eq!(l.level(), 0.0, "nonsense drains change nothing");
    }

    #[test]
    fn what_hurt_her_is_known_and_fades() {
        let mut l = Lucidity::full();
        assert!(l.hurting(30).is_empty());
        l.drain(0.01, Some(HazardKind::Watcher));
        l.age();
        l.drain(0.01, Some(HazardKind::Strings));
        assert_eq!(
            l.hurting(30),
            vec![HazardKind::Strings, HazardKind::Watcher],
            "most recent first"
        );
        for _ in 0..31 {
            l.age();
        }
        assert!(l.hurting(30).is_empty(), "an old hurt is no longer shown");
    }
}
