//! Writing PCM as a WAV file: the CLI's `--audio out.wav` (stereo) and the built-in library's
//! generated sounds saved into .sb3 projects (mono).

/// Encodes interleaved samples (−1…1, `channels` per frame) as a 16-bit PCM WAV file.
///
/// Samples are clamped to −1…1 (NaN becomes silence) and scaled by 32768 with rounding, so a
/// sample `k / 32768` (what [`crate::decode::decode`] gives for a 16-bit file) is written back
/// as exactly `k`; +1.0 becomes 32767.
///
/// Never panics. A `channels` of 0 is written as 1. A trailing partial frame (when
/// `interleaved.len()` is not a multiple of `channels`) is dropped. WAV sizes are 32-bit, so
/// sound beyond about 4 GiB of data (over 6 hours of 48 kHz stereo) is cut off.
pub fn encode_wav_16(rate: u32, channels: u16, interleaved: &[f32]) -> Vec<u8> {
    let channels = channels.max(1);
    let frame_bytes = 2 * usize::from(channels);
    // The RIFF size field (36 + data) must fit in 32 bits.
    let max_frames = (u32::MAX as usize - 36) / frame_bytes;
    let frames = (interleaved.len() / usize::from(channels)).min(max_frames);
    let samples = &interleaved[..frames * usize::from(channels)];
    let data_len = (samples.len() * 2) as u32;

    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    let byte_rate = u64::from(rate) * frame_bytes as u64;
    out.extend_from_slice(&(byte_rate.min(u64::from(u32::MAX)) as u32).to_le_bytes());
    out.extend_from_slice(&(frame_bytes as u16).to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for &sample in samples {
        out.extend_from_slice(&to_i16(sample).to_le_bytes());
    }
    out
}

/// One sample in −1…1 → 16 bits, clamped and rounded.
fn to_i16(sample: f32) -> i16 {
    if sample.is_nan() {
        return 0;
    }
    let scaled = (sample.clamp(-1.0, 1.0) * 32768.0).round();
    scaled.clamp(-32768.0, 32767.0) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_of_a_stereo_file() {
        let wav = encode_wav_16(44_100, 2, &[0.0, 0.5, -0.5, 1.0]);
        assert_eq!(wav.len(), 44 + 8);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(wav[4..8].try_into().unwrap()), 36 + 8);
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(u16::from_le_bytes([wav[22], wav[23]]), 2);
        assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), 44_100);
        assert_eq!(
            u32::from_le_bytes(wav[28..32].try_into().unwrap()),
            44_100 * 4
        );
        assert_eq!(u16::from_le_bytes([wav[32], wav[33]]), 4);
        assert_eq!(u16::from_le_bytes([wav[34], wav[35]]), 16);
        assert_eq!(&wav[36..40], b"data");
        assert_eq!(u32::from_le_bytes(wav[40..44].try_into().unwrap()), 8);
    }

    #[test]
    fn samples_are_clamped_and_rounded() {
        let wav = encode_wav_16(
            8_000,
            1,
            &[0.0, 1.0, -1.0, 2.0, -7.0, f32::NAN, 0.25, 1.4 / 32768.0],
        );
        let samples: Vec<i16> = wav[44..]
            .chunks(2)
            .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        assert_eq!(samples, [0, 32767, -32768, 32767, -32768, 0, 8192, 1]);
    }

    #[test]
    fn partial_frames_and_zero_channels() {
        // Three samples of stereo: the last half frame is dropped.
        assert_eq!(encode_wav_16(8_000, 2, &[0.1, 0.2, 0.3]).len(), 44 + 4);
        // Zero channels is written as mono rather than dividing by zero.
        let wav = encode_wav_16(8_000, 0, &[0.1, 0.2]);
        assert_eq!(u16::from_le_bytes([wav[22], wav[23]]), 1);
        assert_eq!(wav.len(), 44 + 4);
    }

    #[test]
    fn decodes_back_to_the_same_samples() {
        let samples: Vec<f32> = (-4..4).map(|k| k as f32 * 4096.0 / 32768.0).collect();
        let sound = crate::decode::decode(&encode_wav_16(16_000, 1, &samples), "round trip")
            .expect("a file we wrote decodes");
        assert_eq!(sound.rate, 16_000);
        assert_eq!(sound.samples, samples);
    }
}
