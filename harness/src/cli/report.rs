//! `contract report merge`: one set of reports from the JSON reports of a sharded run.

use contract_harness::redact::Secrets;
use contract_harness::report::{self, merge, Outputs};
use contract_harness::session::Exit;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ReportCommand {
    /// Merge the shards' JSON reports (files, or folders of `*.json`) into all four reports,
    /// as if the run had not been split: cases in the run's order, counts added up, the wall
    /// time of the slowest shard and each shard's.
    Merge {
        /// The JSON reports, or folders holding them.
        #[arg(required = true, value_name = "REPORT")]
        reports: Vec<PathBuf>,
        /// Folder to write `junit.xml`, `report.json`, `summary.md` and `report.html` into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Prefix for the HTML report's links to pages.
        #[arg(long, env = "CONTRACT_REPORT_LINK_BASE", value_name = "URL")]
        report_link_base: Option<String>,
    },
}

pub(crate) fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ReportCommand::Merge {
            reports,
            out,
            report_link_base,
        } => {
            let merged = merge::merge_files(&reports)?;
            std::fs::create_dir_all(&out)
                .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", out.display()))?;
            let outputs = Outputs {
                link_base: report_link_base,
                ..Outputs::in_dir(&out)
            };
            // The shards' reports are already redacted; nothing more is known here.
            report::write(&merged, &Secrets::none(), &outputs)?;
            super::output::note!(
                "merged {} cases from {} shards into {}: {}",
                merged.cases.len(),
                merged.shards.len(),
                out.display(),
                report::terminal::summary(&merged)
            );
            Ok(if merged.summary.success() {
                Exit::Success
            } else {
                Exit::Failed
            }
            .into())
        }
    }
}
