//! The dispatch loop: one thread's turn (scratch-vm's `sequencer.stepThread` with `execute`).
//!
//! A turn runs instructions until the thread yields, waits or ends. Yielding follows Scratch:
//! a normal thread gives up its turn at `Yield` (end of a loop iteration, `wait until` not yet
//! true) and at the other *yields* instructions; a thread in warp mode goes straight on until its
//! 500 ms of warp time (measured in work units) are used up. Blocks that return a promise in
//! scratch-vm (`say … for secs`, `play sound until done`, `ask and wait`, and the sound effect
//! and volume blocks, which return `Promise.resolve()`) park the thread until a later frame even
//! in warp mode.
//!
//! Decisions where `isa.rs` leaves room, made in Scratch's favour:
//!
//! - `GlideToStart` / `GlideToXYStart` yield once after starting (Scratch's first `glide` step
//!   yields), unless the glide has no time or no target. `GlideStep` then moves the sprite.
//! - `PlayDrumStart`, `RestStart` and `PlayNoteStart` yield once after starting their stack timer
//!   (scratch3_music `_startStackTimer`); a note of 0 beats plays nothing and does not yield.
//! - `SayForSecsStart` pushes the bubble token first and the deadline on top, so `WaitCheck`
//!   sees the deadline; the thread waits like a promise (resumes at a frame start), and the
//!   bubble goes when the time is up even if the script was stopped.
//! - A recursive call (the same custom block among the 5 innermost enclosing calls) yields once,
//!   as `Thread.isRecursiveCall`; Scratch counts enclosing blocks of any kind rather than calls,
//!   which only differs for deeply nested mutual recursion.
//! - `Stop { option: 1 }` ("stop this script") inside a custom block returns from it, as in
//!   Scratch.

use std::rc::Rc;

use super::jsmath::{self, js_round};
use super::lower::{BinOp, Op, Src, TextOp};
use super::ops::{bubble_kind, limit_precision};
use super::thread::{Frame, Glide, Handle, Status, Thread, Wait, NO_PROC};
use super::{Vm, MAX_CLONES};
use crate::isa::{slot_parts, Instr};
use crate::program::Program;
use crate::value::{
    compare, js_lowercase, js_string_to_number, list_to_string, to_list_index, ListIndex, Text,
    Value, LIST_ITEM_LIMIT,
};

/// scratch3_music's `MIDI_DRUMS` (first column: the 0-based Scratch drum for MIDI drums 35…81).
const MIDI_DRUMS: [u8; 47] = [
    1, 1, 2, 0, 7, 0, 1, 5, 1, 5, 1, 4, 1, 1, 3, 1, 4, 3, 4, 6, 3, 10, 3, 16, 4, 12, 12, 13, 13,
    13, 12, 12, 10, 10, 14, 14, 17, 17, 15, 15, 8, 9, 9, 17, 17, 11, 11,
];

/// scratch3_music's `MIDI_INSTRUMENTS`: the 1-based Scratch instrument for MIDI instruments 1…128.
const MIDI_INSTRUMENTS: [u8; 128] = [
    1, 1, 1, 1, 2, 2, 4, 4, 17, 17, 17, 16, 19, 16, 17, 17, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 5, 5, 5,
    5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 8, 8, 8, 8, 8, 7, 8, 19, 8, 8, 8, 8, 15, 15, 15, 19, 9, 9, 9,
    9, 9, 9, 9, 9, 11, 11, 11, 11, 14, 14, 14, 10, 12, 12, 13, 13, 13, 13, 12, 12, 20, 20, 20, 20,
    20, 20, 20, 20, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 4, 4, 4, 4, 17,
    14, 8, 10, 17, 17, 18, 19, 1, 1, 1, 1, 21, 21, 21, 21, 21, 21, 21, 21,
];

/// How many enclosing calls `isRecursiveCall` looks at.
const RECURSION_LOOKBACK: usize = 5;

fn chunk_code(lowered: &[Vec<Op>], chunk: u32) -> &[Op] {
    lowered.get(chunk as usize).map(|c| &c[..]).unwrap_or(&[])
}

/// Scratch's `mod`: JavaScript's `%`, then floored so the result has the sign of the divisor.
#[inline(always)]
fn js_mod(n: f64, m: f64) -> f64 {
    const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
                                               // (`as i64` round trips instead of `fract()`, which is a library call on baseline x86-64.)
    let whole = n.abs() < SAFE
        && m.abs() < SAFE
        && m != 0.0
        && (n as i64) as f64 == n
        && (m as i64) as f64 == m;
    let mut r = if whole {
        // Whole numbers: an integer remainder is exact and much faster than fmod.
        let r = (n as i64 % m as i64) as f64;
        if r == 0.0 && n.is_sign_negative() {
            -0.0
        } else {
            r
        }
    } else {
        n % m
    };
    if r / m < 0.0 {
        r += m;
    }
    r
}

/// `stack.push(v)`, written so that the common case (room left) stores the value straight into
/// the stack instead of through a temporary.
#[inline(always)]
#[allow(clippy::if_same_then_else)] // The branches differ in what the optimiser knows.
fn push_value(stack: &mut Vec<Value>, v: Value) {
    if stack.len() < stack.capacity() {
        stack.push(v);
    } else {
        stack.push(v);
    }
}

/// The binary operators, shared by the plain instructions and the fused ops.
#[inline(always)]
fn bin_value(op: BinOp, a: &Value, b: &Value) -> Value {
    match op {
        BinOp::Add => Value::Num(a.to_number() + b.to_number()),
        BinOp::Sub => Value::Num(a.to_number() - b.to_number()),
        BinOp::Mul => Value::Num(a.to_number() * b.to_number()),
        BinOp::Div => Value::Num(a.to_number() / b.to_number()),
        BinOp::Mod => Value::Num(js_mod(a.to_number(), b.to_number())),
        // Two numbers compare directly (the common case); anything else by Scratch's rules.
        BinOp::Gt => Value::Bool(match (a, b) {
            (Value::Num(x), Value::Num(y)) if !x.is_nan() && !y.is_nan() => x > y,
            _ => compare(a, b).is_gt(),
        }),
        BinOp::Lt => Value::Bool(match (a, b) {
            (Value::Num(x), Value::Num(y)) if !x.is_nan() && !y.is_nan() => x < y,
            _ => compare(a, b).is_lt(),
        }),
        BinOp::Eq => Value::Bool(match (a, b) {
            (Value::Num(x), Value::Num(y)) if !x.is_nan() && !y.is_nan() => x == y,
            _ => compare(a, b).is_eq(),
        }),
        BinOp::And => Value::Bool(a.to_bool() && b.to_bool()),
        BinOp::Or => Value::Bool(a.to_bool() || b.to_bool()),
    }
}

