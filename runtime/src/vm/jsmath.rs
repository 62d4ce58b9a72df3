//! JavaScript number behaviour the blocks depend on (`Math.round`, `toFixed`, `>>`), scratch-vm's
//! `MathUtil` helpers, the VM's own random numbers, and calendar arithmetic for `current [year]`.
//!
//! Everything here is deterministic: the random generator is seeded by the host.

/// A small seeded random generator (SplitMix64). The VM never reads OS randomness.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Like JavaScript's `Math.random()`: uniform in [0, 1).
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// JavaScript's `Math.round`: halves go up (towards +Infinity), and -0.3 rounds to -0.
pub(crate) fn js_round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let floor = x.floor();
    let r = if x - floor >= 0.5 { floor + 1.0 } else { floor };
    if r == 0.0 && x < 0.0 {
        -0.0
    } else {
        r
    }
}

/// `Math.min(Math.max(n, min), max)` with JavaScript's NaN propagation.
pub(crate) fn clamp(n: f64, min: f64, max: f64) -> f64 {
    if n.is_nan() {
        return n;
    }
    n.max(min).min(max)
}

/// scratch-vm's `MathUtil.wrapClamp`: wraps `n` into `min..=max` (integers in practice).
pub(crate) fn wrap_clamp(n: f64, min: f64, max: f64) -> f64 {
    let range = (max - min) + 1.0;
    n - ((n - min) / range).floor() * range
}

/// JavaScript's `ToInt32` (what `>>` does to a number).
pub(crate) fn to_int32(x: f64) -> i32 {
    if !x.is_finite() {
        return 0;
    }
    let t = x.trunc();
    let m = t.rem_euclid(4_294_967_296.0);
    (m as u64 as u32) as i32
}

/// JavaScript's `Number.prototype.toFixed(digits)`. Rust's formatting rounds exact ties to even;
/// JavaScript rounds them away from zero, so ties are fixed up here.
pub(crate) fn to_fixed(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.abs() >= 1e21 || x.is_infinite() {
        return crate::value::number_to_string(x);
    }
    let ax = x.abs();
    let mut s = format!("{ax:.digits$}");
    // A tie at `digits` places means ax·2^(digits+1) is an odd integer (ax = odd / 2^(digits+1)
    // once the factor 5^digits is accounted for).
    let scaled = ax * (1u64 << (digits + 1)) as f64;
    if scaled.fract() == 0.0 && scaled % 2.0 == 1.0 {
        let shown: f64 = s.parse().unwrap_or(ax);
        if shown < ax {
            s = increment_last_digit(&s);
        }
    }
    // JavaScript: (-0).toFixed(2) is "0.00", and (-0.001).toFixed(2) is "-0.00".
    if x < 0.0 {
        format!("-{s}")
    } else {
        s
    }
}

