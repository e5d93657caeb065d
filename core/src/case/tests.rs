use super::*;
use crate::doc::parse_page;

fn cases(text: &str) -> Vec<Case> {
    cases_of_page(&parse_page("api/thing-get.md", text), Some("v1.0"))
}

const GET_ME: &str = "<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/me\n```\n<!-- { \"blockType\": \"response\", \"truncated\": true, \"@odata.type\": \"#microsoft.graph.User\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"id\": \"1\"}\n```\n";

#[test]
fn a_request_and_its_response_make_a_runnable_case() {
    let cases = cases(GET_ME);
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(case.id, "v1.0::thing_get::get_me");
    assert_eq!(case.line, 2);
    assert_eq!(case.response_line, Some(6));
    assert_eq!(case.expected_status(), Some(200));
    assert!(case.expect.truncated);
    assert_eq!(
        case.expect.odata_type.as_deref(),
        Some("microsoft.graph.User")
    );
    assert!(case.runnable(), "{:?}", case.skip);
}

#[test]
fn response_with_the_same_name_wins_over_position() {
    let text = "<!-- { \"blockType\": \"request\", \"name\": \"a\" } -->\n```http\nGET /a\n```\n<!-- { \"blockType\": \"request\", \"name\": \"b\" } -->\n```http\nGET /b\n```\n<!-- { \"blockType\": \"response\", \"name\": \"b\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n<!-- { \"blockType\": \"response\", \"name\": \"a\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let cases = cases(text);
    assert_eq!(cases[0].expected_status(), Some(200));
    assert_eq!(cases[1].expected_status(), Some(204));
}

#[test]
fn a_response_naming_several_requests_answers_each() {
    let request = |name: &str, url: &str| {
        format!("<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\", \"sampleKeys\": [\"k1\"] }} -->\n```http\nGET {url}\n```\n")
    };
    let text = [
        request("by-id", "/drives/k1"),
        request("by-user", "/users/{id}/drive"),
        request("default", "/me/drive"),
        "<!-- { \"blockType\": \"response\", \"name\": [\"by-id\", \"by-user\", \"default\"] } -->\n```http\nHTTP/1.1 200 OK\n```\n".to_owned(),
        request("other", "/me/drive/root"),
        "<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n".to_owned(),
    ]
    .concat();
    let cases = cases(&text);
    assert_eq!(cases.len(), 4);
    for case in &cases[..3] {
        assert!(case.runnable(), "{}: {:?}", case.id, case.skip);
        assert_eq!(case.expected_status(), Some(200), "{}", case.id);
        assert_eq!(case.response_line, cases[0].response_line);
    }
    assert_eq!(cases[0].sample_keys, ["k1"]);
    // The shared response is not also taken by position.
    assert_eq!(cases[3].expected_status(), Some(204));
}

#[test]
fn a_request_without_a_response_does_not_steal_the_next_one() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /a\n```\n<!-- { \"blockType\": \"request\" } -->\n```http\nGET /b\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let cases = cases(text);
    assert_eq!(cases[0].skip, Some(SkipReason::NoResponse));
    assert_eq!(cases[0].id, "v1.0::thing_get::example_1");
    assert!(cases[1].runnable());
    assert_eq!(cases[1].id, "v1.0::thing_get::example_2");
}

#[test]
fn the_generator_url_is_not_a_url() {
    let text = "<!-- { \"blockType\": \"request\", \"name\": \"x\" } -->\n```http\nPOST https://graph.microsoft.com/localtest** Collection URI for microsoft.graph.x not found\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 201 Created\n```\n";
    let case = &cases(text)[0];
    assert_eq!(
        case.skip.as_ref().unwrap().to_string(),
        "request URL is not a URL: the generator could not find the collection URI"
    );
    assert_eq!(case.request.as_ref().unwrap().method, "POST");
}

#[test]
fn placeholders_are_listed_and_spaces_inside_them_are_fine() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /users/{id | userPrincipalName}/drives/{drive-id}?$top={n}\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let case = &cases(text)[0];
    assert_eq!(
        case.placeholders,
        ["id | userPrincipalName", "drive-id", "n"]
    );
    assert!(case.runnable(), "{:?}", case.skip);
}

