//! Bounds and touching, on the CPU, as scratch-render's CPU paths answer them.
//!
//! - [`bounds`]: `RenderWebGL.getBounds` — the costume's convex hull through the placement (with
//!   shape effects, the hull of the effect-transformed costume, as `_getConvexHullPointsForDrawable`
//!   computes it).
//! - [`touching_drawables`]: `isTouchingDrawables` — the candidates whose bounds meet ours, then
//!   every stage pixel of the union of those meetings, tested against both silhouettes.
//! - [`touching_point`]: `drawableTouching` for one point (`touching mouse-pointer`).
//! - [`touching_color`]: `isTouchingColor` — every pixel where we are (or where our own colour
//!   matches the mask), blending what everything else draws there like `sampleColor3b` does.
//! - [`pick`]: `pick` for one point.
//!
//! Pixels are tested at whole stage coordinates, as scratch-render does, and sampled with
//! `Silhouette`'s rules: texel `floor(u · (width − 1))`, nearest or linear as `Skin.useNearest`
//! chooses. The work per query is bounded by the stage: every loop runs over a rectangle clamped
//! to it (at most 481 × 361 points).

use starling_runtime::program::RotationStyle;
use starling_runtime::stage::{Drawable, Frame, Rect};
use tiny_skia::Pixmap;

use crate::effects::ColorEffects;
use crate::skin::Skin;
use crate::transform::{rendered_direction, Placement};
use crate::{Renderer, STAGE_HEIGHT, STAGE_WIDTH};

const STAGE_LEFT: f64 = -(STAGE_WIDTH as f64) / 2.0;
const STAGE_RIGHT: f64 = STAGE_WIDTH as f64 / 2.0;
const STAGE_BOTTOM: f64 = -(STAGE_HEIGHT as f64) / 2.0;
const STAGE_TOP: f64 = STAGE_HEIGHT as f64 / 2.0;

/// The colour scratch-render clears the stage to (`setBackgroundColor(1, 1, 1)`): what shows
/// where nothing is drawn.
const BACKGROUND: [u8; 3] = [255, 255, 255];

/// `Drawable.getLocalPosition` snaps texture coordinates this close to 0 to 0.
const FLOATING_POINT_ERROR_ALLOWANCE: f64 = 1e-6;

/// The most samples per axis when scanning a costume for its hull under shape effects; larger
/// costumes are scanned every few skin units.
const MAX_HULL_SCAN: f64 = 256.0;

/// The stage's rectangle.
fn stage_rect() -> Rect {
    Rect {
        left: STAGE_LEFT,
        right: STAGE_RIGHT,
        bottom: STAGE_BOTTOM,
        top: STAGE_TOP,
    }
}

/// `Rectangle.intersects`: edges touching count.
fn intersects(a: &Rect, b: &Rect) -> bool {
    a.left <= b.right && b.left <= a.right && a.top >= b.bottom && b.top >= a.bottom
}

/// `Rectangle.intersect`.
fn intersection(a: &Rect, b: &Rect) -> Rect {
    Rect {
        left: a.left.max(b.left),
        right: a.right.min(b.right),
        bottom: a.bottom.max(b.bottom),
        top: a.top.min(b.top),
    }
}

/// `Rectangle.union`.
fn union(a: &Rect, b: &Rect) -> Rect {
    Rect {
        left: a.left.min(b.left),
        right: a.right.max(b.right),
        bottom: a.bottom.min(b.bottom),
        top: a.top.max(b.top),
    }
}

/// `Rectangle.snapToInt`: out to whole units.
fn snap(r: Rect) -> Rect {
    Rect {
        left: r.left.floor(),
        right: r.right.ceil(),
        bottom: r.bottom.floor(),
        top: r.top.ceil(),
    }
}

/// `Rectangle.clamp` to the stage: the rectangle is cut to the stage, and one entirely off it
/// becomes a line along the nearest edge.
fn clamp_to_stage(r: Rect) -> Rect {
    let (l, rt, b, t) = (STAGE_LEFT, STAGE_RIGHT, STAGE_BOTTOM, STAGE_TOP);
    let left = r.left.max(l).min(rt);
    let right = r.right.min(rt).max(l);
    let bottom = r.bottom.max(b).min(t);
    let top = r.top.min(t).max(b);
    Rect {
        left,
        right,
        bottom,
        top,
    }
}

/// A rectangle with a NaN side (only from absurd sizes) is no rectangle.
fn finite_or_none(r: Rect) -> Option<Rect> {
    let any_nan = r.left.is_nan() || r.right.is_nan() || r.bottom.is_nan() || r.top.is_nan();
    (!any_nan && r.left <= r.right && r.bottom <= r.top).then_some(r)
}

/// `_touchingBounds`: bounds cut to the stage and snapped to whole units; `None` when no
/// pixel row or column is left.
fn touching_bounds(fast: Rect) -> Option<Rect> {
    let r = snap(clamp_to_stage(fast));
    let width = (r.right - r.left).abs();
    let height = (r.top - r.bottom).abs();
    (width > 0.0 && height > 0.0).then_some(r)
}

/// `colorMatches`: the top 5 bits of red and green and the top 4 of blue must agree (Scratch
/// 2's tolerance).
fn color_matches(a: [u8; 3], b: [u8; 3]) -> bool {
    (a[0] & 0b1111_1000) == (b[0] & 0b1111_1000)
        && (a[1] & 0b1111_1000) == (b[1] & 0b1111_1000)
        && (a[2] & 0b1111_0000) == (b[2] & 0b1111_0000)
}

/// `maskMatches`: a visible pixel whose top 6 bits of each channel agree with the mask.
fn mask_matches(a: [u8; 4], mask: [u8; 3]) -> bool {
    a[3] > 0
        && (a[0] & 0b1111_1100) == (mask[0] & 0b1111_1100)
        && (a[1] & 0b1111_1100) == (mask[1] & 0b1111_1100)
        && (a[2] & 0b1111_1100) == (mask[2] & 0b1111_1100)
}

