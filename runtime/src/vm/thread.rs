//! A thread: one running script, with its own value stack, call frames and status.
//!
//! The statuses are scratch-vm's (`thread.js`): running, waiting for a promise, yielding until the
//! next frame, done. A thread that merely yielded (end of a loop iteration, `wait` not over) is
//! `Running` again: the sequencer steps it in the next pass.

use crate::value::Value;

/// A unique thread identity. Restarting a script (Scratch's `_restartThread`) makes a new
/// thread with a new id in the same place, so `broadcast and wait` stops waiting for the old one.
pub(crate) type ThreadId = u64;

/// Why a thread is parked until something happens between frames (scratch-vm's
/// `STATUS_PROMISE_WAIT`). Like a JavaScript promise, the wait is over at the start of a frame, never
/// in the middle of one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Wait {
    /// Until the virtual clock reaches this time: `say … for secs`, and `Promise.resolve()`
    /// blocks (sound effects and volume) with the current time, which wait for the next frame.
    Until(f64),
    /// `play sound until done`: until the sound player `player` (an index into the VM's sound
    /// players) next stops, i.e. until it has stopped more than `stops` times: the sound ended,
    /// was restarted or was stopped (scratch-audio's `SoundPlayer.finished()`, which waits for the
    /// player's next `stop` event).
    Sound { player: u32, stops: u64 },
    /// `ask and wait`: until the question with this id is answered.
    Ask(u64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Status {
    Running,
    PromiseWait(Wait),
    /// Does not run again in this frame (`STATUS_YIELD_TICK`).
    YieldTick,
    Done,
}

/// A call frame: the script's own code, or a custom block's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pub chunk: u32,
    /// Where to continue in this frame's chunk.
    pub pc: u32,
    pub warp: bool,
    /// The procedure running in this frame, or `NO_PROC` for the script itself.
    pub proc: u32,
    /// This frame's arguments are `args[args_base..args_base + argc]`.
    pub args_base: u32,
    pub argc: u32,
    /// Stack heights when the frame was entered: returning (or `stop this script`) cuts the value
    /// stack and the handles back to them.
    pub stack_base: u32,
    pub handles_base: u32,
}

pub(crate) const NO_PROC: u32 = u32::MAX;
pub(crate) const NO_SCRIPT: u32 = u32::MAX;

/// State behind a handle value on the stack (`BroadcastStart`, `GlideToStart`, …).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Handle {
    /// The threads a broadcast (or backdrop switch) started, sorted.
    Threads(Vec<ThreadId>),
    Glide(Glide),
    /// A glide that had nothing to do (no such sprite, or no time).
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glide {
    pub start_ms: f64,
    pub duration_secs: f64,
    pub start_x: f64,
    pub start_y: f64,
    pub end_x: f64,
    pub end_y: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Thread {
    pub id: ThreadId,
    /// The sprite slot the thread runs for.
    pub sprite: usize,
    /// Index into [`crate::Program::scripts`], or `NO_SCRIPT` (hat predicates).
    pub script: u32,
    pub status: Status,
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    pub args: Vec<Value>,
    pub handles: Vec<Handle>,
    /// Work units on the frame clock when this turn's warp timer started (Scratch's `warpTimer`,
    /// reset after every turn).
    pub warp_start: Option<u64>,
    /// The deadline `WaitCheck` waits for is on real time (the music blocks' stack timers)
    /// rather than the frame's start time (`wait`, and the promise-style waits).
    pub real_time_wait: bool,
}

impl Thread {
    pub(crate) fn new(id: ThreadId, sprite: usize, script: u32, chunk: u32) -> Thread {
        Thread {
            id,
            sprite,
            script,
            status: Status::Running,
            stack: Vec::new(),
            frames: vec![Frame {
                chunk,
                pc: 0,
                warp: false,
                proc: NO_PROC,
                args_base: 0,
                argc: 0,
                stack_base: 0,
                handles_base: 0,
            }],
            args: Vec::new(),
            handles: Vec::new(),
            warp_start: None,
            real_time_wait: false,
        }
    }

    /// Stands in the thread list while the real thread runs (it has the same identity, so
    /// restarting its script and `broadcast and wait` see it). Allocates nothing.
    pub(crate) fn placeholder(&self) -> Thread {
        Thread {
            id: self.id,
            sprite: self.sprite,
            script: self.script,
            status: self.status,
            stack: Vec::new(),
            frames: Vec::new(),
            args: Vec::new(),
            handles: Vec::new(),
            warp_start: None,
            real_time_wait: false,
        }
    }

    /// Turns a used placeholder into one for `other` (its own vectors are empty).
    pub(crate) fn become_placeholder_of(&mut self, other: &Thread) {
        self.id = other.id;
        self.sprite = other.sprite;
        self.script = other.script;
        self.status = other.status;
    }

    pub(crate) fn is_done(&self) -> bool {
        self.status == Status::Done
    }

    /// scratch-vm's `isWaitingThread` for a thread that is in the thread list.
    pub(crate) fn is_waiting(&self) -> bool {
        matches!(
            self.status,
            Status::PromiseWait(_) | Status::YieldTick | Status::Done
        )
    }

    pub(crate) fn finish(&mut self) {
        self.status = Status::Done;
        self.stack.clear();
        self.frames.clear();
        self.args.clear();
        self.handles.clear();
    }
}
