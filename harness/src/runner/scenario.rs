//! A case driven by a scenario: set-up steps, then the documented request filled with what
//! they captured, checked as usual plus the scenario's expectations, then teardown — in that
//! order, whatever happened before teardown.
//!
//! A set-up step that fails ends the case as an error (the service could not be prepared; the
//! docs are not at fault); a teardown step that fails is a warning on the case.

use super::{CaseError, CaseResult, ErrorKind, Outcome, Runner, Warning, WarningKind};
use crate::case::Case;
use crate::check::{check, check_expectations};
use crate::http::Request;
use crate::scenario::grammar::{as_text, decode_base64};
use crate::scenario::{Capture, Param, Scenario, Step, StepSource, Target, Value};
use crate::send::{ActualResponse, PlannedRequest};
use crate::text::shorten;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Which part of a scenario an exchange belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Before the documented request.
    Setup,
    /// The documented request itself.
    Request,
    /// After it, whatever happened.
    Teardown,
}

/// One exchange of a scenario case, as the reports show it.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// Set-up, the request, or teardown.
    pub phase: Phase,
    /// `set-up step 1 (create-task)`, `the documented request`, `teardown step 1 (…)`.
    pub label: String,
    /// The method sent.
    pub method: crate::http::Method,
    /// The URL sent.
    pub url: url::Url,
    /// The answer's status, when there was an answer.
    pub status: Option<u16>,
    /// How long the exchange took.
    pub duration: Duration,
    /// The names captured from the answer.
    pub captured: Vec<String>,
    /// What went wrong with this step, if anything.
    pub problem: Option<String>,
}

/// A step planned without sending anything, for `--dry-run`: values not yet captured appear
/// as `[name]`.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// Set-up, the request, or teardown.
    pub phase: Phase,
    /// As in [`StepRecord::label`].
    pub label: String,
    /// The request, or why it cannot be built.
    pub request: Result<PlannedRequest, String>,
}

/// Why a step cannot be sent.
enum Unsendable {
    /// The whole case cannot run against this target (a placeholder without a value, …).
    Skip(Box<Outcome>),
    /// Something in the scenario does not work out (a capture that is missing, …).
    Problem(String),
}

impl Unsendable {
    fn text(self) -> String {
        match self {
            Unsendable::Skip(outcome) => match *outcome {
                Outcome::Skipped { reason, .. } => reason,
                other => other.label().to_owned(),
            },
            Unsendable::Problem(problem) => problem,
        }
    }
}

/// What the scenario has captured so far.
struct Values {
    captured: HashMap<String, Json>,
    secrets: Vec<SecretString>,
    /// Planning only: a value not yet captured stands as `[name]`.
    dry: bool,
}

impl Values {
    fn new(dry: bool) -> Values {
        Values {
            captured: HashMap::new(),
            secrets: Vec::new(),
            dry,
        }
    }

    fn resolve(&self, value: &Value) -> Result<Json, String> {
        match value {
            Value::Literal(literal) => Ok(literal.clone()),
            Value::Captured(name) => match self.captured.get(name) {
                Some(found) => Ok(found.clone()),
                None if self.dry => Ok(Json::String(format!("[{name}]"))),
                None => Err(format!(
                    "no value was captured as [{name}]: capture it in an earlier step"
                )),
            },
            Value::RandomFilename(text) => Ok(Json::String(
                crate::scenario::grammar::random_filename(text, crate::mock::fresh_id),
            )),
        }
    }

    /// `text` with every `[name]` that was captured replaced by its value (raw requests and
    /// `!url` values write captured values inline).
    fn inline(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, value) in &self.captured {
            out = out.replace(&format!("[{name}]"), &as_text(value));
        }
        out
    }

    /// Reads each capture from an answer; the names captured, or what was not found.
    fn capture(
        &mut self,
        captures: &[Capture],
        answer: &ActualResponse,
    ) -> (Vec<String>, Option<String>) {
        let mut names = Vec::new();
        for capture in captures {
            match capture.source.read(&answer.headers, &answer.body) {
                Some(value) => {
                    if capture.source.is_secret() {
                        self.secrets.push(SecretString::from(as_text(&value)));
                    }
                    self.captured.insert(capture.name.clone(), value);
                    names.push(capture.name.clone());
                }
                None => {
                    return (
                        names,
                        Some(format!(
                            "capture [{}] found nothing: the answer has no {}",
                            capture.name, capture.source
                        )),
                    )
                }
            }
        }
        (names, None)
    }
}

