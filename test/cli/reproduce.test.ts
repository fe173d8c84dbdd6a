/**
 * Issue 20 end to end: a real redis-server (with a password), a real server (controller + API),
 * real `hypersweep agent` processes and a training program in a real temporary git repository.
 * A run records its commit and diff; `hypersweep reproduce --run` reruns it and reports the
 * same final metric; after a commit changes the code it names the difference; no recorded
 * field holds the Redis password or a token.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/local/private-redis.js';
import { KEY_PREFIX } from '../../src/store/keys.js';
import type { AttemptProvenance } from '../../src/store/run-provenance.js';
import { REPO, spawnAgent, stopAgent, waitFor, type AgentProcess } from '../worker/agent-harness.js';

const exec = promisify(execFile);
const TOKEN = 'api-token-7f3c9a1e5b';
const PASSWORD = 'redisPassw0rd_4d8e2b6a9c';
const USER_TOKEN = 'user-secret-token-91b2c3d4';
let redis: PrivateRedis;
let c: Redis;
let server: RunningServer;
let repo: string;
let base: string;
const agents: AgentProcess[] = [];

const TRAIN = (offset: number): string => `import sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
lr = float(args["lr"])
for step in range(3):
    loss = (lr - 0.3) ** 2 + ${offset} + 1.0 / (step + 1)
    print('@hypersweep {"_step": %d, "loss": %r}' % (step, loss), flush=True)
print("trained")
`;

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'hs-repro-'));
  redis = await startPrivateRedis({ dir: join(base, 'redis'), password: PASSWORD });
  expect(redis.url).toContain(PASSWORD);
  c = new Redis(redis.url, { maxRetriesPerRequest: null });
  server = await startServer({ port: 0, redisUrl: redis.url, token: TOKEN, log: () => {} });
  repo = join(base, 'project');
  execFileSync('mkdir', ['-p', repo]);
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'train.py'), TRAIN(0));
  writeFileSync(join(repo, 'sweep.yaml'), [
    'method: grid',
    'program: train.py',
    'metric: {name: loss, goal: minimize}',
    'parameters:',
    '  lr: {values: [0.1]}',
    // A command that passes secrets through: the record must not keep them.
    'command: ["${env}", "${interpreter}", "${program}", "${args}", "--redis-note=${envvar:REDIS_URL}", "--tok=${envvar:MY_API_TOKEN}"]',
    '',
  ].join('\n'));
  git('add', '.');
  git('commit', '-q', '-m', 'first');
}, 60_000);

afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  c?.disconnect();
  await server?.close();
  await redis?.stop();
  rmSync(base, { recursive: true, force: true });
});

async function cli(args: string[], cwd = repo): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', join(REPO, 'node_modules/tsx/dist/loader.mjs'), join(REPO, 'src/cli/main.ts'), ...args], {
      cwd,
      env: { ...process.env, HYPERSWEEP_URL: server.url, HYPERSWEEP_TOKEN: TOKEN },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

type RunJson = { id: string; state: string; provenance: AttemptProvenance[] };

/** A sweep of one run, executed by a real agent in the repository (with secrets in its env); the finished run. */
async function sweepOnce(): Promise<RunJson> {
  const created = await cli(['sweep', 'sweep.yaml']);
  expect(created.code, created.stderr).toBe(0);
  const sweepId = /created sweep (\S+)/.exec(created.stdout)![1]!;
  const agent = spawnAgent(sweepId, redis.url, ['--count', '1'], { REDIS_URL: redis.url, MY_API_TOKEN: USER_TOKEN, HYPERSWEEP_TOKEN: TOKEN }, repo);
  agents.push(agent);
  expect(await agent.exited, agent.stderr()).toBe(0);
  const { runs } = await api<{ runs: Array<{ id: string }> }>(`/api/sweeps/${sweepId}/runs`);
  const run = await waitFor('the run finished with its record', async () => {
    const r = await api<RunJson>(`/api/sweeps/${sweepId}/runs/${runs[0]!.id}`);
    return r.state === 'finished' && r.provenance.length === 1 ? r : undefined;
  });
  return run;
}

