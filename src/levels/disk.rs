//! Reading level folders straight from disk, for the command-line tools and tests (the
//! game reads the same files through Bevy's asset server).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::check::{MAX_FILE_BYTES, too_big};
use super::error::{LevelError, printable};
use super::file::{LevelFile, Source};
use super::library::{Assembly, Library};

/// How deep folders are searched for level files.
const MAX_DEPTH: usize = 6;
/// Most level files one folder (the base game's or a mod's) may hold, and their bytes
/// (the base game has 43 files, 0.4 MB).
pub const MAX_FILES_PER_FOLDER: usize = 500;
pub const MAX_BYTES_PER_FOLDER: u64 = 16 << 20;
/// Most level files, and bytes, read from every folder together.
pub const MAX_FILES_IN_ALL: usize = 2_000;
pub const MAX_BYTES_IN_ALL: u64 = 64 << 20;
/// Most entries of any kind (files, folders, links) looked at in one folder: a mod full
/// of other things is not walked for ever.
pub const MAX_ENTRIES_PER_FOLDER: usize = 20_000;

/// What is left to read of [`MAX_FILES_IN_ALL`] and [`MAX_BYTES_IN_ALL`], shared by every
/// folder read in one go.
#[derive(Debug, Clone)]
pub struct Budget {
    files: usize,
    bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            files: MAX_FILES_IN_ALL,
            bytes: MAX_BYTES_IN_ALL,
        }
    }
}

/// The level files of one folder, and why anything else there was not read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Listing {
    /// Level files (`.ron`), relative to the folder with `/` between parts, by name.
    pub files: Vec<String>,
    /// `(what, why)`: what was not read (shown as `folder/name`) and why.
    pub problems: Vec<(String, String)>,
}

/// Lists the level files under `folder` (named `shown` in messages) without leaving it:
/// links are not followed (a link is reported, and nothing it points to is read), names
/// an asset path cannot hold (not UTF-8, or with `#`) are reported, folders deeper than
/// six are not entered, and the folder's files and bytes are capped
/// ([`MAX_FILES_PER_FOLDER`], [`MAX_BYTES_PER_FOLDER`], and what is left of `budget`).
/// Only `.ron` files are listed: nothing else in a mod is ever opened. Entries are
/// taken in name order, so the same folder always gives the same listing.
pub fn list_level_files(folder: &Path, shown: &str, budget: &mut Budget) -> Listing {
    let mut walk = Walk {
        shown,
        listing: Listing::default(),
        entries: 0,
        files_left: MAX_FILES_PER_FOLDER.min(budget.files),
        bytes_left: MAX_BYTES_PER_FOLDER.min(budget.bytes),
        stopped: false,
    };
    let (files, bytes) = (walk.files_left, walk.bytes_left);
    walk.dir(folder, "", 0);
    budget.files -= files - walk.files_left;
    budget.bytes -= bytes - walk.bytes_left;
    let mut listing = walk.listing;
    listing.files.sort();
    listing
}

/// One folder's walk under way.
struct Walk<'a> {
    shown: &'a str,
    listing: Listing,
    entries: usize,
    files_left: usize,
    bytes_left: u64,
    stopped: bool,
}

