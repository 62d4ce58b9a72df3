//! Pass 1: split the source into lines, read the `#` directives that declare the stage, the
//! sprites and their variables, lists, costumes and sounds, and parse every block line.
//!
//! Lines are grouped by the target whose section they are in. Lines before any `#sprite` or
//! `#stage` header form the preamble: in a bare snippet (no headers at all) the preamble is the
//! one sprite `Sprite1`; otherwise it belongs to the stage.

use starling_runtime::program::{CostumeDef, ListDef, RotationStyle, SoundDef, TargetDef, VarDef};
use starling_runtime::value::{js_string_to_number, Value};

use crate::diag::Diagnostic;

use super::ast::{unescape, Line, Span};
use super::lexer::{lex_line, LexedLine};
use super::messages as msg;
use super::parser::parse_lines;

/// Brackets nested deeper than this on one line are refused before parsing.
pub const MAX_BRACKET_DEPTH: usize = 64;

/// One line of a target's section, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A block line: index into [`Scan::lines`].
    Code(usize),
    /// A blank line: ends the script unless a C block is open.
    Blank,
    /// A `#` directive: always ends the script.
    Break,
}

/// A target being declared.
#[derive(Debug, Clone)]
pub struct TargetScan {
    pub def: TargetDef,
    pub items: Vec<Item>,
    /// Where each of `def.variables` was declared (for warnings).
    pub var_spans: Vec<Span>,
    /// `costume=` of the header, resolved once all costumes are known.
    pub costume_pick: Option<(String, Span)>,
}

impl TargetScan {
    fn new(name: &str, is_stage: bool) -> TargetScan {
        TargetScan {
            def: TargetDef::new(name, is_stage),
            items: Vec::new(),
            var_spans: Vec::new(),
            costume_pick: None,
        }
    }
}

/// The result of pass 1.
pub struct Scan<'s> {
    pub lines: Vec<Line<'s>>,
    /// The stage first, then the sprites in file order.
    pub targets: Vec<TargetScan>,
    /// No `#sprite`/`#stage` header: a one-sprite program with automatic variables.
    pub bare: bool,
    pub diags: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble,
    Stage,
    Sprite(usize),
}

/// Splits, lexes, parses and reads directives.
pub fn scan(src: &str) -> Scan<'_> {
    let mut st = State {
        stage: TargetScan::new("Stage", true),
        preamble: TargetScan::new("Sprite1", false),
        sprites: Vec::new(),
        section: Section::Preamble,
        headers: false,
        diags: Vec::new(),
    };
    let mut lexed: Vec<(LexedLine<'_>, Span)> = Vec::new();
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut offset = 0;
    for raw in src.split('\n') {
        let start = offset;
        offset += raw.len() + 1;
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = text.trim_start();
        let lead = text.len() - trimmed.len();
        if trimmed.trim_end().is_empty() {
            st.current().items.push(Item::Blank);
        } else if trimmed.starts_with('#') {
            st.current().items.push(Item::Break);
            st.directive(trimmed.trim_end(), start + lead);
        } else {
            let line = lex_line(text, start);
            let (Some(first), Some(last)) = (line.tokens.first(), line.tokens.last()) else {
                // A whole-line comment: not a blank line, it does not end the script.
                continue;
            };
            let code = Span::new(first.1.start, last.1.end);
            st.current()
                .items
                .push(Item::Code(lines.len() + lexed.len()));
            lexed.push((line, code));
            // Parse in batches so that the tokens of a huge input are not all kept at once.
            if lexed.len() == 1024 {
                lines.extend(parse_lines(&lexed, MAX_BRACKET_DEPTH));
                lexed.clear();
            }
        }
    }
    lines.extend(parse_lines(&lexed, MAX_BRACKET_DEPTH));
    st.finish(lines)
}

struct State {
    stage: TargetScan,
    preamble: TargetScan,
    sprites: Vec<TargetScan>,
    section: Section,
    headers: bool,
    diags: Vec<Diagnostic>,
}

/// A word of a directive line, with quotes and escapes removed.
struct DirWord {
    text: String,
    span: Span,
}

/// Splits a directive's arguments at blanks; `"…"` and `[…]` keep their blanks.
fn dir_words(s: &str, offset: usize) -> Vec<DirWord> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut text = String::new();
        // A word runs to the next blank outside quotes and brackets.
        while i < s.len() {
            let c = s[i..].chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                break;
            }
            if c == '"' || c == '[' {
                let close = if c == '"' { '"' } else { ']' };
                let body_start = i + 1;
                let mut j = body_start;
                while j < s.len() && bytes[j] != close as u8 {
                    j += if bytes[j] == b'\\' && j + 1 < s.len() {
                        2
                    } else {
                        1
                    };
                }
                let j = j.min(s.len());
                // Stay on a character boundary.
                let mut end = j;
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                text.push_str(&unescape(&s[body_start..end]).0);
                i = (end + 1).min(s.len());
                continue;
            }
            text.push(c);
            i += c.len_utf8();
        }
        out.push(DirWord {
            text,
            span: Span::new(offset + start, offset + i),
        });
    }
    out
}

