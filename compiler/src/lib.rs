//! Starling's compiler: the block catalog, the scratchblocks text front end, the checked IR and
//! the bytecode generator.
//!
//! Architecture Invariant: the compiler does no IO and never panics on user input. Every phase
//! returns its result together with its diagnostics; a program with errors still gets as far as
//! it can so that every problem is reported at once.

pub mod catalog;
pub mod codegen;
pub mod diag;
pub mod ir;
pub mod sb3;
pub mod syntax;

pub use catalog::Lang;
pub use diag::{Diagnostic, Message, Severity};
use starling_runtime::Program;

/// The result of compiling a source.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The checked project (also when there were errors, as far as it could be built).
    pub project: ir::Project,
    /// The bytecode, when there were no errors.
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles a Scratch 3 project (.sb3 bytes, or a bare project.json). The project's costume and
/// sound files come back beside the result.
pub fn compile_sb3(bytes: &[u8]) -> (Compiled, sb3::Sb3Assets) {
    let loaded = sb3::load(bytes);
    let mut diagnostics = loaded.diagnostics;
    let project = loaded.project.unwrap_or_default();
    let program = if diagnostics.iter().any(Diagnostic::is_error) || project.targets.is_empty() {
        None
    } else {
        let (program, more) = codegen::generate(&project);
        diagnostics.extend(more);
        Some(program)
    };
    (
        Compiled {
            project,
            program,
            diagnostics,
        },
        loaded.assets,
    )
}

/// Compiles a program written in scratchblocks text (English, Chinese or both).
pub fn compile_text(source: &str) -> Compiled {
    let (project, mut diagnostics) = syntax::parse(source);
    let program = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        let (program, more) = codegen::generate(&project);
        diagnostics.extend(more);
        Some(program)
    };
    Compiled {
        project,
        program,
        diagnostics,
    }
}
