// The sprite pane below the stage, as in Scratch: the sprites with thumbnails, the stage with
// its backdrop, the selected sprite's properties (name, x, y, size, direction, show/hide,
// rotation style), rename / duplicate / delete (with undo), "Choose a sprite" and "Choose a
// backdrop" from the built-in library, uploads, and the costume and sound lists
// (assets-tabs.js).
//
// It edits the working project (project.js) directly: project.json's targets and
// project.files, then `project.markChanged('sprite')` and a reload of the engine so the stage
// shows the change. Before an edit the sprites' live state (moved, turned or resized by scripts or
// dragging) is copied from the engine into project.json, as Scratch saves what the stage shows.
//
//   const pane = mountSpritesPane(container, {
//     project,                  // the Project (or getProject: () => project, if it is replaced)
//     player,                   // the Player (player.js): the engine, for live x/y and reloads
//     reload: async () => {},   // optional: the page's own reload of the project into the engine
//     flush: () => {},          // optional: save the block editor's work into project.json first
//   });
//   pane.setProject(p); pane.refresh();
import { lang, onLangChange, t } from './i18n.js';
import { libraryFile, nameOf, openLibrary } from './library.js';
import { UploadProblem, prepareSound, preparePicture, sniffSound } from './uploads.js';
import { playSound, renderAssets } from './assets-tabs.js';
import { addSpriteStyles, ICONS } from './sprites-style.js';

const MIME = { svg: 'image/svg+xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' };
const ROTATION_STYLES = ['all around', 'left-right', "don't rotate"];
/** Names Scratch keeps for itself in menus. */
const RESERVED = new Set(['_mouse_', '_stage_', '_edge_', '_myself_', '_random_']);
const UNDO_MS = 10000;

/** "Cat", "Cat2", "Cat3"… : the first of these not taken (Scratch's rule). */
export function uniqueName(wanted, taken) {
  const used = new Set(taken);
  const base = String(wanted).trim() || 'Sprite';
  if (!used.has(base) && !RESERVED.has(base)) return base;
  const m = base.match(/^(.*?)(\d+)$/);
  const stem = m ? m[1] : base;
  let n = m ? Number(m[2]) + 1 : 2;
  while (used.has(`${stem}${n}`)) n += 1;
  return `${stem}${n}`;
}

/** A file name without its extension, as a costume, sound or sprite name. */
export function baseName(file) {
  return String(file || '').replace(/\.[^.]*$/, '').trim().slice(0, 60) || 'costume';
}

function newId() {
  return Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 10);
}

/**
 * A copy of a target's blocks, comments, variables and lists with fresh ids (and every reference
 * to them fixed), as Scratch gives a duplicated sprite its own.
 */
function freshIds(target) {
  const map = new Map(Object.keys(target.blocks || {}).map((id) => [id, newId()]));
  const vars = new Map([...Object.keys(target.variables || {}), ...Object.keys(target.lists || {})].map((id) => [id, newId()]));
  const fix = (v) => (typeof v === 'string' && map.has(v) ? map.get(v) : v);
  // [12, name, id] (variable), [13, name, id] (list), possibly with x, y at the top level.
  const fixPrimitive = (p) => {
    if (Array.isArray(p) && (p[0] === 12 || p[0] === 13) && vars.has(p[2])) p[2] = vars.get(p[2]);
    return p;
  };
  const blocks = {};
  for (const [id, block] of Object.entries(target.blocks || {})) {
    const b = structuredClone(block);
    if (Array.isArray(b)) fixPrimitive(b);
    else if (b) {
      b.next = fix(b.next);
      b.parent = fix(b.parent);
      for (const input of Object.values(b.inputs || {})) {
        if (Array.isArray(input)) for (let i = 1; i < input.length; i++) input[i] = fixPrimitive(fix(input[i]));
      }
      for (const field of Object.values(b.fields || {})) {
        if (Array.isArray(field) && field.length > 1 && vars.has(field[1])) field[1] = vars.get(field[1]);
      }
    }
    blocks[map.get(id)] = b;
  }
  const rekey = (o) => Object.fromEntries(Object.entries(o || {}).map(([id, v]) => [vars.get(id) ?? id, structuredClone(v)]));
  const comments = {};
  for (const c of Object.values(target.comments || {})) {
    const copy = structuredClone(c);
    if (copy.blockId) copy.blockId = fix(copy.blockId);
    comments[newId()] = copy;
  }
  return { blocks, comments, variables: rekey(target.variables), lists: rekey(target.lists) };
}

