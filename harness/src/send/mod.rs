//! Case → HTTP exchange with a target service (reqwest on tokio).
//!
//! [`plan`] turns a case into the exact request (pure, used by `--dry-run`); [`Client`] sends
//! it and reads the answer into an [`ActualResponse`] for `check`.

mod auth;
mod plan;
mod retry;
mod vars;

pub use auth::{Grant, OAuth};
pub use plan::{plan, plan_request, service_path, PlanError, PlannedRequest};
pub use retry::{parse_retry_after, RetryPolicy};
pub use vars::{Vars, VarsError};

use auth::TokenSource;
use secrecy::{ExposeSecret, SecretString};

use std::time::{Duration, Instant};

/// What the target answered, as the checks see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualResponse {
    /// The status code.
    pub status: u16,
    /// Response headers in the order received; names as sent by the server.
    pub headers: Vec<(String, String)>,
    /// The body, decompressed; at most the configured body limit.
    pub body: Vec<u8>,
    /// The body was longer than the limit and was cut (see `body`).
    pub body_cut: bool,
    /// How long the exchange took, retries included.
    pub elapsed: Duration,
}

impl ActualResponse {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the client talks to the target.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one whole exchange, body included.
    pub timeout: Duration,
    /// Bodies longer than this are cut and reported, never held whole.
    pub body_limit: usize,
    /// Bearer token for the `Authorization` header; held so that it cannot be printed by
    /// accident (`Debug` shows `[REDACTED]`).
    pub token: Option<SecretString>,
    /// How to get a token from an OAuth 2.0 endpoint, used when there is no `token`.
    pub oauth: Option<OAuth>,
    /// Headers added to every request (after the documented ones).
    pub extra_headers: Vec<(String, String)>,
    /// When to retry.
    pub retry: RetryPolicy,
    /// At most this many requests per second across the run (attempts included).
    pub requests_per_second: Option<f64>,
    /// Certificate authorities trusted besides the public ones (`--cacert`), for a target
    /// whose certificate a private or development CA signed.
    pub ca_certificates: Vec<reqwest::Certificate>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            body_limit: 10 * 1024 * 1024,
            token: None,
            oauth: None,
            extra_headers: Vec::new(),
            retry: RetryPolicy::default(),
            requests_per_second: None,
            ca_certificates: Vec::new(),
        }
    }
}

impl ClientOptions {
    /// The secrets known before anything is sent: the token and the client secret.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets: Vec<SecretString> = self.token.iter().cloned().collect();
        secrets.extend(self.oauth.iter().flat_map(OAuth::secrets));
        secrets
    }
}

/// Why an exchange produced no response. Messages never contain the URL's query or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No connection could be made.
    #[error("failed to connect to the target: {0}")]
    Connect(String),
    /// No connection was made within the connect timeout.
    #[error(
        "no connection within {0:?} (raise it with --connect-timeout or CONTRACT_CONNECT_TIMEOUT)"
    )]
    ConnectTimeout(Duration),
    /// The exchange took longer than the timeout.
    #[error("no complete answer within {0:?} (raise it with --timeout or CONTRACT_TIMEOUT)")]
    Timeout(Duration),
    /// The target's TLS certificate is not trusted; retrying cannot help.
    #[error("the target's TLS certificate is not trusted ({0}): pass --cacert FILE (or set CONTRACT_CACERT) with the certificate authority that signed it")]
    UntrustedCertificate(String),
    /// The connection broke, or the answer was not HTTP.
    #[error("the exchange failed: {0}")]
    Broken(String),
    /// No token could be obtained.
    #[error("{0}")]
    Auth(String),
    /// A timeout or a broken connection after the request may have been written, on a
    /// method that is not idempotent: sending it again could act twice.
    #[error("{cause}; {method} is not idempotent: not retried after {after}")]
    NotRetried {
        /// What happened.
        cause: Box<SendError>,
        /// The request's method.
        method: crate::http::Method,
        /// `a timeout` or `a broken connection`.
        after: &'static str,
    },
}

impl SendError {
    /// True when no connection could be made, after the retries (refused, timed out,
    /// untrusted TLS): the runner's gate stops sending after a few of these and no success.
    pub fn proves_unreachable(&self) -> bool {
        matches!(
            self,
            SendError::Connect(_)
                | SendError::ConnectTimeout(_)
                | SendError::UntrustedCertificate(_)
        )
    }

