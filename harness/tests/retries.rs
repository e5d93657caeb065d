//! The retry policy, against a server that counts what it receives: a request that may have
//! reached the server is repeated only when its method is idempotent.

mod common;

use contract_harness::send::{Client, ClientOptions, PlannedRequest, SendError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Counts = Arc<Mutex<HashMap<(String, String), usize>>>;

/// Reads one request from `stream` and counts it by method and path; its path, or `None` when
/// nothing could be read.
async fn count(stream: &mut tokio::net::TcpStream, counts: &Counts) -> Option<String> {
    let mut buffer = vec![0u8; 8192];
    let n = stream.read(&mut buffer).await.ok()?;
    let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
    let mut words = request.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let path = words.next().unwrap_or_default().to_owned();
    *counts
        .lock()
        .unwrap()
        .entry((method, path.clone()))
        .or_default() += 1;
    Some(path)
}

/// Counts each request by method and path, then: `slow` answers after 2 s, `gateway` with 502,
/// `gateway-timeout` with 504, `throttled` with 429 (Retry-After: 0), `reset` resets the
/// connection after reading the request.
async fn counting_server(counts: Counts) -> std::net::SocketAddr {
    common::raw_server(move |mut stream| {
        let counts = Arc::clone(&counts);
        async move {
            let Some(path) = count(&mut stream, &counts).await else {
                return;
            };
            let status = match path.as_str() {
                "/slow" => {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    "200 OK"
                }
                "/gateway" => "502 Bad Gateway",
                "/gateway-timeout" => "504 Gateway Timeout",
                "/throttled" => "429 Too Many Requests\r\nRetry-After: 0",
                "/reset" => {
                    let _ = stream.set_zero_linger();
                    return;
                }
                _ => "404 Not Found",
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            );
            let _ = stream.write_all(reply.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    })
    .await
}

struct Fixture {
    client: Client,
    base: url::Url,
    counts: Counts,
}

async fn fixture() -> Fixture {
    let counts: Counts = Arc::default();
    let addr = counting_server(Arc::clone(&counts)).await;
    let base: url::Url = format!("http://{addr}/").parse().unwrap();
    let mut options = ClientOptions {
        timeout: Duration::from_millis(400),
        ..ClientOptions::default()
    };
    options.retry.base_delay = Duration::from_millis(10);
    Fixture {
        client: Client::new(options, &base).unwrap(),
        base,
        counts,
    }
}

impl Fixture {
    /// Sends `method path` and returns the result, the retry notes and how many the server got.
    async fn send(&self, method: &str, path: &str) -> (Result<u16, SendError>, Vec<String>, usize) {
        let request = PlannedRequest {
            method: contract_harness::http::Method::parse(method).expect("a method"),
            url: self.base.join(path).unwrap(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: if method == "GET" {
                Vec::new()
            } else {
                b"{}".to_vec()
            },
        };
        let exchange = self.client.send(&request).await;
        let received = self
            .counts
            .lock()
            .unwrap()
            .get(&(method.to_owned(), path.to_owned()))
            .copied()
            .unwrap_or(0);
        (
            exchange.result.map(|answer| answer.status),
            exchange.retries,
            received,
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_that_timed_out_is_sent_once_and_a_get_is_retried() {
    let f = fixture().await;
    let (result, retries, received) = f.send("POST", "/slow").await;
    assert_eq!(received, 1, "{retries:?}");
    assert!(retries.is_empty(), "{retries:?}");
    let error = result.unwrap_err().to_string();
    assert!(
        error.ends_with("POST is not idempotent: not retried after a timeout"),
        "{error}"
    );
    assert!(
        error.starts_with("no complete answer within 400ms"),
        "{error}"
    );

    let (result, retries, received) = f.send("GET", "/slow").await;
    assert_eq!(received, 4, "{retries:?}");
    assert_eq!(retries.len(), 3, "{retries:?}");
    assert!(matches!(result, Err(SendError::Timeout(_))));

    // PUT and DELETE are idempotent too; PATCH is not.
    assert_eq!(f.send("PUT", "/slow").await.2, 4);
    assert_eq!(f.send("DELETE", "/slow").await.2, 4);
    assert_eq!(f.send("PATCH", "/slow").await.2, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_after_sending_is_retried_only_for_idempotent_methods() {
    let f = fixture().await;
    let (result, _, received) = f.send("POST", "/reset").await;
    assert_eq!(received, 1);
    let error = result.unwrap_err().to_string();
    assert!(
        error.ends_with("POST is not idempotent: not retried after a broken connection"),
        "{error}"
    );
    let (_, retries, received) = f.send("GET", "/reset").await;
    assert_eq!(received, 4, "{retries:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_errors_are_retried_only_for_idempotent_methods() {
    let f = fixture().await;
    for path in ["/gateway", "/gateway-timeout"] {
        let (result, retries, received) = f.send("PATCH", path).await;
        assert_eq!(received, 1, "{path}");
        assert!(matches!(result, Ok(502 | 504)), "{path}");
        assert_eq!(retries.len(), 1, "{retries:?}");
        assert!(
            retries[0].contains("not retried, PATCH is not idempotent"),
            "{retries:?}"
        );
        let (result, retries, received) = f.send("GET", path).await;
        assert_eq!(received, 4, "{path}: {retries:?}");
        assert!(matches!(result, Ok(502 | 504)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_refused_connections_are_retried_for_any_method() {
    let f = fixture().await;
    let (result, retries, received) = f.send("POST", "/throttled").await;
    assert_eq!(received, 4, "{retries:?}");
    assert_eq!(result.unwrap(), 429);
    assert!(
        retries[0].contains("waited 0.0s as Retry-After asked"),
        "{retries:?}"
    );

    // Nothing listens: the request was never written, so even a POST is tried again.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base: url::Url = format!("http://{}/", closed.local_addr().unwrap())
        .parse()
        .unwrap();
    drop(closed);
    let mut options = ClientOptions::default();
    options.retry.base_delay = Duration::from_millis(10);
    let client = Client::new(options, &base).unwrap();
    let exchange = client
        .send(&PlannedRequest {
            method: contract_harness::http::Method::Post,
            url: base.join("/create").unwrap(),
            headers: Vec::new(),
            body: b"{}".to_vec(),
        })
        .await;
    assert!(matches!(exchange.result, Err(SendError::Connect(_))));
    assert_eq!(exchange.retries.len(), 3, "{:?}", exchange.retries);
}

#[test]
fn seed_003_post_is_sent_once_by_contract_run_after_a_timeout() {
    // The measurement: `contract run --timeout 1` over seed 003 against a server that
    // takes 5 s. The server must see one POST.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let counts: Counts = Arc::default();
    let addr = runtime.block_on(common::raw_server({
        let counts = Arc::clone(&counts);
        move |mut stream| {
            let counts = Arc::clone(&counts);
            async move {
                count(&mut stream, &counts).await;
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let vars = common::seed_003_vars(dir.path());
    let output = common::contract()
        .args([
            "run",
            "--timeout",
            "1",
            "--filter",
            "workbookchartpoint",
            "--base-url",
        ])
        .arg(format!("http://{addr}/"))
        .arg("--cases")
        .arg(common::cases())
        .arg("--vars")
        .arg(&vars)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("POST is not idempotent: not retried after a timeout"),
        "{text}"
    );
    let posts: usize = counts
        .lock()
        .unwrap()
        .iter()
        .filter(|((method, _), _)| method == "POST")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(posts, 1);
    drop(runtime);
}
