//! `contract mock` as a service a front end can build an app against: CORS, state, JSON
//! batching, paging that stays on the mock and ends, throttling and latency on request. Each
//! test serves a small docs folder on 127.0.0.1 port 0 and talks to it with an HTTP client.

use contract_harness::catalog::Catalog;
use contract_harness::mock::{start, Mock, MockServer, ServeOptions};
use serde_json::{json, Value};
use std::sync::Arc;

const EVENTS: &str = r#"# Events

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

{"id": "AAMkAGI1AAAt9AHjAAA=", "subject": "Documented", "isOnlineMeeting": false}
```

<!-- { "blockType": "request", "name": "get_event" } -->
```http
GET https://graph.microsoft.com/v1.0/me/events/{id}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "AAMkAGI1AAAt9AHjAAA=", "subject": "Documented"}
```

<!-- { "blockType": "request", "name": "update_event" } -->
```http
PATCH https://graph.microsoft.com/v1.0/me/events/{id}
Content-Type: application/json

{"subject": "Changed"}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"subject": "Changed"}
```

<!-- { "blockType": "request", "name": "delete_event" } -->
```http
DELETE https://graph.microsoft.com/v1.0/me/events/{id}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 204 No Content
```

<!-- { "blockType": "request", "name": "list_events" } -->
```http
GET https://graph.microsoft.com/v1.0/me/events
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"value": [{"id": "AAMkAGI1AAAt9AHjAAA=", "subject": "Documented"}],
 "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/events?$skiptoken=X1"}