    /// Failures worth another try: the network, not the request.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            SendError::Connect(_)
                | SendError::ConnectTimeout(_)
                | SendError::Timeout(_)
                | SendError::Broken(_)
        )
    }

    /// What a failure after the request may have reached the server is called in a verdict;
    /// `None` when the request cannot have been written (no connection was made).
    fn after_sending(&self) -> Option<&'static str> {
        match self {
            SendError::Timeout(_) => Some("a timeout"),
            SendError::Broken(_) => Some("a broken connection"),
            _ => None,
        }
    }
}

/// One case's exchange: the final answer (or failure) and a line per retried attempt.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The last attempt's answer.
    pub result: Result<ActualResponse, SendError>,
    /// Why each earlier attempt was retried and how long we waited.
    pub retries: Vec<String>,
}

/// One HTTP client for a whole run, so that connections are reused.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    options: ClientOptions,
    token: TokenSource,
    /// The earliest moment the next request may start, for the requests-per-second limit.
    next_slot: tokio::sync::Mutex<Instant>,
}

impl Client {
    /// True when requests carry a bearer token (given, or fetched with client credentials).
    pub fn authenticates(&self) -> bool {
        self.options.token.is_some() || self.options.oauth.is_some()
    }

    /// Builds the client for one target.
    pub fn new(options: ClientOptions, target: &url::Url) -> Result<Client, SendError> {
        let http = builder(&options, is_loopback(target))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(build_error)?;
        Ok(Client {
            token: TokenSource::new(&options)?,
            http,
            options,
            next_slot: tokio::sync::Mutex::new(Instant::now()),
        })
    }

    /// Every secret known at this moment: the token and client secret of the options, and each
    /// token fetched so far. Output is redacted with what this returns when it is written.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets = self.options.secrets();
        secrets.extend(self.token.issued());
        secrets
    }

    /// Sends one request, retrying as the policy allows (README, "Retries"): any method when
    /// the request cannot have reached the server (no connection) or the server said so (429,
    /// 503); only idempotent methods after a timeout, a broken connection, 502 or 504, since
    /// the server may have acted on the request.
    pub async fn send(&self, request: &PlannedRequest) -> Exchange {
        let policy = &self.options.retry;
        let idempotent = request.method.is_idempotent();
        let mut retries = Vec::new();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut result = self.send_once(request).await;
            let can_retry = attempt <= policy.max_retries;
            let wait = match &result {
                Ok(answer) if can_retry && !idempotent && matches!(answer.status, 502 | 504) => {
                    retries.push(format!(
                        "attempt {attempt}: {}: not retried, {} is not idempotent (the service may have acted on it)",
                        status_text(answer.status),
                        request.method
                    ));
                    None
                }
                Ok(answer) if can_retry && retry::is_transient_status(answer.status) => {
                    let asked = matches!(answer.status, 429 | 503)
                        .then(|| answer.header("retry-after").and_then(parse_retry_after))
                        .flatten();
                    let status = status_text(answer.status);
                    Some(match asked {
                        Some(asked) => {
                            let wait = asked.min(policy.max_retry_after);
                            (
                                wait,
                                format!("{status}: waited {} as Retry-After asked", seconds(wait)),
                            )
                        }
                        None => {
                            let wait = policy.backoff(attempt);
                            (
                                wait,
                                format!("{status}: waited {} (backoff)", seconds(wait)),
                            )
                        }
                    })
                }
                Err(error) if can_retry && !idempotent && error.after_sending().is_some() => {
                    let after = error.after_sending().unwrap_or_default();
                    result = Err(SendError::NotRetried {
                        cause: Box::new(error.clone()),
                        method: request.method,
                        after,
                    });
                    None
                }
                Err(error) if can_retry && error.is_transient() => {
                    let wait = policy.backoff(attempt);
                    Some((wait, format!("{error}: waited {} (backoff)", seconds(wait))))
                }
                _ => None,
            };
            match wait {
                Some((wait, note)) => {
                    retries.push(format!("attempt {attempt}: {note}"));
                    tokio::time::sleep(wait).await;
                }
                None => return Exchange { result, retries },
            }
        }
    }

    async fn pace(&self) {
        let Some(rate) = self.options.requests_per_second.filter(|r| *r > 0.0) else {
            return;
        };
        let start = {
            let mut next = self.next_slot.lock().await;
            let start = (*next).max(Instant::now());
            *next = start + Duration::from_secs_f64(1.0 / rate);
            start
        };
        tokio::time::sleep_until(start.into()).await;
    }

    async fn send_once(&self, request: &PlannedRequest) -> Result<ActualResponse, SendError> {
        self.pace().await;
        let started = Instant::now();
        let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes())
            .expect("every documented method is an HTTP method");
        let mut builder = self.http.request(method, request.url.clone());
        for (name, value) in request.headers.iter().chain(&self.options.extra_headers) {
            builder = builder.header(name, value);
        }
        if let Some(token) = self.token.token().await? {
            builder = builder.bearer_auth(token.expose_secret());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let mut response = builder.send().await.map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut body_cut = false;
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            let room = self.options.body_limit - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                body_cut = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(ActualResponse {
            status,
            headers,
            body,
            body_cut,
            elapsed: started.elapsed(),
        })
    }

    fn classify(&self, error: reqwest::Error) -> SendError {
        let timeout = error.is_timeout();
        let connect = error.is_connect();
        let error = error.without_url();
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        if let Some(problem) = certificate_problem(&error) {
            SendError::UntrustedCertificate(problem)
        } else if timeout && connect {
            SendError::ConnectTimeout(self.options.connect_timeout)
        } else if timeout {
            SendError::Timeout(self.options.timeout)
        } else if connect {
            SendError::Connect(message)
        } else {
            SendError::Broken(message)
        }
    }
}

