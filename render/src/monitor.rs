//! Monitors: variable readouts (normal, large, slider) and list monitors, drawn as scratch-gui
//! draws them (`components/monitor/*.jsx` and `monitor.css`; colours from `css/colors.css` and
//! the default theme's block colours). Sizes are CSS pixels on a 480×360 stage, which are stage
//! pixels here; the player shows monitors without their editing controls.

use resvg::usvg;
use starling_runtime::stage::{Frame, MonitorMode, MonitorValue, MonitorView};
use tiny_skia::{FillRule, Paint, Path, PathBuilder, Pixmap, PixmapMut, Stroke, Transform};

use crate::text::{self, Style, TextCache};
use crate::Renderer;

// Colours.
const UI_PRIMARY: [u8; 4] = [0xE5, 0xF0, 0xFF, 0xFF];
const UI_WHITE: [u8; 4] = [0xFF, 0xFF, 0xFF, 0xFF];
/// `$ui-black-transparent`, the colour of every border: black at 15%.
const BORDER_COLOR: [u8; 4] = [0, 0, 0, 38];
const TEXT_PRIMARY: [u8; 3] = [0x57, 0x5E, 0x75];
const WHITE: [u8; 3] = [0xFF, 0xFF, 0xFF];
/// The data category's colour: variable values.
pub(crate) const DATA_PRIMARY: [u8; 4] = [0xFF, 0x8C, 0x1A, 0xFF];
/// The list category's colour (`data_lists`): list items.
pub(crate) const LIST_PRIMARY: [u8; 4] = [0xFF, 0x66, 0x1A, 0xFF];
// The slider is an unstyled `<input type="range">`; these are Chrome's colours for it.
const SLIDER_ACCENT: [u8; 4] = [0x00, 0x75, 0xFF, 0xFF];
const SLIDER_TRACK: [u8; 4] = [0xEF, 0xEF, 0xEF, 0xFF];
const SLIDER_TRACK_BORDER: [u8; 4] = [0xB2, 0xB2, 0xB2, 0xFF];

// Layout, in stage pixels.
/// `.monitor-container`: a 1px border, corners of `$space / 2`.
const BORDER: f32 = 1.0;
const RADIUS: f32 = 4.0;
/// `.default-monitor` padding; `.label` and `.value` margins.
const PADDING: f32 = 3.0;
const MARGIN: f32 = 5.0;
/// `.value`: at least 40 wide, 2 of padding left and right.
const VALUE_MIN_WIDTH: f32 = 40.0;
const VALUE_PADDING: f32 = 2.0;
/// The line height of the 12px text (`normal` is about 1.15 em in Helvetica).
const LINE: f32 = 14.0;
/// `.large-value`: 16px text, min 3rem × 1.4rem, padding 0.1rem 0.25rem.
const LARGE_LINE: f32 = 18.0;
const LARGE_MIN_WIDTH: f32 = 48.0;
const LARGE_MIN_HEIGHT: f32 = 22.4;
const LARGE_PADDING_X: f32 = 4.0;
const LARGE_PADDING_Y: f32 = 1.6;
/// The slider's row: a 16px tall range input with 2px margins; its track and thumb.
const SLIDER_ROW: f32 = 20.0;
const SLIDER_MARGIN: f32 = 2.0;
const SLIDER_TRACK_HEIGHT: f32 = 4.0;
const SLIDER_THUMB_RADIUS: f32 = 8.0;
/// List monitors: the default size (scratch-gui's `ListMonitor` container), the header with its
/// bottom border and the footer, react-virtualized rows of 24 with 22 tall cells.
const LIST_DEFAULT_WIDTH: f32 = 100.0;
const LIST_DEFAULT_HEIGHT: f32 = 200.0;
const LIST_HEADER: f32 = 20.0;
const LIST_FOOTER: f32 = 20.0;
const LIST_ROW: f32 = 24.0;
const LIST_CELL: f32 = 22.0;
/// `.list-row` padding and `.list-index`/`.list-value` margins; `.value-inner` padding.
const ROW_PADDING: f32 = 2.0;
const CELL_MARGIN: f32 = 3.0;
const CELL_PADDING_X: f32 = 5.0;
/// `.list-empty` padding.
const EMPTY_PADDING: f32 = 5.0;

/// No more lines of a wrapped value than fit on the stage.
const MAX_VALUE_LINES: usize = 26;
/// More rows than a list monitor as tall as the stage shows.
const MAX_LIST_ROWS: usize = 16;
/// A monitor whose picture is bigger than this is drawn every frame instead of kept.
const MAX_MONITOR_BYTES: usize = 16 << 20;
/// Monitors further than this outside the stage are not drawn.
const FAR_AWAY: f64 = 10_000.0;

const LABEL: Style = Style {
    size: 12,
    bold: true,
    color: TEXT_PRIMARY,
};
const VALUE: Style = Style {
    size: 12,
    bold: false,
    color: WHITE,
};
const LARGE_VALUE: Style = Style {
    size: 16,
    bold: false,
    color: WHITE,
};
const EMPTY: Style = Style {
    size: 12,
    bold: false,
    color: TEXT_PRIMARY,
};

