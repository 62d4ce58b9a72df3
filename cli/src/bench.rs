//! `starling bench`: the shared benchmark programs (shared/bench/gen_sb3.py), written as
//! Starling text in `bench/`, timed natively and compared with scratch-vm.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use starling_compiler::compile_text;

use crate::run::{run_program, Limit, RunOptions};

/// One benchmark program.
#[derive(Debug, Clone, Copy)]
pub struct Bench {
    pub name: &'static str,
    pub source: &'static str,
    /// What the sprite must say (shared/bench/sb3/expected.json).
    pub expected: &'static str,
    /// scratch-vm 15's time in "step" mode (no timers, turbo on, `runtime._step()` back to back),
    /// best of 3, in seconds.
    pub scratch_vm15_step_s: f64,
}

// The scratch-vm 15 reference times come from shared/bench/results_table.md (the "vm15"
// column, third number = step mode). They were measured with Node 20 on another machine, not on
// the one running this command, so the speed-up column is only a rough guide.
pub const BENCHES: &[Bench] = &[
    Bench {
        name: "loop",
        source: include_str!("../../bench/loop.sb.txt"),
        expected: "1000000",
        scratch_vm15_step_s: 0.323,
    },
    Bench {
        name: "primes",
        source: include_str!("../../bench/primes.sb.txt"),
        expected: "2262",
        scratch_vm15_step_s: 0.447,
    },
    Bench {
        name: "list",
        source: include_str!("../../bench/list.sb.txt"),
        expected: "5000050000",
        scratch_vm15_step_s: 0.162,
    },
    Bench {
        name: "strings",
        source: include_str!("../../bench/strings.sb.txt"),
        expected: "10000 385",
        scratch_vm15_step_s: 0.019,
    },
    Bench {
        name: "fib",
        source: include_str!("../../bench/fib.sb.txt"),
        expected: "6765",
        scratch_vm15_step_s: 0.044,
    },
    Bench {
        name: "loop_nowarp",
        source: include_str!("../../bench/loop_nowarp.sb.txt"),
        expected: "100000",
        scratch_vm15_step_s: 0.049,
    },
    Bench {
        name: "frames",
        source: include_str!("../../bench/frames.sb.txt"),
        expected: "60",
        scratch_vm15_step_s: 0.001,
    },
];

/// The result of one benchmark.
#[derive(Debug, Clone)]
pub struct BenchResult {
    pub name: &'static str,
    /// Best run time (VM creation, green flag, frames until done), or None if it did not compile.
    pub best: Option<Duration>,
    pub compile: Option<Duration>,
    /// What Sprite1 said last.
    pub said: String,
    pub ok: bool,
}

/// The options a benchmark runs with: turbo, as scratch-vm's step mode, and no time limit
/// short enough to cut a benchmark off.
pub fn bench_options() -> RunOptions {
    RunOptions {
        limit: Limit::Seconds(3600.0),
        turbo: true,
        ..RunOptions::default()
    }
}

/// Compiles and runs one benchmark `reps` times.
pub fn run_bench(bench: &Bench, reps: u32) -> BenchResult {
    let t0 = Instant::now();
    let compiled = compile_text(bench.source);
    let compile = t0.elapsed();
    let Some(program) = compiled
        .program
        .filter(|_| !compiled.diagnostics.iter().any(|d| d.is_error()))
    else {
        return BenchResult {
            name: bench.name,
            best: None,
            compile: None,
            said: String::new(),
            ok: false,
        };
    };
    let options = bench_options();
    let mut best = Duration::MAX;
    let mut said = String::new();
    for _ in 0..reps.max(1) {
        let program = program.clone();
        let mut out = Vec::new();
        let mut err = io::sink();
        let t = Instant::now();
        let result = run_program(program, &options, &mut out, &mut err);
        let took = t.elapsed();
        best = best.min(took);
        said = match result {
            Ok(_) => last_said(&out),
            Err(_) => String::new(),
        };
    }
    let ok = said == bench.expected;
    BenchResult {
        name: bench.name,
        best: Some(best),
        compile: Some(compile),
        said,
        ok,
    }
}

/// The text of the last `Sprite: text` line a run printed (what a benchmark answers).
pub fn last_said(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .lines()
        .last()
        .map(|l| l.split_once(": ").map_or(l, |(_, t)| t).to_string())
        .unwrap_or_default()
}

/// Writes the table of results (Markdown, so it can be pasted into the README).
pub fn write_table(w: &mut dyn Write, results: &[BenchResult]) -> io::Result<()> {
    writeln!(
        w,
        "| program | Starling native ms (best) | compile ms | scratch-vm 15 step s | speed-up | answer |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|---|")?;
    for (r, b) in results.iter().zip(BENCHES) {
        let (ms, speedup) = match r.best {
            Some(d) => {
                let ms = d.as_secs_f64() * 1000.0;
                let s = b.scratch_vm15_step_s / d.as_secs_f64().max(1e-9);
                (format!("{ms:.2}"), format!("{s:.0}×"))
            }
            None => ("-".to_string(), "-".to_string()),
        };
        let compile = r.compile.map_or("-".to_string(), |d| {
            format!("{:.2}", d.as_secs_f64() * 1000.0)
        });
        let answer = if r.ok {
            format!("ok ({})", r.said)
        } else {
            format!("WRONG ({:?})", r.said)
        };
        writeln!(
            w,
            "| {} | {ms} | {compile} | {:.3} | {speedup} | {answer} |",
            r.name, b.scratch_vm15_step_s
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::last_said;

    #[test]
    fn the_answer_is_the_text_of_the_last_bubble() {
        assert_eq!(last_said(b"Sprite1: 1\nSprite1: 10000 385\n"), "10000 385");
        assert_eq!(last_said(b"Cat: a: b\n"), "a: b");
        assert_eq!(last_said(b""), "");
    }
}
