//! The docs' own type model: what resource pages say a type is, read as ApiDoctor reads them.
//!
//! A resource page holds a `"blockType": "resource"` JSON block (its annotation names the type
//! with `@odata.type` or `@type`, and gives `@type.aka`, `baseType`, `keyProperty`, `openType`,
//! `abstract`, `nullableProperties`), a Properties table and a Relationships table. An
//! enumeration is an enum page's Members table, or a table under a heading `<name> values`.
//! Tables are recognised by their heading, as ApiDoctor's `TableAndHeaderConfig.json` does:
//! `Properties`, `Relationships` (and `Navigation properties`), `Members`, `… values`.
//!
//! [`Model::schemas`] turns the model into the same JSON Schemas the CSDL import makes, so that
//! a docs repository without CSDL still gets every example checked; where a CSDL type exists,
//! it wins ([`Model::add_to`]).

use crate::doc::{tables, Block, BlockType, Page, Table};
use crate::finding::{Finding, Loc, Rule, Severity};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Headings whose table lists a resource's properties.
const PROPERTY_HEADINGS: [&str; 3] = ["properties", "relationships", "navigation properties"];

/// One documented resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The qualified name (`microsoft.graph.printer`).
    pub name: String,
    /// `@type.aka`: another name for the same type.
    pub aka: Option<String>,
    /// `baseType`, qualified.
    pub base: Option<String>,
    /// `keyProperty`.
    pub key: Option<String>,
    /// `openType`: undeclared properties are allowed.
    pub open: bool,
    /// Where the resource block's annotation is.
    pub at: Loc,
    /// The properties the JSON representation shows, with the value it shows and its line.
    pub json: Vec<(String, Value, usize)>,
    /// The properties the Properties and Relationships tables list: name, type cell, line.
    pub table: Vec<(String, String, usize)>,
    /// The names of those that are relationships (navigation properties): JSON
    /// representations leave them out, so their absence there is not reported.
    pub relationships: Vec<String>,
    /// The API version of its page.
    pub version: String,
}

/// One documented enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct Enumeration {
    /// The qualified name (`microsoft.graph.bodyType`).
    pub name: String,
    /// Its members, as written.
    pub members: Vec<String>,
    /// Where its table is.
    pub at: Loc,
    /// The API version of its page.
    pub version: String,
}

/// Every resource and enumeration the pages document.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Resources, in page order.
    pub resources: Vec<Resource>,
    /// Enumerations, in page order.
    pub enums: Vec<Enumeration>,
}

/// True when a page may document a type: it has a resource block, or an enumeration table.
pub fn documents_types(page: &Page, text: &str) -> bool {
    page.blocks
        .iter()
        .any(|b| b.block_type() == Some(&BlockType::Resource))
        || text.contains("enum type")
        || text.contains(" values\n")
        || text.contains(" values\r\n")
}

/// The types one page documents, and what cannot be read of them.
pub fn read_page(page: &Page, text: &str, version: &str) -> (Model, Vec<Finding>) {
    let mut model = Model::default();
    let mut findings = Vec::new();
    let tables = tables(text);
    let namespace = namespace_of(text);
    let mut table_rows: Vec<(String, String, usize)> = Vec::new();
    let mut relationships = Vec::new();
    for table in &tables {
        let heading = table.heading.to_ascii_lowercase();
        // A properties table has a Type column; another table under the same heading (a
        // list of presets, of values) is not one.
        let typed = table
            .header
            .get(1)
            .is_some_and(|h| h.to_ascii_lowercase().contains("type"));
        if PROPERTY_HEADINGS.contains(&heading.as_str()) && typed {
            let rows = property_rows(&page.file, table, &mut findings);
            if heading != "properties" {
                relationships.extend(rows.iter().map(|(name, _, _)| name.clone()));
            }
            table_rows.extend(rows);
        } else if let Some(name) = enum_name(table, text) {
            model.enums.push(Enumeration {
                name: qualify(&name, &namespace),
                members: table
                    .rows
                    .iter()
                    .filter_map(|r| r.cells.first())
                    .map(|m| strip_markup(m))
                    .filter(|m| !m.is_empty())
                    .collect(),
                at: Loc::new(&page.file, table.line),
                version: version.to_owned(),
            });
        }
    }
    let mut first = true;
    for block in &page.blocks {
        if block.block_type() != Some(&BlockType::Resource) {
            continue;
        }
        let rows = if first {
            std::mem::take(&mut table_rows)
        } else {
            Vec::new()
        };
        first = false;
        if let Some(mut resource) = resource_of(&page.file, block, rows, &namespace, version) {
            resource.relationships = std::mem::take(&mut relationships);
            model.resources.push(resource);
        }
    }
    (model, findings)
}

