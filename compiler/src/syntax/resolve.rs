//! Pass 2: turn each target's lines into scripts and procedures of checked IR.
//!
//! For every line the resolver finds the block (catalog template, alias or custom block of the
//! same target), fills its arguments from the slots, resolves variable, list and parameter
//! names, and nests the blocks of C blocks between the C line and its `end`. Every problem
//! becomes a diagnostic and the resolver carries on with the next line.

use std::collections::{HashMap, HashSet};

use starling_runtime::isa::LOCAL;
use starling_runtime::program::TargetDef;
use starling_runtime::value::js_string_to_number;

use crate::catalog::{self, BlockSpec, Lang, Shape, SlotKind, Status};
use crate::diag::Diagnostic;
use crate::ir::{Arg, Block, Expr, Param, Procedure, Script, VarRef};

use super::ast::{Bracket, Line, Part, Slot, SlotValue, Span, Stray};
use super::matcher::{
    self, fits, index, is_chinese, menu_labels, menu_match, normalize, normalize_into,
    parts_signature, Candidate, MenuMatch, Place, SLOT,
};
use super::messages as msg;
use super::project::Item;

/// C blocks nested deeper than this are refused.
pub const MAX_C_DEPTH: usize = 100;

// ==============================================================================================
// Custom block prototypes (collected before resolving, so calls may come before the define)
// ==============================================================================================

/// A `define` line's custom block.
#[derive(Debug, Clone)]
pub struct Proto {
    pub proccode: String,
    pub params: Vec<Param>,
    pub warp: bool,
    /// The signature calls are matched with.
    pub sig: String,
    pub span: Span,
    /// The block as written with its parameter names, for suggestions: `jump (height)`.
    pub text: String,
}

/// What a `define` line defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefineRef {
    /// The target's procedure with this index.
    Proc(usize),
    /// A second definition of the same block: reported, checked, then dropped.
    Duplicate(usize),
    /// A `define` with nothing after it.
    Invalid,
}

/// The custom blocks of one target.
#[derive(Debug, Clone, Default)]
pub struct Procs {
    pub protos: Vec<Proto>,
    pub duplicates: Vec<Proto>,
    pub by_sig: HashMap<String, usize>,
    /// For each `define` line (index into the lines), what it defines.
    pub define_at: HashMap<usize, DefineRef>,
}

/// If the line is a `define` line, the parts of the custom block after the word `define`.
pub fn define_parts<'s>(line: &Line<'s>) -> Option<Vec<Part<'s>>> {
    let Some(Part::Word(first, span)) = line.parts.first() else {
        return None;
    };
    let n = normalize(first);
    if n == "define" || n == "定义" {
        return Some(line.parts[1..].to_vec());
    }
    // Chinese often glues the name on: `定义跳 (高度)`.
    if let Some(rest) = first.strip_prefix("定义") {
        let mut parts = vec![Part::Word(
            rest,
            Span::new(span.start + "定义".len(), span.end),
        )];
        parts.extend_from_slice(&line.parts[1..]);
        return Some(parts);
    }
    None
}

/// The text inside a round or angle slot (without its annotation), or a square slot's text.
fn slot_inner_text(src: &str, slot: &Slot<'_>) -> String {
    match slot.bracket {
        Bracket::Square => super::ast::unescape(slot.raw).0.trim().to_string(),
        _ => match (slot.parts.first(), slot.parts.last()) {
            (Some(a), Some(b)) => src
                .get(a.span().start..b.span().end)
                .unwrap_or("")
                .trim()
                .to_string(),
            _ => String::new(),
        },
    }
}

/// Reads every `define` of a target.
pub fn collect_procs(
    src: &str,
    lines: &[Line<'_>],
    items: &[Item],
    diags: &mut Vec<Diagnostic>,
) -> Procs {
    let mut procs = Procs::default();
    for item in items {
        let Item::Code(li) = *item else { continue };
        let line = &lines[li];
        let Some(parts) = define_parts(line) else {
            continue;
        };
        let mut proccode: Vec<String> = Vec::new();
        let mut text: Vec<String> = Vec::new();
        let mut sig = String::new();
        let mut params = Vec::new();
        for part in &parts {
            match part {
                Part::Word(w, _) => {
                    let w = w.replace('%', "");
                    if w.is_empty() {
                        continue;
                    }
                    normalize_into(&mut sig, &w);
                    text.push(w.clone());
                    proccode.push(w);
                }
                Part::Slot(slot) => {
                    let name = slot_inner_text(src, slot);
                    if name.is_empty() {
                        diags.push(msg::param_without_name(slot.span));
                    }
                    let boolean = slot.bracket == Bracket::Angle;
                    proccode.push(if boolean { "%b" } else { "%s" }.to_string());
                    text.push(if boolean {
                        format!("<{name}>")
                    } else {
                        format!("({name})")
                    });
                    sig.push(SLOT);
                    params.push(Param { name, boolean });
                }
                Part::Stray(..) => {}
            }
        }
        if proccode.is_empty() {
            diags.push(msg::define_empty(line.span));
            procs.define_at.insert(li, DefineRef::Invalid);
            continue;
        }
        let warp = line.comment.is_some_and(|c| {
            c.to_lowercase().contains("run without screen refresh")
                || c.contains("运行时不刷新屏幕")
        });
        let proto = Proto {
            proccode: proccode.join(" "),
            params,
            warp,
            sig: sig.clone(),
            span: line.span,
            text: text.join(" "),
        };
        if let Some(&first) = procs.by_sig.get(&sig) {
            diags.push(msg::duplicate_define(
                line.span,
                procs.protos[first].span,
                &proto.text,
            ));
            procs.duplicates.push(proto);
            procs
                .define_at
                .insert(li, DefineRef::Duplicate(procs.duplicates.len() - 1));
        } else {
            procs.by_sig.insert(sig, procs.protos.len());
            procs.protos.push(proto);
            procs
                .define_at
                .insert(li, DefineRef::Proc(procs.protos.len() - 1));
        }
    }
    procs
}

// ==============================================================================================
// The resolver
// ==============================================================================================

/// A variable or list named in a field that is not declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Implicit {
    pub list: bool,
    pub name: String,
}

