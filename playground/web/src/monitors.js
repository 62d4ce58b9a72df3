// Variable and list monitors drawn with Canvas 2D in scratch-gui's look; the numbers are
// render/src/monitor.rs's (which took them from scratch-gui's monitor.css). Monitors sit at
// their .sb3 place (x, y from the stage's top-left corner, in stage pixels).
const UI_PRIMARY = '#E5F0FF';
const UI_WHITE = '#FFFFFF';
const BORDER_COLOR = 'rgba(0, 0, 0, 0.15)';
const TEXT_PRIMARY = '#575E75';
const DATA_PRIMARY = '#FF8C1A';
const LIST_PRIMARY = '#FF661A';
const SLIDER_ACCENT = '#0075FF';
const SLIDER_TRACK = '#EFEFEF';
const SLIDER_TRACK_BORDER = '#B2B2B2';
const BORDER = 1;
const RADIUS = 4;
const PADDING = 3;
const MARGIN = 5;
const VALUE_MIN_WIDTH = 40;
const VALUE_PADDING = 2;
const LINE = 14;
const LARGE_LINE = 18;
const LARGE_MIN_WIDTH = 48;
const LARGE_MIN_HEIGHT = 22.4;
const LARGE_PADDING_X = 4;
const LARGE_PADDING_Y = 1.6;
const SLIDER_ROW = 20;
const SLIDER_MARGIN = 2;
const SLIDER_TRACK_HEIGHT = 4;
const SLIDER_THUMB_RADIUS = 8;
const LIST_DEFAULT_WIDTH = 100;
const LIST_DEFAULT_HEIGHT = 200;
const LIST_HEADER = 20;
const LIST_FOOTER = 20;
const LIST_ROW = 24;
const LIST_CELL = 22;
const ROW_PADDING = 2;
const CELL_MARGIN = 3;
const CELL_PADDING_X = 5;
const EMPTY_PADDING = 5;
const MAX_VALUE_LINES = 26;
const FAMILY = '"Helvetica Neue", Helvetica, Arial, "Noto Sans", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
const LABEL_FONT = `bold 12px ${FAMILY}`;
const VALUE_FONT = `12px ${FAMILY}`;
const LARGE_FONT = `16px ${FAMILY}`;

function roundRect(ctx, x, y, w, h, r) {
  w = Math.max(0, w);
  h = Math.max(0, h);
  ctx.beginPath();
  if (ctx.roundRect) {
    ctx.roundRect(x, y, w, h, r);
    return;
  }
  // Browsers before 2023 have no roundRect: the same corners with arcTo.
  const [tl, tr, br, bl] = (Array.isArray(r) ? r : [r, r, r, r]).map((v) => Math.min(v, w / 2, h / 2));
  ctx.moveTo(x + tl, y);
  ctx.arcTo(x + w, y, x + w, y + h, tr);
  ctx.arcTo(x + w, y + h, x, y + h, br);
  ctx.arcTo(x, y + h, x, y, bl);
  ctx.arcTo(x, y, x + w, y, tl);
  ctx.closePath();
}

function text(ctx, s, font, color, x, top, lineHeight) {
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textBaseline = 'middle';
  ctx.fillText(s, x, top + lineHeight / 2);
}

function measure(ctx, s, font) {
  ctx.font = font;
  return ctx.measureText(s).width;
}

/** The longest start of `s` that fits in `max` pixels, with … when cut. */
function fit(ctx, s, font, max) {
  if (measure(ctx, s, font) <= max) return s;
  const chars = [...s];
  while (chars.length && measure(ctx, `${chars.join('')}…`, font) > max) chars.pop();
  return `${chars.join('')}…`;
}

function wrapValue(ctx, value, font, max) {
  ctx.font = font;
  const lines = [];
  for (const paragraph of String(value).split('\n')) {
    let line = '';
    for (const ch of paragraph) {
      if (line && ctx.measureText(line + ch).width > max) {
        lines.push(line);
        line = '';
        if (lines.length >= MAX_VALUE_LINES) break;
      }
      line += ch;
    }
    lines.push(line);
    if (lines.length >= MAX_VALUE_LINES) break;
  }
  const widest = Math.max(0, ...lines.map((l) => ctx.measureText(l).width));
  return { lines: lines.slice(0, MAX_VALUE_LINES), widest };
}

function container(ctx, w, h, fill) {
  roundRect(ctx, 0, 0, w, h, RADIUS);
  ctx.fillStyle = fill;
  ctx.fill();
}

function border(ctx, w, h) {
  roundRect(ctx, BORDER / 2, BORDER / 2, w - BORDER, h - BORDER, RADIUS - BORDER / 2);
  ctx.lineWidth = BORDER;
  ctx.strokeStyle = BORDER_COLOR;
  ctx.stroke();
}

