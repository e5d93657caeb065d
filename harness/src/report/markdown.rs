//! The Markdown summary: counts, what the violations and warnings have in common (by kind and
//! by path), the known issues that are fixed or stale, a table of what broke, a section per
//! broken case with its violations and a ```diff block, then the known failures. Written to a file and, on GitHub Actions, appended to the
//! job summary (`GITHUB_STEP_SUMMARY`), which GitHub refuses beyond 1 MiB per step.

use super::{CaseReport, Report, ReportError};
use crate::redact::Secrets;
use crate::runner::{Outcome, Tally};
use crate::text::shorten;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// GitHub's limit on one step's summary.
pub const GITHUB_SUMMARY_LIMIT: usize = 1024 * 1024;

/// Room kept for the truncation note, so that the note itself never crosses the limit.
const NOTE_ROOM: usize = 512;

/// The summary, at most `limit` bytes; cases that do not fit are left out with a note saying
/// how many and where to find them.
pub fn render(run: &Report, secrets: &Secrets, limit: usize) -> String {
    let mut out = counts(run);
    out.push_str(&triage(run));
    out.push_str(&fixed_and_stale(run));
    let known = known_failures(run);
    let problems: Vec<_> = run.problems().collect();
    if problems.is_empty() {
        if out.len() + known.len() <= limit.saturating_sub(NOTE_ROOM) {
            out.push_str(&known);
        }
        return finish(out, secrets, limit);
    }
    let table = problem_table(&problems);
    // The table comes first and fits unless there are tens of thousands of failures; the
    // sections fill what room is left, in page order.
    let budget = limit.saturating_sub(NOTE_ROOM);
    let mut shown = 0;
    if out.len() + table.len() <= budget {
        out.push_str(&table);
        out.push('\n');
        for case in &problems {
            let section = section(case);
            if out.len() + section.len() > budget {
                break;
            }
            out.push_str(&section);
            shown += 1;
        }
    }
    let missing = problems.len() - shown;
    if missing > 0 {
        let _ = writeln!(
            out,
            "\n> **Note:** {missing} of {} failing cases are not shown here: the summary is kept \
             under GitHub's 1 MiB limit. The JSON, JUnit and HTML reports have them all.",
            problems.len()
        );
    } else if out.len() + known.len() <= budget {
        out.push_str(&known);
    }
    finish(out, secrets, limit)
}

/// How many rows of each triage table the summary shows.
const TRIAGE_ROWS: usize = 10;

/// Two small tables: violations and warnings by kind, and by the URL's first segment.
fn triage(run: &Report) -> String {
    let triage = run.triage();
    if triage.is_empty() {
        return String::new();
    }
    let mut out = String::from("### What they have in common\n\n");
    for (title, rows) in [("Kind", &triage.by_kind), ("Path", &triage.by_path)] {
        let _ = writeln!(
            out,
            "| {title} | Violations | Warnings |\n| --- | ---: | ---: |"
        );
        for row in rows.iter().take(TRIAGE_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                inline_code(&row.name),
                row.violations,
                row.warnings
            );
        }
        if rows.len() > TRIAGE_ROWS {
            let _ = writeln!(out, "| … {} more | | |", rows.len() - TRIAGE_ROWS);
        }
        out.push('\n');
    }
    out
}

/// Known issues whose cases pass (remove them) and entries that match no case.
fn fixed_and_stale(run: &Report) -> String {
    let mut out = String::new();
    let fixed: Vec<&CaseReport> = run.fixed_known_issues().collect();
    if !fixed.is_empty() {
        let _ = writeln!(
            out,
            "### 🎉 Fixed: remove these entries from the known issues\n\n| Case | Entry | Reason |\n| --- | --- | --- |"
        );
        for case in fixed {
            if let Some(known) = &case.known {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    inline_code(&case.id),
                    cell(&known.issue.location()),
                    cell(&known.issue.reason)
                );
            }
        }
        out.push('\n');
    }
    if !run.stale.is_empty() {
        out.push_str("### Stale known issues\n\n");
        for stale in &run.stale {
            let _ = writeln!(out, "- {}", cell(&stale.to_string()));
        }
        out.push('\n');
    }
    out
}

/// The known failures: what hides them, who owns them, where they are tracked.
fn known_failures(run: &Report) -> String {
    let mut out = String::new();
    let mut known = run.tallied(Tally::KnownFailure).peekable();
    if known.peek().is_none() {
        return out;
    }
    out.push_str("### 📌 Known failures\n\n| Case | Reason | Owner | Link | Entry |\n| --- | --- | --- | --- | --- |\n");
    for case in known {
        if let Some(found) = &case.known {
            let issue = &found.issue;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                inline_code(&case.id),
                cell(&issue.reason),
                cell(issue.owner.as_deref().unwrap_or("")),
                cell(issue.link.as_deref().unwrap_or("")),
                cell(&issue.location())
            );
        }
    }
    out.push('\n');
    out
}

