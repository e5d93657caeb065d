//! The shape of a documented body: which properties it shows and their JSON types.
//!
//! Built once from the example, then used both to compare an actual body and to cut the actual
//! body down to what the example shows (for the diff of truncated examples).

use super::{Violation, ViolationKind};
use crate::json::pointer_push;
use serde_json::{Map, Value};

/// What the example says about one value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape<'a> {
    /// Anything goes: the example shows `null`, or its array items disagree.
    Any,
    /// A JSON scalar type: `boolean`, `number` or `string`.
    Scalar(&'static str),
    /// The value of an `@odata.type`, normalised: compared by name, not just by type.
    ODataType(String),
    /// An array: the merged shape of the documented items (`None` when none are shown), and how
    /// many items the example shows.
    Array(Option<Box<Shape<'a>>>, usize),
    /// An object and its documented properties, in documented order.
    Object(Vec<Prop<'a>>),
}

/// One documented property.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Prop<'a> {
    /// Borrowed from the documented body: a shape is built for every check.
    name: &'a str,
    shape: Shape<'a>,
    /// False when some documented array item lacks it: only keys every item shows are required.
    required: bool,
}

/// The JSON type name of a value, `None` for null.
pub(super) fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::Null => None,
        Value::Bool(_) => Some("boolean"),
        Value::Number(_) => Some("number"),
        Value::String(_) => Some("string"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
    }
}

/// An OData type name as compared: `#` dropped, lower case.
pub(super) fn normalise_type(name: &str) -> String {
    name.trim().trim_start_matches('#').to_ascii_lowercase()
}

/// Instance annotations (`@odata.context`, `value@odata.nextLink`): the service adds them as it
/// sees fit, so they are never "extra" properties.
fn is_annotation(key: &str) -> bool {
    key.contains('@')
}

/// Annotations a documented response shows that depend on the data, not on the contract:
/// paging links come and go with the number of results.
fn is_paging_annotation(key: &str) -> bool {
    key.ends_with("@odata.nextLink") || key.ends_with("@odata.deltaLink")
}

/// The `nullableProperties` and `optionalProperties` of the annotation.
#[derive(Debug, Default)]
pub(super) struct Relax<'a> {
    nullable: &'a [String],
    optional: &'a [String],
}

impl<'a> Relax<'a> {
    pub(super) fn new(nullable: &'a [String], optional: &'a [String]) -> Self {
        Relax { nullable, optional }
    }

    /// May the value at `pointer` be null?
    pub(super) fn nullable_pointer(&self, pointer: &str) -> bool {
        names(self.nullable, pointer)
    }

    /// May the value at `pointer` be absent?
    pub(super) fn optional_pointer(&self, pointer: &str) -> bool {
        names(self.optional, pointer)
    }
}

/// Whether a list of property names covers `pointer`: by the property's own name (at any
/// depth), or by its path (`parent/child`, `parent.child`), array indices left out.
fn names(list: &[String], pointer: &str) -> bool {
    if list.is_empty() {
        return false;
    }
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .filter(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()))
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(last) = segments.last() else {
        return false;
    };
    let path = segments.join("/");
    list.iter().any(|name| {
        let name = name.trim().trim_start_matches('/');
        name.eq_ignore_ascii_case(last) || name.replace('.', "/").eq_ignore_ascii_case(&path)
    })
}

