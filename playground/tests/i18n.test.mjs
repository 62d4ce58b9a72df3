// The translation files: every key in both languages, nothing empty, the same {placeholders},
// and every key the page uses exists.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, assert, playground } from './harness.mjs';

const web = join(playground, 'web');
const load = (lang) => JSON.parse(readFileSync(join(web, 'i18n', `${lang}.json`), 'utf8'));

test('both translation files have the same keys, none empty, same placeholders', async () => {
  const en = load('en');
  const zh = load('zh-CN');
  const missingZh = Object.keys(en).filter((k) => !(k in zh));
  const missingEn = Object.keys(zh).filter((k) => !(k in en));
  assert(!missingZh.length, `missing in zh-CN.json: ${missingZh.join(', ')}`);
  assert(!missingEn.length, `missing in en.json: ${missingEn.join(', ')}`);
  for (const [lang, table] of [['en', en], ['zh-CN', zh]]) {
    for (const [k, v] of Object.entries(table)) {
      assert(typeof v === 'string' && v.trim(), `${lang}.json: "${k}" is empty`);
    }
  }
  const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const k of Object.keys(en)) {
    assert(holes(en[k]) === holes(zh[k]), `"${k}" has different {placeholders} in en and zh-CN`);
  }
}, { browser: false });

test('every key the page uses is translated', async () => {
  const en = load('en');
  const used = new Set();
  for (const file of ['index.html', 'player.html']) {
    const html = readFileSync(join(web, file), 'utf8');
    for (const m of html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) used.add(m[1]);
  }
  for (const file of readdirSync(join(web, 'src'))) {
    if (!file.endsWith('.js')) continue;
    const js = readFileSync(join(web, 'src', file), 'utf8');
    for (const m of js.matchAll(/\bt\(\s*'([a-zA-Z.]+)'/g)) used.add(m[1]);
    for (const m of js.matchAll(/Sb3Problem\('([a-zA-Z0-9.]+)'/g)) used.add(m[1]);
  }
  for (const kind of ['noFile', 'missing', 'damaged', 'tooLarge']) used.add(`costume.${kind}`);
  const missing = [...used].filter((k) => !(k in en));
  assert(!missing.length, `keys used but not in the translation files: ${missing.join(', ')}`);
}, { browser: false });
