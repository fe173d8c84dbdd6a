/** The environment a training script starts with: the agent's, the slot's, and hypersweep's own variables. */
import { delimiter } from 'node:path';
import { join } from 'node:path';
import type { RunJob } from '../src/queue/run-job.js';
import { packageRoot } from '../src/package-root.js';
import type { AttemptFiles } from './attempt-files.js';
import type { Slot } from './gpu-slots.js';

export function attemptEnv(agentEnv: NodeJS.ProcessEnv, slot: Slot, job: RunJob, files: AttemptFiles): NodeJS.ProcessEnv {
  return {
    ...agentEnv,
    ...slot.env,
    PYTHONUNBUFFERED: agentEnv.PYTHONUNBUFFERED ?? '1',
    // `import hypersweep` works in any script, wherever hypersweep is installed.
    PYTHONPATH: [join(packageRoot, 'python'), agentEnv.PYTHONPATH].filter(Boolean).join(delimiter),
    HYPERSWEEP_SWEEP_ID: job.sweepId,
    HYPERSWEEP_RUN_ID: job.runId,
    HYPERSWEEP_ATTEMPT: String(job.attempt),
    HYPERSWEEP_PARAMS_FILE: files.paramsFile,
    HYPERSWEEP_METRICS_FILE: files.metricsFile,
  };
}
