//! Unit tests of the shared model and the writers on a hand-made run.

use super::*;
use crate::check::{Verdict, ViolationKind};
use crate::finding::Finding;

const PAGE: &str = r#"# Get thing

<!-- { "blockType": "request", "name": "get_thing" } -->
```http
GET https://graph.microsoft.com/v1.0/things/1
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "id": "1", "name": "<b>&\"quoted\"" }
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

<!-- { "blockType": "request", "name": "delete_thing" } -->
```http
DELETE https://graph.microsoft.com/v1.0/things/1
```
"#;

pub(crate) fn sample() -> (Vec<Case>, Vec<CaseResult>) {
    let page = crate::doc::parse_page("api/thing-get.md", PAGE);
    let cases = crate::case::cases_of_page(&page, Some("v1.0"));
    assert_eq!(cases.len(), 3, "{cases:#?}");
    let failed = Verdict {
        warnings: Vec::new(),
        violations: vec![Violation {
            pointer: "/name".into(),
            kind: ViolationKind::Status,
            expected: "\"<b>&\\\"quoted\\\"\"".into(),
            actual: "\"Bearer s3cr3t-token-value\"".into(),
            message: "name differs: <b> & \"quoted\"".into(),
            documented_line: Some(16),
        }],
        diff: Some(BodyDiff {
            expected: "{\n  \"id\": \"1\",\n  \"name\": \"<b>&\\\"quoted\\\"\"\n}\n".into(),
            actual: "{\n  \"id\": \"1\",\n  \"name\": \"Bearer s3cr3t-token-value\"\n}\n".into(),
            extra_keys: vec!["extra".into()],
            notes: Vec::new(),
        }),
    };
    let result = |case: &Case, outcome| CaseResult {
        duration: Duration::from_millis(3),
        ..CaseResult::new(case.id.clone(), outcome)
    };
    let mut results = vec![
        result(&cases[0], Outcome::Failed(failed)),
        result(
            &cases[1],
            Outcome::Error(crate::runner::CaseError::new(
                crate::runner::ErrorKind::Exchange,
                "connection refused",
            )),
        ),
        result(
            &cases[2],
            Outcome::Skipped {
                kind: crate::case::SkipKind::NoResponse,
                reason: "the request has no documented response block".into(),
            },
        ),
    ];
    results[0].findings.push(Finding::new(
        crate::finding::Rule::AnnotationSyntax,
        "api/thing-get.md",
        3,
        "bad annotation",
    ));
    results[0].retries.push("429: waited 1s".into());
    (cases, results)
}

pub(crate) fn sample_run() -> Report {
    let (cases, results) = sample();
    Report::new(
        &cases,
        &results,
        Duration::from_millis(40),
        &Url::parse("https://user:pw@example.com/base?key=1").unwrap(),
        false,
        Path::new("cases"),
        &Secrets::new(["s3cr3t-token-value"]),
    )
}

#[test]
fn the_model_keeps_case_order_counts_and_hides_credentials() {
    let run = sample_run();
    assert_eq!(run.target, "https://example.com/base");
    assert_eq!(
        (run.summary.passed, run.summary.failed, run.summary.errors),
        (0, 1, 1)
    );
    assert_eq!(run.summary.skipped_total(), 1);
    let Outcome::Failed(verdict) = &run.cases[0].outcome else {
        panic!("{:?}", run.cases[0].outcome)
    };
    assert_eq!(verdict.violations[0].actual, "\"Bearer ***\"");
    assert!(verdict.diff.as_ref().unwrap().actual.contains("Bearer ***"));
    assert_eq!(
        run.cases[0].focus_line(),
        run.cases[0].response_line.unwrap()
    );
}

#[test]
fn results_decide_which_cases_appear() {
    let (cases, results) = sample();
    let run = Report::new(
        &cases,
        &results[1..],
        Duration::ZERO,
        &Url::parse("http://127.0.0.1:1/").unwrap(),
        true,
        Path::new("cases"),
        &Secrets::none(),
    );
    assert_eq!(run.cases.len(), 2);
    assert_eq!(run.summary.failed, 0);
}

#[test]
fn no_writer_leaks_the_secret_and_html_escapes_bodies() {
    let run = sample_run();
    let secrets = Secrets::new(["s3cr3t-token-value"]);
    let html = html::render(&run, &secrets, "../cases/");
    let outputs = [
        junit::render(&run, &secrets).unwrap(),
        json::render(&run, &secrets).unwrap(),
        markdown::render(&run, &secrets, markdown::GITHUB_SUMMARY_LIMIT),
        github::annotations(&run, &secrets, Path::new("/nonexistent")),
        html.clone(),
    ];
    for text in &outputs {
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    assert!(!html.contains("<b>&"), "bodies must be escaped");
    assert!(html.contains("&lt;b&gt;&amp;"));
    assert!(html.contains("href=\"../cases/api/thing-get.md#L"));
}

#[test]
fn markdown_truncates_under_the_limit_with_a_note() {
    let (cases, results) = sample();
    let mut many_cases = Vec::new();
    let mut many_results = Vec::new();
    for i in 0..400 {
        let mut case = cases[0].clone();
        case.id = format!("{}_{i}", case.id);
        let mut result = results[0].clone();
        result.id = case.id.clone();
        many_cases.push(case);
        many_results.push(result);
    }
    let run = Report::new(
        &many_cases,
        &many_results,
        Duration::ZERO,
        &Url::parse("http://127.0.0.1:1/").unwrap(),
        true,
        Path::new("cases"),
        &Secrets::none(),
    );
    let full = markdown::render(&run, &Secrets::none(), markdown::GITHUB_SUMMARY_LIMIT);
    assert!(!full.contains("not shown here"));
    let limit = full.len() / 3;
    let cut = markdown::render(&run, &Secrets::none(), limit);
    assert!(cut.len() <= limit, "{} > {limit}", cut.len());
    assert!(cut.contains("failing cases are not shown here"), "{cut}");
    assert!(cut.contains("```diff"));
}

