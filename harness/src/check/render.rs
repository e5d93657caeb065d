//! A failed verdict as text, in the manner of Hurl's errors: a title, `--> page:line`, then the
//! details in a gutter; then the body diff in the manner of insta.

use super::{Verdict, ViolationKind};
use crate::case::Case;
use std::fmt::Write;

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const BLUE: &str = "\x1b[1;34m";
const RESET: &str = "\x1b[0m";

pub(super) fn render(verdict: &Verdict, case: &Case, color: bool) -> String {
    if verdict.passed() {
        return String::new();
    }
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    };
    let count = verdict.violations.len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint(BOLD_RED, "error"),
        paint(
            BOLD,
            &format!(
                ": the response does not match the documentation ({count} violation{})",
                if count == 1 { "" } else { "s" }
            )
        )
    );
    let line = case
        .response_line
        .or_else(|| case.response.as_ref().map(|r| r.body_line))
        .unwrap_or(case.line);
    let _ = writeln!(out, "  {} {}:{line}", paint(BLUE, "-->"), case.file);
    let bar = paint(BLUE, "|");
    let _ = writeln!(out, "   {bar} {}", case.id);
    let _ = writeln!(out, "   {bar}");

    let rows: Vec<(String, &str, &str)> = verdict
        .violations
        .iter()
        .map(|v| {
            let at = match (v.pointer.is_empty(), v.kind) {
                (false, _) => v.pointer.clone(),
                (true, ViolationKind::Status) => "(status)".to_owned(),
                (true, ViolationKind::ContentType | ViolationKind::MissingHeader) => {
                    "(headers)".to_owned()
                }
                (true, _) => "(body)".to_owned(),
            };
            (at, v.kind.as_str(), v.message.as_str())
        })
        .collect();
    let at_width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let kind_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    for (at, kind, message) in &rows {
        let _ = writeln!(
            out,
            "   {bar} {at:<at_width$}  {}{}  {message}",
            paint(BOLD, kind),
            " ".repeat(kind_width - kind.len())
        );
    }
    let _ = writeln!(out, "   {bar}");
    if let Some(diff) = &verdict.diff {
        out.push_str(&diff.unified(color));
    }
    out
}
