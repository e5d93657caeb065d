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
    let rows: Vec<(Option<usize>, String, &str, &str)> = verdict
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
            let documented_at = matches!(
                v.kind,
                ViolationKind::MissingProperty
                    | ViolationKind::WrongType
                    | ViolationKind::ODataType
            )
            .then(|| case.response.as_ref())
            .flatten()
            .filter(|_| !v.pointer.is_empty())
            .map(|r| (r.body_line, crate::json::locate(&r.body_text, &v.pointer)))
            .and_then(|(body_line, at)| at.found.then_some(body_line + at.line));
            (documented_at, at, v.kind.as_str(), v.message.as_str())
        })
        .collect();
    let line = case
        .response_line
        .or_else(|| case.response.as_ref().map(|r| r.body_line))
        .unwrap_or(case.line);
    // As in Hurl and rustc, page line numbers stand left of the bar: the line where the
    // property a violation is about is documented, so a writer knows where to edit.
    let gutter = rows
        .iter()
        .filter_map(|r| r.0)
        .map(|l| l.to_string().len())
        .max()
        .unwrap_or(0)
        .max(2);
    let pad = " ".repeat(gutter);
    let bar = paint(BLUE, "|");
    let _ = writeln!(out, "{pad}{} {}:{line}", paint(BLUE, "-->"), case.file);
    let _ = writeln!(out, "{pad} {bar} {}", case.id);
    let _ = writeln!(out, "{pad} {bar}");
    let at_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let kind_width = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    for (documented_at, at, kind, message) in &rows {
        let number = documented_at.map_or(String::new(), |l| l.to_string());
        let _ = writeln!(
            out,
            "{} {bar} {at:<at_width$}  {}{}  {message}",
            paint(BLUE, &format!("{number:>gutter$}")),
            paint(BOLD, kind),
            " ".repeat(kind_width - kind.len())
        );
    }
    let _ = writeln!(out, "{pad} {bar}");
    if let Some(diff) = &verdict.diff {
        out.push_str(&diff.unified(color));
    }
    out
}
