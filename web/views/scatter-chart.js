/** Score against each parameter: one small scatter per parameter, in one echarts instance. */
import { flattenConfig, fmtNum, valueLabel } from '../format.js';
import { axisStyle, baseOption, makeChart, parameterAxis, parameterChartBox, scoredRuns, theme, tipLine } from '../charts.js';

const CELL_PX = 210;

export function createScatterChart({ onOpen }) {
  const { el, box, canDraw } = parameterChartBox('scatter', 'chart');
  const t = theme();
  let chart = null;
  let signature = '';
  let lastLayout = '';

  const colorOf = (state) => (state === 'stopped' ? t.stopped : state === 'running' ? t.running : state === 'finished' ? t.accent : t.faint);

  return {
    el: box,
    update({ runs, params, metric, bestId }) {
      const scored = scoredRuns(runs);
      const sig = `${params.map((p) => p.name).join(',')}|${bestId}|${scored.map((r) => `${r.id}:${r.score}:${r.state}`).join(',')}`;
      if (sig === signature) return;
      signature = sig;
      if (!canDraw(scored, params)) {
        chart?.chart.clear();
        lastLayout = '';
        return;
      }
      const n = Math.max(1, params.length);
      const width = el.clientWidth || 1200;
      const cols = Math.max(1, Math.min(n, Math.floor(width / 300) || 1));
      const rows = Math.ceil(n / cols);
      el.style.height = `${rows * CELL_PX}px`;
      if (!chart) {
        chart = makeChart(el);
        chart.chart.on('click', (p) => p.data?.[2] && onOpen(p.data[2]));
      } else chart.chart.resize();
      const layout = `${params.map((p) => p.name).join(',')}|${cols}`;
      const flat = scored.map((r) => flattenConfig(r.config));
      const grids = [];
      const xAxes = [];
      const yAxes = [];
      const series = [];
      params.forEach((p, i) => {
        const col = i % cols;
        const row = Math.floor(i / cols);
        grids.push({ left: `${(col / cols) * 100 + 4.5}%`, width: `${100 / cols - 6.5}%`, top: row * CELL_PX + 14, height: CELL_PX - 62 });
        const { type, data: categories } = parameterAxis(p, flat);
        xAxes.push({ gridIndex: i, type, data: categories, scale: true, name: p.name, nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: t.fg, fontSize: 11 }, ...axisStyle(t), splitLine: { show: false }, nameTruncate: { maxWidth: 200 } });
        yAxes.push({ gridIndex: i, type: 'value', scale: true, ...axisStyle(t), axisLabel: { ...axisStyle(t).axisLabel, formatter: (v) => fmtNum(v) } });
        // One series per state group (fixed colour), so large sweeps can use echarts' large mode.
        const groups = { finished: [], stopped: [], running: [], other: [] };
        const best = [];
        scored.forEach((r, k) => {
          const raw = flat[k][p.name];
          const x = p.kind === 'category' ? valueLabel(raw) : raw;
          if (x === undefined || x === null) return;
          const point = [x, r.score, r.id, r.state, i];
          if (r.id === bestId) best.push(point);
          else (groups[r.state] ?? groups.other).push(point);
        });
        // A fixed set of series per parameter (ids stable), so live updates merge instead of rebuilding.
        for (const [state, points] of Object.entries(groups)) {
          series.push({ id: `${i}:${state}`, type: 'scatter', xAxisIndex: i, yAxisIndex: i, symbolSize: 5, data: points, itemStyle: { color: colorOf(state), opacity: 0.7 }, large: true, largeThreshold: 400 });
        }
        series.push({ id: `${i}:best`, type: 'scatter', xAxisIndex: i, yAxisIndex: i, symbolSize: 11, data: best, itemStyle: { color: t.best, borderColor: t.bg, borderWidth: 1.5 }, z: 5 });
      });
      chart.chart.setOption(
        {
          ...baseOption(t),
          tooltip: { ...baseOption(t).tooltip, trigger: 'item', formatter: (q) => pointTip(q, params, metric) },
          grid: grids,
          xAxis: xAxes,
          yAxis: yAxes,
          series,
        },
        // Rebuild only when the layout (parameters, columns) changed; otherwise merge by id.
        { notMerge: layout !== lastLayout },
      );
      lastLayout = layout;
    },
    dispose() {
      chart?.dispose();
    },
  };
}

/** A point's tooltip: run, state, the parameter's value and the score. */
function pointTip(q, params, metric) {
  const p = params[q.data[4]];
  return `${tipLine('run', q.data[2])}${tipLine('state', q.data[3])}${p ? tipLine(p.name, typeof q.data[0] === 'number' ? fmtNum(q.data[0]) : q.data[0]) : ''}${tipLine(metric?.name ?? 'score', fmtNum(q.data[1]))}`;
}