/// The settings every client of ours shares. The environment's proxies (`HTTPS_PROXY`,
/// `NO_PROXY`, …) are used, except for a [loopback](is_loopback) target: a proxy on another
/// machine cannot reach this one's 127.0.0.1, and the embedded mock would be unreachable from a
/// CI runner that sets `HTTP_PROXY`.
fn builder(options: &ClientOptions, target_is_loopback: bool) -> reqwest::ClientBuilder {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        // The docs show redirects as responses (302 to a download URL): check them, do not
        // follow them. This also keeps a token or a client secret from reaching another origin.
        .redirect(reqwest::redirect::Policy::none());
    for certificate in &options.ca_certificates {
        builder = builder.add_root_certificate(certificate.clone());
    }
    if target_is_loopback {
        builder.no_proxy()
    } else {
        builder
    }
}

/// The certificate authorities in a PEM file (`--cacert`), with an error that names the file.
pub fn read_ca_certificates(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, String> {
    let shown = path.display();
    let pem =
        std::fs::read(path).map_err(|e| format!("failed to read the CA file {shown}: {e}"))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("failed to read the CA file {shown}: {e}"))?;
    if certificates.is_empty() {
        return Err(format!(
            "failed to read the CA file {shown}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certificates)
}

/// The certificate complaint of a failed exchange, if that is what failed. rustls's error sits
/// inside `io::Error`s (nested: reqwest wraps tokio-rustls's), whose `source()` skips what they
/// wrap, hence the walk through `get_ref`.
fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        let mut candidate = current;
        loop {
            if let Some(problem @ rustls::Error::InvalidCertificate(_)) =
                candidate.downcast_ref::<rustls::Error>()
            {
                return Some(problem.to_string());
            }
            match candidate
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                Some(inner) => candidate = inner,
                None => break,
            }
        }
        cause = current.source();
    }
    None
}

/// A client that cannot be built (bad TLS set-up, unreadable proxy settings).
fn build_error(error: reqwest::Error) -> SendError {
    SendError::Broken(error.without_url().to_string())
}

/// True for targets on this machine: writes there cannot hurt a shared tenant, and no proxy
/// stands between us and them.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_targets() {
        for url in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://localhost/",
            "http://127.8.0.1/",
        ] {
            assert!(is_loopback(&url.parse().unwrap()), "{url}");
        }
        for url in [
            "https://graph.microsoft.com/",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
        ] {
            assert!(!is_loopback(&url.parse().unwrap()), "{url}");
        }
    }
}