/// A drawable made ready for per-pixel questions: its silhouette (the skin's base pixels), its
/// placement and effects, computed once per query.
struct Probe<'a> {
    texels: &'a Pixmap,
    place: Placement,
    colors: ColorEffects,
    /// `Skin.useNearest`: nearest-neighbour sampling, else any of the four linear neighbours.
    nearest: bool,
    /// Silhouette size in texels, and that minus one as scratch-render scales by it.
    width: i64,
    height: i64,
    width_1: f64,
    height_1: f64,
}

impl<'a> Probe<'a> {
    fn new(texels: &'a Pixmap, place: Placement, colors: ColorEffects, nearest: bool) -> Self {
        let (width, height) = (i64::from(texels.width()), i64::from(texels.height()));
        Probe {
            texels,
            place,
            colors,
            nearest,
            width,
            height,
            width_1: (width - 1) as f64,
            height_1: (height - 1) as f64,
        }
    }

    /// The drawable's costume and its probe; `None` for an unknown costume.
    fn of(r: &'a Renderer, d: &Drawable) -> Option<(Probe<'a>, &'a Skin)> {
        let skin = r.skin(d.target, d.costume)?;
        let place = Placement::new(d, skin.size, skin.rotation_center);
        let nearest = use_nearest(skin, d, &place);
        let probe = Probe::new(
            &skin.base.pixmap,
            place,
            ColorEffects::from_effects(&d.effects),
            nearest,
        );
        Some((probe, skin))
    }

    /// The pen layer as scratch-render's pen drawable: a stage-sized skin centred on the stage.
    fn pen(pixmap: &'a Pixmap) -> Probe<'a> {
        let size = [STAGE_WIDTH as f64, STAGE_HEIGHT as f64];
        let pen = Drawable {
            id: u32::MAX,
            target: u32::MAX,
            costume: 0,
            x: 0.0,
            y: 0.0,
            direction: 90.0,
            size: 100.0,
            rotation_style: RotationStyle::AllAround,
            effects: [0.0; 7],
            visible: true,
        };
        let place = Placement::new(&pen, size, [size[0] / 2.0, size[1] / 2.0]);
        Probe::new(pixmap, place, ColorEffects::default(), true)
    }

    /// `getLocalPosition`: the texture coordinates the stage point samples, shape effects
    /// included (they apply only inside the costume's square, as in scratch-render).
    #[inline]
    fn local(&self, x: f64, y: f64) -> (f64, f64) {
        let [w, h] = self.place.skin_size;
        let (sx, sy) = self.place.stage_to_skin(x, y);
        let (mut u, mut v) = (sx / w, sy / h);
        if u.abs() < FLOATING_POINT_ERROR_ALLOWANCE {
            u = 0.0;
        }
        if v.abs() < FLOATING_POINT_ERROR_ALLOWANCE {
            v = 0.0;
        }
        if self.place.shape.any() && (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
            self.place.shape_effects(u, v)
        } else {
            (u, v)
        }
    }

    /// `Silhouette`'s `getPoint`: the alpha of a texel, 0 outside.
    #[inline]
    fn alpha(&self, tx: i64, ty: i64) -> u8 {
        if tx < 0 || ty < 0 || tx >= self.width || ty >= self.height {
            return 0;
        }
        self.texels.data()[((ty * self.width + tx) * 4 + 3) as usize]
    }

    /// `Silhouette.isTouchingNearest` / `isTouchingLinear` at texture coordinates.
    #[inline]
    fn touching_uv(&self, u: f64, v: f64, nearest: bool) -> bool {
        let fx = (u * self.width_1).floor();
        let fy = (v * self.height_1).floor();
        // NaN never touches (JavaScript's comparisons with NaN are all false).
        if !(fx.is_finite() && fy.is_finite()) {
            return false;
        }
        let (tx, ty) = (fx as i64, fy as i64);
        if nearest {
            self.alpha(tx, ty) > 0
        } else {
            self.alpha(tx, ty) > 0
                || self.alpha(tx + 1, ty) > 0
                || self.alpha(tx, ty + 1) > 0
                || self.alpha(tx + 1, ty + 1) > 0
        }
    }

    /// `Drawable.isTouching` at a stage point.
    #[inline]
    fn touching(&self, x: f64, y: f64) -> bool {
        let (u, v) = self.local(x, y);
        self.touching_uv(u, v, self.nearest)
    }

    /// `Drawable.sampleColor4b` at a stage point: the premultiplied colour, with the colour
    /// effects (ghost only when `ghost` is set).
    #[inline]
    fn color(&self, x: f64, y: f64, ghost: bool) -> [u8; 4] {
        let (u, v) = self.local(x, y);
        if !((0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v)) {
            return [0; 4];
        }
        // `colorAtNearest`, clamped to the edge.
        let tx = ((u * self.width_1).floor() as i64).clamp(0, self.width - 1);
        let ty = ((v * self.height_1).floor() as i64).clamp(0, self.height - 1);
        let i = ((ty * self.width + tx) * 4) as usize;
        let d = self.texels.data();
        let texel = [d[i], d[i + 1], d[i + 2], d[i + 3]];
        if ghost {
            self.colors.apply(texel)
        } else {
            self.colors.apply_without_ghost(texel)
        }
    }
}

/// `Skin.useNearest`: bitmaps always sample nearest; vector costumes only when drawn at about
/// their own size, upright (a multiple of 90°) and without shape effects.
fn use_nearest(skin: &Skin, d: &Drawable, place: &Placement) -> bool {
    if !skin.is_vector {
        return true;
    }
    if place.shape.any() {
        return false;
    }
    let (direction, _) = rendered_direction(d);
    if direction % 90.0 != 0.0 {
        return false;
    }
    let size = d.size.abs();
    size > 99.0 && size < 101.0
}

/// The stage rectangle a touching query may use for a drawable (`getFastBounds`): the hull
/// through the placement, or the whole costume rectangle when shape effects are on (the
/// effect-transformed pixels never leave it) or the drawable is hidden (scratch-render keeps no
/// hull then). `None` for an empty costume.
fn fast_bounds(skin: &Skin, d: &Drawable, place: &Placement) -> Option<Rect> {
    if skin.hull.is_empty() {
        return None;
    }
    let r = if place.shape.any() || !d.visible {
        place.aabb()
    } else {
        place.bounds_of(skin.hull.iter().copied())
    };
    finite_or_none(r)
}

/// `getBounds`: the tight stage rectangle around the drawable's pixels. A hidden drawable gets
/// its whole costume rectangle (scratch-render computes no hull for it and falls back to
/// `getAABB`). `None` for an unknown or empty costume.
pub(crate) fn bounds(r: &mut Renderer, d: &Drawable) -> Option<Rect> {
    let r = &*r;
    let (probe, skin) = Probe::of(r, d)?;
    if skin.hull.is_empty() {
        return None;
    }
    let place = &probe.place;
    if !d.visible {
        return finite_or_none(place.aabb());
    }
    if place.shape.any() {
        return effect_hull_bounds(&probe, skin);
    }
    finite_or_none(place.bounds_of(skin.hull.iter().copied()))
}

/// The bounds of the hull scratch-render's `_getConvexHullPointsForDrawable` finds with shape
/// effects on: each row of the skin (in skin units) is scanned from the left and from the right
/// for the first point whose effect-transformed position touches (linear test), and each such
/// point `(x, y)` stands for the middle of its unit, `(x + ½, y + ½)`. The box around those
/// points is the box around their convex hull. Very large costumes are scanned every few units.
fn effect_hull_bounds(probe: &Probe, skin: &Skin) -> Option<Rect> {
    let [width, height] = skin.size;
    if !(width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite()) {
        return None;
    }
    let step_x = (width / MAX_HULL_SCAN).max(1.0);
    let step_y = (height / MAX_HULL_SCAN).max(1.0);
    let place = &probe.place;
    let touches = |x: f64, y: f64| {
        let (u, v) = place.shape_effects(x / width, y / height);
        probe.touching_uv(u, v, false)
    };
    let mut points: Vec<[f64; 2]> = Vec::new();
    let mut y = 0.0;
    while y < height {
        let mut x = 0.0;
        let mut left = None;
        while x < width {
            if touches(x, y) {
                left = Some(x);
                break;
            }
            x += step_x;
        }
        if let Some(left) = left {
            points.push([left + 0.5, y + 0.5]);
            // scratch-render starts the right-hand scan at `width − 1`, fractional or not.
            let mut x = width - 1.0;
            while x >= 0.0 {
                if touches(x, y) {
                    points.push([x + 0.5, y + 0.5]);
                    break;
                }
                x -= step_x;
            }
        }
        y += step_y;
    }
    if points.is_empty() {
        return None;
    }
    finite_or_none(place.bounds_of(points.into_iter()))
}

/// A drawable that may be touched in a query, with the part of the query rectangle it covers.
struct Candidate<'a> {
    probe: Probe<'a>,
    intersection: Rect,
}

