//! Sound in the playground: the same mixer as the CLI's `--audio`, run inside the wasm.
//!
//! The VM's sound events never leave Rust to be played: [`SoundHost`] hands each frame's events
//! to a [`Mixer`] and mixes that frame's time ([`starling_runtime::Vm::frame_seconds`]) right
//! after the frame, exactly as `cli/src/run.rs` does, so volume, pitch, pan, timing, notes and
//! drums sound in the browser as in `starling run --audio`. The page only plays the PCM
//! (`web/src/sound.js`: Web Audio buffers scheduled back to back).
//!
//! Sounds: after a load the page asks [`SoundHost::needs`] which sound files to decode. WAV
//! (with Scratch's IMA ADPCM, which browsers cannot decode) is decoded here by
//! `starling_audio::decode`; MP3 and OGG are decoded by the browser (`decodeAudioData`, mixed
//! down to mono) and handed in as samples, so the wasm carries no MP3/OGG decoder. Either way the
//! real length goes to the VM for `play sound until done` before the run starts. `#sound NAME`
//! of a text program without a file is a sound of the built-in library (feature
//! `sound-library`), made here at load.
//!
//! The mixer exists only while the page plays sound ([`SoundHost::start`], after the first user
//! gesture, at the AudioContext's rate); before that, sound events are skipped.

use std::rc::Rc;

use serde::Serialize;
use starling_audio::mixer::Mixer;
use starling_audio::Sound;
use starling_runtime::io::SoundEvent;
use starling_runtime::Program;

use crate::session::Words;

/// Mixed sound the page has not taken is kept for at most this long (a page that stopped
/// taking it must not make it grow).
const MAX_PENDING_SECONDS: f64 = 1.0;

/// The most one frame mixes: a frame can last long in program time (a long warp loop), but the
/// page would only drop what it cannot play.
const MAX_FRAME_SECONDS: f64 = 0.5;

/// The rate library sounds are made at (the CLI's, so lengths agree).
#[cfg(feature = "sound-library")]
const LIBRARY_RATE: u32 = 48_000;

/// A sound file the page decodes and hands in ([`crate::Session::set_sound_file`] or
/// [`crate::Session::set_sound_samples`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoundNeed {
    pub target: usize,
    pub sound: usize,
    pub sprite: String,
    pub name: String,
    /// The file (in the .sb3, or named by `#sound NAME = FILE`); `None`: no file.
    pub file: Option<String>,
    /// The rate the project records for it (a good rate to decode MP3 at).
    pub rate: Option<u32>,
    /// Already there (a library sound made at load): nothing to decode.
    pub ready: bool,
}

/// What handing in a sound file gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoundLoad {
    /// Decoded: its length in seconds.
    pub seconds: Option<f64>,
    /// MP3 or OGG: the page decodes it and calls `set_sound_samples`.
    pub compressed: bool,
    /// It could not be used (it stays silent), in both languages.
    pub problem: Option<Words>,
}

/// The program's decoded sounds and the mixer.
#[derive(Default)]
pub struct SoundHost {
    /// `sounds[target][index]`.
    sounds: Vec<Vec<Option<Rc<Sound>>>>,
    needs: Vec<SoundNeed>,
    mixer: Option<Mixer>,
    /// Interleaved stereo mixed since the page last took it.
    pending: Vec<f32>,
    /// Library sounds made so far, by name (the editor reloads the project after each change).
    library: std::collections::HashMap<String, Option<Rc<Sound>>>,
}

impl SoundHost {
    pub fn new() -> SoundHost {
        SoundHost::default()
    }

