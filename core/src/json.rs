//! Lenient JSON, as found in documentation: strict JSON first (fast, and tells us the text is
//! clean), then JSON5 (trailing commas, comments, single quotes) for what hand-written pages do.

use serde_json::Value;
use std::fmt;

/// How a JSON text was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Valid RFC 8259 JSON.
    Strict,
    /// Only the lenient (JSON5) reader accepted it: trailing commas, comments and the like.
    Lenient,
}

/// Why a text is not JSON even to the lenient reader, with a position relative to the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line within the parsed text.
    pub line: usize,
    /// 1-based column within the parsed text.
    pub column: usize,
    /// The reader's own explanation.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

/// Parses `text` as JSON, falling back to JSON5 when it is not strict.
///
/// On failure the error is the strict parser's when the lenient one has no position to give,
/// so that a person always gets a line and column.
pub fn parse_lenient(text: &str) -> Result<(Value, Strictness), JsonError> {
    let strict_error = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok((value, Strictness::Strict)),
        Err(error) => error,
    };
    match json5::from_str::<Value>(text) {
        Ok(value) => Ok((value, Strictness::Lenient)),
        Err(error) => Err(match error.position() {
            Some(position) => JsonError {
                line: position.line + 1,
                column: position.column + 1,
                message: strip_position(&error.to_string()).to_owned(),
            },
            None => JsonError {
                line: strict_error.line(),
                column: strict_error.column(),
                message: strip_position(&strict_error.to_string()).to_owned(),
            },
        }),
    }
}

/// Both readers append their own "at line X column Y"; we print the position ourselves,
/// translated to the page's line numbers, so the reader's copy would only confuse.
pub(crate) fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

/// Appends `key` to a JSON pointer (RFC 6901) as one reference token: `~` and `/` escaped.
pub fn pointer_push(pointer: &mut String, key: &str) {
    pointer.push('/');
    // Nearly every key needs no escaping; a check pushes one per documented property.
    if !key.contains(['~', '/']) {
        pointer.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_are_escaped_as_rfc_6901_says() {
        let mut pointer = String::new();
        for key in ["value", "a/b", "c~d", "~/", "é"] {
            pointer_push(&mut pointer, key);
        }
        assert_eq!(pointer, "/value/a~1b/c~0d/~0~1/é");
    }

    #[test]
    fn strict_json_is_strict() {
        let (value, strictness) = parse_lenient(r#"{"a": 1}"#).unwrap();
        assert_eq!(value["a"], 1);
        assert_eq!(strictness, Strictness::Strict);
    }

    #[test]
    fn trailing_commas_and_comments_are_lenient() {
        let (value, strictness) = parse_lenient("{\n  // note\n  \"a\": [1, 2,],\n}").unwrap();
        assert_eq!(value["a"][1], 2);
        assert_eq!(strictness, Strictness::Lenient);
    }

    #[test]
    fn garbage_reports_line_and_column() {
        let error = parse_lenient("{\n  \"a\": 1,\n  ...\n}").unwrap_err();
        assert_eq!(error.line, 3, "{error}");
        assert!(error.column >= 3, "{error}");
        assert!(!error.message.contains("at line"), "{error}");
    }
}
