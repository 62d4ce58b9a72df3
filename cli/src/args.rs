//! The command line, parsed by hand: a handful of options does not need a dependency.

use starling_compiler::{Lang, Message};

use crate::run::{Limit, PictureSeries, RunOptions, DEFAULT_SECONDS, MAX_SCALE, MIN_SCALE};
use crate::text;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run {
        file: String,
        options: RunOptions,
    },
    Check {
        file: String,
    },
    Disasm {
        file: String,
    },
    /// `bench [--reps N] [--sb3 DIR [--peers BENCH_DIR]]`: the text benchmarks, or the .sb3
    /// projects of DIR (with DIR/expected.json) compared with the JavaScript engines that
    /// shared/bench's `run_bench.js` in BENCH_DIR runs.
    Bench {
        reps: u32,
        sb3_dir: Option<String>,
        peers: Option<String>,
    },
    /// `convert IN OUT`: .sb3 ↔ text (the output's format from its name: `.sb3` or text).
    Convert {
        input: String,
        output: String,
    },
    Help,
    Version,
}

/// A parsed command line: the command and the language of messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    pub command: Command,
    pub lang: Lang,
}

/// A command-line mistake: the message, and the language it should be shown in.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgError {
    pub message: Message,
    pub lang: Lang,
}

/// Parses the arguments after the program name. `default_lang` is used unless `--lang` is given.
pub fn parse(args: &[String], default_lang: Lang) -> Result<Args, ArgError> {
    // `--lang` applies to every message, including mistakes found before it, and may come
    // anywhere (also before the command), so take it out first.
    let mut lang = default_lang;
    let mut rest_args: Vec<String> = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let (name, inline) = split_option(&args[i]);
        if name != "--lang" {
            rest_args.push(args[i].clone());
            i += 1;
            continue;
        }
        let value = match inline {
            Some(v) => Some(v.to_string()),
            None => {
                i += 1;
                args.get(i).cloned()
            }
        };
        match value.as_deref().map(Lang::parse) {
            Some(Some(l)) => lang = l,
            Some(None) => {
                return Err(ArgError {
                    message: text::bad_lang(value.as_deref().unwrap_or("")),
                    lang,
                })
            }
            None => {
                return Err(ArgError {
                    message: text::missing_value("--lang"),
                    lang,
                })
            }
        }
        i += 1;
    }
    let args = &rest_args[..];
    let fail = |message: Message| ArgError { message, lang };

    let Some(cmd) = args.first() else {
        return Ok(Args {
            command: Command::Help,
            lang,
        });
    };
    let rest = &args[1..];
    let mut file: Option<String> = None;
    let mut seconds: Option<f64> = None;
    let mut frames: Option<u64> = None;
    let mut options = RunOptions {
        lang,
        ..RunOptions::default()
    };
    let mut reps: u32 = 3;
    let mut sb3_dir: Option<String> = None;
    let mut peers: Option<String> = None;
    let is_run = cmd == "run";
    let is_bench = cmd == "bench";
    match cmd.as_str() {
        "help" | "--help" | "-h" => {
            return Ok(Args {
                command: Command::Help,
                lang,
            })
        }
        "version" | "--version" | "-V" => {
            return Ok(Args {
                command: Command::Version,
                lang,
            })
        }
        "convert" => {
            let files: Vec<&String> = rest.iter().filter(|a| !a.starts_with("--")).collect();
            if let Some(opt) = rest.iter().find(|a| a.starts_with("--")) {
                return Err(fail(text::unknown_option(opt)));
            }
            return match files.as_slice() {
                [input, output] => Ok(Args {
                    command: Command::Convert {
                        input: input.to_string(),
                        output: output.to_string(),
                    },
                    lang,
                }),
                [] | [_] => Err(fail(text::missing_file("convert"))),
                [_, _, extra, ..] => Err(fail(text::extra_argument(extra))),
            };
        }
        "run" | "check" | "disasm" | "bench" => {}
        other => return Err(fail(text::unknown_command(other))),
    }

    let mut i = 0;
    while i < rest.len() {
        let arg = &rest[i];
        let (name, inline) = split_option(arg);
        // Takes the option's value: `--opt=value` or `--opt value`.
        let value = |i: &mut usize| -> Result<String, ArgError> {
            if let Some(v) = inline {
                return Ok(v.to_string());
            }
            *i += 1;
            rest.get(*i)
                .cloned()
                .ok_or_else(|| fail(text::missing_value(name)))
        };
        match name {
            "--help" | "-h" => {
                return Ok(Args {
                    command: Command::Help,
                    lang,
                })
            }
            "--seconds" if is_run => {
                let v = value(&mut i)?;
                match v.trim().parse::<f64>() {
                    Ok(s) if s >= 0.0 && s.is_finite() => seconds = Some(s),
                    _ => return Err(fail(text::bad_number(name, &v))),
                }
            }
            "--frames" if is_run => {
                let v = value(&mut i)?;
                frames = Some(
                    v.trim()
                        .parse()
                        .map_err(|_| fail(text::bad_number(name, &v)))?,
                );
            }
            "--seed" if is_run => {
                let v = value(&mut i)?;
                options.seed = v
                    .trim()
                    .parse()
                    .map_err(|_| fail(text::bad_number(name, &v)))?;
            }
            "--answer" if is_run => options.answers.push(value(&mut i)?),
            "--screenshot" if is_run => options.screenshot = Some(value(&mut i)?),
            "--audio" if is_run => {
                // A file name, not the next option (`--audio --seconds 2` forgot the name).
                let usage = || fail(text::audio_usage());
                let file = value(&mut i).map_err(|_| usage())?;
                if file.is_empty() || file.starts_with('-') {
                    return Err(usage());
                }
                if let Some(ext) = other_sound_format(&file) {
                    return Err(fail(text::audio_not_wav(&file, ext)));
                }
                options.audio = Some(file);
            }
            "--screenshot-every" if is_run => {
                // Two values: the number of frames (possibly `--screenshot-every=N`), then the
                // folder.
                let usage = || fail(text::screenshot_every_usage());
                let n = value(&mut i).map_err(|_| usage())?;
                let every = match n.trim().parse::<u64>() {
                    Ok(n) if n >= 1 => n,
                    _ => return Err(fail(text::bad_number(name, &n))),
                };
                i += 1;
                let dir = match rest.get(i) {
                    Some(d) if !(d.is_empty() || d.starts_with('-') && d.len() > 1) => d.clone(),
                    _ => return Err(usage()),
                };
                options.screenshot_every = Some(PictureSeries { every, dir });
            }
            "--scale" if is_run => {
                let v = value(&mut i)?;
                options.scale = match v.trim().parse::<f32>() {
                    Ok(k) if (MIN_SCALE..=MAX_SCALE).contains(&k) => k,
                    _ => return Err(fail(text::bad_scale(&v))),
                };
            }
            "--turbo" if is_run && inline.is_none() => options.turbo = true,
            "--reps" if is_bench => {
                let v = value(&mut i)?;
                reps = match v.trim().parse::<u32>() {
                    Ok(n) if n >= 1 => n,
                    _ => return Err(fail(text::bad_number(name, &v))),
                };
            }
            "--sb3" if is_bench => sb3_dir = Some(value(&mut i)?),
            "--peers" if is_bench => peers = Some(value(&mut i)?),
            // A lone `-` is not an option; anything else starting with `-` is.
            _ if arg.starts_with('-') && arg.len() > 1 => {
                return Err(fail(text::unknown_option(arg)))
            }
            _ if is_bench => return Err(fail(text::extra_argument(arg))),
            _ => {
                if file.is_some() {
                    return Err(fail(text::extra_argument(arg)));
                }
                file = Some(arg.clone());
            }
        }
        i += 1;
    }

    let command = match cmd.as_str() {
        "bench" => Command::Bench {
            reps,
            sb3_dir,
            peers,
        },
        name => {
            let file = file.ok_or_else(|| fail(text::missing_file(name)))?;
            match name {
                "run" => {
                    options.limit = match (seconds, frames) {
                        (Some(_), Some(_)) => return Err(fail(text::seconds_and_frames())),
                        (_, Some(n)) => Limit::Frames(n),
                        (s, None) => Limit::Seconds(s.unwrap_or(DEFAULT_SECONDS)),
                    };
                    Command::Run { file, options }
                }
                "check" => Command::Check { file },
                _ => Command::Disasm { file },
            }
        }
    };
    Ok(Args { command, lang })
}

