use super::*;
use crate::case::cases_of_page;
use crate::doc::parse_page;
use serde_json::json;
use std::path::Path;

/// A case from a one-example page: `annotation` is the response block's JSON annotation,
/// `response` the response block (status line, headers, body).
fn case_of(annotation: &str, response: &str) -> Case {
    let page = format!(
        "# Page\n\n<!-- {{\"blockType\": \"request\", \"name\": \"t\"}} -->\n```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n<!-- {annotation} -->\n```http\n{response}\n```\n"
    );
    let page = parse_page("t.md", &page);
    let mut cases = cases_of_page(&page, None);
    assert_eq!(cases.len(), 1);
    let case = cases.remove(0);
    assert!(case.response.is_some(), "{case:?}");
    case
}

fn json_response(annotation: &str, body: &Value) -> Case {
    case_of(
        annotation,
        &format!(
            "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{}",
            serde_json::to_string_pretty(body).unwrap()
        ),
    )
}

fn actual(status: u16, body: &Value) -> ActualResponse {
    ActualResponse {
        status,
        headers: vec![(
            "content-type".into(),
            "application/json; odata.metadata=minimal; charset=utf-8".into(),
        )],
        body: body.to_string().into_bytes(),
        ..ActualResponse::default()
    }
}

const PLAIN: &str = r#"{"blockType": "response"}"#;
const TRUNCATED: &str = r#"{"blockType": "response", "truncated": true}"#;

/// The repository's schemas, one folder per version (these cases are v1.0).
fn repo_schemas() -> Schemas {
    Schemas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")).unwrap()
}

/// The repository's beta schemas as a flat folder, which serves every version: they have
/// seed 003's workbookChartPoint.
fn beta_schemas() -> Schemas {
    Schemas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/beta")).unwrap()
}

/// (pointer, kind) of each violation, then of each warning, for exact comparison.
fn found(verdict: &Verdict) -> Vec<(&str, ViolationKind)> {
    verdict
        .violations
        .iter()
        .chain(&verdict.warnings)
        .map(|v| (v.pointer.as_str(), v.kind))
        .collect()
}

fn run(case: &Case, body: &Value) -> Verdict {
    check(case, &actual(200, body), &Schemas::empty())
}

use ViolationKind as K;

#[test]
fn status_must_match_exactly() {
    let case = json_response(PLAIN, &json!({"id": "1"}));
    assert!(run(&case, &json!({"id": "2"})).passed());
    let verdict = check(&case, &actual(201, &json!({"id": "1"})), &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::Status)]);
    assert_eq!(verdict.violations[0].expected, "200");
    assert_eq!(verdict.violations[0].actual, "201");
    // Same bodies: nothing to diff.
    assert_eq!(verdict.diff, None);
}

#[test]
fn content_type_is_compared_by_media_type() {
    let case = json_response(PLAIN, &json!({"id": "1"}));
    let mut response = actual(200, &json!({"id": "1"}));
    response.headers = vec![(
        "Content-Type".into(),
        "APPLICATION/JSON;charset=utf-8".into(),
    )];
    assert!(check(&case, &response, &Schemas::empty()).passed());

    response.headers = vec![("Content-Type".into(), "text/html".into())];
    let verdict = check(&case, &response, &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::ContentType)]);
    assert_eq!(verdict.violations[0].expected, "application/json");

    response.headers.clear();
    let verdict = check(&case, &response, &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::ContentType)]);
    assert_eq!(verdict.violations[0].actual, "(none)");
}

#[test]
fn documented_headers_must_be_present_but_varying_ones_are_ignored() {
    let case = case_of(
        PLAIN,
        "HTTP/1.1 201 Created\nLocation: https://x/items/42\nDate: Mon, 1 Jan 2024\nrequest-id: 1\nContent-Length: 9\n",
    );
    let mut response = ActualResponse {
        status: 201,
        headers: vec![("location".into(), "https://y/items/7".into())],
        ..ActualResponse::default()
    };
    assert!(check(&case, &response, &Schemas::empty()).passed());
    response.headers.clear();
    let verdict = check(&case, &response, &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::MissingHeader)]);
    assert!(verdict.violations[0].message.contains("Location"));
}

