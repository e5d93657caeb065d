//! Blocks → test cases: pairs each documented request with its response, parses both HTTP
//! messages, and decides whether the case can run or why not.

mod partition;

pub use partition::{Partition, PartitionKind};

pub use crate::doc::Expectations;

use crate::doc::{Block, BlockType, Page};
use crate::finding::Loc;
use crate::http::{self, Body, MessageError, Request, Response};
use crate::text::{is_version, slug};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One documented example: a request, the response it should get, and how to compare them.
#[derive(Debug, Clone)]
pub struct Case {
    /// Stable, unique id: `version::page::example` (e.g. `beta::user_get::get_user_1`).
    pub id: String,
    /// The API version the page documents (`v1.0`, `beta`), from its folder or its URL.
    pub version: String,
    /// The page, relative to the cases folder.
    pub file: String,
    /// The example's name from the annotation, if it has one.
    pub name: Option<String>,
    /// 1-based line of the request block's opening fence.
    pub line: usize,
    /// The request, when its block could be read.
    pub request: Option<Request>,
    /// The documented response, when there is one and it could be read.
    pub response: Option<Response>,
    /// 1-based line of the response block's opening fence, when there is a response block.
    pub response_line: Option<usize>,
    /// 1-based line of the code block that holds the documented response's body, when that
    /// is not the response block itself: a response split over two fences (status and
    /// headers in one, the JSON in the next), which lint reports and the case still checks.
    pub response_body_line: Option<usize>,
    /// How the response is to be compared, from the annotations.
    pub expect: Expectations,
    /// Every `{name}` in the request URL, in order.
    pub placeholders: Vec<String>,
    /// Position in the run's list of cases (pages by path, cases in page order): reports merged
    /// from shards are put back in this order.
    pub ordinal: usize,
    /// Literal keys in the request URL that stand for any id of their kind, from the request
    /// annotation's `sampleKeys`: the mock answers them for any value.
    pub sample_keys: Vec<String>,
    /// Why the case cannot run; `None` when it can.
    pub skip: Option<SkipReason>,
    /// What lint finds wrong with this example's own documentation, once attached
    /// ([`crate::lint::attach`]); the case still runs, and its report entry says so.
    pub findings: Vec<crate::finding::Finding>,
    /// The scenario this case runs the request through, when one drives it (the catalog
    /// attaches it).
    pub scenario: Option<std::sync::Arc<crate::scenario::Scenario>>,
    /// The account of ApiDoctor's accounts file this case runs as, when one is in use (a run
    /// with several accounts runs each case once per account).
    pub account: Option<String>,
}

impl Case {
    /// True when the case can be sent.
    pub fn runnable(&self) -> bool {
        self.skip.is_none()
    }

