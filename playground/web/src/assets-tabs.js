// The Costumes (Backdrops for the stage) and Sounds lists of the selected sprite, in the sprite
// pane: thumbnails, names (rename in place), choose the current costume, duplicate, delete (never
// the last costume; with undo), and play a sound (Web Audio, started by the click).
// `ctx` comes from sprites-pane.js: { project, tab, t, thumbUrl, edit, showMessage, miniButton,
// uniqueName, uploadCostumes, uploadSounds, chooseBackdrop }.

import { ICONS } from './sprites-style.js';

let audio = null;
let playing = null;

/** Plays sound bytes once (stops the one playing). */
export async function playSound(bytes, onError) {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) throw new Error('no Web Audio');
    audio ??= new Ctx();
    if (audio.state === 'suspended') await audio.resume().catch(() => {});
    const buffer = await audio.decodeAudioData(bytes.slice().buffer);
    try { playing?.stop(); } catch { /* already ended */ }
    const source = audio.createBufferSource();
    source.buffer = buffer;
    source.connect(audio.destination);
    source.start();
    playing = source;
  } catch {
    onError();
  }
}

function nameInput(value, label, onRename) {
  const input = document.createElement('input');
  input.type = 'text';
  input.maxLength = 100;
  input.value = value;
  input.setAttribute('aria-label', label);
  input.addEventListener('click', (e) => e.stopPropagation());
  input.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter') input.blur();
  });
  input.addEventListener('change', () => onRename(input.value.trim(), input));
  return input;
}

export function renderAssets(listEl, buttonsEl, ctx) {
  const { t } = ctx;
  const project = ctx.project;
  const index = project.currentTarget;
  const target = project.json.targets[index];
  if (!target) {
    listEl.replaceChildren();
    buttonsEl.replaceChildren();
    return;
  }
  const button = (key, onClick) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'sp-button';
    b.dataset.assetAct = key;
    b.textContent = t(key);
    b.addEventListener('click', onClick);
    return b;
  };
  const rename = (kind, i, wanted, input) => {
    const items = target[kind];
    const item = items[i];
    if (!item) return;
    if (!wanted) {
      input.value = item.name;
      return;
    }
    if (wanted === item.name) return;
    if (items.some((x, j) => j !== i && x.name === wanted)) {
      ctx.showMessage(kind === 'costumes' ? 'sprites.costumeNameTaken' : 'sprites.soundNameTaken', { name: wanted }, { error: true });
      input.value = item.name;
      return;
    }
    ctx.edit((p) => { p.json.targets[index][kind][i].name = wanted; }, { reason: kind === 'costumes' ? 'costume' : 'sound' });
  };
  const duplicate = (kind, i) => ctx.edit((p) => {
    const items = p.json.targets[index][kind];
    const copy = structuredClone(items[i]);
    copy.name = ctx.uniqueName(copy.name, items.map((x) => x.name));
    items.splice(i + 1, 0, copy);
  }, { reason: kind === 'costumes' ? 'costume' : 'sound' });
  const remove = (kind, i) => {
    const items = target[kind];
    if (kind === 'costumes' && items.length <= 1) {
      ctx.showMessage(target.isStage ? 'sprites.lastBackdrop' : 'sprites.lastCostume', {}, { error: true });
      return;
    }
    const name = items[i]?.name ?? '';
    ctx.edit((p) => {
      const tg = p.json.targets[index];
      tg[kind].splice(i, 1);
      if (kind === 'costumes') {
        const cur = tg.currentCostume ?? 0;
        if (cur > i || cur >= tg.costumes.length) tg.currentCostume = Math.max(0, cur - 1);
      }
    }, { undoKey: kind === 'costumes' ? 'sprites.costumeDeleted' : 'sprites.soundDeleted', vars: { name }, reason: kind === 'costumes' ? 'costume' : 'sound' });
  };

  if (ctx.tab === 'costumes') {
    const current = target.currentCostume ?? 0;
    listEl.replaceChildren(...target.costumes.map((c, i) => {
      const tile = document.createElement('div');
      tile.className = 'sp-asset';
      tile.dataset.index = String(i);
      tile.setAttribute('aria-selected', String(i === current));
      tile.tabIndex = 0;
      const n = document.createElement('span');
      n.className = 'sp-index';
      n.textContent = String(i + 1);
      const img = document.createElement('img');
      img.alt = '';
      img.src = ctx.thumbUrl(c);
      const tools = document.createElement('div');
      tools.className = 'sp-tile-tools';
      tools.append(
        ctx.miniButton('duplicate', t('sprites.duplicate'), () => duplicate('costumes', i)),
        ctx.miniButton('delete', t('sprites.delete'), () => remove('costumes', i), true),
      );
      tile.append(n, img, nameInput(c.name, t('sprites.costumeName'), (w, input) => rename('costumes', i, w, input)), tools);
      const choose = () => {
        if ((target.currentCostume ?? 0) === i) return;
        ctx.edit((p) => { p.json.targets[index].currentCostume = i; }, { reason: 'costume' });
      };
      tile.addEventListener('click', choose);
      tile.addEventListener('keydown', (e) => { if (e.key === 'Enter') choose(); });
      return tile;
    }));
    const buttons = [button(target.isStage ? 'sprites.act.upload-backdrop' : 'sprites.act.upload-costume', ctx.uploadCostumes)];
    if (target.isStage) buttons.unshift(button('sprites.act.choose-backdrop', ctx.chooseBackdrop));
    buttonsEl.replaceChildren(...buttons);
  } else {
    const items = target.sounds.map((s, i) => {
      const tile = document.createElement('div');
      tile.className = 'sp-asset';
      tile.dataset.index = String(i);
      const icon = document.createElement('span');
      icon.className = 'sp-sound-icon';
      icon.innerHTML = ICONS.sound;
      icon.setAttribute('aria-hidden', 'true');
      const tools = document.createElement('div');
      tools.className = 'sp-tile-tools';
      tools.append(
        ctx.miniButton('play', t('sprites.play'), () => {
          const bytes = project.files.get(s.md5ext ?? `${s.assetId}.${s.dataFormat}`);
          if (!bytes) ctx.showMessage('sprites.soundMissing', { name: s.name }, { error: true });
          else playSound(bytes, () => ctx.showMessage('sprites.soundCannotPlay', { name: s.name }, { error: true }));
        }),
        ctx.miniButton('duplicate', t('sprites.duplicate'), () => duplicate('sounds', i)),
        ctx.miniButton('delete', t('sprites.delete'), () => remove('sounds', i), true),
      );
      const seconds = s.rate > 0 && s.sampleCount > 0 ? (s.sampleCount / s.rate).toFixed(2) : '';
      const len = document.createElement('span');
      len.className = 'sp-index';
      len.textContent = seconds ? t('sprites.seconds', { s: seconds }) : '';
      tile.append(len, icon, nameInput(s.name, t('sprites.soundName'), (w, input) => rename('sounds', i, w, input)), tools);
      return tile;
    });
    if (!items.length) {
      const p = document.createElement('p');
      p.className = 'sp-none';
      p.textContent = t('sprites.noSounds');
      items.push(p);
    }
    listEl.replaceChildren(...items);
    const buttons = [button('sprites.act.upload-sound', ctx.uploadSounds)];
    if (ctx.chooseSound) buttons.unshift(button('sprites.act.choose-sound', ctx.chooseSound));
    buttonsEl.replaceChildren(...buttons);
  }
}
