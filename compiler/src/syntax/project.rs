//! Pass 1: split the source into lines, read the `#` directives that declare the stage, the
//! sprites and their variables, lists, costumes and sounds, and parse every block line.
//!
//! Lines are grouped by the target whose section they are in. Lines before any `#sprite` or
//! `#stage` header form the preamble: in a bare snippet (no headers at all) the preamble is the
//! one sprite `Sprite1`; otherwise it belongs to the stage.
//!
//! `#monitor` lines are read here but resolved by [`resolve_monitors`] once every variable is
//! known (including the ones a snippet declares by using them).

use std::collections::{HashMap, HashSet};

use starling_runtime::program::{
    CostumeDef, ListDef, MonitorDef, RotationStyle, SoundDef, TargetDef, VarDef,
};
use starling_runtime::stage::MonitorMode;
use starling_runtime::value::{js_string_to_number, Value};

use crate::diag::Diagnostic;

use super::ast::{unescape, Line, Span};
use super::lexer::{lex_line, LexedLine};
use super::messages as msg;
use super::parser::parse_lines;

/// Brackets nested deeper than this on one line are refused before parsing.
pub const MAX_BRACKET_DEPTH: usize = 64;

/// The stage's size in pixels: a monitor's `x=` and `y=` are inside it.
const STAGE_WIDTH: f64 = 480.0;
const STAGE_HEIGHT: f64 = 360.0;

/// How many words of a `#monitor` line's unquoted name are tried as a shorter name when the
/// whole one is unknown.
const MAX_NAME_SPLITS: usize = 8;

/// A `#monitor` line as written, resolved by [`resolve_monitors`].
#[derive(Debug, Clone)]
pub struct MonitorLine {
    /// The target whose section the line is in (an index into [`Scan::targets`]).
    pub target: usize,
    pub name: String,
    pub name_span: Span,
    /// For an unquoted name of several words: after each word but the last, the length of the
    /// name so far and the next word (text and span). If the whole name is unknown but a
    /// shorter one is known, that next word is the mistake (`#monitor score huge`).
    pub splits: Vec<(usize, String, Span)>,
    /// `Some(true)` when `list` was written, `Some(false)` when a variable's mode was (`normal`,
    /// `large`, `slider`), `None` when neither: the name decides.
    pub kind: Option<bool>,
    /// The mode if the name is a variable.
    pub mode: MonitorMode,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub width: f64,
    pub height: f64,
    pub visible: bool,
}

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
    /// The names in `def.variables` and `def.lists`, to find a name declared twice in
    /// constant time.
    var_names: HashSet<String>,
    list_names: HashSet<String>,
}

