use super::*;
use crate::schema::csdl::{self, CsdlError};
use crate::schema::Schemas;
use std::path::{Path, PathBuf};

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color">
        <Member Name="red" Value="0" />
        <Member Name="blue" Value="1" />
      </EnumType>
      <EnumType Name="days" IsFlags="true">
        <Member Name="monday" Value="1" />
        <Member Name="tuesday" Value="2" />
      </EnumType>
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="graph.entity">
        <Property Name="name" Type="Edm.String" />
        <Property Name="count" Type="Edm.Int32" Nullable="false" />
        <Property Name="big" Type="Edm.Int64" />
        <Property Name="tiny" Type="Edm.Byte" />
        <Property Name="ratio" Type="Edm.Double" />
        <Property Name="points" Type="Edm.Single" />
        <Property Name="enabled" Type="Edm.Boolean" />
        <Property Name="when" Type="Edm.DateTimeOffset" />
        <Property Name="day" Type="Edm.Date" />
        <Property Name="at" Type="Edm.TimeOfDay" />
        <Property Name="lasts" Type="Edm.Duration" />
        <Property Name="guid" Type="Edm.Guid" />
        <Property Name="blob" Type="Edm.Binary" />
        <Property Name="content" Type="Edm.Stream" />
        <Property Name="tags" Type="Collection(Edm.String)" Nullable="false" />
        <Property Name="color" Type="graph.color" />
        <Property Name="days" Type="graph.days" />
        <Property Name="owner" Type="graph.party" />
        <Property Name="extra" Type="graph.Json" />
        <NavigationProperty Name="parts" Type="Collection(graph.part)" />
      </EntityType>
      <EntityType Name="part" BaseType="graph.entity" OpenType="true">
        <Property Name="label" Type="Edm.String" />
      </EntityType>
      <ComplexType Name="party">
        <Property Name="displayName" Type="Edm.String" />
      </ComplexType>
      <ComplexType Name="person" BaseType="graph.party">
        <Property Name="age" Type="Edm.Int32" />
      </ComplexType>
      <ComplexType Name="Json" />
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn model() -> csdl::Model {
    csdl::parse(CSDL, Path::new("test.csdl"), &[]).expect("the test CSDL parses")
}

fn schemas_of(model: &csdl::Model, selection: Option<&BTreeSet<String>>) -> Schemas {
    let mut schemas = Schemas::empty();
    for doc in generate(model, selection, "test.csdl") {
        schemas
            .add(PathBuf::from(&doc.file_name), doc.schema)
            .expect("a generated schema is accepted");
    }
    schemas
}

/// The pointers of the issues `value` raises as a widget.
fn widget_issues(value: serde_json::Value) -> Vec<String> {
    let schemas = schemas_of(&model(), None);
    schemas
        .validate("microsoft.graph.widget", &value)
        .into_iter()
        .map(|i| i.pointer)
        .collect()
}

fn ok(property: &str, value: serde_json::Value) {
    let issues = widget_issues(json!({ "count": 1, property: value.clone() }));
    assert!(
        issues.is_empty(),
        "{property} = {value} should be valid: {issues:?}"
    );
}

fn bad(property: &str, value: serde_json::Value) {
    let issues = widget_issues(json!({ "count": 1, property: value.clone() }));
    assert_eq!(
        issues,
        [format!("/{property}")],
        "{property} = {value} should be invalid"
    );
}

#[test]
fn the_model_resolves_aliases_and_records_lines() {
    let model = model();
    assert_eq!(model.counts(None), (3, 3, 2, 0));
    let widget = model.structured("microsoft.graph.widget").unwrap();
    assert_eq!(widget.base.as_deref(), Some("microsoft.graph.entity"));
    let owner = widget
        .properties
        .iter()
        .find(|p| p.name == "owner")
        .unwrap();
    assert_eq!(owner.ty.name, "microsoft.graph.party");
    assert_eq!(model.types["microsoft.graph.widget"].line, 17);
    assert_eq!(
        model.lookup("#Microsoft.Graph.WIDGET"),
        Some("microsoft.graph.widget")
    );
    assert_eq!(model.lookup("widget"), Some("microsoft.graph.widget"));
}

