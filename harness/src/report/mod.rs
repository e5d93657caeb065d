//! Reports for CI: JUnit XML, JSON, Markdown, a self-contained HTML page, and GitHub
//! annotations — one module per format, every one a function of the same [`Report`].
//!
//! [`Report`] is built once from the cases and their results, with every secret already hidden;
//! each writer also takes the [`Secrets`] and passes its whole output through them, so a secret
//! that reached a report by some path nobody thought of is still hidden.

pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod known_issues;
pub mod markdown;
pub mod merge;
pub mod terminal;

use crate::case::Case;
use crate::check::{BodyDiff, Verdict, Violation};
use crate::finding::Finding;
use crate::known::{Known, Stale};
use crate::redact::Secrets;
use crate::runner::{CaseResult, Outcome, Phase, Summary, Tally, Warning};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
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

impl StepReport {
    /// `1. set-up step 1 (create-task): POST http://…/tasks → 201 (12 ms), captured [task-id]`.
    pub fn line(&self) -> String {
        let status = self
            .status
            .map_or("no answer".to_owned(), |s| s.to_string());
        let mut line = format!(
            "{}: {} {} → {status} ({:.0} ms)",
            self.label, self.method, self.url, self.duration_ms
        );
        if !self.captured.is_empty() {
            let names: Vec<String> = self.captured.iter().map(|n| format!("[{n}]")).collect();
            line.push_str(&format!(", captured {}", names.join(" ")));
        }
        if let Some(problem) = &self.problem {
            line.push_str(&format!(": {problem}"));
        }
        line
    }
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

    /// The failure as plain text: one line per violation, then the unified diff. Also the
    /// error message or skip reason, so every non-passing case has something to show. A
    /// scenario case adds its steps.
    pub fn failure_text(&self) -> String {
        let mut text = self.outcome_text();
        if !self.steps.is_empty() && !matches!(self.outcome, Outcome::Passed) {
            text.push_str(&self.steps_text());
        }
        text
    }

    /// The steps of a scenario case, one numbered line each, after a `steps:` line.
    pub fn steps_text(&self) -> String {
        let mut text = String::from("\nsteps:\n");
        for (index, step) in self.steps.iter().enumerate() {
            text.push_str(&format!("  {}. {}\n", index + 1, step.line()));
        }
        text
    }

    fn outcome_text(&self) -> String {
        match &self.outcome {
            Outcome::Passed => String::new(),
            Outcome::Failed(verdict) => {
                let mut text = String::new();
                for v in &verdict.violations {
                    text.push_str(&violation_line(v));
                    text.push('\n');
                }
                if let Some(diff) = &verdict.diff {
                    text.push('\n');
                    text.push_str(&diff.unified(false));
                }
                text
            }
            Outcome::Skipped { reason, .. } => reason.clone(),
            Outcome::Error(message) => message.clone(),
        }
    }

    /// One line saying what went wrong (the first violation, the error, the skip reason).
    pub fn headline(&self) -> String {
        match &self.outcome {
            Outcome::Passed => String::new(),
            Outcome::Failed(verdict) => match verdict.violations.first() {
                Some(first) if verdict.violations.len() > 1 => {
                    format!(
                        "{} (and {} more)",
                        first.message,
                        verdict.violations.len() - 1
                    )
                }
                Some(first) => first.message.clone(),
                None if verdict.diff.is_some() => {
                    "the body differs from the documented one".to_owned()
                }
                None => "failed".to_owned(),
            },
            Outcome::Skipped { reason, .. } => reason.clone(),
            Outcome::Error(message) => message.clone(),
        }
    }
}

