//! The back end: checked IR → bytecode.
//!
//! Each script, procedure and edge-activated hat predicate becomes one [`Chunk`]. Blocks map to
//! instructions by their Scratch opcode in [`Gen::stmt`] and [`Gen::expr`]; inputs are pushed in
//! the order the block lists them (see `isa.rs`). Literals become constants; a literal that only
//! ever feeds `toNumber` is stored as a number so hot loops never parse text, while any literal
//! whose text could matter (say, join, compare, list items) stays text exactly as Scratch keeps
//! it.
//!
//! Architecture Invariant: the back end never reports user errors — the IR is checked. Anything
//! it cannot compile is an internal error turned into a diagnostic, never a panic.

use std::collections::HashMap;

use starling_runtime::isa::Instr;
use starling_runtime::program::{Chunk, Hat, ProcDef, Program, ScriptDef, SourceLoc};
use starling_runtime::value::{js_string_to_number, Value};

use crate::catalog::Shape;
use crate::diag::{Diagnostic, Message};
use crate::ir::{self, Arg, Block, Expr, MonitorMode};

/// Compiles a checked project into a program.
pub fn generate(project: &ir::Project) -> (Program, Vec<Diagnostic>) {
    let mut gen = Gen::default();
    gen.program.targets = project.targets.iter().map(|t| t.def.clone()).collect();

    // Procedures get global indexes first so calls can refer to any of them.
    let mut proc_base = Vec::with_capacity(project.targets.len());
    for (ti, target) in project.targets.iter().enumerate() {
        proc_base.push(gen.program.procs.len() as u32);
        for proc in &target.procedures {
            gen.proc_bool_params
                .push(proc.params.iter().map(|p| p.boolean).collect());
            gen.program.procs.push(ProcDef {
                target: ti as u32,
                proccode: proc.proccode.clone(),
                n_args: proc.params.len() as u32,
                warp: proc.warp,
                chunk: u32::MAX,
            });
        }
    }
    gen.proc_base = proc_base;

    for (ti, target) in project.targets.iter().enumerate() {
        gen.target = ti;
        let tname = target.def.name.clone();
        for (pi, proc) in target.procedures.iter().enumerate() {
            let name = format!("{tname}: define {}", proc.proccode);
            let chunk = gen.chunk(name, &proc.loc, |g| {
                g.stmts(&proc.body);
                g.emit(Instr::Return, &proc.loc);
            });
            let global = gen.proc_base[ti] as usize + pi;
            gen.program.procs[global].chunk = chunk;
        }
        for script in &target.scripts {
            let Some(hat_block) = &script.hat else {
                // A stack with no hat never runs, as in Scratch.
                continue;
            };
            let hat = gen.hat(hat_block, &tname);
            let name = format!(
                "{tname}: {}",
                hat_block.spec.en.replace("%1", "…").replace("%2", "…")
            );
            let chunk = gen.chunk(name, &script.loc, |g| {
                g.stmts(&script.body);
                g.emit(Instr::End, &script.loc);
            });
            gen.program.scripts.push(ScriptDef {
                target: ti as u32,
                hat,
                chunk,
            });
        }
    }
    gen.monitors(project);
    (gen.program, gen.diagnostics)
}

/// What an input's consumer does with it, so literals can be stored in the cheapest faithful
/// form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The consumer casts with `toNumber`: a numeric literal may be stored as a number.
    Number,
    /// The consumer looks at the value itself (text, compare, list items): keep literals as text.
    Value,
    /// A boolean slot: empty means false.
    Bool,
}

#[derive(Default)]
struct Gen {
    program: Program,
    diagnostics: Vec<Diagnostic>,
    /// Global index of each target's first procedure.
    proc_base: Vec<u32>,
    /// For each procedure (global index), which parameters are boolean.
    proc_bool_params: Vec<Vec<bool>>,
    /// The target being compiled.
    target: usize,
    /// The chunk being built.
    code: Vec<Instr>,
    locs: Vec<SourceLoc>,
    const_index: HashMap<ConstKey, u32>,
}

#[derive(Hash, PartialEq, Eq)]
enum ConstKey {
    Num(u64),
    Str(String),
    Bool(bool),
}

impl Gen {
    /// Builds one chunk with `body` and returns its index.
    fn chunk(&mut self, name: String, _loc: &SourceLoc, body: impl FnOnce(&mut Gen)) -> u32 {
        let saved_code = std::mem::take(&mut self.code);
        let saved_locs = std::mem::take(&mut self.locs);
        body(self);
        let code = std::mem::replace(&mut self.code, saved_code);
        let locs = std::mem::replace(&mut self.locs, saved_locs);
        self.program.chunks.push(Chunk { name, code, locs });
        (self.program.chunks.len() - 1) as u32
    }

    fn emit(&mut self, instr: Instr, loc: &SourceLoc) -> usize {
        self.code.push(instr);
        self.locs.push(loc.clone());
        self.code.len() - 1
    }

    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    /// Points the jump at `at` to `target`.
    fn patch(&mut self, at: usize, target: u32) {
        match &mut self.code[at] {
            Instr::Jump { target: t }
            | Instr::JumpIfFalse { target: t }
            | Instr::JumpIfTrue { target: t } => *t = target,
            Instr::RepeatStep { exit } | Instr::ForEachStep { exit, .. } => *exit = target,
            other => {
                let msg = format!("internal: cannot patch {other}");
                self.internal_error(&SourceLoc::None, &msg);
            }
        }
    }

