/**
 * Fill a real store with a sweep of N runs with histories, through the store's own domain
 * operations (createSweep, createRun, applyRunEvents, requestRunStop, writeRunScores), for the
 * browser tests and bench/dashboard.ts. Runs learn a noisy exponential curve whose floor depends
 * on the config, so the charts and the parameter importance have something real to show.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../src/config/types.js';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { runScore } from '../../src/metrics/run-score.js';
import type { HistoryRow } from '../../src/run-record.js';
import { createRng } from '../../src/space/rng.js';
import { applyRunEvents, type RequeuePolicy } from '../../src/store/apply-run-event.js';
import type { RunEvent } from '../../src/store/run-events.js';
import { keys } from '../../src/store/keys.js';
import { createRun, requestRunStop, writeRunScores } from '../../src/store/run-store.js';
import { createSweep, getSweepConfig } from '../../src/store/sweep-store.js';

export const XSS = '<img src=x onerror=alert(1)>';

export interface SeedOptions {
  runs: number;
  steps: number;
  name?: string;
  /** Put XSS in a parameter value and in the sweep name. @defaultValue false */
  hostile?: boolean;
  /** Runs left running (no finished event). @defaultValue 0 */
  running?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** POST the sweep file to this server (`{ url, token? }`) instead of creating it in the store directly. */
  api?: { url: string; token?: string };
}

export function sweepYaml(name: string, hostile: boolean): string {
  const optimizers = hostile ? `[adam, sgd, ${JSON.stringify(XSS)}]` : '[adam, sgd, rmsprop]';
  return `name: ${JSON.stringify(name)}
program: train.py
method: random
metric:
  name: val_loss
  goal: minimize
early_terminate:
  type: hyperband
  min_iter: 3
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64, 128]
  optimizer:
    values: ${optimizers}
  dropout:
    distribution: uniform
    min: 0
    max: 0.5
  model:
    parameters:
      depth:
        distribution: int_uniform
        min: 2
        max: 8
      width:
        values: [64, 128, 256]
  epochs:
    value: 100
`;
}

function rng(seed: number): () => number {
  const r = createRng('seed-sweep', seed);
  return () => r.next();
}

const POLICY: RequeuePolicy = { maxAttempts: 3, retryFailed: false, allowRequeue: true };

export interface SeededRun {
  runId: string;
  token: string;
  config: Config;
  state: 'finished' | 'stopped' | 'failed' | 'running';
}

export interface SeededSweep {
  sweepId: string;
  runs: SeededRun[];
}

/** One config of the seeded sweep. */
export function sampleConfig(rand: () => number, hostile: boolean): Config {
  const optimizers = hostile ? ['adam', 'sgd', XSS] : ['adam', 'sgd', 'rmsprop'];
  return {
    lr: Number(Math.exp(Math.log(1e-4) + rand() * Math.log(1000)).toPrecision(6)),
    batch_size: [16, 32, 64, 128][Math.floor(rand() * 4)]!,
    optimizer: optimizers[Math.floor(rand() * optimizers.length)]!,
    dropout: Number((rand() * 0.5).toFixed(4)),
    model: { depth: 2 + Math.floor(rand() * 7), width: [64, 128, 256][Math.floor(rand() * 3)]! },
    epochs: 100,
  };
}

/** A loss curve that depends mostly on lr (best near 3e-3) and the optimizer. */
export function curve(config: Config, steps: number, rand: () => number, from = 0): HistoryRow[] {
  const lr = config.lr as number;
  const floor = 0.15 + 0.25 * Math.abs(Math.log10(lr) - Math.log10(3e-3)) + (config.optimizer === 'adam' ? 0 : 0.12) + 0.1 * Math.abs((config.dropout as number) - 0.2);
  const speed = 0.04 + 0.02 * ((config.model as Config).depth as number) / 8;
  const rows: HistoryRow[] = [];
  for (let s = from; s < from + steps; s++) {
    const val = floor + 2 * Math.exp(-speed * s) + 0.02 * (rand() - 0.5);
    rows.push({ _step: s, val_loss: Number(val.toFixed(5)), train_loss: Number((val * 0.9).toFixed(5)), accuracy: Number((1 - val / 3).toFixed(5)) });
  }
  return rows;
}

