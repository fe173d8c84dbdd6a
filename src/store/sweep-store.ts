/**
 * Sweeps in Redis: create, read, list, change state. The shapes returned here are the API's
 * (SweepSummary, SweepDetail); the dashboard and the CLI read them as they are.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type { Config, MetricSpec, SweepConfig } from '../config/types.js';
import { HypersweepError, NotFoundError } from '../errors.js';
import { RUN_STATES, type RunState } from '../run-record.js';
import { gridSize } from '../space/grid-size.js';
import { keys } from './keys.js';
import { callScript, type Fence } from './store-scripts.js';
import { execPerSweep } from './exec-pipeline.js';

export const SWEEP_STATES = ['running', 'paused', 'finished', 'canceled'] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

export type RunCounts = Record<RunState, number>;

export interface BestRun {
  runId: string;
  value: number;
  config: Config;
}

export interface SweepSummary {
  id: string;
  name: string;
  method: SweepConfig['method'];
  state: SweepState;
  stateReason: string | null;
  metric: { name: string; goal: MetricSpec['goal'] } | null;
  createdAt: number;
  finishedAt: number | null;
  counts: RunCounts;
  /** Grid size or run_cap (the smaller); null when unbounded. */
  total: number | null;
  best: BestRun | null;
  /** Warm start: the earlier sweeps this one learns from and how many of their runs fit its space; null without. */
  prior: { sweeps: string[]; runs: number } | null;
}

export interface SweepDetail extends SweepSummary {
  /** The version of the sweep file `config` is (1 until `hypersweep update`; GET .../versions lists them). */
  version: number;
  config: SweepConfig;
  source: string;
  seed: number;
}

/** A sweep id: `s` + base36 time + random base36 (sortable, safe in keys, job ids and file names). */
export function newSweepId(now = Date.now()): string {
  return `s${now.toString(36)}${BigInt(`0x${randomBytes(5).toString('hex')}`).toString(36).padStart(8, '0')}`;
}

/** The seed of a sweep without `execution.seed`: derived from its id. */
export function seedFromSweepId(sweepId: string): number {
  return createHash('sha256').update(sweepId).digest().readUInt32BE(0);
}

/**
 * The most runs a sweep can create: min(grid size, run_cap); undefined when unbounded. An edited
 * grid also keeps its `offGrid` runs (of earlier versions, outside the new product) beside the grid.
 */
export function sweepTotal(config: SweepConfig, offGrid = 0): number | undefined {
  let total = config.run_cap;
  if (config.method === 'grid') {
    const size = gridSize(config) + BigInt(offGrid);
    const n = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
    total = total === undefined ? n : Math.min(total, n);
  }
  return total;
}

export interface CreateSweepInput {
  config: SweepConfig;
  /** The sweep file text, kept for display. */
  source: string;
  /** @defaultValue newSweepId() */
  id?: string;
  /** @defaultValue Date.now() */
  now?: number;
  /** Warm start: earlier sweeps' ids and how many of their runs are observations here. @defaultValue none */
  prior?: { sweeps: string[]; runs: number };
  /** An imported sweep is born finished (read-only: no controller leads it). @defaultValue running, no reason */
  finished?: { reason: string };
}

export async function createSweep(redis: RedisClient, input: CreateSweepInput): Promise<SweepDetail> {
  const now = input.now ?? Date.now();
  const id = input.id ?? newSweepId(now);
  const { config } = input;
  const seed = config.execution.seed ?? seedFromSweepId(id);
  const total = sweepTotal(config);
  const fields: Record<string, string> = {
    id,
    name: config.name ?? id,
    state: input.finished ? 'finished' : 'running',
    method: config.method,
    configJson: JSON.stringify(config),
    sourceText: input.source,
    seed: String(seed),
    createdAt: String(now),
    stateReason: input.finished?.reason ?? '',
  };
  if (input.finished) fields.finishedAt = String(now);
  if (total !== undefined) fields.total = String(total);
  if (input.prior && input.prior.sweeps.length > 0) fields.prior = JSON.stringify(input.prior);
  if ((await redis.exists(keys.sweep(id))) === 1) throw new HypersweepError('CONFLICT', `sweep ${id} already exists`);
  // The sweep's hash, then its index entry: two slots on a Redis Cluster, so two writes; readers
  // of the index skip an id whose hash is missing (readSweeps).
  await redis.hset(keys.sweep(id), fields);
  await redis.zadd(keys.sweeps(), now, id);
  return await getSweep(redis, id);
}

/** Sweep ids, newest first. */
export async function listSweepIds(redis: RedisClient): Promise<string[]> {
  return await redis.zrevrange(keys.sweeps(), 0, -1);
}

export async function getSweep(redis: RedisClient, sweepId: string): Promise<SweepDetail> {
  const [detail] = await readSweeps(redis, [sweepId], true);
  if (!detail) throw new NotFoundError(`sweep ${sweepId}`);
  return detail;
}

export async function getSweepSummary(redis: RedisClient, sweepId: string): Promise<SweepSummary> {
  const [summary] = await readSweeps(redis, [sweepId], false);
  if (!summary) throw new NotFoundError(`sweep ${sweepId}`);
  return summary;
}

/** Every sweep, newest first. */
export async function listSweeps(redis: RedisClient): Promise<SweepSummary[]> {
  return await readSweeps(redis, await listSweepIds(redis), false);
}

/** The sweep's config as stored (parsed once per call). */
export async function getSweepConfig(redis: RedisClient, sweepId: string): Promise<SweepConfig> {
  const json = await redis.hget(keys.sweep(sweepId), 'configJson');
  if (json === null) throw new NotFoundError(`sweep ${sweepId}`);
  return JSON.parse(json) as SweepConfig;
}

