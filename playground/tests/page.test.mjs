// The playground page in a real browser: loading, running, mistakes, runaway scripts, the
// language switch, the keyboard and the ask prompt.
import { test, assert, openPlayground, runProgram, waitFrames } from './harness.mjs';

/**
 * The stage canvas's pixels of one kind, counted in the page, with their mean position (canvas
 * pixels) and the canvas width: `cat` (the default cat's fur; the stage is white, bubbles white
 * and grey) or `bubbleText` (#575E75, the darkest pixels of the text).
 */
async function find(page, kind) {
  return page.evaluate((which) => {
    const tests = {
      // The default cat's blue-grey fur (#a3b1cc, #7486a8), not the bubble's text (#575e75).
      cat: (r, g, b) => b - r >= 36 && b > 150 && b - g >= 15,
      bubbleText: (r, g, b) => Math.abs(r - 0x57) < 24 && Math.abs(g - 0x5e) < 24 && Math.abs(b - 0x75) < 24,
    };
    const predicate = tests[which];
    const c = document.getElementById('stage');
    const { data, width } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (predicate(data[i], data[i + 1], data[i + 2])) {
        n += 1;
        const p = i / 4;
        sx += p % width;
        sy += Math.floor(p / width);
      }
    }
    return { n, x: n ? sx / n : NaN, y: n ? sy / n : NaN, width };
  }, kind);
}

test('the page opens with the default project and no console errors', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await shot('opened');
  const targets = await page.evaluate(() => window.starling.app.project.json.targets.map((t) => t.name));
  assert(targets.length === 2 && targets[1] === 'Sprite1', `the stage and one sprite: ${targets}`);
  assert((await find(page, 'cat')).n > 300, 'the cat is on the stage');
  await runProgram(page, 'when green flag clicked\nsay [Hello! I am Starling.]\n');
  await waitFrames(page, 10);
  await shot('default-project-running');
  const extras = await page.evaluate(() => window.starling.player.pg.frame_extras());
  assert(extras.includes('Hello! I am Starling.'), `the cat says hello: ${extras}`);
});

test('a text program moves the sprite and shows its bubble', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await page.click('#view-text');
  await page.fill('#program', 'when flag clicked\nmove (10) steps\nsay [Hello!]\n');
  await page.click('#run');
  await page.click('#stop');
  // Back at the start without running.
  await page.evaluate(() => window.starling.player.pg.mouse_move(0, 0));
  await page.evaluate(async () => {
    const { app } = window.starling;
    app.project.target().x = 0;
    await app.reload();
  });
  await page.evaluate(() => { window.starling.player.pause(); window.starling.player.draw(); });
  const before = await find(page, 'cat');
  await shot('before');
  await page.evaluate(async () => {
    const p = window.starling.player;
    await p.greenFlag();
    p.stepFrames(2);
  });
  await shot('after-green-flag');
  const after = await find(page, 'cat');
  const scale = after.width / 480;
  const moved = (after.x - before.x) / scale;
  assert(Math.abs(moved - 10) < 1.5, `the sprite moved 10 steps right (moved ${moved.toFixed(2)})`);
  assert(Math.abs(after.y - before.y) < 1, 'and not up or down');
  const text = await find(page, 'bubbleText');
  assert(text.n > 15, `the bubble's text is drawn (${text.n} text pixels)`);
  assert(text.x > after.x && text.y < after.y, 'the bubble is above and right of the sprite');
});

test('a mistake shows a friendly message, marks the line and keeps the old program', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await runProgram(page, 'when green flag clicked\nsay [fine]\nmove (10) stepz\n');
  await page.waitForSelector('#problems:not([hidden])');
  await shot('mistake');
  const message = await page.textContent('#problem-list li');
  assert(/Line 3/.test(message), `the message says where: ${message}`);
  assert(message.length > 30, 'and what is wrong');
  const marked = await page.$$eval('#code-backdrop mark.error', (m) => m.map((e) => e.textContent));
  assert(marked.length === 1 && marked[0].includes('stepz'), `line 3 is marked: ${marked}`);
  const kept = await page.isVisible('#kept-old');
  assert(kept, 'the page says the last working program keeps running');
  await page.selectOption('#lang', 'zh-CN');
  const zh = await page.textContent('#problem-list li');
  assert(/第 3 行/.test(zh), `the message in Chinese too: ${zh}`);
  await shot('mistake-in-chinese');
});

