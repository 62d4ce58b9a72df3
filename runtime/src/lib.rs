//! Starling's runtime: a virtual machine with Scratch 3's threading and value rules.
//!
//! Architecture Invariant: the runtime does no IO. It never reads files, clocks or random
//! sources, never prints, and never touches the browser. Time, input and the random seed come in
//! from the host ([`vm::VmConfig`], [`io::Input`]); everything visible or audible goes out as
//! data ([`io::Event`], [`vm::Vm::sprites`]).

pub mod io;
pub mod isa;
pub mod program;
pub mod stage;
pub mod value;
pub mod vm;

pub use io::{Event, Input};
pub use isa::Instr;
pub use program::Program;
pub use value::Value;
pub use vm::{Vm, VmConfig};
