//! Decoding the sound files projects contain into mono [`Sound`]s.
//!
//! The format is recognised by content, never by name: RIFF/WAVE, MP3 (an ID3v2 tag or an MPEG
//! layer III frame), OGG. WAV is parsed here, leniently like Scratch (chunks in any order, odd
//! chunk sizes with or without their pad byte, data sizes beyond the end of the file), with IMA
//! ADPCM decoded exactly as scratch-audio's `ADPCMSoundDecoder.js` does; MP3 and OGG Vorbis go to
//! `symphonia`. Everything is mixed down to mono (the average of the channels) and kept at its
//! own rate (the mixer resamples).
//!
//! Limits, so a hostile file can neither crash nor exhaust memory: rates from [`MIN_RATE`] to
//! [`MAX_RATE`] Hz, 1 to [`MAX_CHANNELS`] channels, and at most [`max_frames`] samples (10
//! minutes, less above 48 kHz): a longer sound keeps its beginning. Header fields are never
//! trusted for allocation sizes: output grows with the bytes actually present.

#[cfg(feature = "decode")]
use std::io::Cursor;

#[cfg(feature = "decode")]
use symphonia::core::codecs::audio::well_known::{CODEC_ID_FLAC, CODEC_ID_OPUS};
#[cfg(feature = "decode")]
use symphonia::core::codecs::audio::{AudioCodecId, AudioDecoderOptions};
#[cfg(feature = "decode")]
use symphonia::core::errors::Error as SymphoniaError;
#[cfg(feature = "decode")]
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
#[cfg(feature = "decode")]
use symphonia::core::io::{MediaSourceStream, ReadOnlySource};

use crate::{Problem, Sound};

/// The lowest sample rate accepted, in Hz (Scratch's browsers accept about 3 000 and up).
pub const MIN_RATE: u32 = 1_000;
/// The highest sample rate accepted, in Hz.
pub const MAX_RATE: u32 = 384_000;
/// The most channels a file may have (they are mixed down to one).
pub const MAX_CHANNELS: u16 = 32;
/// The longest sound kept, in seconds; a longer one keeps its first 10 minutes.
pub const MAX_SECONDS: u32 = 600;
/// The most samples a sound keeps whatever its rate: 10 minutes at 48 kHz, 115 MB as `f32`.
pub const MAX_SAMPLES: usize = 600 * 48_000;

/// The most samples a sound at `rate` keeps: [`MAX_SECONDS`] of it, but never more than
/// [`MAX_SAMPLES`] (so a 96 kHz sound keeps 5 minutes).
pub fn max_frames(rate: u32) -> usize {
    (rate as usize)
        .saturating_mul(MAX_SECONDS as usize)
        .min(MAX_SAMPLES)
}

/// Decodes a sound file's bytes into mono samples at the file's own rate.
///
/// The format is recognised by content (`name` is only used in messages): WAV with 8-bit
/// unsigned, 16/24/32-bit signed or 32/64-bit float PCM, IMA ADPCM (as Scratch saves it; also
/// stereo) or MP3 data; MP3 (layer III, with or without ID3v2 tags); OGG Vorbis. Channels are
/// averaged into one; samples are in −1…1.
///
/// Never panics and never allocates more than the file's contents justify. A file cut short
/// decodes to the sound that is there (except an OGG cut or damaged before its second page of
/// sound, which symphonia cannot start on: a [`Problem`]); a sound longer than [`max_frames`] keeps its beginning
/// (Scratch would play it all, but such a long sound is surely a mistake and would take too much
/// memory). An empty, broken, hostile or unsupported file is a [`Problem`] naming the sound, in
/// English and Chinese.
pub fn decode(bytes: &[u8], name: &str) -> Result<Sound, Problem> {
    decode_kind(bytes).map_err(|why| problem(name, &why))
}

/// Whether `bytes` are an MP3 or OGG file (or a WAV holding MP3 data), which only the `decode`
/// feature decodes here: without it [`decode`] gives a [`Problem`] for them, and a host with its
/// own decoder (the browser's `decodeAudioData`) decodes them instead.
pub fn is_compressed(bytes: &[u8]) -> bool {
    match sniff(bytes) {
        Kind::Mp3 { .. } | Kind::Ogg => true,
        Kind::Wav => parse_format(wav_chunks(bytes).fmt.unwrap_or(&[]))
            .is_ok_and(|f| f.tag == WAVE_FORMAT_MPEGLAYER3),
        _ => false,
    }
}

fn decode_kind(bytes: &[u8]) -> Result<Sound, Why> {
    match sniff(bytes) {
        Kind::Empty => Err(Why::Empty),
        Kind::Wav => decode_wav(bytes),
        Kind::Mp3 { start } => decode_compressed(&bytes[start..], Container::Mp3),
        Kind::Ogg => decode_compressed(bytes, Container::Ogg),
        Kind::Unsupported(what) => Err(Why::Unsupported(what)),
        Kind::NotSound(looks) => Err(Why::NotSound(looks)),
    }
}

// ---------------------------------------------------------------------------------------------
// Recognising the format.

/// What a file's bytes look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Wav,
    /// MP3 frames (or an ID3 tag before them) start at `start`.
    Mp3 {
        start: usize,
    },
    Ogg,
    /// A sound format Starling does not play.
    Unsupported(OtherSound),
    /// Not a sound at all.
    NotSound(Looks),
}

