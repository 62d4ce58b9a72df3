//! One project in the playground: compiled, loaded into a VM whose stage is a
//! [`Renderer`] with the costumes the browser decoded, and driven frame by frame by the page.
//!
//! Everything here is plain Rust with no JavaScript in sight, so it is tested natively; `web.rs`
//! only converts arguments and results at the boundary. The session never reads a clock: the page
//! calls [`Session::step_frame`] 30 times a second (its fixed-timestep loop) and passes the wall
//! clock once, for `current [year]` and `days since 2000`.
//!
//! What the page gets out, as data:
//!
//! - [`Session::load_text`] / [`Session::load_sb3`]: the diagnostics with line and column (and
//!   UTF-16 offsets for a `<textarea>`), in English and Chinese. A project with errors is not
//!   loaded, so the one already running keeps going and nothing is lost.
//! - [`Session::costumes`]: every costume the page must decode (a file of the .sb3, a file named
//!   by `#costume`, or one of the built-in pictures), handed back with
//!   [`Session::set_costume`] as pixels.
//! - [`Session::frame`]: the drawables as numbers ([`STRIDE`] per drawable, see
//!   [`FrameField`]); [`Session::frame_extras_json`]: bubbles and monitors;
//!   [`Session::take_events_json`]: questions, warnings, sounds.
//! - The pen layer's pixels ([`Session::pen_rgba`]) when [`Session::pen_version`] changes, and a
//!   sprite's costume with its effects baked in ([`Session::effect_texture`]).

use std::collections::HashMap;

use serde::Serialize;
use starling_compiler::diag::{Diagnostic, Message, Severity, SourceLoc};
use starling_compiler::Compiled;
use starling_render::{Pixmap, Renderer, Skin};
use starling_runtime::io::{BubbleKind, PenEvent, SoundEvent};
use starling_runtime::stage::{Drawable, Frame, MonitorMode, MonitorValue};
use starling_runtime::{Event, Input, Program, Vm, VmConfig};

/// Numbers per drawable in [`Session::frame`].
pub const STRIDE: usize = 16;

/// What each of the [`STRIDE`] numbers of a drawable in [`Session::frame`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum FrameField {
    /// The sprite's id (0 is the stage), as in [`Session::pick`] and bubbles.
    Id = 0,
    /// The target (sprite definition) index: costumes belong to it.
    Target = 1,
    Costume = 2,
    /// Skin units → stage coordinates: `X = a·sx + c·sy + e`, `Y = b·sx + d·sy + f` (six numbers
    /// from here: a, b, c, d, e, f). Skin units run from the costume's top-left corner, y down.
    Matrix = 3,
    /// Opacity 0…1 (the ghost effect).
    Alpha = 9,
    /// Bits: [`FLAG_LINEAR`], [`FLAG_EFFECTS`], [`FLAG_STAGE`].
    Flags = 10,
    /// The costume's size in stage units (width, height).
    SkinWidth = 11,
    SkinHeight = 12,
    /// Output pixels per skin unit (size × output scale): which sharpness of costume to draw.
    PixelsPerUnit = 13,
    /// With [`FLAG_EFFECTS`]: a number that changes when the colour and shape effects change, to
    /// cache effect textures by (target, costume, this, mip).
    EffectKey = 14,
    /// The sprite's layer position in the frame (0 for the stage, 1… back to front).
    Index = 15,
}

/// Sample the costume smoothly (otherwise nearest texel: crisp pixels).
pub const FLAG_LINEAR: f64 = 1.0;
/// Colour (other than ghost) or shape effects are on: draw [`Session::effect_texture`].
pub const FLAG_EFFECTS: f64 = 2.0;
/// The stage's backdrop.
pub const FLAG_STAGE: f64 = 4.0;

/// The pen layer's size in pixels, and in bytes of RGBA.
const PEN_W: u32 = 480;
const PEN_H: u32 = 360;
const PEN_BYTES: usize = (PEN_W * PEN_H * 4) as usize;
const FULL_PEN_RECT: [u32; 4] = [0, 0, PEN_W, PEN_H];
/// More changed rectangles than this in a frame and they become one.
const MAX_PEN_RECTS: usize = 32;

/// Stage size.
const HALF_W: f64 = 240.0;
const HALF_H: f64 = 180.0;
/// scratch-gui's drag radius: the mouse must move this far (stage units) before a press on a
/// sprite becomes a drag.
const DRAG_RADIUS: f64 = 3.0;

/// Where a diagnostic points, in the forms the page needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// 1-based line and column (in characters) of the start and end.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Offsets in UTF-16 units (what a `<textarea>`'s selection uses).
    pub start: usize,
    pub end: usize,
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Words {
    pub en: String,
    pub zh: String,
}

impl From<&Message> for Words {
    fn from(m: &Message) -> Words {
        Words {
            en: m.en.clone(),
            zh: m.zh.clone(),
        }
    }
}

/// A secondary place of a diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelView {
    pub message: Words,
    pub place: Option<Place>,
    pub block: Option<String>,
}

/// A diagnostic as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosticView {
    /// `error` or `warning`.
    pub severity: &'static str,
    pub message: Words,
    pub hint: Option<Words>,
    /// In the text (for a text program).
    pub place: Option<Place>,
    /// The block id (for an .sb3 project), for the editor to highlight.
    pub block: Option<String>,
    pub labels: Vec<LabelView>,
}

/// What loading a program gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadReport {
    /// The program was loaded (it had no errors): the old one is gone, the costumes must be
    /// decoded and handed in, then the green flag can be clicked.
    pub loaded: bool,
    pub diagnostics: Vec<DiagnosticView>,
}

/// A costume the page decodes and hands back with [`Session::set_costume`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostumeNeed {
    pub target: usize,
    pub costume: usize,
    pub sprite: String,
    pub name: String,
    pub is_stage: bool,
    /// The file: in the .sb3 ([`Session::asset`]) or, for a text program, the name after
    /// `#costume NAME =`. `None` when the costume names no file.
    pub file: Option<String>,
    /// A picture Starling ships: `default-sprite` (a sprite without costumes) or
    /// `white-backdrop` (a stage without backdrops).
    pub builtin: Option<&'static str>,
    /// The rotation centre in the file's own pixels (bitmaps) or SVG units, `None` for the
    /// middle.
    pub rotation_center: Option<[f64; 2]>,
    /// Pixels per stage unit of a bitmap costume (1 or 2 in Scratch).
    pub bitmap_resolution: f64,
}

/// A question the page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventView {
    /// `ask and wait`: show the answer box; `in_bubble` says the question is already in the
    /// asking sprite's bubble (otherwise the box shows it).
    Ask {
        target: String,
        question: String,
        in_bubble: bool,
    },
    /// A runtime problem the program survived (the clone limit, a runaway custom block).
    Warning {
        message: Words,
        /// The .sb3 id of the block that caused it, when known (the editor outlines it).
        block: Option<String>,
    },
    /// A sound command, for information: the session's mixer (`audio.rs`) already plays it.
    Sound(SoundOut),
}

