/** The store's provenance operations against a real redis-server: what is written is read back; variants are counted; bounds hold. */
import { inflateSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { keys } from '../../src/store/keys.js';
import { MAX_PROVENANCE_BYTES, readProvenanceBriefs, readRunProvenance, readSweepProvenance, writeAttemptProvenance, type AttemptProvenance } from '../../src/store/run-provenance.js';
import { redisForFile } from '../helpers/redis-server.js';

const redis = redisForFile();

const rec = (attempt: number, commit: string | null, dirtySha = '', packagesSha256 = 'p1'): AttemptProvenance => ({
  attempt,
  recordedAt: attempt,
  argv: ['python3', 'train.py'],
  cwd: '/w',
  program: 'train.py',
  env: {},
  filesDir: '/tmp/x',
  floats: [],
  git: commit === null ? null : { root: '/w', commit, branch: 'main', dirty: dirtySha !== '', dirtyFiles: dirtySha ? ['train.py'] : [], untracked: [], diff: '', diffBytes: 0, diffSha256: dirtySha, diffTruncated: false },
  python: { interpreter: 'python3', executable: '/usr/bin/python3', version: '3.11.7', packages: [], packagesSha256 },
  host: 'h',
  os: 'Linux',
  gpus: [],
  cudaVisibleDevices: null,
  hypersweepVersion: '0',
  hypersweepDir: '/hs',
  nodeVersion: 'v20',
});

test('records come back per attempt, oldest first; a garbled one is skipped; the sweep counts code variants and package sets', async () => {
  const c = redis.client;
  await writeAttemptProvenance(c, 's1', 'r1', rec(2, 'c2', '', 'p2'));
  await writeAttemptProvenance(c, 's1', 'r1', rec(1, 'c1'));
  await writeAttemptProvenance(c, 's1', 'r2', rec(1, 'c1', 'd1'));
  await writeAttemptProvenance(c, 's1', 'r3', rec(1, 'c1'));
  await writeAttemptProvenance(c, 's1', 'r4', rec(1, null));
  await c.hset(keys.runProvenance('s1', 'r1'), '3', '{not json');
  expect((await readRunProvenance(c, 's1', 'r1')).map((p) => [p.attempt, p.git?.commit])).toEqual([[1, 'c1'], [2, 'c2']]);
  expect(await readRunProvenance(c, 's1', 'rnone')).toEqual([]);
  const variants = await readSweepProvenance(c, 's1');
  expect(variants.code[0]).toEqual({ commit: 'c1', dirty: false, diffSha256: '', attempts: 2 });
  expect(variants.code).toHaveLength(4);
  expect(variants.code).toEqual(
    expect.arrayContaining([
      { commit: 'c2', dirty: false, diffSha256: '', attempts: 1 },
      { commit: 'c1', dirty: true, diffSha256: 'd1', attempts: 1 },
      { commit: null, dirty: false, diffSha256: '', attempts: 1 },
    ]),
  );
  expect(variants.packages).toEqual([
    { packagesSha256: 'p1', attempts: 4 },
    { packagesSha256: 'p2', attempts: 1 },
  ]);
});

test('a record past the size bound is refused, not cut', async () => {
  const big = { ...rec(1, 'c'), argv: ['x'.repeat(MAX_PROVENANCE_BYTES)] };
  await expect(writeAttemptProvenance(redis.client, 's2', 'r9', big)).rejects.toThrow(/bytes \(most/);
  expect(await readRunProvenance(redis.client, 's2', 'r9')).toEqual([]);
});

test('a package list and a diff are stored once per sweep, not per attempt, and read back whole', async () => {
  const c = redis.client;
  const packages = Array.from({ length: 150 }, (_, i) => `package-${i}==1.${i}.0`);
  const diff = `diff --git a/train.py b/train.py\n${'+ a changed line\n'.repeat(200)}`;
  const full = (attempt: number): AttemptProvenance => {
    const r = rec(attempt, 'c1', 'dsha', 'psha');
    return { ...r, git: { ...r.git!, diff, diffBytes: diff.length }, python: { ...r.python!, packages } };
  };
  for (let i = 0; i < 20; i++) await writeAttemptProvenance(c, 's3', `rs3-${i}`, full(1));
  await writeAttemptProvenance(c, 's3', 'rs3-0', full(2));
  expect(await readRunProvenance(c, 's3', 'rs3-0')).toEqual([full(1), full(2)]);
  expect(await readRunProvenance(c, 's3', 'rs3-19')).toEqual([full(1)]);
  // Each attempt's record is small; the list and the diff are in the sweep's hash once.
  const stored = await c.hgetBuffer(keys.runProvenance('s3', 'rs3-7'), '1');
  expect(stored!.length).toBeLessThan(200);
  expect(JSON.stringify(packages).length + diff.length).toBeGreaterThan(5000);
  const blobs = Object.keys(await c.hgetall(keys.sweepProvenance('s3'))).filter((f) => f.startsWith('blob|'));
  expect(blobs.sort()).toEqual(['blob|diff|dsha', 'blob|packages|psha', expect.stringMatching(/^blob\|setup\|[0-9a-f]{64}$/)]);
  expect((await readSweepProvenance(c, 's3')).packages).toEqual([{ packagesSha256: 'psha', attempts: 21 }]);
});

test("an attempt's record keeps only its own part; the setup it shares with other attempts (host, code, interpreter) is stored once per setup", async () => {
  const c = redis.client;
  const onHost = (attempt: number, host: string, env: Record<string, string>): AttemptProvenance => ({ ...rec(attempt, 'c1'), host, gpus: [{ name: 'NVIDIA A100-SXM4-80GB', driver: '535.104.05' }], env, cudaVisibleDevices: '0' });
  const env = (i: number) => ({ PYTHONPATH: '/hs/python', HYPERSWEEP_SWEEP_ID: 's4', HYPERSWEEP_RUN_ID: `r${i}`, HYPERSWEEP_PARAMS_FILE: '/tmp/x/params.json' });
  for (let i = 0; i < 10; i++) await writeAttemptProvenance(c, 's4', `r${i}`, onHost(1, i % 2 ? 'gpu-a' : 'gpu-b', env(i)));
  const setups = Object.keys(await c.hgetall(keys.sweepProvenance('s4'))).filter((f) => f.startsWith('blob|setup|'));
  expect(setups).toHaveLength(2);
  // Stored deflated (zlib): it repeats the attempt's files folder and run id.
  const own = JSON.parse(inflateSync((await c.hgetBuffer(keys.runProvenance('s4', 'r3'), '1'))!).toString()) as Record<string, unknown>;
  expect(Object.keys(own).sort()).toEqual(['argv', 'attempt', 'cudaVisibleDevices', 'env', 'filesDir', 'floats', 'recordedAt', 'setup']);
  // Variables naming the attempt (its run id, its files) are its own; the rest are the setup's.
  expect(Object.keys(own.env as object).sort()).toEqual(['HYPERSWEEP_PARAMS_FILE', 'HYPERSWEEP_RUN_ID']);
  expect(await readRunProvenance(c, 's4', 'r3')).toEqual([onHost(1, 'gpu-a', env(3))]);
  expect(await readRunProvenance(c, 's4', 'r4')).toEqual([onHost(1, 'gpu-b', env(4))]);
});

test('briefs name the latest attempt of each run; records written by earlier versions (inline, or with shared parts) read the same', async () => {
  const c = redis.client;
  await writeAttemptProvenance(c, 's5', 'ra', rec(1, 'c1'));
  await writeAttemptProvenance(c, 's5', 'ra', rec(2, 'c2', 'd2', 'p2'));
  // Inline (the first format): the whole record in the run's hash.
  await c.hset(keys.runProvenance('s5', 'rb'), '1', JSON.stringify(rec(1, 'c3')), 'brief', '{"attempt":1}');
  // With shared parts (the second format): the package list stored once, named by the record.
  const packages = ['numpy==2.0.0', 'torch==2.3.1'];
  await c.hset(keys.sweepProvenance('s5'), 'blob|packages|pold', JSON.stringify(packages));
  const second = rec(1, 'c4', '', 'pold');
  await c.hset(keys.runProvenance('s5', 'rc'), '1', JSON.stringify({ ...second, shared: { sweepId: 's5', packages: 'pold' } }));
  expect(await readProvenanceBriefs(c, 's5', ['ra', 'rb', 'rc', 'rnone'])).toEqual([
    { attempt: 2, commit: 'c2', dirty: true, diffSha256: 'd2', packagesSha256: 'p2', host: 'h' },
    { attempt: 1, commit: 'c3', dirty: false, diffSha256: '', packagesSha256: 'p1', host: 'h' },
    { attempt: 1, commit: 'c4', dirty: false, diffSha256: '', packagesSha256: 'pold', host: 'h' },
    null,
  ]);
  expect(await readRunProvenance(c, 's5', 'rb')).toEqual([rec(1, 'c3')]);
  expect(await readRunProvenance(c, 's5', 'rc')).toEqual([{ ...second, python: { ...second.python!, packages } }]);
});

test('an agent sends a package list and a setup once a minute, not with every record; a Redis that lost them gets them back', async () => {
  const c = redis.client;
  const packages = Array.from({ length: 50 }, (_, i) => `pkg-${i}==1.0`);
  const full = (attempt: number): AttemptProvenance => {
    const r = rec(attempt, 'c1', '', 'p6');
    return { ...r, python: { ...r.python!, packages } };
  };
  const t0 = 1_000_000;
  await writeAttemptProvenance(c, 's6', 'r1', full(1), t0);
  const blobs = async () => Object.keys(await c.hgetall(keys.sweepProvenance('s6'))).filter((f) => f.startsWith('blob|')).length;
  expect(await blobs()).toBe(2);
  // Lost (a Redis restarted without its data, say): a record written within the minute names parts that are gone...
  await c.del(keys.sweepProvenance('s6'));
  await writeAttemptProvenance(c, 's6', 'r2', full(1), t0 + 1000);
  expect(await blobs()).toBe(0);
  const [partial] = await readRunProvenance(c, 's6', 'r2');
  expect(partial).toMatchObject({ attempt: 1, argv: ['python3', 'train.py'], python: null, host: '' });
  // ...and the next one after it sends them again.
  await writeAttemptProvenance(c, 's6', 'r3', full(1), t0 + 61_000);
  expect(await blobs()).toBe(2);
  expect(await readRunProvenance(c, 's6', 'r3')).toEqual([full(1)]);
});
