/**
 * The controller's in-memory copy of a sweep's runs, as the pure core wants them (RunRecord),
 * rebuilt from Redis when a controller becomes a sweep's leader and updated as it applies
 * events, so a metrics report costs O(rows), not a reload. Redis stays the truth.
 *
 * To keep memory low, a record's history holds only the current attempt's rows of the sweep's
 * metrics (one, or each of `metrics:`), as `{_step, <metric>...}` (all the pure core reads); Redis keeps every row.
 */
import type { Config } from '../config/types.js';
import { rowsOfAttempt, type HistoryRow, type RunRecord, type RunState } from '../run-record.js';
import type { LeaderStore } from '../store/leader-store.js';

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
  /** The sweep file version the run was proposed under. */
  version: number;
}

export class RunCache {
  /** Every run, in creation order (the array handed to nextRuns and stopRuns). */
  readonly records: RunRecord[] = [];
  private readonly byId = new Map<string, CachedRun>();

  /** `metricNames`: the sweep's objectives (objectivesOf); empty when it has none. */
  constructor(readonly metricNames: readonly string[]) {}

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

  add(runId: string, config: Config, token: string, version: number): CachedRun {
    const record: RunRecord = { id: runId, state: 'pending', config, history: [] };
    const entry: CachedRun = { record, attempt: 1, token, agentId: undefined, stop: undefined, score: null, version };
    this.byId.set(runId, entry);
    this.records.push(record);
    this.counts.set('pending', this.count('pending') + 1);
    return entry;
  }

  /** Rows of the metrics, as kept in memory (a row with none of them is dropped). */
  project(rows: readonly HistoryRow[]): HistoryRow[] {
    const names = this.metricNames;
    if (names.length === 0) return [];
    const out: HistoryRow[] = [];
    for (const row of rows) {
      if (typeof row?._step !== 'number') continue;
      let kept: HistoryRow | undefined;
      for (const name of names) {
        const v = row[name];
        if (typeof v === 'number' && Number.isFinite(v)) (kept ??= { _step: row._step })[name] = v;
      }
      if (kept) out.push(kept);
    }
    return out;
  }

  /** Load every run of a sweep from the store (only the current attempt's rows of the metric). */
  static async load(store: LeaderStore, metricNames: readonly string[]): Promise<RunCache> {
    const cache = new RunCache(metricNames);
    await store.loadRuns(metricNames.length > 0, (runs) => {
      for (const run of runs) {
        const entry = cache.add(run.id, run.config, run.token, run.version);
        cache.setState(entry, run.state);
        entry.attempt = run.attempt;
        if (run.summary) entry.record.summary = run.summary;
        entry.stop = run.stop;
        entry.agentId = run.agentId;
        entry.score = run.score;
        if (metricNames.length > 0) entry.record.history = cache.project(rowsOfAttempt(run.history, run.attempt));
      }
    });
    return cache;
  }
}
