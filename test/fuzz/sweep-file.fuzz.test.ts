/**
 * Fuzzing the sweep-file reader (issue 13): random text, YAML built from hostile tokens
 * (anchors, aliases, merge keys, .nan, __proto__, deep brackets), random JSON documents and
 * mutations of the example sweep files. Every case returns a config or a list of issues
 * (never a throw), within a time bound; a config it returns is plain JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSweepConfig } from '../../src/config/parse-sweep-config.js';
import { RESERVED_KEYS } from '../../src/config/sweep-file-limits.js';
import type { ParameterSpace } from '../../src/config/types.js';
import { fuzzParams, fuzzTimeout } from './fuzz-profile.js';

const SWEEPS_DIR = join(import.meta.dirname, '../../sweeps');
const EXAMPLES = readdirSync(SWEEPS_DIR).filter((f) => /\.ya?ml$/.test(f)).map((f) => readFileSync(join(SWEEPS_DIR, f), 'utf8'));

/** Most time one case may take (generous: a loaded 2-core machine; the bounded reader needs a few ms). */
const CASE_MS = 2000;

const TOKENS = [
  'method: ', 'grid', 'random', 'bayes', 'parameters:', 'metric:', 'name: loss', 'goal: minimize', 'early_terminate:', 'type: hyperband',
  'min_iter: ', 'max_iter: ', 's: ', 'eta: ', 'values: ', 'value: ', 'min: ', 'max: ', 'q: ', 'distribution: ', 'int_uniform', 'q_uniform',
  'categorical', 'log_uniform_values', 'hypersweep:', 'run_timeout_sec: ', 'command:', 'run_cap: ', 'probabilities: ',
  '\n', '\n  ', '\n    ', '\n      ', '  ', '- ', ': ', ', ', '{', '}', '[', ']', '&a ', '&b ', '*a', '*b', '<<: ', '<<: *a', '? ',
  '.nan', '.inf', '-.inf', '__proto__', 'constructor', 'prototype', '0', '1', '-1', '1.5', '1e308', '1e-400', '0x1F', '0o7', '99999999999999999999',
  'x', 'y', 'lr', '"str"', "'q'", '"\\u0000"', '#c', '!!str ', '!!int ', '!!binary ', '|', '>', '~', 'null', 'true', 'yes', '%YAML 1.2\n', '---\n', '...\n', '\t', '\r\n',
];

const tokenYaml = fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }).map((t) => t.join(''));

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'duplicate'),
  len: fc.nat({ max: 40 }),
  token: fc.constantFrom(...TOKENS),
});
const mutatedExample = fc
  .tuple(fc.constantFrom(...EXAMPLES), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([text, mutations]) => {
    let s = text;
    for (const m of mutations) {
      const at = m.at % (s.length + 1);
      if (m.kind === 'insert') s = s.slice(0, at) + m.token + s.slice(at);
      else if (m.kind === 'delete') s = s.slice(0, at) + s.slice(at + m.len);
      else s = s.slice(0, at) + s.slice(at, at + m.len).repeat(3) + s.slice(at);
    }
    return s;
  });

const jsonDocument = fc
  .record({ method: fc.constantFrom('grid', 'random', 'bayes', 1, null), parameters: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...RESERVED_KEYS)), fc.jsonValue({ maxDepth: 4 })), extra: fc.jsonValue({ maxDepth: 3 }) })
  .map((doc) => JSON.stringify(doc));

const anyText = fc.oneof(
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }) },
  { weight: 3, arbitrary: tokenYaml },
  { weight: 3, arbitrary: mutatedExample },
  { weight: 1, arbitrary: jsonDocument },
);

function parameterNames(space: ParameterSpace): string[] {
  return Object.entries(space).flatMap(([name, spec]) => [name, ...(spec.distribution === 'nested' ? parameterNames(spec.parameters) : [])]);
}

describe('sweep-file reader under fuzzing', () => {
  it(
    'returns a config or a list of issues for any text, quickly, never throwing',
    () => {
      let slowest = 0;
      fc.assert(
        fc.property(anyText, fc.boolean(), (text, asJson) => {
          const t0 = performance.now();
          const result = checkSweepConfig(text, { file: asJson ? 'fuzz.json' : 'fuzz.yaml' });
          const ms = performance.now() - t0;
          slowest = Math.max(slowest, ms);
          expect(ms).toBeLessThan(CASE_MS);
          expect(Array.isArray(result.errors) && Array.isArray(result.warnings)).toBe(true);
          for (const issue of [...result.errors, ...result.warnings]) {
            expect(typeof issue.message).toBe('string');
            expect(typeof issue.path).toBe('string');
          }
          if (result.config) {
            expect(result.errors).toEqual([]);
            const json = JSON.stringify(result.config);
            expect(JSON.parse(json)).toEqual(result.config); // plain data: no NaN, no functions
            for (const name of parameterNames(result.config.parameters)) expect(RESERVED_KEYS).not.toContain(name);
          } else {
            expect(result.errors.length).toBeGreaterThan(0);
          }
        }),
        fuzzParams(400),
      );
      expect(slowest).toBeLessThan(CASE_MS);
    },
    fuzzTimeout(400, 50),
  );

  it('accepts every example sweep file unchanged (the mutations start from valid files)', () => {
    for (const text of EXAMPLES) expect(checkSweepConfig(text).errors).toEqual([]);
  });
});
