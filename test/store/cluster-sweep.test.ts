/**
 * hypersweep on a real 3-primary Redis Cluster started by the test: the server (controller and
 * API) and real agent processes connect with a redis-cluster:// URL; two sweeps run to the end
 * at once; every key of a sweep (ours and its BullMQ queue) hashes to one slot, on one node, and
 * the two sweeps sit on two slots.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Cluster } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { keys } from '../../src/store/keys.js';
import { startRedisCluster, type RedisClusterSet } from '../helpers/redis-cluster.js';
import { scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from '../worker/agent-harness.js';

let cluster: RedisClusterSet;
let c: Cluster;
let server: RunningServer;
let tmp: Scratch;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3 });
  c = cluster.client();
  tmp = scratch();
  server = await startServer({ port: 0, redisUrl: cluster.url, controllerOptions: { pollMs: 50, leaseCheckMs: 200 }, log: () => {} });
}, 60_000);
afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  await server?.close();
  await cluster?.stop();
  tmp?.remove();
});

const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(`${server.url}/api${path}`, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const createSweep = async (yaml: string) => (await api<{ id: string }>('/sweeps', { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } })).id;

interface RunView {
  id: string;
  sweepId: string;
  state: string;
  config: { x: number; y?: string };
  history: Array<{ _step: number; loss: number }>;
}

const TRAIN = `
import hypersweep
cfg = hypersweep.config()
for step in range(3):
    hypersweep.log({"loss": cfg["x"] * (3 - step)}, step=step)
`;

/** Every key of the cluster, from each primary (KEYS answers for the node it is sent to). */
async function keysByNode(): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const port of cluster.ports) out.set(port, await cluster.node(port).keys('*'));
  return out;
}

test('two sweeps run to the end on a 3-primary cluster with real agents; each sweep is one slot on one node', async () => {
  const program = tmp.file('train.py', TRAIN);
  const grid = await createSweep(`method: grid
metric: {name: loss, goal: minimize}
program: ${program}
parameters:
  x: {values: [1, 2, 3]}
  y: {values: [a, b]}
`);
  const random = await createSweep(`method: random
metric: {name: loss, goal: minimize}
program: ${program}
run_cap: 4
parameters:
  x: {min: 1.0, max: 2.0}
`);
  const gridAgents = [spawnAgent(grid, cluster.url, ['--slots', '2']), spawnAgent(grid, cluster.url, ['--slots', '1'])];
  const randomAgent = spawnAgent(random, cluster.url, ['--slots', '2']);
  agents.push(...gridAgents, randomAgent);
  // Agents exit 0 once their sweep is finished.
  expect(await Promise.all([...gridAgents, randomAgent].map((a) => a.exited))).toEqual([0, 0, 0]);
  for (const id of [grid, random]) expect(await waitFor(`sweep ${id} finished`, async () => (await api<{ state: string }>(`/sweeps/${id}`)).state === 'finished', 30_000)).toBe(true);

  const gridRuns = (await api<{ runs: RunView[] }>(`/sweeps/${grid}/runs?limit=100`)).runs;
  expect(gridRuns.map((r) => r.state)).toEqual(Array(6).fill('finished'));
  expect(gridRuns.map((r) => `${r.config.x}${r.config.y}`).sort()).toEqual(['1a', '1b', '2a', '2b', '3a', '3b']);
  const randomRuns = (await api<{ runs: RunView[] }>(`/sweeps/${random}/runs?limit=100`)).runs;
  expect(randomRuns.map((r) => r.state)).toEqual(Array(4).fill('finished'));
  // A run found by id alone (the run → sweep lookup goes through each sweep's slot).
  for (const r of [gridRuns[0]!, randomRuns[3]!]) {
    const detail = await api<RunView>(`/runs/${r.id}`);
    expect(detail.sweepId).toBe(r === gridRuns[0] ? grid : random);
    expect(detail.history).toEqual([0, 1, 2].map((step) => ({ _step: step, loss: detail.config.x * (3 - step) })));
  }
  const best = await api<{ best: { config: { x: number } } }>(`/sweeps/${grid}`);
  expect(best.best.config.x).toBe(1);

  // Every key of a sweep, ours and BullMQ's, on one slot of one node; two sweeps, two slots.
  const byNode = await keysByNode();
  const all = [...byNode.values()].flat();
  const slots = new Map<string, number>();
  for (const id of [grid, random]) {
    const own = all.filter((k) => k.includes(`{${id}}`));
    expect(own).toContain(keys.sweep(id));
    expect(own).toContain(keys.run(id, id === grid ? gridRuns[0]!.id : randomRuns[0]!.id));
    expect(own.some((k) => k.startsWith('hs:bull:'))).toBe(true);
    const keySlots = new Set(await Promise.all(own.map(async (k) => Number(await c.cluster('KEYSLOT', k)))));
    expect(keySlots.size, `slots of ${id}`).toBe(1);
    slots.set(id, [...keySlots][0]!);
    expect([...byNode.values()].filter((ks) => ks.some((k) => k.includes(`{${id}}`))), `nodes holding ${id}`).toHaveLength(1);
  }
  expect(slots.get(grid)).not.toBe(slots.get(random));
  // The only keys outside a sweep: the index and the layout mark.
  expect(all.filter((k) => !k.includes(`{${grid}}`) && !k.includes(`{${random}}`)).sort()).toEqual([keys.layout(), keys.sweeps()].sort());
}, 180_000);
