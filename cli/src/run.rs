//! The headless run loop: green flag, then frames on the virtual clock as fast as the machine
//! allows, printing what the sprites say.
//!
//! `starling run` gives the VM a stage ([`starling_render::Renderer`], with the program's
//! costumes loaded by [`load_stage`]), so costumes have their real shapes for touching, bouncing
//! and fencing, the pen draws, and `touching color` sees colours; the same renderer draws the
//! pictures of `--screenshot` and `--screenshot-every`.
//!
//! The CLI and the integration tests both run programs through [`run_with_assets`], so a test's
//! expected output (and a golden image) is exactly what `starling run` prints (and draws).
//! [`run_program`] runs without a stage, for the benchmarks, which time the engine alone.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use starling_compiler::sb3::Sb3Assets;
use starling_compiler::Lang;
use starling_render::Renderer;
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

/// The most pictures one run writes with `--screenshot-every`: over a minute of every second
/// frame, enough to look at an animation, few enough not to fill a disk by accident.
pub const MAX_PICTURES: u64 = 1000;

/// Smallest and largest `--scale` (the renderer draws from a quarter to 8 times 480×360).
pub const MIN_SCALE: f32 = 0.25;
pub const MAX_SCALE: f32 = 8.0;

/// A costume file larger than this is not read (the .sb3 loader has the same limit for a whole
/// project); the costume becomes a placeholder.
pub const MAX_COSTUME_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// `--screenshot-every N DIR`: a picture of the stage after every `every` frames, written as
/// `DIR/frame-00001.png`, `DIR/frame-00002.png`, ….
#[derive(Debug, Clone, PartialEq)]
pub struct PictureSeries {
    pub every: u64,
    pub dir: String,
}

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
    /// `--screenshot FILE`: a PNG of the stage as it looks when the run stops.
    pub screenshot: Option<String>,
    /// `--screenshot-every N DIR`: a PNG of the stage every N frames.
    pub screenshot_every: Option<PictureSeries>,
    /// `--scale K`: pictures are 480K×360K pixels.
    pub scale: f32,
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
            screenshot: None,
            screenshot_every: None,
            scale: 1.0,
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
    /// Pictures written (`--screenshot` and `--screenshot-every`).
    pub pictures: u64,
    /// A picture could not be written (the reason is on `err`); the command then fails.
    pub picture_failed: bool,
}

/// Where a program's costume files come from.
#[derive(Debug, Clone, Copy)]
pub enum Assets<'a> {
    /// A text program: `#costume NAME = FILE` names a file relative to this folder (the text
    /// file's own folder).
    Folder(&'a Path),
    /// A Scratch project: the files inside the .sb3.
    Sb3(&'a Sb3Assets),
    /// No files (a program read from a string): every `#costume` is missing.
    Nothing,
}

impl Assets<'_> {
    /// The bytes of the costume file `name`, if there is such a file and it is not too large.
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        match self {
            Assets::Folder(dir) => read_limited(&dir.join(name), MAX_COSTUME_FILE_BYTES),
            Assets::Sb3(assets) => assets.get(name).map(<[u8]>::to_vec),
            Assets::Nothing => None,
        }
    }
}

/// Reads at most `limit` bytes; `None` if the file cannot be read or is larger (so a costume
/// that names something like a device file cannot make the run hang or use all memory).
fn read_limited(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= limit).then_some(bytes)
}

/// A stage for `program` with every costume decoded. A costume that is missing or cannot be
/// decoded becomes a placeholder and a friendly warning on `err`; loading never fails.
pub fn load_stage(
    program: &Program,
    assets: Assets<'_>,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<Renderer> {
    let mut renderer = Renderer::new();
    let problems = renderer.load_costumes(program, &|name| assets.file(name));
    for problem in &problems {
        if let Assets::Sb3(files) = assets {
            // The .sb3 loader has already warned about a file missing from the project.
            let file = program
                .targets
                .iter()
                .filter(|t| t.name == problem.sprite)
                .flat_map(|t| &t.costumes)
                .find(|c| c.name == problem.costume)
                .and_then(|c| c.file.as_deref());
            if file.is_some_and(|f| files.get(f).is_none()) {
                continue;
            }
        }
        writeln!(err, "{}", text::costume_problem(problem).get(lang))?;
    }
    Ok(renderer)
}

