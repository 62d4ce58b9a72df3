//! The checked intermediate representation: a whole project with every name resolved.
//!
//! Both front ends produce it — the scratchblocks text parser and (later) the .sb3 loader — and
//! the one back end (`codegen`) turns it into bytecode. It keeps Scratch's shape (targets,
//! scripts, blocks with inputs and fields by catalog argument) so it can also be written back out
//! as text or .sb3.
//!
//! Architecture Invariant: an `ir::Project` is checked. Every variable and list reference holds a
//! valid slot, every custom block call names a procedure of its target, and every block's `args`
//! has one entry per [`BlockSpec::args`] entry, and every monitor names an existing variable or
//! list of its target (its `mode` is `List` exactly for lists). The back end relies on this and
//! does not report user errors.

use crate::catalog::BlockSpec;
pub use starling_runtime::program::{MonitorDef, SourceLoc, TargetDef};
pub use starling_runtime::stage::MonitorMode;

/// A whole project: the stage first, then the sprites from back to front.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    pub targets: Vec<Target>,
    /// The variable and list monitors shown on the stage, back to front. `target` indexes
    /// `targets`.
    pub monitors: Vec<MonitorDef>,
}

impl Project {
    /// The name of the variable or list a monitor shows, if it exists.
    pub fn monitor_name(&self, m: &MonitorDef) -> Option<&str> {
        let def = &self.targets.get(m.target as usize)?.def;
        if m.is_list {
            def.lists.get(m.index as usize).map(|l| l.name.as_str())
        } else {
            def.variables.get(m.index as usize).map(|v| v.name.as_str())
        }
    }
}

/// The stage or a sprite: its declarations and initial state (`def`) and its code.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Name, variables, lists, costumes, sounds and initial state. For the stage, `variables`
    /// and `lists` are the global ones.
    pub def: TargetDef,
    pub scripts: Vec<Script>,
    pub procedures: Vec<Procedure>,
}

/// A stack of blocks. Scripts whose first block is not a hat never run (as in Scratch) but are
/// kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The hat block, if the script starts with one.
    pub hat: Option<Block>,
    pub body: Vec<Block>,
    pub loc: SourceLoc,
}

/// A custom block definition (`define …`).
#[derive(Debug, Clone, PartialEq)]
pub struct Procedure {
    /// Scratch's proccode: the block's words with `%s` for number/text and `%b` for boolean
    /// parameters, e.g. `jump %s times`.
    pub proccode: String,
    pub params: Vec<Param>,
    /// "Run without screen refresh".
    pub warp: bool,
    pub body: Vec<Block>,
    pub loc: SourceLoc,
}

/// A custom block parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// `<name>` boolean parameter rather than `(name)` number/text.
    pub boolean: bool,
}

/// One block, hat, stack block or reporter.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub spec: &'static BlockSpec,
    /// One entry per `spec.args`, in that order. For `procedures_call`, one entry per parameter
    /// of the called procedure instead.
    pub args: Vec<Arg>,
    /// One entry per substack of `spec` (`spec.substacks`).
    pub substacks: Vec<Vec<Block>>,
    /// For `procedures_call`: the index of the called procedure in its target's `procedures`.
    pub call: Option<u32>,
    pub loc: SourceLoc,
}

/// What fills an argument slot.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Nothing: an empty boolean slot, or an empty input.
    Empty,
    /// A literal typed into the slot, or a menu choice by its stored value (`_random_`,
    /// `COLOR`, a costume name, a message name, `#ff0000`).
    Literal(String),
    /// A reporter dropped into the slot.
    Expr(Box<Expr>),
    /// A variable field (`set [score v] to`).
    Var(VarRef),
    /// A list field (`add [x] to [fruits v]`).
    List(ListRef),
}

/// A reporter.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A reporter block of the catalog (`(a) + (b)`, `(x position)`, …).
    Block(Block),
    /// A variable reporter `(score)`.
    Var(VarRef),
    /// A list reporter `(fruits)`: the list as text.
    List(ListRef),
    /// A custom block parameter reporter. `index` is the parameter's position in the enclosing
    /// procedure, or `None` when used outside it (Scratch then reports 0 or false).
    Param {
        name: String,
        boolean: bool,
        index: Option<u32>,
    },
}

/// A resolved variable: its name and slot (an `isa` slot operand: `isa::LOCAL` set for the
/// sprite's own variables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub slot: u32,
}

/// A resolved list.
pub type ListRef = VarRef;

/// A compact one-line form of a block without its substacks, for tests and debugging:
/// `looks_say(operator_add([1], $score:g0))`. Variables are `$name:g0` (global slot 0) or
/// `$name:l0` (the sprite's own), lists `@name:…`, parameters `%name0` / `%<name>0` (`?` when
/// used outside their define), literals `[text]`, empty slots `_`, calls `procedures_call#2`.
pub fn block_summary(b: &Block) -> String {
    let mut s = b.spec.opcode.to_string();
    if let Some(c) = b.call {
        s.push_str(&format!("#{c}"));
    }
    if !b.args.is_empty() {
        let args: Vec<String> = b.args.iter().map(arg_summary).collect();
        s.push_str(&format!("({})", args.join(", ")));
    }
    s
}

/// The compact form of an argument (see [`block_summary`]).
pub fn arg_summary(a: &Arg) -> String {
    match a {
        Arg::Empty => "_".into(),
        Arg::Literal(s) => format!("[{s}]"),
        Arg::Var(r) => format!("${}", slot_summary(r)),
        Arg::List(r) => format!("@{}", slot_summary(r)),
        Arg::Expr(e) => expr_summary(e),
    }
}

/// The compact form of a reporter (see [`block_summary`]).
pub fn expr_summary(e: &Expr) -> String {
    match e {
        Expr::Block(b) => block_summary(b),
        Expr::Var(r) => format!("${}", slot_summary(r)),
        Expr::List(r) => format!("@{}", slot_summary(r)),
        Expr::Param {
            name,
            boolean,
            index,
        } => {
            let i = index.map_or("?".to_string(), |i| i.to_string());
            if *boolean {
                format!("%<{name}>{i}")
            } else {
                format!("%{name}{i}")
            }
        }
    }
}

fn slot_summary(r: &VarRef) -> String {
    let local = r.slot & starling_runtime::isa::LOCAL != 0;
    let index = r.slot & !starling_runtime::isa::LOCAL;
    format!("{}:{}{index}", r.name, if local { "l" } else { "g" })
}
