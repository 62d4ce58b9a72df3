//! The built-in sound library: the short sounds of the playground's sound picker, every one
//! made by synthesis (stored as the code below: no audio files), deterministically.
//!
//! Each sound is a `fn(rate) -> samples`; they are built from the same pieces as the music
//! extension's instruments (`synth::dsp`), and some play the instruments and drums themselves
//! (the loops, the drum roll, the sad trombone).

use std::f64::consts::PI;

use crate::synth::dsp::{Biquad, Partials, Rng};
use crate::synth::{self, clamp_rate};
use crate::Sound;

/// One sound of the library.
pub struct LibrarySound {
    /// Stable identifier (saved in projects): lowercase, hyphenated.
    pub id: &'static str,
    /// Name shown in the picker, in English and Simplified Chinese.
    pub en: &'static str,
    pub zh: &'static str,
    /// Approximate length in seconds.
    pub seconds: f32,
    render: fn(f64) -> Vec<f32>,
}

impl LibrarySound {
    /// The sound at `rate` samples per second (clamped to 8 000…96 000, as the instruments are;
    /// the returned [`Sound`] says which rate it has). Peak at most 0.9.
    pub fn render(&self, rate: u32) -> Sound {
        let rate = clamp_rate(rate);
        let mut samples = (self.render)(f64::from(rate));
        synth::finish(&mut samples, 1.0);
        Sound { rate, samples }
    }
}

impl std::fmt::Debug for LibrarySound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibrarySound")
            .field("id", &self.id)
            .field("en", &self.en)
            .finish_non_exhaustive()
    }
}

const fn sound(
    id: &'static str,
    en: &'static str,
    zh: &'static str,
    seconds: f32,
    render: fn(f64) -> Vec<f32>,
) -> LibrarySound {
    LibrarySound {
        id,
        en,
        zh,
        seconds,
        render,
    }
}

static SOUNDS: [LibrarySound; 30] = [
    sound("pop", "Pop", "啵", 0.15, pop),
    sound("boing", "Boing", "弹簧", 0.8, boing),
    sound("zap", "Zap", "电击", 0.4, zap),
    sound("wind-chime", "Wind Chime", "风铃", 2.4, wind_chime),
    sound("cheer", "Cheer", "欢呼", 2.5, cheer),
    sound("applause", "Applause", "鼓掌", 2.5, applause),
    sound("clap-clap", "Clap Clap", "拍手", 1.0, clap_clap),
    sound("meow", "Meow", "喵", 0.8, meow),
    sound("woof", "Woof", "汪汪", 0.75, woof),
    sound("tweet", "Tweet", "啾啾", 0.75, tweet),
    sound("croak", "Frog Croak", "呱呱", 0.9, croak),
    sound("quack", "Quack", "嘎嘎", 0.7, quack),
    sound("laser", "Laser", "激光", 0.35, laser),
    sound("coin", "Coin", "金币", 0.55, coin),
    sound("jump", "Jump", "跳跃", 0.3, jump),
    sound("splash", "Splash", "水花", 1.0, splash),
    sound("whoosh", "Whoosh", "嗖", 0.8, whoosh),
    sound("drum-roll", "Drum Roll", "军鼓滚奏", 3.0, drum_roll),
    sound("beat-loop", "Beat Loop", "节拍循环", 4.0, beat_loop),
    sound("melody-loop", "Melody Loop", "旋律循环", 4.0, melody_loop),
    sound("magic", "Magic Sparkle", "魔法闪光", 1.6, magic),
    sound("ding", "Ding", "叮", 1.5, ding),
    sound("buzzer", "Buzzer", "蜂鸣器", 0.8, buzzer),
    sound("power-up", "Power Up", "能量提升", 0.9, power_up),
    sound(
        "sad-trombone",
        "Sad Trombone",
        "伤心长号",
        2.6,
        sad_trombone,
    ),
    sound("bubbles", "Bubbles", "泡泡", 1.2, bubbles),
    sound("doorbell", "Doorbell", "门铃", 2.0, doorbell),
    sound("tick-tock", "Tick Tock", "滴答", 2.0, tick_tock),
    sound("heartbeat", "Heartbeat", "心跳", 1.6, heartbeat),
    sound("teleport", "Teleport", "传送", 1.2, teleport),
];

/// Every sound in the library, in the picker's order.
pub fn all() -> &'static [LibrarySound] {
    &SOUNDS
}

/// The sound with this id.
pub fn find(id: &str) -> Option<&'static LibrarySound> {
    SOUNDS.iter().find(|s| s.id == id)
}

/// The sound a person means by `name` (`#sound Meow` in a text program): its id or English name
/// in any case, or its Chinese name; surrounding spaces do not matter.
pub fn lookup(name: &str) -> Option<&'static LibrarySound> {
    let name = name.trim();
    SOUNDS.iter().find(|s| {
        s.id.eq_ignore_ascii_case(name) || s.en.eq_ignore_ascii_case(name) || s.zh == name
    })
}

