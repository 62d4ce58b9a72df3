// The player: the wasm engine, the costumes, the stage canvas, input and the 30 Hz loop. The
// playground page wraps it with an editor; an embed or a shared link needs only this.
//
// The loop is a fixed timestep on requestAnimationFrame: elapsed time accumulates, and each
// whole 1/30 s runs one VM frame (at most two per animation frame, so a slow machine slows down
// instead of spiralling); the stage is drawn after frames ran. The VM never reads a clock: its
// time is its frame count. A frame's work is bounded by the VM itself (an instruction budget and
// Scratch's warp timer, measured in instructions), so even a script that never yields returns
// to the browser between frames and the stop button keeps working.
// The engine's wasm-bindgen module: the playground's or the player's build (build.sh aliases it).
import init, { Playground } from 'starling-engine';
import { decodeCostume, pixelsOf } from './costumes.js';
import { Sb3Problem, unzipSb3 } from './sb3.js';
import { StageView, STAGE_W, STAGE_H } from './stage-view.js';
import { SoundOutput } from './sound.js'; // sound (sound.js)

export const FRAME_MS = 1000 / 30;
/** At most this many VM frames per animation frame (catching up after a stall is not needed). */
const MAX_STEPS_PER_TICK = 2;

let engine = null;
let exports = null;

/** Loads the wasm once (`url` of starling_playground_bg.wasm; defaults to beside the page). */
export async function loadEngine(url) {
  if (!engine) {
    engine = init({ module_or_path: url ?? new URL('starling_playground_bg.wasm', document.baseURI) })
      .then((e) => {
        exports = e;
        return e;
      });
  }
  return engine;
}

/** The wasm memory (the pen layer is read from it in place). */
export function wasmMemory() {
  return exports.memory;
}

/** (target, costume) → Costume. */
class CostumeStore {
  constructor() {
    this.map = new Map();
  }

  get(target, costume) {
    return this.map.get(`${target}/${costume}`);
  }

  set(target, costume, value) {
    this.map.set(`${target}/${costume}`, value);
  }

  clear() {
    this.map.clear();
  }
}

/** Scratch key names for the browser's key values the VM would not recognise by itself. */
export function keyName(e) {
  if (e.key === 'Spacebar') return ' ';
  return e.key;
}

