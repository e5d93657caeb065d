//! What `contract mock` remembers of what clients create, as json-server does: a POST that
//! the docs answer 201 creates an entity (the documented answer with the request's
//! properties and a fresh id), a GET of it returns it, PATCH and PUT change it, DELETE removes
//! it (a GET then gets 404), and its collection lists it after the documented items.
//!
//! Entities are kept by their path (lowercased, version included), so `/me/events/{id}` and
//! `/users/{id}/events/{id}` are different entities, as they are to a client.

use crate::http::Method;
use axum::body::Bytes;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};

/// How many created entities a collection remembers; past that the oldest is forgotten.
pub const REMEMBERED: usize = 1000;

/// The entities clients made, changed and removed.
#[derive(Debug, Default)]
pub struct Store {
    inner: RwLock<Inner>,
    /// Pages answered, by collection, first created member and documented answer: a page
    /// asked for again unchanged is not built again.
    pages: Mutex<HashMap<(String, usize, usize), Page>>,
    /// Set once anything is created or removed: until then every answer is the documented
    /// one, and no request pays for a lookup.
    touched: AtomicBool,
}

#[derive(Debug, Default)]
struct Inner {
    /// Entity path → the entity.
    entities: HashMap<String, Map<String, Value>>,
    /// Collection path → the paths of the entities created in it, in order.
    members: HashMap<String, Vec<String>>,
    /// Paths of entities removed: documented ones stay removed too.
    deleted: HashSet<String>,
    /// Collections an entity was removed from.
    deleted_in: HashSet<String>,
    /// Counts the changes that can alter a page already answered: a change to or removal of
    /// an entity, a creation that pushes the oldest out. A creation alone does not: it lands
    /// on the last page.
    changes: u64,
}

/// A page of a collection as last answered, and what it was made of.
#[derive(Debug)]
struct Page {
    changes: u64,
    members: Vec<String>,
    more: bool,
    body: Bytes,
}

/// What the store makes of a request, before (or instead of) the documented answer.
#[derive(Debug, PartialEq)]
pub enum Stored {
    /// An entity it holds: answer it with this status.
    Entity(u16, Value),
    /// The entity was removed: 404.
    Gone,
    /// Nothing stored here: the documented answer.
    Documented,
}

/// `/v1.0/me/events/` → `/v1.0/me/events`, lowercased: one key per address.
pub fn key(path: &str) -> String {
    percent_encoding::percent_decode_str(path.trim_end_matches('/'))
        .decode_utf8_lossy()
        .to_lowercase()
}

impl Store {
    /// A stored entity's answer to GET, PATCH, PUT or DELETE of `path`.
    pub fn before(&self, method: &str, path: &str, body: &[u8]) -> Stored {
        // Parsed, not upper-cased: no allocation on every request.
        let Some(method) = Method::parse(method) else {
            return Stored::Documented;
        };
        if !self.touched.load(Ordering::Relaxed) && method != Method::Delete {
            return Stored::Documented;
        }
        let key = key(path);
        if method == Method::Get {
            // Reads share the store; only changes wait for each other.
            let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
            if inner.deleted.contains(&key) {
                return Stored::Gone;
            }
            return match inner.entities.get(&key) {
                Some(entity) => Stored::Entity(200, Value::Object(entity.clone())),
                None => Stored::Documented,
            };
        }
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.deleted.contains(&key) {
            return Stored::Gone;
        }
        match method {
            Method::Patch | Method::Put => {
                let Some(entity) = inner.entities.get_mut(&key) else {
                    return Stored::Documented;
                };
                if let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(body) {
                    if method == Method::Put {
                        let id = entity.get("id").cloned();
                        entity.clear();
                        entity.extend(id.map(|id| ("id".to_owned(), id)));
                    }
                    for (name, value) in changes {
                        if name != "id" {
                            entity.insert(name, value);
                        }
                    }
                }
                let entity = Value::Object(entity.clone());
                inner.changes += 1;
                Stored::Entity(200, entity)
            }
            Method::Delete => {
                let removed = inner.entities.remove(&key).is_some();
                if inner.deleted.insert(key.clone()) {
                    inner.changes += 1;
                }
                self.touched.store(true, Ordering::Relaxed);
                if let Some((collection, _)) = key.rsplit_once('/') {
                    inner.deleted_in.insert(collection.to_owned());
                    if let Some(members) = inner.members.get_mut(collection) {
                        members.retain(|m| m != &key);
                    }
                }
                if removed {
                    Stored::Entity(204, Value::Null)
                } else {
                    Stored::Documented
                }
            }
            _ => Stored::Documented,
        }
    }

