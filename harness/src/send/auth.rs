//! Where the bearer token comes from: given as is, or fetched with OAuth 2.0 client
//! credentials, cached, and refreshed before it expires.

use super::{build_error, builder, is_loopback, ClientOptions, SendError};
use secrecy::{ExposeSecret, SecretString};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How to get a token from an OAuth 2.0 token endpoint: client credentials
/// (`CONTRACT_TOKEN_URL`, `CONTRACT_CLIENT_ID`, `CONTRACT_CLIENT_SECRET`, `CONTRACT_SCOPE`), or
/// an account of ApiDoctor's accounts file (a refresh token, or a user name and password).
/// `Debug` shows the secrets as `[REDACTED]` (they are `SecretString`s).
#[derive(Clone, Debug)]
pub struct OAuth {
    /// The token endpoint, e.g. `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`.
    pub token_url: String,
    /// The application (client) id.
    pub client_id: String,
    /// The client secret, when the grant sends one. Never printed.
    pub client_secret: Option<SecretString>,
    /// What the application presents for the token.
    pub grant: Grant,
    /// The scope asked for, space-separated (client credentials and password grants).
    pub scope: Option<String>,
    /// The resource asked for (Azure AD v1 endpoints; the refresh-token grant).
    pub resource: Option<String>,
    /// The redirect URI the refresh token was issued to (the refresh-token grant).
    pub redirect_uri: Option<String>,
}

/// An OAuth 2.0 grant.
#[derive(Clone, Debug)]
pub enum Grant {
    /// The application signs in as itself.
    ClientCredentials,
    /// A refresh token, redeemed for an access token (ApiDoctor's `RefreshToken`); a new
    /// refresh token in the answer replaces it.
    RefreshToken(SecretString),
    /// A user name and password (ApiDoctor's `UserPassword`).
    Password {
        /// The user.
        username: String,
        /// The password. Never printed.
        password: SecretString,
    },
}

impl OAuth {
    /// Client credentials, as the `CONTRACT_*` settings give them.
    pub fn client_credentials(
        token_url: String,
        client_id: String,
        client_secret: SecretString,
        scope: String,
    ) -> OAuth {
        OAuth {
            token_url,
            client_id,
            client_secret: Some(client_secret),
            grant: Grant::ClientCredentials,
            scope: Some(scope),
            resource: None,
            redirect_uri: None,
        }
    }

    /// The secrets it holds: the client secret, the refresh token, the password.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets: Vec<SecretString> = self.client_secret.iter().cloned().collect();
        match &self.grant {
            Grant::ClientCredentials => {}
            Grant::RefreshToken(token) => secrets.push(token.clone()),
            Grant::Password { password, .. } => secrets.push(password.clone()),
        }
        secrets
    }

    /// The form sent to the token endpoint, with `refresh` standing for the refresh token
    /// (the latest one, when the endpoint has rotated it). The fields of each grant are
    /// ApiDoctor's (`Auth/OAuthTokenGenerator.cs:61-68`, `OAuthAccount.cs:203-231`).
    fn form(&self, refresh: Option<&SecretString>) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("client_id", &self.client_id);
        match &self.grant {
            Grant::ClientCredentials => {
                form.append_pair("grant_type", "client_credentials");
            }
            Grant::RefreshToken(token) => {
                form.append_pair("grant_type", "refresh_token");
                form.append_pair("refresh_token", refresh.unwrap_or(token).expose_secret());
                if let Some(uri) = &self.redirect_uri {
                    form.append_pair("redirect_uri", uri);
                }
            }
            Grant::Password { username, password } => {
                form.append_pair("grant_type", "password");
                form.append_pair("username", username);
                form.append_pair("password", password.expose_secret());
            }
        }
        if let Some(secret) = &self.client_secret {
            form.append_pair("client_secret", secret.expose_secret());
        }
        if let Some(scope) = &self.scope {
            form.append_pair("scope", scope);
        }
        if let Some(resource) = &self.resource {
            form.append_pair("resource", resource);
        }
        form.finish()
    }
}

