//! Case → the exact request to send: URL mapped onto the target, placeholders filled, headers
//! filtered. Pure and synchronous, so that `--dry-run` shows exactly what a run would send.

use super::vars::Vars;
use crate::case::Case;
use crate::http::{Body, Request};
use crate::template::{self, Part};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;
use url::Url;

/// Hosts whose documented URLs stand for "the service under test".
const SERVICE_HOSTS: [&str; 4] = [
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
];

/// Documented request headers we never copy: ours replace them, or they are computed.
const DROPPED_HEADERS: [&str; 3] = ["authorization", "content-length", "host"];

/// A request ready to go on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    /// The method.
    pub method: crate::http::Method,
    /// The full URL on the target.
    pub url: Url,
    /// Headers to send (documented ones minus those we replace); no Authorization.
    pub headers: Vec<(String, String)>,
    /// The body; a JSON body is re-serialised as strict JSON.
    pub body: Vec<u8>,
}

/// Why a case cannot be sent to this target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// A placeholder has no value in the variables file.
    Unfilled(String),
    /// The documented URL is on another host than the service; it is never sent.
    ForeignHost(String),
    /// The mapped URL does not parse.
    BadUrl(String),
    /// The case has no request.
    NoRequest,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Unfilled(name) => write!(f, "no value for {{{name}}}: add it to the variables file (--vars FILE or CONTRACT_VARS)"),
            PlanError::ForeignHost(host) => write!(f, "the documented URL is on {host}, not on the service: it is not sent"),
            PlanError::BadUrl(detail) => write!(f, "the request URL cannot be built: {detail}"),
            PlanError::NoRequest => f.write_str("the case has no readable request"),
        }
    }
}

/// Builds the request for `case` on the target at `base`.
///
/// `fill_missing`: when true (the embedded mock), placeholders without a value are sent as
/// written, since the mock matches any segment there; otherwise they make the case unsendable.
pub fn plan(
    case: &Case,
    base: &Url,
    vars: &Vars,
    fill_missing: bool,
) -> Result<PlannedRequest, PlanError> {
    let request = case.request.as_ref().ok_or(PlanError::NoRequest)?;
    plan_request(request, &case.version, base, vars, fill_missing)
}

/// Builds the request for a documented (or scenario) request of API version `version`; see
/// [`plan`].
pub fn plan_request(
    request: &Request,
    version: &str,
    base: &Url,
    vars: &Vars,
    fill_missing: bool,
) -> Result<PlannedRequest, PlanError> {
    let path_and_query = service_path(&request.url, version)?;
    let filled = fill(&path_and_query, vars, fill_missing)?;
    let url = join(base, &filled).map_err(|e| PlanError::BadUrl(format!("{filled}: {e}")))?;
    let headers = request
        .headers
        .iter()
        .filter(|h| {
            !DROPPED_HEADERS
                .iter()
                .any(|d| h.name.eq_ignore_ascii_case(d))
        })
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    let body = match &request.body {
        Body::Empty => Vec::new(),
        Body::Json { value, .. } => serde_json::to_vec(value).expect("a JSON value serialises"),
        Body::Text { text, .. } => text.trim_end_matches(['\r', '\n']).as_bytes().to_vec(),
    };
    Ok(PlannedRequest {
        method: request.method,
        url,
        headers,
        body,
    })
}

/// The documented URL as `/{version}/path?query`, whether it was absolute or relative.
pub fn service_path(documented: &str, version: &str) -> Result<String, PlanError> {
    let lower = documented.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let after_scheme = &documented[documented.find("://").map_or(0, |i| i + 3)..];
        let (host, rest) =
            after_scheme.split_at(after_scheme.find(['/', '?']).unwrap_or(after_scheme.len()));
        let host_name = host
            .rsplit('@')
            .next()
            .unwrap_or(host)
            .split(':')
            .next()
            .unwrap_or(host);
        if !SERVICE_HOSTS
            .iter()
            .any(|h| host_name.eq_ignore_ascii_case(h))
        {
            return Err(PlanError::ForeignHost(host_name.to_owned()));
        }
        return Ok(if rest.starts_with('/') {
            rest.to_owned()
        } else {
            format!("/{rest}")
        });
    }
    let relative = documented.trim_start_matches('/');
    let first = relative.split(['/', '?']).next().unwrap_or_default();
    if version == "unversioned" || crate::text::is_version(first) {
        Ok(format!("/{relative}"))
    } else {
        Ok(format!("/{version}/{relative}"))
    }
}

