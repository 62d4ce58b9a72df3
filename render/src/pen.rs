//! The pen layer: scratch-render's `PenSkin`, a 480×360 premultiplied RGBA image between the
//! backdrop and the sprites.
//!
//! Lines are drawn as the pen's line shader draws them (`shaders/sprite.frag`, `DRAW_MODE_line`):
//! every pixel gets the pen colour times `clamp((diameter + 1)/2 − distance, 0, 1)`, where
//! `distance` is from the pixel's centre to the segment — round caps and one pixel of
//! anti-aliasing, and a zero-length line is a round dot. Pen coordinates are stage coordinates;
//! pixel (i, j) has its centre at stage (i + 0.5 − 240, 180 − j − 0.5).

use starling_runtime::io::PenEvent;
use tiny_skia::{Color, Pixmap};

use crate::{compose, Renderer, STAGE_HEIGHT, STAGE_WIDTH};

pub(crate) struct PenLayer {
    pixmap: Pixmap,
    /// Nothing has been drawn since the last clear: the compositor can skip the layer.
    empty: bool,
}

impl PenLayer {
    pub(crate) fn new() -> PenLayer {
        PenLayer {
            pixmap: Pixmap::new(STAGE_WIDTH, STAGE_HEIGHT).expect("pen layer"),
            empty: true,
        }
    }

    pub(crate) fn pixmap(&self) -> &Pixmap {
        &self.pixmap
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }

    fn clear(&mut self) {
        self.pixmap.fill(Color::TRANSPARENT);
        self.empty = true;
    }
}

pub(crate) fn apply(r: &mut Renderer, op: &PenEvent) {
    match op {
        PenEvent::Clear => r.pen.clear(),
        PenEvent::Line {
            x0,
            y0,
            x1,
            y1,
            rgba,
            size,
        } => draw_line(&mut r.pen, [*x0, *y0], [*x1, *y1], *rgba, *size),
        // `PenSkin.drawPoint` is a line from the point to itself.
        PenEvent::Dot { x, y, rgba, size } => {
            draw_line(&mut r.pen, [*x, *y], [*x, *y], *rgba, *size)
        }
        // `RenderWebGL.penStamp`: the drawable as the stage draws it (effects included, hidden
        // or not), at the pen layer's own scale.
        PenEvent::Stamp { drawable, .. } => {
            let mut target = r.pen.pixmap.as_mut();
            compose::draw_drawable(&mut r.skins, &mut target, drawable, 1.0);
            r.pen.empty = false;
        }
    }
}

/// The pen diameter scratch-vm uses: clamped to 1…1200, 1 when it is not a number.
fn pen_diameter(size: f64) -> f64 {
    if size.is_nan() {
        1.0
    } else {
        size.clamp(1.0, 1200.0)
    }
}

