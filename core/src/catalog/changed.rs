//! `--changed-since GIT_REF`: only what a pull request touched. The pages changed since the
//! ref (committed, staged, in the work tree, or new and not ignored), and the pages whose
//! examples use a type defined on a changed resource page.

use super::Catalog;
use crate::finding::Finding;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why the changed pages could not be found.
#[derive(Debug, thiserror::Error)]
pub enum ChangedError {
    /// `git` could not be run.
    #[error("--changed-since needs git, which could not be run: {0}; install git, or run without --changed-since")]
    NoGit(std::io::Error),
    /// The cases folder is not in a git work tree.
    #[error("--changed-since: {} is not in a git work tree; run without --changed-since, or point --cases at a folder of a git repository", .0.display())]
    NotAWorkTree(PathBuf),
    /// The ref names no commit.
    #[error("--changed-since: `{reference}` is no commit of the repository at {}: {message}; give a branch, tag or commit that exists (fetch it first in a shallow CI clone)", root.display())]
    NoSuchRef {
        /// The ref as given.
        reference: String,
        /// The folder.
        root: PathBuf,
        /// What git said.
        message: String,
    },
    /// git failed otherwise.
    #[error("--changed-since: `git {command}` failed in {}: {message}", root.display())]
    Git {
        /// The git arguments.
        command: String,
        /// The folder.
        root: PathBuf,
        /// What git said.
        message: String,
    },
}

/// The files under `root` (relative to it, `/`-separated) changed since `reference`.
pub fn changed_since(root: &Path, reference: &str) -> Result<HashSet<String>, ChangedError> {
    let git = |args: &[&str]| -> Result<std::process::Output, ChangedError> {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(ChangedError::NoGit)
    };
    let inside = git(&["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() || String::from_utf8_lossy(&inside.stdout).trim() != "true" {
        return Err(ChangedError::NotAWorkTree(root.to_owned()));
    }
    let verified = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{reference}^{{commit}}"),
    ])?;
    if !verified.status.success() {
        return Err(ChangedError::NoSuchRef {
            reference: reference.to_owned(),
            root: root.to_owned(),
            message: "git rev-parse --verify found nothing".to_owned(),
        });
    }
    let mut files = HashSet::new();
    for args in [
        &["diff", "--name-only", "--relative", reference, "--", "."][..],
        &["ls-files", "--others", "--exclude-standard", "--", "."][..],
    ] {
        let output = git(args)?;
        if !output.status.success() {
            return Err(ChangedError::Git {
                command: args.join(" "),
                root: root.to_owned(),
                message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        files.extend(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    Ok(files)
}

impl Catalog {
    /// Keeps the cases of the `changed` pages, and of the pages whose examples use a type a
    /// changed resource page defines; keeps the findings of the pages kept. Returns the pages
    /// kept.
    pub fn keep_changed(&mut self, changed: &HashSet<String>) -> HashSet<String> {
        let types: HashSet<String> = self
            .model
            .resources
            .iter()
            .filter(|r| changed.contains(&r.at.file))
            .map(|r| r.name.to_ascii_lowercase())
            .chain(
                self.model
                    .enums
                    .iter()
                    .filter(|e| changed.contains(&e.at.file))
                    .map(|e| e.name.to_ascii_lowercase()),
            )
            .collect();
        let uses_changed_type =
            |case: &crate::case::Case| {
                case.expect.odata_type.as_deref().is_some_and(|t| {
                    types.contains(&t.trim_start_matches('#').to_ascii_lowercase())
                }) || case
                    .inferred_request_type()
                    .is_some_and(|t| types.contains(&t.to_ascii_lowercase()))
            };
        let mut kept: HashSet<String> = changed.clone();
        kept.extend(
            self.cases
                .iter()
                .filter(|c| uses_changed_type(c))
                .map(|c| c.file.clone()),
        );
        self.cases.retain(|c| kept.contains(&c.file));
        self.findings.retain(|f| keeps(&kept, f));
        kept
    }
}

/// True when `finding` is about a kept page (or a file outside the cases folder, such as a
/// scenario file named with `--scenarios`, which is always said).
pub fn keeps(kept: &HashSet<String>, finding: &Finding) -> bool {
    kept.contains(&finding.file) || Path::new(&finding.file).is_absolute()
}
