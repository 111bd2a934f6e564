//! The library: every level file of the base game and the mods, put together. Later
//! sources override earlier ones by id (reported, never silent); references between
//! files are checked; what is left is what can be played.

use std::collections::{BTreeMap, HashMap};

use super::check::{LevelDoc, MAX_ERRORS_PER_FILE, unknown};
use super::cond::{self, Named};
use super::dialogue::Dialogue;
use super::dream_file::{Cue, DreamLevel};
use super::dreamer::Dreamer;
use super::error::LevelError;
use super::fear_template::FearTemplate;
use super::figure::Cast;
use super::file::{LevelDocument, LevelFile, Source};
use super::locate::Locator;
use super::rules::JunoTuning;
use super::scene::Scene;
use super::story::Story;
use super::strangers::StrangerRules;
use crate::dream::{DreamRecipe, FearTag, FearWeight};

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
    /// Everyone who dreams it with their share, when several do (the dream's
    /// `dreamers`, `dreamer` among them); empty when the dreamer dreams it alone.
    pub blend: Vec<(Dreamer, f32)>,
    /// The dreamer file of each of the dream's `cast`, in order.
    pub people: Vec<Dreamer>,
    pub dialogue: Dialogue,
    /// The folder the dream file came from (`levels`, `mods/ada`).
    pub origin: String,
}

impl DiveSpec {
    /// The dream's id, which names the dive.
    pub fn id(&self) -> &str {
        &self.dream.id
    }

    /// What the game calls the dream: its file's `title`, else whose it is ("Leo's
    /// nightmare", "Mara's dream" when gentle, "Mara, Leo and Father's dream").
    pub fn title(&self) -> String {
        if let Some(title) = &self.dream.title {
            return title.clone();
        }
        let what = match self.dream.mood {
            crate::dream::Mood::Nightmare if self.blend.is_empty() => "nightmare",
            _ => "dream",
        };
        format!("{}'s {what}", self.dreamt_by())
    }

