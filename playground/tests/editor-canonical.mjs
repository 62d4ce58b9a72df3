// A target's project.json blocks in a form that ignores what may differ after a trip through
// the editor (block ids, the order of entries, how Blockly numbers things) and keeps what must
// not: every script's blocks, opcodes, field values (variables by name), inputs with their
// shadows and values, substacks, custom block mutations (arguments matched by position), the
// positions of scripts, and comments. What only shapes a block in the editor (a prototype's
// argument shadows, `stop`'s `hasnext`) is left out, as the loader ignores it.

function text(v) {
  return v === null || v === undefined ? '' : String(v);
}

function list(v) {
  if (Array.isArray(v)) return v.map(text);
  try {
    const parsed = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.map(text) : [];
  } catch {
    return [];
  }
}

/** The canonical form of a target's `blocks` (and `comments`). */
export function canonicalBlocks(blocks, comments = {}) {
  const argIndex = new Map();
  // Argument ids are local to a custom block: number them by position in its prototype.
  for (const b of Object.values(blocks)) {
    if (b && !Array.isArray(b) && b.opcode === 'procedures_prototype') {
      list(b.mutation?.argumentids).forEach((id, i) => argIndex.set(id, `arg${i}`));
    }
  }
  const argName = (id) => argIndex.get(id) ?? id;

  const ref = (r, depth) => {
    if (Array.isArray(r)) {
      const code = Number(r[0]);
      return code >= 11 ? [code, text(r[1])] : [code, text(r[1])];
    }
    return typeof r === 'string' ? block(r, depth + 1) : null;
  };

  const block = (id, depth) => {
    const b = blocks[id];
    if (depth > 500 || b === undefined) return { missing: id };
    if (Array.isArray(b)) return [Number(b[0]), text(b[1])];
    const out = { opcode: b.opcode };
    const fields = Object.entries(b.fields ?? {}).map(([k, v]) => [k, text(Array.isArray(v) ? v[0] : v)]);
    if (fields.length) out.fields = Object.fromEntries(fields.sort());
    const inputs = Object.entries(b.inputs ?? {})
      .map(([k, v]) => {
        const kind = Number(v[0]);
        const parts = kind === 1 ? { shadow: ref(v[1], depth) } : kind === 2 ? { block: ref(v[1], depth) } : { block: ref(v[1], depth), shadow: ref(v[2], depth) };
        if (parts.block === null) delete parts.block;
        if (parts.shadow === null) delete parts.shadow;
        return [argName(k), parts];
      })
      .filter(([, v]) => Object.keys(v).length)
      .sort((a, b) => a[0].localeCompare(b[0]));
    // A prototype's inputs only show its arguments, which its mutation already names (scratch-vm
    // reads the mutation; the editor rebuilds the argument shadows from it).
    if (inputs.length && b.opcode !== 'procedures_prototype') out.inputs = Object.fromEntries(inputs);
    if (b.shadow) out.shadow = true;
    if (b.mutation) {
      const m = b.mutation;
      out.mutation = { proccode: m.proccode, warp: m.warp === true || m.warp === 'true' ? 'true' : 'false' };
      // `stop`'s mutation only shapes the block; its option decides what it does.
      if (b.opcode === 'control_stop') delete out.mutation;
      if (m.argumentnames !== undefined) {
        out.mutation.argumentnames = list(m.argumentnames);
        out.mutation.argumentdefaults = list(m.argumentdefaults);
      }
      if (m.argumentids !== undefined) out.mutation.arguments = list(m.argumentids).length;
    }
    if (b.comment && comments[b.comment]) {
      const c = comments[b.comment];
      out.comment = { text: text(c.text), minimized: !!c.minimized };
    }
    if (b.next) out.next = block(b.next, depth + 1);
    return out;
  };

  const scripts = [];
  for (const [id, b] of Object.entries(blocks)) {
    if (Array.isArray(b)) {
      scripts.push({ at: [Math.round(b[3] ?? 0), Math.round(b[4] ?? 0)], script: [Number(b[0]), text(b[1])] });
    } else if (b && b.topLevel && !b.shadow) {
      scripts.push({ at: [Math.round(b.x ?? 0), Math.round(b.y ?? 0)], script: block(id, 0) });
    }
  }
  const key = (s) => JSON.stringify(s);
  scripts.sort((a, b) => key(a).localeCompare(key(b)));
  const loose = Object.values(comments ?? {})
    .filter((c) => c && !c.blockId)
    .map((c) => ({ text: text(c.text), at: [Math.round(c.x ?? 0), Math.round(c.y ?? 0)] }))
    .sort((a, b) => key(a).localeCompare(key(b)));
  return { scripts, comments: loose };
}

/** One file of a zip archive (an .sb3), or null: enough of the format for the tests. */
export async function readZipEntry(bytes, wanted) {
  const { inflateRawSync } = await import('node:zlib');
  const buf = Buffer.from(bytes);
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) return null;
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    if (name === wanted) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return method === 8 ? inflateRawSync(data) : Buffer.from(data);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  return null;
}
