// Costumes decoded by the browser (no SVG or image decoder ships in the wasm): an SVG is drawn
// through an <img> (which never runs scripts or fetches anything), PNG/JPEG/GIF/BMP through
// createImageBitmap. Each costume is rasterised to RGBA at the resolution the native renderer
// uses (1 pixel per stage unit for SVGs, bitmapResolution for pictures) and handed to Rust for
// touching, stamps and effects; the page keeps the decoded picture to draw it, and draws SVGs
// at any sharpness from it (mips, as scratch-render does).
//
// Sizes and centres follow render/src/decode.rs: an SVG's size is its viewBox (measured from its
// contents when it has none, as Scratch does), its rotation centre is relative to the viewBox's
// corner; a bitmap's size is its pixels divided by bitmapResolution, and huge ones are scaled
// down by a whole factor.
import DEFAULT_SPRITE_SVG from '../../../render/assets/default-sprite.svg';
import PLACEHOLDER_SVG from '../../../render/assets/placeholder.svg';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Limits, as in render/src/decode.rs. */
const MAX_COSTUME_BYTES = 10 * 1024 * 1024;
const MAX_DECODE_PIXELS = 25_000_000;
const MAX_DECODE_SIDE = 16384;
const MAX_BITMAP_SIDE = 2048;
const MAX_BITMAP_PIXELS = 4 * 1024 * 1024;
const MAX_TEXTURE_SIDE = 2048;
const MIN_MIP_SCALE = 1 / 64;
const STAGE_W = 480;
const STAGE_H = 360;

/** A costume as the page draws it. */
export class Costume {
  constructor({ isVector, size, baseScale, base, image }) {
    this.isVector = isVector;
    /** Size in stage units at 100%. */
    this.size = size;
    /** Pixels per stage unit of `base`. */
    this.baseScale = baseScale;
    /** The base raster (a canvas). */
    this.base = base;
    /** For an SVG: the decoded <img>, drawn again at other scales. */
    this.image = image;
    /** scale → canvas, the sharper and smaller copies made so far. */
    this.mips = new Map();
  }

  /** The largest scale an SVG is drawn at (scratch-render's `_maxTextureScale`). */
  maxScale() {
    return maxTextureScale(this.size);
  }

  /**
   * The raster to draw at `ppu` output pixels per stage unit: for an SVG the smallest power of
   * two at least that sharp (made once and kept), for a picture its base.
   */
  rasterFor(ppu) {
    if (!this.isVector || !this.image || !(ppu > 0) || !Number.isFinite(ppu)) {
      return { canvas: this.base, scale: this.baseScale };
    }
    const lowest = Math.min(MIN_MIP_SCALE, this.baseScale);
    const wanted = 2 ** Math.max(-60, Math.min(60, Math.ceil(Math.log2(ppu))));
    const scale = Math.max(lowest, Math.min(wanted, Math.max(this.maxScale(), this.baseScale)));
    if (scale === this.baseScale) return { canvas: this.base, scale };
    let canvas = this.mips.get(scale);
    if (!canvas) {
      canvas = rasterise(this.image, this.size, scale);
      this.mips.set(scale, canvas);
    }
    return { canvas, scale };
  }
}

/** `SVGSkin._maxTextureScale` (extended below 1 for huge SVGs), as in decode.rs. */
export function maxTextureScale(size) {
  const longest = Math.ceil(Math.max(size[0], size[1]));
  if (!(longest > 0) || !Number.isFinite(longest)) return 1;
  let scale = 1;
  while (longest * scale * 2 <= MAX_TEXTURE_SIDE && scale < 64) scale *= 2;
  while (longest * scale > MAX_TEXTURE_SIDE && scale > 1e-300) scale /= 2;
  return scale;
}

function makeCanvas(w, h) {
  const c = document.createElement('canvas');
  c.width = Math.max(1, w);
  c.height = Math.max(1, h);
  return c;
}

/** The SVG drawn at `scale` pixels per unit onto a canvas of floor(size × scale) pixels. */
function rasterise(image, size, scale) {
  const side = (units) => Math.min(MAX_TEXTURE_SIDE * 2, Math.max(1, Math.floor(units * scale)));
  const canvas = makeCanvas(side(size[0]), side(size[1]));
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0, size[0] * scale, size[1] * scale);
  return canvas;
}

