//! GitHub Actions annotations: `::error file=…,line=…,title=…::message` workflow commands, so
//! each broken example shows on the pull request's diff at the documented line.

use super::Report;
use crate::finding::Severity;
use crate::redact::Secrets;
use crate::runner::Outcome;
use std::path::Path;

/// True when running as a GitHub Actions step (`GITHUB_ACTIONS=true`).
pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// The repository root that annotation paths are relative to: `GITHUB_WORKSPACE`, else the
/// current folder.
pub fn repo_root() -> std::path::PathBuf {
    std::env::var_os("GITHUB_WORKSPACE")
        .filter(|v| !v.is_empty())
        .map(Into::into)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| ".".into())
}

/// One `::error` line per failed or errored case and per lint error on a case that ran.
/// Paths are the cases folder joined with the page, relative to `repo_root`.
pub fn annotations(run: &Report, secrets: &Secrets, repo_root: &Path) -> String {
    let mut out = String::new();
    for case in &run.cases {
        let page = super::repo_path(&run.cases_dir, &case.file, repo_root);
        let message = match &case.outcome {
            Outcome::Failed(_) => Some(case.failure_text()),
            Outcome::Error(message) => Some(format!("no answer to check: {message}")),
            _ => None,
        };
        if let Some(message) = message {
            out.push_str(&command(
                &page,
                case.focus_line(),
                &case.id,
                message.trim_end(),
            ));
        }
        for finding in case
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
        {
            let page = super::repo_path(&run.cases_dir, &finding.file, repo_root);
            out.push_str(&command(
                &page,
                finding.line,
                &format!("{} [{}]", case.id, finding.rule),
                &finding.message,
            ));
        }
    }
    secrets.redact(&out).into_owned()
}

fn command(file: &str, line: usize, title: &str, message: &str) -> String {
    format!(
        "::error file={},line={line},title={}::{}\n",
        escape_property(file),
        escape_property(title),
        escape_data(message)
    )
}

/// The message part of a workflow command (GitHub's `escapeData`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command (GitHub's `escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("beta::a,b"), "beta%3A%3Aa%2Cb");
        assert_eq!(
            command("cases/x.md", 12, "v1::x", "a\nb"),
            "::error file=cases/x.md,line=12,title=v1%3A%3Ax::a%0Ab\n"
        );
    }
}
