/** Every sweep: name, method, state, run counts, best value, age. Refreshed every second. */
import { api, ApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { fmtAge, fmtNum, fmtSpan } from '../format.js';
import { poll } from '../poll.js';

const BAR_STATES = ['finished', 'running', 'stopped', 'failed', 'crashed', 'canceled', 'pending'];

export function mountSweeps(main, _params, ctx) {
  document.title = 'Sweeps · hypersweep';
  const tbody = h('tbody');
  const status = h('div');
  let first = true;

  const poller = poll(
    async (signal) => {
      let sweeps;
      try {
        ({ sweeps } = await api('sweeps', { signal }));
      } catch (err) {
        if (first && err instanceof ApiError && err.status !== 401) replaceChildren(main, h('div', { class: 'error-box' }, err.message));
        throw err;
      }
      if (first) {
        first = false;
        replaceChildren(
          main,
          h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Sweeps'), h('div', { class: 'sub' }, `${sweeps.length} sweep${sweeps.length === 1 ? '' : 's'} on this controller`))),
          status,
          h(
            'div',
            { class: 'card' },
            h(
              'table',
              { class: 'list', 'data-testid': 'sweeps-table' },
              h('thead', null, h('tr', null, ['Sweep', 'Method', 'State', 'Runs', 'Best', 'Age', 'Duration'].map((label, i) => h('th', { class: i >= 4 ? 'right' : '' }, label)))),
              tbody,
            ),
          ),
        );
        document.body.dataset.ready = 'sweeps';
      }
      const now = Date.now();
      replaceChildren(status, sweeps.length === 0 ? h('p', { class: 'empty' }, 'No sweeps yet. Create one with `hypersweep sweep sweeps/example.yaml`, then start agents.') : null);
      replaceChildren(tbody, sweeps.map((s) => row(s, now)));
      main.querySelector('.sub').textContent = `${sweeps.length} sweep${sweeps.length === 1 ? '' : 's'} on this controller`;
    },
    1000,
    ctx,
  );
  return { unmount: () => poller.stop() };
}

function row(s, now) {
  const counts = s.counts ?? {};
  const total = BAR_STATES.reduce((a, k) => a + (counts[k] ?? 0), 0);
  const denominator = Math.max(total, s.total ?? 0, 1);
  const href = `#/sweeps/${encodeURIComponent(s.id)}`;
  const goal = s.metric ? (s.metric.goal === 'maximize' ? '↑' : '↓') : '';
  return h(
    'tr',
    { dataset: { sweepId: s.id } },
    h('td', { class: 'name-cell' }, h('a', { href }, s.name || s.id), h('span', { class: 'id' }, s.id)),
    h('td', null, s.method),
    h('td', null, h('span', { class: `badge s-${s.state}`, title: s.stateReason ?? undefined }, s.state), s.stateReason ? h('div', { class: 'muted small' }, s.stateReason) : null),
    h(
      'td',
      null,
      h(
        'div',
        { class: 'bar', title: `${total}${s.total ? ` of ${s.total}` : ''} runs` },
        BAR_STATES.map((k) => (counts[k] ? h('span', { style: { width: `${(100 * counts[k]) / denominator}%`, background: `var(--${k})` } }) : null)),
      ),
      h(
        'div',
        { class: 'counts' },
        h('span', { class: 's-finished', title: 'finished' }, `${counts.finished ?? 0} finished`),
        h('span', { class: 's-running', title: 'running' }, `${counts.running ?? 0} running`),
        h('span', { class: 's-failed', title: 'failed + crashed' }, `${(counts.failed ?? 0) + (counts.crashed ?? 0)} failed`),
        h('span', { class: 's-stopped', title: 'stopped early' }, `${counts.stopped ?? 0} stopped`),
        s.total ? h('span', { class: 'muted' }, `of ${s.total}`) : null,
      ),
    ),
    h('td', { class: 'right num' }, s.best ? h('span', null, h('b', null, fmtNum(s.best.value)), ' ', h('span', { class: 'muted small' }, `${s.metric?.name ?? ''} ${goal}`)) : h('span', { class: 'muted' }, '—')),
    h('td', { class: 'right num', title: new Date(s.createdAt).toLocaleString() }, fmtAge(s.createdAt, now)),
    h('td', { class: 'right num' }, fmtSpan((s.finishedAt ?? now) - s.createdAt)),
  );
}
