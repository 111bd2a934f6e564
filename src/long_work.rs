//! Long work done without stalling a frame: the next game's desk warming up, a dream
//! forming, the designer's comparison, the glyphs drawn ahead (`theme::GlyphsAhead`,
//! on the frame's thread everywhere). On the desktop the first two run on other
//! threads; in the browser, whose task pools run on the page's one thread, each is done a
//! slice a frame within the frame's share. However the work is sliced, it ends the same.

use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

/// The most of a frame long work may take in a player's game, all kinds together
/// ([`WorkMeter::left`]). A slice goes past it by the piece that crosses it: a minute
/// of the designer's two networks (8,000 sleeper-minutes) or of the desk's 12,000
/// sleepers, or a row or a flood fill of a forming dream, each about a millisecond at
/// most natively, so a frame stays within the 8 ms it may give to such work.
pub const WORK_FRAME_BUDGET: Duration = Duration::from_millis(4);

/// The least of a frame long work the player is waiting on takes (a saved game's network
/// simulated again on Continue, the strangers' network): half the last frame, if that
/// is more ([`FrameShare::while_waiting`]). Its pieces are network minutes, a third of a
/// millisecond each natively, so at 60 frames a second a frame stays within about 8 ms
/// of it.
pub const WAITING_FRAME_BUDGET: Duration = Duration::from_millis(7);

/// The most of a frame such work takes, however long the last frame was: the first
/// frame after a hidden tab (or any stall) is long, and half of it would freeze the
/// next.
pub const MOST_WAITING_FRAME_BUDGET: Duration = Duration::from_millis(50);

/// How many pieces of long work a headless game does a frame: network minutes, or the
/// rows and flood fills of a forming dream.
pub const HEADLESS_PIECES_PER_FRAME: u64 = 60;

/// How much of a frame a slice of long work may take.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameShare {
    /// Until this much time has passed since the slice began: a player's game.
    Time(Duration),
    /// This many pieces (a network minute; a dream's row or flood fill): a headless
    /// game, stepped by a fixed time, so that it runs the same on any machine.
    Pieces(u64),
}

impl Default for FrameShare {
    fn default() -> Self {
        Self::Time(WORK_FRAME_BUDGET)
    }
}

impl FrameShare {
    /// This share, for work the player is waiting on, behind a screen that says so (and
    /// the glyphs drawn ahead at the title, where the frame has little else to do):
    /// half the last frame, at least [`WAITING_FRAME_BUDGET`] and at most
    /// [`MOST_WAITING_FRAME_BUDGET`] (pieces stay as they are). Where frames settle at
    /// 14 ms or more, the waiting screen keeps at least half its frame rate (a frame `f`
    /// long without the work is at most about `2f` with it); where frames are slow
    /// (software rendering) the slices grow with them, so the wait is as short as that
    /// allows.
    pub fn while_waiting(self, last_frame: Duration) -> Self {
        match self {
            Self::Time(_) => {
                Self::Time((last_frame / 2).clamp(WAITING_FRAME_BUDGET, MOST_WAITING_FRAME_BUDGET))
            }
            pieces => pieces,
        }
    }

    /// For a slice beginning now: asked before each piece, whether to do it.
    pub fn more(self) -> impl FnMut() -> bool + Send + 'static {
        let began = bevy::platform::time::Instant::now();
        let mut asked = 0u64;
        move || match self {
            Self::Time(budget) => began.elapsed() < budget,
            Self::Pieces(most) => {
                asked += 1;
                asked <= most
            }
        }
    }
}

/// Where the long work that can leave the frame's thread is done: the next desk's
/// warm-up and forming dreams.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongWork {
    /// On other threads (the desktop).
    Background,
    /// A slice each frame on the frame's thread (the browser; tests may ask for it
    /// natively).
    Slices,
}

impl Default for LongWork {
    fn default() -> Self {
        if cfg!(target_arch = "wasm32") {
            Self::Slices
        } else {
            Self::Background
        }
    }
}

/// A step of a loop's forming and change, as the meter tells frames apart
/// ([`WorkMeter::loop_changing`]): a frame may take part in several (the first frame of
/// a loop's play also begins forming the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStep {
    /// A loop forming: a slice of it on this thread (the browser), or waited for.
    Forming,
    /// The old loop's world taken away; the new ground's collider, and Juno on it.
    Ground,
    /// A few chunks of the new ground's mesh.
    Chunks,
    /// The core and the anchors, a few props or hazards, or one of the dream's people.
    Furnishing,
    /// The loop's first frame of play.
    Beginning,
}

