//! Matching a line's words and slots against the catalog's templates.
//!
//! A template and a line are both reduced to a *signature*: the literal text with every slot
//! replaced by one marker character, lowercased, with whitespace and the punctuation
//! scratchblocks ignores (`, % ? :`) removed. `move (10) steps`, `Move (10) Steps` and the
//! template `move %1 steps` all have the signature `move␁steps`; `移动(10)步` and `移动 %1 步`
//! both give `移动␁步`. One hash lookup finds the candidates; when several blocks share a
//! signature (`length of %1` of lists and of operators) the resolver picks by slot syntax.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::{self, BlockSpec, Lang, MenuId, Shape, Status, BLOCKS};

use super::aliases::ALIASES;
use super::ast::Part;

/// Stands for a slot in a signature.
pub const SLOT: char = '\u{1}';

/// Appends the normalised form of `text` to `out`.
pub fn normalize_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, ',' | '%' | '?' | ':' | '，' | '？' | '：') {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(&mut out, text);
    out
}

/// The signature of a line's (or a slot's) parts.
pub fn parts_signature(parts: &[Part<'_>]) -> String {
    let mut sig = String::new();
    for part in parts {
        match part {
            Part::Word(w, _) => normalize_into(&mut sig, w),
            Part::Slot(_) => sig.push(SLOT),
            Part::Stray(..) => {}
        }
    }
    sig
}

/// The signature of a template and, for each slot in the order it appears, the index of the
/// argument it stands for (`%2` → 1).
pub fn template_signature(template: &str) -> (String, Vec<usize>) {
    let mut sig = String::new();
    let mut order = Vec::new();
    let mut literal = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            let mut n = 0usize;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n * 10 + d as usize;
                chars.next();
            }
            normalize_into(&mut sig, &literal);
            literal.clear();
            sig.push(SLOT);
            order.push(n.saturating_sub(1));
        } else {
            literal.push(c);
        }
    }
    normalize_into(&mut sig, &literal);
    (sig, order)
}

/// A catalog block a signature may stand for.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub spec: &'static BlockSpec,
    /// For the n-th slot of the line, the index in `spec.args`.
    pub order: Vec<usize>,
    /// Found through an alias (`when flag clicked`) rather than the block's own template.
    pub alias: bool,
}

impl Candidate {
    /// Rank for ties: palette blocks first, then hidden ones, then no-ops; own templates
    /// before aliases.
    pub fn rank(&self) -> u32 {
        let status = match self.spec.status {
            Status::Palette => 0,
            Status::Hidden => 1,
            Status::NoOp => 2,
        };
        status * 2 + self.alias as u32
    }
}

/// The catalog indexed by signature.
pub struct Index {
    pub by_signature: HashMap<String, Vec<Candidate>>,
    /// Blocks offered as "did you mean" suggestions, with their signature in each language.
    pub suggestible: Vec<(&'static BlockSpec, String, String)>,
}

/// Blocks the parser handles itself rather than by template.
fn is_special(spec: &BlockSpec) -> bool {
    spec.is_shadow()
        || spec.opcode.starts_with("procedures_")
        || spec.opcode.starts_with("argument_")
        || spec.opcode == "control_if_else"
        || spec.opcode == "data_variable"
        || spec.opcode == "data_listcontents"
}

fn build_index() -> Index {
    let mut by_signature: HashMap<String, Vec<Candidate>> = HashMap::new();
    let mut add = |template: &str, spec: &'static BlockSpec, alias: bool| {
        let (sig, order) = template_signature(template);
        if sig.chars().all(|c| c == SLOT) && order.len() < 2 {
            return;
        }
        let list = by_signature.entry(sig).or_default();
        if !list
            .iter()
            .any(|c| std::ptr::eq(c.spec, spec) && c.order == order)
        {
            list.push(Candidate { spec, order, alias });
        }
    };
    let mut suggestible = Vec::new();
    for spec in BLOCKS {
        if is_special(spec) {
            continue;
        }
        add(spec.en, spec, false);
        add(spec.zh, spec, false);
        if spec.status == Status::Palette {
            suggestible.push((
                spec,
                template_signature(spec.en).0,
                template_signature(spec.zh).0,
            ));
        }
    }
    for (template, opcode) in ALIASES {
        if let Some(spec) = catalog::block(opcode) {
            add(template, spec, true);
        }
    }
    Index {
        by_signature,
        suggestible,
    }
}

