#!/usr/bin/env node
// Checks Starling's built-in sprite and backdrop library: library.json and every SVG it names.
//
//   node assets/library/check.mjs
//
// Prints a one-line summary and exits 0, or lists every problem and exits 1. No npm packages.

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOUNDS_RS = resolve(HERE, '../../audio/src/library.rs');

const LIMITS = {
  totalBytes: 250 * 1024, // every SVG together
  fileBytes: 12 * 1024, // any one SVG
  spriteBytesTypical: 4 * 1024, // "most" sprite costumes are under this…
  spriteTypicalShare: 0.75, // …this share of them at least
  spriteSideMin: 16, // a costume's width and height, in pixels at 100 %
  spriteSideMax: 200,
  minSprites: 24,
  minAnimated: 8, // sprites with 2 costumes or more
  minBackdrops: 12,
};
const BACKDROP_SIZE = [480, 360];
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CJK = /[\u3400-\u9fff]/;

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

// ---------------------------------------------------------------------------------------------
// The manifest.

let lib;
try {
  lib = JSON.parse(readFileSync(join(HERE, 'library.json'), 'utf8'));
} catch (e) {
  console.error(`library.json: cannot be read as JSON: ${e.message}`);
  process.exit(1);
}
if (!lib || !Array.isArray(lib.sprites) || !Array.isArray(lib.backdrops) || typeof lib.tags !== 'object') {
  console.error('library.json: must be an object with "sprites" and "backdrops" arrays and a "tags" object');
  process.exit(1);
}

