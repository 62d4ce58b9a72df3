//! Text for speech bubbles and monitors: measuring with the fonts' glyph advances, wrapping as
//! scratch-render's `util/text-wrapper.js` does, and drawing through small SVG documents that
//! resvg renders at the output scale, so text is as sharp at scale 2 as at scale 1.
//!
//! Widths are the sum of each character's advance in the face usvg would pick (no kerning or
//! ligatures), cached per character. A character that no font has is measured with the
//! `.notdef` glyph usvg draws for it, and with an estimate when there are no fonts at all (the
//! `bundled-font` feature off and none added), so layout never depends on whether text can
//! actually be drawn.

use std::collections::HashMap;
use std::sync::Arc;

use resvg::usvg::{self, fontdb};
use skrifa::prelude::{FontRef, LocationRef, MetadataProvider, Size};
use tiny_skia::{IntSize, Pixmap, PixmapMut};
use unicode_linebreak::{linebreaks, BreakOpportunity};
use unicode_segmentation::UnicodeSegmentation;

use crate::fonts::Fonts;

/// The families asked for in the SVG documents (scratch-gui's monitor CSS; scratch-render's
/// bubbles ask for Helvetica, then sans-serif).
const FAMILIES: &str = "'Helvetica Neue', Helvetica, Arial, sans-serif";

/// Ascent and descent (in em) used when there is no font to ask: Helvetica's.
const DEFAULT_ASCENT: f32 = 0.77;
const DEFAULT_DESCENT: f32 = 0.23;

/// Bounds on the caches: per-character advances, and rendered runs (count and pixel bytes).
const MAX_ADVANCES: usize = 20_000;
const MAX_RUNS: usize = 1024;
const MAX_RUN_BYTES: usize = 32 << 20;

/// The largest run drawn, in output pixels; wider text is cut (callers fit text to the stage
/// long before this).
const MAX_RUN_PIXELS: f32 = 8192.0;

/// How a piece of text looks: size in stage pixels, weight and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Style {
    pub size: u8,
    pub bold: bool,
    pub color: [u8; 3],
}

/// The usvg options text is laid out with: the renderer's fonts (the bundled font unless the
/// `bundled-font` feature is off, every family falling back to it).
pub(crate) fn usvg_options(fonts: &Fonts) -> usvg::Options<'static> {
    fonts.usvg_options()
}

/// One wrapped line and its measured width in stage pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub width: f32,
}

/// A line of text rendered at some output scale.
pub(crate) struct Run {
    pub pixmap: Pixmap,
    /// Output pixels from the pixmap's top-left corner to the start of the baseline.
    pub origin: (i32, i32),
}

#[derive(Clone, Copy)]
struct Face {
    id: fontdb::ID,
    /// In em, both positive.
    ascent: f32,
    descent: f32,
    /// Whether the face is bold itself (otherwise bold text is emboldened with a stroke).
    bold: bool,
}

#[derive(PartialEq, Eq, Hash)]
struct RunKey {
    text: String,
    style: Style,
    scale_bits: u32,
}

/// Measurements and rendered text kept between frames. Everything is dropped when the font
/// database changes.
#[derive(Default)]
pub(crate) struct TextCache {
    /// The database the caches were made with: its address and number of faces.
    db_key: (usize, usize),
    /// The face usvg would pick for our families, regular and bold (outer `None`: not looked
    /// up yet).
    faces: [Option<Option<Face>>; 2],
    /// Advance of a character in em, regular and bold.
    advances: HashMap<(char, bool), f32>,
    runs: HashMap<RunKey, (Arc<Run>, u64)>,
    run_bytes: usize,
    clock: u64,
}

impl TextCache {
    /// Starts a frame drawn with `db`. Returns true when the fonts changed since the last one
    /// (so layouts made with the old measurements are stale).
    pub fn begin(&mut self, db: &Arc<fontdb::Database>) -> bool {
        self.clock += 1;
        let key = (Arc::as_ptr(db) as usize, db.len());
        if key == self.db_key {
            return false;
        }
        let first = self.db_key == (0, 0);
        *self = TextCache {
            db_key: key,
            clock: self.clock,
            ..TextCache::default()
        };
        !first
    }