/// `_candidatesTouching`: each drawable whose snapped bounds meet `query`, front-most first
/// (`drawables` run back to front). The costume rectangle rejects first; the hull is only
/// transformed for those that pass.
fn candidates<'a>(
    r: &'a Renderer,
    query: &Rect,
    drawables: impl DoubleEndedIterator<Item = &'a Drawable>,
    out: &mut Vec<Candidate<'a>>,
) {
    for d in drawables.rev() {
        let Some(skin) = r.skin(d.target, d.costume) else {
            continue;
        };
        if !circle_may_meet(skin, d, query) {
            continue;
        }
        let Some((probe, skin)) = Probe::of(r, d) else {
            continue;
        };
        if skin.hull.is_empty() || !intersects(query, &snap(probe.place.aabb())) {
            continue;
        }
        let Some(b) = fast_bounds(skin, d, &probe.place) else {
            continue;
        };
        let b = snap(b);
        if intersects(query, &b) {
            out.push(Candidate {
                probe,
                intersection: intersection(query, &b),
            });
        }
    }
}

/// A cheap first rejection, before any trigonometry: whatever the direction, the costume lies
/// within the circle around the drawable's (rounded) position reaching its farthest corner from
/// the rotation centre. `false` only when that circle's square misses `query`.
fn circle_may_meet(skin: &Skin, d: &Drawable, query: &Rect) -> bool {
    let [w, h] = skin.size;
    let [cx, cy] = skin.rotation_center;
    let dx = cx.abs().max((w - cx).abs());
    let dy = cy.abs().max((h - cy).abs());
    let scale = if d.size.is_finite() {
        d.size.abs() / 100.0
    } else {
        1.0
    };
    // One unit more for rounding and snapping.
    let radius = (dx * dx + dy * dy).sqrt() * scale + 1.0;
    let x = if d.x.is_finite() { d.x.round() } else { 0.0 };
    let y = if d.y.is_finite() { d.y.round() } else { 0.0 };
    // NaN (absurd sizes) compares false and keeps the drawable for the exact test.
    !(x + radius < query.left
        || x - radius > query.right
        || y + radius < query.bottom
        || y - radius > query.top)
}

/// `_candidatesBounds`: the union of the candidates' intersections.
fn candidates_bounds(candidates: &[Candidate]) -> Option<Rect> {
    candidates
        .iter()
        .map(|c| c.intersection)
        .reduce(|a, b| union(&a, &b))
}

/// The whole stage coordinates of a rectangle, as `(x, y)` ranges (inclusive, like
/// scratch-render's loops). The rectangle lies inside the stage, so the ranges are short.
fn pixel_ranges(b: &Rect) -> (std::ops::RangeInclusive<i64>, std::ops::RangeInclusive<i64>) {
    let clamp = |v: f64, lo: f64, hi: f64| v.clamp(lo, hi) as i64;
    (
        clamp(b.left, STAGE_LEFT, STAGE_RIGHT)..=clamp(b.right, STAGE_LEFT, STAGE_RIGHT),
        clamp(b.bottom, STAGE_BOTTOM, STAGE_TOP)..=clamp(b.top, STAGE_BOTTOM, STAGE_TOP),
    )
}

