//! Fonts for text in SVG costumes, speech bubbles and monitors, and the usvg options every SVG
//! in the crate is parsed with.
//!
//! With the `bundled-font` feature (on by default) the crate carries Starling Sans
//! (`render/fonts/StarlingSans.ttf`: Noto Sans for Latin, Greek and Cyrillic merged with the
//! 6763 Chinese characters of GB2312 from Droid Sans Fallback; see `render/fonts/README.md`).
//! Every generic family and every font name a Scratch project uses ("Sans Serif", "Handwriting",
//! "Pixel", Helvetica, Arial, …) falls back to it, so text is legible whatever it asks for. A
//! host can add more fonts with [`Fonts::add_font`]; a font named like one of Scratch's (Noto
//! Sans, Source Serif Pro, Handlee, Knewave, Griffy, Grand9K Pixel, Scratch) is then used for
//! its Scratch name.
//!
//! Architecture Invariant: nothing here reads a file or fetches anything. The font database is
//! never filled from the system, `resources_dir` is always `None`, and an SVG's `<image>` may
//! only be a `data:` URL of a PNG, JPEG or GIF picture.

use std::sync::Arc;

use resvg::usvg::{self, fontdb, FontFamily, ImageHrefResolver, ImageKind};

/// The family name of the bundled font.
pub const BUNDLED_FAMILY: &str = "Starling Sans";

#[cfg(feature = "bundled-font")]
static BUNDLED_FONT: &[u8] = include_bytes!("../fonts/StarlingSans.ttf");

/// The bytes of the bundled font (a TrueType file), when the `bundled-font` feature is on.
pub fn bundled_font() -> Option<&'static [u8]> {
    #[cfg(feature = "bundled-font")]
    {
        Some(BUNDLED_FONT)
    }
    #[cfg(not(feature = "bundled-font"))]
    {
        None
    }
}

/// Scratch 3's font names and the fonts Scratch draws them with. A host that adds one of these
/// fonts gets it for the Scratch name; otherwise the default family is used.
const SCRATCH_FONTS: &[(&str, &str)] = &[
    ("Sans Serif", "Noto Sans"),
    ("Serif", "Source Serif Pro"),
    ("Handwriting", "Handlee"),
    ("Marker", "Knewave"),
    ("Curly", "Griffy"),
    ("Pixel", "Grand9K Pixel"),
    ("Scratch", "Scratch"),
];

/// The largest picture embedded in an SVG that is drawn (more pixels than this, or a side longer
/// than [`MAX_EMBEDDED_SIDE`], and the picture is left out).
pub(crate) const MAX_EMBEDDED_PIXELS: u64 = 4096 * 4096;
pub(crate) const MAX_EMBEDDED_SIDE: u32 = 8192;

/// The fonts text is drawn with.
#[derive(Clone)]
pub struct Fonts {
    db: Arc<fontdb::Database>,
    /// The family every unknown name and generic family falls back to: the bundled font, or
    /// the first font a host added.
    default_family: Option<String>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("faces", &self.db.len())
            .field("default_family", &self.default_family)
            .finish()
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts::new()
    }
}

impl Fonts {
    /// The bundled font when the `bundled-font` feature is on; no fonts otherwise.
    pub fn new() -> Fonts {
        let mut fonts = Fonts {
            db: Arc::new(fontdb::Database::new()),
            default_family: None,
        };
        if let Some(bytes) = bundled_font() {
            let db = Arc::make_mut(&mut fonts.db);
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
            fonts.set_default_family(BUNDLED_FAMILY.to_owned());
        }
        fonts
    }

    /// Adds a font (TrueType, OpenType or a collection). Bytes that are not a font are ignored.
    /// When there is no bundled font, the first font added becomes the default family.
    pub fn add_font(&mut self, bytes: Vec<u8>) {
        let db = Arc::make_mut(&mut self.db);
        let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        if self.default_family.is_none() {
            let family = ids
                .iter()
                .find_map(|&id| db.face(id)?.families.first().map(|(name, _)| name.clone()));
            if let Some(family) = family {
                self.set_default_family(family);
            }
        }
    }

    /// The font database (shared: cloning the `Arc` is cheap).
    pub fn database(&self) -> &Arc<fontdb::Database> {
        &self.db
    }