#[test]
fn is_empty_wants_no_body() {
    let case = case_of(
        r#"{"blockType": "response", "isEmpty": true}"#,
        "HTTP/1.1 204 No Content\n",
    );
    let mut response = ActualResponse {
        status: 204,
        body: b"  \n".to_vec(),
        ..ActualResponse::default()
    };
    assert!(check(&case, &response, &Schemas::empty()).passed());
    response.body = b"{\"id\": 1}".to_vec();
    let verdict = check(&case, &response, &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::UnexpectedBody)]);
    assert_eq!(verdict.violations[0].actual, "{\"id\": 1}");
}

#[test]
fn a_204_wants_no_body_even_when_the_page_shows_one() {
    let case = case_of(
        r#"{"blockType": "response", "truncated": true}"#,
        "HTTP/1.1 204 No Content\nContent-type: application/json\n\n{\n}\n",
    );
    let mut response = ActualResponse {
        status: 204,
        headers: vec![("content-type".into(), "application/json".into())],
        ..ActualResponse::default()
    };
    assert!(check(&case, &response, &Schemas::empty()).passed());
    response.body = b"{}".to_vec();
    let verdict = check(&case, &response, &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::UnexpectedBody)]);
    assert!(
        verdict.violations[0].message.contains("(status 204)"),
        "{}",
        verdict.violations[0].message
    );
}

#[test]
fn truncated_allows_extra_properties() {
    let case = json_response(TRUNCATED, &json!({"id": "1", "name": "a"}));
    let verdict = run(&case, &json!({"id": "2", "name": "b", "extra": true}));
    assert!(verdict.passed(), "{:?}", verdict.violations);
}

#[test]
fn not_truncated_reports_each_extra_property() {
    let case = json_response(PLAIN, &json!({"id": "1", "nested": {"a": 1}}));
    assert!(run(
        &case,
        &json!({"id": "2", "nested": {"a": 2}, "@odata.context": "x"})
    )
    .passed());
    let verdict = run(
        &case,
        &json!({"id": "2", "nested": {"a": 2, "b": 3}, "extra": true}),
    );
    assert_eq!(
        found(&verdict),
        [
            ("/nested/b", K::ExtraProperty),
            ("/extra", K::ExtraProperty)
        ]
    );
    // More than the example shows is a warning: the service may say more than the docs.
    assert!(verdict.passed());
    // Not truncated: the extra keys show in the diff itself.
    let diff = verdict.diff.unwrap();
    assert!(diff.extra_keys.is_empty());
    assert!(diff.actual.contains("\"extra\""));
}

#[test]
fn missing_nested_property() {
    let case = json_response(
        TRUNCATED,
        &json!({"id": "1", "lastModifiedBy": {"user": {"id": "u", "displayName": "d"}}}),
    );
    assert!(run(
        &case,
        &json!({"id": "1", "lastModifiedBy": {"user": {"id": "v", "displayName": "e"}}})
    )
    .passed());
    let verdict = run(
        &case,
        &json!({"id": "1", "lastModifiedBy": {"user": {"id": "v"}}}),
    );
    assert_eq!(
        found(&verdict),
        [("/lastModifiedBy/user/displayName", K::MissingProperty)]
    );
    assert_eq!(verdict.violations[0].expected, "string");
}

