//! IR → scratchblocks text, in English or Chinese.
//!
//! The output always has `#stage`/`#sprite` headers and declares every variable, so that
//! `parse(print(ir))` gives back `ir` (source locations aside) for any project the parser made.
//! Projects from elsewhere (.sb3) print as faithfully as the notation allows; known limits: a
//! hidden legacy block with the same text as a palette block (`set pen color to (…)` with a
//! reporter) reads back as the palette block, and literals with line breaks lose them.

use std::fmt::Write;

use starling_runtime::program::{MonitorDef, RotationStyle, TargetDef};
use starling_runtime::stage::MonitorMode;
use starling_runtime::value::{number_to_string, Value};

use crate::catalog::{option_label, render_template, Lang, Shape, SlotKind};
use crate::ir::{self, Arg, Block, Expr, Procedure, Target};

use super::ast::{is_hex_color, looks_numeric};
use super::matcher::{fits, index, normalize, Place};

/// Writes a project as text in `lang`.
pub fn print(project: &ir::Project, lang: Lang) -> String {
    let mut out = String::new();
    for (ti, target) in project.targets.iter().enumerate() {
        let monitors: Vec<&MonitorDef> = project
            .monitors
            .iter()
            .filter(|m| m.target as usize == ti)
            .collect();
        print_target(&mut out, target, &monitors, lang);
    }
    out
}

fn zh(lang: Lang) -> bool {
    lang == Lang::ZhCn
}

fn print_target(out: &mut String, target: &Target, monitors: &[&MonitorDef], lang: Lang) {
    let def = &target.def;
    if !out.is_empty() {
        out.push('\n');
    }
    if def.is_stage {
        out.push_str(if zh(lang) { "#舞台" } else { "#stage" });
    } else {
        out.push_str(if zh(lang) { "#角色 " } else { "#sprite " });
        out.push_str(&quote_word(&def.name));
    }
    print_properties(out, def, lang);
    out.push('\n');

    let (costume_kw, variable_kw, list_kw, sound_kw) = match (lang, def.is_stage) {
        (Lang::ZhCn, true) => ("#背景", "#变量", "#列表", "#声音"),
        (Lang::ZhCn, false) => ("#造型", "#变量", "#列表", "#声音"),
        (Lang::En, true) => ("#backdrop", "#variable", "#list", "#sound"),
        (Lang::En, false) => ("#costume", "#variable", "#list", "#sound"),
    };
    for c in &def.costumes {
        let _ = write!(out, "{costume_kw} {}", quote_name(&c.name));
        if let Some(f) = &c.file {
            let _ = write!(out, " = {}", quote_value(f));
        }
        out.push('\n');
    }
    for s in &def.sounds {
        let _ = write!(out, "{sound_kw} {}", quote_name(&s.name));
        if let Some(f) = &s.file {
            let _ = write!(out, " = {}", quote_value(f));
        }
        out.push('\n');
    }
    for (vi, v) in def.variables.iter().enumerate() {
        let _ = write!(out, "{variable_kw} {}", quote_name(&v.name));
        match &v.initial {
            Value::Num(n) if *n == 0.0 && n.is_sign_positive() => {}
            Value::Num(n) => {
                let _ = write!(out, " = {}", number_to_string(*n));
            }
            Value::Str(s) => {
                let _ = write!(out, " = {}", quote_value(s));
            }
            Value::Bool(b) => {
                let _ = write!(out, " = {b}");
            }
        }
        out.push('\n');
        for m in monitors
            .iter()
            .filter(|m| !m.is_list && m.index as usize == vi)
        {
            print_monitor(out, &v.name, m, false, lang);
        }
    }
    for (li, l) in def.lists.iter().enumerate() {
        let _ = write!(out, "{list_kw} {}", quote_name(&l.name));
        if !l.initial.is_empty() {
            out.push_str(" =");
            for item in &l.initial {
                let _ = write!(out, " [{}]", escape_square(&item.to_str()));
            }
        }
        out.push('\n');
        // Without `list` the name would mean the section's variable of the same name.
        let clash = def.variables.iter().any(|v| v.name == l.name);
        for m in monitors
            .iter()
            .filter(|m| m.is_list && m.index as usize == li)
        {
            print_monitor(out, &l.name, m, clash, lang);
        }
    }
    let printer = Printer { target, lang };
    for (i, proc) in target.procedures.iter().enumerate() {
        out.push('\n');
        printer.procedure(out, i, proc);
    }
    for script in &target.scripts {
        out.push('\n');
        if let Some(hat) = &script.hat {
            printer.stmt(out, hat, 0);
        }
        printer.body(out, &script.body, 0);
    }
}

