//! Where a drawable's costume lands on the stage: scratch-render's `Drawable._calculateTransform`
//! and `getLocalPosition`, and the shape effects of `EffectTransform.transformPoint`.
//!
//! Coordinates:
//! - *stage*: Scratch units, x right, y up, origin in the middle (480×360).
//! - *skin*: stage units at 100% size from the costume's top-left corner, y down.
//! - *texture*: skin coordinates divided by the skin size, 0…1 across the costume (`u`, `v`),
//!   what the shaders sample.
//!
//! The drawing, the touching tests and the pen's stamp all go through [`Placement`], so what a
//! sprite touches is exactly what is drawn.

use starling_runtime::program::RotationStyle;
use starling_runtime::stage::{
    Drawable, Rect, EFFECT_FISHEYE, EFFECT_MOSAIC, EFFECT_PIXELATE, EFFECT_WHIRL,
};

/// A drawable placed on the stage: the affine map between skin and stage coordinates, and the
/// shape effects' parameters (scratch-render's uniforms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Skin → stage: stage = m · (sx, sy, 1), as `[a, b, c, d, e, f]` with
    /// `X = a·sx + c·sy + e`, `Y = b·sx + d·sy + f`.
    pub to_stage: [f64; 6],
    /// Stage → skin, the inverse.
    pub to_skin: [f64; 6],
    /// The skin's size in stage units at 100%.
    pub skin_size: [f64; 2],
    pub shape: ShapeEffects,
}

/// The shape-changing effects as the shader uniforms hold them (`Drawable.updateEffect`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ShapeEffects {
    /// `u_fisheye`: max(0, (fisheye + 100) / 100); present when the effect is not 0.
    pub fisheye: Option<f64>,
    /// `u_whirl`: −whirl·π/180.
    pub whirl: Option<f64>,
    /// `u_pixelate`: |pixelate| / 10, in skin texels.
    pub pixelate: Option<f64>,
    /// `u_mosaic`: round((|mosaic| + 10) / 10) clamped to 1…512.
    pub mosaic: Option<f64>,
}

impl ShapeEffects {
    pub fn from_effects(effects: &[f64; 7]) -> ShapeEffects {
        let on = |i: usize| effects[i] != 0.0 && effects[i].is_finite();
        ShapeEffects {
            fisheye: on(EFFECT_FISHEYE)
                .then(|| ((effects[EFFECT_FISHEYE] + 100.0) / 100.0).max(0.0)),
            whirl: on(EFFECT_WHIRL).then(|| -effects[EFFECT_WHIRL] * std::f64::consts::PI / 180.0),
            pixelate: on(EFFECT_PIXELATE).then(|| effects[EFFECT_PIXELATE].abs() / 10.0),
            mosaic: on(EFFECT_MOSAIC).then(|| {
                ((effects[EFFECT_MOSAIC].abs() + 10.0) / 10.0)
                    .round()
                    .clamp(1.0, 512.0)
            }),
        }
    }

    pub fn any(&self) -> bool {
        self.fisheye.is_some()
            || self.whirl.is_some()
            || self.pixelate.is_some()
            || self.mosaic.is_some()
    }
}

/// The direction and horizontal flip the renderer uses for a rotation style
/// (rendered-target's `_getRenderedDirectionAndScale`).
pub fn rendered_direction(d: &Drawable) -> (f64, f64) {
    match d.rotation_style {
        RotationStyle::AllAround => (d.direction, 1.0),
        RotationStyle::LeftRight => (90.0, if d.direction < 0.0 { -1.0 } else { 1.0 }),
        RotationStyle::DontRotate => (90.0, 1.0),
    }
}

