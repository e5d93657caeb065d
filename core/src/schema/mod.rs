//! JSON Schemas for response types: loading `schemas/`, looking a type up, validating.
//!
//! One file per OData type, `<namespace>.<Type>.json`, draft 2020-12, `$id` under
//! [`ID_BASE`], relative `$ref`s between files (see `schemas/README.md`). Every file is read and
//! parsed by [`Schemas::load`] so that a broken file is reported at once, but a type's validator
//! is compiled only on first use: a project may carry thousands of schemas and a run uses few.
//!
//! A folder may hold one set per API version, `schemas/v1.0/`, `schemas/beta/` (any folder
//! whose name [`is_version`]); each case is checked against its version's set
//! ([`Schemas::for_version`]), and a version without a folder against the files outside the
//! version folders. A flat folder is one set for every version.

pub mod csdl;
mod declared;

pub use declared::Repair;
pub mod import;

use crate::text::is_version;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The base of every schema's `$id`; the host is reserved (`.invalid`), so nothing is ever fetched.
pub const ID_BASE: &str = "https://schemas.contract-harness.invalid/";

/// The dialect used when a schema file does not name one.
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schemas of a `schemas/` folder, looked up by OData type name (case-insensitive).
#[derive(Default)]
pub struct Schemas {
    /// Lower-cased lookup keys (file stem, `$id`) → index into `docs`.
    by_key: HashMap<String, usize>,
    /// `$id` without fragment, as written → index; `$ref`s resolve through this.
    by_id: HashMap<String, usize>,
    docs: Vec<SchemaDoc>,
    /// The sets of the version folders (`v1.0`, `beta`), each flat.
    versions: BTreeMap<String, Schemas>,
}

struct SchemaDoc {
    file: PathBuf,
    id: String,
    value: Arc<Value>,
    /// Compiled on first use; a schema that does not compile keeps its message so every
    /// validation against it says why instead of panicking or silently passing.
    validator: OnceLock<Result<jsonschema::Validator, String>>,
}

impl fmt::Debug for Schemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schemas")
            .field(
                "files",
                &self.docs.iter().map(|d| &d.file).collect::<Vec<_>>(),
            )
            .field("versions", &self.versions)
            .finish()
    }
}

/// The `*.json` files under `dir`, sorted, following links; the folders directly under `dir`
/// named like a version go to `version_dirs` instead of being walked.
fn json_files(
    dir: &Path,
    version_dirs: &mut Vec<(String, PathBuf)>,
) -> Result<Vec<PathBuf>, SchemaError> {
    let mut paths = Vec::new();
    let mut walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(true)
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry.map_err(|error| SchemaError::Read {
            path: error.path().unwrap_or(dir).to_owned(),
            source: error
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("file system loop")),
        })?;
        let name = entry.file_name().to_string_lossy();
        if entry.depth() == 1 && entry.file_type().is_dir() && is_version(&name) {
            version_dirs.push((name.into_owned(), entry.into_path()));
            walk.skip_current_dir();
        } else if entry.file_type().is_file()
            && entry
                .path()
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            paths.push(entry.into_path());
        }
    }
    Ok(paths)
}

/// One way a value breaks its type's schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemaIssue {
    /// JSON pointer (RFC 6901) into the validated value; empty for the value itself.
    pub pointer: String,
    /// The validator's explanation.
    pub message: String,
    /// For an `unevaluatedProperties` failure, the properties it rejects. A property whose own
    /// value fails its schema also counts as unevaluated; [`prune_unevaluated`] drops those so
    /// that one mistake is reported once, where it is.
    pub unevaluated: Vec<String>,
    /// For an `unevaluatedProperties` failure, the schema file of the object that holds the
    /// properties (`microsoft.graph.physicalAddress.json`), when it is known.
    pub schema: Option<String>,
    /// For a string its enumeration lists in another case (`"HTML"`), the member as the schema
    /// spells it (`html`). The service matches enum members case-insensitively in requests:
    /// such an issue is a warning in a request body ([`SchemaIssue::tolerated_in_request`]).
    pub canonical: Option<String>,
    /// For a string outside its enumeration: the enumeration's name and members.
    pub enumeration: Option<(String, Vec<String>)>,
}

