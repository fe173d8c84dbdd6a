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

/**
 * What a terminal may act on when printed: C0 and C1 control characters (ESC starts colour,
 * title and clipboard sequences; U+009B is a one-byte CSI), DEL, and the line and paragraph
 * separators. Values from agents (file names, hosts, configs) can hold any of them.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `\u001b` for ESC: the JSON (and JavaScript) escape of one control character. */
function unicodeEscape(c) {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text safe to print in a terminal on one line: every control character (newline too) shown as its `\uXXXX` escape. */
export function visibleText(text) {
  return String(text).replace(CONTROLS, unicodeEscape);
}

/** `\\xc2\\x9b` for U+009B: the UTF-8 bytes of a character as ANSI-C escapes (the shell's `\\u` depends on its locale). */
function utf8Escape(c) {
  return [...new TextEncoder().encode(c)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

/**
 * An argument as a shell reads it back: as is when it is safe, else single-quoted; with control
 * characters, ANSI-C quoted (`$'a\x1bb'`, bash, zsh, ksh and POSIX.1-2024 sh), so the pasted
 * line holds no raw escape sequence or newline and still gives back the exact bytes.
 */
export function shellQuote(arg) {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  CONTROLS.lastIndex = 0;
  if (!CONTROLS.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  return `$'${arg.replace(/[\\']/g, '\\$&').replace(CONTROLS, utf8Escape)}'`;
}

/** The agent's `${args}`, each shell-quoted where needed so the line can be pasted into a shell. */
export function pastableArgs(config, floats = []) {
  return argsOf(config, floats).map(shellQuote);
}

/**
 * The config as JSON text, with `1.0` at the float paths (a JSON reader in Python then gets a
 * float), and every control character escaped (JSON.stringify leaves DEL, C1 and U+2028/9 raw):
 * the same value, and text a terminal can print.
 */
export function configJson(config, floats = []) {
  return configJsonText(config, floats).replace(CONTROLS, unicodeEscape);
}

function configJsonText(config, floats) {
  if (!floats || floats.length === 0) return JSON.stringify(config);
  const write = (value, path) => {
    if (typeof value === 'number' && path && Number.isInteger(value) && Math.abs(value) < 1e21 && isFloatPath(floats, path)) return pythonFloat(value);
    if (Array.isArray(value)) return `[${value.map((v) => write(v, null)).join(',')}]`;
    if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${write(v, path && [...path, k])}`).join(',')}}`;
    return JSON.stringify(value);
  };
  return write(config, []);
}
