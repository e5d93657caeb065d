//! The `cargo test` front end: one libtest-mimic trial per case.
//!
//! Trials share one tokio runtime, one HTTP client and (when no service is configured) one
//! embedded mock. Skipped cases become ignored trials that print their reason.
//!
//! Each trial also records its [`CaseResult`]; after libtest-mimic returns, the reports are
//! written into `CONTRACT_REPORT_DIR` (when set) and, on GitHub Actions, each failure is
//! printed as an annotation. Cases left out by libtest's filter have no result and are absent.

use crate::case::Case;
use crate::config::Config;
use crate::redact::Secrets;
use crate::report;
use crate::runner::{CaseResult, Outcome, Runner, Tally};
use crate::send::PlannedRequest;
use crate::session::{self, Exit, Session};
use libtest_mimic::{Arguments, ColorSetting, Completion, Failed, Trial};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Results as the trials finish, in any order; the reports put them back in page order.
type Collected = Arc<Mutex<Vec<CaseResult>>>;

/// The suite over your own pages, for a `tests/contract.rs` (with `harness = false`) in any
/// crate that depends on this one:
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     contract_harness::suite::run("docs/api-reference/v1.0")
/// }
/// ```
///
/// `cases` is the folder of pages, relative to the crate's folder (where `cargo test` runs
/// tests); `CONTRACT_CASES` still overrides it, and every other `CONTRACT_*` variable applies
/// as in this project's own suite (a `schemas/` folder beside it is used when it exists).
pub fn run(cases: impl AsRef<Path>) -> ExitCode {
    let root = std::env::current_dir().unwrap_or_default();
    suite(&root, Some(cases.as_ref()), Arguments::from_args())
}

/// Runs the suite: reads the configuration from the environment, lists the cases under the
/// cases folder (relative paths resolved against `root`), and hands the trials to libtest-mimic.
pub fn main(root: &Path, args: Arguments) -> ExitCode {
    suite(root, None, args)
}

fn suite(root: &Path, cases: Option<&Path>, args: Arguments) -> ExitCode {
    let session = match prepare(root, cases) {
        Ok(session) => session,
        Err(error) => {
            eprintln!("error: the contract suite could not start: {error}");
            return Exit::Setup.into();
        }
    };
    eprint!("{}", session.findings_text());
    let results: Collected = Arc::default();
    let trials = trials(&session, &args, &results);
    let started = Instant::now();
    let conclusion = libtest_mimic::run(&args, trials);
    let wall = started.elapsed();
    let results = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
    if results.is_empty() {
        // --list, or a filter that matched nothing: no run to report on.
        return conclusion.exit_code();
    }
    let mut outputs = session.config.reports.outputs();
    if std::env::var_os("NEXTEST").is_some() {
        // nextest runs one case per process: each writes only its JSON report, under its own
        // name in `shards/` beside report.json, for `contract report merge` to join.
        outputs = nextest_outputs(&outputs, &session.cases, &results);
    }
    let finished = session.finish(
        &session.cases,
        &results,
        wall,
        None,
        &outputs,
        &mut std::io::stdout(),
    );
    match finished {
        // libtest has printed each failure and its own count; ours adds what it cannot say:
        // stale known issues, warnings, skips by kind and the target.
        Ok(finished) => eprint!(
            "{}",
            finished
                .secrets
                .redact(&report::terminal::epilogue(&finished.report))
        ),
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::Setup.into();
        }
    }
    conclusion.exit_code()
}

/// The session the environment describes; `cases` (relative to `root`) names the pages unless
/// `CONTRACT_CASES` does.
fn prepare(root: &Path, cases: Option<&Path>) -> anyhow::Result<Session> {
    let mut config = Config::from_env(root)?;
    if let Some(cases) = cases.filter(|_| std::env::var_os("CONTRACT_CASES").is_none()) {
        config.cases.cases = root.join(cases);
    }
    Session::prepare(config)
}

/// Under nextest: the JSON report only, as `shards/<first case id>.json` next to where
/// report.json goes, so that processes never overwrite each other and a retried case
/// overwrites its own earlier attempt.
fn nextest_outputs(
    outputs: &report::Outputs,
    cases: &[Case],
    results: &[CaseResult],
) -> report::Outputs {
    // The report lists cases in catalog order: the first of them names the file.
    let first = cases.iter().find(|c| results.iter().any(|r| r.id == c.id));
    let name = first.map_or_else(
        || format!("process-{}", std::process::id()),
        |c| crate::text::slug(&c.id),
    );
    report::Outputs {
        json: outputs.json.as_ref().map(|json| {
            let shards = json.with_file_name("shards");
            let _ = std::fs::create_dir_all(&shards);
            shards.join(format!("{name}.json"))
        }),
        ..report::Outputs::default()
    }
}

