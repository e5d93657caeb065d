//! Contract tests for Markdown API reference docs.
//!
//! Data flows one way: [`doc`] (Markdown → annotated blocks) → [`case`] (blocks → test cases)
//! → [`send`] (case → HTTP exchange) → [`check`] (exchange → verdict) → [`report`].
//! [`schema`] serves `check`; [`mock`] serves documented responses when no service is given.

pub use contract_core::{
    case, catalog, doc, finding, http, json, lint, scenario, schema, template, text,
};

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
