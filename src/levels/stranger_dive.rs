//! A stranger's dive, put together (issue 21): their dream, their memories and the talk
//! at its core, assembled from the fear templates of the fears they have, with their
//! name and details woven in. A pure function of the stranger (so of the network's
//! seed, the sleeper's number and the profile they were made from) and the library's
//! files: the same three give the same dive.
//!
//! - Memories: two from the strongest fear's template, two from the second's, one from
//!   the third's (the strongest's again when they have only two), never one twice.
//! - Talk: the strongest fear's part, then the second's, then the closing of the rules
//!   file, where the dreamer is freed. Each line's way of saying it is drawn per
//!   stranger; a part's answers that name one of its memories need that memory.

use std::collections::BTreeMap;

use super::Cond;
use super::dialogue::{Choice, Dialogue, DialogueNode, Next, Said, Variant};
use super::dream_file::{Anchor, Core, DreamLevel};
use super::dreamer::Dreamer;
use super::fear_template::{FearTemplate, TemplateNext, TemplateNode, Who};
use super::library::{DiveSpec, Library};
use super::story::StoryFlag;
use super::strangers::{Draw, Stranger, StrangerKey, StrangerRules, person_text};
use crate::dream::{FearTag, mix_seed};
use crate::network::SleeperProfile;

pub use super::fear_template::STRANGER_ANCHORS;

/// How many memories each of a stranger's fears gives their dream.
const ANCHORS_PER_FEAR: [usize; 3] = [2, 2, 1];

/// Why a stranger's dive cannot be put together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrangerError {
    #[error("no stranger rules loaded (levels/strangers/rules.strangers.ron)")]
    NoRules,
    #[error("no fear template for {0:?} loaded (NAME.fear.ron under strangers/)")]
    NoTemplate(FearTag),
    #[error("sleeper {sleeper} is not in the network ({count} sleepers)")]
    NoSuchSleeper { sleeper: usize, count: usize },
}

impl Library {
    /// Sleeper `profile.sleeper` of the network seeded `network_seed` as a person.
    pub fn stranger(
        &self,
        network_seed: u64,
        profile: &SleeperProfile,
    ) -> Result<Stranger, StrangerError> {
        let rules = self.strangers.as_ref().ok_or(StrangerError::NoRules)?;
        Ok(rules.value.stranger(network_seed, profile))
    }

    /// The dive a [`StrangerKey`] names.
    pub fn stranger_key_dive(&self, key: &StrangerKey) -> Result<DiveSpec, StrangerError> {
        self.stranger_dive(&self.stranger(key.network_seed, &key.profile)?)
    }

    /// The dive into `stranger`'s dream.
    pub fn stranger_dive(&self, stranger: &Stranger) -> Result<DiveSpec, StrangerError> {
        let rules = &self.strangers.as_ref().ok_or(StrangerError::NoRules)?.value;
        let templates: BTreeMap<FearTag, &FearTemplate> = self
            .fear_templates
            .iter()
            .map(|(tag, entry)| (*tag, &entry.value))
            .collect();
        let origin = self
            .strangers
            .as_ref()
            .and_then(|e| self.sources.get(e.source))
            .map_or_else(|| "levels".to_owned(), |s| s.folder.clone());
        assemble(rules, &templates, stranger, origin)
    }
}

/// One fear's part of the dive as drawn for one stranger: its words and voice, and the
/// dream's memories it gave.
struct Part<'t> {
    template: &'t FearTemplate,
    /// The fear's name in node ids: `falling`.
    prefix: String,
    voice: String,
    words: Vec<(String, String)>,
    /// Indices into the dream's anchors of the memories this fear gave, in order.
    memories: Vec<usize>,
    /// Juno's way of naming each of them (`{recall0}`, `{recall1}`).
    recalls: Vec<String>,
}

/// Fills text: the person's slots, then the part's voice, words and recalls.
struct Filler<'a> {
    stranger: &'a Stranger,
}

