//! The state of the stage, each sprite and each clone, and the geometry that motion, fencing and
//! touching need.
//!
//! There is no renderer in the VM, so shapes are approximated by the costume's rectangle (from
//! [`CostumeDef::size`] and [`CostumeDef::rotation_center`]) turned and scaled like scratch-render's
//! drawable: that is scratch-render's `getAABB`, where Scratch uses the tighter convex-hull bounds.
//! A costume whose size is unknown is treated as a single point at the sprite's position.

use crate::io::BubbleKind;
use crate::program::{CostumeDef, RotationStyle, TargetDef};
use crate::value::Value;

/// Stage size in Scratch units.
pub const STAGE_WIDTH: f64 = 480.0;
pub const STAGE_HEIGHT: f64 = 360.0;
/// How much of a sprite must stay on the stage (scratch-render's `FENCE_WIDTH`).
const FENCE_WIDTH: f64 = 15.0;

/// Graphic effects, indexed like the `effect` operand of [`crate::isa::Instr::SetEffect`].
pub const EFFECT_NAMES: [&str; 7] = [
    "color",
    "fisheye",
    "whirl",
    "pixelate",
    "mosaic",
    "brightness",
    "ghost",
];
pub const EFFECT_BRIGHTNESS: usize = 5;
pub const EFFECT_GHOST: usize = 6;

/// A sprite's pen, as scratch3_pen keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct PenState {
    pub down: bool,
    /// Hue 0…100.
    pub color: f64,
    pub saturation: f64,
    pub brightness: f64,
    pub transparency: f64,
    /// The legacy `shade` (0…200) of Scratch 2's pen blocks.
    pub shade: f64,
    /// The colour the pen draws with, RGBA 0…1 (derived from the four parameters).
    pub rgba: [f32; 4],
    /// Pen diameter, 1…1200.
    pub size: f64,
}

impl Default for PenState {
    fn default() -> Self {
        PenState {
            down: false,
            color: 66.66,
            saturation: 100.0,
            brightness: 100.0,
            transparency: 0.0,
            shade: 50.0,
            rgba: [0.0, 0.0, 1.0, 1.0],
            size: 1.0,
        }
    }
}

/// The stage, a sprite or a clone, as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct SpriteState {
    /// This sprite's id: for the stage and the original sprites it is their index in
    /// [`crate::Program::targets`]; clones get ids after those (reused after a clone is deleted).
    /// [`crate::io::Input::clicked`] takes these ids.
    pub id: u32,
    /// Index of the sprite's definition in [`crate::Program::targets`] (a clone's is its sprite's).
    pub target: u32,
    pub name: String,
    pub is_stage: bool,
    pub is_clone: bool,
    pub x: f64,
    pub y: f64,
    pub direction: f64,
    /// Size in percent.
    pub size: f64,
    /// Index into the costumes (backdrops for the stage).
    pub costume: usize,
    pub visible: bool,
    /// Drawing order: the stage is 0, sprites count up from 1 (backmost) to the front.
    pub layer: usize,
    pub rotation_style: RotationStyle,
    pub draggable: bool,
    /// color, fisheye, whirl, pixelate, mosaic, brightness, ghost.
    pub effects: [f64; 7],
    /// The speech or thought bubble (shown only while the sprite is visible).
    pub bubble: Option<(BubbleKind, String)>,
    /// 0…100.
    pub volume: f64,
    /// Sound effects: pitch (±360) and pan (±100).
    pub pitch: f64,
    pub pan: f64,
    /// Music instrument, 1…21.
    pub instrument: u32,
    /// Stage only: music tempo in bpm.
    pub tempo: f64,
    pub pen: PenState,
    /// The sprite's own variables (for the stage: the global ones), in declaration order.
    pub variables: Vec<Value>,
    pub lists: Vec<Vec<Value>>,

    // ---- bookkeeping
    pub(crate) alive: bool,
    /// Changes on every say/think; `say … for secs` only removes the bubble it made.
    pub(crate) bubble_usage: u64,
    /// Whether the bubble is drawn (scratch3_looks has a bubble drawable), for redraw requests.
    pub(crate) bubble_drawn: bool,
    /// Last value of each edge-activated hat predicate: (script index, value).
    pub(crate) edge_values: Vec<(u32, bool)>,
    /// The costume and shape effects (fisheye, whirl, pixelate, mosaic) when the renderer last
    /// measured the sprite's tight bounds. scratch-render computes a drawable's convex hull only
    /// when something asks for its exact bounds and fences with the looser rectangle until then;
    /// while this matches the sprite, fencing uses the tight bounds as Scratch does.
    pub(crate) hull_key: Option<(usize, [f64; 4])>,
    /// Being dragged by the mouse: scripts cannot move it meanwhile (rendered-target's `setXY`).
    pub dragging: bool,
}

