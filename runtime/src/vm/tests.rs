//! VM behaviour tests on hand-assembled programs.
//!
//! `Build` makes a [`Program`]; scripts are written with `S`, a tiny structured assembler that
//! lays out loops and ifs the way the compiler does (`Yield` at the end of each loop iteration).

use super::*;
use crate::io::{BubbleKind, Event, Input, PenEvent, SoundEvent};
use crate::isa::{Instr, LOCAL};
use crate::program::{
    Chunk, CostumeDef, Hat, ListDef, ProcDef, Program, ScriptDef, SoundDef, SourceLoc, TargetDef,
    VarDef,
};
use crate::value::LIST_ITEM_LIMIT;

// ---------------------------------------------------------------------- builder

struct Build {
    p: Program,
}

/// Structured code: plain instructions, and control blocks the assembler lays out.
enum S {
    I(Instr),
    /// `forever { body }`.
    Forever(Vec<S>),
    /// `repeat (times) { body }`: `times` code, then the body.
    Repeat(Vec<S>, Vec<S>),
    /// `if <cond> then { body }`.
    If(Vec<S>, Vec<S>),
    /// `wait until <cond>`.
    WaitUntil(Vec<S>),
    /// `repeat until <cond> { body }`.
    RepeatUntil(Vec<S>, Vec<S>),
    /// `if <cond> then { a } else { b }`.
    IfElse(Vec<S>, Vec<S>, Vec<S>),
}

fn assemble(stmts: &[S], code: &mut Vec<Instr>) {
    for s in stmts {
        match s {
            S::I(i) => code.push(*i),
            S::Forever(body) => {
                let start = code.len() as u32;
                assemble(body, code);
                code.push(Instr::Yield);
                code.push(Instr::Jump { target: start });
            }
            S::Repeat(times, body) => {
                assemble(times, code);
                code.push(Instr::RepeatInit);
                let step = code.len();
                code.push(Instr::RepeatStep { exit: 0 });
                assemble(body, code);
                code.push(Instr::Yield);
                code.push(Instr::Jump {
                    target: step as u32,
                });
                let exit = code.len() as u32;
                code[step] = Instr::RepeatStep { exit };
            }
            S::If(cond, body) => {
                assemble(cond, code);
                let jump = code.len();
                code.push(Instr::JumpIfFalse { target: 0 });
                assemble(body, code);
                code[jump] = Instr::JumpIfFalse {
                    target: code.len() as u32,
                };
            }
            S::RepeatUntil(cond, body) => {
                let start = code.len() as u32;
                assemble(cond, code);
                let jump = code.len();
                code.push(Instr::JumpIfTrue { target: 0 });
                assemble(body, code);
                code.push(Instr::Yield);
                code.push(Instr::Jump { target: start });
                code[jump] = Instr::JumpIfTrue {
                    target: code.len() as u32,
                };
            }
            S::IfElse(cond, a, b) => {
                assemble(cond, code);
                let to_else = code.len();
                code.push(Instr::JumpIfFalse { target: 0 });
                assemble(a, code);
                let to_end = code.len();
                code.push(Instr::Jump { target: 0 });
                code[to_else] = Instr::JumpIfFalse {
                    target: code.len() as u32,
                };
                assemble(b, code);
                code[to_end] = Instr::Jump {
                    target: code.len() as u32,
                };
            }
            S::WaitUntil(cond) => {
                let start = code.len() as u32;
                assemble(cond, code);
                let jump = code.len();
                code.push(Instr::JumpIfTrue { target: 0 });
                code.push(Instr::Yield);
                code.push(Instr::Jump { target: start });
                code[jump] = Instr::JumpIfTrue {
                    target: code.len() as u32,
                };
            }
        }
    }
}

fn i(instr: Instr) -> S {
    S::I(instr)
}

impl Build {
    fn new() -> Build {
        Build {
            p: Program {
                constants: Vec::new(),
                chunks: Vec::new(),
                targets: vec![TargetDef::new("Stage", true)],
                scripts: Vec::new(),
                procs: Vec::new(),
                monitors: Vec::new(),
            },
        }
    }

    fn sprite(&mut self, name: &str) -> u32 {
        self.p.targets.push(TargetDef::new(name, false));
        (self.p.targets.len() - 1) as u32
    }

    fn var(&mut self, target: u32, name: &str, initial: Value) -> u32 {
        let t = &mut self.p.targets[target as usize];
        t.variables.push(VarDef {
            name: name.into(),
            id: None,
            initial,
        });
        let idx = (t.variables.len() - 1) as u32;
        if target == 0 {
            idx
        } else {
            idx | LOCAL
        }
    }

    fn list(&mut self, target: u32, name: &str, initial: Vec<Value>) -> u32 {
        let t = &mut self.p.targets[target as usize];
        t.lists.push(ListDef {
            name: name.into(),
            id: None,
            initial,
        });
        let idx = (t.lists.len() - 1) as u32;
        if target == 0 {
            idx
        } else {
            idx | LOCAL
        }
    }

    fn costume(&mut self, target: u32, name: &str, size: Option<(f64, f64)>) {
        let center = size.map_or((0.0, 0.0), |(w, h)| (w / 2.0, h / 2.0));
        self.p.targets[target as usize].costumes.push(CostumeDef {
            name: name.into(),
            file: None,
            rotation_center: Some(center),
            bitmap_resolution: 1.0,
            size,
        });
    }

    /// `Const` of a value (numbers and strings as given).
    fn k(&mut self, v: impl Into<Value>) -> S {
        self.p.constants.push(v.into());
        S::I(Instr::Const {
            k: (self.p.constants.len() - 1) as u32,
        })
    }

    fn chunk(&mut self, name: &str, stmts: &[S], end: Instr) -> u32 {
        let mut code = Vec::new();
        assemble(stmts, &mut code);
        code.push(end);
        let locs = vec![SourceLoc::None; code.len()];
        self.p.chunks.push(Chunk {
            name: name.into(),
            code,
            locs,
        });
        (self.p.chunks.len() - 1) as u32
    }

    fn script(&mut self, target: u32, hat: Hat, stmts: Vec<S>) -> u32 {
        let chunk = self.chunk("script", &stmts, Instr::End);
        self.p.scripts.push(ScriptDef { target, hat, chunk });
        (self.p.scripts.len() - 1) as u32
    }

    fn predicate(&mut self, stmts: Vec<S>) -> u32 {
        self.chunk("predicate", &stmts, Instr::End)
    }

    /// Declares a procedure (its body comes later with `define`, so it can call itself).
    fn declare(&mut self, target: u32, proccode: &str, n_args: u32, warp: bool) -> u32 {
        self.p.procs.push(ProcDef {
            target,
            proccode: proccode.into(),
            n_args,
            warp,
            chunk: u32::MAX,
        });
        (self.p.procs.len() - 1) as u32
    }

    fn define(&mut self, proc: u32, stmts: Vec<S>) {
        let chunk = self.chunk("proc", &stmts, Instr::Return);
        self.p.procs[proc as usize].chunk = chunk;
    }

    fn vm(self) -> Vm {
        Vm::new(self.p, VmConfig::default())
    }

    fn vm_with(self, config: VmConfig) -> Vm {
        Vm::new(self.p, config)
    }
}

fn frame(vm: &mut Vm) -> Vec<Event> {
    vm.step_frame(&Input::default());
    vm.take_events()
}

fn frames(vm: &mut Vm, n: usize) -> Vec<Event> {
    let mut all = Vec::new();
    for _ in 0..n {
        all.extend(frame(vm));
    }
    all
}

/// The texts of the bubble events, in order.
fn says(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Bubble { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn num(vm: &Vm, target: &str, var: &str) -> f64 {
    vm.variable(target, var)
        .expect("variable exists")
        .to_number()
}

fn texts(list: Vec<Value>) -> Vec<String> {
    list.iter().map(|v| v.to_str().to_string()).collect()
}

fn sprite_named<'a>(vm: &'a Vm, name: &str) -> &'a SpriteState {
    vm.sprites()
        .find(|s| s.name == name && !s.is_clone)
        .expect("sprite exists")
}

// ---------------------------------------------------------------------- threads and frames

#[test]
fn two_threads_take_turns_each_frame() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let ka = b.k("A");
    let kb = b.k("B");
    b.script(
        s,
        Hat::Flag,
        vec![S::Forever(vec![ka, i(Instr::Say { kind: 0 })])],
    );
    b.script(
        s,
        Hat::Flag,
        vec![S::Forever(vec![kb, i(Instr::Say { kind: 0 })])],
    );
    let mut vm = b.vm();
    vm.green_flag();
    // Saying requests a redraw, so each frame runs one pass: A then B.
    for _ in 0..3 {
        assert_eq!(says(&frame(&mut vm)), ["A", "B"]);
    }
}

#[test]
fn running_scripts_lists_the_scripts_with_live_threads() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let k = b.k("hi");
    let forever = b.script(
        s,
        Hat::Flag,
        vec![S::Forever(vec![k, i(Instr::Say { kind: 0 })])],
    );
    let once = b.script(s, Hat::Flag, vec![]);
    let mut vm = b.vm();
    assert!(vm.running_scripts().is_empty());
    vm.green_flag();
    frame(&mut vm);
    // The empty script ended in its first frame; the forever loop goes on.
    assert_eq!(vm.running_scripts(), vec![forever]);
    assert_ne!(forever, once);
    vm.stop_all();
    assert!(vm.running_scripts().is_empty());
}

#[test]
fn loops_yield_once_per_iteration_so_forever_loops_interleave() {
    let mut b = Build::new();
    let l = b.list(0, "log", vec![]);
    let ka = b.k("a");
    let kb = b.k("b");
    b.script(
        0,
        Hat::Flag,
        vec![S::Forever(vec![ka, i(Instr::ListAdd { list: l })])],
    );
    b.script(
        0,
        Hat::Flag,
        vec![S::Forever(vec![kb, i(Instr::ListAdd { list: l })])],
    );
    let mut vm = b.vm_with(VmConfig {
        work_budget: 1000,
        ..VmConfig::default()
    });
    vm.green_flag();
    frame(&mut vm);
    let log = texts(vm.list("Stage", "log").unwrap());
    // Nothing requests a redraw: passes repeat until the work budget (1000 units, 4 per
    // iteration) is used, alternating threads.
    assert!(log.len() >= 200, "{}", log.len());
    for (n, item) in log.iter().enumerate() {
        assert_eq!(item, if n % 2 == 0 { "a" } else { "b" });
    }
}

#[test]
fn repeat_three_yields_three_times() {
    let mut b = Build::new();
    let l = b.list(0, "log", vec![]);
    let ka = b.k("a");
    let kb = b.k("b");
    let k3 = b.k(3.0);
    let k3b = b.k(3.0);
    b.script(
        0,
        Hat::Flag,
        vec![S::Repeat(vec![k3], vec![ka, i(Instr::ListAdd { list: l })])],
    );
    b.script(
        0,
        Hat::Flag,
        vec![S::Repeat(
            vec![k3b],
            vec![kb, i(Instr::ListAdd { list: l })],
        )],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "log").unwrap()),
        ["a", "b", "a", "b", "a", "b"]
    );
    assert!(!vm.is_running());
}

#[test]
fn repeat_with_redraw_runs_one_iteration_per_frame() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let c = b.var(0, "c", Value::Num(0.0));
    let k3 = b.k(3.0);
    let k1 = b.k(1.0);
    let k1b = b.k(1.0);
    b.script(
        s,
        Hat::Flag,
        vec![S::Repeat(
            vec![k3],
            vec![k1, i(Instr::ChangeVar { var: c }), k1b, i(Instr::TurnRight)],
        )],
    );
    let mut vm = b.vm();
    vm.green_flag();
    for expected in 1..=3 {
        frame(&mut vm);
        assert_eq!(num(&vm, "Stage", "c"), expected as f64);
        assert!(vm.is_running());
    }
    frame(&mut vm);
    assert!(!vm.is_running());
    assert_eq!(sprite_named(&vm, "Cat").direction, 93.0);
}

