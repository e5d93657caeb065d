//! What `contract mock` remembers of what clients create, as json-server does: a POST that
//! the docs answer 201 creates an entity (the documented answer with the request's
//! properties and a fresh id), a GET of it returns it, PATCH and PUT change it, DELETE removes
//! it (a GET then gets 404), and its collection lists it after the documented items.
//!
//! Entities are kept by their path (lowercased, version included), so `/me/events/{id}` and
//! `/users/{id}/events/{id}` are different entities, as they are to a client.

use super::made::Made;
use super::MockAnswer;
use crate::http::Method;
use axum::body::Bytes;
use serde_json::{Map, Value};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

type Fast = super::FastHash;

/// A request's path and, the first time the store needs them, its key ([`key`]) and its
/// mark ([`Marked`]): made once per request however often the store looks.
#[derive(Debug)]
pub struct Address<'a> {
    path: &'a str,
    key: OnceCell<String>,
    mark: OnceCell<Option<u64>>,
}

impl<'a> Address<'a> {
    /// The address of a request to `path` (percent-encoded, as received).
    pub fn new(path: &'a str) -> Address<'a> {
        Address {
            path,
            key: OnceCell::new(),
            mark: OnceCell::new(),
        }
    }

    fn key(&self) -> &str {
        self.key.get_or_init(|| key(self.path))
    }

    /// The mark of [`key`] of this path, made without making the key.
    fn mark(&self) -> Option<u64> {
        *self.mark.get_or_init(|| {
            mark_of(percent_encoding::percent_decode_str(
                self.path.trim_end_matches('/'),
            ))
        })
    }
}

/// Addresses the store holds something at (an entity, a removal, a collection's created
/// members), as a filter that may wrongly say "perhaps" but never wrongly "no": a request to
/// an address nothing was made at — nearly every request — leaves without a lock or an
/// allocation. One bit per address hash; bits are never cleared, so a long load test drifts
/// towards "perhaps", which is only the cost of a lookup.
#[derive(Debug)]
struct Marked {
    bits: Box<[AtomicU64]>,
}

/// The filter's size in bits (128 KiB): about 2 % says "perhaps" wrongly after 20,000
/// addresses.
const MARKS: u64 = 1 << 20;

impl Default for Marked {
    fn default() -> Marked {
        Marked {
            bits: (0..MARKS / 64).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl Marked {
    /// Notes something at the address whose key is `key`.
    fn mark(&self, key: &str) {
        if let Some(mark) = mark_of(key.bytes()) {
            let bit = mark % MARKS;
            self.bits[(bit / 64) as usize].fetch_or(1 << (bit % 64), Ordering::Release);
        }
    }

    /// False when nothing was ever stored at `address`.
    fn perhaps(&self, address: &Address) -> bool {
        let Some(mark) = address.mark() else {
            return true;
        };
        let bit = mark % MARKS;
        self.bits[(bit / 64) as usize].load(Ordering::Acquire) & (1 << (bit % 64)) != 0
    }
}

/// FNV-1a of a key's bytes, ASCII lowercased as [`key`] lowercases them; `None` for a key that
/// is not ASCII (Unicode lowercasing is [`key`]'s alone: such an address is always looked up).
fn mark_of(bytes: impl Iterator<Item = u8>) -> Option<u64> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        if !byte.is_ascii() {
            return None;
        }
        hash = (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
    }
    Some(hash)
}

/// How many created entities a collection remembers; past that the oldest is forgotten.
pub const REMEMBERED: usize = 1000;

/// The entities clients made, changed and removed.
#[derive(Debug, Default)]
pub struct Store {
    inner: RwLock<Inner>,
    /// Pages answered, by collection and query: a page asked for again unchanged is not
    /// built again.
    pages: Made<Page>,
    /// Where anything was created or removed: requests elsewhere get the documented answer
    /// without a lookup.
    marked: Marked,
}

#[derive(Debug, Default)]
struct Inner {
    /// Entity path → the entity as sent: JSON, serialised once, so a GET of it is a copy of
    /// a pointer and a load test's thousands of creations stay small.
    entities: HashMap<String, Bytes, Fast>,
    /// Collection path → the paths of the entities created in it, in order.
    members: HashMap<String, Vec<String>, Fast>,
    /// Paths of entities removed: documented ones stay removed too.
    deleted: HashSet<String, Fast>,
    /// Collections an entity was removed from.
    deleted_in: HashSet<String, Fast>,
    /// Counts the changes that can alter a page already answered: a change to or removal of
    /// an entity, a creation that pushes the oldest out. A creation alone does not: it lands
    /// on the last page.
    changes: u64,
}

/// What a page of a collection was made of.
#[derive(Debug)]
struct Page {
    changes: u64,
    members: Vec<String>,
    more: bool,
    /// The documented answer it was made from (a query may shape it differently each time).
    documented: Bytes,
    /// The mock's address as the client gave it, in the next link.
    own: String,
}

/// What the store makes of a request, before (or instead of) the documented answer.
#[derive(Debug, PartialEq)]
pub enum Stored {
    /// An entity it holds (JSON; empty for `204`): answer it with this status.
    Entity(u16, Bytes),
    /// The entity was removed: 404.
    Gone,
    /// Nothing stored here: the documented answer.
    Documented,
}

/// `/v1.0/me/events/` → `/v1.0/me/events`, decoded and lowercased: one key per address.
/// Every request pays for this once anything is stored: one allocation, as a rule.
pub fn key(path: &str) -> String {
    let decoded: Vec<u8> =
        percent_encoding::percent_decode_str(path.trim_end_matches('/')).collect();
    match String::from_utf8(decoded) {
        Ok(mut key) if key.is_ascii() => {
            key.make_ascii_lowercase();
            key
        }
        Ok(key) => key.to_lowercase(),
        Err(bytes) => String::from_utf8_lossy(bytes.as_bytes()).to_lowercase(),
    }
}

impl Store {
    /// A stored entity's answer to GET, PATCH, PUT or DELETE of `path`.
    pub fn before(&self, method: &str, address: &Address, body: &[u8]) -> Stored {
        // Parsed, not upper-cased: no allocation on every request.
        let Some(method) = Method::parse(method) else {
            return Stored::Documented;
        };
        if method != Method::Delete && !self.marked.perhaps(address) {
            return Stored::Documented;
        }
        let key = address.key();
        if method == Method::Get {
            // Reads share the store; only changes wait for each other.
            let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
            if inner.deleted.contains(key) {
                return Stored::Gone;
            }
            return match inner.entities.get(key) {
                Some(entity) => Stored::Entity(200, entity.clone()),
                None => Stored::Documented,
            };
        }
        if !matches!(method, Method::Patch | Method::Put | Method::Delete) {
            // A POST (an action, a creation) of a removed entity: only a read of the store.
            let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
            return match inner.deleted.contains(key) {
                true => Stored::Gone,
                false => Stored::Documented,
            };
        }
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.deleted.contains(key) {
            return Stored::Gone;
        }
        match method {
            Method::Patch | Method::Put => {
                let Some(stored) = inner.entities.get_mut(key) else {
                    return Stored::Documented;
                };
                let Ok(Value::Object(mut entity)) = serde_json::from_slice::<Value>(stored) else {
                    return Stored::Entity(200, stored.clone());
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
                *stored = Bytes::from(serde_json::to_vec(&entity).expect("JSON serialises"));
                let changed = stored.clone();
                inner.changes += 1;
                Stored::Entity(200, changed)
            }
            Method::Delete => {
                let removed = inner.entities.remove(key).is_some();
                if inner.deleted.insert(key.to_owned()) {
                    inner.changes += 1;
                }
                self.marked.mark(key);
                if let Some((collection, _)) = key.rsplit_once('/') {
                    self.marked.mark(collection);
                    inner.deleted_in.insert(collection.to_owned());
                    if let Some(members) = inner.members.get_mut(collection) {
                        members.retain(|m| m != key);
                    }
                }
                if removed {
                    Stored::Entity(204, Bytes::new())
                } else {
                    Stored::Documented
                }
            }
            _ => Stored::Documented,
        }
    }

    /// Records what a POST to the collection at `path` created, from the documented 201
    /// answer (parsed once per route) and the request body: a fresh id, the request's
    /// properties over the documented ones, in the documented order. The created entity's id
    /// and JSON, to answer with.
    pub fn create(
        &self,
        address: &Address,
        documented: &Object,
        request: &[u8],
    ) -> (String, Bytes) {
        let sent = match serde_json::from_slice::<Value>(request) {
            Ok(Value::Object(sent)) => sent,
            _ => Map::new(),
        };
        let id = fresh_id();
        let entity = merged(documented, &sent, &id);
        let collection = address.key().to_owned();
        // The id is lowercase already.
        let member = format!("{collection}/{id}");
        self.marked.mark(&collection);
        self.marked.mark(&member);
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
        (id, entity)
    }

    /// The documented collection answer at `path` with the entities created in it appended to
    /// its `value` and the removed ones left out; `None` when nothing changed it. Like
    /// Graph, it pages: the first page holds the documented items and the first [`PAGE`]
    /// created ones, each further page (`$skiptoken=contract-created-N`, the next link's)
    /// the next [`PAGE`]. Answers stay small however much a client creates, and a page asked
    /// for again unchanged goes out as built.
    pub fn list(
        &self,
        address: &Address,
        query: Option<&str>,
        documented: &MockAnswer,
        own: &str,
    ) -> Option<Arc<MockAnswer>> {
        if !self.marked.perhaps(address) {
            return None;
        }
        let (path, collection) = (address.path, address.key());
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let created = inner.members.get(collection).filter(|m| !m.is_empty());
        if created.is_none() && !inner.deleted_in.contains(collection) {
            return None;
        }
        let offset = query.and_then(created_offset);
        let members = created.map_or(&[][..], Vec::as_slice);
        let start = offset.unwrap_or(0).min(members.len());
        let end = (start + PAGE).min(members.len());
        let more = end < members.len();
        let query = query.unwrap_or_default();
        let shown = &members[start..end];
        let unchanged = |page: &Page| {
            page.changes == inner.changes
                && page.more == more
                && page.members == shown
                && page.documented == documented.body
                && page.own == own
        };
        if let Some(answer) = self.pages.get(collection, query, unchanged) {
            return Some(answer);
        }
        let mut body = page_body(&inner, collection, documented, offset, shown)?;
        if more {
            body.insert(
                "@odata.nextLink".into(),
                Value::String(format!("{own}{path}?$skiptoken={CREATED}{end}")),
            );
        } else if offset.is_some() {
            body.remove("@odata.nextLink");
        }
        // Built for this address: the server need not look at its links again.
        super::links::point_at_mock(&mut body, path, Some(query).filter(|q| !q.is_empty()), own);
        let mut answer = MockAnswer::new(
            documented.status,
            documented.headers.clone(),
            Bytes::from(serde_json::to_vec(&body).ok()?),
            documented.case_id.clone(),
        );
        answer.note = Some("with what clients created".into());
        answer.links = false;
        let answer = Arc::new(answer);
        let page = Page {
            changes: inner.changes,
            members: shown.to_vec(),
            more,
            documented: documented.body.clone(),
            own: own.to_owned(),
        };
        self.pages.keep(collection, query, page, answer.clone());
        Some(answer)
    }
}

/// The documented collection answer with `shown`, created members of `collection`, in its
/// `value`: after the documented items not removed on the first page (`offset` `None`),
/// alone on a later one.
fn page_body(
    inner: &Inner,
    collection: &str,
    documented: &MockAnswer,
    offset: Option<usize>,
    shown: &[String],
) -> Option<Map<String, Value>> {
    let mut body = documented.object()?.properties.clone();
    let Some(Value::Array(items)) = body.get_mut("value") else {
        return None;
    };
    match offset {
        Some(_) => items.clear(),
        None => items.retain(|item| {
            let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
            !inner
                .deleted
                .contains(&format!("{collection}/{}", id.to_lowercase()))
        }),
    }
    items.extend(
        shown
            .iter()
            .filter_map(|member| inner.entities.get(member))
            .filter_map(|entity| serde_json::from_slice::<Value>(entity).ok()),
    );
    Some(body)
}

/// A documented answer that is a JSON object, read once for all the entities created from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Object {
    /// Its properties.
    pub(crate) properties: Map<String, Value>,
    /// Each property serialised (`"name":value`), in order: a creation copies these bytes
    /// instead of serialising the documented entity again.
    serialised: Vec<Bytes>,
}

impl Object {
    /// `body` read, when it is a JSON object.
    pub(crate) fn parse(body: &[u8]) -> Option<Object> {
        let Ok(Value::Object(properties)) = serde_json::from_slice(body) else {
            return None;
        };
        let serialised = properties
            .iter()
            .map(|(name, value)| {
                let mut member = serde_json::to_vec(name).expect("a string serialises");
                member.push(b':');
                serde_json::to_writer(&mut member, value).expect("JSON serialises");
                Bytes::from(member)
            })
            .collect();
        Some(Object {
            properties,
            serialised,
        })
    }
}

/// `documented` with `sent`'s properties over its own and `id` as its id, in the documented
/// order: the documented properties are copied as serialised, only what was sent is
/// serialised here.
fn merged(documented: &Object, sent: &Map<String, Value>, id: &str) -> Bytes {
    let mut out =
        Vec::with_capacity(documented.serialised.iter().map(Bytes::len).sum::<usize>() + 64);
    let property = |out: &mut Vec<u8>, name: &str, value: &Value| {
        serde_json::to_writer(&mut *out, name).expect("a string serialises");
        out.push(b':');
        serde_json::to_writer(out, value).expect("JSON serialises");
    };
    let id = Value::String(id.to_owned());
    out.push(b'{');
    let properties = documented.properties.iter().zip(&documented.serialised);
    for (index, ((name, _), serialised)) in properties.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        match (name.as_str(), sent.get(name)) {
            ("id", _) => property(&mut out, name, &id),
            (_, Some(value)) => property(&mut out, name, value),
            (_, None) => out.extend_from_slice(serialised),
        }
    }
    let added = sent
        .iter()
        .filter(|(name, _)| *name != "id" && !documented.properties.contains_key(*name))
        .map(|(name, value)| (name.as_str(), value))
        .chain((!documented.properties.contains_key("id")).then_some(("id", &id)));
    for (name, value) in added {
        if out.len() > 1 {
            out.push(b',');
        }
        property(&mut out, name, value);
    }
    out.push(b'}');
    Bytes::from(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        Object::parse(&serde_json::to_vec(&value).unwrap()).expect("an object")
    }

    #[test]
    fn a_created_entity_keeps_the_documented_order_with_the_sent_values_and_a_fresh_id() {
        let documented =
            object(json!({"id": "documented", "subject": "Doc", "start": {"dateTime": "x"}}));
        let sent = json!({"subject": "Mine", "id": "mine", "location": {"displayName": "Here"}});
        let Value::Object(sent) = sent else {
            unreachable!()
        };
        let entity = merged(&documented, &sent, "fresh");
        // Byte for byte: the order a client sees is the documented one, then what it added.
        assert_eq!(
            std::str::from_utf8(&entity).unwrap(),
            r#"{"id":"fresh","subject":"Mine","start":{"dateTime":"x"},"location":{"displayName":"Here"}}"#
        );
    }

    #[test]
    fn an_entity_documented_without_an_id_gets_one_at_the_end() {
        let entity = merged(&object(json!({})), &Map::new(), "fresh");
        assert_eq!(&entity[..], br#"{"id":"fresh"}"#);
        let Value::Object(sent) = json!({"a": "\"quoted\""}) else {
            unreachable!()
        };
        let entity = merged(&object(json!({"b": 1})), &sent, "fresh");
        let parsed: Value = serde_json::from_slice(&entity).expect("valid JSON");
        assert_eq!(parsed, json!({"b": 1, "a": "\"quoted\"", "id": "fresh"}));
    }

    #[test]
    fn an_address_is_one_key_however_it_is_spelt() {
        assert_eq!(key("/v1.0/Me/Events/"), "/v1.0/me/events");
        assert_eq!(
            key("/v1.0/me/drive/root:%2FA%20b.txt:"),
            "/v1.0/me/drive/root:/a b.txt:"
        );
        assert_eq!(key("/v1.0/users/ÄB"), "/v1.0/users/äb");
    }

    #[test]
    fn a_page_is_built_again_when_its_documented_answer_changes() {
        let store = Store::default();
        let documented = |subject: &str| {
            let body = json!({"value": [{"id": "1", "subject": subject}]});
            MockAnswer::new(
                200,
                Vec::new(),
                serde_json::to_vec(&body).unwrap().into(),
                None,
            )
        };
        let created = object(json!({"id": "x", "subject": "created"}));
        store.create(&Address::new("/v1.0/me/events"), &created, b"{}");
        let subjects = |answer: &MockAnswer| -> Vec<String> {
            let body: Value = serde_json::from_slice(&answer.body).unwrap();
            body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["subject"].as_str().unwrap().to_owned())
                .collect()
        };
        let list = |subject| {
            let events = Address::new("/v1.0/me/events");
            store
                .list(&events, None, &documented(subject), "http://127.0.0.1:1")
                .unwrap()
        };
        let first = list("one");
        assert_eq!(subjects(&first), ["one", "created"]);
        let again = list("one");
        assert!(
            Arc::ptr_eq(&first, &again),
            "an unchanged page is not built again"
        );
        let other = list("two");
        assert_eq!(subjects(&other), ["two", "created"]);
    }

    #[test]
    fn the_next_link_of_a_page_is_on_the_address_the_client_used() {
        let store = Store::default();
        let documented = MockAnswer::new(
            200,
            Vec::new(),
            Bytes::from_static(br#"{"value":[]}"#),
            None,
        );
        let created = object(json!({"id": "x"}));
        for _ in 0..=PAGE {
            store.create(&Address::new("/v1.0/me/events"), &created, b"{}");
        }
        for own in ["http://127.0.0.1:1", "http://localhost:1"] {
            let page = store
                .list(&Address::new("/v1.0/me/events"), None, &documented, own)
                .unwrap();
            let body: Value = serde_json::from_slice(&page.body).unwrap();
            let next = body["@odata.nextLink"].as_str().unwrap();
            assert_eq!(
                next,
                format!("{own}/v1.0/me/events?$skiptoken={CREATED}{PAGE}")
            );
        }
    }

    #[test]
    fn an_address_is_marked_however_it_is_spelt() {
        let marked = Marked::default();
        assert!(
            !marked.perhaps(&Address::new("/v1.0/me/events")),
            "nothing marked yet"
        );
        marked.mark(&key("/v1.0/Me/Events/%7Bid%7D"));
        for spelt in [
            "/v1.0/me/events/{id}",
            "/v1.0/ME/events/%7BID%7D/",
            "/v1.0/me/events/%7bid%7d",
        ] {
            assert!(marked.perhaps(&Address::new(spelt)), "{spelt}");
        }
        assert!(!marked.perhaps(&Address::new("/v1.0/me/events/{id}/attachments")));
        // Unicode lowercasing is the key's: such an address is always looked up.
        assert_eq!(Address::new("/v1.0/users/ÄB").mark(), None);
        assert!(marked.perhaps(&Address::new("/v1.0/users/%C3%84B")));
    }

    #[test]
    fn a_removal_and_a_creation_are_found_by_every_spelling_of_their_address() {
        let store = Store::default();
        let before = |method, path: &str| store.before(method, &Address::new(path), b"");
        assert_eq!(before("GET", "/v1.0/me/events/1"), Stored::Documented);
        assert_eq!(before("DELETE", "/v1.0/me/events/1"), Stored::Documented);
        assert_eq!(before("GET", "/v1.0/Me/Events/1/"), Stored::Gone);
        let (id, entity) =
            store.create(&Address::new("/v1.0/ME/events"), &object(json!({})), b"{}");
        let upper = format!("/v1.0/me/events/{}", id.to_uppercase());
        assert_eq!(before("GET", &upper), Stored::Entity(200, entity));
    }
}