/** A problem with a costume, shown to the user in their language. */
export class CostumeProblem extends Error {
  constructor(kind) {
    super(kind);
    this.kind = kind; // 'noFile' | 'missing' | 'damaged' | 'tooLarge'
  }
}

/** What a file's first bytes say it is. */
export function sniff(bytes, name = '') {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'gif';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  const head = new TextDecoder().decode(b.subarray(0, 4096));
  if (/<svg[\s>]/i.test(head)) return 'svg';
  const ext = name.toLowerCase().split('.').pop();
  if (ext === 'svg') return 'svg';
  return null;
}

function parseViewBox(attr) {
  if (attr == null) return null;
  const parts = attr.trim().split(/[\s,]+/).map(Number);
  if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v))) return null;
  if (!(parts[2] > 0 && parts[3] > 0)) return null;
  return parts;
}

/** scratch-svg-renderer's `findLargestStrokeWidth`. */
function largestStrokeWidth(svg) {
  let largest = 0;
  for (const el of [svg, ...svg.querySelectorAll('*')]) {
    const stroke = el.getAttribute('stroke');
    if (stroke) largest = Math.max(largest, 1);
    const w = el.getAttribute('stroke-width');
    if (w != null) {
      const v = w.trim() === '' ? 0 : parseFloat(w);
      if (Number.isFinite(v)) largest = Math.max(largest, v);
    }
  }
  return largest;
}

/** The box around what an SVG draws, measured by the browser (as Scratch measures it). */
function measure(svg) {
  const host = document.createElementNS(SVG_NS, 'svg');
  host.setAttribute('style', 'position:absolute;left:-10000px;top:0;width:1px;height:1px;visibility:hidden');
  const clone = document.importNode(svg, true);
  clone.removeAttribute('viewBox');
  host.appendChild(clone);
  document.body.appendChild(host);
  try {
    return clone.getBBox();
  } catch {
    return null;
  } finally {
    host.remove();
  }
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new CostumeProblem('damaged'));
    img.src = url;
  });
}

/** An SVG costume: { costume, rgba, width, height, center } or a CostumeProblem. */
async function decodeSvg(bytes, rotationCenter) {
  let text = new TextDecoder().decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parser = new DOMParser();
  let doc = parser.parseFromString(text, 'image/svg+xml');
  let svg = doc.documentElement;
  if (svg && svg.localName === 'svg' && svg.namespaceURI !== SVG_NS) {
    // An SVG without its namespace: browsers will not draw it; Scratch's loader adds it.
    text = text.replace(/<svg\b/, `<svg xmlns="${SVG_NS}"`);
    doc = parser.parseFromString(text, 'image/svg+xml');
    svg = doc.documentElement;
  }
  if (!svg || svg.localName !== 'svg' || doc.getElementsByTagName('parsererror').length) {
    throw new CostumeProblem('damaged');
  }
  let vb = parseViewBox(svg.getAttribute('viewBox'));
  if (svg.hasAttribute('viewBox') && !vb) return null; // scratch-render: nothing is drawn
  if (!vb) {
    const box = measure(svg);
    if (!box || !(box.width > 0 && box.height > 0)) return null;
    const half = largestStrokeWidth(svg) / 2;
    vb = [box.x - half, box.y - half, box.width + 2 * half, box.height + 2 * half];
  }
  svg.setAttribute('viewBox', vb.join(' '));
  svg.setAttribute('width', String(vb[2]));
  svg.setAttribute('height', String(vb[3]));
  const url = URL.createObjectURL(
    new Blob([new XMLSerializer().serializeToString(doc)], { type: 'image/svg+xml' }),
  );
  let image;
  try {
    image = await loadImage(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const size = [vb[2], vb[3]];
  const baseScale = Math.min(maxTextureScale(size), 1);
  const base = rasterise(image, size, baseScale);
  const center = rotationCenter ? [rotationCenter[0] - vb[0], rotationCenter[1] - vb[1]] : null;
  return { costume: new Costume({ isVector: true, size, baseScale, base, image }), center };
}

function reductionFactor(w, h) {
  let f = 1;
  for (;;) {
    const fw = Math.ceil(w / f);
    const fh = Math.ceil(h / f);
    if (fw <= MAX_BITMAP_SIDE && fh <= MAX_BITMAP_SIDE && fw * fh <= MAX_BITMAP_PIXELS) return f;
    f += 1;
  }
}

async function decodeBitmap(bytes, format, resolution, rotationCenter) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: `image/${format}` }), {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch {
    throw new CostumeProblem('damaged');
  }
  const { width: w, height: h } = bitmap;
  if (w === 0 || h === 0) return null;
  if (w > MAX_DECODE_SIDE || h > MAX_DECODE_SIDE || w * h > MAX_DECODE_PIXELS) {
    bitmap.close?.();
    throw new CostumeProblem('tooLarge');
  }
  const res = resolution > 0 && Number.isFinite(resolution) ? resolution : 1;
  const size = [w / res, h / res];
  const factor = reductionFactor(w, h);
  const base = makeCanvas(Math.ceil(w / factor), Math.ceil(h / factor));
  const ctx = base.getContext('2d');
  ctx.imageSmoothingEnabled = factor > 1;
  ctx.drawImage(bitmap, 0, 0, base.width, base.height);
  bitmap.close?.();
  const center = rotationCenter ? [rotationCenter[0] / res, rotationCenter[1] / res] : null;
  return {
    costume: new Costume({ isVector: false, size, baseScale: res / factor, base, image: null }),
    center,
  };
}

