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

/// `key` of `object` as Newtonsoft matches it for ApiDoctor's files: spelt exactly, else in
/// any ASCII case.
pub fn get_any_case<'v>(
    object: &'v serde_json::Map<String, Value>,
    key: &str,
) -> Option<&'v Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
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

/// Where a JSON pointer leads in a documented JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 0-based line, within the text, of the deepest node the pointer reached: the property's
    /// name for an object member, the element's start for an array item.
    pub line: usize,
    /// True when the whole pointer was followed; false when it stopped early (the line is then
    /// that of the last node it reached) or the text could not be parsed (line 0).
    pub found: bool,
}

/// Follows `pointer` (RFC 6901) through `text` with a parser that keeps byte positions, and says
/// on which line it ends. Lenient like the pages: comments, trailing commas and single quotes
/// are read. An index past the documented items is looked for in each documented item in turn,
/// since checks compare every actual item with the documented ones.
pub fn locate(text: &str, pointer: &str) -> Location {
    Locator::new(text).locate(pointer)
}

/// One documented body, parsed once, for locating several pointers in it (each violation or
/// schema issue of one body).
pub struct Locator<'a> {
    text: &'a str,
    root: Option<jsonc_parser::ast::Value<'a>>,
}

impl<'a> Locator<'a> {
    /// Parses `text` leniently; a text that does not parse locates every pointer at line 0.
    pub fn new(text: &'a str) -> Self {
        use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};
        let parsed = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default());
        Locator {
            text,
            root: parsed.ok().and_then(|result| result.value),
        }
    }

    /// Where `pointer` leads, as [`locate`] says.
    pub fn locate(&self, pointer: &str) -> Location {
        let Some(root) = &self.root else {
            return Location {
                line: 0,
                found: false,
            };
        };
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let start = jsonc_parser::common::Ranged::range(root).start;
        let (offset, found) = follow(root, start, &segments);
        Location {
            line: self.text[..offset].matches('\n').count(),
            found,
        }
    }
}

/// The byte offset where `segments` end inside `value` (which starts at `at`), and whether all
/// of them were found.
fn follow(value: &jsonc_parser::ast::Value<'_>, at: usize, segments: &[String]) -> (usize, bool) {
    use jsonc_parser::ast::Value;
    use jsonc_parser::common::Ranged;
    let Some((segment, rest)) = segments.split_first() else {
        return (at, true);
    };
    match value {
        Value::Object(object) => {
            match object
                .properties
                .iter()
                .find(|p| p.name.as_str() == segment)
            {
                Some(property) => follow(&property.value, property.range.start, rest),
                None => (at, false),
            }
        }
        Value::Array(array) => {
            let Ok(index) = segment.parse::<usize>() else {
                return (at, false);
            };
            if let Some(element) = array.elements.get(index) {
                return follow(element, element.range().start, rest);
            }
            array
                .elements
                .iter()
                .map(|element| follow(element, element.range().start, rest))
                .find(|(_, found)| *found)
                .unwrap_or((at, false))
        }
        _ => (at, false),
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

    const BODY: &str = "{\n  \"a\": \"id\",\n  \"value\": [\n    {\"id\": 1},\n    {\n      \"x\": 'two', // lenient\n    }\n  ],\n  \"id\": 2,\n  \"a/b\": {\"c\": null}\n}\n";

    fn at(pointer: &str) -> (usize, bool) {
        let location = locate(BODY, pointer);
        (location.line, location.found)
    }

    #[test]
    fn pointers_lead_to_their_lines_even_past_lookalike_keys_and_values() {
        assert_eq!(at(""), (0, true));
        assert_eq!(at("/a"), (1, true));
        // A nested `id` and a string value "id" come first in the text; the member is line 8.
        assert_eq!(at("/id"), (8, true));
        assert_eq!(at("/value/0"), (3, true));
        assert_eq!(at("/value/1/x"), (5, true));
        assert_eq!(at("/a~1b/c"), (9, true));
    }

    #[test]
    fn an_index_past_the_documented_items_is_found_in_any_item() {
        assert_eq!(at("/value/7/id"), (3, true));
        assert_eq!(at("/value/7/x"), (5, true));
    }

    #[test]
    fn a_pointer_that_stops_early_keeps_the_deepest_line() {
        assert_eq!(at("/value/1/missing"), (4, false));
        assert_eq!(at("/missing/deep"), (0, false));
        assert_eq!(at("/a/deeper"), (1, false));
        assert_eq!(
            locate("{ not json", "/a"),
            Location {
                line: 0,
                found: false
            }
        );
    }
}
