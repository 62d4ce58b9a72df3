// Browser tests of the block editor on its development page (web/editor-dev.html), in headless
// Chromium driven by playwright-core. Run from playground/: `node tests/editor.mjs`.
//
// They drag blocks from the toolbox with the mouse, make a variable and a custom block through
// the dialogs, switch to Chinese, check that every palette block of the catalog is in the
// toolbox, load every example program (converted to project.json by the CLI) and check that it
// comes back out of the editor the same — and runs the same in Starling. Screenshots go to
// playground/test-output/editor/. Ends with "N passed, N failed"; exits 1 on any failure.
//
// Environment: CHROMIUM (default /usr/bin/chromium), STARLING (the CLI binary; default
// ../target/release/starling, built with `cargo build --release -p starling` if missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { canonicalBlocks, readZipEntry } from './editor-canonical.mjs';
import { PLAYGROUND, startEditorServer } from './editor-serve.mjs';

const ROOT = resolve(PLAYGROUND, '..');
const OUT = join(PLAYGROUND, 'test-output', 'editor');
const SHOTS = OUT;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let passed = 0;
let currentTest = '';
let failed = 0;
const failures = [];

async function test(name, fn) {
  currentTest = name;
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${message}\n  expected ${b.slice(0, 600)}\n  actual   ${a.slice(0, 600)}`);
}

/** The first difference between two JSON texts, for a readable failure. */
function firstDifference(a, b) {
  const al = JSON.stringify(a, null, 1).split('\n');
  const bl = JSON.stringify(b, null, 1).split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) {
      return `line ${i}:\n  before: ${al.slice(Math.max(0, i - 3), i + 3).join(' ')}\n  after:  ${bl.slice(Math.max(0, i - 3), i + 3).join(' ')}`;
    }
  }
  return 'no difference';
}

// ---------------------------------------------------------------------------------------------
// Tests that need no browser
// ---------------------------------------------------------------------------------------------

await test('editor translations: en and zh-CN have the same keys, none empty', async () => {
  const dir = join(PLAYGROUND, 'web', 'src', 'editor', 'i18n');
  const en = JSON.parse(readFileSync(join(dir, 'en.json'), 'utf8'));
  const zh = JSON.parse(readFileSync(join(dir, 'zh-CN.json'), 'utf8'));
  const missingZh = Object.keys(en).filter((k) => !(k in zh));
  const missingEn = Object.keys(zh).filter((k) => !(k in en));
  assert(!missingZh.length, `missing in zh-CN.json: ${missingZh.join(', ')}`);
  assert(!missingEn.length, `missing in en.json: ${missingEn.join(', ')}`);
  for (const [lang, table] of [['en', en], ['zh-CN', zh]]) {
    for (const [k, v] of Object.entries(table)) assert(typeof v === 'string' && v.length > 0, `${lang} ${k} is empty`);
  }
});

await test('the editor\'s copy of the catalog parses and has every palette block', async () => {
  const catalog = JSON.parse(readFileSync(join(PLAYGROUND, 'web', 'src', 'editor', 'catalog.json'), 'utf8'));
  const palette = catalog.blocks.filter((b) => b.status === 'palette' && !b.shadow);
  assert(palette.length > 100, `only ${palette.length} palette blocks`);
  assert(catalog.categories.length === 12, 'twelve categories');
});

// ---------------------------------------------------------------------------------------------
// Example programs as project.json, made by the CLI
// ---------------------------------------------------------------------------------------------

function starlingBinary() {
  const bin = process.env.STARLING ?? join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'release', 'starling');
  if (!existsSync(bin)) {
    console.log('building the starling CLI (cargo build --release -p starling) …');
    execFileSync('cargo', ['build', '--release', '-q', '-p', 'starling'], { cwd: ROOT, stdio: 'inherit' });
  }
  return bin;
}

const STARLING = starlingBinary();
const EXAMPLES_OUT = join(OUT, 'examples');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(EXAMPLES_OUT, { recursive: true });

async function unzipProjectJson(sb3) {
  const json = await readZipEntry(readFileSync(sb3), 'project.json');
  if (!json) throw new Error(`${sb3} has no project.json`);
  return JSON.parse(json.toString('utf8'));
}

const examples = await Promise.all(readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.sb.txt'))
  .sort()
  .map(async (f) => {
    const name = f.replace(/\.sb\.txt$/, '');
    const sb3 = join(EXAMPLES_OUT, `${name}.sb3`);
    execFileSync(STARLING, ['convert', join(ROOT, 'examples', f), sb3], { stdio: 'pipe' });
    const argsFile = join(ROOT, 'examples', `${name}.args`);
    const args = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
    return { name, project: await unzipProjectJson(sb3), args };
  }));

function runProject(project, args, file) {
  writeFileSync(file, JSON.stringify(project));
  const r = spawnSync(STARLING, ['run', file, '--seconds', '3', ...args.filter((a, i, all) => a !== '--seconds' && all[i - 1] !== '--seconds')], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------------

const server = await startEditorServer();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
const page = await context.newPage();
const consoleProblems = [];
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()} (${currentTest}): ${m.text()}`);
});
page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
page.on('requestfailed', (r) => consoleProblems.push(`request failed: ${r.url()}`));

