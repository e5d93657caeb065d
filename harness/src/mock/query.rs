//! OData query options on a documented answer, as the service applies them: `$filter`
//! (`eq`, `ne`, `startswith`, `and`, `or`), `$count=true`, `$orderby`, `$skip`, `$top` (a
//! longer collection gets a next link to the rest) and `$select` on the items of a collection,
//! `$select` on an entity. Properties named in `$expand` are kept, as the service keeps them.
//! Other options are ignored, and a request with the documented example's own options gets
//! the documented answer as it is, even where the page shows more than it selected.

use super::route::{split_query, Route};
use super::MockAnswer;
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// The options this module applies.
const OPTIONS: [&str; 6] = ["$select", "$top", "$skip", "$count", "$orderby", "$filter"];

/// A cheap first look: false when the query cannot hold an option this module applies.
pub(super) fn may_shape(query: &str) -> bool {
    let bytes = query.as_bytes();
    let has = |word: &[u8]| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    [
        &b"select"[..],
        b"top",
        b"skip",
        b"count",
        b"orderby",
        b"filter",
    ]
    .iter()
    .any(|word| has(word))
}

/// The options a request asks for, read and checked.
struct Asked {
    top: Option<usize>,
    skip: usize,
    filter: Option<Filter>,
    orderby: Option<String>,
    count: bool,
    /// `$select` (with what `$expand` names), lower-cased.
    selected: Option<Vec<String>>,
}

impl Asked {
    /// The options of `options`; the error is the mock's `400` message.
    fn read(options: &[(String, String)]) -> Result<Asked, String> {
        let number = |name: &str| -> Result<Option<usize>, String> {
            match option(options, name) {
                None => Ok(None),
                Some(text) => text.parse::<usize>().map(Some).map_err(|_| {
                    format!("Invalid {name} value '{text}': expected a non-negative integer.")
                }),
            }
        };
        let expanded = option(options, "$expand").unwrap_or_default();
        Ok(Asked {
            top: number("$top")?,
            skip: number("$skip")?.unwrap_or(0),
            filter: option(options, "$filter")
                .map(|f| Filter::parse(&f))
                .transpose()?,
            orderby: option(options, "$orderby"),
            count: option(options, "$count").is_some_and(|c| c.eq_ignore_ascii_case("true")),
            selected: option(options, "$select").map(|s| {
                s.split(',')
                    .chain(top_level_names(&expanded))
                    .map(|p| p.trim().to_ascii_lowercase())
                    .filter(|p| !p.is_empty())
                    .collect()
            }),
        })
    }
}

/// The value of option `name` (lower-case, with its `$`), trimmed.
fn option(options: &[(String, String)], name: &str) -> Option<String> {
    options
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// The documented answer shaped by the query's options; `None` when it asks for none of
/// them (or for exactly the documented example's) or the answer is not a JSON object, so
/// that the documented bytes go out. `path` is the request's, for the next link.
pub(super) fn shape(route: &Route, path: &str, query: &str) -> Option<MockAnswer> {
    let options = split_query(query);
    let asked: Vec<Option<String>> = OPTIONS.iter().map(|o| option(&options, o)).collect();
    let documented_options: Vec<Option<String>> =
        OPTIONS.iter().map(|o| option(&route.query, o)).collect();
    if asked.iter().all(Option::is_none) || asked == documented_options {
        return None;
    }
    let documented = route.answer();
    let asked = match Asked::read(&options) {
        Ok(asked) => asked,
        Err(message) => {
            return Some(MockAnswer::error(
                400,
                "BadRequest",
                message,
                documented.case_id.clone(),
            ))
        }
    };
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&documented.body) else {
        return None;
    };
    match body.get_mut(&route.collection_property) {
        Some(Value::Array(items)) => {
            let (total, more) = shape_items(items, &asked);
            if asked.count {
                body.insert("@odata.count".into(), Value::from(total));
            }
            if asked.top.is_some() || asked.skip > 0 {
                // The documented next link led to the docs' next page; this one leads to the
                // rest, on the service's host (the server points it at the client's address).
                body.remove("@odata.nextLink");
                if more {
                    let next = format!(
                        "https://graph.microsoft.com{path}?{}",
                        with_skip(query, asked.skip + asked.top.unwrap_or(0))
                    );
                    body.insert("@odata.nextLink".into(), Value::String(next));
                }
            }
        }
        _ => {
            if let Some(selected) = &asked.selected {
                trim(&mut body, selected);
            }
        }
    }
    Some(shaped(documented.as_ref(), &body, query))
}

