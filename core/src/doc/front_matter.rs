//! YAML front matter between `---` lines at the top of a page.

use serde::Deserialize;
use std::ops::Range;

/// Where a page's YAML front matter is. Nothing a run does reads it, so a page is parsed
/// without it (YAML was a quarter of parsing the corpus); [`FrontMatter::parse`] reads it when
/// asked, as lint does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterSpan {
    /// The YAML's byte range in the page's text (without the `---` lines).
    pub range: Range<usize>,
    /// The 1-based line the YAML starts on.
    pub line: usize,
}

/// The page metadata we use; other keys (author, ms.prod, …) are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FrontMatter {
    /// The page title.
    pub title: Option<String>,
    /// One-line description of the page.
    pub description: Option<String>,
    /// `apiPageType`, `resourcePageType`, …
    pub doc_type: Option<String>,
}

/// A front matter that is not YAML.
#[derive(Debug)]
pub struct FrontMatterError {
    /// What the YAML parser said.
    pub message: String,
    /// The 0-based line within the YAML.
    pub line: usize,
}

impl FrontMatter {
    /// Reads the YAML of a front matter (the text a [`FrontMatterSpan`] covers).
    pub fn parse(yaml: &str) -> Result<FrontMatter, FrontMatterError> {
        // Pages carry all kinds of values (numbers, lists); read loosely, keep the three we need.
        let value: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(yaml).map_err(|error| FrontMatterError {
                line: error.location().map_or(0, |l| l.line().saturating_sub(1)),
                message: error.to_string(),
            })?;
        let text = |key: &str| value.get(key).and_then(scalar_text);
        Ok(FrontMatter {
            title: text("title"),
            description: text("description"),
            doc_type: text("doc_type"),
        })
    }
}

fn scalar_text(value: &serde_yaml_ng::Value) -> Option<String> {
    match value {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Finds the front matter: returns where its YAML is and the byte offset where the Markdown
/// body begins. `None` when the page does not open with `---`.
pub(crate) fn split(text: &str) -> Option<(FrontMatterSpan, usize)> {
    let text_start = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &text[text_start..];
    let first_line_end = rest.find('\n')?;
    if rest[..first_line_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = text_start + first_line_end + 1;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let span = FrontMatterSpan {
                range: yaml_start..offset,
                line: 2,
            };
            return Some((span, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_the_closing_fence() {
        let text = "---\ntitle: x\n---\nbody";
        let (span, end) = split(text).unwrap();
        assert_eq!(&text[span.range], "title: x\n");
        assert_eq!(span.line, 2);
        assert_eq!(&text[end..], "body");
    }

    #[test]
    fn no_front_matter() {
        assert!(split("# Title\n---\n").is_none());
        assert!(split("---\nnever closed\n").is_none());
    }
}
