import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { register } from '../../src/cli/stop-check.js';

const dir = mkdtempSync(join(tmpdir(), 'hypersweep-stop-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const sweepFile = file(
  'sweep.yaml',
  `method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  lr:
    min: 0.0
    max: 1.0
early_terminate:
  type: hyperband
  max_iter: 9
  s: 1
`,
);

const rows = (values: number[]) => values.map((v, i) => ({ _step: i * 100, val_loss: v }));
const runsFile = file(
  'runs.json',
  JSON.stringify([
    { id: 'done', state: 'finished', config: { lr: 0.1 }, history: rows([1, 1, 1]) },
    { id: 'slow', state: 'running', config: { lr: 0.9 }, history: rows([2, 2, 2]) },
    { id: 'fast', state: 'running', config: { lr: 0.2 }, history: rows([1, 1, 1]) },
    { id: 'young', state: 'running', config: { lr: 0.5 }, history: rows([9]) },
  ]),
);

function captureStdout(): string[] {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  return out;
}

describe('hypersweep stop-check', () => {
  it('prints the runs to stop with their reasons, as JSON', async () => {
    const out = captureStdout();
    await main(['node', 'hypersweep', 'stop-check', sweepFile, '--runs', runsFile]);
    expect(JSON.parse(out.join('\n'))).toEqual([{ runId: 'slow', reason: 'bracket 3: val_loss 2 worse than threshold 1 (top 1/3 of 3 runs)' }]);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('skips history entries whose metric is not a finite number ("NaN" strings, booleans, missing), as W&B does, instead of refusing the file', async () => {
    const noisy = (values: number[]) => values.flatMap((v, i) => [{ _step: i * 100, val_loss: v }, { _step: i * 100 + 1, val_loss: ['NaN', true, null][i % 3] }, { _step: i * 100 + 2 }]);
    const dirty = file(
      'dirty.json',
      JSON.stringify([
        { id: 'done', state: 'finished', config: { lr: 0.1 }, history: noisy([1, 1, 1]), summary: { val_loss: 'NaN', other: false } },
        { id: 'slow', state: 'running', config: { lr: 0.9 }, history: noisy([2, 2, 2]) },
        { id: 'fast', state: 'running', config: { lr: 0.2 }, history: noisy([1, 1, 1]) },
        { id: 'young', state: 'running', config: { lr: 0.5 }, history: noisy([9]) },
      ]),
    );
    const out = captureStdout();
    await main(['node', 'hypersweep', 'stop-check', sweepFile, '--runs', dirty]);
    expect(JSON.parse(out.join('\n'))).toEqual([{ runId: 'slow', reason: 'bracket 3: val_loss 2 worse than threshold 1 (top 1/3 of 3 runs)' }]);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('prints [] for a sweep without early_terminate', async () => {
    const plain = file('plain.yaml', 'method: random\nmetric:\n  name: val_loss\nparameters:\n  lr:\n    min: 0.0\n    max: 1.0\n');
    const out = captureStdout();
    await main(['node', 'hypersweep', 'stop-check', plain, '--runs', runsFile]);
    expect(JSON.parse(out.join('\n'))).toEqual([]);
  });

  it('exits 1 with a message naming the file when the runs file is missing', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
    const out = captureStdout();
    await main(['node', 'hypersweep', 'stop-check', sweepFile, '--runs', join(dir, 'nope.json')]);
    expect(process.exitCode).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('nope.json');
  });

  it('requires --runs', () => {
    const program = new Command('hypersweep').exitOverride().configureOutput({ writeErr: () => {} });
    register(program);
    expect(() => program.parse(['node', 'hypersweep', 'stop-check', sweepFile])).toThrow(/--runs/);
  });
});