/// Draws the frame's monitors on `target`, which covers the stage at `scale` pixels per unit.
pub(crate) fn draw_monitors(r: &mut Renderer, target: &mut PixmapMut, frame: &Frame, scale: f32) {
    if frame.monitors.is_empty() {
        return;
    }
    let opts = text::usvg_options(&r.fonts);
    draw_monitors_with(r, target, &frame.monitors, scale, &opts);
}

fn draw_monitors_with(
    r: &mut Renderer,
    target: &mut PixmapMut,
    monitors: &[MonitorView],
    scale: f32,
    opts: &usvg::Options<'static>,
) {
    if !(scale.is_finite() && scale > 0.0) {
        return;
    }
    let cache = &mut r.bubbles;
    cache.begin(&opts.fontdb);
    let clock = cache.clock;
    for m in monitors {
        if !(m.x.is_finite() && m.y.is_finite()) || m.x.abs() > FAR_AWAY || m.y.abs() > FAR_AWAY {
            continue;
        }
        let origin = ((m.x as f32 * scale).round(), (m.y as f32 * scale).round());
        let key = MonitorKey::new(m, scale);
        if let Some((image, used)) = cache.monitors.get_mut(&key) {
            *used = clock;
            text::blit(target, image, origin.0 as i32, origin.1 as i32, None);
            continue;
        }
        // Measure, then draw the monitor on its own pixmap and keep it for the next frames;
        // one too big to keep is drawn straight onto the stage.
        let x = m.x as f32;
        let [w, h] = paint_monitor(
            &mut Painter {
                target: None,
                text: &mut cache.text,
                opts,
                scale,
                origin: (0.0, 0.0),
                x,
            },
            m,
        );
        let (w, h) = ((w * scale).ceil(), (h * scale).ceil());
        let image = (w * h * 4.0 <= MAX_MONITOR_BYTES as f32)
            .then(|| Pixmap::new(w as u32, h as u32))
            .flatten();
        match image {
            Some(mut image) => {
                paint_monitor(
                    &mut Painter {
                        target: Some(&mut image.as_mut()),
                        text: &mut cache.text,
                        opts,
                        scale,
                        origin: (0.0, 0.0),
                        x,
                    },
                    m,
                );
                text::blit(target, &image, origin.0 as i32, origin.1 as i32, None);
                cache.monitors.insert(key, (image, clock));
            }
            None => {
                paint_monitor(
                    &mut Painter {
                        target: Some(target),
                        text: &mut cache.text,
                        opts,
                        scale,
                        origin,
                        x,
                    },
                    m,
                );
            }
        }
    }
    // Only the monitors of this frame are kept.
    cache.monitors.retain(|_, (_, used)| *used == clock);
}

/// Draws a monitor (or only measures it, without a target) and returns its size.
fn paint_monitor(p: &mut Painter, m: &MonitorView) -> [f32; 2] {
    match (&m.mode, &m.value) {
        (MonitorMode::List, MonitorValue::List(items)) => {
            draw_list(p, &m.label, items, m.width, m.height).0
        }
        (MonitorMode::List, MonitorValue::Scalar(s)) => {
            draw_list(p, &m.label, std::slice::from_ref(s), m.width, m.height).0
        }
        (mode, value) => {
            let joined;
            let value = match value {
                MonitorValue::Scalar(s) => s.as_str(),
                MonitorValue::List(items) => {
                    joined = items.join(" ");
                    joined.as_str()
                }
            };
            match *mode {
                MonitorMode::Large => draw_large(p, value),
                MonitorMode::Slider { min, max, discrete } => {
                    draw_normal(p, &m.label, value, Some((min, max, discrete)))
                }
                _ => draw_normal(p, &m.label, value, None),
            }
        }
    }
}

/// What a monitor's picture depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MonitorKey {
    label: String,
    /// Normal, large, slider (with its bits) or list.
    mode: (u8, u64, u64, bool),
    /// A scalar's text, or a list's length and the items that can be shown.
    value: Result<String, (usize, Vec<String>)>,
    /// Position (how much room a value has to grow) and size, as bits.
    x: u64,
    size: (u64, u64),
    scale: u32,
}

impl MonitorKey {
    fn new(m: &MonitorView, scale: f32) -> MonitorKey {
        let mode = match m.mode {
            MonitorMode::Normal => (0, 0, 0, false),
            MonitorMode::Large => (1, 0, 0, false),
            MonitorMode::Slider { min, max, discrete } => {
                (2, min.to_bits(), max.to_bits(), discrete)
            }
            MonitorMode::List => (3, 0, 0, false),
        };
        let value = match &m.value {
            MonitorValue::Scalar(s) => Ok(s.clone()),
            MonitorValue::List(items) => Err((
                items.len(),
                items.iter().take(MAX_LIST_ROWS).cloned().collect(),
            )),
        };
        MonitorKey {
            label: m.label.clone(),
            mode,
            value,
            x: m.x.to_bits(),
            size: (m.width.to_bits(), m.height.to_bits()),
            scale: scale.to_bits(),
        }
    }
}

/// Draws one monitor in its own coordinates: stage pixels from its top-left corner.
struct Painter<'a, 'p> {
    /// `None` to measure only.
    target: Option<&'a mut PixmapMut<'p>>,
    text: &'a mut TextCache,
    opts: &'a usvg::Options<'static>,
    scale: f32,
    /// The monitor's top-left corner in output pixels, whole so that 1px borders are sharp.
    origin: (f32, f32),
    /// The monitor's left edge on the stage (how much room it has to grow rightwards).
    x: f32,
}