impl<'a> Shape<'a> {
    /// The shape of a documented value.
    pub(super) fn of(value: &'a Value) -> Shape<'a> {
        match value {
            Value::Null => Shape::Any,
            Value::Bool(_) => Shape::Scalar("boolean"),
            Value::Number(_) => Shape::Scalar("number"),
            Value::String(_) => Shape::Scalar("string"),
            Value::Array(items) => Shape::Array(
                items
                    .iter()
                    .map(Shape::of)
                    .reduce(Shape::merge)
                    .map(Box::new),
                items.len(),
            ),
            Value::Object(map) => Shape::Object(
                map.iter()
                    .map(|(name, value)| Prop {
                        name,
                        shape: match (name.as_str(), value) {
                            ("@odata.type", Value::String(t)) => {
                                Shape::ODataType(normalise_type(t))
                            }
                            _ => Shape::of(value),
                        },
                        required: true,
                    })
                    .collect(),
            ),
        }
    }

    /// What two documented array items have in common.
    fn merge(self, other: Shape<'a>) -> Shape<'a> {
        match (self, other) {
            (Shape::Scalar(a), Shape::Scalar(b)) if a == b => Shape::Scalar(a),
            (Shape::ODataType(a), Shape::ODataType(b)) if a == b => Shape::ODataType(a),
            (Shape::ODataType(_) | Shape::Scalar("string"), Shape::ODataType(_))
            | (Shape::ODataType(_), Shape::Scalar("string")) => Shape::Scalar("string"),
            (Shape::Array(a, n), Shape::Array(b, m)) => {
                let item = match (a, b) {
                    (Some(a), Some(b)) => Some(Box::new(a.merge(*b))),
                    (a, b) => a.or(b),
                };
                Shape::Array(item, n.max(m))
            }
            (Shape::Object(mut a), Shape::Object(b)) => {
                for prop in &mut a {
                    if !b.iter().any(|p| p.name == prop.name) {
                        prop.required = false;
                    }
                }
                for theirs in b {
                    match a.iter_mut().find(|p| p.name == theirs.name) {
                        Some(ours) => {
                            ours.required &= theirs.required;
                            let shape = std::mem::replace(&mut ours.shape, Shape::Any);
                            ours.shape = shape.merge(theirs.shape);
                        }
                        None => a.push(Prop {
                            required: false,
                            ..theirs
                        }),
                    }
                }
                Shape::Object(a)
            }
            _ => Shape::Any,
        }
    }

    fn expected_type(&self) -> &'static str {
        match self {
            Shape::Any => "any",
            Shape::Scalar(t) => t,
            Shape::ODataType(_) => "string",
            Shape::Array(..) => "array",
            Shape::Object(_) => "object",
        }
    }

    /// Compares an actual value with this shape, pushing a violation for each difference.
    /// `pointer` locates `actual`; it is restored before returning.
    pub(super) fn compare(
        &self,
        actual: &Value,
        truncated: bool,
        relax: &Relax,
        pointer: &mut String,
        out: &mut Vec<Violation>,
    ) {
        if matches!(self, Shape::Any) {
            return;
        }
        if actual.is_null() && relax.nullable_pointer(pointer) {
            return;
        }
        let expected = self.expected_type();
        let got = json_type(actual).unwrap_or("null");
        if got != expected {
            out.push(wrong_type(pointer, expected, got, actual));
            return;
        }
        match (self, actual) {
            (Shape::ODataType(name), Value::String(found)) if normalise_type(found) != *name => {
                out.push(Violation::new(
                    pointer.clone(),
                    ViolationKind::ODataType,
                    name.clone(),
                    found.clone(),
                    format!("expected an object of type {name}, got {found}"),
                ));
            }
            (Shape::Array(Some(item), _), Value::Array(items)) => {
                for (index, value) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    item.compare(value, truncated, relax, pointer, out);
                    pointer.truncate(len);
                }
            }
            (Shape::Object(props), Value::Object(map)) => {
                compare_object(props, map, truncated, relax, pointer, out);
            }
            _ => {}
        }
    }

