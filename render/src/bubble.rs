//! Speech and thought bubbles: scratch-render's `TextBubbleSkin` (look, wrapping, size) placed
//! as scratch-vm's `scratch3_looks._positionBubble` places it.
//!
//! A bubble is one small SVG document (the outline with its tail or thought circles, then the
//! wrapped lines) rendered by resvg at the output scale and kept in [`BubbleCache`]. Drawing
//! needs the `text` feature; where a bubble goes ([`bubble_bounds`], [`position_bubble`]) does
//! not, so a host that draws bubbles itself (the browser) places them by the same rules.

#[cfg(feature = "text")]
use std::collections::HashMap;
#[cfg(feature = "text")]
use std::sync::Arc;

#[cfg(feature = "text")]
use resvg::usvg;
#[cfg(feature = "text")]
use starling_runtime::io::BubbleKind;
#[cfg(feature = "text")]
use starling_runtime::stage::{BubbleView, Frame};
use starling_runtime::stage::{Drawable, Rect};
#[cfg(feature = "text")]
use tiny_skia::{Pixmap, PixmapMut};

#[cfg(feature = "text")]
use crate::text::{self, Style, TextCache};
use crate::transform::Placement;
use crate::Renderer;

#[cfg(feature = "text")]
/// scratch3_looks' `SAY_BUBBLE_LIMIT`: longer texts are cut (in UTF-16 units, as JavaScript's
/// `substr`). The VM already cuts them; this is a second guard.
pub(crate) const SAY_BUBBLE_LIMIT: usize = 330;

// TextBubbleSkin's `BubbleStyle`, in stage pixels.
#[cfg(feature = "text")]
const MAX_LINE_WIDTH: f32 = 170.0;
#[cfg(feature = "text")]
const MIN_WIDTH: f32 = 50.0;
#[cfg(feature = "text")]
const STROKE_WIDTH: f32 = 4.0;
#[cfg(feature = "text")]
const PADDING: f32 = 10.0;
#[cfg(feature = "text")]
const CORNER_RADIUS: f32 = 16.0;
#[cfg(feature = "text")]
const TAIL_HEIGHT: f32 = 12.0;
#[cfg(feature = "text")]
const FONT_HEIGHT_RATIO: f32 = 0.9;
#[cfg(feature = "text")]
const LINE_HEIGHT: f32 = 16.0;
#[cfg(feature = "text")]
const TEXT_STYLE: Style = Style {
    size: 14,
    bold: false,
    color: [0x57, 0x5E, 0x75],
};

/// How tall a slice at the top of the sprite `getBoundsForBubble` measures.
const TOP_SLICE: f64 = 8.0;

/// The stage's edges in stage coordinates.
const STAGE_LEFT: f64 = -(crate::STAGE_WIDTH as f64) / 2.0;
const STAGE_RIGHT: f64 = crate::STAGE_WIDTH as f64 / 2.0;
const STAGE_TOP: f64 = crate::STAGE_HEIGHT as f64 / 2.0;

#[cfg(feature = "text")]
/// Bounds on the caches.
const MAX_LAYOUTS: usize = 256;
#[cfg(feature = "text")]
const MAX_IMAGES: usize = 64;
#[cfg(feature = "text")]
const MAX_IMAGE_BYTES: usize = 48 << 20;
#[cfg(feature = "text")]
const MAX_SIDES: usize = 10_000;

#[cfg(feature = "text")]
/// A bubble's wrapped text and size, which do not depend on the scale or its side.
#[derive(Debug, Clone, PartialEq)]
struct Layout {
    lines: Vec<String>,
    /// The padded text area (TextBubbleSkin's `_textAreaSize`).
    padded: [f32; 2],
    /// The whole bubble with stroke and tail (the skin's `size`).
    size: [f32; 2],
}

#[cfg(feature = "text")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ImageKey {
    think: bool,
    text: String,
    points_left: bool,
    scale_bits: u32,
}

