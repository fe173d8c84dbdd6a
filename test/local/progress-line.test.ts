import { expect, test } from 'vitest';
import { doneRuns, progressLine } from '../../src/local/progress-line.js';

const counts = { pending: 1, running: 2, finished: 7, failed: 1, crashed: 0, stopped: 2, canceled: 0 };

test('the bar counts every ended run against the total', () => {
  const line = progressLine({ state: 'running', counts, total: 24, best: { value: 0.21345 }, metricName: 'val_loss' }, { width: 12 });
  expect(doneRuns({ state: 'running', counts, total: 24, best: null, metricName: null })).toBe(10);
  expect(line).toBe('[#####-------] 10/24 runs · best val_loss 0.2135 · 2 running · 2 stopped · 1 failed');
});

test('open-ended sweeps and sweeps without a score yet say so', () => {
  const line = progressLine({ state: 'finished', counts: { finished: 3 }, total: null, best: null, metricName: 'loss' });
  expect(line).toBe('3 runs done · no score yet · 0 running · finished');
});

test('tiny and huge values stay readable', () => {
  expect(progressLine({ state: 'running', counts: {}, total: 1, best: { value: 1.23456e-7 }, metricName: 'm' })).toContain('best m 1.235e-7');
});