// ---------------------------------------------------------------------------------------------
// Pieces.

fn buffer(seconds: f64, rate: f64) -> Vec<f32> {
    vec![0.0; (seconds * rate) as usize]
}

/// Mix `src` into `out` from `at` seconds, times `gain`; what runs past the end is dropped.
fn put(out: &mut [f32], src: &[f32], at: f64, rate: f64, gain: f32) {
    let start = (at * rate) as usize;
    for (o, s) in out.iter_mut().skip(start).zip(src) {
        *o += s * gain;
    }
}

/// Mix `src` into `out` from `at` seconds, wrapping what runs past the end to the start (for
/// sounds that loop seamlessly).
fn put_looped(out: &mut [f32], src: &[f32], at: f64, rate: f64, gain: f32) {
    let n = out.len();
    if n == 0 {
        return;
    }
    let start = (at * rate) as usize;
    for (i, s) in src.iter().enumerate() {
        out[(start + i) % n] += s * gain;
    }
}

/// PolyBLEP correction for a step at phase 0 of a wave advancing `dt` cycles per sample.
fn blep(t: f64, dt: f64) -> f64 {
    if t < dt {
        let t = t / dt;
        t + t - t * t - 1.0
    } else if t > 1.0 - dt {
        let t = (t - 1.0) / dt;
        t * t + t + t + 1.0
    } else {
        0.0
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Sine,
    /// Pulse with this duty cycle (0.5 is a square).
    Pulse(f64),
    Saw,
}

fn shape_at(shape: Shape, t: f64, dt: f64) -> f64 {
    match shape {
        Shape::Sine => (2.0 * PI * t).sin(),
        Shape::Saw => 2.0 * t - 1.0 - blep(t, dt),
        Shape::Pulse(duty) => {
            let high = if t < duty { 1.0 } else { -1.0 };
            high + blep(t, dt) - blep((t + 1.0 - duty).fract(), dt)
        }
    }
}

/// Add an oscillator of `shape` from `start` for `seconds`: frequency `hz(t)` and level
/// `env(t)`, `t` counted from `start`. Band-limited (PolyBLEP), so sweeps do not alias badly.
fn osc(
    out: &mut [f32],
    rate: f64,
    start: f64,
    seconds: f64,
    shape: Shape,
    hz: impl Fn(f64) -> f64,
    env: impl Fn(f64) -> f64,
) {
    let first = (start * rate) as usize;
    let count = (seconds * rate) as usize;
    let mut phase = 0.0f64;
    for (i, o) in out.iter_mut().skip(first).take(count).enumerate() {
        let t = i as f64 / rate;
        let dt = (hz(t) / rate).clamp(0.0, 0.49);
        *o += (shape_at(shape, phase, dt) * env(t)) as f32;
        phase = (phase + dt).fract();
    }
}

/// Add noise through `filter` from `start` for `seconds`, at level `env(t)`.
fn hiss(
    out: &mut [f32],
    rate: f64,
    seed: u32,
    start: f64,
    seconds: f64,
    filter: Biquad,
    env: impl Fn(f64) -> f64,
) {
    let mut rng = Rng::new(seed);
    let mut filter = filter;
    let first = (start * rate) as usize;
    let count = (seconds * rate) as usize;
    for (i, o) in out.iter_mut().skip(first).take(count).enumerate() {
        let t = i as f64 / rate;
        *o += filter.run(rng.noise()) * env(t) as f32;
    }
}

/// Attack then exponential decay: 0 → 1 in `attack` seconds, then 1/e every `tau`.
fn ad(t: f64, attack: f64, tau: f64) -> f64 {
    if t < attack {
        t / attack
    } else {
        (-(t - attack) / tau).exp()
    }
}

/// A smooth bump: 0 at `t` = 0, 1 at `peak`, 0 again at `end`.
fn swell(t: f64, peak: f64, end: f64) -> f64 {
    if t <= 0.0 || t >= end {
        0.0
    } else if t < peak {
        (0.5 - 0.5 * (PI * t / peak).cos()).max(0.0)
    } else {
        0.5 + 0.5 * (PI * (t - peak) / (end - peak)).cos()
    }
}

/// Strike a bell (or bar, or tine) at `at` seconds: `modes` are (frequency ratio, amplitude,
/// share of `tau`).
fn bell(
    out: &mut [f32],
    rate: f64,
    at: f64,
    hz: f64,
    level: f64,
    tau: f64,
    modes: &[(f64, f64, f64)],
) {
    let mut bank = Partials::new();
    for &(ratio, amp, share) in modes {
        bank.add(hz * ratio, amp * level, tau * share, rate, rate * 0.45);
    }
    let start = ((at * rate) as usize).min(out.len());
    bank.mix_into(&mut out[start..]);
}

/// A free bar or tube: modes 1 : 2.76 : 5.40 : 8.93.
const CHIME: [(f64, f64, f64); 4] = [
    (1.0, 1.0, 1.0),
    (2.76, 0.5, 0.5),
    (5.40, 0.25, 0.25),
    (8.93, 0.1, 0.12),
];

/// Bring a finished sound to a common loudness (peak 0.8, or quieter for dense sounds) and,
/// unless it loops, make its end smooth.
fn level(mut out: Vec<f32>, smooth_end: bool) -> Vec<f32> {
    let peak = out.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let rms = (out
        .iter()
        .map(|v| f64::from(*v) * f64::from(*v))
        .sum::<f64>()
        / out.len().max(1) as f64)
        .sqrt() as f32;
    if peak > 0.0 {
        let gain = (0.8 / peak).min(0.22 / rms.max(1e-9));
        for v in out.iter_mut() {
            *v *= gain;
        }
    }
    if smooth_end {
        let fade = (out.len() / 10).clamp(1, 480);
        let n = out.len();
        for (i, v) in out[n - fade.min(n)..].iter_mut().enumerate() {
            *v *= 1.0 - i as f32 / fade as f32;
        }
    }
    out
}

/// A note of one of the music extension's instruments.
fn instrument(instrument: u32, note: f64, seconds: f64, rate: f64) -> Vec<f32> {
    synth::note(instrument, note, seconds, rate as u32).samples
}

fn drum(drum: u32, rate: f64) -> Vec<f32> {
    synth::drum(drum, rate as u32).samples
}

/// A formant filter bank: band-passes at `formants` (hertz, q, gain) summed.
struct Formants {
    filters: Vec<(Biquad, f32)>,
}

impl Formants {
    fn new(formants: &[(f64, f64, f32)], rate: f64) -> Formants {
        Formants {
            filters: formants
                .iter()
                .map(|&(hz, q, g)| (Biquad::bandpass(hz, q, rate), g))
                .collect(),
        }
    }

    fn retune(&mut self, formants: &[(f64, f64, f32)], rate: f64) {
        for ((filter, gain), &(hz, q, g)) in self.filters.iter_mut().zip(formants) {
            filter.retune(Biquad::bandpass(hz, q, rate));
            *gain = g;
        }
    }

    fn run(&mut self, x: f32) -> f32 {
        self.filters.iter_mut().map(|(f, g)| f.run(x) * *g).sum()
    }
}

/// A voice: a glottal-ish source (`hz(t)`, sawtooth plus some noise) through formants that
/// move (`formants(t)`), at level `env(t)`, added at `start` for `seconds`.
#[allow(clippy::too_many_arguments)] // One call per animal; a struct would only rename them.
fn voice(
    out: &mut [f32],
    rate: f64,
    start: f64,
    seconds: f64,
    seed: u32,
    breath: f64,
    hz: impl Fn(f64) -> f64,
    formants: impl Fn(f64) -> [(f64, f64, f32); 3],
    env: impl Fn(f64) -> f64,
) {
    let mut rng = Rng::new(seed);
    let mut bank = Formants::new(&formants(0.0), rate);
    let first = (start * rate) as usize;
    let count = (seconds * rate) as usize;
    let mut phase = 0.0f64;
    for (i, o) in out.iter_mut().skip(first).take(count).enumerate() {
        let t = i as f64 / rate;
        if i % 32 == 0 {
            bank.retune(&formants(t), rate);
        }
        let dt = (hz(t) / rate).clamp(0.0, 0.49);
        let source = shape_at(Shape::Saw, phase, dt) + breath * f64::from(rng.noise());
        phase = (phase + dt).fract();
        *o += bank.run(source as f32) * env(t) as f32;
    }
}

// ---------------------------------------------------------------------------------------------
// The sounds.

/// A bubble-like pop: a sine swept quickly upwards, gone in a blink.
fn pop(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.15, rate);
    osc(
        &mut out,
        rate,
        0.0,
        0.15,
        Shape::Sine,
        |t| 250.0 + 900.0 * (1.0 - (-t / 0.012).exp()),
        |t| ad(t, 0.001, 0.025),
    );
    hiss(
        &mut out,
        rate,
        1,
        0.0,
        0.005,
        Biquad::bandpass(2000.0, 1.0, rate),
        |t| 0.3 * (-t / 0.001).exp(),
    );
    level(out, true)
}

