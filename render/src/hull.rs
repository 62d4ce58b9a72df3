//! The convex hull of a costume's opaque pixels, as scratch-render finds it
//! (`RenderWebGL._getConvexHullPointsForDrawable` without shape effects).
//!
//! scratch-render does not walk the texture's pixels: it walks the skin in whole stage units,
//! row by row, and asks the silhouette whether unit `(x, y)` touches (`isTouchingLinear` at
//! texture coordinate `(x / width, y / height)`: any of the 2×2 texels at
//! `floor(u·(W−1)), floor(v·(H−1))` and one further right and down has alpha > 0). The first
//! touching unit from the left and from the right of each row are the candidates, and each
//! stands for the middle of its unit, `(x + ½, y + ½)` (`Drawable._getTransformedHullPoints`).
//! Doing the same here gives the same bounds as Scratch (`getBounds`, "if on edge, bounce",
//! fencing) for the same pixels. The rows are scanned from precomputed first and last opaque
//! texels, so a 2048×2048 costume takes one pass over its alpha bytes.

use crate::skin::Bitmap;

/// More stage units than this in a skin (a tiny-resolution bitmap stretched huge) and the hull
/// is taken over texel centres instead of unit by unit.
const MAX_UNITS: f64 = 16.0 * 1024.0 * 1024.0;

/// The convex hull of the bitmap's opaque pixels, in skin units (stage units from the top-left,
/// y down), clockwise on screen. Empty for a costume without an opaque pixel.
pub(crate) fn convex_hull(b: &Bitmap) -> Vec<[f64; 2]> {
    let scale = if b.scale.is_finite() && b.scale > 0.0 {
        b.scale
    } else {
        1.0
    };
    let size = [
        f64::from(b.pixmap.width()) / scale,
        f64::from(b.pixmap.height()) / scale,
    ];
    convex_hull_sized(b, size)
}

/// [`convex_hull`] for a bitmap stretched over a skin of `size` stage units (an SVG costume's
/// size is its viewBox, which need not be a whole number of pixels).
pub(crate) fn convex_hull_sized(b: &Bitmap, size: [f64; 2]) -> Vec<[f64; 2]> {
    let [width, height] = size;
    let (tex_w, tex_h) = (b.pixmap.width() as usize, b.pixmap.height() as usize);
    if !(width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite())
        || tex_w == 0
        || tex_h == 0
    {
        return Vec::new();
    }
    let alpha: Vec<u8> = b.pixmap.pixels().iter().map(|p| p.alpha()).collect();
    let rows = RowExtents::new(&alpha, tex_w, tex_h);
    if rows.first.iter().all(Option::is_none) {
        return Vec::new();
    }
    if width * height > MAX_UNITS {
        return texel_centre_hull(&rows, tex_w, tex_h, size);
    }

    let silhouette = Silhouette {
        alpha: &alpha,
        width: tex_w,
        height: tex_h,
        rows: &rows,
    };
    // Texels per unit, as the linear test computes it.
    let kx = (tex_w as f64 - 1.0) / width;
    let ky = (tex_h as f64 - 1.0) / height;
    let mut left: Vec<[f64; 2]> = Vec::new();
    let mut right: Vec<[f64; 2]> = Vec::new();

    let mut y = 0.0;
    while y < height {
        let ty = (y * ky).floor() as usize;
        let Some((lo, hi)) = rows.span(ty, ty + 1) else {
            y += 1.0;
            continue;
        };
        // From the left: no unit whose texel pair ends before `lo` can touch, so start at the
        // last unit before that (units are whole numbers from 0).
        let mut x = if kx > 0.0 {
            ((lo as f64 - 1.0) / kx - 1.0).floor().max(0.0)
        } else {
            0.0
        };
        let mut found_left = None;
        while x < width {
            if silhouette.touches((x * kx).floor() as usize, ty) {
                found_left = Some(x);
                break;
            }
            x += 1.0;
        }
        let Some(found_left) = found_left else {
            y += 1.0;
            continue;
        };
        push_turning(&mut left, [found_left + 0.5, y + 0.5], |d| d > 0.0);

        // From the right, starting at `width − 1` (fractional or not) and stepping by one,
        // skipping the units whose texel pair starts after `hi`.
        let mut x = width - 1.0;
        if kx > 0.0 {
            let limit = (hi as f64 + 1.0) / kx + 1.0;
            if x > limit {
                x -= (x - limit).floor();
            }
        }
        while x >= 0.0 {
            if silhouette.touches((x * kx).floor() as usize, ty) {
                break;
            }
            x -= 1.0;
        }
        // The left scan found a touching unit, so the right scan finds one too (at worst the
        // same); clamp for safety against rounding.
        push_turning(&mut right, [x.max(found_left) + 0.5, y + 0.5], |d| d < 0.0);
        y += 1.0;
    }

    join(left, right)
}

