//! Starling's instruction set, defined once.
//!
//! The [`define_isa!`] table below is the only place an instruction is declared. From it the
//! macro generates the [`Instr`] enum, each instruction's byte code, the encoder
//! ([`Instr::encode`]), the decoder ([`Instr::decode`]), the disassembler ([`Instr::fmt`] via
//! `Display`), its name and its stack effect ([`Instr::stack_effect`]).
//!
//! The machine is a stack machine over [`crate::Value`]s. Every operand is a `u32`. Conventions:
//!
//! - `var` / `list` operands are slots: the low 31 bits index the global table
//!   ([`crate::program::Program::globals`]) or, with [`LOCAL`] set, the running sprite's (or
//!   clone's) own table ([`crate::program::TargetDef::variables`]).
//! - `target` operands are instruction indexes in the same chunk.
//! - "pops a, b" means `b` is on top of the stack: inputs are pushed in the order the block
//!   lists them, so the last input is on top.
//! - Instructions marked *yields* may end the thread's turn; when the thread resumes it
//!   continues at the instruction the text says (usually the next one).
//! - Instructions marked *redraw* request a redraw when their sprite is visible (Scratch's
//!   `runtime.requestRedraw()`), which ends the frame's work loop unless in turbo mode.
//! - "deadline" values are virtual-clock times in milliseconds, pushed as numbers.

use std::fmt;

/// Bit set in a `var`/`list` operand when the slot is the sprite's own (sprite-local or
/// clone-local) rather than global.
pub const LOCAL: u32 = 1 << 31;

/// Splits a slot operand into (is_local, index).
#[inline]
pub fn slot_parts(slot: u32) -> (bool, usize) {
    (slot & LOCAL != 0, (slot & !LOCAL) as usize)
}

/// An instruction could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    UnknownOpcode { at: usize, byte: u8 },
    Truncated { at: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnknownOpcode { at, byte } => {
                write!(f, "unknown opcode byte {byte:#04x} at offset {at}")
            }
            DecodeError::Truncated { at } => {
                write!(f, "bytecode ends inside an instruction at offset {at}")
            }
        }
    }
}

macro_rules! define_isa {
    (
        $(
            $(#[doc = $doc:literal])*
            $name:ident $( { $($field:ident),* } )? = $code:literal,
                pops ($($pops:tt)*), pushes ($($pushes:tt)*);
        )*
    ) => {
        /// One instruction. See the table in `isa.rs` for each one's meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Instr {
            $(
                $(#[doc = $doc])*
                $name $( { $($field: u32),* } )?,
            )*
        }

        impl Instr {
            /// Every instruction's name, indexed by its byte code.
            pub const NAMES: &'static [(u8, &'static str)] = &[ $( ($code, stringify!($name)) ),* ];

            /// The instruction's byte code.
            pub fn code(&self) -> u8 {
                match self { $( Instr::$name $( { $($field: _),* } )? => $code, )* }
            }

            /// The instruction's name, as the disassembler prints it.
            pub fn name(&self) -> &'static str {
                match self { $( Instr::$name $( { $($field: _),* } )? => stringify!($name), )* }
            }

            /// The operands in order.
            pub fn operands(&self) -> Vec<(&'static str, u32)> {
                match self {
                    $( Instr::$name $( { $($field),* } )? => vec![ $( $( (stringify!($field), *$field) ),* )? ], )*
                }
            }

            /// How many values the instruction pops and pushes.
            #[allow(unused_variables)]
            pub fn stack_effect(&self) -> (u32, u32) {
                match self {
                    $( Instr::$name $( { $($field),* } )? => {
                        $( $( let $field = *$field; )* )?
                        (($($pops)*) as u32, ($($pushes)*) as u32)
                    } )*
                }
            }

            /// Appends the encoded instruction: its byte code, then each operand as a
            /// little-endian `u32`.
            pub fn encode(&self, out: &mut Vec<u8>) {
                out.push(self.code());
                match self {
                    $( Instr::$name $( { $($field),* } )? => {
                        $( $( out.extend_from_slice(&$field.to_le_bytes()); )* )?
                    } )*
                }
            }

            /// Decodes the instruction at `*pos`, advancing `*pos` past it.
            pub fn decode(bytes: &[u8], pos: &mut usize) -> Result<Instr, DecodeError> {
                let at = *pos;
                let byte = *bytes.get(at).ok_or(DecodeError::Truncated { at })?;
                *pos += 1;
                #[allow(unused_mut, unused_variables)]
                let mut operand = |pos: &mut usize| -> Result<u32, DecodeError> {
                    let b = bytes.get(*pos..*pos + 4).ok_or(DecodeError::Truncated { at })?;
                    *pos += 4;
                    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                };
                match byte {
                    $( $code => Ok(Instr::$name $( { $($field: operand(pos)?),* } )?), )*
                    _ => Err(DecodeError::UnknownOpcode { at, byte }),
                }
            }
        }

        impl fmt::Display for Instr {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())?;
                for (name, value) in self.operands() {
                    if name == "var" || name == "list" {
                        let (local, idx) = slot_parts(value);
                        write!(f, " {name}={}{idx}", if local { "local:" } else { "global:" })?;
                    } else {
                        write!(f, " {name}={value}")?;
                    }
                }
                Ok(())
            }
        }
    };
}