fn increment_last_digit(s: &str) -> String {
    let mut bytes: Vec<u8> = s.bytes().collect();
    let mut i = bytes.len();
    loop {
        if i == 0 {
            bytes.insert(0, b'1');
            break;
        }
        i -= 1;
        match bytes[i] {
            b'.' => continue,
            b'9' => bytes[i] = b'0',
            d => {
                bytes[i] = d + 1;
                break;
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// `parseFloat(x.toFixed(digits))`, which scratch-vm uses to round sin, cos and tan.
pub(crate) fn round_places(x: f64, digits: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    to_fixed(x, digits).parse().unwrap_or(x)
}

/// The `mathop` block's functions, numbered as in [`crate::isa::Instr::MathOp`].
pub(crate) fn math_op(op: u32, n: f64) -> f64 {
    use std::f64::consts::PI;
    match op {
        0 => n.abs(),
        1 => n.floor(),
        2 => n.ceil(),
        3 => n.sqrt(),
        4 => round_places((PI * n / 180.0).sin(), 10),
        5 => round_places((PI * n / 180.0).cos(), 10),
        6 => {
            // MathUtil.tan: JavaScript's `%` keeps the dividend's sign.
            let angle = n % 360.0;
            if angle == 90.0 || angle == -270.0 {
                f64::INFINITY
            } else if angle == -90.0 || angle == 270.0 {
                f64::NEG_INFINITY
            } else {
                round_places((PI * angle / 180.0).tan(), 10)
            }
        }
        7 => n.asin() * 180.0 / PI,
        8 => n.acos() * 180.0 / PI,
        9 => n.atan() * 180.0 / PI,
        10 => n.ln(),
        11 => n.ln() / std::f64::consts::LN_10,
        12 => n.exp(),
        13 => 10f64.powf(n),
        _ => 0.0,
    }
}

/// Milliseconds since 1970-01-01 UTC of 2000-01-01 00:00 UTC.
pub(crate) const Y2000_MS: f64 = 946_684_800_000.0;

/// A UTC calendar date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateParts {
    pub year: i64,
    /// 1…12.
    pub month: u32,
    /// 1…31.
    pub day: u32,
    /// 1 (Sunday) … 7 (Saturday), as Scratch's `day of week`.
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Splits Unix milliseconds into a UTC date (Howard Hinnant's `civil_from_days`).
pub(crate) fn date_parts(unix_ms: f64) -> DateParts {
    let ms = if unix_ms.is_finite() {
        unix_ms.floor() as i64
    } else {
        0
    };
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    // 1970-01-01 was a Thursday (day of week 5 when Sunday is 1).
    let weekday = ((days + 4).rem_euclid(7) + 1) as u32;
    DateParts {
        year,
        month,
        day,
        weekday,
        hour: (in_day / 3_600_000) as u32,
        minute: (in_day / 60_000 % 60) as u32,
        second: (in_day / 1000 % 60) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_matches_javascript() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert_eq!(js_round(0.49999999999999994), 0.0);
        assert!(js_round(-0.3).is_sign_negative());
    }

    #[test]
    fn to_fixed_rounds_ties_away_from_zero() {
        assert_eq!(to_fixed(0.125, 2), "0.13");
        assert_eq!(to_fixed(-0.125, 2), "-0.13");
        assert_eq!(to_fixed(1.005, 2), "1.00"); // 1.005 is really 1.00499999…
        assert_eq!(to_fixed(9.995, 2), "9.99");
        assert_eq!(to_fixed(0.995, 2), "0.99");
        assert_eq!(to_fixed(99.875, 2), "99.88");
        assert_eq!(to_fixed(3.14158, 2), "3.14");
        assert_eq!(to_fixed(0.00048828125, 10), "0.0004882813");
    }

    #[test]
    fn trig_is_rounded_like_scratch() {
        assert_eq!(math_op(4, 180.0), 0.0);
        assert_eq!(math_op(5, 90.0), 0.0);
        assert_eq!(math_op(4, 30.0), 0.5);
        assert_eq!(math_op(6, 90.0), f64::INFINITY);
        assert_eq!(math_op(6, -90.0), f64::NEG_INFINITY);
        assert_eq!(math_op(6, 45.0), 1.0);
    }

    #[test]
    fn wrap_clamp_and_int32() {
        assert_eq!(wrap_clamp(181.0, -179.0, 180.0), -179.0);
        assert_eq!(wrap_clamp(-180.0, -179.0, 180.0), 180.0);
        assert_eq!(wrap_clamp(3.0, 0.0, 2.0), 0.0);
        assert_eq!(to_int32(4_294_967_295.0), -1);
        assert_eq!(to_int32(0xff0000 as f64), 0xff0000);
    }

    #[test]
    fn dates() {
        let d = date_parts(Y2000_MS);
        assert_eq!((d.year, d.month, d.day, d.weekday), (2000, 1, 1, 7)); // a Saturday
        let d = date_parts(Y2000_MS + 86_400_000.0 * 59.0 + 3_723_000.0);
        assert_eq!(
            (d.year, d.month, d.day, d.hour, d.minute, d.second),
            (2000, 2, 29, 1, 2, 3)
        );
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
        }
    }
}
