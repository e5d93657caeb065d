//! `$select` and `$top` on a documented answer: a client that asks for less gets less, as from
//! the service. Properties named in `$expand` are kept, as the service keeps them. Other query
//! options are ignored, and a request with the documented example's own `$select` and `$top`
//! gets the documented answer as it is, even where the page shows more than it selected.

use super::route::{split_query, Route};
use super::MockAnswer;
use serde_json::{Map, Value};

/// A cheap first look: false when the query cannot hold `$select` or `$top`.
pub(super) fn may_shape(query: &str) -> bool {
    let bytes = query.as_bytes();
    let has = |word: &[u8]| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    has(b"select") || has(b"top")
}

/// The documented answer shaped by the query's `$select` and `$top`; `None` when neither is
/// asked for or the answer is not a JSON object, so that the documented bytes go out.
pub(super) fn shape(route: &Route, query: &str) -> Option<MockAnswer> {
    let options = split_query(query);
    let option = |options: &[(String, String)], name: &str| {
        options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let (select, top) = (option(&options, "$select"), option(&options, "$top"));
    if select.is_none() && top.is_none()
        || (select == option(&route.query, "$select") && top == option(&route.query, "$top"))
    {
        return None;
    }
    let (select, top) = (select.as_deref(), top.as_deref());
    let documented = route.answer();
    let top = match top.map(|t| t.trim().parse::<usize>()) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return Some(MockAnswer::error(
                400,
                "BadRequest",
                format!(
                    "Invalid $top value '{}': expected a non-negative integer.",
                    top.unwrap_or_default()
                ),
                documented.case_id.clone(),
            ))
        }
        None => None,
    };
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&documented.body) else {
        return None;
    };
    let expanded = option(&options, "$expand").unwrap_or_default();
    let selected: Option<Vec<String>> = select.map(|s| {
        s.split(',')
            .chain(top_level_names(&expanded))
            .map(|p| p.trim().to_ascii_lowercase())
            .filter(|p| !p.is_empty())
            .collect()
    });
    match body.get_mut(&route.collection_property) {
        Some(Value::Array(items)) => {
            if let Some(top) = top {
                items.truncate(top);
            }
            if let Some(selected) = &selected {
                for item in items.iter_mut() {
                    if let Value::Object(item) = item {
                        trim(item, selected);
                    }
                }
            }
        }
        _ => {
            if let Some(selected) = &selected {
                trim(&mut body, selected);
            }
        }
    }
    let mut answer = MockAnswer::new(
        documented.status,
        documented.headers.clone(),
        serde_json::to_vec(&body)
            .expect("a JSON value serialises")
            .into(),
        documented.case_id.clone(),
    );
    answer.note = Some(format!("shaped by {query}"));
    Some(answer)
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
    use super::{top_level_names, trim};
    use serde_json::json;

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