/// Sound formats that are recognised only to say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OtherSound {
    Flac,
    Aac,
    Mp4,
    Aiff,
    WebM,
    Midi,
    Au,
    Caf,
    Wma,
    Amr,
    Mp2,
    // Found only by symphonia (an OGG with Opus inside).
    #[cfg_attr(not(feature = "decode"), allow(dead_code))]
    Opus,
}

impl OtherSound {
    fn name(self) -> &'static str {
        match self {
            OtherSound::Flac => "FLAC",
            OtherSound::Aac => "AAC",
            OtherSound::Mp4 => "M4A/MP4",
            OtherSound::Aiff => "AIFF",
            OtherSound::WebM => "WebM/Matroska",
            OtherSound::Midi => "MIDI",
            OtherSound::Au => "AU",
            OtherSound::Caf => "CAF",
            OtherSound::Wma => "WMA",
            OtherSound::Amr => "AMR",
            OtherSound::Mp2 => "MPEG layer I/II (MP1/MP2)",
            OtherSound::Opus => "Opus",
        }
    }
}

/// What a file that is not a sound looks like, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Looks {
    Png,
    Jpeg,
    Gif,
    Bmp,
    WebP,
    Svg,
    Zip,
    Pdf,
    Video,
    Text,
    Unknown,
}

fn sniff(bytes: &[u8]) -> Kind {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if bytes.is_empty() {
        return Kind::Empty;
    }
    if starts(b"RIFF") || starts(b"RF64") {
        return if at(8, b"WAVE") {
            Kind::Wav
        } else if at(8, b"WEBP") {
            Kind::NotSound(Looks::WebP)
        } else if at(8, b"AVI ") {
            Kind::NotSound(Looks::Video)
        } else if bytes.len() < 12 {
            // Too short to tell; most likely a WAV file cut off.
            Kind::Wav
        } else {
            Kind::NotSound(Looks::Unknown)
        };
    }
    if starts(b"OggS") {
        return Kind::Ogg;
    }
    if starts(b"ID3") {
        return Kind::Mp3 { start: 0 };
    }
    if let Some(header) = mpeg_header(bytes) {
        return match header.layer {
            MpegLayer::Three => Kind::Mp3 { start: 0 },
            MpegLayer::OneOrTwo => Kind::Unsupported(OtherSound::Mp2),
            MpegLayer::Adts => Kind::Unsupported(OtherSound::Aac),
        };
    }
    let other = if starts(b"\x89PNG") {
        Kind::NotSound(Looks::Png)
    } else if starts(b"\xFF\xD8\xFF") {
        Kind::NotSound(Looks::Jpeg)
    } else if starts(b"GIF8") {
        Kind::NotSound(Looks::Gif)
    } else if starts(b"BM") && bytes.len() >= 26 && at(6, b"\0\0\0\0") {
        Kind::NotSound(Looks::Bmp)
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Kind::NotSound(Looks::Zip)
    } else if starts(b"%PDF") {
        Kind::NotSound(Looks::Pdf)
    } else if starts(b"fLaC") {
        Kind::Unsupported(OtherSound::Flac)
    } else if starts(b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        Kind::Unsupported(OtherSound::Aiff)
    } else if at(4, b"ftyp") {
        Kind::Unsupported(OtherSound::Mp4)
    } else if starts(b"\x1A\x45\xDF\xA3") {
        Kind::Unsupported(OtherSound::WebM)
    } else if starts(b"MThd") {
        Kind::Unsupported(OtherSound::Midi)
    } else if starts(b".snd") {
        Kind::Unsupported(OtherSound::Au)
    } else if starts(b"caff") {
        Kind::Unsupported(OtherSound::Caf)
    } else if starts(b"\x30\x26\xB2\x75\x8E\x66\xCF\x11") {
        Kind::Unsupported(OtherSound::Wma)
    } else if starts(b"#!AMR") {
        Kind::Unsupported(OtherSound::Amr)
    } else {
        Kind::NotSound(Looks::Unknown)
    };
    if other != Kind::NotSound(Looks::Unknown) {
        return other;
    }
    // MP3 files sometimes start with junk (zeros, a broken tag); browsers look for the frames.
    // Three frames in a row, each where the one before says it ends, are not a coincidence.
    if let Some(start) = find_mp3_frames(bytes) {
        return Kind::Mp3 { start };
    }
    let head = &bytes[..bytes.len().min(1024)];
    if looks_like_text(head) {
        let text = String::from_utf8_lossy(head).to_ascii_lowercase();
        if text.contains("<svg") {
            return Kind::NotSound(Looks::Svg);
        }
        return Kind::NotSound(Looks::Text);
    }
    Kind::NotSound(Looks::Unknown)
}