/// The Properties/Relationships rows as (name, type cell, line); a row without a name or a
/// type is a finding.
fn property_rows(
    file: &str,
    table: &Table,
    findings: &mut Vec<Finding>,
) -> Vec<(String, String, usize)> {
    let mut rows = Vec::new();
    for row in &table.rows {
        match (row.cells.first(), row.cells.get(1)) {
            // OData annotations (`@odata.type`) are not properties.
            (Some(name), Some(_)) if strip_markup(name).starts_with('@') => {}
            (Some(name), Some(ty)) if !strip_markup(name).is_empty() && !ty.trim().is_empty() => {
                rows.push((strip_markup(name), ty.clone(), row.line));
            }
            _ => findings.push(Finding::new(
                Rule::Resource,
                file,
                row.line,
                format!(
                    "this row of the {} table has no property name or no type; write `| name | Type | Description |`",
                    table.heading
                ),
            )),
        }
    }
    rows
}

/// The enumeration a table lists: an enum page's `Members` table (named by the page title
/// `# x enum type`), or a table under `x values`.
fn enum_name(table: &Table, text: &str) -> Option<String> {
    let heading = table.heading.trim();
    if let Some(name) = heading
        .strip_suffix(" values")
        .or_else(|| heading.strip_suffix(" Values"))
    {
        return Some(name.trim().to_owned()).filter(|n| !n.contains(' '));
    }
    if heading.eq_ignore_ascii_case("members") {
        let title = text.lines().find(|l| l.starts_with("# "))?;
        let name = title[2..].trim().trim_matches('"');
        return name
            .strip_suffix(" enum type")
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.contains(' '));
    }
    None
}

/// A resource from its block and annotation, or `None` when the block names no type.
fn resource_of(
    file: &str,
    block: &Block,
    table: Vec<(String, String, usize)>,
    namespace: &str,
    version: &str,
) -> Option<Resource> {
    let annotation = block.annotation.as_ref()?;
    let name = annotation.expect.odata_type.as_deref()?;
    let raw = &annotation.raw;
    let text = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
    let flag = |key: &str| match raw.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    let json = match crate::json::parse_lenient(&block.content) {
        Ok((Value::Object(object), _)) => {
            let locator = crate::json::Locator::new(&block.content);
            object
                .into_iter()
                .filter(|(k, _)| !k.starts_with('@'))
                .map(|(k, v)| {
                    let mut pointer = String::new();
                    crate::json::pointer_push(&mut pointer, &k);
                    let line = block.content_line + locator.locate(&pointer).line;
                    (k, v, line)
                })
                .collect()
        }
        // An unreadable block is lint's `invalid-json`; its table still documents the type.
        _ => Vec::new(),
    };
    Some(Resource {
        name: qualify(name, namespace),
        aka: annotation
            .expect
            .odata_type_aka
            .as_deref()
            .map(|a| qualify(a, namespace)),
        base: text("baseType").map(|b| qualify(&b, namespace)),
        key: text("keyProperty"),
        open: flag("openType"),
        at: Loc::new(file, block.annotation_line.unwrap_or(block.line)),
        json,
        table,
        relationships: Vec::new(),
        version: version.to_owned(),
    })
}

/// `Namespace: microsoft.graph` from the page, or Graph's namespace.
fn namespace_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Namespace:"))
        .map(|n| n.trim().trim_matches('`').to_owned())
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .unwrap_or_else(|| "microsoft.graph".to_owned())
}

