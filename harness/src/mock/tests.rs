use super::*;
use crate::doc::parse_page;
use axum::http::HeaderValue;

fn mock(text: &str) -> Mock {
    let cases = crate::case::cases_of_page(&parse_page("api/p.md", text), Some("v1.0"));
    Mock::from_cases(&cases)
}

fn example(name: &str, request: &str, response: &str) -> String {
    format!("<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\" }} -->\n```http\n{request}\n```\n<!-- {{ \"blockType\": \"response\", \"name\": \"{name}\" }} -->\n```http\n{response}\n```\n")
}

#[test]
fn placeholder_segments_match_any_value_and_the_query_is_ignored() {
    let mock = mock(&example(
        "get",
        "GET /users/{id}",
        "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 9999\n\n{\"id\": \"1\",}",
    ));
    let answer = mock.answer(
        "GET",
        "/v1.0/users/48d31887",
        Some("$select=id"),
        &HeaderMap::new(),
        b"",
    );
    assert_eq!(answer.status, 200);
    assert_eq!(&answer.body[..], b"{\"id\":\"1\"}");
    assert_eq!(
        answer.headers,
        [("Content-Type".to_owned(), "application/json".to_owned())]
    );
    assert_eq!(answer.case_id.as_deref(), Some("v1.0::p::get"));
}

#[test]
fn literal_routes_beat_placeholders() {
    let text = example("one", "GET /me/events/{id}", "HTTP/1.1 200 OK")
        + &example("delta", "GET /me/events/delta", "HTTP/1.1 202 Accepted");
    let mock = mock(&text);
    assert_eq!(
        mock.answer("GET", "/v1.0/me/events/delta", None, &HeaderMap::new(), b"")
            .status,
        202
    );
    assert_eq!(
        mock.answer("GET", "/v1.0/me/events/AAMk", None, &HeaderMap::new(), b"")
            .status,
        200
    );
}

#[test]
fn the_closest_request_body_wins() {
    let text = example(
        "a",
        "POST /me/sendMail\n\n{\"kind\": \"a\", \"x\": 1}",
        "HTTP/1.1 202 Accepted",
    ) + &example(
        "b",
        "POST /me/sendMail\n\n{\"kind\": \"b\", \"x\": 1}",
        "HTTP/1.1 400 Bad Request",
    );
    let mock = mock(&text);
    assert_eq!(
        mock.answer(
            "POST",
            "/v1.0/me/sendmail",
            None,
            &HeaderMap::new(),
            b"{\"kind\": \"b\", \"x\": 1}"
        )
        .status,
        400
    );
    assert_eq!(
        mock.answer(
            "POST",
            "/v1.0/me/sendmail",
            None,
            &HeaderMap::new(),
            b"{\"kind\": \"a\", \"x\": 1}"
        )
        .status,
        202
    );
}

#[test]
fn the_closest_query_breaks_ties_between_gets() {
    let text = example("all", "GET /users", "HTTP/1.1 200 OK\n\n{\"all\": true}")
        + &example(
            "select",
            "GET /users?$select=displayName",
            "HTTP/1.1 200 OK\n\n{\"select\": true}",
        );
    let mock = mock(&text);
    assert_eq!(
        mock.answer(
            "GET",
            "/v1.0/users",
            Some("$select=displayName"),
            &HeaderMap::new(),
            b""
        )
        .case_id
        .as_deref(),
        Some("v1.0::p::select")
    );
    assert_eq!(
        mock.answer("GET", "/v1.0/users", None, &HeaderMap::new(), b"")
            .case_id
            .as_deref(),
        Some("v1.0::p::all")
    );
}

#[test]
fn unknown_routes_get_an_odata_error_naming_the_closest_routes() {
    let mock = mock(&example("get", "GET /users/{id}", "HTTP/1.1 200 OK"));
    let answer = mock.answer("GET", "/v1.0/user/1", None, &HeaderMap::new(), b"");
    assert_eq!(answer.status, 404);
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["error"]["code"], "UnknownRoute");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("GET /v1.0/users/{id} (api/p.md:2)"),
        "{message}"
    );
}

