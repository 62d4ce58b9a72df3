// Measures the block editor's download: esbuild bundles (minified, ES modules with code
// splitting, as a page would load them) of src/editor/editor.js — Blockly's core, its English
// messages and the editor — and of the lazily loaded Chinese messages, plus the catalog JSON
// (which a page can take from the wasm instead, see compiler/src/catalog/export.rs). Prints raw
// and gzip sizes. Run from playground/: `node tests/editor-size.mjs`.
import { gzipSync } from 'node:zlib';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { bundleEditor, PLAYGROUND } from './editor-serve.mjs';

const outdir = mkdtempSync(join(tmpdir(), 'starling-editor-size-'));
const result = await bundleEditor({ minify: true, entry: 'src/editor/editor.js', splitting: true, outdir });
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
const rows = [];
for (const [file, info] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  // Shared chunks load with the editor; other entry points are dynamic imports, loaded later.
  const lazy = !!info.entryPoint && !info.entryPoint.endsWith('src/editor/editor.js');
  if (!lazy) total += gz;
  const what = lazy
    ? `later: ${info.entryPoint.includes('zh-hans') ? 'Blockly\'s Chinese messages' : info.entryPoint}`
    : info.entryPoint ? 'editor + Blockly core + English messages' : 'shared chunk';
  rows.push(`${what.padEnd(44)} ${kb(bytes.length).padStart(10)} raw ${kb(gz).padStart(10)} gzip`);
}
const catalog = readFileSync(join(PLAYGROUND, 'web', 'src', 'editor', 'catalog.json'));
const catalogGz = gzipSync(catalog, { level: 9 }).length;
rows.push(`${'catalog.json (or from the wasm)'.padEnd(44)} ${kb(catalog.length).padStart(10)} raw ${kb(catalogGz).padStart(10)} gzip`);
const media = ['sprites.svg', 'click.mp3', 'delete.mp3', 'disconnect.mp3']
  .map((f) => readFileSync(join(PLAYGROUND, 'node_modules', 'blockly', 'media', f)))
  .reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0);
rows.push(`${'Blockly media (icons, click sounds)'.padEnd(44)} ${''.padStart(14)} ${kb(media).padStart(10)} gzip`);
console.log(rows.join('\n'));
console.log(`editor needed to start (English, with the catalog and media): ${kb(total + catalogGz + media)} gzip`);
rmSync(outdir, { recursive: true, force: true });
