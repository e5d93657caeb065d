//! Paging that stays on the mock and ends: `@odata.nextLink` and `@odata.deltaLink` point at
//! the mock (a client must never send its token to the real service from here), and the page
//! a documented next link asks for (`$skiptoken`, `$deltatoken`) is the last: no next link.
//! (`$skip` pages are the query module's: it links to the rest while there is more; pages of
//! created entities are the store's.)

use super::MockAnswer;
use axum::body::Bytes;
use serde_json::{Map, Value};

const LINKS: [&str; 2] = ["@odata.nextLink", "@odata.deltaLink"];

/// Points the paging links of `body`, the answer to `path?query`, at `own` (the mock's
/// `http://host:port` as the client addressed it). True when anything changed.
pub(super) fn point_at_mock(
    body: &mut Map<String, Value>,
    path: &str,
    query: Option<&str>,
    own: &str,
) -> bool {
    let followed = query.is_some_and(|q| {
        q.split('&').any(|pair| {
            let name = pair
                .split('=')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            matches!(
                name.as_str(),
                "$skiptoken" | "%24skiptoken" | "$deltatoken" | "%24deltatoken"
            )
        })
    });
    // A link already on the mock is the store's own page of created entities: it stays.
    let ours = |body: &Map<String, Value>, link: &str| {
        body.get(link)
            .and_then(Value::as_str)
            .is_some_and(|url| url.starts_with(own))
    };
    let mut changed = false;
    if followed && !ours(body, LINKS[0]) && body.remove(LINKS[0]).is_some() {
        changed = true;
    }
    for link in LINKS {
        if ours(body, link) {
            continue;
        }
        if let Some(Value::String(url)) = body.get_mut(link) {
            *url = match url::Url::parse(url) {
                Ok(parsed) if parsed.path().len() > 1 => {
                    format!("{own}{}", &parsed[url::Position::BeforePath..])
                }
                // A page's placeholder (`"https://..."`): the next page of this very request.
                _ => {
                    let token = if link == LINKS[0] {
                        "$skiptoken"
                    } else {
                        "$deltatoken"
                    };
                    match query {
                        Some(query) => format!("{own}{path}?{query}&{token}=next"),
                        None => format!("{own}{path}?{token}=next"),
                    }
                }
            };
            changed = true;
        }
    }
    changed
}

/// `body` with its paging links on the mock ([`point_at_mock`]); `None` when it is not a JSON
/// object or has no link to change.
pub(super) fn body_on_mock(
    body: &[u8],
    path: &str,
    query: Option<&str>,
    own: &str,
) -> Option<Bytes> {
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    point_at_mock(&mut body, path, query, own).then(|| {
        serde_json::to_vec(&body)
            .expect("a JSON value serialises")
            .into()
    })
}

/// `answer`, the documented answer to `path?query`, with its paging links on the mock at
/// `own`, as an answer of its own that needs no more of this.
pub(super) fn on_mock(
    answer: &MockAnswer,
    path: &str,
    query: Option<&str>,
    own: &str,
) -> MockAnswer {
    let mut made = match body_on_mock(&answer.body, path, query, own) {
        Some(body) => {
            let mut made = MockAnswer::new(
                answer.status,
                answer.headers.clone(),
                body,
                answer.case_id.clone(),
            );
            made.note = answer.note.clone();
            made
        }
        None => answer.clone(),
    };
    made.links = false;
    made
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_on_the_mock_has_its_links_rewritten_once_and_no_stale_length() {
        let documented = MockAnswer::new(
            200,
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("Content-Length".into(), "99".into()),
            ],
            br#"{"value":[],"@odata.deltaLink":"https://graph.microsoft.com/v1.0/me/delta?$deltatoken=A"}"#
                .as_slice()
                .into(),
            Some("case".into()),
        );
        assert!(documented.links);
        let made = on_mock(&documented, "/v1.0/me/delta", None, "http://127.0.0.1:9");
        assert!(!made.links, "the server need not look at it again");
        let body: Value = serde_json::from_slice(&made.body).unwrap();
        assert_eq!(
            body["@odata.deltaLink"],
            "http://127.0.0.1:9/v1.0/me/delta?$deltatoken=A"
        );
        assert_eq!(
            made.headers,
            [("Content-Type".to_owned(), "application/json".to_owned())]
        );
        assert_eq!(made.case_id.as_deref(), Some("case"));
    }
}
