//! Finds where a field path (`fears[1].weight`, `terrain.extent`, `loop_seconds`) is
//! written in a RON file, so an error about a value can point at its line and column.
//!
//! A small scanner, not a parser: it understands strings, comments and nesting, which
//! is all it needs to walk named fields and list items of a file that already parsed.

/// A 1-based line and column (in characters).
pub type Place = (usize, usize);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Open(char),
    Close,
    Comma,
    Colon,
    Word(&'a str),
    /// Strings (with their quotes), numbers and anything else that is a value on its own.
    Other(&'a str),
}

/// The tokens of `text` with where each starts.
fn tokens(text: &str) -> Vec<(Token<'_>, Place)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let (mut line, mut column) = (1usize, 1usize);
    let mut i = 0;
    // Advances over `count` characters, keeping line and column.
    let step = |i: &mut usize, line: &mut usize, column: &mut usize, count: usize| {
        for _ in 0..count {
            if let Some(&(_, c)) = chars.get(*i) {
                if c == '\n' {
                    *line += 1;
                    *column = 1;
                } else {
                    *column += 1;
                }
            }
            *i += 1;
        }
    };
    // The text of characters `from..to`.
    let slice = |from: usize, to: usize| {
        let end = chars.get(to).map_or(text.len(), |&(at, _)| at);
        &text[chars[from].0..end]
    };
    while i < chars.len() {
        let c = chars[i].1;
        let place = (line, column);
        let start = i;
        let next = chars.get(i + 1).map(|&(_, c)| c);
        match c {
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i].1 != '\n' {
                    step(&mut i, &mut line, &mut column, 1);
                }
            }
            // Block comments nest in RON.
            '/' if next == Some('*') => {
                step(&mut i, &mut line, &mut column, 2);
                let mut depth = 1;
                while i < chars.len() && depth > 0 {
                    let pair = (chars[i].1, chars.get(i + 1).map(|c| c.1));
                    match pair {
                        ('/', Some('*')) => depth += 1,
                        ('*', Some('/')) => depth -= 1,
                        _ => {
                            step(&mut i, &mut line, &mut column, 1);
                            continue;
                        }
                    }
                    step(&mut i, &mut line, &mut column, 2);
                }
            }
            // `#![enable(...)]` headers are not part of the value.
            '#' if next == Some('!') => {
                while i < chars.len() && chars[i].1 != ']' {
                    step(&mut i, &mut line, &mut column, 1);
                }
                step(&mut i, &mut line, &mut column, 1);
            }
            // Raw strings: r"..." or r#"..."# with any number of #.
            'r' if matches!(next, Some('"' | '#')) && {
                let hashes = chars[i + 1..].iter().take_while(|c| c.1 == '#').count();
                chars.get(i + 1 + hashes).map(|c| c.1) == Some('"')
            } =>
            {
                let hashes = chars[i + 1..].iter().take_while(|c| c.1 == '#').count();
                step(&mut i, &mut line, &mut column, 2 + hashes);
                // A quote closes it when as many `#` follow. The check stops at the first
                // character that is not one, so each character is looked at a bounded
                // number of times: a file of quotes inside a many-`#` string is linear.
                let closes = |i: usize| {
                    chars[i].1 == '"'
                        && chars
                            .get(i + 1..i + 1 + hashes)
                            .is_some_and(|run| run.iter().all(|c| c.1 == '#'))
                };
                while i < chars.len() && !closes(i) {
                    step(&mut i, &mut line, &mut column, 1);
                }
                step(&mut i, &mut line, &mut column, 1 + hashes);
                out.push((Token::Other(slice(start, i)), place));
            }
            '"' => {
                step(&mut i, &mut line, &mut column, 1);
                while i < chars.len() && chars[i].1 != '"' {
                    let skip = if chars[i].1 == '\\' { 2 } else { 1 };
                    step(&mut i, &mut line, &mut column, skip);
                }
                step(&mut i, &mut line, &mut column, 1);
                out.push((Token::Other(slice(start, i)), place));
            }
            '(' | '[' | '{' => {
                out.push((Token::Open(c), place));
                step(&mut i, &mut line, &mut column, 1);
            }
            ')' | ']' | '}' => {
                out.push((Token::Close, place));
                step(&mut i, &mut line, &mut column, 1);
            }
            ',' => {
                out.push((Token::Comma, place));
                step(&mut i, &mut line, &mut column, 1);
            }
            ':' => {
                out.push((Token::Colon, place));
                step(&mut i, &mut line, &mut column, 1);
            }
            c if c.is_whitespace() => step(&mut i, &mut line, &mut column, 1),
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '+' || c == '.' => {
                while i < chars.len() && {
                    let c = chars[i].1;
                    c.is_alphanumeric() || c == '_' || c == '-' || c == '+' || c == '.'
                } {
                    step(&mut i, &mut line, &mut column, 1);
                }
                let end = chars.get(i).map_or(text.len(), |&(at, _)| at);
                let word = &text[chars[start].0..end];
                let first = word.chars().next().unwrap_or('0');
                let token = if first.is_alphabetic() || first == '_' {
                    Token::Word(word)
                } else {
                    Token::Other(word)
                };
                out.push((token, place));
            }
            _ => {
                step(&mut i, &mut line, &mut column, 1);
                out.push((Token::Other(slice(start, i)), place));
            }
        }
    }
    out
}

