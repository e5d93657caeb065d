//! Where the bearer token comes from: given as is, or fetched with OAuth 2.0 client
//! credentials, cached, and refreshed before it expires.

use super::{build_error, builder, is_loopback, ClientOptions, SendError};
use secrecy::{ExposeSecret, SecretString};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// OAuth 2.0 client-credentials settings (`CONTRACT_TOKEN_URL`, `CONTRACT_CLIENT_ID`,
/// `CONTRACT_CLIENT_SECRET`, `CONTRACT_SCOPE`).
/// `Debug` shows the secret as `[REDACTED]` (it is a `SecretString`).
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    /// The token endpoint, e.g. `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`.
    pub token_url: String,
    /// The application (client) id.
    pub client_id: String,
    /// The client secret. Never printed.
    pub client_secret: SecretString,
    /// The scope, e.g. `https://graph.microsoft.com/.default`.
    pub scope: String,
}

/// Refresh this long before the token's announced expiry, so no request carries a token that
/// expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// Hands out the current token, fetching or refreshing it when needed.
#[derive(Debug)]
pub(crate) enum TokenSource {
    None,
    Static(SecretString),
    ClientCredentials {
        settings: ClientCredentials,
        cached: Mutex<Option<(SecretString, Instant)>>,
        /// Every token fetched so far: each must be hidden from every output.
        issued: std::sync::Mutex<Vec<SecretString>>,
        /// The token endpoint's own client: the endpoint may need the environment's proxy when
        /// the target, on loopback, is reached directly.
        http: reqwest::Client,
    },
}

impl TokenSource {
    pub(crate) fn new(options: &ClientOptions) -> Result<TokenSource, SendError> {
        Ok(match (&options.token, &options.oauth) {
            (Some(token), _) => TokenSource::Static(token.clone()),
            (None, Some(settings)) => TokenSource::ClientCredentials {
                settings: settings.clone(),
                cached: Mutex::new(None),
                issued: std::sync::Mutex::new(Vec::new()),
                http: {
                    let endpoint = url::Url::parse(&settings.token_url);
                    builder(options, endpoint.is_ok_and(|url| is_loopback(&url)))
                        .build()
                        .map_err(build_error)?
                },
            },
            (None, None) => TokenSource::None,
        })
    }

    /// The token to send, if any.
    pub(crate) async fn token(&self) -> Result<Option<SecretString>, SendError> {
        match self {
            TokenSource::None => Ok(None),
            TokenSource::Static(token) => Ok(Some(token.clone())),
            TokenSource::ClientCredentials {
                settings,
                cached,
                issued,
                http,
            } => {
                let mut cached = cached.lock().await;
                if let Some((token, expires)) = cached.as_ref() {
                    if Instant::now() + REFRESH_MARGIN < *expires {
                        return Ok(Some(token.clone()));
                    }
                }
                let (token, lifetime) = fetch(http, settings).await?;
                // Registered before it is used: an echo of it in the answer is then hidden.
                issued
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(token.clone());
                *cached = Some((token.clone(), Instant::now() + lifetime));
                Ok(Some(token))
            }
        }
    }
}

impl TokenSource {
    /// The tokens fetched so far (none for a static token, which the options hold).
    pub(crate) fn issued(&self) -> Vec<SecretString> {
        match self {
            TokenSource::ClientCredentials { issued, .. } => {
                issued.lock().unwrap_or_else(|e| e.into_inner()).clone()
            }
            _ => Vec::new(),
        }
    }
}

async fn fetch(
    http: &reqwest::Client,
    settings: &ClientCredentials,
) -> Result<(SecretString, Duration), SendError> {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", &settings.client_id)
        .append_pair("client_secret", settings.client_secret.expose_secret())
        .append_pair("scope", &settings.scope)
        .finish();
    let failed = |detail: String| {
        SendError::Auth(format!(
            "failed to get a token from {}: {detail}",
            settings.token_url
        ))
    };
    let response = http
        .post(&settings.token_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?;
    if !status.is_success() {
        let reason = body["error_description"]
            .as_str()
            .or(body["error"].as_str())
            .unwrap_or("no reason given");
        return Err(failed(format!("{status}: {reason}")));
    }
    let token = body["access_token"]
        .as_str()
        .ok_or_else(|| failed("the answer has no access_token".into()))?;
    let lifetime = body["expires_in"]
        .as_u64()
        .or_else(|| body["expires_in"].as_str()?.parse().ok())
        .unwrap_or(3600);
    Ok((SecretString::from(token), Duration::from_secs(lifetime)))
}