impl ChangeStep {
    pub const ALL: [Self; 5] = [
        Self::Forming,
        Self::Ground,
        Self::Chunks,
        Self::Furnishing,
        Self::Beginning,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Forming => "forming",
            Self::Ground => "ground",
            Self::Chunks => "chunks",
            Self::Furnishing => "furnishing",
            Self::Beginning => "beginning",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The steps of a loop's change one frame took part in (none: an ordinary frame).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeSteps(u8);

/// How many sets of steps there are: every combination of [`ChangeStep::ALL`].
const STEP_SETS: usize = 1 << ChangeStep::ALL.len();

impl ChangeSteps {
    pub fn with(self, step: ChangeStep) -> Self {
        Self(self.0 | step.bit())
    }

    pub fn contains(self, step: ChangeStep) -> bool {
        self.0 & step.bit() != 0
    }

    /// Whether the frame took part in no step: an ordinary frame.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl std::fmt::Display for ChangeSteps {
    /// The steps' names joined by `+` ("forming+beginning"); "none" for none.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut first = true;
        for step in ChangeStep::ALL.into_iter().filter(|&s| self.contains(s)) {
            if !first {
                f.write_str("+")?;
            }
            f.write_str(step.name())?;
            first = false;
        }
        Ok(())
    }
}

/// The frames that took part in one set of a loop change's steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepFrames {
    pub steps: ChangeSteps,
    pub frames: usize,
    /// The longest of them, milliseconds.
    pub worst: f32,
}

/// Frames counted by the set of a loop change's steps each took part in: how many, and
/// the longest (what the meter keeps, and the pacing report).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepTally([(usize, f32); STEP_SETS]);

impl StepTally {
    /// Counts a frame `millis` long that took part in `steps` (an ordinary frame, in
    /// none, is not counted).
    pub fn count(&mut self, steps: ChangeSteps, millis: f32) {
        if steps.is_empty() {
            return;
        }
        let (frames, worst) = &mut self.0[steps.index()];
        *frames += 1;
        *worst = worst.max(millis);
    }

    /// The sets of steps seen, in a fixed order.
    pub fn sets(&self) -> impl Iterator<Item = StepFrames> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, (frames, _))| *frames > 0)
            .map(|(bits, &(frames, worst))| StepFrames {
                steps: ChangeSteps(bits as u8),
                frames,
                worst,
            })
    }
}

/// The meter's resolution, and the longest frame it tells apart (longer ones count as
/// this long): half a second in steps of 0.05 ms.
const BIN_MILLIS: f32 = 0.05;
const BINS: usize = 10_000;

/// How long the game's side of each frame was and how much of it long work took: what
/// the browser test prints against the goals (no frame gives long work more
/// than 8 ms; the worst frame while a loop forms and changes is within twice the median
/// frame). A frame is timed from a system in `First` to one in `Last`: nearly all of
/// the game's own work, not drawing (the renderer runs after, in its own schedules) or
/// waiting for the display. Kept as running figures and a histogram of frame lengths,
/// so a long session costs it nothing more.
#[derive(Resource, Debug)]
pub struct WorkMeter {
    began: Option<Instant>,
    /// This frame's long work so far.
    work: Duration,
    /// The part of it the player was waiting on (behind a screen that says so), or done
    /// at the title in that larger share.
    waiting: Duration,
    /// The steps of a loop's change this frame took part in.
    steps: ChangeSteps,
    /// When the last frame began.
    last_began: Option<Instant>,
    pacing: Pacing,
    /// Frames by length, in steps of [`BIN_MILLIS`].
    lengths: Vec<u32>,
    /// Whole frames (from one frame's start to the next: drawing and waiting included)
    /// by length, likewise.
    whole_lengths: Vec<u32>,
    /// The last frame seen, for a run that keeps every frame's figures.
    last: Option<FrameSeen>,
}

impl Default for WorkMeter {
    fn default() -> Self {
        Self {
            began: None,
            work: Duration::ZERO,
            waiting: Duration::ZERO,
            steps: ChangeSteps::default(),
            last_began: None,
            pacing: Pacing::default(),
            lengths: vec![0; BINS],
            whole_lengths: vec![0; BINS],
            last: None,
        }
    }
}

/// One frame as the meter saw it, milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FrameSeen {
    /// The game's side of the frame (`First` to `Last`).
    pub millis: f32,
    /// Its long work, not counting work the player waited on.
    pub long_work: f32,
    /// Which steps of a loop's forming or change the frame took part in.
    pub steps: ChangeSteps,
}

impl FrameSeen {
    /// Whether a loop was forming or changing.
    pub fn changing(&self) -> bool {
        !self.steps.is_empty()
    }
}

