/**
 * The store as the leader of one sweep sees it: every Redis operation the controller's
 * SweepLeader makes, as domain operations on that sweep. The leader holds no key name, no
 * hash field and no Redis command; it sequences these calls and the pure core's decisions.
 *
 * Invariants (proved by test/store/store-contract.test.ts against a real redis-server):
 * - a run in a final state (finished, failed, crashed, stopped, canceled) never changes;
 * - the sweep's per-state counts and per-state run sets always agree with the run hashes;
 * - a report, claim or renewal carrying a stale attempt token is refused;
 * - metrics are idempotent per (run, attempt, seq): a seq at or below the last applied is skipped;
 * - an event read through the consumer group is delivered again until it is acknowledged;
 * - fenced (an `owner` given): every write and every read of the events checks, inside the same
 *   Redis script, that the sweep's leader lock is still `owner`'s; when it is not, nothing is
 *   written and LeaderDeposedError is thrown. (XACK/XTRIM and the BullMQ enqueues follow only
 *   fenced writes in the same round, and are idempotent.)
 */
import type { RedisClient } from './redis-client.js';
import type { Config, ParameterSpace, SweepConfig } from '../config/types.js';
import { rowsOfAttempt, type HistoryRow, type RunRecord, type RunState } from '../run-record.js';
import { dropEnqueued, readEnqueued } from './enqueued-configs.js';
import { priorObservations } from '../search/prior-runs.js';
import { readStateAndVersion } from './sweep-versions.js';
import { applyRunEvents, type ApplyResult, type RequeuePolicy } from './apply-run-event.js';
import { execPipeline } from './exec-pipeline.js';
import { keys } from './keys.js';
import { decodeRunEvent, type RunEvent } from './run-events.js';
import { cancelPendingRun, crashRun, createRuns, queueRunScores, readHistories, requestRunStop, type CreateRunResult, type RequeueResult } from './run-store.js';
import { LeaderDeposedError } from '../errors.js';
import { callScript, defineScripts, DEPOSED, queueScript, runKeys, type Fence } from './store-scripts.js';
import { signalAgents, wakeSweep, type AgentSignal } from './sweep-signals.js';
import { setSweepState, type SweepState } from './sweep-store.js';

/** The consumer group of every sweep's event stream, and its one consumer (the leader of the day). */
export const EVENTS_GROUP = 'controller';
export const EVENTS_CONSUMER = 'leader';

/** What a leader loads once: the sweep's config and budget. */
export interface LedSweep {
  config: SweepConfig;
  seed: number;
  /** Grid size or run_cap; undefined when unbounded. */
  total: number | undefined;
  state: SweepState;
  /** Warm start: the earlier sweeps whose runs are observations here. */
  priorSweeps: string[];
  /** The sweep file's version (1 until `hypersweep update`). */
  version: number;
}

/** A run as the leader loads it. */
export interface StoredRun {
  id: string;
  state: RunState;
  config: Config;
  attempt: number;
  token: string;
  summary: Record<string, number> | undefined;
  stop: 'stop' | 'cancel' | undefined;
  agentId: string | undefined;
  score: number | null;
  /** The sweep file version the run was proposed under. */
  version: number;
  /** Every row of every attempt (only when asked for). */
  history: HistoryRow[];
}

/** A batch read from the events stream. */
export interface EventBatch {
  /** Stream entry ids, every one read (acknowledge them all). */
  ids: string[];
  events: RunEvent[];
  /** Ids of entries that are not run events. */
  malformed: string[];
}

type StreamReply = Array<[string, Array<[string, string[] | null]>]> | null;

const LOAD_CHUNK = 1000;

export class LeaderStore {
  /** The fence of every write; undefined: unfenced (tests, benchmarks). */
  private readonly fence: Fence | undefined;

  /** `owner`: the controller id in the sweep's leader lock; every write is fenced by it. */
  constructor(
    private readonly redis: RedisClient,
    readonly sweepId: string,
    owner?: string,
  ) {
    defineScripts(redis);
    this.fence = owner === undefined ? undefined : { key: keys.sweepLeader(sweepId), owner };
  }

