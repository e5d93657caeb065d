use super::*;
use secrecy::ExposeSecret;

fn env(name: &str) -> Option<String> {
    match name {
        "SECRET" => Some("s3cret".into()),
        "REFRESH" => Some("r3fresh".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

fn parse(text: &str) -> AccountsFile {
    AccountsFile::parse(Path::new("accounts.json"), text, &env).unwrap()
}

/// OAuthAccount.cs:39-136 and AppConfigFile.cs:33-58 (ApiDoctor eb5043e): the keys, `$env:`,
/// `enabled` false by default, `oauthType` RefreshToken by default; Newtonsoft matches keys in
/// any case and reads comments.
#[test]
fn accounts_are_read_as_apidoctor_reads_them() {
    let file = parse(
        r#"{
  // comments are fine
  "checkServiceEnabledBranches": ["master", "release"],
  "accounts": [
    { "name": "prod", "Enabled": true, "clientId": "id-1", "clientSecret": "$env:SECRET",
      "tokenService": "https://login/token", "refreshToken": "$env:REFRESH",
      "redirectUri": "https://app/r", "serviceUrl": "https://api.onedrive.com/v1.0",
      "scopes": ["files.read"], "apiVersions": ["v1.0"], "tags": ["service.onedrive"],
      "additionalHeaders": ["Prefer: respond-async", "X-Test:1"],
      "transformations": { "request": { "properties": { "@microsoft.graph.": "@oneDrive." },
                                         "actions": { "prefix": "oneDrive." } },
                           "response": { "properties": { "@content.": "@microsoft.graph." } } } },
    { "name": "user", "enabled": "true", "oauthType": "userpassword", "clientId": "id-2",
      "username": "me@x", "password": "$env:SECRET", "tokenService": "https://login/token",
      "serviceUrl": "https://x/_api/v2.0", "scopes": ["a", "b"] },
    { "name": "never", "clientId": "id-3" }
  ]
}"#,
    );
    assert_eq!(
        file.branches.as_deref(),
        Some(&["master".to_owned(), "release".to_owned()][..])
    );
    assert!(file.findings.is_empty(), "{:?}", file.findings);
    let prod = &file.accounts[0];
    assert!(prod.enabled);
    let oauth = prod.oauth.as_ref().unwrap();
    assert!(matches!(&oauth.grant, Grant::RefreshToken(t) if t.expose_secret() == "r3fresh"));
    assert_eq!(
        oauth.client_secret.as_ref().unwrap().expose_secret(),
        "s3cret"
    );
    assert_eq!(oauth.redirect_uri.as_deref(), Some("https://app/r"));
    assert_eq!(
        prod.service_url.as_ref().unwrap().as_str(),
        "https://api.onedrive.com/v1.0"
    );
    assert_eq!(
        prod.headers,
        [
            ("Prefer".into(), "respond-async".into()),
            ("X-Test".into(), "1".into())
        ]
    );
    assert_eq!(
        prod.transformations.action_prefix.as_deref(),
        Some("oneDrive.")
    );
    assert_eq!(
        prod.transformations.request_properties,
        [("@microsoft.graph.".into(), "@oneDrive.".into())]
    );
    let user = &file.accounts[1];
    assert!(user.enabled, "\"true\" is a boolean to Newtonsoft");
    let oauth = user.oauth.as_ref().unwrap();
    assert!(matches!(&oauth.grant, Grant::Password { username, .. } if username == "me@x"));
    assert_eq!(oauth.scope.as_deref(), Some("a b"));
    assert!(!file.accounts[2].enabled, "enabled is false when absent");
    assert_eq!(
        file.selected(None)
            .unwrap()
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["prod", "user"]
    );
    // --account picks by name, enabled or not (Program.cs:1022-1045).
    assert_eq!(file.selected(Some("never")).unwrap()[0].name, "never");
    let error = file.selected(Some("prd")).unwrap_err();
    assert!(error.contains("did you mean `prod`?"), "{error}");
}

/// OAuthAccount.cs:97-136, 157-166: a `$env:` variable unset or empty disables the account.
#[test]
fn a_missing_variable_disables_the_account_and_says_which() {
    let file = parse(
        r#"{ "accounts": [ { "name": "a", "enabled": true, "refreshToken": "$env:NOPE",
              "clientSecret": "$env:EMPTY", "tokenService": "https://t", "serviceUrl": "https://s/v1.0" } ] }"#,
    );
    assert!(!file.accounts[0].enabled);
    assert_eq!(file.findings.len(), 1);
    let finding = &file.findings[0];
    assert_eq!(finding.rule, Rule::AccountsFile);
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.line, 1);
    assert!(
        finding
            .message
            .contains("the environment variables EMPTY, NOPE are not set"),
        "{}",
        finding.message
    );
}

