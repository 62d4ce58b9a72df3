// Files and never losing work: open .sb3 (file picker and drag and drop), save and reopen,
// the title, autosave across a reload, New + Recent projects, and friendly refusals of bad
// files. Screenshots in playground/test-output/files/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { test, assert, openPlayground, outDir, repo } from './harness.mjs';

const shots = join(outDir, 'files');

/** The shared benchmark projects (shared/ beside the repository; the repository's copy else). */
function benchDir() {
  for (const dir of [join(repo, '..', 'shared', 'bench', 'sb3'), '/work/shared/bench/sb3',
    join(repo, 'tests', 'fixtures', 'sb3', 'bench')]) {
    if (existsSync(join(dir, 'expected.json'))) return dir;
  }
  throw new Error('no bench projects found');
}

async function shotInto(page, name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function ready(page, url) {
  await openPlayground(page, url);
  await page.waitForFunction(() => !!window.starlingFiles, null, { timeout: 30000 });
}

/** The note the file menu shows: { kind, text } (null when hidden). */
async function noteOf(page) {
  return page.evaluate(() => {
    const n = document.getElementById('files-note');
    return n && !n.hidden ? { kind: n.dataset.kind, text: n.textContent } : null;
  });
}

async function waitNote(page, kind) {
  await page.waitForFunction((k) => {
    const n = document.getElementById('files-note');
    return n && !n.hidden && n.dataset.kind === k;
  }, kind, { timeout: 20000 });
  return noteOf(page);
}

/** Green flag, then waits until a bubble or monitor on the stage shows `answer`. */
async function expectAnswer(page, answer) {
  await page.click('#green-flag');
  await page.waitForFunction((a) => window.starling.player.pg.frame_extras().includes(a), answer, { timeout: 30000 });
}

const hideNote = (page) => page.evaluate(() => { document.getElementById('files-note').hidden = true; });

/** Does `action`, then waits for the file menu's note of `kind` ('ok', 'error'). */
async function act(page, kind, action) {
  await hideNote(page);
  await action();
  return waitNote(page, kind);
}

const openWithPicker = (page, path) => act(page, 'ok', () => page.setInputFiles('#files-input', path));

const title = (page) => page.inputValue('#project-title');

test('files: open an .sb3 from the bench with the file picker; its answer shows', async ({ page, url }) => {
  const dir = benchDir();
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  await ready(page, url);
  await page.click('#files-menu-button');
  await shotInto(page, '01-menu');
  await page.keyboard.press('Escape');
  await openWithPicker(page, join(dir, 'primes.sb3'));
  assert((await title(page)) === 'primes', `the title comes from the file name: ${await title(page)}`);
  await expectAnswer(page, expected.primes);
  await shotInto(page, '02-primes-answer');
});

test('files: save to the computer and open the saved file again (page and CLI)', async ({ page, url }) => {
  const dir = benchDir();
  await ready(page, url);
  await openWithPicker(page, join(dir, 'primes.sb3'));
  await page.fill('#project-title', 'Primes: 素数/test?');
  await page.click('#files-menu-button');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#files-save')]);
  const name = download.suggestedFilename();
  assert(name === 'Primes 素数 test.sb3', `a safe file name from the title: ${name}`);
  mkdirSync(shots, { recursive: true });
  const saved = join(shots, name);
  await download.saveAs(saved);
  await shotInto(page, '03-saved');
  // A zip whose project.json says who wrote it, with every file.
  const bytes = readFileSync(saved);
  assert(bytes[0] === 0x50 && bytes[1] === 0x4b, 'the download is a zip');
  const info = await page.evaluate(async (data) => {
    const { projectJson, files } = await window.starlingFiles.unzip(new Uint8Array(data));
    const json = JSON.parse(projectJson);
    const p = window.starlingFiles.getProject();
    return { meta: json.meta, files: [...files.keys()].sort(), want: [...p.files.keys()].sort(), targets: json.targets.length };
  }, [...bytes]);
  assert(info.meta.semver === '3.0.0' && info.meta.agent === 'Starling', `meta: ${JSON.stringify(info.meta)}`);
  assert(JSON.stringify(info.files) === JSON.stringify(info.want), `every file is in the zip: ${info.files} vs ${info.want}`);
  // The saved file opens again in Starling and gives the same answer.
  await page.click('#files-menu-button');
  await act(page, 'ok', () => page.click('#files-new'));
  await openWithPicker(page, saved);
  assert((await title(page)) === 'Primes 素数 test', `reopened title: ${await title(page)}`);
  await expectAnswer(page, '2262');
  await shotInto(page, '04-reopened');
  // And natively: the CLI loads it.
  const cli = process.env.STARLING || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'release', 'starling');
  if (existsSync(cli)) {
    const out = execFileSync(cli, ['run', saved], { encoding: 'utf8', timeout: 60000 });
    assert(out.includes('2262'), `the CLI runs the saved project: ${out}`);
  }
  // And in Scratch 3's own engine, when shared/bench's engines are installed (bench/setup.sh).
  const peers = process.env.PEERS_DIR || join(homedir(), '.cache', 'starling-peers');
  const runBench = join(benchDir(), '..', 'run_bench.js');
  if (existsSync(join(peers, 'vm5', 'node_modules', 'scratch-vm')) && existsSync(runBench)) {
    const out = execFileSync('node', [runBench, 'vm5', 'turbo', saved, '1'], {
      encoding: 'utf8', timeout: 120000, env: { ...process.env, PEERS_DIR: peers },
    });
    assert(out.includes('"said":"2262"'), `scratch-vm runs the saved project: ${out}`);
    console.log('     (scratch-vm 5 opened the saved file and said 2262)');
  }
});

