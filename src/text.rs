//! Places in the text files the game reads (level files, a settings file): the line and
//! column an error is said at, and where a file stops being UTF-8.

/// Line and column (1-based, in characters) just after `bytes`.
pub fn line_column(bytes: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(bytes);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// `bytes` as UTF-8 text, or the line and column of the first byte that is not.
pub fn utf8(bytes: &[u8]) -> Result<&str, (usize, usize)> {
    std::str::from_utf8(bytes).map_err(|e| line_column(&bytes[..e.valid_up_to()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_count_lines_from_one_and_columns_in_characters() {
        assert_eq!(line_column(b""), (1, 1));
        assert_eq!(line_column("ab\ncé".as_bytes()), (2, 3));
        assert_eq!(line_column(b"a\n\n"), (3, 1));
    }

    #[test]
    fn the_first_byte_that_is_not_utf8_is_placed() {
        assert_eq!(utf8("é\n".as_bytes()), Ok("é\n"));
        assert_eq!(utf8(b"(\n  id: \"a\xffb\")"), Err((2, 9)));
    }
}