/// For each texel row, the first and last opaque texel.
struct RowExtents {
    first: Vec<Option<usize>>,
    last: Vec<Option<usize>>,
}

impl RowExtents {
    fn new(alpha: &[u8], width: usize, height: usize) -> RowExtents {
        let mut first = Vec::with_capacity(height);
        let mut last = Vec::with_capacity(height);
        for row in alpha.chunks_exact(width).take(height) {
            first.push(row.iter().position(|&a| a > 0));
            last.push(row.iter().rposition(|&a| a > 0));
        }
        RowExtents { first, last }
    }

    /// The first and last opaque texel over rows `a` and `b` (either may be past the end).
    fn span(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        let get = |v: &Vec<Option<usize>>, i: usize| v.get(i).copied().flatten();
        let lo = match (get(&self.first, a), get(&self.first, b)) {
            (Some(p), Some(q)) => Some(p.min(q)),
            (p, q) => p.or(q),
        }?;
        let hi = match (get(&self.last, a), get(&self.last, b)) {
            (Some(p), Some(q)) => p.max(q),
            (p, q) => p.or(q)?,
        };
        Some((lo, hi))
    }
}

struct Silhouette<'a> {
    alpha: &'a [u8],
    width: usize,
    height: usize,
    rows: &'a RowExtents,
}

impl Silhouette<'_> {
    fn opaque(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.alpha[y * self.width + x] > 0
    }

    /// scratch-render's `isTouchingLinear`: any of the 2×2 texels from (x, y).
    fn touches(&self, x: usize, y: usize) -> bool {
        if self.rows.span(y, y + 1).is_none() {
            return false;
        }
        self.opaque(x, y)
            || self.opaque(x + 1, y)
            || self.opaque(x, y + 1)
            || self.opaque(x + 1, y + 1)
    }
}

