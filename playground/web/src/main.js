// The playground page: the header (title, files, undo/redo, language), the block editor (or the
// text view) on the left, the stage with its buttons top right and the sprite pane below it.
// The working project is a Scratch 3 project in JavaScript (project.js); the workbench
// (workbench.js) keeps the editor, the text view and the stage in step with it.
//
// Start-up order: the engine (wasm) and the stage first, so the stage shows fast; then the other
// parts mount (each with one call, below); then the project (the autosaved one, else the
// default) loads onto the stage; then Blockly loads in the background and shows the blocks.
import { initialLang, lang, onLangChange, pick, setLang, t } from './i18n.js';
import { loadEngine, Player } from './player.js';
import { Project } from './project.js';
import { Workbench } from './workbench.js';
import { mountSpritesPane } from './sprites-pane.js'; // sprites pane
import { mountFiles, restoreProject } from './files.js'; // files

const $ = (id) => document.getElementById(id);

async function main() {
  setLang(initialLang());
  const status = $('status');
  const setStatus = (key, vars) => {
    status.dataset.key = key;
    status.dataset.vars = JSON.stringify(vars ?? {});
    status.textContent = t(key, vars);
  };
  onLangChange(() => {
    if (status.dataset.key) setStatus(status.dataset.key, JSON.parse(status.dataset.vars || '{}'));
  });
  setStatus('status.loading');

  const langSelect = $('lang');
  langSelect.value = lang();
  langSelect.addEventListener('change', () => setLang(langSelect.value));

  if (typeof WebAssembly !== 'object') {
    setStatus('status.noWasm');
    return;
  }
  try {
    await loadEngine(new URL('starling_playground_bg.wasm', document.baseURI));
  } catch (e) {
    setStatus('status.startFailed', { reason: String(e?.message || e) });
    return;
  }

  // Notes from the running program (clone limit, runaway custom blocks, costume problems).
  const warnings = $('warnings');
  const warningList = $('warning-list');
  const notes = [];
  const renderNotes = () => {
    warningList.replaceChildren(...notes.map((n) => {
      const li = document.createElement('li');
      li.textContent = typeof n === 'function' ? n() : pick(n);
      return li;
    }));
    warnings.hidden = notes.length === 0;
  };
  const addNote = (note) => {
    notes.push(note);
    if (notes.length > 20) notes.shift();
    renderNotes();
  };
  onLangChange(renderNotes);
  $('warnings-dismiss').addEventListener('click', () => {
    notes.length = 0;
    renderNotes();
  });

  // The ask box.
  const askForm = $('ask');
  const askInput = $('ask-input');
  const askQuestion = $('ask-question');
  const canvas = $('stage');
  const flag = $('green-flag');

  let bench = null;
  const player = new Player(canvas, {
    editorDrag: true,
    t,
    onRunning: (on) => {
      flag.classList.toggle('active', on);
      if (!bench?.hasErrors) setStatus(on ? 'status.running' : 'status.stopped');
      bench?.runningChanged(on);
    },
    onAsk: (question, inBubble) => {
      if (question === null) {
        askForm.hidden = true;
        return;
      }
      askQuestion.textContent = inBubble ? '' : question;
      askInput.value = '';
      askForm.hidden = false;
      askInput.focus({ preventScroll: true });
    },
    onWarning: (words, block) => {
      addNote(words);
      // A runtime problem of a block: outline it in the editor, with the message beside it.
      if (block) bench?.editor?.highlightBlock(block, pick(words));
    },
    onCostumeProblem: (need, kind) => addNote(() => t(`costume.${kind}`, {
      sprite: need.sprite, costume: need.name, file: need.file ?? '',
    })),
  });
  askForm.addEventListener('submit', (e) => {
    e.preventDefault();
    player.answer(askInput.value);
    canvas.focus({ preventScroll: true });
  });

  // The workbench: the project, the editor, the text view, the stage's program.
  bench = new Workbench({ player, setStatus, Project });
  flag.addEventListener('click', () => bench.greenFlag());
  $('stop').addEventListener('click', () => player.stop());

  // Full screen: the stage alone, as large as the screen allows.
  const frame = $('stage-frame');
  const fullscreenButton = $('fullscreen');
  fullscreenButton.addEventListener('click', async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await frame.requestFullscreen();
    } catch { /* not allowed here: nothing to do */ }
  });
  const fullscreenLabel = () => {
    const key = document.fullscreenElement ? 'button.exitFullscreen' : 'button.fullscreen';
    fullscreenButton.dataset.i18nTitle = key;
    fullscreenButton.dataset.i18nAriaLabel = key;
    fullscreenButton.title = t(key);
    fullscreenButton.setAttribute('aria-label', t(key));
  };
  document.addEventListener('fullscreenchange', () => {
    fullscreenLabel();
    player.resize();
  });

  // What the other parts of the page get: `app.project` (the working Project), `app.player`,
  // `app.editor` (null until Blockly has loaded), `app.flush()` (the editor's work into
  // project.json), `app.reload()` (the project onto the stage), `app.openProject(p)` (replace
  // the working project), `app.onProject(f)` (called with each new working project), and
  // `app.restore`: set it (async () => Project | null) to give the project to start with.
  const app = bench.app;

  // ---- Mount blocks of the other parts (one call each) go here. ----

  // Sprites pane (sprites-pane.js): the sprite list and properties, the library pickers,
  // uploads, the costume and sound lists.
  const spritesPane = mountSpritesPane($('sprite-pane'), {
    getProject: () => app.project, player, reload: () => app.reload(), flush: () => app.flush(),
  });
  app.onProject?.((p) => spritesPane.setProject(p));
  app.spritesPane = spritesPane;

  // files: the file menu (new, open/save .sb3, recent projects), the title and the autosave
  // (files.js, autosave.js); the page starts with the autosaved project when there is one.
  const files = mountFiles($('file-menu'), {
    Project, getProject: () => app.project, openProject: (p) => app.openProject(p), flush: () => app.flush(), lang,
  });
  app.restore = () => restoreProject(Project, lang());
  app.onProject?.(() => files.projectChanged());
  app.files = files;

  // ---- End of the mount blocks. ----

  const restored = app.restore ? await app.restore().catch(() => null) : null;
  await bench.openProject(restored ?? Project.createDefault(lang()));
  player.start();
  setStatus('status.ready');
  // For tests and the benchmark page.
  window.starling = { player, pane: bench.pane, compile: () => bench.reload(), setLang, app, bench };
  document.body.dataset.ready = 'true';
  // Blockly after the stage: the stage is usable while the editor loads.
  bench.loadEditor();
}

main();
