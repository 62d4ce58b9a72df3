//! The one integration-test binary: every data-driven case in `tests/data/` and every program in
//! `examples/`. See `lib.rs` for the layout; `STARLING_BLESS=1 cargo test -p starling-tests`
//! rewrites the expectations.

// Scratch's own conformance projects and the shared benchmark .sb3 files (tests/fixtures).
mod conformance;
mod convert;
// Pictures of the stage (`starling run --screenshot`) against expected PNGs.
mod golden;
// Sound (`starling run --audio`): the WAV files measured against `.checks` files.
mod audio;

use starling_compiler::{compile_text, Lang};
use starling_tests::*;

#[test]
fn parse_ok() {
    let mut outcomes = Vec::new();
    for (name, path) in cases(&data_dir().join("parse/ok"), ".sb.txt") {
        let src = read(&path);
        let compiled = compile_text(&src);
        let result = if compiled.has_errors() {
            Err(format!(
                "unexpected errors:\n{}",
                plain_diagnostics(&compiled.diagnostics, Lang::En)
            ))
        } else {
            let mut actual = dump_project(&compiled.project, &src);
            // Warnings are part of the expectation.
            for d in &compiled.diagnostics {
                actual.push_str(&format!("{}\n", d.to_plain(Lang::En)));
            }
            check_file(&sibling(&path, ".ir"), &actual)
        };
        outcomes.push(Outcome {
            name: format!("parse/ok/{name}"),
            result,
        });
    }
    finish("parse/ok/", outcomes);
}