#[test]
fn array_items_need_the_keys_every_documented_item_shows() {
    let case = json_response(
        TRUNCATED,
        &json!({"items": [{"id": "1", "name": "a"}, {"id": "2", "size": 3}]}),
    );
    // `id` is in every documented item; `name` and `size` only in some. Counts may differ.
    assert!(run(
        &case,
        &json!({"items": [{"id": "x"}, {"id": "y"}, {"id": "z"}]})
    )
    .passed());
    let verdict = run(&case, &json!({"items": [{"id": "x"}, {"name": "y"}]}));
    assert_eq!(found(&verdict), [("/items/1/id", K::MissingProperty)]);
}

#[test]
fn values_are_compared_by_json_type() {
    let case = json_response(
        PLAIN,
        &json!({"n": 1, "s": "a", "b": true, "o": {}, "a": [], "z": null}),
    );
    // An integer documented, a float returned: both are numbers. A documented null takes anything.
    assert!(run(
        &case,
        &json!({"n": 2.5, "s": "b", "b": false, "o": {}, "a": [1], "z": [1, 2]})
    )
    .passed());
    let verdict = run(
        &case,
        &json!({"n": "1", "s": 1, "b": "true", "o": [], "a": {}, "z": 1}),
    );
    assert_eq!(
        found(&verdict),
        [
            ("/n", K::WrongType),
            ("/s", K::WrongType),
            ("/b", K::WrongType),
            ("/o", K::WrongType),
            ("/a", K::WrongType)
        ]
    );
    assert_eq!(
        (
            verdict.violations[0].expected.as_str(),
            verdict.violations[0].actual.as_str()
        ),
        ("number", "string")
    );
}

#[test]
fn odata_type_must_name_the_same_type() {
    let case = json_response(
        TRUNCATED,
        &json!({"@odata.type": "#microsoft.graph.user", "manager": {"@odata.type": "microsoft.graph.user"}}),
    );
    // Case and `#` do not matter, and the service may leave the declared type out.
    assert!(run(
        &case,
        &json!({"@odata.type": "microsoft.graph.User", "manager": {}})
    )
    .passed());
    let verdict = run(
        &case,
        &json!({"@odata.type": "#microsoft.graph.group", "manager": {"@odata.type": 3}}),
    );
    assert_eq!(
        found(&verdict),
        [
            ("/@odata.type", K::ODataType),
            ("/manager/@odata.type", K::WrongType)
        ]
    );
    assert_eq!(verdict.violations[0].expected, "microsoft.graph.user");
}

#[test]
fn nullable_properties_may_be_null() {
    let annotation =
        r#"{"blockType": "response", "nullableProperties": ["displayName", "manager.id"]}"#;
    let case = json_response(
        annotation,
        &json!({"displayName": "a", "mail": "m", "manager": {"id": "1"}}),
    );
    assert!(run(
        &case,
        &json!({"displayName": null, "mail": "n", "manager": {"id": null}})
    )
    .passed());
    let verdict = run(
        &case,
        &json!({"displayName": null, "mail": null, "manager": {"id": "2"}}),
    );
    // A null the example does not show is a warning (ApiDoctor's rule), not a failure.
    assert!(verdict.passed());
    assert_eq!(found(&verdict), [("/mail", K::UnexpectedNull)]);
    assert_eq!(verdict.warnings[0].actual, "null");
}

#[test]
fn optional_properties_may_be_absent() {
    let annotation = r#"{"blockType": "response", "optionalProperties": ["mail"]}"#;
    let case = json_response(annotation, &json!({"id": "1", "mail": "m"}));
    assert!(run(&case, &json!({"id": "2"})).passed());
    let verdict = run(&case, &json!({"mail": "x"}));
    assert_eq!(found(&verdict), [("/id", K::MissingProperty)]);
}

#[test]
fn paging_links_may_be_absent() {
    let case = json_response(
        r#"{"blockType": "response", "isCollection": true}"#,
        &json!({"@odata.nextLink": "https://x?$skiptoken=1", "value": []}),
    );
    assert!(run(&case, &json!({"value": [{"id": "1"}]})).passed());
}

