//! go-yaml reads a tab right after a mapping key's colon (`key:<TAB>value`) as the space it
//! must be; the YAML front end refuses it. This parses as go-yaml does, without touching the
//! front end: where it refuses exactly that, the tab is read as a space (pure).
//!
//! Tabs that indent a block are a different case: go-yaml refuses them too.

use crate::yaml::{Document, Reader, YamlError};

/// The front end's complaint about a colon followed by a tab.
const COLON_TAB: &str = "':' must be followed by a valid YAML whitespace";

/// Parses `text` (line `first_line` of the input) as go-yaml reads it: a tab after a key's
/// colon is whitespace. Positions are kept (one character for one).
pub fn parse(reader: &mut Reader, text: &str, first_line: u32) -> Result<Vec<Document>, YamlError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    // Each retry replaces one tab, so this ends; a cap keeps a pathological input cheap.
    for _ in 0..1000 {
        match reader.parse(&text, first_line) {
            Err(e) if e.message.contains(COLON_TAB) => {
                match colon_tab_on_line(&text, e.pos.line.saturating_sub(first_line) as usize) {
                    Some(at) => text.to_mut().replace_range(at..at + 1, " "),
                    None => return Err(e),
                }
            }
            other => return other,
        }
    }
    reader.parse(&text, first_line)
}

/// The byte offset of the first `:<TAB>` on line `index` (from 0) of `text`.
fn colon_tab_on_line(text: &str, index: usize) -> Option<usize> {
    let start: usize = text.split_inclusive('\n').take(index).map(str::len).sum();
    let line = text[start..].split('\n').next()?;
    line.find(":\t").map(|i| start + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_after_a_colon_is_whitespace() {
        let mut reader = Reader::default();
        let docs = parse(&mut reader, "a: 1\nkey:\tvalue\nb:\t\t2\n", 1).unwrap();
        assert_eq!(
            docs[0].root.get("key").and_then(|n| n.as_str()),
            Some("value")
        );
        assert_eq!(
            docs[0].root.get("b").and_then(|n| n.scalar_text()),
            Some("2")
        );
        // A tab indenting a block stays an error.
        assert!(parse(&mut reader, "a:\n\tb: 1\n", 1).is_err());
        // Later lines of a chunk: the line numbers are the input's.
        assert!(parse(&mut reader, "x: 1\ny:\tz\n", 7).is_ok());
    }
}