impl Placement {
    /// Places a skin of `skin_size` (stage units at 100%) with its rotation centre at
    /// `rotation_center` (skin units from the top-left) for the drawable. Positions are rounded
    /// to whole units as scratch-render's `updatePosition` does.
    pub fn new(d: &Drawable, skin_size: [f64; 2], rotation_center: [f64; 2]) -> Placement {
        let (direction, flip) = rendered_direction(d);
        let scale = if d.size.is_finite() {
            d.size / 100.0
        } else {
            1.0
        };
        let (sx, sy) = (scale * flip, scale);
        let px = if d.x.is_finite() { d.x.round() } else { 0.0 };
        let py = if d.y.is_finite() { d.y.round() } else { 0.0 };
        let direction = if direction.is_finite() {
            direction
        } else {
            90.0
        };
        // A clockwise turn by (direction − 90)°.
        let (sin, cos) = (direction - 90.0).to_radians().sin_cos();
        // Skin (x right, y down) → local (x right, y up, origin at the rotation centre, scaled):
        //   lx = (sx_ − cx)·sx, ly = (cy − sy_)·sy
        // local → stage: X = lx·cos + ly·sin + px, Y = −lx·sin + ly·cos + py
        let (cx, cy) = (rotation_center[0], rotation_center[1]);
        let a = sx * cos;
        let b = -sx * sin;
        let c = -sy * sin;
        let dd = -sy * cos;
        let e = -cx * sx * cos + cy * sy * sin + px;
        let f = cx * sx * sin + cy * sy * cos + py;
        let to_stage = [a, b, c, dd, e, f];
        Placement {
            to_stage,
            to_skin: invert(to_stage),
            skin_size,
            shape: ShapeEffects::from_effects(&d.effects),
        }
    }

    /// Stage point → skin point (no effects).
    pub fn stage_to_skin(&self, x: f64, y: f64) -> (f64, f64) {
        apply(&self.to_skin, x, y)
    }

    /// Skin point → stage point.
    pub fn skin_to_stage(&self, x: f64, y: f64) -> (f64, f64) {
        apply(&self.to_stage, x, y)
    }

    /// Stage point → texture coordinates with the shape effects applied: where the shader
    /// samples the costume for this point. Outside 0…1 means transparent.
    pub fn stage_to_texture(&self, x: f64, y: f64) -> (f64, f64) {
        let (sx, sy) = self.stage_to_skin(x, y);
        let (w, h) = (self.skin_size[0], self.skin_size[1]);
        if w <= 0.0 || h <= 0.0 {
            return (-1.0, -1.0);
        }
        let (u, v) = (sx / w, sy / h);
        if self.shape.any() {
            self.shape_effects(u, v)
        } else {
            (u, v)
        }
    }

    /// `EffectTransform.transformPoint`: mosaic, pixelate, whirl, fisheye, in the shader's order.
    pub fn shape_effects(&self, mut u: f64, mut v: f64) -> (f64, f64) {
        const CENTER: f64 = 0.5;
        let e = &self.shape;
        if let Some(m) = e.mosaic {
            u = (m * u) % 1.0;
            v = (m * v) % 1.0;
        }
        if let Some(p) = e.pixelate {
            if p > 0.0 {
                let tx = self.skin_size[0] / p;
                let ty = self.skin_size[1] / p;
                u = ((u * tx).floor() + CENTER) / tx;
                v = ((v * ty).floor() + CENTER) / ty;
            }
        }
        if let Some(w) = e.whirl {
            const RADIUS: f64 = 0.5;
            let (ox, oy) = (u - CENTER, v - CENTER);
            let mag = (ox * ox + oy * oy).sqrt();
            let factor = (1.0 - mag / RADIUS).max(0.0);
            let actual = w * factor * factor;
            let (s, c) = actual.sin_cos();
            u = c * ox + s * oy + CENTER;
            v = -s * ox + c * oy + CENTER;
        }
        if let Some(f) = e.fisheye {
            let vx = (u - CENTER) / CENTER;
            let vy = (v - CENTER) / CENTER;
            let len = (vx * vx + vy * vy).sqrt();
            if len > 0.0 {
                let r = len.min(1.0).powf(f) * len.max(1.0);
                u = CENTER + r * (vx / len) * CENTER;
                v = CENTER + r * (vy / len) * CENTER;
            }
        }
        (u, v)
    }

    /// The stage rectangle the whole skin covers (scratch-render's `getAABB`): shape effects
    /// never draw outside it.
    pub fn aabb(&self) -> Rect {
        let (w, h) = (self.skin_size[0], self.skin_size[1]);
        self.bounds_of([[0.0, 0.0], [w, 0.0], [0.0, h], [w, h]].iter().copied())
    }

