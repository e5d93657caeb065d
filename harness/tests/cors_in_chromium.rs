//! A single-page app on one origin calls `contract mock` on another, in headless Chromium:
//! the preflight its `Authorization` header causes is answered, the answers are readable, the
//! `Location` of what it creates too. Without CORS the same page is blocked. Skipped (and
//! says so) where Chromium is not installed; `.ci/run` installs it.

use contract_harness::catalog::Catalog;
use contract_harness::mock::{start, Mock, ServeOptions};
use std::net::SocketAddr;
use std::sync::Arc;

const PAGE: &str = r#"# Me

<!-- { "blockType": "request", "name": "get_me" } -->
```http
GET https://graph.microsoft.com/v1.0/me
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "u1", "displayName": "Megan"}
```

<!-- { "blockType": "request", "name": "create_event" } -->
```http
POST https://graph.microsoft.com/v1.0/me/events
Content-Type: application/json

{"subject": "Documented"}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 201 Created
Content-Type: application/json

{"id": "AAMkAGI1AAAt9AHjAAA=", "subject": "Documented"}
```
"#;

/// The app: calls the mock as a browser app would, and writes what it got into the page.
fn app(mock: SocketAddr) -> String {
    format!(
        r#"<!doctype html><html><body><script>
(async () => {{
  const mock = "http://{mock}/v1.0";
  const auth = {{ "Authorization": "Bearer fake-token" }};
  try {{
    const me = await (await fetch(mock + "/me", {{ headers: auth }})).json();
    const created = await fetch(mock + "/me/events", {{
      method: "POST",
      headers: {{ ...auth, "Content-Type": "application/json" }},
      body: JSON.stringify({{ subject: "From the browser" }}),
    }});
    const event = await created.json();
    const location = created.headers.get("Location") ? "location" : "no location";
    document.body.setAttribute("data-result", [me.displayName, created.status, event.subject, location].join("|"));
  }} catch (e) {{
    document.body.setAttribute("data-result", "blocked");
  }}
}})();
</script></body></html>"#
    )
}

fn chromium() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        })
}

/// The page as Chromium leaves it after running its script.
fn browse(chromium: &std::path::Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn result_in_chromium(chromium: &std::path::Path, options: ServeOptions) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("me.md"), PAGE).unwrap();
    let catalog = Catalog::read(dir.path()).unwrap();
    let mock = start(
        Arc::new(Mock::from_cases(&catalog.cases)),
        "127.0.0.1:0".parse().unwrap(),
        options,
    )
    .await
    .unwrap();
    // The app's own origin: another port, so another origin.
    let html = app(mock.addr);
    let site = axum::Router::new().fallback(move || {
        let html = html.clone();
        async move { axum::response::Html(html) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, site).await.unwrap() });
    let chromium = chromium.to_owned();
    let dom = tokio::task::spawn_blocking(move || browse(&chromium, &format!("http://{origin}/")))
        .await
        .unwrap();
    let start = dom
        .find("data-result=\"")
        .map(|i| i + "data-result=\"".len());
    match start {
        Some(start) => dom[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => format!("no result in the page: {dom}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_another_origin_can_call_the_mock_in_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipped: Chromium is not installed (apt-get install -y chromium; .ci/run installs it)"
        );
        return;
    };
    let result = result_in_chromium(
        &chromium,
        ServeOptions {
            cors: Some(Vec::new()),
            stateful: true,
            ..ServeOptions::default()
        },
    )
    .await;
    assert_eq!(result, "Megan|201|From the browser|location");
    // Without CORS the browser keeps the app from reading anything.
    let blocked = result_in_chromium(&chromium, ServeOptions::default()).await;
    assert_eq!(blocked, "blocked");
}
