//! Listing the real Graph v1.0 pages (needs CONTRACT_CORPUS).

mod common;

use contract_harness::case;
use std::collections::{BTreeMap, HashMap};

/// Counts `"blockType": "request"` annotations by reading the text, independently of the
/// Markdown parser, so the two can be compared.
fn request_annotations(text: &str) -> usize {
    let mut count = 0;
    let mut rest = text;
    while let Some(at) = rest.find("\"blockType\"") {
        rest = &rest[at + "\"blockType\"".len()..];
        let after_colon = rest.trim_start().strip_prefix(':').map(str::trim_start);
        if after_colon.is_some_and(|r| r.starts_with("\"request\"")) {
            count += 1;
        }
    }
    count
}

#[test]
fn every_v1_api_page_parses_and_every_request_block_is_one_case() {
    let Some(corpus) = common::corpus("corpus_list") else {
        return;
    };
    let api = corpus.join("graph-docs-2021/v1.0/api");
    let list = contract_harness::catalog::Catalog::read(&api).expect("the corpus folder lists");

    let mut per_page: HashMap<&str, usize> = HashMap::new();
    for case in &list.cases {
        *per_page.entry(case.file.as_str()).or_default() += 1;
    }
    let mut expected_total = 0;
    for entry in std::fs::read_dir(&api).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = request_annotations(&text);
        expected_total += expected;
        assert_eq!(
            per_page.get(file.as_str()).copied().unwrap_or(0),
            expected,
            "{file}: request blocks vs cases"
        );
    }
    assert_eq!(list.cases.len(), expected_total);

    let mut skipped: BTreeMap<case::SkipKind, usize> = BTreeMap::new();
    for case in &list.cases {
        if let Some(reason) = &case.skip {
            assert!(
                !reason.to_string().trim().is_empty(),
                "{} has an empty skip reason",
                case.id
            );
            *skipped.entry(reason.kind()).or_default() += 1;
        }
    }
    let mut ids: Vec<&str> = list.cases.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), list.cases.len(), "ids are unique");

    let runnable = list.cases.iter().filter(|c| c.runnable()).count();
    eprintln!(
        "corpus v1.0/api: {} pages, {} cases, {runnable} runnable, {} skipped {skipped:?}, {} findings",
        list.pages,
        list.cases.len(),
        list.cases.len() - runnable,
        list.findings.len()
    );
    assert!(list.pages > 2000);
}

#[test]
fn every_v1_resource_page_parses() {
    let Some(corpus) = common::corpus("corpus_list") else {
        return;
    };
    let list =
        contract_harness::catalog::Catalog::read(&corpus.join("graph-docs-2021/v1.0/resources"))
            .expect("lists");
    eprintln!(
        "corpus v1.0/resources: {} pages, {} cases, {} findings",
        list.pages,
        list.cases.len(),
        list.findings.len()
    );
    assert!(list.pages > 1000);
}
