/**
 * Which sweep `hypersweep run FILE` works on: with --resume, the last sweep of FILE recorded in
 * `<stateDir>/sweeps.json` (resumed if paused); otherwise, or when it is gone, a new sweep.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RedisClient } from '../store/redis-client.js';
import type { SweepConfig } from '../config/types.js';
import { createSweep, getSweepSummary, setSweepState } from '../store/sweep-store.js';

interface SweepIndex {
  [file: string]: string;
}

function readIndex(path: string): SweepIndex {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SweepIndex;
  } catch {
    return {};
  }
}

export interface SweepChoice {
  /** The sweep file as resolved (the index key). */
  file: string;
  /** As the user wrote it (for messages). */
  shownFile: string;
  config: SweepConfig;
  source: string;
  resume: boolean;
  indexPath: string;
  write: (text: string) => void;
}

/** The id of the sweep to run: the resumed one, or a new one (recorded in the index). */
export async function chooseSweep(redis: RedisClient, c: SweepChoice): Promise<string> {
  const index = readIndex(c.indexPath);
  let sweepId = c.resume ? index[c.file] : undefined;
  if (sweepId) {
    const existing = await getSweepSummary(redis, sweepId).catch(() => undefined);
    if (!existing) sweepId = undefined;
    else if (existing.state === 'paused') await setSweepState(redis, sweepId, 'running', { from: ['paused'], reason: 'resumed by hypersweep run --resume' });
  }
  if (sweepId) {
    c.write(`resuming sweep ${sweepId}\n`);
    return sweepId;
  }
  if (c.resume) c.write(`no sweep of ${c.shownFile} to resume: starting a new one\n`);
  sweepId = (await createSweep(redis, { config: c.config, source: c.source })).id;
  writeFileSync(c.indexPath, `${JSON.stringify({ ...index, [c.file]: sweepId }, null, 2)}\n`);
  c.write(`created sweep ${sweepId} (${c.config.name ?? basename(c.shownFile)}: ${c.config.method})\n`);
  return sweepId;
}
