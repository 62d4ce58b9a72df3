//! `starling convert IN OUT`: Scratch 3 projects (.sb3) to Starling text and back.
//!
//! The input's format comes from its content; the output's from its name (`.sb3` writes a
//! Scratch project, anything else text). Text → .sb3 packs the costume and sound files the text
//! refers to (paths relative to the text file); .sb3 → text writes the project's files beside
//! the text file, where its `#costume`/`#sound` lines point.
//!
//! Sounds saved in an .sb3 ([`prepare_sounds`]) are made to open and play in Scratch 3:
//!
//! - Each sound file is decoded once (`starling_audio::decode`, as `starling run` does), and its
//!   real sample rate and sample count are written as `rate` and `sampleCount`, which Scratch 3
//!   writes for every sound. For a WAV file (PCM or IMA ADPCM) that is the rate in the file and
//!   its number of sample frames. For an MP3 it is the rate of the MP3's frames and the number
//!   of samples they decode to. (Scratch 3 itself writes the numbers of the `AudioBuffer` the
//!   browser decoded — scratch-vm's `loadSoundFromAsset` — which the browser resamples to its
//!   audio device's rate, usually 48 or 44.1 kHz, so they vary from computer to computer; ours
//!   are what Scratch writes on a computer whose audio runs at the file's own rate. Scratch 3
//!   opens a project without them too: it sets both from the decoded sound whenever it loads
//!   one, and keeps the saved ones only for a sound it cannot decode. A sound longer than the
//!   decoder's 10 minutes counts only those.)
//! - `dataFormat` says what the bytes are (`wav` or `mp3`, see the saver). Scratch 3 cannot play
//!   OGG (nor the RF64 form of WAV), so such a file is decoded and saved as a 16-bit mono WAV file
//!   at its own rate (`starling_audio::wav::encode_wav_16`), with a note.
//! - `#sound Meow` with no file is the built-in library's sound of that name (its id, English or
//!   Chinese name, as `starling run` finds it). It is rendered at [`LIBRARY_SOUND_RATE`] and
//!   saved as a 16-bit mono WAV file, so Scratch 3 plays it too.
//! - A sound file that is missing (or too large) is left out: the sound is listed without its
//!   file, as before, with a warning. A file Starling cannot decode is packed as it is (Scratch
//!   may or may not play it), without `rate` and `sampleCount`, with a warning.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use starling_audio::library::LibrarySound;
use starling_compiler::ir::{self, Project};
use starling_compiler::sb3::{self, Sb3Assets};
use starling_compiler::{compile_sb3, compile_text, syntax, Lang, Message};
use starling_render::Renderer;
use starling_runtime::Program;

use crate::run::MAX_SOUND_FILE_BYTES;
use crate::{read_program, render, text, Io, ProgramFile, EXIT_FAILED, EXIT_OK};

/// The rate built-in library sounds are saved at in an .sb3: 44.1 kHz, the rate of the 16-bit
/// PCM sounds of Scratch 3's own sound library (its `sounds.json`: 192 sounds at 44,100 Hz, the
/// other 161 at 22,050 Hz in IMA ADPCM, which Starling does not write).
pub const LIBRARY_SOUND_RATE: u32 = 44_100;

