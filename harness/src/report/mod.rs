//! Reports for CI: JUnit XML, JSON, Markdown, a self-contained HTML page, and GitHub
//! annotations — one module per format, every one a function of the same [`Report`].
//!
//! [`Report`] is built once from the cases and their results, with every secret already hidden;
//! each writer also takes the [`Secrets`] and passes its whole output through them, so a secret
//! that reached a report by some path nobody thought of is still hidden.

mod files;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod known_issues;
pub mod markdown;
pub mod merge;
pub mod terminal;
mod text;
mod triage;

pub use files::{relative_link_base, repo_path, write, Outputs, ReportError};
pub use text::violation_line;
pub use triage::{Triage, TriageRow};

use crate::case::Case;
use crate::check::{BodyDiff, Verdict, Violation};
use crate::finding::Finding;
use crate::known::{Known, Stale};
use crate::redact::Secrets;
use crate::runner::{CaseResult, Outcome, Phase, Summary, Tally, Warning};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// One run, as the reports see it: the cases that ran, in page order, with secrets hidden.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target's base URL without credentials or query.
    pub target: String,
    /// True when the target was the embedded mock.
    pub is_mock: bool,
    /// Wall time of the whole run.
    pub wall: Duration,
    /// Counts over the cases.
    pub summary: Summary,
    /// The cases folder as configured; pages are relative to it.
    pub cases_dir: PathBuf,
    /// One entry per case that has a result.
    pub cases: Vec<CaseReport>,
    /// Known-issue entries that match no case (set by the front end, which sees every case).
    pub stale: Vec<Stale>,
    /// The shards this report covers: one for a `--partition` run, each shard's for a merged
    /// report, none for a whole run.
    pub shards: Vec<Shard>,
}

/// One shard of a sharded run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// `hash:1/3`.
    pub partition: String,
    /// How many cases it ran.
    pub cases: usize,
    /// Its wall time, in milliseconds.
    pub duration_ms: f64,
}

/// One case and how it ended, everything a report shows about it.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// The case id.
    pub id: String,
    /// Its position in the run's list of cases ([`Case::ordinal`]).
    pub ordinal: usize,
    /// The account of the accounts file it ran as, when one was in use.
    pub account: Option<String>,
    /// The page, relative to the cases folder.
    pub file: String,
    /// Line of the request block's opening fence.
    pub line: usize,
    /// Line of the documented response's opening fence, when there is one.
    pub response_line: Option<usize>,
    /// The method sent, when a request could be built.
    pub method: Option<String>,
    /// The URL sent, without credentials (its query kept: it is part of the documented example).
    pub url: Option<String>,
    /// How the case ended, every text in it with secrets hidden.
    pub outcome: Outcome,
    /// Time spent on the exchange and the checks.
    pub duration: Duration,
    /// Problems in the example's own documentation.
    pub findings: Vec<Finding>,
    /// One line per retried attempt.
    pub retries: Vec<String>,
    /// Each exchange of a scenario case, in order (empty for other cases).
    pub steps: Vec<StepReport>,
    /// Problems that did not decide the verdict: an undeclared property, a teardown that failed.
    pub warnings: Vec<Warning>,
    /// The known issue recorded for the case, and what the outcome makes of it.
    pub known: Option<Known>,
}

/// One exchange of a scenario case, with secrets hidden.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StepReport {
    /// `setup`, `request` or `teardown`.
    pub phase: Phase,
    /// `set-up step 1 (create-task)`, `the documented request`, …
    pub label: String,
    /// The method sent.
    pub method: String,
    /// The URL sent, without credentials.
    pub url: String,
    /// The answer's status, when there was an answer.
    pub status: Option<u16>,
    /// How long the exchange took, in milliseconds.
    pub duration_ms: f64,
    /// The names captured from the answer.
    pub captured: Vec<String>,
    /// What went wrong with this step.
    pub problem: Option<String>,
}

impl CaseReport {
    /// How the case counts: the outcome, with its known issue applied.
    pub fn tally(&self) -> Tally {
        Tally::of(&self.outcome, self.known.as_ref())
    }

    /// The line a person should look at: the documented response for a failure (that is what
    /// disagrees with the service), the request otherwise.
    pub fn focus_line(&self) -> usize {
        match self.outcome {
            Outcome::Failed(_) => self.response_line.unwrap_or(self.line),
            _ => self.line,
        }
    }
}