    fn internal_error(&mut self, loc: &SourceLoc, what: &str) {
        self.diagnostics.push(Diagnostic::error(
            loc.clone(),
            Message::new(
                format!("Starling could not compile this block ({what}). This is a bug in Starling, not in your program."),
                format!("Starling 无法编译这个积木（{what}）。这是 Starling 的错误，不是你的程序的错误。"),
            ),
        ));
    }

    /// Copies the monitors. The IR is checked, so one that names no variable or list is an
    /// internal error (and is left out).
    fn monitors(&mut self, project: &ir::Project) {
        for m in &project.monitors {
            let list_mode = m.mode == MonitorMode::List;
            if project.monitor_name(m).is_none() || list_mode != m.is_list {
                let what = format!(
                    "a monitor of target {} names {} {} with mode {:?}",
                    m.target,
                    if m.is_list { "list" } else { "variable" },
                    m.index,
                    m.mode
                );
                self.internal_error(&SourceLoc::None, &what);
                continue;
            }
            self.program.monitors.push(m.clone());
        }
    }

    fn constant(&mut self, value: Value) -> u32 {
        let key = match &value {
            Value::Num(n) => ConstKey::Num(n.to_bits()),
            Value::Str(s) => ConstKey::Str(s.to_string()),
            Value::Bool(b) => ConstKey::Bool(*b),
        };
        if let Some(k) = self.const_index.get(&key) {
            return *k;
        }
        let k = self.program.constants.len() as u32;
        self.program.constants.push(value);
        self.const_index.insert(key, k);
        k
    }

    fn push_const(&mut self, value: Value, loc: &SourceLoc) {
        let k = self.constant(value);
        self.emit(Instr::Const { k }, loc);
    }

    fn push_literal(&mut self, text: &str, want: Want, loc: &SourceLoc) {
        let value = if want == Want::Number && is_plain_number(text) {
            Value::Num(js_string_to_number(text))
        } else {
            Value::from(text)
        };
        self.push_const(value, loc);
    }

    // ------------------------------------------------------------------ statements

