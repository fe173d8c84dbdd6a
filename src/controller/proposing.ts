/**
 * Proposing, late: keep about as many jobs waiting as the sweep's live agents have idle slots,
 * so a model-based search sees every result before it proposes. Grid and random search learn
 * nothing from results, so they also keep one job waiting per busy slot: an agent starts its
 * next run the moment one ends, not a controller round later (bench/fleet.ts, 100 agents of
 * short runs: 91 → 110 runs/s). Once the budget is used up and nothing is pending or running,
 * the sweep is finished.
 */
import { nextRuns } from '../search/next-runs.js';
import { runsOfVersion } from '../search/prior-runs.js';
import type { RunJob } from '../queue/run-job.js';
import { idleSlots, liveSlots, type AgentInfo } from '../store/agent-store.js';
import { jobOf, type LeaderState } from './leader-state.js';
import { finishSweep } from './score-keeping.js';

/** Methods whose next configs do not depend on any result: their jobs may wait ahead of the slots. */
const RESULT_BLIND: ReadonlySet<string> = new Set(['grid', 'random']);

/** Enqueued configs made runs per round. */
const ENQUEUED_PER_ROUND = 100;

export async function propose(s: LeaderState, agents: readonly AgentInfo[]): Promise<void> {
  await proposeEnqueued(s);
  if (s.exhausted) {
    if (s.cache.count('pending') === 0 && s.cache.count('running') === 0) await finishSweep(s, s.exhausted);
    return;
  }
  // Jobs to keep waiting: one per idle slot; grid and random, one per slot (a next job for every busy one too).
  const blind = RESULT_BLIND.has(s.config.method);
  const target = blind ? liveSlots(agents, s.sweepId) : idleSlots(agents, s.sweepId);
  if (target <= 0) return;
  let want = target - (await s.queues.waitingCount(s.sweepId));
  if (!blind) {
    // A result-aware search proposes against one agents snapshot once: a job taken since it was
    // read is gone from the queue while its slot still reads idle.
    if (s.allowance?.agents !== agents) s.allowance = { agents, left: want };
    want = Math.min(want, s.allowance.left);
  }
  if (want <= 0) return;
  const started = performance.now();
  const count = s.total === undefined ? want : Math.min(want, Math.max(0, s.total - s.cache.size));
  // runs of earlier versions as the current space reads them (defaults filled in; those that do not fit left out)
  const own = s.version > 1 ? runsOfVersion(s.config.parameters, s.cache.values(), s.version) : s.cache.records;
  // prior runs (warm start) are observations beside the sweep's own; they are not in the cache, so not counted
  const runs = s.prior.length > 0 ? [...s.prior, ...own] : own;
  const outcome = count > 0 ? nextRuns(s.config, runs, { count, seed: s.seed }) : undefined;
  const proposals = outcome?.proposals ?? [];
  const results = await s.store.createRuns(proposals, s.total, s.version);
  const jobs: RunJob[] = [];
  results.forEach((r, i) => {
    if (r.result === 'created') {
      jobs.push(jobOf(s, s.cache.add(r.runId, proposals[i]!.config, r.token, s.version)));
      s.metrics.runsProposed++;
    } else if (r.result === 'capped') {
      s.exhausted = exhaustedReason(s, 'cap');
    }
  });
  await s.queues.enqueue(s.sweepId, jobs);
  if (s.allowance) s.allowance.left -= jobs.length;
  s.metrics.observeProposalLatency(performance.now() - started);
  if (s.total !== undefined && s.cache.size >= s.total) s.exhausted = exhaustedReason(s, 'cap');
  else if (outcome?.kind === 'exhausted') s.exhausted = exhaustedReason(s, 'space'); // on `wait`, ask again next tick
}

/** Hand-picked configs first (`hypersweep enqueue`): runs with reason `enqueued`, queued ahead of any searched config, counted against the budget. */
async function proposeEnqueued(s: LeaderState): Promise<void> {
  const configs = await s.store.readEnqueued(ENQUEUED_PER_ROUND);
  if (configs.length === 0) return;
  const results = await s.store.createRuns(configs.map((config) => ({ config, reason: 'enqueued' })), s.total, s.version);
  const jobs: RunJob[] = [];
  results.forEach((r, i) => {
    if (r.result === 'created') {
      jobs.push(jobOf(s, s.cache.add(r.runId, configs[i]!, r.token, s.version)));
      s.metrics.runsProposed++;
    } else if (r.result === 'capped') {
      s.options.log(`sweep ${s.sweepId}: enqueued config ${JSON.stringify(configs[i])} dropped: the run budget is used up`);
    }
  });
  await s.queues.enqueue(s.sweepId, jobs);
  await s.store.dropEnqueued(configs.length);
  if (s.total !== undefined && s.cache.size >= s.total) s.exhausted = exhaustedReason(s, 'cap');
}

/** Why the sweep will get no more runs. */
export function exhaustedReason(s: LeaderState, why: 'cap' | 'space'): string {
  if (why === 'space') return s.config.method === 'grid' ? `grid exhausted (${s.cache.size} runs)` : `search space exhausted (${s.cache.size} runs)`;
  if (s.config.method === 'grid' && (s.config.run_cap === undefined || s.config.run_cap >= (s.total ?? 0))) return `grid exhausted (${s.cache.size} runs)`;
  return `run_cap reached (${s.cache.size} runs)`;
}
