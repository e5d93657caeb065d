use super::*;
use crate::catalog::Catalog;
use crate::lint::lint;
use crate::schema::Schemas;

const THING: &str = r#"# thing resource type

Namespace: microsoft.graph

## Properties
|Property|Type|Description|
|:---|:---|:---|
|id|String|The id.|
|count|Int32|How many.|
|kind|[kindType](kindtype.md)|What kind.|
|note|String|Only in the table.|

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.thing", "keyProperty": "id" } -->
```json
{
  "id": "String (identifier)",
  "count": 1,
  "kind": "String",
  "extra": "String"
}
```
"#;

const KIND: &str = r#"# kindType enum type

Namespace: microsoft.graph

## Members
| Member | Value | Description |
|:---|:---|:---|
| small | 0 | Small. |
| large | 1 | Large. |
"#;

fn example(name: &str, body: &str) -> String {
    format!(
        "<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\" }} -->\n```http\nGET /things/1\n```\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.thing\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}\n```\n"
    )
}

fn docs(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn messages(findings: &[Finding], rule: &str) -> Vec<(String, usize, Severity, String)> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.file.clone(), f.line, f.severity, f.message.clone()))
        .collect()
}

#[test]
fn resource_pages_and_enum_tables_become_the_model() {
    let dir = docs(&[
        ("v1.0/resources/thing.md", THING),
        ("v1.0/resources/kindtype.md", KIND),
    ]);
    let catalog = Catalog::read(dir.path()).unwrap();
    let model = &catalog.model;
    assert_eq!(model.resources.len(), 1);
    let thing = &model.resources[0];
    assert_eq!(thing.name, "microsoft.graph.thing");
    assert_eq!(thing.key.as_deref(), Some("id"));
    assert_eq!(thing.version, "v1.0");
    let listed: Vec<&str> = thing.table.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(listed, ["id", "count", "kind", "note"]);
    assert_eq!(thing.table[2].2, 10, "the kind row's line");
    assert_eq!(model.enums.len(), 1);
    assert_eq!(model.enums[0].name, "microsoft.graph.kindType");
    assert_eq!(model.enums[0].members, ["small", "large"]);
}

#[test]
fn without_csdl_the_documented_model_checks_every_example_at_its_line() {
    let wrong_type = example(
        "get_thing",
        "{\n  \"id\": \"1\",\n  \"count\": \"three\"\n}",
    );
    let undocumented = example("get_other", "{\n  \"id\": \"1\",\n  \"colour\": \"red\"\n}");
    let bad_member = example("get_kind", "{\n  \"id\": \"1\",\n  \"kind\": \"medium\"\n}");
    let dir = docs(&[
        ("v1.0/resources/thing.md", THING),
        ("v1.0/resources/kindtype.md", KIND),
        ("v1.0/api/thing-get.md", &wrong_type),
        ("v1.0/api/thing-other.md", &undocumented),
        ("v1.0/api/thing-kind.md", &bad_member),
    ]);
    let mut schemas = Schemas::empty();
    let (_, findings) = lint(dir.path(), &[], &mut schemas).unwrap();
    let schema = messages(&findings, "schema");
    assert_eq!(schema.len(), 2, "{findings:#?}");
    // Each at the line of the offending property.
    let at = |file: &str| schema.iter().find(|(f, ..)| f == file).unwrap();
    assert_eq!(at("v1.0/api/thing-get.md").1, 12);
    assert!(at("v1.0/api/thing-get.md").3.contains("`/count`"));
    assert_eq!(at("v1.0/api/thing-other.md").1, 12);
    assert!(at("v1.0/api/thing-other.md").3.contains("'colour'"));
    // A value outside its enumeration is the enum rule's, naming the members.
    let member = messages(&findings, "enum");
    assert_eq!(member.len(), 1, "{findings:#?}");
    assert_eq!(
        (member[0].0.as_str(), member[0].1),
        ("v1.0/api/thing-kind.md", 12)
    );
    assert!(
        member[0].3.contains(
            "`medium` at `/kind` is not a member of microsoft.graph.kindType (small, large)"
        ),
        "{member:?}"
    );
}

#[test]
fn the_resource_rule_says_each_disagreement_at_its_line() {
    let base_missing = THING
        .replace(
            "\"keyProperty\": \"id\"",
            "\"keyProperty\": \"key\", \"baseType\": \"microsoft.graph.nowhere\"",
        )
        .replace("# thing resource type", "# thing2 resource type")
        .replace("microsoft.graph.thing\"", "microsoft.graph.thing2\"");
    let again = THING.replace(
        "\"keyProperty\": \"id\"",
        "\"keyProperty\": \"id\", \"baseType\": \"microsoft.graph.thing2\"",
    );
    let ragged = "# broken resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|lonely|\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.broken\" } -->\n```json\n{ \"lonely\": \"String\" }\n```\n";
    let dir = docs(&[
        ("v1.0/resources/thing.md", THING),
        ("v1.0/resources/thing-again.md", &again),
        ("v1.0/resources/thing2.md", &base_missing),
        ("v1.0/resources/broken.md", ragged),
    ]);
    let mut schemas = Schemas::empty();
    let (_, findings) = lint(dir.path(), &[], &mut schemas).unwrap();
    let found = messages(&findings, "resource");
    let has = |file: &str, line: usize, severity: Severity, text: &str| {
        assert!(
            found
                .iter()
                .any(|(f, l, s, m)| f == file && *l == line && *s == severity && m.contains(text)),
            "no {severity} at {file}:{line} containing {text:?} in {found:#?}"
        )
    };
    let thing = "v1.0/resources/thing.md";
    has(thing, 20, Severity::Error, "`extra` is in the JSON representation of microsoft.graph.thing but not in its Properties or Relationships table");
    has(
        thing,
        11,
        Severity::Warning,
        "`note` is in the table of microsoft.graph.thing but not in its JSON representation",
    );
    has(
        thing,
        10,
        Severity::Error,
        "the type `kindType` of `kind` is defined by no resource or enumeration page",
    );
    let thing2 = "v1.0/resources/thing2.md";
    has(thing2, 14, Severity::Error, "the base type `microsoft.graph.nowhere` of microsoft.graph.thing2 is defined by no resource page");
    // Pages are read in name order: `thing-again.md` first.
    has(thing, 14, Severity::Error, "microsoft.graph.thing is defined again, with another base type than at v1.0/resources/thing-again.md:14");
    has(
        "v1.0/resources/broken.md",
        6,
        Severity::Error,
        "this row of the Properties table has no property name or no type",
    );
}

