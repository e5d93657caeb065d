//! The HTTP message parser: documented requests and responses, as fenced blocks hold them.
#![no_main]

use contract_core::http;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = http::parse_request(text, 1);
    let _ = http::parse_response(text, 1);
});
