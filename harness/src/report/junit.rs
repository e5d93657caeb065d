//! JUnit XML via quick-junit: one `<testsuite>` per page, one `<testcase>` per case.
//!
//! As nextest does it: a broken contract is a `<failure>` (the test ran and found a problem),
//! an exchange that produced no answer is an `<error>`, a case that was not sent is
//! `<skipped>` with its reason. The description carries the violations and the diff, which is
//! what GitLab, Jenkins and the GitHub test-report actions show when a case is opened.
//!
//! A known failure is `<skipped>` with its known issue's reason, owner and link (so CI
//! dashboards show it without failing); a fixed one passes with a `known-issue` property and a
//! line in its system-out. Stale known-issue entries go to the system-out of one more suite,
//! named after the known-issues file.

use super::{CaseReport, Report};
use crate::redact::Secrets;
use crate::runner::{Outcome, Tally};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

/// The report as an XML document.
pub fn render(run: &Report, secrets: &Secrets) -> Result<String, quick_junit::SerializeError> {
    let mut report = quick_junit::Report::new("contract");
    report.set_time(run.wall);
    // BTreeMap: suites in page order whatever order the cases finished in.
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for case in &run.cases {
        suites
            .entry(case.file.as_str())
            .or_insert_with(|| TestSuite::new(case.file.as_str()))
            .add_test_case(test_case(case));
    }
    let mut stale_suite = None;
    if let Some(first) = run.stale.first() {
        let mut suite = TestSuite::new(first.file.as_str());
        let lines: Vec<String> = run.stale.iter().map(|s| format!("warning: {s}")).collect();
        suite.set_system_out(lines.join("\n"));
        stale_suite = Some(suite);
    }
    report.add_test_suites(suites.into_values().chain(stale_suite));
    let xml = report.to_string()?;
    Ok(secrets.redact(&xml).into_owned())
}

/// How JUnit says a case ended: a known failure is skipped with its known issue, a broken
/// contract a failure, an exchange without an answer an error.
fn status(case: &CaseReport) -> TestCaseStatus {
    match &case.outcome {
        Outcome::Failed(_) | Outcome::Error(_) if case.tally() == Tally::KnownFailure => {
            let known = case
                .known
                .as_ref()
                .map(|k| k.describe())
                .unwrap_or_default();
            let mut status = TestCaseStatus::skipped();
            status
                .set_message(known)
                .set_type("known-failure")
                .set_description(format!(
                    "{}:{}\n{}",
                    case.file,
                    case.focus_line(),
                    case.failure_text()
                ));
            status
        }
        Outcome::Passed => TestCaseStatus::success(),
        Outcome::Failed(verdict) => {
            let violations = &verdict.violations;
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(case.headline())
                .set_type(violations.first().map_or("body", |v| v.kind.as_str()))
                .set_description(format!(
                    "{}:{}\n{}",
                    case.file,
                    case.focus_line(),
                    case.failure_text()
                ));
            status
        }
        Outcome::Error(error) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status
                .set_message(error.message.as_str())
                .set_type(error.kind.as_str())
                .set_description(format!(
                    "{}:{}\n{}",
                    case.file,
                    case.line,
                    case.failure_text()
                ));
            status
        }
        Outcome::Skipped { kind, reason } => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(reason.as_str()).set_type(kind.as_str());
            status
        }
    }
}

/// One case as a JUnit test case: its status, where it is documented, and what a reader of
/// the CI log needs (the request, findings, retries, steps, warnings) as system-out.
fn test_case(case: &CaseReport) -> TestCase {
    let status = status(case);
    let mut test_case = TestCase::new(case.id.as_str(), status);
    test_case
        .set_classname(case.file.as_str())
        .set_time(case.duration)
        .add_property(("file", case.file.as_str()))
        .add_property(("line", case.focus_line().to_string().as_str()));
    if !case.warnings.is_empty() {
        test_case.add_property(("warnings", case.warnings.len().to_string().as_str()));
    }
    if let Some(account) = &case.account {
        test_case.add_property(("account", account.as_str()));
    }
    let mut out = String::new();
    if let Some(known) = &case.known {
        test_case.add_property(("known-issue", known.status.as_str()));
        out.push_str(&format!("{}\n", known.describe()));
    }
    if let (Some(method), Some(url)) = (&case.method, &case.url) {
        out.push_str(&format!("{method} {url}\n"));
    }
    for finding in &case.findings {
        out.push_str(&format!("{finding}\n"));
    }
    for retry in &case.retries {
        out.push_str(&format!("retry: {retry}\n"));
    }
    for (index, step) in case.steps.iter().enumerate() {
        out.push_str(&format!("step {}. {}\n", index + 1, step.line()));
    }
    for warning in &case.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    if !out.is_empty() {
        test_case.set_system_out(out);
    }
    test_case
}