    /// A program was compiled and is about to be loaded: forget the old sounds, list the new
    /// ones, make the library's, and give those their real lengths. A playing mixer starts
    /// afresh (the old project's sounds stop).
    pub(crate) fn prepare(&mut self, program: &mut Program) {
        self.sounds = program
            .targets
            .iter()
            .map(|t| vec![None; t.sounds.len()])
            .collect();
        self.needs.clear();
        for (t, target) in program.targets.iter_mut().enumerate() {
            for (i, def) in target.sounds.iter_mut().enumerate() {
                let mut ready = false;
                if def.file.is_none() {
                    let made = self
                        .library
                        .entry(def.name.clone())
                        .or_insert_with(|| library_sound(&def.name).map(Rc::new));
                    if let Some(sound) = made {
                        def.seconds = Some(sound.seconds());
                        self.sounds[t][i] = Some(Rc::clone(sound));
                        ready = true;
                    }
                }
                self.needs.push(SoundNeed {
                    target: t,
                    sound: i,
                    sprite: target.name.clone(),
                    name: def.name.clone(),
                    file: def.file.clone(),
                    rate: def.rate_and_samples.map(|(rate, _)| rate),
                    ready,
                });
            }
        }
        if let Some(rate) = self.mixer.as_ref().map(Mixer::rate) {
            self.start(rate);
        }
        self.pending.clear();
    }

    /// The sound files of the loaded program.
    pub fn needs(&self) -> &[SoundNeed] {
        &self.needs
    }

    /// Keeps a decoded sound (also in the mixer, if it plays); false for an unknown sound.
    pub(crate) fn set(&mut self, target: usize, index: usize, sound: Sound) -> bool {
        let Some(slot) = self.sounds.get_mut(target).and_then(|t| t.get_mut(index)) else {
            return false;
        };
        let sound = Rc::new(sound);
        *slot = Some(Rc::clone(&sound));
        if let Some(m) = self.mixer.as_mut() {
            m.set_sound(target as u32, index, sound);
        }
        true
    }

    /// The page plays sound now, at `rate` samples per second: a fresh mixer with the sounds.
    pub fn start(&mut self, rate: u32) {
        let mut mixer = Mixer::new(rate);
        for (t, list) in self.sounds.iter().enumerate() {
            for (i, sound) in list.iter().enumerate() {
                if let Some(sound) = sound {
                    mixer.set_sound(t as u32, i, Rc::clone(sound));
                }
            }
        }
        self.mixer = Some(mixer);
        self.pending.clear();
    }

    /// The page stopped playing sound: events are skipped again.
    pub fn halt(&mut self) {
        self.mixer = None;
        self.pending.clear();
    }

    /// Whether a mixer runs.
    pub fn active(&self) -> bool {
        self.mixer.is_some()
    }

    /// The mixer's rate (0 when it does not run).
    pub fn rate(&self) -> u32 {
        self.mixer.as_ref().map_or(0, Mixer::rate)
    }

    /// Sounds, notes and drums sounding now.
    pub fn playing(&self) -> usize {
        self.mixer.as_ref().map_or(0, Mixer::playing)
    }

    /// One of the VM's sound events (skipped while no mixer runs).
    pub(crate) fn handle(&mut self, event: &SoundEvent) {
        if let Some(m) = self.mixer.as_mut() {
            m.handle(event);
        }
    }

    /// After a frame and its events: mixes the frame's time.
    pub(crate) fn after_frame(&mut self, seconds: f64) {
        let Some(m) = self.mixer.as_mut() else {
            return;
        };
        if m.playing() == 0 {
            // Silence: nothing for the page to play (it stops scheduling until a sound comes).
            return;
        }
        m.mix(seconds.min(MAX_FRAME_SECONDS), &mut self.pending);
        let max = 2 * (MAX_PENDING_SECONDS * f64::from(m.rate())) as usize;
        if self.pending.len() > max {
            let extra = self.pending.len() - max;
            // Whole stereo frames.
            self.pending.drain(..extra + extra % 2);
        }
    }

    /// The sound mixed since the last call: interleaved stereo, −1…1.
    pub fn take(&mut self) -> Vec<f32> {
        std::mem::take(&mut self.pending)
    }
}

/// `#sound NAME` without a file: the built-in library's sound of that id, English or Chinese
/// name (as the CLI finds it).
#[cfg(feature = "sound-library")]
fn library_sound(name: &str) -> Option<Sound> {
    starling_audio::library::lookup(name).map(|s| s.render(LIBRARY_RATE))
}