    /// The actual value cut down to the properties this shape shows, so that a diff shows only
    /// what the example documents. Keys cut away are pushed (as pointers) onto `extra`; arrays
    /// longer than the example are cut to its length and noted in `notes`.
    pub(super) fn cut(
        &self,
        actual: &Value,
        pointer: &mut String,
        extra: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) -> Value {
        match (self, actual) {
            (Shape::Object(props), Value::Object(map)) => {
                let len = pointer.len();
                let mut kept = Map::new();
                for (key, value) in map {
                    pointer_push(pointer, key);
                    match props.iter().find(|p| p.name == key) {
                        Some(prop) => {
                            kept.insert(key.clone(), prop.shape.cut(value, pointer, extra, notes));
                        }
                        None if is_annotation(key) => {}
                        None => extra.push(pointer.clone()),
                    }
                    pointer.truncate(len);
                }
                Value::Object(kept)
            }
            (Shape::Array(item, shown), Value::Array(items)) => {
                let keep = (*shown).max(1);
                if items.len() > keep {
                    let at = if pointer.is_empty() {
                        "/"
                    } else {
                        pointer.as_str()
                    };
                    notes.push(format!(
                        "{at}: {} of {} items shown, as documented",
                        keep,
                        items.len()
                    ));
                }
                let len = pointer.len();
                let kept = items
                    .iter()
                    .take(keep)
                    .enumerate()
                    .map(|(index, value)| {
                        pointer.push('/');
                        pointer.push_str(&index.to_string());
                        let cut = match item {
                            Some(item) => item.cut(value, pointer, extra, notes),
                            None => value.clone(),
                        };
                        pointer.truncate(len);
                        cut
                    })
                    .collect();
                Value::Array(kept)
            }
            _ => actual.clone(),
        }
    }
}

fn article(type_name: &str) -> &'static str {
    match type_name.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => "an",
        _ => "a",
    }
}

/// Each documented property against the actual object (missing ones, and through them their
/// values), then, unless the example is truncated, each actual property it does not show.
fn compare_object(
    props: &[Prop],
    map: &serde_json::Map<String, Value>,
    truncated: bool,
    relax: &Relax,
    pointer: &mut String,
    out: &mut Vec<Violation>,
) {
    let len = pointer.len();
    for prop in props {
        pointer_push(pointer, prop.name);
        match map.get(prop.name) {
            Some(value) => prop.shape.compare(value, truncated, relax, pointer, out),
            // The service omits `@odata.type` when it is the declared type (OData
            // JSON format, minimal metadata): its absence is no breach.
            None if !prop.required
                || prop.name == "@odata.type"
                || is_paging_annotation(prop.name)
                || relax.optional_pointer(pointer) => {}
            None => out.push(Violation::new(
                pointer.clone(),
                ViolationKind::MissingProperty,
                prop.shape.expected_type(),
                "absent",
                format!(
                    "`{}` is missing; the documentation shows it ({} {})",
                    prop.name,
                    article(prop.shape.expected_type()),
                    prop.shape.expected_type()
                ),
            )),
        }
        pointer.truncate(len);
    }
    if truncated {
        return;
    }
    for (key, value) in map {
        if is_annotation(key) || props.iter().any(|p| p.name == key) {
            continue;
        }
        pointer_push(pointer, key);
        out.push(Violation::new(
            pointer.clone(),
            ViolationKind::ExtraProperty,
            "absent",
            super::compact(value),
            format!(
                "`{key}` is not in the documented response, which is not marked truncated; document it or mark the example \"truncated\": true"
            ),
        ));
        pointer.truncate(len);
    }
}

/// A value of another JSON type than documented; for `null`, how to allow it.
fn wrong_type(
    pointer: &str,
    expected: &'static str,
    got: &'static str,
    actual: &Value,
) -> Violation {
    let message = if actual.is_null() {
        format!(
            "expected {} {expected}, got null; if null is allowed, list the property in \"nullableProperties\"",
            article(expected)
        )
    } else {
        format!(
            "expected {} {expected}, got {} {got} ({})",
            article(expected),
            article(got),
            super::compact(actual)
        )
    };
    let kind = if actual.is_null() {
        ViolationKind::UnexpectedNull
    } else {
        ViolationKind::WrongType
    };
    Violation::new(pointer, kind, expected, got, message)
}
