//! Scenarios: how to run a documented request against a live, stateful service. Set-up steps
//! create what the request needs, values captured from their answers fill its placeholders,
//! expectations add checks, and teardown steps remove what was made.
//!
//! Two file formats, one model: ApiDoctor's JSON scenario files, read as they are (any `.json`
//! under the cases folder with `scenarios` or `canned-requests` at its top), and our TOML
//! (`*scenarios.toml`), which adds `capture` on the request itself and `teardown`. Each
//! scenario becomes its own case (the catalog attaches it); the documented request it drives
//! then runs only through its scenarios.

pub mod grammar;
mod read;

pub use grammar::{Capture, Expectation, JsonPath, Param, Source, Target, Value};
pub use read::{read, FileContents, Format};

use crate::finding::{Finding, Located, Rule};
use crate::http::{Method, Request};
use crate::text::relative;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One way to run a documented request.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// What it is called; part of the case id.
    pub name: String,
    /// The `name` of the documented request it drives.
    pub method: String,
    /// Disabled scenarios do not run; a request whose scenarios are all disabled is skipped.
    pub enabled: bool,
    /// The API versions it applies to; empty for all. An account runs it only when it
    /// provides every one of them (ApiDoctor's `apiVersions`).
    pub versions: Vec<String>,
    /// Tags an account must have to run it.
    pub tags: Vec<String>,
    /// Scopes an account must have been granted to run it.
    pub scopes: Vec<String>,
    /// Statuses of its request's answer that the docs do not show but the scenario allows:
    /// such an answer is a warning, not a failure (ApiDoctor's scenario `allowed-status-codes`).
    pub allowed_status: Vec<u16>,
    /// While its request is answered with one of these, the request is sent again (a
    /// long-running operation's 202), when it is safe to repeat.
    pub retry_status: Vec<u16>,
    /// The scenario file, as found (relative to the cases folder when under it).
    pub file: String,
    /// 1-based line where the scenario starts.
    pub line: usize,
    /// Requests sent first, in order.
    pub setup: Vec<Step>,
    /// How to fill the documented request.
    pub params: Vec<Param>,
    /// Values the documented request's answer must have, besides the usual checks.
    pub expect: Vec<Expectation>,
    /// Values to capture from the documented request's answer (for teardown).
    pub capture: Vec<Capture>,
    /// Requests sent last, whatever happened before.
    pub teardown: Vec<Step>,
    /// Why it cannot run (bad input in its file, a step that names nothing), `file:line: …`;
    /// the case then ends as an error with this message.
    pub broken: Option<Located>,
}

/// One set-up or teardown request (or a canned request).
#[derive(Debug, Clone)]
pub struct Step {
    /// How output names it: its `name`, the request or canned request it uses, or its
    /// request line.
    pub label: String,
    /// Where its request comes from.
    pub source: StepSource,
    /// How to fill it.
    pub params: Vec<Param>,
    /// Values to capture from its answer.
    pub capture: Vec<Capture>,
    /// Status codes that count as success; empty for any 2xx.
    pub allowed_status: Vec<u16>,
    /// Sent with the second account's token (ApiDoctor's `secondary-account`).
    pub secondary_account: bool,
    /// 1-based line in the scenario file.
    pub line: usize,
}

/// Where a step's request comes from.
#[derive(Debug, Clone)]
pub enum StepSource {
    /// A documented request by `name`, not yet looked up (as read from the file).
    Method(String),
    /// A canned request by name, not yet looked up (as read from the file).
    Canned(String),
    /// A documented request, looked up: what runs.
    Documented {
        /// The request's `name`.
        name: String,
        /// The documented request.
        request: Box<Request>,
        /// The API version of its page.
        version: String,
        /// Annotated `"target": "action"` or `"function"`: an account's action prefix goes
        /// before its last URL segment.
        action: bool,
    },
    /// A raw HTTP request, `[captured]` values substituted when it is sent.
    Raw(String),
}

impl Step {
    /// True when the step changes something on the service.
    pub fn writes(&self) -> bool {
        let method = match &self.source {
            StepSource::Documented { request, .. } => Some(request.method),
            StepSource::Raw(text) => text.split_whitespace().next().and_then(Method::parse),
            StepSource::Method(_) | StepSource::Canned(_) => None,
        };
        method.is_some_and(Method::is_write)
    }
}

