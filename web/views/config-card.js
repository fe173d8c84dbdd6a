/** A run's config as YAML, as the CLI args the agent passed, or as a table; with a copy button. */
import { copyText, h, replaceChildren } from '../dom.js';
import { configArgs, configYaml, flattenConfig, fmtNum, valueLabel } from '../format.js';

export function createConfigCard(ctx) {
  const code = h('pre', { class: 'code', 'data-testid': 'run-config' });
  const tabs = h('div', { class: 'tabs' });
  let mode = 'yaml';
  let config = {};

  function renderConfig() {
    if (mode === 'table') {
      code.textContent = Object.entries(flattenConfig(config)).map(([k, v]) => `${k.padEnd(28)} ${typeof v === 'number' ? fmtNum(v) : valueLabel(v)}`).join('\n');
    } else code.textContent = mode === 'yaml' ? configYaml(config) : configArgs(config);
  }
  const renderTabs = () =>
    replaceChildren(
      tabs,
      [
        ['yaml', 'YAML'],
        ['args', 'CLI args'],
        ['table', 'table'],
      ].map(([k, label]) => h('button', { type: 'button', class: mode === k ? 'on' : '', onclick: () => ((mode = k), renderTabs(), renderConfig()) }, label)),
    );
  renderTabs();
  const copy = h('button', { class: 'btn', type: 'button', onclick: async () => ctx.toast((await copyText(mode === 'table' ? configYaml(config) : code.textContent)) ? 'Copied' : 'Copy failed') }, 'Copy');

  return {
    el: h('section', { class: 'card' }, h('h2', null, 'Config', h('span', { class: 'right' }, tabs, ' ', copy)), code),
    update(next) {
      config = next ?? {};
      renderConfig();
    },
  };
}
