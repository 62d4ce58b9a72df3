// Draws a frame with Canvas 2D from the numbers Rust describes it with (session.rs, FrameField):
// the backdrop, the pen layer, the sprites back to front with their exact placement (Rust
// computes the matrix, with Scratch's rounding, rotation styles and flips), ghost as opacity,
// colour and shape effects as a texture Rust bakes (cached), then bubbles and monitors.
import { drawBubbles } from './bubbles.js';
import { drawMonitors } from './monitors.js';

export const STAGE_W = 480;
export const STAGE_H = 360;
const HALF_W = STAGE_W / 2;
const HALF_H = STAGE_H / 2;

// FrameField in playground/src/session.rs.
const F = {
  id: 0, target: 1, costume: 2, matrix: 3, alpha: 9, flags: 10, skinW: 11, skinH: 12, ppu: 13,
  effectKey: 14, index: 15,
};
const FLAG_LINEAR = 1;
const FLAG_EFFECTS = 2;
const FLAG_STAGE = 4;

/** Effect textures kept between frames (a sprite whose effects do not change costs nothing). */
const MAX_EFFECT_TEXTURES = 400;
const MAX_EFFECT_BYTES = 96 * 1024 * 1024;

export class StageView {
  /**
   * `playground`: the wasm Playground; `costumes`: (target, costume) → Costume (costumes.js).
   */
  constructor(playground, costumes, memory) {
    this.playground = playground;
    this.memory = memory;
    this.costumes = costumes;
    this.stride = playground.constructor.stride ?? 16;
    this.pen = document.createElement('canvas');
    this.pen.width = STAGE_W;
    this.pen.height = STAGE_H;
    this.penCtx = this.pen.getContext('2d');
    this.penEmpty = true;
    this.effects = new Map();
    this.effectBytes = 0;
    /** Which side of its sprite each bubble is on (scratch3_looks' onSpriteRight), by id. */
    this.bubbleSides = new Map();
    this.bubbleLayouts = new Map();
  }

  /** Forgets everything that belongs to the previous project. */
  reset() {
    this.effects.clear();
    this.effectBytes = 0;
    this.bubbleSides.clear();
  }

  /** Uploads the parts of the pen layer that changed since the last frame. */
  updatePen() {
    const pg = this.playground;
    const rects = pg.pen_refresh();
    this.penEmpty = !pg.pen_inked();
    if (!rects.length) return;
    // A view of the wasm memory, made anew each time (the memory may have grown since).
    const view = new Uint8ClampedArray(this.memory().buffer, pg.pen_rgba_ptr(), STAGE_W * STAGE_H * 4);
    const image = new ImageData(view, STAGE_W, STAGE_H);
    for (let i = 0; i + 3 < rects.length; i += 4) {
      this.penCtx.putImageData(image, 0, 0, rects[i], rects[i + 1], rects[i + 2], rects[i + 3]);
    }
  }

  /**
   * Draws the current frame on `ctx`, whose canvas shows the stage at `scale` pixels per stage
   * unit (its size is 480·scale × 360·scale). `texts` draws bubbles and monitors (off for the
   * agreement test, whose fonts differ from the native renderer's).
   */
  draw(ctx, scale, { texts = true, lang = 'en', t = (k) => k } = {}) {
    const pg = this.playground;
    const frame = pg.frame(scale);
    this.updatePen();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    const n = Math.floor(frame.length / this.stride);
    let penDrawn = false;
    for (let i = 0; i < n; i++) {
      const o = i * this.stride;
      const flags = frame[o + F.flags];
      if (!penDrawn && !(flags & FLAG_STAGE)) {
        this.drawPen(ctx, scale);
        penDrawn = true;
      }
      this.drawDrawable(ctx, frame, o, i, scale);
    }
    if (!penDrawn) this.drawPen(ctx, scale);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    if (texts) {
      const extras = pg.frame_extras();
      if (extras) {
        const { bubbles, monitors } = JSON.parse(extras);
        drawBubbles(ctx, scale, bubbles, this, pg);
        drawMonitors(ctx, scale, monitors, t);
      }
    }
  }

  drawPen(ctx, scale) {
    if (this.penEmpty) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    // scratch-render's PenSkin: nearest when scaled up, linear when scaled down.
    ctx.imageSmoothingEnabled = scale < 1;
    ctx.drawImage(this.pen, 0, 0, STAGE_W * scale, STAGE_H * scale);
  }

  drawDrawable(ctx, frame, o, index, scale) {
    const target = frame[o + F.target];
    const costumeIndex = frame[o + F.costume];
    const costume = this.costumes.get(target, costumeIndex);
    if (!costume) return;
    const flags = frame[o + F.flags];
    const ppu = frame[o + F.ppu];
    let raster;
    if (flags & FLAG_EFFECTS) {
      raster = this.effectTexture(frame, o, index, costume);
      if (!raster) return;
    } else {
      raster = costume.rasterFor(ppu);
    }
    const skinW = frame[o + F.skinW];
    const skinH = frame[o + F.skinH];
    const kx = raster.canvas.width / skinW;
    const ky = raster.canvas.height / skinH;
    const a = frame[o + F.matrix];
    const b = frame[o + F.matrix + 1];
    const c = frame[o + F.matrix + 2];
    const d = frame[o + F.matrix + 3];
    const e = frame[o + F.matrix + 4];
    const f = frame[o + F.matrix + 5];
    const m = [
      (scale * a) / kx, (-scale * b) / kx, (scale * c) / ky, (-scale * d) / ky,
      scale * (e + HALF_W), scale * (HALF_H - f),
    ];
    if (!m.every(Number.isFinite)) return;
    ctx.setTransform(m[0], m[1], m[2], m[3], m[4], m[5]);
    ctx.globalAlpha = frame[o + F.alpha];
    ctx.imageSmoothingEnabled = (flags & FLAG_LINEAR) !== 0;
    ctx.imageSmoothingQuality = 'low';
    ctx.drawImage(raster.canvas, 0, 0);
  }

  /**
   * The costume with its colour/shape effects, baked by Rust (render's compose::effect_texture),
   * kept by (costume, effects, sharpness) and dropped least recently used.
   */
  effectTexture(frame, o, index, costume) {
    const target = frame[o + F.target];
    const costumeIndex = frame[o + F.costume];
    const ppu = frame[o + F.ppu];
    // Rust picks among the rasters it was given: the base, and 2× for SVGs.
    const mip = costume.isVector && ppu > costume.baseScale && costume.maxScale() >= 2 ? 2 : costume.baseScale;
    const key = `${target}/${costumeIndex}/${frame[o + F.effectKey]}/${mip}`;
    const hit = this.effects.get(key);
    if (hit) {
      this.effects.delete(key);
      this.effects.set(key, hit);
      return hit;
    }
    const rgba = this.playground.effect_texture(index);
    const info = this.playground.effect_texture_info();
    if (info.length !== 3 || !rgba.length) return null;
    const [w, h, scale] = info;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), w, h), 0, 0);
    const entry = { canvas, scale, bytes: rgba.length };
    this.effects.set(key, entry);
    this.effectBytes += entry.bytes;
    while (this.effects.size > MAX_EFFECT_TEXTURES || this.effectBytes > MAX_EFFECT_BYTES) {
      const [oldKey, old] = this.effects.entries().next().value;
      this.effects.delete(oldKey);
      this.effectBytes -= old.bytes;
    }
    return entry;
  }
}