#[tokio::test]
async fn the_server_answers_over_http() {
    let mock = Arc::new(mock(&example(
        "get",
        "GET /me",
        "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\"}",
    )));
    let server = start(
        mock,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let response = reqwest::get(format!("{}v1.0/me", server.base_url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), "{\"id\":\"1\"}");
}

#[test]
fn documented_request_headers_select_the_variant() {
    let text = example("plain", "PATCH /alerts/{id}", "HTTP/1.1 204 No Content")
        + &example(
            "repr",
            "PATCH /alerts/{id}\nPrefer: return=representation",
            "HTTP/1.1 200 OK",
        );
    let mock = mock(&text);
    let mut prefer = HeaderMap::new();
    prefer.insert("prefer", HeaderValue::from_static("return=representation"));
    assert_eq!(
        mock.answer("PATCH", "/v1.0/alerts/1", None, &prefer, b"")
            .status,
        200
    );
    assert_eq!(
        mock.answer("PATCH", "/v1.0/alerts/1", None, &HeaderMap::new(), b"")
            .status,
        204
    );
}

#[test]
fn no_body_is_sent_with_a_204_even_when_the_page_shows_one() {
    let mock = mock(&example(
        "publish",
        "POST /assignments/{id}/publish",
        "HTTP/1.1 204 No Content\n\n{\n}",
    ));
    let answer = mock.answer(
        "POST",
        "/v1.0/assignments/1/publish",
        None,
        &HeaderMap::new(),
        b"",
    );
    assert_eq!(answer.status, 204);
    assert!(answer.body.is_empty());
}

#[test]
fn a_placeholder_right_after_the_version_matches_any_resource() {
    let text = example("any", "GET /{collection}/delta", "HTTP/1.1 200 OK")
        + &example("users", "GET /users/delta", "HTTP/1.1 202 Accepted");
    let mock = mock(&text);
    let status = |path| {
        mock.answer("GET", path, None, &HeaderMap::new(), b"")
            .status
    };
    assert_eq!(status("/v1.0/groups/delta"), 200);
    assert_eq!(status("/v1.0/Users/delta"), 202);
    assert_eq!(status("/v1.0/users/other"), 404);
}

#[test]
fn a_documented_id_matches_any_id_of_its_kind_after_placeholders_and_exact_ids() {
    let text = example("get", "GET /users/{id}", "HTTP/1.1 200 OK")
        + &example(
            "missing",
            "GET /users/00000000-0000-0000-0000-000000000000",
            "HTTP/1.1 404 Not Found",
        )
        + &example(
            "group",
            "GET /groups/b320ee12-b1cd-4cca-b648-a437be61c5cd",
            "HTTP/1.1 200 OK",
        )
        + &example("count", "GET /sites/root/lists/7", "HTTP/1.1 202 Accepted");
    let mock = mock(&text);
    let status = |path| {
        mock.answer("GET", path, None, &HeaderMap::new(), b"")
            .status
    };
    // Another GUID: the placeholder route answers, not the other example's 404.
    assert_eq!(
        status("/v1.0/users/02bd9fd6-8f93-4758-87c3-1fb73740a315"),
        200
    );
    // The very id the docs show: that example.
    assert_eq!(
        status("/v1.0/users/00000000-0000-0000-0000-000000000000"),
        404
    );
    // No placeholder route: the documented id stands for any GUID, but not for a word.
    assert_eq!(
        status("/v1.0/groups/02BD9FD6-8f93-4758-87c3-1fb73740a315"),
        200
    );
    assert_eq!(status("/v1.0/groups/delta"), 404);
    assert_eq!(status("/v1.0/sites/root/lists/12"), 202);
    assert_eq!(status("/v1.0/sites/root/lists/twelve"), 404);
}

#[test]
fn sample_keys_stand_for_any_value() {
    let text = "<!-- { \"blockType\": \"request\", \"sampleKeys\": [\"Inbox\"] } -->\n```http\nGET /me/mailFolders/Inbox/messages\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let mock = mock(text);
    let answer = mock.answer(
        "GET",
        "/v1.0/me/mailFolders/archive/messages",
        None,
        &HeaderMap::new(),
        b"",
    );
    assert_eq!(answer.status, 200);
}

fn validating(text: &str) -> Mock {
    let cases = crate::case::cases_of_page(&parse_page("api/p.md", text), Some("v1.0"));
    let mut schemas = Schemas::empty();
    schemas
        .add(
            "microsoft.graph.thing.json".into(),
            serde_json::json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://schemas.contract-harness.invalid/microsoft.graph.thing.json",
                "title": "microsoft.graph.thing",
                "type": "object",
                "properties": { "displayName": { "type": "string" }, "id": { "type": "string" } },
                "patternProperties": { "@": {} },
                "unevaluatedProperties": false
            }),
        )
        .unwrap();
    Mock::from_cases(&cases).validating(Arc::new(schemas))
}

