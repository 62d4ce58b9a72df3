//! Monitors (stub: the bubble helper replaces this file; the API stays).

use starling_runtime::stage::Frame;
use tiny_skia::PixmapMut;

use crate::Renderer;

/// Draws the frame's monitors on `target`, which covers the stage at `scale` pixels per unit.
pub(crate) fn draw_monitors(_r: &mut Renderer, _target: &mut PixmapMut, _frame: &Frame, _scale: f32) {}
