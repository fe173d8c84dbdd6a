import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { configArgs, configYaml, flattenConfig, fmtNum, searchedParameters } from '../../web/format.js';

const XSS = '<img src=x onerror=alert(1)>';
const config = { lr: 0.001, opt: { name: 'adam', betas: { b2: 0.999 } }, layers: [64, 32], flag: true, none: null, tricky: "it's: yes", mode: 'on' };

describe('configYaml', () => {
  it('round-trips through a YAML parser, nested maps and awkward strings included', () => {
    expect(parse(configYaml(config))).toEqual(config);
    expect(parse(configYaml({ name: XSS, 'odd key': 'true' }))).toEqual({ name: XSS, 'odd key': 'true' });
  });

  it('writes nested parameters as nested maps', () => {
    expect(configYaml({ opt: { name: 'adam', lr: 0.01 } })).toBe('opt:\n  name: adam\n  lr: 0.01');
  });
});

describe('configArgs', () => {
  it('dots nested names and writes values as the agent ${args} macro does', () => {
    expect(configArgs({ lr: 0.01, opt: { name: 'adam' }, flag: false, none: null, layers: [1, 2] })).toBe("--lr=0.01 --opt.name=adam --flag=False --none=None '--layers=[1,2]'");
  });

  it('shell-quotes what a shell would split or expand', () => {
    expect(configArgs({ s: "it's a $HOME" })).toBe(`'--s=it'\\''s a $HOME'`);
    expect(configArgs({ s: XSS })).toBe(`'--s=${XSS}'`);
  });
});

describe('searchedParameters', () => {
  it('lists non-constant parameters, dotted, with their axis kind', () => {
    const sweep = parseSweepConfig(
      `method: random
metric: {name: loss}
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  epochs: {value: 10}
  opt:
    parameters:
      name: {values: [adam, sgd]}
      momentum: {min: 0.0, max: 0.9}
`,
      { file: 'test.yaml' },
    );
    expect(searchedParameters(sweep.parameters as unknown as Record<string, unknown>)).toEqual([
      { name: 'lr', kind: 'number', log: true },
      { name: 'opt.name', kind: 'category', log: false, values: ['adam', 'sgd'] },
      { name: 'opt.momentum', kind: 'number', log: false },
    ]);
  });
});

describe('small helpers', () => {
  it('flattens configs and formats numbers for people', () => {
    expect(flattenConfig(config)).toMatchObject({ 'opt.name': 'adam', 'opt.betas.b2': 0.999, layers: [64, 32] });
    expect([fmtNum(null), fmtNum(3), fmtNum(0.123456), fmtNum(1e-5), fmtNum(1234567.8)]).toEqual(['—', '3', '0.1235', '1.00e-5', '1.23e+6']);
  });
});