/// What a line turned out to be.
enum LineKind {
    Block(Block, String),
    Define(DefineRef),
    End,
    Else,
    /// Nothing to add (an error was reported, or a comment-like line). `unknown` when the line
    /// was an unknown block, which might have been a C block waiting for its `end`.
    Skip {
        unknown: bool,
    },
}

/// A C block waiting for its `end`.
struct Frame {
    block: Block,
    bodies: Vec<Vec<Block>>,
    span: Span,
    text: String,
    /// The cap block the current body ended with, if any.
    after_cap: Option<String>,
}

/// The script being built.
struct Open {
    hat: Option<Block>,
    define: Option<DefineRef>,
    body: Vec<Block>,
    span: Span,
    last_line: Span,
    after_cap: Option<String>,
}

/// The parameters in scope.
#[derive(Clone, Copy)]
enum Scope {
    None,
    Proc(usize),
    Duplicate(usize),
}

/// The resolved code of one target.
pub struct TargetCode {
    pub scripts: Vec<Script>,
    pub procedures: Vec<Procedure>,
}

pub struct Resolver<'a, 's> {
    src: &'s str,
    lines: &'a [Line<'s>],
    defs: &'a [TargetDef],
    procs: &'a [Procs],
    bare: bool,
    /// Names declared only because a field used them (reported once each in header mode).
    implicit_known: &'a HashSet<Implicit>,
    implicit_reported: HashSet<Implicit>,
    /// Undeclared names met in fields during this run, in order.
    pub implicit_new: Vec<Implicit>,
    target: usize,
    scope: Scope,
    pub diags: Vec<Diagnostic>,
    /// Diagnostics not kept because there were already too many.
    pub dropped: usize,
    // The script being built, its open C blocks and the unknown lines that may want an `end`.
    open: Option<Open>,
    frames: Vec<Frame>,
    pending_unknown: usize,
    scripts: Vec<Script>,
    proc_bodies: Vec<Option<(Vec<Block>, Span)>>,
}

