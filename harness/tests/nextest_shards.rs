//! Under nextest every case runs in its own process and writes its own JSON report; a skipped
//! case has no process of its own, so the process of a case that runs reports it. Merged, the
//! processes' reports hold every case once, as one `cargo test` run's report does.
//!
//! nextest is not needed: the suite is called in this process once per case, as nextest runs
//! the test binary (`NEXTEST=1`, `--exact <case>`). This file holds a single test, since it
//! sets environment variables.

mod common;

use serde_json::Value;
use std::path::Path;

/// The suite over the project's pages, as `cargo test --test contract -- <args>` runs it.
fn suite(reports: &Path, filter: Option<&str>) {
    std::env::set_var("CONTRACT_REPORT_DIR", reports);
    let args = libtest_mimic::Arguments {
        filter: filter.map(str::to_owned),
        exact: filter.is_some(),
        quiet: true,
        ..libtest_mimic::Arguments::default()
    };
    contract_harness::suite::main(&common::workspace(), args);
}

/// The cases of a JSON report without what differs from run to run: times, the mock's port.
fn cases(report: &Path) -> Vec<Value> {
    let text = common::normalise(&std::fs::read_to_string(report).unwrap());
    let report: Value = serde_json::from_str(&text).unwrap();
    report["cases"].as_array().unwrap().clone()
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn one_process_per_case_reports_every_case_once_skipped_ones_included() {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONTRACT_") {
            std::env::remove_var(name);
        }
    }
    std::env::remove_var("NEXTEST");
    std::env::set_var("CONTRACT_CASES", common::cases());
    let dir = tempfile::tempdir().unwrap();

    let whole = dir.path().join("whole");
    suite(&whole, None);
    let whole_file = whole.join("report.json");
    let whole = read(&whole_file);
    let skipped: Vec<&str> = whole["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "skipped")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // The first case of the project's pages is skipped: it comes before any case that runs.
    assert_eq!(whole["cases"][0]["outcome"], "skipped");
    assert!(!skipped.is_empty());

    std::env::set_var("NEXTEST", "1");
    let processes = dir.path().join("nextest");
    let ran: Vec<&str> = whole["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .filter(|id| !skipped.contains(id))
        .collect();
    for id in &ran {
        suite(&processes, Some(id));
    }
    // nextest does not run ignored trials; under --run-ignored a skipped one reports nothing,
    // since its host reports it.
    suite(&processes, Some(skipped[0]));
    std::env::remove_var("NEXTEST");
    let shards = processes.join("shards");
    assert_eq!(
        std::fs::read_dir(&shards).unwrap().count(),
        ran.len(),
        "one report per process that ran a case"
    );

    let merged = dir.path().join("merged");
    let output = common::merge(&shards, &merged);
    assert!(output.status.success(), "{output:?}");
    let merged_file = merged.join("report.json");
    let merged = read(&merged_file);
    let (merged_cases, whole_cases) = (cases(&merged_file), cases(&whole_file));
    assert_eq!(merged_cases.len(), whole_cases.len());
    for (merged, whole) in merged_cases.iter().zip(&whole_cases) {
        assert_eq!(merged, whole);
    }
    for count in ["passed", "failed", "errors", "skipped", "skipped_by_kind"] {
        assert_eq!(merged["summary"][count], whole["summary"][count], "{count}");
    }
}
