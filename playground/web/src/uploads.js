// Pictures and sounds a person uploads, checked by their content (never by the file name alone)
// and made safe and sensible before they join the project:
//
// - pictures: PNG, JPEG, GIF, BMP, WebP (decoded by the browser, off the main thread, through
//   createImageBitmap) and SVG (sanitised: no scripts, event handlers, foreign objects or
//   references to other files). A big picture is scaled down while it is decoded, to at most
//   960×720 pixels stored at bitmapResolution 2 (the stage, 480×360, at twice the detail, as
//   Scratch keeps bitmaps), so even an 8000×8000 photo never freezes the page. GIF, BMP and WebP
//   become PNG (what Scratch 3 projects hold).
// - sounds: WAV, MP3 and OGG (checked by their first bytes, then decoded with Web Audio to be sure
//   they play). OGG becomes 16-bit WAV, as Starling saves it into .sb3.
//
// Problems are thrown as UploadProblem with a translation key (`sprites.upload.*`).

export const MAX_PICTURE_BYTES = 30 * 1024 * 1024;
export const MAX_SVG_BYTES = 5 * 1024 * 1024;
export const MAX_SOUND_BYTES = 20 * 1024 * 1024;
/** Pictures larger than this (pixels) are refused before decoding. */
const MAX_DECODE_PIXELS = 150_000_000;
const MAX_DECODE_SIDE = 30000;
/** Bitmaps are kept at most this big (pixels), at bitmapResolution 2. */
const MAX_W = 960;
const MAX_H = 720;
const MAX_SOUND_SECONDS = 10 * 60;
const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

export class UploadProblem extends Error {
  constructor(key, vars = {}) {
    super(key);
    this.key = key;
    this.vars = vars;
  }
}

const startsWith = (b, bytes, at = 0) => bytes.every((v, i) => b[at + i] === v);
const ascii = (b, at, n) => String.fromCharCode(...b.subarray(at, at + n));

/** 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'svg' | null, from the bytes. */
export function sniffPicture(b) {
  if (b.length >= 24 && startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 10 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 26 && ascii(b, 0, 2) === 'BM') return 'bmp';
  if (b.length >= 16 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (looksLikeSvg(b)) return 'svg';
  return null;
}

function looksLikeSvg(b) {
  // Text (no NUL in the first KB) whose first element is <svg, after a declaration, comments
  // and a doctype.
  const head = b.subarray(0, 4096);
  if (head.includes(0)) return false;
  let text = new TextDecoder().decode(head);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/<\?xml[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
  return /^\s*<svg[\s>]/i.test(text);
}

/** [width, height] in pixels from a bitmap's header, or null (odd files: decode to know). */
export function pictureSize(b, format) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  try {
    if (format === 'png') return [v.getUint32(16), v.getUint32(20)];
    if (format === 'gif') return [v.getUint16(6, true), v.getUint16(8, true)];
    if (format === 'bmp') return [Math.abs(v.getInt32(18, true)), Math.abs(v.getInt32(22, true))];
    if (format === 'webp') {
      const chunk = ascii(b, 12, 4);
      if (chunk === 'VP8X') return [1 + (v.getUint32(24, true) & 0xffffff), 1 + (v.getUint32(27, true) & 0xffffff)];
      if (chunk === 'VP8L') {
        const bits = v.getUint32(21, true);
        return [1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff)];
      }
      if (chunk === 'VP8 ') return [v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff];
      return null;
    }
    if (format === 'jpeg') {
      let p = 2;
      while (p + 9 < b.length) {
        if (b[p] !== 0xff) { p += 1; continue; }
        const m = b[p + 1];
        if (m === 0xff) { p += 1; continue; }
        if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) { p += 2; continue; }
        const len = v.getUint16(p + 2);
        if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
          return [v.getUint16(p + 7), v.getUint16(p + 5)];
        }
        p += 2 + len;
      }
    }
  } catch { /* too short */ }
  return null;
}

function canvasOf(w, h) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

async function encode(canvas, type, quality) {
  const blob = canvas.convertToBlob
    ? await canvas.convertToBlob({ type, quality })
    : await new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  if (!blob) throw new UploadProblem('sprites.upload.notPicture');
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * A picture file → a costume's data: { bytes, ext ('png'|'jpg'|'svg'), dataFormat,
 * bitmapResolution, rotationCenterX, rotationCenterY, width, height }. Throws UploadProblem.
 */
