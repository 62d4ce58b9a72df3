//! The `starling` command as a library: reading a program file, compiling it, rendering its
//! diagnostics, running it headless on a stage (and drawing pictures of it) and the benchmarks.
//! The binary (`main.rs`) only wires this to the real terminal; the integration tests call the
//! same functions.
//!
//! This is a host: unlike the compiler and the runtime it reads files, looks at the clock (for
//! `bench`) and prints.

pub mod args;
pub mod bench;
pub mod bench_sb3;
pub mod convert;
pub mod render;
pub mod run;
pub mod source;
pub mod text;

use std::io::{self, Write};

use starling_compiler::sb3::Sb3Assets;
use starling_compiler::{compile_sb3, compile_text, Compiled, Lang, Message};

use args::Command;
use source::SourceKind;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for a program with errors, an unreadable file, or a wrong benchmark answer.
pub const EXIT_FAILED: i32 = 1;
/// Exit code for a mistake on the command line.
pub const EXIT_USAGE: i32 = 2;

/// Where the command writes, and how.
pub struct Io<'a> {
    /// What the program says (`run`), reports (`check`, `disasm`, `bench`).
    pub out: &'a mut dyn Write,
    /// Diagnostics, warnings and notes.
    pub err: &'a mut dyn Write,
    /// Colour the diagnostics (only when `err` is a terminal).
    pub color: bool,
    /// The wall clock (Unix milliseconds) for `current [year]` and friends in `run`; `None`
    /// runs on the fixed date 2000-01-01, as the tests do.
    pub wall_clock_ms: Option<f64>,
}

/// Runs the command line `args` (without the program name) and returns the exit code.
pub fn main_with(args: &[String], default_lang: Lang, io: &mut Io<'_>) -> i32 {
    match main_inner(args, default_lang, io) {
        Ok(code) => code,
        // Writing failed (say, the output was piped into `head`): nothing more can be said.
        Err(_) => EXIT_FAILED,
    }
}

fn main_inner(args: &[String], default_lang: Lang, io: &mut Io<'_>) -> io::Result<i32> {
    let parsed = match args::parse(args, default_lang) {
        Ok(a) => a,
        Err(e) => {
            writeln!(io.err, "{}", e.message.get(e.lang))?;
            return Ok(EXIT_USAGE);
        }
    };
    let lang = parsed.lang;
    match parsed.command {
        Command::Help => {
            write!(io.out, "{}", text::usage().get(lang))?;
            Ok(EXIT_OK)
        }
        Command::Version => {
            writeln!(io.out, "starling {}", env!("CARGO_PKG_VERSION"))?;
            Ok(EXIT_OK)
        }
        Command::Run { file, mut options } => {
            options.epoch_ms = options.epoch_ms.or(io.wall_clock_ms);
            // A place the sound cannot be saved is said before the program runs, not after.
            if let Some(audio) = &options.audio {
                if let Some(message) = audio_place_problem(audio) {
                    writeln!(io.err, "{}", message.get(lang))?;
                    return Ok(EXIT_USAGE);
                }
            }
            let Some((source, compiled, sb3_assets)) = load_and_compile(&file, lang, io)? else {
                return Ok(EXIT_FAILED);
            };
            if compiled.has_errors() {
                report_errors(&file, &source, &compiled, lang, io, false)?;
                return Ok(EXIT_FAILED);
            }
            // Warnings do not stop the program, but are worth seeing.
            render::render_diagnostics(
                io.err,
                &file,
                &source,
                &compiled.diagnostics,
                lang,
                io.color,
            )?;
            let Some(program) = compiled.program else {
                return Ok(EXIT_FAILED);
            };
            // Costume files: a text program's sit beside it (`-` means the current folder);
            // a project's are inside it.
            let folder = match file.as_str() {
                "-" => std::path::PathBuf::from("."),
                f => std::path::Path::new(f)
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default(),
            };
            let assets = match &sb3_assets {
                Some(a) => run::Assets::Sb3(a),
                None => run::Assets::Folder(&folder),
            };
            let summary = run::run_with_assets(program, assets, &options, io.out, io.err)?;
            Ok(if summary.picture_failed || summary.audio_failed {
                EXIT_FAILED
            } else {
                EXIT_OK
            })
        }
        Command::Check { file } => {
            let Some((source, compiled, _)) = load_and_compile(&file, lang, io)? else {
                return Ok(EXIT_FAILED);
            };
            if compiled.has_errors() {
                report_errors(&file, &source, &compiled, lang, io, true)?;
                return Ok(EXIT_FAILED);
            }
            render::render_diagnostics(
                io.err,
                &file,
                &source,
                &compiled.diagnostics,
                lang,
                io.color,
            )?;
            let n_scripts = compiled
                .project
                .targets
                .iter()
                .map(|t| t.scripts.len() + t.procedures.len())
                .sum();
            writeln!(
                io.out,
                "{}",
                text::check_ok(n_scripts, compiled.diagnostics.len()).get(lang)
            )?;
            Ok(EXIT_OK)
        }
        Command::Disasm { file } => {
            let Some((source, compiled, _)) = load_and_compile(&file, lang, io)? else {
                return Ok(EXIT_FAILED);
            };
            if compiled.has_errors() {
                report_errors(&file, &source, &compiled, lang, io, false)?;
                return Ok(EXIT_FAILED);
            }
            match compiled.program {
                Some(p) => {
                    write!(io.out, "{}", p.disassemble())?;
                    Ok(EXIT_OK)
                }
                None => Ok(EXIT_FAILED),
            }
        }
        Command::Convert { input, output } => convert::convert(&input, &output, lang, io),
        Command::Bench {
            reps,
            sb3_dir: Some(dir),
            peers,
        } => {
            if cfg!(debug_assertions) {
                writeln!(io.err, "{}", text::bench_not_release().get(lang))?;
            }
            let all_ok = bench_sb3::run(&dir, peers.as_deref(), reps, io.out, io.err)?;
            Ok(if all_ok { EXIT_OK } else { EXIT_FAILED })
        }
        Command::Bench { reps, .. } => {
            if cfg!(debug_assertions) {
                writeln!(io.err, "{}", text::bench_not_release().get(lang))?;
            }
            let results: Vec<bench::BenchResult> = bench::BENCHES
                .iter()
                .map(|b| bench::run_bench(b, reps))
                .collect();
            bench::write_table(io.out, &results)?;
            let mut code = EXIT_OK;
            for (r, b) in results.iter().zip(bench::BENCHES) {
                if r.best.is_none() {
                    writeln!(io.err, "{}", text::bench_compile_failed(b.name).get(lang))?;
                    code = EXIT_FAILED;
                } else if !r.ok {
                    writeln!(
                        io.err,
                        "{}",
                        text::bench_wrong(b.name, &r.said, b.expected).get(lang)
                    )?;
                    code = EXIT_FAILED;
                }
            }
            Ok(code)
        }
    }
}

