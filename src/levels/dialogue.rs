//! Dialogue: what a dreamer and Juno say at the core of a dream. A small graph of
//! nodes; each choice leads to another node, frees the dreamer, or sends Juno back
//! into a harsher loop. One `*.dialogue.ron` file per dialogue, under `dialogue/`.
//!
//! What is said can depend on what happened ([`Cond`]itions): the talk may open
//! elsewhere (`openings`), a line may be said differently (`variants`), others may
//! speak after it (`also`), and an answer may be offered only when its `when` holds
//! (hidden otherwise) or said only with certain memories understood (`needs_memories`,
//! shown greyed until then). Answers are picked by their index in the written list,
//! hidden ones included, so a recorded answer means the same whatever was shown.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::cond::{self, Cond, Facts, Scope};

/// The most nodes a dialogue holds.
pub const MAX_NODES: usize = 200;
/// The fewest answers on the shortest way to freeing a dreamer ([`Dialogue::depth_problems`]).
pub const MIN_EXCHANGES: usize = 4;
/// The most openings a dialogue holds.
const MAX_OPENINGS: usize = 8;
/// The most variants, and the most `also` lines, of one node.
const MAX_SAID: usize = 8;

/// A dialogue as written in its level file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialogue {
    /// Short unique id (`"leo"`): dreamers name their dialogue by it.
    pub id: String,
    /// The node the confrontation opens with, unless an opening says otherwise.
    pub start: String,
    /// Other ways in: the first whose `when` holds opens the talk. Optional.
    #[serde(default)]
    pub openings: Vec<Opening>,
    /// Every node of the talk.
    pub nodes: Vec<DialogueNode>,
}

/// A way into the talk other than `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    pub when: Vec<Cond>,
    pub node: String,
}

/// The node's line said another way, when its conditions hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub when: Vec<Cond>,
    pub text: String,
}

/// A line another speaker says after the node's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Said {
    pub speaker: String,
    pub text: String,
    /// Said only when these hold. Optional: always.
    #[serde(default)]
    pub when: Vec<Cond>,
}

/// One thing said, and Juno's possible answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialogueNode {
    /// Unique within the file; choices lead here by it.
    pub id: String,
    /// Who speaks (`"Leo"`, `"Juno"`, ...).
    pub speaker: String,
    /// What they say.
    pub text: String,
    /// What they say instead when things went otherwise: the first that holds. Optional.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// What others say after them. Optional.
    #[serde(default)]
    pub also: Vec<Said>,
    /// Juno's answers. At least one needs nothing (no anchors, memories or `when`), so
    /// she is never stuck.
    pub choices: Vec<Choice>,
}

/// One of Juno's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// What Juno says.
    pub say: String,
    /// How many memory anchors she must hold to say it. Optional: 0.
    #[serde(default)]
    pub needs_anchors: usize,
    /// These memory anchors (by index in the dream, from 0) must be understood to say
    /// it. Optional.
    #[serde(default)]
    pub needs_memories: Vec<usize>,
    /// Offered only when these hold; hidden otherwise. Optional: always offered.
    #[serde(default)]
    pub when: Vec<Cond>,
    /// The story remembers that Juno said it: this flag (declared in the campaign's
    /// `story.flags`) is set. Optional.
    #[serde(default)]
    pub sets: Option<String>,
    /// Where the talk goes next.
    pub next: Next,
}

impl Choice {
    /// Whether the answer is offered at all (its `when` holds).
    pub fn offered(&self, facts: &Facts) -> bool {
        cond::all(&self.when, facts)
    }

    /// Whether Juno can say it: offered, and with the memories it needs understood.
    pub fn can_say(&self, facts: &Facts) -> bool {
        let understood = facts.dive.map(|(_, known)| known);
        let count = understood.map_or(0, |known| known.len());
        self.offered(facts)
            && count >= self.needs_anchors
            && self
                .needs_memories
                .iter()
                .all(|i| understood.is_some_and(|known| known.contains(i)))
    }