const CREATE: &str = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /things\nContent-Type: application/json\n\n{ \"displayName\": \"A\", }\n```\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.thing\" } -->\n```http\nHTTP/1.1 201 Created\n\n{\"id\": \"1\", \"displayName\": \"A\"}\n```\n";

fn post(mock: &Mock, content_type: Option<&str>, body: &[u8]) -> (u16, String) {
    let mut headers = HeaderMap::new();
    if let Some(value) = content_type {
        headers.insert("content-type", HeaderValue::from_str(value).unwrap());
    }
    let answer = mock.answer("POST", "/v1.0/things", None, &headers, body);
    (
        answer.status,
        String::from_utf8_lossy(&answer.body).into_owned(),
    )
}

#[test]
fn requests_are_validated_against_the_documented_shape() {
    let mock = validating(CREATE);
    let json = Some("application/json");
    // The documented body, as written or as strict JSON, and any body that keeps the schema.
    assert_eq!(post(&mock, json, b"{ \"displayName\": \"A\", }").0, 201);
    assert_eq!(post(&mock, json, b"{\"displayName\":\"A\"}").0, 201);
    assert_eq!(post(&mock, json, b"{\"displayName\":\"B\"}").0, 201);
    let (status, body) = post(&mock, json, b"{\"displayName\": 5}");
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("microsoft.graph.thing at /displayName"),
        "{body}"
    );
    assert!(body.contains("\"target\":\"/displayName\""), "{body}");
    let (status, body) = post(&mock, json, b"{\"displayName\": \"A\", \"colour\": 1}");
    assert_eq!(status, 400);
    assert!(body.contains("colour"), "{body}");
    let (status, body) = post(&mock, json, b"displayName=A");
    assert_eq!(status, 400);
    assert!(body.contains("is not JSON"), "{body}");
    let (status, body) = post(&mock, None, b"{\"displayName\":\"B\"}");
    assert_eq!(status, 415);
    assert!(
        body.contains("no Content-Type") && body.contains("api/p.md:2"),
        "{body}"
    );
    assert_eq!(post(&mock, json, b"").0, 400);
    // The body's own @odata.type is the type it is held to.
    let (status, body) = post(
        &mock,
        json,
        b"{\"@odata.type\": \"#microsoft.graph.thing\", \"displayName\": []}",
    );
    assert_eq!(status, 400, "{body}");
}

#[test]
fn without_validation_anything_that_matches_is_answered() {
    let cases = crate::case::cases_of_page(&parse_page("api/p.md", CREATE), Some("v1.0"));
    let mock = Mock::from_cases(&cases);
    assert_eq!(post(&mock, None, b"not json").0, 201);
}

#[test]
fn select_and_top_shape_the_documented_answer() {
    let mock = mock(&example(
        "list",
        "GET /users",
        "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"@odata.context\": \"c\", \"value\": [{\"id\": \"1\", \"displayName\": \"A\", \"mail\": \"a\"}, {\"id\": \"2\", \"displayName\": \"B\", \"mail\": \"b\"}]}",
    ));
    let get = |query| {
        let answer = mock.answer("GET", "/v1.0/users", Some(query), &HeaderMap::new(), b"");
        let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        (answer.status, body)
    };
    let (status, body) = get("$select=displayName");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"@odata.context": "c", "value": [{"id": "1", "displayName": "A"}, {"id": "2", "displayName": "B"}]})
    );
    let (_, body) = get("%24top=1&%24SELECT=mail");
    assert_eq!(
        body,
        serde_json::json!({"@odata.context": "c", "value": [{"id": "1", "mail": "a"}],
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?%24top=1&%24SELECT=mail&$skip=1"})
    );
    let (status, body) = get("$top=many");
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("$top"));
}

#[test]
fn an_example_lint_finds_fault_with_is_labelled() {
    let mut cases = crate::case::cases_of_page(
        &parse_page(
            "api/p.md",
            &example(
                "get",
                "GET /me",
                "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 1\n\n{\"id\": \"1\"}",
            ),
        ),
        Some("v1.0"),
    );
    cases[0].findings = vec![
        crate::finding::Finding::new(crate::finding::Rule::Schema, "api/p.md", 9, "bad"),
        crate::finding::Finding::new(crate::finding::Rule::Todo, "api/p.md", 1, "todo"),
        crate::finding::Finding::new(crate::finding::Rule::Schema, "api/p.md", 10, "bad"),
    ];
    let mock = Mock::from_cases(&cases);
    let answer = mock.answer("GET", "/v1.0/me", None, &HeaderMap::new(), b"");
    assert!(
        answer.headers.contains(&(
            "x-contract-findings".to_owned(),
            "2 (see api/p.md:9)".to_owned()
        )),
        "{:?}",
        answer.headers
    );
}