/// A sound command: `action` is `play`, `effects`, `stop_all`, `drum` or `note`; the fields
/// that command has are set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SoundOut {
    pub action: &'static str,
    pub target: Option<String>,
    pub sound: Option<usize>,
    pub volume: Option<f64>,
    pub pitch: Option<f64>,
    pub pan: Option<f64>,
    pub drum: Option<u32>,
    pub note: Option<f64>,
    pub instrument: Option<u32>,
    pub seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct BubbleOut {
    id: u32,
    kind: &'static str,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct MonitorOut {
    label: String,
    /// `normal`, `large`, `slider` or `list`.
    mode: &'static str,
    value: Option<String>,
    items: Option<Vec<String>>,
    min: Option<f64>,
    max: Option<f64>,
    discrete: Option<bool>,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Extras {
    bubbles: Vec<BubbleOut>,
    monitors: Vec<MonitorOut>,
}

/// A mouse press on the stage that may become a click or a drag.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Press {
    /// The sprite under the mouse (0: the stage).
    id: u32,
    x: f64,
    y: f64,
    /// The sprite may be dragged: set draggable, or any sprite in the editor.
    can_drag: bool,
    /// Its click hats wait for the mouse to come up without a drag (a draggable sprite).
    click_on_release: bool,
    dragging: bool,
    /// Sprite position minus mouse position when the drag started.
    offset: (f64, f64),
}

