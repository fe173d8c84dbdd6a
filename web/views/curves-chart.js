/**
 * Metric over step for every run: all runs as one `lines` series (one polyline per run, cheap
 * for thousands), coloured by score rank; the best run drawn on top; stopped runs marked with
 * an × at their last point; running runs in the running colour. Updates merge by series id.
 */
import { escapeHtml, h } from '../dom.js';
import { fmtNum } from '../format.js';
import { axisStyle, baseOption, makeChart, rampColor, theme, tipLine } from '../charts.js';

const CROSS = 'path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z';

export function createCurvesChart({ onOpen }) {
  const chartEl = h('div', { class: 'chart tall', 'data-chart': 'curves' });
  const t = theme();
  const legend = h(
    'div',
    { class: 'legend' },
    h('span', null, h('i', { style: { background: t.best, height: '3px' } }), 'best run'),
    h('span', null, h('i', { style: { background: t.running } }), 'running'),
    h('span', null, h('i', { style: { background: `linear-gradient(90deg, ${t.ramp[0]}, ${t.ramp[3]})` } }), 'worse → better score'),
    h('span', { style: { color: t.stopped } }, '× stopped early'),
  );
  let chart = null;
  let axesSig = '';

  function ensure() {
    if (chart) return chart.chart;
    chart = makeChart(chartEl);
    const c = chart.chart;
    c.setOption({
      ...baseOption(t),
      grid: { left: 56, right: 18, top: 16, bottom: 36 },
      tooltip: { ...baseOption(t).tooltip, trigger: 'item' },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 22, ...axisStyle(t) },
      yAxis: { type: 'value', scale: true, ...axisStyle(t) },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
      ],
      series: [
        { id: 'runs', type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, lineStyle: { width: 1 }, emphasis: { focus: 'none', lineStyle: { width: 2.5, opacity: 1 } }, data: [], z: 1 },
        { id: 'best', type: 'line', showSymbol: false, symbol: 'none', lineStyle: { width: 2.5, color: t.best }, itemStyle: { color: t.best }, data: [], z: 5 },
        { id: 'stopped', type: 'scatter', symbol: CROSS, symbolSize: 8, itemStyle: { color: t.stopped }, data: [], z: 4 },
      ],
    });
    c.on('click', (p) => {
      const runId = p.data?.runId ?? (p.seriesId === 'best' ? c.__bestId : undefined);
      if (runId) onOpen(runId);
    });
    return c;
  }

  return {
    el: h('div', null, chartEl, legend),
    /**
     * curves: Map runId → [[step, value], ...]; runs: Map runId → RunSummary;
     * quality: Map runId → 0..1 (1 = best score); bestId; metric name.
     */
    update({ curves, runs, quality, bestId, metric }) {
      const c = ensure();
      c.__bestId = bestId;
      const items = [];
      const stopped = [];
      let xMin = Infinity;
      let xMax = -Infinity;
      let yMin = Infinity;
      let yMax = -Infinity;
      for (const [id, points] of curves) {
        if (points.length === 0) continue;
        const run = runs.get(id);
        const state = run?.state ?? 'finished';
        for (const [x, y] of points) {
          if (x < xMin) xMin = x;
          if (x > xMax) xMax = x;
          if (y < yMin) yMin = y;
          if (y > yMax) yMax = y;
        }
        const q = quality.get(id);
        const color = state === 'running' ? t.running : q === undefined ? t.faint : rampColor(t, q);
        const opacity = state === 'running' ? 0.95 : q === undefined ? 0.35 : 0.3 + 0.55 * q;
        if (points.length === 1) {
          // A single point is not a line: draw it as a dot so it still shows.
          items.push({ coords: [points[0], [points[0][0], points[0][1]]], runId: id, state, last: points[0][1], lineStyle: { color, opacity } });
        } else items.push({ coords: points, runId: id, state, last: points[points.length - 1][1], lineStyle: { color, opacity, width: state === 'running' ? 1.5 : 1 } });
        if (state === 'stopped') stopped.push({ value: points[points.length - 1], runId: id, reason: run?.stopReason ?? '' });
      }
      // Worse runs first, so better ones are drawn over them.
      items.sort((a, b) => (quality.get(a.runId) ?? -1) - (quality.get(b.runId) ?? -1) || (a.state === 'running') - (b.state === 'running'));
      const best = bestId ? (curves.get(bestId) ?? []) : [];
      const sig = `${xMin}|${xMax}|${yMin}|${yMax}|${metric}`;
      const option = {
        tooltip: {
          formatter: (p) => {
            if (p.seriesId === 'best') return `<b>best run</b>${tipLine('run', bestId)}${tipLine(`step ${p.value[0]}`, fmtNum(p.value[1]))}`;
            const d = p.data ?? {};
            if (p.seriesId === 'stopped') return `<b>stopped early</b>${tipLine('run', d.runId)}${d.reason ? `<div>${escapeHtml(d.reason)}</div>` : ''}`;
            return `${tipLine('run', d.runId)}${tipLine('state', d.state)}${tipLine(`last ${metric}`, fmtNum(d.last))}`;
          },
        },
        yAxis: {},
        series: [
          { id: 'runs', data: items },
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
