/**
 * The curves of a sweep (every run's `[step, value]` points of one metric, latest attempt), kept
 * in the API process between calls so a chart refresh does not read and parse every history row
 * of every run again. Redis stays the truth: each call reads every run's state and attempt (one
 * pipelined round trip per 1000 runs), and for a run not yet seen ended its history length and
 * the rows logged since the previous call (`LRANGE key <cached> -1`), in that order.
 *
 * Why this is safe: a history LIST is append-only (metrics scripts RPUSH; nothing trims or
 * rewrites it), and a retried run keeps its earlier rows, its new rows carrying `_attempt`
 * (keys.ts). So the points of a run are a fold over its rows, which can be continued from where
 * the last call stopped. A run in a terminal state never changes again (FINAL_RUN_STATES): an
 * entry whose rows were read after its run was seen ended is complete, and later calls read only
 * that run's state and attempt. Belt and braces: an entry is dropped and its history read again
 * in full when the run's `attempt` changed since the entry was made (a re-queued run), when a run
 * seen ended is no longer in that state, or when its history is shorter than the rows folded.
 *
 * Entries are immutable (a call makes a new entry rather than editing one), so concurrent calls
 * never fold the same rows twice; the last one stored wins, and any stored entry is a correct
 * prefix of the history.
 *
 * Memory bound: the entries' keys and point text (ASCII, one byte a character in V8) plus
 * ENTRY_OVERHEAD_BYTES per entry stay at most `maxBytes` (default 64 MiB); the least recently
 * used entries are evicted beyond it. A sweep whose curves exceed the bound is still answered
 * correctly, but mostly from Redis (each call evicts what the previous one cached).
 */
import type { RedisClient } from './redis-client.js';
import { attemptOfRow, isFinalRunState, type HistoryRow } from '../run-record.js';
import { execPipeline } from './exec-pipeline.js';
import { keys } from './keys.js';

export interface CurveCacheOptions {
  /** Most bytes the cache holds (keys and point text + ENTRY_OVERHEAD_BYTES per entry). 0 disables it. @defaultValue 64 MiB */
  maxBytes?: number;
}

/** What one entry is counted at besides its key and point text (Map slot, object, numbers). */
export const ENTRY_OVERHEAD_BYTES = 160;
/** Runs per pipeline (bounds the replies held at once, like readHistories). */
const CHUNK = 1000;

interface Entry {
  /** History rows folded into `body` (the next read starts here). */
  readonly rows: number;
  /** The run's `attempt` field when the entry was made. */
  readonly attempt: string | null;
  /** The run's state, read before the rows were: when terminal, `rows` is the whole history. */
  readonly state: string | null;
  /** Highest `_attempt` among the rows folded (rows without one are attempt 1). */
  readonly lastAttempt: number;
  /** `[step,value],[step,value]...`: the inside of the points array of `lastAttempt`. */
  readonly body: string;
}

const EMPTY: Entry = { rows: 0, attempt: null, state: null, lastAttempt: 1, body: '' };

/** Fold new rows into an entry (rows of the highest attempt, finite values). */
function fold(prev: Entry, attempt: string | null, state: string | null, rows: readonly string[], metric: string): Entry {
  if (rows.length === 0) return prev.attempt === attempt && prev.state === state ? prev : { ...prev, attempt, state };
  let lastAttempt = prev.lastAttempt;
  let body = prev.body;
  const parsed = JSON.parse(`[${rows.join(',')}]`) as HistoryRow[];
  const parts: string[] = [];
  for (const row of parsed) {
    const a = attemptOfRow(row);
    if (a > lastAttempt) {
      lastAttempt = a;
      body = '';
      parts.length = 0;
    }
    const v = row[metric];
    if (a === lastAttempt && typeof v === 'number' && Number.isFinite(v)) parts.push(`[${JSON.stringify(row._step) ?? 'null'},${v}]`);
  }
  if (parts.length > 0) body = body === '' ? parts.join(',') : `${body},${parts.join(',')}`;
  return { rows: prev.rows + rows.length, attempt, state, lastAttempt, body };
}

/** What an entry is counted at: its key and point text (one byte a character: ASCII) and the overhead. */
function cost(key: string, entry: Entry): number {
  return key.length + entry.body.length + ENTRY_OVERHEAD_BYTES;
}

export class CurveCache {
  private readonly maxBytes: number;
  /** Key `${runId}:${metric}` (run ids hold no `:`), in least recently used first order. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(options: CurveCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes held now (as counted by the bound), at most maxBytes. */
  get size(): number {
    return this.bytes;
  }

  /** Entries held now. */
  get count(): number {
    return this.entries.size;
  }

  /**
   * Every run's curve, in creation order, as JSON text `[{"id","state","points"}]` (the form the
   * entries keep; the API puts it in its response as it is): the same answer as reading every row
   * of every run afresh.
   */
  async runsJson(redis: RedisClient, sweepId: string, metric: string): Promise<string> {
    const ids = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
    const out: string[] = new Array<string>(ids.length);
    for (let c = 0; c < ids.length; c += CHUNK) {
      const chunk = ids.slice(c, c + CHUNK);
      const p = redis.pipeline();
      // Per run: HMGET state attempt, then (unless its entry is complete) LLEN and the new rows.
      const prevs = chunk.map((id) => {
        const prev = this.entries.get(`${id}:${metric}`) ?? EMPTY;
        p.hmget(keys.run(sweepId, id), 'state', 'attempt');
        if (!isFinalRunState(prev.state)) p.llen(keys.runHistory(sweepId, id)).lrange(keys.runHistory(sweepId, id), prev.rows, -1);
        return prev;
      });
      const replies = await execPipeline(p);
      const again: number[] = [];
      const states: Array<string | null> = [];
      const attempts: Array<string | null> = [];
      let r = 0;
      for (let i = 0; i < chunk.length; i++) {
        const prev = prevs[i]!;
        const [state = null, attempt = null] = replies[r++]![1] as Array<string | null>;
        states.push(state);
        attempts.push(attempt);
        if (isFinalRunState(prev.state)) {
          if (prev.state === state && prev.attempt === attempt) out[c + i] = this.store(chunk[i]!, metric, prev, state);
          else again.push(i);
          continue;
        }
        const length = replies[r++]![1] as number;
        const rows = replies[r++]![1] as string[];
        if (prev !== EMPTY && (prev.attempt !== attempt || length < prev.rows)) again.push(i);
        else out[c + i] = this.store(chunk[i]!, metric, fold(prev, attempt, state, rows, metric), state);
      }
      if (again.length > 0) {
        // The state and attempt were read before these rows, as fold requires.
        const q = redis.pipeline();
        for (const i of again) q.lrange(keys.runHistory(sweepId, chunk[i]!), 0, -1);
        const full = await execPipeline(q);
        again.forEach((i, k) => {
          out[c + i] = this.store(chunk[i]!, metric, fold(EMPTY, attempts[i]!, states[i]!, full[k]![1] as string[], metric), states[i]!);
        });
      }
    }
    return `[${out.join(',')}]`;
  }

  /** Keep an entry (most recently used) and return the run's JSON. */
  private store(runId: string, metric: string, entry: Entry, state: string | null): string {
    const key = `${runId}:${metric}`;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= cost(key, old);
    }
    const bytes = cost(key, entry);
    if (bytes <= this.maxBytes) {
      this.entries.set(key, entry);
      this.bytes += bytes;
      for (const [k, e] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= cost(k, e);
      }
    }
    return `{"id":${JSON.stringify(runId)},"state":${JSON.stringify(state)},"points":[${entry.body}]}`;
  }
}