#[test]
fn annotations_point_at_the_page_and_line() {
    let run = sample_run();
    let text = github::annotations(&run, &Secrets::none(), Path::new("/nonexistent"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let line = run.cases[0].focus_line();
    assert!(
        lines[0].starts_with(&format!(
            "::error file=cases/api/thing-get.md,line={line},title=v1.0%3A%3A"
        )),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("%0A"), "newlines escaped: {}", lines[0]);
    assert!(lines[1].contains("title=v1.0%3A%3Athing_get%3A%3Aget_thing [annotation-syntax]"));
}

#[test]
fn link_base_is_relative_to_the_report_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    let reports = dir.path().join("target/reports");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::create_dir_all(&reports).unwrap();
    assert_eq!(relative_link_base(&reports, &cases), "../../cases/");
    assert_eq!(
        repo_path(&cases, "v1.0/x.md", dir.path()),
        "cases/v1.0/x.md"
    );
}

/// The sample run with a warning and a stale known issue, so that every section shows.
fn snapshot_run() -> Report {
    let mut run = sample_run();
    run.cases[1].warnings.push(crate::runner::Warning::new(
        crate::runner::WarningKind::Teardown,
        "teardown step 1 (delete-thing) failed: 500",
    ));
    run.stale.push(crate::known::Stale {
        case: "v1.0::gone::*".into(),
        file: "known-issues.toml".into(),
        line: 4,
    });
    run
}

/// Every render of one fixed run, whole: a dropped section or a changed line shows in the
/// diff (`cargo insta review`, or `INSTA_UPDATE=always` and read the `.snap` change).
#[test]
fn every_render_of_one_sample_run() {
    let run = snapshot_run();
    let secrets = Secrets::new(["s3cr3t-token-value"]);
    let filters = vec![(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
        "[timestamp]",
    )];
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!("terminal", terminal::render(&run, &Secrets::none(), false));
        insta::assert_snapshot!("junit", junit::render(&run, &secrets).unwrap());
        insta::assert_snapshot!("json", json::render(&run, &secrets).unwrap());
        insta::assert_snapshot!(
            "markdown",
            markdown::render(&run, &secrets, markdown::GITHUB_SUMMARY_LIMIT)
        );
        insta::assert_snapshot!("html", html::render(&run, &secrets, "../cases/"));
    });
}

#[test]
fn a_json_report_reads_back_as_it_was_written() {
    let run = snapshot_run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let written = json::render(&run, &Secrets::none()).unwrap();
    std::fs::write(&path, &written).unwrap();
    let read = merge::read(&path).unwrap();
    assert_eq!(json::render(&read, &Secrets::none()).unwrap(), written);
}

#[test]
fn merge_refuses_an_unknown_outcome_and_names_it() {
    let run = sample_run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let written = json::render(&run, &Secrets::none()).unwrap();
    let changed = written.replacen("\"outcome\": \"failed\"", "\"outcome\": \"exploded\"", 1);
    assert_ne!(changed, written);
    std::fs::write(&path, changed).unwrap();
    let error = merge::read(&path).unwrap_err().to_string();
    assert!(
        error.contains("unknown variant `exploded`") && error.contains("report.json:"),
        "{error}"
    );
}

#[test]
fn the_terminal_colours_the_error_word_only_when_asked() {
    let run = sample_run();
    let plain = terminal::render(&run, &Secrets::none(), false);
    assert!(
        !plain.contains('\x1b') && !plain.contains("s3cr3t"),
        "{plain}"
    );
    let coloured = terminal::render(&run, &Secrets::none(), true);
    assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured}");
    assert_eq!(terminal::problem(&run.cases[2], true), "");
}