    /// Who dreams it: "Leo", or "Mara, Leo and Father".
    pub fn dreamt_by(&self) -> String {
        let names: Vec<&str> = if self.blend.is_empty() {
            vec![self.dreamer.name.as_str()]
        } else {
            self.blend.iter().map(|(d, _)| d.name.as_str()).collect()
        };
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The recipe of loop `loop_index`.
    pub fn recipe(&self, loop_index: u32) -> DreamRecipe {
        if self.blend.is_empty() {
            return self.dream.recipe(&self.dreamer.fears, loop_index);
        }
        let shares: Vec<(f32, &[FearWeight])> = self
            .blend
            .iter()
            .map(|(dreamer, share)| (*share, dreamer.fears.as_slice()))
            .collect();
        self.dream.blended_recipe(&shares, loop_index)
    }
}

/// The base game and its mods, put together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Library {
    pub sources: Vec<Source>,
    pub dreamers: BTreeMap<String, Entry<Dreamer>>,
    pub dreams: BTreeMap<String, Entry<DreamLevel>>,
    pub dialogues: BTreeMap<String, Entry<Dialogue>>,
    /// The waking story's scenes, by id.
    pub scenes: BTreeMap<String, Entry<Scene>>,
    /// Dream ids the control room lists, in order: the base campaign's, then each mod's.
    pub campaign: Vec<String>,
    /// How Juno's body moves (the campaign file's `juno`).
    pub juno: JunoTuning,
    /// How Juno and Father look (the campaign file's `cast`).
    pub cast: Cast,
    /// The control room's story (the campaign file's `story`).
    pub story: Story,
    /// What makes a sleeper a stranger with a dream: the last source's rules file.
    pub strangers: Option<Entry<StrangerRules>>,
    /// The memories and talk of each fear, for strangers' dreams: the last source's
    /// template for each fear.
    pub fear_templates: BTreeMap<FearTag, Entry<FearTemplate>>,
    /// Every playable dream, put together once (menus read it every frame): base game
    /// first, then each mod's, by id.
    dives: Vec<DiveSpec>,
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
        let mut problems = Problems::default();
        let mut by_id = ById {
            sources: &sources,
            problems: &mut problems,
            notes: &mut out.notes,
        };
        for file in &files {
            match &file.doc {
                LevelDocument::Dreamer(d) => by_id.insert(&mut lib.dreamers, file, d),
                LevelDocument::Dream(d) => by_id.insert(&mut lib.dreams, file, d),
                LevelDocument::Dialogue(d) => by_id.insert(&mut lib.dialogues, file, d),
                LevelDocument::Scene(d) => by_id.insert(&mut lib.scenes, file, d),
                LevelDocument::Campaign(_) if file.source != 0 => by_id.problems.push(file.error(
                    "dives",
                    "a mod lists its dives in its mod.ron, not in a campaign file",
                )),
                LevelDocument::Campaign(_) => match campaign {
                    Some(first) => by_id.problems.push(file.error(
                        "dives",
                        format!(
                            "the base game has one campaign file, and {} is it",
                            first.file
                        ),
                    )),
                    None => campaign = Some(file),
                },
                LevelDocument::StrangerRules(rules) => {
                    by_id.replace(&mut lib.strangers, file, rules.as_ref(), "stranger rules")
                }
                LevelDocument::FearTemplate(t) => {
                    let mut slot = lib.fear_templates.remove(&t.fear);
                    by_id.replace(&mut slot, file, t, &format!("fear template {:?}", t.fear));
                    if let Some(entry) = slot {
                        lib.fear_templates.insert(t.fear, entry);
                    }
                }
                LevelDocument::Mod(_) if file.source == 0 => by_id
                    .problems
                    .push(file.error("name", "mod.ron belongs at the top of a mod folder")),
                LevelDocument::Mod(m) => {
                    let top = sources
                        .get(file.source)
                        .map(|s| format!("{}/mod.ron", s.folder));
                    if top.as_deref() != Some(file.file.as_str()) {
                        by_id.problems.push(file.error(
                            "name",
                            "mod.ron belongs at the top of its mod folder, beside dreamers/ and dreams/",
                        ));
                        continue;
                    }
                    if manifests.iter().any(|f| f.source == file.source) {
                        by_id
                            .problems
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
                problems.push(LevelError::file_problem(
                    &manifest,
                    "missing: a mod folder needs a mod.ron naming the mod, e.g. (name: \"My mod\")",
                ));
            }
        }
        lib.sources = sources;
        if let Some(LevelDocument::Campaign(c)) = campaign.map(|f| &f.doc) {
            lib.juno = c.juno;
            lib.cast = c.cast.clone();
            lib.story = c.story.clone();
        }
        check_references(lib, &files, &mut problems, campaign.is_some());
        let mut ids: Vec<(usize, &String)> =
            lib.dreams.iter().map(|(id, e)| (e.source, id)).collect();
        ids.sort();
        lib.dives = ids.iter().filter_map(|(_, id)| lib.resolve(id)).collect();
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
        let mut listed = std::collections::HashSet::new();
        let known: Vec<&str> = lib.dreams.keys().map(String::as_str).collect();
        for (file, ids) in lists {
            for (i, id) in ids.iter().enumerate() {
                if !lib.dreams.contains_key(id) {
                    problems.push(file.error(&format!("dives[{i}]"), unknown("dream", id, &known)));
                } else if !listed.contains(id) && lib.dive(id).is_some() {
                    listed.insert(id);
                    dives.push(id.clone());
                }
            }
        }
        if let Some(file) = campaign {
            let prologue = &lib.story.prologue;
            if let Some(id) = &prologue.dream
                && lib.dive(id).is_none()
            {
                problems.push(file.error(
                    "story.prologue.dream",
                    unknown("playable dream", id, &known),
                ));
            }
            let scenes: Vec<&str> = lib.scenes.keys().map(String::as_str).collect();
            for (field, id) in lib.story.scene_ids() {
                if !lib.scenes.contains_key(id) {
                    problems.push(file.error(&field, unknown("scene", id, &scenes)));
                }
            }
        }
        let base = lib.sources.first().map_or("levels", |s| s.folder.as_str());
        let campaign_broken = broken
            .iter()
            .any(|f| f.starts_with(base) && f.ends_with(".campaign.ron"));
        if campaign.is_none() && !files.is_empty() && !campaign_broken {
            problems.push(LevelError::file_problem(
                &format!("{base}/main.campaign.ron"),
                "missing: the base game needs a campaign file listing its dives",
            ));
        }
        lib.campaign = dives;
        out.errors = problems.finish(&files);
        out
    }

    /// The dive into dream `id`, if its dream, dreamer and dialogue all loaded.
    pub fn dive(&self, id: &str) -> Option<&DiveSpec> {
        self.dives.iter().find(|d| d.id() == id)
    }

    /// The control room's dives, in campaign order.
    pub fn campaign_dives(&self) -> impl Iterator<Item = &DiveSpec> {
        self.campaign.iter().filter_map(|id| self.dive(id))
    }

    /// Every playable dream, base game first, then each mod's, by id.
    pub fn all_dives(&self) -> &[DiveSpec] {
        &self.dives
    }

    /// Puts dream `id` together with its dreamer and dialogue, if they all loaded and
    /// the dialogue asks for no more anchors than the dream holds.
    fn resolve(&self, id: &str) -> Option<DiveSpec> {
        let dream = self.dreams.get(id)?;
        let dreamer = self.dreamers.get(&dream.value.dreamer)?;
        let dialogue_id = dream
            .value
            .dialogue
            .as_ref()
            .unwrap_or(&dreamer.value.dialogue);
        let dialogue = self.dialogues.get(dialogue_id)?;
        if dialogue.value.anchors_required() > dream.value.anchors.len() {
            return None;
        }
        let blend = dream
            .value
            .dreamers
            .iter()
            .map(|share| {
                let who = self.dreamers.get(&share.id)?;
                Some((who.value.clone(), share.weight))
            })
            .collect::<Option<Vec<_>>>()?;
        let people = dream
            .value
            .cast
            .iter()
            .map(|person| Some(self.dreamers.get(&person.who)?.value.clone()))
            .collect::<Option<Vec<_>>>()?;
        Some(DiveSpec {
            dream: dream.value.clone(),
            dreamer: dreamer.value.clone(),
            blend,
            people,
            dialogue: dialogue.value.clone(),
            origin: self
                .sources
                .get(dream.source)
                .map_or_else(String::new, |s| s.folder.clone()),
        })
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

impl Identified for Scene {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Problems found across files: at most [`MAX_ERRORS_PER_FILE`] per file (a huge
/// file cannot make an endless report), each file scanned once to locate its own.
#[derive(Default)]
struct Problems {
    errors: Vec<LevelError>,
    per_file: HashMap<String, usize>,
}

impl Problems {
    fn push(&mut self, error: LevelError) {
        let count = self.per_file.entry(error.file().to_owned()).or_default();
        *count += 1;
        if *count <= MAX_ERRORS_PER_FILE {
            self.errors.push(error);
        }
    }

    /// The problems, located in their files' text, with a line for those left out.
    fn finish(self, files: &[LevelFile]) -> Vec<LevelError> {
        let texts: HashMap<&str, &str> = files
            .iter()
            .map(|f| (f.file.as_str(), f.text.as_str()))
            .collect();
        let mut locators: HashMap<&str, Locator> = HashMap::new();
        let mut out: Vec<LevelError> = self
            .errors
            .into_iter()
            .map(|error| {
                let Some((&name, &text)) = texts.get_key_value(error.file()) else {
                    return error;
                };
                let locator = locators.entry(name).or_insert_with(|| Locator::new(text));
                error.located_by(locator)
            })
            .collect();
        let mut over: Vec<(&String, &usize)> = self
            .per_file
            .iter()
            .filter(|&(_, &n)| n > MAX_ERRORS_PER_FILE)
            .collect();
        over.sort();
        for (file, n) in over {
            out.push(LevelError::file_problem(
                file,
                format!("{} more problems not shown", n - MAX_ERRORS_PER_FILE),
            ));
        }
        out
    }
}

/// Puts files into the library by id, reporting overrides and duplicates.
struct ById<'a> {
    sources: &'a [Source],
    problems: &'a mut Problems,
    notes: &'a mut Vec<String>,
}

impl ById<'_> {
    /// How notes name source `source`'s folder.
    fn folder(&self, source: usize) -> &str {
        self.sources.get(source).map_or("?", |s| s.folder.as_str())
    }

    /// Sets a one-of-a-kind file (the stranger rules, a fear's template): a later
    /// source's replaces an earlier one's, with a note; two in one source are an error.
    fn replace<T: Clone>(
        &mut self,
        slot: &mut Option<Entry<T>>,
        file: &LevelFile,
        value: &T,
        what: &str,
    ) {
        if let Some(old) = slot.as_ref() {
            if old.source == file.source {
                self.problems.push(LevelError::file_problem(
                    &file.file,
                    format!("{what}: already given by {}; one file per source", old.file),
                ));
                return;
            }
            let folder = self.folder(file.source);
            self.notes.push(format!(
                "{folder}: {} replaces {what} from {}",
                file.file, old.file
            ));
        }
        *slot = Some(Entry {
            value: value.clone(),
            file: file.file.clone(),
            source: file.source,
        });
    }

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
                self.problems.push(file.error(
                    "id",
                    format!("{kind} id {id:?} is already used by {}", old.file),
                ));
                return;
            }
            let folder = self.folder(file.source);
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
fn check_references(lib: &Library, files: &[LevelFile], errors: &mut Problems, story_known: bool) {
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
        for (i, share) in dream.dreamers.iter().enumerate() {
            if !lib.dreamers.contains_key(&share.id) {
                errors.push(file.error(
                    &format!("dreamers[{i}].id"),
                    unknown("dreamer", &share.id, &dreamer_ids),
                ));
            }
        }
        for (i, person) in dream.cast.iter().enumerate() {
            if !lib.dreamers.contains_key(&person.who) {
                errors.push(file.error(
                    &format!("cast[{i}].who"),
                    unknown("dreamer", &person.who, &dreamer_ids),
                ));
            }
        }
        check_cast_cues(dream, lib, file, errors);
        if let Some(own) = &dream.dialogue
            && !lib.dialogues.contains_key(own)
        {
            errors.push(file.error("dialogue", unknown("dialogue", own, &dialogue_ids)));
        }
        let dialogue_id = dream.dialogue.as_ref().unwrap_or(&dreamer.value.dialogue);
        let Some(dialogue) = lib.dialogues.get(dialogue_id) else {
            continue;
        };
        if let Some((node, choice, needed)) = dialogue.value.neediest_choice()
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
        if let Some((field, memory)) = dialogue
            .value
            .memories_named()
            .into_iter()
            .find(|&(_, m)| m >= dream.anchors.len())
        {
            errors.push(file.error(
                "anchors",
                format!(
                    "{}: {field} names memory {memory}, but this dream holds {} (counted from 0)",
                    dialogue.file,
                    dream.anchors.len()
                ),
            ));
        }
    }
    // Without the campaign (missing, or broken and reported) no flag is known: saying
    // so of every flag would bury the one real problem.
    if story_known {
        check_conditions(lib, files, errors);
    }
}

/// A cast's `Talk("node")` cues name nodes of the dream's talk, and the memories its
/// lines name are anchors the dream holds: a typo would never fire.
fn check_cast_cues(dream: &DreamLevel, lib: &Library, file: &LevelFile, errors: &mut Problems) {
    let dialogue = dream
        .dialogue
        .as_ref()
        .or_else(|| lib.dreamers.get(&dream.dreamer).map(|d| &d.value.dialogue))
        .and_then(|id| lib.dialogues.get(id));
    let nodes: Vec<&str> = dialogue
        .map(|d| d.value.nodes.iter().map(|n| n.id.as_str()).collect())
        .unwrap_or_default();
    for (i, person) in dream.cast.iter().enumerate() {
        let cues = person
            .lines
            .iter()
            .enumerate()
            .map(|(j, l)| (format!("cast[{i}].lines[{j}].on"), &l.on))
            .chain(
                person
                    .leaves_on
                    .iter()
                    .map(|on| (format!("cast[{i}].leaves_on"), on)),
            );
        for (field, cue) in cues {
            if let Cue::Talk(node) = cue
                && dialogue.is_some()
                && !nodes.contains(&node.as_str())
            {
                errors.push(file.error(&field, unknown("node of the dream's talk", node, &nodes)));
            }
        }
        for (j, line) in person.lines.iter().enumerate() {
            let at = format!("cast[{i}].lines[{j}].when");
            for (field, named) in cond::names(&at, &line.when) {
                if let Named::Memory(m) = named
                    && m >= dream.anchors.len()
                {
                    errors.push(file.error(
                        &field,
                        format!(
                            "names memory {m}, but this dream holds {} (counted from 0)",
                            dream.anchors.len()
                        ),
                    ));
                }
            }
        }
    }
}

/// The story flags and dreams that dialogue conditions name must exist: flags are
/// declared in the campaign's `story.flags`, dreams are loaded.
fn check_conditions(lib: &Library, files: &[LevelFile], errors: &mut Problems) {
    let flags: Vec<&str> = lib.story.flags.iter().map(String::as_str).collect();
    let dreams: Vec<&str> = lib.dreams.keys().map(String::as_str).collect();
    for entry in lib.dreams.values() {
        let Some(file) = files.iter().find(|f| f.file == entry.file) else {
            continue;
        };
        for (i, person) in entry.value.cast.iter().enumerate() {
            for (j, line) in person.lines.iter().enumerate() {
                let at = format!("cast[{i}].lines[{j}].when");
                for (field, named) in cond::names(&at, &line.when) {
                    if let Some(problem) = cond::unknown_name(named, &flags, &dreams) {
                        errors.push(file.error(&field, problem));
                    }
                }
            }
        }
    }
    for entry in lib.scenes.values() {
        let Some(file) = files.iter().find(|f| f.file == entry.file) else {
            continue;
        };
        let set = entry.value.flags_set().into_iter();
        let set = set.map(|(field, flag)| (field, Named::Flag(flag)));
        let read = entry
            .value
            .conditions()
            .into_iter()
            .flat_map(|(at, conds)| cond::names(&at, conds));
        for (field, named) in set.chain(read) {
            if let Some(problem) = cond::unknown_name(named, &flags, &dreams) {
                errors.push(file.error(&field, problem));
            }
        }
    }
    for entry in lib.dialogues.values() {
        let Some(file) = files.iter().find(|f| f.file == entry.file) else {
            continue;
        };
        for (field, flag) in entry.value.flags_set() {
            if let Some(problem) = cond::unknown_flag(flag, &flags) {
                errors.push(file.error(&field, problem));
            }
        }
        for (at, conds) in entry.value.conditions() {
            for (field, named) in cond::names(&at, conds) {
                if let Some(problem) = cond::unknown_name(named, &flags, &dreams) {
                    errors.push(file.error(&field, problem));
                }
            }
        }
    }
}
