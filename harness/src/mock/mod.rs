//! The embedded mock: a service built from the documented examples, so that a fresh clone can
//! run the whole suite with no service at all, and front-end authors can develop against docs.
//!
//! Routes match on method and path; `{placeholder}` parts of a segment match anything, and a
//! documented id (a GUID, an integer, a quoted key, a long opaque token, or a `sampleKeys`
//! entry) matches any id of its kind when no route shows that very id. The query string only
//! breaks ties. Among equal routes, the example whose request body (then query) best matches
//! the incoming request answers. With schemas ([`Mock::validating`]), a request that breaks
//! its documented shape is refused as the service would refuse it; `$select` and `$top` shape
//! the documented answer.

mod batch;
mod links;
mod made;
mod query;
mod route;
mod serve;
mod state;
mod validate;

pub use serve::{start, MockServer, ServeOptions};
pub(crate) use state::fresh_id;
pub use state::PAGE as CREATED_PAGE;

use crate::case::Case;
use crate::http::Body;
use crate::schema::Schemas;
use crate::send::service_path;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use route::{Route, RouteMatch};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The hasher of the mock's own maps, whose keys clients choose on every request (addresses,
/// queries): SipHash, the standard one, showed in the store's profile. Seeded per process,
/// as hashbrown's default is.
type FastHash = foldhash::fast::RandomState;

/// The documented examples, as routes.
#[derive(Debug, Default)]
pub struct Mock {
    /// Routes by method and number of path segments, then by the first segment after the
    /// version: the cheap first cuts, which leave a handful of routes to match one by one.
    routes: HashMap<(crate::http::Method, usize), Bucket>,
    count: usize,
    /// Set when incoming requests are validated, with the schemas bodies are held to.
    validation: Option<Arc<Schemas>>,
}

/// The routes of one method and path length.
#[derive(Debug, Default)]
struct Bucket {
    /// By the version, then the literal segment after it ([`Route::index_segments`]): pages
    /// of many versions (v1.0, beta, …) do not share one list.
    by_segment: HashMap<String, HashMap<String, Vec<Route>>>,
    /// By the version, routes with a placeholder after it, which any request of this length
    /// and version may match.
    any_segment: HashMap<String, Vec<Route>>,
    /// Routes too short to have a segment after the version.
    short: Vec<Route>,
}

impl Bucket {
    fn candidates<'a>(&'a self, segments: &[String]) -> impl Iterator<Item = &'a Route> {
        let version = segments.first();
        version
            .and_then(|version| self.by_segment.get(version))
            .zip(segments.get(route::INDEX_SEGMENT))
            .and_then(|(by_first, segment)| by_first.get(segment))
            .into_iter()
            .flatten()
            .chain(
                version
                    .and_then(|version| self.any_segment.get(version))
                    .into_iter()
                    .flatten(),
            )
            .chain(&self.short)
    }

    fn all_mut(&mut self) -> impl Iterator<Item = &mut Route> {
        self.by_segment
            .values_mut()
            .flat_map(HashMap::values_mut)
            .flatten()
            .chain(self.any_segment.values_mut().flatten())
            .chain(&mut self.short)
    }

    fn all(&self) -> impl Iterator<Item = &Route> {
        self.by_segment
            .values()
            .flat_map(HashMap::values)
            .flatten()
            .chain(self.any_segment.values().flatten())
            .chain(&self.short)
    }
}

/// What the mock answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockAnswer {
    /// The status code.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// The case whose documented response this is; `None` for the 404 of an unknown route.
    pub case_id: Option<String>,
    /// Why the mock did not answer the documented example as it is (a refused request, a
    /// `$select`), for its log.
    pub note: Option<String>,
    /// `headers` as the server sends them, built once per route.
    wire_headers: HeaderMap,
    /// The body holds `@odata.nextLink` or `@odata.deltaLink`, which the server points at
    /// itself: found once, so that other answers go out untouched.
    links: bool,
    /// The body as a JSON object, parsed the first time the store needs it (every creation
    /// on a route starts from it) and never again.
    object: OnceLock<Option<state::Object>>,
}

