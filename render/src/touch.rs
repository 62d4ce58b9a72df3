//! Bounds and touching (stub: the collision helper replaces this file).

use starling_runtime::stage::{Drawable, Frame, Rect};

use crate::Renderer;

pub(crate) fn bounds(_r: &mut Renderer, _d: &Drawable) -> Option<Rect> {
    None
}
pub(crate) fn touching_drawables(_r: &mut Renderer, _me: &Drawable, _others: &[Drawable]) -> bool {
    false
}
pub(crate) fn touching_point(_r: &mut Renderer, _me: &Drawable, _x: f64, _y: f64) -> bool {
    false
}
pub(crate) fn touching_color(
    _r: &mut Renderer,
    _me: &Drawable,
    _scene: &Frame,
    _color: [u8; 3],
    _mask: Option<[u8; 3]>,
) -> bool {
    false
}
pub(crate) fn pick(_r: &mut Renderer, _frame: &Frame, _x: f64, _y: f64) -> Option<u32> {
    None
}
