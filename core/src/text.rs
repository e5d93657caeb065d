//! Small text tools every stage needs: byte offset → line, shortening for messages, and what
//! names an API version.

use std::borrow::Cow;

/// Maps byte offsets in one text to 1-based line numbers, by binary search over line starts
/// (a scan from the start per lookup costs seconds on a 3 MB CSDL file).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`'s line starts.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        // memchr: `match_indices` took a tenth of parsing the corpus.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (a newline belongs to the line it ends).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// True for a path segment (or folder name) that names an API version: `v1.0`, `beta`, `v2`.
pub fn is_version(segment: &str) -> bool {
    segment == "beta"
        || segment.strip_prefix('v').is_some_and(|v| {
            !v.is_empty()
                && v.starts_with(|c: char| c.is_ascii_digit())
                && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
}

/// `text` cut to at most `max_chars` characters, with `…` appended when something was cut.
pub fn shorten(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((index, _)) => Cow::Owned(format!("{}…", &text[..index])),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines() {
        let index = LineIndex::new("ab\ncd\n\nef");
        let lines: Vec<usize> = (0..9).map(|o| index.line(o)).collect();
        assert_eq!(lines, [1, 1, 1, 2, 2, 2, 3, 4, 4]);
    }

    #[test]
    fn shortening_counts_characters_and_marks_the_cut() {
        assert_eq!(shorten("héllo", 5), "héllo");
        assert!(matches!(shorten("héllo", 5), Cow::Borrowed(_)));
        assert_eq!(shorten("héllo", 2), "hé…");
        assert_eq!(shorten("", 0), "");
    }
}