function sliderFraction(value, min, max, discrete) {
  min = Number.isFinite(min) ? min : 0;
  max = Number.isFinite(max) ? max : 100;
  if (max <= min) return 0;
  let v = Number(String(value).trim());
  if (!Number.isFinite(v) || String(value).trim() === '') v = min + (max - min) / 2;
  v = Math.min(max, Math.max(min, v));
  if (discrete) v = Math.min(max, min + Math.round(v - min));
  return Math.min(1, Math.max(0, (v - min) / (max - min)));
}

function drawNormal(ctx, m) {
  const label = fit(ctx, m.label, LABEL_FONT, 480);
  const labelWidth = measure(ctx, label, LABEL_FONT);
  const chrome = 2 * (BORDER + PADDING) + labelWidth + 4 * MARGIN + 2 * VALUE_PADDING;
  const room = Math.max(480 - m.x - chrome, VALUE_MIN_WIDTH - 2 * VALUE_PADDING);
  const { lines, widest } = wrapValue(ctx, m.value ?? '', VALUE_FONT, room);
  const valueWidth = Math.max(VALUE_MIN_WIDTH, widest + 2 * VALUE_PADDING);
  const row = LINE * Math.max(1, lines.length);
  const inner = BORDER + PADDING;
  const slider = m.mode === 'slider';
  const w = 2 * inner + labelWidth + valueWidth + 4 * MARGIN;
  const h = 2 * inner + row + (slider ? SLIDER_ROW : 0);
  container(ctx, w, h, UI_PRIMARY);
  text(ctx, label, LABEL_FONT, TEXT_PRIMARY, inner + MARGIN, inner, LINE);
  const valueX = inner + labelWidth + 3 * MARGIN;
  roundRect(ctx, valueX, inner, valueWidth, row, RADIUS);
  ctx.fillStyle = DATA_PRIMARY;
  ctx.fill();
  lines.forEach((line, i) => {
    const lw = measure(ctx, line, VALUE_FONT);
    text(ctx, line, VALUE_FONT, '#fff', valueX + (valueWidth - lw) / 2, inner + LINE * i, LINE);
  });
  if (slider) {
    const left = inner + SLIDER_MARGIN;
    const right = w - inner - SLIDER_MARGIN;
    const middle = inner + row + SLIDER_ROW / 2;
    const width = right - left;
    if (width > 2 * SLIDER_THUMB_RADIUS) {
      const fraction = sliderFraction(m.value, m.min, m.max, m.discrete);
      const thumb = left + SLIDER_THUMB_RADIUS + (width - 2 * SLIDER_THUMB_RADIUS) * fraction;
      const top = middle - SLIDER_TRACK_HEIGHT / 2;
      roundRect(ctx, left, top, width, SLIDER_TRACK_HEIGHT, SLIDER_TRACK_HEIGHT / 2);
      ctx.fillStyle = SLIDER_TRACK_BORDER;
      ctx.fill();
      roundRect(ctx, left + 1, top + 1, width - 2, SLIDER_TRACK_HEIGHT - 2, SLIDER_TRACK_HEIGHT / 2);
      ctx.fillStyle = SLIDER_TRACK;
      ctx.fill();
      roundRect(ctx, left, top, thumb - left, SLIDER_TRACK_HEIGHT, SLIDER_TRACK_HEIGHT / 2);
      ctx.fillStyle = SLIDER_ACCENT;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(thumb, middle, SLIDER_THUMB_RADIUS, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  border(ctx, w, h);
}

function drawLarge(ctx, m) {
  const chrome = 2 * (BORDER + LARGE_PADDING_X);
  const room = Math.max(480 - m.x - chrome, LARGE_MIN_WIDTH - 2 * LARGE_PADDING_X);
  const { lines, widest } = wrapValue(ctx, m.value ?? '', LARGE_FONT, room);
  const innerWidth = Math.max(LARGE_MIN_WIDTH, widest + 2 * LARGE_PADDING_X);
  const innerHeight = Math.max(LARGE_MIN_HEIGHT, LARGE_LINE * Math.max(1, lines.length) + 2 * LARGE_PADDING_Y);
  const w = innerWidth + 2 * BORDER;
  const h = innerHeight + 2 * BORDER;
  container(ctx, w, h, DATA_PRIMARY);
  lines.forEach((line, i) => {
    const lw = measure(ctx, line, LARGE_FONT);
    text(ctx, line, LARGE_FONT, '#fff', BORDER + (innerWidth - lw) / 2, BORDER + LARGE_PADDING_Y + LARGE_LINE * i, LARGE_LINE);
  });
  border(ctx, w, h);
}

function drawList(ctx, m, t) {
  const size = (v, d, max) => (Number.isFinite(v) && v > 0 ? Math.min(v, max) : d);
  const innerWidth = size(m.width, LIST_DEFAULT_WIDTH, 480);
  const innerHeight = size(m.height, LIST_DEFAULT_HEIGHT, 360);
  const w = innerWidth + 2 * BORDER;
  const h = innerHeight + 2 * BORDER;
  const left = BORDER;
  const right = w - BORDER;
  container(ctx, w, h, UI_PRIMARY);
  const bodyTop = BORDER + LIST_HEADER + BORDER;
  const bodyBottom = Math.max(h - BORDER - LIST_FOOTER, bodyTop);
  const items = m.items || [];
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, bodyTop, innerWidth, bodyBottom - bodyTop);
  ctx.clip();
  if (!items.length) {
    const empty = t('monitor.empty');
    text(ctx, empty, VALUE_FONT, TEXT_PRIMARY, left + (innerWidth - measure(ctx, empty, VALUE_FONT)) / 2, bodyTop + EMPTY_PADDING, LINE);
  }
  items.forEach((item, i) => {
    const rowTop = bodyTop + LIST_ROW * i;
    if (rowTop >= bodyBottom) return;
    const textTop = rowTop + (LIST_ROW - LINE) / 2;
    const index = String(i + 1);
    const indexX = left + ROW_PADDING + CELL_MARGIN;
    text(ctx, index, LABEL_FONT, TEXT_PRIMARY, indexX, textTop, LINE);
    const cellX = indexX + measure(ctx, index, LABEL_FONT) + 2 * CELL_MARGIN;
    const cellRight = Math.max(right - ROW_PADDING - CELL_MARGIN, cellX + VALUE_MIN_WIDTH);
    const cellTop = rowTop + (LIST_ROW - LIST_CELL) / 2;
    roundRect(ctx, cellX, cellTop, cellRight - cellX, LIST_CELL, RADIUS);
    ctx.fillStyle = LIST_PRIMARY;
    ctx.fill();
    ctx.lineWidth = BORDER;
    ctx.strokeStyle = BORDER_COLOR;
    ctx.stroke();
    const textX = cellX + BORDER + CELL_PADDING_X;
    const shown = fit(ctx, item, VALUE_FONT, cellRight - BORDER - CELL_PADDING_X - textX);
    text(ctx, shown, VALUE_FONT, '#fff', textX, textTop, LINE);
  });
  ctx.restore();
  roundRect(ctx, 0, 0, w, BORDER + LIST_HEADER, [RADIUS, RADIUS, 0, 0]);
  ctx.fillStyle = UI_WHITE;
  ctx.fill();
  ctx.fillStyle = BORDER_COLOR;
  ctx.fillRect(left, BORDER + LIST_HEADER, innerWidth, BORDER);
  const label = fit(ctx, m.label, LABEL_FONT, innerWidth - 2 * PADDING);
  text(ctx, label, LABEL_FONT, TEXT_PRIMARY, left + (innerWidth - measure(ctx, label, LABEL_FONT)) / 2, BORDER + PADDING, LINE);
  const footerTop = h - BORDER - LIST_FOOTER;
  roundRect(ctx, 0, footerTop, w, LIST_FOOTER + BORDER, [0, 0, RADIUS, RADIUS]);
  ctx.fillStyle = UI_WHITE;
  ctx.fill();
  const length = t('monitor.length', { n: m.value ?? items.length });
  const plus = measure(ctx, '+', LABEL_FONT);
  const lengthWidth = measure(ctx, length, LABEL_FONT);
  const equals = measure(ctx, '=', LABEL_FONT);
  const free = Math.max(0, innerWidth - 2 * PADDING - plus - lengthWidth - equals);
  text(ctx, '+', LABEL_FONT, TEXT_PRIMARY, left + PADDING, footerTop + PADDING, LINE);
  text(ctx, length, LABEL_FONT, TEXT_PRIMARY, left + PADDING + plus + free / 2, footerTop + PADDING, LINE);
  text(ctx, '=', LABEL_FONT, TEXT_PRIMARY, right - PADDING - equals, footerTop + PADDING, LINE);
  border(ctx, w, h);
}

/** Draws the frame's monitors on `ctx` (a canvas at `scale` pixels per stage unit). */
export function drawMonitors(ctx, scale, monitors, t) {
  for (const m of monitors) {
    if (!(Math.abs(m.x) < 10000 && Math.abs(m.y) < 10000)) continue;
    ctx.save();
    ctx.setTransform(scale, 0, 0, scale, m.x * scale, m.y * scale);
    if (m.mode === 'list') drawList(ctx, m, t);
    else if (m.mode === 'large') drawLarge(ctx, m);
    else drawNormal(ctx, m);
    ctx.restore();
  }
}
