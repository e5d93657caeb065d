//! Steady-state speed of the runner against the embedded mock: runs the same cases several
//! times on one runner and prints cases/s and CPU cores used per round.
//!
//! `cargo run --release --example run_throughput -- CASES_DIR [ROUNDS] [JOBS]`

use contract_harness::case;
use contract_harness::run::{Outcome, RunOptions, Runner};
use contract_harness::schema::Schemas;
use std::sync::Arc;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn cpu_seconds() -> f64 {
    // utime + stime of this process, in clock ticks (100 per second on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    ticks(11).unwrap_or(0.0) / 100.0 + ticks(12).unwrap_or(0.0) / 100.0
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: run_throughput CASES_DIR [ROUNDS] [JOBS]");
    let rounds: usize = args.next().map_or(Ok(10), |a| a.parse())?;
    let jobs: usize = args.next().map_or(Ok(32), |a| a.parse())?;
    let schemas_dir = std::path::Path::new("schemas");
    let schemas = Arc::new(if schemas_dir.exists() {
        Schemas::load(schemas_dir)?
    } else {
        Schemas::empty()
    });
    let cases = Arc::new(case::list(std::path::Path::new(&dir))?.cases);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let runner = Arc::new(Runner::start(&cases, schemas, RunOptions::default()).await?);
        for round in 1..=rounds {
            let (started, cpu) = (Instant::now(), cpu_seconds());
            let results = runner.run_all(Arc::clone(&cases), jobs, |_| {}).await;
            let (wall, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu);
            let sent = results
                .iter()
                .filter(|r| matches!(r.outcome, Outcome::Passed | Outcome::Failed(_)))
                .count();
            println!(
                "round {round}: {sent} cases in {:.1} ms, {:.0} cases/s, {:.2} cores, {:.0} µs CPU per case",
                wall * 1000.0,
                sent as f64 / wall,
                cpu / wall,
                cpu * 1e6 / sent as f64
            );
        }
        anyhow::Ok(())
    })
}
