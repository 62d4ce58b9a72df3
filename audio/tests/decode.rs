//! Decoding the fixtures in `tests/fixtures/` (made by `make.sh`): every good file is a 440 Hz
//! sine at half volume; every broken one is a `Problem` in English and Chinese, or, when cut
//! short, the sound that is there.

use starling_audio::decode::{decode, max_frames, MAX_SECONDS};
use starling_audio::wav::encode_wav_16;
use starling_audio::{Problem, Sound};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn decode_fixture(name: &str) -> Sound {
    decode(&fixture(name), name).unwrap_or_else(|problem| panic!("{name}: {problem:?}"))
}

/// The pitch in Hz from the rising zero crossings, skipping the first and last 10 ms. A crossing
/// counts only after the signal has been below −0.05, so the hiss of silence (ADPCM's padding
/// wobbles around zero) is not taken for a tone.
fn pitch(sound: &Sound) -> f64 {
    let skip = sound.rate as usize / 100;
    let samples = &sound.samples[skip..sound.samples.len() - skip];
    let mut crossings = Vec::new();
    let mut armed = false;
    for i in 1..samples.len() {
        let (a, b) = (f64::from(samples[i - 1]), f64::from(samples[i]));
        armed |= a < -0.05;
        if armed && a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
            armed = false;
        }
    }
    assert!(
        crossings.len() >= 10,
        "too few zero crossings to measure a pitch"
    );
    let periods = (crossings.len() - 1) as f64;
    let seconds = (crossings[crossings.len() - 1] - crossings[0]) / f64::from(sound.rate);
    periods / seconds
}

/// The peak level, skipping the first and last 10 ms (encoders fade in and out).
fn peak(sound: &Sound) -> f32 {
    let skip = sound.rate as usize / 100;
    sound.samples[skip..sound.samples.len() - skip]
        .iter()
        .fold(0.0f32, |peak, s| peak.max(s.abs()))
}

/// A 440 Hz sine at `rate`, of `len` samples, at `volume`.
fn assert_sine(sound: &Sound, rate: u32, volume: f32) {
    assert_eq!(sound.rate, rate);
    let hz = pitch(sound);
    assert!((hz - 440.0).abs() < 2.0, "pitch {hz} Hz");
    let peak = peak(sound);
    assert!(
        (peak - volume).abs() < 0.03,
        "peak {peak}, expected {volume}"
    );
    assert!(sound.samples.iter().all(|s| (-1.0..=1.0).contains(s)));
}

/// Both languages name the sound, and the English contains `english`.
fn assert_problem(problem: &Problem, name: &str, english: &str) {
    assert!(
        problem.en.contains(&format!("\"{name}\"")),
        "English names the sound: {}",
        problem.en
    );
    assert!(
        problem.zh.contains(&format!("“{name}”")),
        "Chinese names the sound: {}",
        problem.zh
    );
    assert!(
        problem
            .zh
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese is Chinese: {}",
        problem.zh
    );
    assert!(
        problem.en.contains(english),
        "expected {english:?} in {:?}",
        problem.en
    );
}

fn problem_of(bytes: &[u8], name: &str) -> Problem {
    match decode(bytes, name) {
        Ok(sound) => panic!(
            "{name}: expected a problem, got {} samples",
            sound.samples.len()
        ),
        Err(problem) => problem,
    }
}

