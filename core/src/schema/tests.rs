use super::*;
use serde_json::json;

/// The repository's schemas: one folder per version.
fn repo_schemas() -> Schemas {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    Schemas::load(&dir).expect("the repository's schemas load")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn lookup_ignores_case_hash_and_collection() {
    let all = repo_schemas();
    let schemas = all.for_version("beta");
    assert!(schemas.len() >= 10);
    assert!(!schemas.is_empty());
    assert!(schemas.knows("microsoft.graph.workbookchartpoint"));
    assert!(schemas.knows("#microsoft.graph.workbookChartPoint"));
    assert!(schemas.knows("Collection(microsoft.graph.workbookChartPoint)"));
    assert!(schemas.knows("collection(microsoft.graph.workbookChartPoint)"));
    assert!(
        is_primitive("Edm.String")
            && is_primitive("string")
            && is_primitive("Collection(Edm.Int32)")
    );
    assert!(!is_primitive("microsoft.graph.user") && !is_primitive("stringValue"));
    assert!(schemas.knows("workbookChartPoint"));
    assert!(!schemas.knows("microsoft.graph.user"));
    assert!(!schemas.knows(""));
    assert!(!Schemas::empty().knows("microsoft.graph.entity"));
}

#[test]
fn valid_body_has_no_issues() {
    let all = repo_schemas();
    let schemas = all.for_version("beta");
    let body = json!({
        "@odata.type": "#microsoft.graph.workbookChartPoint",
        "id": "1",
        "value": {"anything": [1, 2]}
    });
    assert_eq!(
        schemas.validate("microsoft.graph.workbookchartpoint", &body),
        []
    );
}

#[test]
fn inherited_properties_count_and_unknown_ones_do_not() {
    let all = repo_schemas();
    let schemas = all.for_version("beta");
    let issues = schemas.validate(
        "microsoft.graph.workbookChartPoint",
        &json!({"id": 7, "colour": "red", "value@odata.type": "x"}),
    );
    let pointers: Vec<&str> = issues.iter().map(|i| i.pointer.as_str()).collect();
    assert!(pointers.contains(&"/id"), "{issues:?}");
    assert!(
        issues.iter().any(|i| i.message.contains("colour")),
        "{issues:?}"
    );
    assert_eq!(issues.len(), 2, "{issues:?}");
}

#[test]
fn nested_refs_resolve_and_report_their_pointer() {
    let all = repo_schemas();
    let schemas = all.for_version("v1.0");
    // event → onlineMeetingInfo → phone: a language that is not a string.
    let issues = schemas.validate(
        "microsoft.graph.event",
        &json!({
            "id": "x",
            "onlineMeeting": {"phones": [{"number": "1", "type": "business", "language": 5}]}
        }),
    );
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].pointer, "/onlineMeeting/phones/0/language");
}

#[test]
fn each_version_folder_is_a_set_of_its_own() {
    let all = repo_schemas();
    let (v1, beta) = (all.for_version("v1.0"), all.for_version("beta"));
    assert!(beta.knows("microsoft.graph.workbookChartPoint"));
    assert!(!v1.knows("microsoft.graph.workbookChartPoint"));
    assert!(v1.knows("microsoft.graph.user") && !beta.knows("microsoft.graph.user"));
    // `language` exists in v1.0's phone only, `postOfficeBox` in beta's physicalAddress only.
    let phone = json!({"onlineMeeting": {"phones": [{"number": "1", "language": "en-US"}]}});
    assert_eq!(v1.validate("microsoft.graph.event", &phone), []);
    assert_eq!(beta.validate("microsoft.graph.event", &phone).len(), 1);
    let address = json!({"location": {"address": {"city": "Redmond", "postOfficeBox": "42"}}});
    assert_eq!(beta.validate("microsoft.graph.event", &address), []);
    assert_eq!(v1.validate("microsoft.graph.event", &address).len(), 1);
    // A version without a folder gets the files outside the version folders: none here.
    assert!(!all.for_version("v2").knows("microsoft.graph.user"));
    assert_eq!(all.versions().collect::<Vec<_>>(), ["beta", "v1.0"]);
    assert_eq!(all.len(), v1.len() + beta.len());
}

