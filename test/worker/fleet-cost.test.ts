/**
 * What an idle fleet costs Redis (bench/fleet.ts measures it at 1,000 agents): an agent's
 * heartbeat writes its presence only when it changed or every PRESENCE_REFRESH_MS, and the
 * controller reads the agents (O(agents) commands) about every 2 s while nothing wakes it,
 * not at every 200 ms round.
 */
import { expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { Controller } from '../../src/controller/controller.js';
import { AgentSession, PRESENCE_REFRESH_MS } from '../../src/store/agent-session.js';
import { AGENT_LIVE_MS, listAgents } from '../../src/store/agent-store.js';
import { createSweep, setSweepState } from '../../src/store/sweep-store.js';
import { Agent } from '../../worker/agent.js';
import { redisForFile } from '../helpers/redis-server.js';

const r = redisForFile();
const SOURCE = 'method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';

/** Calls of `command` the server has served so far (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await r.client.info('commandstats');
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

/** Commands the server has processed so far, those run by scripts included. */
async function totalCommands(): Promise<number> {
  return Number(/^total_commands_processed:(\d+)/m.exec(await r.client.info('stats'))?.[1]);
}

test('a heartbeat writes an unchanged presence every PRESENCE_REFRESH_MS, a changed one at once, and always answers', async () => {
  expect(AGENT_LIVE_MS).toBeGreaterThanOrEqual(3 * PRESENCE_REFRESH_MS);
  const sweep = await createSweep(r.client, { config: parseSweepConfig(SOURCE), source: SOURCE });
  const session = new AgentSession(r.client, 'beat-agent', sweep.id);
  const t0 = 1_000_000;
  await session.register({ host: 'h', pid: 1, slots: ['cpu0'] }, t0);
  const seen = async () => (await listAgents(r.client)).find((a) => a.id === 'beat-agent')!;
  const hsets = await calls('hset');
  for (let t = t0 + 1000; t < t0 + PRESENCE_REFRESH_MS; t += 1000) {
    const beat = await session.beat({ busy: {}, state: 'idle' }, [], t);
    expect(beat.sweepState).toBe('running');
  }
  expect(await calls('hset')).toBe(hsets);
  expect((await seen()).lastSeen).toBe(t0);
  await session.beat({ busy: {}, state: 'idle' }, [], t0 + PRESENCE_REFRESH_MS);
  expect((await seen()).lastSeen).toBe(t0 + PRESENCE_REFRESH_MS);
  // A slot became busy: written at the next beat, whatever the time.
  await session.beat({ busy: { cpu0: 'r1' }, state: 'busy' }, [], t0 + PRESENCE_REFRESH_MS + 10);
  const busy = await seen();
  expect(busy.busy).toEqual({ cpu0: 'r1' });
  expect(busy.live).toBe(true);
  // The agent's clock went back: written again rather than trusted.
  await session.beat({ busy: { cpu0: 'r1' }, state: 'busy' }, [], t0);
  expect((await seen()).lastSeen).toBe(t0);
});

test('each call of an agent session is one command: no MULTI, no pipeline', async () => {
  const sweep = await createSweep(r.client, { config: parseSweepConfig(SOURCE), source: SOURCE });
  const session = new AgentSession(r.client, 'one-call-agent', sweep.id);
  await session.register({ host: 'h', pid: 1, slots: ['cpu0'] }); // the scripts are loaded on first use
  const [multis, scripts, hgets] = [await calls('multi'), await calls('evalsha'), await calls('hget')];
  const before = await totalCommands();
  await session.slotChanged({ busy: { cpu0: 'r1' }, state: 'busy' });
  await session.beat({ busy: { cpu0: 'r1' }, state: 'busy' }, ['r1', 'r2']);
  await session.slotChanged({ busy: {}, state: 'idle' });
  await session.beat({ busy: {}, state: 'idle' }, []);
  await session.deregister();
  expect(await calls('multi')).toBe(multis);
  // Four script calls; the idle beat between presence writes is one plain HGET. The scripts'
  // own commands count in total_commands_processed, so that total only bounds them.
  expect((await calls('evalsha')) - scripts).toBe(4);
  expect((await calls('hget')) - hgets).toBeGreaterThanOrEqual(1);
  expect((await totalCommands()) - before - 2).toBeLessThan(40);
});

test('an idle controller reads 50 agents about every 2 s, not at every round', async () => {
  const sweep = await createSweep(r.client, { config: parseSweepConfig(SOURCE), source: SOURCE });
  await setSweepState(r.client, sweep.id, 'paused', { from: ['running'], reason: 'test' });
  const AGENTS = 50;
  for (let i = 0; i < AGENTS; i++) await new AgentSession(r.client, `idle-${i}`, sweep.id).register({ host: 'h', pid: i, slots: ['cpu0'] });
  const redis = new Redis(r.server.url, { maxRetriesPerRequest: null });
  const controller = new Controller({ redis, pollMs: 100, log: () => {} });
  await controller.start();
  try {
    const deadline = Date.now() + 10_000;
    while (!controller.ledSweeps.includes(sweep.id) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(controller.ledSweeps).toContain(sweep.id);
    await new Promise((res) => setTimeout(res, 500));
    const before = await calls('hgetall');
    const started = performance.now();
    await new Promise((res) => setTimeout(res, 3000));
    const perSec = (await calls('hgetall')) - before;
    const seconds = (performance.now() - started) / 1000;
    // Every 100 ms round would be 10 reads a second (500 HGETALL/s); every 2 s is 25/s.
    expect(perSec / seconds).toBeLessThanOrEqual(AGENTS);
    expect(perSec).toBeGreaterThan(0);
  } finally {
    await controller.close();
    redis.disconnect();
  }
});

test('an idle agent costs Redis under 3 commands a second (heartbeat reads, presence every 3 s, BullMQ long poll)', async () => {
  const sweep = await createSweep(r.client, { config: parseSweepConfig(SOURCE), source: SOURCE });
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const agent = new Agent({ sweepId: sweep.id, redisUrl: r.server.url, slots: [{ name: 'cpu0', env: {} }], log: silent, interpreter: 'python3', reapOrphans: false });
  await agent.start();
  try {
    await new Promise((res) => setTimeout(res, 1500));
    const before = await totalCommands();
    const started = performance.now();
    await new Promise((res) => setTimeout(res, 9000));
    const perSec = ((await totalCommands()) - before - 1) / ((performance.now() - started) / 1000);
    // Before: 4 heartbeat commands a second and BullMQ's 5 s drain loop (~1.6/s): 5.6/s.
    expect(perSec).toBeLessThan(3);
    expect(perSec).toBeGreaterThan(0.5);
  } finally {
    await agent.shutdown('test');
  }
}, 30_000);
