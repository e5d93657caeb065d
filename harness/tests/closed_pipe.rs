//! A reader that stops early (`contract lint | head`) must not turn into a panic or an
//! "error: Broken pipe": the command finishes and exits with the status of what it found.

mod common;

use std::process::Stdio;

/// A page with 3,000 TODO markers: some 300 KiB of warnings, far more than a pipe holds, so
/// the writes after the reader has gone are certain to fail.
fn noisy_pages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("v1.0")).unwrap();
    let page: String = (0..3000)
        .map(|i| format!("<!-- TODO: describe item {i} -->\n\n"))
        .collect();
    std::fs::write(
        dir.path().join("v1.0/noisy.md"),
        format!("# Noisy\n\n{page}"),
    )
    .unwrap();
    dir
}

/// Runs `contract ARGS` with stdout and stderr on pipes that are closed at once.
fn status_with_closed_pipes(args: &[&str]) -> Option<i32> {
    let mut child = common::contract()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().unwrap().code()
}

#[test]
fn lint_and_list_into_a_closed_pipe_keep_their_exit_status() {
    let dir = noisy_pages();
    let cases = dir.path().to_str().unwrap();
    for (args, expected) in [
        (vec!["lint", "--cases", cases], 0),
        (vec!["lint", "--cases", cases, "--format", "json"], 0),
        (vec!["list", "--cases", cases], 0),
        // Findings go to stderr here, the summary to stdout.
        (vec!["run", "--cases", cases], 0),
    ] {
        assert_eq!(status_with_closed_pipes(&args), Some(expected), "{args:?}");
    }
}
