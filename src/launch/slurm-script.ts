/**
 * `hypersweep slurm`: an sbatch script that starts a sweep's agents as a Slurm job array. Pure.
 *
 * - One array task per agent (`--array=0-(N-1)`), each `hypersweep agent SWEEP` run as job step 0
 *   (srun), so `scancel --signal=TERM JOB_TASK` reaches it; the batch shell passes the signals
 *   sent to it (`--signal=B:...`, `scancel --batch`) on to that step.
 * - `--gres=gpu:G` (none when G is 0). Slurm sets CUDA_VISIBLE_DEVICES to the GPUs it granted; the
 *   agent uses exactly those (worker/slot-plan.ts).
 * - `--signal=B:TERM@S` with S = the agent's grace + a margin: near its time limit (or when
 *   `scancel --signal=TERM` asks) the agent stops its runs, reports them `preempted`, and
 *   the controller queues them again for another agent. `--requeue`: a task Slurm preempts or
 *   loses with its node is queued again instead of failing.
 * - The Redis URL is read from the environment the job inherits from `sbatch` (REDIS_URL, which
 *   may carry a password): it is never written into the script.
 */
import { checkSweepId, checkToken, launchError, shellQuote } from './launch-values.js';

export interface SlurmScriptOptions {
  sweepId: string;
  /** Agents in the array (array tasks). */
  jobs: number;
  /** GPUs per agent (`--gres=gpu:G`); 0 writes no gres line. @defaultValue 1 */
  gpusPerJob?: number;
  partition?: string;
  /** Time limit, in a form sbatch takes (`30`, `4:00:00`, `2-00:00:00`). */
  time?: string;
  account?: string;
  /** `--cpus-per-task`. */
  cpusPerJob?: number;
  /** `--mem` per agent, e.g. `32G`. */
  mem?: string;
  /** More `#SBATCH ...` lines, written as given after the generated ones. */
  extra?: string[];
  /** The agent's SIGTERM → SIGKILL grace for its runs (`--grace-sec`). @defaultValue 30 */
  graceSec?: number;
  /** Where each task's output goes (`%A` array job id, `%a` task). @defaultValue hypersweep-%A_%a.out */
  output?: string;
  /** The command that runs hypersweep on the compute nodes. @defaultValue hypersweep */
  hypersweep?: string;
  /** More arguments for `hypersweep agent` (e.g. `--slots 2`, `--lease-ms 30000`). */
  agentArgs?: string[];
}

/** Seconds between the agent's SIGTERM and the end of its time limit, beyond its grace. */
export const SIGNAL_MARGIN_SEC = 30;

const SLURM_VALUE = /^[A-Za-z0-9_.:,=+/@%-]+$/;

/** The `--signal` lead time for a grace: the runs' grace plus time to report and exit. */
export function signalLeadSec(graceSec: number): number {
  return Math.min(65_535, Math.ceil(graceSec) + SIGNAL_MARGIN_SEC);
}

