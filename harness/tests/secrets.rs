//! Every secret known at any moment of a run stays out of every output: a token endpoint on
//! 127.0.0.1 issues short-lived tokens (so each exchange fetches a fresh one), the target echoes
//! the Authorization header it receives in a header and in the body of a failing answer, and
//! neither the tokens nor the client secret appear in the terminal, the four reports, the error
//! messages or `--dry-run`.

mod common;

use axum::http::HeaderMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const SECRET: &str = "client-s3cr3t-<&\"'>-value";
const TOKEN_PREFIX: &str = "eyJ0eXAiOiJKV1Qi.fetched";

/// Hands out `eyJ…fetched-N-…` valid for 60 s, inside the refresh margin: every exchange
/// fetches a new token.
async fn token_endpoint() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = axum::Router::new().fallback(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            axum::Json(serde_json::json!({
                "access_token": format!("{TOKEN_PREFIX}-{n}-Zq8wX2"),
                "expires_in": 60,
                "token_type": "Bearer"
            }))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/tenant/oauth2/v2.0/token"), calls)
}

/// Echoes the Authorization header in `X-Echo` and in a 500 answer's error message.
async fn echoing_target() -> String {
    let app = axum::Router::new().fallback(|headers: HeaderMap| async move {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            [("x-echo", auth.clone())],
            axum::Json(serde_json::json!({
                "error": {"code": "InvalidAuthenticationToken", "message": format!("token rejected: {auth}")}
            })),
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/")
}

const PAGE: &str = r#"# Things

<!-- {"blockType": "request", "name": "get_thing"} -->
```http
GET https://graph.microsoft.com/v1.0/things/1
```

<!-- {"blockType": "response", "@odata.type": "microsoft.graph.thing"} -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "1", "name": "first"}
```

<!-- {"blockType": "request", "name": "list_things"} -->
```http
GET https://graph.microsoft.com/v1.0/things
```

<!-- {"blockType": "response", "truncated": true} -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"value": [{"id": "1"}]}
```
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetched_tokens_and_the_client_secret_appear_in_no_output() {
    let (token_url, calls) = token_endpoint().await;
    let target = echoing_target().await;
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("v1.0")).unwrap();
    std::fs::write(cases.join("v1.0/things.md"), PAGE).unwrap();
    let reports = dir.path().join("reports");
    let run = |extra: &'static [&'static str]| {
        let (cases, reports, token_url, target) = (
            cases.clone(),
            reports.clone(),
            token_url.clone(),
            target.clone(),
        );
        tokio::task::spawn_blocking(move || {
            common::contract()
                .arg("run")
                .arg("--cases")
                .arg(&cases)
                .args(["--base-url", &target, "--token-url", &token_url])
                .args(["--client-id", "app-id", "--retries", "0"])
                .env("CONTRACT_CLIENT_SECRET", SECRET)
                .arg("--report-dir")
                .arg(&reports)
                .args(extra)
                .output()
                .unwrap()
        })
    };
    let text_run = run(&[]).await.unwrap();
    let json_run = run(&["--format", "json"]).await.unwrap();
    let dry_run = run(&["--dry-run"]).await.unwrap();
    // One token per exchange: two cases, two runs.
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(text_run.status.code(), Some(1));

    let mut outputs: Vec<(String, String)> = Vec::new();
    for (name, output) in [
        ("run", &text_run),
        ("json", &json_run),
        ("dry-run", &dry_run),
    ] {
        outputs.push((
            format!("{name} stdout"),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ));
        outputs.push((
            format!("{name} stderr"),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    for file in ["junit.xml", "report.json", "summary.md", "report.html"] {
        outputs.push((
            file.to_owned(),
            std::fs::read_to_string(reports.join(file)).unwrap(),
        ));
    }
    // The echo did reach the reports, hidden: the failure shows the body the service sent.
    let stdout = &outputs[0].1;
    assert!(stdout.contains("token rejected: Bearer ***"), "{stdout}");
    assert!(outputs[2].1.contains("token rejected: Bearer ***"));
    for (name, text) in &outputs {
        assert!(
            !text.contains(TOKEN_PREFIX),
            "{name} leaks a fetched token:\n{text}"
        );
        for form in [SECRET, "client-s3cr3t", "s3cr3t-&lt;", "s3cr3t-%3C"] {
            assert!(
                !text.contains(form),
                "{name} leaks the client secret ({form}):\n{text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_markup_characters_is_hidden_in_the_html_report_too() {
    // Redaction happens on the values, before the page escapes them: the escaped form
    // (`&lt;`, `&amp;`, `&quot;`, `&#39;`) of the token must not appear either.
    const TOKEN: &str = "tok<en>&\"quoted\"'and'-1234";
    let target = echoing_target().await;
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("v1.0")).unwrap();
    std::fs::write(cases.join("v1.0/things.md"), PAGE).unwrap();
    let reports = dir.path().join("reports");
    let output = {
        let (cases, reports) = (cases.clone(), reports.clone());
        tokio::task::spawn_blocking(move || {
            common::contract()
                .arg("run")
                .arg("--cases")
                .arg(&cases)
                .args(["--base-url", &target, "--retries", "0"])
                .env("CONTRACT_TOKEN", TOKEN)
                .arg("--report-dir")
                .arg(&reports)
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    assert_eq!(output.status.code(), Some(1));
    let html = std::fs::read_to_string(reports.join("report.html")).unwrap();
    assert!(html.contains("token rejected: Bearer ***"), "{html}");
    for file in ["junit.xml", "report.json", "summary.md", "report.html"] {
        let text = std::fs::read_to_string(reports.join(file)).unwrap();
        for form in [
            "tok<en>",
            "tok&lt;en&gt;",
            "&amp;&quot;quoted",
            "and&#39;-1234",
            "and'-1234",
            "quoted\\\"'and",
        ] {
            assert!(!text.contains(form), "{file} leaks the token as {form}");
        }
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("'and'-1234"), "{stdout}");
}