/// The playground's project and everything the page needs to run and draw it.
pub struct Session {
    pub(crate) vm: Option<Vm>,
    /// Files of the loaded .sb3 (costumes and sounds).
    assets: HashMap<String, Vec<u8>>,
    costumes: Vec<CostumeNeed>,
    seed: u64,
    epoch_ms: Option<f64>,
    turbo: bool,
    /// Any sprite can be dragged (Scratch's editor); otherwise only draggable ones (the player).
    editor_drag: bool,
    keys_down: Vec<String>,
    keys_pressed: Vec<String>,
    clicked: Vec<u32>,
    mouse: (f64, f64),
    mouse_down: bool,
    press: Option<Press>,
    events: Vec<EventView>,
    pen_version: u64,
    /// The pen layer as straight RGBA, kept up to date where it changed ([`Session::pen_refresh`]).
    pen_rgba: Vec<u8>,
    pen_rgba_version: u64,
    /// Pixel rectangles of the pen layer changed since the last refresh, `[x0, y0, x1, y1)`.
    pen_dirty: Vec<[u32; 4]>,
    /// Something is drawn on the pen layer (false after `erase all`).
    pen_inked: bool,
    /// The drawables of the last [`Session::frame`], for [`Session::effect_texture`].
    last_frame: Vec<Drawable>,
    frame_numbers: Vec<f64>,
    /// The program's sounds and the mixer (`audio.rs`).
    pub(crate) sound: crate::audio::SoundHost,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session {
            vm: None,
            assets: HashMap::new(),
            costumes: Vec::new(),
            seed: 0,
            epoch_ms: None,
            turbo: false,
            editor_drag: true,
            keys_down: Vec::new(),
            keys_pressed: Vec::new(),
            clicked: Vec::new(),
            mouse: (0.0, 0.0),
            mouse_down: false,
            press: None,
            events: Vec::new(),
            pen_version: 0,
            pen_rgba: Vec::new(),
            pen_rgba_version: u64::MAX,
            pen_dirty: Vec::new(),
            pen_inked: false,
            last_frame: Vec::new(),
            frame_numbers: Vec::new(),
            sound: crate::audio::SoundHost::new(),
        }
    }

    /// The seed of `pick random` for the next load (the page picks one; tests fix it).
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
    }

    /// Unix time in ms at the start of the next loaded program, for dates (`None`: 2000-01-01).
    pub fn set_epoch_ms(&mut self, epoch_ms: Option<f64>) {
        self.epoch_ms = epoch_ms.filter(|v| v.is_finite());
    }

    pub fn set_turbo(&mut self, turbo: bool) {
        self.turbo = turbo;
    }

    /// Editor (any sprite can be dragged) or player (only draggable sprites).
    pub fn set_editor_drag(&mut self, on: bool) {
        self.editor_drag = on;
    }

    /// Compiles a scratchblocks program (English, Chinese or both) and, when it has no errors,
    /// loads it in place of the current one (stopped; the page decodes the costumes, then clicks
    /// the green flag). With errors the current project stays as it is.
    pub fn load_text(&mut self, source: &str) -> LoadReport {
        let compiled = starling_compiler::compile_text(source);
        let diagnostics = compiled
            .diagnostics
            .iter()
            .map(|d| diagnostic_view(d, Some(source)))
            .collect();
        self.finish_load(compiled, HashMap::new(), diagnostics)
    }

    /// Loads a Scratch 3 project (.sb3 bytes, or a bare project.json); see [`Session::load_text`].
    pub fn load_sb3(&mut self, bytes: &[u8]) -> LoadReport {
        let (compiled, assets) = starling_compiler::compile_sb3(bytes);
        let diagnostics = compiled
            .diagnostics
            .iter()
            .map(|d| diagnostic_view(d, None))
            .collect();
        let program_files: Vec<String> = compiled
            .program
            .iter()
            .flat_map(|p| p.targets.iter())
            .flat_map(|t| {
                t.costumes
                    .iter()
                    .filter_map(|c| c.file.clone())
                    .chain(t.sounds.iter().filter_map(|s| s.file.clone()))
            })
            .collect();
        let files = program_files
            .into_iter()
            .filter_map(|name| Some((name.clone(), assets.get(&name)?.to_vec())))
            .collect();
        self.finish_load(compiled, files, diagnostics)
    }

    /// Loads a Scratch 3 project from its project.json alone: the page unzipped the .sb3 and
    /// keeps the files itself (the player build, without Rust's zip code).
    pub fn load_project_json(&mut self, json: &str) -> LoadReport {
        let loaded = starling_compiler::sb3::load_project_json(json);
        let mut diagnostics = loaded.diagnostics;
        let project = loaded.project.unwrap_or_default();
        let program = if diagnostics.iter().any(Diagnostic::is_error) || project.targets.is_empty()
        {
            None
        } else {
            let (program, more) = starling_compiler::codegen::generate(&project);
            diagnostics.extend(more);
            Some(program)
        };
        let views = diagnostics
            .iter()
            .map(|d| diagnostic_view(d, None))
            .collect();
        let compiled = Compiled {
            project,
            program,
            diagnostics,
        };
        self.finish_load(compiled, HashMap::new(), views)
    }

    fn finish_load(
        &mut self,
        compiled: Compiled,
        assets: HashMap<String, Vec<u8>>,
        diagnostics: Vec<DiagnosticView>,
    ) -> LoadReport {
        let Some(mut program) = compiled.program else {
            return LoadReport {
                loaded: false,
                diagnostics,
            };
        };
        self.costumes = costume_needs(&program);
        // Sound: the new sounds to decode, library sounds made, their lengths known.
        self.sound.prepare(&mut program);
        self.assets = assets;
        let mut config = VmConfig {
            seed: self.seed,
            turbo: self.turbo,
            ..VmConfig::default()
        };
        if let Some(epoch) = self.epoch_ms {
            config.epoch_ms = epoch;
        }
        let mut renderer = Renderer::new();
        // Until the page hands in the pixels, every costume is empty.
        renderer.set_skins(
            program
                .targets
                .iter()
                .map(|t| vec![Skin::empty(); t.costumes.len().max(1)])
                .collect(),
        );
        let mut vm = Vm::new(program, config);
        vm.set_stage(Box::new(renderer));
        self.vm = Some(vm);
        self.press = None;
        self.keys_pressed.clear();
        self.clicked.clear();
        self.events.clear();
        self.pen_version += 1;
        self.pen_dirty = vec![FULL_PEN_RECT];
        self.pen_inked = false;
        self.last_frame.clear();
        LoadReport {
            loaded: true,
            diagnostics,
        }
    }

    /// Whether a program is loaded.
    pub fn is_loaded(&self) -> bool {
        self.vm.is_some()
    }

    /// The costumes of the loaded program, for the page to decode.
    pub fn costumes(&self) -> &[CostumeNeed] {
        &self.costumes
    }

    /// A file of the loaded .sb3.
    pub fn asset(&self, name: &str) -> Option<&[u8]> {
        self.assets.get(name).map(Vec::as_slice)
    }

    fn renderer(&mut self) -> Option<&mut Renderer> {
        self.vm
            .as_mut()?
            .stage_mut()?
            .as_any_mut()
            .downcast_mut::<Renderer>()
    }

    /// Hands in a costume the page decoded: `rgba` is straight (not premultiplied) RGBA of
    /// `width`×`height` pixels drawn at `scale` pixels per stage unit over a costume of `size`
    /// stage units, with its rotation centre in stage units from the top-left (`None`: the
    /// middle). `false` when the costume does not exist or the pixels do not fit the size.
    #[allow(clippy::too_many_arguments)] // The boundary's flat form; `web.rs` passes it on.
    pub fn set_costume(
        &mut self,
        target: usize,
        costume: usize,
        rgba: Vec<u8>,
        width: u32,
        height: u32,
        scale: f64,
        size: [f64; 2],
        rotation_center: Option<[f64; 2]>,
        is_vector: bool,
    ) -> bool {
        if !self.costume_exists(target, costume) {
            return false;
        }
        let Some(pixmap) = pixmap_from_straight(rgba, width, height) else {
            return false;
        };
        let skin = Skin::from_raster(pixmap, scale, size, rotation_center, is_vector);
        match self.renderer() {
            Some(r) => {
                r.set_skin(target, costume, skin);
                true
            }
            None => false,
        }
    }

    /// Adds a sharper copy of a costume (the page rasterises SVGs at 2× too), used for stamps
    /// and effect textures of large sprites.
    pub fn add_costume_mip(
        &mut self,
        target: usize,
        costume: usize,
        rgba: Vec<u8>,
        width: u32,
        height: u32,
        scale: f64,
    ) -> bool {
        if !self.costume_exists(target, costume) {
            return false;
        }
        let Some(pixmap) = pixmap_from_straight(rgba, width, height) else {
            return false;
        };
        let Some(r) = self.renderer() else {
            return false;
        };
        let Some(skin) = r.skin(target as u32, costume).cloned() else {
            return false;
        };
        let mut skin = skin;
        skin.add_mip(pixmap, scale);
        r.set_skin(target, costume, skin);
        true
    }

    fn costume_exists(&self, target: usize, costume: usize) -> bool {
        self.costumes
            .iter()
            .any(|c| c.target == target && c.costume == costume)
    }

    /// The green flag.
    pub fn green_flag(&mut self) {
        if let Some(vm) = self.vm.as_mut() {
            vm.green_flag();
        }
        self.drain_events();
    }

    /// The stop sign.
    pub fn stop(&mut self) {
        if let Some(vm) = self.vm.as_mut() {
            if let Some(p) = self.press.take() {
                if p.dragging {
                    vm.stop_drag(p.id);
                }
            }
            vm.stop_all();
        }
        self.drain_events();
    }

    /// One 30 Hz frame: the input since the last frame, then the scripts.
    pub fn step_frame(&mut self) {
        let Some(vm) = self.vm.as_mut() else {
            return;
        };
        let input = Input {
            keys_down: self.keys_down.clone(),
            keys_pressed: std::mem::take(&mut self.keys_pressed),
            mouse_x: self.mouse.0,
            mouse_y: self.mouse.1,
            mouse_down: self.mouse_down,
            clicked: std::mem::take(&mut self.clicked),
        };
        vm.step_frame(&input);
        let seconds = vm.frame_seconds();
        self.drain_events();
        // The frame's sound, after its events (as the CLI's `--audio`).
        self.sound.after_frame(seconds);
    }

    /// Whether any script is running or waiting.
    pub fn is_running(&self) -> bool {
        self.vm.as_ref().is_some_and(Vm::is_running)
    }

    /// Frames stepped since the program was loaded.
    pub fn frames(&self) -> u64 {
        self.vm.as_ref().map_or(0, Vm::frames)
    }

    /// Whether a question waits for [`Session::answer`].
    pub fn waiting_for_answer(&self) -> bool {
        self.vm.as_ref().is_some_and(Vm::waiting_for_answer)
    }

    /// Answers the question being asked.
    pub fn answer(&mut self, text: &str) {
        if let Some(vm) = self.vm.as_mut() {
            vm.answer(text);
        }
        self.drain_events();
    }

    /// A key went down (a browser `KeyboardEvent.key` or a Scratch key name); repeats start
    /// `when key pressed` scripts again, as in Scratch.
    pub fn key_down(&mut self, key: &str) {
        let Some(key) = scratch_key(key) else {
            return;
        };
        if !self.keys_down.contains(&key) {
            self.keys_down.push(key.clone());
        }
        if self.keys_pressed.len() < 64 {
            self.keys_pressed.push(key);
        }
    }

    pub fn key_up(&mut self, key: &str) {
        if let Some(key) = scratch_key(key) {
            self.keys_down.retain(|k| *k != key);
        }
    }

    /// Every key up (the page lost the focus).
    pub fn release_keys(&mut self) {
        self.keys_down.clear();
    }

    /// The mouse moved to the stage point (x, y); a press on a sprite that may be dragged
    /// becomes a drag once it has moved [`DRAG_RADIUS`].
    pub fn mouse_move(&mut self, x: f64, y: f64) {
        self.mouse = clamp_to_stage(x, y);
        let (x, y) = self.mouse;
        let Some(vm) = self.vm.as_mut() else {
            return;
        };
        let Some(press) = self.press.as_mut() else {
            return;
        };
        if !press.dragging && press.can_drag && (x - press.x).hypot(y - press.y) >= DRAG_RADIUS {
            if let Some(s) = vm.sprite(press.id) {
                press.offset = (s.x - press.x, s.y - press.y);
                press.dragging = true;
                vm.start_drag(press.id);
            }
        }
        if press.dragging {
            vm.drag_to(press.id, x + press.offset.0, y + press.offset.1);
        }
    }

    /// The mouse button went down at (x, y): the sprite there (or the stage) is clicked, at once
    /// unless it may be dragged, in which case on release without a drag (as scratch-vm's
    /// mouse does).
    pub fn mouse_down(&mut self, x: f64, y: f64) {
        self.mouse = clamp_to_stage(x, y);
        self.mouse_down = true;
        let (x, y) = self.mouse;
        let id = self.pick(x, y).unwrap_or(0);
        let editor_drag = self.editor_drag;
        let Some(vm) = self.vm.as_ref() else {
            return;
        };
        let (draggable, is_stage) = vm
            .sprite(id)
            .map_or((false, true), |s| (s.draggable, s.is_stage));
        let can_drag = !is_stage && (draggable || editor_drag);
        let click_on_release = !is_stage && draggable;
        if !click_on_release {
            self.click(id);
        }
        self.press = Some(Press {
            id,
            x,
            y,
            can_drag,
            click_on_release,
            dragging: false,
            offset: (0.0, 0.0),
        });
    }

    pub fn mouse_up(&mut self, x: f64, y: f64) {
        self.mouse = clamp_to_stage(x, y);
        self.mouse_down = false;
        let Some(press) = self.press.take() else {
            return;
        };
        if press.dragging {
            if let Some(vm) = self.vm.as_mut() {
                vm.stop_drag(press.id);
            }
        } else if press.click_on_release {
            self.click(press.id);
        }
    }

    fn click(&mut self, id: u32) {
        if self.clicked.len() < 64 {
            self.clicked.push(id);
        }
    }

    /// The front-most sprite with a pixel at the stage point (x, y), `None` for the stage.
    pub fn pick(&mut self, x: f64, y: f64) -> Option<u32> {
        let vm = self.vm.as_mut()?;
        let frame = vm.frame();
        let renderer = vm.stage_mut()?.as_any_mut().downcast_mut::<Renderer>()?;
        renderer.pick(&frame, x, y)
    }

    /// The frame as numbers, [`STRIDE`] per drawable (the stage first, then the visible
    /// sprites back to front; see [`FrameField`]), for an output of `scale` pixels per stage
    /// unit. Drawables that cover no pixel (size 0, fully ghosted, costume unknown) are left out.
    pub fn frame(&mut self, scale: f64) -> &[f64] {
        self.frame_numbers.clear();
        self.last_frame.clear();
        let Some(vm) = self.vm.as_mut() else {
            return &self.frame_numbers;
        };
        let frame = vm.frame();
        let Some(renderer) = vm
            .stage_mut()
            .and_then(|s| s.as_any_mut().downcast_mut::<Renderer>())
        else {
            return &self.frame_numbers;
        };
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        let all = std::iter::once(&frame.stage).chain(frame.sprites.iter().filter(|d| d.visible));
        for (index, d) in all.enumerate() {
            let Some(placed) = renderer.place(d, scale) else {
                continue;
            };
            let ghost = d.effects[starling_runtime::stage::EFFECT_GHOST];
            let alpha = if ghost.is_finite() && ghost != 0.0 {
                1.0 - ghost.clamp(0.0, 100.0) / 100.0
            } else {
                1.0
            };
            if alpha <= 0.0 {
                continue;
            }
            let effect_key = effect_key(&d.effects);
            let mut flags = 0.0;
            if placed.linear {
                flags += FLAG_LINEAR;
            }
            if effect_key != 0.0 {
                flags += FLAG_EFFECTS;
            }
            if index == 0 {
                flags += FLAG_STAGE;
            }
            let m = placed.placement.to_stage;
            let skin = placed.placement.skin_size;
            self.frame_numbers.extend_from_slice(&[
                f64::from(d.id),
                f64::from(d.target),
                d.costume as f64,
                m[0],
                m[1],
                m[2],
                m[3],
                m[4],
                m[5],
                alpha,
                flags,
                skin[0],
                skin[1],
                placed.pixels_per_unit,
                effect_key,
                index as f64,
            ]);
            self.last_frame.push(d.clone());
        }
        &self.frame_numbers
    }

    /// Bubbles and monitors of the current frame as JSON (`{"bubbles":[{id, kind, text}],
    /// "monitors":[…]}`), or an empty string when there are none (most frames).
    pub fn frame_extras_json(&self) -> String {
        let Some(vm) = self.vm.as_ref() else {
            return String::new();
        };
        let frame = vm.frame();
        if frame.bubbles.is_empty() && frame.monitors.is_empty() {
            return String::new();
        }
        let extras = extras(&frame);
        serde_json::to_string(&extras).unwrap_or_default()
    }

    /// Where a bubble of `width`×`height` stage units goes for sprite `id`: its top-left corner
    /// (stage coordinates) and whether it is on the sprite's right, given the side it was on.
    pub fn bubble_place(
        &mut self,
        id: u32,
        width: f64,
        height: f64,
        on_right: bool,
    ) -> Option<(f64, f64, bool)> {
        let vm = self.vm.as_mut()?;
        let frame = vm.frame();
        let d = frame.sprites.iter().find(|d| d.id == id)?.clone();
        let renderer = vm.stage_mut()?.as_any_mut().downcast_mut::<Renderer>()?;
        Some(renderer.bubble_place(&d, [width, height], on_right))
    }

    /// The costume of the `index`-th drawable of the last [`Session::frame`] with its colour
    /// and shape effects baked in: straight RGBA, width, height and pixels per stage unit.
    pub fn effect_texture(&mut self, index: usize) -> Option<(Vec<u8>, u32, u32, f64)> {
        let d = self.last_frame.get(index)?.clone();
        let ppu = self
            .frame_numbers
            .get(index * STRIDE + FrameField::PixelsPerUnit as usize)
            .copied()
            .unwrap_or(1.0);
        self.renderer()?.effect_texture(&d, ppu)
    }

    /// Counts changes of the pen layer: the page uploads [`Session::pen_rgba`] when it moved.
    pub fn pen_version(&self) -> u64 {
        self.pen_version
    }

    /// The pen layer, 480×360 straight RGBA (what `ImageData` holds), all of it up to date.
    pub fn pen_rgba(&mut self) -> &[u8] {
        if self.pen_rgba_version != self.pen_version {
            self.pen_dirty = vec![FULL_PEN_RECT];
            self.pen_refresh();
        }
        &self.pen_rgba
    }

    /// Brings [`Session::pen_rgba`] up to date where the pen drew since the last call and
    /// returns those rectangles (`x, y, width, height` in pixels, four numbers each; none when
    /// nothing changed), so the page uploads only them.
    pub fn pen_refresh(&mut self) -> Vec<u32> {
        let dirty = std::mem::take(&mut self.pen_dirty);
        let version = self.pen_version;
        if self.pen_rgba.len() != PEN_BYTES {
            self.pen_rgba = vec![0; PEN_BYTES];
        }
        let mut out = std::mem::take(&mut self.pen_rgba);
        let mut rects = Vec::with_capacity(dirty.len() * 4);
        if let Some(r) = self.renderer() {
            let pen = r.pen_layer().data();
            for [x0, y0, x1, y1] in &dirty {
                for y in *y0..*y1 {
                    let row = (y * PEN_W) as usize * 4;
                    let span = row + *x0 as usize * 4..row + *x1 as usize * 4;
                    for (dst, src) in out[span.clone()]
                        .chunks_exact_mut(4)
                        .zip(pen[span].chunks_exact(4))
                    {
                        let a = u32::from(src[3]);
                        if a == 0 {
                            dst.copy_from_slice(&[0, 0, 0, 0]);
                        } else if a == 255 {
                            dst.copy_from_slice(src);
                        } else {
                            for i in 0..3 {
                                dst[i] = ((u32::from(src[i]).min(a) * 255 + a / 2) / a) as u8;
                            }
                            dst[3] = src[3];
                        }
                    }
                }
                rects.extend_from_slice(&[*x0, *y0, x1 - x0, y1 - y0]);
            }
        }
        self.pen_rgba = out;
        self.pen_rgba_version = version;
        rects
    }

    /// Where [`Session::pen_rgba`]'s bytes are in the wasm memory (the page reads them in place,
    /// without a copy per frame).
    pub fn pen_rgba_ptr(&mut self) -> usize {
        if self.pen_rgba.len() != PEN_BYTES {
            self.pen_rgba = vec![0; PEN_BYTES];
        }
        self.pen_rgba.as_ptr() as usize
    }

    /// Whether anything is drawn on the pen layer.
    pub fn pen_inked(&self) -> bool {
        self.pen_inked
    }

    /// Notes the part of the pen layer a pen event changes.
    fn pen_changed(&mut self, op: &PenEvent) {
        self.pen_version += 1;
        let rect = match op {
            PenEvent::Clear => {
                self.pen_inked = false;
                Some(FULL_PEN_RECT)
            }
            PenEvent::Line {
                x0,
                y0,
                x1,
                y1,
                size,
                ..
            } => stage_rect_to_pen(x0.min(*x1), x0.max(*x1), y0.min(*y1), y0.max(*y1), *size),
            PenEvent::Dot { x, y, size, .. } => stage_rect_to_pen(*x, *x, *y, *y, *size),
            PenEvent::Stamp { drawable, .. } => self
                .renderer()
                .and_then(|r| r.place(drawable, 1.0))
                .and_then(|p| {
                    let b = p.placement.aabb();
                    stage_rect_to_pen(b.left, b.right, b.bottom, b.top, 0.0)
                }),
        };
        if !matches!(op, PenEvent::Clear) {
            self.pen_inked = true;
        }
        let Some(rect) = rect else {
            return;
        };
        if rect == FULL_PEN_RECT {
            self.pen_dirty = vec![FULL_PEN_RECT];
            return;
        }
        self.pen_dirty.push(rect);
        if self.pen_dirty.len() > MAX_PEN_RECTS {
            // Many small strokes: one rectangle around them all.
            let all = self
                .pen_dirty
                .iter()
                .fold([u32::MAX, u32::MAX, 0, 0], |a, r| {
                    [
                        a[0].min(r[0]),
                        a[1].min(r[1]),
                        a[2].max(r[2]),
                        a[3].max(r[3]),
                    ]
                });
            self.pen_dirty = vec![all];
        }
    }

    /// The events since the last call, as a JSON array (`[]` when there are none).
    pub fn take_events_json(&mut self) -> String {
        let events = std::mem::take(&mut self.events);
        serde_json::to_string(&events).unwrap_or_else(|_| "[]".to_string())
    }

    /// The events since the last call.
    pub fn take_events(&mut self) -> Vec<EventView> {
        std::mem::take(&mut self.events)
    }

    /// A sprite's state for the page (tests, and the sprite properties to come): x, y,
    /// direction, size, visible (1/0), costume index. `None` for an unknown id.
    pub fn sprite_info(&self, id: u32) -> Option<[f64; 6]> {
        let s = self.vm.as_ref()?.sprite(id)?;
        Some([
            s.x,
            s.y,
            s.direction,
            s.size,
            if s.visible { 1.0 } else { 0.0 },
            s.costume as f64,
        ])
    }

    /// The VM, for tests and hosts that look deeper.
    pub fn vm(&self) -> Option<&Vm> {
        self.vm.as_ref()
    }

    /// The stage as the native renderer draws it (without bubbles and monitors in the wasm
    /// build), straight RGBA at `scale`: the playground's own reference picture.
    pub fn render_rgba(&mut self, scale: f32) -> Option<(Vec<u8>, u32, u32)> {
        let vm = self.vm.as_mut()?;
        let frame = vm.frame();
        let renderer = vm.stage_mut()?.as_any_mut().downcast_mut::<Renderer>()?;
        let pm = renderer.render(&frame, scale);
        let mut out = Vec::with_capacity(pm.data().len());
        for p in pm.pixels() {
            let c = p.demultiply();
            out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
        }
        Some((out, pm.width(), pm.height()))
    }

    fn drain_events(&mut self) {
        let Some(vm) = self.vm.as_mut() else {
            return;
        };
        let events = vm.take_events();
        if events.is_empty() {
            return;
        }
        for event in events {
            let Some(vm) = self.vm.as_ref() else {
                return;
            };
            match event {
                Event::Pen(op) => self.pen_changed(&op),
                Event::Ask { target, question } => {
                    let in_bubble = vm.sprites().any(|s| {
                        !s.is_stage
                            && !s.is_clone
                            && s.visible
                            && s.name == target
                            && matches!(&s.bubble, Some((_, t)) if *t == question)
                    });
                    self.events.push(EventView::Ask {
                        target,
                        question,
                        in_bubble,
                    });
                }
                Event::Warning { message, zh, loc } => self.events.push(EventView::Warning {
                    message: Words { en: message, zh },
                    block: match loc {
                        starling_runtime::program::SourceLoc::Block(id) => Some(id),
                        _ => None,
                    },
                }),
                Event::Sound(s) => {
                    self.sound.handle(&s);
                    self.events.push(sound_view(s));
                }
                Event::Bubble { .. } | Event::Monitor { .. } => {}
            }
            // A page that never asks for events must not make the list grow for ever.
            if self.events.len() > 1000 {
                self.events.drain(..500);
            }
        }
    }
}