#[test]
fn a_flat_folder_serves_every_version_and_a_version_folder_wins() {
    let dir = tempfile::tempdir().unwrap();
    let schema = |title: &str| {
        format!(
            r#"{{"type": "object", "properties": {{"{title}": {{"type": "string"}}}}, "unevaluatedProperties": false}}"#
        )
    };
    write(dir.path(), "microsoft.graph.thing.json", &schema("flat"));
    std::fs::create_dir(dir.path().join("beta")).unwrap();
    write(
        &dir.path().join("beta"),
        "microsoft.graph.thing.json",
        &schema("beta"),
    );
    let all = Schemas::load(dir.path()).unwrap();
    let body = json!({"beta": "x"});
    assert_eq!(
        all.for_version("beta")
            .validate("microsoft.graph.thing", &body),
        []
    );
    assert_eq!(
        all.for_version("v1.0")
            .validate("microsoft.graph.thing", &body)
            .len(),
        1
    );
    assert_eq!(
        all.for_version("v1.0")
            .validate("microsoft.graph.thing", &json!({"flat": "x"})),
        []
    );
}

#[test]
fn unknown_type_validates_nothing() {
    assert_eq!(
        repo_schemas().validate("microsoft.graph.nope", &json!(1)),
        []
    );
}

#[test]
fn bad_json_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.json",
        "{\n  \"type\": \"object\",\n  oops\n}",
    );
    let error = Schemas::load(dir.path()).unwrap_err();
    let SchemaError::NotJson {
        path, line, column, ..
    } = &error
    else {
        panic!("{error}")
    };
    assert!(path.ends_with("a.json"));
    assert_eq!((*line, *column), (3, 3));
    assert!(error.to_string().contains("a.json:3:3"), "{error}");
}

#[test]
fn non_object_and_duplicate_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x.json", "[1]");
    let error = Schemas::load(dir.path()).unwrap_err();
    assert!(matches!(error, SchemaError::NotASchema { .. }), "{error}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(dir.path(), "ns.T.json", "{}");
    write(&dir.path().join("sub"), "ns.t.json", "{}");
    let error = Schemas::load(dir.path()).unwrap_err();
    assert!(matches!(error, SchemaError::Duplicate { .. }), "{error}");
}

#[test]
fn missing_folder_is_an_error() {
    let error = Schemas::load(Path::new("/nonexistent/schemas")).unwrap_err();
    assert!(matches!(error, SchemaError::Read { .. }), "{error}");
}

#[test]
fn a_dangling_ref_is_reported_not_panicked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ns.a.json",
        &json!({
            "$schema": DRAFT_2020_12,
            "$id": format!("{ID_BASE}ns.a.json"),
            "allOf": [{"$ref": "ns.missing.json"}]
        })
        .to_string(),
    );
    let schemas = Schemas::load(dir.path()).unwrap();
    let issues = schemas.validate("ns.a", &json!({}));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].message.contains("ns.a.json"), "{issues:?}");
    // The failure is cached, and said again on the next call.
    assert_eq!(schemas.validate("ns.a", &json!({})), issues);
}

#[test]
fn missing_id_gets_the_conventional_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ns.b.json", r#"{"type": "string"}"#);
    write(dir.path(), "ns.c.json", r#"{"$ref": "ns.b.json"}"#);
    let schemas = Schemas::load(dir.path()).unwrap();
    assert_eq!(schemas.validate("ns.c", &json!("s")), []);
    assert_eq!(schemas.validate("ns.c", &json!(1)).len(), 1);
}

#[test]
fn every_repository_schema_compiles() {
    let all = repo_schemas();
    for version in ["v1.0", "beta"] {
        let schemas = all.for_version(version);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../schemas")
            .join(version);
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(schemas.knows(&stem), "{stem}");
                let issues = schemas.validate(&stem, &json!({"@odata.type": "x"}));
                assert!(
                    issues.iter().all(|i| !i.message.contains("cannot be")),
                    "{stem}: {issues:?}"
                );
            }
        }
    }
}