    fn stmts(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.stmt(block);
        }
    }

    /// The argument of `block` named `name`.
    fn arg<'b>(&mut self, block: &'b Block, name: &str) -> &'b Arg {
        static EMPTY: Arg = Arg::Empty;
        match block.spec.args.iter().position(|a| a.name == name) {
            Some(i) => block.args.get(i).unwrap_or(&EMPTY),
            None => {
                let msg = format!("{} has no argument {name}", block.spec.opcode);
                self.internal_error(&block.loc, &msg);
                &EMPTY
            }
        }
    }

    /// Pushes the input `name` of `block`.
    fn input(&mut self, block: &Block, name: &str, want: Want) {
        let arg = self.arg(block, name).clone();
        self.push_arg(&arg, want, &block.loc);
    }

    fn push_arg(&mut self, arg: &Arg, want: Want, loc: &SourceLoc) {
        match arg {
            Arg::Empty => match want {
                Want::Bool => self.push_const(Value::Bool(false), loc),
                // An empty number slot reads as '' (toNumber gives 0).
                Want::Number => self.push_const(Value::Num(0.0), loc),
                Want::Value => self.push_const(Value::empty(), loc),
            },
            Arg::Literal(text) => self.push_literal(text, want, loc),
            Arg::Expr(expr) => self.expr(expr, loc),
            Arg::Var(var) => {
                self.emit(Instr::LoadVar { var: var.slot }, loc);
            }
            Arg::List(list) => {
                self.emit(Instr::ListContents { list: list.slot }, loc);
            }
        }
    }

    /// The text of a field (menu choice) of `block`.
    fn field(&mut self, block: &Block, name: &str) -> String {
        match self.arg(block, name) {
            Arg::Literal(s) => s.clone(),
            _ => String::new(),
        }
    }

    /// The variable or list slot of a field.
    fn slot(&mut self, block: &Block, name: &str) -> u32 {
        match self.arg(block, name) {
            Arg::Var(v) | Arg::List(v) => v.slot,
            _ => {
                let msg = format!("{} needs a variable in {name}", block.spec.opcode);
                self.internal_error(&block.loc, &msg);
                0
            }
        }
    }

    fn stmt(&mut self, b: &Block) {
        use Want::{Bool, Number as N, Value as V};
        let loc = &b.loc;
        let op = b.spec.opcode;
        macro_rules! simple {
            ($instr:expr $(, $name:literal : $want:expr)*) => {{
                $( self.input(b, $name, $want); )*
                self.emit($instr, loc);
            }};
        }
        match op {
            // ---------------------------------------------------------- motion
            "motion_movesteps" => simple!(Instr::MoveSteps, "STEPS": N),
            "motion_turnright" => simple!(Instr::TurnRight, "DEGREES": N),
            "motion_turnleft" => simple!(Instr::TurnLeft, "DEGREES": N),
            "motion_goto" => simple!(Instr::GoTo, "TO": V),
            "motion_gotoxy" => simple!(Instr::GoToXY, "X": N, "Y": N),
            "motion_glideto" => {
                simple!(Instr::GlideToStart, "SECS": N, "TO": V);
                self.emit(Instr::GlideStep, loc);
            }
            "motion_glidesecstoxy" => {
                simple!(Instr::GlideToXYStart, "SECS": N, "X": N, "Y": N);
                self.emit(Instr::GlideStep, loc);
            }
            "motion_pointindirection" => simple!(Instr::PointInDirection, "DIRECTION": N),
            "motion_pointtowards" => simple!(Instr::PointTowards, "TOWARDS": V),
            "motion_changexby" => simple!(Instr::ChangeX, "DX": N),
            "motion_setx" => simple!(Instr::SetX, "X": N),
            "motion_changeyby" => simple!(Instr::ChangeY, "DY": N),
            "motion_sety" => simple!(Instr::SetY, "Y": N),
            "motion_ifonedgebounce" => simple!(Instr::BounceOnEdge),
            "motion_setrotationstyle" => {
                let style = match self.field(b, "STYLE").as_str() {
                    "left-right" => 1,
                    "don't rotate" => 2,
                    _ => 0,
                };
                self.emit(Instr::SetRotationStyle { style }, loc);
            }
            // Scratch 2's scrolling blocks load but do nothing in Scratch 3.
            "motion_scroll_right" | "motion_scroll_up" | "motion_align_scene" => {}

            // ---------------------------------------------------------- looks
            "looks_say" => simple!(Instr::Say { kind: 0 }, "MESSAGE": V),
            "looks_think" => simple!(Instr::Say { kind: 1 }, "MESSAGE": V),
            "looks_sayforsecs" | "looks_thinkforsecs" => {
                let kind = (op == "looks_thinkforsecs") as u32;
                simple!(Instr::SayForSecsStart { kind }, "MESSAGE": V, "SECS": N);
                self.emit(Instr::WaitCheck, loc);
                self.emit(Instr::BubbleEnd, loc);
            }
            "looks_switchcostumeto" => simple!(Instr::SwitchCostume, "COSTUME": V),
            "looks_nextcostume" => simple!(Instr::NextCostume),
            "looks_switchbackdropto" => simple!(Instr::SwitchBackdrop, "BACKDROP": V),
            "looks_switchbackdroptoandwait" => {
                simple!(Instr::SwitchBackdropStart, "BACKDROP": V);
                self.emit(Instr::BroadcastWait, loc);
            }
            "looks_nextbackdrop" => simple!(Instr::NextBackdrop),
            "looks_changesizeby" => simple!(Instr::ChangeSize, "CHANGE": N),
            "looks_setsizeto" => simple!(Instr::SetSize, "SIZE": N),
            "looks_changeeffectby" => {
                let effect = graphic_effect(&self.field(b, "EFFECT"));
                simple!(Instr::ChangeEffect { effect }, "CHANGE": N);
            }
            "looks_seteffectto" => {
                let effect = graphic_effect(&self.field(b, "EFFECT"));
                simple!(Instr::SetEffect { effect }, "VALUE": N);
            }
            "looks_cleargraphiceffects" => simple!(Instr::ClearEffects),
            "looks_show" => simple!(Instr::Show),
            "looks_hide" => simple!(Instr::Hide),
            "looks_gotofrontback" => {
                let front = (self.field(b, "FRONT_BACK") != "back") as u32;
                self.emit(Instr::GoFrontBack { front }, loc);
            }
            "looks_goforwardbackwardlayers" => {
                let forward = (self.field(b, "FORWARD_BACKWARD") != "backward") as u32;
                simple!(Instr::GoLayers { forward }, "NUM": N);
            }
            // Scratch 2 blocks that load but do nothing in Scratch 3.
            "looks_hideallsprites" | "looks_changestretchby" | "looks_setstretchto" => {}

            // ---------------------------------------------------------- sound
            "sound_play" => simple!(Instr::PlaySound, "SOUND_MENU": V),
            "sound_playuntildone" => {
                simple!(Instr::PlaySoundStart, "SOUND_MENU": V);
                self.emit(Instr::WaitCheck, loc);
            }
            "sound_stopallsounds" => simple!(Instr::StopAllSounds),
            "sound_changeeffectby" => {
                let effect = sound_effect(&self.field(b, "EFFECT"));
                simple!(Instr::ChangeSoundEffect { effect }, "VALUE": N);
            }
            "sound_seteffectto" => {
                let effect = sound_effect(&self.field(b, "EFFECT"));
                simple!(Instr::SetSoundEffect { effect }, "VALUE": N);
            }
            "sound_cleareffects" => simple!(Instr::ClearSoundEffects),
            "sound_changevolumeby" => simple!(Instr::ChangeVolume, "VOLUME": N),
            "sound_setvolumeto" => simple!(Instr::SetVolume, "VOLUME": N),

            // ---------------------------------------------------------- events
            "event_broadcast" => simple!(Instr::Broadcast, "BROADCAST_INPUT": V),
            "event_broadcastandwait" => {
                simple!(Instr::BroadcastStart, "BROADCAST_INPUT": V);
                self.emit(Instr::BroadcastWait, loc);
            }

            // ---------------------------------------------------------- control
            "control_wait" => {
                simple!(Instr::WaitStart, "DURATION": N);
                self.emit(Instr::WaitCheck, loc);
            }
            "control_repeat" => {
                self.input(b, "TIMES", N);
                self.emit(Instr::RepeatInit, loc);
                let top = self.here();
                let step = self.emit(Instr::RepeatStep { exit: 0 }, loc);
                self.substack(b, 0);
                self.emit(Instr::Yield, loc);
                self.emit(Instr::Jump { target: top }, loc);
                let exit = self.here();
                self.patch(step, exit);
            }
            "control_forever" => {
                let top = self.here();
                self.substack(b, 0);
                self.emit(Instr::Yield, loc);
                self.emit(Instr::Jump { target: top }, loc);
            }
            "control_if" => {
                self.input(b, "CONDITION", Bool);
                let jump = self.emit(Instr::JumpIfFalse { target: 0 }, loc);
                self.substack(b, 0);
                let end = self.here();
                self.patch(jump, end);
            }
            "control_if_else" => {
                self.input(b, "CONDITION", Bool);
                let to_else = self.emit(Instr::JumpIfFalse { target: 0 }, loc);
                self.substack(b, 0);
                let to_end = self.emit(Instr::Jump { target: 0 }, loc);
                let else_at = self.here();
                self.patch(to_else, else_at);
                self.substack(b, 1);
                let end = self.here();
                self.patch(to_end, end);
            }
            "control_wait_until" => {
                let top = self.here();
                self.input(b, "CONDITION", Bool);
                let exit = self.emit(Instr::JumpIfTrue { target: 0 }, loc);
                self.emit(Instr::Yield, loc);
                self.emit(Instr::Jump { target: top }, loc);
                let end = self.here();
                self.patch(exit, end);
            }
            "control_repeat_until" | "control_while" => {
                let top = self.here();
                self.input(b, "CONDITION", Bool);
                let exit = if op == "control_while" {
                    self.emit(Instr::JumpIfFalse { target: 0 }, loc)
                } else {
                    self.emit(Instr::JumpIfTrue { target: 0 }, loc)
                };
                self.substack(b, 0);
                self.emit(Instr::Yield, loc);
                self.emit(Instr::Jump { target: top }, loc);
                let end = self.here();
                self.patch(exit, end);
            }
            "control_for_each" => {
                let var = self.slot(b, "VARIABLE");
                // The loop index starts at 0; the limit is read again on every iteration, as
                // Scratch re-evaluates the input each time the block runs.
                self.push_const(Value::Num(0.0), loc);
                let top = self.here();
                self.input(b, "VALUE", N);
                let step = self.emit(Instr::ForEachStep { var, exit: 0 }, loc);
                self.substack(b, 0);
                self.emit(Instr::Yield, loc);
                self.emit(Instr::Jump { target: top }, loc);
                let exit = self.here();
                self.patch(step, exit);
            }
            "control_all_at_once" => self.substack(b, 0),
            "control_stop" => {
                let option = match self.field(b, "STOP_OPTION").as_str() {
                    "this script" => 1,
                    "other scripts in sprite" | "other scripts in stage" => 2,
                    _ => 0,
                };
                self.emit(Instr::Stop { option }, loc);
            }
            "control_create_clone_of" => simple!(Instr::CreateClone, "CLONE_OPTION": V),
            "control_delete_this_clone" => simple!(Instr::DeleteClone),
            "control_incr_counter" => simple!(Instr::CounterIncr),
            "control_clear_counter" => simple!(Instr::CounterClear),

            // ---------------------------------------------------------- sensing
            "sensing_askandwait" => {
                simple!(Instr::AskStart, "QUESTION": V);
                self.emit(Instr::AskWait, loc);
            }
            "sensing_setdragmode" => {
                let draggable = (self.field(b, "DRAG_MODE") == "draggable") as u32;
                self.emit(Instr::SetDragMode { draggable }, loc);
            }
            "sensing_resettimer" => simple!(Instr::ResetTimer),

            // ---------------------------------------------------------- data
            "data_setvariableto" => {
                let var = self.slot(b, "VARIABLE");
                simple!(Instr::StoreVar { var }, "VALUE": V);
            }
            "data_changevariableby" => {
                let var = self.slot(b, "VARIABLE");
                simple!(Instr::ChangeVar { var }, "VALUE": N);
            }
            "data_showvariable" => {
                let var = self.slot(b, "VARIABLE");
                self.emit(Instr::ShowVar { var }, loc);
            }
            "data_hidevariable" => {
                let var = self.slot(b, "VARIABLE");
                self.emit(Instr::HideVar { var }, loc);
            }
            "data_addtolist" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListAdd { list }, "ITEM": V);
            }
            "data_deleteoflist" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListDelete { list }, "INDEX": V);
            }
            "data_deletealloflist" => {
                let list = self.slot(b, "LIST");
                self.emit(Instr::ListDeleteAll { list }, loc);
            }
            "data_insertatlist" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListInsert { list }, "ITEM": V, "INDEX": V);
            }
            "data_replaceitemoflist" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListReplace { list }, "INDEX": V, "ITEM": V);
            }
            "data_showlist" => {
                let list = self.slot(b, "LIST");
                self.emit(Instr::ShowList { list }, loc);
            }
            "data_hidelist" => {
                let list = self.slot(b, "LIST");
                self.emit(Instr::HideList { list }, loc);
            }

            // ---------------------------------------------------------- procedures
            "procedures_call" => self.call(b),

            // ---------------------------------------------------------- pen
            "pen_clear" => simple!(Instr::PenClear),
            "pen_stamp" => simple!(Instr::PenStamp),
            "pen_penDown" => simple!(Instr::PenDown),
            "pen_penUp" => simple!(Instr::PenUp),
            "pen_setPenColorToColor" => simple!(Instr::SetPenColor, "COLOR": V),
            "pen_changePenColorParamBy" => {
                simple!(Instr::ChangePenParam, "COLOR_PARAM": V, "VALUE": N)
            }
            "pen_setPenColorParamTo" => simple!(Instr::SetPenParam, "COLOR_PARAM": V, "VALUE": N),
            "pen_changePenSizeBy" => simple!(Instr::ChangePenSize, "SIZE": N),
            "pen_setPenSizeTo" => simple!(Instr::SetPenSize, "SIZE": N),
            "pen_setPenShadeToNumber" => simple!(Instr::SetPenShade, "SHADE": N),
            "pen_changePenShadeBy" => simple!(Instr::ChangePenShade, "SHADE": N),
            "pen_setPenHueToNumber" => simple!(Instr::SetPenHue, "HUE": N),
            "pen_changePenHueBy" => simple!(Instr::ChangePenHue, "HUE": N),

            // ---------------------------------------------------------- music
            "music_playDrumForBeats" => {
                simple!(Instr::PlayDrumStart, "DRUM": N, "BEATS": N);
                self.emit(Instr::WaitCheck, loc);
            }
            "music_midiPlayDrumForBeats" => {
                self.input(b, "DRUM", N);
                self.emit(Instr::MidiDrum, loc);
                simple!(Instr::PlayDrumStart, "BEATS": N);
                self.emit(Instr::WaitCheck, loc);
            }
            "music_restForBeats" => {
                simple!(Instr::RestStart, "BEATS": N);
                self.emit(Instr::WaitCheck, loc);
            }
            "music_playNoteForBeats" => {
                simple!(Instr::PlayNoteStart, "NOTE": N, "BEATS": N);
                self.emit(Instr::WaitCheck, loc);
            }
            "music_setInstrument" => simple!(Instr::SetInstrument, "INSTRUMENT": N),
            "music_midiSetInstrument" => {
                self.input(b, "INSTRUMENT", N);
                self.emit(Instr::MidiInstrument, loc);
                self.emit(Instr::SetInstrument, loc);
            }
            "music_setTempo" => simple!(Instr::SetTempo, "TEMPO": N),
            "music_changeTempo" => simple!(Instr::ChangeTempo, "TEMPO": N),

            _ => {
                if matches!(b.spec.shape, Shape::Reporter | Shape::Boolean) {
                    // A reporter used as a stack block: Scratch runs it and drops the value.
                    self.expr_block(b);
                    self.emit(Instr::Pop, loc);
                } else if b.spec.shape == Shape::Hat {
                    // A hat inside a script: the checked IR should not contain this.
                    self.internal_error(loc, "hat block inside a script");
                } else {
                    let msg = format!("no code for {op}");
                    self.internal_error(loc, &msg);
                }
            }
        }
    }

    fn substack(&mut self, b: &Block, n: usize) {
        if let Some(body) = b.substacks.get(n) {
            self.stmts(body);
        }
    }

    fn call(&mut self, b: &Block) {
        let Some(local) = b.call else {
            self.internal_error(&b.loc, "call without a procedure");
            return;
        };
        let proc = self.proc_base[self.target] + local;
        let bools = self
            .proc_bool_params
            .get(proc as usize)
            .cloned()
            .unwrap_or_default();
        for (i, arg) in b.args.iter().enumerate() {
            // An empty boolean argument is false, as Scratch passes it.
            let want = if bools.get(i) == Some(&true) {
                Want::Bool
            } else {
                Want::Value
            };
            self.push_arg(arg, want, &b.loc);
        }
        let argc = b.args.len() as u32;
        self.emit(Instr::Call { proc, argc }, &b.loc);
    }

    // ------------------------------------------------------------------ reporters

    /// Pushes a reporter's value. Variable and parameter reporters have no location of their
    /// own in the IR, so they carry `loc`, the block whose input they fill.
    fn expr(&mut self, e: &Expr, loc: &SourceLoc) {
        match e {
            Expr::Block(b) => self.expr_block(b),
            Expr::Var(v) => {
                self.emit(Instr::LoadVar { var: v.slot }, loc);
            }
            Expr::List(l) => {
                self.emit(Instr::ListContents { list: l.slot }, loc);
            }
            Expr::Param { boolean, index, .. } => match index {
                Some(i) => {
                    self.emit(Instr::LoadArg { index: *i }, loc);
                }
                // A parameter reporter outside its definition reports 0 (or false), as in
                // Scratch.
                None => {
                    let v = if *boolean {
                        Value::Bool(false)
                    } else {
                        Value::Num(0.0)
                    };
                    self.push_const(v, loc);
                }
            },
        }
    }

    fn expr_block(&mut self, b: &Block) {
        use Want::{Bool, Number as N, Value as V};
        let loc = &b.loc;
        macro_rules! simple {
            ($instr:expr $(, $name:literal : $want:expr)*) => {{
                $( self.input(b, $name, $want); )*
                self.emit($instr, loc);
            }};
        }
        match b.spec.opcode {
            "motion_xposition" => simple!(Instr::XPosition),
            "motion_yposition" => simple!(Instr::YPosition),
            "motion_direction" => simple!(Instr::Direction),
            "motion_xscroll" | "motion_yscroll" => self.push_const(Value::Num(0.0), loc),
            "looks_costumenumbername" => {
                let name = (self.field(b, "NUMBER_NAME") == "name") as u32;
                self.emit(Instr::CostumeNumberName { name }, loc);
            }
            "looks_backdropnumbername" => {
                let name = (self.field(b, "NUMBER_NAME") == "name") as u32;
                self.emit(Instr::BackdropNumberName { name }, loc);
            }
            "looks_size" => simple!(Instr::Size),
            "sound_volume" => simple!(Instr::Volume),
            "control_get_counter" => simple!(Instr::CounterGet),
            "sensing_touchingobject" => simple!(Instr::TouchingObject, "TOUCHINGOBJECTMENU": V),
            "sensing_touchingcolor" => simple!(Instr::TouchingColor, "COLOR": V),
            "sensing_coloristouchingcolor" => {
                simple!(Instr::ColorTouchingColor, "COLOR": V, "COLOR2": V)
            }
            "sensing_distanceto" => simple!(Instr::DistanceTo, "DISTANCETOMENU": V),
            "sensing_answer" => simple!(Instr::Answer),
            "sensing_keypressed" => simple!(Instr::KeyPressed, "KEY_OPTION": V),
            "sensing_mousedown" => simple!(Instr::MouseDown),
            "sensing_mousex" => simple!(Instr::MouseX),
            "sensing_mousey" => simple!(Instr::MouseY),
            "sensing_loudness" => simple!(Instr::Loudness),
            "sensing_loud" => simple!(Instr::Loud),
            "sensing_timer" => simple!(Instr::Timer),
            "sensing_of" => {
                let property = self.field(b, "PROPERTY");
                self.push_const(Value::from(property), loc);
                simple!(Instr::Of, "OBJECT": V);
            }
            "sensing_current" => {
                let unit = match self.field(b, "CURRENTMENU").to_ascii_uppercase().as_str() {
                    "YEAR" => 0,
                    "MONTH" => 1,
                    "DATE" => 2,
                    "DAYOFWEEK" => 3,
                    "HOUR" => 4,
                    "MINUTE" => 5,
                    _ => 6,
                };
                self.emit(Instr::Current { unit }, loc);
            }
            "sensing_dayssince2000" => simple!(Instr::DaysSince2000),
            "sensing_username" => simple!(Instr::Username),
            "sensing_userid" => simple!(Instr::UserId),

            "operator_add" => simple!(Instr::Add, "NUM1": N, "NUM2": N),
            "operator_subtract" => simple!(Instr::Sub, "NUM1": N, "NUM2": N),
            "operator_multiply" => simple!(Instr::Mul, "NUM1": N, "NUM2": N),
            "operator_divide" => simple!(Instr::Div, "NUM1": N, "NUM2": N),
            "operator_mod" => simple!(Instr::Mod, "NUM1": N, "NUM2": N),
            "operator_random" => simple!(Instr::Random, "FROM": V, "TO": V),
            "operator_gt" => simple!(Instr::Gt, "OPERAND1": V, "OPERAND2": V),
            "operator_lt" => simple!(Instr::Lt, "OPERAND1": V, "OPERAND2": V),
            "operator_equals" => simple!(Instr::Eq, "OPERAND1": V, "OPERAND2": V),
            "operator_and" => simple!(Instr::And, "OPERAND1": Bool, "OPERAND2": Bool),
            "operator_or" => simple!(Instr::Or, "OPERAND1": Bool, "OPERAND2": Bool),
            "operator_not" => simple!(Instr::Not, "OPERAND": Bool),
            "operator_join" => simple!(Instr::Join, "STRING1": V, "STRING2": V),
            "operator_letter_of" => simple!(Instr::LetterOf, "LETTER": N, "STRING": V),
            "operator_length" => simple!(Instr::Length, "STRING": V),
            "operator_contains" => simple!(Instr::Contains, "STRING1": V, "STRING2": V),
            "operator_round" => simple!(Instr::Round, "NUM": N),
            "operator_mathop" => {
                let op = mathop(&self.field(b, "OPERATOR"));
                simple!(Instr::MathOp { op }, "NUM": N);
            }

            "data_variable" => {
                let var = self.slot(b, "VARIABLE");
                self.emit(Instr::LoadVar { var }, loc);
            }
            "data_listcontents" => {
                let list = self.slot(b, "LIST");
                self.emit(Instr::ListContents { list }, loc);
            }
            "data_itemoflist" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListItem { list }, "INDEX": V);
            }
            "data_itemnumoflist" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListItemNum { list }, "ITEM": V);
            }
            "data_lengthoflist" => {
                let list = self.slot(b, "LIST");
                self.emit(Instr::ListLength { list }, loc);
            }
            "data_listcontainsitem" => {
                let list = self.slot(b, "LIST");
                simple!(Instr::ListContains { list }, "ITEM": V);
            }
            "music_getTempo" => simple!(Instr::Tempo),
            "argument_reporter_string_number" | "argument_reporter_boolean" => {
                // The parser normally produces Expr::Param; this covers a block form.
                let boolean = b.spec.opcode == "argument_reporter_boolean";
                let v = if boolean {
                    Value::Bool(false)
                } else {
                    Value::Num(0.0)
                };
                self.push_const(v, loc);
            }
            other => {
                if b.spec.is_shadow() {
                    // A menu or shadow block used as a value: its first field is the value.
                    let value = match b.args.first() {
                        Some(Arg::Literal(s)) => s.clone(),
                        _ => String::new(),
                    };
                    self.push_const(Value::from(value), loc);
                } else {
                    let msg = format!("no reporter code for {other}");
                    self.internal_error(loc, &msg);
                    self.push_const(Value::empty(), loc);
                }
            }
        }
    }

    // ------------------------------------------------------------------ hats

    fn hat(&mut self, b: &Block, target_name: &str) -> Hat {
        let loc = b.loc.clone();
        match b.spec.opcode {
            "event_whenflagclicked" => Hat::Flag,
            "event_whenkeypressed" => Hat::KeyPressed(self.field(b, "KEY_OPTION")),
            "event_whenthisspriteclicked" => Hat::SpriteClicked,
            "event_whenstageclicked" => Hat::StageClicked,
            "event_whenbackdropswitchesto" => Hat::BackdropSwitchesTo(self.field(b, "BACKDROP")),
            "event_whenbroadcastreceived" => {
                Hat::BroadcastReceived(self.field(b, "BROADCAST_OPTION"))
            }
            "control_start_as_clone" => Hat::CloneStart,
            "event_whengreaterthan" => {
                let which = self.field(b, "WHENGREATERTHANMENU").to_ascii_uppercase();
                let name = format!("{target_name}: when {which} >");
                let chunk = self.chunk(name, &loc, |g| {
                    if which == "TIMER" {
                        g.emit(Instr::Timer, &loc);
                    } else {
                        g.emit(Instr::Loudness, &loc);
                    }
                    g.input(b, "VALUE", Want::Value);
                    g.emit(Instr::Gt, &loc);
                    g.emit(Instr::End, &loc);
                });
                Hat::Predicate {
                    opcode: b.spec.opcode.to_string(),
                    chunk,
                }
            }
            "event_whentouchingobject" => {
                let name = format!("{target_name}: when touching");
                let chunk = self.chunk(name, &loc, |g| {
                    g.input(b, "TOUCHINGOBJECTMENU", Want::Value);
                    g.emit(Instr::TouchingObject, &loc);
                    g.emit(Instr::End, &loc);
                });
                Hat::Predicate {
                    opcode: b.spec.opcode.to_string(),
                    chunk,
                }
            }
            other => {
                let msg = format!("unknown hat {other}");
                self.internal_error(&loc, &msg);
                Hat::Flag
            }
        }
    }
}

