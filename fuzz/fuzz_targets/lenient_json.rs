//! Lenient JSON (comments, trailing commas, single quotes, `...`): documented bodies, and the
//! locator that finds a pointer's line in them.
#![no_main]

use contract_core::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok((value, _)) = json::parse_lenient(text) {
        if let Some(object) = value.as_object() {
            for key in object.keys().take(4) {
                let mut pointer = String::new();
                json::pointer_push(&mut pointer, key);
                let _ = json::locate(text, &pointer);
            }
        }
    }
});
