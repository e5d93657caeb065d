//! The HTML report: one self-contained page (inline CSS and JS, no network) with the counts,
//! what the violations and warnings have in common (tables with CSS bars), fixed and stale
//! known issues, a table of cases filterable by outcome (and to those with warnings) and
//! searchable by id, and each failure expandable to its violations and a side-by-side diff. The page is `template.html` with its `{{slots}}`
//! filled; every value put into it is escaped here.

use super::{CaseReport, Report};
use crate::check::BodyDiff;
use crate::known::KnownStatus;
use crate::redact::Secrets;
use crate::runner::{Outcome, Tally};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use std::fmt::Write as _;

const TEMPLATE: &str = include_str!("template.html");

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

/// The page. `link_base` is prefixed to each page's path (relative to the cases folder) to link
/// to it, e.g. `../cases/` or `https://github.com/org/repo/blob/main/cases/`.
pub fn render(run: &Report, secrets: &Secrets, link_base: &str) -> String {
    let s = &run.summary;
    let (verdict, verdict_class) = if s.success() {
        ("passed", "passed")
    } else {
        ("failed", "failed")
    };
    let target = run.target_label();
    let meta = format!(
        "{} cases against {} in {:.2}s",
        run.cases.len(),
        escape(&target),
        run.wall.as_secs_f64()
    );
    let mut filters = String::new();
    for (tally, count) in [
        (Tally::Failed, s.failed),
        (Tally::Error, s.errors),
        (Tally::Fixed, s.fixed),
        (Tally::KnownFailure, s.known_failures),
        (Tally::Passed, s.passed),
        (Tally::Skipped, s.skipped_total()),
    ] {
        // The known-issue outcomes only when a known-issues file produced some.
        if count == 0 && matches!(tally, Tally::Fixed | Tally::KnownFailure) {
            continue;
        }
        let name = tally.as_str();
        let _ = writeln!(
            filters,
            "<label class=\"filter outcome {name}\"><input type=\"checkbox\" value=\"{name}\" checked><b>{count}</b> {}</label>",
            name.replace('-', " ")
        );
    }
    let with_warnings = run.cases.iter().filter(|c| !c.warnings.is_empty()).count();
    if with_warnings > 0 {
        let _ = writeln!(
            filters,
            "<label class=\"filter warnings\"><input type=\"checkbox\" value=\"warnings\"><b>{with_warnings}</b> only with warnings</label>"
        );
    }
    let mut rows = String::with_capacity(run.cases.len() * 600);
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
    for case in ordered {
        row(&mut rows, case, link_base);
    }
    let title = format!(
        "Contract tests: {} passed, {} failed, {} known failures, {} fixed, {} errors, {} skipped",
        s.passed,
        s.failed,
        s.known_failures,
        s.fixed,
        s.errors,
        s.skipped_total()
    );
    let page = fill(
        TEMPLATE,
        &[
            ("title", &escape(&title)),
            ("verdict", verdict),
            ("verdict_class", verdict_class),
            ("meta", &meta),
            ("filters", &filters),
            ("notices", &notices(run)),
            ("triage", &triage(run)),
            ("rows", &rows),
        ],
    );
    secrets.redact(&page).into_owned()
}

/// Replaces each `{{name}}` in one pass, so a value containing `{{…}}` (a documented body may)
/// is never taken for a slot.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let extra: usize = slots.iter().map(|(_, v)| v.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let name = &after[..end];
            slots
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (end, *v))
        }) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fixed known issues (remove their entries) and stale ones, above everything else.
fn notices(run: &Report) -> String {
    let mut out = String::new();
    let fixed: Vec<&CaseReport> = run
        .cases
        .iter()
        .filter(|c| {
            c.known
                .as_ref()
                .is_some_and(|k| k.status == KnownStatus::Fixed)
        })
        .collect();
    if !fixed.is_empty() {
        out.push_str("<div class=\"notice fixed\"><b>Fixed:</b> these cases pass; remove their entries from the known issues.<ul>\n");
        for case in fixed {
            if let Some(known) = &case.known {
                let _ = writeln!(
                    out,
                    "<li><code>{}</code>: {} ({})</li>",
                    escape(&case.id),
                    escape(&known.issue.reason),
                    escape(&known.issue.location())
                );
            }
        }
        out.push_str("</ul></div>\n");
    }
    if !run.stale.is_empty() {
        out.push_str("<div class=\"notice stale\"><b>Stale known issues:</b><ul>\n");
        for stale in &run.stale {
            let _ = writeln!(out, "<li>{}</li>", escape(&stale.to_string()));
        }
        out.push_str("</ul></div>\n");
    }
    out
}

/// How many rows of each triage table the page shows.
const TRIAGE_ROWS: usize = 12;

