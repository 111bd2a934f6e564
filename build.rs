//! Lists the base game's level files for the browser build, which cannot list folders
//! over HTTP: `$OUT_DIR/base_levels.rs` holds `FILES`, paths relative to `levels/`.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=levels");
    let mut files = Vec::new();
    collect(Path::new("levels"), &mut files);
    files.sort();
    let list: Vec<String> = files
        .iter()
        .filter_map(|p| p.strip_prefix("levels").ok())
        .map(|p| format!("    {:?},", p.to_string_lossy().replace('\\', "/")))
        .collect();
    let code = format!(
        "/// The base game's level files, relative to `levels/`.\npub const FILES: &[&str] = &[\n{}\n];\n",
        list.join("\n")
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("base_levels.rs"), code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
}
