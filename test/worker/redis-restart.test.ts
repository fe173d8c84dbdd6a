/**
 * Redis killed (SIGKILL) and started again mid-sweep, with `appendfsync always` and `everysec`,
 * under the real controller and two real agents. Both: the sweep finishes, each config finished
 * exactly once, no two executions of one run overlap, no run executes again after it finished.
 * `always` loses nothing: every finished run keeps all its metric points, in order. `everysec`
 * may lose the last second of writes: what it keeps is in order and never duplicated.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/local/private-redis.js';
import { keys } from '../../src/store/keys.js';
import { processesMentioning, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess } from './agent-harness.js';

const tmp = scratch();
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  tmp.remove();
});

const STEPS = 6;
const SCRIPT = `
import json, os, time
d = os.path.join(os.environ["SCRATCH"], "runs", os.environ["HYPERSWEEP_RUN_ID"])
os.makedirs(d, exist_ok=True)
f = open(os.path.join(d, os.environ["HYPERSWEEP_ATTEMPT"] + ".log"), "a", buffering=1)
cfg = json.load(open(os.environ["HYPERSWEEP_PARAMS_FILE"]))
for step in range(${STEPS}):
    f.write("%.6f\\n" % time.monotonic())
    print("@hypersweep " + json.dumps({"_step": step, "loss": cfg["x"] / (step + 1)}), flush=True)
    time.sleep(0.15)
f.write("%.6f end\\n" % time.monotonic())
`;

for (const appendfsync of ['always', 'everysec'] as const) {
  test(`Redis SIGKILLed and restarted mid-sweep (appendfsync ${appendfsync}): each config finishes once, no overlap${appendfsync === 'always' ? ', nothing lost' : ''}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-restart-'));
    const redis: PrivateRedis = await startPrivateRedis({ dir, appendfsync });
    cleanup.push(async () => {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    const c = new Redis(redis.url, { maxRetriesPerRequest: null });
    c.on('error', () => undefined);
    cleanup.push(() => c.disconnect());
    const server: RunningServer = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 50, leaseCheckMs: 300 }, log: () => {} });
    cleanup.push(() => server.close());
    const program = tmp.file(`restart-${appendfsync}.py`, SCRIPT);
    const res = await fetch(`${server.url}/api/sweeps`, {
      method: 'POST',
      body: `method: grid\nmetric: {name: loss, goal: minimize}\nprogram: ${program}\nparameters:\n  x: {values: [1, 2, 3, 4, 5, 6, 7, 8]}\n  mode: {value: ${appendfsync}}\n`,
      headers: { 'content-type': 'text/yaml' },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const agents: AgentProcess[] = [];
    for (let i = 0; i < 2; i++) agents.push(spawnAgent(id, redis.url, ['--slots', '1', '--lease-ms', '3000'], { SCRATCH: tmp.dir }));
    cleanup.push(async () => {
      for (const a of agents) await stopAgent(a);
    });
    await waitFor('two runs finished', async () => Number((await c.hget(keys.sweepCounts(id), 'finished')) ?? 0) >= 2, 60_000);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    await waitFor('sweep finished', async () => (await c.hget(keys.sweep(id), 'state').catch(() => null)) === 'finished', 120_000, 200);

    const runIds = await c.zrange(keys.sweepRuns(id), 0, -1);
    expect(runIds).toHaveLength(8);
    const configs = new Set<string>();
    for (const runId of runIds) {
      const run = await c.hgetall(keys.run(id, runId));
      expect(run.state, runId).toBe('finished');
      configs.add(run.config!);
      const rows = (await c.lrange(keys.runHistory(id, runId), 0, -1)).map((r) => JSON.parse(r) as { _step: number; _attempt?: number });
      const steps = rows.filter((r) => (r._attempt ?? 1) === Number(run.attempt)).map((r) => r._step);
      if (appendfsync === 'always') expect(steps, runId).toEqual(Array.from({ length: STEPS }, (_, i) => i));
      else expect(steps, runId).toEqual([...new Set(steps)].sort((a, b) => a - b));
      // Executions of one run never overlap, and none starts after one ran to its end.
      const d = join(tmp.dir, 'runs', runId);
      const spans = existsSync(d)
        ? readdirSync(d).map((f) => {
            const lines = readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean);
            return { start: parseFloat(lines[0]!), last: parseFloat(lines[lines.length - 1]!), ended: lines[lines.length - 1]!.endsWith('end') };
          })
        : [];
      spans.sort((a, b) => a.start - b.start);
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i]!.start, `${runId}: executions overlap`).toBeGreaterThan(spans[i - 1]!.last);
        expect(spans[i - 1]!.ended, `${runId}: ran again after it finished`).toBe(false);
      }
    }
    expect(configs.size).toBe(8);
    for (const a of agents) expect(await a.exited).toBe(0);
    expect(processesMentioning(tmp.dir)).toEqual([]);
  }, 200_000);
}
