import { expect, test } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { versionDiff } from '../../src/api/version-diff.js';

const parse = (yaml: string) => parseSweepConfig(yaml, { file: 't.yaml' });

test('versionDiff: parameters added, removed and changed by dotted name; settings that changed', () => {
  const before = parse(`
method: random
run_cap: 10
command: [python, train.py]
metric: {name: loss}
parameters:
  lr: {min: 0.001, max: 0.1}
  dropout: {values: [0.1, 0.2]}
  net:
    parameters:
      width: {values: [64, 128]}
`);
  const after = parse(`
method: random
run_cap: 20
metric: {name: loss}
early_terminate: {type: hyperband, min_iter: 3}
parameters:
  net:
    parameters:
      width: {values: [128, 64, 256]}
  lr: {max: 0.1, min: 0.001}
  batch: {values: [32, 64], default: 32}
`);
  const d = versionDiff(before, after);
  expect(d.parameters.added).toEqual([{ name: 'batch', to: { distribution: 'categorical', values: [32, 64], default: 32 } }]);
  expect(d.parameters.removed).toEqual([{ name: 'dropout', from: { distribution: 'categorical', values: [0.1, 0.2] } }]);
  expect(d.parameters.changed.map((c) => [c.name, c.from, c.to])).toEqual([
    ['net.width', { distribution: 'categorical', values: [64, 128] }, { distribution: 'categorical', values: [128, 64, 256] }],
  ]);
  expect(d.settings.map((s) => s.key).sort()).toEqual(['command', 'early_terminate', 'run_cap']);
  expect(d.settings.find((s) => s.key === 'run_cap')).toEqual({ key: 'run_cap', from: 10, to: 20 });
  expect(d.settings.find((s) => s.key === 'command')).toEqual({ key: 'command', from: ['python', 'train.py'] });
  expect(d.settings.find((s) => s.key === 'early_terminate')!.to).toMatchObject({ type: 'hyperband', min_iter: 3 });
  // the same file as JSON with another key order: nothing changed
  expect(versionDiff(before, parse(JSON.stringify({ method: 'random', run_cap: 10, command: ['python', 'train.py'], metric: { name: 'loss' }, parameters: { net: { parameters: { width: { values: [64, 128] } } }, dropout: { values: [0.1, 0.2] }, lr: { min: 0.001, max: 0.1 } } })))).toEqual({
    parameters: { added: [], removed: [], changed: [] },
    settings: [],
  });
});
