/**
 * A small independent TPE (Bergstra et al. 2011), written for this benchmark only as a reference
 * point: Optuna's defaults where they are simple (10 random start-up runs, γ(n) = min(⌈0.1 n⌉, 25)
 * good runs, 24 candidates drawn from l(x), prior weight 1, the "magic clip" of bandwidths), one
 * univariate Parzen estimator per unit-cube coordinate (log and int parameters on their encoded
 * axis), categoricals as smoothed frequencies. Not Optuna: no multivariate mode, no ramped weights
 * of old runs, no int-specific kernels.
 */
import { errorFunction } from 'simple-statistics';
import type { Config, ParameterSpace } from '../src/config/types.js';
import type { RunRecord } from '../src/run-record.js';
import { canonicalJson } from '../src/space/config-hash.js';
import { sampleStandardNormal } from '../src/space/random-variates.js';
import { createRng, type Rng } from '../src/space/rng.js';
import { unitCube, type UnitCubeSlot } from '../src/space/unit-cube.js';

const STARTUP = 10;
const CANDIDATES = 24;
const PRIOR_WEIGHT = 1;

/** The next config TPE proposes after `runs` (finished runs with `history[0].loss`, minimized). */
export function tpeSuggest(parameters: ParameterSpace, runs: readonly RunRecord[], seed: number): Config {
  const cube = unitCube(parameters);
  const rng = createRng(seed, 'tpe', runs.length);
  const scored = runs.filter((r) => r.history[0]?.loss !== undefined).map((r) => ({ u: cube.encode(r.config), loss: r.history[0]!.loss as number }));
  const taken = new Set(runs.map((r) => canonicalJson(r.config)));
  for (let tries = 0; ; tries++) {
    const u = new Float64Array(cube.dims);
    if (scored.length < STARTUP) for (let d = 0; d < cube.dims; d++) u[d] = rng.next();
    else {
      const sorted = [...scored].sort((a, b) => a.loss - b.loss);
      const nBelow = Math.min(Math.ceil(0.1 * sorted.length), 25);
      const below = sorted.slice(0, nBelow).map((s) => s.u);
      const above = sorted.slice(nBelow).map((s) => s.u);
      for (const slot of cube.slots) {
        if (slot.spec.distribution === 'categorical') sampleCategorical(slot, below, above, rng, u);
        else u[slot.offset] = sampleNumeric(slot.offset, below, above, rng);
      }
    }
    const config = cube.decode(u);
    if (!taken.has(canonicalJson(config)) || tries > 100) return config;
  }
}

interface Parzen {
  mus: number[];
  sigmas: number[];
}

/** Optuna's univariate estimator on [0, 1]: observations plus a wide prior at the centre. */
function parzen(values: number[]): Parzen {
  const mus = [...values, 0.5];
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const sigmas = new Array<number>(mus.length);
  const lo = 1 / Math.min(100, 1 + mus.length);
  order.forEach((idx, k) => {
    const left = k === 0 ? values[idx]! : values[idx]! - values[order[k - 1]!]!;
    const right = k === order.length - 1 ? 1 - values[idx]! : values[order[k + 1]!]! - values[idx]!;
    sigmas[idx] = Math.min(1, Math.max(lo, Math.max(left, right)));
  });
  sigmas[mus.length - 1] = 1;
  return { mus, sigmas };
}

function logDensity(p: Parzen, x: number): number {
  let sum = 0;
  const w = (i: number): number => (i === p.mus.length - 1 ? PRIOR_WEIGHT : 1);
  let total = 0;
  for (let i = 0; i < p.mus.length; i++) {
    const s = p.sigmas[i]!;
    const z = (x - p.mus[i]!) / s;
    const mass = normalCdf((1 - p.mus[i]!) / s) - normalCdf(-p.mus[i]! / s); // truncated to [0, 1]
    sum += (w(i) * Math.exp(-0.5 * z * z)) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
    total += w(i);
  }
  return Math.log(sum / total + 1e-300);
}

function sampleNumeric(offset: number, below: Float64Array[], above: Float64Array[], rng: Rng): number {
  const l = parzen(below.map((u) => u[offset]!));
  const g = parzen(above.map((u) => u[offset]!));
  let best = 0.5;
  let bestScore = -Infinity;
  for (let c = 0; c < CANDIDATES; c++) {
    const i = Math.floor(rng.next() * (l.mus.length - 1 + PRIOR_WEIGHT));
    const k = Math.min(i, l.mus.length - 1);
    let x: number;
    do x = l.mus[k]! + l.sigmas[k]! * sampleStandardNormal(rng);
    while (x < 0 || x > 1);
    const score = logDensity(l, x) - logDensity(g, x);
    if (score > bestScore) [best, bestScore] = [x, score];
  }
  return best;
}

function sampleCategorical(slot: UnitCubeSlot, below: Float64Array[], above: Float64Array[], rng: Rng, u: Float64Array): void {
  const k = slot.width;
  const freq = (set: Float64Array[]): number[] => {
    const w = new Array<number>(k).fill(PRIOR_WEIGHT / k);
    for (const p of set) for (let i = 0; i < k; i++) w[i] += p[slot.offset + i]!;
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / total);
  };
  const l = freq(below);
  const g = freq(above);
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < CANDIDATES; c++) {
    let r = rng.next();
    let i = 0;
    while (i < k - 1 && r >= l[i]!) r -= l[i++]!;
    const score = Math.log(l[i]!) - Math.log(g[i]!);
    if (score > bestScore) [best, bestScore] = [i, score];
  }
  for (let i = 0; i < k; i++) u[slot.offset + i] = i === best ? 1 : 0;
}

function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}
