//! The replay file: a dive's inputs tick by tick in RON, what it must match to play, how
//! the dive went, and writing it whole.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::juno::{JunoTuning, TickIntent};
use crate::levels::strangers::StrangerKey;
use crate::levels::{DiveSpec, LevelDoc, LevelError, StoryFacts, printable, too_big_for};

/// The layout of replay files this build reads and writes.
///
/// 2: the platform recorded, and the state hash's checkpoints.
pub const REPLAY_FORMAT: u32 = 2;
/// Bumped whenever play changes so that old inputs would play out differently.
///
/// 2: the same bits on every platform (src/portable.rs): Juno's turns, the hazards'
/// headings, the slopes she climbs and the noise's octaves no longer use the platform's
/// maths.
/// 3: the noise pipeline's octave planes hold the signal before its clamp to ±1: the
/// ground of dreams sampled through planes (Mara's, the evening's) moved by up to 0.07%
/// of its height range; pixel-stepped dreams (Leo's, the family's) are unchanged.
pub const SIMULATION: u32 = 3;

/// The largest replay file read, bytes: an hour's dive that changed its intent every
/// tick is about 8 MB. A bigger file is refused unread.
pub const MAX_REPLAY_BYTES: usize = 16 << 20;
/// The most fixed ticks a replay holds: an hour at 60 a second. The recorder stops there.
pub const MAX_REPLAY_TICKS: u64 = 60 * 60 * 60;

/// A recorded dive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayFile {
    /// [`REPLAY_FORMAT`] of the build that wrote it.
    pub format: u32,
    /// [`SIMULATION`] of the build that wrote it.
    pub simulation: u32,
    /// The game version that wrote it, for messages.
    pub game: String,
    /// Where it was recorded (`linux-x86_64`, `windows-x86_64`, `web-wasm32`, ...), for
    /// messages: a replay plays the same on every platform.
    #[serde(default)]
    pub platform: String,
    /// The dream played, its seed, and the loop the dive started at (0 = the first).
    pub dream: String,
    pub seed: u64,
    pub start_loop: u32,
    /// The memories Juno understood (by index) and the relapses she had when the dive
    /// began: a dive resumed from the control room carries them. Left out when none.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub understood: BTreeSet<usize>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub relapses: u32,
    /// Fingerprint of the dream's, dreamer's and dialogue's files and Juno's tuning.
    pub content: String,
    /// Fixed ticks played.
    pub ticks: u64,
    /// Intent changes: (tick, walk x, walk y, jump, yaw), in [`TickIntent`]'s units;
    /// each holds until the next.
    pub intents: Vec<(u64, i16, i16, bool, i32)>,
    /// Answers at the core: (tick, choice index).
    pub answers: Vec<(u64, usize)>,
    /// What the story knew when the dive began (the player's choices, who sank): the
    /// talk at the core may depend on it. Left out when nothing was known.
    #[serde(default, skip_serializing_if = "StoryFacts::is_empty")]
    pub story: StoryFacts,
    /// The assist "slower dreams" it was played with (the loop's clock and lucidity at
    /// 1/pace); left out at 1, the game as designed.
    #[serde(default = "designed_pace", skip_serializing_if = "is_designed_pace")]
    pub pace: f32,
    /// A stranger's dive (`dream` is `sleeper#N`): the network's seed and who they were,
    /// from which their dream is put together again with the level files. Left out for
    /// the library's dreams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stranger: Option<StrangerKey>,
    /// How the dive ended when it was recorded.
    pub outcome: Outcome,
    /// The state hash ([`crate::replay::PARTS`]) every [`crate::replay::CHECK_EVERY`]
    /// ticks and at the tick the dreamer was freed, as recorded: playing it back
    /// compares each, and names the first tick that differs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkpoints: Vec<(u64, super::StateHash)>,
}

/// How a dive went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The loop it ended in (1 = the first; a relapse skips ahead).
    pub loops: u32,
    /// Memory anchors understood.
    pub anchors: usize,
    /// Wrong words at the core.
    pub relapses: u32,
    /// The dreamer was freed.
    pub freed: bool,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} loop{}, {} memor{} understood, {} relapse{}, {}",
            self.loops,
            if self.loops == 1 { "" } else { "s" },
            self.anchors,
            if self.anchors == 1 { "y" } else { "ies" },
            self.relapses,
            if self.relapses == 1 { "" } else { "s" },
            if self.freed {
                "the dreamer is free"
            } else {
                "the dreamer is still trapped"
            }
        )
    }
}

