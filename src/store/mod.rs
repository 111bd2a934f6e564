//! Where the player's things are kept — saved games and settings — so that nothing they
//! made is lost: not by a crash in the middle of a write, a full disk, a read-only
//! folder or a full browser storage quota.
//!
//! One store of the project's own, for both saves and settings, on both platforms.
//! Bevy's `bevy_settings` stores were not trusted with this: its desktop store renames its
//! temporary file over the old one even when writing it failed (a full disk empties the
//! settings), and its browser store unwraps `localStorage.setItem` (a full quota panics,
//! and the browser build aborts on a panic). Here every write either replaces the old
//! contents whole or leaves them byte-identical and says why.
//!
//! - Desktop ([`Store::folder`]): a file per name in one folder. A write goes to a
//!   temporary file beside it, is flushed to the disk (`fsync`), renamed over the old
//!   file, and the folder is flushed so the rename itself survives a power cut.
//! - Browser ([`Store::browser`]): a localStorage key per name, under a prefix; a quota
//!   error is an error returned, not a panic. localStorage holds text, so bytes that are
//!   not UTF-8 are refused.
//!
//! Plain std (and `web-sys` in the browser): no ECS, so tests and tools use it directly.

#[cfg(target_arch = "wasm32")]
mod browser;
mod folder;

use std::fmt;
use std::io;
use std::path::PathBuf;

pub use folder::Step;

/// The application's name among the system's folders (desktop) and localStorage keys
/// (browser).
pub const APP_ID: &str = "studio.sleepsync.SleepSync";

/// Where things are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Store {
    /// A folder on the desktop.
    Folder(PathBuf),
    /// localStorage keys starting with this prefix.
    Browser(String),
}

/// A write or read that did not happen, and why (said to the player as it is).
#[derive(Debug)]
pub struct StoreError {
    /// What was being kept or read, e.g. `saves/slot-1.ron`.
    pub name: String,
    /// The step that failed.
    pub step: &'static str,
    pub error: io::Error,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} failed: {}", self.name, self.step, self.error)
    }
}

impl std::error::Error for StoreError {}

impl Store {
    /// The desktop store in `folder` (created on the first write).
    pub fn folder(folder: impl Into<PathBuf>) -> Self {
        Self::Folder(folder.into())
    }

    /// The browser's localStorage, every key starting with `prefix`.
    pub fn browser(prefix: impl Into<String>) -> Self {
        Self::Browser(prefix.into())
    }

    /// The player's own store on this platform: the system's preferences folder for
    /// this game on the desktop (`SLEEP_SYNC_DATA` overrides it, for portable installs),
    /// localStorage in the browser. None when the system has no such folder.
    pub fn player() -> Option<Self> {
        Self::player_for(APP_ID)
    }

    /// [`Store::player`] for an application named `app_id` (tests use their own).
    pub fn player_for(app_id: &str) -> Option<Self> {
        if cfg!(target_arch = "wasm32") {
            return Some(Self::browser(format!("{app_id}/")));
        }
        if app_id == APP_ID
            && let Some(dir) = std::env::var_os("SLEEP_SYNC_DATA").filter(|d| !d.is_empty())
        {
            return Some(Self::folder(dir));
        }
        bevy::platform::dirs::preferences_dir().map(|dir| Self::folder(dir.join(app_id)))
    }

    /// Where `name` is kept, for the player.
    pub fn place(&self, name: &str) -> String {
        match self {
            Self::Folder(folder) => folder.join(name).display().to_string(),
            Self::Browser(prefix) => format!("this browser's storage ({prefix}{name})"),
        }
    }

