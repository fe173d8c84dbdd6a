import { describe, expect, it } from 'vitest';
import type { HyperbandSpec } from '../../src/config/types.js';
import type { RunRecord } from '../../src/run-record.js';
import { hyperbandBrackets, hyperbandStop } from '../../src/stopping/hyperband.js';
import { ids, run, sweep } from './fixtures.js';

const hb = (spec: Partial<HyperbandSpec>): HyperbandSpec => ({ type: 'hyperband', eta: 3, strict: true, ...spec });

describe('hyperbandBrackets', () => {
  it.each([
    [{ max_iter: 27, s: 2, eta: 3 }, [3, 9]], // W&B docs' example, ascending
    [{ max_iter: 81, s: 3, eta: 3 }, [3, 9, 27]],
    [{ max_iter: 18, s: 2, eta: 3 }, [2, 6]],
    [{ max_iter: 27, s: 5, eta: 3 }, [1, 3, 9]], // brackets below 1 are dropped: s is an upper bound
    [{ max_iter: 10, s: 3, eta: 3 }, [1, 3]], // 3.33 -> 3, 1.11 -> 1, 0.37 dropped
    [{ max_iter: 5, s: 2, eta: 2 }, [1, 2]],
    [{ max_iter: 100, s: 3, eta: 2 }, [12, 25, 50]],
    [{ min_iter: 1, max_iter: 27, s: 2, eta: 3 }, [3, 9]], // max_iter wins, as in W&B's code
    [{ max_iter: 27, eta: 3 }, []], // max_iter without s and no min_iter: no brackets
    [{ eta: 3 }, []],
    [{ min_iter: 3, eta: 1 }, []],
  ])('%j -> %j', (spec, expected) => {
    expect(hyperbandBrackets(spec)).toEqual(expected);
  });

  it('builds 100 brackets from min_iter, min_iter·eta^k truncated (W&B code, not the 4 of the docs)', () => {
    const brackets = hyperbandBrackets({ min_iter: 3, eta: 3 });
    expect(brackets.slice(0, 5)).toEqual([3, 9, 27, 81, 243]);
    expect(brackets).toHaveLength(100);
  });

  it('truncates fractional brackets and drops the duplicates that truncation makes', () => {
    expect(hyperbandBrackets({ min_iter: 2, eta: 2.5 }).slice(0, 5)).toEqual([2, 5, 12, 31, 78]);
    const small = hyperbandBrackets({ min_iter: 1, eta: 1.5 });
    expect(small.slice(0, 7)).toEqual([1, 2, 3, 5, 7, 11, 17]);
    expect(small).toHaveLength(99); // 1 and trunc(1.5) = 1 collapse
  });

  it('falls back to min_iter when max_iter comes without s', () => {
    expect(hyperbandBrackets({ max_iter: 27, min_iter: 2, eta: 2 }).slice(0, 3)).toEqual([2, 4, 8]);
  });

  it('drops brackets below 1 and never yields non-finite brackets', () => {
    expect(hyperbandBrackets({ min_iter: 0.5, eta: 3 }).slice(0, 3)).toEqual([1, 4, 13]);
    const huge = hyperbandBrackets({ min_iter: 1, eta: 1e4 });
    expect(huge.every(Number.isFinite)).toBe(true);
    expect(huge.length).toBeLessThan(100);
    expect([...huge].sort((a, b) => a - b)).toEqual(huge);
  });
});