/// Why a replay cannot be played.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("{file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    /// Not a replay file this build can read, or one whose values are out of bounds:
    /// each problem located (`file:line:column: field: …`) where the file is short
    /// enough to scan.
    #[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid { problems: Vec<LevelError> },
    #[error(
        "{file} was recorded by Sleep Sync {game} (replay format {format}, simulation {simulation}); this is Sleep Sync {this} (replay format {REPLAY_FORMAT}, simulation {SIMULATION}), which plays differently: it cannot be played back. Record it again with this version."
    )]
    Version {
        file: String,
        game: String,
        format: u32,
        simulation: u32,
        this: String,
    },
    #[error("{file}: the dream {dream:?} it was recorded in is not among the loaded levels")]
    NoDream { file: String, dream: String },
    #[error(
        "{file}: the dream {dream:?} has changed since it was recorded ({what}): the replay would not play out the same"
    )]
    Changed {
        file: String,
        dream: String,
        what: String,
    },
}

/// The part of a replay read before the rest when the rest does not parse: its versions.
#[derive(Deserialize)]
struct Versions {
    format: u32,
    #[serde(default)]
    simulation: u32,
    #[serde(default)]
    game: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn designed_pace() -> f32 {
    1.0
}

fn is_designed_pace(pace: &f32) -> bool {
    *pace == 1.0
}

impl ReplayFile {
    /// Reads a replay file: at most [`MAX_REPLAY_BYTES`] of it (a bigger one is refused
    /// unread; one that grows while it is read, at one byte past the cap).
    pub fn read(path: &Path) -> Result<ReplayFile, ReplayError> {
        use std::io::Read;
        let file = printable(&path.display().to_string());
        let unreadable = |source| ReplayError::Read {
            file: file.clone(),
            source,
        };
        let handle = std::fs::File::open(path).map_err(unreadable)?;
        let size = handle.metadata().map_or(0, |m| m.len());
        if size > MAX_REPLAY_BYTES as u64 {
            return Err(ReplayError::Invalid {
                problems: vec![too_big_for(&file, size, Self::KIND, MAX_REPLAY_BYTES)],
            });
        }
        let mut bytes = Vec::with_capacity(size as usize + 1);
        handle
            .take(MAX_REPLAY_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        Self::parse(&file, &bytes)
    }

    /// Parses and checks a replay from its bytes; `file` names it in errors. A file of
    /// another format or simulation is told so rather than that it is malformed.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<ReplayFile, ReplayError> {
        let parsed = crate::levels::parse::<ReplayFile>(file, bytes);
        let versions = match &parsed {
            Ok(replay) => Some(Versions {
                format: replay.format,
                simulation: replay.simulation,
                game: replay.game.clone(),
            }),
            // Read on its own, skipping what this build does not know: a newer file
            // may hold fields it has never heard of.
            Err(_) if bytes.len() <= MAX_REPLAY_BYTES => std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| ron::from_str::<Versions>(text).ok()),
            Err(_) => None,
        };
        if let Some(v) = versions
            && (v.format != REPLAY_FORMAT || v.simulation != SIMULATION)
        {
            return Err(ReplayError::Version {
                file: file.to_owned(),
                game: if v.game.is_empty() {
                    "(unknown)".to_owned()
                } else {
                    printable(&v.game.chars().take(40).collect::<String>())
                },
                format: v.format,
                simulation: v.simulation,
                this: crate::version::label(),
            });
        }
        parsed.map_err(|problems| ReplayError::Invalid { problems })
    }

