// The workbench in a real browser: blocks dragged from the toolbox with the mouse run on the
// stage; the text view shows them as text and edits go back into the blocks; Chinese; a custom
// block; a compile problem's friendly message. Screenshots in test-output/workbench/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, assert, openPlayground, outDir } from './harness.mjs';

const SHOTS = join(outDir, 'workbench');

async function openWorkbench(page, url) {
  await page.addInitScript(() => {
    // A fresh start: no autosaved project, English.
    try { localStorage.setItem('starling.lang', 'en'); } catch { /* none */ }
  });
  await openPlayground(page, url);
  await page.waitForFunction(() => document.body.dataset.editorReady === 'true'
    || document.getElementById('editor-loading').dataset.failed, null, { timeout: 30000 });
  const failed = await page.evaluate(() => document.getElementById('editor-loading').dataset.failed
    && document.getElementById('editor-loading').textContent);
  assert(!failed, `the block editor started: ${failed}`);
  mkdirSync(SHOTS, { recursive: true });
  const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const ed = (f, arg) => page.evaluate(f, arg);
  return { shot, ed };
}

async function openCategory(page, id) {
  await page.evaluate((cat) => {
    const toolbox = window.starling.app.editor.workspace.getToolbox();
    toolbox.setSelectedItem(toolbox.getToolboxItemById(cat));
  }, id);
  await page.waitForTimeout(150);
}

async function shapeRect(page, key, flyout) {
  return page.evaluate(([k, inFlyout]) => {
    const ws = window.starling.app.editor.workspace;
    const block = inFlyout
      ? ws.getToolbox().getFlyout().getWorkspace().getTopBlocks(true).find((b) => b.type === k)
      : ws.getBlockById(k);
    if (!block) return null;
    const r = block.pathObject.svgPath.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, [key, flyout]);
}

async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  await page.waitForTimeout(200);
}

async function dragFromToolbox(page, cat, type, at) {
  await openCategory(page, cat);
  const target = typeof at === 'function' ? await at() : at;
  const r = await shapeRect(page, type, true);
  assert(r, `${type} is in the ${cat} flyout`);
  const dy = Math.min(14, r.height / 2);
  await drag(page, { x: r.x + 8, y: r.y + dy }, { x: target.x + 8, y: target.y + dy });
}

/** Below the last block of the script that starts with `topId`. */
async function scriptEnd(page, topId) {
  const lastId = await page.evaluate((id) => {
    let block = window.starling.app.editor.workspace.getBlockById(id);
    while (block.getNextBlock()) block = block.getNextBlock();
    return block.id;
  }, topId);
  const r = await shapeRect(page, lastId, false);
  return { x: r.x, y: r.y + r.height };
}

const topBlocks = (page) => page.evaluate(() => window.starling.app.editor.workspace.getTopBlocks(true)
  .map((b) => ({ id: b.id, type: b.type, count: b.getDescendants(false).filter((d) => !d.isShadow()).length })));

