// Sound in the browser: the wasm runs the same mixer as `starling run --audio`, and the page plays
// its PCM through Web Audio (web/src/sound.js). These tests read the mixed samples through the
// test hook (`player.sound.startRecording()` / `lastMixed()`), with the frame loop paused and
// frames stepped by hand, so the browser's samples line up with the native recording exactly.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, assert, openPlayground, repo, outDir } from './harness.mjs';

const RATE = 48000;

/** Native samples: `starling run FILE --audio out.wav` (48 kHz, stereo, 16-bit) as floats. */
function nativeAudio(source, name) {
  const bin = process.env.STARLING || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'release', 'starling');
  assert(existsSync(bin), `the native starling command is missing (${bin}): cargo build --release -p starling`);
  const program = join(outDir, `${name}.sb.txt`);
  const wav = join(outDir, `${name}-native.wav`);
  writeFileSync(program, source);
  execFileSync(bin, ['run', program, '--audio', wav]);
  const bytes = readFileSync(wav);
  // Find the data chunk.
  let at = 12;
  while (at + 8 <= bytes.length && bytes.toString('latin1', at, at + 4) !== 'data') at += 8 + bytes.readUInt32LE(at + 4);
  const start = at + 8;
  const n = (bytes.length - start) >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(start + 2 * i) / 32768;
  return out;
}

/** The strongest frequency of `mono` among `freqs` (Goertzel). */
function strongest(mono, rate, freqs) {
  let best = null;
  for (const f of freqs) {
    const w = (2 * Math.PI * f) / rate;
    const c = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    for (const x of mono) {
      const s = x + c * s1 - s2;
      s2 = s1;
      s1 = s;
    }
    const power = s1 * s1 + s2 * s2 - c * s1 * s2;
    if (!best || power > best.power) best = { f, power };
  }
  return best.f;
}

const left = (stereo, from, to) => {
  const out = [];
  for (let i = from; i < to && 2 * i < stereo.length; i++) out.push(stereo[2 * i]);
  return out;
};

/** Opens the playground, pauses its loop and starts sound at 48 kHz with a key press (a gesture). */
async function openWithSound(page, url) {
  await openPlayground(page, url);
  await page.evaluate((rate) => {
    const p = window.starling.player;
    p.pause();
    p.seed = 1;
    p.sound.preferredRate = rate;
  }, RATE);
  await page.keyboard.press('Shift');
  await page.waitForFunction(() => window.starling.player.sound.running(), null, { timeout: 10000 });
}

/** Loads a text program (with `files`: name → array of bytes), clicks the flag, steps `frames`. */
async function runRecorded(page, source, frames, files = {}) {
  return page.evaluate(async ({ source, frames, files }) => {
    const p = window.starling.player;
    const map = new Map(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)]));
    const report = await p.loadText(source, map);
    if (!report.loaded) return { error: JSON.stringify(report.diagnostics) };
    p.sound.startRecording();
    await p.greenFlag();
    for (let i = 0; i < frames; i++) p.step();
    return { rate: p.sound.rate(), pcm: Array.from(p.sound.lastMixed()), running: p.pg.is_running() };
  }, { source, frames, files });
}

/** A mono 16-bit WAV of a sine. */
function sineWav(freq, seconds, rate = 22050) {
  const n = Math.round(seconds * rate);
  const bytes = Buffer.alloc(44 + 2 * n);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(36 + 2 * n, 4);
  bytes.write('WAVEfmt ', 8, 'latin1');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20);
  bytes.writeUInt16LE(1, 22);
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate * 2, 28);
  bytes.writeUInt16LE(2, 32);
  bytes.writeUInt16LE(16, 34);
  bytes.write('data', 36, 'latin1');
  bytes.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) bytes.writeInt16LE(Math.round(16000 * Math.sin((2 * Math.PI * freq * i) / rate)), 44 + 2 * i);
  return [...bytes];
}