    fn face(&mut self, db: &fontdb::Database, bold: bool) -> Option<Face> {
        let slot = &mut self.faces[bold as usize];
        if let Some(face) = *slot {
            return face;
        }
        let families = [
            fontdb::Family::Name("Helvetica Neue"),
            fontdb::Family::Name("Helvetica"),
            fontdb::Family::Name("Arial"),
            fontdb::Family::SansSerif,
            fontdb::Family::Serif,
        ];
        let query = fontdb::Query {
            families: &families,
            weight: if bold {
                fontdb::Weight::BOLD
            } else {
                fontdb::Weight::NORMAL
            },
            ..fontdb::Query::default()
        };
        let id = db.query(&query).or_else(|| db.faces().next().map(|f| f.id));
        let face = id.map(|id| {
            let (ascent, descent) = db
                .with_face_data(id, |data, index| {
                    let font = FontRef::from_index(data, index).ok()?;
                    let m = font.metrics(Size::unscaled(), LocationRef::default());
                    let upem = m.units_per_em as f32;
                    (upem > 0.0 && m.ascent > 0.0)
                        .then(|| (m.ascent / upem, m.descent.abs() / upem))
                })
                .flatten()
                .unwrap_or((DEFAULT_ASCENT, DEFAULT_DESCENT));
            Face {
                id,
                ascent,
                descent,
                bold: db.face(id).is_some_and(|f| f.weight.0 >= 600),
            }
        });
        *slot = Some(face);
        face
    }

    /// Ascent and descent of the style's font, in stage pixels.
    pub fn vertical_metrics(&mut self, db: &fontdb::Database, style: Style) -> (f32, f32) {
        let (a, d) = self
            .face(db, style.bold)
            .map(|f| (f.ascent, f.descent))
            .unwrap_or((DEFAULT_ASCENT, DEFAULT_DESCENT));
        (a * style.size as f32, d * style.size as f32)
    }

