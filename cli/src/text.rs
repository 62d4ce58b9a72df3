//! Every message the `starling` command itself prints, in English and Chinese.
//!
//! Diagnostics about a program come from the compiler; these are the command's own words:
//! usage, file problems, notes while running. Keeping them together keeps the tone the same.

use starling_compiler::{Lang, Message};

fn m(en: impl Into<String>, zh: impl Into<String>) -> Message {
    Message::new(en, zh)
}

/// Picks the language: `--lang` when given, else the environment (`LC_ALL`, `LC_MESSAGES`,
/// `LANG` starting with `zh`), else English.
pub fn lang_from_env() -> Lang {
    for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(key) {
            if v.is_empty() {
                continue;
            }
            return if v.to_ascii_lowercase().starts_with("zh") {
                Lang::ZhCn
            } else {
                Lang::En
            };
        }
    }
    Lang::En
}

pub fn usage() -> Message {
    m(
        "\
Starling runs Scratch programs written as text, and Scratch 3 projects (.sb3).

Usage:
  starling run FILE [options]     run a program and print what its sprites say (FILE - reads stdin)
  starling check FILE             look for mistakes without running
  starling disasm FILE            show the bytecode the program compiles to
  starling convert IN OUT         turn an .sb3 project into text or text into .sb3
                                  (OUT ending in .sb3 writes a Scratch project)
  starling bench [--reps N]       run the benchmark programs and check their answers

Options for run:
  --seconds S      stop after S seconds of program time (default 60)
  --frames N       stop after N frames (30 frames are one second)
  --seed N         seed for `pick random` (default 0)
  --answer TEXT    an answer for `ask and wait`; give it once per question
  --turbo          turbo mode: screen updates do not slow loops down
  --screenshot FILE.png
                   when the run stops, save a picture of the stage
  --screenshot-every N DIR
                   save a picture after every N frames: DIR/frame-00001.png, …
                   (at most 1000 pictures)
  --scale K        pictures K times 480×360 pixels (0.25 to 8, default 1)
  --audio FILE.wav
                   save everything the program plays (sounds, notes, drums) as a
                   WAV file, in time with the program's clock
  --lang en|zh-CN  language of messages (also for check)

Examples:
  starling run examples/counter.sb.txt
  starling run examples/times_table_quiz.sb.txt --answer 7 --answer 15 --answer 21
  starling run examples/spiral.sb.txt --screenshot spiral.png
  starling run examples/song.sb.txt --audio song.wav
  starling convert game.sb3 game.sb.txt
",
        "\
Starling 运行用文字写成的 Scratch 程序，也能运行 Scratch 3 作品（.sb3）。

用法：
  starling run 文件 [选项]        运行程序，打印角色说的话（文件写 - 就从标准输入读）
  starling check 文件             只检查错误，不运行
  starling disasm 文件            显示程序编译成的字节码
  starling convert 输入 输出       把 .sb3 作品转成文字，或把文字转成 .sb3
                                  （输出文件名以 .sb3 结尾就写成 Scratch 作品）
  starling bench [--reps N]       运行基准测试程序并检查答案

run 的选项：
  --seconds S      程序时间过了 S 秒就停止（默认 60）
  --frames N       运行 N 帧后停止（30 帧是一秒）
  --seed N         “在……之间取随机数”的种子（默认 0）
  --answer 文字    “询问并等待”的回答；每个问题给一次
  --turbo          加速模式：刷新屏幕不会让循环变慢
  --screenshot 文件.png
                   运行停止时，把舞台存成一张图片
  --screenshot-every N 文件夹
                   每 N 帧存一张舞台图片：文件夹/frame-00001.png, …
                   （最多 1000 张）
  --scale K        图片大小是 480×360 像素的 K 倍（0.25 到 8，默认 1）
  --audio 文件.wav
                   把程序播放的所有声音（声音、音符、鼓声）存成一个 WAV 文件，
                   和程序的时间对齐
  --lang en|zh-CN  提示信息的语言（check 也可以用）

例子：
  starling run examples/counter.sb.txt
  starling run examples/times_table_quiz.sb.txt --answer 7 --answer 15 --answer 21
  starling run examples/spiral.sb.txt --screenshot spiral.png
  starling run examples/song.sb.txt --audio song.wav
  starling convert game.sb3 game.sb.txt
",
    )
}

