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

    /// Loads every `*.json` schema under `dir`.
    pub fn load(_dir: &Path) -> Result<Self, SchemaError> {
        Ok(Schemas {})
    }
}
