//! The network's history and the analysis the algorithm inspector offers: any parameter
//! against any measure of any cohort, at a lag, over a window. Finding the engagement
//! term is this analysis done on the right pair; nothing else sets the story's flag.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{CohortStats, MINUTES_PER_DAY, Param, Params, Stats};

/// Minutes of history kept: four days.
pub const HISTORY_MINUTES: usize = 4 * MINUTES_PER_DAY as usize;
/// Minutes a cohort needs connected sleepers in for a minute to count in an analysis.
pub const MIN_CONNECTED: u32 = 20;
/// Samples an analysis needs before its result is evidence: four hours of sleep.
pub const MIN_SAMPLES: usize = 240;
/// The correlation that counts as evidence of steering.
pub const EVIDENCE_R: f32 = 0.5;

/// What the network's own telemetry measures of a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Measure {
    Sync,
    Valence,
    Arousal,
    Dependence,
    Risk,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::Sync,
        Measure::Valence,
        Measure::Arousal,
        Measure::Dependence,
        Measure::Risk,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Measure::Sync => "sync",
            Measure::Valence => "emotional valence",
            Measure::Arousal => "arousal",
            Measure::Dependence => "dependence",
            Measure::Risk => "nightmare risk",
        }
    }

    /// Whether it is a sleeper's emotion.
    pub fn is_emotion(self) -> bool {
        matches!(self, Measure::Valence | Measure::Arousal)
    }

    pub fn of(self, c: &CohortStats) -> f32 {
        match self {
            Measure::Sync => c.sync,
            Measure::Valence => c.valence,
            Measure::Arousal => c.arousal,
            Measure::Dependence => c.dependence,
            Measure::Risk => c.risk,
        }
    }
}

/// Which connected sleepers an analysis looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Cohort {
    All,
    /// Dependence at least 0.5.
    Heavy,
    /// Dependence under 0.25.
    Light,
}

impl Cohort {
    pub const ALL: [Cohort; 3] = [Cohort::All, Cohort::Heavy, Cohort::Light];

    pub fn label(self) -> &'static str {
        match self {
            Cohort::All => "all connected sleepers",
            Cohort::Heavy => "heavy users (dependence ≥ 0.5)",
            Cohort::Light => "light users (dependence < 0.25)",
        }
    }

    pub fn of(self, stats: &Stats) -> &CohortStats {
        &stats.cohorts[self as usize]
    }
}

/// The network's parameters and statistics, minute by minute, for the last
/// [`HISTORY_MINUTES`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    minutes: VecDeque<(Params, Stats)>,
}

impl History {
    pub fn push(&mut self, params: Params, stats: Stats) {
        if self.minutes.len() == HISTORY_MINUTES {
            self.minutes.pop_front();
        }
        self.minutes.push_back((params, stats));
    }

    pub fn len(&self) -> usize {
        self.minutes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.minutes.is_empty()
    }

    /// The last `window` minutes, oldest first.
    pub fn recent(&self, window: usize) -> impl DoubleEndedIterator<Item = &(Params, Stats)> {
        self.minutes
            .iter()
            .skip(self.minutes.len().saturating_sub(window))
    }

    /// `param` against `measure` of `cohort` `lag` minutes later, over the last `window`
    /// minutes; only minutes with at least [`MIN_CONNECTED`] sleepers in the cohort count.
    pub fn correlate(&self, query: Query) -> Correlation {
        let all: Vec<&(Params, Stats)> = self.recent(query.window + query.lag).collect();
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for (cause, effect) in all.iter().zip(all.iter().skip(query.lag)) {
            let cohort = query.cohort.of(&effect.1);
            if cohort.connected >= MIN_CONNECTED {
                xs.push(f64::from(cause.0.get(query.param)));
                ys.push(f64::from(query.measure.of(cohort)));
            }
        }
        Correlation {
            query,
            r: pearson(&xs, &ys),
            samples: xs.len(),
        }
    }
}

/// One analysis the player asks for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub param: Param,
    pub measure: Measure,
    pub cohort: Cohort,
    /// Minutes between the parameter and the measure.
    pub lag: usize,
    /// Minutes of history looked at.
    pub window: usize,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            param: Param::LinkGain,
            measure: Measure::Sync,
            cohort: Cohort::All,
            lag: 0,
            window: MINUTES_PER_DAY as usize,
        }
    }
}

/// An analysis' result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Correlation {
    pub query: Query,
    /// Pearson's r; 0 when there is too little data or no variation.
    pub r: f32,
    pub samples: usize,
}

impl Correlation {
    /// Enough samples to mean anything.
    pub fn is_evidence(&self) -> bool {
        self.samples >= MIN_SAMPLES && self.r.is_finite() && self.r.abs() >= EVIDENCE_R
    }

    /// What the console says of it.
    pub fn verdict(&self) -> &'static str {
        if self.samples < MIN_SAMPLES {
            "too few sleeping minutes to tell"
        } else if self.r.abs() >= EVIDENCE_R {
            "strong link"
        } else if self.r.abs() >= 0.25 {
            "weak link"
        } else {
            "no link"
        }
    }
}

/// An analysis Juno pinned to her findings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Finding(pub Correlation);

impl Finding {
    /// Whether it shows the engagement term steering emotions: the hidden parameter,
    /// against an emotion, as strong evidence.
    pub fn reveals_steering(&self) -> bool {
        let q = self.0.query;
        q.param == Param::Continuity && q.measure.is_emotion() && self.0.is_evidence()
    }
}

/// Pearson's correlation coefficient; 0 for fewer than three pairs or a constant series.
pub fn pearson(xs: &[f64], ys: &[f64]) -> f32 {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return 0.0;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs[..n].iter().zip(&ys[..n]) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return 0.0;
    }
    (sxy / (sxx * syy).sqrt()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_lines_and_noise() {
        let xs: Vec<f64> = (0..50).map(f64::from).collect();
        let up: Vec<f64> = xs.iter().map(|x| 2.0 * x + 1.0).collect();
        let down: Vec<f64> = xs.iter().map(|x| -x).collect();
        assert!((pearson(&xs, &up) - 1.0).abs() < 1e-6);
        assert!((pearson(&xs, &down) + 1.0).abs() < 1e-6);
        assert_eq!(pearson(&xs, &vec![3.0; 50]), 0.0);
        assert_eq!(pearson(&xs[..2], &up[..2]), 0.0);
    }
}
