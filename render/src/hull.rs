//! Convex hull of a costume's opaque pixels (stub: the costume helper replaces this file).

use crate::skin::Bitmap;

/// Skin units (stage units from the top-left, y down).
pub(crate) fn convex_hull(b: &Bitmap) -> Vec<[f64; 2]> {
    let (w, h) = (b.pixmap.width() as f64 / b.scale, b.pixmap.height() as f64 / b.scale);
    vec![[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]
}
