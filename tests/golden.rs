//! Golden images: pictures of the stage, made exactly as `starling run FILE --screenshot OUT.png`
//! makes them, compared with expected PNGs.
//!
//! Cases:
//!
//! - `tests/data/stage/NAME.sb.txt` (+ `NAME.args`, more `starling run` options such as
//!   `--seconds 2`; costume files in `tests/data/stage/assets/`) → `NAME.png`.
//! - Every `examples/NAME.sb.txt` that has an `examples/NAME.png` (+ its `NAME.args`); the
//!   visual examples in [`VISUAL_EXAMPLES`] must have one.
//!
//! Each case runs the real command line through the CLI library ([`run_cli`]):
//! `run FILE ARGS… --screenshot TEMP.png`, which must exit with 0 and print nothing on stderr (a
//! costume that does not load would show there). The picture is then compared with the
//! expected one, pixel by pixel:
//!
//! **Tolerance**: a pixel differs when one of its channels (red, green, blue, alpha; 0…255)
//! differs by more than [`MAX_CHANNEL_DIFF`] (10); a picture matches when at most
//! [`MAX_DIFFERENT_FRACTION`] (0.1%: 172 of the 172,800 pixels of a 480×360 stage) of its
//! pixels differ. Small rounding differences (anti-aliasing of an edge, a colour off by a few
//! counts from another compiler's float code) pass; a sprite one pixel off, a missing line, a
//! wrong colour or a wrong effect changes thousands of pixels and fails.
//!
//! `STARLING_BLESS=1` writes the new picture as `NAME.png` where it is missing or does not
//! match (a matching picture is left alone, so blessing does not churn files). A failing case
//! writes `NAME.actual.png` (what was drawn) and `NAME.diff.png` (the expected picture faded to
//! grey, with the pixels that differ in red, and those within the tolerance in yellow) beside
//! the expected picture; they are ignored by git. Known failures use the names `stage/NAME` and
//! `examples-stage/NAME` in `tests/known_failures.txt`.

use std::path::{Path, PathBuf};

use starling_render::Pixmap;
use starling_tests::*;

/// The largest difference in one channel (out of 255) that still counts as the same pixel.
pub const MAX_CHANNEL_DIFF: u8 = 10;

/// The largest share of pixels that may differ by more than [`MAX_CHANNEL_DIFF`].
pub const MAX_DIFFERENT_FRACTION: f64 = 0.001;

/// Examples that draw on the stage: each must have a golden picture (`examples/NAME.png`).
const VISUAL_EXAMPLES: &[&str] = &["spiral", "bouncing_ball", "starfield"];

#[test]
fn stage_pictures() {
    let dir = data_dir().join("stage");
    let all = cases(&dir, ".sb.txt");
    assert!(!all.is_empty(), "no cases in {}", dir.display());
    let outcomes = all
        .iter()
        .map(|(name, path)| Outcome {
            name: format!("stage/{name}"),
            result: check_picture(path, &sibling(path, ".png")),
        })
        .collect();
    finish("stage/", outcomes);
}

#[test]
fn example_pictures() {
    let mut outcomes = Vec::new();
    for (name, path) in cases(&examples_dir(), ".sb.txt") {
        let png = sibling(&path, ".png");
        // Only the examples that draw have pictures (blessing makes them for those alone).
        if !png.exists() && !VISUAL_EXAMPLES.contains(&name.as_str()) {
            continue;
        }
        outcomes.push(Outcome {
            name: format!("examples-stage/{name}"),
            result: check_picture(&path, &png),
        });
    }
    for name in VISUAL_EXAMPLES {
        if !outcomes
            .iter()
            .any(|o| o.name == format!("examples-stage/{name}"))
        {
            outcomes.push(Outcome {
                name: format!("examples-stage/{name}"),
                result: Err(format!("examples/{name}.sb.txt is missing")),
            });
        }
    }
    finish("examples-stage/", outcomes);
}

