/** web/shared/config-args.js: the one way a config becomes `${args}`, pasteable args and JSON. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { argsOf, configJson, configLeaves, formatValue, pastableArgs, shellQuote } from '../../web/shared/config-args.js';

describe('config-args', () => {
  it("formats values as W&B's Python agent prints them, a float as a float", () => {
    expect([formatValue('a b'), formatValue(true), formatValue(false), formatValue(null), formatValue(0.5), formatValue([1, 2]), formatValue({ a: 1 })]).toEqual(['a b', 'True', 'False', 'None', '0.5', '[1,2]', '{"a":1}']);
    expect([formatValue(1, true), formatValue(0, true), formatValue(-3, true), formatValue(2.5, true), formatValue(1e16, true), formatValue(1, false)]).toEqual(['1.0', '0.0', '-3.0', '2.5', '1e+16', '1']);
  });

  it('keeps an empty nested object as a leaf (the web copy used to drop it)', () => {
    expect(configLeaves({ a: {}, b: { c: { d: 1 } } })).toEqual([['a', {}, ['a']], ['b.c.d', 1, ['b', 'c', 'd']]]);
    expect(argsOf({ opt: {}, lr: 1 }, [['lr']])).toEqual(['--opt={}', '--lr=1.0']);
  });

  it('shell-quotes for pasting', () => {
    expect(shellQuote('--a=b')).toBe('--a=b');
    expect(pastableArgs({ s: "it's", l: [1, 2] })).toEqual([`'--s=it'\\''s'`, "'--l=[1,2]'"]);
  });

  it('writes JSON a Python reader takes as floats at the float paths, and only there', () => {
    const text = configJson({ lr: 1, n: 3, opt: { wd: 0, name: 'x' }, s: '\u0000float:1' }, [['lr'], ['opt', 'wd']]);
    expect(text).toBe('{"lr":1.0,"n":3,"opt":{"wd":0.0,"name":"x"},"s":"\\u0000float:1"}');
    const types = execFileSync('python3', ['-c', 'import json,sys; d=json.loads(sys.argv[1]); print(type(d["lr"]).__name__, type(d["n"]).__name__, type(d["opt"]["wd"]).__name__)', text], { encoding: 'utf8' });
    expect(types.trim()).toBe('float int float');
  });
});
