// The player page (player.html) for embeds and shared links: .sb3 projects only.
import { test, assert } from './harness.mjs';

async function openPlayer(page, url, query = '') {
  await page.goto(`${url}player.html${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
}

test('the player opens a Scratch project and gives its answer', async ({ page, url, shot }) => {
  await openPlayer(page, url, '?project=/extra/sb3/primes.sb3');
  await page.click('#green-flag');
  await page.waitForFunction(() => window.starling.player.pg.frame_extras().includes('2262'), null, { timeout: 20000 });
  await shot('primes-answer');
});

test('the player without a project shows the bird; a broken link says so', async ({ page, url, shot }) => {
  await openPlayer(page, url);
  const n = await page.evaluate(() => window.starling.player.pg.frame(1).length / 16);
  assert(n === 2, `the stage and the bird are drawn (${n} drawables)`);
  await shot('default');
  await openPlayer(page, url, '?project=/extra/sb3/no-such-file.sb3');
  const status = await page.textContent('#status');
  assert(/could not be opened/.test(status), `the page says the file could not be opened: ${status}`);
  await shot('missing-project');
}, { allowConsole: /404/ });

test('the player opens .sb3 files without Rust zip code, and refuses broken ones kindly', async ({ page, url, shot }) => {
  await openPlayer(page, url, '?project=/extra/sb3/hello.sb3');
  const hasZip = await page.evaluate(() => typeof window.starling.player.pg.load_sb3 === 'function');
  assert(!hasZip, 'the player engine is the small build (no zip code)');
  await page.click('#green-flag');
  await page.waitForFunction(() => window.starling.player.pg.frame_extras().includes('Hello!'), null, { timeout: 20000 });
  // hello.sb3's costume came out of the zip: the sprite has its own picture, not the bird.
  const problems = await page.evaluate(async () => {
    const p = window.starling.player;
    const notZip = await p.loadSb3(new TextEncoder().encode('PK this is not a zip'));
    const bytes = new Uint8Array(await (await fetch('/extra/sb3/hello.sb3')).arrayBuffer());
    const cut = await p.loadSb3(bytes.subarray(0, bytes.length - 100));
    return [notZip, cut].map((r) => [r.loaded, r.diagnostics[0]?.message]);
  });
  for (const [loaded, message] of problems) {
    assert(!loaded && message.en && message.zh, `a friendly message in both languages: ${JSON.stringify(message)}`);
  }
  await shot('hello');
});
