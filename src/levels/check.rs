//! Parsing and checking one level file: every problem found, each located, so a modder
//! fixes a file in one pass instead of one error per run.

use std::fmt;

use serde::de::DeserializeOwned;

use super::error::{LevelError, nearest_name};

/// The largest level file read, bytes. A dream is a few kilobytes; anything near this
/// is a mistake (or an attack), and is refused before it is parsed.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// The most problems reported per file; more are summed up in one line.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// How deep brackets may nest. The deepest real file nests 5 levels.
const MAX_NESTING: usize = 32;

/// The fields of `errors`, each a value error that says where it is (tests' check that
/// every problem is reported, and located).
#[cfg(test)]
pub(crate) fn located_fields(errors: &[LevelError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| match e {
            LevelError::Invalid { field, at, .. } => {
                assert!(at.is_some(), "{e}");
                field.clone()
            }
            other => panic!("expected value errors, got {other}"),
        })
        .collect()
}

/// A colour written `"#rrggbb"`, as sRGB bytes.
pub fn rgb(colour: &str) -> Option<[u8; 3]> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// A kind of level file: how it is named, parsed and checked.
pub trait LevelDoc: DeserializeOwned {
    /// What a modder calls it ("dreamer file").
    const KIND: &'static str;
    /// The largest file of the kind read, bytes: bigger ones are refused unparsed.
    const MAX_BYTES: usize = MAX_FILE_BYTES;
    /// Checks what the format alone cannot: ranges, emptiness, finiteness, references
    /// inside the file.
    fn check(&self, checks: &mut Checks);
}

/// Problems found in one file's values, with their field paths.
pub struct Checks<'a> {
    file: &'a str,
    errors: Vec<LevelError>,
    /// Problems beyond [`MAX_ERRORS_PER_FILE`], counted only.
    more: usize,
}

impl<'a> Checks<'a> {
    pub fn new(file: &'a str) -> Self {
        Self {
            file,
            errors: Vec::new(),
            more: 0,
        }
    }

    /// Notes a problem with `field`.
    pub fn fail(&mut self, field: impl fmt::Display, message: impl fmt::Display) {
        if !self.full() {
            self.errors
                .push(LevelError::invalid(self.file, field, message));
        } else {
            self.more += 1;
        }
    }

    /// An id: non-empty, at most 32 characters of a-z, 0-9, `_` and `-`.
    pub fn id(&mut self, field: impl fmt::Display, id: &str) {
        let fine = !id.is_empty()
            && id.len() <= 32
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !fine {
            self.fail(
                field,
                format!("expected an id of 1 to 32 characters a-z, 0-9, '_' or '-', found {id:?}"),
            );
        }
    }

    /// Text a player reads: not blank, at most `max` characters.
    pub fn text(&mut self, field: impl fmt::Display, text: &str, max: usize) {
        let length = text.chars().count();
        if text.trim().is_empty() {
            self.fail(field, "expected some text, found none");
        } else if length > max {
            self.fail(
                field,
                format!("expected at most {max} characters, found {length}"),
            );
        }
    }

    /// A finite number within `range`.
    pub fn number(
        &mut self,
        field: impl fmt::Display,
        value: f32,
        range: std::ops::RangeInclusive<f32>,
        unit: &str,
    ) {
        if !(value.is_finite() && range.contains(&value)) {
            self.fail(
                field,
                format!(
                    "expected {} to {}{unit}, found {value}",
                    range.start(),
                    range.end()
                ),
            );
        }
    }

    /// A colour written `"#rrggbb"`.
    pub fn colour(&mut self, field: impl fmt::Display, colour: &str) {
        if rgb(colour).is_none() {
            self.fail(
                field,
                format!("expected a colour like \"#8c59f2\", found {colour:?}"),
            );
        }
    }

    /// A reference to one of `known` (ids in the same file): suggests the nearest.
    pub fn reference(&mut self, field: impl fmt::Display, what: &str, id: &str, known: &[&str]) {
        if !known.contains(&id) && !self.full() {
            self.fail(field, unknown(what, id, known));
        }
    }

    /// Whether as many problems as are kept have been found.
    fn full(&self) -> bool {
        self.errors.len() >= MAX_ERRORS_PER_FILE
    }

    /// The problems found, the last one saying how many more were not kept.
    pub fn into_errors(mut self) -> Vec<LevelError> {
        if self.more > 0 {
            let more = format!("{} more problems not shown", self.more);
            self.errors.push(LevelError::file_problem(self.file, more));
        }
        self.errors
    }
}

/// How many known names an "unknown id" message lists.
const LISTED: usize = 12;

/// "no dreamer "lo" (did you mean `leo`?); known: leo, mara".
pub fn unknown(what: &str, id: &str, known: &[&str]) -> String {
    let hint = nearest_name(id, known)
        .map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default();
    let mut list = known
        .iter()
        .take(LISTED)
        .map(|k| shortened(k))
        .collect::<Vec<_>>()
        .join(", ");
    if known.is_empty() {
        list = "none".to_owned();
    } else if known.len() > LISTED {
        list.push_str(&format!(" and {} more", known.len() - LISTED));
    }
    format!("no {what} {:?}{hint}; known: {list}", shortened(id))
}

/// At most 40 characters of a name, for messages.
fn shortened(name: &str) -> String {
    if name.chars().count() <= 40 {
        return name.to_owned();
    }
    let head: String = name.chars().take(39).collect();
    format!("{head}…")
}

