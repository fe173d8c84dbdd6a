import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { HistoryRow } from '../../src/run-record.js';
import { LineSplitter, parseKatibLine, parseMetricJson } from '../../worker/metric-lines.js';
import { MetricStream } from '../../worker/metric-stream.js';
import { MetricsFileTail } from '../../worker/metrics-file-tail.js';
import { OutputTail } from '../../worker/output-tail.js';
import { parseNvidiaSmi } from '../../worker/gpu-slots.js';

describe('parseMetricJson', () => {
  test('a row: numbers kept, nested objects dotted, other values dropped', () => {
    expect(parseMetricJson('{"loss": 0.2, "_step": 3, "val": {"acc": 0.9}, "name": "x", "ok": true, "l": [1]}')).toEqual({ ok: true, record: { row: { loss: 0.2, _step: 3, 'val.acc': 0.9 } } });
  });
  test('a summary line', () => {
    expect(parseMetricJson('{"_summary": {"best": 0.1, "s": "x"}}')).toEqual({ ok: true, record: { summary: { best: 0.1 } } });
  });
  test('garbled lines are problems, not exceptions', () => {
    expect(parseMetricJson('{"loss": ').ok).toBe(false);
    expect(parseMetricJson('[1,2]')).toEqual({ ok: false, problem: 'not a JSON object' });
    expect(parseMetricJson('{"name": "x"}')).toEqual({ ok: false, problem: 'no numeric metric in the line' });
    expect(parseMetricJson('{"loss": 1, "_step": "3"}')).toMatchObject({ ok: false, problem: expect.stringContaining('_step must be a number') });
    expect(parseMetricJson('{"loss": NaN}').ok).toBe(false);
  });
});

describe('parseKatibLine', () => {
  test('name=value pairs; epoch N sets the step', () => {
    expect(parseKatibLine('epoch 3 loss=0.21 acc=0.9')).toEqual({ row: { loss: 0.21, acc: 0.9, _step: 3 } });
    expect(parseKatibLine('loss=2.5e-3')).toEqual({ row: { loss: 0.0025 } });
    expect(parseKatibLine('step: 7, val/loss = -1.5; _step=9')).toEqual({ row: { 'val/loss': -1.5, _step: 9 } });
  });
  test('lines without a numeric pair are not metrics', () => {
    expect(parseKatibLine('Downloading data=/tmp/x')).toBeUndefined();
    expect(parseKatibLine('epoch 3 done')).toBeUndefined();
    expect(parseKatibLine('a=1b')).toBeUndefined();
  });
});

test('LineSplitter: partial lines wait for their newline; CRLF; the last line at end', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push('ab');
  s.push('c\r\nde');
  expect(lines).toEqual(['abc']);
  s.push('f\ng');
  s.end();
  expect(lines).toEqual(['abc', 'def', 'g']);
});

test('MetricStream: steps for rows without _step, one batch per window, seq 1, 2, ...', async () => {
  const sent: Array<[number, HistoryRow[]]> = [];
  const m = new MetricStream({ batchMs: 30, send: async (seq, rows) => void sent.push([seq, rows]), onError: () => undefined });
  m.push({ row: { loss: 1 } });
  m.push({ row: { loss: 0.9, _step: 10 } });
  m.push({ summary: { best: 1 } });
  await new Promise((r) => setTimeout(r, 80));
  m.push({ row: { loss: 0.8 } });
  await m.flush();
  expect(sent).toEqual([
    [1, [{ _step: 0, loss: 1 }, { _step: 10, loss: 0.9 }]],
    [2, [{ _step: 2, loss: 0.8 }]],
  ]);
  expect(m.summary).toEqual({ best: 1 });
  expect(m.count).toBe(3);
});

test('MetricStream: a refused batch is reported and sent again with the same seq, before later batches (issue 12: retried, not dropped)', async () => {
  const seqs: number[] = [];
  const errors: unknown[] = [];
  let first = true;
  const m = new MetricStream({
    batchMs: 5,
    retryMs: 10,
    send: async (seq) => {
      if (first) {
        first = false;
        throw new Error('redis away');
      }
      seqs.push(seq);
    },
    onError: (e) => errors.push(e),
  });
  m.push({ row: { a: 1 } });
  await m.flush();
  m.push({ row: { a: 2 } });
  await m.flush();
  expect(errors).toHaveLength(1);
  expect(seqs).toEqual([1, 2]);
});

test('MetricStream: a batch refused every time is given up after `tries`, and later batches still go out', async () => {
  const seqs: number[] = [];
  let calls = 0;
  const m = new MetricStream({
    batchMs: 5,
    retryMs: 1,
    tries: 3,
    send: async (seq) => {
      calls++;
      if (seq === 1) throw new Error('refused');
      seqs.push(seq);
    },
    onError: () => undefined,
  });
  m.push({ row: { a: 1 } });
  await m.flush();
  m.push({ row: { a: 2 } });
  await m.flush();
  expect(calls).toBe(4);
  expect(seqs).toEqual([2]);
});

test('MetricsFileTail follows appends, buffers a partial line, reads the unterminated last line at stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-tail-'));
  const file = join(dir, 'm.jsonl');
  writeFileSync(file, '');
  const lines: string[] = [];
  const tail = new MetricsFileTail(file, (l) => lines.push(l), 20);
  tail.start();
  appendFileSync(file, '{"a":1}\n{"a":');
  await new Promise((r) => setTimeout(r, 100));
  expect(lines).toEqual(['{"a":1}']);
  appendFileSync(file, '2}\n{"a":3}');
  await tail.stop();
  expect(lines).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
  rmSync(dir, { recursive: true, force: true });
});

test('OutputTail keeps the last N bytes', () => {
  const t = new OutputTail(10);
  t.push('abcdef');
  t.push('ghijkl');
  expect(t.text()).toBe('cdefghijkl');
  t.push('x'.repeat(25));
  expect(t.text()).toBe('x'.repeat(10));
  expect(t.version).toBe(3);
});

describe('slots', () => {
  const smi = '0, GPU-aaa, NVIDIA A100-SXM4-40GB, 40960 MiB\n1, GPU-bbb, NVIDIA A100-SXM4-40GB, 40960 MiB\n\nNo devices were found\n';
  test('parseNvidiaSmi', () => {
    expect(parseNvidiaSmi(smi)).toEqual([
      { index: 0, uuid: 'GPU-aaa', name: 'NVIDIA A100-SXM4-40GB', memoryMiB: 40960 },
      { index: 1, uuid: 'GPU-bbb', name: 'NVIDIA A100-SXM4-40GB', memoryMiB: 40960 },
    ]);
  });
});

test('MetricStream: a full batch goes out without waiting for the window', async () => {
  const sent: number[] = [];
  const m = new MetricStream({ batchMs: 10_000, maxRows: 3, send: async (_seq, rows) => void sent.push(rows.length), onError: () => undefined });
  for (let i = 0; i < 7; i++) m.push({ row: { a: i } });
  await new Promise((r) => setTimeout(r, 20));
  expect(sent).toEqual([3, 3]);
  await m.flush();
  expect(sent).toEqual([3, 3, 1]);
});
