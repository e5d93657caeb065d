//! `contract lint`: documentation problems, as compiler-style diagnostics.

use super::Format;
use contract_harness::config::{CasesArgs, SchemasArgs};
use contract_harness::finding::Severity;
use contract_harness::lint;
use contract_harness::session::Exit;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    cases: CasesArgs,
    #[command(flatten)]
    schemas: SchemasArgs,
    /// Output format: diagnostics (`file:line: severity[rule]: message`) or a JSON array.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: LintArgs) -> anyhow::Result<ExitCode> {
    let mut schemas = args.schemas.load()?;
    let (mut list, mut findings) =
        lint::lint(&args.cases.cases, args.cases.scenario_paths(), &mut schemas)?;
    if let Some(reference) = &args.cases.changed_since {
        // Every page is read (the model and the links need them all); what changed is said.
        let changed = contract_harness::catalog::changed_since(&args.cases.cases, reference)?;
        let kept = list.keep_changed(&changed);
        findings.retain(|f| contract_harness::catalog::keeps(&kept, f));
    }
    let root = args.cases.cases.display().to_string();
    let mut out = super::output::stdout();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &findings)?;
            writeln!(out)?;
        }
        Format::Text => {
            for finding in &findings {
                // Paths as the user gave the folder, so editors and terminals can jump to them.
                writeln!(out, "{}/{finding}", root.trim_end_matches('/'))?;
            }
            let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
            for finding in &findings {
                *by_rule.entry(finding.rule.name()).or_default() += 1;
            }
            let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
            let notes = match count(Severity::Note) {
                0 => String::new(),
                n => format!(", {n} notes"),
            };
            writeln!(
                out,
                "\n{} errors, {} warnings{notes} in {} pages ({} schemas loaded)",
                count(Severity::Error),
                count(Severity::Warning),
                list.pages,
                schemas.len()
            )?;
            for (rule, count) in by_rule {
                writeln!(out, "  {count:6} {rule}")?;
            }
        }
    }
    out.flush()?;
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if failed { Exit::Failed } else { Exit::Success }.into())
}
