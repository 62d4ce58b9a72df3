//! The JavaScript boundary: [`Playground`], a thin wrapper of [`Session`] for wasm-bindgen.
//!
//! Data crosses as numbers, strings, byte arrays and JSON text (parsed once by the page), never
//! as JavaScript objects built here, so this module stays a list of one-line forwards.
// `#[wasm_bindgen]` generates exports (`#[export_name]`) that the unsafe_code lint counts; this
// module has no unsafe code of its own.
#![allow(unsafe_code)]

use wasm_bindgen::prelude::*;

use crate::session::{Session, STRIDE};

/// One project in the page: load, run, input, and what to draw.
#[wasm_bindgen]
pub struct Playground {
    pub(crate) session: Session,
    /// `[width, height, scale]` of the last [`Playground::effect_texture`].
    effect_info: Vec<f64>,
}

impl Default for Playground {
    fn default() -> Self {
        Playground::new()
    }
}

#[wasm_bindgen]
impl Playground {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Playground {
        // A panic would be a bug (user input never panics); show it in the console at least.
        console_error_panic_hook::set_once();
        Playground {
            session: Session::new(),
            effect_info: Vec::new(),
        }
    }

    /// Numbers per drawable in [`Playground::frame`].
    #[wasm_bindgen(getter)]
    pub fn stride() -> usize {
        STRIDE
    }

    /// The seed of `pick random` for the next load.
    pub fn set_seed(&mut self, seed: f64) {
        self.session.set_seed(if seed.is_finite() {
            seed.abs() as u64
        } else {
            0
        });
    }

    /// Unix time in ms at the start of the next loaded program (dates); NaN for 2000-01-01.
    pub fn set_epoch_ms(&mut self, epoch_ms: f64) {
        self.session.set_epoch_ms(Some(epoch_ms));
    }

    pub fn set_turbo(&mut self, on: bool) {
        self.session.set_turbo(on);
    }

    /// Editor (any sprite can be dragged) or player (only draggable ones).
    pub fn set_editor_drag(&mut self, on: bool) {
        self.session.set_editor_drag(on);
    }

    /// Compiles scratchblocks text; JSON `{loaded, diagnostics: [...]}`.
    #[cfg(feature = "text-programs")]
    pub fn load_text(&mut self, source: &str) -> String {
        json(&self.session.load_text(source))
    }

    /// Loads .sb3 bytes (or project.json); JSON as [`Playground::load_text`].
    #[cfg(feature = "sb3-zip")]
    pub fn load_sb3(&mut self, bytes: &[u8]) -> String {
        json(&self.session.load_sb3(bytes))
    }

    /// Loads a project.json the page took out of an .sb3 (it keeps the files); JSON as
    /// [`Playground::load_text`].
    pub fn load_project_json(&mut self, project_json: &str) -> String {
        json(&self.session.load_project_json(project_json))
    }

    /// JSON array of the costumes to decode and hand in with [`Playground::set_costume`].
    pub fn costumes(&self) -> String {
        json(&self.session.costumes())
    }

