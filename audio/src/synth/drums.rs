//! The 18 drums of the music extension, each a short synthesised hit.

use std::f64::consts::PI;

use super::dsp::{decay_factor, peak, phase_step, sine, soft_clip, Biquad, Partials, Rng};

/// A zeroed buffer of `seconds`.
fn buffer(seconds: f64, rate: f64) -> Vec<f32> {
    vec![0.0; (seconds * rate) as usize]
}

/// Scale `out` so its peak is `target`.
fn level(out: &mut [f32], target: f32) {
    let p = peak(out);
    if p > 0.0 {
        let g = target / p;
        for v in out.iter_mut() {
            *v *= g;
        }
    }
}

/// Tame the spikes of a clicky sound (soft clipping after bringing its peak to 3) so it is not
/// much quieter than the other drums at the same peak.
fn squash(out: &mut [f32]) {
    level(out, 3.0);
    for v in out.iter_mut() {
        *v = soft_clip(*v);
    }
}

/// Add noise through `filters`, shaped by an instant attack and a 1/e decay of `tau` seconds,
/// starting at `start` seconds.
fn noise_burst(
    out: &mut [f32],
    rate: f64,
    seed: u32,
    amp: f32,
    start: f64,
    tau: f64,
    filters: &mut [Biquad],
) {
    let mut rng = Rng::new(seed);
    let k = decay_factor(tau, rate) as f32;
    let mut env = amp;
    let first = ((start * rate) as usize).min(out.len());
    for o in out[first..].iter_mut() {
        let mut x = rng.noise();
        for f in filters.iter_mut() {
            x = f.run(x);
        }
        *o += x * env;
        env *= k;
        if env < 1e-5 {
            break;
        }
    }
}

/// A membrane: a sine whose pitch falls from `start_hz` to `hz` (time constant `bend`),
/// decaying with `tau`, plus weaker higher modes `(ratio, amplitude, tau)` that bend with it.
fn membrane(
    out: &mut [f32],
    rate: f64,
    hz: f64,
    start_hz: f64,
    bend: f64,
    tau: f64,
    modes: &[(f64, f32, f64)],
) {
    const MAX_MODES: usize = 4;
    let mut phases = [0u32; MAX_MODES + 1];
    let mut ratios = [0.0f64; MAX_MODES + 1];
    let mut amps = [0.0f32; MAX_MODES + 1];
    let mut decays = [0.0f32; MAX_MODES + 1];
    ratios[0] = 1.0;
    amps[0] = 1.0;
    decays[0] = decay_factor(tau, rate) as f32;
    for (i, &(ratio, amp, mode_tau)) in modes.iter().take(MAX_MODES).enumerate() {
        ratios[i + 1] = ratio;
        amps[i + 1] = amp;
        decays[i + 1] = decay_factor(mode_tau, rate) as f32;
    }
    let n_modes = modes.len().min(MAX_MODES) + 1;
    let bend_k = decay_factor(bend, rate);
    let mut glide = start_hz - hz;
    for (i, o) in out.iter_mut().enumerate() {
        // The pitch changes slowly: update the steps every 16 samples.
        if i % 16 == 0 {
            glide *= bend_k.powi(16);
        }
        let f = hz + glide;
        let mut x = 0.0f32;
        for m in 0..n_modes {
            x += amps[m] * sine(phases[m]);
            phases[m] = phases[m].wrapping_add(phase_step(f * ratios[m], rate));
            amps[m] *= decays[m];
        }
        *o += x;
    }
}

