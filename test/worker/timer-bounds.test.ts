/**
 * Issue 13: `run_timeout_sec: 3000000` overflowed the timer (setTimeout fires after 1 ms past
 * 2^31 − 1), so every run was killed 1 ms after it started. Timers now wait any length, and
 * lease and grace values are bounded where they are given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { MAX_TIMER_MS, setLongTimeout } from '../../worker/timer-bounds.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

describe('setLongTimeout', () => {
  it('does not fire early for delays past 2^31 - 1 ms, and fires short ones', async () => {
    let long = 0;
    let short = 0;
    const t1 = setLongTimeout(() => long++, 3_000_000 * 1000);
    const t2 = setLongTimeout(() => long++, MAX_TIMER_MS + 1);
    const t3 = setLongTimeout(() => long++, Infinity);
    setLongTimeout(() => short++, 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(short).toBe(1);
    expect(long).toBe(0);
    for (const t of [t1, t2, t3]) t.clear();
  });

  it('can be cleared before it fires', async () => {
    let fired = 0;
    const t = setLongTimeout(() => fired++, 50);
    t.clear();
    await new Promise((r) => setTimeout(r, 150));
    expect(fired).toBe(0);
  });
});

describe('a real agent', () => {
  let redis: TestRedis;
  let c: Redis;
  let tmp: Scratch;
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    c = redis.client();
    tmp = scratch();
  });
  afterAll(async () => {
    for (const a of agents) await stopAgent(a);
    await closeQueues();
    await redis.stop();
    tmp.remove();
  });

  it('lets a run with run_timeout_sec 3000000 finish instead of killing it at once', async () => {
    const script = tmp.file('nap.py', 'import time\ntime.sleep(1)\nprint("@hypersweep {\\"loss\\": 1}")\n');
    await createSweep(c, 's1');
    await enqueueRun(c, redis.url, { sweepId: 's1', runId: 'r1', program: script, config: {}, execution: { run_timeout_sec: 3_000_000 } });
    const agent = spawnAgent('s1', redis.url, ['--slots', '1'], {}, tmp.dir);
    agents.push(agent);
    const fin = await waitFor('finished', () => finishedEvent(c, 's1', 'r1'), 60_000);
    expect(fin).toMatchObject({ outcome: 'finished', exitCode: 0 });
  }, 90_000);

  it.each([
    [['--lease-ms', '99999999999'], /--lease-ms must be from 500 to 86400000/],
    [['--lease-ms', '10'], /--lease-ms must be from 500/],
    [['--grace-sec', '1e12'], /--grace-sec must be a number from 0 to 86400/],
  ])('refuses %j before starting', async (args, message) => {
    const agent = spawnAgent('s1', redis.url, ['--slots', '1', ...args], {}, tmp.dir);
    agents.push(agent);
    expect(await agent.exited).not.toBe(0);
    expect(agent.stderr()).toMatch(message);
  }, 60_000);
});
