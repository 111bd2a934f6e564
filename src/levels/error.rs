//! Errors in level files, located so a modder can jump straight to the problem.

use std::fmt;

/// Something wrong with a level file. Displays as `file:line:column: message` when the
/// place is known, `file: field: message` for checks on the parsed values.
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
    #[error("{file}: {field}: {message}")]
    Invalid {
        file: String,
        field: String,
        message: String,
    },
    /// The file could not be read.
    #[error("{file}: cannot read: {message}")]
    Unreadable { file: String, message: String },
}

impl LevelError {
    /// A syntax error from RON, located.
    pub fn from_ron(file: &str, err: &ron::error::SpannedError) -> Self {
        LevelError::Syntax {
            file: file.to_owned(),
            line: err.span.start.line,
            column: err.span.start.col,
            message: err.code.to_string(),
        }
    }

    pub fn invalid(file: &str, field: impl fmt::Display, message: impl fmt::Display) -> Self {
        LevelError::Invalid {
            file: file.to_owned(),
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}
