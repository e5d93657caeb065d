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

/// ScenarioDefinition.cs:37-92, testsetuprequestdefinition.cs:36-51 and
/// ScenarioDefinition.cs:97-114 (ApiDoctor eb5043e): every key the classes declare, matched in
/// any case (Newtonsoft's JsonPropertyCollection.GetClosestMatchProperty).
#[test]
fn every_apidoctor_key_is_read_in_any_case() {
    let text = r#"{
  "Canned-Requests": [
    { "name": "make", "method": "create_task", "implicit-variable": "{task-id}",
      "capture": { "[id]": "$.id" } }
  ],
  "SCENARIOS": [
    { "Name": "all keys", "Method": "get_task", "Enabled": 1,
      "Test-Setup": [ { "canned-request": "make", "Secondary-Account": true } ],
      "allowed-status-codes": [200, "202"], "status-codes-to-retry": [202],
      "tags": ["service.graph"], "scopes": "Tasks.Read", "apiVersions": ["v1.0"],
      "Request-Parameters": { "{task-id}": "[id]", "If-Match:": null } }
  ]
}"#;
    let contents = read("tasks.json", text, Format::ApiDoctor).expect("a scenario file");
    assert!(contents.findings.is_empty(), "{:?}", contents.findings);
    let scenario = &contents.scenarios[0];
    assert_eq!(scenario.name, "all keys");
    assert!(scenario.enabled, "1 is true to Newtonsoft");
    assert_eq!(scenario.allowed_status, [200, 202]);
    assert_eq!(scenario.retry_status, [202]);
    assert_eq!(scenario.tags, ["service.graph"]);
    assert_eq!(scenario.scopes, ["Tasks.Read"]);
    assert_eq!(scenario.versions, ["v1.0"]);
    assert!(scenario.setup[0].secondary_account);
    assert_eq!(scenario.params.len(), 2);
    assert_eq!(
        scenario.params[1].value,
        Value::Literal(serde_json::Value::Null),
        "null removes the header when it is sent"
    );
    assert_eq!(contents.canned[0].0, "make");
}

/// What ApiDoctor reads past without a word is a warning naming the file and line, and the
/// scenario still runs (BasicRequestDefinition.cs:114-134 drops `Content-Type` without its
/// colon; CannedRequestDefinition has no `test-setup`; unknown keys are ignored by Newtonsoft).
#[test]
fn mistakes_apidoctor_reads_past_are_warnings_and_the_scenario_runs() {
    let text = r#"{
  "canned-requests": [
    { "name": "make", "method": "create_task",
      "test-setup": [ { "method": "create_task" } ] }
  ],
  "scenarios": [
    { "name": "runs anyway", "method": "get_task", "enabled": true, "descripton": "typo",
      "test-setup": [ { "canned-request": "make", "request-parameters": { "$.title": "x" },
                        "expectations": { "$.id": "1" } } ],
      "request-parameters": { "Content-Type": "application/json", "[x]": "1", "{id}": "1" } }
  ]
}"#;
    let contents = read("tasks.json", text, Format::ApiDoctor).expect("a scenario file");
    let scenario = &contents.scenarios[0];
    assert!(scenario.broken.is_none(), "{:?}", scenario.broken);
    assert_eq!(scenario.params.len(), 1, "only `{{id}}` is applied");
    assert!(
        scenario.setup[0].params.is_empty(),
        "a canned step's own parameters are not applied"
    );
    let said = |needle: &str| {
        let finding = contents
            .findings
            .iter()
            .find(|f| f.message.contains(needle))
            .unwrap_or_else(|| panic!("no finding with {needle:?}: {:?}", contents.findings));
        assert_eq!(finding.rule, Rule::ScenarioIgnored, "{finding}");
        assert_eq!(finding.severity, crate::finding::Severity::Warning);
        finding.line
    };
    assert_eq!(said("a canned request has no `test-setup`"), 4);
    assert_eq!(said("unknown key `descripton`"), 7);
    assert_eq!(
        said("runs it with the canned request's own `request-parameters`"),
        8
    );
    assert_eq!(
        said("`expectations` are checked on the scenario's own request only"),
        9
    );
    assert_eq!(said("a header needs its colon, `Content-Type:`"), 10);
    assert_eq!(said("`[x]` is a stored value"), 10);
}

/// requestdefinitionextensions.cs:227-229: a `#…` value is C#; that scenario alone cannot run.
#[test]
fn a_csharp_value_stops_its_scenario_only() {
    let text = r##"{ "scenarios": [
    { "name": "c sharp", "method": "get_task", "enabled": true,
      "request-parameters": { "$.when": "#DateTimeOffset.UtcNow.AddDays(3)" } },
    { "name": "fine", "method": "get_task", "enabled": true } ] }"##;
    let contents = read("tasks.json", text, Format::ApiDoctor).expect("a scenario file");
    let broken = contents.scenarios[0].broken.as_ref().expect("broken");
    assert_eq!(broken.at.line, 3);
    assert!(
        broken.message.contains("C# expressions are not supported"),
        "{broken}"
    );
    assert!(contents.scenarios[1].broken.is_none());
}

/// Our TOML stays strict: an unknown key is an error that stops the scenario.
#[test]
fn our_toml_stays_strict_about_unknown_keys() {
    let text = "[[scenario]]\nname = \"x\"\nmethod = \"get_task\"\nParams = {}\n";
    let contents = read("x.scenarios.toml", text, Format::Toml).expect("a scenario file");
    assert_eq!(contents.findings[0].rule, Rule::ScenarioFile);
    assert!(contents.scenarios[0].broken.is_some());
}