/// `letter (index) of (text)`: JavaScript's `charAt(index - 1)` (a fractional index is
/// truncated), or '' out of range. `letters` is [`Vm::ascii_letters`](super::Vm).
#[inline(always)]
fn letter_of(index: &Value, text: &Value, letters: &[Text]) -> Value {
    let index = index.to_number() - 1.0;
    if index < 0.0 {
        return Value::empty();
    }
    let letter = match text {
        Value::Str(t) => t.utf16_unit_at(index as usize, letters),
        other => other.to_str().utf16_unit_at(index as usize, letters),
    };
    letter.map_or_else(Value::empty, Value::Str)
}

/// `(text) contains (part)?`, ignoring case.
fn contains(text: &Value, part: &Value) -> bool {
    let text = js_lowercase(&text.to_str());
    let part = js_lowercase(&part.to_str());
    text.contains(&part)
}

/// Instructions that change nothing but the thread's own stack and position: a pass made only
/// of these (and of waits that are not over) will repeat identically, so the sequencer may skip
/// ahead. Anything not listed here counts as a change.
pub(super) fn is_pure(instr: &Instr) -> bool {
    use Instr::*;
    matches!(
        instr,
        Const { .. }
            | Pop
            | LoadVar { .. }
            | LoadArg { .. }
            | ListContents { .. }
            | ListItem { .. }
            | ListItemNum { .. }
            | ListLength { .. }
            | ListContains { .. }
            | Add
            | Sub
            | Mul
            | Div
            | Mod
            | Gt
            | Lt
            | Eq
            | And
            | Or
            | Not
            | Join
            | LetterOf
            | Length
            | Contains
            | Round
            | MathOp { .. }
            | Jump { .. }
            | JumpIfFalse { .. }
            | JumpIfTrue { .. }
            | Yield
            | WaitCheck
            | BroadcastWait
            | CounterGet
            | XPosition
            | YPosition
            | Direction
            | CostumeNumberName { .. }
            | BackdropNumberName { .. }
            | Size
            | Volume
            | TouchingObject
            | TouchingColor
            | ColorTouchingColor
            | DistanceTo
            | Answer
            | KeyPressed
            | MouseDown
            | MouseX
            | MouseY
            | Loudness
            | Loud
            | Timer
            | Of
            | Username
            | UserId
            | Tempo
            | MidiDrum
            | MidiInstrument
    )
}

/// JavaScript's `Number(value)` (NaN stays NaN), for `for each`.
fn js_number(v: &Value) -> f64 {
    match v {
        Value::Num(n) => *n,
        Value::Bool(b) => *b as u8 as f64,
        Value::Str(s) => js_string_to_number(s),
    }
}

/// `join (a) (b)`, left in `a`'s place. A text that `a` holds alone grows in place.
fn join_into(a: &mut Value, b: &Value) {
    match a {
        Value::Str(text) => append_value(text, b),
        other => {
            let mut s = String::new();
            other.push_to(&mut s);
            b.push_to(&mut s);
            *other = Value::from(s);
        }
    }
}

/// Appends `Cast.toString(tail)` to `text` (in place when `text` is its only reference).
fn append_value(text: &mut Text, tail: &Value) {
    match tail {
        Value::Str(t) => text.push_str(t),
        other => text.push_str(&other.to_string()),
    }
}

/// A custom block's name for messages: `fib %s` → `fib`.
fn readable_proccode(proccode: &str) -> String {
    let words: Vec<&str> = proccode
        .split_whitespace()
        .filter(|w| !matches!(*w, "%s" | "%b" | "%n"))
        .collect();
    words.join(" ")
}

impl Vm {
    #[inline]
    fn var_ref(&self, sid: usize, slot: u32) -> Option<&Value> {
        let (local, i) = slot_parts(slot);
        let owner = if local { sid } else { 0 };
        self.sprites.get(owner)?.variables.get(i)
    }

    #[inline]
    fn var_mut(&mut self, sid: usize, slot: u32) -> Option<&mut Value> {
        let (local, i) = slot_parts(slot);
        let owner = if local { sid } else { 0 };
        self.sprites.get_mut(owner)?.variables.get_mut(i)
    }

    #[inline]
    fn list_ref(&self, sid: usize, slot: u32) -> Option<&Vec<Value>> {
        let (local, i) = slot_parts(slot);
        let owner = if local { sid } else { 0 };
        self.sprites.get(owner)?.lists.get(i)
    }

    #[inline]
    fn list_mut(&mut self, sid: usize, slot: u32) -> Option<&mut Vec<Value>> {
        let (local, i) = slot_parts(slot);
        let owner = if local { sid } else { 0 };
        self.sprites.get_mut(owner)?.lists.get_mut(i)
    }

    fn list_len(&self, sid: usize, slot: u32) -> usize {
        self.list_ref(sid, slot).map_or(0, |l| l.len())
    }

    /// `Cast.toListIndex` with the random pick resolved (1-based).
    fn list_index(&mut self, index: &Value, len: usize, accept_all: bool) -> ListIndex {
        match to_list_index(index, len, accept_all) {
            ListIndex::Index(usize::MAX) => {
                self.mutations += 1;
                ListIndex::Index(1 + (self.rng.next_f64() * len as f64).floor() as usize)
            }
            other => other,
        }
    }

    /// `set [var] to (join (a) (b))`, popping b, a. When `a` is the variable's own text, the
    /// stack's copy is dropped first, so that the variable usually holds the only reference and
    /// the text grows in place: building a text letter by letter takes linear time, not
    /// quadratic.
    #[inline(always)]
    fn join_store_var(&mut self, th: &mut Thread, var: u32) {
        let b = th.stack.pop().unwrap_or_default();
        let a = th.stack.pop().unwrap_or_default();
        let Some(slot) = self.var_mut(th.sprite, var) else {
            return;
        };
        match (a, slot) {
            (Value::Str(a), Value::Str(held)) if Text::ptr_eq(&a, held) => {
                drop(a);
                append_value(held, &b);
            }
            (mut a, slot) => {
                join_into(&mut a, &b);
                *slot = a;
            }
        }
    }

    /// `item (index) of [list]`: the item, or '' for a bad index.
    #[inline]
    fn list_item_value(&mut self, sid: usize, list: u32, index: &Value) -> Value {
        match self.list_ref(sid, list) {
            // Fast path: a whole number in range.
            Some(l) if matches!(index, Value::Num(n) if *n >= 1.0 && *n <= l.len() as f64) => {
                let n = index.to_number().floor() as usize;
                l[n - 1].clone()
            }
            Some(l) => {
                let len = l.len();
                match self.list_index(index, len, false) {
                    ListIndex::Index(i) => self
                        .list_ref(sid, list)
                        .and_then(|l| l.get(i - 1))
                        .cloned()
                        .unwrap_or_default(),
                    _ => Value::empty(),
                }
            }
            None => Value::empty(),
        }
    }

