//! Reading one scenario file, in either format, into [`Scenario`]s and canned requests.
//!
//! Both formats are read as a JSON value first (TOML converted), then walked by one reader
//! that knows each format's key names; every problem names the file and the line of the
//! offending key, and only the scenario it is in stops working.

use super::grammar::{Capture, Expectation, Param};
use super::{Scenario, Step, StepSource};
use crate::finding::{Finding, Located, Rule};
use crate::text::LineIndex;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;

/// Which scenario format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ApiDoctor's JSON: `scenarios`, `canned-requests`, `test-setup`, … (`enabled` defaults
    /// to false there).
    ApiDoctor,
    /// Our TOML: `[[scenario]]`, `[[request]]`, `setup`, `teardown`, … (`enabled` defaults to
    /// true).
    Toml,
}

/// The key names of one format.
struct Keys {
    scenarios: &'static str,
    canned: &'static str,
    setup: &'static str,
    params: &'static str,
    expect: &'static str,
    allowed: &'static str,
    use_canned: &'static str,
    raw: &'static str,
    versions: &'static str,
    /// Scenario keys this format has besides the shared ones.
    scenario_extra: &'static [&'static str],
    /// Keys read and ignored (documented in README).
    ignored: &'static [&'static str],
    enabled_by_default: bool,
    /// Whether a scenario must have a `name` (ApiDoctor runs one without).
    name_required: bool,
}

const APIDOCTOR: Keys = Keys {
    scenarios: "scenarios",
    canned: "canned-requests",
    setup: "test-setup",
    params: "request-parameters",
    expect: "expectations",
    allowed: "allowed-status-codes",
    use_canned: "canned-request",
    raw: "http-request",
    versions: "apiVersions",
    scenario_extra: &[],
    ignored: &["status-codes-to-retry", "scopes", "tags", "description"],
    enabled_by_default: false,
    name_required: false,
};

const TOML: Keys = Keys {
    scenarios: "scenario",
    canned: "request",
    setup: "setup",
    params: "params",
    expect: "expect",
    allowed: "allowed-status",
    use_canned: "use",
    raw: "http",
    versions: "versions",
    scenario_extra: &["capture", "teardown"],
    ignored: &[],
    enabled_by_default: true,
    name_required: true,
};

/// What one file holds.
#[derive(Debug, Default)]
pub struct FileContents {
    /// Its scenarios, in file order; a scenario with bad input has `broken` set.
    pub scenarios: Vec<Scenario>,
    /// Its canned requests by name.
    pub canned: Vec<(String, Step)>,
    /// Problems, each naming the file and line.
    pub findings: Vec<Finding>,
}

/// Reads a scenario file. `None` for a JSON file that is not a scenario file (neither
/// `scenarios` nor `canned-requests` at its top), which ApiDoctor ignores too.
pub fn read(file: &str, text: &str, format: Format) -> Option<FileContents> {
    let mut contents = FileContents::default();
    let (root, lines) = match parse(text, format) {
        Ok(parsed) => parsed,
        Err((line, message)) => {
            contents
                .findings
                .push(Finding::new(Rule::ScenarioFile, file, line, message));
            return Some(contents);
        }
    };
    let keys = match format {
        Format::ApiDoctor => &APIDOCTOR,
        Format::Toml => &TOML,
    };
    let Json::Object(top) = &root else {
        return (format == Format::Toml).then(|| {
            contents.findings.push(Finding::new(
                Rule::ScenarioFile,
                file,
                1,
                "a scenario file must be a table",
            ));
            contents
        });
    };
    if format == Format::ApiDoctor
        && !top.contains_key(keys.scenarios)
        && !top.contains_key(keys.canned)
    {
        return None;
    }
    let mut reader = Reader {
        file,
        keys,
        lines,
        findings: Vec::new(),
    };
    for key in top.keys() {
        if key != keys.scenarios && key != keys.canned {
            reader.problem(
                &child("", key),
                format!(
                    "unknown key `{key}`: a scenario file holds `{}` and `{}`",
                    keys.scenarios, keys.canned
                ),
            );
        }
    }
    for (index, item) in array(top.get(keys.canned)).iter().enumerate() {
        let at = format!("/{}/{index}", keys.canned);
        let Some(object) = reader.object(item, &at) else {
            continue;
        };
        let name = object.get("name").and_then(Json::as_str);
        let Some(name) = name else {
            reader.problem(&at, "a canned request needs a `name`".to_owned());
            continue;
        };
        if let Ok(step) = reader.step(object, &at, true) {
            contents.canned.push((name.to_owned(), step));
        }
    }
    for (index, item) in array(top.get(keys.scenarios)).iter().enumerate() {
        let at = format!("/{}/{index}", keys.scenarios);
        if let Some(object) = reader.object(item, &at) {
            if let Some(scenario) = reader.scenario(object, &at) {
                contents.scenarios.push(scenario);
            }
        }
    }
    contents.findings = reader.findings;
    Some(contents)
}

