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
//!   Decoding needs the `decode` feature; without it the host hands in costumes as pixels
//!   ([`Skin::from_raster`], [`Renderer::set_skins`]), as the playground does in the browser.
//! - [`transform`]: where a costume lands on the stage, with the shape effects.
//! - `effects`: the colour effects (colour, brightness, ghost).
//! - `compose`: a frame → an RGBA image; `pen`: the pen layer.
//! - `touch`: bounds and touching; `bubble`, `monitor`: speech bubbles and monitors (drawn only
//!   with the `text` feature; where a bubble goes is always available, [`Renderer::bubble_place`]).
//!
//! Features (all on by default): `decode` (costume files, resvg/image), `text` (bubbles and
//! monitors in [`Renderer::render`]), `bundled-font`. Without them the crate is small enough for
//! the browser, which decodes costumes and draws text itself.

use std::any::Any;

use starling_runtime::io::PenEvent;
use starling_runtime::stage::{Drawable, Frame, Rect, Stage};
#[cfg(feature = "decode")]
use starling_runtime::Program;

mod bubble;
mod compose;
#[cfg(feature = "decode")]
mod decode;
pub mod effects;
#[cfg(feature = "decode")]
pub mod fonts;
mod hull;
#[cfg(feature = "text")]
mod monitor;
mod pen;
pub mod skin;
#[cfg(feature = "text")]
mod text;
mod touch;
pub mod transform;

pub use bubble::position_bubble;
#[cfg(feature = "decode")]
pub use decode::{CostumeFormat, Problem};
pub use skin::Skin;
pub use tiny_skia::Pixmap;

/// Stage size in pixels at scale 1.
pub const STAGE_WIDTH: u32 = 480;
pub const STAGE_HEIGHT: u32 = 360;

/// How a host that draws with its own graphics (the browser's canvas) draws one drawable:
/// [`Renderer::place`]. The same placement and sampling rules as [`Renderer::render`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// Skin units → stage coordinates (and back), with the shape effects' parameters.
    pub placement: transform::Placement,
    /// Sample the costume linearly (smoothly); `false`: nearest texel (crisp).
    pub linear: bool,
    /// Output pixels per skin unit (size × output scale), which decides the mip to draw with.
    pub pixels_per_unit: f64,
    /// The costume is a vector drawing (its sharper copies can be made at any scale).
    pub is_vector: bool,
}

/// The stage: every costume of the program, the pen layer and the caches for drawing.
pub struct Renderer {
    /// `skins[target][costume]`, for the program's targets in order.
    pub(crate) skins: Vec<Vec<Skin>>,
    pub(crate) pen: pen::PenLayer,
    #[cfg(feature = "decode")]
    pub(crate) fonts: fonts::Fonts,
    #[cfg(feature = "text")]
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
            #[cfg(feature = "decode")]
            fonts: fonts::Fonts::new(),
            #[cfg(feature = "text")]
            bubbles: bubble::BubbleCache::default(),
        }
    }

    /// Replaces every costume: `skins[target][costume]` for the program's targets in order (a
    /// host that decodes costumes itself, like the browser, hands them in here). A costume
    /// without a skin is treated as empty.
    pub fn set_skins(&mut self, skins: Vec<Vec<Skin>>) {
        self.skins = skins;
    }

    /// Replaces one costume's skin, growing the lists as needed (missing ones are empty).
    pub fn set_skin(&mut self, target: usize, costume: usize, skin: Skin) {
        if self.skins.len() <= target {
            self.skins.resize_with(target + 1, Vec::new);
        }
        let costumes = &mut self.skins[target];
        if costumes.len() <= costume {
            costumes.resize_with(costume + 1, Skin::empty);
        }
        costumes[costume] = skin;
    }

    /// Decodes every costume of the program. `file` gives a costume file's bytes by the name in
    /// [`starling_runtime::program::CostumeDef::file`]. A costume that is missing or cannot be
    /// decoded becomes a small placeholder and a [`Problem`] in the answer; nothing fails.
    #[cfg(feature = "decode")]
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

    /// Draws the frame: backdrop, pen layer, sprites back to front, bubbles, monitors (bubbles
    /// and monitors only with the `text` feature). `scale` 1 gives 480×360 pixels, 2 gives
    /// 960×720, and so on (0.25…8).
    pub fn render(&mut self, frame: &Frame, scale: f32) -> Pixmap {
        compose::render(self, frame, scale)
    }

    /// The sprite whose pixels are at the stage point (x, y), front-most first (for clicks and
    /// dragging); `None` means the stage.
    pub fn pick(&mut self, frame: &Frame, x: f64, y: f64) -> Option<u32> {
        touch::pick(self, frame, x, y)
    }

    /// How to draw `d` at `scale` output pixels per stage unit, for hosts that draw frames with
    /// their own graphics: `None` when the costume is unknown or the drawable covers no pixel
    /// (size 0).
    pub fn place(&self, d: &Drawable, scale: f64) -> Option<Placed> {
        let skin = self.skin(d.target, d.costume)?;
        let size = if d.size.is_finite() {
            d.size / 100.0
        } else {
            1.0
        };
        let pixels_per_unit = size.abs() * scale;
        if pixels_per_unit == 0.0 || !pixels_per_unit.is_finite() {
            return None;
        }
        let placement = transform::Placement::new(d, skin.size, skin.rotation_center);
        let filter = compose::costume_filter(skin, d, placement.shape.any(), pixels_per_unit);
        Some(Placed {
            placement,
            linear: filter == compose::Filter::Linear,
            pixels_per_unit,
            is_vector: skin.is_vector,
        })
    }

    /// The pen layer (480×360, premultiplied RGBA).
    pub fn pen_layer(&self) -> &Pixmap {
        self.pen.pixmap()
    }

    /// Where a bubble of `size` (stage units, with its stroke and tail) goes for the sprite
    /// `d`: its top-left corner in stage coordinates and whether it is on the sprite's right,
    /// given the side it was on (`on_right`, true at first). The same rules as the bubbles
    /// [`Renderer::render`] draws (scratch3_looks' `_positionBubble` against the top of the
    /// sprite's hull), for hosts that draw bubbles themselves.
    pub fn bubble_place(
        &mut self,
        d: &Drawable,
        size: [f64; 2],
        on_right: bool,
    ) -> (f64, f64, bool) {
        let bounds = bubble::bubble_bounds(self, d);
        bubble::position_bubble(size, &bounds, on_right)
    }

    /// The drawable's sprite as the stage would draw it, with its colour and shape effects
    /// applied, in texture space: the bitmap [`Skin::bitmap_for_scale`] picks for
    /// `pixels_per_unit`, with every texel replaced by what the effects make of it (ghost left
    /// out). Straight (not premultiplied) RGBA, width and height, and the bitmap's pixels per
    /// stage unit. For hosts that draw with their own graphics (the browser's canvas) and need
    /// Scratch's effects exactly. `None` when the costume is unknown.
    pub fn effect_texture(
        &mut self,
        d: &Drawable,
        pixels_per_unit: f64,
    ) -> Option<(Vec<u8>, u32, u32, f64)> {
        compose::effect_texture(&mut self.skins, d, pixels_per_unit)
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
