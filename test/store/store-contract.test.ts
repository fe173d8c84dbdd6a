/**
 * The store contract: the invariants written on src/store/leader-store.ts and
 * src/store/attempt-lease.ts, checked against a real redis-server. Every operation the
 * controller, the agent and the API use is exercised through the store's own functions; the
 * test reads raw keys only to check what the store promises about them.
 */
import { describe, expect, test } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { FINAL_RUN_STATES, RUN_STATES, type RunState } from '../../src/run-record.js';
import { AgentSession } from '../../src/store/agent-session.js';
import { listAgents } from '../../src/store/agent-store.js';
import type { RequeuePolicy } from '../../src/store/apply-run-event.js';
import { claimAttempt, finishAttempt, publishRunOutput, renewLease, reportEvent, type LeaseHolder } from '../../src/store/attempt-lease.js';
import { keys } from '../../src/store/keys.js';
import { LeaderStore } from '../../src/store/leader-store.js';
import type { RunEvent } from '../../src/store/run-events.js';
import { createRun, getRun } from '../../src/store/run-store.js';
import { createSweep, getSweep } from '../../src/store/sweep-store.js';
import { redisForFile } from '../helpers/redis-server.js';
import { LeaderDeposedError } from '../../src/errors.js';

const redis = redisForFile();

const SOURCE = `
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
`;
const policy: RequeuePolicy = { maxAttempts: 2, retryFailed: false, allowRequeue: true };
const started = { host: 'h', pid: 1, at: 1 };

async function newSweep(): Promise<LeaderStore> {
  const sweep = await createSweep(redis.client, { config: parseSweepConfig(SOURCE), source: SOURCE });
  const store = new LeaderStore(redis.client, sweep.id);
  await store.ensureEventGroup();
  return store;
}

/** Read every event there is through the consumer group, apply it, acknowledge it. */
async function drain(store: LeaderStore, p: RequeuePolicy = policy): Promise<string[]> {
  const statuses: string[] = [];
  for (;;) {
    const batch = await store.readEvents(false, 100);
    if (batch.ids.length === 0) return statuses;
    statuses.push(...(await store.applyEvents(batch.events, p)).map((r) => r.status));
    await store.settleEvents(batch.ids, true, []);
  }
}

function holderOf(store: LeaderStore, runId: string, attempt: number, token: string, agentId = 'a1'): LeaseHolder {
  return { sweepId: store.sweepId, runId, attempt, token, agentId, slot: 'gpu0' };
}

/** The per-state counts, the per-state sets and the run hashes tell the same story. */
async function expectConsistent(sweepId: string): Promise<void> {
  const ids = await redis.client.zrange(keys.sweepRuns(sweepId), 0, -1);
  const states = await Promise.all(ids.map((id) => redis.client.hget(keys.run(sweepId, id), 'state')));
  const counts = await redis.client.hgetall(keys.sweepCounts(sweepId));
  const inSets = new Set<string>();
  for (const state of RUN_STATES) {
    const members = await redis.client.zrange(keys.sweepStateRuns(sweepId, state), 0, -1);
    const expected = ids.filter((_, i) => states[i] === state);
    expect(members.sort(), `runs in set ${state}`).toEqual(expected.sort());
    expect(Number(counts[state] ?? 0), `count of ${state}`).toBe(expected.length);
    for (const m of members) {
      expect(inSets.has(m), `${m} in one state set only`).toBe(false);
      inSets.add(m);
    }
  }
  expect(inSets.size).toBe(ids.length);
}

/** Everything the store keeps about a run. */
async function snapshot(sweepId: string, runId: string): Promise<unknown> {
  return {
    run: await redis.client.hgetall(keys.run(sweepId, runId)),
    history: await redis.client.lrange(keys.runHistory(sweepId, runId), 0, -1),
    attempts: await redis.client.lrange(keys.runAttempts(sweepId, runId), 0, -1),
    output: await redis.client.get(keys.runOutput(sweepId, runId)),
  };
}

