//! The JSON note in an HTML comment just before a code block: `<!-- { "blockType": … } -->`.

use crate::json::{parse_lenient, JsonError};
use serde::Serialize;
use serde_json::{Map, Value};

/// What a block is for, from the annotation's `blockType`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BlockType {
    /// An HTTP request to run.
    Request,
    /// The documented HTTP response to a request.
    Response,
    /// A JSON representation of a resource type (resource pages).
    Resource,
    /// An illustrative JSON example, not a message.
    Example,
    /// A block the tooling must not look at.
    Ignored,
    /// An annotation without a `blockType`.
    Unspecified,
    /// Any other value, kept as written so that lint can name it.
    Other(String),
}

impl BlockType {
    fn from_text(text: &str) -> BlockType {
        match text.to_ascii_lowercase().as_str() {
            "request" => BlockType::Request,
            "response" => BlockType::Response,
            "resource" => BlockType::Resource,
            "example" => BlockType::Example,
            "ignored" => BlockType::Ignored,
            _ => BlockType::Other(text.to_owned()),
        }
    }
}

/// A parsed annotation. Unknown keys are kept in `raw`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The `blockType`.
    pub block_type: BlockType,
    /// The example's name, which pairs a request with its response; the first of `names`.
    pub name: Option<String>,
    /// Every name: one, or the list a response shared by several requests carries
    /// (`"name": ["get-drive-by-id", "get-drive-default"]`, ApiDoctor's rule).
    pub names: Vec<String>,
    /// Literal keys in the request URL that stand for any id of their kind (`sampleKeys`).
    pub sample_keys: Vec<String>,
    /// How a response is to be compared, as this annotation says.
    pub expect: Expectations,
    /// The whole annotation as written.
    pub raw: Map<String, Value>,
    /// False when only the lenient reader accepted the JSON (a trailing comma, a comment).
    pub strict: bool,
}

/// Comparison rules an annotation carries. A case takes them from its response's annotation,
/// falling back to its request's ([`Expectations::merge`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Expectations {
    /// The documented body shows only some properties.
    pub truncated: bool,
    /// The body is a collection in `value` (or `collection_property`).
    pub is_collection: bool,
    /// The property holding the collection when it is not `value`.
    pub collection_property: Option<String>,
    /// No body is expected.
    pub is_empty: bool,
    /// An error response (4xx/5xx with an OData error body) is expected.
    pub expect_error: bool,
    /// The response type with any leading `#` removed (`microsoft.graph.user`), case as
    /// written; compare case-insensitively. From `@type`, else `@odata.type` (ApiDoctor's
    /// `CodeBlockAnnotation.ResourceType` reads them in that order).
    pub odata_type: Option<String>,
    /// `@type.aka`: another name for the same type, used where no schema knows the first.
    pub odata_type_aka: Option<String>,
    /// Properties allowed to be `null`.
    pub nullable_properties: Vec<String>,
    /// Properties allowed to be absent.
    pub optional_properties: Vec<String>,
    /// Permission scopes the example needs (ApiDoctor: an account must grant them all).
    pub scopes: Vec<String>,
    /// Tags an account must have to run the example (ApiDoctor's space-separated `tags`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// API versions an account must serve to run the example (`apiVersions`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_versions: Vec<String>,
    /// `"target": "action"` or `"function"`: an account's `actions.prefix` transformation
    /// goes before the URL's last segment.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub action: bool,
}