/// A spring: a twangy tone wobbling fast, the wobble dying away as it rises a little.
fn boing(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.8, rate);
    let hz = |t: f64| {
        170.0 * (t * 0.7).exp2() * (1.0 + 0.3 * (-t / 0.25).exp() * (2.0 * PI * 12.0 * t).sin())
    };
    osc(&mut out, rate, 0.0, 0.8, Shape::Sine, hz, |t| {
        ad(t, 0.003, 0.25)
    });
    osc(&mut out, rate, 0.0, 0.8, Shape::Saw, hz, |t| {
        0.15 * ad(t, 0.003, 0.12)
    });
    let mut lp = Biquad::lowpass(2500.0, 0.9, rate);
    for v in out.iter_mut() {
        *v = lp.run(*v);
    }
    level(out, true)
}

/// An electric zap: a buzzing sawtooth diving down, crackling.
fn zap(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.4, rate);
    osc(
        &mut out,
        rate,
        0.0,
        0.4,
        Shape::Saw,
        |t| 90.0 + 1400.0 * (-t / 0.06).exp(),
        |t| ad(t, 0.002, 0.12),
    );
    let mut rng = Rng::new(3);
    let mut gate = 1.0f32;
    for (i, v) in out.iter_mut().enumerate() {
        // Crackle: the level flickers every couple of milliseconds.
        if i % ((rate * 0.002) as usize).max(1) == 0 {
            gate = 0.4 + 0.6 * rng.unit();
        }
        *v *= gate;
    }
    hiss(
        &mut out,
        rate,
        33,
        0.0,
        0.4,
        Biquad::highpass(3000.0, 0.7, rate),
        |t| 0.25 * ad(t, 0.001, 0.05),
    );
    level(out, true)
}