#[test]
fn the_documented_select_gets_the_documented_answer_and_expand_keeps_its_properties() {
    let mock = mock(&example(
        "get",
        "GET /me?$select=displayName",
        "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\", \"displayName\": \"A\", \"mail\": \"a\", \"manager\": {\"id\": \"2\"}}",
    ));
    let get = |query| {
        let answer = mock.answer("GET", "/v1.0/me", Some(query), &HeaderMap::new(), b"");
        serde_json::from_slice::<serde_json::Value>(&answer.body).unwrap()
    };
    // The page shows more than it selects; asking as the page asks gets what the page shows.
    assert_eq!(get("$select=displayName")["mail"], "a");
    assert_eq!(
        get("$select=mail&$expand=manager($select=id)"),
        serde_json::json!({"id": "1", "mail": "a", "manager": {"id": "2"}})
    );
}

/// A `note` whose `contentType` is the enumeration `text` | `html`, as imported from CSDL.
fn note_schemas() -> Schemas {
    let mut schemas = Schemas::empty();
    for (name, schema) in [
        (
            "microsoft.graph.note.json",
            serde_json::json!({
                "type": "object",
                "properties": {
                    "id": { "type": "string" },
                    "contentType": { "anyOf": [
                        { "$ref": "microsoft.graph.bodyType.json" }, { "type": "null" }
                    ] }
                },
                "unevaluatedProperties": false
            }),
        ),
        (
            "microsoft.graph.bodyType.json",
            serde_json::json!({ "type": "string", "enum": ["text", "html"] }),
        ),
    ] {
        schemas.add(name.into(), schema).unwrap();
    }
    schemas
}

#[test]
fn an_enum_member_in_another_case_is_accepted_by_the_mock_and_a_lint_warning() {
    // The request names no type: it is a create, checked as the entity the response documents.
    let page = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /notes\nContent-Type: application/json\n\n{ \"contentType\": \"HTML\" }\n```\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.note\" } -->\n```http\nHTTP/1.1 201 Created\n\n{\"id\": \"1\", \"contentType\": \"html\"}\n```\n";
    let cases = crate::case::cases_of_page(&parse_page("api/p.md", page), Some("v1.0"));
    assert_eq!(
        cases[0].request_body_type(&note_schemas()).as_deref(),
        Some("microsoft.graph.note")
    );
    let schemas = Arc::new(note_schemas());
    let findings = crate::lint::lint_case(&cases[0], &schemas);
    let rules: Vec<(&str, crate::finding::Severity)> = findings
        .iter()
        .map(|f| (f.rule.name(), f.severity))
        .collect();
    assert_eq!(rules, [("enum-case", crate::finding::Severity::Warning)]);
    assert!(
        findings[0]
            .message
            .contains("`HTML` is the enum member `html`"),
        "{}",
        findings[0]
    );

    let mock = Mock::from_cases(&cases).validating(schemas);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let send = |body: &[u8]| {
        mock.answer("POST", "/v1.0/notes", None, &headers, body)
            .status
    };
    assert_eq!(send(b"{\"contentType\": \"Html\"}"), 201);
    assert_eq!(send(b"{\"contentType\": \"pdf\"}"), 400);
}

#[test]
fn an_action_answered_201_is_not_checked_as_the_entity_it_returns() {
    // `createLink` takes parameters and answers a permission: its body is not a permission.
    let page = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /notes/1/createLink\nContent-Type: application/json\n\n{ \"type\": \"view\", \"scope\": \"anonymous\" }\n```\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.note\" } -->\n```http\nHTTP/1.1 201 Created\n\n{\"id\": \"1\"}\n```\n";
    let cases = crate::case::cases_of_page(&parse_page("api/p.md", page), Some("v1.0"));
    let schemas = Arc::new(note_schemas());
    assert_eq!(
        cases[0].inferred_request_type(),
        Some("microsoft.graph.note")
    );
    assert_eq!(cases[0].request_body_type(&schemas), None);
    assert_eq!(crate::lint::lint_case(&cases[0], &schemas), []);
    let mock = Mock::from_cases(&cases).validating(schemas);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let answer = mock.answer(
        "POST",
        "/v1.0/notes/1/createLink",
        None,
        &headers,
        b"{\"type\": \"edit\"}",
    );
    assert_eq!(answer.status, 201);
}
