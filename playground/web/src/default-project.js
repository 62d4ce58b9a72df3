// The program the page starts with: the default bird says hello, moves and spins, and answers
// a click; in the page's language at the first visit (both compile to the same program, which
// a Rust test checks: playground/src/session.rs).
import EN from '../projects/default.en.sb.txt';
import ZH from '../projects/default.zh-CN.sb.txt';

export function defaultProgram(lang) {
  return lang === 'zh-CN' ? ZH : EN;
}
