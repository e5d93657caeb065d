//! `contract`: the command-line face of the harness.

mod cli;

/// glibc's allocator is the largest single cost of a run on many threads: mimalloc takes the
/// embedded-mock run of the v1.0 corpus from about 13k to about 22k cases/s (`scripts/bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
