/**
 * Issue 13: a sweep file is read within bounds whatever it holds. Each case here blocked or
 * crashed the server before (alias bomb > 30 s, alias chain → a throw and a 500, NaN reaching
 * scripts, `__proto__` silently dropped).
 */
import { describe, expect, it } from 'vitest';
import { checkSweepConfig } from '../../src/config/parse-sweep-config.js';
import { MAX_ALIAS_EXPANSIONS, MAX_NESTING_DEPTH, MAX_PARAMETERS, MAX_SWEEP_FILE_BYTES } from '../../src/config/sweep-file-limits.js';
import { aliasBombSweep, aliasChainValuesSweep } from '../helpers/hostile-inputs.js';

/** Checks a sweep file, asserting it neither throws nor takes long (3 s: generous for a loaded 2-core box; the alias bomb took over 30 s before). */
function timedCheck(text: string): ReturnType<typeof checkSweepConfig> {
  const t0 = performance.now();
  const result = checkSweepConfig(text);
  expect(performance.now() - t0).toBeLessThan(3000);
  return result;
}

describe('alias and merge-key expansion is budgeted', () => {
  it('refuses a 1 KB alias bomb through nested parameters, naming the line and the rule', () => {
    const text = aliasBombSweep();
    expect(text.length).toBeLessThan(1200);
    const { config, errors } = timedCheck(text);
    expect(config).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^too many alias expansions/);
    expect(errors[0]!.line).toBeGreaterThan(2);
    expect(errors[0]!.column).toBeGreaterThan(1);
  });

  it('refuses a values: *list alias chain of ~500 bytes with issues, never a throw', () => {
    const text = aliasChainValuesSweep();
    expect(text.length).toBeLessThan(600);
    const { errors } = timedCheck(text);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(new RegExp(`too many alias expansions.*${MAX_ALIAS_EXPANSIONS}`))]);
  });

  it('still reads a short alias chain (past the yaml library\'s own alias count)', () => {
    const { config, errors } = timedCheck(aliasChainValuesSweep(5));
    expect(errors).toEqual([]);
    const p = config!.parameters['p'];
    expect(p?.distribution).toBe('categorical');
    expect((p as { values: unknown[] }).values).toHaveLength(3);
    expect(JSON.stringify(p).match(/1,2,3/g)).toHaveLength(243);
  });

  it('refuses an alias that refers to its own container', () => {
    const { errors } = timedCheck('method: random\nparameters: &p\n  x: {value: *p}\n');
    expect(errors[0]!.message).toMatch(/cycle/);
    expect(errors[0]).toMatchObject({ line: 3, column: 14 });
  });
});

describe('size, depth and parameter count are bounded', () => {
  it('refuses a file larger than MAX_SWEEP_FILE_BYTES before parsing it', () => {
    const text = `method: random\nparameters:\n  x: {value: "${'a'.repeat(MAX_SWEEP_FILE_BYTES)}"}\n`;
    const { errors } = timedCheck(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(`the most hypersweep reads is ${MAX_SWEEP_FILE_BYTES}`);
  });

  it('refuses nesting deeper than MAX_NESTING_DEPTH, block or flow', () => {
    const flow = `method: random\nparameters:\n  x: {value: ${'['.repeat(MAX_NESTING_DEPTH + 5)}${']'.repeat(MAX_NESTING_DEPTH + 5)}}\n`;
    expect(timedCheck(flow).errors[0]!.message).toMatch(/nested too deeply/);
    let nested = 'method: random\nparameters:\n';
    for (let i = 0; i < MAX_NESTING_DEPTH; i++) nested += `${'  '.repeat(2 * i + 1)}n${i}:\n${'  '.repeat(2 * i + 2)}parameters:\n`;
    nested += `${'  '.repeat(2 * MAX_NESTING_DEPTH + 1)}x: {value: 1}\n`;
    const { errors } = timedCheck(nested);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/nested too deeply/);
  });

  it('refuses more than MAX_PARAMETERS parameters, nested ones included', () => {
    const params = Array.from({ length: MAX_PARAMETERS }, (_, i) => `  p${i}: {value: ${i}}`);
    expect(timedCheck(`method: random\nparameters:\n${params.join('\n')}\n`).errors).toEqual([]);
    const over = `method: random\nparameters:\n${params.join('\n')}\n  last: {parameters: {x: {value: 1}}}\n`;
    const { errors } = timedCheck(over);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: MAX_PARAMETERS + 3, message: expect.stringMatching(/too many parameters/) });
  });
});

describe('names and values', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('a parameter named %s is an error at its line', (name) => {
    const { config, errors } = timedCheck(`method: random\nparameters:\n  lr: {value: 1}\n  ${name}: {value: 2}\n`);
    expect(config).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ line: 4, column: 3, path: `parameters.${name}`, message: expect.stringContaining(`cannot be named "${name}"`) })]);
  });

  it('a __proto__ key inside a value is an error too', () => {
    const { errors } = timedCheck('method: random\nparameters:\n  x: {value: {a: 1, __proto__: {polluted: 1}}}\n');
    expect(errors).toEqual([expect.objectContaining({ line: 3, path: 'parameters.x.value.__proto__' })]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['.nan', 'values: [1, .nan]', 3, 19],
    ['.inf', 'value: .inf', 3, 14],
    ['-.Inf', 'value: [1, {a: -.Inf}]', 3, 22],
  ])('%s in a value is an error naming the line', (what, body, line, column) => {
    const { config, errors } = timedCheck(`method: random\nparameters:\n  x: {${body}}\n`);
    expect(config).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ line, column, message: expect.stringMatching(new RegExp(`^${what.replace('.', '\\.')} is not a finite number`)) })]);
  });
});

describe('flow nesting is measured before parsing', () => {
  it('refuses 30,000 levels of [ at once, pointing at the level past the limit', () => {
    const text = `method: random\nparameters:\n  x: {value: ${'['.repeat(30_000)}${']'.repeat(30_000)}}\n`;
    const t0 = performance.now();
    const { errors } = checkSweepConfig(text);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(errors).toEqual([expect.objectContaining({ line: 3, column: 13 + MAX_NESTING_DEPTH, message: expect.stringMatching(/^nested too deeply/) })]);
  });

  it('does not count brackets inside quotes or comments', () => {
    const deep = '['.repeat(MAX_NESTING_DEPTH + 1);
    const { errors } = checkSweepConfig(`method: random # ${deep}\nparameters:\n  x: {value: "${deep}"}\n  y: {value: '${deep}'}\n`);
    expect(errors).toEqual([]);
  });
});
