/**
 * One sweep, live: best config, how runs learn (curves), which parameters matter (parallel
 * coordinates, importance, score against each parameter), every run (sortable, filterable,
 * virtualised), and the controls. Polls every second; charts merge updates (setOption) and
 * redraw only when their data changed.
 *
 * The page's state is one `model` object; the parts live in sweep/: run-sync.js (runs and
 * curves from the API), sweep-head.js (title, counts, actions), sweep-charts.js (the charts and
 * cards), metric-picker.js, state-filters.js, runs-columns.js, download-csv.js and
 * versions-card.js. This file lays them out and
 * sequences the first load and each tick.
 */
import { allRuns, api, ApiError, fetchCurves } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { parametersFromRuns, searchedParameters } from '../format.js';
import { poll } from '../poll.js';
import { whenEcharts } from '../charts.js';
import { createRunsTable } from '../runs-table.js';
import { createMetricPicker } from './sweep/metric-picker.js';
import { ACTIVE, createRunSync } from './sweep/run-sync.js';
import { runsColumns } from './sweep/runs-columns.js';
import { createStateFilters } from './sweep/state-filters.js';
import { createSweepCharts, mark } from './sweep/sweep-charts.js';
import { createSweepHead } from './sweep/sweep-head.js';
import { createDownloadButton } from './sweep/download-csv.js';
import { createVersionsCard } from './sweep/versions-card.js';
import { provenanceNotice } from '../views/provenance-notice.js';

/** The page's state, one object instead of a dozen shared variables. */
function newModel(sweepId) {
  return {
    sweepId,
    /** The sweep's detail (GET /sweeps/:id), fresh each tick. */
    sweep: null,
    /** The searched parameters: `[{ name, kind, log, values? }]`. */
    params: [],
    /** runId → run summary. */
    runs: new Map(),
    /** runId → Float64Array `step0, value0, step1, value1, ...` of the metric shown in the curves chart. */
    curves: new Map(),
    metricName: null,
    /** States the runs table shows (empty: all). */
    filter: new Set(),
    /** Several objectives: the Pareto set's run ids (GET .../objectives), marked in the table and parallel coordinates. */
    paretoIds: new Set(),
  };
}

export function mountSweep(main, { sweepId }, ctx) {
  const runHref = (run) => `#/sweeps/${encodeURIComponent(sweepId)}/runs/${encodeURIComponent(run.id ?? run)}`;
  const model = newModel(sweepId);
  /** The mounted page: `parts` are made once the sweep is known (layout). */
  const p = { main, ctx, model, sync: createRunSync(model), base: `sweeps/${encodeURIComponent(sweepId)}`, runHref, open: (runId) => (location.hash = runHref(runId)), parts: null };
  const poller = poll(
    async (signal) => {
      if (p.parts) return tick(p, signal);
      try {
        await firstLoad(p, signal);
      } catch (err) {
        if (err instanceof ApiError && err.status !== 401) replaceChildren(main, h('div', { class: 'error-box' }, err.status === 404 ? `No sweep ${sweepId} on this controller.` : err.message), h('a', { href: '#/' }, '← all sweeps'));
        throw err;
      }
    },
    1000,
    ctx,
  );
  ctx.setCrumbs({ label: sweepId });
  return {
    unmount() {
      poller.stop();
      p.parts?.charts.dispose();
      p.parts?.table.dispose?.();
    },
  };
}

function showError(p, err) {
  if (!p.parts || (err instanceof ApiError && err.status === 401)) return;
  replaceChildren(p.parts.error, err ? h('div', { class: 'error-box' }, err.message ?? String(err)) : null);
}

function renderTable(p) {
  const { model } = p;
  const rows = [...model.runs.values()].filter((r) => model.filter.size === 0 || model.filter.has(r.state));
  p.parts.table.setRows(rows);
  p.parts.tableNote.textContent = `${rows.length} of ${model.runs.size} runs`;
}

