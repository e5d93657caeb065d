//! `contract run` and the `cargo test` suite are two shells over one session: over the same
//! folder they print the same findings (here a page finding and a scenario-file finding).
//!
//! The suite prints to the process's own stderr, so it runs in a child: this test binary
//! again, asked for this one test, with `FRONT_END_SUITE_ROOT` set.

mod common;

use std::path::Path;

const PAGE: &str = r#"# Get thing

<!-- { "blockType": "request", "name": "get_thing" -->
```http
GET https://graph.microsoft.com/v1.0/things/1
```

<!-- { "blockType": "request", "name": "list_things" } -->
```http
GET https://graph.microsoft.com/v1.0/things
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "value": [] }
```
"#;

const SCENARIOS: &str = "{\n  \"scenarios\": [,\n}\n";

/// The lines of `text` that are findings (`…: error[rule]: …`), in order.
fn findings(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.contains(": error[")).collect()
}

#[test]
fn run_and_the_suite_print_the_same_findings() {
    if let Some(root) = std::env::var_os("FRONT_END_SUITE_ROOT") {
        // The child: the suite over `root/cases`, as `cargo test --test contract` runs it.
        let args = libtest_mimic::Arguments::from_iter(["contract"]);
        let _ = contract_harness::suite::main(Path::new(&root), args);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("v1.0")).unwrap();
    std::fs::write(cases.join("v1.0/thing-get.md"), PAGE).unwrap();
    std::fs::write(cases.join("v1.0/tasks.json"), SCENARIOS).unwrap();

    let run = common::contract()
        .arg("run")
        .arg("--cases")
        .arg(&cases)
        .output()
        .unwrap();
    let run_err = String::from_utf8_lossy(&run.stderr);

    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "run_and_the_suite_print_the_same_findings",
            "--exact",
            "--nocapture",
        ])
        .env("FRONT_END_SUITE_ROOT", dir.path())
        .env("NO_COLOR", "1");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONTRACT_") {
            child.env_remove(name);
        }
    }
    let suite = child.output().unwrap();
    let suite_err = String::from_utf8_lossy(&suite.stderr);

    let from_run = findings(&run_err);
    assert_eq!(from_run.len(), 2, "contract run's stderr:\n{run_err}");
    assert!(
        from_run[0].contains("cases/v1.0/thing-get.md:3: error[annotation-syntax]"),
        "{run_err}"
    );
    assert!(
        from_run[1].contains("cases/v1.0/tasks.json:2: error[scenario-file]: not valid JSON"),
        "{run_err}"
    );
    assert_eq!(
        findings(&suite_err),
        from_run,
        "the suite's stderr:\n{suite_err}"
    );
    // Both end with the same summary line.
    let summary = |text: &str| {
        text.lines()
            .find(|l| l.contains(" passed") && l.contains("against the embedded mock"))
            .map(|l| l.split(" in ").next().unwrap_or_default().to_owned())
    };
    let run_out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        summary(&suite_err),
        summary(&run_out),
        "suite:\n{suite_err}\nrun:\n{run_out}"
    );
    assert!(summary(&run_out).is_some(), "{run_out}");
}
