/**
 * Bayesian optimization (issue 3): a Gaussian process with a Matérn 5/2 ARD kernel on the unit
 * cube, hyperparameters by MAP (fit-kernel.ts), and log expected improvement maximized over
 * configs (maximize-log-ei.ts). Runs still going are fantasized at the GP mean (kriging
 * believer), and so is each proposal of a batch, so N agents get N different proposals.
 * Until max(2, parameters + 1) runs have a score it proposes a scrambled Halton design. Then,
 * at each call, a two-fold check (model-check.ts) asks whether the model predicts runs it has
 * not seen; when it does not (pure noise, a function it cannot model), the proposal comes from
 * perturbations of the best runs only (a trust region), and its reason says so.
 */
import type { Config, SweepConfig } from '../../config/types.js';
import type { Proposal, RunRecord } from '../../run-record.js';
import { canonicalJson } from '../../space/config-hash.js';
import { createRng } from '../../space/rng.js';
import { objectivesOf } from '../../metrics/objectives.js';
import { conditionalCube, type ConditionalCube } from '../../space/conditional-cube.js';
import { pruneInactive } from '../../space/conditional-space.js';
import { formatNumber } from 'hypersweep/web/shared/number-format.js';
import { nothingNew } from '../nothing-new.js';
import { randomSearch } from '../random.js';
import { proposalsOutcome, type NextRunsOptions, type SearchMethod } from '../search-method.js';
import { memoizedFactor, memoizedFit } from './bayes-memo.js';
import { collectObservations, type Observations } from './bayes-observations.js';
import { GaussianProcess } from './gaussian-process.js';
import type { KernelParams } from './matern52.js';
import { maximizeLogEi } from './maximize-log-ei.js';
import { modelCheck } from './model-check.js';
import { parEgoObservations } from './multi-objective.js';
import { scrambledHalton } from './scrambled-halton.js';

/** Up to this many observations the kernel is refit on all of them at every call. */
const FIT_ALL = 100;
/** Beyond FIT_ALL, refit when the data has grown by this factor (on a subset of FIT_ALL points). */
const REFIT_GROWTH = 1.25;
/** Arithmetic budget of one acquisition search, in kernel-row-equivalents (see evaluationBudget). */
const ACQUISITION_FLOPS = 1.2e7;

/** The reason of a proposal that the acquisition search could not find (see bayesSearch). */
export const BAYES_FREE_POINT_REASON = 'bayes: every candidate of the acquisition search was already run; a config no run has yet, at random';

export const bayesSearch: SearchMethod = (config, runs, options) => {
  const proposals = bayesProposals(config, runs, options);
  if (proposals.length > 0) return proposalsOutcome(proposals);
  // A nearly used-up finite space can hide its last free configs from the candidates. Search is
  // pure: the same runs would give the same miss at every tick, and a sweep with nothing running
  // would wait forever. Random search lists the free configs of a finite space, so ask it.
  const free = randomSearch(config, runs, options);
  if (free.kind !== 'proposals') return nothingNew(config.parameters, runs, 'bayes');
  return proposalsOutcome(free.proposals.map((p) => ({ ...p, reason: BAYES_FREE_POINT_REASON })));
};

function bayesProposals(config: SweepConfig, runs: readonly RunRecord[], options: Required<NextRunsOptions>): Proposal[] {
  // Conditional parameters: inactive ones are absent from configs and fixed in the cube (conditional-cube.ts).
  const cube = conditionalCube(config.parameters);
  const taken = new Set(runs.map((r) => canonicalJson(pruneInactive(config.parameters, r.config))));
  if (cube.dims === 0) {
    const only = cube.decode([]);
    return taken.has(canonicalJson(only)) ? [] : [{ config: only, reason: 'bayes: the space has a single config' }];
  }
  const metric = config.metric;
  if (!metric) return initialDesign(cube, runs, options, taken, () => 'bayes: no metric to model, quasi-random (scrambled Halton)');
  // Several objectives: one random Chebyshev scalarisation per call (multi-objective.ts).
  const objectives = objectivesOf(config);
  const scalarized = objectives.length > 1 ? parEgoObservations(runs, objectives, cube, createRng(options.seed, 'parego', runs.length)) : undefined;
  const obs = scalarized?.obs ?? collectObservations(runs, metric, cube);
  const needed = Math.max(2, cube.slots.length + 1);
  if (obs.scored < needed) return initialDesign(cube, runs, options, taken, () => `bayes: initial design, ${obs.scored}/${needed} runs scored`);
  const fit = fitData(obs, cube.dims);
  const check = modelCheck(fit.x, fit.y, fit.n, cube.dims, (x, y, n) => memoizedFit(x, y, n, cube.dims, () => createRng('bayes-check', n)));
  const params = memoizedFit(fit.x, fit.y, fit.n, cube.dims, () => createRng('bayes-fit', fit.n));
  const note = scalarized ? `${scalarized.note}, ` : '';
  if (!check.trusted) {
    const why = `model not trustworthy (held-out correlation ${check.correlation.toFixed(2)}, rank ${check.rankCorrelation.toFixed(2)}, both < ${check.threshold.toFixed(2)} on ${check.heldOut} runs), trust region around the best runs: `;
    return modelProposals(cube, obs, runs, options, taken, params, note + why, true);
  }
  return modelProposals(cube, obs, runs, options, taken, params, note);
}

