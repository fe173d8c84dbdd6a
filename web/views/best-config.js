/** The best config so far: its value, and the config to copy as YAML or as CLI args. */
import { copyText, h, replaceChildren } from '../dom.js';
import { scoredRuns } from '../charts.js';
import { configArgs, configYaml, flattenConfig, fmtNum, valueLabel } from '../format.js';

export function createBestConfig({ sweepId, ctx }) {
  let mode = 'yaml';
  let best = null;
  const code = h('pre', { class: 'code', 'data-testid': 'best-config' });
  const head = h('div', { class: 'best-line' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const copy = h('button', { class: 'btn', type: 'button', 'data-testid': 'copy-config', onclick: async () => ctx.toast((await copyText(code.textContent)) ? 'Copied' : 'Copy failed: select the text') }, 'Copy');
  const top = h('div', { class: 'top-runs', 'data-testid': 'top-runs' });
  let topSig = '';
  const el = h('section', { class: 'card' }, h('h2', null, 'Best config', h('span', { class: 'right' }, tabs, ' ', copy)), head, code, top);

  function renderTabs() {
    replaceChildren(
      tabs,
      [
        ['yaml', 'YAML'],
        ['args', 'CLI args'],
      ].map(([key, label]) =>
        h('button', { type: 'button', role: 'tab', class: mode === key ? 'on' : '', 'aria-selected': String(mode === key), dataset: { mode: key }, onclick: () => ((mode = key), renderTabs(), render()) }, label),
      ),
    );
  }

  function render() {
    if (!best) {
      replaceChildren(head, h('span', { class: 'muted' }, 'No run has a score yet.'));
      code.textContent = '';
      code.hidden = true;
      copy.disabled = true;
      return;
    }
    copy.disabled = false;
    code.hidden = false;
    replaceChildren(
      head,
      h('span', { class: 'best-value', 'data-testid': 'best-value' }, fmtNum(best.value)),
      h('span', { class: 'muted' }, best.metricLabel),
      h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}/runs/${encodeURIComponent(best.runId)}`, class: 'mono' }, best.runId),
    );
    code.textContent = mode === 'yaml' ? configYaml(best.config) : configArgs(best.config);
  }

  renderTabs();
  render();
  return {
    el,
    /** The best few runs under the best config: score, run, and the searched parameters. */
    updateTop(runs, params, goal) {
      const scored = scoredRuns(runs);
      scored.sort((a, b) => (goal === 'maximize' ? b.score - a.score : a.score - b.score));
      const best5 = scored.slice(0, 5);
      const sig = best5.map((r) => `${r.id}:${r.score}`).join(',');
      if (sig === topSig) return;
      topSig = sig;
      if (best5.length < 2) return replaceChildren(top);
      replaceChildren(top, h('div', { class: 'top-title' }, `Top ${best5.length} runs`), topRunsTable(best5, params, sweepId));
    },
    /** best: `{ runId, value, config }` | null; metric: `{ name, goal }` | null */
    update(next, metric) {
      const key = next ? `${next.runId}|${next.value}` : '';
      const prev = best ? `${best.runId}|${best.value}` : '';
      if (key === prev) return;
      best = next ? { ...next, metricLabel: metric ? `${metric.name} (${metric.goal === 'maximize' ? 'max' : 'min'})` : '' } : null;
      render();
    },
  };
}

/** The best runs, best first: rank, score, run link and the searched parameters' values. */
function topRunsTable(runs, params, sweepId) {
  const row = (r, i) => {
    const flat = flattenConfig(r.config);
    const text = params.map((p) => `${p.name}=${typeof flat[p.name] === 'number' ? fmtNum(flat[p.name]) : valueLabel(flat[p.name])}`).join('  ');
    return h(
      'tr',
      null,
      h('td', { class: 'muted' }, String(i + 1)),
      h('td', { class: i === 0 ? 'is-best' : '' }, fmtNum(r.score)),
      h('td', { class: 'mono' }, h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}/runs/${encodeURIComponent(r.id)}` }, r.id.slice(0, 10))),
      h('td', { class: 'mono small cfg', title: text }, text),
    );
  };
  return h('table', { class: 'imp' }, h('tbody', null, runs.map(row)));
}
