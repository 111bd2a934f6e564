//! The architecture, checked (see `docs/architecture.md`): three layers with arrows one
//! way — pure cores (`dream`, `network`) ← the game (the ECS simulation: headless, no
//! egui) ← the presentation (screens, menus, HUD, looks, audio) — with the app's states
//! (`state`) below all of them and the dev and command-line tools beside.
//!
//! Std only, so it builds in seconds. It reads every file of `src/`, blanks out comments
//! and string and char literals, and collects every path into the crate: `use` trees
//! (grouped, nested, `pub`, `#[cfg]`-gated or not) and paths written inline in code
//! (`crate::dive::dive_in_play`, `super::rng::DreamRng`). `super` and `self` are resolved
//! against the module the path is written in, inline `mod tests { … }` included, so a
//! test's `use super::*` is the file importing itself and counts for nothing.
//!
//! Run with `cargo test --test architecture`; each rule is one test that lists every
//! violation as `file:line: what`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

/// Where each top-level module of `src/` sits; `third_party` is classified per file and
/// `third_party/mod.rs` is neutral glue. A new module goes here and in
/// `docs/architecture.md`. Modules listed that do not exist yet are the target layout.
const LAYERS: &[(&str, Layer)] = &[
    ("state", Layer::Base),
    ("store", Layer::Base),
    ("portable", Layer::Base),
    ("version", Layer::Base),
    ("text", Layer::Base),
    ("calendar", Layer::Base),
    ("console", Layer::Base),
    ("crash", Layer::Base),
    ("panics", Layer::Base),
    ("dream", Layer::Core),
    ("network", Layer::Core),
    ("levels", Layer::Game),
    ("dive", Layer::Game),
    ("juno", Layer::Game),
    ("campaign", Layer::Game),
    ("long_work", Layer::Game),
    ("world", Layer::Game),
    ("headless", Layer::Game),
    ("replay", Layer::Game),
    ("saves", Layer::Game),
    ("settings", Layer::Game),
    ("controls", Layer::Game),
    ("schedule", Layer::Base),
    ("third_party::rapier", Layer::Game),
    ("screens", Layer::Presentation),
    ("menus", Layer::Presentation),
    ("hud", Layer::Presentation),
    ("looks", Layer::Presentation),
    ("audio", Layer::Presentation),
    ("theme", Layer::Presentation),
    ("third_party::egui", Layer::Presentation),
    ("third_party::web", Layer::Presentation),
    ("snapshot", Layer::Presentation),
    ("dev", Layer::Dev),
    ("commands", Layer::Tools),
];

/// The only arrows allowed between two different core modules: (importer, imported).
const CORE_ARROWS: &[(&str, &str)] = &[("network", "dream")];

/// External crates only the presentation (and dev tools, and the crate roots) may name.
const EGUI_CRATES: &[&str] = &["egui", "bevy_egui", "egui_plot"];

/// The files allowed to write the dive's run condition on the dream phase.
const SET_FILES: &[&str] = &["src/lib.rs", "src/schedule.rs", "src/schedule/mod.rs"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    Base,
    Core,
    Game,
    Presentation,
    Dev,
    Tools,
}

/// What a module is to the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Layer(Layer),
    /// `lib.rs`/`main.rs`, and items defined in `lib.rs` (`crate::AppSystems`).
    Root,
    /// `third_party/mod.rs`: only declares the glue files.
    Glue,
    /// Not in [`LAYERS`]: reported by `every_module_has_a_layer`, otherwise skipped.
    Unknown,
}

fn place(key: &str) -> Place {
    match key {
        "" => Place::Root,
        "third_party" => Place::Glue,
        _ => LAYERS
            .iter()
            .find(|(name, _)| *name == key)
            .map_or(Place::Unknown, |(_, layer)| Place::Layer(*layer)),
    }
}

fn describe(key: &str) -> String {
    match place(key) {
        Place::Root => "a crate-root item".to_string(),
        Place::Glue => "third_party glue".to_string(),
        Place::Unknown => format!("`{key}`, unclassified"),
        Place::Layer(layer) => format!("`{key}`, {}", format!("{layer:?}").to_lowercase()),
    }
}

/// Whether code in module `from` may name module `to`.
fn allowed(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    let Place::Layer(importer) = place(from) else {
        return true;
    };
    match (importer, place(to)) {
        (_, Place::Unknown) => true,
        // The base modules (states, set labels) may name each other, nothing else.
        (Layer::Base, Place::Layer(Layer::Base)) => true,
        (Layer::Base, _) => false,
        (Layer::Core, Place::Layer(Layer::Core)) => CORE_ARROWS.contains(&(from, to)),
        (Layer::Core, _) => false,
        (_, Place::Root | Place::Glue) => true,
        (Layer::Game, Place::Layer(t)) => matches!(t, Layer::Base | Layer::Core | Layer::Game),
        (Layer::Tools, Place::Layer(t)) => {
            matches!(t, Layer::Base | Layer::Core | Layer::Game | Layer::Tools)
        }
        (Layer::Presentation, Place::Layer(t)) => t != Layer::Dev,
        (Layer::Dev, _) => true,
    }
}

// ---------------------------------------------------------------------------------------
// Reading the source
// ---------------------------------------------------------------------------------------

