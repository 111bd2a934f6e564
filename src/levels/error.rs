//! Errors in level files, located so a modder can jump straight to the problem.

use std::fmt;

/// Something wrong with a level file. Displays as `file:line:column: message`, with
/// the field path for checks on the parsed values (`file:line:column: field: message`;
/// `file: field: message` where the value could not be found in the text).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LevelError {
    /// The file is not valid RON or does not have the expected shape.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file parsed, but a value is out of range or missing.
    #[error("{}{field}: {message}", place(file, at))]
    Invalid {
        file: String,
        /// Line and column of the value, when known.
        at: Option<(usize, usize)>,
        field: String,
        message: String,
    },
    /// The file could not be read.
    #[error("{file}: cannot read: {message}")]
    Unreadable { file: String, message: String },
    /// Something about the file as a whole: its name, its size, or that it is missing.
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

impl LevelError {
    /// A syntax error from RON in `text`, located. An unknown field or variant (a
    /// misspelt fear tag) gets the nearest known name suggested.
    pub fn from_ron(file: &str, text: &str, err: &ron::error::SpannedError) -> Self {
        Self::from_ron_knowing(file, text, err, None)
    }

    /// [`LevelError::from_ron`], knowing the names an enum value there could take
    /// (`variants`, when RON expected one and the caller found out which).
    pub fn from_ron_knowing(
        file: &str,
        text: &str,
        err: &ron::error::SpannedError,
        variants: Option<&[&str]>,
    ) -> Self {
        // RON quotes what it found, which may be anything the file holds.
        let mut message = printable(&err.code.to_string());
        if matches!(err.code, ron::Error::IntegerOutOfBounds) {
            message.push_str(" (too large, or negative where only 0 and up are allowed)");
        }
        let unknown = match &err.code {
            ron::Error::NoSuchStructField {
                expected, found, ..
            }
            | ron::Error::NoSuchEnumVariant {
                expected, found, ..
            } => Some((*expected, found.as_str())),
            _ => None,
        };
        if let Some(nearest) = unknown.and_then(|(known, found)| nearest_name(found, known)) {
            message.push_str(&format!(" (did you mean `{nearest}`?)"));
        }
        let (mut line, mut column) = match err.code {
            // Inside a comment there is no value to move onto.
            ron::Error::UnclosedBlockComment => (err.span.start.line, err.span.start.col),
            // RON points just past the value; the garbage may start lines later.
            ron::Error::TrailingCharacters => {
                next_character(text, err.span.start.line, err.span.start.col)
            }
            _ => on_the_value(text, err.span.start.line, err.span.start.col),
        };
        // A value of the wrong kind is said in the words of docs/modding.md, with the
        // field it is in and what was written there.
        // The scan costs memory in proportion to the text: only level-file sizes are
        // scanned (a bigger replay keeps RON's words).
        let small = text.len() <= super::check::MAX_FILE_BYTES;
        let locator = super::locate::Locator::new(if small { text } else { "" });
        let (path, found) = locator.path_at((line, column));
        // RON stopped inside the value (`4.5` read as 4, then the point), not before it.
        let inside = locator
            .value_start((line, column))
            .is_some_and(|start| start < (line, column));
        if small && let Some(expected) = expected_in_words(&err.code, found, inside, variants) {
            // RON stops inside `4.5` at the point: point at the number.
            if let Some(place) = locator.value_start((line, column)) {
                (line, column) = place;
            }
            let found = found.map_or("nothing".to_owned(), describe);
            message = if path.is_empty() {
                format!("expected {expected}, found {found}")
            } else {
                format!("{path}: expected {expected}, found {found}")
            };
        }
        LevelError::Syntax {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    }

    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            LevelError::Syntax { file, .. }
            | LevelError::Invalid { file, .. }
            | LevelError::Unreadable { file, .. }
            | LevelError::File { file, .. } => file,
        }
    }

    /// A problem with a file as a whole.
    /// A problem with the file as a whole. Its text may quote the file (an id, a slot's
    /// name): it is made [`printable`] here, so every message can be shown as it is.
    pub fn file_problem(file: &str, message: impl fmt::Display) -> Self {
        LevelError::File {
            file: file.to_owned(),
            message: printable(&message.to_string()),
        }
    }

    /// A value out of range or unknown, at `field`; field and message are made
    /// [`printable`] (they may quote the file).
    pub fn invalid(file: &str, field: impl fmt::Display, message: impl fmt::Display) -> Self {
        LevelError::Invalid {
            file: file.to_owned(),
            at: None,
            field: printable(&field.to_string()),
            message: printable(&message.to_string()),
        }
    }

    /// Points a value error at where its field is written in `text` (the file's text).
    pub fn located_in(self, text: &str) -> Self {
        self.located_by(&super::locate::Locator::new(text))
    }

    /// [`LevelError::located_in`] with the file already scanned.
    pub fn located_by(self, locator: &super::locate::Locator) -> Self {
        match self {
            LevelError::Invalid {
                file,
                at: None,
                field,
                message,
            } => LevelError::Invalid {
                at: locator.find(&field),
                file,
                field,
                message,
            },
            other => other,
        }
    }
}