#[test]
fn collection_must_be_an_array_in_value_or_the_named_property() {
    let case = json_response(
        r#"{"blockType": "response", "isCollection": true, "truncated": true}"#,
        &json!({"value": [{"id": "1"}]}),
    );
    assert!(run(&case, &json!({"value": [{"id": "1"}, {"id": "2"}]})).passed());
    let verdict = run(&case, &json!({"value": {"id": "1"}}));
    assert_eq!(found(&verdict), [("/value", K::WrongType)]);

    // The example shows no collection at all: it still has to be there.
    let case = json_response(
        r#"{"blockType": "response", "isCollection": true, "collectionProperty": "items", "truncated": true}"#,
        &json!({}),
    );
    assert!(run(&case, &json!({"items": []})).passed());
    assert_eq!(
        found(&run(&case, &json!({"value": []}))),
        [("/items", K::MissingProperty)]
    );
}

#[test]
fn schema_violation_becomes_a_violation_with_its_pointer() {
    let case = json_response(
        r#"{"blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.event"}"#,
        &json!({"id": "1", "subject": "Plan"}),
    );
    let schemas = repo_schemas();
    let phone = |language: Value| json!({"id": "2", "subject": "Plan", "onlineMeeting": {"phones": [{"number": "1", "language": language}]}});
    let ok = check(&case, &actual(200, &phone(json!("en-US"))), &schemas);
    assert!(ok.passed(), "{:?}", ok.violations);
    let verdict = check(&case, &actual(200, &phone(json!(9))), &schemas);
    assert_eq!(
        found(&verdict),
        [("/onlineMeeting/phones/0/language", K::Schema)]
    );
    let v = &verdict.violations[0];
    assert_eq!(v.actual, "9");
    assert!(v.expected.contains("microsoft.graph.event"), "{v:?}");
    assert!(v.message.contains("string"), "{v:?}");
}

#[test]
fn schema_type_comes_from_the_body_when_the_annotation_has_none() {
    let case = json_response(
        TRUNCATED,
        &json!({"@odata.type": "#microsoft.graph.workbookChartPoint", "id": "1"}),
    );
    let schemas = beta_schemas();
    assert!(check(
        &case,
        &actual(200, &json!({"id": "1", "value": [1]})),
        &schemas
    )
    .passed());
    let verdict = check(
        &case,
        &actual(200, &json!({"id": "1", "colour": "red"})),
        &schemas,
    );
    // Services ship properties before the metadata: a warning, failing only under --strict.
    assert!(verdict.passed());
    assert_eq!(found(&verdict), [("/colour", K::UndeclaredProperty)]);
    assert_eq!(verdict.warnings[0].actual, "\"red\"");
    assert!(!verdict.strict().passed());
}

#[test]
fn each_collection_item_is_validated_against_the_schema() {
    let case = json_response(
        r#"{"blockType": "response", "isCollection": true, "truncated": true, "@odata.type": "microsoft.graph.workbookChartPoint"}"#,
        &json!({"value": [{"id": "1"}]}),
    );
    let schemas = beta_schemas();
    let good = json!({"value": [{"id": "1", "value": 1}, {"id": "2"}]});
    assert!(check(&case, &actual(200, &good), &schemas).passed());
    let bad = json!({"value": [{"id": "1"}, {"id": 2}]});
    let verdict = check(&case, &actual(200, &bad), &schemas);
    assert_eq!(
        found(&verdict),
        [("/value/1/id", K::WrongType), ("/value/1/id", K::Schema)]
    );
}

#[test]
fn nullable_relaxes_the_schema_too() {
    let case = json_response(
        r#"{"blockType": "response", "truncated": true, "nullableProperties": ["id"], "@odata.type": "microsoft.graph.workbookChartPoint"}"#,
        &json!({"id": "1"}),
    );
    let verdict = check(&case, &actual(200, &json!({"id": null})), &repo_schemas());
    assert!(verdict.passed(), "{:?}", verdict.violations);
}

