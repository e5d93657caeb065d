//! Configuration from the environment (`CONTRACT_*`), shared by the `cargo test` suite and the
//! command line (where flags override it).

use crate::run::RunOptions;
use crate::send::{read_ca_certificates, ClientCredentials, ClientOptions, Vars, VarsError};
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// Everything a run reads from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder of Markdown pages (`CONTRACT_CASES`, default `cases/`).
    pub cases: PathBuf,
    /// Folder of JSON Schemas (`CONTRACT_SCHEMAS`, default `schemas/`); a missing default
    /// folder means no schemas, a missing folder that was asked for is an error.
    pub schemas: PathBuf,
    /// Whether `schemas` was asked for explicitly.
    pub schemas_explicit: bool,
    /// The service to test (`CONTRACT_BASE_URL`); unset means the embedded mock.
    pub base_url: Option<Url>,
    /// Placeholder values file (`CONTRACT_VARS`).
    pub vars: Option<PathBuf>,
    /// Bearer token (`CONTRACT_TOKEN`). Never printed.
    pub token: Option<String>,
    /// Folder to write reports into (`CONTRACT_REPORT_DIR`).
    pub report_dir: Option<PathBuf>,
    /// Per-exchange timeout (`CONTRACT_TIMEOUT`, seconds).
    pub timeout: Option<Duration>,
    /// Time allowed to open a connection (`CONTRACT_CONNECT_TIMEOUT`, seconds).
    pub connect_timeout: Option<Duration>,
    /// PEM file of certificate authorities to trust besides the public ones (`CONTRACT_CACERT`).
    pub ca_file: Option<PathBuf>,
    /// OAuth 2.0 client credentials (`CONTRACT_TOKEN_URL`, `CONTRACT_CLIENT_ID`,
    /// `CONTRACT_CLIENT_SECRET`, `CONTRACT_SCOPE`), used when there is no token.
    pub oauth: Option<ClientCredentials>,
    /// Extra request headers (`CONTRACT_HEADERS`: one `Name: value` per line).
    pub headers: Vec<(String, String)>,
    /// Allow writes against a target that is not loopback (`CONTRACT_ALLOW_WRITES=1`).
    pub allow_writes: bool,
    /// Retries per case (`CONTRACT_RETRIES`, default 3).
    pub retries: Option<u32>,
    /// Requests per second cap (`CONTRACT_RPS`).
    pub requests_per_second: Option<f64>,
    /// Largest body read whole, in bytes (`CONTRACT_MAX_BODY`, default 10 MiB).
    pub body_limit: Option<usize>,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The base URL does not parse.
    #[error("failed to read {name}={value:?}: {source}; expected an absolute URL such as http://localhost:8080/")]
    BadUrl {
        /// The variable or flag.
        name: &'static str,
        /// Its value.
        value: String,
        /// Why it is not a URL.
        source: url::ParseError,
    },
    /// A number that is not one.
    #[error("failed to read {name}={value:?}: expected a number")]
    BadNumber {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// A duration that is not a positive number of seconds.
    #[error("failed to read {name}={value:?}: {SECONDS_EXPECTED}")]
    BadSeconds {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The `--cacert` file cannot be used.
    #[error("{0}; pass a PEM file of CA certificates (--cacert FILE or CONTRACT_CACERT)")]
    CaFile(String),
    /// An extra header that is not `Name: value`.
    #[error("failed to read the header {0:?}: expected `Name: value`")]
    BadHeader(String),
    /// The variables file cannot be used.
    #[error(transparent)]
    Vars(#[from] VarsError),
    /// A schemas folder was asked for and cannot be loaded.
    #[error(transparent)]
    Schemas(#[from] crate::schema::SchemaError),
}

impl Config {
    /// Reads the `CONTRACT_*` variables. Relative paths are taken from the current directory
    /// when they exist there, else from `root` (so `cargo test`, which runs in the crate's
    /// folder, finds the workspace's `cases/`).
    pub fn from_env(root: &Path) -> Result<Config, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let path = |value: String| {
            let path = PathBuf::from(value);
            if path.is_absolute() || path.exists() {
                path
            } else {
                root.join(path)
            }
        };
        let base_url = match var("CONTRACT_BASE_URL") {
            Some(value) => Some(parse_base_url("CONTRACT_BASE_URL", &value)?),
            None => None,
        };
        let seconds = |name: &'static str| var(name).map(|v| parse_seconds(name, &v)).transpose();
        let schemas = var("CONTRACT_SCHEMAS");
        let number = |name: &'static str| -> Result<Option<f64>, ConfigError> {
            var(name)
                .map(|value| {
                    value
                        .trim()
                        .parse::<f64>()
                        .map_err(|_| ConfigError::BadNumber { name, value })
                })
                .transpose()
        };
        let oauth = match (
            var("CONTRACT_TOKEN_URL"),
            var("CONTRACT_CLIENT_ID"),
            var("CONTRACT_CLIENT_SECRET"),
        ) {
            (Some(token_url), Some(client_id), Some(client_secret)) => Some(ClientCredentials {
                token_url,
                client_id,
                client_secret,
                scope: var("CONTRACT_SCOPE")
                    .unwrap_or_else(|| "https://graph.microsoft.com/.default".into()),
            }),
            _ => None,
        };
        Ok(Config {
            cases: path(var("CONTRACT_CASES").unwrap_or_else(|| "cases".into())),
            schemas_explicit: schemas.is_some(),
            schemas: path(schemas.unwrap_or_else(|| "schemas".into())),
            base_url,
            vars: var("CONTRACT_VARS").map(path),
            token: var("CONTRACT_TOKEN"),
            report_dir: var("CONTRACT_REPORT_DIR").map(PathBuf::from),
            timeout: seconds("CONTRACT_TIMEOUT")?,
            connect_timeout: seconds("CONTRACT_CONNECT_TIMEOUT")?,
            ca_file: var("CONTRACT_CACERT").map(path),
            oauth,
            headers: var("CONTRACT_HEADERS")
                .map(|h| parse_headers(&h))
                .transpose()?
                .unwrap_or_default(),
            allow_writes: var("CONTRACT_ALLOW_WRITES")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            retries: number("CONTRACT_RETRIES")?.map(|n| n as u32),
            requests_per_second: number("CONTRACT_RPS")?,
            body_limit: number("CONTRACT_MAX_BODY")?.map(|n| n as usize),
        })
    }

    /// Loads the schemas folder (empty when the default folder does not exist).
    pub fn load_schemas(&self) -> Result<crate::schema::Schemas, ConfigError> {
        if !self.schemas_explicit && !self.schemas.exists() {
            return Ok(crate::schema::Schemas::empty());
        }
        Ok(crate::schema::Schemas::load(&self.schemas)?)
    }

    /// The run options this configuration describes.
    pub fn run_options(&self) -> Result<RunOptions, ConfigError> {
        let vars = match &self.vars {
            Some(path) => Vars::load(path)?,
            None => Vars::default(),
        };
        let mut client = ClientOptions {
            token: self.token.clone(),
            oauth: self.oauth.clone(),
            extra_headers: self.headers.clone(),
            requests_per_second: self.requests_per_second,
            ..ClientOptions::default()
        };
        if let Some(timeout) = self.timeout {
            client.timeout = timeout;
        }
        if let Some(timeout) = self.connect_timeout {
            client.connect_timeout = timeout;
        }
        if let Some(file) = &self.ca_file {
            client.ca_certificates = read_ca_certificates(file).map_err(ConfigError::CaFile)?;
        }
        if let Some(retries) = self.retries {
            client.retry.max_retries = retries;
        }
        if let Some(limit) = self.body_limit {
            client.body_limit = limit;
        }
        Ok(RunOptions {
            base_url: self.base_url.clone(),
            vars,
            client,
            allow_writes: self.allow_writes,
        })
    }
}

/// Parses `Name: value` lines (blank lines ignored).
pub fn parse_headers(text: &str) -> Result<Vec<(String, String)>, ConfigError> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err(ConfigError::BadHeader(line.to_owned())),
        })
        .collect()
}

