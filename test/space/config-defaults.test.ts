import { expect, test } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { defaultOutsideSpace } from '../../src/space/config-in-space.js';
import { withDefaults } from '../../src/space/config-defaults.js';
import { priorObservations, runsOfVersion } from '../../src/search/prior-runs.js';
import type { RunRecord } from '../../src/run-record.js';

const space = parseSweepConfig(`
method: random
parameters:
  lr: {min: 0.001, max: 0.1}
  optimizer: {values: [adam, sgd], default: adam}
  momentum: {values: [0.0, 0.9], default: 0.9, when: {optimizer: sgd}}
  beta: {values: [0.9, 0.99], default: 0.99, when: {optimizer: adam}}
  net:
    parameters:
      width: {values: [64, 128], default: 64}
`, { file: 't.yaml' }).parameters;

test('withDefaults fills the active parameters a config lacks, nested ones included; present values stay', () => {
  expect(withDefaults(space, { lr: 0.01 })).toEqual({ lr: 0.01, optimizer: 'adam', beta: 0.99, net: { width: 64 } });
  // sgd: momentum is active, beta is not
  expect(withDefaults(space, { lr: 0.01, optimizer: 'sgd', net: { width: 128 } })).toEqual({ lr: 0.01, optimizer: 'sgd', momentum: 0.9, net: { width: 128 } });
  const full = { lr: 0.01, optimizer: 'adam', beta: 0.9, net: { width: 128 } };
  expect(withDefaults(space, full)).toBe(full);
});

test('runsOfVersion: runs of the current version pass as they are; earlier ones are filled or left out', () => {
  const run = (id: string, config: RunRecord['config']): RunRecord => ({ id, state: 'finished', config, history: [] });
  const current = run('c', { lr: 5 }); // e.g. an enqueued config forced outside the space
  const filled = run('f', { lr: 0.01 });
  const outside = run('o', { lr: 0.5 });
  const removed = run('r', { lr: 0.01, dropout: 0.1 });
  const read = runsOfVersion(space, [{ record: current, version: 2 }, { record: filled, version: 1 }, { record: outside, version: 1 }, { record: removed, version: 1 }], 2);
  expect(read.map((r) => r.id)).toEqual(['c', 'f']);
  expect(read[0]).toBe(current);
  expect(read[1]!.config).toEqual({ lr: 0.01, optimizer: 'adam', beta: 0.99, net: { width: 64 } });
  expect(filled.config).toEqual({ lr: 0.01 }); // the stored record is never changed
  expect(priorObservations(space, [filled, { ...filled, id: 'p', state: 'pending' }]).map((r) => r.id)).toEqual(['f']);
});

test('defaultOutsideSpace names the first default outside its parameter', () => {
  expect(defaultOutsideSpace(space)).toBeUndefined();
  const bad = parseSweepConfig('method: random\nparameters:\n  lr: {min: 0.001, max: 0.1, default: 0.5}\n', { file: 't.yaml' }).parameters;
  expect(defaultOutsideSpace(bad)).toBe('parameter lr: default 0.5 must be from 0.001 to 0.1');
});

test('runsOfVersion reads each earlier config once per space, yet always the run state of now', () => {
  const record: RunRecord = { id: 'a', state: 'running', config: { lr: 0.01 }, history: [] };
  const first = runsOfVersion(space, [{ record, version: 1 }], 2);
  expect(first[0]).toMatchObject({ state: 'running', config: { optimizer: 'adam' } });
  record.state = 'finished';
  record.history.push({ _step: 0, loss: 1 });
  expect(runsOfVersion(space, [{ record, version: 1 }], 2)[0]).toMatchObject({ state: 'finished', history: [{ _step: 0, loss: 1 }] });
  // a new version is a new space object: the earlier config is read again under it
  const narrowed = parseSweepConfig('method: random\nparameters:\n  lr: {min: 0.05, max: 0.1}\n', { file: 't.yaml' }).parameters;
  expect(runsOfVersion(narrowed, [{ record, version: 1 }], 3)).toEqual([]);
});
