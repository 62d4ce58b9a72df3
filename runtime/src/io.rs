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
    Warning {
        /// In English.
        message: String,
        /// In Simplified Chinese.
        zh: String,
        /// The block that caused it (`SourceLoc::None` when unknown), so an editor can point at it.
        loc: crate::program::SourceLoc,
    },
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

/// Sound commands: what the sound and music blocks did, in order. A host's mixer
/// (`starling_audio::mixer::Mixer`) applies a frame's events at the start of the sound it mixes
/// after that frame ([`crate::Vm::frame_seconds`] of it) and follows the same rules as the VM,
/// scratch-audio's: one player per (sound bank, sound), shared by a sprite and its clones.
///
/// `sprite` is the [`crate::vm::SpriteState::id`] of the sprite (or clone, or the stage) whose
/// block ran: volume and effects belong to it. `owner` is the index in
/// [`crate::Program::targets`] whose sounds are used (a clone's is its sprite's) and `sound` the
/// index in that target's sounds.
#[derive(Debug, Clone, PartialEq)]
pub enum SoundEvent {
    /// Start the sound with the sprite's volume (0…100), pitch (±360, the playback rate is
    /// 2^(pitch/120)) and pan (±100). The player of (owner, sound) plays it for this sprite from
    /// now on: if it is sounding it restarts (the old playback fades out in 25 ms), unless it
    /// started less than 25 ms ago, when it just goes on; if another sprite played it last, that
    /// playback is stopped first. `target` names the sprite.
    Play {
        target: String,
        sprite: u32,
        owner: u32,
        sound: usize,
        volume: f64,
        pitch: f64,
        pan: f64,
    },
    /// The sprite's volume or sound effects changed: they apply to the sounds it played last
    /// (each player's latest sprite), not to notes and drums.
    Effects {
        target: String,
        sprite: u32,
        volume: f64,
        pitch: f64,
        pan: f64,
    },
    /// Stop the sound of (owner, sound) if `sprite` played it last (scratch-audio's
    /// `SoundBank.stop`): a stopped sprite or a deleted clone that was waiting for the sound to
    /// finish (`play sound until done`).
    Stop {
        sprite: u32,
        owner: u32,
        sound: usize,
    },
    /// Stop every sound, note and drum (a quick fade).
    StopAll,
    /// A drum (1…18) played by `sprite` at its volume; it sounds for its own natural length
    /// (`seconds` is the block's wait).
    Drum {
        sprite: u32,
        drum: u32,
        seconds: f64,
        volume: f64,
    },
    /// A note (0…130) on an instrument (1…21) held for `seconds` (its release follows),
    /// played by `sprite` at its volume.
    Note {
        sprite: u32,
        note: f64,
        instrument: u32,
        seconds: f64,
        volume: f64,
    },
}