    /// The family unknown names fall back to, if there is any font at all.
    pub fn default_family(&self) -> Option<&str> {
        self.default_family.as_deref()
    }

    fn set_default_family(&mut self, family: String) {
        let db = Arc::make_mut(&mut self.db);
        db.set_sans_serif_family(family.clone());
        db.set_serif_family(family.clone());
        db.set_cursive_family(family.clone());
        db.set_fantasy_family(family.clone());
        db.set_monospace_family(family.clone());
        self.default_family = Some(family);
    }

    /// Options for parsing an SVG with usvg: these fonts, every family falling back to the
    /// default one, no resources directory, and pictures only from `data:` URLs of PNG, JPEG
    /// or GIF (anything else — files, web addresses, nested SVGs — is left out).
    pub fn usvg_options(&self) -> usvg::Options<'static> {
        let mut opt = usvg::Options {
            resources_dir: None,
            fontdb: self.db.clone(),
            ..usvg::Options::default()
        };
        if let Some(family) = &self.default_family {
            opt.font_family = family.clone();
        }
        opt.languages = vec!["en".to_owned(), "zh-CN".to_owned()];
        opt.font_resolver.select_font = Box::new(select_font);
        opt.image_href_resolver = ImageHrefResolver {
            resolve_data: Box::new(|_mime, data, _opt| embedded_picture(data)),
            resolve_string: Box::new(|_href, _opt| None),
        };
        opt
    }
}

/// usvg's font choice: the families asked for (a Scratch name also as the font Scratch uses for
/// it), then the sans-serif family, which is the default one.
fn select_font(font: &usvg::Font, db: &mut Arc<fontdb::Database>) -> Option<fontdb::ID> {
    let mut names: Vec<fontdb::Family<'_>> = Vec::with_capacity(font.families().len() * 2 + 1);
    for family in font.families() {
        match family {
            FontFamily::Serif => names.push(fontdb::Family::Serif),
            FontFamily::SansSerif => names.push(fontdb::Family::SansSerif),
            FontFamily::Cursive => names.push(fontdb::Family::Cursive),
            FontFamily::Fantasy => names.push(fontdb::Family::Fantasy),
            FontFamily::Monospace => names.push(fontdb::Family::Monospace),
            FontFamily::Named(name) => {
                names.push(fontdb::Family::Name(name));
                if let Some((_, real)) = SCRATCH_FONTS
                    .iter()
                    .find(|(scratch, _)| scratch.eq_ignore_ascii_case(name))
                {
                    names.push(fontdb::Family::Name(real));
                }
            }
        }
    }
    names.push(fontdb::Family::SansSerif);
    let style = match font.style() {
        usvg::FontStyle::Normal => fontdb::Style::Normal,
        usvg::FontStyle::Italic => fontdb::Style::Italic,
        usvg::FontStyle::Oblique => fontdb::Style::Oblique,
    };
    let query = fontdb::Query {
        families: &names,
        weight: fontdb::Weight(font.weight()),
        stretch: fontdb::Stretch::Normal,
        style,
    };
    db.query(&query)
        .or_else(|| db.faces().next().map(|face| face.id))
}

