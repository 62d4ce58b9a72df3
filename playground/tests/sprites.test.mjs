// The sprite pane in a real browser: the library picker, the sprite list and properties, rename,
// duplicate, delete and undo, uploads of pictures (PNG, SVG with scripts, a huge PNG, not a
// picture) and sounds, the costume and sound lists, and the pane in Chinese. Screenshots go to
// playground/test-output/sprites/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, assert, openPlayground, outDir, repo, waitFrames } from './harness.mjs';

const shots = join(outDir, 'sprites');
let shotCount = 0;
async function snap(page, name) {
  mkdirSync(shots, { recursive: true });
  shotCount += 1;
  await page.screenshot({ path: join(shots, `${String(shotCount).padStart(2, '0')}-${name}.png`) });
}

async function open(page, url) {
  await openPlayground(page, url);
  await page.waitForSelector('#sprite-pane .sp-tile');
}

const tiles = (page) => page.$$eval('#sprite-pane .sp-tile', (els) => els.map((e) => e.dataset.name));
const selected = (page) => page.$eval('#sprite-pane .sp-tile[aria-selected=true]', (e) => e.dataset.name).catch(() => null);
/** Waits for the pane's last reload and a few frames on the stage. */
async function settle(page) {
  await page.evaluate(() => window.starling.app.spritesPane.ops.reloaded());
  await page.waitForFunction(() => window.starling.player.loaded);
  await waitFrames(page, 3);
}
const message = (page) => page.$eval('#sprite-pane .sp-message', (e) => (e.hidden ? '' : e.textContent));
const isError = (page) => page.$eval('#sprite-pane .sp-message', (e) => !e.hidden && e.classList.contains('sp-error'));

/** Keeps a copy of the stage's pixels in the page under `name`. */
async function keepPixels(page, name) {
  await page.evaluate((key) => {
    const c = document.getElementById('stage');
    window.__kept ??= {};
    window.__kept[key] = c.getContext('2d').getImageData(0, 0, c.width, c.height).data.slice();
  }, name);
}

/** The pixels that differ from the kept copy: their count and mean position in stage units. */
async function diffFrom(page, name) {
  return page.evaluate((key) => {
    const c = document.getElementById('stage');
    const { data, width } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const old = window.__kept[key];
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.abs(data[i] - old[i]) + Math.abs(data[i + 1] - old[i + 1]) + Math.abs(data[i + 2] - old[i + 2]);
      if (d > 60) {
        n += 1;
        const p = i / 4;
        sx += p % width;
        sy += Math.floor(p / width);
      }
    }
    const scale = width / 480;
    return { n, x: n ? sx / n / scale - 240 : NaN, y: n ? 180 - sy / n / scale : NaN };
  }, name);
}

async function setProp(page, prop, value) {
  const input = `#sprite-pane [data-prop="${prop}"]`;
  await page.fill(input, String(value));
  await page.press(input, 'Enter');
  await settle(page);
}

/** Uploads files through the pane's button `act` (the file chooser a person sees). */
async function upload(page, selector, files) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click(selector)]);
  await chooser.setFiles(files);
}

/** A PNG made by the page's canvas: `w`×`h`, filled with `colour`. */
async function makePng(page, w, h, colour) {
  const b64 = await page.evaluate(async ([width, height, fill]) => {
    const c = new OffscreenCanvas(width, height);
    const ctx = c.getContext('2d');
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, Math.max(1, width / 4), Math.max(1, height / 4));
    const blob = await c.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, [w, h, colour]);
  return Buffer.from(b64, 'base64');
}

/** A short mono 16-bit WAV of a sine tone. */
function makeWav(seconds = 0.3, rate = 22050) {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12000), 44 + i * 2);
  return b;
}

