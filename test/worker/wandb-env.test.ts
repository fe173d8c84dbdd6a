/** worker/wandb-env.ts: W&B's params file, the interpreter probe, and which `wandb` a run gets. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunJob } from '../../src/queue/run-job.js';
import { addWandbEnv, canImportWandb, scriptInterpreter, WANDB_HOOK_DIR, WANDB_STANDIN_DIR, wandbParamsYaml } from '../../worker/wandb-env.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-wandb-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A directory holding an importable (empty) package named wandb. */
function fakeWandb(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'wandb'), { recursive: true });
  writeFileSync(join(root, 'wandb', '__init__.py'), '');
  return root;
}

function job(over: Partial<RunJob> = {}): RunJob {
  return { sweepId: 's1', runId: 'r1', attempt: 1, token: 't', config: { lr: 0.01, opt: { name: 'adam', betas: [0.9, 0.99] }, note: 'a: b' }, execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false }, ...over };
}

describe('wandbParamsYaml', () => {
  test("writes `wandb agent`'s format: wandb_version 1, then name: {value: v} per parameter, nested values kept nested", () => {
    const text = wandbParamsYaml(job().config);
    expect(text.startsWith('wandb_version: 1\n\n')).toBe(true);
    // Python's YAML reader gives back exactly the config under "value" (PyYAML may be missing: JSON via yaml-free check).
    const py = spawnSync('python3', ['-c', 'import sys,json\ntry:\n import yaml\nexcept ImportError:\n sys.exit(5)\nd=yaml.safe_load(sys.stdin.read())\nprint(json.dumps(d))'], { input: text, encoding: 'utf8' });
    if (py.status === 0) expect(JSON.parse(py.stdout)).toEqual({ wandb_version: 1, lr: { value: 0.01 }, opt: { value: { name: 'adam', betas: [0.9, 0.99] } }, note: { value: 'a: b' } });
    else expect(py.status).toBe(5);
    expect(text).toContain('lr:\n  value: 0.01\n');
    expect(wandbParamsYaml({})).toBe('wandb_version: 1\n');
  });
});

describe('canImportWandb', () => {
  test('true when the interpreter finds a wandb package on its PYTHONPATH, false without, false for a missing interpreter', async () => {
    const withWandb = fakeWandb('with');
    expect(await canImportWandb('python3', { ...process.env, PYTHONPATH: withWandb }, dir)).toBe(true);
    expect(await canImportWandb('python3', { ...process.env, PYTHONPATH: join(dir, 'nothing-here') }, dir)).toBe(false);
    expect(await canImportWandb('no-such-python-xyz', { ...process.env }, dir)).toBe(false);
  });
});

describe('scriptInterpreter', () => {
  test("the argv's python (after /usr/bin/env and its settings), else the agent's interpreter", () => {
    expect(scriptInterpreter(['/usr/bin/env', 'python3', 'train.py', '--lr=1'], 'py')).toBe('python3');
    expect(scriptInterpreter(['/usr/bin/env', 'OMP_NUM_THREADS=1', '-S', '/venv/bin/python3.11', 'train.py'], 'py')).toBe('/venv/bin/python3.11');
    expect(scriptInterpreter(['/opt/conda/bin/python', '-u', 'train.py'], 'py')).toBe('/opt/conda/bin/python');
    expect(scriptInterpreter(['torchrun', '--nproc_per_node=2', 'train.py'], 'py')).toBe('py');
    expect(scriptInterpreter(['./train.py'], 'py')).toBe('py');
    expect(scriptInterpreter(['/usr/bin/env'], 'py')).toBe('py');
  });
});

describe('addWandbEnv', () => {
  test('no real wandb: the stand-in goes first on PYTHONPATH; the params file is written; no W&B ids online', async () => {
    const attemptDir = mkdtempSync(join(dir, 'a-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: join(dir, 'plain'), WANDB_MODE: undefined };
    await addWandbEnv(env, { job: job(), dir: attemptDir, argv: ['/usr/bin/env', 'python3', 'train.py'], interpreter: 'python3', cwd: dir });
    expect(env.PYTHONPATH).toBe([WANDB_STANDIN_DIR, join(dir, 'plain')].join(delimiter));
    expect(env.WANDB_SWEEP_PARAM_PATH).toBe(join(attemptDir, 'wandb-sweep-params.yaml'));
    expect(readFileSync(env.WANDB_SWEEP_PARAM_PATH!, 'utf8')).toBe(wandbParamsYaml(job().config));
    expect(env.WANDB_SWEEP_ID).toBeUndefined();
    expect(env.WANDB_RUN_ID).toBeUndefined();
  });

  test('real wandb importable: the hook goes on PYTHONPATH instead; offline mode gets the W&B ids', async () => {
    const real = fakeWandb('real');
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: real, WANDB_MODE: 'offline' };
    await addWandbEnv(env, { job: job(), dir: mkdtempSync(join(dir, 'a-')), argv: ['/usr/bin/env', 'python3', 'train.py'], interpreter: 'python3', cwd: dir });
    expect(env.PYTHONPATH).toBe([WANDB_HOOK_DIR, real].join(delimiter));
    expect(env).toMatchObject({ WANDB_SWEEP_ID: 's1', WANDB_RUN_ID: 'r1' });
  });

  test("the argv's python is asked, not the agent's interpreter", async () => {
    const real = fakeWandb('real3');
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: real };
    await addWandbEnv(env, { job: job(), dir: mkdtempSync(join(dir, 'a-')), argv: ['/usr/bin/env', 'python3', 'train.py'], interpreter: 'no-such-python-xyz', cwd: dir });
    expect(env.PYTHONPATH).toBe([WANDB_HOOK_DIR, real].join(delimiter));
  });

  test('hypersweep: {wandb: standin} takes the stand-in even when the real package is importable', async () => {
    const real = fakeWandb('real2');
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: real };
    const standinJob = job({ execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false, wandb: 'standin' } });
    await addWandbEnv(env, { job: standinJob, dir: mkdtempSync(join(dir, 'a-')), argv: ['/usr/bin/env', 'python3', 'train.py'], interpreter: 'python3', cwd: dir });
    expect(env.PYTHONPATH).toBe([WANDB_STANDIN_DIR, real].join(delimiter));
  });
});
