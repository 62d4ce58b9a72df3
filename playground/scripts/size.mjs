// Prints the download sizes of playground/dist, gzip level 9 with Node's zlib (what serve.mjs
// and most servers send; GNU `gzip -9` is about 1.5% smaller):
//   the player budget (embeds, shared links): the runtime wasm + its wasm-bindgen JS glue —
//   300 KB; the whole player page (with the stage drawing, costume decoding and its HTML/CSS)
//   is printed too, for information;
//   the playground page: everything loaded until it is usable (HTML, CSS, JS, wasm) — budget
//   1 MB (1024 KB).
// With --check it exits 1 when a budget is exceeded. Sizes in KB are bytes / 1024.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const PLAYER_BUDGET = 300 * 1024;
const PAGE_BUDGET = 1024 * 1024;

function sizes(name, dir = dist) {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`missing ${path}: run playground/build.sh first`);
  const bytes = readFileSync(path);
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
function report(title, files, budget) {
  const total = files.reduce((s, f) => s + f.gzip, 0);
  const raw = files.reduce((s, f) => s + f.raw, 0);
  console.log(`${title}: ${kb(total)} gzip (${kb(raw)} raw), ${Number.isFinite(budget) ? `budget ${kb(budget)}` : 'no budget'}${total > budget ? '  OVER BUDGET' : ''}`);
  for (const f of files) console.log(`  ${f.name.padEnd(30)} ${kb(f.gzip).padStart(10)} gzip  ${kb(f.raw).padStart(10)} raw`);
  return total <= budget;
}

const pkg = join(dist, '..', 'pkg-player');
const playerOk = report(
  'player (runtime wasm + JS glue)',
  [sizes('starling_player_bg.wasm'), sizes('starling_player.js', pkg)],
  PLAYER_BUDGET,
);
report(
  'player page (information: + stage drawing, costumes, UI)',
  [sizes('starling_player_bg.wasm'), sizes('player.js'), sizes('player.html'), sizes('style.css')],
  Infinity,
);
// The page loads the block editor (Blockly) and Blockly's media after the stage, as chunks;
// they are counted (both languages' Blockly messages too: a conservative total).
const later = (dir) => (existsSync(join(dist, dir))
  ? readdirSync(join(dist, dir)).sort().map((f) => sizes(`${dir}/${f}`))
  : []);
const pageOk = report(
  'playground page (total download)',
  [sizes('index.html'), sizes('style.css'), sizes('app.js'), sizes('starling_playground_bg.wasm'),
    ...later('chunks'), ...later('blockly-media')],
  PAGE_BUDGET,
);
if (process.argv.includes('--check') && !(playerOk && pageOk)) {
  console.error('A size budget is exceeded.');
  process.exit(1);
}
