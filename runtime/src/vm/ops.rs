//! What the blocks do to sprites, sound, pen and sensing: scratch-vm's `scratch3_*.js`,
//! `rendered-target.js`, the pen and music extensions. The dispatch loop in [`super::exec`]
//! calls these.

use super::jsmath::{self, clamp, js_round, wrap_clamp};
use super::sprite::{self, color, EFFECT_BRIGHTNESS, EFFECT_GHOST, STAGE_HEIGHT, STAGE_WIDTH};
use super::thread::ThreadId;
use super::{HatEvent, Question, SoundPlayer, SpriteState, Vm, MAX_CLONES, SOUND_STARTING_SECONDS};
use crate::io::{BubbleKind, Event, PenEvent, SoundEvent};
use crate::program::{CostumeDef, MonitorDef, RotationStyle};
use crate::stage::{Drawable, MonitorMode, MonitorValue, MonitorView};

/// A list monitor shows at most this many items (it cannot show more on a 360-pixel stage; a
/// million-item list must not cost a million strings per frame).
const MONITOR_LIST_ITEMS: usize = 200;

/// Scratch labels a sprite's own variable "Sprite1: name".
fn monitor_label(def: &crate::program::TargetDef, name: &str) -> String {
    if def.is_stage {
        name.to_string()
    } else {
        format!("{}: {}", def.name, name)
    }
}

/// A rectangle of no size at a point.
fn point_rect(x: f64, y: f64) -> sprite::Rect {
    sprite::Rect {
        left: x,
        right: x,
        bottom: y,
        top: y,
    }
}
use crate::value::{js_string_to_number, Text, Value};

/// Music: 18 drums, 21 instruments (scratch3_music's DRUM_INFO and INSTRUMENT_INFO).
const N_DRUMS: f64 = 18.0;
const N_INSTRUMENTS: f64 = 21.0;

impl Vm {
    pub(super) fn costume_of(&self, sid: usize) -> Option<&CostumeDef> {
        let s = &self.sprites[sid];
        self.program
            .targets
            .get(s.target as usize)?
            .costumes
            .get(s.costume)
    }

    /// The sprite as the renderer draws it.
    pub(super) fn drawable(&self, sid: usize) -> Drawable {
        let s = &self.sprites[sid];
        Drawable {
            id: s.id,
            target: s.target,
            costume: s.costume,
            x: s.x,
            y: s.y,
            direction: s.direction,
            size: s.size,
            rotation_style: s.rotation_style,
            effects: s.effects,
            visible: s.visible,
        }
    }

    /// Draws on the pen layer (the stage's, if there is one) and tells the host.
    pub(super) fn pen_op(&mut self, op: PenEvent) {
        if let Some(stage) = self.stage.as_mut() {
            stage.pen(&op);
        }
        self.events.push(Event::Pen(op));
        self.redraw_requested = true;
    }

    /// The sprite's tight bounds (scratch-render's `getBounds`); with no stage, the costume
    /// rectangle. A costume the stage cannot measure is a point at the sprite's position.
    pub(super) fn bounds(&mut self, sid: usize) -> sprite::Rect {
        let d = self.drawable(sid);
        if let Some(stage) = self.stage.as_mut() {
            let s = &mut self.sprites[sid];
            s.hull_key = Some(s.hull_key_now());
            return stage.bounds(&d).unwrap_or_else(|| point_rect(d.x, d.y));
        }
        let s = &self.sprites[sid];
        sprite::bounds_at(s, self.costume_of(sid), s.x, s.y)
    }

    /// The bounds fencing uses (scratch-render's `getFastBounds`): the tight bounds once they
    /// have been measured for this costume and shape, else the costume's rectangle.
    fn fence_bounds(&mut self, sid: usize) -> sprite::Rect {
        let s = &self.sprites[sid];
        if s.hull_key == Some(s.hull_key_now()) {
            return self.bounds(sid);
        }
        let d = self.drawable(sid);
        if let Some(stage) = self.stage.as_mut() {
            return stage.aabb(&d).unwrap_or_else(|| point_rect(d.x, d.y));
        }
        let s = &self.sprites[sid];
        sprite::bounds_at(s, self.costume_of(sid), s.x, s.y)
    }

    /// The current costume's size in stage units, for the size limits.
    fn costume_size(&self, sid: usize) -> Option<(f64, f64)> {
        let s = &self.sprites[sid];
        if let Some(stage) = self.stage.as_ref() {
            return stage.costume_size(s.target, s.costume);
        }
        sprite::costume_geometry(self.costume_of(sid)).map(|(size, _)| size)
    }

    // ------------------------------------------------------------------ motion

    /// rendered-target `setXY`: fenced to the stage; a pen that is down draws a line.
    pub(super) fn set_xy(&mut self, sid: usize, x: f64, y: f64) {
        if self.sprites[sid].dragging {
            return;
        }
        self.set_xy_forced(sid, x, y);
    }

    /// `setXY(x, y, force)`: also while the sprite is being dragged.
    pub(super) fn set_xy_forced(&mut self, sid: usize, x: f64, y: f64) {
        if self.sprites[sid].is_stage {
            return;
        }
        let fence = self.fence_bounds(sid);
        let (nx, ny) = sprite::fenced_position(&self.sprites[sid], fence, x, y);
        let s = &mut self.sprites[sid];
        let (ox, oy) = (s.x, s.y);
        s.x = nx;
        s.y = ny;
        if s.visible {
            self.redraw_requested = true;
        }
        if s.pen.down {
            let pen = &s.pen;
            let op = PenEvent::Line {
                x0: ox,
                y0: oy,
                x1: nx,
                y1: ny,
                rgba: pen.rgba,
                size: pen.size,
            };
            self.pen_op(op);
        }
    }