/// `src` with comments and string/char literals (raw ones too) blanked to spaces; line
/// breaks are kept so every token keeps its line.
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let mut depth = 0;
            loop {
                if i >= c.len() {
                    break;
                } else if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let mut hashes = 0;
            while at(i + hashes) == '#' {
                hashes += 1;
            }
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                // A raw string: ends at a quote followed by as many hashes.
                let mut j = i + hashes + 1;
                while j < c.len() && !(c[j] == '"' && (1..=hashes).all(|h| at(j + h) == '#')) {
                    j += 1;
                }
                let end = (j + hashes + 1).min(c.len());
                c[start..end].iter().for_each(|&ch| blank(&mut out, ch));
                i = end;
            } else if word == "r" && hashes == 1 {
                // A raw identifier (`r#type`): keep the name.
                out.push_str("  ");
                i += 1;
            } else {
                out.push_str(&word);
            }
        } else if ch == '"' {
            let start = i;
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            let end = (i + 1).min(c.len());
            c[start..end].iter().for_each(|&ch| blank(&mut out, ch));
            i = end;
        } else if ch == '\'' && (at(i + 1) == '\\' || (at(i + 2) == '\'' && at(i + 1) != '\'')) {
            // A char literal ('x', '\n', '\'', '\u{2014}'); a lifetime has no closing quote.
            let mut j = if at(i + 1) == '\\' { i + 3 } else { i + 2 };
            while j < c.len() && c[j] != '\'' {
                j += 1;
            }
            let end = (j + 1).min(c.len());
            c[i..end].iter().for_each(|&ch| blank(&mut out, ch));
            i = end;
        } else {
            out.push(ch);
            i += 1;
        }
    }
    out
}

#[derive(Debug)]
struct Tok {
    text: String,
    line: usize,
}

fn is_ident(text: &str) -> bool {
    text.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// Identifiers, numbers, `::` and single punctuation characters, with their lines.
fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut toks = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            toks.push(Tok {
                text: c[start..i].iter().collect(),
                line,
            });
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            toks.push(Tok {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            toks.push(Tok {
                text: ch.to_string(),
                line,
            });
            i += 1;
        }
    }
    toks
}

/// One path of a `use` tree, as written.
#[derive(Debug)]
struct Leaf {
    segs: Vec<String>,
    line: usize,
    glob: bool,
    alias: Option<String>,
}

/// Parses one `use` tree at `toks[*i]` (after `use`), appending its paths to `out`.
fn use_tree(toks: &[Tok], i: &mut usize, mut segs: Vec<String>, out: &mut Vec<Leaf>) -> Option<()> {
    loop {
        let tok = toks.get(*i)?;
        match tok.text.as_str() {
            "::" => *i += 1,
            "*" => {
                *i += 1;
                out.push(Leaf {
                    segs,
                    line: tok.line,
                    glob: true,
                    alias: None,
                });
                return Some(());
            }
            "{" => {
                *i += 1;
                loop {
                    match toks.get(*i)?.text.as_str() {
                        "}" => {
                            *i += 1;
                            return Some(());
                        }
                        "," => *i += 1,
                        _ => use_tree(toks, i, segs.clone(), out)?,
                    }
                }
            }
            word if is_ident(word) => {
                segs.push(word.to_string());
                *i += 1;
                if toks.get(*i).is_some_and(|t| t.text == "::") {
                    continue;
                }
                let mut alias = None;
                if toks.get(*i).is_some_and(|t| t.text == "as") {
                    alias = toks.get(*i + 1).map(|t| t.text.clone());
                    *i += 2;
                }
                out.push(Leaf {
                    segs,
                    line: tok.line,
                    glob: false,
                    alias,
                });
                return Some(());
            }
            _ => return None,
        }
    }
}

type ModulePath = Vec<String>;

/// The absolute path (segments after `crate`) of `segs` written in module `cur`, or
/// `None` when it leads out of the crate. A first segment naming a child module of `cur`
/// is relative to `cur`, as Rust 2018 paths are.
fn absolute(
    segs: &[String],
    cur: &[String],
    modules: &HashMap<ModulePath, usize>,
) -> Option<ModulePath> {
    let (mut abs, rest) = match segs.first()?.as_str() {
        "crate" => (Vec::new(), &segs[1..]),
        "self" => (cur.to_vec(), &segs[1..]),
        "super" => {
            let mut abs = cur.to_vec();
            let mut k = 0;
            while segs.get(k).is_some_and(|s| s == "super") {
                abs.pop()?;
                k += 1;
            }
            (abs, &segs[k..])
        }
        first => {
            let mut child = cur.to_vec();
            child.push(first.to_string());
            if !modules.contains_key(&child) {
                return None;
            }
            (cur.to_vec(), segs)
        }
    };
    // `use a::{self, b}` names `a` itself.
    abs.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(abs)
}

/// A path into the crate, written in a file.
#[derive(Debug)]
struct Import {
    file: usize,
    line: usize,
    /// As written, e.g. `super::rng::DreamRng` or `crate::dive::*`.
    written: String,
    /// Absolute: the segments after `crate`.
    path: ModulePath,
}

/// A `use` at a file's top level (`pub` or not: child modules see their parent's private
/// imports too): `name` (`None` for a glob) stands for `path`.
#[derive(Debug)]
struct Alias {
    name: Option<String>,
    path: ModulePath,
}

