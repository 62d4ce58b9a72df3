// The editor's own Blockly fields: dropdowns that keep any value a project gives them, number
// slots that only take the characters Scratch's slot takes, a colour swatch, and variable fields
// with Scratch's rename/delete behaviour.
import * as Blockly from 'blockly/core';
import { contextOf } from './context.js';

/** A menu item value that runs an action (rename, new message) instead of being chosen. */
export const ACTION_PREFIX = '\u0001action:';

/**
 * A dropdown whose options come from the editor (the catalog's fixed options in the current
 * language, then the project's sprites, costumes, sounds, …). Unlike Blockly's dropdown it keeps
 * a value that is not among the options — a costume that was renamed, a sprite name from another
 * project — so loading and saving never lose what the file said.
 */
export class FieldMenu extends Blockly.FieldDropdown {
  constructor(menuId, value) {
    // The generator runs before this constructor's body, so it reads the menu id from the
    // closure, and copes with a field that has no block yet.
    const generator = function generator() {
      const block = this.getSourceBlock?.();
      const ctx = block ? contextOf(block) : null;
      const current = this.value_ ?? value ?? '';
      const options = ctx ? ctx.menuOptions(menuId, this) : [];
      if (current !== '' && !options.some((o) => Array.isArray(o) && o[1] === current)) {
        options.unshift([ctx ? ctx.menuLabel(menuId, current) : current, current]);
      }
      return options.length ? options : [[current || ' ', current]];
    };
    super(generator);
    this.menuId = menuId;
    if (value !== undefined && value !== null) this.setValue(String(value));
  }

  static fromJson(options) {
    return new this(options.menu, options.value);
  }

  doClassValidation_(value) {
    if (value === null || value === undefined) return null;
    return String(value);
  }

  doValueUpdate_(value) {
    super.doValueUpdate_(value);
    this.selectedOption = [this.labelOf(value), value];
  }

  /** The words shown for a value: its option's label now (the field may predate its block). */
  labelOf(value) {
    const block = this.getSourceBlock?.();
    const ctx = block ? contextOf(block) : null;
    if (!ctx) return value;
    const found = this.getOptions(false).find((o) => Array.isArray(o) && o[1] === value);
    return typeof found?.[0] === 'string' ? found[0] : ctx.menuLabel(this.menuId, value);
  }

  getText_() {
    return this.labelOf(this.getValue());
  }

  onItemSelected_(menu, menuItem) {
    const value = menuItem.getValue();
    if (typeof value === 'string' && value.startsWith(ACTION_PREFIX)) {
      const ctx = contextOf(this.getSourceBlock());
      ctx?.menuAction(value.slice(ACTION_PREFIX.length), this);
      return;
    }
    super.onItemSelected_(menu, menuItem);
  }
}
Blockly.fieldRegistry.register('field_starling_menu', FieldMenu);

/** Which characters each kind of number slot takes while typing, as scratch-blocks' FieldNumber. */
const NUMBER_CHARS = {
  number: /[^0-9.\-eE]/g,
  angle: /[^0-9.\-eE]/g,
  positive_number: /[^0-9.eE]/g,
  whole_number: /[^0-9]/g,
  integer: /[^0-9-]/g,
};

/**
 * A number slot. Its value is text, as in Scratch (an empty slot stays empty, and a value a
 * file puts there is kept as it is); only what a child types is restricted. On tablets it asks
 * for the numeric keyboard.
 */
export class FieldNumberText extends Blockly.FieldTextInput {
  constructor(value, restrict) {
    super(value ?? '');
    this.restrict = NUMBER_CHARS[restrict] ? restrict : 'number';
  }

  static fromJson(options) {
    return new this(options.value ?? '', options.restrict);
  }

  widgetCreate_() {
    const input = super.widgetCreate_();
    const decimals = this.restrict !== 'whole_number' && this.restrict !== 'integer';
    input.setAttribute('inputmode', decimals ? 'decimal' : 'numeric');
    const pattern = NUMBER_CHARS[this.restrict];
    input.addEventListener('input', () => {
      const cleaned = input.value.replace(pattern, '');
      if (cleaned !== input.value) input.value = cleaned;
    });
    return input;
  }
}
Blockly.fieldRegistry.register('field_starling_number', FieldNumberText);

/** A text slot; the same as Blockly's, registered under our name for symmetry. */
export class FieldText extends Blockly.FieldTextInput {
  static fromJson(options) {
    return new this(options.value ?? '');
  }
}
Blockly.fieldRegistry.register('field_starling_text', FieldText);

/** Colours offered by the colour picker, in Scratch's spirit: hues across, light to dark down. */
const SWATCHES = [
  '#ff0000', '#ff8000', '#ffbf00', '#ffff00', '#80ff00', '#00ff80', '#00ffff', '#0080ff', '#0000ff', '#8000ff', '#ff00ff', '#ff0080',
  '#ff8080', '#ffbf80', '#ffdf80', '#ffff80', '#bfff80', '#80ffbf', '#80ffff', '#80bfff', '#8080ff', '#bf80ff', '#ff80ff', '#ff80bf',
  '#800000', '#804000', '#806000', '#808000', '#408000', '#008040', '#008080', '#004080', '#000080', '#400080', '#800080', '#800040',
  '#ffffff', '#e6e6e6', '#cccccc', '#b3b3b3', '#999999', '#808080', '#666666', '#4d4d4d', '#333333', '#1a1a1a', '#000000', '#9966ff',
];

function isHexColour(value) {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
}

