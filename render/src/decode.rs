//! Costume files → skins: SVG, PNG, JPEG, GIF (first frame) and BMP, with scratch-render's
//! sizes and rotation centres, and friendly placeholders for whatever cannot be drawn.
//!
//! - Bitmaps (`BitmapSkin`): size = pixels / bitmapResolution; the rotation centre is in the
//!   image's pixels. Pixels are premultiplied as tiny-skia wants them.
//! - SVGs (`SVGSkin` + scratch-svg-renderer's `loadSvgString`): the size is the viewBox's width
//!   and height; the picture is drawn at its natural size (width × height) from the top-left
//!   corner of a canvas of the viewBox's size; the rotation centre, given in the SVG's own
//!   coordinates, is moved by the viewBox's origin. An SVG without a viewBox is measured: its
//!   viewBox becomes the box around what it draws, grown by half the widest `stroke-width`
//!   (`transformMeasurements`). The string fixes of `fixupSvgString` that make odd editors'
//!   files parse are applied first. The base bitmap is one pixel per unit; sharper copies are
//!   made on demand ([`bitmap_for_scale`], like `SVGSkin.getTexture`'s mip levels), none over
//!   2048 pixels a side.
//! - Hostile files never panic or allocate without bound: files over 10 MB, images over 25
//!   million pixels, XML nested deeper than [`MAX_SVG_DEPTH`] (counting `<use>` links), XML
//!   entities that would expand past a few megabytes, SVGs that would draw more than 200 000
//!   things (copies made by `<use>`, letters, markers) and pattern tiles over 16 million pixels
//!   are refused; large images are scaled down to at most 2048 pixels a side and 4 million
//!   pixels (the costume keeps its size on the stage); an enormous SVG is rasterised scaled
//!   down; pictures inside SVGs come only from `data:` URLs (see `fonts.rs`); scripts and
//!   `foreignObject` are ignored.
//!
//! A costume that cannot be drawn becomes a small grey square with a question mark and a
//! [`Problem`]; a target without costumes gets Starling (the bird in `assets/default-sprite.svg`)
//! or, for the stage, a white backdrop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use resvg::usvg;
use starling_runtime::program::CostumeDef;
use starling_runtime::Program;
use tiny_skia::{IntSize, Pixmap};

use crate::hull::convex_hull_sized;
use crate::skin::{Bitmap, Skin};
use crate::{fonts, Renderer, STAGE_HEIGHT, STAGE_WIDTH};

/// The largest costume file read (bigger ones become a placeholder).
pub const MAX_COSTUME_BYTES: usize = 10 * 1024 * 1024;
/// The most pixels a bitmap costume may have to be decoded at all (25 million: 100 MB of RGBA).
const MAX_DECODE_PIXELS: u64 = 25_000_000;
/// The longest side the decoder accepts.
const MAX_DECODE_SIDE: u32 = 16_384;
/// Decoded bitmaps larger than this are scaled down (their size on the stage stays the same).
const MAX_BITMAP_SIDE: u32 = 2048;
const MAX_BITMAP_PIXELS: u64 = 4 * 1024 * 1024;
/// The longest side of any rasterisation of an SVG (scratch-render's `MAX_TEXTURE_DIMENSION`).
const MAX_TEXTURE_SIDE: f64 = 2048.0;
/// The deepest element nesting an SVG may have. Paint editors write 3 to 10 levels; usvg and
/// resvg walk the tree recursively, so this keeps the stack small, also in debug builds and wasm.
pub const MAX_SVG_DEPTH: usize = 64;
/// The most XML nodes an SVG may have.
const MAX_SVG_NODES: u32 = 1_000_000;
/// The most text that entity references in an SVG may expand to.
const MAX_ENTITY_EXPANSION: usize = 4 * 1024 * 1024;
/// The smallest mip level (scratch-render goes down to 1/256; smaller helps nobody).
const MIN_MIP_SCALE: f64 = 1.0 / 64.0;

const DEFAULT_SPRITE_SVG: &str = include_str!("../assets/default-sprite.svg");
const PLACEHOLDER_SVG: &str = include_str!("../assets/placeholder.svg");

/// A costume file's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostumeFormat {
    Svg,
    Png,
    Jpeg,
    Gif,
    Bmp,
}

impl CostumeFormat {
    /// The format of a costume file, from its first bytes; the file name's extension is only
    /// used when the bytes say nothing (e.g. a damaged file).
    pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> Option<CostumeFormat> {
        match bytes {
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => {
                return Some(CostumeFormat::Png)
            }
            [0xFF, 0xD8, 0xFF, ..] => return Some(CostumeFormat::Jpeg),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => return Some(CostumeFormat::Gif),
            [b'B', b'M', ..] if bytes.len() >= 26 => return Some(CostumeFormat::Bmp),
            _ => {}
        }
        if looks_like_svg(bytes) {
            return Some(CostumeFormat::Svg);
        }
        let ext = file_name?.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(CostumeFormat::Svg),
            "png" => Some(CostumeFormat::Png),
            "jpg" | "jpeg" => Some(CostumeFormat::Jpeg),
            "gif" => Some(CostumeFormat::Gif),
            "bmp" => Some(CostumeFormat::Bmp),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CostumeFormat::Svg => "SVG",
            CostumeFormat::Png => "PNG",
            CostumeFormat::Jpeg => "JPEG",
            CostumeFormat::Gif => "GIF",
            CostumeFormat::Bmp => "BMP",
        }
    }
}

/// Text that starts (after a byte-order mark and spaces) with markup and has an `svg` element.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    matches!(start, Some(i) if bytes[i] == b'<')
        && (find(bytes, b"<svg").is_some() || find(bytes, b":svg").is_some())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A costume that could not be drawn as it is, and why. `en` and `zh` say it in a sentence that
/// reads after "sprite, costume:", for a child.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub sprite: String,
    pub costume: String,
    /// The target's index in the program and the costume's in the target.
    pub target: usize,
    pub costume_index: usize,
    pub en: String,
    pub zh: String,
}

/// Why a costume file is drawn as a placeholder, or drawn with something left out.
#[derive(Debug, Clone, PartialEq)]
enum Trouble {
    NoFile,
    Missing {
        file: String,
    },
    TooLarge {
        file: String,
        bytes: usize,
    },
    UnknownFormat {
        file: String,
    },
    Damaged {
        file: String,
        format: CostumeFormat,
    },
    TooManyPixels {
        file: String,
        width: u32,
        height: u32,
    },
    TooDeep {
        file: String,
    },
    EntitiesTooLarge {
        file: String,
    },
    TooComplex {
        file: String,
    },
    /// Not fatal: the costume is drawn without the pictures it links to.
    OutsidePicture {
        file: String,
        href: String,
    },
}

const PLACEHOLDER_EN: &str = "so it is drawn as a grey question mark";
const PLACEHOLDER_ZH: &str = "所以画成了一个灰色的问号";

impl Trouble {
    fn words(&self) -> (String, String) {
        match self {
            Trouble::NoFile => (
                format!("it has no picture file, {PLACEHOLDER_EN}."),
                format!("它没有图片文件，{PLACEHOLDER_ZH}。"),
            ),
            Trouble::Missing { file } => (
                format!("its picture file “{file}” is missing, {PLACEHOLDER_EN}."),
                format!("找不到它的图片文件“{file}”，{PLACEHOLDER_ZH}。"),
            ),
            Trouble::TooLarge { file, bytes } => {
                let mb = (*bytes as f64 / (1024.0 * 1024.0) * 10.0).round() / 10.0;
                let max = MAX_COSTUME_BYTES / (1024 * 1024);
                (
                    format!(
                        "its picture file “{file}” is too big ({mb} MB, at most {max} MB), \
                         {PLACEHOLDER_EN}."
                    ),
                    format!(
                        "它的图片文件“{file}”太大了（{mb} MB，最多 {max} MB），{PLACEHOLDER_ZH}。"
                    ),
                )
            }
            Trouble::UnknownFormat { file } => (
                format!(
                    "“{file}” is not a kind of picture Starling can read (SVG, PNG, JPEG, GIF \
                     or BMP), {PLACEHOLDER_EN}."
                ),
                format!(
                    "“{file}”不是 Starling 能读的图片（SVG、PNG、JPEG、GIF 或 BMP），\
                     {PLACEHOLDER_ZH}。"
                ),
            ),
            Trouble::Damaged { file, format } => {
                let kind = format.name();
                (
                    format!(
                        "the {kind} picture “{file}” is damaged and can't be read, \
                         {PLACEHOLDER_EN}."
                    ),
                    format!("{kind} 图片“{file}”已经损坏，读不出来，{PLACEHOLDER_ZH}。"),
                )
            }
            Trouble::TooManyPixels {
                file,
                width,
                height,
            } => (
                format!(
                    "the picture “{file}” is {width}×{height} pixels, too big to draw (at most \
                     25 million pixels), {PLACEHOLDER_EN}."
                ),
                format!(
                    "图片“{file}”有 {width}×{height} 个像素，太大了画不了（最多 2500 万个像素），\
                     {PLACEHOLDER_ZH}。"
                ),
            ),
            Trouble::TooDeep { file } => (
                format!(
                    "the SVG picture “{file}” has groups inside groups more than \
                     {MAX_SVG_DEPTH} levels deep, which is too deep to draw, {PLACEHOLDER_EN}."
                ),
                format!(
                    "SVG 图片“{file}”里的组一层套一层，超过了 {MAX_SVG_DEPTH} 层，太深了画不了，\
                     {PLACEHOLDER_ZH}。"
                ),
            ),
            Trouble::EntitiesTooLarge { file } => (
                format!(
                    "the SVG picture “{file}” defines XML entities that would grow far too big, \
                     {PLACEHOLDER_EN}."
                ),
                format!("SVG 图片“{file}”定义的 XML 实体展开后会变得太大，{PLACEHOLDER_ZH}。"),
            ),
            Trouble::TooComplex { file } => (
                format!(
                    "the SVG picture “{file}” has far too many shapes, copies of shapes or \
                     letters to draw, {PLACEHOLDER_EN}."
                ),
                format!(
                    "SVG 图片“{file}”里的图形、图形的复制或文字太多了，画不了，{PLACEHOLDER_ZH}。"
                ),
            ),
            Trouble::OutsidePicture { file, href } => {
                let href = shorten(href, 60);
                (
                    format!(
                        "the SVG picture “{file}” shows a picture from outside the project \
                         (“{href}”). Starling only draws pictures stored inside the SVG, so \
                         that part is left out."
                    ),
                    format!(
                        "SVG 图片“{file}”用到了项目外面的图片（“{href}”）。Starling 只画保存在 \
                         SVG 里面的图片，所以这一部分没有画出来。"
                    ),
                )
            }
        }
    }
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}