/// What a placeholder value keeps as it is wherever it sits: the unreserved characters and
/// the sub-delimiters and `:` `@` that mean nothing special in a segment or a query value.
const KEPT_EVERYWHERE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b':')
    .remove(b'@');

/// Characters a placeholder value may not carry as they are in a path segment (RFC 3986,
/// 3.3): `/`, `?`, `#`, `%` and spaces are encoded and the value stays one segment
/// (`users('a@b.com')` keeps its quotes and `@`). `&`, `+`, `=` are plain in a segment; `[` and
/// `]` stay too, as browsers send them (WHATWG URL): `--dry-run` shows a value not yet captured
/// as `[name]`.
const SEGMENT: &AsciiSet = &KEPT_EVERYWHERE
    .remove(b'&')
    .remove(b'+')
    .remove(b'=')
    .remove(b'[')
    .remove(b']');

/// The same for a path whose `/`s are meant (`root:/{path}:`): only the separators stay.
const PATH: &AsciiSet = &SEGMENT.remove(b'/');

/// Characters a placeholder value may not carry as they are in a query value: `&`, `=`, `+`,
/// `#`, `%` and spaces among them, so the value stays one parameter's value.
const QUERY_VALUE: &AsciiSet = &KEPT_EVERYWHERE.remove(b'/').remove(b'?');

/// Fills the placeholders, each value percent-encoded for where it sits (README, "Placeholder
/// values"): one path segment; a path when the template addresses an item by path
/// (`root:/{path}:`, the placeholder right after `:` or `:/`); a query value after the `?`.
fn fill(path: &str, vars: &Vars, fill_missing: bool) -> Result<String, PlanError> {
    let mut out = String::with_capacity(path.len());
    let mut in_query = false;
    for part in template::parts(path) {
        match part {
            Part::Text(text) => {
                in_query |= text.contains('?');
                out.push_str(text);
            }
            Part::Placeholder(name) => match vars.get(name) {
                Some(value) => {
                    let set = if in_query {
                        QUERY_VALUE
                    } else if out.ends_with(':') || out.ends_with(":/") {
                        PATH
                    } else {
                        SEGMENT
                    };
                    out.extend(utf8_percent_encode(value, set));
                }
                None if fill_missing => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
                None => return Err(PlanError::Unfilled(name.to_owned())),
            },
        }
    }
    Ok(out)
}