pub fn unknown_command(cmd: &str) -> Message {
    m(
        format!("I don't know the command “{cmd}”. Try `starling run FILE`, or `starling --help`."),
        format!("我不认识命令“{cmd}”。试试 `starling run 文件`，或者 `starling --help`。"),
    )
}

pub fn unknown_option(opt: &str) -> Message {
    m(
        format!("I don't know the option “{opt}”. `starling --help` lists them."),
        format!("我不认识选项“{opt}”。`starling --help` 会列出所有选项。"),
    )
}

pub fn missing_value(opt: &str) -> Message {
    m(
        format!("The option {opt} needs a value after it."),
        format!("选项 {opt} 后面需要一个值。"),
    )
}

pub fn bad_number(opt: &str, value: &str) -> Message {
    m(
        format!("The option {opt} needs a number, but “{value}” is not one."),
        format!("选项 {opt} 需要一个数字，但“{value}”不是数字。"),
    )
}

pub fn bad_lang(value: &str) -> Message {
    m(
        format!("I don't speak “{value}”. Use --lang en or --lang zh-CN."),
        format!("我不会“{value}”这种语言。请用 --lang en 或 --lang zh-CN。"),
    )
}

pub fn missing_file(cmd: &str) -> Message {
    m(
        format!("Which program? Write the file name after `starling {cmd}`."),
        format!("要运行哪个程序？请在 `starling {cmd}` 后面写上文件名。"),
    )
}

pub fn extra_argument(arg: &str) -> Message {
    m(
        format!("I didn't expect “{arg}” here; give one file name only."),
        format!("这里不应该有“{arg}”；只需要一个文件名。"),
    )
}

pub fn seconds_and_frames() -> Message {
    m(
        "Use --seconds or --frames, not both.",
        "--seconds 和 --frames 只能用一个。",
    )
}

pub fn cannot_write(path: &str, why: &std::io::Error) -> Message {
    m(
        format!("I can't write {path}: {why}."),
        format!("我写不了 {path}：{why}。"),
    )
}

pub fn cannot_make_folder(path: &str, why: &std::io::Error) -> Message {
    m(
        format!("I can't make the folder {path} for the pictures: {why}."),
        format!("我没法建立放图片的文件夹 {path}：{why}。"),
    )
}

pub fn bad_scale(value: &str) -> Message {
    m(
        format!(
            "The option --scale needs a number from 0.25 to 8 (1 makes pictures of 480×360 \
             pixels), but “{value}” is not one."
        ),
        format!(
            "选项 --scale 需要 0.25 到 8 之间的数字（1 是 480×360 像素的图片），但“{value}”不是。"
        ),
    )
}

pub fn screenshot_every_usage() -> Message {
    m(
        "The option --screenshot-every needs a number of frames and a folder, for example \
         `--screenshot-every 10 pictures`.",
        "选项 --screenshot-every 需要一个帧数和一个文件夹，比如 `--screenshot-every 10 pictures`。",
    )
}

pub fn too_many_pictures(max: u64, dir: &str) -> Message {
    m(
        format!(
            "note: {dir} now has {max} pictures, the most one run makes, so I stopped making \
             more. The program goes on running. To see a longer run, save a picture every more \
             frames (a bigger N)."
        ),
        format!(
            "注意：{dir} 里已经有 {max} 张图片，这是一次运行最多能存的数量，所以不再存了。\
             程序还在继续运行。想看更长的运行过程，可以隔更多帧存一张（把 N 调大）。"
        ),
    )
}

pub fn see_the_stage() -> Message {
    m(
        "note: the program said nothing, but there is something on the stage. To see it, add \
         --screenshot stage.png (or --screenshot-every 10 pictures for an animation).",
        "注意：程序什么也没说，但舞台上有东西。想看的话，加上 --screenshot stage.png\
         （动画可以用 --screenshot-every 10 pictures）。",
    )
}

