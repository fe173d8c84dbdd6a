/**
 * Issue 13: one `@hypersweep` line with JSON nested 20,000 deep crashed the agent (stack
 * overflow in the metric reader), and so the next agent that got the retried run; a Katib line
 * of `k=` and 32k digits blocked the event loop for 2.3 s. Now both are skipped (or read) at
 * once, and a real agent running a script that prints them finishes the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { MetricsEvent } from '../../src/store/run-events.js';
import { jsonDepth, MAX_METRIC_DEPTH, MAX_METRICS_PER_LINE, parseKatibLine, parseMetricJson } from '../../worker/metric-lines.js';
import { deepJson, katibBacktrackLine } from '../helpers/hostile-inputs.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, readEvents, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

const timed = <T>(fn: () => T): { value: T; ms: number } => {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
};

describe('metric lines are read within bounds', () => {
  it('skips JSON nested 20,000 deep (arrays or objects) without recursing into it', () => {
    const objects = `{"a":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;
    for (const line of [deepJson(20_000), objects]) {
      const { value, ms } = timed(() => parseMetricJson(line));
      expect(value).toEqual({ ok: false, problem: `nested deeper than ${MAX_METRIC_DEPTH} levels` });
      expect(ms).toBeLessThan(500);
    }
    const ok = `{"loss": 1, "deep": ${'{"a":'.repeat(MAX_METRIC_DEPTH - 2)}2${'}'.repeat(MAX_METRIC_DEPTH - 2)}}`;
    expect(parseMetricJson(ok)).toMatchObject({ ok: true, record: { row: { loss: 1, [`deep${'.a'.repeat(MAX_METRIC_DEPTH - 2)}`]: 2 } } });
  });

  it('measures depth outside strings only', () => {
    expect(jsonDepth('{"a": "[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a": "\\"[[["}')).toBe(1);
    expect(jsonDepth('[[1], [[2]]]')).toBe(3);
  });

  it('skips a line with more than MAX_METRICS_PER_LINE metrics', () => {
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_METRICS_PER_LINE + 1 }, (_, i) => [`m${i}`, i])));
    expect(parseMetricJson(many)).toEqual({ ok: false, problem: `more than ${MAX_METRICS_PER_LINE} metrics` });
    expect(parseKatibLine(Array.from({ length: MAX_METRICS_PER_LINE + 1 }, (_, i) => `m${i}=1`).join(' '))).toBeUndefined();
  });

  it('keeps metric names like __proto__ as plain names', () => {
    const parsed = parseMetricJson('{"__proto__": 1, "loss": 2}');
    expect(parsed.ok && Object.keys(parsed.record.row!)).toEqual(['__proto__', 'loss']);
    expect(({} as Record<string, unknown>)['loss']).toBeUndefined();
  });

  it('matches Katib pairs in linear time: k= and 32k digits (2.3 s before), and a megabyte of them', () => {
    const { value, ms } = timed(() => parseKatibLine(katibBacktrackLine(32_768)));
    expect(value).toBeUndefined();
    expect(ms).toBeLessThan(200);
    const mega = timed(() => parseKatibLine(`${katibBacktrackLine(500_000)} ${'x=1'.padEnd(20, ' ').repeat(20_000)}`.slice(0, 1 << 20)));
    expect(mega.ms).toBeLessThan(1000);
    for (const line of ['loss=0.5', 'epoch 3 loss = 0.21, acc=9.5e-1;lr=.001', 'k=1.2.3 loss=1']) expect(parseKatibLine(line)).toBeDefined();
    expect(parseKatibLine('epoch 3 loss = 0.21, acc=9.5e-1;lr=.001')).toEqual({ row: { loss: 0.21, acc: 0.95, lr: 0.001, _step: 3 } });
    expect(parseKatibLine('k=1.2.3 loss=1')).toEqual({ row: { loss: 1 } });
  });
});

describe('a real agent running a script that prints the pathological lines', () => {
  let redis: TestRedis;
  let c: Redis;
  let tmp: Scratch;
  let agent: AgentProcess | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    c = redis.client();
    tmp = scratch();
  });
  afterAll(async () => {
    if (agent) await stopAgent(agent);
    await closeQueues();
    await redis.stop();
    tmp.remove();
  });

  it('skips them with a warning, keeps the good lines, finishes the run and stays up', async () => {
    const script = tmp.file(
      'hostile.py',
      [
        'import os, sys',
        `depth = 20000`,
        `sys.stdout.write('@hypersweep {"a":' + '[' * depth + ']' * depth + '}\\n')`,
        `sys.stdout.write('@hypersweep ' + '{"a":' * depth + '1' + '}' * depth + '\\n')`,
        `sys.stdout.write('k=' + '1' * 32768 + 'x\\n')`,
        `sys.stdout.buffer.write(bytes(range(256)) * 64 + b'\\n')`,
        `sys.stdout.write('@hypersweep {"loss": 0.5, "_step": 1}\\n')`,
        `sys.stdout.write('loss=0.25 epoch 2\\n')`,
        `sys.stdout.flush()`,
      ].join('\n'),
    );
    await createSweep(c, 's1');
    await enqueueRun(c, redis.url, { sweepId: 's1', runId: 'r1', program: script, config: { x: 1 }, execution: { stdout_metrics: true } });
    agent = spawnAgent('s1', redis.url, ['--slots', '1'], {}, tmp.dir);
    const fin = await waitFor('finished', () => finishedEvent(c, 's1', 'r1'), 60_000);
    expect(fin).toMatchObject({ outcome: 'finished', exitCode: 0 });
    const rows = (await readEvents(c, 's1', 'r1')).filter((e): e is MetricsEvent => e.type === 'metrics').flatMap((m) => m.rows);
    expect(rows).toEqual([{ _step: 1, loss: 0.5 }, { _step: 2, loss: 0.25 }]);
    expect(agent.stderr()).toMatch(/skipped stdout metric line \(nested deeper than 32 levels\)/);
    expect(agent.proc.exitCode).toBeNull();
  }, 90_000);
});
