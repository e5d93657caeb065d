//! CSDL import: XML → model → JSON Schemas → compiled validators.
#![no_main]

use contract_core::schema::{csdl, import, Schemas};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|text: &str| {
    let Ok(model) = csdl::parse(text, Path::new("fuzzed.csdl"), &[]) else {
        return;
    };
    let generated = import::generate(&model, None, "fuzzed.csdl");
    let mut schemas = Schemas::empty();
    for document in generated.iter().take(16) {
        let file = PathBuf::from(&document.file_name);
        if schemas.add(file, document.schema.clone()).is_err() {
            return;
        }
    }
    for document in generated.iter().take(16) {
        let name = document.file_name.trim_end_matches(".json");
        let _ = schemas.validate(name, &serde_json::json!({"id": "1"}));
    }
});