test('sound: play note 69 gives the native mixer\'s samples, a 440 Hz tone', async ({ page, url, shot }) => {
  const source = 'when flag clicked\nplay note (69) for (1) beats\n';
  const native = nativeAudio(source, 'sound-note');
  await openWithSound(page, url);
  const r = await runRecorded(page, source, 30);
  assert(!r.error, r.error);
  assert(r.rate === RATE, `the mixer runs at the AudioContext's rate (${r.rate})`);
  assert(r.pcm.length === 2 * 1600 * 30, `30 frames of 1600 stereo samples (${r.pcm.length})`);
  // A few hundred ms, sample by sample (the native file is 16-bit: 1/32768 apart, plus rounding).
  const n = Math.min(r.pcm.length, native.length, 2 * Math.round(0.6 * RATE));
  let worst = 0;
  let loud = 0;
  for (let i = 0; i < n; i++) {
    worst = Math.max(worst, Math.abs(r.pcm[i] - native[i]));
    loud = Math.max(loud, Math.abs(r.pcm[i]));
  }
  console.log(`     note: ${n / 2} stereo samples compared, largest difference ${worst.toExponential(2)}, peak ${loud.toFixed(3)}`);
  assert(loud > 0.1, `the note is heard (peak ${loud})`);
  assert(worst < 2e-4, `the browser's samples equal the native mixer's (largest difference ${worst})`);
  const freqs = [];
  for (let f = 300; f <= 600; f += 5) freqs.push(f);
  const peak = strongest(left(r.pcm, Math.round(0.05 * RATE), Math.round(0.45 * RATE)), RATE, freqs);
  assert(Math.abs(peak - 440) <= 5, `the strongest frequency is 440 Hz (${peak})`);
  // Stepped all at once, most frames are too far ahead of the audio clock and are dropped; the
  // first ones are scheduled.
  const stats = await page.evaluate(() => window.starling.player.sound.stats);
  assert(stats.buffers >= 3 && stats.buffers + stats.dropped === 30, `the frames went to Web Audio (${JSON.stringify(stats)})`);
  await shot('note');
});

test('sound: a WAV sound in a project plays, and play until done waits its length', async ({ page, url, shot }) => {
  await openWithSound(page, url);
  const source = '#sprite Cat\n#sound Beep = beep.wav\nwhen flag clicked\nplay sound [Beep] until done\n';
  const r = await runRecorded(page, source, 10, { 'beep.wav': sineWav(330, 0.5) });
  assert(!r.error, r.error);
  let loud = 0;
  for (const v of r.pcm) loud = Math.max(loud, Math.abs(v));
  assert(loud > 0.3, `the sound is heard (peak ${loud})`);
  assert(r.running, 'play sound until done still waits after 1/3 s');
  const after = await page.evaluate(() => {
    const p = window.starling.player;
    for (let i = 0; i < 10; i++) p.step();
    return p.pg.is_running();
  });
  assert(!after, 'the script ends once the half-second sound has played');
  const peak = strongest(left(r.pcm, 1600, 8000), RATE, [300, 310, 320, 330, 340, 350, 360]);
  assert(peak === 330, `the sound's own pitch (${peak} Hz)`);
  await shot('wav');
});

