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

/** One parsed line: a row (its `_step` if the script gave one) and/or summary values. */
export interface MetricRecord {
  row?: { [metric: string]: number };
  summary?: { [metric: string]: number };
}

export type ParsedLine = { ok: true; record: MetricRecord } | { ok: false; problem: string };

function numbers(obj: Record<string, unknown>, prefix: string, out: Record<string, number>): void {
  for (const [key, value] of Object.entries(obj)) {
    const name = prefix + key;
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) numbers(value as Record<string, unknown>, `${name}.`, out);
  }
}

/** A JSON metric line (without the stdout prefix). */
export function parseMetricJson(text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const { _summary, ...rest } = value as Record<string, unknown>;
  const record: MetricRecord = {};
  if (_summary !== undefined) {
    if (typeof _summary !== 'object' || _summary === null || Array.isArray(_summary)) return { ok: false, problem: '_summary is not an object' };
    const summary: Record<string, number> = {};
    numbers(_summary as Record<string, unknown>, '', summary);
    record.summary = summary;
  }
  if ('_step' in rest && (typeof rest._step !== 'number' || !Number.isFinite(rest._step) || rest._step < 0)) return { ok: false, problem: `_step must be a number >= 0 (got ${JSON.stringify(rest._step)})` };
  const row: Record<string, number> = {};
  numbers(rest, '', row);
  const metricCount = Object.keys(row).filter((k) => k !== '_step').length;
  if (metricCount > 0) record.row = row;
  else if (!record.summary) return { ok: false, problem: 'no numeric metric in the line' };
  return { ok: true, record };
}

const KATIB_PAIR = /(?:^|[\s,;])([A-Za-z_][\w./-]*)\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?=$|[\s,;])/g;
const STEP_WORD = /(?:^|\s)(?:epoch|step|iter|iteration)[\s:]+(\d+)(?=$|[\s,;:])/i;

/**
 * A Katib-style stdout line: `loss=0.21`, `epoch 3 loss=0.21 acc=0.9`. `_step=N` sets the step;
 * otherwise `epoch N` / `step N` (a word, then a number) does. Undefined when the line has no pair.
 */
export function parseKatibLine(line: string): MetricRecord | undefined {
  const row: Record<string, number> = {};
  for (const m of line.matchAll(KATIB_PAIR)) row[m[1]!] = Number(m[2]);
  if (Object.keys(row).filter((k) => k !== '_step').length === 0) return undefined;
  if (row._step === undefined) {
    const step = STEP_WORD.exec(line);
    if (step) row._step = Number(step[1]);
  }
  return { row };
}

/** Splits a byte stream into lines; a line longer than `maxLineBytes` is cut there. */
export class LineSplitter {
  private pending = '';
  constructor(
    private readonly onLine: (line: string) => void,
    /** @defaultValue 1 MiB */
    private readonly maxLineBytes = 1 << 20,
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