/// Decodes, parses and checks a level file. `file` names it in errors. Every problem
/// comes back located (in a text of at most [`MAX_FILE_BYTES`]: a longer replay's name
/// their fields only), at most [`MAX_ERRORS_PER_FILE`] of them.
pub fn parse<T: LevelDoc>(file: &str, bytes: &[u8]) -> Result<T, Vec<LevelError>> {
    if bytes.len() > T::MAX_BYTES {
        // Level files share one cap; a kind with its own (replays) says which it is.
        let kind = if T::MAX_BYTES == MAX_FILE_BYTES {
            "level file"
        } else {
            T::KIND
        };
        return Err(vec![too_big_for(
            file,
            bytes.len() as u64,
            kind,
            T::MAX_BYTES,
        )]);
    }
    let text = decode(file, bytes).map_err(|e| vec![e])?;
    // Editors on Windows may start a file with a byte-order mark: it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // `height: 30.0` means `Some(30.0)`: modders need not write the `Some`.
    let options = ron::Options::default()
        .with_recursion_limit(MAX_NESTING)
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let doc: T = options.from_str(text).map_err(|e| {
        let variants = enum_names_at::<T>(&options, text, &e);
        vec![LevelError::from_ron_knowing(file, text, &e, variants)]
    })?;
    let mut checks = Checks::new(file);
    doc.check(&mut checks);
    let errors = checks.into_errors();
    if errors.is_empty() {
        return Ok(doc);
    }
    Err(located(text, errors))
}

/// Where RON expected an enum's name (`next: "lamp"`), the names it could have been:
/// the value is written as a bare name instead and the file parsed again, and RON then
/// says which names it knows. `None` where that does not tell.
fn enum_names_at<T: LevelDoc>(
    options: &ron::Options,
    text: &str,
    err: &ron::error::SpannedError,
) -> Option<&'static [&'static str]> {
    // Parsing again is for level files; a replay of many megabytes keeps RON's words.
    if text.len() > MAX_FILE_BYTES {
        return None;
    }
    if !matches!(
        err.code,
        ron::Error::ExpectedIdentifier
            | ron::Error::ExpectedNamedStructLike(_)
            | ron::Error::SuggestRawIdentifier(_)
            | ron::Error::InvalidIdentifier(_)
    ) {
        return None;
    }
    // The byte where RON stopped, and the value that starts there.
    let line = err.span.start.line.saturating_sub(1);
    let row_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let row = text.get(row_start..)?;
    let column: usize = row
        .chars()
        .take(err.span.start.col.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    let value = text.get(row_start + column..)?.trim_start();
    let at = text.len() - value.len();
    let end = if let Some(quoted) = value.strip_prefix('"') {
        quoted.find('"')? + 2
    } else {
        value
            .find(|c: char| ",)]\n".contains(c))
            .unwrap_or(value.len())
    };
    let patched = format!("{}NotOneOfThem{}", &text[..at], &text[at + end..]);
    match options.from_str::<T>(&patched) {
        Err(ron::error::SpannedError {
            code: ron::Error::NoSuchEnumVariant { expected, .. },
            ..
        }) => Some(expected),
        _ => None,
    }
}

/// Bytes as UTF-8 text, or where they stop being it.
fn decode<'t>(file: &str, bytes: &'t [u8]) -> Result<&'t str, LevelError> {
    crate::text::utf8(bytes).map_err(|(line, column)| LevelError::Syntax {
        file: file.to_owned(),
        line,
        column,
        message: "not UTF-8 text (level files are UTF-8)".to_owned(),
    })
}

/// The error for a file over [`MAX_FILE_BYTES`].
pub fn too_big(file: &str, bytes: u64) -> LevelError {
    too_big_for(file, bytes, "level file", MAX_FILE_BYTES)
}

/// The error for a `kind` of file over `max` bytes.
pub fn too_big_for(file: &str, bytes: u64, kind: &str, max: usize) -> LevelError {
    LevelError::File {
        file: file.to_owned(),
        message: format!(
            "{:.1} MB is too big for a {kind} (at most {} KB)",
            bytes as f64 / 1e6,
            max / 1024
        ),
    }
}

/// Locates each error in `text`, scanning it once. A text longer than a level file may
/// be (a long replay) is not scanned: its errors name their fields only, as scanning
/// it would take many times its size in memory.
fn located(text: &str, errors: Vec<LevelError>) -> Vec<LevelError> {
    if text.len() > MAX_FILE_BYTES {
        return errors;
    }
    let locator = super::locate::Locator::new(text);
    errors.into_iter().map(|e| e.located_by(&locator)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode("x.ron", b"(\n  id: \"a\xffb\")").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.ron:2:9: not UTF-8 text (level files are UTF-8)"
        );
    }

    #[test]
    fn a_byte_order_mark_and_a_bare_optional_value_are_fine() {
        let text = "\u{feff}(name: \"Ada\", about: \"\", dives: [])";
        let m: crate::levels::ModManifest = parse("mod.ron", text.as_bytes()).expect("valid");
        assert_eq!(m.name, "Ada");
        let dream = "(id: \"a\", dreamer: \"a\", seed: 1, loop_seconds: 60.0,
            tuning: (height: 30.0, water: Some(0.2)), anchors: [(title: \"t\", memory: \"m\")])";
        let d: crate::levels::DreamLevel = parse("a.dream.ron", dream.as_bytes()).expect("valid");
        let tuning = d.tuning;
        assert_eq!((tuning.height, tuning.water), (Some(30.0), Some(0.2)));
    }

    #[test]
    fn unknown_ids_get_the_nearest_known_one() {
        let msg = unknown("dreamer", "lo", &["leo", "mara"]);
        assert_eq!(
            msg,
            "no dreamer \"lo\" (did you mean `leo`?); known: leo, mara"
        );
        assert_eq!(
            unknown("dialogue", "x", &[]),
            "no dialogue \"x\"; known: none"
        );
    }
}