impl Painter<'_, '_> {
    fn transform(&self) -> Transform {
        Transform::from_row(
            self.scale,
            0.0,
            0.0,
            self.scale,
            self.origin.0,
            self.origin.1,
        )
    }

    fn measure(&mut self, s: &str, style: Style) -> f32 {
        self.text.measure(&self.opts.fontdb, s, style)
    }

    fn fill(&mut self, path: Option<Path>, color: [u8; 4]) {
        let transform = self.transform();
        let (Some(path), Some(target)) = (path, self.target.as_mut()) else {
            return;
        };
        target.fill_path(&path, &paint(color), FillRule::Winding, transform, None);
    }

    /// A 1px line along the inside of `path`'s outline (pass the outline inset by half a pixel).
    fn stroke(&mut self, path: Option<Path>, color: [u8; 4]) {
        let transform = self.transform();
        let (Some(path), Some(target)) = (path, self.target.as_mut()) else {
            return;
        };
        let stroke = Stroke {
            width: 1.0,
            ..Stroke::default()
        };
        target.stroke_path(&path, &paint(color), &stroke, transform, None);
    }

    /// Draws `s` in a line box `line` tall from `top`, starting at `x`, vertically centred as
    /// CSS centres text in its line; only inside `clip` (left, top, right, bottom).
    fn text(&mut self, s: &str, style: Style, x: f32, top: f32, line: f32, clip: [f32; 4]) {
        if self.target.is_none() {
            return;
        }
        let (ascent, descent) = self.text.vertical_metrics(&self.opts.fontdb, style);
        let baseline = top + (line - (ascent + descent)) / 2.0 + ascent;
        let Some(run) = self.text.run(self.opts, s, style, self.scale) else {
            return;
        };
        let (ox, oy, s) = (self.origin.0, self.origin.1, self.scale);
        let px = (ox + x * s).round() as i32 - run.origin.0;
        let py = (oy + baseline * s).round() as i32 - run.origin.1;
        let clip = [
            ox + clip[0] * s,
            oy + clip[1] * s,
            ox + clip[2] * s,
            oy + clip[3] * s,
        ];
        if let Some(target) = self.target.as_mut() {
            text::blit(target, &run.pixmap, px, py, Some(clip));
        }
    }

    /// The monitor's frame: background, then (by the caller, after the contents) the border.
    fn container(&mut self, w: f32, h: f32, background: [u8; 4]) {
        self.fill(rounded_rect(0.0, 0.0, w, h, [RADIUS; 4]), background);
    }

    fn border(&mut self, w: f32, h: f32) {
        let half = BORDER / 2.0;
        self.stroke(
            rounded_rect(half, half, w - BORDER, h - BORDER, [RADIUS - half; 4]),
            BORDER_COLOR,
        );
    }
}

fn paint(color: [u8; 4]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color[0], color[1], color[2], color[3]);
    paint.anti_alias = true;
    paint
}

/// A rectangle with rounded corners (radii top-left, top-right, bottom-right, bottom-left).
fn rounded_rect(x: f32, y: f32, w: f32, h: f32, radii: [f32; 4]) -> Option<Path> {
    if !(w > 0.0 && h > 0.0 && x.is_finite() && y.is_finite()) {
        return None;
    }
    let max = w.min(h) / 2.0;
    let [tl, tr, br, bl] = radii.map(|r| r.clamp(0.0, max));
    // Control points of a cubic Bézier quarter circle.
    const K: f32 = 0.552_284_8;
    let (r, b) = (x + w, y + h);
    let mut pb = PathBuilder::new();
    pb.move_to(x + tl, y);
    pb.line_to(r - tr, y);
    pb.cubic_to(r - tr + tr * K, y, r, y + tr - tr * K, r, y + tr);
    pb.line_to(r, b - br);
    pb.cubic_to(r, b - br + br * K, r - br + br * K, b, r - br, b);
    pb.line_to(x + bl, b);
    pb.cubic_to(x + bl - bl * K, b, x, b - bl + bl * K, x, b - bl);
    pb.line_to(x, y + tl);
    pb.cubic_to(x, y + tl - tl * K, x + tl - tl * K, y, x + tl, y);
    pb.close();
    pb.finish()
}

/// The outline of a rectangle with rounded top corners, open at the bottom (a list cell cut
/// off by the bottom of the list).
fn open_bottom_outline(x: f32, y: f32, w: f32, h: f32, radius: f32) -> Option<Path> {
    if !(w > 0.0 && h > 0.0) {
        return None;
    }
    let rad = radius.clamp(0.0, (w / 2.0).min(h));
    const K: f32 = 0.552_284_8;
    let (r, b) = (x + w, y + h);
    let mut pb = PathBuilder::new();
    pb.move_to(x, b);
    pb.line_to(x, y + rad);
    pb.cubic_to(x, y + rad - rad * K, x + rad - rad * K, y, x + rad, y);
    pb.line_to(r - rad, y);
    pb.cubic_to(r - rad + rad * K, y, r, y + rad - rad * K, r, y + rad);
    pb.line_to(r, b);
    pb.finish()
}

