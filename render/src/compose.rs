//! A frame → an RGBA image: scratch-render's `RenderWebGL.draw` on the CPU.
//!
//! Layers, back to front: white, the stage's backdrop, the pen layer, the sprites, the bubbles,
//! the monitors. Output pixel (px, py) covers the stage around
//! `X = (px + 0.5) / s − 240`, `Y = 180 − (py + 0.5) / s` at scale `s`.
//!
//! A costume is drawn as WebGL draws scratch-render's quad: every output pixel whose centre lies
//! on the costume gets the colour the fragment shader (`shaders/sprite.frag`) computes there —
//! the texture coordinates of the pixel centre, moved by the shape effects, sampled with the
//! skin's filter (clamped to the edge, as `CLAMP_TO_EDGE`), changed by the colour effects, and
//! blended source-over onto premultiplied pixels. Two paths do that:
//!
//! - the fast path, for drawables without shape effects and with no colour effect but ghost:
//!   tiny-skia's `draw_pixmap` with the composed affine map, ghost as its opacity;
//! - the per-pixel path for everything else, which walks the output pixels of the drawable's
//!   bounding box with [`Placement`]'s mapping and [`ColorEffects::apply`].
//!
//! Both sample alike, so they give the same pixels (a test checks it), and the stamp of the pen
//! goes through the same [`draw_drawable`].

use starling_runtime::stage::{Drawable, Frame};
use tiny_skia::{BlendMode, Color, FilterQuality, Pixmap, PixmapMut, PixmapPaint, Transform};

use crate::effects::ColorEffects;
use crate::skin::{Bitmap, Skin};
use crate::transform::{rendered_direction, Placement};
#[cfg(feature = "text")]
use crate::{bubble, monitor};
use crate::{Renderer, STAGE_HEIGHT, STAGE_WIDTH};

/// Half the stage size in stage units.
const HALF_W: f64 = STAGE_WIDTH as f64 / 2.0;
const HALF_H: f64 = STAGE_HEIGHT as f64 / 2.0;

/// Beyond this many output pixels from the origin the fast path's fixed-point rasteriser is not
/// trusted; such a drawable goes through the per-pixel path, which only visits the visible part.
const FAST_PATH_LIMIT: f64 = 1.0e6;

/// The output scale the renderer accepts: 0.25…8, 1 for anything that is not a number.
pub(crate) fn clamp_scale(scale: f32) -> f32 {
    if scale.is_finite() {
        scale.clamp(0.25, 8.0)
    } else {
        1.0
    }
}

pub(crate) fn render(r: &mut Renderer, frame: &Frame, scale: f32) -> Pixmap {
    let s = clamp_scale(scale);
    let width = (STAGE_WIDTH as f32 * s).round() as u32;
    let height = (STAGE_HEIGHT as f32 * s).round() as u32;
    // At most 3840×2880 pixels, at least 120×90: always a valid size.
    let mut out = Pixmap::new(width, height).expect("stage pixmap");
    out.fill(Color::WHITE);
    let mut target = out.as_mut();

    draw_drawable(&mut r.skins, &mut target, &frame.stage, s);
    draw_pen_layer(r.pen.pixmap(), r.pen.is_empty(), &mut target, s);
    for d in frame.sprites.iter().filter(|d| d.visible) {
        draw_drawable(&mut r.skins, &mut target, d, s);
    }
    #[cfg(feature = "text")]
    {
        bubble::draw_bubbles(r, &mut target, frame, s);
        monitor::draw_monitors(r, &mut target, frame, s);
    }
    out
}

/// The costume of `d` with its colour and shape effects baked in, texel for texel, for hosts
/// that draw with their own graphics ([`Renderer::effect_texture`]). Each texel centre goes
/// through the shape effects and is sampled with the filter the compositor would use, then the
/// colour effects (without ghost, which the host applies as opacity) are applied, as in
/// [`draw_placed`]. Returns straight RGBA, the size, and the bitmap's pixels per stage unit.
pub(crate) fn effect_texture(
    skins: &mut [Vec<Skin>],
    d: &Drawable,
    pixels_per_unit: f64,
) -> Option<(Vec<u8>, u32, u32, f64)> {
    let skin = skins
        .get_mut(d.target as usize)
        .and_then(|costumes| costumes.get_mut(d.costume))?;
    let placement = Placement::new(d, skin.size, skin.rotation_center);
    let colors = ColorEffects::from_effects(&d.effects);
    let filter = costume_filter(skin, d, placement.shape.any(), pixels_per_unit);
    let bitmap = skin.bitmap_for_scale(pixels_per_unit);
    let texture = Texture::new(bitmap);
    let (w, h) = (texture.width, texture.height);
    let mut out = vec![0u8; w * h * 4];
    let shape = placement.shape.any();
    let recolor = colors.color.is_some() || colors.brightness.is_some();
    let (wf, hf) = (w as f64, h as f64);
    for (y, row) in out.chunks_exact_mut(w * 4).enumerate() {
        for (x, dst) in row.chunks_exact_mut(4).enumerate() {
            let texel = if shape {
                let (u, v) = placement.shape_effects((x as f64 + 0.5) / wf, (y as f64 + 0.5) / hf);
                match filter {
                    Filter::Linear => texture.linear(u * wf - 0.5, v * hf - 0.5),
                    Filter::Nearest => texture.nearest(u * wf, v * hf),
                }
            } else {
                texture.texel(x, y)
            };
            if texel[3] == 0 {
                continue;
            }
            let mut c = if recolor {
                colors.apply_without_ghost(texel)
            } else {
                texel
            };
            // Straight alpha, as the browser's ImageData wants it.
            let a = u32::from(c[3]);
            for ch in &mut c[..3] {
                *ch = ((u32::from(*ch).min(a) * 255 + a / 2) / a) as u8;
            }
            dst.copy_from_slice(&c);
        }
    }
    Some((out, w as u32, h as u32, bitmap.scale))
}

/// The pen layer (480×360) stretched over the output. scratch-render's `PenSkin.useNearest`:
/// nearest-neighbour when it is scaled up (as Scratch 2 did), linear when scaled down.
fn draw_pen_layer(pen: &Pixmap, empty: bool, target: &mut PixmapMut, s: f32) {
    if empty {
        return;
    }
    let paint = PixmapPaint {
        opacity: 1.0,
        blend_mode: BlendMode::SourceOver,
        quality: if s >= 1.0 {
            FilterQuality::Nearest
        } else {
            FilterQuality::Bilinear
        },
    };
    target.draw_pixmap(
        0,
        0,
        pen.as_ref(),
        &paint,
        Transform::from_scale(s, s),
        None,
    );
}

