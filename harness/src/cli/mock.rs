//! `contract mock`: serve the documented examples as a service, logging each request.

use super::CasesArg;
use contract_harness::case;
use contract_harness::mock::{self, Mock};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(crate) struct MockArgs {
    #[command(flatten)]
    cases: CasesArg,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Do not log each request (for load tests).
    #[arg(long)]
    quiet: bool,
}

pub(crate) fn run(args: MockArgs) -> anyhow::Result<ExitCode> {
    let list = case::list(&args.cases.cases)?;
    super::print_findings(&args.cases.cases, &list.findings);
    let mock = Arc::new(Mock::from_cases(&list.cases));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = mock::start(Arc::clone(&mock), args.addr, !args.quiet)
            .await
            .map_err(|e| anyhow::anyhow!("failed to listen on {}: {e}", args.addr))?;
        eprintln!(
            "serving {} documented examples from {} pages at {} (Ctrl-C stops)",
            mock.len(),
            list.pages,
            server.base_url()
        );
        tokio::signal::ctrl_c().await?;
        Ok(ExitCode::SUCCESS)
    })
}
