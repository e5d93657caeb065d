//! Values for URL placeholders, from a TOML or JSON file (`--vars FILE`, `CONTRACT_VARS`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Placeholder name → value. Names match as written inside the braces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars(HashMap<String, String>);

/// Why a variables file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum VarsError {
    /// The file cannot be read.
    #[error("failed to read the variables file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The file is neither TOML nor JSON, or not a flat table of strings.
    #[error("failed to parse the variables file {path}: {message}; expected a flat table such as `id = \"48d31887\"` (TOML) or {{\"id\": \"48d31887\"}} (JSON)")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where the parser gives one.
        message: String,
    },
}

impl Vars {
    /// Reads a `.json` file as JSON and anything else as TOML. Numbers and booleans are
    /// accepted and turned into text.
    pub fn load(path: &Path) -> Result<Vars, VarsError> {
        let text = std::fs::read_to_string(path).map_err(|source| VarsError::Read {
            path: path.to_owned(),
            source,
        })?;
        let parse_error = |message: String| VarsError::Parse {
            path: path.to_owned(),
            message,
        };
        let table: serde_json::Map<String, serde_json::Value> =
            if path.extension().is_some_and(|e| e == "json") {
                serde_json::from_str(&text).map_err(|e| parse_error(e.to_string()))?
            } else {
                toml::from_str(&text).map_err(|e| parse_error(e.to_string()))?
            };
        let mut vars = Vars::default();
        for (name, value) in table {
            let value = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                other => {
                    return Err(parse_error(format!(
                        "`{name}` must be a string, not {other}"
                    )))
                }
            };
            vars.0.insert(name, value);
        }
        Ok(vars)
    }

    /// The value for a placeholder name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Sets a value (tests and programmatic use).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_files() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("vars.toml");
        std::fs::write(&toml, "id = \"42\"\n\"event-id\" = 7\n").unwrap();
        let vars = Vars::load(&toml).unwrap();
        assert_eq!(vars.get("id"), Some("42"));
        assert_eq!(vars.get("event-id"), Some("7"));
        let json = dir.path().join("vars.json");
        std::fs::write(&json, "{\"id\": \"x\"}").unwrap();
        assert_eq!(Vars::load(&json).unwrap().get("id"), Some("x"));
        std::fs::write(&json, "{\"id\": [1]}").unwrap();
        let error = Vars::load(&json).unwrap_err().to_string();
        assert!(
            error.contains("vars.json") && error.contains("`id` must be a string"),
            "{error}"
        );
    }
}
