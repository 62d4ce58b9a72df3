//! What crosses the boundary between the VM and its host: input in, events out.

/// The host's input for one frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    /// Keys held down, by Scratch key name (`space`, `up arrow`, `a`, `1`, …).
    pub keys_down: Vec<String>,
    /// Keys pressed since the last frame: they start `when [key] key pressed` scripts.
    pub keys_pressed: Vec<String>,
    /// Mouse position in stage coordinates (480×360, origin in the middle, y up).
    pub mouse_x: f64,
    pub mouse_y: f64,
    pub mouse_down: bool,
    /// Sprites clicked since the last frame, by [`crate::vm::SpriteState::id`]: the target index
    /// for the stage (0) and the original sprites; clones have their own ids.
    pub clicked: Vec<u32>,
}

/// A bubble kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BubbleKind {
    Say,
    Think,
}

/// Something the program did that the host shows, plays or records, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A say/think bubble was set (text '' removes it). `target` names the sprite.
    Bubble {
        target: String,
        kind: BubbleKind,
        text: String,
    },
    /// A question was asked; the host answers with [`crate::Vm::answer`].
    Ask { target: String, question: String },
    /// Pen drawing: the stage issue draws these.
    Pen(PenEvent),
    /// Sound and music: the sound issue plays these.
    Sound(SoundEvent),
    /// A monitor was shown or hidden.
    Monitor {
        name: String,
        is_list: bool,
        visible: bool,
    },
    /// A runtime problem worth telling the user about (e.g. the clone limit was reached). The
    /// program keeps running.
    Warning { message: String },
}

/// Pen commands, in stage coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum PenEvent {
    Clear,
    /// A line from (x0, y0) to (x1, y1) with the pen's colour (RGBA 0…1) and size.
    Line {
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        rgba: [f32; 4],
        size: f64,
    },
    /// A dot where the pen went down.
    Dot {
        x: f64,
        y: f64,
        rgba: [f32; 4],
        size: f64,
    },
    /// Stamp the sprite as it looks at this moment (a sprite may move and stamp many times in
    /// one frame). `target` names it.
    Stamp {
        target: String,
        drawable: crate::stage::Drawable,
    },
}

/// Sound commands.
#[derive(Debug, Clone, PartialEq)]
pub enum SoundEvent {
    /// Start a sound of a sprite with the sprite's volume (0…100), pitch (±360) and pan (±100).
    Play {
        target: String,
        sound: usize,
        volume: f64,
        pitch: f64,
        pan: f64,
    },
    /// The sprite's effects or volume changed while its sounds play.
    Effects {
        target: String,
        volume: f64,
        pitch: f64,
        pan: f64,
    },
    StopAll,
    /// A drum (1…18) for `seconds`.
    Drum {
        drum: u32,
        seconds: f64,
        volume: f64,
    },
    /// A note (0…130) on an instrument (1…21) for `seconds`.
    Note {
        note: f64,
        instrument: u32,
        seconds: f64,
        volume: f64,
    },
}
