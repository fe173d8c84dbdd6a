import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { CommandError, expandCommand, flattenConfig, formatHydraValue, type CommandContext } from '../../worker/command-macros.js';

const config = { lr: 0.001, epochs: 10, optimizer: { name: 'adam', beta: 0.9 }, layers: [64, 32], amp: true, ema: false, note: 'two words', tag: 'ünïcødé ✓', none: null };
const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ config, program: 'train.py', interpreter: 'python3', paramsFile: '/tmp/hs/params.json', env: { DATA: '/data', EMPTY: '' }, platform: 'linux', ...over });

describe('expandCommand', () => {
  test('default command is ${env} ${interpreter} ${program} ${args}, nested as dotted flags, lists as JSON', () => {
    expect(expandCommand(undefined, ctx())).toEqual([
      '/usr/bin/env', 'python3', 'train.py',
      '--lr=0.001', '--epochs=10', '--optimizer.name=adam', '--optimizer.beta=0.9', '--layers=[64,32]', '--amp=True', '--ema=False', '--note=two words', '--tag=ünïcødé ✓', '--none=None',
    ]);
  });

  test('${env} is dropped on Windows; an empty template means the default', () => {
    expect(expandCommand([], ctx({ platform: 'win32', config: { a: 1 } }))).toEqual(['python3', 'train.py', '--a=1']);
  });

  test('${args_no_hyphens}', () => {
    expect(expandCommand(['x', '${args_no_hyphens}'], ctx({ config: { a: 1, n: { b: 'c d' } } }))).toEqual(['x', 'a=1', 'n.b=c d']);
  });

  test('${args_no_boolean_flags}: true → bare flag, false → omitted', () => {
    expect(expandCommand(['x', '${args_no_boolean_flags}'], ctx({ config: { amp: true, ema: false, lr: 0.1 } }))).toEqual(['x', '--amp', '--lr=0.1']);
  });

  test('${args_no_equals}: flag and value as two elements, spaces kept in one', () => {
    expect(expandCommand(['x', '${args_no_equals}'], ctx({ config: { lr: 0.1, note: 'a b' } }))).toEqual(['x', '--lr', '0.1', '--note', 'a b']);
  });

  test('${args_json}: one argument, nesting kept', () => {
    const argv = expandCommand(['x', '${args_json}'], ctx());
    expect(argv).toHaveLength(2);
    expect(JSON.parse(argv[1]!)).toEqual(config);
  });

  test('${args_json_file} is the params file path, also inside an element', () => {
    expect(expandCommand(['x', '${args_json_file}', '--config=${args_json_file}'], ctx())).toEqual(['x', '/tmp/hs/params.json', '--config=/tmp/hs/params.json']);
  });

  test('hydra: ${args_append_hydra} +k=v, ${args_override_hydra} ++k=v, quoting what hydra would misread', () => {
    const c = { optimizer: { lr: 0.01 }, amp: true, name: 'resnet', note: 'a b', num: '5', none: null, sizes: [1, 2] };
    expect(expandCommand(['x', '${args_append_hydra}'], ctx({ config: c }))).toEqual(['x', '+optimizer.lr=0.01', '+amp=true', '+name=resnet', "+note='a b'", "+num='5'", '+none=null', '+sizes=[1,2]']);
    expect(expandCommand(['x', '${args_override_hydra}'], ctx({ config: { a: 1 } }))).toEqual(['x', '++a=1']);
    expect(formatHydraValue("it's")).toBe("'it\\'s'");
  });

  test('${envvar:NAME} inside an element; an empty value is a value', () => {
    expect(expandCommand(['x', '--data=${envvar:DATA}/train', '${envvar:EMPTY}'], ctx())).toEqual(['x', '--data=/data/train', '']);
  });

  test('an unset ${envvar:NAME} is an error naming it, not its name passed on', () => {
    expect(() => expandCommand(['x', '${envvar:NOPE_NOT_SET}'], ctx())).toThrow(CommandError);
    expect(() => expandCommand(['x', '${envvar:NOPE_NOT_SET}'], ctx())).toThrow(/unset environment variable NOPE_NOT_SET/);
  });

  test('${param} and ${a.b} inside elements', () => {
    expect(expandCommand(['x', '--lr=${lr}', '${optimizer.name}', 'ep${epochs}-${amp}', '--layers', '${layers}'], ctx())).toEqual(['x', '--lr=0.001', 'adam', 'ep10-True', '--layers', '[64,32]']);
  });

  test('a parameter whose name contains a dot is found by its own name first', () => {
    expect(expandCommand(['x', '${a.b}'], ctx({ config: { 'a.b': 1, a: { b: 2 } } }))).toEqual(['x', '1']);
  });

  test('unknown macro, list macro inside an element, missing program, empty command: errors', () => {
    expect(() => expandCommand(['x', '${nope}'], ctx())).toThrow(/unknown macro \$\{nope\}/);
    expect(() => expandCommand(['x', '--all=${args}'], ctx())).toThrow(/element of its own/);
    expect(() => expandCommand(undefined, ctx({ program: undefined }))).toThrow(/no program/);
    expect(() => expandCommand(['${envvar:EMPTY}'], ctx())).toThrow(/empty/);
  });

  test('a value containing ${...} is not expanded again', () => {
    expect(expandCommand(['x', '${s}'], ctx({ config: { s: '${lr}' } }))).toEqual(['x', '${lr}']);
  });

  test('flattenConfig keeps an empty object as a leaf', () => {
    expect(flattenConfig({ a: {}, b: { c: { d: 1 } } })).toEqual([['a', {}], ['b.c.d', 1]]);
  });
});

test('a real spawn receives every argv element intact (spaces, unicode, quotes, JSON)', () => {
  const argv = expandCommand(['${env}', 'python3', '-c', 'import json,sys; print(json.dumps(sys.argv[1:]))', '${args}', '${args_json}'], ctx({ config: { note: 'two  words', tag: 'ünï ✓', q: `it's "q"`, star: '*', n: { x: 1 } } }));
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', shell: false });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(['--note=two  words', '--tag=ünï ✓', `--q=it's "q"`, '--star=*', '--n.x=1', JSON.stringify({ note: 'two  words', tag: 'ünï ✓', q: `it's "q"`, star: '*', n: { x: 1 } })]);
});
