//! The colour effects: scratch-render's `EffectTransform.transformColor` (stub: the collision
//! helper replaces the bodies; the API stays).

/// The colour effects as the shader uniforms hold them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ColorEffects {
    /// `u_color`: (color mod 200) / 200, present when the effect is not 0.
    pub color: Option<f64>,
    /// `u_brightness`: clamp(brightness, −100, 100) / 100.
    pub brightness: Option<f64>,
    /// `u_ghost`: 1 − clamp(ghost, 0, 100) / 100.
    pub ghost: Option<f64>,
}

impl ColorEffects {
    pub fn from_effects(_effects: &[f64; 7]) -> ColorEffects {
        ColorEffects::default()
    }

    /// Whether any colour effect is on.
    pub fn any(&self) -> bool {
        self.color.is_some() || self.brightness.is_some() || self.ghost.is_some()
    }

    /// The premultiplied colour `rgba` with the effects applied (ghost included).
    pub fn apply(&self, rgba: [u8; 4]) -> [u8; 4] {
        rgba
    }
}
