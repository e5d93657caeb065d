//! The JSON report: a summary and one object per case, for dashboards and scripts.
//!
//! The one JSON shape: `contract run --format json`, `--report-json` and the suite's
//! `report.json` all write it. It is versioned (`format_version`) so that consumers can notice
//! a change; fields are only ever added within a version.
//!
//! Version 2 (from version 1): skip kinds are stable kebab-case names (`no-value`, not the
//! sentence "no value for a placeholder"), in `skipped_by_kind` and `skip_kind`; violations
//! carry `documented_line`. `contract run --format json` used to print its own unversioned
//! shape; it prints this one now.
//!
//! Version 3 (from version 2): a case's `warnings` are objects with a `kind` and a `message`
//! (they were strings). Added: `summary.known_failures`, `summary.fixed`, a case's `status`
//! (how it counts: `passed`, `failed`, `known-failure`, `fixed`, `error`, `skipped`) and
//! `known` (its known issue), and `stale_known_issues`. Added later in version 3, for
//! `contract report merge`: a case's `ordinal` (its place in the whole run), and
//! `summary.cases_dir` and `summary.shards`.

use super::Report;
use crate::case::SkipKind;
use crate::check::{BodyDiff, Violation};
use crate::finding::Finding;
use crate::redact::Secrets;
use crate::runner::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the shape below.
pub const FORMAT_VERSION: u32 = 3;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Counts, time and target.
    pub summary: JsonSummary,
    /// One entry per case.
    pub cases: Vec<JsonCase<'a>>,
    /// Known-issue entries that match no case.
    pub stale_known_issues: &'a [crate::known::Stale],
}

/// The run's counts.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonSummary {
    /// Cases whose answer honoured the contract.
    pub passed: usize,
    /// Of those, the cases with warnings.
    #[serde(default)]
    pub passed_with_warnings: usize,
    /// Cases whose answer broke it.
    pub failed: usize,
    /// Cases that failed as a known issue records (not in `failed`).
    #[serde(default)]
    pub known_failures: usize,
    /// Cases that passed although a known issue says they fail (not in `passed`).
    #[serde(default)]
    pub fixed: usize,
    /// Cases that got no answer.
    pub errors: usize,
    /// Cases not sent.
    pub skipped: usize,
    /// Cases not sent, by reason.
    pub skipped_by_kind: BTreeMap<SkipKind, usize>,
    /// Wall time of the run, in milliseconds.
    pub duration_ms: f64,
    /// The target's base URL, without credentials or query.
    pub target: String,
    /// True when the target was the embedded mock.
    pub mock: bool,
    /// The cases folder as configured, which pages are relative to.
    #[serde(default)]
    pub cases_dir: String,
    /// The shards the report covers: one for a `--partition` run, each shard's for a merged
    /// report, none for a whole run.
    #[serde(default)]
    pub shards: Vec<super::Shard>,
}

/// One case.
#[derive(Debug, Serialize)]
pub struct JsonCase<'a> {
    /// The case id.
    pub id: &'a str,
    /// Its position in the run's list of cases: merged shards are put back in this order.
    pub ordinal: usize,
    /// The page, relative to the cases folder.
    pub file: &'a str,
    /// Line of the request block.
    pub line: usize,
    /// Line of the documented response block.
    pub response_line: Option<usize>,
    /// Method sent.
    pub method: Option<&'a str>,
    /// URL sent, without credentials.
    pub url: Option<&'a str>,
    /// `passed`, `failed`, `error` or `skipped`.
    pub outcome: &'static str,
    /// How the case counts, its known issue applied: the outcome, or `known-failure`, `fixed`.
    pub status: &'static str,
    /// Time spent on the case, in milliseconds.
    pub duration_ms: f64,
    /// Broken expectations (failed cases).
    pub violations: &'a [Violation],
    /// Documented versus actual body (failed cases, when both are JSON).
    pub diff: Option<&'a BodyDiff>,
    /// The exchange's error (error cases).
    pub error: Option<&'a str>,
    /// Why the case was not sent (skipped cases).
    pub skip_reason: Option<&'a str>,
    /// The reason's group name (skipped cases).
    pub skip_kind: Option<SkipKind>,
    /// Problems in the example's own documentation.
    pub findings: &'a [Finding],
    /// One line per retried attempt.
    pub retries: &'a [String],
    /// Each exchange of a scenario case, in order (added in version 2; empty otherwise).
    pub steps: &'a [super::StepReport],
    /// Problems that did not decide the verdict (an undeclared property, a teardown that
    /// failed), each with its kind (objects from version 3; strings before).
    pub warnings: &'a [crate::runner::Warning],
    /// The known issue that matched the case.
    pub known: Option<JsonKnown<'a>>,
}