/// A costume that is drawn as a placeholder, and why (the renderer's words).
pub fn costume_problem(p: &starling_render::Problem) -> Message {
    let (sprite, costume) = (&p.sprite, &p.costume);
    m(
        format!("warning: {sprite}, costume “{costume}”: {}", p.en),
        format!("警告：{sprite} 的造型“{costume}”：{}", p.zh),
    )
}

pub fn audio_usage() -> Message {
    m(
        "The option --audio needs the name of a file to save the sound in, for example \
         `--audio song.wav`.",
        "选项 --audio 后面要写保存声音的文件名，比如 `--audio song.wav`。",
    )
}

pub fn audio_not_wav(file: &str, ext: &str) -> Message {
    m(
        format!(
            "Starling saves sound as a WAV file, not as .{ext}, so give --audio a name that \
             ends in .wav (for example `--audio song.wav` instead of `{file}`)."
        ),
        format!(
            "Starling 只能把声音存成 WAV 文件，不能存成 .{ext}，所以 --audio 的文件名要以 .wav \
             结尾（比如用 `--audio song.wav`，而不是 `{file}`）。"
        ),
    )
}

pub fn audio_no_folder(file: &str, dir: &str) -> Message {
    m(
        format!(
            "I can't save the sound as {file}: there is no folder “{dir}”. Make the folder \
             first, or choose another place."
        ),
        format!(
            "我没法把声音存成 {file}：没有“{dir}”这个文件夹。请先建好这个文件夹，或者换一个地方。"
        ),
    )
}

pub fn audio_is_folder(file: &str) -> Message {
    m(
        format!(
            "{file} is a folder. Give --audio the name of a file to save the sound in, for \
             example `--audio {}`.",
            std::path::Path::new(file).join("song.wav").display()
        ),
        format!(
            "{file} 是一个文件夹。--audio 后面要写保存声音的文件名，比如 `--audio {}`。",
            std::path::Path::new(file).join("song.wav").display()
        ),
    )
}

pub fn audio_too_long(max_seconds: u32, file: &str) -> Message {
    let minutes = max_seconds / 60;
    m(
        format!(
            "note: {file} holds the first {minutes} minutes of sound, the most one run saves; \
             the program went on without sound."
        ),
        format!("注意：{file} 里存了前 {minutes} 分钟的声音，这是一次运行最多能存的长度；之后程序继续运行，但没有再存声音。"),
    )
}

/// A sound that plays as silence, and why.
pub fn sound_problem(sprite: &str, sound: &str, why: &SoundTrouble<'_>) -> Message {
    let (en, zh) = match why {
        SoundTrouble::NoFile => (
            "it has no sound file, so it is silent.".to_string(),
            "它没有声音文件，所以不会发出声音。".to_string(),
        ),
        SoundTrouble::Missing(file) => (
            format!("its sound file “{file}” is missing, so it is silent."),
            format!("找不到它的声音文件“{file}”，所以它不会发出声音。"),
        ),
        SoundTrouble::TooLarge(file, max_mb) => (
            format!("its sound file “{file}” is larger than {max_mb} MB, so it is silent."),
            format!("它的声音文件“{file}”超过了 {max_mb} MB，所以它不会发出声音。"),
        ),
        SoundTrouble::Broken(p) => (
            format!("{}, so it is silent.", p.en.trim_end_matches('.')),
            format!("{}，所以它不会发出声音。", p.zh.trim_end_matches('。')),
        ),
    };
    m(
        format!("warning: {sprite}, sound “{sound}”: {en}"),
        format!("警告：{sprite} 的声音“{sound}”：{zh}"),
    )
}