#[derive(Debug)]
struct SourceFile {
    /// `src/dive/mod.rs`.
    path: String,
    /// The module it is, `[]` for `lib.rs`; `None` for `main.rs` (another crate).
    module: Option<ModulePath>,
    /// Top-level module: `dive`, `third_party::rapier`; `""` for the crate roots.
    key: String,
    code: String,
}

/// Everything the rules need, read once.
#[derive(Debug, Default)]
struct Crate {
    files: Vec<SourceFile>,
    modules: HashMap<ModulePath, usize>,
    imports: Vec<Import>,
    aliases: Vec<Vec<Alias>>,
    /// Names each file defines at its top level (for glob re-exports).
    defines: Vec<HashSet<String>>,
    /// (file, line, path) of every path into an egui crate.
    egui: Vec<(usize, usize, String)>,
    /// (file, line) of every `in_state(DreamPhase::Exploring)`.
    exploring: Vec<(usize, usize)>,
}

fn module_of(path: &str) -> Option<ModulePath> {
    let rel = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    if rel == "main" {
        return None;
    }
    let mut segs: ModulePath = rel.split('/').map(String::from).collect();
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib")) {
        segs.pop();
    }
    Some(segs)
}

fn key_of(module: &[String]) -> String {
    match module {
        [] => String::new(),
        [top, file, ..] if top == "third_party" => format!("third_party::{file}"),
        [top, ..] => top.clone(),
    }
}

