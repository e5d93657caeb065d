//! `contract`: the command-line face of the harness.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
