/**
 * Fuzzing what an agent reads from a training script (issue 13): random bytes, random JSON,
 * deep nesting, Katib-like lines with long digit runs, and the pathological lines found while
 * attacking. The readers never throw, stay within a time bound, and return only finite numbers;
 * the line splitter gives back exactly the lines written, whatever the chunking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_METRIC_LINE_BYTES, parseKatibLine, parseMetricJson, type MetricRecord } from '../../worker/metric-lines.js';
import { deepJson, katibBacktrackLine } from '../helpers/hostile-inputs.js';
import { fuzzParams, fuzzTimeout } from './fuzz-profile.js';

const CASE_MS = 1000;

const deepLine = fc.tuple(fc.nat({ max: 30_000 }), fc.constantFrom('[', '{"a":'), fc.constantFrom(']', '}')).map(([n, open, close]) => `${open.repeat(n)}1${close.repeat(n)}`);
const katibLike = fc
  .array(fc.oneof(fc.constantFrom('k=', 'loss=', ' ', ',', ';', '=', '.', 'e', 'E', '-', '+', 'epoch ', 'step: ', '_step=', 'x'), fc.stringMatching(/^\d{1,2000}$/)), { maxLength: 60 })
  .map((parts) => parts.join(''));
const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 3000 }),
  fc.json({ maxDepth: 6 }),
  fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify({ m: v, _summary: v, _step: v })),
  deepLine,
  katibLike,
);

function finiteRecord(r: MetricRecord | undefined): void {
  for (const part of [r?.row, r?.summary]) for (const v of Object.values(part ?? {})) expect(Number.isFinite(v)).toBe(true);
}

describe('metric-line readers under fuzzing', () => {
  it('the pathological lines found while attacking are read at once', () => {
    for (const text of [deepJson(20_000), katibBacktrackLine(32_768), `k=${'9'.repeat(MAX_METRIC_LINE_BYTES)}`, '\u0000'.repeat(100_000)]) {
      const t0 = performance.now();
      expect(() => parseMetricJson(text)).not.toThrow();
      expect(() => parseKatibLine(text)).not.toThrow();
      expect(performance.now() - t0).toBeLessThan(CASE_MS);
    }
  });

  it(
    'never throw, take little time and report finite numbers only',
    () => {
      fc.assert(
        fc.property(line, (text) => {
          const t0 = performance.now();
          const json = parseMetricJson(text);
          const katib = parseKatibLine(text);
          expect(performance.now() - t0).toBeLessThan(CASE_MS);
          if (json.ok) finiteRecord(json.record);
          else expect(typeof json.problem).toBe('string');
          finiteRecord(katib);
        }),
        fuzzParams(1500),
      );
    },
    fuzzTimeout(1500, 20),
  );

  it(
    'the line splitter returns the lines written, however the stream is chunked',
    () => {
      fc.assert(
        fc.property(fc.array(fc.string({ maxLength: 200 }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 30 }), fc.array(fc.nat({ max: 50 }), { maxLength: 20 }), (lines, cuts) => {
          const text = lines.map((l) => `${l}\n`).join('');
          const got: string[] = [];
          const splitter = new LineSplitter((l) => got.push(l));
          let at = 0;
          for (const cut of cuts) {
            splitter.push(text.slice(at, at + cut));
            at += cut;
          }
          splitter.push(text.slice(at));
          splitter.end();
          expect(got).toEqual(lines);
        }),
        fuzzParams(500),
      );
    },
    fuzzTimeout(500, 5),
  );
});
