//! HTTP as documentation writes it, and the few HTTP rules every stage shares.
//!
//! Messages: a start line, headers, a blank line, a body ([`parse_request`],
//! [`parse_response`]). Rules: which methods write ([`Method::is_write`]) and which may be
//! repeated ([`Method::is_idempotent`]), which statuses carry no body ([`status_has_no_body`]),
//! and where a collection's items sit ([`COLLECTION_PROPERTY`]).
//!
//! Written by hand rather than with an HTTP parser because documented messages are not wire
//! messages: URLs hold spaces (`{id | userPrincipalName}`), the blank line before the body is
//! often missing, and line endings are whatever the author's editor used.

use crate::json::{parse_lenient, JsonError, Strictness};
use crate::text::shorten;
use serde::Serialize;
use serde_json::Value;

/// A documented header, with the page line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The name as written (`Content-type`).
    pub name: String,
    /// The value, trimmed.
    pub value: String,
    /// 1-based page line.
    pub line: usize,
}

/// A documented message body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body, or only whitespace.
    Empty,
    /// A JSON body; `strictness` says whether it needed the lenient reader.
    Json {
        /// The parsed value, keys in documented order.
        value: Value,
        /// Whether the text was strict JSON.
        strictness: Strictness,
    },
    /// Anything else. `json_error` is set when the body looked like JSON but is not.
    Text {
        /// The body as written.
        text: String,
        /// Why the body is not JSON (position relative to the page), when it was meant to be.
        json_error: Option<JsonError>,
    },
}

impl Body {
    /// The JSON value, when the body is JSON.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Body::Json { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// The request methods a documented request may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
    /// `HEAD`.
    Head,
    /// `OPTIONS`.
    Options,
}

impl Method {
    /// Every method, in the order the parser tries them.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
    ];

    /// The method named `name`, whatever its case (`get`, `Get`, `GET`).
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// The upper-case name, as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// True for the methods that change something on the service: never sent to a remote
    /// target unless writes are allowed.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Method::Post | Method::Put | Method::Patch | Method::Delete
        )
    }

    /// True when sending the request twice has the effect of sending it once (RFC 9110
    /// 9.2.2): only these are repeated after a request may have reached the server.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Method {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Method {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// True for the statuses whose answer has no body (RFC 9110 6.4.1): 1xx, 204 and 304. A page
/// that documents one anyway shows a doc bug, not something to compare.
pub fn status_has_no_body(status: u16) -> bool {
    status < 200 || matches!(status, 204 | 304)
}

/// The property a collection's items sit in when an example's annotation names none
/// (OData JSON: `{"value": [...]}`).
pub const COLLECTION_PROPERTY: &str = "value";

/// Why a documented message cannot be read; the case that holds it is skipped with this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// The block has no text.
    #[error("the {0} block is empty")]
    Empty(&'static str),
    /// The first line does not start with a method.
    #[error("`{0}` does not start with an HTTP method")]
    NoMethod(String),
    /// A method and nothing after it.
    #[error("`{0}` has no URL after the method")]
    NoUrl(String),
    /// The first line of a response is not `HTTP/1.1 200 OK` or the like.
    #[error("the first line `{0}` is not a status line such as `HTTP/1.1 200 OK`")]
    NoStatusLine(String),
}

/// A documented request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The URL exactly as documented (absolute or relative, placeholders and all).
    pub url: String,
    /// `HTTP/1.1` when written.
    pub http_version: Option<String>,
    /// Headers as documented.
    pub headers: Vec<Header>,
    /// The body.
    pub body: Body,
    /// The body exactly as written (empty when there is none).
    pub body_text: String,
    /// 1-based page line where the body starts (the line after the headers).
    pub body_line: usize,
}

/// A documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The reason phrase, possibly empty.
    pub reason: String,
    /// Headers as documented.
    pub headers: Vec<Header>,
    /// The body.
    pub body: Body,
    /// The body exactly as written.
    pub body_text: String,
    /// 1-based page line where the body starts.
    pub body_line: usize,
}

