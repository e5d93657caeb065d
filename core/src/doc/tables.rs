//! Markdown tables, with the heading they sit under: resource pages document their properties
//! and enumerations in them (ApiDoctor classifies a table by the heading above it).
//!
//! Read only for the pages that need it (resource and enumeration pages): the main page parser
//! leaves the tables extension off, which is an eighth of its work.

use crate::text::LineCursor;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The text of the nearest heading above it (`Properties`, `bodyType values`).
    pub heading: String,
    /// The heading's level (2 for `##`), 0 when there is none.
    pub heading_level: usize,
    /// 1-based line of the table's header row.
    pub line: usize,
    /// The header cells, as written (trimmed).
    pub header: Vec<String>,
    /// The body rows.
    pub rows: Vec<Row>,
}

/// One body row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based page line.
    pub line: usize,
    /// The cells as written in the page (Markdown source, trimmed): `[printerStatus](printerstatus.md)`.
    pub cells: Vec<String>,
}

/// Every table of the page, in order.
pub fn tables(text: &str) -> Vec<Table> {
    let mut lines = LineCursor::new(text);
    let mut tables = Vec::new();
    let mut heading = (String::new(), 0usize);
    let mut in_heading: Option<(String, usize)> = None;
    let mut current: Option<Table> = None;
    let mut row: Option<Row> = None;
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((String::new(), heading_level(level)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((text, level)) = in_heading.take() {
                    heading = (text.trim().to_owned(), level);
                }
            }
            Event::Text(t) | Event::Code(t) if in_heading.is_some() && current.is_none() => {
                if let Some((text, _)) = in_heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Table(_)) => {
                current = Some(Table {
                    heading: heading.0.clone(),
                    heading_level: heading.1,
                    line: lines.line(range.start),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                row = Some(Row {
                    line: lines.line(range.start),
                    cells: Vec::new(),
                });
            }
            Event::Start(Tag::TableCell) => {
                if let Some(row) = row.as_mut() {
                    row.cells.push(cell_text(&text[range.clone()]));
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let (Some(table), Some(head)) = (current.as_mut(), row.take()) {
                    table.header = head.cells;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(table), Some(body)) = (current.as_mut(), row.take()) {
                    table.rows.push(body);
                }
            }
            Event::End(TagEnd::Table) => tables.extend(current.take()),
            _ => {}
        }
    }
    tables
}

fn heading_level(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A cell's source without its pipes and padding.
fn cell_text(source: &str) -> String {
    source.trim().trim_matches('|').trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_keep_their_heading_lines_and_cells_as_written() {
        let text = "# t\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|The id.|\n|status|[printerStatus](printerstatus.md)|A link.|\n\n### bodyType values\n\n| Member | Description |\n|:--|:--|\n| text | Plain. |\n";
        let tables = tables(text);
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].heading, "Properties");
        assert_eq!(tables[0].heading_level, 2);
        assert_eq!(tables[0].line, 4);
        assert_eq!(tables[0].header, ["Property", "Type", "Description"]);
        assert_eq!(tables[0].rows[1].line, 7);
        assert_eq!(
            tables[0].rows[1].cells,
            ["status", "[printerStatus](printerstatus.md)", "A link."]
        );
        assert_eq!(tables[1].heading, "bodyType values");
        assert_eq!(tables[1].rows[0].cells[0], "text");
    }

    #[test]
    fn a_ragged_table_is_read_as_far_as_it_goes() {
        let text = "## Properties\n|Property|Type|\n|---|---|\n|a|\n|b|String|extra|\n";
        let tables = tables(text);
        assert_eq!(tables[0].rows.len(), 2);
        assert_eq!(tables[0].rows[0].cells[0], "a");
    }
}
