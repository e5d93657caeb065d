//! Contract tests for Markdown API reference docs.
//!
//! Data flows one way: [`catalog`] (a folder of pages and scenario files → [`case`]s) →
//! [`send`] (case → HTTP exchange) → [`check`] (exchange → verdict) → [`report`]. The
//! [`runner`] drives send and check; [`schema`] serves `check`; [`mock`] serves documented
//! responses when no service is given. [`session`] is the one path from configuration to
//! reports that both front ends, `contract run` and the `cargo test` [`suite`], are shells
//! over.

pub use contract_core::{
    case, catalog, doc, finding, http, json, lint, scenario, schema, template, text,
};

pub mod accounts;
pub mod check;
pub mod config;
pub mod known;
pub mod mock;
pub mod redact;
pub mod report;
pub mod runner;
pub mod send;
pub mod session;
pub mod suite;