/// `printer` → `microsoft.graph.printer`; a qualified name as it is.
fn qualify(name: &str, namespace: &str) -> String {
    let name = name.trim().trim_start_matches('#');
    if name.contains('.') {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

/// A cell's text without links, code marks and emphasis: `[printerStatus](x.md)` → `printerStatus`.
fn strip_markup(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut rest = cell;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find("](") {
            Some(close) if !after[..close].contains(']') => {
                out.push_str(&after[..close]);
                rest = after[close + 2..]
                    .split_once(')')
                    .map_or("", |(_, tail)| tail);
            }
            // A reference link, `[identitySet][]` or `[identitySet][ref]`.
            _ if after.contains("][") => {
                let (text, tail) = after.split_once("][").unwrap_or((after, ""));
                out.push_str(text);
                rest = tail.split_once(']').map_or("", |(_, tail)| tail);
            }
            _ => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace(['`', '*'], "").trim().to_owned()
}

/// A table's type cell as a documented type: (type name, is a collection).
/// `[printJob](printjob.md) collection`, `Collection(String)`, `String collection`.
pub fn table_type(cell: &str) -> (String, bool) {
    let text = strip_markup(cell);
    let lower = text.to_ascii_lowercase();
    if let Some(inner) = lower
        .strip_prefix("collection(")
        .and_then(|i| i.strip_suffix(')'))
    {
        return (text[11..11 + inner.len()].trim().to_owned(), true);
    }
    match text.split_whitespace().collect::<Vec<_>>().as_slice() {
        [name, last] if last.eq_ignore_ascii_case("collection") => ((*name).to_owned(), true),
        [name, ..] => ((*name).to_owned(), false),
        [] => (String::new(), false),
    }
}

/// The JSON Schema of a primitive type name as docs write it (`String`, `DateTimeOffset`,
/// `Int32`), `None` for a type that is not primitive.
fn primitive(name: &str) -> Option<Value> {
    let name = name.to_ascii_lowercase();
    let name = name.strip_prefix("edm.").unwrap_or(&name);
    Some(match name {
        "string" | "guid" | "binary" | "timeofday" | "duration" | "url" | "uri" | "stream" => {
            json!({"type": "string"})
        }
        "boolean" | "bool" => json!({"type": "boolean"}),
        "int" | "int16" | "int32" | "int64" | "integer" | "byte" | "sbyte" => {
            json!({"type": "integer"})
        }
        "double" | "single" | "decimal" | "float" | "number" => json!({"type": "number"}),
        "datetimeoffset" | "datetime" | "timestamp" => {
            json!({"type": "string", "format": "date-time"})
        }
        "date" => json!({"type": "string", "format": "date"}),
        // "Untyped JSON object", "Json": anything.
        "untyped" | "json" | "object" => json!({}),
        _ => return None,
    })
}

/// The schema an example value hints at (`"String"`, `"String (timestamp)"`, `true`,
/// `{"@odata.type": "x"}`, `[…]`), as ApiDoctor reads resource JSON.
fn hinted(value: &Value, known: &dyn Fn(&str) -> Option<String>) -> Value {
    match value {
        Value::String(hint) => {
            let lower = hint.to_ascii_lowercase();
            if lower.contains("timestamp") || lower.contains("datetimeoffset") {
                json!({"type": "string", "format": "date-time"})
            } else {
                let word = hint.split_whitespace().next().unwrap_or_default();
                primitive(word).unwrap_or_else(|| json!({"type": "string"}))
            }
        }
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!({"type": "integer"}),
        Value::Number(_) => json!({"type": "number"}),
        Value::Array(items) => match items.first() {
            Some(item) => json!({"type": "array", "items": nullable(hinted(item, known))}),
            None => json!({"type": "array"}),
        },
        Value::Object(object) => match object
            .get("@odata.type")
            .and_then(Value::as_str)
            .and_then(|name| known(&qualify(name, "microsoft.graph")))
        {
            Some(name) => json!({"$ref": format!("{name}.json")}),
            None => json!({"type": "object"}),
        },
        Value::Null => json!({}),
    }
}

/// `schema` or null: documented properties may be null (a null the annotation does not allow
/// is the check's warning, not a schema error).
fn nullable(schema: Value) -> Value {
    if schema.as_object().is_some_and(Map::is_empty) {
        return schema;
    }
    json!({"anyOf": [schema, {"type": "null"}]})
}

impl Model {
    /// Adds the documented types to `schemas` where they have none: a CSDL type wins, the
    /// docs' own model serves the rest. Each version's types go to that version's set when
    /// there is one, else to the set every version uses. Returns how many were added.
    pub fn add_to(&self, schemas: &mut crate::schema::Schemas) -> usize {
        let versions: std::collections::BTreeSet<&str> = self
            .resources
            .iter()
            .map(|r| r.version.as_str())
            .chain(self.enums.iter().map(|e| e.version.as_str()))
            .collect();
        let mut added = 0;
        for version in versions {
            let target = schemas.for_version_mut(version);
            let documents = self.schemas(version, &|name| target.spelling(name));
            for (file, schema) in documents {
                let title = schema["title"].as_str().unwrap_or_default().to_owned();
                if !target.knows(&title)
                    && target.add(std::path::PathBuf::from(file), schema).is_ok()
                {
                    added += 1;
                }
            }
        }
        added
    }

    /// Adds another page's types.
    pub fn extend(&mut self, other: Model) {
        self.resources.extend(other.resources);
        self.enums.extend(other.enums);
    }

    /// The JSON Schemas of the documented types of `version` (and of pages without one), one
    /// per type, named `<type>.json`. `known` gives the name a type has elsewhere (CSDL), as
    /// its schema spells it, so that a property's `$ref` is made only to a type that exists,
    /// spelt as its `$id` is (docs write `[Thumbnail](thumbnail.md)` for `thumbnail`).
    pub fn schemas(
        &self,
        version: &str,
        known: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<(String, Value)> {
        let documented: HashMap<String, String> = self
            .resources
            .iter()
            .filter(|r| r.version == version)
            .map(|r| r.name.clone())
            .chain(
                self.enums
                    .iter()
                    .filter(|e| e.version == version)
                    .map(|e| e.name.clone()),
            )
            .map(|name| (name.to_ascii_lowercase(), name))
            .collect();
        let knows = |name: &str| {
            known(name).or_else(|| documented.get(&name.to_ascii_lowercase()).cloned())
        };
        let mut out: BTreeMap<String, (String, Value)> = BTreeMap::new();
        for e in self.enums.iter().filter(|e| e.version == version) {
            let schema = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": format!("{}{}.json", crate::schema::ID_BASE, e.name),
                "$comment": format!("From the docs: the enumeration at {}.", e.at),
                "title": e.name,
                "type": "string",
                "enum": e.members,
            });
            out.entry(e.name.to_ascii_lowercase())
                .or_insert((format!("{}.json", e.name), schema));
        }
        for r in self.resources.iter().filter(|r| r.version == version) {
            out.entry(r.name.to_ascii_lowercase())
                .or_insert((format!("{}.json", r.name), resource_schema(r, &knows)));
        }
        out.into_values().collect()
    }
}

/// A resource's schema: its table types where the table gives one, the JSON's hints otherwise;
/// its base by `allOf`; closed unless `openType`.
fn resource_schema(r: &Resource, knows: &dyn Fn(&str) -> Option<String>) -> Value {
    let mut properties = Map::new();
    for (name, value, _) in &r.json {
        properties.insert(name.clone(), nullable(hinted(value, knows)));
    }
    for (name, cell, _) in &r.table {
        let (ty, collection) = table_type(cell);
        let item =
            primitive(&ty).unwrap_or_else(|| match knows(&qualify(&ty, "microsoft.graph")) {
                Some(name) => json!({"$ref": format!("{name}.json")}),
                None => json!({}),
            });
        let schema = if collection {
            json!({"type": "array", "items": nullable(item)})
        } else {
            item
        };
        properties.insert(name.clone(), nullable(schema));
    }
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{}{}.json", crate::schema::ID_BASE, r.name),
        "$comment": format!("From the docs: the resource at {}.", r.at),
        "title": r.name,
        "type": "object",
        "properties": properties,
        "patternProperties": { "@": {} },
    });
    if let Some(base) = r.base.as_deref().and_then(knows) {
        schema["allOf"] = json!([{ "$ref": format!("{base}.json") }]);
    }
    if !r.open {
        schema["unevaluatedProperties"] = json!(false);
    }
    schema
}