impl Mock {
    /// Builds routes from every case that has both a request and a readable response.
    pub fn from_cases<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Mock {
        let mut mock = Mock::default();
        for case in cases {
            let (Some(request), Some(response)) = (&case.request, &case.response) else {
                continue;
            };
            // A request whose scenarios are all disabled is still documented: set-up steps
            // of other scenarios may use it.
            if case
                .skip
                .as_ref()
                .is_some_and(|s| s.kind() != crate::case::SkipKind::ScenariosDisabled)
            {
                continue;
            }
            let Ok(path) = service_path(&request.url, &case.version) else {
                continue;
            };
            let route = Route::new(case, request, response, &path, mock.count);
            let bucket = mock
                .routes
                .entry((route.method, route.segments.len()))
                .or_default();
            match route.index_segments() {
                (Some(version), Some(segment)) => bucket
                    .by_segment
                    .entry(version.to_owned())
                    .or_default()
                    .entry(segment.to_owned())
                    .or_default()
                    .push(route),
                (Some(version), None) => bucket
                    .any_segment
                    .entry(version.to_owned())
                    .or_default()
                    .push(route),
                (None, _) => bucket.short.push(route),
            }
            mock.count += 1;
        }
        mock
    }

    /// Turns on request validation, as Prism does: a request body that is not JSON where the
    /// docs send JSON, or that breaks the schema of its type, gets `400`; a body without the
    /// `Content-Type` the docs send gets `415`. Sending the documented body is always accepted.
    pub fn validating(mut self, schemas: Arc<Schemas>) -> Mock {
        self.validation = Some(schemas);
        self
    }

    /// Answers a schema-valid value where a documented answer breaks its schema (a page's
    /// `"datetime-value"` for a date, `"String"` for an enum member), so that a client's
    /// parser gets what the service would send; `x-contract-findings` says what was replaced
    /// (`contract mock --as-documented` leaves the pages' values). Returns how many answers
    /// changed.
    pub fn repairing(&mut self, schemas: &Schemas) -> usize {
        let mut changed = 0;
        for route in self.routes.values_mut().flat_map(Bucket::all_mut) {
            let Some((odata_type, aka, collection)) = route.answer_type.clone() else {
                continue;
            };
            let answer = route.answer();
            let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
                continue;
            };
            let schemas = schemas.for_version(&route.rules.version);
            let known = [Some(odata_type), aka]
                .into_iter()
                .flatten()
                .find(|t| schemas.knows(t));
            let Some(odata_type) = known else { continue };
            let mut repairs = Vec::new();
            match body.get_mut(&route.collection_property) {
                Some(serde_json::Value::Array(items)) if collection => {
                    for (index, item) in items.iter_mut().enumerate() {
                        for mut repair in schemas.repair(&odata_type, item) {
                            repair.pointer =
                                format!("/{}/{index}{}", route.collection_property, repair.pointer);
                            repairs.push(repair);
                        }
                    }
                }
                _ => repairs = schemas.repair(&odata_type, &mut body),
            }
            if repairs.is_empty() {
                continue;
            }
            let said: Vec<String> = repairs
                .iter()
                .take(3)
                .map(|r| format!("{} {} -> {}", r.pointer, r.was, r.now))
                .collect();
            let more = repairs.len().saturating_sub(3);
            let said = format!(
                "repaired {}{} (the page breaks the {odata_type} schema; --as-documented sends it as written)",
                said.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
            route.replace_body(serde_json::to_vec(&body).expect("JSON serialises"), said);
            changed += 1;
        }
        changed
    }