impl SchemaIssue {
    /// True when a request body with this issue is still accepted by the service: an enum
    /// member written in another case. The one rule lint and the mock both apply; a response
    /// is held to the schema's spelling.
    pub fn tolerated_in_request(&self) -> bool {
        self.canonical.is_some()
    }
}

/// Drops, from `unevaluatedProperties` issues, each property that is already accounted for at
/// or below one of the `covered` pointers (another issue, or one the caller chose to forgive);
/// an issue left with no property is dropped.
pub fn prune_unevaluated(issues: &mut Vec<SchemaIssue>, covered: &[String]) {
    issues.retain_mut(|issue| {
        if issue.unevaluated.is_empty() {
            return true;
        }
        let before = issue.unevaluated.len();
        let parent = issue.pointer.clone();
        issue.unevaluated.retain(|name| {
            let mut child = parent.clone();
            crate::json::pointer_push(&mut child, name);
            !covered.iter().any(|p| {
                p == &child
                    || p.strip_prefix(child.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        });
        if issue.unevaluated.len() != before {
            let names: Vec<String> = issue.unevaluated.iter().map(|n| format!("'{n}'")).collect();
            let verb = if names.len() == 1 { "was" } else { "were" };
            issue.message = format!(
                "Unevaluated properties are not allowed ({} {verb} unexpected)",
                names.join(", ")
            );
        }
        !issue.unevaluated.is_empty()
    });
}

/// Why the schemas folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The folder or a file in it cannot be read.
    #[error("failed to read the schema {path}: {source}; check that the path exists and is readable (or pass another --schemas DIR)")]
    Read {
        /// The folder or file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// A file is not JSON.
    #[error("{path}:{line}:{column}: the schema is not JSON: {message}; fix the file or remove it from the schemas folder")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// 1-based line of the parse error.
        line: usize,
        /// 1-based column of the parse error.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A file is JSON but not a schema object.
    #[error("{path}: not a JSON Schema: {message}")]
    NotASchema {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Two files describe the same type (names differ only in case) or share an `$id`.
    #[error("{path}: describes the same type as {other} (`{key}`); keep one of the two files")]
    Duplicate {
        /// The second file found.
        path: PathBuf,
        /// The first file found.
        other: PathBuf,
        /// The shared lookup key.
        key: String,
    },
}

/// The lookup key of an OData type name: `#` and `Collection(…)` removed, lower case.
pub(crate) fn type_key(odata_type: &str) -> String {
    let name = odata_type.trim().trim_start_matches('#');
    // Docs write `collection(…)` as often as `Collection(…)`.
    let name = name
        .get(.."Collection(".len())
        .filter(|prefix| prefix.eq_ignore_ascii_case("Collection("))
        .and_then(|_| name["Collection(".len()..].strip_suffix(')'))
        .unwrap_or(name);
    name.trim_start_matches('#').to_ascii_lowercase()
}

/// True for an `Edm` primitive type name (`Edm.String`, `string`, `Collection(Edm.Int32)`):
/// no schema file describes one, and none is needed to say so.
pub fn is_primitive(odata_type: &str) -> bool {
    const PRIMITIVES: &[&str] = &[
        "binary",
        "boolean",
        "byte",
        "date",
        "datetimeoffset",
        "decimal",
        "double",
        "duration",
        "guid",
        "int16",
        "int32",
        "int64",
        "sbyte",
        "single",
        "stream",
        "string",
        "timeofday",
    ];
    let key = type_key(odata_type);
    PRIMITIVES.contains(&key.strip_prefix("edm.").unwrap_or(&key))
}

impl Schemas {
    /// No schemas: only the example-shape checks apply.
    pub fn empty() -> Self {
        Schemas::default()
    }

    /// Loads every `*.json` schema under `dir` (recursively), parsing each so that a broken
    /// file is reported now, with its line and column; validators are compiled on first use.
    /// Folders directly under `dir` named like a version (`v1.0`, `beta`) are sets of their own.
    pub fn load(dir: &Path) -> Result<Self, SchemaError> {
        let mut schemas = Schemas::default();
        let mut version_dirs = Vec::new();
        for path in json_files(dir, &mut version_dirs)? {
            schemas.read(path)?;
        }
        for (version, version_dir) in version_dirs {
            let mut set = Schemas::default();
            // Inside a version folder, a folder named like a version is only a folder.
            for path in json_files(&version_dir, &mut Vec::new())? {
                set.read(path)?;
            }
            schemas.versions.insert(version, set);
        }
        Ok(schemas)
    }

    fn read(&mut self, path: PathBuf) -> Result<(), SchemaError> {
        let text = std::fs::read_to_string(&path).map_err(|source| SchemaError::Read {
            path: path.clone(),
            source,
        })?;
        let value: Value = serde_json::from_str(&text).map_err(|error| SchemaError::NotJson {
            path: path.clone(),
            line: error.line(),
            column: error.column(),
            message: crate::json::strip_position(&error.to_string()).to_owned(),
        })?;
        self.add(path, value)
    }

    /// The set for a case of `version`: its version folder's, else the files outside the
    /// version folders.
    pub fn for_version(&self, version: &str) -> &Schemas {
        self.versions.get(version).unwrap_or(self)
    }

    /// The versions that have a folder of their own, in name order.
    pub fn versions(&self) -> impl Iterator<Item = &str> + '_ {
        self.versions.keys().map(String::as_str)
    }

    /// Adds one schema document, as if read from `file`. Used by `load`, and by tests and
    /// callers that build schemas in memory.
    pub fn add(&mut self, file: PathBuf, value: Value) -> Result<(), SchemaError> {
        let Some(object) = value.as_object() else {
            return Err(SchemaError::NotASchema {
                path: file,
                message: "the top level must be a JSON object".to_owned(),
            });
        };
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A file without `$id` gets the conventional one, so relative refs to it still resolve.
        let id = match object.get("$id") {
            Some(Value::String(id)) => id.split('#').next().unwrap_or_default().to_owned(),
            Some(_) => {
                return Err(SchemaError::NotASchema {
                    path: file,
                    message: "`$id` must be a string".to_owned(),
                })
            }
            None => format!("{ID_BASE}{stem}.json"),
        };
        if url::Url::parse(&id).is_err() {
            return Err(SchemaError::NotASchema {
                path: file,
                message: format!("`$id` `{id}` is not an absolute URI; use {ID_BASE}{stem}.json"),
            });
        }
        let index = self.docs.len();
        let id_key = id.to_ascii_lowercase();
        let mut keys = vec![type_key(&stem), id_key.clone()];
        keys.dedup();
        for key in keys {
            if let Some(&other) = self.by_key.get(&key) {
                return Err(SchemaError::Duplicate {
                    path: file,
                    other: self.docs[other].file.clone(),
                    key,
                });
            }
            self.by_key.insert(key, index);
        }
        self.by_id.insert(id.clone(), index);
        self.docs.push(SchemaDoc {
            file,
            id,
            value: Arc::new(value),
            validator: OnceLock::new(),
        });
        Ok(())
    }

    /// The number of schema files, those of the version folders included.
    /// The set a version's types belong in: its own folder's set when there is one, else
    /// the set every version uses (as [`Schemas::for_version`] looks them up).
    pub fn for_version_mut(&mut self, version: &str) -> &mut Schemas {
        if self.versions.contains_key(version) {
            self.versions.get_mut(version).expect("just looked up")
        } else {
            self
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len() + self.versions.values().map(Schemas::len).sum::<usize>()
    }

    /// True when there are no schemas, in this set or any version folder.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn find(&self, odata_type: &str) -> Option<&SchemaDoc> {
        let key = type_key(odata_type);
        if key.is_empty() {
            return None;
        }
        let index = self.by_key.get(&key).or_else(|| {
            // Docs often write the bare type name; Graph's types live in `microsoft.graph`.
            (!key.contains('.'))
                .then(|| self.by_key.get(&format!("microsoft.graph.{key}")))
                .flatten()
        })?;
        Some(&self.docs[*index])
    }

    /// True when there is a schema for the type (`microsoft.graph.x`, `#microsoft.graph.X`).
    /// The type's name as its schema's file spells it (`microsoft.graph.thumbnail` for
    /// `Thumbnail`), when a schema describes it.
    pub fn spelling(&self, odata_type: &str) -> Option<String> {
        let doc = self.find(odata_type)?;
        let stem = doc.file.file_stem()?.to_string_lossy();
        Some(stem.into_owned())
    }

    pub fn knows(&self, odata_type: &str) -> bool {
        self.find(odata_type).is_some()
    }

    /// The file holding the type's schema, when there is one.
    pub fn file_of(&self, odata_type: &str) -> Option<&Path> {
        self.find(odata_type).map(|d| d.file.as_path())
    }

    /// Validates `value` against the type's schema. Empty when valid or when the type is
    /// unknown; a schema that does not compile yields one issue (pointer empty) saying why.
    ///
    /// Every object in `value` whose `@odata.type` names a known type (the value itself
    /// included) is also validated against that type's schema, so that a value of a derived
    /// type is held to the derived type's properties, not only to those of the declared base.
    pub fn validate(&self, odata_type: &str, value: &Value) -> Vec<SchemaIssue> {
        let Some(declared) = self.find(odata_type) else {
            return Vec::new();
        };
        let mut issues = self.validate_against(declared, value);
        for (pointer, own_type, object) in typed_values(value) {
            let Some(own) = self.find(own_type) else {
                continue;
            };
            if pointer.is_empty() && std::ptr::eq(own, declared) {
                continue;
            }
            for mut issue in self.validate_against(own, object) {
                issue.pointer.insert_str(0, &pointer);
                if !issues
                    .iter()
                    .any(|i| i.pointer == issue.pointer && i.message == issue.message)
                {
                    issues.push(issue);
                }
            }
        }
        issues
    }

    fn validate_against(&self, doc: &SchemaDoc, value: &Value) -> Vec<SchemaIssue> {
        match doc.validator.get_or_init(|| self.compile(doc)) {
            // Most answers are valid: `is_valid` stops at the first error and allocates nothing, where
            // collecting errors walks the whole value building paths (a third of the check).
            Ok(validator) if validator.is_valid(value) => Vec::new(),
            Ok(validator) => {
                let mut issues = Vec::new();
                for error in validator.iter_errors(value) {
                    flatten(&error, &mut issues);
                }
                let covered: Vec<String> = issues
                    .iter()
                    .filter(|i| i.unevaluated.is_empty())
                    .map(|i| i.pointer.clone())
                    .collect();
                prune_unevaluated(&mut issues, &covered);
                self.keep_undeclared(self.index_of(doc), value, &mut issues);
                self.note_enum_case(self.index_of(doc), value, &mut issues);
                issues
            }
            Err(message) => vec![SchemaIssue {
                pointer: String::new(),
                message: message.clone(),
                unevaluated: Vec::new(),
                schema: None,
                canonical: None,
                enumeration: None,
            }],
        }
    }

    /// Compiles a type's validator from a registry of just the documents it reaches through
    /// `$ref`, so that compiling one type never indexes the whole folder.
    fn compile(&self, root: &SchemaDoc) -> Result<jsonschema::Validator, String> {
        let mut reached = vec![self.index_of(root)];
        let mut seen: HashSet<usize> = reached.iter().copied().collect();
        let mut next = 0;
        while next < reached.len() {
            let doc = &self.docs[reached[next]];
            next += 1;
            let mut refs = Vec::new();
            collect_refs(&doc.value, &mut refs);
            let base = url::Url::parse(&doc.id).ok();
            for reference in refs {
                let target = base
                    .as_ref()
                    .and_then(|b| b.join(reference).ok())
                    .map(|mut u| {
                        u.set_fragment(None);
                        u.to_string()
                    });
                let found = target.as_ref().and_then(|t| {
                    self.by_id
                        .get(t)
                        .or_else(|| self.by_key.get(&t.to_ascii_lowercase()))
                });
                // Unknown targets are left for the compiler, which names the missing reference.
                if let Some(&index) = found {
                    if seen.insert(index) {
                        reached.push(index);
                    }
                }
            }
        }
        let registry = jsonschema::Registry::new()
            .extend(
                reached
                    .iter()
                    .map(|&i| (self.docs[i].id.clone(), Arc::clone(&self.docs[i].value))),
            )
            .and_then(|builder| builder.prepare())
            .map_err(|error| {
                format!(
                    "the schema {} cannot be prepared: {error}; fix it or its references",
                    root.file.display()
                )
            })?;
        let dialect = root
            .value
            .get("$schema")
            .and_then(Value::as_str)
            .unwrap_or(DRAFT_2020_12);
        let entry = serde_json::json!({ "$schema": dialect, "$ref": root.id });
        jsonschema::options()
            .with_registry(&registry)
            .should_validate_formats(true)
            .build(&entry)
            .map_err(|error| {
                format!(
                    "the schema {} cannot be compiled: {error}; fix the file (a `$ref` must name a file in the schemas folder)",
                    root.file.display()
                )
            })
    }

    /// Compiles the type's validator now (it is otherwise compiled on first use) and says why
    /// it does not compile. `None` when the type has no schema.
    pub fn compile_error(&self, odata_type: &str) -> Option<Result<(), String>> {
        let doc = self.find(odata_type)?;
        Some(match doc.validator.get_or_init(|| self.compile(doc)) {
            Ok(_) => Ok(()),
            Err(message) => Err(message.clone()),
        })
    }

    /// The type names (file stems) of every schema, in file order.
    pub fn type_names(&self) -> impl Iterator<Item = String> + '_ {
        self.docs.iter().map(|d| {
            d.file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
    }

    fn index_of(&self, doc: &SchemaDoc) -> usize {
        self.by_id.get(&doc.id).copied().unwrap_or_default()
    }
}

/// Turns one validation error into issues, looking inside `anyOf`/`oneOf` when only one branch
/// could have applied. Nullable structured properties are `anyOf: [{$ref}, {type: null}]`;
/// reporting "not valid under any of the schemas" at `/points` would hide that the problem is
/// `/points/points`, so branches that fail only on the value's JSON type are set aside.
fn flatten(error: &jsonschema::ValidationError<'_>, issues: &mut Vec<SchemaIssue>) {
    use jsonschema::error::ValidationErrorKind;
    let branches = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            context
        }
        ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            issues.push(SchemaIssue {
                pointer: error.instance_path().to_string(),
                message: error.to_string(),
                unevaluated: unexpected.clone(),
                schema: None,
                canonical: None,
                enumeration: None,
            });
            return;
        }
        _ => {
            issues.push(SchemaIssue {
                pointer: error.instance_path().to_string(),
                message: error.to_string(),
                unevaluated: Vec::new(),
                schema: None,
                canonical: None,
                enumeration: None,
            });
            return;
        }
    };
    let here = error.instance_path().as_str();
    let plausible: Vec<_> = branches
        .iter()
        .filter(|branch| {
            !matches!(branch.as_slice(), [only] if matches!(only.kind(), ValidationErrorKind::Type { .. })
                && only.instance_path().as_str() == here)
        })
        .collect();
    match plausible.as_slice() {
        [branch] if !branch.is_empty() => branch.iter().for_each(|e| flatten(e, issues)),
        _ => issues.push(SchemaIssue {
            pointer: here.to_owned(),
            message: error.to_string(),
            unevaluated: Vec::new(),
            schema: None,
            canonical: None,
            enumeration: None,
        }),
    }
}

/// Every object in `value` (the value itself included) that names its type in `@odata.type`:
/// its JSON pointer, the type as written, and the object.
pub fn typed_values(value: &Value) -> Vec<(String, &str, &Value)> {
    let mut typed = Vec::new();
    collect_typed(value, &mut String::new(), &mut typed);
    typed
}

fn collect_typed<'a>(
    value: &'a Value,
    pointer: &mut String,
    typed: &mut Vec<(String, &'a str, &'a Value)>,
) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(own_type)) = map.get("@odata.type") {
                typed.push((pointer.clone(), own_type, value));
            }
            for (key, child) in map {
                let len = pointer.len();
                crate::json::pointer_push(pointer, key);
                collect_typed(child, pointer, typed);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                collect_typed(item, pointer, typed);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Every `$ref` string in a schema document.
fn collect_refs<'a>(value: &'a Value, refs: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref" | "$dynamicRef", Value::String(reference)) => refs.push(reference),
                    _ => collect_refs(child, refs),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, refs)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