async function readSweeps(redis: RedisClient, ids: readonly string[], detail: true): Promise<SweepDetail[]>;
async function readSweeps(redis: RedisClient, ids: readonly string[], detail: false): Promise<SweepSummary[]>;
async function readSweeps(redis: RedisClient, ids: readonly string[], detail: boolean): Promise<SweepSummary[]> {
  if (ids.length === 0) return [];
  const replies = await execPerSweep(redis, ids, (p, id) => p.hgetall(keys.sweep(id)).hgetall(keys.sweepCounts(id)));
  const rows: Array<{ hash: Record<string, string>; counts: Record<string, string>; config: SweepConfig }> = [];
  for (let i = 0; i < ids.length; i++) {
    const hash = replies[2 * i]?.[1] as Record<string, string> | undefined;
    if (!hash || !hash.id || !hash.configJson) continue;
    rows.push({ hash, counts: (replies[2 * i + 1]?.[1] as Record<string, string>) ?? {}, config: JSON.parse(hash.configJson) as SweepConfig });
  }
  const bests = await bestRuns(
    redis,
    rows.map((r) => ({ sweepId: r.hash.id!, metric: r.config.metric })),
  );
  return rows.map((row, i) => {
    const { hash, config } = row;
    const counts = Object.fromEntries(RUN_STATES.map((s) => [s, Number(row.counts[s] ?? 0)])) as RunCounts;
    const summary: SweepSummary = {
      id: hash.id!,
      name: hash.name ?? hash.id!,
      method: config.method,
      state: hash.state as SweepState,
      stateReason: hash.stateReason ? hash.stateReason : null,
      metric: config.metric ? { name: config.metric.name, goal: config.metric.goal } : null,
      createdAt: Number(hash.createdAt),
      finishedAt: hash.finishedAt ? Number(hash.finishedAt) : null,
      counts,
      total: hash.total ? Number(hash.total) : null,
      best: bests[i] ?? null,
      prior: hash.prior ? (JSON.parse(hash.prior) as SweepSummary['prior']) : null,
    };
    if (!detail) return summary;
    return { ...summary, version: Number(hash.version ?? 1), config, source: hash.sourceText ?? '', seed: Number(hash.seed) } satisfies SweepDetail;
  });
}

/** The best run of a sweep from its score ZSET: O(log n). Undefined without a metric or a score. */
export async function bestRun(redis: RedisClient, sweepId: string, metric: MetricSpec | undefined): Promise<BestRun | undefined> {
  return (await bestRuns(redis, [{ sweepId, metric }]))[0];
}

async function bestRuns(redis: RedisClient, sweeps: ReadonlyArray<{ sweepId: string; metric: MetricSpec | undefined }>): Promise<Array<BestRun | undefined>> {
  const goals = new Map(sweeps.map((s) => [s.sweepId, s.metric?.goal]));
  const tops = await execPerSweep(
    redis,
    sweeps.map((s) => s.sweepId),
    (p, sweepId) => (goals.get(sweepId) === 'maximize' ? p.zrange(keys.sweepScores(sweepId), 0, 0, 'REV', 'WITHSCORES') : p.zrange(keys.sweepScores(sweepId), 0, 0, 'WITHSCORES')),
  );
  const out: Array<BestRun | undefined> = sweeps.map(() => undefined);
  const wanted = new Map<string, number>();
  tops.forEach(([, reply], i) => {
    const top = reply as string[] | undefined;
    if (sweeps[i]!.metric && top && top.length >= 2) wanted.set(sweeps[i]!.sweepId, i);
  });
  if (wanted.size === 0) return out;
  const topRun = (i: number): string[] => tops[i]![1] as string[];
  const replies = await execPerSweep(redis, [...wanted.keys()], (p, sweepId) => p.hget(keys.run(sweepId, topRun(wanted.get(sweepId)!)[0]!), 'config'));
  [...wanted.values()].forEach((i, k) => {
    const json = replies[k]?.[1] as string | null;
    if (json) out[i] = { runId: topRun(i)[0]!, value: Number(topRun(i)[1]), config: JSON.parse(json) as Config };
  });
  return out;
}

/** Which states a sweep may move to from which: pause, resume, stop (→ finished), cancel. */
export const SWEEP_TRANSITIONS: Record<'pause' | 'resume' | 'stop' | 'cancel', { to: SweepState; from: SweepState[] }> = {
  pause: { to: 'paused', from: ['running'] },
  resume: { to: 'running', from: ['paused'] },
  stop: { to: 'finished', from: ['running', 'paused'] },
  cancel: { to: 'canceled', from: ['running', 'paused', 'finished'] },
};

/**
 * Move a sweep to `to` when its current state is one of `from`.
 * @throws NotFoundError for an unknown sweep; HypersweepError CONFLICT for an illegal transition.
 */
export async function setSweepState(redis: RedisClient, sweepId: string, to: SweepState, options: { from: readonly SweepState[]; reason: string; now?: number; fence?: Fence }): Promise<void> {
  const result = (await callScript(redis, 'hsSetSweepState', [keys.sweep(sweepId)], [to, options.reason, options.now ?? Date.now(), options.from.join(',')], options.fence)) as string;
  if (result === 'ok') return;
  if (result === 'unknown') throw new NotFoundError(`sweep ${sweepId}`);
  throw new HypersweepError('CONFLICT', `sweep ${sweepId} is ${result}; it cannot become ${to} (only from ${options.from.join(' or ')})`);
}
