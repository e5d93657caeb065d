//! The runner: sends each case to the target, checks the answer, and records a result.
//!
//! Both front ends use it: the `cargo test` suite (one trial per case, blocking on a shared
//! runtime) and `contract run` (all cases, concurrently). Reports are functions of the results.

// Planning returns the case's outcome as its error, made once per case: its size (a verdict)
// costs nothing worth a box.
#![allow(clippy::result_large_err)]

pub mod scenario;
mod target;

pub use scenario::{Phase, PlannedStep, StepRecord};

use target::{Target, TargetPlanError};

use crate::case::{Case, SkipKind};
use crate::check::{check, Verdict, Violation, ViolationKind};
use crate::known::{Known, KnownIssues, KnownStatus};
use crate::mock::{Mock, MockServer};
use crate::schema::Schemas;
use crate::send::{is_loopback, Client, ClientOptions, PlanError, PlannedRequest, SendError, Vars};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// What a run needs to know beyond the cases.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The service to test; `None` starts the embedded mock.
    pub base_url: Option<Url>,
    /// Values for URL placeholders.
    pub vars: Vars,
    /// Timeouts, body limit, token, retries.
    pub client: ClientOptions,
    /// Send POST, PUT, PATCH and DELETE to a target that is not on this machine.
    pub allow_writes: bool,
    /// Warnings fail the case, and so does a known issue that is fixed.
    pub strict: bool,
    /// Recorded drift: a matching case that fails does not fail the run.
    pub known: Option<Arc<KnownIssues>>,
    /// The accounts of ApiDoctor's accounts file to run as, each case once per account (the
    /// session names each case's account); empty for a plain run.
    pub accounts: Vec<crate::accounts::Account>,
    /// The account `secondary-account` steps use.
    pub secondary: Option<crate::accounts::Account>,
    /// Why nothing may be sent (the branch gate of the accounts file), when nothing may.
    pub refused: Option<String>,
}

/// How one case ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The answer honoured the documented contract.
    Passed,
    /// The answer broke it; the verdict says how.
    Failed(Verdict),
    /// The case was not sent; the reason says why.
    Skipped {
        /// The group, for summaries.
        kind: SkipKind,
        /// The full reason, for a person.
        reason: String,
    },
    /// No answer to check: the exchange itself failed (connection refused, timeout, …), or
    /// the case could not be run at all.
    Error(CaseError),
}

/// Why a case that was meant to run got no answer to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// What went wrong, as a group.
    pub kind: ErrorKind,
    /// What went wrong, for a person.
    pub message: String,
}

impl CaseError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> CaseError {
        CaseError {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The groups of [`CaseError`]; serialised kebab-case (`error_kind` in the JSON report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The exchange failed: no connection, a timeout, an untrusted certificate, a broken
    /// answer.
    Exchange,
    /// The documented request could not be filled (a scenario's value is missing).
    Unfillable,
    /// The scenario cannot run: its file, or a step it names, is broken.
    Scenario,
    /// A scenario's set-up step failed, so its request was not sent.
    Setup,
}

impl ErrorKind {
    /// The stable kebab-case name: JUnit's error type, the JSON report's `error_kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Exchange => "exchange",
            ErrorKind::Unfillable => "unfillable",
            ErrorKind::Scenario => "scenario",
            ErrorKind::Setup => "setup",
        }
    }
}

impl Outcome {
    /// `passed`, `failed`, `skipped` or `error`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed(_) => "failed",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Error(_) => "error",
        }
    }
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case id.
    pub id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The request as sent (or as it would have been), when one could be built.
    pub request: Option<PlannedRequest>,
    /// Time spent on the exchange and the checks.
    pub duration: Duration,
    /// What lint found wrong with this example's own documentation (it still runs).
    pub findings: Vec<crate::finding::Finding>,
    /// One line per retried attempt (`429 Too Many Requests: waited 2s as Retry-After asked`).
    pub retries: Vec<String>,
    /// Each exchange of a scenario case, in order (empty for other cases).
    pub steps: Vec<StepRecord>,
    /// Problems that do not decide the verdict but must be seen: an undeclared property, a
    /// teardown that failed.
    pub warnings: Vec<Warning>,
    /// Values this case captured from credential headers: every report hides them.
    pub secrets: Vec<secrecy::SecretString>,
    /// The known issue recorded for this case, and what the outcome makes of it.
    pub known: Option<Known>,
}