/** Bring a fresh run to a final state through the operations that lead there. */
async function runEndingIn(store: LeaderStore, state: RunState, x: number): Promise<{ runId: string; token: string }> {
  const { runId, token } = await createRun(redis.client, { sweepId: store.sweepId, config: { x }, reason: 'contract' });
  if (state === 'canceled') {
    expect(await store.cancelPending(runId, 'sweep canceled')).toBe(true);
    return { runId, token };
  }
  const holder = holderOf(store, runId, 1, token);
  expect(await claimAttempt(redis.client, holder, 60_000, started)).toBe('ok');
  await reportEvent(redis.client, store.sweepId, { type: 'metrics', runId, attempt: 1, token, seq: 1, rows: [{ _step: 0, loss: x }] });
  if (state === 'crashed') {
    await drain(store);
    await redis.client.del(keys.runLease(store.sweepId, runId)); // the lease expired
    expect((await store.crashRun(runId, token, { maxAttempts: 1, allowRequeue: true })).result).toBe('crashed');
    return { runId, token };
  }
  const outcome = { finished: 'finished', failed: 'failed', stopped: 'stopped' }[state as 'finished' | 'failed' | 'stopped'] as 'finished' | 'failed' | 'stopped';
  await finishAttempt(redis.client, holder, { outcome, exitCode: outcome === 'finished' ? 0 : 1, signal: null, outputTail: 'bye\n', at: 2 });
  await drain(store);
  expect((await getRun(redis.client, store.sweepId, runId)).state).toBe(state);
  return { runId, token };
}

