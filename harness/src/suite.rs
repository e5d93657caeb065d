//! The `cargo test` front end: one libtest-mimic trial per case.
//!
//! Trials share one tokio runtime, one HTTP client and (when no service is configured) one
//! embedded mock. Skipped cases become ignored trials that print their reason.

use crate::case::{self, Case};
use crate::config::Config;
use crate::redact::Secrets;
use crate::run::{Outcome, Runner};
use libtest_mimic::{Arguments, ColorSetting, Completion, Failed, Trial};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the suite: reads the configuration from the environment, lists the cases under the
/// cases folder (relative paths resolved against `root`), and hands the trials to libtest-mimic.
pub fn main(root: &Path, args: Arguments) -> ExitCode {
    match trials(root, &args) {
        Ok((trials, _runtime)) => libtest_mimic::run(&args, trials).exit_code(),
        Err(error) => {
            eprintln!("error: the contract suite could not start: {error}");
            ExitCode::from(2)
        }
    }
}

fn trials(root: &Path, args: &Arguments) -> anyhow::Result<(Vec<Trial>, tokio::runtime::Runtime)> {
    let config = Config::from_env(root)?;
    let list = case::list(&config.cases)?;
    let schemas = Arc::new(config.load_schemas()?);
    let options = config.run_options()?;
    let secrets = Arc::new(Secrets::new(options.client.secrets()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let runner = Arc::new(runtime.block_on(Runner::start(&list.cases, schemas, options))?);
    let color = match args.color.unwrap_or_default() {
        ColorSetting::Always => true,
        ColorSetting::Never => false,
        ColorSetting::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    // nextest runs each trial in its own process and cannot see a skip decided at run time, so
    // there skipped cases carry libtest's static ignore flag; elsewhere they run and report
    // their reason ("ignored, <reason>") unless --ignored asks for exactly the ignored ones.
    let flag_skips = args.ignored || std::env::var_os("NEXTEST").is_some();
    let handle = runtime.handle().clone();
    let trials = list
        .cases
        .into_iter()
        .map(|case| {
            let skipped = runner.plan(&case).is_err();
            let (runner, handle, secrets) =
                (Arc::clone(&runner), handle.clone(), Arc::clone(&secrets));
            Trial::ignorable_test(case.id.clone(), move || {
                run_trial(&runner, &handle, &case, color).map_err(|failed| redact(&secrets, failed))
            })
            .with_ignored_flag(skipped && flag_skips)
        })
        .collect();
    Ok((trials, runtime))
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
    color: bool,
) -> Result<Completion, Failed> {
    let result = handle.block_on(runner.run_case(case));
    match result.outcome {
        Outcome::Passed => Ok(Completion::Completed),
        Outcome::Skipped { reason, .. } => Ok(Completion::ignored_with(reason)),
        Outcome::Failed(verdict) => Err(verdict.render(case, color).into()),
        Outcome::Error(message) => {
            Err(format!("{} ({}:{}): {message}", case.id, case.file, case.line).into())
        }
    }
}