// The ids of the built-in library sounds: `sound("pop", …)` entries (or `id: "pop"` fields) in
// audio/src/library.rs.
const soundIds = new Set();
if (existsSync(SOUNDS_RS)) {
  const rs = readFileSync(SOUNDS_RS, 'utf8');
  for (const m of rs.matchAll(/\bsound\(\s*"([^"]+)"/g)) soundIds.add(m[1]);
  for (const m of rs.matchAll(/\bid:\s*"([^"]+)"/g)) soundIds.add(m[1]);
  if (soundIds.size === 0) problem('audio/src/library.rs', 'no sound ids found (has the format changed?)');
} else {
  problem('audio/src/library.rs', 'not found, so sound ids cannot be checked');
}

function checkNames(where, o) {
  for (const k of ['en', 'zh']) {
    if (typeof o[k] !== 'string' || o[k].trim() === '') problem(where, `"${k}" name is missing or empty`);
  }
  if (typeof o.zh === 'string' && o.zh.trim() !== '' && !CJK.test(o.zh)) {
    problem(where, `"zh" name "${o.zh}" has no Chinese characters`);
  }
}

function checkId(where, id, seen) {
  if (typeof id !== 'string' || !ID.test(id)) {
    problem(where, `id ${JSON.stringify(id)} must be lowercase letters, digits and single hyphens`);
  } else if (seen.has(id)) {
    problem(where, `id "${id}" is used twice`);
  }
  seen.add(id);
}

function checkTags(where, tags) {
  if (!Array.isArray(tags) || tags.length === 0) return problem(where, '"tags" must be a non-empty list');
  for (const t of tags) if (!(t in lib.tags)) problem(where, `tag "${t}" is not defined in "tags"`);
}

for (const [k, v] of Object.entries(lib.tags)) {
  if (!ID.test(k)) problem(`tags.${k}`, 'tag ids must be lowercase letters, digits and hyphens');
  checkNames(`tags.${k}`, v ?? {});
}

// ---------------------------------------------------------------------------------------------
// SVG files.

const files = new Map(); // relative path -> bytes
let totalBytes = 0;

/** Reads and checks one SVG; returns its [width, height] or null. */
function checkSvg(where, file) {
  if (typeof file !== 'string' || file === '') {
    problem(where, '"file" is missing');
    return null;
  }
  const path = resolve(HERE, file);
  if (!path.startsWith(HERE + sep) || !file.endsWith('.svg')) {
    problem(where, `file "${file}" must be an .svg inside assets/library/`);
    return null;
  }
  if (!existsSync(path)) {
    problem(where, `file "${file}" does not exist`);
    return null;
  }
  const rel = relative(HERE, path).split(sep).join('/');
  if (files.has(rel)) {
    problem(where, `file "${file}" is already used by another costume or backdrop`);
    return null;
  }
  const bytes = statSync(path).size;
  files.set(rel, bytes);
  totalBytes += bytes;
  const text = readFileSync(path, 'utf8');
  const at = `${where} (${rel})`;

  if (bytes > LIMITS.fileBytes) problem(at, `${kb(bytes)} is over the ${kb(LIMITS.fileBytes)} limit for one file`);

  // Nothing that runs, loads or shows something from elsewhere; nothing slow or font-dependent.
  const forbidden = [
    [/<script/i, 'has a <script>'],
    [/<image/i, 'has an <image> (no bitmaps, no linked pictures)'],
    [/<text/i, 'has <text> (pictures are shown in English and Chinese: no words in them)'],
    [/<foreignObject/i, 'has a <foreignObject>'],
    [/<(iframe|video|audio|object|embed)\b/i, 'has an embedded document or media element'],
    [/<filter|<fe[A-Z]/, 'has a filter (slow to draw on cheap tablets)'],
    [/<style|\bstyle\s*=/i, 'has CSS styles (use presentation attributes)'],
    [/@import/i, 'imports something'],
    [/\bon[a-z]+\s*=/i, 'has an event handler attribute'],
    [/javascript:/i, 'has a javascript: URL'],
    [/data:/i, 'has a data: URL (embedded file)'],
    [/<!ENTITY|<!DOCTYPE/i, 'has a DTD or entities'],
  ];
  for (const [re, what] of forbidden) if (re.test(text)) problem(at, what);
  for (const m of text.matchAll(/\b(?:xlink:)?href\s*=\s*["']([^"']*)["']/g)) {
    if (!m[1].startsWith('#')) problem(at, `links outside the picture (href="${m[1]}")`);
  }
  for (const m of text.matchAll(/url\(\s*['"]?([^)'"]*)/g)) {
    if (!m[1].startsWith('#')) problem(at, `refers outside the picture (url(${m[1]}))`);
  }
  const ids = new Set([...text.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
  for (const m of text.matchAll(/(?:url\(#|href="#)([^)"]+)/g)) {
    if (!ids.has(m[1])) problem(at, `refers to "#${m[1]}", which is not in the file`);
  }
  checkWellFormed(at, text);

  // The root element: width and height equal to the viewBox, which starts at 0 0.
  const root = text.match(/<svg\b([^>]*)>/);
  if (!root) {
    problem(at, 'has no <svg> root element');
    return null;
  }
  const attr = (name) => root[1].match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`))?.[1];
  if (attr('xmlns') !== 'http://www.w3.org/2000/svg') problem(at, 'root needs xmlns="http://www.w3.org/2000/svg"');
  const [w, h] = [Number(attr('width')), Number(attr('height'))];
  const vb = (attr('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  if (!(w > 0 && h > 0)) {
    problem(at, 'root needs numeric width and height (pixels)');
    return null;
  }
  if (vb.length !== 4 || vb.some((n) => !Number.isFinite(n))) {
    problem(at, 'root needs a viewBox');
    return null;
  }
  if (vb[0] !== 0 || vb[1] !== 0 || vb[2] !== w || vb[3] !== h) {
    problem(at, `viewBox "${vb.join(' ')}" must be "0 0 ${w} ${h}" (width and height equal to the viewBox)`);
  }
  return [w, h];
}

/** Tags balance and attributes are quoted: enough to catch hand-editing slips. */
function checkWellFormed(at, text) {
  const body = text.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, attrs, selfClose] = m;
    const stripped = attrs.replace(/\s+[\w:.-]+\s*=\s*("[^"]*"|'[^']*')/g, '').trim();
    if (!close && stripped !== '') {
      problem(at, `<${name}> has a malformed attribute near "${stripped.slice(0, 30)}"`);
      return;
    }
    if (close) {
      const open = stack.pop();
      if (open !== name) {
        problem(at, `</${name}> closes <${open ?? 'nothing'}>`);
        return;
      }
    } else if (!selfClose) {
      stack.push(name);
    }
  }
  if (stack.length) problem(at, `<${stack.at(-1)}> is never closed`);
  if (/<[^>]*$/.test(body)) problem(at, 'ends inside a tag');
}

// ---------------------------------------------------------------------------------------------
// Sprites and backdrops.

const spriteIds = new Set();
const costumeIds = new Set();
let costumes = 0;
let animated = 0;
let spriteFiles = 0;
let smallSpriteFiles = 0;

lib.sprites.forEach((s, i) => {
  const where = `sprite ${s?.id ?? `#${i + 1}`}`;
  if (!s || typeof s !== 'object') return problem(`sprite #${i + 1}`, 'must be an object');
  checkId(where, s.id, spriteIds);
  checkNames(where, s);
  checkTags(where, s.tags);
  if (!Array.isArray(s.sounds)) problem(where, '"sounds" must be a list (it may be empty)');
  else {
    for (const id of s.sounds) {
      if (soundIds.size && !soundIds.has(id)) problem(where, `sound "${id}" is not a built-in library sound (audio/src/library.rs)`);
    }
    if (new Set(s.sounds).size !== s.sounds.length) problem(where, 'a sound is listed twice');
  }
  if (!Array.isArray(s.costumes) || s.costumes.length === 0) return problem(where, 'needs at least one costume');
  if (s.costumes.length >= 2) animated++;
  let firstSize = null;
  s.costumes.forEach((c, j) => {
    const cw = `${where}, costume ${c?.id ?? `#${j + 1}`}`;
    if (!c || typeof c !== 'object') return problem(cw, 'must be an object');
    costumes++;
    checkId(cw, c.id, costumeIds);
    checkNames(cw, c);
    const size = checkSvg(cw, c.file);
    if (!size) return;
    spriteFiles++;
    if (files.get(relative(HERE, resolve(HERE, c.file)).split(sep).join('/')) <= LIMITS.spriteBytesTypical) smallSpriteFiles++;
    const [w, h] = size;
    if (w < LIMITS.spriteSideMin || h < LIMITS.spriteSideMin || w > LIMITS.spriteSideMax || h > LIMITS.spriteSideMax) {
      problem(cw, `size ${w}×${h} is outside ${LIMITS.spriteSideMin}–${LIMITS.spriteSideMax} pixels a side`);
    }
    if (firstSize && (firstSize[0] !== w || firstSize[1] !== h)) {
      problem(cw, `size ${w}×${h} differs from the sprite's first costume (${firstSize.join('×')}): animation frames would jump`);
    }
    firstSize ??= size;
    const rc = c.rotationCenter;
    if (!Array.isArray(rc) || rc.length !== 2 || !rc.every(Number.isFinite)) {
      problem(cw, '"rotationCenter" must be [x, y]');
    } else if (rc[0] < 0 || rc[1] < 0 || rc[0] > w || rc[1] > h) {
      problem(cw, `rotation centre [${rc}] is outside the ${w}×${h} costume`);
    }
  });
});

const backdropIds = new Set();
lib.backdrops.forEach((b, i) => {
  const where = `backdrop ${b?.id ?? `#${i + 1}`}`;
  if (!b || typeof b !== 'object') return problem(`backdrop #${i + 1}`, 'must be an object');
  checkId(where, b.id, backdropIds);
  checkNames(where, b);
  checkTags(where, b.tags);
  const size = checkSvg(where, b.file);
  if (size && (size[0] !== BACKDROP_SIZE[0] || size[1] !== BACKDROP_SIZE[1])) {
    problem(where, `size ${size.join('×')} must be ${BACKDROP_SIZE.join('×')} (the stage)`);
  }
});

// Every SVG in the folders is in the manifest (a forgotten file still ships).
for (const dir of ['sprites', 'backdrops']) {
  if (!existsSync(join(HERE, dir))) continue;
  for (const f of readdirSync(join(HERE, dir))) {
    if (!files.has(`${dir}/${f}`)) problem(`${dir}/${f}`, 'is not in library.json');
  }
}

// The library as a whole.
if (lib.sprites.length < LIMITS.minSprites) problem('library', `has ${lib.sprites.length} sprites, fewer than ${LIMITS.minSprites}`);
if (animated < LIMITS.minAnimated) problem('library', `has ${animated} sprites with 2+ costumes, fewer than ${LIMITS.minAnimated}`);
if (lib.backdrops.length < LIMITS.minBackdrops) problem('library', `has ${lib.backdrops.length} backdrops, fewer than ${LIMITS.minBackdrops}`);
if (totalBytes > LIMITS.totalBytes) problem('library', `${kb(totalBytes)} of SVG is over the ${kb(LIMITS.totalBytes)} budget`);
if (spriteFiles && smallSpriteFiles / spriteFiles < LIMITS.spriteTypicalShare) {
  problem('library', `only ${smallSpriteFiles} of ${spriteFiles} costumes are under ${kb(LIMITS.spriteBytesTypical)}`);
}
const unusedTags = Object.keys(lib.tags).filter(
  (t) => !lib.sprites.some((s) => s.tags?.includes(t)) && !lib.backdrops.some((b) => b.tags?.includes(t)),
);
if (unusedTags.length) problem('tags', `${unusedTags.join(', ')} not used by any sprite or backdrop`);

function kb(n) {
  return `${Math.round(n / 1024)} KB`;
}

if (problems.length) {
  console.error(`assets/library: ${problems.length} problem${problems.length > 1 ? 's' : ''}:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `${lib.sprites.length} sprites (${costumes} costumes, ${animated} animated), ` +
    `${lib.backdrops.length} backdrops, ${kb(totalBytes)}`,
);
