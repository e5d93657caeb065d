//! The little language of scenario keys and values, shared by ApiDoctor's JSON files and our
//! TOML: `{placeholder}`, `[captured]`, `$.json.path`, `!body`, `!body.base64`, `!url`,
//! `Header-Name:` and `!random-filename-EXT`.

use base64::Engine;
use serde_json::Value as Json;
use std::fmt;

/// A JSONPath, parsed once by `serde_json_path`, kept with its text for messages.
///
/// ApiDoctor's files use its own small dialect (`Json/JsonPath.cs`): `$.a.b`, `[0]`,
/// `$.['@odata.type']`, names with `@`, `-` or `.`-free punctuation after a dot. Such a path
/// is read into its segments and queried as the RFC 9535 path it means
/// (`$['@odata.type']`); anything else (filters, wildcards) is read as RFC 9535 itself.
#[derive(Debug, Clone)]
pub struct JsonPath {
    text: String,
    path: serde_json_path::JsonPath,
    /// The names and indexes of a simple path (ApiDoctor's dialect): setting one creates the
    /// objects it passes through, as ApiDoctor's `SetValueForJsonPath` does.
    segments: Option<Vec<Segment>>,
}

/// One step of a simple path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Name(String),
    Index(usize),
}

impl JsonPath {
    /// Parses `$.a.b`; the error says what is wrong in words.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let segments = simple_segments(text.trim());
        let rfc = segments
            .as_deref()
            .map_or_else(|| text.to_owned(), rfc_text);
        serde_json_path::JsonPath::parse(&rfc)
            .map(|path| JsonPath {
                text: text.to_owned(),
                path,
                segments,
            })
            .map_err(|error| format!("`{text}` is not a JSONPath (RFC 9535): {error}"))
    }

    /// The RFC 9535 form of this path (`$.['@a']` → `$['@a']`).
    pub fn rfc(&self) -> String {
        self.segments
            .as_deref()
            .map_or_else(|| self.text.clone(), rfc_text)
    }

    /// The first value the path selects in `value`.
    pub fn first<'a>(&self, value: &'a Json) -> Option<&'a Json> {
        self.path.query(value).first()
    }

    /// Sets the node the path names in `body` to `value`. A simple path creates the objects it
    /// passes through when they are missing; `null` removes the property instead
    /// (ApiDoctor's rule for a parameter whose value is null). Other paths set every node
    /// they select.
    pub fn set(&self, body: &mut Json, value: &Json) -> Result<(), String> {
        if let Some(segments) = &self.segments {
            return set_at(body, segments, value).map_err(|at| {
                format!(
                    "`{}` cannot be set: {at} in the request body is not an object or a list long enough",
                    self.text
                )
            });
        }
        let pointers: Vec<String> = self
            .path
            .query_located(body)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            return Err(format!(
                "`{}` selects nothing in the request body, so there is nothing to set",
                self.text
            ));
        }
        for pointer in pointers {
            if let Some(slot) = body.pointer_mut(&pointer) {
                *slot = value.clone();
            }
        }
        Ok(())
    }
}

/// The segments of a path in ApiDoctor's dialect, or `None` when it is not one.
fn simple_segments(text: &str) -> Option<Vec<Segment>> {
    let mut rest = text.strip_prefix('$')?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            if after.starts_with('[') {
                rest = after;
                continue;
            }
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            let plain = !name.is_empty()
                && !name.contains(['*', '?', '(', ')', '\'', '"', ']', ' ', ':', ',']);
            if !plain {
                return None;
            }
            segments.push(Segment::Name(name.to_owned()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']')?;
            let inner = after[..close].trim();
            let quoted = ['\'', '"'].into_iter().find_map(|q| {
                inner
                    .strip_prefix(q)
                    .and_then(|i| i.strip_suffix(q))
                    .filter(|name| !name.contains(q))
            });
            match quoted {
                Some(name) => segments.push(Segment::Name(name.to_owned())),
                None => segments.push(Segment::Index(inner.parse().ok()?)),
            }
            rest = &after[close + 1..];
        } else {
            return None;
        }
    }
    Some(segments)
}