/// Filters, sorts, skips, takes and selects the items; how many matched the filter, and
/// whether `$top` left some out.
fn shape_items(items: &mut Vec<Value>, asked: &Asked) -> (usize, bool) {
    if let Some(filter) = &asked.filter {
        items.retain(|item| filter.matches(item));
    }
    let total = items.len();
    if let Some(orderby) = &asked.orderby {
        sort(items, orderby);
    }
    items.drain(..asked.skip.min(items.len()));
    let more = asked.top.is_some_and(|top| items.len() > top);
    if let Some(top) = asked.top {
        items.truncate(top);
    }
    if let Some(selected) = &asked.selected {
        for item in items.iter_mut() {
            if let Value::Object(item) = item {
                trim(item, selected);
            }
        }
    }
    (total, more)
}

/// `query` with its `$skip` replaced by `skip`.
fn with_skip(query: &str, skip: usize) -> String {
    query
        .split('&')
        .filter(|pair| {
            let name = pair
                .split('=')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            name != "$skip" && name != "%24skip"
        })
        .map(str::to_owned)
        .chain(std::iter::once(format!("$skip={skip}")))
        .collect::<Vec<_>>()
        .join("&")
}

fn shaped(documented: &MockAnswer, body: &Map<String, Value>, query: &str) -> MockAnswer {
    let mut answer = MockAnswer::new(
        documented.status,
        documented.headers.clone(),
        serde_json::to_vec(body)
            .expect("a JSON value serialises")
            .into(),
        documented.case_id.clone(),
    );
    answer.note = Some(format!("shaped by {query}"));
    answer
}