/// Runs a compiled program as `starling run` does: on a stage with the costumes from `assets`
/// (see [`run_on_stage`]).
pub fn run_with_assets(
    program: Program,
    assets: Assets<'_>,
    options: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<RunSummary> {
    let stage = load_stage(&program, assets, options.lang, err)?;
    run_on_stage(program, Some(stage), options, out, err)
}

/// Runs a compiled program headless without a stage: costumes are rectangles of their recorded
/// size, nothing has a colour, the pen draws nowhere and no pictures are made. The benchmarks
/// use this to time the engine alone.
pub fn run_program(
    program: Program,
    options: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<RunSummary> {
    run_on_stage(program, None, options, out, err)
}

/// Runs a compiled program headless: green flag, then frames until no script is running (and no
/// `when [timer] > (…)` hat is waiting) or the limit is reached. Every say/think bubble with
/// text goes to `out` as `Sprite: text`, in order; a question asked by the stage or a hidden
/// sprite (which shows no bubble) is printed the same way. Runtime warnings and notes (no green
/// flag script, no answers left) go to `err`.
///
/// With a `stage`, the VM asks it about shapes and colours, and the pictures of
/// [`RunOptions::screenshot`] and [`RunOptions::screenshot_every`] are drawn with it: one after
/// every N-th frame, and one of the stage as it is when the run stops, however it stops.
pub fn run_on_stage(
    program: Program,
    stage: Option<Renderer>,
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
    if let Some(stage) = stage {
        vm.set_stage(Box::new(stage));
    }
    let mut pictures = Pictures::new(options, err)?;
    let input = Input::default();
    let mut answers = options.answers.iter();
    let mut last_question = String::new();
    let mut n_said = 0;
    vm.green_flag();
    let stop = loop {
        // Events of the green flag itself (none today) and of the previous frame.
        n_said += print_events(&mut vm, out, err, options.lang, &mut last_question)?;
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
        pictures.after_frame(&mut vm, err)?;
    };
    out.flush()?;
    pictures.at_stop(&mut vm, err)?;
    let asked_for_pictures = options.screenshot.is_some() || options.screenshot_every.is_some();
    if n_said == 0 && !asked_for_pictures && stage_has_something(&mut vm) {
        // A program that only draws would otherwise end in silence.
        writeln!(err, "{}", text::see_the_stage().get(options.lang))?;
    }
    Ok(RunSummary {
        stop,
        frames: vm.frames(),
        time_ms: vm.time_ms(),
        pictures: pictures.written,
        picture_failed: pictures.failed,
    })
}

/// The pictures a run writes, and what became of them.
struct Pictures<'a> {
    options: &'a RunOptions,
    /// The folder of `--screenshot-every`, once it exists.
    series_dir: Option<PathBuf>,
    /// Pictures of the series written so far.
    n_series: u64,
    written: u64,
    failed: bool,
}

impl<'a> Pictures<'a> {
    /// Makes the folder of `--screenshot-every` first, so a mistake there shows at once.
    fn new(options: &'a RunOptions, err: &mut dyn Write) -> io::Result<Pictures<'a>> {
        let mut p = Pictures {
            options,
            series_dir: None,
            n_series: 0,
            written: 0,
            failed: false,
        };
        if let Some(series) = &options.screenshot_every {
            match std::fs::create_dir_all(&series.dir) {
                Ok(()) => p.series_dir = Some(PathBuf::from(&series.dir)),
                Err(e) => {
                    let m = text::cannot_make_folder(&series.dir, &e);
                    writeln!(err, "{}", m.get(options.lang))?;
                    p.failed = true;
                }
            }
        }
        Ok(p)
    }

    fn after_frame(&mut self, vm: &mut Vm, err: &mut dyn Write) -> io::Result<()> {
        let (Some(series), Some(dir)) = (&self.options.screenshot_every, &self.series_dir) else {
            return Ok(());
        };
        if vm.frames().checked_rem(series.every) != Some(0) {
            return Ok(());
        }
        if self.n_series >= MAX_PICTURES {
            if self.n_series == MAX_PICTURES {
                // Said once; counting on keeps it from being said again.
                let m = text::too_many_pictures(MAX_PICTURES, &series.dir);
                writeln!(err, "{}", m.get(self.options.lang))?;
                self.n_series += 1;
            }
            return Ok(());
        }
        self.n_series += 1;
        let path = dir.join(format!("frame-{:05}.png", self.n_series));
        if !self.write(vm, &path, err)? {
            // One message is enough: stop trying after the first failure.
            self.series_dir = None;
        }
        Ok(())
    }

    fn at_stop(&mut self, vm: &mut Vm, err: &mut dyn Write) -> io::Result<()> {
        if let Some(file) = &self.options.screenshot {
            self.write(vm, Path::new(file), err)?;
        }
        Ok(())
    }

    /// Draws the stage and writes it as a PNG; `false` (after saying why) when it could not.
    fn write(&mut self, vm: &mut Vm, path: &Path, err: &mut dyn Write) -> io::Result<bool> {
        let result = match stage_png(vm, self.options.scale) {
            Some(png) => std::fs::write(path, png),
            None => Err(io::Error::other("the stage could not be drawn")),
        };
        match result {
            Ok(()) => {
                self.written += 1;
                Ok(true)
            }
            Err(e) => {
                let m = text::cannot_write(&path.to_string_lossy(), &e);
                writeln!(err, "{}", m.get(self.options.lang))?;
                self.failed = true;
                Ok(false)
            }
        }
    }
}

/// Whether the stage shows anything: a costume or backdrop from a file, or pen marks.
fn stage_has_something(vm: &mut Vm) -> bool {
    let frame = vm.frame();
    let targets = &vm.program().targets;
    let from_file = |d: &starling_runtime::stage::Drawable| {
        targets
            .get(d.target as usize)
            .and_then(|t| t.costumes.get(d.costume))
            .is_some_and(|c| c.file.is_some())
    };
    if from_file(&frame.stage) || frame.sprites.iter().any(from_file) {
        return true;
    }
    let Some(renderer) = vm
        .stage_mut()
        .and_then(|s| s.as_any_mut().downcast_mut::<Renderer>())
    else {
        return false;
    };
    renderer.pen_layer().pixels().iter().any(|p| p.alpha() != 0)
}

/// The stage as it looks now, as PNG bytes (`None` when the VM has no renderer as its stage).
pub fn stage_png(vm: &mut Vm, scale: f32) -> Option<Vec<u8>> {
    let frame = vm.frame();
    let renderer = vm.stage_mut()?.as_any_mut().downcast_mut::<Renderer>()?;
    renderer.render(&frame, scale).encode_png().ok()
}

fn print_events(
    vm: &mut Vm,
    out: &mut dyn Write,
    err: &mut dyn Write,
    lang: Lang,
    last_question: &mut String,
) -> io::Result<usize> {
    let mut n_said = 0;
    let mut last_bubble: Option<(String, String)> = None;
    for event in vm.take_events() {
        match event {
            // Say and think bubbles print the same way.
            Event::Bubble { target, text, .. } if !text.is_empty() => {
                writeln!(out, "{target}: {text}")?;
                n_said += 1;
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
                    n_said += 1;
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
    Ok(n_said)
}