test('clean then dirty: each run records commit and diff; reproduce --run gives the same metric; after a commit it names the difference; no secret is recorded', async () => {
  const firstCommit = git('rev-parse', 'HEAD');
  const clean = await sweepOnce();
  const rc = clean.provenance[0]!;
  expect(rc.git).toMatchObject({ root: repo, commit: firstCommit, branch: 'main', dirty: false, dirtyFiles: [], diff: '' });
  expect(rc.cwd).toBe(repo);
  expect(rc.argv.slice(0, 4)).toEqual(['/usr/bin/env', 'python3', 'train.py', '--lr=0.1']);
  expect(rc.python?.version).toMatch(/^3\.\d+\.\d+$/);
  expect(rc.python?.packages.length).toBeGreaterThan(0);
  expect(Object.keys(rc.env).sort()).toEqual(expect.arrayContaining(['HYPERSWEEP_RUN_ID', 'HYPERSWEEP_PARAMS_FILE', 'PYTHONPATH']));
  expect(rc.env).not.toHaveProperty('MY_API_TOKEN');
  expect(rc.env).not.toHaveProperty('HOME');

  // Dirty: the change is in the record, as a diff against the same commit.
  writeFileSync(join(repo, 'train.py'), TRAIN(5));
  const dirty = await sweepOnce();
  const rd = dirty.provenance[0]!;
  expect(rd.git).toMatchObject({ commit: firstCommit, dirty: true, dirtyFiles: ['train.py'], diffTruncated: false });
  expect(rd.git!.diff).toContain('+    loss = (lr - 0.3) ** 2 + 5 + 1.0 / (step + 1)');
  expect(rd.git!.diffSha256).toMatch(/^[0-9a-f]{64}$/);

  // The sweep pages say the two sweeps' code (each its own sweep here) — and the API shows the variant.
  const dirtySweep = (await api<{ sweepId: string }>(`/api/runs/${dirty.id}`)).sweepId;
  const variants = await api<{ code: Array<{ commit: string; dirty: boolean }> }>(`/api/sweeps/${dirtySweep}/provenance`);
  expect(variants.code).toEqual([expect.objectContaining({ commit: firstCommit, dirty: true, attempts: 1 })]);
  // The export names each run's commit, dirtiness, package set and host.
  const csv = await (await fetch(`${server.url}/api/sweeps/${dirtySweep}/export?format=csv`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  expect(csv.split('\n')[0]).toContain('stop_reason,commit,dirty,packages_sha256,host');
  expect(csv).toContain(`,${firstCommit},true,${rd.python!.packagesSha256},${rd.host},`);

  // --print: the command to paste, its cwd, hypersweep's variables and the config file.
  const printed = await cli(['reproduce', dirty.id]);
  expect(printed.code, printed.stderr).toBe(0);
  expect(printed.stdout).toContain(`cd ${repo}`);
  expect(printed.stdout).toContain('HYPERSWEEP_RUN_ID=');
  expect(printed.stdout).toContain('train.py');
  expect(printed.stdout).toContain(`cat > ${dirty.provenance[0]!.filesDir}/params.json <<'HYPERSWEEP_EOF'\n{"lr":0.1}\nHYPERSWEEP_EOF`);
  expect(printed.stdout).toContain('were secrets (URL passwords, tokens) and were never recorded');

  // --run with the same code: no difference, same final metric.
  const same = await cli(['reproduce', dirty.id, '--run']);
  expect(same.code, same.stderr).toBe(0);
  expect(same.stderr).toContain('code and packages match the record');
  expect(same.stdout).toContain('trained');
  expect(same.stdout).toContain('same final metrics as the recorded run');
  expect(same.stdout).toContain(`final metrics: {"loss":${0.04 + 5 + 1 / 3}}`);

  // Commit a change: reproducing the dirty run names the commit and the file; the clean run's metric now differs.
  writeFileSync(join(repo, 'train.py'), TRAIN(7));
  git('commit', '-q', '-am', 'second');
  const second = git('rev-parse', 'HEAD');
  const moved = await cli(['reproduce', dirty.id, '--run']);
  expect(moved.stderr).toContain(`differs: commit: recorded ${firstCommit.slice(0, 12)}, here ${second.slice(0, 12)}`);
  expect(moved.stderr).toContain('differs: dirty files: changed in the recorded run, not here: train.py');
  expect(moved.stdout).toContain('final metrics differ: loss');
  const strict = await cli(['reproduce', clean.id, '--run', '--strict']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toMatch(/not run \(--strict\): 1 difference/);
  expect(strict.stdout).not.toContain('trained');

  // No recorded field holds the password or a token: every provenance key, raw, and the API's answers.
  const dump: string[] = [];
  for (const key of await c.keys(`${KEY_PREFIX}:*provenance*`)) dump.push(JSON.stringify(await c.hgetall(key)));
  dump.push(JSON.stringify(await api(`/api/runs/${clean.id}`)), JSON.stringify(await api(`/api/runs/${dirty.id}`)));
  const all = dump.join('\n');
  expect(all).toContain('--redis-note=redis://***@127.0.0.1');
  expect(all).toContain('--tok=***');
  for (const secret of [PASSWORD, TOKEN, USER_TOKEN]) expect(all).not.toContain(secret);
}, 180_000);
