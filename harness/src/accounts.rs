//! ApiDoctor's accounts file: who a live run signs in as, where it sends, what each account
//! can run, and on which branches the accounts may be used at all.
//!
//! Read as ApiDoctor's console reads it (`ApiDoctor.Console/AppConfigFile.cs`,
//! `Auth/OAuthAccount.cs`, at eb5043e): the first `.json` under the docs whose top has
//! `accounts` or `checkServiceEnabledBranches` (or the file `--accounts` names), JSON as
//! Newtonsoft reads it, keys in any case. A string `$env:NAME` is read from the environment;
//! a variable unset or empty disables the account and says which. Every client secret,
//! refresh token and password is held as a secret from the moment it is read.

use crate::finding::{Finding, Rule, Severity};
use crate::send::{Grant, OAuth};
use contract_core::json::get_any_case as field;
use secrecy::SecretString;
use serde_json::{Map, Value as Json};
use std::path::{Path, PathBuf};
use url::Url;

/// What an accounts file holds.
#[derive(Debug, Default)]
pub struct AccountsFile {
    /// The file, as named or found.
    pub path: PathBuf,
    /// Its accounts, in file order (disabled ones too).
    pub accounts: Vec<Account>,
    /// `checkServiceEnabledBranches`: the branches on which a live run may use the accounts;
    /// `None` when the file does not limit them.
    pub branches: Option<Vec<String>>,
    /// Problems: unreadable values, accounts disabled for a missing variable, keys ApiDoctor
    /// does not read.
    pub findings: Vec<Finding>,
}

/// One account.
#[derive(Debug, Clone)]
pub struct Account {
    /// Its `name`: reports say which account ran each case.
    pub name: String,
    /// Only enabled accounts run, unless `--account` names one.
    pub enabled: bool,
    /// 1-based line where it starts in the file.
    pub line: usize,
    /// How it gets a token, when it has a `tokenService`.
    pub oauth: Option<OAuth>,
    /// `serviceUrl`: the service root the docs' URLs are appended to, version included.
    pub service_url: Option<Url>,
    /// Scopes it has been granted.
    pub scopes: Vec<String>,
    /// API versions it serves.
    pub api_versions: Vec<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// `additionalHeaders`, `Name:Value` each.
    pub headers: Vec<(String, String)>,
    /// Renames applied to what it sends and receives.
    pub transformations: Transformations,
}

/// `transformations` (`ApiDoctor.Validation/MetadataTransforms.cs:32-56`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transformations {
    /// `request.properties`: in every JSON property name sent, the first of these (in file
    /// order) found in the name has every occurrence replaced.
    pub request_properties: Vec<(String, String)>,
    /// `request.actions.prefix`: put before the last URL segment of actions and functions.
    pub action_prefix: Option<String>,
    /// `response.properties`: the same renames on JSON answers, before they are checked.
    pub response_properties: Vec<(String, String)>,
}

impl Transformations {
    /// True when nothing is renamed.
    pub fn is_empty(&self) -> bool {
        *self == Transformations::default()
    }
}

/// `body` with its property names renamed by `rules` (`Json/jsonrewriter.cs:44-99`): for each
/// name, the first rule whose text occurs in it has every occurrence replaced; values are
/// never changed.
pub fn rename_properties(body: &mut Json, rules: &[(String, String)]) {
    match body {
        Json::Object(object) => {
            let renamed: Map<String, Json> = std::mem::take(object)
                .into_iter()
                .map(|(name, mut value)| {
                    rename_properties(&mut value, rules);
                    let name = match rules.iter().find(|(from, _)| name.contains(from.as_str())) {
                        Some((from, to)) => name.replace(from.as_str(), to),
                        None => name,
                    };
                    (name, value)
                })
                .collect();
            *object = renamed;
        }
        Json::Array(items) => items
            .iter_mut()
            .for_each(|item| rename_properties(item, rules)),
        _ => {}
    }
}

