//! A drifted service (ours, on 127.0.0.1:0) fails seed 003's example, both
//! through the library's runner and through `contract run` with CONTRACT_BASE_URL.

mod common;

use axum::http::StatusCode;
use contract_harness::config::Config;
use contract_harness::runner::{Outcome, Runner};
use std::sync::Arc;

const SEED_003: &str = "beta::workbookchartpoint_post::create_workbookchartpoint_from_";

/// Answers every POST with a workbookChartPoint that has drifted from the docs.
async fn drifted_server() -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(|| async {
        (
            StatusCode::OK,
            [("content-type", "application/json")],
            r##"{"@odata.type": "#microsoft.graph.workbookChartPoint", "value": "42", "format": {}}"##,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test]
async fn the_runner_reports_the_drift() {
    let addr = drifted_server().await;
    let list = contract_harness::catalog::Catalog::read(&common::cases()).unwrap();
    let case = list
        .cases
        .iter()
        .find(|c| c.id == SEED_003)
        .expect("seed 003 is listed")
        .clone();
    // Configured the way the suite is: from CONTRACT_* values.
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::from_env(&common::workspace()).unwrap();
    config.target.vars = Some(common::seed_003_vars(dir.path()));
    config.target.base_url = Some(format!("http://{addr}/").parse().unwrap());
    config.cases.cases = common::cases();
    let schemas = Arc::new(config.schemas.load().unwrap());
    let runner = Runner::start(
        std::slice::from_ref(&case),
        schemas,
        config.target.run_options().unwrap(),
    )
    .await
    .unwrap();
    assert!(!runner.is_mock());

    let result = runner.run_case(&case).await;
    let Outcome::Failed(verdict) = &result.outcome else {
        panic!("expected a failure, got {:?}", result.outcome)
    };
    let message = common::render(&case, verdict);
    assert!(message.contains(SEED_003), "{message}");
    assert!(
        message.contains("beta/api/workbookchartpoint-post.md"),
        "{message}"
    );
    assert!(
        message.contains("201") && message.contains("200"),
        "{message}"
    );
    let request = result.request.unwrap();
    assert_eq!(request.url.host_str(), Some("127.0.0.1"));
    assert_eq!(request.url.path(), "/beta/invitations/invitationsid-1/invitedUser/drive/items/driveitemid-1/workbook/names/workbooknameditemid-1/worksheet/charts/workbookchartid-1/series/workbookchartseriesid-1/points");
}

#[tokio::test]
async fn contract_run_fails_with_the_message_and_exit_status_1() {
    let addr = drifted_server().await;
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::from(common::contract())
        .args(["run", "--filter", SEED_003, "--cases"])
        .arg(common::cases())
        .env("CONTRACT_BASE_URL", format!("http://{addr}/"))
        .env("CONTRACT_VARS", common::seed_003_vars(dir.path()))
        .env("CONTRACT_SCHEMAS", common::workspace().join("schemas"))
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(SEED_003), "{stdout}");
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
}