function initialDesign(
  cube: ConditionalCube,
  runs: readonly RunRecord[],
  { count, seed }: Required<NextRunsOptions>,
  taken: Set<string>,
  reason: () => string,
): Proposal[] {
  const out: Proposal[] = [];
  let index = runs.length;
  for (let i = 0; i < count; i++) {
    let found: Config | undefined;
    for (let tries = 0; tries < 1000 && !found; tries++, index++) {
      const candidate = cube.decode(scrambledHalton(index, cube.dims, seed));
      if (!taken.has(canonicalJson(candidate))) found = candidate;
    }
    if (!found) break; // a small discrete space with every config taken
    taken.add(canonicalJson(found));
    out.push({ config: found, reason: reason() });
  }
  return out;
}

function modelProposals(
  cube: ConditionalCube,
  obs: Observations,
  runs: readonly RunRecord[],
  { count, seed }: Required<NextRunsOptions>,
  taken: Set<string>,
  params: KernelParams,
  note = '',
  localOnly = false,
): Proposal[] {
  const dims = cube.dims;
  const { mean, std } = meanStd(obs.loss, obs.n);
  const z = obs.loss.map((v) => (v - mean) / std);

  const memo = memoizedFactor(params, obs.x, obs.n, dims);
  const gp = new GaussianProcess(params, dims, obs.x, z, obs.n, memo.chol);
  memo.record();

  // Incumbent: the lowest posterior mean at an observed point, not the lowest (noisy) value,
  // so that EI comes from uncertainty and fantasies can use it up.
  let best = gp.lowestMeanAtData(obs.n);
  const order = Array.from({ length: obs.n }, (_, i) => i).sort((a, b) => z[a]! - z[b]!);
  const centers = order.slice(0, 5).map((i) => obs.x.slice(i * dims, (i + 1) * dims));

  const meanAt = (point: Float64Array): number => {
    const m = new Float64Array(1);
    gp.predict(point, 1, m, new Float64Array(1));
    return m[0]!;
  };
  // A believed fantasy is data: it also lowers the incumbent when it is below it.
  const believe = (point: Float64Array): void => {
    const m = meanAt(point);
    gp.add(point, m, true);
    best = Math.min(best, m);
  };
  for (const p of obs.pending) believe(p);

  const rng = createRng(seed, 'bayes', runs.length);
  const out: Proposal[] = [];
  const pendingNote = obs.pending.length > 0 ? `, ${obs.pending.length} running` : '';
  const imputedNote = obs.imputed > 0 ? `, ${obs.imputed} failed imputed ${obs.imputedAs ?? 'worst'}` : '';
  for (let i = 0; i < count; i++) {
    const found = maximizeLogEi({ cube, gp, best, centers, rng, taken, evaluations: evaluationBudget(gp.size, dims), localOnly, activeSlots: cube.activeSlots });
    if (!found) break;
    taken.add(found.key);
    const ei = Math.exp(found.logEi) * std;
    const batchNote = i > 0 ? `, batch ${i + 1}/${count}` : '';
    out.push({ config: found.config, reason: `bayes: ${note}EI ${formatNumber(ei, { digits: 2, exponentBelow: 1e-3, exponentFrom: 1e5, exponentDigits: 1 })} after ${obs.n} runs${pendingNote}${imputedNote}${batchNote}` });
    if (i + 1 < count) believe(found.point);
  }
  return out;
}

/**
 * The data kernel hyperparameters are fitted on (and the model checked on): every observation
 * up to FIT_ALL; beyond, a subset of FIT_ALL points (the best quarter and an even stride of the
 * rest) of the first s observations, s stepping by REFIT_GROWTH — so between steps the
 * (memoized) fit is reused. The posterior itself always uses every observation.
 */
function fitData(obs: Observations, dims: number): { x: Float64Array; y: Float64Array; n: number } {
  let idx: number[];
  if (obs.n <= FIT_ALL) idx = Array.from({ length: obs.n }, (_, i) => i);
  else {
    let s = FIT_ALL;
    while (Math.floor(s * REFIT_GROWTH) <= obs.n) s = Math.floor(s * REFIT_GROWTH);
    const prefix = Array.from({ length: s }, (_, i) => i).sort((a, b) => obs.loss[a]! - obs.loss[b]! || a - b);
    const top = prefix.slice(0, FIT_ALL / 4);
    const rest = prefix.slice(FIT_ALL / 4).sort((a, b) => a - b);
    const need = FIT_ALL - top.length;
    const strided = Array.from({ length: need }, (_, k) => rest[Math.floor((k * rest.length) / need)]!);
    idx = [...top, ...strided].sort((a, b) => a - b);
  }
  const m = idx.length;
  const x = new Float64Array(m * dims);
  const raw = new Float64Array(m);
  idx.forEach((i, k) => {
    x.set(obs.x.subarray(i * dims, (i + 1) * dims), k * dims);
    raw[k] = obs.loss[i]!;
  });
  const { mean, std } = meanStd(raw, m);
  return { x, y: raw.map((v) => (v - mean) / std), n: m };
}

/** Candidates one acquisition search may score: each costs ~n²/2 + n·dims multiply-adds. */
function evaluationBudget(n: number, dims: number): number {
  return Math.round(Math.min(1500, Math.max(96, ACQUISITION_FLOPS / ((n * n) / 2 + n * (dims + 20) + 1))));
}

function meanStd(v: Float64Array, n: number): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i]!;
  mean /= Math.max(1, n);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i]! - mean) ** 2;
  const std = Math.sqrt(ss / Math.max(1, n));
  return { mean, std: std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1 };
}

