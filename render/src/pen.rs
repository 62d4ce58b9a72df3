//! The pen layer (stub: the compositor helper replaces this file).

use starling_runtime::io::PenEvent;
use tiny_skia::Pixmap;

use crate::Renderer;

pub(crate) struct PenLayer {
    pixmap: Pixmap,
}

impl PenLayer {
    pub(crate) fn new() -> PenLayer {
        PenLayer {
            pixmap: Pixmap::new(crate::STAGE_WIDTH, crate::STAGE_HEIGHT).expect("pen layer"),
        }
    }
    pub(crate) fn pixmap(&self) -> &Pixmap {
        &self.pixmap
    }
}

pub(crate) fn apply(_r: &mut Renderer, _op: &PenEvent) {}
