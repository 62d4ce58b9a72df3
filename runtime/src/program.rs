//! A compiled program: what the compiler hands the runtime.
//!
//! Everything the VM needs is here as plain data: the constant pool, the bytecode chunks (one per
//! script, procedure and hat predicate), the targets (stage first, then sprites in their layer
//! order) with their variables, lists, costumes, sounds and initial state, the scripts with their
//! hats, and the procedures.

use crate::isa::Instr;
use crate::stage::MonitorMode;
use crate::value::Value;

/// Where an instruction came from, so a runtime error can point at the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLoc {
    /// Byte range in the source text.
    Span { start: u32, end: u32 },
    /// A block id of an .sb3 project.
    Block(String),
    /// Generated code with no source.
    None,
}

/// A compiled sequence of instructions.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// For the disassembler: `Sprite1: when green flag clicked`, `Sprite1: define fib (n)`.
    pub name: String,
    pub code: Vec<Instr>,
    /// `locs[pc]` is where `code[pc]` came from (same length as `code`).
    pub locs: Vec<SourceLoc>,
}

/// A variable's or list's declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDef {
    pub name: String,
    /// The .sb3 id, when the project came from one.
    pub id: Option<String>,
    pub initial: Value,
}

/// A list's declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct ListDef {
    pub name: String,
    pub id: Option<String>,
    pub initial: Vec<Value>,
}

/// A costume or backdrop. The bytes and the drawing come with the stage issue.
#[derive(Debug, Clone, PartialEq)]
pub struct CostumeDef {
    pub name: String,
    /// The file the costume comes from (a text project's file reference or an .sb3 asset name).
    pub file: Option<String>,
    /// In the costume's own pixels from its top-left corner (as in .sb3 files); `None` (a text
    /// project's costume) means the middle of the image.
    pub rotation_center: Option<(f64, f64)>,
    pub bitmap_resolution: f64,
    /// Size in pixels at bitmap resolution 1, when known (used for fencing and bounce).
    pub size: Option<(f64, f64)>,
}

/// A sound. Decoding and mixing come with the sound issue.
#[derive(Debug, Clone, PartialEq)]
pub struct SoundDef {
    pub name: String,
    pub file: Option<String>,
    /// Length in seconds at normal pitch, when known (for `play sound until done`).
    pub seconds: Option<f64>,
    /// The sample rate (Hz) and sample count an .sb3 records for the sound (`rate`,
    /// `sampleCount`), when known: read from a loaded .sb3, or found by decoding the file when a
    /// text program is saved as .sb3. Only saving uses them (playing decodes the file itself).
    pub rate_and_samples: Option<(u32, u64)>,
}

/// Rotation style of a sprite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RotationStyle {
    #[default]
    AllAround,
    LeftRight,
    DontRotate,
}

/// The stage or a sprite, with its initial state.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetDef {
    pub name: String,
    pub is_stage: bool,
    /// The stage's variables are the globals; a sprite's are its own ("for this sprite only").
    pub variables: Vec<VarDef>,
    pub lists: Vec<ListDef>,
    pub costumes: Vec<CostumeDef>,
    pub sounds: Vec<SoundDef>,
    pub current_costume: usize,
    pub x: f64,
    pub y: f64,
    pub direction: f64,
    pub size: f64,
    pub visible: bool,
    pub draggable: bool,
    pub rotation_style: RotationStyle,
    pub volume: f64,
    /// Stage only: music tempo in bpm.
    pub tempo: f64,
}

impl TargetDef {
    /// A target with Scratch's defaults and no costumes.
    pub fn new(name: impl Into<String>, is_stage: bool) -> TargetDef {
        TargetDef {
            name: name.into(),
            is_stage,
            variables: Vec::new(),
            lists: Vec::new(),
            costumes: Vec::new(),
            sounds: Vec::new(),
            current_costume: 0,
            x: 0.0,
            y: 0.0,
            direction: 90.0,
            size: 100.0,
            visible: !is_stage,
            draggable: false,
            rotation_style: RotationStyle::AllAround,
            volume: 100.0,
            tempo: 60.0,
        }
    }
}

