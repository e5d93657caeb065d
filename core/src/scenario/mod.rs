//! Scenarios: how to run a documented request against a live, stateful service. Set-up steps
//! create what the request needs, values captured from their answers fill its placeholders,
//! expectations add checks, and teardown steps remove what was made.
//!
//! Two file formats, one model: ApiDoctor's JSON scenario files, read as they are (any `.json`
//! under the cases folder with `scenarios` or `canned-requests` at its top), and our TOML
//! (`*scenarios.toml`), which adds `capture` on the request itself and `teardown`. Each
//! scenario becomes its own case ([`attach`]); the documented request it drives then runs only
//! through its scenarios.

pub mod grammar;
mod read;

pub use grammar::{Capture, Expectation, JsonPath, Param, Source, Target, Value};
pub use read::{read, FileContents, Format};

use crate::case::{relative, Case, Request, SkipReason};
use crate::finding::Finding;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One way to run a documented request.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// What it is called; part of the case id.
    pub name: String,
    /// The `name` of the documented request it drives.
    pub method: String,
    /// Disabled scenarios do not run; a request whose scenarios are all disabled is skipped.
    pub enabled: bool,
    /// The API versions it applies to; empty for all.
    pub versions: Vec<String>,
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
    pub broken: Option<String>,
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
    },
    /// A raw HTTP request, `[captured]` values substituted when it is sent.
    Raw(String),
}

