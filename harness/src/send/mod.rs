//! Case → HTTP exchange with a target service (reqwest on tokio).
//!
//! [`plan`] turns a case into the exact request (pure, used by `--dry-run`); [`Client`] sends
//! it and reads the answer into an [`ActualResponse`] for `check`.

mod plan;
mod vars;

pub use plan::{plan, service_path, PlanError, PlannedRequest};
pub use vars::{Vars, VarsError};

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
    /// Bearer token for the `Authorization` header.
    pub token: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            body_limit: 10 * 1024 * 1024,
            token: None,
        }
    }
}

/// Why an exchange produced no response. Messages never contain the URL's query or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No connection could be made.
    #[error("failed to connect to the target: {0}")]
    Connect(String),
    /// The exchange took longer than the timeout.
    #[error("no complete answer within {0:?} (raise it with --timeout)")]
    Timeout(Duration),
    /// The connection broke, or the answer was not HTTP.
    #[error("the exchange failed: {0}")]
    Broken(String),
}

/// One HTTP client for a whole run, so that connections are reused.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    options: ClientOptions,
}

impl Client {
    /// Builds the client.
    pub fn new(options: ClientOptions) -> Result<Client, SendError> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .pool_max_idle_per_host(64)
            // The docs show redirects as responses (302 to a download URL): check them, do not
            // follow them, which also keeps the token from ever reaching another origin.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SendError::Broken(e.without_url().to_string()))?;
        Ok(Client { http, options })
    }

    /// Sends one request and reads the answer, cutting the body at the limit.
    pub async fn send(&self, request: &PlannedRequest) -> Result<ActualResponse, SendError> {
        let started = Instant::now();
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
            SendError::Broken(format!("`{}` is not an HTTP method", request.method))
        })?;
        let mut builder = self.http.request(method, request.url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(token) = &self.options.token {
            builder = builder.bearer_auth(token);
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
        if timeout {
            SendError::Timeout(self.options.timeout)
        } else if connect {
            SendError::Connect(message)
        } else {
            SendError::Broken(message)
        }
    }
}
