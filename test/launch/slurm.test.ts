/**
 * `hypersweep slurm`: the script's shape and rules, then the real thing: a single-node Slurm cluster
 * (slurmctld + slurmd + munged, started here) runs the array's agents until the sweep is finished;
 * `scancel --batch --signal=TERM` on one task makes its run come back as attempt 2 and finish on
 * another agent; nothing is left running. Skipped, saying why, without root or slurm-wlm.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { parseSbatchJobId, signalLeadSec, slurmScript } from '../../src/launch/slurm-script.js';
import type { FinishedEvent, StartedEvent } from '../../src/store/run-events.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { processesWithMarker, slurmUnavailable, startSlurmCluster, type SlurmCluster } from '../helpers/slurm-cluster.js';
import { processesMentioning, readEvents, REPO, scratch, waitFor, type Scratch } from '../worker/agent-harness.js';

const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

/** `hypersweep ARGS` through the real CLI; resolves with exit code, stdout and stderr. */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', TSX, join(REPO, 'src/cli/main.ts'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the sbatch script', () => {
  const script = slurmScript({ sweepId: 'sw-1', jobs: 4, gpusPerJob: 2, time: '4:00:00', partition: 'gpu', account: 'ml', cpusPerJob: 8, mem: '64G', extra: ['#SBATCH --constraint=a100'], agentArgs: ['--lease-ms', '30000'] });
  const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH '));

  test('an array of N agents with gres, signal, requeue and every option given', () => {
    expect(directives).toEqual([
      '#SBATCH --job-name=hypersweep-sw-1',
      '#SBATCH --array=0-3',
      '#SBATCH --ntasks=1',
      '#SBATCH --gres=gpu:2',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --mem=64G',
      '#SBATCH --time=4:00:00',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=ml',
      `#SBATCH --signal=B:TERM@${signalLeadSec(30)}`,
      '#SBATCH --requeue',
      '#SBATCH --output=hypersweep-%A_%a.out',
      '#SBATCH --constraint=a100',
    ]);
    expect(signalLeadSec(30)).toBe(60);
    expect(script).toMatch(/\nsrun --ntasks=1 hypersweep agent sw-1 --grace-sec 30 --lease-ms 30000 &\n/);
    // sbatch reads directives only up to the first command: all of them come before it.
    const lines = script.split('\n');
    const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(lines.slice(firstCommand).some((l) => l.startsWith('#SBATCH'))).toBe(false);
    execFileSync('bash', ['-n'], { input: script });
  });

  test('outside Slurm the script runs as written: it refuses to start without REDIS_URL, passes on the exit status, and hands one SIGTERM to the agent', async () => {
    const tmp = scratch();
    try {
      // srun stand-in: runs its command (after --ntasks=1) in the foreground of a child process.
      tmp.file('bin/srun', '#!/bin/sh\nshift\nexec "$@"\n', true);
      const agent = tmp.file('agent.sh', `#!/bin/sh\n[ "$MODE" = exit3 ] && exit 3\ntrap 'echo TERM >> ${tmp.dir}/signals; exit 0' TERM\necho "$@" > ${tmp.dir}/args\nwhile :; do sleep 0.05; done\n`, true);
      const cpu = slurmScript({ sweepId: 'sw-1', jobs: 1, gpusPerJob: 0, hypersweep: agent });
      expect(cpu).not.toMatch(/--gres/);
      const env = { PATH: `${tmp.dir}/bin:/usr/bin:/bin` };
      const noUrl = spawnSync('bash', ['-c', cpu], { env, encoding: 'utf8' });
      expect(noUrl.status).toBe(1);
      expect(noUrl.stderr).toMatch(/REDIS_URL is not set: export REDIS_URL=redis:\/\/:PASSWORD@host:6379 before sbatch/);
      expect(spawnSync('bash', ['-c', cpu], { env: { ...env, REDIS_URL: 'redis://x', MODE: 'exit3' } }).status).toBe(3);
      const shell = spawn('bash', ['-c', cpu], { env: { ...env, REDIS_URL: 'redis://x' }, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => shell.once('exit', (code) => r(code)));
      // The agent has started (and with it, the shell's trap) once it has written its arguments.
      await waitFor('the agent to start', () => existsSync(join(tmp.dir, 'args')) && readFileSync(join(tmp.dir, 'args'), 'utf8').endsWith('\n'));
      expect(readFileSync(join(tmp.dir, 'args'), 'utf8').trim()).toBe('agent sw-1 --grace-sec 30');
      shell.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(readFileSync(join(tmp.dir, 'signals'), 'utf8')).toBe('TERM\n');
    } finally {
      for (const p of processesMentioning(tmp.dir)) process.kill(p.pid, 'SIGKILL');
      tmp.remove();
    }
  });

  test.each([
    [{ sweepId: 'a;rm -rf ~', jobs: 1 }, /sweep id "a;rm -rf ~": expected letters/],
    [{ sweepId: 's', jobs: 0 }, /--jobs 0: expected a whole number from 1/],
    [{ sweepId: 's', jobs: 1, partition: 'gpu\n#SBATCH --uid=0' }, /--partition "gpu\\n#SBATCH --uid=0": expected a partition name/],
    [{ sweepId: 's', jobs: 1, time: 'soon' }, /--time "soon": expected a time limit/],
    [{ sweepId: 's', jobs: 1, mem: '64 GB' }, /--mem "64 GB": expected a size/],
    [{ sweepId: 's', jobs: 1, extra: ['--constraint=a100'] }, /--extra "--constraint=a100": expected one line starting "#SBATCH "/],
    [{ sweepId: 's', jobs: 1, extra: ['#SBATCH --x\nrm -rf /'] }, /--extra .*expected one line/],
    [{ sweepId: 's', jobs: 1, agentArgs: ['--redis', 'redis://:pw@h'] }, /may not carry --redis/],
  ])('refuses %j', (options, message) => {
    expect(() => slurmScript(options)).toThrow(message);
  });

  test('the CLI prints the script and never the Redis URL it has in its environment; --out writes it', async () => {
    const tmp = scratch();
    try {
      const secret = 'redis://:hunter2-secret@10.0.0.5:6379';
      const printed = await cli(['slurm', 'sw-2', '--jobs', '3', '--gpus-per-job', '1', '--extra', '#SBATCH --qos=low', '--extra', '#SBATCH --nice=10'], { ...process.env, REDIS_URL: secret });
      expect(printed.code).toBe(0);
      expect(printed.stdout).toMatch(/#SBATCH --array=0-2\n/);
      expect(printed.stdout).toMatch(/#SBATCH --qos=low\n#SBATCH --nice=10\n/);
      expect(printed.stdout + printed.stderr).not.toMatch(/hunter2/);
      const out = join(tmp.dir, 'agents.sbatch');
      const written = await cli(['slurm', 'sw-2', '--jobs', '3', '--out', out], { ...process.env, REDIS_URL: secret });
      expect(written.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(printed.stdout.replace('#SBATCH --qos=low\n#SBATCH --nice=10\n', ''));
      expect(readFileSync(out, 'utf8')).not.toMatch(/hunter2/);
      const bad = await cli(['slurm', 'sw-2', '--jobs', '3', '--time', 'later']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--time "later": expected a time limit/);
    } finally {
      tmp.remove();
    }
  }, 60_000);

  test('parseSbatchJobId', () => {
    expect(parseSbatchJobId('1234\n')).toBe('1234');
    expect(parseSbatchJobId('1234;cluster\n')).toBe('1234');
    expect(parseSbatchJobId('Submitted batch job 5')).toBeUndefined();
  });
});

const unavailable = slurmUnavailable();
if (unavailable) console.warn(`skipping the real Slurm test: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a real single-node Slurm cluster', () => {
  let cluster: SlurmCluster | undefined;
  let redis: TestRedis | undefined;
  let server: RunningServer | undefined;
  let tmp: Scratch | undefined;
  afterAll(async () => {
    await cluster?.stop();
    await server?.close();
    await redis?.stop();
    tmp?.remove();
  });

  test('the array finishes a sweep; tasks signalled TERM three ways hand their runs back as attempt 2, finished elsewhere; nothing is left', async () => {
    tmp = scratch();
    cluster = await startSlurmCluster();
    redis = await startRedis();
    server = await startServer({ port: 0, redisUrl: redis.url, log: () => undefined, controllerOptions: { pollMs: 100, leaseCheckMs: 500 } });
    const hypersweep = tmp.file('bin/hypersweep', `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${join(REPO, 'src/cli/main.ts')}" "$@"\n`, true);
    const program = tmp.file(
      'train.py',
      `import os, sys, time
x = [a for a in sys.argv if a.startswith("--x=")][0][4:]
attempt = os.environ["HYPERSWEEP_ATTEMPT"]
task = os.environ.get("SLURM_ARRAY_JOB_ID", "?") + "_" + os.environ.get("SLURM_ARRAY_TASK_ID", "?")
open(os.path.join(os.environ["SCRATCH"], "run-%s-%s" % (x, attempt)), "w").write(task)
if x in ("0", "1", "2") and attempt == "1":
    while True: time.sleep(0.05)  # until its agent is told to stop
time.sleep(0.3)
print('@hypersweep {"loss": %s}' % x)
`,
    );
    const sweepFile = `name: slurm-array\nmethod: grid\nmetric: {name: loss, goal: minimize}\nprogram: ${program}\nparameters:\n  x: {values: [0, 1, 2, 3, 4, 5]}\n`;
    const created = await fetch(`${server.url}/api/sweeps`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: sweepFile });
    expect(created.status).toBe(201);
    const sweepId = ((await created.json()) as { id: string }).id;

    const env = { ...cluster.env, REDIS_URL: redis.url, SCRATCH: tmp.dir };
    const scriptFile = join(tmp.dir, 'agents.sbatch');
    const submitted = await cli(['slurm', sweepId, '--jobs', '4', '--gpus-per-job', '0', '--cpus-per-job', '1', '--grace-sec', '5', '--hypersweep', hypersweep, '--output', join(tmp.dir, 'agent-%A_%a.out'), '--out', scriptFile, '--submit'], env);
    expect(submitted.stderr).toMatch(/submitted job array \d+: 4 agent\(s\)/);
    expect(submitted.code).toBe(0);
    const jobId = submitted.stdout.trim();
    expect(jobId).toMatch(/^\d+$/);
    expect(readFileSync(scriptFile, 'utf8')).not.toContain(redis.url);

    const logs = () => readdirSync(tmp!.dir).filter((f) => f.startsWith('agent-')).map((f) => `--- ${f}\n${readFileSync(join(tmp!.dir, f), 'utf8')}`).join('\n');
    try {
      // x=0, 1 and 2 hold their agents until told to stop: `scancel --signal=TERM` (the job step),
      // `scancel --batch --signal=TERM` (the batch shell passes it on), and a plain `scancel` of the
      // task (TERM to every process of it, script included).
      const tasks: string[] = [];
      for (const [x, how] of [['0', ['--signal=TERM']], ['1', ['--batch', '--signal=TERM']], ['2', []]] as const) {
        const held = join(tmp.dir, `run-${x}-1`);
        await waitFor(`run x=${x} to start on an array task`, () => existsSync(held), 120_000, 100);
        const task = readFileSync(held, 'utf8');
        expect(task).toMatch(new RegExp(`^${jobId}_[0-3]$`));
        await cluster.run('scancel', [...how, task]);
        tasks.push(task);
      }
      expect(new Set(tasks).size).toBe(3);

      await waitFor('the sweep to finish', async () => ((await (await fetch(`${server!.url}/api/sweeps/${sweepId}`)).json()) as { state: string }).state === 'finished', 120_000, 200);
      const events = await readEvents(redis.client(), sweepId);
      const finished = events.filter((e): e is FinishedEvent => e.type === 'finished');
      const started = events.filter((e): e is StartedEvent => e.type === 'started');
      const preempted = finished.filter((f) => f.attempt === 1 && f.outcome === 'preempted');
      expect(preempted).toHaveLength(3);
      for (const p of preempted) {
        const first = started.find((e) => e.runId === p.runId && e.attempt === 1)!;
        const second = started.find((e) => e.runId === p.runId && e.attempt === 2)!;
        expect(finished.find((f) => f.runId === p.runId && f.attempt === 2)?.outcome).toBe('finished');
        expect(second.agentId).not.toBe(first.agentId);
      }
      for (const x of ['0', '1', '2']) expect(tasks).not.toContain(readFileSync(join(tmp.dir, `run-${x}-2`), 'utf8'));
      expect(finished.filter((f) => f.outcome === 'finished')).toHaveLength(6);
      expect(new Set(started.map((e) => e.agentId)).size).toBeGreaterThanOrEqual(2);

      // The agents leave on their own once the sweep is finished: the array drains.
      await waitFor('the array to drain', async () => (await cluster!.queue()).length === 0, 60_000, 250);
      expect(logs().match(/exited \(signal\)/g)).toHaveLength(3);
      expect(logs()).toMatch(/exited \(sweep finished\)/);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${logs()}`);
    }
    const marker = cluster.env.HS_SLURM_MARKER!;
    await cluster.stop();
    cluster = undefined;
    expect(processesWithMarker(marker)).toEqual([]);
    expect(processesMentioning(tmp.dir)).toEqual([]);
  }, 300_000);
});
