//! JSON Schemas for response types: loading `schemas/`, looking a type up, validating.

use std::path::Path;

/// The schemas of a `schemas/` folder, looked up by OData type name (case-insensitive).
#[derive(Debug, Default)]
pub struct Schemas {}

/// Why the schemas folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// Placeholder until the schema stage is built.
    #[error("failed to read schemas from {0}")]
    Load(String),
}

impl Schemas {
    /// No schemas: only the example-shape checks apply.
    pub fn empty() -> Self {
        Schemas {}
    }

    /// How many schemas are loaded (interim: none).
    pub fn len(&self) -> usize {
        0
    }

    /// True when no schema is loaded.
    pub fn is_empty(&self) -> bool {
        true
    }

    /// True when a schema exists for the type (interim: none).
    pub fn knows(&self, _odata_type: &str) -> bool {
        false
    }

    /// Validates `value` against the type's schema (interim: nothing to validate against).
    pub fn validate(&self, _odata_type: &str, _value: &serde_json::Value) -> Vec<SchemaIssue> {
        Vec::new()
    }

    /// Loads every `*.json` schema under `dir`.
    pub fn load(_dir: &Path) -> Result<Self, SchemaError> {
        Ok(Schemas {})
    }
}

/// One schema error: where in the value, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaIssue {
    /// JSON pointer into the validated value.
    pub pointer: String,
    /// The validator's message.
    pub message: String,
}