```

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
"#;

async fn serve(options: ServeOptions) -> (MockServer, tempfile::TempDir) {
    serve_page("events.md", EVENTS, options).await
}

/// The mock of one page, on 127.0.0.1, port 0; the folder lives as long as the test holds it.
async fn serve_page(
    name: &str,
    page: &str,
    options: ServeOptions,
) -> (MockServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), page).unwrap();
    let catalog = Catalog::read(dir.path()).unwrap();
    let mock = Arc::new(Mock::from_cases(&catalog.cases));
    let server = start(mock, "127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap();
    (server, dir)
}

/// Sends a request and reads its JSON answer: what every test here does.
trait Answer {
    async fn answer(self) -> Value;
}

impl Answer for reqwest::RequestBuilder {
    async fn answer(self) -> Value {
        self.send().await.unwrap().json().await.unwrap()
    }
}

fn url(server: &MockServer, path: &str) -> String {
    format!("{}{}", server.base_url(), path.trim_start_matches('/'))
}

#[tokio::test]
async fn cors_preflights_are_answered_and_answers_are_readable_from_other_origins() {
    let (server, _dir) = serve(ServeOptions {
        cors: Some(Vec::new()),
        ..ServeOptions::default()
    })
    .await;
    let client = reqwest::Client::new();
    let preflight = client
        .request(reqwest::Method::OPTIONS, url(&server, "/v1.0/me/events"))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods == "*" || methods.contains("POST"), "{methods}");
    let get = client
        .get(url(&server, "/v1.0/me"))
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(get.headers()["access-control-allow-origin"], "*");

    // With origins named, only those are allowed.
    let (named, _dir) = serve(ServeOptions {
        cors: Some(vec!["http://localhost:3000".into()]),
        ..ServeOptions::default()
    })
    .await;
    let allowed = client
        .get(url(&named, "/v1.0/me"))
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let other = client
        .get(url(&named, "/v1.0/me"))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn what_a_client_creates_it_gets_changes_lists_and_deletes() {
    let (server, _dir) = serve(ServeOptions {
        stateful: true,
        ..ServeOptions::default()
    })
    .await;
    let client = reqwest::Client::new();
    let created = client
        .post(url(&server, "/v1.0/me/events"))
        .json(&json!({"subject": "Mine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_ne!(id, "AAMkAGI1AAAt9AHjAAA=", "a fresh id");
    assert_eq!(
        created["subject"], "Mine",
        "the request's properties over the documented ones"
    );
    assert_eq!(
        created["isOnlineMeeting"], false,
        "the documented ones kept"
    );
    assert!(
        location.ends_with(&format!("/v1.0/me/events/{id}")),
        "{location}"
    );

    let got: Value = client
        .get(url(&server, &format!("/v1.0/me/events/{id}")))
        .answer()
        .await;
    assert_eq!(got, created);

    let patched = client
        .patch(url(&server, &format!("/v1.0/me/events/{id}")))
        .json(&json!({"subject": "Changed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["id"], id.as_str(), "a PATCH answer keeps the id");
    assert_eq!(patched["subject"], "Changed");

    let list: Value = client.get(url(&server, "/v1.0/me/events")).answer().await;
    let ids: Vec<&str> = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["AAMkAGI1AAAt9AHjAAA=", id.as_str()],
        "documented items, then the created one"
    );

    let deleted = client
        .delete(url(&server, &format!("/v1.0/me/events/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let gone = client
        .get(url(&server, &format!("/v1.0/me/events/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    // A documented entity deleted stays deleted, and leaves its collection.
    client
        .delete(url(&server, "/v1.0/me/events/AAMkAGI1AAAt9AHjAAA="))
        .send()
        .await
        .unwrap();
    let list: Value = client.get(url(&server, "/v1.0/me/events")).answer().await;
    assert_eq!(list["value"], json!([]));

    // Stateless (the embedded mock of `contract run`): every request as documented.
    let (stateless, _dir) = serve(ServeOptions::default()).await;
    let created: Value = client
        .post(url(&stateless, "/v1.0/me/events"))
        .json(&json!({"subject": "Mine"}))
        .answer()
        .await;
    assert_eq!(created["id"], "AAMkAGI1AAAt9AHjAAA=");
    assert_eq!(created["subject"], "Documented");
}

#[tokio::test]
async fn a_json_batch_is_answered_request_by_request() {
    let (server, _dir) = serve(ServeOptions {
        stateful: true,
        ..ServeOptions::default()
    })
    .await;
    let client = reqwest::Client::new();
    let batch = json!({"requests": [
        {"id": "1", "method": "GET", "url": "/me"},
        {"id": "2", "method": "POST", "url": "me/events", "dependsOn": ["1"],
         "headers": {"Content-Type": "application/json"}, "body": {"subject": "Batched"}},
        {"id": "3", "method": "GET", "url": "/nothing/here"},
        {"id": "4", "method": "GET", "url": "/me", "dependsOn": ["3"]}
    ]});
    let answer = client
        .post(url(&server, "/v1.0/$batch"))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    let responses = answer["responses"].as_array().unwrap();
    let status = |id: &str| responses.iter().find(|r| r["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("1"), 200);
    assert_eq!(responses[0]["body"]["displayName"], "Megan");
    assert_eq!(status("2"), 201);
    assert_eq!(responses[1]["body"]["subject"], "Batched");
    assert_eq!(status("3"), 404);
    assert_eq!(status("4"), 424, "its dependency failed");
    // The batch's create is remembered like any other.
    let id = responses[1]["body"]["id"].as_str().unwrap();
    let got = client
        .get(url(&server, &format!("/v1.0/me/events/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);

    let too_many = json!({"requests": (0..21).map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"})).collect::<Vec<_>>()});
    let refused = client
        .post(url(&server, "/v1.0/$batch"))
        .json(&too_many)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let refused: Value = refused.json().await.unwrap();
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("maximum of 20"));
}

#[tokio::test]
async fn paging_links_point_at_the_mock_and_end() {
    let (server, _dir) = serve(ServeOptions::default()).await;
    let client = reqwest::Client::new();
    let first: Value = client.get(url(&server, "/v1.0/me/events")).answer().await;
    let next = first["@odata.nextLink"].as_str().unwrap();
    assert_eq!(
        next,
        url(&server, "/v1.0/me/events?$skiptoken=X1"),
        "on the mock, never graph.microsoft.com"
    );
    let last: Value = client.get(next).answer().await;
    assert!(
        last.get("@odata.nextLink").is_none(),
        "the page a next link gives is the last: {last}"
    );
    assert_eq!(last["value"].as_array().unwrap().len(), 1);
    // The answer is made once per address the client uses, and kept: each client gets its own.
    let port = server.addr.port();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let page: Value = client
            .get(url(&server, "/v1.0/me/events"))
            .header("Host", &host)
            .answer()
            .await;
        assert_eq!(
            page["@odata.nextLink"].as_str().unwrap(),
            format!("http://{host}/v1.0/me/events?$skiptoken=X1")
        );
    }
}

#[tokio::test]
async fn throttling_and_latency_come_when_asked_for() {
    let (server, _dir) = serve(ServeOptions {
        failure_rate: 1.0,
        latency: std::time::Duration::from_millis(50),
        ..ServeOptions::default()
    })
    .await;
    let client = reqwest::Client::new();
    let mut statuses = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let started = std::time::Instant::now();
        let answer = client.get(url(&server, "/v1.0/me")).send().await.unwrap();
        assert!(started.elapsed() >= std::time::Duration::from_millis(50));
        let status = answer.status().as_u16();
        if status == 429 {
            assert_eq!(answer.headers()["retry-after"], "1");
        }
        statuses.insert(status);
    }
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), [429, 503]);
    // Off by default: the documented answer.
    let (calm, _dir) = serve(ServeOptions::default()).await;
    assert_eq!(
        client
            .get(url(&calm, "/v1.0/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

const USERS: &str = r#"# Users

<!-- { "blockType": "request", "name": "list_users" } -->
```http
GET https://graph.microsoft.com/v1.0/users
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"value": [
  {"id": "1", "displayName": "Megan", "jobTitle": "Lead", "age": 40},
  {"id": "2", "displayName": "Alex", "jobTitle": "Dev", "age": 30},
  {"id": "3", "displayName": "Adele", "jobTitle": "Dev", "age": 35},
  {"id": "4", "displayName": "Miriam", "jobTitle": "Dev", "age": 25},
  {"id": "5", "displayName": "Lee", "jobTitle": "PM", "age": 50}
]}
```
"#;

#[tokio::test]
async fn query_options_page_count_sort_and_filter_the_items() {
    let (server, _dir) = serve_page("users.md", USERS, ServeOptions::default()).await;
    let client = reqwest::Client::new();
    let get = |query: &str| {
        let client = client.clone();
        let url = url(&server, &format!("/v1.0/users?{query}"));
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let names = |page: &Value| -> Vec<String> {
        page["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["displayName"].as_str().unwrap().to_owned())
            .collect()
    };
    // $top pages the collection; the next link stays on the mock and ends.
    let mut page = get("$top=2").await;
    let mut seen = names(&page);
    let mut pages = 1;
    while let Some(next) = page["@odata.nextLink"].as_str() {
        assert!(next.starts_with(&server.base_url().to_string()), "{next}");
        page = client.get(next).answer().await;
        seen.extend(names(&page));
        pages += 1;
        assert!(pages < 10, "paging must end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["Megan", "Alex", "Adele", "Miriam", "Lee"]);
    // $count, $filter, $orderby, $skip, $select together.
    let page = get(
        "$count=true&$filter=jobTitle%20eq%20'Dev'&$orderby=age%20desc&$skip=1&$select=displayName",
    )
    .await;
    assert_eq!(page["@odata.count"], 3);
    assert_eq!(names(&page), ["Alex", "Miriam"]);
    assert_eq!(page["value"][0], json!({"id": "2", "displayName": "Alex"}));
    let page = get("$filter=startswith(displayName,'M')%20or%20age%20eq%2050").await;
    assert_eq!(names(&page), ["Megan", "Miriam", "Lee"]);
    let refused = client
        .get(url(&server, "/v1.0/users?$filter=age%20gt%203"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
}

const ADDRESSES: &str = r#"# Addresses

<!-- { "blockType": "request", "name": "get_by_path" } -->
```http
GET https://graph.microsoft.com/v1.0/me/drive/root:/{item-path}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "01BYE5RZ", "name": "by path"}
```

<!-- { "blockType": "request", "name": "children_by_path" } -->
```http
GET https://graph.microsoft.com/v1.0/me/drive/root:/{item-path}:/children
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"value": [{"id": "1", "name": "child"}]}
```

<!-- { "blockType": "request", "name": "get_chat" } -->
```http
GET https://graph.microsoft.com/v1.0/chats/19:8b081ef6-4792-4def-b2c9-c363a1bf41d5_5031bb31@unq.gbl.spaces
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "documented chat"}
```

<!-- { "blockType": "request", "name": "get_site" } -->
```http
GET https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "documented site"}
```

<!-- { "blockType": "request", "name": "get_user_by_mail" } -->
```http
GET https://graph.microsoft.com/v1.0/users/AdeleV@contoso.onmicrosoft.com
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "documented user"}
```

<!-- { "blockType": "request", "name": "get_user_by_key" } -->
```http
GET https://graph.microsoft.com/v1.0/users('AdeleV@contoso.onmicrosoft.com')/manager
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "documented manager"}
```

<!-- { "blockType": "request", "name": "get_item_in_drive" } -->
```http
GET https://graph.microsoft.com/v1.0/drives/{drive-id}/items/{item-id}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "by id"}
```

<!-- { "blockType": "request", "name": "upload_by_path" } -->
```http
PUT https://graph.microsoft.com/v1.0/me/drive/root:/FolderA/FileB.txt:/content
Content-Type: text/plain