#[test]
fn prune_drops_properties_reported_deeper_and_rewords() {
    let mut issues = vec![SchemaIssue {
        pointer: "/a".into(),
        message: "Unevaluated properties are not allowed ('x', 'y' were unexpected)".into(),
        unevaluated: vec!["x".into(), "y".into()],
        schema: None,
        canonical: None,
        enumeration: None,
    }];
    prune_unevaluated(&mut issues, &["/a/x/z".to_owned(), "/a/xx".to_owned()]);
    assert_eq!(issues[0].unevaluated, ["y"]);
    assert_eq!(
        issues[0].message,
        "Unevaluated properties are not allowed ('y' was unexpected)"
    );
    prune_unevaluated(&mut issues, &["/a/y".to_owned()]);
    assert!(issues.is_empty());
}

/// Schemas shaped as `contract schemas import` makes them: `printer` derives from `printerBase`
/// from `entity`, each closed; `printerBase.location` is a nullable `printerLocation`.
fn printer_schemas() -> Schemas {
    let closed = |name: &str, base: Option<&str>, properties: Value| {
        let mut schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": format!("{ID_BASE}microsoft.graph.{name}.json"),
            "type": "object",
            "properties": properties,
            "patternProperties": { "@": {} },
            "unevaluatedProperties": false
        });
        if let Some(base) = base {
            schema["allOf"] = json!([{ "$ref": format!("microsoft.graph.{base}.json") }]);
        }
        schema
    };
    let mut schemas = Schemas::empty();
    for (name, schema) in [
        (
            "entity",
            closed("entity", None, json!({ "id": { "type": "string" } })),
        ),
        (
            "printerBase",
            closed(
                "printerBase",
                Some("entity"),
                json!({
                    "displayName": { "type": "string" },
                    "manufacturer": { "type": "string" },
                    "status": { "enum": ["idle", "processing"] },
                    "location": { "anyOf": [
                        { "$ref": "microsoft.graph.printerLocation.json" },
                        { "type": "null" }
                    ] }
                }),
            ),
        ),
        (
            "printer",
            closed(
                "printer",
                Some("printerBase"),
                json!({ "isShared": { "type": "boolean" } }),
            ),
        ),
        (
            "printerLocation",
            closed(
                "printerLocation",
                None,
                json!({ "building": { "type": "string" } }),
            ),
        ),
    ] {
        schemas
            .add(
                PathBuf::from(format!("microsoft.graph.{name}.json")),
                schema,
            )
            .unwrap();
    }
    schemas
}

#[test]
fn one_bad_inherited_value_is_one_issue_not_every_inherited_property() {
    let schemas = printer_schemas();
    let printer = json!({
        "id": "1", "displayName": "P", "manufacturer": "M", "isShared": true,
        "status": "disconnected"
    });
    let issues = schemas.validate("microsoft.graph.printer", &printer);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0].pointer, "/status");
    assert!(issues[0].unevaluated.is_empty());
}

#[test]
fn an_undeclared_property_is_named_with_the_schema_of_the_object_that_holds_it() {
    let schemas = printer_schemas();
    let printer = json!({
        "id": "1", "displayName": "P", "isShared": true, "status": "disconnected",
        "location": { "building": "B", "subUnit": ["2"] }
    });
    let issues = schemas.validate("microsoft.graph.printer", &printer);
    let undeclared: Vec<(&str, &[String], Option<&str>)> = issues
        .iter()
        .filter(|i| !i.unevaluated.is_empty())
        .map(|i| (i.pointer.as_str(), &i.unevaluated[..], i.schema.as_deref()))
        .collect();
    assert_eq!(
        undeclared,
        [(
            "/location",
            &["subUnit".to_owned()][..],
            Some("microsoft.graph.printerLocation.json")
        )],
        "{issues:#?}"
    );
}
