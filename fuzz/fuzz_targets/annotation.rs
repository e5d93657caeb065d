//! Block annotations: the JSON-ish comments above each fenced block.
#![no_main]

use contract_core::doc::Annotation;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = Annotation::parse(text);
});
