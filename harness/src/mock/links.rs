//! Paging that stays on the mock and ends: `@odata.nextLink` and `@odata.deltaLink` point at
//! the mock (a client must never send its token to the real service from here), and the page
//! a documented next link asks for (`$skiptoken`, `$deltatoken`) is the last: no next link.
//! (`$skip` pages are the query module's: it links to the rest while there is more; pages of
//! created entities are the store's.)

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
