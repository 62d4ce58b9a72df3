//! The mixer: the runtime's [`SoundEvent`]s → interleaved stereo PCM, frame by frame, with
//! scratch-audio's rules, so a program sounds as it does in Scratch and sounds end when the VM
//! thinks they do.
//!
//! Pure: the host decodes the project's sounds ([`Mixer::set_sound`]), hands over each frame's
//! sound events ([`Mixer::handle`]) and asks for the sound that follows them ([`Mixer::mix`]).
//!
//! # Timing
//!
//! Events apply at the start of the next mixed span: a host runs a VM frame, hands the mixer
//! that frame's events, then mixes the frame's time ([`starling_runtime::Vm::frame_seconds`],
//! 1/30 s in Scratch's editor). So a sound starts within one frame of where Scratch starts it,
//! as Scratch's own frame loop allows. `mix` carries the fraction of a sample from span to span,
//! so 30 spans of 1/30 s are exactly `rate` samples.
//!
//! The VM runs the same rule (see "Sound" in `starling_runtime::vm`): a sound's position, in
//! seconds of the sound at normal pitch, moves on by the span's length × the playback rate, and
//! the sound ends when the position reaches its length. A pitch change applies at once (from the
//! start of the next span), so `play sound until done` and the mixed sound end in the same
//! frame, whatever the pitch does meanwhile.
//!
//! # Sounds (scratch-audio's `SoundBank` and `SoundPlayer`)
//!
//! - One player per (owner, sound) — the sound of a sprite definition, shared by the sprite and
//!   its clones. A [`SoundEvent::Play`] restarts a player that is still sounding: the old
//!   playback fades out in 25 ms (`DECAY_DURATION`) while the new one starts. A player that
//!   started less than 25 ms ago (measured in mixed time) just goes on (`isStarting`). When
//!   another sprite or clone plays it, the old playback fades out first.
//! - Volume: gain volume/100. Pitch: playback rate 2^(pitch/120), resampled from the sound's
//!   rate with linear interpolation (as browsers do for `AudioBufferSourceNode.playbackRate`).
//!   Pan p = pan/100: left gain cos((p+1)·π/4), right gain sin((p+1)·π/4) (`PanEffect`), except
//!   at pan 0, where scratch-audio bypasses its pan node and the mono sound plays at full level
//!   on both channels (Web Audio's mono → stereo up-mix), so pan 0 is about 3 dB louder than
//!   pan ±1, as in Scratch.
//! - [`SoundEvent::Effects`] apply to the sounds that sprite played last, as
//!   `SoundBank.setEffects`: the rate at once, volume and pan in a 25 ms linear ramp (Scratch
//!   ramps them too), which avoids clicks.
//! - [`SoundEvent::Stop`] fades the sound out if that sprite played it last;
//!   [`SoundEvent::StopAll`] fades out everything, notes and drums too (Scratch lets notes and
//!   drums ring on after the stop sign; a child pressing stop expects silence).
//!
//! # Music (scratch3_music)
//!
//! Drums and notes come from [`crate::synth`], made once at the mixer's rate and cached: drums
//! per drum, notes by (instrument, note, seconds), the cache being emptied when it holds more
//! than [`NOTE_CACHE_SAMPLES`]. They play at the sprite's volume at the time (later volume
//! changes do not touch them), centred, unaffected by pitch and pan. Each drum and each
//! (instrument, note) has a player: playing it again lets the old hit ring on (`take()`), unless
//! it started less than 25 ms ago. At most [`MUSIC_CONCURRENCY_LIMIT`] + 1 notes and drums
//! sound at once (`CONCURRENCY_LIMIT`); more are not played.
//!
//! # The limiter
//!
//! The sum of all sounds goes through a peak limiter, so any number of sounds never exceeds ±1:
//! while the mix stays within ±1 it passes unchanged (gain 1); a sample that would go beyond
//! lowers the gain at once to bring it to exactly ±1, and the gain recovers towards 1 with a
//! time constant of [`LIMITER_RELEASE_SECONDS`]. (Scratch's Web Audio output clips hard instead.)
//!
//! Nothing panics on odd event values: NaN or out-of-range volumes, pitches and pans are
//! clamped (NaN counts as 0), unknown owners and sound indexes play nothing, empty sounds end at
//! once.