/// Decodes every costume of the program into `r.skins`, one list per target in order.
pub(crate) fn load_program(
    r: &mut Renderer,
    program: &Program,
    file: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut defaults: HashMap<bool, Skin> = HashMap::new();
    let mut skins = Vec::with_capacity(program.targets.len());
    for (target_idx, target) in program.targets.iter().enumerate() {
        if target.costumes.is_empty() {
            let skin = defaults
                .entry(target.is_stage)
                .or_insert_with(|| default_costume(&r.fonts, target.is_stage))
                .clone();
            skins.push(vec![skin]);
            continue;
        }
        let mut target_skins = Vec::with_capacity(target.costumes.len());
        for (costume_idx, costume) in target.costumes.iter().enumerate() {
            let (skin, troubles) = load_costume(&r.fonts, costume, target.is_stage, file);
            problems.extend(troubles.into_iter().map(|t| {
                let (en, zh) = t.words();
                Problem {
                    sprite: target.name.clone(),
                    costume: costume.name.clone(),
                    target: target_idx,
                    costume_index: costume_idx,
                    en,
                    zh,
                }
            }));
            target_skins.push(skin);
        }
        skins.push(target_skins);
    }
    r.skins = skins;
    problems
}

/// One costume: its skin and anything that went wrong (a placeholder when the file cannot be
/// drawn at all).
fn load_costume(
    fonts: &fonts::Fonts,
    costume: &CostumeDef,
    is_stage: bool,
    file: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> (Skin, Vec<Trouble>) {
    let Some(name) = costume.file.as_deref() else {
        return (placeholder(fonts, is_stage), vec![Trouble::NoFile]);
    };
    let Some(bytes) = file(name) else {
        let trouble = Trouble::Missing {
            file: name.to_owned(),
        };
        return (placeholder(fonts, is_stage), vec![trouble]);
    };
    let centre = costume.rotation_center.map(|(x, y)| [x, y]);
    match decode_costume(fonts, &bytes, name, costume.bitmap_resolution, centre) {
        Ok(decoded) => decoded,
        Err(trouble) => (placeholder(fonts, is_stage), vec![trouble]),
    }
}

/// Decodes one costume file. `resolution` is the bitmapResolution (ignored for SVG);
/// `rotation_center` is in the file's own pixels or SVG units, `None` for the middle.
fn decode_costume(
    fonts: &fonts::Fonts,
    bytes: &[u8],
    name: &str,
    resolution: f64,
    rotation_center: Option<[f64; 2]>,
) -> Result<(Skin, Vec<Trouble>), Trouble> {
    let file = name.to_owned();
    if bytes.len() > MAX_COSTUME_BYTES {
        return Err(Trouble::TooLarge {
            file,
            bytes: bytes.len(),
        });
    }
    let Some(format) = CostumeFormat::sniff(bytes, Some(name)) else {
        return Err(Trouble::UnknownFormat { file });
    };
    let decoded = match format {
        CostumeFormat::Svg => decode_svg(fonts, bytes, rotation_center).map_err(|e| match e {
            SvgError::Damaged => Trouble::Damaged { file, format },
            SvgError::TooDeep => Trouble::TooDeep { file },
            SvgError::EntitiesTooLarge => Trouble::EntitiesTooLarge { file },
            SvgError::TooComplex => Trouble::TooComplex { file },
        }),
        _ => decode_bitmap(bytes, format, resolution, rotation_center)
            .map(|skin| (skin, Vec::new()))
            .map_err(|e| match e {
                BitmapError::Damaged => Trouble::Damaged { file, format },
                BitmapError::TooManyPixels(width, height) => Trouble::TooManyPixels {
                    file,
                    width,
                    height,
                },
            }),
    };
    decoded.map(|(skin, troubles)| {
        let troubles = troubles
            .into_iter()
            .map(|t| match t {
                Trouble::OutsidePicture { href, .. } => Trouble::OutsidePicture {
                    file: name.to_owned(),
                    href,
                },
                other => other,
            })
            .collect();
        (skin, troubles)
    })
}

// ---------------------------------------------------------------------------------------------
// Bitmaps

enum BitmapError {
    Damaged,
    TooManyPixels(u32, u32),
}

fn decode_bitmap(
    bytes: &[u8],
    format: CostumeFormat,
    resolution: f64,
    rotation_center: Option<[f64; 2]>,
) -> Result<Skin, BitmapError> {
    let image_format = match format {
        CostumeFormat::Png => image::ImageFormat::Png,
        CostumeFormat::Jpeg => image::ImageFormat::Jpeg,
        CostumeFormat::Gif => image::ImageFormat::Gif,
        CostumeFormat::Bmp => image::ImageFormat::Bmp,
        CostumeFormat::Svg => return Err(BitmapError::Damaged),
    };
    let reader = || image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format);
    // The header first, so an image that claims to be enormous is never decoded.
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|_| BitmapError::Damaged)?;
    if w == 0 || h == 0 {
        // scratch-render draws an empty image as nothing.
        return Ok(Skin::empty());
    }
    if w > MAX_DECODE_SIDE || h > MAX_DECODE_SIDE || u64::from(w) * u64::from(h) > MAX_DECODE_PIXELS
    {
        return Err(BitmapError::TooManyPixels(w, h));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    // 16-bit RGBA at the largest size, plus the decoder's own buffers.
    limits.max_alloc = Some(MAX_DECODE_PIXELS * 8 + (64 << 20));
    let mut decoder = reader();
    decoder.limits(limits);
    let image = decoder.decode().map_err(|_| BitmapError::Damaged)?;
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let premultiplied = premultiply(rgba.into_raw());

    let resolution = if resolution.is_finite() && resolution > 0.0 {
        resolution
    } else {
        1.0
    };
    let size = [f64::from(w) / resolution, f64::from(h) / resolution];
    let factor = reduction_factor(w, h);
    let (pixels, pw, ph) = if factor > 1 {
        box_downscale(&premultiplied, w, h, factor)
    } else {
        (premultiplied, w, h)
    };
    let pixmap = IntSize::from_wh(pw, ph)
        .and_then(|size| Pixmap::from_vec(pixels, size))
        .ok_or(BitmapError::Damaged)?;
    let base = Bitmap {
        pixmap,
        scale: resolution / f64::from(factor),
    };
    let rotation_center = match rotation_center {
        Some([x, y]) if x.is_finite() && y.is_finite() => [x / resolution, y / resolution],
        _ => [size[0] / 2.0, size[1] / 2.0],
    };
    let hull = convex_hull_sized(&base, size);
    Ok(Skin {
        size,
        rotation_center,
        base,
        mips: Vec::new(),
        is_vector: false,
        vector: None,
        hull,
    })
}

/// Straight RGBA → premultiplied RGBA, in place.
fn premultiply(mut data: Vec<u8>) -> Vec<u8> {
    for px in data.chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        match a {
            255 => {}
            0 => px[..3].fill(0),
            _ => {
                for c in &mut px[..3] {
                    *c = ((u16::from(*c) * a + 127) / 255) as u8;
                }
            }
        }
    }
    data
}

/// The smallest whole factor that brings an image within the size limits.
fn reduction_factor(w: u32, h: u32) -> u32 {
    let mut f = 1u32;
    loop {
        let (fw, fh) = (w.div_ceil(f), h.div_ceil(f));
        if fw <= MAX_BITMAP_SIDE
            && fh <= MAX_BITMAP_SIDE
            && u64::from(fw) * u64::from(fh) <= MAX_BITMAP_PIXELS
        {
            return f;
        }
        f += 1;
    }
}

