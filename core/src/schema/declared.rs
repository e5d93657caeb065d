//! Which properties a schema declares, through its whole chain of base types.
//!
//! A derived type's schema is `allOf: [{$ref: base}]` plus its own `properties`, closed with
//! `unevaluatedProperties: false`. When a value deep inside fails its schema, the branch that
//! holds it fails, JSON Schema drops that branch's annotations, and every property the base
//! declares comes back "unevaluated": one bad enum member in `status` reads as eight
//! undeclared properties. The validator's list is therefore checked against what the chain
//! declares, for the object that holds the property, and that object's schema is the one named.

use super::{type_key, SchemaIssue, Schemas};
use serde_json::Value;
use std::collections::HashSet;

/// The schema that describes one object of a value, and what it declares.
pub(super) struct Holder {
    /// Index of the schema file.
    doc: usize,
    /// Every property the schema and its bases declare.
    declared: HashSet<String>,
}

impl Schemas {
    /// Keeps, in each `unevaluatedProperties` issue, only the properties that the schema of
    /// the object holding them does not declare anywhere in its chain, and names that schema;
    /// drops an issue left with none. `doc` describes `value`. Where the walk cannot follow
    /// the schemas (an inline or hand-written shape it does not know), the issue is left as
    /// the validator gave it.
    pub(super) fn keep_undeclared(&self, doc: usize, value: &Value, issues: &mut Vec<SchemaIssue>) {
        issues.retain_mut(|issue| {
            if issue.unevaluated.is_empty() {
                return true;
            }
            let Some(holder) = self.holder(doc, value, &issue.pointer) else {
                return true;
            };
            issue
                .unevaluated
                .retain(|name| !holder.declared.contains(name));
            issue.schema = self.docs[holder.doc]
                .file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned());
            if issue.unevaluated.is_empty() {
                return false;
            }
            let names: Vec<String> = issue.unevaluated.iter().map(|n| format!("'{n}'")).collect();
            let verb = if names.len() == 1 { "was" } else { "were" };
            issue.message = format!(
                "Unevaluated properties are not allowed ({} {verb} unexpected)",
                names.join(", ")
            );
            true
        });
    }

    /// The schema of the object at `pointer` in `value` (described by `doc`): the walk follows
    /// `properties` (the chain's too), `items`, `$ref`, the nullable `anyOf`, and an object's
    /// own `@odata.type` where a schema knows it.
    pub(super) fn holder(&self, doc: usize, value: &Value, pointer: &str) -> Option<Holder> {
        let (doc, node) = self.node_at(doc, value, pointer)?;
        let mut declared = HashSet::new();
        self.declare(doc, node, &mut declared, 0);
        Some(Holder { doc, declared })
    }

    /// Every property `odata_type` and its bases declare; `None` when no schema describes it.
    pub fn declared_properties(&self, odata_type: &str) -> Option<HashSet<String>> {
        let doc = self.index_of(self.find(odata_type)?);
        let mut declared = HashSet::new();
        self.declare(doc, &self.docs[doc].value, &mut declared, 0);
        Some(declared)
    }

    /// What the schema of `odata_type` says property `name` is, in words the docs' tables
    /// can be compared with ([`crate::resource::kind_of_table_type`]): `string`,
    /// `date-time`, `integer`, `boolean`, a type's name, `collection(…)`; `None` when the type
    /// or property is unknown or its schema says nothing comparable.
    pub fn property_kind(&self, odata_type: &str, name: &str) -> Option<String> {
        let doc = self.index_of(self.find(odata_type)?);
        let node = self.property(doc, &self.docs[doc].value, name, 0)?;
        self.kind(doc, node, 0)
    }

    fn kind(&self, doc: usize, node: &Value, depth: usize) -> Option<String> {
        if depth > 4 {
            return None;
        }
        let (doc, node) = self.concrete(doc, node)?;
        let types: Vec<&str> = match node.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let main = types.iter().find(|t| **t != "null").copied();
        if node.get("enum").is_some() || main == Some("object") && node.get("title").is_some() {
            return node
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .or_else(|| {
                    Some(
                        self.docs[doc]
                            .file
                            .file_stem()?
                            .to_string_lossy()
                            .to_lowercase(),
                    )
                });
        }
        match main? {
            // A navigation property: the import leaves its target untyped.
            "object" => None,
            "array" => Some(format!(
                "collection({})",
                self.kind(doc, node.get("items")?, depth + 1)?
            )),
            "string" => Some(
                node.get("format")
                    .and_then(Value::as_str)
                    .unwrap_or("string")
                    .to_owned(),
            ),
            other => Some(other.to_owned()),
        }
    }

    /// For each issue about a string that an enumeration lists in another case (`"HTML"` for
    /// `html`), the member as the schema spells it ([`SchemaIssue::canonical`]).
    pub(super) fn note_enum_case(&self, doc: usize, value: &Value, issues: &mut [SchemaIssue]) {
        for issue in issues.iter_mut().filter(|i| i.unevaluated.is_empty()) {
            let Some(written) = value.pointer(&issue.pointer).and_then(Value::as_str) else {
                continue;
            };
            let Some((enum_doc, node)) = self.node_at(doc, value, &issue.pointer) else {
                continue;
            };
            let Some(members) = node.get("enum").and_then(Value::as_array) else {
                continue;
            };
            let members: Vec<&str> = members.iter().filter_map(Value::as_str).collect();
            if members.contains(&written) {
                continue;
            }
            issue.canonical = members
                .iter()
                .find(|member| member.eq_ignore_ascii_case(written))
                .map(|m| (*m).to_owned());
            let name = node
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| {
                    let stem = self.docs[enum_doc].file.file_stem()?;
                    Some(stem.to_string_lossy().into_owned())
                })
                .unwrap_or_default();
            issue.enumeration = Some((name, members.iter().map(|m| (*m).to_owned()).collect()));
        }
    }

    /// The schema (and its file) that describes the value at `pointer` in `value`, which `doc`
    /// describes.
    fn node_at<'a>(
        &'a self,
        doc: usize,
        value: &Value,
        pointer: &str,
    ) -> Option<(usize, &'a Value)> {
        let mut doc = self.retype(doc, value);
        let mut node: &Value = &self.docs[doc].value;
        let mut here = value;
        for token in pointer.split('/').skip(1) {
            let name = token.replace("~1", "/").replace("~0", "~");
            here = match here {
                Value::Array(items) => items.get(name.parse::<usize>().ok()?)?,
                Value::Object(map) => map.get(&name)?,
                _ => return None,
            };
            let child = match here {
                _ if node.get("items").is_some() && name.parse::<usize>().is_ok() => {
                    node.get("items")?
                }
                _ => self.property(doc, node, &name, 0)?,
            };
            (doc, node) = self.concrete(doc, child)?;
            if here.is_object() {
                let typed = self.retype(doc, here);
                if typed != doc {
                    (doc, node) = (typed, &self.docs[typed].value);
                }
            }
        }
        Some((doc, node))
    }

    /// `doc`, or the schema of the object's own `@odata.type` when one is known.
    fn retype(&self, doc: usize, value: &Value) -> usize {
        value
            .get("@odata.type")
            .and_then(Value::as_str)
            .and_then(|t| self.by_key.get(&type_key(t)))
            .copied()
            .unwrap_or(doc)
    }

    /// The schema of property `name` in `node` (of schema file `doc`) or in its bases.
    fn property<'a>(
        &'a self,
        doc: usize,
        node: &'a Value,
        name: &str,
        depth: usize,
    ) -> Option<&'a Value> {
        if depth > 32 {
            return None;
        }
        if let Some(found) = node.get("properties").and_then(|p| p.get(name)) {
            return Some(found);
        }
        for branch in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (base, base_node) = self.concrete(doc, branch)?;
            if let Some(found) = self.property(base, base_node, name, depth + 1) {
                return Some(found);
            }
        }
        None
    }

    /// `node` with its `$ref` followed and its nullable `anyOf` unwrapped: the schema that
    /// actually describes a value, and the file it is in.
    fn concrete<'a>(&'a self, doc: usize, node: &'a Value) -> Option<(usize, &'a Value)> {
        let mut current = (doc, node);
        for _ in 0..8 {
            let (doc, node) = current;
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                let target = self.resolve(doc, reference)?;
                current = (target, &self.docs[target].value);
            } else if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
                let not_null = branches
                    .iter()
                    .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))?;
                current = (doc, not_null);
            } else {
                return Some(current);
            }
        }
        None
    }

    /// The schema file a `$ref` in file `doc` names.
    fn resolve(&self, doc: usize, reference: &str) -> Option<usize> {
        if reference.starts_with('#') {
            return None;
        }
        let joined = url::Url::parse(&self.docs[doc].id)
            .ok()
            .and_then(|base| base.join(reference).ok())
            .map(|mut url| {
                url.set_fragment(None);
                url.to_string()
            });
        joined
            .as_ref()
            .and_then(|id| self.by_id.get(id))
            .or_else(|| {
                let stem = reference.rsplit('/').next()?.trim_end_matches(".json");
                self.by_key.get(&type_key(stem))
            })
            .copied()
    }

    /// Adds every property `node` (in file `doc`) and its bases declare to `declared`.
    fn declare(&self, doc: usize, node: &Value, declared: &mut HashSet<String>, depth: usize) {
        if depth > 32 {
            return;
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            declared.extend(properties.keys().cloned());
        }
        for branch in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some((base, base_node)) = self.concrete(doc, branch) {
                self.declare(base, base_node, declared, depth + 1);
            }
        }
    }
}