/// The `resource` lint rule over the whole model: JSON against table, base and property types
/// defined, the key property, the same type defined twice. `known` says whether a type has a
/// schema besides the model's (CSDL).
pub fn findings(model: &Model, known: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let defined: HashSet<String> = model
        .resources
        .iter()
        .map(|r| r.name.to_ascii_lowercase())
        .chain(model.enums.iter().map(|e| e.name.to_ascii_lowercase()))
        .collect();
    let defines = |name: &str| defined.contains(&name.to_ascii_lowercase()) || known(name);
    let key_of = |r: &Resource| format!("{}::{}", r.version, r.name.to_ascii_lowercase());
    let by_name: HashMap<String, &Resource> =
        model.resources.iter().map(|r| (key_of(r), r)).collect();
    let mut first: HashMap<String, &Resource> = HashMap::new();
    let mut findings = Vec::new();
    for r in &model.resources {
        findings.extend(json_against_table(r, &inherited(r, &by_name)));
        findings.extend(undefined_types(r, &defines));
        findings.extend(key_property(r));
        match first.get(&key_of(r)) {
            Some(earlier) if earlier.base != r.base => findings.push(Finding::new(
                Rule::Resource,
                &r.at.file,
                r.at.line,
                format!(
                    "{} is defined again, with another base type than at {} ({} there, {} here)",
                    r.name,
                    earlier.at,
                    earlier.base.as_deref().unwrap_or("none"),
                    r.base.as_deref().unwrap_or("none")
                ),
            )),
            Some(_) => {}
            None => {
                first.insert(key_of(r), r);
            }
        }
    }
    findings
}

