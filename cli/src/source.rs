//! Recognising what kind of file the user gave us, from its content rather than its name: a
//! child's program may be called `game.txt`, `game` or `game.sb3.txt`.

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind<'a> {
    /// Starling text (scratchblocks notation), without a leading byte order mark.
    Text(&'a str),
    /// A zip archive: a Scratch 3 project (.sb3).
    Sb3,
    /// A JSON object: a Scratch project.json.
    ProjectJson,
    /// Not UTF-8 text; `line` (1-based) is where the first bad byte is.
    NotUtf8 { line: usize },
}

/// Looks at the bytes of a file and says what it is.
pub fn detect(bytes: &[u8]) -> SourceKind<'_> {
    // Zip archives start with a local file header, or with the end-of-directory record when
    // they are empty.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return SourceKind::Sb3;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            return SourceKind::NotUtf8 { line };
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Scratchblocks text never starts with `{`, and project.json always does.
    if text.trim_start().starts_with('{') {
        return SourceKind::ProjectJson;
    }
    SourceKind::Text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_content_not_names() {
        assert_eq!(detect(b"PK\x03\x04rest"), SourceKind::Sb3);
        assert_eq!(detect(b"  {\"targets\": []}"), SourceKind::ProjectJson);
        assert_eq!(detect(b"say [hi]\n"), SourceKind::Text("say [hi]\n"));
        assert_eq!(
            detect("\u{feff}say [hi]".as_bytes()),
            SourceKind::Text("say [hi]")
        );
        assert_eq!(
            detect(b"say [hi]\nsay [\xff]"),
            SourceKind::NotUtf8 { line: 2 }
        );
        assert_eq!(detect(b""), SourceKind::Text(""));
    }
}
