/**
 * One sweep, live: best config, how runs learn (curves), which parameters matter (parallel
 * coordinates, importance, score against each parameter), every run (sortable, filterable,
 * virtualised), and the controls. Polls every second; charts merge updates (setOption) and
 * redraw only when their data changed.
 */
import { allRuns, api, ApiError, fetchCurves } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { flattenConfig, fmtAge, fmtNum, fmtSpan, parametersFromRuns, runDurationMs, searchedParameters, STATE_ORDER, valueLabel } from '../format.js';
import { poll } from '../poll.js';
import { whenEcharts } from '../charts.js';
import { createRunsTable } from '../runs-table.js';
import { createBestConfig } from '../views/best-config.js';
import { createCurvesChart } from '../views/curves-chart.js';
import { createImportanceCard } from '../views/importance-card.js';
import { createParallelChart } from '../views/parallel-chart.js';
import { createParetoChart } from '../views/pareto-chart.js';
import { createScatterChart } from '../views/scatter-chart.js';

/** Performance marks of the first load (bench/dashboard.ts prints them). */
function mark(name) {
  performance.mark(`hs:${name}`);
}

const ACTIVE = new Set(['pending', 'running']);
/** Run details (final state, curve) fetched per tick at most; the rest wait for the next ticks. */
const MAX_CURVE_FETCHES = 16;
/** Parameter charts and importance are redrawn at most this often while only scores move. */
const ANALYSIS_EVERY_MS = 3000;

