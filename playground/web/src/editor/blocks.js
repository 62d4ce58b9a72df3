// Blockly block definitions made from the block catalog (compiler/src/catalog/blocks.rs, exported
// as JSON by compiler/src/catalog/export.rs). Nothing here names a block by hand except the few
// with behaviour the catalog cannot describe: `stop` (a cap that takes a next block for "other
// scripts in sprite"), `of` (its property menu follows its object menu), the custom block
// family (procedures.js) and the stand-in for blocks Starling does not know.
//
// Every block keeps Scratch's opcode as its type and Scratch's input and field names, so the
// workspace serialises to project.json directly (serialize.js).
import * as Blockly from 'blockly/core';
import { contextOf } from './context.js';
import { defineProcedureBlocks, PROCEDURE_OPCODES } from './procedures.js';
import { styleFor } from './theme.js';
import { blocklyMessage, templateOf } from './templates.js';
import { UNKNOWN_REPORTER, UNKNOWN_STACK } from './serialize.js';

export { blocklyMessage, templateOf };

/** The menu id used for broadcast fields (not a catalog menu: the project's messages). */
export const BROADCAST_MENU = '\u0001broadcast';

/** Blockly's output shapes in the zelos renderer. */
export const OUTPUT_HEXAGONAL = 1;
export const OUTPUT_ROUND = 2;
export const OUTPUT_SQUARE = 3;

/** Shadow opcodes that hold a typed value (not a menu choice). */
export const LITERAL_SHADOWS = new Set([
  'math_number', 'math_positive_number', 'math_whole_number', 'math_integer', 'math_angle',
  'text', 'colour_picker', 'note', 'sound_beats_menu',
]);


function fieldJson(spec, arg) {
  switch (arg.kind) {
    case 'variable':
    case 'list': {
      const type = arg.kind === 'list' ? 'list' : '';
      const getter = spec.opcode === 'data_variable' || spec.opcode === 'data_listcontents';
      return {
        type: getter ? 'field_starling_variable_getter' : 'field_starling_variable',
        name: arg.name,
        variable: null,
        variableTypes: [type],
        defaultType: type,
      };
    }
    case 'broadcast':
      return { type: 'field_starling_menu', name: arg.name, menu: BROADCAST_MENU, value: arg.default };
    case 'field':
      return { type: 'field_starling_menu', name: arg.name, menu: arg.menu, value: arg.default };
    default:
      return null;
  }
}

/** The one field of a shadow block (its value). */
function shadowFieldJson(spec, arg) {
  switch (arg.kind) {
    case 'number':
    case 'positive_number':
    case 'whole_number':
    case 'integer':
    case 'angle':
      return { type: 'field_starling_number', name: arg.name, value: arg.default, restrict: arg.kind };
    case 'text':
      return { type: 'field_starling_text', name: arg.name, value: arg.default };
    case 'color':
      return { type: 'field_starling_colour', name: arg.name, value: arg.default || '#9966ff' };
    default:
      return fieldJson(spec, arg);
  }
}

/** Blockly's JSON definition of a catalog block in a language. */
export function blockDefinition(spec, lang, words) {
  const json = {
    type: spec.opcode,
    inputsInline: true,
    style: styleFor(spec),
  };
  if (spec.shadow) {
    json.message0 = '%1';
    json.args0 = spec.args.map((arg) => shadowFieldJson(spec, arg));
    json.output = LITERAL_SHADOWS.has(spec.opcode) && spec.opcode !== 'text' ? 'Number' : 'String';
    json.outputShape = OUTPUT_ROUND;
    return json;
  }
  json.message0 = blocklyMessage(templateOf(spec, lang));
  const args = spec.args.map((arg) => {
    if (arg.input) {
      return arg.kind === 'boolean'
        ? { type: 'input_value', name: arg.name, check: 'Boolean' }
        : { type: 'input_value', name: arg.name };
    }
    return fieldJson(spec, arg);
  });
  if (args.length) json.args0 = args;
  // Substacks go on rows of their own; `if … else` has the word "else" between them.
  let n = 1;
  for (let i = 0; i < spec.substacks; i++) {
    if (i > 0) {
      json[`message${n}`] = blocklyMessage(words.else);
      n++;
    }
    json[`message${n}`] = '%1';
    json[`args${n}`] = [{ type: 'input_statement', name: i === 0 ? 'SUBSTACK' : `SUBSTACK${i + 1}` }];
    n++;
  }
  switch (spec.shape) {
    case 'hat':
      json.nextStatement = null;
      break;
    case 'stack':
    case 'c':
      json.previousStatement = null;
      json.nextStatement = null;
      break;
    case 'cap':
      json.previousStatement = null;
      break;
    case 'reporter':
      json.output = 'String';
      json.outputShape = OUTPUT_ROUND;
      break;
    case 'boolean':
      json.output = 'Boolean';
      json.outputShape = OUTPUT_HEXAGONAL;
      break;
    default:
      break;
  }
  return json;
}