/// Averages each `factor`×`factor` block of premultiplied pixels (partial blocks at the edges
/// average what they have).
fn box_downscale(data: &[u8], w: u32, h: u32, factor: u32) -> (Vec<u8>, u32, u32) {
    let (ow, oh) = (w.div_ceil(factor), h.div_ceil(factor));
    let (w, factor_us) = (w as usize, factor as usize);
    let mut out = vec![0u8; ow as usize * oh as usize * 4];
    let mut sums = vec![[0u32; 5]; ow as usize];
    for oy in 0..oh as usize {
        sums.iter_mut().for_each(|s| *s = [0; 5]);
        let y0 = oy * factor_us;
        let y1 = (y0 + factor_us).min(h as usize);
        for y in y0..y1 {
            let row = &data[y * w * 4..(y + 1) * w * 4];
            for (x, px) in row.chunks_exact(4).enumerate() {
                let s = &mut sums[x / factor_us];
                s[0] += u32::from(px[0]);
                s[1] += u32::from(px[1]);
                s[2] += u32::from(px[2]);
                s[3] += u32::from(px[3]);
                s[4] += 1;
            }
        }
        for (ox, s) in sums.iter().enumerate() {
            let n = s[4].max(1);
            let o = (oy * ow as usize + ox) * 4;
            for c in 0..4 {
                out[o + c] = ((s[c] + n / 2) / n) as u8;
            }
        }
    }
    (out, ow, oh)
}

// ---------------------------------------------------------------------------------------------
// SVG

#[derive(Debug, PartialEq)]
enum SvgError {
    Damaged,
    TooDeep,
    EntitiesTooLarge,
    TooComplex,
}

/// usvg options for a costume: the renderer's fonts, pictures inside the SVG drawn pixelated
/// (scratch-svg-renderer's `transformImages`), and every link to a picture outside written
/// down (and refused).
fn costume_options(
    fonts: &fonts::Fonts,
    outside: Arc<Mutex<Vec<String>>>,
) -> usvg::Options<'static> {
    let mut opt = fonts.usvg_options();
    opt.image_rendering = usvg::ImageRendering::OptimizeSpeed;
    opt.image_href_resolver.resolve_string = Box::new(move |href, _| {
        if let Ok(mut list) = outside.lock() {
            if list.len() < 16 && !list.iter().any(|h| h == href) {
                list.push(href.to_owned());
            }
        }
        None
    });
    opt
}

/// An SVG costume: parsed, measured as Scratch does, rasterised at one pixel per unit.
fn decode_svg(
    fonts: &fonts::Fonts,
    bytes: &[u8],
    rotation_center: Option<[f64; 2]>,
) -> Result<(Skin, Vec<Trouble>), SvgError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let text = fixup_svg_string(text);
    check_entities(&text)?;

    let outside = Arc::new(Mutex::new(Vec::new()));
    let opt = costume_options(fonts, outside.clone());
    let doc = parse_xml(&text)?;
    check_expansion(&doc)?;
    let root = doc.root_element();
    let view_box = match root.attribute("viewBox") {
        // scratch-render takes an unreadable or empty viewBox as 0×0: nothing is drawn.
        Some(attr) => match parse_view_box(attr) {
            Some(vb) => Some(vb),
            None => return Ok((Skin::empty(), Vec::new())),
        },
        None => None,
    };
    let tree = match usvg::Tree::from_xmltree(&doc, &opt) {
        Ok(tree) => tree,
        // A zero or negative width or height: an empty image, as in a browser.
        Err(usvg::Error::InvalidSize) => return Ok((Skin::empty(), Vec::new())),
        Err(_) => return Err(SvgError::Damaged),
    };

    let (tree, [x, y, width, height]) = match view_box {
        Some(vb) => (tree, vb),
        None => {
            // `transformMeasurements`: the box around what is drawn (without strokes), grown
            // by half the widest stroke-width attribute, becomes width, height and viewBox.
            let bbox = tree.root().abs_bounding_box();
            let (bw, bh) = (f64::from(bbox.width()), f64::from(bbox.height()));
            if !(bw > 0.0 && bh > 0.0) {
                return Ok((Skin::empty(), Vec::new()));
            }
            let half_stroke = largest_stroke_width(&doc) / 2.0;
            let vb = [
                f64::from(bbox.x()) - half_stroke,
                f64::from(bbox.y()) - half_stroke,
                bw + 2.0 * half_stroke,
                bh + 2.0 * half_stroke,
            ];
            let measured = with_measurements(&text, &doc, vb);
            drop(doc);
            let doc = parse_xml(&measured)?;
            let tree = usvg::Tree::from_xmltree(&doc, &opt).map_err(|_| SvgError::Damaged)?;
            (tree, vb)
        }
    };

    let size = [width, height];
    let rotation_center = match rotation_center {
        Some([cx, cy]) if cx.is_finite() && cy.is_finite() => [cx - x, cy - y],
        _ => [width / 2.0, height / 2.0],
    };
    let base_scale = max_texture_scale(size).min(1.0);
    if !patterns_fit(&tree, max_texture_scale(size).max(base_scale)) {
        return Err(SvgError::TooComplex);
    }
    let pixmap = rasterise(&tree, size, base_scale).ok_or(SvgError::Damaged)?;
    let base = Bitmap {
        pixmap,
        scale: base_scale,
    };
    let hull = convex_hull_sized(&base, size);
    let troubles = outside
        .lock()
        .map(|list| list.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|href| Trouble::OutsidePicture {
            file: String::new(),
            href,
        })
        .collect();
    let skin = Skin {
        size,
        rotation_center,
        base,
        mips: Vec::new(),
        is_vector: true,
        vector: Some(Arc::new(tree)),
        hull,
    };
    Ok((skin, troubles))
}

fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, SvgError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_SVG_NODES,
        // External entities are never loaded.
        entity_resolver: None,
    };
    let doc =
        roxmltree::Document::parse_with_options(text, options).map_err(|_| SvgError::Damaged)?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(SvgError::Damaged);
    }
    // usvg and resvg recurse per level of nesting: refuse what could overflow the stack. Nodes
    // come in document order, so each parent's depth is known before its children's.
    let mut depth: HashMap<u32, usize> = HashMap::new();
    for node in doc.root().descendants().filter(|n| n.is_element()) {
        let parent = node
            .parent()
            .map_or(0, |p| depth.get(&p.id().get()).copied().unwrap_or(0));
        if parent + 1 > MAX_SVG_DEPTH {
            return Err(SvgError::TooDeep);
        }
        if node.has_children() {
            depth.insert(node.id().get(), parent + 1);
        }
    }
    Ok(doc)
}

/// The most things an SVG may draw, counting each copy a `<use>` makes, each letter of text and
/// each marker drawn on a path's corners.
const MAX_DRAWN: u64 = 200_000;
/// The most pixels resvg may allocate for one tile of a `<pattern>`.
const MAX_PATTERN_PIXELS: f64 = 16.0 * 1024.0 * 1024.0;

/// Refuses SVGs that would expand into too much to draw (`<use>` copying `<use>`s, "use
/// bombs"; huge texts; markers on huge paths) or nest too deep once `<use>` is followed.
fn check_expansion(doc: &roxmltree::Document) -> Result<(), SvgError> {
    let ids: HashMap<&str, roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.is_element())
        .filter_map(|n| Some((n.attribute("id")?, n)))
        .collect();
    let styled_markers = doc
        .descendants()
        .any(|n| n.has_tag_name("style") && n.text().is_some_and(|t| t.contains("marker")));
    let mut est = Estimator {
        ids,
        memo: HashMap::new(),
        active: Vec::new(),
        styled_markers,
        marker_cost: 0,
    };
    let mut marker_cost = 0u64;
    for marker in doc.descendants().filter(|n| n.has_tag_name("marker")) {
        marker_cost = marker_cost.max(est.cost(marker, 0)?.0);
    }
    est.marker_cost = marker_cost;
    est.memo.clear();
    est.cost(doc.root_element(), 0).map(|_| ())
}

struct Estimator<'a, 'input> {
    ids: HashMap<&'a str, roxmltree::Node<'a, 'input>>,
    /// Per element: what it draws and how deep it nests, `<use>` followed.
    memo: HashMap<u32, (u64, usize)>,
    /// The elements being estimated (a `<use>` cycle, which usvg skips, counts as nothing).
    active: Vec<u32>,
    styled_markers: bool,
    marker_cost: u64,
}

