/**
 * W&B Launch's `scheduler:` block, as `wandb launch-sweep` reads it (wandb/launch-jobs'
 * sweep_schedulers README and wandb's construct_scheduler_entrypoint: `job`, `resource`,
 * `resource_args`, `num_workers` — a whole number, also as a digit string, default 8 —,
 * `settings`, `docker_image`): accepted as given, answered with one warning that Launch
 * schedulers do not run here, never with errors about a missing `engine`.
 */
import { describe, expect, it } from 'vitest';
import { checkSweepConfig } from '../../src/config/parse-sweep-config.js';

// The shape of wandb/launch-jobs' example launch-sweep config.
const LAUNCH = `method: bayes
metric:
  name: val_accuracy
  goal: maximize
job: wandb/sweep-jobs/job-fashion-mnist-train:latest
scheduler:
  job: wandb/sweep-jobs/job-wandb-sweep-scheduler:latest
  resource: local-container
  resource_args: {env: [WANDB_BASE_URL]}
  num_workers: 8
  docker_image: wandb/sweep-scheduler:latest
  settings:
    verbose_logging: true
parameters:
  learning_rate: {min: 0.0001, max: 0.1}
`;

describe("W&B Launch's scheduler block", () => {
  it('is accepted as given with one warning that Launch schedulers do not run here', () => {
    const { config, errors, warnings } = checkSweepConfig(LAUNCH, { file: 'launch.yaml' });
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ line: 6, column: 1, path: 'scheduler' });
    expect(warnings[0]!.message).toMatch(/W&B Launch scheduler .* does not run here: the hypersweep controller proposes the runs and `hypersweep agent` runs them/);
    expect(config?.extra.scheduler).toEqual({
      job: 'wandb/sweep-jobs/job-wandb-sweep-scheduler:latest',
      resource: 'local-container',
      resource_args: { env: ['WANDB_BASE_URL'] },
      num_workers: 8,
      docker_image: 'wandb/sweep-scheduler:latest',
      settings: { verbose_logging: true },
    });
    expect(config?.extra.job).toBe('wandb/sweep-jobs/job-fashion-mnist-train:latest');
  });

  it('takes a scheduler with only num_workers, and num_workers as a digit string as W&B does', () => {
    for (const block of ['scheduler: {num_workers: 4}', "scheduler: {num_workers: '4', job: sched:latest}"]) {
      const { errors, warnings } = checkSweepConfig(`method: random\n${block}\nparameters:\n  x: {values: [1, 2]}\n`);
      expect(errors).toEqual([]);
      expect(warnings.map((w) => w.path)).toEqual(['scheduler']);
    }
  });

  it('names the key and the rule when the block is malformed, at its line', () => {
    const { errors } = checkSweepConfig(`method: random\nscheduler:\n  job: 3\n  num_workers: many\n  settings: [a]\n  num_worker: 2\nparameters:\n  x: {values: [1, 2]}\n`);
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual(['3:8 scheduler.job', '4:16 scheduler.num_workers', '5:13 scheduler.settings', '6:3 scheduler.num_worker']);
    expect(errors[1]!.message).toMatch(/num_workers must be a whole number, but got/);
    expect(errors[3]!.message).toMatch(/unknown key "num_worker" in a W&B Launch scheduler block.*did you mean "num_workers"/);
  });

  it('an engine block (optuna/ax/wandb) is still read as the engine schema says', () => {
    expect(checkSweepConfig(`method: random\nscheduler: {source: x.py}\nparameters:\n  x: {values: [1, 2]}\n`).errors[0]!.message).toMatch(/scheduler needs engine/);
  });
});