impl Report {
    /// The reports' view of a run. `results` decides which cases appear (a filtered run has
    /// fewer results than cases); they appear in the order of `cases`. Every text is passed
    /// through `secrets`.
    pub fn new(
        cases: &[Case],
        results: &[CaseResult],
        wall: Duration,
        target: &Url,
        is_mock: bool,
        cases_dir: &Path,
        secrets: &Secrets,
    ) -> Report {
        let by_id: HashMap<&str, &CaseResult> =
            results.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut kept = Vec::new();
        let entries: Vec<CaseReport> = cases
            .iter()
            .filter_map(|case| {
                let result = by_id.get(case.id.as_str())?;
                kept.push(*result);
                Some(CaseReport::new(case, result, secrets))
            })
            .collect();
        // Counted by the runner's own rules; results without a case (none in practice) are
        // left out of the counts as they are of the list.
        let summary = if kept.len() == results.len() {
            Summary::of(results)
        } else {
            Summary::of(&kept.into_iter().cloned().collect::<Vec<_>>())
        };
        Report {
            target: secrets.redact_url(target),
            is_mock,
            wall,
            summary,
            cases_dir: cases_dir.to_owned(),
            cases: entries,
            stale: Vec::new(),
            shards: Vec::new(),
        }
    }

    /// The cases that fail the run: failed or errored, and not a known failure. What a
    /// reviewer must look at.
    pub fn problems(&self) -> impl Iterator<Item = &CaseReport> {
        self.cases
            .iter()
            .filter(|c| matches!(c.tally(), Tally::Failed | Tally::Error))
    }

    /// The cases a known issue says fail and that pass: their entries can go (under `--strict`
    /// these cases fail, and are listed here all the same).
    pub fn fixed_known_issues(&self) -> impl Iterator<Item = &CaseReport> {
        self.cases.iter().filter(|c| {
            c.known
                .as_ref()
                .is_some_and(|k| k.status == crate::known::KnownStatus::Fixed)
        })
    }

    /// The cases that count as `tally`.
    pub fn tallied(&self, tally: Tally) -> impl Iterator<Item = &CaseReport> {
        self.cases.iter().filter(move |c| c.tally() == tally)
    }
}

impl CaseReport {
    /// One case's entry: every text that may hold a secret (messages, values, bodies, the URL)
    /// is passed through `secrets`.
    pub fn new(case: &Case, result: &CaseResult, secrets: &Secrets) -> CaseReport {
        let secrets = &*secrets.with(&result.secrets);
        let hide = |text: &str| secrets.redact(text).into_owned();
        let outcome = match &result.outcome {
            Outcome::Passed => Outcome::Passed,
            Outcome::Failed(verdict) => Outcome::Failed(Verdict {
                warnings: Vec::new(),
                violations: verdict
                    .violations
                    .iter()
                    .map(|v| Violation {
                        pointer: hide(&v.pointer),
                        expected: hide(&v.expected),
                        actual: hide(&v.actual),
                        message: hide(&v.message),
                        ..v.clone()
                    })
                    .collect(),
                diff: verdict.diff.as_ref().map(|d| BodyDiff {
                    expected: hide(&d.expected),
                    actual: hide(&d.actual),
                    extra_keys: d.extra_keys.iter().map(|k| hide(k)).collect(),
                    ..d.clone()
                }),
            }),
            Outcome::Skipped { kind, reason } => Outcome::Skipped {
                kind: *kind,
                reason: hide(reason),
            },
            Outcome::Error(error) => Outcome::Error(crate::runner::CaseError {
                message: hide(&error.message),
                ..error.clone()
            }),
        };
        CaseReport {
            id: hide(&case.id),
            ordinal: case.ordinal,
            account: case.account.clone(),
            file: case.file.clone(),
            line: case.line,
            response_line: case.response_line,
            method: result.request.as_ref().map(|r| r.method.to_string()),
            url: result
                .request
                .as_ref()
                .map(|r| secrets.redact_request_url(&r.url)),
            outcome,
            duration: result.duration,
            findings: result
                .findings
                .iter()
                .map(|f| Finding {
                    message: hide(&f.message),
                    ..f.clone()
                })
                .collect(),
            retries: result.retries.iter().map(|r| hide(r)).collect(),
            steps: result
                .steps
                .iter()
                .map(|step| StepReport {
                    phase: step.phase,
                    label: hide(&step.label),
                    method: step.method.to_string(),
                    url: secrets.redact_request_url(&step.url),
                    status: step.status,
                    duration_ms: step.duration.as_secs_f64() * 1000.0,
                    captured: step.captured.clone(),
                    problem: step.problem.as_deref().map(hide),
                })
                .collect(),
            warnings: result
                .warnings
                .iter()
                .map(|w| Warning::new(w.kind, hide(&w.message)))
                .collect(),
            known: result.known.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