/// `isTouchingDrawables`: whether a pixel of `me` covers a pixel of one of `others`. Hidden
/// drawables touch nothing; ghost does not matter; shape effects do.
pub(crate) fn touching_drawables(r: &mut Renderer, me: &Drawable, others: &[Drawable]) -> bool {
    let r = &*r;
    if !me.visible {
        return false;
    }
    let Some((probe, skin)) = Probe::of(r, me) else {
        return false;
    };
    let Some(query) = fast_bounds(skin, me, &probe.place).and_then(touching_bounds) else {
        return false;
    };
    let mut found = Vec::new();
    let visible_others = others.iter().filter(|o| o.visible && o.id != me.id);
    candidates(r, &query, visible_others, &mut found);
    let Some(area) = candidates_bounds(&found) else {
        return false;
    };
    let (xs, ys) = pixel_ranges(&area);
    for x in xs {
        for y in ys.clone() {
            let (x, y) = (x as f64, y as f64);
            if probe.touching(x, y) && found.iter().any(|c| c.probe.touching(x, y)) {
                return true;
            }
        }
    }
    false
}

/// The stage pixel scratch-render tests for a point: `clientSpaceToScratchBounds` of a
/// one-pixel touch floors x and ceils y.
fn point_pixel(x: f64, y: f64) -> Option<(f64, f64)> {
    let (x, y) = (x.floor(), y.ceil());
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

/// `drawableTouching` for one point: whether `me` has a pixel at the stage point (x, y). Like
/// scratch-render it does not look at visibility (the VM decides that). Only points inside the
/// costume's rectangle count, so a costume one texel wide, which `Silhouette` samples at texel
/// 0 for any coordinate, is not touched from across the stage.
pub(crate) fn touching_point(r: &mut Renderer, me: &Drawable, x: f64, y: f64) -> bool {
    let r = &*r;
    let Some((px, py)) = point_pixel(x, y) else {
        return false;
    };
    let Some((probe, skin)) = Probe::of(r, me) else {
        return false;
    };
    if skin.hull.is_empty() {
        return false;
    }
    let area = snap(probe.place.aabb());
    (area.left <= px && px <= area.right && area.bottom <= py && py <= area.top)
        && probe.touching(px, py)
}

/// `isTouchingColor` (CPU path): whether `me` covers a pixel where everything else in `scene`
/// draws `color` (within `colorMatches`' tolerance). With `mask`, only `me`'s pixels whose own
/// colour (colour effects on, ghost off) matches the mask count. `me` is tested even when hidden,
/// as in scratch-render.
pub(crate) fn touching_color(
    r: &mut Renderer,
    me: &Drawable,
    scene: &Frame,
    color: [u8; 3],
    mask: Option<[u8; 3]>,
) -> bool {
    let r = &*r;
    touching_color_with_pen(r, r.pen.pixmap(), me, scene, color, mask)
}

/// [`touching_color`] with the pen layer given (the tests draw their own).
fn touching_color_with_pen(
    r: &Renderer,
    pen: &Pixmap,
    me: &Drawable,
    scene: &Frame,
    color: [u8; 3],
    mask: Option<[u8; 3]>,
) -> bool {
    let Some((probe, skin)) = Probe::of(r, me) else {
        return false;
    };
    let Some(query) = fast_bounds(skin, me, &probe.place).and_then(touching_bounds) else {
        return false;
    };

    // The candidates front-most first: sprites, then the pen layer, then the backdrop.
    let mut found = Vec::new();
    let sprites = scene.sprites.iter().filter(|s| s.visible && s.id != me.id);
    candidates(r, &query, sprites, &mut found);
    let pen_bounds = stage_rect();
    if intersects(&query, &pen_bounds) {
        found.push(Candidate {
            probe: Probe::pen(pen),
            intersection: intersection(&query, &pen_bounds),
        });
    }
    if scene.stage.visible && scene.stage.id != me.id {
        candidates(r, &query, std::iter::once(&scene.stage), &mut found);
    }

    // Looking for the background colour means looking everywhere under `me`: the background
    // shows wherever nothing is drawn.
    let area = if color_matches(color, BACKGROUND) {
        query
    } else {
        match candidates_bounds(&found) {
            Some(area) => area,
            None => return false,
        }
    };

    let (xs, ys) = pixel_ranges(&area);
    for y in ys {
        for x in xs.clone() {
            let (x, y) = (x as f64, y as f64);
            let mine = match mask {
                Some(mask) => mask_matches(probe.color(x, y, false), mask),
                None => probe.touching(x, y),
            };
            if mine && color_matches(sample_color3b(&found, x, y), color) {
                return true;
            }
        }
    }
    false
}

/// `RenderWebGL.sampleColor3b`: the candidates' colours at a stage point blended front to back
/// (`ONE, ONE_MINUS_SRC_ALPHA`), over white. The sums are stored like scratch-render's
/// `Uint8ClampedArray`: clamped and rounded after every step.
fn sample_color3b(candidates: &[Candidate], x: f64, y: f64) -> [u8; 3] {
    use crate::effects::clamp_u8;
    let mut dst = [0u8; 3];
    let mut blend_alpha = 1.0;
    for c in candidates {
        if blend_alpha == 0.0 {
            break;
        }
        let src = c.probe.color(x, y, true);
        for i in 0..3 {
            dst[i] = clamp_u8(f64::from(dst[i]) + f64::from(src[i]) * blend_alpha);
        }
        blend_alpha *= 1.0 - f64::from(src[3]) / 255.0;
    }
    for ch in &mut dst {
        *ch = clamp_u8(f64::from(*ch) + blend_alpha * 255.0);
    }
    dst
}

/// `pick` for one point: the front-most sprite with a pixel at the stage point (x, y). Hidden
/// sprites and sprites with ghost 100 cannot be picked; `None` means the stage.
pub(crate) fn pick(r: &mut Renderer, frame: &Frame, x: f64, y: f64) -> Option<u32> {
    let r = &*r;
    let (px, py) = point_pixel(x, y)?;
    for d in frame.sprites.iter().rev() {
        if !d.visible || ColorEffects::from_effects(&d.effects).ghost == Some(0.0) {
            continue;
        }
        let Some((probe, skin)) = Probe::of(r, d) else {
            continue;
        };
        let Some(b) = fast_bounds(skin, d, &probe.place) else {
            continue;
        };
        let inside = b.left <= px && px <= b.right && b.bottom <= py && py <= b.top;
        if inside && probe.touching(px, py) {
            return Some(d.id);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use starling_runtime::stage::{EFFECT_COLOR, EFFECT_GHOST, EFFECT_MOSAIC};

    /// A premultiplied pixmap painted by `paint(x, y)` (opaque colours or nothing).
    fn pixmap(w: u32, h: u32, paint: impl Fn(u32, u32) -> Option<[u8; 3]>) -> Pixmap {
        let mut p = Pixmap::new(w, h).unwrap();
        let data = p.data_mut();
        for y in 0..h {
            for x in 0..w {
                if let Some([r, g, b]) = paint(x, y) {
                    let i = ((y * w + x) * 4) as usize;
                    data[i..i + 4].copy_from_slice(&[r, g, b, 255]);
                }
            }
        }
        p
    }

    fn skin(w: u32, h: u32, paint: impl Fn(u32, u32) -> Option<[u8; 3]>) -> Skin {
        Skin::from_pixmap(pixmap(w, h, paint), 1.0, None)
    }

    fn square(size: u32, rgb: [u8; 3]) -> Skin {
        skin(size, size, |_, _| Some(rgb))
    }

    /// A square outline `thickness` texels wide around a transparent hole.
    fn ring(size: u32, thickness: u32, rgb: [u8; 3]) -> Skin {
        skin(size, size, |x, y| {
            let edge =
                x < thickness || y < thickness || x >= size - thickness || y >= size - thickness;
            edge.then_some(rgb)
        })
    }

    /// A renderer whose target `t` has the costumes `skins[t]` (target 0 is the stage).
    fn renderer(skins: Vec<Vec<Skin>>) -> Renderer {
        let mut r = Renderer::new();
        r.skins = skins;
        r
    }

    fn sprite(id: u32, target: u32, x: f64, y: f64) -> Drawable {
        Drawable {
            id,
            target,
            costume: 0,
            x,
            y,
            direction: 90.0,
            size: 100.0,
            rotation_style: RotationStyle::AllAround,
            effects: [0.0; 7],
            visible: true,
        }
    }

    fn scene(sprites: Vec<Drawable>) -> Frame {
        Frame {
            stage: sprite(0, 0, 0.0, 0.0),
            sprites,
            bubbles: Vec::new(),
            monitors: Vec::new(),
        }
    }

    fn rect(left: f64, right: f64, bottom: f64, top: f64) -> Rect {
        Rect {
            left,
            right,
            bottom,
            top,
        }
    }

    const RED: [u8; 3] = [255, 0, 0];
    const GREEN: [u8; 3] = [0, 255, 0];
    const BLUE: [u8; 3] = [0, 0, 255];

    #[test]
    fn bounds_are_the_hull_through_the_placement() {
        let mut s = square(20, RED);
        // Only the middle of the costume counts (the hull is set by hand: the hull module
        // computes it from the pixels).
        s.hull = vec![[2.0, 3.0], [8.0, 3.0], [8.0, 7.0], [2.0, 7.0]];
        let mut r = renderer(vec![vec![], vec![s]]);
        let mut d = sprite(1, 1, 0.0, 0.0);
        // The rotation centre (10, 10) is at (0, 0); skin y runs down.
        assert_eq!(bounds(&mut r, &d), Some(rect(-8.0, -2.0, 3.0, 7.0)));
        // Pointing down: a quarter turn clockwise; the local point (lx, ly) goes to (ly, −lx).
        d.direction = 180.0;
        let b = bounds(&mut r, &d).unwrap();
        let round = |v: f64| (v * 1e9).round() / 1e9;
        assert_eq!(
            (round(b.left), round(b.right), round(b.bottom), round(b.top)),
            (3.0, 7.0, 2.0, 8.0)
        );
        // Hidden: scratch-render has no hull and answers the costume's rectangle.
        d.direction = 90.0;
        d.visible = false;
        assert_eq!(bounds(&mut r, &d), Some(rect(-10.0, 10.0, -10.0, 10.0)));
        // Size 0 shrinks everything to the position.
        let mut d = sprite(1, 1, 5.0, 6.0);
        d.size = 0.0;
        assert_eq!(bounds(&mut r, &d), Some(rect(5.0, 5.0, 6.0, 6.0)));
        // Unknown costumes and empty hulls have no bounds.
        d.costume = 3;
        assert_eq!(bounds(&mut r, &d), None);
        r.skins[1][0].hull.clear();
        assert_eq!(bounds(&mut r, &sprite(1, 1, 0.0, 0.0)), None);
    }

    #[test]
    fn bounds_follow_shape_effects() {
        // A 3×3 block in the top-left corner of a 20×20 costume.
        let s = skin(20, 20, |x, y| (x < 3 && y < 3).then_some(RED));
        let mut r = renderer(vec![vec![], vec![s]]);
        let mut d = sprite(1, 1, 0.0, 0.0);
        // Without effects: the hull module's units 0…3 (unit 3 reaches texel floor(3 · 19/20)
        // = 2), centres 0.5…3.5.
        assert_eq!(bounds(&mut r, &d), Some(rect(-9.5, -6.5, 6.5, 9.5)));
        // Mosaic 10 gives 2×2 copies: scratch-render's hull scan (linear test, texel
        // floor(u'·19) ≤ 2 with u' = (x / 10) mod 1) finds x mod 10 ≤ 1, so hull points at
        // skin 0.5…11.5 on both axes, i.e. stage −9.5…1.5 and 9.5…−1.5.
        d.effects[EFFECT_MOSAIC] = 10.0;
        assert_eq!(bounds(&mut r, &d), Some(rect(-9.5, 1.5, -1.5, 9.5)));
    }

    #[test]
    fn touching_needs_pixels_not_just_boxes() {
        // A 40×40 ring (4 thick) and a 6×6 square in its hole: the boxes overlap, the pixels do
        // not.
        let mut r = renderer(vec![vec![], vec![ring(40, 4, RED)], vec![square(6, BLUE)]]);
        let ring_d = sprite(1, 1, 0.0, 0.0);
        let mut block = sprite(2, 2, 0.0, 0.0);
        assert!(!touching_drawables(
            &mut r,
            &ring_d,
            std::slice::from_ref(&block)
        ));
        assert!(!touching_drawables(
            &mut r,
            &block,
            std::slice::from_ref(&ring_d)
        ));
        // Moved onto the ring's inner edge (stage x 16…20).
        block.x = 17.0;
        assert!(touching_drawables(
            &mut r,
            &ring_d,
            std::slice::from_ref(&block)
        ));
        assert!(touching_drawables(
            &mut r,
            &block,
            std::slice::from_ref(&ring_d)
        ));
        // The edge to the texel: stage x samples texel floor((x − left) · (w − 1) / w), as
        // scratch-render's `Silhouette` does. The ring's texel 36 (its inner right edge) is
        // first sampled at x 17; the block at x 13 has pixels up to x 16 (its snapped bounds),
        // at x 14 up to x 17.
        block.x = 13.0;
        assert!(!touching_drawables(
            &mut r,
            &ring_d,
            std::slice::from_ref(&block)
        ));
        block.x = 14.0;
        assert!(touching_drawables(
            &mut r,
            &ring_d,
            std::slice::from_ref(&block)
        ));
        // Far away.
        block.x = 200.0;
        assert!(!touching_drawables(
            &mut r,
            &ring_d,
            std::slice::from_ref(&block)
        ));
    }

    #[test]
    fn touching_follows_rotation_visibility_size_and_shape_effects() {
        let bar = skin(40, 4, |_, _| Some(RED));
        let mut r = renderer(vec![
            vec![],
            vec![bar],
            vec![square(4, BLUE)],
            vec![ring(40, 4, RED)],
        ]);
        let mut bar_d = sprite(1, 1, 0.0, 0.0);
        let mut dot = sprite(2, 2, 0.0, 15.0);
        let others = |d: &Drawable| vec![d.clone()];
        assert!(!touching_drawables(&mut r, &bar_d, &others(&dot)));
        // Pointing up, the bar stands upright and reaches the dot.
        bar_d.direction = 0.0;
        assert!(touching_drawables(&mut r, &bar_d, &others(&dot)));
        assert!(touching_drawables(&mut r, &dot, &others(&bar_d)));
        // Ghost does not matter.
        dot.effects[EFFECT_GHOST] = 100.0;
        assert!(touching_drawables(&mut r, &bar_d, &others(&dot)));
        // Hidden drawables touch nothing, either way round.
        dot.visible = false;
        assert!(!touching_drawables(&mut r, &bar_d, &others(&dot)));
        assert!(!touching_drawables(&mut r, &dot, &others(&bar_d)));
        dot.visible = true;
        // A drawable never touches itself (same id).
        let mut twin = bar_d.clone();
        twin.target = 2;
        assert!(!touching_drawables(&mut r, &bar_d, &others(&twin)));
        // Size 0 has no pixels.
        bar_d.size = 0.0;
        assert!(!touching_drawables(&mut r, &bar_d, &others(&dot)));
        assert!(!touching_drawables(&mut r, &dot, &others(&bar_d)));
        // Shape effects: mosaic 10 tiles the ring 2×2, so its middle becomes ring edge and
        // the dot in the hole is touched.
        let mut ring_d = sprite(3, 3, 0.0, 0.0);
        dot.y = 0.0;
        assert!(!touching_drawables(&mut r, &ring_d, &others(&dot)));
        ring_d.effects[EFFECT_MOSAIC] = 10.0;
        assert!(touching_drawables(&mut r, &ring_d, &others(&dot)));
        // Among several others, one is enough; unknown costumes are nothing.
        let mut ghost_costume = dot.clone();
        ghost_costume.id = 9;
        ghost_costume.costume = 7;
        assert!(touching_drawables(
            &mut r,
            &ring_d,
            &[ghost_costume.clone(), dot.clone()]
        ));
        assert!(!touching_drawables(&mut r, &ring_d, &[ghost_costume]));
    }

    #[test]
    fn touching_a_point_sees_holes() {
        let mut r = renderer(vec![vec![], vec![ring(40, 4, RED)]]);
        let mut d = sprite(1, 1, 0.0, 0.0);
        assert!(!touching_point(&mut r, &d, 0.0, 0.0)); // the hole
        assert!(touching_point(&mut r, &d, -18.0, 5.0)); // the left edge
        assert!(touching_point(&mut r, &d, 0.0, 19.0)); // the top edge
        assert!(!touching_point(&mut r, &d, 50.0, 0.0)); // outside
                                                         // The ring's left edge is texels 0…3; stage x −16 samples texel floor(0.1 · 39) = 3,
                                                         // x −15 texel 4 (the hole). x is floored and y ceiled, as for a mouse pixel.
        assert!(touching_point(&mut r, &d, -15.5, 4.2));
        assert!(!touching_point(&mut r, &d, -14.5, 4.2));
        // Like scratch-render, visibility is the caller's business.
        d.visible = false;
        assert!(touching_point(&mut r, &d, -18.0, 5.0));
        assert!(!touching_point(&mut r, &d, f64::NAN, 5.0));
    }

    /// A stage-sized backdrop of one colour, a red 10×10 sprite (target 1), a half-blue
    /// half-green 10×10 sprite (target 2) and a yellow 10×10 one (target 3).
    fn colour_stage(backdrop: Option<[u8; 3]>) -> Renderer {
        renderer(vec![
            vec![skin(480, 360, |_, _| backdrop)],
            vec![square(10, RED)],
            vec![skin(10, 10, |x, _| Some(if x < 5 { BLUE } else { GREEN }))],
            vec![square(10, [255, 255, 0])],
        ])
    }

    fn touching_color_in(r: &mut Renderer, me: &Drawable, scene: &Frame, c: [u8; 3]) -> bool {
        touching_color(r, me, scene, c, None)
    }

    #[test]
    fn touching_the_backdrop_colour_and_its_tolerance() {
        let mut r = colour_stage(Some([10, 200, 30]));
        let me = sprite(1, 1, 100.0, 50.0);
        let s = scene(vec![me.clone()]);
        assert!(touching_color_in(&mut r, &me, &s, [10, 200, 30]));
        // colorMatches compares the top 5 bits of red and green and the top 4 of blue:
        // 10 → 8, 11 → 8, 200 → 200, 207 → 200, 30 → 16, 31 → 16 all still match…
        assert!(touching_color_in(&mut r, &me, &s, [11, 207, 31]));
        // …16 more is another colour.
        assert!(!touching_color_in(&mut r, &me, &s, [26, 200, 30]));
        assert!(!touching_color_in(&mut r, &me, &s, [10, 216, 30]));
        assert!(!touching_color_in(&mut r, &me, &s, [10, 200, 46]));
        // Our own colour does not count.
        assert!(!touching_color_in(&mut r, &me, &s, RED));
        // Hidden sprites still test (scratch-render's rule for touching colour).
        let mut hidden = me.clone();
        hidden.visible = false;
        assert!(touching_color_in(&mut r, &hidden, &s, [10, 200, 30]));
        // Off the stage nothing is touched.
        let far = sprite(1, 1, 1000.0, 0.0);
        assert!(!touching_color_in(&mut r, &far, &s, [10, 200, 30]));
    }

    #[test]
    fn an_empty_stage_is_white() {
        let mut r = colour_stage(None);
        let me = sprite(1, 1, 0.0, 0.0);
        let s = scene(vec![me.clone()]);
        assert!(touching_color_in(&mut r, &me, &s, [255, 255, 255]));
        assert!(touching_color_in(&mut r, &me, &s, [250, 250, 245]));
        assert!(!touching_color_in(&mut r, &me, &s, [0, 0, 0]));
    }

    #[test]
    fn touching_a_pen_line() {
        let r = colour_stage(Some([10, 200, 30]));
        // A blue pen line along stage y = 0 (pen row 180), x −50…50.
        let pen = pixmap(480, 360, |x, y| {
            (y == 180 && (190..=290).contains(&x)).then_some(BLUE)
        });
        let mut me = sprite(1, 1, 0.0, 0.0);
        let s = scene(vec![me.clone()]);
        let check = |me: &Drawable, c| touching_color_with_pen(&r, &pen, me, &s, c, None);
        assert!(check(&me, BLUE));
        me.y = 50.0;
        assert!(!check(&me, BLUE));
        // The pen is above the backdrop but below the sprites: a yellow sprite over the line
        // hides it.
        me.y = 0.0;
        let mut cover = sprite(2, 3, 0.0, 0.0);
        cover.size = 300.0;
        let s = scene(vec![me.clone(), cover]);
        assert!(!touching_color_with_pen(&r, &pen, &me, &s, BLUE, None));
        assert!(touching_color_with_pen(
            &r,
            &pen,
            &me,
            &s,
            [255, 255, 0],
            None
        ));
    }

    #[test]
    fn touching_a_line_drawn_with_the_pen_blocks() {
        use starling_runtime::io::PenEvent;
        use starling_runtime::stage::Stage;
        let mut r = colour_stage(Some([10, 200, 30]));
        let mut me = sprite(1, 1, 0.0, 0.0);
        let s = scene(vec![me.clone()]);
        assert!(!touching_color(&mut r, &me, &s, BLUE, None));
        r.pen(&PenEvent::Line {
            x0: -50.0,
            y0: 0.0,
            x1: 50.0,
            y1: 0.0,
            rgba: [0.0, 0.0, 1.0, 1.0],
            size: 3.0,
        });
        assert!(touching_color(&mut r, &me, &s, BLUE, None));
        me.x = 100.0;
        assert!(!touching_color(&mut r, &me, &s, BLUE, None));
        r.pen(&PenEvent::Clear);
        me.x = 0.0;
        assert!(!touching_color(&mut r, &me, &s, BLUE, None));
    }

    #[test]
    fn touching_another_sprites_colour_with_effects() {
        let mut r = colour_stage(Some([10, 200, 30]));
        let me = sprite(1, 1, 0.0, 0.0);
        let mut other = sprite(2, 1, 5.0, 0.0); // red, overlapping half of me
        other.effects[EFFECT_COLOR] = 50.0; // red → (128, 255, 1), see effects.rs
        let s = scene(vec![other.clone(), me.clone()]);
        assert!(touching_color_in(&mut r, &me, &s, [128, 255, 0]));
        assert!(!touching_color_in(&mut r, &me, &s, RED));
        // Ghost 50 blends with what is below. Over a white (empty) stage: premultiplied
        // (128, 0, 0, 128), then 127/255 of white: (255, 127, 127).
        let mut r = colour_stage(None);
        let mut other = sprite(2, 1, 5.0, 0.0);
        other.effects[EFFECT_GHOST] = 50.0;
        let s = scene(vec![other, me.clone()]);
        assert!(touching_color_in(&mut r, &me, &s, [255, 127, 127]));
        assert!(!touching_color_in(&mut r, &me, &s, RED));
    }

    #[test]
    fn color_is_touching_color_uses_the_mask() {
        let mut r = colour_stage(Some([10, 200, 30]));
        // Me: blue left half, green right half. A yellow sprite covers only my right half.
        let me = sprite(1, 2, 0.0, 0.0);
        let yellow = sprite(2, 3, 8.0, 0.0);
        let s = scene(vec![me.clone(), yellow]);
        let y = [255, 255, 0];
        assert!(touching_color(&mut r, &me, &s, y, Some(GREEN)));
        assert!(!touching_color(&mut r, &me, &s, y, Some(BLUE)));
        // The mask compares the top 6 bits: 3 off still matches, 4 off does not.
        assert!(touching_color(&mut r, &me, &s, y, Some([3, 252, 3])));
        assert!(!touching_color(&mut r, &me, &s, y, Some([4, 255, 0])));
        // Both halves see the backdrop.
        assert!(touching_color(&mut r, &me, &s, [10, 200, 30], Some(BLUE)));
        // My colour effect changes my colours before the mask; ghost does not hide them.
        let mut tinted = me.clone();
        tinted.effects[EFFECT_COLOR] = 100.0; // green → magenta-ish, blue → yellow-ish
        tinted.effects[EFFECT_GHOST] = 100.0;
        let s = scene(vec![tinted.clone()]);
        assert!(!touching_color(
            &mut r,
            &tinted,
            &s,
            [10, 200, 30],
            Some(GREEN)
        ));
        let green_turned =
            ColorEffects::from_effects(&tinted.effects).apply_without_ghost([0, 255, 0, 255]);
        let mask = [green_turned[0], green_turned[1], green_turned[2]];
        assert!(touching_color(
            &mut r,
            &tinted,
            &s,
            [10, 200, 30],
            Some(mask)
        ));
    }

    #[test]
    fn pick_takes_the_front_most_pixel() {
        let mut r = renderer(vec![vec![], vec![square(20, RED)], vec![ring(40, 4, BLUE)]]);
        let back = sprite(1, 1, 0.0, 0.0);
        let mut front = sprite(2, 2, 0.0, 0.0);
        let frame = scene(vec![back.clone(), front.clone()]);
        // The ring's hole shows the square behind it.
        assert_eq!(pick(&mut r, &frame, 0.0, 0.0), Some(1));
        assert_eq!(pick(&mut r, &frame, -18.0, 0.0), Some(2));
        assert_eq!(pick(&mut r, &frame, 100.0, 0.0), None);
        // Where both have pixels the front one wins.
        let frame2 = scene(vec![front.clone(), sprite(1, 1, -15.0, 0.0)]);
        assert_eq!(pick(&mut r, &frame2, -18.0, 0.0), Some(1));
        // Ghost 100 and hidden sprites cannot be picked.
        front.effects[EFFECT_GHOST] = 100.0;
        let frame = scene(vec![sprite(1, 1, -15.0, 0.0), front.clone()]);
        assert_eq!(pick(&mut r, &frame, -18.0, 0.0), Some(1));
        front.effects[EFFECT_GHOST] = 99.0;
        let frame = scene(vec![sprite(1, 1, -15.0, 0.0), front.clone()]);
        assert_eq!(pick(&mut r, &frame, -18.0, 0.0), Some(2));
        front.visible = false;
        let frame = scene(vec![front.clone()]);
        assert_eq!(pick(&mut r, &frame, -18.0, 0.0), None);
    }

    #[test]
    fn strange_inputs_are_nothing() {
        let mut r = colour_stage(Some([10, 200, 30]));
        let weird = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e300,
            0.0,
            -0.0,
        ];
        let base = sprite(1, 1, 0.0, 0.0);
        for &v in &weird {
            let mut variants = Vec::new();
            for field in 0..4 {
                let mut d = base.clone();
                match field {
                    0 => d.x = v,
                    1 => d.size = v,
                    2 => d.direction = v,
                    _ => d.effects = [v; 7],
                }
                variants.push(d);
            }
            let mut out_of_range = base.clone();
            out_of_range.costume = usize::MAX;
            out_of_range.target = u32::MAX;
            variants.push(out_of_range);
            for d in &variants {
                let s = scene(vec![d.clone(), sprite(2, 2, 0.0, 0.0)]);
                let _ = bounds(&mut r, d);
                let _ = touching_drawables(&mut r, d, &s.sprites);
                let _ = touching_drawables(&mut r, &s.sprites[1], std::slice::from_ref(d));
                let _ = touching_point(&mut r, d, v, v);
                let _ = touching_color(&mut r, d, &s, RED, None);
                let _ = touching_color(&mut r, d, &s, [255, 255, 255], Some(RED));
                let _ = pick(&mut r, &s, v, 0.0);
                let _ = pick(&mut r, &s, 0.0, 0.0);
            }
        }
        // A renderer without any costume.
        let mut empty = Renderer::new();
        let d = sprite(1, 1, 0.0, 0.0);
        assert_eq!(bounds(&mut empty, &d), None);
        assert!(!touching_color(
            &mut empty,
            &d,
            &scene(vec![]),
            [255, 255, 255],
            None
        ));
    }

    /// 300 clones, each asking whether it touches the player, then each asking whether it
    /// touches any other clone (the slow case). Run with `--nocapture` to see the timings.
    #[test]
    fn three_hundred_clones_stay_cheap() {
        let disc = |rgb| {
            skin(60, 60, move |x, y| {
                let (dx, dy) = (x as f64 - 29.5, y as f64 - 29.5);
                (dx * dx + dy * dy < 900.0).then_some(rgb)
            })
        };
        let mut r = renderer(vec![vec![], vec![disc(RED)], vec![disc(BLUE)]]);
        let player = sprite(1000, 2, 0.0, 0.0);
        let clones: Vec<Drawable> = (0..300u32)
            .map(|i| {
                let mut d = sprite(
                    i + 1,
                    1,
                    f64::from(i * 37 % 480) - 240.0,
                    f64::from(i * 53 % 360) - 180.0,
                );
                d.size = 50.0;
                d.direction = f64::from(i * 7);
                d
            })
            .collect();
        let start = std::time::Instant::now();
        let hits = clones
            .iter()
            .filter(|c| touching_drawables(&mut r, c, std::slice::from_ref(&player)))
            .count();
        let one = start.elapsed();
        let start = std::time::Instant::now();
        let crowd = clones
            .iter()
            .filter(|c| touching_drawables(&mut r, c, &clones))
            .count();
        let all = start.elapsed();
        println!(
            "300 clones touching the player: {one:?} ({hits} touch); \
             300 clones touching any of 300 clones: {all:?} ({crowd} touch)"
        );
        assert!(hits > 0 && crowd > 0);

        // Bounds under a shape effect scan the costume: a stage-sized one, whirled.
        r.skins.push(vec![disc(GREEN)]);
        r.skins[3][0] = skin(480, 360, |x, y| {
            ((x / 40 + y / 40) % 2 == 0).then_some(GREEN)
        });
        let mut big = sprite(2000, 3, 0.0, 0.0);
        big.effects[starling_runtime::stage::EFFECT_WHIRL] = 90.0;
        let start = std::time::Instant::now();
        let b = bounds(&mut r, &big);
        println!("bounds of a whirled 480×360 costume: {:?}", start.elapsed());
        assert!(b.is_some());
    }
}
