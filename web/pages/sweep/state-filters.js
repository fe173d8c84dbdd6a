/** The run-state chips above the runs table: all, or any set of states, each with its count. */
import { h, replaceChildren } from '../../dom.js';
import { STATE_ORDER } from '../../format.js';

/** `model.filter` is the set of states shown (empty: all); `onChange` runs after a click. */
export function createStateFilters({ model, onChange }) {
  const el = h('div', { class: 'filters', 'data-testid': 'state-filters' });
  const filter = model.filter;

  function render() {
    const counts = {};
    for (const r of model.runs.values()) counts[r.state] = (counts[r.state] ?? 0) + 1;
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
            render();
            onChange();
          },
        },
        state ? h('span', { class: `s-${state}` }, '●') : null,
        label,
        h('span', { class: 'n' }, String(n)),
      );
    replaceChildren(el, chip(null, 'all', model.runs.size), STATE_ORDER.filter((s) => counts[s]).map((s) => chip(s, s, counts[s])));
  }

  return { el, render };
}
