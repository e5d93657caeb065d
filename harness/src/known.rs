//! Known issues: drift a team has recorded, so that it does not fail the run.
//!
//! A team's first run against its real service finds real mismatches. Each goes into
//! `known-issues.toml` with why, who owns it and where it is tracked, so that CI turns green
//! and stays honest: a recorded case that fails is a *known failure*; one that passes again is
//! *fixed* (remove the entry); an entry past its `expires` date no longer hides the failure;
//! an entry that matches no case is *stale*.
//!
//! ```toml
//! [[known]]
//! case = "v1.0::user_get::*"          # a case id, or a glob over ids
//! reason = "service returns displayName as null for guests"
//! owner = "identity-docs"             # optional
//! link = "https://example.org/t/123"  # optional
//! expires = 2027-03-31                # optional; hides failures up to and including that day
//! ```

use crate::text::LineIndex;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::value::{Date, Datetime};

/// The file's name at the root of the cases folder, where it is read from by default.
pub const FILE_NAME: &str = "known-issues.toml";

/// One entry of the file.
#[derive(Debug, Clone)]
pub struct KnownIssue {
    /// The case id or glob, as written.
    pub case: String,
    /// Why the case fails.
    pub reason: String,
    /// Who owns the fix.
    pub owner: Option<String>,
    /// Where the fix is tracked.
    pub link: Option<String>,
    /// The last day the entry hides a failure.
    pub expires: Option<Date>,
    /// The file the entry is in.
    pub file: PathBuf,
    /// The line of its `case` key.
    pub line: usize,
    matcher: GlobMatcher,
}

impl KnownIssue {
    /// An entry for `case` as a report names it (`contract report merge`), matching that
    /// case; the caller fills in the other fields, which are public.
    pub fn for_case(case: String, file: PathBuf, line: usize) -> KnownIssue {
        let matcher = Glob::new(&case)
            .or_else(|_| Glob::new(&globset::escape(&case)))
            .map(|g| g.compile_matcher())
            .expect("an escaped id is a valid glob");
        KnownIssue {
            case,
            reason: String::new(),
            owner: None,
            link: None,
            expires: None,
            file,
            line,
            matcher,
        }
    }

    /// `known-issues.toml:12`, for messages.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }

    /// True when the entry's date has passed: it no longer hides a failure.
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|last| key(last) < key(today))
    }
}

/// What a known issue says about the case it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KnownStatus {
    /// The case fails as recorded; the run does not fail for it.
    KnownFailure,
    /// The case passes: the entry can go.
    Fixed,
    /// The case fails, and the entry's date has passed: the failure counts again.
    Expired,
}

impl KnownStatus {
    /// `known-failure`, `fixed` or `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            KnownStatus::KnownFailure => "known-failure",
            KnownStatus::Fixed => "fixed",
            KnownStatus::Expired => "expired",
        }
    }
}

/// A case's known issue and what it says about the case.
#[derive(Debug, Clone)]
pub struct Known {
    /// The entry that matched.
    pub issue: Arc<KnownIssue>,
    /// What the case's outcome makes of it.
    pub status: KnownStatus,
}

impl Known {
    /// What the case's outcome makes of the entry: `known failure`, `fixed: the case passes;
    /// remove the entry from known-issues.toml`, `known issue expired on 2027-03-31 …`.
    pub fn label(&self) -> String {
        match self.status {
            KnownStatus::KnownFailure => "known failure".to_owned(),
            KnownStatus::Fixed => format!(
                "fixed: the case passes; remove the entry from {}",
                self.issue
                    .file
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
            ),
            KnownStatus::Expired => format!(
                "known issue expired on {} and no longer hides the failure",
                self.issue
                    .expires
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            ),
        }
    }

    /// The entry: `<reason> (owner: x; https://…; known-issues.toml:3)`.
    pub fn about(&self) -> String {
        let issue = &self.issue;
        let mut about: Vec<String> = Vec::new();
        if let Some(owner) = &issue.owner {
            about.push(format!("owner: {owner}"));
        }
        if let Some(link) = &issue.link {
            about.push(link.clone());
        }
        about.push(issue.location());
        format!("{} ({})", issue.reason, about.join("; "))
    }

    /// `label: about`, one line for a person.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.label(), self.about())
    }
}

/// An entry that matches no case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stale {
    /// The case id or glob, as written.
    pub case: String,
    /// The file.
    pub file: String,
    /// The line of its `case` key.
    pub line: usize,
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: the known issue `{}` matches no case; remove it, or correct its `case` (`contract list` shows the ids)",
            self.file, self.line, self.case
        )
    }
}