impl TargetScan {
    fn new(name: &str, is_stage: bool) -> TargetScan {
        TargetScan {
            def: TargetDef::new(name, is_stage),
            items: Vec::new(),
            var_spans: Vec::new(),
            costume_pick: None,
            var_names: HashSet::new(),
            list_names: HashSet::new(),
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
    /// The `#monitor` lines, in file order.
    pub monitors: Vec<MonitorLine>,
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
        monitors: Vec::new(),
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
    /// `#monitor` lines with the section they were written in.
    monitors: Vec<(Section, MonitorLine)>,
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

/// A word of a `#monitor` line that is not part of the name: a mode, `hidden` or `key=value`.
fn is_monitor_option(word: &str) -> bool {
    word.contains('=')
        || matches!(
            word.to_lowercase().as_str(),
            "normal"
                | "default"
                | "正常"
                | "正常显示"
                | "large"
                | "big"
                | "大字"
                | "大字显示"
                | "slider"
                | "滑杆"
                | "滑块"
                | "list"
                | "列表"
                | "hidden"
                | "隐藏"
        )
}

/// A slider's range `MIN..MAX`. As in Scratch's "change slider range" dialog, the slider moves
/// in whole steps unless either number is written with a decimal point.
fn slider_range(text: &str) -> Option<MonitorMode> {
    let (a, b) = text.split_once("..")?;
    Some(MonitorMode::Slider {
        min: number(a)?,
        max: number(b)?,
        discrete: !a.contains('.') && !b.contains('.'),
    })
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
                if !target.var_names.insert(name.clone()) {
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
                if !target.list_names.insert(name.clone()) {
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
                    rate_and_samples: None,
                };
                self.current().def.sounds.push(sound);
            }
            "monitor" | "监视器" => {
                let words = dir_words(rest, rest_offset);
                if words.is_empty() {
                    self.diags.push(msg::directive_needs_name(span, keyword));
                    return;
                }
                if let Some(line) = self.monitor(rest, rest_offset, &words) {
                    self.monitors.push((self.section, line));
                }
            }
            _ => {
                let word_span = Span::new(offset, offset + 1 + kw_len);
                self.diags.push(msg::unknown_directive(word_span, keyword));
            }
        }
    }

    /// Reads `#monitor NAME [mode] [x=… y=…] [w=… h=…] [hidden]`. The name is the first word
    /// and, unless that is quoted, the words after it up to the first option, so
    /// `#monitor my score large` shows `my score`. `None` after a mistake (reported).
    fn monitor(
        &mut self,
        rest: &str,
        rest_offset: usize,
        words: &[DirWord],
    ) -> Option<MonitorLine> {
        let first = &words[0];
        let raw_start = first.span.start - rest_offset;
        let quoted = rest[raw_start..].starts_with(['"', '[']);
        let mut name_end = 1;
        if !quoted {
            while name_end < words.len() && !is_monitor_option(&words[name_end].text) {
                name_end += 1;
            }
        }
        let name_span = first.span.to(words[name_end - 1].span);
        let name = if name_end == 1 {
            first.text.clone()
        } else {
            rest[raw_start..name_span.end - rest_offset].to_string()
        };
        // Only the first few words are tried as a shorter name, to keep a line of a million
        // words linear.
        let splits = (1..name_end.min(MAX_NAME_SPLITS + 1))
            .map(|k| {
                let len = words[k - 1].span.end - first.span.start;
                (len, words[k].text.clone(), words[k].span)
            })
            .collect();
        let mut line = MonitorLine {
            target: 0,
            name,
            name_span,
            splits,
            kind: None,
            mode: MonitorMode::Normal,
            x: None,
            y: None,
            width: 0.0,
            height: 0.0,
            visible: true,
        };
        let mut ok = true;
        let mut i = name_end;
        while i < words.len() {
            let w = &words[i];
            i += 1;
            let lower = w.text.to_lowercase();
            match lower.as_str() {
                "normal" | "default" | "正常" | "正常显示" => {
                    line.kind = Some(false);
                    line.mode = MonitorMode::Normal;
                }
                "large" | "big" | "大字" | "大字显示" => {
                    line.kind = Some(false);
                    line.mode = MonitorMode::Large;
                }
                "slider" | "滑杆" | "滑块" => {
                    line.kind = Some(false);
                    let mut mode = MonitorMode::Slider {
                        min: 0.0,
                        max: 100.0,
                        discrete: true,
                    };
                    if let Some(range) = words.get(i).filter(|r| r.text.contains("..")) {
                        i += 1;
                        match slider_range(&range.text) {
                            Some(m) => mode = m,
                            None => {
                                self.diags.push(msg::monitor_bad_value(
                                    range.span,
                                    &w.text,
                                    &range.text,
                                ));
                                ok = false;
                            }
                        }
                    }
                    line.mode = mode;
                }
                "list" | "列表" => line.kind = Some(true),
                "hidden" | "隐藏" => line.visible = false,
                _ => {
                    let Some((key, value)) = w.text.split_once('=') else {
                        self.diags.push(msg::monitor_bad_word(w.span, &w.text));
                        ok = false;
                        continue;
                    };
                    let key_l = key.trim().to_lowercase();
                    let value = value.trim();
                    let good = match key_l.as_str() {
                        "x" => number(value)
                            .filter(|n| (0.0..=STAGE_WIDTH).contains(n))
                            .map(|n| line.x = Some(n)),
                        "y" => number(value)
                            .filter(|n| (0.0..=STAGE_HEIGHT).contains(n))
                            .map(|n| line.y = Some(n)),
                        "w" | "width" | "宽" | "宽度" => {
                            number(value).filter(|n| *n >= 0.0).map(|n| line.width = n)
                        }
                        "h" | "height" | "高" | "高度" => {
                            number(value).filter(|n| *n >= 0.0).map(|n| line.height = n)
                        }
                        "visible" | "shown" | "显示" => yes_no(value).map(|b| line.visible = b),
                        _ => {
                            self.diags.push(msg::monitor_bad_word(w.span, &w.text));
                            ok = false;
                            continue;
                        }
                    };
                    if good.is_none() {
                        self.diags
                            .push(msg::monitor_bad_value(w.span, key.trim(), value));
                        ok = false;
                    }
                }
            }
        }
        ok.then_some(line)
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
        let globals: HashSet<String> = targets[0]
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
        let monitors = self
            .monitors
            .into_iter()
            .map(|(section, mut line)| {
                line.target = match section {
                    Section::Preamble if bare => 1,
                    Section::Preamble | Section::Stage => 0,
                    Section::Sprite(i) => i + 1,
                };
                line
            })
            .collect();
        Scan {
            lines,
            targets,
            bare,
            monitors,
            diags: self.diags,
        }
    }
}

/// Finds the variable or list each `#monitor` line shows: the section's own first, then the
/// global ones; a variable before a list of the same name unless `list` was written. Reports
/// unknown names, the wrong kind (`large` for a list) and a second monitor of the same thing.
/// The monitors come back sorted by target, variables before lists, in declaration order (the
/// order the printer writes them).
pub fn resolve_monitors(
    lines: Vec<MonitorLine>,
    defs: &[TargetDef],
    diags: &mut Vec<Diagnostic>,
) -> Vec<MonitorDef> {
    /// Name → first index, for one target's variables or lists.
    fn index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, u32> {
        let mut map = HashMap::new();
        for (i, n) in names.enumerate() {
            map.entry(n).or_insert(i as u32);
        }
        map
    }
    let vars: Vec<HashMap<&str, u32>> = defs
        .iter()
        .map(|d| index(d.variables.iter().map(|v| v.name.as_str())))
        .collect();
    let lists: Vec<HashMap<&str, u32>> = defs
        .iter()
        .map(|d| index(d.lists.iter().map(|l| l.name.as_str())))
        .collect();
    // Finding close names for hints compares with every name in sight; past this many
    // comparisons the hints are left out so that a huge broken file stays fast.
    let mut hint_budget: usize = 200_000;
    let mut out: Vec<MonitorDef> = Vec::new();
    let mut seen: HashSet<(u32, bool, u32)> = HashSet::new();
    for line in lines {
        let mut owners = vec![line.target];
        if line.target != 0 {
            owners.push(0);
        }
        let find = |name: &str, is_list: bool| {
            owners.iter().find_map(|&t| {
                let map = if is_list { lists.get(t) } else { vars.get(t) }?;
                map.get(name).map(|&i| (t as u32, i))
            })
        };
        let find_any = |name: &str| {
            owners.iter().find_map(|&t| {
                let t32 = t as u32;
                vars.get(t)?
                    .get(name)
                    .map(|&i| (t32, i, false))
                    .or_else(|| lists.get(t)?.get(name).map(|&i| (t32, i, true)))
            })
        };
        let name = line.name.as_str();
        let found = match line.kind {
            Some(k) => find(name, k).map(|(t, i)| (t, i, k)),
            None => find_any(name),
        };
        let Some((target, index, is_list)) = found else {
            let shorter = line
                .splits
                .iter()
                .rev()
                .find(|(len, _, _)| name.get(..*len).and_then(find_any).is_some());
            if let Some((_, word, span)) = shorter {
                diags.push(msg::monitor_bad_word(*span, word));
            } else if let Some(wanted_list) = line.kind.filter(|&k| find(name, !k).is_some()) {
                diags.push(msg::monitor_wrong_kind(line.name_span, name, wanted_list));
            } else {
                let in_sight: usize = owners
                    .iter()
                    .filter_map(|&t| defs.get(t))
                    .map(|d| d.variables.len() + d.lists.len())
                    .sum();
                // (A very long name is no typo of a short one, and comparing it costs its length.)
                let similar = if diags.len() < super::MAX_DIAGNOSTICS
                    && in_sight <= hint_budget
                    && name.len() <= 200
                {
                    hint_budget -= in_sight;
                    let names = owners.iter().filter_map(|&t| defs.get(t)).flat_map(|d| {
                        d.variables
                            .iter()
                            .map(|v| v.name.as_str())
                            .chain(d.lists.iter().map(|l| l.name.as_str()))
                    });
                    super::matcher::similar_names(name, names)
                } else {
                    Vec::new()
                };
                let list = line.kind == Some(true);
                diags.push(msg::monitor_unknown(line.name_span, name, list, &similar));
            }
            continue;
        };
        if !seen.insert((target, is_list, index)) {
            diags.push(msg::monitor_twice(line.name_span, name));
            continue;
        }
        out.push(MonitorDef {
            target,
            index,
            is_list,
            mode: if is_list {
                MonitorMode::List
            } else {
                line.mode
            },
            x: line.x,
            y: line.y,
            width: line.width,
            height: line.height,
            visible: line.visible,
        });
    }
    out.sort_by_key(|m| (m.target, m.is_list, m.index));
    out
}
