//! Writes the four reports for a small made-up run (one failure with a body diff, one error,
//! one skip, passes) into the folder given: what `scripts/check-html-report` opens in a
//! browser. Usage: `cargo run --example report_fixture -- OUT_DIR`.

use contract_harness::check::{BodyDiff, Verdict, Violation, ViolationKind};
use contract_harness::redact::Secrets;
use contract_harness::report::{self, Outputs};
use contract_harness::runner::{CaseResult, Outcome};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const PAGE: &str = r#"# Get user

<!-- { "blockType": "request", "name": "get_user" } -->
```http
GET https://graph.microsoft.com/v1.0/users/87d349ed
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.user" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "id": "87d349ed", "displayName": "Adele <Vance> & \"Co\"", "jobTitle": "Retail Manager" }
```

<!-- { "blockType": "request", "name": "list_users" } -->
```http
GET https://graph.microsoft.com/v1.0/users?$top=2
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "value": [] }
```

<!-- { "blockType": "request", "name": "delete_user" } -->
```http
DELETE https://graph.microsoft.com/v1.0/users/87d349ed
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 204 No Content
```

<!-- { "blockType": "request", "name": "no_response" } -->
```http
GET https://graph.microsoft.com/v1.0/users/delta
```
"#;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: report_fixture OUT_DIR");
        return ExitCode::from(2);
    };
    let cases_dir = out.join("cases");
    let file = "v1.0/api/user-get.md";
    if let Err(error) = std::fs::create_dir_all(cases_dir.join("v1.0/api"))
        .and_then(|()| std::fs::write(cases_dir.join(file), PAGE))
    {
        eprintln!(
            "error: failed to write the fixture page under {}: {error}",
            out.display()
        );
        return ExitCode::from(2);
    }
    let page = contract_harness::doc::parse_page(file, PAGE);
    let cases = contract_harness::case::cases_of_page(&page, Some("v1.0"));
    let failed = Verdict {
        warnings: Vec::new(),
        violations: vec![
            Violation {
                pointer: "/displayName".into(),
                kind: ViolationKind::Status,
                expected: "\"Adele <Vance> & \\\"Co\\\"\"".into(),
                actual: "\"Adele Vance\"".into(),
                message: "displayName differs from the documented value".into(),
                documented_line: None,
            },
            Violation {
                pointer: String::new(),
                kind: ViolationKind::Status,
                expected: "200".into(),
                actual: "203".into(),
                message: "expected status 200, got 203".into(),
                documented_line: None,
            },
        ],
        diff: Some(BodyDiff {
            expected: "{\n  \"displayName\": \"Adele <Vance> & \\\"Co\\\"\",\n  \"id\": \"87d349ed\",\n  \"jobTitle\": \"Retail Manager\"\n}\n".into(),
            actual: "{\n  \"displayName\": \"Adele Vance\",\n  \"id\": \"87d349ed\",\n  \"jobTitle\": \"Retail Manager\",\n  \"officeLocation\": \"18/2111\"\n}\n".into(),
            extra_keys: vec!["officeLocation".into()],
            notes: Vec::new(),
        }),
    };
    let outcomes = [
        Outcome::Failed(failed),
        Outcome::Passed,
        Outcome::Error(contract_harness::runner::CaseError::new(
            contract_harness::runner::ErrorKind::Exchange,
            "no complete answer within 30s (raise it with --timeout)",
        )),
        Outcome::Skipped {
            kind: contract_harness::case::SkipKind::NoResponse,
            reason: "the request has no documented response block".into(),
        },
    ];
    let results: Vec<CaseResult> = cases
        .iter()
        .zip(outcomes)
        .enumerate()
        .map(|(i, (case, outcome))| CaseResult {
            duration: Duration::from_millis(12 + 7 * i as u64),
            ..CaseResult::new(case.id.clone(), outcome)
        })
        .collect();
    let target = url::Url::parse("https://graph.example.com/").expect("a valid URL");
    let secrets = Secrets::none();
    let run = report::Report::new(
        &cases,
        &results,
        Duration::from_millis(84),
        &target,
        false,
        &cases_dir,
        &secrets,
    );
    match report::write(&run, &secrets, &Outputs::in_dir(&out.join("reports"))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