/// The browser's `KeyboardEvent.key` (or a Scratch key name) → the name the session keeps:
/// Scratch's special names, other single characters upper-cased (as scratch-vm's keyboard
/// does, so `a` and `A` are one key). Keys Scratch does not know (Shift, F1, …) → `None`.
pub fn scratch_key(key: &str) -> Option<String> {
    let special = match key {
        " " | "Spacebar" => Some("space"),
        "ArrowLeft" | "Left" => Some("left arrow"),
        "ArrowUp" | "Up" => Some("up arrow"),
        "ArrowRight" | "Right" => Some("right arrow"),
        "ArrowDown" | "Down" => Some("down arrow"),
        "Enter" => Some("enter"),
        _ => None,
    };
    if let Some(name) = special {
        return Some(name.to_string());
    }
    let lower = key.to_lowercase();
    if [
        "space",
        "left arrow",
        "up arrow",
        "right arrow",
        "down arrow",
        "enter",
    ]
    .contains(&lower.as_str())
    {
        return Some(lower);
    }
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => Some(c.to_uppercase().collect()),
        _ => None,
    }
}

/// The pen-layer pixels a stage rectangle covers, grown by half the pen's size and a pixel of
/// anti-aliasing; `None` when it misses the layer or is not a number.
fn stage_rect_to_pen(left: f64, right: f64, bottom: f64, top: f64, size: f64) -> Option<[u32; 4]> {
    let grow = if size.is_finite() {
        size.clamp(1.0, 1200.0) / 2.0 + 2.0
    } else {
        2.0
    };
    let x0 = (left - grow + HALF_W).floor();
    let x1 = (right + grow + HALF_W).ceil();
    let y0 = (HALF_H - top - grow).floor();
    let y1 = (HALF_H - bottom + grow).ceil();
    if ![x0, x1, y0, y1].iter().all(|v| !v.is_nan()) {
        return None;
    }
    let clamp_x = |v: f64| v.clamp(0.0, f64::from(PEN_W)) as u32;
    let clamp_y = |v: f64| v.clamp(0.0, f64::from(PEN_H)) as u32;
    let r = [clamp_x(x0), clamp_y(y0), clamp_x(x1), clamp_y(y1)];
    (r[0] < r[2] && r[1] < r[3]).then_some(r)
}