export async function preparePicture(bytes) {
  if (!bytes.length) throw new UploadProblem('sprites.upload.empty');
  const format = sniffPicture(bytes);
  if (!format) throw new UploadProblem('sprites.upload.notPicture');
  if (format === 'svg') return prepareSvg(bytes);
  if (bytes.length > MAX_PICTURE_BYTES) throw new UploadProblem('sprites.upload.tooBigFile', { mb: MAX_PICTURE_BYTES >> 20 });
  const header = pictureSize(bytes, format);
  if (header) {
    const [w, h] = header;
    if (!(w > 0 && h > 0)) throw new UploadProblem('sprites.upload.notPicture');
    if (w > MAX_DECODE_SIDE || h > MAX_DECODE_SIDE || w * h > MAX_DECODE_PIXELS) {
      throw new UploadProblem('sprites.upload.tooManyPixels', { w, h });
    }
  }
  const blob = new Blob([bytes], { type: `image/${format}` });
  // The size to keep: whole pixels within 960×720.
  const fit = (w, h) => {
    const s = Math.min(1, MAX_W / w, MAX_H / h);
    return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s)), s < 1];
  };
  let bitmap;
  try {
    if (header) {
      const [tw, th, shrink] = fit(header[0], header[1]);
      bitmap = await createImageBitmap(blob, shrink ? { resizeWidth: tw, resizeHeight: th, resizeQuality: 'high' } : {});
    } else {
      bitmap = await createImageBitmap(blob);
      const [tw, th, shrink] = fit(bitmap.width, bitmap.height);
      if (shrink) {
        const small = await createImageBitmap(bitmap, { resizeWidth: tw, resizeHeight: th, resizeQuality: 'high' });
        bitmap.close?.();
        bitmap = small;
      }
    }
  } catch {
    throw new UploadProblem('sprites.upload.damagedPicture');
  }
  const w = bitmap.width;
  const h = bitmap.height;
  const shrunk = header ? (w !== header[0] || h !== header[1]) : true;
  // Larger than the stage: keep the detail, shown at half size (it fits the stage at 100%).
  const resolution = w > 480 || h > 360 ? 2 : 1;
  let out = bytes;
  let ext = format === 'jpeg' ? 'jpg' : 'png';
  if (shrunk || !(format === 'png' || format === 'jpeg')) {
    const canvas = canvasOf(w, h);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    out = format === 'jpeg' ? await encode(canvas, 'image/jpeg', 0.9) : await encode(canvas, 'image/png');
    if (format !== 'jpeg') ext = 'png';
  }
  bitmap.close?.();
  return {
    bytes: out, ext, dataFormat: ext, bitmapResolution: resolution,
    rotationCenterX: Math.round(w / 2), rotationCenterY: Math.round(h / 2), width: w, height: h,
  };
}

const DANGEROUS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'audio', 'video',
  'animate', 'animatemotion', 'animatetransform', 'set', 'handler', 'listener', 'link', 'meta', 'base']);

function safeUrl(value) {
  const v = value.trim().toLowerCase();
  return v.startsWith('#') || /^data:image\/(png|jpeg|jpg|gif|bmp|webp);base64,/.test(v);
}

