/**
 * Runs in Redis: create (idempotent, counted against the sweep's budget), read, list, page,
 * stop, cancel, crash. State changes go through the Lua scripts of store-scripts.ts; reads are
 * pipelined so a page costs one round trip whatever the sweep's size.
 */
import { randomUUID } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { Config, Goal } from '../config/types.js';
import { HypersweepError, NotFoundError } from '../errors.js';
import { RUN_STATES, type HistoryRow, type RunState } from '../run-record.js';
import { runIdFor } from '../space/config-hash.js';
import type { AttemptOutcome } from './run-events.js';
import { keys } from './keys.js';
import { callScript, defineScripts, queueScript, queueScriptVarKeys, runKeys, type Fence } from './store-scripts.js';
import { execPerSweep, execPipeline } from './exec-pipeline.js';

export interface RunSummary {
  id: string;
  sweepId: string;
  state: RunState;
  config: Config;
  score: number | null;
  attempt: number;
  agentId: string | null;
  slot: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  stopReason: string | null;
  /** The proposal's reason (`grid 7/24`, `random`, `enqueued`, ...). */
  reason: string;
  /** The version of the sweep file the run was proposed under (`hypersweep update` makes a new one); 1 for runs made before versions were recorded. */
  version: number;
  /** History length (rows of every attempt). */
  steps: number;
}

export interface AttemptRecord {
  attempt: number;
  agentId: string | null;
  slot: string | null;
  startedAt: number | null;
  endedAt: number | null;
  outcome: AttemptOutcome | null;
  exitCode: number | null;
  signal: string | null;
}

export interface RunDetail extends RunSummary {
  /**
   * The agent's (or the controller's) words about how the run ended: the finished event's
   * message (`timed out after 600 s; killed by SIGKILL`, `exit code 1`) or `agent lost (lease
   * expired)`; null while none was written.
   */
  message: string | null;
  history: HistoryRow[];
  attempts: AttemptRecord[];
  /** The last 64 KB of output of the latest attempt that ended. */
  output: string;
}

/** A fencing token for a new attempt. */
export function newAttemptToken(): string {
  return randomUUID();
}

export interface CreateRunInput {
  sweepId: string;
  config: Config;
  /** The proposal's reason. */
  reason: string;
  /** Most runs the sweep may hold (grid size / run_cap); undefined: no limit. */
  cap?: number;
  /** The sweep file version the run is proposed under. @defaultValue 1 */
  version?: number;
  /** @defaultValue Date.now() */
  now?: number;
}

export interface CreateRunResult {
  /** `created`: a new pending run at attempt 1; `exists`: the config already has a run; `capped`: the budget is used up. */
  result: 'created' | 'exists' | 'capped';
  runId: string;
  token: string;
}

/** Create the run of a config if it has none and the budget allows (one Lua script). */
export async function createRun(redis: RedisClient, input: CreateRunInput): Promise<CreateRunResult> {
  const runId = runIdFor(input.sweepId, input.config);
  const token = newAttemptToken();
  const result = (await callScript(redis, 'hsCreateRun', runKeys(input.sweepId, runId), [
    runId,
    input.sweepId,
    JSON.stringify(input.config),
    token,
    input.reason,
    input.now ?? Date.now(),
    input.cap ?? -1,
    input.version ?? 1,
  ])) as CreateRunResult['result'];
  return { result, runId, token };
}

/** Create many runs of one sweep in one round trip (same rules as createRun, applied in order; one sweep: one cluster slot). */
export async function createRuns(redis: RedisClient, inputs: readonly CreateRunInput[], fence?: Fence): Promise<CreateRunResult[]> {
  if (inputs.length === 0) return [];
  defineScripts(redis);
  const p = redis.pipeline();
  const made = inputs.map((input) => {
    const runId = runIdFor(input.sweepId, input.config);
    const token = newAttemptToken();
    queueScript(p, 'hsCreateRun', runKeys(input.sweepId, runId), [runId, input.sweepId, JSON.stringify(input.config), token, input.reason, input.now ?? Date.now(), input.cap ?? -1, input.version ?? 1], fence);
    return { runId, token };
  });
  const replies = await execPipeline(p);
  return made.map((m, i) => {
    const [err, reply] = replies[i]!;
    if (err) throw err;
    return { ...m, result: reply as CreateRunResult['result'] };
  });
}

function num(v: string | undefined): number | null {
  return v === undefined || v === '' ? null : Number(v);
}