/// Why an accounts file cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The file cannot be read.
    #[error(
        "failed to read the accounts file {path}: {source}; check --accounts (CONTRACT_ACCOUNTS)"
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The accounts asked for are not there, or none is enabled in a file named.
    #[error("{0}")]
    Choice(String),
    /// The file is not JSON, or not an object with `accounts`.
    #[error("{path}:{line}: the accounts file cannot be read: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl AccountsFile {
    /// Reads the accounts file at `path`; `env` gives environment variables (`$env:NAME`).
    pub fn load(
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AccountsFile, AccountsError> {
        let text = std::fs::read_to_string(path).map_err(|source| AccountsError::Read {
            path: path.to_owned(),
            source,
        })?;
        AccountsFile::parse(path, &text, env)
    }

    /// Reads the text of an accounts file.
    pub fn parse(
        path: &Path,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AccountsFile, AccountsError> {
        let syntax = |line: usize, message: String| AccountsError::Syntax {
            path: path.to_owned(),
            line,
            message,
        };
        let (value, _) = contract_core::json::parse_lenient(text)
            .map_err(|e| syntax(e.line.max(1), format!("not valid JSON: {}", e.message)))?;
        let Json::Object(top) = value else {
            return Err(syntax(1, "expected an object with `accounts`".to_owned()));
        };
        let locator = contract_core::json::Locator::new(text);
        let line_of = |pointer: &str| {
            let location = locator.locate(pointer);
            if location.found {
                location.line + 1
            } else {
                1
            }
        };
        let mut file = AccountsFile {
            path: path.to_owned(),
            ..AccountsFile::default()
        };
        let name = path.display().to_string();
        if let Some(branches) = field(&top, "checkServiceEnabledBranches") {
            file.branches = Some(strings(branches));
        }
        let accounts = match field(&top, "accounts") {
            None | Some(Json::Null) => &Vec::new(),
            Some(Json::Array(accounts)) => accounts,
            Some(_) => {
                return Err(syntax(
                    line_of("/accounts"),
                    "`accounts` must be a list".to_owned(),
                ))
            }
        };
        for (index, item) in accounts.iter().enumerate() {
            let at = format!("/accounts/{index}");
            let line = line_of(&at);
            let Json::Object(object) = item else {
                return Err(syntax(line, "each account must be an object".to_owned()));
            };
            let mut reader = AccountReader {
                object,
                env,
                missing: Vec::new(),
            };
            let account = reader
                .account(line)
                .map_err(|message| syntax(line, message))?;
            file.findings.extend(account_findings(
                &name,
                line,
                &account,
                &reader.missing,
                object,
            ));
            let mut account = account;
            account.enabled &= reader.missing.is_empty();
            file.accounts.push(account);
        }
        Ok(file)
    }

    /// The accounts a run uses: the one `chosen` names (enabled or not, as ApiDoctor's
    /// `--account` picks it), else every enabled one.
    pub fn selected(&self, chosen: Option<&str>) -> Result<Vec<&Account>, String> {
        match chosen {
            Some(name) => self
                .accounts
                .iter()
                .find(|a| a.name == name)
                .map(|a| vec![a])
                .ok_or_else(|| {
                    format!(
                        "--account {name}: {} has no account of that name{}",
                        self.path.display(),
                        contract_core::text::suggestion(
                            name,
                            self.accounts.iter().map(|a| a.name.as_str())
                        )
                    )
                }),
            None => Ok(self.accounts.iter().filter(|a| a.enabled).collect()),
        }
    }

    /// Why a live run on `branch` may not use these accounts (`Program.cs:987-998`: the
    /// branch must be listed, exactly), or `None` when it may.
    pub fn branch_refused(&self, branch: Option<&str>) -> Option<String> {
        let branches = self.branches.as_ref()?;
        let branch = branch?;
        (!branches.iter().any(|b| b == branch)).then(|| {
            format!(
                "not sent: branch `{branch}` is not in checkServiceEnabledBranches of {} ({}), so its accounts are not used on it",
                self.path.display(),
                branches.join(", ")
            )
        })
    }
}

/// What reading one account found: variables that are not set (the account is disabled, as
/// ApiDoctor disables it), and `oauthMode`, which ApiDoctor's docs show and its code ignores.
fn account_findings(
    file: &str,
    line: usize,
    account: &Account,
    missing: &[String],
    object: &Map<String, Json>,
) -> Vec<Finding> {
    let warning = |message: String| {
        Finding::new(Rule::AccountsFile, file, line, message).with_severity(Severity::Warning)
    };
    let mut findings = Vec::new();
    if !missing.is_empty() && account.enabled {
        let one = missing.len() == 1;
        findings.push(warning(format!(
            "account `{}` is disabled: the environment variable{} {} {} not set (ApiDoctor disables it too); set {} to use it",
            account.name,
            if one { "" } else { "s" },
            missing.join(", "),
            if one { "is" } else { "are" },
            if one { "it" } else { "them" },
        )));
    }
    if field(object, "oauthMode").is_some() && field(object, "oauthType").is_none() {
        findings.push(warning(format!(
            "account `{}`: `oauthMode` is not read (ApiDoctor's documentation says `oauthMode`, its code reads `oauthType`), so this account signs in with a refresh token, the default; write `oauthType`",
            account.name
        )));
    }
    findings
}

/// The strings of a list (or of one string).
fn strings(value: &Json) -> Vec<String> {
    match value {
        Json::Array(items) => items
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect(),
        Json::String(one) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// Reads one account, noting the `$env:` variables that are not set.
struct AccountReader<'a> {
    object: &'a Map<String, Json>,
    env: &'a dyn Fn(&str) -> Option<String>,
    missing: Vec<String>,
}

impl AccountReader<'_> {
    /// A string value, `$env:NAME` read from the environment (`OAuthAccount.cs:97-136`: an
    /// unset or empty variable is missing).
    fn text(&mut self, key: &str) -> Option<String> {
        let value = field(self.object, key)?.as_str()?.to_owned();
        match value.strip_prefix("$env:") {
            Some(name) => match (self.env)(name).filter(|v| !v.is_empty()) {
                Some(found) => Some(found),
                None => {
                    self.missing.push(name.to_owned());
                    None
                }
            },
            None => Some(value),
        }
    }

    fn secret(&mut self, key: &str) -> Option<SecretString> {
        self.text(key).map(SecretString::from)
    }

    fn list(&self, key: &str) -> Vec<String> {
        field(self.object, key).map(strings).unwrap_or_default()
    }

    fn account(&mut self, line: usize) -> Result<Account, String> {
        let name = field(self.object, "name")
            .and_then(Json::as_str)
            .filter(|n| !n.trim().is_empty())
            .ok_or("an account needs a `name`")?
            .to_owned();
        let enabled = match field(self.object, "enabled") {
            Some(Json::Bool(b)) => *b,
            Some(Json::String(s)) => s.trim().eq_ignore_ascii_case("true"),
            Some(Json::Number(n)) => n.as_f64() != Some(0.0),
            _ => false,
        };
        let service_url = match self.text("serviceUrl") {
            Some(text) => Some(Url::parse(text.trim()).map_err(|e| {
                format!("account `{name}`: `serviceUrl` {text:?} is not an absolute URL: {e}")
            })?),
            None => None,
        };
        let scopes = self.list("scopes");
        let oauth = self.oauth(&name, &scopes)?;
        let headers = self
            .list("additionalHeaders")
            .into_iter()
            .map(|header| match header.split_once(':') {
                Some((n, v)) if !n.trim().is_empty() => {
                    Ok((n.trim().to_owned(), v.trim().to_owned()))
                }
                _ => Err(format!(
                    "account `{name}`: additional header {header:?} must be `Name:Value`"
                )),
            })
            .collect::<Result<_, _>>()?;
        Ok(Account {
            transformations: self.transformations(),
            name,
            enabled,
            line,
            oauth,
            service_url,
            api_versions: self.list("apiVersions"),
            tags: self.list("tags"),
            scopes,
            headers,
        })
    }

    /// How the account gets its token (`OAuthAccount.cs:170-231`): `oauthType` RefreshToken
    /// (the default) or UserPassword, and ClientCredentials besides (an app signing in as
    /// itself, which Graph's own CI uses).
    fn oauth(&mut self, name: &str, scopes: &[String]) -> Result<Option<OAuth>, String> {
        let kind = field(self.object, "oauthType")
            .and_then(Json::as_str)
            .unwrap_or("RefreshToken")
            .to_owned();
        let client_id = self.text("clientId").unwrap_or_default();
        let client_secret = self.secret("clientSecret");
        let redirect_uri = self.text("redirectUri");
        let resource = self.text("resource");
        let scope = (!scopes.is_empty()).then(|| scopes.join(" "));
        let grant = match kind.to_ascii_lowercase().as_str() {
            "refreshtoken" | "0" => self.secret("refreshToken").map(Grant::RefreshToken),
            "userpassword" | "1" => match (self.text("username"), self.secret("password")) {
                (Some(username), Some(password)) => Some(Grant::Password { username, password }),
                _ => None,
            },
            "clientcredentials" => Some(Grant::ClientCredentials),
            other => {
                return Err(format!(
                    "account `{name}`: `oauthType` {other:?} is not RefreshToken, UserPassword or ClientCredentials"
                ))
            }
        };
        // OAuthTokenGenerator.cs:61-68: a refresh token is redeemed without a scope.
        let scope = scope.filter(|_| !matches!(grant, Some(Grant::RefreshToken(_))));
        let token_url = self.text("tokenService");
        Ok(match (token_url, grant) {
            (Some(token_url), Some(grant)) => Some(OAuth {
                token_url,
                client_id,
                client_secret,
                grant,
                scope,
                resource,
                redirect_uri,
            }),
            _ => None,
        })
    }

    fn transformations(&self) -> Transformations {
        let Some(Json::Object(all)) = field(self.object, "transformations") else {
            return Transformations::default();
        };
        let renames = |side: &str| -> Vec<(String, String)> {
            match field(all, side)
                .and_then(|s| s.as_object())
                .and_then(|s| field(s, "properties"))
            {
                Some(Json::Object(rules)) => rules
                    .iter()
                    .filter_map(|(from, to)| Some((from.clone(), to.as_str()?.to_owned())))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let action_prefix = field(all, "request")
            .and_then(Json::as_object)
            .and_then(|r| field(r, "actions"))
            .and_then(Json::as_object)
            .and_then(|a| field(a, "prefix"))
            .and_then(Json::as_str)
            .map(str::to_owned);
        Transformations {
            request_properties: renames("request"),
            action_prefix,
            response_properties: renames("response"),
        }
    }
}

/// What a run asks of the accounts file: `--accounts`, `--account`, `--secondary-account`,
/// `--branch`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Wanted<'a> {
    /// The accounts file named; else the one found is used.
    pub file: Option<&'a Path>,
    /// The one account to run as.
    pub account: Option<&'a str>,
    /// The account `secondary-account` steps run as.
    pub secondary: Option<&'a str>,
    /// The branch, for `checkServiceEnabledBranches`.
    pub branch: Option<&'a str>,
}

/// The accounts a run uses, and what reading them found.
#[derive(Debug, Default)]
pub struct ForRun {
    /// Problems in the accounts file (disabled accounts, keys it does not read).
    pub findings: Vec<Finding>,
    /// The accounts to run as, in file order; empty for a plain run.
    pub accounts: Vec<Account>,
    /// The account `secondary-account` steps use.
    pub secondary: Option<Account>,
    /// Why nothing may be sent (the branch gate), when nothing may.
    pub refused: Option<String>,
}

impl ForRun {
    /// Reads the accounts file `args` names, else the one the catalog `found`, and chooses
    /// the accounts: `--account`, else every enabled one. A file found (not named) whose
    /// accounts are all disabled leaves a plain run, its findings saying why; a named one is
    /// an error then.
    pub fn read(
        wanted: &Wanted,
        found: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ForRun, AccountsError> {
        let Some(path) = wanted.file.or(found) else {
            return match wanted.account.or(wanted.secondary) {
                Some(name) => Err(AccountsError::Choice(format!(
                    "account `{name}` was asked for, and there is no accounts file: name one with --accounts FILE (CONTRACT_ACCOUNTS)"
                ))),
                None => Ok(ForRun::default()),
            };
        };
        let file = match AccountsFile::load(path, env) {
            Ok(file) => file,
            // A file found, not named: the run goes on without accounts, and says why.
            Err(error) if wanted.file.is_none() => {
                let (line, message) = match &error {
                    AccountsError::Syntax { line, message, .. } => (*line, message.clone()),
                    other => (1, other.to_string()),
                };
                let finding = Finding::new(
                    Rule::AccountsFile,
                    &path.display().to_string(),
                    line,
                    format!("{message}; this run uses no account"),
                );
                return Ok(ForRun {
                    findings: vec![finding],
                    ..ForRun::default()
                });
            }
            Err(error) => return Err(error),
        };
        let accounts: Vec<Account> = file
            .selected(wanted.account)
            .map_err(AccountsError::Choice)?
            .into_iter()
            .cloned()
            .collect();
        if accounts.is_empty() && wanted.file.is_some() {
            return Err(AccountsError::Choice(format!(
                "{}: no account is enabled (or all lack a $env: variable); enable one, set its variables, or pick one with --account NAME",
                path.display()
            )));
        }
        let secondary = match wanted.secondary {
            Some(name) => Some(
                file.accounts
                    .iter()
                    .find(|a| a.name == name)
                    .cloned()
                    .ok_or_else(|| {
                        AccountsError::Choice(format!(
                            "--secondary-account {name}: {} has no account of that name",
                            path.display()
                        ))
                    })?,
            ),
            None => file.accounts.iter().filter(|a| a.enabled).nth(1).cloned(),
        };
        let refused = if accounts.is_empty() {
            None
        } else {
            file.branch_refused(current_branch(wanted.branch, env).as_deref())
        };
        Ok(ForRun {
            findings: file.findings,
            accounts,
            secondary,
            refused,
        })
    }
}

/// The branch a run is on, for the branch gate: `--branch` (`CONTRACT_BRANCH`), else the CI's
/// own variable — the pull request's source branch first, since that is whose changes run.
pub fn current_branch(given: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(branch) = given.filter(|b| !b.is_empty()) {
        return Some(branch.to_owned());
    }
    [
        "GITHUB_HEAD_REF",
        "GITHUB_REF_NAME",
        "APPVEYOR_PULL_REQUEST_HEAD_REPO_BRANCH",
        "APPVEYOR_REPO_BRANCH",
        "SYSTEM_PULLREQUEST_SOURCEBRANCH",
        "BUILD_SOURCEBRANCHNAME",
        "CI_COMMIT_REF_NAME",
    ]
    .iter()
    .find_map(|name| env(name).filter(|v| !v.is_empty()))
    .map(|branch| branch.trim_start_matches("refs/heads/").to_owned())
}

#[cfg(test)]
mod tests;