/// The wrapped lines of a value (`white-space: pre-wrap`) no wider than `max_width`, and the
/// widest line's width without its trailing spaces.
fn value_lines(p: &mut Painter, value: &str, style: Style, max_width: f32) -> (Vec<String>, f32) {
    let lines = p.text.wrap(
        &p.opts.fontdb,
        value,
        max_width.max(1.0),
        style,
        MAX_VALUE_LINES,
    );
    let lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.text.trim_end().to_string())
        .collect();
    let widest = lines
        .iter()
        .map(|l| p.measure(l, style))
        .fold(0.0, f32::max);
    (lines, widest)
}

/// `DefaultMonitor` (label and value in a row), and `SliderMonitor` with a slider row below.
fn draw_normal(
    p: &mut Painter,
    label: &str,
    value: &str,
    slider: Option<(f64, f64, bool)>,
) -> [f32; 2] {
    let stage_width = crate::STAGE_WIDTH as f32;
    let (label, label_width) = p.text.fit(&p.opts.fontdb, label, LABEL, stage_width);
    // The value wraps where the monitor would reach the stage's right edge.
    let chrome = 2.0 * (BORDER + PADDING) + label_width + 4.0 * MARGIN + 2.0 * VALUE_PADDING;
    let room = (stage_width - p.x - chrome).max(VALUE_MIN_WIDTH - 2.0 * VALUE_PADDING);
    let (lines, text_width) = value_lines(p, value, VALUE, room);
    let value_width = VALUE_MIN_WIDTH.max(text_width + 2.0 * VALUE_PADDING);
    let row = LINE * lines.len().max(1) as f32;
    let inner = BORDER + PADDING;
    let w = 2.0 * inner + label_width + value_width + 4.0 * MARGIN;
    let h = 2.0 * inner + row + if slider.is_some() { SLIDER_ROW } else { 0.0 };
    let clip = [BORDER, BORDER, w - BORDER, h - BORDER];

    p.container(w, h, UI_PRIMARY);
    p.text(&label, LABEL, inner + MARGIN, inner, LINE, clip);
    let value_x = inner + label_width + 3.0 * MARGIN;
    p.fill(
        rounded_rect(value_x, inner, value_width, row, [RADIUS; 4]),
        DATA_PRIMARY,
    );
    let value_clip = [value_x, inner, value_x + value_width, inner + row];
    for (i, line) in lines.iter().enumerate() {
        let line_width = p.measure(line, VALUE);
        let x = value_x + (value_width - line_width) / 2.0;
        p.text(line, VALUE, x, inner + LINE * i as f32, LINE, value_clip);
    }
    if let Some((min, max, discrete)) = slider {
        let left = inner + SLIDER_MARGIN;
        let right = w - inner - SLIDER_MARGIN;
        let middle = inner + row + SLIDER_ROW / 2.0;
        draw_slider(
            p,
            left,
            right,
            middle,
            slider_fraction(value, min, max, discrete),
        );
    }
    p.border(w, h);
    [w, h]
}

/// Where the thumb of `<input type="range" min max step value>` sits, 0…1: the value parsed as
/// a number (the middle when it is not one), clamped, on whole steps when discrete.
fn slider_fraction(value: &str, min: f64, max: f64, discrete: bool) -> f64 {
    let min = if min.is_finite() { min } else { 0.0 };
    let max = if max.is_finite() { max } else { 100.0 };
    // HTML: a maximum below the minimum is the minimum.
    if max <= min {
        return 0.0;
    }
    let v = match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => v,
        _ => min + (max - min) / 2.0,
    };
    let mut v = v.clamp(min, max);
    if discrete {
        v = (min + (v - min).round()).min(max);
    }
    ((v - min) / (max - min)).clamp(0.0, 1.0)
}

/// A range input between `left` and `right` around the height `middle`: the track, filled up
/// to the thumb, and the thumb at `fraction`.
fn draw_slider(p: &mut Painter, left: f32, right: f32, middle: f32, fraction: f64) {
    let width = right - left;
    if width <= 2.0 * SLIDER_THUMB_RADIUS {
        return;
    }
    let thumb = left + SLIDER_THUMB_RADIUS + (width - 2.0 * SLIDER_THUMB_RADIUS) * fraction as f32;
    let top = middle - SLIDER_TRACK_HEIGHT / 2.0;
    let radius = [SLIDER_TRACK_HEIGHT / 2.0; 4];
    p.fill(
        rounded_rect(left, top, width, SLIDER_TRACK_HEIGHT, radius),
        SLIDER_TRACK_BORDER,
    );
    p.fill(
        rounded_rect(
            left + 1.0,
            top + 1.0,
            width - 2.0,
            SLIDER_TRACK_HEIGHT - 2.0,
            radius,
        ),
        SLIDER_TRACK,
    );
    p.fill(
        rounded_rect(left, top, thumb - left, SLIDER_TRACK_HEIGHT, radius),
        SLIDER_ACCENT,
    );
    let d = 2.0 * SLIDER_THUMB_RADIUS;
    p.fill(
        rounded_rect(
            thumb - SLIDER_THUMB_RADIUS,
            middle - SLIDER_THUMB_RADIUS,
            d,
            d,
            [d; 4],
        ),
        SLIDER_ACCENT,
    );
}

