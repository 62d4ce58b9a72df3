//! The music extension's instruments and drums, made by synthesis: no recorded samples, every
//! sound computed from a few numbers, deterministically (noise comes from seeded generators).
//!
//! The instruments and drums are Scratch's, in Scratch's order
//! (`scratch3_music/index.js`: `INSTRUMENT_INFO`, `DRUM_INFO`), and a note behaves as
//! `_playNote` plays one: the sound starts, is held for the note's length, then fades linearly
//! to silence over the instrument's release time (`releaseTime`, 0.01 s when Scratch gives
//! none). Struck and plucked instruments die away by themselves, so their notes end when they
//! have faded out even if held longer. A drum always plays its whole hit, however many beats.
//!
//! How each sound is made is documented on its renderer in `synth/instruments.rs` and
//! `synth/drums.rs`; the building blocks (oscillators, filters, a plucked string, decaying
//! partials) are in `synth/dsp.rs`.

mod drums;
pub(crate) mod dsp;
mod instruments;

use crate::Sound;
use instruments::Ctx;

/// Number of instruments (`set instrument to`, 1…21) and drums (`play drum`, 1…18).
pub const INSTRUMENT_COUNT: u32 = 21;
pub const DRUM_COUNT: u32 = 18;

/// The longest a note is held (longer requests are cut to this).
pub const MAX_NOTE_SECONDS: f64 = 60.0;

/// The lowest and highest note numbers (Scratch's `MIDI_NOTE_RANGE`).
pub const LOWEST_NOTE: f64 = 0.0;
pub const HIGHEST_NOTE: f64 = 130.0;

/// The sample rates sounds are made at: a rate outside is clamped into it (and the returned
/// [`Sound`] says which rate it has).
const MIN_RATE: u32 = 8_000;
const MAX_RATE: u32 = 96_000;

/// The loudest sample of any one note or drum: the mixer adds up to 30 of them.
const PEAK: f32 = 0.9;

struct Instrument {
    name: &'static str,
    /// Seconds of linear fade after the note's length (Scratch's `releaseTime`).
    release: f64,
    /// Level, chosen so the instruments sound about equally loud (see the `levels` test).
    gain: f32,
    render: fn(&Ctx, &mut [f32]),
}

const INSTRUMENTS: [Instrument; INSTRUMENT_COUNT as usize] = [
    Instrument {
        name: "Piano",
        release: 0.5,
        gain: 0.296,
        render: instruments::piano,
    },
    Instrument {
        name: "Electric Piano",
        release: 0.5,
        gain: 0.220,
        render: instruments::electric_piano,
    },
    Instrument {
        name: "Organ",
        release: 0.5,
        gain: 0.229,
        render: instruments::organ,
    },
    Instrument {
        name: "Guitar",
        release: 0.5,
        gain: 0.800,
        render: instruments::guitar,
    },
    Instrument {
        name: "Electric Guitar",
        release: 0.5,
        gain: 0.580,
        render: instruments::electric_guitar,
    },
    Instrument {
        name: "Bass",
        release: 0.25,
        gain: 1.101,
        render: instruments::bass,
    },
    Instrument {
        name: "Pizzicato",
        release: 0.25,
        gain: 6.786,
        render: instruments::pizzicato,
    },
    Instrument {
        name: "Cello",
        release: 0.1,
        gain: 0.220,
        render: instruments::cello,
    },
    Instrument {
        name: "Trombone",
        release: 0.01,
        gain: 0.302,
        render: instruments::trombone,
    },
    Instrument {
        name: "Clarinet",
        release: 0.01,
        gain: 0.138,
        render: instruments::clarinet,
    },
    Instrument {
        name: "Saxophone",
        release: 0.01,
        gain: 0.325,
        render: instruments::saxophone,
    },
    Instrument {
        name: "Flute",
        release: 0.01,
        gain: 0.204,
        render: instruments::flute,
    },
    Instrument {
        name: "Wooden Flute",
        release: 0.01,
        gain: 0.155,
        render: instruments::wooden_flute,
    },
    Instrument {
        name: "Bassoon",
        release: 0.01,
        gain: 0.289,
        render: instruments::bassoon,
    },
    Instrument {
        name: "Choir",
        release: 0.25,
        gain: 0.452,
        render: instruments::choir,
    },
    Instrument {
        name: "Vibraphone",
        release: 0.5,
        gain: 0.242,
        render: instruments::vibraphone,
    },
    Instrument {
        name: "Music Box",
        release: 0.25,
        gain: 0.216,
        render: instruments::music_box,
    },
    Instrument {
        name: "Steel Drum",
        release: 0.5,
        gain: 0.221,
        render: instruments::steel_drum,
    },
    Instrument {
        name: "Marimba",
        release: 0.01,
        gain: 0.287,
        render: instruments::marimba,
    },
    Instrument {
        name: "Synth Lead",
        release: 0.1,
        gain: 0.344,
        render: instruments::synth_lead,
    },
    Instrument {
        name: "Synth Pad",
        release: 0.25,
        gain: 0.581,
        render: instruments::synth_pad,
    },
];

