//! A whole page: Markdown → annotated blocks → cases → lint, as contributors write them.
#![no_main]

use contract_core::{case, doc, lint, schema::Schemas};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let page = doc::parse_page("v1.0/api/fuzzed.md", text);
    let cases = case::cases_of_page(&page, Some("v1.0"));
    for case in &cases {
        let _ = lint::lint_case(case, &Schemas::empty());
    }
});
