//! The virtual machine: Scratch 3's threads, sequencer and blocks over Starling's bytecode.
//!
//! The scheduling follows scratch-vm closely:
//!
//! - [`Vm::step_frame`] is one tick of Scratch's `runtime._step`: input received since the last
//!   frame starts hats, finished threads are dropped, edge-activated hats are checked, then the
//!   sequencer (`sequencer.stepThreads`) runs the threads round-robin in passes while some thread is
//!   active, work time is left and no redraw was requested (or turbo mode is on).
//! - Each thread's turn (`stepThread`) runs instructions until the thread yields, waits or ends
//!   (see `exec.rs`). A warp thread ("run without screen refresh") keeps going through yields until
//!   its 500 ms warp time is used up.
//!
//! # Virtual time
//!
//! The VM never reads a clock. The virtual clock advances by `1000 / frame_rate` ms per frame,
//! counted in whole milliseconds like JavaScript's `Date.now()`. Inside a frame, work is time:
//! every executed instruction costs one work unit, a frame's work loop stops once
//! [`VmConfig::work_budget`] units are used (the role of Scratch's "75% of the frame"), and the
//! time inside a frame is `frame_start + units_used / work_budget × 0.75 × frame_ms`.
//!
//! Scratch uses two clocks and so does the VM: `wait`, the project timer and `when timer >`
//! read `runtime.currentMSecs`, the time at the start of the frame (so a wait can only end at a
//! frame start); glides, the music blocks' beats, warp time, dates and the work loop read the
//! time inside the frame. When a warp thread runs longer than a frame (up to 500 ms, as in
//! Scratch), the frame overruns and the clock advances by the time the work took instead, so the
//! clock never goes backwards. Before the first frame the VM behaves as if a frame had just run
//! (Scratch's runtime is already stepping when the flag is clicked).
//!
//! A pass of the sequencer that changes nothing (every thread is only waiting) would repeat
//! identically until a deadline passes; the VM skips those repeats instead of spinning through
//! the work budget, which changes nothing observable.
//!
//! # Dates
//!
//! `current [year]` and `days since 2000` read `VmConfig::epoch_ms + time`, as UTC. The
//! default epoch is 2000-01-01 00:00 UTC; a host that wants real dates passes the wall-clock time
//! when the VM starts.
//!
//! # The stage
//!
//! The VM has no pixels. A host that has a renderer gives it to the VM ([`Vm::set_stage`], the
//! `starling-render` crate's `Renderer`): then fencing, `if on edge, bounce`, `touching`
//! (sprite, edge, mouse, colour) and the pen go through it, pixel-exact as in Scratch, and the
//! host draws [`Vm::frame`] every frame. Fencing uses the costume's rectangle until something
//! (bounce, `touching edge`) has measured the sprite's tight bounds for its costume and shape,
//! as scratch-render does.
//!
//! # Sound
//!
//! The VM plays nothing; it emits [`crate::io::SoundEvent`]s and keeps, as scratch-audio does,
//! one sound player per (sprite definition, sound), shared by the sprite and its clones, so that
//! `play sound until done` ends exactly when the sound does. The rule, which the host's mixer
//! (`starling_audio::mixer`) follows too, so that picture and sound agree:
//!
//! - A frame's sound events take effect at the end of the frame, where the host mixes the next
//!   [`Vm::frame_seconds`] of sound.
//! - Each playing player has a position in seconds of the sound at normal pitch. At the start of
//!   every frame it advances by the previous frame's time × the playback rate 2^(pitch/120), the
//!   rate after that frame's effect changes (so changing the pitch while a sound plays changes how
//!   long the rest of it takes). When the position reaches the sound's length
//!   ([`crate::program::SoundDef::seconds`], which the host fills in from the decoded sound; 0
//!   when unknown) the sound has ended.
//! - A player stops when its sound ends, when it is played again (a restart; or, if it started
//!   less than 25 ms of frame time ago, scratch-audio's `isStarting`, it goes on without
//!   restarting but still counts as stopped), when another sprite or clone plays it, when `stop
//!   all sounds`, the stop sign or the green flag stop everything, and when a sprite that waits
//!   for it with `play sound until done` is stopped (`stop other scripts in sprite`, `delete this
//!   clone`: scratch3_sound's `_stopWaitingSoundsForTarget`).
//! - `play sound until done` waits for its player's next stop; the thread goes on at the start
//!   of the frame after it, as a resolved promise does in Scratch.
//! - Volume and effect changes apply to the players the sprite played last.
//!
//! # Approximations
//!
//! - Without a stage, shapes are rectangles: fencing, `if on edge, bounce`, `touching (sprite /
//!   edge / mouse)` use the costume's rectangle turned and scaled like the drawable
//!   (scratch-render's `getAABB`). A costume whose [`crate::program::CostumeDef::size`] is
//!   unknown is a single point; `touching color` and `color is touching color` are false.
//! - Hidden sprites touch no sprite (they still sense the edge, the mouse-pointer and colours,
//!   as in Scratch 3). `loudness` is 0: there is no microphone (the
//!   issue asks for 0 where Scratch says −1 without one).
//! - Size limits need the costume size; without it only the upper limit of a 1×1 costume applies.
//! - A clone's id is reused after the clone is deleted; a sound that a deleted clone played
//!   last takes its effects from the next clone with that id (Scratch's players keep the deleted
//!   target, which no block can change any more).
//! - Speech bubbles count as layers in Scratch's renderer (they shift `go forward (n) layers`);
//!   here they do not.
//! - Events name sprites by name; clones share their sprite's name, so a host that draws clones'
//!   bubbles reads [`SpriteState::bubble`] from [`Vm::sprites`].

mod exec;
mod jsmath;
mod lower;
mod ops;
mod sprite;
mod thread;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::rc::Rc;

