// The browser draws what the native renderer draws. The same program (fixtures/agreement.sb.txt:
// sprites with every graphic effect, rotation styles, the pen and a stamp; no text, whose fonts
// differ) runs natively (`starling run --screenshot`, render/src/compose.rs) and in the page
// (Canvas 2D from the frame description), both at 480×360, and the pictures are compared pixel
// by pixel.
//
// Tolerance: a pixel differs when a channel differs by more than DIFF (of 255). At most
// MAX_DIFFERENT of the pixels may differ; measured: 0.06% (mean difference 0.6 of 255). What
// differs, and why:
// - costume edges: the browser rasterises the SVG costume with its own anti-aliasing (Skia)
//   where the native renderer uses resvg, and Canvas' bilinear filtering rounds differently
//   from compose.rs's GPU-like sampler: faint one-pixel fringes (within DIFF);
// - sprites with colour or shape effects are drawn from a texture Rust bakes in texture space
//   and then resampled by the canvas, where the native renderer samples once per output pixel:
//   the block edges of a pixelated sprite move by a pixel (most of the differing pixels);
// - the pen layer and stamps are Rust's own pixels in both, so they match exactly.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, assert, openPlayground, repo, here, outDir } from './harness.mjs';

const DIFF = 48;
const MAX_DIFFERENT = 0.01;
const FRAMES = 3;

test('the browser draws the same frame as the native renderer', async ({ page, url, shot }) => {
  const fixture = join(here, 'fixtures', 'agreement.sb.txt');
  const bin = process.env.STARLING || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'release', 'starling');
  assert(existsSync(bin), `the native starling command is missing (${bin}): cargo build --release -p starling`);
  const nativePng = join(outDir, 'agreement-native.png');
  execFileSync(bin, ['run', fixture, '--frames', String(FRAMES), '--seed', '1', '--screenshot', nativePng]);
  await openPlayground(page, url);
  const result = await page.evaluate(async ({ source, nativeUrl, frames, diffLimit }) => {
    const p = window.starling.player;
    p.pause();
    p.seed = 1;
    const report = await p.loadText(source);
    if (!report.loaded) return { error: JSON.stringify(report.diagnostics) };
    await p.greenFlag();
    for (let i = 0; i < frames; i++) p.step();
    const canvas = (w, h) => Object.assign(document.createElement('canvas'), { width: w, height: h });
    const mine = canvas(480, 360);
    p.view.draw(mine.getContext('2d'), 1, { texts: false });
    const img = new Image();
    img.src = nativeUrl;
    await img.decode();
    const theirs = canvas(480, 360);
    theirs.getContext('2d').drawImage(img, 0, 0);
    const a = mine.getContext('2d').getImageData(0, 0, 480, 360).data;
    const b = theirs.getContext('2d').getImageData(0, 0, 480, 360).data;
    const diff = canvas(480, 360);
    const dctx = diff.getContext('2d');
    const out = dctx.createImageData(480, 360);
    let different = 0;
    let sum = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i += 4) {
      const d = Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]));
      sum += d;
      worst = Math.max(worst, d);
      if (d > diffLimit) different += 1;
      // The diff picture: the native frame faded, differences in red.
      const grey = 200 + (b[i] + b[i + 1] + b[i + 2]) / 3 / 255 * 55;
      out.data[i] = d > diffLimit ? 255 : grey;
      out.data[i + 1] = d > diffLimit ? 0 : grey;
      out.data[i + 2] = d > diffLimit ? 0 : grey;
      out.data[i + 3] = 255;
    }
    dctx.putImageData(out, 0, 0);
    return {
      pixels: a.length / 4,
      different,
      mean: sum / (a.length / 4),
      worst,
      browserPng: mine.toDataURL('image/png'),
      diffPng: diff.toDataURL('image/png'),
    };
  }, {
    source: readFileSync(fixture, 'utf8'),
    nativeUrl: `${url}extra/out/agreement-native.png`,
    frames: FRAMES,
    diffLimit: DIFF,
  });
  assert(!result.error, `the program loads: ${result.error}`);
  const save = (name, dataUrl) => writeFileSync(join(outDir, name), Buffer.from(dataUrl.split(',')[1], 'base64'));
  save('agreement-browser.png', result.browserPng);
  save('agreement-diff.png', result.diffPng);
  await shot('page');
  const fraction = result.different / result.pixels;
  console.log(`     (agreement: ${(fraction * 100).toFixed(2)}% of pixels differ by more than ${DIFF}; mean difference ${result.mean.toFixed(2)}, largest ${result.worst}; pictures in test-output/agreement-*.png)`);
  assert(fraction <= MAX_DIFFERENT, `${(fraction * 100).toFixed(2)}% of the pixels differ by more than ${DIFF} (at most ${MAX_DIFFERENT * 100}% may)`);
});
