//! Helpers for the data-driven tests in `data_tests.rs`: finding cases, running programs exactly
//! as the `starling` command does, a readable IR dump, expectation files with
//! `STARLING_BLESS=1`, line diffs and the known-failures list.
//!
//! Layout of `tests/data/`:
//!
//! - `parse/ok/NAME.sb.txt` → `NAME.ir`: the checked IR, one block per line with its place.
//! - `parse/err/NAME.sb.txt` → `NAME.diag` (English, `Diagnostic::to_plain`) and, when the file
//!   exists, `NAME.diag.zh` (Chinese).
//! - `compile/NAME.sb.txt` → `NAME.disasm`: `Program::disassemble()`.
//! - `run/NAME.sb.txt` (+ `NAME.args`, the `starling run` options) → `NAME.expected` (stdout)
//!   and, when the file exists, `NAME.stderr`.
//! - `values/NAME.txt`: one rule per line, `EXPR => EXPECTED` (see [`values_program`]).
//! - `cli/NAME.cmd` (the arguments of one `starling` command, run in `tests/data/cli`) →
//!   `NAME.out` (exit code, stdout, stderr).
//! - `stage/NAME.sb.txt` (+ `NAME.args`; costume files in `stage/assets/`) → `NAME.png`: golden
//!   pictures of the stage, compared with a tolerance by `golden.rs` (as are the examples that
//!   have an `examples/NAME.png`).
//! - `audio/NAME.sb.txt` (+ `NAME.args`; sound files beside it) → `NAME.checks`: measurements
//!   of the WAV that `starling run --audio` records (frequencies, loudness, pan, onsets,
//!   silence), checked by `audio.rs` (as are the examples that have an `examples/NAME.checks`),
//!   with `NAME.expected` (stdout) and `NAME.stderr` when they exist.
//!
//! Run cases (and examples) run on a stage, as `starling run` does: `#costume` files are read
//! relative to the program's folder.
//!
//! `conformance.rs` (a module of the same binary) runs Scratch's own execute tests and the
//! benchmark projects from `tests/fixtures/sb3`.
//!
//! Case names are `parse/ok/NAME`, `values/FILE: EXPR`, `examples/NAME`, `stage/NAME`,
//! `examples-stage/NAME` and so on; those are the names `known_failures.txt` uses.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use starling_cli::run::{run_program, run_with_assets, Assets, RunOptions};
use starling_compiler::diag::SourceLoc;
use starling_compiler::ir::{Block, Project};
use starling_compiler::{compile_text, Diagnostic, Lang};

// ------------------------------------------------------------------------------ places

/// The `tests/` folder.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/data/`.
pub fn data_dir() -> PathBuf {
    tests_dir().join("data")
}

/// The workspace's `examples/`.
pub fn examples_dir() -> PathBuf {
    tests_dir().join("..").join("examples")
}

/// Whether expectations should be rewritten (`STARLING_BLESS=1`).
pub fn bless() -> bool {
    std::env::var("STARLING_BLESS").is_ok_and(|v| v == "1")
}

/// The files in `dir` whose names end with `suffix`, sorted, as (case name, path); the case
/// name is the file name without the suffix.
pub fn cases(dir: &Path, suffix: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(suffix) {
            out.push((stem.to_string(), e.path()));
        }
    }
    out.sort();
    out
}

/// Reads a file that must exist.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads a file if it exists.
pub fn read_opt(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// `path` with `ext` in place of the `.sb.txt` ending.
pub fn sibling(path: &Path, ext: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = name.strip_suffix(".sb.txt").unwrap_or(&name);
    path.with_file_name(format!("{stem}{ext}"))
}

// ------------------------------------------------------------------------------ running

/// Splits an `.args` or `.cmd` file into words: blanks separate words, `"…"` and `'…'` keep
/// blanks inside one word, and `#` starts a comment at the start of a line.
pub fn split_args(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut word = String::new();
        let mut in_word = false;
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => word.push(c),
                None if c == '"' || c == '\'' => {
                    quote = Some(c);
                    in_word = true;
                }
                None if c.is_whitespace() => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                None => {
                    word.push(c);
                    in_word = true;
                }
            }
        }
        if in_word {
            words.push(word);
        }
    }
    words
}

