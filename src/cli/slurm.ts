/** `hypersweep slurm SWEEP --jobs N`: an sbatch job-array script of N agents; `--submit` hands it to sbatch (src/launch/slurm-script.ts). */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { HypersweepError } from '../errors.js';
import { parseSbatchJobId, slurmScript } from '../launch/slurm-script.js';

function wholeNumber(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    return n;
  };
}

interface SlurmCliOptions {
  jobs: number;
  gpusPerJob: number;
  partition?: string;
  time?: string;
  account?: string;
  cpusPerJob?: number;
  mem?: string;
  extra: string[];
  graceSec: number;
  output?: string;
  hypersweep: string;
  agentArgs?: string;
  out?: string;
  submit: boolean;
}

/** Runs sbatch on the script file (or on stdin) and resolves with its job id. */
async function submit(script: string, file: string | undefined): Promise<string> {
  return await new Promise((resolve, reject) => {
    const child = execFile('sbatch', file ? ['--parsable', file] : ['--parsable'], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new HypersweepError('BAD_REQUEST', missing ? 'sbatch not found: run this on a Slurm login node, or drop --submit and copy the script there' : `sbatch failed: ${(stderr || err.message).trim()}`));
        return;
      }
      const id = parseSbatchJobId(stdout);
      if (id) resolve(id);
      else reject(new HypersweepError('INTERNAL', `sbatch printed no job id: ${stdout.trim().slice(0, 200)}`));
    });
    if (!file) child.stdin?.end(script);
  });
}

export function register(program: Command): void {
  program
    .command('slurm')
    .description('write an sbatch script that runs N agents of a sweep as a Slurm job array (REDIS_URL comes from the environment at sbatch time)')
    .argument('<sweep-id>', 'the sweep the agents pull runs from')
    .requiredOption('--jobs <n>', 'agents (array tasks)', wholeNumber('--jobs', 1))
    .option('--gpus-per-job <g>', 'GPUs per agent (--gres=gpu:G); 0 for CPU-only agents', wholeNumber('--gpus-per-job', 0), 1)
    .option('--partition <p>', 'Slurm partition')
    .option('--time <t>', 'time limit per agent, e.g. 4:00:00')
    .option('--account <a>', 'Slurm account')
    .option('--cpus-per-job <c>', 'CPUs per agent (--cpus-per-task)', wholeNumber('--cpus-per-job', 1))
    .option('--mem <m>', 'memory per agent, e.g. 32G')
    .option('--extra <line>', 'another "#SBATCH ..." line (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--grace-sec <s>', "the agent's SIGTERM → SIGKILL grace for its runs; Slurm signals the agent this + 30 s before the time limit", (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('--grace-sec must be a number >= 0');
      return n;
    }, 30)
    .option('--output <pattern>', 'output file of each task (%A job, %a task)')
    .option('--hypersweep <cmd>', 'how the compute nodes run hypersweep, e.g. "npx hypersweep"', 'hypersweep')
    .option('--agent-args <args>', 'more arguments for `hypersweep agent`, e.g. "--slots 2"')
    .option('--out <file>', 'write the script to FILE instead of printing it')
    .option('--submit', 'run sbatch on the script and print the job id', false)
    .action(async (sweepId: string, opts: SlurmCliOptions) => {
      const script = slurmScript({
        sweepId,
        jobs: opts.jobs,
        gpusPerJob: opts.gpusPerJob,
        partition: opts.partition,
        time: opts.time,
        account: opts.account,
        cpusPerJob: opts.cpusPerJob,
        mem: opts.mem,
        extra: opts.extra,
        graceSec: opts.graceSec,
        output: opts.output,
        hypersweep: opts.hypersweep,
        agentArgs: opts.agentArgs?.split(/\s+/).filter(Boolean),
      });
      if (opts.out) writeFileSync(opts.out, script, { mode: 0o755 });
      if (opts.submit) {
        const id = await submit(script, opts.out);
        console.log(id);
        console.error(`submitted job array ${id}: ${opts.jobs} agent(s) of sweep ${sweepId} (squeue -j ${id}; scancel ${id} to end them)`);
      } else if (opts.out) console.error(`wrote ${opts.out}: submit it with REDIS_URL exported (sbatch ${opts.out})`);
      else process.stdout.write(script);
    });
}
