use super::*;
use crate::case::{cases_of_page, SkipKind};
use crate::doc::parse_page;
use crate::scenario::tests::{loaded, APIDOCTOR_FILE};
use crate::scenario::{Format, Loaded, Step, StepSource};

/// The cases of one page with their scenarios attached, as [`Catalog::read_with`] does.
fn attach(cases: Vec<Case>, loaded: &Loaded) -> (Vec<Case>, Vec<Finding>) {
    let mut ids = Ids::default();
    let mut cases = cases;
    for case in &mut cases {
        case.id = ids.claim(std::mem::take(&mut case.id));
    }
    let mut findings = Vec::new();
    let cases = attach::scenarios(cases, loaded, &mut ids, &mut findings);
    (cases, findings)
}

const PAGE: &str = r#"# Tasks

<!-- { "blockType": "request", "name": "create_task" } -->
```http
POST https://graph.microsoft.com/v1.0/tasks
Content-Type: application/json

{ "title": "documented" }
```
<!-- { "blockType": "response", "truncated": true } -->
```http
HTTP/1.1 201 Created
Content-Type: application/json

{ "id": "1", "title": "documented" }
```

<!-- { "blockType": "request", "name": "get_task" } -->
```http
GET https://graph.microsoft.com/v1.0/tasks/{task-id}
```
<!-- { "blockType": "response", "truncated": true } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{ "id": "1", "title": "documented" }
```

<!-- { "blockType": "request", "name": "delete_task" } -->
```http
DELETE https://graph.microsoft.com/v1.0/tasks/{task-id}
```
<!-- { "blockType": "response" } -->
```http
HTTP/1.1 204 No Content
```
"#;

fn cases() -> Vec<Case> {
    cases_of_page(&parse_page("tasks.md", PAGE), Some("v1.0"))
}

#[test]
fn each_scenario_becomes_a_case_and_disabled_ones_skip_their_request() {
    let loaded = loaded("tasks.json", APIDOCTOR_FILE, Format::ApiDoctor);
    let (cases, findings) = attach(cases(), &loaded);
    assert!(findings.is_empty(), "{findings:?}");
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "v1.0::tasks::create_task",
            "v1.0::tasks::get_task::get_a_task_we_just_made",
            "v1.0::tasks::delete_task"
        ]
    );
    let scenario = cases[1].scenario.as_ref().unwrap();
    assert!(scenario.broken.is_none(), "{:?}", scenario.broken);
    // The canned request was merged in; the documented request was looked up.
    assert!(matches!(&scenario.setup[0].source, StepSource::Raw(_)));
    assert_eq!(scenario.setup[0].capture[0].name, "task-id");
    assert!(
        matches!(&scenario.setup[1].source, StepSource::Documented { request, .. } if request.method == "POST")
    );
    assert!(scenario.setup.iter().all(Step::writes));
    let delete = &cases[2];
    assert_eq!(
        delete.skip.as_ref().map(|s| s.kind()),
        Some(SkipKind::ScenariosDisabled)
    );
    assert_eq!(
        delete.skip.as_ref().unwrap().to_string(),
        "every scenario for this request is disabled (the first at tasks.json:15); set `enabled` to true to run it"
    );
}

const TOML_FILE: &str = r#"# Tasks, made and removed by the scenario itself.
[[request]]
name = "create-task"
http = """
POST /v1.0/tasks
Content-Type: application/json

{"title": "scratch"}
"""
capture = { "[task-id]" = "$.id" }

[[scenario]]
name = "get a task we made"
method = "get_task"
setup = [{ use = "create-task" }]
params = { "{task-id}" = "[task-id]" }
expect = { "$.title" = "scratch" }
teardown = [{ method = "delete_task", params = { "{task-id}" = "[task-id]" } }]

[[scenario]]
name = "create one"
method = "create_task"
params = { "$.title" = "!random-filename-txt" }
capture = { "[made]" = "$.id" }
teardown = [{ method = "delete_task", params = { "{task-id}" = "[made]" }, allowed-status = [204, 404] }]
"#;

#[test]
fn our_toml_format_has_teardown_and_captures_on_the_request() {
    let loaded = loaded("tasks.scenarios.toml", TOML_FILE, Format::Toml);
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    assert_eq!(loaded.scenarios.len(), 2);
    let get = &loaded.scenarios[0];
    assert!(get.enabled, "enabled by default in our format");
    assert_eq!(get.line, 12);
    assert_eq!(get.teardown.len(), 1);
    let create = &loaded.scenarios[1];
    assert_eq!(create.capture[0].name, "made");
    assert_eq!(create.teardown[0].allowed_status, [204, 404]);
    let (cases, findings) = attach(cases(), &loaded);
    assert!(findings.is_empty(), "{findings:?}");
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "v1.0::tasks::create_task::create_one",
            "v1.0::tasks::get_task::get_a_task_we_made",
            "v1.0::tasks::delete_task"
        ]
    );
}

/// Every kind of bad input names the file and the line, and spoils only its own scenario.
#[test]
fn bad_input_names_the_file_and_line() {
    let cases_of = |text: &str, format: Format| {
        let file = if format == Format::Toml {
            "bad.scenarios.toml"
        } else {
            "bad.json"
        };
        let loaded = loaded(file, text, format);
        let (cases, more) = attach(cases(), &loaded);
        let mut findings = loaded.findings;
        findings.extend(more);
        (cases, findings)
    };
    let expect = |text: &str, format: Format, line: usize, needle: &str| {
        let (cases, findings) = cases_of(text, format);
        let found = findings
            .iter()
            .find(|f| f.message.contains(needle))
            .unwrap_or_else(|| panic!("no finding with {needle:?} in {findings:?}"));
        assert_eq!(found.line, line, "{found}");
        cases
    };
    // Unknown key, with a suggestion.
    let cases = expect(
        "[[scenario]]\nname = \"x\"\nmethod = \"get_task\"\nsetp = []\n",
        Format::Toml,
        4,
        "unknown key `setp` (did you mean `setup`?)",
    );
    let broken = cases[1].scenario.as_ref().unwrap().broken.as_ref().unwrap();
    assert_eq!(broken.at.to_string(), "bad.scenarios.toml:4");
    assert!(broken.message.starts_with("unknown key `setp`"), "{broken}");
    // A method that names no documented request.
    expect(
        "[[scenario]]\nname = \"x\"\nmethod = \"get_tsak\"\n",
        Format::Toml,
        1,
        "so it never runs (ApiDoctor skips it without a word); the nearest documented names: `get_task`",
    );
    // A set-up step that names no documented request.
    let cases = expect(
        "[[scenario]]\nname = \"x\"\nmethod = \"get_task\"\nsetup = [\n  { method = \"nope\" },\n]\n",
        Format::Toml,
        5,
        "set-up step 1 (nope): `method` names `nope`",
    );
    assert!(cases[1].scenario.as_ref().unwrap().broken.is_some());
    // A capture key without brackets.
    expect(
        "[[scenario]]\nname = \"x\"\nmethod = \"get_task\"\n\n[scenario.capture]\nid = \"$.id\"\n",
        Format::Toml,
        6,
        "capture key `id` must be a name in brackets",
    );
    // An unknown canned request.
    expect(
        r#"{ "scenarios": [ { "name": "x", "method": "get_task", "enabled": true,
  "test-setup": [
    { "canned-request": "create-tsak" } ] } ] }"#,
        Format::ApiDoctor,
        3,
        "no canned request is called `create-tsak`",
    );
    // A JSONPath that does not parse.
    expect(
        "{ \"scenarios\": [ { \"name\": \"x\", \"method\": \"get_task\", \"enabled\": true,\n  \"expectations\": {\n    \"$..[\": 1 } } ] }",
        Format::ApiDoctor,
        3,
        "`$..[` is not a JSONPath",
    );
    // Invalid TOML.
    expect("[[scenario]\nname = 1\n", Format::Toml, 1, "not valid TOML");
    // A step with two sources.
    expect(
        "[[scenario]]\nname = \"x\"\nmethod = \"get_task\"\nsetup = [{ method = \"create_task\", use = \"y\" }]\n",
        Format::Toml,
        4,
        "a step needs exactly one of",
    );
}

#[test]
fn scenario_names_that_repeat_get_distinct_ids() {
    let text = "[[scenario]]\nname = \"same\"\nmethod = \"get_task\"\n\n[[scenario]]\nname = \"same\"\nmethod = \"get_task\"\n";
    let (cases, _) = attach(cases(), &loaded("t.scenarios.toml", text, Format::Toml));
    assert_eq!(cases[1].id, "v1.0::tasks::get_task::same");
    assert_eq!(cases[2].id, "v1.0::tasks::get_task::same_2");
}

#[test]
fn versions_restrict_where_a_scenario_applies() {
    let text = "[[scenario]]\nname = \"beta only\"\nmethod = \"get_task\"\nversions = [\"beta\"]\n";
    let (cases, findings) = attach(cases(), &loaded("t.scenarios.toml", text, Format::Toml));
    assert_eq!(cases[1].id, "v1.0::tasks::get_task");
    assert!(
        findings[0]
            .message
            .contains("not for the versions it names (beta)"),
        "{}",
        findings[0]
    );
}

#[test]
fn repeated_ids_get_the_smallest_free_number() {
    let mut ids = Ids::default();
    let claimed: Vec<String> = ["x", "x_2", "x", "x", "y"]
        .into_iter()
        .map(|id| ids.claim(id.to_owned()))
        .collect();
    assert_eq!(claimed, ["x", "x_2", "x_3", "x_4", "y"]);
    ids.release("y");
    assert_eq!(ids.claim("y".to_owned()), "y");
}
