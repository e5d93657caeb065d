//! One run, from configuration to reports: the path `contract run` and the `cargo test` suite
//! share, so that both find the same cases, print the same findings, warnings and summary,
//! and write the same reports.
//!
//! [`Session::prepare`] reads the catalog and the schemas (at the same time), the known
//! issues, attaches each example's lint findings to its case, and starts the runner (the
//! embedded mock or the target). The front end then sends the cases it selects, its own way
//! (a progress bar, or one libtest trial per case), and hands the results to
//! [`Session::finish`], which builds the [`Report`] and writes every output asked for.

use crate::case::{Case, Partition};
use crate::config::Config;
use crate::finding::Finding;
use crate::known::Stale;
use crate::redact::Secrets;
use crate::report::{self, Outputs, Report, Shard};
use crate::runner::{CaseResult, Runner};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// How a command ends, for the shell and CI: one place for every exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything that ran passed (or `lint` found no error).
    Success,
    /// A case failed, or `lint` found an error.
    Failed,
    /// The tool could not do its job: bad configuration, an unreadable folder, a report that
    /// could not be written.
    Setup,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Failed => 1,
            Exit::Setup => 2,
        })
    }
}

/// Everything a run needs before its first request: the cases, what reading them found, and
/// a started runner.
pub struct Session {
    /// The configuration it was prepared from.
    pub config: Config,
    /// Every case the catalog found, in catalog order, each with its example's lint findings.
    pub cases: Vec<Case>,
    /// Problems met reading the pages and scenario files.
    pub findings: Vec<Finding>,
    /// Known-issue entries that match no case (of all found, not only those a filter keeps).
    pub stale: Vec<Stale>,
    /// The runner, its embedded mock (when there is no target) serving every case.
    pub runner: Arc<Runner>,
    /// The runtime the runner lives on; front ends block on it.
    pub runtime: tokio::runtime::Runtime,
}

impl Session {
    /// Reads what the configuration names and starts the runner. The schemas are read while
    /// the pages are parsed.
    pub fn prepare(config: Config) -> anyhow::Result<Session> {
        let (catalog, schemas) = std::thread::scope(|scope| {
            let schemas = scope.spawn(|| config.schemas.load());
            let catalog = config.cases.catalog();
            (
                catalog,
                schemas.join().expect("reading schemas does not panic"),
            )
        });
        let catalog = catalog?;
        let mut schemas = schemas?;
        // The docs' own types serve where the schemas folder has none.
        catalog.model.add_to(&mut schemas);
        let schemas = Arc::new(schemas);
        let mut options = config.run_options()?;
        let stale = options.known.as_ref().map_or_else(Vec::new, |known| {
            known.stale(catalog.cases.iter().map(|c| c.id.as_str()))
        });
        let accounts = crate::accounts::ForRun::read(
            &config.target.accounts_wanted(),
            catalog.accounts_file.as_deref(),
            &|name| std::env::var(name).ok(),
        )?;
        let mut findings = catalog.findings;
        findings.extend(accounts.findings);
        let mut cases = catalog.cases;
        crate::lint::attach(&mut cases, &schemas);
        let cases = per_account(cases, &accounts.accounts);
        options.accounts = accounts.accounts;
        options.secondary = accounts.secondary;
        options.refused = accounts.refused;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let runner = Arc::new(runtime.block_on(Runner::start(&cases, schemas, options))?);
        Ok(Session {
            config,
            cases,
            findings,
            stale,
            runner,
            runtime,
        })
    }

    /// The problems met reading the pages and scenario files, one `page:line: severity[rule]:
    /// message` line each, paths as a person can open them: what both front ends print
    /// before the run, so that an example that silently lost its annotation, or a scenario
    /// file that changes what runs, is not a mystery.
    pub fn findings_text(&self) -> String {
        findings_text(&self.config.cases.cases, &self.findings)
    }

    /// Builds the report of `results` (the cases the front end sent, in `cases` order), writes
    /// every report `outputs` asks for, and on GitHub Actions prints the annotations to `out`.
    /// `partition` is the shard this run was, if any.
    pub fn finish(
        &self,
        cases: &[Case],
        results: &[CaseResult],
        wall: Duration,
        partition: Option<Partition>,
        outputs: &Outputs,
        out: &mut dyn Write,
    ) -> anyhow::Result<Finished> {
        // Every secret known now: the tokens fetched during the run too.
        let secrets = self.runner.secrets();
        let mut report = Report::new(
            cases,
            results,
            wall,
            self.runner.base_url(),
            self.runner.is_mock(),
            &self.config.cases.cases,
            &secrets,
        );
        report.stale = self.stale.clone();
        if let Some(partition) = partition {
            report.shards = vec![Shard {
                partition: partition.to_string(),
                cases: report.cases.len(),
                duration_ms: wall.as_secs_f64() * 1000.0,
            }];
        }
        if report::github::enabled() {
            let annotations =
                report::github::annotations(&report, &secrets, &report::github::repo_root());
            out.write_all(annotations.as_bytes())?;
            out.flush()?;
        }
        report::write(&report, &secrets, outputs)?;
        Ok(Finished { report, secrets })
    }
}

/// Each case once per account, as ApiDoctor runs every enabled account: with one account the
/// ids stay as they are, with several each id ends in `@account`.
fn per_account(cases: Vec<Case>, accounts: &[crate::accounts::Account]) -> Vec<Case> {
    match accounts {
        [] => cases,
        [one] => cases
            .into_iter()
            .map(|mut case| {
                case.account = Some(one.name.clone());
                case
            })
            .collect(),
        many => many
            .iter()
            .flat_map(|account| {
                cases.iter().map(move |case| {
                    let mut case = case.clone();
                    case.id = format!("{}@{}", case.id, account.name);
                    case.account = Some(account.name.clone());
                    case
                })
            })
            .enumerate()
            .map(|(ordinal, mut case)| {
                case.ordinal = ordinal;
                case
            })
            .collect(),
    }
}

/// A finished run: its report, and every secret to hide from what is printed of it.
pub struct Finished {
    /// The report, every text in it already redacted.
    pub report: Report,
    /// The secrets, fetched tokens included.
    pub secrets: Secrets,
}

impl Finished {
    /// Success when no case fails the run.
    pub fn exit(&self) -> Exit {
        if self.report.summary.success() {
            Exit::Success
        } else {
            Exit::Failed
        }
    }
}

/// `findings`, one line each, a page's path joined to `root` (a scenario file named with
/// `--scenarios` is outside the folder and already named in full).
pub fn findings_text(root: &Path, findings: &[Finding]) -> String {
    let root = root.display().to_string();
    let root = root.trim_end_matches('/');
    let mut text = String::new();
    for finding in findings {
        if Path::new(&finding.file).is_absolute() {
            text.push_str(&format!("{finding}\n"));
        } else {
            text.push_str(&format!("{root}/{finding}\n"));
        }
    }
    text
}

/// Whether to colour what goes to standard output: `forced` when the user said, else when it
/// is a terminal and `NO_COLOR` is unset.
pub fn colour(forced: Option<bool>) -> bool {
    forced.unwrap_or_else(|| {
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
    })
}
