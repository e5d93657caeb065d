//! The run as a person reads it in a terminal (and in `cargo test`'s failure messages).
//!
//! A failed case in the manner of Hurl's errors: a title, `--> page:line`, then the details in
//! a gutter; then the body diff in the manner of insta. After every failure, one summary line
//! and the skips by kind.

use super::{CaseReport, Report};
use crate::check::{Verdict, ViolationKind};
use crate::known::KnownStatus;
use crate::redact::Secrets;
use crate::runner::{Outcome, Tally};
use std::fmt::Write;

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const BLUE: &str = "\x1b[1;34m";
const RESET: &str = "\x1b[0m";

/// The whole run: each failure and error, each retry and warning, the known issues, then the
/// summary; passed through `secrets`, as every other report is.
pub fn render(run: &Report, secrets: &Secrets, color: bool) -> String {
    secrets.redact(&render_text(run, color)).into_owned()
}

fn render_text(run: &Report, color: bool) -> String {
    let mut out = String::new();
    for case in &run.cases {
        let problem = problem(case, color);
        if !problem.is_empty() {
            let _ = writeln!(out, "{problem}");
        }
        // An expired entry's note is part of the failure (see `problem`).
        let expired = case
            .known
            .as_ref()
            .is_some_and(|k| k.status == KnownStatus::Expired);
        if let Some(note) = known_note(case).filter(|_| !expired) {
            let _ = writeln!(out, "{note}");
        }
        for retry in &case.retries {
            let _ = writeln!(out, "retries of {}: {retry}", case.id);
        }
        for warning in &case.warnings {
            let _ = writeln!(
                out,
                "warning: {} ({}:{}): {warning}",
                case.id, case.file, case.line
            );
        }
    }
    out.push_str(&epilogue(run));
    out
}

/// What closes every run, whichever front end ran it: a warning per stale known issue, then
/// the summary.
pub fn epilogue(run: &Report) -> String {
    let mut out = String::new();
    for stale in &run.stale {
        let _ = writeln!(out, "warning: {stale}");
    }
    out.push_str(&summary(run));
    out
}

/// One line for a case a known issue matched: `known failure: <id> (<page>:<line>): <reason>
/// (owner: …; link; known-issues.toml:3)`, `fixed: …`, or the expiry of the entry.
pub fn known_note(case: &CaseReport) -> Option<String> {
    let known = case.known.as_ref()?;
    Some(format!(
        "{}: {} ({}:{}): {}",
        known.label(),
        case.id,
        case.file,
        case.line,
        known.about()
    ))
}

/// `8 passed, 0 failed, 0 errors, 1 skipped in 0.01s (900 cases answered/s) against …`, then
/// one line per kind of skip.
pub fn summary(run: &Report) -> String {
    let s = &run.summary;
    let seconds = run.wall.as_secs_f64();
    let rate = if seconds > 0.0 {
        s.answered as f64 / seconds
    } else {
        0.0
    };
    let target = run.target_label();
    let with_warnings = match s.passed_with_warnings {
        0 => String::new(),
        n => format!(" ({n} with warnings)"),
    };
    // Known failures and fixed cases appear only when a known-issues file gave some.
    let mut known = String::new();
    if s.known_failures > 0 {
        let _ = write!(known, ", {} known failures", s.known_failures);
    }
    if s.fixed > 0 {
        let _ = write!(known, ", {} fixed", s.fixed);
    }
    let mut out = format!(
        "{} passed{with_warnings}{known}, {} failed, {} errors, {} skipped in {seconds:.2}s ({rate:.0} cases answered/s) against {target}\n",
        s.passed,
        s.failed,
        s.errors,
        s.skipped_total(),
    );
    for (kind, count) in &s.skipped {
        let _ = writeln!(out, "  skipped {count}: {kind}");
    }
    out
}

/// What a person must read about one case: the rendered failure, the exchange's error, or
/// nothing (passed and skipped cases, and known failures, which [`known_note`] describes).
pub fn problem(case: &CaseReport, color: bool) -> String {
    if case.tally() == Tally::KnownFailure {
        return String::new();
    }
    let mut text = match &case.outcome {
        Outcome::Failed(verdict) => failure(verdict, case, color),
        Outcome::Error(message) => format!(
            "error: {} ({}:{}): {message}\n",
            case.id, case.file, case.line
        ),
        Outcome::Passed | Outcome::Skipped { .. } => return String::new(),
    };
    // A scenario case: which exchange went wrong is half the story.
    if !case.steps.is_empty() {
        text.push_str(case.steps_text().trim_start_matches('\n'));
    }
    if let Some(note) = known_note(case) {
        let _ = writeln!(text, "{note}");
    }
    text
}

/// A failed verdict: a title, `--> page:line` of the documented response, the violations with
/// the page line that documents each property, then the diff. `color` adds ANSI colours (the
/// caller decides: a terminal and no `NO_COLOR`).
fn failure(verdict: &Verdict, case: &CaseReport, color: bool) -> String {
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
            (v.documented_line, at, v.kind.as_str(), v.message.as_str())
        })
        .collect();
    let line = case.focus_line();
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