/// The title, the target, the table of counts and the skips by kind.
fn counts(run: &Report) -> String {
    let s = &run.summary;
    let mut out = String::new();
    let icon = if s.success() { "✅" } else { "❌" };
    let _ = writeln!(out, "## {icon} Contract tests\n");
    let target = run.target_label();
    let _ = writeln!(
        out,
        "Ran against {} in {:.2}s{}.\n",
        inline_code(&target),
        run.wall.as_secs_f64(),
        run.shards_line()
            .map_or(String::new(), |s| format!(", {s}"))
    );
    let _ = writeln!(out, "| Outcome | Cases |\n| --- | ---: |");
    let _ = writeln!(
        out,
        "| ✅ passed | {} |",
        match s.passed_with_warnings {
            0 => s.passed.to_string(),
            n => format!("{} ({n} with warnings)", s.passed),
        }
    );
    let _ = writeln!(out, "| ❌ failed | {} |", s.failed);
    if s.known_failures > 0 || s.fixed > 0 {
        let _ = writeln!(out, "| 📌 known failures | {} |", s.known_failures);
        let _ = writeln!(out, "| 🎉 fixed | {} |", s.fixed);
    }
    let _ = writeln!(out, "| ⚠️ errors | {} |", s.errors);
    let _ = writeln!(out, "| ⏭️ skipped | {} |", s.skipped_total());
    out.push('\n');
    for (kind, count) in &s.skipped {
        let _ = writeln!(out, "- skipped {count}: {}", cell(&kind.to_string()));
    }
    if !s.skipped.is_empty() {
        out.push('\n');
    }
    out
}

/// One row per failed or errored case: id, page:line, what went wrong.
fn problem_table(problems: &[&CaseReport]) -> String {
    let mut table = String::from("| Case | Page | Problem |\n| --- | --- | --- |\n");
    for case in problems {
        let _ = writeln!(
            table,
            "| {} | {}:{} | {} |",
            inline_code(&case.id),
            cell(&case.file),
            case.focus_line(),
            cell(&first_line(&case.headline(), 200))
        );
    }
    table
}

/// One failed or errored case in full: where, what was sent, each violation, the diff, lint.
fn section(case: &CaseReport) -> String {
    let mut section = String::new();
    let icon = if matches!(case.outcome, Outcome::Error(_)) {
        "⚠️"
    } else {
        "❌"
    };
    let _ = writeln!(section, "### {icon} {}\n", inline_code(&case.id));
    let _ = writeln!(
        section,
        "{}, line {}",
        inline_code(&case.file),
        case.focus_line()
    );
    if let (Some(method), Some(url)) = (&case.method, &case.url) {
        let _ = writeln!(section, "— {}", inline_code(&format!("{method} {url}")));
    }
    section.push('\n');
    match &case.outcome {
        Outcome::Failed(verdict) => {
            for v in &verdict.violations {
                let _ = writeln!(section, "- {}", cell(&super::violation_line(v)));
            }
            if let Some(diff) = &verdict.diff {
                section.push('\n');
                section.push_str(&fenced("diff", &diff.unified(false)));
                if !diff.extra_keys.is_empty() {
                    let _ = writeln!(
                        section,
                        "\nKeys the service returned beyond the documented ones: {}",
                        diff.extra_keys
                            .iter()
                            .map(|k| inline_code(k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
        }
        Outcome::Error(error) => section.push_str(&fenced("text", &error.message)),
        Outcome::Passed | Outcome::Skipped { .. } => {}
    }
    if !case.steps.is_empty() {
        section.push_str("\nSteps:\n\n");
        for (index, step) in case.steps.iter().enumerate() {
            let _ = writeln!(section, "{}. {}", index + 1, cell(&step.line()));
        }
    }
    if let Some(known) = &case.known {
        let _ = writeln!(section, "- {}", cell(&known.describe()));
    }
    for warning in &case.warnings {
        let _ = writeln!(section, "- warning: {}", cell(&warning.message));
    }
    for finding in &case.findings {
        let _ = writeln!(section, "- lint: {}", cell(&finding.to_string()));
    }
    section.push('\n');
    section
}

fn finish(out: String, secrets: &Secrets, limit: usize) -> String {
    let mut out = secrets.redact(&out).into_owned();
    if out.len() > limit {
        // Only reachable with a tiny limit; cut at a character boundary rather than fail.
        let mut end = limit;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// Appends the summary to GitHub's job summary file, within what room the step has left.
pub fn append_step_summary(
    run: &Report,
    secrets: &Secrets,
    path: &Path,
) -> Result<(), ReportError> {
    let error = |source| ReportError::Write {
        format: "GitHub step summary",
        path: path.to_owned(),
        source,
    };
    let used = std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let room = GITHUB_SUMMARY_LIMIT.saturating_sub(used);
    if room < 2 * NOTE_ROOM {
        return Ok(());
    }
    let text = render(run, secrets, room - 1);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(error)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .map_err(error)
}

/// Text inside a table cell or list item: no line breaks, no column separators, no HTML.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Inline code that survives backticks in the text and `|` in tables.
fn inline_code(text: &str) -> String {
    let text = text.replace('\n', " ").replace('|', "\\|");
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

/// A fenced block whose fence is longer than any backtick run inside it.
fn fenced(lang: &str, text: &str) -> String {
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{lang}\n{text}{newline}{fence}\n")
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// The first line, at most `max_chars` long, with `…` when anything was left out.
fn first_line(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    match shorten(line, max_chars) {
        Cow::Borrowed(whole) if whole.len() != text.trim_end().len() => format!("{whole}…"),
        short => short.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_the_backticks_inside() {
        assert_eq!(fenced("diff", "a\n"), "```diff\na\n```\n");
        assert_eq!(fenced("diff", "````x"), "`````diff\n````x\n`````\n");
        assert_eq!(inline_code("a`b"), "``a`b``");
    }

    #[test]
    fn cells_keep_to_one_row() {
        assert_eq!(cell("a|b\nc <d>"), "a\\|b<br>c &lt;d&gt;");
    }
}
