//! The HTML report: one self-contained page (inline CSS and JS, no network) with the counts,
//! what the violations and warnings have in common (tables with CSS bars), fixed and stale
//! known issues, a table of cases filterable by outcome (and to those with warnings) and
//! searchable by id, and each failure expandable to its violations and a side-by-side diff.
//!
//! The page is built with maud, which escapes every value it inserts: nothing here escapes by
//! hand. The values come from the [`Report`], redacted before they are rendered, so a secret is
//! hidden whatever characters it holds; the page is still passed through the secrets once more.

use super::{CaseReport, Report, Triage};
use crate::check::BodyDiff;
use crate::redact::Secrets;
use crate::runner::{Outcome, Phase, Tally};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

const STYLE: &str = include_str!("html.css");
const SCRIPT: &str = include_str!("html.js");

/// Characters a path segment of a link may not carry as they are (`/` stays a separator).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'');

/// How many rows of each triage table the page shows.
const TRIAGE_ROWS: usize = 12;

/// The page. `link_base` is prefixed to each page's path (relative to the cases folder) to link
/// to it, e.g. `../cases/` or `https://github.com/org/repo/blob/main/cases/`.
pub fn render(run: &Report, secrets: &Secrets, link_base: &str) -> String {
    let s = &run.summary;
    let verdict = if s.success() { "passed" } else { "failed" };
    let title = format!(
        "Contract tests: {} passed, {} failed, {} known failures, {} fixed, {} errors, {} skipped",
        s.passed,
        s.failed,
        s.known_failures,
        s.fixed,
        s.errors,
        s.skipped_total()
    );
    // What needs a person comes first: failures, errors, fixed known issues, known failures,
    // skips, passes (page order within).
    let rank = |case: &&CaseReport| match case.tally() {
        Tally::Failed => 0,
        Tally::Error => 1,
        Tally::Fixed => 2,
        Tally::KnownFailure => 3,
        Tally::Skipped => 4,
        Tally::Passed => 5,
    };
    let mut ordered: Vec<&CaseReport> = run.cases.iter().collect();
    ordered.sort_by_key(rank);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Contract tests " span class={ "verdict " (verdict) } { (verdict) } }
                    p.meta {
                        (run.cases.len()) " cases against " (run.target_label())
                        " in " (format!("{:.2}", run.wall.as_secs_f64())) "s"
                        @if let Some(shards) = run.shards_line() { ", " (shards) }
                    }
                    div.controls {
                        (filters(run))
                        input #search type="search" placeholder="Search case ids…" aria-label="Search case ids";
                        button #expand-all type="button" { "Expand failures" }
                    }
                }
                main {
                    (notices(run))
                    (triage(&run.triage()))
                    table.cases #cases {
                        colgroup {
                            col.c-outcome; col.c-id; col.c-page; col.c-req; col.c-time;
                        }
                        thead { tr { th { "Outcome" } th { "Case" } th { "Page" } th { "Request" } th { "Time" } } }
                        @for case in ordered { (row(case, link_base)) }
                    }
                    p #none hidden { "No case matches the filters." }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    secrets.redact(&page.into_string()).into_owned()
}

/// One checkbox per outcome (the known-issue ones only when there are some), and one to show
/// only the cases with warnings.
fn filters(run: &Report) -> Markup {
    let s = &run.summary;
    let outcomes = [
        (Tally::Failed, s.failed),
        (Tally::Error, s.errors),
        (Tally::Fixed, s.fixed),
        (Tally::KnownFailure, s.known_failures),
        (Tally::Passed, s.passed),
        (Tally::Skipped, s.skipped_total()),
    ];
    let with_warnings = run.cases.iter().filter(|c| !c.warnings.is_empty()).count();
    html! {
        @for (tally, count) in outcomes {
            @if count > 0 || !matches!(tally, Tally::Fixed | Tally::KnownFailure) {
                label class={ "filter outcome " (tally.as_str()) } {
                    input type="checkbox" value=(tally.as_str()) checked;
                    b { (count) } " " (tally.as_str().replace('-', " "))
                }
            }
        }
        @if with_warnings > 0 {
            label.filter.warnings {
                input type="checkbox" value="warnings";
                b { (with_warnings) } " only with warnings"
            }
        }
    }
}

