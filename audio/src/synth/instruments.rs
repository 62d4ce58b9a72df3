//! The 21 instruments of the music extension. Each renderer fills a zeroed buffer that is
//! already the note's full length; `synth::note` then applies the release and the level.

use std::f64::consts::PI;

use super::dsp::{
    bump, decay_factor, phase_step, rolloff, sine, soft_clip, Biquad, OnePole, Partials, Pluck,
    Rng, Wave,
};

/// What every renderer gets: the rate and the note.
pub(crate) struct Ctx {
    pub(crate) rate: f64,
    /// MIDI note number (0…130, may be fractional).
    pub(crate) note: f64,
    /// Its frequency in hertz.
    pub(crate) f0: f64,
    /// Partials at or above this frequency are left out (a little under Nyquist, leaving room
    /// for vibrato).
    pub(crate) limit: f64,
}

/// Samples from `seconds` at `rate`.
fn samples(seconds: f64, rate: f64) -> usize {
    (seconds * rate).max(0.0) as usize
}

/// 2^(octaves), the usual "shorter when higher" scaling of decay times.
fn per_octave(note: f64, from: f64, octaves_per_halving: f64) -> f64 {
    (-(note - from) / (12.0 * octaves_per_halving)).exp2()
}

// ---------------------------------------------------------------------------------------------
// Ring times: how long each decaying instrument takes to fall by 60 dB. The renderers derive
// their decay constants from these, and `synth::note` stops the note there.

/// Natural length (to −60 dB) of the decaying instruments, by note.
pub(crate) fn ring_seconds(instrument: usize, note: f64) -> Option<f64> {
    let seconds = match instrument {
        1 => (9.0 * per_octave(note, 60.0, 1.5)).clamp(0.8, 10.0),
        2 => (10.0 * per_octave(note, 60.0, 2.0)).clamp(1.0, 8.0),
        4 => (4.0 * per_octave(note, 52.0, 2.0)).clamp(0.5, 8.0),
        5 => (6.0 * per_octave(note, 52.0, 2.0)).clamp(0.6, 10.0),
        6 => (4.0 * per_octave(note, 36.0, 2.0)).clamp(0.5, 6.0),
        7 => (0.9 * per_octave(note, 60.0, 2.0)).clamp(0.2, 2.0),
        16 => (8.0 * per_octave(note, 60.0, 2.0)).clamp(1.0, 8.0),
        17 => (4.5 * per_octave(note, 72.0, 2.0)).clamp(0.8, 6.0),
        18 => (4.0 * per_octave(note, 60.0, 2.5)).clamp(0.8, 6.0),
        19 => (2.6 * per_octave(note, 60.0, 2.0)).clamp(0.4, 5.0),
        _ => return None,
    };
    Some(seconds)
}

/// Decay constant (1/e time) of an instrument's fundamental.
fn tau(instrument: usize, note: f64) -> f64 {
    ring_seconds(instrument, note).unwrap_or(1.0) / 6.9
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// Add a short filtered noise burst (a hammer, mallet, pick or key click).
fn knock(out: &mut [f32], rate: f64, seed: u32, level: f32, seconds: f64, filter: Biquad) {
    let mut rng = Rng::new(seed);
    let mut filter = filter;
    let n = samples(seconds * 5.0, rate).min(out.len());
    let k = decay_factor(seconds, rate) as f32;
    let mut env = level;
    for o in out.iter_mut().take(n) {
        *o += filter.run(rng.noise()) * env;
        env *= k;
    }
}

/// Fade the first `seconds` in (softens a hard onset).
fn fade_in(out: &mut [f32], rate: f64, seconds: f64) {
    let n = samples(seconds, rate).min(out.len()).max(1);
    for (i, o) in out.iter_mut().take(n).enumerate() {
        *o *= i as f32 / n as f32;
    }
}

/// A sustained voice: one band-limited wave (or a mix of a dull and a bright one) read by one
/// or more slightly detuned oscillators, with an attack, vibrato, an onset pitch scoop and
/// breath noise. Bowed, blown, sung and synthesised instruments are all this, with different
/// spectra and settings.
struct Voice<'a> {
    bright: &'a Wave,
    /// When set, the sound moves from `bright` at the onset towards this one.
    dull: Option<&'a Wave>,
    /// Share of the bright wave at the onset and after it settles, and how fast it settles.
    bright_start: f32,
    bright_settle: f32,
    bright_tau: f64,
    /// Rise time constant (seconds) and an optional overshoot that settles to `sustain`.
    attack: f64,
    sustain: f32,
    sustain_tau: f64,
    /// Vibrato depth in semitones, rate in hertz, and when it has faded in.
    vibrato: f64,
    vibrato_hz: f64,
    vibrato_delay: f64,
    /// Amplitude wobble in step with the vibrato (0…1).
    tremolo: f32,
    /// Start this many semitones off pitch and glide in with this time constant.
    scoop: f64,
    scoop_tau: f64,
    /// Oscillators: cents of detune and weight of each (an ensemble keeps its middle voice
    /// strongest so the beating between voices stays gentle), and a slow drift in cents.
    detune: &'a [(f64, f32)],
    drift: f64,
    /// Breath or bow noise: level while sounding, an extra burst at the onset, its filter.
    breath: f32,
    chiff: f32,
    chiff_tau: f64,
    noise_filter: Biquad,
    seed: u32,
}