/// Naive square waves at the TR-808's six "metal" frequencies times `scale`: an inharmonic,
/// clangy source for cymbals, hi-hats and the like.
fn metal(out: &mut [f32], rate: f64, scale: f64) {
    const HZ: [f64; 6] = [205.3, 304.4, 369.6, 522.7, 540.0, 800.0];
    let mut phases = [0u32; 6];
    let mut steps = [0u32; 6];
    for (s, hz) in steps.iter_mut().zip(HZ) {
        *s = phase_step(hz * scale, rate);
    }
    for o in out.iter_mut() {
        let mut x = 0.0f32;
        for (p, s) in phases.iter_mut().zip(&steps) {
            x += if *p < 1 << 31 { 1.0 } else { -1.0 };
            *p = p.wrapping_add(*s);
        }
        *o += x * (1.0 / 6.0);
    }
}

/// Multiply by an envelope: attack of `attack` seconds, then 1/e decay every `tau`.
fn envelope(out: &mut [f32], rate: f64, attack: f64, tau: f64) {
    let a = ((attack * rate) as usize).max(1);
    let k = decay_factor(tau, rate) as f32;
    let mut env = 1.0f32;
    for (i, o) in out.iter_mut().enumerate() {
        if i < a {
            *o *= i as f32 / a as f32;
        } else {
            *o *= env;
            env *= k;
        }
    }
}

fn filter(out: &mut [f32], filters: &mut [Biquad]) {
    for o in out.iter_mut() {
        let mut x = *o;
        for f in filters.iter_mut() {
            x = f.run(x);
        }
        *o = x;
    }
}

/// Highest centre a filter may have at `rate`.
fn under_nyquist(hz: f64, rate: f64) -> f64 {
    hz.min(rate * 0.42)
}

