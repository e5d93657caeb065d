use super::*;

/// The scenarios and canned requests of one file, as the catalog loads them (the catalog's
/// tests use it too).
pub(crate) fn loaded(file: &str, text: &str, format: Format) -> Loaded {
    let contents = read(file, text, format).expect("a scenario file");
    Loaded {
        scenarios: contents.scenarios,
        canned: contents.canned.into_iter().collect(),
        findings: contents.findings,
        accounts_file: None,
    }
}

/// An ApiDoctor scenario file of every kind of step.
pub(crate) const APIDOCTOR_FILE: &str = r#"{
  "canned-requests": [
    { "name": "create-task",
      "http-request": "POST /v1.0/tasks\r\nContent-Type: application/json\r\n\r\n{\"title\": \"scratch\"}",
      "capture": { "[task-id]": "$.id" } }
  ],
  "scenarios": [
    { "name": "Get a task we just made", "method": "get_task", "enabled": true,
      "test-setup": [ { "canned-request": "create-task" },
                      { "method": "create_task", "request-parameters": { "$.title": "[task-id]" },
                        "allowed-status-codes": [201], "capture": { "[etag]": "ETag:" } } ],
      "request-parameters": { "{task-id}": "[task-id]", "If-None-Match:": "*" },
      "expectations": { "$.title": ["scratch", "documented"], "Content-Type:": "application/json" },
      "scopes": ["Tasks.ReadWrite"] },
    { "name": "never runs", "method": "delete_task" }
  ]
}"#;

#[test]
fn apidoctor_files_are_read_as_they_are() {
    let loaded = loaded("tasks.json", APIDOCTOR_FILE, Format::ApiDoctor);
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let get = &loaded.scenarios[0];
    assert_eq!(get.name, "Get a task we just made");
    assert!(get.enabled);
    assert_eq!(get.line, 8);
    assert_eq!(get.setup.len(), 2);
    assert!(matches!(&get.setup[0].source, StepSource::Canned(n) if n == "create-task"));
    assert_eq!(get.setup[1].allowed_status, [201]);
    assert_eq!(get.setup[1].capture[0].name, "etag");
    assert!(matches!(&get.params[0].target, Target::Placeholder(n) if n == "task-id"));
    assert!(matches!(&get.params[1].target, Target::Header(n) if n == "If-None-Match"));
    assert_eq!(get.expect[0].any_of.len(), 2);
    // ApiDoctor's default: a scenario without `enabled` is disabled.
    assert!(!loaded.scenarios[1].enabled);
    assert!(
        matches!(&loaded.canned["create-task"].source, StepSource::Raw(t) if t.starts_with("POST /v1.0/tasks"))
    );
}

#[test]
fn json_files_without_scenarios_are_not_scenario_files() {
    assert!(read("package.json", r#"{"name": "x"}"#, Format::ApiDoctor).is_none());
    let broken = read(
        "broken.json",
        "{\n  \"scenarios\": [,\n}",
        Format::ApiDoctor,
    )
    .unwrap();
    assert_eq!(broken.findings.len(), 1);
    assert_eq!(broken.findings[0].line, 2);
    assert!(
        broken.findings[0].message.starts_with("not valid JSON"),
        "{}",
        broken.findings[0]
    );
}

#[test]
fn apidoctor_files_are_read_as_newtonsoft_reads_them() {
    // Comments, a trailing comma, a single-quoted name, `enabled` as a string, no `name`.
    let text = "{\n  // set up a task first\n  \"scenarios\": [\n    { 'method': \"get_task\", \"enabled\": \"True\", /* on */ },\n    { \"name\": \"off\", \"method\": \"get_task\", \"enabled\": \"false\" },\n  ],\n}\n";
    let contents = read("tasks.json", text, Format::ApiDoctor).expect("a scenario file");
    assert!(contents.findings.is_empty(), "{:?}", contents.findings);
    assert_eq!(contents.scenarios.len(), 2);
    let first = &contents.scenarios[0];
    assert_eq!(first.name, "get_task", "named by its method");
    assert!(first.enabled);
    assert!(first.broken.is_none());
    assert_eq!(first.line, 4);
    assert!(!contents.scenarios[1].enabled);
}