/// Sets the body, or a property of it, as a `!body`, `!body.base64` or `$…` parameter says.
fn apply_body_edit(
    planned: &mut PlannedRequest,
    target: &Target,
    value: Json,
) -> Result<(), Unsendable> {
    match target {
        Target::Body => {
            planned.body = match value {
                Json::Null => Vec::new(),
                Json::String(text) => text.into_bytes(),
                other => serde_json::to_vec(&other).expect("a JSON value serialises"),
            }
        }
        Target::BodyBase64 => {
            planned.body = decode_base64(&as_text(&value)).map_err(Unsendable::Problem)?
        }
        Target::BodyPath(path) => {
            let mut json: Json = if planned.body.is_empty() {
                Json::Object(Default::default())
            } else {
                serde_json::from_slice(&planned.body).map_err(|e| {
                    Unsendable::Problem(format!(
                        "`{path}` sets a property of the JSON request body, but the body is not JSON: {e}"
                    ))
                })?
            };
            path.set(&mut json, &value).map_err(Unsendable::Problem)?;
            planned.body = serde_json::to_vec(&json).expect("a JSON value serialises");
        }
        Target::Placeholder(_) | Target::Url | Target::Header(_) => {}
    }
    Ok(())
}

/// Who sends a request of a scenario, and so which account's token and renames it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sender {
    /// The case's account: its own request and its steps.
    Primary,
    /// A step marked `secondary-account`.
    Secondary,
}

impl Sender {
    fn of(step: &Step) -> Sender {
        if step.secondary_account {
            Sender::Secondary
        } else {
            Sender::Primary
        }
    }
}

/// The request of a step, with the scenario's parameters applied.
fn build(
    runner: &Runner,
    case: &Case,
    source: &StepSource,
    params: &[Param],
    values: &Values,
    sender: Sender,
) -> Result<PlannedRequest, Unsendable> {
    let (mut request, version, action): (Request, &str, bool) = match source {
        // MethodDefinition.cs:350-393 and requestdefinitionextensions.cs:78: the action prefix
        // goes on the scenario's own request and on set-up steps by `method` alike.
        StepSource::Documented {
            request,
            version,
            action,
            ..
        } => ((**request).clone(), version, *action),
        StepSource::Raw(text) => {
            let request = crate::http::parse_request(&values.inline(text), 1)
                .map_err(|e| Unsendable::Problem(format!("the raw request cannot be read: {e}")))?;
            (request, &case.version, false)
        }
        StepSource::Method(name) | StepSource::Canned(name) => {
            return Err(Unsendable::Problem(format!("`{name}` names nothing")))
        }
    };
    let mut vars = runner.vars.clone();
    let mut headers = Vec::new();
    let mut body_edits = Vec::new();
    for param in params {
        let value = values.resolve(&param.value).map_err(Unsendable::Problem)?;
        match &param.target {
            // A null placeholder leaves nothing in its place, as C#'s Replace(x, null) does.
            Target::Placeholder(name) if value.is_null() => {
                vars.insert(name.clone(), String::new())
            }
            Target::Placeholder(name) => vars.insert(name.clone(), as_text(&value)),
            Target::Url if value.is_null() => {}
            Target::Url => request.url = values.inline(&as_text(&value)),
            // MethodDefinition.cs:479-482: a null header value removes the header.
            Target::Header(name) => {
                headers.push((name.clone(), (!value.is_null()).then(|| as_text(&value))))
            }
            target => body_edits.push((target, value)),
        }
    }
    let target = runner
        .step_target(case, sender == Sender::Secondary)
        .map_err(Unsendable::Problem)?;
    let mut planned = target
        .plan(&request, version, action, &vars, runner.is_mock)
        .map_err(|error| Unsendable::Skip(Box::new(runner.unplannable(error))))?;
    for (target, value) in body_edits {
        apply_body_edit(&mut planned, target, value)?;
    }
    for (name, value) in headers {
        planned
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        if let Some(value) = value {
            planned.headers.push((name, value));
        }
    }
    Ok(planned)
}

