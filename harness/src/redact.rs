//! Secrets never reach output: every text a person or a CI system sees passes through here.

use std::borrow::Cow;

/// Values to hide (tokens, client secrets), replaced by `***` wherever they appear.
#[derive(Debug, Clone, Default)]
pub struct Secrets(Vec<String>);

/// Shorter values would be found inside ordinary words and only mangle the output.
const MIN_SECRET_LEN: usize = 6;

impl Secrets {
    /// The secrets to hide; empty and very short values are ignored.
    pub fn new(values: impl IntoIterator<Item = String>) -> Secrets {
        let mut values: Vec<String> = values
            .into_iter()
            .filter(|v| v.len() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a secret that contains another is hidden whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        Secrets(values)
    }

    /// `text` with every secret replaced by `***`.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.0 {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), "***"));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_everywhere() {
        let secrets = Secrets::new(["s3cr3t-token".to_owned(), "abc".to_owned(), String::new()]);
        assert_eq!(
            secrets.redact("Bearer s3cr3t-token and s3cr3t-token"),
            "Bearer *** and ***"
        );
        assert_eq!(
            secrets.redact("abc is too short to hide"),
            "abc is too short to hide"
        );
        assert!(matches!(secrets.redact("clean"), Cow::Borrowed(_)));
    }
}
