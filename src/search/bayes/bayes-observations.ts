/**
 * What bayes learns from the runs, by state:
 * - finished, stopped: their score (runScore; stopped runs reported values, so they count);
 * - failed, crashed, or finished/stopped without any value of the metric: imputed with the worst
 *   score observed (the config is a bad place to go back to; the worst keeps the model's scale).
 *   A crashed run is final (a lost attempt with attempts left is queued again as `pending`);
 * - pending, running: not known yet — their configs become fantasies;
 * - canceled: nothing (it never trained), but its config is not proposed again.
 */
import type { MetricSpec } from '../../config/types.js';
import { runScore } from '../../metrics/run-score.js';
import type { RunRecord } from '../../run-record.js';
import type { UnitCube } from '../../space/unit-cube.js';

export interface Observations {
  /** Encoded points, row-major (n × dims), observed ones in run order. */
  x: Float64Array;
  /** Loss (lower is better: the score, negated when the goal is maximize), imputed included. */
  loss: Float64Array;
  n: number;
  /** Runs with a score of their own. */
  scored: number;
  /** Failed (or valueless) runs given the worst score. */
  imputed: number;
  /** Encoded configs of runs still going. */
  pending: Float64Array[];
}

/** The observations of `runs` under `metric` in the unit cube `cube`. */
export function collectObservations(runs: readonly RunRecord[], metric: MetricSpec, cube: UnitCube): Observations {
  const sign = metric.goal === 'maximize' ? -1 : 1;
  const rows: { point: Float64Array; loss: number | undefined }[] = [];
  const pending: Float64Array[] = [];
  let worst = -Infinity;
  for (const run of runs) {
    switch (run.state) {
      case 'finished':
      case 'stopped': {
        const score = runScore(run, metric);
        const loss = score === undefined ? undefined : sign * score;
        if (loss !== undefined) worst = Math.max(worst, loss);
        rows.push({ point: cube.encode(run.config), loss });
        break;
      }
      case 'failed':
      case 'crashed':
        rows.push({ point: cube.encode(run.config), loss: undefined });
        break;
      case 'pending':
      case 'running':
        pending.push(cube.encode(run.config));
        break;
      case 'canceled':
        break;
    }
  }
  const scored = rows.filter((r) => r.loss !== undefined).length;
  const kept = scored > 0 ? rows : [];
  const x = new Float64Array(kept.length * cube.dims);
  const loss = new Float64Array(kept.length);
  kept.forEach((r, i) => {
    x.set(r.point, i * cube.dims);
    loss[i] = r.loss ?? worst;
  });
  return { x, loss, n: kept.length, scored, imputed: kept.length - scored, pending };
}
