//! The VM's private form of a chunk: each instruction, plus fused "superinstructions" for the
//! most common sequences (`change [v] by (1)`, the end of a loop, `(a) + (b)` on variables, a
//! comparison followed by a branch, `set [v] to (join …)`).
//!
//! The lowered code has exactly one op per instruction, at the same index, so jump targets and
//! resume points stay valid: a fused op sits at the index of its first instruction and skips the
//! rest, while the following indexes still hold their own ops for code that jumps into the
//! middle. A fused op costs as many work units as the instructions it stands for and behaves
//! exactly like them.

use crate::isa::Instr;
use crate::value::{js_string_to_number, number_to_string, Value};

/// An operand of a fused binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    /// Popped from the value stack (the instruction pushing it was not fused).
    Stack,
    Var(u32),
    Const(u32),
    Arg(u32),
}

impl Src {
    fn from_instr(instr: &Instr) -> Option<Src> {
        match *instr {
            Instr::LoadVar { var } => Some(Src::Var(var)),
            Instr::Const { k } => Some(Src::Const(k)),
            Instr::LoadArg { index } => Some(Src::Arg(index)),
            _ => None,
        }
    }
}

/// Binary operators that take part in fusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Gt,
    Lt,
    Eq,
    And,
    Or,
}

impl BinOp {
    fn from_instr(instr: &Instr) -> Option<BinOp> {
        Some(match instr {
            Instr::Add => BinOp::Add,
            Instr::Sub => BinOp::Sub,
            Instr::Mul => BinOp::Mul,
            Instr::Div => BinOp::Div,
            Instr::Mod => BinOp::Mod,
            Instr::Gt => BinOp::Gt,
            Instr::Lt => BinOp::Lt,
            Instr::Eq => BinOp::Eq,
            Instr::And => BinOp::And,
            Instr::Or => BinOp::Or,
            _ => return None,
        })
    }
}

/// Binary operators on text that take part in fusion. They run out of the dispatch loop's
/// line, which keeps the number operators' code tight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextOp {
    /// `letter (a) of (b)`.
    LetterOf,
    /// `(a) contains (b)?`.
    Contains,
}

impl TextOp {
    fn from_instr(instr: &Instr) -> Option<TextOp> {
        match instr {
            Instr::LetterOf => Some(TextOp::LetterOf),
            Instr::Contains => Some(TextOp::Contains),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    /// One instruction; `pure` caches [`super::exec::is_pure`].
    I { pure: bool, instr: Instr },
    /// `Const k; ChangeVar var`.
    ChangeVarK { var: u32, k: u32 },
    /// `Const k; StoreVar var`.
    StoreVarK { var: u32, k: u32 },
    /// `Yield; Jump target`: the end of a loop iteration.
    YieldJump { target: u32 },
    /// Up to two operand pushes and a binary operator; `units` instructions in all.
    Bin {
        op: BinOp,
        a: Src,
        b: Src,
        units: u8,
    },
    /// As `Bin`, then `JumpIfTrue` (`when` true) or `JumpIfFalse` on the result.
    BinJump {
        op: BinOp,
        a: Src,
        b: Src,
        units: u8,
        when: bool,
        target: u32,
    },
    /// `LoadVar var; ListItem list`.
    ListItemVar { list: u32, var: u32 },
    /// `LoadVar var; ListAdd list`.
    ListAddVar { list: u32, var: u32 },
    /// Up to two operand pushes and a text operator; `units` instructions in all.
    TextBin {
        op: TextOp,
        a: Src,
        b: Src,
        units: u8,
    },
    /// `Join; StoreVar var`. When the left operand is the variable's own text (`set [s] to
    /// (join (s) (…))`), the text grows in place instead of being copied.
    JoinStoreVar { var: u32 },
}

/// Lowers every chunk. Text constants that fused arithmetic or comparisons read as numbers get a
/// number twin appended to `constants`, so the text is not parsed again on every use.
pub(crate) fn lower_program(chunks: &[Vec<Instr>], constants: &mut Vec<Value>) -> Vec<Vec<Op>> {
    let mut numbers = NumberTwins {
        constants,
        twins: Vec::new(),
    };
    chunks
        .iter()
        .map(|code| lower(code, &mut numbers))
        .collect()
}

struct NumberTwins<'a> {
    constants: &'a mut Vec<Value>,
    /// For each original constant: its twin, once made.
    twins: Vec<Option<Option<u32>>>,
}

impl NumberTwins<'_> {
    /// A number constant that behaves like constant `k` where it is read with `toNumber`
    /// (`arithmetic`) or compared (`Cast.compare`: only a text that is exactly how that number
    /// prints, like "0" or "19999", compares the same as the number).
    fn twin(&mut self, k: u32, arithmetic: bool) -> u32 {
        let Some(Value::Str(text)) = self.constants.get(k as usize) else {
            return k;
        };
        let n = js_string_to_number(text);
        let canonical = !n.is_nan() && number_to_string(n) == **text;
        if !arithmetic && !canonical {
            return k;
        }
        let value = if n.is_nan() { 0.0 } else { n };
        if self.twins.len() <= k as usize {
            self.twins.resize(k as usize + 1, None);
        }
        // Arithmetic twins of non-canonical texts are not shared with comparisons.
        if canonical {
            if let Some(Some(twin)) = self.twins[k as usize] {
                return twin;
            }
        }
        self.constants.push(Value::Num(value));
        let twin = (self.constants.len() - 1) as u32;
        if canonical {
            self.twins[k as usize] = Some(Some(twin));
        }
        twin
    }

