//! Importing the real Graph v1.0 CSDL and pages (needs CONTRACT_CORPUS).

mod common;

use contract_harness::finding::Severity;
use contract_harness::lint;
use contract_harness::schema::csdl;
use contract_harness::schema::import;
use contract_harness::schema::Schemas;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn import_all(corpus: &std::path::Path) -> Schemas {
    let model = csdl::read(&corpus.join("csdl/v1.0-Prod.csdl"), &[]).expect("the CSDL reads");
    let mut schemas = Schemas::empty();
    for doc in import::generate(&model, None, "v1.0-Prod.csdl") {
        schemas
            .add(PathBuf::from(doc.file_name), doc.schema)
            .expect("every generated document is a schema");
    }
    schemas
}

#[test]
fn every_type_of_the_v1_csdl_becomes_a_schema_that_compiles() {
    let Some(corpus) = common::corpus("csdl_import") else {
        return;
    };
    let model = csdl::read(&corpus.join("csdl/v1.0-Prod.csdl"), &[]).expect("the CSDL reads");
    let (entity, complex, enums, definitions) = model.counts(None);
    eprintln!("v1.0 CSDL: {entity} entity, {complex} complex, {enums} enum, {definitions} type definitions");
    assert!(entity > 1000 && complex > 1000 && enums > 500);

    let schemas = import_all(&corpus);
    assert_eq!(schemas.len(), model.types.len());
    let failures: Vec<String> = schemas
        .type_names()
        .filter_map(|name| match schemas.compile_error(&name) {
            Some(Ok(())) => None,
            Some(Err(message)) => Some(format!("{name}: {message}")),
            None => Some(format!("{name}: not found by its own name")),
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} schemas do not compile:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_committed_schemas_are_what_the_import_generates() {
    let Some(corpus) = common::corpus("csdl_import") else {
        return;
    };
    // One folder per version, each from its own CSDL, for the types its own pages name (what
    // scripts/regenerate-schemas does).
    for (version, csdl) in [("v1.0", "v1.0-Prod.csdl"), ("beta", "beta-USSec.csdl")] {
        let out = tempfile::tempdir().unwrap();
        let status = common::contract()
            .arg("schemas")
            .arg("import")
            .arg("--csdl")
            .arg(corpus.join("csdl").join(csdl))
            .arg("--out")
            .arg(out.path())
            .arg("--cases")
            .arg(common::cases().join(version))
            .status()
            .unwrap();
        assert!(status.success());
        let read = |dir: &std::path::Path| -> BTreeMap<String, String> {
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .map(|p| {
                    let text = std::fs::read_to_string(&p).unwrap();
                    (p.file_name().unwrap().to_string_lossy().into_owned(), text)
                })
                .collect()
        };
        let generated = read(out.path());
        let committed = read(&common::workspace().join("schemas").join(version));
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            generated.keys().collect::<Vec<_>>(),
            "schemas/{version}/ is out of date: run scripts/regenerate-schemas"
        );
        for (name, text) in &generated {
            assert_eq!(
                &committed[name], text,
                "schemas/{version}/{name} is out of date: run scripts/regenerate-schemas"
            );
        }
    }
}

#[test]
fn lint_over_the_v1_pages_with_every_imported_schema() {
    let Some(corpus) = common::corpus("csdl_import") else {
        return;
    };
    let mut schemas = import_all(&corpus);
    let pages = corpus.join("graph-docs-2021/v1.0");
    let (list, findings) = lint::lint(&pages, &[], &mut schemas).expect("the pages lint");
    let mut by_rule: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for finding in &findings {
        *by_rule
            .entry((finding.rule.name(), finding.severity))
            .or_default() += 1;
    }
    eprintln!(
        "lint v1.0 ({} pages, {} schemas):",
        list.pages,
        schemas.len()
    );
    for ((rule, severity), count) in &by_rule {
        eprintln!("  {count:>5} {severity:?} {rule}");
    }
    // The schemas find documentation bugs the shape checks cannot, e.g. placeholder text
    // where a date is documented ("String (timestamp)").
    let schema_errors = by_rule
        .get(&("schema", Severity::Error))
        .copied()
        .unwrap_or(0);
    assert!(schema_errors > 100, "{schema_errors} schema findings");
    assert!(findings.iter().any(|f| f.rule == "schema"
        && f.file == "api/alert-get.md"
        && f.message
            .contains("\"String (timestamp)\" is not a \"date-time\"")));
    for finding in &findings {
        assert!(finding.line > 0, "{finding}");
    }
}

/// What the CSDL says `type_name` and its base types declare, read from the model itself (not
/// from the generated schemas, whose walk is what is under test).
fn declared_by_chain(model: &csdl::Model, type_name: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut next = Some(type_name.to_owned());
    while let Some(name) = next.take() {
        let Some(structured) = model.structured(&name) else {
            break;
        };
        names.extend(structured.properties.iter().map(|p| p.name.clone()));
        next = structured.base.clone();
    }
    names
}

/// Every property lint reports as undeclared, with the schema it names, and every
/// undeclared-property warning the check gives an answer: (case or page, name, type).
fn undeclared_over_the_corpus(
    corpus: &std::path::Path,
    schemas: &mut Schemas,
) -> Vec<(String, String, String)> {
    use contract_harness::check::{check, ViolationKind};
    use contract_harness::send::ActualResponse;
    let root = corpus.join("graph-docs-2021/v1.0");
    let (catalog, findings) = lint::lint(&root, &[], schemas).expect("the corpus lints");
    let schemas = &*schemas;
    let from_lint = regex::Regex::new(
        r"Unevaluated properties are not allowed \((?P<names>.+) (?:was|were) unexpected\); (?P<schema>\S+)\.json and its base types do not declare them",
    )
    .unwrap();
    let mut found = Vec::new();
    for finding in &findings {
        if let Some(caps) = from_lint.captures(&finding.message) {
            for name in caps["names"].split(", ") {
                let name = name.trim_matches('\'');
                found.push((
                    format!("{}:{}", finding.file, finding.line),
                    name.to_owned(),
                    caps["schema"].to_owned(),
                ));
            }
        }
    }
    let from_check = regex::Regex::new(
        r"^`(?P<name>[^`]+)` is not a property of this type \(schema (?P<schema>\S+)\.json does not declare it\)$",
    )
    .unwrap();
    for case in &catalog.cases {
        let Some(response) = &case.response else {
            continue;
        };
        let Some(body) = response.body.json() else {
            continue;
        };
        // An answer that says more than the example: every undeclared warning is the answer's.
        let mut answer = body.clone();
        if let Some(object) = answer.as_object_mut() {
            object.insert("extraFromTheService".into(), serde_json::json!(1));
        }
        let actual = ActualResponse {
            status: response.status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&answer).unwrap(),
            body_cut: false,
            elapsed: std::time::Duration::ZERO,
        };
        let verdict = check(case, &actual, schemas);
        for warning in verdict.warnings.iter().chain(&verdict.violations) {
            if warning.kind != ViolationKind::UndeclaredProperty {
                continue;
            }
            let caps = from_check
                .captures(&warning.message)
                .unwrap_or_else(|| panic!("{}: unexpected wording: {}", case.id, warning.message));
            found.push((
                case.id.clone(),
                caps["name"].to_owned(),
                caps["schema"].to_owned(),
            ));
        }
    }
    found
}

#[test]
fn every_undeclared_property_reported_is_one_no_type_in_its_chain_declares() {
    let Some(corpus) = common::corpus("csdl_import") else {
        return;
    };
    let model = csdl::read(&corpus.join("csdl/v1.0-Prod.csdl"), &[]).expect("the CSDL reads");
    let mut schemas = import_all(&corpus);
    let found = undeclared_over_the_corpus(&corpus, &mut schemas);
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, name, schema)| {
            let declared = declared_by_chain(&model, schema);
            declared.is_empty() || declared.contains(name)
        })
        .map(|(at, name, schema)| format!("{at}: `{name}` in {schema}"))
        .collect();
    eprintln!(
        "{} undeclared properties reported over the v1.0 corpus (lint and check), each checked against the CSDL",
        found.len()
    );
    assert!(
        found.len() > 100,
        "only {}: the walk lost the corpus",
        found.len()
    );
    assert!(wrong.is_empty(), "{}:\n{}", wrong.len(), wrong.join("\n"));
}
