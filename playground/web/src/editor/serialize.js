// project.json ⇄ the editor's workspace.
//
// This is the contract with the runtime: the editor edits one target (a sprite or the stage) at
// a time, and hands back that target's `blocks` (and `comments`, `variables`, `lists`) in exactly
// the form Scratch 3 writes and compiler/src/sb3 (raw.rs, lower.rs) reads:
//
// - every block is `{opcode, next, parent, inputs, fields, shadow, topLevel}`, with `x`, `y` on
//   top-level blocks and a `mutation` on custom blocks (`procedures_prototype`,
//   `procedures_call`) and `control_stop` (`hasnext`);
// - inputs are compressed as scratch-vm's serializer does: `[1, shadow]`, `[2, block]`,
//   `[3, block, shadow]`, where a literal shadow is a primitive (`[4, "10"]` math_number …
//   `[10, "hi"]` text, `[9, "#ff0000"]` colour, `[11, name, id]` broadcast menu) and a variable
//   or list reporter in an input is `[12, name, id]` / `[13, name, id]`; a loose variable
//   reporter on the workspace is `[12, name, id, x, y]`;
// - fields are `[value, null]`, or `[name, id]` for variables, lists and broadcasts.
//
// The conversion goes through Blockly's own JSON state (`Blockly.serialization.workspaces`),
// so this file does not need Blockly and can be tested in Node.

/** Compressed primitive codes (scratch-vm's serialization/sb3.js). */
const PRIMITIVES = {
  math_number: [4, 'NUM'],
  math_positive_number: [5, 'NUM'],
  math_whole_number: [6, 'NUM'],
  math_integer: [7, 'NUM'],
  math_angle: [8, 'NUM'],
  colour_picker: [9, 'COLOUR'],
  text: [10, 'TEXT'],
};
const PRIMITIVE_OPCODES = {
  4: ['math_number', 'NUM'],
  5: ['math_positive_number', 'NUM'],
  6: ['math_whole_number', 'NUM'],
  7: ['math_integer', 'NUM'],
  8: ['math_angle', 'NUM'],
  9: ['colour_picker', 'COLOUR'],
  10: ['text', 'TEXT'],
};

export const UNKNOWN_STACK = 'starling_unknown';
export const UNKNOWN_REPORTER = 'starling_unknown_reporter';

const ID_SOUP = '!#$%()*+,-./:;=?@[]^_`{|}~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new 20-character id, as Blockly and Scratch make them. */
export function newId() {
  let id = '';
  for (let i = 0; i < 20; i++) id += ID_SOUP[Math.floor(Math.random() * ID_SOUP.length)];
  return id;
}

/** Lookup tables of the catalog. */
export function catalogIndex(catalog) {
  return {
    catalog,
    blocks: new Map(catalog.blocks.map((b) => [b.opcode, b])),
    menus: new Map(catalog.menus.map((m) => [m.id, m])),
  };
}

const text = (v) => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(v);
  return String(v);
};

/**
 * The variables, lists and broadcasts the editor knows while editing one target: the target's
 * own ("for this sprite only") and the stage's ("for all sprites"), with the values project.json
 * gave them (the editor does not change values; the runtime does).
 */
export class ProjectData {
  constructor() {
    /** id → {id, name, type: '' | 'list', value, local, extra} */
    this.variables = new Map();
    /** name → id */
    this.broadcasts = new Map();
  }

  /** Reads `{id: [name, value, …]}` (or lists `{id: [name, [items]]}`). */
  addAll(entries, type, local) {
    for (const [id, v] of Object.entries(entries ?? {})) {
      if (!Array.isArray(v) || v.length === 0) continue;
      this.variables.set(id, {
        id,
        name: text(v[0]),
        type,
        value: type === 'list' ? (Array.isArray(v[1]) ? v[1] : []) : (v[1] ?? 0),
        local,
        extra: v.slice(2),
      });
    }
  }