impl<'a, 'input> Estimator<'a, 'input> {
    fn cost(
        &mut self,
        node: roxmltree::Node<'a, 'input>,
        level: usize,
    ) -> Result<(u64, usize), SvgError> {
        if level > MAX_SVG_DEPTH {
            return Err(SvgError::TooDeep);
        }
        let id = node.id().get();
        if let Some(&(count, depth)) = self.memo.get(&id) {
            if level + depth > MAX_SVG_DEPTH + 1 {
                return Err(SvgError::TooDeep);
            }
            return Ok((count, depth));
        }
        if self.active.contains(&id) {
            return Ok((0, 0));
        }
        self.active.push(id);
        let mut count = 1u64;
        let mut depth = 0usize;
        let is_text = matches!(node.tag_name().name(), "text" | "tspan" | "textPath");
        for child in node.children() {
            if child.is_element() {
                let (c, d) = self.cost(child, level + 1)?;
                count = count.saturating_add(c);
                depth = depth.max(d);
            } else if is_text {
                let letters = child
                    .text()
                    .map_or(0, |t| t.chars().filter(|c| !c.is_whitespace()).count());
                count = count.saturating_add(letters as u64);
            }
            if count > MAX_DRAWN {
                return Err(SvgError::TooComplex);
            }
        }
        if node.tag_name().name() == "use" {
            let href = node
                .attributes()
                .find(|a| a.name() == "href")
                .map(|a| a.value().trim());
            if let Some(target) = href
                .and_then(|h| h.strip_prefix('#'))
                .and_then(|h| self.ids.get(h).copied())
            {
                let (c, d) = self.cost(target, level + 1)?;
                count = count.saturating_add(c);
                depth = depth.max(d);
            }
        }
        if self.marker_cost > 0 {
            let marked = self.styled_markers
                || node.attributes().any(|a| {
                    a.name().starts_with("marker")
                        || (a.name() == "style" && a.value().contains("marker"))
                });
            if marked {
                let data = node.attribute("d").map_or(0, str::len)
                    + node.attribute("points").map_or(0, str::len);
                let corners = data as u64 / 2 + 2;
                count = count.saturating_add(corners.saturating_mul(self.marker_cost));
            }
        }
        if count > MAX_DRAWN {
            return Err(SvgError::TooComplex);
        }
        self.active.pop();
        self.memo.insert(id, (count, depth + 1));
        Ok((count, depth + 1))
    }
}

/// Whether every `<pattern>` tile resvg would draw at `scale` pixels per unit stays a sane size
/// (resvg allocates a whole tile, however large).
fn patterns_fit(tree: &usvg::Tree, scale: f64) -> bool {
    let mut budget = 100_000usize;
    let ts = usvg::Transform::from_scale(scale as f32, scale as f32);
    group_patterns_fit(tree.root(), ts, &mut budget, 0)
}

fn group_patterns_fit(
    group: &usvg::Group,
    ts: usvg::Transform,
    budget: &mut usize,
    level: u32,
) -> bool {
    for node in group.children() {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let fits = match node {
            usvg::Node::Group(g) => {
                group_patterns_fit(g, ts, budget, level)
                    && g.mask()
                        .is_none_or(|m| group_patterns_fit(m.root(), ts, budget, level))
            }
            usvg::Node::Path(path) => {
                let paints = [
                    path.fill().map(|f| f.paint()),
                    path.stroke().map(|s| s.paint()),
                ];
                paints.into_iter().flatten().all(|paint| match paint {
                    usvg::Paint::Pattern(pattern) => {
                        pattern_fits(pattern, ts.pre_concat(path.abs_transform()), budget, level)
                    }
                    _ => true,
                })
            }
            usvg::Node::Text(text) => group_patterns_fit(text.flattened(), ts, budget, level),
            usvg::Node::Image(_) => true,
        };
        if !fits {
            return false;
        }
    }
    true
}

fn pattern_fits(
    pattern: &usvg::Pattern,
    ts: usvg::Transform,
    budget: &mut usize,
    level: u32,
) -> bool {
    if level >= 4 {
        return false;
    }
    let (sx, sy) = ts.pre_concat(pattern.transform()).get_scale();
    let rect = pattern.rect();
    let pixels = f64::from((rect.width() * sx).round()) * f64::from((rect.height() * sy).round());
    pixels.is_finite()
        && pixels <= MAX_PATTERN_PIXELS
        && group_patterns_fit(
            pattern.root(),
            usvg::Transform::from_scale(sx, sy),
            budget,
            level + 1,
        )
}

/// `x y width height`, separated by spaces and/or commas, width and height positive.
fn parse_view_box(attr: &str) -> Option<[f64; 4]> {
    let mut numbers = attr
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().ok().filter(|v| v.is_finite()));
    let vb = [
        numbers.next()??,
        numbers.next()??,
        numbers.next()??,
        numbers.next()??,
    ];
    if numbers.next().is_some() || !(vb[2] > 0.0 && vb[3] > 0.0) {
        return None;
    }
    Some(vb)
}

/// scratch-svg-renderer's `findLargestStrokeWidth`: 1 for any element with a `stroke`
/// attribute, else the largest `stroke-width` attribute (styles are not looked at).
fn largest_stroke_width(doc: &roxmltree::Document) -> f64 {
    let mut largest = 0.0f64;
    for node in doc.descendants().filter(|n| n.is_element()) {
        if node.attribute("stroke").is_some_and(|s| !s.is_empty()) {
            largest = largest.max(1.0);
        }
        if let Some(w) = node.attribute("stroke-width") {
            let w = if w.trim().is_empty() {
                0.0
            } else {
                w.trim().parse::<f64>().unwrap_or(0.0)
            };
            if w.is_finite() {
                largest = largest.max(w);
            }
        }
    }
    largest
}

