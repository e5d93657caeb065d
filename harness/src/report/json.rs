//! The JSON report: a summary and one object per case, for dashboards and scripts.
//!
//! The one JSON shape: `contract run --format json`, `--report-json` and the suite's
//! `report.json` all write it, and `contract report merge` reads it back, through the one
//! type below ([`WireReport`]), so that writer and reader cannot disagree. It is versioned (`format_version`) so that consumers can notice
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
//! `summary.cases_dir` and `summary.shards`; then a case's `error_kind` beside its `error`.

use super::{CaseReport, Report, Shard, StepReport};
use crate::case::SkipKind;
use crate::check::{BodyDiff, Verdict, Violation};
use crate::finding::Finding;
use crate::known::{Known, KnownIssue, KnownStatus, Stale};
use crate::redact::Secrets;
use crate::runner::{CaseError, ErrorKind, Outcome, Summary, Tally, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The version of the shape below.
pub const FORMAT_VERSION: u32 = 3;

/// The whole report, as written and as read back.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireReport {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Counts, time and target.
    pub summary: WireSummary,
    /// One entry per case.
    pub cases: Vec<WireCase>,
    /// Known-issue entries that match no case.
    #[serde(default)]
    pub stale_known_issues: Vec<Stale>,
}

/// The run's counts.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct WireSummary {
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
    pub shards: Vec<Shard>,
}

/// How a case ended, as named in the report. An unknown name is an error when read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireOutcome {
    /// The answer honoured the contract.
    Passed,
    /// The answer broke it.
    Failed,
    /// Not sent.
    Skipped,
    /// No answer.
    Error,
}

/// One case.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireCase {
    /// The case id.
    pub id: String,
    /// Its position in the run's list of cases: merged shards are put back in this order.
    #[serde(default)]
    pub ordinal: usize,
    /// The account of ApiDoctor's accounts file it ran as (added in version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The page, relative to the cases folder.
    pub file: String,
    /// Line of the request block.
    pub line: usize,
    /// Line of the documented response block.
    pub response_line: Option<usize>,
    /// Method sent.
    pub method: Option<String>,
    /// URL sent, without credentials.
    pub url: Option<String>,
    /// How the case ended.
    pub outcome: WireOutcome,
    /// How the case counts, its known issue applied: the outcome, or `known-failure`, `fixed`.
    pub status: Tally,
    /// Time spent on the case, in milliseconds.
    pub duration_ms: f64,
    /// Broken expectations (failed cases).
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// Documented versus actual body (failed cases, when both are JSON).
    pub diff: Option<BodyDiff>,
    /// The exchange's error (error cases).
    pub error: Option<String>,
    /// Its group: `exchange`, `unfillable` or `scenario` (error cases; added in version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<ErrorKind>,
    /// Why the case was not sent (skipped cases).
    pub skip_reason: Option<String>,
    /// The reason's group name (skipped cases).
    pub skip_kind: Option<SkipKind>,
    /// Problems in the example's own documentation.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// One line per retried attempt.
    #[serde(default)]
    pub retries: Vec<String>,
    /// Each exchange of a scenario case, in order (added in version 2; empty otherwise).
    #[serde(default)]
    pub steps: Vec<StepReport>,
    /// Problems that did not decide the verdict (an undeclared property, a teardown that
    /// failed), each with its kind (objects from version 3; strings before).
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// The known issue that matched the case.
    pub known: Option<WireKnown>,
}

/// A case's known issue.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireKnown {
    /// `known-failure`, `fixed` or `expired`.
    pub status: KnownStatus,
    /// The entry's `case` (an id or a glob).
    pub case: String,
    /// Why the case fails.
    pub reason: String,
    /// Who owns the fix.
    pub owner: Option<String>,
    /// Where it is tracked.
    pub link: Option<String>,
    /// The last day the entry hides a failure, `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// The known-issues file.
    pub file: String,
    /// The entry's line in it.
    pub line: usize,
}