/// ApiDoctor's docs say `oauthMode`; its code reads `oauthType` (OAuthAccount.cs:39-88), so an
/// account with only `oauthMode` signs in with a refresh token.
#[test]
fn oauth_mode_is_not_read_and_the_warning_says_so() {
    let file = parse(
        r#"{ "accounts": [ { "name": "a", "enabled": true, "oauthMode": "UserPassword",
              "refreshToken": "$env:REFRESH", "tokenService": "https://t" } ] }"#,
    );
    assert!(matches!(
        file.accounts[0].oauth.as_ref().unwrap().grant,
        Grant::RefreshToken(_)
    ));
    assert!(
        file.findings[0].message.contains("`oauthMode` is not read"),
        "{:?}",
        file.findings
    );
}

#[test]
fn bad_accounts_files_name_the_file_and_line() {
    let error =
        AccountsFile::parse(Path::new("a.json"), "{ \"accounts\": [ 1 ] }", &env).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a.json:1: the accounts file cannot be read: each account must be an object"
    );
    let error = AccountsFile::parse(
        Path::new("a.json"),
        "{\n \"accounts\": [\n  { \"name\": \"x\", \"serviceUrl\": \"not a url\" } ] }",
        &env,
    )
    .unwrap_err();
    assert!(error.to_string().starts_with("a.json:3: "), "{error}");
    assert!(
        error
            .to_string()
            .contains("`serviceUrl` \"not a url\" is not an absolute URL"),
        "{error}"
    );
    let error = AccountsFile::parse(
        Path::new("a.json"),
        "{ \"accounts\": [ { \"name\": \"x\", \"oauthType\": \"Kerberos\" } ] }",
        &env,
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("is not RefreshToken, UserPassword or ClientCredentials"),
        "{error}"
    );
}

/// Program.cs:987-998: the branch must be listed exactly; no list, or no branch known, no gate.
#[test]
fn the_branch_gate_wants_the_branch_listed_exactly() {
    let file = parse(r#"{ "checkServiceEnabledBranches": ["main"], "accounts": [] }"#);
    assert!(file.branch_refused(Some("main")).is_none());
    assert!(file
        .branch_refused(Some("Main"))
        .unwrap()
        .contains("branch `Main` is not in checkServiceEnabledBranches"));
    assert!(file.branch_refused(None).is_none());
    let open = parse(r#"{ "accounts": [] }"#);
    assert!(open.branch_refused(Some("anything")).is_none());
    // --branch first, then the pull request's source branch, then the pushed one.
    let ci = |name: &str| match name {
        "GITHUB_HEAD_REF" => Some("feature".to_owned()),
        "GITHUB_REF_NAME" => Some("12/merge".to_owned()),
        _ => None,
    };
    assert_eq!(current_branch(Some("given"), &ci).as_deref(), Some("given"));
    assert_eq!(current_branch(None, &ci).as_deref(), Some("feature"));
    let azure =
        |name: &str| (name == "BUILD_SOURCEBRANCHNAME").then(|| "refs/heads/main".to_owned());
    assert_eq!(current_branch(None, &azure).as_deref(), Some("main"));
}

/// Json/jsonrewriter.cs:44-99: for each property name, the first rule whose text it holds
/// replaces every occurrence; values stay; nested objects and arrays are renamed too.
#[test]
fn property_renames_follow_the_first_matching_rule() {
    let rules = vec![
        ("@microsoft.graph.".to_owned(), "@oneDrive.".to_owned()),
        ("graph".to_owned(), "GRAPH".to_owned()),
    ];
    let mut body = serde_json::json!({
        "@microsoft.graph.conflictBehavior": "@microsoft.graph.stays",
        "children": [{"graphId": 1}],
        "plain": {"@microsoft.graph.a@microsoft.graph.b": true}
    });
    rename_properties(&mut body, &rules);
    assert_eq!(
        body,
        serde_json::json!({
            "@oneDrive.conflictBehavior": "@microsoft.graph.stays",
            "children": [{"GRAPHId": 1}],
            "plain": {"@oneDrive.a@oneDrive.b": true}
        })
    );
}

/// A broken accounts file that was found (not named) does not stop the run: it is a finding
/// naming the file and line, and the run goes on without accounts; one named is an error.
#[test]
fn a_broken_accounts_file_found_is_a_finding_and_one_named_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.json");
    std::fs::write(&path, "{\n  \"accounts\": [ 7 ]\n}").unwrap();
    let found = ForRun::read(&Wanted::default(), Some(&path), &env).unwrap();
    assert!(found.accounts.is_empty());
    assert_eq!(found.findings.len(), 1);
    assert_eq!(found.findings[0].line, 2);
    assert!(found.findings[0]
        .message
        .contains("each account must be an object; this run uses no account"));
    let named = Wanted {
        file: Some(&path),
        ..Wanted::default()
    };
    let error = ForRun::read(&named, None, &env).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("accounts.json:2: the accounts file cannot be read"),
        "{error}"
    );
}

#[test]
fn an_account_asked_for_without_an_accounts_file_is_an_error() {
    let wanted = Wanted {
        account: Some("prod"),
        ..Wanted::default()
    };
    let error = ForRun::read(&wanted, None, &env).unwrap_err();
    assert!(
        error.to_string().contains("there is no accounts file"),
        "{error}"
    );
    assert!(ForRun::read(&Wanted::default(), None, &env)
        .unwrap()
        .accounts
        .is_empty());
}
