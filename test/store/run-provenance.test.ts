/** The store's provenance operations against a real redis-server: what is written is read back; variants are counted; bounds hold. */
import { expect, test } from 'vitest';
import { keys } from '../../src/store/keys.js';
import { MAX_PROVENANCE_BYTES, readRunProvenance, readSweepProvenance, writeAttemptProvenance, type AttemptProvenance } from '../../src/store/run-provenance.js';
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
  const stored = await c.hget(keys.runProvenance('s3', 'rs3-7'), '1');
  expect(stored!.length).toBeLessThan(1000);
  expect(JSON.stringify(packages).length + diff.length).toBeGreaterThan(5000);
  const blobs = Object.keys(await c.hgetall(keys.sweepProvenance('s3'))).filter((f) => f.startsWith('blob|'));
  expect(blobs.sort()).toEqual(['blob|diff|dsha', 'blob|packages|psha']);
  expect((await readSweepProvenance(c, 's3')).packages).toEqual([{ packagesSha256: 'psha', attempts: 21 }]);
});
