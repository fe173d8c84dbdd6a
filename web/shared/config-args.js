/**
 * How a config reaches a training script, in one place for the agent (worker/command-macros.ts),
 * `hypersweep best` and the dashboard: W&B's `${args}` form `--name=value` with nested
 * parameters dotted, values as W&B's Python agent prints them (`str(v)`), and the config as JSON.
 * A plain ES module: the browser loads it as is; TypeScript imports it as
 * `hypersweep/web/shared/config-args.js` (types in config-args.d.ts).
 *
 * `floats` are paths (names from the top) of integral numbers that are floats in W&B
 * (src/space/float-paths.ts): they print `1.0`, as Python prints a float, not `1`.
 */

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The leaves of a config in order, `[dotted name, value, path]`: a nested object becomes dotted
 * names; an empty object stays a leaf (the agent passes `--opt={}`).
 */
export function configLeaves(config, path = []) {
  const out = [];
  for (const [key, value] of Object.entries(config ?? {})) {
    const at = [...path, key];
    if (isPlainObject(value) && Object.keys(value).length > 0) out.push(...configLeaves(value, at));
    else out.push([at.join('.'), value, at]);
  }
  return out;
}

/** A float as Python's `str` prints it: `1.0`, `1e+16`. */
function pythonFloat(value) {
  if (!Number.isInteger(value)) return String(value);
  if (Object.is(value, -0)) return '-0.0';
  return Math.abs(value) < 1e16 ? `${value}.0` : value.toExponential();
}

/**
 * A value as one argv element, as W&B's Python agent prints it: strings as they are, booleans
 * `True`/`False`, null `None`, numbers in their shortest form (a float `1.0`), lists and objects as JSON.
 */
export function formatValue(value, float = false) {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return float ? pythonFloat(value) : String(value);
  return JSON.stringify(value);
}

const key = (path) => JSON.stringify(path);

/** Whether the leaf at `path` is one of `floats`. */
export function isFloatPath(floats, path) {
  return (floats ?? []).some((f) => key(f) === key(path));
}

/** `--name=value` per leaf: exactly the agent's `${args}`. */
export function argsOf(config, floats = []) {
  return configLeaves(config).map(([name, value, path]) => `--${name}=${formatValue(value, isFloatPath(floats, path))}`);
}

/** An argument as a POSIX shell reads it back: as is when it is safe, else single-quoted. */
export function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The agent's `${args}`, each shell-quoted where needed so the line can be pasted into a shell. */
export function pastableArgs(config, floats = []) {
  return argsOf(config, floats).map(shellQuote);
}

/** The config as JSON text, with `1.0` at the float paths (a JSON reader in Python then gets a float). */
export function configJson(config, floats = []) {
  if (!floats || floats.length === 0) return JSON.stringify(config);
  const write = (value, path) => {
    if (typeof value === 'number' && path && Number.isInteger(value) && Math.abs(value) < 1e21 && isFloatPath(floats, path)) return pythonFloat(value);
    if (Array.isArray(value)) return `[${value.map((v) => write(v, null)).join(',')}]`;
    if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${write(v, path && [...path, k])}`).join(',')}}`;
    return JSON.stringify(value);
  };
  return write(config, []);
}
