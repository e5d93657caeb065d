//! The one configuration path: clap arguments, each with its `CONTRACT_*` variable.
//!
//! The `contract` binary flattens these groups into its subcommands; the `cargo test` suite
//! parses the same [`Config`] from the environment alone ([`Config::from_env`]). A flag given on
//! the command line wins over its variable. Each command takes only the groups it reads, so a
//! bad `CONTRACT_TIMEOUT` cannot fail `contract lint`.

use crate::known::{KnownIssues, KnownIssuesError};
use crate::report::Outputs;
use crate::runner::RunOptions;
use crate::schema::{SchemaError, Schemas};
use crate::send::{read_ca_certificates, ClientOptions, OAuth, Vars, VarsError};
use clap::{CommandFactory, Parser};
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Where the pages are: every command that reads pages takes it.
#[derive(Debug, Clone, clap::Args)]
pub struct CasesArgs {
    /// Folder of Markdown pages, searched recursively.
    #[arg(
        long,
        env = "CONTRACT_CASES",
        value_name = "DIR",
        default_value = "cases"
    )]
    pub cases: PathBuf,
    /// A scenario file, or a folder of them, read besides those under the cases folder
    /// (ApiDoctor's `.json`, our `*scenarios.toml`).
    #[arg(long, env = "CONTRACT_SCENARIOS", value_name = "PATH")]
    pub scenarios: Option<PathBuf>,
    /// Only the pages changed since this git ref (committed, staged, in the work tree, or
    /// new), and the pages whose examples use a type defined on a changed resource page: what
    /// a pull request touched.
    #[arg(long, env = "CONTRACT_CHANGED_SINCE", value_name = "GIT_REF")]
    pub changed_since: Option<String>,
}

impl CasesArgs {
    /// The cases of the pages under the cases folder, with the scenario files attached.
    pub fn catalog(&self) -> Result<crate::catalog::Catalog, crate::catalog::CatalogError> {
        let mut catalog =
            crate::catalog::Catalog::read_with(&self.cases, self.scenario_paths(), |_| Vec::new())?;
        if let Some(reference) = &self.changed_since {
            let changed = crate::catalog::changed_since(&self.cases, reference)?;
            catalog.keep_changed(&changed);
        }
        Ok(catalog)
    }

    /// The scenario files or folders named besides the cases folder.
    pub fn scenario_paths(&self) -> &[PathBuf] {
        self.scenarios.as_slice()
    }
}

/// Where the JSON Schemas are: every command that reads schemas takes it.
#[derive(Debug, Clone, clap::Args)]
pub struct SchemasArgs {
    /// Folder of JSON Schemas, one file per OData type [default: schemas, when it exists]
    #[arg(long, env = "CONTRACT_SCHEMAS", value_name = "DIR")]
    pub schemas: Option<PathBuf>,
}

impl SchemasArgs {
    /// Loads the folder asked for (an error when it cannot be), else `schemas/` when it
    /// exists, else no schemas.
    pub fn load(&self) -> Result<Schemas, ConfigError> {
        match &self.schemas {
            Some(dir) => Ok(Schemas::load(dir)?),
            None if Path::new(DEFAULT_SCHEMAS).exists() => {
                Ok(Schemas::load(Path::new(DEFAULT_SCHEMAS))?)
            }
            None => Ok(Schemas::empty()),
        }
    }
}

const DEFAULT_SCHEMAS: &str = "schemas";