    fn src(&mut self, src: Src, op: BinOp) -> Src {
        let arithmetic = matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
        );
        let comparison = matches!(op, BinOp::Gt | BinOp::Lt | BinOp::Eq);
        match src {
            Src::Const(k) if arithmetic || comparison => Src::Const(self.twin(k, arithmetic)),
            other => other,
        }
    }
}

/// Lowers a chunk's code, one op per instruction.
fn lower(code: &[Instr], numbers: &mut NumberTwins<'_>) -> Vec<Op> {
    (0..code.len())
        .map(|pc| match lower_at(code, pc) {
            Op::ChangeVarK { var, k } => Op::ChangeVarK {
                var,
                k: numbers.twin(k, true),
            },
            Op::Bin { op, a, b, units } => Op::Bin {
                op,
                a: numbers.src(a, op),
                b: numbers.src(b, op),
                units,
            },
            Op::BinJump {
                op,
                a,
                b,
                units,
                when,
                target,
            } => Op::BinJump {
                op,
                a: numbers.src(a, op),
                b: numbers.src(b, op),
                units,
                when,
                target,
            },
            other => other,
        })
        .collect()
}

/// Lowers without fusing anything (tests compare both forms).
#[cfg(test)]
pub(crate) fn lower_plain(code: &[Instr]) -> Vec<Op> {
    code.iter()
        .map(|&instr| Op::I {
            pure: super::exec::is_pure(&instr),
            instr,
        })
        .collect()
}

