//! Command-line parsing and the subcommands. Each subcommand is a thin shell over the library.

mod lint;
mod list;
mod mock;
pub(crate) mod output;
mod report;
mod run;
mod schemas;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use contract_harness::session::Exit;
use output::note;
use std::process::ExitCode;

/// Contract tests for Markdown API reference docs.
#[derive(Debug, Parser)]
#[command(name = "contract", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the test cases found in the pages, with why a case cannot run.
    List(list::ListArgs),
    /// Run every documented example against a service (or the embedded mock) and check it.
    Run(Box<run::RunArgs>),
    /// Serve the documented examples as a mock service.
    Mock(mock::MockArgs),
    /// Check the pages themselves, without a service: schemas, annotations, leftovers.
    Lint(lint::LintArgs),
    /// Manage the JSON Schemas that bodies are validated against.
    Schemas(schemas::SchemasArgs),
    /// Work with reports: merge the JSON reports of a sharded run.
    Report(report::ReportArgs),
    /// Print a shell completion script: `contract completions bash > /etc/bash_completion.d/contract`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Output format shared by the subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// Prints the problems met while reading the pages, as `lint` would, so that an example that
/// silently lost its annotation is not a mystery.
pub(crate) fn print_findings(
    root: &std::path::Path,
    findings: &[contract_harness::finding::Finding],
) {
    let text = contract_harness::session::findings_text(root, findings);
    if !text.is_empty() {
        note!("{}", text.trim_end());
    }
}

pub(crate) fn main() -> ExitCode {
    contract_harness::config::forget_empty_variables();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.kind() == clap::error::ErrorKind::ValueValidation => {
            // clap names the flag; a bad value that came from a CONTRACT_* variable says so.
            let message = contract_harness::config::describe(&error, &Cli::command());
            note!("error: {message}\n\nFor more information, try '--help'.");
            return Exit::Setup.into();
        }
        Err(error) => error.exit(),
    };
    let result = match cli.command {
        Command::List(args) => list::run(args),
        Command::Run(args) => run::run(*args),
        Command::Mock(args) => mock::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Schemas(args) => schemas::run(args),
        Command::Report(args) => report::run(args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "contract", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let mut shown = error.to_string();
            note!("error: {shown}");
            let mut source = error.source();
            while let Some(cause) = source {
                // Our messages already quote their cause; print only what they do not say.
                let text = cause.to_string();
                if !shown.contains(&text) {
                    note!("  caused by: {text}");
                    shown.push_str(&text);
                }
                source = cause.source();
            }
            Exit::Setup.into()
        }
    }
}
