//! The library: every level file of the base game and the mods, put together. Later
//! sources override earlier ones by id (reported, never silent); references between
//! files are checked; what is left is what can be played.

use std::collections::BTreeMap;

use super::campaign::{CampaignFile, ModManifest};
use super::check::{LevelDoc, parse, unknown};
use super::dialogue::Dialogue;
use super::dream_file::DreamLevel;
use super::dreamer::Dreamer;
use super::error::{LevelError, nearest_name};
use crate::dream::DreamRecipe;

/// The kinds of level file, told apart by how their names end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dreamer,
    Dream,
    Dialogue,
    Campaign,
    Mod,
}

impl FileKind {
    /// File name endings, as a modder would write them.
    pub const NAMES: &'static str =
        "NAME.dreamer.ron, NAME.dream.ron, NAME.dialogue.ron, main.campaign.ron or mod.ron";

    /// The kind of file `path` names, if it names a level file.
    pub fn of(path: &str) -> Option<FileKind> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let kinds = [
            (".dreamer.ron", FileKind::Dreamer),
            (".dream.ron", FileKind::Dream),
            (".dialogue.ron", FileKind::Dialogue),
            (".campaign.ron", FileKind::Campaign),
        ];
        if name == "mod.ron" {
            return Some(FileKind::Mod);
        }
        kinds
            .into_iter()
            .find(|(ending, _)| name.len() > ending.len() && name.ends_with(ending))
            .map(|(_, kind)| kind)
    }
}

/// A level file's typed contents.
#[derive(Debug, Clone, PartialEq)]
pub enum LevelDocument {
    Dreamer(Dreamer),
    Dream(DreamLevel),
    Dialogue(Dialogue),
    Campaign(CampaignFile),
    Mod(ModManifest),
}

impl LevelDocument {
    /// Parses and checks a level file of the kind its name says. `file` names it in
    /// errors. Returns every problem found in it.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<LevelDocument, Vec<LevelError>> {
        let Some(kind) = FileKind::of(file) else {
            let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
            let ending = name.split_once('.').map_or("", |(_, e)| e);
            let known = ["dreamer.ron", "dream.ron", "dialogue.ron", "campaign.ron"];
            let hint = nearest_name(ending, &known)
                .map(|e| format!(" (did you mean `.{e}`?)"))
                .unwrap_or_default();
            return Err(vec![LevelError::file_problem(
                file,
                format!("not a level file name{hint}: expected {}", FileKind::NAMES),
            )]);
        };
        Ok(match kind {
            FileKind::Dreamer => LevelDocument::Dreamer(parse(file, bytes)?),
            FileKind::Dream => LevelDocument::Dream(parse(file, bytes)?),
            FileKind::Dialogue => LevelDocument::Dialogue(parse(file, bytes)?),
            FileKind::Campaign => LevelDocument::Campaign(parse(file, bytes)?),
            FileKind::Mod => LevelDocument::Mod(parse(file, bytes)?),
        })
    }
}

/// Where level files come from: the base game, then each mod, in load order.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// How errors and notes name its folder: `levels`, `mods/ada`.
    pub folder: String,
}

/// A parsed level file.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelFile {
    /// Its source's place in load order: 0 is the base game.
    pub source: usize,
    /// Its name as errors show it: `levels/dreams/leo.dream.ron`.
    pub file: String,
    /// Its text, to locate problems found across files.
    pub text: String,
    pub doc: LevelDocument,
}

impl LevelFile {
    /// Parses `bytes`; on failure, every problem in the file.
    pub fn parse(source: usize, file: &str, bytes: &[u8]) -> Result<LevelFile, Vec<LevelError>> {
        let doc = LevelDocument::parse(file, bytes)?;
        let text = String::from_utf8_lossy(bytes).into_owned();
        Ok(LevelFile {
            source,
            file: file.to_owned(),
            text,
            doc,
        })
    }

    fn error(&self, field: &str, message: impl std::fmt::Display) -> LevelError {
        LevelError::invalid(&self.file, field, message).located_in(&self.text)
    }
}

/// One dreamer, dream or dialogue, and the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<T> {
    pub value: T,
    pub file: String,
    pub source: usize,
}

/// A mod that loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct ModInfo {
    pub source: usize,
    pub folder: String,
    pub name: String,
    pub about: String,
}

/// Everything a dive needs: the dream, its dreamer and their dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct DiveSpec {
    pub dream: DreamLevel,
    pub dreamer: Dreamer,
    pub dialogue: Dialogue,
    /// The folder the dream file came from (`levels`, `mods/ada`).
    pub origin: String,
}

impl DiveSpec {
    /// The dream's id, which names the dive.
    pub fn id(&self) -> &str {
        &self.dream.id
    }

    /// The recipe of loop `loop_index`.
    pub fn recipe(&self, loop_index: u32) -> DreamRecipe {
        self.dream.recipe(&self.dreamer.fears, loop_index)
    }
}

