//! A costume ready to draw: its pixels at one or more resolutions, its size and rotation centre
//! in stage units, and the convex hull of its opaque pixels (scratch-render's `Skin`).

use tiny_skia::Pixmap;

/// The costume's pixels at one resolution: premultiplied RGBA (tiny-skia's format).
#[derive(Debug, Clone)]
pub struct Bitmap {
    pub pixmap: Pixmap,
    /// Pixels per stage unit at 100% size (a bitmap costume with bitmapResolution 2 has 2).
    pub scale: f64,
}

impl Bitmap {
    /// The premultiplied RGBA of texel (x, y), transparent outside.
    #[inline]
    pub fn texel(&self, x: i64, y: i64) -> [u8; 4] {
        let (w, h) = (self.pixmap.width() as i64, self.pixmap.height() as i64);
        if x < 0 || y < 0 || x >= w || y >= h {
            return [0; 4];
        }
        let p = self.pixmap.pixels()[(y * w + x) as usize];
        [p.red(), p.green(), p.blue(), p.alpha()]
    }

    /// The texel under texture coordinates (u, v) in 0…1, nearest neighbour (what touching
    /// tests use: scratch-render's `Silhouette.isTouchingNearest` / `colorAtNearest`).
    #[inline]
    pub fn sample_nearest(&self, u: f64, v: f64) -> [u8; 4] {
        if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
            return [0; 4];
        }
        let x = (u * self.pixmap.width() as f64).floor() as i64;
        let y = (v * self.pixmap.height() as f64).floor() as i64;
        self.texel(x, y)
    }
}

/// A decoded costume.
#[derive(Debug, Clone)]
pub struct Skin {
    /// Size in stage units at 100% (scratch-render's `skin.size`).
    pub size: [f64; 2],
    /// Rotation centre in stage units from the top-left corner.
    pub rotation_center: [f64; 2],
    /// The costume at its natural resolution; touching tests sample this one.
    pub base: Bitmap,
    /// Sharper copies of a vector costume for large sizes, made on demand (see
    /// [`Skin::bitmap_for_scale`]) or handed in by the host ([`Skin::add_mip`]).
    pub(crate) mips: Vec<Bitmap>,
    /// The costume is a vector drawing (SVG): sampled linearly except at about 100% upright
    /// (scratch-render's `SVGSkin`), where bitmaps are always sampled nearest.
    pub(crate) is_vector: bool,
    /// The parsed SVG of a vector costume, kept to rasterise mips.
    #[cfg(feature = "decode")]
    pub(crate) vector: Option<std::sync::Arc<resvg::usvg::Tree>>,
    /// Convex hull of the opaque pixels, in skin units (stage units from the top-left, y down).
    /// Empty for an empty costume.
    pub hull: Vec<[f64; 2]>,
}

impl Skin {
    /// A skin from premultiplied RGBA pixels. `resolution` is pixels per stage unit (a bitmap
    /// costume's bitmapResolution); `rotation_center` is in pixels, `None` for the middle.
    pub fn from_pixmap(pixmap: Pixmap, resolution: f64, rotation_center: Option<[f64; 2]>) -> Skin {
        let resolution = if resolution.is_finite() && resolution > 0.0 {
            resolution
        } else {
            1.0
        };
        let size = [
            pixmap.width() as f64 / resolution,
            pixmap.height() as f64 / resolution,
        ];
        let rotation_center = match rotation_center {
            Some([x, y]) if x.is_finite() && y.is_finite() => [x / resolution, y / resolution],
            _ => [size[0] / 2.0, size[1] / 2.0],
        };
        let base = Bitmap {
            pixmap,
            scale: resolution,
        };
        let hull = crate::hull::convex_hull(&base);
        Skin {
            size,
            rotation_center,
            base,
            mips: Vec::new(),
            is_vector: false,
            #[cfg(feature = "decode")]
            vector: None,
            hull,
        }
    }

