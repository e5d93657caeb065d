//! `contract lint`: what is wrong with the documentation itself, found without any service.
//!
//! Each rule yields [`Finding`]s at the offending line. The page rules look at the text and
//! the blocks; the case rules look at one documented example and are also attached to that
//! case's entry when the suite runs it.

mod links;

use crate::case::{Case, SkipReason};
use crate::catalog::{Catalog, CatalogError, PageView};
use crate::doc::{Block, BlockType, FrontMatter};
use crate::finding::{Finding, Rule};
use crate::http::{status_has_no_body, Body, Header, Request, Response};
use crate::json::Strictness;
use crate::schema::Schemas;
use crate::text::shorten;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Lints every page under `root` and the scenario files (under `root` and at `scenarios`);
/// returns the catalog and all findings, sorted by place. The types the resource pages
/// document join `schemas` where it has none ([`crate::resource::Model::add_to`]), so that a docs
/// repository without CSDL still gets its examples checked.
pub fn lint(
    root: &Path,
    scenarios: &[PathBuf],
    schemas: &mut Schemas,
) -> Result<(Catalog, Vec<Finding>), CatalogError> {
    use rayon::prelude::*;
    let outlines = std::sync::Mutex::new(Vec::new());
    let catalog = Catalog::read_with(root, scenarios, |view| {
        let outline = links::outline(view.file, view.text);
        outlines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(outline);
        lint_page(view)
    })?;
    let outlines = outlines.into_inner().unwrap_or_else(|e| e.into_inner());
    let absolute = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    // The docs against the metadata, before the docs' own types join the schemas.
    let drift = if schemas.is_empty() {
        Vec::new()
    } else {
        crate::resource::metadata_drift(&catalog.model, schemas)
    };
    catalog.model.add_to(schemas);
    let schemas = &*schemas;
    let mut findings = catalog.findings.clone();
    findings.extend(links::findings(&absolute, &outlines));
    findings.extend(drift);
    findings.extend(crate::resource::findings(&catalog.model, &|name| {
        schemas.knows(name)
    }));
    // The case rules, once the documented types are known.
    let case_findings: Vec<Vec<Finding>> = catalog
        .cases
        .par_iter()
        .map(|case| lint_case(case, schemas))
        .collect();
    findings.extend(case_findings.into_iter().flatten());
    // A response shared by several requests is linted with each of them: said once.
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.rule.name(), &a.message).cmp(&(
            &b.file,
            b.line,
            b.rule.name(),
            &b.message,
        ))
    });
    findings.dedup();
    Ok((catalog, findings))
}

/// Attaches to each case the findings of its own example (the case rules of [`lint_case`]), once,
/// when the cases are built: the runner and the reports read them from the case.
pub fn attach(cases: &mut [Case], schemas: &Schemas) {
    use rayon::prelude::*;
    cases
        .par_iter_mut()
        .for_each(|case| case.findings = lint_case(case, schemas));
}

/// The findings of one page by itself (the page rules); its examples' own findings come from
/// [`lint_case`].
pub fn lint_page(view: &PageView) -> Vec<Finding> {
    let file = view.file;
    let mut findings = Vec::new();
    if let Some(span) = &view.page.front_matter {
        if let Err(error) = FrontMatter::parse(&view.text[span.range.clone()]) {
            findings.push(Finding::new(
                Rule::FrontMatter,
                file,
                span.line + error.line,
                format!("front matter is not valid YAML: {}", error.message),
            ));
        }
    }
    for (index, line) in view.text.lines().enumerate() {
        if line.contains("TODO") {
            let text = line.trim().trim_matches('|').trim();
            findings.push(Finding::new(
                Rule::Todo,
                file,
                index + 1,
                format!("a TODO is left in the page: `{}`", shorten(text, 100)),
            ));
        }
    }
    let paired: Vec<usize> = view.cases.iter().filter_map(|c| c.response_line).collect();
    for index in 0..view.page.blocks.len() {
        findings.extend(block_findings(file, &view.page.blocks, index, &paired));
    }
    findings
}

