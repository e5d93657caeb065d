//! A hostile service on 127.0.0.1:0 (resets, stalls, 500s, throttling,
//! garbage, a 20 MiB body, a wrong content type, gzip, a cut body). Every case ends with the
//! expected verdict, the run completes, and nothing panics.

mod common;

use contract_harness::runner::{Outcome, RunOptions, Runner, Summary};
use contract_harness::schema::Schemas;
use contract_harness::send::ClientOptions;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ROUTES: [&str; 9] = [
    "reset",
    "stall",
    "error500",
    "throttled",
    "garbage",
    "huge",
    "wrong-type",
    "gzip",
    "cut",
];

/// One documented example per hostile route, all documenting the same small JSON answer.
fn page() -> String {
    let mut page = String::from("# Hostile service\n\n");
    for route in ROUTES {
        page.push_str(&format!(
            "<!-- {{ \"blockType\": \"request\", \"name\": \"{route}\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/hostile/{route}\n```\n\
             <!-- {{ \"blockType\": \"response\", \"name\": \"{route}\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{{\"id\": \"1\"}}\n```\n\n"
        ));
    }
    page
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Each connection answers one request; `Connection: close` says so, or the client would reuse
/// a connection this server has closed and see a reset where the test expects none.
fn head(status: &str, content_type: &str, length: usize, extra: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n{extra}\r\n").into_bytes()
}

/// When each /throttled request arrived, to observe the wait the client honoured.
type Arrivals = Arc<Mutex<Vec<Instant>>>;

async fn serve(mut stream: TcpStream, arrivals: Arrivals) {
    let mut buffer = vec![0u8; 8192];
    let Ok(n) = stream.read(&mut buffer).await else {
        return;
    };
    let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let route = path.rsplit('/').next().unwrap_or_default();
    let json = br#"{"id": "1"}"#;
    let reply: Vec<u8> = match route {
        "reset" => {
            // Close with unread data and SO_LINGER 0: the client sees a connection reset.
            let _ = stream.set_zero_linger();
            return;
        }
        "stall" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        "error500" => [
            head("500 Internal Server Error", "application/json", 2, ""),
            b"{}".to_vec(),
        ]
        .concat(),
        "throttled" => {
            let first = {
                let mut arrivals = arrivals.lock().unwrap();
                arrivals.push(Instant::now());
                arrivals.len() == 1
            };
            if first {
                [
                    head(
                        "429 Too Many Requests",
                        "application/json",
                        2,
                        "Retry-After: 1\r\n",
                    ),
                    b"{}".to_vec(),
                ]
                .concat()
            } else {
                [
                    head("200 OK", "application/json", json.len(), ""),
                    json.to_vec(),
                ]
                .concat()
            }
        }
        "garbage" => [
            head("200 OK", "application/json", 9, ""),
            b"{\"id\": ]]".to_vec(),
        ]
        .concat(),
        "huge" => {
            let body = format!("{{\"id\": \"{}\"}}", "x".repeat(20 * 1024 * 1024));
            [
                head("200 OK", "application/json", body.len(), ""),
                body.into_bytes(),
            ]
            .concat()
        }
        "wrong-type" => [
            head("200 OK", "text/html", 13, ""),
            b"<p>hello</p>\n".to_vec(),
        ]
        .concat(),
        "gzip" => {
            let body = gzip(json);
            [
                head(
                    "200 OK",
                    "application/json",
                    body.len(),
                    "Content-Encoding: gzip\r\n",
                ),
                body,
            ]
            .concat()
        }
        "cut" => [
            head("200 OK", "application/json", 1000, ""),
            b"{\"id\": \"1".to_vec(),
        ]
        .concat(),
        _ => [
            head("404 Not Found", "application/json", 2, ""),
            b"{}".to_vec(),
        ]
        .concat(),
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.flush().await;
    if route == "cut" {
        return;
    }
    // Keep the connection open briefly so the client reads everything before we close.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

async fn hostile_server(arrivals: Arrivals) -> std::net::SocketAddr {
    common::raw_server(move |stream| serve(stream, Arc::clone(&arrivals))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_answer_ends_as_a_clear_verdict() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("v1.0")).unwrap();
    std::fs::write(dir.path().join("v1.0/hostile.md"), page()).unwrap();
    let list = contract_harness::catalog::Catalog::read(dir.path()).unwrap();
    assert_eq!(list.cases.len(), ROUTES.len());

    let arrivals: Arrivals = Arc::default();
    let addr = hostile_server(Arc::clone(&arrivals)).await;
    let mut client = ClientOptions {
        timeout: Duration::from_millis(700),
        ..ClientOptions::default()
    };
    client.retry.max_retries = 2;
    client.retry.base_delay = Duration::from_millis(10);
    let options = RunOptions {
        base_url: Some(format!("http://{addr}/").parse().unwrap()),
        client,
        ..RunOptions::default()
    };
    let runner = Arc::new(
        Runner::start(&list.cases, Arc::new(Schemas::empty()), options)
            .await
            .unwrap(),
    );
    let cases = Arc::new(list.cases);
    let results = runner.run_all(Arc::clone(&cases), 4, |_| {}).await;

    let outcome = |route: &str| {
        let index = cases
            .iter()
            .position(|c| c.id.ends_with(&format!("::{}", route.replace('-', "_"))))
            .unwrap();
        &results[index]
    };
    let verdict_kinds = |route: &str| match &outcome(route).outcome {
        Outcome::Failed(verdict) => verdict
            .violations
            .iter()
            .map(|v| format!("{:?}", v.kind))
            .collect::<Vec<_>>(),
        other => panic!("{route}: expected a failure, got {other:?}"),
    };

    // The network failed: errors, after the allowed retries.
    for route in ["reset", "stall", "cut"] {
        let result = outcome(route);
        assert!(
            matches!(result.outcome, Outcome::Error(_)),
            "{route}: {:?}",
            result.outcome
        );
        assert_eq!(result.retries.len(), 2, "{route}: {:?}", result.retries);
    }
    let Outcome::Error(stalled) = &outcome("stall").outcome else {
        unreachable!()
    };
    assert!(
        stalled.message.contains("no complete answer within"),
        "{stalled}"
    );
    assert_eq!(stalled.kind, contract_harness::runner::ErrorKind::Exchange);

    // The service answered wrongly: failures with the checks' violations.
    assert_eq!(verdict_kinds("error500"), ["Status", "MissingProperty"]);
    assert!(
        outcome("error500").retries.is_empty(),
        "500 is not transient"
    );
    assert_eq!(verdict_kinds("garbage"), ["NotJson"]);
    assert!(
        verdict_kinds("huge").contains(&"BodyCut".to_owned()),
        "{:?}",
        verdict_kinds("huge")
    );
    assert!(
        verdict_kinds("wrong-type").contains(&"ContentType".to_owned()),
        "{:?}",
        verdict_kinds("wrong-type")
    );

    // Throttled once, then fine: passes, the retry is on record, the wait was honoured.
    let throttled = outcome("throttled");
    assert!(
        matches!(throttled.outcome, Outcome::Passed),
        "{:?}",
        throttled.outcome
    );
    assert_eq!(
        throttled.retries,
        ["attempt 1: 429 Too Many Requests: waited 1.0s as Retry-After asked"]
    );
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    assert!(
        arrivals[1] - arrivals[0] >= Duration::from_secs(1),
        "the retry came after {:?}",
        arrivals[1] - arrivals[0]
    );

    // gzip is decoded before the checks.
    assert!(
        matches!(outcome("gzip").outcome, Outcome::Passed),
        "{:?}",
        outcome("gzip").outcome
    );

    let summary = Summary::of(&results);
    assert_eq!(
        (summary.passed, summary.failed, summary.errors),
        (2, 4, 3),
        "{summary:?}"
    );
}

/// A listener whose accept queue is full: the kernel drops new SYNs, so a connect hangs the
/// way it does against a firewalled host, without leaving 127.0.0.1.
async fn full_listener() -> (tokio::net::TcpListener, Vec<TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(stream)) =
            tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await
        {
            queued.push(stream);
        }
    }
    (listener, queued)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_opens_ends_in_the_connect_timeout() {
    let (listener, _queued) = full_listener().await;
    let addr = listener.local_addr().unwrap();
    let mut options = ClientOptions {
        connect_timeout: Duration::from_millis(300),
        ..ClientOptions::default()
    };
    options.retry.max_retries = 0;
    let base: url::Url = format!("http://{addr}/").parse().unwrap();
    let client = contract_harness::send::Client::new(options, &base).unwrap();
    let request = contract_harness::send::PlannedRequest {
        method: contract_harness::http::Method::Get,
        url: base.join("v1.0/me").unwrap(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let error = client.send(&request).await.result.unwrap_err().to_string();
    assert!(error.contains("no connection within 300ms"), "{error}");
    assert!(error.contains("--connect-timeout"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connect_timeout_comes_from_the_flag_or_the_environment() {
    let (listener, _queued) = full_listener().await;
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let runs = [
        (vec!["--connect-timeout", "0.3"], None),
        (vec![], Some("0.25")),
    ];
    for (flags, variable) in runs {
        let mut command = common::contract();
        command
            .args(["run", "--retries", "0", "--filter", "list_users_select"])
            .args(["--base-url", &base])
            .args(&flags)
            .arg("--cases")
            .arg(common::cases());
        if let Some(seconds) = variable {
            command.env("CONTRACT_CONNECT_TIMEOUT", seconds);
        }
        let output = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        let expected = if variable.is_some() { "250ms" } else { "300ms" };
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(
            text.contains(&format!("no connection within {expected}")),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_refuses_every_connection_is_given_up_after_a_few_cases() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("v1.0")).unwrap();
    let page: String = (0..30)
        .map(|n| {
            format!(
                "<!-- {{ \"blockType\": \"request\", \"name\": \"get_item_{n}\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/items/{n}\n```\n\n<!-- {{ \"blockType\": \"response\", \"truncated\": true }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{{ \"id\": \"{n}\" }}\n```\n\n"
            )
        })
        .collect();
    std::fs::write(dir.path().join("v1.0/items.md"), page).unwrap();
    let cases = Arc::new(
        contract_harness::catalog::Catalog::read(dir.path())
            .unwrap()
            .cases,
    );
    // A port nobody listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut client = ClientOptions::default();
    client.retry.max_retries = 0;
    let options = RunOptions {
        base_url: Some(format!("http://{closed}/").parse().unwrap()),
        client,
        ..RunOptions::default()
    };
    let runner = Arc::new(
        Runner::start(&cases, Arc::new(Schemas::empty()), options)
            .await
            .unwrap(),
    );
    let jobs = 2;
    let results = runner.run_all(Arc::clone(&cases), jobs, |_| {}).await;

    let summary = Summary::of(&results);
    // Eight tries, plus what was already in flight when the eighth failed.
    assert!((8..8 + jobs).contains(&summary.errors), "{summary:?}");
    assert_eq!(
        summary.skipped[&contract_harness::case::SkipKind::TargetUnreachable],
        30 - summary.errors
    );
    let Outcome::Skipped { reason, .. } = &results[29].outcome else {
        panic!("{:?}", results[29].outcome)
    };
    assert!(
        reason.starts_with("not sent: 8 cases failed to connect to the target and none succeeded (failed to connect to the target"),
        "{reason}"
    );
    assert!(
        reason.ends_with("check that the service is running and that the base URL is right"),
        "{reason}"
    );
}