impl CaseResult {
    /// A result for case `id` that ended as `outcome`, with nothing sent, measured or noted yet.
    pub fn new(id: impl Into<String>, outcome: Outcome) -> CaseResult {
        CaseResult {
            id: id.into(),
            outcome,
            request: None,
            duration: Duration::ZERO,
            findings: Vec::new(),
            retries: Vec::new(),
            steps: Vec::new(),
            warnings: Vec::new(),
            secrets: Vec::new(),
            known: None,
        }
    }

    /// How the case counts in the summary.
    pub fn tally(&self) -> Tally {
        Tally::of(&self.outcome, self.known.as_ref())
    }
}

/// How a case counts: the outcome, with known issues applied. Serialised as
/// [`Tally::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tally {
    /// Passed (perhaps with warnings).
    Passed,
    /// Broke the contract.
    Failed,
    /// Failed as a known issue records: does not fail the run.
    KnownFailure,
    /// Passed although a known issue says it fails: the entry can go.
    Fixed,
    /// Got no answer.
    Error,
    /// Not sent.
    Skipped,
}

impl Tally {
    /// The tally of an outcome and its known issue.
    pub fn of(outcome: &Outcome, known: Option<&Known>) -> Tally {
        let status = known.map(|k| k.status);
        match outcome {
            Outcome::Passed if status == Some(KnownStatus::Fixed) => Tally::Fixed,
            Outcome::Passed => Tally::Passed,
            Outcome::Failed(_) | Outcome::Error(_) if status == Some(KnownStatus::KnownFailure) => {
                Tally::KnownFailure
            }
            Outcome::Failed(_) => Tally::Failed,
            Outcome::Error(_) => Tally::Error,
            Outcome::Skipped { .. } => Tally::Skipped,
        }
    }

    /// `passed`, `failed`, `known-failure`, `fixed`, `error` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tally::Passed => "passed",
            Tally::Failed => "failed",
            Tally::KnownFailure => "known-failure",
            Tally::Fixed => "fixed",
            Tally::Error => "error",
            Tally::Skipped => "skipped",
        }
    }
}

/// A problem that did not decide the verdict.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    /// What kind of problem, for triage.
    pub kind: WarningKind,
    /// The problem, for a person.
    pub message: String,
}

impl Warning {
    /// A warning of `kind` saying `message`.
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Warning {
        Warning {
            kind,
            message: message.into(),
        }
    }
}

/// What a warning is about. Serialised as one kebab-case name (`undeclared-property`,
/// `teardown`), as reports have always printed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// A check that the answer says more than the docs ([`ViolationKind::is_warning`]).
    Check(ViolationKind),
    /// A scenario's teardown step failed.
    Teardown,
    /// A value a scenario captures was not in the answer.
    Capture,
    /// A scenario's request was not polled again (it is not safe to repeat).
    Poll,
}

impl WarningKind {
    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Check(kind) => kind.as_str(),
            WarningKind::Teardown => "teardown",
            WarningKind::Capture => "capture",
            WarningKind::Poll => "poll",
        }
    }
}