impl SpriteState {
    pub(crate) fn from_def(id: u32, def: &TargetDef) -> SpriteState {
        let costume = if def.costumes.is_empty() {
            0
        } else {
            def.current_costume.min(def.costumes.len() - 1)
        };
        SpriteState {
            id,
            target: id,
            name: def.name.clone(),
            is_stage: def.is_stage,
            is_clone: false,
            x: def.x,
            y: def.y,
            direction: def.direction,
            size: def.size,
            costume,
            visible: def.visible,
            layer: 0,
            rotation_style: def.rotation_style,
            draggable: def.draggable,
            effects: [0.0; 7],
            bubble: None,
            volume: def.volume,
            pitch: 0.0,
            pan: 0.0,
            instrument: 1,
            tempo: def.tempo,
            pen: PenState::default(),
            variables: def.variables.iter().map(|v| v.initial.clone()).collect(),
            lists: def.lists.iter().map(|l| l.initial.clone()).collect(),
            alive: true,
            bubble_usage: 0,
            bubble_drawn: false,
            edge_values: Vec::new(),
            hull_key: None,
            dragging: false,
        }
    }

    /// Whether changes to this target request a redraw. The stage counts as visible (its
    /// RenderedTarget's `visible` is always true in Scratch).
    pub(crate) fn shows(&self) -> bool {
        self.visible || self.is_stage
    }

    /// What the convex hull depends on: the costume and the shape effects.
    pub(crate) fn hull_key_now(&self) -> (usize, [f64; 4]) {
        let e = &self.effects;
        (self.costume, [e[1], e[2], e[3], e[4]])
    }
}

/// An axis-aligned rectangle in stage coordinates (y up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
    pub top: f64,
}

impl Rect {
    pub fn width(&self) -> f64 {
        self.right - self.left
    }
    pub fn height(&self) -> f64 {
        self.top - self.bottom
    }
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.left && x <= self.right && y >= self.bottom && y <= self.top
    }
    /// Whether two rectangles overlap: with positive area they must share some area (touching
    /// edges is not enough, as with pixels); a point or a line overlaps what it lies on.
    pub fn intersects(&self, other: &Rect) -> bool {
        let degenerate = self.width() <= 0.0
            || self.height() <= 0.0
            || other.width() <= 0.0
            || other.height() <= 0.0;
        if degenerate {
            self.left <= other.right
                && other.left <= self.right
                && self.bottom <= other.top
                && other.bottom <= self.top
        } else {
            self.left < other.right
                && other.left < self.right
                && self.bottom < other.top
                && other.bottom < self.top
        }
    }
}

/// The costume's size in stage units and rotation centre in stage units from its top-left
/// corner. [`CostumeDef::rotation_center`] is in the costume's own pixels (as in .sb3 files), so
/// it is divided by the bitmap resolution; [`CostumeDef::size`] is already at resolution 1.
pub(crate) fn costume_geometry(costume: Option<&CostumeDef>) -> Option<((f64, f64), (f64, f64))> {
    let c = costume?;
    let (w, h) = c.size?;
    let res = if c.bitmap_resolution > 0.0 {
        c.bitmap_resolution
    } else {
        1.0
    };
    let (cx, cy) = c.rotation_center.unwrap_or((w * res / 2.0, h * res / 2.0));
    Some(((w, h), (cx / res, cy / res)))
}

