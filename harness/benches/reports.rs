//! What writing the reports adds to a run: all four formats for 1,000 cases (one in ten failed
//! with a body diff), from the results to the files. `cargo bench --bench reports`.

use contract_harness::case::Case;
use contract_harness::check::{BodyDiff, Verdict, Violation, ViolationKind};
use contract_harness::redact::Secrets;
use contract_harness::report::{self, Outputs};
use contract_harness::runner::{CaseResult, Outcome};
use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

const PAGES: usize = 100;
const PER_PAGE: usize = 10;

fn page(index: usize) -> String {
    let mut text = format!("# Page {index}\n\n");
    for example in 0..PER_PAGE {
        let _ = write!(
            text,
            "<!-- {{ \"blockType\": \"request\", \"name\": \"example_{example}\" }} -->\n\
             ```http\nGET https://graph.microsoft.com/v1.0/things/{example}\n```\n\n\
             <!-- {{ \"blockType\": \"response\" }} -->\n\
             ```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n\
             {{ \"id\": \"{example}\", \"name\": \"<thing & co>\" }}\n```\n\n"
        );
    }
    text
}

fn body(name: &str) -> String {
    let mut text = String::from("{\n");
    for i in 0..30 {
        let _ = writeln!(text, "  \"property{i}\": \"value {i} of {name}\",");
    }
    text.push_str("  \"id\": \"1\"\n}\n");
    text
}

fn run_data() -> (Vec<Case>, Vec<CaseResult>) {
    let mut cases = Vec::new();
    for index in 0..PAGES {
        let file = format!("v1.0/api/page-{index}.md");
        let page = contract_harness::doc::parse_page(&file, &page(index));
        cases.extend(contract_harness::case::cases_of_page(&page, Some("v1.0")));
    }
    let results = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let outcome = if i % 10 == 3 {
                Outcome::Failed(Verdict {
                    warnings: Vec::new(),
                    violations: vec![Violation {
                        pointer: "/name".into(),
                        kind: ViolationKind::Status,
                        expected: "\"<thing & co>\"".into(),
                        actual: "\"other\"".into(),
                        message: "name differs from the documented value".into(),
                        documented_line: None,
                    }],
                    diff: Some(BodyDiff {
                        expected: body("documented"),
                        actual: body("actual"),
                        extra_keys: vec!["extra".into()],
                        notes: Vec::new(),
                    }),
                })
            } else {
                Outcome::Passed
            };
            CaseResult {
                duration: Duration::from_millis(5),
                ..CaseResult::new(case.id.clone(), outcome)
            }
        })
        .collect();
    (cases, results)
}

fn bench(c: &mut Criterion) {
    let (cases, results) = run_data();
    assert_eq!(cases.len(), PAGES * PER_PAGE);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let outputs = Outputs::in_dir(dir.path());
    let secrets = Secrets::new(["s3cr3t-token-value"]);
    let target = url::Url::parse("https://graph.example.com/").expect("a valid URL");
    let write_all = || {
        let run = report::Report::new(
            &cases,
            &results,
            Duration::from_secs(3),
            &target,
            false,
            Path::new("cases"),
            &secrets,
        );
        report::write(&run, &secrets, &outputs).expect("the reports are written");
    };
    write_all();
    let size: u64 = std::fs::read_dir(dir.path())
        .expect("the report folder")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "four reports for {} cases: {} KiB in all",
        cases.len(),
        size / 1024
    );
    c.bench_function("write all four reports, 1000 cases", |b| b.iter(write_all));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
