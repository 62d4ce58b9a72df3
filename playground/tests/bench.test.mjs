// Frame time in the browser for the stage benchmark's 300 clones with the pen
// (stage-bench/programs/clones.sb.txt): prints numbers, passes unless the program fails to run.
// Budget (brief.md): under 8 ms a frame. Measured with performance.now() around one VM frame
// (step) and one drawing of the stage on the page's canvas until its pixels are done (draw),
// 100 frames after 20 warm-up frames, the loop paused so the two are timed alone. Headless
// Chromium here draws Canvas 2D in software (no GPU); a browser with GPU canvas draws faster.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, assert, openPlayground, repo } from './harness.mjs';

test('frame time of 300 clones with the pen (numbers, not a timed test)', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  const source = readFileSync(join(repo, 'stage-bench', 'programs', 'clones.sb.txt'), 'utf8');
  const r = await page.evaluate(async ({ source, svgUrl }) => {
    const p = window.starling.player;
    p.pause();
    const svg = new Uint8Array(await (await fetch(svgUrl)).arrayBuffer());
    const report = await p.loadText(source, new Map([['starling.svg', svg]]));
    if (!report.loaded) return { error: JSON.stringify(report.diagnostics) };
    await p.greenFlag();
    const step = [];
    const draw = [];
    for (let i = 0; i < 120; i++) {
      const t0 = performance.now();
      p.step();
      const t1 = performance.now();
      p.draw();
      // Reading a pixel makes the browser finish drawing (it otherwise defers the work and
      // does ten frames at once later).
      p.ctx.getImageData(0, 0, 1, 1);
      const t2 = performance.now();
      if (i >= 20) {
        step.push(t1 - t0);
        draw.push(t2 - t1);
      }
    }
    const stats = (xs) => {
      const s = [...xs].sort((x, y) => x - y);
      return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)] };
    };
    const frame = p.pg.frame(p.scale());
    return { step: stats(step), draw: stats(draw), drawables: frame.length / 16, canvas: [p.canvas.width, p.canvas.height] };
  }, { source, svgUrl: `${url}extra/stagebench/assets/starling.svg` });
  assert(!r.error, `the benchmark loads: ${r.error}`);
  await shot('300-clones');
  const f = (x) => x.toFixed(2);
  console.log(`     (300 clones + pen, ${r.drawables - 1} sprites drawn on a ${r.canvas.join('×')} canvas: step median ${f(r.step.median)} ms, p90 ${f(r.step.p90)}; draw median ${f(r.draw.median)} ms, p90 ${f(r.draw.p90)}; total median ${f(r.step.median + r.draw.median)} ms, budget 8 ms)`);
  assert(r.drawables > 250, 'the clones are drawn');
});
