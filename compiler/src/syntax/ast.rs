//! The syntax tree of one line of scratchblocks text: words and slots, where slots nest.
//!
//! The tree is purely syntactic. Whether `(score)` is a variable, `(10)` a number or
//! `(random position v)` a dropdown is decided later ([`Slot::classify`] and `resolve.rs`).

/// A byte range of the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn loc(self) -> crate::diag::SourceLoc {
        crate::diag::span(self.start, self.end)
    }
}

/// Which kind of bracket a slot is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bracket {
    /// `( … )`: a number, a round dropdown or a reporter.
    Round,
    /// `< … >`: a boolean.
    Angle,
    /// `[ … ]`: text, a colour or a square dropdown. Its content is not parsed further.
    Square,
}

impl Bracket {
    pub fn open(self) -> &'static str {
        match self {
            Bracket::Round => "(",
            Bracket::Angle => "<",
            Bracket::Square => "[",
        }
    }

    pub fn close(self) -> &'static str {
        match self {
            Bracket::Round => ")",
            Bracket::Angle => ">",
            Bracket::Square => "]",
        }
    }
}

/// What a stray token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stray {
    /// `)` with no `(` to close.
    RParen,
    /// `]` with no `[` to close.
    RSquare,
    /// Something the lexer could not read.
    Unreadable,
}

/// One part of a line or of a slot.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<'s> {
    /// A word of the block's text (`move`, `steps`, `x:`, `+`, `>`).
    Word(&'s str, Span),
    Slot(Slot<'s>),
    /// A token that does not fit (an unmatched closing bracket).
    Stray(Stray, Span),
}

impl Part<'_> {
    pub fn span(&self) -> Span {
        match self {
            Part::Word(_, s) | Part::Stray(_, s) => *s,
            Part::Slot(slot) => slot.span,
        }
    }
}

/// A bracketed slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot<'s> {
    pub bracket: Bracket,
    /// The parts inside a round or angle slot (empty for square slots).
    pub parts: Vec<Part<'s>>,
    /// For a square slot: the source text between the brackets, escapes not yet processed.
    pub raw: &'s str,
    /// Words after `::` inside the slot (`(fruits :: list)`).
    pub annot: Vec<&'s str>,
    /// The whole slot, brackets included.
    pub span: Span,
    /// False when the closing bracket is missing.
    pub closed: bool,
}

/// A parsed line of blocks text (not a `#` directive, not blank).
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'s> {
    pub parts: Vec<Part<'s>>,
    /// Words after a top-level `::` (`:: looks`, `:: custom`).
    pub annot: Vec<&'s str>,
    /// The text of a trailing or whole-line `// comment`, without the slashes.
    pub comment: Option<&'s str>,
    /// The code part of the line (without comment and surrounding blanks).
    pub span: Span,
    /// Set when the line could not be parsed at all (too deeply nested); the parts are empty.
    pub too_deep: bool,
}

/// What a slot holds, decided from its syntax alone (scratchblocks' rules).
#[derive(Debug, Clone, PartialEq)]
pub enum SlotValue<'a, 's> {
    /// `()` or `[]`.
    Empty,
    /// `<>`.
    EmptyBool,
    /// `(10)`, `(-1.5)`.
    Number(String),
    /// `[hello]`.
    Text(String),
    /// `[#ff0000]` or `(#ff0000)`.
    Color(String),
    /// `[name v]` or `(name v)`: the text without ` v`.
    Dropdown { text: String, round: bool },
    /// `(…)` holding a reporter: plain words (a variable or a reporter like `x position`) or a
    /// block with slots.
    Reporter(&'a [Part<'s>]),
    /// `<…>` holding a boolean block.
    Predicate(&'a [Part<'s>]),
}

impl<'s> Slot<'s> {
    /// Decides what the slot holds. `src` is the whole source text (for the exact text of a
    /// round dropdown, which may hold several words).
    pub fn classify<'a>(&'a self, src: &'s str) -> SlotValue<'a, 's> {
        match self.bracket {
            Bracket::Square => classify_square(self.raw),
            Bracket::Angle => {
                if self.parts.is_empty() {
                    SlotValue::EmptyBool
                } else {
                    SlotValue::Predicate(&self.parts)
                }
            }
            Bracket::Round => {
                let parts = &self.parts[..];
                match parts {
                    [] => SlotValue::Empty,
                    [Part::Word(w, wspan)] => {
                        if looks_numeric(w) {
                            SlotValue::Number(w.to_string())
                        } else if is_hex_color(w) {
                            SlotValue::Color(w.to_string())
                        } else if *w == "v" && wspan.start > self.span.start + 1 {
                            // `( v)`: an empty round dropdown.
                            SlotValue::Dropdown {
                                text: String::new(),
                                round: true,
                            }
                        } else {
                            SlotValue::Reporter(parts)
                        }
                    }
                    [.., Part::Word("v", vspan)] if self.annot.is_empty() => {
                        let start = parts[0].span().start;
                        let text = src.get(start..vspan.start).unwrap_or("").trim();
                        SlotValue::Dropdown {
                            text: text.to_string(),
                            round: true,
                        }
                    }
                    _ => SlotValue::Reporter(parts),
                }
            }
        }
    }
}

/// scratchblocks' square slot rules: escapes with `\`, `#rgb`/`#rrggbb` is a colour, a trailing
/// ` v` makes a dropdown.
pub fn classify_square<'a, 's>(raw: &str) -> SlotValue<'a, 's> {
    let (text, first_escaped, last_escaped) = unescape(raw);
    if !first_escaped && is_hex_color(&text) {
        return SlotValue::Color(text);
    }
    if !last_escaped && text.ends_with(" v") {
        let name = text[..text.len() - 1].trim().to_string();
        return SlotValue::Dropdown {
            text: name,
            round: false,
        };
    }
    if text.is_empty() {
        return SlotValue::Empty;
    }
    SlotValue::Text(text)
}

/// Processes `\x` escapes. Returns the text and whether the first and the last character were
/// escaped.
pub fn unescape(raw: &str) -> (String, bool, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    let mut first_escaped = false;
    let mut last_escaped = false;
    let mut first = true;
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
                if first {
                    first_escaped = true;
                }
                last_escaped = true;
            }
        } else {
            out.push(c);
            last_escaped = false;
        }
        first = false;
    }
    (out, first_escaped, last_escaped)
}

/// `#rgb` or `#rrggbb`.
pub fn is_hex_color(s: &str) -> bool {
    let Some(hex) = s.strip_prefix('#') else {
        return false;
    };
    (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// scratchblocks reads a round slot as a number when it consists of digits, `.`, `e` and `-`;
/// we also accept a leading `+` and require at least one digit (so `(e)` is a variable).
pub fn looks_numeric(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
}