const DRUM_NAMES: [&str; DRUM_COUNT as usize] = [
    "Snare Drum",
    "Bass Drum",
    "Side Stick",
    "Crash Cymbal",
    "Open Hi-Hat",
    "Closed Hi-Hat",
    "Tambourine",
    "Hand Clap",
    "Claves",
    "Wood Block",
    "Cowbell",
    "Triangle",
    "Bongo",
    "Conga",
    "Cabasa",
    "Guiro",
    "Vibraslap",
    "Cuica",
];

/// 1-based index into a list of `count`, wrapping as Scratch's `wrapClamp` does
/// (0 → `count`, `count + 1` → 1).
fn wrap(index: u32, count: u32) -> usize {
    ((i64::from(index) - 1).rem_euclid(i64::from(count)) + 1) as usize
}

/// The rate a sound is made at when `rate` is asked for.
pub(crate) fn clamp_rate(rate: u32) -> u32 {
    rate.clamp(MIN_RATE, MAX_RATE)
}

/// The English name of `instrument` (wrapped into 1…21 like [`note`] does).
pub fn instrument_name(instrument: u32) -> &'static str {
    INSTRUMENTS[wrap(instrument, INSTRUMENT_COUNT) - 1].name
}

/// The English name of `drum` (wrapped into 1…18 like [`drum`] does).
pub fn drum_name(drum: u32) -> &'static str {
    DRUM_NAMES[wrap(drum, DRUM_COUNT) - 1]
}

/// How long `instrument` goes on sounding after a note's length (Scratch's release time).
pub fn release_seconds(instrument: u32) -> f64 {
    INSTRUMENTS[wrap(instrument, INSTRUMENT_COUNT) - 1].release
}

