//! What a replay file may hold: every value within what the recorder writes, so nothing
//! a file holds can overflow a count, index past a list or play on without end. Checked
//! as level files are ([`LevelDoc`]): each problem named by its field and located.

use super::file::{MAX_REPLAY_BYTES, MAX_REPLAY_TICKS, ReplayFile};
use super::trace::CHECK_EVERY;
use crate::dive::MAX_LOOP_INDEX;
use crate::levels::strangers::sleeper_of;
use crate::levels::{Checks, LevelDoc, MAX_ANCHORS, MAX_CHOICES};
use crate::settings::DREAM_PACE;

/// A walk component's range, thousandths of a full stick
/// ([`TickIntent::walk`](crate::juno::TickIntent::walk)).
const WALK: i64 = 1000;
/// The longest walk, squared: a full stick, with room for each component's rounding.
const WALK_SQUARED: i64 = (WALK + 1) * (WALK + 1);
/// A heading's range, ten-thousandths of a radian: one turn
/// ([`TickIntent::yaw`](crate::juno::TickIntent::yaw)).
const YAW_TURN: i32 = 62_832;
/// The most entries of each of the story's sets a replay carries (a story's flags are
/// its choices: a big mod's campaign has a few dozen).
const MAX_STORY_FACTS: usize = 1024;

impl LevelDoc for ReplayFile {
    const KIND: &'static str = "replay file";
    const MAX_BYTES: usize = MAX_REPLAY_BYTES;

    fn check(&self, c: &mut Checks) {
        let version = |s: &str| {
            !s.is_empty()
                && s.len() <= 32
                && s.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "._+-".contains(ch))
        };
        if !version(&self.game) {
            c.fail(
                "game",
                "expected a version of 1 to 32 letters, digits, '.', '_', '+' or '-'",
            );
        }
        // Empty in a file that does not say (it is for messages only).
        if !self.platform.is_empty() && !version(&self.platform) {
            c.fail(
                "platform",
                "expected a platform of 1 to 32 letters, digits, '.', '_', '+' or '-'",
            );
        }
        if sleeper_of(&self.dream).is_none() {
            c.id("dream", &self.dream);
        }
        if self.start_loop > MAX_LOOP_INDEX {
            c.fail(
                "start_loop",
                format!("expected 0 to {MAX_LOOP_INDEX}, found {}", self.start_loop),
            );
        }
        if self.understood.len() > MAX_ANCHORS
            || self.understood.last().is_some_and(|&i| i >= MAX_ANCHORS)
        {
            c.fail(
                "understood",
                format!(
                    "expected at most {MAX_ANCHORS} memories, numbered 0 to {}",
                    MAX_ANCHORS - 1
                ),
            );
        }
        if self.relapses > MAX_LOOP_INDEX {
            c.fail(
                "relapses",
                format!("expected 0 to {MAX_LOOP_INDEX}, found {}", self.relapses),
            );
        }
        if !(self.content.len() == 16 && self.content.bytes().all(|b| b.is_ascii_hexdigit())) {
            c.fail("content", "expected a fingerprint of 16 hexadecimal digits");
        }
        if self.ticks > MAX_REPLAY_TICKS {
            c.fail(
                "ticks",
                format!(
                    "expected at most {MAX_REPLAY_TICKS} (an hour), found {}",
                    self.ticks
                ),
            );
        }
        let mut last = None;
        for (i, &(tick, x, y, _, yaw)) in self.intents.iter().enumerate() {
            self.tick_in_order(c, "intents", i, tick, &mut last);
            let (x, y) = (i64::from(x), i64::from(y));
            if x.abs() > WALK || y.abs() > WALK || x * x + y * y > WALK_SQUARED {
                c.fail(
                    format_args!("intents[{i}]"),
                    format!("walk ({x}, {y}) is longer than a full stick ({WALK} thousandths)"),
                );
            }
            if !(0..=YAW_TURN).contains(&yaw) {
                c.fail(
                    format_args!("intents[{i}]"),
                    format!("heading {yaw}: expected 0 to {YAW_TURN}"),
                );
            }
        }
        let mut last = None;
        for (i, &(tick, choice)) in self.answers.iter().enumerate() {
            self.tick_in_order(c, "answers", i, tick, &mut last);
            if choice >= MAX_CHOICES {
                c.fail(
                    format_args!("answers[{i}]"),
                    format!("answer {choice}: a line offers at most {MAX_CHOICES}"),
                );
            }
        }
        let mut last = None;
        for (i, &(tick, _)) in self.checkpoints.iter().enumerate() {
            self.tick_in_order(c, "checkpoints", i, tick, &mut last);
            // Every CHECK_EVERY ticks, and the last (where the dreamer was freed).
            if !tick.is_multiple_of(CHECK_EVERY) && tick != self.ticks {
                c.fail(
                    format_args!("checkpoints[{i}]"),
                    format!(
                        "tick {tick}: checkpoints are every {CHECK_EVERY} ticks, and at the last played ({})",
                        self.ticks
                    ),
                );
            }
        }
        self.check_story(c);
        if !(DREAM_PACE.0..=DREAM_PACE.1).contains(&self.pace) {
            c.fail(
                "pace",
                format!(
                    "expected {} to {} (the assist's slower dreams), found {}",
                    DREAM_PACE.0, DREAM_PACE.1, self.pace
                ),
            );
        }
        match (self.stranger, sleeper_of(&self.dream)) {
            (Some(key), Some(n)) if key.profile.sleeper != n => c.fail(
                "stranger",
                format!(
                    "holds sleeper {}, but the dream is sleeper {n}'s",
                    key.profile.sleeper
                ),
            ),
            (Some(_), None) => c.fail("stranger", "only a stranger's dream (sleeper#N) has one"),
            (None, Some(_)) => c.fail(
                "stranger",
                "a stranger's dream needs who they were (their network seed and profile)",
            ),
            _ => {}
        }
        self.check_outcome(c);
    }
}

