/** A run page's charts: one small line chart per metric the run logged, the sweep's metric first. */
import { h, replaceChildren } from '../dom.js';
import { fmtNum } from '../format.js';
import { axisStyle, baseOption, makeChart, theme, tipLine } from '../charts.js';

export function createRunMetrics() {
  const t = theme();
  const el = h('div', { class: 'metric-grid', 'data-testid': 'metric-charts' });
  const charts = new Map();

  /** One chart for a metric (`best` draws it in the best colour). */
  function chartFor(name, best) {
    const box = h('div', { class: 'chart', 'data-chart': `metric` });
    el.appendChild(h('section', { class: 'card' }, h('h2', { style: { textTransform: 'none', letterSpacing: '0' } }, h('span', { class: 'mono' }, name)), box));
    const entry = makeChart(box);
    entry.chart.setOption({
      ...baseOption(t),
      grid: { left: 52, right: 14, top: 12, bottom: 28 },
      tooltip: { ...baseOption(t).tooltip, trigger: 'axis', formatter: (ps) => ps.map((p) => `${tipLine('step', p.value[0])}${tipLine(name, fmtNum(p.value[1]))}`).join('') },
      xAxis: { type: 'value', ...axisStyle(t), minInterval: 1 },
      yAxis: { type: 'value', scale: true, ...axisStyle(t), axisLabel: { ...axisStyle(t).axisLabel, formatter: (v) => fmtNum(v) } },
      series: [{ id: 'm', type: 'line', showSymbol: false, symbol: 'circle', lineStyle: { width: 1.8, color: best ? t.best : t.accent }, itemStyle: { color: best ? t.best : t.accent }, data: [] }],
    });
    charts.set(name, entry);
    return entry;
  }

  return {
    el,
    /** Draws every finite metric of `run.history`; `metricName` is the sweep's metric. */
    render(run, metricName) {
      const series = new Map();
      for (const row of run.history ?? []) {
        for (const [k, v] of Object.entries(row)) {
          if (k === '_step' || typeof v !== 'number' || !Number.isFinite(v)) continue;
          if (!series.has(k)) series.set(k, []);
          series.get(k).push([row._step, v]);
        }
      }
      if (series.size === 0 && charts.size === 0) {
        replaceChildren(el, h('p', { class: 'muted' }, 'No metrics logged yet.'));
        return;
      }
      if (charts.size === 0) el.replaceChildren();
      // The sweep's metric first, then the others by name.
      const names = [...series.keys()].sort((a, b) => (a === metricName ? -1 : b === metricName ? 1 : a.localeCompare(b)));
      for (const name of names) {
        const entry = charts.get(name) ?? chartFor(name, name === metricName);
        const points = series.get(name);
        entry.chart.setOption({ series: [{ id: 'm', data: points, showSymbol: points.length < 30 }] });
      }
    },
    dispose() {
      for (const c of charts.values()) c.dispose();
    },
  };
}
