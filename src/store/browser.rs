//! The browser store: localStorage, with every failure (no storage, a full quota, storage
//! turned off by the player) returned as an error instead of a panic.

use std::io;

use web_sys::Storage;

fn storage() -> io::Result<Storage> {
    web_sys::window()
        .ok_or_else(|| io::Error::other("no browser window"))?
        .local_storage()
        .map_err(js_error)?
        .ok_or_else(|| io::Error::other("this browser keeps no local storage"))
}

fn js_error(error: web_sys::wasm_bindgen::JsValue) -> io::Error {
    // A full quota arrives as a DOMException (QuotaExceededError); its text says so.
    let text = error
        .as_string()
        .unwrap_or_else(|| format!("{error:?}"))
        .chars()
        .take(200)
        .collect::<String>();
    io::Error::other(text)
}

pub(super) fn read(key: &str) -> io::Result<Option<String>> {
    storage()?.get_item(key).map_err(js_error)
}

/// `setItem` replaces the value whole or, on a quota error, leaves it as it was.
pub(super) fn write(key: &str, text: &str) -> io::Result<()> {
    storage()?.set_item(key, text).map_err(js_error)
}

pub(super) fn remove(key: &str) -> io::Result<()> {
    storage()?.remove_item(key).map_err(js_error)
}

/// Every key starting with `prefix`.
pub(super) fn keys(prefix: &str) -> Vec<String> {
    let Ok(storage) = storage() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect()
}