export function mountSweep(main, { sweepId }, ctx) {
  const base = `sweeps/${encodeURIComponent(sweepId)}`;
  const runHref = (run) => `#/sweeps/${encodeURIComponent(sweepId)}/runs/${encodeURIComponent(run.id ?? run)}`;
  const open = (runId) => (location.hash = runHref(runId));

  let sweep = null;
  let params = [];
  /** @type {Map<string, any>} */
  let runs = new Map();
  /** runId → Float64Array `step0, value0, step1, value1, ...` of the metric shown in the curves chart */
  let curves = new Map();
  let metricName = null;
  let metricChoices = [];
  let filter = new Set();
  /** Several objectives: the Pareto set's run ids (GET .../objectives), marked in the table and parallel coordinates. */
  let paretoIds = new Set();
  let objectivesAt = 0;
  let built = false;
  let busy = false;

  const views = {};
  const el = {};

  /** Several objectives: each run's values and the Pareto set, for the Pareto view; true when the set changed. */
  async function loadObjectives(signal) {
    if (!views.pareto) return false;
    objectivesAt = Date.now();
    const data = await api(`${base}/objectives`, { signal });
    const ids = new Set(data.runs.filter((r) => r.pareto).map((r) => r.runId));
    const changed = ids.size !== paretoIds.size || [...ids].some((id) => !paretoIds.has(id));
    paretoIds = ids;
    views.pareto.update(data);
    return changed;
  }

  async function loadCurves(signal) {
    if (!metricName) return;
    ({ curves } = await fetchCurves(sweepId, metricName, signal));
  }

  /** Ended runs whose final summary is not fetched yet, and runs with new points: fetched a few per tick. */
  const stale = new Set();
  const curveDue = new Set();

  function pointsOf(history) {
    // The latest attempt only, as the curves endpoint does.
    const lastAttempt = history.reduce((m, row) => Math.max(m, row._attempt ?? 1), 1);
    const points = [];
    for (const row of history) {
      const v = row[metricName];
      if ((row._attempt ?? 1) === lastAttempt && typeof v === 'number' && Number.isFinite(v)) points.push(row._step, v);
    }
    return Float64Array.from(points);
  }

  /** One run's summary and curve from its detail. */
  async function refreshRun(id, signal) {
    const { history, attempts: _attempts, output: _output, ...summary } = await api(`${base}/runs/${encodeURIComponent(id)}`, { signal });
    runs.set(id, summary);
    if (metricName) curves.set(id, pointsOf(history ?? []));
  }

  /**
   * Bring runs (and curves) up to date cheaply: the active runs every tick; runs created and
   * ended between two ticks from the newest page; ended runs' final state and curves from their
   * details, MAX_CURVE_FETCHES per tick. Far behind: the whole list again. Returns the changed ids.
   */
  async function syncRuns(signal) {
    const changed = new Set();
    const note = (r, prev) => {
      if (prev && prev.steps === r.steps && prev.state === r.state && prev.score === r.score) return;
      changed.add(r.id);
      if (r.steps > 0 && (!prev || prev.steps !== r.steps)) curveDue.add(r.id);
    };
    const counted = Object.values(sweep.counts ?? {}).reduce((a, b) => a + b, 0);
    const wasActive = [...runs.values()].filter((r) => ACTIVE.has(r.state)).map((r) => r.id);
    const { runs: active } = await api(`${base}/runs?state=pending,running&limit=1000`, { signal });
    const activeIds = new Set(active.map((r) => r.id));
    for (const id of wasActive) if (!activeIds.has(id)) stale.add(id);
    for (const r of active) {
      note(r, runs.get(r.id));
      runs.set(r.id, r);
    }
    const missing = counted - runs.size;
    if (missing > 0 && missing <= 200) {
      const { runs: newest } = await api(`${base}/runs?sort=-created&limit=${missing + 20}`, { signal });
      for (const r of newest) {
        if (runs.has(r.id)) continue;
        note(r, undefined);
        runs.set(r.id, r);
      }
    }
    if (runs.size < counted || stale.size > 4 * MAX_CURVE_FETCHES) {
      const all = await allRuns(sweepId, signal, counted);
      for (const r of all) {
        const prev = runs.get(r.id);
        note(r, prev);
        if (prev && ACTIVE.has(prev.state) && !ACTIVE.has(r.state)) curveDue.add(r.id);
      }
      runs = new Map(all.map((r) => [r.id, r]));
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
  }

  function build() {
    built = true;
    const s = sweep;
    ctx.setCrumbs({ label: s.name || s.id, href: `#/sweeps/${encodeURIComponent(sweepId)}` });
    el.title = h('h1', null, s.name || s.id);
    el.badges = h('span');
    el.sub = h('div', { class: 'sub' });
    el.actions = h('div', { class: 'actions' });
    el.stats = h('div', { class: 'stats', 'data-testid': 'stats' });
    el.error = h('div');
    views.best = createBestConfig({ sweepId, ctx });
    views.curves = createCurvesChart({ onOpen: open });
    views.parallel = createParallelChart({ onOpen: open });
    views.importance = createImportanceCard();
    views.scatter = createScatterChart({ onOpen: open });
    if ((s.config?.metrics?.length ?? 0) > 1) views.pareto = createParetoChart({ onOpen: open });
    el.metricSelect = h('select', { 'aria-label': 'Metric', onchange: async (e) => {
      metricName = e.target.value;
      try {
        await loadCurves();
        drawCurves();
      } catch (err) {
        showError(err);
      }
    } });
    el.filters = h('div', { class: 'filters', 'data-testid': 'state-filters' });
    el.tableNote = h('span', { class: 'right muted' });
    views.table = createRunsTable({ columns: columns(), href: runHref, initialSort: { key: 'score', dir: s.metric?.goal === 'maximize' ? -1 : 1 } });

    replaceChildren(
      main,
      h('div', { class: 'page-head' }, h('div', null, h('div', { style: { display: 'flex', gap: '10px', alignItems: 'center', flexWrap: 'wrap' } }, el.title, el.badges), el.sub), el.actions),
      el.error,
      el.stats,
      views.pareto ? h('section', { class: 'card', style: { marginBottom: '14px' }, 'data-testid': 'pareto-card' }, h('h2', null, 'Pareto front', h('span', { class: 'right muted' }, 'runs no other run beats on every metric')), views.pareto.el) : null,
      h('div', { class: 'grid side' }, h('section', { class: 'card' }, h('h2', null, 'Curves', h('span', { class: 'right' }, el.metricSelect)), views.curves.el), views.best.el),
      h('div', { class: 'grid side' }, h('section', { class: 'card' }, h('h2', null, 'Parameters → score', h('span', { class: 'right muted' }, 'drag along an axis to filter')), views.parallel.el), views.importance.el),
      h('section', { class: 'card', style: { marginBottom: '14px' } }, h('h2', null, 'Score against each parameter'), views.scatter.el),
      h('section', { class: 'card' }, h('h2', null, 'Runs', el.tableNote), el.filters, views.table.el),
      h(
        'details',
        { class: 'card source' },
        h('summary', null, 'Sweep file', h('span', { class: 'muted' }, ` · seed ${s.seed ?? '—'}`)),
        h('pre', { class: 'code', 'data-testid': 'sweep-source' }, s.source || JSON.stringify(s.config ?? {}, null, 2)),
      ),
    );
  }

  /** Flattened configs, computed once per run object (sorting calls this n log n times). */
  const flatCache = new WeakMap();
  function flatOf(run) {
    let flat = flatCache.get(run);
    if (!flat) {
      flat = flattenConfig(run.config);
      flatCache.set(run, flat);
    }
    return flat;
  }

  function columns() {
    const cols = [
      { key: 'state', label: 'state', px: 88, value: (r) => STATE_ORDER.indexOf(r.state), text: (r) => r.state, cell: (r) => h('span', { class: `s-${r.state}` }, r.state) },
      { key: 'id', label: 'run', px: 120, value: (r) => r.id, text: (r) => r.id, cell: (r) => h('span', { class: `mono${r.id === sweep.best?.runId || paretoIds.has(r.id) ? ' is-best' : ''}${paretoIds.has(r.id) ? ' is-pareto' : ''}`, title: paretoIds.has(r.id) ? `${r.id} (Pareto)` : r.id }, paretoIds.has(r.id) ? `◆ ${r.id}` : r.id) },
    ];
    for (const p of params) {
      cols.push({
        key: `p:${p.name}`,
        label: p.name,
        px: 110,
        align: p.kind === 'number' ? 'right' : undefined,
        title: `Sort by ${p.name}`,
        value: (r) => {
          const v = flatOf(r)[p.name];
          return typeof v === 'number' ? v : v === undefined ? null : valueLabel(v);
        },
        text: (r) => {
          const v = flatOf(r)[p.name];
          return typeof v === 'number' ? fmtNum(v) : valueLabel(v);
        },
      });
    }
    const goalDir = sweep.metric?.goal === 'maximize' ? -1 : 1;
    cols.push(
      { key: 'score', label: sweep.metric?.name ?? 'score', px: 96, align: 'right', defaultDir: goalDir, title: 'Sort by score (best first)', value: (r) => r.score, text: (r) => fmtNum(r.score), cell: (r) => h('span', { class: r.id === sweep.best?.runId ? 'is-best' : '' }, fmtNum(r.score)) },
      { key: 'steps', label: 'steps', px: 64, align: 'right', defaultDir: -1, value: (r) => r.steps, text: (r) => String(r.steps ?? 0) },
      { key: 'duration', label: 'duration', px: 84, align: 'right', defaultDir: -1, value: (r) => runDurationMs(r), text: (r) => { const d = runDurationMs(r); return d === null ? '—' : fmtSpan(d); } },
      { key: 'why', label: 'stop reason', px: 220, flex: true, value: (r) => whyText(r) || null, text: (r) => whyText(r) },
      { key: 'created', label: 'created', px: 84, align: 'right', defaultDir: -1, value: (r) => r.createdAt, text: (r) => fmtAge(r.createdAt) },
    );
    return cols;
  }

  function whyText(r) {
    if (r.stopReason) return r.stopReason;
    if (r.state === 'failed' || r.state === 'crashed') return r.exitCode !== null && r.exitCode !== undefined ? `exit code ${r.exitCode}` : r.state;
    if (r.state === 'canceled') return 'canceled';
    return '';
  }

  function renderHead() {
    const s = sweep;
    el.title.textContent = s.name || s.id;
    document.title = `${s.name || s.id} · hypersweep`;
    replaceChildren(
      el.badges,
      h('span', { class: `badge s-${s.state}`, 'data-testid': 'sweep-state' }, s.state),
      ' ',
      h('span', { class: 'muted' }, `${s.method}${s.metric ? ` · ${s.metric.goal} ${s.metric.name}` : ''}`),
    );
    replaceChildren(el.sub, h('span', { class: 'mono' }, s.id), ` · created ${fmtAge(s.createdAt)}`, s.finishedAt ? ` · ended after ${fmtSpan(s.finishedAt - s.createdAt)}` : '', s.stateReason ? ` · ${s.stateReason}` : '');
    const c = s.counts ?? {};
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const stat = (k, v, cls) => h('div', { class: 'stat' }, h('span', { class: `v ${cls ?? ''}` }, v), h('span', { class: 'k' }, k));
    replaceChildren(
      el.stats,
      stat('runs', s.total ? `${total} / ${s.total}` : String(total)),
      stat('running', String(c.running ?? 0), 's-running'),
      stat('pending', String(c.pending ?? 0)),
      stat('finished', String(c.finished ?? 0), 's-finished'),
      stat('stopped early', String(c.stopped ?? 0), 's-stopped'),
      stat('failed', String(c.failed ?? 0), 's-failed'),
      stat('crashed', String(c.crashed ?? 0), 's-crashed'),
      stat('canceled', String(c.canceled ?? 0)),
      stat(`best ${s.metric?.name ?? ''}`, s.best ? fmtNum(s.best.value) : '—', 'is-best'),
    );
    renderActions();
  }

  let confirming = null;
  function renderActions() {
    const st = sweep.state;
    const live = st === 'running' || st === 'paused';
    const button = (action, label, enabled, title, cls = '') =>
      h('button', { class: `btn ${cls}`, type: 'button', disabled: !enabled || busy, title, dataset: { action }, onclick: () => act(action) }, confirming === action ? `Confirm ${label.toLowerCase()}?` : label);
    replaceChildren(
      el.actions,
      st === 'paused' ? button('resume', 'Resume', true, 'Start proposing runs again') : button('pause', 'Pause', st === 'running', 'Propose no new runs; running runs go on'),
      button('stop', 'Stop', live, 'Finish the sweep: no new runs; running runs are stopped gracefully', confirming === 'stop' ? 'danger' : ''),
      button('cancel', 'Cancel', live, 'Cancel the sweep: running runs are killed now', 'danger'),
    );
  }

  async function act(action) {
    if ((action === 'stop' || action === 'cancel') && confirming !== action) {
      confirming = action;
      renderActions();
      setTimeout(() => {
        if (confirming === action) {
          confirming = null;
          renderActions();
        }
      }, 4000);
      return;
    }
    confirming = null;
    busy = true;
    renderActions();
    try {
      const summary = await api(`${base}/${action}`, { method: 'POST' });
      sweep = { ...sweep, ...summary };
      ctx.toast(`Sweep ${summary.state}`);
    } catch (err) {
      showError(err);
    } finally {
      busy = false;
      renderHead();
    }
  }

  function showError(err) {
    if (err instanceof ApiError && err.status === 401) return;
    replaceChildren(el.error, err ? h('div', { class: 'error-box' }, err.message ?? String(err)) : null);
  }

  function renderFilters() {
    const counts = {};
    for (const r of runs.values()) counts[r.state] = (counts[r.state] ?? 0) + 1;
    const chip = (state, label, n) =>
      h(
        'button',
        {
          type: 'button',
          class: `chip${(state === null ? filter.size === 0 : filter.has(state)) ? ' on' : ''}`,
          dataset: { state: state ?? 'all' },
          'aria-pressed': String(state === null ? filter.size === 0 : filter.has(state)),
          onclick: () => {
            if (state === null) filter.clear();
            else if (filter.has(state)) filter.delete(state);
            else filter.add(state);
            renderFilters();
            renderTable();
          },
        },
        state ? h('span', { class: `s-${state}` }, '●') : null,
        label,
        h('span', { class: 'n' }, String(n)),
      );
    replaceChildren(el.filters, chip(null, 'all', runs.size), STATE_ORDER.filter((s) => counts[s]).map((s) => chip(s, s, counts[s])));
  }

  function renderTable() {
    const rows = [...runs.values()].filter((r) => filter.size === 0 || filter.has(r.state));
    views.table.setRows(rows);
    el.tableNote.textContent = `${rows.length} of ${runs.size} runs`;
  }

  function quality() {
    const scored = [...runs.values()].filter((r) => typeof r.score === 'number' && Number.isFinite(r.score));
    const dir = sweep.metric?.goal === 'maximize' ? 1 : -1;
    scored.sort((a, b) => (a.score - b.score) * dir);
    const q = new Map();
    scored.forEach((r, i) => q.set(r.id, scored.length === 1 ? 1 : i / (scored.length - 1)));
    return q;
  }

  function drawCurves() {
    views.curves.update({ curves, runs, quality: quality(), bestId: sweep.best?.runId ?? null, metric: metricName });
  }

  let analysisDirty = false;
  let analysisAt = 0;
  let analysisRunCount = 0;
  function drawAnalysis({ importance = true } = {}) {
    analysisDirty = false;
    analysisAt = Date.now();
    analysisRunCount = runs.size;
    const list = [...runs.values()];
    const args = { runs: list, params, metric: sweep.metric, bestId: sweep.best?.runId ?? null, markedIds: paretoIds };
    views.parallel.update(args);
    mark('parallel');
    views.scatter.update(args);
    mark('scatter');
    views.best.updateTop(list, params, sweep.metric?.goal);
    if (importance) views.importance.update(list, params);
  }

  async function chooseMetrics(signal) {
    metricChoices = sweep.metric ? [sweep.metric.name] : [];
    const probe = sweep.best?.runId ?? [...runs.values()].find((r) => r.steps > 0)?.id;
    if (probe) {
      try {
        const run = await api(`${base}/runs/${encodeURIComponent(probe)}`, { signal });
        for (const row of run.history ?? []) for (const k of Object.keys(row)) if (!k.startsWith('_') && !metricChoices.includes(k)) metricChoices.push(k);
      } catch (err) {
        if (err?.name === 'AbortError') throw err;
      }
    }
    if (metricName && !metricChoices.includes(metricName)) metricChoices.unshift(metricName);
    const pick = !metricName && metricChoices.length > 0;
    if (pick) metricName = metricChoices[0];
    replaceChildren(el.metricSelect, metricChoices.map((m) => h('option', { value: m, selected: m === metricName }, m)));
    if (pick) {
      await loadCurves(signal);
      drawCurves();
    }
  }

  /**
   * First load: the sweep and every run; the table, parallel coordinates and scatter are drawn as
   * soon as the runs are here, while the (much larger) curves are on their way; the importance
   * forest (a worker) starts once every chart is drawn, so it does not compete with them.
   */
  async function firstLoad(signal) {
    const detail = await api(base, { signal });
    const all = await allRuns(sweepId, signal, Object.values(detail.counts ?? {}).reduce((a, b) => a + b, 0));
    mark('runs');
    // Asked for after the runs: on a busy controller the small requests should not queue behind it.
    const curvesPromise = fetchCurves(sweepId, null, signal).catch((err) => {
      if (err?.name === 'AbortError' || (err instanceof ApiError && err.status === 401)) throw err;
      return null; // the sweep has no metric: no curves until one is picked
    });
    sweep = detail;
    runs = new Map(all.map((r) => [r.id, r]));
    params = searchedParameters(sweep.config?.parameters);
    if (params.length === 0) params = parametersFromRuns(all);
    build();
    renderHead();
    renderFilters();
    renderTable();
    views.best.update(sweep.best, sweep.metric);
    mark('table');
    await whenEcharts();
    if (signal.aborted) return; // the page was left meanwhile
    await loadObjectives(signal);
    if (paretoIds.size > 0) renderTable();
    drawAnalysis({ importance: false }); // the forest waits until the charts are drawn
    mark('analysis');
    const curveData = await curvesPromise;
    metricName = curveData?.metric ?? sweep.metric?.name ?? null;
    if (curveData) curves = curveData.curves;
    replaceChildren(el.metricSelect, metricName ? h('option', { value: metricName, selected: true }, metricName) : null);
    drawCurves();
    mark('curves');
    document.body.dataset.ready = 'sweep';
    views.importance.update([...runs.values()], params);
    // The other metrics a run logged, for the curves' metric picker: not needed to show the page.
    chooseMetrics(signal).catch(() => {});
  }

  const poller = poll(
    async (signal) => {
      if (!built) {
        try {
          await firstLoad(signal);
        } catch (err) {
          if (err instanceof ApiError && err.status !== 401) replaceChildren(main, h('div', { class: 'error-box' }, err.status === 404 ? `No sweep ${sweepId} on this controller.` : err.message), h('a', { href: '#/' }, '← all sweeps'));
          throw err;
        }
        return;
      }
      const next = await api(base, { signal });
      const bestChanged = sweep?.best?.runId !== next.best?.runId;
      sweep = next;
      renderHead();
      views.best.update(sweep.best, sweep.metric);
      const changed = await syncRuns(signal);
      // /objectives scores every run from its history: asked again at most every ANALYSIS_EVERY_MS,
      // or at once when a run ended (the Pareto set only changes then).
      const ended = changed.some((id) => !ACTIVE.has(runs.get(id)?.state));
      const paretoChanged = changed.length > 0 && (ended || Date.now() - objectivesAt >= ANALYSIS_EVERY_MS) && (await loadObjectives(signal));
      if (paretoChanged) analysisDirty = true;
      if (changed.length > 0) {
        renderFilters();
        renderTable();
      }
      if (changed.length > 0 || bestChanged) drawCurves();
      // Parallel coordinates, scatter and importance follow every score, but at most every
      // ANALYSIS_EVERY_MS unless runs were added or the best changed: a live sweep moves each second.
      analysisDirty ||= changed.length > 0;
      const added = runs.size !== analysisRunCount;
      if (analysisDirty && (bestChanged || paretoChanged || added || Date.now() - analysisAt >= ANALYSIS_EVERY_MS)) drawAnalysis();
      showError(null);
    },
    1000,
    ctx,
  );

  ctx.setCrumbs({ label: sweepId });
  return {
    unmount() {
      poller.stop();
      for (const v of Object.values(views)) v.dispose?.();
    },
  };
}
