//! Scenarios meet the documented requests they drive: each enabled scenario becomes its own
//! case, and the names its steps use are looked up among the documented and canned requests.

use super::Ids;
use crate::case::{Case, SkipReason};
use crate::finding::{Finding, Loc, Located, Rule};
use crate::scenario::{Loaded, Scenario, Step, StepSource};
use crate::text::{slug, suggestion};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The documented requests by `name`, as indexes into the cases.
type ByName<'a> = HashMap<&'a str, Vec<usize>>;

/// Replaces each documented request that has scenarios with one case per enabled scenario
/// (id: the request's case id, `::`, the scenario's name), or skips it when all its scenarios
/// are disabled. Problems found while looking up names join `findings`.
pub(super) fn scenarios(
    cases: Vec<Case>,
    loaded: &Loaded,
    ids: &mut Ids,
    findings: &mut Vec<Finding>,
) -> Vec<Case> {
    if loaded.scenarios.is_empty() {
        return cases;
    }
    let mut by_name: ByName = HashMap::new();
    for (index, case) in cases.iter().enumerate() {
        if let Some(name) = &case.name {
            by_name.entry(name.as_str()).or_default().push(index);
        }
    }
    let driven = targets(&cases, loaded, &by_name, findings);
    let mut reported: HashSet<(String, usize)> = HashSet::new();
    let mut out = Vec::with_capacity(cases.len());
    for (index, mut case) in cases.iter().cloned().enumerate() {
        let Some(scenarios) = driven.get(&index) else {
            out.push(case);
            continue;
        };
        let enabled: Vec<&Scenario> = scenarios.iter().copied().filter(|s| s.enabled).collect();
        if enabled.is_empty() {
            let first = scenarios[0];
            if case.skip.is_none() {
                case.skip = Some(SkipReason::ScenariosDisabled(Loc::new(
                    &first.file,
                    first.line,
                )));
            }
            out.push(case);
            continue;
        }
        ids.release(&case.id);
        for scenario in enabled {
            let lookup = Lookup {
                version: &case.version,
                cases: &cases,
                by_name: &by_name,
                canned: &loaded.canned,
            };
            let resolved = lookup.scenario(scenario, &mut reported, findings);
            let mut scenario_case = case.clone();
            scenario_case.id = ids.claim(format!("{}::{}", case.id, slug(&scenario.name)));
            scenario_case.scenario = Some(Arc::new(resolved));
            out.push(scenario_case);
        }
    }
    out
}

/// For each case index, the scenarios that drive it, in file order. A scenario whose `method`
/// names no documented request (for its versions) is a finding.
fn targets<'a>(
    cases: &[Case],
    loaded: &'a Loaded,
    by_name: &ByName,
    findings: &mut Vec<Finding>,
) -> HashMap<usize, Vec<&'a Scenario>> {
    let mut driven: HashMap<usize, Vec<&Scenario>> = HashMap::new();
    for scenario in &loaded.scenarios {
        let targets: Vec<usize> = by_name
            .get(scenario.method.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                scenario.versions.is_empty() || scenario.versions.contains(&cases[i].version)
            })
            .collect();
        if targets.is_empty() {
            let message = if by_name.contains_key(scenario.method.as_str()) {
                format!(
                    "scenario `{}`: `{}` is documented, but not for the versions it names ({})",
                    scenario.name,
                    scenario.method,
                    scenario.versions.join(", ")
                )
            } else {
                // Scenarios.cs:61-74: ApiDoctor selects scenarios by their method's name, so
                // one that names no documented request is never run, without a word.
                let nearest = crate::text::nearest(&scenario.method, by_name.keys().copied(), 3);
                format!(
                    "scenario `{}`: `method` names `{}`, which no documented request is called, so it never runs (ApiDoctor skips it without a word); the nearest documented names: {}",
                    scenario.name,
                    scenario.method,
                    nearest
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let rule = if by_name.contains_key(scenario.method.as_str()) {
                Rule::ScenarioFile
            } else {
                Rule::ScenarioIgnored
            };
            findings.push(Finding::new(rule, &scenario.file, scenario.line, message));
        }
        for target in targets {
            driven.entry(target).or_default().push(scenario);
        }
    }
    driven
}

/// Where a scenario's step names are looked up, for the case it drives.
struct Lookup<'a> {
    /// The API version of the driven request: a step's documented request of the same version
    /// is preferred.
    version: &'a str,
    cases: &'a [Case],
    by_name: &'a ByName<'a>,
    canned: &'a HashMap<String, Step>,
}

impl Lookup<'_> {
    /// The scenario with every step looked up. A step that names nothing breaks the scenario
    /// (its case ends as an error) and is reported once per file and line.
    fn scenario(
        &self,
        scenario: &Scenario,
        reported: &mut HashSet<(String, usize)>,
        findings: &mut Vec<Finding>,
    ) -> Scenario {
        let mut resolved = scenario.clone();
        let mut problems = Vec::new();
        for (phase, steps) in [
            ("set-up", &mut resolved.setup),
            ("teardown", &mut resolved.teardown),
        ] {
            for (position, step) in steps.iter_mut().enumerate() {
                if let Err(message) = self.step(step) {
                    let message =
                        format!("{phase} step {} ({}): {message}", position + 1, step.label);
                    if reported.insert((scenario.file.clone(), step.line)) {
                        findings.push(Finding::new(
                            Rule::ScenarioFile,
                            &scenario.file,
                            step.line,
                            message.clone(),
                        ));
                    }
                    problems.push(Located::new(&scenario.file, step.line, message));
                }
            }
        }
        if resolved.broken.is_none() {
            resolved.broken = problems.into_iter().next();
        }
        resolved
    }

    /// Looks up a step's documented or canned request. Canned requests merge: the canned
    /// request's parameters and captures first, the step's own after (so they win).
    fn step(&self, step: &mut Step) -> Result<(), String> {
        if let StepSource::Canned(name) = &step.source {
            let found = self.canned.get(name).ok_or_else(|| {
                format!(
                    "no canned request is called `{name}`{}",
                    suggestion(name, self.canned.keys().map(String::as_str))
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
            let indexes = self.by_name.get(name.as_str()).ok_or_else(|| {
                format!(
                    "`method` names `{name}`, which no documented request is called{}",
                    suggestion(name, self.by_name.keys().copied())
                )
            })?;
            let chosen = indexes
                .iter()
                .copied()
                .find(|&i| self.cases[i].version == self.version)
                .unwrap_or(indexes[0]);
            let case = &self.cases[chosen];
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
                action: case.expect.action,
            };
        }
        Ok(())
    }
}