#[cfg(feature = "text")]
/// Rendered bubbles kept between frames, which side of its sprite each bubble is on, the
/// text measurements and rendered text that bubbles and monitors share, and the pictures of
/// the monitors.
#[derive(Default)]
pub(crate) struct BubbleCache {
    pub(crate) text: TextCache,
    layouts: HashMap<String, Arc<Layout>>,
    images: HashMap<ImageKey, (Arc<Pixmap>, u64)>,
    image_bytes: usize,
    /// scratch3_looks' `bubbleState.onSpriteRight` per sprite id: a bubble stays on the side it
    /// flipped to until it no longer fits there.
    on_right: HashMap<u32, bool>,
    /// The pictures of the monitors of the last frame.
    pub(crate) monitors: HashMap<crate::monitor::MonitorKey, (Pixmap, u64)>,
    /// Counts frames (bubbles and monitors each start one), for keeping what is in use.
    pub(crate) clock: u64,
}

#[cfg(feature = "text")]
/// Draws the frame's bubbles on `target`, which covers the stage at `scale` pixels per unit.
pub(crate) fn draw_bubbles(r: &mut Renderer, target: &mut PixmapMut, frame: &Frame, scale: f32) {
    if frame.bubbles.is_empty() {
        return;
    }
    let opts = text::usvg_options(&r.fonts);
    draw_bubbles_with(r, target, frame, scale, &opts);
}

#[cfg(feature = "text")]
fn draw_bubbles_with(
    r: &mut Renderer,
    target: &mut PixmapMut,
    frame: &Frame,
    scale: f32,
    opts: &usvg::Options<'static>,
) {
    if !(scale.is_finite() && scale > 0.0) {
        return;
    }
    // The sprite bounds need the whole renderer; measure them first.
    let speakers: Vec<(&BubbleView, &Drawable, Rect)> = frame
        .bubbles
        .iter()
        .filter_map(|b| Some((b, frame.sprites.iter().find(|d| d.id == b.id)?)))
        .map(|(b, d)| (b, d, bubble_bounds(r, d)))
        .collect();
    let cache = &mut r.bubbles;
    cache.begin(&opts.fontdb);
    for (bubble, sprite, bounds) in speakers {
        let text = truncate_utf16(&bubble.text, SAY_BUBBLE_LIMIT);
        if text.is_empty() {
            continue;
        }
        let layout = cache.layout(&opts.fontdb, text);
        let size = [layout.size[0] as f64, layout.size[1] as f64];
        let was_right = cache.on_right.get(&sprite.id).copied().unwrap_or(true);
        let (x, y, on_right) = position_bubble(size, &bounds, was_right);
        if cache.on_right.len() >= MAX_SIDES {
            cache.on_right.clear();
        }
        cache.on_right.insert(sprite.id, on_right);
        let think = matches!(bubble.kind, BubbleKind::Think);
        // scratch3_looks passes `onSpriteRight` as the skin's `pointsLeft`: a bubble on the
        // sprite's right has its tail on its left, towards the sprite.
        let Some(image) = cache.image(opts, text, &layout, think, on_right, scale) else {
            continue;
        };
        let px = ((x - STAGE_LEFT) * scale as f64).round();
        let py = ((STAGE_TOP - y) * scale as f64).round();
        text::blit(target, &image, px as i32, py as i32, None);
    }
    // Forget the sides of sprites that are gone (clones deleted), keeping hidden ones' state
    // only as long as they are in the frame.
    cache
        .on_right
        .retain(|id, _| frame.sprites.iter().any(|d| d.id == *id));
}

#[cfg(feature = "text")]
impl BubbleCache {
    /// Starts a frame drawn with the fonts in `db`.
    pub(crate) fn begin(&mut self, db: &Arc<usvg::fontdb::Database>) {
        self.clock += 1;
        if self.text.begin(db) {
            self.layouts.clear();
            self.images.clear();
            self.image_bytes = 0;
            self.monitors.clear();
        }
    }

    fn layout(&mut self, db: &usvg::fontdb::Database, text: &str) -> Arc<Layout> {
        if let Some(layout) = self.layouts.get(text) {
            return layout.clone();
        }
        let layout = Arc::new(layout_bubble(&mut self.text, db, text));
        if self.layouts.len() >= MAX_LAYOUTS {
            self.layouts.clear();
        }
        self.layouts.insert(text.to_string(), layout.clone());
        layout
    }