function cleanStyle(css) {
  // No @import and no url() to anything but this file's own ids.
  return css.replace(/@import[^;]*;?/gi, '').replace(/url\(\s*(['"]?)(?!#)[^)]*\1\s*\)/gi, 'none');
}

/** Removes what could run or fetch; returns how many things were removed. */
export function sanitiseSvgElement(root) {
  let removed = 0;
  const walk = (el) => {
    for (const child of [...el.children]) {
      if (DANGEROUS.has(child.localName.toLowerCase())) {
        child.remove();
        removed += 1;
        continue;
      }
      walk(child);
    }
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) {
        el.removeAttributeNode(attr);
        removed += 1;
      } else if (name === 'href' || name === 'xlink:href' || attr.localName === 'href') {
        if (!safeUrl(attr.value)) {
          el.removeAttributeNode(attr);
          removed += 1;
        }
      } else if (name === 'style') {
        const clean = cleanStyle(attr.value);
        if (clean !== attr.value) {
          attr.value = clean;
          removed += 1;
        }
      } else if (/url\(/i.test(attr.value)) {
        const clean = cleanStyle(attr.value);
        if (clean !== attr.value) {
          attr.value = clean;
          removed += 1;
        }
      }
    }
    if (el.localName === 'style') {
      const clean = cleanStyle(el.textContent);
      if (clean !== el.textContent) {
        el.textContent = clean;
        removed += 1;
      }
    }
    // A link (<a>) keeps its drawing but not its target.
  };
  walk(root);
  return removed;
}

const num = (s) => {
  const v = parseFloat(s);
  return Number.isFinite(v) && v > 0 && !/%/.test(String(s)) ? v : null;
};

async function prepareSvg(bytes) {
  if (bytes.length > MAX_SVG_BYTES) throw new UploadProblem('sprites.upload.tooBigFile', { mb: MAX_SVG_BYTES >> 20 });
  let text = new TextDecoder().decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // No entities from a doctype (billion laughs, external entities).
  text = text.replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
  const parser = new DOMParser();
  let doc = parser.parseFromString(text, 'image/svg+xml');
  let svg = doc.documentElement;
  if (svg && svg.localName === 'svg' && svg.namespaceURI !== SVG_NS) {
    text = text.replace(/<svg\b/, `<svg xmlns="${SVG_NS}"`);
    doc = parser.parseFromString(text, 'image/svg+xml');
    svg = doc.documentElement;
  }
  if (!svg || svg.localName !== 'svg' || doc.getElementsByTagName('parsererror').length) {
    throw new UploadProblem('sprites.upload.damagedSvg');
  }
  let removed = sanitiseSvgElement(svg);
  // No processing instructions (an xml-stylesheet could fetch a file).
  for (const node of [...doc.childNodes]) {
    if (node.nodeType === 7) {
      node.remove();
      removed += 1;
    }
  }
  if (!svg.getAttribute('xmlns:xlink') && /xlink:/.test(svg.outerHTML)) svg.setAttribute('xmlns:xlink', XLINK_NS);
  let vb = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
  if (vb.length !== 4 || !vb.every(Number.isFinite) || !(vb[2] > 0 && vb[3] > 0)) {
    const w = num(svg.getAttribute('width'));
    const h = num(svg.getAttribute('height'));
    if (w && h) vb = [0, 0, w, h];
    else {
      const box = measure(svg);
      if (!box) throw new UploadProblem('sprites.upload.emptySvg');
      vb = box;
    }
    svg.setAttribute('viewBox', vb.join(' '));
  }
  if (!num(svg.getAttribute('width')) || !num(svg.getAttribute('height'))) {
    svg.setAttribute('width', String(vb[2]));
    svg.setAttribute('height', String(vb[3]));
  }
  const out = new TextEncoder().encode(new XMLSerializer().serializeToString(doc));
  // It must still draw.
  try {
    const url = URL.createObjectURL(new Blob([out], { type: 'image/svg+xml' }));
    try {
      await new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = resolve;
        img.onerror = reject;
        img.src = url;
      });
    } finally {
      URL.revokeObjectURL(url);
    }
  } catch {
    throw new UploadProblem('sprites.upload.damagedSvg');
  }
  return {
    bytes: out, ext: 'svg', dataFormat: 'svg', bitmapResolution: 1,
    rotationCenterX: vb[0] + vb[2] / 2, rotationCenterY: vb[1] + vb[3] / 2,
    width: vb[2], height: vb[3], removed,
  };
}

function measure(svg) {
  const host = document.createElementNS(SVG_NS, 'svg');
  host.setAttribute('style', 'position:absolute;left:-10000px;top:0;width:1px;height:1px;visibility:hidden');
  const clone = document.importNode(svg, true);
  host.appendChild(clone);
  document.body.appendChild(host);
  try {
    const b = clone.getBBox();
    return b.width > 0 && b.height > 0 ? [b.x, b.y, b.width, b.height] : null;
  } catch {
    return null;
  } finally {
    host.remove();
  }
}

/** 'wav' | 'mp3' | 'ogg' | null, from the bytes. */
export function sniffSound(b) {
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') return 'wav';
  if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return 'ogg';
  if (b.length >= 3 && ascii(b, 0, 3) === 'ID3') return 'mp3';
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0) return 'mp3';
  return null;
}

