//! Answers made from a documented one for one address — a page with what clients created,
//! paging links pointed at the mock — kept to be sent again as they are while what they were
//! made from is unchanged: they take the server's prepared path instead of a parse and a
//! serialisation per request.

use super::{FastHash, MockAnswer};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// How many answers are kept. Clients choose the addresses and queries: past this many, the
/// kept ones are dropped and made again as they are asked for.
const KEPT: usize = 4096;

/// Answers by path and query, each with `T`, what it was made from.
#[derive(Debug)]
pub(super) struct Made<T> {
    kept: RwLock<Kept<T>>,
}

#[derive(Debug)]
struct Kept<T> {
    by_path: HashMap<String, ByQuery<T>, FastHash>,
    count: usize,
}

/// The answers kept for one path, by query, each with what it was made from.
type ByQuery<T> = HashMap<String, (T, Arc<MockAnswer>), FastHash>;

impl<T> Default for Made<T> {
    fn default() -> Made<T> {
        Made {
            kept: RwLock::new(Kept {
                by_path: HashMap::default(),
                count: 0,
            }),
        }
    }
}

impl<T> Made<T> {
    /// The answer kept for `path` and `query`, when what it was made from is `unchanged`.
    pub(super) fn get(
        &self,
        path: &str,
        query: &str,
        unchanged: impl FnOnce(&T) -> bool,
    ) -> Option<Arc<MockAnswer>> {
        let kept = self.kept.read().unwrap_or_else(|e| e.into_inner());
        let (from, answer) = kept.by_path.get(path)?.get(query)?;
        unchanged(from).then(|| answer.clone())
    }

    /// Keeps `answer`, made from `from`, for `path` and `query`.
    pub(super) fn keep(&self, path: &str, query: &str, from: T, answer: Arc<MockAnswer>) {
        let mut kept = self.kept.write().unwrap_or_else(|e| e.into_inner());
        let again = kept
            .by_path
            .get(path)
            .is_some_and(|q| q.contains_key(query));
        if !again && kept.count >= KEPT {
            kept.by_path.clear();
            kept.count = 0;
        }
        let replaced = kept
            .by_path
            .entry(path.to_owned())
            .or_default()
            .insert(query.to_owned(), (from, answer));
        if replaced.is_none() {
            kept.count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &'static str) -> Arc<MockAnswer> {
        Arc::new(MockAnswer::new(200, Vec::new(), body.into(), None))
    }

    #[test]
    fn an_answer_is_given_again_only_while_what_it_was_made_from_is_unchanged() {
        let made = Made::<u32>::default();
        assert!(made.get("/a", "", |_| true).is_none());
        made.keep("/a", "", 1, answer("one"));
        assert_eq!(made.get("/a", "", |from| *from == 1).unwrap().body, "one");
        assert!(made.get("/a", "", |from| *from == 2).is_none());
        assert!(
            made.get("/a", "$top=1", |_| true).is_none(),
            "another query"
        );
    }

    #[test]
    fn past_the_limit_the_kept_answers_are_dropped() {
        let made = Made::<()>::default();
        for n in 0..KEPT {
            made.keep("/a", &n.to_string(), (), answer("x"));
        }
        made.keep("/a", "0", (), answer("again"));
        assert!(
            made.get("/a", "1", |_| true).is_some(),
            "replacing one does not count"
        );
        made.keep("/b", "", (), answer("new"));
        assert!(made.get("/a", "1", |_| true).is_none());
        assert!(made.get("/b", "", |_| true).is_some());
    }
}
