// The workbench: the working project (project.js), the block editor, the text view and the
// stage's program kept in step.
//
//   editor change ─(300 ms)─► saveTarget()/saveGlobals() into project.json ─► markChanged('blocks')
//        └─► the stage: load_project_json (at once when stopped; at the next green flag when a
//            program runs, so a running program is not restarted on every edit)
//   text edit ─(500 ms)─► text_to_target (Rust) ─► project.json ─► the blocks (when no mistakes)
//   project 'select' ─► the editor's work into the old target, the new target into the editor
//   project 'change' from other parts (sprites, costumes) ─► the stage, the editor's menus
//
// Compile problems show their friendly message (en/zh) below the editor, and the block that has
// one is highlighted with the message beside it.
import { lang, onLangChange, t } from './i18n.js';
import { Playground } from './player.js';
import { TextPane } from './text-pane.js';

const $ = (id) => document.getElementById(id);
const EDIT_DELAY = 300;
const TEXT_DELAY = 500;

export class Workbench {
  constructor({ player, setStatus, Project }) {
    this.player = player;
    this.setStatus = setStatus;
    this.Project = Project;
    this.project = null;
    this.editor = null;
    this.editorTarget = null; // the project.json target object the editor shows
    this.editorStale = false; // the editor must reload its target when shown
    this.view = 'blocks';
    this.loadedJson = null; // the project.json text the stage runs
    this.loadedState = new Map(); // sprite id → state when loaded (to keep what the program moved)
    this.hasErrors = false;
    this.editTimer = 0;
    this.textTimer = 0;
    this.textDirty = false;
    this.textKeptOld = false;
    this.listeners = new Set();
    this.projectListeners = [];
    this.loading = Promise.resolve();

    this.pane = new TextPane($('program'), $('code-backdrop'), $('problems'), $('problem-list'), $('kept-old'));
    $('program').addEventListener('input', () => {
      this.textDirty = true;
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => this.applyText(), TEXT_DELAY);
    });
    $('run').addEventListener('click', () => this.greenFlag());
    $('view-blocks').addEventListener('click', () => this.showView('blocks'));
    $('view-text').addEventListener('click', () => this.showView('text'));
    $('undo').addEventListener('click', () => this.editor?.undo());
    $('redo').addEventListener('click', () => this.editor?.redo());
    onLangChange((l) => this.languageChanged(l));
    // A sprite dragged on the stage stays where it was dropped.
    $('stage').addEventListener('pointerup', () => setTimeout(() => this.keepMoved(), 50));