/** Menus whose value names a sprite: renaming a sprite renames it there too (Scratch does). */
const SPRITE_MENUS = {
  motion_goto_menu: 'TO', motion_glideto_menu: 'TO', motion_pointtowards_menu: 'TOWARDS',
  control_create_clone_of_menu: 'CLONE_OPTION', sensing_touchingobjectmenu: 'TOUCHINGOBJECTMENU',
  sensing_distancetomenu: 'DISTANCETOMENU', sensing_of_object_menu: 'OBJECT',
};

export function renameSpriteReferences(json, oldName, newName) {
  for (const target of json.targets) {
    for (const block of Object.values(target.blocks || {})) {
      if (!block || Array.isArray(block)) continue;
      const field = SPRITE_MENUS[block.opcode];
      const f = field && block.fields?.[field];
      if (Array.isArray(f) && f[0] === oldName) f[0] = newName;
      // "x position of [Sprite]": the property menu keeps its value; the object menu is above.
    }
  }
}

/** Reloads the project into the engine (when the page gives no reload of its own). */
export async function reloadEngine(player, project) {
  player.beforeLoad();
  const report = JSON.parse(player.pg.load_project_json(JSON.stringify(project.json)));
  if (report.loaded) await player.afterLoad((name) => project.files.get(name) ?? null);
  return report;
}

