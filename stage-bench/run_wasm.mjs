// Times the stage benchmark's wasm build under Node and prints the same table as the native
// binary (`cargo run --release -p starling-stage-bench`), then the mixer's benchmark (the same
// scenario as `cargo run --release -p starling-audio --example mix_bench`). wasm.sh builds the
// module and runs this.
//
//   node stage-bench/run_wasm.mjs [path/to/starling_stage_bench.wasm] [--frames N] [--warmup N]
//
// The module is a plain cdylib with C-ABI exports (src/exports.rs): no wasm-bindgen, no imports.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
let wasmPath = new URL('../target/wasm32-unknown-unknown/release/starling_stage_bench.wasm', import.meta.url);
let frames = 100;
let warmup = 20;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--frames') frames = Number(args[++i]);
  else if (args[i] === '--warmup') warmup = Number(args[++i]);
  else wasmPath = args[i];
}
if (!(frames > 0) || !(warmup >= 0)) {
  console.error('usage: node run_wasm.mjs [module.wasm] [--frames N] [--warmup N]');
  process.exit(2);
}

const module = await WebAssembly.compile(readFileSync(wasmPath));
const imports = WebAssembly.Module.imports(module);
if (imports.length > 0) {
  // Something in the Rust build wants the host (getrandom, a clock, wasm-bindgen): say what.
  console.error('the module needs imports:', imports.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', '));
  process.exit(1);
}
const instance = await WebAssembly.instantiate(module, {});
const w = instance.exports;

function text(ptr, len) {
  return new TextDecoder().decode(new Uint8Array(w.memory.buffer, ptr, len));
}

function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const rank = Math.min(Math.max(Math.ceil(0.9 * n), 1), n);
  return { median, p90: s[rank - 1] };
}

const pad = (v, width, left = false) => (left ? String(v).padEnd(width) : String(v).padStart(width));
const ms = (v) => pad(v.toFixed(3), 8);

console.log(`Stage benchmark, wasm32 under Node ${process.version}, ${frames} frames after ${warmup} warm-up, ms per frame`);
console.log(
  [pad('scenario', 24, true), ...['step', 'p90', 'render', 'p90', 'frame', 'p90'].map((h) => pad(h, 8)),
    pad('clones', 6), pad('hits/f', 7), pad('drawn', 6), pad('pen', 6)].join(' '),
);

for (let index = 0; index < w.bench_scenario_count(); index++) {
  const name = text(w.bench_scenario_name_ptr(index), w.bench_scenario_name_len(index));
  const status = w.bench_setup(index);
  if (status !== 0) {
    console.error(`${name}: setup failed (${status}): ${text(w.bench_error_ptr(), w.bench_error_len())}`);
    process.exit(1);
  }
  for (let i = 0; i < warmup; i++) {
    w.bench_step_frame();
    w.bench_drain_events();
    w.bench_render_frame();
  }
  const step = [];
  const render = [];
  const total = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    w.bench_step_frame();
    const t1 = performance.now();
    w.bench_drain_events();
    const t2 = performance.now();
    w.bench_render_frame();
    const t3 = performance.now();
    step.push(t1 - t0);
    render.push(t3 - t2);
    total.push(t1 - t0 + (t3 - t2));
  }
  const [s, r, t] = [step, render, total].map(summarize);
  console.log(
    [pad(name, 24, true), ms(s.median), ms(s.p90), ms(r.median), ms(r.p90), ms(t.median), ms(t.p90),
      pad(w.bench_clone_count(), 6), pad((w.bench_touch_hits() / (warmup + frames)).toFixed(1), 7),
      pad((w.bench_frame_coverage() * 100).toFixed(1), 5) + '%', pad((w.bench_pen_coverage() * 100).toFixed(1), 5) + '%',
    ].join(' '),
  );
}

// The mixer: 16 sounds at once, a frame (its events, then 1/30 s of 48 kHz stereo) at a time.
{
  w.bench_mix_setup();
  const mixWarmup = w.bench_mix_warmup_frames();
  for (let i = 0; i < mixWarmup; i++) w.bench_mix_frame();
  const mixFrames = Math.max(frames, 300);
  const mix = [];
  let voices = 0;
  let peak = 0;
  for (let i = 0; i < mixFrames; i++) {
    const t0 = performance.now();
    w.bench_mix_frame();
    mix.push(performance.now() - t0);
    voices = Math.max(voices, w.bench_mix_playing());
    peak = Math.max(peak, w.bench_mix_peak());
  }
  const m = summarize(mix);
  console.log(
    `\nMixer, wasm32 under Node, ${mixFrames} frames of 33.3 ms at 48000 Hz after ${mixWarmup} warm-up: ` +
      `ms per frame median ${m.median.toFixed(4)}, p90 ${m.p90.toFixed(4)} ` +
      `(up to ${voices} playbacks at once, peak ${peak.toFixed(3)})`,
  );
}
