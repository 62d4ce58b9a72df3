// The "Choose a sprite" and "Choose a backdrop" pickers: a modal grid of the built-in library
// (assets/library/, copied by build.sh into dist/library/: library.json and our own SVGs), with
// names in the page's language, tag filters and a search box. The manifest and pictures are
// fetched only when a picker first opens, so they cost nothing at start-up.
import { lang, onLangChange, t } from './i18n.js';
import { ICONS } from './sprites-style.js';

const BASE = 'library/';
let manifest = null;

/** The library manifest ({sprites, backdrops, tags}), fetched once. */
export async function loadLibrary() {
  if (!manifest) {
    manifest = fetch(new URL(`${BASE}library.json`, document.baseURI))
      .then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.json();
      })
      .catch((e) => {
        manifest = null;
        throw e;
      });
  }
  return manifest;
}

/** The bytes of a library file (`sprites/cat-a.svg`). */
export async function libraryFile(path) {
  const r = await fetch(new URL(BASE + path, document.baseURI));
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export const nameOf = (item) => (lang() === 'zh-CN' ? item.zh || item.en : item.en || item.zh);

/** Every word an item can be found by: both languages, its id and tags. */
function searchText(item, tags) {
  return [item.id, item.en, item.zh, ...(item.tags || []).flatMap((k) => [k, tags[k]?.en, tags[k]?.zh])]
    .filter(Boolean).join(' ').toLowerCase();
}

let openDialog = null;

/**
 * Opens a picker: `kind` 'sprite' or 'backdrop' (from the manifest) or 'sound' (`items` given:
 * {id, en, zh}, with `preview(item)` to hear one); resolves with the chosen item, or null when
 * closed. Only one is open at a time.
 */
export function openLibrary(kind, { items: given = null, preview = null } = {}) {
  openDialog?.close(null);
  return new Promise((resolve) => {
    const overlay = document.createElement('div');
    overlay.className = 'sp-modal';
    overlay.dataset.library = kind;
    overlay.innerHTML = `
      <div class="sp-modal-box" role="dialog" aria-modal="true">
        <div class="sp-modal-head">
          <h2 class="sp-modal-title"></h2>
          <input type="search" class="sp-search" autocomplete="off" spellcheck="false">
          <button type="button" class="sp-close">✕</button>
        </div>
        <div class="sp-tags" role="toolbar"></div>
        <p class="sp-loading"></p>
        <div class="sp-grid" role="list"></div>
      </div>`;
    const box = overlay.querySelector('.sp-modal-box');
    const title = overlay.querySelector('.sp-modal-title');
    const search = overlay.querySelector('.sp-search');
    const close = overlay.querySelector('.sp-close');
    const tagBar = overlay.querySelector('.sp-tags');
    const grid = overlay.querySelector('.sp-grid');
    const loading = overlay.querySelector('.sp-loading');
    let items = [];
    let tags = {};
    let tag = null;

    const label = () => {
      title.textContent = t(`sprites.library.${kind}sTitle`);
      search.placeholder = t('sprites.library.search');
      search.setAttribute('aria-label', t('sprites.library.search'));
      close.title = t('sprites.close');
      close.setAttribute('aria-label', t('sprites.close'));
    };
    const render = () => {
      label();
      const used = new Set(items.flatMap((i) => i.tags || []));
      const tagButton = (key, text) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'sp-tag';
        b.textContent = text;
        b.dataset.tag = key ?? '';
        b.setAttribute('aria-pressed', String(tag === key));
        b.addEventListener('click', () => {
          tag = key;
          render();
        });
        return b;
      };
      tagBar.replaceChildren(
        tagButton(null, t('sprites.library.all')),
        ...Object.keys(tags).filter((k) => used.has(k)).map((k) => tagButton(k, nameOf(tags[k]))),
      );
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const shown = items.filter((item) => (!tag || (item.tags || []).includes(tag))
        && words.every((w) => item.search.includes(w)));
      grid.replaceChildren(...shown.map((item) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'sp-item';
        b.setAttribute('role', 'listitem');
        b.dataset.id = item.id;
        const name = document.createElement('span');
        name.textContent = nameOf(item);
        if (kind === 'sound') {
          const icon = document.createElement('span');
          icon.className = 'sp-sound-icon';
          icon.innerHTML = ICONS.sound;
          const play = document.createElement('span');
          play.className = 'sp-mini sp-preview';
          play.setAttribute('role', 'button');
          play.title = t('sprites.play');
          play.innerHTML = ICONS.play;
          play.addEventListener('click', (e) => {
            e.stopPropagation();
            preview?.(item);
          });
          b.append(icon, name, play);
        } else {
          const img = document.createElement('img');
          img.alt = '';
          img.loading = 'lazy';
          img.src = new URL(BASE + (item.file || item.costumes[0].file), document.baseURI).href;
          b.append(img, name);
        }
        b.addEventListener('click', () => done(item));
        return b;
      }));
      if (!shown.length && items.length) {
        const p = document.createElement('p');
        p.className = 'sp-none';
        p.textContent = t('sprites.library.none');
        grid.append(p);
      }
    };
    const onLang = () => { if (overlay.isConnected) render(); };
    const done = (value) => {
      overlay.remove();
      document.removeEventListener('keydown', onKey, true);
      openDialog = null;
      resolve(value);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        done(null);
      }
    };
    openDialog = { close: done };
    onLangChange(onLang);
    document.addEventListener('keydown', onKey, true);
    overlay.addEventListener('pointerdown', (e) => { if (e.target === overlay) done(null); });
    close.addEventListener('click', () => done(null));
    search.addEventListener('input', render);
    box.addEventListener('keydown', (e) => e.stopPropagation());
    label();
    loading.textContent = t('sprites.library.loading');
    document.body.append(overlay);
    search.focus({ preventScroll: true });
    (given ? Promise.resolve({ sounds: given, tags: {} }) : loadLibrary()).then((m) => {
      tags = m.tags || {};
      items = m[`${kind}s`].map((i) => ({ ...i, search: searchText(i, tags) }));
      loading.remove();
      render();
    }, () => {
      loading.textContent = t('sprites.library.failed');
      loading.classList.add('sp-error');
    });
  });
}
