//! Fonts (stub: the costume helper replaces this file).

pub struct Fonts {}

impl Fonts {
    pub fn new() -> Fonts {
        Fonts {}
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts::new()
    }
}