/// The sprite's bounds as scratch-render's `getAABB` computes them: the costume rectangle, scaled,
/// flipped or turned by the rotation style, and moved to (x, y). Without a known costume size the
/// sprite is a point.
pub(crate) fn bounds_at(s: &SpriteState, costume: Option<&CostumeDef>, x: f64, y: f64) -> Rect {
    let Some(((w, h), (cx, cy))) = costume_geometry(costume) else {
        return Rect {
            left: x,
            right: x,
            bottom: y,
            top: y,
        };
    };
    let scale = s.size / 100.0;
    let (direction, flip) = match s.rotation_style {
        RotationStyle::AllAround => (s.direction, 1.0),
        RotationStyle::LeftRight => (90.0, if s.direction < 0.0 { -1.0 } else { 1.0 }),
        RotationStyle::DontRotate => (90.0, 1.0),
    };
    // Clockwise turn by (direction − 90)°.
    let a = (direction - 90.0).to_radians();
    let (sin, cos) = a.sin_cos();
    let mut rect = Rect {
        left: f64::INFINITY,
        right: f64::NEG_INFINITY,
        bottom: f64::INFINITY,
        top: f64::NEG_INFINITY,
    };
    for (px, py) in [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)] {
        // Costume pixels (y down) to sprite-local units (y up, origin at the rotation centre).
        let lx = (px - cx) * scale * flip;
        let ly = (cy - py) * scale;
        let rx = lx * cos + ly * sin + x;
        let ry = -lx * sin + ly * cos + y;
        rect.left = rect.left.min(rx);
        rect.right = rect.right.max(rx);
        rect.bottom = rect.bottom.min(ry);
        rect.top = rect.top.max(ry);
    }
    rect
}

/// scratch-render's `getFencedPositionOfDrawable`: keeps at least a 15-unit inset (or half the
/// sprite, if smaller) of the sprite on the stage. `aabb` is the sprite's bounds where it is now.
pub(crate) fn fenced_position(s: &SpriteState, aabb: Rect, x: f64, y: f64) -> (f64, f64) {
    let dx = x - s.x;
    let dy = y - s.y;
    let inset = (aabb.width().min(aabb.height()) / 2.0).floor();
    let (mut nx, mut ny) = (x, y);
    let sx = STAGE_WIDTH / 2.0 - FENCE_WIDTH.min(inset);
    if aabb.right + dx < -sx {
        nx = (s.x - (sx + aabb.right)).ceil();
    } else if aabb.left + dx > sx {
        nx = (s.x + (sx - aabb.left)).floor();
    }
    let sy = STAGE_HEIGHT / 2.0 - FENCE_WIDTH.min(inset);
    if aabb.top + dy < -sy {
        ny = (s.y - (sy + aabb.top)).ceil();
    } else if aabb.bottom + dy > sy {
        ny = (s.y + (sy - aabb.bottom)).floor();
    }
    (nx, ny)
}

/// rendered-target's `keepInFence` with the stage as the fence (used by `if on edge, bounce`);
/// `b` is the sprite's bounds.
pub(crate) fn keep_in_stage(s: &SpriteState, b: Rect) -> (f64, f64) {
    let (mut dx, mut dy) = (0.0, 0.0);
    if b.left < -STAGE_WIDTH / 2.0 {
        dx += -STAGE_WIDTH / 2.0 - b.left;
    }
    if b.right > STAGE_WIDTH / 2.0 {
        dx += STAGE_WIDTH / 2.0 - b.right;
    }
    if b.top > STAGE_HEIGHT / 2.0 {
        dy += STAGE_HEIGHT / 2.0 - b.top;
    }
    if b.bottom < -STAGE_HEIGHT / 2.0 {
        dy += -STAGE_HEIGHT / 2.0 - b.bottom;
    }
    (s.x + dx, s.y + dy)
}

