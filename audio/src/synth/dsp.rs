//! Small signal-processing building blocks shared by the instruments, the drums and the sound
//! library: a seeded noise source, table oscillators, band-limited harmonic tables, filters,
//! decaying partials and a plucked string.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// Bits of the sine table's index: 2048 entries, read with linear interpolation.
const SINE_BITS: u32 = 11;
const SINE_LEN: usize = 1 << SINE_BITS;
/// Bits of a harmonic table's index: 1024 entries, enough for the 64 harmonics a table holds.
const WAVE_BITS: u32 = 10;
const WAVE_LEN: usize = 1 << WAVE_BITS;
/// The most harmonics a [`Wave`] table holds.
pub(crate) const MAX_HARMONICS: usize = 64;

/// One cycle of a sine, plus a guard entry so interpolation never wraps.
fn sine_table() -> &'static [f32; SINE_LEN + 1] {
    static TABLE: OnceLock<Box<[f32; SINE_LEN + 1]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Box::new([0.0f32; SINE_LEN + 1]);
        for (i, v) in table.iter_mut().enumerate() {
            *v = (2.0 * PI * i as f64 / SINE_LEN as f64).sin() as f32;
        }
        table
    })
}

/// MIDI note number → frequency in hertz.
pub(crate) fn midi_hz(note: f64) -> f64 {
    440.0 * ((note - 69.0) / 12.0).exp2()
}

/// A phase increment for [`sine`] and [`Wave::at`]: `hz` cycles per second at `rate`.
pub(crate) fn phase_step(hz: f64, rate: f64) -> u32 {
    let cycles = (hz / rate).clamp(0.0, 0.5);
    (cycles * 4_294_967_296.0) as u32
}

/// sin(2π·phase/2³²) from the table.
#[inline]
pub(crate) fn sine(phase: u32) -> f32 {
    let table = sine_table();
    let i = (phase >> (32 - SINE_BITS)) as usize;
    let frac =
        (phase & ((1 << (32 - SINE_BITS)) - 1)) as f32 * (1.0 / (1u32 << (32 - SINE_BITS)) as f32);
    let a = table[i];
    a + (table[i + 1] - a) * frac
}

/// A xorshift generator: the only source of "randomness", seeded per sound so every render is
/// identical.
#[derive(Clone)]
pub(crate) struct Rng(u32);

impl Rng {
    pub(crate) fn new(seed: u32) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9) | 1)
    }

    #[inline]
    pub(crate) fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    /// White noise in −1…1.
    #[inline]
    pub(crate) fn noise(&mut self) -> f32 {
        self.next_u32() as i32 as f32 * (1.0 / 2_147_483_648.0)
    }

    /// Uniform in 0…1.
    #[inline]
    pub(crate) fn unit(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }
}

/// One cycle of a band-limited periodic wave, built from harmonic amplitudes, read with a
/// 32-bit phase.
pub(crate) struct Wave {
    table: Box<[f32; WAVE_LEN + 1]>,
}

impl Wave {
    /// A wave whose harmonic `k` (1-based) has amplitude `amp(k, k·f0)`; harmonics above `limit`
    /// hertz (the Nyquist frequency less room for vibrato) or past [`MAX_HARMONICS`] are left out
    /// so nothing aliases.
    pub(crate) fn new(f0: f64, limit: f64, amp: impl Fn(usize, f64) -> f64) -> Wave {
        let sines = sine_table();
        let mut table = Box::new([0.0f32; WAVE_LEN + 1]);
        let step = SINE_LEN / WAVE_LEN;
        for k in 1..=MAX_HARMONICS {
            let hz = k as f64 * f0;
            if hz >= limit {
                break;
            }
            let a = amp(k, hz) as f32;
            if a == 0.0 || !a.is_finite() {
                continue;
            }
            let stride = k * step;
            let mut index = 0usize;
            for v in table.iter_mut().take(WAVE_LEN) {
                *v += a * sines[index];
                index = (index + stride) & (SINE_LEN - 1);
            }
        }
        table[WAVE_LEN] = table[0];
        Wave { table }
    }

    /// The largest magnitude in the table, to normalise by.
    pub(crate) fn peak(&self) -> f32 {
        self.table.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    }

    /// Scale the table so its peak is 1 (a silent table stays silent).
    pub(crate) fn normalised(mut self) -> Wave {
        let peak = self.peak();
        if peak > 0.0 {
            for v in self.table.iter_mut() {
                *v /= peak;
            }
        }
        self
    }

