//! A fear template: the memories and talk a stranger's dream is assembled from when they
//! fear this (issue 21). One `NAME.fear.ron` file per fear, under `strangers/`; a mod's
//! file for the same fear replaces the base game's. `docs/strangers.md` describes how
//! the parts are put together and what each field is for.
//!
//! Text is written with alternatives (one is drawn per stranger, so ten strangers in a
//! row do not read alike) and slots in braces, filled per stranger: `{given}`,
//! `{family}`, `{age}`, `{voice}`, `{recall0}` and `{recall1}` (Juno naming the first or
//! second memory this fear gave the dream), and the template's own `words`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::error::nearest_name;
use crate::dream::FearTag;

/// Memories a template holds at least: the dream draws two without repeats, and two
/// strangers of the same fear should not remember the same things.
pub const MIN_ANCHORS: usize = 4;
/// Memories a stranger's dream holds: two from the strongest fear, two from the
/// second, one from the third.
pub const STRANGER_ANCHORS: usize = 5;
/// Memories a section's answers may name: the two the dominant and the second fear give
/// the dream, counted from 0 within the template.
pub const SECTION_MEMORIES: usize = 2;
/// The most alternatives of one line, words of one slot, nodes of one section.
const MAX_ALTERNATIVES: usize = 12;
const MAX_WORDS: usize = 40;
const MAX_SECTION_NODES: usize = 12;
/// Longest text of a line and of an answer, as in dialogue files.
const LINE_CHARS: usize = 600;
const ANSWER_CHARS: usize = 200;

/// Slots every stranger's text may use.
pub const PERSON_SLOTS: [&str; 3] = ["given", "family", "age"];
/// Slots a fear's talk may use besides the person's and its own words.
pub const TALK_SLOTS: [&str; 3] = ["voice", "recall0", "recall1"];

/// The memories and talk of one fear, as written in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FearTemplate {
    /// The fear this template is for.
    pub fear: FearTag,
    /// Who else speaks in this fear's dreams (the fear's own voice: "The drop"). One is
    /// drawn per stranger.
    pub voice: Vec<String>,
    /// Words woven into the text by slot (`place: ["the stairwell", ...]`): one of each
    /// is drawn per stranger, the same wherever the slot stands.
    #[serde(default)]
    pub words: BTreeMap<String, Vec<String>>,
    /// Memories this fear gives a dream, at least [`MIN_ANCHORS`].
    pub anchors: Vec<TemplateAnchor>,
    /// The fear's part of the talk at the core. The first node is where it begins; an
    /// answer `On` goes to the next fear's part (or the closing).
    pub nodes: Vec<TemplateNode>,
}

/// One memory a fear can give a dream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateAnchor {
    /// A few words naming it, shown when it is found.
    pub title: String,
    /// The memory, ways of telling it.
    pub memory: Vec<String>,
    /// What Juno says when she names it at the core (the `{recall0}`/`{recall1}` slot):
    /// ways of saying it.
    pub recall: Vec<String>,
}

/// Who says a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    /// The stranger whose dream it is.
    Dreamer,
    /// The fear's voice.
    Voice,
}

/// One node of a fear's part of the talk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateNode {
    /// Unique within the template (`"edge"`); the assembled talk names it after the fear.
    pub id: String,
    pub speaker: Who,
    /// What they say: ways of saying it.
    pub text: Vec<String>,
    /// What they say instead once the loops have set (the pressure clock ran out and
    /// every trapped sleeper sank deeper): ways of saying it. Optional.
    #[serde(default)]
    pub sunk: Vec<String>,
    /// What others say after them. Optional.
    #[serde(default)]
    pub also: Vec<TemplateSaid>,
    /// Juno's answers. At least one needs nothing and does not send her back.
    pub choices: Vec<TemplateChoice>,
}

/// A line another speaker says after a node's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSaid {
    pub speaker: Who,
    pub text: Vec<String>,
}

/// One of Juno's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateChoice {
    /// What Juno says: ways of saying it.
    pub say: Vec<String>,
    /// How many memory anchors of the whole dream she must hold to say it. Optional: 0.
    #[serde(default)]
    pub needs_anchors: usize,
    /// Memories of this fear (0 or 1: the first or second it gave the dream) that must
    /// be understood to say it. Optional.
    #[serde(default)]
    pub needs_memories: Vec<usize>,
    pub next: TemplateNext,
}

