//! Without any CSDL, `contract run` (and the mock it starts) hold answers to the types the
//! docs' own resource pages define.

mod common;

const THING: &str = "# thing resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|The id.|\n|count|Int32|How many.|\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.thing\" } -->\n```json\n{ \"id\": \"String\", \"count\": 1 }\n```\n";

fn example(name: &str, body: &str) -> String {
    format!("<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/things/{name}\n```\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.thing\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}\n```\n")
}

#[test]
fn run_checks_answers_against_the_documented_types_when_there_is_no_csdl() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("v1.0/resources/thing.md", THING.to_owned()),
        (
            "v1.0/api/thing-good.md",
            example("good", "{ \"id\": \"1\", \"count\": 2 }"),
        ),
        (
            "v1.0/api/thing-bad.md",
            example("bad", "{ \"id\": \"1\", \"count\": \"two\" }"),
        ),
    ] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let empty = tempfile::tempdir().unwrap();
    let run = common::contract()
        .args(["run", "--cases"])
        .arg(dir.path())
        .arg("--schemas")
        .arg(empty.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("1 passed, 1 failed"), "{out}");
    assert!(
        out.contains("/count") && out.contains("schema microsoft.graph.thing.json"),
        "{out}"
    );
}