#[test]
fn parse_err() {
    let mut outcomes = Vec::new();
    for (name, path) in cases(&data_dir().join("parse/err"), ".sb.txt") {
        let src = read(&path);
        let compiled = compile_text(&src);
        let result = if !compiled.has_errors() {
            Err("expected at least one error, got none".to_string())
        } else {
            let en = check_file(
                &sibling(&path, ".diag"),
                &plain_diagnostics(&compiled.diagnostics, Lang::En),
            );
            let zh_path = sibling(&path, ".diag.zh");
            let zh = if zh_path.exists() {
                check_file(
                    &zh_path,
                    &plain_diagnostics(&compiled.diagnostics, Lang::ZhCn),
                )
            } else {
                Ok(())
            };
            match (en, zh) {
                (Ok(()), Ok(())) => Ok(()),
                (a, b) => Err([a.err(), b.err()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n")),
            }
        };
        outcomes.push(Outcome {
            name: format!("parse/err/{name}"),
            result,
        });
    }
    finish("parse/err/", outcomes);
}

#[test]
fn compile() {
    let mut outcomes = Vec::new();
    for (name, path) in cases(&data_dir().join("compile"), ".sb.txt") {
        let src = read(&path);
        let compiled = compile_text(&src);
        let result = match compiled.program {
            Some(p) if !compiled.has_errors() => {
                check_file(&sibling(&path, ".disasm"), &p.disassemble())
            }
            _ => Err(format!(
                "did not compile:\n{}",
                plain_diagnostics(&compiled.diagnostics, Lang::En)
            )),
        };
        outcomes.push(Outcome {
            name: format!("compile/{name}"),
            result,
        });
    }
    finish("compile/", outcomes);
}

/// Runs one program with its `.args` and compares stdout with `.expected` (and stderr with
/// `.stderr` when that file exists).
fn run_case(path: &std::path::Path) -> Result<String, String> {
    let src = read(path);
    let args = read_opt(&sibling(path, ".args"))
        .map(|a| split_args(&a))
        .unwrap_or_default();
    let options = run_options(&args).map_err(|e| format!("bad .args: {e}"))?;
    // Costume files are named relative to the program's folder, as `starling run` reads them.
    let folder = path.parent().unwrap_or(std::path::Path::new("."));
    let out = run_source_in(&src, folder, &options);
    let mut problems = Vec::new();
    if let Err(e) = check_file(&sibling(path, ".expected"), &out.stdout) {
        problems.push(e);
        if !out.stderr.is_empty() {
            problems.push(format!("stderr was:\n{}", out.stderr));
        }
    }
    let stderr_path = sibling(path, ".stderr");
    if stderr_path.exists() {
        if let Err(e) = check_file(&stderr_path, &out.stderr) {
            problems.push(e);
        }
    }
    if problems.is_empty() {
        Ok(out.stdout)
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn run() {
    let mut outcomes = Vec::new();
    for (name, path) in cases(&data_dir().join("run"), ".sb.txt") {
        outcomes.push(Outcome {
            name: format!("run/{name}"),
            result: run_case(&path).map(|_| ()),
        });
    }
    finish("run/", outcomes);
}

#[test]
fn values() {
    let mut outcomes = Vec::new();
    for (file, path) in cases(&data_dir().join("values"), ".txt") {
        let text = read(&path);
        let table = parse_values(&text);
        let mut blessed_lines: Vec<String> = text.lines().map(str::to_string).collect();
        for case in &table {
            let actual = run_value(&case.expr, 0);
            let name = format!("values/{file}: {}", case.expr);
            let result = if actual == case.expected {
                Ok(())
            } else {
                if bless() {
                    blessed_lines[case.line - 1] =
                        format!("{} => {}", case.expr, quote_if_needed(&actual));
                }
                Err(format!(
                    "{}:{}: {}\n  expected: {}\n  actual:   {}",
                    path.display(),
                    case.line,
                    case.expr,
                    quote_if_needed(&case.expected),
                    quote_if_needed(&actual)
                ))
            };
            outcomes.push(Outcome { name, result });
        }
        if bless() {
            let mut new = blessed_lines.join("\n");
            new.push('\n');
            if new != text {
                std::fs::write(&path, new).expect("write values table");
            }
        }
    }
    if bless() {
        return;
    }
    finish("values/", outcomes);
}

#[test]
fn cli() {
    let mut outcomes = Vec::new();
    let dir = data_dir().join("cli");
    for (name, path) in cases(&dir, ".cmd") {
        let args = split_args(&read(&path));
        // Paths in a .cmd file are relative to tests/data/cli.
        let args: Vec<String> = args
            .into_iter()
            .map(|a| {
                if a.starts_with("inputs/") {
                    dir.join(&a).to_string_lossy().into_owned()
                } else {
                    a
                }
            })
            .collect();
        let (code, stdout, stderr) = run_cli(&args);
        // The absolute path of the test data is not part of the expectation.
        let prefix = format!("{}/", dir.to_string_lossy());
        let actual =
            format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}").replace(&prefix, "");
        let result = check_file(&path.with_extension("out"), &actual);
        outcomes.push(Outcome {
            name: format!("cli/{name}"),
            result,
        });
    }
    finish("cli/", outcomes);
}

#[test]
fn examples() {
    let mut outcomes = Vec::new();
    let all = cases(&examples_dir(), ".sb.txt");
    assert!(
        all.len() >= 10,
        "expected at least 10 examples, found {}",
        all.len()
    );
    let mut outputs = std::collections::BTreeMap::new();
    for (name, path) in &all {
        let result = run_case(path).map(|stdout| {
            outputs.insert(name.clone(), stdout);
        });
        outcomes.push(Outcome {
            name: format!("examples/{name}"),
            result,
        });
    }
    // Programs written twice, in Chinese (`NAME_zh`) and English (`NAME_en`), say the same.
    let mut n_twins = 0;
    for (name, _) in &all {
        let Some(base) = name.strip_suffix("_zh") else {
            continue;
        };
        let en_name = format!("{base}_en");
        n_twins += 1;
        let result = match (outputs.get(name), outputs.get(&en_name)) {
            (Some(zh), Some(en)) if zh == en => Ok(()),
            (Some(zh), Some(en)) => Err(format!("{name} and {en_name} differ:\n{}", diff(en, zh))),
            _ => Err(format!("{name} or {en_name} is missing or failed")),
        };
        outcomes.push(Outcome {
            name: format!("examples/twins/{base}"),
            result,
        });
    }
    assert!(n_twins >= 1, "expected a Chinese/English pair of examples");
    finish("examples/", outcomes);
}

/// The benchmark programs compile and give shared/bench/sb3/expected.json's answers (timed
/// only by `starling bench`).
#[test]
fn bench_programs() {
    let mut outcomes = Vec::new();
    for b in starling_cli::bench::BENCHES {
        let r = starling_cli::bench::run_bench(b, 1);
        let result = if r.ok {
            Ok(())
        } else if r.best.is_none() {
            Err("does not compile".to_string())
        } else {
            Err(format!("said {:?}, expected {:?}", r.said, b.expected))
        };
        outcomes.push(Outcome {
            name: format!("bench/{}", b.name),
            result,
        });
    }
    finish("bench/", outcomes);
}
