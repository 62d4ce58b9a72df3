//! Sound: programs run exactly as `starling run FILE --audio TEMP.wav` runs them, and the WAV
//! file measured. Nothing is compared byte for byte: each case says what should be heard (a
//! frequency, a loud or silent stretch, where drum hits start, how long it lasts), and the test
//! measures the samples.
//!
//! Cases:
//!
//! - `tests/data/audio/NAME.sb.txt` (+ `NAME.args`, more `starling run` options; sound files
//!   beside it) with `NAME.checks`, and, when they exist, `NAME.expected` (stdout) and
//!   `NAME.stderr`. Without a `.stderr` file, the run must print nothing on stderr.
//! - Every `examples/NAME.sb.txt` that has an `examples/NAME.checks`; the examples in
//!   [`SOUND_EXAMPLES`] must have one. (`test.sh` and the `examples` test check their stdout.)
//!   The sound examples, and the cases in [`SB3_AUDIO_CASES`], are also saved as `.sb3`
//!   (`starling convert`) and run from there, with the same checks: a project's sound files
//!   come from inside it.
//!
//! A `.checks` file has one check per line (`#` starts a comment):
//!
//! ```text
//! duration = 2.0 ±0.05              the file lasts 2 s (within 50 ms)
//! peak_hz 0.1..0.9 = 440 ±3         the strongest frequency from 0.1 s to 0.9 s
//! rms.left 0.1..0.9 > 0.05          root mean square of the left channel
//! rms.right 0.1..0.9 < 0.001        … of the right one
//! rms 1.1..1.9 / rms 0.1..0.9 = 0.5 ±0.03   a ratio of two measures
//! peak 2.0.. < 0.001                the largest sample from 2 s to the end
//! onsets = 0, 0.5, 1.0, 1.5 ±0.01   where sounds start (energy rises), over the whole file
//! start 0.. = 0 ±0.01               the first sample above the silence threshold
//! end 0.. = 0.5 ±0.04               just after the last sample above it
//! silent 1.0..2.0                   every sample below the silence threshold (1/1000)
//! sounding 0.0..1.0                 no 50 ms stretch below 1/100
//! ```
//!
//! A measure is `rms`, `peak`, `peak_hz`, `onsets`, `start`, `end` or `duration`, on the mix
//! of both channels (their mean) or on `.left` / `.right`, over a range of seconds (`A..B`, `A..`
//! to the end, `..` all; a range past the end is cut at the end). Comparisons are `=` (with an
//! optional `±TOL`; `+-` works too), `<` and `>`.
//!
//! Known failures use the names `audio/NAME`, `audio-sb3/NAME`, `examples-audio/NAME` and
//! `examples-audio-sb3/NAME` in `tests/known_failures.txt`. A failing case keeps its WAV (the message says where) to listen
//! to.

use std::path::{Path, PathBuf};

use rustfft::num_complex::Complex;
use rustfft::FftPlanner;
use starling_tests::*;

/// Examples that make sound: each must have an `examples/NAME.checks`.
const SOUND_EXAMPLES: &[&str] = &["song", "sound_effects"];

/// Below this a sample counts as silence (−60 dB of full scale).
const SILENCE: f32 = 0.001;

/// `sounding` wants every stretch of this many seconds to reach [`SOUNDING`].
const SOUNDING_WINDOW: f64 = 0.05;
const SOUNDING: f32 = 0.01;

#[test]
fn audio_cases() {
    let dir = data_dir().join("audio");
    let all = cases(&dir, ".sb.txt");
    assert!(!all.is_empty(), "no cases in {}", dir.display());
    let outcomes = all
        .iter()
        .map(|(name, path)| Outcome {
            name: format!("audio/{name}"),
            result: check_case(path, &sibling(path, ".checks"), true),
        })
        .collect();
    finish("audio/", outcomes);
}

#[test]
fn example_sounds() {
    let mut outcomes = Vec::new();
    for (name, path) in cases(&examples_dir(), ".sb.txt") {
        let checks = sibling(&path, ".checks");
        if !checks.exists() && !SOUND_EXAMPLES.contains(&name.as_str()) {
            continue;
        }
        // The examples' stdout is checked by the `examples` test.
        outcomes.push(Outcome {
            name: format!("examples-audio/{name}"),
            result: check_case(&path, &checks, false),
        });
    }
    for name in SOUND_EXAMPLES {
        if !outcomes
            .iter()
            .any(|o| o.name == format!("examples-audio/{name}"))
        {
            outcomes.push(Outcome {
                name: format!("examples-audio/{name}"),
                result: Err(format!("examples/{name}.sb.txt is missing")),
            });
        }
    }
    finish("examples-audio/", outcomes);
}

