//! Starling's stage: costumes decoded and drawn, pixel-exact touching, the pen layer, speech
//! bubbles and monitors.
//!
//! Architecture Invariant: no IO. Costume bytes come in from the host; images go out as pixels.
//! Nothing here fetches, reads files or looks at the clock, so the same frame always gives the
//! same pixels, natively and in wasm.
//!
//! [`Renderer`] is the one object: the host loads the program's costumes into it, hands it to
//! the VM as its [`Stage`] (the VM asks it about bounds, touching and pen drawing while blocks
//! run), and asks it to draw each [`Frame`] the VM describes.
//!
//! Modules:
//! - [`skin`], `decode`, `hull`, `fonts`: costumes (SVG, PNG, JPEG, GIF, BMP) → [`skin::Skin`].
//! - [`transform`]: where a costume lands on the stage, with the shape effects.
//! - `effects`: the colour effects (colour, brightness, ghost).
//! - `compose`: a frame → an RGBA image; `pen`: the pen layer.
//! - `touch`: bounds and touching; `bubble`, `monitor`: speech bubbles and monitors.

use std::any::Any;

use starling_runtime::io::PenEvent;
use starling_runtime::stage::{Drawable, Frame, Rect, Stage};
use starling_runtime::Program;

mod bubble;
mod compose;
mod decode;
pub mod effects;
pub mod fonts;
mod hull;
mod monitor;
mod pen;
pub mod skin;
mod text;
mod touch;
pub mod transform;

pub use decode::{CostumeFormat, Problem};
pub use skin::Skin;
pub use tiny_skia::Pixmap;

/// Stage size in pixels at scale 1.
pub const STAGE_WIDTH: u32 = 480;
pub const STAGE_HEIGHT: u32 = 360;

/// The stage: every costume of the program, the pen layer and the caches for drawing.
pub struct Renderer {
    /// `skins[target][costume]`, for the program's targets in order.
    pub(crate) skins: Vec<Vec<Skin>>,
    pub(crate) pen: pen::PenLayer,
    pub(crate) fonts: fonts::Fonts,
    pub(crate) bubbles: bubble::BubbleCache,
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

impl Renderer {
    /// An empty stage with the bundled font (when the `bundled-font` feature is on).
    pub fn new() -> Renderer {
        Renderer {
            skins: Vec::new(),
            pen: pen::PenLayer::new(),
            fonts: fonts::Fonts::new(),
            bubbles: bubble::BubbleCache::default(),
        }
    }

    /// Decodes every costume of the program. `file` gives a costume file's bytes by the name in
    /// [`starling_runtime::program::CostumeDef::file`]. A costume that is missing or cannot be
    /// decoded becomes a small placeholder and a [`Problem`] in the answer; nothing fails.
    pub fn load_costumes(
        &mut self,
        program: &Program,
        file: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Vec<Problem> {
        decode::load_program(self, program, file)
    }

    /// The decoded costume of a target, if any.
    pub fn skin(&self, target: u32, costume: usize) -> Option<&Skin> {
        self.skins.get(target as usize)?.get(costume)
    }

    /// Draws the frame: backdrop, pen layer, sprites back to front, bubbles, monitors. `scale`
    /// 1 gives 480×360 pixels, 2 gives 960×720, and so on (0.25…8).
    pub fn render(&mut self, frame: &Frame, scale: f32) -> Pixmap {
        compose::render(self, frame, scale)
    }

    /// The sprite whose pixels are at the stage point (x, y), front-most first (for clicks and
    /// dragging); `None` means the stage.
    pub fn pick(&mut self, frame: &Frame, x: f64, y: f64) -> Option<u32> {
        touch::pick(self, frame, x, y)
    }

    /// The pen layer (480×360, premultiplied RGBA).
    pub fn pen_layer(&self) -> &Pixmap {
        self.pen.pixmap()
    }
}

impl Stage for Renderer {
    fn costume_size(&self, target: u32, costume: usize) -> Option<(f64, f64)> {
        self.skin(target, costume).map(|s| (s.size[0], s.size[1]))
    }

    fn aabb(&mut self, d: &Drawable) -> Option<Rect> {
        let skin = self.skin(d.target, d.costume)?;
        Some(transform::Placement::new(d, skin.size, skin.rotation_center).aabb())
    }

    fn bounds(&mut self, d: &Drawable) -> Option<Rect> {
        touch::bounds(self, d)
    }

    fn touching_drawables(&mut self, me: &Drawable, others: &[Drawable]) -> bool {
        touch::touching_drawables(self, me, others)
    }

    fn touching_point(&mut self, me: &Drawable, x: f64, y: f64) -> bool {
        touch::touching_point(self, me, x, y)
    }

    fn touching_color(
        &mut self,
        me: &Drawable,
        scene: &Frame,
        color: [u8; 3],
        mask: Option<[u8; 3]>,
    ) -> bool {
        touch::touching_color(self, me, scene, color, mask)
    }

    fn pen(&mut self, op: &PenEvent) {
        pen::apply(self, op)
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
