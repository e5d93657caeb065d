//! Sharded runs: `--partition` deals every case to exactly one shard, hash shards stay put when
//! pages are added, and `contract report merge` turns the shards' JSON reports into the same
//! four reports as an unsharded run, timings aside.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// `contract run` over `cases` against the embedded mock, with `args`; the JSON report.
fn run(cases: &Path, args: &[&str]) -> Value {
    let output = common::contract()
        .args(["run", "--format", "json", "--cases"])
        .arg(cases)
        .arg("--schemas")
        .arg(common::workspace().join("schemas"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn ids(report: &Value) -> Vec<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn partitions_cover_every_case_exactly_once() {
    let cases = common::cases();
    let all = ids(&run(&cases, &[]));
    assert!(all.len() >= 20, "{all:?}");
    for kind in ["hash", "count"] {
        for total in [2, 3] {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            let mut sizes = Vec::new();
            for shard in 1..=total {
                let report = run(&cases, &["--partition", &format!("{kind}:{shard}/{total}")]);
                let shard_ids = ids(&report);
                sizes.push(shard_ids.len());
                for id in shard_ids {
                    *seen.entry(id).or_default() += 1;
                }
                assert_eq!(
                    report["summary"]["shards"][0]["partition"],
                    format!("{kind}:{shard}/{total}")
                );
            }
            let mut expected: Vec<String> = all.clone();
            expected.sort();
            assert_eq!(
                seen.keys().cloned().collect::<Vec<_>>(),
                expected,
                "{kind}:{total}"
            );
            assert!(seen.values().all(|&n| n == 1), "{kind}:{total}: {seen:?}");
            if kind == "count" {
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(max - min <= 1, "count shards are even: {sizes:?}");
            }
        }
    }
}

#[test]
fn adding_a_page_moves_no_other_case_between_hash_shards() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::cases(), dir.path());
    let shard_of = |cases: &Path| -> BTreeMap<String, u32> {
        let mut shards = BTreeMap::new();
        for shard in 1..=3 {
            for id in ids(&run(cases, &["--partition", &format!("hash:{shard}/3")])) {
                shards.insert(id, shard);
            }
        }
        shards
    };
    let before = shard_of(dir.path());
    std::fs::write(
        dir.path().join("v1.0/api/added-page.md"),
        "<!-- { \"blockType\": \"request\", \"name\": \"added\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/me/added\n```\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n",
    )
    .unwrap();
    let after = shard_of(dir.path());
    assert_eq!(after.len(), before.len() + 1);
    for (id, shard) in &before {
        assert_eq!(after.get(id), Some(shard), "{id} moved");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn merged_shard_reports_equal_the_unsharded_reports() {
    let dir = tempfile::tempdir().unwrap();
    // The project's pages, and one whose documented answer breaks its schema: a failure, with
    // violations and findings, must survive the merge too.
    let cases = dir.path().join("cases");
    copy_dir(&common::cases(), &cases);
    std::fs::write(
        cases.join("v1.0/api/user-get-broken.md"),
        "<!-- { \"blockType\": \"request\", \"name\": \"get_me_broken\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/me/broken\n```\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.user\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"id\": \"1\",\n  \"createdDateTime\": \"datetime-value\"\n}\n```\n",
    )
    .unwrap();
    let whole = dir.path().join("whole");
    run(&cases, &["--report-dir", whole.to_str().unwrap()]);
    let shards = dir.path().join("shards");
    std::fs::create_dir_all(&shards).unwrap();
    for shard in 1..=3 {
        let file = shards.join(format!("shard-{shard}.json"));
        run(
            &cases,
            &[
                "--partition",
                &format!("count:{shard}/3"),
                "--report-json",
                file.to_str().unwrap(),
            ],
        );
    }
    let merged = dir.path().join("merged");
    let output = common::merge(&shards, &merged);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("from 3 shards"), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["shards"].as_array().unwrap().len(), 3);
    assert_eq!(report["summary"]["failed"], 1, "{}", report["summary"]);
    assert!(report["summary"]["passed"].as_u64().unwrap() >= 20);
    let markdown = std::fs::read_to_string(merged.join("summary.md")).unwrap();
    assert!(
        markdown.contains("merged from 3 shards (count:1/3: "),
        "{markdown}"
    );
    for name in ["report.json", "junit.xml", "summary.md", "report.html"] {
        let expected = std::fs::read_to_string(whole.join(name)).unwrap();
        let actual = std::fs::read_to_string(merged.join(name)).unwrap();
        let (expected, actual) = (common::normalise(&expected), common::normalise(&actual));
        if expected != actual {
            let diff = similar::TextDiff::from_lines(&expected, &actual)
                .unified_diff()
                .context_radius(2)
                .to_string();
            panic!("{name} differs from the unsharded run's:\n{diff}");
        }
    }
}

#[test]
fn merging_reports_that_are_not_shards_of_one_run_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.json");
    run(&common::cases(), &["--report-json", one.to_str().unwrap()]);
    std::fs::copy(&one, dir.path().join("two.json")).unwrap();
    let output = common::merge(dir.path(), &dir.path().join("out"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is in both") && stderr.contains("one.json"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"format_version\": 3,\n \"cases\": 7}",
    )
    .unwrap();
    let output = common::merge(&dir.path().join("bad.json"), &dir.path().join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json:2:") && stderr.contains("not a contract JSON report"),
        "{stderr}"
    );
}
