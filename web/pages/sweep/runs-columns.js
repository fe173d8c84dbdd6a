/** The columns of the sweep's runs table: state, run, one per searched parameter, score, steps, duration, stop reason, created. */
import { h } from '../../dom.js';
import { flattenConfig, fmtAge, fmtNum, fmtSpan, runDurationMs, STATE_ORDER, valueLabel } from '../../format.js';

/** Why a run ended, in a few words ('' while it has not). */
export function whyText(r) {
  if (r.stopReason) return r.stopReason;
  if (r.state === 'failed' || r.state === 'crashed') return r.exitCode !== null && r.exitCode !== undefined ? `exit code ${r.exitCode}` : r.state;
  if (r.state === 'canceled') return 'canceled';
  return '';
}

/** The run id (◆ for the Pareto set), tagged `enqueued` for a hand-picked config (hypersweep enqueue). */
function runCell(r, best, pareto) {
  const id = h('span', { class: `mono${best ? ' is-best' : ''}${pareto ? ' is-pareto' : ''}`, title: pareto ? `${r.id} (Pareto)` : r.id }, pareto ? `◆ ${r.id}` : r.id);
  if (r.reason !== 'enqueued') return id;
  return h('span', null, id, ' ', h('span', { class: 'tag', title: 'a hand-picked config (hypersweep enqueue), run before searched ones', 'data-testid': 'enqueued-tag' }, 'enqueued'));
}

/** Columns reading `model.sweep` (best run, metric), `model.params` and `model.paretoIds` when they render. */
export function runsColumns(model) {
  /** Flattened configs, computed once per run object (sorting calls this n log n times). */
  const flatCache = new WeakMap();
  const flatOf = (run) => {
    let flat = flatCache.get(run);
    if (!flat) {
      flat = flattenConfig(run.config);
      flatCache.set(run, flat);
    }
    return flat;
  };
  const pareto = (r) => model.paretoIds.has(r.id);
  const cols = [
    { key: 'state', label: 'state', px: 88, value: (r) => STATE_ORDER.indexOf(r.state), text: (r) => r.state, cell: (r) => h('span', { class: `s-${r.state}` }, r.state) },
    { key: 'id', label: 'run', px: 150, value: (r) => r.id, text: (r) => r.id, cell: (r) => runCell(r, r.id === model.sweep.best?.runId || pareto(r), pareto(r)) },
  ];
  // an edited sweep: the version of the sweep file each run ran under
  if (model.sweep.version > 1) cols.push({ key: 'version', label: 'ver', px: 44, align: 'right', title: 'Sort by sweep file version', value: (r) => r.version ?? 1, text: (r) => `v${r.version ?? 1}` });
  for (const p of model.params) {
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
  const goalDir = model.sweep.metric?.goal === 'maximize' ? -1 : 1;
  cols.push(
    { key: 'score', label: model.sweep.metric?.name ?? 'score', px: 96, align: 'right', defaultDir: goalDir, title: 'Sort by score (best first)', value: (r) => r.score, text: (r) => fmtNum(r.score), cell: (r) => h('span', { class: r.id === model.sweep.best?.runId ? 'is-best' : '' }, fmtNum(r.score)) },
    { key: 'steps', label: 'steps', px: 64, align: 'right', defaultDir: -1, value: (r) => r.steps, text: (r) => String(r.steps ?? 0) },
    { key: 'duration', label: 'duration', px: 84, align: 'right', defaultDir: -1, value: (r) => runDurationMs(r), text: (r) => { const d = runDurationMs(r); return d === null ? '—' : fmtSpan(d); } },
    { key: 'why', label: 'stop reason', px: 220, flex: true, value: (r) => whyText(r) || null, text: (r) => whyText(r) },
    { key: 'created', label: 'created', px: 84, align: 'right', defaultDir: -1, value: (r) => r.createdAt, text: (r) => fmtAge(r.createdAt) },
  );
  return cols;
}
