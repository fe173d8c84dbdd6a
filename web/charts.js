/**
 * echarts (loaded as a global from /vendor/echarts.min.js) with the dashboard's colours, read
 * from the CSS variables so charts follow the light or dark theme. Every tooltip formatter that
 * shows a user string goes through escapeHtml.
 */
import { escapeHtml, h } from './dom.js';
import { valueLabel } from './format.js';

/** Resolves once echarts (loaded async by index.html, so data requests need not wait for it) is there. */
export function whenEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  return new Promise((resolve, reject) => {
    const script = document.getElementById('echarts-script');
    script.addEventListener('load', () => resolve(window.echarts), { once: true });
    script.addEventListener('error', () => reject(new Error('could not load vendor/echarts.min.js')), { once: true });
  });
}

export function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return {
    fg: v('--fg'),
    muted: v('--muted'),
    faint: v('--faint'),
    grid: v('--line'),
    bg: v('--card'),
    accent: v('--accent'),
    best: v('--best'),
    running: v('--running'),
    stopped: v('--stopped'),
    failed: v('--failed'),
    ramp: [v('--ramp-0'), v('--ramp-1'), v('--ramp-2'), v('--ramp-3')],
    dark: document.documentElement.dataset.scheme === 'dark',
  };
}

/** An echarts instance on `el` that follows the element's size; `dispose()` when the page goes. */
export function makeChart(el) {
  const chart = window.echarts.init(el, null, { renderer: 'canvas' });
  // The observer also fires once right away: resize (a full re-render) only on a real change.
  let width = el.clientWidth;
  let height = el.clientHeight;
  const observer = new ResizeObserver(() => {
    if (el.clientWidth === width && el.clientHeight === height) return;
    width = el.clientWidth;
    height = el.clientHeight;
    chart.resize();
  });
  observer.observe(el);
  return {
    chart,
    dispose() {
      observer.disconnect();
      chart.dispose();
    },
  };
}

/** Options every chart shares. */
export function baseOption(t) {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: t.fg, fontFamily: 'inherit', fontSize: 11 },
    tooltip: {
      confine: true,
      backgroundColor: t.bg,
      borderColor: t.grid,
      textStyle: { color: t.fg, fontSize: 11 },
      extraCssText: 'box-shadow: 0 4px 16px rgba(0,0,0,.18); max-width: 360px; white-space: normal;',
    },
  };
}

export function axisStyle(t) {
  return {
    axisLine: { lineStyle: { color: t.grid } },
    axisTick: { lineStyle: { color: t.grid } },
    axisLabel: { color: t.muted, fontSize: 10, hideOverlap: true },
    splitLine: { lineStyle: { color: t.grid, opacity: 0.6 } },
    nameTextStyle: { color: t.muted, fontSize: 10 },
  };
}

/** Mix two #rrggbb (or rgb()) colours: 0 → a, 1 → b. */
export function mix(a, b, f) {
  const pa = parseColor(a);
  const pb = parseColor(b);
  const c = pa.map((x, i) => Math.round(x + (pb[i] - x) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function parseColor(color) {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  const r = /rgba?\(([^)]+)\)/.exec(color);
  if (r) return r[1].split(',').slice(0, 3).map((x) => Number(x.trim()));
  return [128, 128, 128];
}

/** A colour on the score ramp: q = 0 worst … 1 best. */
export function rampColor(t, q) {
  const stops = t.ramp;
  const x = Math.max(0, Math.min(1, q)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return mix(stops[i], stops[i + 1], x - i);
}

/** A tooltip line `label: value` with both sides escaped. */
export function tipLine(label, value) {
  return `<div><span style="opacity:.7">${escapeHtml(label)}</span> ${escapeHtml(value)}</div>`;
}

/** The runs with a finite score (what the parameter charts, importance and top configs draw). */
export function scoredRuns(runs) {
  return runs.filter((r) => typeof r.score === 'number' && Number.isFinite(r.score));
}

/**
 * A parameter chart's element (`data-chart` = name) in its box, with a note instead while there
 * is nothing to draw: `canDraw(scored, params)` shows or hides the note and says which.
 */
export function parameterChartBox(name, className) {
  const el = h('div', { class: className, 'data-chart': name });
  const empty = h('div', { class: 'chart-empty' }, 'No run has a score yet.');
  return {
    el,
    box: h('div', { class: 'chart-box' }, el, empty),
    canDraw(scored, params) {
      empty.hidden = scored.length > 0 && params.length > 0;
      if (params.length === 0) empty.textContent = 'No searched parameters.';
      return empty.hidden;
    },
  };
}

/** A parameter's axis over the runs' flattened configs: its categories (declared, then seen), or log when asked and every value is positive, else linear. */
export function parameterAxis(p, flat) {
  if (p.kind === 'category') {
    const seen = new Set((p.values ?? []).map(valueLabel));
    for (const f of flat) seen.add(valueLabel(f[p.name]));
    return { type: 'category', data: [...seen] };
  }
  const positive = flat.every((f) => typeof f[p.name] !== 'number' || f[p.name] > 0);
  return { type: p.log && positive ? 'log' : 'value' };
}
