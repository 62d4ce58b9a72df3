// Sound through Web Audio. The mixing is Rust's (audio/src/mixer.rs, run inside the wasm by
// playground/src/audio.rs, exactly as `starling run --audio` runs it): after each VM frame the
// engine has mixed that frame's 1/30 s of stereo, and this module plays it.
//
// How it plays: each frame's PCM becomes an AudioBuffer played by an AudioBufferSourceNode
// scheduled right after the previous one (sample-exact, so no gaps), LEAD seconds ahead of the
// audio clock. This works everywhere Web Audio does, also on pages served over plain http in a
// school's network (an AudioWorklet needs a secure context) and on old Chromebooks. A frame that
// comes late (a busy main thread) starts a new run of buffers LEAD ahead: a short gap, never a
// pile-up; a page that runs ahead of the audio clock drops what is too far ahead.
//
// Browsers start sound only after a user gesture: the AudioContext is made (or resumed) on the
// first click, tap or key; until then the engine mixes nothing and sounds are skipped. The stop
// sign silences at once (the queued buffers are cut with a 10 ms fade); a hidden page suspends
// the context (the frame loop pauses too).
//
// Sound files: after a load, `load()` hands each sound's bytes to the engine, which decodes WAV
// itself (also Scratch's IMA ADPCM, which browsers cannot decode); MP3 and OGG are decoded by the
// browser (`decodeAudioData`, mixed down to mono) and handed in as samples.

/** Seconds of sound scheduled ahead of the audio clock. */
const LEAD = 0.09;
/** A buffer due sooner than this is late: the queue starts again LEAD ahead. */
const MIN_AHEAD = 0.015;
/** Sound further ahead than this is dropped (the page's clock ran ahead of the audio's). */
const MAX_AHEAD = 0.35;
/** A queue that starts again (after a late frame) fades in over this long, to soften the click. */
const RESTART_FADE_SECONDS = 0.005;
/** The stop sign's fade, in seconds. */
const CUT_SECONDS = 0.01;
/** Larger sound files are not read (as the CLI). */
const MAX_SOUND_BYTES = 50 * 1024 * 1024;
/** The most seconds `startRecording` keeps (tests). */
const MAX_RECORD_SECONDS = 30;

const AudioContextClass = typeof window !== 'undefined' ? (window.AudioContext || window.webkitAudioContext) : null;

/** Decodes MP3/OGG bytes with the browser into mono samples at `rate`. */
async function decodeInBrowser(bytes, rate) {
  const OfflineCtx = window.OfflineAudioContext || window.webkitOfflineAudioContext;
  if (!OfflineCtx) throw new Error('no OfflineAudioContext');
  const ctx = new OfflineCtx(1, 1, rate);
  // decodeAudioData takes (detaches) the buffer: hand it a copy.
  const copy = bytes.slice().buffer;
  const buffer = await ctx.decodeAudioData(copy);
  const n = buffer.length;
  const channels = buffer.numberOfChannels;
  if (channels === 1) return { rate: buffer.sampleRate, samples: buffer.getChannelData(0) };
  const mono = new Float32Array(n);
  for (let c = 0; c < channels; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < n; i++) mono[i] += data[i];
  }
  const scale = 1 / channels;
  for (let i = 0; i < n; i++) mono[i] *= scale;
  return { rate: buffer.sampleRate, samples: mono };
}

export class SoundOutput {
  /**
   * `pg`: the engine (Playground); `onProblem(words)`: a sound that stays silent, in both
   * languages ({en, zh}).
   */
  constructor(pg, { onProblem } = {}) {
    this.pg = pg;
    this.onProblem = onProblem;
    this.ctx = null;
    this.out = null;
    this.nextTime = 0;
    this.sources = new Set();
    this.recording = null;
    /** The AudioContext's rate, or this one when set before the first gesture (tests). */
    this.preferredRate = null;
    this.stats = { buffers: 0, late: 0, dropped: 0 };
    this.failed = false;
    /** Browser-decoded sounds by their .sb3 name (an MD5 of the bytes), kept across reloads. */
    this.decodedCache = new Map();
    if (typeof document !== 'undefined') {
      const unlock = () => this.unlock();
      for (const type of ['pointerdown', 'keydown', 'touchend', 'click']) {
        document.addEventListener(type, unlock, { capture: true, passive: true });
      }
      document.addEventListener('visibilitychange', () => this.onVisibility());
    }
  }