impl std::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for WarningKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for WarningKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IntoDeserializer;
        let name = String::deserialize(deserializer)?;
        match name.as_str() {
            "teardown" => Ok(WarningKind::Teardown),
            "capture" => Ok(WarningKind::Capture),
            "poll" => Ok(WarningKind::Poll),
            other => ViolationKind::deserialize(other.into_deserializer()).map(WarningKind::Check),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Counts over a run, for the summary line and the reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases whose answer honoured the contract.
    pub passed: usize,
    /// Of those, the cases with warnings.
    pub passed_with_warnings: usize,
    /// Cases whose answer broke it.
    pub failed: usize,
    /// Cases that failed (or got no answer) as a known issue records.
    pub known_failures: usize,
    /// Cases that passed although a known issue says they fail (under `--strict` they fail
    /// and count as failed instead).
    pub fixed: usize,
    /// Cases that got no answer.
    pub errors: usize,
    /// Skipped cases by reason kind.
    pub skipped: BTreeMap<SkipKind, usize>,
    /// Cases that got an answer (passed or failed), whatever the retries took.
    pub answered: usize,
}

impl Summary {
    /// Counts the results.
    pub fn of(results: &[CaseResult]) -> Summary {
        let mut summary = Summary::default();
        for result in results {
            match (result.tally(), &result.outcome) {
                (Tally::Passed, _) => {
                    summary.passed += 1;
                    if !result.warnings.is_empty() {
                        summary.passed_with_warnings += 1;
                    }
                }
                (Tally::Failed, _) => summary.failed += 1,
                (Tally::KnownFailure, _) => summary.known_failures += 1,
                (Tally::Fixed, _) => summary.fixed += 1,
                (Tally::Error, _) => summary.errors += 1,
                (Tally::Skipped, Outcome::Skipped { kind, .. }) => {
                    *summary.skipped.entry(*kind).or_default() += 1
                }
                (Tally::Skipped, _) => {}
            }
            if matches!(result.outcome, Outcome::Passed | Outcome::Failed(_)) {
                summary.answered += 1;
            }
        }
        summary
    }

    /// Skipped cases, all reasons together.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// True when nothing failed and nothing errored (known failures and fixed cases do not
    /// fail the run; under `--strict` a fixed case is a failure).
    pub fn success(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The embedded mock could not listen.
    #[error("failed to start the embedded mock on 127.0.0.1: {0}")]
    Mock(std::io::Error),
    /// The HTTP client could not be built.
    #[error("failed to build the HTTP client: {0}")]
    Client(SendError),
    /// An account has no service to send to.
    #[error("account `{0}` has no serviceUrl: add one to the accounts file, or pass --base-url")]
    NoServiceUrl(String),
}

/// A target, a client and the schemas: everything needed to run cases.
pub struct Runner {
    /// Where cases go: one target, or one per account (in the accounts' order).
    targets: Vec<Target>,
    /// Where `secondary-account` steps go.
    secondary: Option<Target>,
    /// Why nothing may be sent, when nothing may.
    refused: Option<String>,
    is_mock: bool,
    vars: Vars,
    allow_writes: bool,
    strict: bool,
    known: Option<Arc<KnownIssues>>,
    /// The date known issues expire against, fixed for the whole run.
    today: toml::value::Date,
    schemas: Arc<Schemas>,
    /// Closes once the target has proved unreachable, for every case run after that.
    gate: Gate,
    /// Kept alive for the runner's lifetime: dropping it stops the mock.
    _mock: Option<MockServer>,
}

impl Runner {
    /// Prepares a run; with no base URL, starts the embedded mock built from `cases`.
    /// Must be called inside a tokio runtime (the mock is spawned on it).
    pub async fn start(
        cases: &[Case],
        schemas: Arc<Schemas>,
        options: RunOptions,
    ) -> Result<Runner, RunError> {
        let (base, mock) = match options.base_url.clone() {
            Some(base) => (base, None),
            // Each account has its own serviceUrl.
            None if !options.accounts.is_empty() => {
                (Url::parse("http://accounts.invalid/").expect("a URL"), None)
            }
            None => {
                let mock = Arc::new(Mock::from_cases(cases).validating(Arc::clone(&schemas)));
                let server =
                    crate::mock::start(mock, ([127, 0, 0, 1], 0).into(), Default::default())
                        .await
                        .map_err(RunError::Mock)?;
                (server.base_url(), Some(server))
            }
        };
        let targets = if options.accounts.is_empty() {
            vec![Target {
                account: None,
                client: Client::new(options.client.clone(), &base).map_err(RunError::Client)?,
                base,
                service_version: None,
            }]
        } else {
            options
                .accounts
                .into_iter()
                .map(|account| account_target(account, &options.client, options.base_url.as_ref()))
                .collect::<Result<_, _>>()?
        };
        let secondary = options
            .secondary
            .map(|account| account_target(account, &options.client, options.base_url.as_ref()))
            .transpose()?;
        Ok(Runner {
            targets,
            secondary,
            refused: options.refused,
            is_mock: mock.is_some(),
            vars: options.vars,
            allow_writes: options.allow_writes,
            strict: options.strict,
            known: options.known,
            today: crate::known::today(),
            schemas,
            gate: Gate::default(),
            _mock: mock,
        })
    }