fn documented(case: &Case) -> Result<StepSource, Unsendable> {
    let request = case
        .request
        .clone()
        .ok_or_else(|| Unsendable::Problem("the documented request cannot be read".to_owned()))?;
    Ok(StepSource::Documented {
        name: case.name.clone().unwrap_or_default(),
        request: Box::new(request),
        version: case.version.clone(),
        action: case.expect.action,
    })
}

fn step_label(phase: Phase, index: usize, step: &Step) -> String {
    match phase {
        Phase::Setup => format!("set-up step {} ({})", index + 1, step.label),
        Phase::Teardown => format!("teardown step {} ({})", index + 1, step.label),
        Phase::Request => REQUEST_LABEL.to_owned(),
    }
}

const REQUEST_LABEL: &str = "the documented request";

/// Every step of the case, planned without sending: values not yet captured stand as
/// `[name]`. An error when the case cannot run against this target at all (a placeholder
/// without a value, writes not allowed), the way [`Runner::plan`] says it for other cases.
pub fn plan_chain(
    runner: &Runner,
    case: &Case,
    scenario: &Scenario,
) -> Result<Vec<PlannedStep>, Outcome> {
    let values = Values::new(true);
    let mut planned = Vec::new();
    let plan_steps = |phase: Phase, steps: &[Step], planned: &mut Vec<PlannedStep>| {
        for (index, step) in steps.iter().enumerate() {
            let label = step_label(phase, index, step);
            let request = match build(
                runner,
                case,
                &step.source,
                &step.params,
                &values,
                Sender::of(step),
            ) {
                Ok(request) => Ok(request),
                Err(Unsendable::Skip(outcome)) => {
                    return Err(match *outcome {
                        Outcome::Skipped { kind, reason } => Outcome::Skipped {
                            kind,
                            reason: format!("{label}: {reason}"),
                        },
                        other => other,
                    })
                }
                Err(other) => Err(other.text()),
            };
            planned.push(PlannedStep {
                phase,
                label,
                request,
            });
        }
        Ok(())
    };
    plan_steps(Phase::Setup, &scenario.setup, &mut planned)?;
    let main = documented(case).and_then(|source| {
        build(
            runner,
            case,
            &source,
            &scenario.params,
            &values,
            Sender::Primary,
        )
    });
    planned.push(PlannedStep {
        phase: Phase::Request,
        label: REQUEST_LABEL.to_owned(),
        request: match main {
            Ok(request) => Ok(request),
            Err(Unsendable::Skip(outcome)) => return Err(*outcome),
            Err(other) => Err(other.text()),
        },
    });
    plan_steps(Phase::Teardown, &scenario.teardown, &mut planned)?;
    let writes = planned
        .iter()
        .filter_map(|step| step.request.as_ref().ok())
        .any(|request| request.method.is_write());
    if writes {
        runner.writes_allowed(case)?;
    }
    Ok(planned)
}

/// Runs the case through its scenario.
pub(super) async fn run(runner: &Runner, case: &Case, scenario: &Scenario) -> CaseResult {
    let started = Instant::now();
    let mut result = CaseResult {
        findings: case.findings.clone(),
        ..CaseResult::new(case.id.clone(), Outcome::Passed)
    };
    if let Some(broken) = &scenario.broken {
        result.outcome = Outcome::Error(CaseError::new(
            ErrorKind::Scenario,
            format!("the scenario cannot run: {broken}"),
        ));
        return result;
    }
    if let Err(outcome) = plan_chain(runner, case, scenario) {
        result.outcome = outcome;
        return result;
    }
    let mut values = Values::new(false);
    let mut setup_failed = None;
    for (index, step) in scenario.setup.iter().enumerate() {
        let label = step_label(Phase::Setup, index, step);
        if let Err(why) = exchange_step(
            runner,
            case,
            step,
            Phase::Setup,
            &label,
            &mut values,
            &mut result,
        )
        .await
        {
            setup_failed = Some(format!("{label} failed: {why}"));
            break;
        }
    }
    result.outcome = match setup_failed {
        Some(message) => Outcome::Error(CaseError::new(ErrorKind::Setup, message)),
        None => request(runner, case, scenario, &mut values, &mut result).await,
    };
    for (index, step) in scenario.teardown.iter().enumerate() {
        let label = step_label(Phase::Teardown, index, step);
        if let Err(why) = exchange_step(
            runner,
            case,
            step,
            Phase::Teardown,
            &label,
            &mut values,
            &mut result,
        )
        .await
        {
            result.warnings.push(Warning::new(
                WarningKind::Teardown,
                format!("{label} failed: {why}"),
            ));
        }
    }
    result.secrets = values.secrets;
    result.duration = started.elapsed();
    result
}