async function open(lang = 'en') {
  await page.goto(`${server.url}editor-dev.html?lang=${lang}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  // A block's words as a person reads them: its text pieces (and those of the values inside it)
  // from left to right.
  await page.evaluate(() => {
    window.blockText = (block) => {
      // The block and the values in its inputs, not the blocks after it.
      const own = new Set(block.getDescendants(false).map((b) => b.id));
      for (let next = block.getNextBlock(); next; next = next.getNextBlock()) {
        for (const b of next.getDescendants(false)) own.delete(b.id);
      }
      return [...block.getSvgRoot().querySelectorAll('text')]
        .filter((t) => own.has(t.closest('g[data-id]')?.getAttribute('data-id')))
        .map((t) => ({ x: t.getBoundingClientRect().x, text: t.textContent.replace(/\u00a0/g, ' ').trim() }))
      .filter((t) => t.text)
      .sort((a, b) => a.x - b.x)
      .map((t) => t.text)
      .join(' ');
    };
  });
}

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The serialised target the page shows (after pending changes). */
async function saved() {
  return page.evaluate(() => window.starlingEditor.editor.saveTarget());
}

/** Selects a toolbox category by its id. */
async function openCategory(id) {
  await page.evaluate((cat) => {
    const toolbox = window.starlingEditor.editor.workspace.getToolbox();
    toolbox.setSelectedItem(toolbox.getToolboxItemById(cat));
  }, id);
  await page.waitForTimeout(150);
}

/**
 * The screen rectangle of a block's own shape (its path, without the blocks inside it), from
 * the flyout (`flyout: true`, the first block of that type) or the workspace (by id).
 */
async function shapeRect(idOrType, flyout = false) {
  return page.evaluate(([key, inFlyout]) => {
    const ws = window.starlingEditor.editor.workspace;
    const block = inFlyout
      ? ws.getToolbox().getFlyout().getWorkspace().getTopBlocks(true).find((b) => b.type === key)
      : ws.getBlockById(key);
    if (!block) return null;
    const r = block.pathObject.svgPath.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, [idOrType, flyout]);
}

const flyoutBlockRect = (type) => shapeRect(type, true);
const blockRect = (id) => shapeRect(id, false);

/** Where the next block of a script goes: the left and bottom of its last block's shape. */
async function scriptEnd(topId) {
  const lastId = await page.evaluate((id) => {
    let block = window.starlingEditor.editor.workspace.getBlockById(id);
    while (block.getNextBlock()) block = block.getNextBlock();
    return block.id;
  }, topId);
  const r = await blockRect(lastId);
  return { x: r.x, y: r.y + r.height };
}

/** A real mouse drag from one point to another, in small steps. */
async function drag(from, to) {
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

/**
 * Drags a block of `type` out of category `cat` so that its top-left lands at `at` (a point, or
 * an async function giving one once the category is open).
 */
async function dragFromToolbox(cat, type, target) {
  await openCategory(cat);
  const at = typeof target === 'function' ? await target() : target;
  const r = await flyoutBlockRect(type);
  assert(r, `${type} is in the ${cat} flyout`);
  // Grab near the block's left edge, on its text rather than a slot.
  const grab = { x: r.x + 8, y: r.y + Math.min(14, r.height / 2) };
  if (process.env.DEBUG_DRAG) console.log('drag', type, r, at);
  await drag(grab, { x: at.x + 8, y: at.y + Math.min(14, r.height / 2) });
}

async function topBlocks() {
  return page.evaluate(() => window.starlingEditor.editor.workspace.getTopBlocks(true).map((b) => ({ id: b.id, type: b.type })));
}

async function clickFlyoutButton(textContent) {
  await page.locator('.blocklyFlyoutButton', { hasText: textContent }).first().click();
}

await open('en');

await test('the page opens with the toolbox and an empty workspace', async () => {
  const categories = await page.evaluate(() => window.starlingEditor.editor.workspace.getToolbox().getToolboxItems().map((i) => i.getId()));
  assertEqual(categories, ['motion', 'looks', 'sound', 'events', 'control', 'sensing', 'operators', 'variables', 'my_blocks', 'pen', 'music'], 'categories in Scratch\'s order');
  const out = await saved();
  assertEqual(out.blocks, {}, 'no blocks yet');
  await shot('01-open');
});

await test('every palette block of the catalog is in the toolbox (sprite and stage)', async () => {
  const result = await page.evaluate(async () => {
    const { editor, catalog, project } = window.starlingEditor;
    const ws = editor.workspace;
    const collect = () => {
      const types = new Set();
      const toolbox = ws.getToolbox();
      for (const item of toolbox.getToolboxItems()) {
        toolbox.setSelectedItem(item);
        for (const b of toolbox.getFlyout().getWorkspace().getTopBlocks(false)) types.add(b.type);
      }
      return types;
    };
    // Variables and lists show their blocks once one exists.
    ws.getVariableMap().createVariable('v', '', 'test-var');
    ws.getVariableMap().createVariable('l', 'list', 'test-list');
    const sprite = collect();
    project.isStage = true;
    editor.refreshToolbox();
    ws.getVariableMap().createVariable('v', '', 'test-var');
    ws.getVariableMap().createVariable('l', 'list', 'test-list');
    const stage = collect();
    project.isStage = false;
    editor.loadTarget({ isStage: false, name: 'Sprite1', blocks: {} }, { isStage: true, blocks: {} });
    const palette = catalog.blocks.filter((b) => b.status === 'palette' && !b.shadow).map((b) => b.opcode);
    const custom = ['procedures_definition', 'procedures_call', 'argument_reporter_string_number', 'argument_reporter_boolean'];
    const wanted = palette.filter((p) => !custom.includes(p));
    return {
      wanted,
      missing: wanted.filter((p) => !sprite.has(p) && !stage.has(p)),
      extra: [...sprite, ...stage].filter((p) => !palette.includes(p) && p !== 'procedures_call'),
      spriteCount: [...sprite].filter((p) => wanted.includes(p)).length,
      stageCount: [...stage].filter((p) => wanted.includes(p)).length,
      stageHasMotion: [...stage].some((p) => p.startsWith('motion_')),
    };
  });
  assert(result.missing.length === 0, `missing from the toolbox: ${result.missing.join(', ')}`);
  assert(result.extra.length === 0, `in the toolbox but not palette blocks: ${result.extra.join(', ')}`);
  assert(!result.stageHasMotion, 'the stage has no motion blocks');
  // A sprite's palette lacks only Scratch's two stage-only blocks.
  assertEqual(result.spriteCount, result.wanted.length - 2, 'sprite palette size');
  console.log(`     ${result.wanted.length} palette blocks; a sprite shows ${result.spriteCount}, the stage ${result.stageCount} (plus custom blocks)`);
});

await test('drag when flag clicked, move (10) steps and say [Hello!] into one script with the mouse', async () => {
  await open('en');
  await dragFromToolbox('events', 'event_whenflagclicked', { x: 520, y: 160 });
  let tops = await topBlocks();
  assert(tops.length === 1 && tops[0].type === 'event_whenflagclicked', `the hat is on the workspace: ${JSON.stringify(tops)}`);
  await dragFromToolbox('motion', 'motion_movesteps', () => scriptEnd(tops[0].id));
  tops = await topBlocks();
  assert(tops.length === 1, `move snapped under the hat: ${JSON.stringify(tops)}`);
  await dragFromToolbox('looks', 'looks_say', () => scriptEnd(tops[0].id));
  tops = await topBlocks();
  assert(tops.length === 1, `say snapped under move: ${JSON.stringify(tops)}`);
  await page.waitForTimeout(100);
  // The page's live JSON (updated by onChange) and saveTarget agree.
  const shown = JSON.parse(await page.locator('#output').inputValue());
  const out = await saved();
  assertEqual(shown.blocks, out.blocks, 'the live JSON is current');
  const blocks = Object.values(out.blocks);
  const hatBlock = blocks.find((b) => b.opcode === 'event_whenflagclicked');
  const move = out.blocks[hatBlock.next];
  const say = out.blocks[move.next];
  assert(hatBlock.topLevel && hatBlock.parent === null, 'hat is top level');
  assertEqual(move.opcode, 'motion_movesteps', 'second block');
  assertEqual(move.inputs.STEPS, [1, [4, '10']], 'move (10) steps');
  assertEqual(move.parent, Object.keys(out.blocks).find((k) => out.blocks[k] === hatBlock), 'move\'s parent');
  assertEqual(say.opcode, 'looks_say', 'third block');
  assertEqual(say.inputs.MESSAGE, [1, [10, 'Hello!']], 'say [Hello!]');
  assertEqual(say.next, null, 'say ends the script');
  assertEqual(blocks.length, 3, 'three blocks (shadows are primitives)');
  await shot('02-dragged-script');
});

await test('undo and redo', async () => {
  const before = Object.keys((await saved()).blocks).length;
  await page.click('#undo');
  await page.waitForTimeout(150);
  const undone = Object.keys((await saved()).blocks).length;
  await page.click('#redo');
  await page.waitForTimeout(150);
  const redone = Object.keys((await saved()).blocks).length;
  assert(undone < before, `undo removed the last block (${before} → ${undone})`);
  assertEqual(redone, before, 'redo put it back');
});

await test('typing into a number slot keeps only what the slot takes', async () => {
  const id = await page.evaluate(() => {
    const ws = window.starlingEditor.editor.workspace;
    const move = ws.getAllBlocks(false).find((b) => b.type === 'motion_movesteps');
    return move.getInputTargetBlock('STEPS').id;
  });
  const r = await blockRect(id);
  await page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  await page.waitForSelector('.blocklyHtmlInput');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('-2x5.5');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(150);
  const out = await saved();
  const move = Object.values(out.blocks).find((b) => b.opcode === 'motion_movesteps');
  assertEqual(move.inputs.STEPS, [1, [4, '-25.5']], 'letters are not typed into a number');
});

await test('make a variable for this sprite only, and use it', async () => {
  await openCategory('variables');
  await clickFlyoutButton('Make a Variable');
  await page.waitForSelector('.starling-dialog[data-dialog="new-variable"]');
  await page.fill('.starling-dialog input[type=text]', 'score');
  await page.check('.starling-dialog input[value=local]');
  await shot('03-variable-dialog');
  await page.click('.starling-dialog button.ok');
  await page.waitForTimeout(200);
  const out = await saved();
  const entries = Object.entries(out.variables);
  assertEqual(entries.map(([, v]) => v), [['score', 0]], 'a sprite variable named score');
  const globals = await page.evaluate(() => window.starlingEditor.editor.saveGlobals());
  assertEqual(globals.variables, {}, 'not a stage variable');
  // Its blocks are in the palette now; drag `set [score v] to (0)` out.
  await dragFromToolbox('variables', 'data_setvariableto', { x: 520, y: 420 });
  const after = await saved();
  const set = Object.values(after.blocks).find((b) => b.opcode === 'data_setvariableto');
  assertEqual(set.fields.VARIABLE, ['score', entries[0][0]], 'the field names the variable and its id');
  assertEqual(set.inputs.VALUE, [1, [10, '0']], 'set … to (0)');
  // A second variable with the same name is refused.
  await openCategory('variables');
  await clickFlyoutButton('Make a Variable');
  await page.fill('.starling-dialog input[type=text]', 'score');
  await page.click('.starling-dialog button.ok');
  const error = await page.locator('.starling-dialog .error').textContent();
  assert(error.includes('already exists'), `a clash is explained: ${error}`);
  await page.click('.starling-dialog button.cancel');
  await shot('04-variable');
});

await test('make a custom block with a number input that runs without screen refresh', async () => {
  await openCategory('my_blocks');
  await clickFlyoutButton('Make a Block');
  await page.waitForSelector('.starling-dialog[data-dialog="make-block"]');
  await page.fill('.starling-dialog input[data-part="0"]', 'jump');
  await page.click('.starling-dialog button[data-action="add-input"]');
  await page.fill('.starling-dialog input[data-part="1"]', 'height');
  await page.click('.starling-dialog button[data-action="add-label"]');
  await page.fill('.starling-dialog input[data-part="2"]', 'high');
  await page.check('.starling-dialog input[data-role="warp"]');
  await shot('05-make-a-block');
  await page.click('.starling-dialog button.ok');
  await page.waitForTimeout(250);
  const out = await saved();
  const blocks = Object.values(out.blocks);
  const def = blocks.find((b) => b.opcode === 'procedures_definition');
  assert(def && def.topLevel, 'a define block');
  const protoId = def.inputs.custom_block[1];
  const proto = out.blocks[protoId];
  assertEqual(def.inputs.custom_block[0], 1, 'the prototype is the define block\'s shadow');
  assertEqual(proto.opcode, 'procedures_prototype', 'prototype');
  assert(proto.shadow === true && proto.parent === Object.keys(out.blocks).find((k) => out.blocks[k] === def), 'prototype is a shadow of define');
  const m = proto.mutation;
  assertEqual([m.tagName, m.proccode, m.argumentnames, m.argumentdefaults, m.warp], ['mutation', 'jump %s high', '["height"]', '[""]', 'true'], 'prototype mutation');
  const argIds = JSON.parse(m.argumentids);
  assertEqual(argIds.length, 1, 'one argument id');
  const reporter = out.blocks[proto.inputs[argIds[0]][1]];
  assertEqual([reporter.opcode, reporter.fields.VALUE[0], reporter.shadow], ['argument_reporter_string_number', 'height', true], 'argument reporter shadow');

  // The palette now has a call; drag it out.
  await dragFromToolbox('my_blocks', 'procedures_call', { x: 520, y: 560 });
  const after = await saved();
  const call = Object.values(after.blocks).find((b) => b.opcode === 'procedures_call');
  assert(call, 'a call of the custom block');
  assertEqual([call.mutation.proccode, call.mutation.argumentids, call.mutation.warp], ['jump %s high', m.argumentids, 'true'], 'call mutation');
  assertEqual(call.inputs[argIds[0]], [1, [10, '']], 'the call has an empty text slot for height');
  await shot('06-custom-block');
});

await test('drag an argument out of the define block to make a copy', async () => {
  const ids = await page.evaluate(() => {
    const ws = window.starlingEditor.editor.workspace;
    const proto = ws.getAllBlocks(false).find((b) => b.type === 'procedures_prototype');
    const shadow = proto.inputList.find((i) => i.connection)?.connection.targetBlock();
    return { shadow: shadow.id, def: proto.getParent().id };
  });
  const r = await blockRect(ids.shadow);
  const before = await topBlocks();
  await drag({ x: r.x + r.width / 2, y: r.y + r.height / 2 }, { x: 820, y: 110 });
  const after = await topBlocks();
  const copies = after.filter((b) => b.type === 'argument_reporter_string_number');
  assertEqual(copies.length, 1, 'one loose copy of the argument');
  assertEqual(after.length, before.length + 1, 'the define script stayed where it was');
  const out = await saved();
  const copy = Object.values(out.blocks).find((b) => b.opcode === 'argument_reporter_string_number' && !b.shadow);
  assertEqual([copy.fields.VALUE[0], copy.topLevel], ['height', true], 'the copy is a loose height reporter');
});

await test('edit the custom block: rename its input, add a boolean; calls follow; undo', async () => {
  const defId = await page.evaluate(() => window.starlingEditor.editor.workspace.getAllBlocks(false).find((b) => b.type === 'procedures_definition').id);
  const r = await blockRect(defId);
  await page.mouse.click(r.x + 12, r.y + r.height - 8, { button: 'right' });
  await page.locator('.blocklyContextMenu .blocklyMenuItem', { hasText: 'Edit' }).click();
  await page.waitForSelector('.starling-dialog[data-dialog="make-block"]');
  assertEqual(await page.inputValue('.starling-dialog input[data-part="1"]'), 'height', 'the dialog shows the block as it is');
  await page.fill('.starling-dialog input[data-part="1"]', 'size');
  await page.click('.starling-dialog button[data-action="add-boolean"]');
  await page.click('.starling-dialog button.ok');
  await page.waitForTimeout(250);
  const before = await saved();
  const proto = Object.values(before.blocks).find((b) => b.opcode === 'procedures_prototype');
  assertEqual([proto.mutation.proccode, proto.mutation.argumentnames, proto.mutation.argumentdefaults], ['jump %s high %b', '["size","boolean"]', '["","false"]'], 'the new prototype');
  const ids = JSON.parse(proto.mutation.argumentids);
  const call = Object.values(before.blocks).find((b) => b.opcode === 'procedures_call');
  assertEqual([call.mutation.proccode, call.mutation.argumentids], ['jump %s high %b', proto.mutation.argumentids], 'the call follows');
  assert(call.inputs[ids[0]], 'the call keeps its first slot (same argument id)');
  await shot('07-edited-custom-block');
  await page.click('#undo');
  await page.waitForTimeout(200);
  const undone = await saved();
  const protoBack = Object.values(undone.blocks).find((b) => b.opcode === 'procedures_prototype');
  const callBack = Object.values(undone.blocks).find((b) => b.opcode === 'procedures_call');
  assertEqual([protoBack.mutation.proccode, callBack.mutation.proccode, protoBack.mutation.argumentnames], ['jump %s high', 'jump %s high', '["height"]'], 'one undo restores the block and its calls');
});

await test('rename a variable from its reporter\'s menu', async () => {
  await openCategory('variables');
  const r = await flyoutBlockRect('data_variable');
  await page.mouse.click(r.x + 10, r.y + r.height / 2, { button: 'right' });
  await page.locator('.blocklyContextMenu .blocklyMenuItem', { hasText: 'Rename variable' }).click();
  await page.waitForSelector('.starling-dialog[data-dialog="rename"]');
  assertEqual(await page.inputValue('.starling-dialog input[type=text]'), 'score', 'the dialog starts with the old name');
  await page.fill('.starling-dialog input[type=text]', 'points');
  await page.click('.starling-dialog button.ok');
  await page.waitForTimeout(200);
  const out = await saved();
  const [id, value] = Object.entries(out.variables)[0];
  assertEqual(value, ['points', 0], 'renamed, same value');
  const set = Object.values(out.blocks).find((b) => b.opcode === 'data_setvariableto');
  assertEqual(set.fields.VARIABLE, ['points', id], 'its blocks follow');
});

await test('a new broadcast message from the dropdown', async () => {
  await dragFromToolbox('events', 'event_broadcast', { x: 720, y: 640 });
  const menuId = await page.evaluate(() => {
    const ws = window.starlingEditor.editor.workspace;
    return ws.getAllBlocks(false).find((b) => b.type === 'event_broadcast').getInputTargetBlock('BROADCAST_INPUT').id;
  });
  const r = await blockRect(menuId);
  await page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  await page.locator('.blocklyDropDownDiv .blocklyMenuItem', { hasText: 'New message' }).click();
  await page.waitForSelector('.starling-dialog[data-dialog="new-message"]');
  await page.fill('.starling-dialog input[type=text]', 'go');
  await page.click('.starling-dialog button.ok');
  await page.waitForTimeout(200);
  const out = await saved();
  const broadcast = Object.values(out.blocks).find((b) => b.opcode === 'event_broadcast');
  const globals = await page.evaluate(() => window.starlingEditor.editor.saveGlobals());
  const goId = Object.entries(globals.broadcasts).find(([, name]) => name === 'go')?.[0];
  assert(goId, `the stage knows the message: ${JSON.stringify(globals.broadcasts)}`);
  assertEqual(broadcast.inputs.BROADCAST_INPUT, [1, [11, 'go', goId]], 'broadcast (go v)');
});

await test('right-click a block: duplicate, add comment, delete', async () => {
  const say = await page.evaluate(() => window.starlingEditor.editor.workspace.getAllBlocks(false).find((b) => b.type === 'looks_say').id);
  const r = await blockRect(say);
  await page.mouse.click(r.x + 10, r.y + 10, { button: 'right' });
  await page.waitForSelector('.blocklyContextMenu .blocklyMenuItem');
  const items = await page.locator('.blocklyContextMenu .blocklyMenuItem').allTextContents();
  for (const want of ['Duplicate', 'Add Comment', 'Delete Block']) {
    assert(items.some((i) => i.includes(want)), `the menu has ${want}: ${items.join(' | ')}`);
  }
  for (const unwanted of ['Collapse', 'Disable', 'Inline']) {
    assert(!items.some((i) => i.includes(unwanted)), `no ${unwanted} (Scratch has none): ${items.join(' | ')}`);
  }
  await shot('07-context-menu');
  await page.locator('.blocklyContextMenu .blocklyMenuItem', { hasText: 'Add Comment' }).click();
  await page.waitForTimeout(200);
  await page.keyboard.type('say it loud');
  await page.mouse.click(700, 700);
  await page.waitForTimeout(200);
  const out = await saved();
  const sayBlock = Object.entries(out.blocks).find(([, b]) => b.opcode === 'looks_say');
  assert(sayBlock[1].comment, 'the say block has a comment');
  const comment = out.comments[sayBlock[1].comment];
  assertEqual([comment.blockId, comment.text], [sayBlock[0], 'say it loud'], 'the comment in project.json');
  await shot('08-comment');
});

await test('a long press on a block opens its menu (touch)', async () => {
  const move = await page.evaluate(() => window.starlingEditor.editor.workspace.getAllBlocks(false).find((b) => b.type === 'motion_movesteps').id);
  const r = await blockRect(move);
  const cdp = await context.newCDPSession(page);
  const point = { x: r.x + 12, y: r.y + 12, id: 1, radiusX: 1, radiusY: 1, force: 1 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await page.waitForTimeout(1200);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForSelector('.blocklyContextMenu .blocklyMenuItem', { timeout: 3000 });
  await shot('09-long-press');
  await page.keyboard.press('Escape');
  await page.mouse.click(700, 700);
});

await test('highlight a block with a friendly message, and glow a running script', async () => {
  const ids = await page.evaluate(() => {
    const ws = window.starlingEditor.editor.workspace;
    return {
      move: ws.getAllBlocks(false).find((b) => b.type === 'motion_movesteps').id,
      hat: ws.getAllBlocks(false).find((b) => b.type === 'event_whenflagclicked').id,
    };
  });
  const shown = await page.evaluate((id) => window.starlingEditor.editor.highlightBlock(id, { en: 'This number is too big.', zh: '这个数太大了。' }), ids.move);
  assert(shown, 'the block was found');
  await page.waitForTimeout(300);
  const bubble = await page.locator('.blocklyBubble, .blocklyTextBubble, .blocklyWarningBubble').allTextContents();
  assert(bubble.join(' ').includes('This number is too big.'), `the message is shown: ${bubble.join(' | ')}`);
  await page.evaluate((id) => window.starlingEditor.editor.glow([id]), ids.move);
  const glowing = await page.evaluate((id) => window.starlingEditor.editor.workspace.getBlockById(id).getSvgRoot().classList.contains('starling-glow'), ids.hat);
  assert(glowing, 'the whole script (its hat) glows');
  await shot('10-highlight-and-glow');
  await page.evaluate(() => {
    window.starlingEditor.editor.glow([]);
    window.starlingEditor.editor.clearHighlight();
  });
  const still = await page.locator('.starling-glow').count();
  assertEqual(still, 0, 'glow cleared');
});

await test('switch to Chinese: 移动 (10) 步 and the same project', async () => {
  const before = await saved();
  await page.selectOption('#lang', 'zh-CN');
  await page.waitForTimeout(400);
  const text = await page.evaluate(() => {
    const ws = window.starlingEditor.editor.workspace;
    return window.blockText(ws.getAllBlocks(false).find((b) => b.type === 'motion_movesteps'));
  });
  assertEqual(text, '移动 -25.5 步', 'the move block reads 移动 (…) 步');
  const categories = await page.locator('.starling-cat-label').allTextContents();
  assert(categories.includes('运动') && categories.includes('自制积木'), `categories in Chinese: ${categories.join(' ')}`);
  await openCategory('motion');
  const flyoutText = await page.evaluate(() => {
    const flyout = window.starlingEditor.editor.workspace.getToolbox().getFlyout();
    return window.blockText(flyout.getWorkspace().getTopBlocks(true).find((b) => b.type === 'motion_movesteps'));
  });
  assertEqual(flyoutText, '移动 10 步', 'the palette reads 移动 (10) 步');
  const after = await saved();
  assertEqual(canonicalBlocks(after.blocks, after.comments), canonicalBlocks(before.blocks, before.comments), 'switching language keeps every block');
  assertEqual(after.variables, before.variables, 'and every variable');
  await shot('11-chinese');
  await page.evaluate(() => window.starlingEditor.editor.workspace.getToolbox().setSelectedItem(
    window.starlingEditor.editor.workspace.getToolbox().getToolboxItemById('variables')));
  await page.waitForTimeout(200);
  const buttons = await page.locator('.blocklyFlyoutButton').allTextContents();
  assert(buttons.some((b) => b.includes('建立一个变量')), `Chinese buttons: ${buttons.join(' | ')}`);
  await page.selectOption('#lang', 'en');
  await page.waitForTimeout(300);
});

await test('dropdowns list the project\'s sprites, costumes and broadcasts', async () => {
  const options = await page.evaluate(() => {
    const { editor, project } = window.starlingEditor;
    const ws = editor.workspace;
    const make = (type) => {
      const b = ws.newBlock(type);
      b.initSvg();
      b.render();
      return b;
    };
    const goto = make('motion_goto_menu');
    const costume = make('looks_costume');
    const receive = make('event_whenbroadcastreceived');
    const result = {
      goto: goto.getField('TO').getOptions(false).map((o) => o[1]),
      costume: costume.getField('COSTUME').getOptions(false).map((o) => o[1]),
      broadcast: receive.getField('BROADCAST_OPTION').getOptions(false).map((o) => o[0]),
      project,
    };
    for (const b of [goto, costume, receive]) b.dispose();
    return result;
  });
  assertEqual(options.goto, ['_random_', '_mouse_', 'Dog'], 'go to: random, mouse, the other sprite');
  assertEqual(options.costume, ['costume1', 'costume2'], 'costumes');
  assert(options.broadcast.includes('New message'), `broadcasts offer a new message: ${options.broadcast}`);
});

await test('the stage: no motion blocks, its variables are for all sprites', async () => {
  const project = {
    targets: [
      { isStage: true, name: 'Stage', variables: { v1: ['lives', 3] }, lists: {}, broadcasts: { b1: 'start' }, blocks: {}, comments: {}, costumes: [{ name: 'sky' }] },
      { isStage: false, name: 'Cat', variables: { v2: ['speed', 5] }, lists: {}, broadcasts: {}, blocks: {}, comments: {}, costumes: [{ name: 'cat-a' }] },
    ],
  };
  await page.evaluate((p) => window.starlingEditor.loadProject(p, 0), project);
  await openCategory('motion');
  const labels = await page.locator('.blocklyFlyoutLabelText').allTextContents();
  assert(labels.some((l) => l.includes('Stage selected')), `the motion category explains: ${labels.join(' | ')}`);
  assertEqual(await flyoutBlockRect('motion_movesteps'), null, 'no motion blocks for the stage');
  await openCategory('variables');
  await clickFlyoutButton('Make a Variable');
  await page.waitForSelector('.starling-dialog[data-dialog="new-variable"]');
  assertEqual(await page.locator('.starling-dialog input[type=radio]').count(), 0, 'no "this sprite only" on the stage');
  await page.fill('.starling-dialog input[type=text]', 'level');
  await page.click('.starling-dialog button.ok');
  await page.waitForTimeout(200);
  const out = await saved();
  assertEqual(Object.values(out.variables).sort(), [['level', 0], ['lives', 3]], 'the stage\'s variables');
  assertEqual(out.broadcasts, { b1: 'start' }, 'the stage keeps the messages');
  await shot('15-stage');
});

// ---------------------------------------------------------------------------------------------
// Every example program through the editor and back
// ---------------------------------------------------------------------------------------------

for (const example of examples) {
  await test(`round trip: ${example.name}`, async () => {
    const result = await page.evaluate((project) => {
      const { loadProject, editor } = window.starlingEditor;
      const out = { targets: [], warnings: [] };
      for (let i = 0; i < project.targets.length; i++) {
        out.warnings.push(...loadProject(project, i));
        out.targets.push(editor.saveTarget());
        out.globals = editor.saveGlobals();
      }
      return out;
    }, example.project);
    assertEqual(result.warnings, [], 'no warnings');
    const rebuilt = JSON.parse(JSON.stringify(example.project));
    example.project.targets.forEach((target, i) => {
      const before = canonicalBlocks(target.blocks, target.comments);
      const after = canonicalBlocks(result.targets[i].blocks, result.targets[i].comments);
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        throw new Error(`${target.name} changed: ${firstDifference(before, after)}`);
      }
      assertEqual(result.targets[i].variables, target.variables, `${target.name}'s variables`);
      assertEqual(result.targets[i].lists, target.lists, `${target.name}'s lists`);
      Object.assign(rebuilt.targets[i], {
        blocks: result.targets[i].blocks,
        comments: result.targets[i].comments,
        variables: result.targets[i].variables,
        lists: result.targets[i].lists,
        broadcasts: target.isStage ? result.globals.broadcasts : result.targets[i].broadcasts,
      });
    });
    const stage = example.project.targets.find((t) => t.isStage);
    assertEqual(Object.values(result.globals.broadcasts).sort(), Object.values(stage.broadcasts).sort(), 'broadcasts');
    // The editor's output runs exactly as the original does.
    const original = runProject(example.project, example.args, join(EXAMPLES_OUT, `${example.name}.json`));
    const again = runProject(rebuilt, example.args, join(EXAMPLES_OUT, `${example.name}.roundtrip.json`));
    assertEqual(again.status, original.status, 'exit status');
    assertEqual(again.out, original.out, 'what the program says');
    assertEqual(again.err, original.err, 'diagnostics');
  });
}