/// `$['a'][0]`: the RFC 9535 text of simple segments.
fn rfc_text(segments: &[Segment]) -> String {
    let mut out = String::from("$");
    for segment in segments {
        match segment {
            Segment::Name(name) => {
                out.push_str("['");
                out.push_str(&name.replace('\\', "\\\\").replace('\'', "\\'"));
                out.push_str("']");
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Sets (or, for `null`, removes) the node at `segments`, creating missing objects on the way;
/// the error names the part of the path that is in the way.
fn set_at(node: &mut Json, segments: &[Segment], value: &Json) -> Result<(), String> {
    let Some((last, parents)) = segments.split_last() else {
        *node = value.clone();
        return Ok(());
    };
    let mut here = node;
    for (depth, segment) in parents.iter().enumerate() {
        let at = || rfc_text(&segments[..=depth]);
        if here.is_null() && matches!(segment, Segment::Name(_)) {
            *here = Json::Object(Default::default());
        }
        here = match (segment, here) {
            (Segment::Name(name), Json::Object(object)) => object
                .entry(name.clone())
                .or_insert_with(|| Json::Object(Default::default())),
            (Segment::Index(index), Json::Array(items)) => items.get_mut(*index).ok_or_else(at)?,
            _ => return Err(at()),
        };
    }
    match (last, here) {
        (Segment::Name(name), Json::Object(object)) => {
            if value.is_null() {
                object.shift_remove(name);
            } else {
                object.insert(name.clone(), value.clone());
            }
            Ok(())
        }
        (Segment::Index(index), Json::Array(items)) if *index < items.len() => {
            items[*index] = value.clone();
            Ok(())
        }
        (Segment::Index(index), Json::Array(items)) if *index == items.len() => {
            items.push(value.clone());
            Ok(())
        }
        _ => Err(rfc_text(parents)),
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a request parameter replaces in the request (the key of `request-parameters`).
#[derive(Debug, Clone)]
pub enum Target {
    /// `{name}`: that URL placeholder.
    Placeholder(String),
    /// `$.a.b`: that property of the JSON request body.
    BodyPath(JsonPath),
    /// `!body`: the whole body.
    Body,
    /// `!body.base64`: the whole body, given as base64 bytes.
    BodyBase64,
    /// `!url`: the whole URL.
    Url,
    /// `Header-Name:`: that request header.
    Header(String),
}

impl Target {
    /// Reads a key of `request-parameters`.
    pub fn parse(key: &str) -> Result<Target, String> {
        if let Some(name) = key.strip_prefix('{').and_then(|k| k.strip_suffix('}')) {
            return Ok(Target::Placeholder(name.to_owned()));
        }
        if key.starts_with('$') {
            return JsonPath::parse(key).map(Target::BodyPath);
        }
        match key {
            "!body" => return Ok(Target::Body),
            "!body.base64" => return Ok(Target::BodyBase64),
            "!url" => return Ok(Target::Url),
            _ => {}
        }
        if let Some(name) = header_name(key) {
            return Ok(Target::Header(name.to_owned()));
        }
        Err(format!(
            "`{key}` is not a request parameter: use `{{placeholder}}`, `$.json.path`, `!body`, `!body.base64`, `!url` or `Header-Name:`"
        ))
    }
}

/// A value given in a scenario: a literal, a value captured earlier, or a fresh file name.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Used as written (a string, a number, an object for `!body`, …); `null` removes the
    /// header or body property it targets, as in ApiDoctor.
    Literal(Json),
    /// `[name]`: the value captured under that name earlier in the scenario.
    Captured(String),
    /// A value holding `!random-filename…` (the whole value, kept to be filled each time it is
    /// used; see [`random_filename`]).
    RandomFilename(String),
}

/// What marks a fresh file name in a value.
pub const RANDOM_FILENAME: &str = "!random-filename";

impl Value {
    /// Reads a value; a string that is exactly `[name]` refers to a capture, one holding
    /// `!random-filename` is filled afresh each time it is used.
    pub fn parse(value: &Json) -> Result<Value, String> {
        let Json::String(text) = value else {
            return Ok(Value::Literal(value.clone()));
        };
        if let Some(name) = captured_name(text) {
            return Ok(Value::Captured(name.to_owned()));
        }
        if text.contains(RANDOM_FILENAME) {
            return Ok(Value::RandomFilename(text.clone()));
        }
        Ok(Value::Literal(value.clone()))
    }
}

/// `value` with its `!random-filename…` filled as ApiDoctor fills it
/// (`ApiDoctor.Validation/Params/requestdefinitionextensions.cs:240-281`): the placeholder runs
/// from `!random-filename` to the next `!`; `!random-filename!` becomes `apidoctor-<guid>`,
/// `!random-filename-EXT!` `apidoctor-<guid>.EXT` (the character after the prefix is skipped,
/// whatever it is). Without a closing `!` the placeholder is the rest of the value, and unless
/// it is the bare `!random-filename`, a `/` is put in front of the whole value. Every
/// occurrence of the placeholder gets the same name. `guid` gives the 36-character GUID.
pub fn random_filename(value: &str, guid: impl FnOnce() -> String) -> String {
    let Some(index) = value.find(RANDOM_FILENAME) else {
        return value.to_owned();
    };
    let mut value = value.to_owned();
    let placeholder = match value[index + 1..].find('!') {
        Some(end) => value[index..index + 1 + end + 1].to_owned(),
        None => {
            let rest = value[index..].to_owned();
            let closed = format!("{rest}!");
            value = if rest == RANDOM_FILENAME {
                value.replace(&rest, &closed)
            } else {
                format!("/{}", value.replace(&rest, &closed))
            };
            closed
        }
    };
    let name = if placeholder == format!("{RANDOM_FILENAME}!") {
        format!("apidoctor-{}", guid())
    } else {
        // Skips one character after the prefix (normally `-`), drops the closing `!`.
        let extension: String = placeholder[RANDOM_FILENAME.len()..placeholder.len() - 1]
            .chars()
            .skip(1)
            .collect();
        format!("apidoctor-{}.{extension}", guid())
    };
    value.replace(&placeholder, &name)
}

/// Why ApiDoctor reads past a `request-parameters` key that is none of the forms it applies
/// (`BasicRequestDefinition.cs:114-134`, `requestdefinitionextensions.cs:110-143`): `[x]`,
/// `#…` and any other text are dropped without a word there.
pub fn ignored_key(key: &str) -> String {
    if captured_name(key).is_some() {
        format!("`{key}` is a stored value, not a place in the request: ApiDoctor drops such a key without a word, and so does this run")
    } else if key.starts_with('#') {
        format!(
            "`{key}` is a C# key: ApiDoctor drops such a key without a word, and so does this run"
        )
    } else if header_name(&format!("{key}:")).is_some() {
        format!("`{key}` is not a request parameter; ApiDoctor drops it without a word, and so does this run: a header needs its colon, `{key}:`")
    } else {
        format!("`{key}` is not a request parameter (`{{placeholder}}`, `$.json.path`, `!body`, `!body.base64`, `!url` or `Header-Name:`); ApiDoctor drops it without a word, and so does this run")
    }
}

/// The message for a `#…` value: ApiDoctor compiles it as C# with CodeDom, which the .NET it
/// targets today no longer has (`requestdefinitionextensions.cs:227-229`, `CSharpEval.cs`).
pub fn csharp_value(text: &str) -> String {
    format!("`{text}` is a C# expression (ApiDoctor evaluates `#…` values with CodeDom): C# expressions are not supported, so this scenario cannot run; give the value itself")
}

/// One request parameter: what to replace, and with what.
#[derive(Debug, Clone)]
pub struct Param {
    /// What it replaces.
    pub target: Target,
    /// The value.
    pub value: Value,
}

impl Param {
    /// Reads one `key: value` of `request-parameters`.
    pub fn parse(key: &str, value: &Json) -> Result<Param, String> {
        let target = Target::parse(key)?;
        let value = Value::parse(value).map_err(|e| format!("`{key}`: {e}"))?;
        if let (Target::BodyBase64, Value::Literal(literal)) = (&target, &value) {
            let text = literal
                .as_str()
                .ok_or("`!body.base64` takes a string of base64")?;
            decode_base64(text)?;
        }
        Ok(Param { target, value })
    }
}

/// Decodes the value of `!body.base64`.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        // .NET's Convert.FromBase64String, which ApiDoctor uses, skips white space anywhere.
        .decode(text.split_ascii_whitespace().collect::<String>())
        .map_err(|error| format!("`!body.base64` is not base64: {error}"))
}

/// Where a value is read from in a response (capture sources, expectation keys).
#[derive(Debug, Clone)]
pub enum Source {
    /// `$.a.b`: that property of the JSON body.
    BodyPath(JsonPath),
    /// `Header-Name:`: that header.
    Header(String),
    /// `!body`: the whole body (as JSON when it is JSON, else as text).
    Body,
}

impl Source {
    /// Reads a capture source or an expectation key.
    pub fn parse(text: &str) -> Result<Source, String> {
        if text.starts_with('$') {
            return JsonPath::parse(text).map(Source::BodyPath);
        }
        if text == "!body" {
            return Ok(Source::Body);
        }
        if let Some(name) = header_name(text) {
            return Ok(Source::Header(name.to_owned()));
        }
        Err(format!(
            "`{text}` is not a place in a response: use `$.json.path`, `Header-Name:` or `!body`"
        ))
    }

    /// The value at this place in an answer, or `None` when it is not there.
    pub fn read(&self, headers: &[(String, String)], body: &[u8]) -> Option<Json> {
        match self {
            Source::BodyPath(path) => {
                let json: Json = serde_json::from_slice(body).ok()?;
                path.first(&json).cloned()
            }
            Source::Header(name) => headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| Json::String(v.clone())),
            Source::Body => Some(
                serde_json::from_slice(body)
                    .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(body).into_owned())),
            ),
        }
    }

    /// True for headers whose values are credentials: what is captured from them is a secret.
    pub fn is_secret(&self) -> bool {
        matches!(self, Source::Header(name) if SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s)))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::BodyPath(path) => write!(f, "{path}"),
            Source::Header(name) => write!(f, "{name}:"),
            Source::Body => f.write_str("!body"),
        }
    }
}

