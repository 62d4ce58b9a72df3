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

// ------------------------------------------------------------------------------ sounds

/// An .sb3 opened with readers that are not Starling's: `zip`, `serde_json`.
struct Sb3File {
    json: serde_json::Value,
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Sb3File {
    fn open(path: &std::path::Path) -> Sb3File {
        use std::io::Read;
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .unwrap_or_else(|e| panic!("{} is not a zip: {e}", path.display()));
        let mut files = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).expect("zip entry");
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("zip entry's bytes");
            files.insert(file.name().to_string(), data);
        }
        let json = files
            .remove("project.json")
            .unwrap_or_else(|| panic!("{} has no project.json", path.display()));
        let json = serde_json::from_slice(&json)
            .unwrap_or_else(|e| panic!("{}'s project.json: {e}", path.display()));
        Sb3File { json, files }
    }

    /// Every sound, as (target name, the sound's JSON).
    fn sounds(&self) -> Vec<(String, serde_json::Value)> {
        let mut out = Vec::new();
        for target in self.json["targets"].as_array().expect("targets") {
            let name = target["name"].as_str().expect("target name").to_string();
            for sound in target["sounds"].as_array().expect("sounds") {
                out.push((name.clone(), sound.clone()));
            }
        }
        out
    }

    fn sound(&self, target: &str, name: &str) -> Option<serde_json::Value> {
        self.sounds()
            .into_iter()
            .find(|(t, s)| t == target && s["name"] == name)
            .map(|(_, s)| s)
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A sound's file in the .sb3, after checking what Scratch needs of it: the file is there,
/// `md5ext` is `assetId.dataFormat`, `assetId` is the MD5 of the bytes, `dataFormat` is `want`,
/// and `rate` and `sampleCount` are whole numbers that agree with the file (decoded).
fn checked_sound_file<'a>(
    saved: &'a Sb3File,
    sound: &serde_json::Value,
    want_format: &str,
) -> Result<(&'a [u8], u64, u64), String> {
    let field = |key: &str| {
        sound[key]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no {key} in {sound}"))
    };
    let (id, format, md5ext) = (field("assetId")?, field("dataFormat")?, field("md5ext")?);
    if format != want_format {
        return Err(format!("dataFormat {format}, want {want_format}: {sound}"));
    }
    if md5ext != format!("{id}.{format}") {
        return Err(format!(
            "md5ext {md5ext} is not assetId.dataFormat: {sound}"
        ));
    }
    let bytes = saved
        .files
        .get(&md5ext)
        .ok_or_else(|| format!("{md5ext} is not in the .sb3"))?;
    if md5_hex(bytes) != id {
        return Err(format!(
            "{md5ext}: the MD5 of its bytes is {}",
            md5_hex(bytes)
        ));
    }
    let (Some(rate), Some(count)) = (sound["rate"].as_u64(), sound["sampleCount"].as_u64()) else {
        return Err(format!("no whole rate and sampleCount: {sound}"));
    };
    let decoded = starling_audio::decode::decode(bytes, &md5ext).map_err(|p| p.en)?;
    if (u64::from(decoded.rate), decoded.samples.len() as u64) != (rate, count) {
        return Err(format!(
            "{md5ext} decodes to {} samples at {} Hz, but the project says {count} at {rate}",
            decoded.samples.len(),
            decoded.rate
        ));
    }
    Ok((bytes.as_slice(), rate, count))
}

/// What an independent reader (hound) sees in a PCM WAV file: rate, channels, bits, frames.
fn hound_spec(bytes: &[u8]) -> Result<(u32, u16, u16, u32), String> {
    let reader =
        hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(|e| format!("hound: {e}"))?;
    let spec = reader.spec();
    Ok((
        spec.sample_rate,
        spec.channels,
        spec.bits_per_sample,
        reader.duration(),
    ))
}