describe('store contract', () => {
  test('a run in a final state never changes, whatever is sent to it', async () => {
    const store = await newSweep();
    expect([...FINAL_RUN_STATES].sort()).toEqual(['canceled', 'crashed', 'failed', 'finished', 'stopped']);
    let x = 0;
    for (const state of FINAL_RUN_STATES) {
      const { runId, token } = await runEndingIn(store, state, (x += 0.1));
      const before = await snapshot(store.sweepId, runId);
      const base = { runId, attempt: 1, token };
      const late: RunEvent[] = [
        { ...base, type: 'started', agentId: 'a9', slot: 's', host: 'h', pid: 2, at: 5 },
        { ...base, type: 'metrics', seq: 99, rows: [{ _step: 9, loss: 0 }] },
        { ...base, type: 'finished', outcome: 'lost', exitCode: null, signal: null, outputTail: 'late', at: 6 },
      ];
      const results = await store.applyEvents(late, policy);
      expect(results.map((r) => r.status), state).not.toContain('applied');
      expect(results.map((r) => r.status), state).not.toContain('requeued');
      expect((await store.crashRun(runId, token, { maxAttempts: 9, allowRequeue: true })).result).toBe('skip');
      expect(await store.requestStop(runId, 'cancel', 'late')).toBe(false);
      expect(await store.cancelPending(runId, 'late')).toBe(false);
      expect(await claimAttempt(redis.client, holderOf(store, runId, 1, token, 'a9'), 1000, started)).toBe('stale');
      expect((await createRun(redis.client, { sweepId: store.sweepId, config: { x }, reason: 'again' })).result).toBe('exists');
      expect(await snapshot(store.sweepId, runId), `a ${state} run changed`).toEqual(before);
    }
    await expectConsistent(store.sweepId);
  });

  test('per-state counts and per-state sets agree with the runs after any sequence of operations', async () => {
    const store = await newSweep();
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const runs: Array<{ runId: string; attempt: number; token: string }> = [];
    for (let i = 0; i < 12; i++) {
      const r = await createRun(redis.client, { sweepId: store.sweepId, config: { x: i / 12 }, reason: 'contract' });
      runs.push({ runId: r.runId, attempt: 1, token: r.token });
    }
    for (let step = 0; step < 120; step++) {
      const run = runs[rand(runs.length)]!;
      const holder = holderOf(store, run.runId, run.attempt, run.token, `a${rand(3)}`);
      switch (rand(6)) {
        case 0:
          await claimAttempt(redis.client, holder, 60_000, started);
          break;
        case 1:
          await reportEvent(redis.client, store.sweepId, { type: 'metrics', runId: run.runId, attempt: run.attempt, token: run.token, seq: step, rows: [{ _step: step, loss: 1 }] });
          break;
        case 2: {
          const outcomes = ['finished', 'failed', 'stopped', 'preempted', 'lost', 'timeout'] as const;
          await finishAttempt(redis.client, holder, { outcome: outcomes[rand(outcomes.length)]!, exitCode: 1, signal: null, outputTail: '', at: step });
          break;
        }
        case 3:
          await store.requestStop(run.runId, rand(2) ? 'stop' : 'cancel', 'contract');
          break;
        case 4:
          await store.cancelPending(run.runId, 'contract');
          break;
        default: {
          await drain(store);
          await redis.client.del(keys.runLease(store.sweepId, run.runId));
          const crashed = await store.crashRun(run.runId, run.token, { maxAttempts: 3, allowRequeue: true });
          if (crashed.result === 'requeued') Object.assign(run, { attempt: crashed.attempt, token: crashed.token });
        }
      }
      if (step % 10 === 0) {
        await drain(store);
        // Re-read the current attempt of every run (requeues by preempted/lost outcomes).
        for (const r of runs) {
          const h = await redis.client.hmget(keys.run(store.sweepId, r.runId), 'attempt', 'token');
          Object.assign(r, { attempt: Number(h[0]), token: h[1]! });
        }
        await expectConsistent(store.sweepId);
      }
    }
    await drain(store);
    await expectConsistent(store.sweepId);
    const counts = (await getSweep(redis.client, store.sweepId)).counts;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(12);
  });

  test('a stale attempt token is refused by every operation', async () => {
    const store = await newSweep();
    const { runId, token: t1 } = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.5 }, reason: 'contract' });
    const old = holderOf(store, runId, 1, t1);
    expect(await claimAttempt(redis.client, old, 60_000, started)).toBe('ok');
    await drain(store);
    await redis.client.del(keys.runLease(store.sweepId, runId));
    const requeued = await store.crashRun(runId, t1, { maxAttempts: 2, allowRequeue: true });
    expect(requeued.result).toBe('requeued');
    if (requeued.result !== 'requeued') return;
    const fresh = holderOf(store, runId, 2, requeued.token, 'a2');
    expect(await claimAttempt(redis.client, old, 60_000, started)).toBe('stale');
    expect(await claimAttempt(redis.client, fresh, 60_000, started)).toBe('ok');
    expect((await renewLease(redis.client, old, 60_000)).held).toBe(false);
    const lease = await redis.client.get(keys.runLease(store.sweepId, runId));
    await finishAttempt(redis.client, old, { outcome: 'finished', exitCode: 0, signal: null, outputTail: '', at: 3 });
    expect(await redis.client.get(keys.runLease(store.sweepId, runId)), 'a stale finish leaves the new lease alone').toBe(lease);
    const statuses = await drain(store);
    expect(statuses).toEqual(['applied', 'stale']); // attempt 2 started; attempt 1's finished refused
    const stale = await store.applyEvents([{ type: 'metrics', runId, attempt: 1, token: t1, seq: 5, rows: [{ _step: 0, loss: 1 }] }], policy);
    expect(stale.map((r) => r.status)).toEqual(['stale']);
    expect((await getRun(redis.client, store.sweepId, runId)).state).toBe('running');
    expect((await getRun(redis.client, store.sweepId, runId)).attempt).toBe(2);
  });

  test('metrics are idempotent per seq: a report applied twice adds its rows once', async () => {
    const store = await newSweep();
    const { runId, token } = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.25 }, reason: 'contract' });
    expect(await claimAttempt(redis.client, holderOf(store, runId, 1, token), 60_000, started)).toBe('ok');
    const report = (seq: number, step: number): RunEvent => ({ type: 'metrics', runId, attempt: 1, token, seq, rows: [{ _step: step, loss: step }] });
    for (const e of [report(1, 0), report(2, 1), report(1, 0), report(2, 1), report(3, 2)]) await reportEvent(redis.client, store.sweepId, e);
    expect(await drain(store)).toEqual(['applied', 'applied', 'applied', 'duplicate', 'duplicate', 'applied']);
    expect((await store.applyEvents([report(3, 2)], policy))[0]!.status).toBe('duplicate');
    expect((await getRun(redis.client, store.sweepId, runId)).history.map((r) => r._step)).toEqual([0, 1, 2]);
  });

  test('crashed is final: a lost run with no attempts left, or in an ended sweep, is never queued again', async () => {
    const store = await newSweep();
    const { runId, token } = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.75 }, reason: 'contract' });
    expect(await claimAttempt(redis.client, holderOf(store, runId, 1, token), 60_000, started)).toBe('ok');
    await finishAttempt(redis.client, holderOf(store, runId, 1, token), { outcome: 'lost', exitCode: null, signal: 'SIGKILL', outputTail: '', at: 2 });
    await drain(store, { ...policy, allowRequeue: false });
    const run = await getRun(redis.client, store.sweepId, runId);
    expect(run.state).toBe('crashed');
    expect(run.attempt).toBe(1);
    expect(await redis.client.zscore(keys.sweepStateRuns(store.sweepId, 'pending'), runId)).toBeNull();
  });

  test('an event read through the consumer group comes back until it is acknowledged', async () => {
    const store = await newSweep();
    const { runId, token } = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.9 }, reason: 'contract' });
    expect(await claimAttempt(redis.client, holderOf(store, runId, 1, token), 60_000, started)).toBe('ok');
    await redis.client.xadd(keys.sweepEvents(store.sweepId), '*', 'type', 'garbage');
    const first = await store.readEvents(false, 10);
    expect(first.ids).toHaveLength(2);
    expect(first.events.map((e) => e.type)).toEqual(['started']);
    expect(first.malformed).toEqual([first.ids[1]]);
    // A new leader (same group) reads the backlog first: the same entries.
    const again = new LeaderStore(redis.client, store.sweepId);
    expect((await again.readEvents(true, 10)).ids).toEqual(first.ids);
    await again.settleEvents(first.ids, true, []);
    expect((await again.readEvents(true, 10)).ids).toEqual([]);
    expect((await again.readEvents(false, 10)).ids).toEqual([]);
  });

  test('scripts are loaded once and survive SCRIPT FLUSH (EVALSHA with the NOSCRIPT fallback)', async () => {
    const store = await newSweep();
    await redis.client.script('FLUSH');
    const [created] = await store.createRuns([{ config: { x: 0.3 }, reason: 'after flush' }], undefined);
    expect(created!.result).toBe('created');
    await redis.client.script('FLUSH');
    expect(await claimAttempt(redis.client, holderOf(store, created!.runId, 1, created!.token), 60_000, started)).toBe('ok');
    await redis.client.script('FLUSH');
    expect(await drain(store)).toEqual(['applied']);
    await redis.client.script('FLUSH');
    expect(await store.requestStops([{ runId: created!.runId, reason: 'rule' }], 'stop')).toEqual([true]);
    expect(await renewLease(redis.client, holderOf(store, created!.runId, 1, created!.token), 60_000)).toEqual({ held: true, stop: 'stop' });
  });

  test('leases: gone leases are reported, a finished attempt leaves a marker that is not gone', async () => {
    const store = await newSweep();
    const a = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.11 }, reason: 'contract' });
    const b = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.12 }, reason: 'contract' });
    expect(await claimAttempt(redis.client, holderOf(store, a.runId, 1, a.token), 60_000, started)).toBe('ok');
    expect(await claimAttempt(redis.client, holderOf(store, b.runId, 1, b.token), 60_000, started)).toBe('ok');
    await finishAttempt(redis.client, holderOf(store, b.runId, 1, b.token), { outcome: 'finished', exitCode: 0, signal: null, outputTail: '', at: 2 });
    await redis.client.del(keys.runLease(store.sweepId, a.runId));
    expect(await store.leasesGone([a.runId, b.runId])).toEqual([true, false]);
    expect(await publishRunOutput(redis.client, store.sweepId, a.runId, a.token, 'tail\n')).toBe(true);
    expect((await getRun(redis.client, store.sweepId, a.runId)).output).toBe('tail\n');
    // A stale attempt cannot overwrite the current attempt's output tail.
    expect(await publishRunOutput(redis.client, store.sweepId, a.runId, 'T-stale', 'old attempt\n')).toBe(false);
    expect((await getRun(redis.client, store.sweepId, a.runId)).output).toBe('tail\n');
  });

  test('a claim that ioredis sends again after a reconnect is the same claim: ok, and one started event', async () => {
    const store = await newSweep();
    const a = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.21 }, reason: 'contract' });
    const holder = holderOf(store, a.runId, 1, a.token);
    expect(await claimAttempt(redis.client, holder, 60_000, started)).toBe('ok');
    expect(await drain(store)).toEqual(['applied']); // the run is running now
    expect(await claimAttempt(redis.client, holder, 60_000, started)).toBe('ok');
    expect(await claimAttempt(redis.client, { ...holder, agentId: 'a2' }, 60_000, started)).toBe('stale');
    expect(await drain(store)).toEqual([]);
  });

  test('a deposed leader writes nothing: every fenced write and event read is refused inside Redis', async () => {
    const open = await newSweep();
    const sweepId = open.sweepId;
    const a = await createRun(redis.client, { sweepId, config: { x: 0.31 }, reason: 'contract' });
    const b = await createRun(redis.client, { sweepId, config: { x: 0.32 }, reason: 'contract' });
    expect(await claimAttempt(redis.client, holderOf(open, a.runId, 1, a.token), 60_000, started)).toBe('ok');
    await redis.client.set(keys.sweepLeader(sweepId), 'ctl-B', 'PX', 60_000);
    const leader = new LeaderStore(redis.client, sweepId, 'ctl-B');
    expect((await leader.readEvents(false, 10)).events.map((e) => e.type)).toEqual(['started']);
    await reportEvent(redis.client, sweepId, { type: 'metrics', runId: a.runId, attempt: 1, token: a.token, seq: 1, rows: [{ _step: 0, loss: 1 }] });
    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const key of await redis.client.keys(`*${sweepId}*`)) out[key] = String((await redis.client.dumpBuffer(key))?.toString('base64'));
      return out;
    };
    const before = await snapshot();
    const deposed = new LeaderStore(redis.client, sweepId, 'ctl-A');
    const event: RunEvent = { type: 'finished', runId: a.runId, attempt: 1, token: a.token, outcome: 'finished', exitCode: 0, signal: null, outputTail: '', at: 3 };
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['readEvents', () => deposed.readEvents(true, 10)],
      ['readEvents new', () => deposed.readEvents(false, 10)],
      ['applyEvents', () => deposed.applyEvents([event], policy)],
      ['writeScores', () => deposed.writeScores([{ runId: a.runId, score: 1 }])],
      ['createRuns', () => deposed.createRuns([{ config: { x: 0.33 }, reason: 'deposed' }], undefined)],
      ['requestStops', () => deposed.requestStops([{ runId: a.runId, reason: 'r' }], 'stop')],
      ['requestStop', () => deposed.requestStop(a.runId, 'cancel', 'r')],
      ['cancelPending', () => deposed.cancelPending(b.runId, 'r')],
      ['crashRun', () => deposed.crashRun(a.runId, a.token, { maxAttempts: 3, allowRequeue: true })],
      ['setState', () => deposed.setState('paused', { from: ['running'], reason: 'deposed' })],
    ];
    for (const [name, write] of writes) await expect(write(), name).rejects.toBeInstanceOf(LeaderDeposedError);
    expect(await snapshot()).toEqual(before);
    // The lock expired and nobody holds it: still deposed.
    await redis.client.del(keys.sweepLeader(sweepId));
    await expect(deposed.applyEvents([event], policy)).rejects.toBeInstanceOf(LeaderDeposedError);
    // The entry the leader read and never acknowledged is delivered again to whoever leads next.
    const next = new LeaderStore(redis.client, sweepId, 'ctl-C');
    await redis.client.set(keys.sweepLeader(sweepId), 'ctl-C', 'PX', 60_000);
    expect((await next.readEvents(true, 10)).events.map((e) => e.type)).toEqual(['started']);
    expect((await next.readEvents(false, 10)).events.map((e) => e.type)).toEqual(['metrics']);
  });

  test('an agent session writes what listAgents reads', async () => {
    const store = await newSweep();
    const session = new AgentSession(redis.client, 'agent-contract', store.sweepId);
    expect(await session.sweepExists()).toBe(true);
    expect(await new AgentSession(redis.client, 'x', 'snope').sweepExists()).toBe(false);
    await session.register({ host: 'box', pid: 42, slots: ['gpu0', 'gpu1'] }, 1000);
    const { runId } = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.6 }, reason: 'contract' });
    await store.requestStop(runId, 'stop', 'rule');
    const beat = await session.beat({ busy: { gpu0: runId }, state: 'busy' }, [runId], 2000);
    expect(beat.sweepState).toBe('running');
    expect([...beat.stops]).toEqual([[runId, 'stop']]);
    const [agent] = (await listAgents(redis.client)).filter((a) => a.id === 'agent-contract');
    expect(agent).toEqual({ id: 'agent-contract', host: 'box', pid: 42, sweepId: store.sweepId, slots: ['gpu0', 'gpu1'], busy: { gpu0: runId }, startedAt: 1000, lastSeen: 2000, state: 'busy', live: true });
    await session.deregister(3000);
    const [gone] = (await listAgents(redis.client)).filter((a) => a.id === 'agent-contract');
    expect(gone).toMatchObject({ state: 'exited', busy: {}, lastSeen: 3000, live: false });
    expect(await redis.client.pttl(keys.agent(store.sweepId, 'agent-contract'))).toBeGreaterThan(0);
  });

  test('an output tail is a key only while it has text: an empty tail (live or final) leaves none', async () => {
    const store = await newSweep();
    const { runId, token } = await createRun(redis.client, { sweepId: store.sweepId, config: { x: 0.5 }, reason: 'contract' });
    const holder = holderOf(store, runId, 1, token);
    expect(await claimAttempt(redis.client, holder, 60_000, started)).toBe('ok');
    const outputKey = keys.runOutput(store.sweepId, runId);
    expect(await publishRunOutput(redis.client, store.sweepId, runId, token, 'epoch 1\n')).toBe(true);
    expect(await redis.client.get(outputKey)).toBe('epoch 1\n');
    expect(await publishRunOutput(redis.client, store.sweepId, runId, token, '')).toBe(true);
    expect(await redis.client.exists(outputKey)).toBe(0);
    await publishRunOutput(redis.client, store.sweepId, runId, token, 'epoch 2\n');
    await finishAttempt(redis.client, holder, { outcome: 'finished', exitCode: 0, signal: null, outputTail: '', at: 2 });
    await drain(store);
    expect((await getRun(redis.client, store.sweepId, runId)).output).toBe('');
    expect(await redis.client.exists(outputKey)).toBe(0);
  });
});
