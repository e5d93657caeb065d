//! The catalog: every documented example under a folder, as the cases a run sends.
//!
//! It walks the folder once, parses each page into its cases ([`crate::case`]), reads the
//! scenario files ([`crate::scenario`]) and attaches them to the requests they drive, makes
//! every id unique, and numbers the cases in their final order. The layers below it (`doc`,
//! `http`, `case`, `scenario`) each read one thing and know nothing of each other's files.

mod attach;
mod changed;

pub use changed::{changed_since, keeps, ChangedError};

use crate::case::{cases_of_page, Case};
use crate::doc::{parse_page, Page};
use crate::finding::{Finding, Rule};
use crate::text::{is_version, relative};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Every case found under a folder, in a stable order (pages sorted by path, cases in page
/// order, a scenario's cases where its request was), with the problems met reading them.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The cases, ids unique, [`Case::ordinal`] their position here.
    pub cases: Vec<Case>,
    /// Problems in the pages and scenario files met while reading them.
    pub findings: Vec<Finding>,
    /// How many pages were read.
    pub pages: usize,
    /// The types the resource and enumeration pages document.
    pub model: crate::resource::Model,
    /// ApiDoctor's accounts file, when one is among the scenario files' folders.
    pub accounts_file: Option<PathBuf>,
}

/// Why the catalog could not be built at all. Problems in single pages are findings instead.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// `--changed-since` could not find the changed pages.
    #[error(transparent)]
    Changed(#[from] ChangedError),
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

impl Catalog {
    /// Reads every `.md` page under `root` (recursively) and builds its cases, then attaches
    /// the scenario files found under `root` ([`crate::scenario`]).
    ///
    /// A page or scenario file that cannot be read becomes a finding; the reading goes on.
    pub fn read(root: &Path) -> Result<Catalog, CatalogError> {
        Catalog::read_with(root, &[], |_| Vec::new())
    }

    /// [`Catalog::read`], also reading the scenario files at `scenarios` (files or folders,
    /// besides those under `root`), and calling `visit` with each page after its cases are
    /// built; what `visit` returns joins the findings (lint's page rules).
    ///
    /// Pages are read and parsed on every core, then put back in path order, so the result is
    /// the same as a one-page-at-a-time reading.
    pub fn read_with(
        root: &Path,
        scenarios: &[PathBuf],
        visit: impl Fn(&PageView) -> Vec<Finding> + Sync,
    ) -> Result<Catalog, CatalogError> {
        let absolute = root.canonicalize().map_err(|source| CatalogError::Root {
            path: root.to_owned(),
            source,
        })?;
        let walked = walk(&absolute, &visit);
        let mut findings = walked.findings;
        let mut ids = Ids::default();
        let mut cases = walked.cases;
        for case in &mut cases {
            case.id = ids.claim(std::mem::take(&mut case.id));
        }
        let loaded = crate::scenario::load(&absolute, walked.scenario_files, scenarios);
        findings.extend(loaded.findings.iter().cloned());
        let mut cases = attach::scenarios(cases, &loaded, &mut ids, &mut findings);
        for (ordinal, case) in cases.iter_mut().enumerate() {
            case.ordinal = ordinal;
        }
        Ok(Catalog {
            cases,
            findings,
            pages: walked.pages,
            model: walked.model,
            accounts_file: loaded.accounts_file,
        })
    }
}

/// What one walk of the cases folder finds.
struct Walked {
    /// Every page's cases, in path order, ids unique within their page only.
    cases: Vec<Case>,
    /// Problems of the walk first, then the pages' own.
    findings: Vec<Finding>,
    /// Files that may hold scenarios.
    scenario_files: Vec<PathBuf>,
    /// How many pages were read.
    pages: usize,
    /// The types the pages document.
    model: crate::resource::Model,
}

/// One walk finds the pages and the scenario files. Pages are parsed as the walk finds them,
/// on every core, and put back in walk order (sorted by file name) afterwards.
fn walk(absolute: &Path, visit: &(impl Fn(&PageView) -> Vec<Finding> + Sync)) -> Walked {
    use rayon::prelude::*;
    let walk = walkdir::WalkDir::new(absolute)
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
                    let (cases, findings, model) = read_page(absolute, entry.path(), visit);
                    Found::Page(cases, findings, model)
                }
                Ok(entry) => {
                    crate::scenario::format_of(entry.path())?;
                    Found::Scenarios(entry.into_path())
                }
                Err(error) => {
                    let file = error
                        .path()
                        .map(|p| relative(absolute, p))
                        .unwrap_or_default();
                    Found::Unreadable(Finding::new(
                        Rule::UnreadableFile,
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
    let mut model = crate::resource::Model::default();
    for (_, found) in found {
        match found {
            Found::Page(page_cases, findings, page_model) => {
                page_count += 1;
                cases.extend(page_cases);
                page_findings.extend(findings);
                model.extend(page_model);
            }
            Found::Scenarios(path) => scenario_files.push(path),
            Found::Unreadable(finding) => findings.push(finding),
        }
    }
    findings.append(&mut page_findings);
    Walked {
        cases,
        findings,
        scenario_files,
        pages: page_count,
        model,
    }
}

/// What the walk found at one place.
enum Found {
    /// A page: its cases, findings and documented types.
    Page(Vec<Case>, Vec<Finding>, crate::resource::Model),
    /// A file that may hold scenarios ([`crate::scenario::format_of`]).
    Scenarios(PathBuf),
    /// Something that could not be read.
    Unreadable(Finding),
}

/// One page's cases, findings (reading, parsing, then `visit`'s) and documented types.
fn read_page(
    absolute: &Path,
    path: &Path,
    visit: &(impl Fn(&PageView) -> Vec<Finding> + Sync),
) -> (Vec<Case>, Vec<Finding>, crate::resource::Model) {
    let file = relative(absolute, path);
    let mut findings = Vec::new();
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                findings.push(Finding::new(
                    Rule::NotUtf8,
                    &file,
                    1,
                    "the page is not UTF-8; invalid bytes were replaced before parsing",
                ));
                String::from_utf8_lossy(error.as_bytes()).into_owned()
            }
        },
        Err(error) => {
            findings.push(Finding::new(
                Rule::UnreadableFile,
                &file,
                1,
                format!("cannot be read: {error}"),
            ));
            return (Vec::new(), findings, crate::resource::Model::default());
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
    let mut model = crate::resource::Model::default();
    if crate::resource::documents_types(&page, &text) {
        let version = folder_version(path).unwrap_or("unversioned");
        let (page_model, model_findings) = crate::resource::read_page(&page, &text, version);
        model = page_model;
        findings.extend(model_findings);
    }
    (cases, findings, model)
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

/// The ids a catalog has given out. Pages reuse example names (copy and paste), and two
/// scenarios may share a name: the second `x` becomes `x_2`, the third `x_3`, and a name that
/// is already taken (a page's own `x_2`) is skipped over.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// `wanted`, or `wanted_N` with the smallest free N from 2, now taken.
    pub(crate) fn claim(&mut self, wanted: String) -> String {
        let id = if self.taken.contains(&wanted) {
            (2..)
                .map(|n| format!("{wanted}_{n}"))
                .find(|candidate| !self.taken.contains(candidate))
                .expect("an unbounded range has a free name")
        } else {
            wanted
        };
        self.taken.insert(id.clone());
        id
    }

    /// Gives `id` back: its case was replaced (by its scenarios' cases).
    pub(crate) fn release(&mut self, id: &str) {
        self.taken.remove(id);
    }
}

#[cfg(test)]
mod tests;
