/**
 * W&B reads sweep files with PyYAML and hands scripts Python values: a float written `1.0` stays
 * a float (`--lr=1.0`, `lr: 1.0` in wandb.config). JSON numbers cannot say so, so the parser
 * marks where floats were written and floatPaths finds them in a run's config.
 */
import { describe, expect, it } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { floatPaths } from '../../src/space/float-paths.js';

const parse = (text: string) => parseSweepConfig(text, { file: 'f.yaml' });

describe('float marks at parse time', () => {
  it('marks constants and categorical values written as floats, and q distributions with a float q', () => {
    const config = parse(`method: random
parameters:
  lr: {value: 1.0}
  epochs: {value: 3}
  scale: {values: [1.0, 2, 2.5, 3.]}
  opt:
    parameters:
      wd: {value: 0.0}
  q1: {distribution: q_uniform, min: 0, max: 4, q: 1.0}
  q2: {distribution: q_uniform, min: 0.0, max: 4, q: 1}
  name: {value: adam}
`);
    expect(config.floats).toEqual([
      { path: ['lr'], values: [1] },
      { path: ['scale'], values: [1, 3] },
      { path: ['opt', 'wd'], values: [0] },
      { path: ['q1'] },
    ]);
    expect(parse('method: random\nparameters:\n  a: {value: 1}\n  b: {values: [1, 2]}\n').floats).toBeUndefined();
  });

  it("a grid's q_uniform is numpy's arange: floats when min, max or q is written as a float", () => {
    expect(parse('method: grid\nparameters:\n  q2: {distribution: q_uniform, min: 0.0, max: 4, q: 1}\n').floats).toEqual([{ path: ['q2'] }]);
    expect(parse('method: grid\nparameters:\n  q3: {distribution: q_uniform, min: 0, max: 4, q: 1}\n').floats).toBeUndefined();
  });
});

describe('floatPaths', () => {
  const config = parse(`method: random
parameters:
  lr: {value: 1.0}
  scale: {values: [1.0, 2, 2.5]}
  momentum: {min: 0.0, max: 0.9}
  layers: {min: 1, max: 4}
  q: {distribution: q_uniform, min: 0, max: 4, q: 0.5}
  opt: {parameters: {wd: {value: 0.0}, name: {value: adam}}}
`);

  it('lists the integral numbers W&B passes as floats: written so, or from a float distribution', () => {
    expect(floatPaths(config, { lr: 1, scale: 1, momentum: 0, layers: 2, q: 2, opt: { wd: 0, name: 'adam' } })).toEqual([['lr'], ['scale'], ['momentum'], ['q'], ['opt', 'wd']]);
  });

  it('leaves out integers written as integers, int_uniform values, and non-integral numbers (they print with a dot anyway)', () => {
    expect(floatPaths(config, { lr: 1, scale: 2, momentum: 0.45, layers: 2, q: 1.5, opt: { wd: 0, name: 'adam' } })).toEqual([['lr'], ['opt', 'wd']]);
  });
});