pub mod bench;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::f64::consts::FRAC_PI_2;
use std::rc::Rc;

use starling_runtime::io::SoundEvent;

use crate::{synth, Sound};

/// How long fades and ramps take, and how long a just-started sound counts as starting
/// (scratch-audio's `DECAY_DURATION`, 25 ms): the VM's constant, so both decide alike.
pub const FADE_SECONDS: f64 = starling_runtime::vm::SOUND_STARTING_SECONDS;

/// scratch3_music's `CONCURRENCY_LIMIT`: a note or drum is not played while more than this many
/// sound.
pub const MUSIC_CONCURRENCY_LIMIT: usize = 30;

/// The note cache is emptied when it would hold more samples than this (32 MB of `f32`).
pub const NOTE_CACHE_SAMPLES: usize = 8 << 20;

/// The limiter's recovery time constant.
pub const LIMITER_RELEASE_SECONDS: f64 = 0.1;

/// The longest note the mixer makes: 100 beats at the slowest tempo (20 bpm).
const MAX_NOTE_SECONDS: f64 = 300.0;

/// The most one call to [`Mixer::mix`] produces (a guard against absurd requests).
const MAX_MIX_SECONDS: f64 = 60.0;

/// A drum or a note's player (scratch3_music keeps one `SoundPlayer` per drum and per
/// instrument and note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MusicKey {
    Drum(u32),
    /// Instrument and the note's bits.
    Note(u32, u64),
}

/// One playback being mixed.
#[derive(Debug, Clone)]
struct Voice {
    id: u64,
    sound: Rc<Sound>,
    /// Position in the sound's samples.
    pos: f64,
    /// Source samples per output sample at normal pitch (the sound's rate / the mixer's).
    base_step: f64,
    /// Source samples per output sample now (× the playback rate).
    step: f64,
    /// Left and right gain now.
    gain: [f32; 2],
    /// Gain change per sample while `ramp_left > 0`.
    delta: [f32; 2],
    /// Samples left in the current gain ramp (which ends at the target gain).
    ramp_left: u32,
    target: [f32; 2],
    /// Fading out: the voice ends when its ramp to silence does.
    ending: bool,
    /// Mixed time since it started, in seconds (the sums of [`Mixer::mix`]'s `seconds`).
    age: f64,
    /// A note or drum still counted by the concurrency limit (a hit that was taken by a newer
    /// one of its player rings on uncounted, as in scratch3_music).
    counted: bool,
}

impl Voice {
    /// Moves the gain linearly to `target` over `samples` samples.
    fn ramp_to(&mut self, target: [f32; 2], samples: u32) {
        self.target = target;
        if samples == 0 {
            self.gain = target;
            self.ramp_left = 0;
            self.delta = [0.0; 2];
            return;
        }
        self.ramp_left = samples;
        let n = samples as f32;
        self.delta = [
            (target[0] - self.gain[0]) / n,
            (target[1] - self.gain[1]) / n,
        ];
    }

    /// Adds this voice to `out` (interleaved stereo); false once it has finished.
    fn mix_into(&mut self, out: &mut [f32]) -> bool {
        let samples: &[f32] = &self.sound.samples;
        let len = samples.len();
        let frames = out.len() / 2;
        let mut k = 0;
        while k < frames {
            if self.ramp_left > 0 {
                let end = frames.min(k + self.ramp_left as usize);
                let n = end - k;
                let (done, mixed) = mix_span::<true>(
                    samples,
                    &mut out[2 * k..2 * end],
                    &mut self.pos,
                    self.step,
                    &mut self.gain,
                    self.delta,
                );
                self.ramp_left -= mixed as u32;
                if self.ramp_left == 0 {
                    self.gain = self.target;
                    if self.ending {
                        return false;
                    }
                }
                if done {
                    return false;
                }
                k += n;
            } else {
                let (done, _) = mix_span::<false>(
                    samples,
                    &mut out[2 * k..],
                    &mut self.pos,
                    self.step,
                    &mut self.gain,
                    [0.0; 2],
                );
                return !done;
            }
        }
        // The span ended inside a ramp.
        self.pos < len as f64 - 1e-4
    }
}