/// What a duration in seconds must look like, for error messages (flags and variables alike).
pub const SECONDS_EXPECTED: &str = "expected a positive number of seconds, such as 30 or 2.5";

/// Parses a duration in seconds (`30`, `2.5`): zero, negative, NaN and infinite values are
/// refused, since none of them makes a usable timeout.
pub fn parse_seconds(name: &'static str, value: &str) -> Result<Duration, ConfigError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| *seconds > 0.0)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| ConfigError::BadSeconds {
            name,
            value: value.to_owned(),
        })
}

/// Parses a base URL, insisting on http(s).
pub fn parse_base_url(name: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|source| ConfigError::BadUrl {
        name,
        value: value.to_owned(),
        source,
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::BadUrl {
            name,
            value: value.to_owned(),
            source: url::ParseError::RelativeUrlWithoutBase,
        });
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_positive_finite_numbers() {
        assert_eq!(parse_seconds("T", "30").unwrap(), Duration::from_secs(30));
        assert_eq!(
            parse_seconds("T", " 2.5 ").unwrap(),
            Duration::from_millis(2500)
        );
        for bad in ["0", "-1", "nan", "inf", "1e400", "ten", ""] {
            let error = parse_seconds("CONTRACT_TIMEOUT", bad)
                .unwrap_err()
                .to_string();
            assert_eq!(
                error,
                format!("failed to read CONTRACT_TIMEOUT={bad:?}: expected a positive number of seconds, such as 30 or 2.5")
            );
        }
    }
}