    /// Every secret known at this moment (tokens, client secrets, refresh tokens, passwords,
    /// each token fetched so far), of every account, to redact output with when it is written.
    pub fn secrets(&self) -> crate::redact::Secrets {
        let all: Vec<secrecy::SecretString> = self
            .targets
            .iter()
            .chain(&self.secondary)
            .flat_map(|t| t.client.secrets())
            .collect();
        crate::redact::Secrets::of(&all)
    }

    /// The (first) target's base URL.
    pub fn base_url(&self) -> &Url {
        &self.targets[0].base
    }

    /// True when requests carry a bearer token.
    pub fn authenticates(&self) -> bool {
        self.targets.iter().any(|t| t.client.authenticates())
    }

    /// Where `case` goes: its account's target, else the one target.
    fn target(&self, case: &Case) -> &Target {
        case.account
            .as_deref()
            .and_then(|name| self.targets.iter().find(|t| t.name() == Some(name)))
            .unwrap_or(&self.targets[0])
    }

    /// Where a scenario step of `case` goes: the case's target, or for a `secondary-account`
    /// step the secondary account's.
    fn step_target(&self, case: &Case, secondary: bool) -> Result<&Target, String> {
        // A plain run has no accounts: its one target serves every step.
        if !secondary || self.targets[0].account.is_none() {
            return Ok(self.target(case));
        }
        self.secondary.as_ref().ok_or_else(|| {
            "this step is marked `secondary-account` and no secondary account is chosen: pass --secondary-account NAME (CONTRACT_SECONDARY_ACCOUNT) with an account of the accounts file".to_owned()
        })
    }

    /// Why `case` is not sent at all: the branch gate, or what its account lacks.
    fn refusal(&self, case: &Case) -> Option<Outcome> {
        if let Some(reason) = &self.refused {
            return Some(Outcome::Skipped {
                kind: SkipKind::BranchNotEnabled,
                reason: reason.clone(),
            });
        }
        self.target(case)
            .lacks(case)
            .map(|reason| Outcome::Skipped {
                kind: SkipKind::AccountLacks,
                reason,
            })
    }

    /// True when the target is the embedded mock.
    pub fn is_mock(&self) -> bool {
        self.is_mock
    }

    /// What would be sent for `case` (for a scenario case, its documented request with values
    /// not yet captured shown as `[name]`), or why it would not be.
    pub fn plan(&self, case: &Case) -> Result<PlannedRequest, Outcome> {
        if let Some(reason) = &case.skip {
            return Err(Outcome::Skipped {
                kind: reason.kind(),
                reason: reason.to_string(),
            });
        }
        if let Some(refusal) = self.refusal(case) {
            return Err(refusal);
        }
        if let Some(scenario) = &case.scenario {
            let chain = scenario::plan_chain(self, case, scenario)?;
            return chain
                .into_iter()
                .find(|step| step.phase == Phase::Request)
                .and_then(|step| step.request.ok())
                .ok_or_else(|| {
                    Outcome::Error(CaseError::new(
                        ErrorKind::Unfillable,
                        "the documented request cannot be filled",
                    ))
                });
        }
        if case.request.as_ref().is_some_and(|r| r.method.is_write()) {
            self.writes_allowed(case)?;
        }
        let request = case
            .request
            .as_ref()
            .ok_or_else(|| self.unsendable(PlanError::NoRequest))?;
        self.plan_request(case, request, &case.version)
    }