    /// A skin from a costume the host rasterised itself (the browser draws SVGs and decodes
    /// pictures): premultiplied RGBA `pixmap` drawn at `scale` pixels per stage unit over a
    /// costume of `size` stage units (an SVG's viewBox size, which need not be whole pixels),
    /// with its rotation centre in stage units from the top-left (`None`: the middle).
    /// `is_vector` says it came from an SVG, which changes how it is sampled (as in Scratch).
    /// Sizes that are not positive numbers fall back to the pixmap's own.
    pub fn from_raster(
        pixmap: Pixmap,
        scale: f64,
        size: [f64; 2],
        rotation_center: Option<[f64; 2]>,
        is_vector: bool,
    ) -> Skin {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        let natural = [
            pixmap.width() as f64 / scale,
            pixmap.height() as f64 / scale,
        ];
        let size = if size.iter().all(|v| v.is_finite() && *v > 0.0) {
            size
        } else {
            natural
        };
        let rotation_center = match rotation_center {
            Some([x, y]) if x.is_finite() && y.is_finite() => [x, y],
            _ => [size[0] / 2.0, size[1] / 2.0],
        };
        let base = Bitmap { pixmap, scale };
        let hull = crate::hull::convex_hull_sized(&base, size);
        Skin {
            size,
            rotation_center,
            base,
            mips: Vec::new(),
            is_vector,
            #[cfg(feature = "decode")]
            vector: None,
            hull,
        }
    }

    /// Adds a sharper (or smaller) copy of the costume at `scale` pixels per stage unit, which
    /// [`Skin::bitmap_for_scale`] picks when the costume is drawn that large (a host that
    /// rasterises SVGs itself hands in a 2× copy). A copy at a scale the skin already has
    /// replaces it.
    pub fn add_mip(&mut self, pixmap: Pixmap, scale: f64) {
        if !(scale.is_finite() && scale > 0.0) || scale == self.base.scale {
            return;
        }
        self.mips.retain(|m| m.scale != scale);
        self.mips.push(Bitmap { pixmap, scale });
    }

    /// Whether the costume is a vector drawing (see [`Skin::from_raster`]).
    pub fn is_vector(&self) -> bool {
        self.is_vector
    }

    /// An empty 1×1 costume (what a costume that cannot be decoded becomes; the renderer also
    /// records why).
    pub fn empty() -> Skin {
        let pixmap = Pixmap::new(1, 1).expect("1×1 pixmap");
        Skin::from_pixmap(pixmap, 1.0, None)
    }

    /// The bitmap to draw with when the costume covers `pixels_per_unit` output pixels per
    /// stage unit (size × output scale): for vector costumes the smallest rasterisation at
    /// least that sharp (up to a size limit), otherwise the base bitmap.
    pub fn bitmap_for_scale(&mut self, pixels_per_unit: f64) -> &Bitmap {
        #[cfg(feature = "decode")]
        if self.vector.is_some() {
            return crate::decode::bitmap_for_scale(self, pixels_per_unit);
        }
        self.given_bitmap_for_scale(pixels_per_unit)
    }

    /// Among the base bitmap and the mips handed in, the smallest at least `pixels_per_unit`
    /// sharp, else the sharpest (scratch-render's choice of mip, without making new ones).
    fn given_bitmap_for_scale(&self, pixels_per_unit: f64) -> &Bitmap {
        if self.mips.is_empty() || !(pixels_per_unit.is_finite() && pixels_per_unit > 0.0) {
            return &self.base;
        }
        let all = || std::iter::once(&self.base).chain(self.mips.iter());
        all()
            .filter(|b| b.scale >= pixels_per_unit)
            .min_by(|a, b| a.scale.total_cmp(&b.scale))
            .or_else(|| all().max_by(|a, b| a.scale.total_cmp(&b.scale)))
            .unwrap_or(&self.base)
    }
}
