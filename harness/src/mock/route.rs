//! One documented example as a route, and how well an incoming request fits it.

use super::{body_bytes, MockAnswer};
use crate::case::{Case, Request, Response};
use crate::template::{self, Part};
use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::sync::Arc;

/// Headers the mock never repeats from the docs: the server computes them.
const COMPUTED_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

#[derive(Debug)]
pub(super) struct Route {
    pub(super) method: String,
    pub(super) segments: Vec<Segment>,
    /// `GET /v1.0/users/{id}`, for messages.
    pub(super) display: String,
    pub(super) file: String,
    pub(super) line: usize,
    /// Position among all routes: among equally good routes the last documented one answers.
    pub(super) order: usize,
    /// How many characters of the path are literal: `/me/events/delta` beats `/me/events/{id}`.
    literal_len: usize,
    /// Query parameters, names in lower case.
    query: Vec<(String, String)>,
    /// Documented request headers that select a variant (`Prefer`, `Accept-Language`).
    request_headers: Vec<(String, String)>,
    request_body: Option<Value>,
    /// Built once: the mock answers the same bytes every time.
    answer: Arc<MockAnswer>,
}

/// Which path segment the mock indexes routes by: the first after the version.
pub(super) const INDEX_SEGMENT: usize = 1;

/// A path segment: literal text, or literal pieces around placeholders.
#[derive(Debug)]
pub(super) enum Segment {
    Literal(String),
    Pattern(Vec<Piece>),
}

#[derive(Debug)]
pub(super) enum Piece {
    Literal(String),
    Any,
}

/// Request headers that say nothing about which example was meant.
const NEUTRAL_HEADERS: [&str; 5] = [
    "authorization",
    "content-type",
    "content-length",
    "host",
    "accept",
];