/// The value at an OData property path (`from/emailAddress/address`), in any case.
fn property<'v>(item: &'v Value, path: &str) -> Option<&'v Value> {
    path.trim().split('/').try_fold(item, |node, name| {
        let object = node.as_object()?;
        object.get(name).or_else(|| {
            object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    })
}

/// Sorts items by `$orderby` (`name desc, start/dateTime`): strings and numbers in their
/// order, absent values first.
fn sort(items: &mut [Value], orderby: &str) {
    let keys: Vec<(String, bool)> = orderby
        .split(',')
        .filter_map(|key| {
            let mut words = key.split_whitespace();
            let name = words.next()?.to_owned();
            let descending = words.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
            Some((name, descending))
        })
        .collect();
    items.sort_by(|a, b| {
        keys.iter()
            .map(|(name, descending)| {
                let order = compare(property(a, name), property(b, name));
                if *descending {
                    order.reverse()
                } else {
                    order
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => a
            .as_f64()
            .unwrap_or_default()
            .total_cmp(&b.as_f64().unwrap_or_default()),
        (Some(Value::String(a)), Some(Value::String(b))) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Some(Value::Bool(a)), Some(Value::Bool(b))) => a.cmp(b),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// A simple `$filter`: comparisons joined by `and` and `or` (`and` binding tighter).
#[derive(Debug, PartialEq)]
struct Filter {
    /// Alternatives (`or`), each a list of comparisons that must all hold (`and`).
    any_of: Vec<Vec<Comparison>>,
}

#[derive(Debug, PartialEq)]
enum Comparison {
    Eq(String, Value),
    Ne(String, Value),
    StartsWith(String, String),
}

impl Filter {
    fn parse(text: &str) -> Result<Filter, String> {
        let words = tokens(text);
        let mut any_of = vec![Vec::new()];
        let mut at = 0;
        while at < words.len() {
            let comparison = match words[at].to_ascii_lowercase().as_str() {
                w if w.starts_with("startswith(") => {
                    let inner = words[at]["startswith(".len()..].trim_end_matches(')');
                    let (name, value) = inner.split_once(',').ok_or_else(|| unsupported(text))?;
                    at += 1;
                    Comparison::StartsWith(
                        name.trim().to_owned(),
                        literal(value.trim())?
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                }
                _ => {
                    let (name, op, value) = match &words[at..] {
                        [name, op, value, ..] => (name, op.to_ascii_lowercase(), literal(value)?),
                        _ => return Err(unsupported(text)),
                    };
                    at += 3;
                    match op.as_str() {
                        "eq" => Comparison::Eq(name.clone(), value),
                        "ne" => Comparison::Ne(name.clone(), value),
                        _ => return Err(unsupported(text)),
                    }
                }
            };
            any_of.last_mut().expect("one group").push(comparison);
            match words.get(at).map(|w| w.to_ascii_lowercase()) {
                None => break,
                Some(word) if word == "and" => {}
                Some(word) if word == "or" => any_of.push(Vec::new()),
                Some(_) => return Err(unsupported(text)),
            }
            at += 1;
        }
        if any_of.iter().any(Vec::is_empty) {
            return Err(unsupported(text));
        }
        Ok(Filter { any_of })
    }

    fn matches(&self, item: &Value) -> bool {
        self.any_of.iter().any(|all| {
            all.iter().all(|comparison| match comparison {
                Comparison::Eq(name, value) => equal(property(item, name), value),
                Comparison::Ne(name, value) => !equal(property(item, name), value),
                Comparison::StartsWith(name, prefix) => property(item, name)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.to_lowercase().starts_with(&prefix.to_lowercase())),
            })
        })
    }
}

fn equal(found: Option<&Value>, wanted: &Value) -> bool {
    match (found, wanted) {
        (None, Value::Null) => true,
        (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (Some(Value::Number(a)), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Some(found), wanted) => found == wanted,
        (None, _) => false,
    }
}

/// Words of a filter; a quoted string (with `''` for a quote) and `startswith(…)` are one word.
fn tokens(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut depth) = (false, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                word.push_str("''");
                chars.next();
            }
            '\'' => {
                quoted = !quoted;
                word.push(c);
            }
            '(' if !quoted => {
                depth += 1;
                word.push(c);
            }
            ')' if !quoted => {
                depth = depth.saturating_sub(1);
                word.push(c);
            }
            c if c.is_whitespace() && !quoted && depth == 0 => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `'text'`, a number, `true`, `false` or `null`.
fn literal(text: &str) -> Result<Value, String> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return Ok(Value::String(inner.replace("''", "'")));
    }
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "null" => Ok(Value::Null),
        number => serde_json::from_str::<serde_json::Number>(number)
            .map(Value::Number)
            .map_err(|_| format!("Invalid $filter value {text}: expected a quoted string, a number, true, false or null.")),
    }
}

fn unsupported(text: &str) -> String {
    format!("The mock reads simple $filter expressions (eq, ne, startswith, joined by and/or); '{text}' is not one.")
}

/// The navigation properties an `$expand` names, without their nested options:
/// `manager($levels=max;$select=id),photo` gives `manager` and `photo`.
fn top_level_names(expand: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    expand
        .split(move |c: char| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            c == ',' && depth == 0
        })
        .map(|item| item.split('(').next().unwrap_or(item))
}

/// Keeps the selected properties, `id`, control information (`@odata.*`) and the annotations
/// of kept properties (`photo@odata.mediaEditLink`).
fn trim(object: &mut Map<String, Value>, selected: &[String]) {
    object.retain(|key, _| {
        let property = key.split('@').next().unwrap_or(key).to_ascii_lowercase();
        property.is_empty() || property == "id" || selected.contains(&property)
    });
}

#[cfg(test)]
mod tests {
    use super::{top_level_names, trim, Filter};
    use serde_json::json;

    #[test]
    fn simple_filters_read_and_match() {
        let filter = Filter::parse(
            "startswith(displayName,'Meg') and accountEnabled eq true or mail eq 'x@y.com'",
        )
        .unwrap();
        assert!(filter.matches(&json!({"displayName": "Megan", "accountEnabled": true})));
        assert!(!filter.matches(&json!({"displayName": "Megan", "accountEnabled": false})));
        assert!(filter.matches(&json!({"displayName": "Alex", "mail": "X@y.com"})));
        let nested = Filter::parse("from/emailAddress/address ne 'a@b.c'").unwrap();
        assert!(!nested.matches(&json!({"from": {"emailAddress": {"address": "a@b.c"}}})));
        assert!(Filter::parse("it's").is_err());
        assert!(Filter::parse("size gt 3").is_err());
    }

    #[test]
    fn expand_names_its_properties_without_their_options() {
        let names: Vec<&str> =
            top_level_names("manager($levels=max;$select=id,displayName),photo").collect();
        assert_eq!(names, ["manager", "photo"]);
    }

    #[test]
    fn select_keeps_id_control_information_and_annotations_of_kept_properties() {
        let mut object = json!({
            "@odata.context": "c", "id": "1", "displayName": "A", "mail": "a@b",
            "photo@odata.mediaEditLink": "x", "mail@odata.type": "String"
        });
        trim(
            object.as_object_mut().unwrap(),
            &["displayname".to_owned(), "mail".to_owned()],
        );
        assert_eq!(
            object,
            json!({"@odata.context": "c", "id": "1", "displayName": "A", "mail": "a@b", "mail@odata.type": "String"})
        );
    }
}