/// The target and how to talk to it: everything a run needs besides the pages and schemas.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// The service to test; without it the embedded mock answers.
    #[arg(long, env = "CONTRACT_BASE_URL", value_name = "URL", value_parser = base_url)]
    pub base_url: Option<Url>,
    /// TOML or JSON file with values for URL placeholders.
    #[arg(long, env = "CONTRACT_VARS", value_name = "FILE")]
    pub vars: Option<PathBuf>,
    /// Bearer token sent to the target, never printed; prefer the variable, since a flag is
    /// visible to every user of the machine.
    #[arg(
        long,
        env = "CONTRACT_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        value_parser = secret
    )]
    pub token: Option<SecretString>,
    /// Read the bearer token from this environment variable instead.
    #[arg(long, value_name = "NAME", conflicts_with = "token")]
    pub token_env: Option<String>,
    /// OAuth 2.0 client credentials: the token endpoint (with --client-id and
    /// --client-secret; the token is fetched once, cached and refreshed before it expires).
    #[arg(long, env = "CONTRACT_TOKEN_URL", value_name = "URL", requires_all = ["client_id", "client_secret"])]
    pub token_url: Option<String>,
    /// OAuth 2.0 client id.
    #[arg(long, env = "CONTRACT_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth 2.0 client secret, never printed.
    #[arg(
        long,
        env = "CONTRACT_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        value_parser = secret
    )]
    pub client_secret: Option<SecretString>,
    /// OAuth 2.0 scope.
    #[arg(
        long,
        env = "CONTRACT_SCOPE",
        value_name = "SCOPE",
        default_value = "https://graph.microsoft.com/.default"
    )]
    pub scope: String,
    /// Add a header to every request, `Name: value` (repeatable; the variable holds one per line).
    #[arg(
        long = "header",
        env = "CONTRACT_HEADERS",
        value_name = "HEADER",
        value_delimiter = '\n'
    )]
    pub headers: Vec<String>,
    /// Send POST, PUT, PATCH and DELETE to a target that is not this machine.
    #[arg(long, env = "CONTRACT_ALLOW_WRITES", value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_writes: bool,
    /// Warnings fail the case: an undeclared property, a null the example does not show.
    #[arg(long, env = "CONTRACT_STRICT", value_parser = clap::builder::BoolishValueParser::new())]
    pub strict: bool,
    /// Seconds allowed for one exchange, body included [default: 30]
    #[arg(long, env = "CONTRACT_TIMEOUT", value_name = "SECONDS", value_parser = seconds)]
    pub timeout: Option<Duration>,
    /// Seconds allowed to open a connection [default: 5]
    #[arg(long, env = "CONTRACT_CONNECT_TIMEOUT", value_name = "SECONDS", value_parser = seconds)]
    pub connect_timeout: Option<Duration>,
    /// PEM file of certificate authorities to trust besides the public ones, for a target whose
    /// certificate a private or development CA signed.
    #[arg(long, env = "CONTRACT_CACERT", value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Retries for throttled (429/503) and transient failures [default: 3]
    #[arg(long, env = "CONTRACT_RETRIES", value_name = "N")]
    pub retries: Option<u32>,
    /// At most this many requests per second.
    #[arg(long, env = "CONTRACT_RPS", value_name = "N", value_parser = positive)]
    pub rps: Option<f64>,
    /// Largest response body read, in bytes; longer ones are cut and fail [default: 10 MiB]
    #[arg(long, env = "CONTRACT_MAX_BODY", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// ApiDoctor's accounts file: each enabled account runs every case against its
    /// serviceUrl, signed in as it [default: the first .json with `accounts` among the cases
    /// folder and the scenario files, as ApiDoctor finds it]
    #[arg(long, env = "CONTRACT_ACCOUNTS", value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Run as this account of the accounts file only (enabled or not).
    #[arg(long, env = "CONTRACT_ACCOUNT", value_name = "NAME")]
    pub account: Option<String>,
    /// The account `secondary-account` steps run as [default: the second enabled account]
    #[arg(long, env = "CONTRACT_SECONDARY_ACCOUNT", value_name = "NAME")]
    pub secondary_account: Option<String>,
    /// The branch this run is on, for the accounts file's `checkServiceEnabledBranches`
    /// [default: the CI's branch variable: GITHUB_HEAD_REF, GITHUB_REF_NAME, APPVEYOR_REPO_BRANCH, …]
    #[arg(long, env = "CONTRACT_BRANCH", value_name = "NAME")]
    pub branch: Option<String>,
}

/// Where the known issues are: every command that runs cases takes it.
#[derive(Debug, Clone, clap::Args)]
pub struct KnownArgs {
    /// Known issues: failures recorded with a reason, owner and link, which do not fail the run
    /// [default: known-issues.toml in the cases folder, when it exists]
    #[arg(long, env = "CONTRACT_KNOWN_ISSUES", value_name = "FILE")]
    pub known_issues: Option<PathBuf>,
}