/** rate and sample count from a WAV's header (null if it has none readable). */
export function wavInfo(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 12;
  let rate = 0;
  let blockAlign = 0;
  let dataBytes = 0;
  while (p + 8 <= b.length) {
    const id = ascii(b, p, 4);
    const size = v.getUint32(p + 4, true);
    if (id === 'fmt ' && p + 16 <= b.length) {
      rate = v.getUint32(p + 12, true);
      blockAlign = v.getUint16(p + 20, true);
    } else if (id === 'data') {
      dataBytes = Math.min(size, b.length - p - 8);
      break;
    }
    p += 8 + size + (size & 1);
  }
  if (!rate || !blockAlign) return null;
  return { rate, sampleCount: Math.floor(dataBytes / blockAlign) };
}

/** Mono 16-bit PCM WAV of an AudioBuffer (its first channel mixed with the others). */
export function encodeWav(buffer) {
  const n = buffer.length;
  const channels = buffer.numberOfChannels;
  const out = new Uint8Array(44 + n * 2);
  const v = new DataView(out.buffer);
  const w = (at, s) => { for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i); };
  w(0, 'RIFF'); v.setUint32(4, 36 + n * 2, true); w(8, 'WAVE'); w(12, 'fmt ');
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, buffer.sampleRate, true); v.setUint32(28, buffer.sampleRate * 2, true);
  v.setUint16(32, 2, true); v.setUint16(34, 16, true); w(36, 'data'); v.setUint32(40, n * 2, true);
  const data = [];
  for (let c = 0; c < channels; c++) data.push(buffer.getChannelData(c));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += data[c][i];
    s = Math.max(-1, Math.min(1, s / channels));
    v.setInt16(44 + i * 2, Math.round(s * 32767), true);
  }
  return out;
}

/** Decodes sound bytes with Web Audio (no user gesture needed): an AudioBuffer, or throws. */
export async function decodeSound(bytes, rate = 44100) {
  const Offline = globalThis.OfflineAudioContext || globalThis.webkitOfflineAudioContext;
  if (!Offline) throw new UploadProblem('sprites.upload.noAudio');
  const ctx = new Offline(1, 1, rate);
  const copy = bytes.slice().buffer;
  // The promise form only: with callbacks too, a failure also rejects an unwatched promise.
  return ctx.decodeAudioData(copy);
}

/**
 * A sound file → { bytes, ext, dataFormat, rate, sampleCount }. Throws UploadProblem.
 */
export async function prepareSound(bytes) {
  if (!bytes.length) throw new UploadProblem('sprites.upload.empty');
  const format = sniffSound(bytes);
  if (!format) throw new UploadProblem('sprites.upload.notSound');
  if (bytes.length > MAX_SOUND_BYTES) throw new UploadProblem('sprites.upload.tooBigFile', { mb: MAX_SOUND_BYTES >> 20 });
  let buffer;
  try {
    buffer = await decodeSound(bytes, format === 'wav' ? clampRate(wavInfo(bytes)?.rate) : 44100);
  } catch (e) {
    if (e instanceof UploadProblem) throw e;
    throw new UploadProblem('sprites.upload.damagedSound');
  }
  if (buffer.duration > MAX_SOUND_SECONDS) throw new UploadProblem('sprites.upload.tooLong', { min: MAX_SOUND_SECONDS / 60 });
  if (format === 'wav') {
    const info = wavInfo(bytes);
    return { bytes, ext: 'wav', dataFormat: 'wav', rate: info?.rate ?? buffer.sampleRate, sampleCount: info?.sampleCount ?? buffer.length };
  }
  if (format === 'mp3') return { bytes, ext: 'mp3', dataFormat: 'mp3', rate: buffer.sampleRate, sampleCount: buffer.length };
  const wav = encodeWav(buffer);
  return { bytes: wav, ext: 'wav', dataFormat: 'wav', rate: buffer.sampleRate, sampleCount: buffer.length };
}

function clampRate(rate) {
  return rate >= 8000 && rate <= 96000 ? rate : 44100;
}