    /// The stage rectangle around skin points (e.g. the convex hull, for `getBounds`).
    pub fn bounds_of(&self, points: impl Iterator<Item = [f64; 2]>) -> Rect {
        let mut r = Rect {
            left: f64::INFINITY,
            right: f64::NEG_INFINITY,
            bottom: f64::INFINITY,
            top: f64::NEG_INFINITY,
        };
        for p in points {
            let (x, y) = self.skin_to_stage(p[0], p[1]);
            r.left = r.left.min(x);
            r.right = r.right.max(x);
            r.bottom = r.bottom.min(y);
            r.top = r.top.max(y);
        }
        r
    }
}

fn apply(m: &[f64; 6], x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Inverse of an affine map; a degenerate map (size 0) maps everything far outside the skin.
fn invert(m: [f64; 6]) -> [f64; 6] {
    let [a, b, c, d, e, f] = m;
    let det = a * d - b * c;
    if det == 0.0 || !det.is_finite() {
        return [0.0, 0.0, 0.0, 0.0, -1e9, -1e9];
    }
    let ia = d / det;
    let ib = -b / det;
    let ic = -c / det;
    let id = a / det;
    let ie = -(ia * e + ic * f);
    let if_ = -(ib * e + id * f);
    [ia, ib, ic, id, ie, if_]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawable() -> Drawable {
        Drawable {
            id: 1,
            target: 1,
            costume: 0,
            x: 0.0,
            y: 0.0,
            direction: 90.0,
            size: 100.0,
            rotation_style: RotationStyle::AllAround,
            effects: [0.0; 7],
            visible: true,
        }
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn rotation_centre_lands_on_the_position() {
        let mut d = drawable();
        d.x = 10.4;
        d.y = -20.6;
        let p = Placement::new(&d, [100.0, 50.0], [30.0, 10.0]);
        assert!(close(p.skin_to_stage(30.0, 10.0), (10.0, -21.0)));
        // The skin's top-left is up and to the left of the centre.
        assert!(close(p.skin_to_stage(0.0, 0.0), (-20.0, -11.0)));
        assert!(close(p.stage_to_skin(-20.0, -11.0), (0.0, 0.0)));
    }

    #[test]
    fn direction_turns_clockwise_and_left_right_flips() {
        let mut d = drawable();
        d.direction = 180.0; // pointing down: the skin's right edge points down
        let p = Placement::new(&d, [10.0, 10.0], [0.0, 5.0]);
        assert!(close(p.skin_to_stage(10.0, 5.0), (0.0, -10.0)));
        d.direction = -90.0;
        d.rotation_style = RotationStyle::LeftRight;
        let p = Placement::new(&d, [10.0, 10.0], [0.0, 5.0]);
        assert!(close(p.skin_to_stage(10.0, 5.0), (-10.0, 0.0)));
        // Upright: the top stays up.
        assert!(close(p.skin_to_stage(0.0, 0.0), (0.0, 5.0)));
    }

    #[test]
    fn size_scales_and_aabb_covers_the_skin() {
        let mut d = drawable();
        d.size = 200.0;
        let p = Placement::new(&d, [10.0, 20.0], [5.0, 10.0]);
        let r = p.aabb();
        assert_eq!(
            (r.left, r.right, r.bottom, r.top),
            (-10.0, 10.0, -20.0, 20.0)
        );
        let mut d = drawable();
        d.size = 0.0;
        let p = Placement::new(&d, [10.0, 20.0], [5.0, 10.0]);
        let (u, _) = p.stage_to_texture(0.0, 0.0);
        assert!(!(0.0..=1.0).contains(&u));
    }

    #[test]
    fn shape_effects_keep_the_centre() {
        let mut d = drawable();
        d.effects[EFFECT_WHIRL] = 90.0;
        d.effects[EFFECT_FISHEYE] = 50.0;
        let p = Placement::new(&d, [10.0, 10.0], [5.0, 5.0]);
        assert!(close(p.stage_to_texture(0.0, 0.0), (0.5, 0.5)));
        // Whirl turns points around the centre.
        let (u, v) = p.stage_to_texture(2.0, 0.0);
        assert!(!close((u, v), (0.7, 0.5)));
        let mut d = drawable();
        d.effects[EFFECT_MOSAIC] = 10.0; // 2×2 copies
        let p = Placement::new(&d, [10.0, 10.0], [5.0, 5.0]);
        assert!(close(p.stage_to_texture(-2.5, 2.5), (0.5, 0.5)));
    }
}