describe('hyperbandStop', () => {
  // W&B's docstring example (max_iter 5, eta 2, s 2 -> brackets [1, 2]).
  const docstringRuns = (): RunRecord[] => [
    run('a', 'finished', [10, 9]),
    run('b', 'running', [10, 10]),
    run('c', 'running', [10, 8, 8]),
    run('d', 'running', [10, 7, 7]),
    run('e', 'finished', [10, 6, 6]),
  ];

  it("stops W&B's docstring example the way W&B's current code does", () => {
    // bracket 2 values [9, 10, 8, 7, 6] -> sorted [6, 7, 8, 9, 10], index floor(5/2) = 2 -> 8; c ties and survives.
    const decisions = hyperbandStop(sweep(hb({ max_iter: 5, s: 2, eta: 2 })), docstringRuns());
    expect(decisions).toEqual([{ runId: 'b', reason: 'bracket 2: loss 10 worse than threshold 8 (top 1/2 of 5 runs)' }]);
    const loose = hyperbandStop(sweep(hb({ max_iter: 5, s: 2, eta: 2, strict: false })), docstringRuns());
    expect(loose).toEqual([{ runId: 'b', reason: 'bracket 2: best loss 10 worse than threshold 8 (top 1/2 of 5 runs)' }]);
  });

  const eta3Runs = (sign: 1 | -1): RunRecord[] => [
    run('a', 'finished', [10, 9].map((v) => sign * v)),
    run('b', 'running', [10, 10].map((v) => sign * v)),
    run('c', 'running', [10, 8, 8, 3].map((v) => sign * v)),
    run('d', 'running', [10, 7, 7, 4].map((v) => sign * v)),
    run('e', 'running', [10, 6, 6, 6].map((v) => sign * v)),
  ];

  it('minimize: judges a run at the largest bracket it reached, by its value there', () => {
    // brackets [1, 3]; bracket 3 values [8, 7, 6] -> index floor(3/3) = 1 -> 7. c's later 3 does not count.
    const decisions = hyperbandStop(sweep(hb({ max_iter: 9, s: 2, eta: 3 })), eta3Runs(1));
    expect(decisions).toEqual([{ runId: 'c', reason: 'bracket 3: loss 8 worse than threshold 7 (top 1/3 of 3 runs)' }]);
  });

  it('maximize: the same runs mirrored give the same decision', () => {
    const decisions = hyperbandStop(sweep(hb({ max_iter: 9, s: 2, eta: 3 }), { goal: 'maximize' }), eta3Runs(-1));
    expect(decisions).toEqual([{ runId: 'c', reason: 'bracket 3: loss -8 worse than threshold -7 (top 1/3 of 3 runs)' }]);
  });

  it('min_iter brackets, minimize and maximize (W&B test_hyperband_min_iter_bands)', () => {
    const et = hb({ min_iter: 3, eta: 3 });
    const flat = run('flat', 'running', [10, 10, 10, 10]);
    const falling = run('falling', 'running', [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(hyperbandStop(sweep(et), [flat, falling])).toEqual([
      { runId: 'flat', reason: 'bracket 3: loss 10 worse than threshold 8 (top 1/3 of 2 runs)' },
    ]);
    const flatAcc = run('flat', 'running', [10, 10, 10, 10], 'accuracy');
    const rising = run('rising', 'running', [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], 'accuracy');
    expect(hyperbandStop(sweep(et, { name: 'accuracy', goal: 'maximize' }), [flatAcc, rising])).toEqual([
      { runId: 'flat', reason: 'bracket 3: accuracy 10 worse than threshold 12 (top 1/3 of 2 runs)' },
    ]);
  });

  describe('strict and non-strict', () => {
    const runs = (): RunRecord[] => [
      run('f1', 'finished', [5, 4, 1]),
      run('f2', 'finished', [5, 4, 2]),
      run('early', 'running', [0.5, 4, 3]),
      run('flat', 'running', [6, 6, 6]),
    ];
    // brackets [1, 3]; bracket 3 values [1, 2, 3, 6] -> index floor(4/3) = 1 -> 2.

    it('strict compares the value at the bracket', () => {
      expect(hyperbandStop(sweep(hb({ max_iter: 9, s: 2 })), runs())).toEqual([
        { runId: 'early', reason: 'bracket 3: loss 3 worse than threshold 2 (top 1/3 of 4 runs)' },
        { runId: 'flat', reason: 'bracket 3: loss 6 worse than threshold 2 (top 1/3 of 4 runs)' },
      ]);
    });

    it('non-strict compares the best value so far', () => {
      expect(hyperbandStop(sweep(hb({ max_iter: 9, s: 2, strict: false })), runs())).toEqual([
        { runId: 'flat', reason: 'bracket 3: best loss 6 worse than threshold 2 (top 1/3 of 4 runs)' },
      ]);
    });

    it('non-strict still builds thresholds from values at the bracket, not best-so-far (W&B code)', () => {
      const et = hb({ max_iter: 9, s: 2, strict: false });
      // bracket 3 values [9, 9, 5] -> 9; with best-so-far values [1, 1, 5] the threshold would be 1 and r stopped.
      const decisions = hyperbandStop(sweep(et), [run('f1', 'finished', [1, 9, 9]), run('f2', 'finished', [1, 9, 9]), run('r', 'running', [5, 5, 5])]);
      expect(decisions).toEqual([]);
    });
  });

  it('never judges a run before its first bracket, nor counts it toward thresholds', () => {
    const et = hb({ max_iter: 27, s: 2 }); // brackets [3, 9]
    const decisions = hyperbandStop(sweep(et), [
      run('f1', 'finished', [1, 1, 1]),
      run('f2', 'finished', [1, 1, 1]),
      run('young', 'running', [100, 100]),
      run('r', 'running', [2, 2, 2]),
    ]);
    expect(decisions).toEqual([{ runId: 'r', reason: 'bracket 3: loss 2 worse than threshold 1 (top 1/3 of 3 runs)' }]);
  });

  it('counts only finite reports: NaN, ±Infinity, non-numbers and rows without the metric are skipped; _step is ignored', () => {
    const et = hb({ max_iter: 27, s: 2 }); // brackets [3, 9]
    const noisy: RunRecord = {
      id: 'noisy',
      state: 'running',
      config: {},
      history: [
        { _step: 0, loss: Number.NaN },
        { _step: 1, other: 3 },
        { _step: 2, loss: 5 },
        { _step: 3, loss: Number.POSITIVE_INFINITY },
        { _step: 4, loss: null as unknown as number },
        { _step: 5, loss: 5 },
      ],
    };
    const steppy: RunRecord = { id: 'steppy', state: 'running', config: {}, history: [{ _step: 1000, loss: 50 }, { _step: 5000, loss: 50 }] };
    const decisions = hyperbandStop(sweep(et), [run('f1', 'finished', [1, 1, 1]), run('f2', 'finished', [1, 1, 1]), noisy, steppy]);
    expect(decisions).toEqual([]); // noisy has 2 reports, steppy 2: neither reached bracket 3
    noisy.history.push({ _step: 6, loss: 5 });
    expect(hyperbandStop(sweep(et), [run('f1', 'finished', [1, 1, 1]), run('f2', 'finished', [1, 1, 1]), noisy, steppy])).toEqual([
      { runId: 'noisy', reason: 'bracket 3: loss 5 worse than threshold 1 (top 1/3 of 3 runs)' },
    ]);
  });

  // W&B's hyperband reads `run.metric_history(name, filter_invalid=True)`, which keeps an entry
  // only when `is_number` holds: a finite numeric scalar and not a bool. A "NaN" string (how
  // W&B's JSON history spells NaN), a boolean, null or a missing metric is no report at all.
  it('skips "NaN" strings, booleans, null and missing metrics as W&B does: the same decisions as the history without them', () => {
    const et = hb({ max_iter: 27, s: 2 }); // brackets [3, 9]
    const junk = [{ loss: 'NaN' }, { loss: true }, { loss: false }, { loss: null }, { loss: 'Infinity' }, {}, { loss: '1' }];
    const withJunk = (values: number[]): RunRecord['history'] =>
      values.flatMap((loss, i) => [{ _step: 2 * i, ...junk[i % junk.length] } as unknown as RunRecord['history'][number], { _step: 2 * i + 1, loss }]);
    const clean = [run('f1', 'finished', [1, 1, 1]), run('f2', 'finished', [1, 1, 1]), run('slow', 'running', [4, 4, 4]), run('young', 'running', [9, 9])];
    const dirty = clean.map((r) => ({ ...r, history: withJunk(r.history.map((row) => row.loss!)) }));
    expect(dirty[2]!.history).toHaveLength(6);
    const expected = [{ runId: 'slow', reason: 'bracket 3: loss 4 worse than threshold 1 (top 1/3 of 3 runs)' }];
    expect(hyperbandStop(sweep(et), clean)).toEqual(expected);
    expect(hyperbandStop(sweep(et), dirty)).toEqual(expected);
  });

  it('counts finished, failed, stopped and crashed runs toward thresholds but never stops them', () => {
    const et = hb({ max_iter: 9, s: 1 }); // brackets [3]
    const decisions = hyperbandStop(sweep(et), [
      run('fin', 'finished', [1, 1, 1]),
      run('fail', 'failed', [1, 1, 1]),
      run('stop', 'stopped', [1, 1, 1]),
      run('crash', 'crashed', [50, 50, 50]),
      run('cancel', 'canceled', [50, 50, 50]),
      run('r', 'running', [2, 2, 2]),
    ]);
    // values [1, 1, 1, 50, 50, 2] -> sorted [1, 1, 1, 2, 50, 50], index 2 -> 1; alone r would tie with itself.
    expect(decisions).toEqual([{ runId: 'r', reason: 'bracket 3: loss 2 worse than threshold 1 (top 1/3 of 6 runs)' }]);
  });

  it('lets ties survive, minimize and maximize', () => {
    const et = hb({ max_iter: 9, s: 1 });
    const runs = [run('f', 'finished', [2, 2, 2]), run('tie', 'running', [2, 2, 2]), run('worse', 'running', [3, 3, 3])];
    expect(ids(hyperbandStop(sweep(et), runs))).toEqual(['worse']);
    const mirrored = [run('f', 'finished', [-2, -2, -2]), run('tie', 'running', [-2, -2, -2]), run('worse', 'running', [-3, -3, -3])];
    expect(ids(hyperbandStop(sweep(et, { goal: 'maximize' }), mirrored))).toEqual(['worse']);
  });

  it('formats numbers compactly, with enough digits to tell value and threshold apart', () => {
    const et = hb({ max_iter: 9, s: 1, eta: 2.5 });
    const decisions = hyperbandStop(sweep(et, { name: 'val_loss' }), [
      run('f', 'finished', [0.5, 0.5, 0.41231], 'val_loss'),
      run('r', 'running', [0.5, 0.5, 0.41234], 'val_loss'),
    ]);
    expect(decisions).toEqual([{ runId: 'r', reason: 'bracket 3: val_loss 0.41234 worse than threshold 0.41231 (top 1/2.5 of 2 runs)' }]);
  });

  it('decides nothing without a metric, without brackets, or for another rule', () => {
    const runs = docstringRuns();
    expect(hyperbandStop(sweep(hb({ max_iter: 5, s: 2, eta: 2 }), null), runs)).toEqual([]);
    expect(hyperbandStop(sweep(hb({})), runs)).toEqual([]);
    expect(hyperbandStop(sweep({ type: 'patience', patience: 1, min_delta: 0 }), runs)).toEqual([]);
  });
});
