/**
 * The sweep page's charts and cards: best config, curves, parallel coordinates, importance,
 * score against each parameter and (several objectives) the Pareto front. Curves follow every
 * change; the parameter charts and importance at most every ANALYSIS_EVERY_MS while only scores move.
 */
import { api } from '../../api.js';
import { scoredRuns } from '../../charts.js';
import { createBestConfig } from '../../views/best-config.js';
import { createCurvesChart } from '../../views/curves-chart.js';
import { createImportanceCard } from '../../views/importance-card.js';
import { createParallelChart } from '../../views/parallel-chart.js';
import { createParetoChart } from '../../views/pareto-chart.js';
import { createScatterChart } from '../../views/scatter-chart.js';

/** Parameter charts, importance and the Pareto set are refreshed at most this often while only scores move. */
export const ANALYSIS_EVERY_MS = 3000;

/** Performance marks of the first load (bench/dashboard.ts prints them). */
export function mark(name) {
  performance.mark(`hs:${name}`);
}

/** Each run's rank among the scored ones, 0 (worst) … 1 (best), for the curves' colours. */
function quality(model) {
  const scored = scoredRuns([...model.runs.values()]);
  const dir = model.sweep.metric?.goal === 'maximize' ? 1 : -1;
  scored.sort((a, b) => (a.score - b.score) * dir);
  const q = new Map();
  scored.forEach((r, i) => q.set(r.id, scored.length === 1 ? 1 : i / (scored.length - 1)));
  return q;
}

export function createSweepCharts({ model, ctx, onOpen }) {
  const base = `sweeps/${encodeURIComponent(model.sweepId)}`;
  const views = {
    best: createBestConfig({ sweepId: model.sweepId, ctx }),
    curves: createCurvesChart({ onOpen }),
    parallel: createParallelChart({ onOpen }),
    importance: createImportanceCard(),
    scatter: createScatterChart({ onOpen }),
  };
  if ((model.sweep.config?.metrics?.length ?? 0) > 1) views.pareto = createParetoChart({ onOpen });
  let objectivesAt = 0;
  let analysisDirty = false;
  let analysisAt = 0;
  let analysisRunCount = 0;

  return {
    views,

    /** Several objectives: each run's values and the Pareto set (model.paretoIds), for the Pareto view; true when the set changed. */
    async loadObjectives(signal) {
      if (!views.pareto) return false;
      objectivesAt = Date.now();
      const data = await api(`${base}/objectives`, { signal });
      const ids = new Set(data.runs.filter((r) => r.pareto).map((r) => r.runId));
      const changed = ids.size !== model.paretoIds.size || [...ids].some((id) => !model.paretoIds.has(id));
      model.paretoIds = ids;
      views.pareto.update(data);
      return changed;
    },

    /** Whether the Pareto set is due again: at once when a run ended, else every ANALYSIS_EVERY_MS. */
    objectivesDue(ended) {
      return ended || Date.now() - objectivesAt >= ANALYSIS_EVERY_MS;
    },

    drawCurves() {
      views.curves.update({ curves: model.curves, runs: model.runs, quality: quality(model), bestId: model.sweep.best?.runId ?? null, metric: model.metricName });
    },

    drawAnalysis({ importance = true } = {}) {
      analysisDirty = false;
      analysisAt = Date.now();
      analysisRunCount = model.runs.size;
      const list = [...model.runs.values()];
      const args = { runs: list, params: model.params, metric: model.sweep.metric, bestId: model.sweep.best?.runId ?? null, markedIds: model.paretoIds };
      views.parallel.update(args);
      mark('parallel');
      views.scatter.update(args);
      mark('scatter');
      views.best.updateTop(list, model.params, model.sweep.metric?.goal);
      if (importance) views.importance.update(list, model.params);
    },

    /**
     * After a tick: the parameter charts and importance follow every score, but at most every
     * ANALYSIS_EVERY_MS unless runs were added, the best or the Pareto set changed.
     */
    maybeDrawAnalysis({ changed, bestChanged, paretoChanged }) {
      analysisDirty ||= changed || paretoChanged;
      const added = model.runs.size !== analysisRunCount;
      if (analysisDirty && (bestChanged || paretoChanged || added || Date.now() - analysisAt >= ANALYSIS_EVERY_MS)) this.drawAnalysis();
    },

    dispose() {
      for (const v of Object.values(views)) v.dispose?.();
    },
  };
}
