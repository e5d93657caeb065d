//! Scenarios against a live, stateful service: a small CRUD service for todoTaskLists that
//! assigns its own ids, keeps state across requests and answers with more than the docs show.
//! The project's own todoTaskList pages and their two scenario files (ApiDoctor's JSON, our
//! TOML with teardown) run against it twice in a row.

mod common;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Output;
use std::sync::{Arc, Mutex};

/// How the service misbehaves, for the tests of set-up and teardown failures.
#[derive(Clone, Copy, Default, PartialEq)]
enum Mode {
    #[default]
    Healthy,
    /// Every create answers 500.
    CreatesFail,
    /// Every delete answers 500.
    DeletesFail,
}

#[derive(Default)]
struct Service {
    lists: BTreeMap<String, Value>,
    next: u64,
    /// Every request: method and path.
    log: Vec<(String, String)>,
    mode: Mode,
}

type Shared = Arc<Mutex<Service>>;

const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#users('me')/todo/lists";

fn list(id: &str, name: &str, wellknown: &str) -> Value {
    json!({
        "@odata.etag": format!("W/\"{id}-1\""),
        "id": id,
        "displayName": name,
        "isOwner": true,
        "isShared": false,
        // More than the get, create and update examples show (they stop at `isOwner`), as a
        // live service answers; declared by the todoTaskList schema.
        "isShared": false,
        "wellknownListName": wellknown,
    })
}

fn seeded() -> BTreeMap<String, Value> {
    [
        ("AAMkSEED1AAA=", "Tasks", "defaultList"),
        ("AAMkSEED2AAA=", "Groceries", "none"),
    ]
    .into_iter()
    .map(|(id, name, wellknown)| (id.to_owned(), list(id, name, wellknown)))
    .collect()
}

fn not_found(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": {"code": "ErrorItemNotFound", "message": format!("no list {id}")}})),
    )
        .into_response()
}

fn entity(list: &Value) -> Value {
    let mut body = json!({ "@odata.context": format!("{CONTEXT}/$entity") });
    body.as_object_mut()
        .unwrap()
        .extend(list.as_object().unwrap().clone());
    body
}

async fn start(mode: Mode) -> (std::net::SocketAddr, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Service {
        lists: seeded(),
        mode,
        ..Service::default()
    }));
    let app = axum::Router::new()
        .route(
            "/v1.0/me/todo/lists",
            get(|State(s): State<Shared>| async move {
                let s = s.lock().unwrap();
                Json(json!({ "@odata.context": CONTEXT, "value": s.lists.values().collect::<Vec<_>>() }))
            })
            .post(
                |State(s): State<Shared>, headers: HeaderMap, body: String| async move {
                    let mut s = s.lock().unwrap();
                    if s.mode == Mode::CreatesFail {
                        return (StatusCode::INTERNAL_SERVER_ERROR, "the list store is down")
                            .into_response();
                    }
                    let json_body = headers
                        .get("content-type")
                        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
                    let name = serde_json::from_str::<Value>(&body)
                        .ok()
                        .and_then(|v| v["displayName"].as_str().map(str::to_owned));
                    let (true, Some(name)) = (json_body, name) else {
                        return (StatusCode::BAD_REQUEST, "displayName is required").into_response();
                    };
                    s.next += 1;
                    let id = format!("AAMkMADE{:04}AAA=", s.next);
                    let made = list(&id, &name, "none");
                    s.lists.insert(id, made.clone());
                    (StatusCode::CREATED, Json(entity(&made))).into_response()
                },
            ),
        )
        .route(
            "/v1.0/me/todo/lists/{id}",
            get(|State(s): State<Shared>, Path(id): Path<String>| async move {
                let s = s.lock().unwrap();
                match s.lists.get(&id) {
                    Some(list) => Json(entity(list)).into_response(),
                    None => not_found(&id),
                }
            })
            .patch(
                |State(s): State<Shared>, Path(id): Path<String>, Json(patch): Json<Value>| async move {
                    let mut s = s.lock().unwrap();
                    match s.lists.get_mut(&id) {
                        Some(list) => {
                            if let Some(name) = patch["displayName"].as_str() {
                                list["displayName"] = json!(name);
                            }
                            Json(entity(list)).into_response()
                        }
                        None => not_found(&id),
                    }
                },
            )
            .delete(|State(s): State<Shared>, Path(id): Path<String>| async move {
                let mut s = s.lock().unwrap();
                if s.mode == Mode::DeletesFail {
                    return (StatusCode::INTERNAL_SERVER_ERROR, "cannot delete today").into_response();
                }
                match s.lists.remove(&id) {
                    Some(_) => StatusCode::NO_CONTENT.into_response(),
                    None => not_found(&id),
                }
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            |State(s): State<Shared>, request: axum::extract::Request, next: axum::middleware::Next| async move {
                s.lock()
                    .unwrap()
                    .log
                    .push((request.method().to_string(), request.uri().path().to_owned()));
                next.run(request).await
            },
        ))
        .with_state(Arc::clone(&shared));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, shared)
}