    /// The type the annotations give the documented response (`@type`, else `@odata.type`),
    /// or its `@type.aka` when `schemas` know the alias and not the name. The one answer lint,
    /// the check and the mock use.
    pub fn documented_type<'a>(&'a self, schemas: &crate::schema::Schemas) -> Option<&'a str> {
        let named = self.expect.odata_type.as_deref();
        match (named, self.expect.odata_type_aka.as_deref()) {
            (Some(name), Some(aka)) if !schemas.knows(name) && schemas.knows(aka) => Some(aka),
            (None, aka) => aka,
            (named, _) => named,
        }
    }

    /// Whether the documented response body is one entity or a collection, decided once from
    /// the annotation and the body together: lint, the check and the mock all ask here. When
    /// the two disagree (a single entity wrapped in `value`, `isCollection` over one object),
    /// the body's own shape is used and the disagreement is returned with it, for lint to
    /// report once, as an error.
    pub fn body_shape(&self) -> (BodyShape, Option<String>) {
        let body = self.response.as_ref().and_then(|r| r.body.json());
        let property = self
            .expect
            .collection_property
            .as_deref()
            .unwrap_or(crate::http::COLLECTION_PROPERTY);
        let holds_items =
            |value: &serde_json::Value| value.get(property).is_some_and(|v| v.is_array());
        match body {
            // One object with properties of its own; an example that shows nothing (`{}`) or
            // only annotations still stands for the collection.
            Some(value)
                if self.expect.is_collection
                    && !holds_items(value)
                    && value
                        .as_object()
                        .is_some_and(|o| o.keys().any(|k| !k.contains('@'))) =>
            {
                (
                BodyShape::Single,
                Some(format!(
                    "the annotation says isCollection, but the body is one object with no `{property}` array: drop isCollection, or show the collection"
                )),
            )
            }
            Some(value) if !self.expect.is_collection && is_wrapped_collection(value) => (
                BodyShape::Collection(crate::http::COLLECTION_PROPERTY.to_owned()),
                Some("the body is a collection in `value`, but the annotation does not say so: add `\"isCollection\": true`".to_owned()),
            ),
            _ if self.expect.is_collection => (BodyShape::Collection(property.to_owned()), None),
            _ => (BodyShape::Single, None),
        }
    }

    /// The type a request body is checked as ([`request_body_type`]), from this example's
    /// documented request and response. Lint asks here; the mock asks the same function with
    /// what it keeps of the example.
    pub fn request_body_type(&self, schemas: &crate::schema::Schemas) -> Option<String> {
        let body = self.request.as_ref()?.body.json();
        let own = body
            .and_then(|b| b.get("@odata.type"))
            .and_then(serde_json::Value::as_str);
        request_body_type(own, self.inferred_request_type(), body, schemas)
    }

    /// For a create (POST answered 201) or an update (PATCH, PUT), the type of the one entity
    /// the response documents: what the request body is, unless it says otherwise.
    pub fn inferred_request_type(&self) -> Option<&str> {
        let request = self.request.as_ref()?;
        let inferred = || {
            let status = self.expected_status()?;
            let creates = request.method == crate::http::Method::Post && status == 201;
            let updates = matches!(
                request.method,
                crate::http::Method::Patch | crate::http::Method::Put
            );
            ((creates || updates) && self.body_shape().0 == BodyShape::Single)
                .then_some(self.expect.odata_type.as_deref())
                .flatten()
        };
        inferred()
    }

    /// The documented status code, when the response could be read.
    pub fn expected_status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }
}

/// The one rule for the type a request body is checked as: its own `@odata.type`; else the
/// type `inferred` from a create's or update's documented response, when the documented body
/// uses only properties that type (with its bases) declares. An action answered 201
/// (`createLink` returning a `permission`) takes parameters, not the entity: its body is not
/// checked as the entity. A type no schema knows is kept (nothing is checked against it).
pub fn request_body_type(
    own: Option<&str>,
    inferred: Option<&str>,
    documented: Option<&serde_json::Value>,
    schemas: &crate::schema::Schemas,
) -> Option<String> {
    if let Some(own) = own {
        return Some(own.trim_start_matches('#').to_owned());
    }
    let inferred = inferred?.trim_start_matches('#');
    let fits = match (
        documented.and_then(|b| b.as_object()),
        schemas.declared_properties(inferred),
    ) {
        (Some(body), Some(declared)) => body
            .keys()
            .all(|key| key.contains('@') || declared.contains(key)),
        _ => true,
    };
    fits.then(|| inferred.to_owned())
}

/// How a documented response body holds what it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyShape {
    /// One entity, the body itself.
    Single,
    /// Items in an array under this property (`value`).
    Collection(String),
}

impl BodyShape {
    /// The property holding the items, for a collection.
    pub fn collection(&self) -> Option<&str> {
        match self {
            BodyShape::Single => None,
            BodyShape::Collection(property) => Some(property),
        }
    }
}

/// `{"value": [...]}` with nothing else but OData annotations (`@odata.context`,
/// `@odata.nextLink`): a collection, whatever the annotation says.
fn is_wrapped_collection(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    object
        .get(crate::http::COLLECTION_PROPERTY)
        .is_some_and(serde_json::Value::is_array)
        && object
            .keys()
            .all(|k| k == crate::http::COLLECTION_PROPERTY || k.contains('@'))
}