/// `#monitor NAME [list] [large | slider MIN..MAX] [x=… y=…] [w=… h=…] [hidden]`.
fn print_monitor(out: &mut String, name: &str, m: &MonitorDef, say_list: bool, lang: Lang) {
    let z = zh(lang);
    out.push_str(if z { "#监视器 " } else { "#monitor " });
    out.push_str(&quote_word(name));
    if m.is_list {
        if say_list {
            out.push_str(if z { " 列表" } else { " list" });
        }
    } else {
        match m.mode {
            MonitorMode::Large => out.push_str(if z { " 大字" } else { " large" }),
            MonitorMode::Slider { min, max, discrete } => {
                let a = number_to_string(min);
                let mut b = number_to_string(max);
                if !discrete && !a.contains('.') && !b.contains('.') {
                    // A decimal point is what makes a slider move in fractions.
                    b = with_decimal_point(&b);
                }
                let _ = write!(out, " {} {a}..{b}", if z { "滑杆" } else { "slider" });
            }
            MonitorMode::Normal | MonitorMode::List => {}
        }
    }
    let (w_key, h_key) = if z { ("宽", "高") } else { ("w", "h") };
    if let Some(x) = m.x {
        let _ = write!(out, " x={}", number_to_string(x));
    }
    if let Some(y) = m.y {
        let _ = write!(out, " y={}", number_to_string(y));
    }
    if m.width != 0.0 {
        let _ = write!(out, " {w_key}={}", number_to_string(m.width));
    }
    if m.height != 0.0 {
        let _ = write!(out, " {h_key}={}", number_to_string(m.height));
    }
    if !m.visible {
        out.push_str(if z { " 隐藏" } else { " hidden" });
    }
    out.push('\n');
}

/// `100` → `100.0`, `1e+21` → `1.0e+21`: the same number, written with a decimal point.
fn with_decimal_point(n: &str) -> String {
    match n.find('e') {
        Some(e) => format!("{}.0{}", &n[..e], &n[e..]),
        None => format!("{n}.0"),
    }
}

fn print_properties(out: &mut String, def: &TargetDef, lang: Lang) {
    let z = zh(lang);
    let default = TargetDef::new("", def.is_stage);
    let mut prop = |en: &str, zh_key: &str, value: String| {
        let _ = write!(out, " {}={}", if z { zh_key } else { en }, value);
    };
    if !def.is_stage {
        if def.x != default.x {
            prop("x", "x", number_to_string(def.x));
        }
        if def.y != default.y {
            prop("y", "y", number_to_string(def.y));
        }
        if def.direction != default.direction {
            prop("direction", "方向", number_to_string(def.direction));
        }
        if def.size != default.size {
            prop("size", "大小", number_to_string(def.size));
        }
        if def.visible != default.visible {
            let v = match (def.visible, z) {
                (true, false) => "yes",
                (false, false) => "no",
                (true, true) => "是",
                (false, true) => "否",
            };
            prop("visible", "显示", v.to_string());
        }
        if def.draggable != default.draggable {
            let v = match (def.draggable, z) {
                (true, false) => "yes",
                (false, false) => "no",
                (true, true) => "是",
                (false, true) => "否",
            };
            prop("draggable", "可拖动", v.to_string());
        }
        if def.rotation_style != default.rotation_style {
            let v = match (def.rotation_style, z) {
                (RotationStyle::AllAround, false) => "all-around",
                (RotationStyle::LeftRight, false) => "left-right",
                (RotationStyle::DontRotate, false) => "don't-rotate",
                (RotationStyle::AllAround, true) => "任意旋转",
                (RotationStyle::LeftRight, true) => "左右翻转",
                (RotationStyle::DontRotate, true) => "不可旋转",
            };
            prop("rotation", "旋转方式", v.to_string());
        }
    } else if def.tempo != default.tempo {
        prop("tempo", "速度", number_to_string(def.tempo));
    }
    if def.volume != default.volume {
        prop("volume", "音量", number_to_string(def.volume));
    }
    if def.current_costume != 0 {
        if let Some(c) = def.costumes.get(def.current_costume) {
            let key = if def.is_stage {
                ("backdrop", "背景")
            } else {
                ("costume", "造型")
            };
            prop(key.0, key.1, quote_word(&c.name));
        }
    }
}