#[cfg(not(feature = "sound-library"))]
fn library_sound(_name: &str) -> Option<Sound> {
    None
}

/// Why a sound is silent, in the words the page shows (as the CLI says it).
pub fn sound_problem(sprite: &str, sound: &str, why: &str, problem: Option<&Words>) -> Words {
    let (en, zh) = match (why, problem) {
        (_, Some(p)) => (
            format!("{}, so it is silent.", p.en.trim_end_matches('.')),
            format!("{}，所以它不会发出声音。", p.zh.trim_end_matches('。')),
        ),
        ("missing", None) => (
            "its sound file is missing, so it is silent.".to_string(),
            "找不到它的声音文件，所以它不会发出声音。".to_string(),
        ),
        ("no-file", None) => (
            "it has no sound file, so it is silent.".to_string(),
            "它没有声音文件，所以不会发出声音。".to_string(),
        ),
        _ => (
            "this browser could not play its sound file, so it is silent.".to_string(),
            "这个浏览器不能播放它的声音文件，所以它不会发出声音。".to_string(),
        ),
    };
    Words {
        en: format!("{sprite}, sound “{sound}”: {en}"),
        zh: format!("{sprite} 的声音“{sound}”：{zh}"),
    }
}

impl crate::session::Session {
    /// The sound files of the loaded program, for the page to hand in.
    pub fn sound_needs(&self) -> &[SoundNeed] {
        self.sound.needs()
    }

    /// A sound file's bytes: WAV is decoded here; MP3 and OGG are left to the page (`compressed`)
    /// unless this build has their decoder.
    pub fn set_sound_file(&mut self, target: usize, index: usize, bytes: &[u8]) -> SoundLoad {
        let Some(need) = self
            .sound
            .needs()
            .iter()
            .find(|n| n.target == target && n.sound == index)
            .cloned()
        else {
            return SoundLoad {
                seconds: None,
                compressed: false,
                problem: None,
            };
        };
        let decoded = starling_audio::decode::decode(bytes, &need.name);
        match decoded {
            Ok(sound) => SoundLoad {
                seconds: Some(self.keep_sound(target, index, sound)),
                compressed: false,
                problem: None,
            },
            Err(_) if starling_audio::decode::is_compressed(bytes) => SoundLoad {
                seconds: None,
                compressed: true,
                problem: None,
            },
            Err(p) => SoundLoad {
                seconds: None,
                compressed: false,
                problem: Some(sound_problem(
                    &need.sprite,
                    &need.name,
                    "broken",
                    Some(&Words { en: p.en, zh: p.zh }),
                )),
            },
        }
    }

    /// Mono samples the page decoded (MP3, OGG) at `rate`; their length in seconds, or `None`
    /// when the sound does not exist or the numbers cannot be a sound.
    pub fn set_sound_samples(
        &mut self,
        target: usize,
        index: usize,
        rate: u32,
        mut samples: Vec<f32>,
    ) -> Option<f64> {
        if !(starling_audio::decode::MIN_RATE..=starling_audio::decode::MAX_RATE).contains(&rate) {
            return None;
        }
        samples.truncate(starling_audio::decode::max_frames(rate));
        for s in &mut samples {
            *s = if s.is_finite() {
                s.clamp(-1.0, 1.0)
            } else {
                0.0
            };
        }
        let exists = self
            .sound
            .needs()
            .iter()
            .any(|n| n.target == target && n.sound == index);
        exists.then(|| self.keep_sound(target, index, Sound { rate, samples }))
    }

    /// Why sound `index` of `target` is silent (`missing`, `no-file` or `undecodable`).
    pub fn sound_problem(&self, target: usize, index: usize, why: &str) -> Option<Words> {
        let need = self
            .sound
            .needs()
            .iter()
            .find(|n| n.target == target && n.sound == index)?;
        Some(sound_problem(&need.sprite, &need.name, why, None))
    }