/// `pointer: message (expected …, actual …)`, the form every text report uses.
pub fn violation_line(v: &Violation) -> String {
    let pointer = if v.pointer.is_empty() {
        "(response)"
    } else {
        v.pointer.as_str()
    };
    format!(
        "{pointer}: {} [{}] (expected {}, actual {})",
        v.message, v.kind, v.expected, v.actual
    )
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

    /// `3 shards (hash:1/3 480 cases 1.20s, …)`, or `None` for a whole run.
    pub fn shards_line(&self) -> Option<String> {
        if self.shards.is_empty() {
            return None;
        }
        if self.shards.len() > 8 {
            // One per process under nextest: name the slowest only.
            let slowest = self
                .shards
                .iter()
                .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))?;
            return Some(format!(
                "merged from {} shards (slowest: {}, {} cases in {:.2}s)",
                self.shards.len(),
                slowest.partition,
                slowest.cases,
                slowest.duration_ms / 1000.0
            ));
        }
        let each: Vec<String> = self
            .shards
            .iter()
            .map(|s| {
                format!(
                    "{}: {} cases in {:.2}s",
                    s.partition,
                    s.cases,
                    s.duration_ms / 1000.0
                )
            })
            .collect();
        Some(match self.shards.len() {
            1 => format!("shard {}", each[0]),
            n => format!("merged from {n} shards ({})", each.join("; ")),
        })
    }

    /// The target as the reports name it: `the embedded mock (http://127.0.0.1:…/)` or the URL.
    pub fn target_label(&self) -> String {
        if self.is_mock {
            format!("the embedded mock ({})", self.target)
        } else {
            self.target.clone()
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

    /// Violations of the cases that fail the run and warnings of every case, counted by kind
    /// and by the URL's first segment after the version (`/users`), most frequent first: what
    /// 258 failures have in common.
    pub fn triage(&self) -> Triage {
        let mut by_kind: BTreeMap<String, TriageRow> = BTreeMap::new();
        let mut by_path: BTreeMap<String, TriageRow> = BTreeMap::new();
        for case in &self.cases {
            let failing = matches!(case.tally(), Tally::Failed | Tally::Error);
            let mut kinds: Vec<(&str, bool)> = case
                .warnings
                .iter()
                .map(|w| (w.kind.as_str(), true))
                .collect();
            match &case.outcome {
                Outcome::Failed(verdict) if failing => {
                    kinds.extend(verdict.violations.iter().map(|v| (v.kind.as_str(), false)));
                    if verdict.violations.is_empty() {
                        kinds.push(("body", false));
                    }
                }
                Outcome::Error(_) if failing => kinds.push(("error", false)),
                _ => {}
            }
            if kinds.is_empty() {
                continue;
            }
            let path = case
                .url
                .as_deref()
                .map_or_else(|| "(none)".to_owned(), top_segment);
            for (kind, warning) in kinds {
                for (map, key) in [(&mut by_kind, kind), (&mut by_path, path.as_str())] {
                    let row = map.entry(key.to_owned()).or_insert_with(|| TriageRow {
                        name: key.to_owned(),
                        ..TriageRow::default()
                    });
                    if warning {
                        row.warnings += 1;
                    } else {
                        row.violations += 1;
                    }
                }
            }
        }
        let sorted = |map: BTreeMap<String, TriageRow>| {
            let mut rows: Vec<TriageRow> = map.into_values().collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.violations + r.warnings));
            rows
        };
        Triage {
            by_kind: sorted(by_kind),
            by_path: sorted(by_path),
        }
    }
}

/// Violations and warnings counted two ways, for the reports' triage tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// By violation or warning kind (`schema`, `undeclared-property`, `error`).
    pub by_kind: Vec<TriageRow>,
    /// By the URL's first segment after the version (`/users`, `/me`).
    pub by_path: Vec<TriageRow>,
}

impl Triage {
    /// True when there is nothing to count.
    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }
}

/// One row of a triage table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageRow {
    /// The kind or the path segment.
    pub name: String,
    /// Violations (and errors) of cases that fail the run.
    pub violations: usize,
    /// Warnings.
    pub warnings: usize,
}

/// `/users` for `https://host/v1.0/users/42?$select=id`: the first path segment after the API
/// version (or the first segment when there is no version).
fn top_segment(url: &str) -> String {
    let path = Url::parse(url)
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let after_version = segments
        .iter()
        .position(|s| crate::text::is_version(s))
        .map_or(0, |i| i + 1);
    match segments.get(after_version) {
        // `users('42')` and `me` alike: the resource's name, without its key.
        Some(segment) => format!("/{}", segment.split('(').next().unwrap_or(segment)),
        None => "/".to_owned(),
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
            Outcome::Error(message) => Outcome::Error(hide(message)),
        };
        CaseReport {
            id: hide(&case.id),
            ordinal: case.ordinal,
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
                .map(|w| Warning::new(w.kind.clone(), hide(&w.message)))
                .collect(),
            known: result.known.clone(),
        }
    }
}