/// How a costume's texture is sampled (the `minMag` filter scratch-render sets per draw).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    Nearest,
    Linear,
}

/// scratch-render's `Skin.useNearest` for a costume drawn at `pixels_per_unit` output pixels per
/// skin unit: bitmap costumes are always sampled nearest-neighbour (`BitmapSkin` keeps the
/// default of `Skin`); vector costumes (`SVGSkin`) are sampled linearly, except upright-ish
/// (direction a multiple of 90) at about 100% on screen without shape effects, where nearest
/// keeps them crisp.
pub(crate) fn costume_filter(
    skin: &Skin,
    d: &Drawable,
    shape_effects: bool,
    pixels_per_unit: f64,
) -> Filter {
    if !skin.is_vector {
        return Filter::Nearest;
    }
    if shape_effects {
        return Filter::Linear;
    }
    // JavaScript's `direction % 90 !== 0` (NaN is not 0).
    let (direction, _) = rendered_direction(d);
    if direction % 90.0 != 0.0 {
        return Filter::Linear;
    }
    let percent = pixels_per_unit.abs() * 100.0;
    if percent > 99.0 && percent < 101.0 {
        Filter::Nearest
    } else {
        Filter::Linear
    }
}

/// Draws one drawable (a sprite, the stage, or a stamp) onto `target`, which shows the stage at
/// `scale` output pixels per stage unit with the stage's top-left corner at pixel (0, 0). A
/// drawable whose target or costume does not exist draws nothing.
pub(crate) fn draw_drawable(
    skins: &mut [Vec<Skin>],
    target: &mut PixmapMut,
    d: &Drawable,
    scale: f32,
) {
    let Some(skin) = skins
        .get_mut(d.target as usize)
        .and_then(|costumes| costumes.get_mut(d.costume))
    else {
        return;
    };
    let s = f64::from(clamp_scale(scale));
    // `Placement` takes a size that is not a number as 100%.
    let size = if d.size.is_finite() {
        d.size / 100.0
    } else {
        1.0
    };
    let pixels_per_unit = size.abs() * s;
    if pixels_per_unit == 0.0 || !pixels_per_unit.is_finite() {
        return;
    }
    let placement = Placement::new(d, skin.size, skin.rotation_center);
    let colors = ColorEffects::from_effects(&d.effects);
    let filter = costume_filter(skin, d, placement.shape.any(), pixels_per_unit);
    let bitmap = skin.bitmap_for_scale(pixels_per_unit);
    draw_placed(target, bitmap, &placement, s, &colors, filter, false);
}

/// Draws a placed bitmap with its effects. Every drawable goes through the same per-pixel
/// rasteriser; what changes is only which steps it takes: a drawable without shape effects
/// skips them, one without colour effects copies texels as they are, one with ghost alone
/// scales them through a table. `general` forces every step (shape effects, however neutral, and
/// [`ColorEffects::apply`]), for the tests that compare the specialised loops with the general one.
pub(crate) fn draw_placed(
    target: &mut PixmapMut,
    bitmap: &Bitmap,
    p: &Placement,
    s: f64,
    colors: &ColorEffects,
    filter: Filter,
    general: bool,
) {
    // Fully transparent (or not a number): nothing to draw.
    if !(colors.ghost.unwrap_or(1.0) > 0.0) {
        return;
    }
    // TEMPORARY A/B
    // (Not in wasm, where there is no environment to switch it on: it would link tiny-skia's
    // whole raster pipeline into the playground for nothing.)
    #[cfg(not(target_arch = "wasm32"))]
    {
        static AB: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if *AB.get_or_init(|| std::env::var("AB").is_ok())
            && !p.shape.any()
            && colors.color.is_none()
            && colors.brightness.is_none()
        {
            let [w, h] = p.skin_size;
            let tpu = [
                f64::from(bitmap.pixmap.width()) / w,
                f64::from(bitmap.pixmap.height()) / h,
            ];
            if let Some(ts) = fast_transform(p, tpu, s) {
                let paint = PixmapPaint {
                    opacity: colors.ghost.unwrap_or(1.0).min(1.0) as f32,
                    blend_mode: BlendMode::SourceOver,
                    quality: match filter {
                        Filter::Nearest => FilterQuality::Nearest,
                        Filter::Linear => FilterQuality::Bilinear,
                    },
                };
                target.draw_pixmap(0, 0, bitmap.pixmap.as_ref(), &paint, ts, None);
                return;
            }
        }
    }
    let (tw, th) = (target.width() as usize, target.height() as usize);
    let Some(g) = Geometry::new(p, s, tw, th) else {
        return;
    };
    let texture = Texture::new(bitmap);
    let data = target.data_mut();
    let shape = general || p.shape.any();
    let only_ghost = colors.color.is_none() && colors.brightness.is_none();
    if general || !only_ghost {
        // Costumes are mostly runs of one colour: remember the last colour the effects made.
        let mut last_in = [0u8; 4];
        let mut last_out = [0u8; 4];
        let full = |c: [u8; 4]| {
            if c != last_in {
                last_in = c;
                last_out = colors.apply(c);
                // Keep the colour premultiplied, whatever the effects did.
                let a = last_out[3];
                for ch in &mut last_out[..3] {
                    *ch = (*ch).min(a);
                }
            }
            last_out
        };
        rasterise(data, tw, &g, &texture, p, filter, shape, full);
    } else if let Some(_) = colors.ghost {
        // Ghost scales each channel on its own: a table of what `apply` gives for each value.
        let mut table = [0u8; 256];
        for (v, t) in table.iter_mut().enumerate() {
            *t = colors.apply([v as u8; 4])[3];
        }
        let ghost = |c: [u8; 4]| c.map(|v| table[v as usize]);
        rasterise(data, tw, &g, &texture, p, filter, shape, ghost);
    } else {
        rasterise(data, tw, &g, &texture, p, filter, shape, |c| c);
    }
}

