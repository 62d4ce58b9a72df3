//! The colour effects: scratch-render's `EffectTransform.transformColor`, with the converters of
//! `ShaderManager.EFFECT_INFO` and the colour conversions of `util/color-conversions.js`.
//!
//! scratch-render does this arithmetic on a `Uint8ClampedArray`, so every intermediate store is
//! clamped to 0…255 and rounded half to even. [`clamp_u8`] reproduces that store, and the steps
//! below store exactly where the JavaScript does, so the CPU colours (touching color, the
//! compositor) match Scratch's to the bit.

use starling_runtime::stage::{EFFECT_BRIGHTNESS, EFFECT_COLOR, EFFECT_GHOST};

/// The colour effects as the shader uniforms hold them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ColorEffects {
    /// `u_color`: `(color / 200) % 1` (JavaScript's remainder, so it can be negative), present
    /// when the effect is not 0.
    pub color: Option<f64>,
    /// `u_brightness`: clamp(brightness, −100, 100) / 100.
    pub brightness: Option<f64>,
    /// `u_ghost`: 1 − clamp(ghost, 0, 100) / 100.
    pub ghost: Option<f64>,
}

/// JavaScript's truthiness of a number: `Drawable.updateEffect` enables an effect when its raw
/// value is truthy, so 0, −0 and NaN leave it off.
fn enabled(raw: f64) -> bool {
    raw != 0.0 && !raw.is_nan()
}

/// `Math.max(lo, Math.min(x, hi))` with JavaScript's NaN rule (NaN in, NaN out).
fn js_clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else {
        x.clamp(lo, hi)
    }
}

/// A store into a `Uint8ClampedArray` (ECMAScript `ToUint8Clamp`): NaN becomes 0, the value is
/// clamped to 0…255 and rounded to the nearest integer, ties to even.
#[inline]
pub(crate) fn clamp_u8(x: f64) -> u8 {
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    if x >= 255.0 {
        return 255;
    }
    x.round_ties_even() as u8
}

impl ColorEffects {
    /// The uniforms for a drawable's effect values (see the `EFFECT_` constants), with
    /// `ShaderManager.EFFECT_INFO`'s converters.
    pub fn from_effects(effects: &[f64; 7]) -> ColorEffects {
        let color = effects[EFFECT_COLOR];
        let brightness = effects[EFFECT_BRIGHTNESS];
        let ghost = effects[EFFECT_GHOST];
        ColorEffects {
            color: enabled(color).then(|| (color / 200.0) % 1.0),
            brightness: enabled(brightness).then(|| js_clamp(brightness, -100.0, 100.0) / 100.0),
            ghost: enabled(ghost).then(|| 1.0 - js_clamp(ghost, 0.0, 100.0) / 100.0),
        }
    }

    /// Whether any colour effect is on.
    pub fn any(&self) -> bool {
        self.color.is_some() || self.brightness.is_some() || self.ghost.is_some()
    }

    /// The premultiplied colour `rgba` with the effects applied (ghost included).
    pub fn apply(&self, rgba: [u8; 4]) -> [u8; 4] {
        self.transform(rgba, true)
    }

    /// The premultiplied colour `rgba` with the colour and brightness effects but not ghost:
    /// what `color is touching color` compares with its mask (scratch-render samples the
    /// sprite with `effectMask = ~ghost` there).
    pub fn apply_without_ghost(&self, rgba: [u8; 4]) -> [u8; 4] {
        self.transform(rgba, false)
    }

    /// `EffectTransform.transformColor`, store for store.
    fn transform(&self, rgba: [u8; 4], with_ghost: bool) -> [u8; 4] {
        // A fully transparent colour is returned as it is.
        if rgba[3] == 0 {
            return rgba;
        }
        let mut c = rgba;
        if self.color.is_some() || self.brightness.is_some() {
            // Un-premultiply (the shader divides by alpha + epsilon; the array store clamps).
            let alpha = f64::from(c[3]) / 255.0;
            for ch in &mut c[..3] {
                *ch = clamp_u8(f64::from(*ch) / alpha);
            }
            if let Some(u_color) = self.color {
                let mut hsv = rgb_to_hsv([c[0], c[1], c[2]]);
                // Grey and near-black colours get a little saturation so the hue change shows.
                const MIN_V: f64 = 0.11 / 2.0;
                const MIN_S: f64 = 0.09;
                if hsv[2] < MIN_V {
                    hsv = [0.0, 1.0, MIN_V];
                } else if hsv[1] < MIN_S {
                    hsv[0] = 0.0;
                    hsv[1] = MIN_S;
                }
                hsv[0] += u_color + 1.0;
                let rgb = hsv_to_rgb(hsv);
                c[..3].copy_from_slice(&rgb);
            }
            if let Some(u_brightness) = self.brightness {
                let b = u_brightness * 255.0;
                for ch in &mut c[..3] {
                    *ch = clamp_u8(f64::from(*ch) + b);
                }
            }
            // Premultiply again.
            for ch in &mut c[..3] {
                *ch = clamp_u8(f64::from(*ch) * alpha);
            }
        }
        if with_ghost {
            if let Some(u_ghost) = self.ghost {
                for ch in &mut c {
                    *ch = clamp_u8(f64::from(*ch) * u_ghost);
                }
            }
        }
        c
    }
}