/// Mixes samples from `pos` on into `out` at `step` source samples per output sample, with the
/// gain changing by `delta` per sample when `RAMP`. Returns whether the sound ran out and how
/// many output samples were mixed.
#[inline(always)]
fn mix_span<const RAMP: bool>(
    samples: &[f32],
    out: &mut [f32],
    pos: &mut f64,
    step: f64,
    gain: &mut [f32; 2],
    delta: [f32; 2],
) -> (bool, usize) {
    // The sound ends when the position reaches its length; the tolerance (far below a sample)
    // absorbs rounding in the position, as the VM's does.
    let end = samples.len() as f64 - 1e-4;
    let p0 = *pos;
    let [mut gl, mut gr] = *gain;
    let mut mixed = 0;
    let mut done = false;
    for frame in out.chunks_exact_mut(2) {
        // Computed from the span's start rather than summed, so rounding cannot pile up.
        let p = p0 + mixed as f64 * step;
        if p >= end {
            done = true;
            break;
        }
        // `p` is never negative, so the cast truncates towards the sample before it.
        let i = p as usize;
        let a = samples[i];
        let b = samples.get(i + 1).copied().unwrap_or(0.0);
        let s = a + (b - a) * (p - i as f64) as f32;
        frame[0] += s * gl;
        frame[1] += s * gr;
        if RAMP {
            gl += delta[0];
            gr += delta[1];
        }
        mixed += 1;
    }
    *pos = p0 + mixed as f64 * step;
    if *pos >= end {
        done = true;
    }
    *gain = [gl, gr];
    (done, mixed)
}

/// scratch-audio's `SoundBank` entry for one sound: who played it last and what it plays now.
#[derive(Debug, Clone)]
struct Player {
    owner: u32,
    sound: usize,
    /// The sprite id that played it last.
    sprite: u32,
    /// Its current playback, if any (a faded-out one is no longer its).
    voice: Option<u64>,
}

/// The mixer. See the module docs for the rules.
pub struct Mixer {
    rate: u32,
    sounds: HashMap<(u32, usize), Rc<Sound>>,
    players: Vec<Player>,
    music_players: HashMap<MusicKey, u64>,
    /// Playing voices, in the order they started (the order they are summed in).
    voices: Vec<Voice>,
    next_voice: u64,
    /// Drum buffers at the mixer's rate, made on first use (or given by [`Mixer::set_drum`]).
    drums: Vec<Option<Rc<Sound>>>,
    notes: HashMap<(u32, u64, u64), Rc<Sound>>,
    note_samples: usize,
    /// The fraction of a sample not mixed yet.
    carry: f64,
    /// How far below 1 the limiter's gain is.
    limiter_cut: f32,
    /// Per sample, the limiter's cut shrinks by this factor.
    limiter_keep: f32,
    fade_samples: u32,
}

impl Mixer {
    /// A mixer producing interleaved stereo at `rate` samples per second (0 is taken as 48,000).
    pub fn new(rate: u32) -> Mixer {
        let rate = if rate == 0 { 48_000 } else { rate };
        let r = f64::from(rate);
        Mixer {
            rate,
            sounds: HashMap::new(),
            players: Vec::new(),
            music_players: HashMap::new(),
            voices: Vec::new(),
            next_voice: 1,
            drums: vec![None; synth::DRUM_COUNT as usize],
            notes: HashMap::new(),
            note_samples: 0,
            carry: 0.0,
            limiter_cut: 0.0,
            limiter_keep: (-1.0 / (LIMITER_RELEASE_SECONDS * r)).exp() as f32,
            fade_samples: ((FADE_SECONDS * r).round() as u32).max(1),
        }
    }