/// `LargeMonitor`: the value alone, in white on the data colour.
fn draw_large(p: &mut Painter, value: &str) -> [f32; 2] {
    let chrome = 2.0 * (BORDER + LARGE_PADDING_X);
    let room =
        (crate::STAGE_WIDTH as f32 - p.x - chrome).max(LARGE_MIN_WIDTH - 2.0 * LARGE_PADDING_X);
    let (lines, text_width) = value_lines(p, value, LARGE_VALUE, room);
    let inner_width = LARGE_MIN_WIDTH.max(text_width + 2.0 * LARGE_PADDING_X);
    let inner_height =
        LARGE_MIN_HEIGHT.max(LARGE_LINE * lines.len().max(1) as f32 + 2.0 * LARGE_PADDING_Y);
    let (w, h) = (inner_width + 2.0 * BORDER, inner_height + 2.0 * BORDER);
    p.container(w, h, DATA_PRIMARY);
    let clip = [BORDER, BORDER, w - BORDER, h - BORDER];
    for (i, line) in lines.iter().enumerate() {
        let line_width = p.measure(line, LARGE_VALUE);
        let x = BORDER + (inner_width - line_width) / 2.0;
        let top = BORDER + LARGE_PADDING_Y + LARGE_LINE * i as f32;
        p.text(line, LARGE_VALUE, x, top, LARGE_LINE, clip);
    }
    p.border(w, h);
    [w, h]
}