/// One step of a field path.
#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Field(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            out.push(Segment::Field(name));
        }
        while let Some(open) = rest.strip_prefix('[') {
            let close = open.find(']')?;
            out.push(Segment::Index(open[..close].parse().ok()?));
            rest = &open[close + 1..];
        }
    }
    Some(out)
}

/// Where the value at `path` is written in `text`, if the scanner can find it. A path
/// that runs out of file points at the last place found on the way.
#[cfg(test)]
pub fn locate(text: &str, path: &str) -> Option<Place> {
    Locator::new(text).find(path)
}

/// A file's text scanned once, to locate many field paths in it.
pub struct Locator<'a> {
    tokens: Vec<(Token<'a>, Place)>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            tokens: tokens(text),
        }
    }

    /// Where the value at `path` is written, as [`locate`].
    pub fn find(&self, path: &str) -> Option<Place> {
        find(&self.tokens, path)
    }

    /// Where the value that `place` falls in starts (a place inside `4.5` gives the
    /// `4`), if a value is there.
    pub fn value_start(&self, place: Place) -> Option<Place> {
        let i = self.token_at(place)?;
        matches!(self.tokens[i].0, Token::Other(_) | Token::Word(_)).then_some(self.tokens[i].1)
    }

    /// The token `place` falls in: the last one starting at or before it.
    fn token_at(&self, place: Place) -> Option<usize> {
        self.tokens
            .partition_point(|(_, p)| *p <= place)
            .checked_sub(1)
    }

    /// The other way round: the field path of the value written at `place` (a parse
    /// error's), and the value's text as written there, if any (`"lamp"` with its
    /// quotes, `4.5`, `Lamp`; `[` or `(` for a list or a group). A value inside `Some(...)` or a variant's brackets has the
    /// path of the field that holds it.
    pub fn path_at(&self, place: Place) -> (String, Option<&'a str>) {
        let at = self.token_at(place);
        let value = at.and_then(|i| match self.tokens[i].0 {
            Token::Other(text) | Token::Word(text) => Some((i, text)),
            Token::Open('[') => Some((i, "[")),
            Token::Open(_) => Some((i, "(")),
            _ => None,
        });
        // The frames open before the value (or up to and with the place's token).
        let before = value.map_or(at.map_or(0, |i| i + 1), |(i, _)| i);
        struct Frame<'a> {
            list: bool,
            index: usize,
            field: Option<&'a str>,
        }
        let mut frames: Vec<Frame> = Vec::new();
        for (i, (token, _)) in self.tokens[..before].iter().enumerate() {
            match token {
                Token::Open(c) => frames.push(Frame {
                    list: *c == '[',
                    index: 0,
                    field: None,
                }),
                Token::Close => {
                    frames.pop();
                }
                Token::Comma => {
                    if let Some(top) = frames.last_mut() {
                        top.index += 1;
                        top.field = None;
                    }
                }
                Token::Word(word) if matches!(self.tokens.get(i + 1), Some((Token::Colon, _))) => {
                    if let Some(top) = frames.last_mut() {
                        top.field = Some(word);
                    }
                }
                _ => {}
            }
        }
        let mut path = String::new();
        for frame in &frames {
            if frame.list {
                path.push_str(&format!("[{}]", frame.index));
            } else if let Some(field) = frame.field {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(field);
            }
        }
        (path, value.map(|(_, text)| text))
    }
}

fn find(tokens: &[(Token, Place)], path: &str) -> Option<Place> {
    let segments = segments(path)?;
    // Start inside the outermost value (the file's struct).
    let mut at = tokens
        .iter()
        .position(|(t, _)| matches!(t, Token::Open(_)))?;
    let mut found = tokens[at].1;
    for segment in &segments {
        // `at` is an opening bracket: look among its direct children.
        let Some((children, _)) = children_of(tokens, at) else {
            return Some(found);
        };
        let target = match segment {
            Segment::Field(name) => children.iter().find_map(|&start| {
                match (tokens.get(start), tokens.get(start + 1)) {
                    (Some((Token::Word(w), _)), Some((Token::Colon, _))) if w == name => {
                        Some(start + 2)
                    }
                    _ => None,
                }
            }),
            Segment::Index(i) => children.get(*i).copied(),
        };
        let Some(target) = target.filter(|&t| t < tokens.len()) else {
            return Some(found);
        };
        found = tokens[target].1;
        at = target;
        // A value like `Some(...)` or a named struct `Name(...)`: step into its bracket.
        if let (Token::Word(_), Some((Token::Open(_), _))) = (tokens[at].0, tokens.get(at + 1)) {
            at += 1;
        }
    }
    Some(found)
}

