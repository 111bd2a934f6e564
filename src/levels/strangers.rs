//! Who a stranger is (issue 21): the rules that turn a sleeper of the network into a
//! person — a name, an age, a line about their life, a figure and the fears their
//! simulated nights give them. One `NAME.strangers.ron` file (the base game's is
//! `levels/strangers/rules.strangers.ron`; a mod's replaces it whole). `docs/strangers.md`
//! describes the mapping.
//!
//! Everything here is a pure function of the network's seed, the sleeper's number and
//! their [`SleeperProfile`] (whole hundredths), computed with nothing but `+ - * /` and
//! comparisons, so it is the same on every platform.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::fear_template::{
    PERSON_SLOTS, STRANGER_ANCHORS, Slots, TemplateNext, TemplateNode, check_section,
};
use super::figure::Figure;
use crate::dream::{FearTag, FearWeight, mix_seed};
use crate::network::SleeperProfile;

/// The fewest names of each kind: with fewer, strangers a few numbers apart would share
/// them too often.
const MIN_NAMES: usize = 40;
const MAX_NAMES: usize = 2000;
const MAX_LIVES: usize = 400;
const MAX_RULES: usize = 60;

/// What the stranger rules file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrangerRules {
    /// Given names and family names, one of each drawn per sleeper.
    pub given: Vec<String>,
    pub family: Vec<String>,
    /// Youngest and oldest sleeper, years.
    pub ages: (u8, u8),
    /// Lines about a sleeper's life: one drawn from those whose `when` holds.
    pub lives: Vec<Life>,
    /// How the simulated measures weigh the fears.
    pub fears: Vec<FearRule>,
    /// Each fear's weight starts at a draw in `[0, noise)`, so two sleepers with the same
    /// measures still differ.
    pub noise: f32,
    /// How many fears a stranger keeps, strongest first: 3.
    pub kept: usize,
    /// The talk's last part, after the fears' parts: where the dreamer is freed. Slots:
    /// `{given}`, `{family}`, `{age}`, `{voice}` (the strongest fear's voice).
    pub closing: Vec<TemplateNode>,
    /// How a stranger's dream plays.
    pub dream: StrangerDream,
}

/// How a stranger's dream plays.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrangerDream {
    /// Seconds a loop lasts.
    pub loop_seconds: f32,
    /// Memories Juno must hold before the way to the dreamer opens (of the 5).
    pub anchors_needed: usize,
}

/// A line about a sleeper's life, said when its conditions hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Life {
    pub text: String,
    /// All must hold. Optional: always.
    #[serde(default)]
    pub when: Vec<LifeCond>,
}

/// What a life line may depend on: only what never changes about a sleeper.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum LifeCond {
    /// Goes to sleep at or after this hour of the evening (21.5 is half past nine;
    /// hours after midnight are written 24 and up).
    BedtimeAfter(f32),
    BedtimeBefore(f32),
    /// Sleeps fewer hours than this.
    SleepUnder(f32),
    SleepOver(f32),
    AgeUnder(u8),
    AgeOver(u8),
    /// The network's steering takes hold of them more (less) than this, 0 to 1.
    SteeredOver(f32),
    SteeredUnder(f32),
}

/// A fear's weight grows with a measure: by `weight` times how far the measure is
/// from `from` towards `to` (0 before `from`, 1 at and past `to`; `to` may be below
/// `from`, for a fear that grows as a measure falls).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FearRule {
    pub fear: FearTag,
    pub measure: Measure,
    pub from: f32,
    pub to: f32,
    pub weight: f32,
}

/// What the network knows of a sleeper that a fear rule can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// Nightmare risk now, 0 to 1.
    Risk,
    /// Dependence on the network now, 0 to 1.
    Dependence,
    /// Arousal now, 0 to 1.
    Arousal,
    /// Mood now, −1 to 1.
    Mood,
    /// The lowest mood of their last day, −1 to 1.
    LowMood,
    /// How far their mood swung over the last day, 0 to 2.
    MoodSwing,
    /// Share of the last day spent in a loop, 0 to 1.
    DayInLoop,
    /// Hours in the loop they are in now.
    LoopHours,
    /// How strongly the network's steering takes hold of them, 0 to 1.
    Steered,
    /// The mood they return to, −1 to 1.
    Calm,
    /// Of tonight and the two nights before, how many their group shared a session, 0–3.
    SharedNights,
    /// Hours they sleep.
    SleepHours,
}

