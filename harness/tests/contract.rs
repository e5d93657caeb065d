//! The contract suite: every documented example is one `cargo test` trial.
//!
//! With no `CONTRACT_BASE_URL`, the examples run against the embedded mock built from the same
//! pages. See README.md for the variables; standard libtest flags (filter, `--exact`, `--list`,
//! `--ignored`, `--test-threads`, `--format json`) work, and so does `cargo nextest run`.

use contract_harness::suite;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    suite::main(&root, libtest_mimic::Arguments::from_args())
}
