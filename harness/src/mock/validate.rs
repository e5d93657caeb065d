//! Request validation, as Prism does it: the mock refuses what the service would refuse, so that
//! a client developed against it does not learn to send what only the mock accepts.
//!
//! Only requests that carry a body, or whose example documents one, are looked at; every other
//! route pays nothing.

use super::route::Route;
use super::MockAnswer;
use crate::schema::Schemas;
use axum::http::{header::CONTENT_TYPE, HeaderMap};
use serde_json::{json, Value};

/// The answer refusing this request, or `None` when the route may answer it.
pub(super) fn refuse(
    route: &Route,
    schemas: &Schemas,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<MockAnswer> {
    let rules = &route.rules;
    if body.is_empty() && rules.text.is_empty() {
        return None;
    }
    // Only a refusal needs these: the accepted path allocates nothing.
    let case_id = || route.answer().case_id.clone();
    let at = &rules.at;
    if !body.is_empty() && rules.content_type && !headers.contains_key(CONTENT_TYPE) {
        return Some(MockAnswer::error(
            415,
            "UnsupportedMediaType",
            format!("The request has a body but no Content-Type header; the documented example ({at}) sends one."),
            case_id(),
        ));
    }
    if !rules.json {
        return None;
    }
    if body.is_empty() {
        return Some(MockAnswer::error(
            400,
            "BadRequest",
            format!("The request has no body; the documented example ({at}) sends a JSON body."),
            case_id(),
        ));
    }
    // The documented body is accepted as written, even where lint finds fault with it: the
    // docs promise its answer, and the answer says what lint found (x-contract-findings).
    if body.trim_ascii() == rules.text.as_bytes() || body == rules.strict.as_slice() {
        return None;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return Some(MockAnswer::error(
                400,
                "BadRequest",
                format!(
                "The request body is not JSON ({error}); the documented example ({at}) sends JSON."
            ),
                case_id(),
            ))
        }
    };
    if route.request_body.as_ref() == Some(&value) {
        return None;
    }
    schema_refusal(route, schemas, &value)
}

/// A 400 when the request body breaks the schema of its type (its own `@odata.type`, else
/// the documented one), with one detail per problem; `None` when it does not, or there is no
/// type to check against.
fn schema_refusal(route: &Route, schemas: &Schemas, value: &Value) -> Option<MockAnswer> {
    let rules = &route.rules;
    let schemas = schemas.for_version(&rules.version);
    let own = value
        .get("@odata.type")
        .and_then(Value::as_str)
        .or(rules.documented_type.as_deref());
    let odata_type = crate::case::request_body_type(
        own,
        rules.inferred_type.as_deref(),
        route.request_body.as_ref(),
        schemas,
    )?;
    let mut issues = schemas.validate(&odata_type, value);
    // The service matches enum members in any case; lint warns about the spelling instead.
    issues.retain(|issue| !issue.tolerated_in_request());
    let first = issues.first()?;
    let place = |pointer: &str| {
        if pointer.is_empty() {
            "/".to_owned()
        } else {
            pointer.to_owned()
        }
    };
    let message = format!(
        "The request body breaks the schema of {odata_type} at {}: {}{}",
        place(&first.pointer),
        first.message,
        match issues.len() {
            1 => String::new(),
            n => format!(" (and {} more problems, in details)", n - 1),
        }
    );
    let details = issues
        .iter()
        .map(|issue| {
            json!({
                "code": "SchemaViolation",
                "target": place(&issue.pointer),
                "message": issue.message,
            })
        })
        .collect();
    Some(MockAnswer::with_details(
        400,
        "BadRequest",
        message,
        details,
        route.answer().case_id.clone(),
    ))
}