    /// A fused operator's operands and result. Stack operands are popped (right one first).
    #[inline(always)]
    fn fused_bin(&self, th: &mut Thread, prog: &Program, op: BinOp, a: Src, b: Src) -> Value {
        let b_owned = if b == Src::Stack {
            th.stack.pop()
        } else {
            None
        };
        let a_owned = if a == Src::Stack {
            th.stack.pop()
        } else {
            None
        };
        let zero = Value::Num(0.0);
        let av = self.src_ref(th, prog, a, &a_owned, &zero);
        let bv = self.src_ref(th, prog, b, &b_owned, &zero);
        bin_value(op, av, bv)
    }

    /// Runs `Op::TextBin` or `Op::JoinStoreVar`; returns how many instructions it stood for and
    /// whether it changed something (see `is_pure`).
    #[inline(never)]
    fn fused_text_op(&mut self, th: &mut Thread, prog: &Program, op: &Op) -> (usize, bool) {
        match *op {
            Op::TextBin { op, a, b, units } => {
                self.frame_units += units as u64;
                self.fused_text_bin(th, prog, op, a, b);
                (units as usize, false)
            }
            Op::JoinStoreVar { var } => {
                self.frame_units += 2;
                self.join_store_var(th, var);
                (2, true)
            }
            // Not reached: the dispatch loop sends only the two ops above.
            _ => (1, false),
        }
    }

    /// A fused text operator: operands as for [`Vm::fused_bin`], result pushed.
    #[inline(always)]
    fn fused_text_bin(&self, th: &mut Thread, prog: &Program, op: TextOp, a: Src, b: Src) {
        let b_owned = if b == Src::Stack {
            th.stack.pop()
        } else {
            None
        };
        let a_owned = if a == Src::Stack {
            th.stack.pop()
        } else {
            None
        };
        let zero = Value::Num(0.0);
        let av = self.src_ref(th, prog, a, &a_owned, &zero);
        let bv = self.src_ref(th, prog, b, &b_owned, &zero);
        let r = match op {
            TextOp::LetterOf => letter_of(av, bv, &self.ascii_letters),
            TextOp::Contains => Value::Bool(contains(av, bv)),
        };
        push_value(&mut th.stack, r);
    }