/// Bitmap pixels → output pixels as one affine map (tiny-skia's form): bitmap → skin units (the
/// whole texture spans the skin), skin → stage (`to_stage`), stage → output
/// (`x = (X + 240)·s`, `y = (180 − Y)·s`). `None` when degenerate or beyond what tiny-skia's
/// fixed-point rasteriser handles.
// Only the A/B experiment (not built for wasm) and the tests use it.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn fast_transform(
    p: &Placement,
    texels_per_unit: [f64; 2],
    s: f64,
) -> Option<Transform> {
    let [a, b, c, d, e, f] = p.to_stage;
    let (kx, ky) = (texels_per_unit[0], texels_per_unit[1]);
    let m = [
        s * a / kx,
        -s * b / kx,
        s * c / ky,
        -s * d / ky,
        s * (e + HALF_W),
        s * (HALF_H - f),
    ];
    if m.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let det = m[0] * m[3] - m[1] * m[2];
    if !(det.abs() > 1e-12) {
        return None;
    }
    let (bw, bh) = (p.skin_size[0] * kx, p.skin_size[1] * ky);
    for (x, y) in [(0.0, 0.0), (bw, 0.0), (0.0, bh), (bw, bh)] {
        let ox = m[0] * x + m[2] * y + m[4];
        let oy = m[1] * x + m[3] * y + m[5];
        if !(ox.abs() < FAST_PATH_LIMIT && oy.abs() < FAST_PATH_LIMIT) {
            return None;
        }
    }
    Some(Transform::from_row(
        m[0] as f32,
        m[1] as f32,
        m[2] as f32,
        m[3] as f32,
        m[4] as f32,
        m[5] as f32,
    ))
}

/// Where a placed costume falls on the output: the output pixels its bounding box covers, and
/// the texture coordinates of each output pixel's centre as an affine function of the pixel,
/// `u = u00 + ux·px + uy·py` (and `v` alike).
struct Geometry {
    x0: usize,
    x1: usize,
    y0: usize,
    y1: usize,
    u00: f64,
    ux: f64,
    uy: f64,
    v00: f64,
    vx: f64,
    vy: f64,
}

impl Geometry {
    fn new(p: &Placement, s: f64, tw: usize, th: usize) -> Option<Geometry> {
        let [w, h] = p.skin_size;
        if !(w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()) {
            return None;
        }
        // Shape effects never draw outside the costume's rectangle.
        let aabb = p.aabb();
        let (x0, x1) = pixel_range((aabb.left + HALF_W) * s, (aabb.right + HALF_W) * s, tw)?;
        let (y0, y1) = pixel_range((HALF_H - aabb.top) * s, (HALF_H - aabb.bottom) * s, th)?;
        // Pixel centre (px, py) is at stage X = (px + 0.5)/s − 240, Y = 180 − (py + 0.5)/s;
        // `to_skin` gives skin x = m0·X + m2·Y + m4, skin y = m1·X + m3·Y + m5.
        let [m0, m1, m2, m3, m4, m5] = p.to_skin;
        let (sx0, sy0) = (0.5 / s - HALF_W, HALF_H - 0.5 / s);
        let g = Geometry {
            x0,
            x1,
            y0,
            y1,
            u00: (m0 * sx0 + m2 * sy0 + m4) / w,
            ux: m0 / (s * w),
            uy: -m2 / (s * w),
            v00: (m1 * sx0 + m3 * sy0 + m5) / h,
            vx: m1 / (s * h),
            vy: -m3 / (s * h),
        };
        [g.u00, g.ux, g.uy, g.v00, g.vx, g.vy]
            .iter()
            .all(|v| v.is_finite())
            .then_some(g)
    }
}

/// The rasteriser: for every output pixel whose centre lies on the costume (texture coordinates
/// in [0, 1)), the shape effects move the coordinates, the texture is sampled, `color` applies
/// the colour effects, and the result is blended source-over.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // One call site per effect mode; a struct would only rename them.
fn rasterise(
    data: &mut [u8],
    tw: usize,
    g: &Geometry,
    texture: &Texture,
    p: &Placement,
    filter: Filter,
    shape: bool,
    color: impl FnMut([u8; 4]) -> [u8; 4],
) {
    // One loop per combination, so the inner loop has no decisions left in it.
    match (filter, shape) {
        (Filter::Nearest, false) => rows::<false, false>(data, tw, g, texture, p, color),
        (Filter::Nearest, true) => rows::<false, true>(data, tw, g, texture, p, color),
        (Filter::Linear, false) => rows::<true, false>(data, tw, g, texture, p, color),
        (Filter::Linear, true) => rows::<true, true>(data, tw, g, texture, p, color),
    }
}

#[inline(always)]
fn rows<const LINEAR: bool, const SHAPE: bool>(
    data: &mut [u8],
    tw: usize,
    g: &Geometry,
    texture: &Texture,
    p: &Placement,
    mut color: impl FnMut([u8; 4]) -> [u8; 4],
) {
    let (w, h) = (texture.width as f64, texture.height as f64);
    // Per output pixel to the right, in texels.
    let (dtx, dty) = (g.ux * w, g.vx * h);
    for py in g.y0..g.y1 {
        let ur = g.u00 + g.uy * py as f64;
        let vr = g.v00 + g.vy * py as f64;
        // The pixels of this row whose u and v are in [0, 1), widened by one pixel against
        // rounding; each pixel is checked again below.
        let (mut lo, mut hi) = (g.x0 as f64, (g.x1 - 1) as f64);
        narrow_span(ur, g.ux, &mut lo, &mut hi);
        narrow_span(vr, g.vx, &mut lo, &mut hi);
        if !(lo <= hi) {
            continue;
        }
        let start = ((lo as i64) - 2).max(g.x0 as i64) as usize;
        let end = ((hi as i64) + 2).min(g.x1 as i64 - 1) as usize;
        let row = &mut data[py * tw * 4..(py + 1) * tw * 4];
        // Texel coordinates of the pixel centre (texel i spans i…i + 1), stepped along the row.
        let mut tx = (ur + g.ux * start as f64) * w;
        let mut ty = (vr + g.vx * start as f64) * h;
        for dst in row[start * 4..(end + 1) * 4].chunks_exact_mut(4) {
            let (cx, cy) = (tx, ty);
            tx += dtx;
            ty += dty;
            // Only pixel centres on the costume are drawn (u and v in [0, 1)).
            if !(cx >= 0.0 && cx < w && cy >= 0.0 && cy < h) {
                continue;
            }
            let texel = if SHAPE {
                let (u, v) = p.shape_effects(cx / w, cy / h);
                if LINEAR {
                    texture.linear(u * w - 0.5, v * h - 0.5)
                } else {
                    texture.nearest(u * w, v * h)
                }
            } else if LINEAR {
                texture.linear(cx - 0.5, cy - 0.5)
            } else {
                // Within the texture, as checked above.
                texture.texel(cx as usize, cy as usize)
            };
            if texel[3] == 0 {
                continue;
            }
            let src = color(texel);
            if src[3] == 0 {
                continue;
            }
            let dst: &mut [u8; 4] = dst.try_into().expect("4 bytes");
            blend_over(dst, src);
        }
    }
}

