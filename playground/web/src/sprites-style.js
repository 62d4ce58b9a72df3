// The sprite pane's and the pickers' look (kept beside their code so style.css, which the
// workbench owns, needs no edits). Added to the page once, by `addSpriteStyles()`.
const CSS = `
.sp-pane { display: flex; flex-direction: column; gap: 6px; background: var(--ui-white, #fff);
  border: 1px solid var(--border, rgba(0,0,0,.15)); border-radius: 8px; padding: 6px; min-height: 0;
  font-size: 0.85rem; color: var(--text, #575e75); overflow: auto; }
.sp-pane > * { flex-shrink: 0; }
.sp-props { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
.sp-props label { display: inline-flex; align-items: center; gap: 4px; }
.sp-props input[type=text] { width: 8rem; }
.sp-props input[type=number] { width: 4.2rem; }
.sp-props input, .sp-props select, .sp-asset input { font: inherit; padding: 2px 4px;
  border: 1px solid var(--border, rgba(0,0,0,.15)); border-radius: 4px; }
.sp-props .sp-stage-label { font-weight: 700; }
.sp-toggle { display: inline-flex; border: 1px solid var(--border, rgba(0,0,0,.15)); border-radius: 4px; overflow: hidden; }
.sp-toggle button { border: none; background: #fff; padding: 2px 8px; }
.sp-toggle button[aria-pressed=true] { background: var(--blue, #4c97ff); color: #fff; }
.sp-body { display: flex; gap: 6px; min-height: 0; }
.sp-sprites { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 4px; }
.sp-list { display: flex; flex-wrap: wrap; gap: 6px; align-content: flex-start; min-height: 84px;
  max-height: 160px; overflow: auto; padding: 4px; background: #f4f7fc; border-radius: 6px; }
.sp-tile { position: relative; width: 76px; display: flex; flex-direction: column; align-items: center;
  gap: 2px; padding: 4px; background: #fff; border: 2px solid var(--border, rgba(0,0,0,.15));
  border-radius: 8px; cursor: pointer; }
.sp-tile[aria-selected=true] { border-color: var(--blue, #4c97ff); background: #e9f1fc; }
.sp-tile img, .sp-stage-tile img, .sp-asset img { width: 56px; height: 44px; object-fit: contain; }
.sp-tile .sp-name { max-width: 68px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sp-tile-tools { display: flex; gap: 2px; }
.sp-mini { border: 1px solid var(--border, rgba(0,0,0,.15)); background: #fff; border-radius: 4px;
  padding: 1px 3px; font-size: 0.8rem; line-height: 1; display: inline-flex; align-items: center; }
.sp-mini svg { width: 14px; height: 14px; }
.sp-sound-icon svg { width: 40px; height: 40px; }
.sp-mini:hover { background: #e9f1fc; }
.sp-mini.sp-danger:hover { background: #ffe3e0; }
.sp-stage { width: 96px; display: flex; flex-direction: column; gap: 4px; align-items: stretch; }
.sp-stage-tile { display: flex; flex-direction: column; align-items: center; padding: 4px;
  border: 2px solid var(--border, rgba(0,0,0,.15)); border-radius: 8px; background: #fff; cursor: pointer; }
.sp-stage-tile[aria-selected=true] { border-color: var(--blue, #4c97ff); background: #e9f1fc; }
.sp-stage-tile img { width: 80px; height: 60px; border: 1px solid #ddd; }
.sp-buttons { display: flex; flex-wrap: wrap; gap: 4px; }
.sp-button { border: 1px solid var(--blue, #4c97ff); color: var(--blue-dark, #3373cc); background: #fff;
  border-radius: 14px; padding: 2px 10px; }
.sp-button:hover { background: #e9f1fc; }
.sp-tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--border, rgba(0,0,0,.15)); }
.sp-tabs button { border: 1px solid var(--border, rgba(0,0,0,.15)); border-bottom: none; background: #f4f7fc;
  border-radius: 6px 6px 0 0; padding: 2px 12px; }
.sp-tabs button[aria-selected=true] { background: #fff; font-weight: 700; color: var(--blue-dark, #3373cc); }
.sp-assets-list { display: flex; gap: 6px; overflow-x: auto; padding: 4px 0; }
.sp-asset { flex-shrink: 0; }
.sp-asset { display: flex; flex-direction: column; align-items: center; gap: 2px; width: 104px; padding: 4px;
  border: 2px solid var(--border, rgba(0,0,0,.15)); border-radius: 8px; background: #fff; cursor: pointer; }
.sp-asset[aria-selected=true] { border-color: var(--blue, #4c97ff); background: #e9f1fc; }
.sp-asset input { width: 94px; font-size: 0.8rem; }
.sp-asset .sp-index { align-self: flex-start; font-size: 0.75rem; opacity: .7; height: 0; }
.sp-asset .sp-sound-icon { height: 44px; display: flex; align-items: center; }
.sp-message { margin: 0; padding: 4px 8px; border-radius: 4px; background: #e9f1fc; display: flex;
  gap: 8px; align-items: center; position: sticky; top: 0; z-index: 2; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.sp-message span { flex: 1; }
.sp-message[hidden] { display: none; }
.sp-message.sp-error { background: #ffe3e0; color: #a3261f; }
.sp-modal { position: fixed; inset: 0; background: rgba(76,151,255,.55); display: flex;
  align-items: center; justify-content: center; z-index: 1000; }
.sp-modal-box { background: #fff; border-radius: 10px; width: min(92vw, 900px); height: min(88vh, 640px);
  display: flex; flex-direction: column; overflow: hidden; box-shadow: 0 4px 24px rgba(0,0,0,.25); }
.sp-modal-head { display: flex; gap: 8px; align-items: center; padding: 8px 12px; background: var(--blue, #4c97ff); color: #fff; }
.sp-modal-title { margin: 0; font-size: 1.1rem; flex: 1; }
.sp-search { font: inherit; padding: 4px 8px; border-radius: 14px; border: none; width: min(40vw, 14rem); }
.sp-close { border: none; background: rgba(255,255,255,.25); color: #fff; border-radius: 50%; width: 2rem; height: 2rem; }
.sp-tags { display: flex; flex-wrap: wrap; gap: 4px; padding: 8px 12px; border-bottom: 1px solid #eee; }
.sp-tag { border: 1px solid var(--blue, #4c97ff); background: #fff; color: var(--blue-dark, #3373cc);
  border-radius: 14px; padding: 2px 10px; }
.sp-tag[aria-pressed=true] { background: var(--blue, #4c97ff); color: #fff; }
.sp-grid { flex: 1; overflow: auto; display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr));
  gap: 8px; padding: 12px; align-content: start; }
.sp-item { display: flex; flex-direction: column; align-items: center; gap: 4px; padding: 6px;
  border: 2px solid #e3e8f0; border-radius: 8px; background: #fff; }
.sp-item:hover, .sp-item:focus { border-color: var(--blue, #4c97ff); }
.sp-item img { width: 96px; height: 72px; object-fit: contain; }
.sp-modal[data-library=backdrop] .sp-grid { grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.sp-modal[data-library=backdrop] .sp-item img { width: 136px; height: 102px; }
.sp-modal[data-library=sound] .sp-item { position: relative; }
.sp-modal[data-library=sound] .sp-preview { position: absolute; top: 4px; right: 4px; padding: 4px; }
.sp-modal[data-library=sound] .sp-preview svg { width: 16px; height: 16px; color: var(--blue, #4c97ff); }
.sp-loading, .sp-none { padding: 12px; margin: 0; }
.sp-error { color: #a3261f; }
`;

let added = false;

export function addSpriteStyles() {
  if (added) return;
  added = true;
  const style = document.createElement('style');
  style.dataset.owner = 'sprites-pane';
  style.textContent = CSS;
  document.head.append(style);
}

const svg = (body) => `<svg viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
/** Small icons drawn here (emoji are missing from many school PCs' fonts). */
export const ICONS = {
  duplicate: svg('<rect x="5" y="5" width="9" height="9" rx="1.5"/><path d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5"/>'),
  delete: svg('<path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.5 6.5v5M9.5 6.5v5"/>'),
  play: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.5v11l9.5-5.5z" fill="currentColor"/></svg>',
  sound: '<svg viewBox="0 0 40 40" aria-hidden="true"><path d="M8 15h6l8-7v24l-8-7H8z" fill="#cf63cf"/><path d="M26 14c3 3 3 9 0 12M30 10c5 5 5 15 0 20" fill="none" stroke="#cf63cf" stroke-width="2.5" stroke-linecap="round"/></svg>',
};