impl KnownArgs {
    /// Reads the file asked for (an error when it cannot be), else `known-issues.toml` in the
    /// cases folder when it exists, else none.
    pub fn load(&self, cases: &Path) -> Result<Option<KnownIssues>, KnownIssuesError> {
        match &self.known_issues {
            Some(file) => KnownIssues::load(file).map(Some),
            None => {
                let file = cases.join(crate::known::FILE_NAME);
                file.is_file().then(|| KnownIssues::load(&file)).transpose()
            }
        }
    }
}

/// Where the reports go; each file flag wins over `--report-dir` for its format.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Write all four reports here: junit.xml, report.json, summary.md, report.html.
    #[arg(long, env = "CONTRACT_REPORT_DIR", value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub report_junit: Option<PathBuf>,
    /// Write the JSON report here.
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when it is set).
    #[arg(long, value_name = "FILE")]
    pub report_markdown: Option<PathBuf>,
    /// Write a self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    pub report_html: Option<PathBuf>,
    /// Prefix for the HTML report's links to pages, e.g.
    /// https://github.com/org/repo/blob/main/cases/ [default: the cases folder relative to the
    /// HTML file]
    #[arg(long, env = "CONTRACT_REPORT_LINK_BASE", value_name = "URL")]
    pub report_link_base: Option<String>,
}

impl ReportArgs {
    /// The files to write. The Markdown summary goes to `$GITHUB_STEP_SUMMARY` too, once per
    /// step: only when a Markdown report was asked for.
    pub fn outputs(&self) -> Outputs {
        let in_dir = self
            .report_dir
            .as_deref()
            .map(Outputs::in_dir)
            .unwrap_or_default();
        let markdown = self.report_markdown.clone().or(in_dir.markdown);
        Outputs {
            junit: self.report_junit.clone().or(in_dir.junit),
            json: self.report_json.clone().or(in_dir.json),
            html: self.report_html.clone().or(in_dir.html),
            link_base: self.report_link_base.clone(),
            github_step_summary: markdown.as_ref().and_then(|_| {
                std::env::var_os("GITHUB_STEP_SUMMARY")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            }),
            markdown,
        }
    }
}