impl Crate {
    fn load(root: &std::path::Path) -> Crate {
        let mut found = Vec::new();
        let mut dirs = vec![root.join("src")];
        while let Some(dir) = dirs.pop() {
            let entries =
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    let rel = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    found.push((rel, text));
                }
            }
        }
        found.sort();
        Crate::from_sources(found.iter().map(|(p, t)| (p.as_str(), t.as_str())))
    }

    fn from_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Crate {
        let mut krate = Crate::default();
        for (path, text) in sources {
            let module = module_of(path);
            let key = module.as_deref().map_or(String::new(), key_of);
            if let Some(module) = &module {
                krate.modules.insert(module.clone(), krate.files.len());
            }
            krate.files.push(SourceFile {
                path: path.to_string(),
                module,
                key,
                code: strip(text),
            });
        }
        for index in 0..krate.files.len() {
            krate.scan(index);
        }
        krate
    }

    /// Collects `file`'s imports, re-exports, definitions, egui paths and run conditions.
    fn scan(&mut self, file: usize) {
        let toks = tokens(&self.files[file].code);
        let base = self.files[file].module.clone();
        let mut aliases = Vec::new();
        let mut defines = HashSet::new();
        let (mut depth, mut inline) = (0usize, Vec::<(String, usize)>::new());
        let text = |i: usize| toks.get(i).map_or("", |t| t.text.as_str());
        let mut i = 0;
        while i < toks.len() {
            // The module this token is in: the file's, and any inline `mod x { … }` around it.
            let cur = || -> Option<ModulePath> {
                Some(
                    base.as_ref()?
                        .iter()
                        .cloned()
                        .chain(inline.iter().map(|(n, _)| n.clone()))
                        .collect(),
                )
            };
            let at_top = depth == 0;
            match text(i) {
                "{" => depth += 1,
                "}" => {
                    depth = depth.saturating_sub(1);
                    while inline.last().is_some_and(|(_, d)| *d > depth) {
                        inline.pop();
                    }
                }
                "mod" if is_ident(text(i + 1)) && text(i + 2) == "{" => {
                    inline.push((text(i + 1).to_string(), depth + 1));
                    i += 2;
                    continue;
                }
                "fn" | "struct" | "enum" | "trait" | "type" | "const" | "static" | "union"
                | "mod"
                    if at_top && is_ident(text(i + 1)) =>
                {
                    defines.insert(text(i + 1).to_string());
                }
                "macro_rules" if at_top && text(i + 1) == "!" => {
                    defines.insert(text(i + 2).to_string());
                }
                "in_state" if text(i + 1) == "(" => {
                    let mut j = i + 2;
                    while is_ident(text(j)) && text(j + 1) == "::" {
                        j += 2;
                    }
                    let closed = text(j + 1) == ")" || (text(j + 1) == "," && text(j + 2) == ")");
                    if text(j) == "Exploring" && closed && j >= i + 4 && text(j - 2) == "DreamPhase"
                    {
                        self.exploring.push((file, toks[i].line));
                    }
                }
                "use" => {
                    let cur = cur();
                    let mut j = i + 1;
                    let mut leaves = Vec::new();
                    if use_tree(&toks, &mut j, Vec::new(), &mut leaves).is_none() || text(j) != ";"
                    {
                        while j < toks.len() && text(j) != ";" {
                            j += 1;
                        }
                    }
                    for leaf in leaves {
                        let written = if leaf.glob {
                            format!("{}::*", leaf.segs.join("::"))
                        } else {
                            leaf.segs.join("::")
                        };
                        let Some(cur) = &cur else {
                            continue;
                        };
                        match absolute(&leaf.segs, cur, &self.modules) {
                            Some(path) => {
                                if at_top {
                                    let name = if leaf.glob {
                                        None
                                    } else {
                                        leaf.alias.clone().or_else(|| path.last().cloned())
                                    };
                                    aliases.push(Alias {
                                        name,
                                        path: path.clone(),
                                    });
                                }
                                self.imports.push(Import {
                                    file,
                                    line: leaf.line,
                                    written,
                                    path,
                                });
                            }
                            None if EGUI_CRATES.contains(&leaf.segs[0].as_str()) => {
                                self.egui.push((file, leaf.line, written));
                            }
                            None => {}
                        }
                    }
                    i = j + 1;
                    continue;
                }
                word if is_ident(word)
                    && text(i + 1) == "::"
                    && text(i.wrapping_sub(1)) != "::" =>
                {
                    // A path written inline in code: take it whole.
                    let mut segs = vec![word.to_string()];
                    let mut j = i + 1;
                    while text(j) == "::" && is_ident(text(j + 1)) {
                        segs.push(text(j + 1).to_string());
                        j += 2;
                    }
                    let line = toks[i].line;
                    match cur()
                        .as_ref()
                        .and_then(|cur| absolute(&segs, cur, &self.modules))
                    {
                        Some(path) => self.imports.push(Import {
                            file,
                            line,
                            written: segs.join("::"),
                            path,
                        }),
                        None if EGUI_CRATES.contains(&word) => {
                            self.egui.push((file, line, segs.join("::")))
                        }
                        None => {}
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        self.aliases.push(aliases);
        self.defines.push(defines);
    }

    /// What `name`, named in `file`'s module, stands for through the file's `use`s.
    fn follow_use(&self, file: usize, name: &str) -> Option<ModulePath> {
        let aliases = self.aliases.get(file)?;
        aliases.iter().find_map(|r| match &r.name {
            Some(n) if n == name => Some(r.path.clone()),
            None if self
                .modules
                .get(&r.path)
                .is_some_and(|&m| self.defines.get(m).is_some_and(|d| d.contains(name))) =>
            {
                Some(r.path.iter().cloned().chain([name.to_string()]).collect())
            }
            _ => None,
        })
    }

    /// The top-level module a path names (`""`: an item of the crate root).
    fn top_key(&self, path: &[String]) -> String {
        self.top_key_at(path, 0)
    }

    fn top_key_at(&self, path: &[String], depth: usize) -> String {
        let Some(first) = path.first() else {
            return String::new();
        };
        if self.modules.contains_key(&path[..1]) {
            let file = path
                .get(1)
                .filter(|_| self.modules.contains_key(&path[..2]));
            return match file {
                Some(file) if first == "third_party" => format!("third_party::{file}"),
                _ => first.clone(),
            };
        }
        // An item of the crate root: a `use` in lib.rs may say where it lives.
        let root = self.modules.get(&Vec::new());
        match root.and_then(|&root| self.follow_use(root, first)) {
            Some(mut target) if depth < 8 => {
                target.extend_from_slice(&path[1..]);
                self.top_key_at(&target, depth + 1)
            }
            _ => String::new(),
        }
    }

    /// The file that defines what a path names: the deepest module file on the path, and
    /// through that file's `use` lines (a `mod.rs`'s `pub use child::X`) to the file that
    /// defines the item.
    fn resolve_file(&self, path: &[String]) -> Option<usize> {
        self.resolve_file_at(path, 0)
    }

    fn resolve_file_at(&self, path: &[String], depth: usize) -> Option<usize> {
        let k = (0..=path.len())
            .rev()
            .find(|&k| self.modules.contains_key(&path[..k]))?;
        let file = self.modules[&path[..k]];
        if k < path.len()
            && depth < 8
            && let Some(mut target) = self.follow_use(file, &path[k])
        {
            target.extend_from_slice(&path[k + 1..]);
            return self.resolve_file_at(&target, depth + 1);
        }
        Some(file)
    }

    fn at(&self, import: &Import) -> String {
        format!("{}:{}", self.files[import.file].path, import.line)
    }

    /// Wrong-way arrows from the files whose layer `check` selects, sorted by place.
    fn wrong_arrows(&self, check: impl Fn(Layer) -> bool) -> Vec<String> {
        let mut found = BTreeSet::new();
        for import in &self.imports {
            let from = &self.files[import.file].key;
            let Place::Layer(layer) = place(from) else {
                continue;
            };
            let to = self.top_key(&import.path);
            if check(layer) && !allowed(from, &to) {
                let what = format!(
                    "{} `{from}` imports `{}` ({})",
                    format!("{layer:?}").to_lowercase(),
                    import.written,
                    describe(&to)
                );
                found.insert((self.files[import.file].path.clone(), import.line, what));
            }
        }
        found
            .into_iter()
            .map(|(file, line, what)| format!("{file}:{line}: {what}"))
            .collect()
    }
}

/// The strongly connected components with more than one node (Tarjan).
fn cycles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    struct Tarjan<'a> {
        next: BTreeMap<&'a str, Vec<&'a str>>,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: HashSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.next.get(v).cloned().unwrap_or_default() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        next: BTreeMap::new(),
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: HashSet::new(),
        found: Vec::new(),
    };
    for (a, b) in edges {
        tarjan.next.entry(a.as_str()).or_default().push(b.as_str());
        tarjan.next.entry(b.as_str()).or_default();
    }
    let nodes: Vec<&str> = tarjan.next.keys().copied().collect();
    for v in nodes {
        if !tarjan.index.contains_key(v) {
            tarjan.visit(v);
        }
    }
    tarjan.found.sort();
    tarjan.found
}

/// Arrows between graph nodes, each with its first place and how many imports make it.
#[derive(Default)]
struct Graph {
    arrows: BTreeMap<(String, String), (String, String, usize)>,
}

impl Graph {
    fn add(&mut self, from: &str, to: &str, at: String, written: &str) {
        let arrow = self
            .arrows
            .entry((from.to_string(), to.to_string()))
            .or_insert((at, written.to_string(), 0));
        arrow.2 += 1;
    }

    /// One block per cycle: its members and, for each arrow inside it, an example import.
    fn report(&self) -> Vec<String> {
        let edges = self.arrows.keys().cloned().collect();
        let mut out = Vec::new();
        for component in cycles(&edges) {
            out.push(format!("cycle between {}:", component.join(", ")));
            for ((a, b), (at, written, count)) in &self.arrows {
                if component.contains(a) && component.contains(b) {
                    let more = if *count > 1 {
                        format!(" (and {} more)", count - 1)
                    } else {
                        String::new()
                    };
                    out.push(format!("    {a} → {b}: {at}: `{written}`{more}"));
                }
            }
        }
        out
    }
}

fn fail_if_any(rule: &str, hint: &str, violations: Vec<String>) {
    if violations.is_empty() {
        return;
    }
    let list: String = violations.iter().map(|v| format!("  {v}\n")).collect();
    panic!("\n{rule}\n{list}\n{hint}\n");
}

fn krate() -> &'static Crate {
    static CRATE: OnceLock<Crate> = OnceLock::new();
    CRATE.get_or_init(|| {
        Crate::load(std::path::Path::new(
            option_env!("CARGO_MANIFEST_DIR").unwrap_or("."),
        ))
    })
}

