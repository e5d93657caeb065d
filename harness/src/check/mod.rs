//! (case, actual response) → verdict: does the service's answer honour the documented one?
//!
//! Documented bodies are illustrative: ids, dates and names are made up, and `truncated`
//! examples show only some properties. So bodies are compared by shape (which properties, which
//! JSON types), not by value; the JSON Schema of the response type, when `schemas/` has one,
//! checks what the example cannot show.

mod diff;
mod shape;

pub use diff::BodyDiff;

use crate::case::Case;
use crate::http::{status_has_no_body, Response};
use crate::json::pointer_push;
use crate::schema::{prune_unevaluated, Schemas};
use crate::send::ActualResponse;
use crate::text::shorten;
use serde::Serialize;
use serde_json::Value;
use shape::{json_type, Relax, Shape};
use std::fmt;

/// The outcome of checking one response: it passed when there are no violations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    /// Each way the response breaks the documented contract.
    pub violations: Vec<Violation>,
    /// What the answer has that the docs do not say but do not contradict either: a property
    /// the schema does not declare or the example does not show, a `null` where the example
    /// shows a value (ApiDoctor's warnings). They fail the case only under `--strict`.
    pub warnings: Vec<Violation>,
    /// Documented body against actual body, when the check failed and both bodies are JSON.
    pub diff: Option<BodyDiff>,
}

/// One broken expectation, located by a JSON pointer into the actual body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Violation {
    /// JSON pointer (RFC 6901) into the actual body; empty for the whole body, status, headers.
    pub pointer: String,
    /// Which rule was broken.
    pub kind: ViolationKind,
    /// What the documentation says.
    pub expected: String,
    /// What the service returned.
    pub actual: String,
    /// A sentence for a person.
    pub message: String,
    /// The page line where the property this violation is about is documented (missing
    /// properties, wrong types, `@odata.type`), so that a writer knows where to edit.
    pub documented_line: Option<usize>,
}

/// The rule a violation breaks. Serialised as the kebab-case name of [`ViolationKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Wrong status code.
    Status,
    /// A documented header is missing.
    MissingHeader,
    /// The Content-Type names another media type.
    ContentType,
    /// A body came where none is documented (`isEmpty`).
    UnexpectedBody,
    /// No body came where a JSON body is documented.
    MissingBody,
    /// The body was longer than the limit and was cut, so it was not checked.
    BodyCut,
    /// A JSON body is documented and the actual body is not JSON.
    NotJson,
    /// An error is documented (`expectError`) and the body is not an OData error object.
    #[serde(rename = "not-odata-error")]
    NotODataError,
    /// A documented property is absent.
    MissingProperty,
    /// A property the (non-truncated) example does not show.
    ExtraProperty,
    /// A value of another JSON type than documented.
    WrongType,
    /// `@odata.type` names another type.
    #[serde(rename = "odata-type")]
    ODataType,
    /// The JSON Schema of the response type rejects the body.
    Schema,
    /// A scenario's expectation does not hold.
    Expectation,
    /// A property the schema of the type does not declare (a warning).
    UndeclaredProperty,
    /// `null` where the example shows a value and `nullableProperties` does not list the
    /// property (a warning).
    UnexpectedNull,
    /// A known issue's case passes, under `--strict`: the entry must be removed.
    KnownIssueFixed,
}

impl ViolationKind {
    /// The stable kebab-case name (`missing-property`), as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::Status => "status",
            ViolationKind::MissingHeader => "missing-header",
            ViolationKind::ContentType => "content-type",
            ViolationKind::UnexpectedBody => "unexpected-body",
            ViolationKind::MissingBody => "missing-body",
            ViolationKind::BodyCut => "body-cut",
            ViolationKind::NotJson => "not-json",
            ViolationKind::NotODataError => "not-odata-error",
            ViolationKind::MissingProperty => "missing-property",
            ViolationKind::ExtraProperty => "extra-property",
            ViolationKind::WrongType => "wrong-type",
            ViolationKind::ODataType => "odata-type",
            ViolationKind::Schema => "schema",
            ViolationKind::Expectation => "expectation",
            ViolationKind::UndeclaredProperty => "undeclared-property",
            ViolationKind::UnexpectedNull => "unexpected-null",
            ViolationKind::KnownIssueFixed => "known-issue-fixed",
        }
    }

    /// True for the kinds that are warnings: the answer says more than the docs, or says null,
    /// which services do before metadata and docs catch up; nothing the docs say is broken.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            ViolationKind::ExtraProperty
                | ViolationKind::UndeclaredProperty
                | ViolationKind::UnexpectedNull
        )
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Violation {
    /// `pointer: message`, the one line a warning takes in a case's list.
    pub fn summary(&self) -> String {
        if self.pointer.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.pointer, self.message)
        }
    }

    fn new(
        pointer: impl Into<String>,
        kind: ViolationKind,
        expected: impl Into<String>,
        actual: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation {
            pointer: pointer.into(),
            kind,
            expected: expected.into(),
            actual: actual.into(),
            message: message.into(),
            documented_line: None,
        }
    }
}

