/**
 * Parameters → score as parallel coordinates (echarts parallel series), one line per scored
 * run, coloured by score (brighter = better); drag on an axis to filter. Runs in `markedIds`
 * (the Pareto set of a sweep with several objectives) are drawn bold in the best colour.
 */
import { flattenConfig, fmtNum, valueLabel } from '../format.js';
import { baseOption, makeChart, parameterAxis, parameterChartBox, scoredRuns, theme, tipLine } from '../charts.js';

export function createParallelChart({ onOpen }) {
  const { el, box, canDraw } = parameterChartBox('parallel', 'chart tall');
  const t = theme();
  let chart = null;
  let signature = '';
  /** Run id of each line (data are plain arrays: much cheaper for echarts than objects). */
  let runIds = [];
  let bestRunId = null;
  let markedRunIds = [];

  return {
    el: box,
    update({ runs, params, metric, bestId, markedIds = new Set() }) {
      const scored = scoredRuns(runs);
      const sig = `${params.map((p) => p.name).join(',')}|${metric?.name}|${bestId}|${[...markedIds].join(',')}|${scored.map((r) => `${r.id}:${r.score}`).join(',')}`;
      if (sig === signature) return;
      signature = sig;
      if (!canDraw(scored, params)) {
        chart?.chart.clear();
        return;
      }
      if (!chart) {
        chart = makeChart(el);
        chart.chart.on('click', (p) => {
          const runId = p.seriesId === 'best' ? bestRunId : p.seriesId === 'marked' ? markedRunIds[p.dataIndex] : runIds[p.dataIndex];
          if (runId) onOpen(runId);
        });
      }
      const flat = scored.map((r) => flattenConfig(r.config));
      const axes = parallelAxes(params, flat, metric, t);
      const n = params.length;
      runIds = [];
      bestRunId = null;
      markedRunIds = [];
      const data = [];
      const marked = [];
      let bestLine = [];
      scored.forEach((r, k) => {
        const row = [...params.map((p) => (p.kind === 'category' ? valueLabel(flat[k][p.name]) : (flat[k][p.name] ?? null))), r.score];
        if (r.id === bestId) {
          bestRunId = r.id;
          bestLine = [row];
        } else if (markedIds.has(r.id)) {
          marked.push(row);
          markedRunIds.push(r.id);
        } else {
          data.push(row);
          runIds.push(r.id);
        }
      });
      chart.chart.setOption(
        {
          ...baseOption(t),
          tooltip: {
            ...baseOption(t).tooltip,
            trigger: 'item',
            formatter: (p) => `${tipLine('run', p.seriesId === 'best' ? `${bestRunId} (best)` : p.seriesId === 'marked' ? `${markedRunIds[p.dataIndex]} (Pareto)` : runIds[p.dataIndex])}${params.map((q, i) => tipLine(q.name, typeof p.value[i] === 'number' ? fmtNum(p.value[i]) : p.value[i])).join('')}${tipLine(metric?.name ?? 'score', fmtNum(p.value[n]))}`,
          },
          parallel: parallelLayout(t),
          parallelAxis: axes,
          visualMap: scoreColours(n, scored.map((r) => r.score), metric, t),
          series: [
            { id: 'parallel', type: 'parallel', smooth: false, lineStyle: { width: 1, opacity: 0.5 }, emphasis: { lineStyle: { width: 2.5, opacity: 1 } }, inactiveOpacity: 0.04, activeOpacity: 1, progressive: 0, data },
            { id: 'marked', type: 'parallel', smooth: false, lineStyle: { width: 2, opacity: 0.9, color: t.best }, z: 4, data: marked },
            { id: 'best', type: 'parallel', smooth: false, lineStyle: { width: 3, opacity: 1, color: t.best }, z: 5, data: bestLine },
          ],
        },
        { replaceMerge: ['parallelAxis'] },
      );
    },
    dispose() {
      chart?.dispose();
    },
  };
}

/** One axis per parameter (categories: the declared values and those seen; log when asked and every value is positive), then the score. */
function parallelAxes(params, flat, metric, t) {
  const axes = params.map((p, i) => {
    const axis = parameterAxis(p, flat);
    return axis.type === 'category' ? { dim: i, name: p.name, ...axis } : { dim: i, name: p.name, type: axis.type, scale: true };
  });
  axes.push({ dim: params.length, name: metric?.name ?? 'score', type: 'value', scale: true, nameTextStyle: { color: t.best, fontWeight: 'bold' } });
  return axes;
}

/** The parallel coordinates' box and axis style. */
function parallelLayout(t) {
  return {
    left: 48,
    right: 70,
    top: 36,
    bottom: 24,
    parallelAxisDefault: {
      nameLocation: 'end',
      nameGap: 10,
      nameTextStyle: { color: t.fg, fontSize: 11 },
      nameTruncate: { maxWidth: 110 },
      axisLine: { lineStyle: { color: t.faint } },
      axisTick: { lineStyle: { color: t.faint } },
      axisLabel: { color: t.fg, fontSize: 10, hideOverlap: true, backgroundColor: t.bg, padding: [1, 3], borderRadius: 3, opacity: 0.9 },
      areaSelectStyle: { width: 14, opacity: 0.25 },
    },
  };
}

/** Lines coloured by score along dimension `n` (brighter = better for the goal), with the scale at the right. */
function scoreColours(n, scores, metric, t) {
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  return {
    type: 'continuous',
    show: true,
    dimension: n,
    min: min === max ? min - 1 : min,
    max: min === max ? max + 1 : max,
    inRange: { color: metric?.goal === 'maximize' ? t.ramp : [...t.ramp].reverse() },
    right: 4,
    top: 'middle',
    itemHeight: 140,
    itemWidth: 10,
    calculable: false,
    textStyle: { color: t.muted, fontSize: 10 },
    formatter: (v) => fmtNum(v),
    seriesIndex: 0,
  };
}