/** Extra behaviour of a few blocks, by opcode. */
const MIXINS = {
  // `stop [other scripts in sprite v]` takes a next block; the other choices end the script.
  // Scratch keeps which in the mutation's `hasnext`.
  control_stop: {
    saveExtraState() {
      return { hasnext: !!this.nextConnection };
    },
    loadExtraState(state) {
      this.updateNext(!!state?.hasnext);
    },
    updateNext(hasNext) {
      if (hasNext === !!this.nextConnection) return;
      if (!hasNext) this.nextConnection?.targetBlock()?.unplug(true);
      this.setNextStatement(hasNext);
    },
    onchange(e) {
      if (e.type === Blockly.Events.BLOCK_CHANGE && e.blockId === this.id && e.name === 'STOP_OPTION') {
        this.updateNext(String(e.newValue).startsWith('other scripts'));
      }
    },
  },
  // `[x position v] of (Sprite1 v)`: a stage has other attributes than a sprite, so when the
  // object changes, a property the new object lacks falls back to the first one.
  sensing_of: {
    onchange(e) {
      if (e.type !== Blockly.Events.BLOCK_CHANGE || e.name !== 'OBJECT') return;
      const object = this.getInputTargetBlock('OBJECT');
      if (!object || object.id !== e.blockId) return;
      const field = this.getField('PROPERTY');
      const options = field.getOptions(false).filter(Array.isArray);
      if (!options.some((o) => o[1] === field.getValue()) && options.length) {
        field.setValue(options[0][1]);
      }
    },
  },
  // Variable and list reporters: rename and delete from the context menu (the name itself is
  // not a dropdown, as in Scratch).
  data_variable: variableReporterMixin('VARIABLE'),
  data_listcontents: variableReporterMixin('LIST'),
};

function variableReporterMixin(fieldName) {
  return {
    customContextMenu(options) {
      const ctx = contextOf(this);
      const id = this.getFieldValue(fieldName);
      if (!ctx || !id) return;
      const list = fieldName === 'LIST';
      const variable = this.workspace.getVariableMap().getVariableById(id);
      options.push({
        text: ctx.t(list ? 'menu.renameList' : 'menu.renameVariable'),
        enabled: true,
        callback: () => ctx.renameVariable(id),
      });
      options.push({
        text: ctx.t(list ? 'menu.deleteList' : 'menu.deleteVariable', { name: variable?.getName() ?? '' }),
        enabled: true,
        callback: () => ctx.deleteVariable(id),
      });
    },
  };
}

/** Blocks Starling does not know: a grey block showing the opcode; the data is kept. */
function defineUnknownBlocks(words) {
  const common = {
    saveExtraState() {
      return this.raw ?? null;
    },
    loadExtraState(state) {
      this.raw = state;
      this.setFieldValue(state?.opcode ?? '?', 'OPCODE');
    },
  };
  Blockly.Blocks[UNKNOWN_STACK] = {
    ...common,
    init() {
      this.jsonInit({
        message0: blocklyMessage(words.unknown),
        args0: [{ type: 'field_label_serializable', name: 'OPCODE', text: '?' }],
        previousStatement: null,
        nextStatement: null,
        inputsInline: true,
        style: 'unknown',
      });
    },
  };
  Blockly.Blocks[UNKNOWN_REPORTER] = {
    ...common,
    init() {
      this.jsonInit({
        message0: blocklyMessage(words.unknown),
        args0: [{ type: 'field_label_serializable', name: 'OPCODE', text: '?' }],
        output: null,
        outputShape: OUTPUT_ROUND,
        inputsInline: true,
        style: 'unknown',
      });
    },
  };
}

/**
 * (Re)defines every catalog block for a language. Called again when the language changes; the
 * editor then reloads its workspace so the blocks pick up the new text.
 *
 * `words` holds the editor's own words: `else` (between the substacks of `if … else`), `define`
 * is the catalog's, `unknown` (`%1` is the opcode).
 */
export function defineBlocks(catalog, lang, words) {
  for (const spec of catalog.blocks) {
    if (PROCEDURE_OPCODES.has(spec.opcode)) continue;
    const json = blockDefinition(spec, lang, words);
    Blockly.Blocks[spec.opcode] = {
      init() {
        this.jsonInit(json);
      },
      ...(MIXINS[spec.opcode] ?? {}),
    };
  }
  defineProcedureBlocks(catalog, lang);
  defineUnknownBlocks(words);
}