/// The file's value and the line of each JSON pointer in it.
type Parsed = (Json, Lines);

/// JSON pointer → 1-based line, for the keys and items of a file.
#[derive(Debug, Default)]
struct Lines(HashMap<String, usize>);

impl Lines {
    /// The line of `pointer`, or of its nearest ancestor that has one.
    fn of(&self, pointer: &str) -> usize {
        let mut pointer = pointer;
        loop {
            if let Some(line) = self.0.get(pointer) {
                return *line;
            }
            match pointer.rfind('/') {
                Some(cut) => pointer = &pointer[..cut],
                None => return 1,
            }
        }
    }
}

fn parse(text: &str, format: Format) -> Result<Parsed, (usize, String)> {
    match format {
        Format::ApiDoctor => {
            // As Newtonsoft reads it for ApiDoctor: comments, trailing commas, unquoted and
            // single-quoted names are all JSON there.
            let (value, _) = crate::json::parse_lenient(text).map_err(|e| {
                (
                    e.line.max(1),
                    format!(
                        "not valid JSON: {} at line {} column {}",
                        e.message, e.line, e.column
                    ),
                )
            })?;
            let mut lines = Lines::default();
            let locator = crate::json::Locator::new(text);
            index_json(&value, &mut String::new(), &locator, &mut lines);
            Ok((value, lines))
        }
        Format::Toml => {
            let index = LineIndex::new(text);
            let spanned = toml::de::DeTable::parse(text).map_err(|e| {
                let line = e.span().map_or(1, |span| index.line(span.start));
                (line, format!("not valid TOML: {}", e.message()))
            })?;
            let table: toml::Table = toml::from_str(text)
                .map_err(|e| (1, format!("not valid TOML: {}", e.message())))?;
            let value = serde_json::to_value(table)
                .map_err(|e| (1, format!("cannot be read as data: {e}")))?;
            let mut lines = Lines::default();
            index_toml(spanned.get_ref(), &mut String::new(), &index, &mut lines);
            Ok((value, lines))
        }
    }
}