impl Filler<'_> {
    fn person(&self, text: &str) -> String {
        let s = self.stranger;
        person_text(text, &s.given, &s.family, s.age)
    }

    fn part(&self, text: &str, part: &Part) -> String {
        let mut out = self.person(text).replace("{voice}", &part.voice);
        for (slot, word) in &part.words {
            out = out.replace(&format!("{{{slot}}}"), word);
        }
        for (k, recall) in part.recalls.iter().enumerate() {
            out = out.replace(&format!("{{recall{k}}}"), recall);
        }
        out
    }
}

/// Draws one of `texts`, by a salt that names where it stands.
fn one<'t>(draw: Draw, at: &str, texts: &'t [String]) -> &'t str {
    texts
        .get(draw.pick(salt_of(at), texts.len()))
        .map_or("", String::as_str)
}

/// A salt from where a draw stands (FNV-1a of the path), so adding a line to one
/// template changes no other line's draw.
fn salt_of(at: &str) -> u64 {
    crate::portable::Fnv::of(at.as_bytes())
}

/// The fear's name in ids: `losing-control`.
fn fear_id(tag: FearTag) -> String {
    tag.label().replace(' ', "-")
}

fn assemble(
    rules: &StrangerRules,
    templates: &BTreeMap<FearTag, &FearTemplate>,
    stranger: &Stranger,
    origin: String,
) -> Result<DiveSpec, StrangerError> {
    let draw = Draw(mix_seed(stranger.seed, 0x4449_5645));
    let fill = Filler { stranger };
    // The fears that give the dream its parts: the strongest, the second, the third
    // (the strongest again when there are only two).
    let strongest = stranger
        .fears
        .first()
        .map_or(FearTag::Endlessness, |f| f.tag);
    let tags: Vec<FearTag> = (0..ANCHORS_PER_FEAR.len())
        .map(|i| stranger.fears.get(i).map_or(strongest, |f| f.tag))
        .collect();
    let mut anchors: Vec<Anchor> = Vec::with_capacity(STRANGER_ANCHORS);
    let mut used: Vec<(FearTag, usize)> = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    for (i, (&tag, &count)) in tags.iter().zip(&ANCHORS_PER_FEAR).enumerate() {
        let template = *templates.get(&tag).ok_or(StrangerError::NoTemplate(tag))?;
        let at = format!("{}#{i}", fear_id(tag));
        let words = template
            .words
            .iter()
            .map(|(slot, words)| {
                let word = one(draw, &format!("{at}.words.{slot}"), words).to_owned();
                (slot.clone(), fill.person(&word))
            })
            .collect();
        let mut part = Part {
            template,
            prefix: if i < 2 && tags[..i].contains(&tag) {
                format!("{}-{i}", fear_id(tag))
            } else {
                fear_id(tag)
            },
            voice: fill.person(one(draw, &format!("{at}.voice"), &template.voice)),
            words,
            memories: Vec::new(),
            recalls: Vec::new(),
        };
        // Memories not yet in the dream, drawn one by one.
        for k in 0..count {
            let left: Vec<usize> = (0..template.anchors.len())
                .filter(|a| !used.contains(&(tag, *a)))
                .collect();
            let Some(&pick) = left.get(draw.pick(salt_of(&format!("{at}.anchor{k}")), left.len()))
            else {
                break;
            };
            used.push((tag, pick));
            let anchor = &template.anchors[pick];
            let memory = one(draw, &format!("{at}.anchor{k}.memory"), &anchor.memory);
            let recall = one(draw, &format!("{at}.anchor{k}.recall"), &anchor.recall);
            part.memories.push(anchors.len());
            part.recalls.push(fill.part(recall, &part));
            anchors.push(Anchor {
                title: fill.part(&anchor.title, &part),
                memory: fill.part(memory, &part),
                of: None,
            });
        }
        parts.push(part);
    }

    // The talk: the two strongest fears' parts, then the closing.
    let closing_part = Part {
        template: parts[0].template,
        prefix: "closing".to_owned(),
        voice: parts[0].voice.clone(),
        words: Vec::new(),
        memories: Vec::new(),
        recalls: Vec::new(),
    };
    let sections: Vec<(&Part, &[TemplateNode])> = vec![
        (&parts[0], parts[0].template.nodes.as_slice()),
        (&parts[1], parts[1].template.nodes.as_slice()),
        (&closing_part, rules.closing.as_slice()),
    ];
    let node_id = |part: &Part, id: &str| format!("{}-{id}", part.prefix);
    let mut nodes = Vec::new();
    for (s, (part, section)) in sections.iter().enumerate() {
        let next_start = sections
            .get(s + 1)
            .and_then(|(p, n)| n.first().map(|first| node_id(p, &first.id)));
        let speaker = |who: Who| match who {
            Who::Dreamer => stranger.given.clone(),
            Who::Voice => part.voice.clone(),
        };
        for node in *section {
            let at = format!("{}.{}", part.prefix, node.id);
            // Once the loops have set (the pressure clock ran out) every trapped
            // sleeper has sunk deeper.
            let variants = if node.sunk.is_empty() {
                Vec::new()
            } else {
                vec![Variant {
                    when: vec![Cond::Beat(StoryFlag::LoopsSetting)],
                    text: fill.part(one(draw, &format!("{at}.sunk"), &node.sunk), part),
                }]
            };
            let also = node
                .also
                .iter()
                .enumerate()
                .map(|(j, said)| Said {
                    speaker: speaker(said.speaker),
                    text: fill.part(one(draw, &format!("{at}.also{j}"), &said.text), part),
                    when: Vec::new(),
                })
                .collect();
            let choices = node
                .choices
                .iter()
                .enumerate()
                .map(|(j, choice)| Choice {
                    say: fill.part(one(draw, &format!("{at}.say{j}"), &choice.say), part),
                    needs_anchors: choice.needs_anchors,
                    needs_memories: choice
                        .needs_memories
                        .iter()
                        .filter_map(|k| part.memories.get(*k).copied())
                        .collect(),
                    when: Vec::new(),
                    sets: None,
                    next: match &choice.next {
                        TemplateNext::Goto(id) => Next::Goto(node_id(part, id)),
                        TemplateNext::On => next_start.clone().map_or(Next::Free, Next::Goto),
                        TemplateNext::Free => Next::Free,
                        TemplateNext::Relapse => Next::Relapse,
                    },
                })
                .collect();
            nodes.push(DialogueNode {
                id: node_id(part, &node.id),
                speaker: speaker(node.speaker),
                text: fill.part(one(draw, &format!("{at}.text"), &node.text), part),
                variants,
                also,
                choices,
            });
        }
    }
    let dialogue = Dialogue {
        id: format!("sleeper-{}", stranger.sleeper),
        start: nodes.first().map_or_else(String::new, |n| n.id.clone()),
        openings: Vec::new(),
        nodes,
    };
    let id = stranger.dive_id();
    let [r, g, b] = stranger.colour;
    let dreamer = Dreamer {
        id: id.clone(),
        name: stranger.given.clone(),
        about: stranger.life.clone(),
        colour: format!("#{r:02x}{g:02x}{b:02x}"),
        fears: stranger.fears.clone(),
        dialogue: dialogue.id.clone(),
        figure: Some(stranger.figure.clone()),
    };
    let dream = DreamLevel {
        id: id.clone(),
        dreamer: id,
        dreamers: Vec::new(),
        mood: Default::default(),
        dialogue: None,
        title: Some(format!("{}'s nightmare", stranger.name())),
        cast: Vec::new(),
        waking: None,
        seed: mix_seed(stranger.seed, 0x0044_5245_414D),
        loop_seconds: rules.dream.loop_seconds,
        terrain: Default::default(),
        tuning: Default::default(),
        anchors,
        core: Core {
            anchors_needed: rules.dream.anchors_needed,
        },
        nightmare: Default::default(),
    };
    Ok(DiveSpec {
        dream,
        dreamer,
        blend: Vec::new(),
        people: Vec::new(),
        dialogue,
        origin,
    })
}