/// Everything a run reads: pages, schemas, target, reports.
#[derive(Debug, Clone, Parser)]
#[command(name = "contract-suite")]
pub struct Config {
    /// The pages.
    #[command(flatten)]
    pub cases: CasesArgs,
    /// The schemas.
    #[command(flatten)]
    pub schemas: SchemasArgs,
    /// The target.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The known issues.
    #[command(flatten)]
    pub known: KnownArgs,
    /// The reports.
    #[command(flatten)]
    pub reports: ReportArgs,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A `CONTRACT_*` variable that does not parse (clap's message names the value and why).
    #[error("failed to read the CONTRACT_* variables: {0}")]
    Env(String),
    /// `--token-env` names a variable that is not set.
    #[error("--token-env {0}: the variable {0} is not set")]
    TokenEnv(String),
    /// The `--cacert` file cannot be used.
    #[error("{0}; pass a PEM file of CA certificates (--cacert FILE or CONTRACT_CACERT)")]
    CaFile(String),
    /// An extra header that is not `Name: value`.
    #[error(
        "failed to read the header {0:?}: expected `Name: value` (--header or CONTRACT_HEADERS)"
    )]
    BadHeader(String),
    /// The variables file cannot be used.
    #[error(transparent)]
    Vars(#[from] VarsError),
    /// A schemas folder was asked for and cannot be loaded.
    #[error(transparent)]
    Schemas(#[from] SchemaError),
    /// The known-issues file cannot be used.
    #[error(transparent)]
    Known(#[from] KnownIssuesError),
    /// The accounts file cannot be used, or the accounts asked for are not in it.
    #[error(transparent)]
    Accounts(#[from] crate::accounts::AccountsError),
}

impl Config {
    /// The configuration from the `CONTRACT_*` variables alone, as the `cargo test` suite sees
    /// it. Relative paths are taken from the current directory when they exist there, else from
    /// `root` (`cargo test` runs in the crate's folder; the pages are in the workspace's).
    pub fn from_env(root: &Path) -> Result<Config, ConfigError> {
        forget_empty_variables();
        let mut config = Config::try_parse_from(["contract-suite"])
            .map_err(|error| ConfigError::Env(describe(&error, &Config::command())))?;
        let resolve = |path: &mut PathBuf| {
            if !path.is_absolute() && !path.exists() {
                *path = root.join(&*path);
            }
        };
        resolve(&mut config.cases.cases);
        config.cases.scenarios.iter_mut().for_each(resolve);
        if config.schemas.schemas.is_none() {
            config.schemas.schemas = Some(root.join(DEFAULT_SCHEMAS)).filter(|dir| dir.exists());
        }
        config.schemas.schemas.iter_mut().for_each(resolve);
        config.target.vars.iter_mut().for_each(resolve);
        config.known.known_issues.iter_mut().for_each(resolve);
        config.target.cacert.iter_mut().for_each(resolve);
        config.target.accounts.iter_mut().for_each(resolve);
        Ok(config)
    }
}

impl Config {
    /// The run options: the target's, with the known issues read.
    pub fn run_options(&self) -> Result<RunOptions, ConfigError> {
        let mut options = self.target.run_options()?;
        options.known = self.known.load(&self.cases.cases)?.map(Arc::new);
        Ok(options)
    }
}

impl TargetArgs {
    /// What these arguments ask of ApiDoctor's accounts file.
    pub fn accounts_wanted(&self) -> crate::accounts::Wanted<'_> {
        crate::accounts::Wanted {
            file: self.accounts.as_deref(),
            account: self.account.as_deref(),
            secondary: self.secondary_account.as_deref(),
            branch: self.branch.as_deref(),
        }
    }

    /// The run options these arguments describe: reads the variables file, the CA file and
    /// the `--token-env` variable.
    pub fn run_options(&self) -> Result<RunOptions, ConfigError> {
        let vars = match &self.vars {
            Some(path) => Vars::load(path)?,
            None => Vars::default(),
        };
        let token = match &self.token_env {
            Some(name) => Some(SecretString::from(
                std::env::var(name)
                    .ok()
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| ConfigError::TokenEnv(name.clone()))?,
            )),
            None => self
                .token
                .clone()
                .filter(|t| !t.expose_secret().trim().is_empty()),
        };
        let oauth = match (&self.token_url, &self.client_id, &self.client_secret) {
            (Some(token_url), Some(client_id), Some(client_secret)) => {
                Some(OAuth::client_credentials(
                    token_url.clone(),
                    client_id.clone(),
                    client_secret.clone(),
                    self.scope.clone(),
                ))
            }
            _ => None,
        };
        let defaults = ClientOptions::default();
        let mut client = ClientOptions {
            token,
            oauth,
            extra_headers: parse_headers(&self.headers)?,
            requests_per_second: self.rps,
            timeout: self.timeout.unwrap_or(defaults.timeout),
            connect_timeout: self.connect_timeout.unwrap_or(defaults.connect_timeout),
            body_limit: self.max_body_bytes.unwrap_or(defaults.body_limit),
            ..defaults
        };
        if let Some(file) = &self.cacert {
            client.ca_certificates = read_ca_certificates(file).map_err(ConfigError::CaFile)?;
        }
        if let Some(retries) = self.retries {
            client.retry.max_retries = retries;
        }
        Ok(RunOptions {
            base_url: self.base_url.clone(),
            vars,
            client,
            allow_writes: self.allow_writes,
            strict: self.strict,
            known: None,
            accounts: Vec::new(),
            secondary: None,
            refused: None,
        })
    }
}

/// Removes every `CONTRACT_*` variable that is set but blank, so that it reads as unset: CI
/// systems export a secret nobody configured as an empty string. Call it before any thread is
/// started (both front ends do, first thing).
pub fn forget_empty_variables() {
    for (name, value) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONTRACT_")
            && value.to_string_lossy().trim().is_empty()
        {
            std::env::remove_var(name);
        }
    }
}