/// The whole output pixels between the output coordinates `lo` and `hi`, clipped to
/// `0..len`: `Some((first, end))` with `first < end`, or `None` when nothing is left.
fn pixel_range(lo: f64, hi: f64, len: usize) -> Option<(usize, usize)> {
    if lo.is_nan() || hi.is_nan() {
        return None;
    }
    let first = lo.floor().max(0.0);
    let end = hi.ceil().min(len as f64);
    (first < end).then(|| (first as usize, end as usize))
}

/// Narrows [lo, hi] to the x where `c + k·x` lies in [0, 1) (the caller adds a pixel of slack on
/// each side).
fn narrow_span(c: f64, k: f64, lo: &mut f64, hi: &mut f64) {
    if k == 0.0 {
        if !(0.0..1.0).contains(&c) {
            *lo = f64::INFINITY;
        }
        return;
    }
    let a = -c / k;
    let b = (1.0 - c) / k;
    *lo = lo.max(a.min(b));
    *hi = hi.min(a.max(b));
}

/// A bitmap's texels, sampled as WebGL samples a `CLAMP_TO_EDGE` texture: outside 0…1 the edge
/// texels repeat.
pub(crate) struct Texture<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
}

/// The red and blue (or, shifted by 8, green and alpha) bytes of a packed RGBA pixel.
const LANES: u32 = 0x00ff_00ff;