/// Why the sound of `--audio FILE` cannot be saved as `FILE`, when that is plain before the run:
/// the file is a folder, or its folder does not exist. (Other problems, such as a read-only
/// folder, show when the file is written.)
fn audio_place_problem(file: &str) -> Option<Message> {
    let path = std::path::Path::new(file);
    if path.is_dir() {
        return Some(text::audio_is_folder(file));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            Some(text::audio_no_folder(file, &dir.to_string_lossy()))
        }
        _ => None,
    }
}

/// A program file, recognised by its content.
pub enum ProgramFile {
    /// Starling text.
    Text(String),
    /// A Scratch 3 project: .sb3 bytes or a bare project.json.
    Scratch(Vec<u8>),
}

/// Reads `path` (`-` is standard input) and recognises what it holds. On a problem, gives back
/// the message that explains it.
pub fn read_program(path: &str) -> Result<ProgramFile, Message> {
    let bytes = if path == "-" {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| text::cannot_read("-", &e))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| text::cannot_read(path, &e))?
    };
    match source::detect(&bytes) {
        SourceKind::Text(t) => Ok(ProgramFile::Text(t.to_string())),
        SourceKind::Sb3 | SourceKind::ProjectJson => Ok(ProgramFile::Scratch(bytes)),
        SourceKind::NotUtf8 { line } => Err(text::not_text(path, line)),
    }
}

/// Reads and compiles a file (`-` is standard input); `None` (after saying why on `err`) when
/// it cannot be read. The text returned is the source for rendering diagnostics (empty for
/// .sb3 projects, whose diagnostics name blocks instead of spans); a project also gives its
/// files (costumes and sounds).
fn load_and_compile(
    path: &str,
    lang: Lang,
    io: &mut Io<'_>,
) -> io::Result<Option<(String, Compiled, Option<Sb3Assets>)>> {
    match read_program(path) {
        Ok(ProgramFile::Text(source)) => {
            let compiled = compile_text(&source);
            Ok(Some((source, compiled, None)))
        }
        Ok(ProgramFile::Scratch(bytes)) => {
            let (compiled, assets) = compile_sb3(&bytes);
            Ok(Some((String::new(), compiled, Some(assets))))
        }
        Err(message) => {
            writeln!(io.err, "{}", message.get(lang))?;
            Ok(None)
        }
    }
}

fn report_errors(
    file: &str,
    source: &str,
    compiled: &Compiled,
    lang: Lang,
    io: &mut Io<'_>,
    check: bool,
) -> io::Result<()> {
    render::render_diagnostics(io.err, file, source, &compiled.diagnostics, lang, io.color)?;
    let n = compiled.diagnostics.iter().filter(|d| d.is_error()).count();
    let summary = if check {
        text::errors_found_check(n)
    } else {
        text::errors_found(n)
    };
    writeln!(io.err, "{}", summary.get(lang))
}