/// `name = value` (the name may hold blanks or be quoted); `value` is `None` without `=`.
fn name_value(s: &str) -> (String, Option<&str>) {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('"') {
        if let Some(end) = rest.find('"') {
            let name = rest[..end].to_string();
            let after = rest[end + 1..].trim_start();
            return (name, after.strip_prefix('=').map(str::trim));
        }
    }
    match s.find('=') {
        Some(eq) => (s[..eq].trim().to_string(), Some(s[eq + 1..].trim())),
        None => (s.to_string(), None),
    }
}

/// A variable's initial value as written: quotes and brackets removed, numbers kept as text.
fn initial_value(text: &str) -> String {
    let t = text.trim();
    if t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('[') && t.ends_with(']')))
    {
        return unescape(&t[1..t.len() - 1]).0;
    }
    t.to_string()
}

fn yes_no(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" | "是" | "显示" | "可以" | "可拖动" => Some(true),
        "no" | "false" | "off" | "0" | "否" | "隐藏" | "不" | "不可以" | "不可拖动" => {
            Some(false)
        }
        _ => None,
    }
}

fn rotation(v: &str) -> Option<RotationStyle> {
    let v = v.to_lowercase().replace(['_', ' ', '\''], "-");
    match v.as_str() {
        "all-around" | "allaround" | "任意旋转" => Some(RotationStyle::AllAround),
        "left-right" | "leftright" | "左右翻转" => Some(RotationStyle::LeftRight),
        "don-t-rotate" | "dont-rotate" | "do-not-rotate" | "none" | "不可旋转" | "不旋转" => {
            Some(RotationStyle::DontRotate)
        }
        _ => None,
    }
}

fn number(v: &str) -> Option<f64> {
    let n = js_string_to_number(v);
    (!v.trim().is_empty() && n.is_finite()).then_some(n)
}

impl State {
    fn current(&mut self) -> &mut TargetScan {
        match self.section {
            Section::Preamble => &mut self.preamble,
            Section::Stage => &mut self.stage,
            Section::Sprite(i) => &mut self.sprites[i],
        }
    }

    /// The target that holds global variables: the stage.
    fn declares_globals(&self) -> bool {
        matches!(self.section, Section::Preamble | Section::Stage)
    }

    fn directive(&mut self, line: &str, offset: usize) {
        let body = &line[1..];
        let kw_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let keyword = &body[..kw_len];
        let rest = &body[kw_len..];
        let rest_offset = offset + 1 + kw_len;
        let span = Span::new(offset, offset + line.len());
        match keyword.to_lowercase().as_str() {
            "stage" | "舞台" => {
                self.headers = true;
                self.section = Section::Stage;
                let words = dir_words(rest, rest_offset);
                self.properties(&words);
            }
            "sprite" | "角色" => {
                self.headers = true;
                let words = dir_words(rest, rest_offset);
                let Some(name) = words.first() else {
                    self.diags.push(msg::directive_needs_name(span, keyword));
                    return;
                };
                if let Some(i) = self.sprites.iter().position(|s| s.def.name == name.text) {
                    self.diags
                        .push(msg::duplicate_name(name.span, "sprite", "角色", &name.text));
                    self.section = Section::Sprite(i);
                } else {
                    self.sprites.push(TargetScan::new(&name.text, false));
                    self.section = Section::Sprite(self.sprites.len() - 1);
                }
                self.properties(&words[1..]);
            }
            "variable" | "var" | "变量" => {
                let (name, value) = name_value(rest);
                if name.is_empty() {
                    self.diags.push(msg::directive_needs_name(span, keyword));
                    return;
                }
                let initial = match value {
                    Some(v) => Value::from(initial_value(v)),
                    None => Value::Num(0.0),
                };
                let global = self.declares_globals();
                let target = if global {
                    &mut self.stage
                } else {
                    self.current()
                };
                if target.def.variables.iter().any(|v| v.name == name) {
                    self.diags
                        .push(msg::duplicate_name(span, "variable", "变量", &name));
                    return;
                }
                target.def.variables.push(VarDef {
                    name,
                    id: None,
                    initial,
                });
                target.var_spans.push(span);
            }
            "list" | "列表" => {
                let (name, value) = name_value(rest);
                if name.is_empty() {
                    self.diags.push(msg::directive_needs_name(span, keyword));
                    return;
                }
                let initial = match value {
                    Some(v) => dir_words(v, 0)
                        .into_iter()
                        .map(|w| Value::from(w.text))
                        .collect(),
                    None => Vec::new(),
                };
                let global = self.declares_globals();
                let target = if global {
                    &mut self.stage
                } else {
                    self.current()
                };
                if target.def.lists.iter().any(|l| l.name == name) {
                    self.diags
                        .push(msg::duplicate_name(span, "list", "列表", &name));
                    return;
                }
                target.def.lists.push(ListDef {
                    name,
                    id: None,
                    initial,
                });
            }
            "costume" | "造型" | "backdrop" | "背景" => {
                let (name, file) = name_value(rest);
                if name.is_empty() {
                    self.diags.push(msg::directive_needs_name(span, keyword));
                    return;
                }
                let costume = CostumeDef {
                    name,
                    file: file.filter(|f| !f.is_empty()).map(initial_value),
                    rotation_center: None,
                    bitmap_resolution: 1.0,
                    size: None,
                };
                let backdrop = matches!(keyword.to_lowercase().as_str(), "backdrop" | "背景");
                let target = if backdrop {
                    &mut self.stage
                } else {
                    self.current()
                };
                target.def.costumes.push(costume);
            }
            "sound" | "声音" => {
                let (name, file) = name_value(rest);
                if name.is_empty() {
                    self.diags.push(msg::directive_needs_name(span, keyword));
                    return;
                }
                let sound = SoundDef {
                    name,
                    file: file.filter(|f| !f.is_empty()).map(initial_value),
                    seconds: None,
                };
                self.current().def.sounds.push(sound);
            }
            _ => {
                let word_span = Span::new(offset, offset + 1 + kw_len);
                self.diags.push(msg::unknown_directive(word_span, keyword));
            }
        }
    }

