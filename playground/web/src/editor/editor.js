// The block editor: Blockly with the zelos renderer and Scratch's look, its blocks, toolbox and
// translations made from the block catalog. One editor edits one target (a sprite or the
// stage) at a time; the host loads a target's project.json object into it and saves it back.
//
//   const editor = createEditor(div, { catalog, lang: 'en', projectInfo, onChange });
//   editor.loadTarget(sprite, stage);      // project.json target objects
//   editor.saveTarget();                   // → { blocks, comments, variables, lists, broadcasts }
//   editor.saveGlobals();                  // → the stage's { variables, lists, broadcasts }
//
// `projectInfo()` tells the dropdowns about the project: `{ isStage, targetName, sprites,
// costumes, backdrops, sounds, spriteVariables }` (names; `spriteVariables[name]` lists a sprite's
// own variables for `[x position v] of (Sprite1 v)`).
import * as Blockly from 'blockly/core';
import * as BlocklyEn from 'blockly/msg/en';
import { attachContext } from './context.js';
import { BROADCAST_MENU, defineBlocks } from './blocks.js';
import { ACTION_PREFIX } from './fields.js';
import { askName, closeDialogs, confirm, makeBlockDialog, notice } from './dialogs.js';
import { translate } from './i18n.js';
import {
  callState, installArgumentDrag, makeProccode, parseProccode, prototypeState,
} from './procedures.js';
import { catalogIndex, newId, ProjectData, sb3ToState, stateToSb3 } from './serialize.js';
import { makeTheme, registerCss } from './theme.js';
import {
  MAKE_BLOCK, MAKE_LIST, MAKE_VARIABLE, makeToolbox, PROCEDURES_CATEGORY, proceduresFlyout,
  VARIABLES_CATEGORY, variablesFlyout,
} from './toolbox.js';

/** 'en' or 'zh-CN' from anything that names a language. */
export function normaliseLang(lang) {
  return /^zh/i.test(String(lang ?? '')) ? 'zh-CN' : 'en';
}

let zhMessages = null;

/** Blockly's own texts (context menu, …) for a language, with Scratch's wording on top. */
async function blocklyMessages(lang) {
  let base = BlocklyEn;
  if (lang === 'zh-CN') {
    zhMessages ??= await import('blockly/msg/zh-hans');
    base = zhMessages;
  }
  return base;
}

function applyMessages(base, lang) {
  const overrides = {};
  for (const key of ['DUPLICATE_BLOCK', 'ADD_COMMENT', 'REMOVE_COMMENT', 'DELETE_BLOCK', 'DELETE_X_BLOCKS',
    'DELETE_ALL_BLOCKS', 'CLEAN_UP', 'UNDO', 'REDO']) {
    overrides[key] = translate(lang, `blockly.${key}`);
  }
  Blockly.setLocale({ ...base, ...overrides });
}

// Blockly's context menu items that Scratch does not have.
const UNUSED_MENU_ITEMS = ['blockCollapseExpand', 'blockDisable', 'blockInline', 'blockHelp',
  'collapseWorkspace', 'expandWorkspace'];

/**
 * Blockly's context menus without the items Scratch lacks, and "Delete Block" counting blocks as
 * a child does (the values in a block's slots are part of it, not more blocks).
 */
function tidyContextMenu() {
  const registry = Blockly.ContextMenuRegistry.registry;
  for (const id of UNUSED_MENU_ITEMS) {
    if (registry.getItem(id)) registry.unregister(id);
  }
  const remove = registry.getItem('blockDelete');
  if (remove && !remove.starling) {
    registry.unregister('blockDelete');
    registry.register({
      ...remove,
      starling: true,
      displayText(scope) {
        const block = scope.block;
        const count = (b) => b.getDescendants(false).filter((d) => !d.isShadow()).length;
        let n = count(block);
        const next = block.getNextBlock();
        if (next) n -= count(next);
        return n === 1 ? Blockly.Msg.DELETE_BLOCK : Blockly.Msg.DELETE_X_BLOCKS.replace('%1', String(n));
      },
    });
  }
  // "Add Comment" opens the new comment ready for typing, as in Scratch.
  const comment = registry.getItem('blockComment');
  if (comment && !comment.starling) {
    registry.unregister('blockComment');
    registry.register({
      ...comment,
      starling: true,
      callback(scope) {
        const block = scope.block;
        const adding = block && !block.hasIcon(Blockly.icons.IconType.COMMENT);
        comment.callback(scope);
        if (!adding) return;
        const icon = block.getIcon(Blockly.icons.IconType.COMMENT);
        Promise.resolve(icon?.setBubbleVisible(true)).then(() => {
          icon?.getBubble?.()?.getSvgRoot?.()?.querySelector('textarea')?.focus();
        });
      },
    });
  }
}

