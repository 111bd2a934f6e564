//! Dialogue: what a dreamer and Juno say at the core of a dream. A small graph of
//! nodes; each choice leads to another node, frees the dreamer, or sends Juno back
//! into a harsher loop. One `*.dialogue.ron` file per dialogue, under `dialogue/`.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};

/// The most nodes a dialogue holds.
pub const MAX_NODES: usize = 200;

/// A dialogue as written in its level file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialogue {
    /// Short unique id (`"leo"`): dreamers name their dialogue by it.
    pub id: String,
    /// The node the confrontation opens with.
    pub start: String,
    /// Every node of the talk.
    pub nodes: Vec<DialogueNode>,
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
    /// Juno's answers. At least one needs no anchors, so she is never stuck.
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
    /// Where the talk goes next.
    pub next: Next,
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

    /// Which nodes can be reached from the start, by index.
    fn reached(&self) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut todo: Vec<&str> = vec![&self.start];
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
            if node.choices.is_empty() || node.choices.len() > 6 {
                c.fail(format_args!("{at}.choices"), "expected 1 to 6 choices");
            } else if node.choices.iter().all(|ch| ch.needs_anchors > 0) {
                c.fail(
                    format_args!("{at}.choices"),
                    "expected at least one choice that needs no anchors, so Juno is never stuck",
                );
            }
            for (j, choice) in node.choices.iter().enumerate() {
                c.text(format_args!("{at}.choices[{j}].say"), &choice.say, 200);
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
}