    /// Output samples per second (per channel).
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Sound `index` of `Program::targets[owner]`, decoded by the host. Playbacks already
    /// running keep the sound they started with.
    pub fn set_sound(&mut self, owner: u32, index: usize, sound: Rc<Sound>) {
        self.sounds.insert((owner, index), sound);
    }

    /// Uses `sound` for drum `drum` (1…18) instead of the synthesised one (a host with recorded
    /// drums; the tests).
    pub fn set_drum(&mut self, drum: u32, sound: Rc<Sound>) {
        if let Some(slot) = self.drums.get_mut(drum.wrapping_sub(1) as usize) {
            *slot = Some(sound);
        }
    }

    /// How many playbacks are sounding (sounds, notes and drums, fading ones included).
    pub fn playing(&self) -> usize {
        self.voices.len()
    }

    /// Applies one of the frame's events, at the start of the next mixed span.
    pub fn handle(&mut self, event: &SoundEvent) {
        match *event {
            SoundEvent::Play {
                sprite,
                owner,
                sound,
                volume,
                pitch,
                pan,
                ..
            } => self.play(
                sprite,
                owner,
                sound,
                gains(volume, pan),
                playback_rate(pitch),
            ),
            SoundEvent::Effects {
                sprite,
                volume,
                pitch,
                pan,
                ..
            } => {
                let (gain, rate) = (gains(volume, pan), playback_rate(pitch));
                for i in 0..self.players.len() {
                    if self.players[i].sprite != sprite {
                        continue;
                    }
                    if let Some(v) = self.current_voice(self.players[i].voice) {
                        self.set_effects(v, gain, rate);
                    }
                }
            }
            SoundEvent::Stop {
                sprite,
                owner,
                sound,
            } => {
                if let Some(p) = self
                    .players
                    .iter()
                    .position(|p| p.owner == owner && p.sound == sound && p.sprite == sprite)
                {
                    if let Some(v) = self.current_voice(self.players[p].voice) {
                        self.fade_out(v);
                    }
                    self.players[p].voice = None;
                }
            }
            SoundEvent::StopAll => {
                for v in 0..self.voices.len() {
                    if !self.voices[v].ending {
                        self.fade_out(v);
                    }
                }
                for p in &mut self.players {
                    p.voice = None;
                }
                self.music_players.clear();
            }
            SoundEvent::Drum { drum, volume, .. } => {
                let drum = drum.clamp(1, synth::DRUM_COUNT);
                if self.music_allowed() {
                    if let Some(sound) = self.drum_sound(drum) {
                        self.play_music(MusicKey::Drum(drum), sound, volume);
                    }
                }
            }
            SoundEvent::Note {
                note,
                instrument,
                seconds,
                volume,
                ..
            } => {
                if !(note.is_finite() && seconds.is_finite() && seconds > 0.0) {
                    return;
                }
                let note = note.clamp(0.0, 130.0);
                let instrument = instrument.clamp(1, synth::INSTRUMENT_COUNT);
                let seconds = seconds.min(MAX_NOTE_SECONDS);
                if self.music_allowed() {
                    if let Some(sound) = self.note_sound(instrument, note, seconds) {
                        self.play_music(MusicKey::Note(instrument, note.to_bits()), sound, volume);
                    }
                }
            }
        }
    }

