/**
 * The sweep page's runs and curves, kept up to date cheaply: the active runs every tick; runs
 * created and ended between two ticks from the newest page; ended runs' final state and curves
 * from their details, MAX_CURVE_FETCHES per tick. Far behind: the whole list again.
 */
import { allRuns, api, fetchCurves } from '../../api.js';
import { attemptOfRow, latestAttempt } from '../../shared/run-states.js';

export const ACTIVE = new Set(['pending', 'running']);
/** Run details (final state, curve) fetched per tick at most; the rest wait for the next ticks. */
const MAX_CURVE_FETCHES = 16;

/** A run's curve of `metricName` from its history: the latest attempt only, as the curves endpoint gives it. */
function pointsOf(history, metricName) {
  const last = latestAttempt(history);
  const points = [];
  for (const row of history) {
    const v = row[metricName];
    if (attemptOfRow(row) === last && typeof v === 'number' && Number.isFinite(v)) points.push(row._step, v);
  }
  return Float64Array.from(points);
}

/** `model` holds `sweep`, `runs` (id → summary), `curves` (id → Float64Array step, value, …) and `metricName`. */
export function createRunSync(model) {
  const base = `sweeps/${encodeURIComponent(model.sweepId)}`;
  /** Ended runs whose final summary is not fetched yet, and runs with new points: fetched a few per tick. */
  const stale = new Set();
  const curveDue = new Set();

  /** One run's summary and curve from its detail. */
  async function refreshRun(id, signal) {
    const { history, attempts: _attempts, output: _output, ...summary } = await api(`${base}/runs/${encodeURIComponent(id)}`, { signal });
    model.runs.set(id, summary);
    if (model.metricName) model.curves.set(id, pointsOf(history ?? [], model.metricName));
  }

  return {
    /** The curves of the metric shown, all at once. */
    async loadCurves(signal) {
      if (!model.metricName) return;
      ({ curves: model.curves } = await fetchCurves(model.sweepId, model.metricName, signal));
    },

    /** Brings runs and curves up to date; returns the ids that changed. */
    async sync(signal) {
      const changed = new Set();
      const note = (r, prev) => {
        if (prev && prev.steps === r.steps && prev.state === r.state && prev.score === r.score) return;
        changed.add(r.id);
        if (r.steps > 0 && (!prev || prev.steps !== r.steps)) curveDue.add(r.id);
      };
      const counted = Object.values(model.sweep.counts ?? {}).reduce((a, b) => a + b, 0);
      const wasActive = [...model.runs.values()].filter((r) => ACTIVE.has(r.state)).map((r) => r.id);
      const { runs: active } = await api(`${base}/runs?state=pending,running&limit=1000`, { signal });
      const activeIds = new Set(active.map((r) => r.id));
      for (const id of wasActive) if (!activeIds.has(id)) stale.add(id);
      for (const r of active) {
        note(r, model.runs.get(r.id));
        model.runs.set(r.id, r);
      }
      const missing = counted - model.runs.size;
      if (missing > 0 && missing <= 200) {
        const { runs: newest } = await api(`${base}/runs?sort=-created&limit=${missing + 20}`, { signal });
        for (const r of newest) {
          if (model.runs.has(r.id)) continue;
          note(r, undefined);
          model.runs.set(r.id, r);
        }
      }
      if (model.runs.size < counted || stale.size > 4 * MAX_CURVE_FETCHES) {
        const all = await allRuns(model.sweepId, signal, counted);
        for (const r of all) {
          const prev = model.runs.get(r.id);
          note(r, prev);
          if (prev && ACTIVE.has(prev.state) && !ACTIVE.has(r.state)) curveDue.add(r.id);
        }
        model.runs = new Map(all.map((r) => [r.id, r]));
        stale.clear();
      }
      const batch = [...stale].slice(0, MAX_CURVE_FETCHES);
      for (const id of curveDue) {
        if (batch.length >= MAX_CURVE_FETCHES) break;
        if (!batch.includes(id)) batch.push(id);
      }
      await Promise.all(batch.map((id) => refreshRun(id, signal)));
      for (const id of batch) {
        stale.delete(id);
        curveDue.delete(id);
        changed.add(id);
      }
      return [...changed];
    },
  };
}