    /// The advance of `c` in em.
    fn advance(&mut self, db: &fontdb::Database, c: char, bold: bool) -> f32 {
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return 0.0;
        }
        if let Some(&a) = self.advances.get(&(c, bold)) {
            return a;
        }
        let a = match self.face(db, bold) {
            None => estimated_advance(c),
            Some(face) => glyph_advance(db, face.id, Some(c))
                .or_else(|| {
                    db.faces()
                        .filter(|f| f.id != face.id)
                        .find_map(|f| glyph_advance(db, f.id, Some(c)))
                })
                .or_else(|| glyph_advance(db, face.id, None))
                .unwrap_or_else(|| estimated_advance(c)),
        };
        if self.advances.len() >= MAX_ADVANCES {
            self.advances.clear();
        }
        self.advances.insert((c, bold), a);
        a
    }

    /// The width of `s` in stage pixels.
    pub fn measure(&mut self, db: &fontdb::Database, s: &str, style: Style) -> f32 {
        let em: f32 = s.chars().map(|c| self.advance(db, c, style.bold)).sum();
        em * style.size as f32
    }

    /// The longest start of `s` (up to its first line break) that fits in `max_width`, with
    /// "…" at its end when something was cut (CSS `text-overflow: ellipsis`), and its width.
    pub fn fit(
        &mut self,
        db: &fontdb::Database,
        s: &str,
        style: Style,
        max_width: f32,
    ) -> (String, f32) {
        let s = s.split(['\n', '\r']).next().unwrap_or("");
        let size = style.size as f32;
        let mut width = 0.0;
        for (i, c) in s.char_indices() {
            let w = self.advance(db, c, style.bold) * size;
            if width + w > max_width {
                let ellipsis = self.measure(db, "…", style);
                let mut text = String::new();
                let mut kept = 0.0;
                for c in s[..i].chars() {
                    let w = self.advance(db, c, style.bold) * size;
                    if kept + w + ellipsis > max_width {
                        break;
                    }
                    kept += w;
                    text.push(c);
                }
                text.push('…');
                return (text, kept + ellipsis);
            }
            width += w;
        }
        (s.to_string(), width)
    }

    /// Wraps `text` into lines no wider than `max_width` (scratch-render's `TextWrapper.wrapText`):
    /// lines break at Unicode line-break opportunities (UAX #14) and always at newlines; a word
    /// wider than a line is split between grapheme clusters. A line is only wider than
    /// `max_width` when one grapheme cluster is. Stops after `max_lines` lines.
    pub fn wrap(
        &mut self,
        db: &fontdb::Database,
        text: &str,
        max_width: f32,
        style: Style,
        max_lines: usize,
    ) -> Vec<Line> {
        let size = style.size as f32;
        let mut lines: Vec<Line> = Vec::new();
        let mut current: Option<Line> = None;
        let mut last = 0;
        for (pos, opportunity) in linebreaks(text) {
            if lines.len() >= max_lines {
                break;
            }
            if pos < last || (pos == last && pos != 0) {
                continue;
            }
            let word = text[last..pos].trim_end_matches(is_mandatory_break);
            last = pos;
            let word_width = self.measure(db, word, style);
            let current_width = current.as_ref().map_or(0.0, |l| l.width);
            if current_width + word_width > max_width {
                if word_width > max_width {
                    // Too wide even alone: one grapheme cluster at a time.
                    for cluster in word.graphemes(true) {
                        let w: f32 = cluster
                            .chars()
                            .map(|c| self.advance(db, c, style.bold) * size)
                            .sum();
                        match current.as_mut() {
                            Some(line) if line.width + w > max_width => {
                                lines.extend(current.take());
                                current = Some(Line {
                                    text: cluster.to_string(),
                                    width: w,
                                });
                            }
                            Some(line) => {
                                line.text.push_str(cluster);
                                line.width += w;
                            }
                            None => {
                                current = Some(Line {
                                    text: cluster.to_string(),
                                    width: w,
                                })
                            }
                        }
                    }
                } else {
                    lines.extend(current.take());
                    current = Some(Line {
                        text: word.to_string(),
                        width: word_width,
                    });
                }
            } else {
                let line = current.get_or_insert_with(|| Line {
                    text: String::new(),
                    width: 0.0,
                });
                line.text.push_str(word);
                line.width += word_width;
            }
            if opportunity == BreakOpportunity::Mandatory {
                lines.extend(current.take());
            }
        }
        if let Some(line) = current {
            if !line.text.is_empty() || lines.is_empty() {
                lines.push(line);
            }
        }
        if lines.is_empty() {
            lines.push(Line {
                text: String::new(),
                width: 0.0,
            });
        }
        lines.truncate(max_lines.max(1));
        lines
    }

    /// `text` drawn in `style` at `scale` output pixels per stage pixel, cached. `None` when
    /// there is nothing to draw (blank text, no fonts, or a rendering problem).
    pub fn run(
        &mut self,
        opts: &usvg::Options<'static>,
        text: &str,
        style: Style,
        scale: f32,
    ) -> Option<Arc<Run>> {
        if text.trim().is_empty() || opts.fontdb.is_empty() || scale.is_nan() || scale <= 0.0 {
            return None;
        }
        let key = RunKey {
            text: text.to_string(),
            style,
            scale_bits: scale.to_bits(),
        };
        if let Some((run, used)) = self.runs.get_mut(&key) {
            *used = self.clock;
            return Some(run.clone());
        }
        let run = Arc::new(self.render_run(opts, text, style, scale)?);
        self.run_bytes += run.pixmap.data().len();
        self.runs.insert(key, (run.clone(), self.clock));
        if self.runs.len() > MAX_RUNS || self.run_bytes > MAX_RUN_BYTES {
            self.evict_runs();
        }
        Some(run)
    }

    fn render_run(
        &mut self,
        opts: &usvg::Options<'static>,
        text: &str,
        style: Style,
        scale: f32,
    ) -> Option<Run> {
        let size = style.size as f32;
        let width = self.measure(&opts.fontdb, text, style);
        // Room around the measured box for overhangs, accents and tall scripts.
        let pad = 0.25 * size;
        let origin = ((pad * scale).ceil(), (1.2 * size * scale).ceil());
        let w = (origin.0 + ((width + pad) * scale).ceil()).min(MAX_RUN_PIXELS);
        let h = origin.1 + (0.5 * size * scale).ceil();
        let synthetic_bold = style.bold && !self.face(&opts.fontdb, true).is_some_and(|f| f.bold);
        let mut svg = svg_start(w / scale, h / scale);
        svg.push_str(&text_element(
            origin.0 / scale,
            origin.1 / scale,
            text,
            style,
            synthetic_bold,
        ));
        svg.push_str("</svg>");
        let pixmap = render_svg(&svg, opts, w as u32, h as u32, scale)?;
        Some(Run {
            pixmap,
            origin: (origin.0 as i32, origin.1 as i32),
        })
    }

    /// Drops the least recently used half of the runs.
    fn evict_runs(&mut self) {
        let mut ages: Vec<u64> = self.runs.values().map(|(_, used)| *used).collect();
        ages.sort_unstable();
        let cutoff = ages[ages.len() / 2];
        let current = self.clock;
        self.runs
            .retain(|_, (_, used)| *used > cutoff || *used == current);
        self.run_bytes = self.runs.values().map(|(r, _)| r.pixmap.data().len()).sum();
    }
}