use crate::io::{BubbleKind, Event, Input};
use crate::program::{Hat, Program, TargetDef};
use crate::stage::{BubbleView, Frame, Stage};
use crate::value::{js_lowercase, Text, Value};

pub use sprite::{PenState, Rect, SpriteState, EFFECT_NAMES, STAGE_HEIGHT, STAGE_WIDTH};
use thread::{Status, Thread, ThreadId, Wait, NO_SCRIPT};

/// How the VM runs. The host chooses; the VM reads nothing from its surroundings.
#[derive(Debug, Clone, PartialEq)]
pub struct VmConfig {
    /// Seed of the random numbers (`pick random`, `go to random position`, …).
    pub seed: u64,
    /// Frames per second: 30 as in Scratch's editor (compatibility mode); 60 for conformance runs.
    pub frame_rate: f64,
    /// Work units (one per instruction) a frame may use before the frame's work loop stops; they
    /// stand for Scratch's 75% of the frame time. The default, 500,000, is a little more than
    /// scratch-vm gets through in 25 ms on a fast machine (shared/bench's `loop_nowarp` runs
    /// ~2 million loop iterations a second), so loops that never redraw advance per frame about
    /// as far as in Scratch, the warp limit (20 frames' worth) still lets a million-iteration
    /// warp loop finish as it does in Scratch, and a runaway program reaches `--seconds` in a
    /// few seconds of real time.
    pub work_budget: u64,
    /// Turbo mode: a redraw request does not end the frame's work loop.
    pub turbo: bool,
    /// The deepest custom-block nesting allowed before the script is stopped with a warning.
    pub max_call_depth: usize,
    /// Unix time in milliseconds (UTC) at virtual time 0, for `current [ ]` and `days since
    /// 2000`. The default is 2000-01-01 00:00 UTC.
    pub epoch_ms: f64,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            seed: 0,
            frame_rate: 30.0,
            work_budget: 500_000,
            turbo: false,
            max_call_depth: 1000,
            epoch_ms: jsmath::Y2000_MS,
        }
    }
}

/// Scratch's limit on clones.
pub const MAX_CLONES: usize = 300;
/// Scratch's warp time in milliseconds (`Sequencer.WARP_TIME`).
const WARP_TIME_MS: f64 = 500.0;
/// The most work a hat predicate may do.
const PREDICATE_UNITS: u64 = 10_000;
/// Scratch's speech bubble limit in characters (UTF-16 units).
const SAY_BUBBLE_LIMIT: usize = 330;

/// A question of `ask and wait`, queued until the host answers it.
#[derive(Debug, Clone)]
struct Question {
    id: u64,
    sprite: usize,
    text: String,
    /// The asker was a visible sprite, so the question shows in its bubble.
    in_bubble: bool,
}

/// `say … for secs`: when the time is up the bubble goes, unless something else was said since.
#[derive(Debug, Clone, Copy)]
struct BubbleTimer {
    deadline: f64,
    sprite: usize,
    usage: u64,
}

/// How long a sound counts as just started (scratch-audio's `DECAY_DURATION`, 25 ms): playing it
/// again meanwhile does not restart it.
pub const SOUND_STARTING_SECONDS: f64 = 0.025;

/// scratch-audio's `SoundPlayer` as far as the VM needs it: whether the sound plays, where it
/// is, and who played it last. One per (target definition, sound), made when first played.
#[derive(Debug, Clone, PartialEq)]
struct SoundPlayer {
    /// Index into [`Program::targets`] whose sound it is.
    owner: u32,
    /// Index into that target's sounds.
    sound: usize,
    /// [`SpriteState::id`] of the sprite or clone that played it last (`SoundBank.playerTargets`).
    sprite: u32,
    playing: bool,
    /// Seconds of the sound (at normal pitch) played so far.
    position: f64,
    /// The sound's length in seconds at normal pitch.
    length: f64,
    /// Frame time in seconds since it started.
    age: f64,
    /// Playback rate, 2^(pitch/120) of its sprite.
    rate: f64,
    /// How many times it stopped (its `stop` events): `play sound until done` waits for the next.
    stops: u64,
}

impl SoundPlayer {
    /// `SoundPlayer.stop` (and `onEnded`): a playing sound stops.
    fn stop(&mut self) {
        if self.playing {
            self.playing = false;
            self.stops += 1;
        }
    }
}

/// The thread whose turn it is.
#[derive(Debug, Clone, Copy)]
struct Running {
    /// Its index in the list being stepped.
    index: usize,
    /// Its script was restarted: a new thread took its place in the list.
    displaced: bool,
}