/// A wind chime: metal tubes of a pentatonic scale struck one after another, ringing on.
fn wind_chime(rate: f64) -> Vec<f32> {
    let mut out = buffer(2.4, rate);
    let scale = [84.0, 86.0, 88.0, 91.0, 93.0, 96.0];
    let mut rng = Rng::new(4);
    let mut at = 0.0;
    for _ in 0..7 {
        let note = scale[(rng.next_u32() % scale.len() as u32) as usize];
        let level = 0.5 + 0.5 * f64::from(rng.unit());
        bell(
            &mut out,
            rate,
            at,
            synth::dsp::midi_hz(note),
            level,
            0.8,
            &CHIME,
        );
        at += 0.08 + 0.18 * f64::from(rng.unit());
    }
    level(out, true)
}

/// A cheering crowd: many voices shouting "yay" at different pitches, swelling up and down,
/// with the hiss of the crowd under them.
fn cheer(rate: f64) -> Vec<f32> {
    let mut out = buffer(2.5, rate);
    let mut rng = Rng::new(5);
    for i in 0..10 {
        let start = 0.05 + 0.5 * f64::from(rng.unit());
        let length = 1.2 + 0.8 * f64::from(rng.unit());
        let base = 180.0 + 260.0 * f64::from(rng.unit());
        let rise = 1.1 + 0.3 * f64::from(rng.unit());
        let f1 = 650.0 + 250.0 * f64::from(rng.unit());
        voice(
            &mut out,
            rate,
            start,
            length,
            50 + i,
            0.3,
            move |t| base * (1.0 + (rise - 1.0) * (t / 0.3).min(1.0)) * (1.0 - 0.1 * (t / length)),
            move |_| [(f1, 5.0, 1.0), (f1 * 1.7, 6.0, 0.6), (2800.0, 6.0, 0.3)],
            move |t| 0.5 * swell(t, 0.25, length),
        );
    }
    hiss(
        &mut out,
        rate,
        55,
        0.0,
        2.5,
        Biquad::bandpass(1500.0, 0.6, rate),
        |t| 0.2 * swell(t, 0.6, 2.5),
    );
    level(out, true)
}

/// One hand clap (noise bursts, as the drum) into `out` at `at`.
fn clap_at(out: &mut [f32], rate: f64, at: f64, seed: u32, level: f64, centre: f64) {
    for (i, offset) in [0.0, 0.008, 0.017].into_iter().enumerate() {
        let tau = if i == 2 { 0.03 } else { 0.004 };
        hiss(
            out,
            rate,
            seed + i as u32,
            at + offset,
            tau * 6.0,
            Biquad::bandpass(centre, 1.3, rate),
            |t| level * (-t / tau).exp(),
        );
    }
}

/// Applause: a crowd clapping, many hands at random.
fn applause(rate: f64) -> Vec<f32> {
    let mut out = buffer(2.5, rate);
    let mut rng = Rng::new(6);
    for i in 0..160 {
        let at = 2.3 * f64::from(rng.unit());
        let level = swell(at, 0.4, 2.4) * (0.4 + 0.6 * f64::from(rng.unit()));
        let centre = 800.0 + 1400.0 * f64::from(rng.unit());
        clap_at(&mut out, rate, at, 600 + i * 3, level, centre);
    }
    level(out, true)
}

/// Three claps: clap, clap, clap.
fn clap_clap(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.0, rate);
    let hit = drum(8, rate);
    for at in [0.0, 0.3, 0.6] {
        put(&mut out, &hit, at, rate, 1.0);
    }
    level(out, true)
}

/// A cat's meow: a voice gliding up and down while its mouth opens ("mi-a") and closes ("ow").
fn meow(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.8, rate);
    let mix = |t: f64, a: f64, b: f64, c: f64| {
        if t < 0.25 {
            a + (b - a) * (t / 0.25)
        } else {
            b + (c - b) * ((t - 0.25) / 0.5).min(1.0)
        }
    };
    voice(
        &mut out,
        rate,
        0.0,
        0.78,
        8,
        0.08,
        move |t| mix(t, 560.0, 780.0, 470.0) * (1.0 + 0.01 * (2.0 * PI * 6.0 * t).sin()),
        move |t| {
            [
                (mix(t, 450.0, 950.0, 550.0), 4.0, 1.0),
                (mix(t, 2300.0, 1600.0, 900.0), 5.0, 0.7),
                (3300.0, 6.0, 0.2),
            ]
        },
        |t| swell(t, 0.2, 0.78).powf(0.7),
    );
    level(out, true)
}

