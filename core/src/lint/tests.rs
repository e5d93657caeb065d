use super::*;
use crate::case::cases_of_page;
use crate::doc::parse_page;

fn lint_text(text: &str) -> Vec<Finding> {
    let page = parse_page("p.md", text);
    let cases = cases_of_page(&page, Some("v1.0"));
    let view = PageView {
        file: "p.md",
        text,
        page: &page,
        cases: &cases,
    };
    let mut findings = lint_page(&view);
    for case in &cases {
        findings.extend(lint_case(case, &Schemas::empty()));
    }
    findings.extend(page.findings.iter().cloned());
    findings
}

fn rules(findings: &[Finding]) -> Vec<(&'static str, usize)> {
    let mut rules: Vec<_> = findings.iter().map(|f| (f.rule.name(), f.line)).collect();
    rules.sort();
    rules
}

#[test]
fn front_matter_that_is_not_yaml_is_an_error_at_its_line() {
    let text = "---\ntitle: ok\ndescription: [unclosed\n---\n```http\nGET /me\n```\n";
    let findings = lint_text(text);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].rule, "front-matter");
    assert!(findings[0].line >= 3, "{:?}", findings[0]);
    assert!(findings[0]
        .message
        .starts_with("front matter is not valid YAML"));
}

#[test]
fn todo_markers_and_generator_urls() {
    let text = "|Application|**TODO: Determine scopes **|\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nPOST ** Collection URI for microsoft.graph.x not found\n```\n";
    assert_eq!(rules(&lint_text(text)), [("generator-url", 4), ("todo", 1)]);
}

#[test]
fn content_length_that_disagrees_with_the_body() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /me/x\nContent-length: 99\nContent-Type: application/json\n\n{\"a\": 1}\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-Length: 8\n\n{\"a\": 1}\n```\n";
    let findings = lint_text(text);
    assert_eq!(rules(&findings), [("content-length", 4)]);
    assert!(
        findings[0]
            .message
            .contains("Content-length: 99 disagrees with its body, which has 8 bytes"),
        "{}",
        findings[0]
    );
}

#[test]
fn annotation_problems() {
    let text = "<!-- { \"blockType\": \"sample\" } -->\n```json\n{}\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n```\n<!-- { \"blockType\": \"request\", } -->\n```http\nGET /me\n```\n<!-- { \"blockType\": \"request\" \"name\": 1 } -->\n```http\nGET /me\n```\n";
    assert_eq!(
        rules(&lint_text(text)),
        [
            ("annotation-syntax", 13),
            ("lenient-annotation", 9),
            ("request-without-response", 10),
            ("response-without-request", 5),
            ("unknown-block-type", 1)
        ]
    );
}

#[test]
fn lenient_and_invalid_json_bodies() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /me/x\n\n{\n  \"a\": 1,\n}\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"value\": [ ... ]\n}\n```\n";
    let findings = lint_text(text);
    assert_eq!(
        rules(&findings),
        [
            ("invalid-json", 15),
            // The trailing comma's own line, not the `}` after it.
            ("lenient-json", 6),
            ("missing-content-type", 5)
        ]
    );
    let invalid = findings.iter().find(|f| f.rule == "invalid-json").unwrap();
    assert_eq!(invalid.severity, crate::finding::Severity::Error);
}

#[test]
fn a_body_on_204_is_reported() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /x/publish\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n\n{\n}\n```\n";
    assert_eq!(rules(&lint_text(text)), [("body-with-no-content", 9)]);
}

#[test]
fn a_schema_finding_in_a_collection_item_points_at_that_item_line() {
    let schemas =
        Schemas::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas"))
            .unwrap();
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /users\n```\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.user\", \"isCollection\": true, \"truncated\": true } -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\n  \"value\": [\n    { \"accountEnabled\": true },\n    {\n      \"accountEnabled\": \"yes\"\n    }\n  ]\n}\n```\n";
    let page = parse_page("p.md", text);
    let cases = cases_of_page(&page, Some("v1.0"));
    let findings: Vec<Finding> = lint_case(&cases[0], &schemas)
        .into_iter()
        .filter(|f| f.rule == "schema")
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let line = text.lines().position(|l| l.contains("\"yes\"")).unwrap() + 1;
    assert_eq!(findings[0].line, line, "{findings:?}");
    assert!(
        findings[0].message.starts_with("/value/1: "),
        "{findings:?}"
    );
}

