//! Triage: what many failures have in common, counted by kind and by the URL's first segment.

use super::Report;
use crate::runner::{Outcome, Tally};
use std::collections::BTreeMap;
use url::Url;

impl Report {
    /// Violations of the cases that fail the run and warnings of every case, counted by kind
    /// and by the URL's first segment after the version (`/users`), most frequent first: what
    /// 258 failures have in common.
    pub fn triage(&self) -> Triage {
        let mut by_kind: BTreeMap<String, TriageRow> = BTreeMap::new();
        let mut by_path: BTreeMap<String, TriageRow> = BTreeMap::new();
        for case in &self.cases {
            let failing = matches!(case.tally(), Tally::Failed | Tally::Error);
            let mut kinds: Vec<(&str, bool)> = case
                .warnings
                .iter()
                .map(|w| (w.kind.as_str(), true))
                .collect();
            match &case.outcome {
                Outcome::Failed(verdict) if failing => {
                    kinds.extend(verdict.violations.iter().map(|v| (v.kind.as_str(), false)));
                    if verdict.violations.is_empty() {
                        kinds.push(("body", false));
                    }
                }
                Outcome::Error(_) if failing => kinds.push(("error", false)),
                _ => {}
            }
            if kinds.is_empty() {
                continue;
            }
            let path = case
                .url
                .as_deref()
                .map_or_else(|| "(none)".to_owned(), top_segment);
            for (kind, warning) in kinds {
                for (map, key) in [(&mut by_kind, kind), (&mut by_path, path.as_str())] {
                    let row = map.entry(key.to_owned()).or_insert_with(|| TriageRow {
                        name: key.to_owned(),
                        ..TriageRow::default()
                    });
                    if warning {
                        row.warnings += 1;
                    } else {
                        row.violations += 1;
                    }
                }
            }
        }
        let sorted = |map: BTreeMap<String, TriageRow>| {
            let mut rows: Vec<TriageRow> = map.into_values().collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.violations + r.warnings));
            rows
        };
        Triage {
            by_kind: sorted(by_kind),
            by_path: sorted(by_path),
        }
    }
}

/// Violations and warnings counted two ways, for the reports' triage tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// By violation or warning kind (`schema`, `undeclared-property`, `error`).
    pub by_kind: Vec<TriageRow>,
    /// By the URL's first segment after the version (`/users`, `/me`).
    pub by_path: Vec<TriageRow>,
}

impl Triage {
    /// True when there is nothing to count.
    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }
}

/// One row of a triage table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageRow {
    /// The kind or the path segment.
    pub name: String,
    /// Violations (and errors) of cases that fail the run.
    pub violations: usize,
    /// Warnings.
    pub warnings: usize,
}

/// `/users` for `https://host/v1.0/users/42?$select=id`: the first path segment after the API
/// version (or the first segment when there is no version).
fn top_segment(url: &str) -> String {
    let path = Url::parse(url)
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let after_version = segments
        .iter()
        .position(|s| crate::text::is_version(s))
        .map_or(0, |i| i + 1);
    match segments.get(after_version) {
        // `users('42')` and `me` alike: the resource's name, without its key.
        Some(segment) => format!("/{}", segment.split('(').next().unwrap_or(segment)),
        None => "/".to_owned(),
    }
}