/** A 1×1 transparent costume (an SVG with an empty viewBox, an empty picture). */
function emptyCostume() {
  return {
    costume: new Costume({ isVector: false, size: [1, 1], baseScale: 1, base: makeCanvas(1, 1), image: null }),
    center: null,
  };
}

/** The white 480×360 backdrop of a stage without backdrops. */
function whiteBackdrop() {
  const base = makeCanvas(STAGE_W, STAGE_H);
  const ctx = base.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, STAGE_W, STAGE_H);
  return {
    costume: new Costume({ isVector: false, size: [STAGE_W, STAGE_H], baseScale: 1, base, image: null }),
    center: null,
  };
}

const encoder = new TextEncoder();

/** The grey question mark (a white backdrop with it in the middle, for the stage). */
async function placeholder(isStage) {
  if (!isStage) return decodeSvg(encoder.encode(PLACEHOLDER_SVG), null);
  const a = PLACEHOLDER_SVG.indexOf('<rect');
  const inner = a >= 0 ? PLACEHOLDER_SVG.slice(a, PLACEHOLDER_SVG.lastIndexOf('</svg>')) : '';
  const svg = `<svg xmlns="${SVG_NS}" width="${STAGE_W}" height="${STAGE_H}" viewBox="0 0 ${STAGE_W} ${STAGE_H}">
    <rect width="${STAGE_W}" height="${STAGE_H}" fill="#ffffff"/>
    <g transform="translate(${STAGE_W / 2 - 20} ${STAGE_H / 2 - 20})">${inner}</g></svg>`;
  return decodeSvg(encoder.encode(svg), null);
}

/**
 * Decodes one costume the program needs ({target, costume, file, builtin, is_stage,
 * rotation_center, bitmap_resolution}); `getFile(name)` gives a file's bytes or null. Never
 * throws: a costume that cannot be drawn becomes the placeholder, with `problem` set.
 */
export async function decodeCostume(need, getFile) {
  try {
    if (need.builtin === 'white-backdrop') return { ...whiteBackdrop(), problem: null };
    if (need.builtin === 'default-sprite') {
      return { ...(await decodeSvg(encoder.encode(DEFAULT_SPRITE_SVG), null)), problem: null };
    }
    if (!need.file) throw new CostumeProblem('noFile');
    const bytes = await getFile(need.file);
    if (!bytes) throw new CostumeProblem('missing');
    if (bytes.length > MAX_COSTUME_BYTES) throw new CostumeProblem('tooLarge');
    const format = sniff(bytes, need.file);
    if (!format) throw new CostumeProblem('damaged');
    const decoded = format === 'svg'
      ? await decodeSvg(bytes, need.rotation_center)
      : await decodeBitmap(bytes, format, need.bitmap_resolution, need.rotation_center);
    return { ...(decoded || emptyCostume()), problem: null };
  } catch (e) {
    const kind = e instanceof CostumeProblem ? e.kind : 'damaged';
    let fallback;
    try {
      fallback = await placeholder(need.is_stage);
    } catch {
      fallback = null;
    }
    return { ...(fallback || emptyCostume()), problem: kind };
  }
}

/** The straight RGBA pixels of a canvas. */
export function pixelsOf(canvas) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
}