/// A note (MIDI number 0…130, fractions allowed) on `instrument` (1…21) held for `seconds`,
/// followed by its release tail, at `rate` samples per second: `seconds` + the release long,
/// or shorter for struck and plucked instruments whose sound has died away by then.
///
/// Anything may be passed: the instrument wraps like Scratch's (0 is 21, 22 is 1), the note is
/// clamped to 0…130 (NaN is 0, as Scratch casts it), `seconds` to 0…[`MAX_NOTE_SECONDS`] (NaN
/// is 0), the rate to 8 000…96 000. A note too high to sound at the rate (above Nyquist) has
/// no samples.
pub fn note(instrument: u32, note: f64, seconds: f64, rate: u32) -> Sound {
    let rate = clamp_rate(rate);
    let index = wrap(instrument, INSTRUMENT_COUNT);
    let spec = &INSTRUMENTS[index - 1];
    let note = if note.is_nan() {
        0.0
    } else {
        note.clamp(LOWEST_NOTE, HIGHEST_NOTE)
    };
    let hold = if seconds.is_nan() {
        0.0
    } else {
        seconds.clamp(0.0, MAX_NOTE_SECONDS)
    };
    let rate_f = f64::from(rate);
    let ctx = Ctx {
        rate: rate_f,
        note,
        f0: dsp::midi_hz(note),
        limit: rate_f * 0.45,
    };
    if ctx.f0 >= ctx.limit {
        return Sound {
            rate,
            samples: Vec::new(),
        };
    }
    let wanted = hold + spec.release;
    let natural = instruments::ring_seconds(index, note).filter(|&ring| ring < wanted);
    let length = natural.unwrap_or(wanted);
    let mut samples = vec![0.0f32; (length * rate_f).ceil() as usize];
    (spec.render)(&ctx, &mut samples);

    // The release: full level until `hold`, then a straight fade to (almost) nothing.
    let release_start = ((hold * rate_f) as usize).min(samples.len());
    let step = (1.0 / (spec.release * rate_f).max(1.0)) as f32;
    let mut left = 1.0f32;
    for v in samples[release_start..].iter_mut() {
        *v *= left.max(0.0);
        left -= step;
    }
    // A sound that has died away is cut where it is inaudible; make the cut smooth.
    if natural.is_some() {
        let fade = ((0.05 * rate_f) as usize).min(samples.len() / 4).max(1);
        let n = samples.len();
        for (i, v) in samples[n - fade.min(n)..].iter_mut().enumerate() {
            *v *= 1.0 - i as f32 / fade as f32;
        }
    }
    finish(&mut samples, spec.gain);
    Sound { rate, samples }
}

/// One hit of `drum` (1…18, wrapping like Scratch's), its whole natural length, at `rate`
/// (clamped to 8 000…96 000).
pub fn drum(drum: u32, rate: u32) -> Sound {
    let rate = clamp_rate(rate);
    let mut samples = drums::render(wrap(drum, DRUM_COUNT), f64::from(rate));
    // Every hit ends smoothly, however much is left of its tail.
    let fade = ((0.03 * f64::from(rate)) as usize)
        .min(samples.len() / 4)
        .max(1);
    let n = samples.len();
    for (i, v) in samples[n - fade.min(n)..].iter_mut().enumerate() {
        *v *= 1.0 - i as f32 / fade as f32;
    }
    finish(&mut samples, 1.0);
    Sound { rate, samples }
}

