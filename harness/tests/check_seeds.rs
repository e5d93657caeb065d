//! Each seed page's documented response, served back as is, against the schemas: what passes
//! and what the schemas catch in the documentation itself.

mod common;

use contract_harness::case::Case;
use contract_harness::catalog::Catalog;
use contract_harness::check::{check, ViolationKind};
use contract_harness::schema::Schemas;
use contract_harness::send::ActualResponse;
use std::path::Path;

fn seed(file: &str) -> (Case, Schemas) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = Catalog::read(&root.join("../cases"))
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
fn seed_000_is_beta_and_the_beta_csdl_lacks_its_type() {
    // Seed 000 documents beta; the beta CSDL we have (the sovereign-cloud subset) has no
    // educationPointsOutcome, so the beta schemas cannot validate it (lint says so).
    let (case, schemas) = seed("educationpointsoutcome-post.md");
    assert_eq!(case.version, "beta");
    let odata_type = case.expect.odata_type.as_deref().unwrap();
    assert!(!schemas.for_version("beta").knows(odata_type));
    assert!(check(&case, &as_documented(&case), &schemas).passed());
}

#[test]
fn seed_000_documented_points_break_the_v1_csdl_type() {
    let Some(corpus) = common::corpus("seed_000_documented_points_break_the_v1_csdl_type") else {
        return;
    };
    // The same page against the v1.0 type, in a flat folder (one set for every version).
    let out = tempfile::tempdir().unwrap();
    let status = common::contract()
        .args([
            "schemas",
            "import",
            "--only",
            "microsoft.graph.educationPointsOutcome",
            "--csdl",
        ])
        .arg(corpus.join("csdl/v1.0-Prod.csdl"))
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let (case, _) = seed("educationpointsoutcome-post.md");
    let schemas = Schemas::load(out.path()).unwrap();
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