    pub(super) fn set_direction(&mut self, sid: usize, direction: f64) {
        let s = &mut self.sprites[sid];
        if s.is_stage || !direction.is_finite() {
            return;
        }
        s.direction = wrap_clamp(direction, -179.0, 180.0);
        if s.visible {
            self.redraw_requested = true;
        }
    }

    pub(super) fn move_steps(&mut self, sid: usize, steps: f64) {
        let s = &self.sprites[sid];
        let radians = (90.0 - s.direction).to_radians();
        let (x, y) = (s.x + steps * radians.cos(), s.y + steps * radians.sin());
        self.set_xy(sid, x, y);
    }

    /// scratch3_motion `getTargetXY`: `_mouse_`, `_random_` or a sprite's position.
    pub(super) fn target_xy(&mut self, target: &Value) -> Option<(f64, f64)> {
        let name = target.to_str();
        match &*name {
            "_mouse_" => Some((self.mouse_scratch_x(), self.mouse_scratch_y())),
            "_random_" => {
                let x = js_round(STAGE_WIDTH * (self.rng.next_f64() - 0.5));
                let y = js_round(STAGE_HEIGHT * (self.rng.next_f64() - 0.5));
                Some((x, y))
            }
            _ => {
                let other = self.original_by_name(&name, false)?;
                Some((self.sprites[other].x, self.sprites[other].y))
            }
        }
    }

    pub(super) fn point_towards(&mut self, sid: usize, target: &Value) {
        let name = target.to_str();
        let (tx, ty) = match &*name {
            "_mouse_" => (self.mouse_scratch_x(), self.mouse_scratch_y()),
            "_random_" => {
                let d = js_round(self.rng.next_f64() * 360.0) - 180.0;
                self.set_direction(sid, d);
                return;
            }
            _ => match self.original_by_name(&name, false) {
                Some(other) => (self.sprites[other].x, self.sprites[other].y),
                None => return,
            },
        };
        let s = &self.sprites[sid];
        let direction = 90.0 - (ty - s.y).atan2(tx - s.x).to_degrees();
        self.set_direction(sid, direction);
    }

    /// scratch3_motion `ifOnEdgeBounce`.
    pub(super) fn bounce(&mut self, sid: usize) {
        if self.sprites[sid].is_stage {
            return;
        }
        let b = self.bounds(sid);
        let dist_left = (STAGE_WIDTH / 2.0 + b.left).max(0.0);
        let dist_top = (STAGE_HEIGHT / 2.0 - b.top).max(0.0);
        let dist_right = (STAGE_WIDTH / 2.0 - b.right).max(0.0);
        let dist_bottom = (STAGE_HEIGHT / 2.0 + b.bottom).max(0.0);
        let mut nearest = 0;
        let mut min_dist = f64::INFINITY;
        for (i, d) in [dist_left, dist_top, dist_right, dist_bottom]
            .into_iter()
            .enumerate()
        {
            if d < min_dist {
                min_dist = d;
                nearest = i;
            }
        }
        if min_dist > 0.0 {
            return;
        }
        let radians = (90.0 - self.sprites[sid].direction).to_radians();
        let mut dx = radians.cos();
        let mut dy = -radians.sin();
        match nearest {
            0 => dx = dx.abs().max(0.2),
            1 => dy = dy.abs().max(0.2),
            2 => dx = -dx.abs().max(0.2),
            _ => dy = -dy.abs().max(0.2),
        }
        let direction = dy.atan2(dx).to_degrees() + 90.0;
        self.set_direction(sid, direction);
        let b = self.bounds(sid);
        let (x, y) = sprite::keep_in_stage(&self.sprites[sid], b);
        self.set_xy(sid, x, y);
    }

    pub(super) fn set_rotation_style(&mut self, sid: usize, style: u32) {
        let s = &mut self.sprites[sid];
        s.rotation_style = match style {
            1 => RotationStyle::LeftRight,
            2 => RotationStyle::DontRotate,
            _ => RotationStyle::AllAround,
        };
        if s.shows() && !s.is_stage {
            self.redraw_requested = true;
        }
    }

    // ------------------------------------------------------------------ looks

    pub(super) fn set_costume(&mut self, sid: usize, index: f64) {
        let n = self.program.targets[self.sprites[sid].target as usize]
            .costumes
            .len();
        let s = &mut self.sprites[sid];
        let mut index = js_round(index);
        if !index.is_finite() {
            index = 0.0;
        }
        if n > 0 {
            // (`min`: rounding in wrap_clamp of a huge index must not leave the range.)
            s.costume = (wrap_clamp(index, 0.0, n as f64 - 1.0) as usize).min(n - 1);
        }
        if s.shows() {
            self.redraw_requested = true;
        }
    }

    fn costume_index_by_name(&self, sid: usize, name: &str) -> Option<usize> {
        self.program.targets[self.sprites[sid].target as usize]
            .costumes
            .iter()
            .position(|c| c.name == name)
    }