    /// The file's text.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(1)
            .indentor("  ".to_owned());
        let body = ron::ser::to_string_pretty(self, config).unwrap_or_default();
        format!(
            "// A Sleep Sync replay: play it with `sleep-sync replay FILE [--headless]`.\n{body}\n"
        )
    }

    /// Writes the file atomically: a crash never leaves half a replay.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(path, self.to_ron().as_bytes())
    }

    /// Whether this replay can be played against `spec` with `juno`'s tuning.
    pub fn check_against(
        &self,
        file: &str,
        spec: Option<&DiveSpec>,
        juno: &JunoTuning,
    ) -> Result<(), ReplayError> {
        let Some(spec) = spec else {
            return Err(ReplayError::NoDream {
                file: file.to_owned(),
                dream: self.dream.clone(),
            });
        };
        let changed = |what: String| ReplayError::Changed {
            file: file.to_owned(),
            dream: self.dream.clone(),
            what,
        };
        if spec.dream.seed != self.seed {
            return Err(changed(format!(
                "seed {} then, {} now",
                self.seed, spec.dream.seed
            )));
        }
        let anchors = spec.dream.anchors.len();
        if let Some(memory) = self.understood.iter().find(|&&i| i >= anchors) {
            return Err(changed(format!(
                "memory {memory} was understood when the dive began; the dream now has {anchors} memories"
            )));
        }
        let now = content_fingerprint(spec, juno);
        if now != self.content {
            return Err(changed(format!(
                "its level files or Juno's tuning: fingerprint {} then, {now} now",
                self.content
            )));
        }
        Ok(())
    }

    /// The recorded state hash at `tick`, if the recording kept one there.
    pub fn checkpoint_at(&self, tick: u64) -> Option<super::StateHash> {
        self.checkpoints
            .binary_search_by_key(&tick, |&(t, _)| t)
            .ok()
            .map(|i| self.checkpoints[i].1)
    }

    /// The intent in force at `tick`, and the index of the change after it.
    pub(super) fn intent_at(&self, tick: u64, from: usize) -> (Option<TickIntent>, usize) {
        let mut i = from;
        let mut intent = None;
        while let Some(&(t, x, y, jump, yaw)) = self.intents.get(i) {
            if t > tick {
                break;
            }
            intent = Some(TickIntent {
                walk: [x, y],
                jump,
                yaw,
            });
            i += 1;
        }
        (intent, i)
    }
}

/// A fingerprint of what a dive plays out from: the dream, dreamer and dialogue as
/// loaded, and Juno's tuning (FNV-1a over their debug form, hex).
///
/// It reads them through a fixed projection, so a field added to the level files later
/// changes the fingerprint only where a file uses it: a replay recorded before the field
/// existed plays on as long as its files do not. How the dreamer looks (their `figure`)
/// plays no part in a dive and is left out.
pub fn content_fingerprint(spec: &DiveSpec, juno: &JunoTuning) -> String {
    let text = format!(
        "{:?}|{:?}|{:?}|{:?}{}{}",
        projection::dream(&spec.dream),
        projection::dreamer(&spec.dreamer),
        projection::dialogue(&spec.dialogue),
        juno,
        projection::dream_extras(spec),
        projection::dialogue_extras(&spec.dialogue),
    );
    format!("{:016x}", crate::portable::Fnv::of(text.as_bytes()))
}

/// The level files as the first replays saw them: each struct here is named and shaped
/// as its level type was then, so its debug form is the same; what came later is
/// appended only where it is used.
#[allow(dead_code, reason = "read through their Debug forms only")]
mod projection {
    use crate::levels::{self, Next};

