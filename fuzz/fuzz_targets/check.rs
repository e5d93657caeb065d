//! The check of an arbitrary answer against the project's documented cases: status, headers and
//! body come from the input; any bytes must end in a verdict.
#![no_main]

use contract_harness::case::Case;
use contract_harness::check::check;
use contract_harness::schema::Schemas;
use contract_harness::send::ActualResponse;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn fixture() -> &'static (Vec<Case>, Schemas) {
    static FIXTURE: OnceLock<(Vec<Case>, Schemas)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cases = contract_harness::catalog::Catalog::read(&root.join("cases"))
            .map(|l| l.cases)
            .unwrap_or_default();
        let schemas = Schemas::load(&root.join("schemas")).unwrap_or_else(|_| Schemas::empty());
        (cases, schemas)
    })
}

fuzz_target!(|data: &[u8]| {
    let (cases, schemas) = fixture();
    if cases.is_empty() || data.len() < 3 {
        return;
    }
    // Byte 0 picks the case, bytes 1–2 the status; then `Name: value` lines, a blank line and
    // the body.
    let case = &cases[data[0] as usize % cases.len()];
    let status = u16::from_be_bytes([data[1], data[2]]) % 600;
    let rest = &data[3..];
    let split = rest.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (&[][..], rest),
    };
    let headers = String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let answer = ActualResponse {
        status,
        headers,
        body: body.to_vec(),
        ..ActualResponse::default()
    };
    let _ = check(case, &answer, schemas);
});