/// Every scenario and canned request found, with the problems met reading them.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The scenarios, files in path order.
    pub scenarios: Vec<Scenario>,
    /// Canned requests by name.
    pub canned: HashMap<String, Step>,
    /// Problems in the files, each naming the file and line.
    pub findings: Vec<Finding>,
    /// The first `.json` met whose top has `accounts` or `checkServiceEnabledBranches`:
    /// ApiDoctor's accounts file, found as ApiDoctor's console finds it (`Program.cs:170-182`).
    pub accounts_file: Option<PathBuf>,
}

/// True for ApiDoctor's accounts file: JSON (read as Newtonsoft reads it) whose top has
/// `accounts` or `checkServiceEnabledBranches`, in any case.
pub fn is_accounts_file(text: &str) -> bool {
    match crate::json::parse_lenient(text) {
        Ok((serde_json::Value::Object(top), _)) => top.keys().any(|k| {
            k.eq_ignore_ascii_case("accounts")
                || k.eq_ignore_ascii_case("checkServiceEnabledBranches")
        }),
        _ => false,
    }
}

/// True for a file that may hold scenarios: any `.json` (ApiDoctor), or a TOML file whose
/// name ends in `scenarios.toml` (so that other TOML, such as a variables file, is left alone).
pub fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".json") {
        Some(Format::ApiDoctor)
    } else if name.ends_with("scenarios.toml") {
        Some(Format::Toml)
    } else {
        None
    }
}

/// Reads the scenario files found under `root` (`found`, which the listing's one walk of the
/// cases folder collects with [`format_of`]) and at each of `extra` (a file or a folder).
pub fn load(root: &Path, found: Vec<PathBuf>, extra: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    let files = files_to_read(root, found, extra, &mut loaded.findings);
    let mut canned_at: HashMap<String, String> = HashMap::new();
    for (path, name) in files {
        // A file named with --scenarios is read even when its name does not say its format.
        let format = format_of(&path).unwrap_or(Format::Toml);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                loaded.findings.push(Finding::new(
                    Rule::ScenarioFile,
                    &name,
                    1,
                    format!("cannot be read: {error}"),
                ));
                continue;
            }
        };
        let Some(contents) = read(&name, &text, format) else {
            if loaded.accounts_file.is_none() && is_accounts_file(&text) {
                loaded.accounts_file = Some(path);
            }
            continue;
        };
        loaded.findings.extend(contents.findings);
        loaded.scenarios.extend(contents.scenarios);
        for (canned_name, step) in contents.canned {
            let here = format!("{name}:{}", step.line);
            if let Some(first) = canned_at.get(&canned_name) {
                // testsetuprequestdefinition.cs:108-115: the first of that name is used.
                loaded.findings.push(Finding::new(
                    Rule::ScenarioIgnored,
                    &name,
                    step.line,
                    format!("canned request `{canned_name}` is defined twice; the first (at {first}) is used, as in ApiDoctor, and this one never is: rename or remove one"),
                ));
                continue;
            }
            canned_at.insert(canned_name.clone(), here);
            loaded.canned.insert(canned_name, step);
        }
    }
    loaded
}

/// The scenario files to read, each with the name output gives it: those the walk of the
/// cases folder `found` (relative to `root`), then those at `extra` (files, or folders walked),
/// named in full. An `extra` that does not exist is a finding.
fn files_to_read(
    root: &Path,
    found: Vec<PathBuf>,
    extra: &[PathBuf],
    findings: &mut Vec<Finding>,
) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = found
        .into_iter()
        .map(|path| {
            let name = relative(root, &path);
            (path, name)
        })
        .collect();
    for base in extra {
        if base.is_file() {
            // Outside the cases folder: named in full, so that output never prefixes it.
            let full = base.canonicalize().unwrap_or_else(|_| base.to_owned());
            files.push((base.to_owned(), full.display().to_string()));
            continue;
        }
        if !base.exists() {
            findings.push(Finding::new(
                Rule::ScenarioFile,
                &base.display().to_string(),
                1,
                "no such file or folder: check --scenarios (CONTRACT_SCENARIOS)",
            ));
            continue;
        }
        for entry in walkdir::WalkDir::new(base)
            .sort_by_file_name()
            .follow_links(true)
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() && format_of(entry.path()).is_some() {
                let name = entry
                    .path()
                    .canonicalize()
                    .unwrap_or_else(|_| entry.path().to_owned())
                    .display()
                    .to_string();
                files.push((entry.into_path(), name));
            }
        }
    }
    files
}

#[cfg(test)]
pub(crate) mod tests;