    fn keep_sound(&mut self, target: usize, index: usize, sound: Sound) -> f64 {
        let seconds = sound.seconds();
        if let Some(vm) = self.vm.as_mut() {
            vm.set_sound_seconds(target, index, seconds);
        }
        self.sound.set(target, index, sound);
        seconds
    }

    /// The page plays sound at `rate` from now on (0: it stopped).
    pub fn audio_start(&mut self, rate: u32) {
        if rate == 0 {
            self.sound.halt();
        } else {
            self.sound.start(rate);
        }
    }

    /// The sound mixed since the last call (interleaved stereo).
    pub fn audio_take(&mut self) -> Vec<f32> {
        self.sound.take()
    }

    pub fn audio_playing(&self) -> usize {
        self.sound.playing()
    }

    pub fn audio_rate(&self) -> u32 {
        self.sound.rate()
    }
}

/// A library sound as the sound picker lists it.
#[cfg(feature = "sound-library")]
#[derive(Debug, Clone, Serialize)]
pub struct LibraryEntry {
    pub id: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub seconds: f32,
}

/// The built-in sounds, in the picker's order.
#[cfg(feature = "sound-library")]
pub fn library_entries() -> Vec<LibraryEntry> {
    starling_audio::library::all()
        .iter()
        .map(|s| LibraryEntry {
            id: s.id,
            en: s.en,
            zh: s.zh,
            seconds: s.seconds,
        })
        .collect()
}

/// A built-in sound as a 16-bit mono WAV at 44.1 kHz (how .sb3 files keep them); empty for an
/// unknown id.
#[cfg(feature = "sound-library")]
pub fn library_wav(id: &str) -> Vec<u8> {
    match starling_audio::library::find(id) {
        Some(s) => {
            let sound = s.render(44_100);
            starling_audio::wav::encode_wav_16(sound.rate, 1, &sound.samples)
        }
        None => Vec::new(),
    }
}

/// The JavaScript side: methods of `Playground` (see `web.rs`).
#[cfg(target_arch = "wasm32")]
mod bindings {
    #![allow(unsafe_code)]

    use wasm_bindgen::prelude::*;

    use crate::web::Playground;

    fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
    }

    #[wasm_bindgen]
    impl Playground {
        /// JSON array of the sound files to hand in (`set_sound_file`).
        pub fn sound_needs(&self) -> String {
            json(self.session.sound_needs())
        }

        /// A sound file's bytes; JSON `{seconds, compressed, problem}`.
        pub fn set_sound_file(&mut self, target: usize, sound: usize, bytes: &[u8]) -> String {
            json(&self.session.set_sound_file(target, sound, bytes))
        }

        /// Mono samples the browser decoded; their length in seconds, or -1.
        pub fn set_sound_samples(
            &mut self,
            target: usize,
            sound: usize,
            rate: u32,
            samples: Vec<f32>,
        ) -> f64 {
            self.session
                .set_sound_samples(target, sound, rate, samples)
                .unwrap_or(-1.0)
        }

        /// JSON words (en, zh): why a sound is silent (`missing`, `no-file`, `undecodable`).
        pub fn sound_problem(&self, target: usize, sound: usize, why: &str) -> String {
            json(&self.session.sound_problem(target, sound, why))
        }

        /// The page plays sound at `rate` (the AudioContext's) from now on; 0: it stopped.
        pub fn audio_start(&mut self, rate: u32) {
            self.session.audio_start(rate);
        }

        /// The sound mixed since the last call: interleaved stereo.
        pub fn audio_take(&mut self) -> Vec<f32> {
            self.session.audio_take()
        }

        pub fn audio_playing(&self) -> usize {
            self.session.audio_playing()
        }

        pub fn audio_rate(&self) -> u32 {
            self.session.audio_rate()
        }

        /// JSON array of the built-in sounds: `{id, en, zh, seconds}`.
        #[cfg(feature = "sound-library")]
        pub fn library_sounds_json() -> String {
            json(&super::library_entries())
        }

        /// A built-in sound as a WAV file (mono, 16-bit, 44.1 kHz); empty for an unknown id.
        #[cfg(feature = "sound-library")]
        pub fn library_sound_wav(id: &str) -> Vec<u8> {
            super::library_wav(id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn wav(rate: u32, samples: &[f32]) -> Vec<u8> {
        starling_audio::wav::encode_wav_16(rate, 1, samples)
    }

    #[test]
    fn a_wav_sound_is_decoded_and_its_length_known() {
        let mut s = Session::new();
        let report = s.load_text("#sprite Cat\n#sound Beep = beep.wav\nwhen flag clicked\nplay sound [Beep] until done\n");
        assert!(report.loaded, "{:?}", report.diagnostics);
        let needs = s.sound_needs().to_vec();
        assert_eq!(needs.len(), 1);
        let tone: Vec<f32> = (0..24_000).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
        let load = s.set_sound_file(needs[0].target, 0, &wav(48_000, &tone));
        assert_eq!(load.seconds, Some(0.5));
        s.audio_start(48_000);
        s.green_flag();
        s.step_frame();
        let pcm = s.audio_take();
        assert_eq!(pcm.len(), 2 * 1600);
        assert!(pcm.iter().any(|v| v.abs() > 0.1), "the sound plays");
        // Stop: a 25 ms fade, then silence.
        s.stop();
        s.step_frame();
        s.step_frame();
        let pcm = s.audio_take();
        assert_eq!(pcm.len(), 2 * 1600, "the fade-out, then nothing to play");
        assert!(
            pcm[2 * 1200..].iter().all(|v| *v == 0.0),
            "silent after the fade"
        );
    }

    #[test]
    fn without_a_mixer_sounds_are_skipped_and_broken_files_are_explained() {
        let mut s = Session::new();
        let report = s.load_text(
            "#sprite Cat\n#sound Beep = beep.wav\nwhen flag clicked\nplay sound [Beep]\n",
        );
        assert!(report.loaded);
        let t = s.sound_needs()[0].target;
        let load = s.set_sound_file(t, 0, b"GIF89a not a sound");
        let p = load.problem.expect("a problem");
        assert!(p.en.contains("Beep") && p.zh.contains("Beep"), "{p:?}");
        s.green_flag();
        s.step_frame();
        assert!(s.audio_take().is_empty());
        // MP3 bytes are left to the browser in a build without the decoder; samples come back.
        let secs = s.set_sound_samples(t, 0, 22_050, vec![0.25; 22_050]);
        assert_eq!(secs, Some(1.0));
        assert_eq!(s.set_sound_samples(t, 0, 7, vec![0.0; 10]), None);
    }

    #[cfg(feature = "sound-library")]
    #[test]
    fn a_library_sound_by_name_plays_until_done_for_its_length() {
        let mut s = Session::new();
        let report = s.load_text(
            "#sprite Cat\n#sound Meow\nwhen flag clicked\nplay sound [Meow] until done\n",
        );
        assert!(report.loaded, "{:?}", report.diagnostics);
        let need = &s.sound_needs()[0];
        assert!(need.ready && need.file.is_none());
        let seconds = s.vm.as_ref().unwrap().program().targets[need.target].sounds[0]
            .seconds
            .expect("the library sound's length");
        assert!(seconds > 0.1);
        s.audio_start(44_100);
        s.green_flag();
        let frames = (seconds * 30.0).ceil() as usize;
        for _ in 0..frames + 2 {
            s.step_frame();
        }
        assert!(s.audio_take().iter().any(|v| v.abs() > 0.05), "it plays");
        assert!(!s.is_running(), "the script ended with the sound");
    }

    #[cfg(feature = "sound-library")]
    #[test]
    fn library_sounds_are_listed_and_saved_as_wav() {
        let list = library_entries();
        assert!(list.len() >= 10);
        let wav = library_wav(list[0].id);
        let sound = starling_audio::decode::decode(&wav, "x").expect("a WAV");
        assert_eq!(sound.rate, 44_100);
        assert!(library_wav("no-such-sound").is_empty());
    }
}
