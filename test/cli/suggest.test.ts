import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readRunsFile } from '../../src/cli/read-runs-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hypersweep-suggest-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const gridFile = file(
  'grid.yaml',
  `method: grid
metric: { name: loss, goal: minimize }
parameters:
  lr: { values: [0.1, 3e6] }
  opt:
    parameters:
      layers: { min: 1, max: 2 }
`,
);
const randomFile = file('random.yaml', 'method: random\nparameters:\n  lr: { distribution: log_uniform_values, min: 0.0001, max: 0.1 }\n');

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const suggest = async (...args: string[]): Promise<unknown> => {
  await main(['node', 'hypersweep', 'suggest', ...args]);
  return out.length ? JSON.parse(out.join('\n')) : undefined;
};

describe('hypersweep suggest', () => {
  it('prints grid proposals as JSON, skipping points of the runs file (3000000 == 3e6)', async () => {
    const runs = file('runs.json', JSON.stringify([{ id: 'a', state: 'crashed', config: { lr: 0.1, opt: { layers: 1 } }, history: [] }, { config: { opt: { layers: 2 }, lr: 3000000 } }]));
    expect(await suggest(gridFile, '--runs', runs, '--count', '5')).toEqual([
      { config: { lr: 0.1, opt: { layers: 2 } }, reason: 'grid 2/4' },
      { config: { lr: 3e6, opt: { layers: 1 } }, reason: 'grid 3/4' },
    ]);
    expect(process.exitCode).toBeUndefined();
  });

  it('prints [] when the grid is used up', async () => {
    const all = [0.1, 3e6].flatMap((lr) => [1, 2].map((layers) => ({ config: { lr, opt: { layers } } })));
    expect(await suggest(gridFile, '--runs', file('all.json', JSON.stringify(all)))).toEqual([]);
  });

  it('says on stderr why there is nothing: exhausted (the grid is used up)', async () => {
    const all = [0.1, 3e6].flatMap((lr) => [1, 2].map((layers) => ({ config: { lr, opt: { layers } } })));
    expect(await suggest(gridFile, '--runs', file('all2.json', JSON.stringify(all)))).toEqual([]);
    expect(err).toEqual(['exhausted: grid: all 4 points are taken']);
    expect(process.exitCode).toBeUndefined();
  });

  it('is deterministic under --seed and varies with it', async () => {
    const a = await suggest(randomFile, '--count', '2', '--seed', '5');
    out = [];
    const b = await suggest(randomFile, '--count', '2', '--seed', '5');
    out = [];
    const c = await suggest(randomFile, '--count', '2', '--seed', '6');
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a).toHaveLength(2);
  });

  it('says clearly when the runs file is missing or malformed, and exits 1', async () => {
    await suggest(gridFile, '--runs', join(dir, 'nope.json'));
    expect(err.join('\n')).toMatch(/nope\.json: cannot read the runs file: no such file/);
    expect(process.exitCode).toBe(1);
    await suggest(gridFile, '--runs', file('bad.json', '{"not": "an array"}'));
    expect(err.join('\n')).toMatch(/bad\.json: expected a JSON array of run records/);
    expect(out).toEqual([]);
  });

  it('reports a bad sweep file through the config error', async () => {
    await suggest(join(dir, 'missing.yaml'));
    expect(err.join('\n')).toMatch(/missing\.yaml.*cannot read the sweep file/);
    expect(process.exitCode).toBe(1);
  });
});

describe('readRunsFile', () => {
  it('fills defaults and keeps given fields', () => {
    const path = file('ok.json', JSON.stringify([{ config: { a: 1 } }, { id: 'x', state: 'running', config: {}, history: [{ _step: 0, loss: 1 }], summary: { loss: 1 } }]));
    expect(readRunsFile(path)).toEqual([
      { id: 'run0', state: 'finished', config: { a: 1 }, history: [] },
      { id: 'x', state: 'running', config: {}, history: [{ _step: 0, loss: 1 }], summary: { loss: 1 } },
    ]);
  });

  it('skips metric entries that are not finite numbers ("NaN" strings, booleans, null), as W&B does; keeps the rest', () => {
    const path = file('nan.json', JSON.stringify([{ config: {}, history: [{ _step: 0, loss: 'NaN', acc: 0.5 }, { _step: 1, loss: true }, { loss: 2 }], summary: { loss: null, acc: 0.7 } }]));
    expect(readRunsFile(path)).toEqual([{ id: 'run0', state: 'finished', config: {}, history: [{ _step: 0, acc: 0.5 }, { _step: 1 }, { loss: 2 }], summary: { acc: 0.7 } }]);
  });

  it('suggests from such a file as from the file without those entries (bayes scores the finite values only)', async () => {
    const bayesFile = file('bayes.yaml', 'method: bayes\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n');
    const runs = [0.1, 0.4, 0.8].map((x, i) => ({ id: `r${i}`, config: { x }, history: [{ _step: 0, loss: (x - 0.3) ** 2 }] }));
    const dirty = runs.map((r) => ({ ...r, history: [{ _step: 0, loss: 'NaN' }, ...r.history, { _step: 1, loss: false }] }));
    const clean = await suggest(bayesFile, '--runs', file('clean-runs.json', JSON.stringify(runs)), '--seed', '3');
    out = [];
    expect(await suggest(bayesFile, '--runs', file('dirty-runs.json', JSON.stringify(dirty)), '--seed', '3')).toEqual(clean);
  });

  it.each([
    ['[1]', /run 0: expected an object/],
    ['[{"config": 3}]', /run 0: config must be an object/],
    ['[{"config": {}, "state": "done"}]', /run 0: state must be one of pending, running, finished/],
    ['[{"config": {}}, {"config": {}, "history": [{"_step": "1"}]}]', /run 1: history\[0\] must be an object of numbers/],
    ['[{"config": {}, "summary": []}]', /run 0: summary must be an object of numbers/],
    ['[{"config": {}, "id": 7}]', /run 0: id must be a string/],
    ['not json', /not valid JSON/],
  ])('refuses %s', (text, message) => {
    expect(() => readRunsFile(file('x.json', text))).toThrow(message);
  });
});
