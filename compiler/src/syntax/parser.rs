//! The line parser: tokens → words and nested slots, with `chumsky`.
//!
//! The grammar never fails: a missing closing bracket leaves the slot open (`closed: false`), and
//! a closing bracket with nothing to close becomes a [`Part::Stray`]. The caller reports both.
//!
//! ```text
//! line   = top* ("::" any*)?
//! top    = slot | word | ">" | ")"(stray) | "]"(stray)
//! slot   = round | angle | square
//! round  = "(" (slot | word | ">" | "]"(stray))* ("::" not-")"*)? ")"?
//! angle  = "<" (slot cmp?)? (slot | word | ")"(stray) | "]"(stray))* ("::" not-">"*)? ">"?
//! cmp    = ("<" | ">") followed by "(" "<" or "["      -- `<(a) < (b)>` compares
//! ```
//!
//! `<` and `>` are scratchblocks' hardest case: `>` closes a boolean slot, except right after
//! the slot's first part when that is a slot and another slot follows — then it is the
//! comparison operator, as in `<(x) > (10)>`. Outside boolean slots `>` is a word
//! (`when [timer v] > (10)`).
//!
//! The depth of nesting is bounded by the caller (see `lexer::nesting_depth`) so the recursion
//! here stays shallow.

use chumsky::input::{Input as _, MappedInput};
use chumsky::prelude::*;

use super::ast::{Bracket, Line, Part, Slot, Span, Stray};
use super::lexer::{LexedLine, Tok};

type Toks<'t, 's> = MappedInput<'t, Tok<'s>, SimpleSpan, &'t [(Tok<'s>, SimpleSpan)]>;
type Extra = extra::Default;

fn sp(s: SimpleSpan) -> Span {
    Span::new(s.start, s.end)
}

/// The words after `::` up to (not including) a closing token.
fn annot_words<'t, 's: 't>(
    close: Option<Tok<'s>>,
) -> impl Parser<'t, Toks<'t, 's>, Vec<&'s str>, Extra> + Clone {
    just(Tok::Annot).ignore_then(
        any()
            .filter(move |t: &Tok<'s>| Some(*t) != close)
            .map(|t| match t {
                Tok::Word(w) => Some(w),
                _ => None,
            })
            .repeated()
            .collect::<Vec<_>>()
            .map(|ws| ws.into_iter().flatten().collect()),
    )
}

/// The parser of one line's tokens.
pub fn line_parser<'t, 's: 't>(
) -> impl Parser<'t, Toks<'t, 's>, (Vec<Part<'s>>, Vec<&'s str>), Extra> + Clone {
    let word = select! { Tok::Word(w) = e => Part::Word(w, sp(e.span())) };
    let gt_word = just(Tok::RAngle).map_with(|_, e| Part::Word(">", sp(e.span())));
    let stray_rparen = just(Tok::RParen).map_with(|_, e| Part::Stray(Stray::RParen, sp(e.span())));
    let stray_square =
        just(Tok::StraySquare).map_with(|_, e| Part::Stray(Stray::RSquare, sp(e.span())));
    let error = just(Tok::Error).map_with(|_, e| Part::Stray(Stray::Unreadable, sp(e.span())));

    let slot = recursive(|slot| {
        let square = select! {
            Tok::Square(raw, closed) = e => Part::Slot(Slot {
                bracket: Bracket::Square,
                parts: Vec::new(),
                raw,
                annot: Vec::new(),
                span: sp(e.span()),
                closed,
            })
        };

        let round_item = choice((slot.clone(), word, gt_word, stray_square, error));
        let round = just(Tok::LParen)
            .ignore_then(round_item.repeated().collect::<Vec<_>>())
            .then(annot_words(Some(Tok::RParen)).or_not())
            .then(just(Tok::RParen).or_not())
            .map_with(|((parts, annot), close), e| {
                Part::Slot(Slot {
                    bracket: Bracket::Round,
                    parts,
                    raw: "",
                    annot: annot.unwrap_or_default(),
                    span: sp(e.span()),
                    closed: close.is_some(),
                })
            });

        let slot_start = select! { Tok::LParen => (), Tok::LAngle => (), Tok::Square(..) => () };
        let comparison = select! { Tok::LAngle => "<", Tok::RAngle => ">" }
            .map_with(|w, e| Part::Word(w, sp(e.span())))
            .then_ignore(slot_start.rewind());
        let first = slot.clone().then(comparison.or_not());
        let angle_item = choice((slot.clone(), word, stray_rparen, stray_square, error));
        let angle = just(Tok::LAngle)
            .ignore_then(first.or_not())
            .then(angle_item.repeated().collect::<Vec<_>>())
            .then(annot_words(Some(Tok::RAngle)).or_not())
            .then(just(Tok::RAngle).or_not())
            .map_with(|(((first, rest), annot), close), e| {
                let mut parts = Vec::with_capacity(rest.len() + 2);
                if let Some((slot, cmp)) = first {
                    parts.push(slot);
                    parts.extend(cmp);
                }
                parts.extend(rest);
                Part::Slot(Slot {
                    bracket: Bracket::Angle,
                    parts,
                    raw: "",
                    annot: annot.unwrap_or_default(),
                    span: sp(e.span()),
                    closed: close.is_some(),
                })
            });

        choice((round, angle, square))
    });

    let top_item = choice((slot, word, gt_word, stray_rparen, stray_square, error));
    top_item
        .repeated()
        .collect::<Vec<_>>()
        .then(annot_words(None).or_not().map(Option::unwrap_or_default))
        .then_ignore(end())
}

/// Parses lexed lines; each comes with the span of its code (without the comment).
/// `max_depth` bounds the nesting; a deeper line is returned empty with `too_deep` set.
pub fn parse_lines<'s>(lines: &[(LexedLine<'s>, Span)], max_depth: usize) -> Vec<Line<'s>> {
    // All tokens go into one buffer so that one parser (built once) serves every line.
    let mut all: Vec<(Tok<'s>, SimpleSpan)> = Vec::new();
    let mut ranges = Vec::with_capacity(lines.len());
    for (lexed, _) in lines {
        let start = all.len();
        all.extend(
            lexed
                .tokens
                .iter()
                .map(|(t, s)| (*t, SimpleSpan::from(s.start..s.end))),
        );
        ranges.push(start..all.len());
    }
    let parser = line_parser();
    let mut out = Vec::with_capacity(lines.len());
    for ((lexed, code_span), range) in lines.iter().zip(ranges) {
        let mut line = Line {
            parts: Vec::new(),
            annot: Vec::new(),
            comment: lexed.comment,
            span: *code_span,
            too_deep: false,
        };
        if super::lexer::nesting_depth(&lexed.tokens) > max_depth {
            line.too_deep = true;
            out.push(line);
            continue;
        }
        let eoi = SimpleSpan::from(code_span.end..code_span.end);
        let input = all[range].split_token_span(eoi);
        match parser.parse(input).into_output() {
            Some((parts, annot)) => {
                line.parts = parts;
                line.annot = annot;
            }
            // The grammar accepts every token sequence; should that ever change, the line is
            // reported as unreadable rather than lost silently.
            None => line.parts = vec![Part::Stray(Stray::Unreadable, *code_span)],
        }
        out.push(line);
    }
    out
}