// ---------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------

#[test]
fn scan_finds_the_crate() {
    let krate = krate();
    let edges: HashSet<(usize, usize)> = krate
        .imports
        .iter()
        .filter_map(|i| Some((i.file, krate.resolve_file(&i.path)?)))
        .filter(|(a, b)| a != b)
        .collect();
    assert!(
        krate.files.len() >= 50,
        "found only {} files under src/: is the working directory the crate root?",
        krate.files.len()
    );
    assert!(
        edges.len() >= 100,
        "found only {} file-to-file imports: the parser is missing paths",
        edges.len()
    );
    assert!(
        krate.modules.contains_key(&Vec::new()),
        "src/lib.rs not found"
    );
}

#[test]
fn every_module_has_a_layer() {
    let mut unknown: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for file in &krate().files {
        if place(&file.key) == Place::Unknown {
            unknown.entry(&file.key).or_default().push(&file.path);
        }
    }
    let violations = unknown
        .iter()
        .map(|(key, files)| {
            format!(
                "{}: top-level module `{key}` has no layer ({} file(s))",
                files[0],
                files.len()
            )
        })
        .collect();
    fail_if_any(
        "Rule 0: every top-level module of src/ is classified",
        "Add each to LAYERS in tests/architecture.rs (base, core, game, presentation, dev or\n\
         tools) and to the table in docs/architecture.md. Until then its own imports are not checked.",
        violations,
    );
}

#[test]
fn arrows_point_one_way() {
    let violations = krate().wrong_arrows(|layer| layer != Layer::Core);
    fail_if_any(
        "Rule 1: no arrow up: game, base and tools import no presentation or dev module, \
         the game no tool, `state` nothing of the crate, the presentation no dev module",
        "The game runs headless without the presentation: move the item down (into the game,\n\
         or `state` if both need it), or have the panel send a message the game acts on.\n\
         `state` is below everything: it names nothing else in the crate (move what it needs\n\
         into it, or the system that needs it out of it). Dev tools are behind a feature:\n\
         nothing else may name them.",
        violations,
    );
}

#[test]
fn cores_import_only_cores() {
    let violations = krate().wrong_arrows(|layer| layer == Layer::Core);
    fail_if_any(
        "Rule 2: a core (dream, network) imports only cores below it (network may import dream)",
        "The cores are plain Rust with no ECS and no app state: pass what they need in as\n\
         arguments or plain data, and let the game wrap them.",
        violations,
    );
}

#[test]
fn egui_only_in_the_presentation() {
    let krate = krate();
    let mut found = BTreeSet::new();
    for (file, line, written) in &krate.egui {
        let file = &krate.files[*file];
        if let Place::Layer(layer @ (Layer::Base | Layer::Core | Layer::Game | Layer::Tools)) =
            place(&file.key)
        {
            let layer = format!("{layer:?}").to_lowercase();
            found.insert((
                file.path.clone(),
                *line,
                format!("{layer} `{}` uses `{written}`", file.key),
            ));
        }
    }
    let violations = found
        .into_iter()
        .map(|(f, l, what)| format!("{f}:{l}: {what}"))
        .collect();
    fail_if_any(
        "Rule 3: egui, bevy_egui and egui_plot are used only in the presentation (and dev, lib.rs, main.rs)",
        "Draw in a presentation module (screens, menus, hud, looks); keep the state it draws\n\
         in the game as plain data.",
        violations,
    );
}