/// The sound examples saved as Scratch projects (`starling convert NAME.sb.txt NAME.sb3`) sound
/// the same: their sound files come from inside the .sb3.
#[test]
fn example_sounds_from_sb3() {
    let mut outcomes = Vec::new();
    for name in SOUND_EXAMPLES {
        let source = examples_dir().join(format!("{name}.sb.txt"));
        outcomes.push(Outcome {
            name: format!("examples-audio-sb3/{name}"),
            result: check_as_sb3(&source, false),
        });
    }
    finish("examples-audio-sb3/", outcomes);
}

/// Audio cases saved as .sb3 sound the same from there: sound files of every kind (the OGG file
/// saved as WAV, the rest as they are) and the built-in library's sounds (rendered into WAV
/// files in the project). With `true`, stdout and stderr are checked too (`files` says nothing,
/// and its .sb3, which has the blank costume Scratch requires, gets the note about the stage).
const SB3_AUDIO_CASES: &[(&str, bool)] = &[("files", false), ("library", true)];

#[test]
fn audio_cases_from_sb3() {
    let dir = data_dir().join("audio");
    let outcomes = SB3_AUDIO_CASES
        .iter()
        .map(|(name, with_outputs)| Outcome {
            name: format!("audio-sb3/{name}"),
            result: check_as_sb3(&dir.join(format!("{name}.sb.txt")), *with_outputs),
        })
        .collect();
    finish("audio-sb3/", outcomes);
}

/// Saves `source` as an .sb3 in the temporary folder (`starling convert`), then runs that with
/// the source's `.args` and checks it against the source's `.checks` (and, `with_outputs`, its
/// `.expected` stdout and `.stderr`, as [`check_case`] does).
fn check_as_sb3(source: &Path, with_outputs: bool) -> Result<(), String> {
    let stem = source
        .file_name()
        .map(|n| n.to_string_lossy().replace(".sb.txt", ""))
        .unwrap_or_default();
    let parent = source
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sb3 = std::env::temp_dir().join(format!(
        "starling-audio-{}-{parent}-{stem}.sb3",
        std::process::id()
    ));
    let (code, _, stderr) = run_cli(&[
        "convert".to_string(),
        source.display().to_string(),
        sb3.display().to_string(),
    ]);
    let result = if code != 0 {
        Err(format!("`starling convert` exited with {code}:\n{stderr}"))
    } else {
        let args = read_opt(&sibling(source, ".args")).unwrap_or_default();
        let outputs =
            with_outputs.then(|| (sibling(source, ".expected"), sibling(source, ".stderr")));
        check_recording(&sb3, &args, &sibling(source, ".checks"), outputs)
    };
    let _ = std::fs::remove_file(&sb3);
    result
}

/// The measuring functions themselves, on signals made here.
#[test]
fn measures_measure() {
    let rate = 48_000;
    let n = rate as usize;
    let tone: Vec<f32> = (0..n)
        .map(|i| 0.5 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / rate as f64).sin() as f32)
        .collect();
    let f = peak_hz(&tone, rate).unwrap();
    assert!((f - 440.0).abs() < 0.5, "{f}");
    assert!((rms(&tone) - 0.5 / 2f64.sqrt()).abs() < 1e-3);
    // A piano note has overtones; its fundamental is still the strongest.
    let piano = starling_audio::synth::note(1, 69.0, 0.5, rate);
    let f = peak_hz(&piano.samples[..rate as usize / 2], piano.rate).unwrap();
    assert!((f - 440.0).abs() < 2.0, "{f}");
    // Clicks every 0.25 s after 0.1 s of silence, each a decaying burst.
    let mut clicks = vec![0.0f32; n];
    for k in 0..4 {
        let at = (0.1 + 0.25 * k as f64) * rate as f64;
        for i in 0..4800 {
            clicks[at as usize + i] =
                0.8 * (-(i as f32) / 800.0).exp() * if i % 2 == 0 { 1.0 } else { -1.0 };
        }
    }
    let found = onsets(&clicks, rate);
    assert_eq!(found.len(), 4, "{found:?}");
    for (k, t) in found.iter().enumerate() {
        assert!((t - (0.1 + 0.25 * k as f64)).abs() < 0.006, "{found:?}");
    }
    let c = parse_check("rms 1.1..1.9 / rms.left 0.1.. = 0.5 ±0.03").unwrap();
    assert_eq!(c.op, Op::Eq);
    assert_eq!(c.values, vec![0.5]);
    assert_eq!(c.tolerance, 0.03);
    assert!(parse_check("onsets = 0, 0.5 +-0.01").is_ok());
    assert!(parse_check("silent 1..").is_ok());
    assert!(parse_check("loudness 1.. > 2").is_err());
}