/// Runs the conversion and returns the exit code.
pub fn convert(input: &str, output: &str, lang: Lang, io: &mut Io<'_>) -> io::Result<i32> {
    let file = match read_program(input) {
        Ok(f) => f,
        Err(message) => {
            writeln!(io.err, "{}", message.get(lang))?;
            return Ok(EXIT_FAILED);
        }
    };
    let from_text = matches!(file, ProgramFile::Text(_));
    let (source, compiled, mut assets) = match file {
        ProgramFile::Text(source) => {
            let compiled = compile_text(&source);
            (source, compiled, Sb3Assets::default())
        }
        ProgramFile::Scratch(bytes) => {
            let (compiled, assets) = compile_sb3(&bytes);
            (String::new(), compiled, assets)
        }
    };
    render::render_diagnostics(
        io.err,
        input,
        &source,
        &compiled.diagnostics,
        lang,
        io.color,
    )?;
    if compiled.has_errors() || compiled.project.targets.is_empty() {
        writeln!(io.err, "{}", not_converted(input).get(lang))?;
        return Ok(EXIT_FAILED);
    }
    let project = &compiled.project;
    let to_sb3 = Path::new(output)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sb3"));
    if to_sb3 {
        // Gather the files the text refers to, relative to the text file.
        let base = Path::new(input)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for target in &project.targets {
            let files = target.def.costumes.iter().filter_map(|c| c.file.as_deref());
            for name in files {
                if assets.get(name).is_some() {
                    continue;
                }
                match std::fs::read(base.join(name)) {
                    Ok(bytes) => assets.insert(name, bytes),
                    Err(_) => writeln!(io.err, "{}", missing_asset(name).get(lang))?,
                }
            }
        }
        let mut project = project.clone();
        // An .sb3's sound files are inside it (the loader has warned about missing ones).
        let sound_folder = from_text.then_some(base.as_path());
        for message in prepare_sounds(&mut project, sound_folder, &mut assets) {
            writeln!(io.err, "{}", message.get(lang))?;
        }
        if let Some(program) = &compiled.program {
            fill_rotation_centres(&mut project, program, &assets);
        }
        let bytes = sb3::save(&project, &assets);
        if let Err(e) = std::fs::write(output, bytes) {
            writeln!(io.err, "{}", text::cannot_write(output, &e).get(lang))?;
            return Ok(EXIT_FAILED);
        }
    } else {
        let text_out = syntax::print(project, lang);
        if let Err(e) = std::fs::write(output, text_out) {
            writeln!(io.err, "{}", text::cannot_write(output, &e).get(lang))?;
            return Ok(EXIT_FAILED);
        }
        let dir = Path::new(output)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for (name, bytes) in assets.files.iter() {
            let Some(path) = safe_join(&dir, name) else {
                continue;
            };
            if let Err(e) = std::fs::write(&path, bytes) {
                writeln!(
                    io.err,
                    "{}",
                    text::cannot_write(&path.to_string_lossy(), &e).get(lang)
                )?;
                return Ok(EXIT_FAILED);
            }
        }
    }
    Ok(EXIT_OK)
}

/// A text project's costume has no rotation centre (it turns around the middle of its image),
/// but an .sb3 must name one, in the costume's own pixels from its top-left corner. The
/// renderer decodes each such costume and knows its middle (in stage units; a bitmap has
/// `bitmap_resolution` pixels per unit, a vector costume one). Costumes it cannot decode keep
/// none (the saver then writes 0, 0), as before.
fn fill_rotation_centres(project: &mut Project, program: &Program, assets: &Sb3Assets) {
    let missing = |t: &ir::Target| t.def.costumes.iter().any(|c| c.rotation_center.is_none());
    if !project.targets.iter().any(missing) {
        return;
    }
    let mut renderer = Renderer::new();
    let problems = renderer.load_costumes(program, &|name| assets.get(name).map(<[u8]>::to_vec));
    for (target_idx, target) in project.targets.iter_mut().enumerate() {
        let sprite = target.def.name.clone();
        for (costume_idx, costume) in target.def.costumes.iter_mut().enumerate() {
            if costume.rotation_center.is_some()
                || problems
                    .iter()
                    .any(|p| p.sprite == sprite && p.costume == costume.name)
            {
                continue;
            }
            let Some(skin) = renderer.skin(target_idx as u32, costume_idx) else {
                continue;
            };
            let bytes = costume.file.as_deref().and_then(|f| assets.get(f));
            let pixels_per_unit = if bytes.is_some_and(looks_like_svg) {
                1.0
            } else if costume.bitmap_resolution.is_finite() && costume.bitmap_resolution > 0.0 {
                costume.bitmap_resolution
            } else {
                1.0
            };
            let [x, y] = skin.rotation_center;
            costume.rotation_center = Some((x * pixels_per_unit, y * pixels_per_unit));
        }
    }
}

