// The player page (player.html) for embeds and shared links: the stage, the green flag and the
// stop sign, and one project: player.html?project=URL of an .sb3 (fetched from the same site),
// or the default bird. Only .sb3 projects: this build has no text compiler, to stay small.
import { initialLang, pick, setLang, t } from './i18n.js';
import { loadEngine, Player } from './player.js';

const $ = (id) => document.getElementById(id);

async function main() {
  setLang(initialLang());
  const status = $('status');
  try {
    await loadEngine(new URL('starling_player_bg.wasm', document.baseURI));
  } catch (e) {
    status.textContent = t('status.startFailed', { reason: String(e?.message || e) });
    return;
  }
  const askForm = $('ask');
  const askInput = $('ask-input');
  const player = new Player($('stage'), {
    editorDrag: false,
    t,
    onRunning: (on) => {
      $('green-flag').classList.toggle('active', on);
      status.textContent = t(on ? 'status.running' : 'status.stopped');
    },
    onAsk: (question, inBubble) => {
      askForm.hidden = question === null;
      if (question === null) return;
      $('ask-question').textContent = inBubble ? '' : question;
      askInput.value = '';
      askInput.focus({ preventScroll: true });
    },
  });
  askForm.addEventListener('submit', (e) => {
    e.preventDefault();
    player.answer(askInput.value);
  });
  $('green-flag').addEventListener('click', () => player.greenFlag());
  $('stop').addEventListener('click', () => player.stop());

  const url = new URLSearchParams(location.search).get('project');
  let report = null;
  try {
    if (url && new URL(url, location.href).origin === location.origin) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      report = await player.loadSb3(new Uint8Array(await response.arrayBuffer()));
    }
  } catch (e) {
    status.textContent = t('file.openFailed', { reason: String(e?.message || e) });
  }
  if (report && !report.loaded) {
    const problem = report.diagnostics.find((d) => d.severity === 'error');
    status.textContent = t('file.openFailed', { reason: pick(problem?.message) });
  }
  if (!report?.loaded) {
    // A project.json with one sprite and no costumes: the default bird.
    const empty = '{"targets":[{"isStage":true,"name":"Stage","costumes":[]},{"isStage":false,"name":"Starling","costumes":[],"x":0,"y":0,"size":100,"direction":90,"visible":true}],"meta":{"semver":"3.0.0"}}';
    await player.loadSb3(new TextEncoder().encode(empty));
  } else {
    status.textContent = t('status.ready');
  }
  player.start();
  window.starling = { player };
  document.body.dataset.ready = 'true';
}

main();