impl<'a, 's> Resolver<'a, 's> {
    pub fn new(
        src: &'s str,
        lines: &'a [Line<'s>],
        defs: &'a [TargetDef],
        procs: &'a [Procs],
        bare: bool,
        implicit_known: &'a HashSet<Implicit>,
    ) -> Self {
        Resolver {
            src,
            lines,
            defs,
            procs,
            bare,
            implicit_known,
            implicit_reported: HashSet::new(),
            implicit_new: Vec::new(),
            target: 0,
            scope: Scope::None,
            diags: Vec::new(),
            dropped: 0,
            open: None,
            frames: Vec::new(),
            pending_unknown: 0,
            scripts: Vec::new(),
            proc_bodies: Vec::new(),
        }
    }

    /// Keeps a diagnostic, unless there are so many that nobody will read them (a huge broken
    /// input must not use a huge amount of memory for messages).
    fn report(&mut self, d: Diagnostic) {
        if self.diags.len() < 2 * super::MAX_DIAGNOSTICS {
            self.diags.push(d);
        } else {
            self.dropped += 1;
        }
    }

    /// Hints cost time (edit distances); past the diagnostics that will be shown, skip them so
    /// that a huge broken input stays fast.
    fn hints_wanted(&self) -> bool {
        self.diags.len() < super::MAX_DIAGNOSTICS
    }

    fn text(&self, span: Span) -> &'s str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    // ------------------------------------------------------------------------------ structure

    /// Resolves the lines of target `ti`.
    pub fn target(&mut self, ti: usize, items: &[Item]) -> TargetCode {
        self.target = ti;
        self.scripts = Vec::new();
        self.proc_bodies = vec![None; self.procs[ti].protos.len()];
        for item in items {
            match *item {
                Item::Blank => {
                    if self.frames.is_empty() {
                        self.finish_script();
                    }
                }
                Item::Break => self.finish_script(),
                Item::Code(li) => self.line(li),
            }
        }
        self.finish_script();
        let procedures = self.procs[ti]
            .protos
            .iter()
            .zip(std::mem::take(&mut self.proc_bodies))
            .map(|(p, body)| {
                let (body, span) = body.unwrap_or((Vec::new(), p.span));
                Procedure {
                    proccode: p.proccode.clone(),
                    params: p.params.clone(),
                    warp: p.warp,
                    body,
                    loc: span.loc(),
                }
            })
            .collect();
        TargetCode {
            scripts: std::mem::take(&mut self.scripts),
            procedures,
        }
    }

    fn line(&mut self, li: usize) {
        let lines = self.lines;
        let line = &lines[li];
        let span = line.span;
        let kind = self.resolve_line(li);
        if let Some(open) = &mut self.open {
            if !matches!(kind, LineKind::Block(ref b, _) if b.spec.shape == Shape::Hat)
                && !matches!(kind, LineKind::Define(_))
            {
                open.span = open.span.to(span);
                open.last_line = span;
            }
        }
        match kind {
            LineKind::Skip { unknown } => {
                if unknown {
                    self.pending_unknown += 1;
                }
            }
            LineKind::End => match self.frames.pop() {
                Some(frame) => {
                    let text = frame.text.clone();
                    let block = close_frame(frame);
                    self.append(block, text);
                }
                None if self.pending_unknown > 0 => self.pending_unknown -= 1,
                None => self.report(msg::stray_end(span)),
            },
            LineKind::Else => self.else_line(span),
            LineKind::Define(r) => {
                self.new_script_at(span);
                let scope = match r {
                    DefineRef::Proc(i) => Scope::Proc(i),
                    DefineRef::Duplicate(i) => Scope::Duplicate(i),
                    DefineRef::Invalid => Scope::None,
                };
                self.scope = scope;
                self.open = Some(Open {
                    hat: None,
                    define: Some(r),
                    body: Vec::new(),
                    span,
                    last_line: span,
                    after_cap: None,
                });
            }
            LineKind::Block(block, text) => {
                if block.spec.shape == Shape::Hat {
                    self.new_script_at(span);
                    self.open = Some(Open {
                        hat: Some(block),
                        define: None,
                        body: Vec::new(),
                        span,
                        last_line: span,
                        after_cap: None,
                    });
                    return;
                }
                if self.open.is_none() {
                    self.start_hatless(span);
                }
                let cap = match self.frames.last() {
                    Some(f) => f.after_cap.clone(),
                    None => self.open.as_ref().and_then(|o| o.after_cap.clone()),
                };
                if let Some(cap) = cap {
                    self.report(msg::after_cap(span, &cap));
                    if self.frames.is_empty() {
                        // Scratch could not attach it: it is a separate stack.
                        self.finish_script();
                        self.start_hatless(span);
                    }
                }
                if block.spec.substacks > 0 {
                    if self.frames.len() >= MAX_C_DEPTH {
                        self.report(msg::too_many_c(span, MAX_C_DEPTH));
                        self.pending_unknown += 1;
                        return;
                    }
                    let bodies = vec![Vec::new()];
                    self.frames.push(Frame {
                        block,
                        bodies,
                        span,
                        text,
                        after_cap: None,
                    });
                } else {
                    self.append(block, text);
                }
            }
        }
    }

    fn start_hatless(&mut self, span: Span) {
        self.open = Some(Open {
            hat: None,
            define: None,
            body: Vec::new(),
            span,
            last_line: span,
            after_cap: None,
        });
    }

    /// A hat or `define` line: it must start a script.
    fn new_script_at(&mut self, span: Span) {
        if let Some(open) = self.frames.last() {
            let text = self.text(span).to_string();
            self.report(msg::hat_in_middle(span, &text, open.span, &open.text));
            while let Some(frame) = self.frames.pop() {
                let t = frame.text.clone();
                let block = close_frame(frame);
                self.append(block, t);
            }
        }
        self.finish_script();
    }

    fn else_line(&mut self, span: Span) {
        let if_else = catalog::block("control_if_else");
        match self.frames.last_mut() {
            Some(frame) if frame.block.spec.opcode == "control_if" && frame.bodies.len() == 1 => {
                if let Some(spec) = if_else {
                    frame.block.spec = spec;
                    frame.block.substacks = vec![Vec::new(), Vec::new()];
                    frame.bodies.push(Vec::new());
                    frame.after_cap = None;
                }
            }
            Some(frame) if frame.block.spec.opcode == "control_if_else" => {
                let d = msg::second_else(span, frame.span);
                self.report(d);
            }
            Some(frame) => {
                let d = msg::else_not_if(span, frame.span, &frame.text);
                self.report(d);
            }
            None if self.pending_unknown > 0 => {}
            None => self.report(msg::stray_else(span)),
        }
    }

    /// Adds a finished block to the innermost open body.
    fn append(&mut self, block: Block, text: String) {
        let ends = is_cap(&block);
        let (body, after_cap) = match self.frames.last_mut() {
            Some(f) => match f.bodies.last_mut() {
                Some(b) => (b, &mut f.after_cap),
                None => return,
            },
            None => {
                if self.open.is_none() {
                    self.start_hatless(span_of(&block.loc));
                }
                let Some(open) = self.open.as_mut() else {
                    return;
                };
                (&mut open.body, &mut open.after_cap)
            }
        };
        body.push(block);
        if ends {
            *after_cap = Some(text);
        }
    }

    /// Ends the current script: closes open C blocks (each a missing `end`) and stores it.
    fn finish_script(&mut self) {
        let last_line = self.open.as_ref().map(|o| o.last_line).unwrap_or_default();
        while let Some(frame) = self.frames.pop() {
            self.report(msg::missing_end(last_line, frame.span, &frame.text));
            let t = frame.text.clone();
            let block = close_frame(frame);
            self.append(block, t);
        }
        self.pending_unknown = 0;
        self.scope = Scope::None;
        let Some(open) = self.open.take() else { return };
        match open.define {
            Some(DefineRef::Proc(i)) => {
                if let Some(slot) = self.proc_bodies.get_mut(i) {
                    *slot = Some((open.body, open.span));
                }
            }
            Some(_) => {}
            None => {
                if open.hat.is_some() || !open.body.is_empty() {
                    self.scripts.push(Script {
                        hat: open.hat,
                        body: open.body,
                        loc: open.span.loc(),
                    });
                }
            }
        }
    }

    // ------------------------------------------------------------------------------ lines

    fn resolve_line(&mut self, li: usize) -> LineKind {
        let lines = self.lines;
        let line = &lines[li];
        if line.too_deep {
            self.report(msg::too_deep(line.span, super::project::MAX_BRACKET_DEPTH));
            return LineKind::Skip { unknown: true };
        }
        if !self.check_brackets(&line.parts) {
            return LineKind::Skip { unknown: true };
        }
        let parts = &line.parts[..];
        if parts.is_empty() {
            return LineKind::Skip { unknown: false };
        }
        if let [Part::Word(..), ..] = parts {
            if parts.iter().all(|p| matches!(p, Part::Word(..))) {
                let n = parts_signature(parts);
                match n.as_str() {
                    "end" | "结束" => return LineKind::End,
                    "else" | "否则" => return LineKind::Else,
                    "..." | "…" | "......" | "……" => {
                        self.report(msg::ellipsis(line.span));
                        return LineKind::Skip { unknown: false };
                    }
                    _ => {}
                }
            }
        }
        if define_parts(line).is_some() {
            let r = self.procs[self.target]
                .define_at
                .get(&li)
                .copied()
                .unwrap_or(DefineRef::Invalid);
            return LineKind::Define(r);
        }
        // A reporter alone on a line (scratchblocks shows it as a loose block).
        if let [Part::Slot(slot)] = parts {
            if slot.bracket != Bracket::Square {
                let _ = match slot.bracket {
                    Bracket::Angle => self.pointy_slot(slot),
                    _ => self.round_slot(slot),
                };
                self.report(msg::lone_reporter(line.span, self.text(line.span)));
                return LineKind::Skip { unknown: false };
            }
        }
        let text = self.text(line.span).to_string();
        match self.match_block(parts, &line.annot, Place::Line, line.span) {
            Some(block) => LineKind::Block(block, text),
            None => LineKind::Skip { unknown: true },
        }
    }

    /// Reports unclosed slots and stray closing brackets; false if there were any.
    fn check_brackets(&mut self, parts: &[Part<'_>]) -> bool {
        let mut ok = true;
        for part in parts {
            match part {
                Part::Word(..) => {}
                Part::Stray(Stray::RParen, s) => {
                    self.report(msg::stray_close(*s, ")", "("));
                    ok = false;
                }
                Part::Stray(Stray::RSquare, s) => {
                    self.report(msg::stray_close(*s, "]", "["));
                    ok = false;
                }
                Part::Stray(Stray::Unreadable, s) => {
                    self.report(msg::unreadable(*s));
                    ok = false;
                }
                Part::Slot(slot) => {
                    if !slot.closed {
                        let len = self.src[slot.span.start..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8);
                        let open = Span::new(slot.span.start, slot.span.start + len);
                        let d = msg::unclosed(open, slot.bracket.open(), slot.bracket.close());
                        self.report(d);
                        // The brackets inside an unclosed one are usually unclosed too; one
                        // message is enough.
                        return false;
                    }
                    ok &= self.check_brackets(&slot.parts);
                }
            }
        }
        ok
    }

    // ------------------------------------------------------------------------------ matching

    /// Finds the block that `parts` spell, for a line or a slot, and builds it.
    fn match_block(
        &mut self,
        parts: &[Part<'s>],
        annot: &[&str],
        place: Place,
        span: Span,
    ) -> Option<Block> {
        let sig = parts_signature(parts);
        let slots: Vec<&Slot<'s>> = parts
            .iter()
            .filter_map(|p| if let Part::Slot(s) = p { Some(s) } else { None })
            .collect();
        let values: Vec<SlotValue<'_, 's>> = slots.iter().map(|s| s.classify(self.src)).collect();
        let wants_custom = annot.iter().any(|a| {
            let a = a.to_lowercase();
            a == "custom" || a == "my" || a == "自制积木" || a == "自定义"
        });
        if place == Place::Line && wants_custom {
            if let Some(b) = self.custom_call(&sig, &slots, &values, span) {
                return Some(b);
            }
        }
        let all = index().by_signature.get(&sig);
        let fitting: Vec<&Candidate> = all
            .map(|v| {
                v.iter()
                    .filter(|c| fits(c.spec.shape, place) && c.order.len() == slots.len())
                    .collect()
            })
            .unwrap_or_default();
        if !fitting.is_empty() {
            let best = self.choose(&fitting, &slots, &values);
            return Some(self.build(best, &slots, &values, span));
        }
        if place == Place::Line {
            if let Some(b) = self.custom_call(&sig, &slots, &values, span) {
                return Some(b);
            }
        }
        let text = self.text(span).to_string();
        if let Some(other) = all.and_then(|v| v.first()) {
            match (place, other.spec.shape) {
                (Place::Line, Shape::Reporter | Shape::Boolean) => {
                    // Check its slots anyway, then say it does nothing.
                    let cands: Vec<&Candidate> =
                        all.map(|v| v.iter().collect()).unwrap_or_default();
                    let best = self.choose(&cands, &slots, &values);
                    let _ = self.build(best, &slots, &values, span);
                    self.report(msg::lone_reporter(span, &text));
                    return None;
                }
                (
                    Place::Round | Place::Pointy,
                    Shape::Hat | Shape::Stack | Shape::C | Shape::Cap,
                ) => {
                    self.report(msg::stack_in_slot(span, &text));
                    return None;
                }
                (Place::Pointy, Shape::Reporter) => {
                    self.report(msg::round_in_boolean(span, &text));
                    return None;
                }
                _ => {}
            }
        }
        let lang = if is_chinese(&text) {
            Lang::ZhCn
        } else {
            Lang::En
        };
        let sugg = if self.hints_wanted() {
            let custom: Vec<(String, String)> = self.procs[self.target]
                .protos
                .iter()
                .map(|p| (p.sig.clone(), p.text.clone()))
                .collect();
            matcher::suggestions(&sig, lang, place, &custom)
        } else {
            Vec::new()
        };
        let d = match place {
            Place::Line => msg::unknown_block(span, &text, &sugg),
            _ => msg::unknown_reporter(span, &text, &sugg),
        };
        self.report(d);
        None
    }

    /// Picks the candidate whose slots fit best.
    fn choose<'c>(
        &self,
        cands: &[&'c Candidate],
        slots: &[&Slot<'s>],
        values: &[SlotValue<'_, 's>],
    ) -> &'c Candidate {
        let mut best: Option<((u32, i32, u32), &'c Candidate)> = None;
        for c in cands {
            let mut problems = 0;
            let mut score = 0;
            for (i, (slot, value)) in slots.iter().zip(values).enumerate() {
                let Some(arg) = c.order.get(i).and_then(|&a| c.spec.args.get(a)) else {
                    problems += 1;
                    continue;
                };
                let (s, p) = self.fit(arg.kind, slot, value);
                score += s;
                problems += p;
            }
            let key = (problems, -score, c.rank());
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, c));
            }
        }
        // `cands` is never empty here.
        best.map(|(_, c)| c).unwrap_or(cands[0])
    }

    /// The plain name of a round slot holding only words: `(my score)` → `my score`.
    fn plain_name(&self, value: &SlotValue<'_, 's>) -> Option<&'s str> {
        let SlotValue::Reporter(parts) = value else {
            return None;
        };
        if !parts.iter().all(|p| matches!(p, Part::Word(..))) {
            return None;
        }
        let (first, last) = (parts.first()?.span(), parts.last()?.span());
        self.src.get(first.start..last.end)
    }

    /// How well a slot fits an argument kind: (score, problems).
    fn fit(&self, kind: SlotKind, slot: &Slot<'s>, value: &SlotValue<'_, 's>) -> (i32, u32) {
        use SlotValue as V;
        if let Some(inner) = redundant_brackets(value) {
            return self.fit(kind, inner, &inner.classify(self.src));
        }
        let menu_fit = |id, text: &str, base: i32| match menu_match(id, text) {
            MenuMatch::Option(_) => (base, 0),
            MenuMatch::Dynamic => (base - 1, 0),
            MenuMatch::No => (0, 1),
        };
        let _ = slot;
        match kind {
            SlotKind::Number
            | SlotKind::PositiveNumber
            | SlotKind::WholeNumber
            | SlotKind::Integer
            | SlotKind::Angle => match value {
                V::Number(_) => (3, 0),
                V::Empty => (2, 0),
                V::Text(t) if is_numeric_text(t) => (2, 0),
                V::Reporter(_) => (2, 0),
                V::Predicate(_) => (1, 0),
                // Scratch 2's number dropdowns: `item (last v) of [list v]`.
                V::Dropdown { .. } => (1, 0),
                _ => (0, 1),
            },
            SlotKind::Text => match value {
                V::Text(_) | V::Empty => (3, 0),
                V::Number(_) | V::Color(_) | V::Reporter(_) | V::Predicate(_) => (2, 0),
                V::Dropdown { .. } => (1, 0),
                V::EmptyBool => (0, 1),
            },
            SlotKind::Color => match value {
                V::Color(_) => (3, 0),
                V::Reporter(_) => (2, 0),
                V::Empty | V::Predicate(_) => (1, 0),
                _ => (0, 1),
            },
            SlotKind::Boolean => match value {
                V::Predicate(_) | V::EmptyBool => (3, 0),
                _ => (0, 1),
            },
            SlotKind::MenuInput { menu, .. } => match value {
                V::Dropdown { text, .. } => menu_fit(menu, text, 3),
                V::Text(t) => menu_fit(menu, t, 2),
                V::Number(t) => menu_fit(menu, t, 1),
                V::Reporter(_) => (2, 0),
                V::Predicate(_) | V::Empty => (1, 0),
                V::Color(_) | V::EmptyBool => (0, 1),
            },
            SlotKind::BroadcastInput => match value {
                V::Dropdown { .. } => (3, 0),
                V::Text(_) | V::Reporter(_) => (2, 0),
                V::Number(_) | V::Predicate(_) | V::Empty => (1, 0),
                V::Color(_) | V::EmptyBool => (0, 1),
            },
            SlotKind::Field(menu) => match value {
                V::Dropdown { text, .. } => menu_fit(menu, text, 3),
                V::Text(t) | V::Number(t) => menu_fit(menu, t, 1),
                V::Reporter(_) => match self.plain_name(value) {
                    Some(name) => menu_fit(menu, name, 1),
                    None => (0, 1),
                },
                _ => (0, 1),
            },
            SlotKind::VariableField | SlotKind::ListField => {
                let list = kind == SlotKind::ListField;
                let known = |name: &str| self.lookup(name, list).is_some();
                let other = |name: &str| self.lookup(name, !list).is_some();
                match value {
                    V::Dropdown { text, .. } if known(text) => (4, 0),
                    V::Dropdown { text, .. } if other(text) => (2, 0),
                    V::Dropdown { .. } => (3, 0),
                    V::Text(t) if known(t) => (2, 0),
                    V::Text(_) => (1, 0),
                    V::Reporter(_) => match self.plain_name(value) {
                        Some(n) if known(n) && !other(n) => (3, 0),
                        Some(_) => (1, 0),
                        None => (0, 1),
                    },
                    _ => (0, 1),
                }
            }
            SlotKind::BroadcastField => match value {
                V::Dropdown { .. } => (3, 0),
                V::Text(_) | V::Number(_) => (2, 0),
                V::Reporter(_) if self.plain_name(value).is_some() => (1, 0),
                _ => (0, 1),
            },
        }
    }

    /// Builds the chosen catalog block.
    fn build(
        &mut self,
        cand: &Candidate,
        slots: &[&Slot<'s>],
        values: &[SlotValue<'_, 's>],
        span: Span,
    ) -> Block {
        let spec: &'static BlockSpec = cand.spec;
        let mut args = vec![Arg::Empty; spec.args.len()];
        for (i, (slot, value)) in slots.iter().zip(values).enumerate() {
            let Some(&a) = cand.order.get(i) else {
                continue;
            };
            let Some(arg) = spec.args.get(a) else {
                continue;
            };
            args[a] = self.arg(arg.kind, slot, value);
        }
        // Arguments the template does not show keep their default (none do today).
        for (a, arg) in spec.args.iter().enumerate() {
            if !cand.order.contains(&a)
                && !arg.default.is_empty()
                && arg.kind.shadow_opcode().is_some()
            {
                args[a] = Arg::Literal(arg.default.to_string());
            }
        }
        self.check_stage(spec, &args, span);
        Block {
            spec,
            args,
            substacks: vec![Vec::new(); spec.substacks as usize],
            call: None,
            loc: span.loc(),
        }
    }

    /// Reports blocks the stage cannot use.
    fn check_stage(&mut self, spec: &BlockSpec, args: &[Arg], span: Span) {
        if !self.defs.get(self.target).is_some_and(|d| d.is_stage) {
            return;
        }
        if sprite_only(spec.opcode) {
            let text = self.text(span).to_string();
            self.report(msg::sprite_only(span, &text));
        } else if spec.opcode == "control_create_clone_of"
            && matches!(args.first(), Some(Arg::Literal(s)) if s == "_myself_")
        {
            self.report(msg::stage_clone_itself(span));
        }
    }

    /// A call of a custom block of this target.
    fn custom_call(
        &mut self,
        sig: &str,
        slots: &[&Slot<'s>],
        values: &[SlotValue<'_, 's>],
        span: Span,
    ) -> Option<Block> {
        let procs = &self.procs[self.target];
        let &index = procs.by_sig.get(sig)?;
        let params = procs.protos[index].params.clone();
        let spec = catalog::block("procedures_call")?;
        let mut args = Vec::with_capacity(params.len());
        for (i, p) in params.iter().enumerate() {
            let kind = if p.boolean {
                SlotKind::Boolean
            } else {
                SlotKind::Text
            };
            match (slots.get(i), values.get(i)) {
                (Some(slot), Some(value)) => args.push(self.arg(kind, slot, value)),
                _ => args.push(Arg::Empty),
            }
        }
        Some(Block {
            spec,
            args,
            substacks: Vec::new(),
            call: Some(index as u32),
            loc: span.loc(),
        })
    }

    /// Fills one argument, reporting what does not fit.
    fn arg(&mut self, kind: SlotKind, slot: &Slot<'s>, value: &SlotValue<'_, 's>) -> Arg {
        use SlotValue as V;
        // Extra brackets around a slot, `((a) + (b))` in a round slot written `(((a) + (b)))`.
        if let Some(inner) = redundant_brackets(value) {
            let v = inner.classify(self.src);
            return self.arg(kind, inner, &v);
        }
        let span = slot.span;
        let lit = |s: &str| Arg::Literal(s.to_string());
        match kind {
            SlotKind::Number
            | SlotKind::PositiveNumber
            | SlotKind::WholeNumber
            | SlotKind::Integer
            | SlotKind::Angle => match value {
                V::Number(t) | V::Dropdown { text: t, .. } => lit(t),
                V::Empty => Arg::Empty,
                V::Text(t) | V::Color(t) => {
                    if !is_numeric_text(t) {
                        self.report(msg::text_in_number(span, t));
                    }
                    lit(t)
                }
                V::Reporter(_) => self.round_slot(slot),
                V::Predicate(_) => self.pointy_slot(slot),
                V::EmptyBool => {
                    self.report(msg::empty_bool_in_round(span));
                    Arg::Empty
                }
            },
            SlotKind::Text => match value {
                V::Number(t) | V::Text(t) | V::Color(t) | V::Dropdown { text: t, .. } => lit(t),
                V::Empty => Arg::Empty,
                V::Reporter(_) => self.round_slot(slot),
                V::Predicate(_) => self.pointy_slot(slot),
                V::EmptyBool => {
                    self.report(msg::empty_bool_in_round(span));
                    Arg::Empty
                }
            },
            SlotKind::Color => match value {
                V::Color(t) => lit(t),
                V::Empty => Arg::Empty,
                V::Reporter(_) => self.round_slot(slot),
                V::Predicate(_) => self.pointy_slot(slot),
                V::Number(t) | V::Text(t) | V::Dropdown { text: t, .. } => {
                    self.report(msg::needs_color(span, t));
                    lit(t)
                }
                V::EmptyBool => {
                    self.report(msg::needs_color(span, "<>"));
                    Arg::Empty
                }
            },
            SlotKind::Boolean => match value {
                V::Predicate(_) => self.pointy_slot(slot),
                V::EmptyBool => Arg::Empty,
                V::Reporter(_) => {
                    let text = self.text(span).to_string();
                    self.report(msg::round_in_boolean(span, &text));
                    Arg::Empty
                }
                _ => {
                    self.report(msg::needs_boolean(span));
                    Arg::Empty
                }
            },
            SlotKind::MenuInput { menu, .. } => match value {
                V::Dropdown { text: t, .. } | V::Text(t) | V::Number(t) | V::Color(t) => {
                    self.menu_choice(menu, t, span)
                }
                V::Empty => Arg::Empty,
                V::Reporter(_) => self.round_slot(slot),
                V::Predicate(_) => self.pointy_slot(slot),
                V::EmptyBool => {
                    self.report(msg::empty_bool_in_round(span));
                    Arg::Empty
                }
            },
            SlotKind::BroadcastInput => match value {
                V::Dropdown { text: t, .. } | V::Text(t) | V::Number(t) | V::Color(t) => lit(t),
                V::Empty => Arg::Empty,
                V::Reporter(_) => self.round_slot(slot),
                V::Predicate(_) => self.pointy_slot(slot),
                V::EmptyBool => {
                    self.report(msg::empty_bool_in_round(span));
                    Arg::Empty
                }
            },
            SlotKind::Field(menu) => match value {
                V::Dropdown { text: t, .. } | V::Text(t) | V::Number(t) | V::Color(t) => {
                    self.menu_choice(menu, t, span)
                }
                V::Empty => self.menu_choice(menu, "", span),
                V::Reporter(_) => match self.plain_name(value) {
                    Some(name) => self.menu_choice(menu, name, span),
                    None => {
                        self.report(msg::reporter_in_field(span));
                        Arg::Empty
                    }
                },
                V::Predicate(_) | V::EmptyBool => {
                    self.report(msg::reporter_in_field(span));
                    Arg::Empty
                }
            },
            SlotKind::VariableField | SlotKind::ListField => {
                let list = kind == SlotKind::ListField;
                let name = match value {
                    V::Dropdown { text, .. } | V::Text(text) | V::Number(text) => {
                        Some(text.clone())
                    }
                    V::Reporter(_) => self.plain_name(value).map(str::to_string),
                    _ => None,
                };
                match name {
                    Some(name) => self.field_name(&name, list, span),
                    None => {
                        self.report(msg::reporter_in_field(span));
                        Arg::Empty
                    }
                }
            }
            SlotKind::BroadcastField => match value {
                V::Dropdown { text: t, .. } | V::Text(t) | V::Number(t) | V::Color(t) => lit(t),
                V::Reporter(_) => match self.plain_name(value) {
                    Some(name) => lit(name),
                    None => {
                        self.report(msg::reporter_in_field(span));
                        Arg::Empty
                    }
                },
                V::Empty => lit(""),
                V::Predicate(_) | V::EmptyBool => {
                    self.report(msg::reporter_in_field(span));
                    Arg::Empty
                }
            },
        }
    }

    /// A dropdown choice, stored as the menu option's value.
    fn menu_choice(&mut self, menu: catalog::MenuId, text: &str, span: Span) -> Arg {
        match menu_match(menu, text) {
            MenuMatch::Option(value) => Arg::Literal(value.to_string()),
            MenuMatch::Dynamic => Arg::Literal(text.to_string()),
            MenuMatch::No => {
                let (en, zh) = menu_labels(menu);
                self.report(msg::not_an_option(span, text, &en, &zh));
                Arg::Literal(text.to_string())
            }
        }
    }

    // ------------------------------------------------------------------------------ names

    /// A declared variable (or list) visible from the current target: its own first, then the
    /// stage's.
    fn lookup(&self, name: &str, list: bool) -> Option<VarRef> {
        let find = |def: &TargetDef| -> Option<usize> {
            if list {
                def.lists.iter().position(|l| l.name == name)
            } else {
                def.variables.iter().position(|v| v.name == name)
            }
        };
        let def = self.defs.get(self.target)?;
        if !def.is_stage {
            if let Some(i) = find(def) {
                return Some(VarRef {
                    name: name.to_string(),
                    slot: LOCAL | i as u32,
                });
            }
        }
        let stage = self.defs.first()?;
        find(stage).map(|i| VarRef {
            name: name.to_string(),
            slot: i as u32,
        })
    }

    /// Every variable, list and parameter name visible here (for hints).
    fn visible_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if let Some(def) = self.defs.get(self.target) {
            if !def.is_stage {
                names.extend(def.variables.iter().map(|v| v.name.clone()));
                names.extend(def.lists.iter().map(|l| l.name.clone()));
            }
        }
        if let Some(stage) = self.defs.first() {
            names.extend(stage.variables.iter().map(|v| v.name.clone()));
            names.extend(stage.lists.iter().map(|l| l.name.clone()));
        }
        names.extend(self.params().iter().map(|p| p.name.clone()));
        names
    }

    fn params(&self) -> &'a [Param] {
        let procs = &self.procs[self.target];
        match self.scope {
            Scope::None => &[],
            Scope::Proc(i) => procs.protos.get(i).map_or(&[], |p| &p.params[..]),
            Scope::Duplicate(i) => procs.duplicates.get(i).map_or(&[], |p| &p.params[..]),
        }
    }

    /// A variable or list named in a field (`set [score v] to …`).
    fn field_name(&mut self, name: &str, list: bool, span: Span) -> Arg {
        let wrap = |r: VarRef| if list { Arg::List(r) } else { Arg::Var(r) };
        let key = Implicit {
            list,
            name: name.to_string(),
        };
        if let Some(r) = self.lookup(name, list) {
            if !self.bare
                && self.implicit_known.contains(&key)
                && self.implicit_reported.insert(key)
            {
                let mut names = self.visible_names();
                names.retain(|n| n != name);
                let similar = matcher::similar_names(name, names.iter().map(String::as_str));
                let global = self.defs.get(self.target).is_none_or(|d| d.is_stage);
                self.report(msg::undeclared(span, name, list, &similar, global));
            }
            return wrap(r);
        }
        // Not declared: declare it as a global (the caller runs again with it declared).
        let stage = self.defs.first();
        let base = stage.map_or(0, |s| {
            if list {
                s.lists.len()
            } else {
                s.variables.len()
            }
        });
        let pos = match self
            .implicit_new
            .iter()
            .filter(|k| k.list == list)
            .position(|k| k.name == name)
        {
            Some(p) => p,
            None => {
                let p = self.implicit_new.iter().filter(|k| k.list == list).count();
                self.implicit_new.push(key);
                p
            }
        };
        wrap(VarRef {
            name: name.to_string(),
            slot: (base + pos) as u32,
        })
    }

    /// A zero-argument catalog reporter spelled by these words (`x position`, `答案`).
    fn zero_arg_reporter(&self, parts: &[Part<'_>], place: Place) -> Option<&'static BlockSpec> {
        let sig = parts_signature(parts);
        let cands = index().by_signature.get(&sig)?;
        cands
            .iter()
            .filter(|c| c.order.is_empty() && fits(c.spec.shape, place))
            .min_by_key(|c| c.rank())
            .map(|c| c.spec)
    }

    fn param_named(&self, name: &str) -> Option<Expr> {
        let params = self.params();
        let i = params.iter().position(|p| p.name == name)?;
        Some(Expr::Param {
            name: name.to_string(),
            boolean: params[i].boolean,
            index: Some(i as u32),
        })
    }

    /// A round slot holding a reporter: `(x position)`, `(score)`, `((a) + (b))`.
    fn round_slot(&mut self, slot: &Slot<'s>) -> Arg {
        let parts = &slot.parts[..];
        let value = SlotValue::Reporter(parts);
        let Some(name) = self.plain_name(&value) else {
            return match self.match_block(parts, &slot.annot, Place::Round, slot.span) {
                Some(b) => Arg::Expr(Box::new(Expr::Block(b))),
                None => Arg::Empty,
            };
        };
        let annot: Vec<String> = slot.annot.iter().map(|a| a.to_lowercase()).collect();
        let wants = |w: &[&str]| annot.iter().any(|a| w.contains(&a.as_str()));
        let list_first = wants(&["list", "列表"]);
        let var_first = wants(&["variables", "variable", "var", "变量"]);
        let param_first = wants(&["custom-arg", "custom", "自制积木"]);
        let span = slot.span;
        let block = |spec: &'static BlockSpec| {
            Expr::Block(Block {
                spec,
                args: Vec::new(),
                substacks: Vec::new(),
                call: None,
                loc: span.loc(),
            })
        };
        let var = self.lookup(name, false).map(Expr::Var);
        let list = self.lookup(name, true).map(Expr::List);
        let param = self.param_named(name);
        // Blocks hidden from the palette (`counter`, `user id`) come after the project's own
        // names: a variable called `counter` is what `(counter)` means in the Scratch editor.
        let found = self.zero_arg_reporter(parts, Place::Round);
        let (reporter, hidden) = match found {
            Some(spec) if spec.status == Status::Palette => (Some(block(spec)), None),
            Some(spec) => (None, Some(block(spec))),
            None => (None, None),
        };
        let order = if list_first {
            [list, var, param, reporter, hidden]
        } else if var_first {
            [var, list, param, reporter, hidden]
        } else if param_first {
            [param, reporter, var, list, hidden]
        } else {
            [reporter, param, var, list, hidden]
        };
        if let Some(e) = order.into_iter().flatten().next() {
            if let Expr::Block(b) = &e {
                self.check_stage(b.spec, &[], span);
            }
            return Arg::Expr(Box::new(e));
        }
        // An input of one of this sprite's custom blocks, used outside its define: Scratch
        // reports 0 (or false) there, and projects from Scratch do contain it.
        if let Some(p) = self.procs[self.target]
            .protos
            .iter()
            .flat_map(|proto| proto.params.iter())
            .find(|p| p.name == name)
        {
            let boolean = p.boolean;
            self.report(msg::param_outside_define(span, name, boolean));
            return Arg::Expr(Box::new(Expr::Param {
                name: name.to_string(),
                boolean,
                index: None,
            }));
        }
        let names = self.visible_names();
        let similar = matcher::similar_names(name, names.iter().map(String::as_str));
        self.report(msg::unknown_name(span, name, &similar, self.bare));
        Arg::Empty
    }

    /// A pointy slot holding a boolean: `<mouse down?>`, `<fast>`, `<(x) > (10)>`.
    fn pointy_slot(&mut self, slot: &Slot<'s>) -> Arg {
        let parts = &slot.parts[..];
        // `<(x position)>`: a round block in a pointy slot.
        if let [Part::Slot(inner)] = parts {
            if inner.bracket == Bracket::Angle {
                return self.pointy_slot(inner);
            }
            let value = inner.classify(self.src);
            let _ = self.arg(SlotKind::Text, inner, &value);
            let text = self.text(inner.span).to_string();
            self.report(msg::round_in_boolean(slot.span, &text));
            return Arg::Empty;
        }
        let value = SlotValue::Reporter(parts);
        let Some(name) = self.plain_name(&value) else {
            return match self.match_block(parts, &slot.annot, Place::Pointy, slot.span) {
                Some(b) => Arg::Expr(Box::new(Expr::Block(b))),
                None => Arg::Empty,
            };
        };
        let span = slot.span;
        if let Some(spec) = self.zero_arg_reporter(parts, Place::Pointy) {
            self.check_stage(spec, &[], span);
            let b = Block {
                spec,
                args: Vec::new(),
                substacks: Vec::new(),
                call: None,
                loc: span.loc(),
            };
            return Arg::Expr(Box::new(Expr::Block(b)));
        }
        if let Some(p) = self.param_named(name) {
            if let Expr::Param { boolean: false, .. } = p {
                self.report(msg::round_in_boolean(span, name));
            }
            return Arg::Expr(Box::new(p));
        }
        if self.lookup(name, false).is_some() || self.lookup(name, true).is_some() {
            self.report(msg::variable_in_boolean(span, name));
            return Arg::Empty;
        }
        if self.zero_arg_reporter(parts, Place::Round).is_some() {
            self.report(msg::round_in_boolean(span, name));
            return Arg::Empty;
        }
        // A boolean input of a custom block used outside its define (false there, as in
        // Scratch).
        if let Some(p) = self.procs[self.target]
            .protos
            .iter()
            .flat_map(|proto| proto.params.iter())
            .find(|p| p.name == name && p.boolean)
        {
            self.report(msg::param_outside_define(span, name, true));
            return Arg::Expr(Box::new(Expr::Param {
                name: p.name.clone(),
                boolean: true,
                index: None,
            }));
        }
        let text = self.text(span).to_string();
        let lang = if is_chinese(&text) {
            Lang::ZhCn
        } else {
            Lang::En
        };
        let sugg = if self.hints_wanted() {
            matcher::suggestions(&parts_signature(parts), lang, Place::Pointy, &[])
        } else {
            Vec::new()
        };
        self.report(msg::unknown_reporter(span, &text, &sugg));
        Arg::Empty
    }
}