    /// The contents kept under `name`; None if nothing is.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let failed = |step, error| StoreError {
            name: name.to_owned(),
            step,
            error,
        };
        match self {
            Self::Folder(folder) => match std::fs::read(folder.join(name)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(failed("reading", e)),
            },
            #[cfg(target_arch = "wasm32")]
            Self::Browser(prefix) => browser::read(&format!("{prefix}{name}"))
                .map(|text| text.map(String::into_bytes))
                .map_err(|e| failed("reading", e)),
            #[cfg(not(target_arch = "wasm32"))]
            Self::Browser(_) => Err(failed("reading", no_browser())),
        }
    }

    /// Keeps `bytes` under `name`, whole: afterwards `name` holds either these bytes or,
    /// if this returns an error, exactly what it held before.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.write_with(name, bytes, &mut |_| Ok(()))
    }

    /// [`Store::write`], calling `before` ahead of each step of a desktop write; an error
    /// it returns is that step failing (how the tests fail each step in turn).
    pub fn write_with(
        &self,
        name: &str,
        bytes: &[u8],
        before: &mut dyn FnMut(Step) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        match self {
            Self::Folder(folder) => folder::write(folder, name, bytes, before),
            #[cfg(target_arch = "wasm32")]
            Self::Browser(prefix) => {
                let _ = before;
                let failed = |step, error| StoreError {
                    name: name.to_owned(),
                    step,
                    error,
                };
                let text = std::str::from_utf8(bytes).map_err(|e| {
                    failed("encoding", io::Error::new(io::ErrorKind::InvalidData, e))
                })?;
                browser::write(&format!("{prefix}{name}"), text).map_err(|e| failed("storing", e))
            }
            #[cfg(not(target_arch = "wasm32"))]
            Self::Browser(_) => Err(StoreError {
                name: name.to_owned(),
                step: "storing",
                error: no_browser(),
            }),
        }
    }

    /// Moves what `name` holds to the first free `<stem>.broken[-N].<ext>` beside it, so
    /// nothing written later destroys it; returns the name it is kept under.
    pub fn set_aside(&self, name: &str) -> Result<String, StoreError> {
        let (stem, ext) = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => (stem, ext),
            _ => (name, "bin"),
        };
        let aside = (1..10_000)
            .map(|n| match n {
                1 => format!("{stem}.broken.{ext}"),
                n => format!("{stem}.broken-{n}.{ext}"),
            })
            .find(|candidate| matches!(self.read(candidate), Ok(None)))
            .ok_or_else(|| StoreError {
                name: name.to_owned(),
                step: "finding a name to set it aside under",
                error: io::Error::other("every name is taken"),
            })?;
        self.rename(name, &aside)?;
        Ok(aside)
    }

    /// Moves `from` to `to`, replacing what `to` held.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), StoreError> {
        match self {
            Self::Folder(folder) => folder::rename(folder, from, to),
            _ => {
                let bytes = self.read(from)?.ok_or_else(|| StoreError {
                    name: from.to_owned(),
                    step: "reading",
                    error: io::ErrorKind::NotFound.into(),
                })?;
                self.write(to, &bytes)?;
                self.remove(from)
            }
        }
    }

    /// Forgets `name` (nothing if it holds nothing).
    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        let failed = |error| StoreError {
            name: name.to_owned(),
            step: "removing",
            error,
        };
        match self {
            Self::Folder(folder) => match std::fs::remove_file(folder.join(name)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(failed(e)),
                _ => Ok(()),
            },
            #[cfg(target_arch = "wasm32")]
            Self::Browser(prefix) => browser::remove(&format!("{prefix}{name}")).map_err(failed),
            #[cfg(not(target_arch = "wasm32"))]
            Self::Browser(_) => Err(failed(no_browser())),
        }
    }

    /// The names kept under `folder` (e.g. `"saves"`), sorted; temporary files left by
    /// an interrupted write are not among them.
    pub fn names_in(&self, folder: &str) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Self::Folder(root) => std::fs::read_dir(root.join(folder))
                .map(|entries| {
                    entries
                        .flatten()
                        .filter_map(|e| e.file_name().into_string().ok())
                        .filter(|n| !folder::is_temporary(n))
                        .map(|n| format!("{folder}/{n}"))
                        .collect()
                })
                .unwrap_or_default(),
            #[cfg(target_arch = "wasm32")]
            Self::Browser(prefix) => browser::keys(&format!("{prefix}{folder}/"))
                .into_iter()
                .map(|key| key[prefix.len()..].to_owned())
                .collect(),
            #[cfg(not(target_arch = "wasm32"))]
            Self::Browser(_) => Vec::new(),
        };
        names.sort();
        names
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn no_browser() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "the browser's storage exists only in the browser build",
    )
}

/// Writes one at a time, on a background thread on the desktop (a slow disk's flush
/// never stalls a frame; in the browser, localStorage is synchronous and quick). A newer
/// write waiting replaces an older one waiting: only the latest contents matter.
#[derive(Default)]
pub struct Writer {
    #[cfg(not(target_arch = "wasm32"))]
    busy: Option<bevy::tasks::Task<Result<(), StoreError>>>,
    queued: Option<(String, Vec<u8>)>,
}

impl Writer {
    /// Queues `bytes` for `name` and starts it if nothing is being written. Returns the
    /// result of a write that finished meanwhile.
    pub fn write(
        &mut self,
        store: &Store,
        name: &str,
        bytes: Vec<u8>,
    ) -> Option<Result<(), StoreError>> {
        self.queued = Some((name.to_owned(), bytes));
        self.pump(store)
    }

    /// Takes a finished write's result and starts the one waiting.
    pub fn pump(&mut self, store: &Store) -> Option<Result<(), StoreError>> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let mut finished = None;
            if let Some(task) = &mut self.busy
                && let Some(result) = bevy::tasks::futures::check_ready(task)
            {
                self.busy = None;
                finished = Some(result);
            }
            if self.busy.is_none()
                && let Some((name, bytes)) = self.queued.take()
            {
                let store = store.clone();
                self.busy = Some(
                    bevy::tasks::IoTaskPool::get().spawn(async move { store.write(&name, &bytes) }),
                );
            }
            finished
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.queued
                .take()
                .map(|(name, bytes)| store.write(&name, &bytes))
        }
    }

    /// Waits for the write under way and drops the one waiting (the caller writes the
    /// latest itself, e.g. as the game closes). Returns the result of the one waited for.
    pub fn finish(&mut self) -> Option<Result<(), StoreError>> {
        self.queued = None;
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.busy.take().map(bevy::tasks::block_on)
        }
        #[cfg(target_arch = "wasm32")]
        {
            None
        }
    }
}