test('sound: MP3 and OGG are decoded by the browser; broken sounds get a friendly note', async ({ page, url, shot }) => {
  await openWithSound(page, url);
  const mp3 = [...readFileSync(join(repo, 'tests', 'data', 'audio', 'tone660.mp3'))];
  const ogg = [...readFileSync(join(repo, 'tests', 'data', 'audio', 'tone550.ogg'))];
  for (const [file, bytes, freq] of [['tone.mp3', mp3, 660], ['tone.ogg', ogg, 550]]) {
    const source = `#sprite Cat\n#sound Tone = ${file}\nwhen flag clicked\nplay sound [Tone]\n`;
    const r = await runRecorded(page, source, 10, { [file]: bytes });
    assert(!r.error, r.error);
    const freqs = [];
    for (let f = freq - 100; f <= freq + 100; f += 10) freqs.push(f);
    const peak = strongest(left(r.pcm, 3200, 12800), RATE, freqs);
    assert(Math.abs(peak - freq) <= 10, `${file}: ${freq} Hz heard (${peak})`);
  }
  // A file that is not a sound, and a missing file: the program still runs, silently, and says so.
  const notes = await page.evaluate(async () => {
    const p = window.starling.player;
    const said = [];
    const before = p.options.onWarning;
    p.options.onWarning = (w) => said.push(w);
    const report = await p.loadText('#sprite Cat\n#sound A = a.wav\n#sound B = b.wav\nwhen flag clicked\nplay sound [A] until done\nplay sound [B] until done\nsay [done]\n',
      new Map([['a.wav', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')]]));
    p.options.onWarning = before;
    await p.greenFlag();
    for (let i = 0; i < 5; i++) p.step();
    return { loaded: report.loaded, said, extras: p.pg.frame_extras() };
  });
  assert(notes.loaded, 'the program loads');
  assert(notes.said.length === 2 && notes.said.every((w) => w.en && w.zh), `a note in both languages per silent sound: ${JSON.stringify(notes.said)}`);
  assert(/SVG/.test(notes.said[0].en) && /missing/.test(notes.said[1].en), `the notes say why: ${JSON.stringify(notes.said)}`);
  assert(notes.extras.includes('done'), 'the silent sounds do not stop the program');
  await shot('compressed');
});

test('sound: the stop sign silences at once; nothing plays before a gesture', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  // Before any gesture: no AudioContext, nothing mixed, no errors.
  const before = await page.evaluate(async () => {
    const p = window.starling.player;
    p.pause();
    await p.loadText('when flag clicked\nplay drum (1) for (0.25) beats\n');
    await p.greenFlag();
    for (let i = 0; i < 5; i++) p.step();
    return { ctx: !!p.sound.ctx, rate: p.sound.rate(), left: p.pg.audio_take().length };
  });
  assert(!before.ctx && before.rate === 0 && before.left === 0, `no sound before a gesture: ${JSON.stringify(before)}`);
  await page.keyboard.press('Shift');
  await page.waitForFunction(() => window.starling.player.sound.running(), null, { timeout: 10000 });
  const r = await page.evaluate(async () => {
    const p = window.starling.player;
    await p.loadText('#sprite Cat\nwhen flag clicked\nforever\n  play note (60) for (4) beats\nend\n');
    p.sound.startRecording();
    await p.greenFlag();
    for (let i = 0; i < 6; i++) p.step();
    const queued = p.sound.sources.size;
    const heard = p.sound.lastMixed().some((v) => Math.abs(v) > 0.05);
    p.sound.startRecording();
    p.stop();
    for (let i = 0; i < 6; i++) p.step();
    const after = p.sound.lastMixed();
    return { queued, heard, left: p.sound.sources.size, playing: p.pg.audio_playing(), silent: after.every((v) => v === 0) };
  });
  assert(r.heard && r.queued > 0, `the note played (${JSON.stringify(r)})`);
  assert(r.silent && r.left === 0 && r.playing === 0, `after the stop sign nothing sounds (${JSON.stringify(r)})`);
  await shot('stopped');
  // A hidden page suspends the sound; shown again, it resumes.
  const states = await page.evaluate(async () => {
    const s = window.starling.player.sound;
    const setVisibility = async (v) => {
      Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      for (let i = 0; i < 50 && s.ctx.state !== (v === 'hidden' ? 'suspended' : 'running'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return s.ctx.state;
    };
    const hidden = await setVisibility('hidden');
    const shown = await setVisibility('visible');
    return { hidden, shown };
  });
  assert(states.hidden === 'suspended' && states.shown === 'running', `hidden: suspended, shown: running (${JSON.stringify(states)})`);
});

test('sound: the built-in sound library for the sound picker', async ({ page, url }) => {
  await openPlayground(page, url);
  const r = await page.evaluate(() => {
    const P = window.starling.player.pg.constructor;
    const list = JSON.parse(P.library_sounds_json());
    const wav = P.library_sound_wav(list[0].id);
    const none = P.library_sound_wav('no-such-sound');
    return { n: list.length, first: list[0], riff: String.fromCharCode(...wav.slice(0, 4)), bytes: wav.length, none: none.length };
  });
  assert(r.n >= 20, `${r.n} library sounds`);
  assert(r.first.id && r.first.en && r.first.zh && r.first.seconds > 0, JSON.stringify(r.first));
  assert(r.riff === 'RIFF' && r.bytes > 1000 && r.none === 0, JSON.stringify(r));
});

test('sound: the player page plays an .sb3\'s sounds, and the running loop keeps them going', async ({ page, url, shot }) => {
  // examples/sound_effects.sb.txt saved as .sb3 (its sounds become WAV files in the zip).
  const bin = process.env.STARLING || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'release', 'starling');
  assert(existsSync(bin), `the native starling command is missing (${bin})`);
  execFileSync(bin, ['convert', join(repo, 'examples', 'sound_effects.sb.txt'), join(outDir, 'sound-effects.sb3')]);
  await page.goto(`${url}player.html?project=/extra/out/sound-effects.sb3`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
  const needs = await page.evaluate(() => JSON.parse(window.starling.player.pg.sound_needs()));
  assert(needs.length === 3, `three sounds (${needs.length})`);
  await page.evaluate(() => window.starling.player.sound.startRecording());
  // The green flag is the gesture that starts the sound.
  await page.click('#green-flag');
  await page.waitForFunction(() => window.starling.player.sound.lastMixed().length >= 2 * 48000 * 0.5 || window.starling.player.sound.lastMixed().length >= 2 * 44100 * 0.5, null, { timeout: 20000 });
  const r = await page.evaluate(() => {
    const s = window.starling.player.sound;
    let peak = 0;
    for (const v of s.lastMixed()) peak = Math.max(peak, Math.abs(v));
    return { peak, stats: s.stats, running: s.running(), library: typeof window.starling.player.pg.constructor.library_sounds_json };
  });
  console.log(`     player page: peak ${r.peak.toFixed(3)}, ${JSON.stringify(r.stats)}`);
  assert(r.running && r.peak > 0.1, `the chime is heard (${JSON.stringify(r)})`);
  assert(r.stats.buffers >= 10, `frames are played as they come (${JSON.stringify(r.stats)})`);
  assert(r.library === 'undefined', 'the player build has no sound library (it stays small)');
  await shot('player');
  await page.click('#stop');
  const left = await page.evaluate(() => window.starling.player.sound.sources.size);
  assert(left === 0, 'the stop sign cut what was queued');
});