impl Verdict {
    /// True when the response honours the contract (warnings or not).
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    /// `--strict`: the warnings become violations.
    pub fn strict(mut self) -> Verdict {
        self.violations.append(&mut self.warnings);
        self
    }

    /// A scenario's `allowed-status-codes` on its own request: a status the docs do not show
    /// but the list allows is a warning, not a failure (ApiDoctor's `Http/httpresponse.cs:
    /// 194-225`).
    pub fn allow_statuses(&mut self, allowed: &[u16], status: u16) {
        if !allowed.contains(&status) {
            return;
        }
        let (allowed, kept): (Vec<Violation>, Vec<Violation>) =
            std::mem::take(&mut self.violations)
                .into_iter()
                .partition(|v| v.kind == ViolationKind::Status);
        self.violations = kept;
        self.warnings.extend(allowed.into_iter().map(|mut v| {
            v.message = format!(
                "{}, which the scenario's allowed status codes include",
                v.message
            );
            v
        }));
    }
}

/// A scenario's expectations on an answer: each place must hold one of its values (already
/// resolved: captured values filled in). Strings compare as text with header values.
pub fn check_expectations(
    expectations: &[(&contract_core::scenario::Source, Vec<serde_json::Value>)],
    actual: &ActualResponse,
) -> Vec<Violation> {
    use contract_core::scenario::Source;
    let mut violations = Vec::new();
    for (source, any_of) in expectations {
        let found = source.read(&actual.headers, &actual.body);
        let holds = found.as_ref().is_some_and(|found| {
            any_of.iter().any(|wanted| match (source, found, wanted) {
                // Header values are text: `Content-Type:` "application/json" matches a charset.
                (Source::Header(_), serde_json::Value::String(f), serde_json::Value::String(w)) => {
                    f == w
                        || f.split(';')
                            .next()
                            .is_some_and(|m| m.trim().eq_ignore_ascii_case(w))
                }
                _ => found == wanted,
            })
        });
        if holds {
            continue;
        }
        let expected = any_of
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" or ");
        let actual_text = found.map_or("nothing".to_owned(), |v| {
            shorten(&v.to_string(), 200).into_owned()
        });
        let pointer = match source {
            Source::BodyPath(path) => path.to_string(),
            _ => String::new(),
        };
        violations.push(Violation::new(
            pointer,
            ViolationKind::Expectation,
            expected.clone(),
            actual_text.clone(),
            format!("the scenario expects {source} to be {expected}, but it is {actual_text}"),
        ));
    }
    violations
}

/// Headers whose values differ on every call; never compared, not even for presence.
const VARYING_HEADERS: [&str; 5] = [
    "date",
    "content-length",
    "request-id",
    "client-request-id",
    "x-ms-ags-diagnostic",
];

/// Checks one actual response against the case's documented one, and against the schemas of
/// the case's API version.
pub fn check(case: &Case, actual: &ActualResponse, schemas: &Schemas) -> Verdict {
    let schemas = schemas.for_version(&case.version);
    let Some(documented) = &case.response else {
        // Nothing documented, nothing to hold the service to; such cases are skipped upstream.
        return Verdict::default();
    };
    let mut violations = Vec::new();
    check_status(
        documented.status,
        case.expect.expect_error,
        actual,
        &mut violations,
    );
    check_headers(&documented.headers, actual, &mut violations);
    let diff = check_body(case, documented, actual, schemas, &mut violations);
    locate_documented(documented, &mut violations);
    let (warnings, violations): (Vec<Violation>, Vec<Violation>) =
        violations.into_iter().partition(|v| v.kind.is_warning());
    Verdict {
        // Kept with warnings alone too: under --strict they fail, and the diff explains them.
        diff,
        violations,
        warnings,
    }
}

