// Scratch's look for Blockly's zelos renderer: each category's colours from the catalog
// (scratch-blocks' colours.js), cap-shaped hats, a white workspace, and the editor's CSS
// (toolbox, dialogs, glow).
import * as Blockly from 'blockly/core';

const LITERAL_KINDS = new Set(['number', 'positive_number', 'whole_number', 'integer', 'angle', 'text', 'color']);

/** The block style of a catalog block. */
export function styleFor(spec) {
  if (spec.shadow && spec.args.length === 1 && LITERAL_KINDS.has(spec.args[0].kind)) return 'literal';
  return spec.shape === 'hat' ? `${spec.category}_hat` : spec.category;
}

const FONT = '"Helvetica Neue", Helvetica, Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';

let themeCount = 0;

/** A Blockly theme with a block style per category (and one for hats). */
export function makeTheme(catalog) {
  const blockStyles = {
    literal: { colourPrimary: '#FFFFFF', colourSecondary: '#FFFFFF', colourTertiary: '#C8C8C8' },
    unknown: { colourPrimary: '#BCBCBC', colourSecondary: '#A8A8A8', colourTertiary: '#8C8C8C' },
  };
  const categoryStyles = {};
  for (const c of catalog.categories) {
    const style = { colourPrimary: c.colour, colourSecondary: c.secondary, colourTertiary: c.tertiary };
    blockStyles[c.id] = style;
    blockStyles[`${c.id}_hat`] = { ...style, hat: 'cap' };
    categoryStyles[c.id] = { colour: c.colour };
  }
  themeCount += 1;
  return Blockly.Theme.defineTheme(`starling${themeCount}`, {
    base: Blockly.Themes.Classic,
    blockStyles,
    categoryStyles,
    componentStyles: {
      workspaceBackgroundColour: '#FFFFFF',
      toolboxBackgroundColour: '#FFFFFF',
      toolboxForegroundColour: '#575E75',
      flyoutBackgroundColour: '#F9F9F9',
      flyoutForegroundColour: '#575E75',
      flyoutOpacity: 1,
      scrollbarColour: '#CECDCE',
      scrollbarOpacity: 0.8,
      insertionMarkerColour: '#000000',
      insertionMarkerOpacity: 0.2,
      cursorColour: '#4C97FF',
    },
    fontStyle: { family: FONT, weight: '500', size: 12 },
    startHats: false,
  });
}

let cssDone = false;