The contents of the file goes here.
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 201 Created
Content-Type: application/json

{"id": "uploaded", "name": "FileB.txt"}
```

<!-- { "blockType": "request", "name": "get_thumbnail_content" } -->
```http
GET https://graph.microsoft.com/v1.0/me/drive/items/{item-id}/thumbnails/0/small/content
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-Type: image/png

Binary data for the image
```
"#;

#[tokio::test]
async fn every_address_form_the_docs_use_reaches_its_example() {
    let (server, _dir) = serve_page("addresses.md", ADDRESSES, ServeOptions::default()).await;
    let client = reqwest::Client::new();
    let get = |path: &str| {
        let client = client.clone();
        let url = url(&server, path);
        async move { client.get(url).send().await.unwrap() }
    };
    let id = |path: &'static str| {
        let get = get(path);
        async move {
            let answer = get.await;
            assert_eq!(answer.status(), 200, "{path}");
            answer.json::<Value>().await.unwrap()["id"].clone()
        }
    };
    // A path of several folders is one address.
    assert_eq!(
        id("/v1.0/me/drive/root:/Documents/Reports/report.docx").await,
        "01BYE5RZ"
    );
    let children: Value = get("/v1.0/me/drive/root:/Documents/Reports:/children")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(children["value"][0]["id"], "1");
    // A page that shows an item only by id answers it by path too.
    assert_eq!(
        id("/v1.0/drives/b!0a1b2c/root:/Documents/report.docx").await,
        "by id"
    );
    // A path the page shows stands for any path; `/drive` is the signed-in user's drive, as
    // `/me/drive`; an address from a special folder, or with its slashes encoded, is one too.
    let client_put = |path: &str| {
        let client = client.clone();
        let url = url(&server, path);
        async move {
            client
                .put(url)
                .header("content-type", "text/plain")
                .body("hello")
                .send()
                .await
                .unwrap()
        }
    };
    for path in [
        "/v1.0/me/drive/root:/Reports/2026/q1.txt:/content",
        "/v1.0/drive/root:/apidoctor-0f8fad5b.txt:/content",
        "/v1.0/me/drive/items/root:%2FDocuments%2Fnotes.txt:/content",
    ] {
        let answer = client_put(path).await;
        assert_eq!(answer.status(), 201, "{path}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["id"], "uploaded", "{path}");
    }
    // Ids of every kind the docs use stand for any id of that kind.
    assert_eq!(
        id("/v1.0/chats/19:0a1b2c3d4e5f@thread.v2").await,
        "documented chat"
    );
    assert_eq!(
        id("/v1.0/sites/fabrikam.sharepoint.com,11111111-2222-3333-4444-555555555555,66666666-7777-8888-9999-000000000000").await,
        "documented site"
    );
    assert_eq!(
        id("/v1.0/users/MeganB@fabrikam.com").await,
        "documented user"
    );
    assert_eq!(
        id("/v1.0/users('MeganB@fabrikam.com')/manager").await,
        "documented manager"
    );
    // Binary answers are bytes of their type: a PNG a client can decode.
    let thumbnail =
        get("/v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K/thumbnails/0/small/content")
            .await;
    assert_eq!(thumbnail.headers()["content-type"], "image/png");
    let bytes = thumbnail.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{bytes:?}");
    // A photo's $value, which the pages never show, is a JPEG.
    let photo = get("/v1.0/me/photo/$value").await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let bytes = photo.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xff, 0xd8, 0xff]) && bytes.ends_with(&[0xff, 0xd9]));
}

#[tokio::test]
async fn a_documented_value_that_breaks_its_schema_is_answered_as_one_that_does_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("v1.0")).unwrap();
    std::fs::write(
        dir.path().join("v1.0/event.md"),
        r#"# Get event

<!-- { "blockType": "request", "name": "get_event" } -->
```http
GET https://graph.microsoft.com/v1.0/me/events/{id}
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.event" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "1", "subject": "Doc", "importance": "String", "createdDateTime": "datetime-value"}
```
"#,
    )
    .unwrap();
    let catalog = Catalog::read(dir.path()).unwrap();
    let schemas = contract_harness::schema::Schemas::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas"),
    )
    .unwrap();
    let client = reqwest::Client::new();

    let mut repaired = Mock::from_cases(&catalog.cases);
    assert_eq!(repaired.repairing(&schemas), 1);
    let server = start(
        Arc::new(repaired),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let answer = client
        .get(url(&server, "/v1.0/me/events/2"))
        .send()
        .await
        .unwrap();
    let findings = answer.headers()["x-contract-findings"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["createdDateTime"], "2024-01-01T00:00:00Z");
    assert_eq!(body["importance"], "low", "the enumeration's first member");
    assert_eq!(body["subject"], "Doc", "valid values stay");
    assert!(
        findings.contains("repaired /importance \"String\" -> \"low\""),
        "{findings}"
    );
    assert!(findings.contains("--as-documented"), "{findings}");

    // As documented: the page's values.
    let server = start(
        Arc::new(Mock::from_cases(&catalog.cases)),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let body: Value = client.get(url(&server, "/v1.0/me/events/2")).answer().await;
    assert_eq!(body["createdDateTime"], "datetime-value");
}

#[tokio::test]
async fn what_clients_create_is_listed_a_page_at_a_time() {
    let (server, _dir) = serve(ServeOptions {
        stateful: true,
        ..ServeOptions::default()
    })
    .await;
    let client = reqwest::Client::new();
    let page = contract_harness::mock::CREATED_PAGE;
    for n in 0..page + 5 {
        client
            .post(url(&server, "/v1.0/me/events"))
            .json(&json!({"subject": format!("made {n}")}))
            .send()
            .await
            .unwrap();
    }
    let mut next = Some(url(&server, "/v1.0/me/events"));
    let mut subjects = Vec::new();
    let mut pages = 0;
    while let Some(link) = next {
        let body: Value = client.get(&link).answer().await;
        let items = body["value"].as_array().unwrap();
        assert!(
            items.len() <= page + 1,
            "a page holds the documented item and {page} created"
        );
        subjects.extend(
            items
                .iter()
                .map(|e| e["subject"].as_str().unwrap().to_owned()),
        );
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
        pages += 1;
        assert!(pages < 5, "paging ends");
    }
    assert_eq!(pages, 2);
    assert_eq!(
        subjects.len(),
        1 + page + 5,
        "every created event, once: {subjects:?}"
    );
    assert_eq!(subjects[0], "Documented");
    assert_eq!(subjects.last().unwrap(), &format!("made {}", page + 4));
}
