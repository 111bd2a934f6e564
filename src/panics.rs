//! Panics caught on purpose, and what any panic said.
//!
//! Two places catch a panic and go on: the forge, where a bug in the generator becomes a
//! message on the forming screen, and `validate`, where it becomes one of the problems
//! listed. The crash reporter (`crash`, desktop only) reports the panics nobody caught.
//! All three read a panic's message here. (The browser build aborts on any panic, so
//! there nothing is ever caught.)

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What a panic said, when it said it with a string (`panic!("…")` and `.expect("…")`
/// do; `std::panic::panic_any(42)` does not).
pub fn message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

/// Runs `work`, catching a panic in it on purpose: no crash to report, so on the desktop
/// the crash reporter forgets it (and its worker threads' panics with it). The error is
/// the panic's message, or `silent` when it had none.
pub fn catch<T>(work: impl FnOnce() -> T, silent: &str) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        #[cfg(not(target_arch = "wasm32"))]
        crate::crash::forget_panics();
        message(payload.as_ref()).unwrap_or(silent).to_owned()
    })
}

/// Taken first by the tests that catch panics or read the panics the crash reporter
/// kept, which share the process: a catch makes the reporter forget every panic kept so
/// far, another test's with them.
#[cfg(test)]
pub(crate) fn tests_one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SILENT: &str = "it stopped without saying why";

    #[test]
    fn work_that_does_not_panic_gives_its_value() {
        let _one = tests_one_at_a_time();
        assert_eq!(catch(|| 6 * 7, SILENT), Ok(42));
    }

    #[test]
    fn a_caught_panic_gives_its_message_whether_literal_or_formatted() {
        let _one = tests_one_at_a_time();
        assert_eq!(
            catch(|| -> u8 { panic!("the core has no room") }, SILENT),
            Err("the core has no room".to_owned())
        );
        let loop_index = 3;
        assert_eq!(
            catch(
                || -> u8 { panic!("loop {loop_index} has no floor") },
                SILENT
            ),
            Err("loop 3 has no floor".to_owned())
        );
    }

    #[test]
    fn a_panic_without_a_string_gives_the_callers_words() {
        let _one = tests_one_at_a_time();
        assert_eq!(
            catch(|| -> u8 { std::panic::panic_any(42_u32) }, SILENT),
            Err(SILENT.to_owned())
        );
        assert_eq!(message(&42_u32), None);
    }
}