    /// scratch3_looks `_setCostume` / `_setBackdrop`: numbers are indexes; text is a name, then
    /// `next`/`previous` (and `random backdrop`), then a number-like name is an index.
    fn switch_costume_like(&mut self, sid: usize, requested: &Value, is_backdrop: bool) {
        match requested {
            Value::Num(n) => self.set_costume(sid, n - 1.0),
            other => {
                let text = other.to_str();
                let current = self.sprites[sid].costume as f64;
                let (next, previous) = if is_backdrop {
                    ("next backdrop", "previous backdrop")
                } else {
                    ("next costume", "previous costume")
                };
                if let Some(i) = self.costume_index_by_name(sid, &text) {
                    self.set_costume(sid, i as f64);
                } else if *text == *next {
                    self.set_costume(sid, current + 1.0);
                } else if *text == *previous {
                    self.set_costume(sid, current - 1.0);
                } else if is_backdrop && &*text == "random backdrop" {
                    let n = self.program.targets[self.sprites[sid].target as usize]
                        .costumes
                        .len();
                    if n > 1 {
                        // MathUtil.inclusiveRandIntWithout: never the current backdrop.
                        let r = (self.rng.next_f64() * (n - 1) as f64).floor();
                        let pick = if r >= current { r + 1.0 } else { r };
                        self.set_costume(sid, pick);
                    }
                } else {
                    let number = match other {
                        Value::Bool(b) => *b as u8 as f64,
                        _ if text.trim_matches(crate::value::is_js_whitespace).is_empty() => {
                            f64::NAN
                        }
                        _ => js_string_to_number(&text),
                    };
                    if !number.is_nan() {
                        self.set_costume(sid, number - 1.0);
                    }
                }
            }
        }
    }

    pub(super) fn switch_costume(&mut self, sid: usize, requested: &Value) {
        self.switch_costume_like(sid, requested, false);
    }

    /// Switches the backdrop and starts `when backdrop switches to` scripts (always, even when
    /// the backdrop stays the same). Returns the started threads.
    pub(super) fn switch_backdrop(&mut self, requested: &Value) -> Vec<ThreadId> {
        self.switch_costume_like(0, requested, true);
        self.backdrop_hats()
    }

    pub(super) fn next_backdrop(&mut self) -> Vec<ThreadId> {
        let current = self.sprites[0].costume as f64;
        self.set_costume(0, current + 1.0);
        self.backdrop_hats()
    }

    fn backdrop_hats(&mut self) -> Vec<ThreadId> {
        let name = self.program.targets[0]
            .costumes
            .get(self.sprites[0].costume)
            .map(|c| c.name.to_uppercase());
        let name = name.unwrap_or_default();
        self.start_hats(HatEvent::Backdrop(&name), None)
    }

    pub(super) fn costume_number_name(&self, sid: usize, name: bool) -> Value {
        let s = &self.sprites[sid];
        if !name {
            return Value::Num(s.costume as f64 + 1.0);
        }
        match self.costume_of(sid) {
            Some(c) => Value::from(c.name.as_str()),
            None => Value::empty(),
        }
    }

    pub(super) fn set_size(&mut self, sid: usize, size: f64) {
        if self.sprites[sid].is_stage {
            return;
        }
        let clamped = sprite::clamp_size(size, self.costume_size(sid));
        let s = &mut self.sprites[sid];
        s.size = clamped;
        if s.visible {
            self.redraw_requested = true;
        }
    }

    /// scratch3_looks `changeEffect` / `setEffect` with `clampEffect` (ghost 0…100, brightness
    /// −100…100).
    pub(super) fn set_effect(&mut self, sid: usize, effect: u32, value: f64, change: bool) {
        let Some(slot) = self.sprites[sid].effects.get(effect as usize).copied() else {
            return;
        };
        let mut v = if change { value + slot } else { value };
        if effect as usize == EFFECT_GHOST {
            v = clamp(v, 0.0, 100.0);
        } else if effect as usize == EFFECT_BRIGHTNESS {
            v = clamp(v, -100.0, 100.0);
        }
        let s = &mut self.sprites[sid];
        s.effects[effect as usize] = v;
        if s.shows() {
            self.redraw_requested = true;
        }
    }

    pub(super) fn clear_effects(&mut self, sid: usize) {
        let s = &mut self.sprites[sid];
        s.effects = [0.0; 7];
        if s.shows() {
            self.redraw_requested = true;
        }
    }

    /// `show` / `hide` and the bubble's `_renderBubble` that follows them.
    pub(super) fn set_visible(&mut self, sid: usize, visible: bool) {
        let s = &mut self.sprites[sid];
        if s.is_stage {
            return;
        }
        s.visible = visible;
        if visible {
            self.redraw_requested = true;
        }
        let bubble_shows = visible && s.bubble.is_some();
        if bubble_shows || s.bubble_drawn {
            self.redraw_requested = true;
        }
        s.bubble_drawn = bubble_shows;
    }

    /// `go to front` / `go to back`.
    pub(super) fn go_front_back(&mut self, sid: usize, front: bool) {
        if self.sprites[sid].is_stage {
            return;
        }
        self.layer_order.retain(|&i| i != sid);
        if front {
            self.layer_order.push(sid);
        } else {
            self.layer_order.insert(0, sid);
        }
        self.update_layers();
    }

    /// `go forward/backward (n) layers` (`runtime.moveExecutable`).
    pub(super) fn go_layers(&mut self, sid: usize, delta: f64) {
        if self.sprites[sid].is_stage {
            return;
        }
        let Some(old) = self.layer_order.iter().position(|&i| i == sid) else {
            return;
        };
        self.layer_order.remove(old);
        let len = self.layer_order.len() as f64;
        let new = old as f64 + delta;
        let new = if new.is_nan() {
            0.0
        } else {
            new.trunc().clamp(0.0, len)
        };
        self.layer_order.insert(new as usize, sid);
        self.update_layers();
    }

    // ------------------------------------------------------------------ clones