/// The index, built on first use.
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(build_index)
}

/// Which shapes fit where a block is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A line of its own: hats, stack, C and cap blocks.
    Line,
    /// A round slot: reporters (and booleans, which Scratch also lets you drop there).
    Round,
    /// A pointy slot: booleans.
    Pointy,
}

pub fn fits(shape: Shape, place: Place) -> bool {
    match place {
        Place::Line => matches!(shape, Shape::Hat | Shape::Stack | Shape::C | Shape::Cap),
        Place::Round => matches!(shape, Shape::Reporter | Shape::Boolean),
        Place::Pointy => shape == Shape::Boolean,
    }
}

/// True when `text` has Chinese (CJK) characters, to answer in the line's language.
pub fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
    })
}

/// The three catalog blocks (and custom blocks, given as (signature, text)) closest to a
/// signature, written in scratchblocks form in `lang`.
pub fn suggestions(
    sig: &str,
    lang: Lang,
    place: Place,
    custom: &[(String, String)],
) -> Vec<String> {
    // Long lines would make the edit distance slow; the start is what matters.
    let sig: String = sig.chars().take(80).collect();
    let mut scored: Vec<(f64, String)> = Vec::new();
    for (spec, en, zh) in &index().suggestible {
        if !fits(spec.shape, place) {
            continue;
        }
        let target = if lang == Lang::ZhCn { zh } else { en };
        let score = strsim::normalized_levenshtein(&sig, target);
        scored.push((score, spec.to_scratchblocks(lang)));
    }
    if place == Place::Line {
        for (csig, text) in custom {
            scored.push((strsim::normalized_levenshtein(&sig, csig), text.clone()));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (_, text) in scored {
        if !out.contains(&text) {
            out.push(text);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// Up to three of `names` closest to `name`.
pub fn similar_names<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = names
        .map(|n| (strsim::jaro_winkler(&lower, &n.to_lowercase()), n))
        .filter(|(s, _)| *s >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (_, n) in scored {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// How a dropdown text relates to a menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuMatch {
    /// One of the fixed options: its stored value.
    Option(&'static str),
    /// Not a fixed option, but the menu also lists project names (sprites, costumes, …).
    Dynamic,
    /// Not a choice of this menu.
    No,
}

/// Matches a dropdown's text against a menu's options (value, English and Chinese label;
/// case and spaces ignored).
pub fn menu_match(id: MenuId, text: &str) -> MenuMatch {
    let Some(menu) = catalog::menu(id) else {
        return MenuMatch::Dynamic;
    };
    let t = text.trim();
    for o in menu.options {
        if o.value.eq_ignore_ascii_case(t) || o.en.eq_ignore_ascii_case(t) || o.zh == t {
            return MenuMatch::Option(o.value);
        }
    }
    let n = normalize_loose(t);
    for o in menu.options {
        if normalize_loose(o.value) == n || normalize_loose(o.en) == n || normalize_loose(o.zh) == n
        {
            return MenuMatch::Option(o.value);
        }
    }
    if menu.dynamic.is_some() || menu.options.is_empty() {
        MenuMatch::Dynamic
    } else {
        MenuMatch::No
    }
}

/// Lowercase without whitespace, for comparing menu labels (`e^` = `e ^`).
fn normalize_loose(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The labels of a menu's fixed options in both languages.
pub fn menu_labels(id: MenuId) -> (Vec<String>, Vec<String>) {
    let Some(menu) = catalog::menu(id) else {
        return (Vec::new(), Vec::new());
    };
    (
        menu.options.iter().map(|o| o.en.to_string()).collect(),
        menu.options.iter().map(|o| o.zh.to_string()).collect(),
    )
}