impl Measure {
    pub const ALL: [Measure; 12] = [
        Measure::Risk,
        Measure::Dependence,
        Measure::Arousal,
        Measure::Mood,
        Measure::LowMood,
        Measure::MoodSwing,
        Measure::DayInLoop,
        Measure::LoopHours,
        Measure::Steered,
        Measure::Calm,
        Measure::SharedNights,
        Measure::SleepHours,
    ];

    /// The measure's value for `p`. Made from whole numbers by one division, so it is
    /// exactly the same wherever it is computed.
    pub fn of(self, p: &SleeperProfile) -> f32 {
        let hundredths = |v: f32| v / 100.0;
        match self {
            Measure::Risk => hundredths(f32::from(p.risk)),
            Measure::Dependence => hundredths(f32::from(p.dependence)),
            Measure::Arousal => hundredths(f32::from(p.arousal)),
            Measure::Mood => hundredths(f32::from(p.valence)),
            Measure::LowMood => hundredths(f32::from(p.low_mood)),
            Measure::MoodSwing => hundredths(f32::from(p.mood_swing)),
            Measure::DayInLoop => hundredths(f32::from(p.day_in_loop)),
            Measure::LoopHours => p.loop_minutes.min(1 << 20) as f32 / 60.0,
            Measure::Steered => hundredths(f32::from(p.susceptibility)),
            Measure::Calm => hundredths(f32::from(p.calm)),
            Measure::SharedNights => f32::from(p.shared_nights),
            Measure::SleepHours => f32::from(p.sleep_minutes) / 60.0,
        }
    }

    /// The values it can take, for checking rules.
    fn range(self) -> std::ops::RangeInclusive<f32> {
        match self {
            Measure::Mood | Measure::LowMood | Measure::Calm => -1.0..=1.0,
            Measure::MoodSwing => 0.0..=2.0,
            Measure::LoopHours => 0.0..=72.0,
            Measure::SharedNights => 0.0..=3.0,
            Measure::SleepHours => 0.0..=15.0,
            _ => 0.0..=1.0,
        }
    }
}

impl FearRule {
    /// What this rule adds to its fear's weight for `p`.
    pub fn weigh(&self, p: &SleeperProfile) -> f32 {
        let along = (self.measure.of(p) - self.from) / (self.to - self.from);
        self.weight * along.clamp(0.0, 1.0)
    }
}

/// A sleeper as a person: who they are and what they fear.
#[derive(Debug, Clone, PartialEq)]
pub struct Stranger {
    pub sleeper: usize,
    /// The seed everything about them is drawn from (the network's and their number).
    pub seed: u64,
    pub given: String,
    pub family: String,
    pub age: u8,
    /// A line about their life, slots filled.
    pub life: String,
    pub colour: [u8; 3],
    pub figure: Figure,
    /// Their fears, strongest first, `kept` of them.
    pub fears: Vec<FearWeight>,
    /// The profile they were made from.
    pub profile: SleeperProfile,
}

impl Stranger {
    /// "Ada Okafor".
    pub fn name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }

    /// The dive's id: `sleeper#4711`. No level file's id can hold a `#`.
    pub fn dive_id(&self) -> String {
        dive_id(self.sleeper)
    }
}

/// What a stranger's dive is made from, with the level files: the network's seed and
/// who they were when Juno linked to them. A dive that carries it can be put together
/// again (a level file edited mid-dive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrangerKey {
    pub network_seed: u64,
    pub profile: SleeperProfile,
}

/// The dive id of sleeper `n`'s dream.
pub fn dive_id(sleeper: usize) -> String {
    format!("sleeper#{sleeper}")
}

/// The sleeper a dive id names, if it names one (written as [`dive_id`] writes it).
pub fn sleeper_of(dive: &str) -> Option<usize> {
    let n = dive.strip_prefix("sleeper#")?;
    let sleeper: usize = (n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| n.parse().ok())
        .flatten()?;
    (dive_id(sleeper) == dive).then_some(sleeper)
}

/// Draws from one seed: `pick(salt, n)` is the same for the same seed and salt.
#[derive(Debug, Clone, Copy)]
pub(super) struct Draw(pub u64);

