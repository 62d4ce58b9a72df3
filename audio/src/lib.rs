//! Starling's sound. Pure: bytes in, PCM out; the hosts (CLI, playground) do the IO.
//!
//! - [`decode`]: the sound files projects contain (WAV: PCM and IMA ADPCM as Scratch saves it;
//!   MP3; OGG Vorbis) → [`Sound`], with limits; a broken file is a [`Problem`] (the host then
//!   uses [`Sound::silent`] and shows the problem).
//! - [`synth`]: the music extension's 21 instruments and 18 drums, made by synthesis.
//! - [`library`]: the built-in sounds of the playground's sound picker, made by synthesis.
//! - [`mixer`]: the runtime's [`starling_runtime::io::SoundEvent`]s → interleaved stereo PCM,
//!   frame by frame in step with the VM's clock, with Scratch's volume, pitch and pan rules.
//! - [`wav`]: writing PCM as a WAV file (the CLI's `--audio`, library sounds saved in .sb3).

pub mod decode;
pub mod library;
pub mod mixer;
pub mod synth;
pub mod wav;

/// A decoded sound: mono samples in −1…1 at their own rate (the mixer resamples).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sound {
    /// Samples per second (> 0 for a sound with samples).
    pub rate: u32,
    pub samples: Vec<f32>,
}

impl Sound {
    /// A sound with no samples: what a broken file becomes.
    pub fn silent() -> Sound {
        Sound {
            rate: 48_000,
            samples: Vec::new(),
        }
    }

    /// Length in seconds at normal pitch.
    pub fn seconds(&self) -> f64 {
        if self.rate == 0 {
            0.0
        } else {
            self.samples.len() as f64 / f64::from(self.rate)
        }
    }
}

/// Why a sound could not be used, for the person who made the project, in English and Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub en: String,
    pub zh: String,
}
