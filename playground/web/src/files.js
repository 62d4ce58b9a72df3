// Files: open and save Scratch 3 projects (.sb3), the project's title, and the file menu in the
// header (New, Open…, Save to your computer, Recent projects). Autosave lives in autosave.js.
//
// Opening never touches the working project until the new one is known to be good: the file is
// read, unzipped (sb3.js: the browser's DecompressionStream), its project.json parsed, checked
// in shape and compiled by a separate engine; only then does the page get it (`openProject`).
// Every problem becomes a friendly message in the page's language.
//
// Saving writes a zip (project.json + every file of the project) with the browser's
// CompressionStream (deflate; stored when the browser has none): no zip library is shipped.
import { t, onLangChange, pick } from './i18n.js';
import { Sb3Problem, unzipSb3 } from './sb3.js';
import { Playground } from './player.js';
import { pageAutosave } from './autosave.js';

/** Files larger than this are refused before reading them (the compiler's limit). */
export const MAX_FILE = 50 * 1024 * 1024;

/** A problem opening or saving: `key` in the translation files (files.* or sb3.*), `vars`. */
export class FilesProblem extends Error {
  constructor(key, vars = {}) {
    super(key);
    this.key = key;
    this.vars = vars;
  }
}

// ---------------------------------------------------------------------------------------------
// Titles and file names

/** A title made safe as a file name on every system (keeps Chinese and spaces). */
export function safeFileName(title, fallback = 'project') {
  let name = String(title ?? '')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(name)) name = `${name}_`;
  if (name.length > 80) name = name.slice(0, 80).trim();
  return name || fallback;
}