/// Apply `gain`, and make sure nothing is louder than [`PEAK`] (or not finite).
pub(crate) fn finish(samples: &mut [f32], gain: f32) {
    let mut peak = 0.0f32;
    for v in samples.iter_mut() {
        let x = *v * gain;
        // Written so it vectorises: NaN and infinities become 0.
        *v = if x.abs() < f32::MAX { x } else { 0.0 };
        peak = if v.abs() > peak { v.abs() } else { peak };
    }
    if peak > PEAK {
        let g = PEAK / peak;
        for v in samples.iter_mut() {
            *v *= g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 44_100;

    fn peak(samples: &[f32]) -> f32 {
        samples.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    }

    fn rms(samples: &[f32]) -> f64 {
        let sum: f64 = samples.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
        (sum / samples.len().max(1) as f64).sqrt()
    }

    /// Fundamental frequency by YIN (cumulative mean normalised difference) over one window
    /// starting at `start`, searching `lo`…`hi` hertz.
    fn yin(x: &[f32], rate: f64, lo: f64, hi: f64) -> Option<f64> {
        let tau_min = ((rate / hi) as usize).max(2);
        let tau_max = (rate / lo) as usize + 2;
        let width = 2048.max(2 * tau_max);
        if x.len() < width + tau_max {
            return None;
        }
        let mut d = vec![0.0f64; tau_max + 1];
        for (tau, slot) in d.iter_mut().enumerate().skip(1) {
            *slot = (0..width)
                .map(|j| {
                    let diff = f64::from(x[j]) - f64::from(x[j + tau]);
                    diff * diff
                })
                .sum();
        }
        let mut cmnd = vec![1.0f64; tau_max + 1];
        let mut running = 0.0;
        for tau in 1..=tau_max {
            running += d[tau];
            cmnd[tau] = if running > 0.0 {
                d[tau] * tau as f64 / running
            } else {
                1.0
            };
        }
        let mut best = None;
        let mut tau = tau_min;
        while tau < tau_max {
            if cmnd[tau] < 0.2 {
                while tau + 1 < tau_max && cmnd[tau + 1] < cmnd[tau] {
                    tau += 1;
                }
                best = Some(tau);
                break;
            }
            tau += 1;
        }
        let tau = best.unwrap_or_else(|| {
            (tau_min..tau_max)
                .min_by(|&a, &b| cmnd[a].total_cmp(&cmnd[b]))
                .unwrap()
        });
        // Parabolic interpolation around the dip.
        let (a, b, c) = (cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]);
        let denom = a - 2.0 * b + c;
        let shift = if denom.abs() > 1e-12 {
            0.5 * (a - c) / denom
        } else {
            0.0
        };
        Some(rate / (tau as f64 + shift.clamp(-1.0, 1.0)))
    }

    /// Median of YIN estimates over windows spread through `x` (so vibrato averages out).
    fn pitch(x: &[f32], rate: f64, f0: f64) -> f64 {
        let hop = (rate * 0.11) as usize;
        let mut estimates: Vec<f64> = (0..7)
            .map(|i| (rate * 0.08) as usize + i * hop)
            .take_while(|&start| start < x.len())
            .filter_map(|start| yin(&x[start..], rate, f0 / 2.2, f0 * 2.2))
            .collect();
        assert!(!estimates.is_empty(), "too short to measure");
        estimates.sort_by(f64::total_cmp);
        estimates[estimates.len() / 2]
    }

    /// Magnitude of the Hann-windowed spectrum of `x` at `hz`.
    fn magnitude(x: &[f32], rate: f64, hz: f64) -> f64 {
        let n = x.len();
        let w = 2.0 * std::f64::consts::PI * hz / rate;
        let (step_re, step_im) = (w.cos(), -w.sin());
        let (mut re, mut im) = (1.0f64, 0.0f64);
        let (mut sum_re, mut sum_im) = (0.0, 0.0);
        for (i, &v) in x.iter().enumerate() {
            let window = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos();
            let v = f64::from(v) * window;
            sum_re += v * re;
            sum_im += v * im;
            (re, im) = (re * step_re - im * step_im, re * step_im + im * step_re);
        }
        (sum_re * sum_re + sum_im * sum_im).sqrt()
    }

    /// The strongest spectral peak between `lo` and `hi` hertz.
    fn strongest(x: &[f32], rate: f64, lo: f64, hi: f64) -> f64 {
        let search = |from: f64, to: f64, ratio: f64| {
            let mut best = (from, 0.0);
            let mut hz = from;
            while hz <= to {
                let m = magnitude(x, rate, hz);
                if m > best.1 {
                    best = (hz, m);
                }
                hz *= ratio;
            }
            best.0
        };
        let coarse = search(lo, hi, 1.01);
        search(coarse / 1.012, coarse * 1.012, 1.0005)
    }

    /// Instruments whose partials are not harmonic: tested by their strongest low partial.
    const INHARMONIC: [u32; 3] = [17, 18, 19];

    #[test]
    fn instruments_play_in_tune() {
        for instrument in 1..=INSTRUMENT_COUNT {
            for midi in [36.0, 60.0, 84.0] {
                let sound = note(instrument, midi, 1.0, RATE);
                let f0 = dsp::midi_hz(midi);
                let rate = f64::from(RATE);
                let measured = if INHARMONIC.contains(&instrument) {
                    let start = (rate * 0.05) as usize;
                    let window = &sound.samples[start..start + 8192];
                    strongest(window, rate, f0 / 2.5, f0 * 1.5)
                } else {
                    pitch(&sound.samples, rate, f0)
                };
                let error = (measured / f0 - 1.0).abs();
                assert!(
                    error < 0.01,
                    "{} at note {midi}: expected {f0:.2} Hz, measured {measured:.2} Hz",
                    instrument_name(instrument)
                );
            }
        }
    }

    #[test]
    fn notes_last_their_length_plus_release() {
        let rate = f64::from(RATE);
        for instrument in 1..=INSTRUMENT_COUNT {
            let release = release_seconds(instrument);
            for seconds in [0.05, 0.5] {
                let sound = note(instrument, 60.0, seconds, RATE);
                let expected = seconds + release;
                assert!(
                    (sound.seconds() - expected).abs() <= 2.0 / rate,
                    "{}: {seconds} s note lasted {} s, expected {expected}",
                    instrument_name(instrument),
                    sound.seconds()
                );
                // The release has faded the end out.
                let tail = &sound.samples[sound.samples.len() - 4..];
                assert!(
                    peak(tail) < 0.01,
                    "{} ends abruptly",
                    instrument_name(instrument)
                );
            }
        }
        // Sustained instruments sustain; struck and plucked ones stop when they have died away.
        assert!((note(12, 60.0, 4.0, RATE).seconds() - 4.01).abs() < 0.001);
        assert!((note(21, 60.0, 4.0, RATE).seconds() - 4.25).abs() < 0.001);
        let piano = note(1, 60.0, 30.0, RATE);
        assert!(
            piano.seconds() < 12.0,
            "piano rang for {} s",
            piano.seconds()
        );
        let marimba = note(19, 84.0, 10.0, RATE);
        assert!(marimba.seconds() < 2.0);
        // The level while held: a sustained note is still sounding at the end of its length.
        let flute = note(12, 60.0, 2.0, RATE);
        assert!(rms(&flute.samples[(1.8 * rate) as usize..(1.95 * rate) as usize]) > 0.05);
    }

    #[test]
    fn instruments_are_about_equally_loud() {
        for instrument in 1..=INSTRUMENT_COUNT {
            let sound = note(instrument, 60.0, 0.5, RATE);
            let level = rms(&sound.samples[..RATE as usize / 2]);
            assert!(
                (0.08..0.16).contains(&level),
                "{} has level {level:.3}",
                instrument_name(instrument)
            );
        }
    }

    #[test]
    fn every_note_is_finite_and_bounded() {
        let mut silent = Vec::new();
        for rate in [8_000, 22_050, 48_000] {
            for instrument in 1..=INSTRUMENT_COUNT {
                for midi in [
                    0.0, 12.5, 24.0, 48.0, 72.0, 96.0, 108.0, 120.0, 127.0, 130.0,
                ] {
                    let sound = note(instrument, midi, 0.3, rate);
                    assert_eq!(sound.rate, rate);
                    assert!(sound.samples.iter().all(|v| v.is_finite()));
                    assert!(peak(&sound.samples) <= PEAK + 1e-6);
                    if dsp::midi_hz(midi) < f64::from(rate) * 0.4 && peak(&sound.samples) < 0.01 {
                        silent.push(format!(
                            "{} note {midi} at {rate} Hz",
                            instrument_name(instrument)
                        ));
                    }
                }
            }
        }
        assert!(silent.is_empty(), "silent: {silent:#?}");
    }

    #[test]
    fn weird_arguments_give_bounded_sounds() {
        let cases = [
            (0, f64::NAN, f64::NAN, 0),
            (99, -5.0, -1.0, 48_000),
            (1, 500.0, 1e9, 48_000),
            (u32::MAX, f64::INFINITY, f64::INFINITY, u32::MAX),
            (12, f64::NEG_INFINITY, 1e9, 1),
            (22, 60.0, 0.0, 44_100),
        ];
        for (instrument, midi, seconds, rate) in cases {
            let sound = note(instrument, midi, seconds, rate);
            assert!((MIN_RATE..=MAX_RATE).contains(&sound.rate));
            assert!(sound.seconds() <= MAX_NOTE_SECONDS + 1.0);
            assert!(sound
                .samples
                .iter()
                .all(|v| v.is_finite() && v.abs() <= 1.0));
        }
        // The wrapping is Scratch's: 0 is the last instrument, one past the end is the first.
        assert_eq!(instrument_name(0), "Synth Pad");
        assert_eq!(instrument_name(22), "Piano");
        assert_eq!(drum_name(0), "Cuica");
        assert_eq!(drum_name(19), "Snare Drum");
        assert_eq!(note(0, 60.0, 0.2, RATE), note(21, 60.0, 0.2, RATE));
        assert_eq!(drum(19, RATE), drum(1, RATE));
        // Too high to sound at this rate: nothing.
        assert!(note(1, 130.0, 1.0, 8_000).samples.is_empty());
    }

    #[test]
    fn sounds_are_deterministic() {
        for instrument in 1..=INSTRUMENT_COUNT {
            assert_eq!(
                note(instrument, 61.5, 0.3, RATE),
                note(instrument, 61.5, 0.3, RATE)
            );
        }
        for d in 1..=DRUM_COUNT {
            assert_eq!(drum(d, RATE), drum(d, RATE));
        }
    }

    /// Spectral centroid (hertz) of the first 4096 samples.
    fn centroid(x: &[f32], rate: f64) -> f64 {
        let x = &x[..x.len().min(4096)];
        let (mut weighted, mut total) = (0.0, 0.0);
        let mut hz = 50.0;
        while hz < rate * 0.45 {
            let m = magnitude(x, rate, hz);
            weighted += m * hz;
            total += m;
            hz *= 1.05;
        }
        weighted / total
    }

    #[test]
    fn drums_are_short_distinct_hits() {
        let rate = f64::from(RATE);
        let sounds: Vec<Sound> = (1..=DRUM_COUNT).map(|d| drum(d, RATE)).collect();
        for (i, s) in sounds.iter().enumerate() {
            let name = DRUM_NAMES[i];
            assert_eq!(s.rate, RATE);
            assert!(
                s.seconds() > 0.05 && s.seconds() < 3.0,
                "{name} lasts {} s",
                s.seconds()
            );
            assert!(s.samples.iter().all(|v| v.is_finite()));
            let p = peak(&s.samples);
            assert!(p > 0.2 && p <= PEAK + 1e-6, "{name} peaks at {p}");
            assert!(
                peak(&s.samples[s.samples.len() - 8..]) < 0.02,
                "{name} ends abruptly"
            );
            for (j, other) in sounds.iter().enumerate().take(i) {
                assert_ne!(s, other, "{name} sounds like {}", DRUM_NAMES[j]);
            }
        }
        let c = |d: usize| centroid(&sounds[d - 1].samples, rate);
        assert!(
            c(6) > c(1),
            "closed hi-hat should be brighter than the snare"
        );
        assert!(c(1) > c(2), "snare should be brighter than the bass drum");
        assert!(
            c(5) > c(14),
            "open hi-hat should be brighter than the conga"
        );
        assert!(c(13) > c(14), "bongo should be higher than the conga");
        assert!(c(9) > c(10), "claves should be higher than the wood block");
        // Cymbals ring longer than closed hi-hats.
        assert!(sounds[3].seconds() > 2.0 * sounds[5].seconds());
        // Every rate works.
        for r in [8_000, 96_000] {
            for d in 1..=DRUM_COUNT {
                let s = drum(d, r);
                assert!(s.samples.iter().all(|v| v.is_finite()) && peak(&s.samples) <= PEAK + 1e-6);
                assert!(peak(&s.samples) > 0.1, "{} silent at {r}", drum_name(d));
            }
        }
    }
}