/// `PenSkin.drawLine` from stage point `a` to stage point `b` with straight-alpha `rgba` (0…1).
fn draw_line(pen: &mut PenLayer, a: [f64; 2], b: [f64; 2], rgba: [f32; 4], size: f64) {
    if a.iter().chain(b.iter()).any(|v| v.is_nan()) {
        return;
    }
    let diameter = pen_diameter(size);
    // For compatibility with Scratch 2, lines of width 1 and 3 are moved half a pixel so that
    // they cover whole pixels (scratch-render pull request 314).
    let offset = if diameter == 1.0 || diameter == 3.0 {
        0.5
    } else {
        0.0
    };
    // Stage → pen pixel coordinates (x right, y down, origin at the top-left corner).
    let to_pixels = |p: [f64; 2]| [p[0] + offset + 240.0, 180.0 - (p[1] + offset)];
    let (p0, p1) = (to_pixels(a), to_pixels(b));

    // The premultiplied pen colour, as `_drawLineOnBuffer` computes it.
    let unit = |v: f32| {
        if v.is_nan() {
            0.0
        } else {
            f64::from(v).clamp(0.0, 1.0)
        }
    };
    let alpha = unit(rgba[3]);
    let color = [
        unit(rgba[0]) * alpha,
        unit(rgba[1]) * alpha,
        unit(rgba[2]) * alpha,
        alpha,
    ];
    if alpha == 0.0 {
        return;
    }
    pen.empty = false;

    // Coverage falls from 1 to 0 between (diameter − 1)/2 and (diameter + 1)/2 from the segment.
    let outer = (diameter + 1.0) / 2.0;
    let (w, h) = (f64::from(STAGE_WIDTH), f64::from(STAGE_HEIGHT));
    // Only the part of the segment within reach of the layer matters; clipping it also keeps the
    // arithmetic finite for points far away (caps moved outside the margin stay invisible).
    let margin = outer + 2.0;
    let Some((p0, p1)) = clip_segment(p0, p1, [-margin, -margin], [w + margin, h + margin]) else {
        return;
    };
    let dx = p1[0] - p0[0];
    let dy = p1[1] - p0[1];
    let len2 = dx * dx + dy * dy;

    let top = ((p0[1].min(p1[1]) - outer).floor().max(0.0)) as usize;
    let bottom = ((p0[1].max(p1[1]) + outer).ceil().min(h)) as usize;
    let width = STAGE_WIDTH as usize;
    let data = pen.pixmap.data_mut();
    for j in top..bottom {
        let yc = j as f64 + 0.5;
        let Some((lo, hi)) = capsule_row(p0, p1, outer, yc) else {
            continue;
        };
        // Pixel centres i + 0.5 within [lo, hi], with one pixel of slack against rounding.
        let first = ((lo - 0.5).floor() - 1.0).max(0.0);
        let last = ((hi - 0.5).ceil() + 1.0).min(w - 1.0);
        if !(first <= last) {
            continue;
        }
        for i in first as usize..=last as usize {
            let xc = i as f64 + 0.5;
            // Distance from the pixel centre to the segment.
            let t = if len2 > 0.0 {
                (((xc - p0[0]) * dx + (yc - p0[1]) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (xc - (p0[0] + t * dx), yc - (p0[1] + t * dy));
            let coverage = (outer - (ex * ex + ey * ey).sqrt()).clamp(0.0, 1.0);
            if coverage > 0.0 {
                let k = (j * width + i) * 4;
                blend_float(&mut data[k..k + 4], color, coverage);
            }
        }
    }
}

/// Source-over of the premultiplied colour `color` scaled by `coverage` onto a premultiplied
/// pixel, in floating point as the GPU blends, rounded to bytes.
#[inline]
fn blend_float(dst: &mut [u8], color: [f64; 4], coverage: f64) {
    let src_a = color[3] * coverage;
    let keep = 1.0 - src_a;
    let mut out = [0u8; 4];
    for c in 0..4 {
        let v = color[c] * coverage + f64::from(dst[c]) / 255.0 * keep;
        out[c] = (v * 255.0 + 0.5).clamp(0.0, 255.0) as u8;
    }
    for c in 0..3 {
        out[c] = out[c].min(out[3]);
    }
    dst.copy_from_slice(&out);
}

/// The x range where the horizontal line at `yc` crosses the capsule of radius `r` around the
/// segment p0–p1 (its two end discs and the band between them). The capsule is convex, so the
/// crossing is one interval: the hull of the three parts' intervals.
fn capsule_row(p0: [f64; 2], p1: [f64; 2], r: f64, yc: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in [p0, p1] {
        let dy = yc - p[1];
        if dy.abs() < r {
            let half = (r * r - dy * dy).sqrt();
            lo = lo.min(p[0] - half);
            hi = hi.max(p[0] + half);
        }
    }
    let (dx, dy) = (p1[0] - p0[0], p1[1] - p0[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if len > 0.0 {
        // Along the segment: 0 ≤ ((x − x0)·dx + (yc − y0)·dy)/len ≤ len.
        // Across it: |(−(x − x0)·dy + (yc − y0)·dx)/len| ≤ r.
        let (mut band_lo, mut band_hi) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut within = |k: f64, c: f64, min: f64, max: f64| {
            // min ≤ k·x + c ≤ max
            if k == 0.0 {
                if c < min || c > max {
                    band_lo = f64::INFINITY;
                }
            } else {
                let (a, b) = ((min - c) / k, (max - c) / k);
                band_lo = band_lo.max(a.min(b));
                band_hi = band_hi.min(a.max(b));
            }
        };
        let along_c = (-p0[0] * dx + (yc - p0[1]) * dy) / len;
        within(dx / len, along_c, 0.0, len);
        let across_c = (p0[0] * dy + (yc - p0[1]) * dx) / len;
        within(-dy / len, across_c, -r, r);
        if band_lo <= band_hi {
            lo = lo.min(band_lo);
            hi = hi.max(band_hi);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Liang–Barsky: the part of the segment p0–p1 inside the box [min, max], if any.
fn clip_segment(
    p0: [f64; 2],
    p1: [f64; 2],
    min: [f64; 2],
    max: [f64; 2],
) -> Option<([f64; 2], [f64; 2])> {
    // Infinite coordinates: keep the direction, start from a finite point far outside.
    let (p0, p1) = (finite_point(p0, p1)?, finite_point(p1, p0)?);
    let (dx, dy) = (p1[0] - p0[0], p1[1] - p0[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, p0[0] - min[0]),
        (dx, max[0] - p0[0]),
        (-dy, p0[1] - min[1]),
        (dy, max[1] - p0[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if !(t0 <= t1) {
        return None;
    }
    let at = |t: f64| [p0[0] + t * dx, p0[1] + t * dy];
    Some((at(t0), at(t1)))
}

/// A point with infinite coordinates replaced by huge finite ones (far outside any box), keeping
/// its side; `None` when that is not possible (both points infinite on the same axis makes the
/// direction meaningless).
fn finite_point(p: [f64; 2], other: [f64; 2]) -> Option<[f64; 2]> {
    const FAR: f64 = 1.0e15;
    let mut out = p;
    for axis in 0..2 {
        if p[axis].is_infinite() {
            if other[axis].is_infinite() {
                return None;
            }
            out[axis] = FAR.copysign(p[axis]);
        } else {
            // Keep finite coordinates within a range where the clip arithmetic stays exact enough.
            out[axis] = p[axis].clamp(-FAR, FAR);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::tests::{frame, px, renderer, sprite, RED, WHITE};
    use crate::Skin;

    fn line(x0: f64, y0: f64, x1: f64, y1: f64, size: f64) -> PenEvent {
        PenEvent::Line {
            x0,
            y0,
            x1,
            y1,
            rgba: [0.0, 0.0, 1.0, 1.0],
            size,
        }
    }

    fn alpha(r: &Renderer, x: u32, y: u32) -> u8 {
        px(r.pen.pixmap(), x, y)[3]
    }

    #[test]
    fn line_covers_its_width_with_round_caps() {
        let mut r = Renderer::new();
        apply(&mut r, &line(-100.0, 0.0, 100.0, 0.0, 10.0));
        // Stage y 0 is the boundary between rows 179 and 180: rows 175…184 are fully covered
        // (centres within 4.5 of the line), rows 174 and 185 not at all.
        for x in [140, 200, 240, 339] {
            for y in 175..=184 {
                assert_eq!(px(r.pen.pixmap(), x, y), [0, 0, 255, 255], "({x}, {y})");
            }
            assert_eq!(alpha(&r, x, 174), 0);
            assert_eq!(alpha(&r, x, 185), 0);
        }
        // Round caps: the pixel left of the start on the line's axis is nearly covered, the
        // corner of where a square cap would be is empty.
        assert!(alpha(&r, 135, 179) > 240);
        assert_eq!(alpha(&r, 134, 179), 0);
        assert_eq!(alpha(&r, 136, 175), 0);
        assert_eq!(alpha(&r, 343, 184), 0);
        assert!(alpha(&r, 344, 180) > 240);
        // Anti-aliased edge of the cap: partly covered.
        let a = alpha(&r, 136, 176);
        assert!(a > 0 && a < 255, "{a}");
        // Nothing else.
        let covered = r.pen.pixmap().data().chunks(4).filter(|c| c[3] > 0).count();
        assert!((2000..2200).contains(&covered), "{covered}");
    }

    #[test]
    fn thin_lines_and_dots_are_pixel_aligned() {
        let mut r = Renderer::new();
        // Size 1: moved half a pixel onto pixel centres, so a dot is exactly one pixel.
        apply(
            &mut r,
            &PenEvent::Dot {
                x: 0.0,
                y: 0.0,
                rgba: [1.0, 0.0, 0.0, 1.0],
                size: 1.0,
            },
        );
        assert_eq!(px(r.pen.pixmap(), 240, 179), RED);
        let covered = r.pen.pixmap().data().chunks(4).filter(|c| c[3] > 0).count();
        assert_eq!(covered, 1);
        // A horizontal size-1 line is one row, crisp.
        apply(&mut r, &PenEvent::Clear);
        apply(&mut r, &line(-10.0, 20.0, 10.0, 20.0, 1.0));
        for x in 230..=250 {
            assert_eq!(alpha(&r, x, 159), 255, "{x}");
            assert_eq!(alpha(&r, x, 158), 0);
            assert_eq!(alpha(&r, x, 160), 0);
        }
    }

    #[test]
    fn dot_is_round() {
        let mut r = Renderer::new();
        apply(
            &mut r,
            &PenEvent::Dot {
                x: 0.0,
                y: 0.0,
                rgba: [0.0, 0.0, 1.0, 0.5],
                size: 20.0,
            },
        );
        // Half-transparent blue, premultiplied.
        assert_eq!(px(r.pen.pixmap(), 240, 180), [0, 0, 128, 128]);
        assert!(alpha(&r, 249, 180) > 120);
        assert_eq!(alpha(&r, 250, 180), 0);
        assert!(alpha(&r, 240, 170) > 120);
        assert_eq!(alpha(&r, 240, 169), 0);
        // The corners of the enclosing square are empty.
        assert_eq!(alpha(&r, 232, 172), 0);
        assert_eq!(alpha(&r, 247, 187), 0);
        // Pen colours over each other blend source-over.
        apply(
            &mut r,
            &PenEvent::Dot {
                x: 0.0,
                y: 0.0,
                rgba: [1.0, 0.0, 0.0, 0.5],
                size: 4.0,
            },
        );
        let c = px(r.pen.pixmap(), 240, 180);
        assert!(c[0].abs_diff(128) <= 1 && c[2].abs_diff(64) <= 1 && c[3].abs_diff(192) <= 1);
    }

    #[test]
    fn clear_empties_the_layer() {
        let mut r = Renderer::new();
        apply(&mut r, &line(-300.0, -300.0, 300.0, 300.0, 50.0));
        assert!(!r.pen.is_empty());
        apply(&mut r, &PenEvent::Clear);
        assert!(r.pen.is_empty());
        assert!(r.pen.pixmap().data().iter().all(|&b| b == 0));
    }

    #[test]
    fn stamp_draws_the_sprite_as_the_stage_does() {
        // A 20×10 red bar turning around its left middle, pointing up.
        let bar = Skin::from_pixmap(
            crate::compose::tests::image(20, 10, |_, _| RED),
            1.0,
            Some([0.0, 5.0]),
        );
        let mut r = renderer(vec![bar]);
        let mut d = sprite(0);
        d.direction = 0.0;
        d.x = 30.0;
        d.visible = false; // stamps ignore visibility
        apply(
            &mut r,
            &PenEvent::Stamp {
                target: "Bar".into(),
                drawable: d.clone(),
            },
        );
        // Stage x 25…35, y 0…20 → columns 265…274, rows 160…179.
        for (x, y) in [(265, 160), (274, 179), (270, 170)] {
            assert_eq!(px(r.pen.pixmap(), x, y), RED, "({x}, {y})");
        }
        for (x, y) in [(264, 170), (275, 170), (270, 159), (270, 180)] {
            assert_eq!(alpha(&r, x, y), 0, "({x}, {y})");
        }
        // The stamp on the pen layer looks exactly like the sprite drawn on the stage.
        d.visible = true;
        let drawn = r.render(&frame(vec![d.clone()]), 1.0);
        apply(&mut r, &PenEvent::Clear);
        d.direction = 37.0;
        d.effects[starling_runtime::stage::EFFECT_WHIRL] = 45.0;
        d.effects[starling_runtime::stage::EFFECT_COLOR] = 30.0;
        apply(
            &mut r,
            &PenEvent::Stamp {
                target: "Bar".into(),
                drawable: d.clone(),
            },
        );
        let stamped = r.render(&frame(vec![]), 1.0);
        let drawn = {
            let _ = drawn;
            r.pen = PenLayer::new();
            r.render(&frame(vec![d]), 1.0)
        };
        assert_eq!(stamped.data(), drawn.data());
        assert!(stamped.data().chunks(4).any(|c| c != WHITE));
    }

    #[test]
    fn strange_pen_values_do_not_panic() {
        let mut r = Renderer::new();
        let values = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -1e300,
            1e300,
            5.0,
            -7.5,
        ];
        for &a in &values {
            for &b in &values {
                apply(&mut r, &line(a, b, b, a, a));
                apply(&mut r, &line(0.0, a, 10.0, b, 3.0));
                apply(
                    &mut r,
                    &PenEvent::Dot {
                        x: a,
                        y: b,
                        rgba: [a as f32; 4],
                        size: b,
                    },
                );
            }
        }
        // A huge pen over the whole layer.
        apply(&mut r, &line(-1e300, 0.0, 1e300, 0.0, 1e9));
        assert_eq!(px(r.pen.pixmap(), 0, 0), [0, 0, 255, 255]);
        // A line from far away still draws its visible part.
        apply(&mut r, &PenEvent::Clear);
        apply(&mut r, &line(-1e12, 0.0, 0.0, 0.0, 2.0));
        assert_eq!(alpha(&r, 0, 179), 255);
        assert_eq!(alpha(&r, 239, 180), 255);
        assert_eq!(alpha(&r, 242, 180), 0);
    }
}
