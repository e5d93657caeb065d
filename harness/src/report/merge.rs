//! `contract report merge`: the JSON reports of a sharded run read back and joined into one
//! [`Report`], from which every format is written as if the run had not been split.
//!
//! The JSON report is the one format that holds everything the others show, so it is the one
//! the shards hand on. Cases are put back in the order of the whole run (their `ordinal`), the
//! counts added up, and the wall time is the slowest shard's, each shard listed with its own.

use super::json::{WireReport, FORMAT_VERSION};
use super::{Report, Shard};
use crate::runner::Summary;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A report that cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// Which.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a JSON report this version can read.
    #[error("{}:{line}:{column}: not a contract JSON report: {message}; pass the report.json files that `contract run --report-json` or `--report-dir` wrote", path.display())]
    Invalid {
        /// Which file.
        path: PathBuf,
        /// Where in it.
        line: usize,
        /// Where in the line.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Written by a newer or older contract.
    #[error("{}: JSON report format version {found}; this contract merges version {FORMAT_VERSION} only; merge with the contract that wrote it", path.display())]
    Version {
        /// Which file.
        path: PathBuf,
        /// The version it says.
        found: u32,
    },
    /// Two shards ran the same case: they were not shards of one run.
    #[error("the case {id} is in both {} and {}; merge the shards of one run (the same --partition kind and N, each K once)", first.display(), second.display())]
    Overlap {
        /// The case.
        id: String,
        /// One report.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// Nothing to merge.
    #[error("no JSON report found in {}; pass report files or folders holding *.json reports", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Empty(Vec<PathBuf>),
}

/// The report files named: files as they are, folders for every `*.json` in them (sorted).
pub fn report_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, MergeError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| MergeError::Read {
                path: path.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(MergeError::Empty(paths.to_vec()));
    }
    Ok(files)
}

/// Reads and merges the JSON reports at `paths` (files, or folders of `*.json`).
pub fn merge_files(paths: &[PathBuf]) -> Result<Report, MergeError> {
    let files = report_files(paths)?;
    let mut reports = Vec::with_capacity(files.len());
    for file in &files {
        reports.push((file.clone(), read(file)?));
    }
    merge(reports)
}

/// Joins shard reports into one: cases in the whole run's order, counts added, the slowest
/// shard's wall time, each shard listed.
pub fn merge(reports: Vec<(PathBuf, Report)>) -> Result<Report, MergeError> {
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    let mut merged: Option<Report> = None;
    for (path, report) in reports {
        for case in &report.cases {
            if let Some(first) = seen.insert(case.id.clone(), path.clone()) {
                return Err(MergeError::Overlap {
                    id: case.id.clone(),
                    first,
                    second: path,
                });
            }
        }
        let shards = if report.shards.is_empty() {
            vec![Shard {
                partition: path.display().to_string(),
                cases: report.cases.len(),
                duration_ms: report.wall.as_secs_f64() * 1000.0,
            }]
        } else {
            report.shards.clone()
        };
        merged = Some(match merged {
            None => Report { shards, ..report },
            Some(mut sum) => {
                add(&mut sum.summary, &report.summary);
                sum.wall = sum.wall.max(report.wall);
                sum.is_mock &= report.is_mock;
                sum.cases.extend(report.cases);
                sum.shards.extend(shards);
                for stale in report.stale {
                    if !sum.stale.contains(&stale) {
                        sum.stale.push(stale);
                    }
                }
                sum
            }
        });
    }
    let mut merged = merged.ok_or_else(|| MergeError::Empty(Vec::new()))?;
    merged.cases.sort_by_key(|c| c.ordinal);
    Ok(merged)
}

fn add(sum: &mut Summary, other: &Summary) {
    sum.passed += other.passed;
    sum.passed_with_warnings += other.passed_with_warnings;
    sum.failed += other.failed;
    sum.known_failures += other.known_failures;
    sum.fixed += other.fixed;
    sum.errors += other.errors;
    sum.answered += other.answered;
    for (kind, count) in &other.skipped {
        *sum.skipped.entry(*kind).or_default() += count;
    }
}

/// Reads one JSON report back into the reports' view of a run.
pub fn read(path: &Path) -> Result<Report, MergeError> {
    let text = std::fs::read_to_string(path).map_err(|source| MergeError::Read {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |error: serde_json::Error| MergeError::Invalid {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    };
    #[derive(Deserialize)]
    struct Version {
        format_version: u32,
    }
    let version: Version = serde_json::from_str(&text).map_err(invalid)?;
    if version.format_version != FORMAT_VERSION {
        return Err(MergeError::Version {
            path: path.to_owned(),
            found: version.format_version,
        });
    }
    let report: WireReport = serde_json::from_str(&text).map_err(invalid)?;
    Ok(report.into_report())
}