// ------------------------------------------------------------------------------ running

/// Runs `program` (a `.sb.txt` with its `.args`) with `--audio`, then checks its stdout (when
/// `with_outputs`: against `.expected` if it exists, and stderr against `.stderr` or nothing)
/// and the checks file.
fn check_case(program: &Path, checks_path: &Path, with_outputs: bool) -> Result<(), String> {
    let args = read_opt(&sibling(program, ".args")).unwrap_or_default();
    let outputs =
        with_outputs.then(|| (sibling(program, ".expected"), sibling(program, ".stderr")));
    check_recording(program, &args, checks_path, outputs)
}

/// Runs `starling run PROGRAM ARGS… --audio TEMP.wav` and checks the recording against
/// `checks_path`; with `outputs` (the expected stdout and stderr files), checks those too.
fn check_recording(
    program: &Path,
    args: &str,
    checks_path: &Path,
    outputs: Option<(PathBuf, PathBuf)>,
) -> Result<(), String> {
    let checks_text =
        read_opt(checks_path).ok_or_else(|| format!("{} is missing", checks_path.display()))?;
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in checks_text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        match parse_check(t) {
            Ok(c) => checks.push((i + 1, t.to_string(), c)),
            Err(e) => problems.push(format!("{}:{}: {e}", checks_path.display(), i + 1)),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let (wav_path, stdout, stderr) = record(program, args)?;
    if let Some((expected, stderr_path)) = outputs {
        if expected.exists() {
            if let Err(e) = check_file(&expected, &stdout) {
                problems.push(e);
            }
        }
        if stderr_path.exists() {
            if let Err(e) = check_file(&stderr_path, &stderr) {
                problems.push(e);
            }
        } else if !stderr.is_empty() {
            problems.push(format!("the run printed on stderr:\n{stderr}"));
        }
    }
    let wav = match read_wav(&wav_path) {
        Ok(w) => w,
        Err(e) => {
            problems.push(e);
            return Err(problems.join("\n"));
        }
    };
    for (line, text, check) in &checks {
        if let Err(e) = check.run(&wav) {
            problems.push(format!("{}:{line}: {text}: {e}", checks_path.display()));
        }
    }
    if problems.is_empty() {
        let _ = std::fs::remove_file(&wav_path);
        Ok(())
    } else {
        problems.push(format!("the sound is in {}", wav_path.display()));
        Err(problems.join("\n"))
    }
}

/// Runs `starling run PROGRAM ARGS… --audio TEMP.wav`; gives the WAV's path, stdout and
/// stderr. The command must exit with 0.
fn record(program: &Path, args_text: &str) -> Result<(PathBuf, String, String), String> {
    let stem = program
        .file_name()
        .map(|n| n.to_string_lossy().replace(".sb.txt", "").replace('.', "-"))
        .unwrap_or_default();
    let parent = program
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = std::env::temp_dir().join(format!(
        "starling-audio-{}-{parent}-{stem}.wav",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&temp);
    let mut args = vec!["run".to_string(), program.display().to_string()];
    args.extend(split_args(args_text));
    args.push("--audio".to_string());
    args.push(temp.display().to_string());
    let (code, stdout, stderr) = run_cli(&args);
    if code != 0 {
        return Err(format!(
            "`starling {}` exited with {code}; stderr:\n{stderr}",
            args.join(" ")
        ));
    }
    Ok((temp, stdout, stderr))
}

/// A stereo recording.
struct Wav {
    rate: u32,
    left: Vec<f32>,
    right: Vec<f32>,
}

impl Wav {
    fn channel(&self, channel: Channel) -> Vec<f32> {
        match channel {
            Channel::Left => self.left.clone(),
            Channel::Right => self.right.clone(),
            Channel::Mix => self
                .left
                .iter()
                .zip(&self.right)
                .map(|(l, r)| (l + r) / 2.0)
                .collect(),
        }
    }

    fn seconds(&self) -> f64 {
        self.left.len() as f64 / f64::from(self.rate)
    }

    /// Sample indexes of a range of seconds, cut to the recording.
    fn span(&self, range: (f64, f64)) -> std::ops::Range<usize> {
        let to_index =
            |t: f64| ((t.max(0.0) * f64::from(self.rate)).round() as usize).min(self.left.len());
        let (a, b) = (to_index(range.0), to_index(range.1));
        a..b.max(a)
    }
}

/// Reads what `--audio` wrote, with an independent reader (hound), and checks the format the
/// README promises: 48 kHz, two channels, 16-bit PCM.
fn read_wav(path: &Path) -> Result<Wav, String> {
    let mut reader = hound::WavReader::open(path)
        .map_err(|e| format!("{} is not a WAV file I can read: {e}", path.display()))?;
    let spec = reader.spec();
    if spec.channels != 2
        || spec.sample_rate != 48_000
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(format!(
            "{} is {spec:?}, not 48 kHz stereo 16-bit",
            path.display()
        ));
    }
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let to_f32 = |s: &i16| f32::from(*s) / 32768.0;
    Ok(Wav {
        rate: spec.sample_rate,
        left: samples.iter().step_by(2).map(to_f32).collect(),
        right: samples.iter().skip(1).step_by(2).map(to_f32).collect(),
    })
}

// ------------------------------------------------------------------------------ checks

#[derive(Debug, Clone, Copy, PartialEq)]
enum Channel {
    Mix,
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Measure {
    Duration,
    Rms,
    Peak,
    PeakHz,
    Onsets,
    Start,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Term {
    measure: Measure,
    channel: Channel,
    range: (f64, f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Less,
    Greater,
    /// `silent RANGE`.
    Silent,
    /// `sounding RANGE`.
    Sounding,
}

#[derive(Debug, Clone, PartialEq)]
struct Check {
    term: Term,
    /// `TERM / TERM`: a ratio.
    divisor: Option<Term>,
    op: Op,
    values: Vec<f64>,
    tolerance: f64,
}

fn parse_range(word: &str) -> Result<(f64, f64), String> {
    let (a, b) = word
        .split_once("..")
        .ok_or_else(|| format!("“{word}” is not a range of seconds like 0.5..1.5"))?;
    let num = |s: &str, default: f64| -> Result<f64, String> {
        if s.is_empty() {
            Ok(default)
        } else {
            s.parse::<f64>()
                .map_err(|_| format!("“{s}” is not a number of seconds"))
        }
    };
    Ok((num(a, 0.0)?, num(b, f64::INFINITY)?))
}

fn parse_term(words: &[&str]) -> Result<Term, String> {
    let (name, rest) = words.split_first().ok_or("a measure is missing")?;
    let (measure_name, channel) = match name.split_once('.') {
        Some((m, "left")) => (m, Channel::Left),
        Some((m, "right")) => (m, Channel::Right),
        Some((_, c)) => return Err(format!("“{c}” is not a channel (left or right)")),
        None => (*name, Channel::Mix),
    };
    let measure = match measure_name {
        "duration" => Measure::Duration,
        "rms" => Measure::Rms,
        "peak" => Measure::Peak,
        "peak_hz" => Measure::PeakHz,
        "onsets" => Measure::Onsets,
        "start" => Measure::Start,
        "end" => Measure::End,
        other => return Err(format!("“{other}” is not a measure")),
    };
    let range = match rest {
        [] => (0.0, f64::INFINITY),
        [r] => parse_range(r)?,
        _ => return Err(format!("too many words after {name}")),
    };
    Ok(Term {
        measure,
        channel,
        range,
    })
}

fn parse_check(line: &str) -> Result<Check, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if let [kind @ ("silent" | "sounding"), range] = words.as_slice() {
        return Ok(Check {
            term: Term {
                measure: Measure::Peak,
                channel: Channel::Mix,
                range: parse_range(range)?,
            },
            divisor: None,
            op: if *kind == "silent" {
                Op::Silent
            } else {
                Op::Sounding
            },
            values: Vec::new(),
            tolerance: 0.0,
        });
    }
    let op_at = words
        .iter()
        .position(|w| matches!(*w, "=" | "<" | ">"))
        .ok_or("no comparison (=, < or >)")?;
    let op = match words[op_at] {
        "=" => Op::Eq,
        "<" => Op::Less,
        _ => Op::Greater,
    };
    let lhs = &words[..op_at];
    let (term, divisor) = match lhs.iter().position(|w| *w == "/") {
        Some(slash) => (
            parse_term(&lhs[..slash])?,
            Some(parse_term(&lhs[slash + 1..])?),
        ),
        None => (parse_term(lhs)?, None),
    };
    let rhs = words[op_at + 1..].join(" ").replace("+-", "±");
    let (values_text, tolerance) = match rhs.split_once('±') {
        Some((v, t)) => (
            v.to_string(),
            t.trim()
                .parse::<f64>()
                .map_err(|_| format!("“{t}” is not a tolerance"))?,
        ),
        None => (rhs.clone(), 0.0),
    };
    let values = values_text
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty() || term.measure != Measure::Onsets)
        .map(|v| {
            v.parse::<f64>()
                .map_err(|_| format!("“{v}” is not a number"))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    if values.len() != 1 && term.measure != Measure::Onsets {
        return Err("one number expected after the comparison".to_string());
    }
    if term.measure == Measure::Onsets && (op != Op::Eq || divisor.is_some()) {
        return Err("onsets can only be compared with = to a list of times".to_string());
    }
    Ok(Check {
        term,
        divisor,
        op,
        values,
        tolerance,
    })
}

impl Check {
    fn run(&self, wav: &Wav) -> Result<(), String> {
        match self.op {
            Op::Silent | Op::Sounding => return self.run_silence(wav),
            _ => {}
        }
        if self.term.measure == Measure::Onsets {
            // Found on the whole recording, so the start of a range is not taken for an onset.
            let samples = wav.channel(self.term.channel);
            let (from, to) = self.term.range;
            let found: Vec<f64> = onsets(&samples, wav.rate)
                .into_iter()
                .filter(|t| (from..to).contains(t))
                .collect();
            let shown = found
                .iter()
                .map(|t| format!("{t:.3}"))
                .collect::<Vec<_>>()
                .join(", ");
            let ok = found.len() == self.values.len()
                && found
                    .iter()
                    .zip(&self.values)
                    .all(|(f, v)| (f - v).abs() <= self.tolerance + 1e-9);
            return if ok {
                Ok(())
            } else {
                Err(format!("the onsets are {shown}"))
            };
        }
        let mut value = measure(wav, &self.term)?;
        if let Some(d) = &self.divisor {
            let below = measure(wav, d)?;
            if below == 0.0 {
                return Err(format!("the divisor is 0 (the numerator is {value:.5})"));
            }
            value /= below;
        }
        let want = self.values[0];
        let ok = match self.op {
            Op::Eq => (value - want).abs() <= self.tolerance + 1e-9,
            Op::Less => value < want,
            Op::Greater => value > want,
            Op::Silent | Op::Sounding => unreachable!(),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("measured {value:.5}"))
        }
    }

    fn run_silence(&self, wav: &Wav) -> Result<(), String> {
        let samples = wav.channel(self.term.channel);
        let span = wav.span(self.term.range);
        let start = span.start;
        let part = &samples[span];
        if part.is_empty() {
            return Err(format!(
                "the range is past the end ({:.3} s)",
                wav.seconds()
            ));
        }
        let rate = f64::from(wav.rate);
        if self.op == Op::Silent {
            match part.iter().position(|s| s.abs() >= SILENCE) {
                None => Ok(()),
                Some(i) => Err(format!(
                    "there is sound at {:.3} s (a sample of {:.4})",
                    (start + i) as f64 / rate,
                    part[i]
                )),
            }
        } else {
            let window = (SOUNDING_WINDOW * rate) as usize;
            for (k, chunk) in part.chunks(window).enumerate() {
                if chunk.len() < window / 2 {
                    break;
                }
                if chunk.iter().all(|s| s.abs() < SOUNDING) {
                    return Err(format!(
                        "it is (nearly) silent at {:.3} s",
                        (start + k * window) as f64 / rate
                    ));
                }
            }
            Ok(())
        }
    }
}

/// One number measured on a recording.
fn measure(wav: &Wav, term: &Term) -> Result<f64, String> {
    if term.measure == Measure::Duration {
        return Ok(wav.seconds());
    }
    let samples = wav.channel(term.channel);
    let span = wav.span(term.range);
    let start = span.start as f64 / f64::from(wav.rate);
    let part = &samples[span];
    if part.is_empty() {
        return Err(format!(
            "the range is past the end ({:.3} s)",
            wav.seconds()
        ));
    }
    let rate = f64::from(wav.rate);
    Ok(match term.measure {
        Measure::Rms => rms(part),
        Measure::Peak => part.iter().fold(0.0f32, |m, s| m.max(s.abs())) as f64,
        Measure::PeakHz => peak_hz(part, wav.rate).ok_or("there is no sound to measure")?,
        Measure::Start => match part.iter().position(|s| s.abs() >= SILENCE) {
            Some(i) => start + i as f64 / rate,
            None => return Err("it is silent".to_string()),
        },
        Measure::End => match part.iter().rposition(|s| s.abs() >= SILENCE) {
            Some(i) => start + (i + 1) as f64 / rate,
            None => return Err("it is silent".to_string()),
        },
        Measure::Duration | Measure::Onsets => unreachable!(),
    })
}

fn rms(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
}

/// The strongest frequency (20 Hz up to 10 kHz) in `samples`: the peak of a Hann-windowed,
/// zero-padded spectrum, refined between bins by a parabola through the log magnitudes.
fn peak_hz(samples: &[f32], rate: u32) -> Option<f64> {
    let n = samples.len();
    if n < 64 {
        return None;
    }
    // Zero-padding to 4× interpolates the spectrum: 0.5 s of sound gives 0.5 Hz bins.
    let size = (4 * n).next_power_of_two().min(1 << 22);
    let mut buffer: Vec<Complex<f64>> = vec![Complex::new(0.0, 0.0); size];
    for (i, s) in samples.iter().take(size).enumerate() {
        let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (n - 1) as f64).cos();
        buffer[i] = Complex::new(f64::from(*s) * w, 0.0);
    }
    FftPlanner::new()
        .plan_fft_forward(size)
        .process(&mut buffer);
    let bin_hz = f64::from(rate) / size as f64;
    let lo = (20.0 / bin_hz).ceil() as usize;
    let hi = ((10_000.0 / bin_hz) as usize).min(size / 2 - 1);
    let magnitude = |k: usize| buffer[k].norm();
    let best = (lo..=hi).max_by(|a, b| magnitude(*a).total_cmp(&magnitude(*b)))?;
    if magnitude(best) < 1e-6 {
        return None;
    }
    let (a, b, c) = (
        magnitude(best - 1).max(1e-12).ln(),
        magnitude(best).ln(),
        magnitude(best + 1).max(1e-12).ln(),
    );
    let denominator = a - 2.0 * b + c;
    let shift = if denominator.abs() > 1e-12 {
        (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Some((best as f64 + shift) * bin_hz)
}

/// Where sounds start, in seconds: the 5 ms stretches whose loudness (root mean square) is
/// above 1/100 and more than twice the loudest of the 30 ms before them, at least 60 ms after
/// the previous onset. A drum hit or a note's attack rises this fast; a note held or a sound
/// fading out does not.
fn onsets(samples: &[f32], rate: u32) -> Vec<f64> {
    let hop = (rate / 200) as usize;
    let loudness: Vec<f64> = samples.chunks(hop).map(rms).collect();
    let before = 6;
    let refractory = 12;
    let mut found = Vec::new();
    let mut last: Option<usize> = None;
    for k in 0..loudness.len() {
        if last.is_some_and(|l| k - l < refractory) {
            continue;
        }
        let previous = loudness[k.saturating_sub(before)..k]
            .iter()
            .fold(0.0f64, |m, x| m.max(*x));
        if loudness[k] > 0.01 && loudness[k] > 2.0 * previous {
            found.push((k * hop) as f64 / f64::from(rate));
            last = Some(k);
        }
    }
    found
}