fn clamp_to_stage(x: f64, y: f64) -> (f64, f64) {
    let x = if x.is_finite() { x } else { 0.0 };
    let y = if y.is_finite() { y } else { 0.0 };
    (x.clamp(-HALF_W, HALF_W), y.clamp(-HALF_H, HALF_H))
}

/// Straight RGBA → a premultiplied pixmap; `None` when the sizes do not match.
fn pixmap_from_straight(rgba: Vec<u8>, width: u32, height: u32) -> Option<Pixmap> {
    let n = (width as usize)
        .checked_mul(height as usize)?
        .checked_mul(4)?;
    if rgba.len() != n || n == 0 {
        return None;
    }
    let mut pixmap = Pixmap::new(width, height)?;
    for (dst, src) in pixmap
        .data_mut()
        .chunks_exact_mut(4)
        .zip(rgba.chunks_exact(4))
    {
        let a = u32::from(src[3]);
        for i in 0..3 {
            dst[i] = ((u32::from(src[i]) * a + 127) / 255) as u8;
        }
        dst[3] = src[3];
    }
    Some(pixmap)
}

/// 0 when no colour or shape effect is on (ghost does not count); otherwise a number that
/// differs when they differ (a hash of their bits, below 2^52 so that it survives as a double).
fn effect_key(effects: &[f64; 7]) -> f64 {
    use starling_runtime::stage::EFFECT_GHOST;
    let on = effects
        .iter()
        .enumerate()
        .any(|(i, v)| i != EFFECT_GHOST && *v != 0.0 && !v.is_nan());
    if !on {
        return 0.0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, v) in effects.iter().enumerate() {
        if i == EFFECT_GHOST {
            continue;
        }
        for b in v.to_bits().to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    ((h >> 12) | 1) as f64
}

fn costume_needs(program: &Program) -> Vec<CostumeNeed> {
    let mut needs = Vec::new();
    for (t, target) in program.targets.iter().enumerate() {
        if target.costumes.is_empty() {
            needs.push(CostumeNeed {
                target: t,
                costume: 0,
                sprite: target.name.clone(),
                name: String::new(),
                is_stage: target.is_stage,
                file: None,
                builtin: Some(if target.is_stage {
                    "white-backdrop"
                } else {
                    "default-sprite"
                }),
                rotation_center: None,
                bitmap_resolution: 1.0,
            });
            continue;
        }
        for (c, costume) in target.costumes.iter().enumerate() {
            needs.push(CostumeNeed {
                target: t,
                costume: c,
                sprite: target.name.clone(),
                name: costume.name.clone(),
                is_stage: target.is_stage,
                file: costume.file.clone(),
                builtin: None,
                rotation_center: costume.rotation_center.map(|(x, y)| [x, y]),
                bitmap_resolution: costume.bitmap_resolution,
            });
        }
    }
    needs
}

fn extras(frame: &Frame) -> Extras {
    let bubbles = frame
        .bubbles
        .iter()
        .map(|b| BubbleOut {
            id: b.id,
            kind: match b.kind {
                BubbleKind::Say => "say",
                BubbleKind::Think => "think",
            },
            text: b.text.clone(),
        })
        .collect();
    let monitors = frame
        .monitors
        .iter()
        .map(|m| {
            let (mode, min, max, discrete) = match m.mode {
                MonitorMode::Normal => ("normal", None, None, None),
                MonitorMode::Large => ("large", None, None, None),
                MonitorMode::Slider { min, max, discrete } => {
                    ("slider", Some(min), Some(max), Some(discrete))
                }
                MonitorMode::List => ("list", None, None, None),
            };
            let (value, items) = match &m.value {
                MonitorValue::Scalar(s) => (Some(s.clone()), None),
                // A list shows at most as many rows as fit on the stage; the length is exact.
                MonitorValue::List(items) => (
                    Some(items.len().to_string()),
                    Some(items.iter().take(20).cloned().collect()),
                ),
            };
            MonitorOut {
                label: m.label.clone(),
                mode,
                value,
                items,
                min: min.filter(|v| v.is_finite()),
                max: max.filter(|v| v.is_finite()),
                discrete,
                x: finite_or(m.x, 0.0),
                y: finite_or(m.y, 0.0),
                width: finite_or(m.width, 0.0),
                height: finite_or(m.height, 0.0),
            }
        })
        .collect();
    Extras { bubbles, monitors }
}

fn finite_or(v: f64, default: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        default
    }
}