#[test]
fn no_cycle_between_game_modules() {
    let krate = krate();
    let mut graph = Graph::default();
    for import in &krate.imports {
        let from = &krate.files[import.file].key;
        let to = krate.top_key(&import.path);
        if from != &to
            && place(from) == Place::Layer(Layer::Game)
            && place(&to) == Place::Layer(Layer::Game)
        {
            graph.add(from, &to, krate.at(import), &import.written);
        }
    }
    fail_if_any(
        "Rule 4: no import cycle between the game's top-level modules",
        "Break each cycle where the arrow is weakest: move the shared item into the module\n\
         below both (or `state`), or turn the call into a message/event the other side reads.",
        graph.report(),
    );
}

/// Rule 5, for one folder. A `mod.rs` is the folder's face: an import of `super::X` or
/// `crate::dream::X` counts as importing the file that defines `X` when the `mod.rs`
/// brings it in (`pub use child::X`, `pub use child::*` with `X` defined in the child, or
/// a private `use`, which children see too). An arrow from a file to its own folder's
/// `mod.rs` that does not resolve so (an item defined in `mod.rs` itself, a
/// `use super::*`) is left out: `mod.rs` declares and uses its children, so keeping it
/// would make every folder one cycle.
fn file_cycles(folder: &str) -> Vec<String> {
    let krate = krate();
    let prefix = format!("src/{folder}/");
    let mut graph = Graph::default();
    for import in &krate.imports {
        let from = &krate.files[import.file];
        let Some(target) = krate.resolve_file(&import.path) else {
            continue;
        };
        let to = &krate.files[target];
        if target == import.file || !from.path.starts_with(&prefix) || !to.path.starts_with(&prefix)
        {
            continue;
        }
        let into_own_face =
            matches!((&to.module, &from.module), (Some(t), Some(f)) if f.starts_with(t));
        if !into_own_face {
            graph.add(&from.path, &to.path, krate.at(import), &import.written);
        }
    }
    graph.report()
}

#[test]
fn no_cycle_between_files_of_the_cores() {
    let violations = ["dream", "network"]
        .iter()
        .flat_map(|folder| file_cycles(folder))
        .collect();
    fail_if_any(
        "Rule 5: within src/dream/ and src/network/, no import cycle between files",
        "Each file imports only files below it (the order is in the folder's mod.rs doc):\n\
         move the shared item down, or pass it in.",
        violations,
    );
}

#[test]
fn dream_phase_condition_only_where_sets_are_declared() {
    let krate = krate();
    let violations = krate
        .exploring
        .iter()
        .filter(|(file, _)| !SET_FILES.contains(&krate.files[*file].path.as_str()))
        .map(|(file, line)| {
            format!(
                "{}:{line}: `in_state(DreamPhase::Exploring)`",
                krate.files[*file].path
            )
        })
        .collect();
    fail_if_any(
        "Rule 6: `in_state(DreamPhase::Exploring)` is written only where the simulation's sets are declared (src/lib.rs or src/schedule.rs)",
        "Put the system in a set (`DiveSystems::InPlay`, …) instead of repeating its run conditions.",
        violations,
    );
}

/// Functions that round differently from one platform to the next (the platform's maths
/// library, or glam's SIMD and scalar paths): the simulation uses `crate::portable`.
const PLATFORM_MATHS: &[&str] = &[
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sin_cos",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "rotate_x",
    "rotate_y",
    "rotate_z",
    "rotate_axis",
    "rotate_local_x",
    "rotate_local_y",
    "rotate_local_z",
    "rotate_around",
    "tanh",
    "powf",
    "powi",
    "exp",
    "exp2",
    "exp_m1",
    "ln",
    "ln_1p",
    "log",
    "log2",
    "log10",
    "mul_add",
    "cbrt",
    "hypot",
    "from_rotation_x",
    "from_rotation_y",
    "from_rotation_z",
    "from_angle",
    "to_angle",
    "angle_to",
    "slerp",
    "from_euler",
    "to_euler",
    "from_axis_angle",
    "from_scaled_axis",
    "to_axis_angle",
    "to_scaled_axis",
    "rotate_towards",
    "smooth_nudge",
];

/// Files of the simulation's layers that may use them, and why.
const PLATFORM_MATHS_ALLOWED: &[(&str, &str)] = &[(
    "src/dream/preview.rs",
    "the `preview` command's PNG (sRGB), not the simulation",
)];

/// (line, name) of every call of [`PLATFORM_MATHS`] in `code` (stripped), before its
/// unit tests (`#[cfg(test)] mod`).
fn platform_maths_calls(code: &str) -> Vec<(usize, String)> {
    let toks = tokens(code);
    let text = |i: usize| toks.get(i).map_or("", |t| t.text.as_str());
    let mut found = Vec::new();
    for i in 0..toks.len() {
        if text(i) == "#" && text(i + 1) == "[" && text(i + 2) == "cfg" && text(i + 4) == "test" {
            let mut j = i + 5;
            while text(j) == ")" || text(j) == "]" || text(j) == "pub" {
                j += 1;
            }
            if text(j) == "mod" {
                break;
            }
        }
        // `portable::atan2(…)`, `libm::tanf(…)` are the portable ones.
        let portable = text(i) == "::" && i > 0 && matches!(text(i - 1), "portable" | "libm");
        // `f32::sin` passed as a function counts as much as a call.
        let named = text(i) == "::" && i > 0 && matches!(text(i - 1), "f32" | "f64");
        if matches!(text(i), "." | "::")
            && !portable
            && PLATFORM_MATHS.contains(&text(i + 1))
            && (text(i + 2) == "(" || named)
        {
            found.push((toks[i + 1].line, text(i + 1).to_string()));
        }
    }
    found
}