#[test]
fn expect_error_wants_an_error_status_and_an_odata_error() {
    let case = case_of(
        r#"{"blockType": "response", "expectError": true}"#,
        "HTTP/1.1 404 Not Found\nContent-Type: application/json\n\n{\"error\": {\"code\": \"NotFound\", \"message\": \"gone\"}}",
    );
    let error = json!({"error": {"code": "itemNotFound", "message": "x", "innerError": {}}});
    assert!(check(&case, &actual(400, &error), &Schemas::empty()).passed());
    assert!(check(&case, &actual(503, &error), &Schemas::empty()).passed());

    let verdict = check(&case, &actual(200, &json!({"id": "1"})), &Schemas::empty());
    assert_eq!(
        found(&verdict),
        [("", K::Status), ("/error", K::NotODataError)]
    );
    let verdict = check(
        &case,
        &actual(404, &json!({"error": {"code": 1}})),
        &Schemas::empty(),
    );
    assert_eq!(
        found(&verdict),
        [
            ("/error/code", K::NotODataError),
            ("/error/message", K::NotODataError)
        ]
    );
}

#[test]
fn a_body_that_is_not_json_is_one_violation() {
    let case = json_response(PLAIN, &json!({"id": "1"}));
    let mut response = actual(200, &json!(null));
    response.body = b"<html>oops</html>".to_vec();
    let verdict = check(&case, &response, &Schemas::empty());
    assert_eq!(found(&verdict), [("", K::NotJson)]);
    assert!(
        verdict.violations[0].message.contains("line 1"),
        "{verdict:?}"
    );
    response.body.clear();
    assert_eq!(
        found(&check(&case, &response, &Schemas::empty())),
        [("", K::MissingBody)]
    );
}

#[test]
fn a_cut_body_is_reported_not_parsed() {
    let case = json_response(PLAIN, &json!({"id": "1"}));
    let mut response = actual(200, &json!({"id": "1"}));
    response.body.truncate(4);
    response.body_cut = true;
    assert_eq!(
        found(&check(&case, &response, &Schemas::empty())),
        [("", K::BodyCut)]
    );
}

#[test]
fn a_text_body_is_not_compared() {
    let case = case_of(PLAIN, "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nhello");
    let mut response = actual(200, &json!(null));
    response.headers = vec![("Content-Type".into(), "text/plain".into())];
    response.body = b"bye".to_vec();
    assert!(check(&case, &response, &Schemas::empty()).passed());
}

#[test]
fn truncated_diff_cuts_the_actual_body_to_the_documented_keys() {
    let case = json_response(
        TRUNCATED,
        &json!({"value": [{"id": "1", "name": "a"}], "b": 1}),
    );
    let verdict = run(
        &case,
        &json!({"value": [{"id": 1, "name": "a", "x": 0}, {"id": "2", "name": "b"}], "b": 1, "@odata.context": "c"}),
    );
    assert_eq!(found(&verdict), [("/value/0/id", K::WrongType)]);
    let diff = verdict.diff.unwrap();
    assert_eq!(diff.extra_keys, ["/value/0/x"]);
    assert_eq!(diff.notes, ["/value: 1 of 2 items shown, as documented"]);
    assert_eq!(
        diff.actual,
        "{\n  \"b\": 1,\n  \"value\": [\n    {\n      \"id\": 1,\n      \"name\": \"a\"\n    }\n  ]\n}"
    );
    let text = diff.unified(false);
    assert!(text.starts_with("-documented\n+actual\n"), "{text}");
    assert!(text.contains("-      \"id\": \"1\","), "{text}");
    assert!(text.contains("+      \"id\": 1,"), "{text}");
    assert!(!text.contains('\x1b'));
    assert!(diff.unified(true).contains("\x1b[31m"));
}

