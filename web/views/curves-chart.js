/**
 * Metric over step for every run (curves arrive as flat Float64Arrays `x0, y0, x1, y1, ...`): all runs as one `lines` series (one polyline per run, cheap
 * for thousands), coloured by score rank; the best run drawn on top; stopped runs marked with
 * an × at their last point; running runs in the running colour. Updates merge by series id.
 */
import { escapeHtml, h } from '../dom.js';
import { fmtNum } from '../format.js';
import { axisStyle, baseOption, makeChart, rampColor, theme, tipLine } from '../charts.js';

/**
 * Most points drawn for the ended runs' curves together: above it, each curve is thinned evenly
 * (first and last points kept) to MAX_POINTS / runs, at least MIN_PER_RUN. Running runs and the
 * best run are always drawn in full.
 */
const MAX_POINTS = 40_000;
const MIN_PER_RUN = 16;

/** Append a flat curve (`x0, y0, ...`, m points) to `out` in echarts' flat lines format, thinned to n points. */
function pushThinned(out, flat, n) {
  const m = flat.length / 2;
  if (m === 1) {
    // A single point is not a line: repeat it so it still shows as a dot.
    out.push(2, flat[0], flat[1], flat[0], flat[1]);
    return;
  }
  if (m <= n) {
    out.push(m);
    for (let k = 0; k < flat.length; k++) out.push(flat[k]);
    return;
  }
  out.push(n);
  const stride = (m - 1) / (n - 1);
  for (let k = 0; k < n; k++) {
    const i = Math.round(k * stride);
    out.push(flat[2 * i], flat[2 * i + 1]);
  }
}

/** `[[x, y], ...]` of a flat curve (for the few curves drawn as objects). */
function pairs(flat) {
  const out = [];
  for (let k = 0; k < flat.length; k += 2) out.push([flat[k], flat[k + 1]]);
  if (out.length === 1) out.push(out[0]);
  return out;
}

/** Score buckets of the ended runs' curves (plus one for runs without a score). */
const BUCKETS = 8;
const CROSS = 'path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z';

export function createCurvesChart({ onOpen }) {
  const chartEl = h('div', { class: 'chart tall', 'data-chart': 'curves' });
  const t = theme();
  let chart = null;
  let axesSig = '';
  const empty = h('div', { class: 'chart-empty' }, 'No metrics logged yet.');

  function ensure() {
    if (chart) return chart.chart;
    chart = makeChart(chartEl);
    const c = chart.chart;
    c.setOption(curvesOption(t));
    c.on('click', (p) => {
      const runId = p.data?.runId ?? (p.seriesId === 'best' ? c.__bestId : undefined);
      if (runId) onOpen(runId);
    });
    return c;
  }

  return {
    el: h('div', null, h('div', { class: 'chart-box' }, chartEl, empty), curvesLegend(t)),
    /**
     * curves: Map runId → [[step, value], ...]; runs: Map runId → RunSummary;
     * quality: Map runId → 0..1 (1 = best score); bestId; metric name.
     */
    update({ curves, runs, quality, bestId, metric }) {
      const c = ensure();
      c.__bestId = bestId;
      const { buckets, running, stopped, xMin, xMax, yMin, yMax } = groupCurves(curves, runs, quality, bestId);
      empty.hidden = Number.isFinite(xMin);
      const bestFlat = bestId ? curves.get(bestId) : undefined;
      const best = [];
      if (bestFlat) for (let k = 0; k < bestFlat.length; k += 2) best.push([bestFlat[k], bestFlat[k + 1]]);
      const sig = `${xMin}|${xMax}|${yMin}|${yMax}|${metric}`;
      const option = {
        tooltip: { formatter: (p) => curveTip(p, bestId, metric) },
        yAxis: {},
        series: [
          ...buckets.map((flat, b) => ({ id: `b${b}`, data: Float64Array.from(flat) })),
          { id: 'running', data: running },
          { id: 'best', data: best },
          { id: 'stopped', data: stopped },
        ],
      };
      if (sig !== axesSig && Number.isFinite(xMin)) {
        axesSig = sig;
        // lines series do not stretch the axes on their own: give the extent.
        const pad = (yMax - yMin) * 0.04 || Math.abs(yMax) * 0.05 || 1;
        option.xAxis = { min: xMin, max: xMax === xMin ? xMin + 1 : xMax };
        option.yAxis.min = Number((yMin - pad).toPrecision(3));
        option.yAxis.max = Number((yMax + pad).toPrecision(3));
      }
      c.setOption(option);
    },
    dispose() {
      chart?.dispose();
    },
  };
}