/// Refresh this long before the token's announced expiry, so no request carries a token that
/// expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// Hands out the current token, fetching or refreshing it when needed. One per client, made
/// once: the size of its largest variant costs nothing worth a box.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum TokenSource {
    None,
    Static(SecretString),
    OAuth {
        settings: OAuth,
        cached: Mutex<Option<(SecretString, Instant)>>,
        /// The refresh token the endpoint last gave, when it rotates them.
        refresh: Mutex<Option<SecretString>>,
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
            (None, Some(settings)) => TokenSource::OAuth {
                settings: settings.clone(),
                cached: Mutex::new(None),
                refresh: Mutex::new(None),
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
            TokenSource::OAuth {
                settings,
                cached,
                refresh,
                issued,
                http,
            } => {
                let mut cached = cached.lock().await;
                if let Some((token, expires)) = cached.as_ref() {
                    if Instant::now() + REFRESH_MARGIN < *expires {
                        return Ok(Some(token.clone()));
                    }
                }
                let mut refresh = refresh.lock().await;
                let fetched = fetch(http, settings, refresh.as_ref()).await?;
                let token = fetched.token;
                // Registered before it is used: an echo of it in the answer is then hidden.
                {
                    let mut issued = issued.lock().unwrap_or_else(|e| e.into_inner());
                    issued.push(token.clone());
                    issued.extend(fetched.refresh_token.clone());
                }
                if let Some(rotated) = fetched.refresh_token {
                    *refresh = Some(rotated);
                }
                let lifetime = fetched.lifetime;
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
            TokenSource::OAuth { issued, .. } => {
                issued.lock().unwrap_or_else(|e| e.into_inner()).clone()
            }
            _ => Vec::new(),
        }
    }
}

/// What a token endpoint answered.
struct Fetched {
    token: SecretString,
    lifetime: Duration,
    /// A new refresh token, when the endpoint rotates them.
    refresh_token: Option<SecretString>,
}

async fn fetch(
    http: &reqwest::Client,
    settings: &OAuth,
    refresh: Option<&SecretString>,
) -> Result<Fetched, SendError> {
    let form = settings.form(refresh);
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
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failed("the answer has no access_token".into()))?;
    let lifetime = body["expires_in"]
        .as_u64()
        .or_else(|| body["expires_in"].as_str()?.parse().ok())
        .unwrap_or(3600);
    Ok(Fetched {
        token: SecretString::from(token),
        lifetime: Duration::from_secs(lifetime),
        refresh_token: body["refresh_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(SecretString::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(oauth: &OAuth) -> Vec<(String, String)> {
        url::form_urlencoded::parse(oauth.form(None).as_bytes())
            .into_owned()
            .collect()
    }

    fn oauth(grant: Grant) -> OAuth {
        OAuth {
            token_url: "https://t".into(),
            client_id: "id".into(),
            client_secret: None,
            grant,
            scope: None,
            resource: None,
            redirect_uri: Some("https://app/r".into()),
        }
    }

    /// Auth/OAuthTokenGenerator.cs:61-68: client_id, redirect_uri, client_secret when there is
    /// one, refresh_token, grant_type, resource when there is one; no scope.
    #[test]
    fn a_refresh_token_is_redeemed_with_apidoctors_fields() {
        let mut account = oauth(Grant::RefreshToken("r".to_owned().into()));
        account.client_secret = Some("s".to_owned().into());
        account.resource = Some("https://res".into());
        let fields = form(&account);
        for pair in [
            ("client_id", "id"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "r"),
            ("redirect_uri", "https://app/r"),
            ("client_secret", "s"),
            ("resource", "https://res"),
        ] {
            assert!(
                fields.contains(&(pair.0.into(), pair.1.into())),
                "{pair:?} in {fields:?}"
            );
        }
        assert!(!fields.iter().any(|(k, _)| k == "scope"));
        // A rotated refresh token is used the next time.
        let rotated = SecretString::from("r2");
        let next: Vec<(String, String)> =
            url::form_urlencoded::parse(account.form(Some(&rotated)).as_bytes())
                .into_owned()
                .collect();
        assert!(next.contains(&("refresh_token".into(), "r2".into())));
    }

    /// OAuthAccount.cs:203-231: username, password, scope, client_id, grant_type=password.
    #[test]
    fn a_password_grant_sends_the_user_and_the_scopes() {
        let mut account = oauth(Grant::Password {
            username: "me".into(),
            password: "pw".to_owned().into(),
        });
        account.scope = Some("files.read files.readwrite".into());
        account.redirect_uri = None;
        let fields = form(&account);
        for pair in [
            ("grant_type", "password"),
            ("username", "me"),
            ("password", "pw"),
            ("scope", "files.read files.readwrite"),
            ("client_id", "id"),
        ] {
            assert!(
                fields.contains(&(pair.0.into(), pair.1.into())),
                "{pair:?} in {fields:?}"
            );
        }
        assert_eq!(account.secrets().len(), 1, "the password is a secret");
    }
}
