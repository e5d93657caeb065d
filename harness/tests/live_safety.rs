//! Secrets never reach output, and writes are opt-in against real services.

mod common;

use axum::http::HeaderMap;
use std::process::Output;

const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.s3cr3t-test-token";

fn contract(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = common::contract();
    command.args(args).arg("--cases").arg(common::cases());
    command.envs(envs.iter().copied());
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Echoes the Authorization header back in the body, the worst case for a leak.
async fn echo_server() -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(|headers: HeaderMap| async move {
        let authorization = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        axum::Json(serde_json::json!({
            "value": [{ "displayName": authorization, "id": 1 }],
            "authorization": authorization,
        }))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_token_appears_nowhere_in_the_output() {
    let addr = echo_server().await;
    let base = format!("http://{addr}/");
    let reports = tempfile::tempdir().unwrap();
    let junit = reports.path().join("junit.xml");
    let run = tokio::task::spawn_blocking(move || {
        contract(
            &[
                "run",
                "--filter",
                "list_users_select",
                "--base-url",
                &base,
                "--token-env",
                "MY_TOKEN",
            ],
            &[("MY_TOKEN", TOKEN)],
        )
    })
    .await
    .unwrap();
    let output = text(&run);
    assert_eq!(
        run.status.code(),
        Some(1),
        "the echoed body differs from the docs:\n{output}"
    );
    assert!(
        output.contains("Bearer ***") || output.contains("***"),
        "the echo is shown, redacted:\n{output}"
    );
    assert!(
        !output.contains("s3cr3t-test-token"),
        "token leaked:\n{output}"
    );
    let _ = junit;

    let dry = contract(
        &["run", "--dry-run", "--filter", "list_users"],
        &[("CONTRACT_TOKEN", TOKEN)],
    );
    let output = text(&dry);
    assert!(output.contains("Authorization: Bearer ***"), "{output}");
    assert!(!output.contains("s3cr3t-test-token"), "{output}");
}

#[test]
fn writes_are_skipped_against_a_remote_service_unless_allowed() {
    // --dry-run: nothing leaves the machine, and graph.example.test does not resolve anyway.
    let remote = [
        "run",
        "--dry-run",
        "--base-url",
        "https://graph.example.test/",
        "--filter",
        "message_update",
    ];
    let output = text(&contract(&remote, &[]));
    assert!(
        output.contains("(not sent: writes are not allowed against graph.example.test: pass --allow-writes (CONTRACT_ALLOW_WRITES=1))"),
        "{output}"
    );
    let vars = tempfile::NamedTempFile::with_suffix(".toml").unwrap();
    std::fs::write(vars.path(), "id = \"AAMkAGI2\"\n").unwrap();
    let vars_path = vars.path().to_str().unwrap();
    let allowed = [&remote[..], &["--allow-writes", "--vars", vars_path]].concat();
    let output = text(&contract(&allowed, &[]));
    assert!(
        output.contains("PATCH https://graph.example.test/v1.0/me/messages/AAMkAGI2"),
        "{output}"
    );
    let by_env = text(&contract(
        &[&remote[..], &["--vars", vars_path]].concat(),
        &[("CONTRACT_ALLOW_WRITES", "1")],
    ));
    assert!(
        by_env.contains("PATCH https://graph.example.test/v1.0/me/messages/AAMkAGI2"),
        "{by_env}"
    );
    // The embedded mock is loopback: writes run there without asking.
    let local = text(&contract(
        &["run", "--dry-run", "--filter", "message_update"],
        &[],
    ));
    assert!(local.contains("PATCH http://127.0.0.1:"), "{local}");
}