/// Headers that carry credentials; values captured from them are redacted like the token.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "set-cookie",
    "cookie",
    "x-api-key",
    "www-authenticate",
];

/// A value to capture from an answer: `"[name]": source`.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The name, without brackets.
    pub name: String,
    /// Where the value is read.
    pub source: Source,
}

impl Capture {
    /// Reads one `"[name]": "source"` entry.
    pub fn parse(key: &str, source: &Json) -> Result<Capture, String> {
        let name = captured_name(key).ok_or_else(|| {
            format!(
                "capture key `{key}` must be a name in brackets, such as `[{}]`",
                key.trim_matches(['[', ']'])
            )
        })?;
        let source = source.as_str().ok_or_else(|| {
            format!("capture `{key}`: the source must be a string such as \"$.id\"")
        })?;
        Ok(Capture {
            name: name.to_owned(),
            source: Source::parse(source).map_err(|e| format!("capture `{key}`: {e}"))?,
        })
    }
}

/// A value the final answer must have: `"$.size": 123`, or a list of allowed values.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// Where the value is read.
    pub source: Source,
    /// Any of these passes.
    pub any_of: Vec<Value>,
}

impl Expectation {
    /// Reads one `key: value` of `expectations`.
    pub fn parse(key: &str, value: &Json) -> Result<Expectation, String> {
        let source = Source::parse(key)?;
        let values = match value {
            Json::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let any_of = values
            .into_iter()
            .map(Value::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("expectation `{key}`: {e}"))?;
        Ok(Expectation { source, any_of })
    }
}

/// `name` from `[name]`.
pub fn captured_name(text: &str) -> Option<&str> {
    let name = text.strip_prefix('[')?.strip_suffix(']')?;
    (!name.is_empty() && !name.contains(['[', ']'])).then_some(name)
}

/// `Content-Type` from `Content-Type:`.
fn header_name(key: &str) -> Option<&str> {
    let name = key.strip_suffix(':')?;
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_!#$%&'*+.^`|~".contains(c)))
    .then_some(name)
}

/// The text form of a value for a URL or a header: strings as they are, others as JSON.
pub fn as_text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_parameter_keys() {
        assert!(matches!(Target::parse("{id}"), Ok(Target::Placeholder(n)) if n == "id"));
        assert!(matches!(
            Target::parse("{id | userPrincipalName}"),
            Ok(Target::Placeholder(n)) if n == "id | userPrincipalName"
        ));
        assert!(matches!(Target::parse("$.a.b"), Ok(Target::BodyPath(_))));
        assert!(matches!(Target::parse("!body"), Ok(Target::Body)));
        assert!(matches!(
            Target::parse("!body.base64"),
            Ok(Target::BodyBase64)
        ));
        assert!(matches!(Target::parse("!url"), Ok(Target::Url)));
        assert!(matches!(Target::parse("If-Match:"), Ok(Target::Header(n)) if n == "If-Match"));
        let error = Target::parse("id").unwrap_err();
        assert!(error.contains("`id` is not a request parameter"), "{error}");
        let error = Target::parse("$.[").unwrap_err();
        assert!(error.contains("`$.[` is not a JSONPath"), "{error}");
    }