/// A case's known issue.
#[derive(Debug, Serialize)]
pub struct JsonKnown<'a> {
    /// `known-failure`, `fixed` or `expired`.
    pub status: crate::known::KnownStatus,
    /// The entry's `case` (an id or a glob).
    pub case: &'a str,
    /// Why the case fails.
    pub reason: &'a str,
    /// Who owns the fix.
    pub owner: Option<&'a str>,
    /// Where it is tracked.
    pub link: Option<&'a str>,
    /// The last day the entry hides a failure, `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// The known-issues file.
    pub file: String,
    /// The entry's line in it.
    pub line: usize,
}

/// The report's data, ready to serialise.
pub fn report(run: &Report) -> JsonReport<'_> {
    let s = &run.summary;
    JsonReport {
        format_version: FORMAT_VERSION,
        summary: JsonSummary {
            passed: s.passed,
            passed_with_warnings: s.passed_with_warnings,
            failed: s.failed,
            known_failures: s.known_failures,
            fixed: s.fixed,
            errors: s.errors,
            skipped: s.skipped_total(),
            skipped_by_kind: s.skipped.clone(),
            duration_ms: run.wall.as_secs_f64() * 1000.0,
            target: run.target.clone(),
            mock: run.is_mock,
            cases_dir: run.cases_dir.display().to_string(),
            shards: run.shards.clone(),
        },
        cases: run
            .cases
            .iter()
            .map(|c| {
                let (violations, diff, error, skip_reason, skip_kind) = match &c.outcome {
                    Outcome::Passed => (&[][..], None, None, None, None),
                    Outcome::Failed(verdict) => {
                        let (violations, diff) = (&verdict.violations, &verdict.diff);
                        (&violations[..], diff.as_ref(), None, None, None)
                    }
                    Outcome::Error(message) => (&[][..], None, Some(message.as_str()), None, None),
                    Outcome::Skipped { kind, reason } => {
                        (&[][..], None, None, Some(reason.as_str()), Some(*kind))
                    }
                };
                JsonCase {
                    id: &c.id,
                    ordinal: c.ordinal,
                    file: &c.file,
                    line: c.line,
                    response_line: c.response_line,
                    method: c.method.as_deref(),
                    url: c.url.as_deref(),
                    outcome: c.outcome.label(),
                    status: c.tally().as_str(),
                    duration_ms: c.duration.as_secs_f64() * 1000.0,
                    violations,
                    diff,
                    error,
                    skip_reason,
                    skip_kind,
                    findings: &c.findings,
                    retries: &c.retries,
                    steps: &c.steps,
                    warnings: &c.warnings,
                    known: c.known.as_ref().map(|k| JsonKnown {
                        status: k.status,
                        case: &k.issue.case,
                        reason: &k.issue.reason,
                        owner: k.issue.owner.as_deref(),
                        link: k.issue.link.as_deref(),
                        expires: k.issue.expires.map(|d| d.to_string()),
                        file: k.issue.file.display().to_string(),
                        line: k.issue.line,
                    }),
                }
            })
            .collect(),
        stale_known_issues: &run.stale,
    }
}

/// The report as pretty-printed JSON.
pub fn render(run: &Report, secrets: &Secrets) -> Result<String, serde_json::Error> {
    let text = serde_json::to_string_pretty(&report(run))?;
    Ok(secrets.redact(&text).into_owned())
}