#[test]
fn the_simulation_uses_the_same_maths_everywhere() {
    let krate = krate();
    let mut violations = Vec::new();
    for file in &krate.files {
        let simulation = matches!(place(&file.key), Place::Layer(Layer::Core | Layer::Game));
        if !simulation || PLATFORM_MATHS_ALLOWED.iter().any(|(f, _)| *f == file.path) {
            continue;
        }
        for (line, name) in platform_maths_calls(&file.code) {
            violations.push(format!("{}:{line}: `{name}`", file.path));
        }
    }
    fail_if_any(
        "Rule 7: the simulation (the core and game layers) does not call the platform's maths: replays must play the same on every platform",
        "Use `crate::portable` (libm and plain arithmetic), or `libm` in the cores; presentation may use anything.",
        violations,
    );
}

// ---------------------------------------------------------------------------------------
// The checker's own tests: it must not pass by finding nothing
// ---------------------------------------------------------------------------------------

#[test]
fn platform_maths_are_found_in_code_but_not_in_tests_or_comments() {
    let src = r#"// x.sin()
fn f(x: f32, q: Quat) -> f32 {
    let s = "y.cos()";
    let a = f32::atan2(x, 1.0) + x.sin();
    q.slerp(q, 0.5);
    x.sine() + libm::sinf(x) + portable::atan2(x, 1.0) + crate::portable::tan(x)
        + [x].map(f32::cos)[0] + x.cos
}
#[cfg(test)]
mod tests {
    fn g(x: f32) -> f32 { x.tan() }
}
"#;
    let code = strip(src);
    assert_eq!(
        platform_maths_calls(&code),
        [
            (4, "atan2".to_string()),
            (4, "sin".to_string()),
            (5, "slerp".to_string()),
            (7, "cos".to_string())
        ]
    );
}

fn paths(krate: &Crate, file: &str) -> Vec<(usize, String)> {
    let index = krate.files.iter().position(|f| f.path == file).expect(file);
    krate
        .imports
        .iter()
        .filter(|i| i.file == index)
        .map(|i| (i.line, i.path.join("::")))
        .collect()
}

#[test]
fn parser_reads_grouped_nested_and_multiline_use() {
    let krate = Crate::from_sources([
        ("src/lib.rs", ""),
        (
            "src/x.rs",
            "use crate::{a::{b, c as see}, d::*};\npub(crate) use crate::e::{\n    self,\n    f::G,\n};\n#[cfg(feature = \"dev\")]\npub use crate::h::I;\nuse std::fmt;\n",
        ),
    ]);
    let found = paths(&krate, "src/x.rs");
    let expected = [
        (1, "a::b"),
        (1, "a::c"),
        (1, "d"),
        (3, "e"),
        (4, "e::f::G"),
        (7, "h::I"),
    ];
    assert_eq!(found, expected.map(|(l, p)| (l, p.to_string())));
}

#[test]
fn parser_resolves_super_self_and_child_modules() {
    let krate = Crate::from_sources([
        ("src/lib.rs", ""),
        (
            "src/a/mod.rs",
            "mod b;\nuse super::top::T;\nuse b::Local;\n",
        ),
        (
            "src/a/b.rs",
            "use super::x::Y;\nuse self::z::W;\nuse super::super::q::R;\n",
        ),
        ("src/a/b/c.rs", "use super::super::d::E;\n"),
    ]);
    assert_eq!(
        paths(&krate, "src/a/mod.rs"),
        [(2, "top::T".to_string()), (3, "a::b::Local".to_string())]
    );
    assert_eq!(
        paths(&krate, "src/a/b.rs"),
        [
            (1, "a::x::Y".to_string()),
            (2, "a::b::z::W".to_string()),
            (3, "q::R".to_string())
        ]
    );
    assert_eq!(paths(&krate, "src/a/b/c.rs"), [(1, "a::d::E".to_string())]);
}

#[test]
fn parser_resolves_super_inside_inline_modules() {
    let src = "fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::c::D;\n    fn g() { let _ = 1; }\n}\nuse super::after::A;\n";
    let krate = Crate::from_sources([("src/lib.rs", ""), ("src/a/b.rs", src)]);
    let found = paths(&krate, "src/a/b.rs");
    assert_eq!(
        found,
        [
            (4, "a::b".to_string()),
            (5, "a::c::D".to_string()),
            (8, "a::after::A".to_string())
        ]
    );
}

#[test]
fn parser_reads_inline_paths() {
    let src = "fn f() {\n    app.add_systems(Update, crate::dive::tick.run_if(crate::dive::dive_in_play));\n    next.set(crate::screens::AppState::Dream);\n    let v: Vec<u8> = Vec::new();\n    super::helper::<u8>();\n}\n";
    let krate = Crate::from_sources([
        ("src/lib.rs", ""),
        ("src/screens/mod.rs", ""),
        ("src/a/b.rs", src),
    ]);
    let found = paths(&krate, "src/a/b.rs");
    let expected = [
        (2, "dive::tick"),
        (2, "dive::dive_in_play"),
        (3, "screens::AppState::Dream"),
        (5, "a::helper"),
    ];
    assert_eq!(found, expected.map(|(l, p)| (l, p.to_string())));
    assert_eq!(krate.top_key(&krate.imports[2].path), "screens");
}