/// A dog's bark, twice: a rough, breathy "woof" falling in pitch.
fn woof(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.75, rate);
    for (i, at) in [0.0, 0.38].into_iter().enumerate() {
        voice(
            &mut out,
            rate,
            at,
            0.3,
            90 + i as u32,
            0.9,
            |t| 330.0 - 140.0 * (t / 0.2).min(1.0),
            |t| {
                let open = (t / 0.05).min(1.0);
                [
                    (400.0 + 300.0 * open, 3.0, 1.0),
                    (900.0 + 300.0 * open, 4.0, 0.6),
                    (2500.0, 5.0, 0.15),
                ]
            },
            |t| ad(t, 0.012, 0.07),
        );
    }
    level(out, true)
}

/// A little bird: quick chirps sweeping up, then one falling.
fn tweet(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.75, rate);
    for at in [0.0, 0.14, 0.28] {
        osc(
            &mut out,
            rate,
            at,
            0.08,
            Shape::Sine,
            |t| 2800.0 + 2000.0 * (t / 0.07).min(1.0) + 150.0 * (2.0 * PI * 60.0 * t).sin(),
            |t| swell(t, 0.015, 0.08),
        );
    }
    osc(
        &mut out,
        rate,
        0.45,
        0.25,
        Shape::Sine,
        |t| 5000.0 - 1800.0 * (t / 0.2).min(1.0),
        |t| swell(t, 0.03, 0.25),
    );
    level(out, true)
}

/// A frog: two low, buzzing croaks made of rapid pulses.
fn croak(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.9, rate);
    for (i, at) in [0.0, 0.48].into_iter().enumerate() {
        let mut part = buffer(0.35, rate);
        osc(
            &mut part,
            rate,
            0.0,
            0.35,
            Shape::Pulse(0.12),
            |t| 95.0 + 20.0 * t,
            |t| swell(t, 0.05, 0.35),
        );
        // The croak's rattle: pulses of pulses, about 28 per second.
        for (j, v) in part.iter_mut().enumerate() {
            let t = j as f64 / rate;
            *v *= (0.55 + 0.45 * (2.0 * PI * 28.0 * t).sin()) as f32;
        }
        let mut f = Formants::new(
            &[(450.0, 4.0, 1.0), (1300.0, 5.0, 0.5), (2600.0, 6.0, 0.15)],
            rate,
        );
        for v in part.iter_mut() {
            *v = f.run(*v);
        }
        put(&mut out, &part, at, rate, 1.0 - 0.2 * i as f32);
    }
    level(out, true)
}

/// A duck: two nasal, buzzy quacks.
fn quack(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.7, rate);
    for (i, at) in [0.0, 0.32].into_iter().enumerate() {
        voice(
            &mut out,
            rate,
            at,
            0.24,
            120 + i as u32,
            0.25,
            |t| 280.0 - 60.0 * (t / 0.2).min(1.0),
            |t| {
                let open = (t / 0.04).min(1.0);
                [
                    (800.0 + 300.0 * open, 6.0, 1.0),
                    (1700.0, 8.0, 0.8),
                    (2900.0, 8.0, 0.5),
                ]
            },
            |t| ad(t, 0.01, 0.08) * (1.0 + 0.3 * (2.0 * PI * 40.0 * t).sin()),
        );
    }
    level(out, true)
}

/// A laser "pew": a square wave dropping fast.
fn laser(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.35, rate);
    osc(
        &mut out,
        rate,
        0.0,
        0.35,
        Shape::Pulse(0.5),
        |t| 250.0 + 1800.0 * (-t / 0.07).exp(),
        |t| ad(t, 0.002, 0.1),
    );
    let mut lp = Biquad::lowpass(5000.0, 0.7, rate);
    for v in out.iter_mut() {
        *v = lp.run(*v);
    }
    level(out, true)
}

/// A coin: two quick square-wave notes, B5 then E6, the second ringing out.
fn coin(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.55, rate);
    osc(
        &mut out,
        rate,
        0.0,
        0.08,
        Shape::Pulse(0.5),
        |_| 987.8,
        |t| 0.5 * (1.0 - (t / 0.08).powi(8)),
    );
    osc(
        &mut out,
        rate,
        0.08,
        0.47,
        Shape::Pulse(0.5),
        |_| 1318.5,
        |t| 0.5 * (-t / 0.15).exp(),
    );
    level(out, true)
}

