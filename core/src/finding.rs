//! Findings: problems in the documentation itself, with the file and line a person must edit.
//!
//! The parser, the case builder and `contract lint` all report through this one type, so that
//! every consumer (terminal, reports, CI annotations) renders them the same way.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Errors make `contract lint` exit non-zero; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look, never fails anything.
    Warning,
    /// The page is wrong and should be fixed.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem found in a documentation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// A short kebab-case rule name, stable across releases (e.g. `annotation-syntax`).
    pub rule: &'static str,
    /// The page, as given to the tool (relative to the cases folder where there is one).
    pub file: String,
    /// 1-based line of the offending text (not of the enclosing block).
    pub line: usize,
    /// What is wrong and, where it helps, what to do.
    pub message: String,
}

impl Finding {
    /// A finding of severity error.
    pub fn error(rule: &'static str, file: &str, line: usize, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            rule,
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }

    /// A finding of severity warning.
    pub fn warning(
        rule: &'static str,
        file: &str,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            rule,
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

/// Rendered like a compiler diagnostic: `file:line: severity[rule]: message`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.file, self.line, self.severity, self.rule, self.message
        )
    }
}

/// A finding as a report holds it, read back (`contract report merge`).
#[derive(Deserialize)]
struct ReadFinding {
    severity: Severity,
    rule: String,
    file: String,
    line: usize,
    message: String,
}

impl<'de> Deserialize<'de> for Finding {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Finding, D::Error> {
        let read = ReadFinding::deserialize(deserializer)?;
        Ok(Finding {
            severity: read.severity,
            rule: intern(read.rule),
            file: read.file,
            line: read.line,
            message: read.message,
        })
    }
}

/// A rule name read back from a report: rules are a small fixed set, each interned once for
/// the life of the process.
fn intern(name: String) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.get(name.as_str()) {
        return known;
    }
    let interned: &'static str = Box::leak(name.into_boxed_str());
    names.insert(interned);
    interned
}