/// The documented request, filled, sent and checked.
async fn request(
    runner: &Runner,
    case: &Case,
    scenario: &Scenario,
    values: &mut Values,
    result: &mut CaseResult,
) -> Outcome {
    let planned = match documented(case).and_then(|source| {
        build(
            runner,
            case,
            &source,
            &scenario.params,
            values,
            Sender::Primary,
        )
    }) {
        Ok(planned) => planned,
        Err(Unsendable::Skip(outcome)) => return *outcome,
        Err(Unsendable::Problem(problem)) => {
            return Outcome::Error(CaseError::new(
                ErrorKind::Unfillable,
                format!("the documented request cannot be filled: {problem}"),
            ));
        }
    };
    let started = Instant::now();
    let exchange = send_polling(runner, case, scenario, &planned, result).await;
    let mut record = StepRecord {
        phase: Phase::Request,
        label: REQUEST_LABEL.to_owned(),
        method: planned.method,
        url: planned.url.clone(),
        status: exchange.result.as_ref().ok().map(|a| a.status),
        duration: started.elapsed(),
        captured: Vec::new(),
        problem: None,
    };
    result.request = Some(planned);
    let outcome = match exchange.result {
        Err(error) => {
            record.problem = Some(error.to_string());
            Outcome::Error(CaseError::new(ErrorKind::Exchange, error.to_string()))
        }
        Ok(answer) => {
            let mut verdict = check(case, &answer, &runner.schemas);
            verdict.allow_statuses(&scenario.allowed_status, answer.status);
            verdict
                .violations
                .extend(expectations_broken(scenario, values, &answer));
            let (captured, missing) = values.capture(&scenario.capture, &answer);
            record.captured = captured;
            let mut warnings = Vec::new();
            let outcome = runner.verdict(verdict, &mut warnings);
            result.warnings.extend(warnings);
            if let Some(missing) = missing {
                result.warnings.push(Warning::new(
                    WarningKind::Capture,
                    format!("{REQUEST_LABEL}: {missing}"),
                ));
            }
            if let Outcome::Failed(verdict) = &outcome {
                record.problem = Some(format!("{} violation(s)", verdict.violations.len()));
            }
            outcome
        }
    };
    result.steps.push(record);
    outcome
}

/// The scenario's expectations the answer does not meet, captured values filled in.
fn expectations_broken(
    scenario: &Scenario,
    values: &Values,
    answer: &ActualResponse,
) -> Vec<crate::check::Violation> {
    let expectations: Vec<_> = scenario
        .expect
        .iter()
        .map(|e| {
            let wanted = e
                .any_of
                .iter()
                .map(|v| {
                    values
                        .resolve(v)
                        .unwrap_or_else(|_| Json::String(format!("{v:?}")))
                })
                .collect();
            (&e.source, wanted)
        })
        .collect();
    check_expectations(&expectations, answer)
}

/// At most this many more requests poll a long-running operation (ApiDoctor's
/// `RetryAttemptsOnServiceUnavailableResponse`, `ValidationConfig.cs:34`).
const POLLS: u32 = 7;

/// The longest wait between two polls, whatever `Retry-After` asks.
const LONGEST_POLL_WAIT: Duration = Duration::from_secs(60);

