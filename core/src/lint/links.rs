//! The `link` rule, as ApiDoctor's `check-links` has it: a relative link to a page that does
//! not exist, to a `#anchor` no heading of that page makes, to a file whose name differs only
//! in case (it works on Windows and breaks on Linux and when published), or to a folder.

use crate::finding::{Finding, Rule};
use crate::text::LineCursor;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// What the link rule needs of one page: the anchors it makes and the links it has.
#[derive(Debug, Default)]
pub(crate) struct Outline {
    /// The page, relative to the cases folder.
    pub(crate) file: String,
    /// The anchors its headings (and `<a name>`/`id` tags) make.
    pub(crate) anchors: HashSet<String>,
    /// Its links: destination as written, and line.
    pub(crate) links: Vec<(String, usize)>,
}

/// One page's outline.
pub(crate) fn outline(file: &str, text: &str) -> Outline {
    let mut lines = LineCursor::new(text);
    let mut outline = Outline {
        file: file.to_owned(),
        ..Outline::default()
    };
    let mut heading: Option<String> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    outline.anchors.insert(id.to_string());
                }
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(text) = heading.take() {
                    outline.anchors.insert(anchor_of(&text));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // docfx's `[!INCLUDE [name](path)]` pulls in a snippet the docs build owns,
                // and `#tab/x` names a tab of a tabbed section, not a heading.
                let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let docfx = text[line_start..range.start].contains("[!INCLUDE")
                    || dest_url.starts_with("#tab/");
                if !docfx {
                    outline
                        .links
                        .push((dest_url.to_string(), lines.line(range.start)));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for key in ["name=\"", "id=\""] {
                    for (at, _) in html.match_indices(key) {
                        let rest = &html[at + key.len()..];
                        if let Some(end) = rest.find('"') {
                            outline.anchors.insert(rest[..end].to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    outline
}

/// A heading's anchor as the docs build makes it: lower case, spaces to `-`, punctuation
/// other than `-` and `_` dropped.
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The `link` findings of every page. `root` is the cases folder: a link that leaves it is
/// checked on disk.
pub(crate) fn findings(root: &Path, outlines: &[Outline]) -> Vec<Finding> {
    let pages: HashMap<&str, &Outline> = outlines.iter().map(|o| (o.file.as_str(), o)).collect();
    let by_lower: HashMap<String, &str> = outlines
        .iter()
        .map(|o| (o.file.to_lowercase(), o.file.as_str()))
        .collect();
    let mut findings = Vec::new();
    for page in outlines {
        for (dest, line) in &page.links {
            if let Some(message) = check(root, page, dest, &pages, &by_lower) {
                findings.push(Finding::new(Rule::Link, &page.file, *line, message));
            }
        }
    }
    findings
}

/// What is wrong with one link, or `None`.
fn check(
    root: &Path,
    page: &Outline,
    dest: &str,
    pages: &HashMap<&str, &Outline>,
    by_lower: &HashMap<String, &str>,
) -> Option<String> {
    // A link to the published page of a page this docs set holds is meant to be relative:
    // the published link skips the review of the page it names, and breaks across versions.
    if let Some(page_path) = published_page(page, dest, by_lower) {
        return Some(format!(
            "`{dest}` leaves the docs set for a page it holds ({page_path}); link it relatively"
        ));
    }
    // Other absolute URLs, site-rooted paths and mail are for the published site to resolve.
    if dest.contains("://") || dest.starts_with('/') || dest.starts_with("mailto:") {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        let anchor = anchor?;
        return (!anchor.is_empty() && !page.anchors.contains(anchor))
            .then(|| format!("`#{anchor}`: no heading of this page makes that anchor"));
    }
    let decoded = percent_decode(path);
    let target = resolve(&page.file, &decoded)?;
    if let Some(found) = pages.get(target.as_str()) {
        return anchor
            .filter(|a| !a.is_empty() && !found.anchors.contains(*a))
            .map(|a| format!("`{dest}`: {target} has no heading that makes the anchor `#{a}`"));
    }
    if let Some(actual) = by_lower.get(&target.to_lowercase()) {
        return Some(format!("`{dest}`: the page is {actual}; the case differs, which works on Windows but breaks on Linux and when published"));
    }
    let on_disk = root.join(&target);
    if on_disk.is_dir() {
        return Some(format!("`{dest}` links to a folder; link to a page in it"));
    }
    if on_disk.exists() || target.starts_with("../") {
        // Another file of the repository (an image, an include outside the cases folder
        // that exists), or a page outside the docs set this run cannot see.
        return (target.starts_with("../") && !on_disk.exists() && target.ends_with(".md"))
            .then(|| format!("`{dest}`: no page {target}, outside the cases folder"));
    }
    Some(format!("`{dest}`: no page {target}"))
}

/// The page of this docs set that a link to the published docs names, if any:
/// `/graph/api/resources/user?view=graph-rest-1.0` or
/// `https://learn.microsoft.com/en-us/graph/api/user-get` from `v1.0/api/x.md` →
/// `v1.0/resources/user.md`, `v1.0/api/user-get.md`.
fn published_page(page: &Outline, dest: &str, by_lower: &HashMap<String, &str>) -> Option<String> {
    let published = dest.starts_with("/graph/api/")
        || ["docs.microsoft.com/", "learn.microsoft.com/"]
            .iter()
            .any(|host| dest.starts_with(&format!("https://{host}")));
    if !published {
        return None;
    }
    let rest = &dest[dest.find("/graph/api/")? + "/graph/api/".len()..];
    let rest = rest.split(['?', '#']).next()?.trim_end_matches('/');
    if rest.is_empty() || rest.contains("..") {
        return None;
    }
    // The docs set's folder for this version: what comes before `api/` or `resources/`.
    let file = page.file.as_str();
    let prefix = ["api/", "resources/"]
        .iter()
        .filter_map(|folder| {
            let at = if file.starts_with(folder) {
                Some(0)
            } else {
                file.find(&format!("/{folder}")).map(|i| i + 1)
            }?;
            Some(&file[..at])
        })
        .next()?;
    let rest = if rest.contains('/') {
        rest.to_owned()
    } else {
        format!("api/{rest}")
    };
    let candidate = format!("{prefix}{rest}.md").to_lowercase();
    by_lower.get(&candidate).map(|found| (*found).to_owned())
}

/// `../resources/user.md` from `api/user-get.md` → `resources/user.md`; `..` past the root
/// stays as a leading `../`.
fn resolve(from: &str, path: &str) -> Option<String> {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let mut out: Vec<String> = Vec::new();
    let mut above = 0usize;
    for component in base.join(path).components() {
        match component {
            Component::Normal(c) => out.push(c.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if out.pop().is_none() {
                    above += 1;
                }
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    let mut joined = PathBuf::new();
    for _ in 0..above {
        joined.push("..");
    }
    for part in out {
        joined.push(part);
    }
    Some(joined.to_string_lossy().replace('\\', "/"))
}

/// `%20` and the like, decoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(pages: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("api/folder")).unwrap();
        let outlines: Vec<Outline> = pages.iter().map(|(f, t)| outline(f, t)).collect();
        findings(dir.path(), &outlines)
            .into_iter()
            .map(|f| (f.file, f.line, f.message))
            .collect()
    }

    #[test]
    fn missing_pages_anchors_case_and_folders_are_each_named_at_their_line() {
        let found = lint(&[
            (
                "api/user-get.md",
                "# Get user\n\n## Request body\n\nSee [user](../resources/user.md#properties), [body](#request-body),\n[nothing](#nowhere), [gone](../resources/gone.md), [User](../resources/User.md),\n[folder](folder), [site](/graph/overview), [web](https://example.com/x.md).\n",
            ),
            ("resources/user.md", "# user resource type\n\n## Properties\n"),
        ]);
        let messages: Vec<(usize, &str)> = found.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
        assert_eq!(
            messages,
            [
                (6, "`#nowhere`: no heading of this page makes that anchor"),
                (6, "`../resources/gone.md`: no page resources/gone.md"),
                (6, "`../resources/User.md`: the page is resources/user.md; the case differs, which works on Windows but breaks on Linux and when published"),
                (7, "`folder` links to a folder; link to a page in it"),
            ]
        );
    }

    #[test]
    fn a_link_to_the_published_copy_of_a_page_in_the_set_is_meant_to_be_relative() {
        let found = lint(&[
            (
                "v1.0/api/user-get.md",
                "# Get user\n\n[user](/graph/api/resources/user?view=graph-rest-1.0)\n[list](https://learn.microsoft.com/en-us/graph/api/user-list)\n[other](/graph/api/resources/elsewhere)\n",
            ),
            ("v1.0/resources/user.md", "# user\n"),
            ("v1.0/api/user-list.md", "# List users\n"),
        ]);
        let messages: Vec<(usize, &str)> = found.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
        assert_eq!(
            messages,
            [
                (3, "`/graph/api/resources/user?view=graph-rest-1.0` leaves the docs set for a page it holds (v1.0/resources/user.md); link it relatively"),
                (4, "`https://learn.microsoft.com/en-us/graph/api/user-list` leaves the docs set for a page it holds (v1.0/api/user-list.md); link it relatively"),
            ]
        );
    }

    #[test]
    fn an_anchor_on_another_page_must_be_made_there() {
        let found = lint(&[
            (
                "a.md",
                "# A\n\n[b](b.md#missing-part) [b2](b.md#the-part) [b3](b.md#named)\n",
            ),
            ("b.md", "# B\n\n## The part\n\n<a name=\"named\"></a>\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0]
            .2
            .contains("b.md has no heading that makes the anchor `#missing-part`"));
    }
}