/// The body checks, in order; each that makes the next meaningless ends them. Returns the diff
/// of documented and actual JSON bodies when something is wrong and both are JSON.
fn check_body(
    case: &Case,
    documented: &Response,
    actual: &ActualResponse,
    schemas: &Schemas,
    violations: &mut Vec<Violation>,
) -> Option<BodyDiff> {
    let expect = &case.expect;
    // HTTP forbids a body on 1xx, 204 and 304: a page that shows one anyway is a doc bug for
    // `contract lint` (body-with-no-content), not something to hold the service to.
    if expect.is_empty || status_has_no_body(documented.status) {
        check_no_body(expect.is_empty, documented.status, actual, violations);
        return None;
    }
    let documented_json = documented.body.json();
    if !expect.expect_error && documented_json.is_none() {
        // A text or empty documented body is illustrative only: nothing to compare it with.
        return None;
    }
    if actual.body_cut {
        violations.push(Violation::new(
            "",
            ViolationKind::BodyCut,
            "the whole body",
            format!("the first {} bytes", actual.body.len()),
            "the body was longer than the body limit and was cut, so it was not checked; raise the limit to check it",
        ));
        return None;
    }
    let body = parse_actual(&actual.body)
        .map_err(|violation| violations.push(violation))
        .ok()?;
    if expect.expect_error {
        check_odata_error(&body, violations);
        return None;
    }
    let documented_json = documented_json?;

    let relax = Relax::new(&expect.nullable_properties, &expect.optional_properties);
    let shape = Shape::of(documented_json);
    let mut pointer = String::new();
    shape.compare(&body, expect.truncated, &relax, &mut pointer, violations);
    let (shape_of_body, _) = case.body_shape();
    let collection = shape_of_body.collection().map(str::to_owned);
    if let Some(property) = &collection {
        check_collection(property, documented_json, &body, violations);
    }
    check_schema(
        case,
        documented_json,
        &body,
        collection.as_deref(),
        schemas,
        &relax,
        violations,
    );
    (!violations.is_empty())
        .then(|| BodyDiff::new(documented_json, &body, &shape, expect.truncated))
        .filter(|diff| diff.expected != diff.actual || !diff.extra_keys.is_empty())
}

/// Where the docs show no body (`isEmpty`, or a status that has none), any body is a
/// violation.
fn check_no_body(
    is_empty: bool,
    status: u16,
    actual: &ActualResponse,
    violations: &mut Vec<Violation>,
) {
    if actual.body.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    violations.push(Violation::new(
        "",
        ViolationKind::UnexpectedBody,
        "no body",
        preview(&actual.body),
        format!(
            "the documentation shows no body ({}), but the service sent {} bytes",
            if is_empty {
                "isEmpty".to_owned()
            } else {
                format!("status {status}")
            },
            actual.body.len()
        ),
    ));
}

/// Points each violation about a documented property at the page line that documents it.
fn locate_documented(documented: &Response, violations: &mut [Violation]) {
    let about_documented = |v: &Violation| {
        !v.pointer.is_empty()
            && matches!(
                v.kind,
                ViolationKind::MissingProperty
                    | ViolationKind::WrongType
                    | ViolationKind::UnexpectedNull
                    | ViolationKind::ODataType
            )
    };
    let mut locator = None;
    for violation in violations.iter_mut().filter(|v| about_documented(v)) {
        let at = locator
            .get_or_insert_with(|| crate::json::Locator::new(&documented.body_text))
            .locate(&violation.pointer);
        violation.documented_line = at.found.then_some(documented.body_line + at.line);
    }
}