/// Why a case cannot run, worded for the person reading the test output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The request URL is neither absolute nor relative to the service root.
    NotAUrl(String),
    /// The request block does not start with `METHOD URL`.
    BadRequestLine(MessageError),
    /// No response block follows the request.
    NoResponse,
    /// The response block has no readable status line.
    BadResponse(MessageError),
    /// The documented response claims JSON but is not JSON, even leniently.
    ResponseNotJson {
        /// Page and line of the parse error.
        at: Loc,
        /// Its column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// Every scenario for this request is disabled (ApiDoctor's rule); the first one's place.
    ScenariosDisabled(Loc),
}

impl SkipReason {
    /// The group this reason belongs to, for summaries.
    pub fn kind(&self) -> SkipKind {
        match self {
            SkipReason::NotAUrl(_) => SkipKind::NotAUrl,
            SkipReason::BadRequestLine(_) => SkipKind::BadRequestLine,
            SkipReason::NoResponse => SkipKind::NoResponse,
            SkipReason::BadResponse(_) => SkipKind::BadResponse,
            SkipReason::ResponseNotJson { .. } => SkipKind::ResponseNotJson,
            SkipReason::ScenariosDisabled(_) => SkipKind::ScenariosDisabled,
        }
    }
}

/// Why a case was not sent, as a group: the page's own problems ([`SkipReason`]) and what the
/// runner decides against a given target. Reports group and count skips by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// The request URL is neither absolute nor relative to the service root.
    NotAUrl,
    /// The request block does not start with `METHOD URL`.
    BadRequestLine,
    /// No response block follows the request.
    NoResponse,
    /// The response block has no readable status line.
    BadResponse,
    /// The documented JSON response is not JSON.
    ResponseNotJson,
    /// Every scenario for the request is disabled.
    ScenariosDisabled,
    /// A placeholder has no value against a real service.
    NoValue,
    /// The documented URL is on another host than the service's.
    ForeignHost,
    /// The URL to send cannot be built from the base and the documented path.
    UnbuildableUrl,
    /// A write against a remote target that writes were not allowed for.
    WritesNotAllowed,
    /// The target proved unreachable earlier in the run.
    TargetUnreachable,
    /// The account lacks a scope, API version or tag the example or its scenario needs.
    AccountLacks,
    /// The branch is not one the accounts file lets a live run use its accounts on.
    BranchNotEnabled,
}

impl SkipKind {
    /// The stable kebab-case name (`no-value`), as serialised: JUnit's skip type, JSON keys.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipKind::NotAUrl => "not-a-url",
            SkipKind::BadRequestLine => "bad-request-line",
            SkipKind::NoResponse => "no-response",
            SkipKind::BadResponse => "bad-response",
            SkipKind::ResponseNotJson => "response-not-json",
            SkipKind::ScenariosDisabled => "scenarios-disabled",
            SkipKind::NoValue => "no-value",
            SkipKind::ForeignHost => "foreign-host",
            SkipKind::UnbuildableUrl => "unbuildable-url",
            SkipKind::WritesNotAllowed => "writes-not-allowed",
            SkipKind::TargetUnreachable => "target-unreachable",
            SkipKind::AccountLacks => "account-lacks",
            SkipKind::BranchNotEnabled => "branch-not-enabled",
        }
    }
}

/// The group as a person reads it in a summary (`skipped 3: no value for a placeholder`).
impl fmt::Display for SkipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipKind::NotAUrl => "request URL is not a URL",
            SkipKind::BadRequestLine => "request line cannot be read",
            SkipKind::NoResponse => "no documented response",
            SkipKind::BadResponse => "response status line cannot be read",
            SkipKind::ResponseNotJson => "documented JSON response cannot be read",
            SkipKind::ScenariosDisabled => "every scenario of the request is disabled",
            SkipKind::NoValue => "no value for a placeholder",
            SkipKind::ForeignHost => "URL on another host",
            SkipKind::UnbuildableUrl => "request URL cannot be built",
            SkipKind::WritesNotAllowed => "writes not allowed",
            SkipKind::TargetUnreachable => "target unreachable",
            SkipKind::AccountLacks => "the account lacks a scope, API version or tag",
            SkipKind::BranchNotEnabled => "branch not enabled for live runs",
        })
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotAUrl(detail) => write!(f, "request URL is not a URL: {detail}"),
            SkipReason::BadRequestLine(detail) => {
                write!(f, "request line cannot be read: {detail}")
            }
            SkipReason::NoResponse => f.write_str("the request has no documented response block"),
            SkipReason::BadResponse(detail) => {
                write!(f, "documented response cannot be read: {detail}")
            }
            SkipReason::ResponseNotJson {
                at,
                column,
                message,
            } => write!(
                f,
                "documented JSON response cannot be read: {message} at {at}:{column}"
            ),
            SkipReason::ScenariosDisabled(at) => write!(
                f,
                "every scenario for this request is disabled (the first at {at}); set `enabled` to true to run it"
            ),
        }
    }
}