function curvesLegend(t) {
  return h(
    'div',
    { class: 'legend' },
    h('span', null, h('i', { style: { background: t.best, height: '3px' } }), 'best run'),
    h('span', null, h('i', { style: { background: t.running } }), 'running'),
    h('span', null, h('i', { style: { background: `linear-gradient(90deg, ${t.ramp[0]}, ${t.ramp[3]})` } }), 'worse → better score'),
    h('span', { style: { color: t.stopped } }, '× stopped early'),
    h('span', { class: 'hint' }, 'ctrl + wheel to zoom · drag to pan'),
  );
}

/** The chart's fixed option: axes, zoom, and the series the updates fill. */
function curvesOption(t) {
  return {
    ...baseOption(t),
    grid: { left: 56, right: 18, top: 16, bottom: 36 },
    tooltip: { ...baseOption(t).tooltip, trigger: 'item' },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 22, ...axisStyle(t) },
    yAxis: { type: 'value', scale: true, ...axisStyle(t) },
    dataZoom: [
      // Ctrl + wheel zooms (a plain wheel keeps scrolling the page); drag pans.
      { type: 'inside', xAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'ctrl', moveOnMouseWheel: false },
      { type: 'inside', yAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'ctrl', moveOnMouseWheel: false },
    ],
    series: [
      // Finished (and other ended) runs by score bucket: uniform style per series, drawn in one path each (large mode).
      ...Array.from({ length: BUCKETS + 1 }, (_, b) => ({
        id: `b${b}`,
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        polyline: true,
        large: true,
        largeThreshold: 200,
        silent: true,
        lineStyle: b === BUCKETS ? { width: 1, color: t.faint, opacity: 0.35 } : { width: 1, color: rampColor(t, b / (BUCKETS - 1)), opacity: 0.3 + (0.55 * b) / (BUCKETS - 1) },
        data: [],
        z: b === BUCKETS ? 0 : 1,
      })),
      { id: 'running', type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, lineStyle: { width: 1.5, color: t.running, opacity: 0.95 }, emphasis: { lineStyle: { width: 2.5 } }, data: [], z: 3 },
      { id: 'best', type: 'line', showSymbol: false, symbol: 'none', lineStyle: { width: 2.5, color: t.best }, itemStyle: { color: t.best }, data: [], z: 5 },
      { id: 'stopped', type: 'scatter', symbol: CROSS, symbolSize: 8, itemStyle: { color: t.stopped }, data: [], z: 4 },
    ],
  };
}

/** The curves sorted into score buckets (ended runs, thinned past MAX_POINTS), running ones, stop marks, and their extent. */
function groupCurves(curves, runs, quality, bestId) {
  const buckets = Array.from({ length: BUCKETS + 1 }, () => []);
  const running = [];
  const stopped = [];
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  let total = 0;
  for (const flat of curves.values()) total += flat.length / 2;
  const perRun = total > MAX_POINTS ? Math.max(MIN_PER_RUN, Math.floor(MAX_POINTS / curves.size)) : Infinity;
  for (const [id, flat] of curves) {
    if (flat.length === 0) continue;
    const run = runs.get(id);
    const state = run?.state ?? 'finished';
    for (let k = 0; k < flat.length; k += 2) {
      const x = flat[k];
      const y = flat[k + 1];
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
    const last = [flat[flat.length - 2], flat[flat.length - 1]];
    if (state === 'running' || state === 'pending') running.push({ coords: pairs(flat), runId: id, state, last: last[1] });
    else {
      // Ended runs: echarts' flat format `count, x, y, x, y, ..., count, ...` (no object per run).
      const q = quality.get(id);
      pushThinned(buckets[q === undefined ? BUCKETS : Math.round(q * (BUCKETS - 1))], flat, id === bestId ? Infinity : perRun);
    }
    if (state === 'stopped') stopped.push({ value: last, runId: id, reason: run?.stopReason ?? '' });
  }
  return { buckets, running, stopped, xMin, xMax, yMin, yMax };
}

/** A point's tooltip: the best run's step, a stop mark's reason, or a running run's last value. */
function curveTip(p, bestId, metric) {
  if (p.seriesId === 'best') return `<b>best run</b>${tipLine('run', bestId)}${tipLine(`step ${p.value[0]}`, fmtNum(p.value[1]))}`;
  const d = p.data ?? {};
  if (p.seriesId === 'stopped') return `<b>stopped early</b>${tipLine('run', d.runId)}${d.reason ? `<div>${escapeHtml(d.reason)}</div>` : ''}`;
  return `${tipLine('run', d.runId)}${tipLine('state', d.state)}${tipLine(`last ${metric}`, fmtNum(d.last))}`;
}
