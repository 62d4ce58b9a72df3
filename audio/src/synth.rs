//! The music extension's instruments and drums, made by synthesis (being written).

use crate::Sound;

/// Number of instruments (`set instrument to`, 1…21) and drums (`play drum`, 1…18).
pub const INSTRUMENT_COUNT: u32 = 21;
pub const DRUM_COUNT: u32 = 18;

/// A note (MIDI number 0…130) on `instrument` (1…21) held for `seconds`, including its release
/// tail, at `rate` samples per second.
pub fn note(instrument: u32, note: f64, seconds: f64, rate: u32) -> Sound {
    let _ = (instrument, note, seconds);
    Sound {
        rate,
        samples: Vec::new(),
    }
}

/// One hit of `drum` (1…18), its whole natural length, at `rate`.
pub fn drum(drum: u32, rate: u32) -> Sound {
    let _ = drum;
    Sound {
        rate,
        samples: Vec::new(),
    }
}