impl Step {
    /// True when the step changes something on the service.
    pub fn writes(&self) -> bool {
        let method = match &self.source {
            StepSource::Documented { request, .. } => request.method.clone(),
            StepSource::Raw(text) => text
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase(),
            StepSource::Method(_) | StepSource::Canned(_) => return false,
        };
        crate::case::is_write(&method)
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
    let mut files: Vec<(PathBuf, String)> = found
        .into_iter()
        .map(|path| {
            let name = relative(root, &path);
            (path, name)
        })
        .collect();
    let mut loaded = Loaded::default();
    for base in extra {
        if base.is_file() {
            // Outside the cases folder: named in full, so that output never prefixes it.
            let full = base.canonicalize().unwrap_or_else(|_| base.to_owned());
            files.push((base.to_owned(), full.display().to_string()));
            continue;
        }
        if !base.exists() {
            loaded.findings.push(Finding::error(
                "scenario-file",
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
    let mut canned_at: HashMap<String, String> = HashMap::new();
    for (path, name) in files {
        // A file named with --scenarios is read even when its name does not say its format.
        let format = format_of(&path).unwrap_or(Format::Toml);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                loaded.findings.push(Finding::error(
                    "scenario-file",
                    &name,
                    1,
                    format!("cannot be read: {error}"),
                ));
                continue;
            }
        };
        let Some(contents) = read(&name, &text, format) else {
            continue;
        };
        loaded.findings.extend(contents.findings);
        loaded.scenarios.extend(contents.scenarios);
        for (canned_name, step) in contents.canned {
            let here = format!("{name}:{}", step.line);
            if let Some(first) = canned_at.get(&canned_name) {
                loaded.findings.push(Finding::error(
                    "scenario-file",
                    &name,
                    step.line,
                    format!("canned request `{canned_name}` is defined twice (first at {first}); rename one"),
                ));
                continue;
            }
            canned_at.insert(canned_name.clone(), here);
            loaded.canned.insert(canned_name, step);
        }
    }
    loaded
}

/// Replaces each documented request that has scenarios with one case per enabled scenario
/// (id: the request's case id, `::`, the scenario's name), or skips it when all its scenarios
/// are disabled. Returns the problems found while looking up names.
pub fn attach(cases: Vec<Case>, loaded: &Loaded) -> (Vec<Case>, Vec<Finding>) {
    let mut findings = Vec::new();
    if loaded.scenarios.is_empty() {
        return (cases, findings);
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, case) in cases.iter().enumerate() {
        if let Some(name) = &case.name {
            by_name.entry(name.as_str()).or_default().push(index);
        }
    }
    // Scenarios per case index, in file order.
    let mut driven: HashMap<usize, Vec<&Scenario>> = HashMap::new();
    for scenario in &loaded.scenarios {
        let targets: Vec<usize> = by_name
            .get(scenario.method.as_str())
            .map(|indexes| {
                indexes
                    .iter()
                    .copied()
                    .filter(|&i| {
                        scenario.versions.is_empty()
                            || scenario.versions.contains(&cases[i].version)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if targets.is_empty() {
            let known = by_name.contains_key(scenario.method.as_str());
            findings.push(Finding::error(
                "scenario-file",
                &scenario.file,
                scenario.line,
                if known {
                    format!(
                        "scenario `{}`: `{}` is documented, but not for the versions it names ({})",
                        scenario.name,
                        scenario.method,
                        scenario.versions.join(", ")
                    )
                } else {
                    format!(
                        "scenario `{}`: `method` names `{}`, which no documented request is called{}",
                        scenario.name,
                        scenario.method,
                        suggestion(&scenario.method, by_name.keys().copied())
                    )
                },
            ));
        }
        for target in targets {
            driven.entry(target).or_default().push(scenario);
        }
    }
    let mut reported: HashSet<(String, usize)> = HashSet::new();
    let mut ids: HashSet<String> = cases.iter().map(|c| c.id.clone()).collect();
    let mut out = Vec::with_capacity(cases.len());
    for (index, mut case) in cases.iter().cloned().enumerate() {
        let Some(scenarios) = driven.get(&index) else {
            out.push(case);
            continue;
        };
        let enabled: Vec<&&Scenario> = scenarios.iter().filter(|s| s.enabled).collect();
        if enabled.is_empty() {
            let first = scenarios[0];
            if case.skip.is_none() {
                case.skip = Some(SkipReason::ScenariosDisabled(format!(
                    "{}:{}",
                    first.file, first.line
                )));
            }
            out.push(case);
            continue;
        }
        ids.remove(&case.id);
        for scenario in enabled {
            let mut resolved = (*scenario).clone();
            let mut problems = Vec::new();
            for (phase, steps) in [
                ("set-up", &mut resolved.setup),
                ("teardown", &mut resolved.teardown),
            ] {
                for (position, step) in steps.iter_mut().enumerate() {
                    if let Err(message) =
                        resolve(step, &case.version, &cases, &by_name, &loaded.canned)
                    {
                        let message =
                            format!("{phase} step {} ({}): {message}", position + 1, step.label);
                        if reported.insert((scenario.file.clone(), step.line)) {
                            findings.push(Finding::error(
                                "scenario-file",
                                &scenario.file,
                                step.line,
                                message.clone(),
                            ));
                        }
                        problems.push(format!("{}:{}: {message}", scenario.file, step.line));
                    }
                }
            }
            if resolved.broken.is_none() {
                resolved.broken = problems.into_iter().next();
            }
            let mut id = format!("{}::{}", case.id, crate::case::slug(&scenario.name));
            if ids.contains(&id) {
                let mut n = 2;
                while ids.contains(&format!("{id}_{n}")) {
                    n += 1;
                }
                id = format!("{id}_{n}");
            }
            ids.insert(id.clone());
            let mut scenario_case = case.clone();
            scenario_case.id = id;
            scenario_case.scenario = Some(Arc::new(resolved));
            out.push(scenario_case);
        }
    }
    (out, findings)
}

/// Looks up a step's documented or canned request. Canned requests merge: the canned
/// request's parameters and captures first, the step's own after (so they win).
fn resolve(
    step: &mut Step,
    version: &str,
    cases: &[Case],
    by_name: &HashMap<&str, Vec<usize>>,
    canned: &HashMap<String, Step>,
) -> Result<(), String> {
    if let StepSource::Canned(name) = &step.source {
        let found = canned.get(name).ok_or_else(|| {
            format!(
                "no canned request is called `{name}`{}",
                suggestion(name, canned.keys().map(String::as_str))
            )
        })?;
        let mut params = found.params.clone();
        params.append(&mut step.params);
        let mut capture = found.capture.clone();
        capture.append(&mut step.capture);
        step.params = params;
        step.capture = capture;
        if step.allowed_status.is_empty() {
            step.allowed_status = found.allowed_status.clone();
        }
        step.source = found.source.clone();
    }
    if let StepSource::Method(name) = &step.source {
        let indexes = by_name.get(name.as_str()).ok_or_else(|| {
            format!(
                "`method` names `{name}`, which no documented request is called{}",
                suggestion(name, by_name.keys().copied())
            )
        })?;
        let chosen = indexes
            .iter()
            .copied()
            .find(|&i| cases[i].version == version)
            .unwrap_or(indexes[0]);
        let case = &cases[chosen];
        let request = case.request.clone().ok_or_else(|| {
            format!(
                "the documented request `{name}` cannot be read ({}:{})",
                case.file, case.line
            )
        })?;
        step.source = StepSource::Documented {
            name: name.clone(),
            request: Box::new(request),
            version: case.version.clone(),
        };
    }
    Ok(())
}

/// ` (did you mean `x`?)` when a known name is close.
pub(crate) fn suggestion<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .map(|k| (strsim::jaro_winkler(k, name), k))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
