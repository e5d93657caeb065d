//! URL templates as documented: text with `{placeholder}`s (`/users/{id}/messages/{message-id}`).
//!
//! The one scanner every stage uses: the case lists a URL's placeholders, the runner fills
//! them, the mock matches any value in their place.

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// Text outside braces, as written (an unclosed `{` is text too).
    Text(&'a str),
    /// A `{name}`: the name without braces or surrounding spaces.
    Placeholder(&'a str),
}

/// The pieces of `template`, in order; no empty `Text` pieces.
pub fn parts(template: &str) -> Parts<'_> {
    Parts { rest: template }
}

/// Every placeholder name in `template`, in order.
pub fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    parts(template).filter_map(|part| match part {
        Part::Placeholder(name) => Some(name),
        Part::Text(_) => None,
    })
}

/// Iterator over a template's [`Part`]s.
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;

    fn next(&mut self) -> Option<Part<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let closed = self
            .rest
            .find('{')
            .and_then(|open| Some((open, open + self.rest[open..].find('}')?)));
        match closed {
            Some((0, close)) => {
                let name = self.rest[1..close].trim();
                self.rest = &self.rest[close + 1..];
                Some(Part::Placeholder(name))
            }
            Some((open, _)) => {
                let text = &self.rest[..open];
                self.rest = &self.rest[open..];
                Some(Part::Text(text))
            }
            None => {
                let text = self.rest;
                self.rest = "";
                Some(Part::Text(text))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_and_placeholders() {
        assert_eq!(
            parts("/users/{ id }/x{y}z").collect::<Vec<_>>(),
            [
                Part::Text("/users/"),
                Part::Placeholder("id"),
                Part::Text("/x"),
                Part::Placeholder("y"),
                Part::Text("z"),
            ]
        );
        assert_eq!(
            placeholders("{a}{b}/{c | d}").collect::<Vec<_>>(),
            ["a", "b", "c | d"]
        );
    }

    #[test]
    fn an_unclosed_brace_is_text() {
        assert_eq!(parts("/a{b").collect::<Vec<_>>(), [Part::Text("/a{b")]);
        assert_eq!(
            parts("{x}/a{b").collect::<Vec<_>>(),
            [Part::Placeholder("x"), Part::Text("/a{b")]
        );
        assert_eq!(parts("").count(), 0);
    }
}