/// What a resource's base types list: a JSON representation shows inherited properties that
/// only the base's table documents. `by_name` is keyed `version::lower-case name`.
fn inherited(r: &Resource, by_name: &HashMap<String, &Resource>) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut next = r.base.clone();
    for _ in 0..16 {
        let Some(base) = next.take() else { break };
        let Some(b) = by_name.get(&format!("{}::{}", r.version, base.to_ascii_lowercase())) else {
            break;
        };
        names.extend(b.table.iter().map(|(n, _, _)| n.clone()));
        next = b.base.clone();
    }
    names
}

/// A property in the JSON but in no table (error), or in the table but not in the JSON
/// (warning; relationships may stay out of it).
fn json_against_table(r: &Resource, inherited: &HashSet<String>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if r.table.is_empty() {
        return findings;
    }
    let at = |line: usize, message: String| Finding::new(Rule::Resource, &r.at.file, line, message);
    let listed: HashSet<&str> = r
        .table
        .iter()
        .map(|(n, _, _)| n.as_str())
        .chain(inherited.iter().map(String::as_str))
        .collect();
    let shown: HashSet<&str> = r.json.iter().map(|(n, _, _)| n.as_str()).collect();
    for (name, _, line) in r
        .json
        .iter()
        .filter(|(n, _, _)| !listed.contains(n.as_str()))
    {
        findings.push(at(*line, format!("`{name}` is in the JSON representation of {} but not in its Properties or Relationships table; document it, or remove it from the JSON", r.name)));
    }
    for (name, _, line) in r
        .table
        .iter()
        .filter(|(n, _, _)| !shown.contains(n.as_str()) && !r.relationships.contains(n))
    {
        findings.push(
            at(*line, format!("`{name}` is in the table of {} but not in its JSON representation; add it to the JSON", r.name))
                .with_severity(Severity::Warning),
        );
    }
    findings
}

