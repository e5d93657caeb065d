//! Checking 10,000 responses of seed 003's shape (workbookChartPoint) against the schemas.
//!
//! Run with `cargo bench --bench check`. Two figures: schema validation alone (values already
//! parsed), and the whole `check` (JSON parse, status, headers, shape, schema) per response.

use contract_harness::case::Case;
use contract_harness::catalog::Catalog;
use contract_harness::check::check;
use contract_harness::schema::Schemas;
use contract_harness::send::ActualResponse;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::Path;

const RESPONSES: usize = 10_000;

fn seed_003() -> Case {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Catalog::read(&root.join("../cases"))
        .expect("the seed pages list")
        .cases
        .into_iter()
        .find(|c| c.file.ends_with("workbookchartpoint-post.md"))
        .expect("seed 003 is in cases/")
}

/// Responses like the documented one, with values varying as a service's would; every tenth
/// breaks the schema (an undeclared property) so the error path is measured too.
fn bodies() -> Vec<Value> {
    (0..RESPONSES)
        .map(|i| {
            let mut body = json!({
                "@odata.context": "https://graph.microsoft.com/beta/$metadata#points/$entity",
                "@odata.type": "#microsoft.graph.workbookChartPoint",
                "id": format!("bafa8a99-8a99-bafa-998a-{i:012x}"),
                "value": {"@odata.type": "microsoft.graph.Json", "n": i},
            });
            if i % 10 == 0 {
                body["colour"] = json!("red");
            }
            body
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let schemas = Schemas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas"))
        .expect("schemas load");
    let case = seed_003();
    let bodies = bodies();
    let responses: Vec<ActualResponse> = bodies
        .iter()
        .map(|body| ActualResponse {
            status: 201,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            ..ActualResponse::default()
        })
        .collect();
    // Compile the validator outside the measurement: it happens once per run, not per response.
    let issues: usize = bodies
        .iter()
        .map(|b| {
            schemas
                .validate("microsoft.graph.workbookchartpoint", b)
                .len()
        })
        .sum();
    let failed = responses
        .iter()
        .filter(|r| !check(&case, r, &schemas).passed())
        .count();
    println!(
        "{RESPONSES} responses: {issues} schema issues, {failed} failed checks (every tenth is broken on purpose)"
    );

    let mut group = c.benchmark_group("seed_003");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RESPONSES as u64));
    group.bench_function("schema_validate_10k", |b| {
        b.iter(|| {
            bodies
                .iter()
                .map(|body| {
                    schemas
                        .validate(black_box("microsoft.graph.workbookchartpoint"), body)
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("check_10k", |b| {
        b.iter(|| {
            responses
                .iter()
                .filter(|r| check(black_box(&case), r, &schemas).passed())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