impl<'a> Texture<'a> {
    pub(crate) fn new(bitmap: &'a Bitmap) -> Texture<'a> {
        Texture {
            data: bitmap.pixmap.data(),
            width: bitmap.pixmap.width() as usize,
            height: bitmap.pixmap.height() as usize,
        }
    }

    /// Texel (x, y) packed little-endian (red in the low byte).
    #[inline(always)]
    fn packed(&self, x: usize, y: usize) -> u32 {
        let i = (y * self.width + x) * 4;
        let bytes: [u8; 4] = self.data[i..i + 4].try_into().expect("4 bytes");
        u32::from_le_bytes(bytes)
    }

    #[inline(always)]
    fn texel(&self, x: usize, y: usize) -> [u8; 4] {
        self.packed(x, y).to_le_bytes()
    }

    /// `NEAREST`: the texel under texel coordinates (x, y), clamped to the edge. (`as`
    /// truncates towards zero, saturates and maps NaN to 0; truncation and flooring differ only
    /// between −1 and 0, which the clamp sends to texel 0 either way.)
    #[inline(always)]
    pub(crate) fn nearest(&self, x: f64, y: f64) -> [u8; 4] {
        let x = (x as i64).clamp(0, self.width as i64 - 1) as usize;
        let y = (y as i64).clamp(0, self.height as i64 - 1) as usize;
        self.texel(x, y)
    }

    /// `LINEAR`: the four texels around (x, y) — in texel coordinates shifted by half a texel,
    /// so that texel i's centre is at i — weighted by distance with 8-bit weights, as GPUs
    /// interpolate; clamped to the edge.
    #[inline(always)]
    pub(crate) fn linear(&self, x: f64, y: f64) -> [u8; 4] {
        let (ix, wx) = floor_and_weight(x);
        let (iy, wy) = floor_and_weight(y);
        let (w, h) = (self.width as i64, self.height as i64);
        if ix >= 0 && iy >= 0 && ix + 1 < w && iy + 1 < h {
            // Inside: the two texels of each row are next to each other in memory.
            let i = (iy as usize * self.width + ix as usize) * 4;
            let j = i + self.width * 4;
            let top: [u8; 8] = self.data[i..i + 8].try_into().expect("8 bytes");
            let bottom: [u8; 8] = self.data[j..j + 8].try_into().expect("8 bytes");
            // Down first (both columns at once), then across.
            let column = lerp_packed2(u64::from_le_bytes(top), u64::from_le_bytes(bottom), wy);
            return lerp_packed(column as u32, (column >> 32) as u32, wx).to_le_bytes();
        }
        let clamp_x = |i: i64| i.clamp(0, w - 1) as usize;
        let clamp_y = |i: i64| i.clamp(0, h - 1) as usize;
        let (xa, xb) = (clamp_x(ix), clamp_x(ix.saturating_add(1)));
        let (ya, yb) = (clamp_y(iy), clamp_y(iy.saturating_add(1)));
        let top = lerp_packed(self.packed(xa, ya), self.packed(xb, ya), wx);
        let bottom = lerp_packed(self.packed(xa, yb), self.packed(xb, yb), wx);
        lerp_packed(top, bottom, wy).to_le_bytes()
    }
}

/// ⌊t⌋ and the fraction t − ⌊t⌋ as a weight 0…256 (without `f64::floor`, which is a library
/// call on baseline x86-64). NaN gives (0, 0).
#[inline(always)]
fn floor_and_weight(t: f64) -> (i64, u32) {
    let i = t as i64;
    let i = i - i64::from((i as f64) > t);
    (i, ((t - i as f64) * 256.0) as u32)
}

/// `a + (b − a)·w/256` for all four bytes of two packed pixels at once (w in 0…256). Weighted
/// sums of premultiplied colours stay premultiplied.
#[inline(always)]
fn lerp_packed(a: u32, b: u32, w: u32) -> u32 {
    let w = w.min(256);
    let iw = 256 - w;
    let rb = ((a & LANES) * iw + (b & LANES) * w) >> 8 & LANES;
    let ag = (((a >> 8) & LANES) * iw + ((b >> 8) & LANES) * w) >> 8 & LANES;
    rb | (ag << 8)
}

/// [`lerp_packed`] for two pixels side by side in a `u64`.
#[inline(always)]
fn lerp_packed2(a: u64, b: u64, w: u32) -> u64 {
    const LANES2: u64 = 0x00ff_00ff_00ff_00ff;
    let w = u64::from(w.min(256));
    let iw = 256 - w;
    let rb = ((a & LANES2) * iw + (b & LANES2) * w) >> 8 & LANES2;
    let ag = (((a >> 8) & LANES2) * iw + ((b >> 8) & LANES2) * w) >> 8 & LANES2;
    rb | (ag << 8)
}

/// Source-over on premultiplied RGBA (`gl.blendFunc(ONE, ONE_MINUS_SRC_ALPHA)`), rounding as
/// an 8-bit framebuffer stores.
#[inline(always)]
pub(crate) fn blend_over(dst: &mut [u8; 4], src: [u8; 4]) {
    let inv = 255 - u32::from(src[3]);
    if inv == 0 {
        *dst = src;
        return;
    }
    let d = u32::from_le_bytes(*dst);
    let rb = div255_lanes((d & LANES) * inv);
    let ag = div255_lanes(((d >> 8) & LANES) * inv);
    // Each byte stays within 255: a premultiplied channel is at most its alpha, and what is
    // kept of the destination at most 255 − alpha.
    let kept = (rb | (ag << 8)).to_le_bytes();
    *dst = [
        src[0].saturating_add(kept[0]),
        src[1].saturating_add(kept[1]),
        src[2].saturating_add(kept[2]),
        src[3].saturating_add(kept[3]),
    ];
}

/// x / 255 rounded, for two 16-bit lanes each at most 255·255.
#[inline(always)]
fn div255_lanes(x: u32) -> u32 {
    let x = x + 0x0080_0080;
    ((x + ((x >> 8) & LANES)) >> 8) & LANES
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use starling_runtime::program::RotationStyle;
    use starling_runtime::stage::{
        EFFECT_BRIGHTNESS, EFFECT_COLOR, EFFECT_FISHEYE, EFFECT_GHOST, EFFECT_MOSAIC,
        EFFECT_PIXELATE, EFFECT_WHIRL,
    };

    pub(crate) const RED: [u8; 4] = [255, 0, 0, 255];
    pub(crate) const GREEN: [u8; 4] = [0, 255, 0, 255];
    pub(crate) const BLUE: [u8; 4] = [0, 0, 255, 255];
    pub(crate) const YELLOW: [u8; 4] = [255, 255, 0, 255];
    pub(crate) const WHITE: [u8; 4] = [255, 255, 255, 255];

    /// A `w`×`h` premultiplied image whose texel (x, y) is `f(x, y)`.
    pub(crate) fn image(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Pixmap {
        let mut pm = Pixmap::new(w, h).unwrap();
        let data = pm.data_mut();
        for y in 0..h {
            for x in 0..w {
                let i = ((y * w + x) * 4) as usize;
                data[i..i + 4].copy_from_slice(&f(x, y));
            }
        }
        pm
    }

    pub(crate) fn square(size: u32, color: [u8; 4]) -> Skin {
        Skin::from_pixmap(image(size, size, |_, _| color), 1.0, None)
    }

    /// A renderer with an empty backdrop (target 0) and the costumes of target 1.
    pub(crate) fn renderer(costumes: Vec<Skin>) -> Renderer {
        let mut r = Renderer::new();
        r.skins = vec![vec![Skin::empty()], costumes];
        r
    }

    pub(crate) fn sprite(costume: usize) -> Drawable {
        Drawable {
            id: 1,
            target: 1,
            costume,
            x: 0.0,
            y: 0.0,
            direction: 90.0,
            size: 100.0,
            rotation_style: RotationStyle::AllAround,
            effects: [0.0; 7],
            visible: true,
        }
    }

    pub(crate) fn frame(sprites: Vec<Drawable>) -> Frame {
        let mut stage = sprite(0);
        stage.id = 0;
        stage.target = 0;
        Frame {
            stage,
            sprites,
            bubbles: Vec::new(),
            monitors: Vec::new(),
        }
    }

    pub(crate) fn px(pm: &Pixmap, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * pm.width() + x) * 4) as usize;
        let d = pm.data();
        [d[i], d[i + 1], d[i + 2], d[i + 3]]
    }

    fn close(a: [u8; 4], b: [u8; 4], tolerance: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
    }

    /// The pixels of the colour `c` as a bounding box (left, top, right, bottom), inclusive.
    fn extent(pm: &Pixmap, c: [u8; 4]) -> Option<(u32, u32, u32, u32)> {
        let mut r: Option<(u32, u32, u32, u32)> = None;
        for y in 0..pm.height() {
            for x in 0..pm.width() {
                if px(pm, x, y) == c {
                    r = Some(match r {
                        None => (x, y, x, y),
                        Some((l, t, rr, b)) => (l.min(x), t.min(y), rr.max(x), b.max(y)),
                    });
                }
            }
        }
        r
    }

    fn render_one(costume: Skin, d: Drawable) -> Pixmap {
        let mut r = renderer(vec![costume]);
        r.render(&frame(vec![d]), 1.0)
    }

    #[test]
    fn red_square_lands_at_its_position_and_size() {
        let out = render_one(square(20, RED), sprite(0));
        assert_eq!((out.width(), out.height()), (480, 360));
        // Stage x −10…10, y −10…10 → columns 230…249, rows 170…189.
        assert_eq!(extent(&out, RED), Some((230, 170, 249, 189)));
        assert_eq!(px(&out, 229, 180), WHITE);

        let mut d = sprite(0);
        d.x = 100.0;
        d.y = 50.0;
        let out = render_one(square(20, RED), d);
        assert_eq!(extent(&out, RED), Some((330, 120, 349, 139)));

        let mut d = sprite(0);
        d.size = 200.0;
        d.x = -200.4; // positions round to whole units
        let out = render_one(square(20, RED), d);
        assert_eq!(extent(&out, RED), Some((20, 160, 59, 199)));
    }

    /// A 20×10 costume, left half red and right half blue, turning around its left middle.
    fn arrow() -> Skin {
        let pm = image(20, 10, |x, _| if x < 10 { RED } else { BLUE });
        Skin::from_pixmap(pm, 1.0, Some([0.0, 5.0]))
    }

