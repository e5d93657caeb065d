//! Contract tests for Markdown API reference docs.
//!
//! Data flows one way: [`doc`] (Markdown → annotated blocks) → [`case`] (blocks → test cases)
//! → `send` (case → HTTP exchange) → `check` (exchange → verdict) → `report`.

pub mod case;
pub mod doc;
pub mod finding;
pub mod json;
