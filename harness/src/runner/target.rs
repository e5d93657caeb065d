//! Where a case is sent and as whom: the one target of a plain run, or each account of
//! ApiDoctor's accounts file, with what the account renames on the way out and back.

use crate::accounts::{rename_properties, Account, Transformations};
use crate::case::Case;
use crate::http::Request;
use crate::send::{
    plan_request, ActualResponse, Client, Exchange, PlanError, PlannedRequest, Vars,
};
use url::Url;

/// One place cases go: a base URL and a client (its token, its headers).
pub(crate) struct Target {
    /// The account, when an accounts file is in use.
    pub(crate) account: Option<Account>,
    pub(crate) client: Client,
    pub(crate) base: Url,
    /// The API version the account's `serviceUrl` ends in (`v1.0`): the base then stops
    /// before it, and the docs' URLs bring it (an unversioned page's URLs get it added).
    pub(crate) service_version: Option<String>,
}

impl Target {
    /// The target of `account`: its `serviceUrl` (or `base`, which overrides every account's,
    /// as ApiDoctor's `--url` does), split before a final version segment.
    pub(crate) fn of_account(account: Account, client: Client, base: Url) -> Target {
        let last = base
            .path_segments()
            .and_then(|mut s| s.rfind(|seg| !seg.is_empty()).map(str::to_owned));
        let (base, service_version) = match last {
            Some(version) if crate::text::is_version(&version) => {
                let mut trimmed = base.clone();
                let path = base.path().trim_end_matches('/');
                let cut = path.len() - version.len();
                trimmed.set_path(&path[..cut]);
                (trimmed, Some(version))
            }
            _ => (base, None),
        };
        Target {
            account: Some(account),
            client,
            base,
            service_version,
        }
    }

    /// The name reports give the target: the account's.
    pub(crate) fn name(&self) -> Option<&str> {
        self.account.as_ref().map(|a| a.name.as_str())
    }

    fn transformations(&self) -> Option<&Transformations> {
        self.account
            .as_ref()
            .map(|a| &a.transformations)
            .filter(|t| !t.is_empty())
    }

    /// The API version to plan a request of `version` with, or why this account cannot run
    /// it: an account whose service is `v1.0` serves the v1.0 pages and the unversioned ones.
    pub(crate) fn version_for<'v>(&'v self, version: &'v str) -> Result<&'v str, String> {
        match &self.service_version {
            None => Ok(version),
            Some(served) if version == "unversioned" || version == served => Ok(served),
            Some(served) => Err(format!(
                "account `{}` serves {served} (its serviceUrl); this page is {version}",
                self.name().unwrap_or_default()
            )),
        }
    }

    /// What the case or its scenario needs that the account lacks, checked in ApiDoctor's
    /// order (`Scenarios.cs:82-140`): scopes, then API versions, then tags; each required
    /// value must be the account's, exactly.
    pub(crate) fn lacks(&self, case: &Case) -> Option<String> {
        let account = self.account.as_ref()?;
        let scenario = case.scenario.as_deref();
        let union = |documented: &[String], scenario: Option<&[String]>| -> Vec<String> {
            let mut all: Vec<String> = documented.to_vec();
            for value in scenario.unwrap_or_default() {
                if !all.contains(value) {
                    all.push(value.clone());
                }
            }
            all
        };
        let checks = [
            (
                "scopes",
                union(&case.expect.scopes, scenario.map(|s| s.scopes.as_slice())),
                &account.scopes,
            ),
            (
                "API versions",
                union(
                    &case.expect.api_versions,
                    scenario.map(|s| s.versions.as_slice()),
                ),
                &account.api_versions,
            ),
            (
                "tags",
                union(&case.expect.tags, scenario.map(|s| s.tags.as_slice())),
                &account.tags,
            ),
        ];
        checks.into_iter().find_map(|(what, required, provided)| {
            let missing: Vec<&str> = required
                .iter()
                .filter(|r| !provided.contains(r))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "not run as account `{}`: it lacks the {what} this needs: {}",
                    account.name,
                    missing.join(", ")
                )
            })
        })
    }

    /// Plans `request` (a documented request of API version `version`) for this target: the
    /// base URL, the version rule of [`Target::version_for`], and for an action or function
    /// the account's action prefix on the last URL segment.
    pub(crate) fn plan(
        &self,
        request: &Request,
        version: &str,
        action: bool,
        vars: &Vars,
        fill_missing: bool,
    ) -> Result<PlannedRequest, TargetPlanError> {
        let version = self.version_for(version).map_err(TargetPlanError::Lacks)?;
        let mut planned = plan_request(request, version, &self.base, vars, fill_missing)
            .map_err(TargetPlanError::Plan)?;
        if let (true, Some(prefix)) = (
            action,
            self.transformations()
                .and_then(|t| t.action_prefix.as_ref()),
        ) {
            prefix_last_segment(&mut planned.url, prefix);
        }
        Ok(planned)
    }

    /// Sends `planned`, with the account's renames applied to the JSON it sends and to the
    /// JSON it gets back (before anything checks it).
    pub(crate) async fn send(&self, planned: &PlannedRequest) -> Exchange {
        let Some(transformations) = self.transformations() else {
            return self.client.send(planned).await;
        };
        let mut renamed = planned.clone();
        if !transformations.request_properties.is_empty() {
            rename_request_body(&mut renamed, &transformations.request_properties);
        }
        let mut exchange = self.client.send(&renamed).await;
        if let Ok(answer) = &mut exchange.result {
            rename_answer(answer, &transformations.response_properties);
        }
        exchange
    }
}