/// A word of a header (`#sprite Big Cat` needs quotes).
fn quote_word(s: &str) -> String {
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '[' | '=' | '\\'))
    {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

/// A declared name: may hold blanks, but not `=` or a leading quote.
fn quote_name(s: &str) -> String {
    if s.is_empty() || s.contains(['=', '"']) || s.starts_with(['[', '#']) || s.trim() != s {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

/// A declared value: kept as written unless brackets are needed to keep it exact.
fn quote_value(s: &str) -> String {
    if s.is_empty() || s.trim() != s || s.starts_with(['"', '[']) {
        format!("[{}]", escape_square(s))
    } else {
        s.to_string()
    }
}

/// Text for inside `[ ]`: escapes `\` and `]`, and a final ` v` so it does not read as a
/// dropdown.
fn escape_square(s: &str) -> String {
    let mut e = s.replace('\\', "\\\\").replace(']', "\\]");
    if e.ends_with(" v") {
        e.pop();
        e.push_str("\\v");
    }
    e
}

struct Printer<'a> {
    target: &'a Target,
    lang: Lang,
}

impl Printer<'_> {
    fn indent(out: &mut String, depth: usize) {
        for _ in 0..depth {
            out.push_str("  ");
        }
    }

    fn procedure(&self, out: &mut String, _index: usize, proc: &Procedure) {
        out.push_str(if zh(self.lang) { "定义 " } else { "define " });
        let mut params = proc.params.iter();
        let words: Vec<String> = proc
            .proccode
            .split_whitespace()
            .map(|w| match w {
                "%s" | "%n" | "%b" => {
                    let name = params.next().map_or(String::new(), |p| p.name.clone());
                    if w == "%b" {
                        format!("<{name}>")
                    } else {
                        format!("({name})")
                    }
                }
                other => other.to_string(),
            })
            .collect();
        out.push_str(&words.join(" "));
        if proc.warp {
            out.push_str(if zh(self.lang) {
                " // 运行时不刷新屏幕"
            } else {
                " // run without screen refresh"
            });
        }
        out.push('\n');
        self.body(out, &proc.body, 0);
    }

    fn body(&self, out: &mut String, body: &[Block], depth: usize) {
        for b in body {
            self.stmt(out, b, depth);
        }
    }

    fn stmt(&self, out: &mut String, b: &Block, depth: usize) {
        Self::indent(out, depth);
        out.push_str(&self.block_text(b));
        out.push('\n');
        if b.spec.substacks == 0 {
            return;
        }
        for (i, sub) in b.substacks.iter().enumerate() {
            if i > 0 {
                Self::indent(out, depth);
                out.push_str(if zh(self.lang) { "否则\n" } else { "else\n" });
            }
            self.body(out, sub, depth + 1);
        }
        Self::indent(out, depth);
        out.push_str(if zh(self.lang) { "结束\n" } else { "end\n" });
    }

    /// A block's text without its brackets.
    fn block_text(&self, b: &Block) -> String {
        if b.spec.opcode == "procedures_call" {
            return self.call_text(b);
        }
        if matches!(b.spec.opcode, "data_variable" | "data_listcontents") {
            return match b.args.first() {
                Some(Arg::Var(r)) => self.var_name(&r.name),
                Some(Arg::List(r)) => format!("{} :: list", r.name),
                _ => String::new(),
            };
        }
        let template = b.spec.template(self.lang);
        render_template(template, |i| match (b.spec.args.get(i), b.args.get(i)) {
            (Some(spec), Some(arg)) => self.arg_text(spec.kind, arg),
            (Some(spec), None) => self.arg_text(spec.kind, &Arg::Empty),
            _ => String::new(),
        })
    }

    fn call_text(&self, b: &Block) -> String {
        let Some(proc) = b.call.and_then(|c| self.target.procedures.get(c as usize)) else {
            return String::new();
        };
        let mut args = b.args.iter();
        let mut params = proc.params.iter();
        proc.proccode
            .split_whitespace()
            .map(|w| match w {
                "%s" | "%n" | "%b" => {
                    let boolean = params.next().is_some_and(|p| p.boolean) || w == "%b";
                    let kind = if boolean {
                        SlotKind::Boolean
                    } else {
                        SlotKind::Text
                    };
                    self.arg_text(kind, args.next().unwrap_or(&Arg::Empty))
                }
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A variable reporter's text, annotated when the bare name would mean something else.
    fn var_name(&self, name: &str) -> String {
        let clashes = looks_numeric(name)
            || is_hex_color(name)
            || name.ends_with(" v")
            || name == "v"
            || name.contains("::")
            || index().by_signature.get(&normalize(name)).is_some_and(|c| {
                c.iter()
                    .any(|c| c.order.is_empty() && fits(c.spec.shape, Place::Round))
            });
        if clashes {
            format!("{name} :: variables")
        } else {
            name.to_string()
        }
    }

    fn dropdown(&self, label: &str, round: bool) -> String {
        if !label.is_empty() && label.trim() != label {
            // A dropdown's text is trimmed when read; plain text keeps the blanks.
            return format!("[{}]", escape_square(label));
        }
        if round && !label.contains(['(', ')', '[', ']', '<', '>', '\\']) {
            format!("({label} v)")
        } else {
            format!("[{} v]", label.replace('\\', "\\\\").replace(']', "\\]"))
        }
    }

    fn arg_text(&self, kind: SlotKind, arg: &Arg) -> String {
        match arg {
            Arg::Empty => match kind {
                SlotKind::Boolean => "<>".into(),
                SlotKind::Text | SlotKind::Color => "[]".into(),
                SlotKind::VariableField | SlotKind::ListField => "[ v]".into(),
                _ => "()".into(),
            },
            Arg::Literal(s) => match kind {
                k if k.is_numeric() => {
                    if looks_numeric(s) {
                        format!("({s})")
                    } else if super::resolve::is_numeric_text(s) {
                        format!("[{}]", escape_square(s))
                    } else {
                        // `last`, `random`, `all` in a list index: Scratch 2's number dropdown.
                        self.dropdown(s, true)
                    }
                }
                // Numbers read better round: `set [x v] to (1)`.
                SlotKind::Text if looks_numeric(s) => format!("({s})"),
                SlotKind::Text | SlotKind::Color | SlotKind::Boolean => {
                    format!("[{}]", escape_square(s))
                }
                SlotKind::MenuInput { menu, .. } => {
                    self.dropdown(&option_label(menu, s, self.lang), true)
                }
                SlotKind::Field(menu) => self.dropdown(&option_label(menu, s, self.lang), false),
                SlotKind::BroadcastInput => self.dropdown(s, true),
                _ => self.dropdown(s, false),
            },
            Arg::Var(r) | Arg::List(r) => self.dropdown(&r.name, false),
            Arg::Expr(e) => {
                let pointy = kind == SlotKind::Boolean;
                match &**e {
                    Expr::Block(b) => {
                        let text = self.block_text(b);
                        if pointy || b.spec.shape == Shape::Boolean {
                            format!("<{text}>")
                        } else {
                            format!("({text})")
                        }
                    }
                    Expr::Var(r) => format!("({})", self.var_name(&r.name)),
                    Expr::List(r) => format!("({} :: list)", r.name),
                    Expr::Param { name, boolean, .. } => {
                        if *boolean || pointy {
                            format!("<{name}>")
                        } else {
                            format!("({name})")
                        }
                    }
                }
            }
        }
    }
}