    /// `key=value` properties of a `#sprite` or `#stage` header.
    fn properties(&mut self, words: &[DirWord]) {
        for w in words {
            let Some((key, value)) = w.text.split_once('=') else {
                self.diags.push(msg::bad_property(w.span, &w.text));
                continue;
            };
            let key_l = key.trim().to_lowercase();
            let value = value.trim();
            let mut bad = false;
            let target = self.current();
            let def = &mut target.def;
            match key_l.as_str() {
                "x" => number(value)
                    .map(|n| def.x = n)
                    .unwrap_or_else(|| bad = true),
                "y" => number(value)
                    .map(|n| def.y = n)
                    .unwrap_or_else(|| bad = true),
                "direction" | "方向" => number(value)
                    .map(|n| def.direction = n)
                    .unwrap_or_else(|| bad = true),
                "size" | "大小" => number(value)
                    .map(|n| def.size = n)
                    .unwrap_or_else(|| bad = true),
                "volume" | "音量" => number(value)
                    .map(|n| def.volume = n)
                    .unwrap_or_else(|| bad = true),
                "tempo" | "速度" | "演奏速度" => number(value)
                    .map(|n| def.tempo = n)
                    .unwrap_or_else(|| bad = true),
                "visible" | "shown" | "显示" => yes_no(value)
                    .map(|b| def.visible = b)
                    .unwrap_or_else(|| bad = true),
                "draggable" | "可拖动" => yes_no(value)
                    .map(|b| def.draggable = b)
                    .unwrap_or_else(|| bad = true),
                "rotation" | "rotation-style" | "旋转方式" | "旋转" => rotation(value)
                    .map(|r| def.rotation_style = r)
                    .unwrap_or_else(|| bad = true),
                "costume" | "造型" | "backdrop" | "背景" => {
                    target.costume_pick = Some((value.to_string(), w.span));
                }
                _ => {
                    self.diags.push(msg::bad_property(w.span, key.trim()));
                    continue;
                }
            }
            if bad {
                self.diags.push(msg::bad_value(w.span, key.trim(), value));
            }
        }
    }

    fn finish<'s>(mut self, lines: Vec<Line<'s>>) -> Scan<'s> {
        let bare = !self.headers;
        let mut targets = Vec::with_capacity(self.sprites.len() + 2);
        if bare {
            targets.push(self.stage);
            targets.push(self.preamble);
        } else {
            // The preamble is the start of the stage's section.
            let mut stage = self.stage;
            let mut items = std::mem::take(&mut self.preamble.items);
            items.append(&mut stage.items);
            stage.items = items;
            let mut costumes = std::mem::take(&mut self.preamble.def.costumes);
            costumes.append(&mut stage.def.costumes);
            stage.def.costumes = costumes;
            let mut sounds = std::mem::take(&mut self.preamble.def.sounds);
            sounds.append(&mut stage.def.sounds);
            stage.def.sounds = sounds;
            if stage.costume_pick.is_none() {
                stage.costume_pick = self.preamble.costume_pick.take();
            }
            targets.push(stage);
        }
        targets.append(&mut self.sprites);
        let globals: Vec<String> = targets[0]
            .def
            .variables
            .iter()
            .map(|v| v.name.clone())
            .collect();
        for t in targets.iter_mut() {
            if let Some((name, span)) = t.costume_pick.take() {
                match t.def.costumes.iter().position(|c| c.name == name) {
                    Some(i) => t.def.current_costume = i,
                    None => self.diags.push(msg::unknown_costume(span, &name)),
                }
            }
            if !t.def.is_stage {
                for (v, span) in t.def.variables.iter().zip(&t.var_spans) {
                    if globals.contains(&v.name) {
                        self.diags.push(msg::shadows_global(*span, &v.name));
                    }
                }
            }
        }
        Scan {
            lines,
            targets,
            bare,
            diags: self.diags,
        }
    }
}