/// A base type or a property type that no page (and no schema) defines.
fn undefined_types(r: &Resource, defines: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let at = |line: usize, message: String| Finding::new(Rule::Resource, &r.at.file, line, message);
    let mut findings = Vec::new();
    if let Some(base) = r.base.as_deref().filter(|b| !defines(b)) {
        findings.push(at(
            r.at.line,
            format!(
                "the base type `{base}` of {} is defined by no resource page (and no schema)",
                r.name
            ),
        ));
    }
    for (name, cell, line) in &r.table {
        let (ty, _) = table_type(cell);
        if primitive(&ty).is_none() && !ty.is_empty() && !defines(&qualify(&ty, "microsoft.graph"))
        {
            findings.push(at(*line, format!("the type `{ty}` of `{name}` is defined by no resource or enumeration page (and no schema)")));
        }
    }
    findings
}

/// A `keyProperty` that is no property of a resource without a base type.
fn key_property(r: &Resource) -> Option<Finding> {
    let key = r.key.as_ref()?;
    let has = r.json.iter().any(|(n, _, _)| n == key) || r.table.iter().any(|(n, _, _)| n == key);
    (!has && r.base.is_none()).then(|| {
        Finding::new(
            Rule::Resource,
            &r.at.file,
            r.at.line,
            format!("`keyProperty` `{key}` is not a property of {}", r.name),
        )
    })
}

/// A table's type cell in the words [`crate::schema::Schemas::property_kind`] uses: `string`,
/// `uuid`, `date-time`, `integer`, a type's lower-case name, `collection(…)`; `None` for what
/// cannot be compared (`Stream`, untyped JSON, an empty cell).
pub fn kind_of_table_type(cell: &str) -> Option<String> {
    let (ty, collection) = table_type(cell);
    let lower = ty.to_ascii_lowercase();
    let lower = lower.strip_prefix("edm.").unwrap_or(&lower);
    let kind = match lower {
        "" | "stream" | "untyped" | "json" | "object" => return None,
        "string" | "binary" | "timeofday" | "url" | "uri" => "string".to_owned(),
        "guid" => "uuid".to_owned(),
        "duration" => "duration".to_owned(),
        "datetimeoffset" | "datetime" | "timestamp" => "date-time".to_owned(),
        "date" => "date".to_owned(),
        "int" | "int16" | "int32" | "int64" | "integer" | "byte" | "sbyte" => "integer".to_owned(),
        "double" | "single" | "decimal" | "float" | "number" => "number".to_owned(),
        "boolean" | "bool" => "boolean".to_owned(),
        _ => qualify(&ty, "microsoft.graph").to_ascii_lowercase(),
    };
    Some(if collection {
        format!("collection({kind})")
    } else {
        kind
    })
}

/// The `metadata-drift` rule: the documented resources against the metadata's schemas (CSDL,
/// before the docs' own types join them). A documented type the metadata lacks, a documented
/// property it does not declare, a property whose documented type differs.
pub fn metadata_drift(model: &Model, metadata: &crate::schema::Schemas) -> Vec<Finding> {
    let mut findings = Vec::new();
    for r in &model.resources {
        let schemas = metadata.for_version(&r.version);
        let file = r.at.file.as_str();
        let Some(declared) = schemas.declared_properties(&r.name) else {
            findings.push(Finding::new(
                Rule::MetadataDrift,
                file,
                r.at.line,
                format!(
                    "{} is documented, but the metadata has no such type (type missing)",
                    r.name
                ),
            ));
            continue;
        };
        for (name, cell, line) in &r.table {
            if !declared.contains(name) {
                findings.push(Finding::new(
                    Rule::MetadataDrift,
                    file,
                    *line,
                    format!("`{name}` is documented for {}, but the metadata does not declare it (property missing)", r.name),
                ));
                continue;
            }
            let documented = kind_of_table_type(cell);
            let meta = schemas.property_kind(&r.name, name);
            if let (Some(documented), Some(meta)) = (documented, meta) {
                if documented != meta {
                    findings.push(Finding::new(
                        Rule::MetadataDrift,
                        file,
                        *line,
                        format!("`{name}` of {} is documented as {documented}, but the metadata says {meta} (type different)", r.name),
                    ));
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests;
