/** A benchmark objective: a sweep (W&B parameters) with a known minimum. */
import type { Config, ParameterSpace, SweepConfig } from '../../src/config/types.js';

export interface TestFunction {
  name: string;
  parameters: ParameterSpace;
  /** The value to minimize at a config. */
  evaluate(config: Config): number;
  /** The known global minimum. */
  minimum: number;
  /** Sequential runs per seed. */
  budget: number;
}

/** The sweep a test function is searched with. */
export function sweepOf(fn: TestFunction, method: SweepConfig['method']): SweepConfig {
  return {
    method,
    parameters: fn.parameters,
    metric: { name: 'loss', goal: 'minimize', summary: 'best' },
    execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
    extra: {},
  };
}

/** `x1 … xd`, each uniform on [min, max]. */
export function boxSpace(dims: number, min: number, max: number): ParameterSpace {
  const space: ParameterSpace = {};
  for (let i = 1; i <= dims; i++) space[`x${i}`] = { distribution: 'uniform', min, max };
  return space;
}

/** The config's `x1 … xd` as an array. */
export function vectorOf(config: Config, dims: number): number[] {
  return Array.from({ length: dims }, (_, i) => config[`x${i + 1}`] as number);
}