/// The base game and its mods, put together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Library {
    pub sources: Vec<Source>,
    pub dreamers: BTreeMap<String, Entry<Dreamer>>,
    pub dreams: BTreeMap<String, Entry<DreamLevel>>,
    pub dialogues: BTreeMap<String, Entry<Dialogue>>,
    /// Dream ids the control room lists, in order: the base campaign's, then each mod's.
    pub campaign: Vec<String>,
    pub mods: Vec<ModInfo>,
}

/// A library, what is wrong with its files, and what a modder should know (load order,
/// overrides).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assembly {
    pub library: Library,
    pub errors: Vec<LevelError>,
    pub notes: Vec<String>,
}

impl Library {
    /// Puts parsed files together. Files of later sources override earlier ones with
    /// the same id; two files with the same id in one source are an error (the first,
    /// by name, is kept). Cross-file references are checked: a dream whose dreamer or
    /// dialogue is missing is reported and left out of play. `broken` names the files
    /// that exist but did not parse (their own errors are reported elsewhere), so they
    /// are not also reported missing.
    pub fn assemble(
        sources: Vec<Source>,
        mut files: Vec<LevelFile>,
        broken: &[String],
    ) -> Assembly {
        files.sort_by(|a, b| (a.source, &a.file).cmp(&(b.source, &b.file)));
        let mut out = Assembly::default();
        let folders: Vec<&str> = sources.iter().map(|s| s.folder.as_str()).collect();
        out.notes
            .push(format!("load order: {}", folders.join(", ")));
        let lib = &mut out.library;
        let mut campaign: Option<&LevelFile> = None;
        let mut manifests: Vec<&LevelFile> = Vec::new();
        let mut by_id = ById {
            sources: &sources,
            errors: &mut out.errors,
            notes: &mut out.notes,
        };
        for file in &files {
            match &file.doc {
                LevelDocument::Dreamer(d) => by_id.insert(&mut lib.dreamers, file, d),
                LevelDocument::Dream(d) => by_id.insert(&mut lib.dreams, file, d),
                LevelDocument::Dialogue(d) => by_id.insert(&mut lib.dialogues, file, d),
                LevelDocument::Campaign(_) if file.source != 0 => by_id.errors.push(file.error(
                    "dives",
                    "a mod lists its dives in its mod.ron, not in a campaign file",
                )),
                LevelDocument::Campaign(_) => match campaign {
                    Some(first) => by_id.errors.push(file.error(
                        "dives",
                        format!(
                            "the base game has one campaign file, and {} is it",
                            first.file
                        ),
                    )),
                    None => campaign = Some(file),
                },
                LevelDocument::Mod(_) if file.source == 0 => by_id
                    .errors
                    .push(file.error("name", "mod.ron belongs at the top of a mod folder")),
                LevelDocument::Mod(m) => {
                    let top = sources
                        .get(file.source)
                        .map(|s| format!("{}/mod.ron", s.folder));
                    if top.as_deref() != Some(file.file.as_str()) {
                        by_id.errors.push(file.error(
                            "name",
                            "mod.ron belongs at the top of its mod folder, beside dreamers/ and dreams/",
                        ));
                        continue;
                    }
                    if manifests.iter().any(|f| f.source == file.source) {
                        by_id
                            .errors
                            .push(file.error("name", "a mod folder has one mod.ron"));
                        continue;
                    }
                    manifests.push(file);
                    lib.mods.push(ModInfo {
                        source: file.source,
                        folder: sources
                            .get(file.source)
                            .map_or_else(String::new, |s| s.folder.clone()),
                        name: m.name.clone(),
                        about: m.about.clone(),
                    });
                }
            }
        }
        for (i, source) in sources.iter().enumerate().skip(1) {
            let has_files = files.iter().any(|f| f.source == i);
            let manifest = format!("{}/mod.ron", source.folder);
            if has_files && !manifests.iter().any(|f| f.source == i) && !broken.contains(&manifest)
            {
                out.errors.push(LevelError::file_problem(
                    &manifest,
                    "missing: a mod folder needs a mod.ron naming the mod, e.g. (name: \"My mod\")",
                ));
            }
        }
        lib.sources = sources;
        check_references(lib, &files, &mut out.errors);
        // The control room's dives: the base campaign's, then each mod's additions.
        let lists = campaign
            .iter()
            .filter_map(|f| match &f.doc {
                LevelDocument::Campaign(c) => Some((*f, &c.dives)),
                _ => None,
            })
            .chain(manifests.iter().filter_map(|f| match &f.doc {
                LevelDocument::Mod(m) => Some((*f, &m.dives)),
                _ => None,
            }));
        let mut dives = Vec::new();
        for (file, ids) in lists {
            for (i, id) in ids.iter().enumerate() {
                if !lib.dreams.contains_key(id) {
                    let known: Vec<&str> = lib.dreams.keys().map(String::as_str).collect();
                    out.errors
                        .push(file.error(&format!("dives[{i}]"), unknown("dream", id, &known)));
                } else if lib.dive(id).is_some() && !dives.contains(id) {
                    dives.push(id.clone());
                }
            }
        }
        let base = lib.sources.first().map_or("levels", |s| s.folder.as_str());
        let campaign_broken = broken
            .iter()
            .any(|f| f.starts_with(base) && f.ends_with(".campaign.ron"));
        if campaign.is_none() && !files.is_empty() && !campaign_broken {
            out.errors.push(LevelError::file_problem(
                &format!("{base}/main.campaign.ron"),
                "missing: the base game needs a campaign file listing its dives",
            ));
        }
        lib.campaign = dives;
        out
    }