  /** Starts (or resumes) sound: call from a user gesture. Never throws. */
  unlock() {
    if (this.failed || !AudioContextClass) return;
    try {
      if (!this.ctx) {
        const options = { latencyHint: 'interactive' };
        if (this.preferredRate) options.sampleRate = this.preferredRate;
        this.ctx = new AudioContextClass(options);
        this.out = this.newOutput();
        this.ctx.addEventListener?.('statechange', () => {
          if (this.ctx.state !== 'running') this.nextTime = 0;
        });
        this.pg.audio_start(Math.round(this.ctx.sampleRate));
      }
      if (this.ctx.state === 'suspended' && document.visibilityState !== 'hidden') {
        this.ctx.resume().catch(() => {});
      }
    } catch {
      // No sound on this device: the program runs silently.
      this.failed = true;
      this.ctx = null;
    }
  }

  newOutput() {
    const gain = this.ctx.createGain();
    gain.connect(this.ctx.destination);
    return gain;
  }

  /** Whether sound is playing now. */
  running() {
    return !!this.ctx && this.ctx.state === 'running';
  }

  onVisibility() {
    if (!this.ctx) return;
    if (document.visibilityState === 'hidden') {
      this.cut();
      this.ctx.suspend().catch(() => {});
    } else {
      this.ctx.resume().catch(() => {});
    }
  }

  /**
   * Hands the loaded program's sound files to the engine. `getFile(name)` gives the bytes or
   * null; `isCurrent()` says no newer load started meanwhile (then nothing more is handed in).
   */
  async load(getFile, isCurrent = () => true) {
    this.cut();
    let needs;
    try {
      needs = JSON.parse(this.pg.sound_needs());
    } catch {
      return;
    }
    const problem = (need, why) => {
      const words = JSON.parse(this.pg.sound_problem(need.target, need.sound, why));
      if (words) this.onProblem?.(words);
    };
    // Several sounds often share a file: decode it once.
    const compressed = new Map();
    for (const need of needs) {
      if (need.ready) continue;
      if (!need.file) {
        problem(need, 'no-file');
        continue;
      }
      let bytes = null;
      try {
        bytes = await getFile(need.file);
      } catch {
        bytes = null;
      }
      if (!isCurrent()) return;
      if (!bytes || bytes.length === 0 || bytes.length > MAX_SOUND_BYTES) {
        problem(need, 'missing');
        continue;
      }
      const result = JSON.parse(this.pg.set_sound_file(need.target, need.sound, bytes));
      if (result.problem) {
        this.onProblem?.(result.problem);
      } else if (result.compressed) {
        // An .sb3 names its files by the MD5 of their bytes: those are decoded once per page.
        const cacheable = /^[0-9a-f]{32}\.\w+$/i.test(need.file);
        let decoded = compressed.get(need.file) ?? (cacheable ? this.decodedCache.get(need.file) : undefined);
        if (!decoded) {
          const rate = need.rate >= 8000 && need.rate <= 96000 ? need.rate : 48000;
          decoded = decodeInBrowser(bytes, rate).catch(() => null);
          compressed.set(need.file, decoded);
          if (cacheable) {
            if (this.decodedCache.size >= 64) this.decodedCache.clear();
            this.decodedCache.set(need.file, decoded);
          }
        }
        const sound = await decoded;
        if (!isCurrent()) return;
        const seconds = sound ? this.pg.set_sound_samples(need.target, need.sound, sound.rate, sound.samples) : -1;
        if (seconds < 0) problem(need, 'undecodable');
      }
    }
  }