/// Fixed known issues (remove their entries) and stale ones, above everything else.
fn notices(run: &Report) -> Markup {
    let fixed: Vec<&CaseReport> = run.fixed_known_issues().collect();
    html! {
        @if !fixed.is_empty() {
            div.notice.fixed {
                b { "Fixed:" } " these cases pass; remove their entries from the known issues."
                ul {
                    @for case in fixed {
                        @if let Some(known) = &case.known {
                            li { code { (case.id) } ": " (known.issue.reason) " (" (known.issue.location()) ")" }
                        }
                    }
                }
            }
        }
        @if !run.stale.is_empty() {
            div.notice.stale {
                b { "Stale known issues:" }
                ul { @for stale in &run.stale { li { (stale.to_string()) } } }
            }
        }
    }
}

/// Violations and warnings by kind and by path: a table each, with a bar per row (CSS only).
fn triage(triage: &Triage) -> Markup {
    if triage.is_empty() {
        return html! {};
    }
    html! {
        section.triage {
            @for (caption, rows) in [("By kind", &triage.by_kind), ("By path", &triage.by_path)] {
                @let most = rows.iter().map(|r| r.violations + r.warnings).max().unwrap_or(1).max(1);
                @let width = |n: usize| format!("width:{:.1}%", n as f64 * 100.0 / most as f64);
                table.triage {
                    caption { (caption) }
                    thead { tr { th {} th { "violations" } th { "warnings" } th {} } }
                    tbody {
                        @for row in rows.iter().take(TRIAGE_ROWS) {
                            tr {
                                th { code { (row.name) } }
                                td.num { (row.violations) }
                                td.num { (row.warnings) }
                                td.bar {
                                    span.v style=(width(row.violations)) {}
                                    span.w style=(width(row.warnings)) {}
                                }
                            }
                        }
                        @if rows.len() > TRIAGE_ROWS {
                            tr { th colspan="4" { "… " (rows.len() - TRIAGE_ROWS) " more" } }
                        }
                    }
                }
            }
        }
    }
}

fn row(case: &CaseReport, link_base: &str) -> Markup {
    let outcome = case.tally().as_str();
    let has_detail = !matches!(case.outcome, Outcome::Passed)
        || case.known.is_some()
        || !case.findings.is_empty()
        || !case.retries.is_empty()
        || !case.steps.is_empty()
        || !case.warnings.is_empty();
    let line = case.focus_line();
    let href = format!(
        "{}{}#L{line}",
        link_base,
        utf8_percent_encode(&case.file, PATH)
    );
    html! {
        tbody class={ "case " (outcome) } data-outcome=(outcome)
            data-warnings=(u8::from(!case.warnings.is_empty())) data-id=(case.id) {
            tr.row {
                td { span.badge { (outcome.replace('-', " ")) } }
                td {
                    @if has_detail {
                        button.toggle type="button" aria-expanded="false" aria-label="details" { "▸" }
                    } @else {
                        // Keeps the ids of cases without details in line with the others.
                        span.toggle aria-hidden="true" {}
                    }
                    code { (case.id) }
                }
                td { a href=(href) { (case.file) ":" (line) } }
                td {
                    @if let (Some(method), Some(url)) = (&case.method, &case.url) {
                        code { (method) " " (url) }
                    }
                }
                td.time { (format!("{:.0}", case.duration.as_secs_f64() * 1000.0)) " ms" }
            }
            @if has_detail {
                tr.detail hidden { td colspan="5" { (detail(case)) } }
            }
        }
    }
}

