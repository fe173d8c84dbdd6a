/** The fleet bench's sweeps and scripts: a random sweep with a run cap running a tiny shell script. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { wakeSweep } from '../../src/store/sweep-signals.js';
import { createSweep, getSweepSummary, setSweepState } from '../../src/store/sweep-store.js';

/** Logs one metric (through the metrics file, as the python helper does) and exits. */
export const ONE_METRIC = `echo '{"loss": 0.5}' > "\${HYPERSWEEP_METRICS_FILE:-/dev/null}"\n`;

/** Logs 100 points and a summary. */
export const HUNDRED_POINTS = `i=0
while [ $i -lt 100 ]; do echo "{\\"_step\\": $i, \\"loss\\": 0.$i}"; i=$((i+1)); done > "\${HYPERSWEEP_METRICS_FILE:-/dev/null}"
echo '{"_summary": {"loss": 0.01}}' >> "\${HYPERSWEEP_METRICS_FILE:-/dev/null}"
`;

export function writeScript(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The argv both the agents (through the sweep's command) and the bare pool run. */
export function commandOf(script: string): string[] {
  return ['/bin/sh', script];
}

/** Five more parameters, as a real sweep has: its config JSON (~130 B) is past Redis's 64 B listpack limit for a hash value. */
export const REALISTIC_PARAMETERS = `  learning_rate: {min: 0.00001, max: 0.1, distribution: log_uniform_values}
  batch_size: {values: [16, 32, 64, 128]}
  optimizer: {values: [adam, adamw, sgd]}
  dropout: {min: 0.0, max: 0.5}
  weight_decay: {min: 0.0, max: 0.01}
`;

/** A paused random sweep of `runs` runs of `script` over x (and `moreParameters`, YAML lines under `parameters:`). */
export async function createPausedSweep(redis: Redis, script: string, runs: number, moreParameters = ''): Promise<string> {
  const source = `method: random
metric: {name: loss, goal: minimize}
run_cap: ${runs}
program: ${script}
command: [/bin/sh, "\${program}"]
parameters:
  x: {min: 0.0, max: 1.0}
${moreParameters}`;
  const sweep = await createSweep(redis, { config: parseSweepConfig(source), source });
  await setSweepState(redis, sweep.id, 'paused', { from: ['running'], reason: 'bench: agents starting' });
  await wakeSweep(redis, sweep.id);
  return sweep.id;
}

export async function resumeSweep(redis: Redis, sweepId: string): Promise<void> {
  await setSweepState(redis, sweepId, 'running', { from: ['paused'], reason: 'bench: go' });
  await wakeSweep(redis, sweepId);
}

/** Runs of the sweeps that have ended (finished, failed, stopped...), and how many failed. */
export async function endedRuns(redis: Redis, sweepIds: readonly string[]): Promise<{ ended: number; failed: number }> {
  let ended = 0;
  let failed = 0;
  for (const id of sweepIds) {
    const { counts } = await getSweepSummary(redis, id);
    for (const [state, n] of Object.entries(counts)) if (state !== 'pending' && state !== 'running') ended += n;
    failed += (counts as Record<string, number>).failed ?? 0;
  }
  return { ended, failed };
}