/// What is wrong with one block by itself: its type, a response no case checks, a resource's
/// JSON, an HTTP example with no annotation, generator leftovers.
fn block_findings(file: &str, blocks: &[Block], index: usize, paired: &[usize]) -> Vec<Finding> {
    let block = &blocks[index];
    let annotation_line = block.annotation_line.unwrap_or(block.line);
    let mut findings = Vec::new();
    if block.annotation.as_ref().is_some_and(|a| !a.strict) {
        findings.push(Finding::new(
            Rule::LenientAnnotation,
            file,
            annotation_line,
            "the annotation is not strict JSON (a trailing comma, a comment or the like); ApiDoctor reads it, stricter readers do not",
        ));
    }
    findings.extend(match block.block_type() {
        Some(BlockType::Other(name)) => vec![Finding::new(
            Rule::UnknownBlockType,
            file,
            annotation_line,
            format!("unknown blockType `{name}`: expected request, response, resource, example or ignored"),
        )],
        Some(BlockType::Response) if !paired.contains(&block.line) => {
            unpaired_response(file, blocks, index)
        }
        Some(BlockType::Resource) => resource_findings(file, block),
        None => missing_annotation(file, blocks, index),
        _ => Vec::new(),
    });
    // Generator leftovers appear in ignored blocks too (the "HTTP request" section).
    if block.block_type() != Some(&BlockType::Request) {
        for (offset, line) in block.content.lines().enumerate() {
            if is_generator_url(line) {
                findings.push(generator_url(file, block.content_line + offset, line));
            }
        }
    }
    findings
}

/// A response block no case checks: said as what is true (its request is marked `ignored`,
/// or there is none), and its own message checked all the same (Content-Length, JSON).
fn unpaired_response(file: &str, blocks: &[Block], index: usize) -> Vec<Finding> {
    let block = &blocks[index];
    let annotation_line = block.annotation_line.unwrap_or(block.line);
    let ignored_request = blocks[..index]
        .iter()
        .rev()
        .find(|b| b.annotation.is_some())
        .filter(|b| b.block_type() == Some(&BlockType::Ignored))
        .filter(|b| crate::http::parse_request(&b.content, b.content_line).is_ok());
    let mut findings = vec![match ignored_request {
        Some(request) => Finding::new(
            Rule::IgnoredRequest,
            file,
            annotation_line,
            format!(
                "the request before this response (line {}) is marked `ignored`, so this response is not checked either",
                request.line
            ),
        ),
        None => Finding::new(
            Rule::ResponseWithoutRequest,
            file,
            annotation_line,
            "this response block follows no request block, so no case checks it",
        ),
    }];
    if let Ok(response) = crate::http::parse_response(&block.content, block.content_line) {
        findings.extend(response_body_findings(file, &response));
    }
    findings
}

/// A resource block's JSON: ApiDoctor builds the type from it, so it must be readable.
fn resource_findings(file: &str, block: &Block) -> Vec<Finding> {
    match crate::json::parse_lenient(&block.content) {
        Err(error) => vec![Finding::new(
            Rule::InvalidJson,
            file,
            block.content_line + error.line - 1,
            format!(
                "the resource's JSON is not JSON: {} (column {}); no type can be read from it",
                error.message, error.column
            ),
        )],
        Ok(_) => Vec::new(),
    }
}