/// The meter's figures, milliseconds (0 where no frame was seen).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pacing {
    /// Frames seen.
    pub frames: u64,
    /// The most long work one frame did (not counting work the player waited on).
    pub worst_work: f32,
    /// The most work the player waited on one frame did (see
    /// [`FrameShare::while_waiting`]).
    pub worst_waiting: f32,
    /// Frames whose long work took more than 8 ms.
    pub frames_over_8ms: u64,
    /// The median frame of the whole run (to [`BIN_MILLIS`]).
    pub median_frame: f32,
    /// Frames while a loop was forming or changing.
    pub changing_frames: u64,
    /// The worst of those.
    pub worst_changing_frame: f32,
    /// Whether the last frame seen was one of those.
    pub changing_now: bool,
    /// Those frames by the steps of the change they took part in, indexed by
    /// [`ChangeSteps`]' bits (see [`Pacing::by_steps`]).
    steps: StepTally,
    /// The median whole frame: from one frame's start to the next, so with the drawing
    /// (the new meshes' upload among it) and the wait for the display. In the browser a
    /// frame is drawn before the next begins; on the desktop the renderer draws a frame
    /// while the next is played (pipelined), so there a frame's drawing falls in the
    /// next one's span.
    pub median_whole_frame: f32,
    /// The worst whole frame while a loop formed or changed (uncapped: a tab hidden
    /// while a loop forms counts the seconds it was hidden).
    pub worst_changing_whole_frame: f32,
}

impl WorkMeter {
    /// Runs `work`, counting its time as this frame's long work.
    pub fn time<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let began = Instant::now();
        let done = work();
        self.work += began.elapsed();
        done
    }

    /// Runs `work` with what is left of `share` this frame ([`WorkMeter::left`]),
    /// counting its time as this frame's long work: how every kind of long work takes
    /// its slice.
    pub fn run<T>(&mut self, share: FrameShare, work: impl FnOnce(FrameShare) -> T) -> T {
        let left = self.left(share);
        self.time(|| work(left))
    }

    /// [`WorkMeter::run`] for work the player is waiting on: with the larger share such
    /// work takes after a frame `last_frame` long ([`FrameShare::while_waiting`]), its
    /// time counted apart ([`WorkMeter::time_waiting`]).
    pub fn run_waiting<T>(
        &mut self,
        share: FrameShare,
        last_frame: Duration,
        work: impl FnOnce(FrameShare) -> T,
    ) -> T {
        let left = self.left(share.while_waiting(last_frame));
        self.time_waiting(|| work(left))
    }

    /// [`WorkMeter::time`] for work the player is waiting on: it takes from the frame's
    /// share all the same, and is reported apart.
    pub fn time_waiting<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let began = Instant::now();
        let done = self.time(work);
        self.waiting += began.elapsed();
        done
    }

    /// What is left of `share` this frame: all kinds of long work share one budget, the
    /// first asked first (a forming dream, in `AppSystems::TickTimers`, before the
    /// desk's warm-up and the designer's comparison). Pieces are counted per kind.
    pub fn left(&self, share: FrameShare) -> FrameShare {
        match share {
            FrameShare::Time(budget) => FrameShare::Time(budget.saturating_sub(self.work)),
            pieces => pieces,
        }
    }

    /// Marks this frame as one while a loop forms or changes, taking part in `step`.
    pub fn loop_changing(&mut self, step: ChangeStep) {
        self.steps = self.steps.with(step);
    }

    /// Forgets the figures so far: a run measured in parts (the browser test measures a
    /// dive from its start, then a loop change alone). Called before a frame begins (as
    /// the page's requests are, `third_party::web`), the figures start with that frame;
    /// called during one, that frame is still counted, and whole frames from the next
    /// frame's start.
    pub fn restart(&mut self) {
        self.last_began = None;
        self.pacing = Pacing::default();
        self.lengths.fill(0);
        self.whole_lengths.fill(0);
    }

    /// The last frame the meter saw end (a system in `Last` after [`end_frame`] reads
    /// this frame's).
    pub fn last_frame(&self) -> Option<FrameSeen> {
        self.last
    }

    /// The figures so far.
    pub fn pacing(&self) -> Pacing {
        Pacing {
            median_frame: median_of(&self.lengths),
            median_whole_frame: median_of(&self.whole_lengths),
            ..self.pacing
        }
    }

    fn begin_frame(&mut self) {
        let now = Instant::now();
        // The last frame, whole: its steps are still the last frame's.
        if let Some(last) = self.last_began {
            let millis = now.duration_since(last).as_secs_f32() * 1000.0;
            self.whole_lengths[bin_of(millis)] += 1;
            if !self.steps.is_empty() {
                let p = &mut self.pacing;
                p.worst_changing_whole_frame = p.worst_changing_whole_frame.max(millis);
            }
        }
        self.last_began = Some(now);
        self.began = Some(now);
        self.work = Duration::ZERO;
        self.waiting = Duration::ZERO;
        self.steps = ChangeSteps::default();
    }

    fn end_frame(&mut self) {
        let Some(began) = self.began.take() else {
            return;
        };
        let millis = began.elapsed().as_secs_f32() * 1000.0;
        let waiting = self.waiting.as_secs_f32() * 1000.0;
        let work = self.work.saturating_sub(self.waiting).as_secs_f32() * 1000.0;
        self.lengths[bin_of(millis)] += 1;
        let changing = !self.steps.is_empty();
        self.last = Some(FrameSeen {
            millis,
            long_work: work,
            steps: self.steps,
        });
        let p = &mut self.pacing;
        p.frames += 1;
        p.worst_work = p.worst_work.max(work);
        p.worst_waiting = p.worst_waiting.max(waiting);
        p.frames_over_8ms += u64::from(work > 8.0);
        p.changing_now = changing;
        if changing {
            p.changing_frames += 1;
            p.worst_changing_frame = p.worst_changing_frame.max(millis);
            p.steps.count(self.steps, millis);
        }
    }
}