    #[derive(Debug)]
    pub struct DreamLevel<'a> {
        id: &'a str,
        dreamer: &'a str,
        seed: u64,
        loop_seconds: f32,
        terrain: &'a crate::dream::TerrainSize,
        tuning: &'a crate::dream::Tuning,
        anchors: Vec<Anchor<'a>>,
        core: &'a levels::Core,
        nightmare: &'a levels::NightmareRules,
    }

    #[derive(Debug)]
    struct Anchor<'a> {
        title: &'a str,
        memory: &'a str,
    }

    pub fn dream(d: &levels::DreamLevel) -> DreamLevel<'_> {
        DreamLevel {
            id: &d.id,
            dreamer: &d.dreamer,
            seed: d.seed,
            loop_seconds: d.loop_seconds,
            terrain: &d.terrain,
            tuning: &d.tuning,
            anchors: d
                .anchors
                .iter()
                .map(|a| Anchor {
                    title: &a.title,
                    memory: &a.memory,
                })
                .collect(),
            core: &d.core,
            nightmare: &d.nightmare,
        }
    }

    /// The dream's later fields (several dreamers and their fears, a mood, its own
    /// talk, whose memory each anchor is), each written only where a file uses it.
    pub fn dream_extras(spec: &crate::levels::DiveSpec) -> String {
        let d = &spec.dream;
        let mut out = String::new();
        for (dreamer, share) in &spec.blend {
            out += &format!("|shares {share:?} {:?}", self::dreamer(dreamer));
        }
        if d.mood != crate::dream::Mood::default() {
            out += &format!("|mood {:?}", d.mood);
        }
        if let Some(own) = &d.dialogue {
            out += &format!("|dialogue {own:?}");
        }
        for (i, a) in d.anchors.iter().enumerate() {
            if let Some(of) = &a.of {
                out += &format!("|{i} of {of:?}");
            }
        }
        out
    }

    #[derive(Debug)]
    pub struct Dreamer<'a> {
        id: &'a str,
        name: &'a str,
        about: &'a str,
        colour: &'a str,
        fears: &'a [crate::dream::FearWeight],
        dialogue: &'a str,
    }

    pub fn dreamer(d: &levels::Dreamer) -> Dreamer<'_> {
        Dreamer {
            id: &d.id,
            name: &d.name,
            about: &d.about,
            colour: &d.colour,
            fears: &d.fears,
            dialogue: &d.dialogue,
        }
    }

    #[derive(Debug)]
    pub struct Dialogue<'a> {
        id: &'a str,
        start: &'a str,
        nodes: Vec<DialogueNode<'a>>,
    }

    #[derive(Debug)]
    struct DialogueNode<'a> {
        id: &'a str,
        speaker: &'a str,
        text: &'a str,
        choices: Vec<Choice<'a>>,
    }

    #[derive(Debug)]
    struct Choice<'a> {
        say: &'a str,
        needs_anchors: usize,
        next: &'a Next,
    }

    pub fn dialogue(d: &levels::Dialogue) -> Dialogue<'_> {
        Dialogue {
            id: &d.id,
            start: &d.start,
            nodes: d
                .nodes
                .iter()
                .map(|n| DialogueNode {
                    id: &n.id,
                    speaker: &n.speaker,
                    text: &n.text,
                    choices: n
                        .choices
                        .iter()
                        .map(|c| Choice {
                            say: &c.say,
                            needs_anchors: c.needs_anchors,
                            next: &c.next,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The dialogue's later fields (openings, variants, lines by others, gated
    /// answers), each written only where a file uses it: empty for a dialogue without.
    pub fn dialogue_extras(d: &levels::Dialogue) -> String {
        let mut out = String::new();
        if !d.openings.is_empty() {
            out += &format!("|openings {:?}", d.openings);
        }
        for (i, n) in d.nodes.iter().enumerate() {
            if !n.variants.is_empty() {
                out += &format!("|{i} variants {:?}", n.variants);
            }
            if !n.also.is_empty() {
                out += &format!("|{i} also {:?}", n.also);
            }
            for (j, c) in n.choices.iter().enumerate() {
                if !c.needs_memories.is_empty() {
                    out += &format!("|{i}.{j} memories {:?}", c.needs_memories);
                }
                if !c.when.is_empty() {
                    out += &format!("|{i}.{j} when {:?}", c.when);
                }
                if let Some(flag) = &c.sets {
                    out += &format!("|{i}.{j} sets {flag:?}");
                }
            }
        }
        out
    }
}

/// Writes `bytes` to `path` through the game's store: whole, or not at all (a crash
/// never leaves half a replay; a failed write leaves the old file as it was).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (store, name) = store_for(path)?;
    store.write(&name, bytes).map_err(|e| e.error)
}

/// The store holding `path` (its folder) and the file's name in it.
pub fn store_for(path: &Path) -> std::io::Result<(crate::store::Store, String)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file"))?;
    let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
    let folder = folder.map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf);
    Ok((crate::store::Store::folder(folder), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ReplayFile {
        ReplayFile {
            format: REPLAY_FORMAT,
            simulation: SIMULATION,
            game: "0.1.0".into(),
            platform: "linux-x86_64".into(),
            dream: "leo".into(),
            seed: 7,
            start_loop: 0,
            understood: BTreeSet::new(),
            relapses: 0,
            content: "0123456789abcdef".into(),
            ticks: 30,
            intents: vec![
                (1, 0, 1000, false, 0),
                (10, 0, 1000, true, 15),
                (11, 0, 1000, false, 15),
            ],
            answers: vec![(20, 1)],
            story: StoryFacts::default(),
            pace: 1.0,
            stranger: None,
            outcome: Outcome {
                loops: 1,
                anchors: 2,
                relapses: 0,
                freed: true,
            },
            checkpoints: vec![(30, [1, 2, 3, 4])],
        }
    }

    #[test]
    fn checkpoints_are_found_by_tick_and_must_rise_each_second_to_the_end() {
        let mut file = sample();
        file.ticks = 150;
        file.checkpoints = vec![(60, [1; 4]), (120, [2; 4]), (150, [3; 4])];
        let text = file.to_ron();
        let read = ReplayFile::parse("x.replay.ron", text.as_bytes()).expect("reads");
        assert_eq!(read.checkpoint_at(120), Some([2; 4]));
        assert_eq!(read.checkpoint_at(150), Some([3; 4]));
        assert_eq!(read.checkpoint_at(90), None);
        for (checkpoints, complaint) in [
            (
                vec![(120, [2; 4]), (60, [1; 4])],
                "not after the one before",
            ),
            (vec![(60, [1; 4]), (90, [1; 4])], "every 60 ticks"),
            (vec![(60, [1; 4]), (180, [1; 4])], "after the last played"),
        ] {
            let bad = ReplayFile {
                checkpoints,
                ..file.clone()
            };
            let error = ReplayFile::parse("bad.replay.ron", bad.to_ron().as_bytes())
                .expect_err(complaint)
                .to_string();
            assert!(error.contains("checkpoints[1]"), "{error}");
            assert!(error.contains(complaint), "{error}");
        }
    }

    #[test]
    fn a_replay_reads_back_what_was_written() {
        let file = sample();
        let text = file.to_ron();
        assert_eq!(
            ReplayFile::parse("x.replay.ron", text.as_bytes()).expect("parses"),
            file
        );
        let (at_5, next) = file.intent_at(5, 0);
        assert_eq!(at_5.map(|i| i.walk), Some([0, 1000]));
        assert_eq!(next, 1);
        let (at_10, _) = file.intent_at(10, next);
        assert!(at_10.is_some_and(|i| i.jump && i.yaw == 15));
    }

    #[test]
    fn an_old_replay_says_it_is_old_and_a_broken_one_where_it_breaks() {
        let old = sample()
            .to_ron()
            .replace(&format!("simulation: {SIMULATION}"), "simulation: 0");
        let error = ReplayFile::parse("old.replay.ron", old.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(error.contains("simulation 0"), "{error}");
        assert!(error.contains("cannot be played back"), "{error}");
        let future = sample()
            .to_ron()
            .replace(&format!("format: {REPLAY_FORMAT}"), "format: 9");
        let error = ReplayFile::parse("new.replay.ron", future.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(error.contains("replay format 9"), "{error}");
        let broken = sample().to_ron().replace("ticks: 30", "ticks: \"thirty\"");
        let error = ReplayFile::parse("bad.replay.ron", broken.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("bad.replay.ron:11:"), "{error}");
    }

    #[test]
    fn the_assists_pace_is_kept_and_a_pace_the_game_cannot_play_refused() {
        let text = sample().to_ron();
        assert!(
            !text.contains("pace"),
            "left out at the designed pace: {text}"
        );
        let slower = ReplayFile {
            pace: 1.5,
            ..sample()
        };
        let again =
            ReplayFile::parse("slow.replay.ron", slower.to_ron().as_bytes()).expect("it reads");
        assert_eq!(again.pace, 1.5);
        let wild = slower.to_ron().replace("pace: 1.5", "pace: 1000000.0");
        let error = ReplayFile::parse("wild.replay.ron", wild.as_bytes()).unwrap_err();
        let error = error.to_string();
        assert!(error.starts_with("wild.replay.ron:"), "{error}");
        assert!(error.contains("pace: expected 1 to 2"), "{error}");
    }

    #[test]
    fn files_are_written_whole() {
        let dir = std::env::temp_dir().join(format!("sleep-sync-replay-{}", std::process::id()));
        let path = dir.join("a.replay.ron");
        sample().write(&path).expect("written");
        assert_eq!(ReplayFile::read(&path).expect("read"), sample());
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "the temporary file stays behind");
        let _ = std::fs::remove_dir_all(dir);
    }
}