/// `ListMonitor`: the label in a header, the items in numbered cells from the first (no
/// scrolling; rows past the bottom are cut off), `length N` in the footer. `width` × `height` is
/// the list's size inside the 1px border; 0 means the default, and it is at most the stage's
/// size (as scratch-gui's resizing allows). Returns its outer size and how many rows it drew.
fn draw_list(
    p: &mut Painter,
    label: &str,
    items: &[String],
    width: f64,
    height: f64,
) -> ([f32; 2], usize) {
    let size = |v: f64, default: f32, max: u32| {
        if v.is_finite() && v > 0.0 {
            (v as f32).min(max as f32)
        } else {
            default
        }
    };
    let inner_width = size(width, LIST_DEFAULT_WIDTH, crate::STAGE_WIDTH);
    let inner_height = size(height, LIST_DEFAULT_HEIGHT, crate::STAGE_HEIGHT);
    let (w, h) = (inner_width + 2.0 * BORDER, inner_height + 2.0 * BORDER);
    let (left, right) = (BORDER, w - BORDER);
    let clip = [left, BORDER, right, h - BORDER];
    p.container(w, h, UI_PRIMARY);

    // The body first: the header and footer are drawn over anything that reaches them.
    let body_top = BORDER + LIST_HEADER + BORDER;
    let body_bottom = (h - BORDER - LIST_FOOTER).max(body_top);
    let body_clip = [left, body_top, right, body_bottom];
    let mut rows = 0;
    if items.is_empty() {
        let empty = "(empty)";
        let x = left + (inner_width - p.measure(empty, EMPTY)) / 2.0;
        p.text(empty, EMPTY, x, body_top + EMPTY_PADDING, LINE, body_clip);
    }
    for (i, item) in items.iter().enumerate() {
        let row_top = body_top + LIST_ROW * i as f32;
        if row_top >= body_bottom {
            break;
        }
        rows += 1;
        let text_top = row_top + (LIST_ROW - LINE) / 2.0;
        let index = (i + 1).to_string();
        let index_x = left + ROW_PADDING + CELL_MARGIN;
        let index_width = p.measure(&index, LABEL);
        p.text(&index, LABEL, index_x, text_top, LINE, body_clip);

        let cell_x = index_x + index_width + 2.0 * CELL_MARGIN;
        let cell_right = (right - ROW_PADDING - CELL_MARGIN).max(cell_x + VALUE_MIN_WIDTH);
        let cell_width = cell_right - cell_x;
        let cell_top = row_top + (LIST_ROW - LIST_CELL) / 2.0;
        let cell_bottom = (cell_top + LIST_CELL).min(body_bottom);
        let cut = cell_bottom < cell_top + LIST_CELL;
        let cell_height = cell_bottom - cell_top;
        let (bottom_radius, half) = (if cut { 0.0 } else { RADIUS }, BORDER / 2.0);
        p.fill(
            rounded_rect(
                cell_x,
                cell_top,
                cell_width,
                cell_height,
                [RADIUS, RADIUS, bottom_radius, bottom_radius],
            ),
            LIST_PRIMARY,
        );
        let outline = if cut {
            open_bottom_outline(
                cell_x + half,
                cell_top + half,
                cell_width - BORDER,
                cell_height,
                RADIUS - half,
            )
        } else {
            rounded_rect(
                cell_x + half,
                cell_top + half,
                cell_width - BORDER,
                cell_height - BORDER,
                [RADIUS - half; 4],
            )
        };
        p.stroke(outline, BORDER_COLOR);
        let text_x = cell_x + BORDER + CELL_PADDING_X;
        let room = cell_right - BORDER - CELL_PADDING_X - text_x;
        let (shown, _) = p.text.fit(&p.opts.fontdb, item, VALUE, room);
        let cell_clip = [
            cell_x,
            cell_top,
            cell_right.min(right),
            cell_bottom.min(body_bottom),
        ];
        p.text(&shown, VALUE, text_x, text_top, LINE, cell_clip);
    }

    // The header: white, with a border below it, and the label in the middle.
    p.fill(
        rounded_rect(
            0.0,
            0.0,
            w,
            BORDER + LIST_HEADER,
            [RADIUS, RADIUS, 0.0, 0.0],
        ),
        UI_WHITE,
    );
    p.fill(
        rounded_rect(left, BORDER + LIST_HEADER, inner_width, BORDER, [0.0; 4]),
        BORDER_COLOR,
    );
    let (label, label_width) =
        p.text
            .fit(&p.opts.fontdb, label, LABEL, inner_width - 2.0 * PADDING);
    let x = left + (inner_width - label_width) / 2.0;
    p.text(&label, LABEL, x, BORDER + PADDING, LINE, clip);

    // The footer: `+`, `length N` and `=` spread out (`justify-content: space-between`).
    let footer_top = h - BORDER - LIST_FOOTER;
    p.fill(
        rounded_rect(
            0.0,
            footer_top,
            w,
            LIST_FOOTER + BORDER,
            [0.0, 0.0, RADIUS, RADIUS],
        ),
        UI_WHITE,
    );
    let length = format!("length {}", items.len());
    let (plus, length_width, equals) = (
        p.measure("+", LABEL),
        p.measure(&length, LABEL),
        p.measure("=", LABEL),
    );
    let text_top = footer_top + PADDING;
    let free = (inner_width - 2.0 * PADDING - plus - length_width - equals).max(0.0);
    p.text("+", LABEL, left + PADDING, text_top, LINE, clip);
    let length_x = left + PADDING + plus + free / 2.0;
    p.text(&length, LABEL, length_x, text_top, LINE, clip);
    p.text("=", LABEL, right - PADDING - equals, text_top, LINE, clip);

    p.border(w, h);
    ([w, h], rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tests::options_with_some_font;

    fn monitor(mode: MonitorMode, value: MonitorValue) -> MonitorView {
        MonitorView {
            label: "score".to_string(),
            value,
            mode,
            x: 10.0,
            y: 20.0,
            width: 0.0,
            height: 0.0,
        }
    }

    fn scalar(s: &str) -> MonitorValue {
        MonitorValue::Scalar(s.to_string())
    }

    fn draw(monitors: &[MonitorView], scale: f32, opts: &usvg::Options<'static>) -> Pixmap {
        let mut r = Renderer::new();
        let mut pixmap = Pixmap::new(
            (crate::STAGE_WIDTH as f32 * scale) as u32,
            (crate::STAGE_HEIGHT as f32 * scale) as u32,
        )
        .unwrap();
        draw_monitors_with(&mut r, &mut pixmap.as_mut(), monitors, scale, opts);
        pixmap
    }

    fn pixel(p: &Pixmap, x: u32, y: u32) -> [u8; 4] {
        let c = p.pixel(x, y).unwrap();
        [c.red(), c.green(), c.blue(), c.alpha()]
    }

    /// The box around the pixels of exactly `color`, in output pixels (left, top, right,
    /// bottom, exclusive), and how many there are.
    fn color_box(p: &Pixmap, color: [u8; 4]) -> Option<([u32; 4], usize)> {
        let w = p.width();
        let mut found: Option<([u32; 4], usize)> = None;
        for (i, c) in p.pixels().iter().enumerate() {
            if [c.red(), c.green(), c.blue(), c.alpha()] == color {
                let (x, y) = (i as u32 % w, i as u32 / w);
                let ([l, t, r, b], n) = found.unwrap_or(([x, y, x + 1, y + 1], 0));
                found = Some(([l.min(x), t.min(y), r.max(x + 1), b.max(y + 1)], n + 1));
            }
        }
        found
    }

    /// The box of everything drawn.
    fn drawn_box(p: &Pixmap) -> Option<[u32; 4]> {
        let w = p.width();
        let mut found: Option<[u32; 4]> = None;
        for (i, c) in p.pixels().iter().enumerate() {
            if c.alpha() > 0 {
                let (x, y) = (i as u32 % w, i as u32 / w);
                let [l, t, r, b] = found.unwrap_or([x, y, x + 1, y + 1]);
                found = Some([l.min(x), t.min(y), r.max(x + 1), b.max(y + 1)]);
            }
        }
        found
    }

    #[test]
    fn normal_monitor_has_a_grey_box_and_an_orange_value() {
        for opts in [usvg::Options::default(), options_with_some_font()] {
            for scale in [1.0, 2.0] {
                let p = draw(&[monitor(MonitorMode::Normal, scalar("42"))], scale, &opts);
                let s = scale as u32;
                let [l, t, r, b] = drawn_box(&p).unwrap();
                // At the monitor's position, one row tall (1 + 3 + 14 + 3 + 1).
                assert_eq!((l, t), (10 * s, 20 * s));
                assert_eq!(b - t, 22 * s);
                // Light blue-grey inside the border.
                assert_eq!(pixel(&p, l + 2 * s, t + 2 * s), UI_PRIMARY);
                // The value pill: orange, at least 40 wide, one line tall, right of the label.
                let ([ol, ot, or, ob], _) = color_box(&p, DATA_PRIMARY).unwrap();
                assert!(or - ol >= 38 * s && or - ol <= 41 * s, "{ol} {or}");
                assert!(ob - ot >= 13 * s && ot >= t + 4 * s, "{ot} {ob}");
                assert!(ol > l + 20 * s && or <= r - 7 * s);
                // The border's grey: black at 15% over the background.
                let border = pixel(&p, l + 10 * s, t);
                assert!(
                    border[0] < 0xE5 && border[0] > 0xB0 && border[3] == 255,
                    "{border:?}"
                );
            }
        }
    }

    #[test]
    fn large_monitor_is_an_orange_box() {
        let opts = options_with_some_font();
        let p = draw(&[monitor(MonitorMode::Large, scalar("7"))], 1.0, &opts);
        let [l, t, r, b] = drawn_box(&p).unwrap();
        assert_eq!((l, t, r - l), (10, 20, 50)); // min width 48 + border
        assert!(b - t >= 24);
        assert_eq!(pixel(&p, l + 3, t + (b - t) / 2), DATA_PRIMARY);
        assert!(color_box(&p, UI_PRIMARY).is_none());
        // A long value makes it wider, never past the stage's right edge.
        let p = draw(
            &[monitor(MonitorMode::Large, scalar(&"9".repeat(10_000)))],
            1.0,
            &opts,
        );
        let [_, _, r, b] = drawn_box(&p).unwrap();
        assert!(r > 60 && r <= 480 && b <= 360, "{r} {b}");
    }

    #[test]
    fn slider_thumb_follows_the_value() {
        let opts = options_with_some_font();
        let thumb_right = |value: &str, discrete: bool| {
            let mode = MonitorMode::Slider {
                min: 0.0,
                max: 100.0,
                discrete,
            };
            let p = draw(&[monitor(mode, scalar(value))], 1.0, &opts);
            let [l, t, r, b] = drawn_box(&p).unwrap();
            assert_eq!(b - t, 42); // the row, then the slider's row
            assert!(color_box(&p, DATA_PRIMARY).is_some());
            let ([al, at, ar, ab], _) = color_box(&p, SLIDER_ACCENT).unwrap();
            // The thumb is in the slider's row (below 1 + 3 + 14), 16 tall.
            assert!(at >= t + 18 && ab < b && ab - at >= 15, "{at} {ab}");
            (al - l, ar - l, r - l)
        };
        let (start, zero, _) = thumb_right("0", true);
        assert_eq!(start, 1 + 3 + 2);
        assert!((zero as i32 - (6 + 16)).abs() <= 1, "{zero}");
        // At the end of the track for the maximum and above, in the middle for half of it
        // and for a value that is not a number.
        for value in ["100", "1000"] {
            let (_, full, width) = thumb_right(value, true);
            assert!(
                (full as i32 - (width as i32 - 6)).abs() <= 1,
                "{full} {width}"
            );
        }
        for value in ["50", "banana"] {
            let (_, half, width) = thumb_right(value, false);
            assert!(
                (half as i32 - (width as i32 / 2 + 8)).abs() <= 2,
                "{half} {width}"
            );
        }
        assert_eq!(slider_fraction("2.6", 0.0, 10.0, true), 0.3);
        assert_eq!(slider_fraction("5", 10.0, 0.0, true), 0.0);
        assert_eq!(slider_fraction("5", f64::NAN, f64::INFINITY, true), 0.05);
    }

    #[test]
    fn list_monitor_shows_the_rows_that_fit() {
        let opts = options_with_some_font();
        let items: Vec<String> = (0..1000).map(|i| format!("item {i}")).collect();
        let mut m = monitor(MonitorMode::List, MonitorValue::List(items.clone()));
        for scale in [1.0, 2.0] {
            let mut r = Renderer::new();
            let mut pixmap = Pixmap::new(480 * scale as u32, 360 * scale as u32).unwrap();
            r.bubbles.begin(&opts.fontdb);
            let mut p = Painter {
                target: Some(&mut pixmap.as_mut()),
                text: &mut r.bubbles.text,
                opts: &opts,
                scale,
                origin: (10.0 * scale, 20.0 * scale),
                x: 10.0,
            };
            // 200 tall: a 159 tall body holds 6 rows and part of a 7th, of 1000.
            assert_eq!(draw_list(&mut p, "list", &items, 0.0, 0.0).1, 7);
            let s = scale as u32;
            let [l, t, rr, b] = drawn_box(&pixmap).unwrap();
            assert_eq!([l, t, rr, b], [10 * s, 20 * s, 112 * s, 222 * s]);
            // Cells are list-orange, below the header, and end above the footer.
            let ([cl, ct, cr, cb], _) = color_box(&pixmap, LIST_PRIMARY).unwrap();
            assert!(ct >= t + 22 * s && cb <= b - 21 * s, "{ct} {cb}");
            assert!(cl > l + 8 * s && cr <= rr - 5 * s);
            // The footer and header are white.
            assert_eq!(pixel(&pixmap, l + 50 * s, b - 3 * s), UI_WHITE);
            assert_eq!(pixel(&pixmap, l + 3 * s, t + 3 * s), UI_WHITE);
        }
        // Its own size; an empty list; a list monitor with a tiny or huge size.
        m.width = 200.0;
        m.height = 100.0;
        let p = draw(&[m.clone()], 1.0, &opts);
        assert_eq!(drawn_box(&p).unwrap(), [10, 20, 212, 122]);
        m.value = MonitorValue::List(Vec::new());
        let p = draw(&[m.clone()], 1.0, &opts);
        assert!(color_box(&p, LIST_PRIMARY).is_none());
        for (w, h) in [(1.0, 1.0), (1e12, 1e12), (f64::NAN, -5.0)] {
            m.width = w;
            m.height = h;
            m.value = MonitorValue::List(items.clone());
            draw(&[m.clone()], 1.0, &opts);
        }
    }

    #[test]
    fn monitor_pictures_are_kept_while_shown() {
        let opts = options_with_some_font();
        let mut r = Renderer::new();
        let items: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
        let mut monitors = vec![
            monitor(MonitorMode::Normal, scalar("1")),
            monitor(MonitorMode::List, MonitorValue::List(items)),
        ];
        monitors[1].x = 200.0;
        let mut frame = |monitors: &[MonitorView]| {
            let mut pixmap = Pixmap::new(480, 360).unwrap();
            draw_monitors_with(&mut r, &mut pixmap.as_mut(), monitors, 1.0, &opts);
            (pixmap, r.bubbles.monitors.len())
        };
        let (first, kept) = frame(&monitors);
        assert_eq!(kept, 2);
        // Drawn from the kept pictures: the same pixels.
        let (second, kept) = frame(&monitors);
        assert_eq!(kept, 2);
        assert!(first.data() == second.data());
        // A new value is a new picture; the old one is dropped.
        monitors[0].value = scalar("2");
        let (_, kept) = frame(&monitors);
        assert_eq!(kept, 2);
        let (_, kept) = frame(&monitors[..1]);
        assert_eq!(kept, 1);
    }

    #[test]
    fn odd_monitors_do_not_panic() {
        let opts = options_with_some_font();
        let huge = "x".repeat(10_000);
        let odd = "😀\n<&>\u{0}\t中文\r\n".repeat(100);
        let mut monitors = Vec::new();
        for mode in [
            MonitorMode::Normal,
            MonitorMode::Large,
            MonitorMode::Slider {
                min: f64::NAN,
                max: -1.0,
                discrete: false,
            },
            MonitorMode::List,
        ] {
            for value in [
                scalar(""),
                scalar(&huge),
                scalar(&odd),
                MonitorValue::List(vec![huge.clone(), odd.clone(), String::new()]),
            ] {
                for (x, y) in [
                    (0.0, 0.0),
                    (470.0, 350.0),
                    (-50.0, -10.0),
                    (f64::NAN, 0.0),
                    (1e300, 1e300),
                ] {
                    let mut m = monitor(mode, value.clone());
                    m.label = odd.clone();
                    m.x = x;
                    m.y = y;
                    monitors.push(m);
                }
            }
        }
        draw(&monitors, 1.0, &opts);
        draw(&monitors[..8], 0.25, &opts);
        let mut r = Renderer::new();
        let mut pixmap = Pixmap::new(10, 10).unwrap();
        for scale in [f32::NAN, 0.0, -1.0, f32::INFINITY] {
            draw_monitors_with(&mut r, &mut pixmap.as_mut(), &monitors[..8], scale, &opts);
        }
    }

    /// Writes monitors drawn at scale 2 to the folder in `STARLING_RENDER_PNG_DIR`, for people
    /// to look at; without it the same monitors are only drawn.
    #[test]
    fn monitor_pictures() {
        let opts = options_with_some_font();
        let at = |mut m: MonitorView, x: f64, y: f64| {
            m.x = x;
            m.y = y;
            m
        };
        let items: Vec<String> = (1..=1000)
            .map(|i| match i {
                2 => "a rather long item that does not fit".to_string(),
                3 => String::new(),
                _ => format!("apple {i}"),
            })
            .collect();
        let mut list = monitor(MonitorMode::List, MonitorValue::List(items));
        list.label = "Stage: fruit".to_string();
        let mut wide = at(list.clone(), 5.0, 250.0);
        wide.width = 140.0;
        wide.height = 100.0;
        let mut empty = at(list.clone(), 360.0, 10.0);
        empty.value = MonitorValue::List(Vec::new());
        empty.label = "empty".to_string();
        let mut cat = at(monitor(MonitorMode::Normal, scalar("3.14")), 5.0, 35.0);
        cat.label = "Cat: speed".to_string();
        let monitors = vec![
            at(monitor(MonitorMode::Normal, scalar("0")), 5.0, 5.0),
            cat,
            at(
                monitor(
                    MonitorMode::Normal,
                    scalar("Hello, world! This value is long enough to wrap around, twice."),
                ),
                160.0,
                300.0,
            ),
            at(monitor(MonitorMode::Large, scalar("123")), 5.0, 140.0),
            at(
                monitor(
                    MonitorMode::Slider {
                        min: 0.0,
                        max: 100.0,
                        discrete: true,
                    },
                    scalar("30"),
                ),
                5.0,
                180.0,
            ),
            at(list, 200.0, 10.0),
            wide,
            empty,
        ];
        let p = draw(&monitors, 2.0, &opts);
        if let Some(dir) = std::env::var_os("STARLING_RENDER_PNG_DIR") {
            let mut stage = Pixmap::new(p.width(), p.height()).unwrap();
            stage.fill(tiny_skia::Color::WHITE);
            stage.draw_pixmap(
                0,
                0,
                p.as_ref(),
                &tiny_skia::PixmapPaint::default(),
                Transform::identity(),
                None,
            );
            stage
                .save_png(std::path::Path::new(&dir).join("monitors.png"))
                .unwrap();
        }
    }
}
