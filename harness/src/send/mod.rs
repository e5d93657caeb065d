//! Case → HTTP exchange with a target service.

use std::time::Duration;

/// What the target answered, as the checks see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualResponse {
    /// The status code.
    pub status: u16,
    /// Response headers in the order received; names as sent by the server.
    pub headers: Vec<(String, String)>,
    /// The body, decompressed; at most the configured body limit.
    pub body: Vec<u8>,
    /// The body was longer than the limit and was cut (see `body`).
    pub body_cut: bool,
    /// How long the exchange took, retries included.
    pub elapsed: Duration,
}

impl ActualResponse {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
