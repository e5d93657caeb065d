//! One documented example as a route, and how well an incoming request fits it.

use super::{body_bytes, MockAnswer};
use crate::case::Case;
use crate::http::{status_has_no_body, Method, Request, Response, COLLECTION_PROPERTY};
use crate::template::{self, Part};
use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct Route {
    pub(super) method: Method,
    pub(super) segments: Vec<Segment>,
    /// `GET /v1.0/users/{id}`, for messages.
    pub(super) display: String,
    pub(super) file: String,
    pub(super) line: usize,
    /// Position among all routes: among equally good routes the last documented one answers.
    pub(super) order: usize,
    /// How many characters of the path are literal: `/me/events/delta` beats `/me/events/{id}`.
    /// An id segment counts only when the request shows that very id.
    literal_len: usize,
    /// Query parameters, names in lower case.
    pub(super) query: Vec<(String, String)>,
    /// Documented request headers that select a variant (`Prefer`, `Accept-Language`).
    request_headers: Vec<(String, String)>,
    pub(super) request_body: Option<Value>,
    /// What the mock holds an incoming request to ([`super::validate`]).
    pub(super) rules: RequestRules,
    /// The property holding a collection's items, for `$top` and `$select`.
    pub(super) collection_property: String,
    /// The documented answer's type (`@type`, `@odata.type`) and its alias, and whether it
    /// is a collection of them, for [`super::Mock::repairing`].
    pub(super) answer_type: Option<(String, Option<String>, bool)>,
    /// Built once: the mock answers the same bytes every time.
    answer: Arc<MockAnswer>,
}

/// What the documented request shows about its body, for request validation.
#[derive(Debug, Default)]
pub(super) struct RequestRules {
    /// The docs send a `Content-Type` header.
    pub(super) content_type: bool,
    /// The docs send a JSON body (parsed, or marked JSON by its `Content-Type`).
    pub(super) json: bool,
    /// The documented body as written, trimmed: sending it back is always accepted.
    pub(super) text: String,
    /// The documented JSON body as strict JSON, which is what `contract run` sends: compared
    /// byte for byte before anything is parsed.
    pub(super) strict: Vec<u8>,
    /// The documented request body's own `@odata.type`.
    pub(super) documented_type: Option<String>,
    /// For a create or an update, the documented response's type
    /// ([`Case::inferred_request_type`]); whether it applies is decided with the schemas
    /// ([`crate::case::request_body_type`]).
    pub(super) inferred_type: Option<String>,
    /// The API version, which picks the schemas.
    pub(super) version: String,
    /// `page:line` of the request, for messages.
    pub(super) at: crate::finding::Loc,
}

/// Which path segment the mock indexes routes by: the first after the version.
pub(super) const INDEX_SEGMENT: usize = 1;

/// A path segment: literal text, an id that stands for any id of its kind, or literal pieces
/// around placeholders.
#[derive(Debug)]
pub(super) enum Segment {
    Literal(String),
    Id(String, IdKind),
    Pattern(Vec<Piece>),
}

/// The kinds of id a documented literal may stand for. Graph's docs show real-looking ids
/// (`b320ee12-…`, `AAMkAGI5…=`); a client asks for its own, of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdKind {
    /// `02bd9fd6-8f93-4758-87c3-1fb73740a315`.
    Guid,
    /// `42`.
    Integer,
    /// An OData key literal: `'contoso.com'`.
    Quoted,
    /// A long opaque token: 16 or more characters of a base64 or URL-safe alphabet with at
    /// least 4 digits or a trailing `=` (`AAMkADhAAATs28OAAA=`, `01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K`).
    Token,
    /// A Teams chat or channel id: `19:…@thread.v2`, `19:…@unq.gbl.spaces`.
    Thread,
    /// A SharePoint site id: `contoso.sharepoint.com,{guid},{guid}`.
    Site,
    /// A mail address or user principal name: `AdeleV@contoso.com`.
    Mail,
    /// A key the request annotation lists in `sampleKeys` whose shape is none of the above.
    Any,
}

impl IdKind {
    /// The kind of a (decoded, lower-cased) segment, when it looks like an id.
    pub(super) fn of(text: &str) -> Option<IdKind> {
        if is_guid(text) {
            Some(IdKind::Guid)
        } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            Some(IdKind::Integer)
        } else if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
            Some(IdKind::Quoted)
        } else if is_token(text)
            && (text.ends_with('=') || text.bytes().filter(u8::is_ascii_digit).count() >= 4)
        {
            Some(IdKind::Token)
        } else if text.starts_with("19:") && text.contains('@') {
            Some(IdKind::Thread)
        } else if is_site_id(text) {
            Some(IdKind::Site)
        } else if is_mail(text) {
            Some(IdKind::Mail)
        } else {
            None
        }
    }

    /// True when `text` is an id of this kind.
    fn accepts(self, text: &str) -> bool {
        match self {
            IdKind::Guid => is_guid(text),
            IdKind::Any => !text.is_empty(),
            // A client's own token need not look as random as the documented one.
            IdKind::Token => text.len() >= 8 && is_token_alphabet(text),
            kind => IdKind::of(text) == Some(kind),
        }
    }
}