impl Expectations {
    /// The response annotation's rules, each falling back to the request annotation's: a flag
    /// set on either holds, a value or list comes from the response when it has one.
    pub fn merge(request: Option<&Expectations>, response: Option<&Expectations>) -> Self {
        let pick = |f: fn(&Expectations) -> bool| response.is_some_and(f) || request.is_some_and(f);
        let first = |f: fn(&Expectations) -> Option<String>| {
            response.and_then(f).or_else(|| request.and_then(f))
        };
        let list = |f: fn(&Expectations) -> &Vec<String>| {
            response
                .map(f)
                .filter(|l| !l.is_empty())
                .or_else(|| request.map(f))
                .cloned()
                .unwrap_or_default()
        };
        Expectations {
            truncated: pick(|a| a.truncated),
            is_collection: pick(|a| a.is_collection),
            collection_property: first(|a| a.collection_property.clone()),
            is_empty: pick(|a| a.is_empty),
            expect_error: pick(|a| a.expect_error),
            odata_type: first(|a| a.odata_type.clone()),
            odata_type_aka: first(|a| a.odata_type_aka.clone()),
            nullable_properties: list(|a| &a.nullable_properties),
            optional_properties: list(|a| &a.optional_properties),
            scopes: list(|a| &a.scopes),
            tags: list(|a| &a.tags),
            api_versions: list(|a| &a.api_versions),
            action: pick(|a| a.action),
        }
    }
}

impl Annotation {
    /// Reads an annotation from the JSON text of a comment, leniently.
    pub fn parse(json: &str) -> Result<Annotation, JsonError> {
        let (value, strictness) = parse_lenient(json)?;
        let Value::Object(raw) = value else {
            return Err(JsonError {
                line: 1,
                column: 1,
                message: "annotation is not a JSON object".into(),
            });
        };
        let text = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
        let flag = |key: &str| match raw.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        let list = |key: &str| list(&raw, key, &[',']);
        // ApiDoctor splits scopes, tags and apiVersions on spaces (CodeBlockAnnotation.cs:
        // 385-418); Graph pages also write "User.Read, Mail.Read".
        let words = |key: &str| self::list(&raw, key, &[',', ' ', '\t']);
        let action = text("target").is_some_and(|t| {
            t.eq_ignore_ascii_case("action") || t.eq_ignore_ascii_case("function")
        });
        let mut is_collection = flag("isCollection");
        let odata_type = text("@type")
            .or_else(|| text("@odata.type"))
            .map(|written| {
                let written = written.trim().trim_start_matches('#');
                match written
                    .strip_prefix("Collection(")
                    .and_then(|t| t.strip_suffix(')'))
                {
                    Some(item) => {
                        is_collection = true;
                        item.trim_start_matches('#').to_owned()
                    }
                    None => written.to_owned(),
                }
            });
        let names: Vec<String> = match raw.get("name") {
            Some(Value::Array(_)) => list("name"),
            _ => text("name").into_iter().collect(),
        }
        .into_iter()
        .filter(|n| !n.trim().is_empty())
        .collect();
        Ok(Annotation {
            block_type: text("blockType")
                .map_or(BlockType::Unspecified, |t| BlockType::from_text(&t)),
            name: names.first().cloned(),
            names,
            sample_keys: list("sampleKeys"),
            expect: Expectations {
                truncated: flag("truncated"),
                is_collection,
                collection_property: text("collectionProperty"),
                is_empty: flag("isEmpty"),
                expect_error: flag("expectError"),
                odata_type: odata_type.filter(|t| !t.is_empty()),
                odata_type_aka: text("@type.aka")
                    .map(|t| t.trim().trim_start_matches('#').to_owned())
                    .filter(|t| !t.is_empty()),
                nullable_properties: list("nullableProperties"),
                optional_properties: list("optionalProperties"),
                scopes: words("scopes"),
                tags: words("tags"),
                api_versions: words("apiVersions"),
                action,
            },
            raw,
            strict: strictness == crate::json::Strictness::Strict,
        })
    }
}

/// The strings of `key`: a list, or one string split at `separators`.
fn list(raw: &Map<String, Value>, key: &str, separators: &[char]) -> Vec<String> {
    match raw.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => s
            .split(separators)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The JSON text of the comment that ends right before `fence_start`, and its byte offset.
pub(crate) struct Comment<'a> {
    pub(crate) json: &'a str,
    pub(crate) offset: usize,
}