    /// How many documented examples the mock serves.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no example could be served.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Answers one request. `path` is the percent-encoded path, `query` the raw query string.
    pub fn answer(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Arc<MockAnswer> {
        self.answer_at(method, path, query, headers, body, true)
    }

    /// [`Mock::answer`]; with `other_addresses`, a path no route matches is tried at the other
    /// addresses of the same thing (an item by id, the user's drive), each tried once.
    fn answer_at(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        other_addresses: bool,
    ) -> Arc<MockAnswer> {
        let segments = route::split_path(path);
        let mut matching: Vec<&Route> = crate::http::Method::parse(method)
            .and_then(|method| self.routes.get(&(method, segments.len())))
            .into_iter()
            .flat_map(|bucket| bucket.candidates(&segments))
            .filter(|route| route.matches(&segments))
            .collect();
        // Most paths match one example; the body, headers and query only break ties.
        let best = if matching.len() > 1 {
            let incoming = RouteMatch::incoming(query, headers, body);
            matching
                .into_iter()
                .max_by_key(|route| (route.score(&segments, &incoming), route.order))
        } else {
            matching.pop()
        };
        let Some(route) = best else {
            // An item by path where the pages show it only by id, the drive as `/drive` where
            // they show `/me/drive`: the same thing.
            let mut others = items_by_id(&segments);
            for other in others
                .clone()
                .iter()
                .chain(std::iter::once(&path.to_owned()))
            {
                others.extend(my_drive(&route::split_path(other)));
            }
            for other in others.iter().filter(|_| other_addresses) {
                let answer = self.answer_at(method, other, query, headers, body, false);
                if answer.case_id.is_some() {
                    return answer;
                }
            }
            return Arc::new(
                photo_value(method, &segments).unwrap_or_else(|| self.not_found(method, path)),
            );
        };
        if let Some(schemas) = &self.validation {
            if let Some(refusal) = validate::refuse(route, schemas, headers, body) {
                return Arc::new(refusal);
            }
        }
        // Query options cost nothing on the requests that have none.
        match query.filter(|q| query::may_shape(q)) {
            Some(query) => {
                query::shape(route, path, query).map_or_else(|| route.answer(), Arc::new)
            }
            None => route.answer(),
        }
    }

    fn not_found(&self, method: &str, path: &str) -> MockAnswer {
        let wanted = format!(
            "{} {}",
            method.to_ascii_uppercase(),
            percent_encoding::percent_decode_str(path).decode_utf8_lossy()
        );
        let mut nearest: Vec<(usize, &Route)> = self
            .routes
            .values()
            .flat_map(Bucket::all)
            .map(|route| (strsim::levenshtein(&wanted, &route.display), route))
            .collect();
        nearest.sort_by_key(|(distance, route)| (*distance, route.display.clone()));
        nearest.dedup_by(|a, b| a.1.display == b.1.display);
        let closest: Vec<String> = nearest
            .iter()
            .take(3)
            .map(|(_, r)| format!("{} ({}:{})", r.display, r.file, r.line))
            .collect();
        let message = if closest.is_empty() {
            format!("No documented example matches {wanted}: the mock has no routes.")
        } else {
            format!(
                "No documented example matches {wanted}. Closest documented routes: {}.",
                closest.join("; ")
            )
        };
        MockAnswer::error(404, "UnknownRoute", message, None)
    }
}

impl MockAnswer {
    /// An answer; the headers are converted to their wire form here, once, less those the
    /// server computes ([`COMPUTED_HEADERS`]): a body made anew (re-serialised, shaped, with
    /// links on the mock) never goes out with the length of another.
    fn new(
        status: u16,
        mut headers: Vec<(String, String)>,
        body: Bytes,
        case_id: Option<String>,
    ) -> MockAnswer {
        headers.retain(|(name, _)| {
            !COMPUTED_HEADERS
                .iter()
                .any(|c| name.eq_ignore_ascii_case(c))
        });
        let links = [&b"@odata.nextLink"[..], b"@odata.deltaLink"]
            .iter()
            .any(|link| body.windows(link.len()).any(|w| w == *link));
        MockAnswer {
            status,
            wire_headers: wire_headers(&headers),
            headers,
            body,
            case_id,
            note: None,
            links,
            object: OnceLock::new(),
        }
    }

    /// The body as a JSON object, when it is one; parsed once per answer.
    fn object(&self) -> Option<&state::Object> {
        self.object
            .get_or_init(|| state::Object::parse(&self.body))
            .as_ref()
    }

    /// An OData error answer (`{"error": {"code", "message"}}`), noted in the log by its
    /// message when it answers for a documented example.
    fn error(status: u16, code: &str, message: String, case_id: Option<String>) -> MockAnswer {
        MockAnswer::with_details(status, code, message, Vec::new(), case_id)
    }

    /// An OData error with `details`, one `{code, message, target}` per problem.
    fn with_details(
        status: u16,
        code: &str,
        message: String,
        details: Vec<serde_json::Value>,
        case_id: Option<String>,
    ) -> MockAnswer {
        let mut error = serde_json::json!({ "code": code, "message": message });
        if !details.is_empty() {
            error["details"] = serde_json::Value::Array(details);
        }
        let body = serde_json::json!({ "error": error });
        let mut answer = MockAnswer::new(
            status,
            vec![("Content-Type".into(), "application/json".into())],
            serde_json::to_vec(&body).expect("serialisable").into(),
            case_id.clone(),
        );
        answer.note = case_id.map(|_| message);
        answer
    }
}

/// Headers the mock never repeats from the docs or from an answer it makes another from: the
/// server computes them.
const COMPUTED_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

/// Headers as sent on the wire; names or values HTTP cannot carry are left out.
fn wire_headers(headers: &[(String, String)]) -> HeaderMap {
    let mut wire = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            wire.append(name, value);
        }
    }
    wire
}