define_isa! {
    // ---------------------------------------------------------------- stack and constants
    /// Pushes `constants[k]`.
    Const { k } = 0x01, pops (0), pushes (1);
    /// Discards the top value.
    Pop = 0x02, pops (1), pushes (0);

    // ---------------------------------------------------------------- variables
    /// Pushes the variable's value.
    LoadVar { var } = 0x10, pops (0), pushes (1);
    /// Pops a value into the variable (`set [v] to`).
    StoreVar { var } = 0x11, pops (1), pushes (0);
    /// Pops a value and adds its number to the variable's number (`change [v] by`).
    ChangeVar { var } = 0x12, pops (1), pushes (0);
    /// Shows the variable's monitor.
    ShowVar { var } = 0x13, pops (0), pushes (0);
    /// Hides the variable's monitor.
    HideVar { var } = 0x14, pops (0), pushes (0);
    /// Pushes argument `index` of the running custom block.
    LoadArg { index } = 0x15, pops (0), pushes (1);

    // ---------------------------------------------------------------- lists
    /// Pushes the list shown as text (Scratch's join rule).
    ListContents { list } = 0x20, pops (0), pushes (1);
    /// Pops item; appends it unless the list holds 200,000 items.
    ListAdd { list } = 0x21, pops (1), pushes (0);
    /// Pops index (`last`, `random`, `all` accepted); deletes that item.
    ListDelete { list } = 0x22, pops (1), pushes (0);
    /// Empties the list.
    ListDeleteAll { list } = 0x23, pops (0), pushes (0);
    /// Pops item, index; inserts (index may be length+1; `last`, `random`).
    ListInsert { list } = 0x24, pops (2), pushes (0);
    /// Pops index, item; replaces that item.
    ListReplace { list } = 0x25, pops (2), pushes (0);
    /// Pops index; pushes the item or '' when the index is bad.
    ListItem { list } = 0x26, pops (1), pushes (1);
    /// Pops item; pushes its 1-based position (Scratch compare rules) or 0.
    ListItemNum { list } = 0x27, pops (1), pushes (1);
    /// Pushes the number of items.
    ListLength { list } = 0x28, pops (0), pushes (1);
    /// Pops item; pushes whether the list contains it (Scratch compare rules).
    ListContains { list } = 0x29, pops (1), pushes (1);
    /// Shows the list's monitor.
    ShowList { list } = 0x2a, pops (0), pushes (0);
    /// Hides the list's monitor.
    HideList { list } = 0x2b, pops (0), pushes (0);

    // ---------------------------------------------------------------- operators
    /// Pops a, b; pushes a + b (numbers).
    Add = 0x30, pops (2), pushes (1);
    /// Pops a, b; pushes a − b.
    Sub = 0x31, pops (2), pushes (1);
    /// Pops a, b; pushes a × b.
    Mul = 0x32, pops (2), pushes (1);
    /// Pops a, b; pushes a ÷ b (JavaScript rules: ±Infinity, NaN is kept as a value).
    Div = 0x33, pops (2), pushes (1);
    /// Pops a, b; pushes a mod b with floored division (sign of b).
    Mod = 0x34, pops (2), pushes (1);
    /// Pops from, to; pushes a random integer when both look like integers, else a decimal.
    Random = 0x35, pops (2), pushes (1);
    /// Pops a, b; pushes compare(a, b) > 0.
    Gt = 0x36, pops (2), pushes (1);
    /// Pops a, b; pushes compare(a, b) < 0.
    Lt = 0x37, pops (2), pushes (1);
    /// Pops a, b; pushes compare(a, b) == 0.
    Eq = 0x38, pops (2), pushes (1);
    /// Pops a, b; pushes toBoolean(a) && toBoolean(b) (both were evaluated, as in Scratch).
    And = 0x39, pops (2), pushes (1);
    /// Pops a, b; pushes toBoolean(a) || toBoolean(b).
    Or = 0x3a, pops (2), pushes (1);
    /// Pops a; pushes !toBoolean(a).
    Not = 0x3b, pops (1), pushes (1);
    /// Pops a, b; pushes the text a followed by b.
    Join = 0x3c, pops (2), pushes (1);
    /// Pops index, text; pushes the letter (1-based) or '' out of range.
    LetterOf = 0x3d, pops (2), pushes (1);
    /// Pops text; pushes its length (UTF-16 units, as JavaScript).
    Length = 0x3e, pops (1), pushes (1);
    /// Pops text, part; pushes whether text contains part, ignoring case.
    Contains = 0x3f, pops (2), pushes (1);
    /// Pops a; pushes Math.round(a).
    Round = 0x40, pops (1), pushes (1);
    /// Pops a; pushes the math function `op` of a: 0 abs, 1 floor, 2 ceiling, 3 sqrt, 4 sin,
    /// 5 cos, 6 tan, 7 asin, 8 acos, 9 atan, 10 ln, 11 log, 12 e^, 13 10^, any other 0 (degrees; sin/cos
    /// rounded to 10 places; tan of ±90 is ±Infinity as in Scratch).
    MathOp { op } = 0x41, pops (1), pushes (1);

    // ---------------------------------------------------------------- control flow
    /// Continues at `target`.
    Jump { target } = 0x50, pops (0), pushes (0);
    /// Pops a value; continues at `target` when it is false (toBoolean).
    JumpIfFalse { target } = 0x51, pops (1), pushes (0);
    /// Pops a value; continues at `target` when it is true (toBoolean).
    JumpIfTrue { target } = 0x52, pops (1), pushes (0);
    /// The end of a loop iteration, or `wait until` not yet true: *yields* (Scratch's
    /// `util.yield()` / loop frame return) unless the thread is in warp mode and its warp time
    /// (500 ms) is not used up. Resumes at the next instruction.
    Yield = 0x53, pops (0), pushes (0);
    /// Pops times; pushes Math.round(toNumber(times)), the loop counter of `repeat`.
    RepeatInit = 0x54, pops (1), pushes (1);
    /// Decrements the counter on top of the stack; if it is now below 0, pops it and continues
    /// at `exit`; else falls through into the loop body.
    RepeatStep { exit } = 0x55, pops (0), pushes (0);
    /// `for each`: the stack holds the loop index below the limit just pushed. Pops the
    /// limit; if index < toNumber(limit), increments the index, stores it in `var` and falls
    /// through; else pops the index and continues at `exit`.
    ForEachStep { var, exit } = 0x56, pops (1), pushes (0);
    /// Pops seconds; pushes the deadline now + seconds; *redraw*; *yields*.
    /// (Scratch's `control_wait` first step.)
    WaitStart = 0x57, pops (1), pushes (1);
    /// Peeks the deadline; if the virtual clock has not reached it, *yields* and resumes at this
    /// same instruction; else pops it and falls through.
    WaitCheck = 0x58, pops (0), pushes (0);
    /// `stop`: option 0 all, 1 this script, 2 other scripts in sprite.
    Stop { option } = 0x59, pops (0), pushes (0);
    /// Pops the target name (`_myself_` or a sprite name); creates a clone (at most 300).
    CreateClone = 0x5a, pops (1), pushes (0);
    /// Deletes this clone and ends the thread (does nothing in an original sprite).
    DeleteClone = 0x5b, pops (0), pushes (0);
    /// Pops `argc` arguments (first argument deepest) and runs procedure `proc` of the program:
    /// Scratch's rules for warp and for yielding on recursive calls apply.
    Call { proc, argc } = 0x5c, pops (argc), pushes (0);
    /// Returns from a procedure to its caller.
    Return = 0x5d, pops (0), pushes (0);
    /// The end of a script: the thread is done. In a hat predicate chunk, the value left on top
    /// of the stack is the predicate's result.
    End = 0x5e, pops (0), pushes (0);
    /// Pushes the hidden counter (`control_get_counter`).
    CounterGet = 0x5f, pops (0), pushes (1);
    /// Adds 1 to the hidden counter.
    CounterIncr = 0x60, pops (0), pushes (0);
    /// Sets the hidden counter to 0.
    CounterClear = 0x61, pops (0), pushes (0);

    // ---------------------------------------------------------------- events
    /// Pops a message name; starts every `when I receive` script for it (case-insensitive),
    /// restarting ones already running.
    Broadcast = 0x68, pops (1), pushes (0);
    /// Pops a message name; starts the scripts like `Broadcast` and pushes a handle to the
    /// started threads. Follow with `BroadcastWait`.
    BroadcastStart = 0x69, pops (1), pushes (1);
    /// Peeks the handle; while any started thread is alive, *yields* (a tick-yield when all of
    /// them are waiting, as Scratch does) and resumes at this same instruction; then pops it.
    BroadcastWait = 0x6a, pops (0), pushes (0);

    // ---------------------------------------------------------------- motion
    /// Pops steps.
    MoveSteps = 0x70, pops (1), pushes (0);
    /// Pops degrees.
    TurnRight = 0x71, pops (1), pushes (0);
    /// Pops degrees.
    TurnLeft = 0x72, pops (1), pushes (0);
    /// Pops a target: `_random_`, `_mouse_` or a sprite name.
    GoTo = 0x73, pops (1), pushes (0);
    /// Pops x, y.
    GoToXY = 0x74, pops (2), pushes (0);
    /// Pops secs, target (as `GoTo`); pushes glide state (opaque values, `glide_slots`). Follow
    /// with `GlideStep`.
    GlideToStart = 0x75, pops (2), pushes (1);
    /// Pops secs, x, y; pushes glide state. Follow with `GlideStep`.
    GlideToXYStart = 0x76, pops (3), pushes (1);
    /// Moves along the glide whose state is on top; *yields* and resumes here until the time is
    /// up, then lands on the end point and pops the state.
    GlideStep = 0x77, pops (0), pushes (0);
    /// Pops direction.
    PointInDirection = 0x78, pops (1), pushes (0);
    /// Pops a target: `_mouse_`, `_random_` or a sprite name.
    PointTowards = 0x79, pops (1), pushes (0);
    /// Pops dx.
    ChangeX = 0x7a, pops (1), pushes (0);
    /// Pops x.
    SetX = 0x7b, pops (1), pushes (0);
    /// Pops dy.
    ChangeY = 0x7c, pops (1), pushes (0);
    /// Pops y.
    SetY = 0x7d, pops (1), pushes (0);
    /// `if on edge, bounce`.
    BounceOnEdge = 0x7e, pops (0), pushes (0);
    /// style: 0 all around, 1 left-right, 2 don't rotate.
    SetRotationStyle { style } = 0x7f, pops (0), pushes (0);
    /// Pushes x position.
    XPosition = 0x80, pops (0), pushes (1);
    /// Pushes y position.
    YPosition = 0x81, pops (0), pushes (1);
    /// Pushes direction.
    Direction = 0x82, pops (0), pushes (1);

    // ---------------------------------------------------------------- looks
    /// Pops a message; shows it in a bubble (`kind` 0 say, 1 think); '' removes the bubble.
    Say { kind } = 0x90, pops (1), pushes (0);
    /// Pops message, secs; shows the bubble and pushes the deadline and a bubble token. Follow
    /// with `WaitCheck` then `BubbleEnd`.
    SayForSecsStart { kind } = 0x91, pops (2), pushes (2);
    /// Pops the bubble token; removes the bubble if it is still the one the token names.
    BubbleEnd = 0x92, pops (1), pushes (0);
    /// Pops a costume name or number (Scratch's rules for number-like names).
    SwitchCostume = 0x93, pops (1), pushes (0);
    NextCostume = 0x94, pops (0), pushes (0);
    /// Pops a backdrop name or number, or `next backdrop`/`previous backdrop`/`random backdrop`;
    /// starts `when backdrop switches to` scripts.
    SwitchBackdrop = 0x95, pops (1), pushes (0);
    /// As `SwitchBackdrop`, and pushes a handle to the started threads: follow with
    /// `BroadcastWait`.
    SwitchBackdropStart = 0x96, pops (1), pushes (1);
    NextBackdrop = 0x97, pops (0), pushes (0);
    /// Pops change in percent.
    ChangeSize = 0x98, pops (1), pushes (0);
    /// Pops percent.
    SetSize = 0x99, pops (1), pushes (0);
    /// Pops amount. effect: 0 color, 1 fisheye, 2 whirl, 3 pixelate, 4 mosaic, 5 brightness,
    /// 6 ghost.
    ChangeEffect { effect } = 0x9a, pops (1), pushes (0);
    /// Pops value.
    SetEffect { effect } = 0x9b, pops (1), pushes (0);
    ClearEffects = 0x9c, pops (0), pushes (0);
    Show = 0x9d, pops (0), pushes (0);
    Hide = 0x9e, pops (0), pushes (0);
    /// front: 1 go to front, 0 go to back.
    GoFrontBack { front } = 0x9f, pops (0), pushes (0);
    /// Pops n; forward: 1 forward, 0 backward.
    GoLayers { forward } = 0xa0, pops (1), pushes (0);
    /// Pushes costume number (name 0) or name (name 1).
    CostumeNumberName { name } = 0xa1, pops (0), pushes (1);
    /// Pushes backdrop number (name 0) or name (name 1).
    BackdropNumberName { name } = 0xa2, pops (0), pushes (1);
    /// Pushes size in percent.
    Size = 0xa3, pops (0), pushes (1);

    // ---------------------------------------------------------------- sound
    /// Pops a sound name or number; starts it.
    PlaySound = 0xb0, pops (1), pushes (0);
    /// Pops a sound name or number; starts it, parks the thread until that sound's player next
    /// stops (it ends at its real length under pitch changes, is restarted, or is stopped) and
    /// pushes a deadline that is already due. Follow with `WaitCheck`.
    PlaySoundStart = 0xb1, pops (1), pushes (1);
    StopAllSounds = 0xb2, pops (0), pushes (0);
    /// Pops amount. effect: 0 pitch, 1 pan.
    ChangeSoundEffect { effect } = 0xb3, pops (1), pushes (0);
    /// Pops value.
    SetSoundEffect { effect } = 0xb4, pops (1), pushes (0);
    ClearSoundEffects = 0xb5, pops (0), pushes (0);
    /// Pops change.
    ChangeVolume = 0xb6, pops (1), pushes (0);
    /// Pops volume.
    SetVolume = 0xb7, pops (1), pushes (0);
    /// Pushes volume.
    Volume = 0xb8, pops (0), pushes (1);

    // ---------------------------------------------------------------- sensing
    /// Pops `_mouse_`, `_edge_` or a sprite name; pushes a boolean.
    TouchingObject = 0xc0, pops (1), pushes (1);
    /// Pops a colour; pushes a boolean.
    TouchingColor = 0xc1, pops (1), pushes (1);
    /// Pops colour, colour; pushes a boolean.
    ColorTouchingColor = 0xc2, pops (2), pushes (1);
    /// Pops `_mouse_` or a sprite name; pushes the distance.
    DistanceTo = 0xc3, pops (1), pushes (1);
    /// Pops a question; queues it (shown as a bubble when a visible sprite asks) and pushes a
    /// handle. Follow with `AskWait`.
    AskStart = 0xc4, pops (1), pushes (1);
    /// Peeks the handle; *yields* and resumes here until the host has answered this question;
    /// then pops it (the answer is in `Answer`).
    AskWait = 0xc5, pops (0), pushes (0);
    /// Pushes the last answer.
    Answer = 0xc6, pops (0), pushes (1);
    /// Pops a key name; pushes whether it is down (`any` for any key).
    KeyPressed = 0xc7, pops (1), pushes (1);
    MouseDown = 0xc8, pops (0), pushes (1);
    MouseX = 0xc9, pops (0), pushes (1);
    MouseY = 0xca, pops (0), pushes (1);
    /// draggable: 1 draggable, 0 not draggable.
    SetDragMode { draggable } = 0xcb, pops (0), pushes (0);
    Loudness = 0xcc, pops (0), pushes (1);
    /// Pushes loudness > 10 (the hidden `loud?`).
    Loud = 0xcd, pops (0), pushes (1);
    /// Pushes the timer in seconds.
    Timer = 0xce, pops (0), pushes (1);
    ResetTimer = 0xcf, pops (0), pushes (0);
    /// Pops property, object; pushes `[property] of [object]` (x position, …, or a variable of
    /// that sprite or the stage; 0 when there is no such thing).
    Of = 0xd0, pops (2), pushes (1);
    /// Pushes the current date/time part: 0 year, 1 month, 2 date, 3 day of week, 4 hour,
    /// 5 minute, 6 second (from the host's wall clock; a fixed date on the virtual clock).
    Current { unit } = 0xd1, pops (0), pushes (1);
    DaysSince2000 = 0xd2, pops (0), pushes (1);
    /// Pushes '' (Starling has no accounts).
    Username = 0xd3, pops (0), pushes (1);
    /// Pushes '' (the hidden `user id`).
    UserId = 0xd4, pops (0), pushes (1);

    // ---------------------------------------------------------------- pen
    PenClear = 0xe0, pops (0), pushes (0);
    PenStamp = 0xe1, pops (0), pushes (0);
    PenDown = 0xe2, pops (0), pushes (0);
    PenUp = 0xe3, pops (0), pushes (0);
    /// Pops a colour (`#rrggbb`, or a number as Scratch's colour cast).
    SetPenColor = 0xe4, pops (1), pushes (0);
    /// Pops param (`color`, `saturation`, `brightness`, `transparency`), amount.
    ChangePenParam = 0xe5, pops (2), pushes (0);
    /// Pops param, value.
    SetPenParam = 0xe6, pops (2), pushes (0);
    /// Pops change.
    ChangePenSize = 0xe7, pops (1), pushes (0);
    /// Pops size (1…1200).
    SetPenSize = 0xe8, pops (1), pushes (0);
    /// Legacy: pops shade.
    SetPenShade = 0xe9, pops (1), pushes (0);
    /// Legacy: pops change.
    ChangePenShade = 0xea, pops (1), pushes (0);
    /// Legacy: pops hue (0…200).
    SetPenHue = 0xeb, pops (1), pushes (0);
    /// Legacy: pops change.
    ChangePenHue = 0xec, pops (1), pushes (0);

    // ---------------------------------------------------------------- music
    /// Pops drum (1…18), beats; plays it and pushes the deadline. Follow with `WaitCheck`.
    PlayDrumStart = 0xf0, pops (2), pushes (1);
    /// Pops beats; pushes the deadline. Follow with `WaitCheck`.
    RestStart = 0xf1, pops (1), pushes (1);
    /// Pops note (0…130), beats; plays it and pushes the deadline. Follow with `WaitCheck`.
    PlayNoteStart = 0xf2, pops (2), pushes (1);
    /// Pops instrument (1…21).
    SetInstrument = 0xf3, pops (1), pushes (0);
    /// Pops tempo (20…500).
    SetTempo = 0xf4, pops (1), pushes (0);
    /// Pops change.
    ChangeTempo = 0xf5, pops (1), pushes (0);
    /// Pushes tempo.
    Tempo = 0xf6, pops (0), pushes (1);
    /// Legacy `midiPlayDrumForBeats` input: pops a General MIDI drum number (35…81); pushes the
    /// Starling drum number (1…18) as scratch3_music's MIDI_DRUMS table maps it (2 + 1 when
    /// unknown).
    MidiDrum = 0xf7, pops (1), pushes (1);
    /// Legacy `midiSetInstrument` input: pops a General MIDI instrument (1…128); pushes the
    /// Starling instrument (1…21) as scratch3_music's MIDI_INSTRUMENTS table maps it.
    MidiInstrument = 0xf8, pops (1), pushes (1);
}