/// A jump: a thin pulse wave sliding up.
fn jump(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.3, rate);
    osc(
        &mut out,
        rate,
        0.0,
        0.3,
        Shape::Pulse(0.25),
        |t| 180.0 * (t / 0.25 * 2.0).exp2(),
        |t| ad(t, 0.003, 0.12),
    );
    level(out, true)
}

/// A splash: a burst of water noise getting duller, then bubbles popping.
fn splash(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.0, rate);
    let mut rng = Rng::new(16);
    let mut filter = Biquad::lowpass(5000.0, 0.7, rate);
    for (i, v) in out.iter_mut().enumerate() {
        let t = i as f64 / rate;
        if i % 32 == 0 {
            filter.retune(Biquad::lowpass(
                600.0 + 4400.0 * (-t / 0.15).exp(),
                0.8,
                rate,
            ));
        }
        *v = filter.run(rng.noise()) * ad(t, 0.005, 0.18) as f32;
    }
    for _ in 0..12 {
        let at = 0.1 + 0.75 * f64::from(rng.unit());
        let f = 400.0 + 800.0 * f64::from(rng.unit());
        osc(
            &mut out,
            rate,
            at,
            0.05,
            Shape::Sine,
            move |t| f * (1.0 + 8.0 * t),
            |t| 0.25 * ad(t, 0.002, 0.012),
        );
    }
    level(out, true)
}

/// A whoosh: air noise through a band sweeping up and back down as it swells and fades.
fn whoosh(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.8, rate);
    let mut rng = Rng::new(17);
    let mut filter = Biquad::bandpass(400.0, 1.5, rate);
    for (i, v) in out.iter_mut().enumerate() {
        let t = i as f64 / rate;
        if i % 32 == 0 {
            let centre = 350.0 + 2200.0 * swell(t, 0.35, 0.8);
            filter.retune(Biquad::bandpass(centre, 1.5, rate));
        }
        *v = filter.run(rng.noise()) * swell(t, 0.35, 0.8) as f32;
    }
    level(out, true)
}

/// A snare drum roll getting louder, ending on a crash cymbal and bass drum.
fn drum_roll(rate: f64) -> Vec<f32> {
    let mut out = buffer(3.0, rate);
    let snare = drum(1, rate);
    let strokes = 50;
    for i in 0..strokes {
        let at = i as f64 * 1.8 / strokes as f64;
        let loud = 0.25 + 0.75 * (at / 1.8) * (at / 1.8);
        let accent = if i % 2 == 0 { 1.0 } else { 0.8 };
        put(
            &mut out,
            &snare[..snare.len().min((0.12 * rate) as usize)],
            at,
            rate,
            (loud * accent) as f32,
        );
    }
    put(&mut out, &drum(4, rate), 1.85, rate, 1.0);
    put(&mut out, &drum(2, rate), 1.85, rate, 1.0);
    level(out, true)
}

/// Two bars of rock beat at 120 beats a minute (hi-hat eighths, bass drum, snare on 2 and 4),
/// exactly 4 seconds so it loops seamlessly.
fn beat_loop(rate: f64) -> Vec<f32> {
    let mut out = buffer(4.0, rate);
    let (kick, snare, hat, open_hat) = (drum(2, rate), drum(1, rate), drum(6, rate), drum(5, rate));
    let eighth = 0.25;
    for step in 0..16 {
        let at = step as f64 * eighth;
        let hat_sound = if step % 8 == 7 { &open_hat } else { &hat };
        put_looped(
            &mut out,
            hat_sound,
            at,
            rate,
            if step % 2 == 0 { 0.6 } else { 0.4 },
        );
        if matches!(step % 8, 0 | 5) || step == 10 {
            put_looped(&mut out, &kick, at, rate, 1.0);
        }
        if step % 4 == 2 {
            put_looped(&mut out, &snare, at, rate, 0.8);
        }
    }
    level(out, false)
}

/// Two bars of a cheerful marimba tune over a plucked bass, exactly 4 seconds so it loops.
fn melody_loop(rate: f64) -> Vec<f32> {
    let mut out = buffer(4.0, rate);
    let eighth = 0.25;
    // Pentatonic tune in C; 0 is a rest.
    let tune = [
        72, 76, 79, 76, 81, 79, 76, 74, 72, 74, 76, 79, 76, 74, 72, 0,
    ];
    for (step, &n) in tune.iter().enumerate() {
        if n != 0 {
            let note = instrument(19, f64::from(n), eighth, rate);
            put_looped(&mut out, &note, step as f64 * eighth, rate, 0.8);
        }
    }
    for (beat, n) in [48, 48, 45, 45, 41, 41, 43, 43].into_iter().enumerate() {
        let note = instrument(6, f64::from(n), 0.4, rate);
        put_looped(&mut out, &note, beat as f64 * 0.5, rate, 0.9);
    }
    level(out, false)
}

