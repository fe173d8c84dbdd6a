/**
 * The differences between two versions of a sweep file (GET /sweeps/:id/versions, `changes`) as
 * lines a person reads: `+ y: values ["a","b"] · default a`, `− dropout`, `x: uniform 0 … 1 →
 * uniform 0.9 … 1`, `run_cap: 4 → 6`. Shared by the dashboard's versions card and `hypersweep update`.
 */

/** A value as text: strings as they are, anything else as JSON. */
function label(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const RANGE_KEYS = [['min', 'max'], ['mu', 'sigma'], ['a', 'b']];

/** A parameter's spec in a few words: `uniform 0.001 … 0.1`, `values [32, 64]`, `value 3`, with its default and q. */
export function specText(spec) {
  if (!spec) return '—';
  const parts = [];
  if (spec.distribution === 'categorical') parts.push(`values ${label(spec.values)}`);
  else if (spec.distribution === 'constant') parts.push(`value ${label(spec.value)}`);
  else {
    const pair = RANGE_KEYS.find(([a]) => spec[a] !== undefined);
    parts.push(pair ? `${spec.distribution} ${pair[0] === 'min' ? `${spec.min} … ${spec.max}` : `${pair[0]} ${spec[pair[0]]}, ${pair[1]} ${spec[pair[1]]}`}` : spec.distribution);
  }
  if (spec.q !== undefined) parts.push(`q ${spec.q}`);
  if (spec.default !== undefined) parts.push(`default ${label(spec.default)}`);
  if (spec.when) parts.push(`when ${label(spec.when)}`);
  return parts.join(' · ');
}

/** The lines of one version's changes: `+ name spec`, `− name`, `name: old → new`, `run_cap: 4 → 6`. */
export function changeLines(changes) {
  if (!changes) return [];
  const { added, removed, changed } = changes.parameters;
  const setting = (v) => (v === undefined ? '—' : label(v));
  return [
    ...added.map((c) => ({ kind: 'added', text: `+ ${c.name}: ${specText(c.to)}` })),
    ...removed.map((c) => ({ kind: 'removed', text: `− ${c.name}` })),
    ...changed.map((c) => ({ kind: 'changed', text: `${c.name}: ${specText(c.from)} → ${specText(c.to)}` })),
    ...changes.settings.map((c) => ({ kind: 'changed', text: `${c.key}: ${setting(c.from)} → ${setting(c.to)}` })),
  ];
}
