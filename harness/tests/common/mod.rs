//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The corpus folder from `CONTRACT_CORPUS`, or `None` (after saying so) when it is unset.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("CONTRACT_CORPUS").filter(|d| !d.is_empty()) else {
        eprintln!(
            "{test}: skipped, CONTRACT_CORPUS is not set (point it at shared/corpus to run it)"
        );
        return None;
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_absolute() || dir.exists() {
        dir
    } else {
        workspace().join(dir)
    };
    assert!(
        dir.is_dir(),
        "CONTRACT_CORPUS={} is not a folder",
        dir.display()
    );
    Some(dir)
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The project's own cases folder.
pub fn cases() -> PathBuf {
    workspace().join("cases")
}

/// The `contract` binary with colours off and no `CONTRACT_*` variable inherited from the shell
/// or from CI (a developer's `CONTRACT_BASE_URL`, CI's `CONTRACT_REPORT_DIR`): each test sets
/// what it means to test.
pub fn contract() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_contract"));
    command.env("NO_COLOR", "1");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONTRACT_") {
            command.env_remove(name);
        }
    }
    command
}

/// `contract report merge INPUT --out OUT`.
pub fn merge(input: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    contract()
        .args(["report", "merge"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// A report with what differs between any two runs taken out: times, the mock's port, and the
/// line naming the shards.
pub fn normalise(text: &str) -> String {
    let rules: &[(&str, &str)] = &[
        (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
        (r#"(time|timestamp)="[^"]*""#, "$1=\"T\""),
        (r#""duration_ms": [0-9.e-]+"#, "\"duration_ms\": 0"),
        (r"\d+(\.\d+)? ?(ms|s)\b", "T"),
        (r", (shard|merged from) [^\n<]*?(\.\n|\n|</p>)", "$2"),
        (r#"(?s)"shards": \[.*?\]"#, "\"shards\": []"),
    ];
    let mut text = text.to_owned();
    for (pattern, with) in rules {
        text = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, *with)
            .into_owned();
    }
    text
}

/// A server on 127.0.0.1:0 that hands each accepted connection to `serve`, for tests that
/// speak raw TCP (broken answers, TLS) rather than through axum.
pub async fn raw_server<F, Fut>(serve: F) -> std::net::SocketAddr
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            if let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream));
            }
        }
    });
    addr
}

/// A verdict as the terminal shows it (plain), through the same path as `contract run`.
pub fn render(
    case: &contract_harness::case::Case,
    verdict: &contract_harness::check::Verdict,
) -> String {
    use contract_harness::runner::{CaseResult, Outcome};
    let outcome = if verdict.passed() {
        Outcome::Passed
    } else {
        Outcome::Failed(verdict.clone())
    };
    let result = CaseResult::new(case.id.clone(), outcome);
    let secrets = contract_harness::redact::Secrets::none();
    let entry = contract_harness::report::CaseReport::new(case, &result, &secrets);
    contract_harness::report::terminal::problem(&entry, false)
}

/// Values for seed 003's five placeholders: a real service needs them all.
pub fn seed_003_vars(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("vars.toml");
    let ids = [
        "invitationsId",
        "driveItemId",
        "workbookNamedItemId",
        "workbookChartId",
        "workbookChartSeriesId",
    ];
    let text: String = ids
        .iter()
        .map(|id| format!("{id} = \"{}-1\"\n", id.to_lowercase()))
        .collect();
    std::fs::write(&path, text).unwrap();
    path
}