fn index_json(
    value: &Json,
    pointer: &mut String,
    locator: &crate::json::Locator,
    lines: &mut Lines,
) {
    let children: Vec<(String, &Json)> = match value {
        Json::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (key, child) in children {
        let length = pointer.len();
        crate::json::pointer_push(pointer, &key);
        let location = locator.locate(pointer);
        if location.found {
            lines.0.insert(pointer.clone(), location.line + 1);
        }
        index_json(child, pointer, locator, lines);
        pointer.truncate(length);
    }
}

fn index_toml(
    table: &toml::de::DeTable,
    pointer: &mut String,
    index: &LineIndex,
    lines: &mut Lines,
) {
    for (key, value) in table.iter() {
        let length = pointer.len();
        crate::json::pointer_push(pointer, key.get_ref());
        lines
            .0
            .insert(pointer.clone(), index.line(key.span().start));
        index_toml_value(value.get_ref(), pointer, index, lines);
        pointer.truncate(length);
    }
}

fn index_toml_value(
    value: &toml::de::DeValue,
    pointer: &mut String,
    index: &LineIndex,
    lines: &mut Lines,
) {
    match value {
        toml::de::DeValue::Table(table) => index_toml(table, pointer, index, lines),
        toml::de::DeValue::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&position.to_string());
                lines
                    .0
                    .insert(pointer.clone(), index.line(item.span().start));
                index_toml_value(item.get_ref(), pointer, index, lines);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

fn array(value: Option<&Json>) -> &[Json] {
    match value {
        Some(Json::Array(items)) => items,
        _ => &[],
    }
}

/// The JSON pointer of `key` inside the object at `at`.
fn child(at: &str, key: &str) -> String {
    let mut pointer = at.to_owned();
    crate::json::pointer_push(&mut pointer, key);
    pointer
}

struct Reader<'a> {
    file: &'a str,
    keys: &'static Keys,
    lines: Lines,
    findings: Vec<Finding>,
}

/// A problem already recorded as a finding.
struct Reported(Located);

impl Reader<'_> {
    fn problem(&mut self, pointer: &str, message: String) -> Reported {
        let line = self.lines.of(pointer);
        let message = format!("{message} (at {})", readable(pointer));
        self.findings.push(Finding::new(
            Rule::ScenarioFile,
            self.file,
            line,
            message.clone(),
        ));
        Reported(Located::new(self.file, line, message))
    }

    fn object<'v>(&mut self, value: &'v Json, at: &str) -> Option<&'v Map<String, Json>> {
        match value {
            Json::Object(object) => Some(object),
            _ => {
                self.problem(at, "expected an object".to_owned());
                None
            }
        }
    }

    fn check_keys(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        known: &[&str],
    ) -> Result<(), Reported> {
        let mut first = Ok(());
        for key in object.keys() {
            if !known.contains(&key.as_str()) && !self.keys.ignored.contains(&key.as_str()) {
                let close = crate::text::suggestion(key, known.iter().copied());
                let reported = self.problem(
                    &child(at, key),
                    format!(
                        "unknown key `{key}`{close}; expected one of: {}",
                        known.join(", ")
                    ),
                );
                if first.is_ok() {
                    first = Err(reported);
                }
            }
        }
        first
    }

    fn scenario(&mut self, object: &Map<String, Json>, at: &str) -> Option<Scenario> {
        let keys = self.keys;
        let mut known = vec![
            "name",
            "method",
            "enabled",
            keys.setup,
            keys.params,
            keys.expect,
            keys.versions,
        ];
        known.extend(keys.scenario_extra);
        let mut broken: Option<Reported> = self.check_keys(object, at, &known).err();
        let Some(method) = object.get("method").and_then(Json::as_str) else {
            self.problem(
                at,
                "a scenario needs `method`: the `name` of the documented request it drives"
                    .to_owned(),
            );
            return None;
        };
        let name = match object.get("name").and_then(Json::as_str) {
            Some(name) if !name.trim().is_empty() => name.to_owned(),
            // ApiDoctor runs a scenario without a name; it is known by its method.
            _ if !self.keys.name_required => method.to_owned(),
            _ => {
                let reported = self.problem(at, "a scenario needs a `name`".to_owned());
                broken.get_or_insert(reported);
                method.to_owned()
            }
        };
        let enabled = keep(self.enabled(object, at), &mut broken);
        let versions = keep(self.versions(object, at), &mut broken);
        let setup = self.steps(object, at, keys.setup, &mut broken);
        let teardown = if keys.scenario_extra.contains(&"teardown") {
            self.steps(object, at, "teardown", &mut broken)
        } else {
            Vec::new()
        };
        let params = self.params(object.get(keys.params), &format!("{at}/{}", keys.params));
        let params = keep(params, &mut broken);
        let expect = self.entries(
            object.get(keys.expect),
            &format!("{at}/{}", keys.expect),
            Expectation::parse,
        );
        let expect = keep(expect, &mut broken);
        let capture = self.entries(
            object.get("capture"),
            &format!("{at}/capture"),
            Capture::parse,
        );
        let capture = keep(capture, &mut broken);
        Some(Scenario {
            name,
            method: method.to_owned(),
            enabled,
            versions,
            file: self.file.to_owned(),
            line: self.lines.of(at),
            setup,
            params,
            expect,
            capture,
            teardown,
            broken: broken.map(|r| r.0),
        })
    }

    /// A scenario's `enabled`, or the format's default when it has none.
    fn enabled(&mut self, object: &Map<String, Json>, at: &str) -> Result<bool, Reported> {
        match object.get("enabled") {
            None => Ok(self.keys.enabled_by_default),
            Some(Json::Bool(enabled)) => Ok(*enabled),
            // Newtonsoft reads `"false"` and `"True"` as booleans, and so does ApiDoctor.
            Some(Json::String(text)) if text.eq_ignore_ascii_case("true") => Ok(true),
            Some(Json::String(text)) if text.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(self.problem(
                &format!("{at}/enabled"),
                "`enabled` must be true or false".to_owned(),
            )),
        }
    }

    /// The API versions a scenario names; empty for all.
    fn versions(&mut self, object: &Map<String, Json>, at: &str) -> Result<Vec<String>, Reported> {
        let key = self.keys.versions;
        match object.get(key) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) if items.iter().all(Json::is_string) => Ok(items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect()),
            Some(_) => Err(self.problem(
                &format!("{at}/{key}"),
                format!("`{key}` must be a list of version names such as [\"v1.0\"]"),
            )),
        }
    }

    /// The steps under `key`; each that cannot be read is left out, and the first such
    /// problem breaks the scenario.
    fn steps(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        key: &str,
        broken: &mut Option<Reported>,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        let items = match object.get(key) {
            None => return steps,
            Some(Json::Array(items)) => items,
            Some(_) => {
                let reported = self.problem(
                    &format!("{at}/{key}"),
                    format!("`{key}` must be a list of steps"),
                );
                broken.get_or_insert(reported);
                return steps;
            }
        };
        for (index, item) in items.iter().enumerate() {
            let step_at = format!("{at}/{key}/{index}");
            let step = match self.object(item, &step_at) {
                Some(step) => self.step(step, &step_at, false),
                None => Err(Reported(Located::new(
                    self.file,
                    self.lines.of(&step_at),
                    format!("step {} of `{key}` is not an object", index + 1),
                ))),
            };
            match step {
                Ok(step) => steps.push(step),
                Err(reported) => {
                    broken.get_or_insert(reported);
                }
            }
        }
        steps
    }

    /// A set-up or teardown step, or a canned request.
    fn step(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        canned: bool,
    ) -> Result<Step, Reported> {
        let keys = self.keys;
        let known = [
            "name",
            "method",
            keys.raw,
            keys.use_canned,
            keys.params,
            "capture",
            keys.allowed,
        ];
        let mut first = self.check_keys(object, at, &known).err();
        let label = object.get("name").and_then(Json::as_str).map(str::to_owned);
        let source = self.source(object, at, canned)?;
        let params = self.params(object.get(keys.params), &format!("{at}/{}", keys.params));
        let capture = self.entries(
            object.get("capture"),
            &format!("{at}/capture"),
            Capture::parse,
        );
        let allowed = self.allowed(object, at);
        let (params, capture, allowed) = match (params, capture, allowed) {
            (Ok(p), Ok(c), Ok(a)) => (p, c, a),
            (p, c, a) => {
                let reported = p.err().or(c.err()).or(a.err());
                return Err(first.take().or(reported).expect("one of them failed"));
            }
        };
        if let Some(reported) = first {
            return Err(reported);
        }
        let label = label.unwrap_or_else(|| match &source {
            StepSource::Method(name) | StepSource::Canned(name) => name.clone(),
            StepSource::Raw(text) => text.lines().next().unwrap_or_default().trim().to_owned(),
            StepSource::Documented { name, .. } => name.clone(),
        });
        Ok(Step {
            label,
            source,
            params,
            capture,
            allowed_status: allowed,
            line: self.lines.of(at),
        })
    }

    /// Where a step's request comes from: exactly one of `method`, the raw request or (not
    /// in a canned request) the canned request's name.
    fn source(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        canned: bool,
    ) -> Result<StepSource, Reported> {
        let keys = self.keys;
        let sources: Vec<(&str, &str)> = ["method", keys.raw, keys.use_canned]
            .into_iter()
            .filter(|key| !(canned && *key == keys.use_canned))
            .filter_map(|key| object.get(key).map(|v| (key, v)))
            .map(|(key, value)| (key, value.as_str().unwrap_or_default()))
            .collect();
        match sources.as_slice() {
            [("method", name)] if !name.is_empty() => Ok(StepSource::Method((*name).to_owned())),
            [(key, text)] if *key == keys.raw && !text.is_empty() => {
                Ok(StepSource::Raw((*text).to_owned()))
            }
            [(_, name)] if !name.is_empty() => Ok(StepSource::Canned((*name).to_owned())),
            [(key, _)] => Err(self.problem(
                &format!("{at}/{key}"),
                format!("`{key}` must be a non-empty string"),
            )),
            _ => {
                let choices = if canned {
                    format!("`method` or `{}`", keys.raw)
                } else {
                    format!("`method`, `{}` or `{}`", keys.raw, keys.use_canned)
                };
                Err(self.problem(at, format!("a step needs exactly one of {choices}")))
            }
        }
    }

    /// A step's allowed status codes; empty for any 2xx.
    fn allowed(&mut self, object: &Map<String, Json>, at: &str) -> Result<Vec<u16>, Reported> {
        let key = self.keys.allowed;
        match object.get(key) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_u64()
                        .filter(|s| (100..=599).contains(s))
                        .map(|s| s as u16)
                })
                .collect::<Option<Vec<u16>>>()
                .ok_or(()),
            Some(_) => Err(()),
        }
        .map_err(|()| {
            self.problem(
                &format!("{at}/{key}"),
                format!("`{key}` must be a list of status codes such as [200, 201]"),
            )
        })
    }

    fn params(&mut self, value: Option<&Json>, at: &str) -> Result<Vec<Param>, Reported> {
        self.entries(value, at, Param::parse)
    }

    /// The entries of an object, each read by `parse`; the first problem is returned, every
    /// problem is recorded.
    fn entries<T>(
        &mut self,
        value: Option<&Json>,
        at: &str,
        parse: fn(&str, &Json) -> Result<T, String>,
    ) -> Result<Vec<T>, Reported> {
        let object = match value {
            None => return Ok(Vec::new()),
            Some(Json::Object(object)) => object,
            Some(_) => {
                return Err(
                    self.problem(at, "expected an object of `key: value` entries".to_owned())
                )
            }
        };
        let mut out = Vec::with_capacity(object.len());
        let mut first = None;
        for (key, value) in object {
            match parse(key, value) {
                Ok(entry) => out.push(entry),
                Err(message) => {
                    let reported = self.problem(&child(at, key), message);
                    first.get_or_insert(reported);
                }
            }
        }
        match first {
            Some(reported) => Err(reported),
            None => Ok(out),
        }
    }
}

/// `/scenarios/0/test-setup/1` → `scenarios[0].test-setup[1]`, the way people name JSON paths.
fn readable(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.chars().all(|c| c.is_ascii_digit()) && !segment.is_empty() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

/// The value of `result`, or the type's empty value after recording the first problem in
/// `broken` (a scenario with a problem still lists, and its case ends as an error).
fn keep<T: Default>(result: Result<T, Reported>, broken: &mut Option<Reported>) -> T {
    result.unwrap_or_else(|reported| {
        broken.get_or_insert(reported);
        T::default()
    })
}