    /// Appends `seconds` of sound (interleaved stereo) to `out`: everything playing, then the
    /// limiter. Nothing for a `seconds` that is not positive and finite; at most a minute.
    pub fn mix(&mut self, seconds: f64, out: &mut Vec<f32>) {
        if !(seconds.is_finite() && seconds > 0.0) {
            return;
        }
        let seconds = seconds.min(MAX_MIX_SECONDS);
        let exact = seconds * f64::from(self.rate) + self.carry;
        // The tolerance keeps a span of exactly n samples (such as 1/30 s at 48 kHz, which is
        // 1600.0000000000002) from losing one to rounding.
        let n = (exact + 1e-6).floor().max(0.0);
        self.carry = exact - n;
        let n = n as usize;
        let start = out.len();
        out.resize(start + 2 * n, 0.0);
        let buf = &mut out[start..];
        self.voices.retain_mut(|v| {
            let alive = v.mix_into(buf);
            v.age += seconds;
            alive
        });
        self.limit(buf);
    }

    // ------------------------------------------------------------------ sounds

    /// `SoundBank.playSound` with `SoundPlayer.play`.
    fn play(&mut self, sprite: u32, owner: u32, sound: usize, gain: [f32; 2], rate: f64) {
        let p = match self
            .players
            .iter()
            .position(|p| p.owner == owner && p.sound == sound)
        {
            Some(p) => p,
            None => {
                self.players.push(Player {
                    owner,
                    sound,
                    sprite,
                    voice: None,
                });
                self.players.len() - 1
            }
        };
        let mut current = self.current_voice(self.players[p].voice);
        if self.players[p].sprite != sprite {
            // Another sprite's playback stops before this one starts.
            if let Some(v) = current.take() {
                self.fade_out(v);
            }
        }
        self.players[p].sprite = sprite;
        if let Some(v) = current {
            if self.voices[v].age < FADE_SECONDS {
                // Still starting: it goes on, with this sprite's effects.
                self.set_effects(v, gain, rate);
                return;
            }
            self.fade_out(v);
        }
        let voice = self
            .sounds
            .get(&(owner, sound))
            .cloned()
            .and_then(|s| self.start_voice(s, gain, rate, false));
        self.players[p].voice = voice;
    }

    /// The index of the voice with this id, if it still plays and is not fading out.
    fn current_voice(&self, id: Option<u64>) -> Option<usize> {
        let id = id?;
        self.voices.iter().position(|v| v.id == id && !v.ending)
    }

    fn start_voice(
        &mut self,
        sound: Rc<Sound>,
        gain: [f32; 2],
        rate: f64,
        music: bool,
    ) -> Option<u64> {
        if sound.samples.is_empty() || sound.rate == 0 {
            return None;
        }
        let id = self.next_voice;
        self.next_voice += 1;
        let base_step = f64::from(sound.rate) / f64::from(self.rate);
        self.voices.push(Voice {
            id,
            sound,
            pos: 0.0,
            base_step,
            step: base_step * rate,
            gain,
            delta: [0.0; 2],
            ramp_left: 0,
            target: gain,
            ending: false,
            age: 0.0,
            counted: music,
        });
        Some(id)
    }

    fn set_effects(&mut self, v: usize, gain: [f32; 2], rate: f64) {
        let fade = self.fade_samples;
        let voice = &mut self.voices[v];
        voice.step = voice.base_step * rate;
        if voice.target != gain {
            voice.ramp_to(gain, fade);
        }
    }

    /// `SoundPlayer.stop`: a quick fade to silence, then the voice ends.
    fn fade_out(&mut self, v: usize) {
        let fade = self.fade_samples;
        let voice = &mut self.voices[v];
        voice.ending = true;
        voice.counted = false;
        voice.ramp_to([0.0; 2], fade);
    }

    // ------------------------------------------------------------------ music

    /// scratch3_music plays nothing while its counter is over the limit.
    fn music_allowed(&self) -> bool {
        self.voices.iter().filter(|v| v.counted).count() <= MUSIC_CONCURRENCY_LIMIT
    }

