// The editor's dialogs: asking for a name (new variable, list or message; renaming), notices,
// and "Make a Block". Plain HTML over the page, big enough for fingers, Enter to accept and
// Escape to cancel. Each returns a promise.

let open = null;

function element(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/**
 * Shows a dialog. `build(body, done)` fills the body and returns `{ok()}`: ok() returns the
 * result, or undefined to keep the dialog open (after showing why). Resolves null on cancel.
 */
function showDialog(t, { title, build, okText, cancel = true, name }) {
  if (open) open.cancel();
  return new Promise((resolve) => {
    const body = element('div', { class: 'body' });
    const heading = element('h2', { id: 'starling-dialog-title' }, title);
    const box = element('div', {
      class: 'starling-dialog', role: 'dialog', 'aria-modal': 'true',
      'aria-labelledby': 'starling-dialog-title', dataset: { dialog: name ?? '' },
    }, heading, body);
    const backdrop = element('div', { class: 'starling-dialog-backdrop' }, box);
    let finished = false;
    const finish = (result) => {
      if (finished) return;
      finished = true;
      backdrop.remove();
      document.removeEventListener('keydown', onKey, true);
      open = null;
      resolve(result);
    };
    const handlers = build(body, finish);
    const accept = () => {
      const result = handlers.ok();
      if (result !== undefined) finish(result);
    };
    const buttons = element('div', { class: 'buttons' });
    if (cancel) {
      buttons.append(element('button', { type: 'button', class: 'cancel', onclick: () => finish(null) }, t('dialog.cancel')));
    }
    buttons.append(element('button', { type: 'button', class: 'ok', onclick: accept }, okText ?? t('dialog.ok')));
    body.append(buttons);
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        finish(null);
      } else if (e.key === 'Enter' && !e.isComposing && e.target?.tagName !== 'BUTTON') {
        e.preventDefault();
        accept();
      }
    };
    document.addEventListener('keydown', onKey, true);
    backdrop.addEventListener('pointerdown', (e) => {
      if (e.target === backdrop && cancel) finish(null);
    });
    document.body.append(backdrop);
    open = { cancel: () => finish(null) };
    const first = box.querySelector('input[type=text]');
    (first ?? box.querySelector('button.ok'))?.focus();
    first?.select?.();
  });
}

/**
 * Asks for a name. `choices` (optional) is a list of `{value, label}` radio buttons, the first
 * chosen. `check(name, choice)` returns an error text or null. Resolves `{name, choice}` or null.
 */
export function askName(t, { title, label, value = '', choices = null, check = () => null, name }) {
  return showDialog(t, {
    title,
    name,
    build(body) {
      const input = element('input', { type: 'text', value, autocomplete: 'off', spellcheck: 'false', maxlength: '200' });
      input.value = value;
      body.append(element('label', { class: 'text' }, element('span', {}, label), input));
      let choice = choices?.[0]?.value ?? null;
      if (choices) {
        const row = element('div', { class: 'choices', role: 'radiogroup' });
        for (const [i, c] of choices.entries()) {
          const radio = element('input', { type: 'radio', name: 'starling-choice', value: c.value, checked: i === 0 });
          radio.addEventListener('change', () => { choice = c.value; });
          row.append(element('label', {}, radio, ' ', c.label));
        }
        body.append(row);
      }
      const error = element('p', { class: 'error', role: 'alert' });
      body.append(error);
      return {
        ok() {
          const text = input.value.trim();
          if (!text) {
            error.textContent = t('dialog.emptyName');
            return undefined;
          }
          const problem = check(text, choice);
          if (problem) {
            error.textContent = problem;
            return undefined;
          }
          return { name: text, choice };
        },
      };
    },
  });
}

/** A notice with an OK button. */
export function notice(t, message) {
  return showDialog(t, {
    title: t('dialog.notice'),
    cancel: false,
    name: 'notice',
    build(body) {
      body.append(element('p', { class: 'message' }, message));
      return { ok: () => true };
    },
  });
}

/** A yes/no question. Resolves true or false. */
export async function confirm(t, message) {
  const result = await showDialog(t, {
    title: t('dialog.confirm'),
    name: 'confirm',
    build(body) {
      body.append(element('p', { class: 'message' }, message));
      return { ok: () => true };
    },
  });
  return result === true;
}

/**
 * "Make a Block": edit a custom block's parts (labels, number/text inputs, boolean inputs) and
 * "run without screen refresh". `initial` is `{parts, warp}` where a part is `{type: 'label',
 * text}` or `{type: 'arg', kind: 's' | 'b', name, id}`. `check(parts)` returns an error text or
 * null. Resolves `{parts, warp}` or null.
 */