impl Response {
    /// Takes `text`, which starts at page line `body_line`, as the body: for a response whose
    /// body was written in a code block of its own.
    pub fn set_body(&mut self, text: &str, body_line: usize) {
        self.body = read_body(text, &self.headers, body_line);
        self.body_text = text.to_owned();
        self.body_line = body_line;
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

impl Request {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Parses a request block whose first line is page line `first_line`.
pub fn parse_request(content: &str, first_line: usize) -> Result<Request, MessageError> {
    let message = split_message(content, first_line).ok_or(MessageError::Empty("request"))?;
    let start = message.start_line.trim();
    let (method, rest) = start.split_once(char::is_whitespace).unwrap_or((start, ""));
    let Some(method) = Method::parse(method) else {
        return Err(MessageError::NoMethod(shorten(start, 80).into()));
    };
    let rest = rest.trim();
    let (url, http_version) = match rest.rsplit_once(char::is_whitespace) {
        Some((url, version)) if version.starts_with("HTTP/") => {
            (url.trim_end(), Some(version.to_owned()))
        }
        _ => (rest, None),
    };
    if url.is_empty() {
        return Err(MessageError::NoUrl(shorten(start, 80).into()));
    }
    let body = read_body(&message.body, &message.headers, message.body_line);
    Ok(Request {
        method,
        url: url.to_owned(),
        http_version,
        headers: message.headers,
        body,
        body_text: message.body,
        body_line: message.body_line,
    })
}

/// Parses a response block whose first line is page line `first_line`.
pub fn parse_response(content: &str, first_line: usize) -> Result<Response, MessageError> {
    let message = split_message(content, first_line).ok_or(MessageError::Empty("response"))?;
    let start = message.start_line.trim();
    let mut words = start.split_whitespace();
    let protocol = words.next().unwrap_or_default();
    let status = words.next().and_then(|s| s.parse::<u16>().ok());
    let status = match status {
        Some(status) if protocol.starts_with("HTTP") && (100..=599).contains(&status) => status,
        _ => return Err(MessageError::NoStatusLine(shorten(start, 80).into())),
    };
    let reason = words.collect::<Vec<_>>().join(" ");
    let body = read_body(&message.body, &message.headers, message.body_line);
    Ok(Response {
        status,
        reason,
        headers: message.headers,
        body,
        body_text: message.body,
        body_line: message.body_line,
    })
}

struct Message {
    start_line: String,
    headers: Vec<Header>,
    body: String,
    body_line: usize,
}

fn split_message(content: &str, first_line: usize) -> Option<Message> {
    let mut lines = content.split_inclusive('\n').enumerate().peekable();
    let start_line = loop {
        let (index, line) = lines.next()?;
        if !line.trim().is_empty() {
            break (index, line);
        }
    };
    let mut headers = Vec::new();
    let mut body_index = None;
    while let Some(&(index, line)) = lines.peek() {
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.trim().is_empty() {
            lines.next();
            body_index = Some(index + 1);
            break;
        }
        match as_header(trimmed) {
            Some((name, value)) => {
                headers.push(Header {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    line: first_line + index,
                });
                lines.next();
            }
            // No blank line before the body: the first line that is not a header starts it.
            None => {
                body_index = Some(index);
                break;
            }
        }
    }
    let body_index = body_index.unwrap_or(start_line.0 + 1 + headers.len());
    let body: String = lines.map(|(_, line)| line).collect();
    Some(Message {
        start_line: start_line.1.trim_end_matches(['\r', '\n']).to_owned(),
        headers,
        body,
        body_line: first_line + body_index,
    })
}

/// `Name: value` where the name is an RFC 9110 token.
fn as_header(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    is_token.then(|| (name, value.trim()))
}

fn read_body(text: &str, headers: &[Header], body_line: usize) -> Body {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Body::Empty;
    }
    let says_json =
        header(headers, "content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    let looks_json = trimmed.starts_with('{') || trimmed.starts_with('[');
    if !(says_json || looks_json) {
        return Body::Text {
            text: text.to_owned(),
            json_error: None,
        };
    }
    match parse_lenient(text) {
        Ok((value, strictness)) => Body::Json { value, strictness },
        Err(error) => Body::Text {
            text: text.to_owned(),
            json_error: Some(JsonError {
                line: body_line + error.line - 1,
                ..error
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_with_headers_and_body() {
        let r = parse_request("POST https://graph.microsoft.com/v1.0/users HTTP/1.1\nContent-type: application/json\n\n{\"a\": 1}\n", 10).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://graph.microsoft.com/v1.0/users");
        assert_eq!(r.http_version.as_deref(), Some("HTTP/1.1"));
        assert_eq!(
            r.headers,
            [Header {
                name: "Content-type".into(),
                value: "application/json".into(),
                line: 11
            }]
        );
        assert_eq!(r.body.json().unwrap()["a"], 1);
        assert_eq!(r.body_line, 13);
    }

    #[test]
    fn relative_url_with_spaces_in_a_placeholder() {
        let r = parse_request("GET /users/{id | userPrincipalName}\n", 1).unwrap();
        assert_eq!(r.url, "/users/{id | userPrincipalName}");
        assert_eq!(r.body, Body::Empty);
    }

    #[test]
    fn methods_are_read_in_any_case_and_know_their_rules() {
        assert_eq!(
            parse_request("patch /me\n", 1).unwrap().method,
            Method::Patch
        );
        let writes: Vec<&str> = Method::ALL
            .into_iter()
            .filter(|m| m.is_write())
            .map(Method::as_str)
            .collect();
        assert_eq!(writes, ["POST", "PUT", "PATCH", "DELETE"]);
        let repeatable: Vec<&str> = Method::ALL
            .into_iter()
            .filter(|m| m.is_idempotent())
            .map(Method::as_str)
            .collect();
        assert_eq!(repeatable, ["GET", "PUT", "DELETE", "HEAD", "OPTIONS"]);
        assert!([100, 101, 204, 304].into_iter().all(status_has_no_body));
        assert!(![200, 201, 202, 400].into_iter().any(status_has_no_body));
    }

    #[test]
    fn crlf_and_missing_blank_line() {
        let r = parse_response("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n{\r\n  \"id\": \"1\",\r\n}\r\n", 5).unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.reason, "Created");
        assert_eq!(r.headers.len(), 1);
        assert_eq!(r.headers[0].value, "application/json");
        assert_eq!(r.body_line, 7);
        assert!(matches!(
            r.body,
            Body::Json {
                strictness: Strictness::Lenient,
                ..
            }
        ));
    }

    #[test]
    fn not_a_request_line() {
        let error = parse_request("Content-Type: application/json\n", 1).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`Content-Type: application/json` does not start with an HTTP method"
        );
        assert!(matches!(
            parse_request("GET\n", 1),
            Err(MessageError::NoUrl(_))
        ));
        assert!(parse_request("\n\n", 1).is_err());
    }

    #[test]
    fn not_a_status_line() {
        let error = parse_response("{\"a\": 1}\n", 1).unwrap_err();
        assert!(matches!(error, MessageError::NoStatusLine(_)), "{error}");
    }

    #[test]
    fn invalid_json_body_keeps_the_text_and_the_page_position() {
        let r = parse_response(
            "HTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"value\": [ ... ]\n}\n",
            20,
        )
        .unwrap();
        let Body::Text {
            json_error: Some(error),
            ..
        } = &r.body
        else {
            panic!("{:?}", r.body)
        };
        assert_eq!(error.line, 24);
    }

    #[test]
    fn plain_text_body_is_text() {
        let r = parse_response("HTTP/1.1 200 OK\nContent-Type: text/plain\n\nhello\n", 1).unwrap();
        assert_eq!(
            r.body,
            Body::Text {
                text: "hello\n".into(),
                json_error: None
            }
        );
    }
}
