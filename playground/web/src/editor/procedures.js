// Custom blocks ("My Blocks"), shaped as scratch-blocks and scratch-vm have them so that
// project.json needs no translation:
//
// - `procedures_definition`: the "define" hat; its input `custom_block` holds
// - `procedures_prototype` (a shadow): the custom block's text and arguments in its mutation
//   (`proccode` like "jump %s times %b", `argumentids`, `argumentnames`, `argumentdefaults`,
//   `warp`), with an argument reporter shadow in an input named by each argument id;
// - `procedures_call`: mutation `proccode`, `argumentids`, `warp`; an input per argument id
//   (a `text` shadow for number/text arguments, nothing for boolean ones);
// - `argument_reporter_string_number` / `argument_reporter_boolean`: field `VALUE` = the name.
//
// Blockly keeps a mutation as the block's "extra state"; serialize.js turns it into Scratch's
// mutation object (arrays as JSON text, warp as "true"/"false").
import * as Blockly from 'blockly/core';
import { contextOf } from './context.js';
import { blocklyMessage, templateOf } from './templates.js';

export const PROCEDURE_OPCODES = new Set([
  'procedures_definition', 'procedures_prototype', 'procedures_call',
  'argument_reporter_string_number', 'argument_reporter_boolean',
]);

/**
 * The parts of a proccode: labels and arguments (`s` number/text, `n` number, `b` boolean), as
 * scratch-blocks splits it (`\%` is a literal percent sign in a label).
 */
export function parseProccode(proccode) {
  const parts = [];
  let label = '';
  const flush = () => {
    const text = label.trim().replace(/\s+/g, ' ');
    if (text) parts.push({ type: 'label', text });
    label = '';
  };
  const s = String(proccode ?? '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '%') {
      label += '%';
      i++;
    } else if (c === '%' && 'nbs'.includes(s[i + 1] ?? '')) {
      flush();
      parts.push({ type: 'arg', kind: s[i + 1] });
      i++;
    } else {
      label += c;
    }
  }
  flush();
  return parts;
}

/** Builds a proccode from parts (labels escape a `%` that would read as an argument). */
export function makeProccode(parts) {
  return parts
    .map((p) => (p.type === 'arg' ? `%${p.kind}` : p.text.replace(/%(?=[nbs])/g, '\\%')))
    .join(' ');
}

/** The normalised extra state of a prototype or call (arrays, a boolean warp). */
export function procedureState(state) {
  const list = (v) => {
    if (Array.isArray(v)) return v.map(String);
    if (typeof v === 'string') {
      try {
        const parsed = JSON.parse(v);
        return Array.isArray(parsed) ? parsed.map(String) : [];
      } catch {
        return [];
      }
    }
    return [];
  };
  return {
    proccode: String(state?.proccode ?? ''),
    argumentids: list(state?.argumentids),
    argumentnames: list(state?.argumentnames),
    argumentdefaults: list(state?.argumentdefaults),
    warp: state?.warp === true || state?.warp === 'true',
  };
}

/** The Blockly state of a prototype shadow for a custom block. */
export function prototypeState(proc, id) {
  const inputs = {};
  const args = parseProccode(proc.proccode).filter((p) => p.type === 'arg');
  args.forEach((arg, i) => {
    const argId = proc.argumentids[i];
    if (argId === undefined) return;
    inputs[argId] = {
      shadow: {
        type: arg.kind === 'b' ? 'argument_reporter_boolean' : 'argument_reporter_string_number',
        fields: { VALUE: proc.argumentnames[i] ?? '' },
      },
    };
  });
  const state = { type: 'procedures_prototype', extraState: { ...proc }, inputs };
  if (id) state.id = id;
  return state;
}

/** The Blockly state of a call of a custom block, with empty slots (as the palette shows it). */
export function callState(proc) {
  const inputs = {};
  const args = parseProccode(proc.proccode).filter((p) => p.type === 'arg');
  args.forEach((arg, i) => {
    const argId = proc.argumentids[i];
    if (argId === undefined || arg.kind === 'b') return;
    inputs[argId] = arg.kind === 'n'
      ? { shadow: { type: 'math_number', fields: { NUM: '1' } } }
      : { shadow: { type: 'text', fields: { TEXT: '' } } };
  });
  return {
    type: 'procedures_call',
    extraState: { proccode: proc.proccode, argumentids: proc.argumentids, warp: proc.warp },
    inputs,
  };
}

/**
 * Rebuilds a call's or prototype's inputs from its proccode, keeping what was plugged into each
 * argument (by argument id). `shadowFor(kind, index)` gives the shadow of a new argument, or
 * null for none.
 */
function rebuildInputs(block, shadowFor) {
  const saved = new Map();
  for (const input of block.inputList) {
    if (!input.connection) continue;
    const target = input.connection.targetBlock();
    const shadow = input.connection.getShadowState(true);
    if (target && !target.isShadow()) target.unplug(false);
    saved.set(input.name, { target: target && !target.isShadow() ? target : null, shadow });
  }
  while (block.inputList.length) block.removeInput(block.inputList[0].name);
  let argIndex = 0;
  let labelIndex = 0;
  for (const part of parseProccode(block.proc.proccode)) {
    if (part.type === 'label') {
      block.appendDummyInput(`label_${labelIndex++}`).appendField(part.text);
      continue;
    }
    const argId = block.proc.argumentids[argIndex] ?? `arg_${argIndex}`;
    const input = block.appendValueInput(argId);
    if (part.kind === 'b') input.setCheck('Boolean');
    const old = saved.get(argId);
    const shadow = shadowFor(part.kind, argIndex, old?.shadow ?? null);
    if (shadow) input.connection.setShadowState(shadow);
    if (old?.target && old.target.outputConnection) {
      try {
        input.connection.connect(old.target.outputConnection);
      } catch {
        // A reporter that no longer fits (a boolean slot became a text slot) stays loose.
      }
    }
    argIndex++;
  }
  if (!block.inputList.length) block.appendDummyInput('label_0');
}