/// The first token of each direct child of the bracket at `open`, and the index of its
/// closing bracket.
fn children_of(tokens: &[(Token, Place)], open: usize) -> Option<(Vec<usize>, usize)> {
    if !matches!(tokens.get(open)?.0, Token::Open(_)) {
        return None;
    }
    let mut children = Vec::new();
    let mut depth = 0usize;
    let mut expect_child = true;
    for (i, (token, _)) in tokens.iter().enumerate().skip(open + 1) {
        match token {
            Token::Open(_) => {
                if depth == 0 && expect_child {
                    children.push(i);
                    expect_child = false;
                }
                depth += 1;
            }
            Token::Close if depth == 0 => return Some((children, i)),
            Token::Close => depth -= 1,
            Token::Comma if depth == 0 => expect_child = true,
            _ => {
                if depth == 0 && expect_child {
                    children.push(i);
                    expect_child = false;
                }
            }
        }
    }
    Some((children, tokens.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"// A dreamer.
(
    id: "ada", /* inline */
    loop_seconds: 60.0,
    fears: [
        (tag: Falling, weight: 1.0),
        (tag: Drowning, weight: -2.0),
    ],
    anchors: ["a, with a comma", "b"],
    terrain: (samples: 513, extent: 384.0),
)"#;

    #[test]
    fn finds_fields_list_items_and_nested_fields() {
        assert_eq!(locate(FILE, "id"), Some((3, 9)));
        assert_eq!(locate(FILE, "loop_seconds"), Some((4, 19)));
        assert_eq!(locate(FILE, "fears[1].weight"), Some((7, 33)));
        assert_eq!(locate(FILE, "fears[1]"), Some((7, 9)));
        assert_eq!(locate(FILE, "anchors[1]"), Some((9, 34)));
        assert_eq!(locate(FILE, "terrain.extent"), Some((10, 37)));
        assert_eq!(locate(FILE, "terrain"), Some((10, 14)));
    }

    #[test]
    fn the_path_of_a_place_is_the_field_that_holds_it() {
        let locator = Locator::new(FILE);
        assert_eq!(locator.path_at((3, 9)), ("id".to_owned(), Some("\"ada\"")));
        assert_eq!(
            locator.path_at((7, 33)),
            ("fears[1].weight".to_owned(), Some("-2.0"))
        );
        // Inside a number: the number it is in.
        assert_eq!(
            locator.path_at((7, 35)),
            ("fears[1].weight".to_owned(), Some("-2.0"))
        );
        assert_eq!(
            locator.path_at((9, 34)),
            ("anchors[1]".to_owned(), Some("\"b\""))
        );
        assert_eq!(locator.path_at((10, 14)), ("terrain".to_owned(), Some("(")));
        assert_eq!(
            locator.path_at((10, 37)),
            ("terrain.extent".to_owned(), Some("384.0"))
        );
        let variant = "(\n  nodes: [(choices: [(say: \"x\", next: Goto(\"lamp\"))])],\n  when: Some(Flag(3)),\n)";
        let locator = Locator::new(variant);
        assert_eq!(
            locator.path_at((2, 47)),
            ("nodes[0].choices[0].next".to_owned(), Some("\"lamp\""))
        );
        assert_eq!(locator.path_at((3, 19)), ("when".to_owned(), Some("3")));
    }

    #[test]
    fn a_missing_field_points_at_the_nearest_place_found() {
        // No `fears[5]`: the `fears` list itself is the nearest place.
        assert_eq!(locate(FILE, "fears[5].weight"), Some((5, 12)));
        assert_eq!(locate(FILE, "nothing"), Some((2, 1)));
        assert_eq!(locate("", "id"), None);
    }

    #[test]
    fn raw_strings_nested_comments_and_headers_are_skipped() {
        let text = "#![enable(implicit_some)]\n(\n  name: r#\"Le\"o (x\"#,\n  /* a /* b */ colour: 1, */\n  colour: \"c\",\n)";
        assert_eq!(locate(text, "colour"), Some((5, 11)));
        assert_eq!(locate(text, "name"), Some((3, 9)));
    }

    #[test]
    fn a_raw_string_ends_only_at_its_own_hashes() {
        // Quotes followed by fewer `#` than opened it are part of the string.
        let text = "(\n  name: r###\"a\"b\"#c\"##d\"\"\"###,\n  colour: 1,\n)";
        assert_eq!(locate(text, "colour"), Some((3, 11)));
        // Many quotes inside a string opened with many `#`: still found, and past it.
        let body = "\"".repeat(20_000);
        let hashes = "#".repeat(500);
        let text = format!("(\n  name: r{hashes}\"{body}\"{hashes},\n  colour: 1,\n)");
        assert_eq!(locate(&text, "colour"), Some((3, 11)));
        // One never closed swallows the rest (the nearest place is then the file's
        // start), and the scan still ends.
        assert_eq!(
            locate("(\n  name: r#\"x\",\n  colour: 1,\n)", "colour"),
            Some((1, 1))
        );
    }
}