function isTyping(target) {
  const el = target;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export class Player {
  /**
   * `canvas`: the stage; callbacks: `onAsk(question | null, inBubble)` (null: hide the box),
   * `onWarning(words, block)` (block: the .sb3 id of the block, or null), `onRunning(bool)`, `onCostumeProblem(need, kind)`; `t` translates
   * (monitors' "length"); `editorDrag`: any sprite can be dragged (the editor) or only
   * draggable ones (a player).
   */
  constructor(canvas, options = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.options = options;
    this.pg = new Playground();
    this.pg.set_editor_drag(options.editorDrag ?? true);
    this.costumes = new CostumeStore();
    this.view = new StageView(this.pg, this.costumes, wasmMemory);
    this.generation = 0;
    this.ready = Promise.resolve();
    this.loaded = false;
    this.running = false;
    this.asking = false;
    this.accumulator = 0;
    this.lastTime = null;
    this.rafId = 0;
    this.dirty = true;
    this.texts = options.texts ?? true;
    this.stats = { steps: 0, stepMs: 0, drawMs: 0, lastStepMs: 0, lastDrawMs: 0 };
    /** A fixed seed for `pick random` (null: a new one at each load). */
    this.seed = options.seed ?? null;
    this.resize();
    if (typeof ResizeObserver === 'function') {
      this.resizeObserver = new ResizeObserver(() => this.resize());
      this.resizeObserver.observe(canvas);
    }
    this.attachInput();
    // --- sound (sound.js): Rust mixes each frame; Web Audio plays it after the first gesture.
    this.sound = new SoundOutput(this.pg, { onProblem: (words) => options.onWarning?.(words) });
    // --- end sound
  }

  /** Matches the canvas's pixels to its size on screen (crisp on HiDPI screens). */
  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(STAGE_W / 4, Math.round((rect.width || STAGE_W) * dpr));
    const height = Math.round((width * STAGE_H) / STAGE_W);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.dirty = true;
    }
  }

  /** Pixels per stage unit on the canvas. */
  scale() {
    return this.canvas.width / STAGE_W;
  }

  /**
   * Compiles and loads a text program. Resolves with the report ({loaded, diagnostics}); when
   * loaded, the costumes are decoded before it resolves. `files` maps `#costume` file names to
   * bytes. A program with mistakes leaves the current one running.
   */
  async loadText(source, files = new Map()) {
    this.beforeLoad();
    const report = JSON.parse(this.pg.load_text(source));
    if (report.loaded) await this.afterLoad((name) => files.get(name) ?? null);
    return report;
  }

  /**
   * Loads a Scratch 3 project (.sb3 bytes, or a bare project.json). The playground's engine
   * unzips it in Rust; the player's engine has no zip code, so the page unzips it.
   */
  async loadSb3(bytes) {
    this.beforeLoad();
    if (typeof this.pg.load_sb3 === 'function') {
      const report = JSON.parse(this.pg.load_sb3(bytes));
      if (report.loaded) {
        await this.afterLoad((name) => {
          const b = this.pg.asset(name);
          return b.length ? b : null;
        });
      }
      return report;
    }
    let unzipped;
    try {
      unzipped = await unzipSb3(bytes);
    } catch (e) {
      const problem = e instanceof Sb3Problem ? e : new Sb3Problem('sb3.damaged');
      return { loaded: false, diagnostics: [{ severity: 'error', message: problem.words(), hint: null, place: null, block: null, labels: [] }] };
    }
    const report = JSON.parse(this.pg.load_project_json(unzipped.projectJson));
    if (report.loaded) await this.afterLoad((name) => unzipped.files.get(name) ?? null);
    return report;
  }

  /**
   * The host's part of a load: the wall clock once (for `current [year]` and `days since
   * 2000`) and the random seed (`player.seed`, when set, makes runs repeatable: tests).
   */
  beforeLoad() {
    this.pg.set_epoch_ms(Date.now());
    this.pg.set_seed(this.seed ?? Math.floor(Math.random() * 2 ** 31));
  }

  async afterLoad(getFile) {
    const generation = ++this.generation;
    this.loaded = false;
    this.setAsking(null);
    this.costumes.clear();
    this.view.reset();
    this.setRunning(false);
    const needs = JSON.parse(this.pg.costumes());
    // sound (sound.js): the sound files, decoded alongside the costumes (lengths before the run).
    const sounds = this.sound.load(getFile, () => generation === this.generation);
    const work = (async () => {
      const decoded = await Promise.all(needs.map((need) => decodeCostume(need, getFile)));
      await sounds.catch(() => {}); // sound
      if (generation !== this.generation) return;
      needs.forEach((need, i) => {
        const { costume, center, problem } = decoded[i];
        this.costumes.set(need.target, need.costume, costume);
        const rgba = pixelsOf(costume.base);
        this.pg.set_costume(
          need.target, need.costume, new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length),
          costume.base.width, costume.base.height, costume.baseScale,
          costume.size[0], costume.size[1], center ? center[0] : NaN, center ? center[1] : NaN,
          costume.isVector,
        );
        // A sharper copy for stamps and effects of large sprites, as the native mips.
        if (costume.isVector && costume.maxScale() >= 2) {
          const mip = costume.rasterFor(2);
          const px = pixelsOf(mip.canvas);
          this.pg.add_costume_mip(
            need.target, need.costume, new Uint8Array(px.buffer, px.byteOffset, px.length),
            mip.canvas.width, mip.canvas.height, mip.scale,
          );
        }
        if (problem) this.options.onCostumeProblem?.(need, problem);
      });
      this.loaded = true;
      this.dirty = true;
    })();
    this.ready = work;
    await work;
  }

  /** The green flag (waits for a load in progress). */
  async greenFlag() {
    await this.ready;
    this.setAsking(null);
    this.pg.green_flag();
    this.handleEvents();
    this.setRunning(this.pg.is_running());
    this.accumulator = FRAME_MS; // the first frame runs at the next animation frame
    this.dirty = true;
  }

  stop() {
    this.pg.stop();
    this.sound.stop(); // sound: what is queued stops at once
    this.handleEvents();
    this.setAsking(null);
    this.setRunning(false);
    this.dirty = true;
  }

  setRunning(on) {
    if (on !== this.running) {
      this.running = on;
      this.options.onRunning?.(on);
    }
  }

  setAsking(question, inBubble = false) {
    this.asking = question !== null;
    this.options.onAsk?.(question, inBubble);
  }

  answer(text) {
    this.pg.answer(text);
    this.setAsking(null);
    this.handleEvents();
  }

  /** One VM frame. */
  step() {
    if (!this.loaded) return;
    const t0 = performance.now();
    this.pg.step_frame();
    this.sound.afterStep(); // sound: play the frame's mixed sound
    const ms = performance.now() - t0;
    this.stats.steps += 1;
    this.stats.lastStepMs = ms;
    this.stats.stepMs += ms;
    this.handleEvents();
    this.setRunning(this.pg.is_running());
    this.dirty = true;
  }

  handleEvents() {
    const json = this.pg.take_events();
    if (json === '[]') return;
    for (const event of JSON.parse(json)) {
      if (event.type === 'ask') this.setAsking(event.question, event.in_bubble);
      else if (event.type === 'warning') this.options.onWarning?.(event.message, event.block ?? null);
      else if (event.type === 'sound') this.options.onSound?.(event);
    }
    if (this.asking && !this.pg.waiting_for_answer()) this.setAsking(null);
  }

  /** Draws the stage now. */
  draw() {
    const t0 = performance.now();
    this.view.draw(this.ctx, this.scale(), { texts: this.texts, t: this.options.t });
    const ms = performance.now() - t0;
    this.stats.lastDrawMs = ms;
    this.stats.drawMs += ms;
    this.dirty = false;
  }

  /** Runs `n` frames at once and draws (tests and benchmarks; the loop may be stopped). */
  stepFrames(n) {
    for (let i = 0; i < n; i++) this.step();
    this.draw();
  }

  /** Starts the 30 Hz loop. */
  start() {
    if (this.rafId) return;
    const tick = (now) => {
      this.rafId = requestAnimationFrame(tick);
      if (this.lastTime === null) this.lastTime = now;
      // After a pause (a background tab) do not try to catch up.
      this.accumulator += Math.min(now - this.lastTime, 250);
      this.lastTime = now;
      let steps = 0;
      while (this.accumulator >= FRAME_MS && steps < MAX_STEPS_PER_TICK) {
        this.step();
        this.accumulator -= FRAME_MS;
        steps += 1;
      }
      if (this.accumulator >= FRAME_MS) this.accumulator = 0;
      if (this.dirty) this.draw();
    };
    this.rafId = requestAnimationFrame(tick);
  }

  /** Stops the loop (the VM keeps its state). */
  pause() {
    cancelAnimationFrame(this.rafId);
    this.rafId = 0;
    this.lastTime = null;
  }

  /** A client (page) point → stage coordinates (x right, y up, origin in the middle). */
  stagePoint(clientX, clientY) {
    const r = this.canvas.getBoundingClientRect();
    const x = ((clientX - r.left) / r.width) * STAGE_W - STAGE_W / 2;
    const y = STAGE_H / 2 - ((clientY - r.top) / r.height) * STAGE_H;
    return [x, y];
  }

  attachInput() {
    const canvas = this.canvas;
    const onKey = (down) => (e) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const key = keyName(e);
      if (down) this.pg.key_down(key);
      else this.pg.key_up(key);
      // Keys the stage uses must not scroll the page.
      if ([' ', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(e.key)) e.preventDefault();
    };
    document.addEventListener('keydown', onKey(true));
    document.addEventListener('keyup', onKey(false));
    window.addEventListener('blur', () => this.pg.release_keys());

    canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      canvas.setPointerCapture?.(e.pointerId);
      canvas.focus({ preventScroll: true });
      const [x, y] = this.stagePoint(e.clientX, e.clientY);
      this.pg.mouse_down(x, y);
      e.preventDefault();
    });
    const move = (e) => {
      const [x, y] = this.stagePoint(e.clientX, e.clientY);
      this.pg.mouse_move(x, y);
    };
    document.addEventListener('pointermove', move);
    const up = (e) => {
      if (e.button !== 0 && e.type === 'pointerup') return;
      const [x, y] = this.stagePoint(e.clientX, e.clientY);
      this.pg.mouse_up(x, y);
    };
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  }
}

export { Playground };
