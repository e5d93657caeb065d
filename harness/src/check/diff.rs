//! The documented body against the actual one, as a person reads it.

use super::shape::Shape;
use serde::Serialize;
use serde_json::{Map, Value};
use similar::{ChangeTag, TextDiff};
use std::fmt::Write;

/// The documented and the actual body as pretty-printed texts with sorted keys, ready to diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct BodyDiff {
    /// The documented body.
    pub expected: String,
    /// The actual body; for truncated examples, cut down to the documented properties.
    pub actual: String,
    /// JSON pointers of the actual properties cut away (truncated examples only).
    pub extra_keys: Vec<String>,
    /// What else the cut left out (arrays longer than the example), one sentence each.
    pub notes: Vec<String>,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// How many extra keys to name before summarising the rest.
const EXTRA_KEYS_SHOWN: usize = 10;

impl BodyDiff {
    /// Builds the texts. For truncated examples the actual body is first cut down to the
    /// documented properties, so that the diff shows only what the example shows.
    pub(super) fn new(documented: &Value, actual: &Value, shape: &Shape, truncated: bool) -> Self {
        let mut extra_keys = Vec::new();
        let mut notes = Vec::new();
        let actual = if truncated {
            shape.cut(actual, &mut String::new(), &mut extra_keys, &mut notes)
        } else {
            actual.clone()
        };
        BodyDiff {
            expected: pretty(documented),
            actual: pretty(&actual),
            extra_keys,
            notes,
        }
    }

    /// An insta-style diff: `-documented` / `+actual` header, a line-number gutter, changed
    /// lines with three lines of context, then the extra keys on one line. `color` adds ANSI
    /// colours (red removed, green added, dim gutter).
    pub fn unified(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("{code}{text}{RESET}")
            } else {
                text.to_owned()
            }
        };
        let diff = TextDiff::from_lines(&self.expected, &self.actual);
        let width = 12;
        let mut out = String::new();
        out.push_str(&paint(RED, "-documented"));
        out.push('\n');
        out.push_str(&paint(GREEN, "+actual"));
        out.push('\n');
        let _ = writeln!(out, "{}┬{}", "─".repeat(width), "─".repeat(40));
        for (group_index, group) in diff.grouped_ops(3).iter().enumerate() {
            if group_index > 0 {
                let _ = writeln!(out, "{}┼{}", "┈".repeat(width), "┈".repeat(40));
            }
            for op in group {
                for change in diff.iter_changes(op) {
                    let old = change
                        .old_index()
                        .map_or(String::new(), |i| (i + 1).to_string());
                    let new = change
                        .new_index()
                        .map_or(String::new(), |i| (i + 1).to_string());
                    let gutter = paint(DIM, &format!("{old:>5} {new:>5} │"));
                    let text = change.value().trim_end_matches(['\r', '\n']);
                    let line = match change.tag() {
                        ChangeTag::Delete => paint(RED, &format!("-{text}")),
                        ChangeTag::Insert => paint(GREEN, &format!("+{text}")),
                        ChangeTag::Equal => format!(" {text}"),
                    };
                    let _ = writeln!(out, "{gutter}{line}");
                }
            }
        }
        let _ = writeln!(out, "{}┴{}", "─".repeat(width), "─".repeat(40));
        if !self.extra_keys.is_empty() {
            let mut shown: Vec<&str> = self
                .extra_keys
                .iter()
                .take(EXTRA_KEYS_SHOWN)
                .map(String::as_str)
                .collect();
            let more = self.extra_keys.len().saturating_sub(EXTRA_KEYS_SHOWN);
            let more_text = format!("and {more} more");
            if more > 0 {
                shown.push(&more_text);
            }
            let _ = writeln!(
                out,
                "not in the (truncated) example, left out of the diff: {}",
                shown.join(", ")
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        out
    }
}

/// Pretty JSON with keys sorted at every level, so that key order never shows as a difference.
fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(&sorted(value)).unwrap_or_else(|_| value.to_string())
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::with_capacity(map.len());
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
