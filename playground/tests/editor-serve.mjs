// A small server for the block editor's development page: serves playground/web/, bundles
// src/editor/dev.js with esbuild on each request for /editor-dev.js, and serves Blockly's media
// folder at /blockly-media/. Run `node tests/editor-serve.mjs [port]` from playground/ and open
// the printed URL; the browser tests start it themselves.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const PLAYGROUND = resolve(here, '..');
const WEB = join(PLAYGROUND, 'web');
const MEDIA = join(PLAYGROUND, 'node_modules', 'blockly', 'media');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.cur': 'image/x-icon',
  '.wasm': 'application/wasm',
};

/** Bundles the editor's development page (and, with `minify`, measures it). */
export async function bundleEditor({ minify = false, entry = 'src/editor/dev.js', splitting = false, outdir = null } = {}) {
  const result = await esbuild.build({
    entryPoints: [join(WEB, entry)],
    bundle: true,
    format: 'esm',
    write: !!outdir,
    outdir: outdir ?? join(WEB, 'dist-editor'),
    splitting,
    minify,
    sourcemap: false,
    target: ['es2020'],
    logLevel: 'silent',
    metafile: true,
  });
  return result;
}

function inside(root, path) {
  const full = normalize(join(root, path));
  return full === root || full.startsWith(root + sep) ? full : null;
}

/** Starts the server; resolves `{url, close()}`. */
export async function startEditorServer(port = 0) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let path = decodeURIComponent(url.pathname);
      if (path === '/') path = '/editor-dev.html';
      if (path === '/editor-dev.js') {
        const out = await bundleEditor();
        const js = out.outputFiles.find((f) => f.path.endsWith('.js'));
        res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
        res.end(js.contents);
        return;
      }
      const file = path.startsWith('/blockly-media/')
        ? inside(MEDIA, path.slice('/blockly-media/'.length))
        : inside(WEB, path.slice(1));
      if (!file) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(String(e.message ?? e));
    }
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8765);
  const { url } = await startEditorServer(port);
  console.log(`Block editor development page: ${url}`);
}