/// Every entry of one known-issues file.
#[derive(Debug, Clone, Default)]
pub struct KnownIssues {
    entries: Vec<Arc<KnownIssue>>,
}

/// A known-issues file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KnownIssuesError {
    /// The file cannot be read.
    #[error("failed to read the known issues in {}: {source}; check --known-issues (CONTRACT_KNOWN_ISSUES)", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not in the expected shape: one message per problem, each with its line.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    known: Vec<EntryShape>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryShape {
    case: toml::Spanned<String>,
    reason: String,
    owner: Option<String>,
    link: Option<String>,
    expires: Option<toml::Spanned<Datetime>>,
}

impl KnownIssues {
    /// Reads the file.
    pub fn load(path: &Path) -> Result<KnownIssues, KnownIssuesError> {
        let text = std::fs::read_to_string(path).map_err(|source| KnownIssuesError::Read {
            path: path.to_owned(),
            source,
        })?;
        KnownIssues::parse(path, &text)
    }

    /// Reads `text` as if from `path`. Every problem is reported, each with its line.
    pub fn parse(path: &Path, text: &str) -> Result<KnownIssues, KnownIssuesError> {
        let index = LineIndex::new(text);
        let at = |offset: usize| format!("{}:{}", path.display(), index.line(offset));
        let shape: FileShape = toml::from_str(text).map_err(|error| {
            let line = error.span().map_or(1, |span| index.line(span.start));
            KnownIssuesError::Invalid(vec![format!(
                "{}:{line}: {}; each entry is a [[known]] table with `case` and `reason`, and optionally `owner`, `link` and `expires` (a date such as 2027-03-31)",
                path.display(),
                error.message().trim_end()
            )])
        })?;
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for entry in shape.known {
            let case = entry.case.get_ref().trim().to_owned();
            let line = index.line(entry.case.span().start);
            let matcher = match Glob::new(&case) {
                Ok(glob) if !case.is_empty() => glob.compile_matcher(),
                Ok(_) => {
                    problems.push(format!(
                        "{}: `case` is empty; give a case id or a glob such as v1.0::user_get::*",
                        at(entry.case.span().start)
                    ));
                    continue;
                }
                Err(error) => {
                    problems.push(format!(
                        "{}: `case` {case:?} is not a valid glob: {}",
                        at(entry.case.span().start),
                        error.kind()
                    ));
                    continue;
                }
            };
            if entry.reason.trim().is_empty() {
                problems.push(format!(
                    "{}: the entry for `{case}` has an empty `reason`; say why the case fails",
                    at(entry.case.span().start)
                ));
                continue;
            }
            let expires = match entry.expires {
                None => None,
                Some(value) => match value.get_ref() {
                    Datetime {
                        date: Some(date),
                        time: None,
                        offset: None,
                    } => Some(*date),
                    other => {
                        problems.push(format!(
                            "{}: `expires = {other}` is not a date; write a plain date such as 2027-03-31",
                            at(value.span().start)
                        ));
                        continue;
                    }
                },
            };
            entries.push(Arc::new(KnownIssue {
                case,
                reason: entry.reason.trim().to_owned(),
                owner: entry.owner.filter(|o| !o.trim().is_empty()),
                link: entry.link.filter(|l| !l.trim().is_empty()),
                expires,
                file: path.to_owned(),
                line,
                matcher,
            }));
        }
        if problems.is_empty() {
            Ok(KnownIssues { entries })
        } else {
            Err(KnownIssuesError::Invalid(problems))
        }
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[Arc<KnownIssue>] {
        &self.entries
    }

    /// The first entry whose `case` matches the id.
    pub fn find(&self, id: &str) -> Option<&Arc<KnownIssue>> {
        self.entries.iter().find(|entry| entry.matcher.is_match(id))
    }

    /// What the entry matching `id` (if any) says about a case that `failed` or passed, on
    /// `today`.
    pub fn classify(&self, id: &str, failed: bool, today: Date) -> Option<Known> {
        let issue = self.find(id)?;
        let status = match (failed, issue.expired(today)) {
            (false, _) => KnownStatus::Fixed,
            (true, false) => KnownStatus::KnownFailure,
            (true, true) => KnownStatus::Expired,
        };
        Some(Known {
            issue: Arc::clone(issue),
            status,
        })
    }

    /// The entries that match none of `ids` (all the cases found, not only those run).
    pub fn stale<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<Stale> {
        let mut used = vec![false; self.entries.len()];
        for id in ids {
            for (entry, used) in self.entries.iter().zip(used.iter_mut()) {
                if !*used && entry.matcher.is_match(id) {
                    *used = true;
                }
            }
            if used.iter().all(|u| *u) {
                break;
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(entry, _)| Stale {
                case: entry.case.clone(),
                file: entry.file.display().to_string(),
                line: entry.line,
            })
            .collect()
    }
}

/// Today's date in UTC: an entry expires the day after its `expires` date, everywhere at once.
pub fn today() -> Date {
    let now = time::OffsetDateTime::now_utc();
    Date {
        year: now.year().clamp(0, 9999) as u16,
        month: now.month() as u8,
        day: now.day(),
    }
}

fn key(date: Date) -> (u16, u8, u8) {
    (date.year, date.month, date.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        match text.parse::<Datetime>().unwrap().date {
            Some(date) => date,
            None => panic!("{text} is not a date"),
        }
    }

    const FILE: &str = r#"# drift we know about
[[known]]
case = "v1.0::user_get::*"
reason = "displayName is null for guests"
owner = "identity-docs"
link = "https://example.org/t/123"

[[known]]
case = "beta::event_get::get_event"
reason = "uid is not returned yet"
expires = 2027-03-31
"#;

    #[test]
    fn reads_entries_with_their_lines() {
        let known = KnownIssues::parse(Path::new("known-issues.toml"), FILE).unwrap();
        let entries = known.entries();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].line, 3);
        assert_eq!(entries[0].owner.as_deref(), Some("identity-docs"));
        assert_eq!(entries[1].line, 9);
        assert_eq!(entries[1].expires, Some(date("2027-03-31")));
        assert_eq!(entries[1].location(), "known-issues.toml:9");
    }