/// True for a literal that JavaScript reads as a finite number and that is not blank, so storing
/// it as a number changes nothing for a consumer that casts with `toNumber`.
fn is_plain_number(text: &str) -> bool {
    !text.trim().is_empty() && js_string_to_number(text).is_finite()
}

/// Graphic effect operand of `ChangeEffect`/`SetEffect`.
fn graphic_effect(name: &str) -> u32 {
    match name.to_ascii_uppercase().as_str() {
        "COLOR" => 0,
        "FISHEYE" => 1,
        "WHIRL" => 2,
        "PIXELATE" => 3,
        "MOSAIC" => 4,
        "BRIGHTNESS" => 5,
        "GHOST" => 6,
        _ => 0,
    }
}

/// Sound effect operand: 0 pitch, 1 pan.
fn sound_effect(name: &str) -> u32 {
    (name.to_ascii_uppercase() == "PAN") as u32
}

/// `MathOp` operand.
fn mathop(name: &str) -> u32 {
    match name.to_ascii_lowercase().as_str() {
        "abs" => 0,
        "floor" => 1,
        "ceiling" => 2,
        "sqrt" => 3,
        "sin" => 4,
        "cos" => 5,
        "tan" => 6,
        "asin" => 7,
        "acos" => 8,
        "atan" => 9,
        "ln" => 10,
        "log" => 11,
        "e ^" => 12,
        "10 ^" => 13,
        // Scratch's mathop returns 0 for an unknown operator.
        _ => 14,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::block;
    use crate::ir::{Project, Script, Target, TargetDef, VarRef};

    fn blk(opcode: &str, args: Vec<Arg>, substacks: Vec<Vec<Block>>) -> Block {
        Block {
            spec: block(opcode).unwrap_or_else(|| panic!("{opcode} is in the catalog")),
            args,
            substacks,
            call: None,
            loc: SourceLoc::Span { start: 0, end: 1 },
        }
    }

    fn lit(s: &str) -> Arg {
        Arg::Literal(s.to_string())
    }

    fn one_script(body: Vec<Block>) -> Program {
        let mut stage = TargetDef::new("Stage", true);
        stage.variables.push(starling_runtime::program::VarDef {
            name: "n".into(),
            id: None,
            initial: Value::Num(0.0),
        });
        let project = Project {
            monitors: vec![],
            targets: vec![
                Target {
                    def: stage,
                    scripts: vec![],
                    procedures: vec![],
                },
                Target {
                    def: TargetDef::new("Sprite1", false),
                    scripts: vec![Script {
                        hat: Some(blk("event_whenflagclicked", vec![], vec![])),
                        body,
                        loc: SourceLoc::Span { start: 0, end: 1 },
                    }],
                    procedures: vec![],
                },
            ],
        };
        let (program, diags) = generate(&project);
        assert!(diags.is_empty(), "{diags:?}");
        program
    }

    #[test]
    fn monitors_are_copied_and_broken_ones_are_internal_errors() {
        use starling_runtime::program::MonitorDef;
        let mut project = Project {
            monitors: vec![],
            targets: vec![Target {
                def: TargetDef::new("Stage", true),
                scripts: vec![],
                procedures: vec![],
            }],
        };
        project.targets[0]
            .def
            .variables
            .push(starling_runtime::program::VarDef {
                name: "n".into(),
                id: None,
                initial: Value::Num(0.0),
            });
        let good = MonitorDef {
            target: 0,
            index: 0,
            is_list: false,
            mode: MonitorMode::Large,
            x: Some(5.0),
            y: None,
            width: 0.0,
            height: 0.0,
            visible: true,
        };
        project.monitors = vec![
            good.clone(),
            MonitorDef {
                index: 7,
                ..good.clone()
            },
            MonitorDef {
                target: 3,
                ..good.clone()
            },
            MonitorDef {
                is_list: true,
                ..good.clone()
            },
            MonitorDef {
                mode: MonitorMode::List,
                ..good.clone()
            },
        ];
        let (program, diags) = generate(&project);
        assert_eq!(program.monitors, [good]);
        assert_eq!(diags.len(), 4, "{diags:?}");
        assert!(diags.iter().all(|d| d.is_error()));
    }

    #[test]
    fn repeat_loop_yields_at_the_end_of_each_iteration() {
        let n = VarRef {
            name: "n".into(),
            slot: 0,
        };
        let program = one_script(vec![blk(
            "control_repeat",
            vec![lit("3")],
            vec![vec![blk(
                "data_changevariableby",
                vec![Arg::Var(n), lit("1")],
                vec![],
            )]],
        )]);
        let code = &program.chunks[program.scripts[0].chunk as usize].code;
        assert_eq!(
            code,
            &vec![
                Instr::Const { k: 0 },
                Instr::RepeatInit,
                Instr::RepeatStep { exit: 7 },
                Instr::Const { k: 1 },
                Instr::ChangeVar { var: 0 },
                Instr::Yield,
                Instr::Jump { target: 2 },
                Instr::End,
            ]
        );
        // Both literals only feed toNumber, so they are stored as numbers.
        assert_eq!(program.constants, vec![Value::Num(3.0), Value::Num(1.0)]);
        assert_eq!(program.scripts[0].hat, Hat::Flag);
    }

    #[test]
    fn literals_keep_their_text_where_the_text_matters() {
        let program = one_script(vec![
            blk("looks_say", vec![lit("1.0")], vec![]),
            blk("looks_say", vec![lit("007")], vec![]),
        ]);
        assert_eq!(
            program.constants,
            vec![Value::from("1.0"), Value::from("007")]
        );
    }

    #[test]
    fn if_else_jumps_around_both_branches() {
        let cond = Arg::Expr(Box::new(Expr::Block(blk(
            "operator_gt",
            vec![lit("2"), lit("1")],
            vec![],
        ))));
        let program = one_script(vec![blk(
            "control_if_else",
            vec![cond],
            vec![
                vec![blk("looks_say", vec![lit("yes")], vec![])],
                vec![blk("looks_say", vec![lit("no")], vec![])],
            ],
        )]);
        let code = &program.chunks[0].code;
        assert!(program.chunks[0].locs.iter().all(|l| *l != SourceLoc::None));
        let names: Vec<String> = code.iter().map(|i| i.to_string()).collect();
        assert_eq!(
            names,
            [
                "Const k=0",
                "Const k=1",
                "Gt",
                "JumpIfFalse target=7",
                "Const k=2",
                "Say kind=0",
                "Jump target=9",
                "Const k=3",
                "Say kind=0",
                "End"
            ]
        );
        assert_eq!(program.chunks[0].locs.len(), code.len());
    }
}