function toSummary(h: Record<string, string>, steps: number): RunSummary {
  return {
    id: h.id!,
    sweepId: h.sweepId!,
    state: h.state as RunState,
    config: JSON.parse(h.config ?? '{}') as Config,
    score: num(h.score),
    attempt: Number(h.attempt ?? 1),
    agentId: h.agentId || null,
    slot: h.slot || null,
    createdAt: Number(h.createdAt),
    startedAt: num(h.startedAt),
    endedAt: num(h.endedAt),
    exitCode: num(h.exitCode),
    stopReason: h.stopReason || null,
    reason: h.reason ?? '',
    version: Number(h.version ?? 1),
    steps,
  };
}

/** Summaries of runs by id, in the given order (unknown ids skipped). */
export async function readRunSummaries(redis: RedisClient, sweepId: string, runIds: readonly string[]): Promise<RunSummary[]> {
  if (runIds.length === 0) return [];
  const p = redis.pipeline();
  for (const id of runIds) p.hgetall(keys.run(sweepId, id)).llen(keys.runHistory(sweepId, id));
  const replies = await execPipeline(p);
  const out: RunSummary[] = [];
  for (let i = 0; i < runIds.length; i++) {
    const h = replies[2 * i]?.[1] as Record<string, string> | undefined;
    if (h?.id) out.push(toSummary(h, Number(replies[2 * i + 1]?.[1] ?? 0)));
  }
  return out;
}

/** Whole histories of runs (every attempt's rows), in the order of `runIds`; pipelined LRANGEs. */
export async function readHistories(redis: RedisClient, sweepId: string, runIds: readonly string[]): Promise<HistoryRow[][]> {
  const out: HistoryRow[][] = [];
  const CHUNK = 1000;
  for (let i = 0; i < runIds.length; i += CHUNK) {
    const p = redis.pipeline();
    for (const id of runIds.slice(i, i + CHUNK)) p.lrange(keys.runHistory(sweepId, id), 0, -1);
    for (const [err, rows] of await execPipeline(p)) {
      if (err) throw err;
      out.push(parseRows(rows as string[]));
    }
  }
  return out;
}

/** Parse a LIST of compact JSON rows in one go. */
function parseRows(rows: readonly string[]): HistoryRow[] {
  return rows.length === 0 ? [] : (JSON.parse(`[${rows.join(',')}]`) as HistoryRow[]);
}

export interface HistoryPage {
  /** First row (0-based). @defaultValue 0 */
  historyFrom?: number;
  /** Most rows. @defaultValue 10_000 */
  historyLimit?: number;
}

export const MAX_HISTORY_PAGE = 10_000;

/** A run with a page of its history, its attempts and its output tail. */
export async function getRun(redis: RedisClient, sweepId: string, runId: string, page: HistoryPage = {}): Promise<RunDetail> {
  const from = page.historyFrom ?? 0;
  const limit = Math.min(page.historyLimit ?? MAX_HISTORY_PAGE, MAX_HISTORY_PAGE);
  if (!Number.isInteger(from) || from < 0 || !Number.isInteger(limit) || limit < 0) {
    throw new HypersweepError('BAD_REQUEST', `historyFrom and historyLimit must be non-negative integers (got ${from}, ${limit})`);
  }
  const [[, h], [, steps], [, rows], [, attempts], [, output]] = (await execPipeline(redis
    .pipeline()
    .hgetall(keys.run(sweepId, runId))
    .llen(keys.runHistory(sweepId, runId))
    .lrange(keys.runHistory(sweepId, runId), limit === 0 ? 1 : from, limit === 0 ? 0 : from + limit - 1)
    .lrange(keys.runAttempts(sweepId, runId), 0, -1)
    .get(keys.runOutput(sweepId, runId)))) as Array<[unknown, unknown]> as [[unknown, Record<string, string>], [unknown, number], [unknown, string[]], [unknown, string[]], [unknown, string | null]];
  if (!h?.id) throw new NotFoundError(`run ${runId}`);
  return {
    ...toSummary(h, steps),
    message: h.message || null,
    history: limit === 0 ? [] : parseRows(rows),
    attempts: attempts.map((a) => JSON.parse(a) as AttemptRecord),
    output: output ?? '',
  };
}

/**
 * The sweep a run belongs to, for the callers that know only the run id (`hypersweep logs RUN`,
 * GET /api/runs/:runId). A run's keys carry its sweep's hash tag, so the run is looked up in each
 * sweep's run set (one ZSCORE per sweep, pipelined per sweep; no index of all runs to keep).
 */
export async function runSweepId(redis: RedisClient, runId: string): Promise<string> {
  const sweepIds = await redis.zrevrange(keys.sweeps(), 0, -1);
  const replies = await execPerSweep(redis, sweepIds, (p, id) => p.zscore(keys.sweepRuns(id), runId));
  const i = replies.findIndex(([, seq]) => seq !== null);
  if (i < 0) throw new NotFoundError(`run ${runId}`);
  return sweepIds[i]!;
}