/// The extension of `file` when it names a sound format other than WAV (`--audio song.mp3`):
/// Starling writes only WAV, and a file called `.mp3` holding WAV would confuse players.
fn other_sound_format(file: &str) -> Option<&str> {
    const OTHERS: &[&str] = &[
        "mp3", "ogg", "oga", "opus", "flac", "m4a", "aac", "wma", "aif", "aiff",
    ];
    let ext = std::path::Path::new(file).extension()?.to_str()?;
    OTHERS
        .iter()
        .any(|o| o.eq_ignore_ascii_case(ext))
        .then_some(ext)
}

/// Splits `--name=value` into the name and the value.
fn split_option(arg: &str) -> (&str, Option<&str>) {
    if arg.starts_with("--") {
        if let Some((n, v)) = arg.split_once('=') {
            return (n, Some(v));
        }
    }
    (arg, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Args, ArgError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&args, Lang::En)
    }

    #[test]
    fn run_with_every_option() {
        let a = p(&[
            "run", "x.txt", "--seed=3", "--answer", "7", "--answer", "", "--frames", "10",
            "--turbo", "--lang", "zh-CN",
        ])
        .unwrap();
        assert_eq!(a.lang, Lang::ZhCn);
        let Command::Run { file, options } = a.command else {
            panic!()
        };
        assert_eq!(file, "x.txt");
        assert_eq!(options.seed, 3);
        assert_eq!(options.answers, vec!["7".to_string(), String::new()]);
        assert_eq!(options.limit, Limit::Frames(10));
        assert!(options.turbo);
        assert_eq!(options.lang, Lang::ZhCn);
    }

    #[test]
    fn defaults_and_mistakes() {
        let Command::Run { options, .. } = p(&["run", "a"]).unwrap().command else {
            panic!()
        };
        assert_eq!(options.limit, Limit::Seconds(60.0));
        assert_eq!(
            p(&["bench", "--reps", "2"]).unwrap().command,
            Command::Bench {
                reps: 2,
                sb3_dir: None,
                peers: None
            }
        );
        assert_eq!(p(&[]).unwrap().command, Command::Help);
        assert!(p(&["run"]).is_err());
        assert!(p(&["run", "a", "b"]).is_err());
        assert!(p(&["run", "a", "--seconds", "x"]).is_err());
        assert!(p(&["run", "a", "--seconds", "1", "--frames", "2"]).is_err());
        assert!(p(&["run", "a", "--wat"]).is_err());
        assert!(p(&["check", "a", "--seed", "1"]).is_err());
        assert!(p(&["fly"]).is_err());
        assert_eq!(
            p(&["--lang", "zh", "check", "f"]).unwrap().command,
            Command::Check { file: "f".into() }
        );
        let e = p(&["run", "--lang", "zh", "--seed"]).unwrap_err();
        assert_eq!(e.lang, Lang::ZhCn);
        assert!(p(&["run", "a", "--lang", "fr"]).is_err());
    }

    #[test]
    fn screenshots() {
        let Command::Run { options, .. } =
            p(&["run", "a", "--screenshot", "out.png"]).unwrap().command
        else {
            panic!()
        };
        assert_eq!(options.screenshot.as_deref(), Some("out.png"));
        assert_eq!(options.screenshot_every, None);
        assert_eq!(options.scale, 1.0);
        let Command::Run { file, options } = p(&[
            "run",
            "--screenshot-every",
            "5",
            "pics",
            "a",
            "--scale=2",
            "--frames",
            "30",
        ])
        .unwrap()
        .command
        else {
            panic!()
        };
        assert_eq!(file, "a");
        assert_eq!(
            options.screenshot_every,
            Some(PictureSeries {
                every: 5,
                dir: "pics".into()
            })
        );
        assert_eq!(options.scale, 2.0);
        assert_eq!(options.limit, Limit::Frames(30));
        let Command::Run { options, .. } = p(&["run", "a", "--screenshot-every=3", "d"])
            .unwrap()
            .command
        else {
            panic!()
        };
        assert_eq!(
            options.screenshot_every,
            Some(PictureSeries {
                every: 3,
                dir: "d".into()
            })
        );
        // Mistakes.
        assert!(p(&["run", "a", "--screenshot"]).is_err());
        assert!(p(&["run", "a", "--screenshot-every"]).is_err());
        assert!(p(&["run", "a", "--screenshot-every", "5"]).is_err());
        assert!(p(&["run", "a", "--screenshot-every", "0", "d"]).is_err());
        assert!(p(&["run", "a", "--screenshot-every", "x", "d"]).is_err());
        assert!(p(&["run", "a", "--screenshot-every", "5", "--seconds", "2"]).is_err());
        assert!(p(&["run", "a", "--scale", "0"]).is_err());
        assert!(p(&["run", "a", "--scale", "9"]).is_err());
        assert!(p(&["run", "a", "--scale", "NaN"]).is_err());
        assert!(p(&["check", "a", "--screenshot", "x.png"]).is_err());
        let e = p(&["run", "a", "--scale", "big", "--lang", "zh-CN"]).unwrap_err();
        assert!(e.message.get(Lang::ZhCn).contains("0.25"));
        assert_eq!(e.lang, Lang::ZhCn);
    }

    #[test]
    fn audio() {
        let Command::Run { options, .. } = p(&["run", "a", "--audio", "out.wav"]).unwrap().command
        else {
            panic!()
        };
        assert_eq!(options.audio.as_deref(), Some("out.wav"));
        let Command::Run { options, .. } = p(&["run", "a", "--audio=b.wav"]).unwrap().command
        else {
            panic!()
        };
        assert_eq!(options.audio.as_deref(), Some("b.wav"));
        let Command::Run { options, .. } = p(&["run", "a"]).unwrap().command else {
            panic!()
        };
        assert_eq!(options.audio, None);
        // Mistakes.
        assert!(p(&["run", "a", "--audio"]).is_err());
        assert!(p(&["run", "a", "--audio="]).is_err());
        assert!(p(&["run", "a", "--audio=-"]).is_err());
        assert!(p(&["run", "a", "--audio", "--seconds", "2"]).is_err());
        assert!(p(&["check", "a", "--audio", "x.wav"]).is_err());
        let e = p(&["run", "a", "--audio", "song.MP3"]).unwrap_err();
        assert!(e.message.get(Lang::En).contains("WAV"), "{:?}", e.message);
        let e = p(&["run", "a", "--audio", "--lang", "zh-CN"]).unwrap_err();
        assert!(e.message.get(Lang::ZhCn).contains("--audio"));
        assert_eq!(e.lang, Lang::ZhCn);
    }
}
