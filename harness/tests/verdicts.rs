//! Warnings as a verdict: what the service says beyond the docs warns, what contradicts them
//! fails, and `--strict` makes warnings fail too.

mod common;

use serde_json::{json, Value};

/// Answers every request with seed 003's documented body plus a property no schema declares.
async fn drifted_service() -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::CREATED,
            axum::Json(json!({
                "@odata.type": "#microsoft.graph.workbookChartPoint",
                "id": "bafa8a99-8a99-bafa-998a-faba998afaba",
                "value": {"@odata.type": "microsoft.graph.Json"},
                "extraProperty": "shipped before the metadata",
            })),
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn run(
    addr: std::net::SocketAddr,
    extra: &'static [&'static str],
) -> (Option<i32>, String, Value) {
    let base = format!("http://{addr}/");
    let output = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let vars = common::seed_003_vars(dir.path());
        let run = |format: &str| {
            common::contract()
                .args([
                    "run",
                    "--filter",
                    "workbookchartpoint",
                    "--format",
                    format,
                    "--base-url",
                    &base,
                ])
                .arg("--cases")
                .arg(common::cases())
                .arg("--vars")
                .arg(&vars)
                .arg("--schemas")
                .arg(common::workspace().join("schemas"))
                .args(extra)
                .output()
                .unwrap()
        };
        (run("text"), run("json"))
    })
    .await
    .unwrap();
    let (text, json) = output;
    (
        text.status.code(),
        String::from_utf8_lossy(&text.stdout).into_owned(),
        serde_json::from_slice(&json.stdout).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undeclared_property_warns_and_fails_only_under_strict() {
    let addr = drifted_service().await;
    let (code, text, report) = run(addr, &[]).await;
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("1 passed (1 with warnings), 0 failed"),
        "{text}"
    );
    assert!(
        text.contains("warning: beta::workbookchartpoint_post::create_workbookchartpoint_from_ (beta/api/workbookchartpoint-post.md:63): /extraProperty: `extraProperty` is not a property of this type (schema microsoft.graph.workbookChartPoint.json does not declare it)"),
        "{text}"
    );
    assert_eq!(report["summary"]["passed_with_warnings"], 1);
    assert_eq!(report["cases"][0]["warnings"].as_array().unwrap().len(), 1);

    let (code, text, report) = run(addr, &["--strict"]).await;
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("undeclared-property"), "{text}");
    assert_eq!(report["cases"][0]["outcome"], "failed");
    assert_eq!(
        report["cases"][0]["violations"][0]["kind"],
        "undeclared-property"
    );
}