fn looks_like_text(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(text) => text.chars().all(|c| !c.is_control() || c.is_whitespace()),
        // A multi-byte character cut off at the end of `head` is still text.
        Err(err) => err.error_len().is_none() && looks_like_text(&head[..err.valid_up_to()]),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MpegLayer {
    Three,
    OneOrTwo,
    /// The layer bits are 00: not MPEG audio but AAC in ADTS framing.
    Adts,
}

#[derive(Debug, Clone, Copy)]
struct MpegHeader {
    layer: MpegLayer,
    /// Version bits and sample rate index, which stay the same from frame to frame.
    stream_id: u8,
    /// Bytes in the frame, for layer III with a known bit rate.
    frame_len: Option<usize>,
}

/// Parses an MPEG audio frame header (or an ADTS one) at the start of `bytes`.
fn mpeg_header(bytes: &[u8]) -> Option<MpegHeader> {
    let &[b0, b1, b2, _, ..] = bytes else {
        return None;
    };
    if b0 != 0xFF || b1 & 0xE0 != 0xE0 {
        return None;
    }
    let version = (b1 >> 3) & 0b11; // 00: MPEG 2.5, 01: reserved, 10: MPEG 2, 11: MPEG 1.
    let layer_bits = (b1 >> 1) & 0b11; // 01: layer III, 10: layer II, 11: layer I.
    if layer_bits == 0 {
        // ADTS: the version bit is the only one left of the 12-bit sync; the rest is AAC.
        return (b1 & 0xF6 == 0xF0 && (b2 >> 2) & 0xF < 13).then_some(MpegHeader {
            layer: MpegLayer::Adts,
            stream_id: 0,
            frame_len: None,
        });
    }
    let bitrate_idx = usize::from(b2 >> 4);
    let rate_idx = usize::from((b2 >> 2) & 0b11);
    if version == 0b01 || bitrate_idx == 0b1111 || rate_idx == 0b11 {
        return None;
    }
    if layer_bits != 0b01 {
        return Some(MpegHeader {
            layer: MpegLayer::OneOrTwo,
            stream_id: 0,
            frame_len: None,
        });
    }
    const RATES: [u32; 3] = [44_100, 48_000, 32_000];
    const KBPS_V1: [usize; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const KBPS_V2: [usize; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let padding = usize::from((b2 >> 1) & 1);
    let (rate, kbps, factor) = match version {
        0b11 => (RATES[rate_idx], KBPS_V1[bitrate_idx], 144_000),
        0b10 => (RATES[rate_idx] / 2, KBPS_V2[bitrate_idx], 72_000),
        _ => (RATES[rate_idx] / 4, KBPS_V2[bitrate_idx], 72_000),
    };
    let frame_len = (kbps != 0).then(|| factor * kbps / rate as usize + padding);
    Some(MpegHeader {
        layer: MpegLayer::Three,
        stream_id: (version << 2) | rate_idx as u8,
        frame_len,
    })
}

/// Where three consecutive MP3 frames start in the first 64 KiB, if they do.
fn find_mp3_frames(bytes: &[u8]) -> Option<usize> {
    let search = bytes.len().min(64 * 1024);
    (0..search).find(|&start| {
        let mut pos = start;
        let mut first_id = None;
        for _ in 0..3 {
            let Some(header) = bytes.get(pos..).and_then(mpeg_header) else {
                return false;
            };
            let (MpegLayer::Three, Some(len)) = (header.layer, header.frame_len) else {
                return false;
            };
            if *first_id.get_or_insert(header.stream_id) != header.stream_id {
                return false;
            }
            pos += len;
        }
        true
    })
}

// ---------------------------------------------------------------------------------------------
// WAV.

/// The chunks of a RIFF/WAVE file that matter.
struct WavChunks<'a> {
    fmt: Option<&'a [u8]>,
    data: Option<&'a [u8]>,
}

/// Walks the chunks after the 12-byte RIFF header and keeps the first `fmt ` and `data`, like
/// scratch-audio's `extractChunk`, wherever they are. A chunk running past the end of the file
/// is cut at the end (a data size of 0xFFFFFFFF, as streaming writers and RF64 use, too).
/// The RIFF rule that an odd-sized chunk is followed by a pad byte is followed only when the pad
/// byte is there: Scratch ignores it, so files without it exist.
fn wav_chunks(bytes: &[u8]) -> WavChunks<'_> {
    let mut chunks = WavChunks {
        fmt: None,
        data: None,
    };
    let mut pos = 12usize;
    while pos + 8 <= bytes.len() && (chunks.fmt.is_none() || chunks.data.is_none()) {
        let id = &bytes[pos..pos + 4];
        let size = read_u32(bytes, pos + 4) as usize;
        let body = pos + 8;
        let end = body.saturating_add(size);
        let contents = &bytes[body..end.min(bytes.len())];
        if id == b"fmt " && chunks.fmt.is_none() {
            chunks.fmt = Some(contents);
        } else if id == b"data" && chunks.data.is_none() {
            chunks.data = Some(contents);
        }
        pos = end;
        if size % 2 == 1 && !is_chunk_id(bytes, pos) && is_chunk_id(bytes, pos + 1) {
            pos += 1;
        }
    }
    chunks
}

/// Whether four printable ASCII characters (a chunk id) start at `pos`.
fn is_chunk_id(bytes: &[u8], pos: usize) -> bool {
    bytes
        .get(pos..pos.saturating_add(4))
        .is_some_and(|id| id.len() == 4 && id.iter().all(|b| (0x20..0x7F).contains(b)))
}

fn read_u16(bytes: &[u8], pos: usize) -> u16 {
    u16::from_le_bytes([bytes[pos], bytes[pos + 1]])
}

fn read_u32(bytes: &[u8], pos: usize) -> u32 {
    u32::from_le_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
}

const WAVE_FORMAT_PCM: u16 = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT: u16 = 0x0003;
const WAVE_FORMAT_IMA_ADPCM: u16 = 0x0011;
const WAVE_FORMAT_MPEGLAYER3: u16 = 0x0055;
const WAVE_FORMAT_EXTENSIBLE: u16 = 0xFFFE;

/// The `fmt ` chunk's fields.
struct WavFormat {
    /// The format tag; for WAVE_FORMAT_EXTENSIBLE, the sub-format's.
    tag: u16,
    channels: u16,
    rate: u32,
    block_align: u16,
    bits: u16,
    /// IMA ADPCM's samples per block (the word after the extra-size word), if the chunk has it.
    samples_per_block: Option<u16>,
}

fn parse_format(fmt: &[u8]) -> Result<WavFormat, Why> {
    if fmt.len() < 16 {
        return Err(Why::Damaged(Damage::ShortHeader));
    }
    let mut tag = read_u16(fmt, 0);
    if tag == WAVE_FORMAT_EXTENSIBLE {
        // cbSize, valid bits, channel mask, then the sub-format GUID, whose first two bytes are
        // the format tag.
        if fmt.len() < 26 {
            return Err(Why::Damaged(Damage::ShortHeader));
        }
        tag = read_u16(fmt, 24);
    }
    Ok(WavFormat {
        tag,
        channels: read_u16(fmt, 2),
        rate: read_u32(fmt, 4),
        block_align: read_u16(fmt, 12),
        bits: read_u16(fmt, 14),
        samples_per_block: (fmt.len() >= 20).then(|| read_u16(fmt, 18)),
    })
}

fn decode_wav(bytes: &[u8]) -> Result<Sound, Why> {
    if bytes.len() < 12 {
        return Err(Why::Damaged(Damage::ShortHeader));
    }
    let chunks = wav_chunks(bytes);
    let format = parse_format(chunks.fmt.ok_or(Why::Damaged(Damage::ShortHeader))?)?;
    let data = chunks.data.ok_or(Why::Damaged(Damage::NoData))?;
    check_rate(format.rate)?;
    check_channels(format.channels)?;
    let channels = usize::from(format.channels);
    let limit = max_frames(format.rate);
    let samples = match format.tag {
        WAVE_FORMAT_PCM => {
            let width = match format.bits {
                1..=32 => usize::from(format.bits).div_ceil(8),
                bits => return Err(Why::WavBits(bits)),
            };
            let full_scale = if width == 1 {
                128.0
            } else {
                (1u64 << (8 * width - 1)) as f64
            };
            mix_frames(data, channels, width, limit, |bytes| {
                let value = match *bytes {
                    [b] => i32::from(b) - 128,
                    [a, b] => i32::from(i16::from_le_bytes([a, b])),
                    // Shift the sample into the top bits to sign-extend it, then back.
                    [a, b, c] => i32::from_le_bytes([0, a, b, c]) >> 8,
                    [a, b, c, d] => i32::from_le_bytes([a, b, c, d]),
                    _ => 0,
                };
                (f64::from(value) / full_scale) as f32
            })
        }
        WAVE_FORMAT_IEEE_FLOAT => match format.bits {
            32 => mix_frames(data, channels, 4, limit, |b| {
                f32::from_le_bytes([b[0], b[1], b[2], b[3]])
            }),
            64 => mix_frames(data, channels, 8, limit, |b| {
                f64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f32
            }),
            bits => return Err(Why::WavBits(bits)),
        },
        WAVE_FORMAT_IMA_ADPCM if channels == 1 => decode_ima_mono(data, &format, limit)?,
        WAVE_FORMAT_IMA_ADPCM => decode_ima_multi(data, &format, limit)?,
        WAVE_FORMAT_MPEGLAYER3 => return decode_compressed(data, Container::Mp3),
        tag => return Err(Why::WavCodec(tag)),
    };
    Ok(Sound {
        rate: format.rate,
        samples: clean(samples),
    })
}

/// Mixes interleaved PCM frames of `channels` samples of `width` bytes down to mono, keeping at
/// most `limit` frames; a partial frame at the end is dropped.
fn mix_frames(
    data: &[u8],
    channels: usize,
    width: usize,
    limit: usize,
    sample: impl Fn(&[u8]) -> f32,
) -> Vec<f32> {
    let frame_len = channels * width;
    data.chunks_exact(frame_len)
        .take(limit)
        .map(|frame| {
            let sum: f32 = frame.chunks_exact(width).map(&sample).sum();
            sum / channels as f32
        })
        .collect()
}

fn check_rate(rate: u32) -> Result<(), Why> {
    if (MIN_RATE..=MAX_RATE).contains(&rate) {
        Ok(())
    } else {
        Err(Why::Damaged(Damage::Rate(rate)))
    }
}

fn check_channels(channels: u16) -> Result<(), Why> {
    match channels {
        0 => Err(Why::Damaged(Damage::NoChannels)),
        1..=MAX_CHANNELS => Ok(()),
        n => Err(Why::Damaged(Damage::TooManyChannels(n))),
    }
}

/// Replaces NaN with silence and clamps to −1…1 (float files and MP3 decoders overshoot).
fn clean(mut samples: Vec<f32>) -> Vec<f32> {
    for sample in &mut samples {
        *sample = if sample.is_nan() {
            0.0
        } else {
            sample.clamp(-1.0, 1.0)
        };
    }
    samples
}

// ---------------------------------------------------------------------------------------------
// IMA ADPCM.

const IMA_STEPS: [i32; 89] = [
    7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66,
    73, 80, 88, 97, 107, 118, 130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449,
    494, 544, 598, 658, 724, 796, 876, 963, 1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272,
    2499, 2749, 3024, 3327, 3660, 4026, 4428, 4871, 5358, 5894, 6484, 7132, 7845, 8630, 9493,
    10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794, 32767,
];

const IMA_INDEXES: [i32; 16] = [-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8];

/// One channel's IMA ADPCM state: the last sample and the step index.
struct Ima {
    sample: i32,
    index: i32,
}

impl Ima {
    /// From a block header: a 16-bit sample, the step index (clamped to 88 as Scratch does) and
    /// a reserved byte.
    fn from_header(header: &[u8]) -> Ima {
        Ima {
            sample: i32::from(i16::from_le_bytes([header[0], header[1]])),
            index: i32::from(header[2].min(88)),
        }
    }

    /// Decodes one 4-bit code (the delta computed as scratch-audio's `deltaTable`).
    fn next(&mut self, code: u8) -> f32 {
        let step = IMA_STEPS[self.index as usize];
        let mut delta = step >> 3;
        if code & 4 != 0 {
            delta += step;
        }
        if code & 2 != 0 {
            delta += step >> 1;
        }
        if code & 1 != 0 {
            delta += step >> 2;
        }
        if code & 8 != 0 {
            delta = -delta;
        }
        self.index = (self.index + IMA_INDEXES[usize::from(code & 0xF)]).clamp(0, 88);
        self.sample = (self.sample + delta).clamp(-32768, 32767);
        self.sample as f32 / 32768.0
    }
}

/// Mono IMA ADPCM exactly as scratch-audio's `ADPCMSoundDecoder` decodes it: the block size
/// comes from the fmt chunk's samples-per-block, `(samplesPerBlock - 1) / 2 + 4` bytes; each
/// block is a 4-byte header (first sample, step index, a reserved byte) and two samples per
/// byte, low nibble first; the sample count is Scratch's `numberOfSamples` (which counts the
/// header sample of the first block only, so the last block loses a few samples), and a last
/// partial block is decoded as far as it goes.
///
/// Like Scratch, the 'fact' chunk's sample count is ignored: the data decides.
///
/// Where Scratch would read past its data (a samples-per-block that is missing, even or too
/// small; a last block shorter than its header), this falls back to the block align, or stops.
fn decode_ima_mono(data: &[u8], format: &WavFormat, limit: usize) -> Result<Vec<f32>, Why> {
    let block_size = match format.samples_per_block {
        Some(per_block) if per_block % 2 == 1 && per_block >= 3 => {
            usize::from(per_block - 1) / 2 + 4
        }
        _ if format.block_align > 4 => usize::from(format.block_align),
        _ => return Err(Why::Damaged(Damage::AdpcmBlocks)),
    };
    // Scratch's numberOfSamples.
    let blocks = data.len() / block_size;
    let rest = data.len() % block_size;
    let count = if data.is_empty() {
        0
    } else {
        blocks * 2 * (block_size - 4) + 1 + rest.saturating_sub(4) * 2 + rest.min(1)
    };
    let size = count.min(limit);
    let samples_after_header = (block_size - 4) * 2;

    // Scratch's imaDecompress, stopping where the data ends.
    let mut out = Vec::with_capacity(size.min(data.len() * 2 + 1));
    let mut pos = 0;
    'blocks: while out.len() < size {
        let Some(header) = data.get(pos..pos + 4) else {
            break;
        };
        let mut ima = Ima::from_header(header);
        pos += 4;
        out.push(ima.sample as f32 / 32768.0);
        let block_len = samples_after_header.min(size - out.len());
        let block_start = out.len();
        while out.len() - block_start < block_len {
            let Some(&byte) = data.get(pos) else {
                break 'blocks;
            };
            pos += 1;
            out.push(ima.next(byte & 0xF));
            out.push(ima.next(byte >> 4));
        }
    }
    out.truncate(size);
    Ok(out)
}