/// Render drum `index` (1…18) at `rate`.
pub(crate) fn render(index: usize, rate: f64) -> Vec<f32> {
    let limit = rate * 0.45;
    let mut out;
    match index {
        // Snare drum: two drum-head modes and bright, band-limited wire noise.
        1 => {
            out = buffer(0.45, rate);
            let mut bank = Partials::new();
            bank.add(185.0, 0.6, 0.05, rate, limit);
            bank.add(330.0, 0.35, 0.03, rate, limit);
            bank.mix_into(&mut out);
            noise_burst(
                &mut out,
                rate,
                101,
                0.8,
                0.0,
                0.075,
                &mut [
                    Biquad::highpass(1200.0, 0.7, rate),
                    Biquad::peaking(under_nyquist(5000.0, rate), 1.0, 4.0, rate),
                ],
            );
            envelope(&mut out, rate, 0.0008, 10.0);
            level(&mut out, 0.85);
        }
        // Bass drum: a sine falling from 160 to 50 hertz with a beater click, slightly driven.
        2 => {
            out = buffer(0.6, rate);
            membrane(&mut out, rate, 50.0, 160.0, 0.035, 0.15, &[]);
            noise_burst(
                &mut out,
                rate,
                102,
                0.4,
                0.0,
                0.0015,
                &mut [Biquad::highpass(1000.0, 0.7, rate)],
            );
            envelope(&mut out, rate, 0.0008, 10.0);
            for v in out.iter_mut() {
                *v = soft_clip(*v * 1.5);
            }
            level(&mut out, 0.8);
        }
        // Side stick: a woody rim click, short resonances and a bright snap.
        3 => {
            out = buffer(0.15, rate);
            let mut bank = Partials::new();
            bank.add(480.0, 0.5, 0.02, rate, limit);
            bank.add(1650.0, 0.6, 0.012, rate, limit);
            bank.add(3300.0, 0.3, 0.006, rate, limit);
            bank.mix_into(&mut out);
            noise_burst(
                &mut out,
                rate,
                103,
                1.0,
                0.0,
                0.003,
                &mut [Biquad::bandpass(2500.0, 1.5, rate)],
            );
            level(&mut out, 0.75);
        }
        // Crash cymbal: clangy square waves and noise, high-passed, a long shimmering decay.
        4 => {
            out = buffer(2.8, rate);
            metal(&mut out, rate, 2.3);
            let mut rng = Rng::new(104);
            for v in out.iter_mut() {
                *v = *v * 0.6 + rng.noise() * 0.5;
            }
            filter(
                &mut out,
                &mut [
                    Biquad::highpass(3000.0, 0.7, rate),
                    Biquad::peaking(under_nyquist(6500.0, rate), 0.7, 5.0, rate),
                ],
            );
            envelope(&mut out, rate, 0.002, 0.55);
            noise_burst(
                &mut out,
                rate,
                114,
                0.4,
                0.0,
                0.04,
                &mut [Biquad::highpass(2000.0, 0.7, rate)],
            );
            level(&mut out, 0.6);
        }
        // Open and closed hi-hat: the 808's metal through a band-pass near 10 kHz.
        5 | 6 => {
            let (seconds, tau) = if index == 5 {
                (0.9, 0.17)
            } else {
                (0.2, 0.025)
            };
            out = buffer(seconds, rate);
            metal(&mut out, rate, 1.0);
            let mut rng = Rng::new(105);
            for v in out.iter_mut() {
                *v += rng.noise() * 0.25;
            }
            filter(
                &mut out,
                &mut [
                    Biquad::bandpass(under_nyquist(10_000.0, rate), 1.0, rate),
                    Biquad::highpass(under_nyquist(7000.0, rate), 0.7, rate),
                ],
            );
            envelope(&mut out, rate, 0.0005, tau);
            level(&mut out, if index == 5 { 0.5 } else { 0.55 });
        }
        // Tambourine: a skin tap and jingles that clash a few times and ring briefly.
        7 => {
            out = buffer(0.5, rate);
            let mut bank = Partials::new();
            for (i, hz) in [6100.0, 7400.0, 8300.0, 9700.0, 11_300.0, 12_800.0]
                .into_iter()
                .enumerate()
            {
                bank.add(hz, 0.12, 0.07 + 0.02 * i as f64, rate, limit);
            }
            bank.add(260.0, 0.3, 0.025, rate, limit);
            bank.mix_into(&mut out);
            for (i, start) in [0.0, 0.011, 0.024, 0.042, 0.065].into_iter().enumerate() {
                noise_burst(
                    &mut out,
                    rate,
                    107 + i as u32,
                    0.7 / (1.0 + i as f32 * 0.6),
                    start,
                    0.012,
                    &mut [Biquad::highpass(under_nyquist(5000.0, rate), 0.7, rate)],
                );
            }
            noise_burst(
                &mut out,
                rate,
                117,
                0.15,
                0.0,
                0.12,
                &mut [Biquad::highpass(under_nyquist(6000.0, rate), 0.7, rate)],
            );
            level(&mut out, 0.6);
        }
        // Hand clap: four quick noise bursts (several hands) and a short room tail.
        8 => {
            out = buffer(0.35, rate);
            for (i, start) in [0.0, 0.009, 0.019, 0.031].into_iter().enumerate() {
                let tau = if i == 3 { 0.05 } else { 0.005 };
                noise_burst(
                    &mut out,
                    rate,
                    108 + i as u32,
                    1.0,
                    start,
                    tau,
                    &mut [
                        Biquad::bandpass(1100.0, 1.3, rate),
                        Biquad::highpass(400.0, 0.7, rate),
                    ],
                );
            }
            level(&mut out, 0.8);
        }
        // Claves: a hard, almost pure 2.5 kHz ring.
        9 => {
            out = buffer(0.25, rate);
            let mut bank = Partials::new();
            bank.add(2500.0, 1.0, 0.03, rate, limit);
            bank.add(4850.0, 0.1, 0.01, rate, limit);
            bank.mix_into(&mut out);
            noise_burst(
                &mut out,
                rate,
                109,
                0.3,
                0.0,
                0.0008,
                &mut [Biquad::highpass(2000.0, 0.7, rate)],
            );
            level(&mut out, 0.7);
        }
        // Wood block: a hollow knock, lower and more resonant than the claves.
        10 => {
            out = buffer(0.25, rate);
            let mut bank = Partials::new();
            bank.add(1050.0, 1.0, 0.035, rate, limit);
            bank.add(1920.0, 0.25, 0.02, rate, limit);
            bank.add(2730.0, 0.35, 0.015, rate, limit);
            bank.mix_into(&mut out);
            noise_burst(
                &mut out,
                rate,
                110,
                0.5,
                0.0,
                0.0015,
                &mut [Biquad::bandpass(2000.0, 1.0, rate)],
            );
            level(&mut out, 0.7);
        }
        // Cowbell: two band-limited square waves at 560 and 845 hertz (the 808's pair), a sharp
        // then a ringing decay.
        11 => {
            out = buffer(0.55, rate);
            let mut sharp = Partials::new();
            let mut ring = Partials::new();
            for base in [560.0, 845.0] {
                for k in [1.0, 3.0, 5.0, 7.0] {
                    let hz = base * k;
                    let emphasis = super::dsp::bump(hz, 1800.0, 1.5);
                    sharp.add(hz, 0.6 * emphasis / k, 0.012, rate, limit);
                    ring.add(hz, 0.4 * emphasis / k, 0.12, rate, limit);
                }
            }
            sharp.mix_into(&mut out);
            ring.mix_into(&mut out);
            level(&mut out, 0.6);
        }
        // Triangle: high inharmonic modes of a steel rod, ringing for seconds.
        12 => {
            out = buffer(2.5, rate);
            let mut bank = Partials::new();
            for (hz, amp, tau) in [
                (1250.0, 0.3, 0.9),
                (3330.0, 0.6, 0.7),
                (3345.0, 0.4, 0.7),
                (4710.0, 0.5, 0.6),
                (6150.0, 0.4, 0.5),
                (7870.0, 0.3, 0.45),
                (9350.0, 0.2, 0.4),
                (11_400.0, 0.12, 0.3),
            ] {
                bank.add(hz, amp, tau, rate, limit);
            }
            bank.mix_into(&mut out);
            noise_burst(
                &mut out,
                rate,
                112,
                0.2,
                0.0,
                0.001,
                &mut [Biquad::highpass(4000.0, 0.7, rate)],
            );
            level(&mut out, 0.5);
        }
        // Bongo: a small, high membrane with a slap.
        13 => {
            out = buffer(0.35, rate);
            membrane(
                &mut out,
                rate,
                420.0,
                470.0,
                0.02,
                0.07,
                &[(1.59, 0.3, 0.03), (2.14, 0.12, 0.02)],
            );
            noise_burst(
                &mut out,
                rate,
                113,
                0.5,
                0.0,
                0.003,
                &mut [Biquad::bandpass(2200.0, 1.0, rate)],
            );
            envelope(&mut out, rate, 0.0005, 10.0);
            level(&mut out, 0.75);
        }
        // Conga: a larger, lower membrane that rings longer.
        14 => {
            out = buffer(0.6, rate);
            membrane(
                &mut out,
                rate,
                210.0,
                235.0,
                0.025,
                0.14,
                &[(1.59, 0.3, 0.05), (2.14, 0.15, 0.03)],
            );
            noise_burst(
                &mut out,
                rate,
                114,
                0.35,
                0.0,
                0.004,
                &mut [Biquad::bandpass(1500.0, 1.0, rate)],
            );
            envelope(&mut out, rate, 0.0005, 10.0);
            level(&mut out, 0.8);
        }
        // Cabasa: beads scraping: bright grainy noise swelling in and out.
        15 => {
            out = buffer(0.3, rate);
            let mut rng = Rng::new(115);
            for v in out.iter_mut() {
                let grain = if rng.unit() < 0.08 {
                    rng.noise() * 3.0
                } else {
                    0.0
                };
                *v = rng.noise() * 0.5 + grain;
            }
            filter(
                &mut out,
                &mut [
                    Biquad::highpass(3000.0, 0.7, rate),
                    Biquad::peaking(under_nyquist(7000.0, rate), 1.0, 6.0, rate),
                ],
            );
            let attack = (0.02 * rate) as usize;
            let k = decay_factor(0.05, rate) as f32;
            let mut env = 1.0f32;
            for (i, v) in out.iter_mut().enumerate() {
                if i < attack {
                    *v *= i as f32 / attack as f32;
                } else {
                    *v *= env;
                    env *= k;
                }
            }
            level(&mut out, 0.5);
        }
        // Guiro: a stick scraped over ridges: a train of resonant clicks, arching in level.
        16 => {
            out = buffer(0.45, rate);
            let mut rng = Rng::new(116);
            let ridges = 22;
            let span = 0.36;
            let mut t = 0.0;
            for i in 0..ridges {
                let at = (t * rate) as usize;
                let arch = (PI * (i as f64 + 0.5) / ridges as f64).sin() as f32;
                for j in 0..(0.0015 * rate) as usize {
                    if let Some(v) = out.get_mut(at + j) {
                        *v += rng.noise() * arch;
                    }
                }
                t += span / ridges as f64 * (0.85 + 0.3 * (i as f64 / ridges as f64));
            }
            let mut a = Biquad::bandpass(2300.0, 6.0, rate);
            let mut b = Biquad::bandpass(under_nyquist(4300.0, rate), 5.0, rate);
            for v in out.iter_mut() {
                let x = *v;
                *v = a.run(x) + 0.6 * b.run(x);
            }
            squash(&mut out);
            level(&mut out, 0.7);
        }
        // Vibraslap: a wooden box's metal teeth rattling faster and fainter.
        17 => {
            out = buffer(1.3, rate);
            let mut rng = Rng::new(117);
            let mut t = 0.0;
            let mut strength = 1.0f32;
            let mut gap = 0.05;
            while t < 1.15 {
                let at = (t * rate) as usize;
                for j in 0..(0.002 * rate) as usize {
                    if let Some(v) = out.get_mut(at + j) {
                        *v += rng.noise() * strength;
                    }
                }
                t += gap * (0.9 + 0.2 * f64::from(rng.unit()));
                gap = (gap * 0.96).max(0.028);
                strength *= 0.88;
            }
            let mut a = Biquad::bandpass(1900.0, 8.0, rate);
            let mut b = Biquad::bandpass(3000.0, 10.0, rate);
            let mut c = Biquad::bandpass(under_nyquist(4600.0, rate), 12.0, rate);
            for v in out.iter_mut() {
                let x = *v;
                *v = 0.6 * a.run(x) + b.run(x) + 0.8 * c.run(x);
            }
            squash(&mut out);
            level(&mut out, 0.7);
        }
        // Cuica: the friction drum's squeaky "whoop": a tone gliding up and falling back, a
        // little nasal.
        _ => {
            out = buffer(0.42, rate);
            let mut phase = 0u32;
            let n = out.len();
            for (i, v) in out.iter_mut().enumerate() {
                let t = i as f64 / rate;
                let hz = if t < 0.13 {
                    340.0 * (t / 0.13 * 1.05).exp2()
                } else {
                    700.0 - 170.0 * (1.0 - (-(t - 0.13) / 0.08).exp())
                };
                let x = sine(phase)
                    + 0.35 * sine(phase.wrapping_mul(2))
                    + 0.15 * sine(phase.wrapping_mul(3));
                phase = phase.wrapping_add(phase_step(hz, rate));
                let attack = (t / 0.015).min(1.0);
                let release = if t > 0.2 {
                    (-(t - 0.2) / 0.06).exp()
                } else {
                    1.0
                };
                let tail = 1.0 - (i as f64 / n as f64).powi(8);
                *v = x * (attack * release * tail) as f32;
            }
            filter(&mut out, &mut [Biquad::peaking(1300.0, 1.5, 6.0, rate)]);
            level(&mut out, 0.7);
        }
    }
    out
}