/// The characters after which UAX #14 must break; they end a line and are not drawn.
fn is_mandatory_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The advance of `c` (or of the `.notdef` glyph when `c` is `None`) in the face, in em;
/// `None` when the face has no glyph for it.
fn glyph_advance(db: &fontdb::Database, id: fontdb::ID, c: Option<char>) -> Option<f32> {
    db.with_face_data(id, |data, index| {
        let font = FontRef::from_index(data, index).ok()?;
        let glyph = match c {
            Some(c) => font.charmap().map(c)?,
            None => skrifa::GlyphId::new(0),
        };
        let upem = font
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em as f32;
        let advance = font
            .glyph_metrics(Size::unscaled(), LocationRef::default())
            .advance_width(glyph)?;
        (upem > 0.0 && advance.is_finite()).then(|| advance / upem)
    })
    .flatten()
}

/// A guess at a character's advance in em when there are no fonts: wide for CJK and emoji,
/// nothing for combining marks and invisible format characters.
fn estimated_advance(c: char) -> f32 {
    match c as u32 {
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF => 0.0,
        0x20 | 0xA0 => 0.28,
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD => 1.0,
        _ => 0.55,
    }
}

/// The start of an SVG document `width` × `height` stage pixels big.
pub(crate) fn svg_start(width: f32, height: f32) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}">"#,
        width.max(0.01),
        height.max(0.01)
    )
}

/// A `<text>` element with its baseline starting at (x, y). `synthetic_bold` thickens the
/// glyphs with a thin outline in the text's colour, for bold text in a font without a bold face.
pub(crate) fn text_element(
    x: f32,
    y: f32,
    text: &str,
    style: Style,
    synthetic_bold: bool,
) -> String {
    let [r, g, b] = style.color;
    let colour = format!("#{r:02x}{g:02x}{b:02x}");
    let outline = if synthetic_bold {
        format!(
            r#" stroke="{colour}" stroke-width="{}" stroke-linejoin="round""#,
            style.size as f32 * 0.045
        )
    } else {
        String::new()
    };
    format!(
        r#"<text x="{x}" y="{y}" font-family="{FAMILIES}" font-size="{}" font-weight="{}" fill="{colour}"{outline} xml:space="preserve">{}</text>"#,
        style.size,
        if style.bold { "bold" } else { "normal" },
        xml_escape(text)
    )
}

/// `s` as XML character data: markup characters escaped, characters XML does not allow left
/// out, tabs and line breaks drawn as spaces.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders an SVG document at `scale` into a `width` × `height` pixmap (premultiplied RGBA).
pub(crate) fn render_svg(
    svg: &str,
    opts: &usvg::Options<'static>,
    width: u32,
    height: u32,
    scale: f32,
) -> Option<Pixmap> {
    let tree = usvg::Tree::from_str(svg, opts).ok()?;
    // resvg draws with its own tiny-skia; the pixel format is the same.
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Pixmap::from_vec(pixmap.take(), IntSize::from_wh(width, height)?)
}

