/**
 * The one-shot move to one slot per sweep: data written by the store, put back under the layout-1
 * names (what a Redis of an older hypersweep holds), comes back to exactly the same keys and bytes,
 * readable through the store and BullMQ; old agent keys are dropped; a second run moves nothing.
 */
import { expect, test } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { RunQueues } from '../../src/queue/run-queue.js';
import { AgentSession } from '../../src/store/agent-session.js';
import { applyRunEvents } from '../../src/store/apply-run-event.js';
import { migrateKeyLayout } from '../../src/store/key-migration.js';
import { KEY_LAYOUT_VERSION, keys } from '../../src/store/keys.js';
import { createRun, getRun, listRuns } from '../../src/store/run-store.js';
import { createSweep, listSweeps } from '../../src/store/sweep-store.js';
import { redisForFile } from '../helpers/redis-server.js';

const redis = redisForFile();

const SOURCE = 'method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';

/** The layout-1 name of a layout-2 key (the inverse of legacyKeys.moved, written out by hand). */
function oldName(key: string): string | undefined {
  let m = /^hs:bull:runs-\{([^}]+)\}(.*)$/.exec(key);
  if (m) return `hs:bull:runs-${m[1]}${m[2]}`;
  m = /^hs:\{([^}]+)\}:(.*)$/.exec(key);
  if (!m) return undefined;
  const [, sweepId, rest] = m;
  if (rest === 'sweep') return `hs:sweep:${sweepId}`;
  if (rest!.startsWith('run:')) return `hs:${rest}`;
  if (rest === 'agents') return 'hs:agents';
  if (rest!.startsWith('agent:')) return `hs:${rest}`;
  return `hs:sweep:${sweepId}:${rest}`;
}

async function dump(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await redis.client.keys('hs:*')) out[key] = (await redis.client.dumpBuffer(key))!.toString('base64');
  return out;
}

async function sweepWithRuns(n: number): Promise<{ sweepId: string; runIds: string[] }> {
  const sweep = await createSweep(redis.client, { config: parseSweepConfig(SOURCE), source: SOURCE });
  const runIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const { runId, token } = await createRun(redis.client, { sweepId: sweep.id, config: { x: i / n }, reason: 'test' });
    await applyRunEvents(redis.client, sweep.id, [
      { type: 'started', runId, attempt: 1, token, agentId: 'a1', slot: 'gpu0', host: 'h', pid: 1, at: 1 },
      { type: 'metrics', runId, attempt: 1, token, seq: 1, rows: [{ _step: 0, loss: i }] },
    ], { maxAttempts: 1, retryFailed: false, allowRequeue: false });
    runIds.push(runId);
  }
  const queues = new RunQueues(redis.client);
  await queues.enqueue(sweep.id, [{ sweepId: sweep.id, runId: 'rqueued', attempt: 1, token: 'T', config: { x: 1 }, execution: { max_attempts: 1, retry_failed: false, stdout_metrics: false } }]);
  await queues.close();
  await new AgentSession(redis.client, 'a1', sweep.id).register({ host: 'h', pid: 1, slots: ['gpu0'] });
  return { sweepId: sweep.id, runIds };
}

test('layout-1 data moves to one slot per sweep, byte for byte; agents are dropped; the second start moves nothing', async () => {
  const a = await sweepWithRuns(3);
  const b = await sweepWithRuns(2);
  const agentKey = (k: string) => /:agents?(:|$)/.test(k);
  const before = await dump();
  expect(Object.keys(before).some(agentKey)).toBe(true);
  // Put everything back under the old names, as an older hypersweep left it.
  for (const key of Object.keys(before)) {
    const old = oldName(key);
    if (old !== undefined) await redis.client.rename(key, old);
  }
  expect(await redis.client.keys('hs:{*')).toEqual([]);
  expect(await redis.client.exists(`hs:run:${a.runIds[0]}:history`, `hs:sweep:${b.sweepId}:runs`, 'hs:agents')).toBe(3);

  const first = await migrateKeyLayout(redis.client);
  expect(first).toEqual({ moved: Object.keys(before).filter((k) => oldName(k) !== undefined && !agentKey(k)).length, skipped: 0 });
  expect(await redis.client.get(keys.layout())).toBe(String(KEY_LAYOUT_VERSION));
  const after = await dump();
  const expected = Object.fromEntries(Object.entries(before).filter(([k]) => !agentKey(k)));
  expect(after).toEqual({ ...expected, [keys.layout()]: after[keys.layout()] });
  expect(await redis.client.keys('hs:agent*')).toEqual([]);

  // Readable through the store and BullMQ.
  expect((await listSweeps(redis.client)).map((s) => s.id).sort()).toEqual([a.sweepId, b.sweepId].sort());
  expect((await listRuns(redis.client, a.sweepId)).runs.map((r) => r.id)).toEqual(a.runIds);
  expect((await getRun(redis.client, b.sweepId, b.runIds[1]!)).history).toEqual([{ _step: 0, loss: 1 }]);
  const queues = new RunQueues(redis.client);
  expect(await queues.jobStatuses(a.sweepId, [{ runId: 'rqueued', attempt: 1 }])).toEqual(['live']);
  expect(await queues.waitingCount(a.sweepId)).toBe(1);
  await queues.close();

  expect(await migrateKeyLayout(redis.client)).toEqual({ moved: 0, skipped: 0 });
});

test('a fresh Redis is marked with the layout and nothing else is written', async () => {
  await redis.client.flushall();
  expect(await migrateKeyLayout(redis.client)).toEqual({ moved: 0, skipped: 0 });
  expect(await redis.client.keys('*')).toEqual([keys.layout()]);
});