    /// Whether it needs nothing at all: one such answer keeps Juno from being stuck.
    fn free_to_say(&self) -> bool {
        self.needs_anchors == 0 && self.needs_memories.is_empty() && self.when.is_empty()
    }
}

impl DialogueNode {
    /// The line as said now: the first variant that holds, else `text`.
    pub fn text_for(&self, facts: &Facts) -> &str {
        self.variants
            .iter()
            .find(|v| cond::all(&v.when, facts))
            .map_or(&self.text, |v| &v.text)
    }

    /// The answer a player who means well gives (the scripted player's, the tour's):
    /// one that frees the dreamer if Juno can say it, else the way on that asks the
    /// most of what she knows; never one that relapses. An index into `choices`.
    pub fn best_answer(&self, facts: &Facts) -> Option<usize> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.can_say(facts) && c.next != Next::Relapse)
            .max_by_key(|(_, c)| {
                let asks = c.needs_anchors + c.needs_memories.len() + c.when.len();
                (c.next == Next::Free, asks)
            })
            .map(|(i, _)| i)
    }

    /// Everything said at this node now, speaker and line, in order.
    pub fn lines_for<'n>(&'n self, facts: &Facts) -> Vec<(&'n str, &'n str)> {
        let mut lines = vec![(self.speaker.as_str(), self.text_for(facts))];
        lines.extend(
            self.also
                .iter()
                .filter(|s| cond::all(&s.when, facts))
                .map(|s| (s.speaker.as_str(), s.text.as_str())),
        );
        lines
    }
}

/// A talk played through on paper: who said what, and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// (speaker, line); Juno's answers are spoken by "Juno".
    pub lines: Vec<(String, String)>,
    /// How the talk ended, if the picks reached an end.
    pub end: Option<Next>,
}

/// Where a choice leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Next {
    /// To the node with this id.
    Goto(String),
    /// The dreamer faces the fear: the loop breaks and they are free.
    Free,
    /// The words push them back: Juno wakes into a harsher loop.
    Relapse,
}

impl Dialogue {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&DialogueNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The node the talk opens with now: the first opening that holds, else `start`.
    pub fn opening(&self, facts: &Facts) -> &str {
        self.openings
            .iter()
            .find(|o| cond::all(&o.when, facts))
            .map_or(&self.start, |o| &o.node)
    }

    /// The talk as it goes with these facts when Juno answers `pick` at each node (an
    /// index into the node's written answers, or None to stop there). A pick she cannot
    /// say, or a node that does not exist, ends the transcript there.
    pub fn transcript(
        &self,
        facts: &Facts,
        mut pick: impl FnMut(&DialogueNode) -> Option<usize>,
    ) -> Transcript {
        let mut out = Transcript::default();
        // What she says along the way may set flags the rest of the talk reads.
        let mut story = facts.story.clone();
        let mut at = self.opening(facts);
        // A talk may loop back on itself; a written one is never longer than this.
        for _ in 0..MAX_NODES * 6 {
            let now = Facts {
                story: &story,
                ..*facts
            };
            let Some(node) = self.node(at) else {
                break;
            };
            for (speaker, line) in node.lines_for(&now) {
                out.lines.push((speaker.to_owned(), line.to_owned()));
            }
            let Some(choice) = pick(node).and_then(|i| node.choices.get(i)) else {
                break;
            };
            if !choice.can_say(&now) {
                break;
            }
            out.lines.push(("Juno".to_owned(), choice.say.clone()));
            if let Some(flag) = &choice.sets {
                story.flags.insert(flag.clone());
            }
            match &choice.next {
                Next::Goto(next) => at = next,
                end => {
                    out.end = Some(end.clone());
                    break;
                }
            }
        }
        out
    }

    /// Every list of conditions in the file, with the field it is at.
    pub fn conditions(&self) -> Vec<(String, &[Cond])> {
        let mut out: Vec<(String, &[Cond])> = Vec::new();
        for (i, o) in self.openings.iter().enumerate() {
            out.push((format!("openings[{i}].when"), &o.when));
        }
        for (i, node) in self.nodes.iter().enumerate() {
            for (j, v) in node.variants.iter().enumerate() {
                out.push((format!("nodes[{i}].variants[{j}].when"), &v.when));
            }
            for (j, s) in node.also.iter().enumerate() {
                out.push((format!("nodes[{i}].also[{j}].when"), &s.when));
            }
            for (j, ch) in node.choices.iter().enumerate() {
                out.push((format!("nodes[{i}].choices[{j}].when"), &ch.when));
            }
        }
        out
    }