impl From<&Report> for WireReport {
    fn from(run: &Report) -> WireReport {
        let s = &run.summary;
        WireReport {
            format_version: FORMAT_VERSION,
            summary: WireSummary {
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
            cases: run.cases.iter().map(WireCase::from).collect(),
            stale_known_issues: run.stale.clone(),
        }
    }
}

impl From<&CaseReport> for WireCase {
    fn from(c: &CaseReport) -> WireCase {
        let mut case = WireCase {
            id: c.id.clone(),
            ordinal: c.ordinal,
            account: c.account.clone(),
            file: c.file.clone(),
            line: c.line,
            response_line: c.response_line,
            method: c.method.clone(),
            url: c.url.clone(),
            outcome: WireOutcome::Passed,
            status: c.tally(),
            duration_ms: c.duration.as_secs_f64() * 1000.0,
            violations: Vec::new(),
            diff: None,
            error: None,
            error_kind: None,
            skip_reason: None,
            skip_kind: None,
            findings: c.findings.clone(),
            retries: c.retries.clone(),
            steps: c.steps.clone(),
            warnings: c.warnings.clone(),
            known: c.known.as_ref().map(WireKnown::from),
        };
        match &c.outcome {
            Outcome::Passed => {}
            Outcome::Failed(verdict) => {
                case.outcome = WireOutcome::Failed;
                case.violations = verdict.violations.clone();
                case.diff = verdict.diff.clone();
            }
            Outcome::Error(error) => {
                case.outcome = WireOutcome::Error;
                case.error = Some(error.message.clone());
                case.error_kind = Some(error.kind);
            }
            Outcome::Skipped { kind, reason } => {
                case.outcome = WireOutcome::Skipped;
                case.skip_reason = Some(reason.clone());
                case.skip_kind = Some(*kind);
            }
        }
        case
    }
}

impl From<&Known> for WireKnown {
    fn from(k: &Known) -> WireKnown {
        WireKnown {
            status: k.status,
            case: k.issue.case.clone(),
            reason: k.issue.reason.clone(),
            owner: k.issue.owner.clone(),
            link: k.issue.link.clone(),
            expires: k.issue.expires.map(|d| d.to_string()),
            file: k.issue.file.display().to_string(),
            line: k.issue.line,
        }
    }
}

impl WireReport {
    /// The reports' view of the run this report was written from.
    pub fn into_report(self) -> Report {
        let s = self.summary;
        let cases: Vec<CaseReport> = self.cases.into_iter().map(WireCase::into_case).collect();
        let answered = cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Passed | Outcome::Failed(_)))
            .count();
        Report {
            target: s.target,
            is_mock: s.mock,
            wall: Duration::from_secs_f64(s.duration_ms.max(0.0) / 1000.0),
            summary: Summary {
                passed: s.passed,
                passed_with_warnings: s.passed_with_warnings,
                failed: s.failed,
                known_failures: s.known_failures,
                fixed: s.fixed,
                errors: s.errors,
                skipped: s.skipped_by_kind,
                answered,
            },
            cases_dir: PathBuf::from(s.cases_dir),
            cases,
            stale: self.stale_known_issues,
            shards: s.shards,
        }
    }
}

impl WireCase {
    fn into_case(self) -> CaseReport {
        let outcome = match self.outcome {
            WireOutcome::Passed => Outcome::Passed,
            WireOutcome::Failed => Outcome::Failed(Verdict {
                violations: self.violations,
                warnings: Vec::new(),
                diff: self.diff,
            }),
            WireOutcome::Skipped => Outcome::Skipped {
                kind: self.skip_kind.unwrap_or(SkipKind::NoResponse),
                reason: self.skip_reason.unwrap_or_default(),
            },
            WireOutcome::Error => Outcome::Error(CaseError::new(
                self.error_kind.unwrap_or(ErrorKind::Exchange),
                self.error.unwrap_or_default(),
            )),
        };
        CaseReport {
            id: self.id,
            ordinal: self.ordinal,
            account: self.account,
            file: self.file,
            line: self.line,
            response_line: self.response_line,
            method: self.method,
            url: self.url,
            outcome,
            duration: Duration::from_secs_f64(self.duration_ms.max(0.0) / 1000.0),
            findings: self.findings,
            retries: self.retries,
            steps: self.steps,
            warnings: self.warnings,
            known: self.known.map(WireKnown::into_known),
        }
    }
}

impl WireKnown {
    fn into_known(self) -> Known {
        let mut issue = KnownIssue::for_case(self.case, PathBuf::from(self.file), self.line);
        issue.reason = self.reason;
        issue.owner = self.owner;
        issue.link = self.link;
        issue.expires = self
            .expires
            .and_then(|d| d.parse::<toml::value::Datetime>().ok())
            .and_then(|d| d.date);
        Known {
            status: self.status,
            issue: Arc::new(issue),
        }
    }
}

/// The report as pretty-printed JSON.
pub fn render(run: &Report, secrets: &Secrets) -> Result<String, serde_json::Error> {
    let text = serde_json::to_string_pretty(&WireReport::from(run))?;
    Ok(secrets.redact(&text).into_owned())
}