/** Variables by exact name (Scratch's names are case-sensitive; Blockly's are not). */
class ScratchVariableMap extends Blockly.VariableMap {
  getVariable(name, type = '') {
    return this.getVariablesOfType(type ?? '').find((v) => v.getName() === name) ?? null;
  }
}

/**
 * The palette's flyout, which in Scratch has one width: it never narrows when another category
 * is chosen, so the scripts beside it do not jump sideways.
 */
class ScratchFlyout extends Blockly.VerticalFlyout {
  reflowInternal_() {
    this.workspace_.scale = this.getFlyoutScale();
    let width = this.getContents().reduce(
      (widest, item) => Math.max(widest, item.getElement().getBoundingRectangle().getWidth()), 0);
    width = (Math.max(width, 250) + this.MARGIN * 1.5 + this.tabWidth_) * this.workspace_.scale;
    width += Blockly.Scrollbar.scrollbarThickness;
    // Zooming changes the width; only the same zoom keeps the widest.
    if (this.widestScale !== this.workspace_.scale) this.widest = 0;
    width = Math.max(width, this.widest ?? 0);
    this.widest = width;
    this.widestScale = this.workspace_.scale;
    if (this.getWidth() !== width) {
      this.width_ = width;
      this.position();
      this.targetWorkspace.resizeContents();
      this.targetWorkspace.recordDragTargets();
    }
  }
}

/**
 * Keeps a category's flyout open as in Scratch: choosing the open category again scrolls its
 * flyout to the top instead of closing it.
 */
function keepFlyoutOpen(toolbox) {
  if (!toolbox) return;
  toolbox.getFlyout()?.setAutoClose(false);
  toolbox.shouldDeselectItem_ = (oldItem, newItem) => oldItem !== null && newItem !== null && oldItem !== newItem;
  const update = toolbox.updateFlyout_.bind(toolbox);
  toolbox.updateFlyout_ = (oldItem, newItem) => {
    if (newItem && oldItem === newItem) toolbox.getFlyout()?.scrollToStart();
    else if (newItem) update(oldItem, newItem);
  };
}

/**
 * Makes an editor in `div`. Options: `catalog` (the catalog JSON), `lang` ('en' or 'zh-CN'),
 * `projectInfo` (a function, or an object), `onChange()` (called after the user changes the
 * blocks), `media` (where Blockly's media folder is served; default `blockly-media/`),
 * `sounds` (Blockly's click sounds; default true).
 */