/// An unannotated HTTP request followed by an unannotated HTTP response: a full example that
/// no case tests, because nothing says it is one.
fn missing_annotation(file: &str, blocks: &[Block], index: usize) -> Vec<Finding> {
    let block = &blocks[index];
    let Some(next) = blocks
        .get(index + 1)
        .filter(|b| b.annotation_line.is_none())
    else {
        return Vec::new();
    };
    if block.annotation_line.is_some()
        || crate::http::parse_request(&block.content, block.content_line).is_err()
        || crate::http::parse_response(&next.content, next.content_line).is_err()
    {
        return Vec::new();
    }
    vec![Finding::new(
        Rule::MissingAnnotation,
        file,
        block.line,
        format!(
            "this HTTP request and the response at line {} have no annotations, so nothing tests them; annotate them `\"blockType\": \"request\"` and `\"blockType\": \"response\"`",
            next.line
        ),
    )]
}

/// The findings of one documented example, against the schemas of its API version.
pub fn lint_case(case: &Case, schemas: &Schemas) -> Vec<Finding> {
    let schemas = schemas.for_version(&case.version);
    let mut findings = skip_findings(case);
    if let (Some(line), (_, Some(mismatch))) = (case.response_line, case.body_shape()) {
        findings.push(Finding::new(
            Rule::CollectionMismatch,
            &case.file,
            line,
            mismatch,
        ));
    }
    if let (Some(response_line), Some(body_line)) = (case.response_line, case.response_body_line) {
        findings.push(Finding::new(
            Rule::SplitResponse,
            &case.file,
            response_line,
            format!("the response block (line {response_line}) has no body, and its JSON is in the next code block (line {body_line}): tools that read the response block see an empty answer; checked here with the JSON joined"),
        ));
    }
    if let Some(request) = &case.request {
        findings.extend(request_findings(case, request, schemas));
    }
    if let Some(response) = &case.response {
        findings.extend(response_findings(case, response, schemas));
    }
    findings
}

/// Why the example cannot run, as a documentation problem at its line.
fn skip_findings(case: &Case) -> Vec<Finding> {
    let file = case.file.as_str();
    let finding = match &case.skip {
        Some(SkipReason::NotAUrl(_)) => {
            let url = case.request.as_ref().map_or("", |r| r.url.as_str());
            if is_generator_url(url) {
                generator_url(file, case.line + 1, url)
            } else {
                Finding::new(Rule::BadUrl, file, case.line + 1, case.skip.as_ref().map(ToString::to_string).unwrap_or_default())
            }
        }
        Some(SkipReason::BadRequestLine(detail)) => {
            Finding::new(Rule::RequestLine, file, case.line + 1, format!("the request line cannot be read: {detail}"))
        }
        Some(SkipReason::NoResponse) => Finding::new(
            Rule::RequestWithoutResponse,
            file,
            case.line,
            "this request has no response block after it, so it cannot be checked; add one annotated `\"blockType\": \"response\"`",
        ),
        Some(SkipReason::BadResponse(detail)) => {
            let line = case.response_line.map_or(case.line, |l| l + 1);
            Finding::new(Rule::StatusLine, file, line, format!("the documented response cannot be read: {detail}"))
        }
        Some(SkipReason::ResponseNotJson { .. } | SkipReason::ScenariosDisabled(_)) | None => {
            return Vec::new()
        }
    };
    vec![finding]
}

/// The request body's problems, and its schema's verdict when it names its `@odata.type`.
fn request_findings(case: &Case, request: &Request, schemas: &Schemas) -> Vec<Finding> {
    let file = case.file.as_str();
    let mut findings = body_findings(
        file,
        "request",
        &request.headers,
        &request.body,
        &request.body_text,
        request.body_line,
    );
    if request.body.json().is_some() && request.header("content-type").is_none() {
        findings.push(Finding::new(
            Rule::MissingContentType,
            file,
            request.body_line,
            "the request has a JSON body but no Content-Type header; the service may refuse it (415 Unsupported Media Type)",
        ));
    }
    let documented = Documented {
        file,
        what: "request",
        text: &request.body_text,
        line: request.body_line,
    };
    if let (Some(value), Some(odata_type)) = (request.body.json(), case.request_body_type(schemas))
    {
        findings.extend(schema_findings(
            &documented,
            &odata_type,
            "",
            value,
            schemas,
        ));
    }
    findings
}

