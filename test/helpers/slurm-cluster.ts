/**
 * A real single-node Slurm cluster for one test file, started from Debian's slurm-wlm and munge:
 * a fresh munge key and munged on a private socket, a generated slurm.conf (CPU-only, free ports,
 * temporary state and spool directories, proctrack/linuxproc, task/none, select/cons_tres), then
 * slurmctld and slurmd in the foreground, waited for until the node is idle. `stop()` cancels
 * every job, ends the daemons and kills whatever is left that carries this cluster's marker in
 * its environment (slurmstepd and job processes inherit it). Needs root (slurmd runs jobs as
 * their user); `unavailable()` says why a machine cannot run it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './redis-server.js';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];

function onPath(name: string): boolean {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin']) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** Why this machine cannot start a test cluster, or undefined when it can. */
export function slurmUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'Slurm test cluster: Linux only';
  if (process.getuid?.() !== 0) return 'Slurm test cluster: needs root (slurmd starts jobs as their user); CI runs as root';
  const missing = BINARIES.filter((b) => !onPath(b));
  if (missing.length > 0) return `Slurm test cluster: ${missing.join(', ')} not installed (apt-get install slurm-wlm munge; .ci/run does)`;
  return undefined;
}

export interface SlurmCluster {
  dir: string;
  /** Environment for sbatch/squeue/scancel (SLURM_CONF) and for anything started in jobs (the marker). */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command; resolves with stdout, rejects with stderr. */
  run(cmd: string, args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<string>;
  /** Job ids (`123_4`) squeue lists, with their state. */
  queue(): Promise<Array<{ id: string; state: string }>>;
  stop(): Promise<void>;
}

const SBIN = (name: string) => (onPath(name) ? name : `/usr/sbin/${name}`);

export async function startSlurmCluster(cpus = 8): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-slurm-'));
  chmodSync(dir, 0o755);
  const marker = `hs-slurm-${randomBytes(6).toString('hex')}`;
  const munge = join(dir, 'munge');
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o700 });
  chmodSync(munge, 0o711);
  writeFileSync(join(munge, 'munge.key'), randomBytes(1024), { mode: 0o600 });
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const node = hostname().split('.')[0]!;
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=hstest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${join(munge, 'munge.sock')}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      // The node claims `cpus` CPUs whatever the machine has, so an array of agents runs at once.
      'SlurmdParameters=config_overrides',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SchedulerType=sched/backfill',
      'KillWait=5',
      'MinJobAge=5',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf, HS_SLURM_MARKER: marker };
  const daemons: ChildProcess[] = [];
  const logs: string[] = [];
  const daemon = (cmd: string, args: string[]) => {
    const p = spawn(SBIN(cmd), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d: Buffer) => logs.push(`${cmd}: ${d}`));
    p.stderr!.on('data', (d: Buffer) => logs.push(`${cmd}: ${d}`));
    daemons.push(p);
    return p;
  };
  const run = (cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<string>((resolve, reject) => {
      execFile(cmd, args, { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
    });
  const queue = async () =>
    (await run('squeue', ['-h', '-o', '%i %T']))
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [id, state] = l.trim().split(/\s+/);
        return { id: id!, state: state! };
      });

  const stop = async () => {
    await run('scancel', ['--full', '--user=root']).catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      if ((await queue().catch(() => [])).length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const p of [...daemons].reverse()) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      p.kill('SIGTERM');
      await Promise.race([new Promise((r) => p.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }
    for (const pid of processesWithMarker(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    daemon('munged', ['-F', '-f', `--key-file=${join(munge, 'munge.key')}`, `--socket=${join(munge, 'munge.sock')}`, `--pid-file=${join(munge, 'munged.pid')}`, `--log-file=${join(munge, 'munged.log')}`, `--seed-file=${join(munge, 'seed')}`]);
    await waitUntil('munged socket', () => readdirSync(munge).includes('munge.sock'), 10_000);
    daemon('slurmctld', ['-D', '-i', '-f', conf]);
    daemon('slurmd', ['-D', '-f', conf]);
    await waitUntil('the node to be idle', async () => (await run('sinfo', ['-h', '-o', '%t']).catch(() => '')).trim() === 'idle', 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${logs.join('').slice(-4000)}`);
  }
  return { dir, env, run, queue, stop };
}

async function waitUntil(what: string, fn: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`Slurm test cluster: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes whose environment carries HS_SLURM_MARKER=marker (daemons' and jobs' descendants). */
export function processesWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HS_SLURM_MARKER=${marker}`)) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}