/**
 * (Re)defines the custom block family for a language (only `define` has words of its own).
 */
export function defineProcedureBlocks(catalog, lang) {
  const spec = (opcode) => catalog.blocks.find((b) => b.opcode === opcode);
  const defineMessage = blocklyMessage(templateOf(spec('procedures_definition'), lang));

  Blockly.Blocks.procedures_definition = {
    init() {
      this.jsonInit({
        message0: defineMessage,
        args0: [{ type: 'input_value', name: 'custom_block' }],
        nextStatement: null,
        inputsInline: true,
        style: 'my_blocks_hat',
      });
    },
    customContextMenu(options) {
      const ctx = contextOf(this);
      if (!ctx || this.isInFlyout) return;
      // A definition is not duplicated (two definitions of one block would clash); the editor
      // keeps it from being deleted while something calls it.
      for (let i = options.length - 1; i >= 0; i--) {
        if (options[i].id === 'blockDuplicate') options.splice(i, 1);
      }
      options.push({ text: ctx.t('menu.editBlock'), enabled: true, callback: () => ctx.editProcedure(this) });
    },
  };

  Blockly.Blocks.procedures_prototype = {
    init() {
      this.setStyle('my_blocks');
      this.setOutput(true, null);
      this.setOutputShape(3);
      this.setInputsInline(true);
      this.proc = procedureState({});
      this.appendDummyInput('label_0');
    },
    saveExtraState() {
      return { ...this.proc };
    },
    loadExtraState(state) {
      this.proc = procedureState(state);
      const args = parseProccode(this.proc.proccode).filter((p) => p.type === 'arg');
      rebuildInputs(this, (kind, i, old) => {
        const type = kind === 'b' ? 'argument_reporter_boolean' : 'argument_reporter_string_number';
        const shadow = { type, fields: { VALUE: this.proc.argumentnames[i] ?? '' } };
        if (old?.id && old.type === type) shadow.id = old.id;
        return args[i] ? shadow : null;
      });
    },
  };

  Blockly.Blocks.procedures_call = {
    init() {
      this.setStyle('my_blocks');
      this.setPreviousStatement(true);
      this.setNextStatement(true);
      this.setInputsInline(true);
      this.proc = procedureState({});
      this.appendDummyInput('label_0');
    },
    saveExtraState() {
      return { proccode: this.proc.proccode, argumentids: this.proc.argumentids, warp: this.proc.warp };
    },
    loadExtraState(state) {
      this.proc = procedureState(state);
      rebuildInputs(this, (kind, i, old) => old);
    },
    customContextMenu(options) {
      const ctx = contextOf(this);
      if (!ctx || this.isInFlyout) return;
      options.push({
        text: ctx.t('menu.editBlock'),
        enabled: !!ctx.definitionOf(this.proc.proccode),
        callback: () => ctx.editProcedure(ctx.definitionOf(this.proc.proccode)),
      });
    },
  };

  const argumentReporter = (boolean) => ({
    init() {
      this.jsonInit({
        message0: '%1',
        args0: [{ type: 'field_label_serializable', name: 'VALUE', text: '' }],
        output: boolean ? 'Boolean' : 'String',
        outputShape: boolean ? 1 : 2,
        style: 'my_blocks',
      });
    },
  });
  Blockly.Blocks.argument_reporter_string_number = argumentReporter(false);
  Blockly.Blocks.argument_reporter_boolean = argumentReporter(true);
}

/**
 * Dragging an argument out of a `define` block makes a copy of it, as in Scratch (Blockly would
 * drag the whole script, since the argument is a shadow inside the prototype shadow).
 */
export function installArgumentDrag(ws) {
  const svg = ws.getParentSvg();
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    const group = e.target?.closest?.('g[data-id]');
    if (!group) return;
    const shadow = ws.getBlockById(group.getAttribute('data-id'));
    if (!shadow || !shadow.isShadow() || !shadow.type.startsWith('argument_reporter_')) return;
    if (shadow.getParent()?.type !== 'procedures_prototype' || ws.isReadOnly()) return;
    const at = shadow.getRelativeToSurfaceXY();
    Blockly.Events.setGroup(true);
    const copy = ws.newBlock(shadow.type);
    copy.setFieldValue(shadow.getFieldValue('VALUE'), 'VALUE');
    copy.initSvg();
    copy.render();
    copy.moveBy(at.x, at.y);
    Blockly.Events.setGroup(false);
    // The gesture this pointerdown starts now targets the copy; Blockly's own handlers (the
    // argument's, the workspace's) then carry on as for any block.
    const gesture = ws.getGesture(e);
    if (!gesture) return;
    gesture.handleBlockStart(e, copy);
    // A tap (no drag) leaves nothing behind.
    const start = { x: at.x, y: at.y };
    const onUp = () => {
      window.removeEventListener('pointerup', onUp, true);
      window.removeEventListener('pointercancel', onUp, true);
      setTimeout(() => {
        if (copy.isDeadOrDying()) return;
        const now = copy.getRelativeToSurfaceXY();
        if (!copy.getParent() && Math.abs(now.x - start.x) < 1 && Math.abs(now.y - start.y) < 1) {
          copy.dispose(false);
        }
      }, 0);
    };
    window.addEventListener('pointerup', onUp, true);
    window.addEventListener('pointercancel', onUp, true);
  }, true);
}
