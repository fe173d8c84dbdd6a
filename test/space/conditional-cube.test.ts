import { describe, expect, it } from 'vitest';
import type { ParameterSpace } from '../../src/config/types.js';
import { conditionalCube } from '../../src/space/conditional-cube.js';

const space: ParameterSpace = {
  optimizer: { distribution: 'categorical', values: ['sgd', 'adam'] },
  momentum: { distribution: 'uniform', min: 0, max: 1, when: { optimizer: ['sgd'] } },
  beta: { distribution: 'categorical', values: [0.9, 0.99], when: { optimizer: ['adam'] } },
  lr: { distribution: 'uniform', min: 0, max: 1 },
};

describe('conditionalCube', () => {
  const cube = conditionalCube(space);

  it('decodes to the active parameters only; encode(decode(u)) fixes inactive coordinates', () => {
    // coordinates: optimizer one-hot (0, 1), momentum (2), beta one-hot (3, 4), lr (5)
    expect(cube.dims).toBe(6);
    const sgd = cube.decode([0.9, 0.1, 0.25, 0.3, 0.8, 0.5]);
    expect(sgd).toEqual({ optimizer: 'sgd', momentum: 0.25, lr: 0.5 });
    expect(Array.from(cube.encode(sgd))).toEqual([1, 0, 0.25, 0, 0, 0.5]);
    const adam = cube.decode([0.1, 0.9, 0.25, 0.3, 0.8, 0.5]);
    expect(adam).toEqual({ optimizer: 'adam', beta: 0.99, lr: 0.5 });
    expect(Array.from(cube.encode(adam))).toEqual([0, 1, 0.5, 0, 1, 0.5]);
  });

  it('two points of one branch that differ only in an inactive coordinate are the same config', () => {
    expect(cube.decode([0.1, 0.9, 0.0, 1, 0, 0.5])).toEqual(cube.decode([0.1, 0.9, 0.77, 1, 0, 0.5]));
    expect(cube.encode({ optimizer: 'adam', beta: 0.9, lr: 0.5, momentum: 0.3 })).toEqual(cube.encode({ optimizer: 'adam', beta: 0.9, lr: 0.5 }));
  });

  it('activeSlots: the slots an optimizer may move at a point', () => {
    expect(cube.activeSlots([1, 0, 0.5, 0, 0, 0.5]).map((s) => s.path.join('.'))).toEqual(['optimizer', 'momentum', 'lr']);
    expect(cube.activeSlots([0, 1, 0.5, 0, 0, 0.5]).map((s) => s.path.join('.'))).toEqual(['optimizer', 'beta', 'lr']);
    const flat = conditionalCube({ x: { distribution: 'uniform', min: 0, max: 1 } });
    expect(flat.activeSlots([0.5])).toBe(flat.slots);
  });
});