export function createEditor(div, options = {}) {
  const { catalog } = options;
  if (!catalog?.blocks) throw new Error('createEditor needs the block catalog (catalog.json)');
  const index = catalogIndex(catalog);
  let lang = normaliseLang(options.lang);
  let data = new ProjectData();
  let isStage = false;
  let unloadable = [];
  let loading = 0;
  let highlighted = null;
  let glowing = new Set();
  let changeTimer = null;

  const info = () => {
    const raw = typeof options.projectInfo === 'function' ? options.projectInfo() : options.projectInfo;
    return { ...(raw ?? {}), isStage: raw?.isStage ?? isStage };
  };
  const t = (key, vars) => translate(lang, key, vars);
  const words = () => ({ else: t('block.else'), unknown: t('block.unknown') });
  const label = (o) => (lang === 'zh-CN' ? o.zh : o.en);

  const ctx = {
    catalog,
    index,
    get lang() { return lang; },
    t,
    info,
    get data() { return data; },
    firstBroadcast() {
      const names = [...data.broadcasts.keys()].sort((a, b) => a.localeCompare(b));
      return names[0] ?? null;
    },
    menuOptions(menuId, field) {
      if (menuId === BROADCAST_MENU) {
        const names = [...data.broadcasts.keys()].sort((a, b) => a.localeCompare(b));
        const options = names.filter((n) => n !== '').map((n) => [n, n]);
        options.push([t('menu.newMessage'), `${ACTION_PREFIX}newMessage`]);
        return options;
      }
      const menu = index.menus.get(menuId);
      if (!menu) return [];
      const project = info();
      if (menuId === 'of_property') return objectAttributes(menu, field, project);
      let fixed = menu.options.map((o) => [label(o), o.value]);
      let dynamic = [];
      const names = (list) => (Array.isArray(list) ? list.map(String).filter((n) => n !== '') : []);
      switch (menu.dynamic) {
        case 'sprites':
        case 'sprites_and_stage':
          // Other sprites: a sprite does not go to, touch or clone itself by name.
          dynamic = names(project.sprites).filter((n) => project.isStage || n !== project.targetName);
          // The stage cannot clone itself, and asks sprites (not itself) for their attributes.
          if (project.isStage && (menuId === 'clone' || menuId === 'of_object')) fixed = [];
          break;
        case 'costumes':
          dynamic = names(project.costumes);
          break;
        case 'backdrops':
          dynamic = names(project.backdrops);
          break;
        case 'sounds':
          dynamic = names(project.sounds);
          break;
        default:
          break;
      }
      const dyn = dynamic.map((n) => [n, n]);
      return menu.dynamic === 'backdrops' ? [...dyn, ...fixed] : [...fixed, ...dyn];
    },
    menuLabel(menuId, value) {
      const option = index.menus.get(menuId)?.options.find((o) => o.value === value);
      return option ? label(option) : String(value);
    },
    async menuAction(action, field) {
      if (action !== 'newMessage') return;
      const result = await askName(t, {
        title: t('dialog.newMessage'), label: t('dialog.messageName'), name: 'new-message',
      });
      if (!result) return;
      data.broadcastId(result.name);
      if (!field.getSourceBlock()?.isDeadOrDying()) field.setValue(result.name);
    },
    makeVariable,
    renameVariable,
    deleteVariable,
    makeBlock,
    editProcedure,
    definitionOf(proccode) {
      return ws.getAllBlocks(false).find((b) => b.type === 'procedures_definition'
        && b.getInputTargetBlock('custom_block')?.proc?.proccode === proccode) ?? null;
    },
    callsOf(proccode) {
      return ws.getAllBlocks(false).filter((b) => b.type === 'procedures_call' && b.proc?.proccode === proccode);
    },
  };

  function objectAttributes(menu, field, project) {
    const object = field?.getSourceBlock?.()?.getInputTargetBlock?.('OBJECT');
    const chosen = object?.type === 'sensing_of_object_menu' ? object.getFieldValue('OBJECT') : null;
    const pick = (values) => values
      .map((v) => menu.options.find((o) => o.value === v))
      .filter(Boolean)
      .map((o) => [label(o), o.value]);
    let variables;
    if (chosen === '_stage_') {
      variables = [...data.variables.values()].filter((v) => v.type === '' && !v.local).map((v) => v.name);
      return [...pick(['backdrop #', 'backdrop name', 'volume']), ...variables.map((n) => [n, n])];
    }
    const spriteVars = project.spriteVariables?.[chosen] ?? [];
    variables = Array.isArray(spriteVars) ? spriteVars.map(String) : [];
    return [
      ...pick(['x position', 'y position', 'direction', 'costume #', 'costume name', 'size', 'volume']),
      ...variables.map((n) => [n, n]),
    ];
  }

  // ------------------------------------------------------------------ set-up

  registerCss(catalog);
  applyMessages(BlocklyEn, lang);
  defineBlocks(catalog, lang, words());
  tidyContextMenu();
  Blockly.dialog.setAlert((message, callback) => notice(t, message).then(() => callback?.()));
  Blockly.dialog.setConfirm((message, callback) => confirm(t, message).then((ok) => callback(ok)));
  Blockly.dialog.setPrompt((message, value, callback) => {
    askName(t, { title: message, label: '', value }).then((r) => callback(r ? r.name : null));
  });

  div.classList.add('starling-editor');
  const ws = Blockly.inject(div, {
    renderer: 'zelos',
    theme: makeTheme(catalog),
    toolbox: makeToolbox(ctx),
    media: options.media ?? 'blockly-media/',
    sounds: options.sounds ?? true,
    trashcan: true,
    comments: true,
    collapse: false,
    disable: false,
    oneBasedIndex: true,
    move: { scrollbars: true, drag: true, wheel: true },
    zoom: { controls: true, wheel: false, pinch: true, startScale: 0.75, maxScale: 3, minScale: 0.3, scaleSpeed: 1.2 },
    plugins: { variableMap: ScratchVariableMap, flyoutsVerticalToolbox: ScratchFlyout },
  });
  attachContext(ws, ctx);
  ws.registerToolboxCategoryCallback(VARIABLES_CATEGORY, (w) => variablesFlyout(ctx, w));
  ws.registerToolboxCategoryCallback(PROCEDURES_CATEGORY, (w) => proceduresFlyout(ctx, w));
  ws.registerButtonCallback(MAKE_VARIABLE, () => makeVariable(false));
  ws.registerButtonCallback(MAKE_LIST, () => makeVariable(true));
  ws.registerButtonCallback(MAKE_BLOCK, () => makeBlock());
  installArgumentDrag(ws);
  openFirstCategory();
  if (lang !== 'en') blocklyMessages(lang).then((m) => applyMessages(m, lang));

  ws.addChangeListener((e) => {
    if (loading || e.isUiEvent || e.type === Blockly.Events.FINISHED_LOADING) return;
    if (e.type === Blockly.Events.BLOCK_CREATE || e.type === Blockly.Events.BLOCK_DELETE) {
      // The My Blocks palette lists every custom block.
      const ids = e.ids ?? [];
      const touchesProcedures = e.type === Blockly.Events.BLOCK_DELETE
        ? e.oldJson?.type === 'procedures_definition'
        : ids.some((id) => ws.getBlockById(id)?.type === 'procedures_definition');
      if (touchesProcedures) ws.refreshToolboxSelection();
    }
    protectUsedDefinitions();
    if (options.onChange && !changeTimer) {
      changeTimer = setTimeout(() => {
        changeTimer = null;
        options.onChange();
      }, 0);
    }
  });

  const resizer = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => Blockly.svgResize(ws))
    : null;
  resizer?.observe(div);

  function openFirstCategory() {
    const toolbox = ws.getToolbox();
    keepFlyoutOpen(toolbox);
    toolbox?.selectItemByPosition(0);
  }

  function refreshToolbox() {
    const selected = ws.getToolbox()?.getSelectedItem()?.getId?.();
    ws.updateToolbox(makeToolbox(ctx));
    const toolbox = ws.getToolbox();
    const item = selected ? toolbox?.getToolboxItemById(selected) : null;
    if (item) toolbox.setSelectedItem(item);
    else toolbox?.selectItemByPosition(0);
    ws.refreshToolboxSelection();
  }

  /**
   * A custom block's definition cannot be deleted while something calls it (as in Scratch: the
   * calls would be left doing nothing).
   */
  function protectUsedDefinitions() {
    const used = new Set();
    const definitions = [];
    for (const b of ws.getAllBlocks(false)) {
      if (b.type === 'procedures_call' && b.proc) used.add(b.proc.proccode);
      else if (b.type === 'procedures_definition') definitions.push(b);
    }
    for (const d of definitions) {
      const proccode = d.getInputTargetBlock('custom_block')?.proc?.proccode;
      d.setDeletable(!used.has(proccode));
    }
  }

  /** Scrolls so that the scripts' top-left corner is in view, as Scratch opens a sprite. */
  function showTopLeft() {
    const box = ws.getBlocksBoundingBox();
    if (!ws.getTopBlocks(false).length || !Number.isFinite(box.left)) {
      ws.scrollCenter();
      return;
    }
    const margin = 24;
    ws.scroll(-box.left * ws.scale + margin, -box.top * ws.scale + margin);
  }

  /** Runs `fn` with events off and change notifications held back. */
  function quietly(fn) {
    loading++;
    Blockly.Events.disable();
    try {
      return fn();
    } finally {
      Blockly.Events.enable();
      loading--;
    }
  }

  function variableName(id) {
    return ws.getVariableMap().getVariableById(id)?.getName() ?? data.variables.get(id)?.name ?? null;
  }

  /** Brings `data` in line with the workspace's variables (renames, new and deleted ones). */
  function syncVariables() {
    const map = ws.getVariableMap();
    const present = new Set();
    for (const type of ['', 'list']) {
      for (const v of map.getVariablesOfType(type)) {
        present.add(v.getId());
        const known = data.variables.get(v.getId());
        if (known) known.name = v.getName();
        else data.variables.set(v.getId(), {
          id: v.getId(), name: v.getName(), type, value: type === 'list' ? [] : 0, local: !isStage, extra: [],
        });
      }
    }
    for (const id of [...data.variables.keys()]) if (!present.has(id)) data.variables.delete(id);
  }

  // ------------------------------------------------------------------ variables

  function nameTaken(name, type, exceptId = null) {
    return ws.getVariableMap().getVariablesOfType(type).some((v) => v.getName() === name && v.getId() !== exceptId);
  }

  async function makeVariable(list) {
    const type = list ? 'list' : '';
    const choices = info().isStage ? null : [
      { value: 'global', label: t('dialog.forAllSprites') },
      { value: 'local', label: t('dialog.thisSpriteOnly') },
    ];
    const result = await askName(t, {
      title: t(list ? 'dialog.newList' : 'dialog.newVariable'),
      label: t(list ? 'dialog.listName' : 'dialog.variableName'),
      choices,
      name: list ? 'new-list' : 'new-variable',
      check: (name) => (nameTaken(name, type) ? t(list ? 'dialog.listExists' : 'dialog.variableExists', { name }) : null),
    });
    if (!result) return null;
    const id = newId();
    ws.getVariableMap().createVariable(result.name, type, id);
    data.variables.set(id, {
      id, name: result.name, type, value: list ? [] : 0, local: result.choice === 'local', extra: [],
    });
    ws.refreshToolboxSelection();
    return id;
  }

  async function renameVariable(id) {
    const variable = ws.getVariableMap().getVariableById(id);
    if (!variable) return;
    const list = variable.getType() === 'list';
    const result = await askName(t, {
      title: t(list ? 'dialog.renameList' : 'dialog.renameVariable'),
      label: t('dialog.renameTo', { name: variable.getName() }),
      value: variable.getName(),
      name: 'rename',
      check: (name) => (nameTaken(name, variable.getType(), id)
        ? t(list ? 'dialog.listExists' : 'dialog.variableExists', { name }) : null),
    });
    if (!result || result.name === variable.getName()) return;
    ws.getVariableMap().renameVariable(variable, result.name);
    const known = data.variables.get(id);
    if (known) known.name = result.name;
    ws.refreshToolboxSelection();
  }

  function deleteVariable(id) {
    const variable = ws.getVariableMap().getVariableById(id);
    if (!variable) return;
    // As in Scratch: no question; the variable and its blocks go, and undo brings them back.
    ws.getVariableMap().deleteVariable(variable);
    ws.refreshToolboxSelection();
  }

  // ------------------------------------------------------------------ custom blocks

  function partsOf(proc) {
    let i = 0;
    return parseProccode(proc.proccode).map((p) => {
      if (p.type === 'label') return { ...p };
      const part = { type: 'arg', kind: p.kind === 'b' ? 'b' : 's', name: proc.argumentnames[i] ?? '', id: proc.argumentids[i] };
      i++;
      return part;
    });
  }

  function procFromParts(parts, warp) {
    const args = parts.filter((p) => p.type === 'arg');
    const ids = args.map((a) => a.id ?? newId());
    return {
      proccode: makeProccode(parts),
      argumentids: ids,
      argumentnames: args.map((a) => a.name),
      argumentdefaults: args.map((a) => (a.kind === 'b' ? 'false' : '')),
      warp: !!warp,
    };
  }

  async function makeBlock() {
    const result = await makeBlockDialog(t, {
      title: t('dialog.makeBlock'),
      initial: { parts: [], warp: false },
      check: (parts) => (ctx.definitionOf(makeProccode(parts)) ? t('dialog.blockExists') : null),
    });
    if (!result) return null;
    const proc = procFromParts(result.parts, result.warp);
    const view = ws.getMetricsManager().getViewMetrics(true);
    const state = {
      type: 'procedures_definition',
      x: Math.round(view.left + 40 / ws.scale),
      y: Math.round(view.top + 40 / ws.scale),
      inputs: { custom_block: { shadow: prototypeState(proc) } },
    };
    const block = Blockly.serialization.blocks.append(state, ws);
    ws.refreshToolboxSelection();
    return block.id;
  }

  function setExtraState(block, state) {
    const old = JSON.stringify(block.saveExtraState());
    block.loadExtraState(state);
    Blockly.Events.fire(new (Blockly.Events.get(Blockly.Events.BLOCK_CHANGE))(
      block, 'mutation', null, old, JSON.stringify(block.saveExtraState())));
  }

  async function editProcedure(definition) {
    const proto = definition?.getInputTargetBlock('custom_block');
    if (!proto?.proc) return;
    const before = proto.proc;
    const result = await makeBlockDialog(t, {
      title: t('dialog.editBlock'),
      initial: { parts: partsOf(before), warp: before.warp },
      check: (parts) => {
        const other = ctx.definitionOf(makeProccode(parts));
        return other && other !== definition ? t('dialog.blockExists') : null;
      },
    });
    if (!result || definition.isDeadOrDying()) return;
    const proc = procFromParts(result.parts, result.warp);
    const oldNames = new Map(before.argumentids.map((id, i) => [id, before.argumentnames[i]]));
    Blockly.Events.setGroup(true);
    try {
      for (const call of ctx.callsOf(before.proccode)) {
        setExtraState(call, { proccode: proc.proccode, argumentids: proc.argumentids, warp: proc.warp });
        // New number/text arguments get an empty slot.
        const fresh = callState(proc).inputs;
        for (const [argId, slot] of Object.entries(fresh)) {
          const input = call.getInput(argId);
          if (input?.connection && !input.connection.targetBlock()) input.connection.setShadowState(slot.shadow);
        }
      }
      setExtraState(proto, proc);
      // Argument reporters in the body follow a renamed argument.
      proc.argumentids.forEach((id, i) => {
        const oldName = oldNames.get(id);
        const newName = proc.argumentnames[i];
        if (oldName === undefined || oldName === newName) return;
        for (const b of definition.getDescendants(false)) {
          if (b.type.startsWith('argument_reporter_') && !b.isShadow() && b.getFieldValue('VALUE') === oldName) {
            b.setFieldValue(newName, 'VALUE');
          }
        }
      });
    } finally {
      Blockly.Events.setGroup(false);
    }
    ws.refreshToolboxSelection();
  }

  // ------------------------------------------------------------------ the API

  function clearHighlight() {
    if (highlighted && !highlighted.isDeadOrDying()) {
      highlighted.setWarningText(null);
      highlighted.getSvgRoot()?.classList.remove('starling-error');
    }
    highlighted = null;
  }

  const editor = {
    /** The Blockly workspace (for the host's own needs; prefer the methods below). */
    workspace: ws,

    get lang() {
      return lang;
    },

    /**
     * Shows a target's scripts. `target` is a project.json target object; `stage` is the stage's
     * (for "for all sprites" variables and the project's broadcasts) when `target` is a sprite.
     * Returns warnings `{en, zh}` about blocks that could not be shown as they were.
     */
    loadTarget(target, stage = null) {
      closeDialogs();
      clearHighlight();
      glowing = new Set();
      target = target && typeof target === 'object' ? target : {};
      isStage = target.isStage === true;
      data = new ProjectData();
      const globals = isStage ? target : stage;
      data.addAll(globals?.variables, '', false);
      data.addAll(globals?.lists, 'list', false);
      data.addBroadcasts(globals?.broadcasts);
      if (!isStage) {
        data.addAll(target.variables, '', true);
        data.addAll(target.lists, 'list', true);
        data.addBroadcasts(target.broadcasts);
      }
      const { state, warnings } = sb3ToState(target, data, index);
      state.variables = [...data.variables.values()].map((v) => ({ name: v.name, id: v.id, type: v.type }));
      unloadable = [];
      quietly(() => {
        ws.clear();
        try {
          Blockly.serialization.workspaces.load(state, ws, { recordUndo: false });
        } catch {
          // One bad script must not cost the others: load them one by one and keep the ones
          // that fail as they are, to be saved back unchanged.
          ws.clear();
          Blockly.serialization.workspaces.load({ variables: state.variables }, ws, { recordUndo: false });
          for (const top of state.blocks.blocks) {
            const before = new Set(ws.getTopBlocks(false));
            try {
              Blockly.serialization.blocks.append(top, ws, { recordUndo: false });
            } catch {
              // Take away whatever the failed attempt left half-built.
              for (const b of ws.getTopBlocks(false)) if (!before.has(b)) b.dispose(false);
              unloadable.push(top);
              warnings.push({
                en: 'A script could not be shown in the editor; it is kept unchanged.',
                zh: '有一个脚本无法在编辑器里显示，已原样保留。',
              });
            }
          }
          for (const comment of state.workspaceComments ?? []) {
            try {
              Blockly.serialization.workspaceComments.append(comment, ws);
            } catch { /* a comment that does not load is dropped */ }
          }
        }
      });
      ws.clearUndo();
      protectUsedDefinitions();
      refreshToolbox();
      showTopLeft();
      return warnings;
    },

    /** The edited target's part of project.json: `{blocks, comments, variables, lists, broadcasts}`. */
    saveTarget() {
      syncVariables();
      const state = Blockly.serialization.workspaces.save(ws);
      state.blocks ??= { languageVersion: 0, blocks: [] };
      state.blocks.blocks = [...(state.blocks.blocks ?? []), ...unloadable];
      const { blocks, comments } = stateToSb3(state, data, index, variableName);
      const broadcasts = {};
      if (isStage) for (const [name, id] of data.broadcasts) broadcasts[id] = name;
      return {
        variables: data.toSb3('', !isStage),
        lists: data.toSb3('list', !isStage),
        broadcasts,
        blocks,
        comments,
      };
    },

    /** The stage's variables, lists and broadcasts as edited ("for all sprites" ones, messages). */
    saveGlobals() {
      syncVariables();
      const broadcasts = {};
      for (const [name, id] of data.broadcasts) broadcasts[id] = name;
      return { variables: data.toSb3('', false), lists: data.toSb3('list', false), broadcasts };
    },

    /** Switches the blocks, toolbox and Blockly's menus to 'en' or 'zh-CN', keeping the work. */
    async setLanguage(next) {
      next = normaliseLang(next);
      if (next === lang) return;
      lang = next;
      closeDialogs();
      const messages = await blocklyMessages(lang);
      if (lang !== next) return;
      const state = Blockly.serialization.workspaces.save(ws);
      const { scale } = ws;
      const view = ws.getMetricsManager().getViewMetrics(true);
      const message = highlighted ? highlighted.starlingMessage : null;
      const highlightedId = highlighted?.id ?? null;
      applyMessages(messages, lang);
      defineBlocks(catalog, lang, words());
      clearHighlight();
      quietly(() => {
        ws.clear();
        Blockly.serialization.workspaces.load(state, ws, { recordUndo: false });
      });
      ws.clearUndo();
      protectUsedDefinitions();
      ws.setScale(scale);
      refreshToolbox();
      // The same part of the workspace stays in view.
      ws.scroll(-view.left * scale, -view.top * scale);
      if (highlightedId && message) editor.highlightBlock(highlightedId, message);
    },

    /**
     * Marks a block that has a problem and shows the friendly message (`text` or `{en, zh}`) in
     * a bubble beside it; scrolls it into view. Returns false if the block is not in this target.
     */
    highlightBlock(id, message) {
      clearHighlight();
      let block = id ? ws.getBlockById(id) : null;
      while (block?.isShadow()) block = block.getParent();
      if (!block) return false;
      highlighted = block;
      block.starlingMessage = message;
      const text = typeof message === 'string' ? message : (lang === 'zh-CN' ? message?.zh || message?.en : message?.en || message?.zh);
      block.getSvgRoot()?.classList.add('starling-error');
      if (text) {
        block.setWarningText(text);
        const icon = block.getIcon(Blockly.icons.IconType.WARNING);
        icon?.setBubbleVisible(true);
      }
      ws.centerOnBlock(block.id);
      return true;
    },

    clearHighlight,

    /** Makes the scripts containing these block ids glow (running), and the others not. */
    glow(ids) {
      const roots = new Set();
      for (const id of ids ?? []) {
        const root = ws.getBlockById(id)?.getRootBlock();
        if (root) roots.add(root);
      }
      for (const block of glowing) {
        if (!roots.has(block) && !block.isDeadOrDying()) block.getSvgRoot()?.classList.remove('starling-glow');
      }
      for (const block of roots) block.getSvgRoot()?.classList.add('starling-glow');
      glowing = roots;
    },

    undo() {
      ws.undo(false);
    },

    redo() {
      ws.undo(true);
    },

    /** Rebuilds the toolbox after the project changed (costumes, sounds, sprites). */
    refreshToolbox,

    /** Tells Blockly the editor's size changed. */
    resize() {
      Blockly.svgResize(ws);
    },

    /** Makes a variable (the dialog), a list, or a custom block, as the toolbox buttons do. */
    makeVariable: () => makeVariable(false),
    makeList: () => makeVariable(true),
    makeBlock,

    dispose() {
      closeDialogs();
      resizer?.disconnect();
      clearTimeout(changeTimer);
      ws.dispose();
    },
  };
  return editor;
}
