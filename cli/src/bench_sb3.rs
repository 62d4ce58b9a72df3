//! `starling bench --sb3 DIR [--peers BENCH_DIR]`: Scratch 3 projects timed in Starling and,
//! in the same run on the same machine, in the JavaScript Scratch engines.
//!
//! DIR holds `NAME.sb3` files and `expected.json` (`{"NAME": "what it says"}`), as
//! shared/bench/sb3 does. With `--peers`, BENCH_DIR is shared/bench: its `run_bench.js` runs
//! each project in scratch-vm 15 and TurboWarp (installed by its `setup.sh`) in "step" mode —
//! engine time only, turbo, frames back to back — which is what Starling's time measures too.

use std::io::{self, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use starling_compiler::compile_sb3;

use crate::bench::{bench_options, last_said};
use crate::run::run_program;

/// Runs every project of `dir` and writes a Markdown table; false if any answer was wrong.
pub fn run(
    dir: &str,
    peers: Option<&str>,
    reps: u32,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<bool> {
    let dir = Path::new(dir);
    let expected: serde_json::Map<String, serde_json::Value> =
        match std::fs::read_to_string(dir.join("expected.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
        {
            Some(map) => map,
            None => {
                writeln!(err, "{}: no readable expected.json", dir.display())?;
                return Ok(false);
            }
        };
    writeln!(
        out,
        "| project | Starling load ms | Starling run ms | scratch-vm 15 ms | TurboWarp ms | vs scratch-vm | vs TurboWarp | answer |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|")?;
    let mut all_ok = true;
    for (name, want) in &expected {
        let want = want
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| want.to_string());
        let file = dir.join(format!("{name}.sb3"));
        let Ok(bytes) = std::fs::read(&file) else {
            writeln!(err, "{}: cannot read", file.display())?;
            all_ok = false;
            continue;
        };
        let t0 = Instant::now();
        let (compiled, _assets) = compile_sb3(&bytes);
        let load = t0.elapsed();
        let has_errors = compiled.has_errors();
        let Some(program) = compiled.program.filter(|_| !has_errors) else {
            writeln!(err, "{}: did not load", file.display())?;
            all_ok = false;
            continue;
        };
        let mut best = Duration::MAX;
        let mut said = String::new();
        for _ in 0..reps.max(1) {
            let mut text = Vec::new();
            let t = Instant::now();
            run_program(
                program.clone(),
                &bench_options(),
                &mut text,
                &mut io::sink(),
            )?;
            best = best.min(t.elapsed());
            said = last_said(&text);
        }
        let ok = said == want;
        all_ok &= ok;
        let ms = best.as_secs_f64() * 1000.0;
        let (vm15, tw) = match peers {
            Some(p) => (
                peer_ms(p, "vm15", &file, reps),
                peer_ms(p, "tw", &file, reps),
            ),
            None => (None, None),
        };
        let show = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.1}"));
        let ratio =
            |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.1}×", v / ms.max(1e-6)));
        let answer = if ok {
            format!("ok ({said})")
        } else {
            format!("WRONG ({said:?}, want {want:?})")
        };
        writeln!(
            out,
            "| {name} | {:.2} | {ms:.2} | {} | {} | {} | {} | {answer} |",
            load.as_secs_f64() * 1000.0,
            show(vm15),
            show(tw),
            ratio(vm15),
            ratio(tw),
        )?;
    }
    Ok(all_ok)
}

/// Best run time in ms of `file` in a JavaScript engine, from run_bench.js's summary line; None
/// when node or the engine is not there.
fn peer_ms(bench_dir: &str, engine: &str, file: &Path, reps: u32) -> Option<f64> {
    let output = Command::new("node")
        .arg(Path::new(bench_dir).join("run_bench.js"))
        .args([engine, "step"])
        .arg(file)
        .arg(reps.max(1).to_string())
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("summary").and_then(|s| s.as_bool()) == Some(true))
        .and_then(|v| v.get("best_s").and_then(|b| b.as_f64()))
        .map(|s| s * 1000.0)
}