    #[inline]
    pub(crate) fn at(&self, phase: u32) -> f32 {
        let i = (phase >> (32 - WAVE_BITS)) as usize;
        let frac = (phase & ((1 << (32 - WAVE_BITS)) - 1)) as f32
            * (1.0 / (1u32 << (32 - WAVE_BITS)) as f32);
        let a = self.table[i];
        a + (self.table[i + 1] - a) * frac
    }
}

/// A resonance bump on a log-frequency axis: 1 at `centre`, falling off over `octaves`.
pub(crate) fn bump(hz: f64, centre: f64, octaves: f64) -> f64 {
    let x = (hz / centre).log2() / octaves;
    (-x * x).exp()
}

/// A gentle low-pass roll-off: 1 well below `corner`, −12 dB per octave above it.
pub(crate) fn rolloff(hz: f64, corner: f64) -> f64 {
    let x = hz / corner;
    1.0 / (1.0 + x * x)
}

/// A biquad filter (Robert Bristow-Johnson's cookbook), transposed direct form II.
#[derive(Clone, Copy, Default)]
pub(crate) struct Biquad {
    b0: f32,
    b1: f32,
    b2: f32,
    a1: f32,
    a2: f32,
    z1: f32,
    z2: f32,
}

impl Biquad {
    fn from(b0: f64, b1: f64, b2: f64, a0: f64, a1: f64, a2: f64) -> Biquad {
        Biquad {
            b0: (b0 / a0) as f32,
            b1: (b1 / a0) as f32,
            b2: (b2 / a0) as f32,
            a1: (a1 / a0) as f32,
            a2: (a2 / a0) as f32,
            z1: 0.0,
            z2: 0.0,
        }
    }

    /// ω and α for a centre `hz` (kept below Nyquist) and quality `q`.
    fn omega(hz: f64, q: f64, rate: f64) -> (f64, f64) {
        let w = 2.0 * PI * (hz / rate).clamp(1e-5, 0.49);
        (w, w.sin() / (2.0 * q.max(0.05)))
    }