/// Magic: a twinkling arpeggio of music-box notes running up, with sparkles around it.
fn magic(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.6, rate);
    for (i, n) in [72.0, 76.0, 79.0, 84.0, 88.0, 91.0, 96.0]
        .into_iter()
        .enumerate()
    {
        let note = instrument(17, n, 0.3, rate);
        put(&mut out, &note, i as f64 * 0.07, rate, 0.7);
    }
    let mut rng = Rng::new(21);
    for _ in 0..30 {
        let at = 1.3 * f64::from(rng.unit()).powf(1.5);
        let hz = 3000.0 + 5000.0 * f64::from(rng.unit());
        bell(
            &mut out,
            rate,
            at,
            hz.min(rate * 0.4),
            0.08,
            0.06,
            &[(1.0, 1.0, 1.0)],
        );
    }
    hiss(
        &mut out,
        rate,
        22,
        0.0,
        1.6,
        Biquad::highpass(6000.0_f64.min(rate * 0.4), 0.7, rate),
        |t| 0.05 * swell(t, 0.4, 1.6),
    );
    level(out, true)
}

/// A small bell: "ding!".
fn ding(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.5, rate);
    bell(
        &mut out,
        rate,
        0.0,
        1760.0,
        1.0,
        0.45,
        &[
            (1.0, 1.0, 1.0),
            (2.32, 0.4, 0.5),
            (4.25, 0.25, 0.3),
            (6.63, 0.1, 0.2),
        ],
    );
    level(out, true)
}

/// A game-show buzzer: two harsh, beating low square waves.
fn buzzer(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.8, rate);
    let env = |t: f64| {
        if t < 0.7 {
            (t / 0.005).min(1.0)
        } else {
            (1.0 - (t - 0.7) / 0.03).max(0.0)
        }
    };
    osc(&mut out, rate, 0.0, 0.8, Shape::Pulse(0.5), |_| 110.0, env);
    osc(&mut out, rate, 0.0, 0.8, Shape::Saw, |_| 116.5, env);
    level(out, false)
}

/// A power-up: a fast rising square-wave arpeggio, twice, the second an octave up.
fn power_up(rate: f64) -> Vec<f32> {
    let mut out = buffer(0.9, rate);
    let notes = [60.0, 64.0, 67.0, 72.0, 76.0, 79.0, 84.0];
    for (i, n) in notes
        .iter()
        .chain(notes.iter().map(|n| n + 12.0).collect::<Vec<_>>().iter())
        .enumerate()
    {
        let hz = synth::dsp::midi_hz(*n);
        let at = i as f64 * 0.055;
        osc(
            &mut out,
            rate,
            at,
            0.07,
            Shape::Pulse(0.5),
            move |t| hz * (1.0 + 0.01 * (2.0 * PI * 30.0 * t).sin()),
            |t| 0.4 * ad(t, 0.003, 0.06),
        );
    }
    level(out, true)
}

/// The sad trombone: "wah, wah, wah, waaah", the last wobbling.
fn sad_trombone(rate: f64) -> Vec<f32> {
    let mut out = buffer(2.6, rate);
    for (i, n) in [62.0, 61.0, 60.0].into_iter().enumerate() {
        let note = instrument(9, n - 12.0, 0.32, rate);
        put(&mut out, &note, i as f64 * 0.4, rate, 1.0);
    }
    let mut last = instrument(9, 47.0, 1.2, rate);
    // "Wah": a low-pass opening and closing five times a second.
    let mut filter = Biquad::lowpass(800.0, 2.0, rate);
    for (i, v) in last.iter_mut().enumerate() {
        let t = i as f64 / rate;
        if i % 32 == 0 {
            let open = 0.5 - 0.5 * (2.0 * PI * 5.0 * t).cos();
            filter.retune(Biquad::lowpass(400.0 + 1600.0 * open, 2.0, rate));
        }
        *v = filter.run(*v) * (1.0 - (t / 1.25).powi(4)).max(0.0) as f32;
    }
    put(&mut out, &last, 1.2, rate, 1.2);
    level(out, true)
}

/// Bubbles: little blips rising in pitch, one after another.
fn bubbles(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.2, rate);
    let mut rng = Rng::new(26);
    let mut at = 0.0;
    while at < 1.05 {
        let f = 500.0 + 1000.0 * f64::from(rng.unit());
        osc(
            &mut out,
            rate,
            at,
            0.06,
            Shape::Sine,
            move |t| f * (1.0 + 12.0 * t),
            |t| ad(t, 0.002, 0.02),
        );
        at += 0.04 + 0.12 * f64::from(rng.unit());
    }
    level(out, true)
}

/// A doorbell: "ding-dong" on two chime tones.
fn doorbell(rate: f64) -> Vec<f32> {
    let mut out = buffer(2.0, rate);
    let modes = [
        (1.0, 1.0, 1.0),
        (2.0, 0.3, 0.6),
        (3.0, 0.15, 0.4),
        (4.2, 0.08, 0.25),
    ];
    bell(&mut out, rate, 0.0, 659.3, 1.0, 0.5, &modes);
    bell(&mut out, rate, 0.55, 523.3, 1.0, 0.55, &modes);
    level(out, true)
}