    /// `create clone of`: `_myself_` or a sprite's name. At most 300 clones; the stage has none.
    /// `create clone of`; true when this call hit the clone limit for the first time (the caller
    /// warns, with the block's place).
    pub(super) fn create_clone_of(&mut self, sid: usize, which: &Value) -> bool {
        let name = which.to_str();
        let source = if &*name == "_myself_" {
            Some(sid)
        } else {
            self.original_by_name(&name, false)
        };
        let Some(source) = source else { return false };
        if self.sprites[source].is_stage {
            return false;
        }
        if self.clone_count >= MAX_CLONES {
            let first = !self.clone_warning_given;
            self.clone_warning_given = true;
            return first;
        }
        self.clone_count += 1;
        let src = &self.sprites[source];
        let original = self.original_by_name(&src.name, false).unwrap_or(source);
        let orig = &self.sprites[original];
        let mut clone = SpriteState {
            id: 0,
            is_clone: true,
            bubble: None,
            bubble_drawn: false,
            bubble_usage: 0,
            // A new RenderedTarget's volume; makeClone does not copy it.
            volume: 100.0,
            // Pen, sound effects and instrument come from the original sprite
            // (`fireTargetWasCreated(newClone, this.clones[0])`).
            pen: orig.pen.clone(),
            pitch: orig.pitch,
            pan: orig.pan,
            instrument: orig.instrument,
            ..src.clone()
        };
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.sprites.push(clone.clone());
                self.sprites.len() - 1
            }
        };
        clone.id = slot as u32;
        let visible = clone.visible;
        self.sprites[slot] = clone;
        self.start_hats(HatEvent::CloneStart, Some(slot));
        self.target_order.push(slot);
        let pos = self
            .layer_order
            .iter()
            .position(|&i| i == source)
            .unwrap_or(0);
        self.layer_order.insert(pos, slot);
        self.update_layers();
        if visible {
            self.redraw_requested = true;
        }
        false
    }

    /// `delete this clone` (only clones can be deleted).
    pub(super) fn delete_clone(&mut self, sid: usize) {
        if !self.sprites[sid].is_clone {
            return;
        }
        self.clone_count = self.clone_count.saturating_sub(1);
        self.stop_for_target(sid, None);
        if self.sprites[sid].visible {
            self.redraw_requested = true;
        }
        self.free_sprite(sid);
    }

    // ------------------------------------------------------------------ sensing

    pub(super) fn mouse_scratch_x(&self) -> f64 {
        js_round(clamp(self.mouse_x, -STAGE_WIDTH / 2.0, STAGE_WIDTH / 2.0))
    }

    pub(super) fn mouse_scratch_y(&self) -> f64 {
        js_round(clamp(self.mouse_y, -STAGE_HEIGHT / 2.0, STAGE_HEIGHT / 2.0))
    }

    /// `touching (_mouse_ / _edge_ / sprite)?`: pixel-exact with a stage, on bounding boxes
    /// without one (see [`super::sprite`]). Hidden sprites touch no sprite.
    pub(super) fn touching_object(&mut self, sid: usize, what: &Value) -> bool {
        if self.sprites[sid].is_stage {
            return false;
        }
        let name = what.to_str();
        match &*name {
            // rendered-target's `isTouchingPoint` does not look at visibility: a hidden sprite
            // touches the mouse-pointer in Scratch 3.
            "_mouse_" => {
                let (mx, my) = (self.mouse_x, self.mouse_y);
                let me = self.drawable(sid);
                match self.stage.as_mut() {
                    Some(stage) => stage.touching_point(&me, mx, my),
                    None => self.bounds(sid).contains(mx, my),
                }
            }
            "_edge_" => {
                let b = self.bounds(sid);
                b.left < -STAGE_WIDTH / 2.0
                    || b.right > STAGE_WIDTH / 2.0
                    || b.top > STAGE_HEIGHT / 2.0
                    || b.bottom < -STAGE_HEIGHT / 2.0
            }
            _ => {
                if !self.sprites[sid].visible {
                    return false;
                }
                let Some(original) = self.original_by_name(&name, false) else {
                    return false;
                };
                let def = self.sprites[original].target;
                let others: Vec<usize> = self
                    .target_order
                    .iter()
                    .copied()
                    .filter(|&o| {
                        let s = &self.sprites[o];
                        o != sid && s.target == def && s.visible
                    })
                    .collect();
                if others.is_empty() {
                    return false;
                }
                if self.stage.is_some() {
                    let me = self.drawable(sid);
                    let others: Vec<Drawable> = others.iter().map(|&o| self.drawable(o)).collect();
                    let stage = self.stage.as_mut().expect("checked above");
                    return stage.touching_drawables(&me, &others);
                }
                let mine = self.bounds(sid);
                others.into_iter().any(|o| mine.intersects(&self.bounds(o)))
            }
        }
    }

    /// `touching color (c)?` and, with `mask`, `color (mask) is touching (c)?`. Without a
    /// stage nothing has a colour. A hidden sprite still senses colours (scratch-render's
    /// `isTouchingColor` does not look at the sprite's own visibility; hidden "sensor" sprites
    /// rely on it).
    pub(super) fn touching_color(
        &mut self,
        sid: usize,
        color: &Value,
        mask: Option<&Value>,
    ) -> bool {
        if self.stage.is_none() || self.sprites[sid].is_stage {
            return false;
        }
        let rgb = |v: &Value| {
            let c = color::to_rgb_object(v);
            [c.r as u8, c.g as u8, c.b as u8]
        };
        let color = rgb(color);
        let mask = mask.map(rgb);
        let me = self.drawable(sid);
        let scene = self.scene();
        let stage = self.stage.as_mut().expect("checked above");
        stage.touching_color(&me, &scene, color, mask)
    }

    pub(super) fn distance_to(&self, sid: usize, what: &Value) -> f64 {
        let s = &self.sprites[sid];
        if s.is_stage {
            return 10000.0;
        }
        let name = what.to_str();
        let (tx, ty) = if &*name == "_mouse_" {
            (self.mouse_scratch_x(), self.mouse_scratch_y())
        } else {
            match self.original_by_name(&name, false) {
                Some(o) => (self.sprites[o].x, self.sprites[o].y),
                None => return 10000.0,
            }
        };
        let (dx, dy) = (s.x - tx, s.y - ty);
        (dx * dx + dy * dy).sqrt()
    }

    /// `key (…) pressed?` (`keyboard.getKeyIsDown` with `_keyArgToScratchKey`).
    pub(super) fn key_pressed(&self, key: &Value) -> bool {
        if let Value::Str(s) = key {
            if &**s == "any" {
                return !self.keys_down.is_empty();
            }
        }
        let scratch_key: String = match key {
            Value::Num(n) if (48.0..=90.0).contains(n) && n.fract() == 0.0 => {
                char::from(*n as u8).to_string()
            }
            Value::Num(n) if *n == 32.0 => "space".into(),
            Value::Num(n) if *n == 37.0 => "left arrow".into(),
            Value::Num(n) if *n == 38.0 => "up arrow".into(),
            Value::Num(n) if *n == 39.0 => "right arrow".into(),
            Value::Num(n) if *n == 40.0 => "down arrow".into(),
            other => {
                let text = other.to_str();
                const SPECIAL: [&str; 6] = [
                    "space",
                    "left arrow",
                    "up arrow",
                    "right arrow",
                    "down arrow",
                    "enter",
                ];
                if SPECIAL.contains(&&*text) {
                    text.to_string()
                } else {
                    // The first UTF-16 unit, upper-cased.
                    match text.chars().next() {
                        Some(' ') => "space".into(),
                        Some(c) => c.to_uppercase().collect(),
                        None => String::new(),
                    }
                }
            }
        };
        self.keys_down.contains(&scratch_key)
    }

    /// `[property] of [object]`.
    pub(super) fn attribute_of(&self, property: &Value, object: &Value) -> Value {
        let object = object.to_str();
        let target = if &*object == "_stage_" {
            Some(0)
        } else {
            self.original_by_name(&object, false)
        };
        let Some(t) = target else {
            return Value::Num(0.0);
        };
        let s = &self.sprites[t];
        let property = property.to_str();
        let found = if s.is_stage {
            match &*property {
                "background #" | "backdrop #" => Some(Value::Num(s.costume as f64 + 1.0)),
                "backdrop name" => Some(self.costume_number_name(t, true)),
                "volume" => Some(Value::Num(s.volume)),
                _ => None,
            }
        } else {
            match &*property {
                "x position" => Some(Value::Num(s.x)),
                "y position" => Some(Value::Num(s.y)),
                "direction" => Some(Value::Num(s.direction)),
                "costume #" => Some(Value::Num(s.costume as f64 + 1.0)),
                "costume name" => Some(self.costume_number_name(t, true)),
                "size" => Some(Value::Num(s.size)),
                "volume" => Some(Value::Num(s.volume)),
                _ => None,
            }
        };
        if let Some(v) = found {
            return v;
        }
        let def = &self.program.targets[s.target as usize];
        match def.variables.iter().position(|v| *v.name == *property) {
            Some(i) => s.variables.get(i).cloned().unwrap_or_default(),
            None => Value::Num(0.0),
        }
    }

    /// `ask (…) and wait`: queues the question (asking it now when nobody else is asking).
    pub(super) fn ask(&mut self, sid: usize, text: Text) -> u64 {
        let id = self.next_question_id;
        self.next_question_id += 1;
        let s = &self.sprites[sid];
        let q = Question {
            id,
            sprite: sid,
            text: text.to_string(),
            in_bubble: s.visible && !s.is_stage,
        };
        let was_asking = !self.questions.is_empty();
        self.questions.push_back(q);
        if !was_asking {
            self.ask_front_question();
        }
        id
    }

    pub(super) fn current(&self, unit: u32) -> f64 {
        let d = jsmath::date_parts(self.config.epoch_ms + self.now());
        match unit {
            0 => d.year as f64,
            1 => d.month as f64,
            2 => d.day as f64,
            3 => d.weekday as f64,
            4 => d.hour as f64,
            5 => d.minute as f64,
            6 => d.second as f64,
            _ => 0.0,
        }
    }

    pub(super) fn days_since_2000(&self) -> f64 {
        (self.config.epoch_ms + self.now() - jsmath::Y2000_MS) / 86_400_000.0
    }

    /// `show/hide variable/list`: the monitor of the variable (made at a free place the first
    /// time) is shown or hidden, and the host is told.
    pub(super) fn monitor_event(&mut self, sid: usize, slot: u32, is_list: bool, visible: bool) {
        let (local, idx) = crate::isa::slot_parts(slot);
        let def_idx = if local {
            self.sprites[sid].target as usize
        } else {
            0
        };
        let def = &self.program.targets[def_idx];
        let name = if is_list {
            def.lists.get(idx).map(|l| &l.name)
        } else {
            def.variables.get(idx).map(|v| &v.name)
        };
        let Some(name) = name else { return };
        let label = monitor_label(def, name);
        let existing = self.monitors.iter().position(|m| {
            m.target as usize == def_idx && m.index as usize == idx && m.is_list == is_list
        });
        match existing {
            Some(i) => self.monitors[i].visible = visible,
            None if visible => {
                let n = self.monitors.len() as f64;
                self.monitors.push(MonitorDef {
                    target: def_idx as u32,
                    index: idx as u32,
                    is_list,
                    mode: if is_list {
                        MonitorMode::List
                    } else {
                        MonitorMode::Normal
                    },
                    // scratch-gui places new monitors down the left edge.
                    x: Some(5.0),
                    y: Some(5.0 + (n * 30.0) % 330.0),
                    width: 0.0,
                    height: 0.0,
                    visible: true,
                });
            }
            None => {}
        }
        self.redraw_requested = true;
        self.events.push(Event::Monitor {
            name: label,
            is_list,
            visible,
        });
    }

    /// The visible monitors with their current values, for [`Vm::frame`].
    pub(super) fn monitor_views(&self) -> Vec<MonitorView> {
        let mut auto_y = 5.0;
        let mut views = Vec::new();
        for m in self.monitors.iter().filter(|m| m.visible) {
            let Some(def) = self.program.targets.get(m.target as usize) else {
                continue;
            };
            // An original sprite's state is at its target index.
            let Some(owner) = self.sprites.get(m.target as usize) else {
                continue;
            };
            let i = m.index as usize;
            let (name, value) = if m.is_list {
                let (Some(l), Some(items)) = (def.lists.get(i), owner.lists.get(i)) else {
                    continue;
                };
                let shown = items.iter().take(MONITOR_LIST_ITEMS);
                (
                    &l.name,
                    MonitorValue::List(shown.map(|v| v.to_str().to_string()).collect()),
                )
            } else {
                let (Some(v), Some(value)) = (def.variables.get(i), owner.variables.get(i)) else {
                    continue;
                };
                (&v.name, MonitorValue::Scalar(value.to_str().to_string()))
            };
            let (x, y) = match (m.x, m.y) {
                (Some(x), Some(y)) => (x, y),
                _ => {
                    let y = auto_y;
                    auto_y += 30.0;
                    (5.0, y)
                }
            };
            views.push(MonitorView {
                label: monitor_label(def, name),
                value,
                mode: m.mode,
                x,
                y,
                width: m.width,
                height: m.height,
            });
        }
        views
    }

    // ------------------------------------------------------------------ sound

    /// scratch3_sound `_getSoundIndex`: by name, else a number (parseInt) wrapped to the sounds.
    fn sound_index(&self, sid: usize, which: &Value) -> Option<usize> {
        let sounds = &self.program.targets[self.sprites[sid].target as usize].sounds;
        if sounds.is_empty() {
            return None;
        }
        if let Value::Str(name) = which {
            if let Some(i) = sounds.iter().position(|s| *s.name == **name) {
                return Some(i);
            }
        }
        let n = parse_int(&which.to_str())?;
        Some((wrap_clamp(n - 1.0, 0.0, sounds.len() as f64 - 1.0) as usize).min(sounds.len() - 1))
    }

    /// scratch3_sound `_playSound` with scratch-audio's `SoundBank.playSound` and
    /// `SoundPlayer.play`: starts (or restarts) the sound's player for this sprite. Returns the
    /// player and its stop count after starting, which `play sound until done` waits to pass, or
    /// `None` when there is no such sound. `waiting` is `play sound until done`.
    pub(super) fn play_sound(
        &mut self,
        sid: usize,
        which: &Value,
        waiting: bool,
    ) -> Option<(u32, u64)> {
        let index = self.sound_index(sid, which)?;
        let s = &self.sprites[sid];
        let (id, owner) = (s.id, s.target);
        let length = self.program.targets[owner as usize].sounds[index]
            .seconds
            .filter(|l| l.is_finite() && *l > 0.0)
            .unwrap_or(0.0);
        let rate = playback_rate(s.pitch);
        let event = SoundEvent::Play {
            target: s.name.clone(),
            sprite: id,
            owner,
            sound: index,
            volume: s.volume,
            pitch: s.pitch,
            pan: s.pan,
        };
        let p = match self
            .sound_players
            .iter()
            .position(|p| p.owner == owner && p.sound == index)
        {
            Some(p) => p,
            None => {
                self.sound_players.push(SoundPlayer {
                    owner,
                    sound: index,
                    sprite: id,
                    playing: false,
                    position: 0.0,
                    length,
                    age: 0.0,
                    rate,
                    stops: 0,
                });
                self.sound_players.len() - 1
            }
        };
        let player = &mut self.sound_players[p];
        if player.sprite != id {
            // "Forking" the output: another sprite's playback stops first.
            player.stop();
        }
        player.sprite = id;
        player.rate = rate;
        player.length = length;
        if player.playing && player.age < SOUND_STARTING_SECONDS {
            // `isStarting`: the sound goes on; the player only emits `stop` and `play`.
            player.stops += 1;
        } else {
            player.stop();
            player.playing = true;
            player.position = 0.0;
            player.age = 0.0;
        }
        let stops = player.stops;
        let key = (id, p as u32);
        let listed = self.waiting_sounds.iter().position(|w| *w == key);
        match (waiting, listed) {
            (true, None) => self.waiting_sounds.push(key),
            (false, Some(i)) => {
                self.waiting_sounds.swap_remove(i);
            }
            _ => {}
        }
        self.events.push(Event::Sound(event));
        Some((p as u32, stops))
    }

    /// `stop all sounds`: every player stops (threads waiting for one go on at the next frame).
    pub(super) fn stop_all_sounds(&mut self) {
        self.stop_sound_players();
    }

    /// scratch3_sound `stopAllSounds`, which the stop sign and the green flag run too.
    pub(super) fn stop_sound_players(&mut self) {
        self.events.push(Event::Sound(SoundEvent::StopAll));
        for p in self.sound_players.iter_mut() {
            p.stop();
        }
        self.waiting_sounds.clear();
    }

    /// scratch3_sound `_stopWaitingSoundsForTarget` (on `STOP_FOR_TARGET`): the sounds the
    /// sprite waits for with `play sound until done` stop, if it played them last.
    pub(super) fn stop_waiting_sounds(&mut self, sid: usize) {
        let id = self.sprites[sid].id;
        if !self.waiting_sounds.iter().any(|w| w.0 == id) {
            return;
        }
        let mut i = 0;
        while i < self.waiting_sounds.len() {
            let (sprite, p) = self.waiting_sounds[i];
            if sprite != id {
                i += 1;
                continue;
            }
            self.waiting_sounds.remove(i);
            let Some(player) = self.sound_players.get_mut(p as usize) else {
                continue;
            };
            if player.sprite == id {
                let was_playing = player.playing;
                player.stop();
                if was_playing {
                    let (owner, sound) = (player.owner, player.sound);
                    self.events.push(Event::Sound(SoundEvent::Stop {
                        sprite: id,
                        owner,
                        sound,
                    }));
                }
            }
        }
    }

    /// Time passed: the frame's worth of sound was mixed. Each playing sound moves on by
    /// `seconds` × its rate and ends when it reaches its length (see the module docs).
    pub(super) fn advance_sounds(&mut self, seconds: f64) {
        if seconds.is_nan() || seconds <= 0.0 {
            return;
        }
        for p in self.sound_players.iter_mut().filter(|p| p.playing) {
            p.age += seconds;
            p.position += seconds * p.rate;
            // The tolerance absorbs rounding in the sum of frame times (30 × 1/30 s may fall
            // short of 1 s by a few ulps); it is far below one sample.
            if p.position >= p.length - 1e-9 {
                p.stop();
            }
        }
    }

    fn sound_effects_changed(&mut self, sid: usize) {
        let s = &self.sprites[sid];
        let id = s.id;
        let rate = playback_rate(s.pitch);
        self.events.push(Event::Sound(SoundEvent::Effects {
            target: s.name.clone(),
            sprite: id,
            volume: s.volume,
            pitch: s.pitch,
            pan: s.pan,
        }));
        // `SoundBank.setEffects`: only the sounds this sprite played last.
        for p in self.sound_players.iter_mut().filter(|p| p.sprite == id) {
            p.rate = rate;
        }
    }

    /// Sound effect `effect` (0 pitch ±360, 1 pan ±100).
    pub(super) fn set_sound_effect(&mut self, sid: usize, effect: u32, value: f64, change: bool) {
        let s = &mut self.sprites[sid];
        let (slot, limit) = match effect {
            0 => (&mut s.pitch, 360.0),
            1 => (&mut s.pan, 100.0),
            _ => return,
        };
        let v = if change { *slot + value } else { value };
        *slot = clamp(v, -limit, limit);
        self.sound_effects_changed(sid);
    }

    pub(super) fn clear_sound_effects(&mut self, sid: usize) {
        let s = &mut self.sprites[sid];
        s.pitch = 0.0;
        s.pan = 0.0;
        self.sound_effects_changed(sid);
    }

    pub(super) fn set_volume(&mut self, sid: usize, volume: f64) {
        self.sprites[sid].volume = clamp(volume, 0.0, 100.0);
        self.sound_effects_changed(sid);
    }

    // ------------------------------------------------------------------ music

    fn beats_to_seconds(&self, beats: f64) -> f64 {
        60.0 / self.sprites[0].tempo * beats
    }

    /// Plays a drum; returns the rest's length in seconds.
    pub(super) fn play_drum(&mut self, sid: usize, drum: f64, beats: f64) -> f64 {
        let drum = wrap_clamp(js_round(drum) - 1.0, 0.0, N_DRUMS - 1.0);
        let seconds = self.beats_to_seconds(clamp(beats, 0.0, 100.0));
        let volume = self.sprites[sid].volume;
        let drum = if drum.is_finite() { drum as u32 + 1 } else { 1 };
        self.events.push(Event::Sound(SoundEvent::Drum {
            sprite: self.sprites[sid].id,
            drum,
            seconds,
            volume,
        }));
        seconds
    }

    /// Plays a note; returns its length in seconds (0 beats: no note, and no wait).
    pub(super) fn play_note(&mut self, sid: usize, note: f64, beats: f64) -> f64 {
        let note = clamp(note, 0.0, 130.0);
        let beats = clamp(beats, 0.0, 100.0);
        if beats == 0.0 {
            return 0.0;
        }
        let seconds = self.beats_to_seconds(beats);
        let s = &self.sprites[sid];
        self.events.push(Event::Sound(SoundEvent::Note {
            sprite: s.id,
            note,
            instrument: s.instrument,
            seconds,
            volume: s.volume,
        }));
        seconds
    }

    pub(super) fn rest_seconds(&self, beats: f64) -> f64 {
        self.beats_to_seconds(clamp(beats, 0.0, 100.0))
    }

    pub(super) fn set_instrument(&mut self, sid: usize, instrument: f64) {
        let i = wrap_clamp(js_round(instrument) - 1.0, 0.0, N_INSTRUMENTS - 1.0);
        self.sprites[sid].instrument = if i.is_finite() { i as u32 + 1 } else { 1 };
    }

    pub(super) fn set_tempo(&mut self, tempo: f64) {
        self.sprites[0].tempo = clamp(tempo, 20.0, 500.0);
    }

    // ------------------------------------------------------------------ pen

    pub(super) fn pen_down(&mut self, sid: usize) {
        let s = &mut self.sprites[sid];
        s.pen.down = true;
        let pen = &s.pen;
        let op = PenEvent::Dot {
            x: s.x,
            y: s.y,
            rgba: pen.rgba,
            size: pen.size,
        };
        self.pen_op(op);
    }

    pub(super) fn pen_clear(&mut self) {
        self.pen_op(PenEvent::Clear);
    }

    pub(super) fn pen_stamp(&mut self, sid: usize) {
        let s = &self.sprites[sid];
        let op = PenEvent::Stamp {
            target: s.name.clone(),
            drawable: self.drawable(sid),
        };
        self.pen_op(op);
        self.redraw_requested = true;
    }

    /// `set pen color to (colour)`.
    pub(super) fn set_pen_color(&mut self, sid: usize, value: &Value) {
        let rgb = color::to_rgb_object(value);
        let (h, sat, v) = color::rgb_to_hsv(rgb);
        let pen = &mut self.sprites[sid].pen;
        pen.color = h / 360.0 * 100.0;
        pen.saturation = sat * 100.0;
        pen.brightness = v * 100.0;
        pen.transparency = match rgb.a {
            Some(a) => 100.0 * (1.0 - a / 255.0),
            None => 0.0,
        };
        pen.shade = pen.brightness / 2.0;
        update_pen_color(pen);
    }

    /// `change/set pen (color/saturation/brightness/transparency) to (value)`.
    pub(super) fn pen_param(&mut self, sid: usize, param: &Value, value: f64, change: bool) {
        let param = param.to_str();
        set_or_change_color_param(&mut self.sprites[sid].pen, &param, value, change);
    }

    pub(super) fn set_pen_size(&mut self, sid: usize, size: f64) {
        self.sprites[sid].pen.size = clamp(size, 1.0, 1200.0);
    }

    /// Legacy `set pen hue to`: hue 0…200 is colour 0…100.
    pub(super) fn pen_hue(&mut self, sid: usize, hue: f64, change: bool) {
        let pen = &mut self.sprites[sid].pen;
        set_or_change_color_param(pen, "color", hue / 2.0, change);
        if !change {
            set_or_change_color_param(pen, "transparency", 0.0, false);
        }
        legacy_update_pen_color(pen);
    }

    /// Legacy `set pen shade to`.
    pub(super) fn pen_shade(&mut self, sid: usize, shade: f64, change: bool) {
        let pen = &mut self.sprites[sid].pen;
        let mut shade = if change { pen.shade + shade } else { shade };
        shade %= 200.0;
        if shade < 0.0 {
            shade += 200.0;
        }
        pen.shade = shade;
        legacy_update_pen_color(pen);
    }
}

