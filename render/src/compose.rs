//! A frame → an RGBA image (stub: the compositor helper replaces this file).

use starling_runtime::stage::Frame;
use tiny_skia::Pixmap;

use crate::Renderer;

pub(crate) fn render(_r: &mut Renderer, _frame: &Frame, scale: f32) -> Pixmap {
    let s = scale.clamp(0.25, 8.0);
    Pixmap::new(
        (crate::STAGE_WIDTH as f32 * s) as u32,
        (crate::STAGE_HEIGHT as f32 * s) as u32,
    )
    .expect("stage pixmap")
}