/// One trial per case, in catalog order.
fn trials(session: &Session, args: &Arguments, results: &Collected) -> Vec<Trial> {
    let runner = &session.runner;
    let color = session::colour(match args.color.unwrap_or_default() {
        ColorSetting::Always => Some(true),
        ColorSetting::Never => Some(false),
        ColorSetting::Auto => None,
    });
    // nextest runs each trial in its own process and cannot see a skip decided at run time, so
    // there skipped cases carry libtest's static ignore flag; elsewhere they run and report
    // their reason ("ignored, <reason>") unless --ignored asks for exactly the ignored ones.
    let nextest = std::env::var_os("NEXTEST").is_some();
    let flag_skips = args.ignored || nextest;
    // Planned once: the plan decides the skip flag, and the trial sends it.
    let mut plans: Vec<Option<Result<PlannedRequest, Outcome>>> =
        session.cases.iter().map(|c| Some(runner.plan(c))).collect();
    let skipped: Vec<bool> = plans
        .iter()
        .map(|plan| plan.as_ref().is_some_and(Result::is_err))
        .collect();
    let mut hosted = if nextest {
        hosts(&session.cases, &skipped)
    } else {
        vec![Vec::new(); session.cases.len()]
    };
    let handle = session.runtime.handle().clone();
    session
        .cases
        .iter()
        .zip(skipped)
        .enumerate()
        .map(|(index, (case, skipped))| {
            let hosted = std::mem::take(&mut hosted[index]);
            // A scenario case plans its whole chain when it runs.
            let plan = plans[index].take().filter(|_| case.scenario.is_none());
            let (runner, handle, results) =
                (Arc::clone(runner), handle.clone(), Arc::clone(results));
            let case = case.clone();
            // Its host reports a case skipped under nextest, even when --run-ignored runs it.
            let record = !(skipped && nextest);
            Trial::ignorable_test(case.id.clone(), move || {
                let completion = run_trial(&runner, &handle, &case, plan, color, &results, record);
                let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
                results.extend(hosted.iter().filter_map(|c| runner.unsent(c)));
                completion
            })
            .with_ignored_flag(skipped && flag_skips)
        })
        .collect()
}

/// Under nextest an ignored trial gets no process, so it would write no report. Each skipped
/// case is therefore reported by the process of a case that runs: the nearest one before it
/// (the first one, for skipped cases before any). Every runnable case runs in exactly one
/// nextest process whatever the partition, so each skipped case is reported exactly once.
/// Returns, per case, the skipped cases it reports (empty for skipped cases).
fn hosts(cases: &[Case], skipped: &[bool]) -> Vec<Vec<Case>> {
    let mut hosted = vec![Vec::new(); cases.len()];
    let Some(first) = skipped.iter().position(|s| !s) else {
        return hosted;
    };
    let mut host = first;
    for (index, case) in cases.iter().enumerate() {
        if !skipped[index] {
            host = index;
        } else {
            hosted[host].push(case.clone());
        }
    }
    hosted
}

/// Failure messages hold actual bodies and error texts: either may echo a secret.
fn redact(secrets: &Secrets, failed: Failed) -> Failed {
    match failed.message() {
        Some(message) => secrets.redact(message).into_owned().into(),
        None => failed,
    }
}

fn run_trial(
    runner: &Runner,
    handle: &tokio::runtime::Handle,
    case: &Case,
    plan: Option<Result<PlannedRequest, Outcome>>,
    color: bool,
    results: &Collected,
    record: bool,
) -> Result<Completion, Failed> {
    let result = handle.block_on(runner.run_planned(case, plan));
    // Built after the exchange, so a token fetched for it is hidden too; and only for what is
    // printed: a plain pass prints nothing.
    let secrets = || runner.secrets();
    let completion = match &result.outcome {
        // Recorded drift: shown as ignored with its known issue, as JUnit shows it skipped.
        Outcome::Failed(_) | Outcome::Error(_) if result.tally() == Tally::KnownFailure => {
            let known = result
                .known
                .as_ref()
                .map(|k| k.describe())
                .unwrap_or_default();
            Ok(Completion::ignored_with(secrets().redact(&known)))
        }
        // A fixed known issue passes, but loudly: its entry should go.
        Outcome::Passed if result.tally() == Tally::Fixed => {
            let entry = report::CaseReport::new(case, &result, &secrets());
            if let Some(note) = report::terminal::known_note(&entry) {
                eprintln!("{note}");
            }
            Ok(Completion::Completed)
        }
        // libtest shows nothing of a passing trial; warnings (a teardown that failed) must
        // not be hidden, so they go to stderr.
        Outcome::Passed if !result.warnings.is_empty() => {
            let entry = report::CaseReport::new(case, &result, &secrets());
            for warning in &entry.warnings {
                eprintln!(
                    "warning: {} ({}:{}): {warning}",
                    case.id, case.file, case.line
                );
            }
            Ok(Completion::Completed)
        }
        Outcome::Passed => Ok(Completion::Completed),
        Outcome::Skipped { reason, .. } => Ok(Completion::ignored_with(secrets().redact(reason))),
        // Only a failure is rendered here; the reports render every case once, at the end.
        Outcome::Failed(_) | Outcome::Error(_) => {
            let secrets = secrets();
            let entry = report::CaseReport::new(case, &result, &secrets);
            Err(redact(
                &secrets,
                report::terminal::problem(&entry, color).into(),
            ))
        }
    };
    if record {
        results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(result);
    }
    completion
}
