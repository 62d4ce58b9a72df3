//! The mixing benchmark's scenario, shared by `examples/mix_bench.rs` (native) and the stage
//! benchmark's wasm build (`stage-bench`), so both time the same work. The timing is the host's:
//! nothing here reads a clock.
//!
//! Sixteen sounds at once, mixed in frames of 1/30 s at 48 kHz: twelve decoded-like tones (3 s,
//! at 22.05, 44.1 and 48 kHz, so every one is resampled or pitched) played by twelve sprites
//! at different volumes, pitches (−120…+45) and pans, each restarted every 2 s (a restart fades
//! the old playback out, so there are a few more voices for 25 ms), one sprite's pan and volume
//! changing every frame (a gain ramp); and four notes a second on four instruments from
//! [`crate::synth`] (cached after their first use, as in a real melody).

use std::rc::Rc;

use starling_runtime::io::SoundEvent;

use super::Mixer;
use crate::Sound;

/// Output rate.
pub const RATE: u32 = 48_000;
/// One frame of Scratch's editor.
pub const FRAME_SECONDS: f64 = 1.0 / 30.0;
/// Sounds played by sprites.
pub const TONES: usize = 12;
/// Notes started each second.
pub const NOTES: usize = 4;
/// Frames to run before timing, so that every tone plays and the note cache is filled.
pub const WARMUP_FRAMES: usize = 60;

/// The scenario: a mixer and a frame counter.
pub struct MixBench {
    mixer: Mixer,
    frame: u64,
    out: Vec<f32>,
    events: Vec<SoundEvent>,
}

impl Default for MixBench {
    fn default() -> Self {
        MixBench::new()
    }
}

impl MixBench {
    pub fn new() -> MixBench {
        let mut mixer = Mixer::new(RATE);
        for i in 0..TONES {
            mixer.set_sound(1, i, Rc::new(tone(i)));
        }
        MixBench {
            mixer,
            frame: 0,
            out: Vec::with_capacity(2 * RATE as usize / 25),
            events: Vec::new(),
        }
    }

    /// One frame: its events, then 1/30 s of sound.
    pub fn frame(&mut self) {
        self.events.clear();
        frame_events(self.frame, &mut self.events);
        for e in &self.events {
            self.mixer.handle(e);
        }
        self.out.clear();
        self.mixer.mix(FRAME_SECONDS, &mut self.out);
        self.frame += 1;
    }

    /// Playbacks sounding now.
    pub fn playing(&self) -> usize {
        self.mixer.playing()
    }

    /// The largest sample of the latest frame (never above 1).
    pub fn peak(&self) -> f32 {
        self.out.iter().fold(0.0f32, |m, s| m.max(s.abs()))
    }

    /// Samples (both channels) in the latest frame.
    pub fn samples(&self) -> usize {
        self.out.len()
    }
}

/// The events of frame `f`.
fn frame_events(f: u64, events: &mut Vec<SoundEvent>) {
    for i in 0..TONES as u64 {
        if (f + 5 * i) % 60 == 0 {
            let (volume, pitch, pan) = tone_effects(i, 0);
            events.push(SoundEvent::Play {
                target: String::new(),
                sprite: 1 + i as u32,
                owner: 1,
                sound: i as usize,
                volume,
                pitch,
                pan,
            });
        }
    }
    let i = f % TONES as u64;
    let (volume, pitch, pan) = tone_effects(i, f);
    events.push(SoundEvent::Effects {
        target: String::new(),
        sprite: 1 + i as u32,
        volume,
        pitch,
        pan,
    });
    for j in 0..NOTES as u64 {
        if f % 30 == j * 7 {
            events.push(SoundEvent::Note {
                sprite: 20 + j as u32,
                note: (48 + 7 * j + 2 * ((f / 30) % 5)) as f64,
                instrument: 1 + 5 * j as u32,
                seconds: 1.0,
                volume: 50.0,
            });
        }
    }
}

/// Tone `i`'s volume, pitch and pan at frame `f` (the pan and volume move with `f`).
fn tone_effects(i: u64, f: u64) -> (f64, f64, f64) {
    let volume = 60.0 + 3.0 * i as f64 - (f % 20) as f64;
    let pitch = -120.0 + 15.0 * i as f64;
    let pan = ((i * 18 + f * 7) % 200) as f64 - 100.0;
    (volume, pitch, pan)
}

/// A 3-second tone with a second harmonic, like a decoded sound file.
fn tone(i: usize) -> Sound {
    let rate = [22_050, 44_100, 48_000][i % 3];
    let freq = 220.0 * (1.0 + i as f64 / 4.0);
    let n = 3 * rate as usize;
    let w = std::f64::consts::TAU * freq / f64::from(rate);
    let samples = (0..n)
        .map(|k| {
            let x = w * k as f64;
            (0.12 * x.sin() + 0.04 * (2.0 * x).sin()) as f32
        })
        .collect();
    Sound { rate, samples }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_keeps_twelve_tones_and_stays_within_one() {
        let mut bench = MixBench::new();
        for _ in 0..WARMUP_FRAMES + 30 {
            bench.frame();
            assert!(bench.peak() <= 1.0);
            assert_eq!(bench.samples(), 3200);
        }
        assert!(bench.playing() >= TONES, "{}", bench.playing());
        assert!(bench.peak() > 0.1);
    }
}