/// `rgbToHsv` of color-conversions.js: 0…255 in, h, s, v in 0…1 out.
fn rgb_to_hsv(rgb: [u8; 3]) -> [f64; 3] {
    let mut k = 0.0;
    let mut r = f64::from(rgb[0]) / 255.0;
    let mut g = f64::from(rgb[1]) / 255.0;
    let mut b = f64::from(rgb[2]) / 255.0;
    if g < b {
        std::mem::swap(&mut g, &mut b);
        k = -1.0;
    }
    if r < g {
        std::mem::swap(&mut r, &mut g);
        k = -2.0 / 6.0 - k;
    }
    let chroma = r - g.min(b);
    let h = (k + (g - b) / (6.0 * chroma + f64::EPSILON)).abs();
    let s = chroma / (r + f64::EPSILON);
    [h, s, r]
}

/// `hsvToRgb` of color-conversions.js, including its `+ 0.5` before the clamped store.
fn hsv_to_rgb([h, s, v]: [f64; 3]) -> [u8; 3] {
    if s == 0.0 {
        let grey = clamp_u8(v * 255.0 + 0.5);
        return [grey; 3];
    }
    let h = h % 1.0;
    // `(h * 6) | 0`: NaN becomes 0; h is below 1 here so no wrapping is needed.
    let i = (h * 6.0) as i64;
    let f = h * 6.0 - i as f64;
    let p = v * (1.0 - s);
    let q = v * (1.0 - s * f);
    let t = v * (1.0 - s * (1.0 - f));
    let (r, g, b) = match i {
        0 => (v, t, p),
        1 => (q, v, p),
        2 => (p, v, t),
        3 => (p, q, v),
        4 => (t, p, v),
        5 => (v, p, q),
        // A negative hue (only from a non-finite effect value) matches no case: black.
        _ => (0.0, 0.0, 0.0),
    };
    [
        clamp_u8(r * 255.0 + 0.5),
        clamp_u8(g * 255.0 + 0.5),
        clamp_u8(b * 255.0 + 0.5),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effects(color: f64, brightness: f64, ghost: f64) -> ColorEffects {
        let mut e = [0.0; 7];
        e[EFFECT_COLOR] = color;
        e[EFFECT_BRIGHTNESS] = brightness;
        e[EFFECT_GHOST] = ghost;
        ColorEffects::from_effects(&e)
    }

    #[test]
    fn converters_follow_effect_info() {
        let e = effects(250.0, 150.0, 30.0);
        assert_eq!(e.color, Some(0.25));
        assert_eq!(e.brightness, Some(1.0));
        assert_eq!(e.ghost, Some(0.7));
        // JavaScript's remainder keeps the sign.
        assert_eq!(
            effects(-50.0, -300.0, -5.0),
            ColorEffects {
                color: Some(-0.25),
                brightness: Some(-1.0),
                ghost: Some(1.0),
            }
        );
        // 0 and NaN are off; infinities are on.
        assert!(!effects(0.0, -0.0, f64::NAN).any());
        let e = effects(f64::INFINITY, f64::INFINITY, f64::INFINITY);
        assert!(e.color.unwrap().is_nan());
        assert_eq!((e.brightness, e.ghost), (Some(1.0), Some(0.0)));
    }

    #[test]
    fn clamped_store_rounds_half_to_even() {
        assert_eq!(clamp_u8(100.5), 100);
        assert_eq!(clamp_u8(101.5), 102);
        assert_eq!(clamp_u8(100.51), 101);
        assert_eq!(clamp_u8(-3.0), 0);
        assert_eq!(clamp_u8(300.0), 255);
        assert_eq!(clamp_u8(f64::NAN), 0);
        assert_eq!(clamp_u8(f64::INFINITY), 255);
    }

    // The expected values below were worked through EffectTransform.transformColor by hand and
    // checked by running scratch-render's color-conversions.js with a Uint8ClampedArray.

    #[test]
    fn colour_effect_turns_the_hue() {
        // Red turned by 50 (a quarter turn): hsv (0, 1/(1+ε), 1) → h 0.25 → i 1, f 0.5:
        // r = q ≈ 0.5 → 127.5 + 0.5 = 128, g = v → 255.5 → 255, b = p = 1 − 1/(1+ε) ≈ 2e−16,
        // so 0.5 + 6e−14 rounds up to 1 (the Number.EPSILON in rgbToHsv shows).
        assert_eq!(
            effects(50.0, 0.0, 0.0).apply([255, 0, 0, 255]),
            [128, 255, 1, 255]
        );
        // A turn of 100 gives cyan; 200 is a whole turn (u_color 0 but still on): red again.
        assert_eq!(
            effects(100.0, 0.0, 0.0).apply([255, 0, 0, 255]),
            [1, 255, 255, 255]
        );
        assert_eq!(
            effects(200.0, 0.0, 0.0).apply([255, 0, 0, 255]),
            [255, 1, 1, 255]
        );
        // Backwards: −50 is three quarters of a turn: h 0.75 → i 4, f 0.5: r = t ≈ 0.5 → 128.
        assert_eq!(
            effects(-50.0, 0.0, 0.0).apply([255, 0, 0, 255]),
            [128, 1, 255, 255]
        );
        assert_eq!(
            effects(123.0, 0.0, 0.0).apply([30, 60, 90, 255]),
            [79, 90, 31, 255]
        );
        // Half transparent: unpremultiplied to (200·255/128 …) first, premultiplied after.
        assert_eq!(
            effects(25.0, 0.0, 0.0).apply([200, 100, 50, 128]),
            [98, 128, 51, 128]
        );
        // All three together.
        assert_eq!(
            effects(37.0, -63.0, 12.0).apply([90, 40, 20, 200]),
            [0, 0, 0, 176]
        );
    }

    #[test]
    fn colour_effect_saturates_greys_and_blacks() {
        // White: s 0 < 0.09 → hsv (0, 0.09, 1); +0.25 → i 1, f 0.5: r = q = 0.955 → 243.525
        // + 0.5 → 244, g = 255, b = p = 0.91 → 232.05 + 0.5 → 233.
        assert_eq!(
            effects(50.0, 0.0, 0.0).apply([255, 255, 255, 255]),
            [244, 255, 233, 255]
        );
        // Black: v 0 < 0.055 → hsv (0, 1, 0.055); h 0 (u_color 0 after 200): r = 14.025 + 0.5
        // → 15 (14.525), g = t = 0 → 0.5 → 0 (ties to even), b = p = 0 → 0.
        assert_eq!(
            effects(200.0, 0.0, 0.0).apply([0, 0, 0, 255]),
            [15, 0, 0, 255]
        );
    }

    #[test]
    fn brightness_and_ghost() {
        // +50 adds 127.5 to each channel before the clamped store: 100 + 127.5 = 227.5 → 228.
        assert_eq!(
            effects(0.0, 50.0, 0.0).apply([100, 0, 200, 255]),
            [228, 128, 255, 255]
        );
        // −100 makes black; +100 white.
        assert_eq!(
            effects(0.0, -100.0, 0.0).apply([10, 20, 30, 255]),
            [0, 0, 0, 255]
        );
        assert_eq!(
            effects(0.0, 100.0, 0.0).apply([10, 20, 30, 255]),
            [255, 255, 255, 255]
        );
        // Ghost 50 halves everything, alpha too: 255·0.5 = 127.5 → 128 (even), 101·0.5 = 50.5
        // → 50 (even).
        assert_eq!(
            effects(0.0, 0.0, 50.0).apply([255, 101, 0, 255]),
            [128, 50, 0, 128]
        );
        assert_eq!(
            effects(0.0, 0.0, 100.0).apply([255, 101, 0, 255]),
            [0, 0, 0, 0]
        );
        assert_eq!(
            effects(0.0, 0.0, 50.0).apply_without_ghost([255, 101, 0, 255]),
            [255, 101, 0, 255]
        );
    }

    #[test]
    fn half_transparent_colours_are_unpremultiplied_first() {
        // Premultiplied (50, 0, 0, 128): alpha 0.50196…; 50 / α = 99.6 → 100. Brightness +20
        // adds 51 → 151; ·α = 75.8 → 76. Green and blue: 0 + 51 = 51 → 25.6 → 26.
        assert_eq!(
            effects(0.0, 20.0, 0.0).apply([50, 0, 0, 128]),
            [76, 26, 26, 128]
        );
        // Fully transparent pixels are left alone, whatever the effects.
        assert_eq!(effects(50.0, 50.0, 50.0).apply([0, 0, 0, 0]), [0, 0, 0, 0]);
    }

    #[test]
    fn never_panics_and_stays_premultiplied() {
        let all = [
            effects(f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY),
            effects(f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY),
            effects(1e300, 1e300, -1e300),
            effects(37.0, -63.0, 12.0),
        ];
        for e in all {
            for a in [1u8, 7, 128, 254, 255] {
                for v in [0u8, 1, 50, 127, 200, 255] {
                    let px = [v.min(a), (v / 2).min(a), (255 - v).min(a), a];
                    let out = e.apply(px);
                    assert!(
                        out[0] <= out[3] && out[1] <= out[3] && out[2] <= out[3],
                        "{px:?} → {out:?}"
                    );
                }
            }
        }
    }
}
