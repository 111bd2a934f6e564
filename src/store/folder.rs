//! The desktop store's write: temporary file, flush, rename, flush the folder.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::StoreError;

/// The steps of a desktop write, in order. Any one failing leaves the old file as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Creating the folder and the temporary file beside the old one.
    Create,
    /// Writing the new contents to it.
    Write,
    /// Flushing them to the disk.
    Sync,
    /// Renaming the temporary file over the old one (the moment the new contents count).
    Rename,
    /// Flushing the folder, so the rename survives a power cut.
    SyncFolder,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Create,
        Step::Write,
        Step::Sync,
        Step::Rename,
        Step::SyncFolder,
    ];

    fn doing(self) -> &'static str {
        match self {
            Step::Create => "creating a temporary file",
            Step::Write => "writing",
            Step::Sync => "flushing to the disk",
            Step::Rename => "replacing the old file",
            Step::SyncFolder => "flushing the folder",
        }
    }
}

/// The temporary file's name for `file`: hidden, beside it, always the same (a write
/// interrupted by a crash leaves one behind; the next write truncates it).
fn temporary(file: &str) -> String {
    format!(".{file}.writing")
}

/// The old contents' second name while the new ones are flushed (see [`write`]).
fn previous(file: &str) -> String {
    format!(".{file}.previous")
}

/// Whether `name` is a temporary file of an unfinished write.
pub(super) fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && (name.ends_with(".writing") || name.ends_with(".previous"))
}

pub(super) fn write(
    root: &Path,
    name: &str,
    bytes: &[u8],
    before: &mut dyn FnMut(Step) -> io::Result<()>,
) -> Result<(), StoreError> {
    let path = root.join(name);
    let (folder, file) = match (path.parent(), path.file_name().and_then(|f| f.to_str())) {
        (Some(folder), Some(file)) => (folder.to_path_buf(), file.to_owned()),
        _ => {
            return Err(StoreError {
                name: name.to_owned(),
                step: Step::Create.doing(),
                error: io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
            });
        }
    };
    let temp = folder.join(temporary(&file));
    // The old contents keep a second name until the rename is flushed: if flushing the
    // folder fails, they are put back, so a failed write never leaves new contents.
    let kept = folder.join(previous(&file));
    let mut step = Step::Create;
    let result = (|| -> io::Result<()> {
        before(step)?;
        fs::create_dir_all(&folder)?;
        {
            // Closed at the block's end, before the rename: Windows renames no open file.
            let mut out = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&temp)?;
            step = Step::Write;
            before(step)?;
            out.write_all(bytes)?;
            step = Step::Sync;
            before(step)?;
            out.sync_all()?;
        }
        step = Step::Rename;
        before(step)?;
        let _ = fs::remove_file(&kept);
        let had_old = match fs::hard_link(&path, &kept) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            // A file system without hard links: a copy does the same.
            Err(_) => fs::copy(&path, &kept).is_ok(),
        };
        fs::rename(&temp, &path)?;
        step = Step::SyncFolder;
        let flushed = before(step).and_then(|()| sync_folder(&folder));
        if flushed.is_err() {
            // Put the old contents back (or, for a first write, take the new ones away).
            let _ = if had_old {
                fs::rename(&kept, &path)
            } else {
                fs::remove_file(&path)
            };
        }
        let _ = fs::remove_file(&kept);
        flushed
    })();
    result.map_err(|error| {
        // The half-written copy goes; the old file was never touched (or is back).
        let _ = fs::remove_file(&temp);
        StoreError {
            name: name.to_owned(),
            step: step.doing(),
            error,
        }
    })
}

pub(super) fn rename(root: &Path, from: &str, to: &str) -> Result<(), StoreError> {
    let target = root.join(to);
    fs::rename(root.join(from), &target)
        .and_then(|()| match target.parent() {
            Some(folder) => sync_folder(folder),
            None => Ok(()),
        })
        .map_err(|error| StoreError {
            name: from.to_owned(),
            step: "renaming",
            error,
        })
}

/// Flushes a folder's entries (a rename is in the folder, not the file). Windows has no
/// such call; its renames are flushed with the file system's journal.
fn sync_folder(folder: &Path) -> io::Result<()> {
    if cfg!(windows) {
        return Ok(());
    }
    File::open(folder)?.sync_all()
}
