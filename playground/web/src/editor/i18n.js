// The editor's own words (buttons, dialogs, menus), one file per language that a translator can
// edit: i18n/en.json and i18n/zh-CN.json (a test checks both have the same keys). Block text
// comes from the catalog, not from here.
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';

export const STRINGS = { en, 'zh-CN': zhCN };

/** The text for `key` in `lang`, with `{name}` filled from `vars`. */
export function translate(lang, key, vars = {}) {
  const table = STRINGS[lang] || en;
  const text = table[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}