#[test]
fn parser_ignores_comments_strings_and_chars() {
    let src = r####"//! The dive (in `crate::dive`).
/// See crate::screens::Title.
/* crate::hud /* nested crate::menus */ crate::looks */
const A: &str = "crate::audio \" crate::theme";
const B: &str = r#"crate::theme "quoted" crate::hud"#;
const C: char = '"';
const D: char = '\'';
fn f<'a>(x: &'a str) -> &'a str { crate::levels::load(x) } // crate::menus
const E: &[u8] = br##"egui::Ui"##;
"####;
    let krate = Crate::from_sources([("src/lib.rs", ""), ("src/x.rs", src)]);
    assert_eq!(paths(&krate, "src/x.rs"), [(8, "levels::load".to_string())]);
    assert!(krate.egui.is_empty(), "{:?}", krate.egui);
    assert_eq!(strip(src).lines().count(), src.lines().count());
}

#[test]
fn parser_finds_egui_but_not_the_glue_module() {
    let src = "use bevy_egui::{EguiContexts, egui};\nuse crate::third_party::egui::plugin;\nfn f(ui: &mut egui::Ui) { egui_plot::Plot::new(\"x\"); }\n";
    let krate = Crate::from_sources([
        ("src/lib.rs", ""),
        ("src/third_party/mod.rs", "pub mod egui;"),
        ("src/third_party/egui.rs", ""),
        ("src/x.rs", src),
    ]);
    let lines: Vec<usize> = krate.egui.iter().map(|(_, l, _)| *l).collect();
    assert_eq!(lines, [1, 1, 3, 3]);
    let glue = krate
        .imports
        .iter()
        .find(|i| i.written.contains("third_party"))
        .expect("glue import");
    assert_eq!(krate.top_key(&glue.path), "third_party::egui");
}

#[test]
fn parser_follows_reexports_of_a_folder() {
    let krate = Crate::from_sources([
        ("src/lib.rs", "pub use crate::state::AppState as Screen;\n"),
        ("src/state.rs", "pub enum AppState {}\n"),
        (
            "src/dream/mod.rs",
            "mod fear;\nmod rng;\npub use rng::DreamRng;\npub use fear::*;\n",
        ),
        ("src/dream/rng.rs", "pub struct DreamRng;\n"),
        ("src/dream/fear.rs", "pub enum FearTag {}\n"),
        (
            "src/dream/heightfield.rs",
            "use super::DreamRng;\nuse crate::dream::FearTag;\nuse super::Unknown;\n",
        ),
        ("src/game.rs", "use crate::Screen;\n"),
    ]);
    let file = |path: &str| krate.files.iter().position(|f| f.path == path).unwrap();
    let resolved: Vec<usize> = krate
        .imports
        .iter()
        .filter(|i| i.file == file("src/dream/heightfield.rs"))
        .filter_map(|i| krate.resolve_file(&i.path))
        .collect();
    assert_eq!(
        resolved,
        [
            file("src/dream/rng.rs"),
            file("src/dream/fear.rs"),
            file("src/dream/mod.rs")
        ]
    );
    let screen = krate
        .imports
        .iter()
        .find(|i| i.file == file("src/game.rs"))
        .unwrap();
    assert_eq!(krate.top_key(&screen.path), "state");
}

#[test]
fn parser_finds_the_run_condition() {
    let src = "fn f() {\n    a.run_if(in_state(DreamPhase::Exploring));\n    b.run_if(in_state(\n        crate::state::DreamPhase::Exploring,\n    ));\n    // in_state(DreamPhase::Exploring)\n    c.run_if(in_state(DreamPhase::Paused));\n}\n";
    let krate = Crate::from_sources([("src/lib.rs", ""), ("src/x.rs", src)]);
    assert_eq!(
        krate.exploring.iter().map(|(_, l)| *l).collect::<Vec<_>>(),
        [2, 3]
    );
}

#[test]
fn cycles_are_found() {
    let edges = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("c", "d"),
        ("d", "e"),
        ("e", "d"),
        ("f", "a"),
    ];
    let edges = edges
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(cycles(&edges), [vec!["a", "b", "c"], vec!["d", "e"]]);
}

#[test]
fn layers_allow_what_the_table_says() {
    assert!(
        allowed("dive", "state")
            && allowed("dive", "dream")
            && allowed("dive", "levels")
            && allowed("dive", "")
    );
    assert!(!allowed("dive", "screens") && !allowed("dive", "dev") && !allowed("dive", "commands"));
    assert!(
        allowed("network", "dream")
            && !allowed("dream", "network")
            && !allowed("dream", "state")
            && !allowed("dream", "")
    );
    assert!(!allowed("state", "dream") && !allowed("state", "") && allowed("state", "schedule"));
    assert!(allowed("screens", "dive") && !allowed("screens", "dev"));
    assert!(allowed("commands", "levels") && !allowed("commands", "screens"));
    assert!(!allowed("dive", "commands") && !allowed("commands", "dev"));
    assert!(allowed("dev", "screens") && allowed("third_party::egui", "screens"));
    assert!(!allowed("third_party::rapier", "third_party::egui"));
}