    #[test]
    fn globs_match_ids_and_the_first_entry_wins() {
        let known = KnownIssues::parse(Path::new("k.toml"), FILE).unwrap();
        assert_eq!(known.find("v1.0::user_get::get_user_1").unwrap().line, 3);
        assert_eq!(known.find("v1.0::user_get::x::scenario").unwrap().line, 3);
        assert!(known.find("v1.0::user_list::list_users").is_none());
        assert_eq!(known.find("beta::event_get::get_event").unwrap().line, 9);
        assert!(known.find("beta::event_get::get_event_2").is_none());
    }

    #[test]
    fn a_failure_is_known_until_the_day_after_expiry_and_a_pass_is_fixed() {
        let known = KnownIssues::parse(Path::new("k.toml"), FILE).unwrap();
        let id = "beta::event_get::get_event";
        let status = |failed, today| known.classify(id, failed, date(today)).unwrap().status;
        assert_eq!(status(true, "2027-03-31"), KnownStatus::KnownFailure);
        assert_eq!(status(true, "2027-04-01"), KnownStatus::Expired);
        assert_eq!(status(false, "2027-03-01"), KnownStatus::Fixed);
        assert_eq!(status(false, "2030-01-01"), KnownStatus::Fixed);
        assert!(known.classify("v1.0::other", true, today()).is_none());
    }

    #[test]
    fn entries_that_match_no_case_are_stale_with_their_line() {
        let known = KnownIssues::parse(Path::new("k.toml"), FILE).unwrap();
        let stale = known.stale(["v1.0::user_get::get_user_1", "v1.0::user_list::x"]);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].line, 9);
        assert!(stale[0]
            .to_string()
            .starts_with("k.toml:9: the known issue `beta::event_get::get_event` matches no case"));
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = "[[known]]\ncase = \"a[\"\nreason = \"x\"\n\n[[known]]\ncase = \"b\"\nreason = \" \"\n\n[[known]]\ncase = \"c\"\nreason = \"y\"\nexpires = 2027-03-31T10:00:00Z\n";
        let Err(KnownIssuesError::Invalid(problems)) =
            KnownIssues::parse(Path::new("k.toml"), text)
        else {
            panic!("accepted")
        };
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("k.toml:2: `case` \"a[\" is not a valid glob"));
        assert!(problems[1].starts_with("k.toml:6: the entry for `b` has an empty `reason`"));
        assert!(
            problems[2].starts_with("k.toml:12: `expires = 2027-03-31T10:00:00Z` is not a date")
        );
    }

    #[test]
    fn unknown_keys_and_bad_toml_name_the_line() {
        let text = "[[known]]\ncase = \"a\"\nreason = \"x\"\nowners = \"typo\"\n";
        let error = KnownIssues::parse(Path::new("k.toml"), text).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("k.toml:4: unknown field `owners`"),
            "{message}"
        );
        let error = KnownIssues::parse(Path::new("k.toml"), "[[known]]\ncase = \n").unwrap_err();
        assert!(error.to_string().starts_with("k.toml:2: "), "{error}");
    }
}
