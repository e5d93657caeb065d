//! `contract run`: the suite from the command line, with a progress bar and a summary.

use super::Format;
use contract_harness::case::Case;
use contract_harness::config::Config;
use contract_harness::redact::Secrets;
use contract_harness::report;
use contract_harness::runner::{Outcome, Runner};
use contract_harness::session::{self, Finished, Session};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    config: Config,
    /// How many requests may be in flight at once.
    #[arg(long, short, default_value_t = 32)]
    jobs: usize,
    /// Only run cases whose id contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Run one shard of the cases, as nextest does: `count:K/N` (round-robin over the sorted
    /// ids) or `hash:K/N` (by the id's hash: stable as pages are added). The embedded mock
    /// still serves every example, so each case gets the answer an unsharded run gets; merge
    /// the shards' JSON reports with `contract report merge`.
    #[arg(long, env = "CONTRACT_PARTITION", value_name = "KIND:K/N")]
    partition: Option<contract_harness::case::Partition>,
    /// Print each request that would be sent, and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write a known-issues file with an entry for every case that fails the run (reason: its
    /// first violation), as a starting point for adopting the tool against a live service.
    #[arg(long, value_name = "FILE")]
    record_known_issues: Option<PathBuf>,
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let session = Session::prepare(args.config.clone())?;
    let findings = session.findings_text();
    if !findings.is_empty() {
        super::output::note!("{}", findings.trim_end());
    }
    let cases = select(&args, &session.cases);
    if args.dry_run {
        let text = dry_run(&session.runner, &cases, args.format)?;
        print_redacted(&session.runner.secrets(), &text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    let progress = progress_bar(cases.len() as u64);
    let bar = progress.clone();
    let cases = Arc::new(cases);
    let results = session.runtime.block_on(session.runner.run_all(
        Arc::clone(&cases),
        args.jobs,
        move |_| bar.inc(1),
    ));
    progress.finish_and_clear();
    let outputs = args.config.reports.outputs();
    let finished = session.finish(
        &cases,
        &results,
        started.elapsed(),
        args.partition,
        &outputs,
        &mut super::output::stdout(),
    )?;
    let Finished { report, secrets } = &finished;
    if let Some(path) = &args.record_known_issues {
        record_known_issues(secrets, report, path)?;
    }
    let text = match args.format {
        Format::Text => report::terminal::render(report, secrets, session::colour(None)),
        Format::Json => report::json::render(report, secrets)? + "\n",
    };
    print_redacted(secrets, text.as_bytes())?;
    let code = finished.exit().into();
    // The process ends now and the OS takes its memory back at once; freeing every case,
    // result and report entry first one by one took 5-8 ms of a 150 ms run.
    std::mem::forget((finished, results, cases, session));
    Ok(code)
}

/// The cases `--filter` and `--partition` keep, in catalog order. The runner serves every
/// case all the same, so each kept case gets the answer a whole run gives it.
fn select(args: &RunArgs, all: &[Case]) -> Vec<Case> {
    let mut cases: Vec<Case> = match &args.filter {
        Some(filter) => all
            .iter()
            .filter(|c| c.id.contains(filter.as_str()))
            .cloned()
            .collect(),
        None => all.to_vec(),
    };
    if let (Some(filter), true) = (&args.filter, cases.is_empty()) {
        // Like `cargo test`, not an error; but a typo should not look like a clean run.
        super::output::note!(
            "note: no case id contains {filter:?} ({} cases found; `contract list` shows their ids)",
            all.len()
        );
    }
    if let Some(partition) = args.partition {
        let keep = partition.select(cases.iter().map(|c| c.id.as_str()));
        let mut keep = keep.into_iter();
        cases.retain(|_| keep.next().unwrap_or(false));
    }
    cases
}

/// Writes the known-issues file `--record-known-issues` asks for, and says so on stderr.
fn record_known_issues(
    secrets: &Secrets,
    run: &report::Report,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let (text, count) = report::known_issues::render(run)?;
    std::fs::write(path, secrets.redact(&text).as_bytes()).map_err(|error| {
        anyhow::anyhow!(
            "failed to write the known issues to {}: {error}; check that the folder exists and is writable",
            path.display()
        )
    })?;
    super::output::note!(
        "recorded {count} known issues in {}: give each an owner and a link, then pass --known-issues {0} (or move it to known-issues.toml in the cases folder)",
        path.display()
    );
    Ok(())
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} cases",
        )
        .expect("a valid template"),
    );
    bar
}

