/**
 * The `early_terminate:` block: W&B's hyperband (min_iter, or max_iter with s; eta; strict),
 * and hypersweep's median and patience rules.
 */
import { MAX_HYPERBAND_ETA, MAX_HYPERBAND_ITER, MAX_HYPERBAND_S } from './sweep-file-limits.js';
import type { EarlyTerminateSpec, HyperbandSpec } from './types.js';
import type { Entry, NodeReader, Val } from './node-reader.js';

const TYPES = ['hyperband', 'median', 'patience'] as const;
const KEYS: Record<(typeof TYPES)[number], readonly string[]> = {
  hyperband: ['type', 'min_iter', 'max_iter', 's', 'eta', 'strict'],
  median: ['type', 'warmup_runs', 'warmup_steps'],
  patience: ['type', 'patience', 'min_delta'],
};

export function parseEarlyTerminate(r: NodeReader, val: Val): EarlyTerminateSpec | undefined {
  const entries = r.entries(val, 'early_terminate');
  if (!entries) return undefined;
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
  const typeE = get('type');
  if (!typeE) {
    r.sink.error(val.at, val.path, `early_terminate needs type (one of ${TYPES.join(', ')}), but got none`);
    return undefined;
  }
  const type = r.oneOf(typeE, TYPES, 'type');
  if (!type) return undefined;
  const before = r.sink.errors.length;
  r.rejectUnknownKeys(entries, KEYS[type], `early_terminate of type ${type}`);

  /** An integer >= lowest, the fallback when absent, undefined after an issue. */
  const int = (key: string, lowest: number, fallback?: number): number | undefined => {
    const e = get(key);
    if (!e) return fallback;
    const n = r.integer(e, key);
    if (n !== undefined && n < lowest) {
      r.sink.error(e.at, e.path, `${key} must be >= ${lowest}, but got ${r.describe(e)}`);
      return undefined;
    }
    return n;
  };

  let spec: EarlyTerminateSpec | undefined;
  if (type === 'hyperband') {
    spec = hyperband(r, val, entries, int);
  } else if (type === 'median') {
    const warmup_runs = int('warmup_runs', 1, 5);
    const warmup_steps = int('warmup_steps', 0, 3);
    if (warmup_runs !== undefined && warmup_steps !== undefined) spec = { type, warmup_runs, warmup_steps };
  } else {
    const patienceE = get('patience');
    if (!patienceE) r.sink.error(typeE.keyNode, val.path, 'early_terminate of type patience needs patience (reports without improvement, an integer >= 1), but got none');
    const patience = int('patience', 1);
    const deltaE = get('min_delta');
    const min_delta = deltaE ? r.number(deltaE, 'min_delta') : 0;
    if (deltaE && min_delta !== undefined && min_delta < 0) {
      r.sink.error(deltaE.at, deltaE.path, `min_delta must be >= 0, but got ${r.describe(deltaE)}`);
    }
    if (patience !== undefined && min_delta !== undefined) spec = { type, patience, min_delta };
  }
  return r.sink.errors.length > before ? undefined : spec;
}

function hyperband(
  r: NodeReader,
  val: Val,
  entries: Entry[],
  int: (key: string, lowest: number, fallback?: number) => number | undefined,
): HyperbandSpec | undefined {
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
  const minE = get('min_iter');
  const maxE = get('max_iter');
  const sE = get('s');
  const etaE = get('eta');
  const strictE = get('strict');

  // Limits (sweep-file-limits.ts) keep the bracket list small: at most MAX_HYPERBAND_S or 100.
  const atMost = (key: string, n: number | undefined, highest: number): number | undefined => {
    const e = get(key);
    if (e && n !== undefined && n > highest) {
      r.sink.error(e.at, e.path, `${key} must be at most ${highest}, but got ${r.describe(e)}`);
      return undefined;
    }
    return n;
  };
  const min_iter = atMost('min_iter', int('min_iter', 1), MAX_HYPERBAND_ITER);
  const max_iter = atMost('max_iter', int('max_iter', 1), MAX_HYPERBAND_ITER);
  const s = atMost('s', int('s', 1), MAX_HYPERBAND_S);
  const eta = etaE ? r.number(etaE, 'eta') : 3;
  if (etaE && eta !== undefined && !(eta > 1)) r.sink.error(etaE.at, etaE.path, `eta must be > 1, but got ${r.describe(etaE)}`);
  else if (etaE && eta !== undefined && eta > MAX_HYPERBAND_ETA) r.sink.error(etaE.at, etaE.path, `eta must be at most ${MAX_HYPERBAND_ETA}, but got ${r.describe(etaE)}`);
  const strict = strictE ? r.boolean(strictE, 'strict') : true;
  if (eta === undefined || strict === undefined) return undefined;

  if (!minE && !maxE) {
    r.sink.error(val.at, val.path, 'hyperband needs min_iter, or max_iter with s, but got neither');
    return undefined;
  }
  if (maxE) {
    if (!sE) {
      r.sink.error(maxE.keyNode, maxE.path, 'max_iter needs s (the number of brackets), but got no s');
      return undefined;
    }
    if (max_iter === undefined || s === undefined) return undefined;
    if (max_iter / eta < 1) {
      r.sink.error(maxE.at, maxE.path, `max_iter must be >= eta (${eta}) so that at least one bracket exists, but got ${max_iter}`);
      return undefined;
    }
    if (minE) {
      // W&B's hyperband_stopping reads max_iter and s first and ignores min_iter.
      r.sink.warn(minE.keyNode, minE.path, 'min_iter is ignored when max_iter and s are given (as in W&B); remove one of them');
    }
    return { type: 'hyperband', max_iter, s, eta, strict };
  }
  if (min_iter === undefined) return undefined;
  if (sE) r.sink.warn(sE.keyNode, sE.path, 's is used only with max_iter; it is ignored with min_iter (as in W&B)');
  return { type: 'hyperband', min_iter, eta, strict };
}
