//! Scenes: the waking story between the dreams, told in illustrated panels — the
//! family's evening before the first shared dream, the calls and doors and messages of
//! the rift between control-room nights. One `*.scene.ron` file per scene, under
//! `scenes/`.
//!
//! A scene is a run of panels. Each shows a set (the picture behind it), a caption (what
//! we see) and lines said one at a time; a panel may end in a choice, what Juno says
//! there, which the story remembers as a flag (`sets`). Panels and lines are gated by
//! [`Cond`]itions, so what comes after a choice can answer it:
//!
//! ```ron
//! (when: [Flag("mara_pressed")], set: StaffRoom, lines: [(who: "Mara", text: "…")])
//! ```
//!
//! How a scene is played through is here too, as plain data ([`SceneAt`]): the game
//! steps it, the screen draws it, tests and the word count read it.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::cond::{self, Cond, Facts, Scope, StoryFacts};

/// The most panels a scene holds.
const MAX_PANELS: usize = 40;
/// The most lines one panel holds.
const MAX_LINES: usize = 30;
/// The most people in one panel's picture.
const MAX_CAST: usize = 6;
/// The most answers one choice offers (keys 1–6).
pub const MAX_OPTIONS: usize = 6;

/// A scene as written in its level file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Short unique id (`"rift-call"`): the campaign's story names scenes by it.
    pub id: String,
    /// Shown over the first panel (`"The call"`).
    pub title: String,
    pub panels: Vec<ScenePanel>,
}

/// One illustrated panel: a picture, a caption, what is said, and perhaps a choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenePanel {
    /// Shown only when these hold; skipped otherwise. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
    /// The picture behind the words.
    pub set: Set,
    /// What we see, in a line or two (shown in italics). Optional.
    #[serde(default)]
    pub caption: String,
    /// Who is in the picture, by the names their lines give (`"Mara"`), left to right.
    /// Optional: nobody (a voice on the phone is not in the picture).
    #[serde(default)]
    pub cast: Vec<String>,
    /// Said one at a time, in order; each only when its `when` holds.
    #[serde(default)]
    pub lines: Vec<SceneLine>,
    /// What Juno may say once the lines are said: the scene waits for her answer.
    /// Optional: no choice.
    #[serde(default)]
    pub choice: Vec<SceneChoice>,
}

/// Where a panel is, as its picture shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Set {
    /// The family's kitchen at night: warm light, the headsets charging on the counter.
    Kitchen,
    /// The flat's window: the city's towers and their sleepers' breathing lights.
    Window,
    /// The family's living room, the lamp on.
    Lounge,
    /// Leo's room: dark but for a headset's glow; drawings on the wall.
    LeosRoom,
    /// SomnoTech's staff kitchen, cold light before a shift.
    StaffRoom,
    /// Juno's own flat at three in the morning: a phone's light in the dark.
    Night,
    /// The headsets syncing: four lights going blue.
    Sync,
    /// First light over the city.
    Dawn,
    /// Juno's clinic by day: a ring of chairs under a tall window, mats on the floor.
    Class,
    /// The clinic's ward at night: a bed, a monitor's slow trace, blue light.
    Ward,
    /// The family's kitchen on a morning: daylight, the charging cradles empty.
    Breakfast,
}

impl Set {
    pub const ALL: [Set; 11] = [
        Set::Kitchen,
        Set::Window,
        Set::Lounge,
        Set::LeosRoom,
        Set::StaffRoom,
        Set::Night,
        Set::Sync,
        Set::Dawn,
        Set::Class,
        Set::Ward,
        Set::Breakfast,
    ];
}

/// A line said in a scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneLine {
    /// Who says it (`"Mara"`); empty for a line of narration.
    pub who: String,
    pub text: String,
    /// Said only when these hold. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
}

/// One of Juno's answers at a panel's choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneChoice {
    /// What Juno says (in brackets for what she does: `"(Say nothing.)"`).
    pub say: String,
    /// The flag the story remembers (declared in the campaign's `story.flags`).
    /// Optional.
    #[serde(default)]
    pub sets: Option<String>,
    /// Offered only when these hold. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
}

/// Where a scene being played has got to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SceneAt {
    /// The panel on screen, by index into the written panels.
    pub panel: usize,
    /// How many of its lines (of those that hold) are shown.
    pub shown: usize,
    /// The answer Juno gave at this panel's choice, by index into the written options.
    pub chose: Option<usize>,
}