/// FNV-1a over the samples as 16-bit integers, as `fixtures/scratch_adpcm.js` prints it.
fn fnv_i16(samples: &[f32]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &sample in samples {
        let value = ((sample * 32768.0).round() as i32 as u32 & 0xFFFF) as u16;
        for byte in value.to_le_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A RIFF/WAVE file from chunks, each (id, declared size, contents).
fn riff(chunks: &[(&[u8; 4], u32, &[u8])]) -> Vec<u8> {
    let mut body = b"WAVE".to_vec();
    for (id, size, contents) in chunks {
        body.extend_from_slice(*id);
        body.extend_from_slice(&size.to_le_bytes());
        body.extend_from_slice(contents);
    }
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&(body.len() as u32).to_le_bytes());
    file.extend_from_slice(&body);
    file
}

/// A plain `fmt ` chunk's contents.
fn fmt(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
    let align = channels.wrapping_mul(bits.div_ceil(8));
    let mut out = Vec::new();
    out.extend_from_slice(&tag.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&rate.wrapping_mul(u32::from(align)).to_le_bytes());
    out.extend_from_slice(&align.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out
}

// ---------------------------------------------------------------------------------------------
// Good files.

#[test]
fn wav_8_bit_unsigned() {
    let sound = decode_fixture("sine_u8.wav");
    assert_eq!(sound.samples.len(), 5512);
    assert_sine(&sound, 11_025, 0.5);
}

#[test]
fn wav_16_bit() {
    let sound = decode_fixture("sine_s16.wav");
    assert_eq!(sound.samples.len(), 5512);
    assert_sine(&sound, 22_050, 0.5);
}

#[test]
fn wav_16_bit_stereo_is_averaged() {
    // The left channel has the sine at half volume, the right is silent.
    let sound = decode_fixture("sine_s16_stereo.wav");
    assert_eq!(sound.samples.len(), 2000);
    assert_sine(&sound, 8_000, 0.25);
}

#[test]
fn wav_24_bit_extensible() {
    let sound = decode_fixture("sine_s24.wav");
    assert_eq!(sound.samples.len(), 2000);
    assert_sine(&sound, 8_000, 0.5);
}

#[test]
fn wav_32_bit() {
    let sound = decode_fixture("sine_s32.wav");
    assert_eq!(sound.samples.len(), 2000);
    assert_sine(&sound, 8_000, 0.5);
}

#[test]
fn wav_32_bit_float() {
    let sound = decode_fixture("sine_f32.wav");
    assert_eq!(sound.samples.len(), 2000);
    assert_sine(&sound, 8_000, 0.5);
}

#[test]
fn ima_adpcm_as_scratch_saves_it_decodes_exactly_like_scratch() {
    let sound = decode_fixture("sine_ima_scratch.wav");
    assert_sine(&sound, 22_050, 0.5);
    // What scratch-audio's ADPCMSoundDecoder gives (fixtures/scratch_adpcm.js): 6610 samples of
    // the 6615 encoded, since its sample count misses all but the first block's header sample.
    assert_eq!(sound.samples.len(), 6610);
    assert_eq!(fnv_i16(&sound.samples), 0x5fe4_2305_6718_6e91);
}

#[test]
fn ima_adpcm_with_sox_blocks_decodes_exactly_like_scratch() {
    let sound = decode_fixture("sine_ima_sox.wav");
    assert_sine(&sound, 22_050, 0.5);
    assert_eq!(sound.samples.len(), 5545);
    assert_eq!(fnv_i16(&sound.samples), 0x9ad6_c38f_18e0_a7f9);
}

#[test]
fn ima_adpcm_stereo() {
    let sound = decode_fixture("sine_ima_stereo.wav");
    // sox pads the last block: 0.25 s is 2756.25 samples, and blocks hold 505.
    assert!(
        (2757..=3030).contains(&sound.samples.len()),
        "{} samples",
        sound.samples.len()
    );
    assert_sine(&sound, 11_025, 0.5);
}

#[test]
#[cfg_attr(not(feature = "decode"), ignore = "MP3/OGG need the `decode` feature")]
fn mp3_behind_an_id3_tag() {
    let sound = decode_fixture("sine.mp3");
    // 0.5 s; LAME's header gives the encoder delay and padding, which are trimmed.
    let len = sound.samples.len() as i64;
    assert!((len - 11_025).abs() <= 576, "{len} samples");
    assert_sine(&sound, 22_050, 0.5);
}

#[test]
#[cfg_attr(not(feature = "decode"), ignore = "MP3/OGG need the `decode` feature")]
fn ogg_vorbis_stereo() {
    let sound = decode_fixture("sine_stereo.ogg");
    let len = sound.samples.len() as i64;
    assert!((len - 11_025).abs() <= 256, "{len} samples");
    assert_sine(&sound, 22_050, 0.5);
}

#[test]
fn wav_written_by_encode_wav_16_decodes_back() {
    let samples: Vec<f32> = (0..8000)
        .flat_map(|i| {
            let s = 0.5 * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 8000.0).sin();
            [s, s]
        })
        .collect();
    let sound = decode(&encode_wav_16(8000, 2, &samples), "stereo").unwrap();
    assert_eq!(sound.samples.len(), 8000);
    assert_sine(&sound, 8000, 0.5);
}

// ---------------------------------------------------------------------------------------------
// Odd but valid layouts.

#[test]
fn chunks_in_any_order_with_or_without_pad_bytes() {
    let format = fmt(1, 1, 8000, 16);
    let data: Vec<u8> = [1000i16, -1000, 2000]
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let expected = [1000.0 / 32768.0, -1000.0 / 32768.0, 2000.0 / 32768.0];
    // data before fmt, a LIST chunk of odd size with its pad byte.
    let padded = riff(&[
        (b"data", 6, &data),
        (b"LIST", 3, b"abc\0"),
        (b"fmt ", 16, &format),
    ]);
    // The same without the pad byte, as Scratch would accept it.
    let unpadded = riff(&[
        (b"data", 6, &data),
        (b"LIST", 3, b"abc"),
        (b"fmt ", 16, &format),
    ]);
    // An 18-byte fmt chunk (with an empty extra-size word), as scratch-audio's drums have.
    let mut format_18 = format.clone();
    format_18.extend_from_slice(&[0, 0]);
    let fmt_18 = riff(&[(b"fmt ", 18, &format_18), (b"data", 6, &data)]);
    for bytes in [padded, unpadded, fmt_18] {
        let sound = decode(&bytes, "odd").unwrap();
        assert_eq!(sound.rate, 8000);
        assert_eq!(sound.samples, expected);
    }
}

#[test]
fn pcm_of_unusual_widths() {
    // 12-bit samples sit in the top of 16-bit containers.
    let data = [0x10u8, 0x40]; // 0x4010 → 0.5004
    let sound = decode(
        &riff(&[(b"fmt ", 16, &fmt(1, 1, 8000, 12)), (b"data", 2, &data)]),
        "x",
    )
    .unwrap();
    assert_eq!(sound.samples, [0x4010 as f32 / 32768.0]);
    // 64-bit float, with out-of-range and NaN samples cleaned up.
    let data: Vec<u8> = [0.25f64, 3.0, f64::NAN, -2.0]
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let sound = decode(
        &riff(&[(b"fmt ", 16, &fmt(3, 1, 8000, 64)), (b"data", 32, &data)]),
        "x",
    )
    .unwrap();
    assert_eq!(sound.samples, [0.25, 1.0, 0.0, -1.0]);
}

#[test]
fn a_data_size_beyond_the_file_decodes_what_is_there() {
    let data: Vec<u8> = [100i16, 200].iter().flat_map(|s| s.to_le_bytes()).collect();
    for size in [1_000_000, u32::MAX] {
        let bytes = riff(&[(b"fmt ", 16, &fmt(1, 1, 8000, 16)), (b"data", size, &data)]);
        let sound = decode(&bytes, "long").unwrap();
        assert_eq!(sound.samples, [100.0 / 32768.0, 200.0 / 32768.0]);
    }
}

#[test]
fn adpcm_claiming_billions_of_samples_decodes_what_is_there() {
    // A fact chunk claiming 4 billion samples and the largest possible blocks: only the bytes
    // that are there count.
    let mut format = fmt(0x11, 1, 22_050, 4);
    format[12..14].copy_from_slice(&512u16.to_le_bytes());
    format.extend_from_slice(&2u16.to_le_bytes());
    format.extend_from_slice(&65_535u16.to_le_bytes());
    let mut data = vec![0u8, 0, 0, 0];
    data.extend_from_slice(&[0x77; 100]);
    let bytes = riff(&[
        (b"fmt ", 20, &format),
        (b"fact", 4, &u32::MAX.to_le_bytes()),
        (b"data", u32::MAX, &data),
    ]);
    let sound = decode(&bytes, "billions").unwrap();
    assert_eq!(sound.samples.len(), 1 + 200);
}

#[test]
fn a_sound_longer_than_ten_minutes_keeps_its_first_ten() {
    let rate = 1000;
    let data = vec![200u8; rate as usize * (MAX_SECONDS as usize + 60)];
    let bytes = riff(&[
        (b"fmt ", 16, &fmt(1, 1, rate, 8)),
        (b"data", data.len() as u32, &data),
    ]);
    let sound = decode(&bytes, "long").unwrap();
    assert_eq!(sound.samples.len(), max_frames(rate));
    assert_eq!(sound.seconds(), f64::from(MAX_SECONDS));
}

#[test]
fn truncated_wav_decodes_what_is_there() {
    // 3000 bytes: a 44-byte header and 1478 samples.
    let sound = decode_fixture("truncated.wav");
    assert_eq!(sound.samples.len(), (3000 - 44) / 2);
    assert_sine(&sound, 22_050, 0.5);
}

#[test]
#[cfg_attr(not(feature = "decode"), ignore = "MP3/OGG need the `decode` feature")]
fn truncated_mp3_decodes_what_is_there() {
    let sound = decode_fixture("truncated.mp3");
    let full = decode_fixture("sine.mp3");
    assert!(
        sound.samples.len() > 3000,
        "{} samples",
        sound.samples.len()
    );
    assert!(sound.samples.len() < full.samples.len());
    assert_sine(&sound, 22_050, 0.5);
}

#[test]
#[cfg_attr(not(feature = "decode"), ignore = "MP3/OGG need the `decode` feature")]
fn mp3_with_garbage_after_its_frames() {
    let mut bytes = fixture("sine.mp3");
    let garbage = fixture("random.bin");
    bytes.extend_from_slice(&garbage);
    let sound = decode(&bytes, "garbage").unwrap();
    let full = decode_fixture("sine.mp3");
    assert!(sound.samples.len() >= full.samples.len() - 1152);
    assert!(sound.samples.len() <= full.samples.len() + 10 * 1152);
    assert_eq!(sound.rate, 22_050);
    assert!(sound.samples.iter().all(|s| (-1.0..=1.0).contains(s)));
}

// ---------------------------------------------------------------------------------------------
// Broken files.

#[test]
fn empty_file() {
    assert_problem(&problem_of(&[], "meow"), "meow", "empty");
}

#[test]
fn a_png_picture() {
    let problem = problem_of(&fixture("picture.png"), "meow");
    assert_eq!(
        problem.en,
        "the sound \"meow\" is not a sound file Starling can play (it looks like a PNG picture)"
    );
    assert_eq!(
        problem.zh,
        "声音“meow”不是 Starling 能播放的声音文件（它看起来像一张 PNG 图片）"
    );
}

#[test]
fn random_bytes() {
    let problem = problem_of(&fixture("random.bin"), "noise");
    assert_problem(&problem, "noise", "not a sound file");
}

#[test]
fn a_wav_with_zero_channels() {
    let problem = problem_of(&fixture("zero_channels.wav"), "zero");
    assert_problem(&problem, "zero", "0 channels");
}

#[test]
fn truncated_ogg() {
    let problem = problem_of(&fixture("truncated.ogg"), "cut");
    assert_problem(&problem, "cut", "OGG");
}

#[test]
fn truncated_wav_header() {
    let bytes = fixture("sine_s16.wav");
    for len in [4, 11, 12, 20, 30, 36] {
        let problem = problem_of(&bytes[..len], "cut");
        assert_problem(&problem, "cut", "WAV");
    }
}

#[test]
fn truncated_inside_the_id3_tag() {
    let bytes = fixture("sine.mp3");
    let problem = problem_of(&bytes[..50], "cut");
    assert_problem(&problem, "cut", "MP3");
}

#[test]
fn a_huge_fmt_chunk() {
    let mut format = fmt(1, 1, 8000, 16);
    format.extend_from_slice(&[0; 100]);
    let bytes = riff(&[(b"fmt ", 0x7FFF_FFF0, &format), (b"data", 4, &[0, 0, 0, 0])]);
    // The fmt chunk swallows the rest of the file, data chunk included.
    let problem = problem_of(&bytes, "huge");
    assert_problem(&problem, "huge", "no sound data");
}

#[test]
fn impossible_rates_and_channel_counts() {
    let data = [0u8; 8];
    for rate in [0, 999, 384_001, u32::MAX] {
        let bytes = riff(&[(b"fmt ", 16, &fmt(1, 1, rate, 16)), (b"data", 8, &data)]);
        assert_problem(&problem_of(&bytes, "rate"), "rate", "samples per second");
    }
    let bytes = riff(&[(b"fmt ", 16, &fmt(1, 1000, 8000, 16)), (b"data", 8, &data)]);
    assert_problem(&problem_of(&bytes, "many"), "many", "1000 channels");
}

#[test]
fn unusable_formats_and_widths() {
    let data = [0u8; 8];
    let ms_adpcm = riff(&[(b"fmt ", 16, &fmt(2, 1, 8000, 4)), (b"data", 8, &data)]);
    assert_problem(&problem_of(&ms_adpcm, "ms"), "ms", "Microsoft ADPCM");
    for bits in [0, 40] {
        let bytes = riff(&[(b"fmt ", 16, &fmt(1, 1, 8000, bits)), (b"data", 8, &data)]);
        assert_problem(&problem_of(&bytes, "bits"), "bits", &format!("{bits}-bit"));
    }
    let float16 = riff(&[(b"fmt ", 16, &fmt(3, 1, 8000, 16)), (b"data", 8, &data)]);
    assert_problem(&problem_of(&float16, "f16"), "f16", "16-bit");
    let no_data = riff(&[(b"fmt ", 16, &fmt(1, 1, 8000, 16))]);
    assert_problem(&problem_of(&no_data, "none"), "none", "no sound data");
    let no_fmt = riff(&[(b"data", 8, &data)]);
    assert_problem(&problem_of(&no_fmt, "none"), "none", "header");
}

#[test]
fn other_files_say_what_they_look_like() {
    let cases: [(&[u8], &str); 5] = [
        (b"fLaC\0\0\0\x22rest", "FLAC file"),
        (b"GIF89a\x01\0\x01\0", "GIF picture"),
        (b"PK\x03\x04\x14\0\0\0", "zip file"),
        (b"when flag clicked\nsay [hi]\n", "looks like text"),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
            "SVG picture",
        ),
    ];
    for (bytes, english) in cases {
        assert_problem(&problem_of(bytes, "x"), "x", english);
    }
}

