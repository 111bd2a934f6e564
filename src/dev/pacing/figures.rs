//! What the frame-pacing run's screens came to: each screen's figures from its frames,
//! and the report's table.

use crate::long_work::{FrameSeen, StepFrames, StepTally};

/// What a screen's frames came to, milliseconds of the game's side of a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct StageFigures {
    /// The screen's name.
    pub stage: String,
    /// Frames measured (after the screen settled).
    pub frames: usize,
    pub median: f32,
    /// The 95th percentile.
    pub p95: f32,
    /// The worst frame while no loop formed or changed.
    pub worst_ordinary: f32,
    /// Loops that began while the screen was measured.
    pub loop_changes: u32,
    /// Frames while a loop formed or changed (the next loop forming in the background
    /// counts).
    pub changing_frames: usize,
    /// The worst of those (0 when there were none).
    pub worst_changing: f32,
    /// The most long work one frame did.
    pub worst_long_work: f32,
    /// The frames while a loop formed or changed by the steps of the change each took
    /// part in: how many, and the worst.
    pub by_steps: Vec<StepFrames>,
}

impl StageFigures {
    /// The figures of `frames` (at least one).
    pub fn of(stage: String, frames: &[FrameSeen], loop_changes: u32) -> Self {
        let mut sorted: Vec<f32> = frames.iter().map(|f| f.millis).collect();
        sorted.sort_by(f32::total_cmp);
        let at = |share: f32| {
            let rank = (share * sorted.len() as f32).ceil() as usize;
            sorted.get(rank.saturating_sub(1)).copied().unwrap_or(0.0)
        };
        let worst = |changing: bool| {
            frames
                .iter()
                .filter(|f| f.changing() == changing)
                .map(|f| f.millis)
                .fold(0.0, f32::max)
        };
        Self {
            stage,
            frames: frames.len(),
            median: at(0.5),
            p95: at(0.95),
            worst_ordinary: worst(false),
            loop_changes,
            changing_frames: frames.iter().filter(|f| f.changing()).count(),
            worst_changing: worst(true),
            worst_long_work: frames.iter().map(|f| f.long_work).fold(0.0, f32::max),
            by_steps: {
                let mut tally = StepTally::default();
                for frame in frames {
                    tally.count(frame.steps, frame.millis);
                }
                tally.sets().collect()
            },
        }
    }

    /// The worst frame of the screen: while a loop changed, if one did, else any.
    pub fn worst(&self) -> f32 {
        if self.changing_frames > 0 {
            self.worst_changing
        } else {
            self.worst_ordinary
        }
    }

    /// [`StageFigures::worst`] against the median (the goal is at most 2).
    pub fn worst_to_median(&self) -> f32 {
        self.worst() / self.median.max(1e-3)
    }
}

/// The report: a table of every screen, then one of the frames while a loop formed or
/// changed, by the steps of the change they took part in.
pub fn table(figures: &[StageFigures]) -> String {
    let mut text = String::from(
        "| screen | frames | median | 95th percentile | worst, no loop changing | loop changes | frames while a loop formed or changed | worst of those | worst of those (or of any, with no loop changing) / median | most long work in a frame |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for f in figures {
        let changing = if f.changing_frames > 0 {
            format!("{:.2} ms", f.worst_changing)
        } else {
            "–".to_owned()
        };
        text.push_str(&format!(
            "| {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} | {changing} | {:.2}× | {:.2} ms |\n",
            f.stage,
            f.frames,
            f.median,
            f.p95,
            f.worst_ordinary,
            f.loop_changes,
            f.changing_frames,
            f.worst_to_median(),
            f.worst_long_work,
        ));
    }
    let changing = figures.iter().filter(|f| !f.by_steps.is_empty());
    for (at, f) in changing.enumerate() {
        if at == 0 {
            text.push_str(
                "\n| screen | steps of a loop's change | frames | worst | worst / the screen's median |\n|---|---|---|---|---|\n",
            );
        }
        for set in &f.by_steps {
            text.push_str(&format!(
                "| {} | {} | {} | {:.2} ms | {:.2}× |\n",
                f.stage,
                set.steps,
                set.frames,
                set.worst,
                set.worst / f.median.max(1e-3)
            ));
        }
    }
    text
}