    pub(crate) fn lowpass(hz: f64, q: f64, rate: f64) -> Biquad {
        let (w, alpha) = Self::omega(hz, q, rate);
        let c = w.cos();
        Self::from(
            (1.0 - c) / 2.0,
            1.0 - c,
            (1.0 - c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        )
    }

    pub(crate) fn highpass(hz: f64, q: f64, rate: f64) -> Biquad {
        let (w, alpha) = Self::omega(hz, q, rate);
        let c = w.cos();
        Self::from(
            (1.0 + c) / 2.0,
            -(1.0 + c),
            (1.0 + c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        )
    }

    /// Band-pass with 0 dB at the centre.
    pub(crate) fn bandpass(hz: f64, q: f64, rate: f64) -> Biquad {
        let (w, alpha) = Self::omega(hz, q, rate);
        let c = w.cos();
        Self::from(alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * c, 1.0 - alpha)
    }

    /// A peak (or dip, for negative `db`) around `hz`.
    pub(crate) fn peaking(hz: f64, q: f64, db: f64, rate: f64) -> Biquad {
        let (w, alpha) = Self::omega(hz, q, rate);
        let c = w.cos();
        let a = 10f64.powf(db / 40.0);
        Self::from(
            1.0 + alpha * a,
            -2.0 * c,
            1.0 - alpha * a,
            1.0 + alpha / a,
            -2.0 * c,
            1.0 - alpha / a,
        )
    }

    /// Take `other`'s coefficients, keeping this filter's state (for sweeps).
    pub(crate) fn retune(&mut self, other: Biquad) {
        *self = Biquad {
            z1: self.z1,
            z2: self.z2,
            ..other
        };
    }

    #[inline]
    pub(crate) fn run(&mut self, x: f32) -> f32 {
        let y = self.b0 * x + self.z1;
        self.z1 = self.b1 * x - self.a1 * y + self.z2;
        self.z2 = self.b2 * x - self.a2 * y;
        y
    }
}

/// A one-pole low-pass: `y += k·(x − y)`.
#[derive(Clone, Copy, Default)]
pub(crate) struct OnePole {
    k: f32,
    pub(crate) y: f32,
}

impl OnePole {
    pub(crate) fn new(hz: f64, rate: f64) -> OnePole {
        OnePole {
            k: one_pole_coefficient(hz, rate),
            y: 0.0,
        }
    }

    #[inline]
    pub(crate) fn run(&mut self, x: f32) -> f32 {
        self.y += self.k * (x - self.y);
        self.y
    }
}

/// The coefficient of a one-pole low-pass with corner `hz`.
pub(crate) fn one_pole_coefficient(hz: f64, rate: f64) -> f32 {
    (1.0 - (-2.0 * PI * hz / rate).exp()).clamp(0.0, 1.0) as f32
}

/// The per-sample factor of an exponential decay that falls by 1/e in `seconds`.
pub(crate) fn decay_factor(seconds: f64, rate: f64) -> f64 {
    if seconds <= 0.0 {
        0.0
    } else {
        (-1.0 / (seconds * rate)).exp()
    }
}

/// A bank of exponentially decaying sinusoids, each a two-pole resonator
/// `y[n] = 2r·cos ω·y[n−1] − r²·y[n−2]` (in f64: in f32 low notes would drift out of tune).
/// Lanes are kept in fixed arrays so the per-sample loop vectorises.
pub(crate) struct Partials {
    c: [f64; Partials::LANES],
    r2: [f64; Partials::LANES],
    s1: [f64; Partials::LANES],
    s2: [f64; Partials::LANES],
    n: usize,
    /// Longest decay constant, in samples: past ~12 of them everything is below −100 dB.
    longest: f64,
}

impl Partials {
    pub(crate) const LANES: usize = 32;

    pub(crate) fn new() -> Partials {
        Partials {
            c: [0.0; Self::LANES],
            r2: [0.0; Self::LANES],
            s1: [0.0; Self::LANES],
            s2: [0.0; Self::LANES],
            n: 0,
            longest: 0.0,
        }
    }

    /// Add a partial of `hz` starting at amplitude `amp` (sine phase) and falling by 1/e every
    /// `tau` seconds. Partials at or above `limit` hertz, or past the bank's size, are dropped.
    pub(crate) fn add(&mut self, hz: f64, amp: f64, tau: f64, rate: f64, limit: f64) {
        if self.n == Self::LANES || !(hz > 0.0 && hz < limit) || amp == 0.0 || !amp.is_finite() {
            return;
        }
        let w = 2.0 * PI * hz / rate;
        let r = decay_factor(tau, rate);
        if r <= 0.0 {
            return;
        }
        let i = self.n;
        self.c[i] = 2.0 * r * w.cos();
        self.r2[i] = r * r;
        // y[−1] and y[−2] of amp·rⁿ·sin(ωn), so y[0] = 0.
        self.s1[i] = -amp * w.sin() / r;
        self.s2[i] = -amp * (2.0 * w).sin() / (r * r);
        self.n += 1;
        self.longest = self.longest.max(tau * rate);
    }

    /// Add the bank's output into `out`.
    pub(crate) fn mix_into(&mut self, out: &mut [f32]) {
        if self.n == 0 {
            return;
        }
        let audible = ((self.longest * 12.0) as usize).min(out.len());
        let out = &mut out[..audible];
        let (mut c, mut r2, mut s1, mut s2) = (self.c, self.r2, self.s1, self.s2);
        // Only the lanes in use, rounded up to a multiple of 4 (the unused ones hold zeros).
        let used = self.n.div_ceil(4) * 4;
        match used {
            4 => run_lanes::<4>(out, &mut c, &mut r2, &mut s1, &mut s2),
            8 => run_lanes::<8>(out, &mut c, &mut r2, &mut s1, &mut s2),
            12 => run_lanes::<12>(out, &mut c, &mut r2, &mut s1, &mut s2),
            16 => run_lanes::<16>(out, &mut c, &mut r2, &mut s1, &mut s2),
            20 => run_lanes::<20>(out, &mut c, &mut r2, &mut s1, &mut s2),
            24 => run_lanes::<24>(out, &mut c, &mut r2, &mut s1, &mut s2),
            28 => run_lanes::<28>(out, &mut c, &mut r2, &mut s1, &mut s2),
            _ => run_lanes::<32>(out, &mut c, &mut r2, &mut s1, &mut s2),
        }
        (self.s1, self.s2) = (s1, s2);
    }
}

type Lanes = [f64; Partials::LANES];

fn run_lanes<const N: usize>(
    out: &mut [f32],
    c: &mut Lanes,
    r2: &mut Lanes,
    s1: &mut Lanes,
    s2: &mut Lanes,
) {
    let mut a: [f64; N] = [0.0; N];
    let mut b: [f64; N] = [0.0; N];
    let mut p: [f64; N] = [0.0; N];
    let mut q: [f64; N] = [0.0; N];
    a.copy_from_slice(&c[..N]);
    b.copy_from_slice(&r2[..N]);
    p.copy_from_slice(&s1[..N]);
    q.copy_from_slice(&s2[..N]);
    for o in out.iter_mut() {
        let mut acc = [0.0f64; 4];
        for j in 0..N / 4 {
            for (l, sum) in acc.iter_mut().enumerate() {
                let i = j * 4 + l;
                let y = a[i] * p[i] - b[i] * q[i];
                q[i] = p[i];
                p[i] = y;
                *sum += y;
            }
        }
        *o += ((acc[0] + acc[1]) + (acc[2] + acc[3])) as f32;
    }
    s1[..N].copy_from_slice(&p);
    s2[..N].copy_from_slice(&q);
}

/// A plucked string (Karplus–Strong): a delay line one period long, fed back through a
/// linear-phase three-tap low-pass (exactly one sample of delay, so it does not detune the
/// string) and a first-order all-pass for the fractional part of the period.
pub(crate) struct Pluck {
    line: Vec<f32>,
    pos: usize,
    /// Taps of the loop low-pass: `[a, 1 − 2a, a]`, scaled by the loop gain.
    side: f32,
    middle: f32,
    /// All-pass coefficient and state.
    eta: f32,
    ap_x: f32,
    ap_y: f32,
    prev1: f32,
    prev2: f32,
}

impl Pluck {
    /// A string of `hz` at `rate`, its loop low-pass `darkness` (0 bright … 0.25 dark), ringing
    /// down by 60 dB in `t60` seconds, its delay line filled by `excite` (which gets the line).
    /// `None` when a period is too short for a delay line (very high notes).
    pub(crate) fn new(
        hz: f64,
        rate: f64,
        darkness: f64,
        t60: f64,
        excite: impl FnOnce(&mut [f32]),
    ) -> Option<Pluck> {
        let period = rate / hz;
        // The loop filter delays by 1 sample and the all-pass by 0.5…1.5 samples.
        let total = period - 1.0;
        // (Also refuses NaN.)
        if total.is_nan() || total < 4.0 {
            return None;
        }
        let whole = (total - 0.5).floor();
        let frac = total - whole; // 0.5…1.5
        let eta = (1.0 - frac) / (1.0 + frac);
        let n = whole as usize;
        let mut line = vec![0.0f32; n];
        excite(&mut line);
        // Loop gain per period for the requested decay, less what the filter takes at f0.
        let w = 2.0 * PI * hz / rate;
        let a = darkness.clamp(0.0, 0.25);
        let filter_gain = (1.0 - 2.0 * a) + 2.0 * a * w.cos();
        let per_period = 10f64.powf(-3.0 / (t60.max(0.01) * hz));
        let g = (per_period / filter_gain.max(0.05)).min(0.99999);
        Some(Pluck {
            line,
            pos: 0,
            side: (a * g) as f32,
            middle: ((1.0 - 2.0 * a) * g) as f32,
            eta: eta as f32,
            ap_x: 0.0,
            ap_y: 0.0,
            prev1: 0.0,
            prev2: 0.0,
        })
    }

    /// The next output sample.
    #[inline]
    pub(crate) fn next(&mut self) -> f32 {
        let x = self.line[self.pos];
        // Three-tap low-pass centred one sample back.
        let lp = self.side * (x + self.prev2) + self.middle * self.prev1;
        self.prev2 = self.prev1;
        self.prev1 = x;
        // Fractional delay.
        let y = self.eta * lp + self.ap_x - self.eta * self.ap_y;
        self.ap_x = lp;
        self.ap_y = y;
        self.line[self.pos] = y;
        self.pos += 1;
        if self.pos == self.line.len() {
            self.pos = 0;
        }
        x
    }
}

/// A cheap soft clipper (a rational approximation of tanh, exact at ±3).
#[inline]
pub(crate) fn soft_clip(x: f32) -> f32 {
    let x = x.clamp(-3.0, 3.0);
    x * (27.0 + x * x) / (27.0 + 9.0 * x * x)
}

/// Largest magnitude in `samples`.
pub(crate) fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}