/// Makes every sound of `project` ready to be saved as .sb3 (see the module's notes): reads the
/// sound files the project names into `assets` (from `folder`, unless `assets` already has them
/// or there is no folder), decodes each once and records its rate and sample count, saves OGG
/// sounds as WAV and renders the built-in library's sounds into WAV files. Sound files made here
/// are added to `assets` under names no file of the project has, and the sounds point at them.
/// Gives the warnings and notes to show, at most one per file.
fn prepare_sounds(
    project: &mut Project,
    folder: Option<&Path>,
    assets: &mut Sb3Assets,
) -> Vec<Message> {
    let mut taken: HashSet<String> = assets.files.keys().cloned().collect();
    for target in &project.targets {
        let costumes = target.def.costumes.iter().filter_map(|c| c.file.clone());
        let sounds = target.def.sounds.iter().filter_map(|s| s.file.clone());
        taken.extend(costumes.chain(sounds));
    }
    let mut messages = Vec::new();
    // What each file became (`None`: it cannot be saved as a sound, which was already said),
    // and each library sound.
    let mut files: HashMap<String, Option<Prepared>> = HashMap::new();
    let mut library: HashMap<&'static str, Prepared> = HashMap::new();
    for target in &mut project.targets {
        let sprite = target.def.name.clone();
        for sound in &mut target.def.sounds {
            let prepared = match sound.file.clone() {
                Some(file) => match files.get(&file) {
                    Some(known) => known.clone(),
                    None => {
                        let (prepared, note) =
                            prepare_sound_file(&file, folder, assets, &mut taken);
                        messages.extend(note.map(|n| sound_note(&sprite, &sound.name, &n)));
                        files.insert(file, prepared.clone());
                        prepared
                    }
                },
                None => match starling_audio::library::lookup(&sound.name) {
                    Some(found) => Some(
                        library
                            .entry(found.id)
                            .or_insert_with(|| render_library_sound(found, assets, &mut taken))
                            .clone(),
                    ),
                    None => {
                        messages.push(sound_note(&sprite, &sound.name, &SoundNote::NoFile));
                        None
                    }
                },
            };
            if let Some(p) = prepared {
                sound.file = Some(p.file);
                sound.rate_and_samples = Some((p.rate, p.samples));
                sound.seconds = Some(p.samples as f64 / f64::from(p.rate.max(1)));
            }
        }
    }
    messages
}

/// A sound file ready for the .sb3: its name in the assets, and its rate and sample count.
#[derive(Clone)]
struct Prepared {
    file: String,
    rate: u32,
    samples: u64,
}

/// Reads (from `folder`, if `assets` does not have it) and decodes the sound file `file`. A file
/// that decodes is [`Prepared`] (with a note when it had to become a WAV file). One that is
/// missing or too large is not, and is not put in `assets` (a warning, except when there is no
/// folder to read from: the .sb3 loader has warned already); one that does not decode is not
/// either, and stays in `assets` as it is (a warning).
fn prepare_sound_file(
    file: &str,
    folder: Option<&Path>,
    assets: &mut Sb3Assets,
    taken: &mut HashSet<String>,
) -> (Option<Prepared>, Option<SoundNote>) {
    if assets.get(file).is_none() {
        let Some(folder) = folder else {
            return (None, None);
        };
        let path = folder.join(file);
        let size = std::fs::metadata(&path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        let read = match size {
            Some(size) if size > MAX_SOUND_FILE_BYTES => Err(SoundNote::TooLarge(
                file.to_string(),
                MAX_SOUND_FILE_BYTES / (1024 * 1024),
            )),
            Some(_) => std::fs::read(&path).map_err(|_| SoundNote::Missing(file.to_string())),
            None => Err(SoundNote::Missing(file.to_string())),
        };
        match read {
            Ok(bytes) => assets.insert(file, bytes),
            Err(note) => return (None, Some(note)),
        }
    }
    let bytes = assets.get(file).unwrap_or_default();
    let decoded = match starling_audio::decode::decode(bytes, file) {
        Ok(decoded) => decoded,
        Err(problem) => return (None, Some(SoundNote::Broken(problem))),
    };
    let samples = decoded.samples.len() as u64;
    let unplayable = if bytes.starts_with(b"OggS") {
        Some("OGG")
    } else if bytes.starts_with(b"RF64") {
        Some("RF64 WAV")
    } else {
        None
    };
    let Some(kind) = unplayable else {
        let prepared = Prepared {
            file: file.to_string(),
            rate: decoded.rate,
            samples,
        };
        return (Some(prepared), None);
    };
    let wav = starling_audio::wav::encode_wav_16(decoded.rate, 1, &decoded.samples);
    let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let name = fresh_name(taken, &format!("converted/{stem}.wav"));
    assets.insert(name.clone(), wav);
    let prepared = Prepared {
        file: name,
        rate: decoded.rate,
        samples,
    };
    (
        Some(prepared),
        Some(SoundNote::ToWav(file.to_string(), kind)),
    )
}

/// Renders a built-in library sound at [`LIBRARY_SOUND_RATE`] into a mono 16-bit WAV file in
/// `assets`.
fn render_library_sound(
    library: &LibrarySound,
    assets: &mut Sb3Assets,
    taken: &mut HashSet<String>,
) -> Prepared {
    let sound = library.render(LIBRARY_SOUND_RATE);
    let name = fresh_name(taken, &format!("library/{}.wav", library.id));
    assets.insert(
        name.clone(),
        starling_audio::wav::encode_wav_16(sound.rate, 1, &sound.samples),
    );
    Prepared {
        file: name,
        rate: sound.rate,
        samples: sound.samples.len() as u64,
    }
}

/// `wanted`, or `wanted` with a number added, whichever no asset or file of the project is called
/// (the saver renames every file by its MD5 anyway: this name only has to be unique).
fn fresh_name(taken: &mut HashSet<String>, wanted: &str) -> String {
    let mut name = wanted.to_string();
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = format!("{n}/{wanted}");
    }
    taken.insert(name.clone());
    name
}