    /// Every flag an answer sets, with the field it is at.
    pub fn flags_set(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            for (j, ch) in node.choices.iter().enumerate() {
                if let Some(flag) = &ch.sets {
                    out.push((format!("nodes[{i}].choices[{j}].sets"), flag.as_str()));
                }
            }
        }
        out
    }

    /// Every memory anchor the talk names (`needs_memories`, `Memory(i)`), by index,
    /// with the field it is at: the dream must hold each.
    pub fn memories_named(&self) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            for (j, ch) in node.choices.iter().enumerate() {
                for (k, &m) in ch.needs_memories.iter().enumerate() {
                    out.push((format!("nodes[{i}].choices[{j}].needs_memories[{k}]"), m));
                }
            }
        }
        for (at, conds) in self.conditions() {
            for (field, named) in cond::names(&at, conds) {
                if let cond::Named::Memory(m) = named {
                    out.push((field, m));
                }
            }
        }
        out
    }

    /// How many anchors a dream must hold for this talk: the most any answer needs, or
    /// one more than the highest memory it names.
    pub fn anchors_required(&self) -> usize {
        let named = self.memories_named().iter().map(|(_, m)| m + 1).max();
        self.most_anchors_needed().max(named.unwrap_or(0))
    }

    /// The most anchors any choice needs.
    pub fn most_anchors_needed(&self) -> usize {
        self.neediest_choice().map_or(0, |(_, _, n)| n)
    }

    /// The choice that needs the most anchors: node index, choice index, anchors.
    pub fn neediest_choice(&self) -> Option<(usize, usize, usize)> {
        self.nodes
            .iter()
            .enumerate()
            .flat_map(|(i, n)| {
                n.choices
                    .iter()
                    .enumerate()
                    .map(move |(j, c)| (i, j, c.needs_anchors))
            })
            .max_by_key(|&(_, _, n)| n)
    }

    /// Where this talk falls short of the depth every dream's talk keeps (the shipped
    /// ones and every stranger's): each way to `Free` passes an answer gated on memories,
    /// at least two voices speak, some answer sends Juno back (words have weight), and
    /// the shortest way to `Free` takes at least [`MIN_EXCHANGES`] answers. Empty when
    /// it keeps them all.
    pub fn depth_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let speakers: std::collections::BTreeSet<&str> = self
            .nodes
            .iter()
            .flat_map(|n| {
                std::iter::once(n.speaker.as_str()).chain(n.also.iter().map(|s| s.speaker.as_str()))
            })
            .collect();
        if speakers.len() < 2 {
            problems.push(format!("one voice only: {speakers:?}"));
        }
        let gated = |c: &Choice| c.needs_anchors > 0 || !c.needs_memories.is_empty();
        // Breadth first from every way in, once over every answer and once over the
        // ungated ones only.
        let walk = |only_ungated: bool| -> (Option<usize>, bool) {
            let mut depth: Vec<Option<usize>> = vec![None; self.nodes.len()];
            let mut queue = std::collections::VecDeque::new();
            for id in std::iter::once(&self.start).chain(self.openings.iter().map(|o| &o.node)) {
                if let Some(i) = self.nodes.iter().position(|n| &n.id == id)
                    && depth[i].is_none()
                {
                    depth[i] = Some(0);
                    queue.push_back(i);
                }
            }
            let (mut shortest_free, mut relapse) = (None::<usize>, false);
            while let Some(i) = queue.pop_front() {
                let d = depth[i].unwrap_or(0);
                for choice in &self.nodes[i].choices {
                    if only_ungated && gated(choice) {
                        continue;
                    }
                    match &choice.next {
                        Next::Free => {
                            shortest_free = Some(shortest_free.map_or(d + 1, |s| s.min(d + 1)));
                        }
                        Next::Relapse => relapse = true,
                        Next::Goto(id) => {
                            if let Some(j) = self.nodes.iter().position(|n| &n.id == id)
                                && depth[j].is_none()
                            {
                                depth[j] = Some(d + 1);
                                queue.push_back(j);
                            }
                        }
                    }
                }
            }
            (shortest_free, relapse)
        };
        let (shortest, relapse) = walk(false);
        match shortest {
            None => problems.push("no answer frees the dreamer".to_owned()),
            Some(n) if n < MIN_EXCHANGES => problems.push(format!(
                "the shortest way to freeing the dreamer takes {n} answers; at least {MIN_EXCHANGES}"
            )),
            Some(_) => {}
        }
        if !relapse {
            problems.push("no answer sends Juno back: nothing she says can go wrong".to_owned());
        }
        if let (Some(n), _) = walk(true) {
            problems.push(format!(
                "the dreamer can be freed in {n} answers with no memory understood"
            ));
        }
        problems
    }

    /// Which nodes can be reached from the start or an opening, by index.
    fn reached(&self) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut todo: Vec<&str> = std::iter::once(self.start.as_str())
            .chain(self.openings.iter().map(|o| o.node.as_str()))
            .collect();
        while let Some(id) = todo.pop() {
            for (i, node) in self.nodes.iter().enumerate() {
                if node.id != id || std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                for choice in &node.choices {
                    if let Next::Goto(next) = &choice.next {
                        todo.push(next);
                    }
                }
            }
        }
        seen
    }
}