    /// `_playDrumNum` / `_playNote`: the key's player plays `sound` at `volume`.
    fn play_music(&mut self, key: MusicKey, sound: Rc<Sound>, volume: f64) {
        let level = volume_gain(volume);
        if let Some(&id) = self.music_players.get(&key) {
            if let Some(v) = self.current_voice(Some(id)) {
                if self.voices[v].age < FADE_SECONDS {
                    // `play()` while starting: it goes on.
                    return;
                }
                // `take()`: the old hit rings on, no longer counted.
                self.voices[v].counted = false;
            }
        }
        match self.start_voice(sound, [level; 2], 1.0, true) {
            Some(id) => {
                self.music_players.insert(key, id);
            }
            None => {
                self.music_players.remove(&key);
            }
        }
    }

    fn drum_sound(&mut self, drum: u32) -> Option<Rc<Sound>> {
        let rate = self.rate;
        let slot = self.drums.get_mut(drum as usize - 1)?;
        Some(Rc::clone(
            slot.get_or_insert_with(|| Rc::new(synth::drum(drum, rate))),
        ))
    }

    fn note_sound(&mut self, instrument: u32, note: f64, seconds: f64) -> Option<Rc<Sound>> {
        let key = (instrument, note.to_bits(), seconds.to_bits());
        if let Some(sound) = self.notes.get(&key) {
            return Some(Rc::clone(sound));
        }
        let sound = Rc::new(synth::note(instrument, note, seconds, self.rate));
        let n = sound.samples.len();
        if n <= NOTE_CACHE_SAMPLES {
            if self.note_samples + n > NOTE_CACHE_SAMPLES {
                self.notes.clear();
                self.note_samples = 0;
            }
            self.notes.insert(key, Rc::clone(&sound));
            self.note_samples += n;
        }
        Some(sound)
    }

    // ------------------------------------------------------------------ output

    /// The peak limiter (see the module docs).
    fn limit(&mut self, buf: &mut [f32]) {
        let keep = self.limiter_keep;
        // The gain is 1 − `cut`; keeping the cut (rather than the gain) lets it shrink towards 0
        // without getting stuck at f32's coarse steps just below 1.
        let mut cut = self.limiter_cut;
        for frame in buf.chunks_exact_mut(2) {
            let (l, r) = (frame[0], frame[1]);
            let peak = l.abs().max(r.abs());
            if peak.is_nan() {
                frame[0] = 0.0;
                frame[1] = 0.0;
                continue;
            }
            if peak * (1.0 - cut) > 1.0 {
                cut = 1.0 - 1.0 / peak;
            }
            let g = 1.0 - cut;
            frame[0] = (l * g).clamp(-1.0, 1.0);
            frame[1] = (r * g).clamp(-1.0, 1.0);
            if cut > 0.0 {
                cut *= keep;
                if cut < 1e-7 {
                    cut = 0.0;
                }
            }
        }
        self.limiter_cut = cut;
    }
}

/// Volume 0…100 → gain 0…1 (NaN is 0).
fn volume_gain(volume: f64) -> f32 {
    if volume.is_nan() {
        0.0
    } else {
        (volume.clamp(0.0, 100.0) / 100.0) as f32
    }
}

/// Left and right gain for a volume and a pan (see the module docs).
fn gains(volume: f64, pan: f64) -> [f32; 2] {
    let v = volume_gain(volume);
    let pan = if pan.is_nan() {
        0.0
    } else {
        pan.clamp(-100.0, 100.0)
    };
    if pan == 0.0 {
        return [v; 2];
    }
    // Exactly silent on the far side (cos(π/2) is not quite 0 in floating point).
    if pan == 100.0 {
        return [0.0, v];
    }
    if pan == -100.0 {
        return [v, 0.0];
    }
    let p = (pan + 100.0) / 200.0;
    let angle = p * FRAC_PI_2;
    [v * angle.cos() as f32, v * angle.sin() as f32]
}

/// Pitch ±360 → playback rate 2^(pitch/120) (NaN is 0).
fn playback_rate(pitch: f64) -> f64 {
    let pitch = if pitch.is_nan() {
        0.0
    } else {
        pitch.clamp(-360.0, 360.0)
    };
    2f64.powf(pitch / 120.0)
}
