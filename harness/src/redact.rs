//! Secrets that must never reach a report, a log line or an annotation.
//!
//! Every writer takes a [`Secrets`] and passes its text through [`Secrets::redact`]; the set is
//! built once from the run's configuration (the bearer token, and whatever else is sensitive).

use std::borrow::Cow;
use url::Url;

/// Secrets shorter than this are not redacted: replacing every `a` or `42` in a report would
/// destroy it while protecting nothing a guess could not find.
pub const MIN_SECRET_LEN: usize = 6;

/// How `secret` may appear in text it travelled through: percent-encoded, escaped in a JSON
/// string as serde_json writes it, and as the serialisers that also escape `<`, `>`, `&` and `'`
/// (.NET's and Go's defaults) write it.
fn forms(secret: &str) -> Vec<String> {
    let percent = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json[1..json.len().saturating_sub(1).max(1)].to_owned();
    let html_safe_json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\'', "\\u0027");
    vec![percent, json, html_safe_json]
}

/// What stands in for a secret.
pub const MASK: &str = "***";

/// The values to hide, longest first so that a secret containing another is hidden whole.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// No secrets: `redact` returns its input unchanged.
    pub fn none() -> Secrets {
        Secrets::default()
    }

    /// The given secrets; empty and very short ones (under [`MIN_SECRET_LEN`] bytes) are
    /// ignored. The forms a secret takes on its way into an answer are hidden too: percent-encoded
    /// (in a URL) and escaped in a JSON string (a service that echoes it in a body).
    pub fn new<I, S>(secrets: I) -> Secrets
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut values = Vec::new();
        for secret in secrets {
            let secret = secret.as_ref().trim();
            if secret.len() < MIN_SECRET_LEN {
                continue;
            }
            values.extend(forms(secret).into_iter().filter(|form| form != secret));
            values.push(secret.to_owned());
        }
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Secrets { values }
    }

    /// The given secrets, as [`Secrets::new`] takes them.
    pub fn of(secrets: &[secrecy::SecretString]) -> Secrets {
        use secrecy::ExposeSecret;
        Secrets::new(secrets.iter().map(|s| s.expose_secret()))
    }

    /// These secrets and `more` (values a case captured from credential headers).
    pub fn with<'a>(&'a self, more: &[secrecy::SecretString]) -> Cow<'a, Secrets> {
        use secrecy::ExposeSecret;
        if more.is_empty() {
            return Cow::Borrowed(self);
        }
        let mut values: Vec<String> = self.values.clone();
        values.extend(Secrets::new(more.iter().map(|s| s.expose_secret().to_owned())).values);
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Cow::Owned(Secrets { values })
    }

    /// True when there is nothing to hide.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every secret replaced by `***`; borrowed when there was nothing to replace.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.values {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), MASK));
            }
        }
        text
    }

    /// A target URL fit to print: user name, password, query and fragment removed (a base URL
    /// is where credentials travel: `https://user:pw@host/?code=…`), then any secret left in
    /// the path hidden.
    pub fn redact_url(&self, url: &Url) -> String {
        let mut url = without_credentials(url);
        url.set_query(None);
        url.set_fragment(None);
        self.redact(url.as_str()).into_owned()
    }

    /// A request URL fit to print: user name and password removed, the query kept (it is part
    /// of the documented example), any secret in it hidden.
    pub fn redact_request_url(&self, url: &Url) -> String {
        self.redact(without_credentials(url).as_str()).into_owned()
    }
}

fn without_credentials(url: &Url) -> Url {
    let mut url = url.clone();
    // Both fail only for URLs that cannot have credentials, which is fine.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_occurrence_and_borrows_when_clean() {
        let secrets = Secrets::new(["s3cr3t-token"]);
        assert_eq!(
            secrets.redact("Bearer s3cr3t-token, again s3cr3t-token"),
            "Bearer ***, again ***"
        );
        assert!(matches!(secrets.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escaped_forms_are_hidden_too() {
        let secrets = Secrets::new([r#"tok<en>&"q"'x"#]);
        for echoed in [
            r#"{"m": "Bearer tok<en>&\"q\"'x"}"#,
            r#"{"m": "Bearer tok\u003cen\u003e\u0026\"q\"\u0027x"}"#,
            "Bearer tok%3Cen%3E%26%22q%22%27x",
        ] {
            let hidden = secrets.redact(echoed);
            assert!(hidden.contains("Bearer ***"), "{echoed} → {hidden}");
        }
    }

    #[test]
    fn ignores_empty_and_short_secrets() {
        let secrets = Secrets::new(["", "  ", "abc"]);
        assert!(secrets.is_empty());
        assert_eq!(secrets.redact("abc"), "abc");
    }

    #[test]
    fn hides_the_longer_secret_whole_and_the_percent_encoded_form() {
        let secrets = Secrets::new(["token", "token-and-more", "a b/c=d+e"]);
        assert_eq!(secrets.redact("x token-and-more y"), "x *** y");
        assert_eq!(secrets.redact("q=a%20b%2Fc%3Dd%2Be"), "q=***");
    }

    #[test]
    fn urls_lose_credentials_and_query() {
        let url = Url::parse("https://user:pw@example.com/v1.0/s3cr3t-token/x?key=1#f").unwrap();
        assert_eq!(
            Secrets::new(["s3cr3t-token"]).redact_url(&url),
            "https://example.com/v1.0/***/x"
        );
    }
}