    fn image(
        &mut self,
        opts: &usvg::Options<'static>,
        text: &str,
        layout: &Layout,
        think: bool,
        points_left: bool,
        scale: f32,
    ) -> Option<Arc<Pixmap>> {
        let key = ImageKey {
            think,
            text: text.to_string(),
            points_left,
            scale_bits: scale.to_bits(),
        };
        if let Some((image, used)) = self.images.get_mut(&key) {
            *used = self.clock;
            return Some(image.clone());
        }
        let image = Arc::new(render_bubble(opts, layout, think, points_left, scale)?);
        self.image_bytes += image.data().len();
        self.images.insert(key, (image.clone(), self.clock));
        while self.images.len() > MAX_IMAGES || self.image_bytes > MAX_IMAGE_BYTES {
            // Drop the least recently used bubble, never one drawn in this frame.
            let Some(oldest) = self
                .images
                .iter()
                .filter(|(_, (_, used))| *used != self.clock)
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((dropped, _)) = self.images.remove(&oldest) {
                self.image_bytes -= dropped.data().len();
            }
        }
        Some(image)
    }
}

#[cfg(feature = "text")]
/// The start of `s` that is at most `limit` UTF-16 units long, without splitting a character.
fn truncate_utf16(s: &str, limit: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > limit {
            return &s[..i];
        }
    }
    s
}

#[cfg(feature = "text")]
/// TextBubbleSkin's `_reflowLines`: the wrapped lines and the bubble's size.
fn layout_bubble(cache: &mut TextCache, db: &usvg::fontdb::Database, text: &str) -> Layout {
    // Every character can make a line (newlines), so this never cuts a 330-character text.
    let lines = cache.wrap(db, text, MAX_LINE_WIDTH, TEXT_STYLE, SAY_BUBBLE_LIMIT + 1);
    let longest = lines.iter().map(|l| l.width).fold(0.0, f32::max);
    let padded = [
        longest.max(MIN_WIDTH) + PADDING * 2.0,
        LINE_HEIGHT * lines.len() as f32 + PADDING * 2.0,
    ];
    Layout {
        lines: lines.into_iter().map(|l| l.text).collect(),
        padded,
        size: [
            padded[0] + STROKE_WIDTH,
            padded[1] + STROKE_WIDTH + TAIL_HEIGHT,
        ],
    }
}

/// The bounds `_positionBubble` places a bubble against: scratch-render's `getBoundsForBubble`,
/// the box around the top 8 units of the sprite's convex hull. Falls back to the sprite's
/// bounds, then to its costume's box, then to its position.
pub(crate) fn bubble_bounds(r: &mut Renderer, d: &Drawable) -> Rect {
    let finite = |b: &Rect| {
        b.left.is_finite() && b.right.is_finite() && b.top.is_finite() && b.bottom.is_finite()
    };
    let mut placement = None;
    if let Some(skin) = r.skin(d.target, d.costume) {
        let p = Placement::new(d, skin.size, skin.rotation_center);
        placement = Some(p);
        let points: Vec<(f64, f64)> = skin
            .hull
            .iter()
            .map(|h| p.skin_to_stage(h[0], h[1]))
            .collect();
        let top = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        let slice = p.bounds_of(
            skin.hull
                .iter()
                .copied()
                .zip(&points)
                .filter(|(_, s)| s.1 > top - TOP_SLICE)
                .map(|(h, _)| h),
        );
        if finite(&slice) {
            return slice;
        }
    }
    if let Some(b) = crate::touch::bounds(r, d).filter(finite) {
        return b;
    }
    if let Some(b) = placement.map(|p| p.aabb()).filter(finite) {
        return b;
    }
    let x = if d.x.is_finite() { d.x } else { 0.0 };
    let y = if d.y.is_finite() { d.y } else { 0.0 };
    Rect {
        left: x,
        right: x,
        bottom: y,
        top: y,
    }
}