/// Builds the cases of one page. `version` is the API version the page's folder names, if any;
/// ids are unique within the page but not yet across pages (see [`list`]).
pub fn cases_of_page(page: &Page, folder_version: Option<&str>) -> Vec<Case> {
    let blocks = &page.blocks;
    let is = |block: &Block, kind: BlockType| block.block_type() == Some(&kind);
    let requests: Vec<usize> = (0..blocks.len())
        .filter(|&i| is(&blocks[i], BlockType::Request))
        .collect();
    let responses: Vec<usize> = (0..blocks.len())
        .filter(|&i| is(&blocks[i], BlockType::Response))
        .collect();
    let pairs = pair(blocks, &requests, &responses);
    let page_slug = slug(page_stem(&page.file));

    let mut cases = Vec::with_capacity(requests.len());
    for (ordinal, (&request_index, response_index)) in requests.iter().zip(pairs).enumerate() {
        let block = &blocks[request_index];
        let annotation = block.annotation.as_ref();
        let response_block = response_index.map(|i| &blocks[i]);
        let name = annotation.and_then(|a| a.name.clone());
        let request = http::parse_request(&block.content, block.content_line);
        let mut response = response_block.map(|b| http::parse_response(&b.content, b.content_line));
        let response_body_line = match (&mut response, response_index) {
            (Some(Ok(response)), Some(index)) => split_body(blocks, index, response),
            _ => None,
        };
        let url = request.as_ref().ok().map(|r| r.url.as_str());
        let version = folder_version
            .map(str::to_owned)
            .or_else(|| url.and_then(version_of_url))
            .unwrap_or_else(|| "unversioned".to_owned());
        let example_slug = name
            .as_deref()
            .map(slug)
            .unwrap_or_else(|| format!("example_{}", ordinal + 1));
        let expect = Expectations::merge(
            annotation.map(|a| &a.expect),
            response_block
                .and_then(|b| b.annotation.as_ref())
                .map(|a| &a.expect),
        );

        let skip = skip_reason(&page.file, &request, &response, &expect);
        cases.push(Case {
            id: format!("{version}::{page_slug}::{example_slug}"),
            placeholders: url
                .map(|url| {
                    crate::template::placeholders(url)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            ordinal,
            sample_keys: annotation
                .map(|a| a.sample_keys.clone())
                .unwrap_or_default(),
            version,
            file: page.file.clone(),
            name,
            line: block.line,
            request: request.ok(),
            response_line: response_block.map(|b| b.line),
            response_body_line,
            response: response.and_then(Result::ok),
            expect,
            skip,
            findings: Vec::new(),
            scenario: None,
            account: None,
        });
    }
    cases
}

/// When the response block at `index` has no body and the very next block is unannotated JSON,
/// that JSON is the body (a response split over two fences): it is given to `response`, and
/// the next block's line returned.
fn split_body(blocks: &[Block], index: usize, response: &mut Response) -> Option<usize> {
    if !matches!(response.body, Body::Empty) || crate::http::status_has_no_body(response.status) {
        return None;
    }
    let next = blocks
        .get(index + 1)
        .filter(|b| b.annotation_line.is_none())?;
    let text = next.content.trim_start();
    if !(text.starts_with('{') || text.starts_with('[')) {
        return None;
    }
    crate::json::parse_lenient(&next.content).ok()?;
    response.set_body(&next.content, next.content_line);
    Some(next.line)
}

/// Why an example cannot run, from what could be read of it; `None` when it can.
fn skip_reason(
    file: &str,
    request: &Result<Request, MessageError>,
    response: &Option<Result<Response, MessageError>>,
    expect: &Expectations,
) -> Option<SkipReason> {
    match (request, response) {
        (Err(error), _) => Some(SkipReason::BadRequestLine(error.clone())),
        (Ok(request), _) if url_problem(&request.url).is_some() => {
            url_problem(&request.url).map(SkipReason::NotAUrl)
        }
        (Ok(_), None) => Some(SkipReason::NoResponse),
        (Ok(_), Some(Err(error))) => Some(SkipReason::BadResponse(error.clone())),
        (Ok(_), Some(Ok(response))) => match &response.body {
            Body::Text {
                json_error: Some(error),
                ..
            } if !expect.is_empty => Some(SkipReason::ResponseNotJson {
                at: Loc::new(file, error.line),
                column: error.column,
                message: error.message.clone(),
            }),
            _ => None,
        },
    }
}

/// For each request (by block index), the index of its response block, if any.
///
/// A response named like the request wins; a response whose `name` is a list answers each
/// request it names (ApiDoctor's rule: one shared response for several ways to ask). Otherwise
/// the first unclaimed response after the request and before the next request, so that a
/// request without a response never steals the next example's.
fn pair(blocks: &[Block], requests: &[usize], responses: &[usize]) -> Vec<Option<usize>> {
    let names = |i: usize| {
        blocks[i]
            .annotation
            .as_ref()
            .map_or(&[][..], |a| a.names.as_slice())
    };
    // The names each response has already been paired under.
    let mut taken: Vec<Vec<&str>> = vec![Vec::new(); responses.len()];
    let mut pairs: Vec<Option<usize>> = requests
        .iter()
        .map(|&request| {
            let wanted = names(request).first()?.as_str();
            let found = (0..responses.len()).find(|&r| {
                let shown = names(responses[r]);
                shown.iter().any(|n| n == wanted)
                    && !taken[r].contains(&wanted)
                    && (shown.len() > 1 || taken[r].is_empty())
            })?;
            taken[found].push(wanted);
            Some(responses[found])
        })
        .collect();
    for (position, &request) in requests.iter().enumerate() {
        if pairs[position].is_some() {
            continue;
        }
        let next_request = requests.get(position + 1).copied().unwrap_or(usize::MAX);
        if let Some(found) = (0..responses.len())
            .find(|&r| taken[r].is_empty() && responses[r] > request && responses[r] < next_request)
        {
            taken[found].push("");
            pairs[position] = Some(responses[found]);
        }
    }
    pairs
}

/// Why a documented URL cannot be sent, or `None` when it can.
fn url_problem(url: &str) -> Option<String> {
    if url.contains("**") || url.contains(" not found") {
        return Some("the generator could not find the collection URI".to_owned());
    }
    // Spaces are fine where a client would percent-encode them without changing the meaning:
    // in the query, and inside placeholders, parentheses and quotes of the path
    // (`{id | userPrincipalName}`, `search(q='Contoso Project')`).
    let path = url.split_once('?').map_or(url, |(path, _)| path);
    let mut depth = 0usize;
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '\'' => quoted = !quoted,
            '{' | '(' => depth += 1,
            '}' | ')' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth == 0 && !quoted => {
                return Some(format!("`{url}` has a space in its path"));
            }
            _ => {}
        }
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let concrete: String = url.replace(['{', '}'], "");
        return url::Url::parse(&concrete)
            .err()
            .map(|error| format!("`{url}`: {error}"));
    }
    if url.starts_with('/')
        || url.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '{' || c == '$')
    {
        return None;
    }
    Some(format!(
        "`{url}` is neither absolute nor relative to the service root"
    ))
}

/// `v1.0` from `https://graph.microsoft.com/v1.0/me`.
fn version_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let segment = rest.split('/').nth(1)?;
    is_version(segment).then(|| segment.to_owned())
}

fn page_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}

#[cfg(test)]
mod tests;