/// IMA ADPCM with several channels, as the WAV standard lays it out (Scratch's decoder handles
/// one channel only): each block is a 4-byte header per channel, then groups of 4 bytes (8
/// samples) per channel in turn. The block size is the block align (or follows from the
/// samples per block). The channels are averaged.
fn decode_ima_multi(data: &[u8], format: &WavFormat, limit: usize) -> Result<Vec<f32>, Why> {
    let channels = usize::from(format.channels);
    let headers = 4 * channels;
    let group = 4 * channels;
    let block_size = match (usize::from(format.block_align), format.samples_per_block) {
        (align, _) if align > headers && (align - headers) % group == 0 => align,
        (_, Some(per_block)) if per_block > 1 && (per_block - 1) % 8 == 0 => {
            headers + usize::from(per_block - 1) / 8 * group
        }
        _ => return Err(Why::Damaged(Damage::AdpcmBlocks)),
    };
    let mut out = Vec::with_capacity(limit.min(data.len() * 2 / channels + 1));
    let mut states: Vec<Ima> = Vec::with_capacity(channels);
    let mut frame = vec![0.0f32; 8 * channels];
    for block in data.chunks(block_size) {
        if block.len() < headers || out.len() >= limit {
            break;
        }
        states.clear();
        states.extend(block[..headers].chunks_exact(4).map(Ima::from_header));
        let first: f32 = states.iter().map(|s| s.sample as f32 / 32768.0).sum();
        out.push(first / channels as f32);
        for groups in block[headers..].chunks_exact(group) {
            for (channel, bytes) in groups.chunks_exact(4).enumerate() {
                let ima = &mut states[channel];
                for (i, &byte) in bytes.iter().enumerate() {
                    frame[(2 * i) * channels + channel] = ima.next(byte & 0xF);
                    frame[(2 * i + 1) * channels + channel] = ima.next(byte >> 4);
                }
            }
            out.extend(
                frame
                    .chunks_exact(channels)
                    .map(|f| f.iter().sum::<f32>() / channels as f32),
            );
        }
    }
    out.truncate(limit);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// MP3 and OGG, by symphonia.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Mp3,
    Ogg,
}

