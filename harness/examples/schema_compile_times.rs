//! Prints how long each type's validator takes to compile: `cargo run --release --example
//! schema_compile_times -- DIR [TYPE...]` (every type when none is named).
use contract_harness::schema::Schemas;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: schema_compile_times DIR [TYPE...]");
    let started = Instant::now();
    let schemas = Schemas::load(dir.as_ref()).expect("schemas load");
    println!(
        "loaded {} schemas in {:.2?}",
        schemas.len(),
        started.elapsed()
    );
    let mut names: Vec<String> = args.collect();
    if names.is_empty() {
        names = schemas.type_names().collect();
    }
    let mut times = Vec::new();
    let all = Instant::now();
    for name in &names {
        let one = Instant::now();
        if let Some(Err(message)) = schemas.compile_error(name) {
            println!("{name}: {message}");
        }
        times.push((one.elapsed(), name));
    }
    times.sort();
    for (time, name) in times.iter().rev().take(10) {
        println!("{time:>10.2?} {name}");
    }
    println!(
        "compiled {} validators in {:.2?}",
        names.len(),
        all.elapsed()
    );
}
