//! The stage as data, and the questions only pixels can answer.
//!
//! The VM knows where every sprite is, which costume it wears and its effects, but it has no
//! pixels. Two things cross this boundary:
//!
//! - [`Frame`], the draw description: every frame the host asks [`crate::Vm::frame`] for the
//!   stage, the visible sprites back to front, their bubbles and the monitors, as plain data, and
//!   draws it (the `starling-render` crate turns it into an RGBA image).
//! - [`Stage`], the questions the blocks ask of the pixels: a sprite's exact bounds (for fencing,
//!   bouncing and `touching edge`), `touching` a sprite, the mouse or a colour, and the pen
//!   layer that the pen blocks draw on. The VM calls it synchronously, as scratch-vm calls its
//!   renderer ([`crate::Vm::set_stage`]). Without one the VM uses rectangles from
//!   [`crate::program::CostumeDef::size`], and nothing has a colour.

use std::any::Any;

use crate::io::{BubbleKind, PenEvent};
use crate::program::RotationStyle;
pub use crate::vm::Rect;

/// The graphic effects, as the `effects` array of [`Drawable`] holds them.
pub const EFFECT_COLOR: usize = 0;
pub const EFFECT_FISHEYE: usize = 1;
pub const EFFECT_WHIRL: usize = 2;
pub const EFFECT_PIXELATE: usize = 3;
pub const EFFECT_MOSAIC: usize = 4;
pub const EFFECT_BRIGHTNESS: usize = 5;
pub const EFFECT_GHOST: usize = 6;

/// A sprite (or the stage) as the renderer draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawable {
    /// The sprite's [`crate::vm::SpriteState::id`] (0 is the stage).
    pub id: u32,
    /// Index of the sprite's definition in [`crate::Program::targets`]: costumes belong to it.
    pub target: u32,
    /// Index into that target's costumes.
    pub costume: usize,
    /// Position in stage coordinates (x right, y up, origin in the middle).
    pub x: f64,
    pub y: f64,
    /// Scratch direction: 90 is right, 0 up.
    pub direction: f64,
    /// Size in percent.
    pub size: f64,
    pub rotation_style: RotationStyle,
    /// color, fisheye, whirl, pixelate, mosaic, brightness, ghost (see the `EFFECT_` constants).
    pub effects: [f64; 7],
    pub visible: bool,
}

/// A speech or thought bubble.
#[derive(Debug, Clone, PartialEq)]
pub struct BubbleView {
    /// The sprite that speaks ([`Drawable::id`]).
    pub id: u32,
    pub kind: BubbleKind,
    pub text: String,
}

/// How a monitor looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MonitorMode {
    /// Label and value.
    Normal,
    /// The value only, large.
    Large,
    /// Label, value and a slider.
    Slider { min: f64, max: f64, discrete: bool },
    /// A list: label, numbered items, length.
    List,
}

/// What a monitor shows.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorValue {
    Scalar(String),
    List(Vec<String>),
}

/// A visible monitor, placed in stage pixels (x right, y down from the top-left corner, as
/// Scratch's .sb3 monitors store them).
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorView {
    /// `score`, or `Cat: score` for a sprite's own variable.
    pub label: String,
    pub value: MonitorValue,
    pub mode: MonitorMode,
    pub x: f64,
    pub y: f64,
    /// List monitors only: their size (0 means the default, 100×200 in Scratch's layout).
    pub width: f64,
    pub height: f64,
}

/// One frame of the stage, as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The stage with its backdrop and effects.
    pub stage: Drawable,
    /// Visible sprites and clones, back to front.
    pub sprites: Vec<Drawable>,
    /// Bubbles of visible sprites, in the order of their sprites.
    pub bubbles: Vec<BubbleView>,
    /// Visible monitors.
    pub monitors: Vec<MonitorView>,
}

/// What the VM asks of the stage's pixels (scratch-render's role in scratch-vm).
///
/// Implementations must never panic and must answer quickly; a costume they cannot draw
/// behaves like an empty one.
pub trait Stage {
    /// The size of a costume in stage units at 100% (scratch-render's `getCurrentSkinSize`),
    /// for the size limits. `None` when unknown.
    fn costume_size(&self, target: u32, costume: usize) -> Option<(f64, f64)>;

    /// The rectangle the whole costume covers on the stage, turned and scaled (scratch-render's
    /// `getAABB`). `None` when the costume is unknown.
    fn aabb(&mut self, d: &Drawable) -> Option<Rect>;

    /// The tight bounds of the drawable's pixels on the stage (scratch-render's `getBounds`,
    /// from the convex hull), for `if on edge, bounce`, `touching edge` and fencing. `None` when
    /// the costume is unknown or empty: the VM then treats the sprite as a point.
    fn bounds(&mut self, d: &Drawable) -> Option<Rect>;

    /// Whether any pixel of `me` covers a pixel of one of `others` (scratch-render's
    /// `isTouchingDrawables`). Ghost does not matter; shape effects do.
    fn touching_drawables(&mut self, me: &Drawable, others: &[Drawable]) -> bool;

    /// Whether `me` has a pixel at the stage point (x, y) (`touching mouse-pointer`).
    fn touching_point(&mut self, me: &Drawable, x: f64, y: f64) -> bool;

    /// `touching color`: whether `me` covers a pixel whose colour, as drawn by everything else
    /// (`scene` back to front, with the pen layer above the stage), matches `color`. With `mask`,
    /// `color is touching color`: only the pixels of `me` whose own colour matches `mask` count.
    fn touching_color(
        &mut self,
        me: &Drawable,
        scene: &Frame,
        color: [u8; 3],
        mask: Option<[u8; 3]>,
    ) -> bool;

    /// Draws on the pen layer (lines, dots, clear, stamps).
    fn pen(&mut self, op: &PenEvent);

    /// For hosts: the concrete stage behind the trait object ([`crate::Vm::stage_mut`]).
    fn as_any_mut(&mut self) -> &mut dyn Any;
}
