//! The headless run loop: green flag, then frames on the virtual clock as fast as the machine
//! allows, printing what the sprites say.
//!
//! `starling run` gives the VM a stage ([`starling_render::Renderer`], with the program's
//! costumes loaded by [`load_stage`]), so costumes have their real shapes for touching, bouncing
//! and fencing, the pen draws, and `touching color` sees colours; the same renderer draws the
//! pictures of `--screenshot` and `--screenshot-every`.
//!
//! Sounds are decoded once before the run ([`load_sounds`]), which also sets each sound's real
//! length for `play sound until done`. With `--audio FILE.wav` a [`starling_audio::mixer::Mixer`]
//! turns the VM's sound events into 48 kHz stereo, frame by frame on the virtual clock (a frame
//! of 1/30 s is 1,600 samples), so the file sounds as the program would have, however fast the
//! run went; without `--audio` nothing is mixed.
//!
//! The CLI and the integration tests both run programs through [`run_with_assets`], so a test's
//! expected output (and a golden image, and a sound file) is exactly what `starling run` prints
//! (and draws, and plays).
//! [`run_program`] runs without a stage, for the benchmarks, which time the engine alone.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use starling_audio::mixer::Mixer;
use starling_audio::Sound;
use starling_compiler::sb3::Sb3Assets;
use starling_compiler::Lang;
use starling_render::Renderer;
use starling_runtime::io::SoundEvent;
use starling_runtime::program::Hat;
use starling_runtime::{Event, Input, Program, Vm, VmConfig};

use crate::text::{self, SoundTrouble};

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

/// A sound file larger than this is not read (as for costumes); the sound is silent.
pub const MAX_SOUND_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// Samples per second of `--audio` files (each of two channels, 16 bits).
pub const AUDIO_RATE: u32 = 48_000;

/// The longest `--audio` recording, in seconds: five minutes are 55 MB of WAV, and the whole
/// recording is held in memory until the run ends.
pub const MAX_AUDIO_SECONDS: u32 = 300;

/// After the last script ends, the recording goes on while sounds still play (a note's release,
/// a long sound file), for at most this many seconds.
pub const MAX_AUDIO_TAIL_SECONDS: f64 = 10.0;

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
    /// `--audio FILE.wav`: everything the program plays, as a WAV file.
    pub audio: Option<String>,
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
            audio: None,
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
    /// Seconds of sound written to the `--audio` file (0 without `--audio`).
    pub audio_seconds: f64,
    /// The `--audio` file could not be written (the reason is on `err`); the command then fails.
    pub audio_failed: bool,
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

    /// The bytes of the sound file `name`, or why there are none.
    fn sound_file(&self, name: &str) -> Result<Vec<u8>, FileTrouble> {
        match self {
            Assets::Folder(dir) => {
                let path = dir.join(name);
                if std::fs::metadata(&path)
                    .is_ok_and(|m| m.is_file() && m.len() > MAX_SOUND_FILE_BYTES)
                {
                    return Err(FileTrouble::TooLarge);
                }
                read_limited(&path, MAX_SOUND_FILE_BYTES).ok_or(FileTrouble::Missing)
            }
            Assets::Sb3(assets) => assets
                .get(name)
                .map(<[u8]>::to_vec)
                .ok_or(FileTrouble::Missing),
            Assets::Nothing => Err(FileTrouble::Missing),
        }
    }
}

