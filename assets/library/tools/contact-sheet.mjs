#!/usr/bin/env node
// Writes a contact sheet of the whole library as one SVG: every costume and backdrop in a grid,
// labelled with its id and its English and Chinese names. Open it in a browser, or rasterise it
// (any SVG renderer; the labels need a font with Chinese, e.g. render/fonts/StarlingSans.ttf).
//
//   node assets/library/tools/contact-sheet.mjs > /tmp/sheet.svg
//   node assets/library/tools/contact-sheet.mjs --compact > /tmp/sheet.svg   (no labels)
//
// The pictures are copied in (nested <svg> elements, ids prefixed so that two files' gradients
// cannot clash); the library's own files are not changed. No npm packages.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIB = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = JSON.parse(readFileSync(join(LIB, 'library.json'), 'utf8'));
const compact = process.argv.includes('--compact');

const COLS = 10, CELL = 112, LABEL = compact ? 0 : 30, PAD = 12;
const BCOLS = 5, BW = 224, BH = 168;
const WIDTH = Math.max(COLS * CELL, BCOLS * (BW + 8)) + 2 * PAD;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

let n = 0;
/** The file's picture as a nested <svg> at (x, y), scaled to fit w × h, centred. */
function picture(file, x, y, w, h) {
  let text = readFileSync(join(LIB, file), 'utf8');
  const p = `p${n++}-`;
  text = text.replace(/\bid="([^"]+)"/g, `id="${p}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${p}$1)`).replace(/href="#([^"]+)"/g, `href="#${p}$1"`);
  const root = text.match(/<svg\b[^>]*>/)[0];
  const [vw, vh] = root.match(/viewBox="0 0 ([\d.]+) ([\d.]+)"/).slice(1).map(Number);
  const s = Math.min(w / vw, h / vh, compact ? 1.6 : 1.2);
  const [dw, dh] = [vw * s, vh * s];
  const inner = text.slice(text.indexOf(root) + root.length, text.lastIndexOf('</svg>'));
  return `<svg x="${(x + (w - dw) / 2).toFixed(1)}" y="${(y + (h - dh) / 2).toFixed(1)}" width="${dw.toFixed(1)}" height="${dh.toFixed(1)}" viewBox="0 0 ${vw} ${vh}">${inner}</svg>`;
}

const label = (x, y, a, b) =>
  compact ? '' : `<text x="${x}" y="${y}" font-size="10" text-anchor="middle" fill="#495057">${esc(a)}</text>` +
    `<text x="${x}" y="${y + 12}" font-size="10" text-anchor="middle" fill="#868e96">${esc(b)}</text>`;

const parts = [];
let y = PAD;
const costumes = lib.sprites.flatMap((s) => s.costumes.map((c) => ({ ...c, sprite: s })));
costumes.forEach((c, i) => {
  const x = PAD + (i % COLS) * CELL, cy = y + Math.floor(i / COLS) * (CELL + LABEL);
  parts.push(`<rect x="${x + 2}" y="${cy + 2}" width="${CELL - 4}" height="${CELL + LABEL - 4}" rx="8" fill="#f1f3f9"/>`);
  parts.push(picture(c.file, x + 6, cy + 6, CELL - 12, CELL - 12));
  parts.push(label(x + CELL / 2, cy + CELL + 4, c.id, c.zh));
});
y += Math.ceil(costumes.length / COLS) * (CELL + LABEL) + PAD;
lib.backdrops.forEach((b, i) => {
  const x = PAD + (i % BCOLS) * (BW + 8), by = y + Math.floor(i / BCOLS) * (BH + LABEL + 8);
  parts.push(picture(b.file, x, by, BW, BH));
  parts.push(`<rect x="${x}" y="${by}" width="${BW}" height="${BH}" fill="none" stroke="#ced4da"/>`);
  parts.push(label(x + BW / 2, by + BH + 12, `${b.id} · ${b.en}`, b.zh));
});
y += Math.ceil(lib.backdrops.length / BCOLS) * (BH + LABEL + 8) + PAD;

process.stdout.write(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="Starling Sans, Noto Sans CJK SC, Microsoft YaHei, sans-serif">
<rect width="${WIDTH}" height="${y}" fill="#fff"/>
${parts.join('\n')}
</svg>
`);