// Scratch's own files (scratch-vm's execute tests and the benchmark projects): older shapes,
// inputs without shadows, missing mutations, loose reporters.
const fixtureDirs = ['conformance', 'bench'].map((d) => join(ROOT, 'tests', 'fixtures', 'sb3', d));
for (const dir of fixtureDirs.filter(existsSync)) {
  await test(`round trip: every Scratch project in tests/fixtures/sb3/${dir.split('/').pop()}`, async () => {
    const problems = [];
    const files = readdirSync(dir).filter((f) => f.endsWith('.sb3')).sort();
    for (const file of files) {
      const project = await unzipProjectJson(join(dir, file));
      const result = await page.evaluate((p) => {
        const out = [];
        for (let i = 0; i < p.targets.length; i++) {
          window.starlingEditor.loadProject(p, i);
          out.push(window.starlingEditor.editor.saveTarget());
        }
        return { out, globals: window.starlingEditor.editor.saveGlobals() };
      }, project);
      const rebuilt = JSON.parse(JSON.stringify(project));
      project.targets.forEach((target, i) => {
        const before = canonicalBlocks(target.blocks, target.comments);
        const after = canonicalBlocks(result.out[i].blocks, result.out[i].comments);
        if (JSON.stringify(before) !== JSON.stringify(after)) problems.push(`${file} ${target.name}: ${firstDifference(before, after)}`);
        Object.assign(rebuilt.targets[i], { blocks: result.out[i].blocks, comments: result.out[i].comments });
        if (!target.isStage) Object.assign(rebuilt.targets[i], { variables: result.out[i].variables, lists: result.out[i].lists });
      });
      const name = file.replace(/\.sb3$/, '');
      const original = runProject(project, [], join(EXAMPLES_OUT, `fixture-${name}.json`));
      const again = runProject(rebuilt, [], join(EXAMPLES_OUT, `fixture-${name}.roundtrip.json`));
      if (again.out !== original.out || again.status !== original.status) problems.push(`${file} runs differently after the editor`);
    }
    assert(problems.length === 0, problems.join('\n'));
    console.log(`     ${files.length} projects`);
  });
}