test('sprites: add from the library, see it on the stage, move, rename, duplicate, delete and undo', async ({ page, url }) => {
  await open(page, url);
  await settle(page);
  const start = await tiles(page);
  assert(start.length >= 1, `the default sprite is listed: ${start}`);
  await snap(page, 'opened');
  await keepPixels(page, 'before');

  // The library: search, then choose the dog.
  await page.click('#sprite-pane [data-act="choose-sprite"]');
  await page.waitForSelector('.sp-modal .sp-item');
  const all = await page.$$eval('.sp-modal .sp-item', (els) => els.length);
  assert(all >= 20, `the library shows its sprites (${all})`);
  await snap(page, 'library');
  await page.click('.sp-modal .sp-tag[data-tag="animals"]');
  const animals = await page.$$eval('.sp-modal .sp-item', (els) => els.map((e) => e.dataset.id));
  assert(animals.includes('dog') && !animals.includes('car') && animals.length < all, `the Animals tag filters: ${animals}`);
  await page.fill('.sp-modal .sp-search', 'dog');
  const found = await page.$$eval('.sp-modal .sp-item', (els) => els.map((e) => e.dataset.id));
  assert(found.includes('dog') && found.length <= 3, `searching finds the dog: ${found}`);
  await page.click('.sp-modal .sp-item[data-id="dog"]');
  await page.waitForSelector('.sp-modal', { state: 'detached' });
  await page.waitForFunction((n) => document.querySelectorAll('#sprite-pane .sp-tile').length === n, start.length + 1);
  await settle(page);
  const afterAdd = await tiles(page);
  assert(afterAdd.length === start.length + 1 && afterAdd.includes('Dog'), `the dog is in the list: ${afterAdd}`);
  assert((await selected(page)) === 'Dog', 'and selected');
  const dog = await page.evaluate(() => {
    const { project } = window.starling.app;
    const t = project.json.targets[project.currentTarget];
    return { costumes: t.costumes.length, files: t.costumes.every((c) => project.files.has(c.md5ext)), rc: t.costumes[0].rotationCenterX };
  });
  assert(dog.costumes === 2 && dog.files && dog.rc === 48, `its costumes and files are in the project: ${JSON.stringify(dog)}`);
  const woof = await page.evaluate(() => {
    const { project } = window.starling.app;
    return project.target().sounds.map((s) => ({ name: s.name, dataFormat: s.dataFormat, rate: s.rate, n: s.sampleCount, file: project.files.get(s.md5ext)?.length ?? 0 }));
  });
  assert(woof.length === 1 && woof[0].dataFormat === 'wav' && woof[0].rate === 44100 && woof[0].n > 1000 && woof[0].file > 2000,
    `and its library sound, made by the engine: ${JSON.stringify(woof)}`);

  // Place it with the properties and see it on the stage, then move it.
  await setProp(page, 'y', 0);
  await setProp(page, 'x', -150);
  let d = await diffFrom(page, 'before');
  assert(d.n > 300, `the dog is drawn on the stage (${d.n} pixels changed)`);
  assert(Math.abs(d.x + 150) < 25 && Math.abs(d.y) < 25, `at x -150, y 0 (${d.x.toFixed(1)}, ${d.y.toFixed(1)})`);
  await snap(page, 'dog-left');
  await setProp(page, 'x', 150);
  d = await diffFrom(page, 'before');
  assert(Math.abs(d.x - 150) < 25, `it moved to x 150 (${d.x.toFixed(1)})`);
  const info = await page.evaluate(() => Array.from(window.starling.player.pg.sprite_info(window.starling.app.spritesPane.engineId(window.starling.app.project.currentTarget))));
  assert(info[0] === 150 && info[1] === 0, `the engine has it at 150, 0: ${info}`);
  await snap(page, 'dog-right');

  // Size, direction, hide and show, rotation style.
  await setProp(page, 'size', 150);
  await setProp(page, 'direction', 270);
  const props = await page.evaluate(() => {
    const t = window.starling.app.project.target();
    return [t.size, t.direction];
  });
  assert(props[0] === 150 && props[1] === -90, `size and direction are set (direction wraps): ${props}`);
  await page.click('#sprite-pane [data-visible="false"]');
  await settle(page);
  assert((await diffFrom(page, 'before')).n < 50, 'hidden: the stage is as before');
  await page.click('#sprite-pane [data-visible="true"]');
  await page.selectOption('#sprite-pane [data-prop="rotationStyle"]', 'left-right');
  await settle(page);
  assert((await page.evaluate(() => window.starling.app.project.target().rotationStyle)) === 'left-right', 'rotation style set');
  assert((await diffFrom(page, 'before')).n > 300, 'shown again');

  // A number field with words is refused kindly.
  await page.fill('#sprite-pane [data-prop="x"]', '');
  await page.press('#sprite-pane [data-prop="x"]', 'Enter');
  assert(await isError(page), 'an empty x gets a message');

  // Rename; a name already taken is refused with a message.
  await setProp(page, 'name', 'Rex');
  assert((await tiles(page)).includes('Rex'), 'renamed to Rex');
  await page.fill('#sprite-pane [data-prop="name"]', start[0]);
  await page.press('#sprite-pane [data-prop="name"]', 'Enter');
  assert(await isError(page), 'a taken name shows a message');
  assert((await message(page)).includes(start[0]), `which names it: ${await message(page)}`);
  assert((await page.inputValue('#sprite-pane [data-prop="name"]')) === 'Rex', 'and the name stays Rex');
  await snap(page, 'name-taken');

  // Duplicate, delete, undo.
  await page.click('#sprite-pane .sp-tile[aria-selected=true] .sp-mini:not(.sp-danger)');
  await settle(page);
  assert((await tiles(page)).includes('Rex2') && (await selected(page)) === 'Rex2', `duplicated: ${await tiles(page)}`);
  await page.click('#sprite-pane .sp-tile[aria-selected=true] .sp-danger');
  await settle(page);
  assert(!(await tiles(page)).includes('Rex2'), 'Rex2 deleted');
  assert((await message(page)).includes('Rex2'), 'the message names it');
  await snap(page, 'deleted');
  await page.click('#sprite-pane .sp-undo');
  await settle(page);
  assert((await tiles(page)).includes('Rex2'), 'undo brings it back');
  await page.click('#sprite-pane .sp-tile[data-name="Rex"]');
  assert((await selected(page)) === 'Rex', 'clicking a tile selects it');
  assert((await page.evaluate(() => window.starling.app.project.target().name)) === 'Rex', 'for the editor too');
  await page.click('#sprite-pane .sp-tile[aria-selected=true] .sp-danger');
  await settle(page);
  assert(!(await tiles(page)).includes('Rex'), 'Rex deleted');

  // The stage and a backdrop from the library.
  await page.click('#sprite-pane .sp-stage-tile');
  assert((await page.evaluate(() => window.starling.app.project.target().isStage)), 'the stage is selected');
  await keepPixels(page, 'white');
  await page.click('#sprite-pane [data-act="choose-backdrop"]');
  await page.waitForSelector('.sp-modal .sp-item');
  await page.click('.sp-modal .sp-item[data-id]');
  await page.waitForFunction(() => window.starling.app.project.stage().costumes.length === 2);
  await settle(page);
  const stage = await page.evaluate(() => window.starling.app.project.stage());
  assert(stage.costumes.length === 2 && stage.currentCostume === 1, 'a backdrop was added and shown');
  assert((await diffFrom(page, 'white')).n > 20000, 'the stage shows the new backdrop');
  await snap(page, 'backdrop');
});