    const bench = this;
    this.app = {
      get project() { return bench.project; },
      get player() { return bench.player; },
      get editor() { return bench.editor; },
      Project,
      restore: null,
      flush: () => bench.flush(),
      reload: () => bench.reload({ force: true }),
      openProject: (p) => bench.openProject(p),
      onProject: (f) => bench.listeners.add(f),
      lang,
    };
  }

  // ------------------------------------------------------------------ the project

  /** Makes `project` the working one: the stage runs it and the editor shows its target. */
  async openProject(project) {
    const old = this.project;
    if (old) for (const [type, f] of this.projectListeners) old.removeEventListener(type, f);
    this.flushTimers();
    this.player.stop();
    this.project = project;
    this.loadedJson = null;
    this.loadedState.clear();
    const onChange = (e) => this.projectChanged(e.detail?.reason);
    const onSelect = () => this.targetSelected();
    this.projectListeners = [['change', onChange], ['select', onSelect]];
    project.addEventListener('change', onChange);
    project.addEventListener('select', onSelect);
    this.showTargetName();
    if (this.editor) this.loadEditorTarget();
    else this.editorTarget = project.target();
    if (this.view === 'text') this.refreshText();
    for (const f of this.listeners) {
      try { f(project); } catch (e) { console.warn(e); }
    }
    await this.reload({ force: true });
    return true;
  }

  /** The editor's work into project.json (the target it shows, and the stage's globals). */
  flush() {
    // A stale editor (the text view changed its target since) has nothing newer to give.
    if (!this.editor || !this.project || !this.editorTarget || this.editorStale) return;
    const targets = this.project.json.targets;
    if (!targets.includes(this.editorTarget)) return; // deleted meanwhile
    const part = this.editor.saveTarget();
    const target = this.editorTarget;
    target.blocks = part.blocks;
    target.comments = part.comments;
    target.variables = part.variables;
    target.lists = part.lists;
    const globals = this.editor.saveGlobals();
    const stage = targets.find((x) => x.isStage);
    if (stage) {
      stage.variables = globals.variables;
      stage.lists = globals.lists;
      stage.broadcasts = globals.broadcasts;
    }
    if (!target.isStage) target.broadcasts = {};
  }

  flushTimers() {
    if (this.editTimer) {
      clearTimeout(this.editTimer);
      this.editTimer = 0;
      this.flush();
    }
    if (this.textTimer) {
      clearTimeout(this.textTimer);
      this.textTimer = 0;
    }
  }

  /** Another part changed the project (a sprite, a costume, the title…). */
  projectChanged(reason) {
    if (reason === 'blocks' || reason === 'title' || reason === 'state') return;
    this.showTargetName();
    this.editor?.refreshToolbox();
    if (reason !== 'reload') this.scheduleReload();
  }

  /** The sprite pane selected another target. */
  targetSelected() {
    this.flushTimers();
    if (this.view === 'text' && this.textDirty) this.applyText();
    this.flush();
    this.showTargetName();
    if (this.editor) {
      if (this.view === 'blocks') this.loadEditorTarget();
      else {
        this.editorTarget = this.project.target();
        this.editorStale = true;
      }
    } else this.editorTarget = this.project.target();
    if (this.view === 'text') this.refreshText();
  }

  showTargetName() {
    const target = this.project?.target();
    const el = $('view-target');
    if (!target) return;
    const name = target.isStage ? t('wb.stage') : target.name;
    el.textContent = t('wb.editing', { name });
  }

  // ------------------------------------------------------------------ the stage

  scheduleReload() {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reload(), EDIT_DELAY);
  }

  /**
   * Compiles the project for the stage. When a program is running, the stage keeps it (the
   * next green flag loads the new blocks) and only the problems are shown; `force` loads anyway.
   */
  reload({ force = false } = {}) {
    this.loading = this.loading.then(() => this.reloadNow(force)).catch((e) => {
      console.warn('reload failed', e);
      return false;
    });
    return this.loading;
  }

  async reloadNow(force) {
    const project = this.project;
    if (!project) return false;
    const json = project.serialize();
    if (!force && json === this.loadedJson) return !this.hasErrors;
    if (!force && this.player.running) {
      const diagnostics = JSON.parse(Playground.check_project_json(json));
      this.showProblems(diagnostics, true);
      return !this.hasErrors;
    }
    const player = this.player;
    player.beforeLoad();
    const report = JSON.parse(player.pg.load_project_json(json));
    if (report.loaded) {
      this.loadedJson = json;
      await player.afterLoad((name) => project.files.get(name) ?? null);
      this.rememberState();
    }
    this.showProblems(report.diagnostics, !report.loaded && player.loaded);
    return report.loaded;
  }

  /** The sprites' places when the program was loaded. */
  rememberState() {
    this.loadedState.clear();
    const order = this.spriteOrder();
    for (let id = 1; id <= order.length; id++) {
      const info = this.player.pg.sprite_info(id);
      if (info.length) this.loadedState.set(id, Array.from(info));
    }
  }

  /** project.json targets of the sprites in the engine's order (by layer). */
  spriteOrder() {
    const targets = this.project.json.targets;
    return targets
      .map((target, i) => ({ target, i }))
      .filter(({ target }) => !target.isStage)
      .sort((a, b) => (a.target.layerOrder ?? a.i) - (b.target.layerOrder ?? b.i))
      .map(({ target }) => target);
  }

  /**
   * As Scratch, a sprite stays where the program (or a drag) left it: before a reload, what
   * changed on the stage since the last load goes into project.json.
   */
  keepMoved() {
    if (!this.project || !this.loadedJson || !this.player.loaded) return;
    const wasLoaded = this.project.serialize() === this.loadedJson;
    let changed = false;
    this.spriteOrder().forEach((target, k) => {
      const id = k + 1;
      const before = this.loadedState.get(id);
      const now = Array.from(this.player.pg.sprite_info(id));
      if (!before || !now.length) return;
      if (before.every((v, j) => v === now[j])) return;
      const [x, y, direction, size, visible, costume] = now;
      Object.assign(target, { x, y, direction, size, visible: visible === 1, currentCostume: costume });
      this.loadedState.set(id, now);
      changed = true;
    });
    if (!changed) return;
    // The stage already shows this: no reload for it.
    if (wasLoaded) this.loadedJson = this.project.serialize();
    this.project.markChanged('state');
  }

  async greenFlag() {
    if (this.view === 'text' && this.textDirty) this.applyText();
    this.flushTimers();
    this.keepMoved();
    const ok = await this.reload({ force: this.project.serialize() !== this.loadedJson });
    if (!ok && !this.player.loaded) return;
    await this.player.greenFlag();
  }

  runningChanged() {
    if (this.player.running || !this.project) return;
    // Where the program left the sprites stays in the project; the stage takes the edits made
    // while it ran.
    this.keepMoved();
    if (this.project.serialize() !== this.loadedJson) this.scheduleReload();
  }

  // ------------------------------------------------------------------ problems

  /** Shows compile problems (a friendly message; the block highlighted when it has an id). */
  showProblems(diagnostics, keptOld) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    this.hasErrors = errors.length > 0;
    if (this.view === 'blocks' || !this.textOwnsProblems) this.pane.showDiagnostics(diagnostics, keptOld && this.hasErrors);
    if (this.hasErrors) this.setStatus('wb.hasErrors');
    else this.setStatus(this.player.running ? 'status.running' : 'status.ready');
    if (!this.editor) return;
    this.editor.clearHighlight?.();
    const withBlock = [...errors, ...diagnostics.filter((d) => d.severity !== 'error')].find((d) => d.block);
    if (withBlock) this.editor.highlightBlock(withBlock.block, withBlock.message);
  }

  // ------------------------------------------------------------------ the editor

  async loadEditor() {
    const loading = $('editor-loading');
    try {
      const [{ createEditor }] = await Promise.all([import('./editor/editor.js')]);
      const catalog = JSON.parse(Playground.catalog_json());
      this.editor = createEditor($('blocks'), {
        catalog,
        lang: lang(),
        projectInfo: () => this.project?.info() ?? {},
        onChange: () => this.blocksChanged(),
        media: 'blockly-media/',
      });
      loading.hidden = true;
      this.loadEditorTarget();
      $('undo').disabled = false;
      $('redo').disabled = false;
      document.body.dataset.editorReady = 'true';
      this.startGlow();
    } catch (e) {
      console.warn('the block editor could not start', e);
      loading.textContent = t('wb.editorFailed', { reason: String(e?.message || e) });
      loading.dataset.failed = 'true';
    }
  }

  /** Running scripts glow, as in Scratch: a few times a second, the stage's running scripts. */
  startGlow() {
    let last = '';
    setInterval(() => {
      if (!this.editor || document.hidden) return;
      let ids = '[]';
      try {
        if (this.player.loaded && this.player.running) ids = this.player.pg.running_block_ids();
      } catch { /* no program: nothing glows */ }
      if (ids === last) return;
      last = ids;
      this.editor.glow(JSON.parse(ids));
    }, 150);
  }

  loadEditorTarget() {
    if (!this.editor || !this.project) return;
    const target = this.project.target();
    const stage = this.project.stage();
    if (!target) return;
    this.editorTarget = target;
    this.editorStale = false;
    this.editor.loadTarget(target, stage);
  }

  blocksChanged() {
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      this.editTimer = 0;
      this.flush();
      this.project.markChanged('blocks');
      this.reload();
    }, EDIT_DELAY);
  }

  // ------------------------------------------------------------------ the text view

  showView(view) {
    if (view === this.view) return;
    if (view === 'text') {
      this.flushTimers();
      this.flush();
      this.view = 'text';
      this.refreshText();
    } else {
      if (this.textDirty) this.applyText();
      this.view = 'blocks';
      this.textOwnsProblems = false;
      if (this.textKeptOld) this.pane.showDiagnostics([], false);
      if (this.editorStale) this.loadEditorTarget();
    }
    $('blocks-view').hidden = view !== 'blocks';
    $('text-view').hidden = view !== 'text';
    $('view-blocks').setAttribute('aria-selected', String(view === 'blocks'));
    $('view-text').setAttribute('aria-selected', String(view === 'text'));
    if (view === 'blocks') {
      this.editor?.resize();
      if (this.textKeptOld) {
        this.textKeptOld = false;
        this.setStatus('wb.textKept');
      }
    }
  }

  /** The text view shows the selected target's scripts, in the page's language. */
  refreshText() {
    const project = this.project;
    const text = Playground.target_to_text(project.serialize(), project.currentTarget, lang());
    this.textTarget = project.target();
    this.pane.setText(text);
    this.textDirty = false;
    this.textKeptOld = false;
    this.textOwnsProblems = true;
  }

  /** The text into the target's blocks, when it has no mistakes. */
  applyText() {
    clearTimeout(this.textTimer);
    this.textTimer = 0;
    const project = this.project;
    if (!project) return false;
    // The target the text shows (the selection may have moved on already).
    const shown = project.json.targets.indexOf(this.textTarget);
    const index = shown >= 0 ? shown : project.currentTarget;
    const result = JSON.parse(Playground.text_to_target(project.serialize(), index, this.pane.text(), lang()));
    this.textDirty = false;
    this.textOwnsProblems = true;
    this.pane.showDiagnostics(result.diagnostics, !result.ok && this.player.loaded);
    if (!result.ok) {
      this.textKeptOld = true;
      this.hasErrors = true;
      this.setStatus('wb.hasErrors');
      return false;
    }
    this.textKeptOld = false;
    const next = JSON.parse(result.project_json);
    const targets = project.json.targets;
    // Keep the target objects (other parts hold them): the edited one and the stage changed.
    next.targets.forEach((t2, i) => {
      if (targets[i] && (i === index || t2.isStage)) {
        for (const key of Object.keys(targets[i])) if (!(key in t2)) delete targets[i][key];
        Object.assign(targets[i], t2);
      }
    });
    if (this.editorTarget === targets[index]) this.editorStale = true;
    project.markChanged('blocks');
    this.reload();
    return true;
  }

  async languageChanged(next) {
    this.showTargetName();
    if (this.view === 'text' && this.project) {
      // The text follows the language, unless it has a mistake (it keeps what was typed).
      const ok = !this.textDirty || this.applyText();
      if (ok && !this.textKeptOld) this.refreshText();
    }
    if (this.editor) await this.editor.setLanguage(next);
  }
}
