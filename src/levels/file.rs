//! One level file: its kind (told by its name), its typed contents, where it came from.

use super::campaign::{CampaignFile, ModManifest};
use super::check::parse;
use super::dialogue::Dialogue;
use super::dream_file::DreamLevel;
use super::dreamer::Dreamer;
use super::error::{LevelError, nearest_name};
use super::fear_template::FearTemplate;
use super::scene::Scene;
use super::strangers::StrangerRules;

/// The kinds of level file, told apart by how their names end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dreamer,
    Dream,
    Dialogue,
    Scene,
    Campaign,
    Mod,
    /// The rules that make sleepers into strangers.
    StrangerRules,
    /// The memories and talk of one fear, for strangers' dreams.
    FearTemplate,
}

impl FileKind {
    /// File name endings, as a modder would write them.
    pub const NAMES: &'static str = "NAME.dreamer.ron, NAME.dream.ron, NAME.dialogue.ron, \
         NAME.scene.ron, NAME.strangers.ron, NAME.fear.ron, main.campaign.ron or mod.ron";

    /// The endings after `NAME.` of the kinds named by their ending.
    pub const ENDINGS: [&'static str; 7] = [
        "dreamer.ron",
        "dream.ron",
        "dialogue.ron",
        "scene.ron",
        "campaign.ron",
        "strangers.ron",
        "fear.ron",
    ];

    /// The kind of file `path` names, if it names a level file.
    pub fn of(path: &str) -> Option<FileKind> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if name == "mod.ron" {
            return Some(FileKind::Mod);
        }
        let kinds = [
            FileKind::Dreamer,
            FileKind::Dream,
            FileKind::Dialogue,
            FileKind::Scene,
            FileKind::Campaign,
            FileKind::StrangerRules,
            FileKind::FearTemplate,
        ];
        let (_, ending) = name.split_once('.')?;
        Self::ENDINGS
            .iter()
            .position(|e| *e == ending)
            .map(|i| kinds[i])
    }
}

/// A level file's typed contents.
#[derive(Debug, Clone, PartialEq)]
pub enum LevelDocument {
    Dreamer(Dreamer),
    Dream(DreamLevel),
    Dialogue(Dialogue),
    Scene(Scene),
    /// Boxed: much the largest, and there is one per game.
    Campaign(Box<CampaignFile>),
    Mod(ModManifest),
    /// Boxed: large, and there is one.
    StrangerRules(Box<StrangerRules>),
    FearTemplate(FearTemplate),
}

impl LevelDocument {
    /// Parses and checks a level file of the kind its name says. `file` names it in
    /// errors. Returns every problem found in it.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<LevelDocument, Vec<LevelError>> {
        let Some(kind) = FileKind::of(file) else {
            let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
            let ending = name.split_once('.').map_or("", |(_, e)| e);
            let hint = nearest_name(ending, &FileKind::ENDINGS)
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
            FileKind::Scene => LevelDocument::Scene(parse(file, bytes)?),
            FileKind::Campaign => LevelDocument::Campaign(Box::new(parse(file, bytes)?)),
            FileKind::Mod => LevelDocument::Mod(parse(file, bytes)?),
            FileKind::StrangerRules => LevelDocument::StrangerRules(Box::new(parse(file, bytes)?)),
            FileKind::FearTemplate => LevelDocument::FearTemplate(parse(file, bytes)?),
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
        // As the parser read it: without a byte-order mark, so columns agree.
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
        Ok(LevelFile {
            source,
            file: file.to_owned(),
            text,
            doc,
        })
    }

    /// A problem with one of this file's values (located later, see `Problems`).
    pub(super) fn error(&self, field: &str, message: impl std::fmt::Display) -> LevelError {
        LevelError::invalid(&self.file, field, message)
    }
}
