//! Placeholder values reach the server as documented: each is percent-encoded for where it
//! sits, so `?`, `#`, `%`, `/` and spaces neither break the URL nor change its meaning.

use axum::http::Uri;
use contract_harness::case::cases_of_page;
use contract_harness::doc::parse_page;
use contract_harness::send::{plan, Client, ClientOptions, Vars};
use percent_encoding::percent_decode_str;
use std::sync::{Arc, Mutex};

const PAGE: &str = r#"# Pages

<!-- {"blockType": "request", "name": "segment"} -->
```http
GET https://graph.microsoft.com/v1.0/users/{value}/events
```

<!-- {"blockType": "response"} -->
```http
HTTP/1.1 200 OK
```

<!-- {"blockType": "request", "name": "by_path"} -->
```http
GET https://graph.microsoft.com/v1.0/me/drive/root:/{value}:/children
```

<!-- {"blockType": "response"} -->
```http
HTTP/1.1 200 OK
```

<!-- {"blockType": "request", "name": "query"} -->
```http
GET https://graph.microsoft.com/v1.0/users?$filter=displayName eq '{value}'&$top=1
```

<!-- {"blockType": "response"} -->
```http
HTTP/1.1 200 OK
```
"#;

/// A server that records the raw request target of each request.
async fn recording_server() -> (url::Url, Arc<Mutex<Vec<Uri>>>) {
    let seen: Arc<Mutex<Vec<Uri>>> = Arc::default();
    let log = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move |uri: Uri| {
        log.lock().unwrap().push(uri);
        async { "" }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/").parse().unwrap(), seen)
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8().unwrap().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_characters_reach_the_server_as_documented() {
    let (base, seen) = recording_server().await;
    let client = Client::new(ClientOptions::default(), &base).unwrap();
    let cases = cases_of_page(&parse_page("v1.0/pages.md", PAGE), Some("v1.0"));
    assert_eq!(cases.len(), 3);
    for value in ["a b", "a?b", "a#b", "a%b", "a/b", "a&b=c", "Ünïcode é"] {
        let mut vars = Vars::default();
        vars.insert("value", value);
        for case in &cases {
            let request = plan(case, &base, &vars, false).unwrap();
            client.send(&request).await.result.unwrap();
            let uri = seen.lock().unwrap().pop().unwrap();
            let path = uri.path();
            match case.id.rsplit("::").next().unwrap() {
                // One segment: the value is exactly the fourth segment, decoded.
                "segment" => {
                    let segments: Vec<&str> = path.split('/').collect();
                    assert_eq!(segments.len(), 5, "{value:?}: {uri}");
                    assert_eq!(decode(segments[3]), value, "{uri}");
                    assert_eq!(segments[4], "events", "{uri}");
                    assert!(uri.query().is_none(), "{value:?}: {uri}");
                }
                // By path: `/` is the path's own separator.
                "by_path" => {
                    let inner = path
                        .strip_prefix("/v1.0/me/drive/root:/")
                        .and_then(|p| p.strip_suffix(":/children"))
                        .unwrap_or_else(|| panic!("{value:?}: {uri}"));
                    assert_eq!(decode(inner), value, "{uri}");
                }
                // A query value: the other parameter survives, the value is one value.
                "query" => {
                    let query = uri.query().unwrap();
                    let pairs: Vec<(String, String)> =
                        url::form_urlencoded::parse(query.as_bytes())
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect();
                    assert_eq!(
                        pairs,
                        [
                            ("$filter".to_owned(), format!("displayName eq '{value}'")),
                            ("$top".to_owned(), "1".to_owned())
                        ],
                        "{uri}"
                    );
                }
                other => panic!("{other}"),
            }
        }
    }
}
