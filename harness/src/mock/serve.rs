//! Serving the mock over HTTP, as a service front ends can build an app against: CORS for
//! browsers, state (what a client creates it gets back), JSON batching, paging links that
//! stay on the mock and end, and, on request, Dev Proxy's throttling and latency.
//!
//! The embedded mock of `contract run` and the suite uses none of these
//! ([`ServeOptions::default`]): every case gets the documented answer whatever ran before.

use super::links;
use super::made::Made;
use super::state::{Address, Store, Stored};
use super::{Mock, MockAnswer};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How the mock serves.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Print each request and the example that answered it to stderr.
    pub log: bool,
    /// Answer CORS: `Some(origins)` allows those origins (empty: any origin); `None` is off.
    pub cors: Option<Vec<String>>,
    /// Remember what clients create, change and remove ([`Store`]).
    pub stateful: bool,
    /// This share of requests (0 to 1) is answered 429 (with `Retry-After`) or 503.
    pub failure_rate: f64,
    /// Every answer waits this long.
    pub latency: Duration,
}

/// A running mock server; it stops when this is dropped.
#[derive(Debug)]
pub struct MockServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl MockServer {
    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.addr)).expect("a socket address makes a URL")
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub(super) struct Served {
    mock: Arc<Mock>,
    options: ServeOptions,
    store: Option<Store>,
    cors: Option<Cors>,
    /// Documented answers with their paging links on the mock.
    linked: Made<Linked>,
}

/// Starts serving `mock` on `addr` (use port 0 for any free port) on the current tokio runtime.
pub async fn start(
    mock: Arc<Mock>,
    addr: SocketAddr,
    options: ServeOptions,
) -> std::io::Result<MockServer> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = Served {
        mock,
        store: options.stateful.then(Store::default),
        cors: options.cors.clone().map(|origins| Cors { origins }),
        linked: Made::default(),
        options,
    };
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(Arc::new(served));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(MockServer {
        addr,
        shutdown: Some(shutdown),
    })
}

/// CORS as browsers ask for it, only for requests that carry an `Origin` (others, which no
/// browser sent, pay nothing: tower-http's layer cost every answer a tenth of the mock's
/// speed). A preflight of an allowed origin is answered `204` with the method and headers it
/// asks for; every answer to an allowed origin is readable by its page, its headers
/// (`Location`, `Retry-After`, `x-contract-findings`) too.
#[derive(Debug, Clone)]
struct Cors {
    /// The origins allowed; empty for any.
    origins: Vec<String>,
}

