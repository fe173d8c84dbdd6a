/**
 * How many jobs a sweep keeps waiting (src/controller/proposing.ts): one per idle slot, so a
 * model-based search sees every result before it proposes; grid and random learn nothing from
 * results, so they keep one per slot, busy ones included, and an agent's next run never waits
 * for a controller round.
 */
import { expect, test } from 'vitest';
import { RunQueues } from '../../src/queue/run-queue.js';
import { until, useApiServer } from '../helpers/api-server-fixture.js';
import { startSimulatedAgent } from './simulated-agent.js';

const f = useApiServer('hs-depth-');

async function sweepWithBusyAgent(method: string): Promise<{ id: string; waiting: () => Promise<number> }> {
  const source = `method: ${method}\nrun_cap: 20\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\n`;
  const res = await fetch(`${f.server.url}/api/sweeps`, { method: 'POST', body: source, headers: { 'content-type': 'text/yaml' } });
  const id = ((await res.json()) as { id: string }).id;
  // Two slots, runs of ~20 s: both busy for the whole test.
  f.agents.push(await startSimulatedAgent(f.c, { id: `agent-${method}`, sweepId: id, slots: 2, steps: 200, stepMs: 100, leaseMs: 5000 }));
  const queues = new RunQueues(f.c);
  await until('both slots busy', async () => ((await (await fetch(`${f.server.url}/api/sweeps/${id}`)).json()) as { counts: { running?: number } }).counts.running === 2);
  return { id, waiting: () => queues.waitingCount(id) };
}

test('random keeps a job waiting for each slot while both are busy; bayes keeps none', async () => {
  const random = await sweepWithBusyAgent('random');
  const bayes = await sweepWithBusyAgent('bayes');
  await until('random: a job waiting per slot', async () => (await random.waiting()) === 2, 10_000);
  // Several controller rounds later (poll 30 ms), still exactly one per slot, and none for bayes.
  await new Promise((r) => setTimeout(r, 1000));
  expect(await random.waiting()).toBe(2);
  expect(await bayes.waiting()).toBe(0);
});