await test('a loaded example looks right', async () => {
  const bubble = examples.find((e) => e.name === 'bubble_sort') ?? examples[0];
  await page.evaluate((project) => window.starlingEditor.loadProject(project, 1), bubble.project);
  await page.waitForTimeout(300);
  await shot('12-example-bubble-sort');
  await page.selectOption('#lang', 'zh-CN');
  await page.waitForTimeout(400);
  await shot('13-example-bubble-sort-zh');
  await page.selectOption('#lang', 'en');
});

await test('blocks Starling does not know are kept as they were', async () => {
  const project = {
    targets: [
      { isStage: true, name: 'Stage', variables: {}, lists: {}, broadcasts: {}, blocks: {}, comments: {} },
      {
        isStage: false, name: 'Sprite1', variables: {}, lists: {}, broadcasts: {}, comments: {},
        blocks: {
          hat: { opcode: 'event_whenflagclicked', next: 'tts', parent: null, inputs: {}, fields: {}, shadow: false, topLevel: true, x: 10, y: 20 },
          tts: { opcode: 'text2speech_speakAndWait', next: 'say', parent: 'hat', inputs: { WORDS: [1, [10, 'hello']] }, fields: {}, shadow: false, topLevel: false },
          say: { opcode: 'looks_say', next: null, parent: 'tts', inputs: { MESSAGE: [3, 'voice', [10, 'hi']] }, fields: {}, shadow: false, topLevel: false },
          voice: { opcode: 'text2speech_menu_voices', next: null, parent: 'say', inputs: {}, fields: { voices: ['ALTO', null] }, shadow: false, topLevel: false },
        },
      },
    ],
  };
  const result = await page.evaluate((p) => {
    const warnings = window.starlingEditor.loadProject(p, 1);
    return { warnings, out: window.starlingEditor.editor.saveTarget() };
  }, project);
  assert(result.warnings.length >= 1, 'a warning says the block is unknown');
  const before = canonicalBlocks(project.targets[1].blocks);
  const after = canonicalBlocks(result.out.blocks);
  assertEqual(after, before, 'the unknown blocks come back unchanged');
  await shot('14-unknown-block');
});

await test('no console errors or warnings', async () => {
  assert(consoleProblems.length === 0, consoleProblems.join('\n'));
});

await browser.close();
await server.close();

console.log(`\n${passed} passed, ${failed} failed`);
if (failed) {
  console.log(`failed: ${failures.join('; ')}`);
  process.exit(1);
}