fn sound_view(s: SoundEvent) -> EventView {
    let mut out = SoundOut::default();
    match s {
        SoundEvent::Play {
            target,
            sound,
            volume,
            pitch,
            pan,
            ..
        } => {
            out.action = "play";
            out.target = Some(target);
            out.sound = Some(sound);
            (out.volume, out.pitch, out.pan) = (Some(volume), Some(pitch), Some(pan));
        }
        SoundEvent::Effects {
            target,
            volume,
            pitch,
            pan,
            ..
        } => {
            out.action = "effects";
            out.target = Some(target);
            (out.volume, out.pitch, out.pan) = (Some(volume), Some(pitch), Some(pan));
        }
        SoundEvent::StopAll => out.action = "stop_all",
        SoundEvent::Stop { sound, .. } => {
            out.action = "stop";
            out.sound = Some(sound);
        }
        SoundEvent::Drum {
            drum,
            seconds,
            volume,
            ..
        } => {
            out.action = "drum";
            (out.drum, out.seconds, out.volume) = (Some(drum), Some(seconds), Some(volume));
        }
        SoundEvent::Note {
            note,
            instrument,
            seconds,
            volume,
            ..
        } => {
            out.action = "note";
            out.note = Some(note);
            out.instrument = Some(instrument);
            (out.seconds, out.volume) = (Some(seconds), Some(volume));
        }
    }
    EventView::Sound(out)
}

fn diagnostic_view(d: &Diagnostic, source: Option<&str>) -> DiagnosticView {
    let (place, block) = locate(&d.loc, source);
    DiagnosticView {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        message: Words::from(&d.message),
        hint: d.hint.as_ref().map(Words::from),
        place,
        block,
        labels: d
            .labels
            .iter()
            .map(|l| {
                let (place, block) = locate(&l.loc, source);
                LabelView {
                    message: Words::from(&l.message),
                    place,
                    block,
                }
            })
            .collect(),
    }
}

fn locate(loc: &SourceLoc, source: Option<&str>) -> (Option<Place>, Option<String>) {
    match (loc, source) {
        (SourceLoc::Span { start, end }, Some(src)) => {
            (Some(place(src, *start as usize, *end as usize)), None)
        }
        (SourceLoc::Block(id), _) => (None, Some(id.clone())),
        _ => (None, None),
    }
}