/// `base` + `/v1.0/me?x`, keeping any path prefix the base has.
///
/// Resolved as a relative reference (`./v1.0/me?x`) against the base with a trailing slash, so
/// that the base's host is not parsed again for every case: that parse was the runner's largest
/// cost after the exchange itself. `./` keeps a colon in the first segment from reading as a
/// scheme.
fn join(base: &Url, path_and_query: &str) -> Result<Url, url::ParseError> {
    let relative = format!("./{}", path_and_query.trim_start_matches('/'));
    if base.path().ends_with('/') {
        base.join(&relative)
    } else {
        let mut directory = base.clone();
        directory.set_path(&format!("{}/", base.path()));
        directory.join(&relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::parse_page;

    fn case(request: &str, version: Option<&str>) -> Case {
        let text = format!("<!-- {{ \"blockType\": \"request\" }} -->\n```http\n{request}\n```\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\n```\n");
        crate::case::cases_of_page(&parse_page("p.md", &text), version).remove(0)
    }

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8080/").unwrap()
    }

    #[test]
    fn absolute_and_relative_urls_map_onto_the_base() {
        let vars = Vars::default();
        let absolute = case(
            "GET https://graph.microsoft.com/beta/me/events?$top=2",
            None,
        );
        assert_eq!(
            plan(&absolute, &base(), &vars, false).unwrap().url.as_str(),
            "http://127.0.0.1:8080/beta/me/events?$top=2"
        );
        let relative = case("GET /me/drive", Some("v1.0"));
        assert_eq!(
            plan(&relative, &base(), &vars, false).unwrap().url.as_str(),
            "http://127.0.0.1:8080/v1.0/me/drive"
        );
        for prefixed in ["https://example.test/graph/", "https://example.test/graph"] {
            assert_eq!(
                plan(&relative, &Url::parse(prefixed).unwrap(), &vars, false)
                    .unwrap()
                    .url
                    .as_str(),
                "https://example.test/graph/v1.0/me/drive"
            );
        }
        let colon = case("GET /me/drive/root:/folder:/children?$top=1", Some("v1.0"));
        assert_eq!(
            plan(&colon, &base(), &vars, false).unwrap().url.as_str(),
            "http://127.0.0.1:8080/v1.0/me/drive/root:/folder:/children?$top=1"
        );
        let unversioned = case("GET /$metadata#users", Some("unversioned"));
        assert_eq!(
            plan(&unversioned, &base(), &vars, false)
                .unwrap()
                .url
                .as_str(),
            "http://127.0.0.1:8080/$metadata#users"
        );
    }

    #[test]
    fn placeholders_are_filled_or_reported() {
        let case = case(
            "GET https://graph.microsoft.com/v1.0/users/{id}/events/{event-id}",
            None,
        );
        let mut vars = Vars::default();
        vars.insert("id", "adele@contoso.com");
        assert_eq!(
            plan(&case, &base(), &vars, false).unwrap_err().to_string(),
            "no value for {event-id}: add it to the variables file (--vars FILE or CONTRACT_VARS)"
        );
        let planned = plan(&case, &base(), &vars, true).unwrap();
        assert_eq!(
            planned.url.path(),
            "/v1.0/users/adele@contoso.com/events/%7Bevent-id%7D"
        );
        vars.insert("event-id", "AAMk=");
        assert_eq!(
            plan(&case, &base(), &vars, false).unwrap().url.path(),
            "/v1.0/users/adele@contoso.com/events/AAMk="
        );
    }

    #[test]
    fn foreign_hosts_are_not_sent() {
        let case = case("POST https://bot.contoso.com/api/calls", None);
        assert_eq!(
            plan(&case, &base(), &Vars::default(), true),
            Err(PlanError::ForeignHost("bot.contoso.com".into()))
        );
    }

    #[test]
    fn headers_we_replace_are_dropped_and_json_is_normalised() {
        let case = case("POST /me/messages\nAuthorization: Bearer {token}\nContent-Length: 3\nContent-Type: application/json\n\n{\"a\": 1,}", Some("v1.0"));
        let planned = plan(&case, &base(), &Vars::default(), true).unwrap();
        assert_eq!(
            planned.headers,
            [("Content-Type".to_owned(), "application/json".to_owned())]
        );
        assert_eq!(planned.body, b"{\"a\":1}");
    }

    fn filled(template: &str, value: &str) -> String {
        let mut vars = Vars::default();
        vars.insert("v", value);
        fill(template, &vars, false).unwrap()
    }

    #[test]
    fn a_value_in_the_path_stays_one_segment() {
        for (value, sent) in [
            ("a b", "a%20b"),
            ("a?b", "a%3Fb"),
            ("a#b", "a%23b"),
            ("a%b", "a%25b"),
            ("a/b", "a%2Fb"),
            ("é", "%C3%A9"),
            ("a@b.com", "a@b.com"),
            ("x'y(1)", "x'y(1)"),
        ] {
            assert_eq!(
                filled("/users/{v}/events", value),
                format!("/users/{sent}/events")
            );
        }
    }

    #[test]
    fn a_value_addressed_by_path_keeps_its_slashes() {
        assert_eq!(
            filled("/me/drive/root:/{v}:/children", "Docs/a b/c#1.txt"),
            "/me/drive/root:/Docs/a%20b/c%231.txt:/children"
        );
        assert_eq!(
            filled("/me/drive/root:{v}:", "/x/y"),
            "/me/drive/root:/x/y:"
        );
    }

    #[test]
    fn a_value_in_the_query_stays_one_value() {
        assert_eq!(
            filled(
                "/users?$filter=startswith(displayName,'{v}')",
                "a&b=c+d #e%"
            ),
            "/users?$filter=startswith(displayName,'a%26b%3Dc%2Bd%20%23e%25')"
        );
        assert_eq!(filled("/search?q={v}", "a/b?c"), "/search?q=a/b?c");
    }
}
