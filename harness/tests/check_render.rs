//! The rendered failure for seed 003 against a drifted response, kept here so that a change
//! to the output format is a reviewed change.

mod common;

use contract_harness::case::Case;
use contract_harness::catalog::Catalog;
use contract_harness::check::{check, ViolationKind};
use contract_harness::schema::Schemas;
use contract_harness::send::ActualResponse;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn seed_003() -> Case {
    let cases = Catalog::read(&root().join("../cases")).expect("the seed pages list");
    cases
        .cases
        .into_iter()
        .find(|c| c.file.ends_with("workbookchartpoint-post.md"))
        .expect("seed 003 is in cases/")
}

/// `value` became a string, `id` went missing, a property appeared, and 201 became 200.
fn drifted() -> ActualResponse {
    ActualResponse {
        status: 200,
        headers: vec![
            (
                "Content-Type".into(),
                "application/json;odata.metadata=minimal;charset=utf-8".into(),
            ),
            ("request-id".into(), "6f1c…".into()),
        ],
        body: br##"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#points/$entity","@odata.type":"#microsoft.graph.workbookChartPoint","value":"12","colour":"red"}"##.to_vec(),
        ..ActualResponse::default()
    }
}

const EXPECTED: &str = r##"error: the response does not match the documentation (4 violations)
  --> beta/api/workbookchartpoint-post.md:84
   | beta::workbookchartpoint_post::create_workbookchartpoint_from_
   |
   | (status)  status               expected status 201, got 200
89 | /id       missing-property     `id` is missing; the documentation shows it (a string)
90 | /value    wrong-type           expected an object, got a string ("12")
   | /colour   undeclared-property  `colour` is not a property of this type (schema microsoft.graph.workbookChartPoint.json does not declare it)
   |
-documented
+actual
────────────┬────────────────────────────────────────
    1     1 │ {
    2     2 │   "@odata.type": "#microsoft.graph.workbookChartPoint",
    3       │-  "id": "bafa8a99-8a99-bafa-998a-faba998afaba",
    4       │-  "value": {
    5       │-    "@odata.type": "microsoft.graph.Json"
    6       │-  }
          3 │+  "value": "12"
    7     4 │ }
────────────┴────────────────────────────────────────
not in the (truncated) example, left out of the diff: /colour
"##;

#[test]
fn seed_003_drifted_response_renders_as_reviewed() {
    let case = seed_003();
    let schemas = Schemas::load(&root().join("../schemas")).expect("schemas load");
    let lenient = check(&case, &drifted(), &schemas);
    // The undeclared property is a warning; --strict makes it a violation like the others.
    let warnings: Vec<(&str, ViolationKind)> = lenient
        .warnings
        .iter()
        .map(|v| (v.pointer.as_str(), v.kind))
        .collect();
    assert_eq!(warnings, [("/colour", ViolationKind::UndeclaredProperty)]);
    assert_eq!(lenient.violations.len(), 3);
    let verdict = lenient.strict();
    let kinds: Vec<(&str, ViolationKind)> = verdict
        .violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("", ViolationKind::Status),
            ("/id", ViolationKind::MissingProperty),
            ("/value", ViolationKind::WrongType),
            ("/colour", ViolationKind::UndeclaredProperty),
        ]
    );
    let rendered = common::render(&case, &verdict);
    println!("{rendered}");
    assert_eq!(rendered, EXPECTED, "rendered:\n{rendered}");
}

#[test]
fn seed_003_documented_response_passes() {
    let case = seed_003();
    let schemas = Schemas::load(&root().join("../schemas")).expect("schemas load");
    let response = ActualResponse {
        status: 201,
        headers: vec![("content-type".into(), "application/json".into())],
        body: case
            .response
            .as_ref()
            .unwrap()
            .body_text
            .clone()
            .into_bytes(),
        ..ActualResponse::default()
    };
    let verdict = check(&case, &response, &schemas);
    assert!(verdict.passed(), "{}", common::render(&case, &verdict));
}