fn is_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `host,guid,guid`.
fn is_site_id(text: &str) -> bool {
    let parts: Vec<&str> = text.split(',').collect();
    matches!(parts.as_slice(), [host, a, b] if host.contains('.') && is_guid(a) && is_guid(b))
}

/// `name@domain.tld`, nothing a path or a key would hold.
fn is_mail(text: &str) -> bool {
    match text.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !text.contains(['/', ':', '\'', '(', ')', '{', ',', ' '])
        }
        None => false,
    }
}

fn is_token(text: &str) -> bool {
    text.len() >= 16 && is_token_alphabet(text)
}

fn is_token_alphabet(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_=+.!,:%".contains(&b))
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
        let segments = segments_of(path, &case.sample_keys);
        let literal_len = segments.iter().map(Segment::literal_len).sum();
        let headers = answer_headers(case, response);
        // HTTP forbids a body on 1xx, 204 and 304; some pages document one anyway (`{}`).
        let body = if case.expect.is_empty || status_has_no_body(response.status) {
            Vec::new()
        } else {
            // "Binary data for the image" is what a page shows; a client needs an image.
            match response.header("content-type").and_then(super::image_of) {
                Some(image) => image.to_vec(),
                None => body_bytes(&response.body),
            }
        };
        Route {
            rules: RequestRules::of(case, request),
            collection_property: case
                .expect
                .collection_property
                .clone()
                .unwrap_or_else(|| COLLECTION_PROPERTY.to_owned()),
            method: request.method,
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
            answer_type: case.expect.odata_type.clone().map(|t| {
                (
                    t,
                    case.expect.odata_type_aka.clone(),
                    case.expect.is_collection,
                )
            }),
            answer: Arc::new(MockAnswer::new(
                response.status,
                headers,
                body.into(),
                Some(case.id.clone()),
            )),
            segments,
        }
    }

    /// Replaces the answer's body with `body`, saying in `x-contract-findings` what changed.
    pub(super) fn replace_body(&mut self, body: Vec<u8>, said: String) {
        let answer = &self.answer;
        let mut headers = answer.headers.clone();
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-contract-findings"))
        {
            Some((_, value)) => *value = format!("{value}; {said}"),
            None => headers.push(("x-contract-findings".into(), said)),
        }
        let mut replaced =
            MockAnswer::new(answer.status, headers, body.into(), answer.case_id.clone());
        replaced.note = answer.note.clone();
        self.answer = Arc::new(replaced);
    }

    /// The version and the first literal segment after it (`v1.0` and `users` in
    /// `/v1.0/users/{id}`), the keys of the mock's index; each `None` when it is not a literal
    /// (the version always is: the mock puts it there) or the path is shorter.
    pub(super) fn index_segments(&self) -> (Option<&str>, Option<&str>) {
        let literal = |index: usize| match self.segments.get(index) {
            Some(Segment::Literal(text)) => Some(text.as_str()),
            _ => None,
        };
        (literal(0), literal(INDEX_SEGMENT))
    }

    pub(super) fn matches(&self, incoming: &[String]) -> bool {
        self.segments
            .iter()
            .zip(incoming)
            .all(|(segment, text)| segment.matches(text))
    }

    /// Higher is better: literal specificity first (an id segment counting as literal only
    /// when the request shows that id), then fewer ids matched by kind alone, so that a
    /// placeholder route beats another example's id; then request body, headers, query.
    pub(super) fn score(
        &self,
        segments: &[String],
        incoming: &RouteMatch,
    ) -> (usize, i64, i64, i64, i64) {
        let (mut literal_len, mut by_kind) = (self.literal_len, 0);
        for (segment, text) in self.segments.iter().zip(segments) {
            if let Segment::Id(id, _) = segment {
                if id == text {
                    literal_len += id.len() + 1;
                } else {
                    by_kind -= 1;
                }
            }
        }
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
        (literal_len, by_kind, body, headers, query)
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
            Segment::Id(..) => 0,
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
            Segment::Id(id, kind) => id == text || kind.accepts(text),
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

/// Path segments, percent-decoded and lower-cased (Graph paths are case-insensitive). A path
/// address is one segment, however many folders it names: `root:/a/b/c.docx:/content` gives
/// `root:/a/b/c.docx:` and `content`, as `root:/{item-path}:/content` gives
/// `root:/{item-path}:` and `content`.
pub(super) fn split_path(path: &str) -> Vec<String> {
    let mut segments: Vec<String> = Vec::new();
    let mut address: Option<String> = None;
    for segment in path.trim_matches('/').split('/').filter(|s| !s.is_empty()) {
        let segment = percent_decode_str(segment)
            .decode_utf8_lossy()
            .to_lowercase();
        match address.as_mut() {
            Some(open) => {
                open.push('/');
                open.push_str(&segment);
                if segment.ends_with(':') {
                    segments.extend(address.take());
                }
            }
            // `root:` (or `{item-id}:`) opens an address; `19:…@thread.v2` does not, nor does
            // one already whole (`root:%2Fa%2Fb.txt:`, its slashes encoded).
            None if segment.ends_with(':') && !segment.contains(":/") => address = Some(segment),
            None => segments.push(segment),
        }
    }
    segments.extend(address);
    segments
}

/// Decoded `(name, value)` pairs, names in lower case.
pub(super) fn split_query(query: &str) -> Vec<(String, String)> {
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

/// A documented path's segments. The version is never an id; a literal that looks like an id
/// (a GUID, a number) or that the example's `sampleKeys` name stands for any id of its kind.
fn segments_of(path: &str, sample_keys: &[String]) -> Vec<Segment> {
    let sample_keys: Vec<String> = sample_keys.iter().map(|k| k.to_lowercase()).collect();
    split_path(path)
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            if index == 0 {
                return Segment::parse(&text);
            }
            let sample = sample_keys.contains(&text);
            match IdKind::of(&text) {
                Some(kind) if !text.contains('{') => Segment::Id(text, kind),
                None if sample => Segment::Id(text, IdKind::Any),
                // `root:/FolderA/FileB.txt:` stands for `root:/{path}:`: any path.
                _ if !text.contains('{') && text.contains(":/") => {
                    let (start, _) = text.split_once(":/").expect("just checked");
                    let mut pieces = vec![Piece::Literal(format!("{start}:/")), Piece::Any];
                    if text.ends_with(':') {
                        pieces.push(Piece::Literal(":".to_owned()));
                    }
                    Segment::Pattern(pieces)
                }
                _ => match key_call(&text) {
                    // `users('AdeleV@contoso.com')` stands for `users('{key}')`: any key.
                    Some(name) => Segment::Pattern(vec![
                        Piece::Literal(format!("{name}('")),
                        Piece::Any,
                        Piece::Literal("')".to_owned()),
                    ]),
                    None => Segment::parse(&text),
                },
            }
        })
        .collect()
}