/** The editor's CSS, registered once with Blockly (which injects it with the first workspace). */
export function registerCss(catalog) {
  if (cssDone) return;
  cssDone = true;
  const categories = catalog.categories
    .map((c) => `.starling-cat-${c.id} .starling-cat-icon { background: ${c.colour}; border-color: ${c.tertiary}; }`)
    .join('\n');
  Blockly.Css.register(`
.starling-editor { position: relative; width: 100%; height: 100%; font-family: ${FONT}; }
.starling-editor .blocklyToolbox { background: #fff; border-right: 1px solid #e0e0e0; padding: 4px 0; overflow-y: auto; }
.starling-editor .blocklyToolboxCategory.starling-cat {
  display: flex; flex-direction: column; align-items: center; justify-content: center;
  width: 64px; min-height: 54px; padding: 4px 2px; margin: 0; box-sizing: border-box;
  border: 0 !important; border-radius: 0; cursor: pointer; background: transparent !important;
}
.starling-editor .blocklyToolboxCategory.starling-cat:hover .starling-cat-label { color: #4C97FF; }
.starling-editor .blocklyToolboxCategory.starling-cat.blocklyToolboxSelected { background: #e9eef2 !important; }
.starling-editor .starling-cat-icon {
  display: block; width: 20px; height: 20px; border-radius: 50%; border: 1px solid; margin: 0 auto 3px;
  box-sizing: border-box;
}
.starling-editor .starling-cat-label {
  display: block; font-size: 11px; line-height: 1.15; color: #575E75; text-align: center;
  white-space: normal; word-break: keep-all; max-width: 62px; font-family: ${FONT};
}
.starling-editor .blocklyToolboxCategoryLabel { padding: 0; }
${categories}
.starling-editor .blocklyFlyoutButton .blocklyFlyoutButtonBackground { fill: #fff; stroke: #c6c6c6; }
.starling-editor .blocklyFlyoutButton .blocklyText { fill: #575E75; font-family: ${FONT}; }
.starling-editor .blocklyFlyoutLabelText { fill: #575E75; font-family: ${FONT}; }
/* A running script glows as in Scratch: the whole stack, in scratch-blocks' stackGlow yellow. */
.starling-editor g.starling-glow { filter: drop-shadow(0 0 3px #FFF200) drop-shadow(0 0 2px #FFF200); }
.starling-error > .blocklyPath { stroke: #e03030 !important; stroke-width: 3px !important; }
.starling-colours { display: grid; grid-template-columns: repeat(12, 22px); gap: 4px; padding: 6px; }
.starling-colour { width: 22px; height: 22px; border-radius: 50%; border: 1px solid rgba(0,0,0,.2); padding: 0; cursor: pointer; }
.starling-colour.chosen { outline: 2px solid #4C97FF; outline-offset: 1px; }
.starling-colour-custom { grid-column: span 4; width: 100%; height: 26px; border: 1px solid #ccc; border-radius: 4px; padding: 0; background: #fff; }
.starling-dialog-backdrop {
  position: fixed; inset: 0; background: rgba(76, 151, 255, 0.55); display: flex; align-items: center;
  justify-content: center; z-index: 10000; font-family: ${FONT};
}
.starling-dialog {
  background: #fff; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.25); width: min(92vw, 440px);
  max-height: 90vh; overflow: auto; color: #575E75; font-size: 15px;
}
.starling-dialog h2 { margin: 0; padding: 12px 16px; background: #4C97FF; color: #fff; font-size: 17px; text-align: center; border-radius: 8px 8px 0 0; }
.starling-dialog .body { padding: 16px; display: flex; flex-direction: column; gap: 12px; }
.starling-dialog label.text { display: flex; flex-direction: column; gap: 6px; }
.starling-dialog input[type=text] {
  font: inherit; padding: 8px 12px; border: 1px solid #c6c6c6; border-radius: 20px; outline: none;
}
.starling-dialog input[type=text]:focus { border-color: #4C97FF; box-shadow: 0 0 0 3px rgba(76,151,255,.25); }
.starling-dialog .choices { display: flex; gap: 16px; justify-content: center; flex-wrap: wrap; }
.starling-dialog .buttons { display: flex; gap: 10px; justify-content: flex-end; }
.starling-dialog button {
  font: inherit; padding: 8px 18px; border-radius: 20px; border: 1px solid #c6c6c6; background: #fff;
  color: #575E75; cursor: pointer; min-height: 40px;
}
.starling-dialog button.ok { background: #4C97FF; border-color: #3373CC; color: #fff; }
.starling-dialog .error { color: #d63c3c; min-height: 1em; margin: 0; font-size: 14px; }
.starling-dialog .message { margin: 0; }
.starling-dialog .proc-preview {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 12px; min-height: 48px;
  background: #FF6680; border: 1px solid #FF3355; border-radius: 6px; color: #fff;
}
.starling-dialog .proc-preview input[type=text] { min-width: 3em; width: 8em; padding: 4px 10px; color: #575E75; }
.starling-dialog .proc-part { display: inline-flex; align-items: center; gap: 2px; }
.starling-dialog .proc-part.arg input { background: #FF4D6A; color: #fff; border-color: #FF3355; }
.starling-dialog .proc-part.boolean input { border-radius: 4px; clip-path: polygon(10px 0, calc(100% - 10px) 0, 100% 50%, calc(100% - 10px) 100%, 10px 100%, 0 50%); padding: 4px 16px; }
.starling-dialog .proc-part button.remove { min-height: 0; padding: 0 6px; border-radius: 50%; font-size: 13px; line-height: 20px; }
.starling-dialog .proc-add { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
.starling-dialog .proc-add button { min-height: 56px; font-size: 13px; border-radius: 8px; }
.starling-dialog .warp { display: flex; align-items: center; gap: 8px; }
`);
}