export const RUN_SORTS = ['score', '-score', 'created', '-created', 'duration', '-duration'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export interface ListRunsOptions {
  /** Only runs in these states. @defaultValue every state */
  states?: readonly RunState[];
  /** `score`: best first for the goal; unscored runs come after, oldest first. @defaultValue 'created' */
  sort?: RunSort;
  /** @defaultValue 100 (most 1000) */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
  /** The sweep's goal, for `score`. @defaultValue 'minimize' */
  goal?: Goal;
}

export interface RunPage {
  runs: RunSummary[];
  next: string | null;
}

export const MAX_RUN_PAGE = 1000;

/** A page of a sweep's runs: filtered by state through the per-state sets, sorted, with a cursor. */
export async function listRuns(redis: RedisClient, sweepId: string, options: ListRunsOptions = {}): Promise<RunPage> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUN_PAGE) throw new HypersweepError('BAD_REQUEST', `limit must be an integer from 1 to ${MAX_RUN_PAGE} (got ${limit})`);
  const states = options.states && options.states.length > 0 && options.states.length < RUN_STATES.length ? [...new Set(options.states)] : undefined;
  const sources = states ? states.map((s) => keys.sweepStateRuns(sweepId, s)) : [keys.sweepRuns(sweepId)];
  const sort = options.sort ?? 'created';
  const cursor = options.cursor ?? '';
  if (cursor !== '' && !/^[csud]\d+$/.test(cursor)) throw new HypersweepError('BAD_REQUEST', `invalid cursor ${JSON.stringify(cursor)}`);
  const kind = cursor[0];
  const at = cursor === '' ? undefined : Number(cursor.slice(1));
  if (sort === 'created' || sort === '-created') {
    if (kind !== undefined && kind !== 'c') throw new HypersweepError('BAD_REQUEST', 'cursor belongs to another sort');
    return await pageByCreation(redis, sweepId, sources, sort === '-created', limit, at);
  }
  if (sort === 'score' || sort === '-score') {
    const bestFirst = sort === 'score';
    const descending = bestFirst === (options.goal === 'maximize');
    if (kind === 'c' || kind === 'd') throw new HypersweepError('BAD_REQUEST', 'cursor belongs to another sort');
    const out: RunSummary[] = [];
    if (kind !== 'u') {
      let rank = at ?? 0;
      const stateSet = states ? new Set<string>(states) : undefined;
      for (;;) {
        const chunk = Math.max(limit * 2, 100);
        const ids = descending
          ? await redis.zrange(keys.sweepScores(sweepId), rank, rank + chunk - 1, 'REV')
          : await redis.zrange(keys.sweepScores(sweepId), rank, rank + chunk - 1);
        if (ids.length === 0) break;
        const byId = new Map((await readRunSummaries(redis, sweepId, ids)).map((r) => [r.id, r]));
        for (const id of ids) {
          rank++;
          const run = byId.get(id);
          if (run && (!stateSet || stateSet.has(run.state))) out.push(run);
          if (out.length === limit) return { runs: out, next: `s${rank}` };
        }
      }
    }
    // Then the runs without a score, oldest first.
    let seq = kind === 'u' ? at : undefined;
    for (;;) {
      const { items, more } = await idsByCreation(redis, sources, false, limit, seq);
      const byId = new Map((await readRunSummaries(redis, sweepId, items.map((x) => x.id))).map((r) => [r.id, r]));
      for (let i = 0; i < items.length; i++) {
        seq = items[i]!.seq;
        const run = byId.get(items[i]!.id);
        if (run && run.score === null) out.push(run);
        if (out.length === limit) return { runs: out, next: more || i < items.length - 1 ? `u${seq}` : null };
      }
      if (!more) break;
    }
    return { runs: out, next: null };
  }
  // duration: read every candidate's times, sort in memory.
  if (kind !== undefined && kind !== 'd') throw new HypersweepError('BAD_REQUEST', 'cursor belongs to another sort');
  const ids = [...new Set((await Promise.all(sources.map((k) => redis.zrange(k, 0, -1)))).flat())];
  const p = redis.pipeline();
  for (const id of ids) p.hmget(keys.run(sweepId, id), 'startedAt', 'endedAt');
  const times = await execPipeline(p);
  const now = Date.now();
  const durations = ids.map((id, i) => {
    const [s, e] = (times[i]?.[1] as Array<string | null>) ?? [];
    return { id, d: s ? (e ? Number(e) : now) - Number(s) : undefined };
  });
  const sign = sort === 'duration' ? 1 : -1;
  durations.sort((a, b) => (a.d === undefined ? (b.d === undefined ? 0 : 1) : b.d === undefined ? -1 : sign * (a.d - b.d)));
  const offset = at ?? 0;
  const slice = durations.slice(offset, offset + limit).map((x) => x.id);
  return { runs: await readRunSummaries(redis, sweepId, slice), next: offset + limit < durations.length ? `d${offset + limit}` : null };
}