test('files: the project is autosaved and comes back after a reload', async ({ page, url }) => {
  await ready(page, url);
  await page.fill('#project-title', 'Autosave 自动保存');
  // A change to the project itself, as the editor makes them.
  await page.evaluate(() => {
    const p = window.starlingFiles.getProject();
    p.json.targets[0].variables.autosaveCheck = ['autosave check', 42];
    p.markChanged('test');
  });
  await page.waitForFunction(() => window.starlingFiles.autosave.saves >= 1, null, { timeout: 10000 });
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!window.starlingFiles, null, { timeout: 30000 });
  assert((await title(page)) === 'Autosave 自动保存', `the title came back: ${await title(page)}`);
  const variable = await page.evaluate(() => window.starlingFiles.getProject().json.targets[0].variables.autosaveCheck);
  assert(variable && variable[1] === 42, `the change came back: ${JSON.stringify(variable)}`);
  await shotInto(page, '05-restored');
  // A change is written when the tab is hidden, without waiting for the second to pass.
  await page.evaluate(() => { window.starlingFiles.autosave.delay = 60000; });
  await page.fill('#project-title', 'Hidden tab');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForFunction(() => window.starlingFiles.autosave.saves >= 1, null, { timeout: 5000 });
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!window.starlingFiles, null, { timeout: 30000 });
  assert((await title(page)) === 'Hidden tab', `saved on visibilitychange: ${await title(page)}`);
});

test('files: a project that stopped the page twice while opening is not opened a third time', async ({ page, url }) => {
  await ready(page, url);
  await page.fill('#project-title', 'Troublesome');
  await page.waitForFunction(() => window.starlingFiles.autosave.saves >= 1, null, { timeout: 10000 });
  // As if the last two loads never got ready.
  await page.evaluate(() => localStorage.setItem('starling.restoring', '2'));
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!window.starlingFiles, null, { timeout: 30000 });
  const note = await waitNote(page, 'info');
  assert(/Recent projects/.test(note.text), `it says where the project is: ${note.text}`);
  assert((await title(page)) !== 'Troublesome', 'a fresh project');
  await page.click('#files-menu-button');
  await page.waitForSelector('#files-recent li:has-text("Troublesome")');
  // The next load is normal again.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!window.starlingFiles, null, { timeout: 30000 });
  assert((await title(page)) === 'Troublesome', `restored again: ${await title(page)}`);
});

