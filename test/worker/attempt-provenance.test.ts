import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { gatherProvenance, hypersweepEnv, secretValues } from '../../worker/attempt-provenance.js';
import { gitState } from '../../worker/git-state.js';
import { MAX_DIFF_BYTES } from '../../src/store/run-provenance.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hs-prov-'));
  dirs.push(dir);
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  const git = (...a: string[]): void => void execFileSync('git', ['-C', dir, ...a], { env });
  git('init', '-q');
  writeFileSync(join(dir, 'train.py'), 'print(1)\n');
  git('add', '.');
  git('commit', '-q', '-m', 'x');
  return dir;
}

test('secret values: secret-looking names and URL user-info, longest first; ordinary values are not secrets', () => {
  const s = secretValues({ MY_API_TOKEN: 'tok-123456', REDIS_URL: 'redis://user:p%40ss-word@h:6379/0', HOME: '/root', AWS_SECRET_ACCESS_KEY: 'abcd1234', PATH: '/usr/bin' });
  expect(s).toEqual(expect.arrayContaining(['tok-123456', 'p%40ss-word', 'p@ss-word', 'user:p%40ss-word', 'abcd1234']));
  expect(s).not.toContain('/root');
  expect(s.map((x) => x.length)).toEqual([...s.map((x) => x.length)].sort((a, b) => b - a));
});

test('only the variables hypersweep set or changed are recorded, URLs redacted', () => {
  expect(hypersweepEnv({ HOME: '/root', PYTHONPATH: '/hs/python:/x', HYPERSWEEP_RUN_ID: 'r1', X_URL: 'redis://:pw@h' }, { HOME: '/root', PYTHONPATH: '/x', X_URL: 'other' })).toEqual({
    PYTHONPATH: '/hs/python:/x',
    HYPERSWEEP_RUN_ID: 'r1',
    X_URL: 'redis://***@h',
  });
});

test('git state: clean, dirty with its diff, and a diff past the limit kept as size and hash only; recomputed when the files change', async () => {
  const dir = repo();
  expect(await gitState(dir)).toMatchObject({ dirty: false, diff: '', diffSha256: '' });
  writeFileSync(join(dir, 'train.py'), 'print(2)\n');
  writeFileSync(join(dir, 'notes.txt'), 'new\n');
  const dirty = await gitState(dir);
  expect(dirty).toMatchObject({ dirty: true, dirtyFiles: ['train.py'], untracked: ['notes.txt'], diffTruncated: false });
  expect(dirty!.diff).toContain('+print(2)');
  writeFileSync(join(dir, 'train.py'), `${'x = 1\n'.repeat(MAX_DIFF_BYTES / 4)}`);
  const big = await gitState(dir);
  expect(big).toMatchObject({ dirty: true, diff: '', diffTruncated: true });
  expect(big!.diffBytes).toBeGreaterThan(MAX_DIFF_BYTES);
  expect(big!.diffSha256).not.toBe(dirty!.diffSha256);
  expect(await gitState(tmpdir())).toBeNull();
});

test('a gathered record scrubs secrets from argv wherever they appear and keeps no other variable', async () => {
  const dir = repo();
  const agentEnv = { PATH: process.env.PATH, HOME: '/root', MY_TOKEN: 'sekret-value-1', REDIS_URL: 'redis://:pw-abcdef@127.0.0.1:1/0' };
  const rec = await gatherProvenance({
    redis: undefined as never,
    job: { sweepId: 's', runId: 'r', attempt: 2, token: 'T', config: {}, program: 'train.py', execution: { max_attempts: 1, retry_failed: false, stdout_metrics: false } },
    argv: ['python3', 'train.py', '--t=sekret-value-1', '--u=redis://:pw-abcdef@127.0.0.1:1/0', '--v=xpw-abcdefx'],
    cwd: dir,
    env: { ...agentEnv, HYPERSWEEP_RUN_ID: 'r', CUDA_VISIBLE_DEVICES: '1' },
    agentEnv,
    interpreter: 'python3',
    filesDir: '/tmp/x',
    warn: () => undefined,
  });
  expect(rec.argv).toEqual(['python3', 'train.py', '--t=***', '--u=redis://***@127.0.0.1:1/0', '--v=x***x']);
  expect(rec.env).toEqual({ HYPERSWEEP_RUN_ID: 'r', CUDA_VISIBLE_DEVICES: '1' });
  expect(rec).toMatchObject({ attempt: 2, cudaVisibleDevices: '1', git: { root: dir, dirty: false } });
  expect(JSON.stringify(rec)).not.toMatch(/sekret|pw-abcdef/);
});