impl ReplayFile {
    /// The tick of `list[i]` (an intent change or an answer): after the one before it,
    /// within the ticks played.
    fn tick_in_order(
        &self,
        c: &mut Checks,
        list: &str,
        i: usize,
        tick: u64,
        last: &mut Option<u64>,
    ) {
        if tick > self.ticks {
            c.fail(
                format_args!("{list}[{i}]"),
                format!("tick {tick} is after the last played ({})", self.ticks),
            );
        }
        if let Some(before) = *last
            && tick <= before
        {
            c.fail(
                format_args!("{list}[{i}]"),
                format!("tick {tick} is not after the one before ({before})"),
            );
        }
        *last = Some(tick);
    }

    /// What the story knew: ids, and not more of them than a story has.
    fn check_story(&self, c: &mut Checks) {
        let s = &self.story;
        let sizes = [
            ("story.flags", s.flags.len()),
            ("story.beats", s.beats.len()),
            ("story.sunk", s.sunk.len()),
            ("story.freed", s.freed.len()),
        ];
        for (field, n) in sizes {
            if n > MAX_STORY_FACTS {
                c.fail(
                    field,
                    format!("expected at most {MAX_STORY_FACTS} entries, found {n}"),
                );
            }
        }
        let ids = (s.flags.iter().map(|f| ("story.flags", f)))
            .chain(s.sunk.iter().map(|f| ("story.sunk", f)))
            .chain(s.freed.iter().map(|f| ("story.freed", f)))
            .take(3 * MAX_STORY_FACTS);
        for (field, id) in ids {
            if sleeper_of(id).is_none() {
                c.id(field, id);
            }
        }
    }

    /// How the dive ended: counts a dive can reach.
    fn check_outcome(&self, c: &mut Checks) {
        let o = &self.outcome;
        if o.loops == 0 || o.loops > MAX_LOOP_INDEX + 1 {
            c.fail(
                "outcome.loops",
                format!("expected 1 to {}, found {}", MAX_LOOP_INDEX + 1, o.loops),
            );
        }
        if o.anchors > MAX_ANCHORS {
            c.fail(
                "outcome.anchors",
                format!("expected at most {MAX_ANCHORS}, found {}", o.anchors),
            );
        }
        if o.relapses > MAX_LOOP_INDEX {
            c.fail(
                "outcome.relapses",
                format!("expected at most {MAX_LOOP_INDEX}, found {}", o.relapses),
            );
        }
    }
}