/// What starts a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Hat {
    /// `when green flag clicked`.
    Flag,
    /// `when [key] key pressed`: the key name as Scratch stores it (`space`, `a`, `any`, …).
    KeyPressed(String),
    /// `when this sprite clicked`.
    SpriteClicked,
    /// `when stage clicked`.
    StageClicked,
    /// `when backdrop switches to [name]`.
    BackdropSwitchesTo(String),
    /// `when I receive [message]`: the message name.
    BroadcastReceived(String),
    /// `when I start as a clone`.
    CloneStart,
    /// Edge-activated hats (`when [timer] > (10)`, `when touching [x]?`): the script starts
    /// when the predicate chunk's result turns from false to true.
    Predicate {
        /// The Scratch opcode, for the disassembler and the .sb3 saver.
        opcode: String,
        /// A chunk that leaves a boolean on the stack and ends with `End`.
        chunk: u32,
    },
}

impl Hat {
    /// Whether firing the hat again restarts a running copy of its script (Scratch's
    /// `restartExistingThreads`).
    pub fn restarts(&self) -> bool {
        matches!(
            self,
            Hat::Flag
                | Hat::SpriteClicked
                | Hat::StageClicked
                | Hat::BackdropSwitchesTo(_)
                | Hat::BroadcastReceived(_)
        )
    }
}

/// A script: a hat and the code under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptDef {
    /// Index into [`Program::targets`].
    pub target: u32,
    pub hat: Hat,
    /// Index into [`Program::chunks`].
    pub chunk: u32,
}

/// A custom block's compiled definition.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcDef {
    /// Index of the target that defines it.
    pub target: u32,
    /// Scratch's proccode, e.g. `fib %s`.
    pub proccode: String,
    /// Number of arguments.
    pub n_args: u32,
    /// "Run without screen refresh".
    pub warp: bool,
    /// Index into [`Program::chunks`]; the chunk ends with `Return`.
    pub chunk: u32,
}

/// A variable or list monitor: the display of its value on the stage, as Scratch's .sb3
/// `monitors` keep it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorDef {
    /// Index of the target that owns the variable or list in [`Program::targets`]: 0 (the stage)
    /// for a global one.
    pub target: u32,
    /// Index of the variable in that target's `variables`, or of the list in its `lists`.
    pub index: u32,
    pub is_list: bool,
    /// [`MonitorMode::List`] exactly when `is_list`.
    pub mode: MonitorMode,
    /// Stage pixels from the top-left corner (x right, y down); `None` means "place it
    /// automatically", as Scratch does for a monitor that was never positioned.
    pub x: Option<f64>,
    pub y: Option<f64>,
    /// List monitors' size in pixels; 0 means the default.
    pub width: f64,
    pub height: f64,
    /// Shown on the stage (Scratch keeps hidden monitors to remember their place and mode).
    pub visible: bool,
}

/// A whole compiled program.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub constants: Vec<Value>,
    pub chunks: Vec<Chunk>,
    /// `targets[0]` is the stage; sprites follow from back to front.
    pub targets: Vec<TargetDef>,
    pub scripts: Vec<ScriptDef>,
    pub procs: Vec<ProcDef>,
    /// The variable and list monitors, in the order they are drawn (back to front).
    pub monitors: Vec<MonitorDef>,
}

impl Program {
    /// The stage's variables, which are the global ones.
    pub fn globals(&self) -> &[VarDef] {
        self.targets
            .first()
            .map(|t| &t.variables[..])
            .unwrap_or(&[])
    }

    /// Prints every chunk's instructions, for `starling disasm`.
    pub fn disassemble(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "constants:");
        for (i, c) in self.constants.iter().enumerate() {
            let shown = match c {
                Value::Str(s) => format!("{:?}", &**s),
                other => other.to_string(),
            };
            let _ = writeln!(out, "  k{i:<4} {shown}");
        }
        for (ci, chunk) in self.chunks.iter().enumerate() {
            let _ = writeln!(out, "\nchunk {ci}: {}", chunk.name);
            for (pc, instr) in chunk.code.iter().enumerate() {
                let loc = match chunk.locs.get(pc) {
                    Some(SourceLoc::Span { start, end }) => format!("@{start}..{end}"),
                    Some(SourceLoc::Block(id)) => format!("@{id}"),
                    _ => String::new(),
                };
                let comment = match instr {
                    Instr::Const { k } => self
                        .constants
                        .get(*k as usize)
                        .map(|v| match v {
                            Value::Str(s) => format!("  ; {:?}", &**s),
                            other => format!("  ; {other}"),
                        })
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  {pc:>4}  {:<32}{comment:<16} {loc}",
                    instr.to_string()
                );
            }
        }
        out
    }
}
