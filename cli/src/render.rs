//! Rendering diagnostics in the terminal with ariadne: the message, the line it points at with
//! the place underlined, the labels, and the hint, all in the chosen language.

use std::io::{self, Write};
use std::ops::Range;

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use starling_compiler::diag::SourceLoc;
use starling_compiler::{Diagnostic, Lang, Severity};

use crate::text;

/// Writes every diagnostic to `w`. `color` turns on ANSI colours (only for a terminal).
pub fn render_diagnostics(
    w: &mut dyn Write,
    file_name: &str,
    source: &str,
    diagnostics: &[Diagnostic],
    lang: Lang,
    color: bool,
) -> io::Result<()> {
    for d in diagnostics {
        render_one(w, file_name, source, d, lang, color)?;
    }
    Ok(())
}

/// A byte range inside `source` on character boundaries, so ariadne can never be handed a span
/// that cuts a character in half or runs past the end.
fn clamp_span(source: &str, start: u32, end: u32) -> Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(start as usize);
    let end = fix(end as usize).max(start);
    start..end
}

fn render_one(
    w: &mut dyn Write,
    file_name: &str,
    source: &str,
    d: &Diagnostic,
    lang: Lang,
    color: bool,
) -> io::Result<()> {
    let (word, col) = match d.severity {
        Severity::Error => (text::error_word(), Color::Red),
        Severity::Warning => (text::warning_word(), Color::Yellow),
    };
    let hint = d.hint.as_ref().map(|h| h.get(lang));
    let hint_line = |w: &mut dyn Write| -> io::Result<()> {
        if let Some(h) = hint {
            writeln!(w, "  {}: {h}", text::hint_prefix().get(lang))?;
        }
        Ok(())
    };
    let SourceLoc::Span { start, end } = d.loc else {
        // No place in the text (a whole-program problem, or an .sb3 block): a plain line.
        let at = match &d.loc {
            SourceLoc::Block(id) => format!(" [{id}]"),
            _ => String::new(),
        };
        writeln!(w, "{}{at}: {}", word.get(lang), d.message.get(lang))?;
        return hint_line(w);
    };
    let span = clamp_span(source, start, end);
    // Ariadne's built-in kinds are English words; a custom kind lets Chinese say 错误.
    let kind = ReportKind::Custom(word.get(lang), col);
    let config = Config::default()
        .with_color(color)
        .with_index_type(IndexType::Byte);
    // Ariadne only underlines a label that has a message, so the hint (or a plain "here")
    // goes on the underlined place itself.
    let here = match hint {
        Some(h) => format!("{}: {h}", text::hint_prefix().get(lang)),
        None => text::here().get(lang).to_string(),
    };
    let mut report = Report::build(kind, (file_name, span.clone()))
        .with_config(config)
        .with_message(d.message.get(lang))
        .with_label(
            Label::new((file_name, span))
                .with_message(here)
                .with_color(col)
                .with_priority(1),
        );
    for label in &d.labels {
        if let SourceLoc::Span { start, end } = label.loc {
            report = report.with_label(
                Label::new((file_name, clamp_span(source, start, end)))
                    .with_message(label.message.get(lang))
                    .with_color(Color::Cyan),
            );
        }
    }
    let mut buf = Vec::new();
    report
        .finish()
        .write((file_name, Source::from(source)), &mut buf)?;
    if !color {
        // Ariadne colours a custom report kind even with colour turned off.
        buf = strip_ansi(&buf);
    }
    w.write_all(&buf)
}

/// Removes ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
