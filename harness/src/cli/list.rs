//! `contract list`: one row per case.

use super::Format;
use contract_harness::case::{self, Case};
use contract_harness::config::CasesArgs;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    cases: CasesArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// One row of `contract list --format json`.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    file: &'a str,
    line: usize,
    method: Option<&'a str>,
    url: Option<&'a str>,
    placeholders: &'a [String],
    expected_status: Option<u16>,
    odata_type: Option<&'a str>,
    truncated: bool,
    is_collection: bool,
    is_empty: bool,
    expect_error: bool,
    runnable: bool,
    skip_reason: Option<String>,
}

impl<'a> From<&'a Case> for Row<'a> {
    fn from(case: &'a Case) -> Self {
        Row {
            id: &case.id,
            file: &case.file,
            line: case.line,
            method: case.request.as_ref().map(|r| r.method.as_str()),
            url: case.request.as_ref().map(|r| r.url.as_str()),
            placeholders: &case.placeholders,
            expected_status: case.expected_status(),
            odata_type: case.expect.odata_type.as_deref(),
            truncated: case.expect.truncated,
            is_collection: case.expect.is_collection,
            is_empty: case.expect.is_empty,
            expect_error: case.expect.expect_error,
            runnable: case.runnable(),
            skip_reason: case.skip.as_ref().map(ToString::to_string),
        }
    }
}

pub(crate) fn run(args: ListArgs) -> anyhow::Result<ExitCode> {
    let list = args.cases.catalog()?;
    super::print_findings(&args.cases.cases, &list.findings);
    let mut out = super::output::stdout();
    match args.format {
        Format::Json => {
            let rows: Vec<Row> = list.cases.iter().map(Row::from).collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &list)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_text(
    out: &mut impl Write,
    list: &contract_harness::catalog::Catalog,
) -> std::io::Result<()> {
    let id_width = list
        .cases
        .iter()
        .map(|c| c.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    let location = |c: &Case| format!("{}:{}", c.file, c.line);
    let location_width = list
        .cases
        .iter()
        .map(|c| location(c).len())
        .max()
        .unwrap_or(8)
        .max(8);
    writeln!(
        out,
        "{:id_width$}  {:7}  {:6}  {:location_width$}  RUNS",
        "ID", "METHOD", "STATUS", "LOCATION"
    )?;
    for case in &list.cases {
        let method = case.request.as_ref().map_or("?", |r| r.method.as_str());
        let status = case
            .expected_status()
            .map_or("?".to_owned(), |s| s.to_string());
        let runs = match &case.skip {
            None => "yes".to_owned(),
            Some(reason) => format!("skipped: {reason}"),
        };
        writeln!(
            out,
            "{:id_width$}  {method:7}  {status:6}  {:location_width$}  {runs}",
            case.id,
            location(case)
        )?;
    }
    let mut skipped: BTreeMap<case::SkipKind, usize> = BTreeMap::new();
    for reason in list.cases.iter().filter_map(|c| c.skip.as_ref()) {
        *skipped.entry(reason.kind()).or_default() += 1;
    }
    let runnable = list.cases.iter().filter(|c| c.runnable()).count();
    write!(
        out,
        "\n{} cases in {} pages, {runnable} runnable, {} skipped",
        list.cases.len(),
        list.pages,
        list.cases.len() - runnable
    )?;
    if !skipped.is_empty() {
        let parts: Vec<String> = skipped
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        write!(out, " ({})", parts.join(", "))?;
    }
    writeln!(out)
}
