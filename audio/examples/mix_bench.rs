//! `cargo run --release -p starling-audio --example mix_bench [-- --frames N]`: times the mixer
//! on sixteen sounds at once (twelve decoded-like tones at different pitches and pans, four
//! synthesised notes a second; see `starling_audio::mixer::bench`), in frames of 1/30 s at
//! 48 kHz, and prints milliseconds per frame (median and 90th percentile). Not a test: the
//! numbers depend on the machine. `stage-bench/wasm.sh` times the same scenario in wasm.

use std::time::Instant;

use starling_audio::mixer::bench::{MixBench, FRAME_SECONDS, RATE, WARMUP_FRAMES};

fn main() {
    let mut frames = 600;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (
            arg.as_str(),
            args.next().and_then(|v| v.parse::<usize>().ok()),
        ) {
            ("--frames", Some(n)) if n > 0 => frames = n,
            _ => {
                eprintln!("usage: mix_bench [--frames N]");
                std::process::exit(2);
            }
        }
    }
    let mut bench = MixBench::new();
    for _ in 0..WARMUP_FRAMES {
        bench.frame();
    }
    let mut times = Vec::with_capacity(frames);
    let mut voices = 0;
    let mut peak = 0.0f32;
    for _ in 0..frames {
        let t0 = Instant::now();
        bench.frame();
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        voices = voices.max(bench.playing());
        peak = peak.max(bench.peak());
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    };
    let p90 = times[((0.9 * n as f64).ceil() as usize).clamp(1, n) - 1];
    println!(
        "Mixer benchmark, native ({}), {frames} frames of {:.1} ms at {RATE} Hz \
         after {WARMUP_FRAMES} warm-up",
        std::env::consts::ARCH,
        FRAME_SECONDS * 1000.0
    );
    println!(
        "ms per frame: median {median:.4}, p90 {p90:.4} \
         (up to {voices} playbacks at once, peak {peak:.3})"
    );
}
