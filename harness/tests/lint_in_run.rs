//! A case whose documented example breaks its own schema still runs, and its
//! report entry carries the lint findings (rule, line), next to the verdict. A case that is
//! not sent carries its findings too.

mod common;

/// A user whose documented `accountEnabled` is a string where the CSDL says Edm.Boolean, a
/// clean example on the same page, and an upload to another host whose Content-Length is wrong.
const PAGE: &str = r#"# Get user

<!-- { "blockType": "request", "name": "get_user_wrong" } -->
```http
GET https://graph.microsoft.com/v1.0/users/{id}
```

<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.user" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
  "accountEnabled": "yes"
}
```

<!-- { "blockType": "request", "name": "get_user_right" } -->
```http
GET https://graph.microsoft.com/v1.0/me
```

<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.user" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
  "accountEnabled": true
}
```

<!-- { "blockType": "request", "name": "upload_elsewhere" } -->
```http
PUT https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866
Content-Length: 26

<bytes 0-25 of the file>
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 202 Accepted
```
"#;

#[test]
fn a_case_that_breaks_its_own_schema_runs_and_carries_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("v1.0/api")).unwrap();
    std::fs::write(cases.join("v1.0/api/user-get.md"), PAGE).unwrap();
    let report = dir.path().join("report.json");
    let output = common::contract()
        .arg("run")
        .arg("--cases")
        .arg(&cases)
        .arg("--schemas")
        .arg(common::workspace().join("schemas"))
        .arg("--report-json")
        .arg(&report)
        .env_remove("CONTRACT_BASE_URL")
        .output()
        .unwrap();
    // The mock serves the documented body, which breaks the schema: the run fails.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let case = |name: &str| {
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    let wrong = case("get_user_wrong");
    assert_eq!(
        wrong["outcome"], "failed",
        "it was sent and checked: {wrong:#}"
    );
    assert_eq!(wrong["violations"][0]["pointer"], "/accountEnabled");
    let findings = wrong["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "schema");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(
        findings[0]["line"], 15,
        "the line of \"accountEnabled\": \"yes\""
    );
    let right = case("get_user_right");
    assert_eq!(right["outcome"], "passed");
    assert_eq!(right["findings"], serde_json::json!([]));
    let elsewhere = case("upload_elsewhere");
    assert_eq!(elsewhere["outcome"], "skipped", "{elsewhere:#}");
    let findings = elsewhere["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "content-length");
    assert_eq!(findings[0]["line"], 38, "the PUT line");
}
