//! ApiDoctor's accounts file against an in-process token endpoint and service: an account
//! signs in with its refresh token, the token is sent and never printed, a tagged scenario
//! is skipped for an account without the tag, a long-running operation is polled, renames
//! reach the service, and the branch gate stops a run on a branch the file does not list.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use std::sync::{Arc, Mutex};

const REFRESH: &str = "refresh-0af3-very-secret";
const ROTATED: &str = "rotated-refresh-77c1-secret";
const TOKEN: &str = "access-token-5d2e-secret";
const REFRESH_2: &str = "refresh-second-91bb-secret";
const TOKEN_2: &str = "access-token-second-4c4c-secret";

/// What the service saw: method, path, Authorization, body.
type Seen = Arc<Mutex<Vec<(String, String, String, String)>>>;

#[derive(Clone, Default)]
struct Service {
    seen: Seen,
    token_forms: Arc<Mutex<Vec<String>>>,
    polls: Arc<Mutex<u32>>,
}

async fn serve(
    State(service): State<Service>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    if uri.path() == "/token" {
        service.token_forms.lock().unwrap().push(body.clone());
        let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let has = |k: &str, v: &str| form.iter().any(|(a, b)| a == k && b == v);
        let token = if has("refresh_token", REFRESH) {
            TOKEN
        } else {
            TOKEN_2
        };
        let known = has("refresh_token", REFRESH) || has("refresh_token", REFRESH_2);
        if !(has("grant_type", "refresh_token") && known && has("client_id", "app-1")) {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(serde_json::json!({"error": "invalid_grant"})),
            )
                .into_response();
        }
        return axum::Json(serde_json::json!({
            "access_token": token, "expires_in": 3600, "refresh_token": ROTATED
        }))
        .into_response();
    }
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    service.seen.lock().unwrap().push((
        method.to_string(),
        uri.path().to_owned(),
        authorization.clone(),
        body,
    ));
    if authorization != format!("Bearer {TOKEN}") && authorization != format!("Bearer {TOKEN_2}") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let json = |value: serde_json::Value| {
        ([("content-type", "application/json")], value.to_string()).into_response()
    };
    match uri.path() {
        // The service spells the annotation its own way; the account renames it back.
        // The scenario removes the documented `Prefer` with a null value (MethodDefinition.cs:
        // 479-482): a request that still carries it is refused.
        "/v1.0/items/1" if headers.contains_key("prefer") => {
            StatusCode::BAD_REQUEST.into_response()
        }
        "/v1.0/items/1" => {
            json(serde_json::json!({"id": "1", "@content.downloadUrl": "https://x/1"}))
        }
        // A status the docs do not show, which a scenario allows.
        "/v1.0/items/2" => (
            StatusCode::NON_AUTHORITATIVE_INFORMATION,
            [("content-type", "application/json")],
            serde_json::json!({"id": "1", "@content.downloadUrl": "https://x/1"}).to_string(),
        )
            .into_response(),
        "/v1.0/whoami" => StatusCode::NO_CONTENT.into_response(),
        "/v1.0/items/1/oneDrive.copy" => StatusCode::ACCEPTED.into_response(),
        "/v1.0/monitor/9" => {
            let mut polls = service.polls.lock().unwrap();
            *polls += 1;
            if *polls < 3 {
                (StatusCode::ACCEPTED, [("retry-after", "0")]).into_response()
            } else {
                json(serde_json::json!({"status": "completed"}))
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn start(service: Service) -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(serve).with_state(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

const PAGE: &str = r#"# Items

<!-- { "blockType": "request", "name": "get_item" } -->
```http
GET /v1.0/items/{item-id}
Prefer: odata.maxpagesize=1
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "1", "@microsoft.graph.downloadUrl": "https://x/1"}
```

<!-- { "blockType": "request", "name": "copy_item", "target": "action" } -->
```http
POST /v1.0/items/{item-id}/copy
Content-Type: application/json

{"name": "copy.txt", "@microsoft.graph.conflictBehavior": "rename"}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 202 Accepted
```

<!-- { "blockType": "request", "name": "get_monitor" } -->
```http
GET /v1.0/monitor/{monitor-id}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"status": "completed"}
```

<!-- { "blockType": "request", "name": "get_site", "tags": "service.sharepoint" } -->
```http
GET /v1.0/sites/root
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "root"}
```
"#;

/// ApiDoctor's scenario file for the page: `enabled` defaults to false there.
const SCENARIOS: &str = r#"{
  // Newtonsoft reads comments.
  "scenarios": [
    { "name": "get", "method": "get_item", "enabled": true,
      "request-parameters": { "{item-id}": "1", "Prefer:": null } },
    { "name": "copy", "method": "copy_item", "enabled": true,
      "request-parameters": { "{item-id}": "1" } },
    { "name": "poll", "method": "get_monitor", "enabled": true, "status-codes-to-retry": [202],
      "test-setup": [ { "method": "copy_item", "request-parameters": { "{item-id}": "1" } } ],
      "request-parameters": { "{monitor-id}": "9" } },
    { "name": "tagged", "method": "get_item", "enabled": true, "tags": ["service.sharepoint"],
      "request-parameters": { "{item-id}": "1" } },
    { "name": "allowed", "method": "get_item", "enabled": true, "allowed-status-codes": [203],
      "test-setup": [ { "http-request": "GET /v1.0/whoami", "secondary-account": true } ],
      "request-parameters": { "{item-id}": "2" } }
  ]
}"#;

fn accounts(addr: std::net::SocketAddr, branches: &str) -> String {
    format!(
        r#"{{ {branches}
  "accounts": [
    {{ "name": "graph", "enabled": true, "oauthType": "RefreshToken",
      "clientId": "app-1", "redirectUri": "https://app/redirect",
      "refreshToken": "$env:TEST_REFRESH_TOKEN",
      "tokenService": "http://{addr}/token",
      "serviceUrl": "http://{addr}/v1.0",
      "scopes": ["files.read"], "tags": ["service.graph"],
      "transformations": {{
        "request": {{ "properties": {{ "@microsoft.graph.": "@oneDrive." }}, "actions": {{ "prefix": "oneDrive." }} }},
        "response": {{ "properties": {{ "@content.": "@microsoft.graph." }} }} }} }},
    {{ "name": "helper", "enabled": true, "clientId": "app-1", "refreshToken": "$env:TEST_REFRESH_TOKEN_2",
      "tokenService": "http://{addr}/token", "serviceUrl": "http://{addr}/v1.0" }},
    {{ "name": "off", "enabled": true, "refreshToken": "$env:TEST_UNSET_VARIABLE",
      "tokenService": "http://{addr}/token", "serviceUrl": "http://{addr}/v1.0" }}
  ]
}}"#
    )
}

fn docs(dir: &Path, addr: std::net::SocketAddr, branches: &str) {
    std::fs::write(dir.join("items.md"), PAGE).unwrap();
    std::fs::write(dir.join("scenarios.json"), SCENARIOS).unwrap();
    std::fs::write(dir.join("accounts.json"), accounts(addr, branches)).unwrap();
}

fn run(dir: &Path, reports: &Path, extra: &[&str]) -> std::process::Output {
    common::contract()
        .args(["run", "--cases"])
        .arg(dir)
        .arg("--report-dir")
        .arg(reports)
        .args(extra)
        .env("TEST_REFRESH_TOKEN", REFRESH)
        .env("TEST_REFRESH_TOKEN_2", REFRESH_2)
        .env_remove("TEST_UNSET_VARIABLE")
        .env_remove("GITHUB_HEAD_REF")
        .env_remove("GITHUB_REF_NAME")
        .output()
        .unwrap()
}

fn everything_printed(output: &std::process::Output, reports: &Path) -> String {
    let mut all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for entry in std::fs::read_dir(reports).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_signs_in_runs_its_scenarios_and_no_secret_is_printed() {
    let service = Service::default();
    let addr = start(service.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let reports = tempfile::tempdir().unwrap();
    docs(dir.path(), addr, "");
    let (dir_path, reports_path) = (dir.path().to_owned(), reports.path().to_owned());
    let output =
        tokio::task::spawn_blocking(move || run(&dir_path, &reports_path, &["--account", "graph"]))
            .await
            .unwrap();
    let printed = everything_printed(&output, reports.path());
    assert!(output.status.success(), "{printed}");

    // The refresh token was redeemed as ApiDoctor redeems it (OAuthTokenGenerator.cs:61-68).
    let forms = service.token_forms.lock().unwrap().clone();
    assert_eq!(forms.len(), 2, "one token per account, cached: {forms:?}");
    let graph = forms
        .iter()
        .find(|f| f.contains(&format!("refresh_token={REFRESH}")))
        .unwrap_or_else(|| panic!("{forms:?}"));
    assert!(graph.contains("grant_type=refresh_token"), "{graph}");
    assert!(
        graph.contains("redirect_uri=https%3A%2F%2Fapp%2Fredirect"),
        "{graph}"
    );
    assert!(
        !graph.contains("scope="),
        "no scope with a refresh token: {graph}"
    );
    // Every request carried the token it got.
    let seen = service.seen.lock().unwrap().clone();
    assert!(!seen.is_empty());
    // The `secondary-account` step went as the second enabled account; the rest as `graph`.
    for (_, path, auth, _) in &seen {
        let token = if path == "/v1.0/whoami" {
            TOKEN_2
        } else {
            TOKEN
        };
        assert_eq!(auth, &format!("Bearer {token}"), "{path}");
    }
    assert!(
        seen.iter().any(|(_, path, _, _)| path == "/v1.0/whoami"),
        "{seen:?}"
    );

    // No output holds the token, the refresh token or the rotated one.
    for secret in [TOKEN, REFRESH, ROTATED, TOKEN_2, REFRESH_2] {
        assert!(
            !printed.contains(secret),
            "{secret} was printed:\n{printed}"
        );
    }

    // The account with a variable unset is disabled, and the run says which variable.
    assert!(
        printed.contains(
            "account `off` is disabled: the environment variable TEST_UNSET_VARIABLE is not set"
        ),
        "{printed}"
    );

    // The tagged scenario did not run: the account lacks the tag (Scenarios.cs:82-140).
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.path().join("report.json")).unwrap())
            .unwrap();
    let case = |suffix: &str| -> serde_json::Value {
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no case {suffix}: {report}"))
            .clone()
    };
    let tagged = case("get_item::tagged");
    assert_eq!(tagged["status"], "skipped", "{tagged}");
    assert_eq!(tagged["skip_kind"], "account-lacks", "{tagged}");
    assert!(
        tagged["skip_reason"]
            .as_str()
            .unwrap()
            .contains("it lacks the tags this needs: service.sharepoint"),
        "{tagged}"
    );
    // The page's own `tags` annotation keeps get_site from the account too.
    assert_eq!(case("get_site")["skip_kind"], "account-lacks");
    // Each result says which account ran it: the JSON report, JUnit, the summary.
    assert_eq!(case("get_item::get")["account"], "graph");
    let junit = std::fs::read_to_string(reports.path().join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"<property name="account" value="graph"/>"#),
        "{junit}"
    );
    assert!(printed.contains("as account `graph`"), "{printed}");

    // The answer's `@content.` was renamed before the check: the case passes.
    assert_eq!(
        case("get_item::get")["status"],
        "passed",
        "{}",
        case("get_item::get")
    );

    // An allowed status the docs do not show is a warning (httpresponse.cs:194-225).
    let allowed = case("get_item::allowed");
    assert_eq!(allowed["status"], "passed", "{allowed}");
    assert!(
        allowed["warnings"].to_string().contains(
            "expected status 200, got 203, which the scenario's allowed status codes include"
        ),
        "{allowed}"
    );

    // 202 → 202 → 200: polled, passed, 3 requests.
    let poll = case("get_monitor::poll");
    assert_eq!(poll["status"], "passed", "{poll}");
    let monitor = seen
        .iter()
        .filter(|(_, path, _, _)| path == "/v1.0/monitor/9")
        .count();
    assert_eq!(monitor, 3, "{seen:?}");

    // The renamed property and the action prefix reached the service.
    let copy = seen
        .iter()
        .find(|(method, _, _, _)| method == "POST")
        .unwrap_or_else(|| panic!("no POST: {seen:?}"));
    assert_eq!(copy.1, "/v1.0/items/1/oneDrive.copy");
    // The set-up step by `method` got the action prefix too (requestdefinitionextensions.cs:78).
    let copies = seen
        .iter()
        .filter(|(method, _, _, _)| method == "POST")
        .count();
    assert_eq!(copies, 2, "{seen:?}");
    assert!(
        seen.iter().all(|(_, path, _, _)| !path.ends_with("/copy")),
        "{seen:?}"
    );
    let body: serde_json::Value = serde_json::from_str(&copy.3).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": "copy.txt", "@oneDrive.conflictBehavior": "rename"})
    );
    assert_eq!(
        case("copy_item::copy")["status"],
        "passed",
        "{}",
        case("copy_item::copy")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_the_accounts_file_does_not_list_sends_nothing() {
    let service = Service::default();
    let addr = start(service.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let reports = tempfile::tempdir().unwrap();
    docs(
        dir.path(),
        addr,
        r#""checkServiceEnabledBranches": ["main"],"#,
    );
    let (dir_path, reports_path) = (dir.path().to_owned(), reports.path().to_owned());
    let output = tokio::task::spawn_blocking(move || {
        run(&dir_path, &reports_path, &["--branch", "feature/x"])
    })
    .await
    .unwrap();
    let printed = everything_printed(&output, reports.path());
    // As ApiDoctor (Program.cs:987-998): nothing is sent, and the run is not a failure.
    assert!(output.status.success(), "{printed}");
    assert!(service.seen.lock().unwrap().is_empty());
    assert!(service.token_forms.lock().unwrap().is_empty());
    assert!(
        printed.contains("branch `feature/x` is not in checkServiceEnabledBranches"),
        "{printed}"
    );
    // On a listed branch the same run sends. A known issue written for the plain id covers
    // the case of every account.
    std::fs::write(
        dir.path().join("known-issues.toml"),
        "[[known]]\ncase = \"unversioned::items::get_item::get\"\nreason = \"the helper account has no renames\"\n",
    )
    .unwrap();
    let (dir_path, reports_path) = (dir.path().to_owned(), reports.path().to_owned());
    tokio::task::spawn_blocking(move || run(&dir_path, &reports_path, &["--branch", "main"]))
        .await
        .unwrap();
    assert!(!service.seen.lock().unwrap().is_empty());
    // Without --account every enabled account runs every case, its id ending in @account (the
    // helper account has no renames, so its copy of get_item fails: each account is checked
    // as itself).
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.path().join("report.json")).unwrap())
            .unwrap();
    let status = |id: &str| -> String {
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id}: {report}"))["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        status("unversioned::items::get_monitor::poll@graph"),
        "passed"
    );
    // The entry covers both accounts' cases: the failing one is a known failure, the passing
    // one says the issue is fixed for it.
    assert_eq!(status("unversioned::items::get_item::get@graph"), "fixed");
    assert_eq!(
        status("unversioned::items::get_item::get@helper"),
        "known-failure"
    );
}
