/** The `hypersweep:` extension block: execution settings W&B has no key for. */
import { MAX_RUN_TIMEOUT_SEC } from './sweep-file-limits.js';
import type { ExecutionSpec } from './types.js';
import type { NodeReader, Val } from './node-reader.js';

const KEYS = ['max_attempts', 'retry_failed', 'run_timeout_sec', 'stdout_metrics', 'seed', 'wandb', 'gpus_per_run'] as const;
const WANDB_MODES = ['auto', 'standin'] as const;

/** The allowed forms of gpus_per_run, as error messages list them. */
export const GPUS_PER_RUN_FORMS = 'a whole number of GPUs per run (1, 2, 4, 8, … up to 1024) or one GPU shared by k runs, 1/k written as a decimal (0.5, 0.25, 0.2, 0.125, … down to 1/64)';

/** gpus_per_run as a whole number or exactly 1/k (0.333 reads as 1/3); undefined when it is neither. */
export function gpusPerRunValue(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  if (value >= 1) return Number.isInteger(value) && value <= 1024 ? value : undefined;
  const k = Math.round(1 / value);
  return k >= 2 && k <= 64 && Math.abs(k * value - 1) < 0.005 ? 1 / k : undefined;
}

export const DEFAULT_EXECUTION: ExecutionSpec = { max_attempts: 3, retry_failed: false, stdout_metrics: false };

export function parseExecution(r: NodeReader, val: Val): ExecutionSpec | undefined {
  const entries = r.entries(val, 'hypersweep');
  if (!entries) return undefined;
  const before = r.sink.errors.length;
  r.rejectUnknownKeys(entries, KEYS, 'the hypersweep block');
  const out: ExecutionSpec = { ...DEFAULT_EXECUTION };
  for (const e of entries) {
    switch (e.key) {
      case 'max_attempts': {
        const n = r.integer(e, 'max_attempts');
        if (n !== undefined && n < 1) r.sink.error(e.at, e.path, `max_attempts must be >= 1, but got ${r.describe(e)}`);
        else if (n !== undefined) out.max_attempts = n;
        break;
      }
      case 'retry_failed':
      case 'stdout_metrics': {
        const b = r.boolean(e, e.key);
        if (b !== undefined) out[e.key] = b;
        break;
      }
      case 'run_timeout_sec': {
        const n = r.number(e, 'run_timeout_sec');
        if (n !== undefined && !(n > 0)) r.sink.error(e.at, e.path, `run_timeout_sec must be > 0, but got ${r.describe(e)}`);
        else if (n !== undefined && n > MAX_RUN_TIMEOUT_SEC) r.sink.error(e.at, e.path, `run_timeout_sec must be at most ${MAX_RUN_TIMEOUT_SEC} (365 days), but got ${r.describe(e)}`);
        else if (n !== undefined) out.run_timeout_sec = n;
        break;
      }
      case 'gpus_per_run': {
        const n = gpusPerRunValue(r.plain(e));
        if (n === undefined) r.sink.error(e.at, e.path, `gpus_per_run must be ${GPUS_PER_RUN_FORMS}, but got ${r.describe(e)}`);
        else out.gpus_per_run = n;
        break;
      }
      case 'seed': {
        const n = r.integer(e, 'seed');
        if (n !== undefined && n < 0) r.sink.error(e.at, e.path, `seed must be >= 0, but got ${r.describe(e)}`);
        else if (n !== undefined) out.seed = n;
        break;
      }
      case 'wandb': {
        const mode = r.oneOf(e, WANDB_MODES, 'wandb');
        if (mode !== undefined) out.wandb = mode;
        break;
      }
    }
  }
  return r.sink.errors.length > before ? undefined : out;
}
