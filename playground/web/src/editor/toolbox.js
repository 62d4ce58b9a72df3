// The toolbox: Scratch's categories in Scratch's order (the catalog's), each category's palette
// blocks in the catalog's order (which follows scratch-gui's make-toolbox-xml.js) with their
// default values, and the two categories whose contents come from the project: Variables
// (variables and lists, with "Make a Variable" / "Make a List") and My Blocks ("Make a Block"
// and a call of every custom block).
import { callState, parseProccode } from './procedures.js';

export const VARIABLES_CATEGORY = 'STARLING_VARIABLES';
export const PROCEDURES_CATEGORY = 'STARLING_PROCEDURES';
export const MAKE_VARIABLE = 'STARLING_MAKE_VARIABLE';
export const MAKE_LIST = 'STARLING_MAKE_LIST';
export const MAKE_BLOCK = 'STARLING_MAKE_BLOCK';

// Scratch's palette shows some blocks only for sprites and some only for the stage
// (make-toolbox-xml.js; the pen extension's `filter: [SPRITE]`).
const SPRITE_ONLY = new Set([
  'looks_sayforsecs', 'looks_say', 'looks_thinkforsecs', 'looks_think', 'looks_switchcostumeto',
  'looks_nextcostume', 'looks_changesizeby', 'looks_setsizeto', 'looks_show', 'looks_hide',
  'looks_gotofrontback', 'looks_goforwardbackwardlayers', 'looks_costumenumbername', 'looks_size',
  'event_whenthisspriteclicked', 'control_start_as_clone', 'control_delete_this_clone',
  'sensing_touchingobject', 'sensing_touchingcolor', 'sensing_coloristouchingcolor',
  'sensing_distanceto', 'sensing_setdragmode', 'pen_stamp', 'pen_penDown', 'pen_penUp',
  'pen_setPenColorToColor', 'pen_changePenColorParamBy', 'pen_setPenColorParamTo',
  'pen_changePenSizeBy', 'pen_setPenSizeTo',
]);
const STAGE_ONLY = new Set(['looks_switchbackdroptoandwait', 'event_whenstageclicked']);

/** Text defaults Scratch translates (make-toolbox-xml.js uses ScratchMsgs for them). */
const TRANSLATED_DEFAULTS = {
  'Hello!': 'default.hello',
  'Hmm...': 'default.hmm',
  "What's your name?": 'default.name',
  'apple ': 'default.appleSpace',
  apple: 'default.apple',
  banana: 'default.banana',
  a: 'default.letter',
  thing: 'default.thing',
};

/** Whether a catalog block appears in the palette of a sprite (or of the stage). */
export function inPalette(spec, isStage) {
  if (spec.status !== 'palette' || spec.shadow) return false;
  if (spec.category === 'motion') return !isStage;
  if (spec.category === 'variables' || spec.category === 'lists' || spec.category === 'my_blocks') return false;
  return isStage ? !SPRITE_ONLY.has(spec.opcode) : !STAGE_ONLY.has(spec.opcode);
}

/** The value a slot shows in the palette: the catalog's default, or the project's. */
function paletteDefault(ctx, spec, arg) {
  const info = ctx.info();
  const last = (list) => (Array.isArray(list) && list.length ? String(list[list.length - 1]) : null);
  if (arg.menu === 'costume') return last(info.costumes) ?? arg.default;
  if (arg.menu === 'backdrop' || arg.menu === 'backdrop_name') return last(info.backdrops) ?? arg.default;
  if (arg.menu === 'sound') return last(info.sounds) ?? arg.default;
  if (arg.kind === 'broadcast' || arg.kind === 'broadcast_input') return ctx.firstBroadcast() ?? arg.default;
  if (info.isStage && (arg.menu === 'clone' || arg.menu === 'of_object')) {
    // The stage's menus list only sprites; show the first, as Scratch does.
    const first = (info.sprites ?? []).map(String).find((n) => n !== '');
    if (first) return first;
  }
  if (arg.kind === 'text' && TRANSLATED_DEFAULTS[arg.default] !== undefined) {
    // `contains` has "a" in English; other languages pick a letter of their "apple".
    if (arg.default === 'a' && spec.opcode !== 'operator_contains') return arg.default;
    return ctx.t(TRANSLATED_DEFAULTS[arg.default]);
  }
  return arg.default;
}