/// Skips ID3v2 tags at the start (symphonia's own tag reader is not compiled in).
#[cfg(feature = "decode")]
fn skip_id3v2(bytes: &[u8]) -> &[u8] {
    let mut rest = bytes;
    while rest.len() >= 10 && rest.starts_with(b"ID3") {
        let size = rest[6..10]
            .iter()
            .fold(0usize, |size, &b| (size << 7) | usize::from(b & 0x7F));
        let footer = if rest[5] & 0x10 != 0 { 10 } else { 0 };
        rest = rest.get(10 + size + footer..).unwrap_or(&[]);
    }
    rest
}

/// Without the `decode` feature MP3 and OGG are not decoded here (see [`is_compressed`]).
#[cfg(not(feature = "decode"))]
fn decode_compressed(_bytes: &[u8], container: Container) -> Result<Sound, Why> {
    Err(Why::Damaged(Damage::Compressed(container)))
}

#[cfg(feature = "decode")]
fn decode_compressed(bytes: &[u8], container: Container) -> Result<Sound, Why> {
    let bytes = match container {
        Container::Mp3 => skip_id3v2(bytes),
        Container::Ogg => bytes,
    };
    // symphonia is pure safe Rust, but it is big; should it ever panic on a hostile file, the
    // native hosts get a Problem rather than a crash (wasm aborts on panics whatever we do).
    let decoded = std::panic::catch_unwind(|| decode_with_symphonia(bytes, container));
    decoded.unwrap_or(Err(Why::Damaged(Damage::Compressed(container))))
}