export function makeBlockDialog(t, { title, initial, check = () => null }) {
  return showDialog(t, {
    title,
    name: 'make-block',
    build(body) {
      const parts = initial.parts.length
        ? initial.parts.map((p) => ({ ...p }))
        : [{ type: 'label', text: '' }];
      const preview = element('div', { class: 'proc-preview', dataset: { role: 'preview' } });
      const render = (focusIndex = -1) => {
        preview.replaceChildren();
        parts.forEach((part, i) => {
          const placeholder = part.type === 'label'
            ? (i === 0 ? t('dialog.blockName') : t('dialog.labelText'))
            : '';
          const input = element('input', {
            type: 'text', placeholder, spellcheck: 'false', autocomplete: 'off',
            'aria-label': part.type === 'label' ? t('dialog.labelText') : part.kind === 'b' ? t('dialog.booleanName') : t('dialog.inputName'),
            dataset: { part: String(i), kind: part.type === 'label' ? 'label' : part.kind },
          });
          input.value = part.type === 'label' ? part.text : part.name;
          input.addEventListener('input', () => {
            if (part.type === 'label') part.text = input.value;
            else part.name = input.value;
          });
          const remove = parts.length > 1
            ? element('button', {
              type: 'button', class: 'remove', title: t('dialog.remove'), 'aria-label': t('dialog.remove'),
              dataset: { remove: String(i) },
              onclick: () => {
                parts.splice(i, 1);
                render();
              },
            }, '×')
            : null;
          const cls = part.type === 'label' ? 'proc-part label' : `proc-part arg ${part.kind === 'b' ? 'boolean' : 'text'}`;
          preview.append(element('span', { class: cls }, input, remove));
          if (i === focusIndex) {
            setTimeout(() => {
              input.focus();
              input.select();
            }, 0);
          }
        });
      };
      const add = (part) => {
        parts.push(part);
        render(parts.length - 1);
      };
      const addRow = element('div', { class: 'proc-add' },
        element('button', { type: 'button', dataset: { action: 'add-input' }, onclick: () => add({ type: 'arg', kind: 's', name: uniqueName(parts, t('dialog.inputName')) }) }, t('dialog.addInput')),
        element('button', { type: 'button', dataset: { action: 'add-boolean' }, onclick: () => add({ type: 'arg', kind: 'b', name: uniqueName(parts, t('dialog.booleanName')) }) }, t('dialog.addBoolean')),
        element('button', { type: 'button', dataset: { action: 'add-label' }, onclick: () => add({ type: 'label', text: t('dialog.labelText') }) }, t('dialog.addLabel')),
      );
      for (const b of addRow.querySelectorAll('button')) b.style.whiteSpace = 'pre-line';
      const warp = element('input', { type: 'checkbox', checked: !!initial.warp, dataset: { role: 'warp' } });
      const warpRow = element('label', { class: 'warp' }, warp, t('dialog.runWithoutRefresh'));
      const error = element('p', { class: 'error', role: 'alert' });
      body.append(preview, addRow, warpRow, error);
      render(0);
      return {
        ok() {
          const cleaned = parts
            .map((p) => (p.type === 'label' ? { ...p, text: p.text.trim() } : { ...p, name: p.name.trim() }))
            .filter((p) => p.type === 'arg' || p.text);
          for (const p of cleaned) if (p.type === 'arg' && !p.name) p.name = p.kind === 'b' ? t('dialog.booleanName') : t('dialog.inputName');
          if (!cleaned.some((p) => p.type === 'label') && !cleaned.length) {
            error.textContent = t('dialog.blockEmpty');
            return undefined;
          }
          const names = cleaned.filter((p) => p.type === 'arg').map((p) => p.name);
          const twice = names.find((n, i) => names.indexOf(n) !== i);
          if (twice) {
            error.textContent = t('dialog.argumentTwice', { name: twice });
            return undefined;
          }
          const problem = check(cleaned);
          if (problem) {
            error.textContent = problem;
            return undefined;
          }
          return { parts: cleaned, warp: warp.checked };
        },
      };
    },
  });
}

function uniqueName(parts, base) {
  const names = new Set(parts.filter((p) => p.type === 'arg').map((p) => p.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`;
}

/** Closes any open dialog (cancelling it). */
export function closeDialogs() {
  open?.cancel();
}
