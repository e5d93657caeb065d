//! A run with a token against a loopback server that echoes it back; the
//! four reports are parsed back (roxmltree, serde) and none of them contains the token. Both
//! front ends are covered: the library (`report::write`) and `contract run --report-*`.

mod common;

use axum::http::{HeaderMap, StatusCode, Uri};
use contract_harness::redact::Secrets;
use contract_harness::report::{self, Outputs};
use contract_harness::runner::{RunOptions, Runner};
use contract_harness::schema::Schemas;
use contract_harness::send::{ClientOptions, Vars};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "s3cr3t-token-value";

/// Three examples: one the server honours, one it breaks (500 instead of 200), one with no
/// documented response (skipped). The widget id is the token itself, so that the token reaches
/// the request URL, which every report shows.
const PAGE: &str = r#"# Widgets

<!-- { "blockType": "request", "name": "get_widget" } -->
```http
GET https://graph.microsoft.com/v1.0/widgets/{id}
```

<!-- { "blockType": "response", "truncated": true } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "id": "1", "name": "<b>Tom & \"Jerry\"</b>" }
```

<!-- { "blockType": "request", "name": "broken_widget" } -->
```http
GET https://graph.microsoft.com/v1.0/widgets/{id}/broken
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "id": "1" }
```

<!-- { "blockType": "request", "name": "undocumented" } -->
```http
DELETE https://graph.microsoft.com/v1.0/widgets/{id}
```
"#;

const BROKEN: &str = "v1.0::widget_get::broken_widget";

fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("v1.0/api")).unwrap();
    std::fs::write(cases.join("v1.0/api/widget-get.md"), PAGE).unwrap();
    let vars = dir.path().join("vars.toml");
    std::fs::write(&vars, format!("id = \"{TOKEN}\"\n")).unwrap();
    (dir, cases, vars)
}

/// Echoes the Authorization header into the body; `/broken` answers 500.
async fn echo_server() -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(|uri: Uri, headers: HeaderMap| async move {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let status = if uri.path().ends_with("/broken") {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::OK
        };
        let body = serde_json::json!({ "id": "1", "name": auth, "path": uri.path() });
        (
            status,
            [("content-type", "application/json")],
            body.to_string(),
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Checks the four reports in `dir` (named as `Outputs::in_dir` names them).
fn check_reports(dir: &Path) {
    let files = ["junit.xml", "report.json", "summary.md", "report.html"];
    for file in files {
        let text = read(&dir.join(file));
        assert!(!text.contains(TOKEN), "{file} leaks the token:\n{text}");
        assert!(!text.contains("s3cr3t"), "{file} leaks part of the token");
    }

    let xml = read(&dir.join("junit.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("JUnit parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("0"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1, "one suite per page");
    assert_eq!(suites[0].attribute("name"), Some("v1.0/api/widget-get.md"));
    assert_eq!(suites[0].attribute("skipped"), Some("1"));
    let broken = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(BROKEN))
        .expect("the broken case is listed");
    assert_eq!(
        broken.attribute("classname"),
        Some("v1.0/api/widget-get.md")
    );
    assert!(broken.attribute("time").is_some());
    let failure = broken
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("a broken contract is a <failure>");
    assert_eq!(failure.attribute("type"), Some("status"));
    let text = failure.text().unwrap_or("");
    assert!(
        text.contains("expected 200") && text.contains("500"),
        "{text}"
    );
    assert!(text.contains("v1.0/api/widget-get.md:"), "{text}");
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .expect("the skipped case says so");
    assert!(skipped
        .attribute("message")
        .unwrap()
        .contains("no documented response"));

    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("report.json"))).unwrap();
    let summary = &json["summary"];
    assert_eq!(summary["passed"], 1);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["errors"], 0);
    assert_eq!(summary["skipped"], 1);
    assert!(summary["target"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    let cases = json["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let case = cases.iter().find(|c| c["id"] == BROKEN).unwrap();
    assert_eq!(case["outcome"], "failed");
    assert_eq!(case["file"], "v1.0/api/widget-get.md");
    assert_eq!(case["method"], "GET");
    assert!(case["url"]
        .as_str()
        .unwrap()
        .contains("/v1.0/widgets/***/broken"));
    let violation = &case["violations"][0];
    assert_eq!(violation["kind"], "status");
    assert_eq!(violation["expected"], "200");
    assert_eq!(violation["actual"], "500");
    assert!(case["line"].as_u64().unwrap() > 0);

    let markdown = read(&dir.join("summary.md"));
    assert!(markdown.contains("| ❌ failed | 1 |"), "{markdown}");
    assert!(
        markdown.contains(&format!("### ❌ `{BROKEN}`")),
        "{markdown}"
    );
    assert!(
        markdown.contains("expected status 200, got 500"),
        "{markdown}"
    );

    let html = read(&dir.join("report.html"));
    assert!(html.contains(&format!(
        "data-outcome=\"failed\" data-warnings=\"1\" data-id=\"{BROKEN}\""
    )));
    assert!(!html.contains("<script src") && !html.contains("http://cdn"));
}

#[tokio::test]
async fn the_library_writes_four_reports_without_the_token() {
    let addr = echo_server().await;
    let (dir, cases_dir, vars) = fixture();
    let list = contract_harness::catalog::Catalog::read(&cases_dir).unwrap();
    assert_eq!(list.cases.len(), 3);
    let options = RunOptions {
        base_url: Some(format!("http://{addr}/").parse().unwrap()),
        vars: Vars::load(&vars).unwrap(),
        client: ClientOptions {
            token: Some(TOKEN.to_owned().into()),
            ..ClientOptions::default()
        },
        allow_writes: false,
        ..RunOptions::default()
    };
    let runner = Arc::new(
        Runner::start(&list.cases, Arc::new(Schemas::empty()), options)
            .await
            .unwrap(),
    );
    let cases = Arc::new(list.cases);
    let results = runner.run_all(Arc::clone(&cases), 4, |_| {}).await;
    let secrets = Secrets::new([TOKEN]);
    let run = report::Report::new(
        &cases,
        &results,
        Duration::from_millis(5),
        runner.base_url(),
        runner.is_mock(),
        &cases_dir,
        &secrets,
    );
    let out = dir.path().join("reports");
    let summary = dir.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let outputs = Outputs {
        github_step_summary: Some(summary.clone()),
        ..Outputs::in_dir(&out)
    };
    report::write(&run, &secrets, &outputs).unwrap();
    check_reports(&out);
    let step = read(&summary);
    assert!(
        step.starts_with("earlier step\n## ❌ Contract tests"),
        "{step}"
    );
    // The HTML links back to the page, relative to the report's folder.
    assert!(read(&out.join("report.html")).contains("href=\"../cases/v1.0/api/widget-get.md#L"));
}

#[tokio::test]
async fn contract_run_writes_the_reports_and_annotates_on_github() {
    let addr = echo_server().await;
    let (dir, cases_dir, vars) = fixture();
    let out = dir.path().join("out");
    let output = tokio::process::Command::from(common::contract())
        .current_dir(dir.path())
        .args(["run", "--cases"])
        .arg(&cases_dir)
        .arg("--report-junit")
        .arg(out.join("junit.xml"))
        .arg("--report-json")
        .arg(out.join("report.json"))
        .arg("--report-markdown")
        .arg(out.join("summary.md"))
        .arg("--report-html")
        .arg(out.join("report.html"))
        .env("CONTRACT_BASE_URL", format!("http://{addr}/"))
        .env("CONTRACT_VARS", &vars)
        .env("CONTRACT_TOKEN", TOKEN)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", dir.path())
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    check_reports(&out);
    assert!(!stdout.contains(TOKEN), "{stdout}");
    let annotation = stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation in:\n{stdout}"));
    assert!(
        annotation.starts_with("::error file=cases/v1.0/api/widget-get.md,line="),
        "{annotation}"
    );
    assert!(
        annotation.contains(",title=v1.0%3A%3Awidget_get%3A%3Abroken_widget::"),
        "{annotation}"
    );
}