/// A documented response's own message problems: Content-Length, JSON.
fn response_body_findings(file: &str, response: &Response) -> Vec<Finding> {
    body_findings(
        file,
        "response",
        &response.headers,
        &response.body,
        &response.body_text,
        response.body_line,
    )
}

/// The response body's problems, and its schema's verdict on the body or on each item of a
/// collection.
fn response_findings(case: &Case, response: &Response, schemas: &Schemas) -> Vec<Finding> {
    let file = case.file.as_str();
    let mut findings = response_body_findings(file, response);
    if !matches!(response.body, Body::Empty) && status_has_no_body(response.status) {
        findings.push(Finding::new(
            Rule::BodyWithNoContent,
            file,
            response.body_line,
            format!(
                "a {} response has no body, but the page shows one",
                response.status
            ),
        ));
    }
    let Some(value) = response.body.json() else {
        return findings;
    };
    let documented_type = case
        .documented_type(schemas)
        .map(str::to_owned)
        .or_else(|| {
            value
                .get("@odata.type")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    let Some(odata_type) = documented_type else {
        return findings;
    };
    if !schemas.is_empty()
        && !schemas.knows(&odata_type)
        && !crate::schema::is_primitive(&odata_type)
    {
        findings.push(Finding::new(
            Rule::UnknownOdataType,
            file,
            case.response_line.unwrap_or(case.line),
            format!("no schema for {} knows the type `{odata_type}`: its bodies are not validated (check the spelling, or import the schema)", case.version),
        ));
    }
    let documented = Documented {
        file,
        what: "response",
        text: &response.body_text,
        line: response.body_line,
    };
    findings.extend(response_schema_findings(
        case,
        &documented,
        &odata_type,
        value,
        schemas,
    ));
    findings
}

/// The schema's verdict on a response body, or on each item of a collection.
fn response_schema_findings(
    case: &Case,
    documented: &Documented,
    odata_type: &str,
    value: &Value,
    schemas: &Schemas,
) -> Vec<Finding> {
    let (shape, _) = case.body_shape();
    let Some(property) = shape.collection() else {
        return schema_findings(documented, odata_type, "", value, schemas);
    };
    let Some(Value::Array(items)) = value.get(property) else {
        return Vec::new();
    };
    let mut base = String::new();
    crate::json::pointer_push(&mut base, property);
    let mut findings = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{base}/{i}");
        findings.extend(schema_findings(
            documented, odata_type, &prefix, item, schemas,
        ));
    }
    findings
}

fn is_generator_url(line: &str) -> bool {
    line.contains("**") && line.contains("not found")
}

fn generator_url(file: &str, line: usize, text: &str) -> Finding {
    Finding::new(
        Rule::GeneratorUrl,
        file,
        line,
        format!(
            "the generator could not find the collection URI: `{}`; write the real request URL",
            shorten(text.trim(), 100)
        ),
    )
}

fn body_findings(
    file: &str,
    what: &str,
    headers: &[Header],
    body: &Body,
    text: &str,
    body_line: usize,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(header) = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
    {
        let actual = text.trim_end().len();
        if header.value.trim().parse::<usize>().ok() != Some(actual) {
            findings.push(Finding::new(
                Rule::ContentLength,
                file,
                header.line,
                format!("the {what}'s {}: {} disagrees with its body, which has {actual} bytes; fix it or drop the header", header.name, header.value),
            ));
        }
    }
    match body {
        Body::Json {
            strictness: Strictness::Lenient,
            ..
        } => {
            let (line, detail) = match serde_json::from_str::<Value>(text) {
                Err(error) => (
                    body_line + strict_error_line(text, &error) - 1,
                    format!("{error}"),
                ),
                Ok(_) => (body_line, String::new()),
            };
            findings.push(Finding::new(
                Rule::LenientJson,
                file,
                line,
                format!("the {what} body is not strict JSON ({}); readers accept it, but copy-pasting it fails", crate::json::strip_position(&detail)),
            ));
        }
        Body::Text {
            json_error: Some(error),
            ..
        } => findings.push(Finding::new(
            Rule::InvalidJson,
            file,
            error.line,
            format!(
                "the {what} body is not JSON: {} (column {})",
                error.message, error.column
            ),
        )),
        _ => {}
    }
    findings
}

/// A documented body and where it is, for findings that point into it.
struct Documented<'a> {
    file: &'a str,
    /// `request` or `response`.
    what: &'a str,
    text: &'a str,
    /// Page line of the body's first line.
    line: usize,
}

