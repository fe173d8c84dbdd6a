/**
 * A sweep file after parsing, validation and normalisation: every default filled in, every
 * inferred distribution made explicit. This is what every other part of hypersweep reads.
 * The W&B sweep format is kept unchanged; hypersweep's extensions are marked "extension".
 */

/** A parameter value as it reaches a training script: JSON-like. */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** One assignment of values to all parameters; nested parameters are nested objects. */
export type Config = { [name: string]: ParamValue };

export const DISTRIBUTIONS = [
  'constant',
  'categorical',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/**
 * One parameter. Bounds keep W&B's meaning: `log_uniform` and `q_log_uniform` bounds are
 * exponents (natural log), `*_values` bounds are the values themselves.
 * Whether the YAML tokens were integers (`min: 0`, not `min: 0.0`) decides W&B's inference
 * (int_uniform vs uniform) at parse time.
 */
export type ParameterSpec = DistributionSpec & {
  /**
   * Extension: the parameter exists only when every named parameter (dotted path from the top
   * of the space) is active and has one of the listed values. Unset: always exists.
   */
  when?: WhenClause;
  /**
   * Extension: the value runs made before this parameter was added (`hypersweep update`) or in a
   * prior sweep without it ran with (Ax's `backfill_value`). Their configs are read with it filled
   * in when the search looks at them. Unset: such runs do not fit the space and are left out.
   */
  default?: ParamValue;
};

/** `when:` after parsing: a parameter's dotted path → the values that make the condition true. */
export type WhenClause = { [parameter: string]: ParamValue[] };

/** The distribution part of a parameter. */
export type DistributionSpec =
  | { distribution: 'constant'; value: ParamValue }
  | { distribution: 'categorical'; values: ParamValue[]; probabilities?: number[] }
  | { distribution: 'int_uniform'; min: number; max: number }
  | { distribution: 'uniform'; min: number; max: number }
  | { distribution: 'q_uniform'; min: number; max: number; q: number }
  | { distribution: 'log_uniform'; min: number; max: number }
  | { distribution: 'log_uniform_values'; min: number; max: number }
  | { distribution: 'q_log_uniform'; min: number; max: number; q: number }
  | { distribution: 'q_log_uniform_values'; min: number; max: number; q: number }
  | { distribution: 'inv_log_uniform'; min: number; max: number }
  | { distribution: 'inv_log_uniform_values'; min: number; max: number }
  | { distribution: 'normal'; mu: number; sigma: number }
  | { distribution: 'q_normal'; mu: number; sigma: number; q: number }
  | { distribution: 'log_normal'; mu: number; sigma: number }
  | { distribution: 'q_log_normal'; mu: number; sigma: number; q: number }
  | { distribution: 'beta'; a: number; b: number }
  | { distribution: 'q_beta'; a: number; b: number; q: number }
  /** `parameters:` inside a parameter; its value in a config is an object. */
  | { distribution: 'nested'; parameters: ParameterSpace };

/** Parameters by name, in the order the sweep file lists them. */
export type ParameterSpace = { [name: string]: ParameterSpec };

export type Goal = 'minimize' | 'maximize';

export interface MetricSpec {
  name: string;
  /** @defaultValue 'minimize' */
  goal: Goal;
  /** The sweep finishes once a run's score reaches this value (with `metrics:`, once one run reaches every target). */
  target?: number;
  /**
   * Extension: which value of a run's history is its score.
   * `best`: the best value over history and summary (W&B's optimizer semantics); `last`: the last.
   * @defaultValue 'best'
   */
  summary: 'best' | 'last';
  /**
   * W&B: the value bayes search gives a failed or crashed run — `worst`: the worst value any ended
   * run logged; `best` / `latest`: the run's own best / last value (search/bayes/bayes-observations.ts).
   * @defaultValue 'worst'
   */
  impute?: 'latest' | 'best' | 'worst';
  /**
   * W&B: bayes search treats running runs as observations (their best value so far, else this
   * imputation) instead of fantasies. `'false'` or unset: fantasies, W&B's default.
   */
  impute_while_running?: 'latest' | 'best' | 'worst' | 'false';
}

/** W&B's hyperband. Give min_iter, or max_iter with s. */
export interface HyperbandSpec {
  type: 'hyperband';
  min_iter?: number;
  max_iter?: number;
  s?: number;
  /** @defaultValue 3 */
  eta: number;
  /** Compare the value at the bracket (true) or the best value so far (false). @defaultValue true (as W&B's code) */
  strict: boolean;
}

/** Extension: stop a run whose score so far is worse than the median of other runs at the same step. */
export interface MedianStopSpec {
  type: 'median';
  /** Runs that must have reached a step before anyone is stopped at it. @defaultValue 5 */
  warmup_runs: number;
  /** Reports a run makes before it can be stopped. @defaultValue 3 */
  warmup_steps: number;
}

/** Extension: stop a run when its metric has not improved for `patience` reports. */
export interface PatienceStopSpec {
  type: 'patience';
  patience: number;
  /** The smallest change that counts as an improvement. @defaultValue 0 */
  min_delta: number;
}

export type EarlyTerminateSpec = HyperbandSpec | MedianStopSpec | PatienceStopSpec;

/** Extension block `hypersweep:` — execution settings W&B has no key for. */
export interface ExecutionSpec {
  /** Attempts a run gets when its agent is lost (crashed). @defaultValue 3 */
  max_attempts: number;
  /** Queue a failed run (non-zero exit) again, within max_attempts. @defaultValue false */
  retry_failed: boolean;
  /** Kill a run after this many seconds (it ends failed). Unset: no limit. */
  run_timeout_sec?: number;
  /** Also read Katib-style `name=value` metric lines from stdout. @defaultValue false */
  stdout_metrics: boolean;
  /** Seed of the search (random, bayes). Unset: derived from the sweep id. */
  seed?: number;
  /**
   * Which `wandb` a script imports under an agent. `auto`: the real package when the run's
   * interpreter can import it (its logs mirrored into hypersweep), else hypersweep's stand-in;
   * `standin`: always the stand-in. @defaultValue 'auto'
   */
  wandb?: 'auto' | 'standin';
  /**
   * GPUs each run gets: a whole number N (N distinct GPUs), or 1/k (k runs share one GPU).
   * Unset: 1, and an agent without GPU still runs on a CPU slot (worker/slot-plan.ts).
   */
  gpus_per_run?: number;
}

/**
 * A parameter (path from the top of the space) whose values W&B passes as floats: `values` lists
 * the integral numbers written as floats (`value: 1.0`, `values: [1.0, 2.5]` → [1]); without
 * `values`, every integral value it takes is a float (a q distribution whose q is written as a
 * float — on a grid's q_uniform, also min or max, as numpy's arange).
 */
export interface FloatMark {
  path: string[];
  values?: number[];
}

export interface SweepConfig {
  method: 'grid' | 'random' | 'bayes';
  /**
   * The metric runs are judged by. With `metrics:` (several objectives) this is the first of
   * them: what early termination, curves and single-metric views read.
   */
  metric?: MetricSpec;
  /**
   * W&B's `metrics:` (at least two): the objectives of a multi-objective sweep, in file order.
   * Unset for a single-metric sweep. The best of such a sweep is its Pareto set.
   */
  metrics?: MetricSpec[];
  parameters: ParameterSpace;
  /**
   * Where W&B hands scripts a float that a JSON number cannot show as one (`1.0` reads `1`):
   * parameters whose values were written as floats in the sweep file. Set at parse time from
   * the YAML tokens (space/float-paths.ts reads it, with the distributions that always give
   * floats); unset when there are none.
   */
  floats?: FloatMark[];
  early_terminate?: EarlyTerminateSpec;
  /** Most runs the sweep will create. */
  run_cap?: number;
  /** argv template with W&B macros; default `${env} ${interpreter} ${program} ${args}`. */
  command?: string[];
  program?: string;
  name?: string;
  description?: string;
  project?: string;
  entity?: string;
  execution: ExecutionSpec;
  /** Other keys W&B knows (e.g. `controller`, `job`, `image_uri`), kept as given. */
  extra: Record<string, unknown>;
}