/// The SVG text with the root element's width, height and viewBox set to `vb` (what Scratch
/// does to an SVG it has measured).
fn with_measurements(text: &str, doc: &roxmltree::Document, vb: [f64; 4]) -> String {
    let root = doc.root_element();
    let mut remove: Vec<std::ops::Range<usize>> = root
        .attributes()
        .filter(|a| a.namespace().is_none() && matches!(a.name(), "width" | "height" | "viewBox"))
        .map(|a| a.range())
        .collect();
    remove.sort_by_key(|r| r.start);
    // Just after the tag name.
    let start = root.range().start;
    let name_end = text[start + 1..]
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .map_or(text.len(), |i| start + 1 + i);
    let [x, y, w, h] = vb;
    let attrs = format!(r#" width="{w}" height="{h}" viewBox="{x} {y} {w} {h}""#);
    let mut out = String::with_capacity(text.len() + attrs.len());
    out.push_str(&text[..name_end]);
    out.push_str(&attrs);
    let mut at = name_end;
    for r in remove {
        if r.start >= at {
            out.push_str(&text[at..r.start]);
            at = r.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// scratch-svg-renderer's `fixupSvgString`, plus namespace declarations that hand-written SVGs
/// forget: the string fixes that let files from odd editors parse.
fn fixup_svg_string(text: &str) -> String {
    // Strip the `svg:` prefix from tags (Inkscape sometimes writes it).
    let mut s = String::with_capacity(text.len() + 128);
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        s.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let slash = rest.starts_with('/');
        let after_slash = if slash { &rest[1..] } else { rest };
        let trimmed = after_slash.trim_start();
        if let Some(tail) = trimmed.strip_prefix("svg:") {
            if slash {
                s.push('/');
            }
            rest = tail;
        }
    }
    s.push_str(rest);

    // The root tag: add the SVG (and xlink) namespace if missing, and replace Illustrator's
    // undeclared `&ns_…;` entities when there is no DOCTYPE to declare them.
    if let Some((start, end)) = root_tag_span(&s) {
        let tag = &s[start..end];
        let mut new_tag = tag.to_owned();
        if !tag.contains("xmlns=") {
            new_tag.insert_str(4, r#" xmlns="http://www.w3.org/2000/svg""#);
        }
        if !tag.contains("xmlns:xlink=") && s.contains("xlink:") {
            new_tag.insert_str(4, r#" xmlns:xlink="http://www.w3.org/1999/xlink""#);
        }
        if new_tag.contains("&ns_") && !s.contains("<!DOCTYPE") {
            new_tag = replace_ns_entities(&new_tag);
        }
        if new_tag != tag {
            s.replace_range(start..end, &new_tag);
        }
    }

    // Prefixes bound to the reserved XML namespace make the parser fail.
    const XML_NS: &str = "\"http://www.w3.org/XML/1998/namespace\"";
    if s.contains(XML_NS) {
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find(XML_NS) {
            let before = &rest[..i];
            let bound_to_xml = before.trim_end().ends_with("xmlns:xml=");
            out.push_str(before);
            out.push_str(if bound_to_xml {
                XML_NS
            } else {
                "\"http://dummy.namespace\""
            });
            rest = &rest[i + XML_NS.len()..];
        }
        out.push_str(rest);
        s = out;
    }

    // Empty <metadata> (Illustrator puts unparseable things there) and scripts, from the first
    // opening tag to the last closing one, as Scratch's regular expressions do.
    s = empty_between(&s, "<metadata>", "</metadata>", "<metadata></metadata>");
    s = empty_between(&s, "<script", "</script>", "<script></script>");
    s
}

/// The byte span of the root `<svg …>` start tag.
fn root_tag_span(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = s[from..].find("<svg") {
        let start = from + i;
        let next = s.as_bytes().get(start + 4).copied();
        if matches!(next, Some(b) if b.is_ascii_whitespace() || b == b'>' || b == b'/') {
            let end = start + s[start..].find('>')? + 1;
            return Some((start, end));
        }
        from = start + 4;
    }
    None
}

fn replace_ns_entities(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut rest = tag;
    while let Some(i) = rest.find("&ns_") {
        out.push_str(&rest[..i]);
        match rest[i..].find(';') {
            Some(j) => {
                out.push_str("http://ns.adobe.com/Extensibility/1.0/");
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn empty_between(s: &str, open: &str, close: &str, replacement: &str) -> String {
    match (s.find(open), s.rfind(close)) {
        (Some(a), Some(b)) if a < b => {
            let mut out = String::with_capacity(s.len());
            out.push_str(&s[..a]);
            out.push_str(replacement);
            out.push_str(&s[b + close.len()..]);
            out
        }
        _ => s.to_owned(),
    }
}

/// Refuses documents whose entities nest or would expand to more than
/// [`MAX_ENTITY_EXPANSION`] bytes ("billion laughs").
fn check_entities(text: &str) -> Result<(), SvgError> {
    if !text.contains("<!ENTITY") {
        return Ok(());
    }
    let mut entities: HashMap<&str, usize> = HashMap::new();
    let mut rest = text;
    while let Some(i) = rest.find("<!ENTITY") {
        rest = &rest[i + "<!ENTITY".len()..];
        let decl = rest.trim_start();
        let name_len = decl.find(|c: char| c.is_whitespace()).unwrap_or(decl.len());
        let name = &decl[..name_len];
        let after = decl[name_len..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            // External (SYSTEM/PUBLIC) entities are never loaded; parameter entities are
            // left to the parser, which refuses what it cannot handle.
            continue;
        };
        let Some(len) = after[1..].find(quote) else {
            return Err(SvgError::Damaged);
        };
        let value = &after[1..1 + len];
        if value.contains('&') || value.contains('%') {
            return Err(SvgError::EntitiesTooLarge);
        }
        entities.insert(name, value.len());
        if entities.len() > 256 {
            return Err(SvgError::EntitiesTooLarge);
        }
    }
    let mut total = 0usize;
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let window = &rest.as_bytes()[..rest.len().min(128)];
        if let Some(end) = window.iter().position(|&b| b == b';') {
            if let Some(len) = entities.get(&rest[..end]) {
                total = total.saturating_add(*len);
                if total > MAX_ENTITY_EXPANSION {
                    return Err(SvgError::EntitiesTooLarge);
                }
            }
        }
    }
    Ok(())
}

/// `SVGSkin`'s `_maxTextureScale`, extended below 1 for SVGs too large for one texture: the
/// largest power of two `s` with `ceil(longest side) × s ≤ 2048`.
fn max_texture_scale(size: [f64; 2]) -> f64 {
    let longest = size[0].max(size[1]).ceil();
    if !(longest.is_finite() && longest > 0.0) {
        return 1.0;
    }
    let mut scale = 1.0f64;
    while longest * scale * 2.0 <= MAX_TEXTURE_SIDE && scale < 64.0 {
        scale *= 2.0;
    }
    while longest * scale > MAX_TEXTURE_SIDE && scale > f64::MIN_POSITIVE * 1e10 {
        scale /= 2.0;
    }
    scale
}

/// The SVG drawn at `scale` pixels per unit from its top-left corner onto a canvas of
/// `size × scale` pixels (rounded down, at least 1), premultiplied.
fn rasterise(tree: &usvg::Tree, size: [f64; 2], scale: f64) -> Option<Pixmap> {
    let side = |units: f64| {
        let px = (units * scale).floor();
        if px.is_finite() {
            px.clamp(1.0, MAX_TEXTURE_SIDE * 2.0) as u32
        } else {
            1
        }
    };
    let (w, h) = (side(size[0]), side(size[1]));
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)?;
    let transform = resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32);
    resvg::render(tree, transform, &mut pixmap.as_mut());
    // resvg draws with its own tiny-skia; the bytes are the same premultiplied RGBA.
    Pixmap::from_vec(pixmap.take(), IntSize::from_wh(w, h)?)
}

/// The bitmap to draw a skin with at `pixels_per_unit`: for an SVG costume the mip at the
/// smallest power of two at least that sharp (scratch-render's `getTexture`), within
/// [`MIN_MIP_SCALE`] and the 2048-pixel limit, made once and kept; the base bitmap otherwise.
pub(crate) fn bitmap_for_scale(skin: &mut Skin, pixels_per_unit: f64) -> &Bitmap {
    let Some(tree) = skin.vector.clone() else {
        return &skin.base;
    };
    if !(pixels_per_unit.is_finite() && pixels_per_unit > 0.0) {
        return &skin.base;
    }
    let max_scale = max_texture_scale(skin.size).max(skin.base.scale);
    let wanted = 2f64.powi(pixels_per_unit.log2().ceil().clamp(-60.0, 60.0) as i32);
    let lowest = MIN_MIP_SCALE.min(skin.base.scale);
    if lowest.is_nan() || max_scale.is_nan() || lowest > max_scale {
        return &skin.base;
    }
    let scale = wanted.clamp(lowest, max_scale);
    if scale == skin.base.scale {
        return &skin.base;
    }
    let index = match skin.mips.iter().position(|m| m.scale == scale) {
        Some(i) => i,
        None => match rasterise(&tree, skin.size, scale) {
            Some(pixmap) => {
                skin.mips.push(Bitmap { pixmap, scale });
                skin.mips.len() - 1
            }
            None => return &skin.base,
        },
    };
    &skin.mips[index]
}

// ---------------------------------------------------------------------------------------------
// Built-in costumes

/// An SVG this crate ships, as a skin (they always parse; an empty skin if not).
fn builtin_svg(fonts: &fonts::Fonts, svg: &str) -> Skin {
    decode_svg(fonts, svg.as_bytes(), None)
        .map(|(skin, _)| skin)
        .unwrap_or_else(|_| Skin::empty())
}

/// What a costume that cannot be drawn becomes: the grey question mark; for the stage, a white
/// backdrop with the question mark in the middle.
fn placeholder(fonts: &fonts::Fonts, is_stage: bool) -> Skin {
    if !is_stage {
        return builtin_svg(fonts, PLACEHOLDER_SVG);
    }
    let (w, h) = (STAGE_WIDTH, STAGE_HEIGHT);
    let inner = PLACEHOLDER_SVG
        .find("<rect")
        .and_then(|a| Some(&PLACEHOLDER_SVG[a..PLACEHOLDER_SVG.rfind("</svg>")?]))
        .unwrap_or("");
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">
             <rect width="{w}" height="{h}" fill="#ffffff"/>
             <g transform="translate({} {})">{inner}</g></svg>"##,
        w / 2 - 20,
        h / 2 - 20
    );
    builtin_svg(fonts, &svg)
}

/// The costume of a target that has none: Starling the bird for a sprite, a white 480×360
/// backdrop for the stage.
fn default_costume(fonts: &fonts::Fonts, is_stage: bool) -> Skin {
    if is_stage {
        let mut pixmap = match Pixmap::new(STAGE_WIDTH, STAGE_HEIGHT) {
            Some(p) => p,
            None => return Skin::empty(),
        };
        pixmap.fill(tiny_skia::Color::WHITE);
        Skin::from_pixmap(pixmap, 1.0, None)
    } else {
        builtin_svg(fonts, DEFAULT_SPRITE_SVG)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starling_runtime::program::TargetDef;

    fn fonts() -> fonts::Fonts {
        fonts::Fonts::new()
    }

    fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .expect("encodes");
        bytes
    }

    /// A `w`×`h` picture, opaque red on the left half and transparent on the right.
    fn half_red(w: u32, h: u32) -> image::DynamicImage {
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                image::Rgba([255, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        }))
    }

    fn decode(bytes: &[u8], name: &str, resolution: f64, centre: Option<[f64; 2]>) -> Skin {
        let (skin, troubles) =
            decode_costume(&fonts(), bytes, name, resolution, centre).expect("decodes");
        assert!(troubles.is_empty(), "{troubles:?}");
        skin
    }

    fn decode_err(bytes: &[u8], name: &str) -> Trouble {
        decode_costume(&fonts(), bytes, name, 1.0, None).expect_err("refused")
    }

    fn svg(body: &str) -> Vec<u8> {
        body.as_bytes().to_vec()
    }

    fn texel(b: &Bitmap, x: u32, y: u32) -> [u8; 4] {
        b.texel(i64::from(x), i64::from(y))
    }

    fn dark_pixels(b: &Bitmap) -> usize {
        b.pixmap
            .pixels()
            .iter()
            .filter(|p| p.alpha() > 128 && p.red() < 100 && p.green() < 100)
            .count()
    }

    fn program(targets: Vec<TargetDef>) -> Program {
        Program {
            constants: Vec::new(),
            chunks: Vec::new(),
            targets,
            scripts: Vec::new(),
            procs: Vec::new(),
            monitors: Vec::new(),
        }
    }

    fn costume(name: &str, file: Option<&str>, centre: Option<(f64, f64)>) -> CostumeDef {
        CostumeDef {
            name: name.to_owned(),
            file: file.map(str::to_owned),
            rotation_center: centre,
            bitmap_resolution: 1.0,
            size: None,
        }
    }

    #[test]
    fn formats_are_recognised_by_their_bytes_with_the_extension_as_a_hint() {
        let png = encode(half_red(4, 4), image::ImageFormat::Png);
        let jpeg = encode(
            image::DynamicImage::ImageRgb8(image::RgbImage::new(4, 4)),
            image::ImageFormat::Jpeg,
        );
        let gif = encode(half_red(4, 4), image::ImageFormat::Gif);
        let bmp = encode(half_red(4, 4), image::ImageFormat::Bmp);
        let sniff = CostumeFormat::sniff;
        assert_eq!(sniff(&png, Some("a.svg")), Some(CostumeFormat::Png));
        assert_eq!(sniff(&jpeg, Some("a.png")), Some(CostumeFormat::Jpeg));
        assert_eq!(sniff(&gif, None), Some(CostumeFormat::Gif));
        assert_eq!(sniff(&bmp, None), Some(CostumeFormat::Bmp));
        let text = b"\xEF\xBB\xBF\n <?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>";
        assert_eq!(sniff(text, Some("x.png")), Some(CostumeFormat::Svg));
        assert_eq!(sniff(b"garbage", Some("x.PNG")), Some(CostumeFormat::Png));
        assert_eq!(sniff(b"garbage", Some("x.txt")), None);
        assert_eq!(sniff(b"", None), None);
    }

    #[test]
    fn png_size_and_rotation_centre_follow_the_bitmap_resolution() {
        let png = encode(half_red(20, 10), image::ImageFormat::Png);
        let skin = decode(&png, "a.png", 1.0, Some([4.0, 6.0]));
        assert_eq!(skin.size, [20.0, 10.0]);
        assert_eq!(skin.rotation_center, [4.0, 6.0]);
        assert_eq!(texel(&skin.base, 0, 0), [255, 0, 0, 255]);
        assert_eq!(texel(&skin.base, 15, 5), [0, 0, 0, 0]);
        assert!(skin.vector.is_none());

        // bitmapResolution 2 (Scratch 3's bitmaps) halves the size on the stage.
        let skin = decode(&png, "a.png", 2.0, Some([4.0, 6.0]));
        assert_eq!(skin.size, [10.0, 5.0]);
        assert_eq!(skin.rotation_center, [2.0, 3.0]);
        assert_eq!(skin.base.scale, 2.0);

        // No centre: the middle.
        let skin = decode(&png, "a.png", 2.0, None);
        assert_eq!(skin.rotation_center, [5.0, 2.5]);
        // The hull covers the red half only (in units, Scratch's unit middles).
        let xs: Vec<f64> = skin.hull.iter().map(|p| p[0]).collect();
        assert!(xs.iter().all(|&x| x <= 5.5), "{:?}", skin.hull);
    }

    #[test]
    fn jpeg_gif_and_bmp_decode_with_their_size() {
        let jpeg = encode(
            image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
                16,
                8,
                image::Rgb([0, 0, 255]),
            )),
            image::ImageFormat::Jpeg,
        );
        let skin = decode(&jpeg, "photo.jpg", 1.0, None);
        assert_eq!(skin.size, [16.0, 8.0]);
        assert_eq!(skin.rotation_center, [8.0, 4.0]);
        let p = texel(&skin.base, 8, 4);
        assert!(p[2] > 240 && p[0] < 16 && p[3] == 255, "{p:?}");

        let bmp = encode(half_red(6, 3), image::ImageFormat::Bmp);
        let skin = decode(&bmp, "b.bmp", 1.0, Some([1.0, 1.0]));
        assert_eq!(skin.size, [6.0, 3.0]);
        assert_eq!(texel(&skin.base, 0, 0), [255, 0, 0, 255]);
        assert_eq!(texel(&skin.base, 5, 0)[3], 0);

        // An animated GIF: its first frame (green), not the second (blue).
        let mut gif = Vec::new();
        {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
            let frame =
                |c: [u8; 4]| image::Frame::new(image::RgbaImage::from_pixel(5, 7, image::Rgba(c)));
            encoder
                .encode_frames([frame([0, 255, 0, 255]), frame([0, 0, 255, 255])])
                .unwrap();
        }
        let skin = decode(&gif, "anim.gif", 1.0, None);
        assert_eq!(skin.size, [5.0, 7.0]);
        let p = texel(&skin.base, 2, 3);
        assert!(p[1] > 240 && p[2] < 16, "{p:?}");
    }

    #[test]
    fn bitmaps_are_premultiplied() {
        let img = image::RgbaImage::from_pixel(2, 2, image::Rgba([200, 100, 50, 128]));
        let png = encode(
            image::DynamicImage::ImageRgba8(img),
            image::ImageFormat::Png,
        );
        let skin = decode(&png, "a.png", 1.0, None);
        assert_eq!(texel(&skin.base, 1, 1), [100, 50, 25, 128]);
    }

    #[test]
    fn large_bitmaps_are_scaled_down_and_keep_their_stage_size() {
        let png = encode(half_red(3000, 1000), image::ImageFormat::Png);
        let skin = decode(&png, "big.png", 2.0, Some([3000.0, 500.0]));
        assert_eq!(skin.size, [1500.0, 500.0]);
        assert_eq!(skin.rotation_center, [1500.0, 250.0]);
        assert!(skin.base.pixmap.width() <= 2048 && skin.base.pixmap.height() <= 2048);
        assert!(
            u64::from(skin.base.pixmap.width()) * u64::from(skin.base.pixmap.height()) <= 4 << 20
        );
        assert_eq!(skin.base.scale, 1.0); // 2 px per unit, halved
        assert_eq!(skin.base.pixmap.width(), 1500);
        assert_eq!(texel(&skin.base, 10, 10), [255, 0, 0, 255]);
    }

    #[test]
    fn svg_size_is_the_view_box_and_the_centre_moves_with_its_origin() {
        let bytes = svg(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="10 20 100 50">
                <rect x="10" y="20" width="10" height="10" fill="#000"/></svg>"##,
        );
        let skin = decode(&bytes, "a.svg", 2.0, Some([60.0, 45.0]));
        assert_eq!(skin.size, [100.0, 50.0]);
        // rotationCenter − viewBox origin (scratch-render PR 90).
        assert_eq!(skin.rotation_center, [50.0, 25.0]);
        assert_eq!(skin.base.scale, 1.0, "SVGs ignore the bitmap resolution");
        assert_eq!(
            (skin.base.pixmap.width(), skin.base.pixmap.height()),
            (100, 50)
        );
        assert_eq!(texel(&skin.base, 5, 5), [0, 0, 0, 255]);
        assert_eq!(texel(&skin.base, 12, 5)[3], 0);
        assert_eq!(texel(&skin.base, 5, 12)[3], 0);
        assert!(skin.vector.is_some());

        // No centre: the middle of the viewBox.
        let skin = decode(&bytes, "a.svg", 1.0, None);
        assert_eq!(skin.rotation_center, [50.0, 25.0]);
    }

    #[test]
    fn svg_without_width_and_height_takes_them_from_the_view_box() {
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 32">
                <circle cx="32" cy="16" r="10"/></svg>"#,
        );
        let skin = decode(&bytes, "a.svg", 1.0, None);
        assert_eq!(skin.size, [64.0, 32.0]);
        assert_eq!(
            (skin.base.pixmap.width(), skin.base.pixmap.height()),
            (64, 32)
        );
        assert_eq!(texel(&skin.base, 32, 16)[3], 255);
    }

    #[test]
    fn svg_with_width_other_than_its_view_box_is_drawn_at_its_natural_size() {
        // Scratch draws the picture at width × height onto a canvas of the viewBox's size.
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 20 20">
                <rect x="5" y="5" width="5" height="5"/></svg>"#,
        );
        let skin = decode(&bytes, "a.svg", 1.0, None);
        assert_eq!(skin.size, [20.0, 20.0]);
        assert_eq!(texel(&skin.base, 11, 11)[3], 255);
        assert_eq!(texel(&skin.base, 9, 9)[3], 0);
    }

    #[test]
    fn svg_without_a_view_box_is_measured_like_scratch() {
        // The box around the rectangle (100, 50, 40, 20), grown by half the stroke width 4.
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360">
                <rect x="100" y="50" width="40" height="20" fill="red" stroke="black" stroke-width="4"/>
                </svg>"#,
        );
        let skin = decode(&bytes, "a.svg", 1.0, Some([120.0, 60.0]));
        assert_eq!(skin.size, [44.0, 24.0]);
        assert_eq!(skin.rotation_center, [22.0, 12.0]);
        assert_eq!(
            (skin.base.pixmap.width(), skin.base.pixmap.height()),
            (44, 24)
        );
        // The stroke reaches the corners; the middle is red.
        assert_eq!(texel(&skin.base, 0, 0), [0, 0, 0, 255]);
        assert_eq!(texel(&skin.base, 22, 12), [255, 0, 0, 255]);

        // Nothing drawn at all: an empty costume, like Scratch.
        let empty = svg(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#);
        let skin = decode(&empty, "e.svg", 1.0, None);
        assert!(skin.hull.is_empty());
    }

    #[test]
    fn svg_from_odd_editors_is_fixed_up_before_parsing() {
        // No namespace, an `svg:` prefix, undeclared xlink, garbage in <metadata> and a script.
        let bytes = svg(r##"<svg width="10" height="10" viewBox="0 0 10 10">
                <metadata><x:junk & not xml</metadata>
                <script>if (a < b) { alert(1) }</script>
                <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
                <svg:rect width="10" height="10" fill="black"/>
                <use xlink:href="#nothing"/></svg>"##);
        let skin = decode(&bytes, "odd.svg", 1.0, None);
        assert_eq!(texel(&skin.base, 5, 5), [0, 0, 0, 255]);
    }

    #[test]
    fn svg_mips_are_sharper_and_kept() {
        // A bar half a unit wide: faint at one pixel per unit, solid at four.
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10">
                <rect x="10" y="0" width="0.5" height="10"/></svg>"#,
        );
        let mut skin = decode(&bytes, "bar.svg", 1.0, None);
        let faint = texel(&skin.base, 10, 5)[3];
        assert!((100..160).contains(&faint), "{faint}");

        let mip = skin.bitmap_for_scale(3.0);
        assert_eq!(mip.scale, 4.0);
        assert_eq!((mip.pixmap.width(), mip.pixmap.height()), (80, 40));
        assert_eq!(texel(mip, 40, 20)[3], 255);
        assert_eq!(texel(mip, 41, 20)[3], 255);
        assert_eq!(texel(mip, 42, 20)[3], 0);

        assert_eq!(skin.bitmap_for_scale(2.0).scale, 2.0);
        assert_eq!(skin.bitmap_for_scale(4.0).scale, 4.0);
        assert_eq!(skin.mips.len(), 2, "made once, then kept");
        assert_eq!(skin.bitmap_for_scale(1.0).scale, 1.0);
        assert_eq!(skin.bitmap_for_scale(0.7).scale, 1.0);
        assert_eq!(skin.bitmap_for_scale(0.3).scale, 0.5);
        assert_eq!(skin.bitmap_for_scale(f64::NAN).scale, 1.0);

        // No side over 2048 pixels: a 1000-unit SVG stops at 2×.
        let wide = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="10"><rect width="1000" height="10"/></svg>"#,
        );
        let mut skin = decode(&wide, "wide.svg", 1.0, None);
        let mip = skin.bitmap_for_scale(8.0);
        assert_eq!(mip.scale, 2.0);
        assert_eq!(mip.pixmap.width(), 2000);

        // Bitmaps have no mips.
        let png = encode(half_red(4, 4), image::ImageFormat::Png);
        let mut skin = decode(&png, "a.png", 2.0, None);
        assert_eq!(skin.bitmap_for_scale(8.0).scale, 2.0);
    }

    #[test]
    fn chinese_text_in_an_svg_costume_is_drawn() {
        let bytes = svg(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
                <text x="2" y="30" font-family="Sans Serif" font-size="24" fill="#000">你好 Hi</text></svg>"##,
        );
        let skin = decode(&bytes, "text.svg", 1.0, None);
        assert!(dark_pixels(&skin.base) > 100, "{}", dark_pixels(&skin.base));
    }

    // Hostile input: never a panic, never a huge allocation.

    #[test]
    fn a_truncated_png_is_a_placeholder_and_a_problem() {
        let png = encode(half_red(64, 64), image::ImageFormat::Png);
        let cut = &png[..png.len() / 2];
        assert_eq!(
            decode_err(cut, "cat.png"),
            Trouble::Damaged {
                file: "cat.png".into(),
                format: CostumeFormat::Png
            }
        );
        let jpeg = encode(
            image::DynamicImage::ImageRgb8(image::RgbImage::new(32, 32)),
            image::ImageFormat::Jpeg,
        );
        assert!(matches!(
            decode_err(&jpeg[..40], "a.jpg"),
            Trouble::Damaged { .. }
        ));
    }

    #[test]
    fn garbage_is_a_placeholder_and_a_problem() {
        assert!(matches!(
            decode_err(b"\x00\x01garbage", "x.dat"),
            Trouble::UnknownFormat { .. }
        ));
        assert!(matches!(
            decode_err(b"garbage", "x.svg"),
            Trouble::Damaged { .. }
        ));
        assert!(matches!(
            decode_err(b"<svg><g></svg>", "x.svg"),
            Trouble::Damaged { .. }
        ));
        assert!(matches!(
            decode_err(b"<html><svg/></html>", "x.svg"),
            Trouble::Damaged { .. }
        ));
        assert!(matches!(
            decode_err(
                b"BM\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
                "x"
            ),
            Trouble::Damaged { .. }
        ));
        let big = vec![b' '; MAX_COSTUME_BYTES + 1];
        assert!(matches!(
            decode_err(&big, "big.svg"),
            Trouble::TooLarge { .. }
        ));
    }

    #[test]
    fn a_png_claiming_to_be_enormous_is_refused_unread() {
        let mut png = encode(half_red(1, 1), image::ImageFormat::Png);
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        // With a correct checksum, so the header reads well.
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            decode_err(&png, "huge.png"),
            Trouble::TooManyPixels {
                width: 100_000,
                height: 100_000,
                ..
            }
        ));
    }

    #[test]
    fn an_enormous_svg_is_drawn_scaled_down() {
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000" viewBox="0 0 100000 100000">
                <circle cx="50000" cy="50000" r="50000"/></svg>"#,
        );
        let mut skin = decode(&bytes, "huge.svg", 1.0, None);
        assert_eq!(skin.size, [100_000.0, 100_000.0]);
        assert_eq!(skin.rotation_center, [50_000.0, 50_000.0]);
        assert!(skin.base.pixmap.width() <= 2048 && skin.base.pixmap.height() <= 2048);
        assert_eq!(skin.base.scale, 1.0 / 64.0);
        assert!(!skin.hull.is_empty());
        // Asking for more sharpness gives no bigger bitmap.
        assert!(skin.bitmap_for_scale(4.0).pixmap.width() <= 2048);
        assert!(skin.mips.is_empty());

        // Without a viewBox too.
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000">
                <rect width="100000" height="100000"/></svg>"#,
        );
        let skin = decode(&bytes, "huge.svg", 1.0, None);
        assert_eq!(skin.size, [100_000.0, 100_000.0]);
        assert!(skin.base.pixmap.width() <= 2048);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let deep = |levels: usize| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}<rect width="10" height="10"/>{}</svg>"#,
                "<g>".repeat(levels),
                "</g>".repeat(levels)
            )
        };
        assert!(matches!(
            decode_err(deep(5000).as_bytes(), "deep.svg"),
            Trouble::TooDeep { .. }
        ));
        assert!(matches!(
            decode_err(deep(MAX_SVG_DEPTH).as_bytes(), "deep.svg"),
            Trouble::TooDeep { .. }
        ));
        // Just within the limit, on a test thread's small stack: drawn.
        let skin = decode(deep(MAX_SVG_DEPTH - 2).as_bytes(), "deep.svg", 1.0, None);
        assert_eq!(texel(&skin.base, 5, 5)[3], 255);
    }

    #[test]
    fn svgs_that_expand_into_too_much_are_refused() {
        let head = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" viewBox="0 0 10 10">"#;
        // A use bomb: each level copies the one before twice (2^40 rectangles).
        let mut bomb = format!(r#"{head}<defs><rect id="a0" width="1" height="1"/>"#);
        for i in 1..40 {
            bomb.push_str(&format!(
                r##"<g id="a{i}"><use xlink:href="#a{0}"/><use href="#a{0}"/></g>"##,
                i - 1
            ));
        }
        bomb.push_str(r##"</defs><use xlink:href="#a39"/></svg>"##);
        let start = std::time::Instant::now();
        assert!(matches!(
            decode_err(bomb.as_bytes(), "bomb.svg"),
            Trouble::TooComplex { .. }
        ));
        assert!(start.elapsed().as_secs_f64() < 2.0);

        // A chain of uses nests deeper than the limit.
        let mut chain = format!(r#"{head}<defs><rect id="a0" width="1" height="1"/>"#);
        for i in 1..1000 {
            chain.push_str(&format!(
                r##"<g id="a{i}"><use xlink:href="#a{}"/></g>"##,
                i - 1
            ));
        }
        chain.push_str(r##"</defs><use xlink:href="#a999"/></svg>"##);
        assert!(matches!(
            decode_err(chain.as_bytes(), "chain.svg"),
            Trouble::TooDeep { .. }
        ));

        // A use of itself is skipped, as usvg does, not followed forever.
        let cycle = format!(
            r##"{head}<g id="me"><rect width="10" height="10"/><use href="#me"/></g></svg>"##
        );
        decode(cycle.as_bytes(), "cycle.svg", 1.0, None);

        // A million letters.
        let text = format!("{head}<text>{}</text></svg>", "中".repeat(1_000_000));
        assert!(matches!(
            decode_err(text.as_bytes(), "text.svg"),
            Trouble::TooComplex { .. }
        ));

        // A marker with many shapes on a path with very many corners.
        let marker = format!(
            r##"{head}<defs><marker id="m">{}</marker></defs><path marker-mid="url(#m)" d="M0 0{}"/></svg>"##,
            "<rect width=\"1\" height=\"1\"/>".repeat(1000),
            " L1 1".repeat(10_000)
        );
        assert!(matches!(
            decode_err(marker.as_bytes(), "marker.svg"),
            Trouble::TooComplex { .. }
        ));

        // A pattern whose tile is 20000×20000 pixels.
        let pattern = format!(
            r##"{head}<defs><pattern id="p" width="20000" height="20000" patternUnits="userSpaceOnUse"><rect width="2" height="2"/></pattern></defs>
                <rect width="10" height="10" fill="url(#p)"/></svg>"##
        );
        assert!(matches!(
            decode_err(pattern.as_bytes(), "pattern.svg"),
            Trouble::TooComplex { .. }
        ));
        // An ordinary pattern is drawn.
        let small = pattern.replace("20000", "4");
        let skin = decode(small.as_bytes(), "pattern.svg", 1.0, None);
        assert_eq!(texel(&skin.base, 1, 1)[3], 255);
        assert_eq!(texel(&skin.base, 3, 3)[3], 0);
        assert_eq!(texel(&skin.base, 5, 5)[3], 255);
    }

    #[test]
    fn pictures_outside_the_svg_are_refused_and_reported() {
        let bytes = svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" viewBox="0 0 10 10">
                <rect width="10" height="10" fill="black"/>
                <image width="10" height="10" xlink:href="https://example.com/cat.png"/>
                <image width="10" height="10" href="file:///etc/passwd"/>
                <image width="10" height="10" href="/etc/hostname"/></svg>"#,
        );
        let (skin, troubles) = decode_costume(&fonts(), &bytes, "a.svg", 1.0, None).unwrap();
        assert_eq!(texel(&skin.base, 5, 5), [0, 0, 0, 255], "the rest is drawn");
        let hrefs: Vec<&str> = troubles
            .iter()
            .map(|t| match t {
                Trouble::OutsidePicture { file, href } => {
                    assert_eq!(file, "a.svg");
                    href.as_str()
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            hrefs,
            [
                "https://example.com/cat.png",
                "file:///etc/passwd",
                "/etc/hostname"
            ]
        );

        // A picture inside, as a data: URL, is drawn (pixelated).
        let png = encode(
            image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                2,
                2,
                image::Rgba([0, 0, 255, 255]),
            )),
            image::ImageFormat::Png,
        );
        let inline = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">
                <image width="10" height="10" href="data:img/png;base64,{}"/></svg>"#,
            base64(&png)
        );
        let skin = decode(inline.as_bytes(), "b.svg", 1.0, None);
        assert_eq!(texel(&skin.base, 5, 5), [0, 0, 255, 255]);
    }

    #[test]
    fn entity_bombs_are_refused() {
        let laughs = r#"<?xml version="1.0"?>
            <!DOCTYPE svg [
              <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
              <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
            ]>
            <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>"#;
        assert!(matches!(
            decode_err(laughs.as_bytes(), "lol.svg"),
            Trouble::EntitiesTooLarge { .. }
        ));
        let wide = format!(
            r#"<!DOCTYPE svg [<!ENTITY a "{}">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>{}</text></svg>"#,
            "x".repeat(100_000),
            "&a;".repeat(100)
        );
        assert!(matches!(
            decode_err(wide.as_bytes(), "lol.svg"),
            Trouble::EntitiesTooLarge { .. }
        ));
        // Illustrator's few small entities are fine.
        let ok = r#"<!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>
            <svg xmlns="&ns_svg;" width="4" height="4" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>"#;
        decode(ok.as_bytes(), "ai.svg", 1.0, None);
    }

    #[test]
    fn a_program_gets_every_costume_placeholders_and_defaults() {
        let png = encode(half_red(8, 8), image::ImageFormat::Png);
        let mut stage = TargetDef::new("Stage", true);
        stage
            .costumes
            .push(costume("backdrop1", Some("missing.svg"), None));
        let mut cat = TargetDef::new("Cat", false);
        cat.costumes
            .push(costume("c1", Some("cat.png"), Some((1.0, 2.0))));
        cat.costumes.push(costume("c2", Some("broken.png"), None));
        cat.costumes.push(costume("c3", None, None));
        let bare_sprite = TargetDef::new("Bird", false);
        let bare_stage = TargetDef::new("Stage", true);
        let program = program(vec![stage, cat, bare_sprite, bare_stage]);
        let files = |name: &str| match name {
            "cat.png" => Some(png.clone()),
            "broken.png" => Some(b"\x89PNG\r\n\x1a\nbroken".to_vec()),
            _ => None,
        };
        let mut r = Renderer::new();
        let problems = r.load_costumes(&program, &files);

        assert_eq!(r.skins.len(), 4);
        assert_eq!(r.skins[1].len(), 3);
        // A missing backdrop: a white stage with the question mark.
        let backdrop = r.skin(0, 0).unwrap();
        assert_eq!(backdrop.size, [480.0, 360.0]);
        assert_eq!(texel(&backdrop.base, 5, 5), [255, 255, 255, 255]);
        assert_ne!(texel(&backdrop.base, 240, 180), [255, 255, 255, 255]);
        // The good costume.
        let good = r.skin(1, 0).unwrap();
        assert_eq!((good.size, good.rotation_center), ([8.0, 8.0], [1.0, 2.0]));
        // Placeholders: a small grey square with its centre in the middle.
        for i in [1, 2] {
            let p = r.skin(1, i).unwrap();
            assert_eq!(p.size, [40.0, 40.0]);
            assert_eq!(p.rotation_center, [20.0, 20.0]);
            assert!(!p.hull.is_empty());
        }
        // Targets without costumes: Starling the bird, and a white backdrop.
        let bird = r.skin(2, 0).unwrap();
        assert_eq!(bird.size, [90.0, 90.0]);
        assert_eq!(bird.rotation_center, [45.0, 45.0]);
        assert!(bird.hull.len() >= 3);
        let white = r.skin(3, 0).unwrap();
        assert_eq!(white.size, [480.0, 360.0]);
        assert_eq!(texel(&white.base, 240, 180), [255, 255, 255, 255]);

        let named: Vec<(&str, &str, usize, usize)> = problems
            .iter()
            .map(|p| {
                (
                    p.sprite.as_str(),
                    p.costume.as_str(),
                    p.target,
                    p.costume_index,
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                ("Stage", "backdrop1", 0, 0),
                ("Cat", "c2", 1, 1),
                ("Cat", "c3", 1, 2)
            ]
        );
        assert!(problems[0].en.contains("missing.svg") && problems[0].en.contains("missing"));
        assert!(problems[0].zh.contains("missing.svg") && problems[0].zh.contains("找不到"));
        assert!(problems[1].en.contains("damaged") && problems[1].zh.contains("损坏"));
        for p in &problems {
            assert!(p.en.is_ascii() || p.en.contains('“'), "{}", p.en);
            assert!(
                p.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}",
                p.zh
            );
        }
    }

    #[test]
    fn every_problem_has_english_and_chinese_words() {
        let file = "f.svg".to_owned();
        for t in [
            Trouble::NoFile,
            Trouble::Missing { file: file.clone() },
            Trouble::TooLarge {
                file: file.clone(),
                bytes: 12 << 20,
            },
            Trouble::UnknownFormat { file: file.clone() },
            Trouble::Damaged {
                file: file.clone(),
                format: CostumeFormat::Gif,
            },
            Trouble::TooManyPixels {
                file: file.clone(),
                width: 9000,
                height: 9000,
            },
            Trouble::TooDeep { file: file.clone() },
            Trouble::EntitiesTooLarge { file: file.clone() },
            Trouble::TooComplex { file: file.clone() },
            Trouble::OutsidePicture {
                file: file.clone(),
                href: "x".repeat(100),
            },
        ] {
            let (en, zh) = t.words();
            assert!(en.len() > 20 && en.ends_with('.'), "{en}");
            assert!(zh.chars().count() > 10 && zh.ends_with('。'), "{zh}");
        }
    }

    #[test]
    fn decoding_a_typical_svg_costume_is_quick() {
        // A paint-editor-like costume: a few dozen curves with strokes and a gradient.
        let mut body = String::new();
        for i in 0..40 {
            let (x, y) = (10 + (i * 7) % 80, 10 + (i * 13) % 80);
            body.push_str(&format!(
                r##"<path d="M{x} {y} C{} {} {} {} {} {} Z" fill="url(#g)" stroke="#333" stroke-width="2"/>"##,
                x + 20, y - 10, x + 30, y + 25, x + 5, y + 30
            ));
        }
        let bytes = svg(&format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="100" viewBox="0 0 96 100">
                <defs><linearGradient id="g"><stop offset="0" stop-color="#f80"/><stop offset="1" stop-color="#fd0"/></linearGradient></defs>
                <g>{body}</g></svg>"##
        ));
        let fonts = fonts();
        let start = std::time::Instant::now();
        let runs = 10;
        for _ in 0..runs {
            decode_costume(&fonts, &bytes, "typical.svg", 1.0, None).unwrap();
        }
        let each = start.elapsed() / runs;
        eprintln!("typical SVG costume decoded in {each:?}");
        assert!(each.as_secs_f64() < 1.0, "{each:?}");
    }

    /// The CRC-32 PNG chunks carry.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// Standard base64, for data: URLs in tests.
    fn base64(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
