//! JSON batching as Graph does it (`POST /v1.0/$batch`): up to 20 requests, each with `id`,
//! `method`, `url` (relative to the version), `headers`, `body` and `dependsOn`; the answers
//! in `responses`, each served by the same routes (and state) as a request of its own.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Graph's limit on the requests of one batch.
const MOST: usize = 20;

/// One inner request's answer: its status, headers and body.
pub(super) type Inner = (u16, Vec<(String, String)>, axum::body::Bytes);

/// The answer to a batch at `path` (`/v1.0/$batch`): the `responses` document, or why the
/// batch is refused (a 400). `serve` answers each inner request (method, path, query, headers,
/// body) as a request of its own.
pub(super) fn answer(
    path: &str,
    own: &str,
    body: &[u8],
    serve: impl Fn(&str, &str, Option<&str>, &HeaderMap, &[u8]) -> Inner,
) -> Result<Value, String> {
    let version = path.trim_end_matches("/$batch");
    let requests = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut top)) => match top.remove("requests") {
            Some(Value::Array(requests)) => requests,
            _ => return Err("A batch needs `requests`: a list of {id, method, url}.".to_owned()),
        },
        _ => return Err("A batch is a JSON object with `requests`.".to_owned()),
    };
    if requests.len() > MOST {
        return Err(format!(
            "Number of batch request steps exceeds the maximum of {MOST} ({} given).",
            requests.len()
        ));
    }
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut responses = Vec::with_capacity(requests.len());
    for request in &requests {
        let Value::Object(request) = request else {
            return Err(
                "Each batch request is an object with `id`, `method` and `url`.".to_owned(),
            );
        };
        let text = |key: &str| request.get(key).and_then(Value::as_str).unwrap_or_default();
        let id = match request.get("id") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err("Each batch request needs an `id`.".to_owned()),
        };
        if text("method").is_empty() || text("url").is_empty() {
            return Err(format!("Batch request {id} needs `method` and `url`."));
        }
        let failed_dependency = depends_on(request)
            .into_iter()
            .find(|d| statuses.get(d).is_none_or(|status| *status >= 400));
        let (status, headers, body) = match failed_dependency {
            Some(dependency) => (
                424,
                Map::new(),
                json!({"error": {"code": "FailedDependency", "message": format!("Request {dependency}, which this one depends on, failed or did not run.")}}),
            ),
            None => inner(&serve, version, own, request),
        };
        statuses.insert(id.clone(), status);
        let mut response = json!({"id": id, "status": status, "headers": headers});
        if !body.is_null() {
            response["body"] = body;
        }
        responses.push(response);
    }
    Ok(json!({ "responses": responses }))
}

/// One inner request, served as a request of its own.
fn inner(
    serve: &impl Fn(&str, &str, Option<&str>, &HeaderMap, &[u8]) -> Inner,
    version: &str,
    own: &str,
    request: &Map<String, Value>,
) -> (u16, Map<String, Value>, Value) {
    let method = request["method"].as_str().unwrap_or_default();
    let url = request["url"].as_str().unwrap_or_default();
    // Relative to the version (`/me`, `me/messages`), or absolute.
    let relative = match url::Url::parse(url) {
        Ok(absolute) => absolute[url::Position::BeforePath..].to_owned(),
        Err(_) => format!("{version}/{}", url.trim_start_matches('/')),
    };
    let (path, query) = match relative.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (relative, None),
    };
    let mut headers = HeaderMap::new();
    if let Some(Value::Object(given)) = request.get("headers") {
        for (name, value) in given {
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::try_from(name.as_str()),
                value.as_str().map(HeaderValue::from_str),
            ) {
                headers.insert(name, value);
            }
        }
    }
    let body = match request.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) => text.clone().into_bytes(),
        Some(other) => serde_json::to_vec(other).expect("a JSON value serialises"),
    };
    if let Ok(host) = HeaderValue::from_str(own.trim_start_matches("http://")) {
        headers.insert("host", host);
    }
    let (status, answer_headers, bytes) = serve(method, &path, query.as_deref(), &headers, &body);
    let headers: Map<String, Value> = answer_headers
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, headers, body)
}

/// The ids a request depends on (`dependsOn`: a list, or one id).
fn depends_on(request: &Map<String, Value>) -> Vec<String> {
    match request.get("dependsOn") {
        Some(Value::Array(ids)) => ids
            .iter()
            .filter_map(|id| match id {
                Value::String(id) => Some(id.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(id)) => vec![id.clone()],
        _ => Vec::new(),
    }
}