/// Which hats to start.
#[derive(Debug, Clone, Copy)]
enum HatEvent<'a> {
    Flag,
    /// A key name in Scratch's upper-cased form (`SPACE`, `A`, `ANY`).
    Key(&'a str),
    SpriteClicked,
    StageClicked,
    /// Upper-cased backdrop name.
    Backdrop(&'a str),
    /// Upper-cased message name.
    Broadcast(&'a str),
    CloneStart,
}

/// The virtual machine.
pub struct Vm {
    program: Rc<Program>,
    /// Each chunk's code in the VM's own form (see [`lower`]), index for index.
    lowered: Rc<Vec<Vec<lower::Op>>>,
    config: VmConfig,

    /// Sprite slots: the stage and original sprites at their target index, clones after them.
    /// A deleted clone's slot has `alive == false` and is reused.
    sprites: Vec<SpriteState>,
    free_slots: Vec<usize>,
    /// Live slots in Scratch's `runtime.targets` order (stage, sprites, clones as created).
    target_order: Vec<usize>,
    /// Sprites from back to front. Scratch keeps its execution order (`executableTargets`) in
    /// the same order, with the stage first; hats start front-most sprite first, stage last.
    layer_order: Vec<usize>,
    /// Program script indexes of each target definition, in program order.
    scripts_by_target: Rc<Vec<Vec<u32>>>,
    /// Upper-cased hat field (key, message, backdrop) per script.
    hat_keys: Vec<String>,
    /// Opcodes of edge-activated hats in the order Scratch checks them.
    predicate_groups: Vec<String>,

    /// Boxed, so that taking a thread out of the list for its turn moves a pointer.
    #[allow(clippy::vec_box)] // Boxed on purpose: a thread is large and swapped every turn.
    threads: Vec<Box<Thread>>,
    /// After `stop all` in the middle of a pass, the old thread list: scratch-vm goes on
    /// stepping the old array for the rest of the pass while `runtime.threads` is a new one.
    #[allow(clippy::vec_box)] // As `threads`.
    orphans: Option<Vec<Box<Thread>>>,
    /// A placeholder box, reused for every turn (see `step_thread_at`).
    spare: Option<Box<Thread>>,
    running: Option<Running>,
    next_thread_id: ThreadId,

    events: Vec<Event>,
    rng: jsmath::Rng,

    /// Virtual time at the start of the current (or next) frame, in whole milliseconds like
    /// JavaScript's `Date.now()` (so `wait 0.5` is exactly 15 frames at 30 fps).
    clock_ms: f64,
    /// The same without rounding, accumulated frame by frame.
    clock_exact: f64,
    /// Scratch's `runtime.currentMSecs`: the start of the latest frame.
    current_msecs: f64,
    frame_units: u64,
    frame_count: u64,
    ms_per_unit: f64,
    warp_units: u64,
    /// A turn that goes on longer than this without yielding is cut (only broken code does that).
    turn_limit: u64,
    redraw_requested: bool,
    timer_start_ms: f64,
    /// Counts instructions that change something; a pass that changes nothing can be skipped ahead.
    mutations: u64,
    /// The earliest deadline a `WaitCheck` was waiting for in this pass.
    pass_min_deadline: f64,

    answer: Text,
    questions: VecDeque<Question>,
    next_question_id: u64,
    /// Keys held down, in Scratch's form (`space`, `up arrow`, `A`).
    keys_down: Vec<String>,
    mouse_x: f64,
    mouse_y: f64,
    mouse_down: bool,
    counter: f64,
    clone_count: usize,
    clone_warning_given: bool,
    bubble_timers: Vec<BubbleTimer>,
    next_bubble_usage: u64,
    /// Variable and list monitors (from the program, and made by `show variable`).
    monitors: Vec<crate::program::MonitorDef>,
    /// The stage's pixels, when the host gave the VM a renderer ([`Vm::set_stage`]).
    stage: Option<Box<dyn Stage>>,
    /// One-character strings for the ASCII characters, so `letter (i) of` allocates nothing.
    ascii_letters: Vec<Text>,
    /// The sound players made so far (see the module docs, "Sound").
    sound_players: Vec<SoundPlayer>,
    /// scratch3_sound's `waitingSounds`: (sprite id, player) for each sound a sprite started with
    /// `play sound until done` (and did not start again without waiting since).
    waiting_sounds: Vec<(u32, u32)>,
    /// How long the latest frame took in seconds of virtual time.
    frame_secs: f64,
}

impl Vm {
    pub fn new(program: Program, config: VmConfig) -> Vm {
        let mut program = program;
        if program.targets.is_empty() {
            program.targets.push(TargetDef::new("Stage", true));
        }
        let sprites: Vec<SpriteState> = program
            .targets
            .iter()
            .enumerate()
            .map(|(i, def)| SpriteState::from_def(i as u32, def))
            .collect();
        let mut scripts_by_target = vec![Vec::new(); program.targets.len()];
        let mut hat_keys = Vec::with_capacity(program.scripts.len());
        let mut predicate_groups: Vec<String> = vec![
            "event_whentouchingobject".to_string(),
            "event_whengreaterthan".to_string(),
        ];
        for (i, script) in program.scripts.iter().enumerate() {
            if let Some(list) = scripts_by_target.get_mut(script.target as usize) {
                list.push(i as u32);
            }
            hat_keys.push(match &script.hat {
                Hat::KeyPressed(k) => k.to_uppercase(),
                Hat::BroadcastReceived(m) => m.to_uppercase(),
                Hat::BackdropSwitchesTo(b) => b.to_uppercase(),
                _ => String::new(),
            });
            if let Hat::Predicate { opcode, .. } = &script.hat {
                if !predicate_groups.contains(opcode) {
                    predicate_groups.push(opcode.clone());
                }
            }
        }
        let frame_ms = 1000.0 / config.frame_rate.max(1e-3);
        let budget = config.work_budget.max(1);
        let ms_per_unit = 0.75 * frame_ms / budget as f64;
        let warp_units = (WARP_TIME_MS / ms_per_unit).ceil() as u64;
        let n = sprites.len();
        let codes: Vec<Vec<crate::isa::Instr>> =
            program.chunks.iter().map(|c| c.code.clone()).collect();
        let lowered = Rc::new(lower::lower_program(&codes, &mut program.constants));
        let program_monitors = program.monitors.clone();
        let mut vm = Vm {
            lowered,
            rng: jsmath::Rng::new(config.seed),
            program: Rc::new(program),
            config,
            sprites,
            free_slots: Vec::new(),
            target_order: (0..n).collect(),
            layer_order: (1..n).collect(),
            scripts_by_target: Rc::new(scripts_by_target),
            hat_keys,
            predicate_groups,
            threads: Vec::new(),
            orphans: None,
            spare: None,
            running: None,
            next_thread_id: 1,
            events: Vec::new(),
            clock_ms: 0.0,
            clock_exact: 0.0,
            // As if a frame had started one frame ago: in Scratch the runtime is already
            // stepping when the green flag is clicked, so the first frame after it starts later
            // than the flag's timer reset.
            current_msecs: -frame_ms.round(),
            frame_units: 0,
            frame_count: 0,
            ms_per_unit,
            warp_units,
            turn_limit: warp_units.saturating_mul(2).saturating_add(budget),
            redraw_requested: false,
            timer_start_ms: 0.0,
            mutations: 0,
            pass_min_deadline: f64::INFINITY,
            answer: Text::default(),
            questions: VecDeque::new(),
            next_question_id: 1,
            keys_down: Vec::new(),
            mouse_x: 0.0,
            mouse_y: 0.0,
            mouse_down: false,
            counter: 0.0,
            clone_count: 0,
            clone_warning_given: false,
            bubble_timers: Vec::new(),
            next_bubble_usage: 1,
            stage: None,
            monitors: program_monitors,
            ascii_letters: (0u8..128)
                .map(|c| Text::from(char::from(c).to_string()))
                .collect(),
            sound_players: Vec::new(),
            waiting_sounds: Vec::new(),
            frame_secs: 0.0,
        };
        vm.update_layers();
        vm
    }

    /// Gives the VM the stage's pixels (a renderer): from now on bounds, fencing, touching and the
    /// pen go through it. Call before the green flag.
    pub fn set_stage(&mut self, stage: Box<dyn Stage>) {
        self.stage = Some(stage);
    }

    /// The stage given to [`Vm::set_stage`], for the host to draw frames with
    /// (`vm.stage_mut()?.as_any_mut().downcast_mut::<Renderer>()`).
    pub fn stage_mut(&mut self) -> Option<&mut (dyn Stage + 'static)> {
        self.stage.as_deref_mut()
    }

    /// The stage as it looks now, as data: the backdrop, the visible sprites back to front,
    /// their bubbles and the visible monitors.
    pub fn frame(&self) -> Frame {
        let mut frame = self.scene();
        for d in &frame.sprites {
            let s = &self.sprites[d.id as usize];
            if let Some((kind, text)) = &s.bubble {
                frame.bubbles.push(BubbleView {
                    id: s.id,
                    kind: *kind,
                    text: text.clone(),
                });
            }
        }
        frame.monitors = self.monitor_views();
        frame
    }

    /// The backdrop and the visible sprites, without bubbles and monitors: what `touching
    /// color` looks at.
    pub(crate) fn scene(&self) -> Frame {
        let sprites = self
            .layer_order
            .iter()
            .filter(|&&sid| self.sprites[sid].alive && self.sprites[sid].visible)
            .map(|&sid| self.drawable(sid))
            .collect();
        Frame {
            stage: self.drawable(0),
            sprites,
            bubbles: Vec::new(),
            monitors: Vec::new(),
        }
    }

    /// The mouse starts dragging a sprite (by [`SpriteState::id`]): it comes to the front and
    /// scripts cannot move it until [`Vm::stop_drag`]. The host decides which sprites may be
    /// dragged (in the player only those set draggable, in the editor any).
    pub fn start_drag(&mut self, id: u32) {
        let Some(sid) = self.slot_of_id(id) else {
            return;
        };
        if self.sprites[sid].is_stage {
            return;
        }
        self.sprites[sid].dragging = true;
        self.go_front_back(sid, true);
    }

    /// Moves a dragged sprite to (x, y), fenced to the stage like any move.
    pub fn drag_to(&mut self, id: u32, x: f64, y: f64) {
        let Some(sid) = self.slot_of_id(id) else {
            return;
        };
        if !self.sprites[sid].dragging {
            return;
        }
        self.set_xy_forced(sid, x, y);
    }

    pub fn stop_drag(&mut self, id: u32) {
        if let Some(sid) = self.slot_of_id(id) {
            self.sprites[sid].dragging = false;
        }
    }

    fn slot_of_id(&self, id: u32) -> Option<usize> {
        self.sprites.iter().position(|s| s.alive && s.id == id)
    }

    /// The green flag: stops everything (clones go, threads stop), resets the timer, the answer
    /// and graphic and sound effects, then starts every `when green flag clicked` script.
    pub fn green_flag(&mut self) {
        self.stop_all_inner();
        // Scratch's PROJECT_START listeners and `onGreenFlag`.
        self.answer = Text::default();
        self.timer_start_ms = self.current_msecs;
        for sid in self.target_order.clone() {
            let s = &mut self.sprites[sid];
            s.edge_values.clear();
            s.effects = [0.0; 7];
            s.pitch = 0.0;
            s.pan = 0.0;
        }
        self.clone_warning_given = false;
        self.start_hats(HatEvent::Flag, None);
    }

    /// The stop sign: stops all threads, deletes clones, stops sounds, removes bubbles and
    /// questions, clears graphic and sound effects.
    pub fn stop_all(&mut self) {
        self.stop_all_inner();
    }

    /// One frame: applies the input (key and click hats), checks edge-activated hats, runs the
    /// threads as Scratch's sequencer does, and advances the virtual clock.
    pub fn step_frame(&mut self, input: &Input) {
        self.frame_units = 0;
        let frame_start = self.clock_ms;
        // The sound mixed since the last frame.
        self.advance_sounds(self.frame_secs);
        // What JavaScript timers and promises would have done between frames.
        self.fire_timers(frame_start);
        self.apply_input(input);
        // runtime._step
        self.threads.retain(|t| !t.is_done());
        self.start_edge_hats();
        self.current_msecs = frame_start;
        self.redraw_requested = false;
        self.step_threads();
        let frame_ms = 1000.0 / self.config.frame_rate.max(1e-3);
        let used_ms = self.frame_units as f64 * self.ms_per_unit;
        let before = self.clock_exact;
        self.clock_exact += frame_ms.max(used_ms);
        self.frame_secs = (self.clock_exact - before) / 1000.0;
        self.clock_ms = self.clock_exact.round();
        self.frame_units = 0;
        self.frame_count += 1;
    }

    /// How much virtual time the latest frame took, in seconds: 1 / frame rate, or more when a
    /// warp thread overran the frame (0 before the first frame). A host that plays sound mixes
    /// this much after each frame, with that frame's [`crate::io::SoundEvent`]s applied at its
    /// start, so that sounds end when `play sound until done` thinks they do.
    pub fn frame_seconds(&self) -> f64 {
        self.frame_secs
    }

    /// Drains the events, in the order they happened.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Answers the question being asked (the front of the queue); its thread goes on at the next
    /// frame, and the next queued question is asked.
    pub fn answer(&mut self, text: &str) {
        self.answer = Text::from(text);
        if let Some(q) = self.questions.pop_front() {
            if q.in_bubble && self.sprites[q.sprite].alive {
                self.set_bubble(q.sprite, BubbleKind::Say, &Value::empty());
            }
            self.ask_front_question();
        }
    }

    /// Whether a question is waiting for [`Vm::answer`].
    pub fn waiting_for_answer(&self) -> bool {
        !self.questions.is_empty()
    }

    /// Whether any thread is alive (running, or waiting for time, a sound or an answer).
    pub fn is_running(&self) -> bool {
        self.threads.iter().any(|t| !t.is_done())
    }

    /// The scripts that have a live thread (indexes into [`Program::scripts`], ascending, each
    /// once), for a host that makes running scripts glow as Scratch's editor does. Edge-triggered
    /// hat checks are not scripts and do not count.
    pub fn running_scripts(&self) -> Vec<u32> {
        let mut scripts: Vec<u32> = self
            .threads
            .iter()
            .filter(|t| !t.is_done() && t.script != NO_SCRIPT)
            .map(|t| t.script)
            .collect();
        scripts.sort_unstable();
        scripts.dedup();
        scripts
    }

    /// The virtual clock in milliseconds: the start of the next frame.
    pub fn time_ms(&self) -> f64 {
        self.clock_ms
    }

    /// Frames stepped so far.
    pub fn frames(&self) -> u64 {
        self.frame_count
    }

    /// The stage, the sprites and the clones, in Scratch's target order (stage, sprites,
    /// clones in the order they were made). [`SpriteState::layer`] gives the drawing order.
    pub fn sprites(&self) -> impl Iterator<Item = &SpriteState> + '_ {
        self.target_order.iter().map(move |&i| &self.sprites[i])
    }

    /// The sprite (or clone, or the stage) with this [`SpriteState::id`].
    pub fn sprite(&self, id: u32) -> Option<&SpriteState> {
        self.sprites.get(id as usize).filter(|s| s.alive)
    }

    /// A variable's value: the named target's own variable, else the global one. The stage is
    /// found by its name (usually `Stage`).
    pub fn variable(&self, target_name: &str, var_name: &str) -> Option<Value> {
        let sid = self.original_by_name(target_name, true)?;
        let def = &self.program.targets[self.sprites[sid].target as usize];
        if let Some(i) = def.variables.iter().position(|v| v.name == var_name) {
            return self.sprites[sid].variables.get(i).cloned();
        }
        let i = self.program.targets[0]
            .variables
            .iter()
            .position(|v| v.name == var_name)?;
        self.sprites[0].variables.get(i).cloned()
    }

    /// A list's items: the named target's own list, else the global one.
    pub fn list(&self, target_name: &str, list_name: &str) -> Option<Vec<Value>> {
        let sid = self.original_by_name(target_name, true)?;
        let def = &self.program.targets[self.sprites[sid].target as usize];
        if let Some(i) = def.lists.iter().position(|l| l.name == list_name) {
            return self.sprites[sid].lists.get(i).cloned();
        }
        let i = self.program.targets[0]
            .lists
            .iter()
            .position(|l| l.name == list_name)?;
        self.sprites[0].lists.get(i).cloned()
    }

    /// The last answer to `ask and wait`.
    pub fn last_answer(&self) -> &str {
        &self.answer
    }

    /// The program being run. (Its constant pool may have grown: the VM adds number twins of
    /// numeric text constants for its fused instructions.)
    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn config(&self) -> &VmConfig {
        &self.config
    }

    /// Sets the length (seconds at normal pitch) of sound `index` of target `target`, for `play
    /// sound until done`: a host that decodes sounds after loading (the browser) hands in their
    /// real lengths before the run starts. Unknown targets and sounds, and lengths that are
    /// negative or not finite, are ignored.
    pub fn set_sound_seconds(&mut self, target: usize, index: usize, seconds: f64) {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return;
        }
        let exists = self
            .program
            .targets
            .get(target)
            .is_some_and(|t| index < t.sounds.len());
        if exists {
            Rc::make_mut(&mut self.program).targets[target].sounds[index].seconds = Some(seconds);
        }
    }

    /// The same VM without superinstructions, to check that fusing changes nothing.
    #[cfg(test)]
    fn unfused(mut self) -> Vm {
        self.lowered = Rc::new(
            self.program
                .chunks
                .iter()
                .map(|c| lower::lower_plain(&c.code))
                .collect(),
        );
        self
    }

    // ------------------------------------------------------------------ time

    /// The time inside the frame, from the work done so far.
    #[inline]
    fn now(&self) -> f64 {
        self.clock_ms + self.frame_units as f64 * self.ms_per_unit
    }

    /// The frame's work units at which the clock reaches `time`.
    fn units_at(&self, time: f64) -> u64 {
        let needed = ((time - self.clock_ms) / self.ms_per_unit).ceil();
        if needed.is_nan() || needed <= 0.0 {
            return 0;
        }
        let mut u = if needed >= u64::MAX as f64 {
            u64::MAX
        } else {
            needed as u64
        };
        // Guard against rounding: make sure the clock really reaches `time`.
        while u < u64::MAX && self.clock_ms + u as f64 * self.ms_per_unit < time {
            u += 1;
        }
        u
    }

    fn warp_exceeded(&self, th: &Thread) -> bool {
        match th.warp_start {
            Some(start) => self.frame_units.saturating_sub(start) > self.warp_units,
            None => false,
        }
    }

    // ------------------------------------------------------------------ between frames

    /// JavaScript timers and promises that resolved since the last frame: bubbles of `say …
    /// for secs` go, and waiting threads become runnable.
    fn fire_timers(&mut self, now: f64) {
        if !self.bubble_timers.is_empty() {
            let mut due: Vec<BubbleTimer> = Vec::new();
            self.bubble_timers.retain(|t| {
                if t.deadline <= now {
                    due.push(*t);
                    false
                } else {
                    true
                }
            });
            due.sort_by(|a, b| a.deadline.total_cmp(&b.deadline));
            for t in due {
                let s = &self.sprites[t.sprite];
                if s.alive && s.bubble_usage == t.usage {
                    let kind = s.bubble.as_ref().map(|b| b.0).unwrap_or(BubbleKind::Say);
                    self.set_bubble(t.sprite, kind, &Value::empty());
                }
            }
        }
        let questions = &self.questions;
        let players = &self.sound_players;
        for th in self.threads.iter_mut() {
            if let Status::PromiseWait(w) = th.status {
                let resolved = match w {
                    Wait::Until(d) => d <= now,
                    Wait::Sound { player, stops } => {
                        players.get(player as usize).is_none_or(|p| p.stops > stops)
                    }
                    Wait::Ask(q) => !questions.iter().any(|x| x.id == q),
                };
                if resolved {
                    th.status = Status::Running;
                }
            }
        }
    }

    fn apply_input(&mut self, input: &Input) {
        self.keys_down.clear();
        for k in &input.keys_down {
            if let Some(key) = scratch_key_name(k) {
                if !self.keys_down.contains(&key) {
                    self.keys_down.push(key);
                }
            }
        }
        self.mouse_x = input.mouse_x;
        self.mouse_y = input.mouse_y;
        self.mouse_down = input.mouse_down;
        for k in &input.keys_pressed {
            if let Some(key) = scratch_key_name(k) {
                let upper = key.to_uppercase();
                self.start_hats(HatEvent::Key(&upper), None);
                self.start_hats(HatEvent::Key("ANY"), None);
            }
        }
        for &id in &input.clicked {
            let sid = id as usize;
            if sid < self.sprites.len() && self.sprites[sid].alive {
                self.start_hats(HatEvent::SpriteClicked, Some(sid));
                self.start_hats(HatEvent::StageClicked, Some(sid));
            }
        }
    }

    // ------------------------------------------------------------------ the sequencer

    /// `sequencer.stepThreads`.
    fn step_threads(&mut self) {
        let budget = self.config.work_budget.max(1);
        let mut num_active = usize::MAX;
        let mut ran_first_tick = false;
        while !self.threads.is_empty()
            && num_active > 0
            && self.frame_units < budget
            && (self.config.turbo || !self.redraw_requested)
        {
            num_active = 0;
            let mut stopped_thread = false;
            let mutations_before = self.mutations;
            self.pass_min_deadline = f64::INFINITY;
            let mut i = 0;
            loop {
                let list = match self.orphans.as_mut() {
                    Some(o) => o,
                    None => &mut self.threads,
                };
                let Some(t) = list.get_mut(i) else { break };
                if t.is_done() {
                    stopped_thread = true;
                    i += 1;
                    continue;
                }
                if t.status == Status::YieldTick && !ran_first_tick {
                    t.status = Status::Running;
                }
                let mut status = t.status;
                if status == Status::Running {
                    status = self.step_thread_at(i);
                }
                if status == Status::Running {
                    num_active += 1;
                }
                if status == Status::Done {
                    stopped_thread = true;
                }
                i += 1;
            }
            ran_first_tick = true;
            if self.orphans.take().is_some() {
                // `stop all` ran in this pass; the old list is gone.
                stopped_thread = true;
            }
            if stopped_thread {
                self.threads.retain(|t| !t.is_done());
            }
            // A pass that changed nothing will be repeated identically until time passes a
            // deadline: skip the repeats (Scratch would spin through them).
            if self.mutations == mutations_before && num_active > 0 {
                let target = if self.pass_min_deadline.is_finite() {
                    self.units_at(self.pass_min_deadline).min(budget)
                } else {
                    budget
                };
                self.frame_units = self.frame_units.max(target);
            }
        }
    }

    /// Runs the thread at index `i` of the list being stepped for one turn; returns the status
    /// it ended its turn with.
    fn step_thread_at(&mut self, i: usize) -> Status {
        let list = match self.orphans.as_mut() {
            Some(o) => o,
            None => &mut self.threads,
        };
        let placeholder = match self.spare.take() {
            Some(mut spare) => {
                spare.become_placeholder_of(&list[i]);
                spare
            }
            None => Box::new(list[i].placeholder()),
        };
        let mut th = std::mem::replace(&mut list[i], placeholder);
        self.running = Some(Running {
            index: i,
            displaced: false,
        });
        let limit = self.turn_limit;
        self.run_turn(&mut th, limit);
        th.warp_start = None;
        let status = th.status;
        let displaced = self.running.take().is_some_and(|r| r.displaced);
        if !displaced {
            let list = match self.orphans.as_mut() {
                Some(o) => o,
                None => &mut self.threads,
            };
            if let Some(slot) = list.get_mut(i) {
                if slot.id == th.id {
                    self.spare = Some(std::mem::replace(slot, th));
                }
            }
        }
        status
    }

    fn new_thread(&mut self, sid: usize, script: u32) -> Box<Thread> {
        let id = self.next_thread_id;
        self.next_thread_id += 1;
        let chunk = self.program.scripts[script as usize].chunk;
        Box::new(Thread::new(id, sid, script, chunk))
    }

    /// Front-most sprite first, the stage last (scratch-vm walks `executableTargets` from the
    /// end).
    fn execution_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = self.layer_order.iter().rev().copied().collect();
        order.push(0);
        order
    }

    fn hat_matches(&self, script: u32, event: HatEvent<'_>) -> bool {
        let hat = &self.program.scripts[script as usize].hat;
        let key = &self.hat_keys[script as usize];
        match (hat, event) {
            (Hat::Flag, HatEvent::Flag) => true,
            (Hat::KeyPressed(_), HatEvent::Key(k)) => key == k,
            (Hat::SpriteClicked, HatEvent::SpriteClicked) => true,
            (Hat::StageClicked, HatEvent::StageClicked) => true,
            (Hat::BackdropSwitchesTo(_), HatEvent::Backdrop(b)) => key == b,
            (Hat::BroadcastReceived(_), HatEvent::Broadcast(m)) => key == m,
            (Hat::CloneStart, HatEvent::CloneStart) => true,
            _ => false,
        }
    }

    /// `runtime.startHats`: starts the matching scripts of one target or of all of them,
    /// restarting running copies in place for hats that restart. Returns the started threads,
    /// sorted by id.
    fn start_hats(&mut self, event: HatEvent<'_>, only: Option<usize>) -> Vec<ThreadId> {
        let targets = match only {
            Some(sid) => vec![sid],
            None => self.execution_order(),
        };
        let program = Rc::clone(&self.program);
        let by_target = Rc::clone(&self.scripts_by_target);
        let mut started = Vec::new();
        for sid in targets {
            let def = self.sprites[sid].target as usize;
            let Some(scripts) = by_target.get(def) else {
                continue;
            };
            for &script in scripts {
                if !self.hat_matches(script, event) {
                    continue;
                }
                if program.scripts[script as usize].hat.restarts() {
                    if let Some(j) = self
                        .threads
                        .iter()
                        .position(|t| t.sprite == sid && t.script == script)
                    {
                        // `_restartThread`: a new thread in the old one's place.
                        let th = self.new_thread(sid, script);
                        started.push(th.id);
                        self.threads[j] = th;
                        if let Some(r) = self.running.as_mut() {
                            if self.orphans.is_none() && r.index == j {
                                r.displaced = true;
                            }
                        }
                        self.mutations += 1;
                        continue;
                    }
                } else if self
                    .threads
                    .iter()
                    .any(|t| t.sprite == sid && t.script == script && !t.is_done())
                {
                    continue;
                }
                let th = self.new_thread(sid, script);
                started.push(th.id);
                self.threads.push(th);
                self.mutations += 1;
            }
        }
        started.sort_unstable();
        started
    }

    /// Edge-activated hats (`when timer > …`, `when touching …`): each predicate whose script is
    /// not running is evaluated; the script starts when the value turns from false to true (or
    /// is true the first time it is checked).
    fn start_edge_hats(&mut self) {
        let program = Rc::clone(&self.program);
        if self.predicate_groups.len() <= 2
            && !program
                .scripts
                .iter()
                .any(|s| matches!(s.hat, Hat::Predicate { .. }))
        {
            return;
        }
        let groups = self.predicate_groups.clone();
        let by_target = Rc::clone(&self.scripts_by_target);
        for group in &groups {
            for sid in self.execution_order() {
                let def = self.sprites[sid].target as usize;
                let Some(scripts) = by_target.get(def) else {
                    continue;
                };
                for &script in scripts {
                    let Hat::Predicate { opcode, chunk } = &program.scripts[script as usize].hat
                    else {
                        continue;
                    };
                    if opcode != group {
                        continue;
                    }
                    if self
                        .threads
                        .iter()
                        .any(|t| t.sprite == sid && t.script == script && !t.is_done())
                    {
                        continue;
                    }
                    let value = self.eval_predicate(sid, *chunk);
                    let edges = &mut self.sprites[sid].edge_values;
                    let old = match edges.iter_mut().find(|(s, _)| *s == script) {
                        Some(entry) => Some(std::mem::replace(&mut entry.1, value)),
                        None => {
                            edges.push((script, value));
                            None
                        }
                    };
                    let activated = match old {
                        Some(old) => !old && value,
                        None => value,
                    };
                    if activated {
                        let th = self.new_thread(sid, script);
                        self.threads.push(th);
                    }
                }
            }
        }
    }

    /// Runs a hat predicate chunk to completion (at most `PREDICATE_UNITS` instructions; the work
    /// does not count against the frame) and returns its boolean result.
    fn eval_predicate(&mut self, sid: usize, chunk: u32) -> bool {
        let saved_units = self.frame_units;
        let saved_running = self.running.take();
        let mut th = Thread::new(0, sid, NO_SCRIPT, chunk);
        self.run_turn(&mut th, PREDICATE_UNITS);
        self.frame_units = saved_units;
        self.running = saved_running;
        th.status == Status::Done && th.stack.last().is_some_and(|v| v.to_bool())
    }

    // ------------------------------------------------------------------ stopping

    /// `runtime.stopAll`, with what its listeners do: bubbles and questions go, sounds stop,
    /// graphic and sound effects are cleared, clones are deleted, threads stop. In the middle of
    /// a pass the threads of the list being stepped keep their turn in this pass, as in Scratch.
    fn stop_all_inner(&mut self) {
        for sid in self.target_order.clone() {
            if self.sprites[sid].bubble.is_some() {
                let kind = self.sprites[sid]
                    .bubble
                    .as_ref()
                    .map(|b| b.0)
                    .unwrap_or(BubbleKind::Say);
                self.set_bubble(sid, kind, &Value::empty());
            }
            self.sprites[sid].bubble_drawn = false;
        }
        self.bubble_timers.clear();
        self.questions.clear();
        self.stop_sound_players();
        for sid in self.target_order.clone() {
            let s = &mut self.sprites[sid];
            s.pitch = 0.0;
            s.pan = 0.0;
            s.effects = [0.0; 7];
        }
        let clones: Vec<usize> = self
            .target_order
            .iter()
            .copied()
            .filter(|&i| self.sprites[i].is_clone)
            .collect();
        for sid in &clones {
            self.free_sprite(*sid);
        }
        self.clone_count = 0;
        if self.running.is_some() {
            // Mid-pass: scratch-vm keeps stepping the old array; clones' threads were retired.
            let mut old = std::mem::take(&mut self.threads);
            if let Some(orphans) = self.orphans.as_mut() {
                // A second `stop all` in the same pass: the new list just goes.
                for t in orphans.iter_mut().filter(|t| clones.contains(&t.sprite)) {
                    t.finish();
                }
                old.clear();
            } else {
                for t in old.iter_mut().filter(|t| clones.contains(&t.sprite)) {
                    t.finish();
                }
                self.orphans = Some(old);
            }
        } else {
            self.threads.clear();
        }
        self.mutations += 1;
    }

    /// `runtime.stopForTarget`: stops the target's threads (but `except`), and drops its
    /// questions.
    fn stop_for_target(&mut self, sid: usize, except: Option<ThreadId>) {
        self.stop_waiting_sounds(sid);
        let was_asking = self.questions.front().is_some_and(|q| q.sprite == sid);
        self.questions.retain(|q| q.sprite != sid);
        if was_asking {
            if self.sprites[sid].bubble.is_some() {
                self.set_bubble(sid, BubbleKind::Say, &Value::empty());
            }
            self.ask_front_question();
        }
        for t in self.threads.iter_mut() {
            if t.sprite == sid && Some(t.id) != except {
                t.finish();
            }
        }
        self.mutations += 1;
    }

    // ------------------------------------------------------------------ sprites

    fn update_layers(&mut self) {
        self.sprites[0].layer = 0;
        for (i, &sid) in self.layer_order.iter().enumerate() {
            self.sprites[sid].layer = i + 1;
        }
    }

    fn free_sprite(&mut self, sid: usize) {
        self.target_order.retain(|&i| i != sid);
        self.layer_order.retain(|&i| i != sid);
        self.bubble_timers.retain(|t| t.sprite != sid);
        let s = &mut self.sprites[sid];
        s.alive = false;
        s.variables = Vec::new();
        s.lists = Vec::new();
        s.bubble = None;
        s.edge_values = Vec::new();
        self.free_slots.push(sid);
        self.update_layers();
    }

    /// The original sprite (not a clone) with this name; the stage too when `with_stage`.
    fn original_by_name(&self, name: &str, with_stage: bool) -> Option<usize> {
        self.target_order.iter().copied().find(|&i| {
            let s = &self.sprites[i];
            !s.is_clone && s.name == name && (with_stage || !s.is_stage)
        })
    }

    // ------------------------------------------------------------------ bubbles and questions

    /// scratch3_looks `_updateBubble`: formats the text, remembers it, emits the event.
    fn set_bubble(&mut self, sid: usize, kind: BubbleKind, value: &Value) {
        let text = format_bubble_text(value);
        let usage = self.next_bubble_usage;
        self.next_bubble_usage += 1;
        let s = &mut self.sprites[sid];
        s.bubble_usage = usage;
        s.bubble = if text.is_empty() {
            None
        } else {
            Some((kind, text.clone()))
        };
        // `_renderBubble`: a shown bubble is drawn; removing a drawn bubble redraws too.
        let shows = s.shows() && !text.is_empty();
        if shows || s.bubble_drawn {
            self.redraw_requested = true;
        }
        s.bubble_drawn = shows;
        let target = s.name.clone();
        self.events.push(Event::Bubble { target, kind, text });
        self.mutations += 1;
    }

    /// `_askNextQuestion`: shows the question at the front of the queue.
    fn ask_front_question(&mut self) {
        let Some(q) = self.questions.front().cloned() else {
            return;
        };
        if q.in_bubble {
            self.set_bubble(q.sprite, BubbleKind::Say, &Value::from(q.text.as_str()));
        }
        let target = self.sprites[q.sprite].name.clone();
        self.events.push(Event::Ask {
            target,
            question: q.text,
        });
    }

    fn warn(&mut self, message: String, zh: String, loc: crate::program::SourceLoc) {
        self.events.push(Event::Warning { message, zh, loc });
    }
}