/// Where the reports go; `None` skips a format.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// JUnit XML file.
    pub junit: Option<PathBuf>,
    /// JSON file.
    pub json: Option<PathBuf>,
    /// Markdown summary file.
    pub markdown: Option<PathBuf>,
    /// HTML page.
    pub html: Option<PathBuf>,
    /// Prefix for links from the HTML page to the Markdown pages (a relative folder or e.g.
    /// `https://github.com/org/repo/blob/main/cases/`); `None` links relative to the page's
    /// folder, from wherever the HTML file is written.
    pub link_base: Option<String>,
    /// Also append the Markdown summary to the file `GITHUB_STEP_SUMMARY` names.
    pub github_step_summary: Option<PathBuf>,
}

impl Outputs {
    /// All four reports in `dir`: `junit.xml`, `report.json`, `summary.md`, `report.html`.
    pub fn in_dir(dir: &Path) -> Outputs {
        Outputs {
            junit: Some(dir.join("junit.xml")),
            json: Some(dir.join("report.json")),
            markdown: Some(dir.join("summary.md")),
            html: Some(dir.join("report.html")),
            ..Outputs::default()
        }
    }
}

/// A report that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The file could not be created or written.
    #[error("failed to write the {format} report to {}: {source}; check that the folder exists and is writable", path.display())]
    Write {
        /// Which report.
        format: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The JUnit XML could not be serialised.
    #[error("failed to serialise the JUnit report: {0}")]
    Junit(#[from] quick_junit::SerializeError),
    /// The JSON could not be serialised.
    #[error("failed to serialise the JSON report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes every report `outputs` asks for; creates missing folders.
pub fn write(run: &Report, secrets: &Secrets, outputs: &Outputs) -> Result<(), ReportError> {
    if let Some(path) = &outputs.junit {
        save("JUnit", path, &junit::render(run, secrets)?)?;
    }
    if let Some(path) = &outputs.json {
        save("JSON", path, &json::render(run, secrets)?)?;
    }
    if let Some(path) = &outputs.markdown {
        save(
            "Markdown",
            path,
            &markdown::render(run, secrets, markdown::GITHUB_SUMMARY_LIMIT),
        )?;
    }
    if let Some(path) = &outputs.github_step_summary {
        markdown::append_step_summary(run, secrets, path)?;
    }
    if let Some(path) = &outputs.html {
        let link_base = match &outputs.link_base {
            Some(base) => base.clone(),
            None => relative_link_base(path.parent().unwrap_or(Path::new(".")), &run.cases_dir),
        };
        save("HTML", path, &html::render(run, secrets, &link_base))?;
    }
    Ok(())
}

fn save(format: &'static str, path: &Path, text: &str) -> Result<(), ReportError> {
    let error = |source| ReportError::Write {
        format,
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    std::fs::write(path, text).map_err(error)
}

/// The cases folder as seen from `from_dir`, ending in `/`, for links in a report written there.
/// Falls back to the absolute folder as a `file://` URL when no relative path exists.
pub fn relative_link_base(from_dir: &Path, cases_dir: &Path) -> String {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            std::env::current_dir()
                .ok()
                .map(|cwd| normalize(&cwd.join(p)))
        })
    };
    let (Some(from), Some(to)) = (absolute(from_dir), absolute(cases_dir)) else {
        return format!("{}/", cases_dir.display());
    };
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return Url::from_directory_path(&to)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| format!("{}/", to.display()));
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from.components().count() - common];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.iter().map(|p| format!("{p}/")).collect()
}

/// Removes `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The page's path relative to the repository (for annotations): the cases folder joined with
/// the page, relative to `repo_root` when it lies inside it.
pub fn repo_path(cases_dir: &Path, file: &str, repo_root: &Path) -> String {
    let page = cases_dir.join(file);
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            std::env::current_dir()
                .ok()
                .map(|cwd| normalize(&cwd.join(p)))
        })
    };
    let relative = match (absolute(&page), absolute(repo_root)) {
        (Some(page), Some(root)) => page.strip_prefix(&root).ok().map(Path::to_path_buf),
        _ => None,
    };
    let path = relative.unwrap_or(page);
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests;