fn lower_at(code: &[Instr], pc: usize) -> Op {
    let at = |i: usize| code.get(pc + i);
    let single = Op::I {
        pure: super::exec::is_pure(&code[pc]),
        instr: code[pc],
    };
    match (code[pc], at(1)) {
        (Instr::Const { k }, Some(&Instr::ChangeVar { var })) => return Op::ChangeVarK { var, k },
        (Instr::Const { k }, Some(&Instr::StoreVar { var })) => return Op::StoreVarK { var, k },
        (Instr::Yield, Some(&Instr::Jump { target })) => return Op::YieldJump { target },
        (Instr::LoadVar { var }, Some(&Instr::ListItem { list })) => {
            return Op::ListItemVar { list, var }
        }
        (Instr::LoadVar { var }, Some(&Instr::ListAdd { list })) => {
            return Op::ListAddVar { list, var }
        }
        (Instr::Join, Some(&Instr::StoreVar { var })) => return Op::JoinStoreVar { var },
        _ => {}
    }
    // Text operators: `x; y; op`, or `y; op` with the left operand on the stack.
    if let Some(first) = Src::from_instr(&code[pc]) {
        let second = at(1).and_then(Src::from_instr);
        match (second, at(2).and_then(TextOp::from_instr)) {
            (Some(b), Some(op)) => {
                return Op::TextBin {
                    op,
                    a: first,
                    b,
                    units: 3,
                }
            }
            _ => {
                if let Some(op) = at(1).and_then(TextOp::from_instr) {
                    return Op::TextBin {
                        op,
                        a: Src::Stack,
                        b: first,
                        units: 2,
                    };
                }
            }
        }
    }
    // Binary operators: `x; y; op`, or `y; op` with the left operand on the stack.
    let (op, a, b, len) = match (Src::from_instr(&code[pc]), at(1), at(2)) {
        (Some(a), Some(second), Some(third))
            if Src::from_instr(second).is_some() && BinOp::from_instr(third).is_some() =>
        {
            let (Some(b), Some(op)) = (Src::from_instr(second), BinOp::from_instr(third)) else {
                return single;
            };
            (op, a, b, 3)
        }
        (Some(b), Some(second), _) if BinOp::from_instr(second).is_some() => {
            let Some(op) = BinOp::from_instr(second) else {
                return single;
            };
            (op, Src::Stack, b, 2)
        }
        _ => match BinOp::from_instr(&code[pc]) {
            // A lone operator only gains from fusing with a following branch.
            Some(op)
                if matches!(
                    at(1),
                    Some(Instr::JumpIfFalse { .. } | Instr::JumpIfTrue { .. })
                ) =>
            {
                (op, Src::Stack, Src::Stack, 1)
            }
            _ => return single,
        },
    };
    match at(len) {
        Some(&Instr::JumpIfFalse { target }) => Op::BinJump {
            op,
            a,
            b,
            units: len as u8 + 1,
            when: false,
            target,
        },
        Some(&Instr::JumpIfTrue { target }) => Op::BinJump {
            op,
            a,
            b,
            units: len as u8 + 1,
            when: true,
            target,
        },
        _ => Op::Bin {
            op,
            a,
            b,
            units: len as u8,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuses_common_sequences_and_keeps_positions() {
        let code = [
            Instr::Const { k: 0 },
            Instr::ChangeVar { var: 1 },
            Instr::LoadVar { var: 2 },
            Instr::Const { k: 3 },
            Instr::Lt,
            Instr::JumpIfFalse { target: 0 },
            Instr::Yield,
            Instr::Jump { target: 0 },
        ];
        let mut constants = vec![
            Value::Num(1.0),
            Value::Num(0.0),
            Value::Num(0.0),
            Value::from("10"),
        ];
        let ops = lower_program(&[code.to_vec()], &mut constants).remove(0);
        assert_eq!(ops.len(), code.len());
        assert_eq!(ops[0], Op::ChangeVarK { var: 1, k: 0 });
        assert_eq!(
            ops[1],
            Op::I {
                pure: false,
                instr: Instr::ChangeVar { var: 1 }
            }
        );
        assert_eq!(
            ops[2],
            Op::BinJump {
                op: BinOp::Lt,
                a: Src::Var(2),
                b: Src::Const(4),
                units: 4,
                when: false,
                target: 0
            }
        );
        assert_eq!(
            ops[3],
            Op::BinJump {
                op: BinOp::Lt,
                a: Src::Stack,
                b: Src::Const(4),
                units: 3,
                when: false,
                target: 0
            }
        );
        // "10" compares like the number 10: a number twin was added as constant 4.
        assert_eq!(constants[4], Value::Num(10.0));
        assert_eq!(
            ops[4],
            Op::BinJump {
                op: BinOp::Lt,
                a: Src::Stack,
                b: Src::Stack,
                units: 2,
                when: false,
                target: 0
            }
        );
        assert_eq!(ops[6], Op::YieldJump { target: 0 });
        assert_eq!(
            ops[7],
            Op::I {
                pure: true,
                instr: Instr::Jump { target: 0 }
            }
        );
    }

    #[test]
    fn fuses_text_operators_and_set_to_join() {
        // `set [s] to (join (s) (letter (i) of [abc]))`, then `letter (i) of (s)`.
        let code = [
            Instr::LoadVar { var: 0 },
            Instr::LoadVar { var: 1 },
            Instr::Const { k: 0 },
            Instr::LetterOf,
            Instr::Join,
            Instr::StoreVar { var: 0 },
            Instr::LoadVar { var: 1 },
            Instr::LoadVar { var: 0 },
            Instr::LetterOf,
        ];
        let mut constants = vec![Value::from("abc")];
        let ops = lower_program(&[code.to_vec()], &mut constants).remove(0);
        assert_eq!(ops.len(), code.len());
        assert_eq!(
            ops[1],
            Op::TextBin {
                op: TextOp::LetterOf,
                a: Src::Var(1),
                b: Src::Const(0),
                units: 3
            }
        );
        assert_eq!(
            ops[2],
            Op::TextBin {
                op: TextOp::LetterOf,
                a: Src::Stack,
                b: Src::Const(0),
                units: 2
            }
        );
        assert_eq!(ops[4], Op::JoinStoreVar { var: 0 });
        assert_eq!(
            ops[6],
            Op::TextBin {
                op: TextOp::LetterOf,
                a: Src::Var(1),
                b: Src::Var(0),
                units: 3
            }
        );
        // Text operands get no number twins.
        assert_eq!(constants.len(), 1);
    }
}
