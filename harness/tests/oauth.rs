//! OAuth 2.0 client credentials. The token is fetched once, cached, refreshed before
//! it expires, sent only to the target, and the client secret never appears in errors.

use axum::extract::State;
use axum::http::HeaderMap;
use contract_harness::send::{Client, ClientOptions, OAuth, PlannedRequest, SendError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const SECRET: &str = "client-s3cr3t-value";

/// A token endpoint that counts its calls and hands out `token-N`, valid for `lifetime` seconds;
/// with a wrong secret it answers 401 the way Entra ID does.
async fn token_endpoint(lifetime: u64) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new()
        .fallback(|State((calls, lifetime)): State<(Arc<AtomicUsize>, u64)>, body: String| async move {
            if !body.contains(&format!("client_secret={SECRET}")) || !body.contains("grant_type=client_credentials") {
                return (
                    axum::http::StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})),
                );
            }
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            (
                axum::http::StatusCode::OK,
                axum::Json(serde_json::json!({"access_token": format!("token-{n}"), "expires_in": lifetime, "token_type": "Bearer"})),
            )
        })
        .with_state((Arc::clone(&calls), lifetime));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/tenant/oauth2/v2.0/token"), calls)
}

/// The target: echoes the Authorization header it got.
async fn target() -> url::Url {
    let app = axum::Router::new().fallback(|headers: HeaderMap| async move {
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/v1.0/me").parse().unwrap()
}

fn client(token_url: String, secret: &str, target: &url::Url) -> Client {
    Client::new(
        ClientOptions {
            oauth: Some(OAuth::client_credentials(
                token_url,
                "app-id".into(),
                secret.to_owned().into(),
                "https://graph.microsoft.com/.default".into(),
            )),
            ..ClientOptions::default()
        },
        target,
    )
    .unwrap()
}

async fn authorization(client: &Client, url: &url::Url) -> Result<String, SendError> {
    let request = PlannedRequest {
        method: contract_harness::http::Method::Get,
        url: url.clone(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let answer = client.send(&request).await.result?;
    Ok(String::from_utf8(answer.body).unwrap())
}

#[tokio::test]
async fn the_token_is_fetched_once_and_cached() {
    let (token_url, calls) = token_endpoint(3600).await;
    let url = target().await;
    let client = client(token_url, SECRET, &url);
    assert_eq!(
        authorization(&client, &url).await.unwrap(),
        "Bearer token-1"
    );
    assert_eq!(
        authorization(&client, &url).await.unwrap(),
        "Bearer token-1"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed() {
    // 60 s of life is inside the refresh margin: every exchange gets a fresh token.
    let (token_url, calls) = token_endpoint(60).await;
    let url = target().await;
    let client = client(token_url, SECRET, &url);
    assert_eq!(
        authorization(&client, &url).await.unwrap(),
        "Bearer token-1"
    );
    assert_eq!(
        authorization(&client, &url).await.unwrap(),
        "Bearer token-2"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_refused_secret_is_a_clear_error_without_the_secret() {
    let (token_url, _) = token_endpoint(3600).await;
    let url = target().await;
    let client = client(token_url, "wrong-secret-value", &url);
    let error = authorization(&client, &url).await.unwrap_err().to_string();
    assert!(
        error.contains("failed to get a token from http://127.0.0.1:"),
        "{error}"
    );
    assert!(error.contains("401 Unauthorized: AADSTS7000215"), "{error}");
    assert!(!error.contains("wrong-secret-value"), "{error}");
}