/// The cross product of (b − a) and (c − a): positive when a → b → c turns one way, negative
/// the other, zero on a line (scratch-render's `determinant`).
fn determinant(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Appends `p` to a monotone chain, first dropping the points that would not make the turn
/// `keep` accepts (scratch-render's left and right hull loops).
fn push_turning(chain: &mut Vec<[f64; 2]>, p: [f64; 2], keep: impl Fn(f64) -> bool) {
    while chain.len() >= 2 {
        let n = chain.len();
        if keep(determinant(chain[n - 1], chain[n - 2], p)) {
            break;
        }
        chain.pop();
    }
    chain.push(p);
}

/// The left chain top to bottom, then the right chain bottom to top, without repeated points.
fn join(left: Vec<[f64; 2]>, right: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let mut hull = left;
    for p in right.into_iter().rev() {
        if hull.last() != Some(&p) && hull.first() != Some(&p) {
            hull.push(p);
        }
    }
    hull
}

/// The hull over the centres of the first and last opaque texel of each row, for skins too
/// large to walk unit by unit.
fn texel_centre_hull(
    rows: &RowExtents,
    tex_w: usize,
    tex_h: usize,
    size: [f64; 2],
) -> Vec<[f64; 2]> {
    let (sx, sy) = (size[0] / tex_w as f64, size[1] / tex_h as f64);
    let mut left = Vec::new();
    let mut right = Vec::new();
    for (ty, (first, last)) in rows.first.iter().zip(&rows.last).enumerate() {
        if let (Some(first), Some(last)) = (first, last) {
            let y = (ty as f64 + 0.5) * sy;
            push_turning(&mut left, [(*first as f64 + 0.5) * sx, y], |d| d > 0.0);
            push_turning(&mut right, [(*last as f64 + 0.5) * sx, y], |d| d < 0.0);
        }
    }
    join(left, right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_skia::{Color, Pixmap};

    fn bitmap(w: u32, h: u32, opaque: impl Fn(u32, u32) -> bool, scale: f64) -> Bitmap {
        let mut pixmap = Pixmap::new(w, h).unwrap();
        let data = pixmap.pixels_mut();
        for y in 0..h {
            for x in 0..w {
                if opaque(x, y) {
                    data[(y * w + x) as usize] = Color::from_rgba8(10, 20, 30, 255)
                        .premultiply()
                        .to_color_u8();
                }
            }
        }
        Bitmap { pixmap, scale }
    }

    fn bbox(points: &[[f64; 2]]) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in points {
            b = [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ];
        }
        b
    }

    /// Whether the polygon is convex and turns the same way at every corner.
    fn is_convex(points: &[[f64; 2]]) -> bool {
        let n = points.len();
        (0..n).all(|i| determinant(points[i], points[(i + 1) % n], points[(i + 2) % n]) >= 0.0)
            || (0..n)
                .all(|i| determinant(points[i], points[(i + 1) % n], points[(i + 2) % n]) <= 0.0)
    }

    #[test]
    fn an_empty_costume_has_no_hull() {
        assert!(convex_hull(&bitmap(10, 10, |_, _| false, 1.0)).is_empty());
        assert!(convex_hull(&bitmap(1, 1, |_, _| false, 1.0)).is_empty());
    }

    #[test]
    fn a_full_square_gives_the_unit_middles_at_its_corners() {
        // A 10×10 opaque square: units 0…9, each standing for its middle, as Scratch.
        let hull = convex_hull(&bitmap(10, 10, |_, _| true, 1.0));
        assert_eq!(hull, vec![[0.5, 0.5], [0.5, 9.5], [9.5, 9.5], [9.5, 0.5]]);
    }

    #[test]
    fn an_inner_square_grows_right_and_down_as_the_linear_test_does() {
        // Opaque texels 3…5 in a 10×10 image. Unit x touches texels x−1 and x, so units 3…6
        // and rows 3…6 touch: Scratch's bounds are one unit wider to the right and bottom.
        let hull = convex_hull(&bitmap(
            10,
            10,
            |x, y| (3..6).contains(&x) && (3..6).contains(&y),
            1.0,
        ));
        assert_eq!(bbox(&hull), [3.5, 3.5, 6.5, 6.5]);
        assert!(is_convex(&hull));
    }

    #[test]
    fn a_triangle_hull_follows_scratch_linear_touching() {
        // Right triangle: texel row y has opaque texels 0…=y, in 20×20. Unit row y also sees
        // texel row y + 1, and unit x sees texels x − 1 and x, so the slanted side moves out by
        // about two units at the top: Scratch's hull, not the texels' own.
        let hull = convex_hull(&bitmap(20, 20, |x, y| x <= y, 1.0));
        assert!(is_convex(&hull));
        assert_eq!(
            hull,
            vec![
                [0.5, 0.5],
                [0.5, 19.5],
                [19.5, 19.5],
                [19.5, 18.5],
                [2.5, 0.5]
            ]
        );
    }

    #[test]
    fn a_disc_hull_is_convex_and_contains_every_opaque_texel() {
        let (c, r) = (50.0, 30.0);
        let inside = |x: u32, y: u32| {
            let (dx, dy) = (x as f64 + 0.5 - c, y as f64 + 0.5 - c);
            dx * dx + dy * dy <= r * r
        };
        let hull = convex_hull(&bitmap(100, 100, inside, 1.0));
        assert!(is_convex(&hull));
        let b = bbox(&hull);
        assert!(
            (b[0] - 20.5).abs() <= 1.0 && (b[2] - 80.5).abs() <= 1.0,
            "{b:?}"
        );
    }

    #[test]
    fn resolution_2_gives_stage_units() {
        // 20×20 texels at 2 texels per unit: a 10×10 unit skin.
        let hull = convex_hull(&bitmap(20, 20, |_, _| true, 2.0));
        assert_eq!(bbox(&hull), [0.5, 0.5, 9.5, 9.5]);
    }

    #[test]
    fn a_large_costume_is_fast() {
        let b = bitmap(
            2048,
            2048,
            |x, y| (x + y) % 7 == 0 && x > 100 && y < 2000,
            1.0,
        );
        let start = std::time::Instant::now();
        let hull = convex_hull(&b);
        let took = start.elapsed();
        assert!(is_convex(&hull));
        // Generous for debug builds on a slow machine; release takes a few milliseconds.
        assert!(took.as_secs_f64() < 2.0, "{took:?}");
    }

    #[test]
    fn a_skin_too_large_to_walk_uses_texel_middles() {
        let hull = convex_hull(&bitmap(4, 4, |_, _| true, 1.0 / 2048.0));
        assert_eq!(bbox(&hull), [1024.0, 1024.0, 7168.0, 7168.0]);
    }
}
