/**
 * python/hypersweep_wandb.py and the stand-in's edges, run by a real python3 writing to a metrics
 * file as under an agent: every define_metric summary, explicit vs logged summary order, reinit,
 * what wandb.log refuses, and the stand-in on the oldest Python it promises (3.8) when present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseMetricJson, type MetricRecord } from '../../worker/metric-lines.js';

const PY = join(import.meta.dirname, '..', '..', 'python');
const dir = mkdtempSync(join(tmpdir(), 'hs-wbh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs `code` with the stand-in as under an agent; returns the records the agent would read, stdout and stderr. */
function run(code: string, config: object = {}, python = 'python3') {
  const params = join(dir, `params-${++n}.json`);
  const metrics = join(dir, `metrics-${n}.jsonl`);
  writeFileSync(params, JSON.stringify(config));
  writeFileSync(metrics, '');
  const env = { ...process.env, PYTHONPATH: [join(PY, 'wandb_standin'), PY].join(delimiter), HYPERSWEEP_PARAMS_FILE: params, HYPERSWEEP_METRICS_FILE: metrics, HYPERSWEEP_RUN_ID: 'r1', HYPERSWEEP_SWEEP_ID: 's1' };
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', env, cwd: dir });
  const records = readFileSync(metrics, 'utf8').split('\n').filter(Boolean).map((l) => {
    const parsed = parseMetricJson(l);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.record;
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, records };
}

function finalSummary(records: MetricRecord[]) {
  return Object.assign({}, ...records.filter((r) => r.summary).map((r) => r.summary));
}

test('define_metric summaries: min, max, mean, first, last, best with goal, none; unknown ones warned about', () => {
  const r = run(`import wandb
run = wandb.init()
run.define_metric("a", summary="min")
run.define_metric("b", summary="max")
run.define_metric("c", summary="mean")
run.define_metric("d", summary="first")
run.define_metric("e", summary="last")
run.define_metric("f", summary="best", goal="maximize")
run.define_metric("g", summary="best", goal="minimize")
run.define_metric("h", summary="none")
run.define_metric("i", summary="median")
for v in (2, 1, 3):
    wandb.log({k: v for k in "abcdefghi"})
run.finish()`);
  expect(r.status, r.stderr).toBe(0);
  expect(finalSummary(r.records)).toEqual({ a: 1, b: 3, c: 2, d: 2, e: 3, f: 3, g: 1, i: 3 });
  expect(r.stderr).toContain("define_metric('i'): unknown summary median");
});

test('summary order as in W&B: a logged value replaces an earlier explicit one, a later explicit one wins', () => {
  const r = run(`import wandb
run = wandb.init()
run.summary["acc"] = 0.1
wandb.log({"acc": 0.5, "loss": 2})
run.summary["loss"] = 0.25
print(run.summary["loss"], run.summary.get("acc"), "acc" in run.summary)
wandb.finish()`);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe('0.25 0.5 True');
  expect(r.records[0]).toEqual({ summary: { acc: 0.1 } });
  expect(finalSummary(r.records)).toEqual({ acc: 0.5, loss: 0.25 });
});

test('reinit=True finishes the first run and starts a new one; without it init returns the current run', () => {
  const r = run(`import wandb
a = wandb.init()
b = wandb.init()
wandb.log({"x": 1})
c = wandb.init(reinit=True)
print(a is b, c is a, wandb.run is c)
wandb.log({"x": 2})
`);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe('True False True');
  // The first run's row and summary are written when the second starts; the second's at exit.
  expect(r.records).toEqual([{ row: { x: 1, _step: 0 } }, { summary: { x: 1 } }, { row: { x: 2, _step: 0 } }, { summary: { x: 2 } }]);
});

test('wandb.log refuses what W&B refuses: a non-dict, non-string keys; logging after finish', () => {
  const r = run(`import wandb
run = wandb.init()
for bad in ([1, 2], {1: 2}):
    try:
        wandb.log(bad)
    except ValueError as e:
        print("ValueError:", e)
run.finish()
try:
    run.log({"x": 1})
except wandb.errors.UsageError as e:
    print("UsageError:", str(e).split(".")[0])
try:
    wandb.config.lr
except wandb.Error as e:
    print("Error:", e)
`);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual([
    'ValueError: wandb.log must be passed a dictionary',
    'ValueError: Key values passed to `wandb.log` must be strings.',
    'UsageError: Run (r1) is finished',
    'Error: You must call wandb.init() before wandb.config.lr',
  ]);
});

test('what framework integrations look for: the wandb distribution, wandb.sdk.lib.RunDisabled, wandb.wandb_run.Run', () => {
  const r = run(`import importlib.metadata, importlib.util
print(importlib.metadata.version("wandb"), importlib.util.find_spec("wandb") is not None)
import wandb
from wandb import sdk
from wandb.sdk.lib import RunDisabled
from wandb.wandb_run import Run
run = wandb.init()
print(isinstance(run, Run), isinstance(run, RunDisabled), sdk.__name__)`);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual(['0.19.0+hypersweep True', 'True False wandb.sdk']);
  expect(r.stderr).not.toContain('WARNING');
});

const PY38 = join(homedir(), '.pyenv', 'versions', '3.8.18', 'bin', 'python');
test.skipIf(!existsSync(PY38))('the stand-in runs on Python 3.8', () => {
  const r = run(`import wandb
with wandb.init(config={"lr": 0.1}) as run:
    run.define_metric("loss", summary="min")
    wandb.log({"loss": 1.0, "val": {"acc": 0.5}})
    wandb.log({"loss": 0.5}, step=3)
    run.summary.update({"best": 0.5})`, { lr: 0.2 }, PY38);
  expect(r.status, r.stderr).toBe(0);
  expect(r.records).toEqual([{ row: { loss: 1, 'val/acc': 0.5, _step: 0 } }, { summary: { best: 0.5 } }, { row: { loss: 0.5, _step: 3 } }, { summary: { loss: 0.5, 'val/acc': 0.5, best: 0.5 } }]);
});