/// What a value of the wrong kind should have been, in the words of docs/modding.md;
/// `None` for errors that are not about a value's kind (RON's own message stays).
fn expected_in_words(
    code: &ron::Error,
    found: Option<&str>,
    inside: bool,
    variants: Option<&[&str]>,
) -> Option<String> {
    let decimal = inside
        && found.is_some_and(|f| {
            f.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
                && f.contains(['.', 'e', 'E'])
        });
    Some(match code {
        ron::Error::ExpectedFloat => "a number (like 2.5)".to_owned(),
        ron::Error::ExpectedInteger | ron::Error::InvalidIntegerDigit { .. } => {
            "a whole number".to_owned()
        }
        // A point inside a whole number: RON read the digits before it as the value.
        ron::Error::ExpectedComma if decimal => "a whole number".to_owned(),
        ron::Error::ExpectedString => "text in quotes".to_owned(),
        ron::Error::ExpectedBoolean => "true or false".to_owned(),
        ron::Error::ExpectedIdentifier
        | ron::Error::ExpectedNamedStructLike(_)
        | ron::Error::SuggestRawIdentifier(_)
        | ron::Error::InvalidIdentifier(_) => one_of(variants?),
        ron::Error::InvalidValueForType { expected, .. } => expected.clone(),
        _ => return None,
    })
}

/// `Goto("node"), Free or Relapse`: an enum's names, each as it is written.
fn one_of(variants: &[&str]) -> String {
    // The variants that carry a value, shown with one (the others are written bare).
    let written = |name: &str| match name {
        "Goto" => "Goto(\"node\")".to_owned(),
        "Flag" | "InDive" | "Freed" => format!("{name}(\"id\")"),
        "Beat" | "On" => format!("{name}(Overload)"),
        "Memory" | "Memories" | "BroughtHome" => format!("{name}(1)"),
        "AfterHours" => format!("{name}(2.0)"),
        "Not" => "Not(condition)".to_owned(),
        "Any" => "Any([conditions])".to_owned(),
        "Outcome" => "Outcome(SteeringOff)".to_owned(),
        _ => name.to_owned(),
    };
    let names: Vec<String> = variants.iter().map(|v| written(v)).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing (this enum has no values)".to_owned(),
    }
}

/// What was written, as a modder would name it: `the string "lamp"`, `4.5`, `a list`.
fn describe(found: &str) -> String {
    const LONGEST: usize = 40;
    let shown: String = found.chars().take(LONGEST).collect();
    let shown = if found.chars().count() > LONGEST {
        format!("{shown}…")
    } else {
        shown
    };
    let shown = printable(&shown);
    match found {
        "[" => "a list [ ... ]".to_owned(),
        "(" => "a group ( ... )".to_owned(),
        "true" | "false" => shown,
        f if f.starts_with('"') || f.starts_with("r\"") || f.starts_with("r#") => {
            format!("the string {shown}")
        }
        f if f.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') => {
            shown
        }
        _ => format!("`{shown}`"),
    }
}