    /// Plans a documented request (the case's, or a scenario step's of API version
    /// `version`) for the case's target; a request that cannot be planned is a skip.
    fn plan_request(
        &self,
        case: &Case,
        request: &crate::http::Request,
        version: &str,
    ) -> Result<PlannedRequest, Outcome> {
        self.target(case)
            .plan(
                request,
                version,
                case.expect.action,
                &self.vars,
                self.is_mock,
            )
            .map_err(|error| self.unplannable(error))
    }

    /// Why a request cannot be planned for a target, as a skip.
    fn unplannable(&self, error: TargetPlanError) -> Outcome {
        match error {
            TargetPlanError::Lacks(reason) => Outcome::Skipped {
                kind: SkipKind::AccountLacks,
                reason,
            },
            TargetPlanError::Plan(error) => self.unsendable(error),
        }
    }

    /// The result of a case [`Runner::plan`] refuses (a skipped case), made without sending
    /// anything: what running it reports. `None` for a case that would be sent.
    pub fn unsent(&self, case: &Case) -> Option<CaseResult> {
        let outcome = self.plan(case).err()?;
        let mut result = not_sent(case, outcome);
        self.classify(&mut result);
        Some(result)
    }

    /// Every exchange a scenario case would make, planned without sending; `None` for a case
    /// without a scenario.
    pub fn plan_chain(&self, case: &Case) -> Option<Result<Vec<PlannedStep>, Outcome>> {
        let scenario = case.scenario.as_ref()?;
        if let Some(reason) = &case.skip {
            return Some(Err(Outcome::Skipped {
                kind: reason.kind(),
                reason: reason.to_string(),
            }));
        }
        if let Some(refusal) = self.refusal(case) {
            return Some(Err(refusal));
        }
        if let Some(broken) = &scenario.broken {
            return Some(Err(Outcome::Error(CaseError::new(
                ErrorKind::Scenario,
                format!("the scenario cannot run: {broken}"),
            ))));
        }
        Some(scenario::plan_chain(self, case, scenario))
    }

    /// The outcome of a checked answer: its warnings go to `warnings`, or, under `--strict`,
    /// count as violations.
    fn verdict(&self, verdict: Verdict, warnings: &mut Vec<Warning>) -> Outcome {
        let verdict = if self.strict {
            verdict.strict()
        } else {
            verdict
        };
        warnings.extend(
            verdict
                .warnings
                .iter()
                .map(|w| Warning::new(WarningKind::Check(w.kind), w.summary())),
        );
        if verdict.passed() {
            Outcome::Passed
        } else {
            Outcome::Failed(verdict)
        }
    }

    /// Writes go to this machine, or to a remote target only with `--allow-writes`.
    fn writes_allowed(&self, case: &Case) -> Result<(), Outcome> {
        let base = &self.target(case).base;
        if self.allow_writes || is_loopback(base) {
            return Ok(());
        }
        Err(Outcome::Skipped {
            kind: SkipKind::WritesNotAllowed,
            reason: format!(
                "writes are not allowed against {}: pass --allow-writes (CONTRACT_ALLOW_WRITES=1)",
                base.host_str().unwrap_or_default()
            ),
        })
    }

    /// Why a request cannot be built for this target, as a skip.
    fn unsendable(&self, error: PlanError) -> Outcome {
        Outcome::Skipped {
            kind: match error {
                PlanError::Unfilled(_) => SkipKind::NoValue,
                PlanError::ForeignHost(_) => SkipKind::ForeignHost,
                PlanError::BadUrl(_) | PlanError::NoRequest => SkipKind::UnbuildableUrl,
            },
            reason: error.to_string(),
        }
    }

    /// Notes whether an exchange reached the target, for the unreachable gate.
    fn record_contact(&self, result: &Result<crate::send::ActualResponse, SendError>) {
        self.gate.record(result);
    }