/// Cheap deterministic randomness for the mutation test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_files_never_panic() {
    let mut rng = XorShift(0x5eed_cafe_f00d_1234);
    let names = [
        "sine_u8.wav",
        "sine_s24.wav",
        "sine_f32.wav",
        "sine_ima_scratch.wav",
        "sine_ima_stereo.wav",
        "sine.mp3",
        "sine_stereo.ogg",
    ];
    for name in names {
        let original = fixture(name);
        for _ in 0..150 {
            let mut bytes = original.clone();
            // Flip a few bytes, mostly in the headers, then maybe cut the file short.
            for _ in 0..1 + rng.below(8) {
                let range = if rng.below(2) == 0 {
                    200.min(bytes.len())
                } else {
                    bytes.len()
                };
                let pos = rng.below(range);
                bytes[pos] = rng.next() as u8;
            }
            if rng.below(3) == 0 {
                bytes.truncate(rng.below(bytes.len()));
            }
            if let Ok(sound) = decode(&bytes, name) {
                assert!(
                    (1000..=384_000).contains(&sound.rate),
                    "{name}: rate {}",
                    sound.rate
                );
                assert!(sound.samples.len() <= max_frames(sound.rate));
                assert!(sound.samples.iter().all(|s| (-1.0..=1.0).contains(s)));
            }
        }
    }
}

/// Without the `decode` feature (the playground's wasm), MP3 and OGG are recognised for the host
/// to decode; with it, they are decoded here.
#[test]
fn compressed_sounds_are_recognised() {
    for file in ["sine.mp3", "sine_stereo.ogg"] {
        let bytes = std::fs::read(format!(
            "{}/tests/fixtures/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture");
        assert!(starling_audio::decode::is_compressed(&bytes), "{file}");
        assert_eq!(
            starling_audio::decode::decode(&bytes, file).is_ok(),
            cfg!(feature = "decode"),
            "{file}"
        );
    }
    let wav = starling_audio::wav::encode_wav_16(8000, 1, &[0.0; 100]);
    assert!(!starling_audio::decode::is_compressed(&wav));
}