#[test]
fn every_generated_schema_compiles() {
    let schemas = schemas_of(&model(), None);
    let names: Vec<String> = schemas.type_names().collect();
    assert_eq!(names.len(), 8);
    for name in names {
        assert_eq!(schemas.compile_error(&name), Some(Ok(())), "{name}");
    }
}

#[test]
fn strings_booleans_and_nullability() {
    ok("name", json!("x"));
    ok("name", json!(null));
    bad("name", json!(1));
    ok("enabled", json!(true));
    bad("enabled", json!("true"));
    // Nullable="false": null is refused.
    bad("count", json!(null));
    bad("id", json!(null));
}

#[test]
fn integers_keep_to_their_range() {
    ok("count", json!(-5));
    bad("count", json!(1.5));
    bad("count", json!(3_000_000_000_i64));
    ok("big", json!(3_000_000_000_i64));
    // Without IEEE754Compatible in the CSDL, a 64-bit integer is never a string.
    bad("big", json!("3000000000"));
    ok("tiny", json!(255));
    bad("tiny", json!(256));
}

#[test]
fn floating_point_accepts_numbers_and_the_special_strings() {
    ok("ratio", json!(0.5));
    ok("ratio", json!(3));
    ok("ratio", json!("NaN"));
    ok("ratio", json!("-INF"));
    ok("points", json!(null));
    bad("points", json!("Single"));
    let schemas = schemas_of(&model(), None);
    let issues = schemas.validate(
        "microsoft.graph.widget",
        &json!({"count": 1, "points": "Single"}),
    );
    assert_eq!(
        issues[0].message,
        r#""Single" is not of types "null", "number""#
    );
}

#[test]
fn ieee754_compatible_lets_int64_travel_as_a_string() {
    let text = CSDL.replace(
        "<EnumType Name=\"color\">",
        "<Annotation Term=\"Org.OData.Core.V1.IEEE754Compatible\" Bool=\"true\" /><EnumType Name=\"color\">",
    );
    let model = csdl::parse(&text, Path::new("test.csdl"), &[]).unwrap();
    assert!(model.ieee754_compatible);
    let schemas = schemas_of(&model, None);
    let valid = |v: serde_json::Value| {
        schemas
            .validate("microsoft.graph.widget", &json!({"count": 1, "big": v}))
            .is_empty()
    };
    assert!(valid(json!("3000000000")));
    assert!(valid(json!(3)));
    assert!(!valid(json!("three")));
}

#[test]
fn dates_times_durations_guids_and_binary() {
    // Seven fractional digits, as Graph writes them (seed 000 does).
    ok("when", json!("2020-04-22T01:48:26.6307483Z"));
    ok("when", json!("2020-04-22T01:48:26+02:00"));
    bad("when", json!("String (timestamp)"));
    bad("when", json!("2020-04-22"));
    ok("day", json!("2020-04-22"));
    bad("day", json!("22/04/2020"));
    ok("at", json!("08:30:00.0000000"));
    ok("at", json!("23:59"));
    bad("at", json!("24:00"));
    ok("lasts", json!("PT1H30M"));
    bad("lasts", json!("90 minutes"));
    ok("guid", json!("2b3c6a2e-6b7a-4c1e-9d5e-0a1b2c3d4e5f"));
    bad("guid", json!("not-a-guid"));
    ok("blob", json!("aGVsbG8="));
    ok("blob", json!("aGVsbG8_-w"));
    bad("blob", json!("not base64!"));
    ok("content", json!("anything"));
}

#[test]
fn collections_enums_and_flags() {
    ok("tags", json!(["a", "b"]));
    ok("tags", json!([]));
    bad("tags", json!("a"));
    assert_eq!(
        widget_issues(json!({"count": 1, "tags": ["a", 2]})),
        ["/tags/1"]
    );
    ok("color", json!("red"));
    ok("color", json!(null));
    bad("color", json!("green"));
    ok("days", json!("monday"));
    ok("days", json!("monday,tuesday"));
    ok("days", json!("monday, tuesday"));
    bad("days", json!("monday,sunday"));
}