/// Encodes a sequence of instructions.
pub fn encode_all(code: &[Instr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(code.len() * 5);
    for instr in code {
        instr.encode(&mut out);
    }
    out
}

/// Decodes a whole byte sequence.
pub fn decode_all(bytes: &[u8]) -> Result<Vec<Instr>, DecodeError> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < bytes.len() {
        out.push(Instr::decode(bytes, &mut pos)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (code, name) in Instr::NAMES {
            assert!(
                seen.insert(*code),
                "byte code {code:#x} used twice ({name})"
            );
        }
    }

    #[test]
    fn encode_decode_round_trip() {
        let code = vec![
            Instr::Const { k: 7 },
            Instr::LoadVar { var: LOCAL | 3 },
            Instr::Add,
            Instr::Call { proc: 2, argc: 3 },
            Instr::ForEachStep { var: 1, exit: 99 },
            Instr::End,
        ];
        let bytes = encode_all(&code);
        assert_eq!(bytes.len(), 5 + 5 + 1 + 9 + 9 + 1);
        assert_eq!(decode_all(&bytes).unwrap(), code);
        assert_eq!(
            decode_all(&bytes[..bytes.len() - 3]),
            Err(DecodeError::Truncated { at: 20 })
        );
        assert_eq!(
            decode_all(&[0xff]),
            Err(DecodeError::UnknownOpcode { at: 0, byte: 0xff })
        );
    }

    #[test]
    fn stack_effects_and_disassembly() {
        assert_eq!(Instr::Call { proc: 0, argc: 4 }.stack_effect(), (4, 0));
        assert_eq!(Instr::Add.stack_effect(), (2, 1));
        assert_eq!(
            Instr::LoadVar { var: LOCAL | 2 }.to_string(),
            "LoadVar var=local:2"
        );
        assert_eq!(Instr::Jump { target: 5 }.to_string(), "Jump target=5");
    }
}