/// Why a sound file could not be read.
enum FileTrouble {
    Missing,
    TooLarge,
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

/// A program's decoded sounds: `by_target[t][i]` is sound `i` of `Program::targets[t]`. Sounds
/// that share a file share one decoded copy.
#[derive(Debug, Clone, Default)]
pub struct Sounds {
    pub by_target: Vec<Vec<Rc<Sound>>>,
}

/// Decodes every sound of `program` once, from `assets`, and sets each sound's
/// [`starling_runtime::program::SoundDef::seconds`] to its decoded length, so `play sound until
/// done` waits as long as the sound really plays (with or without `--audio`). A sound that is
/// missing or cannot be decoded is silent (keeping the length the project recorded, if any) with
/// a friendly warning on `err`; loading never fails.
pub fn load_sounds(
    program: &mut Program,
    assets: Assets<'_>,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<Sounds> {
    let silent = Rc::new(Sound::silent());
    // File name → decoded sound (`None`: it could not be used, and that was already said).
    let mut decoded: HashMap<String, Option<Rc<Sound>>> = HashMap::new();
    let mut sounds = Sounds::default();
    for target in &mut program.targets {
        let mut list = Vec::with_capacity(target.sounds.len());
        for def in &mut target.sounds {
            let Some(file) = def.file.as_deref() else {
                // `#sound Meow` without a file: a sound of the built-in library, if it has one of
                // that name.
                if let Some(sound) = library_sound(&def.name) {
                    def.seconds = Some(sound.seconds());
                    list.push(Rc::new(sound));
                    continue;
                }
                writeln!(
                    err,
                    "{}",
                    text::sound_problem(&target.name, &def.name, &SoundTrouble::NoFile).get(lang)
                )?;
                list.push(Rc::clone(&silent));
                continue;
            };
            let sound = match decoded.get(file) {
                Some(known) => known.clone(),
                None => {
                    let result = match assets.sound_file(file) {
                        Ok(bytes) => starling_audio::decode::decode(&bytes, file)
                            .map(Rc::new)
                            .map_err(|p| {
                                Some(text::sound_problem(
                                    &target.name,
                                    &def.name,
                                    &SoundTrouble::Broken(&p),
                                ))
                            }),
                        // The .sb3 loader has already warned about a file missing from the project.
                        Err(FileTrouble::Missing) if matches!(assets, Assets::Sb3(_)) => Err(None),
                        Err(FileTrouble::Missing) => Err(Some(text::sound_problem(
                            &target.name,
                            &def.name,
                            &SoundTrouble::Missing(file),
                        ))),
                        Err(FileTrouble::TooLarge) => Err(Some(text::sound_problem(
                            &target.name,
                            &def.name,
                            &SoundTrouble::TooLarge(file, MAX_SOUND_FILE_BYTES / (1024 * 1024)),
                        ))),
                    };
                    let sound = match result {
                        Ok(sound) => Some(sound),
                        Err(message) => {
                            if let Some(message) = message {
                                writeln!(err, "{}", message.get(lang))?;
                            }
                            None
                        }
                    };
                    decoded.insert(file.to_string(), sound.clone());
                    sound
                }
            };
            match sound {
                Some(sound) => {
                    def.seconds = Some(sound.seconds());
                    list.push(sound);
                }
                None => list.push(Rc::clone(&silent)),
            }
        }
        sounds.by_target.push(list);
    }
    Ok(sounds)
}

/// The built-in library's sound called `name` (its id, English or Chinese name, in any case),
/// made at [`AUDIO_RATE`].
fn library_sound(name: &str) -> Option<Sound> {
    starling_audio::library::lookup(name).map(|s| s.render(AUDIO_RATE))
}

/// Runs a compiled program as `starling run` does: on a stage with the costumes from `assets`,
/// and with its sounds from there too (see [`run_on_stage`]).
pub fn run_with_assets(
    mut program: Program,
    assets: Assets<'_>,
    options: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<RunSummary> {
    let stage = load_stage(&program, assets, options.lang, err)?;
    let sounds = load_sounds(&mut program, assets, options.lang, err)?;
    run_on_stage(program, Some(stage), sounds, options, out, err)
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
    run_on_stage(program, None, Sounds::default(), options, out, err)
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
///
/// With [`RunOptions::audio`], the sound events of each frame start their sounds at the start of
/// that frame and the mix follows the virtual clock (see [`Recording`]); `sounds` are the
/// decoded sound files. Without it, nothing is mixed.
pub fn run_on_stage(
    program: Program,
    stage: Option<Renderer>,
    sounds: Sounds,
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
    let mut recording = options
        .audio
        .as_deref()
        .map(|file| Recording::new(file, &sounds));
    drop(sounds);
    let input = Input::default();
    let mut answers = options.answers.iter();
    let mut last_question = String::new();
    let mut n_said = 0;
    vm.green_flag();
    let stop = loop {
        // Events of the green flag itself (none today) and of the previous frame: its sounds
        // start when that frame started, and the recording catches up with the clock.
        n_said += print_events(
            &mut vm,
            out,
            err,
            options.lang,
            &mut last_question,
            recording.as_mut(),
        )?;
        if let Some(r) = &mut recording {
            r.mix_seconds(vm.frame_seconds());
        }
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
    let (audio_seconds, audio_failed) = match recording {
        Some(mut r) => {
            // A program that ended lets its last sounds ring out; one stopped by a limit is cut
            // there, as asked.
            if matches!(stop, Stop::Finished | Stop::NoMoreAnswers) {
                r.ring_out();
            }
            r.write(options.lang, err)?
        }
        None => (0.0, false),
    };
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
        audio_seconds,
        audio_failed,
    })
}

/// The `--audio` recording: the mixer and the stereo samples it made so far.
///
/// The VM's clock is the only clock: after each frame, that frame's sound events start, stop
/// or change sounds and then [`Vm::frame_seconds`] are mixed, so a frame of 1/30 s adds 1,600
/// samples (a frame that took longer in program time, as a long warp loop does, adds more), in
/// turbo mode as in normal mode, however fast the machine runs the program. A sound started
/// during a frame starts at that frame's start: within 1/30 s of where Scratch would start it,
/// and exactly where the VM thinks it starts, so it ends when `play sound until done` goes on.
pub struct Recording<'a> {
    file: &'a str,
    mixer: Mixer,
    /// Interleaved stereo, left then right, −1…1.
    samples: Vec<f32>,
    /// [`MAX_AUDIO_SECONDS`] was reached: the rest of the run is not recorded.
    full: bool,
}

impl<'a> Recording<'a> {
    /// A recording into `file` (written by [`Recording::write`]) with the program's decoded
    /// sounds.
    pub fn new(file: &'a str, sounds: &Sounds) -> Recording<'a> {
        let mut mixer = Mixer::new(AUDIO_RATE);
        for (owner, list) in sounds.by_target.iter().enumerate() {
            for (index, sound) in list.iter().enumerate() {
                mixer.set_sound(owner as u32, index, Rc::clone(sound));
            }
        }
        Recording {
            file,
            mixer,
            samples: Vec::new(),
            full: false,
        }
    }

    /// Starts, stops or changes sounds at the end of what has been mixed.
    pub fn handle(&mut self, event: &SoundEvent) {
        if !self.full {
            self.mixer.handle(event);
        }
    }

    /// Mixes `seconds` more of virtual time (the mixer carries fractions of a sample over, so
    /// 30 frames of 1/30 s are exactly one second of samples).
    pub fn mix_seconds(&mut self, seconds: f64) {
        let max_len = 2 * MAX_AUDIO_SECONDS as usize * AUDIO_RATE as usize;
        let mut left = seconds;
        // In pieces of at most a second: a frame can last long in program time (a warp loop).
        while left > 0.0 && !self.full {
            let piece = left.min(1.0);
            left -= piece;
            self.mixer.mix(piece, &mut self.samples);
            if self.samples.len() >= max_len {
                self.samples.truncate(max_len);
                self.full = true;
            }
        }
    }

    /// Goes on mixing, a frame at a time, while sounds still play (at most
    /// [`MAX_AUDIO_TAIL_SECONDS`]), so the file does not cut off the last note.
    pub fn ring_out(&mut self) {
        let mut tail = 0.0;
        while self.mixer.playing() > 0 && tail < MAX_AUDIO_TAIL_SECONDS && !self.full {
            self.mix_seconds(1.0 / 30.0);
            tail += 1.0 / 30.0;
        }
    }

    /// Seconds recorded so far.
    pub fn seconds(&self) -> f64 {
        (self.samples.len() / 2) as f64 / f64::from(AUDIO_RATE)
    }

    /// The samples so far: interleaved stereo at [`AUDIO_RATE`].
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// Writes the WAV file (48 kHz, stereo, 16-bit); gives the seconds written and whether
    /// writing failed (after saying why on `err`).
    fn write(self, lang: Lang, err: &mut dyn Write) -> io::Result<(f64, bool)> {
        if self.full {
            let m = text::audio_too_long(MAX_AUDIO_SECONDS, self.file);
            writeln!(err, "{}", m.get(lang))?;
        }
        let wav = starling_audio::wav::encode_wav_16(AUDIO_RATE, 2, &self.samples);
        match std::fs::write(self.file, wav) {
            Ok(()) => Ok((self.seconds(), false)),
            Err(e) => {
                let m = text::cannot_write(self.file, &e);
                writeln!(err, "{}", m.get(lang))?;
                Ok((0.0, true))
            }
        }
    }
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
    mut recording: Option<&mut Recording<'_>>,
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
            Event::Warning { message, zh, .. } => {
                let words = starling_compiler::Message::new(message, zh);
                writeln!(
                    err,
                    "{}: {}",
                    text::warning_prefix().get(lang),
                    words.get(lang)
                )?;
            }
            Event::Sound(sound) => {
                if let Some(r) = recording.as_deref_mut() {
                    r.handle(&sound);
                }
            }
            _ => {}
        }
        last_bubble = None;
    }
    Ok(n_said)
}