impl Draw {
    pub fn number(self, salt: u64) -> u64 {
        mix_seed(self.0, salt)
    }
    /// An index below `n` (0 when `n` is 0).
    pub fn pick(self, salt: u64, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.number(salt) % n as u64) as usize
    }
    /// A number in `[0, 1)`, from 24 bits: exact in an `f32`.
    pub fn unit(self, salt: u64) -> f32 {
        (self.number(salt) >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// The salts of a stranger's draws.
mod salt {
    pub const GIVEN: u64 = 1;
    pub const FAMILY: u64 = 2;
    pub const AGE: u64 = 3;
    pub const LIFE: u64 = 4;
    pub const COLOUR: u64 = 5;
    pub const FEAR: u64 = 100;
}

/// The seed a stranger is drawn from: the network's seed and their number.
pub fn stranger_seed(network_seed: u64, sleeper: usize) -> u64 {
    mix_seed(network_seed ^ 0x5354_5241_4E47_4552, sleeper as u64)
}

/// Fills `{given}`, `{family}` and `{age}`.
pub(super) fn person_text(text: &str, given: &str, family: &str, age: u8) -> String {
    text.replace("{given}", given)
        .replace("{family}", family)
        .replace("{age}", &age.to_string())
}

impl LifeCond {
    fn holds(self, age: u8, bedtime: u16, sleep_minutes: u16, steered: u8) -> bool {
        // The evening's hours run on past midnight: 1 a.m. is 25.
        let bed = f32::from(bedtime) / 60.0;
        let bed = if bed < 12.0 { bed + 24.0 } else { bed };
        let hours = f32::from(sleep_minutes) / 60.0;
        let steered = f32::from(steered) / 100.0;
        match self {
            LifeCond::BedtimeAfter(h) => bed >= h,
            LifeCond::BedtimeBefore(h) => bed < h,
            LifeCond::SleepUnder(h) => hours < h,
            LifeCond::SleepOver(h) => hours >= h,
            LifeCond::AgeUnder(a) => age < a,
            LifeCond::AgeOver(a) => age >= a,
            LifeCond::SteeredOver(s) => steered >= s,
            LifeCond::SteeredUnder(s) => steered < s,
        }
    }
}

impl StrangerRules {
    /// Sleeper `profile.sleeper` of the network seeded `network_seed`, as a person. Their
    /// name, age, life and figure depend on the seed and number only; their fears on the
    /// profile too.
    pub fn stranger(&self, network_seed: u64, profile: &SleeperProfile) -> Stranger {
        let seed = stranger_seed(network_seed, profile.sleeper);
        let draw = Draw(seed);
        let given = self.given[draw.pick(salt::GIVEN, self.given.len())].clone();
        let family = self.family[draw.pick(salt::FAMILY, self.family.len())].clone();
        let (young, old) = (self.ages.0.min(self.ages.1), self.ages.0.max(self.ages.1));
        let age = young + draw.pick(salt::AGE, usize::from(old - young) + 1) as u8;
        let lives: Vec<&Life> = self
            .lives
            .iter()
            .filter(|l| {
                l.when.iter().all(|c| {
                    c.holds(
                        age,
                        profile.bedtime,
                        profile.sleep_minutes,
                        profile.susceptibility,
                    )
                })
            })
            .collect();
        let life = lives
            .get(draw.pick(salt::LIFE, lives.len()))
            .map_or_else(String::new, |l| person_text(&l.text, &given, &family, age));
        let colour = hue(draw.unit(salt::COLOUR));
        let mut figure = Figure::from_seed(&dive_id(profile.sleeper), colour);
        if age >= 60 {
            // Grey comes with the years.
            figure.palette.hair = if age >= 72 { "#d8d4cc" } else { "#9a958e" }.to_owned();
        }
        Stranger {
            sleeper: profile.sleeper,
            seed,
            given,
            family,
            age,
            life,
            colour,
            figure,
            fears: self.fears_of(seed, profile),
            profile: *profile,
        }
    }

    /// The fears a profile gives, strongest first (ties in declaration order).
    pub fn fears_of(&self, seed: u64, profile: &SleeperProfile) -> Vec<FearWeight> {
        let draw = Draw(seed);
        let mut weights: Vec<(FearTag, f32)> = FearTag::ALL
            .iter()
            .enumerate()
            .map(|(i, &tag)| (tag, self.noise * draw.unit(salt::FEAR + i as u64)))
            .collect();
        for rule in &self.fears {
            if let Some((_, w)) = weights.iter_mut().find(|(t, _)| *t == rule.fear) {
                *w += rule.weigh(profile);
            }
        }
        // A stable sort: equal weights keep FearTag order.
        weights.sort_by(|a, b| b.1.total_cmp(&a.1));
        weights
            .into_iter()
            .take(self.kept.clamp(1, FearTag::ALL.len()))
            .map(|(tag, weight)| FearWeight {
                tag,
                // A fear's weight is above 0 (a dreamer file's rule), however faint.
                weight: weight.max(0.01),
            })
            .collect()
    }
}

/// A saturated colour of hue `h` (0..1), for the control room and the figure's clothes.
fn hue(h: f32) -> [u8; 3] {
    let sector = (h * 6.0).clamp(0.0, 5.999);
    let f = sector - sector.floor();
    let (hi, lo) = (230.0, 70.0);
    let up = lo + (hi - lo) * f;
    let down = hi - (hi - lo) * f;
    let [r, g, b] = match sector as u8 {
        0 => [hi, up, lo],
        1 => [down, hi, lo],
        2 => [lo, hi, up],
        3 => [lo, down, hi],
        4 => [up, lo, hi],
        _ => [hi, lo, down],
    };
    [r as u8, g as u8, b as u8]
}

impl LevelDoc for StrangerRules {
    const KIND: &'static str = "stranger rules";

    fn check(&self, c: &mut Checks) {
        for (field, names) in [("given", &self.given), ("family", &self.family)] {
            if names.len() < MIN_NAMES || names.len() > MAX_NAMES {
                c.fail(
                    field,
                    format!(
                        "expected {MIN_NAMES} to {MAX_NAMES} names, found {}",
                        names.len()
                    ),
                );
            }
            for (i, name) in names.iter().enumerate().take(MAX_NAMES) {
                c.text(format_args!("{field}[{i}]"), name, 24);
                if names[..i].contains(name) {
                    c.fail(
                        format_args!("{field}[{i}]"),
                        format!("{name:?} is listed twice"),
                    );
                }
            }
        }
        let (young, old) = self.ages;
        if young < 16 || old > 100 || young > old {
            c.fail(
                "ages",
                format!("expected (youngest, oldest) within 16 to 100, found ({young}, {old})"),
            );
        }
        let person = Slots {
            known: PERSON_SLOTS.to_vec(),
        };
        if self.lives.is_empty() || self.lives.len() > MAX_LIVES {
            c.fail(
                "lives",
                format!(
                    "expected 1 to {MAX_LIVES} lines, found {}",
                    self.lives.len()
                ),
            );
        }
        for (i, life) in self.lives.iter().enumerate().take(MAX_LIVES) {
            c.text(format_args!("lives[{i}].text"), &life.text, 200);
            if let Some(problem) = person.problem(&life.text) {
                c.fail(format_args!("lives[{i}].text"), problem);
            }
            for (j, cond) in life.when.iter().enumerate() {
                let at = format!("lives[{i}].when[{j}]");
                match *cond {
                    LifeCond::BedtimeAfter(h) | LifeCond::BedtimeBefore(h) => {
                        c.number(at, h, 12.0..=36.0, " (hours from noon on: 1 a.m. is 25)")
                    }
                    LifeCond::SleepUnder(h) | LifeCond::SleepOver(h) => {
                        c.number(at, h, 0.0..=15.0, " hours")
                    }
                    LifeCond::SteeredOver(s) | LifeCond::SteeredUnder(s) => {
                        c.number(at, s, 0.0..=1.0, "")
                    }
                    LifeCond::AgeUnder(_) | LifeCond::AgeOver(_) => {}
                }
            }
        }
        // Every sleeper has some life: at least one line that always holds.
        if !self.lives.iter().any(|l| l.when.is_empty()) {
            c.fail(
                "lives",
                "expected at least one line with no `when`, so every sleeper has a life",
            );
        }
        if self.fears.is_empty() || self.fears.len() > MAX_RULES {
            c.fail(
                "fears",
                format!(
                    "expected 1 to {MAX_RULES} rules, found {}",
                    self.fears.len()
                ),
            );
        }
        for (i, rule) in self.fears.iter().enumerate().take(MAX_RULES) {
            let range = rule.measure.range();
            let unit = format!(" for {:?}", rule.measure);
            c.number(
                format_args!("fears[{i}].from"),
                rule.from,
                range.clone(),
                &unit,
            );
            c.number(format_args!("fears[{i}].to"), rule.to, range, &unit);
            if rule.from == rule.to {
                c.fail(
                    format_args!("fears[{i}].to"),
                    "expected `to` to differ from `from`: the rule has no way to grow",
                );
            }
            c.number(
                format_args!("fears[{i}].weight"),
                rule.weight,
                0.0..=10.0,
                "",
            );
        }
        for tag in FearTag::ALL {
            if !self.fears.iter().any(|r| r.fear == tag) {
                c.fail(
                    "fears",
                    format!("no rule weighs {tag:?}: it would come to strangers by chance alone"),
                );
            }
        }
        c.number("noise", self.noise, 0.0..=10.0, "");
        if !(2..=4).contains(&self.kept) {
            c.fail(
                "kept",
                format!("expected 2 to 4 fears kept, found {}", self.kept),
            );
        }
        let closing = Slots {
            known: PERSON_SLOTS.into_iter().chain(["voice"]).collect(),
        };
        check_section(c, &closing, &self.closing, true);
        c.number(
            "dream.loop_seconds",
            self.dream.loop_seconds,
            30.0..=600.0,
            " seconds",
        );
        if !(1..=STRANGER_ANCHORS).contains(&self.dream.anchors_needed) {
            c.fail(
                "dream.anchors_needed",
                format!(
                    "expected 1 to {STRANGER_ANCHORS} (a stranger's dream holds {STRANGER_ANCHORS}), found {}",
                    self.dream.anchors_needed
                ),
            );
        }
        // Juno reaches the core holding `anchors_needed` memories: some way to free the
        // dreamer must be open to her then, or she can only circle or be sent back.
        let fewest_to_free = self
            .closing
            .iter()
            .flat_map(|n| &n.choices)
            .filter(|c| c.next == TemplateNext::Free)
            .map(|c| c.needs_anchors)
            .min();
        if let Some(fewest) = fewest_to_free
            && fewest > self.dream.anchors_needed
        {
            c.fail(
                "dream.anchors_needed",
                format!(
                    "the core opens with {} memories but every way to free the dreamer in the closing needs {fewest}: Juno would reach the dreamer unable to free them",
                    self.dream.anchors_needed
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dive_ids_name_sleepers_and_nothing_else() {
        assert_eq!(dive_id(4711), "sleeper#4711");
        assert_eq!(sleeper_of("sleeper#4711"), Some(4711));
        for not in [
            "leo",
            "sleeper#",
            "sleeper#-1",
            "sleeper#4a",
            "sleeper#12345678901",
            "sleeper#007",
            "sleeper#+7",
        ] {
            assert_eq!(sleeper_of(not), None, "{not}");
        }
    }

    #[test]
    fn a_rule_grows_from_from_to_to_either_way() {
        let mut p = SleeperProfile::MIDDLING;
        p.dependence = 65;
        let up = FearRule {
            fear: FearTag::Endlessness,
            measure: Measure::Dependence,
            from: 0.4,
            to: 0.9,
            weight: 2.0,
        };
        assert!((up.weigh(&p) - 1.0).abs() < 1e-6);
        p.dependence = 95;
        assert_eq!(up.weigh(&p), 2.0);
        p.sleep_minutes = 300;
        let down = FearRule {
            measure: Measure::SleepHours,
            from: 7.0,
            to: 5.0,
            ..up
        };
        assert_eq!(down.weigh(&p), 2.0, "five hours' sleep is the whole of it");
        p.sleep_minutes = 480;
        assert_eq!(down.weigh(&p), 0.0);
    }

    /// The shipped rules file, changed by `edit`, checked: the fields that fail.
    fn failing_fields(edit: impl Fn(String) -> String) -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/levels/strangers/rules.strangers.ron"
        );
        let text = edit(std::fs::read_to_string(path).expect("the shipped rules"));
        match crate::levels::check::parse::<StrangerRules>("rules.strangers.ron", text.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(errors) => crate::levels::check::located_fields(&errors),
        }
    }

    #[test]
    fn the_shipped_rules_check_and_broken_ones_are_told_where() {
        assert_eq!(failing_fields(|t| t), Vec::<String>::new());
        let once = |old: &'static str, new: &'static str| {
            move |t: String| {
                assert!(t.contains(old), "{old}");
                t.replacen(old, new, 1)
            }
        };
        assert_eq!(
            failing_fields(once("from: 0.5, to: 0.85", "from: 0.5, to: 0.5")),
            ["fears[0].to"]
        );
        assert_eq!(
            failing_fields(once("anchors_needed: 3", "anchors_needed: 2")),
            ["dream.anchors_needed"],
            "the core would open before the dreamer can be freed"
        );
        assert_eq!(failing_fields(once("kept: 3", "kept: 7")), ["kept"]);
        assert_eq!(
            failing_fields(once("next: Goto(\"doubt\")", "next: On")),
            // And the two nodes only that answer led to cannot be reached.
            [
                "closing[0].choices[1].next",
                "closing[1].id",
                "closing[2].id"
            ]
        );
        // No rule for a fear: it would come by chance alone.
        let no_falling = |t: String| {
            t.lines()
                .filter(|l| !l.contains("fear: Falling"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(failing_fields(no_falling), ["fears"]);
    }

    #[test]
    fn hues_are_bright_colours() {
        for i in 0..24 {
            let [r, g, b] = hue(i as f32 / 24.0);
            assert!(r.max(g).max(b) >= 200 && r.min(g).min(b) <= 80, "{i}");
        }
    }
}