impl Cors {
    /// The `Access-Control-Allow-Origin` for a request from `origin`, if it is allowed.
    fn allow(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        if self.origins.is_empty() {
            return Some(HeaderValue::from_static("*"));
        }
        let origin_text = origin.to_str().ok()?;
        self.origins
            .iter()
            .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin_text))
            .then(|| origin.clone())
    }

    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`).
    fn preflight(&self, headers: &HeaderMap) -> Option<Response> {
        let origin = headers.get("origin")?;
        let method = headers.get("access-control-request-method")?;
        let mut response = StatusCode::NO_CONTENT.into_response();
        let answer = response.headers_mut();
        if let Some(allowed) = self.allow(origin) {
            answer.insert("access-control-allow-origin", allowed);
            answer.insert("access-control-allow-methods", method.clone());
            if let Some(asked) = headers.get("access-control-request-headers") {
                answer.insert("access-control-allow-headers", asked.clone());
            }
            answer.insert("access-control-max-age", HeaderValue::from_static("600"));
        }
        answer.insert("vary", HeaderValue::from_static("origin"));
        Some(response)
    }

    /// Makes an answer to a request from `origin` readable by its page.
    fn expose(&self, origin: &HeaderValue, response: &mut Response) {
        let answer = response.headers_mut();
        if let Some(allowed) = self.allow(origin) {
            answer.insert("access-control-allow-origin", allowed);
            answer.insert(
                "access-control-expose-headers",
                HeaderValue::from_static("*"),
            );
        }
        answer.append("vary", HeaderValue::from_static("origin"));
    }
}

/// What the server sends: the documented answer as built once (the common case, sent with
/// its prepared headers), or one made for this request.
pub(super) enum Reply {
    Documented(Arc<MockAnswer>),
    Made(Answer),
}

impl Reply {
    pub(super) fn status(&self) -> u16 {
        match self {
            Reply::Documented(answer) => answer.status,
            Reply::Made(answer) => answer.status,
        }
    }

    pub(super) fn headers(&self) -> &[(String, String)] {
        match self {
            Reply::Documented(answer) => &answer.headers,
            Reply::Made(answer) => &answer.headers,
        }
    }

    pub(super) fn body(&self) -> &Bytes {
        match self {
            Reply::Documented(answer) => &answer.body,
            Reply::Made(answer) => &answer.body,
        }
    }

    /// Which example answered, and why it was changed, for the log.
    fn by(&self) -> String {
        match self {
            Reply::Documented(answer) => answered_by(answer),
            Reply::Made(answer) => answer.by.clone(),
        }
    }

    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // A plain `Body`, not `Vec<u8>`, so that no Content-Type is invented for an empty answer.
        match self {
            Reply::Documented(answer) => (
                status,
                answer.wire_headers.clone(),
                axum::body::Body::from(answer.body.clone()),
            )
                .into_response(),
            Reply::Made(answer) => (
                status,
                super::wire_headers(&answer.headers),
                axum::body::Body::from(answer.body),
            )
                .into_response(),
        }
    }
}

/// One exchange, as the mock answers it.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Bytes,
    by: String,
}

impl Answer {
    pub(super) fn json(status: u16, body: &Value, by: &str) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: if body.is_null() {
                Bytes::new()
            } else {
                serde_json::to_vec(body)
                    .expect("a JSON value serialises")
                    .into()
            },
            by: by.to_owned(),
        }
    }

    /// A stored entity's JSON (empty for `204`).
    fn stored(status: u16, body: Bytes, by: &str) -> Answer {
        let headers = match body.is_empty() {
            true => Vec::new(),
            false => vec![("Content-Type".into(), "application/json".into())],
        };
        Answer {
            status,
            headers,
            body,
            by: by.to_owned(),
        }
    }

    pub(super) fn error(status: u16, code: &str, message: &str) -> Answer {
        let body = serde_json::json!({"error": {"code": code, "message": message}});
        Answer::json(status, &body, message)
    }
}

async fn handle(
    State(served): State<Arc<Served>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let options = &served.options;
    let origin = served
        .cors
        .as_ref()
        .and_then(|cors| Some((cors, headers.get("origin")?.clone())));
    if let (Some((cors, _)), &Method::OPTIONS) = (&origin, &method) {
        if let Some(preflight) = cors.preflight(&headers) {
            return preflight;
        }
    }
    if !options.latency.is_zero() {
        tokio::time::sleep(options.latency).await;
    }
    let reply = if options.failure_rate > 0.0 && fastrand::f64() < options.failure_rate {
        Reply::Made(chaos())
    } else {
        let path = uri.path();
        if method == Method::POST && path.ends_with("/$batch") {
            let serve = |method: &str,
                         path: &str,
                         query: Option<&str>,
                         headers: &HeaderMap,
                         body: &[u8]| {
                let reply = served.answer(method, path, query, headers, body);
                (
                    reply.status(),
                    reply.headers().to_vec(),
                    reply.body().clone(),
                )
            };
            Reply::Made(
                match super::batch::answer(path, &own_base(&headers), &body, serve) {
                    Ok(responses) => Answer::json(200, &responses, "batch"),
                    Err(message) => Answer::error(400, "BadRequest", &message),
                },
            )
        } else {
            served.answer(method.as_str(), path, uri.query(), &headers, &body)
        }
    };
    if options.log {
        // A closed stderr (`contract mock | head`) must not take the answer down with it.
        let _ = writeln!(
            std::io::stderr(),
            "{method} {uri} → {} ({})",
            reply.status(),
            reply.by()
        );
    }
    let mut response = reply.into_response();
    if let Some((cors, origin)) = origin {
        cors.expose(&origin, &mut response);
    }
    response
}

/// Which example answered, and why it was changed, for the log.
fn answered_by(answer: &MockAnswer) -> String {
    match (&answer.case_id, &answer.note) {
        (Some(by), Some(note)) => format!("{by}: {note}"),
        (Some(by), None) => by.clone(),
        (None, Some(note)) => note.clone(),
        (None, None) => "no documented example".to_owned(),
    }
}

/// The answer to a removed entity, made once: a client that deletes and then reads what it
/// deleted is common enough to take the prepared path.
fn gone() -> Arc<MockAnswer> {
    static GONE: std::sync::LazyLock<Arc<MockAnswer>> = std::sync::LazyLock::new(|| {
        let mut gone = MockAnswer::error(
            404,
            "itemNotFound",
            "The resource was deleted (contract mock remembers deletes; --stateless forgets)."
                .into(),
            None,
        );
        gone.note = Some("deleted earlier, remembered".into());
        Arc::new(gone)
    });
    GONE.clone()
}

/// A throttled or unavailable answer, as Dev Proxy's random errors give them.
fn chaos() -> Answer {
    if fastrand::bool() {
        let mut answer = Answer::error(
            429,
            "TooManyRequests",
            "Too many requests (contract mock --failure-rate).",
        );
        answer.headers.push(("Retry-After".into(), "1".into()));
        answer
    } else {
        Answer::error(
            503,
            "ServiceUnavailable",
            "Service unavailable (contract mock --failure-rate).",
        )
    }
}

/// `http://host:port`, as the client addressed the mock: where paging links point.
fn own_base(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

impl Served {
    /// One request (a batch's inner ones too): the store first, then the documented answer,
    /// then what the store and paging make of it. Most requests get the documented answer as
    /// it was built, untouched.
    pub(super) fn answer(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Reply {
        let address = Address::new(path);
        if let Some(store) = &self.store {
            match store.before(method, &address, body) {
                Stored::Entity(status, entity) => {
                    return Reply::Made(Answer::stored(status, entity, "remembered"))
                }
                Stored::Gone => return Reply::Documented(gone()),
                Stored::Documented => {}
            }
        }
        let mut documented = self.mock.answer(method, path, query, headers, body);
        let mut made: Option<Answer> = None;
        if let Some(store) = &self.store {
            if method.eq_ignore_ascii_case("POST") && documented.status == 201 {
                if let Some(object) = documented.object() {
                    let (id, entity) = store.create(&address, object, body);
                    let mut answer = Answer::stored(201, entity, "created, remembered");
                    let own = own_base(headers);
                    answer
                        .headers
                        .push(("Location".into(), format!("{own}{path}/{id}")));
                    made = Some(answer);
                }
            } else if method.eq_ignore_ascii_case("GET") && documented.status == 200 {
                if let Some(page) = store.list(&address, query, &documented, &own_base(headers)) {
                    documented = page;
                }
            }
        }
        match made {
            Some(mut answer) => {
                if documented.links {
                    page_links(&mut answer, path, query, &own_base(headers));
                }
                Reply::Made(answer)
            }
            None if !documented.links => Reply::Documented(documented),
            None => Reply::Documented(self.linked(&documented, path, query, &own_base(headers))),
        }
    }

    /// The documented answer to `path?query` with its paging links on the mock at `own`,
    /// made once per address and kept.
    fn linked(
        &self,
        documented: &MockAnswer,
        path: &str,
        query: Option<&str>,
        own: &str,
    ) -> Arc<MockAnswer> {
        let kept_as = query.unwrap_or_default();
        let unchanged = |from: &Linked| from.own == own && from.documented == documented.body;
        if let Some(answer) = self.linked.get(path, kept_as, unchanged) {
            return answer;
        }
        let answer = Arc::new(links::on_mock(documented, path, query, own));
        let from = Linked {
            documented: documented.body.clone(),
            own: own.to_owned(),
        };
        self.linked.keep(path, kept_as, from, answer.clone());
        answer
    }
}

/// What an answer with its links on the mock was made from.
#[derive(Debug)]
struct Linked {
    /// The documented answer (a query may shape it differently each time).
    documented: Bytes,
    /// The mock's address as the client gave it.
    own: String,
}

/// Points the answer's paging links at the mock ([`links::body_on_mock`]).
fn page_links(answer: &mut Answer, path: &str, query: Option<&str>, own: &str) {
    if let Some(body) = links::body_on_mock(&answer.body, path, query, own) {
        answer.body = body;
    }
}