impl Walk<'_> {
    fn problem(&mut self, what: &str, why: impl Into<String>) {
        let what = if what.is_empty() {
            self.shown.to_owned()
        } else {
            format!("{}/{what}", self.shown)
        };
        self.listing.problems.push((printable(&what), why.into()));
    }

    /// Walks `dir` (at `rel` inside the folder, `depth` below it).
    fn dir(&mut self, dir: &Path, rel: &str, depth: usize) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.problem(rel, format!("cannot read the folder: {e}"));
                return;
            }
        };
        // No more than the cap is read (one past it, to know it was passed), hidden
        // entries included; then in name order.
        let room = MAX_ENTRIES_PER_FOLDER.saturating_sub(self.entries) + 1;
        let mut entries: Vec<std::fs::DirEntry> = entries.flatten().take(room).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            if self.stopped {
                return;
            }
            let os_name = entry.file_name();
            let lossy = os_name.to_string_lossy();
            let at = if rel.is_empty() {
                lossy.to_string()
            } else {
                format!("{rel}/{lossy}")
            };
            self.entries += 1;
            if self.entries > MAX_ENTRIES_PER_FOLDER {
                self.problem(
                    "",
                    format!(
                        "more than {MAX_ENTRIES_PER_FOLDER} files and folders: {at} and what follows are not read"
                    ),
                );
                self.stopped = true;
                return;
            }
            if lossy.starts_with('.') {
                continue;
            }
            // The entry itself, not what a link points to.
            let Ok(kind) = entry.file_type() else {
                self.problem(&at, "cannot be read");
                continue;
            };
            if kind.is_symlink() {
                self.problem(
                    &at,
                    "a link: links are not followed, so nothing outside the folder is read (copy the file or folder in instead)",
                );
                continue;
            }
            let Some(name) = os_name.to_str() else {
                self.problem(
                    &at,
                    "a name that is not UTF-8 cannot be loaded: rename it; it is not read",
                );
                continue;
            };
            // A name that would steer a terminal (control or direction characters)
            // would reach one in every message about the file.
            if printable(name) != name {
                self.problem(
                    &at,
                    "a name with control or text-direction characters cannot be loaded: rename it; it is not read",
                );
                continue;
            }
            if name.contains('#') {
                self.problem(
                    &at,
                    "a name with `#` cannot be loaded: rename it; it is not read",
                );
                continue;
            }
            if kind.is_dir() {
                if depth >= MAX_DEPTH {
                    self.problem(
                        &at,
                        format!("folders more than {MAX_DEPTH} deep are not read"),
                    );
                } else {
                    self.dir(&entry.path(), &at, depth + 1);
                }
            } else if kind.is_file() && name.ends_with(".ron") {
                // A file over the size cap is listed (reading it reports it) but counts
                // only what would be read of it.
                let size = entry
                    .metadata()
                    .map_or(0, |m| m.len())
                    .min(MAX_FILE_BYTES as u64 + 1);
                if self.files_left == 0 || size > self.bytes_left {
                    self.problem(
                        "",
                        format!(
                            "more than {MAX_FILES_PER_FOLDER} level files or {} MB in one folder (or {MAX_FILES_IN_ALL} files or {} MB in all): {at} and what follows are not read",
                            MAX_BYTES_PER_FOLDER >> 20,
                            MAX_BYTES_IN_ALL >> 20
                        ),
                    );
                    self.stopped = true;
                    return;
                }
                self.files_left -= 1;
                self.bytes_left -= size;
                self.listing.files.push(at);
            }
        }
    }
}

/// The entries directly under `mods_dir` that are not hidden, by name, with whether
/// each is a link (a missing `mods/` has none). Only folders and links are kept.
fn mods_dir_entries(mods_dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut found: Vec<(PathBuf, bool)> = std::fs::read_dir(mods_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let kind = entry.file_type().ok()?;
            (kind.is_dir() || kind.is_symlink()).then(|| (entry.path(), kind.is_symlink()))
        })
        .filter(|(path, _)| !hidden(path))
        .collect();
    found.sort();
    found
}

/// The mod folders under `mods_dir`, by name. An entry that is a link is not a mod
/// ([`linked_mods`]): name a folder elsewhere with `--mod PATH`.
pub fn discover_mods(mods_dir: &Path) -> Vec<PathBuf> {
    mods_dir_entries(mods_dir)
        .into_iter()
        .filter(|(_, link)| !link)
        .map(|(path, _)| path)
        .collect()
}

/// Links directly under `mods_dir`, which are not read as mods: `(what, why)`.
pub fn linked_mods(mods_dir: &Path, shown: &str) -> Vec<(String, String)> {
    mods_dir_entries(mods_dir)
        .into_iter()
        .filter(|(_, link)| *link)
        .map(|(path, _)| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            (
                printable(&format!("{shown}/{name}")),
                "a link: mods/ holds mod folders, not links to them (give a folder elsewhere with --mod PATH)".to_owned(),
            )
        })
        .collect()
}

