//! The network-free half of the contract harness: what a page documents, read without sending
//! anything.
//!
//! [`doc`] (Markdown page → annotated blocks) → [`case`] (blocks → test cases, with source
//! positions). [`schema`] loads JSON Schemas and imports them from OData CSDL; [`lint`] finds
//! problems in the documentation itself. Nothing here depends on an HTTP client, a server or
//! an async runtime: `contract-harness` builds the runner, the mock and the reports on top.

pub mod case;
pub mod doc;
pub mod finding;
pub mod json;
pub mod lint;
pub mod scenario;
pub mod schema;
pub mod template;
pub mod text;