impl Pacing {
    /// The frames while a loop formed or changed, by the steps of the change each took
    /// part in: the sets of steps seen, in a fixed order.
    pub fn by_steps(&self) -> impl Iterator<Item = StepFrames> + '_ {
        self.steps.sets()
    }
}

impl std::fmt::Display for Pacing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} frames: long work at most {:.2} ms a frame ({} frames over 8 ms; work waited on at most {:.2} ms); median frame {:.2} ms; {} frames while a loop formed or changed, the worst {:.2} ms ({:.2}× the median); whole frames (drawing included) median {:.2} ms, the worst while a loop changed {:.2} ms ({:.2}×)",
            self.frames,
            self.worst_work,
            self.frames_over_8ms,
            self.worst_waiting,
            self.median_frame,
            self.changing_frames,
            self.worst_changing_frame,
            self.worst_changing_frame / self.median_frame.max(1e-3),
            self.median_whole_frame,
            self.worst_changing_whole_frame,
            self.worst_changing_whole_frame / self.median_whole_frame.max(1e-3),
        )?;
        for (at, set) in self.by_steps().enumerate() {
            let lead = if at == 0 { "; by step: " } else { ", " };
            write!(
                f,
                "{lead}{} at worst {:.2} ms ({} frames)",
                set.steps, set.worst, set.frames
            )?;
        }
        Ok(())
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LongWork>()
        .init_resource::<FrameShare>()
        .init_resource::<WorkMeter>()
        .add_systems(First, begin_frame)
        .add_systems(Last, end_frame);
}

/// The frame's start as the meter sees it.
pub(crate) fn begin_frame(mut meter: ResMut<WorkMeter>) {
    meter.begin_frame();
}

/// The frame's end as the meter sees it: whatever reads the meter in `Last` runs after.
pub fn end_frame(mut meter: ResMut<WorkMeter>) {
    meter.end_frame();
}

/// The histogram bin of a frame `millis` long (longer than the last bin's: the last).
fn bin_of(millis: f32) -> usize {
    ((millis / BIN_MILLIS) as usize).min(BINS - 1)
}