/// A picture from an SVG's `data:` URL, recognised by its bytes (not by the MIME type, which
/// old editors got wrong): PNG, JPEG or GIF of a sane size, anything else refused.
pub(crate) fn embedded_picture(data: Arc<Vec<u8>>) -> Option<ImageKind> {
    let format = match data.as_slice() {
        [0x89, b'P', b'N', b'G', ..] => image::ImageFormat::Png,
        [0xFF, 0xD8, 0xFF, ..] => image::ImageFormat::Jpeg,
        [b'G', b'I', b'F', b'8', ..] => image::ImageFormat::Gif,
        _ => return None,
    };
    // Look at the header only, so a picture that claims to be enormous is never decoded.
    let reader = image::ImageReader::with_format(std::io::Cursor::new(data.as_slice()), format);
    let (w, h) = reader.into_dimensions().ok()?;
    if w == 0
        || h == 0
        || w > MAX_EMBEDDED_SIDE
        || h > MAX_EMBEDDED_SIDE
        || u64::from(w) * u64::from(h) > MAX_EMBEDDED_PIXELS
    {
        return None;
    }
    Some(match format {
        image::ImageFormat::Png => ImageKind::PNG(data),
        image::ImageFormat::Jpeg => ImageKind::JPEG(data),
        _ => ImageKind::GIF(data),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders an SVG string with the bundled fonts at scale 1 and counts the dark pixels.
    fn dark_pixels(fonts: &Fonts, svg: &str) -> usize {
        let tree = usvg::Tree::from_str(svg, &fonts.usvg_options()).expect("SVG parses");
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        pixmap
            .pixels()
            .iter()
            .filter(|p| p.alpha() > 128 && p.red() < 100)
            .count()
    }

    fn text_svg(family: &str, text: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">
                 <text x="4" y="30" font-family="{family}" font-size="24" fill="black">{text}</text>
               </svg>"#
        )
    }

    #[cfg(feature = "bundled-font")]
    #[test]
    fn the_bundled_font_draws_english_and_chinese_for_every_scratch_font_name() {
        let fonts = Fonts::new();
        assert_eq!(fonts.default_family(), Some(BUNDLED_FAMILY));
        for family in [
            "Helvetica",
            "Sans Serif",
            "Serif",
            "Handwriting",
            "Marker",
            "Curly",
            "Pixel",
            "Scratch",
            "Arial",
            "Noto Sans",
            "sans-serif",
            "monospace",
            "'Comic Sans MS', cursive",
        ] {
            let english = dark_pixels(&fonts, &text_svg(family, "Hello!"));
            let chinese = dark_pixels(&fonts, &text_svg(family, "你好，世界"));
            assert!(english > 50, "{family}: {english} dark pixels for English");
            assert!(chinese > 100, "{family}: {chinese} dark pixels for Chinese");
        }
    }

    /// Each character of a sample — the 300 most frequent Chinese characters, Latin-1 letters and
    /// punctuation — draws something with the default family (a missing glyph draws nothing).
    #[cfg(feature = "bundled-font")]
    #[test]
    fn common_characters_are_in_the_bundled_font() {
        let fonts = Fonts::new();
        // One character at a time: each must draw something.
        let sample = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动\
                      同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理\
                      起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事\
                      平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问\
                      意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特\
                      件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做\
                      必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极\
                      交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积\
                      示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律\
                      叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响\
                      约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型\
                      眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞\
                      Ééüñçß©°±×÷€“”‘’…—·，。！？：；、（）《》【】";
        let missing: Vec<char> = sample.chars().filter(|&c| {
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text x="4" y="32" font-size="30" fill="black">{c}</text></svg>"#
            );
            dark_pixels(&fonts, &svg) == 0
        }).collect();
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }

    #[test]
    fn pictures_come_only_from_data_urls_of_png_jpeg_or_gif() {
        // A 1×1 PNG.
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(1, 1, image::Rgba([255, 0, 0, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert!(matches!(
            embedded_picture(Arc::new(png.clone())),
            Some(ImageKind::PNG(_))
        ));
        assert!(embedded_picture(Arc::new(
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()
        ))
        .is_none());
        assert!(embedded_picture(Arc::new(b"garbage".to_vec())).is_none());
        // A PNG header claiming 100000×100000 pixels is refused without decoding.
        let mut huge = png.clone();
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(embedded_picture(Arc::new(huge)).is_none());

        let opt = Fonts::new().usvg_options();
        assert!(opt.resources_dir.is_none());
        assert!((opt.image_href_resolver.resolve_string)("/etc/passwd", &opt).is_none());
        assert!(
            (opt.image_href_resolver.resolve_string)("https://example.com/a.png", &opt).is_none()
        );
        assert!((opt.image_href_resolver.resolve_data)("image/png", Arc::new(png), &opt).is_some());
    }

    #[test]
    fn fonts_added_by_the_host_are_used_and_garbage_is_ignored() {
        let mut fonts = Fonts::new();
        let before = fonts.database().len();
        fonts.add_font(b"not a font".to_vec());
        assert_eq!(fonts.database().len(), before);
        if let Some(bytes) = bundled_font() {
            let mut bare = Fonts {
                db: Arc::new(fontdb::Database::new()),
                default_family: None,
            };
            assert!(bare.default_family().is_none());
            bare.add_font(bytes.to_vec());
            assert_eq!(bare.default_family(), Some(BUNDLED_FAMILY));
            assert!(dark_pixels(&bare, &text_svg("Pixel", "Hi 你好")) > 50);
        }
    }
}