/// Where an answer in a template leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateNext {
    /// To another node of the same part.
    Goto(String),
    /// To the next part of the talk: the second fear's, then the closing.
    On,
    /// The dreamer is free (the closing only).
    Free,
    /// The words push them back: Juno wakes into a harsher loop.
    Relapse,
}

impl TemplateChoice {
    /// Whether it needs nothing and goes on: one such answer per node keeps Juno from
    /// being stuck or forced back.
    fn free_way_on(&self) -> bool {
        self.needs_anchors == 0
            && self.needs_memories.is_empty()
            && self.next != TemplateNext::Relapse
    }
}

/// Text in a template with the slots it may name: checks every alternative.
pub(super) struct Slots<'a> {
    pub known: Vec<&'a str>,
}

impl Slots<'_> {
    /// `{slot}`s in `text` that are not known, or a brace left open.
    pub fn problem(&self, text: &str) -> Option<String> {
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Some("a `{` is not closed: write slots as {given}".to_owned());
            };
            let slot = &after[..close];
            if !self.known.contains(&slot) {
                let hint = nearest_name(slot, &self.known)
                    .map(|s| format!(" (did you mean `{{{s}}}`?)"))
                    .unwrap_or_default();
                let mut known = self.known.clone();
                known.sort_unstable();
                return Some(format!(
                    "no slot {{{slot}}}{hint}; known: {}",
                    known.join(", ")
                ));
            }
            rest = &after[close + 1..];
        }
        rest.contains('}')
            .then(|| "a `}` with no `{` before it".to_owned())
    }

    /// Checks a list of alternatives: 1 to [`MAX_ALTERNATIVES`], each text a player
    /// reads, each slot known.
    pub fn alternatives(&self, c: &mut Checks, field: &str, texts: &[String], max: usize) {
        if texts.is_empty() || texts.len() > MAX_ALTERNATIVES {
            c.fail(
                field,
                format!(
                    "expected 1 to {MAX_ALTERNATIVES} ways of saying it, found {}",
                    texts.len()
                ),
            );
        }
        for (i, text) in texts.iter().enumerate().take(MAX_ALTERNATIVES) {
            c.text(format_args!("{field}[{i}]"), text, max);
            if let Some(problem) = self.problem(text) {
                c.fail(format_args!("{field}[{i}]"), problem);
            }
        }
    }
}