#[test]
fn unparseable_request_line_is_skipped() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nSee the example below.\n```\n";
    let case = &cases(text)[0];
    assert!(
        matches!(case.skip, Some(SkipReason::BadRequestLine(_))),
        "{:?}",
        case.skip
    );
    assert!(case.request.is_none());
}

#[test]
fn unreadable_json_response_is_skipped_with_its_position() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /me\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"value\": [ ... ]\n}\n```\n";
    let case = &cases(text)[0];
    let reason = case.skip.as_ref().unwrap().to_string();
    assert!(
        reason.starts_with("documented JSON response cannot be read: "),
        "{reason}"
    );
    assert!(reason.ends_with("at api/thing-get.md:11:14"), "{reason}");
}

#[test]
fn is_empty_response_with_no_body() {
    let text = "<!-- { \"blockType\": \"request\", \"name\": \"del\" } -->\n```http\nDELETE /me/events/{id}\n```\n<!-- { \"blockType\": \"response\", \"isEmpty\": true } -->\n```http\nHTTP/1.1 204 No Content\n```\n";
    let case = &cases(text)[0];
    assert!(case.expect.is_empty);
    assert_eq!(case.expected_status(), Some(204));
    assert!(case.runnable());
}

#[test]
fn flags_come_from_the_response_annotation_then_the_request() {
    let text = "<!-- { \"blockType\": \"request\", \"scopes\": \"User.Read\" } -->\n```http\nGET /users\n```\n<!-- { \"blockType\": \"response\", \"isCollection\": true, \"collectionProperty\": \"items\", \"expectError\": false, \"optionalProperties\": [\"mail\"], \"nullableProperties\": [\"phone\"] } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let case = &cases(text)[0];
    assert!(case.expect.is_collection);
    assert_eq!(case.expect.collection_property.as_deref(), Some("items"));
    assert_eq!(case.expect.scopes, ["User.Read"]);
    assert_eq!(case.expect.optional_properties, ["mail"]);
    assert_eq!(case.expect.nullable_properties, ["phone"]);
}

#[test]
fn version_falls_back_to_the_url() {
    let page = parse_page("x.md", GET_ME);
    assert_eq!(cases_of_page(&page, None)[0].version, "v1.0");
    let relative = GET_ME.replace("https://graph.microsoft.com/v1.0/me", "/me");
    let page = parse_page("x.md", &relative);
    assert_eq!(cases_of_page(&page, None)[0].id, "unversioned::x::get_me");
}

#[test]
fn url_problems() {
    assert_eq!(url_problem("/me/messages"), None);
    assert_eq!(url_problem("me/messages"), None);
    assert_eq!(
        url_problem("https://graph.microsoft.com/v1.0/users/{id}"),
        None
    );
    assert!(url_problem("https://graph.microsoft.com/v1.0/users/ bad")
        .unwrap()
        .contains("space"));
    assert_eq!(url_problem("/users?$filter=name eq 'a b'"), None);
    assert_eq!(url_problem("/me/drive/search(q='Contoso Project')"), None);
    assert!(url_problem("<url>").is_some());
}

#[test]
fn slugs() {
    assert_eq!(
        slug("Create_EducationPointsOutcome_from_"),
        "create_educationpointsoutcome_from_"
    );
    assert_eq!(slug("get user-1"), "get_user_1");
    assert_eq!(
        page_stem("beta/api/workbookchartpoint-post.md"),
        "workbookchartpoint-post"
    );
}

#[test]
fn the_documented_type_falls_back_to_its_aka_where_only_the_aka_has_a_schema() {
    let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /sites/root\n```\n<!-- { \"blockType\": \"response\", \"@type\": \"microsoft.graph.siteX\", \"@type.aka\": \"microsoft.graph.site\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let case = &cases(text)[0];
    let mut schemas = crate::schema::Schemas::empty();
    assert_eq!(
        case.documented_type(&schemas),
        Some("microsoft.graph.siteX")
    );
    schemas
        .add(
            std::path::PathBuf::from("microsoft.graph.site.json"),
            serde_json::json!({"type": "object"}),
        )
        .unwrap();
    assert_eq!(case.documented_type(&schemas), Some("microsoft.graph.site"));
}