  addBroadcasts(entries) {
    for (const [id, name] of Object.entries(entries ?? {})) {
      const n = text(name);
      if (!this.broadcasts.has(n)) this.broadcasts.set(n, id);
    }
  }

  /** The id of a broadcast, registering a new one. */
  broadcastId(name) {
    let id = this.broadcasts.get(name);
    if (!id) {
      id = newId();
      this.broadcasts.set(name, id);
    }
    return id;
  }

  /**
   * The variable a field or reporter means, as scratch-vm's lookupOrCreateVariable finds it: by
   * id (own, then the stage's), then by name; failing both, a new variable of the target.
   */
  resolve(name, id, type) {
    const ofType = (v) => v.type === type;
    if (id) {
      const v = this.variables.get(id);
      if (v && ofType(v)) return v.id;
    }
    for (const local of [true, false]) {
      for (const v of this.variables.values()) {
        if (ofType(v) && v.local === local && v.name === name) return v.id;
      }
    }
    const fresh = id && !this.variables.has(id) ? id : newId();
    this.variables.set(fresh, {
      id: fresh, name, type, value: type === 'list' ? [] : 0, local: true, extra: [],
    });
    return fresh;
  }

  /** `{id: [name, value]}` of the variables (or lists) that are `local` or not. */
  toSb3(type, local) {
    const out = {};
    for (const v of this.variables.values()) {
      if (v.type !== type || v.local !== local) continue;
      out[v.id] = [v.name, v.value, ...v.extra];
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// project.json → Blockly state
// ---------------------------------------------------------------------------------------------

/**
 * A target's blocks and comments as Blockly's workspace state. `data` must already hold the
 * target's and the stage's variables and broadcasts; variables that blocks name but nobody
 * declares are added to it (as Scratch does). Returns `{state, warnings}`; a warning is
 * `{en, zh}` about something that could not be kept.
 */
export function sb3ToState(target, data, index) {
  const blocks = target?.blocks && typeof target.blocks === 'object' ? target.blocks : {};
  const comments = target?.comments && typeof target.comments === 'object' ? target.comments : {};
  const warnings = [];
  const seen = new Set();
  const usedComments = new Set();

  const warn = (en, zh) => {
    if (warnings.length < 50 && !warnings.some((w) => w.en === en)) warnings.push({ en, zh });
  };

  const variableField = (field, type) => {
    const [name, id] = Array.isArray(field) ? field : [field, null];
    return { id: data.resolve(text(name), id ?? null, type) };
  };

  const primitiveState = (prim) => {
    const code = Number(prim[0]);
    if (PRIMITIVE_OPCODES[code]) {
      const [type, field] = PRIMITIVE_OPCODES[code];
      return { shadow: true, state: { type, fields: { [field]: text(prim[1]) } } };
    }
    if (code === 11) {
      const name = text(prim[1]);
      if (prim[2] && !data.broadcasts.has(name)) data.broadcasts.set(name, prim[2]);
      return { shadow: true, state: { type: 'event_broadcast_menu', fields: { BROADCAST_OPTION: name } } };
    }
    if (code === 12 || code === 13) {
      const list = code === 13;
      const state = {
        type: list ? 'data_listcontents' : 'data_variable',
        fields: { [list ? 'LIST' : 'VARIABLE']: { id: data.resolve(text(prim[1]), prim[2] ?? null, list ? 'list' : '') } },
      };
      return { shadow: false, state };
    }
    return null;
  };

  /** The raw blocks of an unknown block: it and everything in its inputs. */
  const rawSubtree = (rootId) => {
    const out = {};
    const walk = (id, depth) => {
      if (depth > 200 || out[id] || !blocks[id]) return;
      out[id] = blocks[id];
      seen.add(id);
      const b = blocks[id];
      if (Array.isArray(b) || !b.inputs) return;
      for (const input of Object.values(b.inputs)) {
        if (!Array.isArray(input)) continue;
        for (const ref of input.slice(1)) if (typeof ref === 'string') walk(ref, depth + 1);
      }
    };
    walk(rootId, 0);
    return out;
  };

  const commentIcon = (b) => {
    const c = b.comment ? comments[b.comment] : null;
    if (!c || typeof c !== 'object') return null;
    usedComments.add(b.comment);
    const icon = { text: text(c.text), pinned: !c.minimized };
    for (const key of ['width', 'height', 'x', 'y']) {
      if (Number.isFinite(Number(c[key])) && c[key] !== null) icon[key] = Number(c[key]);
    }
    return icon;
  };

  /** A block and what follows it. `{shadow, state}` or null. */
  const blockState = (id, depth, inValue) => {
    if (depth > 2000) return null;
    const b = blocks[id];
    if (b === undefined || b === null) return null;
    if (Array.isArray(b)) {
      seen.add(id);
      const p = primitiveState(b);
      if (p && !p.shadow) p.state.id = id;
      return p;
    }
    if (typeof b !== 'object') return null;
    if (seen.has(id)) return null;
    seen.add(id);
    const opcode = text(b.opcode);
    const spec = index.blocks.get(opcode);
    const isShadow = b.shadow === true;
    let state;
    if (!spec) {
      warn(
        `The block "${opcode}" is not one Starling knows; it is kept as it is, greyed out.`,
        `积木“${opcode}”Starling 还不认识，已原样保留（显示为灰色）。`,
      );
      const raw = rawSubtree(id);
      state = {
        type: inValue ? UNKNOWN_REPORTER : UNKNOWN_STACK,
        id,
        extraState: { opcode, root: id, blocks: raw },
      };
    } else {
      state = { type: opcode, id };
      const fields = {};
      const fieldArgs = spec.shadow ? spec.args : spec.args.filter((a) => !a.input);
      for (const [name, value] of Object.entries(b.fields ?? {})) {
        const arg = fieldArgs.find((a) => a.name === name);
        if (!arg) continue;
        const raw = Array.isArray(value) ? value : [value?.value ?? value, value?.id ?? null];
        if (arg.kind === 'variable') fields[name] = variableField(raw, '');
        else if (arg.kind === 'list') fields[name] = variableField(raw, 'list');
        else if (arg.kind === 'broadcast') {
          const n = text(raw[0]);
          if (raw[1] && !data.broadcasts.has(n)) data.broadcasts.set(n, raw[1]);
          fields[name] = n;
        } else fields[name] = text(raw[0]);
      }
      if (Object.keys(fields).length) state.fields = fields;

      let allowed;
      let extraState = null;
      if (opcode === 'procedures_call' || opcode === 'procedures_prototype') {
        const m = b.mutation ?? {};
        const ids = parseList(m.argumentids);
        extraState = { proccode: text(m.proccode), argumentids: ids, warp: m.warp === true || m.warp === 'true' };
        if (opcode === 'procedures_prototype') {
          extraState.argumentnames = parseList(m.argumentnames);
          extraState.argumentdefaults = parseList(m.argumentdefaults);
        }
        allowed = new Set(ids);
      } else {
        allowed = new Set(spec.args.filter((a) => a.input && !spec.shadow).map((a) => a.name));
        for (let i = 0; i < spec.substacks; i++) allowed.add(i === 0 ? 'SUBSTACK' : `SUBSTACK${i + 1}`);
      }
      if (opcode === 'control_stop') {
        const hasnext = b.mutation?.hasnext;
        extraState = {
          hasnext: hasnext === undefined
            ? text(fields.STOP_OPTION).startsWith('other scripts')
            : hasnext === true || hasnext === 'true',
        };
      }
      if (extraState) state.extraState = extraState;

      const inputs = {};
      for (const [name, input] of Object.entries(b.inputs ?? {})) {
        if (!Array.isArray(input)) continue;
        if (!allowed.has(name)) {
          warn(
            `A "${opcode}" block had an input "${name}" Starling does not know; it was left out.`,
            `一个“${opcode}”积木有 Starling 不认识的输入“${name}”，已去掉。`,
          );
          continue;
        }
        const statement = name.startsWith('SUBSTACK');
        const kind = Number(input[0]);
        const refs = kind === 1 ? [input[1]] : kind === 2 ? [input[1]] : [input[1], input[2]];
        const slot = {};
        refs.forEach((ref, i) => {
          if (ref === null || ref === undefined) return;
          const got = typeof ref === 'string'
            ? stackState(ref, depth + 1, !statement)
            : Array.isArray(ref) ? primitiveState(ref) : null;
          if (!got) return;
          // `[3, block, shadow]`: the second is the shadow; otherwise the block's own flag says.
          const variable = got.state.type === 'data_variable' || got.state.type === 'data_listcontents';
          let asShadow = statement || variable ? false : kind === 3 ? i === 1 || got.shadow : got.shadow;
          // The prototype always sits in `define` as a shadow, whatever a file says.
          if (name === 'custom_block' && got.state.type === 'procedures_prototype') asShadow = true;
          if (asShadow && !statement) {
            if (!slot.shadow) slot.shadow = toShadow(got.state);
          } else if (!slot.block) {
            slot.block = got.state;
          }
        });
        if (slot.block || slot.shadow) inputs[name] = slot;
      }
      if (Object.keys(inputs).length) state.inputs = inputs;
    }
    if (!isShadow) {
      const icon = commentIcon(b);
      if (icon) state.icons = { comment: icon };
    }
    return { shadow: isShadow, state };
  };

  /**
   * A stack: the block and the ones after it. Followed in a loop, not by recursion, so a very
   * long script cannot overflow the stack.
   */
  const stackState = (id, depth, inValue) => {
    const first = blockState(id, depth, inValue);
    if (!first || first.shadow || inValue) return first;
    let last = first.state;
    let next = blocks[id]?.next;
    while (typeof next === 'string' && next) {
      const got = blockState(next, depth, false);
      if (!got || got.shadow) break;
      last.next = { block: got.state };
      last = got.state;
      next = blocks[next]?.next;
    }
    return first;
  };

  const top = [];
  let fallbackY = 0;
  for (const [id, b] of Object.entries(blocks)) {
    let isTop = false;
    // A compressed variable or list reporter is only ever stored on its own when it lies loose.
    if (Array.isArray(b)) isTop = Number(b[0]) === 12 || Number(b[0]) === 13;
    else if (b && typeof b === 'object') isTop = b.topLevel === true && b.shadow !== true;
    if (!isTop || seen.has(id)) continue;
    const got = stackState(id, 0, Array.isArray(b) ? true : isReporterOpcode(index, b.opcode));
    if (!got || got.shadow) continue;
    const x = Array.isArray(b) ? b[3] : b.x;
    const y = Array.isArray(b) ? b[4] : b.y;
    got.state.x = Number.isFinite(Number(x)) ? Math.round(Number(x)) : 0;
    got.state.y = Number.isFinite(Number(y)) ? Math.round(Number(y)) : (fallbackY += 120);
    top.push(got.state);
  }

  const workspaceComments = [];
  for (const [id, c] of Object.entries(comments)) {
    if (!c || typeof c !== 'object' || usedComments.has(id) || c.blockId) continue;
    workspaceComments.push({
      id,
      text: text(c.text),
      x: Number(c.x) || 0,
      y: Number(c.y) || 0,
      width: Number(c.width) || 200,
      height: Number(c.height) || 200,
      collapsed: !!c.minimized,
    });
  }

  const state = { blocks: { languageVersion: 0, blocks: top } };
  if (workspaceComments.length) state.workspaceComments = workspaceComments;
  return { state, warnings };
}

function isReporterOpcode(index, opcode) {
  const spec = index.blocks.get(opcode);
  return !!spec && (spec.shape === 'reporter' || spec.shape === 'boolean');
}

/** A block state used as a shadow: shadows carry no `next`, comments, or non-shadow children. */
function toShadow(state) {
  const out = { ...state };
  delete out.next;
  delete out.icons;
  delete out.x;
  delete out.y;
  if (out.inputs) {
    const inputs = {};
    for (const [name, slot] of Object.entries(out.inputs)) {
      const s = slot.shadow ?? slot.block;
      if (s && s.type !== 'data_variable' && s.type !== 'data_listcontents') inputs[name] = { shadow: toShadow(s) };
    }
    out.inputs = inputs;
  }
  return out;
}

/** A mutation list: JSON text (as Scratch writes) or an array. */
function parseList(v) {
  if (Array.isArray(v)) return v.map(text);
  if (typeof v === 'string') {
    try {
      const parsed = JSON.parse(v);
      return Array.isArray(parsed) ? parsed.map(text) : [];
    } catch {
      return [];
    }
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Blockly state → project.json
// ---------------------------------------------------------------------------------------------

/**
 * The workspace's Blockly state as a target's `{blocks, comments}`. `variableName(id)` names a
 * variable or list by id (from the workspace); broadcast ids come from `data`.
 */
export function stateToSb3(state, data, index, variableName) {
  const blocks = {};
  const comments = {};
  const taken = new Set();
  const uniqueId = (id) => {
    let out = id && !taken.has(id) ? id : newId();
    while (taken.has(out)) out = newId();
    taken.add(out);
    return out;
  };

  const fieldValue = (spec, name, value) => {
    const arg = spec?.args.find((a) => a.name === name);
    if (value && typeof value === 'object' && 'id' in value) {
      return [variableName(value.id) ?? text(value.name), value.id];
    }
    if (arg?.kind === 'broadcast') return [text(value), data.broadcastId(text(value))];
    return [text(value), null];
  };

  /** Writes a block; returns its id, or a primitive array for compressible ones in inputs. */
  const emit = (b, parent, { top = false, shadow = false } = {}) => {
    if (!b || typeof b !== 'object') return null;
    if (b.type === UNKNOWN_STACK || b.type === UNKNOWN_REPORTER) return emitUnknown(b, parent, top);
    const spec = index.blocks.get(b.type);
    const fields = b.fields ?? {};

    if (!top && PRIMITIVES[b.type] && shadow) {
      const [code, field] = PRIMITIVES[b.type];
      const value = text(fields[field]);
      // Scratch's schema only takes #rrggbb colours as colour primitives; keep others as text.
      if (code === 9 && !/^#[0-9a-fA-F]{6}$/.test(value)) return [10, value];
      return [code, value];
    }
    if (!top && shadow && b.type === 'event_broadcast_menu') {
      const name = text(fields.BROADCAST_OPTION);
      return [11, name, data.broadcastId(name)];
    }
    if (!shadow && (b.type === 'data_variable' || b.type === 'data_listcontents') && !b.icons?.comment) {
      const list = b.type === 'data_listcontents';
      const ref = fields[list ? 'LIST' : 'VARIABLE'];
      const varId = ref?.id;
      const prim = [list ? 13 : 12, variableName(varId) ?? text(ref?.name), varId];
      if (!top) return prim;
      const id = uniqueId(b.id);
      blocks[id] = [...prim, Math.round(b.x ?? 0), Math.round(b.y ?? 0)];
      return id;
    }

    const id = uniqueId(b.id);
    const obj = {
      opcode: b.type,
      next: null,
      parent: parent ?? null,
      inputs: {},
      fields: {},
      shadow,
      topLevel: top,
    };
    if (top) {
      obj.x = Math.round(b.x ?? 0);
      obj.y = Math.round(b.y ?? 0);
    }
    blocks[id] = obj;

    for (const [name, value] of Object.entries(fields)) obj.fields[name] = fieldValue(spec, name, value);

    for (const [name, slot] of Object.entries(b.inputs ?? {})) {
      const shadowRef = slot.shadow ? emit(slot.shadow, id, { shadow: true }) : null;
      const blockRef = slot.block ? emitStack(slot.block, id, {}) : null;
      if (blockRef !== null && shadowRef !== null) obj.inputs[name] = [3, blockRef, shadowRef];
      else if (shadowRef !== null) obj.inputs[name] = [1, shadowRef];
      else if (blockRef !== null) obj.inputs[name] = [2, blockRef];
    }

    const extra = b.extraState;
    if (b.type === 'procedures_prototype' || b.type === 'procedures_call') {
      const m = { tagName: 'mutation', children: [], proccode: text(extra?.proccode) };
      m.argumentids = JSON.stringify((extra?.argumentids ?? []).map(text));
      if (b.type === 'procedures_prototype') {
        m.argumentnames = JSON.stringify((extra?.argumentnames ?? []).map(text));
        m.argumentdefaults = JSON.stringify((extra?.argumentdefaults ?? []).map(text));
      }
      m.warp = extra?.warp === true || extra?.warp === 'true' ? 'true' : 'false';
      obj.mutation = m;
    } else if (b.type === 'control_stop') {
      obj.mutation = { tagName: 'mutation', children: [], hasnext: extra?.hasnext ? 'true' : 'false' };
    }

    const c = b.icons?.comment;
    if (c && !shadow) {
      const cid = uniqueId(null);
      comments[cid] = {
        blockId: id,
        x: Math.round(c.x ?? obj.x ?? 0),
        y: Math.round(c.y ?? obj.y ?? 0),
        width: Math.round(c.width ?? 200),
        height: Math.round(c.height ?? 200),
        minimized: !c.pinned,
        text: text(c.text),
      };
      obj.comment = cid;
    }

    return id;
  };

  /** Writes a stack (a block and the ones after it, in a loop); returns the first's id. */
  const emitStack = (b, parent, options = {}) => {
    const first = emit(b, parent, options);
    let prevId = typeof first === 'string' ? first : null;
    let cur = b;
    while (prevId && cur.next?.block) {
      cur = cur.next.block;
      const id = emit(cur, prevId, {});
      const prev = blocks[prevId];
      if (prev && !Array.isArray(prev)) prev.next = id;
      prevId = typeof id === 'string' ? id : null;
    }
    return first;
  };

  /** An unknown block: its raw blocks, with its place in the script updated. */
  const emitUnknown = (b, parent, top) => {
    const raw = b.extraState?.blocks ?? {};
    const root = b.extraState?.root;
    if (!root || !raw[root]) return null;
    for (const [rid, rb] of Object.entries(raw)) {
      if (taken.has(rid)) continue;
      taken.add(rid);
      blocks[rid] = JSON.parse(JSON.stringify(rb));
    }
    const obj = blocks[root];
    if (obj && !Array.isArray(obj)) {
      obj.parent = parent ?? null;
      obj.topLevel = top;
      obj.next = null;
      if (top) {
        obj.x = Math.round(b.x ?? 0);
        obj.y = Math.round(b.y ?? 0);
      } else {
        delete obj.x;
        delete obj.y;
      }
    }
    return root;
  };

  for (const b of state?.blocks?.blocks ?? []) emitStack(b, null, { top: true });

  for (const c of state?.workspaceComments ?? []) {
    const cid = uniqueId(c.id);
    comments[cid] = {
      blockId: null,
      x: Math.round(c.x ?? 0),
      y: Math.round(c.y ?? 0),
      width: Math.round(c.width ?? 200),
      height: Math.round(c.height ?? 200),
      minimized: !!c.collapsed,
      text: text(c.text),
    };
  }
  return { blocks, comments };
}
