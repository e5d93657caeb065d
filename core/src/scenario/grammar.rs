//! The little language of scenario keys and values, shared by ApiDoctor's JSON files and our
//! TOML: `{placeholder}`, `[captured]`, `$.json.path`, `!body`, `!body.base64`, `!url`,
//! `Header-Name:` and `!random-filename-EXT`.

use base64::Engine;
use serde_json::Value as Json;
use std::fmt;

/// A JSONPath (RFC 9535), parsed once by `serde_json_path`, kept with its text for messages.
#[derive(Debug, Clone)]
pub struct JsonPath {
    text: String,
    path: serde_json_path::JsonPath,
}

impl JsonPath {
    /// Parses `$.a.b`; the error says what is wrong in words.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        serde_json_path::JsonPath::parse(text)
            .map(|path| JsonPath {
                text: text.to_owned(),
                path,
            })
            .map_err(|error| format!("`{text}` is not a JSONPath (RFC 9535): {error}"))
    }

    /// The first value the path selects in `value`.
    pub fn first<'a>(&self, value: &'a Json) -> Option<&'a Json> {
        self.path.query(value).first()
    }

    /// Sets every node the path selects in `body` to `value`. A path that selects nothing but
    /// names one more property of objects it does select (`$.a.b` where `$.a` exists) adds that
    /// property, as ApiDoctor does for documented request bodies that leave it out.
    pub fn set(&self, body: &mut Json, value: &Json) -> Result<(), String> {
        let pointers: Vec<String> = self
            .path
            .query_located(body)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        if !pointers.is_empty() {
            for pointer in pointers {
                if let Some(slot) = body.pointer_mut(&pointer) {
                    *slot = value.clone();
                }
            }
            return Ok(());
        }
        let (parent, name) = self.split_last_name().ok_or_else(|| {
            format!(
                "`{}` selects nothing in the request body, so there is nothing to set",
                self.text
            )
        })?;
        let parents: Vec<String> = parent
            .path
            .query_located(body)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        let mut set = false;
        for pointer in parents {
            if let Some(Json::Object(object)) = body.pointer_mut(&pointer) {
                object.insert(name.clone(), value.clone());
                set = true;
            }
        }
        if set {
            Ok(())
        } else {
            Err(format!(
                "`{}` selects nothing in the request body and `{}` is not an object there",
                self.text, parent.text
            ))
        }
    }

    /// `$.a.b` → (`$.a`, `b`), `$['a']['b']` → (`$['a']`, `b`): only when both halves are
    /// themselves JSONPaths, so the split never guesses at a filter or a slice.
    fn split_last_name(&self) -> Option<(JsonPath, String)> {
        let text = self.text.trim_end();
        let (parent, name) = if let Some(rest) = text.strip_suffix("']") {
            let start = rest.rfind("['")?;
            (&text[..start], &rest[start + 2..])
        } else {
            let dot = text.rfind('.')?;
            (&text[..dot], &text[dot + 1..])
        };
        let simple = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | '#'));
        if !simple {
            return None;
        }
        Some((JsonPath::parse(parent).ok()?, name.to_owned()))
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
    /// Used as written (a string, a number, an object for `!body`, …).
    Literal(Json),
    /// `[name]`: the value captured under that name earlier in the scenario.
    Captured(String),
    /// `!random-filename-EXT`: a new random file name ending in `.EXT` each time.
    RandomFilename(String),
}

impl Value {
    /// Reads a value; a string that is exactly `[name]` refers to a capture.
    pub fn parse(value: &Json) -> Result<Value, String> {
        let Json::String(text) = value else {
            return Ok(Value::Literal(value.clone()));
        };
        if let Some(name) = captured_name(text) {
            return Ok(Value::Captured(name.to_owned()));
        }
        if let Some(extension) = text.strip_prefix("!random-filename-") {
            if extension.is_empty() || !extension.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!(
                    "`{text}` needs a file extension of letters and digits, such as `!random-filename-txt`"
                ));
            }
            return Ok(Value::RandomFilename(extension.to_owned()));
        }
        if text.starts_with('!') && !text.contains(char::is_whitespace) {
            return Err(format!(
                "`{text}` is not a known value: the only `!` value is `!random-filename-EXT`"
            ));
        }
        Ok(Value::Literal(value.clone()))
    }
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
        .decode(text.trim())
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
            Ok(Value::RandomFilename("txt".into()))
        );
        assert_eq!(Value::parse(&json!(3)), Ok(Value::Literal(json!(3))));
        assert_eq!(
            Value::parse(&json!("[not a capture")),
            Ok(Value::Literal(json!("[not a capture")))
        );
        assert!(Value::parse(&json!("!random-filename-")).is_err());
        assert!(Value::parse(&json!("!bogus")).is_err());
        assert!(Param::parse("!body.base64", &json!("aGVsbG8=")).is_ok());
        let error = Param::parse("!body.base64", &json!("not base64!")).unwrap_err();
        assert!(error.contains("not base64"), "{error}");
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
        let error = JsonPath::parse("$.none.deeper")
            .unwrap()
            .set(&mut body, &json!(1))
            .unwrap_err();
        assert!(error.contains("is not an object there"), "{error}");
    }
}
