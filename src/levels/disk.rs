//! Reading level folders straight from disk, for the command-line tools and tests (the
//! game reads the same files through Bevy's asset server).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::check::{MAX_FILE_BYTES, too_big};
use super::error::LevelError;
use super::file::{LevelFile, Source};
use super::library::{Assembly, Library};

/// How deep folders are searched for level files.
const MAX_DEPTH: usize = 6;

/// The mod folders under `mods_dir`, by name (a missing `mods/` has none).
pub fn discover_mods(mods_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(mods_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .filter(|path| !hidden(path))
        .collect();
    found.sort();
    found
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

/// Names under `folder` that Bevy's asset paths cannot hold (a `#`, which starts a label,
/// or a name that is not UTF-8), relative to the folder. Loading a folder that holds one
/// would never finish, so such folders are read file by file.
pub fn unloadable_names(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(folder.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if hidden(&path) {
                continue;
            }
            if name.to_str().is_none_or(|n| n.contains('#')) {
                out.push(shown_as(&path, folder));
            } else if path.is_dir() && depth < MAX_DEPTH {
                stack.push((path, depth + 1));
            }
        }
    }
    out.sort();
    out
}

/// The level files under `folder`, relative to it, by name.
pub fn level_file_names(folder: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    collect_ron_files(folder, 0, &mut paths);
    let mut names: Vec<String> = paths
        .iter()
        .filter(|p| p.to_str().is_some_and(|n| !n.contains('#')))
        .map(|p| shown_as(p, folder))
        .collect();
    names.sort();
    names
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
    for (i, folder) in folders.iter().enumerate() {
        let name = shown_as(folder, root);
        let (parsed, problems) = read_source(i, folder, &name);
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

/// Parses every level file under `folder` (shown as `name`): the files that are fine,
/// and every problem in the others.
pub fn read_source(source: usize, folder: &Path, name: &str) -> (Vec<LevelFile>, Vec<LevelError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !folder.is_dir() {
        errors.push(LevelError::file_problem(name, "not a folder"));
        return (files, errors);
    }
    let mut paths = Vec::new();
    collect_ron_files(folder, 0, &mut paths);
    paths.sort();
    for path in paths {
        let file = format!("{name}/{}", shown_as(&path, folder));
        let bytes = match read_capped(&path, &file) {
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

fn collect_ron_files(folder: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if hidden(&path) {
            continue;
        }
        if path.is_dir() {
            collect_ron_files(&path, depth + 1, out);
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}