/// Output goes through one place, so that no secret can reach the terminal.
fn print_redacted(secrets: &Secrets, bytes: &[u8]) -> anyhow::Result<()> {
    let text = String::from_utf8_lossy(bytes);
    let mut stdout = super::output::stdout();
    stdout.write_all(secrets.redact(&text).as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn dry_run(runner: &Runner, cases: &[Case], format: Format) -> anyhow::Result<Vec<u8>> {
    let authenticated = runner.authenticates();
    let mut out = Vec::new();
    if format == Format::Json {
        let planned: Vec<serde_json::Value> = cases
            .iter()
            .map(|case| match runner.plan_chain(case) {
                Some(Ok(chain)) => serde_json::json!({
                    "id": case.id,
                    "steps": chain.iter().map(|step| match &step.request {
                        Ok(request) => {
                            let mut value = request_json(request);
                            value["phase"] = serde_json::json!(step.phase);
                            value["label"] = serde_json::json!(step.label);
                            value
                        }
                        Err(problem) => serde_json::json!({"phase": step.phase, "label": step.label, "problem": problem}),
                    }).collect::<Vec<_>>(),
                }),
                Some(Err(outcome)) => not_sent_json(case, outcome),
                None => match runner.plan(case) {
                    Ok(request) => {
                        let mut value = request_json(&request);
                        value["id"] = serde_json::json!(case.id);
                        value
                    }
                    Err(outcome) => not_sent_json(case, outcome),
                },
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &planned)?;
        writeln!(out)?;
        return Ok(out);
    }
    for case in cases {
        writeln!(out, "# {} ({}:{})", case.id, case.file, case.line)?;
        match runner.plan_chain(case) {
            Some(Ok(chain)) => {
                // The whole chain, in the order it runs; values not yet captured as [name].
                for (index, step) in chain.iter().enumerate() {
                    writeln!(out, "## {}. {}", index + 1, step.label)?;
                    match &step.request {
                        Ok(request) => write_request(&mut out, request, authenticated)?,
                        Err(problem) => writeln!(out, "(cannot be built: {problem})")?,
                    }
                }
            }
            Some(Err(outcome)) => write_not_sent(&mut out, outcome)?,
            None => match runner.plan(case) {
                Ok(request) => write_request(&mut out, &request, authenticated)?,
                Err(outcome) => write_not_sent(&mut out, outcome)?,
            },
        }
        writeln!(out)?;
    }
    Ok(out)
}

fn request_json(request: &contract_harness::send::PlannedRequest) -> serde_json::Value {
    serde_json::json!({
        "method": request.method,
        "url": request.url.as_str(),
        "headers": request.headers,
        "body": String::from_utf8_lossy(&request.body),
    })
}

fn not_sent_json(case: &Case, outcome: Outcome) -> serde_json::Value {
    serde_json::json!({
        "id": case.id,
        "skipped": match outcome {
            Outcome::Skipped { reason, .. } => reason,
            Outcome::Error(error) => error.message,
            other => other.label().to_owned(),
        },
    })
}

fn write_request(
    out: &mut Vec<u8>,
    request: &contract_harness::send::PlannedRequest,
    authenticated: bool,
) -> std::io::Result<()> {
    writeln!(out, "{} {}", request.method, request.url)?;
    for (name, value) in &request.headers {
        writeln!(out, "{name}: {value}")?;
    }
    if authenticated {
        writeln!(out, "Authorization: Bearer ***")?;
    }
    if !request.body.is_empty() {
        writeln!(out, "\n{}", String::from_utf8_lossy(&request.body))?;
    }
    Ok(())
}

fn write_not_sent(out: &mut Vec<u8>, outcome: Outcome) -> std::io::Result<()> {
    match outcome {
        Outcome::Skipped { reason, .. } => writeln!(out, "(not sent: {reason})"),
        Outcome::Error(error) => writeln!(out, "(not sent: {error})"),
        other => writeln!(out, "(not sent: {})", other.label()),
    }
}
