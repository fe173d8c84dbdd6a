/** The best config so far: its value, and the config to copy as YAML or as CLI args. */
import { copyText, h, replaceChildren } from '../dom.js';
import { configArgs, configYaml, fmtNum } from '../format.js';

export function createBestConfig({ sweepId, ctx }) {
  let mode = 'yaml';
  let best = null;
  const code = h('pre', { class: 'code', 'data-testid': 'best-config' });
  const head = h('div', { class: 'best-line' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const copy = h('button', { class: 'btn', type: 'button', 'data-testid': 'copy-config', onclick: async () => ctx.toast((await copyText(code.textContent)) ? 'Copied' : 'Copy failed: select the text') }, 'Copy');
  const el = h('section', { class: 'card' }, h('h2', null, 'Best config', h('span', { class: 'right' }, tabs, ' ', copy)), head, code);

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