#[test]
fn structured_properties_inheritance_and_closed_types() {
    ok("owner", json!({"displayName": "Ada"}));
    assert_eq!(
        widget_issues(json!({"count": 1, "owner": {"displayName": 3}})),
        ["/owner/displayName"]
    );
    // Inherited from entity.
    bad("id", json!(7));
    ok("id", json!("7"));
    // widget is a leaf: closed. Control information and annotations are always allowed.
    let schemas = schemas_of(&model(), None);
    let issues = schemas.validate(
        "microsoft.graph.widget",
        &json!({"count": 1, "colour": "red", "@odata.type": "#microsoft.graph.widget",
                "parts@odata.nextLink": "x", "@microsoft.graph.downloadUrl": "y"}),
    );
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.contains("'colour'"), "{issues:?}");
    // party has a derived type, so it stays open; an open type (part) is open.
    ok("owner", json!({"displayName": "Ada", "age": 3}));
    assert!(schemas
        .validate(
            "microsoft.graph.part",
            &json!({"label": "x", "whatever": 1})
        )
        .is_empty());
}

#[test]
fn a_value_naming_a_derived_type_is_held_to_that_type() {
    // `owner` is declared as party; the value says it is a person, whose age is a number.
    assert_eq!(
        widget_issues(
            json!({"count": 1, "owner": {"@odata.type": "#microsoft.graph.person", "age": "old"}})
        ),
        ["/owner/age"]
    );
    ok(
        "owner",
        json!({"@odata.type": "#Microsoft.Graph.Person", "age": 3}),
    );
}

#[test]
fn navigation_properties_are_optional_objects_and_json_is_anything() {
    ok("parts", json!([{"id": "1", "label": "x"}]));
    bad("parts", json!({"id": "1"}));
    ok("extra", json!([1, "two", {"three": 3}]));
    ok("extra", json!(42));
}

#[test]
fn closure_follows_bases_and_structural_properties_only() {
    let model = model();
    let selected = closure(&model, &["Widget".to_owned()]).unwrap();
    let names: Vec<&str> = selected.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "microsoft.graph.Json",
            "microsoft.graph.color",
            "microsoft.graph.days",
            "microsoft.graph.entity",
            "microsoft.graph.party",
            "microsoft.graph.widget",
        ]
    );
    // A partial import compiles on its own: no reference leaves the selection.
    let schemas = schemas_of(&model, Some(&selected));
    for name in &selected {
        assert_eq!(schemas.compile_error(name), Some(Ok(())), "{name}");
    }
    let error = closure(&model, &["microsoft.graph.widgit".to_owned()]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the CSDL declares no type `microsoft.graph.widgit` (did you mean `microsoft.graph.widget`?); pass qualified names such as microsoft.graph.user"
    );
}

#[test]
fn bad_csdl_is_reported_with_file_and_line() {
    let broken = csdl::parse(
        "<Edmx>\n  <Schema Name=oops/></Edmx>",
        Path::new("meta.xml"),
        &[],
    )
    .unwrap_err();
    assert!(matches!(broken, CsdlError::Xml { line: 2, .. }), "{broken}");
    assert!(broken.to_string().starts_with("meta.xml:2:"), "{broken}");
    assert!(!broken.to_string().ends_with(":2:16"), "{broken}");

    let not_csdl = csdl::parse("<root/>", Path::new("meta.xml"), &[]).unwrap_err();
    assert!(
        not_csdl.to_string().contains("no <Schema> element"),
        "{not_csdl}"
    );

    let dangling = CSDL.replace("graph.party\" />", "other.party\" />");
    let error = csdl::parse(&dangling, Path::new("meta.xml"), &[]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "meta.xml: 1 type reference(s) name no declared type, first at line 35: `other.party` (for microsoft.graph.widget/owner); declare the type, or map its namespace alias with --namespace-alias ALIAS=NAMESPACE"
    );
    // Mapping the alias fixes it.
    let mapped = csdl::parse(
        &dangling,
        Path::new("meta.xml"),
        &[("other".to_owned(), "microsoft.graph".to_owned())],
    );
    assert!(mapped.is_ok());
}
