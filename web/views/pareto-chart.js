/**
 * Several objectives: every scored run on two metrics (the first two, or a pair picked in the
 * two selects), the Pareto set (from GET /api/sweeps/:id/objectives) drawn large, and the 2-D
 * front of the pair shown as a staircase. Click a point to open its run.
 */
import { h, replaceChildren } from '../dom.js';
import { fmtNum } from '../format.js';
import { axisStyle, baseOption, makeChart, theme, tipLine } from '../charts.js';

export function createParetoChart({ onOpen }) {
  const chartEl = h('div', { class: 'chart', 'data-chart': 'pareto' });
  const t = theme();
  const empty = h('div', { class: 'chart-empty' }, 'No run has a value for both metrics yet.');
  const xSelect = h('select', { 'aria-label': 'Pareto x metric', dataset: { axis: 'x' }, onchange: () => redraw() });
  const ySelect = h('select', { 'aria-label': 'Pareto y metric', dataset: { axis: 'y' }, onchange: () => redraw() });
  const note = h('span', { class: 'muted small', 'data-testid': 'pareto-note' });
  let chart = null;
  let signature = '';
  let last = null;

  function fillSelects(metrics) {
    const names = metrics.map((m) => m.name);
    if ([...xSelect.options].map((o) => o.value).join(',') === names.join(',')) return;
    const pick = (sel, i) => replaceChildren(sel, names.map((n, k) => h('option', { value: n, selected: k === i }, n)));
    pick(xSelect, 0);
    pick(ySelect, Math.min(1, names.length - 1));
  }

  function redraw() {
    if (last) draw(last, true);
  }

  function draw({ metrics, runs }, force = false) {
    const mx = metrics.find((m) => m.name === xSelect.value) ?? metrics[0];
    const my = metrics.find((m) => m.name === ySelect.value) ?? metrics[1] ?? metrics[0];
    const points = runs.filter((r) => typeof r.values[mx.name] === 'number' && typeof r.values[my.name] === 'number');
    const sig = `${mx.name}|${my.name}|${points.map((r) => `${r.runId}:${r.values[mx.name]}:${r.values[my.name]}:${r.pareto}`).join(',')}`;
    if (sig === signature && !force) return;
    signature = sig;
    const members = points.filter((r) => r.pareto);
    note.textContent = `${members.length} Pareto run${members.length === 1 ? '' : 's'} of ${points.length} scored`;
    empty.hidden = points.length > 0;
    if (!empty.hidden) {
      chart?.chart.clear();
      return;
    }
    if (!chart) {
      chart = makeChart(chartEl);
      chart.chart.on('click', (p) => p.data?.[2] && onOpen(p.data[2]));
    }
    const point = (r) => [r.values[mx.name], r.values[my.name], r.runId, r.state];
    chart.chart.setOption(
      {
        ...baseOption(t),
        grid: { left: 64, right: 24, top: 20, bottom: 44 },
        tooltip: {
          ...baseOption(t).tooltip,
          trigger: 'item',
          formatter: (q) => `${tipLine('run', q.data[2])}${tipLine('state', q.data[3])}${tipLine(mx.name, fmtNum(q.data[0]))}${tipLine(my.name, fmtNum(q.data[1]))}`,
        },
        xAxis: { type: 'value', scale: true, name: `${mx.name} ${mx.goal === 'maximize' ? '↑' : '↓'}`, nameLocation: 'middle', nameGap: 28, nameTextStyle: { color: t.fg }, ...axisStyle(t), axisLabel: { ...axisStyle(t).axisLabel, formatter: (v) => fmtNum(v) } },
        yAxis: { type: 'value', scale: true, name: `${my.name} ${my.goal === 'maximize' ? '↑' : '↓'}`, nameLocation: 'middle', nameGap: 48, nameTextStyle: { color: t.fg }, ...axisStyle(t), axisLabel: { ...axisStyle(t).axisLabel, formatter: (v) => fmtNum(v) } },
        series: [
          { id: 'runs', type: 'scatter', symbolSize: 6, data: points.filter((r) => !r.pareto).map(point), itemStyle: { color: t.accent, opacity: 0.55 }, large: true, largeThreshold: 600 },
          { id: 'front', type: 'line', step: frontStep(mx), symbol: 'none', silent: true, lineStyle: { color: t.best, width: 1.5, type: 'dashed' }, data: front2d(points, mx, my).map(point), z: 4 },
          { id: 'pareto', type: 'scatter', symbolSize: 11, symbol: 'diamond', data: members.map(point), itemStyle: { color: t.best, borderColor: t.bg, borderWidth: 1.5 }, z: 5 },
        ],
      },
      { notMerge: force },
    );
  }

  return {
    el: h('div', null, h('div', { class: 'pareto-controls' }, 'x ', xSelect, ' y ', ySelect, ' ', note), h('div', { class: 'chart-box' }, chartEl, empty)),
    /** `data`: the API's `{metrics: [{name, goal}], runs: [{runId, state, values, pareto}]}`. */
    update(data) {
      if (!data || data.metrics.length < 2) return;
      fillSelects(data.metrics);
      last = data;
      draw(data);
    },
    dispose() {
      chart?.dispose();
    },
  };
}

/** The non-dominated points of the pair, sorted along x: the staircase of the 2-D front. */
function front2d(points, mx, my) {
  const sx = mx.goal === 'maximize' ? -1 : 1;
  const sy = my.goal === 'maximize' ? -1 : 1;
  const sorted = [...points].sort((a, b) => sx * (a.values[mx.name] - b.values[mx.name]) || sy * (a.values[my.name] - b.values[my.name]));
  const out = [];
  let bestY = Infinity;
  for (const p of sorted) {
    const y = sy * p.values[my.name];
    if (y < bestY) {
      out.push(p);
      bestY = y;
    }
  }
  return out.sort((a, b) => a.values[mx.name] - b.values[mx.name]);
}

/** Which way the staircase steps between front points (so the line bounds the dominated region). */
function frontStep(mx) {
  return mx.goal === 'maximize' ? 'start' : 'end';
}
