//! Speech and thought bubbles (stub: the bubble helper replaces this file; the API stays).

use starling_runtime::stage::Frame;
use tiny_skia::PixmapMut;

use crate::Renderer;

/// Rendered bubbles kept between frames.
#[derive(Default)]
pub(crate) struct BubbleCache {}

/// Draws the frame's bubbles on `target`, which covers the stage at `scale` pixels per unit.
pub(crate) fn draw_bubbles(_r: &mut Renderer, _target: &mut PixmapMut, _frame: &Frame, _scale: f32) {}