    /// The dive into dream `id`, if its dream, dreamer and dialogue all loaded.
    pub fn dive(&self, id: &str) -> Option<DiveSpec> {
        let dream = self.dreams.get(id)?;
        let dreamer = self.dreamers.get(&dream.value.dreamer)?;
        let dialogue = self.dialogues.get(&dreamer.value.dialogue)?;
        if dialogue.value.most_anchors_needed() > dream.value.anchors.len() {
            return None;
        }
        Some(DiveSpec {
            dream: dream.value.clone(),
            dreamer: dreamer.value.clone(),
            dialogue: dialogue.value.clone(),
            origin: self
                .sources
                .get(dream.source)
                .map_or_else(String::new, |s| s.folder.clone()),
        })
    }

    /// The control room's dives, in campaign order.
    pub fn campaign_dives(&self) -> Vec<DiveSpec> {
        self.campaign
            .iter()
            .filter_map(|id| self.dive(id))
            .collect()
    }

    /// Every playable dream, base game first, then each mod's, by id.
    pub fn all_dives(&self) -> Vec<DiveSpec> {
        let mut ids: Vec<(usize, &String)> =
            self.dreams.iter().map(|(id, e)| (e.source, id)).collect();
        ids.sort();
        ids.into_iter()
            .filter_map(|(_, id)| self.dive(id))
            .collect()
    }
}

/// Dreamers, dreams and dialogues: each has an id.
trait Identified: LevelDoc + Clone {
    fn id(&self) -> &str;
}

impl Identified for Dreamer {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for DreamLevel {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Dialogue {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Puts files into the library by id, reporting overrides and duplicates.
struct ById<'a> {
    sources: &'a [Source],
    errors: &'a mut Vec<LevelError>,
    notes: &'a mut Vec<String>,
}

impl ById<'_> {
    /// Adds one dreamer, dream or dialogue: an override if from a later source, an
    /// error if the same source already has that id.
    fn insert<T: Identified>(
        &mut self,
        map: &mut BTreeMap<String, Entry<T>>,
        file: &LevelFile,
        value: &T,
    ) {
        let (id, kind) = (value.id(), T::KIND);
        if let Some(old) = map.get(id) {
            if old.source == file.source {
                self.errors.push(file.error(
                    "id",
                    format!("{kind} id {id:?} is already used by {}", old.file),
                ));
                return;
            }
            let folder = self
                .sources
                .get(file.source)
                .map_or("?", |s| s.folder.as_str());
            self.notes.push(format!(
                "{folder}: {} overrides {kind} {id:?} from {}",
                file.file, old.file
            ));
        }
        map.insert(
            id.to_owned(),
            Entry {
                value: value.clone(),
                file: file.file.clone(),
                source: file.source,
            },
        );
    }
}

/// Dreams name a dreamer, dreamers a dialogue, dialogues need anchors the dream holds.
fn check_references(lib: &Library, files: &[LevelFile], errors: &mut Vec<LevelError>) {
    let file_of = |name: &str| files.iter().find(|f| f.file == name);
    let dreamer_ids: Vec<&str> = lib.dreamers.keys().map(String::as_str).collect();
    let dialogue_ids: Vec<&str> = lib.dialogues.keys().map(String::as_str).collect();
    for entry in lib.dreamers.values() {
        if !lib.dialogues.contains_key(&entry.value.dialogue)
            && let Some(file) = file_of(&entry.file)
        {
            errors.push(file.error(
                "dialogue",
                unknown("dialogue", &entry.value.dialogue, &dialogue_ids),
            ));
        }
    }
    for entry in lib.dreams.values() {
        let Some(file) = file_of(&entry.file) else {
            continue;
        };
        let dream = &entry.value;
        let Some(dreamer) = lib.dreamers.get(&dream.dreamer) else {
            errors.push(file.error("dreamer", unknown("dreamer", &dream.dreamer, &dreamer_ids)));
            continue;
        };
        if let Some(dialogue) = lib.dialogues.get(&dreamer.value.dialogue)
            && let Some((node, choice, needed)) = dialogue.value.neediest_choice()
            && needed > dream.anchors.len()
        {
            errors.push(file.error(
                "anchors",
                format!(
                    "{}: nodes[{node}].choices[{choice}] needs {needed} anchors, but this dream holds {}",
                    dialogue.file,
                    dream.anchors.len()
                ),
            ));
        }
    }
}
