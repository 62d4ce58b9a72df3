// The editor's standalone page (../../editor-dev.html): the editor with a made-up project, a
// language switch, undo/redo, and the edited target's project.json blocks shown live. The
// browser tests (playground/tests/editor.mjs) drive it through `window.starlingEditor`.
import catalog from './catalog.json';
import { createEditor } from './editor.js';

const $ = (id) => document.getElementById(id);

const project = {
  isStage: false,
  targetName: 'Sprite1',
  sprites: ['Sprite1', 'Dog'],
  costumes: ['costume1', 'costume2'],
  backdrops: ['backdrop1'],
  sounds: ['Meow'],
  spriteVariables: { Dog: ['speed'] },
};

const emptyStage = { isStage: true, name: 'Stage', variables: {}, lists: {}, broadcasts: {}, blocks: {}, comments: {} };
const emptySprite = { isStage: false, name: 'Sprite1', variables: {}, lists: {}, broadcasts: {}, blocks: {}, comments: {} };

const params = new URLSearchParams(location.search);
const output = $('output');
let changes = 0;

function show() {
  changes++;
  output.value = JSON.stringify(editor.saveTarget(), null, 2);
  output.dataset.changes = String(changes);
}

const editor = createEditor($('editor'), {
  catalog,
  lang: params.get('lang') || 'en',
  projectInfo: () => project,
  onChange: show,
  media: 'blockly-media/',
});
editor.loadTarget(emptySprite, emptyStage);
show();

const langSelect = $('lang');
langSelect.value = editor.lang;
langSelect.addEventListener('change', async () => {
  await editor.setLanguage(langSelect.value);
  show();
});
$('undo').addEventListener('click', () => editor.undo());
$('redo').addEventListener('click', () => editor.redo());

/** Loads target `i` of a whole project.json (with its stage) into the editor. */
function loadProject(json, i) {
  const stage = json.targets.find((t) => t.isStage) ?? emptyStage;
  const target = json.targets[i];
  project.isStage = !!target.isStage;
  project.targetName = target.name;
  project.sprites = json.targets.filter((t) => !t.isStage).map((t) => t.name);
  project.costumes = (target.costumes ?? []).map((c) => c.name);
  project.backdrops = (stage.costumes ?? []).map((c) => c.name);
  project.sounds = (target.sounds ?? []).map((s) => s.name);
  const warnings = editor.loadTarget(target, stage);
  show();
  return warnings;
}

window.starlingEditor = { editor, project, catalog, show, loadProject };
document.body.dataset.ready = 'true';