/// `tests/data/convert/sounds.sb.txt` saved as .sb3: every sound has its file, named by its MD5,
/// with the right `dataFormat` and the `rate` and `sampleCount` of the decoded sound. WAV and MP3
/// files are packed as they are; the OGG file becomes a WAV file (with a note); library sounds
/// are rendered at 44.1 kHz into 16-bit mono WAV files.
#[test]
fn text_to_sb3_saves_sounds() {
    let dir = temp_dir("sounds");
    let source = data_dir().join("convert/sounds.sb.txt");
    let sb3 = dir.join("sounds.sb3");
    let args = [
        "convert".to_string(),
        source.display().to_string(),
        sb3.display().to_string(),
    ];
    let (code, _, err) = run_cli(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "note: Stage, sound “ogg”: “../audio/tone550.ogg” is an OGG file, which Scratch 3 \
         cannot play, so it is saved in the project as a WAV file.\n"
    );
    let saved = Sb3File::open(&sb3);
    let audio = data_dir().join("audio");
    let original = |file: &str| std::fs::read(audio.join(file)).expect("test sound file");
    let decoded = |bytes: &[u8]| starling_audio::decode::decode(bytes, "test").expect("decodes");
    let mut problems = Vec::new();
    let mut check = |target: &str, name: &str, result: Result<(), String>| {
        if let Err(e) = result {
            problems.push(format!("{target}, sound {name}: {e}"));
        }
    };
    let sound = |target: &str, name: &str| {
        saved
            .sound(target, name)
            .ok_or_else(|| format!("not in project.json: {:?}", saved.sounds()))
    };

    // Files packed as they are: their bytes, the rate in the file, their decoded length.
    for (name, file, format) in [
        ("pcm", "tone440.wav", "wav"),
        ("adpcm", "tone330_adpcm.wav", "wav"),
        ("mp3", "tone660.mp3", "mp3"),
        ("again", "tone440.wav", "wav"),
    ] {
        let result = (|| {
            let s = sound("Player", name)?;
            let (bytes, rate, count) = checked_sound_file(&saved, &s, format)?;
            let want = original(file);
            if bytes != want.as_slice() {
                return Err(format!("the saved file is not {file}"));
            }
            let sound = decoded(&want);
            if (rate, count) != (u64::from(sound.rate), sound.samples.len() as u64) {
                return Err(format!("rate {rate}, sampleCount {count}: not {file}'s"));
            }
            Ok(())
        })();
        check("Player", name, result);
    }
    // The PCM file, as another reader sees it: 11,025 Hz, 5,512 samples.
    check(
        "Player",
        "pcm",
        (|| {
            let s = sound("Player", "pcm")?;
            let (bytes, rate, count) = checked_sound_file(&saved, &s, "wav")?;
            let (h_rate, _, _, h_frames) = hound_spec(bytes)?;
            if (rate, count) != (u64::from(h_rate), u64::from(h_frames)) || rate != 11_025 {
                return Err(format!(
                    "rate {rate}, sampleCount {count}; hound reads {h_frames} at {h_rate} Hz"
                ));
            }
            Ok(())
        })(),
    );
    // The same file for two sounds is one file in the archive.
    check(
        "Player",
        "again",
        (|| {
            let (a, b) = (sound("Player", "pcm")?, sound("Player", "again")?);
            if a["md5ext"] != b["md5ext"] {
                return Err(format!(
                    "{} and {} for the same file",
                    a["md5ext"], b["md5ext"]
                ));
            }
            Ok(())
        })(),
    );
    // The OGG file became a 16-bit mono WAV file at its own rate, with the same samples.
    check(
        "Stage",
        "ogg",
        (|| {
            let s = sound("Stage", "ogg")?;
            let (bytes, rate, count) = checked_sound_file(&saved, &s, "wav")?;
            let ogg = decoded(&original("tone550.ogg"));
            if (rate, count) != (u64::from(ogg.rate), ogg.samples.len() as u64) {
                return Err(format!(
                    "rate {rate}, sampleCount {count}; the OGG file has {} samples at {} Hz",
                    ogg.samples.len(),
                    ogg.rate
                ));
            }
            let spec = hound_spec(bytes)?;
            if spec != (ogg.rate, 1, 16, ogg.samples.len() as u32) {
                return Err(format!("hound reads {spec:?}"));
            }
            let wav = decoded(bytes);
            let off = wav
                .samples
                .iter()
                .zip(&ogg.samples)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            if off > 1.0 / 32768.0 {
                return Err(format!("the WAV's samples differ from the OGG's by {off}"));
            }
            Ok(())
        })(),
    );
    // Library sounds, by English name, Chinese name and id: rendered at 44.1 kHz.
    for (name, id) in [("Meow", "meow"), ("啵", "pop"), ("drum-roll", "drum-roll")] {
        let result = (|| {
            let s = sound("Player", name)?;
            let (bytes, rate, count) = checked_sound_file(&saved, &s, "wav")?;
            let library = starling_audio::library::find(id).ok_or("not in the library")?;
            let want = library.render(44_100);
            let wav = starling_audio::wav::encode_wav_16(want.rate, 1, &want.samples);
            if bytes != wav.as_slice() {
                return Err(format!(
                    "the saved file is not the library's {id} at 44.1 kHz"
                ));
            }
            if (rate, count) != (44_100, want.samples.len() as u64) || count == 0 {
                return Err(format!("rate {rate}, sampleCount {count}"));
            }
            let spec = hound_spec(bytes)?;
            if spec != (44_100, 1, 16, count as u32) {
                return Err(format!("hound reads {spec:?}"));
            }
            Ok(())
        })();
        check("Player", name, result);
    }
    // Nothing else is packed: the sounds' files (one for the two of tone440.wav) and the blank
    // backdrop.
    let sounds: std::collections::BTreeSet<String> = saved
        .sounds()
        .iter()
        .filter_map(|(_, s)| s["md5ext"].as_str().map(str::to_string))
        .collect();
    let packed: Vec<&String> = saved
        .files
        .keys()
        .filter(|f| !f.ends_with(".svg"))
        .collect();
    if sounds.len() != 7 || packed.len() != 7 || packed.iter().any(|f| !sounds.contains(*f)) {
        problems.push(format!("sound files {sounds:?}, packed {packed:?}"));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// The sounds survive .sb3 → text → .sb3 (and .sb3 → .sb3): the same files, names, formats,
/// rates and sample counts.
#[test]
fn sb3_to_text_and_back_keeps_sounds() {
    let dir = temp_dir("sound-round-trip");
    let first = dir.join("first.sb3");
    convert(&data_dir().join("convert/sounds.sb.txt"), &first).expect("to .sb3");
    let text_dir = dir.join("text");
    std::fs::create_dir_all(&text_dir).expect("folder");
    let text = text_dir.join("sounds.sb.txt");
    convert(&first, &text).expect(".sb3 to text");
    let again = dir.join("again.sb3");
    convert(&text, &again).expect("text to .sb3");
    let direct = dir.join("direct.sb3");
    convert(&first, &direct).expect(".sb3 to .sb3");

    let a = Sb3File::open(&first);
    assert_eq!(a.sounds().len(), 8, "{:?}", a.sounds());
    for path in [&again, &direct] {
        let b = Sb3File::open(path);
        assert_eq!(a.sounds(), b.sounds(), "{}", path.display());
        for (_, sound) in b.sounds() {
            let file = sound["md5ext"].as_str().expect("md5ext");
            assert_eq!(a.files.get(file), b.files.get(file), "{file}");
            assert!(b.files.contains_key(file), "{file}");
        }
    }
    // The text names the files written beside it, with their sounds' MD5 names.
    let written = read(&text);
    for (_, sound) in a.sounds() {
        let file = sound["md5ext"].as_str().expect("md5ext");
        assert!(written.contains(file), "{file} is not in\n{written}");
        assert_eq!(
            std::fs::read(text_dir.join(file)).ok().as_ref(),
            a.files.get(file),
            "{file}"
        );
    }
}
