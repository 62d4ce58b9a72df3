// Catalog templates as Blockly messages.

/**
 * A catalog template as a Blockly message: `%N` stays (Blockly allows any order, so the Chinese
 * template may put the slots elsewhere); any other `%` becomes `%%`.
 */
export function blocklyMessage(template) {
  return template.replace(/%(\d+)|%/g, (m, n) => (n && Number(n) > 0 ? m : '%%'));
}

/** The template of a block in a language ('en' or 'zh-CN'). */
export function templateOf(spec, lang) {
  return lang === 'zh-CN' ? spec.zh : spec.en;
}