/// Draws `pixmap` with its top-left corner at output pixel (x, y), only inside `clip` (output
/// pixels, left/top/right/bottom) when given. Premultiplied source-over, done directly: text
/// and bubbles are mostly transparent, and this is many times faster than a pattern fill.
pub(crate) fn blit(
    target: &mut PixmapMut,
    pixmap: &Pixmap,
    x: i32,
    y: i32,
    clip: Option<[f32; 4]>,
) {
    let (tw, th) = (target.width() as i64, target.height() as i64);
    let (sw, sh) = (pixmap.width() as i64, pixmap.height() as i64);
    let (x, y) = (x as i64, y as i64);
    let [mut left, mut top, mut right, mut bottom] =
        [x.max(0), y.max(0), (x + sw).min(tw), (y + sh).min(th)];
    if let Some([cl, ct, cr, cb]) = clip {
        // (Casting saturates, and NaN becomes 0.)
        left = left.max(cl.round() as i64);
        top = top.max(ct.round() as i64);
        right = right.min(cr.round() as i64);
        bottom = bottom.min(cb.round() as i64);
    }
    if left >= right || top >= bottom {
        return;
    }
    let src = pixmap.data();
    let dst = target.data_mut();
    let n = ((right - left) * 4) as usize;
    for row in top..bottom {
        let s = (((row - y) * sw + (left - x)) * 4) as usize;
        let d = ((row * tw + left) * 4) as usize;
        for (s, d) in src[s..s + n]
            .chunks_exact(4)
            .zip(dst[d..d + n].chunks_exact_mut(4))
        {
            let alpha = s[3] as u32;
            if alpha == 0 {
                continue;
            }
            if alpha == 255 {
                d.copy_from_slice(s);
                continue;
            }
            let keep = 255 - alpha;
            for (d, s) in d.iter_mut().zip(s) {
                *d = (*s as u32 + div255(*d as u32 * keep)) as u8;
            }
        }
    }
}

