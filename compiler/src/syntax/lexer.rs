//! The lexer: one line of blocks text → tokens, with `logos`.
//!
//! Square slots `[ … ]` are single tokens because scratchblocks does not parse inside them
//! (`[a (b) c]` is the text `a (b) c`). A `//` outside square brackets starts a comment that runs
//! to the end of the line. Everything else is brackets, `::` and words; `:` and `/` glue to the
//! word they touch (`x:`, `10/2`) but `::` and `//` do not.
//!
//! The lexer never fails: input it cannot read becomes [`Tok::Error`].

use logos::Logos;

use super::ast::Span;

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(skip r"[ \t\r\f\u{0B}\u{A0}\u{3000}\u{FEFF}]+")]
enum Raw {
    // Full-width brackets are what a Chinese keyboard types.
    #[token("(")]
    #[token("（")]
    LParen,
    #[token(")")]
    #[token("）")]
    RParen,
    #[token("<")]
    LAngle,
    #[token(">")]
    RAngle,
    #[regex(r"\[([^\]\\\n]|\\[^\n])*\]?")]
    Square,
    #[token("]")]
    StraySquare,
    #[token("::")]
    Annot,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    Comment,
    #[token(":")]
    Colon,
    #[token("/")]
    Slash,
    #[regex(r"[^ \t\r\f\u{0B}\u{A0}\u{3000}\u{FEFF}()（）<>\[\]:/\n]+")]
    Word,
}

/// A token of a line. Words and squares borrow the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok<'s> {
    LParen,
    RParen,
    LAngle,
    RAngle,
    /// A square slot; the text between the brackets (escapes not processed) and whether the
    /// closing `]` is there.
    Square(&'s str, bool),
    /// `]` with no `[`.
    StraySquare,
    /// `::`.
    Annot,
    Word(&'s str),
    /// Input the lexer could not read.
    Error,
}

/// The tokens of one line.
#[derive(Debug, Clone, PartialEq)]
pub struct LexedLine<'s> {
    pub tokens: Vec<(Tok<'s>, Span)>,
    /// The comment's text (after `//`), if any.
    pub comment: Option<&'s str>,
}

/// Lexes `line`, which starts at byte `offset` of the source and holds no newline.
pub fn lex_line(line: &str, offset: usize) -> LexedLine<'_> {
    let mut tokens: Vec<(Tok<'_>, Span)> = Vec::new();
    let mut comment = None;
    let mut lexer = Raw::lexer(line);
    // The previous token was a word piece ending exactly here (so `x` `:` glue into `x:`).
    let mut glue_end: Option<usize> = None;
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(offset + range.start, offset + range.end);
        let text = lexer.slice();
        let piece = match result {
            Ok(Raw::Word | Raw::Colon | Raw::Slash) => true,
            Ok(Raw::Comment) => {
                comment = Some(&text[2..]);
                break;
            }
            _ => false,
        };
        if piece {
            if glue_end == Some(range.start) {
                if let Some((Tok::Word(_), prev)) = tokens.last().copied() {
                    let start = prev.start - offset;
                    let glued = &line[start..range.end];
                    tokens.pop();
                    tokens.push((Tok::Word(glued), Span::new(prev.start, span.end)));
                    glue_end = Some(range.end);
                    continue;
                }
            }
            tokens.push((Tok::Word(text), span));
            glue_end = Some(range.end);
            continue;
        }
        glue_end = None;
        let tok = match result {
            Ok(Raw::LParen) => Tok::LParen,
            Ok(Raw::RParen) => Tok::RParen,
            Ok(Raw::LAngle) => Tok::LAngle,
            Ok(Raw::RAngle) => Tok::RAngle,
            Ok(Raw::Square) => square(text),
            Ok(Raw::StraySquare) => Tok::StraySquare,
            Ok(Raw::Annot) => Tok::Annot,
            Ok(Raw::Word | Raw::Colon | Raw::Slash | Raw::Comment) | Err(()) => Tok::Error,
        };
        tokens.push((tok, span));
    }
    LexedLine { tokens, comment }
}

/// A square token's inner text and whether it is closed. An escaped `\]` does not close.
fn square(text: &str) -> Tok<'_> {
    let inner = &text[1..];
    // Count the backslashes before a final `]`: odd means it is escaped.
    if let Some(body) = inner.strip_suffix(']') {
        let backslashes = body.bytes().rev().take_while(|&b| b == b'\\').count();
        if backslashes % 2 == 0 {
            return Tok::Square(body, true);
        }
    }
    Tok::Square(inner, false)
}

/// How deep the parser will nest on these tokens: an exact simulation of the grammar in
/// `parser.rs`, so that a line too deep for the recursive parser is refused before parsing.
pub fn nesting_depth(tokens: &[(Tok<'_>, Span)]) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Round,
        Angle,
    }
    struct Frame {
        kind: Kind,
        items: u32,
        first_is_slot: bool,
        in_annot: bool,
    }
    fn add_item(stack: &mut [Frame], is_slot: bool) {
        if let Some(f) = stack.last_mut() {
            if f.items == 0 {
                f.first_is_slot = is_slot;
            }
            f.items += 1;
        }
    }
    let starts_slot = |i: usize| {
        matches!(
            tokens.get(i),
            Some((Tok::LParen | Tok::LAngle | Tok::Square(..), _))
        )
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut max = 0;
    for (i, (tok, _)) in tokens.iter().enumerate() {
        if let Some(f) = stack.last() {
            if f.in_annot {
                let closes = matches!(
                    (f.kind, tok),
                    (Kind::Round, Tok::RParen) | (Kind::Angle, Tok::RAngle)
                );
                if closes {
                    stack.pop();
                    add_item(&mut stack, true);
                }
                continue;
            }
        }
        let top = stack.last().map(|f| (f.kind, f.items, f.first_is_slot));
        let comparison = matches!(top, Some((Kind::Angle, 1, true))) && starts_slot(i + 1);
        match tok {
            Tok::LParen => {
                stack.push(Frame {
                    kind: Kind::Round,
                    items: 0,
                    first_is_slot: false,
                    in_annot: false,
                });
            }
            Tok::LAngle if !comparison => {
                stack.push(Frame {
                    kind: Kind::Angle,
                    items: 0,
                    first_is_slot: false,
                    in_annot: false,
                });
            }
            Tok::RParen if matches!(top, Some((Kind::Round, ..))) => {
                stack.pop();
                add_item(&mut stack, true);
            }
            Tok::RAngle if matches!(top, Some((Kind::Angle, ..))) && !comparison => {
                stack.pop();
                add_item(&mut stack, true);
            }
            Tok::Annot => match stack.last_mut() {
                Some(f) => f.in_annot = true,
                // A top-level `::` swallows the rest of the line.
                None => break,
            },
            Tok::Square(..) => add_item(&mut stack, true),
            _ => add_item(&mut stack, false),
        }
        max = max.max(stack.len());
    }
    max
}
