//! Costume files → skins (stub: the costume helper replaces this file).

use starling_runtime::Program;

use crate::skin::{Bitmap, Skin};
use crate::Renderer;

/// A costume file's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostumeFormat {
    Svg,
    Png,
    Jpeg,
    Gif,
    Bmp,
}

/// A costume that could not be drawn as it is, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub sprite: String,
    pub costume: String,
    pub en: String,
    pub zh: String,
}

pub(crate) fn load_program(
    r: &mut Renderer,
    program: &Program,
    _file: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Vec<Problem> {
    r.skins = program
        .targets
        .iter()
        .map(|t| t.costumes.iter().map(|_| Skin::empty()).collect())
        .collect();
    Vec::new()
}

pub(crate) fn bitmap_for_scale(skin: &mut Skin, _pixels_per_unit: f64) -> &Bitmap {
    &skin.base
}
