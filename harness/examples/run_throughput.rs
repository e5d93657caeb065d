//! Steady-state speed of the runner against the embedded mock: runs the same cases several
//! times on one runner and prints cases/s and CPU cores used per round.
//!
//! `cargo run --release --example run_throughput -- CASES_DIR [ROUNDS] [JOBS] [checked|send-only|alternate]`
//!
//! `send-only` plans and sends the same requests on the same kind of client and reads the
//! answers, but checks nothing: the gap between the two is what the checks cost. `alternate`
//! takes turns (checked first), so that the machine's drift weighs on both modes alike; each
//! line ends with its mode.

use contract_harness::case::Case;
use contract_harness::runner::{Outcome, RunOptions, Runner};
use contract_harness::schema::Schemas;
use contract_harness::send::{Client, ClientOptions};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of all this process's threads so far, in seconds, to the nanosecond
/// (`/proc/self/stat` counts in 10 ms ticks, too coarse for a 60 ms round).
fn cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanos as f64 / 1e9
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: run_throughput CASES_DIR [ROUNDS] [JOBS] [checked|send-only|alternate]");
    let rounds: usize = args.next().map_or(Ok(10), |a| a.parse())?;
    let jobs: usize = args.next().map_or(Ok(32), |a| a.parse())?;
    let mode = args.next().unwrap_or_else(|| "checked".to_owned());
    anyhow::ensure!(
        matches!(mode.as_str(), "checked" | "send-only" | "alternate"),
        "unknown mode {mode:?}: expected checked, send-only or alternate"
    );
    let schemas_dir = std::path::Path::new("schemas");
    let schemas = Arc::new(if schemas_dir.exists() {
        Schemas::load(schemas_dir)?
    } else {
        Schemas::empty()
    });
    let cases =
        Arc::new(contract_harness::catalog::Catalog::read(std::path::Path::new(&dir))?.cases);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let runner = Arc::new(Runner::start(&cases, schemas, RunOptions::default()).await?);
        // Built once, like the runner's own client, so that connections are reused across rounds.
        let client = Arc::new(Client::new(ClientOptions::default(), runner.base_url())?);
        for round in 1..=rounds {
            let (started, cpu) = (Instant::now(), cpu_seconds());
            let send_only = match mode.as_str() {
                "alternate" => round % 2 == 0,
                other => other == "send-only",
            };
            let sent = if send_only {
                send_all(&runner, &client, &cases, jobs).await?
            } else {
                let results = runner.run_all(Arc::clone(&cases), jobs, |_| {}).await;
                results
                    .iter()
                    .filter(|r| matches!(r.outcome, Outcome::Passed | Outcome::Failed(_)))
                    .count()
            };
            let (wall, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu);
            println!(
                "round {round}: {sent} cases in {:.1} ms, {:.0} cases/s, {:.2} cores, {:.0} µs CPU per case, {}",
                wall * 1000.0,
                sent as f64 / wall,
                cpu / wall,
                cpu * 1e6 / sent as f64,
                if send_only { "send-only" } else { "checked" }
            );
        }
        anyhow::Ok(())
    })
}

/// Plans and sends every case with `jobs` requests in flight, checking nothing.
async fn send_all(
    runner: &Arc<Runner>,
    client: &Arc<Client>,
    cases: &Arc<Vec<Case>>,
    jobs: usize,
) -> anyhow::Result<usize> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..jobs {
        let (runner, cases, next, client) = (
            Arc::clone(runner),
            Arc::clone(cases),
            Arc::clone(&next),
            Arc::clone(client),
        );
        workers.spawn(async move {
            let mut sent = 0;
            while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                if let Ok(request) = runner.plan(case) {
                    sent += usize::from(client.send(&request).await.result.is_ok());
                }
            }
            sent
        });
    }
    let mut sent = 0;
    while let Some(done) = workers.join_next().await {
        sent += done?;
    }
    Ok(sent)
}