/** The title of a project opened from `fileName`: the name without .sb3 (and a browser's " (1)"). */
export function titleFromFileName(fileName) {
  const base = String(fileName || '').split(/[\\/]/).pop();
  return base.replace(/\.(sb3|sb|sb2|json|zip)$/i, '').replace(/\s*\(\d+\)$/, '').trim().slice(0, 100);
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Checks the shape of a project.json (what the page and the editor rely on) and returns the
 * parsed object. Throws FilesProblem.
 */
export function parseProjectJson(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FilesProblem('files.badJson');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FilesProblem('files.badJson');
  if (!Array.isArray(json.targets)) {
    // Scratch 2 projects have `objName` and `children` at the top.
    if ('objName' in json || 'children' in json) throw new FilesProblem('files.scratch2');
    throw new FilesProblem('files.badJson');
  }
  const targets = json.targets;
  if (!targets.length || !targets.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
    throw new FilesProblem('files.noTargets');
  }
  const stageAt = targets.findIndex((x) => x.isStage);
  if (stageAt < 0) throw new FilesProblem('files.noTargets');
  if (stageAt > 0) targets.unshift(targets.splice(stageAt, 1)[0]);
  for (const target of targets) {
    if (!target.blocks || typeof target.blocks !== 'object') target.blocks = {};
    if (!Array.isArray(target.costumes)) target.costumes = [];
    if (!Array.isArray(target.sounds)) target.sounds = [];
    if (!target.variables || typeof target.variables !== 'object') target.variables = {};
    if (!target.lists || typeof target.lists !== 'object') target.lists = {};
    if (!target.broadcasts || typeof target.broadcasts !== 'object') target.broadcasts = {};
    if (!target.comments || typeof target.comments !== 'object') target.comments = {};
  }
  if (!Array.isArray(json.monitors)) json.monitors = [];
  if (!Array.isArray(json.extensions)) json.extensions = [];
  if (!json.meta || typeof json.meta !== 'object') json.meta = { semver: '3.0.0' };
  return json;
}

/**
 * Compiles a project.json with an engine of its own (the page's keeps running), and throws a
 * FilesProblem carrying the first error's words when it does not load.
 */
export function checkCompiles(jsonText) {
  let pg = null;
  let report;
  try {
    pg = new Playground();
    report = JSON.parse(pg.load_project_json(jsonText));
  } catch {
    return; // the engine itself failed: let the page's own load report it
  } finally {
    try { pg?.free(); } catch { /* already gone */ }
  }
  if (!report.loaded) {
    const first = report.diagnostics.find((d) => d.severity === 'error') ?? report.diagnostics[0];
    const problem = new FilesProblem('files.hasErrors');
    problem.words = first?.message ?? null;
    throw problem;
  }
}

async function readBytes(file) {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch {
    throw new FilesProblem('files.cannotRead');
  }
}

/**
 * A file the person chose (File or Blob with a name) → { json, files, title }. Throws
 * FilesProblem or Sb3Problem; nothing in the page changes.
 */
export async function readProjectFile(file) {
  if (!file) throw new FilesProblem('files.cannotRead');
  if (file.size > MAX_FILE) throw new FilesProblem('files.tooBig', { mb: Math.round(file.size / 1048576) });
  const name = file.name || '';
  if (file.size === 0) throw new FilesProblem('files.empty');
  // A picture, a sound or a document dropped by mistake: say what an .sb3 is.
  if (/\.(png|jpe?g|gif|bmp|svg|webp|wav|mp3|ogg|m4a|txt|docx?|pdf|pptx?|xlsx?|html?|sb2|sb)$/i.test(name)) {
    throw new FilesProblem(/\.(sb2|sb)$/i.test(name) ? 'files.scratch2' : 'files.notProject', { name });
  }
  const bytes = await readBytes(file);
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  let first = 0;
  while (first < bytes.length && first < 8 && /\s/.test(String.fromCharCode(bytes[first]))) first += 1;
  const isJson = bytes[first] === 0x7b;
  if (!isZip && !isJson) throw new FilesProblem('files.notProject', { name });
  const { projectJson, files } = await unzipSb3(bytes);
  const json = parseProjectJson(projectJson);
  const text = JSON.stringify(json);
  checkCompiles(text);
  return { json, files, title: titleFromFileName(name) };
}

/** A problem → its message in the current language ({en, zh} words too). */
export function problemText(e) {
  if (e instanceof Sb3Problem) return t(e.key, e.vars);
  if (e instanceof FilesProblem) {
    if (e.key === 'files.hasErrors' && e.words) {
      return t('files.hasErrors', { reason: pick(e.words) });
    }
    return t(e.key, e.vars);
  }
  return t('files.cannotRead');
}

// ---------------------------------------------------------------------------------------------
// Writing: a zip in the browser

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function streamBytes(stream) {
  const buffer = await new Response(stream).arrayBuffer();
  return new Uint8Array(buffer);
}

/** Raw deflate of `bytes` by the browser, or null when it cannot (then the file is stored). */
async function deflateRaw(bytes) {
  if (typeof CompressionStream !== 'function') return null;
  try {
    return await streamBytes(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')));
  } catch { /* older browsers know only 'deflate' (zlib): strip its header and checksum */ }
  try {
    const z = await streamBytes(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate')));
    return z.length > 6 ? z.subarray(2, z.length - 4) : null;
  } catch {
    return null;
  }
}

function dosDateTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day = ((Math.max(1980, date.getFullYear()) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return [time, day];
}

/** A zip archive of `entries` ([name, Uint8Array]) as a Blob. */
export async function zip(entries, type = 'application/zip') {
  const encoder = new TextEncoder();
  const [time, day] = dosDateTime(new Date());
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = encoder.encode(name);
    const crc = crc32(data);
    // Pictures (PNG, JPEG) and MP3 are compressed already: store them.
    const packed = data.length > 64 && !/\.(png|jpe?g|gif|mp3|ogg)$/i.test(name) ? await deflateRaw(data) : null;
    const useDeflate = packed && packed.length < data.length;
    const body = useDeflate ? packed : data;
    const method = useDeflate ? 8 : 0;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true); // names in UTF-8
    local.setUint16(8, method, true);
    local.setUint16(10, time, true);
    local.setUint16(12, day, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    local.setUint16(28, 0, true);
    parts.push(local.buffer, nameBytes, body);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(8, 0x0800, true);
    dir.setUint16(10, method, true);
    dir.setUint16(12, time, true);
    dir.setUint16(14, day, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, body.length, true);
    dir.setUint32(24, data.length, true);
    dir.setUint16(28, nameBytes.length, true);
    dir.setUint32(42, offset, true);
    central.push(dir.buffer, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const dirSize = central.reduce((s, p) => s + p.byteLength, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  return new Blob([...parts, ...central, end.buffer], { type });
}

/** The project.json Scratch 3 opens: the project's json with `meta` saying who wrote it. */
export function projectJsonForSave(json) {
  const out = { ...json };
  out.targets = json.targets ?? [];
  out.monitors = Array.isArray(json.monitors) ? json.monitors : [];
  out.extensions = Array.isArray(json.extensions) ? json.extensions : [];
  out.meta = { semver: '3.0.0', vm: '0.2.0', agent: 'Starling' };
  return out;
}

/** The project as .sb3 bytes (a Blob): project.json and every file of `project.files`. */
export async function sb3Blob(project) {
  const json = JSON.stringify(projectJsonForSave(project.json));
  const entries = [['project.json', new TextEncoder().encode(json)]];
  for (const [name, bytes] of project.files ?? new Map()) {
    if (name && name !== 'project.json' && bytes) entries.push([name, bytes]);
  }
  return zip(entries, 'application/x.scratch.sb3');
}

/** Starts the download of `blob` as `fileName`. */
export function download(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// ---------------------------------------------------------------------------------------------
// The file menu

const STYLE = `
.files { position: relative; display: inline-flex; align-items: center; gap: 6px; }
.files button { font: inherit; cursor: pointer; }
.files-menu-button { border: 1px solid rgba(0,0,0,.15); background: #fff; color: #575e75;
  border-radius: 8px; padding: 5px 12px; min-height: 34px; }
.files-menu-button:hover, .files-menu-button[aria-expanded="true"] { background: #e9f1fc; }
.files-panel { position: absolute; top: calc(100% + 6px); left: 0; z-index: 50; min-width: 290px;
  max-width: min(360px, 92vw); background: #fff; color: #575e75; border: 1px solid #d9d9d9;
  border-radius: 10px; box-shadow: 0 6px 24px rgba(0,0,0,.18); padding: 6px; }
.files-panel[hidden] { display: none; }
.files-item { display: block; width: 100%; text-align: left; border: 0; background: none;
  color: inherit; padding: 9px 12px; border-radius: 6px; min-height: 38px; }
.files-item:hover, .files-item:focus-visible { background: #e9f1fc; }
.files-panel h3 { font-size: 12px; font-weight: 600; margin: 8px 12px 4px; color: #8a8fa3;
  text-transform: uppercase; letter-spacing: .03em; }
.files-recent { list-style: none; margin: 0; padding: 0; max-height: 300px; overflow: auto; }
.files-recent li { display: flex; align-items: center; gap: 4px; border-radius: 6px; }
.files-recent li.current .files-recent-open { font-weight: 600; }
.files-recent-open { flex: 1; min-width: 0; text-align: left; border: 0; background: none;
  color: inherit; padding: 7px 12px; border-radius: 6px; }
.files-recent-open:hover { background: #e9f1fc; }
.files-recent-title { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.files-recent-time { display: block; font-size: 12px; color: #8a8fa3; }
.files-recent-delete { border: 0; background: none; color: #8a8fa3; padding: 6px 10px;
  border-radius: 6px; line-height: 0; }
.files-recent-delete:hover { background: #fde8e8; color: #b84848; }
.files-confirm { flex: 1; display: flex; align-items: center; gap: 6px; padding: 6px 10px;
  background: #fff4f4; border-radius: 6px; font-size: 14px; }
.files-confirm span { flex: 1; }
.files-confirm button { border: 1px solid #d9d9d9; background: #fff; border-radius: 6px; padding: 4px 10px; }
.files-confirm .files-confirm-yes { background: #ec5959; border-color: #b84848; color: #fff; }
.files-empty { margin: 4px 12px 8px; font-size: 14px; color: #8a8fa3; }
.files-note { position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); z-index: 60;
  max-width: min(560px, 92vw); display: flex; gap: 10px; align-items: flex-start;
  background: #fff8e1; color: #5c4a00; border: 1px solid #f0d56b; border-radius: 10px;
  padding: 10px 14px; box-shadow: 0 4px 16px rgba(0,0,0,.15); font-size: 15px; }
.files-note.error { background: #fff0f0; color: #7a2020; border-color: #f2b8b8; }
.files-note.ok { background: #effaf0; color: #1f5e27; border-color: #a8dcae; }
.files-note[hidden] { display: none; }
.files-note p { margin: 0; flex: 1; }
.files-note button { border: 0; background: none; color: inherit; font-size: 18px; line-height: 1; padding: 0 2px; }
.files-drop { position: fixed; inset: 0; z-index: 70; background: rgba(76,151,255,.18);
  border: 4px dashed #4c97ff; display: flex; align-items: center; justify-content: center;
  font-size: 24px; color: #1d5fbf; pointer-events: none; }
.files-drop[hidden] { display: none; }
.files-drop span { background: #fff; padding: 14px 24px; border-radius: 12px; }
`;

const TRASH_ICON = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'i18n') node.dataset.i18n = v;
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/** "3 minutes ago"-style time of a recent project, in the page's language. */
function when(time) {
  const seconds = Math.max(0, (Date.now() - time) / 1000);
  if (seconds < 60) return t('files.justNow');
  if (seconds < 3600) return t('files.minutesAgo', { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t('files.hoursAgo', { n: Math.floor(seconds / 3600) });
  const d = new Date(time);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Mounts the file menu and the autosave. Options:
 * - `Project`: the class of project.js (to build a project from a file or a saved copy);
 * - `getProject()`: the working project;
 * - `openProject(project)`: the page shows and runs `project` (may return a promise; a thrown
 *   error or `false` means it could not, and the working project stays);
 * - `newProject()`: optional, a fresh default project (else `Project.createDefault(lang)`);
 * - `flush()`: optional, writes the editor's state into the working project's json (before a save);
 * - `lang()`: the page's language;
 * - `titleInput`: the header's title field (default #project-title);
 * - `autosave`: optional, an Autosave (default: the page's one, pageAutosave()).
 * Returns { autosave, openFile(file), save(), newProject(), refreshRecent(), note(key, vars, kind) }.
 */
export function mountFiles(container, options) {
  const { Project, getProject, openProject } = options;
  const langOf = options.lang ?? (() => document.documentElement.lang || 'en');
  const flush = options.flush ?? (() => {});
  const titleInput = options.titleInput ?? document.getElementById('project-title');

  if (!document.getElementById('files-style')) {
    document.head.append(el('style', { id: 'files-style', textContent: STYLE }));
  }

  // --- the note: friendly messages (problems, storage trouble)
  const noteText = el('p');
  const noteClose = el('button', { type: 'button', textContent: '×', 'data-i18n-aria-label': 'files.dismiss' });
  const note = el('div', { class: 'files-note', id: 'files-note', role: 'status', 'aria-live': 'polite', hidden: true },
    [noteText, noteClose]);
  let noteState = null;
  let noteTimer = 0;
  const showNote = (state) => {
    noteState = state;
    clearTimeout(noteTimer);
    if (!state) {
      note.hidden = true;
      return;
    }
    noteText.textContent = state.text();
    note.className = `files-note ${state.kind ?? ''}`;
    note.dataset.kind = state.kind ?? '';
    note.hidden = false;
    // Good news goes by itself; a storage note after a while; a problem stays until closed.
    if (state.kind === 'ok') noteTimer = setTimeout(() => showNote(null), 5000);
    if (state.kind === 'info') noteTimer = setTimeout(() => showNote(null), 15000);
    if (state.kind === 'error') noteTimer = setTimeout(() => showNote(null), 30000);
  };
  const noteKey = (key, vars, kind = 'info') => showNote({ text: () => t(key, vars), kind, key });
  const noteProblem = (e) => {
    if (!(e instanceof FilesProblem || e instanceof Sb3Problem)) console.warn('files:', e);
    showNote({ text: () => t('files.openFailed', { reason: problemText(e) }), kind: 'error', key: e?.key ?? 'files.cannotRead' });
  };
  noteClose.addEventListener('click', () => showNote(null));

  // --- the menu
  const menuButton = el('button', { type: 'button', class: 'files-menu-button', id: 'files-menu-button',
    'aria-haspopup': 'true', 'aria-expanded': 'false' }, [el('span', { i18n: 'files.menu', textContent: t('files.menu') }), ' ▾']);
  const newButton = el('button', { type: 'button', class: 'files-item', id: 'files-new', i18n: 'files.new', textContent: t('files.new') });
  const openButton = el('button', { type: 'button', class: 'files-item', id: 'files-open', i18n: 'files.open', textContent: t('files.open') });
  const saveButton = el('button', { type: 'button', class: 'files-item', id: 'files-save', i18n: 'files.save', textContent: t('files.save') });
  const input = el('input', { type: 'file', id: 'files-input', accept: '.sb3,application/x.scratch.sb3', hidden: true });
  const recentList = el('ul', { class: 'files-recent', id: 'files-recent' });
  const recentEmpty = el('p', { class: 'files-empty', i18n: 'files.noRecent', textContent: t('files.noRecent') });
  const recentHead = el('h3', { i18n: 'files.recent', textContent: t('files.recent') });
  const panel = el('div', { class: 'files-panel', id: 'files-panel', hidden: true, role: 'menu' },
    [newButton, openButton, saveButton, recentHead, recentList, recentEmpty]);
  const dropShade = el('div', { class: 'files-drop', id: 'files-drop', hidden: true },
    [el('span', { i18n: 'files.dropHere', textContent: t('files.dropHere') })]);
  const root = el('div', { class: 'files' }, [menuButton, panel, input]);
  container.append(root);
  document.body.append(note, dropShade);

  const setOpen = (open) => {
    panel.hidden = !open;
    menuButton.setAttribute('aria-expanded', String(open));
    if (open) refreshRecent();
  };
  menuButton.addEventListener('click', () => setOpen(panel.hidden));
  document.addEventListener('pointerdown', (e) => {
    if (!panel.hidden && !root.contains(e.target)) setOpen(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) setOpen(false);
  });

  // --- autosave
  const autosave = options.autosave ?? pageAutosave();
  autosave.onProblem = (key) => noteKey(key, {}, 'info');
  const watched = new WeakSet();
  const watch = (project) => {
    if (!project || watched.has(project)) return;
    watched.add(project);
    autosave.baseline(project);
    project.addEventListener('change', () => {
      if (project === getProject()) autosave.changed(project);
    });
  };
  watch(getProject());

  /** The editor's work into project.json, then saved if anything changed. */
  async function keepWork() {
    try {
      await flush();
    } catch (e) {
      console.warn('files: the editor could not hand over its blocks', e);
    }
    const project = getProject();
    if (project) await autosave.saveIfChanged(project);
    else await autosave.flush();
  }

  // --- the title
  const showTitle = () => {
    const project = getProject();
    if (titleInput && project && document.activeElement !== titleInput) titleInput.value = project.title ?? '';
  };
  if (titleInput) {
    showTitle();
    titleInput.addEventListener('input', () => {
      const project = getProject();
      if (!project) return;
      project.title = titleInput.value;
      project.markChanged?.('title');
    });
    titleInput.addEventListener('change', () => {
      const project = getProject();
      if (project && !titleInput.value.trim()) {
        project.title = defaultTitle();
        titleInput.value = project.title;
        project.markChanged?.('title');
      }
    });
  }

  let busy = false;
  /** Hands `project` to the page; false when it could not (the working one stays). */
  const handOver = async (project) => {
    const before = getProject();
    // The working project's last edits are kept before it is replaced.
    await keepWork();
    let ok;
    try {
      ok = await openProject(project);
    } catch (e) {
      console.warn('files: the page could not open the project', e);
      ok = false;
    }
    if (ok === false || (getProject() === before && before !== project)) {
      // Half-opened: put the working project back.
      if (before && getProject() !== before) await Promise.resolve(openProject(before)).catch(() => {});
      return false;
    }
    watch(getProject());
    showTitle();
    return true;
  };

  const defaultTitle = () => {
    try {
      return Project.createDefault(langOf()).title || t('project.defaultTitle');
    } catch {
      return t('project.defaultTitle');
    }
  };
  const makeProject = (parts) => buildProject(Project, langOf(), parts, options.fromParts);

  /** Opens a file the person chose or dropped. */
  const openFile = async (file) => {
    if (busy) return false;
    busy = true;
    setOpen(false);
    try {
      const parts = await readProjectFile(file);
      const project = makeProject({
        ...parts,
        title: parts.title || defaultTitle(),
        currentTarget: parts.json.targets.length > 1 ? 1 : 0,
      });
      if (!(await handOver(project))) throw new FilesProblem('files.pageFailed');
      await autosave.saveNow(project, { fresh: true });
      noteKey('files.opened', { title: project.title }, 'ok');
      return true;
    } catch (e) {
      noteProblem(e);
      return false;
    } finally {
      busy = false;
    }
  };

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) openFile(file);
  });
  openButton.addEventListener('click', () => input.click());

  // Drag and drop anywhere on the page (a drop another part of the page took is left alone).
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  let dragDepth = 0;
  // Pictures and sounds are the sprite pane's: the shade shows only for other files.
  const mediaOnly = (e) => {
    const items = [...(e.dataTransfer?.items ?? [])];
    return items.length > 0 && items.every((i) => /^(image|audio|video)\//.test(i.type));
  };
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    dragDepth += 1;
    if (!mediaOnly(e)) dropShade.hidden = false;
  });
  window.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) dropShade.hidden = true;
  });
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('drop', (e) => {
    dragDepth = 0;
    dropShade.hidden = true;
    if (!hasFiles(e) || e.defaultPrevented) return;
    e.preventDefault();
    const file = e.dataTransfer.files?.[0];
    if (file) openFile(file);
  });

  /** "Save to your computer". */
  const save = async () => {
    setOpen(false);
    const project = getProject();
    if (!project) return false;
    try {
      await flush();
      const blob = await sb3Blob(project);
      const name = `${safeFileName(project.title, safeFileName(t('project.defaultTitle')))}.sb3`;
      download(blob, name);
      noteKey('files.saved', { name }, 'ok');
      return true;
    } catch (e) {
      console.warn('files: save failed', e);
      noteKey('files.saveFailed', {}, 'error');
      return false;
    }
  };
  saveButton.addEventListener('click', save);

  /** "New": a fresh default project; the working one stays in Recent projects. */
  const newProject = async () => {
    if (busy) return false;
    busy = true;
    setOpen(false);
    try {
      const project = options.newProject ? await options.newProject() : Project.createDefault(langOf());
      if (!(await handOver(project))) throw new FilesProblem('files.pageFailed');
      await autosave.startFresh(project);
      noteKey('files.newStarted', {}, 'ok');
      return true;
    } catch (e) {
      noteProblem(e);
      return false;
    } finally {
      busy = false;
    }
  };
  newButton.addEventListener('click', newProject);

  /** Reopens a recent project by its id. */
  const openRecent = async (id) => {
    if (busy) return false;
    busy = true;
    setOpen(false);
    try {
      const parts = await autosave.load(id);
      if (!parts) throw new FilesProblem('files.recentGone');
      parts.json = parseProjectJson(JSON.stringify(parts.json));
      const project = makeProject(parts);
      autosave.adopt(project, id);
      if (!(await handOver(project))) throw new FilesProblem('files.pageFailed');
      await autosave.saveNow(project);
      noteKey('files.opened', { title: project.title }, 'ok');
      return true;
    } catch (e) {
      noteProblem(e);
      return false;
    } finally {
      busy = false;
    }
  };

  // --- Recent projects
  let recent = [];
  async function refreshRecent() {
    recent = await autosave.list();
    const currentId = autosave.idOf(getProject());
    recentList.replaceChildren(...recent.map((entry) => {
      const li = el('li', { class: entry.id === currentId ? 'current' : '' });
      li.dataset.id = entry.id;
      const openIt = el('button', { type: 'button', class: 'files-recent-open' }, [
        el('span', { class: 'files-recent-title', textContent: entry.title || t('project.defaultTitle') }),
        el('span', { class: 'files-recent-time', textContent: when(entry.time) }),
      ]);
      openIt.addEventListener('click', () => {
        if (entry.id === currentId) setOpen(false);
        else openRecent(entry.id);
      });
      const del = el('button', { type: 'button', class: 'files-recent-delete',
        title: t('files.delete'), 'aria-label': t('files.delete') });
      del.innerHTML = TRASH_ICON;
      del.addEventListener('click', () => {
        const yes = el('button', { type: 'button', class: 'files-confirm-yes', textContent: t('files.deleteYes') });
        const no = el('button', { type: 'button', class: 'files-confirm-no', textContent: t('files.deleteNo') });
        const ask = el('div', { class: 'files-confirm' }, [
          el('span', { textContent: t('files.deleteConfirm', { title: entry.title || t('project.defaultTitle') }) }), yes, no]);
        li.replaceChildren(ask);
        no.addEventListener('click', () => refreshRecent());
        yes.addEventListener('click', async () => {
          await autosave.remove(entry.id);
          refreshRecent();
        });
      });
      li.append(openIt, del);
      return li;
    }));
    recentEmpty.hidden = recent.length > 0;
  }

  onLangChange((l) => {
    // A project nobody changed yet takes the default title of the new language.
    const project = getProject();
    if (project && Project?.createDefault && !autosave.idOf(project) && autosave.pending !== project) {
      const titles = ['en', 'zh-CN'].map((x) => Project.createDefault(x).title);
      if (titles.includes(project.title)) {
        project.title = Project.createDefault(l).title;
        autosave.baseline(project, true);
        showTitle();
      }
    }
    for (const node of [...root.querySelectorAll('[data-i18n]'), ...dropShade.querySelectorAll('[data-i18n]')]) {
      node.textContent = t(node.dataset.i18n);
    }
    noteClose.setAttribute('aria-label', t('files.dismiss'));
    if (noteState && !note.hidden) noteText.textContent = noteState.text();
    if (!panel.hidden) refreshRecent();
  });
  noteClose.setAttribute('aria-label', t('files.dismiss'));

  // Never lose the last second: write at once when the tab is hidden or closed.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') keepWork();
  });
  window.addEventListener('pagehide', () => keepWork());

  const api = {
    autosave,
    openFile,
    save,
    newProject,
    openRecent,
    refreshRecent,
    showTitle,
    /** The page replaced the working project by itself (tell the autosave and the title). */
    projectChanged: () => {
      watch(getProject());
      showTitle();
    },
    note: noteKey,
  };
  // For tests: the menu's actions and the helpers.
  window.starlingFiles = { ...api, getProject, unzip: unzipSb3, zip, safeFileName };
  return api;
}

/**
 * The project the person was working on (from the autosave), or null. Call before showing the
 * default project: `(await restoreProject(Project, lang)) ?? Project.createDefault(lang)`.
 */
export async function restoreProject(Project, lang, fromParts) {
  const autosave = pageAutosave();
  // If opening the autosaved project stopped the page twice in a row (it never got ready), start
  // with a fresh one instead: the project stays under Recent projects.
  const GUARD = 'starling.restoring';
  let tries = 0;
  try {
    tries = Number(localStorage.getItem(GUARD)) || 0;
    localStorage.setItem(GUARD, String(tries + 1));
    const clear = () => {
      if (document.body?.dataset.ready !== 'true') return false;
      localStorage.removeItem(GUARD);
      return true;
    };
    if (!clear()) {
      const watcher = new MutationObserver(() => { if (clear()) watcher.disconnect(); });
      watcher.observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
    }
  } catch { /* no localStorage: no guard */ }
  if (tries >= 2) {
    autosave.onProblem?.('files.restoreSkipped');
    return null;
  }
  try {
    // A browser whose storage never answers must not keep the page from starting.
    const parts = await Promise.race([
      autosave.restore(),
      new Promise((resolve) => { setTimeout(() => resolve(null), 4000); }),
    ]);
    if (!parts) return null;
    parts.json = parseProjectJson(JSON.stringify(parts.json));
    const project = buildProject(Project, lang, parts, fromParts);
    autosave.adopt(project, parts.id);
    return project;
  } catch (e) {
    console.warn('files: the autosaved project could not be restored', e);
    return null;
  }
}

/** A Project (project.js) from its parts: json, files, title, currentTarget. */
export function buildProject(Project, lang, parts, fromParts) {
  const { json, files, title } = parts;
  const currentTarget = Math.min(Math.max(0, (parts.currentTarget ?? 1) | 0), json.targets.length - 1);
  if (fromParts) return fromParts({ json, files, title, currentTarget });
  const project = new Project(json, files, title);
  project.currentTarget = currentTarget;
  return project;
}
