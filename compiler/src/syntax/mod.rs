//! The text front end: scratchblocks notation (English, Chinese or both) → checked IR.
//!
//! Scratch blocks are written one per line in the notation of the Scratch Wiki and forums
//! (<https://en.scratch-wiki.info/wiki/Block_Plugin/Syntax>), so a script copied from such a
//! page runs unchanged. A few `#` lines around the scripts describe a whole project. The full
//! description, with examples, is `docs/text-format.md`; in short:
//!
//! ```text
//! #variable score = 0                 global (in the #stage section or before any #sprite)
//! #list fruits = [apple] [banana split]
//! #backdrop sky = sky.svg
//! #stage
//! #sprite Cat x=0 y=0 direction=90 size=100 visible=yes draggable=no rotation=all-around
//! #costume cat-a = cat-a.svg
//! #sound pop = pop.wav
//! #variable lives = 3                 inside a #sprite section: the sprite's own
//! #monitor lives large x=5 y=5        a monitor on the stage: normal, large, slider 0..10, hidden
//!
//! when green flag clicked             a hat starts a script; a blank line ends it
//! forever
//!   if <key (space v) pressed?> then  (10) number, [text] text, [#ff0000] colour,
//!     change y by (10)                [x v] / (x v) dropdowns, <…> booleans, () [] <> empty
//!   else
//!     say (join [score: ] (score))    reporters nest in ( ) and < >
//!   end
//! end                                 C blocks close with `end` (结束)
//!
//! define jump (height) <fast>         // run without screen refresh
//! change y by (height)                custom blocks: (param) number/text, <param> boolean
//! ```
//!
//! Chinese uses the Chinese block texts (`当绿旗被点击`, `移动 (10) 步`, `#变量`, `#角色`, …); spaces
//! inside Chinese text do not matter, and both languages can be mixed in one file. `// comments`
//! and trailing `:: category` annotations are ignored (`(fruits :: list)` marks a list).
//!
//! A snippet with no `#sprite`/`#stage` header is a program with one sprite, `Sprite1`; the
//! variables and lists its blocks set or change are made automatically (as globals) so wiki
//! snippets run as they are. With headers, every variable must be declared with `#variable`.
//!
//! ## Pipeline
//!
//! 1. `project.rs` splits lines, reads `#` directives into targets and parses block lines:
//!    `lexer.rs` (logos) turns a line into tokens, `parser.rs` (chumsky) into words and nested
//!    slots (`ast.rs`).
//! 2. `resolve.rs` collects each target's `define`s, then matches every line against the
//!    catalog's templates (`matcher.rs`, `aliases.rs`), resolves names and nests C blocks.
//! 3. `print.rs` writes IR back as text.
//!
//! Architecture Invariant: parsing never fails and never panics. Every problem becomes a
//! [`Diagnostic`] (messages in `messages.rs`, English and Chinese), the IR holds everything that
//! could be understood, and lines are independent, so one bad line does not hide the others.
//! Bracket nesting is limited to [`project::MAX_BRACKET_DEPTH`] levels and C blocks to
//! [`resolve::MAX_C_DEPTH`], so no input can overflow the stack; all work is linear in the size
//! of the input.

mod aliases;
mod ast;
mod lexer;
mod matcher;
mod messages;
mod parser;
mod print;
mod project;
mod resolve;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use crate::diag::{Diagnostic, SourceLoc};
use crate::ir;

pub use print::print;

/// At most this many diagnostics are returned (then one saying how many more there were).
pub const MAX_DIAGNOSTICS: usize = 1000;

/// Parses a program written in scratchblocks text. Returns the project as far as it could be
/// understood and every problem found.
pub fn parse(source: &str) -> (ir::Project, Vec<Diagnostic>) {
    let scan = project::scan(source);
    let mut diags = scan.diags;

    let procs: Vec<resolve::Procs> = scan
        .targets
        .iter()
        .map(|t| resolve::collect_procs(source, &scan.lines, &t.items, &mut diags))
        .collect();
    let mut defs: Vec<ir::TargetDef> = scan.targets.iter().map(|t| t.def.clone()).collect();

    // Resolve once; if fields named undeclared variables or lists, declare them as globals and
    // resolve again so that every reference (even one before the field) sees them.
    let mut implicit: HashSet<resolve::Implicit> = HashSet::new();
    let mut result = None;
    let mut dropped = 0;
    for _ in 0..2 {
        let mut resolver =
            resolve::Resolver::new(source, &scan.lines, &defs, &procs, scan.bare, &implicit);
        let code: Vec<resolve::TargetCode> = scan
            .targets
            .iter()
            .enumerate()
            .map(|(ti, t)| resolver.target(ti, &t.items))
            .collect();
        let new = std::mem::take(&mut resolver.implicit_new);
        let run_diags = std::mem::take(&mut resolver.diags);
        dropped = resolver.dropped;
        if new.is_empty() || result.is_some() {
            result = Some((code, run_diags));
            break;
        }
        for k in new {
            let stage = &mut defs[0];
            if k.list {
                stage.lists.push(starling_runtime::program::ListDef {
                    name: k.name.clone(),
                    id: None,
                    initial: Vec::new(),
                });
            } else {
                stage.variables.push(starling_runtime::program::VarDef {
                    name: k.name.clone(),
                    id: None,
                    initial: starling_runtime::Value::Num(0.0),
                });
            }
            implicit.insert(k);
        }
        result = Some((code, run_diags));
    }
    let (code, run_diags) = result.unwrap_or_default();
    diags.extend(run_diags);
    let monitors = project::resolve_monitors(scan.monitors, &defs, &mut diags);

    let targets = defs
        .into_iter()
        .zip(code)
        .map(|(def, c)| ir::Target {
            def,
            scripts: c.scripts,
            procedures: c.procedures,
        })
        .collect();

    diags.sort_by_key(|d| match d.loc {
        SourceLoc::Span { start, .. } => start,
        _ => u32::MAX,
    });
    if diags.len() > MAX_DIAGNOSTICS {
        let more = diags.len() - MAX_DIAGNOSTICS + dropped;
        let at = diags[MAX_DIAGNOSTICS].loc.clone();
        diags.truncate(MAX_DIAGNOSTICS);
        let span = match at {
            SourceLoc::Span { start, end } => ast::Span::new(start as usize, end as usize),
            _ => ast::Span::default(),
        };
        diags.push(messages::too_many_problems(span, more));
    }
    (ir::Project { targets, monitors }, diags)
}