export function slurmScript(o: SlurmScriptOptions): string {
  const sweepId = checkSweepId(o.sweepId);
  if (!Number.isInteger(o.jobs) || o.jobs < 1 || o.jobs > 100_000) throw launchError(`--jobs ${o.jobs}: expected a whole number from 1 to 100000`);
  const gpus = o.gpusPerJob ?? 1;
  if (!Number.isInteger(gpus) || gpus < 0 || gpus > 64) throw launchError(`--gpus-per-job ${gpus}: expected a whole number from 0 to 64`);
  const graceSec = o.graceSec ?? 30;
  if (!(graceSec >= 0 && graceSec <= 3600)) throw launchError(`--grace-sec ${graceSec}: expected seconds from 0 to 3600`);
  const lines = ['#!/bin/bash', `# hypersweep agents for sweep ${sweepId}: ${o.jobs} array task(s), written by \`hypersweep slurm\`.`, '# Submit with REDIS_URL in the environment (sbatch passes it on); it is not written here.'];
  const sbatch = (line: string) => lines.push(`#SBATCH ${line}`);
  sbatch(`--job-name=hypersweep-${sweepId}`);
  sbatch(`--array=0-${o.jobs - 1}`);
  sbatch('--ntasks=1');
  if (gpus > 0) sbatch(`--gres=gpu:${gpus}`);
  if (o.cpusPerJob !== undefined) {
    if (!Number.isInteger(o.cpusPerJob) || o.cpusPerJob < 1) throw launchError(`--cpus-per-job ${o.cpusPerJob}: expected a whole number >= 1`);
    sbatch(`--cpus-per-task=${o.cpusPerJob}`);
  }
  if (o.mem !== undefined) sbatch(`--mem=${checkToken('--mem', o.mem, /^\d+[KMGT]?$/i, 'a size like 16G or 16000 (MB)')}`);
  if (o.time !== undefined) sbatch(`--time=${checkToken('--time', o.time, /^(\d+-)?\d+(:\d+){0,2}$/, 'a time limit like 30, 4:00:00 or 2-00:00:00')}`);
  if (o.partition !== undefined) sbatch(`--partition=${checkToken('--partition', o.partition, SLURM_VALUE, 'a partition name')}`);
  if (o.account !== undefined) sbatch(`--account=${checkToken('--account', o.account, SLURM_VALUE, 'an account name')}`);
  sbatch(`--signal=B:TERM@${signalLeadSec(graceSec)}`);
  sbatch('--requeue');
  sbatch(`--output=${checkToken('--output', o.output ?? 'hypersweep-%A_%a.out', /^[A-Za-z0-9_.%/+@-]+$/, 'a file name pattern like logs/hypersweep-%A_%a.out')}`);
  for (const line of o.extra ?? []) {
    if (!/^#SBATCH [^\r\n]+$/.test(line)) throw launchError(`--extra ${JSON.stringify(line)}: expected one line starting "#SBATCH " (e.g. "#SBATCH --constraint=a100")`);
    lines.push(line);
  }
  const agentArgs = o.agentArgs ?? [];
  if (agentArgs.some((a) => /^--redis(=|$)/.test(a))) throw launchError('--agent-args may not carry --redis: the URL comes from REDIS_URL in the environment, never from the script');
  const hypersweep = (o.hypersweep ?? 'hypersweep').split(/\s+/).filter(Boolean);
  if (hypersweep.length === 0) throw launchError('--hypersweep: expected a command, e.g. hypersweep or "npx hypersweep"');
  const agent = [...hypersweep, 'agent', sweepId, '--grace-sec', String(graceSec), ...agentArgs].map(shellQuote).join(' ');
  lines.push(
    '',
    'set -uo pipefail',
    'if [ -z "${REDIS_URL:-}" ]; then echo "REDIS_URL is not set: export REDIS_URL=redis://:PASSWORD@host:6379 before sbatch (the agents read it from the environment)" >&2; exit 1; fi',
    'echo "hypersweep agent ${SLURM_ARRAY_JOB_ID:-?}_${SLURM_ARRAY_TASK_ID:-?} on $(hostname): CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-unset}" >&2',
    '# The agent runs as job step 0, so `scancel --signal=TERM JOB_TASK` reaches it. Slurm\'s warning',
    '# signal (--signal=B:TERM@...) and `scancel --batch --signal=TERM` reach this shell instead: it',
    '# passes them on to the step as one SIGTERM (the agent preempts its runs; a second would kill them).',
    '# A job being cancelled (plain scancel) refuses the forward: its step gets its own SIGTERM.',
    'agent=',
    'trap \'if [ -n "${SLURM_JOB_ID:-}" ]; then scancel --signal=TERM "$SLURM_JOB_ID.0" 2>/dev/null; elif [ -n "$agent" ]; then kill -TERM "$agent"; fi\' TERM',
    `srun --ntasks=1 ${agent} &`,
    'agent=$!',
    'while :; do',
    '  wait "$agent"; status=$?',
    '  kill -0 "$agent" 2>/dev/null || break',
    'done',
    'exit "$status"',
    '',
  );
  return lines.join('\n');
}

/** sbatch --parsable prints `jobid` or `jobid;cluster`. */
export function parseSbatchJobId(stdout: string): string | undefined {
  return /^(\d+)(;\S+)?\s*$/m.exec(stdout.trim())?.[1];
}