#[cfg(feature = "decode")]
fn decode_with_symphonia(bytes: &[u8], container: Container) -> Result<Sound, Why> {
    let damaged = Why::Damaged(Damage::Compressed(container));
    // Read as a stream, not a seekable file: symphonia then reads each page or frame once, in
    // order, instead of first probing the end of the file for the duration, which fails on a
    // file cut short (and the sound that is there is still worth playing).
    let source = MediaSourceStream::new(
        Box::new(ReadOnlySource::new(Cursor::new(bytes))),
        Default::default(),
    );
    let options = FormatOptions::default();
    let mut reader: Box<dyn FormatReader + '_> = match container {
        Container::Mp3 => Box::new(
            symphonia::default::formats::MpaReader::try_new(source, options)
                .map_err(|_| damaged.clone())?,
        ),
        Container::Ogg => Box::new(
            symphonia::default::formats::OggReader::try_new(source, options)
                .map_err(|_| damaged.clone())?,
        ),
    };
    let track = reader
        .default_track(TrackType::Audio)
        .ok_or(damaged.clone())?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|params| params.audio())
        .ok_or(damaged.clone())?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|_| unsupported_codec(params.codec, container))?;
    if let Some(channels) = &params.channels {
        check_channels(u16::try_from(channels.count()).unwrap_or(u16::MAX))?;
    }
    let mut rate = params.sample_rate;
    if let Some(rate) = rate {
        check_rate(rate)?;
    }

    let mut out: Vec<f32> = Vec::new();
    let mut planes: Vec<Vec<f32>> = Vec::new();
    // A read error (a file cut short, garbage after the last frame) ends the sound like its
    // end does: keep what was decoded.
    while let Ok(Some(packet)) = reader.next_packet() {
        if packet.track_id != track_id {
            continue;
        }
        let buffer = match decoder.decode(&packet) {
            Ok(buffer) => buffer,
            // A damaged packet is skipped, as players do.
            Err(SymphoniaError::DecodeError(_) | SymphoniaError::IoError(_)) => continue,
            Err(_) => break,
        };
        let spec = buffer.spec();
        let buffer_rate = spec.rate();
        let channels = spec.channels().count();
        match rate {
            None => {
                check_rate(buffer_rate)?;
                rate = Some(buffer_rate);
            }
            // A stream that changes rate part-way (chained streams) ends at the change.
            Some(rate) if rate != buffer_rate => break,
            Some(_) => {}
        }
        if channels == 0 || buffer.frames() == 0 {
            continue;
        }
        check_channels(u16::try_from(channels).unwrap_or(u16::MAX))?;
        buffer.copy_to_vecs_planar::<f32>(&mut planes);
        let frames = buffer.frames().min(planes.first().map_or(0, Vec::len));
        let scale = 1.0 / planes.len() as f32;
        out.extend((0..frames).map(|i| planes.iter().map(|plane| plane[i]).sum::<f32>() * scale));
        if out.len() >= max_frames(buffer_rate) {
            out.truncate(max_frames(buffer_rate));
            break;
        }
    }
    match rate {
        Some(rate) if !out.is_empty() => Ok(Sound {
            rate,
            samples: clean(out),
        }),
        _ => Err(Why::Damaged(Damage::NothingDecoded(container))),
    }
}

