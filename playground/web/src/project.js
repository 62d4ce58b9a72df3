// The working project of the playground: a Scratch 3 project (project.json + its asset files)
// kept in JavaScript. Everything that edits the project (the block editor, the sprite pane, the
// file menu, autosave) goes through one `Project`:
//
//   project.json          the parsed project.json: targets (stage first), monitors, extensions, meta
//   project.files         Map of asset name ("<md5>.<ext>", as Scratch names them) → Uint8Array
//   project.title         the project's title
//   project.currentTarget index into json.targets of the sprite (or stage) being edited
//   project.markChanged(reason)   after any edit: fires `change` ({detail: {reason}}); autosave listens
//   project.setCurrentTarget(i)   fires `select` ({detail: {index, previous}})
//   project.addFile(bytes, ext)   stores an asset, returns its md5ext name
//   Project.createDefault(lang)   a white backdrop and one sprite (the cat), as Scratch starts
//
// The engine loads it with `Playground.load_project_json(JSON.stringify(project.json))`, and the
// costumes' bytes come from `project.files`.
import CAT_A from '../../../assets/library/sprites/cat-a.svg';
import CAT_B from '../../../assets/library/sprites/cat-b.svg';

const encoder = new TextEncoder();

export class Project extends EventTarget {
  /**
   * `json`: a parsed project.json (it is kept, not copied); `files`: Map name → bytes.
   */
  constructor(json, files = new Map(), title = '') {
    super();
    this.json = normalise(json);
    this.files = files;
    this.title = title;
    this.currentTarget = firstSprite(this.json);
  }

  /** Tells everyone that the project changed (`reason`: 'blocks', 'sprite', 'costume', 'title'…). */
  markChanged(reason = 'edit') {
    this.dispatchEvent(new CustomEvent('change', { detail: { reason } }));
  }

  /** Selects the sprite or stage (index into json.targets) to edit. */
  setCurrentTarget(index) {
    const i = Math.max(0, Math.min(this.json.targets.length - 1, index | 0));
    const previous = this.currentTarget;
    this.currentTarget = i;
    this.dispatchEvent(new CustomEvent('select', { detail: { index: i, previous } }));
  }

  /** The target being edited. */
  target() {
    return this.json.targets[this.currentTarget];
  }

  /** The stage (always the first target). */
  stage() {
    return this.json.targets.find((t) => t.isStage) ?? this.json.targets[0];
  }

  /** Stores an asset's bytes; returns its name as Scratch makes it: MD5 of the bytes + "." + ext. */
  addFile(bytes, ext) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const name = `${md5(data)}.${String(ext).replace(/^\./, '').toLowerCase()}`;
    if (!this.files.has(name)) this.files.set(name, data);
    return name;
  }

  /** The names the editor's dropdowns offer (the editor's `projectInfo()`). */
  info() {
    const targets = this.json.targets;
    const target = this.target() ?? targets[0];
    const stage = this.stage();
    const spriteVariables = {};
    for (const t of targets) {
      if (t.isStage) continue;
      spriteVariables[t.name] = Object.values(t.variables ?? {}).map((v) => v[0]);
    }
    return {
      isStage: !!target?.isStage,
      targetName: target?.name ?? '',
      sprites: targets.filter((t) => !t.isStage).map((t) => t.name),
      costumes: (target?.costumes ?? []).map((c) => c.name),
      backdrops: (stage?.costumes ?? []).map((c) => c.name),
      sounds: (target?.sounds ?? []).map((s) => s.name),
      spriteVariables,
    };
  }

  /** project.json as text (for the engine, saving and autosave). */
  serialize() {
    return JSON.stringify(this.json);
  }

  /** A white backdrop and the cat, named in the page's language. */
  static createDefault(lang = 'en') {
    const zh = lang === 'zh-CN';
    const files = new Map();
    const project = new Project({ targets: [], monitors: [], extensions: [], meta: META }, files,
      zh ? '我的项目' : 'My project');
    const backdrop = project.addFile(encoder.encode(WHITE_SVG), 'svg');
    const catA = project.addFile(encoder.encode(CAT_A), 'svg');
    const catB = project.addFile(encoder.encode(CAT_B), 'svg');
    const costume = (name, md5ext, cx, cy) => ({
      name, bitmapResolution: 1, dataFormat: 'svg', assetId: md5ext.split('.')[0], md5ext,
      rotationCenterX: cx, rotationCenterY: cy,
    });
    project.json.targets = [
      {
        isStage: true, name: 'Stage', variables: {}, lists: {}, broadcasts: {}, blocks: {},
        comments: {}, currentCostume: 0,
        costumes: [costume(zh ? '背景1' : 'backdrop1', backdrop, 240, 180)],
        sounds: [], volume: 100, layerOrder: 0, tempo: 60, videoTransparency: 50,
        videoState: 'on', textToSpeechLanguage: null,
      },
      {
        isStage: false, name: zh ? '角色1' : 'Sprite1', variables: {}, lists: {}, broadcasts: {},
        blocks: {}, comments: {}, currentCostume: 0,
        costumes: [
          costume(zh ? '造型1' : 'costume1', catA, 48, 48),
          costume(zh ? '造型2' : 'costume2', catB, 48, 48),
        ],
        sounds: [], volume: 100, layerOrder: 1, visible: true, x: 0, y: 0, size: 100,
        direction: 90, draggable: false, rotationStyle: 'all around',
      },
    ];
    project.currentTarget = 1;
    return project;
  }
}

const META = { semver: '3.0.0', vm: '0.2.0', agent: 'Starling' };

const WHITE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360" viewBox="0 0 480 360">'
  + '<rect width="480" height="360" fill="#ffffff"/></svg>';

/** Fills what a hand-written or damaged project.json may lack, so every part can rely on it. */
function normalise(json) {
  const j = json && typeof json === 'object' ? json : {};
  if (!Array.isArray(j.targets)) j.targets = [];
  if (!Array.isArray(j.monitors)) j.monitors = [];
  if (!Array.isArray(j.extensions)) j.extensions = [];
  if (!j.meta || typeof j.meta !== 'object') j.meta = { ...META };
  for (const t of j.targets) {
    for (const key of ['variables', 'lists', 'broadcasts', 'blocks', 'comments']) {
      if (!t[key] || typeof t[key] !== 'object') t[key] = {};
    }
    if (!Array.isArray(t.costumes)) t.costumes = [];
    if (!Array.isArray(t.sounds)) t.sounds = [];
  }
  // The stage first, as Scratch writes it.
  const stageAt = j.targets.findIndex((t) => t.isStage);
  if (stageAt > 0) j.targets.unshift(...j.targets.splice(stageAt, 1));
  return j;
}

function firstSprite(json) {
  const i = json.targets.findIndex((t) => !t.isStage);
  return i >= 0 ? i : 0;
}

// MD5 (RFC 1321) of bytes, as lowercase hex: Scratch names assets by it and Web Crypto has no MD5.
const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20,
  5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
  15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

export function md5(bytes) {
  const n = bytes.length;
  const padded = new Uint8Array((((n + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[n] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, (n * 8) >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(n / 0x20000000), true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  const m = new Uint32Array(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) m[i] = view.getUint32(off + i * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f;
      let g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + K[i] + m[g]) >>> 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << S[i]) | (sum >>> (32 - S[i])))) >>> 0;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  let hex = '';
  for (const word of [a0, b0, c0, d0]) {
    for (let i = 0; i < 4; i++) hex += ((word >>> (i * 8)) & 0xff).toString(16).padStart(2, '0');
  }
  return hex;
}
