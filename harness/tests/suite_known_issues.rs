//! The `cargo test` front end with a known-issues file at the root of the cases folder: the
//! known failure does not fail the suite, and the suite's JSON report counts it apart.
//!
//! One test in its own process: it sets `CONTRACT_*` variables, which the suite reads.

mod common;

use serde_json::json;

#[test]
fn the_suite_reads_known_issues_from_the_cases_folder() {
    // A service that leaves out seed 003's documented `value`.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let app = axum::Router::new().fallback(|| async {
                (
                    axum::http::StatusCode::CREATED,
                    axum::Json(json!({
                        "@odata.type": "#microsoft.graph.workbookChartPoint",
                        "id": "bafa8a99-8a99-bafa-998a-faba998afaba",
                    })),
                )
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("beta/api")).unwrap();
    std::fs::copy(
        common::cases().join("beta/api/workbookchartpoint-post.md"),
        cases.join("beta/api/workbookchartpoint-post.md"),
    )
    .unwrap();
    std::fs::write(
        cases.join("known-issues.toml"),
        "[[known]]\ncase = \"beta::workbookchartpoint_post::*\"\nreason = \"value is left out\"\nowner = \"workbook-docs\"\n",
    )
    .unwrap();
    let vars = common::seed_003_vars(dir.path());
    let reports = dir.path().join("reports");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONTRACT_") {
            std::env::remove_var(name);
        }
    }
    std::env::set_var("CONTRACT_CASES", &cases);
    std::env::set_var("CONTRACT_VARS", &vars);
    std::env::set_var("CONTRACT_BASE_URL", format!("http://{addr}/"));
    std::env::set_var("CONTRACT_SCHEMAS", common::workspace().join("schemas"));
    std::env::set_var("CONTRACT_REPORT_DIR", &reports);
    let args = libtest_mimic::Arguments::from_iter(["contract", "--test-threads", "1"]);
    let code = contract_harness::suite::main(&common::workspace(), args);
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["known_failures"], 1, "{report:#}");
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["cases"][0]["known"]["owner"], "workbook-docs");
}