fn detail(case: &CaseReport) -> Markup {
    html! {
        @if let Some(known) = &case.known {
            @let issue = &known.issue;
            p.known {
                b { (known.label()) } ": " (issue.reason)
                @if let Some(owner) = &issue.owner { "; owner: " (owner) }
                @if let Some(link) = &issue.link {
                    "; "
                    // Only web links are made clickable: a `javascript:` link stays text.
                    @if link.starts_with("https://") || link.starts_with("http://") {
                        a href=(link) { (link) }
                    } @else {
                        (link)
                    }
                }
                " (" (issue.location()) ")"
            }
        }
        @match &case.outcome {
            Outcome::Passed => {}
            Outcome::Failed(verdict) => {
                p.headline { (case.headline()) }
                @if !verdict.violations.is_empty() {
                    ul.violations {
                        @for v in &verdict.violations {
                            li {
                                code { @if v.pointer.is_empty() { "(response)" } @else { (v.pointer) } }
                                " " span.kind { (v.kind.as_str()) } " " (v.message) " "
                                span.ev { "expected " code { (v.expected) } ", actual " code { (v.actual) } }
                            }
                        }
                    }
                }
                @if let Some(diff) = &verdict.diff { (side_by_side(diff)) }
            }
            Outcome::Error(error) => {
                p.headline { "No answer to check" }
                pre.message { (error.message) }
            }
            Outcome::Skipped { reason, .. } => {
                p.headline { "Not sent: " (reason) }
            }
        }
        @if !case.findings.is_empty() {
            div.findings { "Lint:" ul { @for finding in &case.findings { li { (finding.to_string()) } } } }
        }
        @if !case.warnings.is_empty() {
            div.warnings {
                "Warnings:"
                ul { @for warning in &case.warnings { li { span.kind { (warning.kind) } " " (warning.message) } } }
            }
        }
        @if !case.steps.is_empty() {
            table.steps {
                thead { tr { th { "#" } th { "step" } th { "request" } th { "status" } th { "time" } th { "captured" } } }
                tbody {
                    @for (index, step) in case.steps.iter().enumerate() {
                        tr class=(phase_class(step.phase)) {
                            td { (index + 1) }
                            td {
                                (step.label)
                                @if let Some(problem) = &step.problem { br; span.problem { (problem) } }
                            }
                            td { code { (step.method) " " (step.url) } }
                            td { @match step.status { Some(status) => (status), None => "no answer" } }
                            td.time { (format!("{:.0}", step.duration_ms)) " ms" }
                            td {
                                (step.captured.iter().map(|n| format!("[{n}]")).collect::<Vec<_>>().join(" "))
                            }
                        }
                    }
                }
            }
        }
        @if !case.retries.is_empty() {
            div.retries { "Retries:" ul { @for retry in &case.retries { li { (retry) } } } }
        }
    }
}

fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Setup => "setup",
        Phase::Request => "request",
        Phase::Teardown => "teardown",
    }
}

/// Documented (left) against actual (right), changed lines paired up.
fn side_by_side(diff: &BodyDiff) -> Markup {
    let text_diff = similar::TextDiff::from_lines(&diff.expected, &diff.actual);
    let old: Vec<&str> = diff.expected.lines().collect();
    let new: Vec<&str> = diff.actual.lines().collect();
    let cell = |index: usize, end: usize, lines: &[&str], class: &'static str| {
        html! {
            @if index < end {
                td.n { (index + 1) }
                td class=(class) { (lines.get(index).copied().unwrap_or("")) }
            } @else {
                td.n {}
                td.none {}
            }
        }
    };
    html! {
        table.diff {
            colgroup { col style="width:42px"; col; col style="width:42px"; col; }
            thead { tr { th colspan="2" { "documented" } th colspan="2" { "actual" } } }
            tbody {
                @for op in text_diff.ops() {
                    @let (tag, left, right) = op.as_tag_tuple();
                    @let (left_class, right_class) = match tag {
                        similar::DiffTag::Equal => ("", ""),
                        similar::DiffTag::Delete => ("del", "none"),
                        similar::DiffTag::Insert => ("none", "add"),
                        similar::DiffTag::Replace => ("del", "add"),
                    };
                    @for i in 0..left.len().max(right.len()) {
                        tr {
                            (cell(left.start + i, left.end, &old, left_class))
                            (cell(right.start + i, right.end, &new, right_class))
                        }
                    }
                }
            }
        }
        @if !diff.extra_keys.is_empty() {
            p.extra {
                "Keys the service returned beyond the documented ones: "
                @for (i, key) in diff.extra_keys.iter().enumerate() {
                    @if i > 0 { ", " }
                    code { (key) }
                }
            }
        }
    }
}