/**
 * A colour slot: a swatch of the colour; tapping it opens a palette and the browser's own
 * colour chooser. Any text is kept as the value (a file may hold a colour as a number).
 */
export class FieldColourSwatch extends Blockly.Field {
  constructor(value) {
    super(value ?? '#9966ff');
    this.SERIALIZABLE = true;
    this.CURSOR = 'pointer';
  }

  static fromJson(options) {
    return new this(options.value);
  }

  doClassValidation_(value) {
    if (value === null || value === undefined) return null;
    return String(value);
  }

  initView() {
    this.createBorderRect_();
    this.borderRect_.setAttribute('rx', '4');
    this.borderRect_.setAttribute('ry', '4');
  }

  isFullBlockField() {
    const block = this.getSourceBlock();
    return !!block && !!this.getConstants()?.FULL_BLOCK_FIELDS && block.isSimpleReporter();
  }

  colour() {
    return isHexColour(this.getValue()) ? this.getValue() : '#ffffff';
  }

  applyColour() {
    const block = this.getSourceBlock();
    if (!block || !this.borderRect_) return;
    if (this.isFullBlockField()) {
      block.pathObject.svgPath.setAttribute('fill', this.colour());
      block.pathObject.svgPath.setAttribute('stroke', '#ffffff');
      this.borderRect_.style.display = 'none';
    } else {
      this.borderRect_.style.display = 'block';
      this.borderRect_.setAttribute('fill', this.colour());
      this.borderRect_.setAttribute('stroke', '#ffffff');
    }
  }

  render_() {
    this.size_ = new Blockly.utils.Size(40, 24);
    this.positionBorderRect_();
    this.applyColour();
  }

  getText_() {
    return this.getValue();
  }

  showEditor_() {
    const content = Blockly.DropDownDiv.getContentDiv();
    Blockly.DropDownDiv.clearContent();
    const box = document.createElement('div');
    box.className = 'starling-colours';
    for (const colour of SWATCHES) {
      const swatch = document.createElement('button');
      swatch.type = 'button';
      swatch.className = 'starling-colour';
      swatch.style.background = colour;
      swatch.title = colour;
      swatch.setAttribute('aria-label', colour);
      if (colour === this.getValue()) swatch.classList.add('chosen');
      swatch.addEventListener('click', () => {
        this.setValue(colour);
        Blockly.DropDownDiv.hideIfOwner(this);
      });
      box.append(swatch);
    }
    const custom = document.createElement('input');
    custom.type = 'color';
    custom.className = 'starling-colour-custom';
    custom.value = this.colour();
    custom.addEventListener('input', () => this.setValue(custom.value));
    box.append(custom);
    content.append(box);
    Blockly.DropDownDiv.setColour('#ffffff', '#dddddd');
    Blockly.DropDownDiv.showPositionedByField(this);
  }
}
Blockly.fieldRegistry.register('field_starling_colour', FieldColourSwatch);

/**
 * A variable or list dropdown (`set [score v] to`). Renaming and deleting go through the
 * editor, which checks names as Scratch does (Blockly's own rename would merge two variables
 * given the same name).
 */
export class FieldScratchVariable extends Blockly.FieldVariable {
  constructor(varName, validator, variableTypes, defaultType, config) {
    super(varName, validator, variableTypes, defaultType, config);
    this.menuGenerator_ = scratchVariableOptions;
  }

  onItemSelected_(menu, menuItem) {
    const id = menuItem.getValue();
    const variable = this.getVariable();
    const ctx = contextOf(this.getSourceBlock());
    if (variable && ctx && id === Blockly.RENAME_VARIABLE_ID) {
      ctx.renameVariable(variable.getId());
      return;
    }
    if (variable && ctx && id === Blockly.DELETE_VARIABLE_ID) {
      ctx.deleteVariable(variable.getId());
      return;
    }
    super.onItemSelected_(menu, menuItem);
  }
}
Blockly.fieldRegistry.register('field_starling_variable', FieldScratchVariable);

function scratchVariableOptions() {
  const block = this.getSourceBlock();
  const variable = this.getVariable();
  const ctx = block ? contextOf(block) : null;
  if (!block || !variable) return [[this.getText() || ' ', this.getValue() || '']];
  const ws = block.workspace;
  const type = variable.getType();
  let models = ws.getVariableMap().getVariablesOfType(type);
  if (ws.isFlyout) models = models.concat(ws.getPotentialVariableMap()?.getVariablesOfType(type) ?? []);
  models = models.slice().sort((a, b) => a.getName().localeCompare(b.getName()));
  const options = models.map((m) => [m.getName(), m.getId()]);
  if (ctx && !ws.isFlyout) {
    const list = type === 'list';
    options.push(Blockly.FieldDropdown.SEPARATOR);
    options.push([ctx.t(list ? 'menu.renameList' : 'menu.renameVariable'), Blockly.RENAME_VARIABLE_ID]);
    options.push([
      ctx.t(list ? 'menu.deleteList' : 'menu.deleteVariable', { name: variable.getName() }),
      Blockly.DELETE_VARIABLE_ID,
    ]);
  }
  return options;
}

/**
 * The name inside a variable or list reporter (`(score)`): plain text, no dropdown; the block's
 * context menu offers rename and delete.
 */
export class FieldVariableGetter extends FieldScratchVariable {
  constructor(...args) {
    super(...args);
    this.EDITABLE = false;
  }

  shouldAddBorderRect_() {
    return false;
  }

  createSVGArrow_() {}

  createTextArrow_() {}

  isClickable() {
    return false;
  }
}
Blockly.fieldRegistry.register('field_starling_variable_getter', FieldVariableGetter);