fn check_status(
    expected: u16,
    expect_error: bool,
    actual: &ActualResponse,
    out: &mut Vec<Violation>,
) {
    if expect_error {
        if !(400..=599).contains(&actual.status) {
            out.push(Violation::new(
                "",
                ViolationKind::Status,
                "4xx or 5xx",
                actual.status.to_string(),
                format!(
                    "expected an error status (4xx or 5xx, documented {expected}), got {}",
                    actual.status
                ),
            ));
        }
    } else if expected != actual.status {
        out.push(Violation::new(
            "",
            ViolationKind::Status,
            expected.to_string(),
            actual.status.to_string(),
            format!("expected status {expected}, got {}", actual.status),
        ));
    }
}

/// The media type of a Content-Type value: parameters (`charset`, `odata.metadata`) dropped.
pub(crate) fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn check_headers(
    documented: &[crate::http::Header],
    actual: &ActualResponse,
    out: &mut Vec<Violation>,
) {
    for header in documented {
        let name = header.name.to_ascii_lowercase();
        if VARYING_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let found = actual.header(&header.name);
        if name == "content-type" {
            let expected = media_type(&header.value);
            let got = found.map(media_type);
            if got.as_deref() != Some(expected.as_str()) {
                let shown = found.unwrap_or("(none)");
                out.push(Violation::new(
                    "",
                    ViolationKind::ContentType,
                    expected.clone(),
                    shown,
                    format!("expected Content-Type {expected}, got {shown}"),
                ));
            }
        } else if found.is_none() {
            // Values like Location ids are illustrative: only presence is part of the contract.
            out.push(Violation::new(
                "",
                ViolationKind::MissingHeader,
                format!("{}: {}", header.name, header.value),
                "(none)",
                format!("the documented header {} is missing", header.name),
            ));
        }
    }
}

fn parse_actual(body: &[u8]) -> Result<Value, Violation> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Violation::new(
            "",
            ViolationKind::MissingBody,
            "a JSON body",
            "no body",
            "the documentation shows a JSON body, but the service sent none",
        ));
    }
    serde_json::from_slice(body).map_err(|error| {
        Violation::new(
            "",
            ViolationKind::NotJson,
            "a JSON body",
            preview(body),
            format!("the body is not JSON: {error}"),
        )
    })
}

/// The start of a body, for messages: at most 80 characters, lossy UTF-8, on one line.
fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::shorten(&flat, 80).into_owned()
}

