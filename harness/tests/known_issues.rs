//! Known issues: a recorded failure does not fail the run and shows in every report with its
//! reason, owner and link; a corrected service makes the entry "fixed"; an expired entry stops
//! hiding; a stale entry is a warning with its line; `--record-known-issues` writes a file that
//! makes the next run green.

mod common;

use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const CASE: &str = "beta::workbookchartpoint_post::create_workbookchartpoint_from_";

/// Answers every request with seed 003's body, without its documented `value` property until
/// `corrected` is set.
async fn service(corrected: Arc<AtomicBool>) -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(move || {
        let corrected = corrected.load(Ordering::SeqCst);
        async move {
            let mut body = json!({
                "@odata.type": "#microsoft.graph.workbookChartPoint",
                "id": "bafa8a99-8a99-bafa-998a-faba998afaba",
            });
            if corrected {
                body["value"] = json!({"@odata.type": "microsoft.graph.Json"});
            }
            (axum::http::StatusCode::CREATED, axum::Json(body))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

struct Run {
    code: Option<i32>,
    text: String,
    json: Value,
}

/// `contract run` over seed 003 against `addr`, reports into `dir/reports`.
async fn run(addr: std::net::SocketAddr, dir: &Path, extra: &[&str]) -> Run {
    let base = format!("http://{addr}/");
    let dir = dir.to_owned();
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let vars = common::seed_003_vars(&dir);
        let output = common::contract()
            .args(["run", "--filter", "workbookchartpoint", "--base-url", &base])
            .arg("--cases")
            .arg(common::cases())
            .arg("--vars")
            .arg(&vars)
            .arg("--schemas")
            .arg(common::workspace().join("schemas"))
            .arg("--report-dir")
            .arg(dir.join("reports"))
            .args(&extra)
            .output()
            .unwrap();
        let json = std::fs::read_to_string(dir.join("reports/report.json")).unwrap_or_default();
        Run {
            code: output.status.code(),
            text: String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
            json: serde_json::from_str(&json).unwrap_or(Value::Null),
        }
    })
    .await
    .unwrap()
}

fn known_file(dir: &Path, text: &str) -> String {
    let path = dir.join("known-issues.toml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const ENTRY: &str = r#"# seed 003 drifts
[[known]]
case = "beta::workbookchartpoint_post::*"
reason = "the service leaves out value until the fix ships"
owner = "workbook-docs"
link = "https://example.org/t/123"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_failure_passes_the_run_and_shows_in_all_four_reports() {
    let addr = service(Arc::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let known = known_file(dir.path(), ENTRY);

    let without = run(addr, dir.path(), &[]).await;
    assert_eq!(without.code, Some(1), "{}", without.text);

    let with = run(addr, dir.path(), &["--known-issues", &known]).await;
    assert_eq!(with.code, Some(0), "{}", with.text);
    assert!(
        with.text.contains(&format!("known failure: {CASE} (beta/api/workbookchartpoint-post.md:63): the service leaves out value until the fix ships (owner: workbook-docs; https://example.org/t/123; {known}:3)")),
        "{}",
        with.text
    );
    assert!(
        with.text.contains("0 passed, 1 known failures, 0 failed"),
        "{}",
        with.text
    );
    // JSON: counted apart, with the entry.
    let summary = &with.json["summary"];
    assert_eq!(
        (summary["known_failures"].clone(), summary["failed"].clone()),
        (json!(1), json!(0))
    );
    let case = &with.json["cases"][0];
    assert_eq!(case["status"], "known-failure");
    assert_eq!(case["outcome"], "failed");
    assert_eq!(case["known"]["owner"], "workbook-docs");
    assert_eq!(case["known"]["link"], "https://example.org/t/123");
    assert_eq!(case["known"]["line"], 3);
    assert_eq!(case["violations"][0]["kind"], "missing-property");
    // JUnit: skipped with the reason, so dashboards show it.
    let junit = std::fs::read_to_string(dir.path().join("reports/junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .expect("a skipped test case");
    assert_eq!(skipped.attribute("type"), Some("known-failure"));
    let message = skipped.attribute("message").unwrap();
    assert!(
        message.contains("the service leaves out value")
            && message.contains("owner: workbook-docs")
            && message.contains("https://example.org/t/123"),
        "{message}"
    );
    // Markdown: its own section, with owner and link.
    let markdown = std::fs::read_to_string(dir.path().join("reports/summary.md")).unwrap();
    assert!(markdown.contains("## ✅ Contract tests"), "{markdown}");
    assert!(markdown.contains("### 📌 Known failures"), "{markdown}");
    assert!(
        markdown.contains(&format!("| `{CASE}` | the service leaves out value until the fix ships | workbook-docs | https://example.org/t/123 |")),
        "{markdown}"
    );
    // HTML: its own outcome and filter, with owner and a link.
    let html = std::fs::read_to_string(dir.path().join("reports/report.html")).unwrap();
    assert!(html.contains("data-outcome=\"known-failure\""));
    assert!(html.contains("value=\"known-failure\" checked><b>1</b> known failure"));
    assert!(html.contains("owner: workbook-docs"));
    assert!(html.contains("<a href=\"https://example.org/t/123\">"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_service_reports_the_entry_fixed_and_strict_fails_it() {
    let corrected = Arc::new(AtomicBool::new(true));
    let addr = service(corrected).await;
    let dir = tempfile::tempdir().unwrap();
    let known = known_file(dir.path(), ENTRY);

    let fixed = run(addr, dir.path(), &["--known-issues", &known]).await;
    assert_eq!(fixed.code, Some(0), "{}", fixed.text);
    assert!(
        fixed.text.contains(&format!("fixed: the case passes; remove the entry from known-issues.toml: {CASE} (beta/api/workbookchartpoint-post.md:63)")),
        "{}",
        fixed.text
    );
    assert!(
        fixed.text.contains("0 passed, 1 fixed, 0 failed"),
        "{}",
        fixed.text
    );
    assert_eq!(fixed.json["summary"]["fixed"], 1);
    assert_eq!(fixed.json["cases"][0]["status"], "fixed");
    assert_eq!(fixed.json["cases"][0]["known"]["status"], "fixed");
    let markdown = std::fs::read_to_string(dir.path().join("reports/summary.md")).unwrap();
    assert!(
        markdown.contains("### 🎉 Fixed: remove these entries"),
        "{markdown}"
    );
    let html = std::fs::read_to_string(dir.path().join("reports/report.html")).unwrap();
    assert!(html.contains("<div class=\"notice fixed\">"));

    let strict = run(addr, dir.path(), &["--known-issues", &known, "--strict"]).await;
    assert_eq!(strict.code, Some(1), "{}", strict.text);
    assert!(strict.text.contains("known-issue-fixed"), "{}", strict.text);
    assert_eq!(strict.json["summary"]["failed"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_entry_no_longer_hides_the_failure() {
    let addr = service(Arc::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let known = known_file(dir.path(), &format!("{ENTRY}expires = 2020-01-31\n"));
    let expired = run(addr, dir.path(), &["--known-issues", &known]).await;
    assert_eq!(expired.code, Some(1), "{}", expired.text);
    assert!(
        expired.text.contains(&format!(
            "known issue expired on 2020-01-31 and no longer hides the failure: {CASE}"
        )),
        "{}",
        expired.text
    );
    assert_eq!(expired.json["summary"]["failed"], 1);
    assert_eq!(expired.json["cases"][0]["known"]["status"], "expired");

    let known = known_file(dir.path(), &format!("{ENTRY}expires = 2999-12-31\n"));
    let current = run(addr, dir.path(), &["--known-issues", &known]).await;
    assert_eq!(current.code, Some(0), "{}", current.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_that_matches_no_case_is_a_warning_with_its_line() {
    let addr = service(Arc::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let known = known_file(
        dir.path(),
        &format!("{ENTRY}\n[[known]]\ncase = \"v1.0::no_such_page::*\"\nreason = \"gone\"\n"),
    );
    let stale = run(addr, dir.path(), &["--known-issues", &known]).await;
    assert_eq!(stale.code, Some(0), "{}", stale.text);
    assert!(
        stale.text.contains(&format!(
            "warning: {known}:9: the known issue `v1.0::no_such_page::*` matches no case"
        )),
        "{}",
        stale.text
    );
    assert_eq!(stale.json["stale_known_issues"][0]["line"], 9);
    // A filter does not make the other entries stale: staleness is judged on every case.
    let filtered = run(
        addr,
        dir.path(),
        &["--known-issues", &known, "--filter", "nothing-matches-this"],
    )
    .await;
    assert!(
        !filtered
            .text
            .contains("beta::workbookchartpoint_post::*` matches no case"),
        "{}",
        filtered.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_is_an_error_naming_the_line() {
    let addr = service(Arc::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let known = known_file(
        dir.path(),
        "[[known]]\ncase = \"x\"\nreason = \"y\"\nexpires = \"soon\"\n",
    );
    let bad = run(addr, dir.path(), &["--known-issues", &known]).await;
    assert_eq!(bad.code, Some(2), "{}", bad.text);
    assert!(bad.text.contains(&format!("{known}:4: ")), "{}", bad.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_known_issues_make_the_next_run_green() {
    let addr = service(Arc::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let recorded = dir.path().join("recorded.toml");
    let first = run(
        addr,
        dir.path(),
        &["--record-known-issues", recorded.to_str().unwrap()],
    )
    .await;
    assert_eq!(first.code, Some(1), "{}", first.text);
    assert!(
        first.text.contains("recorded 1 known issues in"),
        "{}",
        first.text
    );
    let text = std::fs::read_to_string(&recorded).unwrap();
    assert!(text.contains(&format!("case = \"{CASE}\"")), "{text}");
    assert!(text.contains("reason = \"`value` is missing"), "{text}");

    let second = run(
        addr,
        dir.path(),
        &["--known-issues", recorded.to_str().unwrap()],
    )
    .await;
    assert_eq!(second.code, Some(0), "{}", second.text);
    assert_eq!(second.json["summary"]["known_failures"], 1);
}
