//! The mixer's rules on made-up sounds, and one run with the VM to check that picture and sound
//! agree.

use std::f64::consts::TAU;
use std::rc::Rc;

use starling_runtime::io::SoundEvent;

use super::*;
use crate::Sound;

const RATE: u32 = 48_000;
const FRAME: f64 = 1.0 / 30.0;
/// Output samples per frame.
const SPAN: usize = 1600;

fn sine(freq: f64, seconds: f64, rate: u32, amplitude: f32) -> Rc<Sound> {
    let n = (seconds * f64::from(rate)).round() as usize;
    let w = TAU * freq / f64::from(rate);
    Rc::new(Sound {
        rate,
        samples: (0..n)
            .map(|k| amplitude * (w * k as f64).sin() as f32)
            .collect(),
    })
}

/// A sound whose sample k is k / n: its value says where the playback is.
fn ramp(n: usize, rate: u32) -> Rc<Sound> {
    Rc::new(Sound {
        rate,
        samples: (0..n).map(|k| k as f32 / n as f32).collect(),
    })
}

fn play(sprite: u32, sound: usize, volume: f64, pitch: f64, pan: f64) -> SoundEvent {
    SoundEvent::Play {
        target: "Cat".into(),
        sprite,
        owner: 1,
        sound,
        volume,
        pitch,
        pan,
    }
}

fn effects(sprite: u32, volume: f64, pitch: f64, pan: f64) -> SoundEvent {
    SoundEvent::Effects {
        target: "Cat".into(),
        sprite,
        volume,
        pitch,
        pan,
    }
}

fn mixer_with(sounds: &[Rc<Sound>]) -> Mixer {
    let mut m = Mixer::new(RATE);
    for (i, s) in sounds.iter().enumerate() {
        m.set_sound(1, i, Rc::clone(s));
    }
    m
}

/// `n` frames of 1/30 s.
fn frames(m: &mut Mixer, n: usize) -> Vec<f32> {
    let mut out = Vec::new();
    for _ in 0..n {
        m.mix(FRAME, &mut out);
    }
    out
}

fn channel(buf: &[f32], c: usize) -> Vec<f32> {
    buf.iter().skip(c).step_by(2).copied().collect()
}

fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0f32, |m, s| m.max(s.abs()))
}

/// One past the last sample (per channel) that is not silent.
fn sounding_until(buf: &[f32]) -> usize {
    buf.chunks_exact(2)
        .rposition(|f| f[0] != 0.0 || f[1] != 0.0)
        .map_or(0, |i| i + 1)
}

/// Sign changes from negative to non-negative.
fn upward_crossings(samples: &[f32]) -> usize {
    samples
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count()
}

#[test]
fn thirty_frames_are_exactly_one_second() {
    for rate in [48_000, 44_100, 22_050, 8_000] {
        let mut m = Mixer::new(rate);
        let out = frames(&mut m, 30);
        assert_eq!(out.len(), 2 * rate as usize, "{rate}");
        let mut out = Vec::new();
        for _ in 0..60 {
            m.mix(1.0 / 60.0, &mut out);
        }
        assert_eq!(out.len(), 2 * rate as usize, "{rate}");
    }
}