/// The run options of `starling run FILE ARGS…`, parsed by the CLI's own parser.
pub fn run_options(args: &[String]) -> Result<RunOptions, String> {
    let mut all = vec!["run".to_string(), "case".to_string()];
    all.extend(args.iter().cloned());
    match starling_cli::args::parse(&all, Lang::En) {
        Ok(starling_cli::args::Args {
            command: starling_cli::args::Command::Run { options, .. },
            ..
        }) => Ok(options),
        Ok(_) => Err("not a run command".to_string()),
        Err(e) => Err(e.message.en),
    }
}

/// What running a program printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub stdout: String,
    pub stderr: String,
}

/// Compiles and runs `source` without a stage (as the benchmarks do): for the values tables,
/// which check operators and casts, and would otherwise decode the default costume hundreds of
/// times.
pub fn run_source_headless(source: &str, options: &RunOptions) -> RunOutput {
    run_source_with(source, None, options)
}

/// Compiles and runs `source` as `starling run` does, with no costume files. A program with
/// errors prints its diagnostics (plain, English) to stderr and nothing to stdout.
pub fn run_source(source: &str, options: &RunOptions) -> RunOutput {
    run_source_with(source, Some(Assets::Nothing), options)
}

/// Compiles and runs `source` as `starling run` does on a file in `folder`: on a stage, with
/// `#costume` files relative to `folder`.
pub fn run_source_in(source: &str, folder: &Path, options: &RunOptions) -> RunOutput {
    run_source_with(source, Some(Assets::Folder(folder)), options)
}

fn run_source_with(source: &str, assets: Option<Assets<'_>>, options: &RunOptions) -> RunOutput {
    let compiled = compile_text(source);
    let mut stderr = String::new();
    for d in &compiled.diagnostics {
        let _ = writeln!(stderr, "{}", d.to_plain(Lang::En));
    }
    let program = match compiled.program {
        Some(p) if !compiled.has_errors() => p,
        _ => {
            return RunOutput {
                stdout: String::new(),
                stderr,
            }
        }
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let result = match assets {
        Some(assets) => run_with_assets(program, assets, options, &mut out, &mut err),
        None => run_program(program, options, &mut out, &mut err),
    };
    if let Err(e) = result {
        let _ = writeln!(stderr, "io error: {e}");
    }
    stderr.push_str(&String::from_utf8_lossy(&err));
    RunOutput {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr,
    }
}

/// Runs a `starling` command line the way the binary does (without colour) and returns its
/// exit code, stdout and stderr.
pub fn run_cli(args: &[String]) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = {
        let mut io = starling_cli::Io {
            out: &mut out,
            err: &mut err,
            color: false,
            wall_clock_ms: None,
        };
        starling_cli::main_with(args, Lang::En, &mut io)
    };
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The plain rendering of diagnostics, one per line.
pub fn plain_diagnostics(diags: &[Diagnostic], lang: Lang) -> String {
    diags
        .iter()
        .map(|d| format!("{}\n", d.to_plain(lang)))
        .collect()
}

// ------------------------------------------------------------------------------ values tables

/// One line of a values table.
#[derive(Debug, Clone)]
pub struct ValueCase {
    /// 1-based line in the file.
    pub line: usize,
    /// The left side, as written.
    pub expr: String,
    /// The expected text, with `"…"` quotes removed.
    pub expected: String,
}

/// Reads a values table: blank lines and `#` comments are skipped; every other line is
/// `EXPR => EXPECTED`. `EXPECTED` may be quoted (`"  "`) to show blanks.
pub fn parse_values(text: &str) -> Vec<ValueCase> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (expr, expected) = match t.rsplit_once("=>") {
            Some((e, x)) => (e.trim().to_string(), unquote(x.trim())),
            None => (t.to_string(), String::new()),
        };
        out.push(ValueCase {
            line: i + 1,
            expr,
            expected,
        });
    }
    out
}