/// The mod folders in load order: those under `root/mods/` by name, then `extra` in the
/// order given. A folder already listed (or the base game's `levels/`) is read once.
pub fn mod_folders(root: &Path, extra: &[PathBuf]) -> Vec<PathBuf> {
    let base = root.join("levels");
    let mut mods = discover_mods(&root.join("mods"));
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    for path in extra {
        // A relative path means the working directory (Bevy would resolve it against
        // BEVY_ASSET_ROOT, CARGO_MANIFEST_DIR or the executable's folder).
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let known = std::iter::once(&base)
            .chain(&mods)
            .any(|m| canonical(m) == canonical(&path));
        if !known {
            mods.push(path);
        }
    }
    mods
}

/// How a folder is named in messages: relative to `root` when inside it.
pub fn shown_as(folder: &Path, root: &Path) -> String {
    let shown = folder.strip_prefix(root).unwrap_or(folder);
    // Rebuilt from its parts: no trailing or doubled slashes.
    let tidy: PathBuf = shown.components().collect();
    tidy.to_string_lossy().replace('\\', "/")
}

/// Reads every level file of the base game (`levels`) and of each mod folder, in that
/// order, and puts them together. `root` is the folder that holds `levels/` and `mods/`;
/// it only shortens names in messages.
pub fn load(levels: &Path, mods: &[PathBuf], root: &Path) -> Assembly {
    let folders: Vec<&Path> = std::iter::once(levels)
        .chain(mods.iter().map(PathBuf::as_path))
        .collect();
    let mut sources = Vec::new();
    let mut files = Vec::new();
    let mut errors: Vec<LevelError> = Vec::new();
    let mut budget = Budget::default();
    for (i, folder) in folders.iter().enumerate() {
        let name = shown_as(folder, root);
        let (parsed, problems) = read_source(i, folder, &name, &mut budget);
        files.extend(parsed);
        errors.extend(problems);
        sources.push(Source { folder: name });
    }
    let broken: Vec<String> = errors.iter().map(|e| e.file().to_owned()).collect();
    let mut assembly = Library::assemble(sources, files, &broken);
    errors.append(&mut assembly.errors);
    // By file, each file's problems in the order found.
    errors.sort_by(|a, b| a.file().cmp(b.file()));
    assembly.errors = errors;
    assembly
}

/// Parses every level file under `folder` (shown as `name`) that
/// [`list_level_files`] lists: the files that are fine, and every problem in the others
/// and in the folder.
pub fn read_source(
    source: usize,
    folder: &Path,
    name: &str,
    budget: &mut Budget,
) -> (Vec<LevelFile>, Vec<LevelError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !folder.is_dir() {
        errors.push(LevelError::file_problem(name, "not a folder"));
        return (files, errors);
    }
    let listing = list_level_files(folder, name, budget);
    errors.extend(
        listing
            .problems
            .iter()
            .map(|(what, why)| LevelError::file_problem(what, why)),
    );
    for relative in listing.files {
        let file = format!("{name}/{relative}");
        let bytes = match read_capped(&folder.join(&relative), &file) {
            Ok(bytes) => bytes,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match LevelFile::parse(source, &file, &bytes) {
            Ok(parsed) => files.push(parsed),
            Err(problems) => errors.extend(problems),
        }
    }
    (files, errors)
}

/// Reads a file of at most [`MAX_FILE_BYTES`]; a bigger one is refused unread.
pub fn read_capped(path: &Path, file: &str) -> Result<Vec<u8>, LevelError> {
    let unreadable = |e: std::io::Error| LevelError::Unreadable {
        file: file.to_owned(),
        message: e.to_string(),
    };
    let handle = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(too_big(file, size));
    }
    Ok(bytes)
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}