test('files: New keeps the old project in Recent; reopening and deleting work', async ({ page, url }) => {
  const dir = benchDir();
  await ready(page, url);
  await openWithPicker(page, join(dir, 'primes.sb3'));
  await page.click('#files-menu-button');
  await act(page, 'ok', () => page.click('#files-new'));
  const fresh = await title(page);
  assert(fresh !== 'primes', `a new project has its own title: ${fresh}`);
  await page.click('#files-menu-button');
  await page.waitForSelector('#files-recent li');
  await shotInto(page, '06-recent');
  const titles = await page.$$eval('#files-recent .files-recent-title', (els) => els.map((e) => e.textContent));
  assert(titles.includes('primes'), `primes is in Recent projects: ${titles}`);
  await act(page, 'ok', () => page.click('#files-recent li:has-text("primes") .files-recent-open'));
  assert((await title(page)) === 'primes', `reopened: ${await title(page)}`);
  await expectAnswer(page, '2262');
  // Deleting asks first; "Keep" keeps it.
  await page.click('#files-menu-button');
  await page.click('#files-recent li:has-text("primes") .files-recent-delete');
  await page.waitForSelector('.files-confirm');
  await shotInto(page, '07-delete-confirm');
  await page.click('.files-confirm-no');
  await page.waitForSelector('#files-recent li:has-text("primes") .files-recent-open');
  await page.click('#files-recent li:has-text("primes") .files-recent-delete');
  await page.click('.files-confirm-yes');
  await page.waitForFunction(() => ![...document.querySelectorAll('#files-recent .files-recent-title')]
    .some((e) => e.textContent === 'primes'), null, { timeout: 10000 });
});

test('files: a damaged, wrong or huge file gets a friendly message and the project stays', async ({ page, url }) => {
  await ready(page, url);
  await page.fill('#project-title', 'Keep me');
  const before = await page.evaluate(() => JSON.stringify(window.starlingFiles.getProject().json));
  const cases = [
    { name: 'broken.sb3', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\u0003\u0004 this is not really a zip file at all') },
    { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) },
    { name: 'notes.sb3', mimeType: 'application/octet-stream', buffer: Buffer.from('hello, I am just text') },
    // A project with an error (a block inside itself): the compiler's words.
    { name: 'loop.sb3', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ targets: [{
      isStage: true, name: 'Stage', costumes: [], sounds: [],
      blocks: { f: { opcode: 'control_forever', next: null, parent: null, inputs: { SUBSTACK: [2, 'f'] }, fields: {}, shadow: false, topLevel: true } },
    }] })), expect: /has a problem: .*loop/ },
  ];
  // A cut-off copy of a real project.
  const real = readFileSync(join(benchDir(), 'hello.sb3'));
  cases.push({ name: 'cut.sb3', mimeType: 'application/octet-stream', buffer: real.subarray(0, real.length - 60) });
  let n = 0;
  for (const { expect, ...file } of cases) {
    const note = await act(page, 'error', () => page.setInputFiles('#files-input', file));
    assert(/could not be opened/.test(note.text), `${file.name}: a friendly message: ${note.text}`);
    if (expect) assert(expect.test(note.text), `${file.name}: ${note.text}`);
    n += 1;
    if (n === 1) await shotInto(page, '08-damaged');
  }
  // Too big: refused before reading it.
  const big = await act(page, 'error', () => page.evaluate(() => window.starlingFiles.openFile(
    new File([new Uint8Array(51 * 1024 * 1024)], 'huge.sb3'))));
  assert(/50 MB/.test(big.text), `too big: ${big.text}`);
  // The message in Chinese.
  await page.selectOption('#lang', 'zh-CN');
  const zh = await act(page, 'error', () => page.setInputFiles('#files-input', cases[2]));
  assert(/打不开/.test(zh.text), `in Chinese: ${zh.text}`);
  await shotInto(page, '09-damaged-zh');
  assert((await title(page)) === 'Keep me', `the title is kept: ${await title(page)}`);
  const after = await page.evaluate(() => JSON.stringify(window.starlingFiles.getProject().json));
  assert(after === before, 'the project is untouched');
});