export function mountSpritesPane(container, options = {}) {
  addSpriteStyles();
  let project = options.project ?? options.getProject?.() ?? null;
  const getProject = () => options.getProject?.() ?? project;
  const player = options.player;
  const thumbs = new Map();
  let assetsTab = 'costumes';
  let undo = null;
  let changeCount = 0;
  let messageTimer = 0;
  let reloading = Promise.resolve();

  container.classList.add('sp-pane');
  container.innerHTML = `
    <p class="sp-message" role="status" aria-live="polite" hidden></p>
    <div class="sp-props"></div>
    <div class="sp-body">
      <div class="sp-sprites">
        <div class="sp-list" role="listbox"></div>
        <div class="sp-buttons">
          <button type="button" class="sp-button" data-act="choose-sprite"></button>
          <button type="button" class="sp-button" data-act="upload-sprite"></button>
        </div>
      </div>
      <div class="sp-stage">
        <div class="sp-stage-tile" role="button" tabindex="0"><img alt=""><span></span></div>
        <div class="sp-buttons">
          <button type="button" class="sp-button" data-act="choose-backdrop"></button>
          <button type="button" class="sp-button" data-act="upload-backdrop"></button>
        </div>
      </div>
    </div>
    <div class="sp-assets">
      <div class="sp-tabs" role="tablist">
        <button type="button" role="tab" data-tab="costumes"></button>
        <button type="button" role="tab" data-tab="sounds"></button>
      </div>
      <div class="sp-assets-list"></div>
      <div class="sp-buttons sp-assets-buttons"></div>
    </div>
    <input type="file" class="sp-file" hidden multiple>`;
  const q = (s) => container.querySelector(s);
  const props = q('.sp-props');
  const list = q('.sp-list');
  const stageTile = q('.sp-stage-tile');
  const assetsList = q('.sp-assets-list');
  const assetsButtons = q('.sp-assets-buttons');
  const message = q('.sp-message');
  const fileInput = q('.sp-file');

  // ---- helpers ----

  const targets = () => getProject()?.json.targets ?? [];
  const current = () => getProject()?.currentTarget ?? 0;
  const spriteNames = (except = -1) => targets().filter((tg, i) => !tg.isStage && i !== except).map((tg) => tg.name);

  /** An object URL for a costume's picture, made once per file. */
  const thumbUrl = (costume) => {
    const name = costume?.md5ext ?? (costume?.assetId && costume?.dataFormat ? `${costume.assetId}.${costume.dataFormat}` : null);
    if (!name) return '';
    if (thumbs.has(name)) return thumbs.get(name);
    const bytes = getProject()?.files.get(name);
    if (!bytes) return '';
    const ext = name.split('.').pop().toLowerCase();
    const type = MIME[ext] ?? 'application/octet-stream';
    // An SVG in an <img> never runs scripts or fetches other files.
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    thumbs.set(name, url);
    return url;
  };

  const showMessage = (key, vars = {}, { error = false, undoable = false } = {}) => {
    clearTimeout(messageTimer);
    message.replaceChildren();
    message.classList.toggle('sp-error', error);
    message.dataset.key = key;
    const text = document.createElement('span');
    text.textContent = t(key, vars);
    message.append(text);
    if (undoable && undo) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'sp-mini sp-undo';
      b.textContent = t('sprites.undo');
      b.addEventListener('click', () => doUndo());
      message.append(b);
    }
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'sp-mini';
    dismiss.textContent = '✕';
    dismiss.title = t('sprites.close');
    dismiss.addEventListener('click', () => { message.hidden = true; });
    message.append(dismiss);
    message.hidden = false;
    messageTimer = setTimeout(() => { message.hidden = true; }, error ? 15000 : UNDO_MS);
  };
  const problem = (e) => {
    if (e instanceof UploadProblem) showMessage(e.key, e.vars, { error: true });
    else showMessage('sprites.failed', { reason: String(e?.message || e) }, { error: true });
  };

  /**
   * The engine's id of a target (json index): the stage is 0, the sprites count up from 1 in
   * layer order (as the engine numbers them).
   */
  const engineId = (index) => {
    const ts = targets();
    if (!ts[index] || ts[index].isStage) return 0;
    const order = ts.map((tg, i) => ({ tg, i })).filter(({ tg }) => !tg.isStage)
      .sort((a, b) => (a.tg.layerOrder ?? a.i) - (b.tg.layerOrder ?? b.i));
    return order.findIndex((o) => o.i === index) + 1;
  };

  /** Whether a sprite on the stage is not where project.json has it (a script or a drag moved it). */
  const moved = () => {
    if (!player?.loaded || !player.pg.is_loaded()) return false;
    return targets().some((tg, i) => {
      if (tg.isStage) return false;
      const info = player.pg.sprite_info(engineId(i));
      if (info.length < 6) return false;
      return info[0] !== (tg.x ?? 0) || info[1] !== (tg.y ?? 0) || info[2] !== (tg.direction ?? 90)
        || info[3] !== (tg.size ?? 100) || (info[4] !== 0) !== (tg.visible !== false)
        || info[5] !== (tg.currentCostume ?? 0);
    });
  };

  /**
   * Before an edit, the sprites' live state (moved by scripts or dragged) goes into
   * project.json, as Scratch saves what the stage shows: the page's reload does that (and keeps
   * its own record of what it loaded); without one, it is copied here.
   */
  const syncFromEngine = async () => {
    if (!player?.running && !moved()) return;
    if (options.reload) {
      await reload();
      return;
    }
    targets().forEach((tg, i) => {
      const info = player.pg.sprite_info(engineId(i));
      if (info.length < 6) return;
      if (!tg.isStage) {
        [tg.x, tg.y, tg.direction, tg.size] = [info[0], info[1], info[2], info[3]];
        tg.visible = info[4] !== 0;
      }
      if (info[5] < tg.costumes.length) tg.currentCostume = info[5];
    });
  };

  const reload = () => {
    const p = getProject();
    reloading = reloading.then(() => (options.reload ? options.reload() : reloadEngine(player, p)))
      .catch((e) => console.warn('reload failed', e));
    return reloading;
  };

  /**
   * One edit of the project: the editor's work saved first, the engine's live state kept,
   * `fn()` run (it returns false to cancel), then change + reload + redraw. `undoKey`: the
   * message that offers undo.
   */
  let lastEdit = Promise.resolve();
  const edit = (fn, opts = {}) => {
    const run = lastEdit.catch(() => {}).then(() => editNow(fn, opts));
    lastEdit = run;
    return run;
  };
  const editNow = async (fn, { undoKey = null, vars = {}, reason = 'sprite', select = null } = {}) => {
    const p = getProject();
    if (!p) return false;
    options.flush?.();
    await syncFromEngine();
    options.flush?.();
    const before = undoKey ? { targets: structuredClone(p.json.targets), current: p.currentTarget } : null;
    if (fn(p) === false) return false;
    changeCount += 1;
    if (before) undo = { ...before, at: changeCount };
    if (select !== null) p.setCurrentTarget(select(p));
    p.markChanged(reason);
    render();
    if (undoKey) showMessage(undoKey, vars, { undoable: true });
    await reload();
    return true;
  };

  const doUndo = async () => {
    const p = getProject();
    if (!undo || !p || undo.at !== changeCount) {
      showMessage('sprites.undoGone', {}, { error: true });
      return;
    }
    const saved = undo;
    undo = null;
    options.flush?.();
    p.json.targets.splice(0, p.json.targets.length, ...saved.targets);
    changeCount += 1;
    p.setCurrentTarget(saved.current);
    p.markChanged('sprite');
    message.hidden = true;
    render();
    await reload();
  };

  // ---- sprites ----

  const layerTop = (p) => Math.max(0, ...p.json.targets.map((tg) => tg.layerOrder ?? 0));

  const newSprite = (p, name, costumes, sounds = []) => ({
    isStage: false, name: uniqueName(name, spriteNames()), variables: {}, lists: {}, broadcasts: {},
    blocks: {}, comments: {}, currentCostume: 0, costumes, sounds, volume: 100,
    layerOrder: layerTop(p) + 1, visible: true,
    x: Math.round(Math.random() * 300 - 150), y: Math.round(Math.random() * 200 - 100),
    size: 100, direction: 90, draggable: false, rotationStyle: 'all around',
  });

  const costumeEntry = (p, name, prepared) => {
    const md5ext = p.addFile(prepared.bytes, prepared.ext);
    return {
      name, bitmapResolution: prepared.bitmapResolution, dataFormat: prepared.dataFormat,
      assetId: md5ext.split('.')[0], md5ext,
      rotationCenterX: prepared.rotationCenterX, rotationCenterY: prepared.rotationCenterY,
    };
  };

  const soundEntry = (p, name, prepared) => {
    const md5ext = p.addFile(prepared.bytes, prepared.ext);
    return {
      name, assetId: md5ext.split('.')[0], dataFormat: prepared.dataFormat, format: '',
      rate: prepared.rate, sampleCount: prepared.sampleCount, md5ext,
    };
  };

  /** Library sounds as WAV from the engine, when it has them (`library_sound_wav`). */
  const librarySounds = (p, ids, taken = []) => {
    const names = [...taken];
    // Static methods of the engine's class (the player-only build has none).
    const pg = player?.pg?.constructor;
    if (!pg || typeof pg.library_sound_wav !== 'function') return [];
    let known = {};
    try {
      const list = JSON.parse(pg.library_sounds_json?.() ?? '[]');
      for (const s of Array.isArray(list) ? list : []) known[s.id] = s;
    } catch { known = {}; }
    const out = [];
    for (const id of ids || []) {
      try {
        const bytes = pg.library_sound_wav(id);
        if (!bytes?.length) continue;
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const rate = v.getUint32(24, true);
        const align = v.getUint16(32, true) || 2;
        const sampleCount = Math.floor((bytes.length - 44) / align);
        const label = uniqueName(known[id] ? nameOf(known[id]) : id, names);
        names.push(label);
        out.push(soundEntry(p, label, { bytes, ext: 'wav', dataFormat: 'wav', rate, sampleCount }));
      } catch { /* a sound the engine does not know: skipped */ }
    }
    return out;
  };

  const chooseSprite = async () => {
    const item = await openLibrary('sprite');
    if (!item) return;
    try {
      const files = await Promise.all(item.costumes.map((c) => libraryFile(c.file)));
      await edit((p) => {
        const costumes = item.costumes.map((c, i) => {
          const md5ext = p.addFile(files[i], 'svg');
          return {
            name: nameOf(c), bitmapResolution: 1, dataFormat: 'svg', assetId: md5ext.split('.')[0], md5ext,
            rotationCenterX: c.rotationCenter?.[0] ?? 0, rotationCenterY: c.rotationCenter?.[1] ?? 0,
          };
        });
        const sprite = newSprite(p, nameOf(item), costumes, librarySounds(p, item.sounds));
        p.json.targets.push(sprite);
      }, { select: (p) => p.json.targets.length - 1 });
      showMessage('sprites.added', { name: targets()[current()]?.name ?? '' });
    } catch (e) {
      showMessage('sprites.library.failed', {}, { error: true });
    }
  };

  const soundLibrary = () => {
    const P = player?.pg?.constructor;
    return P && typeof P.library_sound_wav === 'function' && typeof P.library_sounds_json === 'function' ? P : null;
  };

  /** "Choose a sound": the built-in sounds (synthesised by the engine), with a preview. */
  const chooseSound = async () => {
    const P = soundLibrary();
    let list = [];
    try { list = JSON.parse(P.library_sounds_json()); } catch { list = []; }
    const item = await openLibrary('sound', {
      items: Array.isArray(list) ? list : [],
      preview: (it) => playSound(P.library_sound_wav(it.id), () => {}),
    });
    if (!item) return;
    await edit((p) => {
      const tg = p.target();
      tg.sounds.push(...librarySounds(p, [item.id], tg.sounds.map((x) => x.name)));
    }, { reason: 'sound' });
    assetsTab = 'sounds';
    render();
    showMessage('sprites.soundAdded', { name: nameOf(item) });
  };

  const chooseBackdrop = async () => {
    const item = await openLibrary('backdrop');
    if (!item) return;
    try {
      const bytes = await libraryFile(item.file);
      await edit((p) => {
        const stage = p.stage();
        const md5ext = p.addFile(bytes, 'svg');
        stage.costumes.push({
          name: uniqueName(nameOf(item), stage.costumes.map((c) => c.name)), bitmapResolution: 1,
          dataFormat: 'svg', assetId: md5ext.split('.')[0], md5ext, rotationCenterX: 240, rotationCenterY: 180,
        });
        stage.currentCostume = stage.costumes.length - 1;
      });
      showMessage('sprites.backdropAdded', { name: nameOf(item) });
    } catch {
      showMessage('sprites.library.failed', {}, { error: true });
    }
  };

  /** Asks for files; resolves with [File] (empty when cancelled). */
  const pickFiles = (accept, multiple = true) => new Promise((resolve) => {
    fileInput.accept = accept;
    fileInput.multiple = multiple;
    fileInput.value = '';
    fileInput.onchange = () => resolve([...fileInput.files]);
    fileInput.click();
  });
  const PICTURES = 'image/png,image/jpeg,image/svg+xml,image/gif,image/bmp,image/webp,.png,.jpg,.jpeg,.svg,.gif,.bmp,.webp';
  const SOUNDS = 'audio/wav,audio/x-wav,audio/mpeg,audio/ogg,.wav,.mp3,.ogg';

  const readPictures = async (files) => {
    const out = [];
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      try {
        out.push({ name: baseName(file.name), prepared: await preparePicture(bytes) });
      } catch (e) {
        if (e instanceof UploadProblem) e.vars.file = file.name;
        problem(e);
      }
    }
    return out;
  };

  /** Upload: new sprites (`kind` 'sprite'), costumes of the selected target, or backdrops. */
  const uploadPictures = async (files, kind) => {
    const pictures = await readPictures(files);
    if (!pictures.length) return;
    const removed = pictures.some((pic) => pic.prepared.removed > 0);
    await edit((p) => {
      if (kind === 'sprite') {
        const first = pictures[0];
        const costumes = pictures.map((pic) => costumeEntry(p, pic.name, pic.prepared));
        costumes.forEach((c, i) => { c.name = uniqueName(c.name, costumes.slice(0, i).map((x) => x.name)); });
        p.json.targets.push(newSprite(p, first.name, costumes));
        return undefined;
      }
      const target = kind === 'backdrop' ? p.stage() : p.target();
      for (const pic of pictures) {
        // Centred (a backdrop on the stage, a costume on the sprite's position).
        target.costumes.push(costumeEntry(p, uniqueName(pic.name, target.costumes.map((x) => x.name)), pic.prepared));
      }
      target.currentCostume = target.costumes.length - 1;
      return undefined;
    }, { select: kind === 'sprite' ? (p) => p.json.targets.length - 1 : kind === 'backdrop' ? (p) => p.json.targets.indexOf(p.stage()) : null });
    showMessage(removed ? 'sprites.upload.svgCleaned' : 'sprites.upload.done', { n: pictures.length });
  };

  const uploadSounds = async (files) => {
    const sounds = [];
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      try {
        sounds.push({ name: baseName(file.name), prepared: await prepareSound(bytes) });
      } catch (e) {
        if (e instanceof UploadProblem) e.vars.file = file.name;
        problem(e);
      }
    }
    if (!sounds.length) return;
    await edit((p) => {
      const target = p.target();
      for (const s of sounds) target.sounds.push(soundEntry(p, uniqueName(s.name, target.sounds.map((x) => x.name)), s.prepared));
    }, { reason: 'sound' });
    assetsTab = 'sounds';
    render();
    showMessage('sprites.upload.soundDone', { n: sounds.length });
  };

  const renameSprite = async (index, wanted) => {
    const tg = targets()[index];
    if (!tg || tg.isStage) return;
    const name = String(wanted).trim();
    if (!name || name === tg.name) {
      render();
      return;
    }
    if (spriteNames(index).includes(name) || RESERVED.has(name) || name === 'Stage') {
      showMessage('sprites.nameTaken', { name }, { error: true });
      render();
      return;
    }
    const old = tg.name;
    await edit((p) => {
      p.json.targets[index].name = name;
      renameSpriteReferences(p.json, old, name);
    });
  };

  const duplicateSprite = (index) => edit((p) => {
    const src = p.json.targets[index];
    const copy = structuredClone(src);
    Object.assign(copy, freshIds(src));
    copy.name = uniqueName(src.name, spriteNames());
    copy.layerOrder = layerTop(p) + 1;
    copy.x = Math.round(Math.random() * 300 - 150);
    copy.y = Math.round(Math.random() * 200 - 100);
    p.json.targets.push(copy);
  }, { select: (p) => p.json.targets.length - 1 });

  const deleteSprite = (index) => {
    const tg = targets()[index];
    if (!tg || tg.isStage) return Promise.resolve(false);
    return edit((p) => {
      p.json.targets.splice(index, 1);
      // The layers stay 1…n, in the same order.
      p.json.targets.filter((x) => !x.isStage).sort((a, b) => (a.layerOrder ?? 0) - (b.layerOrder ?? 0))
        .forEach((x, i) => { x.layerOrder = i + 1; });
    }, {
      undoKey: 'sprites.deleted', vars: { name: tg.name },
      select: (p) => (p.json.targets[index] ? index : Math.max(0, index - 1)),
    });
  };

  /** Sets a property of the selected sprite from the properties row. */
  const setProp = (key, raw) => {
    const i = current();
    const tg = targets()[i];
    if (!tg || tg.isStage) return;
    let value = raw;
    if (['x', 'y', 'size', 'direction'].includes(key)) {
      value = Number(raw);
      if (!Number.isFinite(value) || String(raw).trim() === '') {
        showMessage('sprites.notNumber', {}, { error: true });
        render();
        return;
      }
      if (key === 'direction') {
        const d = ((((value + 180) % 360) + 360) % 360) - 180;
        value = d === -180 ? 180 : d;
      }
      if (key === 'size') value = Math.max(0, Math.min(value, 100000));
      if (key === 'x' || key === 'y') value = Math.max(-100000, Math.min(value, 100000));
    }
    edit((p) => { p.json.targets[i][key] = value; });
  };

  // ---- drawing ----

  const numberField = (key, labelKey, value) => {
    const label = document.createElement('label');
    const span = document.createElement('span');
    span.textContent = t(labelKey);
    const input = document.createElement('input');
    input.type = 'number';
    input.step = 'any';
    input.dataset.prop = key;
    input.value = String(Math.round(value * 100) / 100);
    input.addEventListener('change', () => setProp(key, input.value));
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') input.blur(); });
    label.append(span, input);
    return label;
  };

  const renderProps = () => {
    const i = current();
    const tg = targets()[i];
    props.replaceChildren();
    if (!tg) return;
    if (tg.isStage) {
      const s = document.createElement('span');
      s.className = 'sp-stage-label';
      s.textContent = t('sprites.stageSelected', { n: tg.costumes.length });
      props.append(s);
      return;
    }
    const nameLabel = document.createElement('label');
    const nameSpan = document.createElement('span');
    nameSpan.textContent = t('sprites.prop.name');
    const name = document.createElement('input');
    name.type = 'text';
    name.maxLength = 100;
    name.dataset.prop = 'name';
    name.value = tg.name;
    name.addEventListener('change', () => renameSprite(i, name.value));
    name.addEventListener('keydown', (e) => { if (e.key === 'Enter') name.blur(); });
    nameLabel.append(nameSpan, name);

    const show = document.createElement('span');
    show.className = 'sp-toggle';
    show.setAttribute('role', 'group');
    show.setAttribute('aria-label', t('sprites.prop.show'));
    for (const [on, key] of [[true, 'sprites.prop.shown'], [false, 'sprites.prop.hidden']]) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.visible = String(on);
      b.textContent = t(key);
      b.setAttribute('aria-pressed', String((tg.visible !== false) === on));
      b.addEventListener('click', () => setProp('visible', on));
      show.append(b);
    }
    const showLabel = document.createElement('label');
    const showSpan = document.createElement('span');
    showSpan.textContent = t('sprites.prop.show');
    showLabel.append(showSpan, show);

    const rotLabel = document.createElement('label');
    const rotSpan = document.createElement('span');
    rotSpan.textContent = t('sprites.prop.rotationStyle');
    const rot = document.createElement('select');
    rot.dataset.prop = 'rotationStyle';
    for (const style of ROTATION_STYLES) {
      const o = document.createElement('option');
      o.value = style;
      o.textContent = t(`sprites.rotation.${ROTATION_STYLES.indexOf(style)}`);
      rot.append(o);
    }
    rot.value = ROTATION_STYLES.includes(tg.rotationStyle) ? tg.rotationStyle : 'all around';
    rot.addEventListener('change', () => setProp('rotationStyle', rot.value));
    rotLabel.append(rotSpan, rot);

    props.append(
      nameLabel,
      numberField('x', 'sprites.prop.x', tg.x ?? 0),
      numberField('y', 'sprites.prop.y', tg.y ?? 0),
      showLabel,
      numberField('size', 'sprites.prop.size', tg.size ?? 100),
      numberField('direction', 'sprites.prop.direction', tg.direction ?? 90),
      rotLabel,
    );
  };

  const miniButton = (text, title, onClick, danger = false) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = danger ? 'sp-mini sp-danger' : 'sp-mini';
    if (ICONS[text]) b.innerHTML = ICONS[text];
    else b.textContent = text;
    b.title = title;
    b.setAttribute('aria-label', title);
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      onClick();
    });
    return b;
  };

  const renderList = () => {
    const sel = current();
    const tiles = [];
    targets().forEach((tg, i) => {
      if (tg.isStage) return;
      const tile = document.createElement('div');
      tile.className = 'sp-tile';
      tile.setAttribute('role', 'option');
      tile.tabIndex = 0;
      tile.dataset.index = String(i);
      tile.dataset.name = tg.name;
      tile.setAttribute('aria-selected', String(i === sel));
      const img = document.createElement('img');
      img.alt = '';
      img.src = thumbUrl(tg.costumes[tg.currentCostume ?? 0] ?? tg.costumes[0]);
      const name = document.createElement('span');
      name.className = 'sp-name';
      name.textContent = tg.name;
      tile.append(img, name);
      if (i === sel) {
        const tools = document.createElement('div');
        tools.className = 'sp-tile-tools';
        tools.append(
          miniButton('duplicate', t('sprites.duplicate'), () => duplicateSprite(i)),
          miniButton('delete', t('sprites.delete'), () => deleteSprite(i), true),
        );
        tile.append(tools);
      }
      const select = () => { if (getProject().currentTarget !== i) getProject().setCurrentTarget(i); };
      tile.addEventListener('click', select);
      tile.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); }
        if (e.key === 'Delete' && e.target === tile) deleteSprite(i);
      });
      tiles.push(tile);
    });
    if (!tiles.length) {
      const p = document.createElement('p');
      p.className = 'sp-none';
      p.textContent = t('sprites.noSprites');
      tiles.push(p);
    }
    list.replaceChildren(...tiles);
    const stageIndex = targets().findIndex((tg) => tg.isStage);
    const stage = targets()[stageIndex];
    stageTile.setAttribute('aria-selected', String(stageIndex === sel));
    stageTile.dataset.index = String(stageIndex);
    stageTile.querySelector('img').src = stage ? thumbUrl(stage.costumes[stage.currentCostume ?? 0] ?? stage.costumes[0]) : '';
    stageTile.querySelector('span').textContent = t('sprites.stage');
  };

  const renderButtons = () => {
    for (const b of container.querySelectorAll('[data-act]')) b.textContent = t(`sprites.act.${b.dataset.act}`);
    for (const b of container.querySelectorAll('.sp-tabs button')) {
      const stage = targets()[current()]?.isStage;
      b.textContent = b.dataset.tab === 'costumes' ? t(stage ? 'sprites.tab.backdrops' : 'sprites.tab.costumes') : t('sprites.tab.sounds');
      b.setAttribute('aria-selected', String(b.dataset.tab === assetsTab));
    }
  };

  const assetsContext = {
    get project() { return getProject(); },
    get tab() { return assetsTab; },
    t, lang, thumbUrl, edit, showMessage, miniButton, uniqueName,
    uploadCostumes: async () => {
      const files = await pickFiles(PICTURES);
      if (files.length) await uploadPictures(files, targets()[current()]?.isStage ? 'backdrop' : 'costume');
    },
    uploadSounds: async () => {
      const files = await pickFiles(SOUNDS);
      if (files.length) await uploadSounds(files);
    },
    chooseBackdrop,
    get chooseSound() { return soundLibrary() ? chooseSound : null; },
    freshName: (name, taken) => uniqueName(name, taken),
  };

  let lastProject = null;
  function render() {
    const p = getProject();
    if (!p) return;
    if (p !== lastProject) {
      // A new working project (opened, new, restored): its own thumbnails and undo.
      if (lastProject) {
        for (const url of thumbs.values()) URL.revokeObjectURL(url);
        thumbs.clear();
        undo = null;
      }
      lastProject = p;
      listen(p);
    }
    renderProps();
    renderList();
    renderButtons();
    renderAssets(assetsList, assetsButtons, assetsContext);
  }

  // ---- wiring ----

  container.addEventListener('click', async (e) => {
    const act = e.target.closest?.('[data-act]')?.dataset.act;
    if (!act) return;
    if (act === 'choose-sprite') await chooseSprite();
    else if (act === 'choose-backdrop') await chooseBackdrop();
    else if (act === 'upload-sprite') {
      const files = await pickFiles(PICTURES);
      if (files.length) await uploadPictures(files, 'sprite');
    } else if (act === 'upload-backdrop') {
      const files = await pickFiles(PICTURES);
      if (files.length) await uploadPictures(files, 'backdrop');
    }
  });
  for (const b of container.querySelectorAll('.sp-tabs button')) {
    b.addEventListener('click', () => {
      assetsTab = b.dataset.tab;
      render();
    });
  }
  const selectStage = () => {
    const i = targets().findIndex((tg) => tg.isStage);
    if (i >= 0 && current() !== i) getProject().setCurrentTarget(i);
  };
  stageTile.addEventListener('click', selectStage);
  stageTile.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); selectStage(); } });

  // Dropping picture or sound files on the pane adds them (other files, such as an .sb3, go on
  // to the page's own drop handler).
  const MEDIA = /\.(png|jpe?g|svg|gif|bmp|webp|wav|mp3|ogg)$/i;
  const isMedia = (f) => /^(image|audio)\//.test(f.type) || MEDIA.test(f.name);
  container.addEventListener('dragover', (e) => {
    if ([...(e.dataTransfer?.items || [])].some((i) => i.kind === 'file' && /^(image|audio)\//.test(i.type))) e.preventDefault();
  });
  container.addEventListener('drop', async (e) => {
    const files = [...(e.dataTransfer?.files || [])];
    if (!files.length || !files.every(isMedia)) return;
    e.preventDefault();
    e.stopPropagation();
    const pictures = [];
    const sounds = [];
    for (const f of files) {
      const head = new Uint8Array(await f.slice(0, 4096).arrayBuffer());
      if (sniffSound(head) || /^audio\//.test(f.type)) sounds.push(f);
      else pictures.push(f);
    }
    if (pictures.length) await uploadPictures(pictures, targets()[current()]?.isStage ? 'backdrop' : 'costume');
    if (sounds.length) await uploadSounds(sounds);
  });

  const listen = (p) => {
    if (!p || p.__spritesPane) return;
    p.__spritesPane = true;
    p.addEventListener('select', () => render());
    p.addEventListener('change', (e) => {
      const reason = e.detail?.reason;
      if (!['sprite', 'costume', 'sound', 'state'].includes(reason)) {
        changeCount += 1; // another part edited the project: an older undo would lose it
      }
      // Blocks and the title do not show here (and redrawing would interrupt typing).
      if (reason !== 'blocks' && reason !== 'title') render();
    });
  };
  onLangChange(() => render());

  // A press on a sprite on the stage selects it (as dragging one does in Scratch).
  player?.canvas?.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !player.loaded || typeof player.pg.pick !== 'function') return;
    const [x, y] = player.stagePoint(e.clientX, e.clientY);
    const id = player.pg.pick(x, y);
    if (!(id > 0)) return;
    const ts = targets();
    const index = ts.findIndex((tg, i) => !tg.isStage && engineId(i) === id);
    if (index >= 0 && index !== current()) getProject().setCurrentTarget(index);
  });

  // Live x, y, size and direction from the engine, as the sprite moves (cheap: one call a frame,
  // and the DOM only when a value changed).
  let shown = '';
  const live = () => {
    requestAnimationFrame(live);
    const p = getProject();
    if (p && p !== lastProject) render();
    const tg = p?.json.targets[p.currentTarget];
    if (!tg || tg.isStage || !player?.loaded) return;
    const info = player.pg.sprite_info(engineId(p.currentTarget));
    if (info.length < 6) return;
    const key = info.slice(0, 5).join(',');
    if (key === shown) return;
    shown = key;
    const fields = { x: info[0], y: info[1], direction: info[2], size: info[3] };
    for (const [k, v] of Object.entries(fields)) {
      const input = props.querySelector(`input[data-prop="${k}"]`);
      if (input && document.activeElement !== input) input.value = String(Math.round(v));
    }
    for (const b of props.querySelectorAll('[data-visible]')) {
      b.setAttribute('aria-pressed', String((info[4] !== 0) === (b.dataset.visible === 'true')));
    }
  };
  requestAnimationFrame(live);

  render();

  return {
    refresh: render,
    setProject(p) {
      project = p;
      render();
    },
    engineId,
    /** For tests: the pane's operations. */
    ops: {
      uploadPictures, uploadSounds, renameSprite, duplicateSprite, deleteSprite, setProp, undo: doUndo,
      chooseSprite, chooseBackdrop, chooseSound, reloaded: async () => {
        await lastEdit.catch(() => {});
        await reloading;
      },
    },
  };
}