  /** After each VM frame: plays the sound the engine mixed for it. */
  afterStep() {
    if (!this.ctx) return;
    const pcm = this.pg.audio_take();
    if (pcm.length === 0) {
      // Nothing sounds: once the queue has played out, the next sound starts a new one (not late).
      if (this.nextTime > 0 && this.nextTime <= this.ctx.currentTime) this.nextTime = 0;
      return;
    }
    if (this.recording) this.record(pcm);
    if (this.ctx.state !== 'running') return;
    this.schedule(pcm);
  }

  schedule(pcm) {
    const ctx = this.ctx;
    const frames = pcm.length >> 1;
    if (frames === 0) return;
    const now = ctx.currentTime;
    let restart = false;
    if (this.nextTime < now + MIN_AHEAD) {
      if (this.nextTime > 0) this.stats.late += 1;
      restart = this.nextTime > 0;
      this.nextTime = now + LEAD;
    } else if (this.nextTime > now + MAX_AHEAD) {
      this.stats.dropped += 1;
      return;
    }
    const buffer = ctx.createBuffer(2, frames, ctx.sampleRate);
    const left = buffer.getChannelData(0);
    const right = buffer.getChannelData(1);
    for (let i = 0, j = 0; i < frames; i++, j += 2) {
      left[i] = pcm[j];
      right[i] = pcm[j + 1];
    }
    if (restart) {
      const n = Math.min(frames, Math.round(RESTART_FADE_SECONDS * ctx.sampleRate));
      for (let i = 0; i < n; i++) {
        left[i] *= i / n;
        right[i] *= i / n;
      }
    }
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.out);
    source.onended = () => this.sources.delete(source);
    source.start(this.nextTime);
    this.sources.add(source);
    this.nextTime += frames / ctx.sampleRate;
    this.stats.buffers += 1;
  }

  /** Silences what is queued, at once (the stop sign, a new project, a hidden page). */
  cut() {
    if (!this.ctx) return;
    try {
      this.pg.audio_take();
      if (this.sources.size && this.ctx.state === 'running') {
        const now = this.ctx.currentTime;
        const old = this.out;
        old.gain.setValueAtTime(1, now);
        old.gain.linearRampToValueAtTime(0, now + CUT_SECONDS);
        for (const s of this.sources) s.stop(now + CUT_SECONDS);
        setTimeout(() => old.disconnect(), 100);
        this.out = this.newOutput();
      } else {
        for (const s of this.sources) s.stop();
      }
    } catch { /* already stopped */ }
    this.sources.clear();
    this.nextTime = 0;
  }

  /** The stop sign: the engine fades its sounds; what is queued stops now. */
  stop() {
    this.cut();
    // A fresh mixer: not even the engine's 25 ms fade-out is heard after the queue was cut.
    if (this.ctx) this.pg.audio_start(Math.round(this.ctx.sampleRate));
  }

  // ------------------------------------------------------------------ tests

  /** Keeps every mixed sample from now on (at most MAX_RECORD_SECONDS). */
  startRecording() {
    this.recording = { chunks: [], length: 0 };
  }

  record(pcm) {
    const max = 2 * MAX_RECORD_SECONDS * (this.ctx?.sampleRate || 48000);
    if (this.recording.length + pcm.length > max) return;
    this.recording.chunks.push(Float32Array.from(pcm));
    this.recording.length += pcm.length;
  }

  /** The recorded interleaved stereo (an empty array when not recording). */
  lastMixed() {
    const out = new Float32Array(this.recording?.length ?? 0);
    let at = 0;
    for (const c of this.recording?.chunks ?? []) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The mixer's rate (0 before sound started). */
  rate() {
    return this.pg.audio_rate();
  }
}
