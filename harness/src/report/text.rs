//! The texts every report shares: a violation's line, a failure's plain text and headline, a
//! scenario step's line, the shards and the target as a summary names them.

use super::{CaseReport, Report, StepReport};
use crate::check::Violation;
use crate::runner::Outcome;

impl StepReport {
    /// `1. set-up step 1 (create-task): POST http://…/tasks → 201 (12 ms), captured [task-id]`.
    pub fn line(&self) -> String {
        let status = self
            .status
            .map_or("no answer".to_owned(), |s| s.to_string());
        let mut line = format!(
            "{}: {} {} → {status} ({:.0} ms)",
            self.label, self.method, self.url, self.duration_ms
        );
        if !self.captured.is_empty() {
            let names: Vec<String> = self.captured.iter().map(|n| format!("[{n}]")).collect();
            line.push_str(&format!(", captured {}", names.join(" ")));
        }
        if let Some(problem) = &self.problem {
            line.push_str(&format!(": {problem}"));
        }
        line
    }
}

impl CaseReport {
    /// The failure as plain text: one line per violation, then the unified diff. Also the
    /// error message or skip reason, so every non-passing case has something to show. A
    /// scenario case adds its steps.
    pub fn failure_text(&self) -> String {
        let mut text = self.outcome_text();
        if !self.steps.is_empty() && !matches!(self.outcome, Outcome::Passed) {
            text.push_str(&self.steps_text());
        }
        text
    }

    /// The steps of a scenario case, one numbered line each, after a `steps:` line.
    pub fn steps_text(&self) -> String {
        let mut text = String::from("\nsteps:\n");
        for (index, step) in self.steps.iter().enumerate() {
            text.push_str(&format!("  {}. {}\n", index + 1, step.line()));
        }
        text
    }

    fn outcome_text(&self) -> String {
        match &self.outcome {
            Outcome::Passed => String::new(),
            Outcome::Failed(verdict) => {
                let mut text = String::new();
                for v in &verdict.violations {
                    text.push_str(&violation_line(v));
                    text.push('\n');
                }
                if let Some(diff) = &verdict.diff {
                    text.push('\n');
                    text.push_str(&diff.unified(false));
                }
                text
            }
            Outcome::Skipped { reason, .. } => reason.clone(),
            Outcome::Error(error) => error.message.clone(),
        }
    }

    /// One line saying what went wrong (the first violation, the error, the skip reason).
    pub fn headline(&self) -> String {
        match &self.outcome {
            Outcome::Passed => String::new(),
            Outcome::Failed(verdict) => match verdict.violations.first() {
                Some(first) if verdict.violations.len() > 1 => {
                    format!(
                        "{} (and {} more)",
                        first.message,
                        verdict.violations.len() - 1
                    )
                }
                Some(first) => first.message.clone(),
                None if verdict.diff.is_some() => {
                    "the body differs from the documented one".to_owned()
                }
                None => "failed".to_owned(),
            },
            Outcome::Skipped { reason, .. } => reason.clone(),
            Outcome::Error(error) => error.message.clone(),
        }
    }
}

/// `pointer: message (expected …, actual …)`, the form every text report uses.
pub fn violation_line(v: &Violation) -> String {
    let pointer = if v.pointer.is_empty() {
        "(response)"
    } else {
        v.pointer.as_str()
    };
    format!(
        "{pointer}: {} [{}] (expected {}, actual {})",
        v.message, v.kind, v.expected, v.actual
    )
}

impl Report {
    /// `3 shards (hash:1/3 480 cases 1.20s, …)`, or `None` for a whole run.
    pub fn shards_line(&self) -> Option<String> {
        if self.shards.is_empty() {
            return None;
        }
        if self.shards.len() > 8 {
            // One per process under nextest: name the slowest only.
            let slowest = self
                .shards
                .iter()
                .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))?;
            return Some(format!(
                "merged from {} shards (slowest: {}, {} cases in {:.2}s)",
                self.shards.len(),
                slowest.partition,
                slowest.cases,
                slowest.duration_ms / 1000.0
            ));
        }
        let each: Vec<String> = self
            .shards
            .iter()
            .map(|s| {
                format!(
                    "{}: {} cases in {:.2}s",
                    s.partition,
                    s.cases,
                    s.duration_ms / 1000.0
                )
            })
            .collect();
        Some(match self.shards.len() {
            1 => format!("shard {}", each[0]),
            n => format!("merged from {n} shards ({})", each.join("; ")),
        })
    }

    /// The target as the reports name it: `the embedded mock (http://127.0.0.1:…/)` or the URL.
    pub fn target_label(&self) -> String {
        if self.is_mock {
            return format!("the embedded mock ({})", self.target);
        }
        // Accounts of ApiDoctor's accounts file: which ran, in order.
        let mut accounts: Vec<&str> = Vec::new();
        for account in self.cases.iter().filter_map(|c| c.account.as_deref()) {
            if !accounts.contains(&account) {
                accounts.push(account);
            }
        }
        match accounts.as_slice() {
            [] => self.target.clone(),
            [one] => format!("{} as account `{one}`", self.target),
            many => format!(
                "the services of accounts {}",
                many.iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}