test('files: drop an .sb3 onto the page to open it', async ({ page, url }) => {
  await ready(page, url);
  const bytes = [...readFileSync(join(benchDir(), 'hello.sb3'))];
  await hideNote(page);
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'hello.sb3', { type: 'application/x.scratch.sb3' }));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await waitNote(page, 'ok');
  assert((await title(page)) === 'hello', `dropped: ${await title(page)}`);
  await expectAnswer(page, 'Hello!');
  await shotInto(page, '10-dropped');
});

test('files: without storage (private mode, full disk) the page works and says so gently', async ({ page, url }) => {
  // A browser that refuses IndexedDB.
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function open() { throw new DOMException('refused', 'SecurityError'); };
  });
  await ready(page, url);
  const note = await waitNote(page, 'info');
  assert(/not keeping a copy/.test(note.text), `a gentle note: ${note.text}`);
  await shotInto(page, '11-no-storage');
  await page.fill('#project-title', 'Still works');
  const dir = benchDir();
  await openWithPicker(page, join(dir, 'hello.sb3'));
  await expectAnswer(page, 'Hello!');
});

test('files: a full disk gives a gentle note and the page goes on', async ({ page, url }) => {
  await ready(page, url);
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = function put() { throw new DOMException('full', 'QuotaExceededError'); };
  });
  await hideNote(page);
  await page.fill('#project-title', 'Too big to keep');
  const note = await waitNote(page, 'info');
  assert(/no more room/.test(note.text), `a gentle note: ${note.text}`);
  assert((await title(page)) === 'Too big to keep', 'the page goes on');
});

test('files: Recent keeps the last 10 projects and stores each file once', async ({ page, url }) => {
  await ready(page, url);
  const r = await page.evaluate(async () => {
    const { autosave, getProject } = window.starlingFiles;
    const base = getProject();
    const Project = base.constructor;
    for (let i = 0; i < 12; i++) {
      const p = new Project(JSON.parse(JSON.stringify(base.json)), new Map(base.files), `copy ${i}`);
      await autosave.saveNow(p, { fresh: true });
    }
    const list = await autosave.list();
    const db = await autosave.db();
    const keys = await new Promise((resolve) => {
      const req = db.transaction('files').objectStore('files').getAllKeys();
      req.onsuccess = () => resolve(req.result);
    });
    return { titles: list.map((e) => e.title), keys: keys.sort(), want: [...base.files.keys()].sort() };
  });
  assert(r.titles.length === 10, `10 kept: ${r.titles}`);
  assert(r.titles[0] === 'copy 11' && !r.titles.includes('copy 1'), `the newest first, the oldest gone: ${r.titles}`);
  assert(JSON.stringify(r.keys) === JSON.stringify(r.want), `each file stored once: ${r.keys} vs ${r.want}`);
});

test('files: safe file names and the zip writer (unit)', async ({ page, url }) => {
  await ready(page, url);
  const r = await page.evaluate(async () => {
    const f = window.starlingFiles;
    const names = ['a/b:c*?', '  ..hidden.. ', 'CON', '', '我的作品', 'x'.repeat(200)].map((s) => f.safeFileName(s));
    const text = new TextEncoder().encode('hello '.repeat(100));
    const blob = await f.zip([['a.txt', text], ['b.png', new Uint8Array([1, 2, 3])]]);
    const { projectJson } = await f.unzip(new Uint8Array(await blob.arrayBuffer())).catch((e) => ({ projectJson: e.key }));
    return { names, projectJson, size: blob.size };
  });
  assert(JSON.stringify(r.names.slice(0, 5)) === JSON.stringify(['a b c', 'hidden', 'CON_', 'project', '我的作品']), `names: ${r.names}`);
  assert(r.names[5].length === 80, 'long names are cut');
  assert(r.projectJson === 'sb3.noProject', `a zip without project.json is read and refused: ${r.projectJson}`);
  assert(r.size < 600, `text is compressed: ${r.size} bytes`);
});