/// Checks one part of a talk (a fear's nodes, or the closing): node ids, answers and
/// where they lead. `closing` allows `Free` and forbids `On`.
pub(super) fn check_section(c: &mut Checks, slots: &Slots, nodes: &[TemplateNode], closing: bool) {
    // Where the part stands in its file: a template's `nodes`, the rules' `closing`.
    let field = if closing { "closing" } else { "nodes" };
    if nodes.is_empty() || nodes.len() > MAX_SECTION_NODES {
        c.fail(
            field,
            format!(
                "expected 1 to {MAX_SECTION_NODES} nodes, found {}",
                nodes.len()
            ),
        );
        return;
    }
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    for (i, node) in nodes.iter().enumerate() {
        let at = format!("{field}[{i}]");
        c.id(format_args!("{at}.id"), &node.id);
        if ids[..i].contains(&node.id.as_str()) {
            c.fail(
                format_args!("{at}.id"),
                format!("node {:?} is defined twice", node.id),
            );
        }
        slots.alternatives(c, &format!("{at}.text"), &node.text, LINE_CHARS);
        if !node.sunk.is_empty() {
            slots.alternatives(c, &format!("{at}.sunk"), &node.sunk, LINE_CHARS);
        }
        if node.also.len() > 4 {
            c.fail(
                format_args!("{at}.also"),
                "expected at most 4 lines in `also`",
            );
        }
        for (j, said) in node.also.iter().enumerate() {
            slots.alternatives(c, &format!("{at}.also[{j}].text"), &said.text, LINE_CHARS);
        }
        if node.choices.is_empty() || node.choices.len() > 6 {
            c.fail(format_args!("{at}.choices"), "expected 1 to 6 choices");
        } else if !node.choices.iter().any(TemplateChoice::free_way_on) {
            c.fail(
                format_args!("{at}.choices"),
                "expected at least one choice that needs no anchors or memories and does not relapse, so Juno is never stuck",
            );
        }
        for (j, choice) in node.choices.iter().enumerate() {
            let at = format!("{at}.choices[{j}]");
            slots.alternatives(c, &format!("{at}.say"), &choice.say, ANSWER_CHARS);
            if choice.needs_anchors > STRANGER_ANCHORS {
                c.fail(
                    format_args!("{at}.needs_anchors"),
                    format!(
                        "expected at most {STRANGER_ANCHORS} (a stranger's dream holds {STRANGER_ANCHORS}), found {}",
                        choice.needs_anchors
                    ),
                );
            }
            for (k, &m) in choice.needs_memories.iter().enumerate() {
                if closing || m >= SECTION_MEMORIES {
                    c.fail(
                        format_args!("{at}.needs_memories[{k}]"),
                        if closing {
                            "the closing names no memory of one fear: use needs_anchors".to_owned()
                        } else {
                            format!("expected 0 or 1 (this fear's first or second memory in the dream), found {m}")
                        },
                    );
                }
            }
            for (k, text) in choice.say.iter().enumerate() {
                for (slot, memory) in [("{recall0}", 0), ("{recall1}", 1)] {
                    if text.contains(slot) && !choice.needs_memories.contains(&memory) {
                        c.fail(
                            format_args!("{at}.say[{k}]"),
                            format!("names {slot}, so it needs_memories: [{memory}]"),
                        );
                    }
                }
            }
            match &choice.next {
                TemplateNext::Goto(next) => {
                    c.reference(format_args!("{at}.next"), "node", next, &ids);
                }
                TemplateNext::On if closing => c.fail(
                    format_args!("{at}.next"),
                    "the closing is the talk's last part: its answers lead to a node, Free or Relapse",
                ),
                TemplateNext::Free if !closing => c.fail(
                    format_args!("{at}.next"),
                    "a fear's part leads On to the next; only the closing frees the dreamer",
                ),
                _ => {}
            }
        }
    }
    // From the first node, a way out of the part without a relapse.
    let mut seen = vec![false; nodes.len()];
    let mut todo = vec![0usize];
    let mut way_out = false;
    while let Some(i) = todo.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        for choice in &nodes[i].choices {
            match &choice.next {
                TemplateNext::Goto(id) => todo.extend(ids.iter().position(|n| n == id)),
                TemplateNext::On | TemplateNext::Free => way_out = true,
                TemplateNext::Relapse => {}
            }
        }
    }
    for (i, reached) in seen.iter().enumerate() {
        if !reached {
            c.fail(
                format_args!("{field}[{i}].id"),
                format!(
                    "node {:?} cannot be reached from the first node",
                    nodes[i].id
                ),
            );
        }
    }
    if !way_out {
        c.fail(
            field,
            if closing {
                "no answer frees the dreamer"
            } else {
                "no answer leads On, so the talk never gets past this fear"
            },
        );
    }
}

impl LevelDoc for FearTemplate {
    const KIND: &'static str = "fear template";