/** Run ids in creation order from one or more seq-scored sets, after (or before, descending) seq `after`. */
async function idsByCreation(
  redis: RedisClient,
  sources: readonly string[],
  descending: boolean,
  limit: number,
  after: number | undefined,
): Promise<{ items: Array<{ id: string; seq: number }>; more: boolean }> {
  const p = redis.pipeline();
  for (const key of sources) {
    if (descending) p.zrange(key, after === undefined ? '+inf' : `(${after}`, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, limit + 1, 'WITHSCORES');
    else p.zrange(key, after === undefined ? '-inf' : `(${after}`, '+inf', 'BYSCORE', 'LIMIT', 0, limit + 1, 'WITHSCORES');
  }
  const replies = await execPipeline(p);
  const merged: Array<{ id: string; seq: number }> = [];
  for (const [, reply] of replies) {
    const flat = reply as string[];
    for (let i = 0; i + 1 < flat.length; i += 2) merged.push({ id: flat[i]!, seq: Number(flat[i + 1]) });
  }
  merged.sort((a, b) => (descending ? b.seq - a.seq : a.seq - b.seq));
  return { items: merged.slice(0, limit), more: merged.length > limit };
}

async function pageByCreation(redis: RedisClient, sweepId: string, sources: readonly string[], descending: boolean, limit: number, after: number | undefined): Promise<RunPage> {
  const { items, more } = await idsByCreation(redis, sources, descending, limit, after);
  return { runs: await readRunSummaries(redis, sweepId, items.map((x) => x.id)), next: more ? `c${items[items.length - 1]!.seq}` : null };
}

/**
 * Ask the agent of a running (or just claimed) run to stop it: `stop` (early termination, sweep
 * stop: SIGTERM with grace) or `cancel` (kill now). True when newly requested.
 */
export async function requestRunStop(redis: RedisClient, sweepId: string, runId: string, kind: 'stop' | 'cancel', reason: string, fence?: Fence): Promise<boolean> {
  return (await callScript(redis, 'hsRequestStop', runKeys(sweepId, runId), [runId, kind, reason], fence)) === 'requested';
}

/** A pending run that will never start becomes canceled. True when it was pending. */
export async function cancelPendingRun(redis: RedisClient, sweepId: string, runId: string, reason: string, now = Date.now(), fence?: Fence): Promise<boolean> {
  return (await callScript(redis, 'hsCancelPending', runKeys(sweepId, runId), [runId, reason, now], fence)) === 'canceled';
}

export type RequeueResult = { result: 'requeued'; attempt: number; token: string };

/**
 * A running run whose lease is gone: crashed, and queued again as the next attempt while
 * `maxAttempts` allows. `skip` when the run is no longer running with `token` or its lease exists.
 */
export async function crashRun(
  redis: RedisClient,
  sweepId: string,
  runId: string,
  token: string,
  options: { maxAttempts: number; allowRequeue: boolean; now?: number },
  fence?: Fence,
): Promise<RequeueResult | { result: 'crashed' | 'skip' }> {
  const reply = (await callScript(redis, 'hsCrashRun', runKeys(sweepId, runId), [
    runId,
    token,
    options.now ?? Date.now(),
    newAttemptToken(),
    options.maxAttempts,
    options.allowRequeue ? 1 : 0,
  ], fence)) as string[];
  if (reply[0] === 'requeued') return { result: 'requeued', attempt: Number(reply[1]), token: reply[2]! };
  return { result: reply[0] as 'crashed' | 'skip' };
}

/** Write runs' scores (field `score` and the sweep's score ZSET); null removes one. */
export async function writeRunScores(redis: RedisClient, sweepId: string, scores: ReadonlyArray<{ runId: string; score: number | null }>): Promise<void> {
  if (scores.length === 0) return;
  defineScripts(redis);
  const p = redis.pipeline();
  queueRunScores(p, sweepId, scores);
  await execPipeline(p);
}

/** writeRunScores on a pipeline the caller sends (one script call for all of them). */
export function queueRunScores(p: ChainableCommander, sweepId: string, scores: ReadonlyArray<{ runId: string; score: number | null }>, fence?: Fence): void {
  for (let i = 0; i < scores.length; i += 1000) {
    const part = scores.slice(i, i + 1000);
    queueScriptVarKeys(
      p,
      'hsWriteScores',
      [keys.sweepScores(sweepId), ...part.map((s) => keys.run(sweepId, s.runId))],
      part.flatMap(({ runId, score }) => [runId, score === null ? '' : String(score)]),
      fence,
    );
  }
}