    #[test]
    fn values() {
        assert_eq!(
            Value::parse(&json!("[task-id]")),
            Ok(Value::Captured("task-id".into()))
        );
        assert_eq!(
            Value::parse(&json!("!random-filename-txt")),
            Ok(Value::RandomFilename("!random-filename-txt".into()))
        );
        assert_eq!(Value::parse(&json!(3)), Ok(Value::Literal(json!(3))));
        assert_eq!(
            Value::parse(&json!("[not a capture")),
            Ok(Value::Literal(json!("[not a capture")))
        );
        // Any other `!` value is text to ApiDoctor (ConvertToPlaceholderValue,
        // requestdefinitionextensions.cs:216-270).
        assert_eq!(
            Value::parse(&json!("!bogus")),
            Ok(Value::Literal(json!("!bogus")))
        );
        assert!(Param::parse("!body.base64", &json!("aGVsbG8=")).is_ok());
        let error = Param::parse("!body.base64", &json!("not base64!")).unwrap_err();
        assert!(error.contains("not base64"), "{error}");
    }

    /// requestdefinitionextensions.cs:240-281 (ApiDoctor eb5043e): the placeholder runs to the
    /// next `!`; the GUID is `{0:D}`; without the closing `!` a `/` goes in front of the whole
    /// value, except for the bare `!random-filename`.
    #[test]
    fn random_filenames_are_filled_as_apidoctor_fills_them() {
        let guid = || "0f8fad5b-d9cb-469f-a165-70867728950e".to_owned();
        let name = |value: &str| random_filename(value, guid);
        assert_eq!(
            name("!random-filename!"),
            "apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e"
        );
        assert_eq!(
            name("!random-filename"),
            "apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e"
        );
        assert_eq!(
            name("!random-filename-txt!"),
            "apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e.txt"
        );
        assert_eq!(
            name("!random-filename-txt"),
            "/apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e.txt"
        );
        assert_eq!(
            name("/drive/root:/!random-filename-docx!:/content"),
            "/drive/root:/apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e.docx:/content"
        );
        // No closing `!`: the placeholder is the rest, and the slash goes before everything.
        assert_eq!(
            name("folder/!random-filename-png"),
            "/folder/apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e.png"
        );
        // The character after the prefix is skipped, whatever it is.
        assert_eq!(
            name("!random-filename.vnd!"),
            "apidoctor-0f8fad5b-d9cb-469f-a165-70867728950e.vnd"
        );
        assert_eq!(name("plain"), "plain");
    }

