//! `starling convert`: text → .sb3 → text gives the same text, and an .sb3 → text → .sb3 project
//! says the same things. Runs the real command (the CLI library) on files in a temporary folder.

use starling_tests::*;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("starling-convert-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn convert(input: &std::path::Path, output: &std::path::Path) -> Result<(), String> {
    let args = [
        "convert".to_string(),
        input.display().to_string(),
        output.display().to_string(),
    ];
    let (code, _out, err) = run_cli(&args);
    if code == 0 {
        Ok(())
    } else {
        Err(format!(
            "convert {} {} exited {code}:\n{err}",
            input.display(),
            output.display()
        ))
    }
}

fn said(path: &std::path::Path) -> String {
    let (code, out, err) = run_cli(&["run".to_string(), path.display().to_string()]);
    format!("exit {code}\n{out}{err}")
}

#[test]
fn text_to_sb3_and_back_gives_the_same_text() {
    let dir = temp_dir("text");
    let mut outcomes = Vec::new();
    for (name, path) in cases(&examples_dir(), ".sb.txt") {
        let result = (|| {
            // The first conversion normalises the text (headers, spacing); after that a round
            // trip through .sb3 must change nothing.
            let t1 = dir.join(format!("{name}.1.sb.txt"));
            let sb3 = dir.join(format!("{name}.sb3"));
            let t2 = dir.join(format!("{name}.2.sb.txt"));
            let sb3_from_example = dir.join(format!("{name}.0.sb3"));
            convert(&path, &sb3_from_example)?;
            convert(&sb3_from_example, &t1)?;
            convert(&t1, &sb3)?;
            convert(&sb3, &t2)?;
            let (a, b) = (read(&t1), read(&t2));
            if a != b {
                return Err(format!("text changed in the round trip:\n{}", diff(&a, &b)));
            }
            // And the project still does the same thing (examples without asks).
            if read_opt(&sibling(&path, ".args")).is_none() {
                let (x, y) = (said(&path), said(&sb3));
                if x != y {
                    return Err(format!("the .sb3 behaves differently:\n{}", diff(&x, &y)));
                }
            }
            Ok(())
        })();
        outcomes.push(Outcome {
            name: format!("convert/{name}"),
            result,
        });
    }
    assert!(outcomes.len() >= 10);
    finish("convert/", outcomes);
}

#[test]
fn sb3_to_text_and_back_behaves_the_same() {
    let dir = temp_dir("sb3");
    let mut outcomes = Vec::new();
    for (name, path) in cases(&tests_dir().join("fixtures/sb3/conformance"), ".sb3") {
        let result = (|| {
            let text = dir.join(format!("{name}.sb.txt"));
            let back = dir.join(format!("{name}.sb3"));
            convert(&path, &text)?;
            convert(&text, &back)?;
            let (x, y) = (said(&path), said(&back));
            if x != y {
                return Err(format!(
                    "behaves differently after .sb3 → text → .sb3:\n{}",
                    diff(&x, &y)
                ));
            }
            Ok(())
        })();
        outcomes.push(Outcome {
            name: format!("convert-sb3/{name}"),
            result,
        });
    }
    finish("convert-sb3/", outcomes);
}

/// A text project's costumes turn around the middle of their image; the .sb3 must say where that
/// is, in the image's own pixels (64×64 balls: 32, 32; the 480×360 night sky: 240, 180).
#[test]
fn text_to_sb3_writes_rotation_centres() {
    let dir = temp_dir("centres");
    let mut outcomes = Vec::new();
    for (example, target, costume, want) in [
        ("bouncing_ball", "Ball", "ball-2", (32.0, 32.0)),
        ("starfield", "Stage", "night", (240.0, 180.0)),
        ("starfield", "Star", "star", (20.0, 20.0)),
    ] {
        let result = (|| {
            let sb3 = dir.join(format!("{example}.sb3"));
            convert(&examples_dir().join(format!("{example}.sb.txt")), &sb3)?;
            let bytes = std::fs::read(&sb3).map_err(|e| e.to_string())?;
            let (compiled, _) = starling_compiler::compile_sb3(&bytes);
            let found = compiled
                .project
                .targets
                .iter()
                .filter(|t| t.def.name == target)
                .flat_map(|t| &t.def.costumes)
                .find(|c| c.name == costume)
                .map(|c| c.rotation_center);
            match found {
                Some(Some(c)) if c == want => Ok(()),
                other => Err(format!(
                    "{target}'s costume {costume}: centre {other:?}, want {want:?}"
                )),
            }
        })();
        outcomes.push(Outcome {
            name: format!("convert-centre/{example}/{costume}"),
            result,
        });
    }
    finish("convert-centre/", outcomes);
}
