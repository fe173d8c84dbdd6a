/**
 * With the real wandb package installed, the agent writes W&B's params file and puts
 * python/wandb_hook on PYTHONPATH; the hook mirrors Run.log, define_metric, finish and summary
 * updates into hypersweep while the package keeps doing its own logging. The real package cannot
 * be installed here, so this test builds one with wandb's module layout (wandb/sdk/wandb_run.py with
 * class Run, wandb/sdk/wandb_summary.py with Summary) that records every call it gets.
 */
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FinishedEvent, MetricsEvent } from '../../src/store/run-events.js';
import { wandbParamsYaml } from '../../worker/wandb-env.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, processesMentioning, PYTHON_DIR, readEvents, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from '../worker/agent-harness.js';

/** The "real" package: each call is written to $FAKE_WANDB_LOG, as the real one would send it to W&B. */
const FAKE = {
  'wandb/__init__.py': `
import os
from wandb.sdk.wandb_run import Run

run = None

def init(config=None, **kwargs):
    global run, log, summary
    run = Run(config or {})
    log = run.log          # the real package points wandb.log at the run's method
    summary = run.summary
    return run
`,
  'wandb/sdk/__init__.py': '',
  'wandb/sdk/wandb_run.py': `
import json, os
from wandb.sdk.wandb_summary import Summary

def record(entry):
    with open(os.environ["FAKE_WANDB_LOG"], "a") as f:
        f.write(json.dumps(entry) + "\\n")

class Run:
    def __init__(self, config):
        with open(os.environ["WANDB_SWEEP_PARAM_PATH"]) as f:
            record({"params_file": f.read()})
        self.summary = Summary()

    def log(self, data, step=None, commit=None, sync=None):
        record({"log": data, "step": step, "commit": commit})

    def define_metric(self, name, step_metric=None, step_sync=None, hidden=None, summary=None, goal=None, overwrite=None):
        record({"define_metric": name, "summary": summary})

    def finish(self, exit_code=None, quiet=None):
        record({"finish": exit_code})
`,
  'wandb/sdk/wandb_summary.py': `
class SummaryDict:
    def __setitem__(self, key, val):
        self.update({key: val})

    __setattr__ = __setitem__

    def update(self, d):
        from wandb.sdk.wandb_run import record
        record({"summary": dict(d)})

class Summary(SummaryDict):
    pass
`,
};

/** A W&B script, unchanged. */
const SCRIPT = `
import os
import wandb

print("imported", wandb.__file__)
run = wandb.init(project="p", config={"lr": 0.1})
run.define_metric("acc", summary="max")
for i in range(3):
    wandb.log({"loss": 1.0 / (i + 1), "acc": [0.5, 0.9, 0.7][i], "nested": {"x": i}})
wandb.log({"extra": 1}, commit=False)
run.log({"more": 2}, step=5)
run.summary["best"] = 0.9
run.summary.update({"final": 0.7})
run.summary.flag = 1
run.finish()
`;

let redis: TestRedis;
let c: Redis;
let tmp: Scratch;
let agent: AgentProcess;
let fin: FinishedEvent;
const config = { lr: 0.01, opt: { name: 'sgd' } };

beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
  for (const [path, text] of Object.entries(FAKE)) tmp.file(join('site', path), text);
  // Another sitecustomize further down the path (a system one): the hook must still let it run.
  tmp.file('other/sitecustomize.py', 'import os\nopen(os.path.join(os.environ["SCRATCH"], "other-sitecustomize-ran"), "w").close()\n');
  await createSweep(c, 'h1');
  await enqueueRun(c, redis.url, { sweepId: 'h1', runId: 'r1', config, program: tmp.file('train.py', SCRIPT) });
  const env = { SCRATCH: tmp.dir, FAKE_WANDB_LOG: join(tmp.dir, 'wandb-calls.jsonl'), PYTHONPATH: [join(tmp.dir, 'site'), PYTHON_DIR, join(tmp.dir, 'other')].join(delimiter), WANDB_MODE: undefined };
  agent = spawnAgent('h1', redis.url, ['--slots', '1', '--count', '1'], env, tmp.dir);
  fin = await waitFor('run finished', () => finishedEvent(c, 'h1', 'r1'), 60_000);
}, 90_000);

afterAll(async () => {
  await stopAgent(agent);
  await closeQueues();
  await redis.stop();
  tmp.remove();
});

test('the script imports the real package, not the stand-in, and finishes', () => {
  expect(fin.outcome, fin.outputTail).toBe('finished');
  expect(fin.outputTail).toContain(`imported ${join(tmp.dir, 'site', 'wandb', '__init__.py')}`);
  expect(fin.outputTail).not.toMatch(/Traceback|W&B mirror/);
});

test("the package's own logging still happens, call for call, and it read W&B's params file", () => {
  const calls = readFileSync(join(tmp.dir, 'wandb-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(calls).toEqual([
    { params_file: wandbParamsYaml(config) },
    { define_metric: 'acc', summary: 'max' },
    { log: { loss: 1, acc: 0.5, nested: { x: 0 } }, step: null, commit: null },
    { log: { loss: 0.5, acc: 0.9, nested: { x: 1 } }, step: null, commit: null },
    { log: { loss: 1 / 3, acc: 0.7, nested: { x: 2 } }, step: null, commit: null },
    { log: { extra: 1 }, step: null, commit: false },
    { log: { more: 2 }, step: 5, commit: null },
    { summary: { best: 0.9 } },
    { summary: { final: 0.7 } },
    { summary: { flag: 1 } },
    { finish: null },
  ]);
});

test("every log reached hypersweep under W&B's step rules, and the summary with define_metric and explicit values", async () => {
  const rows = (await readEvents(c, 'h1', 'r1')).filter((e): e is MetricsEvent => e.type === 'metrics').flatMap((e) => e.rows);
  expect(rows).toEqual([
    { _step: 0, loss: 1, acc: 0.5, 'nested/x': 0 },
    { _step: 1, loss: 0.5, acc: 0.9, 'nested/x': 1 },
    { _step: 2, loss: 1 / 3, acc: 0.7, 'nested/x': 2 },
    { _step: 3, extra: 1 },
    { _step: 5, more: 2 },
  ]);
  expect(fin.summary).toEqual({ loss: 1 / 3, acc: 0.9, 'nested/x': 2, extra: 1, more: 2, best: 0.9, final: 0.7, flag: 1 });
});

test('a sitecustomize further down PYTHONPATH still runs', () => {
  expect(() => readFileSync(join(tmp.dir, 'other-sitecustomize-ran'))).not.toThrow();
});

test('no script of this file is left running', async () => {
  await stopAgent(agent);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 5000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