/// A clock: tick, tock, tick, tock.
fn tick_tock(rate: f64) -> Vec<f32> {
    let mut out = buffer(2.0, rate);
    for i in 0..4 {
        let hz = if i % 2 == 0 { 2600.0 } else { 1700.0 };
        let at = i as f64 * 0.5;
        bell(
            &mut out,
            rate,
            at,
            hz,
            1.0,
            0.012,
            &[(1.0, 1.0, 1.0), (2.3, 0.4, 0.6)],
        );
        hiss(
            &mut out,
            rate,
            28 + i,
            at,
            0.01,
            Biquad::bandpass(hz * 1.5, 2.0, rate),
            |t| 0.4 * (-t / 0.002).exp(),
        );
    }
    level(out, true)
}

/// A heartbeat: two soft, low thumps ("lub-dub"), twice.
fn heartbeat(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.6, rate);
    for beat in [0.0, 0.8] {
        for (at, level) in [(0.0, 1.0), (0.22, 0.7)] {
            osc(
                &mut out,
                rate,
                beat + at,
                0.3,
                Shape::Sine,
                |t| 45.0 + 35.0 * (-t / 0.03).exp(),
                move |t| level * ad(t, 0.01, 0.06),
            );
        }
    }
    let mut lp = Biquad::lowpass(300.0, 0.7, rate);
    for v in out.iter_mut() {
        *v = lp.run(*v);
    }
    level(out, true)
}

/// Teleport: a warbling tone rising fast through a shimmer, then gone.
fn teleport(rate: f64) -> Vec<f32> {
    let mut out = buffer(1.2, rate);
    for (detune, level) in [(1.0, 0.7), (1.007, 0.2)] {
        osc(
            &mut out,
            rate,
            0.0,
            1.2,
            Shape::Sine,
            move |t| detune * 200.0 * (t * 3.0).exp2() * (1.0 + 0.12 * (2.0 * PI * 18.0 * t).sin()),
            move |t| level * swell(t, 0.7, 1.2),
        );
    }
    osc(
        &mut out,
        rate,
        0.0,
        1.2,
        Shape::Pulse(0.5),
        |t| 400.0 * (t * 3.0).exp2(),
        |t| 0.06 * swell(t, 0.8, 1.2),
    );
    level(out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_id_english_or_chinese_name() {
        let meow = find("meow").expect("meow exists");
        assert_eq!(lookup("meow").map(|s| s.id), Some("meow"));
        assert_eq!(lookup("  MEOW ").map(|s| s.id), Some("meow"));
        assert_eq!(lookup(meow.en).map(|s| s.id), Some("meow"));
        assert_eq!(lookup(meow.zh).map(|s| s.id), Some("meow"));
        assert!(lookup("no such sound").is_none());
    }

    #[test]
    fn the_library_has_enough_named_sounds() {
        assert!(all().len() >= 20);
        let mut ids: Vec<&str> = all().iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all().len(), "ids must be unique");
        for s in all() {
            assert!(
                !s.en.trim().is_empty() && !s.zh.trim().is_empty(),
                "{} needs names",
                s.id
            );
            assert!(
                s.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}: id",
                s.id
            );
            assert!(
                s.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: zh name",
                s.id
            );
            assert_eq!(find(s.id).map(|f| f.id), Some(s.id));
        }
        assert!(find("no-such-sound").is_none());
    }

    #[test]
    fn every_library_sound_renders() {
        for rate in [22_050, 48_000] {
            for s in all() {
                let sound = s.render(rate);
                assert_eq!(sound.rate, rate);
                assert!(
                    sound.samples.iter().all(|v| v.is_finite()),
                    "{}: not finite",
                    s.id
                );
                let peak = sound.samples.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                assert!(peak > 0.3 && peak <= 0.9, "{}: peak {peak}", s.id);
                let seconds = sound.seconds();
                assert!(
                    (seconds - f64::from(s.seconds)).abs() <= 0.1 * f64::from(s.seconds) + 0.02,
                    "{}: {seconds} s, listed as {} s",
                    s.id,
                    s.seconds
                );
                // Sounding through most of its length, not one click and silence.
                let quarter = &sound.samples[..sound.samples.len() / 4];
                assert!(
                    quarter.iter().any(|v| v.abs() > 0.05),
                    "{}: silent start",
                    s.id
                );
            }
        }
    }

    #[test]
    fn library_sounds_are_deterministic_and_take_any_rate() {
        for s in all() {
            assert_eq!(s.render(16_000), s.render(16_000), "{}", s.id);
        }
        let pop = find("pop").unwrap();
        assert_eq!(pop.render(0).rate, 8_000);
        assert_eq!(pop.render(u32::MAX).rate, 96_000);
    }

    #[test]
    fn loops_are_whole_bars() {
        for id in ["beat-loop", "melody-loop"] {
            let sound = find(id).unwrap().render(48_000);
            assert_eq!(sound.samples.len(), 4 * 48_000, "{id}");
        }
    }
}