    /// Runs one case: plan, send, check, then look up its known issue. Once the target has
    /// proved unreachable (see [`UNREACHABLE_AFTER`]), cases are skipped instead of sent.
    pub async fn run_case(&self, case: &Case) -> CaseResult {
        self.run_planned(case, None).await
    }

    /// [`Runner::run_case`], with what [`Runner::plan`] gave for `case` when the caller has it
    /// already (the suite decides its skips with it), so that no case is planned twice.
    pub async fn run_planned(
        &self,
        case: &Case,
        plan: Option<Result<PlannedRequest, Outcome>>,
    ) -> CaseResult {
        let mut result = self.run_unclassified(case, plan).await;
        self.classify(&mut result);
        result
    }

    /// Attaches the case's known issue. Under `--strict` a fixed case fails: the entry must go.
    fn classify(&self, result: &mut CaseResult) {
        let Some(known) = &self.known else { return };
        let failed = match result.outcome {
            Outcome::Passed => false,
            Outcome::Failed(_) | Outcome::Error(_) => true,
            Outcome::Skipped { .. } => return,
        };
        // With several accounts each case id ends in `@account`: an entry written for the
        // plain id covers the case of every account, one naming the account only its own.
        let plain = self
            .targets
            .iter()
            .filter_map(Target::name)
            .find_map(|name| result.id.strip_suffix(&format!("@{name}")));
        result.known = known
            .classify(&result.id, failed, self.today)
            .or_else(|| plain.and_then(|id| known.classify(id, failed, self.today)));
        if let (true, Some(found)) = (self.strict, &result.known) {
            if found.status == KnownStatus::Fixed {
                result.outcome = Outcome::Failed(Verdict {
                    violations: vec![Violation {
                        pointer: String::new(),
                        kind: ViolationKind::KnownIssueFixed,
                        expected: format!("a failure ({})", found.issue.location()),
                        actual: "the case passes".to_owned(),
                        message: format!(
                            "the known issue at {} is fixed: remove the entry (--strict fails a fixed known issue)",
                            found.issue.location()
                        ),
                        documented_line: None,
                    }],
                    diff: None,
                    warnings: Vec::new(),
                });
            }
        }
    }

    async fn run_unclassified(
        &self,
        case: &Case,
        plan: Option<Result<PlannedRequest, Outcome>>,
    ) -> CaseResult {
        if let Some(scenario) = case.scenario.as_ref().filter(|_| case.skip.is_none()) {
            if let Some(outcome) = self.refusal(case).or_else(|| self.gate.closed()) {
                return not_sent(case, outcome);
            }
            return scenario::run(self, case, scenario).await;
        }
        let request = match plan.unwrap_or_else(|| self.plan(case)) {
            Ok(request) => request,
            Err(outcome) => return not_sent(case, outcome),
        };
        if let Some(outcome) = self.gate.closed() {
            return not_sent(case, outcome);
        }
        self.exchange(case, request).await
    }

    /// Sends a planned case and checks the answer, noting for the gate whether the target
    /// was reached.
    async fn exchange(&self, case: &Case, request: PlannedRequest) -> CaseResult {
        let started = Instant::now();
        let exchange = self.target(case).send(&request).await;
        self.record_contact(&exchange.result);
        let mut warnings = Vec::new();
        let outcome = match exchange.result {
            Ok(actual) => self.verdict(check(case, &actual, &self.schemas), &mut warnings),
            Err(error) => Outcome::Error(CaseError::new(ErrorKind::Exchange, error.to_string())),
        };
        CaseResult {
            id: case.id.clone(),
            outcome,
            request: Some(request),
            duration: started.elapsed(),
            // The example still runs when its own documentation is wrong; the report says so.
            findings: case.findings.clone(),
            retries: exchange.retries,
            steps: Vec::new(),
            warnings,
            secrets: Vec::new(),
            known: None,
        }
    }

