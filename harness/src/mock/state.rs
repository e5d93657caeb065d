//! What `contract mock` remembers of what clients create, as json-server does: a POST that
//! the docs answer 201 creates an entity (the documented answer with the request's
//! properties and a fresh id), a GET of it returns it, PATCH and PUT change it, DELETE removes
//! it (a GET then gets 404), and its collection lists it after the documented items.
//!
//! Entities are kept by their path (lowercased, version included), so `/me/events/{id}` and
//! `/users/{id}/events/{id}` are different entities, as they are to a client.

use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// How many created entities a collection remembers; past that the oldest is forgotten.
pub const REMEMBERED: usize = 1000;

/// The entities clients made, changed and removed.
#[derive(Debug, Default)]
pub struct Store {
    inner: Mutex<Inner>,
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
        let method = method.to_ascii_uppercase();
        if !self.touched.load(Ordering::Relaxed) && method != "DELETE" {
            return Stored::Documented;
        }
        let key = key(path);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.deleted.contains(&key) {
            return Stored::Gone;
        }
        match method.as_str() {
            "GET" => match inner.entities.get(&key) {
                Some(entity) => Stored::Entity(200, Value::Object(entity.clone())),
                None => Stored::Documented,
            },
            "PATCH" | "PUT" => {
                let Some(entity) = inner.entities.get_mut(&key) else {
                    return Stored::Documented;
                };
                if let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(body) {
                    if method == "PUT" {
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
                Stored::Entity(200, Value::Object(entity.clone()))
            }
            "DELETE" => {
                let removed = inner.entities.remove(&key).is_some();
                inner.deleted.insert(key.clone());
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
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.entities.insert(member.clone(), entity.clone());
        let members = inner.members.entry(collection).or_default();
        members.push(member);
        // A load test creates without end: the oldest are forgotten, so memory stays bounded.
        if members.len() > REMEMBERED {
            let oldest = members.remove(0);
            inner.entities.remove(&oldest);
        }
        self.touched.store(true, Ordering::Relaxed);
        Some(Value::Object(entity))
    }

    /// The documented collection answer at `path` with the entities created in it appended to
    /// its `value`, and the removed ones left out; `None` when nothing changed it.
    pub fn list(&self, path: &str, documented: &[u8]) -> Option<Vec<u8>> {
        if !self.touched.load(Ordering::Relaxed) {
            return None;
        }
        let collection = key(path);
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let created = inner.members.get(&collection).filter(|m| !m.is_empty());
        if created.is_none() && !inner.deleted_in.contains(&collection) {
            return None;
        }
        let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(documented) else {
            return None;
        };
        let Some(Value::Array(items)) = body.get_mut("value") else {
            return None;
        };
        items.retain(|item| {
            let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
            !inner
                .deleted
                .contains(&format!("{collection}/{}", id.to_lowercase()))
        });
        for member in created.into_iter().flatten() {
            if let Some(entity) = inner.entities.get(member) {
                items.push(Value::Object(entity.clone()));
            }
        }
        serde_json::to_vec(&body).ok()
    }
}

/// A fresh id, in the GUID form Graph uses for most entities.
fn fresh_id() -> String {
    let hex: String =
        std::iter::repeat_with(|| char::from_digit(fastrand::u32(0..16), 16).expect("a hex digit"))
            .take(32)
            .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
