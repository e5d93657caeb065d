//! Markdown page → annotated blocks.
//!
//! A page is YAML front matter, prose, and fenced code blocks; a block that matters to us is
//! preceded by an HTML comment holding a JSON annotation (`<!-- { "blockType": "request" } -->`).
//! This stage knows nothing of HTTP: it hands the blocks, with their source lines, to `case`.

mod annotation;
mod front_matter;
mod tables;

pub use annotation::{Annotation, BlockType, Expectations};
pub use front_matter::{FrontMatter, FrontMatterError, FrontMatterSpan};
pub use tables::{tables, Row, Table};

use crate::finding::{Finding, Rule};
use crate::text::LineCursor;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One Markdown page, parsed.
#[derive(Debug, Clone)]
pub struct Page {
    /// The path the page was read from, as it should appear in messages.
    pub file: String,
    /// Where the YAML front matter is, when the page has one (read it with
    /// [`FrontMatter::parse`]).
    pub front_matter: Option<FrontMatterSpan>,
    /// Every fenced code block, in page order, annotated or not.
    pub blocks: Vec<Block>,
    /// Problems met while parsing (unreadable annotations).
    pub findings: Vec<Finding>,
}

/// A fenced code block and the annotation just before it.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// 1-based line of the first line of content (the line after the fence).
    pub content_line: usize,
    /// The block's text, with list indentation removed, as the Markdown parser gives it.
    pub content: String,
    /// The annotation, when one precedes the block and could be read.
    pub annotation: Option<Annotation>,
    /// 1-based line where the annotation's JSON starts, when a comment precedes the block
    /// (set even when the annotation could not be read).
    pub annotation_line: Option<usize>,
}

impl Block {
    /// The annotation's block type, `None` for an unannotated block.
    pub fn block_type(&self) -> Option<&BlockType> {
        self.annotation.as_ref().map(|a| &a.block_type)
    }
}

