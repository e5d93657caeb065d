//! `contract schemas import`: JSON Schemas generated from OData CSDL.

use anyhow::Context;
use contract_harness::schema::import::{self, GENERATED_MARK};
use contract_harness::schema::{csdl, typed_values};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub(crate) struct SchemasArgs {
    #[command(subcommand)]
    command: SchemasCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SchemasCommand {
    /// Generate one JSON Schema per entity, complex and enum type of a CSDL document, or
    /// (`--docs`) per resource and enumeration the docs' own pages document.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The OData metadata document (`$metadata`, CSDL XML).
    #[arg(long, required_unless_present = "docs", conflicts_with = "docs")]
    csdl: Option<PathBuf>,
    /// A folder of pages: write the types its resource and enumeration pages document (their
    /// JSON blocks and Properties, Relationships and enumeration tables), one folder per API
    /// version, as `contract lint` and `run` use them where the schemas folder has no type.
    #[arg(long, value_name = "DIR")]
    docs: Option<PathBuf>,
    /// Folder to write `<namespace>.<Type>.json` files into. Generated files there that this
    /// import does not write again are removed; hand-written files are left alone.
    #[arg(long)]
    out: PathBuf,
    /// An alias the document uses but does not declare, as ALIAS=NAMESPACE
    /// (e.g. graph=microsoft.graph). Repeatable.
    #[arg(long, value_name = "ALIAS=NAMESPACE", value_parser = parse_alias)]
    namespace_alias: Vec<(String, String)>,
    /// Import only these types (comma-separated) and what validating them needs.
    #[arg(long, value_delimiter = ',', value_name = "TYPE,...")]
    only: Vec<String>,
    /// Import only the types that the pages under DIR name (`@odata.type` in annotations and
    /// bodies) and what validating them needs. Combines with --only.
    #[arg(long, value_name = "DIR")]
    cases: Option<PathBuf>,
}

fn parse_alias(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((alias, namespace)) if !alias.is_empty() && !namespace.is_empty() => {
            Ok((alias.trim().to_owned(), namespace.trim().to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not ALIAS=NAMESPACE (e.g. graph=microsoft.graph)"
        )),
    }
}

pub(crate) fn run(args: SchemasArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SchemasCommand::Import(args) => import_command(args),
    }
}

/// `schemas import --docs DIR`: the documented types, one folder per version.
fn import_docs(docs: &Path, out_dir: &Path) -> anyhow::Result<ExitCode> {
    let catalog = contract_harness::catalog::Catalog::read(docs)?;
    super::print_findings(docs, &catalog.findings);
    let model = &catalog.model;
    let versions: BTreeSet<&str> = model
        .resources
        .iter()
        .map(|r| r.version.as_str())
        .chain(model.enums.iter().map(|e| e.version.as_str()))
        .collect();
    let mut total = 0;
    for version in versions {
        let folder = if version == "unversioned" {
            out_dir.to_owned()
        } else {
            out_dir.join(version)
        };
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("failed to create the output folder {}", folder.display()))?;
        for (file, schema) in model.schemas(version, &|_| None) {
            let path = folder.join(&file);
            let mut text = serde_json::to_string_pretty(&schema)?;
            text.push('\n');
            std::fs::write(&path, text)
                .with_context(|| format!("failed to write {}", path.display()))?;
            total += 1;
        }
    }
    let mut out = super::output::stdout();
    writeln!(
        out,
        "wrote {total} schemas ({} resources, {} enumerations documented) from {} into {}",
        model.resources.len(),
        model.enums.len(),
        docs.display(),
        out_dir.display()
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn import_command(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let Some(csdl_path) = &args.csdl else {
        let docs = args
            .docs
            .as_deref()
            .expect("clap requires --csdl or --docs");
        return import_docs(docs, &args.out);
    };
    let model = csdl::read(csdl_path, &args.namespace_alias)?;
    let mut roots = args.only.clone();
    if let Some(dir) = &args.cases {
        let named = types_named_by_cases(dir)?;
        let (known, unknown): (Vec<_>, Vec<_>) =
            named.into_iter().partition(|t| model.lookup(t).is_some());
        if !unknown.is_empty() {
            super::output::note!(
                "note: {} type(s) named by the pages under {} are not in {}: {}",
                unknown.len(),
                dir.display(),
                csdl_path.display(),
                unknown.join(", ")
            );
        }
        roots.extend(known);
    }
    let partial = !args.only.is_empty() || args.cases.is_some();
    let selection = if partial {
        Some(import::closure(&model, &roots)?)
    } else {
        None
    };
    let source = csdl_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let generated = import::generate(&model, selection.as_ref(), &source);
    let converted = started.elapsed();

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("failed to create the output folder {}", args.out.display()))?;
    let mut written = BTreeSet::new();
    for doc in &generated {
        let path = args.out.join(&doc.file_name);
        let mut text = serde_json::to_string_pretty(&doc.schema)?;
        text.push('\n');
        std::fs::write(&path, text)
            .with_context(|| format!("failed to write {}", path.display()))?;
        written.insert(doc.file_name.clone());
    }
    let removed = remove_stale(&args.out, &written)?;

    let (entity, complex, enums, definitions) = model.counts(selection.as_ref());
    let mut out = super::output::stdout();
    writeln!(
        out,
        "imported {} types ({entity} entity, {complex} complex, {enums} enum, {definitions} type definitions) from {} into {} in {:.2} s (conversion {:.2} s){}",
        generated.len(),
        csdl_path.display(),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        converted.as_secs_f64(),
        if removed > 0 { format!("; removed {removed} stale generated file(s)") } else { String::new() }
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The `@odata.type`s the cases name: annotations, and every `@odata.type` in the documented
/// request and response bodies (nested values too).
fn types_named_by_cases(dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    let list = contract_harness::catalog::Catalog::read(dir)?;
    let mut named = BTreeSet::new();
    for case in &list.cases {
        named.extend(case.expect.odata_type.clone());
        let bodies = [
            case.request.as_ref().and_then(|r| r.body.json()),
            case.response.as_ref().and_then(|r| r.body.json()),
        ];
        for body in bodies.into_iter().flatten() {
            named.extend(typed_values(body).into_iter().map(|(_, t, _)| t.to_owned()));
        }
    }
    Ok(named
        .into_iter()
        .map(|t| t.trim_start_matches('#').to_owned())
        .collect())
}

/// Removes generated files (they carry [`GENERATED_MARK`]) that this import did not write.
fn remove_stale(out: &Path, written: &BTreeSet<String>) -> anyhow::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".json") || written.contains(name) {
            continue;
        }
        let generated = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| {
                v.get("$comment")
                    .and_then(Value::as_str)
                    .map(|c| c.starts_with(GENERATED_MARK))
            })
            .unwrap_or(false);
        if generated {
            std::fs::remove_file(&path)
                .with_context(|| format!("failed to remove the stale file {}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}
