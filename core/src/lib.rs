//! The network-free half of the contract harness: what a page documents, read without sending
//! anything.
//!
//! Layered, each layer using only those before it: syntax ([`text`], [`json`], [`http`],
//! [`doc`]: Markdown page → annotated blocks), then the model ([`case`]: one documented
//! example; [`scenario`]: how to run one against a live service), then the [`catalog`] (a
//! folder of pages and scenario files → every case, ids unique). [`schema`] loads JSON Schemas
//! and imports them from OData CSDL; [`lint`] finds problems in the documentation itself;
//! [`finding`] is how every layer reports them. Nothing here depends on an HTTP client, a server or
//! an async runtime: `contract-harness` builds the runner, the mock and the reports on top.

pub mod case;
pub mod catalog;
pub mod doc;
pub mod finding;
pub mod http;
pub mod json;
pub mod lint;
pub mod resource;
pub mod scenario;
pub mod schema;
pub mod template;
pub mod text;