fn unquote(s: &str) -> String {
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// Quotes an expected text when its blanks would otherwise be lost.
pub fn quote_if_needed(s: &str) -> String {
    if s.is_empty() || s.trim() != s || s.starts_with('"') {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

/// The program that checks one values rule.
///
/// - A reporter (`(…)` or `<…>`) is said through `join`, so the value shows as Scratch's text of
///   it, unrounded: `((7) mod (-3))` → `say (join [] ((7) mod (-3)))`.
/// - Otherwise the line is blocks separated by ` ; ` (the setup, then `say`s), run in order;
///   everything said is joined with ` | `.
pub fn values_program(expr: &str) -> String {
    let mut src = String::from("when green flag clicked\n");
    if expr.starts_with('(') || expr.starts_with('<') {
        let _ = writeln!(src, "say (join [] {expr})");
    } else {
        for block in expr.split(" ; ") {
            let _ = writeln!(src, "{}", block.trim());
        }
    }
    src
}

/// Runs one values rule and gives what it said (lines joined with ` | `), or the diagnostics.
pub fn run_value(expr: &str, seed: u64) -> String {
    let src = values_program(expr);
    let options = RunOptions {
        seed,
        limit: starling_cli::run::Limit::Seconds(5.0),
        ..RunOptions::default()
    };
    let out = run_source_headless(&src, &options);
    if out.stdout.is_empty() && !out.stderr.is_empty() {
        return format!("!! {}", out.stderr.trim().replace('\n', " / "));
    }
    out.stdout
        .lines()
        .map(|l| l.strip_prefix("Sprite1: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join(" | ")
}

// ------------------------------------------------------------------------------ IR dump

/// A readable dump of a checked project: each target with its declarations, then its
/// procedures and scripts, one block per line with the place it came from (`line:col`), C
/// blocks' substacks indented. Reporters are written inline:
/// `opcode(arg, …)`, `[literal]`, `$var:g0` (global slot 0) / `$var:l0` (the sprite's own),
/// `@list:g0`, `%param0`, `_` for an empty slot.
pub fn dump_project(p: &Project, source: &str) -> String {
    let lines = LineIndex::new(source);
    let mut out = String::new();
    for t in &p.targets {
        let d = &t.def;
        let kind = if d.is_stage { "stage" } else { "sprite" };
        let _ = writeln!(out, "{kind} {:?}", d.name);
        if !d.is_stage {
            let _ = writeln!(
                out,
                "  state x={} y={} direction={} size={} visible={} draggable={} rotation={:?}",
                d.x, d.y, d.direction, d.size, d.visible, d.draggable, d.rotation_style
            );
        }
        for v in &d.variables {
            let _ = writeln!(out, "  variable {:?} = {:?}", v.name, v.initial.to_string());
        }
        for l in &d.lists {
            let items: Vec<String> = l
                .initial
                .iter()
                .map(|v| format!("{:?}", v.to_string()))
                .collect();
            let _ = writeln!(out, "  list {:?} = [{}]", l.name, items.join(", "));
        }
        for c in &d.costumes {
            let _ = writeln!(out, "  costume {:?} file={:?}", c.name, c.file);
        }
        for s in &d.sounds {
            let _ = writeln!(out, "  sound {:?} file={:?}", s.name, s.file);
        }
        for proc in &t.procedures {
            let params: Vec<String> = proc
                .params
                .iter()
                .map(|p| {
                    if p.boolean {
                        format!("<{}>", p.name)
                    } else {
                        format!("({})", p.name)
                    }
                })
                .collect();
            let warp = if proc.warp { " warp" } else { "" };
            let _ = writeln!(
                out,
                "  define {:?} [{}]{warp}  @{}",
                proc.proccode,
                params.join(" "),
                lines.loc(&proc.loc)
            );
            dump_body(&mut out, &proc.body, 2, &lines);
        }
        for s in &t.scripts {
            match &s.hat {
                Some(h) => {
                    let _ = writeln!(out, "  script {}  @{}", block_text(h), lines.loc(&s.loc));
                }
                None => {
                    let _ = writeln!(out, "  script (no hat)  @{}", lines.loc(&s.loc));
                }
            }
            dump_body(&mut out, &s.body, 2, &lines);
        }
    }
    for m in &p.monitors {
        let owner = p
            .targets
            .get(m.target as usize)
            .map_or("?", |t| t.def.name.as_str());
        let name = p.monitor_name(m).unwrap_or("?");
        let kind = if m.is_list { "list" } else { "variable" };
        let _ = writeln!(
            out,
            "monitor {kind} {name:?} of {owner:?} mode={:?} x={:?} y={:?} w={} h={} visible={}",
            m.mode, m.x, m.y, m.width, m.height, m.visible
        );
    }
    out
}

fn dump_body(out: &mut String, body: &[Block], depth: usize, lines: &LineIndex) {
    let pad = "  ".repeat(depth);
    for b in body {
        let _ = writeln!(out, "{pad}{}  @{}", block_text(b), lines.loc(&b.loc));
        for (i, sub) in b.substacks.iter().enumerate() {
            if i > 0 {
                let _ = writeln!(out, "{pad}else");
            }
            dump_body(out, sub, depth + 1, lines);
        }
    }
}

use starling_compiler::ir::block_summary as block_text;

/// Turns byte offsets into `line:col` (both 1-based, columns in characters).
struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { source, starts }
    }

    fn pos(&self, offset: usize) -> String {
        let offset = offset.min(self.source.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self
            .source
            .get(start..offset)
            .map_or(offset - start, |t| t.chars().count())
            + 1;
        format!("{line}:{col}")
    }

    fn loc(&self, loc: &SourceLoc) -> String {
        match loc {
            SourceLoc::Span { start, end } => {
                format!("{}-{}", self.pos(*start as usize), self.pos(*end as usize))
            }
            SourceLoc::Block(id) => format!("block {id}"),
            SourceLoc::None => "-".to_string(),
        }
    }
}

// ------------------------------------------------------------------------------ expectations

/// Compares `actual` with the file at `path`; with `STARLING_BLESS=1` writes it instead. A
/// missing file is a failure unless blessing.
pub fn check_file(path: &Path, actual: &str) -> Result<(), String> {
    let expected = read_opt(path);
    if expected.as_deref() == Some(actual) {
        return Ok(());
    }
    if bless() {
        std::fs::write(path, actual)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        return Ok(());
    }
    match expected {
        None => Err(format!(
            "{} does not exist (run with STARLING_BLESS=1 to create it); actual:\n{actual}",
            path.display()
        )),
        Some(exp) => Err(format!(
            "{} differs:\n{}",
            path.display(),
            diff(&exp, actual)
        )),
    }
}

/// A line diff: `-` lines only in `expected`, `+` lines only in `actual`, a few lines of
/// context around each change.
pub fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Longest common subsequence table (the files are small).
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', b[j]));
            j += 1;
        } else {
            ops.push(('-', a[i]));
            i += 1;
        }
    }
    const CONTEXT: usize = 2;
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT).min(ops.len() - 1);
        (lo..=hi).any(|x| ops[x].0 != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (op, line)) in ops.iter().enumerate() {
        if *op == ' ' && !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped {
            out.push_str("  …\n");
            skipped = false;
        }
        let _ = writeln!(out, "{op} {line}");
    }
    if !expected.is_empty()
        && !actual.is_empty()
        && expected.ends_with('\n') != actual.ends_with('\n')
    {
        out.push_str("(the files differ in the newline at the end)\n");
    }
    out
}

