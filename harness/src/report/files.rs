//! Writing the reports to files: where each goes, and the paths and links inside them.

use super::{html, json, junit, markdown, Report};
use crate::redact::Secrets;
use std::path::{Component, Path, PathBuf};
use url::Url;

/// Where the reports go; `None` skips a format.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// JUnit XML file.
    pub junit: Option<PathBuf>,
    /// JSON file.
    pub json: Option<PathBuf>,
    /// Markdown summary file.
    pub markdown: Option<PathBuf>,
    /// HTML page.
    pub html: Option<PathBuf>,
    /// Prefix for links from the HTML page to the Markdown pages (a relative folder or e.g.
    /// `https://github.com/org/repo/blob/main/cases/`); `None` links relative to the page's
    /// folder, from wherever the HTML file is written.
    pub link_base: Option<String>,
    /// Also append the Markdown summary to the file `GITHUB_STEP_SUMMARY` names.
    pub github_step_summary: Option<PathBuf>,
}

impl Outputs {
    /// All four reports in `dir`: `junit.xml`, `report.json`, `summary.md`, `report.html`.
    pub fn in_dir(dir: &Path) -> Outputs {
        Outputs {
            junit: Some(dir.join("junit.xml")),
            json: Some(dir.join("report.json")),
            markdown: Some(dir.join("summary.md")),
            html: Some(dir.join("report.html")),
            ..Outputs::default()
        }
    }
}

/// A report that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The file could not be created or written.
    #[error("failed to write the {format} report to {}: {source}; check that the folder exists and is writable", path.display())]
    Write {
        /// Which report.
        format: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The JUnit XML could not be serialised.
    #[error("failed to serialise the JUnit report: {0}")]
    Junit(#[from] quick_junit::SerializeError),
    /// The JSON could not be serialised.
    #[error("failed to serialise the JSON report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes every report `outputs` asks for; creates missing folders.
pub fn write(run: &Report, secrets: &Secrets, outputs: &Outputs) -> Result<(), ReportError> {
    if let Some(path) = &outputs.junit {
        save("JUnit", path, &junit::render(run, secrets)?)?;
    }
    if let Some(path) = &outputs.json {
        save("JSON", path, &json::render(run, secrets)?)?;
    }
    if let Some(path) = &outputs.markdown {
        save(
            "Markdown",
            path,
            &markdown::render(run, secrets, markdown::GITHUB_SUMMARY_LIMIT),
        )?;
    }
    if let Some(path) = &outputs.github_step_summary {
        markdown::append_step_summary(run, secrets, path)?;
    }
    if let Some(path) = &outputs.html {
        let link_base = match &outputs.link_base {
            Some(base) => base.clone(),
            None => relative_link_base(path.parent().unwrap_or(Path::new(".")), &run.cases_dir),
        };
        save("HTML", path, &html::render(run, secrets, &link_base))?;
    }
    Ok(())
}

fn save(format: &'static str, path: &Path, text: &str) -> Result<(), ReportError> {
    let error = |source| ReportError::Write {
        format,
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    std::fs::write(path, text).map_err(error)
}

/// The cases folder as seen from `from_dir`, ending in `/`, for links in a report written there.
/// Falls back to the absolute folder as a `file://` URL when no relative path exists.
pub fn relative_link_base(from_dir: &Path, cases_dir: &Path) -> String {
    let (Some(from), Some(to)) = (absolute(from_dir), absolute(cases_dir)) else {
        return format!("{}/", cases_dir.display());
    };
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return Url::from_directory_path(&to)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| format!("{}/", to.display()));
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from.components().count() - common];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.iter().map(|p| format!("{p}/")).collect()
}

/// `p` made absolute: resolved on disk when it exists, else joined to the working folder with
/// `.` and `..` removed.
fn absolute(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p).ok().or_else(|| {
        std::env::current_dir()
            .ok()
            .map(|cwd| normalize(&cwd.join(p)))
    })
}

/// Removes `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The page's path relative to the repository (for annotations): the cases folder joined with
/// the page, relative to `repo_root` when it lies inside it.
pub fn repo_path(cases_dir: &Path, file: &str, repo_root: &Path) -> String {
    let page = cases_dir.join(file);
    let relative = match (absolute(&page), absolute(repo_root)) {
        (Some(page), Some(root)) => page.strip_prefix(&root).ok().map(Path::to_path_buf),
        _ => None,
    };
    let path = relative.unwrap_or(page);
    path.to_string_lossy().replace('\\', "/")
}