#[test]
fn a_response_typed_with_at_type_is_validated_against_that_type() {
    let dir = tempfile::tempdir().unwrap();
    let schemas_dir = dir.path().join("schemas");
    std::fs::create_dir_all(&schemas_dir).unwrap();
    std::fs::write(
        schemas_dir.join("microsoft.graph.site.json"),
        r#"{"type": "object", "properties": {"id": {"type": "string"}}, "unevaluatedProperties": false}"#,
    )
    .unwrap();
    let mut schemas = Schemas::load(&schemas_dir).unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    let page = "<!-- { \"blockType\": \"request\", \"name\": \"get_site\" } -->\n```http\nGET /sites/root\n```\n<!-- { \"blockType\": \"response\", \"@type\": \"microsoft.graph.site\" } -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\", \"nmae\": \"typo\"}\n```\n";
    std::fs::write(pages.join("site-get.md"), page).unwrap();
    let (_, findings) = lint(&pages, &[], &mut schemas).unwrap();
    let schema: Vec<&Finding> = findings.iter().filter(|f| f.rule == "schema").collect();
    assert_eq!(schema.len(), 1, "{findings:#?}");
    assert!(schema[0].message.contains("'nmae'"), "{}", schema[0]);
    assert_eq!(schema[0].line, 10);
}

#[test]
fn a_response_after_an_ignored_request_is_a_note_and_its_message_is_still_checked() {
    let text = "<!-- { \"blockType\": \"ignored\" } -->\n```http\nGET /me\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-Length: 99\n\n{}\n```\n";
    let findings = lint_text(text);
    assert_eq!(
        rules(&findings),
        [("content-length", 8), ("ignored-request", 5)]
    );
    let note = findings
        .iter()
        .find(|f| f.rule == "ignored-request")
        .unwrap();
    assert_eq!(note.severity, crate::finding::Severity::Note);
    assert!(
        note.message.contains("(line 2) is marked `ignored`"),
        "{note}"
    );
}

#[test]
fn an_unannotated_http_example_is_named_so_the_writer_knows_nothing_tests_it() {
    let text = "# Example\n\n```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n```http\nHTTP/1.1 200 OK\n```\n\n## HTTP request\n\n```http\nGET /users/{id}\n```\n";
    let findings = lint_text(text);
    assert_eq!(rules(&findings), [("missing-annotation", 3)]);
    assert!(
        findings[0].message.contains("response at line 7"),
        "{}",
        findings[0]
    );
}

#[test]
fn invalid_json_in_a_resource_block_is_an_error() {
    let text = "<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.thing\" } -->\n```json\n{\n  \"id\": \"string\",\n  {\n}\n```\n";
    assert_eq!(rules(&lint_text(text)), [("invalid-json", 5)]);
}

#[test]
fn a_response_split_over_two_fences_is_an_error_and_the_case_gets_its_body() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /me\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n```\n```json\n{ \"id\": \"1\" }\n```\n";
    let findings = lint_text(text);
    assert_eq!(rules(&findings), [("split-response", 6)]);
    assert!(findings[0].message.contains("(line 10)"), "{}", findings[0]);
    let page = parse_page("p.md", text);
    let case = &cases_of_page(&page, Some("v1.0"))[0];
    let body = case.response.as_ref().unwrap().body.json().unwrap();
    assert_eq!(body["id"], "1");
    assert_eq!(case.response_body_line, Some(10));
}
