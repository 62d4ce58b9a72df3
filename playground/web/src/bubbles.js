// Speech and thought bubbles drawn with Canvas 2D in scratch-render's TextBubbleSkin look
// (render/src/bubble.rs has the same numbers), with the browser's fonts. Rust decides where a
// bubble goes (scratch3_looks' _positionBubble against the top of the sprite's hull).
const MAX_LINE_WIDTH = 170;
const MIN_WIDTH = 50;
const STROKE_WIDTH = 4;
const PADDING = 10;
const CORNER_RADIUS = 16;
const LINE_HEIGHT = 16;
const FONT_SIZE = 14;
const FONT_HEIGHT_RATIO = 0.9;
const TEXT_COLOR = '#575E75';
export const BUBBLE_FONT = `${FONT_SIZE}px "Helvetica Neue", Helvetica, Arial, "Noto Sans", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif`;
const MAX_LAYOUTS = 256;
const SAY_BUBBLE_LIMIT = 330;

let measureCtx = null;
function measurer() {
  if (!measureCtx) {
    measureCtx = document.createElement('canvas').getContext('2d');
    measureCtx.font = BUBBLE_FONT;
  }
  return measureCtx;
}

/** Characters that may break anywhere (CJK ideographs, kana, hangul, full-width forms). */
const BREAK_ANYWHERE = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u;

/** Words with their trailing spaces, and CJK characters one by one (line-break opportunities). */
function tokens(paragraph) {
  const out = [];
  let word = '';
  for (const ch of paragraph) {
    if (BREAK_ANYWHERE.test(ch)) {
      if (word) out.push(word);
      word = '';
      out.push(ch);
    } else if (ch === ' ') {
      word += ch;
      out.push(word);
      word = '';
    } else {
      word += ch;
    }
  }
  if (word) out.push(word);
  return out;
}

/** text-wrapper's greedy wrapping at `max` pixels (words longer than a line are split). */
export function wrap(text, max = MAX_LINE_WIDTH, ctx = measurer()) {
  const lines = [];
  const width = (s) => ctx.measureText(s).width;
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const token of tokens(paragraph)) {
      if (width(line + token.trimEnd()) <= max) {
        line += token;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      if (width(token.trimEnd()) <= max) {
        line = token;
        continue;
      }
      for (const ch of token) {
        if (line && width(line + ch) > max) {
          lines.push(line);
          line = '';
        }
        line += ch;
      }
    }
    lines.push(line);
  }
  return lines.map((l) => ({ text: l, width: width(l.trimEnd()) }));
}

function truncateUtf16(s, limit) {
  return s.length <= limit ? s : s.slice(0, limit);
}

/** The wrapped lines and the bubble's size (stage units), as TextBubbleSkin._reflowLines. */
export function layoutBubble(text) {
  const lines = wrap(text);
  const longest = Math.max(0, ...lines.map((l) => l.width));
  const padded = [Math.max(longest, MIN_WIDTH) + PADDING * 2, LINE_HEIGHT * lines.length + PADDING * 2];
  return {
    lines: lines.map((l) => l.text),
    padded,
    size: [padded[0] + STROKE_WIDTH, padded[1] + STROKE_WIDTH + 12],
  };
}

/** The outline (bubble.rs's bubble_path): rounded box, then the tail or the thought circles. */
function bubblePath(w, h, think) {
  const r = CORNER_RADIUS;
  let d = `M ${r} ${h} A ${r} ${r} 0 0 1 0 ${h - r} L 0 ${r} A ${r} ${r} 0 0 1 ${r} 0 L ${w - r} 0 A ${r} ${r} 0 0 1 ${w} ${r} L ${w} ${h - r} A ${r} ${r} 0 0 1 ${w - r} ${h}`;
  const ox = w - r;
  const oy = h;
  const p = (x, y) => `${ox + x} ${oy + y}`;
  if (think) {
    d += ` L ${p(-12, 0)} A 4 4 0 0 1 ${p(-20, 0)} Z`;
    d += ` M ${p(-7, 7.25)} A 2.25 2.25 0 1 1 ${p(-11.5, 7.25)} A 2.25 2.25 0 1 1 ${p(-7, 7.25)} Z`;
    d += ` M ${p(0, 9.5)} A 1.5 1.5 0 1 1 ${p(-3, 9.5)} A 1.5 1.5 0 1 1 ${p(0, 9.5)} Z`;
  } else {
    d += ` C ${p(0, 4)} ${p(4, 8)} ${p(4, 10)} A 2 2 0 0 1 ${p(2, 12)} C ${p(-1, 12)} ${p(-11, 8)} ${p(-16, 0)} Z`;
  }
  return d;
}

/** Draws the frame's bubbles; `view` keeps layouts and sides, `pg` places them. */
export function drawBubbles(ctx, scale, bubbles, view, pg) {
  for (const b of bubbles) {
    const text = truncateUtf16(b.text, SAY_BUBBLE_LIMIT);
    if (!text) continue;
    let layout = view.bubbleLayouts.get(text);
    if (!layout) {
      if (view.bubbleLayouts.size >= MAX_LAYOUTS) view.bubbleLayouts.clear();
      layout = layoutBubble(text);
      view.bubbleLayouts.set(text, layout);
    }
    const wasRight = view.bubbleSides.get(b.id) ?? true;
    const place = pg.bubble_place(b.id, layout.size[0], layout.size[1], wasRight);
    if (place.length !== 3) continue;
    const [x, y, right] = place;
    const onRight = right === 1;
    view.bubbleSides.set(b.id, onRight);
    const px = Math.round((x + 240) * scale);
    const py = Math.round((180 - y) * scale);
    const [w, h] = layout.padded;
    const think = b.kind === 'think';
    ctx.save();
    ctx.setTransform(scale, 0, 0, scale, px, py);
    ctx.translate(STROKE_WIDTH / 2, STROKE_WIDTH / 2);
    ctx.save();
    // A bubble on the sprite's right has its tail on its left, towards the sprite.
    if (onRight) ctx.transform(-1, 0, 0, 1, w, 0);
    const path = new Path2D(bubblePath(w, h, think));
    ctx.lineWidth = STROKE_WIDTH;
    ctx.lineJoin = 'miter';
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.15)';
    ctx.stroke(path);
    ctx.fillStyle = '#ffffff';
    ctx.fill(path);
    ctx.restore();
    ctx.font = BUBBLE_FONT;
    ctx.fillStyle = TEXT_COLOR;
    ctx.textBaseline = 'alphabetic';
    layout.lines.forEach((line, i) => {
      if (line.trim()) ctx.fillText(line, PADDING, PADDING + LINE_HEIGHT * i + FONT_HEIGHT_RATIO * FONT_SIZE);
    });
    ctx.restore();
  }
  // Sides are kept per sprite as scratch3_looks keeps them; clones come and go, so bound it.
  if (view.bubbleSides.size > 1000) view.bubbleSides.clear();
}