/// rendered-target's `setSize` clamp: between about 5 pixels and 1.5 stage sizes for the current
/// costume of size `costume` (stage units). With an unknown costume size only the upper limit of
/// a 1×1 costume applies (Scratch's formula would also force at least 100%, which would be wrong
/// for a costume that is simply not measured).
pub(crate) fn clamp_size(size: f64, costume: Option<(f64, f64)>) -> f64 {
    let (min_scale, max_scale) = match costume {
        Some((w, h)) if w > 0.0 && h > 0.0 => {
            let min_scale = 1f64.min((5.0 / w).max(5.0 / h));
            let max_scale = (1.5 * STAGE_WIDTH / w).min(1.5 * STAGE_HEIGHT / h);
            (min_scale, max_scale)
        }
        _ => (0.0, 1.5 * STAGE_HEIGHT),
    };
    super::jsmath::clamp(size / 100.0, min_scale, max_scale) * 100.0
}

/// Colour conversions of scratch-vm's `util/color.js`.
pub(crate) mod color {
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Rgb {
        pub r: f64,
        pub g: f64,
        pub b: f64,
        /// `None` when the colour has no alpha (a `#rrggbb` colour).
        pub a: Option<f64>,
    }

    pub fn hsv_to_rgb(h: f64, s: f64, v: f64) -> Rgb {
        let mut h = h % 360.0;
        if h < 0.0 {
            h += 360.0;
        }
        let s = s.clamp(0.0, 1.0);
        let v = v.clamp(0.0, 1.0);
        let i = (h / 60.0).floor();
        let f = h / 60.0 - i;
        let p = v * (1.0 - s);
        let q = v * (1.0 - s * f);
        let t = v * (1.0 - s * (1.0 - f));
        let (r, g, b) = match i as i64 {
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            5 => (v, p, q),
            _ => (v, t, p),
        };
        Rgb {
            r: (r * 255.0).floor(),
            g: (g * 255.0).floor(),
            b: (b * 255.0).floor(),
            a: None,
        }
    }

    /// Returns (h in degrees, s 0…1, v 0…1).
    pub fn rgb_to_hsv(rgb: Rgb) -> (f64, f64, f64) {
        let r = rgb.r / 255.0;
        let g = rgb.g / 255.0;
        let b = rgb.b / 255.0;
        let x = r.min(g).min(b);
        let v = r.max(g).max(b);
        let mut h = 0.0;
        let mut s = 0.0;
        if x != v {
            let f = if r == x {
                g - b
            } else if g == x {
                b - r
            } else {
                r - g
            };
            let i = if r == x {
                3.0
            } else if g == x {
                5.0
            } else {
                1.0
            };
            h = ((i - f / (v - x)) * 60.0) % 360.0;
            s = (v - x) / v;
        }
        (h, s, v)
    }

    pub fn mix_rgb(c0: Rgb, c1: Rgb, fraction1: f64) -> Rgb {
        if fraction1 <= 0.0 {
            return c0;
        }
        if fraction1 >= 1.0 {
            return c1;
        }
        let f0 = 1.0 - fraction1;
        Rgb {
            r: f0 * c0.r + fraction1 * c1.r,
            g: f0 * c0.g + fraction1 * c1.g,
            b: f0 * c0.b + fraction1 * c1.b,
            a: None,
        }
    }

