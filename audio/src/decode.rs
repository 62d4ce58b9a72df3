//! Decoding sound files (being written): WAV (8/16/24/32-bit PCM, float, IMA ADPCM), MP3, OGG.

use crate::{Problem, Sound};

/// Decodes a sound file's bytes, recognising the format by content (`name` only helps the
/// message). Never panics; a broken, hostile or unsupported file is a [`Problem`].
pub fn decode(bytes: &[u8], name: &str) -> Result<Sound, Problem> {
    let _ = bytes;
    Err(Problem {
        en: format!("the sound \"{name}\" cannot be read yet"),
        zh: format!("还不能读取声音“{name}”"),
    })
}