/// Runs `program` as `starling run PROGRAM ARGS --screenshot …` and compares the picture with
/// `expected_png` (or writes it, when blessing).
fn check_picture(program: &Path, expected_png: &Path) -> Result<(), String> {
    let actual_png = take_picture(program)?;
    let actual = Pixmap::decode_png(&actual_png)
        .map_err(|e| format!("the screenshot is not a PNG I can read: {e}"))?;
    let actual_path = with_suffix(expected_png, ".actual.png");
    let diff_path = with_suffix(expected_png, ".diff.png");
    let expected = match std::fs::read(expected_png) {
        Ok(bytes) => Some(
            Pixmap::decode_png(&bytes)
                .map_err(|e| format!("{} is not a PNG I can read: {e}", expected_png.display()))?,
        ),
        Err(_) => None,
    };
    let comparison = expected.as_ref().map(|e| compare(e, &actual));
    if comparison.as_ref().is_some_and(Comparison::matches) {
        // Old failure pictures would only mislead.
        let _ = std::fs::remove_file(&actual_path);
        let _ = std::fs::remove_file(&diff_path);
        return Ok(());
    }
    if bless() {
        std::fs::write(expected_png, &actual_png)
            .map_err(|e| format!("cannot write {}: {e}", expected_png.display()))?;
        let _ = std::fs::remove_file(&actual_path);
        let _ = std::fs::remove_file(&diff_path);
        return Ok(());
    }
    std::fs::write(&actual_path, &actual_png)
        .map_err(|e| format!("cannot write {}: {e}", actual_path.display()))?;
    let (Some(expected), Some(comparison)) = (expected, comparison) else {
        return Err(format!(
            "{} does not exist (run with STARLING_BLESS=1 to create it, and look at it before \
             keeping it); the picture drawn is in {}",
            expected_png.display(),
            actual_path.display()
        ));
    };
    if let Some(diff) = diff_picture(&expected, &actual) {
        if let Ok(png) = diff.encode_png() {
            let _ = std::fs::write(&diff_path, png);
        }
    }
    Err(comparison.describe(expected_png, &actual_path, &diff_path))
}

/// The PNG bytes `starling run PROGRAM ARGS --screenshot TEMP.png` writes.
fn take_picture(program: &Path) -> Result<Vec<u8>, String> {
    let args_text = read_opt(&sibling(program, ".args")).unwrap_or_default();
    let stem = program
        .file_name()
        .map(|n| n.to_string_lossy().replace(".sb.txt", ""))
        .unwrap_or_default();
    let parent = program
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = std::env::temp_dir().join(format!(
        "starling-golden-{}-{parent}-{stem}.png",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&temp);
    let mut args = vec!["run".to_string(), program.display().to_string()];
    args.extend(split_args(&args_text));
    args.push("--screenshot".to_string());
    args.push(temp.display().to_string());
    let (code, _stdout, stderr) = run_cli(&args);
    if code != 0 || !stderr.is_empty() {
        let _ = std::fs::remove_file(&temp);
        return Err(format!(
            "`starling {}` exited with {code} and printed on stderr:\n{stderr}",
            args.join(" ")
        ));
    }
    let bytes = std::fs::read(&temp).map_err(|e| format!("no screenshot was written: {e}"));
    let _ = std::fs::remove_file(&temp);
    bytes
}

/// How two pictures differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// (width, height) of both, when they are the same size.
    pub same_size: Option<(u32, u32)>,
    pub expected_size: (u32, u32),
    pub actual_size: (u32, u32),
    /// Pixels with a channel more than [`MAX_CHANNEL_DIFF`] apart.
    pub n_different: usize,
    /// The largest channel difference anywhere.
    pub max_diff: u8,
    /// The smallest rectangle (x0, y0, x1, y1, inclusive, in pixels from the top-left) around
    /// the differing pixels.
    pub region: Option<(u32, u32, u32, u32)>,
}

impl Comparison {
    pub fn matches(&self) -> bool {
        match self.same_size {
            Some((w, h)) => {
                self.n_different as f64 <= (w as f64 * h as f64) * MAX_DIFFERENT_FRACTION
            }
            None => false,
        }
    }

    fn describe(&self, expected: &Path, actual: &Path, diff: &Path) -> String {
        let Some((w, h)) = self.same_size else {
            return format!(
                "the picture is {}×{} but {} is {}×{}; the picture drawn is in {}",
                self.actual_size.0,
                self.actual_size.1,
                expected.display(),
                self.expected_size.0,
                self.expected_size.1,
                actual.display()
            );
        };
        let total = w as usize * h as usize;
        let allowed = (total as f64 * MAX_DIFFERENT_FRACTION).floor() as usize;
        let place = match self.region {
            Some((x0, y0, x1, y1)) => format!(", between ({x0}, {y0}) and ({x1}, {y1})"),
            None => String::new(),
        };
        format!(
            "{} of {total} pixels differ by more than {MAX_CHANNEL_DIFF} in a channel (at most \
             {allowed} may; the largest difference is {}){place}.\n  expected: {}\n  actual:   \
             {}\n  diff:     {} (differences in red)\n  If the new picture is right, bless it \
             with STARLING_BLESS=1 after looking at it.",
            self.n_different,
            self.max_diff,
            expected.display(),
            actual.display(),
            diff.display()
        )
    }
}