    /// .NET's Convert.FromBase64String, which `!body.base64` goes through
    /// (requestdefinitionextensions.cs:119-135), skips white space.
    #[test]
    fn base64_bodies_may_hold_white_space() {
        assert_eq!(decode_base64("aGVs bG8=\r\n").unwrap(), b"hello");
        assert_eq!(decode_base64(" aGVsbG8= ").unwrap(), b"hello");
    }

    /// BasicRequestDefinition.cs:114-134 and requestdefinitionextensions.cs:110-143: `[x]`,
    /// `#…` and other keys are dropped without a word by ApiDoctor; the message says so and,
    /// for a header written without its colon, how to write it.
    #[test]
    fn keys_apidoctor_drops_are_explained() {
        assert!(Target::parse("Content-Type").is_err());
        assert!(ignored_key("Content-Type").contains("a header needs its colon, `Content-Type:`"));
        assert!(ignored_key("[item-id]").contains("stored value"));
        assert!(ignored_key("#DateTime.Now").contains("C# key"));
        assert!(csharp_value("#DateTime.Now").contains("C# expressions are not supported"));
    }

    /// Json/JsonPath.cs:131-247: `$.a.b`, `[0]` and `$.['quoted']` (after a dot) are its
    /// dialect; each is read as the RFC 9535 path it means.
    #[test]
    fn apidoctor_paths_map_onto_rfc_9535() {
        let rfc = |text: &str| JsonPath::parse(text).unwrap().rfc();
        assert_eq!(
            rfc("$.['@microsoft.graph.conflictBehavior']"),
            "$['@microsoft.graph.conflictBehavior']"
        );
        assert_eq!(rfc("$.children[0].id"), "$['children'][0]['id']");
        assert_eq!(rfc("$.@odata.type"), "$['@odata']['type']");
        assert_eq!(rfc("$"), "$");
        // RFC 9535 forms that are not the dialect are kept as they are.
        assert_eq!(rfc("$.value[?@.id=='1']"), "$.value[?@.id=='1']");
        let body =
            json!({"@microsoft.graph.conflictBehavior": "rename", "children": [{"id": "7"}]});
        let read = |text: &str| JsonPath::parse(text).unwrap().first(&body).cloned();
        assert_eq!(
            read("$.['@microsoft.graph.conflictBehavior']"),
            Some(json!("rename"))
        );
        assert_eq!(read("$.children[0].id"), Some(json!("7")));
    }