    #[test]
    fn direction_and_rotation_styles() {
        let out = render_one(arrow(), sprite(0));
        assert_eq!(extent(&out, RED), Some((240, 175, 249, 184)));
        assert_eq!(extent(&out, BLUE), Some((250, 175, 259, 184)));

        // Pointing down: the costume's right end is below the rotation centre.
        let mut d = sprite(0);
        d.direction = 180.0;
        let out = render_one(arrow(), d);
        assert_eq!(extent(&out, RED), Some((235, 180, 244, 189)));
        assert_eq!(extent(&out, BLUE), Some((235, 190, 244, 199)));

        // 45°: the diagonal up and to the right.
        let mut d = sprite(0);
        d.direction = 45.0;
        let out = render_one(arrow(), d);
        assert_eq!(px(&out, 240 + 3, 180 - 4), RED);
        assert_eq!(px(&out, 240 + 10, 180 - 11), BLUE);
        assert_eq!(px(&out, 255, 180), WHITE);

        // Left-right: facing left mirrors the costume and keeps it upright.
        let mut d = sprite(0);
        d.direction = -90.0;
        d.rotation_style = RotationStyle::LeftRight;
        let out = render_one(arrow(), d);
        assert_eq!(extent(&out, RED), Some((230, 175, 239, 184)));
        assert_eq!(extent(&out, BLUE), Some((220, 175, 229, 184)));

        // Don't rotate: as if pointing right.
        let mut d = sprite(0);
        d.direction = -45.0;
        d.rotation_style = RotationStyle::DontRotate;
        let out = render_one(arrow(), d);
        assert_eq!(extent(&out, BLUE), Some((250, 175, 259, 184)));
    }

    #[test]
    fn front_sprites_cover_back_ones_and_hidden_ones_are_skipped() {
        let mut r = renderer(vec![square(20, RED), square(20, BLUE)]);
        let mut front = sprite(1);
        front.x = 5.0;
        let out = r.render(&frame(vec![sprite(0), front.clone()]), 1.0);
        assert_eq!(px(&out, 240, 180), BLUE);
        assert_eq!(px(&out, 232, 180), RED);
        let out = r.render(&frame(vec![front.clone(), sprite(0)]), 1.0);
        assert_eq!(px(&out, 240, 180), RED);
        assert_eq!(px(&out, 252, 180), BLUE);
        front.visible = false;
        let out = r.render(&frame(vec![sprite(0), front]), 1.0);
        assert_eq!(px(&out, 240, 180), RED);
        assert_eq!(px(&out, 252, 180), WHITE);
    }

    #[test]
    fn ghost_halves_alpha() {
        let mut d = sprite(0);
        d.effects[EFFECT_GHOST] = 50.0;
        let out = render_one(square(20, RED), d.clone());
        // Half red over white.
        assert!(
            close(px(&out, 240, 180), [255, 128, 128, 255], 1),
            "{:?}",
            px(&out, 240, 180)
        );
        // Straight into a transparent image: alpha halves.
        let mut target = Pixmap::new(480, 360).unwrap();
        let mut skins = vec![vec![Skin::empty()], vec![square(20, RED)]];
        draw_drawable(&mut skins, &mut target.as_mut(), &d, 1.0);
        assert!(
            close(px(&target, 240, 180), [128, 0, 0, 128], 1),
            "{:?}",
            px(&target, 240, 180)
        );
        d.effects[EFFECT_GHOST] = 100.0;
        let out = render_one(square(20, RED), d);
        assert_eq!(px(&out, 240, 180), WHITE);
    }

    #[test]
    fn colour_effects_follow_scratch() {
        let with = |effect: usize, value: f64| {
            let mut d = sprite(0);
            d.effects[effect] = value;
            let out = render_one(square(20, RED), d);
            px(&out, 240, 180)
        };
        // Hue + 50/200 of a turn: red → chartreuse (HSV 90°, 1, 1).
        let c = with(EFFECT_COLOR, 50.0);
        assert!(close(c, [128, 255, 0, 255], 1), "{c:?}");
        // A whole turn is no change.
        assert!(close(with(EFFECT_COLOR, 200.0), RED, 1));
        assert_eq!(with(EFFECT_BRIGHTNESS, 100.0), WHITE);
        assert_eq!(with(EFFECT_BRIGHTNESS, -100.0), [0, 0, 0, 255]);
        let c = with(EFFECT_BRIGHTNESS, 50.0);
        assert!(close(c, [255, 128, 128, 255], 1), "{c:?}");
        // With ghost too: half of black over white.
        let mut d = sprite(0);
        d.effects[EFFECT_BRIGHTNESS] = -100.0;
        d.effects[EFFECT_GHOST] = 50.0;
        let c = px(&render_one(square(20, RED), d), 240, 180);
        assert!(close(c, [128, 128, 128, 255], 1), "{c:?}");
    }