/// The 1-based line of `text` a strict-JSON error is about. serde_json notices a trailing
/// comma only at the `}` or `]` after it, often a line later: the comma is what to delete.
fn strict_error_line(text: &str, error: &serde_json::Error) -> usize {
    if !error.to_string().starts_with("trailing comma") {
        return error.line();
    }
    let offset: usize = text
        .split_inclusive('\n')
        .take(error.line() - 1)
        .map(str::len)
        .sum::<usize>()
        + error.column().saturating_sub(1);
    let before = &text[..offset.min(text.len())];
    match before
        .trim_end()
        .strip_suffix(|c: char| c == '}' || c == ']')
    {
        Some(rest) if rest.trim_end().ends_with(',') => rest.trim_end().matches('\n').count() + 1,
        _ => before.trim_end().matches('\n').count() + 1,
    }
}

/// The schema's verdict on `value`, which sits at `prefix` (a JSON pointer, empty for the whole
/// body) in the documented body; each finding at the page line of the offending property.
fn schema_findings(
    documented: &Documented,
    odata_type: &str,
    prefix: &str,
    value: &Value,
    schemas: &Schemas,
) -> Vec<Finding> {
    let issues = schemas.validate(odata_type, value);
    if issues.is_empty() {
        return Vec::new();
    }
    let locator = crate::json::Locator::new(documented.text);
    issues
        .into_iter()
        .map(|issue| {
            let mut pointer = format!("{prefix}{}", issue.pointer);
            // An undeclared property is found at its own line, not its object's.
            if let Some(first) = issue.unevaluated.first() {
                crate::json::pointer_push(&mut pointer, first);
            }
            let line = documented.line + locator.locate(&pointer).line;
            let at = if issue.pointer.is_empty() {
                "the body".to_owned()
            } else {
                format!("`{}`", issue.pointer)
            };
            let item = if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}: ")
            };
            if let (Some(canonical), "request") = (&issue.canonical, documented.what) {
                return Finding::new(
                    Rule::EnumCase,
                    documented.file,
                    line,
                    format!(
                        "{item}`{}` is the enum member `{canonical}` in another case: the service accepts it, and so does the mock; the schema spells it `{canonical}`",
                        value.pointer(&issue.pointer).and_then(Value::as_str).unwrap_or_default()
                    ),
                );
            }
            if let Some((name, members)) = &issue.enumeration {
                let shown: Vec<&str> = members.iter().take(8).map(String::as_str).collect();
                let more = members.len().saturating_sub(shown.len());
                return Finding::new(
                    Rule::Enum,
                    documented.file,
                    line,
                    format!(
                        "{item}`{}` at {at} is not a member of {name} ({}{})",
                        value.pointer(&issue.pointer).and_then(Value::as_str).unwrap_or_default(),
                        shown.join(", "),
                        if more > 0 { format!(" and {more} more") } else { String::new() }
                    ),
                );
            }
            let holder = issue.schema.as_deref().map_or_else(String::new, |schema| {
                format!("; {schema} and its base types do not declare them")
            });
            Finding::new(
                Rule::Schema,
                documented.file,
                line,
                format!(
                    "{item}the {} example contradicts the schema of {odata_type} at {at}: {}{holder}",
                    documented.what, issue.message
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