/// `{"error": {"code": "...", "message": "..."}}`, the OData JSON error format.
fn check_odata_error(body: &Value, out: &mut Vec<Violation>) {
    let Some(error) = body.get("error") else {
        out.push(Violation::new(
            "/error",
            ViolationKind::NotODataError,
            "object",
            json_type(body).map_or("null", |_| "absent"),
            "expected an OData error body {\"error\": {\"code\": …, \"message\": …}}, but there is no `error`",
        ));
        return;
    };
    if !error.is_object() {
        out.push(Violation::new(
            "/error",
            ViolationKind::NotODataError,
            "object",
            type_name(error),
            "`error` must be an object with `code` and `message`",
        ));
        return;
    }
    for field in ["code", "message"] {
        match error.get(field) {
            Some(Value::String(_)) => {}
            other => out.push(Violation::new(
                format!("/error/{field}"),
                ViolationKind::NotODataError,
                "string",
                other.map_or("absent", type_name),
                format!("an OData error must have a string `error.{field}`"),
            )),
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    json_type(value).unwrap_or("null")
}

/// The collection property must hold an array even when the example does not show it.
fn check_collection(property: &str, documented: &Value, body: &Value, out: &mut Vec<Violation>) {
    if documented.get(property).is_some() {
        // Shown in the example: the shape comparison has already checked it.
        return;
    }
    let mut pointer = String::new();
    pointer_push(&mut pointer, property);
    match body.get(property) {
        Some(Value::Array(_)) => {}
        Some(other) => out.push(Violation::new(
            pointer,
            ViolationKind::WrongType,
            "array",
            type_name(other),
            format!("the collection `{property}` must be an array"),
        )),
        None => out.push(Violation::new(
            pointer,
            ViolationKind::MissingProperty,
            "array",
            "absent",
            format!("the collection `{property}` is missing"),
        )),
    }
}

/// `@odata.type` of a JSON object, if it has one.
fn odata_type_of(value: &Value) -> Option<&str> {
    value.get("@odata.type").and_then(Value::as_str)
}

fn check_schema(
    case: &Case,
    documented: &Value,
    body: &Value,
    collection: Option<&str>,
    schemas: &Schemas,
    relax: &Relax,
    out: &mut Vec<Violation>,
) {
    if schemas.is_empty() {
        return;
    }
    let documented_item = match collection {
        Some(property) => documented
            .get(property)
            .and_then(|items| items.as_array()?.first()),
        None => Some(documented),
    };
    let declared = case
        .documented_type(schemas)
        .or_else(|| documented_item.and_then(odata_type_of));
    let targets = schema_targets(body, collection);
    for (prefix, value) in targets {
        // An item may be of a derived type (a user in a directoryObject collection): its own
        // `@odata.type` wins when there is a schema for it.
        let own = odata_type_of(value).filter(|t| schemas.knows(t));
        let Some(type_name) = own.or(declared).filter(|t| schemas.knows(t)) else {
            continue;
        };
        let file = schemas
            .file_of(type_name)
            .and_then(|f| f.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut issues = schemas.validate(type_name, value);
        // A null the annotation allows is not the schema's business either.
        let forgiven: Vec<String> = issues
            .iter()
            .filter(|i| {
                value.pointer(&i.pointer).is_some_and(Value::is_null)
                    && relax.nullable_pointer(&format!("{prefix}{}", i.pointer))
            })
            .map(|i| i.pointer.clone())
            .collect();
        issues.retain(|i| !forgiven.contains(&i.pointer) || !i.unevaluated.is_empty());
        prune_unevaluated(&mut issues, &forgiven);
        for issue in issues {
            // A property the documented example shows too is the docs' own mistake: lint
            // reports it once, as an error, on the example (and the case carries it); the
            // answer is not also warned about for repeating it.
            out.extend(
                issue_violations(&issue, &prefix, body, type_name, &file)
                    .into_iter()
                    .filter(|v| {
                        v.kind != ViolationKind::UndeclaredProperty
                            || documented.pointer(&v.pointer).is_none()
                    }),
            );
        }
    }
}

/// What the schema checks in an answer: the body, or each item of a collection, with the
/// JSON pointer it sits at.
fn schema_targets<'a>(body: &'a Value, collection: Option<&str>) -> Vec<(String, &'a Value)> {
    let Some(property) = collection else {
        return vec![(String::new(), body)];
    };
    let Some(items) = body.get(property).and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut base = String::new();
    pointer_push(&mut base, property);
    items
        .iter()
        .enumerate()
        .map(|(index, item)| (format!("{base}/{index}"), item))
        .collect()
}

/// One schema issue of the value at `prefix` as violations: one per undeclared property,
/// located at the property itself (the validator's own pointer names the object that holds
/// it); otherwise one, a null where the type wants a value counted as such.
fn issue_violations(
    issue: &crate::schema::SchemaIssue,
    prefix: &str,
    body: &Value,
    type_name: &str,
    file: &str,
) -> Vec<Violation> {
    let here = format!("{prefix}{}", issue.pointer);
    // The schema of the object that holds an undeclared property, not the body's.
    let file = issue.schema.as_deref().unwrap_or(file);
    let located: Vec<(String, String, ViolationKind)> = if issue.unevaluated.is_empty() {
        let kind = if body.pointer(&here).is_some_and(Value::is_null) {
            ViolationKind::UnexpectedNull
        } else {
            ViolationKind::Schema
        };
        vec![(here, format!("{} (schema {file})", issue.message), kind)]
    } else {
        issue
            .unevaluated
            .iter()
            .map(|name| {
                let mut pointer = here.clone();
                pointer_push(&mut pointer, name);
                let message = format!(
                    "`{name}` is not a property of this type (schema {file} does not declare it)"
                );
                (pointer, message, ViolationKind::UndeclaredProperty)
            })
            .collect()
    };
    located
        .into_iter()
        .map(|(pointer, message, kind)| {
            let actual = body
                .pointer(&pointer)
                .map_or_else(|| "absent".to_owned(), compact);
            Violation::new(
                pointer,
                kind,
                format!("valid {type_name} ({file})"),
                actual,
                message,
            )
        })
        .collect()
}

/// A value on one line, cut to 80 characters, for the `actual` field.
fn compact(value: &Value) -> String {
    preview(value.to_string().as_bytes())
}

#[cfg(test)]
mod tests;
