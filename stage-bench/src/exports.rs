//! The C-ABI surface of the wasm build, for `run_wasm.mjs` (no wasm-bindgen: numbers in and out,
//! texts as a pointer and a length into the module's memory).
//!
//! One benchmark at a time lives in a thread-local (wasm32-unknown-unknown has one thread).
//! Node calls [`bench_setup`], then times [`bench_step_frame`] and [`bench_render_frame`] one by
//! one; the other functions are not timed. The mixing benchmark has its own: [`bench_mix_setup`],
//! then [`bench_mix_frame`] timed.

// `#[no_mangle]` keeps the export names readable from JavaScript; the `unsafe_code` lint counts
// it as unsafe because an exported name could clash with another symbol. These names are
// prefixed `bench_` so they do not. Nothing in this module is otherwise unsafe.
#![allow(unsafe_code)]

use std::cell::RefCell;

use crate::{Bench, MixBench, Scenario};

thread_local! {
    static BENCH: RefCell<Option<Bench>> = const { RefCell::new(None) };
    static MIX: RefCell<Option<MixBench>> = const { RefCell::new(None) };
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn with_bench<T>(default: T, f: impl FnOnce(&mut Bench) -> T) -> T {
    BENCH.with(|b| b.borrow_mut().as_mut().map_or(default, f))
}

/// How many scenarios there are (numbered from 0).
#[no_mangle]
pub extern "C" fn bench_scenario_count() -> i32 {
    Scenario::ALL.len() as i32
}

/// Where the UTF-8 name of scenario `index` is in memory (0 for no such scenario).
#[no_mangle]
pub extern "C" fn bench_scenario_name_ptr(index: i32) -> usize {
    Scenario::from_index(index).map_or(0, |s| s.name().as_ptr() as usize)
}

/// The length in bytes of that name.
#[no_mangle]
pub extern "C" fn bench_scenario_name_len(index: i32) -> usize {
    Scenario::from_index(index).map_or(0, |s| s.name().len())
}

/// Loads scenario `index` (compiles it, decodes the costume, clicks the green flag), replacing
/// the previous one. 0 on success; -1 for no such scenario; -2 if it failed (see
/// [`bench_error_ptr`]).
#[no_mangle]
pub extern "C" fn bench_setup(index: i32) -> i32 {
    BENCH.with(|b| *b.borrow_mut() = None);
    let Some(scenario) = Scenario::from_index(index) else {
        return -1;
    };
    match Bench::new(scenario) {
        Ok(bench) => {
            BENCH.with(|b| *b.borrow_mut() = Some(bench));
            0
        }
        Err(message) => {
            LAST_ERROR.with(|e| *e.borrow_mut() = message);
            -2
        }
    }
}

/// The UTF-8 message of the last failed [`bench_setup`].
#[no_mangle]
pub extern "C" fn bench_error_ptr() -> usize {
    LAST_ERROR.with(|e| e.borrow().as_ptr() as usize)
}

#[no_mangle]
pub extern "C" fn bench_error_len() -> usize {
    LAST_ERROR.with(|e| e.borrow().len())
}

/// One VM frame (timed as "step").
#[no_mangle]
pub extern "C" fn bench_step_frame() {
    with_bench((), Bench::step);
}

/// Drops the frame's events (not timed).
#[no_mangle]
pub extern "C" fn bench_drain_events() {
    with_bench((), Bench::drain_events);
}

/// Draws the frame at scale 1 (timed as "render").
#[no_mangle]
pub extern "C" fn bench_render_frame() {
    with_bench((), Bench::render);
}

/// Clones alive now.
#[no_mangle]
pub extern "C" fn bench_clone_count() -> i32 {
    with_bench(-1, |b| b.clone_count() as i32)
}

/// The touching scenarios' `hits` so far.
#[no_mangle]
pub extern "C" fn bench_touch_hits() -> f64 {
    with_bench(0.0, |b| b.touch_hits())
}

/// The share (0…1) of the latest frame that is drawn (neither transparent nor white).
#[no_mangle]
pub extern "C" fn bench_frame_coverage() -> f64 {
    with_bench(0.0, |b| b.frame_coverage())
}

/// The share (0…1) of the pen layer drawn on.
#[no_mangle]
pub extern "C" fn bench_pen_coverage() -> f64 {
    with_bench(0.0, Bench::pen_coverage)
}

/// Sets up the mixing benchmark (`starling_audio::mixer::bench`), replacing the previous one.
#[no_mangle]
pub extern "C" fn bench_mix_setup() {
    MIX.with(|m| *m.borrow_mut() = Some(MixBench::new()));
}

/// Frames to run before timing the mixer.
#[no_mangle]
pub extern "C" fn bench_mix_warmup_frames() -> i32 {
    starling_audio::mixer::bench::WARMUP_FRAMES as i32
}

/// One frame of the mixing benchmark: its sound events, then 1/30 s of 48 kHz stereo (timed).
#[no_mangle]
pub extern "C" fn bench_mix_frame() {
    MIX.with(|m| {
        if let Some(bench) = m.borrow_mut().as_mut() {
            bench.frame();
        }
    });
}

/// Playbacks sounding after the latest mixed frame (-1 before [`bench_mix_setup`]).
#[no_mangle]
pub extern "C" fn bench_mix_playing() -> i32 {
    MIX.with(|m| m.borrow().as_ref().map_or(-1, |b| b.playing() as i32))
}

/// The largest sample of the latest mixed frame.
#[no_mangle]
pub extern "C" fn bench_mix_peak() -> f64 {
    MIX.with(|m| m.borrow().as_ref().map_or(0.0, |b| f64::from(b.peak())))
}
