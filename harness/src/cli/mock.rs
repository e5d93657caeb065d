//! `contract mock`: serve the documented examples as a service, logging each request.

use contract_harness::config::{CasesArgs, SchemasArgs};
use contract_harness::mock::{self, Mock};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(crate) struct MockArgs {
    #[command(flatten)]
    cases: CasesArgs,
    #[command(flatten)]
    schemas: SchemasArgs,
    /// Answer every request that matches a route, even one whose body breaks the documented
    /// shape (by default: 400 for a body that is not JSON or breaks its type's schema, 415 for
    /// a body without the documented Content-Type).
    #[arg(long)]
    no_validate: bool,
    /// Address to listen on: `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080`.
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = listen_address)]
    addr: SocketAddr,
    /// Do not log each request (for load tests).
    #[arg(long)]
    quiet: bool,
    /// Answer the pages' values as written, even where they break their schema (by default
    /// such a value is replaced by one the schema accepts, and `x-contract-findings` says so).
    #[arg(long)]
    as_documented: bool,
    /// Answer every request as documented: forget what clients create, change and delete.
    #[arg(long)]
    stateless: bool,
    /// Origins whose pages may call the mock (CORS; repeatable) [default: any origin]
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// No CORS headers, no preflight answers.
    #[arg(long, conflicts_with = "cors_origins")]
    no_cors: bool,
    /// Answer this share of requests (0 to 1) with 429 (with Retry-After) or 503, to try a
    /// client's handling of throttling and outages.
    #[arg(long, value_name = "SHARE", default_value = "0", value_parser = share)]
    failure_rate: f64,
    /// Wait this long before every answer: `200ms`, `1.5s`, or milliseconds.
    #[arg(long, value_name = "DURATION", default_value = "0ms", value_parser = latency)]
    latency: std::time::Duration,
}

/// A share between 0 and 1.
fn share(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| (0.0..=1.0).contains(n))
        .ok_or_else(|| "expected a share between 0 and 1, such as 0.2".to_owned())
}

/// `200ms`, `1.5s` or a number of milliseconds.
fn latency(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1.0)
    } else {
        (text, 0.001)
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .and_then(|n| std::time::Duration::try_from_secs_f64(n * scale).ok())
        .ok_or_else(|| "expected a duration such as 200ms or 1.5s".to_owned())
}

/// An IP address and port, or a host name that resolves to one (`localhost:8080`).
fn listen_address(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let expected = "expected HOST:PORT, such as 127.0.0.1:8080, [::1]:8080 or localhost:8080";
    if let Ok(address) = text.parse() {
        return Ok(address);
    }
    let mut addresses = text
        .to_socket_addrs()
        .map_err(|e| format!("{e}; {expected}"))?;
    addresses.next().ok_or_else(|| expected.to_owned())
}

pub(crate) fn run(args: MockArgs) -> anyhow::Result<ExitCode> {
    let mut list = args.cases.catalog()?;
    super::print_findings(&args.cases.cases, &list.findings);
    let mut schemas = args.schemas.load()?;
    // The docs' own types serve where the schemas folder has none.
    list.model.add_to(&mut schemas);
    let schemas = Arc::new(schemas);
    // Each answer whose example lint finds fault with says so (x-contract-findings).
    contract_harness::lint::attach(&mut list.cases, &schemas);
    let mut mock = Mock::from_cases(&list.cases);
    if !args.as_documented {
        let repaired = mock.repairing(&schemas);
        if repaired > 0 {
            super::output::note!(
                "{repaired} documented answers break their schema: each is served with schema-valid values, x-contract-findings saying which (--as-documented sends them as written)"
            );
        }
    }
    if !args.no_validate {
        mock = mock.validating(schemas);
    }
    let mock = Arc::new(mock);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let options = mock::ServeOptions {
            log: !args.quiet,
            cors: (!args.no_cors).then(|| args.cors_origins.clone()),
            stateful: !args.stateless,
            failure_rate: args.failure_rate,
            latency: args.latency,
        };
        let server = mock::start(Arc::clone(&mock), args.addr, options)
            .await
            .map_err(|e| anyhow::anyhow!("failed to listen on {}: {e}", args.addr))?;
        super::output::note!(
            "serving {} documented examples from {} pages at {} (Ctrl-C stops)",
            mock.len(),
            list.pages,
            server.base_url()
        );
        tokio::signal::ctrl_c().await?;
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::listen_address;

    #[test]
    fn addresses_and_host_names_are_accepted() {
        assert_eq!(
            listen_address("127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            listen_address("[::1]:9").unwrap(),
            "[::1]:9".parse().unwrap()
        );
        let localhost = listen_address("localhost:8080").unwrap();
        assert!(localhost.ip().is_loopback(), "{localhost}");
        assert_eq!(localhost.port(), 8080);
        for bad in ["nonsense", "8080", "localhost"] {
            let error = listen_address(bad).unwrap_err();
            assert!(
                error.ends_with(
                    "expected HOST:PORT, such as 127.0.0.1:8080, [::1]:8080 or localhost:8080"
                ),
                "{bad}: {error}"
            );
        }
    }
}