/// The median of a histogram of frame lengths, to [`BIN_MILLIS`] (0 when it is empty).
fn median_of(lengths: &[u32]) -> f32 {
    let frames: u64 = lengths.iter().map(|&count| u64::from(count)).sum();
    let half = frames.div_ceil(2);
    let mut seen = 0u64;
    let median = lengths.iter().position(|&count| {
        seen += u64::from(count);
        seen >= half && half > 0
    });
    median.map_or(0.0, |bin| (bin as f32 + 0.5) * BIN_MILLIS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_waited_on_takes_half_a_frame_within_its_bounds() {
        let ms = Duration::from_millis;
        let waiting = |last| FrameShare::default().while_waiting(last);
        assert_eq!(waiting(ms(10)), FrameShare::Time(WAITING_FRAME_BUDGET));
        assert_eq!(waiting(ms(60)), FrameShare::Time(ms(30)));
        assert_eq!(
            waiting(Duration::from_secs(30)),
            FrameShare::Time(MOST_WAITING_FRAME_BUDGET),
            "the first frame after a hidden tab"
        );
        assert_eq!(
            FrameShare::Pieces(60).while_waiting(ms(60)),
            FrameShare::Pieces(60)
        );
    }

    #[test]
    fn the_frames_share_is_what_other_work_has_left() {
        let mut meter = WorkMeter::default();
        meter.begin_frame();
        meter.time(|| std::thread::sleep(Duration::from_millis(3)));
        let FrameShare::Time(left) = meter.left(FrameShare::Time(Duration::from_millis(40))) else {
            panic!("a time share stays one");
        };
        assert!(
            left <= Duration::from_millis(37) && left > Duration::from_millis(20),
            "{left:?} left of 40 ms after 3 ms of work"
        );
        meter.time_waiting(|| std::thread::sleep(Duration::from_millis(50)));
        meter.end_frame();
        let pacing = meter.pacing();
        assert!(pacing.worst_waiting >= 50.0, "{pacing:?}");
        assert!(
            pacing.worst_work >= 3.0 && pacing.worst_work < 50.0,
            "the work waited on is reported apart: {pacing:?}"
        );
        assert_eq!(pacing.frames, 1);
    }

    /// Each frame is counted once, under the set of steps it took part in, and the
    /// figures name them.
    #[test]
    fn frames_are_told_apart_by_the_steps_of_the_change() {
        let mut meter = WorkMeter::default();
        let mut frame = |steps: &[ChangeStep], millis: u64| {
            meter.begin_frame();
            for &step in steps {
                meter.loop_changing(step);
            }
            std::thread::sleep(Duration::from_millis(millis));
            meter.end_frame();
        };
        frame(&[], 1);
        frame(&[ChangeStep::Forming], 1);
        frame(&[ChangeStep::Forming], 3);
        frame(&[ChangeStep::Ground], 2);
        frame(&[ChangeStep::Beginning, ChangeStep::Forming], 6);
        let p = meter.pacing();
        let seen: Vec<(String, usize)> = p
            .by_steps()
            .map(|set| (set.steps.to_string(), set.frames))
            .collect();
        assert_eq!(
            seen,
            [
                ("forming".to_owned(), 2),
                ("ground".to_owned(), 1),
                ("forming+beginning".to_owned(), 1)
            ]
        );
        let worst = |name: &str| {
            p.by_steps()
                .find(|set| set.steps.to_string() == name)
                .map(|set| set.worst)
                .unwrap()
        };
        assert!(worst("forming") >= 3.0, "{p}");
        assert!(worst("forming+beginning") >= 6.0, "{p}");
        assert_eq!(p.changing_frames, 4);
        assert!(
            p.to_string().contains("; by step: forming at worst "),
            "{p}"
        );
        assert_eq!(ChangeSteps::default().to_string(), "none");
        // Restarted, the meter counts from the next frame it sees end.
        meter.restart();
        assert_eq!(meter.pacing(), Pacing::default());
        meter.begin_frame();
        meter.loop_changing(ChangeStep::Chunks);
        meter.end_frame();
        let p = meter.pacing();
        assert_eq!((p.frames, p.changing_frames), (1, 1));
        let seen: Vec<String> = p.by_steps().map(|set| set.steps.to_string()).collect();
        assert_eq!(seen, ["chunks"]);
    }

    /// A whole frame runs from its start to the next frame's, drawing included, and is
    /// counted against the frame whose work it drew: the one that changed a loop puts
    /// its new ground's upload in its own whole frame, not the next one's.
    #[test]
    fn a_whole_frame_is_counted_against_the_frame_it_drew() {
        let mut meter = WorkMeter::default();
        let mut frame = |changing: bool, drawing: u64| {
            meter.begin_frame();
            if changing {
                meter.loop_changing(ChangeStep::Ground);
            }
            meter.end_frame();
            std::thread::sleep(Duration::from_millis(drawing));
        };
        for _ in 0..6 {
            frame(false, 2);
        }
        frame(true, 30);
        // A long frame that changed nothing, after it.
        frame(false, 250);
        for _ in 0..6 {
            frame(false, 2);
        }
        meter.begin_frame();
        meter.end_frame();
        let p = meter.pacing();
        assert!(
            (30.0..250.0).contains(&p.worst_changing_whole_frame),
            "the changing frame's drawing, not the next one's: {p}"
        );
        assert!(p.worst_changing_frame < 30.0, "the game's side alone: {p}");
        assert!(
            (2.0..30.0).contains(&p.median_whole_frame),
            "an ordinary whole frame: {p}"
        );
        assert_eq!(p.changing_frames, 1);
    }
}