test('sprites: upload pictures and sounds, with friendly messages for bad files', async ({ page, url }) => {
  await open(page, url);
  await settle(page);
  const before = await tiles(page);
  const png = await makePng(page, 40, 30, '#e03131');
  await upload(page, '#sprite-pane [data-act="upload-sprite"]', { name: 'red box.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction((n) => document.querySelectorAll('#sprite-pane .sp-tile').length === n, before.length + 1);
  await settle(page);
  assert((await selected(page)) === 'red box', `the new sprite is named after the file: ${await selected(page)}`);
  let costume = await page.evaluate(() => window.starling.app.project.target().costumes[0]);
  assert(costume.dataFormat === 'png' && costume.bitmapResolution === 1 && costume.rotationCenterX === 20, `a PNG costume: ${JSON.stringify(costume)}`);
  await snap(page, 'png-sprite');

  // An SVG costume with a script, an event handler and a link to another file: cleaned.
  const svg = `<?xml version="1.0"?><?xml-stylesheet href="https://example.com/s.css"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="40" onload="alert(1)">
    <script>alert(2)</script><rect width="60" height="40" fill="#2f9e44" onclick="alert(3)"/>
    <image href="https://example.com/x.png" width="10" height="10"/><use xlink:href="http://example.com/a.svg#b"/>
    <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject></svg>`;
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-costume"]', { name: 'green.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
  await page.waitForFunction(() => window.starling.app.project.target().costumes.length === 2);
  await settle(page);
  const stored = await page.evaluate(() => {
    const { project } = window.starling.app;
    const c = project.target().costumes[1];
    return { c, text: new TextDecoder().decode(project.files.get(c.md5ext)) };
  });
  assert(stored.c.dataFormat === 'svg' && stored.c.name === 'green', `an SVG costume: ${JSON.stringify(stored.c)}`);
  assert(!/script|onload|onclick|example\.com|foreignObject/i.test(stored.text), `scripts and links removed: ${stored.text}`);
  assert(/<rect/.test(stored.text), 'the drawing is kept');
  assert(/removed/.test(await message(page)), `the message says so: ${await message(page)}`);
  const list = await page.$$eval('#sprite-pane .sp-assets-list .sp-asset', (els) => els.length);
  assert(list === 2, 'the costume list shows both');
  await snap(page, 'svg-costume');

  // Not a picture (whatever its name says).
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-costume"]', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('hello, this is text') });
  await page.waitForFunction(() => !document.querySelector('#sprite-pane .sp-message').hidden);
  assert(await isError(page), 'a text file is refused');
  assert(/not a picture/.test(await message(page)) && (await message(page)).includes('photo.png'), `with a friendly message: ${await message(page)}`);
  assert((await page.evaluate(() => window.starling.app.project.target().costumes.length)) === 2, 'and nothing is added');
  await snap(page, 'not-a-picture');

  // A huge picture is scaled down while decoding, and the page stays responsive.
  const huge = await makePng(page, 8000, 8000, '#1971c2');
  const t0 = Date.now();
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-costume"]', { name: 'huge.png', mimeType: 'image/png', buffer: huge });
  await page.waitForFunction(() => window.starling.app.project.target().costumes.length === 3, null, { timeout: 30000 });
  await settle(page);
  const big = await page.evaluate(async () => {
    const { project } = window.starling.app;
    const c = project.target().costumes[2];
    const bmp = await createImageBitmap(new Blob([project.files.get(c.md5ext)]));
    return { c, w: bmp.width, h: bmp.height };
  });
  assert(big.w <= 960 && big.h <= 720 && big.c.bitmapResolution === 2 && big.c.rotationCenterX === Math.round(big.w / 2), `scaled to fit, centred: ${JSON.stringify(big)}`);
  console.log(`      (an 8000×8000 PNG took ${Date.now() - t0} ms to add)`);
  // Choose the current costume from the list.
  await page.click('#sprite-pane .sp-assets-list .sp-asset[data-index="0"]');
  await settle(page);
  assert((await page.evaluate(() => window.starling.app.project.target().currentCostume)) === 0, 'clicking a costume chooses it');
  // Rename a costume; delete one (the last one is kept).
  await page.fill('#sprite-pane .sp-asset[data-index="1"] input', 'leaf');
  await page.press('#sprite-pane .sp-asset[data-index="1"] input', 'Enter');
  await settle(page);
  assert((await page.evaluate(() => window.starling.app.project.target().costumes[1].name)) === 'leaf', 'costume renamed');
  // A GIF (becomes a PNG) and a JPEG (kept) at once.
  const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
  const jpeg = Buffer.from(await page.evaluate(async () => {
    const c = new OffscreenCanvas(20, 10);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#f08c00';
    ctx.fillRect(0, 0, 20, 10);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  }), 'base64');
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-costume"]', [
    { name: 'dot.gif', mimeType: 'image/gif', buffer: gif },
    { name: 'orange.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  await page.waitForFunction(() => window.starling.app.project.target().costumes.length === 5);
  const formats = await page.evaluate(() => window.starling.app.project.target().costumes.slice(3).map((c) => `${c.name}:${c.dataFormat}`));
  assert(formats.join() === 'dot:png,orange:jpg', `GIF becomes PNG, JPEG stays: ${formats}`);
  // The last costume cannot be deleted; others can, with undo.
  await page.click('#sprite-pane .sp-asset[data-index="4"] .sp-danger');
  await page.waitForFunction(() => window.starling.app.project.target().costumes.length === 4);
  assert(/orange/.test(await message(page)), `deleting a costume says which: ${await message(page)}`);
  await snap(page, 'costumes');

  // Sounds.
  await page.click('#sprite-pane .sp-tabs [data-tab="sounds"]');
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-sound"]', { name: 'beep.wav', mimeType: 'audio/wav', buffer: makeWav() });
  await page.waitForFunction(() => window.starling.app.project.target().sounds.length === 1);
  const sound = await page.evaluate(() => window.starling.app.project.target().sounds[0]);
  assert(sound.name === 'beep' && sound.rate === 22050 && sound.sampleCount === Math.round(0.3 * 22050), `a WAV sound: ${JSON.stringify(sound)}`);
  await page.waitForSelector('#sprite-pane .sp-assets-list .sp-asset');
  await page.click('#sprite-pane .sp-assets-list .sp-asset .sp-mini');  // play
  // A built-in sound from the library picker (with a preview).
  await page.click('#sprite-pane [data-asset-act="sprites.act.choose-sound"]');
  await page.waitForSelector('.sp-modal[data-library="sound"] .sp-item');
  const offered = await page.$$eval('.sp-modal .sp-item', (els) => els.length);
  assert(offered >= 20, `the sound library lists its sounds (${offered})`);
  await page.click('.sp-modal .sp-item[data-id="meow"] .sp-preview');
  await snap(page, 'sound-library');
  await page.click('.sp-modal .sp-item[data-id="meow"]');
  await page.waitForFunction(() => window.starling.app.project.target().sounds.length === 2);
  const meow = await page.evaluate(() => window.starling.app.project.target().sounds[1]);
  assert(meow.name === 'Meow' && meow.rate === 44100, `the meow is added: ${JSON.stringify(meow)}`);
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-sound"]', { name: 'song.mp3', mimeType: 'audio/mpeg', buffer: png });
  await page.waitForFunction(() => !document.querySelector('#sprite-pane .sp-message').hidden && document.querySelector('#sprite-pane .sp-message').classList.contains('sp-error'));
  assert(/not a sound/.test(await message(page)), `a picture is not a sound: ${await message(page)}`);
  assert((await page.evaluate(() => window.starling.app.project.target().sounds.length)) === 2, 'nothing added');
  await snap(page, 'sounds');
});

test('sprites: the pane and the library in Chinese', async ({ page, url }) => {
  await open(page, url);
  await page.evaluate(() => window.starling.setLang('zh-CN'));
  const button = await page.textContent('#sprite-pane [data-act="choose-sprite"]');
  assert(button === '选择一个角色', `the button is in Chinese: ${button}`);
  await page.click('#sprite-pane [data-act="choose-sprite"]');
  await page.waitForSelector('.sp-modal .sp-item');
  const dog = await page.textContent('.sp-modal .sp-item[data-id="dog"] span');
  assert(dog === '小狗', `the dog is 小狗: ${dog}`);
  const tag = await page.textContent('.sp-modal .sp-tag[data-tag="animals"]');
  assert(tag === '动物', `the tag is 动物: ${tag}`);
  await page.fill('.sp-modal .sp-search', '熊猫');
  const found = await page.$$eval('.sp-modal .sp-item', (els) => els.map((e) => e.dataset.id));
  assert(found.length === 1 && found[0] === 'panda', `searching in Chinese finds the panda: ${found}`);
  await snap(page, 'library-zh');
  await page.click('.sp-modal .sp-item[data-id="panda"]');
  await page.waitForSelector('#sprite-pane .sp-tile[data-name="熊猫"]');
  await settle(page);
  assert((await selected(page)) === '熊猫', `the new sprite has its Chinese name: ${await selected(page)}`);
  const costumeName = await page.evaluate(() => window.starling.app.project.target().costumes[0].name);
  assert(costumeName === '熊猫 a', `and its costumes too: ${costumeName}`);
  const label = await page.textContent('#sprite-pane .sp-tabs [data-tab="costumes"]');
  assert(label === '造型', `the tabs are in Chinese: ${label}`);
  await snap(page, 'pane-zh');
  await page.keyboard.press('Escape');
});

test('sprites: pressing a sprite on the stage selects it, and x and y follow it as it is dragged', async ({ page, url }) => {
  await open(page, url);
  await settle(page);
  const cat = (await tiles(page))[0];
  await page.click('#sprite-pane .sp-stage-tile');
  assert((await selected(page)) === null, 'the stage is selected');
  const box = await page.$eval('#stage', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  const at = (sx, sy) => [box.x + ((sx + 240) / 480) * box.w, box.y + ((180 - sy) / 360) * box.h];
  const info = await page.evaluate(() => Array.from(window.starling.player.pg.sprite_info(1)));
  const [x0, y0] = at(info[0], info[1]);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  assert((await selected(page)) === cat, `pressing the cat selects it: ${await selected(page)}`);
  for (let i = 1; i <= 10; i++) {
    const [x, y] = at(info[0] + i * 10, info[1] + i * 5);
    await page.mouse.move(x, y);
  }
  await waitFrames(page, 3);
  const live = await page.evaluate(() => [
    Number(document.querySelector('#sprite-pane [data-prop="x"]').value),
    Number(document.querySelector('#sprite-pane [data-prop="y"]').value),
  ]);
  assert(Math.abs(live[0] - (info[0] + 100)) <= 2 && Math.abs(live[1] - (info[1] + 50)) <= 2,
    `x and y follow the drag: ${live} (from ${info[0]}, ${info[1]})`);
  await page.mouse.up();
  await snap(page, 'dragged');
});

test('sprites: the last costume stays; a sprite can be renamed in Chinese; OGG becomes WAV, MP3 stays, a broken MP3 is refused', async ({ page, url }) => {
  await open(page, url);
  await settle(page);
  // Delete costumes until one is left: the last one is refused kindly.
  let n = await page.evaluate(() => window.starling.app.project.target().costumes.length);
  while (n > 1) {
    await page.click('#sprite-pane .sp-asset[data-index="0"] .sp-danger');
    await page.waitForFunction((k) => window.starling.app.project.target().costumes.length === k, n - 1);
    n -= 1;
  }
  await page.click('#sprite-pane .sp-asset[data-index="0"] .sp-danger');
  assert(await isError(page), 'the last costume cannot be deleted');
  assert(/at least one costume/.test(await message(page)), `and the message says why: ${await message(page)}`);
  await page.evaluate(() => window.starling.setLang('zh-CN'));
  await setProp(page, 'name', '小猫咪');
  assert((await tiles(page)).includes('小猫咪'), 'a Chinese name');
  // OGG (kept as WAV, as Starling saves sounds) and MP3 (kept) from the audio fixtures; a
  // truncated MP3 is refused kindly.
  await page.click('#sprite-pane .sp-tabs [data-tab="sounds"]');
  const fixture = (name) => readFileSync(join(repo, 'audio', 'tests', 'fixtures', name));
  const before = await page.evaluate(() => window.starling.app.project.target().sounds.length);
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-sound"]', [
    { name: 'stereo.ogg', mimeType: 'audio/ogg', buffer: fixture('sine_stereo.ogg') },
    { name: 'sine.mp3', mimeType: 'audio/mpeg', buffer: fixture('sine.mp3') },
  ]);
  await page.waitForFunction((k) => window.starling.app.project.target().sounds.length === k, before + 2);
  const added = await page.evaluate(() => window.starling.app.project.target().sounds.slice(-2));
  assert(added[0].name === 'stereo' && added[0].dataFormat === 'wav' && added[0].md5ext.endsWith('.wav') && added[0].sampleCount > 1000,
    `the OGG is kept as WAV: ${JSON.stringify(added[0])}`);
  assert(added[1].name === 'sine' && added[1].dataFormat === 'mp3' && added[1].rate > 0, `the MP3 is kept: ${JSON.stringify(added[1])}`);
  await upload(page, '#sprite-pane [data-asset-act="sprites.act.upload-sound"]', { name: 'broken.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from([0xff, 0xfb, 0x90, 0x00, 1, 2, 3]) });
  await page.waitForFunction(() => /broken\.mp3/.test(document.querySelector('#sprite-pane .sp-message').textContent));
  assert(await isError(page), `a broken MP3 gets a message: ${await message(page)}`);
  await snap(page, 'last-costume-zh');
});

test('sprites: a duplicated sprite gets its own blocks and variables, and runs', async ({ page, url }) => {
  await open(page, url);
  await settle(page);
  await page.click('#sprite-pane .sp-stage-tile');
  const result = await page.evaluate(async () => {
    const { project, spritesPane } = window.starling.app;
    const i = project.json.targets.findIndex((t) => !t.isStage);
    const sprite = project.json.targets[i];
    sprite.variables = { v1: ['score', 0] };
    sprite.blocks = {
      hat: { opcode: 'event_whenflagclicked', next: 'set', parent: null, inputs: {}, fields: {}, shadow: false, topLevel: true, x: 0, y: 0 },
      set: { opcode: 'data_setvariableto', next: null, parent: 'hat', inputs: { VALUE: [1, [10, '5']] }, fields: { VARIABLE: ['score', 'v1'] }, shadow: false, topLevel: false },
      rep: [12, 'score', 'v1', 100, 100],
    };
    await spritesPane.ops.duplicateSprite(i);
    await spritesPane.ops.reloaded();
    const copy = project.json.targets.at(-1);
    const ids = Object.keys(copy.blocks);
    const set = Object.values(copy.blocks).find((b) => b.opcode === 'data_setvariableto');
    const hat = Object.values(copy.blocks).find((b) => b.opcode === 'event_whenflagclicked');
    const rep = Object.values(copy.blocks).find((b) => Array.isArray(b));
    const varId = Object.keys(copy.variables)[0];
    return {
      name: copy.name, ids, varId, field: set.fields.VARIABLE[1], rep: rep[2],
      linked: copy.blocks[hat.next] === set && copy.blocks[set.parent] === hat,
      originalKept: sprite.blocks.set.fields.VARIABLE[1] === 'v1',
      engine: window.starling.player.pg.sprite_info(2).length > 0,
    };
  });
  assert(result.varId !== 'v1' && result.field === result.varId && result.rep === result.varId, `the copy has its own variable: ${JSON.stringify(result)}`);
  assert(!result.ids.some((id) => ['hat', 'set', 'rep'].includes(id)) && result.linked, `and its own linked blocks: ${JSON.stringify(result)}`);
  assert(result.originalKept && result.engine, `the original is unchanged and both are on the stage: ${JSON.stringify(result)}`);
});
