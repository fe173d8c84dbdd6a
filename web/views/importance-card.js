/**
 * Which parameters matter: the random forest's permutation importance and the Spearman ρ of
 * each parameter with the score (web/importance.js). Recomputed only when scores change,
 * after the page has painted.
 */
import { h, replaceChildren } from '../dom.js';
import { scoredRuns } from '../charts.js';
import { flattenConfig } from '../format.js';
import { parameterImportance } from '../importance.js';

export function createImportanceCard() {
  const body = h('div', { 'data-testid': 'importance' }, h('p', { class: 'muted' }, 'Waiting for scored runs…'));
  const note = h('span', { class: 'right muted' });
  const el = h('section', { class: 'card' }, h('h2', null, 'Parameter importance', note), body);
  let signature = '';
  let timer = null;
  let worker = null;
  let requestId = 0;

  /** The forest runs in a worker (tens to hundreds of ms on 2,000 runs); inline where workers are unavailable. */
  function importance(id, rows, names, options) {
    if (worker === null) {
      try {
        worker = new Worker(new URL('../importance-worker.js', import.meta.url), { type: 'module' });
      } catch {
        worker = false;
      }
    }
    if (!worker) return Promise.resolve(parameterImportance(rows, names, options));
    return new Promise((resolve, reject) => {
      const onMessage = (event) => {
        if (event.data.id !== id) return;
        worker.removeEventListener('message', onMessage);
        if (event.data.error) reject(new Error(event.data.error));
        else resolve(event.data.result);
      };
      worker.addEventListener('message', onMessage);
      worker.postMessage({ id, rows, names, options });
    });
  }

  async function compute(runs, params) {
    const scored = scoredRuns(runs);
    const names = params.map((p) => p.name);
    if (scored.length < 3 || names.length === 0) {
      replaceChildren(body, h('p', { class: 'muted' }, names.length === 0 ? 'No searched parameters.' : 'Needs at least 3 runs with a score.'));
      note.textContent = '';
      return;
    }
    const rows = scored.map((r) => ({ values: flattenConfig(r.config), score: r.score }));
    const id = ++requestId;
    const result = await importance(id, rows, names, { seed: 1, trees: 48 });
    if (id !== requestId) return; // a newer computation is on its way
    result.sort((a, b) => (b.importance ?? 0) - (a.importance ?? 0) || Math.abs(b.correlation) - Math.abs(a.correlation));
    note.textContent = `${scored.length} scored runs`;
    replaceChildren(body, importanceTable(result));
  }

  return {
    el,
    update(runs, params) {
      const sig = `${params.map((p) => p.name).join(',')}|${runs.map((r) => (typeof r.score === 'number' ? `${r.id}:${r.score}` : '')).join(',')}`;
      if (sig === signature) return;
      signature = sig;
      clearTimeout(timer);
      // After the charts have painted: the forest takes tens of ms on 2,000 runs.
      timer = setTimeout(() => {
        compute(runs, params).catch((err) => replaceChildren(body, h('p', { class: 'muted' }, `Importance failed: ${err.message}`)));
      }, 30);
    },
    dispose() {
      clearTimeout(timer);
      if (worker) worker.terminate();
    },
  };
}

/** Each parameter's importance and correlation, as bars. */
function importanceTable(result) {
  return h(
    'table',
    { class: 'imp' },
    h('thead', null, h('tr', null, h('th', null, 'parameter'), h('th', { title: 'Random forest permutation importance: how much worse the forest predicts the score when this parameter is shuffled (shares sum to 1).' }, 'importance'), h('th', { title: 'Spearman rank correlation with the score; for a categorical parameter, of its strongest value.' }, 'correlation (ρ)'))),
    h(
      'tbody',
      null,
      result.map((r) =>
        h(
          'tr',
          null,
          h('td', { class: 'pname', title: r.name }, r.name),
          h('td', null, bar(r.importance)),
          h('td', { title: r.correlationOf !== null ? `ρ of ${r.name} = ${r.correlationOf}` : undefined }, signedBar(r.correlation, r.correlationOf)),
        ),
      ),
    ),
  );
}

function bar(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted small', title: 'needs 8 scored runs' }, '—');
  return h('div', { class: 'hbar' }, h('span', { style: { left: '0', width: `${Math.max(1, value * 100)}%`, background: 'var(--accent)' } }), h('em', null, value.toFixed(2)));
}

function signedBar(rho, of) {
  const w = Math.abs(rho) * 50;
  return h(
    'div',
    { class: 'hbar signed' },
    h('span', { style: { left: rho >= 0 ? '50%' : `${50 - w}%`, width: `${w}%`, background: rho >= 0 ? 'var(--finished)' : 'var(--stopped)', opacity: '0.75' } }),
    h('em', null, `${rho >= 0 ? '+' : '−'}${Math.abs(rho).toFixed(2)}${of !== null ? ` (=${of})` : ''}`),
  );
}