/// What a scene said, played through: the lines in order (Juno's answers among them)
/// and the flags set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SceneTranscript {
    pub lines: Vec<(String, String)>,
    pub flags: Vec<String>,
}

impl Scene {
    /// Where the scene begins with these facts: its first panel that holds. None if no
    /// panel does (the scene has nothing to show now).
    pub fn begin(&self, facts: &Facts) -> Option<SceneAt> {
        let panel = self.panel_from(0, facts)?;
        Some(SceneAt {
            panel,
            shown: self.lines(panel, facts).len().min(1),
            chose: None,
        })
    }

    /// The lines of panel `panel` that hold with these facts.
    pub fn lines(&self, panel: usize, facts: &Facts) -> Vec<&SceneLine> {
        self.panels.get(panel).map_or_else(Vec::new, |p| {
            p.lines
                .iter()
                .filter(|l| cond::all(&l.when, facts))
                .collect()
        })
    }

    /// The answers offered at `at`'s panel, with their written indices, once every line
    /// is said and until Juno answers: empty when there is nothing to choose now.
    pub fn options(&self, at: &SceneAt, facts: &Facts) -> Vec<(usize, &SceneChoice)> {
        let Some(panel) = self.panels.get(at.panel) else {
            return Vec::new();
        };
        if at.chose.is_some() || at.shown < self.lines(at.panel, facts).len() {
            return Vec::new();
        }
        panel
            .choice
            .iter()
            .enumerate()
            .filter(|(_, o)| cond::all(&o.when, facts))
            .collect()
    }

    /// On to the next line, or the next panel that holds. False when the scene has
    /// ended; nothing moves while a choice waits for its answer.
    pub fn next(&self, at: &mut SceneAt, facts: &Facts) -> bool {
        let said = self.lines(at.panel, facts).len();
        if at.shown < said {
            at.shown += 1;
            return true;
        }
        if !self.options(at, facts).is_empty() {
            return true;
        }
        match self.panel_from(at.panel + 1, facts) {
            Some(panel) => {
                *at = SceneAt {
                    panel,
                    shown: self.lines(panel, facts).len().min(1),
                    chose: None,
                };
                true
            }
            None => false,
        }
    }

    /// Juno gives answer `option` (by written index) at `at`'s choice: the flag it sets,
    /// if any, goes into `story`. False if that answer is not offered now.
    pub fn choose(&self, at: &mut SceneAt, option: usize, story: &mut StoryFacts) -> bool {
        let offered = self
            .options(at, &Facts::waking(story))
            .iter()
            .any(|(i, _)| *i == option);
        if !offered {
            return false;
        }
        at.chose = Some(option);
        if let Some(flag) = &self.panels[at.panel].choice[option].sets {
            story.flags.insert(flag.clone());
        }
        true
    }

    /// The scene played through with these facts, Juno answering `pick(panel)` (a
    /// written index) at each choice; an answer not offered ends it there.
    pub fn transcript(
        &self,
        story: &StoryFacts,
        mut pick: impl FnMut(&ScenePanel) -> usize,
    ) -> SceneTranscript {
        let mut story = story.clone();
        let mut out = SceneTranscript::default();
        let Some(mut at) = self.begin(&Facts::waking(&story)) else {
            return out;
        };
        loop {
            let panel = &self.panels[at.panel];
            if !panel.caption.is_empty() {
                out.lines.push((String::new(), panel.caption.clone()));
            }
            let lines = self.lines(at.panel, &Facts::waking(&story));
            at.shown = lines.len();
            out.lines
                .extend(lines.iter().map(|l| (l.who.clone(), l.text.clone())));
            if !self.options(&at, &Facts::waking(&story)).is_empty() {
                let option = pick(panel);
                if !self.choose(&mut at, option, &mut story) {
                    break;
                }
                let chosen = &panel.choice[option];
                out.lines.push(("Juno".to_owned(), chosen.say.clone()));
                out.flags.extend(chosen.sets.clone());
            }
            if !self.next(&mut at, &Facts::waking(&story)) {
                break;
            }
        }
        out
    }

    /// The flags the scene's answers set, with the field each is at.
    pub fn flags_set(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for (p, panel) in self.panels.iter().enumerate() {
            for (o, option) in panel.choice.iter().enumerate() {
                if let Some(flag) = &option.sets {
                    out.push((format!("panels[{p}].choice[{o}].sets"), flag.as_str()));
                }
            }
        }
        out
    }

