import { expect, test } from 'vitest';
import { codeDifferences, packageDifferences } from '../../src/cli/provenance-diff.js';
import type { GitState, PythonState } from '../../src/store/run-provenance.js';
import { packagesSha256 } from '../../worker/python-env.js';

const git = (over: Partial<GitState> = {}): GitState => ({ root: '/p', commit: 'a'.repeat(40), branch: 'main', dirty: false, dirtyFiles: [], untracked: [], diff: '', diffBytes: 0, diffSha256: '', diffTruncated: false, ...over });
const py = (packages: string[], version = '3.11.7'): PythonState => ({ interpreter: 'python3', executable: '/usr/bin/python3', version, packages, packagesSha256: packagesSha256(packages) });

test('same code and packages: no difference', () => {
  expect(codeDifferences(git(), git())).toEqual([]);
  expect(packageDifferences(py(['numpy==1.26.4']), py(['numpy==1.26.4']))).toEqual([]);
  expect(codeDifferences(null, git())).toEqual([]);
});

test('commit, dirty files on either side and differing uncommitted changes are named', () => {
  expect(codeDifferences(git(), git({ commit: 'b'.repeat(40) }))).toEqual([`commit: recorded ${'a'.repeat(12)}, here ${'b'.repeat(12)}`]);
  expect(codeDifferences(git({ dirty: true, dirtyFiles: ['train.py'], diffSha256: 'x' }), git({ dirty: true, dirtyFiles: ['model.py'], diffSha256: 'y' }))).toEqual([
    'dirty files: changed in the recorded run, not here: train.py',
    'dirty files: changed here, not in the recorded run: model.py',
  ]);
  expect(codeDifferences(git({ dirty: true, dirtyFiles: ['train.py'], diffSha256: '1'.repeat(64) }), git({ dirty: true, dirtyFiles: ['train.py'], diffSha256: '2'.repeat(64) }))).toEqual([
    `uncommitted changes differ in train.py (diff sha256 recorded ${'1'.repeat(12)}, here ${'2'.repeat(12)})`,
  ]);
  expect(codeDifferences(git(), null)[0]).toMatch(/here the program's directory is not in one/);
});

test('python version and each package changed, missing or extra are named (long lists counted)', () => {
  expect(packageDifferences(py(['numpy==1.26.4', 'Torch==2.1.0', 'tqdm==4.0']), py(['numpy==2.0.0', 'torch==2.1.0', 'scipy==1.13'], '3.12.1'))).toEqual([
    'python: recorded 3.11.7, here 3.12.1',
    'packages at another version here: numpy 1.26.4 → 2.0.0',
    'packages missing here: tqdm==4.0',
    'packages only here: scipy==1.13',
  ]);
  const many = Array.from({ length: 25 }, (_, i) => `p${i}==1`);
  expect(packageDifferences(py(many), py([]))).toEqual([expect.stringMatching(/^packages missing here: p0==1, .* and 5 more$/)]);
  expect(packageDifferences(py([]), null)[0]).toMatch(/cannot be asked/);
});