#[cfg(feature = "decode")]
fn unsupported_codec(codec: AudioCodecId, container: Container) -> Why {
    match codec {
        CODEC_ID_OPUS => Why::Unsupported(OtherSound::Opus),
        CODEC_ID_FLAC => Why::Unsupported(OtherSound::Flac),
        _ => Why::Damaged(Damage::Compressed(container)),
    }
}

// ---------------------------------------------------------------------------------------------
// Messages.

/// Why a sound could not be decoded; [`problem`] turns it into words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Why {
    Empty,
    NotSound(Looks),
    Unsupported(OtherSound),
    /// A WAV compressed with a format tag Starling does not decode.
    WavCodec(u16),
    /// A WAV whose PCM or float samples have an unusable number of bits.
    WavBits(u16),
    Damaged(Damage),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Damage {
    /// The WAV header or its `fmt ` chunk is missing or cut off.
    ShortHeader,
    /// No `data` chunk.
    NoData,
    NoChannels,
    TooManyChannels(u16),
    Rate(u32),
    /// An IMA ADPCM block size that cannot be.
    AdpcmBlocks,
    /// The MP3 or OGG could not be read.
    Compressed(Container),
    /// The MP3 or OGG was read, but no sound came out.
    #[cfg_attr(not(feature = "decode"), allow(dead_code))]
    NothingDecoded(Container),
}

fn container_name(container: Container) -> &'static str {
    match container {
        Container::Mp3 => "MP3",
        Container::Ogg => "OGG",
    }
}

fn wav_codec_name(tag: u16) -> Option<&'static str> {
    Some(match tag {
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "μ-law",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0161..=0x0163 => "WMA",
        0x1610 => "AAC",
        _ => return None,
    })
}