impl Voice<'_> {
    fn plain(wave: &Wave) -> Voice<'_> {
        Voice {
            bright: wave,
            dull: None,
            bright_start: 1.0,
            bright_settle: 1.0,
            bright_tau: 0.1,
            attack: 0.01,
            sustain: 1.0,
            sustain_tau: 0.1,
            vibrato: 0.0,
            vibrato_hz: 5.0,
            vibrato_delay: 0.0,
            tremolo: 0.0,
            scoop: 0.0,
            scoop_tau: 0.02,
            detune: &[(0.0, 1.0)],
            drift: 0.0,
            breath: 0.0,
            chiff: 0.0,
            chiff_tau: 0.02,
            noise_filter: Biquad::default(),
            seed: 1,
        }
    }

    fn amplitude(&self, t: f64) -> f32 {
        let rise = 1.0 - (-t / self.attack.max(1e-4)).exp();
        let settle = f64::from(self.sustain)
            + (1.0 - f64::from(self.sustain)) * (-t / self.sustain_tau).exp();
        (rise * settle) as f32
    }

    fn render(&self, c: &Ctx, out: &mut [f32]) {
        const BLOCK: usize = 32;
        const MAX_OSC: usize = 6;
        let n_osc = self.detune.len().clamp(1, MAX_OSC);
        let base = c.f0 / c.rate * 4_294_967_296.0;
        let mut phases = [0u32; MAX_OSC];
        for (i, p) in phases.iter_mut().enumerate() {
            *p = (i as u32).wrapping_mul(0x9E37_79B9);
        }
        let mut incs = [0u32; MAX_OSC];
        let mut rng = Rng::new(self.seed);
        let mut noise_filter = self.noise_filter;
        let mut weights = [0.0f32; MAX_OSC];
        let total: f32 = self.detune.iter().take(n_osc).map(|d| d.1).sum();
        for (w, d) in weights.iter_mut().zip(self.detune) {
            *w = d.1 / total.max(1e-3);
        }
        // Noise runs while it is audible: all along with breath, else through the onset.
        let noise_until = if self.breath > 0.0 {
            out.len()
        } else if self.chiff > 0.0 {
            (self.chiff_tau * 12.0 * c.rate) as usize
        } else {
            0
        };
        let mut a0 = self.amplitude(0.0);
        for (b, block) in out.chunks_mut(BLOCK).enumerate() {
            let t = (b * BLOCK) as f64 / c.rate;
            let t_end = t + block.len() as f64 / c.rate;
            // Pitch for this block, in semitones off the note.
            let vib_fade = if self.vibrato_delay > 0.0 {
                ((t - self.vibrato_delay * 0.5) / self.vibrato_delay).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let lfo = (2.0 * PI * self.vibrato_hz * t).sin();
            let common = self.vibrato * vib_fade * lfo + self.scoop * (-t / self.scoop_tau).exp();
            for (i, inc) in incs.iter_mut().enumerate().take(n_osc) {
                let wander = if self.drift > 0.0 {
                    let fi = i as f64;
                    self.drift
                        * (0.6 * (2.0 * PI * (0.31 + 0.17 * fi) * t + fi).sin()
                            + 0.4 * (2.0 * PI * (0.73 + 0.29 * fi) * t + 2.0 * fi).sin())
                } else {
                    0.0
                };
                let semis = common + (self.detune[i].0 + wander) / 100.0;
                *inc = (base * (semis / 12.0).exp2()).min(2_147_483_647.0) as u32;
            }
            let tremolo = 1.0 - self.tremolo * vib_fade as f32 * (0.5 + 0.5 * lfo as f32);
            let a1 = self.amplitude(t_end);
            let step = (a1 - a0) / block.len() as f32;
            let mix = (f64::from(self.bright_settle)
                + f64::from(self.bright_start - self.bright_settle) * (-t / self.bright_tau).exp())
                as f32;
            let noise_level = self.breath + self.chiff * (-t / self.chiff_tau).exp() as f32;
            let mut amp = a0 * tremolo;
            let step = step * tremolo;
            for o in block.iter_mut() {
                let mut y = 0.0f32;
                for ((p, inc), w) in phases.iter_mut().zip(&incs).zip(&weights).take(n_osc) {
                    let x = match self.dull {
                        Some(dull) => {
                            let d = dull.at(*p);
                            d + (self.bright.at(*p) - d) * mix
                        }
                        None => self.bright.at(*p),
                    };
                    y += x * w;
                    *p = p.wrapping_add(*inc);
                }
                if b * BLOCK < noise_until {
                    y += noise_filter.run(rng.noise()) * noise_level;
                }
                *o = y * amp;
                amp += step;
            }
            a0 = a1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Struck and plucked.

/// (1) Piano: up to 28 slightly stretched partials (string stiffness), shaped by where the
/// hammer strikes, higher ones dying faster; the lowest three on two strings a cent apart, so
/// they beat and decay in two stages; a soft hammer knock.
pub(crate) fn piano(c: &Ctx, out: &mut [f32]) {
    let tau1 = tau(1, c.note);
    let stiffness = (0.0004 * ((c.note - 60.0) / 12.0 * 0.9).exp2()).min(0.01);
    let mut bank = Partials::new();
    for k in 1..=28 {
        let kf = k as f64;
        let hz = kf * c.f0 * (1.0 + stiffness * kf * kf).sqrt();
        if hz >= c.limit {
            break;
        }
        let strike = (PI * kf / 7.3).sin().abs().max(0.1);
        let amp = strike / kf.powf(0.8) * rolloff(hz, c.f0.max(1400.0) * 2.0);
        let tau = tau1 / (1.0 + 0.25 * (kf - 1.0) + hz / 2500.0);
        if k <= 3 {
            bank.add(hz * 1.0006, amp * 0.5, tau, c.rate, c.limit);
            bank.add(hz * 0.9994, amp * 0.5, tau * 1.8, c.rate, c.limit);
        } else {
            bank.add(hz, amp, tau, c.rate, c.limit);
        }
    }
    bank.mix_into(out);
    knock(
        out,
        c.rate,
        11,
        0.05,
        0.004,
        Biquad::lowpass(1200.0, 0.7, c.rate),
    );
    fade_in(out, c.rate, 0.001);
}

/// (2) Electric piano: two-operator FM (1:1, the "bark" fading as the index falls) plus a
/// tine ping (a 14:1 modulator whose index dies in tens of milliseconds).
pub(crate) fn electric_piano(c: &Ctx, out: &mut [f32]) {
    const BLOCK: usize = 32;
    let tau = tau(2, c.note);
    let step = phase_step(c.f0, c.rate);
    let tine_step = phase_step(c.f0 * 14.0, c.rate);
    let tine_on = c.f0 * 16.0 < c.limit;
    // Lower the FM index for high notes so the sidebands stay under Nyquist.
    let brightness = (c.limit / (c.f0 * 6.0)).min(1.0);
    let to_phase = 4_294_967_296.0 / (2.0 * PI);
    let (mut carrier, mut modulator, mut tine) = (0u32, 0u32, 0u32);
    let mut a0 = 0.0f32;
    for (b, block) in out.chunks_mut(BLOCK).enumerate() {
        let t = (b * BLOCK) as f64 / c.rate;
        let t_end = t + block.len() as f64 / c.rate;
        let env = |t: f64| ((1.0 - (-t / 0.0015).exp()) * (-t / tau).exp()) as f32;
        let a1 = env(t_end);
        let index = ((0.3 + 1.5 * (-t / 0.12).exp()) * brightness * to_phase) as f32;
        let tine_index = (1.3 * (-t / 0.02).exp() * to_phase) as f32;
        let tine_level = if tine_on {
            0.3 * (-t / 0.12).exp() as f32
        } else {
            0.0
        };
        let step_amp = (a1 - a0) / block.len() as f32;
        let mut amp = a0;
        for o in block.iter_mut() {
            let m = sine(modulator);
            let body = sine(carrier.wrapping_add((index * m) as i32 as u32));
            let ping = if tine_on {
                sine(carrier.wrapping_add((tine_index * sine(tine)) as i32 as u32)) * tine_level
            } else {
                0.0
            };
            *o = (body + ping) * amp;
            carrier = carrier.wrapping_add(step);
            modulator = modulator.wrapping_add(step);
            tine = tine.wrapping_add(tine_step);
            amp += step_amp;
        }
        a0 = a1;
    }
}

/// (3) Organ: tonewheel drawbars (8′, 4′, 2⅔′, 2′, 1⅓′, 1′ as pure harmonics), a key click, a
/// percussive third harmonic and a light chorus-vibrato.
pub(crate) fn organ(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, _| match k {
        1 => 1.0,
        2 => 0.8,
        3 => 0.55,
        4 => 0.5,
        6 => 0.3,
        8 => 0.25,
        _ => 0.0,
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.003;
    voice.vibrato = 0.05;
    voice.vibrato_hz = 6.8;
    voice.tremolo = 0.04;
    voice.chiff = 0.25;
    voice.chiff_tau = 0.003;
    voice.noise_filter = Biquad::bandpass(2500.0, 0.8, c.rate);
    voice.seed = 3;
    voice.render(c, out);
    let mut percussion = Partials::new();
    percussion.add(c.f0 * 3.0, 0.35, 0.2, c.rate, c.limit);
    percussion.mix_into(out);
}

/// Fill a plucked string's delay line: noise, smoothed by a one-pole low-pass at `corner`
/// hertz, with a notch comb for where it is plucked (`position`, share of the string), no DC,
/// peak 1.
fn pluck_excitation(line: &mut [f32], rate: f64, seed: u32, corner: f64, position: f64) {
    let mut rng = Rng::new(seed);
    let mut lp = OnePole::new(corner, rate);
    // Run the filter over the line twice so it has settled when it writes.
    let raw: Vec<f32> = (0..line.len() * 2)
        .map(|_| lp.run(rng.noise()))
        .skip(line.len())
        .collect();
    let m = ((line.len() as f64 * position).round() as usize).clamp(1, line.len().max(2) - 1);
    for (i, v) in line.iter_mut().enumerate() {
        let back = raw[(i + raw.len() - m) % raw.len()];
        *v = raw[i] - back;
    }
    let mean = line.iter().sum::<f32>() / line.len().max(1) as f32;
    let peak = line
        .iter()
        .fold(0.0f32, |m, v| m.max((v - mean).abs()))
        .max(1e-6);
    for v in line.iter_mut() {
        *v = (*v - mean) / peak;
    }
}

/// A plucked string's loop darkness chosen at 48 kHz, kept sounding the same at other rates
/// (the filter's effect per second grows with the square of the frequency over the rate).
fn darkness_at(rate: f64, at_48k: f64) -> f64 {
    (at_48k * (rate / 48_000.0).powi(2)).min(0.25)
}

/// Render a plucked string into `out`; a decaying sine when the note is too high for a delay
/// line.
fn pluck(c: &Ctx, out: &mut [f32], darkness: f64, t60: f64, seed: u32, corner: f64, position: f64) {
    let string = Pluck::new(c.f0, c.rate, darkness_at(c.rate, darkness), t60, |line| {
        pluck_excitation(line, c.rate, seed, corner, position)
    });
    match string {
        Some(mut string) => {
            for o in out.iter_mut() {
                *o = string.next() * 0.7;
            }
        }
        None => {
            let mut bank = Partials::new();
            bank.add(c.f0, 0.7, t60 / 6.9, c.rate, c.limit);
            bank.mix_into(out);
        }
    }
}

fn filter_all(out: &mut [f32], filters: &mut [Biquad]) {
    for o in out.iter_mut() {
        let mut x = *o;
        for f in filters.iter_mut() {
            x = f.run(x);
        }
        *o = x;
    }
}

/// (4) Guitar: Karplus–Strong with a mid-bright pick, plucked near the bridge, through an
/// acoustic body (resonances near 100 and 200 hertz, a little presence).
pub(crate) fn guitar(c: &Ctx, out: &mut [f32]) {
    let t60 = ring_seconds(4, c.note).unwrap_or(3.0);
    pluck(c, out, 0.1, t60, 4, 4000.0, 0.18);
    filter_all(
        out,
        &mut [
            Biquad::peaking(105.0, 2.0, 6.0, c.rate),
            Biquad::peaking(210.0, 2.0, 4.0, c.rate),
        ],
    );
}

/// (5) Electric guitar: a brighter, longer-ringing string picked near the bridge, lightly
/// overdriven and through a speaker-like low-pass.
pub(crate) fn electric_guitar(c: &Ctx, out: &mut [f32]) {
    let t60 = ring_seconds(5, c.note).unwrap_or(5.0);
    pluck(c, out, 0.03, t60, 5, 6000.0, 0.12);
    let drive = 2.5f32;
    let norm = 1.0 / soft_clip(drive * 0.7);
    let mut filters = [
        Biquad::peaking(800.0, 0.8, 4.0, c.rate),
        Biquad::lowpass(4500.0, 0.8, c.rate),
        Biquad::highpass(80.0, 0.7, c.rate),
    ];
    for o in out.iter_mut() {
        let mut x = soft_clip(*o * drive) * norm * 0.7;
        for f in filters.iter_mut() {
            x = f.run(x);
        }
        *o = x;
    }
}

/// (6) Bass: a dark, round plucked string (finger, not pick) with a low-pass.
pub(crate) fn bass(c: &Ctx, out: &mut [f32]) {
    let t60 = ring_seconds(6, c.note).unwrap_or(3.0);
    pluck(c, out, 0.2, t60, 6, 900.0, 0.25);
    filter_all(
        out,
        &mut [
            Biquad::lowpass(2200.0, 0.7, c.rate),
            Biquad::peaking(90.0, 1.0, 3.0, c.rate),
        ],
    );
}

/// (7) Pizzicato: a short plucked string through a violin body's resonances.
pub(crate) fn pizzicato(c: &Ctx, out: &mut [f32]) {
    let t60 = ring_seconds(7, c.note).unwrap_or(0.8);
    pluck(c, out, 0.12, t60, 7, 3500.0, 0.2);
    filter_all(
        out,
        &mut [
            Biquad::peaking(280.0, 2.0, 6.0, c.rate),
            Biquad::peaking(460.0, 2.0, 4.0, c.rate),
            Biquad::peaking(2900.0, 1.2, 4.0, c.rate),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Bowed, blown and sung: sustained voices.

/// (8) Cello: a bowed string (sawtooth spectrum) through the body's resonances, slow-ish bow
/// attack with scratch, vibrato that fades in.
pub(crate) fn cello(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| {
        (0.35 + bump(hz, 230.0, 0.5) + 0.7 * bump(hz, 600.0, 0.6) + 0.5 * bump(hz, 2000.0, 0.6))
            / k as f64
            * rolloff(hz, 3500.0)
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.06;
    voice.sustain = 0.85;
    voice.sustain_tau = 0.3;
    voice.vibrato = 0.22;
    voice.vibrato_hz = 5.5;
    voice.vibrato_delay = 0.25;
    voice.tremolo = 0.08;
    voice.breath = 0.03;
    voice.chiff = 0.25;
    voice.chiff_tau = 0.04;
    voice.noise_filter = Biquad::bandpass((c.f0 * 6.0).clamp(800.0, 4000.0), 1.0, c.rate);
    voice.seed = 8;
    voice.render(c, out);
}

/// (9) Trombone: a brass spectrum that is brightest at the onset ("blat") and mellows, a small
/// pitch scoop into the note.
pub(crate) fn trombone(c: &Ctx, out: &mut [f32]) {
    let bright = Wave::new(c.f0, c.limit, |k, hz| {
        (0.4 + bump(hz, 600.0, 1.0)) / (k as f64).powf(0.3) * rolloff(hz, 2200.0)
    })
    .normalised();
    let dull = Wave::new(c.f0, c.limit, |k, hz| {
        (0.5 + bump(hz, 500.0, 0.8)) / (k as f64).powf(1.1) * rolloff(hz, 900.0)
    })
    .normalised();
    let mut voice = Voice::plain(&bright);
    voice.dull = Some(&dull);
    voice.bright_start = 1.0;
    voice.bright_settle = 0.45;
    voice.bright_tau = 0.12;
    voice.attack = 0.025;
    voice.sustain = 0.8;
    voice.sustain_tau = 0.15;
    voice.scoop = -0.35;
    voice.scoop_tau = 0.03;
    voice.vibrato = 0.06;
    voice.vibrato_hz = 5.0;
    voice.vibrato_delay = 0.4;
    voice.breath = 0.01;
    voice.chiff = 0.12;
    voice.chiff_tau = 0.02;
    voice.noise_filter = Biquad::bandpass(1200.0, 0.7, c.rate);
    voice.seed = 9;
    voice.render(c, out);
}

/// (10) Clarinet: odd harmonics (a closed cylindrical tube) in the low range, even ones only
/// higher up; a soft reed attack, a breath of noise, almost no vibrato.
pub(crate) fn clarinet(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| {
        let odd = k % 2 == 1;
        let weight = if odd {
            1.0
        } else if hz < 1800.0 {
            0.05
        } else {
            0.45
        };
        weight / k as f64 * rolloff(hz, 3000.0)
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.03;
    voice.vibrato = 0.03;
    voice.vibrato_hz = 4.5;
    voice.vibrato_delay = 0.3;
    voice.breath = 0.02;
    voice.chiff = 0.1;
    voice.chiff_tau = 0.03;
    voice.noise_filter = Biquad::bandpass(2500.0, 0.8, c.rate);
    voice.seed = 10;
    voice.render(c, out);
}

/// (11) Saxophone: a rich, reedy spectrum with nasal formants, a bright attack, breath and a
/// singing vibrato.
pub(crate) fn saxophone(c: &Ctx, out: &mut [f32]) {
    let bright = Wave::new(c.f0, c.limit, |k, hz| {
        (0.3 + bump(hz, 650.0, 0.7) + 0.8 * bump(hz, 1700.0, 0.7) + 0.3 * bump(hz, 3000.0, 0.5))
            / (k as f64).powf(0.6)
            * rolloff(hz, 4000.0)
    })
    .normalised();
    let dull = Wave::new(c.f0, c.limit, |k, hz| {
        (0.4 + bump(hz, 600.0, 0.7) + 0.5 * bump(hz, 1500.0, 0.7)) / (k as f64).powf(0.9)
            * rolloff(hz, 2500.0)
    })
    .normalised();
    let mut voice = Voice::plain(&bright);
    voice.dull = Some(&dull);
    voice.bright_start = 1.0;
    voice.bright_settle = 0.5;
    voice.bright_tau = 0.15;
    voice.attack = 0.025;
    voice.vibrato = 0.18;
    voice.vibrato_hz = 5.2;
    voice.vibrato_delay = 0.35;
    voice.tremolo = 0.06;
    voice.scoop = -0.2;
    voice.scoop_tau = 0.03;
    voice.breath = 0.035;
    voice.chiff = 0.12;
    voice.chiff_tau = 0.03;
    voice.noise_filter = Biquad::bandpass(2000.0, 0.7, c.rate);
    voice.seed = 11;
    voice.render(c, out);
}

/// (12) Flute: nearly a sine with a few soft harmonics, breath noise around the note's upper
/// harmonics, a breathy onset, vibrato with some amplitude wobble.
pub(crate) fn flute(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| {
        let a = [1.0, 0.4, 0.18, 0.1, 0.05, 0.03];
        a.get(k - 1).copied().unwrap_or(0.0) * rolloff(hz, 4000.0)
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.05;
    voice.vibrato = 0.12;
    voice.vibrato_hz = 5.0;
    voice.vibrato_delay = 0.3;
    voice.tremolo = 0.12;
    voice.breath = 0.05;
    voice.chiff = 0.3;
    voice.chiff_tau = 0.04;
    voice.noise_filter = Biquad::bandpass((c.f0 * 4.0).clamp(1000.0, 6000.0), 0.7, c.rate);
    voice.seed = 12;
    voice.render(c, out);
}

/// (13) Wooden flute: purer and hollower (mostly odd harmonics), breathier, with pitched air
/// noise at the note and a "chiff" at the start; little vibrato.
pub(crate) fn wooden_flute(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| {
        let a = [1.0, 0.08, 0.22, 0.03, 0.07, 0.01, 0.03];
        a.get(k - 1).copied().unwrap_or(0.0) * rolloff(hz, 3000.0)
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.035;
    voice.vibrato = 0.05;
    voice.vibrato_hz = 4.5;
    voice.vibrato_delay = 0.4;
    voice.tremolo = 0.08;
    voice.breath = 0.25;
    voice.chiff = 1.2;
    voice.chiff_tau = 0.025;
    voice.noise_filter = Biquad::bandpass(c.f0.min(c.limit * 0.9), 6.0, c.rate);
    voice.seed = 13;
    voice.render(c, out);
}

/// (14) Bassoon: a reedy spectrum with strong formants near 480 and 1150 hertz and a weak
/// fundamental, a slightly slow attack, a little vibrato.
pub(crate) fn bassoon(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| {
        (0.25 + bump(hz, 480.0, 0.5) + 0.6 * bump(hz, 1150.0, 0.5)) / (k as f64).powf(0.3)
            * rolloff(hz, 2300.0)
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.04;
    voice.vibrato = 0.08;
    voice.vibrato_hz = 5.0;
    voice.vibrato_delay = 0.35;
    voice.breath = 0.015;
    voice.chiff = 0.1;
    voice.chiff_tau = 0.03;
    voice.noise_filter = Biquad::bandpass(1200.0, 0.8, c.rate);
    voice.seed = 14;
    voice.render(c, out);
}

/// The "aah" vowel's formants as a spectral envelope (resonance peaks, a small floor).
fn aah(hz: f64) -> f64 {
    const FORMANTS: [(f64, f64, f64); 4] = [
        (750.0, 130.0, 1.0),
        (1200.0, 150.0, 0.6),
        (2650.0, 200.0, 0.3),
        (3500.0, 250.0, 0.12),
    ];
    let mut sum = 0.04;
    for (centre, width, gain) in FORMANTS {
        let x = (hz - centre) / (width / 2.0);
        sum += gain / (1.0 + x * x);
    }
    sum
}

/// (15) Choir: four singers on a glottal (sawtooth-like) source shaped by the "aah" formants,
/// each slightly detuned with its own vibrato and drift; a slow swell.
pub(crate) fn choir(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| aah(hz) / (k as f64).powf(1.0)).normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.12;
    voice.vibrato = 0.1;
    voice.vibrato_hz = 5.3;
    voice.vibrato_delay = 0.3;
    voice.detune = &[(0.0, 1.0), (-9.0, 0.4), (8.0, 0.4), (15.0, 0.2)];
    voice.drift = 4.0;
    voice.breath = 0.02;
    voice.noise_filter = Biquad::bandpass(1000.0, 1.0, c.rate);
    voice.seed = 15;
    voice.render(c, out);
}

/// (16) Vibraphone: metal bars tuned 1 : 4 : 10, the overtones dying fast, a soft mallet and
/// the motor's tremolo.
pub(crate) fn vibraphone(c: &Ctx, out: &mut [f32]) {
    let tau1 = tau(16, c.note);
    let mut bank = Partials::new();
    bank.add(c.f0, 1.0, tau1, c.rate, c.limit);
    bank.add(c.f0 * 4.0, 0.25, tau1 * 0.15, c.rate, c.limit);
    bank.add(c.f0 * 10.0, 0.08, tau1 * 0.05, c.rate, c.limit);
    bank.mix_into(out);
    knock(
        out,
        c.rate,
        16,
        0.05,
        0.003,
        Biquad::lowpass(2000.0, 0.7, c.rate),
    );
    fade_in(out, c.rate, 0.002);
    let step = phase_step(5.5, c.rate);
    let mut phase = 3u32 << 30; // start at the top of the wobble
    for o in out.iter_mut() {
        *o *= 1.0 - 0.3 * (0.5 + 0.5 * sine(phase));
        phase = phase.wrapping_add(step);
    }
}

/// (17) Music box: a steel comb's tines (cantilever modes 1 : 6.27 : 17.55), a bright
/// metallic ping that fades to a pure tone, a tiny pluck click.
pub(crate) fn music_box(c: &Ctx, out: &mut [f32]) {
    let tau1 = tau(17, c.note);
    let mut bank = Partials::new();
    bank.add(c.f0, 1.0, tau1, c.rate, c.limit);
    bank.add(c.f0 * 2.0, 0.08, tau1 * 0.4, c.rate, c.limit);
    bank.add(c.f0 * 6.27, 0.35, tau1 * 0.15, c.rate, c.limit);
    bank.add(c.f0 * 17.55, 0.15, tau1 * 0.05, c.rate, c.limit);
    bank.mix_into(out);
    knock(
        out,
        c.rate,
        17,
        0.05,
        0.001,
        Biquad::highpass(3000.0, 0.7, c.rate),
    );
}

/// (18) Steel drum: a tuned pan's near-harmonic modes (1, 2, 3, with the second swelling in
/// just after the stick hits) plus a few inharmonic ones that die fast.
pub(crate) fn steel_drum(c: &Ctx, out: &mut [f32]) {
    let tau1 = tau(18, c.note);
    let mut bank = Partials::new();
    bank.add(c.f0, 1.0, tau1, c.rate, c.limit);
    // The second mode builds up over ~25 ms: a decaying partial minus a faster one.
    bank.add(c.f0 * 2.003, 0.6, tau1 * 0.6, c.rate, c.limit);
    bank.add(c.f0 * 2.003, -0.45, 0.025, c.rate, c.limit);
    bank.add(c.f0 * 2.994, 0.25, tau1 * 0.35, c.rate, c.limit);
    bank.add(c.f0 * 4.03, 0.12, tau1 * 0.2, c.rate, c.limit);
    bank.add(c.f0 * 5.17, 0.08, tau1 * 0.1, c.rate, c.limit);
    bank.add(c.f0 * 6.9, 0.04, tau1 * 0.06, c.rate, c.limit);
    bank.mix_into(out);
    knock(
        out,
        c.rate,
        18,
        0.04,
        0.002,
        Biquad::bandpass(2500.0, 1.0, c.rate),
    );
    fade_in(out, c.rate, 0.003);
}

/// (19) Marimba: a wooden bar (modes 1 : 3.99 : 9.87) whose overtones vanish quickly, leaving
/// the resonator tube's warm fundamental; a soft mallet thump.
pub(crate) fn marimba(c: &Ctx, out: &mut [f32]) {
    let tau1 = tau(19, c.note);
    let mut bank = Partials::new();
    bank.add(c.f0, 1.0, tau1, c.rate, c.limit);
    bank.add(c.f0 * 3.99, 0.3, tau1 * 0.12, c.rate, c.limit);
    bank.add(c.f0 * 9.87, 0.08, tau1 * 0.04, c.rate, c.limit);
    bank.mix_into(out);
    knock(
        out,
        c.rate,
        19,
        0.08,
        0.004,
        Biquad::lowpass(800.0, 0.7, c.rate),
    );
    fade_in(out, c.rate, 0.002);
}

// ---------------------------------------------------------------------------------------------
// Synthesisers.

/// A band-limited sawtooth.
fn saw(c: &Ctx, corner: f64) -> Wave {
    Wave::new(c.f0, c.limit, |k, hz| rolloff(hz, corner) / k as f64).normalised()
}

/// (20) Synth lead: two detuned band-limited sawtooths and a square, through a resonant
/// low-pass, quick attack, delayed vibrato.
pub(crate) fn synth_lead(c: &Ctx, out: &mut [f32]) {
    let wave = Wave::new(c.f0, c.limit, |k, hz| {
        let saw = 1.0 / k as f64;
        let square = if k % 2 == 1 { 0.6 / k as f64 } else { 0.0 };
        (saw + square) * rolloff(hz, 6000.0)
    })
    .normalised();
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.004;
    voice.sustain = 0.8;
    voice.sustain_tau = 0.2;
    voice.detune = &[(0.0, 1.0), (-7.0, 0.3), (7.0, 0.3)];
    voice.vibrato = 0.12;
    voice.vibrato_hz = 5.5;
    voice.vibrato_delay = 0.3;
    voice.render(c, out);
    let cutoff = (c.f0 * 8.0).clamp(1500.0, c.limit * 0.9);
    filter_all(out, &mut [Biquad::lowpass(cutoff, 2.0, c.rate)]);
}

/// (21) Synth pad: warm sawtooths, detuned at unison and an octave up, drifting slowly
/// (chorus), with a slow swell.
pub(crate) fn synth_pad(c: &Ctx, out: &mut [f32]) {
    let wave = saw(c, 1800.0);
    let mut voice = Voice::plain(&wave);
    voice.attack = 0.22;
    voice.detune = &[
        (0.0, 1.0),
        (-9.0, 0.35),
        (1207.0, 0.35),
        (1193.0, 0.25),
        (5.0, 0.2),
    ];
    voice.drift = 3.0;
    voice.render(c, out);
    let cutoff = (c.f0 * 6.0).clamp(800.0, c.limit * 0.9);
    let mut lp = OnePole::new(cutoff, c.rate);
    for o in out.iter_mut() {
        *o = lp.run(*o);
    }
}
