/**
 * The controller's in-memory copy of a sweep's runs, as the pure core wants them (RunRecord),
 * rebuilt from Redis when a controller becomes a sweep's leader and updated as it applies
 * events, so a metrics report costs O(rows), not a reload. Redis stays the truth.
 *
 * To keep memory low, a record's history holds only the current attempt's rows of the sweep's
 * metric, as `{_step, <metric>}` (all the pure core reads); Redis keeps every row.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.js';
import type { HistoryRow, RunRecord, RunState } from '../run-record.js';
import { keys } from '../store/keys.js';
import { readHistories } from '../store/run-store.js';
import { execPipeline } from '../store/exec-pipeline.js';

export interface CachedRun {
  record: RunRecord;
  attempt: number;
  token: string;
  /** The agent executing the current attempt, once started. */
  agentId: string | undefined;
  /** A stop or cancel was requested for the current attempt. */
  stop: 'stop' | 'cancel' | undefined;
  /** The score last written to Redis. */
  score: number | null;
}

const LOAD_CHUNK = 1000;

export class RunCache {
  /** Every run, in creation order (the array handed to nextRuns and stopRuns). */
  readonly records: RunRecord[] = [];
  private readonly byId = new Map<string, CachedRun>();

  constructor(readonly metricName: string | undefined) {}

  get(runId: string): CachedRun | undefined {
    return this.byId.get(runId);
  }

  values(): IterableIterator<CachedRun> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  private readonly counts = new Map<RunState, number>();

  /** Runs in a state (kept up to date by setState). */
  count(state: RunState): number {
    return this.counts.get(state) ?? 0;
  }

  setState(entry: CachedRun, state: RunState): void {
    const from = entry.record.state;
    if (from === state) return;
    this.counts.set(from, this.count(from) - 1);
    this.counts.set(state, this.count(state) + 1);
    entry.record.state = state;
  }

  add(runId: string, config: Config, token: string): CachedRun {
    const record: RunRecord = { id: runId, state: 'pending', config, history: [] };
    const entry: CachedRun = { record, attempt: 1, token, agentId: undefined, stop: undefined, score: null };
    this.byId.set(runId, entry);
    this.records.push(record);
    this.counts.set('pending', this.count('pending') + 1);
    return entry;
  }

  /** Rows of the metric, as kept in memory. */
  project(rows: readonly HistoryRow[]): HistoryRow[] {
    const name = this.metricName;
    if (!name) return [];
    const out: HistoryRow[] = [];
    for (const row of rows) {
      const v = row?.[name];
      if (typeof v === 'number' && Number.isFinite(v) && typeof row._step === 'number') out.push({ _step: row._step, [name]: v });
    }
    return out;
  }

  /** Load every run of a sweep from Redis. */
  static async load(redis: Redis, sweepId: string, metricName: string | undefined): Promise<RunCache> {
    const cache = new RunCache(metricName);
    const ids = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
    for (let start = 0; start < ids.length; start += LOAD_CHUNK) {
      const part = ids.slice(start, start + LOAD_CHUNK);
      const p = redis.pipeline();
      for (const id of part) p.hmget(keys.run(id), 'state', 'config', 'attempt', 'token', 'summary', 'stop', 'agentId', 'score');
      const [replies, histories] = await Promise.all([execPipeline(p), metricName ? readHistories(redis, part) : Promise.resolve([])]);
      part.forEach((id, i) => {
        const f = replies[i]?.[1] as Array<string | null>;
        if (!f || f[0] === null) return;
        const attempt = Number(f[2] ?? 1);
        const entry = cache.add(id, JSON.parse(f[1] ?? '{}') as Config, f[3] ?? '');
        cache.setState(entry, f[0] as RunState);
        entry.attempt = attempt;
        if (f[4]) entry.record.summary = JSON.parse(f[4]) as Record<string, number>;
        entry.stop = f[5] === 'stop' || f[5] === 'cancel' ? f[5] : undefined;
        entry.agentId = f[6] ?? undefined;
        entry.score = f[7] ? Number(f[7]) : null;
        if (metricName) entry.record.history = cache.project((histories[i] ?? []).filter((r) => (r._attempt ?? 1) === attempt));
      });
    }
    return cache;
  }
}
