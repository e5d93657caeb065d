//! The environment's HTTP proxy: used for remote targets, never for the embedded mock or another
//! loopback target, which a proxy elsewhere could not reach (a CI runner with `HTTP_PROXY` set
//! must still pass `cargo test` on a fresh clone).

mod common;

use axum::http::Uri;
use std::process::Output;
use std::sync::{Arc, Mutex};

/// A proxy that forwards nothing: it records the request target it was asked for and answers
/// 418, so that a request which went through it is unmistakable.
async fn recording_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let log = Arc::clone(&log);
        async move {
            log.lock().unwrap().push(uri.to_string());
            (axum::http::StatusCode::IM_A_TEAPOT, "proxied")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

async fn contract_behind(proxy: &str, args: &[&str]) -> Output {
    let mut command = common::contract();
    command
        .arg("run")
        .args(args)
        .arg("--cases")
        .arg(common::cases())
        .env("HTTP_PROXY", proxy)
        .env("http_proxy", proxy)
        .env("HTTPS_PROXY", proxy)
        .env("https_proxy", proxy);
    for name in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
        command.env_remove(name);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_mock_is_reached_directly_when_a_proxy_is_set() {
    let (proxy, seen) = recording_proxy().await;
    let run = contract_behind(&proxy, &[]).await;
    let output = text(&run);
    assert_eq!(run.status.code(), Some(0), "{output}");
    let summary = output
        .lines()
        .find(|line| line.contains(" passed, "))
        .unwrap_or_default();
    assert!(summary.contains(" passed, 0 failed, 0 errors"), "{output}");
    assert!(!summary.starts_with("0 passed"), "{output}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_target_goes_through_the_proxy() {
    let (proxy, seen) = recording_proxy().await;
    // graph.example.test never resolves: only the proxy can have answered.
    let run = contract_behind(
        &proxy,
        &[
            "--base-url",
            "http://graph.example.test/",
            "--filter",
            "list_users_select",
        ],
    )
    .await;
    let output = text(&run);
    assert_eq!(run.status.code(), Some(1), "{output}");
    assert!(output.contains("expected status 200, got 418"), "{output}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("http://graph.example.test/v1.0/users?"),
        "{seen:?}"
    );
}