/** A palette block as Blockly's flyout JSON, with shadows holding the defaults. */
export function paletteBlock(ctx, spec, fieldValues = {}) {
  const item = { kind: 'block', type: spec.opcode };
  const inputs = {};
  const fields = {};
  for (const arg of spec.args) {
    if (arg.input) {
      if (!arg.shadow) continue;
      const shadow = { type: arg.shadow };
      if (arg.shadow_field) shadow.fields = { [arg.shadow_field]: paletteDefault(ctx, spec, arg) };
      inputs[arg.name] = { shadow };
    } else if (fieldValues[arg.name] !== undefined) {
      fields[arg.name] = fieldValues[arg.name];
    } else if (arg.kind !== 'variable' && arg.kind !== 'list') {
      fields[arg.name] = paletteDefault(ctx, spec, arg);
    }
  }
  if (Object.keys(inputs).length) item.inputs = inputs;
  if (Object.keys(fields).length) item.fields = fields;
  return item;
}

/** The toolbox definition for the target being edited, in the current language. */
export function makeToolbox(ctx) {
  const { catalog } = ctx;
  const isStage = !!ctx.info().isStage;
  const contents = [];
  for (const cat of catalog.categories) {
    // Lists live in the Variables category, as in Scratch.
    if (cat.id === 'lists') continue;
    const category = {
      kind: 'category',
      name: ctx.lang === 'zh-CN' ? cat.zh : cat.en,
      toolboxitemid: cat.id,
      categorystyle: cat.id,
      cssconfig: {
        row: `blocklyToolboxCategory starling-cat starling-cat-${cat.id}`,
        icon: 'starling-cat-icon',
        label: 'blocklyToolboxCategoryLabel starling-cat-label',
      },
    };
    if (cat.id === 'variables') {
      category.custom = VARIABLES_CATEGORY;
    } else if (cat.id === 'my_blocks') {
      category.custom = PROCEDURES_CATEGORY;
    } else {
      const blocks = catalog.blocks
        .filter((spec) => spec.category === cat.id && inPalette(spec, isStage))
        .map((spec) => paletteBlock(ctx, spec));
      if (cat.id === 'motion' && isStage) blocks.push({ kind: 'label', text: ctx.t('toolbox.stageMotion') });
      category.contents = blocks;
    }
    contents.push(category);
  }
  return { kind: 'categoryToolbox', contents };
}

/** The Variables category: the variables and lists in the workspace, then their blocks. */
export function variablesFlyout(ctx, ws) {
  const spec = (opcode) => ctx.index.blocks.get(opcode);
  const byName = (a, b) => a.getName().localeCompare(b.getName());
  const map = ws.getVariableMap();
  const items = [{ kind: 'button', text: ctx.t('toolbox.makeVariable'), callbackkey: MAKE_VARIABLE }];
  const variables = map.getVariablesOfType('').slice().sort(byName);
  for (const v of variables) items.push(paletteBlock(ctx, spec('data_variable'), { VARIABLE: { id: v.getId() } }));
  if (variables.length) {
    const first = { VARIABLE: { id: variables[0].getId() } };
    for (const opcode of ['data_setvariableto', 'data_changevariableby', 'data_showvariable', 'data_hidevariable']) {
      items.push(paletteBlock(ctx, spec(opcode), first));
    }
  }
  items.push({ kind: 'button', text: ctx.t('toolbox.makeList'), callbackkey: MAKE_LIST });
  const lists = map.getVariablesOfType('list').slice().sort(byName);
  for (const v of lists) items.push(paletteBlock(ctx, spec('data_listcontents'), { LIST: { id: v.getId() } }));
  if (lists.length) {
    const first = { LIST: { id: lists[0].getId() } };
    for (const b of ctx.catalog.blocks) {
      if (b.category === 'lists' && b.status === 'palette' && b.opcode !== 'data_listcontents') {
        items.push(paletteBlock(ctx, b, first));
      }
    }
  }
  return items;
}

/** The My Blocks category: "Make a Block", then a call of each custom block, by name. */
export function proceduresFlyout(ctx, ws) {
  const items = [{ kind: 'button', text: ctx.t('toolbox.makeBlock'), callbackkey: MAKE_BLOCK }];
  const protos = ws.getAllBlocks(false)
    .filter((b) => b.type === 'procedures_prototype' && b.proc && !b.isInFlyout)
    .map((b) => b.proc)
    .sort((a, b) => a.proccode.localeCompare(b.proccode));
  const seen = new Set();
  for (const proc of protos) {
    if (seen.has(proc.proccode) || !parseProccode(proc.proccode).length) continue;
    seen.add(proc.proccode);
    items.push({ kind: 'block', ...callState(proc) });
  }
  return items;
}
