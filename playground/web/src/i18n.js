// Every string a person sees comes from one file per language: ../i18n/en.json and
// ../i18n/zh-CN.json (a test checks both have the same keys). Messages from the compiler and the
// runtime arrive in both languages already ({en, zh}); `pick` chooses one.
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';

export const LANGS = { en, 'zh-CN': zhCN };
const STORAGE_KEY = 'starling.lang';

let current = 'en';
const listeners = new Set();

/** The language to start in: remembered, else the browser's (Chinese → 简体中文), else English. */
export function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && LANGS[saved]) return saved;
  } catch { /* storage may be off */ }
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  return wanted.some((l) => /^zh\b/i.test(l)) ? 'zh-CN' : 'en';
}

export function lang() {
  return current;
}

/** The text for `key` in the current language, with `{name}` filled from `vars`. */
export function t(key, vars = {}) {
  const table = LANGS[current] || en;
  const text = table[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A message from Rust ({en, zh}) in the current language. */
export function pick(words) {
  if (!words) return '';
  return current === 'zh-CN' ? words.zh || words.en : words.en || words.zh;
}

/** Switches the language, remembers it, and retranslates the page. */
export function setLang(next, root = document) {
  current = LANGS[next] ? next : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch { /* storage may be off */ }
  translate(root);
  for (const f of listeners) f(current);
}

export function onLangChange(f) {
  listeners.add(f);
}

/** Fills the elements marked with data-i18n (text), data-i18n-title, -placeholder, -aria-label. */
export function translate(root = document) {
  document.documentElement.lang = current;
  document.title = t('app.documentTitle');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}
