/**
 * Memos that make consecutive bayes proposals cheap without changing what they return: every
 * entry is keyed on the exact inputs (data bits and hyperparameters), so a hit returns what a
 * recomputation would. Small, bounded, module-level.
 * - kernel fits, keyed on the fit data;
 * - Cholesky factors, keyed on hyperparameters + a chained hash of the rows: a new call whose
 *   data extends (shares a prefix with) a cached factor's only factors the new rows, O(n²) each.
 */
import type { Rng } from '../../space/rng.js';
import { fitKernel } from './fit-kernel.js';
import type { KernelParams } from './matern52.js';
import { PackedCholesky } from './packed-cholesky.js';

const MAX_FITS = 16;
const MAX_FACTORS = 4;

const fits = new Map<string, KernelParams>();

/** fitKernel, memoized on (x, y, n, dims); `rng` must itself be derived from the same data. */
export function memoizedFit(x: Float64Array, y: Float64Array, n: number, dims: number, makeRng: () => Rng): KernelParams {
  const h = hashRows(x, n * dims, 1);
  const hy = hashRows(y, n, 1);
  const key = `${n}:${dims}:${h.a[n * dims - 1] ?? 0}:${h.b[n * dims - 1] ?? 0}:${hy.a[n - 1] ?? 0}:${hy.b[n - 1] ?? 0}`;
  const hit = fits.get(key);
  if (hit) {
    fits.delete(key);
    fits.set(key, hit);
    return hit;
  }
  const params = fitKernel(x, y, n, dims, makeRng());
  fits.set(key, params);
  if (fits.size > MAX_FITS) fits.delete(fits.keys().next().value!);
  return params;
}

interface FactorEntry {
  paramsKey: string;
  /** Chained row hashes of the rows the factor's first rows were built from. */
  a: Uint32Array;
  b: Uint32Array;
  rows: number;
  chol: PackedCholesky;
}

const factors: FactorEntry[] = [];

/**
 * A factor whose first `size` rows are valid for the first rows of `x`; the caller factors the
 * rest. The returned object is owned by the memo: it is reused (and truncated) on the next call.
 * `record` must be called once the first `n` rows are factored.
 */
export function memoizedFactor(params: KernelParams, x: Float64Array, n: number, dims: number): { chol: PackedCholesky; record: () => void } {
  const paramsKey = `${dims}:${Array.from(params.lengthscales).join(',')}:${params.signalVariance}:${params.noiseVariance}`;
  const h = hashRows(x, n, dims);
  let best: FactorEntry | undefined;
  let bestCommon = -1;
  for (const e of factors) {
    if (e.paramsKey !== paramsKey) continue;
    const common = commonPrefix(e, h, Math.min(n, e.rows));
    if (common > bestCommon) {
      best = e;
      bestCommon = common;
    }
  }
  let entry: FactorEntry;
  if (best) {
    entry = best;
    factors.splice(factors.indexOf(best), 1);
    entry.chol.truncate(bestCommon);
  } else {
    entry = { paramsKey, a: new Uint32Array(0), b: new Uint32Array(0), rows: 0, chol: new PackedCholesky(n + 16) };
    if (factors.length >= MAX_FACTORS) factors.shift();
  }
  entry.rows = 0; // invalid until recorded
  factors.push(entry);
  return {
    chol: entry.chol,
    record: () => {
      entry.a = h.a;
      entry.b = h.b;
      entry.rows = n;
    },
  };
}

/** Longest prefix of rows on which both chained hashes agree (monotone, so binary search). */
function commonPrefix(e: FactorEntry, h: { a: Uint32Array; b: Uint32Array }, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (e.a[mid - 1] === h.a[mid - 1] && e.b[mid - 1] === h.b[mid - 1]) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Chained FNV-1a-style hashes (two lanes) after each row of `width` doubles. */
function hashRows(x: Float64Array, rows: number, width: number): { a: Uint32Array; b: Uint32Array } {
  const words = new Uint32Array(x.buffer, x.byteOffset, rows * width * 2);
  const a = new Uint32Array(rows);
  const b = new Uint32Array(rows);
  let ha = 0x811c9dc5;
  let hb = 0x9e3779b9;
  for (let r = 0; r < rows; r++) {
    const o = r * width * 2;
    for (let k = 0; k < width * 2; k++) {
      const w = words[o + k]!;
      ha = Math.imul(ha ^ w, 0x01000193);
      hb = Math.imul(hb ^ w, 0x5bd1e995) ^ (hb >>> 15);
    }
    a[r] = ha >>> 0;
    b[r] = hb >>> 0;
  }
  return { a, b };
}