  /** Run a fenced operation; a DEPOSED refusal becomes LeaderDeposedError. */
  private async fenced<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(DEPOSED)) throw new LeaderDeposedError(this.sweepId, err);
      throw err;
    }
  }

  /** The sweep as stored. */
  async readSweep(): Promise<LedSweep> {
    const h = await this.redis.hgetall(keys.sweep(this.sweepId));
    const prior = h.prior ? (JSON.parse(h.prior) as { sweeps: string[] }).sweeps : [];
    return { config: JSON.parse(h.configJson!) as SweepConfig, seed: Number(h.seed), total: h.total ? Number(h.total) : undefined, state: h.state as SweepState, priorSweeps: prior, version: Number(h.version ?? 1) };
  }

  /** The sweep's state and config version now (the API may have changed them); undefined when the sweep is gone. */
  async readStateAndVersion(): Promise<{ state: SweepState; version: number } | undefined> {
    return (await readStateAndVersion(this.redis, this.sweepId)) as { state: SweepState; version: number } | undefined;
  }

  /** The sweep's state now (the API may have changed it); undefined when the sweep is gone. */
  async readState(): Promise<SweepState | undefined> {
    return ((await this.redis.hget(keys.sweep(this.sweepId), 'state')) ?? undefined) as SweepState | undefined;
  }

  /** Every run in creation order, `withHistory` adding every row; in chunks of 1000 to `each`. */
  async loadRuns(withHistory: boolean, each: (runs: StoredRun[]) => void): Promise<void> {
    const ids = await this.redis.zrange(keys.sweepRuns(this.sweepId), 0, -1);
    for (let start = 0; start < ids.length; start += LOAD_CHUNK) {
      const part = ids.slice(start, start + LOAD_CHUNK);
      const p = this.redis.pipeline();
      for (const id of part) p.hmget(keys.run(this.sweepId, id), 'state', 'config', 'attempt', 'token', 'summary', 'stop', 'agentId', 'score', 'version');
      const [replies, histories] = await Promise.all([execPipeline(p), withHistory ? readHistories(this.redis, this.sweepId, part) : Promise.resolve([])]);
      const runs: StoredRun[] = [];
      part.forEach((id, i) => {
        const f = replies[i]?.[1] as Array<string | null>;
        if (!f || f[0] === null) return;
        runs.push({
          id,
          state: f[0] as RunState,
          config: JSON.parse(f[1] ?? '{}') as Config,
          attempt: Number(f[2] ?? 1),
          token: f[3] ?? '',
          summary: f[4] ? (JSON.parse(f[4]) as Record<string, number>) : undefined,
          stop: f[5] === 'stop' || f[5] === 'cancel' ? f[5] : undefined,
          agentId: f[6] ?? undefined,
          score: f[7] ? Number(f[7]) : null,
          version: Number(f[8] ?? 1),
          history: histories[i] ?? [],
        });
      });
      each(runs);
    }
  }

  /** Make the events stream's consumer group (once; later calls do nothing). */
  async ensureEventGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', keys.sweepEvents(this.sweepId), EVENTS_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** Read events: `backlog` re-reads those delivered but not acknowledged (a dead leader's), else new ones. */
  async readEvents(backlog: boolean, count: number): Promise<EventBatch> {
    const reply = (await this.fenced(() => callScript(this.redis, 'hsReadEvents', [keys.sweepEvents(this.sweepId)], [EVENTS_GROUP, EVENTS_CONSUMER, count, backlog ? '0' : '>'], this.fence))) as StreamReply;
    const batch: EventBatch = { ids: [], events: [], malformed: [] };
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      batch.ids.push(id);
      const event = fields ? decodeRunEvent(fields) : undefined;
      if (event) batch.events.push(event);
      else if (fields) batch.malformed.push(id);
    }
    return batch;
  }

  /** Apply events in order (fenced, deduplicated), in one round trip. */
  async applyEvents(events: readonly RunEvent[], policy: RequeuePolicy): Promise<ApplyResult[]> {
    return await this.fenced(() => applyRunEvents(this.redis, this.sweepId, events, policy, this.fence));
  }

  /**
   * After a batch is applied, in one round trip: write the changed scores, acknowledge the
   * entries and (`trim`) drop everything up to the last one from the stream.
   */
  async settleEvents(ids: readonly string[], trim: boolean, scores: ReadonlyArray<{ runId: string; score: number | null }>): Promise<void> {
    if (ids.length === 0 && scores.length === 0) return;
    const p = this.redis.pipeline();
    const stream = keys.sweepEvents(this.sweepId);
    if (ids.length > 0) {
      p.xack(stream, EVENTS_GROUP, ...ids);
      if (trim) p.xtrim(stream, 'MINID', '~', ids[ids.length - 1]!);
    }
    queueRunScores(p, this.sweepId, scores, this.fence);
    await this.fenced(() => execPipeline(p));
  }

  /** Write runs' scores; null removes one. */
  async writeScores(scores: ReadonlyArray<{ runId: string; score: number | null }>): Promise<void> {
    await this.settleEvents([], false, scores);
  }

  /** The finished runs of the prior sweeps that lie in `space` (sweeps deleted since are skipped). */
  async loadPriorRuns(priorSweeps: readonly string[], space: ParameterSpace): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const id of priorSweeps) {
      const runs: RunRecord[] = [];
      await new LeaderStore(this.redis, id).loadRuns(true, (part) => {
        for (const run of part) runs.push({ id: run.id, state: run.state, config: run.config, history: rowsOfAttempt(run.history, run.attempt), ...(run.summary ? { summary: run.summary } : {}) });
      });
      out.push(...priorObservations(space, runs));
    }
    return out;
  }

  /** Configs users enqueued, oldest first (at most `max`); dropEnqueued(n) once they are runs. */
  async readEnqueued(max: number): Promise<Config[]> {
    return await readEnqueued(this.redis, this.sweepId, max);
  }

  async dropEnqueued(n: number): Promise<void> {
    await dropEnqueued(this.redis, this.sweepId, n);
  }

  /** Create the runs of proposals made under sweep file `version`, counted against `cap` (one round trip). */
  async createRuns(proposals: ReadonlyArray<{ config: Config; reason: string }>, cap: number | undefined, version = 1): Promise<CreateRunResult[]> {
    return await this.fenced(() =>
      createRuns(
        this.redis,
        proposals.map((p) => ({ sweepId: this.sweepId, config: p.config, reason: p.reason, version, ...(cap !== undefined ? { cap } : {}) })),
        this.fence,
      ),
    );
  }

  /** Ask for many runs to be stopped (one round trip); true where newly requested. */
  async requestStops(decisions: ReadonlyArray<{ runId: string; reason: string }>, kind: 'stop' | 'cancel'): Promise<boolean[]> {
    if (decisions.length === 0) return [];
    const p = this.redis.pipeline();
    for (const d of decisions) queueScript(p, 'hsRequestStop', runKeys(this.sweepId, d.runId), [d.runId, kind, d.reason], this.fence);
    return (await this.fenced(() => execPipeline(p))).map(([, reply]) => reply === 'requested');
  }

  /** Ask for one run to be stopped; true when newly requested. */
  async requestStop(runId: string, kind: 'stop' | 'cancel', reason: string): Promise<boolean> {
    return await this.fenced(() => requestRunStop(this.redis, this.sweepId, runId, kind, reason, this.fence));
  }

  /** A pending run that will never start becomes canceled; true when it was pending. */
  async cancelPending(runId: string, reason: string): Promise<boolean> {
    return await this.fenced(() => cancelPendingRun(this.redis, this.sweepId, runId, reason, Date.now(), this.fence));
  }

  /** Which of these runs' leases are gone (expired, or never set): true at their index. */
  async leasesGone(runIds: readonly string[]): Promise<boolean[]> {
    if (runIds.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of runIds) p.exists(keys.runLease(this.sweepId, id));
    return (await execPipeline(p)).map(([, reply]) => reply === 0);
  }

  /** A running run whose lease is gone: crashed, or queued again while attempts are left. */
  async crashRun(runId: string, token: string, options: { maxAttempts: number; allowRequeue: boolean }): Promise<RequeueResult | { result: 'crashed' | 'skip' }> {
    return await this.fenced(() => crashRun(this.redis, this.sweepId, runId, token, options, this.fence));
  }

  /** Move the sweep to `to` when it is in one of `from`; throws CONFLICT otherwise. */
  async setState(to: SweepState, options: { from: readonly SweepState[]; reason: string }): Promise<void> {
    await this.fenced(() => setSweepState(this.redis, this.sweepId, to, { ...options, ...(this.fence ? { fence: this.fence } : {}) }));
  }

  /** Tell the controller and the sweep's agents that the sweep changed. */
  async wake(): Promise<void> {
    await wakeSweep(this.redis, this.sweepId);
  }

  /** Best-effort messages to agents (one round trip). */
  async signal(signals: ReadonlyArray<{ agentId: string; signal: AgentSignal }>): Promise<void> {
    await signalAgents(this.redis, signals);
  }
}
