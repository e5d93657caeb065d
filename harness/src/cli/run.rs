//! `contract run`: the suite from the command line, with a progress bar and a summary.

use super::{CasesArg, Format};
use contract_harness::case::{self, Case};
use contract_harness::config::{
    parse_base_url, parse_headers, parse_seconds, Config, SECONDS_EXPECTED,
};
use contract_harness::redact::Secrets;
use contract_harness::report;
use contract_harness::run::{CaseResult, Outcome, Runner, Summary};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    cases: CasesArg,
    /// Folder of JSON Schemas, one file per OData type [env: CONTRACT_SCHEMAS, default: schemas]
    #[arg(long)]
    schemas: Option<PathBuf>,
    /// The service to test; without it the embedded mock answers [env: CONTRACT_BASE_URL]
    #[arg(long)]
    base_url: Option<String>,
    /// TOML or JSON file with values for URL placeholders [env: CONTRACT_VARS]
    #[arg(long)]
    vars: Option<PathBuf>,
    /// How many requests may be in flight at once.
    #[arg(long, short, default_value_t = 32)]
    jobs: usize,
    /// Only run cases whose id contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Seconds allowed for one exchange, body included [env: CONTRACT_TIMEOUT, default: 30]
    #[arg(long, value_name = "SECONDS", value_parser = seconds("--timeout"))]
    timeout: Option<Duration>,
    /// Seconds allowed to open a connection [env: CONTRACT_CONNECT_TIMEOUT, default: 5]
    #[arg(long, value_name = "SECONDS", value_parser = seconds("--connect-timeout"))]
    connect_timeout: Option<Duration>,
    /// PEM file of certificate authorities to trust besides the public ones, for a target whose
    /// certificate a private or development CA signed [env: CONTRACT_CACERT]
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Print each request that would be sent, and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Send POST, PUT, PATCH and DELETE to a target that is not this machine [env: CONTRACT_ALLOW_WRITES=1]
    #[arg(long)]
    allow_writes: bool,
    /// Read the bearer token from this environment variable instead of CONTRACT_TOKEN.
    #[arg(long, value_name = "NAME")]
    token_env: Option<String>,
    /// Add a header to every request, `Name: value` (repeatable) [env: CONTRACT_HEADERS, one per line]
    #[arg(long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// Retries for throttled (429/503) and transient failures [env: CONTRACT_RETRIES, default: 3]
    #[arg(long)]
    retries: Option<u32>,
    /// At most this many requests per second [env: CONTRACT_RPS]
    #[arg(long)]
    rps: Option<f64>,
    /// Largest response body read, in bytes; longer ones are cut and fail [env: CONTRACT_MAX_BODY, default: 10 MiB]
    #[arg(long)]
    max_body_bytes: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    report_junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    report_json: Option<PathBuf>,
    /// Write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when it is set).
    #[arg(long, value_name = "FILE")]
    report_markdown: Option<PathBuf>,
    /// Write a self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    report_html: Option<PathBuf>,
    /// Prefix for the HTML report's links to pages, e.g. https://github.com/org/repo/blob/main/cases/
    /// [env: CONTRACT_REPORT_LINK_BASE, default: the cases folder relative to the HTML file]
    #[arg(long, value_name = "URL")]
    report_link_base: Option<String>,
}