/// `users` from `users('…')`: a key given in parentheses, quoted.
fn key_call(text: &str) -> Option<&str> {
    let (name, rest) = text.split_once("('")?;
    (rest.ends_with("')")
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'))
    .then_some(name)
}

/// The documented answer's headers (those the server computes are left out by
/// [`MockAnswer::new`]), with a JSON content type
/// when the page shows JSON without one, and `x-contract-findings` when lint finds fault with
/// the example: a client developer learns that this answer is known to be wrong, and where.
fn answer_headers(case: &Case, response: &Response) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    if response.body.json().is_some() && response.header("content-type").is_none() {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    let errors: Vec<&crate::finding::Finding> = case
        .findings
        .iter()
        .filter(|f| f.severity == crate::finding::Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        headers.push((
            "x-contract-findings".into(),
            format!("{} (see {}:{})", errors.len(), first.file, first.line),
        ));
    }
    headers
}

impl RequestRules {
    /// What the documented request says a request to this route must be.
    fn of(case: &Case, request: &Request) -> RequestRules {
        let json = request.body.json().is_some()
            || (request
                .header("content-type")
                .is_some_and(|v| v.to_ascii_lowercase().contains("json"))
                && !request.body_text.trim().is_empty());
        RequestRules {
            content_type: request.header("content-type").is_some(),
            json,
            text: request.body_text.trim().to_owned(),
            strict: request
                .body
                .json()
                .map(|v| serde_json::to_vec(v).expect("a JSON value serialises"))
                .unwrap_or_default(),
            documented_type: request
                .body
                .json()
                .and_then(|b| b.get("@odata.type"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            inferred_type: case.inferred_request_type().map(str::to_owned),
            version: case.version.clone(),
            at: crate::finding::Loc::new(&case.file, case.line),
        }
    }
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
    fn ids_are_told_by_their_shape() {
        let kind = |text: &str| IdKind::of(&text.to_lowercase());
        assert_eq!(
            kind("02BD9FD6-8f93-4758-87c3-1fb73740a315"),
            Some(IdKind::Guid)
        );
        assert_eq!(kind("42"), Some(IdKind::Integer));
        assert_eq!(kind("'contoso.com'"), Some(IdKind::Quoted));
        assert_eq!(kind("AAMkADhAAATs28OAAA="), Some(IdKind::Token));
        assert_eq!(
            kind("01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K"),
            Some(IdKind::Token)
        );
        for word in [
            "me",
            "users",
            "delta",
            "getOffice365ActiveUserCounts",
            "v1.0",
            "root:",
        ] {
            assert_eq!(kind(word), None, "{word}");
        }
        assert!(IdKind::Guid.accepts("b320ee12-b1cd-4cca-b648-a437be61c5cd"));
        assert!(!IdKind::Guid.accepts("delta"));
        assert!(IdKind::Integer.accepts("7") && !IdKind::Integer.accepts("7a"));
        assert!(IdKind::Token.accepts("aamkagi5mwy5zmuy") && !IdKind::Token.accepts("x"));
        assert!(IdKind::Any.accepts("anything"));
    }

    #[test]
    fn paths_are_decoded_and_case_folded() {
        assert_eq!(
            split_path("/v1.0/Users/%7Bid%7D/"),
            ["v1.0", "users", "{id}"]
        );
    }
}
