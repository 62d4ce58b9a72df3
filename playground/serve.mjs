// A tiny static server for playground/dist: correct MIME types (application/wasm for wasm
// streaming), gzip when the browser accepts it, no caching surprises during development.
//   node playground/serve.mjs [--port N] [--host H] [--root DIR]
// Prints "Starling playground: http://127.0.0.1:PORT/". Port 0 picks a free port; a port in
// use moves on to the next one. `startServer` is exported for the tests.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.sb3': 'application/x.scratch.sb3',
  '.txt': 'text/plain; charset=utf-8',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt']);

/** Serves `root` (and, under /extra/, the folders of `extra` by name). Resolves with the server. */
export function startServer({ root = join(here, 'dist'), port = 8000, host = '127.0.0.1', extra = {}, quiet = false } = {}) {
  const gzipCache = new Map();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let path = decodeURIComponent(url.pathname);
      let base = resolve(root);
      const m = path.match(/^\/extra\/([^/]+)(\/.*)$/);
      if (m && extra[m[1]]) {
        base = resolve(extra[m[1]]);
        path = m[2];
      }
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(403).end('Forbidden');
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info || !info.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      const ext = extname(file).toLowerCase();
      const headers = {
        'content-type': MIME[ext] || 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      let body = await readFile(file);
      if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        const key = `${file}:${info.mtimeMs}:${info.size}`;
        let gz = gzipCache.get(key);
        if (!gz) {
          gz = gzipSync(body, { level: 9 });
          gzipCache.set(key, gz);
        }
        body = gz;
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
      }
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(String(e));
    }
  });
  return new Promise((resolvePromise, reject) => {
    let tries = 0;
    const listen = (p) => server.listen(p, host);
    server.on('error', (e) => {
      if (e.code === 'EADDRINUSE' && port !== 0 && tries < 20) {
        tries += 1;
        listen(port + tries);
      } else {
        reject(e);
      }
    });
    server.on('listening', () => {
      const { port: actual } = server.address();
      server.url = `http://${host}:${actual}/`;
      if (!quiet) console.log(`Starling playground: ${server.url}`);
      resolvePromise(server);
    });
    listen(port);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
  };
  const port = Number(arg('--port', process.env.PORT ?? 8000));
  startServer({ root: resolve(arg('--root', join(here, 'dist'))), port, host: arg('--host', '127.0.0.1') })
    .catch((e) => {
      console.error(`Starling playground: could not start the server: ${e.message}`);
      process.exit(1);
    });
}
