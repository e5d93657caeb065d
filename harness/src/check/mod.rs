//! (case, actual response) → verdict. Interim: status only, until the full checks land.

use crate::case::Case;
use crate::schema::Schemas;
use crate::send::ActualResponse;

/// The outcome of checking one response: it passed when there are no violations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    /// Each way the response breaks the documented contract.
    pub violations: Vec<Violation>,
    /// Documented versus actual body, when both are JSON and the case failed.
    pub diff: Option<BodyDiff>,
}

/// The documented and the actual body, pretty-printed with sorted keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BodyDiff {
    /// The documented body.
    pub expected: String,
    /// The actual body (cut down to the documented keys for truncated examples).
    pub actual: String,
    /// Keys the actual body has beyond the documented ones.
    pub extra_keys: Vec<String>,
}

impl BodyDiff {
    /// A unified diff, documented (`-`) against actual (`+`).
    pub fn unified(&self, _color: bool) -> String {
        similar::TextDiff::from_lines(&self.expected, &self.actual)
            .unified_diff()
            .header("documented", "actual")
            .to_string()
    }
}

/// One broken expectation, located by a JSON pointer into the actual body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON pointer (RFC 6901) into the actual body; empty for the whole body, status, headers.
    pub pointer: String,
    /// Which rule was broken.
    pub kind: ViolationKind,
    /// What the documentation says.
    pub expected: String,
    /// What the service returned.
    pub actual: String,
    /// A sentence for a person.
    pub message: String,
}

/// The rule a violation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Wrong status code.
    Status,
}

impl Verdict {
    /// True when the response honours the contract.
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    /// The verdict as a person reads it: violations, then a diff. `color` adds ANSI colours.
    pub fn render(&self, case: &Case, _color: bool) -> String {
        let mut out = format!(
            "{} failed ({}:{}):\n",
            case.id,
            case.file,
            case.response_line.unwrap_or(case.line)
        );
        for v in &self.violations {
            out.push_str(&format!("  {}: {}\n", v.pointer, v.message));
        }
        out
    }
}

/// Checks one actual response against the case's documented one.
pub fn check(case: &Case, actual: &ActualResponse, _schemas: &Schemas) -> Verdict {
    let mut verdict = Verdict::default();
    if let Some(expected) = case.expected_status() {
        if expected != actual.status {
            verdict.violations.push(Violation {
                pointer: String::new(),
                kind: ViolationKind::Status,
                expected: expected.to_string(),
                actual: actual.status.to_string(),
                message: format!("expected status {expected}, got {}", actual.status),
            });
        }
    }
    verdict
}