#[test]
fn a_one_second_sound_lasts_one_second() {
    let mut m = mixer_with(&[sine(440.0, 1.0, 22_050, 0.8)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    let out = frames(&mut m, 30);
    assert_eq!(m.playing(), 0);
    let end = sounding_until(&out);
    assert!((47_990..=48_000).contains(&end), "{end}");
    // 440 Hz for one second, resampled from 22.05 kHz.
    let crossings = upward_crossings(&channel(&out, 0));
    assert!((439..=441).contains(&crossings), "{crossings}");
}

#[test]
fn an_octave_up_lasts_half_as_long_at_twice_the_frequency() {
    let mut m = mixer_with(&[sine(440.0, 1.0, 22_050, 0.8)]);
    m.handle(&play(1, 0, 100.0, 120.0, 0.0));
    let out = frames(&mut m, 30);
    let end = sounding_until(&out);
    assert!((23_990..=24_000).contains(&end), "{end}");
    assert_eq!(m.playing(), 0);
    let crossings = upward_crossings(&channel(&out[..2 * 24_000], 0));
    assert!(
        (439..=441).contains(&crossings),
        "880 Hz for 0.5 s: {crossings}"
    );
}

#[test]
fn pan_uses_scratch_gains() {
    let sound = sine(300.0, 0.5, RATE, 0.8);
    let measure = |pan: f64| {
        let mut m = mixer_with(std::slice::from_ref(&sound));
        m.handle(&play(1, 0, 100.0, 0.0, pan));
        let out = frames(&mut m, 10);
        (peak(&channel(&out, 0)), peak(&channel(&out, 1)))
    };
    let (l, r) = measure(-100.0);
    assert!((l - 0.8).abs() < 1e-3 && r == 0.0, "{l} {r}");
    let (l, r) = measure(100.0);
    assert!(l < 1e-6 && (r - 0.8).abs() < 1e-3, "{l} {r}");
    // Pan 0 bypasses scratch-audio's pan node: the mono sound at full level on both sides.
    let (l, r) = measure(0.0);
    assert_eq!(l, r);
    assert!((l - 0.8).abs() < 1e-3, "{l}");
    // Just off the centre, the equal-power law: about 0.707 on each side.
    let (l, r) = measure(1.0);
    let gl = (1.01f64 * std::f64::consts::FRAC_PI_4).cos() as f32;
    let gr = (1.01f64 * std::f64::consts::FRAC_PI_4).sin() as f32;
    assert!((l - 0.8 * gl).abs() < 1e-3 && (r - 0.8 * gr).abs() < 1e-3);
    assert!((gl - 0.707).abs() < 0.01 && (gr - 0.707).abs() < 0.01);
    // Half right: cos(1.5·π/4) and sin(1.5·π/4).
    let (l, r) = measure(50.0);
    assert!((l - 0.8 * 0.382_683).abs() < 1e-3 && (r - 0.8 * 0.923_880).abs() < 1e-3);
}

#[test]
fn volume_50_halves_the_amplitude() {
    let sound = sine(300.0, 0.5, RATE, 0.8);
    let mut full = mixer_with(std::slice::from_ref(&sound));
    full.handle(&play(1, 0, 100.0, 0.0, 0.0));
    let a = frames(&mut full, 10);
    let mut half = mixer_with(&[sound]);
    half.handle(&play(1, 0, 50.0, 0.0, 0.0));
    let b = frames(&mut half, 10);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!((x * 0.5 - y).abs() < 1e-6);
    }
}

#[test]
fn stop_all_silences_from_the_next_span() {
    let mut m = mixer_with(&[sine(300.0, 5.0, RATE, 0.8)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    frames(&mut m, 5);
    m.handle(&SoundEvent::StopAll);
    let out = frames(&mut m, 1);
    // A 25 ms fade at the start of the span, then silence.
    let fade = (FADE_SECONDS * f64::from(RATE)) as usize;
    assert!(peak(&out[..200]) > 0.1);
    assert_eq!(sounding_until(&out), fade);
    assert_eq!(m.playing(), 0);
    assert_eq!(peak(&frames(&mut m, 3)), 0.0);
}

#[test]
fn playing_again_restarts_the_sound() {
    let n = 3 * RATE as usize;
    let mut m = mixer_with(&[ramp(n, RATE)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    let out = frames(&mut m, 10);
    assert!((out[2 * (10 * SPAN - 1)] - (10 * SPAN - 1) as f32 / n as f32).abs() < 1e-6);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    // The old playback fades out over 25 ms; the new one starts from the beginning.
    assert_eq!(m.playing(), 2);
    let out = frames(&mut m, 1);
    assert_eq!(m.playing(), 1);
    let k = 1500;
    assert!(
        (out[2 * k] - k as f32 / n as f32).abs() < 1e-6,
        "{}",
        out[2 * k]
    );
}

#[test]
fn playing_again_while_starting_goes_on() {
    let n = 3 * RATE as usize;
    let mut m = mixer_with(&[ramp(n, RATE)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    assert_eq!(m.playing(), 1);
    // 60 frames per second: 16.7 ms later it is still starting (25 ms).
    let mut out = Vec::new();
    m.mix(1.0 / 60.0, &mut out);
    m.handle(&play(1, 0, 50.0, 0.0, 0.0));
    assert_eq!(m.playing(), 1);
    m.mix(1.0 / 60.0, &mut out);
    assert_eq!(out.len(), 2 * SPAN);
    // No restart: the ramp goes on rising; the volume change glides to 0.5 over 25 ms.
    assert!((out[2 * 799] - 799.0 / n as f32).abs() < 1e-6);
    assert!(out[2 * 801] > out[2 * 799] * 0.9);
    // A frame later (33 ms in) it restarts.
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    assert_eq!(m.playing(), 2);
}

#[test]
fn another_sprite_playing_the_sound_takes_it_over() {
    let sound = sine(300.0, 5.0, RATE, 0.8);
    let mut m = mixer_with(&[sound]);
    m.handle(&play(1, 0, 100.0, 0.0, -100.0));
    frames(&mut m, 3);
    // A clone (sprite 7) plays the sprite's sound: the sprite's playback fades out.
    m.handle(&play(7, 0, 100.0, 0.0, 100.0));
    assert_eq!(m.playing(), 2);
    let out = frames(&mut m, 1);
    assert_eq!(m.playing(), 1);
    assert_eq!(peak(&channel(&out[2 * 1300..], 0)), 0.0);
    // The sprite's effects no longer reach the sound; the clone's do.
    m.handle(&effects(1, 0.0, 0.0, -100.0));
    let out = frames(&mut m, 1);
    assert!((peak(&channel(&out, 1)) - 0.8).abs() < 1e-3);
    m.handle(&effects(7, 0.0, 0.0, 100.0));
    let out = frames(&mut m, 2);
    assert_eq!(peak(&out[2 * 1300..]), 0.0);
}

#[test]
fn stop_stops_only_what_the_sprite_played_last() {
    let mut m = mixer_with(&[sine(300.0, 5.0, RATE, 0.8), sine(200.0, 5.0, RATE, 0.8)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    m.handle(&play(2, 1, 100.0, 0.0, 0.0));
    m.handle(&SoundEvent::Stop {
        sprite: 2,
        owner: 1,
        sound: 0,
    });
    frames(&mut m, 1);
    assert_eq!(m.playing(), 2);
    m.handle(&SoundEvent::Stop {
        sprite: 1,
        owner: 1,
        sound: 0,
    });
    frames(&mut m, 1);
    assert_eq!(m.playing(), 1);
}

#[test]
fn effects_change_mid_sound() {
    let mut m = mixer_with(&[sine(300.0, 1.0, RATE, 0.8)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    let before = frames(&mut m, 15);
    assert!((peak(&before) - 0.8).abs() < 1e-3);
    // Half-way: volume 50 (a 25 ms glide), pitch an octave up.
    m.handle(&effects(1, 50.0, 120.0, 0.0));
    let after = frames(&mut m, 15);
    let fade = (FADE_SECONDS * f64::from(RATE)) as usize;
    assert!((peak(&after[2 * fade..]) - 0.4).abs() < 1e-3);
    // The rest, 0.5 s of the sound, takes 0.25 s at double speed, as the VM counts it.
    let end = sounding_until(&after);
    assert!((11_990..=12_000).contains(&end), "{end}");
    let crossings = upward_crossings(&channel(&after[2 * 2400..2 * 12_000], 0));
    assert!(
        (119..=121).contains(&crossings),
        "600 Hz for 0.2 s: {crossings}"
    );
    // A sprite that did not play it changes nothing.
    let mut m = mixer_with(&[sine(300.0, 1.0, RATE, 0.8)]);
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    m.handle(&effects(2, 10.0, 0.0, 0.0));
    assert!((peak(&frames(&mut m, 5)) - 0.8).abs() < 1e-3);
}

#[test]
fn a_drum_pattern_starts_on_the_beat() {
    // A click: 10 ms at 0.5.
    let click = Rc::new(Sound {
        rate: RATE,
        samples: vec![0.5; 480],
    });
    let mut m = Mixer::new(RATE);
    m.set_drum(1, Rc::clone(&click));
    m.set_drum(2, click);
    // Tempo 120: a beat every 0.5 s, 15 frames; drum 2 on the off-beats.
    let mut out = Vec::new();
    for f in 0..60 {
        if f % 15 == 0 {
            m.handle(&drum(1, 0.5, 100.0));
        }
        if f % 15 == 7 {
            m.handle(&drum(2, 0.5, 50.0));
        }
        m.mix(FRAME, &mut out);
    }
    let onsets = onsets(&channel(&out, 0));
    assert_eq!(
        onsets,
        [
            (0, 0.5),
            (7 * SPAN, 0.25),
            (24_000, 0.5),
            (24_000 + 7 * SPAN, 0.25),
            (48_000, 0.5),
            (48_000 + 7 * SPAN, 0.25),
            (72_000, 0.5),
            (72_000 + 7 * SPAN, 0.25)
        ]
    );
}

fn drum(drum: u32, seconds: f64, volume: f64) -> SoundEvent {
    SoundEvent::Drum {
        sprite: 1,
        drum,
        seconds,
        volume,
    }
}

/// Where the signal starts after silence, and its level there.
fn onsets(samples: &[f32]) -> Vec<(usize, f32)> {
    let mut found = Vec::new();
    let mut silent = true;
    for (i, &s) in samples.iter().enumerate() {
        if silent && s != 0.0 {
            found.push((i, s));
        }
        silent = s == 0.0;
    }
    found
}

#[test]
fn many_loud_sounds_never_go_beyond_one() {
    let sounds: Vec<Rc<Sound>> = (0..40)
        .map(|i| sine(100.0 + 37.0 * i as f64, 1.0, RATE, 1.0))
        .collect();
    let mut m = mixer_with(&sounds);
    for i in 0..40 {
        m.handle(&play(1 + i as u32, i, 100.0, 0.0, 0.0));
    }
    let out = frames(&mut m, 40);
    assert!(peak(&out) <= 1.0);
    assert!(peak(&out) > 0.9);
    // Afterwards the gain recovers: a quiet sound alone passes unchanged.
    frames(&mut m, 60);
    let mut quiet = mixer_with(&[sine(300.0, 0.2, RATE, 0.3)]);
    quiet.handle(&play(1, 0, 100.0, 0.0, 0.0));
    let reference = frames(&mut quiet, 3);
    m.set_sound(1, 0, sine(300.0, 0.2, RATE, 0.3));
    m.handle(&play(1, 0, 100.0, 0.0, 0.0));
    let again = frames(&mut m, 3);
    let worst = again
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        again.len() == reference.len() && worst == 0.0,
        "the limiter has let go: {worst} {}",
        m.playing()
    );
}

#[test]
fn odd_events_play_nothing_and_never_panic() {
    let mut m = mixer_with(&[
        Rc::new(Sound::silent()),
        Rc::new(Sound {
            rate: 0,
            samples: vec![0.5; 100],
        }),
        sine(300.0, 0.5, RATE, 0.8),
    ]);
    let odd = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e300, 1e300];
    for &x in &odd {
        m.handle(&play(1, 0, x, x, x));
        m.handle(&play(1, 1, x, x, x));
        m.handle(&play(1, 9, x, x, x));
        m.handle(&SoundEvent::Play {
            target: String::new(),
            sprite: u32::MAX,
            owner: u32::MAX,
            sound: usize::MAX,
            volume: x,
            pitch: x,
            pan: x,
        });
        m.handle(&play(3, 2, x, x, x));
        m.handle(&effects(3, x, x, x));
        m.handle(&drum(0, x, x));
        m.handle(&drum(u32::MAX, x, x));
        m.handle(&SoundEvent::Note {
            sprite: 1,
            note: x,
            instrument: 0,
            seconds: x,
            volume: x,
        });
        m.handle(&SoundEvent::Stop {
            sprite: 9,
            owner: 9,
            sound: usize::MAX,
        });
        let mut out = Vec::new();
        m.mix(FRAME, &mut out);
        if !(x >= 0.0 && x.is_finite()) {
            m.mix(x, &mut out);
        }
        m.mix(-1.0, &mut out);
        m.mix(0.0, &mut out);
        assert_eq!(out.len(), 2 * SPAN);
        assert!(out.iter().all(|s| s.is_finite() && s.abs() <= 1.0));
    }
    m.handle(&SoundEvent::StopAll);
    frames(&mut m, 2);
    assert_eq!(m.playing(), 0);
}

#[test]
fn notes_and_drums_come_from_the_synth_at_the_sprites_volume() {
    let mut m = Mixer::new(RATE);
    m.handle(&SoundEvent::Note {
        sprite: 1,
        note: 60.0,
        instrument: 1,
        seconds: 0.5,
        volume: 50.0,
    });
    m.handle(&drum(1, 0.25, 40.0));
    let out = frames(&mut m, 90);
    let note = synth::note(1, 60.0, 0.5, RATE);
    let hit = synth::drum(1, RATE);
    // The mix is exactly the synth's sounds at their volumes, centred (quiet enough that the
    // limiter leaves them alone).
    for (k, frame) in out.chunks_exact(2).enumerate() {
        let expected = 0.5 * note.samples.get(k).copied().unwrap_or(0.0)
            + 0.4 * hit.samples.get(k).copied().unwrap_or(0.0);
        assert!(
            (frame[0] - expected).abs() < 1e-5,
            "{k}: {} {expected}",
            frame[0]
        );
        assert_eq!(frame[0], frame[1]);
    }
    if !note.samples.is_empty() {
        assert!(peak(&out) > 0.01, "a synthesised note is heard");
        assert!(
            note.seconds() > 0.5,
            "the note includes its release: {}",
            note.seconds()
        );
    }
    // Played again, the cached sounds give the same mix.
    m.handle(&SoundEvent::Note {
        sprite: 1,
        note: 60.0,
        instrument: 1,
        seconds: 0.5,
        volume: 50.0,
    });
    m.handle(&drum(1, 0.25, 40.0));
    assert!(frames(&mut m, 90) == out);
}

#[test]
fn at_most_31_notes_sound_at_once() {
    let mut m = Mixer::new(RATE);
    for k in 0..40 {
        m.handle(&SoundEvent::Note {
            sprite: 1,
            note: 40.0 + k as f64,
            instrument: 1,
            seconds: 1.0,
            volume: 100.0,
        });
    }
    if synth::note(1, 60.0, 1.0, RATE).samples.is_empty() {
        // The synth makes silence: nothing to play.
        assert_eq!(m.playing(), 0);
    } else {
        assert_eq!(m.playing(), MUSIC_CONCURRENCY_LIMIT + 1);
    }
}

// ---------------------------------------------------------------------- with the VM

mod with_vm {
    use starling_runtime::isa::Instr;
    use starling_runtime::program::{Chunk, Hat, ScriptDef, SoundDef, SourceLoc, TargetDef};
    use starling_runtime::{Event, Input, Program, Value, Vm, VmConfig};

    use super::*;

    /// A program whose sprite "Cat" (target 1) has `sound` and runs each of `scripts` on the
    /// green flag; each script is a list of instructions where `Const` operands are given as
    /// values.
    fn program(sound: &Sound, scripts: &[Vec<Op>]) -> Program {
        let mut p = Program {
            targets: vec![TargetDef::new("Stage", true), TargetDef::new("Cat", false)],
            ..Program::default()
        };
        p.targets[1].sounds.push(SoundDef {
            name: "meow".into(),
            file: None,
            seconds: Some(sound.seconds()),
            rate_and_samples: None,
        });
        for script in scripts {
            let mut code = Vec::new();
            for op in script {
                match op {
                    Op::K(v) => {
                        p.constants.push(v.clone());
                        code.push(Instr::Const {
                            k: (p.constants.len() - 1) as u32,
                        });
                    }
                    Op::I(i) => code.push(*i),
                }
            }
            code.push(Instr::End);
            let locs = vec![SourceLoc::None; code.len()];
            p.chunks.push(Chunk {
                name: "script".into(),
                code,
                locs,
            });
            p.scripts.push(ScriptDef {
                target: 1,
                hat: Hat::Flag,
                chunk: (p.chunks.len() - 1) as u32,
            });
        }
        p
    }

    enum Op {
        K(Value),
        I(Instr),
    }

    fn k(v: impl Into<Value>) -> Op {
        Op::K(v.into())
    }

    /// Runs frames as a host does (step, hand the events to the mixer, mix the frame's time),
    /// giving per frame what was said and how many playbacks sounded after its span.
    fn run(vm: &mut Vm, m: &mut Mixer, n: usize, out: &mut Vec<f32>) -> Vec<(Vec<String>, usize)> {
        let mut log = Vec::new();
        for _ in 0..n {
            vm.step_frame(&Input::default());
            let mut said = Vec::new();
            for e in vm.take_events() {
                match e {
                    Event::Sound(s) => m.handle(&s),
                    Event::Bubble { text, .. } => said.push(text),
                    _ => {}
                }
            }
            m.mix(vm.frame_seconds(), out);
            log.push((said, m.playing()));
        }
        log
    }

    #[test]
    fn play_until_done_ends_with_the_mixed_sound_through_a_pitch_change() {
        let sound = sine(440.0, 1.0, 22_050, 0.5);
        let p = program(
            &sound,
            &[
                vec![
                    k("meow"),
                    Op::I(Instr::PlaySoundStart),
                    Op::I(Instr::WaitCheck),
                    k("done"),
                    Op::I(Instr::Say { kind: 0 }),
                ],
                vec![
                    k(0.5),
                    Op::I(Instr::WaitStart),
                    Op::I(Instr::WaitCheck),
                    k(120.0),
                    Op::I(Instr::SetSoundEffect { effect: 0 }),
                ],
            ],
        );
        let mut vm = Vm::new(p, VmConfig::default());
        let mut m = Mixer::new(RATE);
        m.set_sound(1, 0, sound);
        vm.green_flag();
        let mut out = Vec::new();
        let log = run(&mut vm, &mut m, 40, &mut out);
        let done = log
            .iter()
            .position(|(said, _)| said.iter().any(|t| t == "done"))
            .expect("the wait ends");
        // The VM goes on in the frame after the span in which the mixer played the last sample.
        assert_eq!(log[done - 1].1, 0, "the sound ended in the span before");
        assert_eq!(log[done - 2].1, 1, "and not earlier");
        // 0.5 s at normal speed, then 0.5 s of sound in 0.25 s: 0.75 s after the frame that
        // played it (frame 1, the first after the green flag), within a frame.
        let end = sounding_until(&out);
        assert!((35_990..=36_000).contains(&end), "{end}");
        assert_eq!(done + 1, 24);
    }

    #[test]
    fn drums_follow_the_tempo_within_a_frame() {
        let sound = sine(440.0, 0.1, RATE, 0.5);
        let mut script = vec![k(120.0), Op::I(Instr::SetTempo)];
        for _ in 0..4 {
            script.extend([
                k(1.0),
                k(1.0),
                Op::I(Instr::PlayDrumStart),
                Op::I(Instr::WaitCheck),
            ]);
        }
        let p = program(&sound, &[script]);
        let mut vm = Vm::new(p, VmConfig::default());
        let mut m = Mixer::new(RATE);
        m.set_drum(
            1,
            Rc::new(Sound {
                rate: RATE,
                samples: vec![0.5; 480],
            }),
        );
        vm.green_flag();
        let mut out = Vec::new();
        run(&mut vm, &mut m, 70, &mut out);
        let onsets: Vec<usize> = onsets(&channel(&out, 0)).iter().map(|o| o.0).collect();
        assert_eq!(onsets.len(), 4, "{onsets:?}");
        // A beat is 0.5 s (24,000 samples); each onset is on its beat within one frame.
        for (beat, &at) in onsets.iter().enumerate() {
            let expected = onsets[0] + beat * 24_000;
            assert!(
                at.abs_diff(expected) <= SPAN,
                "beat {beat}: {at} vs {expected}"
            );
        }
    }
}