#[test]
fn a_key_property_that_is_no_property_is_named() {
    let text = THING.replace("\"keyProperty\": \"id\"", "\"keyProperty\": \"key\"");
    let dir = docs(&[("v1.0/resources/thing.md", &text)]);
    let (_, findings) = lint(dir.path(), &[], &mut Schemas::empty()).unwrap();
    assert!(
        messages(&findings, "resource")
            .iter()
            .any(|(_, line, _, m)| *line == 14
                && m == "`keyProperty` `key` is not a property of microsoft.graph.thing"),
        "{findings:#?}"
    );
}

#[test]
fn a_csdl_type_wins_over_the_documented_one() {
    let mut schemas = Schemas::empty();
    schemas
        .add(
            std::path::PathBuf::from("microsoft.graph.thing.json"),
            serde_json::json!({"type": "object", "title": "microsoft.graph.thing"}),
        )
        .unwrap();
    let dir = docs(&[
        ("v1.0/resources/thing.md", THING),
        ("v1.0/resources/kindtype.md", KIND),
    ]);
    let catalog = Catalog::read(dir.path()).unwrap();
    assert_eq!(
        catalog.model.add_to(&mut schemas),
        1,
        "only kindType is added"
    );
    // The CSDL's open `thing` takes anything.
    assert!(schemas
        .validate("microsoft.graph.thing", &serde_json::json!({"colour": 1}))
        .is_empty());
}

#[test]
fn a_type_written_in_another_case_still_resolves_and_relationships_may_stay_out_of_the_json() {
    let thing = THING
        .replace("[kindType](kindtype.md)", "[KindType](kindtype.md)")
        .replace("|note|String|Only in the table.|\n", "")
        .replace("## JSON representation", "## Relationships\n|Relationship|Type|Description|\n|:---|:---|:---|\n|owner|[thing](thing.md)|Not shown in JSON.|\n|@odata.type|String|An annotation, not a property.|\n\n## JSON representation");
    let bad_member = example("get_kind", "{\n  \"id\": \"1\",\n  \"kind\": \"medium\"\n}");
    let dir = docs(&[
        ("v1.0/resources/thing.md", &thing),
        ("v1.0/resources/kindtype.md", KIND),
        ("v1.0/api/thing-kind.md", &bad_member),
    ]);
    let (_, findings) = lint(dir.path(), &[], &mut Schemas::empty()).unwrap();
    let member = messages(&findings, "enum");
    assert_eq!(member.len(), 1, "{findings:#?}");
    assert!(
        member[0]
            .3
            .contains("is not a member of microsoft.graph.kindType"),
        "{member:?}"
    );
    // `extra` (JSON only) is the one resource finding: not `owner`, not `@odata.type`.
    let resource = messages(&findings, "resource");
    assert_eq!(resource.len(), 1, "{resource:#?}");
    assert!(resource[0].3.starts_with("`extra`"));
}

#[test]
fn metadata_drift_says_a_missing_type_a_missing_property_and_a_different_type() {
    let mut csdl = Schemas::empty();
    csdl.add(
        std::path::PathBuf::from("microsoft.graph.thing.json"),
        serde_json::json!({
            "title": "microsoft.graph.thing",
            "type": "object",
            "properties": {
                "id": { "type": "string" },
                "count": { "type": ["string", "null"] },
                "note": { "type": "string" }
            }
        }),
    )
    .unwrap();
    let other = THING
        .replace("microsoft.graph.thing", "microsoft.graph.other")
        .replace("# thing", "# other");
    let dir = docs(&[
        ("v1.0/resources/thing.md", THING),
        ("v1.0/resources/kindtype.md", KIND),
        ("v1.0/resources/other.md", &other),
    ]);
    let (_, findings) = lint(dir.path(), &[], &mut csdl).unwrap();
    let drift = messages(&findings, "metadata-drift");
    let said: Vec<(&str, usize, &str)> = drift
        .iter()
        .map(|(f, l, _, m)| (f.as_str(), *l, m.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            ("v1.0/resources/other.md", 14, "microsoft.graph.other is documented, but the metadata has no such type (type missing)"),
            ("v1.0/resources/thing.md", 9, "`count` of microsoft.graph.thing is documented as integer, but the metadata says string (type different)"),
            ("v1.0/resources/thing.md", 10, "`kind` is documented for microsoft.graph.thing, but the metadata does not declare it (property missing)"),
        ]
    );
}