    /// Records what a POST to the collection at `path` created, from the documented 201
    /// answer and the request body: a fresh id, the request's properties over the documented
    /// ones. The created entity, to answer with.
    pub fn create(&self, path: &str, documented: &[u8], request: &[u8]) -> Option<Value> {
        let Ok(Value::Object(mut entity)) = serde_json::from_slice::<Value>(documented) else {
            return None;
        };
        if let Ok(Value::Object(sent)) = serde_json::from_slice::<Value>(request) {
            entity.extend(sent);
        }
        let id = fresh_id();
        entity.insert("id".to_owned(), Value::String(id.clone()));
        let collection = key(path);
        let member = format!("{collection}/{}", id.to_lowercase());
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.entities.insert(member.clone(), entity.clone());
        let members = inner.members.entry(collection).or_default();
        members.push(member);
        // A load test creates without end: the oldest are forgotten, so memory stays bounded.
        if members.len() > REMEMBERED {
            let oldest = members.remove(0);
            inner.entities.remove(&oldest);
            inner.changes += 1;
        }
        self.touched.store(true, Ordering::Relaxed);
        Some(Value::Object(entity))
    }

    /// The documented collection answer at `path` with the entities created in it appended to
    /// its `value` and the removed ones left out; `None` when nothing changed it. Like
    /// Graph, it pages: the first page holds the documented items and the first [`PAGE`]
    /// created ones, each further page (`$skiptoken=contract-created-N`, the next link's)
    /// the next [`PAGE`]. Answers stay small however much a client creates.
    pub fn list(
        &self,
        path: &str,
        query: Option<&str>,
        documented: &Bytes,
        own: &str,
    ) -> Option<Bytes> {
        if !self.touched.load(Ordering::Relaxed) {
            return None;
        }
        let collection = key(path);
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let created = inner.members.get(&collection).filter(|m| !m.is_empty());
        if created.is_none() && !inner.deleted_in.contains(&collection) {
            return None;
        }
        let offset = query.and_then(created_offset);
        let members = created.map_or(&[][..], Vec::as_slice);
        let start = offset.unwrap_or(0).min(members.len());
        let end = (start + PAGE).min(members.len());
        let more = end < members.len();
        // Only the route's own answer is cached: its bytes live as long as the mock.
        let cacheable = query.is_none_or(|q| created_offset(q).is_some() && !q.contains('&'));
        let cache_key = (collection.clone(), start, documented.as_ptr() as usize);
        if cacheable {
            let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(page) = pages.get(&cache_key) {
                if page.changes == inner.changes
                    && page.more == more
                    && page.members == members[start..end]
                {
                    return Some(page.body.clone());
                }
            }
        }
        let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(documented) else {
            return None;
        };
        let Some(Value::Array(items)) = body.get_mut("value") else {
            return None;
        };
        match offset {
            // A later page: created entities only.
            Some(_) => items.clear(),
            None => items.retain(|item| {
                let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
                !inner
                    .deleted
                    .contains(&format!("{collection}/{}", id.to_lowercase()))
            }),
        }
        items.extend(
            members[start..end]
                .iter()
                .filter_map(|member| inner.entities.get(member))
                .map(|entity| Value::Object(entity.clone())),
        );
        if more {
            body.insert(
                "@odata.nextLink".into(),
                Value::String(format!("{own}{path}?$skiptoken={CREATED}{end}")),
            );
        } else if offset.is_some() {
            body.remove("@odata.nextLink");
        }
        let bytes = Bytes::from(serde_json::to_vec(&body).ok()?);
        if cacheable {
            let page = Page {
                changes: inner.changes,
                members: members[start..end].to_vec(),
                more,
                body: bytes.clone(),
            };
            self.pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(cache_key, page);
        }
        Some(bytes)
    }
}

/// How many created entities one page of a collection holds.
pub const PAGE: usize = 10;

/// The skip token of the pages of created entities.
const CREATED: &str = "contract-created-";

/// `N` of `$skiptoken=contract-created-N`.
fn created_offset(query: &str) -> Option<usize> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let name = name.to_ascii_lowercase();
        (name == "$skiptoken" || name == "%24skiptoken")
            .then(|| value.strip_prefix(CREATED)?.parse().ok())
            .flatten()
    })
}

/// A fresh GUID (version 4, lowercase, hyphenated: .NET's `{0:D}`), the form Graph uses for
/// most entities and ApiDoctor for random file names.
pub(crate) fn fresh_id() -> String {
    let hex: String =
        std::iter::repeat_with(|| char::from_digit(fastrand::u32(0..16), 16).expect("a hex digit"))
            .take(32)
            .collect();
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        ['8', '9', 'a', 'b'][fastrand::usize(0..4)],
        &hex[17..20],
        &hex[20..32]
    )
}
