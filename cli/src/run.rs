//! The headless run loop: green flag, then frames on the virtual clock as fast as the machine
//! allows, printing what the sprites say.
//!
//! The CLI and the integration tests both run programs through [`run_program`], so a test's
//! expected output is exactly what `starling run` prints.

use std::io::{self, Write};

use starling_compiler::Lang;
use starling_runtime::program::Hat;
use starling_runtime::{Event, Input, Program, Vm, VmConfig};

use crate::text;

/// When to stop a program that is still running.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// Virtual seconds (the program's own time, not the wall clock).
    Seconds(f64),
    /// Frames (30 a second).
    Frames(u64),
}

/// The default limit: a minute of program time.
pub const DEFAULT_SECONDS: f64 = 60.0;

/// How to run a program.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub limit: Limit,
    pub seed: u64,
    /// Answers for `ask and wait`, used in order.
    pub answers: Vec<String>,
    pub turbo: bool,
    /// Language of the notes written to `err`.
    pub lang: Lang,
    /// Unix time in milliseconds when the program starts, for `current [year]` and `days since
    /// 2000`; `None` keeps the VM's fixed date (2000-01-01), which makes runs repeatable.
    pub epoch_ms: Option<f64>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            limit: Limit::Seconds(DEFAULT_SECONDS),
            seed: 0,
            answers: Vec::new(),
            turbo: false,
            lang: Lang::En,
            epoch_ms: None,
        }
    }
}

/// Why the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every script finished.
    Finished,
    /// The `--seconds` limit was reached with scripts still running.
    TimeLimit,
    /// The `--frames` limit was reached with scripts still running.
    FrameLimit,
    /// A question was asked and no answers were left.
    NoMoreAnswers,
}

/// What happened in a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSummary {
    pub stop: Stop,
    pub frames: u64,
    /// Virtual time at the end, in milliseconds.
    pub time_ms: f64,
}

/// Runs a compiled program headless: green flag, then frames until no script is running (and no
/// `when [timer] > (…)` hat is waiting) or the limit is reached. Every say/think bubble with
/// text goes to `out` as `Sprite: text`, in order; a question asked by the stage or a hidden
/// sprite (which shows no bubble) is printed the same way. Runtime warnings and notes (no green
/// flag script, no answers left) go to `err`.
pub fn run_program(
    program: Program,
    options: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<RunSummary> {
    let waits_for_timer = program.scripts.iter().any(
        |s| matches!(&s.hat, Hat::Predicate { opcode, .. } if opcode == "event_whengreaterthan"),
    );
    if !waits_for_timer && !program.scripts.iter().any(|s| s.hat == Hat::Flag) {
        // A common first mistake: blocks copied without their hat never start.
        writeln!(err, "{}", text::no_flag_script().get(options.lang))?;
    }
    let mut config = VmConfig {
        seed: options.seed,
        turbo: options.turbo,
        ..VmConfig::default()
    };
    if let Some(epoch) = options.epoch_ms {
        config.epoch_ms = epoch;
    }
    let mut vm = Vm::new(program, config);
    let input = Input::default();
    let mut answers = options.answers.iter();
    let mut last_question = String::new();
    vm.green_flag();
    let stop = loop {
        // Events of the green flag itself (none today) and of the previous frame.
        print_events(&mut vm, out, err, options.lang, &mut last_question)?;
        if vm.waiting_for_answer() {
            match answers.next() {
                Some(a) => vm.answer(a),
                None => {
                    writeln!(
                        err,
                        "{}",
                        text::no_more_answers(&last_question).get(options.lang)
                    )?;
                    break Stop::NoMoreAnswers;
                }
            }
        }
        // With no script running, only a `when [timer] > (…)` hat can still start one (the
        // timer goes on by itself), so such a program runs until the limit, as in Scratch.
        if !vm.is_running() && !waits_for_timer {
            break Stop::Finished;
        }
        match options.limit {
            Limit::Seconds(s) if vm.time_ms() >= s * 1000.0 => break Stop::TimeLimit,
            Limit::Frames(n) if vm.frames() >= n => break Stop::FrameLimit,
            _ => {}
        }
        vm.step_frame(&input);
    };
    out.flush()?;
    Ok(RunSummary {
        stop,
        frames: vm.frames(),
        time_ms: vm.time_ms(),
    })
}

fn print_events(
    vm: &mut Vm,
    out: &mut dyn Write,
    err: &mut dyn Write,
    lang: Lang,
    last_question: &mut String,
) -> io::Result<()> {
    let mut last_bubble: Option<(String, String)> = None;
    for event in vm.take_events() {
        match event {
            // Say and think bubbles print the same way.
            Event::Bubble { target, text, .. } if !text.is_empty() => {
                writeln!(out, "{target}: {text}")?;
                last_bubble = Some((target, text));
                continue;
            }
            Event::Ask { target, question } => {
                // A visible sprite's question is already in its bubble, just printed; the
                // stage's (or a hidden sprite's) would otherwise not be seen at all.
                let shown = last_bubble
                    .as_ref()
                    .is_some_and(|(t, q)| *t == target && *q == question);
                if !shown && !question.is_empty() {
                    writeln!(out, "{target}: {question}")?;
                }
                *last_question = question;
            }
            Event::Warning { message } => {
                writeln!(err, "{}: {message}", text::warning_prefix().get(lang))?;
            }
            _ => {}
        }
        last_bubble = None;
    }
    Ok(())
}
