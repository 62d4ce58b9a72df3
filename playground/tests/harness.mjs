// A small test runner for the browser tests: one static server (dist/ plus a few folders under
// /extra/), one headless Chromium (Debian's /usr/bin/chromium through playwright-core), a fresh
// page per test that fails on any console error, a screenshot of every step in
// playground/test-output/, and "N passed, N failed" at the end.
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../serve.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const playground = join(here, '..');
export const repo = join(playground, '..');
export const outDir = join(playground, 'test-output');

const tests = [];
/** Registers a test: `fn(t)` gets { page (null for node-only tests), shot(name), url, server }. */
/** `allowConsole`: console errors matching it are expected (a 404 the test asks for). */
export function test(name, fn, { browser = true, allowConsole = null } = {}) {
  tests.push({ name, fn, browser, allowConsole });
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--force-device-scale-factor=1',
];

export async function run({ filter } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const dist = join(playground, 'dist');
  if (!existsSync(join(dist, 'index.html'))) {
    console.log('playground/dist is missing: run playground/build.sh first');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const server = await startServer({
    root: dist,
    port: 0,
    quiet: true,
    extra: {
      fixtures: join(here, 'fixtures'),
      stagebench: join(repo, 'stage-bench'),
      sb3: join(repo, 'tests', 'fixtures', 'sb3', 'bench'),
      out: outDir,
    },
  });
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  // Playwright gives the browser a fresh temporary profile (toolchain.md's --user-data-dir)
  // and adds --headless itself.
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS.filter((a) => a !== '--headless'),
    headless: true,
  });
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const { name, fn, browser: needsBrowser, allowConsole } of tests) {
    if (filter && !name.includes(filter)) continue;
    const started = Date.now();
    const consoleErrors = [];
    let context = null;
    let page = null;
    let step = 0;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    try {
      if (needsBrowser) {
        context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
        page = await context.newPage();
        page.on('console', (msg) => {
          if (msg.type() === 'error' && !(allowConsole && allowConsole.test(msg.text()))) {
            consoleErrors.push(msg.text());
          }
        });
        page.on('pageerror', (err) => consoleErrors.push(String(err)));
      }
      const shot = async (label) => {
        step += 1;
        if (page) {
          await page.screenshot({ path: join(outDir, `${slug}-${String(step).padStart(2, '0')}-${label}.png`) });
        }
      };
      await fn({ page, shot, url: server.url, server });
      if (consoleErrors.length) throw new Error(`console errors:\n  ${consoleErrors.join('\n  ')}`);
      passed += 1;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed += 1;
      failures.push(name);
      console.log(`FAIL ${name} (${Date.now() - started} ms)\n  ${String(e?.stack || e).split('\n').join('\n  ')}`);
      if (page) {
        await page.screenshot({ path: join(outDir, `${slug}-failed.png`) }).catch(() => {});
      }
    } finally {
      await context?.close().catch(() => {});
    }
  }
  await browser.close();
  server.close();
  if (failures.length) console.log(`\nFailed:\n  ${failures.join('\n  ')}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0;
}

/** Opens the playground and waits until it is ready. */
export async function openPlayground(page, url, path = '') {
  await page.goto(url + path);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
}

/** Replaces the selected sprite's scripts (the text view) and clicks the green flag (which applies changed text first). */
export async function runProgram(page, text) {
  // The text view shows the selected sprite's scripts; the green flag applies edited text.
  if (await page.isHidden('#program')) await page.click('#view-text');
  await page.fill('#program', text);
  await page.click('#green-flag');
}

/** Waits `n` VM frames of the running loop. */
export async function waitFrames(page, n) {
  await page.evaluate((count) => new Promise((resolve) => {
    const p = window.starling.player;
    const target = p.pg.frames() + count;
    const check = () => (p.pg.frames() >= target ? resolve() : requestAnimationFrame(check));
    check();
  }), n);
}