/// Why a request cannot be planned for a target.
pub(crate) enum TargetPlanError {
    /// The account cannot run it (another API version).
    Lacks(String),
    /// The request cannot be built.
    Plan(PlanError),
}

/// `/v1.0/me/drive/items/1/copy` → `/v1.0/me/drive/items/1/oneDrive.copy`
/// (`MethodDefinition.cs:350-393`).
fn prefix_last_segment(url: &mut Url, prefix: &str) {
    let path = url.path().to_owned();
    let trimmed = path.trim_end_matches('/');
    let cut = trimmed.rfind('/').map_or(0, |i| i + 1);
    if trimmed[cut..].is_empty() || trimmed[cut..].starts_with(prefix) {
        return;
    }
    url.set_path(&format!("{}{prefix}{}", &trimmed[..cut], &trimmed[cut..]));
}

/// The media type of the `Content-Type` among `headers`.
fn media_type(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| crate::check::media_type(v))
}

/// Renames property names in a JSON body, or in the JSON parts of a `multipart/related`
/// body (`requestdefinitionextensions.cs:150-170`).
fn rename_request_body(planned: &mut PlannedRequest, rules: &[(String, String)]) {
    match media_type(&planned.headers).as_deref() {
        Some("application/json") => {
            if let Ok(mut json) = serde_json::from_slice(&planned.body) {
                rename_properties(&mut json, rules);
                planned.body = serde_json::to_vec(&json).expect("a JSON value serialises");
            }
        }
        Some("multipart/related") => {
            let boundary = planned
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .and_then(|(_, v)| {
                    v.split(';')
                        .filter_map(|p| p.trim().strip_prefix("boundary="))
                        .next()
                        .map(|b| b.trim_matches('"').to_owned())
                });
            if let (Some(boundary), Ok(text)) = (boundary, String::from_utf8(planned.body.clone()))
            {
                planned.body = rename_multipart(&text, &boundary, rules).into_bytes();
            }
        }
        _ => {}
    }
}

/// Each part of a multipart body whose `Content-Type` is JSON, renamed.
fn rename_multipart(text: &str, boundary: &str, rules: &[(String, String)]) -> String {
    let delimiter = format!("--{boundary}");
    text.split(&delimiter)
        .map(|part| {
            let Some(split) = part
                .find("\r\n\r\n")
                .map(|i| (i, 4))
                .or_else(|| part.find("\n\n").map(|i| (i, 2)))
            else {
                return part.to_owned();
            };
            let (head, body) = (&part[..split.0], &part[split.0 + split.1..]);
            let json_part = head.lines().any(|line| {
                let lower = line.to_ascii_lowercase();
                lower.starts_with("content-type:") && lower.contains("application/json")
            });
            let trailing = &body[body.trim_end().len()..];
            match serde_json::from_str::<serde_json::Value>(body.trim_end()) {
                Ok(mut json) if json_part => {
                    rename_properties(&mut json, rules);
                    format!(
                        "{}{}{json}{trailing}",
                        head,
                        &part[split.0..split.0 + split.1]
                    )
                }
                _ => part.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(&delimiter)
}

/// Renames property names in a JSON answer (`requestdefinitionextensions.cs:172-183`).
fn rename_answer(answer: &mut ActualResponse, rules: &[(String, String)]) {
    if rules.is_empty() || answer.body.is_empty() {
        return;
    }
    if media_type(&answer.headers).as_deref() != Some("application/json") {
        return;
    }
    if let Ok(mut json) = serde_json::from_slice(&answer.body) {
        rename_properties(&mut json, rules);
        answer.body = serde_json::to_vec(&json).expect("a JSON value serialises");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_prefix_goes_before_the_last_segment() {
        let mut url = Url::parse("https://api.onedrive.com/v1.0/drive/items/1/copy?x=1").unwrap();
        prefix_last_segment(&mut url, "oneDrive.");
        assert_eq!(
            url.as_str(),
            "https://api.onedrive.com/v1.0/drive/items/1/oneDrive.copy?x=1"
        );
    }

    #[test]
    fn json_parts_of_a_multipart_body_are_renamed() {
        let body = "--b\r\nContent-Type: application/json\r\n\r\n{\"@microsoft.graph.conflictBehavior\":\"rename\"}\r\n--b\r\nContent-Type: text/plain\r\n\r\n@microsoft.graph.x\r\n--b--\r\n";
        let rules = vec![("@microsoft.graph.".to_owned(), "@oneDrive.".to_owned())];
        let renamed = rename_multipart(body, "b", &rules);
        assert!(
            renamed.contains("{\"@oneDrive.conflictBehavior\":\"rename\"}"),
            "{renamed}"
        );
        assert!(renamed.contains("\r\n\r\n@microsoft.graph.x"), "{renamed}");
    }
}
