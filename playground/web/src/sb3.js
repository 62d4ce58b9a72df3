// .sb3 files (zip archives) opened in the browser, for the player build, which leaves Rust's
// zip code out to stay small: the central directory is read here and each file is inflated
// with the browser's DecompressionStream('deflate-raw'). The limits are the compiler's
// (compiler/src/sb3/mod.rs): a file of at most 50 MB, 200 MB unpacked, project.json at most
// 20 MB, 20,000 files. Problems come back as messages in both languages.
import { LANGS } from './i18n.js';

const MAX_FILE = 50 * 1024 * 1024;
const MAX_UNPACKED = 200 * 1024 * 1024;
const MAX_JSON = 20 * 1024 * 1024;
const MAX_FILES = 20000;

/** A problem with the file: `key` in the translation files, with `vars`. */
export class Sb3Problem extends Error {
  constructor(key, vars = {}) {
    super(key);
    this.key = key;
    this.vars = vars;
  }

  /** The message in both languages, as the compiler's diagnostics carry it. */
  words() {
    const fill = (table) => (table[this.key] ?? this.key)
      .replace(/\{(\w+)\}/g, (m, k) => (k in this.vars ? String(this.vars[k]) : m));
    return { en: fill(LANGS.en), zh: fill(LANGS['zh-CN']) };
  }
}

async function inflate(data, expected) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    // A file that unpacks to more than its header says is a zip bomb or damaged.
    if (total > expected) {
      reader.cancel();
      throw new Sb3Problem('sb3.damaged');
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The files of an .sb3: { projectJson (text), files (Map name → bytes) }. A bare project.json
 * (text starting with `{`) is accepted too, as Scratch does. Throws Sb3Problem.
 */
export async function unzipSb3(bytes) {
  if (bytes.length > MAX_FILE) throw new Sb3Problem('sb3.tooBig');
  let first = 0;
  while (first < bytes.length && first < 8 && /\s/.test(String.fromCharCode(bytes[first]))) first += 1;
  if (bytes[first] === 0x7b) {
    return { projectJson: new TextDecoder().decode(bytes), files: new Map() };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: the last 22 bytes, or up to 64 KB earlier (a comment).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Sb3Problem('sb3.notZip');
  const count = view.getUint16(eocd + 10, true);
  const dirOffset = view.getUint32(eocd + 16, true);
  if (count > MAX_FILES) throw new Sb3Problem('sb3.damaged');
  const decoder = new TextDecoder();
  const entries = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new Sb3Problem('sb3.damaged');
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    entries.push({ method, compressed, size, local, name });
    p += 46 + nameLength + extraLength + commentLength;
  }
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  if (unpacked > MAX_UNPACKED) throw new Sb3Problem('sb3.tooBig');
  const files = new Map();
  let projectJson = null;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const base = e.name.split('/').pop();
    if (!base) continue;
    const h = e.local;
    if (h + 30 > bytes.length || view.getUint32(h, true) !== 0x04034b50) throw new Sb3Problem('sb3.damaged');
    const start = h + 30 + view.getUint16(h + 26, true) + view.getUint16(h + 28, true);
    const data = bytes.subarray(start, start + e.compressed);
    if (data.length !== e.compressed) throw new Sb3Problem('sb3.damaged');
    let content;
    if (e.method === 0) content = data.slice();
    else if (e.method === 8) {
      try {
        content = await inflate(data, e.size);
      } catch (err) {
        throw err instanceof Sb3Problem ? err : new Sb3Problem('sb3.damaged');
      }
    } else throw new Sb3Problem('sb3.damaged');
    if (base === 'project.json') {
      if (content.length > MAX_JSON) throw new Sb3Problem('sb3.tooBig');
      projectJson = decoder.decode(content);
    } else {
      files.set(base, content);
    }
  }
  if (projectJson === null) throw new Sb3Problem('sb3.noProject');
  return { projectJson, files };
}