    /// Runs every case with at most `jobs` exchanges at once; results come back in case order.
    /// `on_result` is called as each case finishes (for progress bars).
    pub async fn run_all(
        self: &Arc<Self>,
        cases: Arc<Vec<Case>>,
        jobs: usize,
        on_result: impl Fn(&CaseResult) + Send + Sync + 'static,
    ) -> Vec<CaseResult> {
        let on_result = Arc::new(on_result);
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..jobs.max(1).min(cases.len().max(1)) {
            let (runner, cases, next, on_result) = (
                Arc::clone(self),
                Arc::clone(&cases),
                Arc::clone(&next),
                Arc::clone(&on_result),
            );
            workers.spawn(async move {
                let mut done = Vec::new();
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = cases.get(index) else { break };
                    let result = runner.run_case(case).await;
                    on_result(&result);
                    done.push((index, result));
                }
                done
            });
        }
        let mut results: Vec<(usize, CaseResult)> = Vec::with_capacity(cases.len());
        while let Some(done) = workers.join_next().await {
            results.extend(done.expect("a runner task does not panic"));
        }
        results.sort_by_key(|(index, _)| *index);
        results.into_iter().map(|(_, result)| result).collect()
    }
}

/// The target of one account: its own client (its token, its headers after the run's).
fn account_target(
    account: crate::accounts::Account,
    options: &ClientOptions,
    base_url: Option<&Url>,
) -> Result<Target, RunError> {
    let base = base_url
        .cloned()
        .or_else(|| account.service_url.clone())
        .ok_or_else(|| RunError::NoServiceUrl(account.name.clone()))?;
    let mut client = options.clone();
    client.token = None;
    client.oauth = account.oauth.clone();
    client.extra_headers.extend(account.headers.iter().cloned());
    let client = Client::new(client, &base).map_err(RunError::Client)?;
    Ok(Target::of_account(account, client, base))
}

/// A case that was not sent, and why; with its example's findings, as every result has (a
/// skipped example's own problems are often why it was skipped).
fn not_sent(case: &Case, outcome: Outcome) -> CaseResult {
    CaseResult {
        findings: case.findings.clone(),
        ..CaseResult::new(case.id.clone(), outcome)
    }
}

/// This many cases failing to connect, with none connecting, means the target is down or the
/// base URL is wrong: the rest of the run would only repeat the same error, retries and all.
pub const UNREACHABLE_AFTER: usize = 8;

/// Stops sending once the target is plainly unreachable; the cases not sent are skipped with
/// the first connection error, so the report stays complete and says why.
#[derive(Debug, Default)]
struct Gate {
    reached: std::sync::atomic::AtomicBool,
    unreachable: std::sync::atomic::AtomicUsize,
    first_error: std::sync::OnceLock<String>,
}

impl Gate {
    /// Notes one exchange: it reached the target, or it proves the target unreachable
    /// ([`SendError::proves_unreachable`]).
    fn record(&self, result: &Result<crate::send::ActualResponse, SendError>) {
        use std::sync::atomic::Ordering::Relaxed;
        match result {
            Err(error) if error.proves_unreachable() => {
                let _ = self.first_error.set(error.to_string());
                self.unreachable.fetch_add(1, Relaxed);
            }
            // Load first: every case lands here, and a store would bounce the cache line.
            _ if !self.reached.load(Relaxed) => self.reached.store(true, Relaxed),
            _ => {}
        }
    }

    /// The outcome for cases not yet sent, once the gate has closed.
    fn closed(&self) -> Option<Outcome> {
        use std::sync::atomic::Ordering::Relaxed;
        if self.reached.load(Relaxed) || self.unreachable.load(Relaxed) < UNREACHABLE_AFTER {
            return None;
        }
        let first = self.first_error.get().map_or("", String::as_str);
        Some(Outcome::Skipped {
            kind: SkipKind::TargetUnreachable,
            reason: format!(
                "not sent: {UNREACHABLE_AFTER} cases failed to connect to the target and none succeeded ({first}); check that the service is running and that the base URL is right"
            ),
        })
    }
}
