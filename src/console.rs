//! The terminal, where there is one. On Windows a released `sleep-sync.exe` is a
//! windowed program (no console window opens when a player double-clicks it), so its
//! tools (`--version`, `validate`, `preview`, `replay --headless`, ...) would print
//! nowhere: [`attach`] joins the console of the terminal it was started from, if any,
//! and [`tell_player`] says something important (a crash) in a message box when there is
//! no terminal to say it in. Elsewhere a program always has its terminal's output, and
//! these only print.

use std::io::Write as _;

/// Run first in `main`. On Windows: where standard output or error goes nowhere (a
/// windowed program started from a terminal), attach to the console of the process that
/// started this one and write there; output redirected to a file or a pipe is left as
/// it is. Elsewhere nothing to do.
pub fn attach() {
    #[cfg(windows)]
    windows::attach();
}

/// Says `text` to the player: on standard error, and on Windows in a message box when
/// the game has no terminal (it was double-clicked), so that it is seen.
pub fn tell_player(title: &str, text: &str) {
    // (Not eprintln: a closed stderr must not make a crash a second panic.)
    let _ = writeln!(std::io::stderr(), "{text}");
    #[cfg(windows)]
    windows::message_box(title, text);
    #[cfg(not(windows))]
    let _ = title;
}

#[cfg(windows)]
mod windows {
    use std::ffi::c_void;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Whether the program has a terminal (or files or pipes) for its output.
    static HAS_OUTPUT: AtomicBool = AtomicBool::new(false);

    const ATTACH_PARENT_PROCESS: u32 = u32::MAX;
    const STD_OUTPUT_HANDLE: u32 = -11_i32 as u32;
    const STD_ERROR_HANDLE: u32 = -12_i32 as u32;
    const GENERIC_READ: u32 = 0x8000_0000;
    const GENERIC_WRITE: u32 = 0x4000_0000;
    const FILE_SHARE_READ: u32 = 1;
    const FILE_SHARE_WRITE: u32 = 2;
    const OPEN_EXISTING: u32 = 3;
    /// MB_OK | MB_ICONERROR | MB_SETFOREGROUND | MB_TOPMOST: in front of a full-screen
    /// window.
    const MB_ERROR_IN_FRONT: u32 = 0x10 | 0x1_0000 | 0x4_0000;
    /// The most characters a message box shows (the rest is in the report).
    const BOX_CHARS: usize = 1_500;

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn AttachConsole(process: u32) -> i32;
        fn GetStdHandle(which: u32) -> *mut c_void;
        fn SetStdHandle(which: u32, handle: *mut c_void) -> i32;
        fn CreateFileW(
            name: *const u16,
            access: u32,
            share: u32,
            security: *mut c_void,
            disposition: u32,
            flags: u32,
            template: *mut c_void,
        ) -> *mut c_void;
    }

    #[link(name = "user32")]
    unsafe extern "system" {
        fn MessageBoxW(owner: *mut c_void, text: *const u16, caption: *const u16, kind: u32)
        -> i32;
    }

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(std::iter::once(0)).collect()
    }

    /// A handle a write can go to: not null (none given) and not INVALID_HANDLE_VALUE.
    fn usable(handle: *mut c_void) -> bool {
        !handle.is_null() && handle as isize != -1
    }

    pub(super) fn attach() {
        // SAFETY: plain Win32 calls; the name passed is a NUL-terminated UTF-16 string
        // that outlives the call, and the handles are the process's own.
        unsafe {
            let missing: Vec<u32> = [STD_OUTPUT_HANDLE, STD_ERROR_HANDLE]
                .into_iter()
                .filter(|&which| !usable(GetStdHandle(which)))
                .collect();
            if missing.is_empty() {
                // A console program, or output redirected: it already goes somewhere.
                HAS_OUTPUT.store(true, Ordering::SeqCst);
                return;
            }
            if AttachConsole(ATTACH_PARENT_PROCESS) == 0 {
                // Double-clicked: no terminal to print to.
                return;
            }
            let console = wide("CONOUT$");
            let handle = CreateFileW(
                console.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                std::ptr::null_mut(),
                OPEN_EXISTING,
                0,
                std::ptr::null_mut(),
            );
            if !usable(handle) {
                return;
            }
            for which in missing {
                SetStdHandle(which, handle);
            }
            HAS_OUTPUT.store(true, Ordering::SeqCst);
        }
    }

    pub(super) fn message_box(title: &str, text: &str) {
        if HAS_OUTPUT.load(Ordering::SeqCst) {
            return;
        }
        let text: String = text.chars().take(BOX_CHARS).collect();
        let (title, text) = (wide(title), wide(&text));
        // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner
        // window (the game's may be gone).
        unsafe {
            MessageBoxW(
                std::ptr::null_mut(),
                text.as_ptr(),
                title.as_ptr(),
                MB_ERROR_IN_FRONT,
            );
        }
    }
}