    /// Every list of conditions in the scene, with the field it is at.
    pub fn conditions(&self) -> Vec<(String, &[Cond])> {
        let mut out = Vec::new();
        for (p, panel) in self.panels.iter().enumerate() {
            out.push((format!("panels[{p}].when"), panel.when.as_slice()));
            for (l, line) in panel.lines.iter().enumerate() {
                out.push((format!("panels[{p}].lines[{l}].when"), line.when.as_slice()));
            }
            for (o, option) in panel.choice.iter().enumerate() {
                out.push((
                    format!("panels[{p}].choice[{o}].when"),
                    option.when.as_slice(),
                ));
            }
        }
        out
    }

    /// The first panel from `from` on whose `when` holds.
    fn panel_from(&self, from: usize, facts: &Facts) -> Option<usize> {
        (from..self.panels.len()).find(|&i| cond::all(&self.panels[i].when, facts))
    }
}

impl LevelDoc for Scene {
    const KIND: &'static str = "scene";

    fn check(&self, c: &mut Checks) {
        c.id("id", &self.id);
        c.text("title", &self.title, 80);
        if self.panels.is_empty() || self.panels.len() > MAX_PANELS {
            c.fail(
                "panels",
                format!(
                    "expected 1 to {MAX_PANELS} panels, found {}",
                    self.panels.len()
                ),
            );
        }
        if self.panels.first().is_some_and(|p| !p.when.is_empty()) {
            // A scene that may show nothing would start and end in the same frame.
            c.fail(
                "panels[0].when",
                "the first panel always shows: put the condition on a later panel",
            );
        }
        for (p, panel) in self.panels.iter().enumerate() {
            let at = format!("panels[{p}]");
            if !panel.caption.is_empty() {
                c.text(format_args!("{at}.caption"), &panel.caption, 600);
            }
            if panel.cast.len() > MAX_CAST {
                c.fail(
                    format_args!("{at}.cast"),
                    format!(
                        "expected at most {MAX_CAST} people, found {}",
                        panel.cast.len()
                    ),
                );
            }
            for (n, who) in panel.cast.iter().enumerate() {
                c.text(format_args!("{at}.cast[{n}]"), who, 40);
            }
            if panel.lines.len() > MAX_LINES {
                c.fail(
                    format_args!("{at}.lines"),
                    format!(
                        "expected at most {MAX_LINES} lines, found {}",
                        panel.lines.len()
                    ),
                );
            }
            if panel.caption.is_empty() && panel.lines.is_empty() && panel.choice.is_empty() {
                c.fail(
                    &at,
                    "expected a caption, lines or a choice: the panel is empty",
                );
            }
            for (l, line) in panel.lines.iter().enumerate() {
                if line.who.chars().count() > 40 {
                    c.fail(
                        format_args!("{at}.lines[{l}].who"),
                        "expected at most 40 characters",
                    );
                }
                c.text(format_args!("{at}.lines[{l}].text"), &line.text, 600);
            }
            if panel.choice.len() == 1 || panel.choice.len() > MAX_OPTIONS {
                c.fail(
                    format_args!("{at}.choice"),
                    format!(
                        "expected 2 to {MAX_OPTIONS} answers (or none), found {}",
                        panel.choice.len()
                    ),
                );
            }
            if !panel.choice.is_empty() && panel.choice.iter().all(|o| !o.when.is_empty()) {
                c.fail(
                    format_args!("{at}.choice"),
                    "expected at least one answer without `when`, so Juno is never stuck",
                );
            }
            for (o, option) in panel.choice.iter().enumerate() {
                c.text(format_args!("{at}.choice[{o}].say"), &option.say, 300);
            }
        }
        for (at, conds) in self.conditions() {
            cond::check(c, &at, conds, Scope::Waking);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::check::located_fields;
    use crate::levels::parse;

    const CALL: &str = r#"(
        id: "call",
        title: "The call",
        panels: [
            (set: StaffRoom, caption: "The phone on speaker.", lines: [
                (who: "Mara", text: "You sound tired."),
                (who: "Juno", text: "I work nights."),
                (who: "Mara", text: "Leo says hello.", when: [Flag("leo_asked")]),
            ], choice: [
                (say: "Try one night without it.", sets: Some("offered")),
                (say: "They're steering you, Mum.", sets: Some("pressed")),
                (say: "I'm sorry about the lamp.", when: [Flag("soothed")]),
            ]),
            (when: [Flag("offered")], set: StaffRoom, lines: [(who: "Mara", text: "Maybe Sunday.")]),
            (when: [Flag("pressed")], set: StaffRoom, lines: [(who: "", text: "She hangs up.")]),
            (set: Window, caption: "The towers' lights breathe."),
        ],
    )"#;

    fn call() -> Scene {
        parse("levels/scenes/call.scene.ron", CALL.as_bytes()).expect("the call parses")
    }

    fn flags(names: &[&str]) -> StoryFacts {
        StoryFacts {
            flags: names.iter().map(|s| (*s).to_owned()).collect(),
            ..StoryFacts::default()
        }
    }

    #[test]
    fn a_scene_says_its_lines_waits_for_an_answer_and_the_panels_after_answer_it() {
        let scene = call();
        let mut story = StoryFacts::default();
        let mut at = scene.begin(&Facts::waking(&story)).expect("it begins");
        assert_eq!((at.panel, at.shown), (0, 1));
        assert!(scene.next(&mut at, &Facts::waking(&story)));
        assert_eq!(at.shown, 2, "Leo's greeting is not said without the flag");
        assert_eq!(scene.lines(0, &Facts::waking(&story)).len(), 2);
        // Every line said: the choice waits, and Next does not pass it.
        let offered: Vec<usize> = scene
            .options(&at, &Facts::waking(&story))
            .iter()
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(offered, [0, 1], "the gated answer is hidden");
        assert!(scene.next(&mut at, &Facts::waking(&story)));
        assert_eq!((at.panel, at.shown, at.chose), (0, 2, None));
        assert!(!scene.choose(&mut at, 2, &mut story), "not offered");
        assert!(scene.choose(&mut at, 1, &mut story));
        assert!(story.flags.contains("pressed"));
        assert!(scene.next(&mut at, &Facts::waking(&story)));
        assert_eq!(at.panel, 2, "the panel for the other answer is skipped");
        assert!(scene.next(&mut at, &Facts::waking(&story)));
        assert_eq!((at.panel, at.shown), (3, 0), "a caption-only panel");
        assert!(!scene.next(&mut at, &Facts::waking(&story)), "the end");
    }

    #[test]
    fn each_answer_gives_its_own_transcript_and_flag() {
        let scene = call();
        let offered = scene.transcript(&StoryFacts::default(), |_| 0);
        let pressed = scene.transcript(&StoryFacts::default(), |_| 1);
        assert_eq!(offered.flags, ["offered"]);
        assert_eq!(pressed.flags, ["pressed"]);
        let said = |t: &SceneTranscript| -> Vec<String> {
            t.lines.iter().map(|(_, text)| text.clone()).collect()
        };
        assert_eq!(
            said(&offered),
            [
                "The phone on speaker.",
                "You sound tired.",
                "I work nights.",
                "Try one night without it.",
                "Maybe Sunday.",
                "The towers' lights breathe.",
            ]
        );
        assert!(said(&pressed).contains(&"She hangs up.".to_owned()));
        assert!(!said(&pressed).contains(&"Maybe Sunday.".to_owned()));
        // What came before is heard: a flag from the evening adds Leo's greeting and
        // offers the gated answer.
        let known = scene.transcript(&flags(&["leo_asked", "soothed"]), |_| 2);
        assert!(said(&known).contains(&"Leo says hello.".to_owned()));
        assert!(said(&known).contains(&"I'm sorry about the lamp.".to_owned()));
        assert!(known.flags.is_empty());
    }

    #[test]
    fn a_broken_scene_is_refused_at_each_problem() {
        let broken = r#"(
            id: "Bad Id",
            title: "",
            panels: [
                (when: [Flag("x")], set: Night, caption: "a"),
                (set: Night),
                (set: Night, choice: [(say: "only one")]),
                (set: Night, choice: [(say: "a", when: [Flag("x")]), (say: "b", when: [Flag("y")])]),
                (set: Night, caption: "c", lines: [(who: "A", text: "", when: [Memory(0)])]),
            ],
        )"#;
        let errors =
            parse::<Scene>("levels/scenes/bad.scene.ron", broken.as_bytes()).expect_err("refused");
        assert_eq!(
            located_fields(&errors),
            [
                "id",
                "title",
                "panels[0].when",
                "panels[1]",
                "panels[2].choice",
                "panels[3].choice",
                "panels[4].lines[0].text",
                "panels[4].lines[0].when[0]",
            ]
        );
    }
}