/// RON points some errors at the blank before a value, or just past a minus sign:
/// move such a place onto the value itself.
fn on_the_value(text: &str, line: usize, column: usize) -> (usize, usize) {
    let Some(row) = text.lines().nth(line.saturating_sub(1)) else {
        return (line, column);
    };
    let chars: Vec<char> = row.chars().collect();
    let mut at = column.saturating_sub(1);
    if at > 0 && chars.get(at - 1) == Some(&'-') && chars.get(at).is_some_and(char::is_ascii_digit)
    {
        return (line, at);
    }
    while chars.get(at).is_some_and(|c| *c == ' ' || *c == '\t') {
        at += 1;
    }
    if at >= chars.len() {
        return (line, column);
    }
    (line, at + 1)
}

/// The first character that is not blank at or after a place, across lines.
fn next_character(text: &str, line: usize, column: usize) -> (usize, usize) {
    for (n, row) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let skip = if n + 1 == line {
            column.saturating_sub(1)
        } else {
            0
        };
        if let Some(at) = row.chars().skip(skip).position(|c| !c.is_whitespace()) {
            return (n + 1, skip + at + 1);
        }
    }
    (line, column)
}

/// `file:line:column: ` or `file: `.
fn place(file: &str, at: &Option<(usize, usize)>) -> String {
    match at {
        Some((line, column)) => format!("{file}:{line}:{column}: "),
        None => format!("{file}: "),
    }
}

/// Text from a file as a terminal can safely show it: control characters and those
/// that turn the direction of the text around are written as escapes (`\u{1b}`), so a
/// file cannot move the cursor, recolour the terminal or hide what follows.
pub fn printable(text: &str) -> String {
    let turns = |c: char| matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || turns(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The known name nearest to `found`, if one is near enough to be a slip: at most a
/// third of its letters different (Levenshtein distance, case ignored).
pub fn nearest_name<'a>(found: &str, known: &[&'a str]) -> Option<&'a str> {
    // A slip is short: long names are not compared (it would cost their product).
    const LONGEST: usize = 64;
    if found.len() > LONGEST {
        return None;
    }
    let lower = found.to_lowercase();
    known
        .iter()
        .filter(|&&name| name != found && name.len() <= LONGEST)
        .map(|&name| (edit_distance(&lower, &name.to_lowercase()), name))
        .filter(|&(d, name)| d * 3 <= name.chars().count().max(3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

/// Levenshtein distance between two strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_file_says_reaches_the_terminal_escaped() {
        let escape = "\u{1b}[2J\u{202e}";
        let invalid = LevelError::invalid(
            "x.fear.ron",
            format!("slots.{escape}"),
            format!("unknown {{{escape}}}"),
        );
        let whole = LevelError::file_problem("x.ron", format!("flag {escape:?} {escape}"));
        for shown in [invalid.to_string(), whole.to_string()] {
            assert!(
                !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
                "{shown:?}"
            );
            assert!(shown.contains("\\u{1b}"), "{shown:?}");
        }
    }

    #[test]
    fn printable_text_cannot_steer_a_terminal() {
        assert_eq!(printable("Léo, 0.1.0"), "Léo, 0.1.0");
        assert_eq!(
            printable("\u{1b}[2Jred\u{7}\u{202e}txt\n"),
            "\\u{1b}[2Jred\\u{7}\\u{202e}txt\\u{a}"
        );
    }

    #[test]
    fn slips_get_the_nearest_name() {
        let known = ["loop_seconds", "anchors", "fears", "terrain"];
        assert_eq!(nearest_name("loop_second", &known), Some("loop_seconds"));
        assert_eq!(nearest_name("ancors", &known), Some("anchors"));
        assert_eq!(nearest_name("Fears", &known), Some("fears"));
        assert_eq!(nearest_name("weather", &known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_misspelt_field_or_fear_is_suggested_in_the_message() {
        let text = "(tag: Drowing, weight: 1.0)";
        let err = ron::from_str::<crate::dream::FearWeight>(text).unwrap_err();
        let message = LevelError::from_ron("x.ron", text, &err).to_string();
        assert!(message.contains("did you mean `Drowning`?"), "{message}");
        let text = "(tag: Drowning, wieght: 1.0)";
        let err = ron::from_str::<crate::dream::FearWeight>(text).unwrap_err();
        let message = LevelError::from_ron("x.ron", text, &err).to_string();
        assert!(message.starts_with("x.ron:1:"), "{message}");
        assert!(message.contains("did you mean `weight`?"), "{message}");
    }
}