/// The most answers one line of a talk offers.
pub const MAX_CHOICES: usize = 6;

impl LevelDoc for Dialogue {
    const KIND: &'static str = "dialogue";

    fn check(&self, c: &mut Checks) {
        c.id("id", &self.id);
        if self.nodes.is_empty() || self.nodes.len() > MAX_NODES {
            c.fail(
                "nodes",
                format!(
                    "expected 1 to {MAX_NODES} nodes, found {}",
                    self.nodes.len()
                ),
            );
            return;
        }
        let ids: Vec<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut known = ids.clone();
        known.sort_unstable();
        known.dedup();
        c.reference("start", "node", &self.start, &known);
        for (i, opening) in self.openings.iter().enumerate() {
            c.reference(
                format_args!("openings[{i}].node"),
                "node",
                &opening.node,
                &known,
            );
            if opening.when.is_empty() {
                c.fail(
                    format_args!("openings[{i}].when"),
                    "expected conditions: an opening that always holds hides `start`",
                );
            }
        }
        if self.openings.len() > MAX_OPENINGS {
            c.fail(
                "openings",
                format!(
                    "expected at most {MAX_OPENINGS} openings, found {}",
                    self.openings.len()
                ),
            );
        }
        for (at, conds) in self.conditions() {
            cond::check(c, &at, conds, Scope::Dive);
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let at = format!("nodes[{i}]");
            c.id(format_args!("{at}.id"), &node.id);
            if ids[..i].contains(&node.id.as_str()) {
                c.fail(
                    format_args!("{at}.id"),
                    format!("node {:?} is defined twice", node.id),
                );
            }
            c.text(format_args!("{at}.speaker"), &node.speaker, 40);
            c.text(format_args!("{at}.text"), &node.text, 600);
            for (j, v) in node.variants.iter().enumerate() {
                c.text(format_args!("{at}.variants[{j}].text"), &v.text, 600);
                if v.when.is_empty() {
                    c.fail(
                        format_args!("{at}.variants[{j}].when"),
                        "expected conditions: a variant that always holds hides the node's text",
                    );
                }
            }
            if node.variants.len() > MAX_SAID || node.also.len() > MAX_SAID {
                c.fail(
                    format_args!("{at}"),
                    format!("expected at most {MAX_SAID} variants and {MAX_SAID} lines in `also`"),
                );
            }
            for (j, said) in node.also.iter().enumerate() {
                c.text(format_args!("{at}.also[{j}].speaker"), &said.speaker, 40);
                c.text(format_args!("{at}.also[{j}].text"), &said.text, 600);
            }
            if node.choices.is_empty() || node.choices.len() > MAX_CHOICES {
                c.fail(
                    format_args!("{at}.choices"),
                    format!("expected 1 to {MAX_CHOICES} choices"),
                );
            } else if !node.choices.iter().any(Choice::free_to_say) {
                c.fail(
                    format_args!("{at}.choices"),
                    "expected at least one choice that needs no anchors, memories or conditions, so Juno is never stuck",
                );
            }
            for (j, choice) in node.choices.iter().enumerate() {
                c.text(format_args!("{at}.choices[{j}].say"), &choice.say, 200);
                if choice.needs_memories.len() > MAX_SAID {
                    c.fail(
                        format_args!("{at}.choices[{j}].needs_memories"),
                        format!("expected at most {MAX_SAID} memories"),
                    );
                }
                if let Next::Goto(next) = &choice.next {
                    c.reference(format_args!("{at}.choices[{j}].next"), "node", next, &known);
                }
            }
        }
        if !known.contains(&self.start.as_str()) {
            // Without a start, reachability would only repeat that one mistake.
            return;
        }
        let reached = self.reached();
        for (i, node) in self.nodes.iter().enumerate() {
            if !reached[i] {
                c.fail(
                    format_args!("nodes[{i}].id"),
                    format!(
                        "node {:?} cannot be reached from the start {:?}",
                        node.id, self.start
                    ),
                );
            }
        }
        let frees = self
            .nodes
            .iter()
            .zip(&reached)
            .any(|(n, &r)| r && n.choices.iter().any(|ch| ch.next == Next::Free));
        if !frees {
            c.fail(
                "nodes",
                "expected a way to free the dreamer: no reachable choice leads to Free",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::{LevelError, check::parse};

    #[test]
    fn a_shallow_talk_is_told_where_it_falls_short_and_a_deep_one_is_not() {
        // One voice, freed at the first word with nothing understood, nothing to get
        // wrong.
        let shallow: Dialogue = ron::from_str(
            r#"(id: "s", start: "a", nodes: [
                (id: "a", speaker: "Ada", text: "Hello.", choices: [(say: "Wake up.", next: Free)]),
            ])"#,
        )
        .expect("parses");
        let problems = shallow.depth_problems();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("one voice only"), "{problems:#?}");
        assert!(problems[1].contains("takes 1 answers"), "{problems:#?}");
        assert!(problems[2].contains("sends Juno back"), "{problems:#?}");
        assert!(
            problems[3].contains("no memory understood"),
            "{problems:#?}"
        );
        // Four answers on the way, a memory on every way to Free, a second voice and a
        // wrong word.
        let deep: Dialogue = ron::from_str(
            r#"(id: "d", start: "a", nodes: [
                (id: "a", speaker: "Ada", text: "1", also: [(speaker: "Fog", text: "Stay.")],
                 choices: [(say: "x", next: Goto("b")), (say: "No.", next: Relapse)]),
                (id: "b", speaker: "Ada", text: "2", choices: [(say: "x", next: Goto("c"))]),
                (id: "c", speaker: "Ada", text: "3", choices: [(say: "x", next: Goto("d"))]),
                (id: "d", speaker: "Ada", text: "4", choices: [
                    (say: "x", needs_memories: [0], next: Free),
                    (say: "y", next: Goto("a")),
                ]),
            ])"#,
        )
        .expect("parses");
        assert_eq!(deep.depth_problems(), Vec::<String>::new());
        // The same with the memory gate taken off: freed with nothing understood.
        let mut ungated = deep.clone();
        ungated.nodes[3].choices[0].needs_memories.clear();
        assert_eq!(
            ungated.depth_problems().len(),
            1,
            "{:?}",
            ungated.depth_problems()
        );
    }

    const GOOD: &str = r#"(
        id: "ada",
        start: "hello",
        nodes: [
            (
                id: "hello",
                speaker: "Ada",
                text: "Who is there?",
                choices: [
                    (say: "It's me.", next: Goto("kite")),
                    (say: "Wake up!", next: Relapse),
                ],
            ),
            (
                id: "kite",
                speaker: "Ada",
                text: "The kite...",
                choices: [(say: "Remember the beach.", needs_anchors: 1, next: Free), (say: "Let go.", next: Relapse)],
            ),
        ],
    )"#;

    fn problems(text: &str) -> Vec<String> {
        parse::<Dialogue>("ada.dialogue.ron", text.as_bytes())
            .unwrap_err()
            .iter()
            .map(LevelError::to_string)
            .collect()
    }

    #[test]
    fn good_file_parses() {
        let d = parse::<Dialogue>("ada.dialogue.ron", GOOD.as_bytes()).expect("valid");
        assert_eq!(d.most_anchors_needed(), 1);
        assert_eq!(d.node("kite").map(|n| n.choices.len()), Some(2));
    }

    #[test]
    fn broken_links_are_located_and_suggested() {
        let errs = problems(&GOOD.replace("Goto(\"kite\")", "Goto(\"kit\")"));
        assert!(
            errs[0].starts_with("ada.dialogue.ron:10:45: nodes[0].choices[0].next: no node \"kit\" (did you mean `kite`?)"),
            "{errs:?}"
        );
        // With the link broken, "kite" is unreachable and nothing frees Ada.
        assert_eq!(errs.len(), 3, "{errs:?}");
    }

    #[test]
    fn a_node_needing_anchors_for_every_answer_is_refused() {
        let errs = problems(&GOOD.replace(
            "(say: \"Let go.\", next: Relapse)",
            "(say: \"Let go.\", needs_anchors: 2, next: Relapse)",
        ));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains("nodes[1].choices: expected at least one choice"),
            "{errs:?}"
        );
    }

    /// Ada's talk with every kind of gate: an opening for when she sank, a line said
    /// otherwise after a rift choice, Nyx speaking after her, an answer offered only
    /// with a flag, one needing a named memory.
    const GATED: &str = r#"(
        id: "ada",
        start: "hello",
        openings: [(when: [Sunk], node: "deep")],
        nodes: [
            (
                id: "hello",
                speaker: "Ada",
                text: "Who is there?",
                variants: [(when: [Flag("mocked")], text: "You again. Come to laugh?")],
                also: [(speaker: "Nyx", text: "Send her away.", when: [Not(Memory(0))])],
                choices: [
                    (say: "I'm sorry about the call.", when: [Flag("mocked")], next: Goto("kite")),
                    (say: "Remember the kite?", needs_memories: [1], next: Free),
                    (say: "It's me.", next: Goto("kite")),
                    (say: "Wake up!", next: Relapse),
                ],
            ),
            (
                id: "kite",
                speaker: "Ada",
                text: "The kite...",
                choices: [(say: "Let it fly.", needs_anchors: 1, next: Free), (say: "Let go.", next: Relapse)],
            ),
            (
                id: "deep",
                speaker: "Ada",
                text: "It's so far down now.",
                choices: [(say: "Then I'll come down.", next: Goto("hello"))],
            ),
        ],
    )"#;

    fn facts_with(flags: &[&str], sunk: bool) -> crate::levels::StoryFacts {
        crate::levels::StoryFacts {
            flags: flags.iter().map(|f| (*f).to_owned()).collect(),
            sunk: if sunk {
                ["ada".to_owned()].into()
            } else {
                Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn what_is_said_follows_the_story_and_the_memories() {
        let d = parse::<Dialogue>("ada.dialogue.ron", GATED.as_bytes()).expect("valid");
        let none: std::collections::BTreeSet<usize> = Default::default();
        let both: std::collections::BTreeSet<usize> = [0, 1].into();
        let plain = facts_with(&[], false);
        let mocked = facts_with(&["mocked"], false);
        let sunk = facts_with(&[], true);
        let fresh = Facts::diving(&plain, "ada", &none);
        let hello = d.node("hello").expect("node");

        assert_eq!(d.opening(&fresh), "hello");
        assert_eq!(d.opening(&Facts::diving(&sunk, "ada", &none)), "deep");
        // A dreamer who sank in another dream does not open this one deep.
        assert_eq!(d.opening(&Facts::diving(&sunk, "bea", &none)), "hello");

        assert_eq!(
            hello.lines_for(&fresh),
            vec![("Ada", "Who is there?"), ("Nyx", "Send her away.")]
        );
        let harsh = Facts::diving(&mocked, "ada", &both);
        assert_eq!(
            hello.lines_for(&harsh),
            vec![("Ada", "You again. Come to laugh?")]
        );

        let offered =
            |f: &Facts| -> Vec<bool> { hello.choices.iter().map(|c| c.offered(f)).collect() };
        let sayable =
            |f: &Facts| -> Vec<bool> { hello.choices.iter().map(|c| c.can_say(f)).collect() };
        assert_eq!(offered(&fresh), [false, true, true, true]);
        assert_eq!(sayable(&fresh), [false, false, true, true]);
        assert_eq!(sayable(&harsh), [true, true, true, true]);

        // The well-meaning answer frees her once the kite is understood.
        assert_eq!(hello.best_answer(&fresh), Some(2));
        assert_eq!(hello.best_answer(&harsh), Some(1));
    }

    #[test]
    fn a_transcript_plays_the_talk_on_paper() {
        let d = parse::<Dialogue>("ada.dialogue.ron", GATED.as_bytes()).expect("valid");
        let one: std::collections::BTreeSet<usize> = [0].into();
        let plain = facts_with(&[], false);
        let facts = Facts::diving(&plain, "ada", &one);
        let t = d.transcript(&facts, |node| node.best_answer(&facts));
        assert_eq!(t.end, Some(Next::Free));
        let said: Vec<(&str, &str)> = t
            .lines
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            said,
            vec![
                ("Ada", "Who is there?"),
                ("Juno", "It's me."),
                ("Ada", "The kite..."),
                ("Juno", "Let it fly."),
            ]
        );
        // An answer she cannot say ends the transcript there, unanswered.
        let stuck = d.transcript(&facts, |_| Some(0));
        assert_eq!(stuck.end, None);
        assert_eq!(stuck.lines.len(), 1);
    }

    #[test]
    fn gates_are_checked_where_they_stand() {
        // Every answer gated: Juno could be stuck.
        let errs = problems(&GATED.replace(
            "(say: \"Then I'll come down.\", next: Goto(\"hello\"))",
            "(say: \"Then I'll come down.\", when: [SunkAny], next: Goto(\"hello\"))",
        ));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("nodes[2].choices: expected at least one choice that needs no anchors, memories or conditions"), "{errs:?}");

        // An opening to nowhere, a variant without conditions, an outcome at the core.
        let errs = problems(
            &GATED
                .replace("node: \"deep\")]", "node: \"depp\")]")
                .replace(
                    "variants: [(when: [Flag(\"mocked\")]",
                    "variants: [(when: []",
                )
                .replace("when: [Not(Memory(0))]", "when: [Outcome(OptIn)]"),
        );
        let joined = errs.join("\n");
        assert!(
            joined.contains("openings[0].node: no node \"depp\" (did you mean `deep`?)"),
            "{joined}"
        );
        assert!(
            joined.contains("nodes[0].variants[0].when: expected conditions"),
            "{joined}"
        );
        assert!(
            joined.contains(
                "nodes[0].also[0].when[0]: the alternative's outcome is only known in the epilogue"
            ),
            "{joined}"
        );
        // The node `deep` is still reached through nothing, so it is reported too.
        assert!(
            joined.contains("node \"deep\" cannot be reached"),
            "{joined}"
        );
        assert_eq!(errs.len(), 4, "{joined}");
    }

    #[test]
    fn the_memories_a_talk_names_set_how_many_anchors_its_dream_needs() {
        let d = parse::<Dialogue>("ada.dialogue.ron", GATED.as_bytes()).expect("valid");
        let named = d.memories_named();
        assert_eq!(
            named,
            vec![
                ("nodes[0].choices[1].needs_memories[0]".to_owned(), 1),
                ("nodes[0].also[0].when[0]".to_owned(), 0),
            ]
        );
        assert_eq!(d.anchors_required(), 2);
    }
}