/// A clap parser for a flag in seconds, with the same rules as the variables (clap names the
/// flag and the value itself).
fn seconds(flag: &'static str) -> impl Fn(&str) -> Result<Duration, String> + Clone {
    move |value| parse_seconds(flag, value).map_err(|_| SECONDS_EXPECTED.to_owned())
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::from_env(&std::env::current_dir()?)?;
    config.cases = args.cases.cases.clone();
    if let Some(schemas) = &args.schemas {
        config.schemas = schemas.clone();
        config.schemas_explicit = true;
    }
    if let Some(base_url) = &args.base_url {
        config.base_url = Some(parse_base_url("--base-url", base_url)?);
    }
    if let Some(vars) = &args.vars {
        config.vars = Some(vars.clone());
    }
    config.timeout = args.timeout.or(config.timeout);
    config.connect_timeout = args.connect_timeout.or(config.connect_timeout);
    config.ca_file = args.cacert.clone().or(config.ca_file);
    if let Some(name) = &args.token_env {
        let token = std::env::var(name)
            .map_err(|_| anyhow::anyhow!("--token-env {name}: the variable {name} is not set"))?;
        config.token = Some(token);
    }
    for header in &args.headers {
        config.headers.extend(parse_headers(header)?);
    }
    config.allow_writes |= args.allow_writes;
    config.retries = args.retries.or(config.retries);
    config.requests_per_second = args.rps.or(config.requests_per_second);
    config.body_limit = args.max_body_bytes.or(config.body_limit);
    let list = case::list(&config.cases)?;
    super::print_findings(&config.cases, &list.findings);
    let found = list.cases.len();
    let cases: Vec<Case> = match &args.filter {
        Some(filter) => list
            .cases
            .into_iter()
            .filter(|c| c.id.contains(filter.as_str()))
            .collect(),
        None => list.cases,
    };
    if let (Some(filter), true) = (&args.filter, cases.is_empty()) {
        // Like `cargo test`, not an error; but a typo should not look like a clean run.
        super::output::note!(
            "note: no case id contains {filter:?} ({found} cases found; `contract list` shows their ids)"
        );
    }
    let schemas = Arc::new(config.load_schemas()?);
    let options = config.run_options()?;
    let secrets = Secrets::new(options.client.secrets());
    let authenticated = options.client.token.is_some() || options.client.oauth.is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let runner = Arc::new(Runner::start(&cases, schemas, options).await?);
        if args.dry_run {
            let text = dry_run(&runner, &cases, args.format, authenticated)?;
            print_redacted(&secrets, &text)?;
            return Ok(ExitCode::SUCCESS);
        }
        let started = Instant::now();
        let progress = progress_bar(cases.len() as u64);
        let bar = progress.clone();
        let cases = Arc::new(cases);
        let results = runner
            .run_all(Arc::clone(&cases), args.jobs, move |_| bar.inc(1))
            .await;
        progress.finish_and_clear();
        let wall = started.elapsed();
        let summary = Summary::of(&results);
        write_reports(&args, &config, &secrets, &cases, &results, wall, &runner)?;
        match args.format {
            Format::Text => print_redacted(
                &secrets,
                &text_report(&cases, &results, &summary, wall, &runner)?,
            )?,
            Format::Json => {
                print_redacted(&secrets, &json_report(&cases, &results, &summary, wall)?)?
            }
        }
        Ok(if summary.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}

/// The reports the flags ask for, and the GitHub annotations when running on GitHub Actions.
fn write_reports(
    args: &RunArgs,
    config: &Config,
    secrets: &Secrets,
    cases: &[Case],
    results: &[CaseResult],
    wall: Duration,
    runner: &Runner,
) -> anyhow::Result<()> {
    let outputs = report::Outputs {
        junit: args.report_junit.clone(),
        json: args.report_json.clone(),
        markdown: args.report_markdown.clone(),
        html: args.report_html.clone(),
        link_base: args.report_link_base.clone(),
        github_step_summary: None,
    }
    .with_env();
    // The job summary is one per step: only a run that was asked for Markdown adds to it.
    let outputs = report::Outputs {
        github_step_summary: outputs
            .github_step_summary
            .filter(|_| outputs.markdown.is_some()),
        ..outputs
    };
    let annotate = report::github::enabled();
    let wanted = outputs.junit.is_some()
        || outputs.json.is_some()
        || outputs.markdown.is_some()
        || outputs.html.is_some();
    if !wanted && !annotate {
        return Ok(());
    }
    let run = report::Run::new(
        cases,
        results,
        wall,
        runner.base_url(),
        runner.is_mock(),
        &config.cases,
        secrets,
    );
    if annotate {
        let mut out = super::output::stdout();
        write!(
            out,
            "{}",
            report::github::annotations(&run, secrets, &report::github::repo_root())
        )?;
        out.flush()?;
    }
    report::write(&run, secrets, &outputs)?;
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

fn dry_run(
    runner: &Runner,
    cases: &[Case],
    format: Format,
    authenticated: bool,
) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    if format == Format::Json {
        let planned: Vec<serde_json::Value> = cases
            .iter()
            .map(|case| match runner.plan(case) {
                Ok(request) => serde_json::json!({
                    "id": case.id,
                    "method": request.method,
                    "url": request.url.as_str(),
                    "headers": request.headers,
                    "body": String::from_utf8_lossy(&request.body),
                }),
                Err(outcome) => serde_json::json!({
                    "id": case.id,
                    "skipped": match outcome { Outcome::Skipped { reason, .. } => reason, other => other.label().to_owned() },
                }),
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &planned)?;
        writeln!(out)?;
        return Ok(out);
    }
    for case in cases {
        writeln!(out, "# {} ({}:{})", case.id, case.file, case.line)?;
        match runner.plan(case) {
            Ok(request) => {
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
            }
            Err(Outcome::Skipped { reason, .. }) => writeln!(out, "(not sent: {reason})")?,
            Err(other) => writeln!(out, "(not sent: {})", other.label())?,
        }
        writeln!(out)?;
    }
    Ok(out)
}

fn text_report(
    cases: &[Case],
    results: &[CaseResult],
    summary: &Summary,
    wall: Duration,
    runner: &Runner,
) -> anyhow::Result<Vec<u8>> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = Vec::new();
    for (case, result) in cases.iter().zip(results) {
        match &result.outcome {
            Outcome::Failed(verdict) => writeln!(out, "{}", verdict.render(case, color))?,
            Outcome::Error(message) => writeln!(
                out,
                "error: {} ({}:{}): {message}\n",
                case.id, case.file, case.line
            )?,
            _ => {}
        }
        for retry in &result.retries {
            writeln!(out, "retried {}: {retry}", case.id)?;
        }
    }
    let seconds = wall.as_secs_f64();
    let rate = if seconds > 0.0 {
        summary.requests as f64 / seconds
    } else {
        0.0
    };
    let target = if runner.is_mock() {
        format!("the embedded mock ({})", runner.base_url())
    } else {
        redacted(runner.base_url())
    };
    writeln!(
        out,
        "{} passed, {} failed, {} errors, {} skipped in {seconds:.2}s ({rate:.0} requests/s) against {target}",
        summary.passed,
        summary.failed,
        summary.errors,
        summary.skipped_total(),
    )?;
    for (kind, count) in &summary.skipped {
        writeln!(out, "  skipped {count}: {kind}")?;
    }
    Ok(out)
}

fn json_report(
    cases: &[Case],
    results: &[CaseResult],
    summary: &Summary,
    wall: Duration,
) -> anyhow::Result<Vec<u8>> {
    let rows: Vec<serde_json::Value> = cases
        .iter()
        .zip(results)
        .map(|(case, result)| {
            let message = match &result.outcome {
                Outcome::Failed(verdict) => Some(verdict.render(case, false)),
                Outcome::Error(message) => Some(message.clone()),
                Outcome::Skipped { reason, .. } => Some(reason.clone()),
                Outcome::Passed => None,
            };
            serde_json::json!({
                "id": case.id,
                "file": case.file,
                "line": case.line,
                "outcome": result.outcome.label(),
                "duration_ms": result.duration.as_secs_f64() * 1000.0,
                "message": message,
                "retries": result.retries,
            })
        })
        .collect();
    let report = serde_json::json!({
        "summary": {
            "passed": summary.passed, "failed": summary.failed, "errors": summary.errors,
            "skipped": summary.skipped, "duration_ms": wall.as_secs_f64() * 1000.0,
        },
        "cases": rows,
    });
    let mut out = serde_json::to_vec_pretty(&report)?;
    out.push(b'\n');
    Ok(out)
}

/// The target without credentials or query, fit to print.
fn redacted(url: &url::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}