/// `contract run` over the project's todoTaskList pages against the service, as JSON.
async fn run(addr: std::net::SocketAddr, extra: &[&str]) -> (Output, Value) {
    let mut command = common::contract();
    command
        .args([
            "run",
            "--format",
            "json",
            "--filter",
            "todotasklist",
            "--base-url",
        ])
        .arg(format!("http://{addr}/"))
        .arg("--cases")
        .arg(common::cases())
        .args(extra);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, report)
}

fn case<'a>(report: &'a Value, id_part: &str) -> &'a Value {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str().unwrap().contains(id_part))
        .unwrap_or_else(|| panic!("no case {id_part} in {report:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_todo_pages_run_green_twice_against_a_stateful_service_and_clean_up() {
    let (addr, service) = start(Mode::Healthy).await;
    for round in 1..=2 {
        let (output, report) = run(addr, &[]).await;
        assert!(output.status.success(), "round {round}: {report:#}");
        let summary = &report["summary"];
        assert_eq!(summary["passed"], 6, "round {round}: {report:#}");
        assert_eq!(summary["failed"], 0);
        assert_eq!(summary["errors"], 0);
        assert_eq!(summary["skipped"], 0);
        for case in report["cases"].as_array().unwrap() {
            assert_eq!(case["warnings"], json!([]), "{case:#}");
            assert!(!case["steps"].as_array().unwrap().is_empty(), "{case:#}");
        }
    }
    let service = service.lock().unwrap();
    // The records seeded at start are untouched, and nothing ever deleted them.
    for (id, seed) in seeded() {
        assert_eq!(service.lists.get(&id), Some(&seed));
        assert!(!service
            .log
            .iter()
            .any(|(m, p)| m == "DELETE" && p.ends_with(&id)));
    }
    // Only ApiDoctor's scenario (which has no teardown) left anything: one list per round.
    let left: Vec<&str> = service
        .lists
        .values()
        .filter(|l| !l["id"].as_str().unwrap().contains("SEED"))
        .map(|l| l["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["Shopping list", "Shopping list"]);
    // Each delete went to a list the same run had made.
    let made: Vec<String> = (1..=service.next)
        .map(|n| format!("AAMkMADE{n:04}AAA="))
        .collect();
    for (method, path) in &service.log {
        if method == "DELETE" {
            assert!(made.iter().any(|id| path.ends_with(id.as_str())), "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_by_step_record_shows_set_up_request_and_teardown() {
    let (addr, _service) = start(Mode::Healthy).await;
    let (_, report) = run(addr, &[]).await;
    let delete = case(&report, "delete_only_what_set_up_made");
    let steps = delete["steps"].as_array().unwrap();
    let phases: Vec<&str> = steps.iter().map(|s| s["phase"].as_str().unwrap()).collect();
    assert_eq!(phases, ["setup", "request", "teardown"]);
    assert_eq!(steps[0]["label"], "set-up step 1 (make the list to delete)");
    assert_eq!(steps[0]["method"], "POST");
    assert_eq!(steps[0]["status"], 201);
    assert_eq!(steps[0]["captured"], json!(["list-id"]));
    let made = steps[1]["url"].as_str().unwrap();
    assert!(made.contains("/v1.0/me/todo/lists/AAMkMADE"), "{made}");
    assert_eq!(steps[1]["status"], 204);
    // The teardown finds the list gone, which its allowed statuses accept.
    assert_eq!(steps[2]["status"], 404);
    assert_eq!(steps[2]["problem"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_set_up_is_an_error_not_a_contract_failure() {
    let (addr, service) = start(Mode::CreatesFail).await;
    let (output, report) = run(addr, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let get = case(&report, "get_a_list_made_for_it");
    assert_eq!(get["outcome"], "error");
    let error = get["error"].as_str().unwrap();
    assert!(
        error.starts_with("set-up step 1 (create-scratch-list) failed: POST /v1.0/me/todo/lists answered 500, which is not a 2xx status; the answer: the list store is down"),
        "{error}"
    );
    // The documented request was never sent: a set-up that failed ends the chain (teardown
    // still runs, and finds nothing captured to delete).
    // Cloned: the service locks the same mutex for the run below.
    let log = service.lock().unwrap().log.clone();
    assert!(
        !log.iter().any(|(m, p)| m == "GET" && p.contains("/lists/")),
        "{log:?}"
    );
    let warnings = get["warnings"].as_array().unwrap();
    assert!(
        warnings[0]["message"].as_str().unwrap().contains("teardown step 1 (delete-scratch-list) failed: not sent: no value was captured as [list-id]"),
        "{warnings:?}"
    );
    // The terminal says it too, with the steps.
    let mut command = common::contract();
    command
        .args(["run", "--filter", "get_a_list_made_for_it", "--base-url"])
        .arg(format!("http://{addr}/"))
        .arg("--cases")
        .arg(common::cases());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("error: v1.0::todotasklist_get::get_todotasklist::get_a_list_made_for_it"),
        "{text}"
    );
    assert!(
        text.contains("steps:\n  1. set-up step 1 (create-scratch-list): POST http://"),
        "{text}"
    );
    assert!(
        text.contains("warning: v1.0::todotasklist_get::get_todotasklist::get_a_list_made_for_it"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teardown_problems_are_warnings_shown_in_every_report() {
    let (addr, _service) = start(Mode::DeletesFail).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = run(addr, &["--report-dir", dir.path().to_str().unwrap()]).await;
    let create = case(&report, "create_a_list_and_remove_it");
    assert_eq!(create["outcome"], "passed", "{create:#}");
    let warning = create["warnings"][0]["message"].as_str().unwrap();
    assert_eq!(create["warnings"][0]["kind"], "teardown");
    assert!(
        warning.starts_with(
            "teardown step 1 (delete-scratch-list) failed: DELETE /v1.0/me/todo/lists/AAMkMADE"
        ),
        "{warning}"
    );
    assert!(warning.contains("answered 500, which is not among the allowed statuses 204, 404; the answer: cannot delete today"), "{warning}");
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(
        junit.contains("warning: teardown step 1 (delete-scratch-list) failed"),
        "JUnit"
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("teardown step 1 (delete-scratch-list) failed"),
        "HTML"
    );
    let json_report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(
        json_report.contains("teardown step 1 (delete-scratch-list) failed"),
        "JSON"
    );
}

/// `contract` over the project's pages plus one scenario file written for the test.
fn with_scenarios(scenarios: &str, args: &[&str]) -> (String, String, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("extra.scenarios.toml");
    std::fs::write(&file, scenarios).unwrap();
    let output = common::contract()
        .args(args)
        .arg("--cases")
        .arg(common::cases())
        .arg("--scenarios")
        .arg(&file)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code(),
    )
}

#[test]
fn dry_run_prints_the_whole_chain_with_values_not_yet_captured() {
    let (out, _, code) = with_scenarios("", &["run", "--dry-run", "--filter", "delete_only"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("## 1. set-up step 1 (make the list to delete)\nPOST http://127.0.0.1:"),
        "{out}"
    );
    assert!(out.contains("{\"displayName\":\"Travel items\"}"), "{out}");
    assert!(
        out.contains("## 2. the documented request\nDELETE http://127.0.0.1:"),
        "{out}"
    );
    assert!(
        out.contains("/v1.0/me/todo/lists/[list-id]\n## 3. teardown step 1 (delete-scratch-list)"),
        "{out}"
    );
}

#[test]
fn set_up_writes_need_allow_writes_against_a_remote_service() {
    let (out, _, _) = with_scenarios(
        "",
        &[
            "run",
            "--dry-run",
            "--filter",
            "get_a_list_made_for_it",
            "--base-url",
            "https://graph.example.test/",
        ],
    );
    assert!(
        out.contains(
            "(not sent: writes are not allowed against graph.example.test: pass --allow-writes"
        ),
        "{out}"
    );
    let (out, _, _) = with_scenarios(
        "",
        &[
            "run",
            "--dry-run",
            "--filter",
            "get_a_list_made_for_it",
            "--base-url",
            "https://graph.example.test/",
            "--allow-writes",
        ],
    );
    assert!(
        out.contains("POST https://graph.example.test/v1.0/me/todo/lists"),
        "{out}"
    );
}

#[test]
fn scenario_values_override_the_variables_file_and_unfilled_placeholders_skip() {
    let dir = tempfile::tempdir().unwrap();
    let vars = dir.path().join("vars.toml");
    std::fs::write(&vars, "todoTaskListId = \"from-vars\"\n").unwrap();
    let scenarios = r#"
[[scenario]]
name = "literal id"
method = "get_todotasklist"
params = { "{todoTaskListId}" = "from-scenario" }

[[scenario]]
name = "no id at all"
method = "update_todotasklist"
"#;
    let args = [
        "run",
        "--dry-run",
        "--base-url",
        "http://127.0.0.1:9/",
        "--vars",
        vars.to_str().unwrap(),
    ];
    let (out, _, _) = with_scenarios(
        scenarios,
        &[&args[..], &["--filter", "literal_id"]].concat(),
    );
    assert!(
        out.contains("GET http://127.0.0.1:9/v1.0/me/todo/lists/from-scenario"),
        "{out}"
    );
    let (out, _, _) = with_scenarios(
        scenarios,
        &[
            "run",
            "--dry-run",
            "--base-url",
            "http://127.0.0.1:9/",
            "--filter",
            "no_id_at_all",
        ],
    );
    assert!(
        out.contains("(not sent: no value for {todoTaskListId}: add it to the variables file"),
        "{out}"
    );
}

#[test]
fn every_request_parameter_form_shapes_the_request() {
    let scenarios = r#"
[[scenario]]
name = "every form"
method = "update_todotasklist"
params = { "{todoTaskListId}" = "abc", "$.displayName" = "!random-filename-txt", "$.added" = 1, "If-Match:" = "*" }

[[scenario]]
name = "whole body and url"
method = "update_todotasklist"
params = { "!url" = "/v1.0/me/todo/lists/xyz?tag=1", "!body" = { displayName = "whole" } }

[[scenario]]
name = "base64 body"
method = "update_todotasklist"
params = { "{todoTaskListId}" = "abc", "!body.base64" = "aGVsbG8=" }
"#;
    let (out, err, _) = with_scenarios(
        scenarios,
        &[
            "run",
            "--dry-run",
            "--format",
            "json",
            "--filter",
            "update_todotasklist::",
        ],
    );
    let plans: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let request = |name: &str| -> Value {
        let case = plans
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"].as_str().unwrap().ends_with(name))
            .unwrap();
        case["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["phase"] == "request")
            .unwrap()
            .clone()
    };
    let every = request("every_form");
    assert!(
        every["url"]
            .as_str()
            .unwrap()
            .ends_with("/v1.0/me/todo/lists/abc"),
        "{every}"
    );
    let body: Value = serde_json::from_str(every["body"].as_str().unwrap()).unwrap();
    let name = body["displayName"].as_str().unwrap();
    // ApiDoctor's form (requestdefinitionextensions.cs:240-281): without the closing `!`, a
    // slash goes in front of the value; the name is `apidoctor-<guid>.txt`.
    assert!(
        name.starts_with("/apidoctor-") && name.ends_with(".txt") && name.len() == 51,
        "{name}"
    );
    assert_eq!(
        body["added"], 1,
        "a property the documented body lacks is added: {body}"
    );
    assert!(
        every["headers"]
            .as_array()
            .unwrap()
            .contains(&json!(["If-Match", "*"])),
        "{every}"
    );
    let whole = request("whole_body_and_url");
    assert!(
        whole["url"]
            .as_str()
            .unwrap()
            .ends_with("/v1.0/me/todo/lists/xyz?tag=1"),
        "{whole}"
    );
    assert_eq!(whole["body"], "{\"displayName\":\"whole\"}");
    assert_eq!(request("base64_body")["body"], "hello");
}

#[test]
fn bad_scenario_files_name_file_and_line_and_the_run_goes_on() {
    let scenarios = "[[scenario]]\nname = \"typo\"\nmethod = \"get_todotasklist\"\nsetp = []\n";
    let (out, err, code) = with_scenarios(scenarios, &["run", "--filter", "todotasklist"]);
    assert!(err.contains("extra.scenarios.toml:4: error[scenario-file]: unknown key `setp` (did you mean `setup`?)"), "{err}");
    // The broken scenario is an error case; the others still ran and passed.
    assert_eq!(code, Some(1));
    assert!(
        out.contains("error: v1.0::todotasklist_get::get_todotasklist::typo"),
        "{out}"
    );
    assert!(out.contains("6 passed, 0 failed, 1 errors"), "{out}");
    let (_, err, code) = with_scenarios(scenarios, &["lint"]);
    assert_eq!(code, Some(1), "{err}");
}

const SESSION: &str = "session=SeSsIoN-s3cr3t-value-42; Path=/";

/// Hands out a session cookie with each new list, then echoes the cookie it is sent in a
/// failing answer: the worst case for a captured credential.
async fn cookie_service() -> std::net::SocketAddr {
    let app = axum::Router::new()
        .route(
            "/v1.0/me/todo/lists",
            axum::routing::post(|| async {
                (
                    StatusCode::CREATED,
                    [("set-cookie", SESSION)],
                    Json(json!({"id": "AAMkCOOKIEAAA=", "displayName": "x"})),
                )
            }),
        )
        .route(
            "/v1.0/me/todo/lists/{id}",
            get(|headers: HeaderMap, Path(id): Path<String>| async move {
                let cookie = headers
                    .get("cookie")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none")
                    .to_owned();
                Json(json!({"id": id, "displayName": cookie, "isOwner": "not a boolean"}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_captured_from_credential_headers_are_redacted_everywhere() {
    let addr = cookie_service().await;
    let scenarios = r#"
[[request]]
name = "sign-in-and-create"
http = """
POST /v1.0/me/todo/lists
Content-Type: application/json

{"displayName": "x"}
"""
capture = { "[session]" = "Set-Cookie:", "[list-id]" = "$.id" }

[[scenario]]
name = "with a session"
method = "get_todotasklist"
setup = [{ use = "sign-in-and-create" }]
params = { "{todoTaskListId}" = "[list-id]", "Cookie:" = "[session]" }
expect = { "$.displayName" = "Travel items" }
"#;
    let reports = tempfile::tempdir().unwrap();
    let base = format!("http://{addr}/");
    let report_dir = reports.path().to_str().unwrap().to_owned();
    let (out, err, code) = tokio::task::spawn_blocking(move || {
        with_scenarios(
            scenarios,
            &[
                "run",
                "--filter",
                "with_a_session",
                "--base-url",
                &base,
                "--report-dir",
                &report_dir,
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1), "{out}{err}");
    // The failure is there, expectation and all, with the cookie hidden.
    assert!(out.contains("expectation"), "{out}");
    assert!(
        out.contains(
            "the scenario expects $.displayName to be \"Travel items\", but it is \"***\""
        ),
        "{out}"
    );
    for text in [&out, &err] {
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    let mut files = 0;
    for entry in std::fs::read_dir(reports.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("s3cr3t"), "{text}");
        files += 1;
    }
    assert_eq!(files, 4);
}