/// Compares two pictures channel by channel (premultiplied RGBA, as decoded).
pub fn compare(expected: &Pixmap, actual: &Pixmap) -> Comparison {
    let expected_size = (expected.width(), expected.height());
    let actual_size = (actual.width(), actual.height());
    let mut c = Comparison {
        same_size: None,
        expected_size,
        actual_size,
        n_different: 0,
        max_diff: 0,
        region: None,
    };
    if expected_size != actual_size {
        return c;
    }
    c.same_size = Some(expected_size);
    let width = expected.width() as usize;
    for (i, (e, a)) in expected
        .data()
        .chunks_exact(4)
        .zip(actual.data().chunks_exact(4))
        .enumerate()
    {
        let d = e
            .iter()
            .zip(a)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        c.max_diff = c.max_diff.max(d);
        if d > MAX_CHANNEL_DIFF {
            c.n_different += 1;
            let (x, y) = ((i % width) as u32, (i / width) as u32);
            c.region = Some(match c.region {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
    }
    c
}

/// The expected picture faded to light grey, with pixels that differ beyond the tolerance in
/// red and those that differ within it in yellow. `None` when the sizes differ.
fn diff_picture(expected: &Pixmap, actual: &Pixmap) -> Option<Pixmap> {
    if (expected.width(), expected.height()) != (actual.width(), actual.height()) {
        return None;
    }
    let mut out = Pixmap::new(expected.width(), expected.height())?;
    let pixels = expected
        .data()
        .chunks_exact(4)
        .zip(actual.data().chunks_exact(4));
    for (o, (e, a)) in out.data_mut().chunks_exact_mut(4).zip(pixels) {
        let d = e
            .iter()
            .zip(a)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        let rgb = if d > MAX_CHANNEL_DIFF {
            [255, 0, 0]
        } else if d > 0 {
            [255, 200, 0]
        } else {
            // Premultiplied over white, then faded: light enough for the red to stand out.
            let luma = (u32::from(e[0]) * 3 + u32::from(e[1]) * 6 + u32::from(e[2])) / 10
                + (255 - u32::from(e[3]));
            let g = (170 + luma.min(255) / 3) as u8;
            [g, g, g]
        };
        o.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
    }
    Some(out)
}

/// `dir/NAME.png` → `dir/NAME{suffix}`.
fn with_suffix(png: &Path, suffix: &str) -> PathBuf {
    let name = png
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".png").unwrap_or(&name);
    png.with_file_name(format!("{stem}{suffix}"))
}

#[test]
fn tolerance() {
    let mut a = Pixmap::new(100, 100).expect("pixmap");
    a.data_mut().fill(255);
    let mut b = a.clone();
    assert!(compare(&a, &b).matches());
    // 10 pixels off by a lot: 0.1% of 10,000 pixels is exactly 10, still a match.
    for px in b.data_mut().chunks_exact_mut(4).take(10) {
        px[0] = 0;
    }
    let c = compare(&a, &b);
    assert_eq!(
        (c.n_different, c.max_diff, c.region),
        (10, 255, Some((0, 0, 9, 0)))
    );
    assert!(c.matches());
    // Every pixel off by 10 counts: a match.
    let mut d = a.clone();
    for px in d.data_mut().chunks_exact_mut(4) {
        px[1] -= MAX_CHANNEL_DIFF;
    }
    assert!(compare(&a, &d).matches());
    // One more pixel beyond the tolerance: not a match.
    b.data_mut()[4 * 50] = 200;
    assert!(!compare(&a, &b).matches());
    // Different sizes never match.
    let small = Pixmap::new(10, 10).expect("pixmap");
    assert!(!compare(&a, &small).matches());
    assert!(diff_picture(&a, &small).is_none());
    let diff = diff_picture(&a, &b).expect("same size");
    assert_eq!(&diff.data()[..4], &[255, 0, 0, 255]);
}

/// `--screenshot-every N DIR` writes `DIR/frame-00001.png`, … after frames N, 2N, …, each a
/// picture of the stage at `--scale`, together with `--screenshot`.
#[test]
fn screenshot_every() {
    let dir = std::env::temp_dir().join(format!("starling-every-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let last = dir.join("last.png");
    // A program with a `forever` loop, so it runs until the frame limit.
    let program = examples_dir().join("bouncing_ball.sb.txt");
    let args: Vec<String> = [
        "run",
        &program.display().to_string(),
        "--frames",
        "12",
        "--screenshot-every",
        "5",
        &dir.join("pictures").display().to_string(),
        "--scale",
        "0.5",
        "--screenshot",
        &last.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (code, _, stderr) = run_cli(&args);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let mut names: Vec<String> = std::fs::read_dir(dir.join("pictures"))
        .expect("the folder was made")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["frame-00001.png", "frame-00002.png"]);
    for path in [dir.join("pictures/frame-00001.png"), last] {
        let picture = Pixmap::decode_png(&std::fs::read(&path).expect("written")).expect("a PNG");
        assert_eq!(
            (picture.width(), picture.height()),
            (240, 180),
            "{}",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