/// The parts of an incoming request used to break ties between routes; only built when more
/// than one route matches the path.
pub(super) struct RouteMatch {
    /// Names in lower case.
    query: Vec<(String, String)>,
    /// Headers that may select a variant; names in lower case.
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl RouteMatch {
    pub(super) fn incoming(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> RouteMatch {
        RouteMatch {
            query: query.map(split_query).unwrap_or_default(),
            headers: headers
                .iter()
                .filter(|(name, _)| !NEUTRAL_HEADERS.contains(&name.as_str()))
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: serde_json::from_slice(body).ok(),
        }
    }
}

impl Route {
    pub(super) fn new(
        case: &Case,
        request: &Request,
        response: &Response,
        path_and_query: &str,
        order: usize,
    ) -> Route {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let segments: Vec<Segment> = split_path(path)
            .into_iter()
            .map(|s| Segment::parse(&s))
            .collect();
        let literal_len = segments.iter().map(Segment::literal_len).sum();
        let mut headers: Vec<(String, String)> = response
            .headers
            .iter()
            .filter(|h| {
                !COMPUTED_HEADERS
                    .iter()
                    .any(|c| h.name.eq_ignore_ascii_case(c))
            })
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect();
        if response.body.json().is_some() && response.header("content-type").is_none() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        // HTTP forbids a body on 1xx, 204 and 304; some pages document one anyway (`{}`).
        let body = if case.expect.is_empty
            || response.status < 200
            || matches!(response.status, 204 | 304)
        {
            Vec::new()
        } else {
            body_bytes(&response.body)
        };
        Route {
            method: request.method.clone(),
            display: format!("{} {}", request.method, path),
            file: case.file.clone(),
            line: case.line,
            order,
            literal_len,
            query: split_query(query),
            request_headers: request
                .headers
                .iter()
                .filter(|h| {
                    !NEUTRAL_HEADERS
                        .iter()
                        .any(|n| h.name.eq_ignore_ascii_case(n))
                })
                .map(|h| (h.name.to_ascii_lowercase(), h.value.clone()))
                .collect(),
            request_body: request.body.json().cloned(),
            answer: Arc::new(MockAnswer::new(
                response.status,
                headers,
                body.into(),
                Some(case.id.clone()),
            )),
            segments,
        }
    }

    /// The first literal segment after the version (`users` in `/v1.0/users/{id}`), the key
    /// of the mock's index; `None` when that segment has a placeholder or the path is shorter.
    pub(super) fn index_segment(&self) -> Option<&str> {
        match self.segments.get(INDEX_SEGMENT) {
            Some(Segment::Literal(text)) => Some(text),
            _ => None,
        }
    }

    pub(super) fn matches(&self, incoming: &[String]) -> bool {
        self.segments
            .iter()
            .zip(incoming)
            .all(|(segment, text)| segment.matches(text))
    }

    /// Higher is better: literal specificity first, then request body, headers, query.
    pub(super) fn score(&self, incoming: &RouteMatch) -> (usize, i64, i64, i64) {
        let body = match (&self.request_body, &incoming.body) {
            (Some(Value::Object(documented)), Some(Value::Object(actual))) => likeness(
                documented.iter().map(|(k, v)| (k.as_str(), v)),
                actual.iter().map(|(k, v)| (k.as_str(), v)),
            ),
            (Some(documented), Some(actual)) => i64::from(documented == actual) * 3,
            (None, None) => 1,
            _ => 0,
        };
        let query = likeness(as_refs(&self.query), as_refs(&incoming.query));
        let headers = likeness(as_refs(&self.request_headers), as_refs(&incoming.headers));
        (self.literal_len, body, headers, query)
    }

    pub(super) fn answer(&self) -> Arc<MockAnswer> {
        Arc::clone(&self.answer)
    }
}

impl Segment {
    fn parse(text: &str) -> Segment {
        if !text.contains('{') {
            return Segment::Literal(text.to_lowercase());
        }
        let pieces = template::parts(text)
            .map(|part| match part {
                Part::Text(text) => Piece::Literal(text.to_lowercase()),
                Part::Placeholder(_) => Piece::Any,
            })
            .collect();
        Segment::Pattern(pieces)
    }

    fn literal_len(&self) -> usize {
        match self {
            Segment::Literal(text) => text.len() + 1,
            Segment::Pattern(pieces) => pieces
                .iter()
                .map(|p| {
                    if let Piece::Literal(t) = p {
                        t.len()
                    } else {
                        0
                    }
                })
                .sum(),
        }
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Segment::Literal(literal) => literal == text,
            Segment::Pattern(pieces) => glob(pieces, text),
        }
    }
}

/// Borrowed `(name, value)` pairs, the shape [`likeness`] takes.
fn as_refs(pairs: &[(String, String)]) -> Vec<(&str, &String)> {
    pairs.iter().map(|(n, v)| (n.as_str(), v)).collect()
}

/// How alike a documented set of named values is to an incoming one: an equal value counts 3,
/// a present but different one 1, a missing one -1, and each name the docs do not show -1.
fn likeness<'a, V: PartialEq + 'a>(
    documented: impl IntoIterator<Item = (&'a str, &'a V)>,
    incoming: impl IntoIterator<Item = (&'a str, &'a V)>,
) -> i64 {
    let documented: Vec<(&str, &V)> = documented.into_iter().collect();
    let incoming: Vec<(&str, &V)> = incoming.into_iter().collect();
    let shown: i64 = documented
        .iter()
        .map(
            |(name, value)| match incoming.iter().find(|(n, _)| n == name) {
                Some((_, v)) if v == value => 3,
                Some(_) => 1,
                None => -1,
            },
        )
        .sum();
    let unshown = incoming
        .iter()
        .filter(|(n, _)| !documented.iter().any(|(m, _)| m == n))
        .count();
    shown - unshown as i64
}

/// Matches literal pieces in order, each `Any` taking the shortest text that lets the rest fit.
fn glob(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Literal(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|t| glob(rest, t)),
        Some((Piece::Any, rest)) => text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .any(|i| glob(rest, &text[i..])),
    }
}

/// Path segments, percent-decoded and lower-cased (Graph paths are case-insensitive).
pub(super) fn split_path(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().to_lowercase())
        .collect()
}

/// Decoded `(name, value)` pairs, names in lower case.
fn split_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(name).to_ascii_lowercase(), decode(value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_placeholders_inside_segments() {
        let segment = Segment::parse("range(address='{address}')");
        assert!(segment.matches("range(address='a1:b2')"));
        assert!(!segment.matches("range(rows=1)"));
        assert!(Segment::parse("{id}").matches("anything"));
        assert!(Segment::parse("root:{path}:").matches("root:folder:"));
    }

    #[test]
    fn paths_are_decoded_and_case_folded() {
        assert_eq!(
            split_path("/v1.0/Users/%7Bid%7D/"),
            ["v1.0", "users", "{id}"]
        );
    }
}
