// Which editor a block belongs to. Blockly's block definitions are global to the page, so a
// block's code finds its editor (language, project info, broadcasts, dialogs) through its
// workspace; blocks in a flyout go through the flyout's target workspace.

const editors = new WeakMap();
let lastEditor = null;

/** Registers `ctx` as the editor of workspace `ws`. */
export function attachContext(ws, ctx) {
  editors.set(ws, ctx);
  lastEditor = ctx;
}

/** The editor context of a block or workspace (the last editor made, as a fallback). */
export function contextOf(blockOrWs) {
  let ws = blockOrWs?.workspace ?? blockOrWs;
  for (let i = 0; ws && i < 4; i++) {
    const ctx = editors.get(ws);
    if (ctx) return ctx;
    ws = ws.targetWorkspace || ws.options?.parentWorkspace || null;
  }
  return lastEditor;
}
