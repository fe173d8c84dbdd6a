/**
 * The sweep page's head: name, state badge, method and metric, version, when and why it ended,
 * the prior sweeps it learns from (warm start), the run counts, and the pause / resume / stop / cancel buttons (stop and cancel ask to be clicked twice).
 */
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { fmtAge, fmtNum, fmtSpan } from '../../format.js';

/** `model.sweep` is read at each render; an action's answer is merged into it. */
export function createSweepHead({ model, ctx, onError }) {
  const base = `sweeps/${encodeURIComponent(model.sweepId)}`;
  const title = h('h1', null, model.sweep.name || model.sweep.id);
  const badges = h('span');
  const sub = h('div', { class: 'sub' });
  const actions = h('div', { class: 'actions' });
  const stats = h('div', { class: 'stats', 'data-testid': 'stats' });
  /** The action waiting for its confirming click, and whether one is being sent. */
  let confirming = null;
  let busy = false;

  function renderActions() {
    const st = model.sweep.state;
    const live = st === 'running' || st === 'paused';
    const button = (action, label, enabled, tip, cls = '') =>
      h('button', { class: `btn ${cls}`, type: 'button', disabled: !enabled || busy, title: tip, dataset: { action }, onclick: () => act(action) }, confirming === action ? `Confirm ${label.toLowerCase()}?` : label);
    replaceChildren(
      actions,
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
      model.sweep = { ...model.sweep, ...summary };
      ctx.toast(`Sweep ${summary.state}`);
    } catch (err) {
      onError(err);
    } finally {
      busy = false;
      render();
    }
  }

  function render() {
    const s = model.sweep;
    title.textContent = s.name || s.id;
    document.title = `${s.name || s.id} · hypersweep`;
    replaceChildren(
      badges,
      h('span', { class: `badge s-${s.state}`, 'data-testid': 'sweep-state' }, s.state),
      ' ',
      h('span', { class: 'muted' }, `${s.method}${s.metric ? ` · ${s.metric.goal} ${s.metric.name}` : ''}`),
    );
    replaceChildren(
      sub,
      h('span', { class: 'mono' }, s.id),
      s.version > 1 ? ` · version ${s.version}` : '',
      ` · created ${fmtAge(s.createdAt)}`,
      s.finishedAt ? ` · ended after ${fmtSpan(s.finishedAt - s.createdAt)}` : '',
      s.stateReason ? ` · ${s.stateReason}` : '',
      priorNote(s.prior),
    );
    renderStats(stats, s);
    renderActions();
  }

  return {
    /** The page head (title, badges, sub line, actions). */
    el: h('div', { class: 'page-head' }, h('div', null, h('div', { style: { display: 'flex', gap: '10px', alignItems: 'center', flexWrap: 'wrap' } }, title, badges), sub), actions),
    /** The run counts. */
    stats,
    render,
  };
}

/** The run counts by state, of the budget when there is one, and the best score. */
function renderStats(stats, s) {
  const c = s.counts ?? {};
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const stat = (k, v, cls) => h('div', { class: 'stat' }, h('span', { class: `v ${cls ?? ''}` }, v), h('span', { class: 'k' }, k));
  replaceChildren(
    stats,
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
}

/** Warm start: ` · prior: 37 runs from s1, s2` (links to the earlier sweeps), or nothing. */
function priorNote(prior) {
  if (!prior || prior.sweeps.length === 0) return null;
  const links = prior.sweeps.flatMap((id, i) => [i > 0 ? ', ' : '', h('a', { class: 'mono', href: `#/sweeps/${encodeURIComponent(id)}` }, id)]);
  return h('span', { 'data-testid': 'sweep-prior', title: 'finished runs of earlier sweeps that fit this space: observations for the search, never run again' }, ` · prior: ${prior.runs} run${prior.runs === 1 ? '' : 's'} from `, links);
}
