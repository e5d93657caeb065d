//! `contract mock` as a development backend: a client sending what a generated SDK sends (any
//! id, `$select`, `$top`, typed bodies) gets documented answers, and a request that breaks the
//! documented shape is refused as the service would refuse it.

mod common;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// A `contract mock` child on 127.0.0.1:0 over `cases` and the project's schemas.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(cases: &std::path::Path, extra: &[&str]) -> Served {
    let mut child = common::contract()
        .args(["mock", "--addr", "127.0.0.1:0", "--cases"])
        .arg(cases)
        .arg("--schemas")
        .arg(common::workspace().join("schemas"))
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the mock says where it listens")
            .unwrap();
        if let Some(at) = line.find("http://") {
            break line[at..].split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep reading the log so that the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Served { child, base }
}

async fn get(served: &Served, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{}{path}", served.base))
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(
    served: &Served,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", served.base))
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn an_sdk_gets_documented_answers_for_its_own_ids_and_query_options() {
    let served = serve(&common::cases(), &[]);

    let (status, user) = get(&served, "v1.0/users/02bd9fd6-8f93-4758-87c3-1fb73740a315").await;
    assert_eq!(status, 200, "{user}");
    assert!(user["displayName"].is_string(), "{user}");

    let (status, group) = get(&served, "v1.0/groups/7d4a1c36-2a6e-4d43-8f83-0d0f2c1f4e6a").await;
    assert_eq!(status, 200, "{group}");
    assert_eq!(group["displayName"], "Library Assist");

    let (status, drive) = get(&served, "v1.0/me/drive").await;
    assert_eq!(status, 200, "{drive}");
    assert_eq!(drive["driveType"], "business");
    let (status, _) = get(
        &served,
        "v1.0/users/a1b2c3d4-0000-4000-8000-0123456789ab/drive",
    )
    .await;
    assert_eq!(status, 200);

    let (status, users) = get(&served, "v1.0/users?$select=displayName,id").await;
    assert_eq!(status, 200);
    let items = users["value"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["displayName", "id"], "{item}");
    }
    assert!(
        users["@odata.context"].is_string(),
        "control information stays"
    );

    let (_, all) = get(&served, "v1.0/users").await;
    assert_eq!(all["value"].as_array().unwrap().len(), 2);
    let (status, users) = get(&served, "v1.0/users?$top=1").await;
    assert_eq!(status, 200);
    assert_eq!(users["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_request_that_breaks_the_documented_shape_is_refused() {
    let served = serve(&common::cases(), &[]);
    let lists = "v1.0/me/todo/lists";
    let json = Some("application/json");

    let (status, _, created) = post(&served, lists, json, r#"{"displayName": "Groceries"}"#).await;
    assert_eq!(status, 201, "{created}");

    let (status, _, error) = post(&served, lists, json, r#"{"displayName": 42}"#).await;
    assert_eq!(status, 400, "{error}");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("microsoft.graph.todoTaskList at /displayName"),
        "{message}"
    );
    assert_eq!(error["error"]["details"][0]["target"], "/displayName");

    let (status, _, error) = post(
        &served,
        lists,
        json,
        r#"{"displayName": "Groceries", "colour": "red"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(error.to_string().contains("colour"), "{error}");

    let (status, _, error) = post(&served, lists, None, r#"{"displayName": "Groceries"}"#).await;
    assert_eq!(status, 415, "{error}");
    assert_eq!(error["error"]["code"], "UnsupportedMediaType");

    let (status, _, error) = post(&served, lists, json, "displayName=Groceries").await;
    assert_eq!(status, 400);
    assert!(error.to_string().contains("not JSON"), "{error}");
}

#[tokio::test]
async fn no_validate_answers_what_matches() {
    let served = serve(&common::cases(), &["--no-validate"]);
    let (status, _, body) = post(
        &served,
        "v1.0/me/todo/lists",
        None,
        r#"{"displayName": 42}"#,
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn an_answer_known_to_be_wrong_says_where_lint_found_fault() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("v1.0/api/user-get.md");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(
        &page,
        "# Get user\n\n<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n<!-- { \"blockType\": \"response\", \"truncated\": true, \"@odata.type\": \"microsoft.graph.user\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"id\": \"1\",\n  \"createdDateTime\": \"datetime-value\"\n}\n```\n",
    )
    .unwrap();
    let served = serve(dir.path(), &["--as-documented"]);
    let response = reqwest::get(format!("{}v1.0/me", served.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let label = response.headers()["x-contract-findings"].to_str().unwrap();
    assert_eq!(label, "1 (see v1.0/api/user-get.md:15)");
    // By default the value is answered as one the schema accepts, and the label says which.
    let served = serve(dir.path(), &[]);
    let response = reqwest::get(format!("{}v1.0/me", served.base))
        .await
        .unwrap();
    let label = response.headers()["x-contract-findings"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        label,
        "1 (see v1.0/api/user-get.md:15); repaired /createdDateTime \"datetime-value\" -> \"2024-01-01T00:00:00Z\" (the page breaks the microsoft.graph.user schema; --as-documented sends it as written)"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["createdDateTime"], "2024-01-01T00:00:00Z");
}
