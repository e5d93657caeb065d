//! A docs team's own repository uses the harness without copying this one: as a dev-dependency
//! driving its own `cargo test`, and as the `contract` tool run over its pages.

mod common;

use std::path::Path;

const PAGE: &str = "# Get me\n\n<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n<!-- { \"blockType\": \"response\", \"truncated\": true } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"id\": \"87d349ed-44d7-43e1-9a83-5f2406dee5bd\", \"displayName\": \"Adele Vance\"}\n```\n";

/// A docs repository: its pages under `docs/api-reference/v1.0`, nothing of this project's.
fn docs_repository(dir: &Path) {
    let pages = dir.join("docs/api-reference/v1.0/api");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(pages.join("user-get-me.md"), PAGE).unwrap();
}

#[test]
fn a_crate_outside_the_workspace_runs_its_own_pages_through_the_harness() {
    let dir = tempfile::tempdir().unwrap();
    docs_repository(dir.path());
    let harness = common::workspace().join("harness");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"docs-team\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dev-dependencies]\ncontract-harness = {{ path = {:?} }}\n\n\
             [[test]]\nname = \"contract\"\npath = \"tests/contract.rs\"\nharness = false\n\n\
             [workspace]\n",
            harness.display().to_string()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    std::fs::write(
        dir.path().join("tests/contract.rs"),
        "fn main() -> std::process::ExitCode {\n    contract_harness::suite::run(\"docs/api-reference/v1.0\")\n}\n",
    )
    .unwrap();
    // The workspace's lock file pins the same versions, so nothing is fetched or rebuilt that
    // the workspace has not built already.
    std::fs::copy(
        common::workspace().join("Cargo.lock"),
        dir.path().join("Cargo.lock"),
    )
    .unwrap();
    let mut cargo = std::process::Command::new(env!("CARGO"));
    cargo
        .args(["test", "--offline", "--test", "contract"])
        .current_dir(dir.path())
        .env(
            "CARGO_TARGET_DIR",
            common::workspace().join("target/another-repository"),
        );
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONTRACT_") {
            cargo.env_remove(name);
        }
    }
    let output = cargo.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("v1.0::user_get_me::get_me ... ok"),
        "{stdout}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn the_tool_runs_over_pages_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    docs_repository(dir.path());
    let output = common::contract()
        .args(["run", "--cases", "docs/api-reference/v1.0"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}