/// Why a sound is silent (see [`sound_problem`]).
pub enum SoundTrouble<'a> {
    /// `#sound NAME` without `= FILE`, and no built-in sound of that name.
    NoFile,
    /// The file does not exist or cannot be read.
    Missing(&'a str),
    /// The file is larger than the limit (in MB).
    TooLarge(&'a str, u64),
    /// The decoder's words.
    Broken(&'a starling_audio::Problem),
}

pub fn cannot_read(path: &str, why: &std::io::Error) -> Message {
    let (en_why, zh_why) = match why.kind() {
        std::io::ErrorKind::NotFound => ("there is no such file", "没有这个文件"),
        std::io::ErrorKind::PermissionDenied => ("I am not allowed to read it", "没有读取它的权限"),
        _ if std::path::Path::new(path).is_dir() => ("it is a folder", "它是一个文件夹"),
        _ => ("", ""),
    };
    if en_why.is_empty() {
        m(
            format!("I can't read {path}: {why}."),
            format!("我读不了 {path}：{why}。"),
        )
    } else {
        m(
            format!("I can't read {path}: {en_why}."),
            format!("我读不了 {path}：{zh_why}。"),
        )
    }
}

pub fn not_text(path: &str, line: usize) -> Message {
    m(
        format!(
            "{path} is not a text file I can read (line {line} has bytes that are not UTF-8 \
             text). Save the program as UTF-8 text."
        ),
        format!(
            "{path} 不是我能读的文字文件（第 {line} 行有不是 UTF-8 文字的字节）。\
             请把程序保存成 UTF-8 文字。"
        ),
    )
}

pub fn check_ok(n_scripts: usize, n_warnings: usize) -> Message {
    let en_w = match n_warnings {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    let zh_w = if n_warnings == 0 {
        String::new()
    } else {
        format!("，{n_warnings} 个警告")
    };
    let en_s = if n_scripts == 1 {
        "1 script".to_string()
    } else {
        format!("{n_scripts} scripts")
    };
    m(
        format!("ok: {en_s}, no errors{en_w}"),
        format!("没问题：{n_scripts} 个脚本，没有错误{zh_w}"),
    )
}

pub fn errors_found(n: usize) -> Message {
    if n == 1 {
        m(
            "Found 1 error, so the program did not run.",
            "发现 1 个错误，所以程序没有运行。",
        )
    } else {
        m(
            format!("Found {n} errors, so the program did not run."),
            format!("发现 {n} 个错误，所以程序没有运行。"),
        )
    }
}

pub fn errors_found_check(n: usize) -> Message {
    if n == 1 {
        m("Found 1 error.", "发现 1 个错误。")
    } else {
        m(format!("Found {n} errors."), format!("发现 {n} 个错误。"))
    }
}

pub fn no_more_answers(question: &str) -> Message {
    m(
        format!(
            "The program asked “{question}” and is waiting for an answer, but there are no \
             answers left, so it stops here. Give answers with --answer TEXT, one per question."
        ),
        format!(
            "程序问了“{question}”，正在等回答，但是已经没有回答了，所以在这里停下。\
             用 --answer 文字 给出回答，每个问题一个。"
        ),
    )
}

pub fn no_flag_script() -> Message {
    m(
        "note: no script starts with “when green flag clicked”, so nothing runs. Put that block \
         on the line above the blocks that should run.",
        "注意：没有以“当绿旗被点击”开头的脚本，所以什么也不会运行。请把这个积木放在要运行的积木上面一行。",
    )
}

pub fn internal_error() -> Message {
    m(
        "Sorry: Starling itself went wrong here. This is a bug in Starling, not in your program; \
         please report it together with the program.",
        "抱歉：Starling 自己出错了。这是 Starling 的错误，不是你的程序的问题；请把程序一起报告给我们。",
    )
}

pub fn warning_prefix() -> Message {
    m("warning", "警告")
}

pub fn hint_prefix() -> Message {
    m("hint", "提示")
}

pub fn here() -> Message {
    m("here", "这里")
}

pub fn error_word() -> Message {
    m("Error", "错误")
}

pub fn warning_word() -> Message {
    m("Warning", "警告")
}

pub fn bench_not_release() -> Message {
    m(
        "note: this is a debug build, so the times are much slower than they should be; \
         use `cargo run --release -p starling -- bench`.",
        "注意：这是调试版本，时间会比正常慢很多；请用 `cargo run --release -p starling -- bench`。",
    )
}

pub fn bench_wrong(name: &str, got: &str, want: &str) -> Message {
    m(
        format!("{name}: wrong answer: said “{got}”, expected “{want}”"),
        format!("{name}：答案错误：说了“{got}”，应该是“{want}”"),
    )
}

pub fn bench_compile_failed(name: &str) -> Message {
    m(
        format!("{name}: the benchmark program did not compile"),
        format!("{name}：基准程序编译失败"),
    )
}
