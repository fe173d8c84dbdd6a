/**
 * The versions of an edited sweep (`hypersweep update`), newest first, each with what changed from
 * the one before (GET /sweeps/:id/versions: parameters added, removed, changed; settings such as
 * run_cap, early_terminate, command) and its sweep file. Shown once a sweep has more than one.
 */
import { h, replaceChildren } from '../../dom.js';
import { fmtAge, valueLabel } from '../../format.js';

const RANGE_KEYS = [['min', 'max'], ['mu', 'sigma'], ['a', 'b']];

/** A parameter's spec in a few words: `uniform 0.001 … 0.1`, `values [32, 64]`, `value 3`, with its default and q. */
export function specText(spec) {
  if (!spec) return '—';
  const parts = [];
  if (spec.distribution === 'categorical') parts.push(`values ${valueLabel(spec.values)}`);
  else if (spec.distribution === 'constant') parts.push(`value ${valueLabel(spec.value)}`);
  else {
    const pair = RANGE_KEYS.find(([a]) => spec[a] !== undefined);
    parts.push(pair ? `${spec.distribution} ${pair[0] === 'min' ? `${spec.min} … ${spec.max}` : `${pair[0]} ${spec[pair[0]]}, ${pair[1]} ${spec[pair[1]]}`}` : spec.distribution);
  }
  if (spec.q !== undefined) parts.push(`q ${spec.q}`);
  if (spec.default !== undefined) parts.push(`default ${valueLabel(spec.default)}`);
  if (spec.when) parts.push(`when ${valueLabel(spec.when)}`);
  return parts.join(' · ');
}

/** The lines of one version's changes: `+ name spec`, `− name`, `name: old → new`, `run_cap: 4 → 6`. */
export function changeLines(changes) {
  if (!changes) return [];
  const { added, removed, changed } = changes.parameters;
  const setting = (v) => (v === undefined ? '—' : valueLabel(v));
  return [
    ...added.map((c) => ({ kind: 'added', text: `+ ${c.name}: ${specText(c.to)}` })),
    ...removed.map((c) => ({ kind: 'removed', text: `− ${c.name}` })),
    ...changed.map((c) => ({ kind: 'changed', text: `${c.name}: ${specText(c.from)} → ${specText(c.to)}` })),
    ...changes.settings.map((c) => ({ kind: 'changed', text: `${c.key}: ${setting(c.from)} → ${setting(c.to)}` })),
  ];
}

export function createVersionsCard() {
  const list = h('div', { class: 'versions' });
  const title = h('summary', null, 'Versions');
  const el = h('details', { class: 'card source', open: true, hidden: true, 'data-testid': 'versions' }, title, list);
  return {
    el,
    /** `versions`: the API's list, oldest first. */
    update(versions) {
      el.hidden = versions.length < 2;
      title.textContent = `Versions (${versions.length})`;
      replaceChildren(
        list,
        [...versions].reverse().map((v) => {
          const lines = changeLines(v.changes);
          return h(
            'div',
            { class: 'version', dataset: { version: String(v.version) } },
            h('div', null, h('strong', null, `v${v.version}`), h('span', { class: 'muted' }, ` · ${fmtAge(v.at)}${v.version === 1 ? ' · created' : lines.length === 0 && v.changes ? ' · no change' : ''}`)),
            lines.length ? h('ul', { class: 'changes' }, lines.map((l) => h('li', { class: `change-${l.kind}` }, l.text))) : null,
            h('details', null, h('summary', { class: 'muted' }, 'sweep file'), h('pre', { class: 'code' }, v.source)),
          );
        }),
      );
    },
  };
}