/// A valid 1×1 image of `content_type` (`image/jpeg`, `image/png`, `image/gif`; other image
/// types get the PNG), for answers the docs show as "binary data": a client can decode it.
pub(crate) fn image_of(content_type: &str) -> Option<&'static [u8]> {
    let media = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let subtype = media.strip_prefix("image/")?;
    Some(match subtype {
        "jpeg" | "jpg" | "pjpeg" => include_bytes!("images/one.jpeg"),
        "gif" => include_bytes!("images/one.gif"),
        _ => include_bytes!("images/one.png"),
    })
}

/// `/v1.0/me/drive/root:/a/b.docx:/content` as `/v1.0/me/drive/items/{id}/content`, then (an
/// item itself) as the drive's `root`: Graph addresses a drive item by a path — from the root,
/// a special folder or another item (`special/approot:/a.png:`, `items/{id}:/a.png:`) — or by
/// its id, and most pages show an item only by id, or only the root.
fn items_by_id(segments: &[String]) -> Vec<String> {
    let Some(at) = segments.iter().position(|s| s.contains(":/")) else {
        return Vec::new();
    };
    // The drive the address is in: what follows `drive`, or `drives/{id}`.
    let Some(drive) = segments[..at]
        .iter()
        .rposition(|s| s == "drive" || s == "drives")
    else {
        return Vec::new();
    };
    let keep = if segments[drive] == "drives" {
        drive + 2
    } else {
        drive + 1
    };
    if keep > at {
        return Vec::new();
    }
    // A drive item id of the docs' kind (a long token), which their routes take as any id.
    const ITEM: &str = "01contractmockitembypath00";
    let join = |middle: &[&str]| {
        let path: Vec<&str> = segments[..keep]
            .iter()
            .map(String::as_str)
            .chain(middle.iter().copied())
            .chain(segments[at + 1..].iter().map(String::as_str))
            .collect();
        format!("/{}", path.join("/"))
    };
    let mut candidates = vec![join(&["items", ITEM])];
    if at + 1 == segments.len() {
        candidates.push(join(&["root"]));
    }
    // `items/root:/a.txt:` is `root:/a.txt:`.
    if at > 0 && segments[at - 1] == "items" && segments[at].starts_with("root:/") {
        let path: Vec<&str> = segments[..at - 1]
            .iter()
            .chain(&segments[at..])
            .map(String::as_str)
            .collect();
        candidates.push(format!("/{}", path.join("/")));
    }
    candidates
}

/// `/drive/…` as `/me/drive/…` and back: the signed-in user's drive, as OneDrive's own
/// service and Graph address it.
fn my_drive(segments: &[String]) -> Option<String> {
    let at = segments.iter().position(|s| s == "drive")?;
    let path: Vec<&str> = if at > 0 && segments[at - 1] == "me" {
        segments[..at - 1]
            .iter()
            .chain(&segments[at..])
            .map(String::as_str)
            .collect()
    } else if at == 0 || (at == 1 && crate::text::is_version(&segments[0])) {
        segments[..at]
            .iter()
            .map(String::as_str)
            .chain(std::iter::once("me"))
            .chain(segments[at..].iter().map(String::as_str))
            .collect()
    } else {
        return None;
    };
    Some(format!("/{}", path.join("/")))
}

/// The answer to `GET …/photo/$value` (or `…/photos/{size}/$value`) where no page documents
/// one (Graph's pages show the request and say "binary data"): a 1×1 JPEG, as the service's
/// photos are.
fn photo_value(method: &str, segments: &[String]) -> Option<MockAnswer> {
    let (last, rest) = segments.split_last()?;
    let photo = rest
        .iter()
        .rev()
        .take(2)
        .any(|s| s == "photo" || s == "photos");
    (method.eq_ignore_ascii_case("GET") && last == "$value" && photo).then(|| {
        let mut answer = MockAnswer::new(
            200,
            vec![("Content-Type".into(), "image/jpeg".into())],
            Bytes::from_static(include_bytes!("images/one.jpeg")),
            None,
        );
        answer.note = Some("no page documents this photo: a 1×1 JPEG".into());
        answer
    })
}

/// The documented body as the mock sends it: JSON re-serialised strictly, text as written.
fn body_bytes(body: &Body) -> Vec<u8> {
    match body {
        Body::Empty => Vec::new(),
        Body::Json { value, .. } => serde_json::to_vec(value).expect("a JSON value serialises"),
        Body::Text { text, .. } => text.as_bytes().to_vec(),
    }
}

#[cfg(test)]
mod tests;
