//! Each seed page's documented response, served back as is, against the schemas: what passes
//! and what the schemas catch in the documentation itself.

mod common;

use contract_harness::case::{list, Case};
use contract_harness::check::{check, ViolationKind};
use contract_harness::schema::Schemas;
use contract_harness::send::ActualResponse;
use std::path::Path;

fn seed(file: &str) -> (Case, Schemas) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = list(&root.join("../cases"))
        .expect("the seed pages list")
        .cases
        .into_iter()
        .find(|c| c.file.ends_with(file) && c.response.is_some())
        .expect("the seed is in cases/");
    let schemas = Schemas::load(&root.join("../schemas")).expect("schemas load");
    (case, schemas)
}

/// The documented response, byte for byte, as a mock would serve it.
fn as_documented(case: &Case) -> ActualResponse {
    let documented = case.response.as_ref().expect("a documented response");
    ActualResponse {
        status: documented.status,
        headers: documented
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect(),
        body: documented.body_text.clone().into_bytes(),
        ..ActualResponse::default()
    }
}

#[test]
fn seed_000_documented_points_break_the_csdl_type() {
    let (case, schemas) = seed("educationpointsoutcome-post.md");
    assert!(schemas.knows(case.expect.odata_type.as_deref().unwrap()));
    let verdict = check(&case, &as_documented(&case), &schemas);
    // "points": "Single" where the CSDL says Edm.Single: a doc bug the schema finds.
    let found: Vec<(&str, ViolationKind)> = verdict
        .violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.kind))
        .collect();
    assert_eq!(found, [("/points/points", ViolationKind::Schema)]);
    assert_eq!(verdict.violations[0].actual, "\"Single\"");
}

#[test]
fn seed_003_documented_response_passes_its_own_check() {
    let (case, schemas) = seed("workbookchartpoint-post.md");
    let verdict = check(&case, &as_documented(&case), &schemas);
    assert!(verdict.passed(), "{}", common::render(&case, &verdict));
}
