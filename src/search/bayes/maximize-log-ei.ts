/**
 * Maximizes log EI over the configs of a space: random points of the unit cube, local
 * perturbations around the best observed points, then a few rounds of adaptive-step local
 * search from the best candidates. Every candidate is projected (decoded and re-encoded) before
 * it is scored, so the acquisition is evaluated at real configs: rounded ints and q values,
 * one-hot categoricals (Garrido-Merchán & Hernández-Lobato's transformation).
 */
import type { Config } from '../../config/types.js';
import { canonicalJson } from '../../space/config-hash.js';
import { sampleStandardNormal } from '../../space/random-variates.js';
import type { Rng } from '../../space/rng.js';
import type { UnitCube, UnitCubeSlot } from '../../space/unit-cube.js';
import type { GaussianProcess } from './gaussian-process.js';
import { logExpectedImprovement } from './log-expected-improvement.js';

export interface AcquisitionInput {
  cube: UnitCube;
  gp: GaussianProcess;
  /** The incumbent (lowest standardized value observed). */
  best: number;
  /** Points to search around, most promising first. */
  centers: Float64Array[];
  rng: Rng;
  /** Configs (canonical JSON) that must not be proposed. */
  taken: ReadonlySet<string>;
  /** How many candidates may be scored. */
  evaluations: number;
  /** Only perturbations of the centers, no global points (the safeguard's trust region). @defaultValue false */
  localOnly?: boolean;
  /** The slots that matter at a point (conditional parameters); local moves change only these. @defaultValue every slot */
  activeSlots?: (u: Float64Array) => readonly UnitCubeSlot[];
}

export interface AcquisitionResult {
  config: Config;
  key: string;
  point: Float64Array;
  logEi: number;
}

interface Candidate {
  point: Float64Array;
  config: Config;
  key: string;
  logEi: number;
}

/** One acquisition search: its input, the candidates scored so far and the evaluations left. */
interface SearchState {
  input: AcquisitionInput;
  seen: Map<string, Candidate>;
  budget: number;
}

/** The best config not in `taken`, or undefined when every candidate found was taken. */
export function maximizeLogEi(input: AcquisitionInput): AcquisitionResult | undefined {
  const s: SearchState = { input, seen: new Map(), budget: Math.max(16, input.evaluations) };
  score(s, initialCandidates(s));
  localSearch(s);
  return winnerOf(s);
}

/** Decode and re-encode a point of the cube, so it is scored at a real config. */
function project(cube: UnitCube, u: Float64Array): { point: Float64Array; config: Config; key: string } {
  const config = cube.decode(u);
  return { point: cube.encode(config), config, key: canonicalJson(config) };
}

/** Scores the new ones among `raw` (duplicates are looked up); returns them all, scored. */
function score(s: SearchState, raw: Float64Array[]): Candidate[] {
  const { cube, gp, best } = s.input;
  const out: Candidate[] = [];
  const fresh: Candidate[] = [];
  for (const u of raw) {
    const p = project(cube, u);
    const old = s.seen.get(p.key);
    if (old) {
      out.push(old);
      continue;
    }
    const c: Candidate = { ...p, logEi: -Infinity };
    s.seen.set(p.key, c);
    fresh.push(c);
    out.push(c);
  }
  s.budget -= raw.length;
  if (fresh.length === 0) return out;
  const m = fresh.length;
  const dims = cube.dims;
  const flat = new Float64Array(m * dims);
  fresh.forEach((c, i) => flat.set(c.point, i * dims));
  const mean = new Float64Array(m);
  const variance = new Float64Array(m);
  gp.predict(flat, m, mean, variance);
  for (let i = 0; i < m; i++) fresh[i]!.logEi = logExpectedImprovement(mean[i]!, Math.sqrt(variance[i]!), best);
  return out;
}

/** A sparse move from `center`: a few active slots change, by `sigma` (categoricals jump). */
function perturb(input: AcquisitionInput, center: Float64Array, sigma: number): Float64Array {
  const { cube, rng } = input;
  const u = Float64Array.from(center);
  const slots = input.activeSlots?.(center) ?? cube.slots;
  const p = Math.min(1, Math.max(1, Math.min(4, slots.length / 2)) / slots.length);
  let changed = false;
  for (let attempt = 0; !changed && attempt < 4; attempt++) {
    for (const slot of slots) {
      if (rng.next() >= p) continue;
      changed = true;
      if (slot.spec.distribution === 'categorical') {
        if (rng.next() < Math.min(1, sigma * 4)) {
          const pick = Math.floor(rng.next() * slot.width);
          for (let i = 0; i < slot.width; i++) u[slot.offset + i] = i === pick ? 1 : 0;
        }
      } else {
        const v = u[slot.offset]! + sigma * sampleStandardNormal(rng);
        u[slot.offset] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return u;
}

/** Phase 1: global random points and local perturbations of the centers. */
function initialCandidates(s: SearchState): Float64Array[] {
  const { cube, centers, rng } = s.input;
  const initial = Math.max(8, Math.round(s.budget * 0.6));
  const raw: Float64Array[] = [];
  const nLocal = centers.length > 0 ? (s.input.localOnly ? initial : Math.floor(initial / 2)) : 0;
  for (let i = 0; i < initial - nLocal; i++) {
    const u = new Float64Array(cube.dims);
    for (let d = 0; d < cube.dims; d++) u[d] = rng.next();
    raw.push(u);
  }
  const scales = [0.01, 0.04, 0.12, 0.3];
  for (let i = 0; i < nLocal; i++) raw.push(perturb(s.input, centers[i % centers.length]!, scales[Math.floor(i / centers.length) % scales.length]!));
  return raw;
}

/** Phase 2: adaptive-step local search from the best few, while evaluations are left. */
function localSearch(s: SearchState): void {
  const { taken } = s.input;
  const starts = [...s.seen.values()]
    .filter((c) => !taken.has(c.key))
    .sort((a, b) => b.logEi - a.logEi)
    .slice(0, 4)
    .map((c) => ({ at: c, sigma: 0.05 }));
  const perRound = 6;
  while (s.budget > 0 && starts.length > 0) {
    // one batch for all starts: the GP streams its factor once per batch
    const moves = score(s, starts.flatMap((st) => Array.from({ length: perRound }, () => perturb(s.input, st.at.point, st.sigma))));
    starts.forEach((st, k) => {
      let bestMove: Candidate | undefined;
      for (const c of moves.slice(k * perRound, (k + 1) * perRound)) if (!taken.has(c.key) && c.logEi > (bestMove?.logEi ?? -Infinity)) bestMove = c;
      if (bestMove && bestMove.logEi > st.at.logEi) {
        st.at = bestMove;
        st.sigma = Math.min(0.25, st.sigma * 1.5);
      } else {
        st.sigma = Math.max(1e-3, st.sigma * 0.5);
      }
    });
  }
}

/** The best untaken candidate (any untaken one when none scored), or undefined. */
function winnerOf(s: SearchState): AcquisitionResult | undefined {
  const { taken } = s.input;
  let winner: Candidate | undefined;
  for (const c of s.seen.values()) if (!taken.has(c.key) && c.logEi > (winner?.logEi ?? -Infinity)) winner = c;
  if (!winner) {
    for (const c of s.seen.values()) if (!taken.has(c.key)) return { ...c };
    return undefined;
  }
  return { config: winner.config, key: winner.key, point: winner.point, logEi: winner.logEi };
}
