//! `contract run --record-known-issues FILE`: a known-issues file with an entry for every case
//! that fails the run, as a starting point for a team adopting the tool against its service.
//!
//! Entries that already hid a failure are kept as they are (once, however many cases their
//! glob matched); every other failing case gets an entry of its own whose reason is its first
//! violation. Fixed and expired entries are left out: the next run with the file is green.

use super::Report;
use crate::runner::Tally;
use crate::text::shorten;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Serialize)]
struct File {
    known: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    case: String,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<toml::value::Datetime>,
}

/// The file's text (every value in `run` is already redacted), and how many entries it has.
pub fn render(run: &Report) -> Result<(String, usize), toml::ser::Error> {
    let mut kept = HashSet::new();
    let mut known = Vec::new();
    for case in &run.cases {
        match (case.tally(), &case.known) {
            (Tally::KnownFailure, Some(found)) => {
                let issue = &found.issue;
                if kept.insert((issue.file.clone(), issue.line)) {
                    known.push(Entry {
                        case: issue.case.clone(),
                        reason: issue.reason.clone(),
                        owner: issue.owner.clone(),
                        link: issue.link.clone(),
                        expires: issue.expires.map(|date| toml::value::Datetime {
                            date: Some(date),
                            time: None,
                            offset: None,
                        }),
                    });
                }
            }
            (Tally::Failed | Tally::Error, _) => {
                let headline = case.headline();
                let first = headline.lines().next().unwrap_or("failed");
                known.push(Entry {
                    case: case.id.clone(),
                    reason: shorten(first, 300).into_owned(),
                    owner: None,
                    link: None,
                    expires: None,
                });
            }
            _ => {}
        }
    }
    let count = known.len();
    let body = toml::to_string(&File { known })?;
    let header = format!(
        "# Known issues recorded by `contract run --record-known-issues` on {}: {count} entries.\n\
         # Each hides the failure of the cases its `case` (an id or a glob) matches. Give each an\n\
         # `owner`, a `link` to where the fix is tracked and, if you like, an `expires` date.\n\n",
        crate::known::today()
    );
    Ok((header + &body, count))
}
