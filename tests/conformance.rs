//! Scratch's own execute tests (`tests/fixtures/sb3/conformance/*.sb3`, from scratch-vm's
//! test/fixtures/execute) and the shared benchmark projects (`tests/fixtures/sb3/bench/*.sb3`).
//!
//! A conformance fixture tests itself: every say/think is a command — `plan N`, `pass …`,
//! `fail …`, `end`. It passes when it said `end`, no `fail`, and exactly N `pass` if it planned
//! N. Run like scratch-vm's runner (test/integration/execute.js): compatibility mode off (60
//! frames a second), turbo off, green flag, until no thread runs or 5 seconds pass.

use starling_compiler::sb3;
use starling_runtime::{Event, Input, Vm, VmConfig};
use starling_tests::*;

/// Everything the project said, in order, within `seconds` of virtual time at `frame_rate`.
fn run_sb3(bytes: &[u8], frame_rate: f64, seconds: f64) -> Result<Vec<String>, String> {
    let loaded = sb3::load(bytes);
    let Some(project) = loaded.project.as_ref().filter(|_| !loaded.has_errors()) else {
        return Err(format!(
            "did not load:\n{}",
            plain_diagnostics(&loaded.diagnostics, starling_compiler::Lang::En)
        ));
    };
    let (program, diags) = starling_compiler::codegen::generate(project);
    if diags.iter().any(|d| d.is_error()) {
        return Err(format!(
            "did not compile:\n{}",
            plain_diagnostics(&diags, starling_compiler::Lang::En)
        ));
    }
    let mut vm = Vm::new(
        program,
        VmConfig {
            frame_rate,
            ..VmConfig::default()
        },
    );
    vm.green_flag();
    let max_frames = (seconds * frame_rate).ceil() as u64;
    let mut said = Vec::new();
    while vm.is_running() && vm.frames() < max_frames {
        vm.step_frame(&Input::default());
        for event in vm.take_events() {
            if let Event::Bubble { text, .. } = event {
                if !text.is_empty() {
                    said.push(text);
                }
            }
        }
    }
    Ok(said)
}

/// Checks the execute-test protocol on what a fixture said.
fn protocol(said: &[String]) -> Result<(), String> {
    let mut plan = None;
    let mut passes = 0;
    let mut fails = Vec::new();
    let mut ended = false;
    for text in said {
        let lower = text.to_lowercase();
        let mut words = lower.split_whitespace();
        match words.next() {
            Some("plan") => plan = words.next().and_then(|n| n.parse::<usize>().ok()),
            Some("pass") => passes += 1,
            Some("fail") => fails.push(text.clone()),
            Some("end") => ended = true,
            _ => {}
        }
    }
    let mut problems = Vec::new();
    if !ended {
        problems.push("it never said `end`".to_string());
    }
    if !fails.is_empty() {
        problems.push(format!("it said {fails:?}"));
    }
    if let Some(n) = plan {
        if n != passes {
            problems.push(format!(
                "it planned {n} passes but said `pass` {passes} times"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\nall it said: {said:?}", problems.join("; ")))
    }
}

#[test]
fn protocol_checker_can_fail() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(protocol(&s(&["plan 1", "pass a", "end"])).is_ok());
    assert!(protocol(&s(&["plan 2", "pass a", "end"])).is_err());
    assert!(protocol(&s(&["pass a", "fail b", "end"])).is_err());
    assert!(protocol(&s(&["pass a"])).is_err());
}

#[test]
fn conformance() {
    let dir = tests_dir().join("fixtures/sb3/conformance");
    let mut outcomes = Vec::new();
    for (name, path) in cases(&dir, ".sb3") {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let result = run_sb3(&bytes, 60.0, 5.0).and_then(|said| protocol(&said));
        outcomes.push(Outcome {
            name: format!("conformance/{name}"),
            result,
        });
    }
    assert!(
        outcomes.len() >= 44,
        "expected the 44 fixtures, found {}",
        outcomes.len()
    );
    finish("conformance/", outcomes);
}

#[test]
fn bench_sb3_answers() {
    let dir = tests_dir().join("fixtures/sb3/bench");
    let expected = [
        ("loop", "1000000"),
        ("primes", "2262"),
        ("list", "5000050000"),
        ("strings", "10000 385"),
        ("fib", "6765"),
        ("loop_nowarp", "100000"),
        ("frames", "60"),
    ];
    let mut outcomes = Vec::new();
    for (name, answer) in expected {
        let bytes = std::fs::read(dir.join(format!("{name}.sb3"))).unwrap_or_default();
        let result = run_sb3(&bytes, 30.0, 60.0).and_then(|said| {
            if said == [answer.to_string()] {
                Ok(())
            } else {
                Err(format!(
                    "expected it to say {answer:?} once, it said {said:?}"
                ))
            }
        });
        outcomes.push(Outcome {
            name: format!("bench-sb3/{name}"),
            result,
        });
    }
    finish("bench-sb3/", outcomes);
}
