//! From a JSON pointer to the line of the documented body that holds it, so that a schema
//! finding points at the offending line rather than at the block.

/// 0-based line offset, within `text`, of the value at `pointer`.
///
/// Follows the pointer through the text: each object key is the next `"key":` after the
/// previous one, each array index the n-th element. Approximate on purpose (it does not parse
/// strings that contain brackets) but right for the bodies docs hold; falls back to the last
/// position found.
pub(super) fn line_in(text: &str, pointer: &str) -> usize {
    let mut position = 0;
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        let rest = &text[position..];
        let found = match key.parse::<usize>() {
            Ok(index) if rest.trim_start().starts_with('[') || after_colon_is_array(rest) => {
                nth_element(rest, index)
            }
            _ => find_key(rest, &key),
        };
        match found {
            Some(offset) => position += offset,
            None => break,
        }
    }
    text[..position].matches('\n').count()
}

fn after_colon_is_array(rest: &str) -> bool {
    rest.trim_start()
        .trim_start_matches(':')
        .trim_start()
        .starts_with('[')
}

fn find_key(text: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&quoted) {
        let end = from + at + quoted.len();
        if text[end..].trim_start().starts_with(':') {
            return Some(end);
        }
        from = end;
    }
    None
}

/// Offset of the start of the `index`-th element of the first array in `text`.
fn nth_element(text: &str, index: usize) -> Option<usize> {
    let open = text.find('[')?;
    let mut depth = 0;
    let mut count = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut element_start = None;
    for (offset, c) in text[open + 1..].char_indices() {
        let at = open + 1 + offset;
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' if depth == 0 => return None,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                count += 1;
                element_start = None;
                continue;
            }
            _ => {}
        }
        if count == index && element_start.is_none() && !c.is_whitespace() {
            element_start = Some(at);
            return element_start;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"value\": [\n    {\"x\": 1},\n    {\n      \"x\": \"two\"\n    }\n  ]\n}\n";

    #[test]
    fn pointers_find_their_lines() {
        assert_eq!(line_in(BODY, ""), 0);
        assert_eq!(line_in(BODY, "/a"), 1);
        assert_eq!(line_in(BODY, "/a/b"), 2);
        assert_eq!(line_in(BODY, "/value/0"), 5);
        assert_eq!(line_in(BODY, "/value/1/x"), 7);
        assert_eq!(line_in(BODY, "/missing/deep"), 0);
    }
}
