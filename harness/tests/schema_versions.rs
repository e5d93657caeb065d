//! Schemas per API version: a beta page is checked against `schemas/beta/`, a v1.0 page
//! against `schemas/v1.0/`, by lint and by a run alike. The project's event-get pages each show
//! a property only their own version declares: `language` on v1.0's phone, `postOfficeBox` on
//! beta's physicalAddress.

mod common;

use serde_json::{json, Value};
use std::path::Path;

fn lint(cases: &Path) -> (Option<i32>, String) {
    let output = common::contract()
        .arg("lint")
        .arg("--cases")
        .arg(cases)
        .arg("--schemas")
        .arg(common::workspace().join("schemas"))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The two event-get pages, each copied into the other version's folder.
fn swapped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [("v1.0", "beta"), ("beta", "v1.0")] {
        let folder = dir.path().join(to).join("api");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(
            common::cases().join(from).join("api/event-get.md"),
            folder.join("event-get.md"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn each_page_is_linted_against_its_own_version() {
    let (_, text) = lint(&common::cases());
    // No schema finding (the seed pages link to resource pages this folder does not have).
    assert!(
        !text
            .lines()
            .any(|l| l.contains("event-get.md:") && l.contains("[schema]")),
        "{text}"
    );

    let dir = swapped();
    let (code, text) = lint(dir.path());
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("v1.0/api/event-get.md:48: error[schema]: the response example contradicts the schema of microsoft.graph.event at `/location/address`: Unevaluated properties are not allowed ('postOfficeBox' was unexpected); microsoft.graph.physicalAddress.json and its base types do not declare them"),
        "{text}"
    );
    assert!(
        text.contains("beta/api/event-get.md:47: error[schema]: the response example contradicts the schema of microsoft.graph.event at `/onlineMeeting/phones/0`: Unevaluated properties are not allowed ('language', 'region' were unexpected); microsoft.graph.phone.json and its base types do not declare them"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_answer_is_checked_against_its_own_version() {
    // One body for both versions: what both pages document.
    let app = axum::Router::new().fallback(|| async {
        axum::Json(json!({
            "@odata.etag": "W/\"1\"",
            "id": "AAMkAGI1AAAt9AHjAAA=",
            "subject": "Review the quarterly plan",
            "iCalUId": "040000008200E00074C5B7101A82E008",
            "uid": "040000008200E00074C5B7101A82E008",
            "isAllDay": false,
            "onlineMeeting": {
                "joinUrl": "https://meet.example.org/j/4255550100",
                "phones": [{"number": "+1 425 555 0100", "type": "business", "language": "en-US", "region": "US"}]
            },
            "location": {
                "displayName": "Building 4",
                "address": {"street": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "postOfficeBox": "PO Box 42"}
            }
        }))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let output = tokio::task::spawn_blocking(move || {
        common::contract()
            .args([
                "run",
                "--format",
                "json",
                "--filter",
                "event_get",
                "--base-url",
            ])
            .arg(format!("http://{addr}/"))
            .arg("--cases")
            .arg(common::cases())
            .arg("--schemas")
            .arg(common::workspace().join("schemas"))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let warnings = |id: &str| -> Vec<String> {
        let case = report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {report:#}"));
        assert_eq!(case["outcome"], "passed", "{case:#}");
        case["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                format!(
                    "{} {}",
                    w["kind"].as_str().unwrap(),
                    w["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    let v1 = warnings("v1.0::event_get::get_event");
    assert_eq!(v1.len(), 1, "{v1:?}");
    assert!(
        v1[0].starts_with("undeclared-property /location/address/postOfficeBox:"),
        "{v1:?}"
    );
    let beta = warnings("beta::event_get::get_event");
    assert_eq!(beta.len(), 2, "{beta:?}");
    assert!(
        beta[0].starts_with("undeclared-property /onlineMeeting/phones/0/language:")
            && beta[1].starts_with("undeclared-property /onlineMeeting/phones/0/region:"),
        "{beta:?}"
    );
}