/// Byte offsets → lines, columns and UTF-16 offsets. Offsets past the end or inside a
/// character are moved back to a character boundary.
pub fn place(src: &str, start: usize, end: usize) -> Place {
    let boundary = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (boundary(start), boundary(end.max(start)));
    let at = |i: usize| {
        let before = &src[..i];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let column = src[line_start..i].chars().count() + 1;
        let utf16: usize = before.chars().map(char::len_utf16).sum();
        (line, column, utf16)
    };
    let (line, column, start16) = at(start);
    let (end_line, end_column, end16) = at(end);
    Place {
        line,
        column,
        end_line,
        end_column,
        start: start16,
        end: end16,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A project.json with an empty stage and one sprite, "Cat", whose blocks are `blocks` (a
    /// JSON object of Scratch 3 blocks).
    pub(crate) fn one_sprite_project(blocks: &str) -> String {
        format!(
            r#"{{"targets":[{{"isStage":true,"name":"Stage","variables":{{}},"lists":{{}},
            "broadcasts":{{}},"blocks":{{}},"currentCostume":0,"costumes":[],"sounds":[]}},
            {{"isStage":false,"name":"Cat","variables":{{}},"lists":{{}},"broadcasts":{{}},
            "blocks":{blocks},"currentCostume":0,"costumes":[],"sounds":[],"x":0,"y":0,
            "size":100,"direction":90,"visible":true,"draggable":false,
            "rotationStyle":"all around","layerOrder":1}}],"monitors":[],"extensions":[],
            "meta":{{"semver":"3.0.0"}}}}"#
        )
    }

    /// A `size`×`size` opaque square of straight RGBA.
    fn square(size: u32, rgba: [u8; 4]) -> Vec<u8> {
        rgba.repeat((size * size) as usize)
    }

    /// A session with `source` loaded and every costume a 20×20 red square (the stage white).
    fn loaded(source: &str) -> Session {
        let mut s = Session::new();
        let report = s.load_text(source);
        assert!(report.loaded, "{:?}", report.diagnostics);
        for need in s.costumes().to_vec() {
            let (size, rgba) = if need.is_stage {
                (480u32, [255, 255, 255, 255])
            } else {
                (20, [255, 0, 0, 255])
            };
            let (w, h) = if need.is_stage {
                (480, 360)
            } else {
                (size, size)
            };
            let pixels = rgba.repeat((w * h) as usize);
            assert!(s.set_costume(
                need.target,
                need.costume,
                pixels,
                w,
                h,
                1.0,
                [w as f64, h as f64],
                None,
                false
            ));
        }
        s
    }

    fn sprite_row(s: &mut Session) -> Vec<f64> {
        let frame = s.frame(1.0).to_vec();
        assert!(frame.len() >= 2 * STRIDE, "stage and sprite: {frame:?}");
        frame[STRIDE..2 * STRIDE].to_vec()
    }

    #[test]
    fn default_programs_compile_to_the_same_program_in_both_languages() {
        let en = starling_compiler::compile_text(include_str!("../web/projects/default.en.sb.txt"));
        let zh =
            starling_compiler::compile_text(include_str!("../web/projects/default.zh-CN.sb.txt"));
        assert!(!en.has_errors(), "{:?}", en.diagnostics);
        assert!(!zh.has_errors(), "{:?}", zh.diagnostics);
        let (en, zh) = (en.program.unwrap(), zh.program.unwrap());
        let code = |p: &Program| p.chunks.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
        assert_eq!(code(&en), code(&zh));
        // The same constants, except what the sprite says.
        let numbers = |p: &Program| {
            p.constants
                .iter()
                .map(|v| match v {
                    starling_runtime::Value::Str(_) => None,
                    other => Some(other.clone()),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(&en), numbers(&zh));
        assert_eq!(en.scripts.len(), 2);
    }

    #[test]
    fn a_program_moves_and_says_hello() {
        let mut s = loaded("when green flag clicked\nmove (10) steps\nsay [Hello!]\n");
        let before = sprite_row(&mut s);
        s.green_flag();
        s.step_frame();
        let after = sprite_row(&mut s);
        // The matrix's translation moved 10 units right.
        let e = FrameField::Matrix as usize + 4;
        assert_eq!(after[e] - before[e], 10.0);
        let extras = s.frame_extras_json();
        assert!(extras.contains(r#""text":"Hello!""#), "{extras}");
        assert!(extras.contains(r#""kind":"say""#), "{extras}");
        let place = s.bubble_place(1, 80.0, 40.0, true).unwrap();
        assert!(place.2, "room on the right");
    }

    #[test]
    fn mistakes_come_with_lines_columns_and_both_languages_and_keep_the_old_program() {
        let mut s = loaded("when green flag clicked\nsay [Hi]\n");
        let report = s.load_text("when green flag clicked\n说 [你好]\nmove (10) stepz\n");
        assert!(!report.loaded);
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.severity == "error")
            .unwrap();
        let place = d.place.as_ref().unwrap();
        assert_eq!(place.line, 3);
        assert_eq!(place.column, 1);
        // UTF-16 offset of line 3: the Chinese line counts in UTF-16 units.
        let src16: Vec<u16> = "when green flag clicked\n说 [你好]\n"
            .encode_utf16()
            .collect();
        assert_eq!(place.start, src16.len());
        assert!(!d.message.en.is_empty() && !d.message.zh.is_empty());
        assert_ne!(d.message.en, d.message.zh);
        // The old program is still there and runs.
        assert!(s.is_loaded());
        s.green_flag();
        s.step_frame();
        assert!(s.frame_extras_json().contains("Hi"));
    }

    #[test]
    fn places_count_characters_and_utf16_units() {
        let src = "ab\n说𝄞x\n";
        // 𝄞 is 4 bytes, 2 UTF-16 units; `x` starts at byte 3 + 3 + 4 = 10.
        let p = place(src, 10, 11);
        assert_eq!((p.line, p.column, p.end_line, p.end_column), (2, 3, 2, 4));
        assert_eq!((p.start, p.end), (6, 7));
        // Past the end and inside a character: clamped, no panic.
        let p = place(src, 4, 999);
        assert_eq!(p.line, 2);
        assert_eq!(p.end, 8);
    }

    #[test]
    fn keys_start_scripts_by_scratch_name() {
        let mut s =
            loaded("when [space v] key pressed\nsay [jump]\n\nwhen [a v] key pressed\nsay [a!]\n");
        s.green_flag();
        s.key_down(" ");
        s.step_frame();
        assert!(s.frame_extras_json().contains("jump"));
        s.key_up(" ");
        s.key_down("A");
        s.step_frame();
        assert!(s.frame_extras_json().contains("a!"));
        assert_eq!(scratch_key("ArrowUp").as_deref(), Some("up arrow"));
        assert_eq!(scratch_key("a").as_deref(), Some("A"));
        assert_eq!(scratch_key("Shift"), None);
        assert_eq!(scratch_key("\u{7}"), None);
    }

    #[test]
    fn clicking_a_sprite_runs_its_click_script_and_dragging_moves_it() {
        let mut s = loaded("when this sprite clicked\nsay [ouch]\n");
        s.green_flag();
        assert_eq!(s.pick(0.0, 0.0), Some(1));
        assert_eq!(s.pick(100.0, 100.0), None);
        s.mouse_down(0.0, 0.0);
        s.step_frame();
        assert!(s.frame_extras_json().contains("ouch"));
        // The editor lets any sprite be dragged.
        s.mouse_move(50.0, 40.0);
        s.mouse_up(50.0, 40.0);
        let sprite = s.vm().unwrap().sprite(1).unwrap();
        assert_eq!((sprite.x, sprite.y), (50.0, 40.0));
        // A player only drags draggable sprites.
        s.set_editor_drag(false);
        s.mouse_down(50.0, 40.0);
        s.mouse_move(-50.0, -40.0);
        s.mouse_up(-50.0, -40.0);
        let sprite = s.vm().unwrap().sprite(1).unwrap();
        assert_eq!((sprite.x, sprite.y), (50.0, 40.0));
    }

    #[test]
    fn questions_say_whether_the_bubble_shows_them() {
        let mut s =
            loaded("when green flag clicked\nask [What is your name?] and wait\nsay (answer)\n");
        s.green_flag();
        s.step_frame();
        let events = s.take_events();
        assert!(
            events.contains(&EventView::Ask {
                target: "Sprite1".into(),
                question: "What is your name?".into(),
                in_bubble: true
            }),
            "{events:?}"
        );
        assert!(s.waiting_for_answer());
        s.answer("Ada");
        s.step_frame();
        s.step_frame();
        assert!(s.frame_extras_json().contains("Ada"));

        // The stage's question has no bubble.
        let mut s = loaded("#stage\nwhen green flag clicked\nask [Ready?] and wait\n");
        s.green_flag();
        s.step_frame();
        let json = s.take_events_json();
        assert!(
            json.contains(r#""type":"ask""#) && json.contains(r#""in_bubble":false"#),
            "{json}"
        );
    }

    #[test]
    fn runtime_warnings_come_in_both_languages_with_their_block() {
        let project = one_sprite_project(
            r#"{"hat":{"opcode":"event_whenflagclicked","next":"loop","parent":null,"inputs":{},
                     "fields":{},"shadow":false,"topLevel":true,"x":0,"y":0},
              "loop":{"opcode":"control_forever","next":null,"parent":"hat",
                      "inputs":{"SUBSTACK":[2,"clone"]},"fields":{},"shadow":false,"topLevel":false},
              "clone":{"opcode":"control_create_clone_of","next":null,"parent":"loop",
                       "inputs":{"CLONE_OPTION":[1,"menu"]},"fields":{},"shadow":false,"topLevel":false},
              "menu":{"opcode":"control_create_clone_of_menu","next":null,"parent":"clone",
                      "inputs":{},"fields":{"CLONE_OPTION":["_myself_",null]},"shadow":true,"topLevel":false}}"#,
        );
        let mut s = Session::new();
        assert!(s.load_project_json(&project).loaded);
        s.green_flag();
        let mut warnings = Vec::new();
        for _ in 0..400 {
            s.step_frame();
            for e in s.take_events() {
                if let EventView::Warning { message, block } = e {
                    warnings.push((message, block));
                }
            }
        }
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let (message, block) = &warnings[0];
        assert!(message.en.contains("300 clones"), "{}", message.en);
        assert!(message.zh.contains("300 个克隆体"), "{}", message.zh);
        assert_eq!(block.as_deref(), Some("clone"));
    }

    #[test]
    fn effects_are_baked_into_a_texture_and_ghost_is_opacity() {
        let mut s = loaded(
            "when green flag clicked\nset [ghost v] effect to (50)\nset [brightness v] effect to (100)\n",
        );
        s.green_flag();
        s.step_frame();
        let row = sprite_row(&mut s);
        assert_eq!(row[FrameField::Alpha as usize], 0.5);
        let flags = row[FrameField::Flags as usize] as u32;
        assert_ne!(flags & FLAG_EFFECTS as u32, 0);
        assert_ne!(row[FrameField::EffectKey as usize], 0.0);
        let (rgba, w, h, scale) = s.effect_texture(1).unwrap();
        assert_eq!((w, h, scale), (20, 20, 1.0));
        // Brightness 100 turns red white; ghost is not in the texture.
        assert_eq!(&rgba[..4], &[255, 255, 255, 255]);
        assert!(s.effect_texture(99).is_none());
    }

    #[test]
    fn the_pen_layer_changes_version_and_pixels() {
        let mut s = loaded(
            "when green flag clicked\nhide\nset pen size to (5)\npen down\nmove (100) steps\n",
        );
        let v0 = s.pen_version();
        assert!(s.pen_rgba().iter().all(|&b| b == 0));
        assert!(!s.pen_inked());
        s.green_flag();
        s.step_frame();
        assert!(s.pen_version() > v0);
        assert!(s.pen_inked());
        // Only the line's neighbourhood is uploaded: x 240…340 (+ the pen's half size and a
        // pixel), around row 180.
        let rects = s.pen_refresh();
        assert!(
            !rects.is_empty() && rects.len().is_multiple_of(4),
            "{rects:?}"
        );
        // The dot where the pen went down, and the line.
        let (x, y) = (
            rects.iter().step_by(4).min().unwrap(),
            rects.iter().skip(1).step_by(4).min().unwrap(),
        );
        let x_end = rects.chunks(4).map(|r| r[0] + r[2]).max().unwrap();
        let y_end = rects.chunks(4).map(|r| r[1] + r[3]).max().unwrap();
        let (x, y, w, h) = (*x, *y, x_end - x, y_end - y);
        assert!(x <= 236 && x + w >= 344 && x + w <= 346, "{rects:?}");
        assert!(y <= 176 && y + h >= 184 && h < 12, "{rects:?}");
        assert!(s.pen_refresh().is_empty());
        let pen = s.pen_rgba().to_vec();
        assert_eq!(pen.len(), 480 * 360 * 4);
        // The middle row, right of the centre, is drawn opaque.
        let i = (180 * 480 + 290) * 4;
        assert_eq!(pen[i + 3], 255);
        // The sprite is hidden: only the stage is drawn.
        assert_eq!(s.frame(1.0).len(), STRIDE);
    }

    #[test]
    fn bad_costumes_and_calls_before_loading_are_refused_quietly() {
        let mut s = Session::new();
        s.step_frame();
        s.green_flag();
        s.mouse_down(0.0, 0.0);
        assert!(s.frame(1.0).is_empty());
        assert_eq!(s.frame_extras_json(), "");
        assert!(!s.set_costume(0, 0, vec![0; 4], 1, 1, 1.0, [1.0, 1.0], None, false));
        let mut s = loaded("say [x]\n");
        // Wrong size, absurd scale, unknown costume: false or a sane skin, never a panic.
        assert!(!s.set_costume(1, 0, vec![0; 7], 2, 2, 1.0, [2.0, 2.0], None, false));
        assert!(!s.set_costume(1, 5, square(2, [0; 4]), 2, 2, 1.0, [2.0, 2.0], None, false));
        assert!(s.set_costume(
            1,
            0,
            square(2, [9; 4]),
            2,
            2,
            f64::NAN,
            [f64::NAN, -1.0],
            Some([f64::INFINITY, 0.0]),
            true
        ));
        assert!(!s.add_costume_mip(1, 0, vec![1, 2, 3], 1, 1, 2.0));
        s.frame(f64::NAN);
        s.mouse_move(f64::NAN, f64::INFINITY);
        s.key_down("");
    }

    #[test]
    fn a_project_json_loads_without_its_zip() {
        let mut s = Session::new();
        let json = r#"{"targets":[{"isStage":true,"name":"Stage","costumes":[]},{"isStage":false,"name":"Bird","costumes":[],"blocks":{}}],"meta":{"semver":"3.0.0"}}"#;
        let report = s.load_project_json(json);
        assert!(report.loaded, "{:?}", report.diagnostics);
        assert_eq!(s.costumes().len(), 2);
        assert_eq!(s.costumes()[1].builtin, Some("default-sprite"));
        let report = s.load_project_json("{not json");
        assert!(!report.loaded);
        assert!(!report.diagnostics[0].message.zh.is_empty());
        // The project that loaded is still there.
        assert!(s.is_loaded());
    }

    #[test]
    fn an_sb3_that_is_not_one_is_a_friendly_error() {
        let mut s = Session::new();
        let report = s.load_sb3(b"this is not a zip");
        assert!(!report.loaded);
        let d = &report.diagnostics[0];
        assert_eq!(d.severity, "error");
        assert!(!d.message.en.is_empty() && !d.message.zh.is_empty());
    }
}