// ------------------------------------------------------------------------------ known failures

/// `tests/known_failures.txt`: `NAME -- reason` per line; `#` comments and blank lines ignored.
pub fn known_failures() -> BTreeMap<String, String> {
    let text = read_opt(&tests_dir().join("known_failures.txt")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (name, reason) = t.split_once(" -- ").unwrap_or((t, ""));
        out.insert(name.trim().to_string(), reason.trim().to_string());
    }
    out
}

/// The result of one case.
pub struct Outcome {
    pub name: String,
    pub result: Result<(), String>,
}

/// Reports a group of cases (all named `prefix…`) against the known-failures list and panics
/// when the suite should fail: an unlisted case failed, a listed case passed, or a listed case
/// of this group does not exist.
pub fn finish(prefix: &str, outcomes: Vec<Outcome>) {
    let known = known_failures();
    let mut problems = Vec::new();
    let mut n_pass = 0;
    let mut n_known = 0;
    for o in &outcomes {
        match (&o.result, known.get(&o.name)) {
            (Ok(()), None) => n_pass += 1,
            (Ok(()), Some(_)) => problems.push(format!(
                "{}: PASSES but is listed in tests/known_failures.txt; remove it from the list",
                o.name
            )),
            (Err(e), Some(reason)) => {
                n_known += 1;
                // Written past the test harness's capture, so known failures are always seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "known failure {} ({reason}):\n{}",
                    o.name,
                    indent(e)
                );
            }
            (Err(e), None) => problems.push(format!("{}: FAILED\n{}", o.name, indent(e))),
        }
    }
    for name in known.keys().filter(|n| n.starts_with(prefix)) {
        if !outcomes.iter().any(|o| &o.name == name) {
            problems.push(format!(
                "{name}: listed in tests/known_failures.txt but there is no such case"
            ));
        }
    }
    eprintln!(
        "{prefix}: {} cases, {n_pass} passed, {n_known} known failures, {} problems",
        outcomes.len(),
        problems.len()
    );
    if !problems.is_empty() {
        panic!("\n{}\n", problems.join("\n"));
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}
