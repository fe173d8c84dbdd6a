/**
 * The end of a local sweep with several objectives (`metrics:`): the Pareto set printed (one
 * line of values per member, then its config) and written as YAML, as `best-output.ts` does for
 * one metric.
 */
import { writeFileSync } from 'node:fs';
import type { RedisClient } from '../store/redis-client.js';
import { stringify } from 'yaml';
import type { MetricSpec } from '../config/types.js';
import { paretoMembers } from '../metrics/objective-points.js';
import { readRunRecords } from '../store/run-records.js';

/** The file written, or undefined when no run has a value for every metric. */
export async function writePareto(redis: RedisClient, sweepId: string, metrics: readonly MetricSpec[], file: string, write: (text: string) => void): Promise<string | undefined> {
  const pareto = paretoMembers(await readRunRecords(redis, sweepId), metrics);
  if (pareto.length === 0) {
    write(`no run has reported every metric (${metrics.map((m) => m.name).join(', ')}) yet\n`);
    return undefined;
  }
  writeFileSync(file, stringify({ sweep: sweepId, pareto }));
  write(`Pareto set (${pareto.length} run${pareto.length === 1 ? '' : 's'} no other run beats on every metric):\n`);
  for (const m of pareto) {
    write(`  run ${m.runId}: ${metrics.map((x) => `${x.name} ${m.values[x.name]}`).join(', ')}\n`);
    write(`${stringify(m.config).trimEnd().replace(/^/gm, '    ')}\n`);
  }
  write(`written to ${file}\n`);
  return file;
}
