//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The corpus folder from `CONTRACT_CORPUS`, or `None` (after saying so) when it is unset.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("CONTRACT_CORPUS").filter(|d| !d.is_empty()) else {
        eprintln!(
            "{test}: skipped, CONTRACT_CORPUS is not set (point it at shared/corpus to run it)"
        );
        return None;
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_absolute() || dir.exists() {
        dir
    } else {
        workspace().join(dir)
    };
    assert!(
        dir.is_dir(),
        "CONTRACT_CORPUS={} is not a folder",
        dir.display()
    );
    Some(dir)
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The project's own cases folder.
pub fn cases() -> PathBuf {
    workspace().join("cases")
}