fn update_pen_color(pen: &mut sprite::PenState) {
    let rgb = color::hsv_to_rgb(
        pen.color * 360.0 / 100.0,
        pen.saturation / 100.0,
        pen.brightness / 100.0,
    );
    pen.rgba = [
        (rgb.r / 255.0) as f32,
        (rgb.g / 255.0) as f32,
        (rgb.b / 255.0) as f32,
        (1.0 - pen.transparency / 100.0) as f32,
    ];
}

fn set_or_change_color_param(pen: &mut sprite::PenState, param: &str, value: f64, change: bool) {
    match param {
        "color" => pen.color = wrap_clamp(value + if change { pen.color } else { 0.0 }, 0.0, 100.0),
        "saturation" => {
            pen.saturation = clamp(
                value + if change { pen.saturation } else { 0.0 },
                0.0,
                100.0,
            )
        }
        "brightness" => {
            pen.brightness = clamp(
                value + if change { pen.brightness } else { 0.0 },
                0.0,
                100.0,
            )
        }
        "transparency" => {
            pen.transparency = clamp(
                value + if change { pen.transparency } else { 0.0 },
                0.0,
                100.0,
            )
        }
        _ => {}
    }
    update_pen_color(pen);
}

/// Scratch 2's shade model (scratch3_pen `_legacyUpdatePenColor`).
fn legacy_update_pen_color(pen: &mut sprite::PenState) {
    let mut rgb = color::hsv_to_rgb(pen.color * 360.0 / 100.0, 1.0, 1.0);
    let shade = if pen.shade > 100.0 {
        200.0 - pen.shade
    } else {
        pen.shade
    };
    if shade < 50.0 {
        rgb = color::mix_rgb(color::BLACK, rgb, (10.0 + shade) / 60.0);
    } else {
        rgb = color::mix_rgb(rgb, color::WHITE, (shade - 50.0) / 60.0);
    }
    let (h, s, v) = color::rgb_to_hsv(rgb);
    pen.color = 100.0 * h / 360.0;
    pen.saturation = 100.0 * s;
    pen.brightness = 100.0 * v;
    update_pen_color(pen);
}

/// scratch-audio's `PitchEffect.getRatio`: 10 pitch units are a semitone, so 120 are an octave.
pub(super) fn playback_rate(pitch: f64) -> f64 {
    let rate = 2f64.powf(pitch / 120.0);
    if rate.is_finite() {
        rate
    } else {
        1.0
    }
}

/// JavaScript's `parseInt(text, 10)`: optional sign and leading digits after whitespace.
fn parse_int(text: &str) -> Option<f64> {
    let t = text.trim_start_matches(crate::value::is_js_whitespace);
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    let digits: &str = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    digits.parse::<f64>().ok().map(|n| sign * n)
}

/// motion `limitPrecision`: coordinates within 1e-9 of a whole number report as that number.
pub(super) fn limit_precision(coordinate: f64) -> f64 {
    let rounded = js_round(coordinate);
    if (coordinate - rounded).abs() < 1e-9 {
        rounded
    } else {
        coordinate
    }
}

pub(super) fn bubble_kind(kind: u32) -> BubbleKind {
    if kind == 1 {
        BubbleKind::Think
    } else {
        BubbleKind::Say
    }
}