/// What happened to a sound when saving an .sb3.
enum SoundNote {
    /// `#sound NAME` without a file, and no built-in sound of that name.
    NoFile,
    /// The file does not exist or cannot be read.
    Missing(String),
    /// The file is larger than the limit (in MB).
    TooLarge(String, u64),
    /// The decoder's words.
    Broken(starling_audio::Problem),
    /// The file (of this kind) was saved as WAV.
    ToWav(String, &'static str),
}

fn sound_note(sprite: &str, sound: &str, note: &SoundNote) -> Message {
    let (en, zh) = match note {
        SoundNote::NoFile => (
            format!(
                "it has no sound file and there is no built-in sound called “{sound}”, so the \
                 project lists it without a file (Scratch will not be able to play it)."
            ),
            format!(
                "它没有声音文件，也没有叫“{sound}”的内置声音，所以作品里只有它的名字，\
                 没有声音文件（Scratch 没法播放它）。"
            ),
        ),
        SoundNote::Missing(file) => (
            format!(
                "its sound file “{file}” is missing, so the project lists the sound without its \
                 file. Put the file in place and convert again."
            ),
            format!("找不到它的声音文件“{file}”，所以作品里只有这个声音的名字，没有声音文件。请把文件放好后再转换一次。"),
        ),
        SoundNote::TooLarge(file, max_mb) => (
            format!(
                "its sound file “{file}” is larger than {max_mb} MB, so the project lists the \
                 sound without its file."
            ),
            format!("它的声音文件“{file}”超过了 {max_mb} MB，所以作品里只有这个声音的名字，没有声音文件。"),
        ),
        SoundNote::Broken(p) => (
            format!(
                "{}, so the file is saved in the project as it is, and Scratch may not be able \
                 to play it either.",
                p.en.trim_end_matches('.')
            ),
            format!(
                "{}，所以文件按原样存进作品，Scratch 可能也没法播放它。",
                p.zh.trim_end_matches('。')
            ),
        ),
        SoundNote::ToWav(file, kind) => {
            return Message::new(
                format!(
                    "note: {sprite}, sound “{sound}”: “{file}” is an {kind} file, which Scratch 3 \
                     cannot play, so it is saved in the project as a WAV file."
                ),
                format!(
                    "注意：{sprite} 的声音“{sound}”：“{file}”是 {kind} 文件，Scratch 3 没法播放，\
                     所以它在作品里存成了 WAV 文件。"
                ),
            )
        }
    };
    Message::new(
        format!("warning: {sprite}, sound “{sound}”: {en}"),
        format!("警告：{sprite} 的声音“{sound}”：{zh}"),
    )
}

/// Whether a costume file is an SVG (XML text) rather than a bitmap.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = start
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &start[i..]);
    start.starts_with(b"<")
}

/// `dir/name` when `name` is a plain file name (no folders, not `..`), so a hostile project
/// cannot write outside the output's folder.
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.starts_with('.');
    plain.then(|| dir.join(name))
}

fn not_converted(input: &str) -> Message {
    Message::new(
        format!("{input} has problems, so it was not converted. Fix the errors above first."),
        format!("{input} 有问题，所以没有转换。请先改正上面的错误。"),
    )
}

fn missing_asset(name: &str) -> Message {
    Message::new(
        format!("Could not read the file {name}, so the project is saved without it."),
        format!("读不到文件 {name}，所以保存的作品里没有它。"),
    )
}

#[cfg(test)]
mod tests {
    use super::{looks_like_svg, safe_join};
    use std::path::Path;

    #[test]
    fn svg_or_bitmap() {
        assert!(looks_like_svg(b"<svg xmlns='http://www.w3.org/2000/svg'/>"));
        assert!(looks_like_svg(b"\xEF\xBB\xBF  <?xml version='1.0'?><svg/>"));
        assert!(!looks_like_svg(b"\x89PNG\r\n"));
        assert!(!looks_like_svg(b""));
    }

    #[test]
    fn asset_names_cannot_escape_the_folder() {
        let d = Path::new("out");
        assert_eq!(safe_join(d, "a.svg"), Some(d.join("a.svg")));
        for bad in ["../a.svg", "a/b.svg", "..", "", "C:x", ".hidden", "a\\b"] {
            assert_eq!(safe_join(d, bad), None, "{bad}");
        }
    }
}