/// Finds an annotation comment separated from the fence at `fence_start` by whitespace only.
pub(crate) fn preceding(text: &str, fence_start: usize, body_start: usize) -> Option<Comment<'_>> {
    let before = text[body_start..fence_start].trim_end();
    let before = before.strip_suffix("-->")?;
    let open = before.rfind("<!--")?;
    let inner = &before[open + 4..];
    let json_start = inner.len() - inner.trim_start().len();
    let json = inner.trim();
    if !json.starts_with('{') {
        return None;
    }
    Some(Comment {
        json,
        offset: body_start + open + 4 + json_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_lists_are_read() {
        let a = Annotation::parse(
            r##"{"blockType": "response", "truncated": "true", "isCollection": true,
                "@odata.type": "#microsoft.graph.User", "optionalProperties": ["a", "b"],
                "scopes": "User.Read, Mail.Read", "expectError": true, "isEmpty": false}"##,
        )
        .unwrap();
        assert!(
            a.expect.truncated
                && a.expect.is_collection
                && a.expect.expect_error
                && !a.expect.is_empty
        );
        assert_eq!(a.expect.odata_type.as_deref(), Some("microsoft.graph.User"));
        assert_eq!(a.expect.optional_properties, ["a", "b"]);
        assert_eq!(a.expect.scopes, ["User.Read", "Mail.Read"]);
    }

    #[test]
    fn a_list_of_names_is_kept_whole() {
        let a = Annotation::parse(
            r#"{"blockType": "response", "name": ["get-drive-by-id", " ", "get-drive-default"],
                "sampleKeys": ["b320ee12-b1cd-4cca-b648-a437be61c5cd"]}"#,
        )
        .unwrap();
        assert_eq!(a.names, ["get-drive-by-id", "get-drive-default"]);
        assert_eq!(a.name.as_deref(), Some("get-drive-by-id"));
        assert_eq!(a.sample_keys, ["b320ee12-b1cd-4cca-b648-a437be61c5cd"]);
        let single = Annotation::parse(r#"{"blockType": "request", "name": "get_me"}"#).unwrap();
        assert_eq!(single.names, ["get_me"]);
    }

    #[test]
    fn type_is_read_from_at_type_first_then_odata_type_with_its_aka() {
        let a = Annotation::parse(
            r##"{"blockType": "response", "@type": "microsoft.graph.site", "@type.aka": "#microsoft.graph.sharepointSite"}"##,
        )
        .unwrap();
        assert_eq!(a.expect.odata_type.as_deref(), Some("microsoft.graph.site"));
        assert_eq!(
            a.expect.odata_type_aka.as_deref(),
            Some("microsoft.graph.sharepointSite")
        );
        // Both given: `@type` wins, as ApiDoctor's ResourceType reads it.
        let both = Annotation::parse(
            r#"{"blockType": "response", "@odata.type": "microsoft.graph.user", "@type": "microsoft.graph.site"}"#,
        )
        .unwrap();
        assert_eq!(
            both.expect.odata_type.as_deref(),
            Some("microsoft.graph.site")
        );
    }

    #[test]
    fn collection_type_sets_is_collection() {
        let a = Annotation::parse(
            r#"{"blockType": "response", "@odata.type": "Collection(microsoft.graph.user)"}"#,
        )
        .unwrap();
        assert!(a.expect.is_collection);
        assert_eq!(a.expect.odata_type.as_deref(), Some("microsoft.graph.user"));
    }

    #[test]
    fn comment_must_touch_the_fence() {
        let text = "<!-- {\"a\":1} -->\n\n```";
        let comment = preceding(text, text.len() - 3, 0).unwrap();
        assert_eq!(comment.json, "{\"a\":1}");
        assert_eq!(comment.offset, 5);
        assert!(preceding("<!-- not json -->\n```", 18, 0).is_none());
    }
}
