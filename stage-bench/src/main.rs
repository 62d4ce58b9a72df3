//! `cargo run --release -p starling-stage-bench [-- --frames N] [--warmup N] [--scenario I]`:
//! times every scenario natively and prints ms per frame (median and p90), step and render
//! apart. `run_wasm.mjs` prints the same table for the wasm build.

use std::process::ExitCode;
use std::time::Instant;

use starling_stage_bench::{summarize, Bench, Scenario, MEASURED_FRAMES, WARMUP_FRAMES};

fn main() -> ExitCode {
    let mut frames = MEASURED_FRAMES;
    let mut warmup = WARMUP_FRAMES;
    let mut only: Option<Scenario> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let number = value.as_deref().and_then(|v| v.parse::<usize>().ok());
        match (arg.as_str(), number) {
            ("--frames", Some(n)) if n > 0 => frames = n,
            ("--warmup", Some(n)) => warmup = n,
            ("--scenario", Some(n)) if Scenario::from_index(n as i32).is_some() => {
                only = Scenario::from_index(n as i32);
            }
            _ => {
                eprintln!(
                    "usage: starling-stage-bench [--frames N] [--warmup N] [--scenario 0..{}]",
                    Scenario::ALL.len() - 1
                );
                return ExitCode::from(2);
            }
        }
    }

    println!(
        "Stage benchmark, native ({}), {frames} frames after {warmup} warm-up, ms per frame",
        std::env::consts::ARCH
    );
    print_header();
    for scenario in Scenario::ALL {
        if only.is_some_and(|o| o != scenario) {
            continue;
        }
        let mut bench = match Bench::new(scenario) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        for _ in 0..warmup {
            bench.step();
            bench.drain_events();
            bench.render();
        }
        let mut step_ms = Vec::with_capacity(frames);
        let mut render_ms = Vec::with_capacity(frames);
        for _ in 0..frames {
            let t0 = Instant::now();
            bench.step();
            let t1 = Instant::now();
            bench.drain_events();
            let t2 = Instant::now();
            bench.render();
            let t3 = Instant::now();
            step_ms.push((t1 - t0).as_secs_f64() * 1e3);
            render_ms.push((t3 - t2).as_secs_f64() * 1e3);
        }
        let total_ms: Vec<f64> = step_ms.iter().zip(&render_ms).map(|(s, r)| s + r).collect();
        let row = Row {
            name: scenario.name(),
            step: summarize(&step_ms),
            render: summarize(&render_ms),
            total: summarize(&total_ms),
            clones: bench.clone_count(),
            hits_per_frame: bench.touch_hits() / (warmup + frames) as f64,
            drawn: bench.frame_coverage(),
            pen: bench.pen_coverage(),
        };
        row.print();
    }
    ExitCode::SUCCESS
}

struct Row {
    name: &'static str,
    step: starling_stage_bench::Summary,
    render: starling_stage_bench::Summary,
    total: starling_stage_bench::Summary,
    clones: usize,
    hits_per_frame: f64,
    drawn: f64,
    pen: f64,
}

// The same columns as run_wasm.mjs.
fn print_header() {
    println!(
        "{:<24} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>7} {:>6} {:>6}",
        "scenario",
        "step",
        "p90",
        "render",
        "p90",
        "frame",
        "p90",
        "clones",
        "hits/f",
        "drawn",
        "pen"
    );
}

impl Row {
    fn print(&self) {
        println!(
            "{:<24} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>6} {:>7.1} {:>5.1}% {:>5.1}%",
            self.name,
            self.step.median,
            self.step.p90,
            self.render.median,
            self.render.p90,
            self.total.median,
            self.total.p90,
            self.clones,
            self.hits_per_frame,
            self.drawn * 100.0,
            self.pen * 100.0
        );
    }
}