    /// A file of the loaded .sb3 (empty when there is none).
    pub fn asset(&self, name: &str) -> Vec<u8> {
        self.session
            .asset(name)
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    /// A costume as straight RGBA pixels; `center_x`/`center_y` NaN for the middle.
    #[allow(clippy::too_many_arguments)]
    pub fn set_costume(
        &mut self,
        target: usize,
        costume: usize,
        rgba: Vec<u8>,
        width: u32,
        height: u32,
        scale: f64,
        size_w: f64,
        size_h: f64,
        center_x: f64,
        center_y: f64,
        is_vector: bool,
    ) -> bool {
        let center = (center_x.is_finite() && center_y.is_finite()).then_some([center_x, center_y]);
        self.session.set_costume(
            target,
            costume,
            rgba,
            width,
            height,
            scale,
            [size_w, size_h],
            center,
            is_vector,
        )
    }

    /// A sharper copy of a costume (straight RGBA at `scale` pixels per stage unit).
    pub fn add_costume_mip(
        &mut self,
        target: usize,
        costume: usize,
        rgba: Vec<u8>,
        width: u32,
        height: u32,
        scale: f64,
    ) -> bool {
        self.session
            .add_costume_mip(target, costume, rgba, width, height, scale)
    }

    pub fn green_flag(&mut self) {
        self.session.green_flag();
    }

    pub fn stop(&mut self) {
        self.session.stop();
    }

    /// One 30 Hz frame.
    pub fn step_frame(&mut self) {
        self.session.step_frame();
    }

    pub fn is_running(&self) -> bool {
        self.session.is_running()
    }

    pub fn is_loaded(&self) -> bool {
        self.session.is_loaded()
    }

    pub fn frames(&self) -> f64 {
        self.session.frames() as f64
    }

    pub fn waiting_for_answer(&self) -> bool {
        self.session.waiting_for_answer()
    }

    pub fn answer(&mut self, text: &str) {
        self.session.answer(text);
    }

    pub fn key_down(&mut self, key: &str) {
        self.session.key_down(key);
    }

    pub fn key_up(&mut self, key: &str) {
        self.session.key_up(key);
    }

    pub fn release_keys(&mut self) {
        self.session.release_keys();
    }

    /// Mouse position in stage coordinates (x right, y up, origin in the middle).
    pub fn mouse_move(&mut self, x: f64, y: f64) {
        self.session.mouse_move(x, y);
    }

    pub fn mouse_down(&mut self, x: f64, y: f64) {
        self.session.mouse_down(x, y);
    }

    pub fn mouse_up(&mut self, x: f64, y: f64) {
        self.session.mouse_up(x, y);
    }

    /// The sprite id at a stage point, -1 for the stage.
    pub fn pick(&mut self, x: f64, y: f64) -> f64 {
        self.session.pick(x, y).map_or(-1.0, f64::from)
    }

    /// The drawables at `scale` output pixels per stage unit ([`STRIDE`] numbers each).
    pub fn frame(&mut self, scale: f64) -> Vec<f64> {
        self.session.frame(scale).to_vec()
    }

    /// Bubbles and monitors as JSON, or "" when there are none.
    pub fn frame_extras(&self) -> String {
        self.session.frame_extras_json()
    }

    /// `[x, y, on_right]` (stage coordinates of the top-left corner), empty if unknown.
    pub fn bubble_place(&mut self, id: u32, width: f64, height: f64, on_right: bool) -> Vec<f64> {
        match self.session.bubble_place(id, width, height, on_right) {
            Some((x, y, right)) => vec![x, y, if right { 1.0 } else { 0.0 }],
            None => Vec::new(),
        }
    }

    /// The `index`-th drawable of the last frame with its colour and shape effects baked in:
    /// straight RGBA (empty if unknown); its `[width, height, scale]` from
    /// [`Playground::effect_texture_info`].
    pub fn effect_texture(&mut self, index: usize) -> Vec<u8> {
        match self.session.effect_texture(index) {
            Some((rgba, w, h, scale)) => {
                self.effect_info = vec![f64::from(w), f64::from(h), scale];
                rgba
            }
            None => {
                self.effect_info.clear();
                Vec::new()
            }
        }
    }

    pub fn effect_texture_info(&self) -> Vec<f64> {
        self.effect_info.clone()
    }

    pub fn pen_version(&self) -> f64 {
        self.session.pen_version() as f64
    }

    /// Updates the pen layer's straight RGBA where it changed; returns those rectangles
    /// (`x, y, width, height` each) for the page to upload from [`Playground::pen_rgba_ptr`].
    pub fn pen_refresh(&mut self) -> Vec<u32> {
        self.session.pen_refresh()
    }

    /// Where the pen layer's 480×360 straight RGBA lies in the wasm memory.
    pub fn pen_rgba_ptr(&mut self) -> usize {
        self.session.pen_rgba_ptr()
    }

    /// Whether anything is drawn on the pen layer.
    pub fn pen_inked(&self) -> bool {
        self.session.pen_inked()
    }

    /// `[x, y, direction, size, visible, costume]` of a sprite (0 is the stage), empty if
    /// there is no such sprite.
    pub fn sprite_info(&self, id: u32) -> Vec<f64> {
        self.session
            .sprite_info(id)
            .map(|a| a.to_vec())
            .unwrap_or_default()
    }

    /// Events since the last call, as JSON.
    pub fn take_events(&mut self) -> String {
        self.session.take_events_json()
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}
