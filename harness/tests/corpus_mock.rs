//! Every runnable v1.0 corpus case, sent to the embedded mock built from the
//! same pages, passes — except examples the docs make ambiguous, listed with their reason.

mod common;

use contract_harness::case::Case;
use contract_harness::runner::{Outcome, RunOptions, Runner, Summary};
use contract_harness::schema::Schemas;
use contract_harness::send::service_path;
use std::sync::Arc;

/// Two examples the mock cannot tell apart: same method, path, query, headers and body.
fn same_request(a: &Case, b: &Case) -> bool {
    let (Some(ra), Some(rb)) = (&a.request, &b.request) else {
        return false;
    };
    let headers = |r: &contract_harness::http::Request| {
        let mut h: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h.value.clone()))
            .collect();
        h.sort();
        h
    };
    ra.method == rb.method
        && service_path(&ra.url, &a.version).ok() == service_path(&rb.url, &b.version).ok()
        && ra.body == rb.body
        && headers(ra) == headers(rb)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_runnable_corpus_case_passes_against_the_mock() {
    let Some(corpus) = common::corpus("corpus_mock") else {
        return;
    };
    let list =
        contract_harness::catalog::Catalog::read(&corpus.join("graph-docs-2021/v1.0/api")).unwrap();
    let cases = Arc::new(list.cases);
    let runner = Arc::new(
        Runner::start(&cases, Arc::new(Schemas::empty()), RunOptions::default())
            .await
            .unwrap(),
    );
    let results = runner.run_all(Arc::clone(&cases), 16, |_| {}).await;
    let summary = Summary::of(&results);

    let mut known = Vec::new();
    let mut unexpected = Vec::new();
    for (case, result) in cases.iter().zip(&results) {
        let message = match &result.outcome {
            Outcome::Failed(verdict) => common::render(case, verdict),
            Outcome::Error(error) => error.message.clone(),
            _ => continue,
        };
        match cases
            .iter()
            .find(|other| other.id != case.id && same_request(case, other))
        {
            Some(twin) => known.push(format!(
                "{}: the docs give {} the same request",
                case.id, twin.id
            )),
            None => unexpected.push(message),
        }
    }
    eprintln!(
        "corpus v1.0/api against the mock: {} passed, {} failed, {} errors, {} skipped {:?}",
        summary.passed,
        summary.failed,
        summary.errors,
        summary.skipped_total(),
        summary.skipped
    );
    for line in &known {
        eprintln!("  known: {line}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(summary.passed > 1400, "{summary:?}");
}