#[test]
fn violations_serialise_with_kebab_case_kinds() {
    let v = Violation::new("/a", K::MissingProperty, "string", "absent", "m");
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["kind"], "missing-property");
    assert_eq!(json["pointer"], "/a");
    assert_eq!(
        serde_json::to_value(K::ODataType).unwrap(),
        K::ODataType.as_str()
    );
    assert_eq!(
        serde_json::to_value(K::NotODataError).unwrap(),
        "not-odata-error"
    );
}

#[test]
fn pointers_escape_slash_and_tilde() {
    let case = json_response(PLAIN, &json!({"a/b": {"c~d": 1}}));
    let verdict = run(&case, &json!({"a/b": {"c~d": "x"}}));
    assert_eq!(found(&verdict), [("/a~1b/c~0d", K::WrongType)]);
}

#[test]
fn violations_point_at_the_documented_line_of_their_property() {
    let case = json_response(PLAIN, &json!({"a": "id", "value": [{"id": 1}], "id": "1"}));
    let verdict = run(&case, &json!({"a": "id", "value": [{"id": 1}], "id": null})).strict();
    assert_eq!(found(&verdict), [("/id", K::UnexpectedNull)]);
    assert!(verdict.violations[0].message.contains("nullableProperties"));
    let documented = case.response.as_ref().unwrap();
    let line = documented
        .body_text
        .lines()
        .position(|l| l.contains("\"id\": \"1\""));
    assert_eq!(
        verdict.violations[0].documented_line,
        Some(documented.body_line + line.unwrap())
    );
}

#[test]
fn schemas_and_verdicts_cross_threads() {
    // The runner checks responses on many tasks against one shared set of schemas.
    fn shareable<T: Send + Sync>() {}
    shareable::<Schemas>();
    shareable::<Verdict>();
}

/// A closed `thing` type with an `id`: what a documented single entity is checked against.
fn thing_schemas() -> Schemas {
    let mut schemas = Schemas::empty();
    schemas
        .add(
            std::path::PathBuf::from("microsoft.graph.thing.json"),
            json!({"type": "object", "properties": {"id": {"type": "string"}}, "unevaluatedProperties": false}),
        )
        .unwrap();
    schemas
}

#[test]
fn a_single_entity_wrapped_in_value_is_checked_as_the_collection_it_is() {
    let body = json!({"value": [{"id": "1"}]});
    let case = json_response(
        r#"{"blockType": "response", "@odata.type": "microsoft.graph.thing"}"#,
        &body,
    );
    let (shape, mismatch) = case.body_shape();
    assert_eq!(shape, crate::case::BodyShape::Collection("value".into()));
    assert!(mismatch.unwrap().contains("add `\"isCollection\": true`"));
    // No `value` is not a property of thing warning: the one problem is lint's error.
    let verdict = check(&case, &actual(200, &body), &thing_schemas());
    assert_eq!(found(&verdict), []);
    let lint = crate::lint::lint_case(&case, &thing_schemas());
    let rules: Vec<&str> = lint.iter().map(|f| f.rule.name()).collect();
    assert_eq!(rules, ["collection-mismatch"]);
}

#[test]
fn is_collection_over_one_object_says_the_annotation_and_body_disagree() {
    let body = json!({"id": "1"});
    let case = json_response(
        r#"{"blockType": "response", "@odata.type": "microsoft.graph.thing", "isCollection": true}"#,
        &body,
    );
    // Not "/value is missing": the body is one thing, and lint says the annotation is wrong.
    let verdict = check(&case, &actual(200, &body), &thing_schemas());
    assert_eq!(found(&verdict), []);
    let lint = crate::lint::lint_case(&case, &thing_schemas());
    assert_eq!(lint.len(), 1, "{lint:?}");
    assert_eq!(lint[0].rule, "collection-mismatch");
    assert_eq!(lint[0].severity, crate::finding::Severity::Error);
}