/// Violations and warnings by kind and by path: a table each, with a bar per row (CSS only).
fn triage(run: &Report) -> String {
    let triage = run.triage();
    if triage.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section class=\"triage\">\n");
    for (title, rows) in [("By kind", &triage.by_kind), ("By path", &triage.by_path)] {
        let most = rows
            .iter()
            .map(|r| r.violations + r.warnings)
            .max()
            .unwrap_or(1)
            .max(1);
        let _ = writeln!(
            out,
            "<table class=\"triage\"><caption>{title}</caption><thead><tr><th></th><th>violations</th><th>warnings</th><th></th></tr></thead><tbody>"
        );
        for row in rows.iter().take(TRIAGE_ROWS) {
            let width = |n: usize| n as f64 * 100.0 / most as f64;
            let _ = writeln!(
                out,
                "<tr><th><code>{}</code></th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"bar\"><span class=\"v\" style=\"width:{:.1}%\"></span><span class=\"w\" style=\"width:{:.1}%\"></span></td></tr>",
                escape(&row.name),
                row.violations,
                row.warnings,
                width(row.violations),
                width(row.warnings)
            );
        }
        if rows.len() > TRIAGE_ROWS {
            let _ = writeln!(
                out,
                "<tr><th colspan=\"4\">… {} more</th></tr>",
                rows.len() - TRIAGE_ROWS
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
    out
}

fn row(out: &mut String, case: &CaseReport, link_base: &str) {
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
    let request = match (&case.method, &case.url) {
        (Some(method), Some(url)) => format!("<code>{} {}</code>", escape(method), escape(url)),
        _ => String::new(),
    };
    let _ = write!(
        out,
        "<tbody class=\"case {outcome}\" data-outcome=\"{outcome}\" data-warnings=\"{warnings}\" data-id=\"{id}\">\n\
         <tr class=\"row\"><td><span class=\"badge\">{label}</span></td>\
         <td>{toggle}<code>{id}</code></td>\
         <td><a href=\"{href}\">{file}:{line}</a></td><td>{request}</td>\
         <td class=\"time\">{ms:.0} ms</td></tr>\n",
        id = escape(&case.id),
        warnings = u8::from(!case.warnings.is_empty()),
        label = outcome.replace('-', " "),
        toggle = if has_detail {
            "<button class=\"toggle\" type=\"button\" aria-expanded=\"false\" aria-label=\"details\">▸</button>"
        } else {
            // Keeps the ids of cases without details in line with the others.
            "<span class=\"toggle\" aria-hidden=\"true\"></span>"
        },
        href = escape(&href),
        file = escape(&case.file),
        ms = case.duration.as_secs_f64() * 1000.0,
    );
    if has_detail {
        out.push_str("<tr class=\"detail\" hidden><td colspan=\"5\">\n");
        detail(out, case);
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n");
}

fn detail(out: &mut String, case: &CaseReport) {
    if let Some(known) = &case.known {
        let issue = &known.issue;
        let link = issue
            .link
            .as_deref()
            .map(|l| {
                // Only web links are made clickable: a `javascript:` link must stay text.
                if l.starts_with("https://") || l.starts_with("http://") {
                    format!("; <a href=\"{0}\">{0}</a>", escape(l))
                } else {
                    format!("; {}", escape(l))
                }
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<p class=\"known\"><b>{}</b>: {}{}{link} ({})</p>",
            escape(&known.label()),
            escape(&issue.reason),
            issue
                .owner
                .as_deref()
                .map(|o| format!("; owner: {}", escape(o)))
                .unwrap_or_default(),
            escape(&issue.location())
        );
    }
    match &case.outcome {
        Outcome::Passed => {}
        Outcome::Failed(verdict) => {
            let (violations, diff) = (&verdict.violations, &verdict.diff);
            let _ = writeln!(
                out,
                "<p class=\"headline\">{}</p>",
                escape(&case.headline())
            );
            if !violations.is_empty() {
                out.push_str("<ul class=\"violations\">\n");
                for v in violations {
                    let pointer = if v.pointer.is_empty() {
                        "(response)"
                    } else {
                        &v.pointer
                    };
                    let _ = writeln!(
                        out,
                        "<li><code>{}</code> <span class=\"kind\">{}</span> {} \
                         <span class=\"ev\">expected <code>{}</code>, actual <code>{}</code></span></li>",
                        escape(pointer),
                        escape(v.kind.as_str()),
                        escape(&v.message),
                        escape(&v.expected),
                        escape(&v.actual)
                    );
                }
                out.push_str("</ul>\n");
            }
            if let Some(diff) = diff {
                side_by_side(out, diff);
            }
        }
        Outcome::Error(message) => {
            let _ = writeln!(
                out,
                "<p class=\"headline\">No answer to check</p><pre class=\"message\">{}</pre>",
                escape(message)
            );
        }
        Outcome::Skipped { reason, .. } => {
            let _ = writeln!(
                out,
                "<p class=\"headline\">Not sent: {}</p>",
                escape(reason)
            );
        }
    }
    if !case.findings.is_empty() {
        out.push_str("<div class=\"findings\">Lint:<ul>");
        for finding in &case.findings {
            let _ = write!(out, "<li>{}</li>", escape(&finding.to_string()));
        }
        out.push_str("</ul></div>\n");
    }
    if !case.warnings.is_empty() {
        out.push_str("<div class=\"warnings\">Warnings:<ul>");
        for warning in &case.warnings {
            let _ = write!(out, "<li>{}</li>", escape(&warning.message));
        }
        out.push_str("</ul></div>\n");
    }
    if !case.steps.is_empty() {
        out.push_str(
            "<table class=\"steps\"><thead><tr><th>#</th><th>step</th><th>request</th>\
             <th>status</th><th>time</th><th>captured</th></tr></thead><tbody>\n",
        );
        for (index, step) in case.steps.iter().enumerate() {
            let captured: Vec<String> = step.captured.iter().map(|n| format!("[{n}]")).collect();
            let _ = writeln!(
                out,
                "<tr class=\"{phase}\"><td>{n}</td><td>{label}{problem}</td><td><code>{method} {url}</code></td>\
                 <td>{status}</td><td class=\"time\">{ms:.0} ms</td><td>{captured}</td></tr>",
                phase = escape(match step.phase {
                    crate::runner::Phase::Setup => "setup",
                    crate::runner::Phase::Request => "request",
                    crate::runner::Phase::Teardown => "teardown",
                }),
                n = index + 1,
                label = escape(&step.label),
                problem = step
                    .problem
                    .as_deref()
                    .map(|p| format!("<br><span class=\"problem\">{}</span>", escape(p)))
                    .unwrap_or_default(),
                method = escape(&step.method),
                url = escape(&step.url),
                status = step.status.map_or("no answer".to_owned(), |s| s.to_string()),
                ms = step.duration_ms,
                captured = escape(&captured.join(" ")),
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !case.retries.is_empty() {
        out.push_str("<div class=\"retries\">Retries:<ul>");
        for retry in &case.retries {
            let _ = write!(out, "<li>{}</li>", escape(retry));
        }
        out.push_str("</ul></div>\n");
    }
}

/// Documented (left) against actual (right), changed lines paired up.
fn side_by_side(out: &mut String, diff: &BodyDiff) {
    let text_diff = similar::TextDiff::from_lines(&diff.expected, &diff.actual);
    let old: Vec<&str> = diff.expected.lines().collect();
    let new: Vec<&str> = diff.actual.lines().collect();
    out.push_str(
        "<table class=\"diff\"><colgroup><col style=\"width:42px\"><col><col style=\"width:42px\"><col></colgroup>\
         <thead><tr><th colspan=\"2\">documented</th><th colspan=\"2\">actual</th></tr></thead><tbody>\n",
    );
    for op in text_diff.ops() {
        let (tag, left, right) = op.as_tag_tuple();
        let class = match tag {
            similar::DiffTag::Equal => ("", ""),
            similar::DiffTag::Delete => ("del", "none"),
            similar::DiffTag::Insert => ("none", "add"),
            similar::DiffTag::Replace => ("del", "add"),
        };
        for i in 0..left.len().max(right.len()) {
            out.push_str("<tr>");
            cell(out, left.start + i, left.end, &old, class.0);
            cell(out, right.start + i, right.end, &new, class.1);
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody></table>\n");
    if !diff.extra_keys.is_empty() {
        let keys: Vec<String> = diff
            .extra_keys
            .iter()
            .map(|k| format!("<code>{}</code>", escape(k)))
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"extra\">Keys the service returned beyond the documented ones: {}</p>",
            keys.join(", ")
        );
    }
}

fn cell(out: &mut String, index: usize, end: usize, lines: &[&str], class: &str) {
    if index < end {
        let text = lines.get(index).copied().unwrap_or("");
        let _ = write!(
            out,
            "<td class=\"n\">{}</td><td class=\"{class}\">{}</td>",
            index + 1,
            escape(text)
        );
    } else {
        out.push_str("<td class=\"n\"></td><td class=\"none\"></td>");
    }
}

/// Text safe in element content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn fills_slots_once_and_leaves_braces_in_values_alone() {
        assert_eq!(
            fill("<{{a}}|{{b}}|{{c}}>", &[("a", "{{b}}"), ("b", "2")]),
            "<{{b}}|2|{{c}}>"
        );
    }
}
