//! Reading one scenario file, in either format, into [`Scenario`]s and canned requests.
//!
//! Both formats are read as a JSON value first (TOML converted), then walked by one reader
//! that knows each format's key names; every problem names the file and the line of the
//! offending key, and only the scenario it is in stops working.

use super::grammar::{csharp_value, ignored_key, Capture, Expectation, Param, Target};
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
    /// A scenario's statuses that make its request be sent again (a long-running operation).
    retry: &'static str,
    /// Scenario keys this format has besides the shared ones.
    scenario_extra: &'static [&'static str],
    enabled_by_default: bool,
    /// Whether a scenario must have a `name` (ApiDoctor runs one without).
    name_required: bool,
    /// ApiDoctor's files are read as Newtonsoft reads them: a key matches in any case, and a
    /// key nothing reads is ignored (a `scenario-ignored` warning here). Our TOML is strict:
    /// an unknown key is an error that stops the scenario.
    lenient: bool,
}

impl Keys {
    /// The keys a scenario may have in this format.
    fn scenario(&self) -> Vec<&'static str> {
        [
            "name",
            "method",
            "enabled",
            self.setup,
            self.params,
            self.expect,
            self.versions,
            self.allowed,
            self.retry,
            "tags",
            "scopes",
        ]
        .into_iter()
        .chain(self.scenario_extra.iter().copied())
        .collect()
    }
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
    retry: "status-codes-to-retry",
    scenario_extra: &[],
    enabled_by_default: false,
    name_required: false,
    lenient: true,
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
    retry: "retry-status",
    scenario_extra: &["capture", "teardown"],
    enabled_by_default: true,
    name_required: true,
    lenient: false,
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
    let reader_keys = keys;
    let has = |key: &str| field(top, key, reader_keys.lenient).is_some();
    if format == Format::ApiDoctor && !has(keys.scenarios) && !has(keys.canned) {
        return None;
    }
    let mut reader = Reader {
        file,
        keys,
        lines,
        findings: Vec::new(),
    };
    let _ = reader.check_keys(top, "", &[keys.scenarios, keys.canned]);
    for (index, item) in array(reader.get(top, keys.canned)).iter().enumerate() {
        let at = format!("/{}/{index}", keys.canned);
        let Some(object) = reader.object(item, &at) else {
            continue;
        };
        let name = reader.get(object, "name").and_then(Json::as_str);
        let Some(name) = name else {
            reader.problem(&at, "a canned request needs a `name`".to_owned());
            continue;
        };
        if let Ok(step) = reader.step(object, &at, true) {
            contents.canned.push((name.to_owned(), step));
        }
    }
    for (index, item) in array(reader.get(top, keys.scenarios)).iter().enumerate() {
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

/// `key` of `object`; with `any_case`, in any case when none is spelt exactly so.
fn field<'v>(object: &'v Map<String, Json>, key: &str, any_case: bool) -> Option<&'v Json> {
    if any_case {
        crate::json::get_any_case(object, key)
    } else {
        object.get(key)
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

/// A scenario's `apiVersions`, `tags` and `scopes`.
struct Needs {
    versions: Vec<String>,
    tags: Vec<String>,
    scopes: Vec<String>,
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

    /// `key` of `object`; in ApiDoctor's files, as Newtonsoft matches it, in any case when no
    /// key is spelt exactly so.
    fn get<'v>(&self, object: &'v Map<String, Json>, key: &str) -> Option<&'v Json> {
        field(object, key, self.keys.lenient)
    }

    /// Reports every key of `object` that is not `known`. In our TOML that is an error and the
    /// first is returned (the scenario stops); ApiDoctor ignores such a key, so in its files it
    /// is a `scenario-ignored` warning and reading goes on.
    fn check_keys(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        known: &[&str],
    ) -> Result<(), Reported> {
        let mut first = Ok(());
        for key in object.keys() {
            let is_known = known
                .iter()
                .any(|k| k == key || (self.keys.lenient && k.eq_ignore_ascii_case(key)));
            if is_known {
                continue;
            }
            let close = crate::text::suggestion(key, known.iter().copied());
            let message = format!(
                "unknown key `{key}`{close}; expected one of: {}",
                known.join(", ")
            );
            if self.keys.lenient {
                self.ignored(
                    &child(at, key),
                    format!("{message}; ApiDoctor ignores it, and so does this run"),
                );
                continue;
            }
            let reported = self.problem(&child(at, key), message);
            if first.is_ok() {
                first = Err(reported);
            }
        }
        first
    }

    /// A `scenario-ignored` warning: something ApiDoctor reads past without a word.
    fn ignored(&mut self, pointer: &str, message: String) {
        let line = self.lines.of(pointer);
        self.findings.push(Finding::new(
            Rule::ScenarioIgnored,
            self.file,
            line,
            format!("{message} (at {})", readable(pointer)),
        ));
    }

    fn scenario(&mut self, object: &Map<String, Json>, at: &str) -> Option<Scenario> {
        let keys = self.keys;
        let mut broken: Option<Reported> = self.check_keys(object, at, &keys.scenario()).err();
        let Some(method) = self.get(object, "method").and_then(Json::as_str) else {
            self.problem(
                at,
                "a scenario needs `method`: the `name` of the documented request it drives"
                    .to_owned(),
            );
            return None;
        };
        let name = match self.get(object, "name").and_then(Json::as_str) {
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
        let needs = self.needs(object, at, &mut broken);
        let allowed_status = keep(self.statuses(object, at, keys.allowed), &mut broken);
        let retry_status = keep(self.statuses(object, at, keys.retry), &mut broken);
        let setup = self.steps(object, at, keys.setup, &mut broken);
        let teardown = if keys.scenario_extra.contains(&"teardown") {
            self.steps(object, at, "teardown", &mut broken)
        } else {
            Vec::new()
        };
        let params = self.params(
            self.get(object, keys.params),
            &format!("{at}/{}", keys.params),
        );
        let params = keep(params, &mut broken);
        let expect = self.entries(
            self.get(object, keys.expect),
            &format!("{at}/{}", keys.expect),
            Expectation::parse,
        );
        let expect = keep(expect, &mut broken);
        let capture = self.entries(
            self.get(object, "capture"),
            &format!("{at}/capture"),
            Capture::parse,
        );
        let capture = keep(capture, &mut broken);
        Some(Scenario {
            name,
            method: method.to_owned(),
            enabled,
            versions: needs.versions,
            tags: needs.tags,
            scopes: needs.scopes,
            allowed_status,
            retry_status,
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

    /// What an account must provide to run a scenario: API versions, tags, scopes.
    fn needs(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        broken: &mut Option<Reported>,
    ) -> Needs {
        let versions = self.strings(
            object,
            at,
            self.keys.versions,
            "version names such as [\"v1.0\"]",
        );
        let tags = self.strings(object, at, "tags", "tags such as [\"files\"]");
        let scopes = self.strings(object, at, "scopes", "scopes such as [\"Files.ReadWrite\"]");
        Needs {
            versions: keep(versions, broken),
            tags: keep(tags, broken),
            scopes: keep(scopes, broken),
        }
    }

    /// A scenario's `enabled`, or the format's default when it has none.
    fn enabled(&mut self, object: &Map<String, Json>, at: &str) -> Result<bool, Reported> {
        match self.get(object, "enabled") {
            None => Ok(self.keys.enabled_by_default),
            Some(Json::Bool(enabled)) => Ok(*enabled),
            // Newtonsoft reads `"false"`, `"True"`, 0 and 1 as booleans, and so does ApiDoctor.
            Some(Json::String(text)) if text.trim().eq_ignore_ascii_case("true") => Ok(true),
            Some(Json::String(text)) if text.trim().eq_ignore_ascii_case("false") => Ok(false),
            Some(Json::Number(n)) if self.keys.lenient && n.as_f64().is_some() => {
                Ok(n.as_f64() != Some(0.0))
            }
            Some(_) => Err(self.problem(
                &format!("{at}/enabled"),
                "`enabled` must be true or false".to_owned(),
            )),
        }
    }

    /// A list of strings under `key` (API versions, tags, scopes); empty when absent. ApiDoctor
    /// also takes one string for a list of one.
    fn strings(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        key: &str,
        such_as: &str,
    ) -> Result<Vec<String>, Reported> {
        match self.get(object, key) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::String(one)) if self.keys.lenient => Ok(vec![one.clone()]),
            Some(Json::Array(items)) if items.iter().all(Json::is_string) => Ok(items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect()),
            Some(_) => Err(self.problem(
                &format!("{at}/{key}"),
                format!("`{key}` must be a list of {such_as}"),
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
        let items = match self.get(object, key) {
            None | Some(Json::Null) => return steps,
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
        let mut first = self.check_step_keys(object, at, canned).err();
        let label = self
            .get(object, "name")
            .and_then(Json::as_str)
            .map(str::to_owned);
        let source = self.source(object, at, canned)?;
        let mut params_value = self.get(object, keys.params);
        if keys.lenient && matches!(source, StepSource::Canned(_)) && params_value.is_some() {
            // testsetuprequestdefinition.cs:108-119: the canned request runs with its own
            // parameters; the step's are never applied.
            self.ignored(
                &format!("{at}/{}", keys.params),
                format!("a step that uses a canned request runs it with the canned request's own `{}`; ApiDoctor never applies the step's, and neither does this run", keys.params),
            );
            params_value = None;
        }
        let params = self.params(params_value, &format!("{at}/{}", keys.params));
        let capture = self.entries(
            self.get(object, "capture"),
            &format!("{at}/capture"),
            Capture::parse,
        );
        let allowed = self.statuses(object, at, keys.allowed);
        let secondary = match self.get(object, "secondary-account") {
            Some(Json::Bool(true)) => true,
            Some(Json::String(text)) => text.trim().eq_ignore_ascii_case("true"),
            _ => false,
        };
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
            secondary_account: secondary,
            line: self.lines.of(at),
        })
    }

    /// Reports the keys a step (or canned request) does not have, as [`Reader::check_keys`].
    fn check_step_keys(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        canned: bool,
    ) -> Result<(), Reported> {
        let keys = self.keys;
        let mut known = vec![
            "name",
            "method",
            keys.raw,
            keys.params,
            "capture",
            keys.allowed,
        ];
        if !canned {
            known.push(keys.use_canned);
        }
        if keys.lenient {
            // ApiDoctor: a set-up step may use the second account; a canned request may name
            // an implicit variable (TestSetupRequestDefinition.cs, CannedRequestDefinition.cs).
            known.push(if canned {
                "implicit-variable"
            } else {
                "secondary-account"
            });
        }
        let said = self.lenient_step_keys(object, at, canned);
        known.extend(said.iter().map(String::as_str));
        self.check_keys(object, at, &known)
    }

    /// Keys ApiDoctor's classes have on a step but never act on there: read past with a
    /// warning that says so, instead of the plain "unknown key" one; the keys said.
    fn lenient_step_keys(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        canned: bool,
    ) -> Vec<String> {
        let mut said = Vec::new();
        if !self.keys.lenient {
            return said;
        }
        for key in object.keys() {
            let is = |name: &str| key.eq_ignore_ascii_case(name);
            let message = if canned && is(self.keys.setup) {
                "a canned request has no `test-setup` (ApiDoctor's CannedRequestDefinition does not read one): these steps never run; move them to the scenarios that use this canned request"
            } else if is(self.keys.expect) {
                "`expectations` are checked on the scenario's own request only (ApiDoctor reads them on a step and never checks them): move them to the scenario"
            } else if canned && is(self.keys.use_canned) {
                "a canned request cannot name another canned request: ApiDoctor ignores `canned-request` here"
            } else {
                continue;
            };
            said.push(key.clone());
            self.ignored(&child(at, key), message.to_owned());
        }
        said
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
            .filter_map(|key| self.get(object, key).map(|v| (key, v)))
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

    /// Status codes under `key` (allowed, or to retry on); empty when absent.
    fn statuses(
        &mut self,
        object: &Map<String, Json>,
        at: &str,
        key: &str,
    ) -> Result<Vec<u16>, Reported> {
        match self.get(object, key) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| {
                    // Newtonsoft reads "200" into an int too.
                    item.as_u64()
                        .or_else(|| item.as_str().and_then(|t| t.trim().parse().ok()))
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

    /// `request-parameters`. In ApiDoctor's files a key it does not apply (`[x]`, `#…`, a
    /// header without its colon) is dropped with a warning, as ApiDoctor drops it; a `#…`
    /// value (C#) stops this scenario only.
    fn params(&mut self, value: Option<&Json>, at: &str) -> Result<Vec<Param>, Reported> {
        let object = match value {
            Some(Json::Object(object)) if self.keys.lenient => object,
            _ => return self.entries(value, at, Param::parse),
        };
        let mut kept = Map::new();
        let mut first = None;
        for (key, item) in object {
            if !key.starts_with('$') && Target::parse(key).is_err() {
                self.ignored(&child(at, key), ignored_key(key));
                continue;
            }
            if let Some(text) = item.as_str().filter(|text| text.starts_with('#')) {
                let reported = self.problem(&child(at, key), csharp_value(text));
                first.get_or_insert(reported);
                continue;
            }
            kept.insert(key.clone(), item.clone());
        }
        let params = self.entries(Some(&Json::Object(kept)), at, Param::parse);
        match first {
            Some(reported) => Err(reported),
            None => params,
        }
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
