// The program as scratchblocks text in a <textarea>, with the compiler's mistakes listed below
// it in the page's language and their lines marked behind the text (a mirror <pre> under a
// transparent textarea). Clicking a mistake selects its place in the text.
import { onLangChange, pick, t } from './i18n.js';

function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

export class TextPane {
  constructor(textarea, backdrop, box, list, keptOld) {
    this.textarea = textarea;
    this.backdrop = backdrop;
    this.box = box;
    this.list = list;
    this.keptOld = keptOld;
    this.diagnostics = [];
    textarea.addEventListener('input', () => this.renderBackdrop());
    textarea.addEventListener('scroll', () => {
      backdrop.scrollTop = textarea.scrollTop;
      backdrop.scrollLeft = textarea.scrollLeft;
    });
    textarea.addEventListener('keydown', (e) => {
      // Tab indents (two spaces) instead of leaving the editor.
      if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
        this.renderBackdrop();
      }
    });
    onLangChange(() => this.renderList());
  }

  text() {
    return this.textarea.value;
  }

  setText(text) {
    this.textarea.value = text;
    this.diagnostics = [];
    this.renderList();
    this.renderBackdrop();
  }

  /** Shows the compiler's diagnostics; `keptOld`: the stage still runs the previous program. */
  showDiagnostics(diagnostics, keptOld = false) {
    this.diagnostics = diagnostics;
    this.keptOld.hidden = !keptOld;
    this.renderList();
    this.renderBackdrop();
  }

  renderList() {
    const items = this.diagnostics.map((d) => {
      const li = document.createElement('li');
      li.className = d.severity;
      const kind = document.createElement('strong');
      kind.className = 'kind';
      kind.textContent = `${t(d.severity === 'error' ? 'problems.error' : 'problems.warning')}: `;
      li.append(kind);
      if (d.place) {
        const where = document.createElement('span');
        where.className = 'where';
        where.textContent = t('problems.where', { line: d.place.line, column: d.place.column });
        li.append(where);
      }
      li.append(document.createTextNode(pick(d.message)));
      if (d.hint) {
        const hint = document.createElement('span');
        hint.className = 'hint';
        hint.textContent = t('problems.hint', { hint: pick(d.hint) });
        li.append(hint);
      }
      li.addEventListener('click', () => this.select(d));
      return li;
    });
    this.list.replaceChildren(...items);
    this.box.hidden = items.length === 0;
  }

  /** Selects the diagnostic's place in the text and scrolls to it. */
  select(d) {
    if (!d.place) return;
    const ta = this.textarea;
    ta.focus();
    ta.setSelectionRange(d.place.start, Math.max(d.place.end, d.place.start + 1));
    const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 21;
    ta.scrollTop = Math.max(0, (d.place.line - 3) * lineHeight);
  }

  /** The text again behind the textarea, with the lines that have a mistake marked. */
  renderBackdrop() {
    const lines = this.textarea.value.split('\n');
    const marked = new Map();
    for (const d of this.diagnostics) {
      if (!d.place) continue;
      for (let l = d.place.line; l <= Math.max(d.place.line, d.place.end_line); l++) {
        if (marked.get(l) !== 'error') marked.set(l, d.severity);
      }
    }
    this.backdrop.innerHTML = `${lines.map((line, i) => {
      const severity = marked.get(i + 1);
      const html = escapeHtml(line) || ' ';
      return severity ? `<mark class="${severity}">${html}</mark>` : html;
    }).join('\n')}\n`;
  }
}
