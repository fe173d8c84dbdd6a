/**
 * What a training script's metric lines mean. Pure. A script reports metrics as JSON objects,
 * one per line, through HYPERSWEEP_METRICS_FILE or on stdout after `@hypersweep `; with the
 * sweep's `execution.stdout_metrics`, Katib-style `name=value` lines on stdout count too.
 *
 * A JSON line is `{"loss": 0.2, "_step": 3}` (a history row; nested objects become dotted
 * names; non-numeric values are dropped) or `{"_summary": {"acc": 0.9}}` (final values).
 */

/** The stdout form: this prefix, then one JSON object. */
export const STDOUT_PREFIX = '@hypersweep ';

/** Longest line read; a longer one is cut there (LineSplitter) and so skipped. @defaultValue 1 MiB */
export const MAX_METRIC_LINE_BYTES = 1 << 20;

/** Deepest JSON nesting of a metric line; deeper is skipped before it is parsed. @defaultValue 32 */
export const MAX_METRIC_DEPTH = 32;

/** Most metrics one line may report (nested names included); more is skipped. @defaultValue 1,000 */
export const MAX_METRICS_PER_LINE = 1000;

/** The deepest `[`/`{` nesting of a JSON text (strings skipped), scanning no further than past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \\ */) i++;
    } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
      depth--;
    }
  }
  return max;
}

/** One parsed line: a row (its `_step` if the script gave one) and/or summary values. */
export interface MetricRecord {
  row?: { [metric: string]: number };
  summary?: { [metric: string]: number };
}

export type ParsedLine = { ok: true; record: MetricRecord } | { ok: false; problem: string };

/** The numbers of an object as dotted names; false when there are more than MAX_METRICS_PER_LINE. */
function numbers(obj: Record<string, unknown>, prefix: string, out: Map<string, number>): boolean {
  for (const [key, value] of Object.entries(obj)) {
    const name = prefix + key;
    if (typeof value === 'number' && Number.isFinite(value)) {
      out.set(name, value);
      if (out.size > MAX_METRICS_PER_LINE) return false;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (!numbers(value as Record<string, unknown>, `${name}.`, out)) return false;
    }
  }
  return true;
}

/** A plain object of metric values; `__proto__` and the like stay ordinary keys. */
function record(map: Map<string, number>): { [metric: string]: number } {
  const out: { [metric: string]: number } = {};
  for (const [k, v] of map) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A JSON metric line (without the stdout prefix). */
export function parseMetricJson(text: string): ParsedLine {
  if (text.length > MAX_METRIC_LINE_BYTES) return { ok: false, problem: `longer than ${MAX_METRIC_LINE_BYTES} bytes` };
  if (jsonDepth(text, MAX_METRIC_DEPTH) > MAX_METRIC_DEPTH) return { ok: false, problem: `nested deeper than ${MAX_METRIC_DEPTH} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const { _summary, ...rest } = value as Record<string, unknown>;
  const result: MetricRecord = {};
  if (_summary !== undefined) {
    if (typeof _summary !== 'object' || _summary === null || Array.isArray(_summary)) return { ok: false, problem: '_summary is not an object' };
    const summary = new Map<string, number>();
    if (!numbers(_summary as Record<string, unknown>, '', summary)) return { ok: false, problem: `more than ${MAX_METRICS_PER_LINE} metrics` };
    result.summary = record(summary);
  }
  if ('_step' in rest && (typeof rest._step !== 'number' || !Number.isFinite(rest._step) || rest._step < 0)) return { ok: false, problem: `_step must be a number >= 0 (got ${JSON.stringify(rest._step)})` };
  const row = new Map<string, number>();
  if (!numbers(rest, '', row)) return { ok: false, problem: `more than ${MAX_METRICS_PER_LINE} metrics` };
  const metricCount = row.size - (row.has('_step') ? 1 : 0);
  if (metricCount > 0) result.row = record(row);
  else if (!result.summary) return { ok: false, problem: 'no numeric metric in the line' };
  return { ok: true, record: result };
}

// Linear time: each part can match a character one way only (the old `\d+\.?\d*` split a run
// of digits in n ways, so `k=` and 32k digits took seconds), and a match can only start after
// a separator, so a failed attempt costs the length of one token.
const KATIB_PAIR = /(?:^|[\s,;])([A-Za-z_][\w./-]*)[ \t]*=[ \t]*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)(?=$|[\s,;])/g;
const STEP_WORD = /(?:^|\s)(?:epoch|step|iter|iteration)[\s:]+(\d+)(?=$|[\s,;:])/i;

/**
 * A Katib-style stdout line: `loss=0.21`, `epoch 3 loss=0.21 acc=0.9`. `_step=N` sets the step;
 * otherwise `epoch N` / `step N` (a word, then a number) does. Undefined when the line has no pair.
 */
export function parseKatibLine(line: string): MetricRecord | undefined {
  if (line.length > MAX_METRIC_LINE_BYTES) return undefined;
  const row = new Map<string, number>();
  for (const m of line.matchAll(KATIB_PAIR)) {
    const value = Number(m[2]);
    if (Number.isFinite(value)) row.set(m[1]!, value);
    if (row.size > MAX_METRICS_PER_LINE) return undefined;
  }
  if (row.size - (row.has('_step') ? 1 : 0) === 0) return undefined;
  if (!row.has('_step')) {
    const step = STEP_WORD.exec(line);
    if (step) row.set('_step', Number(step[1]));
  }
  return { row: record(row) };
}

/** Splits a byte stream into lines; a line longer than `maxLineBytes` is cut there. */
export class LineSplitter {
  private pending = '';
  constructor(
    private readonly onLine: (line: string) => void,
    /** @defaultValue MAX_METRIC_LINE_BYTES */
    private readonly maxLineBytes = MAX_METRIC_LINE_BYTES,
  ) {}

  push(chunk: string): void {
    this.pending += chunk;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.onLine(line);
    }
    if (this.pending.length > this.maxLineBytes) {
      const line = this.pending;
      this.pending = '';
      this.onLine(line);
    }
  }

  /** The last line, when the stream ended without a newline. */
  end(): void {
    if (this.pending) this.onLine(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}