/// scratch3_looks `_formatBubbleText`: numbers that are not whole show 2 decimals (unless they
/// would show as 0.00), and at most 330 characters are kept.
fn format_bubble_text(value: &Value) -> String {
    let text: String = match value {
        Value::Num(n) if n.abs() >= 0.01 && n % 1.0 != 0.0 => jsmath::to_fixed(*n, 2),
        other => other.to_str().to_string(),
    };
    truncate_utf16(&text, SAY_BUBBLE_LIMIT)
}

/// JavaScript's `substr(0, n)`: the first `n` UTF-16 units.
fn truncate_utf16(text: &str, n: usize) -> String {
    if text.len() <= n {
        return text.to_string();
    }
    let units: Vec<u16> = text.encode_utf16().take(n).collect();
    String::from_utf16_lossy(&units)
}

/// Turns a host key name into Scratch's form (`keyboard._keyStringToScratchKey`): `space`,
/// `left arrow`, …, `enter`, and single characters upper-cased. Other keys are ignored.
fn scratch_key_name(key: &str) -> Option<String> {
    const SPECIAL: [&str; 6] = [
        "space",
        "left arrow",
        "up arrow",
        "right arrow",
        "down arrow",
        "enter",
    ];
    let mapped = match key {
        " " => "space",
        "ArrowLeft" | "Left" => "left arrow",
        "ArrowUp" | "Up" => "up arrow",
        "ArrowRight" | "Right" => "right arrow",
        "ArrowDown" | "Down" => "down arrow",
        "Enter" => "enter",
        _ => "",
    };
    if !mapped.is_empty() {
        return Some(mapped.to_string());
    }
    let lower = js_lowercase(key);
    if SPECIAL.contains(&lower.as_str()) {
        return Some(lower);
    }
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c.to_uppercase().collect()),
        _ => None,
    }
}
