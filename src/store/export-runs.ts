/**
 * A sweep's runs as an export reads them: each run's summary (state, config, score, times, stop
 * reason), its final values (W&B's summary) and, when asked, every row of its history.
 * A few pipelined round trips per 1000 runs.
 */
import type { RedisClient } from './redis-client.js';
import type { HistoryRow } from '../run-record.js';
import { execPipeline } from './exec-pipeline.js';
import { keys } from './keys.js';
import { readHistories, readRunSummaries, type RunSummary } from './run-store.js';
import { readProvenanceBriefs, type ProvenanceBrief } from './run-provenance.js';

export interface ExportRun extends RunSummary {
  /** The run's final values; null when it reported none. */
  summary: Record<string, number> | null;
  /** Every row of every attempt (rows of attempt 2 and later carry `_attempt`); only when asked for. */
  history?: HistoryRow[];
  /** What its latest recorded attempt ran (commit, packages, host); null when none was recorded. */
  provenance: ProvenanceBrief | null;
}

const CHUNK = 1000;

/** Every run of a sweep in proposal order. */
export async function readExportRuns(redis: RedisClient, sweepId: string, withHistory: boolean): Promise<ExportRun[]> {
  const ids = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
  const out: ExportRun[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const p = redis.pipeline();
    for (const id of part) p.hget(keys.run(sweepId, id), 'summary');
    const [runs, summaries, briefs, histories] = await Promise.all([
      readRunSummaries(redis, sweepId, part),
      execPipeline(p),
      readProvenanceBriefs(redis, sweepId, part),
      withHistory ? readHistories(redis, sweepId, part) : Promise.resolve(undefined),
    ]);
    const byId = new Map(part.map((id, k) => [id, { summary: summaries[k]?.[1] as string | null, provenance: briefs[k] ?? null, history: histories?.[k] }]));
    for (const run of runs) {
      const extra = byId.get(run.id)!;
      const row: ExportRun = { ...run, summary: extra.summary ? (JSON.parse(extra.summary) as Record<string, number>) : null, provenance: extra.provenance };
      if (extra.history) row.history = extra.history;
      out.push(row);
    }
  }
  return out;
}
