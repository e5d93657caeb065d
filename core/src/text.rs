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
        // memchr finds newlines several times faster than `match_indices`; a CSDL file is
        // megabytes.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (a newline belongs to the line it ends).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Maps byte offsets in one text to 1-based line numbers by counting newlines from the last
/// offset asked about: for a parser that asks in (nearly) increasing order, where indexing every
/// line start first was a tenth of parsing a page.
#[derive(Debug, Clone)]
pub struct LineCursor<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `text` (line 1).
    pub fn new(text: &'a str) -> Self {
        LineCursor {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line holding byte `offset` (a newline belongs to the line it ends).
    pub fn line(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        // A plain byte count, which the compiler vectorises.
        let newlines = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'\n').count();
        if offset >= self.offset {
            self.line += newlines(&self.text[self.offset..offset]);
        } else {
            self.line -= newlines(&self.text[offset..self.offset]);
        }
        self.offset = offset;
        self.line
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

/// `path` relative to `root`, with `/` between components whatever the platform: how pages
/// and scenario files are named in every message and report.
pub fn relative(root: &std::path::Path, path: &std::path::Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .iter()
        .map(|c| c.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lower-case, with every run of other characters than `a-z0-9` replaced by one `_`: the
/// parts of a case id.
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug
}

/// ` (did you mean `x`?)` when a known name is close to `name`, else nothing.
pub fn suggestion<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .map(|k| (strsim::jaro_winkler(k, name), k))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// Up to `count` of `known` closest to `name`, closest first: for a message that lists what
/// was probably meant when no single name is close enough for [`suggestion`].
pub fn nearest<'a>(name: &str, known: impl Iterator<Item = &'a str>, count: usize) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = known
        .map(|k| {
            (
                strsim::jaro_winkler(&k.to_lowercase(), &name.to_lowercase()),
                k,
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(count).map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_cursor_agrees_with_the_index_forwards_and_backwards() {
        let text = "a\nbc\n\nd\r\ne";
        let index = LineIndex::new(text);
        let mut cursor = LineCursor::new(text);
        let offsets = [0, 1, 2, 5, 6, 3, 0, 9, 10, 4, 11, 99];
        for offset in offsets {
            assert_eq!(
                cursor.line(offset),
                index.line(offset.min(text.len())),
                "offset {offset}"
            );
        }
    }

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
