//! `--changed-since GIT_REF`: lint, list and run see only the pages a change touched, and the
//! pages whose examples use a type a changed resource page defines.

mod common;

use std::path::Path;
use std::process::Command;

const THING: &str = "# thing resource type\n\nTODO: describe.\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|The id.|\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.thing\" } -->\n```json\n{ \"id\": \"String\" }\n```\n";

fn example(name: &str, odata_type: &str) -> String {
    format!("# {name}\n\nTODO: a note.\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/{name}\n```\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"{odata_type}\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{{ \"id\": \"1\" }}\n```\n")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A repository of four pages, committed; then the resource page changes.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (path, text) in [
        ("v1.0/resources/thing.md", THING.to_owned()),
        (
            "v1.0/api/thing-get.md",
            example("thing_get", "microsoft.graph.thing"),
        ),
        (
            "v1.0/api/other-get.md",
            example("other_get", "microsoft.graph.other"),
        ),
        (
            "v1.0/api/untyped-get.md",
            example("untyped_get", "microsoft.graph.untyped"),
        ),
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "pages"]);
    std::fs::write(
        root.join("v1.0/resources/thing.md"),
        THING.replace("The id.", "The identifier."),
    )
    .unwrap();
    dir
}

/// The pages named in `text`'s `file:line:` findings.
fn pages(text: &str) -> Vec<String> {
    let mut pages: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_once(".md:").map(|(page, _)| format!("{page}.md")))
        .map(|p| p.rsplit("v1.0/").next().unwrap_or(&p).to_owned())
        .collect();
    pages.sort();
    pages.dedup();
    pages
}

#[test]
fn lint_list_and_run_see_the_changed_page_and_the_pages_using_its_type() {
    let repo = repository();
    let cases = repo.path();
    let lint = common::contract()
        .args(["lint", "--changed-since", "HEAD", "--cases"])
        .arg(cases)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&lint.stdout);
    assert_eq!(
        pages(&text),
        ["api/thing-get.md", "resources/thing.md"],
        "{text}"
    );
    // Without the flag every page has its TODO.
    let all = common::contract()
        .args(["lint", "--cases"])
        .arg(cases)
        .output()
        .unwrap();
    assert_eq!(pages(&String::from_utf8_lossy(&all.stdout)).len(), 4);

    let list = common::contract()
        .args(["list", "--format", "json", "--cases"])
        .arg(cases)
        .env("CONTRACT_CHANGED_SINCE", "HEAD")
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["v1.0::thing_get::thing_get"]);

    let run = common::contract()
        .args(["run", "--changed-since", "HEAD", "--cases"])
        .arg(cases)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        out.contains("1 passed, 0 failed, 0 errors, 0 skipped"),
        "{out}"
    );
}

#[test]
fn a_folder_outside_git_and_a_ref_that_does_not_exist_are_clear_errors() {
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("p.md"), "# p\n").unwrap();
    let outside = common::contract()
        .args(["lint", "--changed-since", "main", "--cases"])
        .arg(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(outside.status.code(), Some(2));
    let err = String::from_utf8_lossy(&outside.stderr);
    assert!(err.contains("is not in a git work tree"), "{err}");

    let repo = repository();
    let missing = common::contract()
        .args(["list", "--changed-since", "no-such-branch", "--cases"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("`no-such-branch` is no commit of the repository"),
        "{err}"
    );
}