    /// `Color.hexToRgb`: `#rgb` or `#rrggbb` (the `#` is optional there, but callers check it).
    pub fn hex_to_rgb(hex: &str) -> Option<Rgb> {
        let h = hex.strip_prefix('#').unwrap_or(hex);
        let expanded: String;
        let h = if h.len() == 3 && h.chars().all(|c| c.is_ascii_hexdigit()) {
            expanded = h.chars().flat_map(|c| [c, c]).collect();
            &expanded[..]
        } else {
            h
        };
        if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).map(f64::from).ok();
        Some(Rgb {
            r: p(0)?,
            g: p(2)?,
            b: p(4)?,
            a: None,
        })
    }

    /// `Cast.toRgbColorObject`: `#rrggbb` (black when malformed) or a 0xAARRGGBB number.
    pub fn to_rgb_object(value: &crate::value::Value) -> Rgb {
        match value {
            crate::value::Value::Str(s) if s.starts_with('#') => hex_to_rgb(s).unwrap_or(Rgb {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                a: Some(255.0),
            }),
            other => decimal_to_rgb(other.to_number()),
        }
    }

    /// `Color.decimalToRgb`: 0xAARRGGBB, where an alpha of 0 means opaque.
    pub fn decimal_to_rgb(decimal: f64) -> Rgb {
        let d = super::super::jsmath::to_int32(decimal);
        let a = (d >> 24) & 0xff;
        Rgb {
            r: ((d >> 16) & 0xff) as f64,
            g: ((d >> 8) & 0xff) as f64,
            b: (d & 0xff) as f64,
            a: Some(if a > 0 { a as f64 } else { 255.0 }),
        }
    }

    pub const BLACK: Rgb = Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        a: None,
    };
    pub const WHITE: Rgb = Rgb {
        r: 255.0,
        g: 255.0,
        b: 255.0,
        a: None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn costume(w: f64, h: f64) -> CostumeDef {
        CostumeDef {
            name: "c".into(),
            file: None,
            rotation_center: Some((w / 2.0, h / 2.0)),
            bitmap_resolution: 1.0,
            size: Some((w, h)),
        }
    }

    #[test]
    fn bounds_turn_with_direction() {
        let mut s = SpriteState::from_def(1, &TargetDef::new("s", false));
        let c = costume(100.0, 50.0);
        let b = bounds_at(&s, Some(&c), 10.0, 0.0);
        assert_eq!(
            (b.left, b.right, b.bottom, b.top),
            (-40.0, 60.0, -25.0, 25.0)
        );
        s.direction = 0.0;
        let b = bounds_at(&s, Some(&c), 0.0, 0.0);
        assert!((b.left + 25.0).abs() < 1e-9 && (b.top - 50.0).abs() < 1e-9);
    }

    #[test]
    fn fencing_keeps_an_inset_on_stage() {
        let s = SpriteState::from_def(1, &TargetDef::new("s", false));
        let c = costume(100.0, 100.0);
        let aabb = bounds_at(&s, Some(&c), s.x, s.y);
        assert_eq!(fenced_position(&s, aabb, 1000.0, 0.0), (275.0, 0.0));
        let point = bounds_at(&s, None, s.x, s.y);
        assert_eq!(fenced_position(&s, point, -1000.0, 500.0), (-240.0, 180.0));
    }

    #[test]
    fn size_is_clamped_by_costume() {
        assert_eq!(clamp_size(1.0, Some((100.0, 100.0))), 5.0);
        assert_eq!(clamp_size(10_000.0, Some((100.0, 100.0))), 540.0);
    }

    #[test]
    fn colours() {
        let c = color::hsv_to_rgb(0.0, 1.0, 1.0);
        assert_eq!((c.r, c.g, c.b), (255.0, 0.0, 0.0));
        assert_eq!(
            color::rgb_to_hsv(color::Rgb {
                r: 0.0,
                g: 0.0,
                b: 255.0,
                a: None
            }),
            (240.0, 1.0, 1.0)
        );
        assert_eq!(
            color::hex_to_rgb("#f80").map(|c| (c.r, c.g, c.b)),
            Some((255.0, 136.0, 0.0))
        );
        assert_eq!(color::decimal_to_rgb(0xff0000 as f64).a, Some(255.0));
    }
}