    fn check(&self, c: &mut Checks) {
        let mut known: Vec<&str> = PERSON_SLOTS.into_iter().chain(TALK_SLOTS).collect();
        for (slot, words) in &self.words {
            if PERSON_SLOTS.contains(&slot.as_str()) || TALK_SLOTS.contains(&slot.as_str()) {
                c.fail(
                    format_args!("words.{slot}"),
                    format!("{{{slot}}} is filled for every stranger: name the words otherwise"),
                );
            }
            c.id(format_args!("words.{slot}"), slot);
            if words.len() < 2 || words.len() > MAX_WORDS {
                c.fail(
                    format_args!("words.{slot}"),
                    format!(
                        "expected 2 to {MAX_WORDS} words to draw from, found {}",
                        words.len()
                    ),
                );
            }
            for (i, word) in words.iter().enumerate() {
                c.text(format_args!("words.{slot}[{i}]"), word, 80);
                if word.contains(['{', '}']) {
                    c.fail(format_args!("words.{slot}[{i}]"), "a word holds no slots");
                }
            }
            known.push(slot);
        }
        let person = Slots {
            known: PERSON_SLOTS.to_vec(),
        };
        person.alternatives(c, "voice", &self.voice, 40);
        let slots = Slots { known };
        // Memories are told without the talk's slots: they are found before the talk.
        let memory_slots = Slots {
            known: slots
                .known
                .iter()
                .copied()
                .filter(|s| !TALK_SLOTS.contains(s) || *s == "voice")
                .collect(),
        };
        if self.anchors.len() < MIN_ANCHORS || self.anchors.len() > super::MAX_ANCHORS * 2 {
            c.fail(
                "anchors",
                format!(
                    "expected {MIN_ANCHORS} to {} memories, found {}",
                    super::MAX_ANCHORS * 2,
                    self.anchors.len()
                ),
            );
        }
        for (i, anchor) in self.anchors.iter().enumerate() {
            c.text(format_args!("anchors[{i}].title"), &anchor.title, 60);
            if let Some(problem) = memory_slots.problem(&anchor.title) {
                c.fail(format_args!("anchors[{i}].title"), problem);
            }
            memory_slots.alternatives(c, &format!("anchors[{i}].memory"), &anchor.memory, 400);
            memory_slots.alternatives(
                c,
                &format!("anchors[{i}].recall"),
                &anchor.recall,
                ANSWER_CHARS,
            );
        }
        check_section(c, &slots, &self.nodes, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::check::{located_fields, parse};

    const GOOD: &str = r#"(
        fear: Falling,
        voice: ["The drop"],
        words: { "place": ["the stairwell", "the pier"] },
        anchors: [
            (title: "One", memory: ["{given} on {place}."], recall: ["You stood on {place}."]),
            (title: "Two", memory: ["b"], recall: ["b"]),
            (title: "Three", memory: ["c"], recall: ["c"]),
            (title: "Four", memory: ["d"], recall: ["d"]),
        ],
        nodes: [
            (id: "edge", speaker: Dreamer, text: ["I keep stepping off {place}."],
             also: [(speaker: Voice, text: ["Step."])],
             choices: [
                (say: ["The floor is there."], next: Goto("floor")),
                (say: ["Jump, then."], next: Relapse),
             ]),
            (id: "floor", speaker: Dreamer, text: ["Is it?"], choices: [
                (say: ["{recall0}"], needs_memories: [0], next: On),
                (say: ["Feel it."], next: On),
            ]),
        ],
    )"#;

    #[test]
    fn a_good_template_parses_and_checks() {
        let t: FearTemplate =
            parse("levels/strangers/falling.fear.ron", GOOD.as_bytes()).expect("a good template");
        assert_eq!(t.fear, FearTag::Falling);
        assert_eq!(t.nodes[1].choices[0].next, TemplateNext::On);
    }

    #[test]
    fn every_problem_is_reported_where_it_is() {
        let bad = GOOD
            .replace("{place}.\"], recall", "{plaice}.\"], recall")
            .replace("next: Goto(\"floor\")", "next: Goto(\"flor\")")
            .replace(
                "(say: [\"Feel it.\"], next: On)",
                "(say: [\"Feel it.\"], next: Free)",
            )
            .replace(
                "(say: [\"{recall0}\"], needs_memories: [0], next: On)",
                "(say: [\"{recall1}\"], needs_memories: [2], next: On)",
            );
        let errors = parse::<FearTemplate>("levels/strangers/falling.fear.ron", bad.as_bytes())
            .expect_err("bad");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let fields = located_fields(&errors);
        assert!(
            fields.contains(&"anchors[0].memory[0]".to_owned()),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|t| t.contains("did you mean `{place}`")),
            "{text:#?}"
        );
        assert!(
            fields.contains(&"nodes[0].choices[0].next".to_owned()),
            "{text:#?}"
        );
        assert!(
            fields.contains(&"nodes[1].choices[1].next".to_owned()),
            "{text:#?}"
        );
        assert!(
            fields.contains(&"nodes[1].choices[0].needs_memories[0]".to_owned()),
            "{text:#?}"
        );
        assert!(
            fields.contains(&"nodes[1].choices[0].say[0]".to_owned()),
            "{text:#?}"
        );
    }

    #[test]
    fn slots_are_checked_for_braces_and_names() {
        let slots = Slots {
            known: vec!["given", "place"],
        };
        assert_eq!(slots.problem("{given} on {place}"), None);
        assert!(slots.problem("{given on").is_some());
        assert!(slots.problem("given} on").is_some());
        assert!(
            slots
                .problem("{givn}")
                .expect("unknown")
                .contains("`{given}`")
        );
    }
}