/// Blocks Scratch offers only to sprites: the stage has no motion, speech, costume, size, layer,
/// touching, clone-start or pen blocks (except `erase all`).
// FIXME(catalog): a per-block "sprite only" flag in catalog/blocks.rs would let the editor's
// toolbox use it too.
fn sprite_only(opcode: &str) -> bool {
    opcode.starts_with("motion_")
        || (opcode.starts_with("pen_") && opcode != "pen_clear")
        || matches!(
            opcode,
            "looks_say"
                | "looks_sayforsecs"
                | "looks_think"
                | "looks_thinkforsecs"
                | "looks_switchcostumeto"
                | "looks_nextcostume"
                | "looks_changesizeby"
                | "looks_setsizeto"
                | "looks_show"
                | "looks_hide"
                | "looks_gotofrontback"
                | "looks_goforwardbackwardlayers"
                | "looks_costumenumbername"
                | "looks_size"
                | "event_whenthisspriteclicked"
                | "event_whentouchingobject"
                | "control_start_as_clone"
                | "control_delete_this_clone"
                | "sensing_touchingobject"
                | "sensing_touchingcolor"
                | "sensing_coloristouchingcolor"
                | "sensing_distanceto"
                | "sensing_setdragmode"
        )
}

/// The slot inside a round slot that holds nothing else: `((1))`, `((a) + (b))` in extra
/// brackets, `(<mouse down?>)`.
fn redundant_brackets<'a, 's>(value: &SlotValue<'a, 's>) -> Option<&'a Slot<'s>> {
    match value {
        SlotValue::Reporter([Part::Slot(inner)]) if inner.bracket != Bracket::Square => Some(inner),
        _ => None,
    }
}

/// True for text Scratch reads as a number (`12`, `-3.5`, `1e3`).
pub fn is_numeric_text(t: &str) -> bool {
    !t.trim().is_empty() && !js_string_to_number(t).is_nan()
}

/// A block that nothing can follow: a cap, or `forever` (Scratch's `stop` with `other scripts
/// in sprite` is the exception).
fn is_cap(block: &Block) -> bool {
    if block.spec.shape != Shape::Cap {
        return false;
    }
    if block.spec.opcode == "control_stop" {
        let option = block.args.first();
        return !matches!(option, Some(Arg::Literal(s)) if s == "other scripts in sprite" || s == "other scripts in stage");
    }
    true
}

fn close_frame(frame: Frame) -> Block {
    let mut block = frame.block;
    let n = block.spec.substacks as usize;
    let mut bodies = frame.bodies;
    bodies.resize_with(n, Vec::new);
    block.substacks = bodies;
    block
}

fn span_of(loc: &crate::diag::SourceLoc) -> Span {
    match loc {
        crate::diag::SourceLoc::Span { start, end } => Span::new(*start as usize, *end as usize),
        _ => Span::default(),
    }
}