#[test]
fn wait_zero_takes_exactly_one_frame() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let k1 = b.k("1");
    let k0 = b.k(0.0);
    let k2 = b.k("2");
    b.script(
        s,
        Hat::Flag,
        vec![
            k1,
            i(Instr::Say { kind: 0 }),
            k0,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            k2,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    assert_eq!(says(&frame(&mut vm)), ["1"]);
    assert_eq!(says(&frame(&mut vm)), ["2"]);
    assert!(!vm.is_running());
}

#[test]
fn wait_one_second_takes_thirty_frames() {
    let mut b = Build::new();
    let k1 = b.k(1.0);
    let done = b.var(0, "done", Value::Num(0.0));
    let kd = b.k(1.0);
    b.script(
        0,
        Hat::Flag,
        vec![
            k1,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            kd,
            i(Instr::StoreVar { var: done }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let mut n = 0;
    while num(&vm, "Stage", "done") == 0.0 {
        frame(&mut vm);
        n += 1;
        assert!(n < 100);
    }
    // The wait starts in frame 1 (t = 0) and is over in the frame starting at t = 1000 ms, the
    // 31st. The clock counts whole milliseconds, like `Date.now()`.
    assert_eq!(n, 31);
    assert_eq!(vm.time_ms(), 1033.0);
}

#[test]
fn warp_procedure_runs_a_thousand_iterations_in_one_frame() {
    for warp in [true, false] {
        let mut b = Build::new();
        let s = b.sprite("Cat");
        let c = b.var(0, "c", Value::Num(0.0));
        let p = b.declare(s, "spin", 0, warp);
        let k1000 = b.k(1000.0);
        let k1 = b.k(1.0);
        let k1b = b.k(1.0);
        b.define(
            p,
            vec![S::Repeat(
                vec![k1000],
                vec![k1, i(Instr::ChangeVar { var: c }), k1b, i(Instr::TurnRight)],
            )],
        );
        b.script(s, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
        let mut vm = b.vm();
        vm.green_flag();
        frame(&mut vm);
        if warp {
            assert_eq!(num(&vm, "Stage", "c"), 1000.0);
            assert!(!vm.is_running());
        } else {
            // Turning requests a redraw: one iteration per frame.
            assert_eq!(num(&vm, "Stage", "c"), 1.0);
        }
    }
}

#[test]
fn warp_gives_up_after_500_ms_of_work() {
    let mut b = Build::new();
    let c = b.var(0, "c", Value::Num(0.0));
    let p = b.declare(0, "spin", 0, true);
    let k1 = b.k(1.0);
    b.define(
        p,
        vec![S::Forever(vec![k1, i(Instr::ChangeVar { var: c })])],
    );
    b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
    let mut vm = b.vm_with(VmConfig {
        work_budget: 10_000,
        ..VmConfig::default()
    });
    vm.green_flag();
    frame(&mut vm);
    // 500 ms of warp at 25 ms per 10 000 units is 200 000 units, 4 units per iteration.
    let c1 = num(&vm, "Stage", "c");
    assert!((49_000.0..=50_001.0).contains(&c1), "{c1}");
    // The frame overran: the clock moved by the time the work took.
    assert!((vm.time_ms() - 500.0).abs() < 1.0, "{}", vm.time_ms());
}

#[test]
fn non_warp_recursion_yields_on_each_recursive_call() {
    let mut b = Build::new();
    let c = b.var(0, "c", Value::Num(0.0));
    let p = b.declare(0, "count %s", 1, false);
    let k1 = b.k(1.0);
    let k1b = b.k(1.0);
    let k0 = b.k(0.0);
    let k5 = b.k(5.0);
    b.define(
        p,
        vec![
            k1,
            i(Instr::ChangeVar { var: c }),
            S::If(
                vec![i(Instr::LoadArg { index: 0 }), k0, i(Instr::Gt)],
                vec![
                    i(Instr::LoadArg { index: 0 }),
                    k1b,
                    i(Instr::Sub),
                    i(Instr::Call { proc: p, argc: 1 }),
                ],
            ),
        ],
    );
    b.script(0, Hat::Flag, vec![k5, i(Instr::Call { proc: p, argc: 1 })]);
    // A tiny budget so the frame holds few passes, and a redraw-free program: count passes.
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(num(&vm, "Stage", "c"), 6.0);
    assert!(!vm.is_running());
}

#[test]
fn recursion_depth_limit_stops_the_script_with_a_warning() {
    let mut b = Build::new();
    let p = b.declare(0, "forever deeper", 0, true);
    b.define(p, vec![i(Instr::Call { proc: p, argc: 0 })]);
    b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
    let mut vm = b.vm_with(VmConfig {
        max_call_depth: 100,
        ..VmConfig::default()
    });
    vm.green_flag();
    let events = frame(&mut vm);
    assert!(
        events.iter().any(|e| matches!(e, Event::Warning { message, .. } if message.contains("\"forever deeper\" called itself too many times"))),
        "{events:?}"
    );
    assert!(!vm.is_running());
}

#[test]
fn procedure_arguments_and_return() {
    let mut b = Build::new();
    let r = b.var(0, "r", Value::Num(0.0));
    let p = b.declare(0, "add %s %s", 2, false);
    b.define(
        p,
        vec![
            i(Instr::LoadArg { index: 0 }),
            i(Instr::LoadArg { index: 1 }),
            i(Instr::Sub),
            i(Instr::StoreVar { var: r }),
        ],
    );
    let k10 = b.k(10.0);
    let k3 = b.k(3.0);
    b.script(
        0,
        Hat::Flag,
        vec![k10, k3, i(Instr::Call { proc: p, argc: 2 })],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(num(&vm, "Stage", "r"), 7.0);
}

// ---------------------------------------------------------------------- events

#[test]
fn broadcast_restarts_a_running_receiver() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let starts = b.var(0, "starts", Value::Num(0.0));
    let r = b.var(0, "r", Value::Num(0.0));
    let k1 = b.k(1.0);
    let k0 = b.k(0.0);
    let k1b = b.k(1.0);
    let k1c = b.k(1.0);
    b.script(
        s,
        Hat::BroadcastReceived("Go".into()),
        vec![
            k1,
            i(Instr::ChangeVar { var: starts }),
            k0,
            i(Instr::StoreVar { var: r }),
            S::Forever(vec![
                k1b,
                i(Instr::ChangeVar { var: r }),
                k1c,
                i(Instr::TurnRight),
            ]),
        ],
    );
    let go = b.k("go");
    let secs = b.k(0.2);
    let go2 = b.k("GO");
    b.script(
        0,
        Hat::Flag,
        vec![
            go,
            i(Instr::Broadcast),
            secs,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            go2,
            i(Instr::Broadcast),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frames(&mut vm, 5);
    assert_eq!(num(&vm, "Stage", "starts"), 1.0);
    assert_eq!(num(&vm, "Stage", "r"), 5.0);
    frames(&mut vm, 5);
    // `wait` measures from the frame's start: the 0.2 s are up in frame 7 (t = 200 ms), and the
    // second broadcast restarted the receiver in place.
    assert_eq!(num(&vm, "Stage", "starts"), 2.0);
    assert_eq!(num(&vm, "Stage", "r"), 4.0);
    assert_eq!(vm.threads.len(), 1);
}

#[test]
fn broadcast_and_wait_waits_for_the_receivers() {
    let mut b = Build::new();
    let done = b.var(0, "done", Value::Num(0.0));
    let seen = b.var(0, "seen", Value::Num(-1.0));
    let secs = b.k(0.1);
    let k1 = b.k(1.0);
    b.script(
        0,
        Hat::BroadcastReceived("work".into()),
        vec![
            secs,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            k1,
            i(Instr::StoreVar { var: done }),
        ],
    );
    let msg = b.k("work");
    b.script(
        0,
        Hat::Flag,
        vec![
            msg,
            i(Instr::BroadcastStart),
            i(Instr::BroadcastWait),
            i(Instr::LoadVar { var: done }),
            i(Instr::StoreVar { var: seen }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(num(&vm, "Stage", "seen"), -1.0);
    frames(&mut vm, 10);
    assert_eq!(num(&vm, "Stage", "seen"), 1.0);
    assert!(!vm.is_running());
}

#[test]
fn broadcast_and_wait_without_receivers_goes_straight_on() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let msg = b.k("nobody");
    let k = b.k("after");
    b.script(
        s,
        Hat::Flag,
        vec![
            msg,
            i(Instr::BroadcastStart),
            i(Instr::BroadcastWait),
            k,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    assert_eq!(says(&frame(&mut vm)), ["after"]);
}

#[test]
fn key_click_and_backdrop_hats() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    b.costume(0, "day", None);
    b.costume(0, "Night", None);
    let log = b.list(0, "log", vec![]);
    let (ka, kany, kc, kn, kst) = (
        b.k("space"),
        b.k("any"),
        b.k("clicked"),
        b.k("night"),
        b.k("stage"),
    );
    b.script(
        s,
        Hat::KeyPressed("space".into()),
        vec![ka, i(Instr::ListAdd { list: log })],
    );
    b.script(
        s,
        Hat::KeyPressed("any".into()),
        vec![kany, i(Instr::ListAdd { list: log })],
    );
    b.script(
        s,
        Hat::SpriteClicked,
        vec![kc, i(Instr::ListAdd { list: log })],
    );
    b.script(
        0,
        Hat::StageClicked,
        vec![kst, i(Instr::ListAdd { list: log })],
    );
    b.script(
        0,
        Hat::BackdropSwitchesTo("NIGHT".into()),
        vec![kn, i(Instr::ListAdd { list: log })],
    );
    let to = b.k("Night");
    b.script(
        s,
        Hat::KeyPressed("b".into()),
        vec![to, i(Instr::SwitchBackdrop)],
    );
    let mut vm = b.vm();
    vm.step_frame(&Input {
        keys_pressed: vec!["space".into()],
        clicked: vec![s],
        ..Input::default()
    });
    assert_eq!(
        texts(vm.list("Stage", "log").unwrap()),
        ["space", "any", "clicked"]
    );
    vm.step_frame(&Input {
        keys_pressed: vec!["B".into()],
        clicked: vec![0],
        ..Input::default()
    });
    assert_eq!(
        texts(vm.list("Stage", "log").unwrap()),
        ["space", "any", "clicked", "any", "stage", "night"]
    );
    assert_eq!(vm.sprite(0).unwrap().costume, 1);
}

#[test]
fn key_pressed_sensing() {
    let mut b = Build::new();
    let r = b.list(0, "r", vec![]);
    let (ka, kspace, kany, k65) = (b.k("a"), b.k("space"), b.k("any"), b.k(65.0));
    let mut body = Vec::new();
    for k in [ka, kspace, kany, k65] {
        body.push(k);
        body.push(i(Instr::KeyPressed));
        body.push(i(Instr::ListAdd { list: r }));
    }
    b.script(0, Hat::Flag, body);
    let mut vm = b.vm();
    vm.green_flag();
    vm.step_frame(&Input {
        keys_down: vec!["A".into()],
        ..Input::default()
    });
    assert_eq!(
        texts(vm.list("Stage", "r").unwrap()),
        ["true", "false", "true", "true"]
    );
}

#[test]
fn edge_activated_hat_fires_once_when_the_predicate_turns_true() {
    let mut b = Build::new();
    let n = b.var(0, "n", Value::Num(0.0));
    let k = b.k(0.1);
    let chunk = b.predicate(vec![i(Instr::Timer), k, i(Instr::Gt)]);
    let k1 = b.k(1.0);
    b.script(
        0,
        Hat::Predicate {
            opcode: "event_whengreaterthan".into(),
            chunk,
        },
        vec![k1, i(Instr::ChangeVar { var: n })],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frames(&mut vm, 3);
    assert_eq!(num(&vm, "Stage", "n"), 0.0);
    frames(&mut vm, 30);
    assert_eq!(num(&vm, "Stage", "n"), 1.0);
}

// ---------------------------------------------------------------------- stopping

#[test]
fn stop_this_script_ends_the_script_or_returns_from_a_custom_block() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let p = b.declare(s, "inner", 0, false);
    let (p1, p2) = (b.k("p1"), b.k("p2"));
    b.define(
        p,
        vec![
            p1,
            i(Instr::Say { kind: 0 }),
            i(Instr::Stop { option: 1 }),
            p2,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let (after, end) = (b.k("after"), b.k("never"));
    b.script(
        s,
        Hat::Flag,
        vec![
            i(Instr::Call { proc: p, argc: 0 }),
            after,
            i(Instr::Say { kind: 0 }),
            i(Instr::Stop { option: 1 }),
            end,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    assert_eq!(says(&frames(&mut vm, 3)), ["p1", "after"]);
    assert!(!vm.is_running());
}

#[test]
fn stop_other_scripts_in_sprite_stops_only_that_sprites_other_scripts() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let dog = b.sprite("Dog");
    let (c, d) = (
        b.var(0, "c", Value::Num(0.0)),
        b.var(0, "d", Value::Num(0.0)),
    );
    let (k1, k2) = (b.k(1.0), b.k(1.0));
    b.script(
        cat,
        Hat::Flag,
        vec![S::Forever(vec![k1, i(Instr::ChangeVar { var: c })])],
    );
    b.script(
        dog,
        Hat::Flag,
        vec![S::Forever(vec![k2, i(Instr::ChangeVar { var: d })])],
    );
    let (secs, still) = (b.k(0.1), b.k("still here"));
    b.script(
        cat,
        Hat::Flag,
        vec![
            secs,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            i(Instr::Stop { option: 2 }),
            still,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm_with(VmConfig {
        work_budget: 1000,
        ..VmConfig::default()
    });
    vm.green_flag();
    let events = frames(&mut vm, 6);
    assert_eq!(says(&events), ["still here"]);
    let (c1, d1) = (num(&vm, "Stage", "c"), num(&vm, "Stage", "d"));
    frames(&mut vm, 2);
    assert_eq!(num(&vm, "Stage", "c"), c1);
    assert!(num(&vm, "Stage", "d") > d1);
}

#[test]
fn stop_all_stops_everything_but_later_threads_finish_their_turn_in_that_pass() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let before = b.k("before");
    b.script(
        s,
        Hat::Flag,
        vec![
            before,
            i(Instr::Say { kind: 0 }),
            i(Instr::Stop { option: 0 }),
        ],
    );
    let (x, y) = (b.k("x"), b.k("y"));
    // In scratch-vm the sequencer goes on through the old thread array after `stop all`, so
    // this script (later in the list) still says "x" in that pass, then is gone.
    b.script(
        s,
        Hat::Flag,
        vec![
            x,
            i(Instr::Say { kind: 0 }),
            S::Forever(vec![y, i(Instr::Say { kind: 0 })]),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events = frame(&mut vm);
    // "before", then stop all removes the bubble (''), then the other script's turn: "x", and
    // "y" from the first iteration of its loop before the loop yields.
    assert_eq!(says(&events), ["before", "", "x", "y"]);
    assert!(events.contains(&Event::Sound(SoundEvent::StopAll)));
    assert!(!vm.is_running());
    assert!(says(&frames(&mut vm, 3)).is_empty());
}

#[test]
fn host_stop_all_removes_clones_bubbles_and_threads() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let (me, hi) = (b.k("_myself_"), b.k("hi"));
    b.script(
        s,
        Hat::Flag,
        vec![
            me,
            i(Instr::CreateClone),
            hi,
            i(Instr::Say { kind: 0 }),
            S::Forever(vec![]),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(vm.sprites().count(), 3);
    assert!(vm.is_running());
    vm.stop_all();
    assert_eq!(vm.sprites().count(), 2);
    assert!(!vm.is_running());
    assert_eq!(sprite_named(&vm, "Cat").bubble, None);
    let events = vm.take_events();
    assert!(events.contains(&Event::Bubble {
        target: "Cat".into(),
        kind: BubbleKind::Say,
        text: String::new()
    }));
}

// ---------------------------------------------------------------------- clones

#[test]
fn clones_copy_state_and_have_their_own_variables() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    b.sprite("Front");
    let v = b.var(s, "v", Value::Num(5.0));
    let (k7, k10, k20, me) = (b.k(7.0), b.k(10.0), b.k(20.0), b.k("_myself_"));
    b.script(
        s,
        Hat::Flag,
        vec![
            k7,
            i(Instr::StoreVar { var: v }),
            k10,
            k20,
            i(Instr::GoToXY),
            i(Instr::SetEffect { effect: 6 }),
            me,
            i(Instr::CreateClone),
        ],
    );
    let k1 = b.k(1.0);
    b.script(
        s,
        Hat::CloneStart,
        vec![
            k1,
            i(Instr::ChangeVar { var: v }),
            i(Instr::LoadVar { var: v }),
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events = frame(&mut vm);
    assert_eq!(says(&events), ["8"]);
    assert_eq!(num(&vm, "Cat", "v"), 7.0);
    let clone = vm.sprites().find(|s| s.is_clone).unwrap().clone();
    let original = sprite_named(&vm, "Cat").clone();
    assert_eq!((clone.x, clone.y), (10.0, 20.0));
    assert_eq!(clone.variables[0].to_number(), 8.0);
    assert_eq!(clone.effects, original.effects);
    // Just behind its parent.
    assert_eq!(clone.layer + 1, original.layer);
    assert_eq!(sprite_named(&vm, "Front").layer, original.layer + 1);
}

#[test]
fn clones_are_limited_to_300() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let (k400, me) = (b.k(400.0), b.k("_myself_"));
    b.script(
        s,
        Hat::Flag,
        vec![
            i(Instr::Hide),
            S::Repeat(vec![k400], vec![me, i(Instr::CreateClone)]),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events = frames(&mut vm, 2);
    assert_eq!(vm.sprites().filter(|s| s.is_clone).count(), 300);
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::Warning { .. }))
            .count(),
        1
    );
}

#[test]
fn delete_this_clone_only_deletes_clones() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let (k5, me, still) = (b.k(5.0), b.k("_myself_"), b.k("still here"));
    b.script(
        s,
        Hat::Flag,
        vec![
            S::Repeat(vec![k5], vec![me, i(Instr::CreateClone)]),
            i(Instr::DeleteClone),
            still,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let (bye, never) = (b.k("bye"), b.k("never"));
    b.script(
        s,
        Hat::CloneStart,
        vec![
            bye,
            i(Instr::Say { kind: 0 }),
            i(Instr::DeleteClone),
            never,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events = frames(&mut vm, 10);
    let said = says(&events);
    assert_eq!(said.iter().filter(|t| *t == "bye").count(), 5);
    assert_eq!(said.iter().filter(|t| *t == "never").count(), 0);
    assert!(said.contains(&"still here".to_string()));
    assert_eq!(vm.sprites().filter(|s| s.is_clone).count(), 0);
    assert_eq!(vm.clone_count, 0);
}

#[test]
fn the_stage_cannot_be_cloned() {
    let mut b = Build::new();
    let me = b.k("_myself_");
    b.script(0, Hat::Flag, vec![me, i(Instr::CreateClone)]);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(vm.sprites().count(), 1);
}

// ---------------------------------------------------------------------- ask

#[test]
fn ask_waits_for_the_answer() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let (q, hi) = (b.k("name?"), b.k("hi "));
    b.script(
        s,
        Hat::Flag,
        vec![
            q,
            i(Instr::AskStart),
            i(Instr::AskWait),
            hi,
            i(Instr::Answer),
            i(Instr::Join),
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events = frame(&mut vm);
    assert!(events.contains(&Event::Ask {
        target: "Cat".into(),
        question: "name?".into()
    }));
    assert_eq!(says(&events), ["name?"]);
    frames(&mut vm, 3);
    assert!(vm.waiting_for_answer());
    assert!(vm.is_running());
    vm.answer("Bo");
    assert_eq!(says(&vm.take_events()), [""]);
    assert!(!vm.waiting_for_answer());
    assert_eq!(says(&frame(&mut vm)), ["hi Bo"]);
}

// ---------------------------------------------------------------------- lists and operators

#[test]
fn list_rules() {
    let mut b = Build::new();
    let l = b.list(0, "l", vec![]);
    let out = b.list(0, "out", vec![]);
    let mut code = Vec::new();
    for item in ["a", "b", "c"] {
        code.push(b.k(item));
        code.push(i(Instr::ListAdd { list: l }));
    }
    code.extend([b.k("last"), i(Instr::ListDelete { list: l })]); // a b
    code.extend([b.k("z"), b.k(3.0), i(Instr::ListInsert { list: l })]); // a b z (length+1)
    code.extend([b.k("no"), b.k(5.0), i(Instr::ListInsert { list: l })]); // out of range
    code.extend([b.k(1.9), b.k("q"), i(Instr::ListReplace { list: l })]); // q b z (1.9 floors)
    code.extend([
        b.k("last"),
        i(Instr::ListItem { list: l }),
        i(Instr::ListAdd { list: out }),
    ]); // z
    code.extend([
        b.k(0.0),
        i(Instr::ListItem { list: l }),
        i(Instr::ListAdd { list: out }),
    ]); // ''
    code.extend([
        b.k("B"),
        i(Instr::ListItemNum { list: l }),
        i(Instr::ListAdd { list: out }),
    ]); // 2
    code.extend([
        b.k("Z"),
        i(Instr::ListContains { list: l }),
        i(Instr::ListAdd { list: out }),
    ]); // true
    code.extend([
        i(Instr::ListContents { list: l }),
        i(Instr::ListAdd { list: out }),
    ]); // qbz
    code.extend([
        b.k("random"),
        i(Instr::ListItem { list: l }),
        i(Instr::ListAdd { list: out }),
    ]);
    code.extend([
        b.k("all"),
        i(Instr::ListItem { list: l }),
        i(Instr::ListAdd { list: out }),
    ]); // '' (all only deletes)
    b.script(0, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(texts(vm.list("Stage", "l").unwrap()), ["q", "b", "z"]);
    let out = texts(vm.list("Stage", "out").unwrap());
    assert_eq!(&out[..5], ["z", "", "2", "true", "qbz"]);
    assert!(["q", "b", "z"].contains(&out[5].as_str()));
    assert_eq!(out[6], "");
}

#[test]
fn list_delete_all_and_random_and_number_matching() {
    let mut b = Build::new();
    let l = b.list(
        0,
        "l",
        vec![Value::from("123"), Value::Num(4.0), Value::from("x")],
    );
    let m = b.list(0, "m", vec![Value::from("only")]);
    let out = b.list(0, "out", vec![]);
    let code = vec![
        b.k(123.0),
        i(Instr::ListItemNum { list: l }),
        i(Instr::ListAdd { list: out }),
        i(Instr::ListContents { list: l }), // "123 4 x": not all single letters
        i(Instr::ListAdd { list: out }),
        b.k("random"),
        i(Instr::ListDelete { list: m }),
        b.k("all"),
        i(Instr::ListDelete { list: l }),
    ];
    b.script(0, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(texts(vm.list("Stage", "out").unwrap()), ["1", "123 4 x"]);
    assert!(vm.list("Stage", "l").unwrap().is_empty());
    assert!(vm.list("Stage", "m").unwrap().is_empty());
}

#[test]
fn lists_hold_at_most_200000_items() {
    let mut b = Build::new();
    let full: Vec<Value> = (0..LIST_ITEM_LIMIT).map(|n| Value::Num(n as f64)).collect();
    let l = b.list(0, "l", full);
    let code = vec![
        b.k("extra"),
        i(Instr::ListAdd { list: l }),
        b.k("first"),
        b.k(1.0),
        i(Instr::ListInsert { list: l }),
    ];
    b.script(0, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    let l = vm.list("Stage", "l").unwrap();
    assert_eq!(l.len(), LIST_ITEM_LIMIT);
    assert_eq!(l[0].to_str().as_ref(), "first");
    assert_eq!(
        l[LIST_ITEM_LIMIT - 1].to_number(),
        (LIST_ITEM_LIMIT - 2) as f64
    );
}

#[test]
fn operators() {
    let mut b = Build::new();
    let out = b.list(0, "out", vec![]);
    let mut code = Vec::new();
    let mut emit = |b: &mut Build, args: Vec<Value>, op: Instr| {
        for a in args {
            code.push(b.k(a));
        }
        code.push(i(op));
        code.push(i(Instr::ListAdd { list: out }));
    };
    emit(&mut b, vec![Value::Num(-7.0), Value::Num(3.0)], Instr::Mod); // 2
    emit(&mut b, vec![Value::Num(7.0), Value::Num(-3.0)], Instr::Mod); // -2
    emit(&mut b, vec![Value::Num(2.5)], Instr::Round); // 3
    emit(&mut b, vec![Value::Num(-2.5)], Instr::Round); // -2
    emit(
        &mut b,
        vec![Value::Num(2.0), Value::from("hello")],
        Instr::LetterOf,
    ); // e
    emit(
        &mut b,
        vec![Value::Num(9.0), Value::from("hello")],
        Instr::LetterOf,
    ); // ''
    emit(
        &mut b,
        vec![Value::from("Hello"), Value::from("ELL")],
        Instr::Contains,
    ); // true
    emit(&mut b, vec![Value::from("a"), Value::from("A")], Instr::Eq); // true
    emit(&mut b, vec![Value::from("10"), Value::from("9")], Instr::Gt); // true (numbers)
    emit(&mut b, vec![Value::from(" "), Value::Num(0.0)], Instr::Eq); // false
    emit(&mut b, vec![Value::Num(1.0), Value::Num(0.0)], Instr::Div); // Infinity
    emit(&mut b, vec![Value::Num(90.0)], Instr::MathOp { op: 6 }); // Infinity
    emit(&mut b, vec![Value::Num(180.0)], Instr::MathOp { op: 4 }); // 0
    emit(&mut b, vec![Value::from("日本")], Instr::Length); // 2
    emit(&mut b, vec![Value::from("x"), Value::Num(1.5)], Instr::Join); // x1.5
    b.script(0, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        [
            "2", "-2", "3", "-2", "e", "", "true", "true", "true", "false", "Infinity", "Infinity",
            "0", "2", "x1.5"
        ]
    );
}

#[test]
fn pick_random_gives_integers_or_decimals_like_scratch() {
    let mut b = Build::new();
    let out = b.list(0, "out", vec![]);
    let mut body = Vec::new();
    body.extend([
        b.k(1.0),
        b.k(10.0),
        i(Instr::Random),
        i(Instr::ListAdd { list: out }),
    ]);
    body.extend([
        b.k(1.0),
        b.k("10.0"),
        i(Instr::Random),
        i(Instr::ListAdd { list: out }),
    ]);
    let k = b.k(200.0);
    b.script(0, Hat::Flag, vec![S::Repeat(vec![k], body)]);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    let out = vm.list("Stage", "out").unwrap();
    assert_eq!(out.len(), 400);
    let ints: Vec<f64> = out.iter().step_by(2).map(|v| v.to_number()).collect();
    assert!(ints
        .iter()
        .all(|n| n.fract() == 0.0 && (1.0..=10.0).contains(n)));
    assert!(ints.contains(&1.0) && ints.contains(&10.0));
    let decimals: Vec<f64> = out
        .iter()
        .skip(1)
        .step_by(2)
        .map(|v| v.to_number())
        .collect();
    assert!(decimals.iter().all(|n| (1.0..10.0).contains(n)));
    assert!(decimals.iter().any(|n| n.fract() != 0.0));
}

// ---------------------------------------------------------------------- looks

#[test]
fn say_formats_numbers_and_limits_length() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let long = "x".repeat(400);
    let mut code = Vec::new();
    for v in [
        Value::Num(3.14158),
        Value::Num(0.001),
        Value::Num(2.0),
        Value::Num(0.125),
        Value::from("2.5"),
        Value::from(long),
    ] {
        code.push(b.k(v));
        code.push(i(Instr::Say { kind: 1 }));
    }
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    let events = frame(&mut vm);
    let said = says(&events);
    assert_eq!(&said[..5], ["3.14", "0.001", "2", "0.13", "2.5"]);
    assert_eq!(said[5].len(), 330);
    assert!(events.iter().all(|e| !matches!(
        e,
        Event::Bubble {
            kind: BubbleKind::Say,
            ..
        }
    )));
    assert_eq!(
        sprite_named(&vm, "Cat").bubble.as_ref().map(|b| b.1.len()),
        Some(330)
    );
}

#[test]
fn say_for_secs_removes_its_bubble_unless_replaced() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let (hi, secs, after) = (b.k("hi"), b.k(0.1), b.k("after"));
    b.script(
        s,
        Hat::Flag,
        vec![
            hi,
            secs,
            i(Instr::SayForSecsStart { kind: 0 }),
            i(Instr::WaitCheck),
            i(Instr::BubbleEnd),
            after,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    assert_eq!(says(&frame(&mut vm)), ["hi"]);
    assert_eq!(says(&frames(&mut vm, 3)), Vec::<String>::new());
    // The bubble was set a few work units into frame 1, so its 100 ms are up just after frame 4
    // starts (t = 100 ms): the timer fires before frame 5.
    assert_eq!(says(&frame(&mut vm)), ["", "after"]);
}

#[test]
fn costumes_by_name_number_and_number_like_names() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    for name in ["a", "3", "c"] {
        b.costume(s, name, None);
    }
    let out = b.list(0, "out", vec![]);
    let mut code = Vec::new();
    let mut step = |b: &mut Build, v: Value| {
        code.push(b.k(v));
        code.push(i(Instr::SwitchCostume));
        code.push(i(Instr::CostumeNumberName { name: 0 }));
        code.push(i(Instr::ListAdd { list: out }));
    };
    step(&mut b, Value::from("3")); // the costume named "3": number 2
    step(&mut b, Value::Num(3.0)); // number 3
    step(&mut b, Value::from("c")); // 3
    step(&mut b, Value::from("next costume")); // wraps to 1
    step(&mut b, Value::from("previous costume")); // wraps to 3
    step(&mut b, Value::from("2")); // number-like name that is no costume: 2
    step(&mut b, Value::from("nope")); // unchanged: 2
    step(&mut b, Value::Num(5.0)); // wraps: 2
    step(&mut b, Value::from(" ")); // whitespace is not a number: 2
    code.push(i(Instr::NextCostume));
    code.push(i(Instr::CostumeNumberName { name: 1 }));
    code.push(i(Instr::ListAdd { list: out })); // "c"
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        ["2", "3", "3", "1", "3", "2", "2", "2", "2", "c"]
    );
}

#[test]
fn size_effects_and_layers_are_clamped_like_scratch() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    b.costume(s, "c", Some((100.0, 50.0)));
    let dog = b.sprite("Dog");
    let code = vec![
        b.k(1.0),
        i(Instr::SetSize), // min: 5 px on the longer... Scratch: max(5/100, 5/50) = 10%
        b.k(150.0),
        i(Instr::SetEffect { effect: 6 }), // ghost 100
        b.k(-150.0),
        i(Instr::ChangeEffect { effect: 5 }), // brightness -100
        b.k(30.0),
        i(Instr::SetEffect { effect: 0 }), // colour is not clamped
        i(Instr::GoFrontBack { front: 1 }),
        b.k(190.0),
        i(Instr::PointInDirection),
    ];
    b.script(s, Hat::Flag, code);
    let _ = dog;
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    let cat = sprite_named(&vm, "Cat");
    assert_eq!(cat.size, 10.0);
    assert_eq!(cat.effects[6], 100.0);
    assert_eq!(cat.effects[5], -100.0);
    assert_eq!(cat.effects[0], 30.0);
    assert_eq!(cat.direction, -170.0);
    assert_eq!(cat.layer, 2);
    assert_eq!(sprite_named(&vm, "Dog").layer, 1);
}

#[test]
fn size_maximum_is_one_and_a_half_stages() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    b.costume(s, "c", Some((100.0, 50.0)));
    let code = vec![
        b.k(10_000.0),
        i(Instr::SetSize),
        i(Instr::Size),
        i(Instr::Say { kind: 0 }),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    // min(720/100, 540/50) = 7.2.
    assert_eq!(says(&frame(&mut vm)), ["720"]);
}

// ---------------------------------------------------------------------- motion

#[test]
fn motion_fencing_direction_and_glide() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let out = b.list(0, "out", vec![]);
    let code = vec![
        b.k(1000.0),
        b.k(-1000.0),
        i(Instr::GoToXY),
        i(Instr::XPosition),
        i(Instr::ListAdd { list: out }),
        i(Instr::YPosition),
        i(Instr::ListAdd { list: out }),
        b.k(0.0),
        b.k(0.0),
        i(Instr::GoToXY),
        b.k(0.0),
        i(Instr::PointInDirection),
        b.k(10.0),
        i(Instr::MoveSteps),
        i(Instr::YPosition),
        i(Instr::ListAdd { list: out }),
        b.k(0.5),
        b.k(100.0),
        b.k(10.0),
        i(Instr::GlideToXYStart),
        i(Instr::GlideStep),
        i(Instr::XPosition),
        i(Instr::ListAdd { list: out }),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        ["240", "-180", "10"]
    );
    // Moving 10 steps up leaves x at 10·cos(90°) ≈ 6e-16, as in JavaScript.
    let x_after_1 = sprite_named(&vm, "Cat").x;
    assert!(x_after_1.abs() < 1e-9);
    frames(&mut vm, 8);
    let x = sprite_named(&vm, "Cat").x;
    assert!(x > 40.0 && x < 100.0, "{x}");
    frames(&mut vm, 10);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        ["240", "-180", "10", "100"]
    );
}

#[test]
fn bounce_turns_away_from_the_edge() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    b.costume(s, "c", Some((40.0, 40.0)));
    let code = vec![
        b.k(235.0),
        b.k(0.0),
        i(Instr::GoToXY),
        b.k(45.0),
        i(Instr::PointInDirection),
        i(Instr::BounceOnEdge),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    let cat = sprite_named(&vm, "Cat");
    assert!((cat.direction + 45.0).abs() < 1e-9, "{}", cat.direction);
    // Turned by 45°, the 40×40 costume reaches 20·√2 to the right.
    assert!(
        (cat.x - (240.0 - 20.0 * 2f64.sqrt())).abs() < 1e-9,
        "{}",
        cat.x
    );
}

#[test]
fn touching_and_distance_use_bounds() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    b.costume(cat, "c", Some((40.0, 40.0)));
    let dog = b.sprite("Dog");
    b.costume(dog, "d", Some((40.0, 40.0)));
    let out = b.list(0, "out", vec![]);
    let code = vec![
        b.k("Dog"),
        i(Instr::TouchingObject),
        i(Instr::ListAdd { list: out }),
        b.k(100.0),
        b.k(0.0),
        i(Instr::GoToXY),
        b.k("Dog"),
        i(Instr::TouchingObject),
        i(Instr::ListAdd { list: out }),
        b.k("Dog"),
        i(Instr::DistanceTo),
        i(Instr::ListAdd { list: out }),
        b.k("_edge_"),
        i(Instr::TouchingObject),
        i(Instr::ListAdd { list: out }),
        b.k(235.0),
        b.k(0.0),
        i(Instr::GoToXY),
        b.k("_edge_"),
        i(Instr::TouchingObject),
        i(Instr::ListAdd { list: out }),
    ];
    b.script(cat, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        ["true", "false", "100", "false", "true"]
    );
}

#[test]
fn sensing_of_reads_other_sprites() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let dog = b.sprite("Dog");
    b.var(dog, "speed", Value::Num(7.0));
    b.var(0, "g", Value::Num(3.0));
    let out = b.list(0, "out", vec![]);
    let code = vec![
        b.k("speed"),
        b.k("Dog"),
        i(Instr::Of),
        i(Instr::ListAdd { list: out }),
        b.k("x position"),
        b.k("Dog"),
        i(Instr::Of),
        i(Instr::ListAdd { list: out }),
        b.k("g"),
        b.k("_stage_"),
        i(Instr::Of),
        i(Instr::ListAdd { list: out }),
        b.k("nothing"),
        b.k("Nobody"),
        i(Instr::Of),
        i(Instr::ListAdd { list: out }),
    ];
    b.script(cat, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        ["7", "0", "3", "0"]
    );
}

// ---------------------------------------------------------------------- pen, sound, music

#[test]
fn pen_draws_lines_in_the_pen_colour() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let code = vec![
        i(Instr::PenDown),
        b.k(10.0),
        i(Instr::ChangeX),
        b.k("color"),
        b.k(0.0),
        i(Instr::SetPenParam),
        b.k(5.0),
        i(Instr::SetPenSize),
        b.k(20.0),
        i(Instr::SetY),
        i(Instr::PenUp),
        b.k(50.0),
        i(Instr::SetY),
        b.k("#00ff00"),
        i(Instr::SetPenColor),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    let pen: Vec<PenEvent> = frame(&mut vm)
        .into_iter()
        .filter_map(|e| if let Event::Pen(p) = e { Some(p) } else { None })
        .collect();
    assert_eq!(
        pen,
        [
            PenEvent::Dot {
                x: 0.0,
                y: 0.0,
                rgba: [0.0, 0.0, 1.0, 1.0],
                size: 1.0
            },
            PenEvent::Line {
                x0: 0.0,
                y0: 0.0,
                x1: 10.0,
                y1: 0.0,
                rgba: [0.0, 0.0, 1.0, 1.0],
                size: 1.0
            },
            PenEvent::Line {
                x0: 10.0,
                y0: 0.0,
                x1: 10.0,
                y1: 20.0,
                rgba: [1.0, 0.0, 0.0, 1.0],
                size: 5.0
            },
        ]
    );
    let p = &sprite_named(&vm, "Cat").pen;
    assert!((p.color - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(p.rgba, [0.0, 1.0, 0.0, 1.0]);
}

#[test]
fn volume_and_sound_effects_wait_a_frame_and_are_clamped() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    b.p.targets[s as usize].sounds.push(SoundDef {
        name: "meow".into(),
        file: None,
        seconds: Some(0.5),
        rate_and_samples: None,
    });
    let code = vec![
        b.k(150.0),
        i(Instr::SetVolume),
        b.k(500.0),
        i(Instr::ChangeSoundEffect { effect: 0 }),
        b.k("meow"),
        i(Instr::PlaySound),
        b.k("1"),
        i(Instr::PlaySoundStart),
        i(Instr::WaitCheck),
        b.k("done"),
        i(Instr::Say { kind: 0 }),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    let e1 = frame(&mut vm);
    assert!(e1.contains(&Event::Sound(SoundEvent::Effects {
        target: "Cat".into(),
        sprite: 1,
        volume: 100.0,
        pitch: 0.0,
        pan: 0.0
    })));
    let e2 = frame(&mut vm);
    assert!(e2.contains(&Event::Sound(SoundEvent::Effects {
        target: "Cat".into(),
        sprite: 1,
        volume: 100.0,
        pitch: 360.0,
        pan: 0.0
    })));
    let e3 = frame(&mut vm);
    let play = Event::Sound(SoundEvent::Play {
        target: "Cat".into(),
        sprite: 1,
        owner: 1,
        sound: 0,
        volume: 100.0,
        pitch: 360.0,
        pan: 0.0,
    });
    assert_eq!(e3.iter().filter(|e| **e == play).count(), 2);
    // 0.5 s at pitch +360 (three octaves up) lasts 62.5 ms: done 2 frames later.
    assert!(says(&frame(&mut vm)).is_empty());
    assert_eq!(says(&frame(&mut vm)), ["done"]);
}

#[test]
fn music_blocks_clamp_and_time_by_tempo() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let code = vec![
        b.k(1000.0),
        i(Instr::SetTempo),
        i(Instr::Tempo),
        i(Instr::Say { kind: 0 }),
        b.k(120.0),
        i(Instr::SetTempo),
        b.k(20.0),
        i(Instr::SetInstrument),
        b.k(19.0),
        b.k(1.0),
        i(Instr::PlayDrumStart),
        i(Instr::WaitCheck),
        b.k(200.0),
        b.k(0.5),
        i(Instr::PlayNoteStart),
        i(Instr::WaitCheck),
        b.k("end"),
        i(Instr::Say { kind: 0 }),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    let mut events = Vec::new();
    let mut n = 0;
    while !says(&events).contains(&"end".to_string()) {
        events.extend(frame(&mut vm));
        n += 1;
        assert!(n < 100);
    }
    assert_eq!(says(&events)[0], "500");
    assert!(events.contains(&Event::Sound(SoundEvent::Drum {
        sprite: 1,
        drum: 1,
        seconds: 0.5,
        volume: 100.0
    })));
    assert!(events.contains(&Event::Sound(SoundEvent::Note {
        sprite: 1,
        note: 130.0,
        instrument: 20,
        seconds: 0.25,
        volume: 100.0
    })));
    // 0.5 s + 0.25 s at 30 frames per second.
    assert!((23..=25).contains(&n), "{n}");
}

#[test]
fn midi_legacy_inputs_map_to_scratch_numbers() {
    let mut b = Build::new();
    let out = b.list(0, "out", vec![]);
    let code = vec![
        b.k(36.0),
        i(Instr::MidiDrum),
        i(Instr::ListAdd { list: out }),
        b.k(1.0),
        i(Instr::MidiDrum),
        i(Instr::ListAdd { list: out }),
        b.k(41.0),
        i(Instr::MidiInstrument),
        i(Instr::ListAdd { list: out }),
    ];
    b.script(0, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(texts(vm.list("Stage", "out").unwrap()), ["2", "3", "8"]);
}

// ---------------------------------------------------------------------- time and determinism

#[test]
fn timer_reads_the_frame_start_and_resets() {
    let mut b = Build::new();
    let t = b.var(0, "t", Value::Num(-1.0));
    let k = b.k(10.0);
    b.script(
        0,
        Hat::Flag,
        vec![
            S::Repeat(vec![k], vec![]),
            i(Instr::Timer),
            i(Instr::StoreVar { var: t }),
        ],
    );
    let mut vm = b.vm_with(VmConfig {
        frame_rate: 60.0,
        ..VmConfig::default()
    });
    vm.green_flag();
    frames(&mut vm, 2);
    // Redraw-free loops finish in the first frame. As in Scratch, whose runtime is already
    // running when the flag is clicked, that frame starts one frame (17 ms) after the reset.
    assert_eq!(num(&vm, "Stage", "t"), 0.017);
}

#[test]
fn dates_come_from_the_configured_epoch() {
    let mut b = Build::new();
    let out = b.list(0, "out", vec![]);
    let mut code = Vec::new();
    for unit in 0..7 {
        code.push(i(Instr::Current { unit }));
        code.push(i(Instr::ListAdd { list: out }));
    }
    b.script(0, Hat::Flag, code);
    // 2024-03-01 12:34:56 UTC, a Friday.
    let mut vm = b.vm_with(VmConfig {
        epoch_ms: 1_709_296_496_000.0,
        ..VmConfig::default()
    });
    vm.green_flag();
    frame(&mut vm);
    assert_eq!(
        texts(vm.list("Stage", "out").unwrap()),
        ["2024", "3", "1", "6", "12", "34", "56"]
    );
}

#[test]
fn same_seed_same_run() {
    let run = |seed| {
        let mut b = Build::new();
        let s = b.sprite("Cat");
        let out = b.list(0, "out", vec![]);
        let body = vec![
            b.k("_random_"),
            i(Instr::GoTo),
            i(Instr::XPosition),
            i(Instr::ListAdd { list: out }),
        ];
        let k = b.k(20.0);
        b.script(s, Hat::Flag, vec![S::Repeat(vec![k], body)]);
        let mut vm = b.vm_with(VmConfig {
            seed,
            ..VmConfig::default()
        });
        vm.green_flag();
        frames(&mut vm, 25);
        texts(vm.list("Stage", "out").unwrap())
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn idle_waits_do_not_burn_the_work_budget() {
    // A thread waiting one second in a loop without redraws: the VM must not spin through the
    // whole budget every frame, and the wait still ends on time.
    let mut b = Build::new();
    let c = b.var(0, "c", Value::Num(0.0));
    let (k1, secs) = (b.k(1.0), b.k(1.0));
    b.script(
        0,
        Hat::Flag,
        vec![S::Forever(vec![
            secs,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            k1,
            i(Instr::ChangeVar { var: c }),
        ])],
    );
    let mut vm = b.vm();
    vm.green_flag();
    frames(&mut vm, 95);
    assert_eq!(num(&vm, "Stage", "c"), 3.0);
}

#[test]
fn wait_until_polls_each_frame() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let go = b.var(0, "go", Value::Num(0.0));
    let (k1, ok) = (b.k(1.0), b.k("ok"));
    b.script(
        s,
        Hat::Flag,
        vec![
            S::WaitUntil(vec![i(Instr::LoadVar { var: go }), k1, i(Instr::Eq)]),
            ok,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let (secs, one) = (b.k(0.1), b.k(1.0));
    b.script(
        0,
        Hat::Flag,
        vec![
            secs,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            one,
            i(Instr::StoreVar { var: go }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    assert!(says(&frames(&mut vm, 3)).is_empty());
    assert_eq!(says(&frames(&mut vm, 2)), ["ok"]);
}

#[test]
fn monitors_are_shown_and_hidden() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let g = b.var(0, "score", Value::Num(0.0));
    let l = b.var(s, "lives", Value::Num(0.0));
    b.script(
        s,
        Hat::Flag,
        vec![i(Instr::ShowVar { var: g }), i(Instr::HideVar { var: l })],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events: Vec<Event> = frame(&mut vm)
        .into_iter()
        .filter(|e| matches!(e, Event::Monitor { .. }))
        .collect();
    assert_eq!(
        events,
        [
            Event::Monitor {
                name: "score".into(),
                is_list: false,
                visible: true
            },
            Event::Monitor {
                name: "Cat: lives".into(),
                is_list: false,
                visible: false
            },
        ]
    );
}

/// The `loop` benchmark of shared/bench: `repeat 1000000 { change [counter] by 1 }` in a warp
/// custom block. (`cargo test --release a_million -- --nocapture` prints the time.)
#[test]
fn a_million_warp_iterations_finish_in_one_frame() {
    let reps = if cfg!(debug_assertions) { 1 } else { 7 };
    let mut best = std::time::Duration::MAX;
    for _ in 0..reps {
        let mut b = Build::new();
        let c = b.var(0, "counter", Value::Num(0.0));
        let p = b.declare(0, "count", 0, true);
        let (n, one) = (b.k(1_000_000.0), b.k(1.0));
        b.define(
            p,
            vec![S::Repeat(
                vec![n],
                vec![one, i(Instr::ChangeVar { var: c })],
            )],
        );
        b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
        let mut vm = b.vm();
        vm.green_flag();
        let start = std::time::Instant::now();
        frame(&mut vm);
        best = best.min(start.elapsed());
        assert_eq!(num(&vm, "Stage", "counter"), 1_000_000.0);
        assert!(!vm.is_running());
    }
    eprintln!("1M warp iterations: {best:?} (best of {reps})");
}

// ---------------------------------------------------------------------- benchmark programs

/// shared/bench's `primes` up to `limit`, in a warp custom block.
fn primes_program(limit: f64) -> Build {
    let mut b = Build::new();
    let [count, n, d, isprime] =
        ["count", "n", "d", "isprime"].map(|name| b.var(0, name, Value::Num(0.0)));
    let p = b.declare(0, "count primes", 0, true);
    let body = vec![
        b.k(0.0),
        i(Instr::StoreVar { var: count }),
        b.k(2.0),
        i(Instr::StoreVar { var: n }),
        S::RepeatUntil(
            vec![i(Instr::LoadVar { var: n }), b.k(limit), i(Instr::Gt)],
            vec![
                b.k(2.0),
                i(Instr::StoreVar { var: d }),
                b.k(1.0),
                i(Instr::StoreVar { var: isprime }),
                S::RepeatUntil(
                    vec![
                        i(Instr::LoadVar { var: d }),
                        i(Instr::LoadVar { var: d }),
                        i(Instr::Mul),
                        i(Instr::LoadVar { var: n }),
                        i(Instr::Gt),
                        i(Instr::LoadVar { var: isprime }),
                        b.k(0.0),
                        i(Instr::Eq),
                        i(Instr::Or),
                    ],
                    vec![
                        S::If(
                            vec![
                                i(Instr::LoadVar { var: n }),
                                i(Instr::LoadVar { var: d }),
                                i(Instr::Mod),
                                b.k(0.0),
                                i(Instr::Eq),
                            ],
                            vec![b.k(0.0), i(Instr::StoreVar { var: isprime })],
                        ),
                        b.k(1.0),
                        i(Instr::ChangeVar { var: d }),
                    ],
                ),
                i(Instr::LoadVar { var: isprime }),
                i(Instr::ChangeVar { var: count }),
                b.k(1.0),
                i(Instr::ChangeVar { var: n }),
            ],
        ),
    ];
    b.define(p, body);
    b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
    b
}

/// shared/bench's `list`: fill a list with 1…n and sum it.
fn list_program(n: f64) -> Build {
    let mut b = Build::new();
    let [i_var, sum] = ["i", "sum"].map(|name| b.var(0, name, Value::Num(0.0)));
    let items = b.list(0, "items", vec![]);
    let p = b.declare(0, "fill and sum", 0, true);
    let body = vec![
        i(Instr::ListDeleteAll { list: items }),
        b.k(1.0),
        i(Instr::StoreVar { var: i_var }),
        S::Repeat(
            vec![b.k(n)],
            vec![
                i(Instr::LoadVar { var: i_var }),
                i(Instr::ListAdd { list: items }),
                b.k(1.0),
                i(Instr::ChangeVar { var: i_var }),
            ],
        ),
        b.k(0.0),
        i(Instr::StoreVar { var: sum }),
        b.k(1.0),
        i(Instr::StoreVar { var: i_var }),
        S::Repeat(
            vec![i(Instr::ListLength { list: items })],
            vec![
                i(Instr::LoadVar { var: i_var }),
                i(Instr::ListItem { list: items }),
                i(Instr::ChangeVar { var: sum }),
                b.k(1.0),
                i(Instr::ChangeVar { var: i_var }),
            ],
        ),
    ];
    b.define(p, body);
    b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
    b
}

/// shared/bench's `strings`: build a string letter by letter, then count its a's.
fn strings_program(n: f64) -> Build {
    let mut b = Build::new();
    let [s, i_var, count] = ["s", "i", "count"].map(|name| b.var(0, name, Value::Num(0.0)));
    let p = b.declare(0, "build and count", 0, true);
    let body = vec![
        b.k(""),
        i(Instr::StoreVar { var: s }),
        b.k(0.0),
        i(Instr::StoreVar { var: i_var }),
        S::Repeat(
            vec![b.k(n)],
            vec![
                i(Instr::LoadVar { var: s }),
                i(Instr::LoadVar { var: i_var }),
                b.k(26.0),
                i(Instr::Mod),
                b.k(1.0),
                i(Instr::Add),
                b.k("abcdefghijklmnopqrstuvwxyz"),
                i(Instr::LetterOf),
                i(Instr::Join),
                i(Instr::StoreVar { var: s }),
                b.k(1.0),
                i(Instr::ChangeVar { var: i_var }),
            ],
        ),
        b.k(0.0),
        i(Instr::StoreVar { var: count }),
        b.k(1.0),
        i(Instr::StoreVar { var: i_var }),
        S::Repeat(
            vec![i(Instr::LoadVar { var: s }), i(Instr::Length)],
            vec![
                S::If(
                    vec![
                        i(Instr::LoadVar { var: i_var }),
                        i(Instr::LoadVar { var: s }),
                        i(Instr::LetterOf),
                        b.k("a"),
                        i(Instr::Eq),
                    ],
                    vec![b.k(1.0), i(Instr::ChangeVar { var: count })],
                ),
                b.k(1.0),
                i(Instr::ChangeVar { var: i_var }),
            ],
        ),
    ];
    b.define(p, body);
    b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
    b
}

/// shared/bench's `fib`: recursive, with the results on a list used as a stack.
fn fib_program(n: f64) -> Build {
    let mut b = Build::new();
    let [a, bv] = ["a", "b"].map(|name| b.var(0, name, Value::Num(0.0)));
    let stack = b.list(0, "stack", vec![]);
    let p = b.declare(0, "fib %s", 1, true);
    let body = vec![S::IfElse(
        vec![i(Instr::LoadArg { index: 0 }), b.k(2.0), i(Instr::Lt)],
        vec![
            i(Instr::LoadArg { index: 0 }),
            i(Instr::ListAdd { list: stack }),
        ],
        vec![
            i(Instr::LoadArg { index: 0 }),
            b.k(1.0),
            i(Instr::Sub),
            i(Instr::Call { proc: p, argc: 1 }),
            i(Instr::LoadArg { index: 0 }),
            b.k(2.0),
            i(Instr::Sub),
            i(Instr::Call { proc: p, argc: 1 }),
            b.k("last"),
            i(Instr::ListItem { list: stack }),
            i(Instr::StoreVar { var: a }),
            b.k("last"),
            i(Instr::ListDelete { list: stack }),
            b.k("last"),
            i(Instr::ListItem { list: stack }),
            i(Instr::StoreVar { var: bv }),
            b.k("last"),
            i(Instr::ListDelete { list: stack }),
            i(Instr::LoadVar { var: a }),
            i(Instr::LoadVar { var: bv }),
            i(Instr::Add),
            i(Instr::ListAdd { list: stack }),
        ],
    )];
    b.define(p, body);
    let script = vec![
        i(Instr::ListDeleteAll { list: stack }),
        b.k(n),
        i(Instr::Call { proc: p, argc: 1 }),
    ];
    b.script(0, Hat::Flag, script);
    b
}

/// Text blocks where growing a text in place could go wrong: a variable's text shared with
/// another variable, a list and the other operand; non-ASCII and long texts; operands that are
/// not texts. The results go to the list `out`.
fn text_program() -> Build {
    let mut b = Build::new();
    let [s, t, u, i_var, count] =
        ["s", "t", "u", "i", "count"].map(|name| b.var(0, name, Value::Num(0.0)));
    let out = b.list(0, "out", vec![]);
    let p = b.declare(0, "texts", 0, true);
    let add = |v: u32| {
        [
            i(Instr::LoadVar { var: v }),
            i(Instr::ListAdd { list: out }),
        ]
    };
    let mut body = vec![
        b.k(""),
        i(Instr::StoreVar { var: s }),
        b.k(0.0),
        i(Instr::StoreVar { var: i_var }),
        // Builds 100 letters of "héllo", past the length where a text becomes a buffer.
        S::Repeat(
            vec![b.k(100.0)],
            vec![
                i(Instr::LoadVar { var: s }),
                i(Instr::LoadVar { var: i_var }),
                b.k(5.0),
                i(Instr::Mod),
                b.k(1.0),
                i(Instr::Add),
                b.k("héllo"),
                i(Instr::LetterOf),
                i(Instr::Join),
                i(Instr::StoreVar { var: s }),
                b.k(1.0),
                i(Instr::ChangeVar { var: i_var }),
            ],
        ),
        // `t` shares the text; growing `s` must not change it.
        i(Instr::LoadVar { var: s }),
        i(Instr::StoreVar { var: t }),
        i(Instr::LoadVar { var: s }),
        b.k("!"),
        i(Instr::Join),
        i(Instr::StoreVar { var: s }),
        // So does the list.
        i(Instr::LoadVar { var: s }),
        i(Instr::ListAdd { list: out }),
        i(Instr::LoadVar { var: s }),
        b.k("?"),
        i(Instr::Join),
        i(Instr::StoreVar { var: s }),
        // The text joined to itself.
        i(Instr::LoadVar { var: s }),
        i(Instr::LoadVar { var: s }),
        i(Instr::Join),
        i(Instr::StoreVar { var: s }),
        // Another variable's text on the left.
        i(Instr::LoadVar { var: t }),
        b.k(12.5),
        i(Instr::Join),
        i(Instr::StoreVar { var: u }),
        // A join of a join (the inner result is nobody else's), stored.
        i(Instr::LoadVar { var: u }),
        b.k("a"),
        i(Instr::Join),
        b.k("b"),
        i(Instr::Join),
        i(Instr::StoreVar { var: u }),
        // A number variable joined to itself, then a text.
        b.k(7.0),
        i(Instr::StoreVar { var: i_var }),
        i(Instr::LoadVar { var: i_var }),
        b.k(1.0),
        b.k(1.0),
        i(Instr::Eq),
        i(Instr::Join),
        i(Instr::StoreVar { var: i_var }),
    ];
    body.extend(add(s));
    body.extend(add(t));
    body.extend(add(u));
    body.extend(add(i_var));
    // Counts the É's (compared ignoring case) and the letters of the long text.
    body.extend([
        b.k(0.0),
        i(Instr::StoreVar { var: count }),
        b.k(1.0),
        i(Instr::StoreVar { var: i_var }),
        S::Repeat(
            vec![i(Instr::LoadVar { var: s }), i(Instr::Length)],
            vec![
                S::If(
                    vec![
                        i(Instr::LoadVar { var: i_var }),
                        i(Instr::LoadVar { var: s }),
                        i(Instr::LetterOf),
                        b.k("É"),
                        i(Instr::Eq),
                    ],
                    vec![b.k(1.0), i(Instr::ChangeVar { var: count })],
                ),
                b.k(1.0),
                i(Instr::ChangeVar { var: i_var }),
            ],
        ),
    ]);
    body.extend(add(count));
    // Letters and lengths at the edges.
    for (index, text) in [
        (Value::Num(2.0), Value::Num(12345.0)),
        (Value::Num(1.5), Value::from("abc")),
        (Value::Num(0.0), Value::from("abc")),
        (Value::Num(4.0), Value::from("abc")),
        (Value::Num(2.0), Value::from("a😀b")),
        (Value::Num(4.0), Value::from("a😀b")),
        (Value::Num(5.0), Value::from("a😀b")),
        (Value::from("3"), Value::from("日本語")),
        (Value::Num(70.0), Value::from("x".repeat(69) + "yz")),
        (Value::Num(70.0), Value::from("é".repeat(69) + "yz")),
    ] {
        body.extend([
            b.k(index),
            b.k(text),
            i(Instr::LetterOf),
            i(Instr::ListAdd { list: out }),
        ]);
    }
    for text in ["a😀b", "日本語", ""] {
        body.extend([b.k(text), i(Instr::Length), i(Instr::ListAdd { list: out })]);
    }
    body.extend([
        i(Instr::LoadVar { var: s }),
        b.k("LLOH"),
        i(Instr::Contains),
        i(Instr::ListAdd { list: out }),
        i(Instr::LoadVar { var: s }),
        b.k("ÉLLO"),
        i(Instr::Contains),
        i(Instr::ListAdd { list: out }),
    ]);
    b.define(p, body);
    b.script(0, Hat::Flag, vec![i(Instr::Call { proc: p, argc: 0 })]);
    b
}

#[test]
fn text_blocks_never_change_a_shared_text() {
    let mut vm = text_program().vm();
    run_to_end(&mut vm);
    let built = "héllo".repeat(20);
    let s = format!("{built}!?{built}!?");
    let out = texts(vm.list("Stage", "out").unwrap());
    let expected = [
        format!("{built}!"),
        s.clone(),
        built.clone(),
        format!("{built}12.5ab"),
        "7true".to_string(),
        // Every é: `=` ignores case.
        "40".to_string(),
        "2".to_string(),
        "a".to_string(),
        "".to_string(),
        "".to_string(),
        "\u{fffd}".to_string(),
        "b".to_string(),
        "".to_string(),
        "語".to_string(),
        "y".to_string(),
        "y".to_string(),
        "4".to_string(),
        "3".to_string(),
        "0".to_string(),
        "true".to_string(),
        "true".to_string(),
    ];
    assert_eq!(out, expected);
}

/// Runs a program to the end; returns the frames it took.
fn run_to_end(vm: &mut Vm) -> u64 {
    vm.green_flag();
    while vm.is_running() {
        vm.step_frame(&Input::default());
        assert!(vm.frames() < 10_000);
    }
    vm.frames()
}

#[test]
fn benchmark_programs_give_the_right_answers() {
    let mut vm = primes_program(2000.0).vm();
    run_to_end(&mut vm);
    assert_eq!(num(&vm, "Stage", "count"), 303.0);
    let mut vm = list_program(1000.0).vm();
    run_to_end(&mut vm);
    assert_eq!(num(&vm, "Stage", "sum"), 500_500.0);
    let mut vm = strings_program(1000.0).vm();
    run_to_end(&mut vm);
    assert_eq!(vm.variable("Stage", "s").unwrap().to_str().len(), 1000);
    assert_eq!(num(&vm, "Stage", "count"), 39.0);
    let mut vm = fib_program(15.0).vm();
    run_to_end(&mut vm);
    assert_eq!(texts(vm.list("Stage", "stack").unwrap()), ["610"]);
}

#[test]
fn superinstructions_change_nothing_observable() {
    let programs: Vec<fn() -> Build> = vec![
        || primes_program(3000.0),
        || list_program(3000.0),
        || strings_program(500.0),
        || fib_program(12.0),
        text_program,
    ];
    for make in programs {
        // A small budget so the work spreads over several frames and the clock matters.
        let config = VmConfig {
            work_budget: 20_000,
            ..VmConfig::default()
        };
        let mut fused = make().vm_with(config.clone());
        let mut plain = make().vm_with(config).unfused();
        fused.green_flag();
        plain.green_flag();
        for _ in 0..200 {
            fused.step_frame(&Input::default());
            plain.step_frame(&Input::default());
            assert_eq!(fused.time_ms(), plain.time_ms());
            assert_eq!(fused.sprites[0].variables, plain.sprites[0].variables);
            assert_eq!(fused.sprites[0].lists, plain.sprites[0].lists);
            assert_eq!(fused.take_events(), plain.take_events());
            if !fused.is_running() {
                break;
            }
        }
        assert!(!plain.is_running());
    }
}

/// Times shared/bench's programs at their full sizes:
/// `cargo test -p starling-runtime --release bench_programs -- --nocapture`.
#[test]
fn bench_programs_timing() {
    let full = !cfg!(debug_assertions);
    let cases: Vec<(&str, Build, &str, &str)> = vec![
        (
            "primes",
            primes_program(if full { 19999.0 } else { 200.0 }),
            "count",
            if full { "2262" } else { "46" },
        ),
        (
            "list",
            list_program(if full { 100_000.0 } else { 100.0 }),
            "sum",
            if full { "5000050000" } else { "5050" },
        ),
        (
            "strings",
            strings_program(if full { 10_000.0 } else { 100.0 }),
            "count",
            if full { "385" } else { "4" },
        ),
    ];
    for (name, b, var, expected) in cases {
        let mut vm = b.vm();
        let start = std::time::Instant::now();
        let frames = run_to_end(&mut vm);
        eprintln!("{name}: {:?} ({frames} frames)", start.elapsed());
        assert_eq!(
            vm.variable("Stage", var).unwrap().to_str().as_ref(),
            expected
        );
    }
    let mut vm = fib_program(if full { 20.0 } else { 10.0 }).vm();
    let start = std::time::Instant::now();
    run_to_end(&mut vm);
    eprintln!("fib: {:?}", start.elapsed());
    assert_eq!(
        texts(vm.list("Stage", "stack").unwrap()),
        [if full { "6765" } else { "55" }]
    );
}

#[test]
fn a_restarted_thread_keeps_its_place_in_the_thread_list() {
    let mut b = Build::new();
    let a = b.sprite("A");
    let g = b.sprite("G");
    let (kr, kg) = (b.k("R"), b.k("G"));
    b.script(
        a,
        Hat::BroadcastReceived("r".into()),
        vec![S::Forever(vec![kr, i(Instr::Say { kind: 0 })])],
    );
    b.script(
        g,
        Hat::BroadcastReceived("g".into()),
        vec![S::Forever(vec![kg, i(Instr::Say { kind: 0 })])],
    );
    let flag = vec![
        b.k("r"),
        i(Instr::Broadcast),
        b.k("g"),
        i(Instr::Broadcast),
        b.k(0.05),
        i(Instr::WaitStart),
        i(Instr::WaitCheck),
        b.k("r"),
        i(Instr::Broadcast),
    ];
    b.script(0, Hat::Flag, flag);
    let mut vm = b.vm();
    vm.green_flag();
    for _ in 0..6 {
        // In place: R (restarted or not) always runs before G. Appending would put it after G.
        assert_eq!(says(&frame(&mut vm)), ["R", "G"]);
    }
}

#[test]
fn turbo_mode_ignores_redraw_requests() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let c = b.var(0, "c", Value::Num(0.0));
    let (k1, k2) = (b.k(1.0), b.k(1.0));
    b.script(
        s,
        Hat::Flag,
        vec![S::Forever(vec![
            k1,
            i(Instr::ChangeVar { var: c }),
            k2,
            i(Instr::TurnRight),
        ])],
    );
    let mut vm = b.vm_with(VmConfig {
        turbo: true,
        work_budget: 10_000,
        ..VmConfig::default()
    });
    vm.green_flag();
    frame(&mut vm);
    assert!(num(&vm, "Stage", "c") > 1000.0);
}

#[test]
fn sixty_frames_per_second_halves_the_frame_time() {
    let mut b = Build::new();
    let done = b.var(0, "done", Value::Num(0.0));
    let (secs, k1) = (b.k(1.0), b.k(1.0));
    b.script(
        0,
        Hat::Flag,
        vec![
            secs,
            i(Instr::WaitStart),
            i(Instr::WaitCheck),
            k1,
            i(Instr::StoreVar { var: done }),
        ],
    );
    let mut vm = b.vm_with(VmConfig {
        frame_rate: 60.0,
        ..VmConfig::default()
    });
    vm.green_flag();
    let mut n = 0;
    while num(&vm, "Stage", "done") == 0.0 {
        frame(&mut vm);
        n += 1;
    }
    assert_eq!(n, 61);
}

#[test]
fn cloning_another_sprite_by_name_starts_its_clone_scripts_in_the_same_frame() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let dog = b.sprite("Dog");
    let d = b.k("Dog");
    b.script(cat, Hat::Flag, vec![d, i(Instr::CreateClone)]);
    let woof = b.k("woof");
    b.script(dog, Hat::CloneStart, vec![woof, i(Instr::Say { kind: 0 })]);
    let mut vm = b.vm();
    vm.green_flag();
    let events = frame(&mut vm);
    assert_eq!(says(&events), ["woof"]);
    let clone = vm.sprites().find(|s| s.is_clone).unwrap();
    assert_eq!(clone.name, "Dog");
    assert_eq!(clone.bubble, Some((BubbleKind::Say, "woof".to_string())));
    assert_eq!(sprite_named(&vm, "Dog").bubble, None);
}

#[test]
fn stamps_carry_the_sprite_state_of_that_moment() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let code = vec![
        i(Instr::PenStamp),
        b.k(50.0),
        i(Instr::ChangeX),
        i(Instr::PenStamp),
    ];
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    let xs: Vec<f64> = frame(&mut vm)
        .into_iter()
        .filter_map(|e| match e {
            Event::Pen(PenEvent::Stamp { drawable, .. }) => {
                assert_eq!(drawable.id, s);
                Some(drawable.x)
            }
            _ => None,
        })
        .collect();
    assert_eq!(xs, [0.0, 50.0]);
}

#[test]
fn broadcast_and_wait_for_an_asking_receiver_waits_for_the_answer() {
    let mut b = Build::new();
    let s = b.sprite("Cat");
    let q = b.k("ready?");
    b.script(
        s,
        Hat::BroadcastReceived("ask".into()),
        vec![q, i(Instr::AskStart), i(Instr::AskWait)],
    );
    let (m, done) = (b.k("ask"), b.k("done"));
    b.script(
        s,
        Hat::Flag,
        vec![
            m,
            i(Instr::BroadcastStart),
            i(Instr::BroadcastWait),
            done,
            i(Instr::Say { kind: 0 }),
        ],
    );
    let mut vm = b.vm();
    vm.green_flag();
    let events = frames(&mut vm, 5);
    assert_eq!(says(&events), ["ready?"]);
    vm.answer("yes");
    let events = frames(&mut vm, 2);
    assert_eq!(says(&events), ["", "done"]);
    assert_eq!(vm.last_answer(), "yes");
    assert!(!vm.is_running());
}

// ---------------------------------------------------------------------- the stage

/// A stage that answers from fixed rules and records what the VM asked, to test the wiring.
#[derive(Default)]
struct FakeStage {
    pen_ops: Vec<PenEvent>,
    /// Answers for touching questions.
    touching: bool,
    colors_asked: Vec<([u8; 3], Option<[u8; 3]>, usize)>,
    points_asked: Vec<(f64, f64)>,
    others_asked: Vec<Vec<u32>>,
}

impl crate::stage::Stage for FakeStage {
    fn costume_size(&self, _target: u32, _costume: usize) -> Option<(f64, f64)> {
        Some((20.0, 10.0))
    }
    /// Every costume is 20×10 around the position; its "pixels" are a 10×10 square on the right.
    fn aabb(&mut self, d: &crate::stage::Drawable) -> Option<crate::stage::Rect> {
        Some(crate::stage::Rect {
            left: d.x - 10.0,
            right: d.x + 10.0,
            bottom: d.y - 5.0,
            top: d.y + 5.0,
        })
    }
    fn bounds(&mut self, d: &crate::stage::Drawable) -> Option<crate::stage::Rect> {
        Some(crate::stage::Rect {
            left: d.x,
            right: d.x + 10.0,
            bottom: d.y - 5.0,
            top: d.y + 5.0,
        })
    }
    fn touching_drawables(
        &mut self,
        _me: &crate::stage::Drawable,
        others: &[crate::stage::Drawable],
    ) -> bool {
        self.others_asked
            .push(others.iter().map(|d| d.id).collect());
        self.touching
    }
    fn touching_point(&mut self, _me: &crate::stage::Drawable, x: f64, y: f64) -> bool {
        self.points_asked.push((x, y));
        self.touching
    }
    fn touching_color(
        &mut self,
        _me: &crate::stage::Drawable,
        scene: &crate::stage::Frame,
        color: [u8; 3],
        mask: Option<[u8; 3]>,
    ) -> bool {
        self.colors_asked.push((color, mask, scene.sprites.len()));
        self.touching
    }
    fn pen(&mut self, op: &PenEvent) {
        self.pen_ops.push(op.clone());
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

fn fake(vm: &mut Vm) -> &mut FakeStage {
    vm.stage_mut()
        .unwrap()
        .as_any_mut()
        .downcast_mut::<FakeStage>()
        .unwrap()
}

#[test]
fn touching_questions_go_to_the_stage_with_parsed_colours() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let dog = b.sprite("Dog");
    let touch_dog = vec![
        b.k("Dog"),
        i(Instr::TouchingObject),
        i(Instr::Say { kind: 0 }),
    ];
    let touch_mouse = vec![
        b.k("_mouse_"),
        i(Instr::TouchingObject),
        i(Instr::Say { kind: 0 }),
    ];
    let touch_red = vec![
        b.k("#ff0000"),
        i(Instr::TouchingColor),
        i(Instr::Say { kind: 0 }),
    ];
    // `color (#00ff00) is touching (0x0000ff)?`: the mask is pushed first.
    let green_on_blue = vec![
        b.k("#00ff00"),
        b.k(255.0),
        i(Instr::ColorTouchingColor),
        i(Instr::Say { kind: 0 }),
    ];
    let mut code = touch_dog;
    code.extend(touch_mouse);
    code.extend(touch_red);
    code.extend(green_on_blue);
    b.script(cat, Hat::Flag, code);
    let _ = dog;
    let mut vm = b.vm();
    vm.set_stage(Box::new(FakeStage {
        touching: true,
        ..FakeStage::default()
    }));
    vm.green_flag();
    let mut input = Input::default();
    input.mouse_x = 12.0;
    input.mouse_y = -7.0;
    vm.step_frame(&input);
    let said = says(&vm.take_events());
    assert_eq!(said, ["true", "true", "true", "true"]);
    let stage = fake(&mut vm);
    assert_eq!(stage.others_asked, vec![vec![dog]]);
    assert_eq!(stage.points_asked, vec![(12.0, -7.0)]);
    assert_eq!(
        stage.colors_asked,
        vec![([255, 0, 0], None, 2), ([0, 0, 255], Some([0, 255, 0]), 2)]
    );
}

#[test]
fn hidden_sprites_touch_no_sprite_but_still_sense_colours() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    b.sprite("Dog");
    let code = vec![
        i(Instr::Hide),
        b.k("Dog"),
        i(Instr::TouchingObject),
        i(Instr::Say { kind: 0 }),
        b.k("#ff0000"),
        i(Instr::TouchingColor),
        i(Instr::Say { kind: 0 }),
    ];
    b.script(cat, Hat::Flag, code);
    let mut vm = b.vm();
    vm.set_stage(Box::new(FakeStage {
        touching: true,
        ..FakeStage::default()
    }));
    vm.green_flag();
    let said = says(&frame(&mut vm));
    assert_eq!(said, ["false", "true"]);
    assert!(fake(&mut vm).others_asked.is_empty());
    assert_eq!(fake(&mut vm).colors_asked.len(), 1);
}

#[test]
fn fencing_uses_the_costume_rectangle_until_the_tight_bounds_are_known() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    // go to x: 1000 is fenced with the 20×10 rectangle centred on x (inset 5: its left edge stops
    // at 235, so x = 245); `if on edge, bounce` measures the tight bounds (10×10, left edge at x),
    // after which the same move is fenced with them (x = 235).
    let code = vec![
        b.k(1000.0),
        b.k(0.0),
        i(Instr::GoToXY),
        i(Instr::XPosition),
        i(Instr::Say { kind: 0 }),
        i(Instr::BounceOnEdge),
        b.k(0.0),
        b.k(0.0),
        i(Instr::GoToXY),
        b.k(1000.0),
        b.k(0.0),
        i(Instr::GoToXY),
        i(Instr::XPosition),
        i(Instr::Say { kind: 0 }),
    ];
    b.script(cat, Hat::Flag, code);
    let mut vm = b.vm();
    vm.set_stage(Box::new(FakeStage::default()));
    vm.green_flag();
    let said = says(&frame(&mut vm));
    assert_eq!(said, ["245", "235"]);
}

#[test]
fn pen_and_stamps_reach_the_stage_and_size_is_clamped_by_its_costume_size() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let code = vec![
        i(Instr::PenDown),
        b.k(10.0),
        i(Instr::MoveSteps),
        i(Instr::PenStamp),
        i(Instr::PenClear),
        b.k(10_000.0),
        i(Instr::SetSize),
        i(Instr::Size),
        i(Instr::Say { kind: 0 }),
    ];
    b.script(cat, Hat::Flag, code);
    let mut vm = b.vm();
    vm.set_stage(Box::new(FakeStage::default()));
    vm.green_flag();
    let said = says(&frame(&mut vm));
    // min(1.5 × 480 / 20, 1.5 × 360 / 10) = 36 times the 20×10 costume.
    assert_eq!(said, ["3600"]);
    let ops = &fake(&mut vm).pen_ops;
    assert!(matches!(ops[0], PenEvent::Dot { .. }));
    assert!(matches!(ops[1], PenEvent::Line { x1, .. } if x1 == 10.0));
    assert!(matches!(&ops[2], PenEvent::Stamp { drawable, .. } if drawable.x == 10.0));
    assert!(matches!(ops[3], PenEvent::Clear));
}

#[test]
fn the_frame_lists_visible_sprites_back_to_front_with_bubbles_and_drags_move_them() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let dog = b.sprite("Dog");
    let ghost = b.sprite("Ghost");
    let say = vec![b.k("hi"), i(Instr::Say { kind: 0 })];
    b.script(cat, Hat::Flag, say);
    b.script(ghost, Hat::Flag, vec![i(Instr::Hide)]);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    let f = vm.frame();
    assert_eq!(f.stage.id, 0);
    assert_eq!(
        f.sprites.iter().map(|d| d.id).collect::<Vec<_>>(),
        [cat, dog]
    );
    assert_eq!(f.bubbles.len(), 1);
    assert_eq!((f.bubbles[0].id, f.bubbles[0].text.as_str()), (cat, "hi"));
    // Dragging brings the cat to the front and moves it; scripts can't move it meanwhile.
    vm.start_drag(cat);
    vm.drag_to(cat, 50.0, 60.0);
    let f = vm.frame();
    assert_eq!(
        f.sprites.iter().map(|d| d.id).collect::<Vec<_>>(),
        [dog, cat]
    );
    assert_eq!((f.sprites[1].x, f.sprites[1].y), (50.0, 60.0));
    vm.stop_drag(cat);
    assert!(!sprite_named(&vm, "Cat").dragging);
}

#[test]
fn monitors_show_current_values_and_follow_show_and_hide() {
    let mut b = Build::new();
    let cat = b.sprite("Cat");
    let score = b.var(0, "score", Value::Num(0.0));
    let lives = b.var(cat, "lives", Value::Num(3.0));
    let items = b.list(0, "items", vec![Value::from("a"), Value::from("b")]);
    // The program's own monitor of the global list, placed and visible.
    b.p.monitors.push(crate::program::MonitorDef {
        target: 0,
        index: items,
        is_list: true,
        mode: crate::stage::MonitorMode::List,
        x: Some(100.0),
        y: Some(50.0),
        width: 0.0,
        height: 0.0,
        visible: true,
    });
    let code = vec![
        i(Instr::ShowVar { var: score }),
        i(Instr::ShowVar { var: lives | LOCAL }),
        b.k(7.0),
        i(Instr::StoreVar { var: score }),
    ];
    b.script(cat, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frame(&mut vm);
    let views = vm.frame().monitors;
    let shown: Vec<(&str, &crate::stage::MonitorValue)> =
        views.iter().map(|m| (m.label.as_str(), &m.value)).collect();
    use crate::stage::MonitorValue::{List, Scalar};
    assert_eq!(
        shown,
        [
            ("items", &List(vec!["a".into(), "b".into()])),
            ("score", &Scalar("7".into())),
            ("Cat: lives", &Scalar("3".into())),
        ]
    );
    assert_eq!((views[0].x, views[0].y), (100.0, 50.0));
    // Hiding keeps the others.
    let mut b2 = vm;
    b2.monitors[1].visible = false;
    assert_eq!(b2.frame().monitors.len(), 2);
}

// ---------------------------------------------------------------------- sound players

/// A sprite "Cat" with one sound, "meow", `seconds` long.
fn cat_with_sound(b: &mut Build, seconds: f64) -> u32 {
    let s = b.sprite("Cat");
    b.p.targets[s as usize].sounds.push(SoundDef {
        name: "meow".into(),
        file: None,
        seconds: Some(seconds),
        rate_and_samples: None,
    });
    s
}

/// `play sound (meow) until done` then `say (text)`.
fn play_until_done_then_say(b: &mut Build, text: &str) -> Vec<S> {
    vec![
        b.k("meow"),
        i(Instr::PlaySoundStart),
        i(Instr::WaitCheck),
        b.k(text),
        i(Instr::Say { kind: 0 }),
    ]
}

/// `wait (secs)`.
fn wait_secs(b: &mut Build, secs: f64) -> Vec<S> {
    vec![b.k(secs), i(Instr::WaitStart), i(Instr::WaitCheck)]
}

/// The frames (counting the first after the green flag as 1) in which each text is said.
fn frames_saying(vm: &mut Vm, n: usize) -> Vec<(usize, String)> {
    let mut said = Vec::new();
    for f in 1..=n {
        for text in says(&frame(vm)) {
            said.push((f, text));
        }
    }
    said
}

fn sound_events(events: &[Event]) -> Vec<SoundEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Sound(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn play_until_done_waits_for_the_sound_at_its_pitch() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 1.0);
    let code = play_until_done_then_say(&mut b, "done");
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    // Played in frame 1; 1 s of sound is mixed after frames 1…30, so the wait ends at the start
    // of frame 31.
    assert_eq!(frames_saying(&mut vm, 40), [(31, "done".to_string())]);
    assert!((vm.frame_seconds() - 1.0 / 30.0).abs() < 1e-12);
}

#[test]
fn play_until_done_follows_a_pitch_change_while_the_sound_plays() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 1.0);
    let code = play_until_done_then_say(&mut b, "done");
    b.script(s, Hat::Flag, code);
    let mut code = wait_secs(&mut b, 0.5);
    code.extend([b.k(120.0), i(Instr::SetSoundEffect { effect: 0 })]);
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    // Half the sound has played when the pitch goes up an octave in frame 16; the other half
    // takes 0.25 s at double speed: 7.5 frames, so the wait ends at the start of frame 24
    // (frame 31 without the change).
    assert_eq!(frames_saying(&mut vm, 40), [(24, "done".to_string())]);
}

#[test]
fn restarting_a_sound_ends_the_earlier_wait() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 2.0);
    let code = play_until_done_then_say(&mut b, "first");
    b.script(s, Hat::Flag, code);
    let mut code = wait_secs(&mut b, 0.5);
    code.extend([b.k("meow"), i(Instr::PlaySound)]);
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    // The restart in frame 16 stops the first playback; its waiter goes on in frame 17.
    assert_eq!(frames_saying(&mut vm, 80), [(17, "first".to_string())]);
}

#[test]
fn playing_a_sound_twice_in_one_frame_does_not_restart_it() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 1.0);
    let code = play_until_done_then_say(&mut b, "first");
    b.script(s, Hat::Flag, code);
    let mut code = wait_secs(&mut b, 0.5);
    code.extend(play_until_done_then_say(&mut b, "second"));
    b.script(s, Hat::Flag, code);
    let code = play_until_done_then_say(&mut b, "third");
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    // "third" plays it again in the same frame as "first": it is still starting (scratch-audio's
    // 25 ms), so it goes on, and only the first waiter is let go (frame 2). The second script
    // restarts it at frame 16 (0.5 s later), which lets "third" go in frame 17; "second" then
    // waits the whole second.
    assert_eq!(
        frames_saying(&mut vm, 60),
        [
            (2, "first".to_string()),
            (17, "third".to_string()),
            (46, "second".to_string())
        ]
    );
}

#[test]
fn stop_all_sounds_ends_the_wait() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 2.0);
    let code = play_until_done_then_say(&mut b, "done");
    b.script(s, Hat::Flag, code);
    let mut code = wait_secs(&mut b, 0.5);
    code.push(i(Instr::StopAllSounds));
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    vm.take_events();
    let mut said = Vec::new();
    let mut stopped_in = None;
    for f in 1..=80 {
        let events = frame(&mut vm);
        if events.contains(&Event::Sound(SoundEvent::StopAll)) {
            stopped_in.get_or_insert(f);
        }
        said.extend(says(&events).into_iter().map(|t| (f, t)));
    }
    assert_eq!(stopped_in, Some(16));
    assert_eq!(said, [(17, "done".to_string())]);
}

#[test]
fn the_stop_sign_and_the_green_flag_stop_all_sounds() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 2.0);
    let code = play_until_done_then_say(&mut b, "done");
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    frames(&mut vm, 5);
    vm.stop_all();
    assert_eq!(sound_events(&vm.take_events()), [SoundEvent::StopAll]);
    assert!(!vm.is_running());
    vm.green_flag();
    assert!(sound_events(&vm.take_events()).contains(&SoundEvent::StopAll));
    // The flag played it afresh: the whole 2 s again.
    assert_eq!(frames_saying(&mut vm, 70), [(61, "done".to_string())]);
}

#[test]
fn stopping_a_sprite_stops_the_sound_it_waits_for() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 2.0);
    let code = play_until_done_then_say(&mut b, "never");
    b.script(s, Hat::Flag, code);
    let mut code = wait_secs(&mut b, 0.5);
    code.push(i(Instr::Stop { option: 2 }));
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    let events = frames(&mut vm, 16);
    assert_eq!(
        sound_events(&events).last(),
        Some(&SoundEvent::Stop {
            sprite: 1,
            owner: 1,
            sound: 0
        })
    );
    assert!(says(&frames(&mut vm, 60)).is_empty());
}

#[test]
fn deleting_a_clone_stops_the_sound_it_waits_for() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 2.0);
    let code = play_until_done_then_say(&mut b, "never");
    b.script(s, Hat::CloneStart, code);
    b.script(
        s,
        Hat::BroadcastReceived("bye".into()),
        vec![i(Instr::DeleteClone)],
    );
    let mut code = vec![b.k("_myself_"), i(Instr::CreateClone)];
    code.extend(wait_secs(&mut b, 0.5));
    code.extend([b.k("bye"), i(Instr::Broadcast)]);
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    vm.take_events();
    let first = sound_events(&frame(&mut vm));
    let Some(SoundEvent::Play { sprite: clone, .. }) = first.first().cloned() else {
        panic!("the clone plays: {first:?}");
    };
    assert_ne!(clone, 1);
    let events = sound_events(&frames(&mut vm, 16));
    assert_eq!(
        events,
        [SoundEvent::Stop {
            sprite: clone,
            owner: 1,
            sound: 0
        }]
    );
}

#[test]
fn a_clone_playing_the_sound_takes_it_over_with_its_own_effects() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 2.0);
    let code = play_until_done_then_say(&mut b, "sprite");
    b.script(s, Hat::Flag, code);
    let code = play_until_done_then_say(&mut b, "clone");
    b.script(s, Hat::CloneStart, code);
    let mut code = wait_secs(&mut b, 0.5);
    code.extend([b.k("_myself_"), i(Instr::CreateClone)]);
    code.extend(wait_secs(&mut b, 0.1));
    // The sprite's pitch no longer applies to the sound the clone played last.
    code.extend([b.k(360.0), i(Instr::SetSoundEffect { effect: 0 })]);
    b.script(s, Hat::Flag, code);
    let mut vm = b.vm();
    vm.green_flag();
    // The clone plays it in frame 16, which stops the sprite's playback (its waiter goes on in
    // frame 17); the clone's playback lasts its full 2 s at the clone's pitch.
    assert_eq!(
        frames_saying(&mut vm, 90),
        [(17, "sprite".to_string()), (76, "clone".to_string())]
    );
}

#[test]
fn sound_events_name_the_sprite_and_the_owner_of_the_sounds() {
    let mut b = Build::new();
    let s = cat_with_sound(&mut b, 1.0);
    let code = vec![
        b.k(50.0),
        i(Instr::SetVolume),
        b.k("_myself_"),
        i(Instr::CreateClone),
    ];
    b.script(s, Hat::Flag, code);
    let code = vec![
        b.k(30.0),
        i(Instr::SetSoundEffect { effect: 1 }),
        b.k(1.0),
        i(Instr::PlaySound),
        b.k(2.0),
        b.k(0.25),
        i(Instr::PlayDrumStart),
        i(Instr::WaitCheck),
    ];
    b.script(s, Hat::CloneStart, code);
    let mut vm = b.vm();
    vm.green_flag();
    vm.take_events();
    let events = sound_events(&frames(&mut vm, 3));
    let clone = vm.sprites().find(|s| s.is_clone).expect("a clone").id;
    assert_eq!(
        events,
        [
            SoundEvent::Effects {
                target: "Cat".into(),
                sprite: 1,
                volume: 50.0,
                pitch: 0.0,
                pan: 0.0
            },
            SoundEvent::Effects {
                target: "Cat".into(),
                sprite: clone,
                volume: 100.0,
                pitch: 0.0,
                pan: 30.0
            },
            SoundEvent::Play {
                target: "Cat".into(),
                sprite: clone,
                owner: 1,
                sound: 0,
                volume: 100.0,
                pitch: 0.0,
                pan: 30.0
            },
            SoundEvent::Drum {
                sprite: clone,
                drum: 2,
                seconds: 0.25,
                volume: 100.0
            },
        ]
    );
}