for (const [name, program] of [
  ['a forever loop with nothing inside', 'when green flag clicked\nforever\nend\n'],
  ['a warp block that never ends', 'define spin // run without screen refresh\nrepeat until <>\nend\n\nwhen green flag clicked\nspin\n'],
]) {
  test(`${name} leaves the page responsive and the stop sign works`, async ({ page, url, shot }) => {
    await openPlayground(page, url);
    await runProgram(page, program);
    await waitFrames(page, 3);
    // The page answers while the program runs.
    const t0 = Date.now();
    const answer = await page.evaluate(() => 6 * 7);
    const latency = Date.now() - t0;
    assert(answer === 42, 'the page runs JavaScript');
    assert(latency < 2000, `the page answered in ${latency} ms`);
    const stepMs = await page.evaluate(() => window.starling.player.stats.lastStepMs);
    console.log(`     (one frame of "${name}": ${stepMs.toFixed(1)} ms in the VM)`);
    assert(await page.evaluate(() => window.starling.player.running), 'the program is running');
    await shot('running');
    await page.click('#stop');
    await page.waitForFunction(() => !window.starling.player.running, null, { timeout: 5000 });
    await shot('stopped');
  });
}

test('the language switch turns the page into Chinese and back', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await page.selectOption('#lang', 'zh-CN');
  await shot('chinese');
  assert((await page.textContent('#run')) === '运行', 'the Run button is in Chinese');
  assert((await page.title()).includes('编程'), 'the title is in Chinese');
  assert((await page.getAttribute('#green-flag', 'title')).includes('绿旗'), 'the green flag too');
  assert((await page.getAttribute('html', 'lang')) === 'zh-CN', 'the document language');
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  assert((await page.inputValue('#lang')) === 'zh-CN', 'the choice is remembered');
  assert((await page.textContent('#view-blocks')) === '积木', 'the editor’s toggle is in Chinese');
  await page.selectOption('#lang', 'en');
  assert((await page.textContent('#run')) === 'Run', 'back to English');
});

test('keys start "when key pressed" scripts', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await runProgram(page, 'when [space v] key pressed\nsay [Jump!]\n\nwhen [right arrow v] key pressed\nchange x by (20)\n');
  await waitFrames(page, 2);
  await page.focus('#stage');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await waitFrames(page, 3);
  await shot('after-keys');
  const state = await page.evaluate(() => ({
    extras: window.starling.player.pg.frame_extras(),
  }));
  assert(state.extras.includes('Jump!'), `space made the sprite say Jump!: ${state.extras}`);
  const [x] = await page.evaluate(() => window.starling.player.pg.sprite_info(1));
  assert(x === 20, `the right arrow moved the sprite 20 steps (x = ${x})`);
});

test('the ask prompt takes an answer', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await runProgram(page, 'when green flag clicked\nask [What is your name?] and wait\nsay (join [Hi ] (answer))\n');
  await page.waitForSelector('#ask:not([hidden])');
  await shot('asked');
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert(focused === 'ask-input', 'the answer box has the focus');
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ask', { state: 'hidden' });
  await waitFrames(page, 2);
  await shot('answered');
  const extras = await page.evaluate(() => window.starling.player.pg.frame_extras());
  assert(extras.includes('Hi Ada'), `the sprite says the answer: ${extras}`);

  // The stage asks: the question is shown in the box itself.
  // (The sprite's scripts are cleared first: they would ask again.)
  await page.fill('#program', '');
  await page.evaluate(() => window.starling.app.project.setCurrentTarget(0));
  await runProgram(page, 'when green flag clicked\nask [Ready?] and wait\n');
  await page.waitForSelector('#ask:not([hidden])');
  const asked = await page.textContent('#ask-question');
  assert(asked === 'Ready?', `the question is in the box: ${asked}`);
  await shot('stage-asks');
});

test('clicking a sprite runs its script; dragging moves it', async ({ page, url, shot }) => {
  await openPlayground(page, url);
  await runProgram(page, 'when this sprite clicked\nsay [Ouch!]\n');
  await waitFrames(page, 2);
  const box = await page.locator('#stage').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.click(cx, cy);
  await waitFrames(page, 2);
  assert((await page.evaluate(() => window.starling.player.pg.frame_extras())).includes('Ouch!'), 'the click script ran');
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + box.width / 4, cy, { steps: 5 });
  await page.mouse.up();
  await waitFrames(page, 1);
  await shot('dragged');
  const [x, y] = await page.evaluate(() => window.starling.player.pg.sprite_info(1));
  assert(Math.abs(x - 120) < 2 && Math.abs(y) < 2, `the sprite was dragged 120 steps right (to ${x}, ${y})`);
});

test('dates come from the clock of the computer', async ({ page, url }) => {
  await openPlayground(page, url);
  await runProgram(page, 'when green flag clicked\nsay (current [year v])\n');
  await waitFrames(page, 2);
  const extras = await page.evaluate(() => window.starling.player.pg.frame_extras());
  const year = String(new Date().getUTCFullYear());
  assert(extras.includes(`"text":"${year}"`), `the sprite says this year (${year}): ${extras}`);
});