/// Parses one page. Never fails: whatever cannot be read becomes a finding and the rest of the
/// page is still reported.
pub fn parse_page(file: &str, text: &str) -> Page {
    let mut findings = Vec::new();
    let mut lines = LineCursor::new(text);
    let (front_matter, body_start) =
        front_matter::split(text).map_or((None, 0), |(span, end)| (Some(span), end));

    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let markdown = &text[body_start..];
    // No extensions: tables hold no code blocks, and reading them as paragraphs finds the same
    // blocks (identical cases and lint over the 3,341 corpus pages) for an eighth less work.
    let parser = Parser::new_ext(markdown, Options::empty()).into_offset_iter();
    for (event, range) in parser {
        let start = range.start + body_start;
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                let comment = annotation::preceding(text, start, body_start);
                let annotation_line = comment.as_ref().map(|c| lines.line(c.offset));
                let line = lines.line(start);
                let annotation = comment.map(|comment| {
                    Annotation::parse(comment.json).map_err(|error| {
                        findings.push(Finding::new(
                            Rule::AnnotationSyntax,
                            file,
                            annotation_line.unwrap_or(line) + error.line - 1,
                            format!(
                                "annotation is not readable JSON: {} (column {}); the block below is reported without it",
                                error.message, error.column
                            ),
                        ))
                    })
                });
                current = Some(Block {
                    line,
                    content_line: line + 1,
                    content: String::new(),
                    annotation: annotation.and_then(Result::ok),
                    annotation_line,
                });
            }
            Event::Text(text) if current.is_some() => {
                if let Some(block) = current.as_mut() {
                    block.content.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = current.take() {
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    Page {
        file: file.to_owned(),
        front_matter,
        blocks,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        parse_page("page.md", text)
    }

    #[test]
    fn front_matter_is_found_and_read_on_demand() {
        let text = "---\ntitle: \"Get user\"\ndescription: Reads a user.\ndoc_type: apiPageType\n---\n# Get\n";
        let page = page(text);
        let span = page.front_matter.unwrap();
        assert_eq!(span.line, 2);
        let front = FrontMatter::parse(&text[span.range]).unwrap();
        assert_eq!(front.title.as_deref(), Some("Get user"));
        assert_eq!(front.description.as_deref(), Some("Reads a user."));
        assert_eq!(front.doc_type.as_deref(), Some("apiPageType"));
        assert!(page.findings.is_empty());
    }

    #[test]
    fn bad_front_matter_does_not_stop_the_page() {
        // Lint reports it (`front-matter`); the run needs none of it.
        let page = page("---\ntitle: ok\ndescription: [unclosed\n---\n```http\nGET /me\n```\n");
        assert!(page.front_matter.is_some());
        assert!(page.findings.is_empty());
        assert_eq!(page.blocks.len(), 1);
    }

    #[test]
    fn annotation_before_fence_is_attached() {
        let page = page("Text.\n<!-- {\n  \"blockType\": \"request\",\n  \"name\": \"get_me\"\n}\n-->\n```http\nGET /me\n```\n");
        assert_eq!(page.blocks.len(), 1);
        let block = &page.blocks[0];
        assert_eq!(block.line, 7);
        assert_eq!(block.content, "GET /me\n");
        let annotation = block.annotation.as_ref().unwrap();
        assert_eq!(annotation.block_type, BlockType::Request);
        assert_eq!(annotation.name.as_deref(), Some("get_me"));
    }

    #[test]
    fn annotation_with_trailing_comma_and_comment_is_read() {
        let page = page("<!-- {\n  // a note\n  \"blockType\": \"response\",\n  \"truncated\": true,\n} -->\n```\nHTTP/1.1 200 OK\n```\n");
        let annotation = page.blocks[0].annotation.as_ref().unwrap();
        assert_eq!(annotation.block_type, BlockType::Response);
        assert!(annotation.expect.truncated);
        // Read; lint says it is lenient (a page rule: it changes nothing that runs).
        assert!(!annotation.strict);
        assert!(page.findings.is_empty());
    }

    #[test]
    fn unreadable_annotation_is_a_finding_and_the_block_is_kept() {
        let page = page("# T\n<!-- {\n  \"blockType\": \"request\"\n  \"name\": \"x\"\n} -->\n```http\nGET /me\n```\n");
        assert_eq!(page.blocks.len(), 1);
        assert!(page.blocks[0].annotation.is_none());
        assert_eq!(page.findings.len(), 1);
        assert_eq!(page.findings[0].rule, "annotation-syntax");
        assert_eq!(page.findings[0].line, 4, "{}", page.findings[0]);
    }

    #[test]
    fn fence_without_language_and_comment_far_away() {
        let page = page("<!-- { \"blockType\": \"request\" } -->\n\nSome prose in between.\n\n```\nGET /me\n```\n");
        assert!(page.blocks[0].annotation.is_none(), "prose separates them");
    }

    #[test]
    fn fence_inside_a_list_loses_its_indentation() {
        let page = page("1. Call:\n\n   <!-- { \"blockType\": \"request\" } -->\n   ```http\n   GET /me\n   ```\n");
        assert_eq!(page.blocks[0].content, "GET /me\n");
        assert_eq!(page.blocks[0].line, 4);
        assert!(page.blocks[0].annotation.is_some());
    }

    #[test]
    fn unknown_block_types_are_kept() {
        let page = page("<!-- { \"blockType\": \"sample\" } -->\n```json\n{}\n```\n");
        assert_eq!(
            page.blocks[0].block_type(),
            Some(&BlockType::Other("sample".into()))
        );
    }

    #[test]
    fn crlf_pages_parse() {
        let page =
            page("<!-- {\r\n \"blockType\": \"request\"\r\n} -->\r\n```http\r\nGET /me\r\n```\r\n");
        assert_eq!(page.blocks[0].block_type(), Some(&BlockType::Request));
        assert_eq!(page.blocks[0].line, 4);
    }
}