/** Makes the page's parts and lays them out. */
function layout(p) {
  const { model, ctx, sync } = p;
  const s = model.sweep;
  ctx.setCrumbs({ label: s.name || s.id, href: `#/sweeps/${encodeURIComponent(model.sweepId)}` });
  const head = createSweepHead({ model, ctx, onError: (err) => showError(p, err) });
  const charts = createSweepCharts({ model, ctx, onOpen: p.open });
  const picker = createMetricPicker({
    model,
    onPick: async () => {
      try {
        await sync.loadCurves();
        charts.drawCurves();
      } catch (err) {
        showError(p, err);
      }
    },
  });
  const filters = createStateFilters({ model, onChange: () => renderTable(p) });
  const table = createRunsTable({ columns: runsColumns(model), href: p.runHref, initialSort: { key: 'score', dir: s.metric?.goal === 'maximize' ? -1 : 1 } });
  const versions = createVersionsCard();
  p.parts = { head, charts, picker, filters, table, versions, error: h('div'), tableNote: h('span', { class: 'muted' }) };
  const { views } = charts;
  replaceChildren(
    p.main,
    head.el,
    p.parts.error,
    head.stats,
    provenanceNotice(model.sweepId).el,
    views.pareto ? h('section', { class: 'card', style: { marginBottom: '14px' }, 'data-testid': 'pareto-card' }, h('h2', null, 'Pareto front', h('span', { class: 'right muted' }, 'runs no other run beats on every metric')), views.pareto.el) : null,
    h('div', { class: 'grid side' }, h('section', { class: 'card' }, h('h2', null, 'Curves', h('span', { class: 'right' }, picker.el)), views.curves.el), views.best.el),
    h('div', { class: 'grid side' }, h('section', { class: 'card' }, h('h2', null, 'Parameters → score', h('span', { class: 'right muted' }, 'drag along an axis to filter')), views.parallel.el), views.importance.el),
    h('section', { class: 'card', style: { marginBottom: '14px' } }, h('h2', null, 'Score against each parameter'), views.scatter.el),
    h('section', { class: 'card' }, h('h2', null, 'Runs', h('span', { class: 'right' }, p.parts.tableNote, ' ', createDownloadButton({ sweepId: model.sweepId, onError: (err) => showError(p, err) }))), filters.el, table.el),
    versions.el,
    h(
      'details',
      { class: 'card source' },
      h('summary', null, 'Sweep file', h('span', { class: 'muted' }, ` · seed ${s.seed ?? '—'}`)),
      h('pre', { class: 'code', 'data-testid': 'sweep-source' }, s.source || JSON.stringify(s.config ?? {}, null, 2)),
    ),
  );
}

/**
 * First load: the sweep and every run; the table, parallel coordinates and scatter are drawn as
 * soon as the runs are here, while the (much larger) curves are on their way; the importance
 * forest (a worker) starts once every chart is drawn, so it does not compete with them.
 */
async function firstLoad(p, signal) {
  const { model, sync } = p;
  const detail = await api(p.base, { signal });
  const all = await allRuns(model.sweepId, signal, Object.values(detail.counts ?? {}).reduce((a, b) => a + b, 0));
  mark('runs');
  // Asked for after the runs: on a busy controller the small requests should not queue behind it.
  const curvesPromise = fetchCurves(model.sweepId, null, signal).catch((err) => {
    if (err?.name === 'AbortError' || (err instanceof ApiError && err.status === 401)) throw err;
    return null; // the sweep has no metric: no curves until one is picked
  });
  model.sweep = detail;
  model.runs = new Map(all.map((r) => [r.id, r]));
  model.params = searchedParameters(model.sweep.config?.parameters);
  if (model.params.length === 0) model.params = parametersFromRuns(all);
  layout(p);
  await loadVersions(p, signal);
  const { head, charts, picker, filters } = p.parts;
  head.render();
  filters.render();
  renderTable(p);
  charts.views.best.update(model.sweep.best, model.sweep.metric);
  mark('table');
  await whenEcharts();
  if (signal.aborted) return; // the page was left meanwhile
  await charts.loadObjectives(signal);
  if (model.paretoIds.size > 0) renderTable(p);
  charts.drawAnalysis({ importance: false }); // the forest waits until the charts are drawn
  mark('analysis');
  const curveData = await curvesPromise;
  model.metricName = curveData?.metric ?? model.sweep.metric?.name ?? null;
  if (curveData) model.curves = curveData.curves;
  picker.showCurrent();
  charts.drawCurves();
  mark('curves');
  document.body.dataset.ready = 'sweep';
  charts.views.importance.update([...model.runs.values()], model.params);
  // The other metrics a run logged, for the curves' metric picker: not needed to show the page.
  (async () => {
    if (await picker.choose(signal)) {
      await sync.loadCurves(signal);
      charts.drawCurves();
    }
  })().catch(() => {});
}

/** The sweep file's versions and their differences, once the sweep was edited. */
async function loadVersions(p, signal) {
  if (!(p.model.sweep.version > 1)) return;
  p.parts.versions.update((await api(`${p.base}/versions`, { signal })).versions);
}

/** Every later tick: the sweep, the runs that changed, and what they change on the page. */
async function tick(p, signal) {
  const { model, sync } = p;
  const { head, charts, filters } = p.parts;
  const next = await api(p.base, { signal });
  const bestChanged = model.sweep?.best?.runId !== next.best?.runId;
  const edited = next.version !== model.sweep?.version;
  model.sweep = next;
  if (edited) await loadVersions(p, signal);
  head.render();
  charts.views.best.update(model.sweep.best, model.sweep.metric);
  const changed = await sync.sync(signal);
  // /objectives scores every run from its history: asked again at most every ANALYSIS_EVERY_MS,
  // or at once when a run ended (the Pareto set only changes then).
  const ended = changed.some((id) => !ACTIVE.has(model.runs.get(id)?.state));
  const paretoChanged = changed.length > 0 && charts.objectivesDue(ended) && (await charts.loadObjectives(signal));
  if (changed.length > 0) {
    filters.render();
    renderTable(p);
  }
  if (changed.length > 0 || bestChanged) charts.drawCurves();
  charts.maybeDrawAnalysis({ changed: changed.length > 0, bestChanged, paretoChanged });
  showError(p, null);
}
