/** The `hypersweep:` extension block: execution settings W&B has no key for. */
import type { ExecutionSpec } from './types.js';
import type { NodeReader, Val } from './node-reader.js';

const KEYS = ['max_attempts', 'retry_failed', 'run_timeout_sec', 'stdout_metrics', 'seed', 'wandb'] as const;
const WANDB_MODES = ['auto', 'standin'] as const;

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
        else if (n !== undefined) out.run_timeout_sec = n;
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