/// scratch3_looks' `_positionBubble`: a bubble of `size` goes on the right of the sprite's top
/// (`on_right`, its side so far), flips to the other side when it would leave the stage there
/// and fits on the other side, and is kept inside the stage's left, right and top edges.
/// Returns the bubble's top-left corner in stage coordinates (whole units, as scratch-render
/// rounds drawable positions) and its side.
pub fn position_bubble(size: [f64; 2], b: &Rect, on_right: bool) -> (f64, f64, bool) {
    let [width, height] = size;
    let on_right = if on_right && width + b.right > STAGE_RIGHT && b.left - width > STAGE_LEFT {
        false
    } else if !on_right && b.left - width < STAGE_LEFT && width + b.right < STAGE_RIGHT {
        true
    } else {
        on_right
    };
    let x = if on_right {
        STAGE_LEFT.max((STAGE_RIGHT - width).min(b.right))
    } else {
        (STAGE_RIGHT - width).min(STAGE_LEFT.max(b.left - width))
    };
    let y = STAGE_TOP.min(b.bottom + height);
    (x.round(), y.round(), on_right)
}

#[cfg(feature = "text")]
/// TextBubbleSkin's `_renderTextBubble` as an SVG document, rendered at `scale`. Only the top
/// 360 units of a taller bubble are drawn: its top is never above the stage, so the rest is
/// below the stage's bottom edge.
fn render_bubble(
    opts: &usvg::Options<'static>,
    layout: &Layout,
    think: bool,
    points_left: bool,
    scale: f32,
) -> Option<Pixmap> {
    let [w, h] = layout.padded;
    let visible_height = layout.size[1].min(crate::STAGE_HEIGHT as f32 + 1.0);
    let width_px = (layout.size[0] * scale).ceil() as u32;
    let height_px = (visible_height * scale).ceil() as u32;
    let mut svg = text::svg_start(layout.size[0], visible_height);
    let half = STROKE_WIDTH / 2.0;
    svg.push_str(&format!(r#"<g transform="translate({half} {half})">"#));
    let flip = if points_left {
        format!(r#" transform="matrix(-1 0 0 1 {w} 0)""#)
    } else {
        String::new()
    };
    svg.push_str(&format!(
        r##"<path d="{}"{flip} fill="#ffffff" stroke="#000000" stroke-opacity="0.15" stroke-width="{STROKE_WIDTH}" stroke-linejoin="miter" paint-order="stroke"/>"##,
        bubble_path(w, h, think)
    ));
    let size = TEXT_STYLE.size as f32;
    for (i, line) in layout.lines.iter().enumerate() {
        let baseline = PADDING + LINE_HEIGHT * i as f32 + FONT_HEIGHT_RATIO * size;
        if baseline - size > visible_height {
            break;
        }
        if !line.trim().is_empty() {
            svg.push_str(&text::text_element(
                PADDING, baseline, line, TEXT_STYLE, false,
            ));
        }
    }
    svg.push_str("</g></svg>");
    text::render_svg(&svg, opts, width_px, height_px, scale)
}

#[cfg(feature = "text")]
/// The bubble's outline in its canvas coordinates (`w` × `h` is the padded text area): the
/// rounded rectangle drawn with `arcTo`, then the say tail or the thought circles, which hang
/// below its bottom edge near the right corner.
fn bubble_path(w: f32, h: f32, think: bool) -> String {
    let r = CORNER_RADIUS;
    let mut d = format!(
        "M {r} {h} A {r} {r} 0 0 1 0 {} L 0 {r} A {r} {r} 0 0 1 {r} 0 L {} 0 A {r} {r} 0 0 1 {w} {r} \
         L {w} {} A {r} {r} 0 0 1 {} {h}",
        h - r,
        w - r,
        h - r,
        w - r,
    );
    // The tail is drawn relative to (w − r, h), where the outline ends.
    let (ox, oy) = (w - r, h);
    let p = |x: f32, y: f32| format!("{} {}", ox + x, oy + y);
    if think {
        // A half circle on the bottom edge, then two small circles below it.
        d.push_str(&format!(
            " L {} A 4 4 0 0 1 {} Z",
            p(-12.0, 0.0),
            p(-20.0, 0.0)
        ));
        d.push_str(&format!(
            " M {} A 2.25 2.25 0 1 1 {} A 2.25 2.25 0 1 1 {} Z",
            p(-7.0, 7.25),
            p(-11.5, 7.25),
            p(-7.0, 7.25)
        ));
        d.push_str(&format!(
            " M {} A 1.5 1.5 0 1 1 {} A 1.5 1.5 0 1 1 {} Z",
            p(0.0, 9.5),
            p(-3.0, 9.5),
            p(0.0, 9.5)
        ));
    } else {
        // One swoopy tail.
        d.push_str(&format!(
            " C {} {} {} A 2 2 0 0 1 {} C {} {} {} Z",
            p(0.0, 4.0),
            p(4.0, 8.0),
            p(4.0, 10.0),
            p(2.0, 12.0),
            p(-1.0, 12.0),
            p(-11.0, 8.0),
            p(-16.0, 0.0)
        ));
    }
    d
}

#[cfg(all(test, feature = "text"))]
mod tests {
    use super::*;
    use crate::text::tests::options_with_some_font;
    use crate::Skin;
    use starling_runtime::program::RotationStyle;

    const WHITE: [u8; 4] = [255, 255, 255, 255];

    fn sprite(id: u32, x: f64, y: f64) -> Drawable {
        Drawable {
            id,
            target: 1,
            costume: 0,
            x,
            y,
            direction: 90.0,
            size: 100.0,
            rotation_style: RotationStyle::AllAround,
            effects: [0.0; 7],
            visible: true,
        }
    }

    /// A renderer whose sprite target has one 40×40 opaque square costume, centred.
    fn renderer() -> Renderer {
        let mut r = Renderer::new();
        let mut pixmap = Pixmap::new(40, 40).unwrap();
        pixmap.fill(tiny_skia::Color::from_rgba8(0, 0, 255, 255));
        r.skins = vec![
            vec![Skin::empty()],
            vec![Skin::from_pixmap(pixmap, 1.0, None)],
        ];
        r
    }

    fn frame(sprites: Vec<Drawable>, bubbles: Vec<(u32, BubbleKind, &str)>) -> Frame {
        let mut stage = sprite(0, 0.0, 0.0);
        stage.target = 0;
        Frame {
            stage,
            sprites,
            bubbles: bubbles
                .into_iter()
                .map(|(id, kind, text)| BubbleView {
                    id,
                    kind,
                    text: text.to_string(),
                })
                .collect(),
            monitors: Vec::new(),
        }
    }

    fn draw(r: &mut Renderer, f: &Frame, scale: f32, opts: &usvg::Options<'static>) -> Pixmap {
        let (w, h) = (
            (crate::STAGE_WIDTH as f32 * scale) as u32,
            (crate::STAGE_HEIGHT as f32 * scale) as u32,
        );
        let mut pixmap = Pixmap::new(w, h).unwrap();
        draw_bubbles_with(r, &mut pixmap.as_mut(), f, scale, opts);
        pixmap
    }

    fn pixel(p: &Pixmap, x: u32, y: u32) -> [u8; 4] {
        let c = p.pixel(x, y).unwrap();
        [c.red(), c.green(), c.blue(), c.alpha()]
    }

    /// The box of the pixels that are drawn, in stage coordinates (left, right, bottom, top).
    fn drawn_box(p: &Pixmap, scale: f32) -> Option<(f64, f64, f64, f64)> {
        let w = p.width() as usize;
        let mut b: Option<(usize, usize, usize, usize)> = None;
        for (i, _) in p.pixels().iter().enumerate().filter(|(_, c)| c.alpha() > 0) {
            let (x, y) = (i % w, i / w);
            let (l, r, t, bo) = b.unwrap_or((x, x, y, y));
            b = Some((l.min(x), r.max(x + 1), t.min(y), bo.max(y + 1)));
        }
        let s = scale as f64;
        b.map(|(l, r, t, bo)| {
            (
                l as f64 / s + STAGE_LEFT,
                r as f64 / s + STAGE_LEFT,
                STAGE_TOP - bo as f64 / s,
                STAGE_TOP - t as f64 / s,
            )
        })
    }

    /// Whether the drawn pixels in the bottom 6 units of a bubble (its tail or thought circles)
    /// are right of its middle (at scale 1).
    fn tail_is_on_the_right(p: &Pixmap, (left, right, bottom, _): (f64, f64, f64, f64)) -> bool {
        let middle = ((left + right) / 2.0 - STAGE_LEFT) as u32;
        let bottom = (STAGE_TOP - bottom) as u32;
        let count = |xs: std::ops::Range<u32>| {
            (bottom - 6..bottom)
                .flat_map(|y| xs.clone().map(move |x| (x, y)))
                .filter(|&(x, y)| p.pixel(x, y).is_some_and(|c| c.alpha() > 0))
                .count()
        };
        let (l, r) = ((left - STAGE_LEFT) as u32, (right - STAGE_LEFT) as u32);
        count(middle..r) > 0 && count(l..middle) == 0
    }

    #[test]
    fn bubble_size_follows_text_bubble_skin() {
        let opts = options_with_some_font();
        let mut cache = BubbleCache::default();
        cache.begin(&opts.fontdb);
        let short = cache.layout(&opts.fontdb, "Hi");
        assert_eq!(short.lines, ["Hi"]);
        // Minimum width 50 + padding + stroke; one line + padding + stroke + tail.
        assert_eq!(short.size, [50.0 + 20.0 + 4.0, 16.0 + 20.0 + 4.0 + 12.0]);
        let long = cache.layout(&opts.fontdb, &"Hello there! ".repeat(10));
        assert!(long.lines.len() >= 3);
        assert!(long.size[0] <= MAX_LINE_WIDTH + 24.0);
        assert_eq!(
            long.size[1],
            16.0 * long.lines.len() as f32 + 20.0 + 4.0 + 12.0
        );
    }

    #[test]
    fn placement_follows_position_bubble() {
        let bounds = |l, r, b, t| Rect {
            left: l,
            right: r,
            bottom: b,
            top: t,
        };
        // In the middle: on the right of the sprite, its bottom on the top slice's bottom.
        let (x, y, right) = position_bubble([74.0, 52.0], &bounds(-20.0, 20.0, 12.0, 20.0), true);
        assert_eq!((x, y, right), (20.0, 64.0, true));
        // Near the right edge: flipped to the left of the sprite.
        let (x, _, right) = position_bubble([74.0, 52.0], &bounds(180.0, 220.0, 12.0, 20.0), true);
        assert_eq!((x, right), (180.0 - 74.0, false));
        // Once on the left, it stays there while it fits...
        let (x, _, right) = position_bubble([74.0, 52.0], &bounds(-20.0, 20.0, 12.0, 20.0), false);
        assert_eq!((x, right), (-94.0, false));
        // ...and comes back when it does not.
        let (x, _, right) =
            position_bubble([74.0, 52.0], &bounds(-230.0, -190.0, 12.0, 20.0), false);
        assert_eq!((x, right), (-190.0, true));
        // Too wide for either side: stays on its side, clamped inside the stage.
        let (x, _, right) = position_bubble([194.0, 52.0], &bounds(-100.0, 100.0, 0.0, 8.0), true);
        assert_eq!((x, right), (240.0 - 194.0, true));
        // Never above the top edge.
        let (_, y, _) = position_bubble([74.0, 52.0], &bounds(-20.0, 20.0, 170.0, 178.0), true);
        assert_eq!(y, 180.0);
    }

    #[test]
    fn bubble_near_the_right_edge_flips_left_and_is_drawn_there() {
        let opts = options_with_some_font();
        let mut r = renderer();
        let f = frame(
            vec![sprite(7, 200.0, 0.0)],
            vec![(7, BubbleKind::Say, "Hello!")],
        );
        let p = draw(&mut r, &f, 1.0, &opts);
        let (left, right, bottom, top) = drawn_box(&p, 1.0).unwrap();
        // The sprite covers x 180…220, y −20…20; the bubble ends at its left edge, with its
        // bottom on the bottom of the hull points in the top slice (the square's top corners),
        // the tail on its right, towards the sprite.
        assert!((right - 180.0).abs() <= 1.0, "{right}");
        assert!(tail_is_on_the_right(&p, (left, right, bottom, top)));
        assert!((left - (180.0 - 74.0)).abs() <= 1.0, "{left}");
        assert!(
            (bottom - 20.0).abs() <= 1.0 && (top - 72.0).abs() <= 1.0,
            "{bottom} {top}"
        );
        assert!(!r.bubbles.on_right[&7]);
        // The bubble's inside is white.
        assert_eq!(
            pixel(&p, (left + 240.0 + 10.0) as u32, (180.0 - top + 8.0) as u32),
            WHITE
        );
        // In the middle of the stage it is on the right (a new sprite id starts on the right).
        let f = frame(
            vec![sprite(8, 0.0, 0.0)],
            vec![(8, BubbleKind::Think, "Hmm")],
        );
        let p = draw(&mut r, &f, 1.0, &opts);
        let drawn = drawn_box(&p, 1.0).unwrap();
        assert!((drawn.0 - 20.0).abs() <= 1.0, "{drawn:?}");
        assert!(!tail_is_on_the_right(&p, drawn));
        assert!(
            !r.bubbles.on_right.contains_key(&7),
            "gone sprites are forgotten"
        );
    }

    #[test]
    fn bubbles_stay_inside_the_stage() {
        let opts = options_with_some_font();
        let mut r = renderer();
        let long = "Scratch bubbles wrap long sentences onto several lines. ".repeat(4);
        for (x, y) in [
            (-240.0, 180.0),
            (240.0, 180.0),
            (-240.0, -180.0),
            (240.0, -180.0),
            (0.0, 170.0),
            (1e9, -1e9),
            (f64::NAN, f64::INFINITY),
        ] {
            for text in ["Hi", long.as_str()] {
                for scale in [1.0, 2.0] {
                    let f = frame(vec![sprite(1, x, y)], vec![(1, BubbleKind::Say, text)]);
                    let p = draw(&mut r, &f, scale, &opts);
                    let drawn = drawn_box(&p, scale);
                    // Drawn inside the left, right and top edges (the pixmap clips the rest,
                    // so check the position the bubble was placed at too).
                    let layout = r.bubbles.layout(&opts.fontdb, text);
                    let bounds = bubble_bounds(&mut r, &f.sprites[0]);
                    let (bx, by, _) = position_bubble(
                        [layout.size[0] as f64, layout.size[1] as f64],
                        &bounds,
                        true,
                    );
                    // (Positions are whole units, as in scratch-render: half a unit over at most.)
                    assert!(
                        bx >= -240.0 && bx + layout.size[0] as f64 <= 240.5,
                        "{x} {y}"
                    );
                    assert!(by <= 180.0, "{x} {y}");
                    if let Some((left, right, _, top)) = drawn {
                        assert!(left >= -240.0 && right <= 240.5 && top <= 180.0);
                    } else {
                        // Only a sprite far below the stage (which the VM's fencing prevents)
                        // has its bubble out of sight: like Scratch, the bottom is not clamped.
                        assert!(y < -1e6, "no bubble drawn for {x} {y}");
                    }
                }
            }
        }
    }

    #[test]
    fn odd_texts_do_not_panic() {
        let opts = options_with_some_font();
        let mut r = renderer();
        let huge = "x".repeat(10_000);
        let newlines = "\n".repeat(10_000);
        let lines = "a\n".repeat(5_000);
        let emoji = "😀👍🏽👨‍👩‍👧‍👦🇨🇳".repeat(100);
        let mixed = "<svg>&amp; \"quotes\" 'single' \u{0}\u{7}\t\r\n\u{FFFF}\u{202E}עברית 中文";
        for text in [
            "",
            " ",
            huge.as_str(),
            newlines.as_str(),
            lines.as_str(),
            emoji.as_str(),
            mixed,
        ] {
            for (kind, scale) in [
                (BubbleKind::Say, 1.0),
                (BubbleKind::Think, 1.0),
                (BubbleKind::Say, 0.25),
                (BubbleKind::Think, 2.0),
            ] {
                let f = frame(vec![sprite(3, 0.0, 0.0)], vec![(3, kind, text)]);
                draw(&mut r, &f, scale, &opts);
            }
        }
        // The largest scale (slow in debug builds, so once).
        let f = frame(
            vec![sprite(3, 0.0, 0.0)],
            vec![(3, BubbleKind::Think, mixed)],
        );
        assert!(drawn_box(&draw(&mut r, &f, 8.0, &opts), 8.0).is_some());
        // 330 one-character lines: as tall as the stage is drawn, no more.
        let f = frame(
            vec![sprite(3, 0.0, 0.0)],
            vec![(3, BubbleKind::Say, &lines)],
        );
        let p = draw(&mut r, &f, 1.0, &opts);
        assert!(drawn_box(&p, 1.0).is_some());
        let layout = r
            .bubbles
            .layout(&opts.fontdb, truncate_utf16(&lines, SAY_BUBBLE_LIMIT));
        assert_eq!(layout.lines.len(), SAY_BUBBLE_LIMIT / 2);
        // A speaker that is not in the frame, a bad scale: nothing, quietly.
        let f = frame(vec![], vec![(3, BubbleKind::Say, "hi")]);
        assert!(drawn_box(&draw(&mut r, &f, 1.0, &opts), 1.0).is_none());
        let f = frame(vec![sprite(3, 0.0, 0.0)], vec![(3, BubbleKind::Say, "hi")]);
        let mut p = Pixmap::new(4, 4).unwrap();
        draw_bubbles_with(&mut r, &mut p.as_mut(), &f, f32::NAN, &opts);
        // The caches stay bounded.
        for i in 0..MAX_IMAGES + 8 {
            let text = format!("{i}");
            let f = frame(vec![sprite(3, 0.0, 0.0)], vec![(3, BubbleKind::Say, &text)]);
            draw(&mut r, &f, 1.0, &opts);
        }
        assert!(r.bubbles.images.len() <= MAX_IMAGES);
        assert!(r.bubbles.layouts.len() <= MAX_LAYOUTS);
    }

    #[test]
    fn limits_in_utf16_units() {
        assert_eq!(truncate_utf16("abc", 2), "ab");
        assert_eq!(truncate_utf16("a😀b", 2), "a");
        assert_eq!(truncate_utf16("a😀b", 3), "a😀");
        assert_eq!(truncate_utf16("", 330), "");
    }

    /// Writes bubbles drawn at scale 2 to the folder in `STARLING_RENDER_PNG_DIR`, for people
    /// to look at; without it the same bubbles are only drawn.
    #[test]
    fn bubble_pictures() {
        let opts = options_with_some_font();
        let mut r = renderer();
        let f = frame(
            vec![
                sprite(1, -150.0, 60.0),
                sprite(2, 200.0, 100.0),
                sprite(3, -60.0, -120.0),
                sprite(4, 120.0, -100.0),
            ],
            vec![
                (
                    1,
                    BubbleKind::Say,
                    "Hello! I am a speech bubble that wraps long text.",
                ),
                (2, BubbleKind::Think, "Hmm… on the left?"),
                (3, BubbleKind::Say, "你好，世界！我会说中文。"),
                (4, BubbleKind::Think, "Line one\nLine two\n\n<&> 😀"),
            ],
        );
        let mut p = draw(&mut r, &f, 2.0, &opts);
        if let Some(dir) = std::env::var_os("STARLING_RENDER_PNG_DIR") {
            // Sprites as squares under the bubbles, on a light backdrop, to see the placement.
            let mut stage = Pixmap::new(p.width(), p.height()).unwrap();
            stage.fill(tiny_skia::Color::from_rgba8(230, 240, 250, 255));
            let mut paint = tiny_skia::Paint::default();
            paint.set_color_rgba8(80, 120, 255, 255);
            for d in &f.sprites {
                let rect = tiny_skia::Rect::from_xywh(
                    ((d.x - 20.0 + 240.0) * 2.0) as f32,
                    ((180.0 - d.y - 20.0) * 2.0) as f32,
                    80.0,
                    80.0,
                )
                .unwrap();
                stage.fill_rect(rect, &paint, tiny_skia::Transform::identity(), None);
            }
            stage.draw_pixmap(
                0,
                0,
                p.as_ref(),
                &tiny_skia::PixmapPaint::default(),
                tiny_skia::Transform::identity(),
                None,
            );
            p = stage;
            let path = std::path::Path::new(&dir).join("bubbles.png");
            p.save_png(&path).unwrap();
        }
    }
}