/** Mean position (canvas pixels) of the cat's fur and of the bubble's dark text. */
async function find(page, kind) {
  return page.evaluate((which) => {
    const tests = {
      // The cat's blue-grey fur (#a3b1cc, #7486a8); not the bubble's text (#575e75).
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

/** Builds "when flag clicked, move (10) steps, say [Hello!]" with real mouse drags. */
async function buildScript(page) {
  const ws = await page.evaluate(() => {
    const r = document.getElementById('blocks').getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  await dragFromToolbox(page, 'events', 'event_whenflagclicked', { x: ws.x + ws.width * 0.55, y: ws.y + 120 });
  let tops = await topBlocks(page);
  assert(tops.length === 1 && tops[0].type === 'event_whenflagclicked', `the hat is on the workspace: ${JSON.stringify(tops)}`);
  const hat = tops[0].id;
  await dragFromToolbox(page, 'motion', 'motion_movesteps', () => scriptEnd(page, hat));
  await dragFromToolbox(page, 'looks', 'looks_say', () => scriptEnd(page, hat));
  tops = await topBlocks(page);
  assert(tops.length === 1 && tops[0].count === 3, `one script of three blocks: ${JSON.stringify(tops)}`);
  return hat;
}

test('workbench: blocks dragged from the toolbox run on the stage, text view, Chinese', async ({ page, url }) => {
  const { shot } = await openWorkbench(page, url);
  await shot('01-opened');
  const opened = await page.evaluate(() => ({
    sprites: window.starling.app.project.json.targets.length,
    editing: document.getElementById('view-target').textContent,
  }));
  assert(opened.sprites === 2, 'the default project: the stage and one sprite');
  assert(opened.editing.includes('Sprite1'), `the editor shows Sprite1: ${opened.editing}`);

  await buildScript(page);
  await shot('02-script-built');
  // Undo and redo (the header's buttons call the editor's).
  await page.click('#undo');
  await page.waitForTimeout(100);
  let tops = await topBlocks(page);
  assert(tops.length === 1 && tops[0].count === 2, `undo took the say block away: ${JSON.stringify(tops)}`);
  await page.click('#redo');
  await page.waitForTimeout(100);
  tops = await topBlocks(page);
  assert(tops.length === 1 && tops[0].count === 3, `redo put it back: ${JSON.stringify(tops)}`);
  // The edit reaches project.json and the stage (debounced).
  await page.waitForFunction(() => Object.values(window.starling.app.project.target().blocks)
    .some((b) => b.opcode === 'looks_say'), null, { timeout: 5000 });
  await page.waitForFunction(() => window.starling.app.project.serialize() === window.starling.bench.loadedJson, null, { timeout: 5000 });

  await page.evaluate(() => { window.starling.player.pause(); window.starling.player.draw(); });
  const before = await find(page, 'cat');
  assert(before.n > 300, `the cat is on the stage (${before.n} pixels)`);
  await page.evaluate(async () => {
    await window.starling.bench.greenFlag();
    window.starling.player.stepFrames(2);
  });
  await shot('03-green-flag');
  const after = await find(page, 'cat');
  const scale = after.width / 480;
  const moved = (after.x - before.x) / scale;
  assert(Math.abs(moved - 10) < 2, `the sprite moved 10 steps right (moved ${moved.toFixed(2)})`);
  const text = await find(page, 'bubbleText');
  assert(text.n > 15, `the bubble's text is drawn (${text.n} text pixels)`);
  assert(text.y < after.y, 'the bubble is above the sprite');
  await page.evaluate(() => window.starling.player.start());
  await page.click('#stop');

  // The text view: the same script as text; 10 → 100 goes back into the block.
  await page.click('#view-text');
  const shown = await page.inputValue('#program');
  assert(shown.includes('when green flag clicked') && shown.includes('move (10) steps') && shown.includes('say [Hello!]'),
    `the text view shows the script: ${shown}`);
  await shot('04-text-view');
  await page.fill('#program', shown.replace('move (10) steps', 'move (100) steps'));
  await page.waitForTimeout(700);
  await page.click('#view-blocks');
  const steps = await page.evaluate(() => {
    const ws = window.starling.app.editor.workspace;
    const move = ws.getAllBlocks(false).find((b) => b.type === 'motion_movesteps');
    return move?.getInputTargetBlock('STEPS')?.getFieldValue('NUM');
  });
  assert(String(steps) === '100', `the block now says move (100) steps (${steps})`);
  tops = await topBlocks(page);
  assert(tops.length === 1 && tops[0].count === 3, `still one script of three blocks: ${JSON.stringify(tops)}`);

  // Another sprite: the editor saves this one's blocks and shows the other's, and back.
  await page.evaluate(() => {
    const p = window.starling.app.project;
    const copy = JSON.parse(JSON.stringify(p.json.targets[1]));
    Object.assign(copy, { name: 'Dog', blocks: {}, layerOrder: 2, x: -100 });
    p.json.targets.push(copy);
    p.markChanged('sprite');
    p.setCurrentTarget(2);
  });
  tops = await topBlocks(page);
  assert(tops.length === 0, `the new sprite has no scripts: ${JSON.stringify(tops)}`);
  assert((await page.textContent('#view-target')).includes('Dog'), 'the editor says it shows Dog');
  await dragFromToolbox(page, 'events', 'event_whenflagclicked', async () => {
    const r = await page.evaluate(() => document.getElementById('blocks').getBoundingClientRect().toJSON());
    return { x: r.x + r.width * 0.55, y: r.y + 150 };
  });
  await shot('05b-other-sprite');
  await page.evaluate(() => window.starling.app.project.setCurrentTarget(1));
  tops = await topBlocks(page);
  assert(tops.length === 1 && tops[0].count === 3, `Sprite1's script is back: ${JSON.stringify(tops)}`);
  const dogBlocks = await page.evaluate(() => Object.values(window.starling.app.project.json.targets[2].blocks).map((b) => b.opcode));
  assert(dogBlocks.includes('event_whenflagclicked'), `Dog's block was saved: ${dogBlocks}`);
  await shot('05-back-to-blocks');

  // Chinese: the UI, the blocks and the text view.
  await page.selectOption('#lang', 'zh-CN');
  await page.waitForTimeout(300);
  const zh = await page.evaluate(() => ({
    tab: document.getElementById('view-blocks').textContent,
    labels: [...document.querySelectorAll('.starling-cat-label')].map((e) => e.textContent),
    blockText: [...document.querySelectorAll('#blocks .blocklyBlockCanvas text')].map((e) => e.textContent).join(' '),
  }));
  assert(zh.tab === '积木', `the toggle is in Chinese: ${zh.tab}`);
  assert(zh.labels.includes('运动'), `the categories are in Chinese: ${zh.labels.join(' ')}`);
  assert(zh.blockText.includes('移动') && zh.blockText.includes('说'), `the blocks are in Chinese: ${zh.blockText}`);
  await shot('06-chinese');
  await page.click('#view-text');
  const zhText = await page.inputValue('#program');
  assert(zhText.includes('当绿旗被点击') && zhText.includes('移动 (100) 步'), `the text in Chinese: ${zhText}`);
  await shot('07-chinese-text');
  await page.click('#view-blocks');
});

test('workbench: a custom block, and a mistake in the text shows a friendly message', async ({ page, url }) => {
  const { shot } = await openWorkbench(page, url);
  await openCategory(page, 'my_blocks');
  await page.locator('.blocklyFlyoutButton', { hasText: 'Make a Block' }).first().click();
  await page.waitForSelector('.starling-dialog[data-dialog="make-block"]');
  await page.fill('.starling-dialog input[data-part="0"]', 'jump');
  await page.click('.starling-dialog button[data-action="add-input"]');
  await page.fill('.starling-dialog input[data-part="1"]', 'height');
  await shot('10-make-a-block');
  await page.click('.starling-dialog button.ok');
  await page.waitForFunction(() => Object.values(window.starling.app.project.target().blocks)
    .some((b) => b.opcode === 'procedures_definition'), null, { timeout: 5000 });
  await shot('11-custom-block');
  await page.click('#view-text');
  const text = await page.inputValue('#program');
  assert(text.includes('define jump (height)'), `the text view shows the definition: ${text}`);

  // A mistake: the message, the marked line, the blocks unchanged.
  await page.fill('#program', `${text}\nwhen green flag clicked\nmove (10) stepz\n`);
  await page.waitForSelector('#problems:not([hidden])');
  const message = await page.textContent('#problem-list li');
  assert(/Line \d+/.test(message) && message.length > 30, `a friendly message that says where: ${message}`);
  const marked = await page.$$eval('#code-backdrop mark.error', (m) => m.map((e) => e.textContent));
  assert(marked.some((m) => m.includes('stepz')), `the line is marked: ${marked}`);
  await shot('12-text-mistake');
  await page.click('#view-blocks');
  const kept = await page.evaluate(() => Object.values(window.starling.app.project.target().blocks)
    .filter((b) => b.opcode === 'motion_movesteps').length);
  assert(kept === 0, 'the blocks keep the last text that worked');
  await shot('13-blocks-kept');
});

test('workbench: a problem in the blocks shows its message and highlights the block', async ({ page, url }) => {
  const { shot } = await openWorkbench(page, url);
  // A call of a custom block that has no definition (Scratch ignores it): the loader's note
  // carries the block's id.
  const result = await page.evaluate(async () => {
    const { app } = window.starling;
    const p = app.project;
    const t = p.target();
    t.blocks = {
      hat: { opcode: 'event_whenflagclicked', next: 'call', parent: null, inputs: {}, fields: {}, shadow: false, topLevel: true, x: 40, y: 40 },
      call: { opcode: 'procedures_call', next: null, parent: 'hat', inputs: {}, fields: {}, shadow: false, topLevel: false,
        mutation: { tagName: 'mutation', children: [], proccode: 'fly away', argumentids: '[]', warp: 'false' } },
    };
    app.editor.loadTarget(t, p.stage());
    p.markChanged('blocks');
    await app.reload();
    return {
      problems: [...document.querySelectorAll('#problem-list li')].map((li) => li.textContent),
      hidden: document.getElementById('problems').hidden,
      highlighted: !!document.querySelector('#blocks .starling-error'),
    };
  });
  await shot('20-block-problem');
  assert(!result.hidden && result.problems.length > 0, `the problem is shown: ${JSON.stringify(result)}`);
  assert(result.highlighted, `the block is highlighted: ${JSON.stringify(result)}`);
});

test('workbench: a running program is not restarted by edits; the text follows the selection', async ({ page, url }) => {
  const { shot } = await openWorkbench(page, url);
  await page.click('#view-text');
  await page.fill('#program', 'when green flag clicked\nforever\n  turn right (15) degrees\nend\n');
  await page.click('#green-flag');
  await page.waitForFunction(() => window.starling.player.running);
  const frames = await page.evaluate(() => window.starling.player.pg.frames());
  // An edit while it runs: checked (no mistakes), not loaded, so the program goes on.
  await page.fill('#program', 'when green flag clicked\nforever\n  turn left (15) degrees\nend\n');
  await page.waitForFunction(() => Object.values(window.starling.app.project.target().blocks)
    .some((b) => b.opcode === 'motion_turnleft'), null, { timeout: 5000 });
  await page.waitForTimeout(400);
  const state = await page.evaluate(() => ({
    running: window.starling.player.running,
    frames: window.starling.player.pg.frames(),
    stale: window.starling.app.project.serialize() !== window.starling.bench.loadedJson,
  }));
  assert(state.running && state.frames > frames + 5, `the program kept running: ${JSON.stringify(state)}`);
  assert(state.stale, 'the stage loads the edit at the next green flag');
  await shot('30-running-edit');
  await page.click('#stop');
  await page.waitForFunction(() => window.starling.app.project.serialize() === window.starling.bench.loadedJson,
    null, { timeout: 5000 });

  // Text typed for the sprite goes to the sprite even when the stage is selected right after.
  await page.fill('#program', 'when green flag clicked\nsay [mine]\n');
  await page.evaluate(() => window.starling.app.project.setCurrentTarget(0));
  const after = await page.evaluate(() => window.starling.app.project.json.targets
    .map((t) => Object.values(t.blocks).map((b) => b.opcode).sort().join(',')));
  assert(after[0] === '', `the stage has no blocks: ${after[0]}`);
  assert(after[1].includes('looks_say') && !after[1].includes('motion_turnleft'), `the sprite has the new text: ${after[1]}`);
  assert((await page.inputValue('#program')) === '', 'the text view shows the stage (no scripts)');
  await page.click('#view-blocks');
  const tops = await topBlocks(page);
  assert(tops.length === 0, `the editor shows the stage: ${JSON.stringify(tops)}`);
  await page.evaluate(() => window.starling.app.project.setCurrentTarget(1));
  const back = await topBlocks(page);
  assert(back.length === 1 && back[0].count === 2, `and the sprite's new script: ${JSON.stringify(back)}`);
});

test('workbench: running scripts glow in the editor, and stop when the program stops', async ({ page, url }) => {
  const { shot } = await openWorkbench(page, url);
  await page.click('#view-text');
  await page.fill('#program', 'when green flag clicked\nforever\n  turn right (15) degrees\nend\n\nwhen this sprite clicked\nsay [hi]\n');
  await page.click('#view-blocks');
  await page.click('#green-flag');
  await page.waitForFunction(() => window.starling.player.running);
  await page.waitForFunction(() => document.querySelectorAll('#blocks .starling-glow').length === 1,
    null, { timeout: 5000 });
  const glowing = await page.evaluate(() => {
    const ws = window.starling.app.editor.workspace;
    const root = ws.getTopBlocks(true).find((b) => b.getSvgRoot()?.classList.contains('starling-glow'));
    return root?.type;
  });
  assert(glowing === 'event_whenflagclicked', `the green-flag script glows, not the other: ${glowing}`);
  await shot('40-glow');
  await page.click('#stop');
  await page.waitForFunction(() => document.querySelectorAll('#blocks .starling-glow').length === 0,
    null, { timeout: 5000 });
});

test('workbench: a runtime problem outlines its block, with the message in the language of the page', async ({ page, url }) => {
  const { shot } = await openWorkbench(page, url);
  await page.click('#view-text');
  await page.fill('#program', 'when green flag clicked\nspawn\n\ndefine spawn // run without screen refresh\nrepeat (400)\n  create clone of (myself v)\nend\n');
  await page.click('#view-blocks');
  await page.click('#green-flag');
  await page.waitForFunction(() => !!document.querySelector('#blocks .starling-error'), null, { timeout: 10000 });
  const result = await page.evaluate(() => {
    const ws = window.starling.app.editor.workspace;
    const block = ws.getAllBlocks(false).find((b) => b.getSvgRoot()?.classList.contains('starling-error'));
    return {
      type: block?.type,
      notes: [...document.querySelectorAll('#warning-list li')].map((li) => li.textContent),
    };
  });
  await shot('50-runtime-problem');
  assert(result.type === 'control_create_clone_of', `the clone block is outlined: ${JSON.stringify(result)}`);
  assert(result.notes.some((n) => n.includes('300 clones')), `the note says why: ${JSON.stringify(result.notes)}`);
});