/// One value [`Schemas::repair`] replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// Where, as a JSON pointer into the repaired value.
    pub pointer: String,
    /// What the example had.
    pub was: Value,
    /// What the schema accepts instead.
    pub now: Value,
}

impl Schemas {
    /// Replaces each scalar of `value` (of type `odata_type`) that breaks its schema with a
    /// value the schema accepts: the enumeration's member in the schema's spelling (or its
    /// first), a date, time or duration in the format's form, `0`, `false`, `""`. For an
    /// answer a client can parse where a page shows `"datetime-value"` or `"String"`; the
    /// repairs say what changed. A value the schemas do not describe is left alone.
    pub fn repair(&self, odata_type: &str, value: &mut Value) -> Vec<Repair> {
        let Some(doc) = self.find(odata_type).map(|d| self.index_of(d)) else {
            return Vec::new();
        };
        let mut repairs = Vec::new();
        for issue in self.validate(odata_type, value) {
            if !issue.unevaluated.is_empty() {
                continue;
            }
            let Some(found) = value.pointer(&issue.pointer) else {
                continue;
            };
            if found.is_object() || found.is_array() {
                continue;
            }
            let Some(now) = self
                .node_at(doc, value, &issue.pointer)
                .and_then(|(_, node)| stand_in(node, issue.canonical.as_deref()))
            else {
                continue;
            };
            if &now == found {
                continue;
            }
            let was = found.clone();
            if let Some(slot) = value.pointer_mut(&issue.pointer) {
                *slot = now.clone();
            }
            repairs.push(Repair {
                pointer: issue.pointer,
                was,
                now,
            });
        }
        repairs
    }
}

/// A value `node` (a concrete schema) accepts.
fn stand_in(node: &Value, canonical: Option<&str>) -> Option<Value> {
    if let Some(members) = node.get("enum").and_then(Value::as_array) {
        return canonical
            .map(|c| Value::String(c.to_owned()))
            .or_else(|| members.iter().find(|m| !m.is_null()).cloned());
    }
    let kind = match node.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")?,
        _ => return None,
    };
    Some(match kind {
        "string" => Value::String(
            match node.get("format").and_then(Value::as_str) {
                Some("date-time") => "2024-01-01T00:00:00Z",
                Some("date") => "2024-01-01",
                Some("time") => "00:00:00",
                Some("duration") => "PT0S",
                Some("uuid") => "00000000-0000-0000-0000-000000000000",
                Some("byte") => "",
                _ if node.get("pattern").is_some() => return None,
                _ => "",
            }
            .to_owned(),
        ),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        _ => return None,
    })
}
