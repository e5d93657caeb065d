//! `contract schemas import` end to end on a small CSDL: files written, stale generated files
//! removed, hand-written ones kept, bad input reported with file and line.

mod common;

use std::path::Path;
use std::process::Output;

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color"><Member Name="red" Value="0" /></EnumType>
      <EntityType Name="entity" Abstract="true">
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="graph.entity">
        <Property Name="color" Type="graph.color" />
        <NavigationProperty Name="gadget" Type="graph.gadget" />
      </EntityType>
      <EntityType Name="gadget" BaseType="graph.entity" />
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn import(dir: &Path, extra: &[&str]) -> Output {
    common::contract()
        .args(["schemas", "import", "--csdl"])
        .arg(dir.join("metadata.xml"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(extra)
        .output()
        .unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn imports_everything_or_a_closure_and_keeps_hand_written_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("metadata.xml"), CSDL).unwrap();
    let output = import(dir.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("imported 4 types (3 entity, 0 complex, 1 enum, 0 type definitions)"),
        "{stdout}"
    );
    let out = dir.path().join("out");
    assert_eq!(
        files(&out),
        [
            "microsoft.graph.color.json",
            "microsoft.graph.entity.json",
            "microsoft.graph.gadget.json",
            "microsoft.graph.widget.json"
        ]
    );
    let widget: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("microsoft.graph.widget.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        widget["$id"],
        "https://schemas.contract-harness.invalid/microsoft.graph.widget.json"
    );
    assert_eq!(widget["allOf"][0]["$ref"], "microsoft.graph.entity.json");

    // A hand-written schema beside the generated ones survives a narrower import; the
    // generated files the narrower import does not need are removed.
    std::fs::write(out.join("mine.json"), r#"{"type": "object"}"#).unwrap();
    let output = import(dir.path(), &["--only", "Widget"]);
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("removed 1 stale generated file(s)"));
    assert_eq!(
        files(&out),
        [
            "microsoft.graph.color.json",
            "microsoft.graph.entity.json",
            "microsoft.graph.widget.json",
            "mine.json"
        ]
    );
}

#[test]
fn bad_input_names_the_file_and_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let broken = CSDL.replace("graph.gadget\" />\n", "graph.gizmo\" />\n");
    std::fs::write(dir.path().join("metadata.xml"), broken).unwrap();
    let output = import(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("metadata.xml: 1 type reference(s) name no declared type, first at line 11: `microsoft.graph.gizmo` (for microsoft.graph.widget/gadget)"),
        "{stderr}"
    );

    std::fs::write(dir.path().join("metadata.xml"), CSDL).unwrap();
    let output = import(dir.path(), &["--only", "microsoft.graph.gizmo"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("the CSDL declares no type `microsoft.graph.gizmo`"));

    let output = import(dir.path(), &["--namespace-alias", "graph"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not ALIAS=NAMESPACE"));

    let output = common::contract()
        .args(["schemas", "import", "--csdl", "no/such/file.xml", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("failed to read the CSDL file no/such/file.xml"));
}