/// Sends the scenario's own request, and sends it again while its answer's status is one of
/// the scenario's `status-codes-to-retry` (a long-running operation's 202), at most
/// [`POLLS`] times: after `Retry-After` when the answer gives one, else after ApiDoctor's full
/// jitter (`BackoffHelper.cs:51-67`: up to 1 s, 2 s, 4 s, … 30 s). Only a request that is safe
/// to repeat is sent again; otherwise a warning says why it was not.
async fn send_polling(
    runner: &Runner,
    case: &Case,
    scenario: &Scenario,
    planned: &PlannedRequest,
    result: &mut CaseResult,
) -> crate::send::Exchange {
    let target = runner.target(case);
    let mut exchange = target.send(planned).await;
    runner.record_contact(&exchange.result);
    result.retries.append(&mut exchange.retries);
    for poll in 0..POLLS {
        let Ok(answer) = &exchange.result else { break };
        if !scenario.retry_status.contains(&answer.status) {
            break;
        }
        if !planned.method.is_idempotent() {
            result.warnings.push(Warning::new(
                WarningKind::Poll,
                format!(
                    "{REQUEST_LABEL} answered {}, which `status-codes-to-retry` lists, but {} is not safe to send again: it was not",
                    answer.status, planned.method
                ),
            ));
            break;
        }
        let wait = answer
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, v)| crate::send::parse_retry_after(v))
            .unwrap_or_else(|| {
                let ceiling = (1000u64 << poll).min(30_000);
                Duration::from_millis(fastrand::u64(0..=ceiling))
            })
            .min(LONGEST_POLL_WAIT);
        result.retries.push(format!(
            "{} (listed in status-codes-to-retry): polled again after {} ms",
            answer.status,
            wait.as_millis()
        ));
        tokio::time::sleep(wait).await;
        exchange = target.send(planned).await;
        runner.record_contact(&exchange.result);
        result.retries.append(&mut exchange.retries);
    }
    exchange
}

/// Sends one set-up or teardown step, records it, and captures from its answer; the error
/// says why the step failed, with the answer's status and body.
async fn exchange_step(
    runner: &Runner,
    case: &Case,
    step: &Step,
    phase: Phase,
    label: &str,
    values: &mut Values,
    result: &mut CaseResult,
) -> Result<(), String> {
    let planned = build(
        runner,
        case,
        &step.source,
        &step.params,
        values,
        Sender::of(step),
    )
    .map_err(|e| format!("not sent: {}", e.text()))?;
    let started = Instant::now();
    let exchange = runner
        .step_target(case, step.secondary_account)
        .expect("build chose the target")
        .send(&planned)
        .await;
    runner.record_contact(&exchange.result);
    result
        .retries
        .extend(exchange.retries.iter().map(|r| format!("{label}: {r}")));
    let mut record = StepRecord {
        phase,
        label: label.to_owned(),
        method: planned.method,
        url: planned.url.clone(),
        status: None,
        duration: started.elapsed(),
        captured: Vec::new(),
        problem: None,
    };
    let outcome = match exchange.result {
        Err(error) => Err(format!("no answer: {error}")),
        Ok(answer) => {
            record.status = Some(answer.status);
            let allowed = if step.allowed_status.is_empty() {
                (200..300).contains(&answer.status)
            } else {
                step.allowed_status.contains(&answer.status)
            };
            if !allowed {
                Err(format!(
                    "{} {} answered {}, which is not {}; the answer: {}",
                    planned.method,
                    planned.url.path(),
                    answer.status,
                    allowed_text(&step.allowed_status),
                    body_text(&answer)
                ))
            } else {
                let (captured, missing) = values.capture(&step.capture, &answer);
                record.captured = captured;
                match missing {
                    Some(missing) => Err(format!(
                        "{missing}; the answer ({}): {}",
                        answer.status,
                        body_text(&answer)
                    )),
                    None => Ok(()),
                }
            }
        }
    };
    if let Err(problem) = &outcome {
        record.problem = Some(problem.clone());
    }
    result.steps.push(record);
    outcome
}

fn allowed_text(allowed: &[u16]) -> String {
    match allowed {
        [] => "a 2xx status".to_owned(),
        [one] => format!("the allowed status {one}"),
        many => format!(
            "among the allowed statuses {}",
            many.iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn body_text(answer: &ActualResponse) -> String {
    if answer.body.is_empty() {
        return "(no body)".to_owned();
    }
    shorten(&String::from_utf8_lossy(&answer.body), 500).into_owned()
}