    #[inline(always)]
    fn src_ref<'a>(
        &'a self,
        th: &'a Thread,
        prog: &'a Program,
        src: Src,
        owned: &'a Option<Value>,
        zero: &'a Value,
    ) -> &'a Value {
        match src {
            Src::Stack => owned.as_ref().unwrap_or(zero),
            Src::Var(v) => self.var_ref(th.sprite, v).unwrap_or(zero),
            Src::Const(k) => prog.constants.get(k as usize).unwrap_or(zero),
            Src::Arg(index) => match th.frames.last() {
                Some(f) if index < f.argc => {
                    th.args.get((f.args_base + index) as usize).unwrap_or(zero)
                }
                _ => zero,
            },
        }
    }

    /// Whether `broadcast and wait` must go on waiting for these threads: `None` when none of
    /// them is in the thread list any more, else whether all of them are waiting
    /// (`isWaitingThread`), in which case the waiter yields for a whole tick.
    fn broadcast_wait_state(&self, ids: &[u64]) -> Option<bool> {
        if ids.is_empty() {
            return None;
        }
        let mut found = 0;
        let mut all_waiting = true;
        for t in &self.threads {
            if ids.binary_search(&t.id).is_ok() {
                found += 1;
                if !t.is_waiting() {
                    all_waiting = false;
                }
            }
        }
        if found == 0 {
            None
        } else {
            Some(all_waiting)
        }
    }

    /// Runs one turn of `th`. `limit` caps the work of a turn that never yields (only broken
    /// code or a hat predicate gets near it).
    pub(super) fn run_turn(&mut self, th: &mut Thread, limit: u64) {
        if self.run_turn_inner(th, limit) {
            self.mutations += 1;
        }
    }

    /// The loop of [`Vm::run_turn`]; returns whether an instruction that changes something ran.
    #[inline(never)]
    fn run_turn_inner(&mut self, th: &mut Thread, limit: u64) -> bool {
        let program = Rc::clone(&self.program);
        let prog: &Program = &program;
        let lowered = Rc::clone(&self.lowered);
        let lowered: &[Vec<Op>] = &lowered;
        let sid = th.sprite;
        let Some(top) = th.frames.last().copied() else {
            th.finish();
            return true;
        };
        let mut code: &[Op] = chunk_code(lowered, top.chunk);
        let mut pc = top.pc as usize;
        let mut warp = top.warp;
        if warp && th.warp_start.is_none() {
            th.warp_start = Some(self.frame_units);
        }
        let turn_end = self.frame_units.saturating_add(limit);
        // Whether this turn ran an instruction that changes something (see `is_pure`); added to
        // `self.mutations` when the turn ends.
        let mut dirty = false;

        macro_rules! pop {
            () => {
                th.stack.pop().unwrap_or_default()
            };
        }
        macro_rules! num {
            () => {
                pop!().to_number()
            };
        }
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                th.stack.push(v)
            }};
        }
        macro_rules! save_pc {
            ($p:expr) => {{
                let p = $p as u32;
                if let Some(f) = th.frames.last_mut() {
                    f.pc = p;
                }
            }};
        }
        // Scratch's STATUS_YIELD: the turn ends, unless warp time is left.
        macro_rules! yield_to {
            ($p:expr) => {{
                let p = $p;
                if warp && !self.warp_exceeded(th) && self.frame_units < turn_end {
                    pc = p;
                    continue;
                }
                save_pc!(p);
                return dirty;
            }};
        }
        macro_rules! done {
            () => {{
                th.finish();
                self.mutations += 1;
                return dirty;
            }};
        }
        macro_rules! binop {
            (|$a:ident, $b:ident| $e:expr) => {{
                let bv = pop!();
                match th.stack.last_mut() {
                    Some(slot) => {
                        let $a = &*slot;
                        let $b = &bv;
                        let r: Value = $e;
                        *slot = r;
                    }
                    None => {
                        let av = Value::default();
                        let $a = &av;
                        let $b = &bv;
                        let r: Value = $e;
                        th.stack.push(r);
                    }
                }
            }};
        }
        macro_rules! unop {
            (|$a:ident| $e:expr) => {{
                match th.stack.last_mut() {
                    Some(slot) => {
                        let $a = &*slot;
                        let r: Value = $e;
                        *slot = r;
                    }
                    None => {
                        let av = Value::default();
                        let $a = &av;
                        let r: Value = $e;
                        th.stack.push(r);
                    }
                }
            }};
        }
        // A backward jump in a turn that has gone on far too long yields (broken code only).
        macro_rules! jump {
            ($target:expr, $at:expr) => {{
                let target = $target as usize;
                if target < $at + 1 && self.frame_units > turn_end {
                    save_pc!(target);
                    return dirty;
                }
                pc = target;
            }};
        }
        // Returns from the innermost custom block (or ends the script).
        macro_rules! do_return {
            () => {{
                if th.frames.len() <= 1 {
                    done!();
                }
                if let Some(f) = th.frames.pop() {
                    th.stack.truncate(f.stack_base as usize);
                    th.handles.truncate(f.handles_base as usize);
                    th.args.truncate(f.args_base as usize);
                }
                let Some(caller) = th.frames.last().copied() else {
                    done!()
                };
                code = chunk_code(lowered, caller.chunk);
                pc = caller.pc as usize;
                warp = caller.warp;
            }};
        }

        loop {
            let Some(&op) = code.get(pc) else {
                // Running off the end of a chunk: a custom block returns, a script ends.
                do_return!();
                continue;
            };
            let instr = match op {
                Op::I { pure, instr } => {
                    dirty |= !pure;
                    instr
                }
                Op::ChangeVarK { var, k } => {
                    self.frame_units += 2;
                    dirty = true;
                    let d = prog
                        .constants
                        .get(k as usize)
                        .map_or(0.0, |v| v.to_number());
                    if let Some(slot) = self.var_mut(sid, var) {
                        let n = slot.to_number() + d;
                        *slot = Value::Num(n);
                    }
                    pc += 2;
                    continue;
                }
                Op::StoreVarK { var, k } => {
                    self.frame_units += 2;
                    dirty = true;
                    let v = prog.constants.get(k as usize).cloned().unwrap_or_default();
                    if let Some(slot) = self.var_mut(sid, var) {
                        *slot = v;
                    }
                    pc += 2;
                    continue;
                }
                Op::YieldJump { target } => {
                    // `Yield`, then (only when warp goes on) `Jump`.
                    self.frame_units += 1;
                    let jump_at = pc + 1;
                    if warp && !self.warp_exceeded(th) && self.frame_units < turn_end {
                        self.frame_units += 1;
                        jump!(target, jump_at);
                        continue;
                    }
                    save_pc!(jump_at);
                    return dirty;
                }
                Op::Bin { op, a, b, units } => {
                    self.frame_units += units as u64;
                    let r = self.fused_bin(th, prog, op, a, b);
                    push_value(&mut th.stack, r);
                    pc += units as usize;
                    continue;
                }
                Op::BinJump {
                    op,
                    a,
                    b,
                    units,
                    when,
                    target,
                } => {
                    self.frame_units += units as u64;
                    let r = self.fused_bin(th, prog, op, a, b);
                    if r.to_bool() == when {
                        let branch_at = pc + units as usize - 1;
                        jump!(target, branch_at);
                    } else {
                        pc += units as usize;
                    }
                    continue;
                }
                Op::ListItemVar { list, var } => {
                    self.frame_units += 2;
                    let index = self.var_ref(sid, var).cloned().unwrap_or_default();
                    let v = self.list_item_value(sid, list, &index);
                    th.stack.push(v);
                    pc += 2;
                    continue;
                }
                Op::ListAddVar { list, var } => {
                    self.frame_units += 2;
                    dirty = true;
                    let item = self.var_ref(sid, var).cloned().unwrap_or_default();
                    if let Some(l) = self.list_mut(sid, list) {
                        if l.len() < LIST_ITEM_LIMIT {
                            l.push(item);
                        }
                    }
                    pc += 2;
                    continue;
                }
                Op::TextBin { .. } | Op::JoinStoreVar { .. } => {
                    // One arm for both, out of line: fewer registers tied up in this loop.
                    // (The op goes by reference: passing it by value makes every op be copied
                    // out of the code before dispatch.)
                    let (units, changes) = self.fused_text_op(th, prog, &code[pc]);
                    dirty |= changes;
                    pc += units;
                    continue;
                }
            };
            self.frame_units += 1;
            let at = pc;
            pc += 1;
            match instr {
                Instr::Const { k } => match prog.constants.get(k as usize) {
                    Some(Value::Num(n)) => th.stack.push(Value::Num(*n)),
                    Some(other) => th.stack.push(other.clone()),
                    None => th.stack.push(Value::Num(0.0)),
                },
                Instr::Pop => {
                    th.stack.pop();
                }

                Instr::LoadVar { var } => match self.var_ref(sid, var) {
                    Some(Value::Num(n)) => th.stack.push(Value::Num(*n)),
                    Some(other) => th.stack.push(other.clone()),
                    None => th.stack.push(Value::Num(0.0)),
                },
                Instr::StoreVar { var } => {
                    let v = pop!();
                    if let Some(slot) = self.var_mut(sid, var) {
                        *slot = v;
                    }
                }
                Instr::ChangeVar { var } => {
                    let d = num!();
                    if let Some(slot) = self.var_mut(sid, var) {
                        let n = slot.to_number() + d;
                        *slot = Value::Num(n);
                    }
                }
                Instr::LoadArg { index } => {
                    let v = match th.frames.last() {
                        Some(f) if index < f.argc => th
                            .args
                            .get((f.args_base + index) as usize)
                            .cloned()
                            .unwrap_or_default(),
                        // An argument reporter outside its custom block reports 0.
                        _ => Value::Num(0.0),
                    };
                    push!(v);
                }

                Instr::ListAdd { list } => {
                    let item = pop!();
                    if let Some(l) = self.list_mut(sid, list) {
                        if l.len() < LIST_ITEM_LIMIT {
                            l.push(item);
                        }
                    }
                }
                Instr::ListItem { list } => {
                    let index = pop!();
                    let v = self.list_item_value(sid, list, &index);
                    push!(v);
                }
                Instr::ListLength { list } => {
                    let n = self.list_len(sid, list);
                    push!(Value::Num(n as f64));
                }
                Instr::Add => binop!(|a, b| bin_value(BinOp::Add, a, b)),
                Instr::Sub => binop!(|a, b| bin_value(BinOp::Sub, a, b)),
                Instr::Mul => binop!(|a, b| bin_value(BinOp::Mul, a, b)),
                Instr::Div => binop!(|a, b| bin_value(BinOp::Div, a, b)),
                Instr::Mod => binop!(|a, b| bin_value(BinOp::Mod, a, b)),
                Instr::Gt => binop!(|a, b| bin_value(BinOp::Gt, a, b)),
                Instr::Lt => binop!(|a, b| bin_value(BinOp::Lt, a, b)),
                Instr::Eq => binop!(|a, b| bin_value(BinOp::Eq, a, b)),
                Instr::And => binop!(|a, b| bin_value(BinOp::And, a, b)),
                Instr::Or => binop!(|a, b| bin_value(BinOp::Or, a, b)),
                Instr::Not => unop!(|a| Value::Bool(!a.to_bool())),
                Instr::Jump { target } => jump!(target, at),
                Instr::JumpIfFalse { target } => {
                    if !pop!().to_bool() {
                        jump!(target, at);
                    }
                }
                Instr::JumpIfTrue { target } => {
                    if pop!().to_bool() {
                        jump!(target, at);
                    }
                }
                Instr::Yield => yield_to!(pc),
                Instr::RepeatInit => {
                    let n = num!();
                    push!(Value::Num(js_round(n)));
                }
                Instr::RepeatStep { exit } => {
                    let counter = th.stack.last().map_or(-1.0, |v| v.to_number()) - 1.0;
                    if counter < 0.0 {
                        th.stack.pop();
                        pc = exit as usize;
                    } else if let Some(slot) = th.stack.last_mut() {
                        *slot = Value::Num(counter);
                    }
                }
                Instr::Call { proc, argc } => {
                    let base = th.stack.len().saturating_sub(argc as usize);
                    let args_base = th.args.len();
                    if th.stack.len() == base + 1 {
                        // One argument, the common case: a move, without `drain`'s machinery.
                        if let Some(v) = th.stack.pop() {
                            th.args.push(v);
                        }
                    } else {
                        th.args.extend(th.stack.drain(base..));
                    }
                    let Some(def) = prog.procs.get(proc as usize) else {
                        // A call without a definition does nothing (as in Scratch).
                        th.args.truncate(args_base);
                        continue;
                    };
                    if th.frames.len() > self.config.max_call_depth {
                        let name = readable_proccode(&def.proccode);
                        let loc = loc_of(prog, th, at);
                        self.warn(
                            format!(
                                "The custom block \"{name}\" called itself too many times, so Starling stopped this script."
                            ),
                            format!("自制积木“{name}”调用自己的次数太多了，所以 Starling 停止了这个脚本。"),
                            loc,
                        );
                        done!();
                    }
                    let recursive = th
                        .frames
                        .iter()
                        .rev()
                        .filter(|f| f.proc != NO_PROC)
                        .take(RECURSION_LOOKBACK)
                        .any(|f| f.proc == proc);
                    save_pc!(pc);
                    th.frames.push(Frame {
                        chunk: def.chunk,
                        pc: 0,
                        warp,
                        proc,
                        args_base: args_base as u32,
                        argc: (th.args.len() - args_base) as u32,
                        stack_base: th.stack.len() as u32,
                        handles_base: th.handles.len() as u32,
                    });
                    code = chunk_code(lowered, def.chunk);
                    pc = 0;
                    if warp && self.warp_exceeded(th) {
                        save_pc!(0);
                        return dirty;
                    } else if def.warp {
                        warp = true;
                        if let Some(f) = th.frames.last_mut() {
                            f.warp = true;
                        }
                        if th.warp_start.is_none() {
                            th.warp_start = Some(self.frame_units);
                        }
                    } else if recursive {
                        yield_to!(0);
                    }
                }
                Instr::Return => do_return!(),
                Instr::End => {
                    // The stack is kept: a hat predicate's result is on top.
                    th.status = Status::Done;
                    self.mutations += 1;
                    return dirty;
                }
                Instr::Stop { option: 1 } => do_return!(),
                _ => {
                    if !self.exec_cold(th, instr, at, &mut pc, warp, turn_end) {
                        return dirty;
                    }
                }
            }
        }
    }

    /// The instructions that are not on hot paths, out of line so the dispatch loop keeps its
    /// state in registers. Returns whether the turn goes on (`pc_out` says where).
    #[inline(never)]
    fn exec_cold(
        &mut self,
        th: &mut Thread,
        instr: Instr,
        at: usize,
        pc_out: &mut usize,
        warp: bool,
        turn_end: u64,
    ) -> bool {
        let sid = th.sprite;
        let mut pc = at + 1;
        macro_rules! pop {
            () => {
                th.stack.pop().unwrap_or_default()
            };
        }
        macro_rules! num {
            () => {
                pop!().to_number()
            };
        }
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                th.stack.push(v)
            }};
        }
        macro_rules! save_pc {
            ($p:expr) => {{
                let p = $p as u32;
                if let Some(f) = th.frames.last_mut() {
                    f.pc = p;
                }
            }};
        }
        macro_rules! yield_to {
            ($p:expr) => {{
                let p = $p;
                if warp && !self.warp_exceeded(th) && self.frame_units < turn_end {
                    *pc_out = p;
                    return true;
                }
                save_pc!(p);
                return false;
            }};
        }
        macro_rules! park {
            ($p:expr, $status:expr) => {{
                save_pc!($p);
                th.status = $status;
                self.mutations += 1;
                return false;
            }};
        }
        macro_rules! done {
            () => {{
                th.finish();
                self.mutations += 1;
                return false;
            }};
        }
        macro_rules! binop {
            (|$a:ident, $b:ident| $e:expr) => {{
                let bv = pop!();
                match th.stack.last_mut() {
                    Some(slot) => {
                        let $a = &*slot;
                        let $b = &bv;
                        let r: Value = $e;
                        *slot = r;
                    }
                    None => {
                        let av = Value::default();
                        let $a = &av;
                        let $b = &bv;
                        let r: Value = $e;
                        th.stack.push(r);
                    }
                }
            }};
        }
        macro_rules! unop {
            (|$a:ident| $e:expr) => {{
                match th.stack.last_mut() {
                    Some(slot) => {
                        let $a = &*slot;
                        let r: Value = $e;
                        *slot = r;
                    }
                    None => {
                        let av = Value::default();
                        let $a = &av;
                        let r: Value = $e;
                        th.stack.push(r);
                    }
                }
            }};
        }
        match instr {
            Instr::ShowVar { var } => self.monitor_event(sid, var, false, true),
            Instr::HideVar { var } => self.monitor_event(sid, var, false, false),
            Instr::ListContents { list } => {
                let text = self
                    .list_ref(sid, list)
                    .map(|l| list_to_string(l))
                    .unwrap_or_default();
                push!(Value::from(text));
            }
            Instr::ListDelete { list } => {
                let index = pop!();
                let len = self.list_len(sid, list);
                let idx = self.list_index(&index, len, true);
                if let Some(l) = self.list_mut(sid, list) {
                    match idx {
                        ListIndex::All => l.clear(),
                        ListIndex::Index(i) if i >= 1 && i <= l.len() => {
                            l.remove(i - 1);
                        }
                        _ => {}
                    }
                }
            }
            Instr::ListDeleteAll { list } => {
                if let Some(l) = self.list_mut(sid, list) {
                    l.clear();
                }
            }
            Instr::ListInsert { list } => {
                let index = pop!();
                let item = pop!();
                let len = self.list_len(sid, list);
                let idx = self.list_index(&index, len + 1, false);
                if let (ListIndex::Index(i), Some(l)) = (idx, self.list_mut(sid, list)) {
                    if (1..=LIST_ITEM_LIMIT).contains(&i) && i <= l.len() + 1 {
                        l.insert(i - 1, item);
                        if l.len() > LIST_ITEM_LIMIT {
                            l.pop();
                        }
                    }
                }
            }
            Instr::ListReplace { list } => {
                let item = pop!();
                let index = pop!();
                let len = self.list_len(sid, list);
                let idx = self.list_index(&index, len, false);
                if let (ListIndex::Index(i), Some(l)) = (idx, self.list_mut(sid, list)) {
                    if let Some(slot) = l.get_mut(i.wrapping_sub(1)) {
                        *slot = item;
                    }
                }
            }
            Instr::ListItemNum { list } => {
                let item = pop!();
                let n = self
                    .list_ref(sid, list)
                    .and_then(|l| l.iter().position(|v| compare(v, &item).is_eq()))
                    .map_or(0.0, |i| i as f64 + 1.0);
                push!(Value::Num(n));
            }
            Instr::ListContains { list } => {
                let item = pop!();
                let found = self
                    .list_ref(sid, list)
                    .is_some_and(|l| l.iter().any(|v| compare(v, &item).is_eq()));
                push!(Value::Bool(found));
            }
            Instr::ShowList { list } => self.monitor_event(sid, list, true, true),
            Instr::HideList { list } => self.monitor_event(sid, list, true, false),

            Instr::Random => {
                let to = pop!();
                let from = pop!();
                let (nf, nt) = (from.to_number(), to.to_number());
                let (low, high) = if nf <= nt { (nf, nt) } else { (nt, nf) };
                let r = if low == high {
                    low
                } else if from.is_int() && to.is_int() {
                    low + (self.rng.next_f64() * (high + 1.0 - low)).floor()
                } else {
                    self.rng.next_f64() * (high - low) + low
                };
                push!(Value::Num(r));
            }
            Instr::Join => {
                let b = pop!();
                match th.stack.last_mut() {
                    Some(a) => join_into(a, &b),
                    None => {
                        let mut a = Value::default();
                        join_into(&mut a, &b);
                        th.stack.push(a);
                    }
                }
            }
            Instr::LetterOf => binop!(|a, b| letter_of(a, b, &self.ascii_letters)),
            Instr::Length => {
                let n = pop!().to_str().utf16_len();
                push!(Value::Num(n as f64));
            }
            Instr::Contains => binop!(|a, b| Value::Bool(contains(a, b))),
            Instr::Round => unop!(|a| Value::Num(js_round(a.to_number()))),
            Instr::MathOp { op } => unop!(|a| Value::Num(jsmath::math_op(op, a.to_number()))),

            Instr::ForEachStep { var, exit } => {
                let limit = js_number(&pop!());
                let index = th.stack.last().map_or(0.0, |v| v.to_number());
                if index < limit {
                    let next = index + 1.0;
                    if let Some(slot) = th.stack.last_mut() {
                        *slot = Value::Num(next);
                    }
                    if let Some(slot) = self.var_mut(sid, var) {
                        *slot = Value::Num(next);
                    }
                } else {
                    th.stack.pop();
                    pc = exit as usize;
                }
            }
            Instr::WaitStart => {
                // `control_wait` times itself on `runtime.currentMSecs` (the frame's start), so
                // a wait can only end at the start of a frame.
                let secs = num!();
                let deadline = self.current_msecs + (1000.0 * secs).max(0.0);
                th.real_time_wait = false;
                push!(Value::Num(deadline));
                self.redraw_requested = true;
                yield_to!(pc);
            }
            Instr::WaitCheck => {
                let deadline = th.stack.last().map_or(0.0, |v| v.to_number());
                let time = if th.real_time_wait {
                    self.now()
                } else {
                    self.current_msecs
                };
                if time >= deadline {
                    th.stack.pop();
                    self.mutations += 1;
                } else if warp && !self.warp_exceeded(th) && self.frame_units < turn_end {
                    // Scratch would spin here until the time is up or the warp time is
                    // used; nothing else can happen meanwhile, so jump the clock. A wait on
                    // the frame's start time cannot end in this frame at all.
                    let warp_end = th
                        .warp_start
                        .unwrap_or(self.frame_units)
                        .saturating_add(self.warp_units + 1);
                    let reached = if th.real_time_wait {
                        self.units_at(deadline)
                    } else {
                        u64::MAX
                    };
                    let target = reached.min(warp_end).min(turn_end.saturating_add(1));
                    self.frame_units = self.frame_units.max(target.saturating_sub(1));
                    *pc_out = at;
                    return true;
                } else {
                    if th.real_time_wait {
                        self.pass_min_deadline = self.pass_min_deadline.min(deadline);
                    }
                    save_pc!(at);
                    return false;
                }
            }
            Instr::Stop { option } => match option {
                0 => {
                    self.stop_all_inner();
                    done!();
                }
                _ => self.stop_for_target(sid, Some(th.id)),
            },
            Instr::CreateClone => {
                let which = pop!();
                if self.create_clone_of(sid, &which) {
                    let loc = loc_of(&self.program, th, at);
                    self.warn(
                        format!(
                            "There are already {MAX_CLONES} clones, so Starling did not make more (Scratch has the same limit)."
                        ),
                        format!("已经有 {MAX_CLONES} 个克隆体了，所以 Starling 没有再克隆（Scratch 也有同样的限制）。"),
                        loc,
                    );
                }
            }
            Instr::DeleteClone if self.sprites[sid].is_clone => {
                self.delete_clone(sid);
                done!();
            }
            Instr::DeleteClone => {}
            Instr::CounterGet => push!(Value::Num(self.counter)),
            Instr::CounterIncr => self.counter += 1.0,
            Instr::CounterClear => self.counter = 0.0,

            Instr::Broadcast => {
                let name = pop!().to_str().to_uppercase();
                self.start_hats(super::HatEvent::Broadcast(&name), None);
            }
            Instr::BroadcastStart => {
                let name = pop!().to_str().to_uppercase();
                let started = self.start_hats(super::HatEvent::Broadcast(&name), None);
                push!(Value::Num(th.handles.len() as f64));
                th.handles.push(Handle::Threads(started));
            }
            Instr::BroadcastWait => {
                let h = th.stack.last().map_or(0.0, |v| v.to_number()) as usize;
                let state = match th.handles.get(h) {
                    Some(Handle::Threads(ids)) => self.broadcast_wait_state(ids),
                    _ => None,
                };
                match state {
                    None => {
                        th.stack.pop();
                        th.handles.truncate(h);
                        self.mutations += 1;
                    }
                    Some(true) => park!(at, Status::YieldTick),
                    Some(false) => {
                        if warp && !self.warp_exceeded(th) {
                            // Nothing can change while this thread spins: use up the warp time.
                            let warp_end = th
                                .warp_start
                                .unwrap_or(self.frame_units)
                                .saturating_add(self.warp_units + 1);
                            self.frame_units = self.frame_units.max(warp_end.min(turn_end));
                        }
                        save_pc!(at);
                        return false;
                    }
                }
            }

            Instr::MoveSteps => {
                let steps = num!();
                self.move_steps(sid, steps);
            }
            Instr::TurnRight => {
                let d = num!();
                let dir = self.sprites[sid].direction;
                self.set_direction(sid, dir + d);
            }
            Instr::TurnLeft => {
                let d = num!();
                let dir = self.sprites[sid].direction;
                self.set_direction(sid, dir - d);
            }
            Instr::GoTo => {
                let target = pop!();
                if let Some((x, y)) = self.target_xy(&target) {
                    self.set_xy(sid, x, y);
                }
            }
            Instr::GoToXY => {
                let y = num!();
                let x = num!();
                self.set_xy(sid, x, y);
            }
            Instr::GlideToStart | Instr::GlideToXYStart => {
                let end = if instr == Instr::GlideToStart {
                    let target = pop!();
                    self.target_xy(&target)
                } else {
                    let y = num!();
                    let x = num!();
                    Some((x, y))
                };
                let secs = num!();
                let handle = th.handles.len();
                push!(Value::Num(handle as f64));
                match end {
                    Some((end_x, end_y)) if secs > 0.0 => {
                        let s = &self.sprites[sid];
                        th.handles.push(Handle::Glide(Glide {
                            start_ms: self.now(),
                            duration_secs: secs,
                            start_x: s.x,
                            start_y: s.y,
                            end_x,
                            end_y,
                        }));
                        yield_to!(pc);
                    }
                    Some((end_x, end_y)) => {
                        self.set_xy(sid, end_x, end_y);
                        th.handles.push(Handle::Nothing);
                    }
                    None => th.handles.push(Handle::Nothing),
                }
            }
            Instr::GlideStep => {
                let h = th.stack.last().map_or(0.0, |v| v.to_number()) as usize;
                if let Some(Handle::Glide(g)) = th.handles.get(h).cloned() {
                    let elapsed = self.now() - g.start_ms;
                    let total = g.duration_secs * 1000.0;
                    if elapsed < total {
                        let frac = elapsed / total;
                        let x = g.start_x + frac * (g.end_x - g.start_x);
                        let y = g.start_y + frac * (g.end_y - g.start_y);
                        self.set_xy(sid, x, y);
                        yield_to!(at);
                    }
                    self.set_xy(sid, g.end_x, g.end_y);
                }
                th.stack.pop();
                th.handles.truncate(h);
            }
            Instr::PointInDirection => {
                let d = num!();
                self.set_direction(sid, d);
            }
            Instr::PointTowards => {
                let target = pop!();
                self.point_towards(sid, &target);
            }
            Instr::ChangeX => {
                let dx = num!();
                let s = &self.sprites[sid];
                let (x, y) = (s.x + dx, s.y);
                self.set_xy(sid, x, y);
            }
            Instr::SetX => {
                let x = num!();
                let y = self.sprites[sid].y;
                self.set_xy(sid, x, y);
            }
            Instr::ChangeY => {
                let dy = num!();
                let s = &self.sprites[sid];
                let (x, y) = (s.x, s.y + dy);
                self.set_xy(sid, x, y);
            }
            Instr::SetY => {
                let y = num!();
                let x = self.sprites[sid].x;
                self.set_xy(sid, x, y);
            }
            Instr::BounceOnEdge => self.bounce(sid),
            Instr::SetRotationStyle { style } => self.set_rotation_style(sid, style),
            Instr::XPosition => push!(Value::Num(limit_precision(self.sprites[sid].x))),
            Instr::YPosition => push!(Value::Num(limit_precision(self.sprites[sid].y))),
            Instr::Direction => push!(Value::Num(self.sprites[sid].direction)),

            Instr::Say { kind } => {
                let message = pop!();
                self.set_bubble(sid, bubble_kind(kind), &message);
            }
            Instr::SayForSecsStart { kind } => {
                let secs = num!();
                let message = pop!();
                self.set_bubble(sid, bubble_kind(kind), &message);
                let usage = self.sprites[sid].bubble_usage;
                let deadline = self.now() + (secs * 1000.0).max(0.0);
                self.bubble_timers.push(super::BubbleTimer {
                    deadline,
                    sprite: sid,
                    usage,
                });
                push!(Value::Num(usage as f64));
                push!(Value::Num(deadline));
                th.real_time_wait = false;
                park!(pc, Status::PromiseWait(Wait::Until(deadline)));
            }
            Instr::BubbleEnd => {
                let token = num!();
                let s = &self.sprites[sid];
                if s.bubble.is_some() && s.bubble_usage as f64 == token {
                    let kind = s
                        .bubble
                        .as_ref()
                        .map_or(crate::io::BubbleKind::Say, |b| b.0);
                    self.set_bubble(sid, kind, &Value::empty());
                }
            }
            Instr::SwitchCostume => {
                let v = pop!();
                self.switch_costume(sid, &v);
            }
            Instr::NextCostume => {
                let next = self.sprites[sid].costume as f64 + 1.0;
                self.set_costume(sid, next);
            }
            Instr::SwitchBackdrop => {
                let v = pop!();
                self.switch_backdrop(&v);
            }
            Instr::SwitchBackdropStart => {
                let v = pop!();
                let started = self.switch_backdrop(&v);
                push!(Value::Num(th.handles.len() as f64));
                th.handles.push(Handle::Threads(started));
            }
            Instr::NextBackdrop => {
                self.next_backdrop();
            }
            Instr::ChangeSize => {
                let d = num!();
                let size = self.sprites[sid].size;
                self.set_size(sid, size + d);
            }
            Instr::SetSize => {
                let size = num!();
                self.set_size(sid, size);
            }
            Instr::ChangeEffect { effect } => {
                let v = num!();
                self.set_effect(sid, effect, v, true);
            }
            Instr::SetEffect { effect } => {
                let v = num!();
                self.set_effect(sid, effect, v, false);
            }
            Instr::ClearEffects => self.clear_effects(sid),
            Instr::Show => self.set_visible(sid, true),
            Instr::Hide => self.set_visible(sid, false),
            Instr::GoFrontBack { front } => self.go_front_back(sid, front != 0),
            Instr::GoLayers { forward } => {
                let n = num!();
                self.go_layers(sid, if forward != 0 { n } else { -n });
            }
            Instr::CostumeNumberName { name } => push!(self.costume_number_name(sid, name != 0)),
            Instr::BackdropNumberName { name } => push!(self.costume_number_name(0, name != 0)),
            Instr::Size => push!(Value::Num(js_round(self.sprites[sid].size))),

            Instr::PlaySound => {
                let which = pop!();
                self.play_sound(sid, &which, false);
            }
            Instr::PlaySoundStart => {
                let which = pop!();
                // The wait is the sound player's (see "Sound" in the module docs of `vm`): the
                // pushed deadline is already due, so `WaitCheck` passes once the thread resumes.
                push!(Value::Num(self.current_msecs));
                th.real_time_wait = false;
                if let Some((player, stops)) = self.play_sound(sid, &which, true) {
                    park!(pc, Status::PromiseWait(Wait::Sound { player, stops }));
                }
            }
            Instr::StopAllSounds => self.stop_all_sounds(),
            Instr::ChangeSoundEffect { effect } => {
                let v = num!();
                self.set_sound_effect(sid, effect, v, true);
                park!(pc, Status::PromiseWait(Wait::Until(self.now())));
            }
            Instr::SetSoundEffect { effect } => {
                let v = num!();
                self.set_sound_effect(sid, effect, v, false);
                park!(pc, Status::PromiseWait(Wait::Until(self.now())));
            }
            Instr::ClearSoundEffects => self.clear_sound_effects(sid),
            Instr::ChangeVolume => {
                let v = num!();
                let volume = self.sprites[sid].volume + v;
                self.set_volume(sid, volume);
                park!(pc, Status::PromiseWait(Wait::Until(self.now())));
            }
            Instr::SetVolume => {
                let v = num!();
                self.set_volume(sid, v);
                park!(pc, Status::PromiseWait(Wait::Until(self.now())));
            }
            Instr::Volume => push!(Value::Num(self.sprites[sid].volume)),

            Instr::TouchingObject => {
                let what = pop!();
                push!(Value::Bool(self.touching_object(sid, &what)));
            }
            Instr::TouchingColor => {
                let color = pop!();
                push!(Value::Bool(self.touching_color(sid, &color, None)));
            }
            Instr::ColorTouchingColor => {
                let color = pop!();
                let mask = pop!();
                push!(Value::Bool(self.touching_color(sid, &color, Some(&mask))));
            }
            Instr::DistanceTo => {
                let what = pop!();
                push!(Value::Num(self.distance_to(sid, &what)));
            }
            Instr::AskStart => {
                let question = pop!().to_str();
                let id = self.ask(sid, question);
                push!(Value::Num(id as f64));
            }
            Instr::AskWait => {
                let id = th.stack.last().map_or(0.0, |v| v.to_number()) as u64;
                if self.questions.iter().any(|q| q.id == id) {
                    park!(at, Status::PromiseWait(Wait::Ask(id)));
                }
                th.stack.pop();
            }
            Instr::Answer => push!(Value::Str(self.answer.clone())),
            Instr::KeyPressed => {
                let key = pop!();
                push!(Value::Bool(self.key_pressed(&key)));
            }
            Instr::MouseDown => push!(Value::Bool(self.mouse_down)),
            Instr::MouseX => push!(Value::Num(self.mouse_scratch_x())),
            Instr::MouseY => push!(Value::Num(self.mouse_scratch_y())),
            Instr::SetDragMode { draggable } => {
                let s = &mut self.sprites[sid];
                if !s.is_stage {
                    s.draggable = draggable != 0;
                }
            }
            Instr::Loudness => push!(Value::Num(0.0)),
            Instr::Loud => push!(Value::Bool(false)),
            Instr::Timer => push!(Value::Num(
                (self.current_msecs - self.timer_start_ms) / 1000.0
            )),
            Instr::ResetTimer => self.timer_start_ms = self.current_msecs,
            Instr::Of => {
                let object = pop!();
                let property = pop!();
                push!(self.attribute_of(&property, &object));
            }
            Instr::Current { unit } => push!(Value::Num(self.current(unit))),
            Instr::DaysSince2000 => push!(Value::Num(self.days_since_2000())),
            Instr::Username | Instr::UserId => push!(Value::empty()),

            Instr::PenClear => self.pen_clear(),
            Instr::PenStamp => self.pen_stamp(sid),
            Instr::PenDown => self.pen_down(sid),
            Instr::PenUp => self.sprites[sid].pen.down = false,
            Instr::SetPenColor => {
                let v = pop!();
                self.set_pen_color(sid, &v);
            }
            Instr::ChangePenParam | Instr::SetPenParam => {
                let amount = num!();
                let param = pop!();
                self.pen_param(sid, &param, amount, instr == Instr::ChangePenParam);
            }
            Instr::ChangePenSize => {
                let d = num!();
                let size = self.sprites[sid].pen.size;
                self.set_pen_size(sid, size + d);
            }
            Instr::SetPenSize => {
                let size = num!();
                self.set_pen_size(sid, size);
            }
            Instr::SetPenShade => {
                let v = num!();
                self.pen_shade(sid, v, false);
            }
            Instr::ChangePenShade => {
                let v = num!();
                self.pen_shade(sid, v, true);
            }
            Instr::SetPenHue => {
                let v = num!();
                self.pen_hue(sid, v, false);
            }
            Instr::ChangePenHue => {
                let v = num!();
                self.pen_hue(sid, v, true);
            }

            Instr::PlayDrumStart => {
                let beats = num!();
                let drum = num!();
                let secs = self.play_drum(sid, drum, beats);
                // The music extension's stack timers run on real time, not the frame's.
                th.real_time_wait = true;
                push!(Value::Num(self.now() + secs * 1000.0));
                yield_to!(pc);
            }
            Instr::RestStart => {
                let beats = num!();
                let secs = self.rest_seconds(beats);
                th.real_time_wait = true;
                push!(Value::Num(self.now() + secs * 1000.0));
                yield_to!(pc);
            }
            Instr::PlayNoteStart => {
                let beats = num!();
                let note = num!();
                let secs = self.play_note(sid, note, beats);
                th.real_time_wait = true;
                push!(Value::Num(self.now() + secs * 1000.0));
                if secs > 0.0 {
                    yield_to!(pc);
                }
            }
            Instr::SetInstrument => {
                let v = num!();
                self.set_instrument(sid, v);
            }
            Instr::SetTempo => {
                let v = num!();
                self.set_tempo(v);
            }
            Instr::ChangeTempo => {
                let v = num!();
                let tempo = self.sprites[0].tempo + v;
                self.set_tempo(tempo);
            }
            Instr::Tempo => push!(Value::Num(self.sprites[0].tempo)),
            Instr::MidiDrum => unop!(|a| {
                let n = js_round(a.to_number()) - 35.0;
                let drum = if (0.0..MIDI_DRUMS.len() as f64).contains(&n) {
                    MIDI_DRUMS[n as usize]
                } else {
                    2
                };
                Value::Num(drum as f64 + 1.0)
            }),
            Instr::MidiInstrument => unop!(|a| {
                let n = js_round(a.to_number()) - 1.0;
                let inst = if (0.0..MIDI_INSTRUMENTS.len() as f64).contains(&n) {
                    MIDI_INSTRUMENTS[n as usize]
                } else {
                    0
                };
                Value::Num(inst as f64)
            }),
            // Handled in the dispatch loop.
            _ => {}
        }
        *pc_out = pc;
        true
    }
}

/// Where the instruction at `at` of the thread's current chunk came from (for warnings).
fn loc_of(prog: &Program, th: &Thread, at: usize) -> crate::program::SourceLoc {
    th.frames
        .last()
        .and_then(|f| prog.chunks.get(f.chunk as usize))
        .and_then(|c| c.locs.get(at))
        .cloned()
        .unwrap_or(crate::program::SourceLoc::None)
}