    #[test]
    fn captures_need_brackets_and_a_known_source() {
        let capture = Capture::parse("[id]", &json!("$.id")).unwrap();
        assert_eq!(capture.name, "id");
        let error = Capture::parse("id", &json!("$.id")).unwrap_err();
        assert_eq!(
            error,
            "capture key `id` must be a name in brackets, such as `[id]`"
        );
        assert!(Capture::parse("[etag]", &json!("ETag:")).is_ok());
        assert!(Capture::parse("[all]", &json!("!body")).is_ok());
        assert!(Capture::parse("[x]", &json!("id")).is_err());
        assert!(Capture::parse("[auth]", &json!("Authorization:"))
            .unwrap()
            .source
            .is_secret());
    }

    #[test]
    fn reading_an_answer() {
        let headers = vec![("ETag".to_owned(), "W/\"1\"".to_owned())];
        let body = br#"{"id": "42", "items": [{"n": 1}, {"n": 2}]}"#;
        let read = |text: &str| Source::parse(text).unwrap().read(&headers, body);
        assert_eq!(read("$.id"), Some(json!("42")));
        assert_eq!(read("$.items[1].n"), Some(json!(2)));
        assert_eq!(read("$.missing"), None);
        assert_eq!(read("etag:"), Some(json!("W/\"1\"")));
        assert_eq!(read("!body").unwrap()["id"], json!("42"));
    }

    #[test]
    fn setting_a_body_property() {
        let mut body = json!({"displayName": "old", "nested": {"a": 1}});
        JsonPath::parse("$.displayName")
            .unwrap()
            .set(&mut body, &json!("new"))
            .unwrap();
        JsonPath::parse("$.nested.b")
            .unwrap()
            .set(&mut body, &json!(2))
            .unwrap();
        JsonPath::parse("$['added']")
            .unwrap()
            .set(&mut body, &json!(true))
            .unwrap();
        assert_eq!(
            body,
            json!({"displayName": "new", "nested": {"a": 1, "b": 2}, "added": true})
        );
        // JsonPath.cs:101-122, 300-302: setting creates the missing parents as objects.
        JsonPath::parse("$.none.deeper")
            .unwrap()
            .set(&mut body, &json!(1))
            .unwrap();
        assert_eq!(body["none"], json!({"deeper": 1}));
        // JsonPath.cs:344-351: null removes the property.
        JsonPath::parse("$.['added']")
            .unwrap()
            .set(&mut body, &Json::Null)
            .unwrap();
        assert!(body.get("added").is_none());
        let error = JsonPath::parse("$.displayName.x")
            .unwrap()
            .set(&mut body, &json!(1))
            .unwrap_err();
        assert!(error.contains("is not an object"), "{error}");
    }
}
