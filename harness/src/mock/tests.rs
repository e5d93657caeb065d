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
    let server = start(mock, "127.0.0.1:0".parse().unwrap(), false)
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