fn problem(name: &str, why: &Why) -> Problem {
    let not_sound_en =
        |what: &str| format!("the sound \"{name}\" is not a sound file Starling can play ({what})");
    let not_sound_zh = |what: &str| format!("声音“{name}”不是 Starling 能播放的声音文件（{what}）");
    let damaged_en = |what: &str| format!("the sound \"{name}\" seems damaged: {what}");
    let damaged_zh = |what: &str| format!("声音“{name}”好像坏了：{what}");
    let (en, zh) = match why {
        Why::Empty => (
            format!("the sound \"{name}\" is an empty file, with nothing in it to play"),
            format!("声音“{name}”是一个空文件，里面没有可以播放的内容"),
        ),
        Why::NotSound(looks) => {
            let (en, zh) = match looks {
                Looks::Png => ("it looks like a PNG picture", "它看起来像一张 PNG 图片"),
                Looks::Jpeg => ("it looks like a JPEG picture", "它看起来像一张 JPEG 图片"),
                Looks::Gif => ("it looks like a GIF picture", "它看起来像一张 GIF 图片"),
                Looks::Bmp => ("it looks like a BMP picture", "它看起来像一张 BMP 图片"),
                Looks::WebP => ("it looks like a WebP picture", "它看起来像一张 WebP 图片"),
                Looks::Svg => ("it looks like an SVG picture", "它看起来像一张 SVG 图片"),
                Looks::Zip => (
                    "it looks like a zip file, maybe a whole project",
                    "它看起来像一个 zip 压缩包，也许是整个作品",
                ),
                Looks::Pdf => ("it looks like a PDF document", "它看起来像一个 PDF 文档"),
                Looks::Video => ("it looks like a video", "它看起来像一段视频"),
                Looks::Text => ("it looks like text", "它看起来像一段文字"),
                Looks::Unknown => ("it is not WAV, MP3 or OGG", "它不是 WAV、MP3 或 OGG 格式"),
            };
            (not_sound_en(en), not_sound_zh(zh))
        }
        Why::Unsupported(other) => {
            let format = other.name();
            (
                format!(
                    "the sound \"{name}\" is a {format} file, which Starling cannot play; \
                     save it as WAV or MP3"
                ),
                format!("声音“{name}”是 {format} 文件，Starling 不能播放；请把它存成 WAV 或 MP3"),
            )
        }
        Why::WavCodec(tag) => {
            let kind = match wav_codec_name(*tag) {
                Some(codec) => format!("{codec}, format {tag:#06x}"),
                None => format!("format {tag:#06x}"),
            };
            (
                format!(
                    "the sound \"{name}\" is a WAV file compressed in a way Starling cannot \
                     play ({kind}); save it as an ordinary WAV or MP3"
                ),
                format!(
                    "声音“{name}”是用 Starling 不能播放的方式压缩的 WAV 文件（{kind}）；\
                     请把它存成普通的 WAV 或 MP3"
                ),
            )
        }
        Why::WavBits(bits) => (
            format!(
                "the sound \"{name}\" is a WAV file with {bits}-bit samples, which Starling \
                 cannot play; save it as an ordinary 16-bit WAV or MP3"
            ),
            format!(
                "声音“{name}”是每个采样 {bits} 位的 WAV 文件，Starling 不能播放；\
                 请把它存成普通的 16 位 WAV 或 MP3"
            ),
        ),
        Why::Damaged(damage) => {
            let (en, zh) = match damage {
                Damage::ShortHeader => (
                    "the beginning of its WAV file (the header) is missing or cut off".to_owned(),
                    "它的 WAV 文件开头（文件头）不见了或不完整".to_owned(),
                ),
                Damage::NoData => (
                    "its WAV file has no sound data in it".to_owned(),
                    "它的 WAV 文件里没有声音数据".to_owned(),
                ),
                Damage::NoChannels => (
                    "its WAV file says it has 0 channels".to_owned(),
                    "它的 WAV 文件说自己有 0 个声道".to_owned(),
                ),
                Damage::TooManyChannels(n) => (
                    format!("it says it has {n} channels (Starling plays up to {MAX_CHANNELS})"),
                    format!("它说自己有 {n} 个声道（Starling 最多播放 {MAX_CHANNELS} 个）"),
                ),
                Damage::Rate(rate) => (
                    format!(
                        "it says it plays {rate} samples per second (Starling plays \
                         {MIN_RATE} to {MAX_RATE})"
                    ),
                    format!(
                        "它说自己每秒播放 {rate} 个采样（Starling 能播放 {MIN_RATE} 到 {MAX_RATE} 个）"
                    ),
                ),
                Damage::AdpcmBlocks => (
                    "its compressed (ADPCM) WAV file has an impossible block size".to_owned(),
                    "它的压缩（ADPCM）WAV 文件的块大小不可能是对的".to_owned(),
                ),
                Damage::Compressed(container) => {
                    let format = container_name(*container);
                    (
                        format!("its {format} data cannot be read"),
                        format!("它的 {format} 数据读不出来"),
                    )
                }
                Damage::NothingDecoded(container) => {
                    let format = container_name(*container);
                    (
                        format!("no sound came out of its {format} data"),
                        format!("从它的 {format} 数据里解不出任何声音"),
                    )
                }
            };
            (damaged_en(&en), damaged_zh(&zh))
        }
    };
    Problem { en, zh }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b""), Kind::Empty);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Kind::Wav);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Kind::NotSound(Looks::WebP));
        assert_eq!(sniff(b"OggS\0\x02"), Kind::Ogg);
        assert_eq!(sniff(b"ID3\x03\0\0\0\0\0\0"), Kind::Mp3 { start: 0 });
        // MPEG 1 layer III, 128 kbit/s, 44.1 kHz.
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x64]), Kind::Mp3 { start: 0 });
        // MPEG 1 layer II.
        assert_eq!(
            sniff(&[0xFF, 0xFD, 0x90, 0x64]),
            Kind::Unsupported(OtherSound::Mp2)
        );
        // ADTS AAC.
        assert_eq!(
            sniff(&[0xFF, 0xF1, 0x50, 0x80]),
            Kind::Unsupported(OtherSound::Aac)
        );
        assert_eq!(
            sniff(b"fLaC\0\0\0\x22"),
            Kind::Unsupported(OtherSound::Flac)
        );
        assert_eq!(
            sniff(b"\0\0\0\x20ftypM4A "),
            Kind::Unsupported(OtherSound::Mp4)
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Kind::NotSound(Looks::Png));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Kind::NotSound(Looks::Svg)
        );
        assert_eq!(sniff("你好，世界".as_bytes()), Kind::NotSound(Looks::Text));
        assert_eq!(sniff(&[0, 1, 2, 3, 200, 7]), Kind::NotSound(Looks::Unknown));
    }

    #[test]
    fn finds_mp3_frames_after_junk() {
        // Three MPEG 1 layer III frames of 417 bytes (128 kbit/s, 44.1 kHz, no padding) after
        // 100 zero bytes.
        let mut bytes = vec![0u8; 100];
        for _ in 0..3 {
            let start = bytes.len();
            bytes.resize(start + 417, 0x55);
            bytes[start..start + 4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        }
        assert_eq!(sniff(&bytes), Kind::Mp3 { start: 100 });
        // Only two frames: not enough to be sure.
        bytes.truncate(100 + 2 * 417 + 3);
        assert_eq!(sniff(&bytes), Kind::NotSound(Looks::Unknown));
    }

    #[test]
    #[cfg(feature = "decode")]
    fn id3v2_tags_are_skipped() {
        let mut bytes = b"ID3\x04\x00\x00\x00\x00\x01\x01".to_vec(); // 129 bytes of tag
        bytes.extend(std::iter::repeat_n(0, 129));
        bytes.extend_from_slice(b"frames");
        assert_eq!(skip_id3v2(&bytes), b"frames");
        // A tag claiming more than the file holds leaves nothing.
        assert_eq!(skip_id3v2(b"ID3\x04\x00\x00\x7F\x7F\x7F\x7Fxx"), b"");
    }

    #[test]
    fn ima_codes_decode_like_scratch() {
        // Scratch's delta table for step index 0 (step 7): code 0 → 0, 7 → 7+3+1+0 = 11;
        // code 8 (negative zero) → 0.
        let mut ima = Ima {
            sample: 0,
            index: 0,
        };
        assert_eq!(ima.next(7), 11.0 / 32768.0);
        assert_eq!(ima.index, 8);
        // Step index 8 is 16: code 0xF → -(16 + 8 + 4 + 2) = -30.
        assert_eq!(ima.next(0xF), (11.0 - 30.0) / 32768.0);
        assert_eq!(ima.index, 16);
        // Saturation at the bottom.
        let mut ima = Ima {
            sample: -32760,
            index: 88,
        };
        assert_eq!(ima.next(0xF), -1.0);
        assert_eq!(ima.index, 88);
    }

    #[test]
    fn max_frames_caps_time_and_memory() {
        assert_eq!(max_frames(22_050), 22_050 * 600);
        assert_eq!(max_frames(48_000), MAX_SAMPLES);
        assert_eq!(max_frames(96_000), MAX_SAMPLES);
    }
}