/** Create the sweep and its runs: ~8% stopped early, ~4% failed, `running` left running, the rest finished. */
export async function seedSweep(redis: Redis, options: SeedOptions): Promise<SeededSweep> {
  const hostile = options.hostile ?? false;
  const name = options.name ?? (hostile ? `demo ${XSS}` : 'resnet lr sweep');
  const source = sweepYaml(name, hostile);
  const sweep = options.api ? await postSweep(options.api, source) : await createSweep(redis, { config: parseSweepConfig(source, { file: 'seed.yaml' }), source, now: Date.now() - 3_600_000 });
  const rand = rng(options.seed ?? 1);
  const running = options.running ?? 0;
  const runs: SeededRun[] = [];
  const t0 = Date.now() - 3_000_000;
  const BATCH = 50;
  for (let start = 0; start < options.runs; start += BATCH) {
    const events: RunEvent[] = [];
    const stops: Array<Promise<boolean>> = [];
    const batch: SeededRun[] = [];
    for (let i = start; i < Math.min(options.runs, start + BATCH); i++) {
      const cfg = sampleConfig(rand, hostile);
      const created = await createRun(redis, { sweepId: sweep.id, config: cfg, reason: 'random', now: t0 + i * 1000 });
      if (created.result !== 'created') continue;
      const isRunning = i >= options.runs - running;
      const kind: SeededRun['state'] = isRunning ? 'running' : i % 13 === 5 ? 'stopped' : i % 25 === 7 ? 'failed' : 'finished';
      const steps = kind === 'stopped' ? Math.max(3, Math.floor(options.steps / 3)) : kind === 'failed' ? Math.max(2, Math.floor(options.steps / 5)) : isRunning ? Math.max(2, Math.floor(options.steps / 2)) : options.steps;
      const base = { runId: created.runId, attempt: 1, token: created.token };
      const startedAt = t0 + i * 1000 + 500;
      events.push({ type: 'started', ...base, agentId: `agent-${i % 4}`, slot: `gpu${i % 2}`, host: 'box', pid: 1000 + i, at: startedAt });
      events.push({ type: 'metrics', ...base, seq: 1, rows: curve(cfg, steps, rand) });
      if (kind === 'stopped') stops.push(requestRunStop(redis, sweep.id, created.runId, 'stop', `hyperband: val_loss at step ${steps - 1} worse than the bracket threshold`));
      if (!isRunning) {
        const outcome = kind === 'stopped' ? 'stopped' : kind === 'failed' ? 'failed' : 'finished';
        events.push({
          type: 'finished',
          ...base,
          outcome,
          exitCode: kind === 'failed' ? 1 : kind === 'stopped' ? null : 0,
          signal: kind === 'stopped' ? 'SIGTERM' : null,
          outputTail: `epoch 0 ...\nconfig ${JSON.stringify(cfg)}\n${kind === 'failed' ? 'RuntimeError: CUDA out of memory\n' : 'done\n'}`,
          at: startedAt + steps * 1500,
        });
      }
      batch.push({ runId: created.runId, token: created.token, config: cfg, state: kind });
    }
    await Promise.all(stops);
    // started + metrics first (stop requests need a running run), then the finished events.
    await applyRunEvents(redis, sweep.id, events.filter((e) => e.type !== 'finished'), POLICY);
    await applyRunEvents(redis, sweep.id, events.filter((e) => e.type === 'finished'), POLICY);
    runs.push(...batch);
  }
  await rescore(redis, sweep.id, runs.map((r) => r.runId));
  return { sweepId: sweep.id, runs };
}

/** Create a sweep through the HTTP API, as the CLI does. */
export async function postSweep(api: { url: string; token?: string }, source: string): Promise<{ id: string }> {
  const res = await fetch(new URL('api/sweeps', api.url.endsWith('/') ? api.url : `${api.url}/`), {
    method: 'POST',
    headers: { 'Content-Type': 'text/yaml', ...(api.token ? { Authorization: `Bearer ${api.token}` } : {}) },
    body: source,
  });
  if (res.status !== 201) throw new Error(`POST /api/sweeps: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Recompute runs' scores from their histories (what the controller does after metrics arrive). */
export async function rescore(redis: Redis, sweepId: string, runIds: readonly string[]): Promise<void> {
  const config = await getSweepConfig(redis, sweepId);
  const metric = config.metric!;
  const p = redis.pipeline();
  for (const id of runIds) p.lrange(keys.runHistory(sweepId, id), 0, -1);
  const replies = (await p.exec()) ?? [];
  const scores = runIds.map((runId, i) => {
    const rows = ((replies[i]?.[1] as string[]) ?? []).map((r) => JSON.parse(r) as HistoryRow);
    const score = runScore({ history: rows }, metric);
    return { runId, score: score ?? null };
  });
  await writeRunScores(redis, sweepId, scores);
}

/** Add a new run to a seeded sweep, started with a few points (the "live" case). */
export async function addLiveRun(redis: Redis, sweepId: string, steps: number, seed: number): Promise<SeededRun> {
  const rand = rng(seed);
  const cfg = sampleConfig(rand, false);
  const created = await createRun(redis, { sweepId, config: cfg, reason: 'random' });
  const base = { runId: created.runId, attempt: 1, token: created.token };
  await applyRunEvents(redis, sweepId, [
    { type: 'started', ...base, agentId: 'agent-live', slot: 'gpu0', host: 'box', pid: 4242, at: Date.now() },
    { type: 'metrics', ...base, seq: 1, rows: curve(cfg, steps, rand) },
  ], POLICY);
  await rescore(redis, sweepId, [created.runId]);
  return { runId: created.runId, token: created.token, config: cfg, state: 'running' };
}

/** More points for a running run. */
export async function addPoints(redis: Redis, sweepId: string, run: SeededRun, seq: number, from: number, steps: number): Promise<void> {
  await applyRunEvents(redis, sweepId, [{ type: 'metrics', runId: run.runId, attempt: 1, token: run.token, seq, rows: curve(run.config, steps, rng(seq), from) }], POLICY);
  await rescore(redis, sweepId, [run.runId]);
}

/** End a running run (finished, exit code 0). */
export async function finishLiveRun(redis: Redis, sweepId: string, run: SeededRun): Promise<void> {
  await applyRunEvents(redis, sweepId, [{ type: 'finished', runId: run.runId, attempt: 1, token: run.token, outcome: 'finished', exitCode: 0, signal: null, outputTail: 'done\n', at: Date.now() }], POLICY);
}