    /// A 40×40 costume: red top-left, green top-right, blue bottom-left, yellow bottom-right.
    fn quadrants() -> Skin {
        let pm = image(40, 40, |x, y| match (x < 20, y < 20) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => YELLOW,
        });
        Skin::from_pixmap(pm, 1.0, None)
    }

    /// Output pixel of skin point (x, y) of a 40×40 costume centred on the stage at 100%.
    fn at(out: &Pixmap, x: u32, y: u32) -> [u8; 4] {
        px(out, 220 + x, 160 + y)
    }

    #[test]
    fn mosaic_repeats_the_costume() {
        let mut d = sprite(0);
        d.effects[EFFECT_MOSAIC] = 10.0; // round((10 + 10)/10) = 2 copies across
        let out = render_one(quadrants(), d);
        // Skin x 15 → u 0.39 → 2u mod 1 = 0.78: the green quarter of the first copy.
        assert_eq!(at(&out, 5, 5), RED);
        assert_eq!(at(&out, 15, 5), GREEN);
        assert_eq!(at(&out, 5, 15), BLUE);
        assert_eq!(at(&out, 15, 15), YELLOW);
        assert_eq!(at(&out, 25, 25), RED);
    }

    #[test]
    fn pixelate_makes_blocks() {
        // Red grows with x: every column its own colour.
        let pm = image(40, 40, |x, _| [(x * 6) as u8, 0, 0, 255]);
        let mut d = sprite(0);
        d.effects[EFFECT_PIXELATE] = 100.0; // blocks of 10 skin units
        let out = render_one(Skin::from_pixmap(pm, 1.0, None), d);
        // Columns 0…9 all show the block centre, column 5.
        for x in 0..10 {
            assert_eq!(at(&out, x, 3), [30, 0, 0, 255], "column {x}");
        }
        assert_eq!(at(&out, 12, 3), [90, 0, 0, 255]);
    }

    #[test]
    fn whirl_turns_the_middle() {
        let mut d = sprite(0);
        d.effects[EFFECT_WHIRL] = 180.0;
        let out = render_one(quadrants(), d.clone());
        // Skin (15.5, 15.5): offset (−0.1125, −0.1125) from the middle, turned by
        // −π·(1 − 0.318)² ≈ −84° → (+0.10, −0.12): the top-right (green) quarter.
        assert_eq!(at(&out, 15, 15), GREEN);
        // Turning the other way brings the bottom-left (blue) quarter instead.
        d.effects[EFFECT_WHIRL] = -180.0;
        assert_eq!(at(&render_one(quadrants(), d.clone()), 15, 15), BLUE);
        // The corners, beyond the whirl's radius, stay.
        assert_eq!(at(&render_one(quadrants(), d), 1, 1), RED);
    }

    #[test]
    fn fisheye_magnifies_the_middle() {
        // A red 8×8 centre on a transparent 40×40 costume.
        let pm = image(40, 40, |x, y| {
            if (16..24).contains(&x) && (16..24).contains(&y) {
                RED
            } else {
                [0; 4]
            }
        });
        let skin = || Skin::from_pixmap(pm.clone(), 1.0, None);
        assert_eq!(at(&render_one(skin(), sprite(0)), 26, 20), WHITE);
        let mut d = sprite(0);
        d.effects[EFFECT_FISHEYE] = 100.0; // r = len²: skin x 26.5 samples x 22.1
        assert_eq!(at(&render_one(skin(), d.clone()), 26, 20), RED);
        // Negative fisheye shrinks the middle instead.
        d.effects[EFFECT_FISHEYE] = -50.0;
        assert_eq!(at(&render_one(skin(), d), 22, 20), WHITE);
    }

    /// A 50×40 costume with soft, coloured content: a radial gradient with an alpha ramp.
    pub(crate) fn blob() -> Skin {
        let pm = image(50, 40, |x, y| {
            let (dx, dy) = (x as f64 - 24.5, y as f64 - 19.5);
            let r = (dx * dx + dy * dy).sqrt();
            let a = (255.0 * (1.0 - r / 22.0)).clamp(0.0, 255.0) as u32;
            let (cr, cg, cb) = (x * 5, y * 6, 255 - x * 4);
            [
                (cr * a / 255) as u8,
                (cg * a / 255) as u8,
                (cb * a / 255) as u8,
                a as u8,
            ]
        });
        Skin::from_pixmap(pm, 1.0, Some([20.0, 17.0]))
    }

    /// Draws `d` three ways on a grey background — the specialised loop, the general loop (every
    /// step taken), and tiny-skia's `draw_pixmap` with the composed affine map as an independent
    /// reference for where the pixels go — and returns, for the general loop and for tiny-skia,
    /// how many pixels differ from the specialised loop by more than `tolerance`, with the
    /// number of pixels drawn.
    fn compare_paths(d: &Drawable, filter: Filter, s: f64, tolerance: u8) -> (usize, usize, usize) {
        let skin = blob();
        let p = Placement::new(d, skin.size, skin.rotation_center);
        let colors = ColorEffects::from_effects(&d.effects);
        let (w, h) = ((480.0 * s) as u32, (360.0 * s) as u32);
        let grey = image(w, h, |_, _| [100, 100, 100, 255]);
        let (mut special, mut general, mut reference) = (grey.clone(), grey.clone(), grey.clone());
        draw_placed(
            &mut special.as_mut(),
            &skin.base,
            &p,
            s,
            &colors,
            filter,
            false,
        );
        draw_placed(
            &mut general.as_mut(),
            &skin.base,
            &p,
            s,
            &colors,
            filter,
            true,
        );
        let ts = tiny_skia_transform(&p, [1.0, 1.0], s).expect("placement");
        let paint = PixmapPaint {
            opacity: colors.ghost.unwrap_or(1.0) as f32,
            blend_mode: BlendMode::SourceOver,
            quality: match filter {
                Filter::Nearest => FilterQuality::Nearest,
                Filter::Linear => FilterQuality::Bilinear,
            },
        };
        reference.draw_pixmap(0, 0, skin.base.pixmap.as_ref(), &paint, ts, None);
        let count = |other: &Pixmap| {
            special
                .data()
                .chunks(4)
                .zip(other.data().chunks(4))
                .filter(|(a, b)| {
                    a.iter()
                        .zip(b.iter())
                        .any(|(x, y)| x.abs_diff(*y) > tolerance)
                })
                .count()
        };
        let drawn = special
            .data()
            .chunks(4)
            .filter(|c| *c != [100, 100, 100, 255])
            .count();
        (count(&general), count(&reference), drawn)
    }

    /// Bitmap pixels → output pixels as one affine map, in tiny-skia's form: bitmap → skin
    /// units, skin → stage (`to_stage`), stage → output (`x = (X + 240)·s`, `y = (180 − Y)·s`).
    fn tiny_skia_transform(p: &Placement, texels_per_unit: [f64; 2], s: f64) -> Option<Transform> {
        let [a, b, c, d, e, f] = p.to_stage;
        let (kx, ky) = (texels_per_unit[0], texels_per_unit[1]);
        let m = [
            s * a / kx,
            -s * b / kx,
            s * c / ky,
            -s * d / ky,
            s * (e + HALF_W),
            s * (HALF_H - f),
        ];
        let m = m.map(|v| v as f32);
        Some(Transform::from_row(m[0], m[1], m[2], m[3], m[4], m[5])).filter(|t| t.is_valid())
    }

    #[test]
    fn specialised_general_and_reference_drawing_agree() {
        let cases = [
            (12.0, -7.0, 90.0, 100.0, 0.0, RotationStyle::AllAround),
            (12.0, -7.0, 33.0, 137.0, 0.0, RotationStyle::AllAround),
            (-100.0, 50.0, -120.0, 64.0, 30.0, RotationStyle::AllAround),
            (200.0, 150.0, -90.0, 250.0, 70.0, RotationStyle::LeftRight),
            (0.0, 0.0, 171.0, 41.0, 0.0, RotationStyle::AllAround),
        ];
        for filter in [Filter::Nearest, Filter::Linear] {
            for s in [1.0, 2.0] {
                for &(x, y, direction, size, ghost, style) in &cases[..if s == 1.0 { 5 } else { 2 }]
                {
                    let mut d = sprite(0);
                    (d.x, d.y, d.direction, d.size, d.rotation_style) =
                        (x, y, direction, size, style);
                    d.effects[EFFECT_GHOST] = ghost;
                    let (general, reference, drawn) = compare_paths(&d, filter, s, 2);
                    eprintln!("STAT {filter:?} {s} {direction} {size}: {general} {reference} / {drawn} exact {:?}", compare_paths(&d, filter, s, 0));
                    assert!(drawn > 100, "{d:?} drew {drawn}");
                    // Only pixels whose centre falls exactly on a texel boundary or on the
                    // costume's edge may round differently (tiny-skia maps in f32, the
                    // rasteriser in f64); anything systematic would differ by far more.
                    assert!(
                        reference * 100 <= drawn,
                        "{filter:?} ×{s} {d:?}: {reference} of {drawn} pixels differ"
                    );
                }
            }
        }
    }

    #[test]
    fn scale_two_is_scale_one_doubled() {
        let mut r = renderer(vec![square(20, RED), arrow()]);
        let mut backdrop = image(
            480,
            360,
            |x, _| if x < 240 { [200, 220, 255, 255] } else { WHITE },
        );
        backdrop.data_mut()[3] = 255;
        r.skins[0][0] = Skin::from_pixmap(backdrop, 1.0, None);
        let mut a = sprite(1);
        a.x = -50.0;
        a.y = 33.0;
        let mut b = sprite(0);
        b.x = 70.0;
        b.size = 150.0;
        let f = frame(vec![a, b]);
        crate::pen::apply(
            &mut r,
            &starling_runtime::io::PenEvent::Line {
                x0: -200.0,
                y0: -100.0,
                x1: 150.0,
                y1: 20.0,
                rgba: [0.0, 0.5, 0.0, 1.0],
                size: 4.0,
            },
        );
        let one = r.render(&f, 1.0);
        let two = r.render(&f, 2.0);
        assert_eq!((two.width(), two.height()), (960, 720));
        for y in 0..360 {
            for x in 0..480 {
                assert_eq!(px(&one, x, y), px(&two, 2 * x + 1, 2 * y + 1), "({x}, {y})");
            }
        }
        // A turned sprite covers four times the pixels.
        let mut d = sprite(0);
        d.direction = 30.0;
        let mut r = renderer(vec![square(20, RED)]);
        let count = |pm: &Pixmap| pm.data().chunks(4).filter(|c| *c == RED).count();
        let n1 = count(&r.render(&frame(vec![d.clone()]), 1.0));
        let n2 = count(&r.render(&frame(vec![d]), 2.0));
        assert!((n2 as f64 / n1 as f64 - 4.0).abs() < 0.1, "{n1} {n2}");
        // Scales outside 0.25…8 are clamped.
        assert_eq!(r.render(&frame(vec![]), 100.0).width(), 3840);
        assert_eq!(r.render(&frame(vec![]), 0.0).width(), 120);
        assert_eq!(r.render(&frame(vec![]), f32::NAN).width(), 480);
    }

    #[test]
    fn backdrop_pen_and_sprites_stack_in_order() {
        let mut r = renderer(vec![square(20, RED)]);
        r.skins[0][0] = Skin::from_pixmap(image(480, 360, |_, _| GREEN), 1.0, None);
        let line = |y: f64| starling_runtime::io::PenEvent::Line {
            x0: -240.0,
            y0: y,
            x1: 240.0,
            y1: y,
            rgba: [0.0, 0.0, 1.0, 1.0],
            size: 6.0,
        };
        crate::pen::apply(&mut r, &line(0.0));
        let out = r.render(&frame(vec![sprite(0)]), 1.0);
        assert_eq!(px(&out, 10, 10), GREEN);
        assert_eq!(px(&out, 10, 180), BLUE);
        assert_eq!(px(&out, 240, 180), RED);
        // The backdrop's effects apply too.
        let mut f = frame(vec![]);
        f.stage.effects[EFFECT_BRIGHTNESS] = -100.0;
        assert_eq!(px(&r.render(&f, 1.0), 10, 10), [0, 0, 0, 255]);
    }

    #[test]
    fn missing_costumes_draw_nothing() {
        let mut r = renderer(vec![square(20, RED)]);
        let mut d = sprite(3);
        let mut e = sprite(0);
        e.target = 7;
        d.x = 1.0;
        let out = r.render(&frame(vec![d, e]), 1.0);
        assert!(out.data().chunks(4).all(|c| c == WHITE));
        let mut r = Renderer::new();
        let out = r.render(&frame(vec![sprite(0)]), 1.0);
        assert!(out.data().chunks(4).all(|c| c == WHITE));
    }

    #[test]
    fn strange_numbers_do_not_panic() {
        let mut r = renderer(vec![square(20, RED), blob(), Skin::empty()]);
        let values = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            1e-300,
            -5.0,
            1e6,
            1e15,
            1e300,
            f64::MAX,
        ];
        let mut sprites = Vec::new();
        for (i, &v) in values.iter().enumerate() {
            for costume in 0..3 {
                let mut d = sprite(costume);
                d.x = v;
                d.y = values[(i + 3) % values.len()];
                d.size = values[(i + 5) % values.len()];
                d.direction = values[(i + 7) % values.len()];
                sprites.push(d.clone());
                d.size = v;
                d.x = 3.0;
                for e in 0..7 {
                    d.effects[e] = values[(i + e) % values.len()];
                }
                sprites.push(d.clone());
                d.effects = [0.0; 7];
                d.effects[i % 7] = v;
                sprites.push(d);
            }
        }
        let f = frame(sprites.clone());
        for s in [0.25, 1.3] {
            r.render(&f, s);
        }
        for d in sprites.into_iter().step_by(3) {
            crate::pen::apply(
                &mut r,
                &starling_runtime::io::PenEvent::Stamp {
                    target: "s".into(),
                    drawable: d,
                },
            );
        }
    }
}