/// v / 255, rounded, for v ≤ 255 · 255.
fn div255(v: u32) -> u32 {
    let v = v + 128;
    (v + (v >> 8)) >> 8
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const STYLE: Style = Style {
        size: 14,
        bold: false,
        color: [0x57, 0x5E, 0x75],
    };

    /// The renderer's options; without the bundled font, DejaVu Sans when the machine has it
    /// (tests that look at glyph pixels skip those checks when there is no font at all).
    pub(crate) fn options_with_some_font() -> usvg::Options<'static> {
        let mut opts = usvg_options(&Fonts::new());
        if opts.fontdb.is_empty() {
            let mut db = fontdb::Database::new();
            for file in ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] {
                if let Ok(data) = std::fs::read(format!("/usr/share/fonts/truetype/dejavu/{file}"))
                {
                    db.load_font_data(data);
                }
            }
            db.set_sans_serif_family("DejaVu Sans");
            db.set_serif_family("DejaVu Sans");
            opts.fontdb = Arc::new(db);
        }
        opts
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn wrapping_follows_text_wrapper() {
        for opts in [usvg::Options::default(), options_with_some_font()] {
            let db = &opts.fontdb;
            let mut cache = TextCache::default();
            cache.begin(db);
            assert_eq!(texts(&cache.wrap(db, "", 170.0, STYLE, 99)), [""]);
            assert_eq!(texts(&cache.wrap(db, "hello", 170.0, STYLE, 99)), ["hello"]);
            assert_eq!(texts(&cache.wrap(db, "abc\n", 170.0, STYLE, 99)), ["abc"]);
            assert_eq!(
                texts(&cache.wrap(db, "a\n\nb", 170.0, STYLE, 99)),
                ["a", "", "b"]
            );
            assert_eq!(
                texts(&cache.wrap(db, "a\r\nb", 170.0, STYLE, 99)),
                ["a", "b"]
            );

            let text = "The quick brown fox jumps over the lazy dog, again and again and again.";
            let lines = cache.wrap(db, text, 170.0, STYLE, 99);
            assert!(lines.len() >= 3, "{lines:?}");
            // Nothing is lost: the lines put together give the text back.
            assert_eq!(
                lines.iter().map(|l| l.text.as_str()).collect::<String>(),
                text
            );
            for line in &lines {
                assert!(line.width <= 170.0, "{line:?}");
                assert!((line.width - cache.measure(db, &line.text, STYLE)).abs() < 0.01);
                // Lines break between words.
                assert!(
                    line.text.ends_with(' ') || text.ends_with(&line.text),
                    "{line:?}"
                );
            }

            // A word longer than a line is split between grapheme clusters.
            let long = "x".repeat(100) + "e\u{301}" + &"y".repeat(100);
            let lines = cache.wrap(db, &long, 170.0, STYLE, 99);
            assert!(lines.len() >= 2);
            assert!(lines.iter().all(|l| l.width <= 170.0));
            assert!(lines.iter().any(|l| l.text.contains("e\u{301}")));

            // Chinese breaks between characters.
            let chinese = "你好世界".repeat(20);
            let lines = cache.wrap(db, &chinese, 170.0, STYLE, 99);
            assert!(lines.len() >= 2 && lines.iter().all(|l| l.width <= 170.0));

            // Many lines stop at the limit.
            let lines = cache.wrap(db, &"a\n".repeat(10_000), 170.0, STYLE, 20);
            assert_eq!(lines.len(), 20);
        }
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        let opts = options_with_some_font();
        let db = &opts.fontdb;
        let mut cache = TextCache::default();
        cache.begin(db);
        let (text, width) = cache.fit(db, "short", STYLE, 1000.0);
        assert_eq!(text, "short");
        assert!(width > 0.0);
        let (text, width) = cache.fit(db, &"long ".repeat(2000), STYLE, 60.0);
        assert!(text.ends_with('…') && width <= 60.0, "{text:?} {width}");
        let (text, _) = cache.fit(db, "first\nsecond", STYLE, 1000.0);
        assert_eq!(text, "first");
    }

    #[test]
    fn xml_escaping_keeps_documents_valid() {
        let nasty = "<b>&amp;\"'\u{0}\u{1b}\t\u{FFFF}😀";
        assert_eq!(xml_escape(nasty), "&lt;b&gt;&amp;amp;&quot;&apos; 😀");
        let mut svg = svg_start(100.0, 20.0);
        svg.push_str(&text_element(2.0, 15.0, nasty, STYLE, true));
        svg.push_str("</svg>");
        assert!(usvg::Tree::from_str(&svg, &options_with_some_font()).is_ok());
    }

    #[test]
    fn blitting_blends_and_clips() {
        let mut src = Pixmap::new(4, 4).unwrap();
        src.fill(tiny_skia::Color::from_rgba8(255, 0, 0, 128));
        let mut dst = Pixmap::new(8, 8).unwrap();
        dst.fill(tiny_skia::Color::from_rgba8(0, 0, 255, 255));
        blit(&mut dst.as_mut(), &src, -2, 6, None);
        blit(&mut dst.as_mut(), &src, 3, 1, Some([4.0, 0.0, 100.0, 2.0]));
        let px = |x, y| {
            let c = dst.pixel(x, y).unwrap();
            [c.red(), c.green(), c.blue(), c.alpha()]
        };
        assert_eq!(px(0, 7), [128, 0, 127, 255]);
        assert_eq!(px(2, 7), [0, 0, 255, 255]);
        assert_eq!(px(4, 1), [128, 0, 127, 255]);
        assert_eq!(px(3, 1), [0, 0, 255, 255]);
        assert_eq!(px(4, 2), [0, 0, 255, 255]);
        for v in 0..=255 * 255 {
            assert_eq!(div255(v), (v as f64 / 255.0).round() as u32, "{v}");
        }
    }

    #[test]
    fn runs_are_drawn_and_cached() {
        let opts = options_with_some_font();
        let mut cache = TextCache::default();
        cache.begin(&opts.fontdb);
        assert!(cache.run(&opts, "   ", STYLE, 1.0).is_none());
        let Some(run) = cache.run(&opts, "Hello", STYLE, 2.0) else {
            return; // no font on this machine: nothing is drawn
        };
        assert!(run.pixmap.pixels().iter().any(|p| p.alpha() > 128));
        let again = cache.run(&opts, "Hello", STYLE, 2.0).unwrap();
        assert!(Arc::ptr_eq(&run, &again));
    }
}