/// clap's message for an argument it refused, naming the `CONTRACT_*` variable when the bad
/// value came from one: clap itself names only the flag, which the user may never have typed.
pub fn describe(error: &clap::Error, command: &clap::Command) -> String {
    use clap::error::{ContextKind, ContextValue};
    let text = error.to_string();
    let message = text
        .trim_start_matches("error: ")
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(value)) => Some(value.as_str()),
        _ => None,
    };
    let (Some(flag), Some(value)) = (
        context(ContextKind::InvalidArg),
        context(ContextKind::InvalidValue),
    ) else {
        return message;
    };
    let long = flag
        .trim_start_matches("--")
        .split([' ', '='])
        .next()
        .unwrap_or_default();
    let variable = std::iter::once(command)
        .chain(command.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .find(|arg| arg.get_long() == Some(long))
        .and_then(|arg| arg.get_env())
        .and_then(|name| {
            let set = std::env::var_os(name)?;
            (set.to_string_lossy().split('\n').any(|v| v == value)).then_some(name)
        });
    match variable {
        Some(name) => format!(
            "{message} (the value comes from {})",
            name.to_string_lossy()
        ),
        None => message,
    }
}

/// Parses `Name: value` headers; blank entries (an empty line in `CONTRACT_HEADERS`) are skipped.
fn parse_headers(headers: &[String]) -> Result<Vec<(String, String)>, ConfigError> {
    headers
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err(ConfigError::BadHeader(line.clone())),
        })
        .collect()
}

/// Parses a duration in seconds (`30`, `2.5`): zero, negative, NaN and infinite values are
/// refused, since none of them makes a usable timeout.
pub fn seconds(value: &str) -> Result<Duration, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| *seconds > 0.0)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| "expected a positive number of seconds, such as 30 or 2.5".to_owned())
}

/// A secret, held so that it cannot be printed by accident.
fn secret(value: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(value.trim().to_owned()))
}

/// A positive, finite number.
fn positive(value: &str) -> Result<f64, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .ok_or_else(|| "expected a positive number, such as 10 or 0.5".to_owned())
}

/// An absolute http(s) URL.
pub fn base_url(value: &str) -> Result<Url, String> {
    let expected = "expected an absolute URL such as http://localhost:8080/";
    let url = Url::parse(value.trim()).map_err(|error| format!("{error}; {expected}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("the scheme is {}; {expected}", url.scheme()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_positive_finite_numbers() {
        assert_eq!(seconds("30").unwrap(), Duration::from_secs(30));
        assert_eq!(seconds(" 2.5 ").unwrap(), Duration::from_millis(2500));
        for bad in ["0", "-1", "nan", "inf", "1e400", "ten", ""] {
            assert_eq!(
                seconds(bad).unwrap_err(),
                "expected a positive number of seconds, such as 30 or 2.5"
            );
        }
    }

    #[test]
    fn flags_and_variables_share_one_definition() {
        let config = Config::try_parse_from([
            "contract-suite",
            "--base-url",
            "http://127.0.0.1:9/",
            "--header",
            "A: 1",
            "--allow-writes",
            "--retries",
            "0",
        ])
        .unwrap();
        let options = config.target.run_options().unwrap();
        assert_eq!(options.base_url.unwrap().as_str(), "http://127.0.0.1:9/");
        assert_eq!(options.client.extra_headers, [("A".into(), "1".into())]);
        assert!(options.allow_writes);
        assert_eq!(options.client.retry.max_retries, 0);
        let error = Config::try_parse_from(["contract-suite", "--retries", "nan"]).unwrap_err();
        assert!(error.to_string().contains("'nan'"), "{error}");
        let error =
            Config::try_parse_from(["contract-suite", "--base-url", "ftp://x/"]).unwrap_err();
        assert!(error.to_string().contains("the scheme is ftp"), "{error}");
    }

    #[test]
    fn report_files_come_from_the_folder_unless_named() {
        let config = Config::try_parse_from([
            "contract-suite",
            "--report-dir",
            "out",
            "--report-json",
            "elsewhere.json",
        ])
        .unwrap();
        let outputs = config.reports.outputs();
        assert_eq!(outputs.json.unwrap(), Path::new("elsewhere.json"));
        assert_eq!(outputs.junit.unwrap(), Path::new("out/junit.xml"));
        assert_eq!(outputs.html.unwrap(), Path::new("out/report.html"));
    }
}
