//! The case list: every page under a folder, parsed, with ids made unique across pages.

use super::{cases_of_page, is_version, Case};
use crate::doc::{parse_page, Page};
use crate::finding::Finding;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// All cases found under a folder, in a stable order (pages sorted by path, cases in page order).
#[derive(Debug, Clone)]
pub struct CaseList {
    /// The folder the pages were read from.
    pub root: PathBuf,
    /// How many pages were read.
    pub pages: usize,
    /// The cases.
    pub cases: Vec<Case>,
    /// Problems in the pages met while listing (unreadable annotations, files that are not text).
    pub findings: Vec<Finding>,
}

/// Why the case list could not be built at all. Problems in single pages are findings instead.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The cases folder does not exist or cannot be read.
    #[error("failed to read the cases folder {path}: {source}; pass --cases DIR (or set CONTRACT_CASES) to a folder of Markdown pages")]
    Root {
        /// The folder.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
}

/// One page as the listing saw it, for tools that look at more than the cases (lint).
pub struct PageView<'a> {
    /// The page's path relative to the cases folder.
    pub file: &'a str,
    /// The page's text.
    pub text: &'a str,
    /// The parsed page.
    pub page: &'a Page,
    /// The page's cases (ids not yet unique across pages).
    pub cases: &'a [Case],
}

/// Reads every `.md` page under `root` (recursively) and builds its cases, then attaches the
/// scenario files found under `root` ([`crate::scenario`]).
///
/// A page or scenario file that cannot be read becomes a finding; the listing goes on.
pub fn list(root: &Path) -> Result<CaseList, ListError> {
    list_with(root, &[], |_| Vec::new())
}

/// [`list`], also reading the scenario files at `scenarios` (files or folders, besides those
/// under `root`), and calling `visit` with each page after its cases are built; what `visit`
/// returns joins the list's findings (lint's page rules).
///
/// Pages are read and parsed on every core, then put back in path order, so the result is the
/// same as a one-page-at-a-time reading.
pub fn list_with(
    root: &Path,
    scenarios: &[PathBuf],
    visit: impl Fn(&PageView) -> Vec<Finding> + Sync,
) -> Result<CaseList, ListError> {
    use rayon::prelude::*;
    let absolute = root.canonicalize().map_err(|source| ListError::Root {
        path: root.to_owned(),
        source,
    })?;
    // One walk finds the pages and the scenario files. Pages are parsed as the walk finds
    // them, on every core, and put back in walk order (sorted by file name) afterwards.
    let walk = walkdir::WalkDir::new(&absolute)
        .sort_by_file_name()
        .follow_links(true);
    let mut found: Vec<(usize, Found)> = walk
        .into_iter()
        .enumerate()
        .par_bridge()
        .filter_map(|(order, entry)| {
            let found = match entry {
                Ok(entry) if !entry.file_type().is_file() => return None,
                Ok(entry) if entry.path().extension().is_some_and(|e| e == "md") => {
                    let (cases, findings) = read_page(&absolute, entry.path(), &visit);
                    Found::Page(cases, findings)
                }
                Ok(entry) => {
                    crate::scenario::format_of(entry.path())?;
                    Found::Scenarios(entry.into_path())
                }
                Err(error) => {
                    let file = error
                        .path()
                        .map(|p| relative(&absolute, p))
                        .unwrap_or_default();
                    Found::Unreadable(Finding::error(
                        "unreadable-file",
                        &file,
                        1,
                        format!("cannot be read: {error}"),
                    ))
                }
            };
            Some((order, found))
        })
        .collect();
    found.sort_unstable_by_key(|(order, _)| *order);
    let (mut findings, mut page_findings) = (Vec::new(), Vec::new());
    let (mut cases, mut scenario_files) = (Vec::new(), Vec::new());
    let mut page_count = 0;
    for (_, found) in found {
        match found {
            Found::Page(page_cases, findings) => {
                page_count += 1;
                cases.extend(page_cases);
                page_findings.extend(findings);
            }
            Found::Scenarios(path) => scenario_files.push(path),
            Found::Unreadable(finding) => findings.push(finding),
        }
    }
    // Problems of the walk first, then the pages' own.
    findings.append(&mut page_findings);
    make_ids_unique(&mut cases);
    let loaded = crate::scenario::load(&absolute, scenario_files, scenarios);
    findings.extend(loaded.findings.iter().cloned());
    let (mut cases, attach_findings) = crate::scenario::attach(cases, &loaded);
    findings.extend(attach_findings);
    for (ordinal, case) in cases.iter_mut().enumerate() {
        case.ordinal = ordinal;
    }
    Ok(CaseList {
        root: root.to_owned(),
        pages: page_count,
        cases,
        findings,
    })
}

/// What the walk found at one place.
enum Found {
    /// A page: its cases and findings.
    Page(Vec<Case>, Vec<Finding>),
    /// A file that may hold scenarios ([`crate::scenario::format_of`]).
    Scenarios(PathBuf),
    /// Something that could not be read.
    Unreadable(Finding),
}

/// One page's cases and findings (reading, parsing, then `visit`'s).
fn read_page(
    absolute: &Path,
    path: &Path,
    visit: &(impl Fn(&PageView) -> Vec<Finding> + Sync),
) -> (Vec<Case>, Vec<Finding>) {
    let file = relative(absolute, path);
    let mut findings = Vec::new();
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                findings.push(Finding::warning(
                    "not-utf8",
                    &file,
                    1,
                    "the page is not UTF-8; invalid bytes were replaced before parsing",
                ));
                String::from_utf8_lossy(error.as_bytes()).into_owned()
            }
        },
        Err(error) => {
            findings.push(Finding::error(
                "unreadable-file",
                &file,
                1,
                format!("cannot be read: {error}"),
            ));
            return (Vec::new(), findings);
        }
    };
    let mut page = parse_page(&file, &text);
    let cases = cases_of_page(&page, folder_version(path));
    let visited = visit(&PageView {
        file: &file,
        text: &text,
        page: &page,
        cases: &cases,
    });
    findings.append(&mut page.findings);
    findings.extend(visited);
    (cases, findings)
}

/// The innermost folder named like an API version (`v1.0`, `beta`).
fn folder_version(path: &Path) -> Option<&str> {
    let parent = path.parent()?;
    parent
        .iter()
        .rev()
        .filter_map(|c| c.to_str())
        .find(|c| is_version(c))
}

/// `path` relative to `root`, with `/` between components whatever the platform.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .iter()
        .map(|c| c.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Pages reuse example names (copy and paste); the second `x` becomes `x_2`, and so on.
fn make_ids_unique(cases: &mut [Case]) {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(cases.len());
    for case in cases.iter_mut() {
        let count = seen.entry(case.id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let mut candidate = format!("{}_{}", case.id, count);
            while seen.contains_key(&candidate) {
                *seen.get_mut(&case.id).expect("present") += 1;
                candidate = format!("{}_{}", case.id, seen[&case.id]);
            }
            seen.insert(candidate.clone(), 1);
            case.id = candidate;
        }
    }
}
