// The playground page: header (title, language), the text pane (until the block editor lands in
// src/editor/), the stage with its buttons, the ask box and the program's notes.
import { initialLang, lang, onLangChange, pick, setLang, t } from './i18n.js';
import { loadEngine, Player } from './player.js';
import { TextPane } from './text-pane.js';
import { defaultProgram } from './default-project.js';

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

  const title = $('project-title');
  title.value = t('project.defaultTitle');
  let titleEdited = false;
  title.addEventListener('input', () => { titleEdited = true; });
  onLangChange(() => { if (!titleEdited) title.value = t('project.defaultTitle'); });

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

  const player = new Player(canvas, {
    editorDrag: true,
    t,
    onRunning: (on) => {
      flag.classList.toggle('active', on);
      setStatus(on ? 'status.running' : 'status.stopped');
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
    onWarning: (words) => addNote(words),
    onCostumeProblem: (need, kind) => addNote(() => t(`costume.${kind}`, {
      sprite: need.sprite, costume: need.name, file: need.file ?? '',
    })),
  });
  askForm.addEventListener('submit', (e) => {
    e.preventDefault();
    player.answer(askInput.value);
    canvas.focus({ preventScroll: true });
  });

  // The text pane: compile on Run (and on the green flag when the text changed).
  const pane = new TextPane($('program'), $('code-backdrop'), $('problems'), $('problem-list'), $('kept-old'));
  pane.setText(defaultProgram(lang()));
  let loadedText = null;
  const compile = async () => {
    const text = pane.text();
    const report = await player.loadText(text);
    pane.showDiagnostics(report.diagnostics, !report.loaded && player.loaded);
    if (report.loaded) loadedText = text;
    else setStatus('status.hasErrors');
    return report.loaded;
  };
  $('run').addEventListener('click', async () => {
    if (await compile()) await player.greenFlag();
  });
  flag.addEventListener('click', async () => {
    if (pane.text() !== loadedText && !(await compile())) return;
    await player.greenFlag();
  });
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

  await compile();
  player.start();
  setStatus('status.ready');
  // For tests and the benchmark page: the player and the pane.
  window.starling = { player, pane, compile, setLang };
  document.body.dataset.ready = 'true';
}

main();
