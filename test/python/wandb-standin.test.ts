/**
 * Training scripts written for W&B, unchanged, under a real `hypersweep agent` on a machine without
 * the wandb package: the agent puts python/wandb_standin on PYTHONPATH, and we check what reached
 * hypersweep (config, history rows and their steps, summary, output) and what the script saw.
 * Between them the scripts make every call issue 14 lists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FinishedEvent, MetricsEvent } from '../../src/store/run-events.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, processesMentioning, readEvents, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from '../worker/agent-harness.js';

/** The docs' shape: init with defaults, config, a training loop, summary, define_metric, media, finish. */
const CLASSIC = `
import json, os
import wandb

report = {"run_before_init": wandb.run is None}
try:
    wandb.log({"early": 1})
except wandb.Error as e:
    report["log_before_init"] = str(e)

defaults = {"lr": 0.1, "epochs": 3, "optimizer": {"name": "adam", "momentum": 0.9}, "seed": 1}
wandb.login()
run = wandb.init(project="digits", entity="team", name="trial", config=defaults, group="g1", tags=["a", "b"],
                 reinit=False, mode="offline", job_type="train", notes="n", settings=wandb.Settings(start_method="thread"))
config = wandb.config
report.update({
    "run_is_current": wandb.run is run,
    "config": config.as_dict(),
    "lr_attr": config.lr, "lr_item": run.config["lr"], "optimizer_name": config.optimizer["name"],
    "keys": sorted(config.keys()), "items": sorted(k for k, _ in config.items()),
    "get_missing": config.get("nope", "fallback"), "has_lr": "lr" in config, "has_nope": "nope" in config,
    "id": run.id, "name": run.name, "project": run.project, "entity": run.entity, "sweep_id": run.sweep_id,
    "group": run.group, "tags": list(run.tags),
})
with open(os.path.join(run.dir, "model.txt"), "w") as f:
    f.write("weights")
report["dir"] = run.dir

run.define_metric("val_loss", summary="min")
run.define_metric("val_acc", summary="max")
wandb.define_metric("train/*", summary="min,max")
wandb.watch(object(), log="all", log_freq=10)
for epoch in range(config.epochs):
    wandb.log({
        "epoch": epoch,
        "train": {"loss": 1.0 / (epoch + 1)},
        "val_loss": [0.5, 0.3, 0.4][epoch],
        "val_acc": [0.6, 0.8, 0.7][epoch],
        "examples": [wandb.Image(None, caption="x")],
        "table": wandb.Table(columns=["a"], data=[[1]]),
        "hist": wandb.Histogram([1, 2, 3]),
        "chart": wandb.plot.line(wandb.Table(data=[[1, 2]], columns=["x", "y"]), "x", "y", title="t"),
        "note": "a string",
    })
run.summary["best_val_acc"] = 0.8
wandb.summary.update({"test_acc": 0.75})
artifact = wandb.Artifact("model", type="model")
artifact.add_file(os.path.join(run.dir, "model.txt"))
run.log_artifact(artifact)
run.log_code(".")
wandb.save("*.txt")
wandb.alert(title="Low accuracy", text="val_acc 0.7", level=wandb.AlertLevel.WARN)
run.finish(exit_code=0)
report["run_after_finish"] = wandb.run is None
with open(os.path.join(os.environ["SCRATCH"], "classic.json"), "w") as f:
    json.dump(report, f)
`;

/** W&B's step rules: commit=False, explicit steps, a lower step dropped, rows of media only, wandb.finish(). */
const STEPS = `
import wandb

class Scalar:  # what numpy and torch scalars look like to wandb.log
    def item(self):
        return 0.25

wandb.init(config={"x": 1})
wandb.log({"a": 1}, commit=False)
wandb.log({"b": 2})
wandb.log({"c": 3}, step=5)
wandb.log({"d": 4}, step=5)
wandb.log({"e": 5}, step=3)
wandb.log({"f": 6}, step=6, commit=True)
wandb.log({"img": wandb.Image(None), "note": "text"})
wandb.log({"g": {"h": {"i": 7}}, "flag": True, "scalar": Scalar(), "nan": float("nan"), "list": [1, 2]})
wandb.log({"k": 9}, step=12)
wandb.finish()
`;

/** The context manager, W&B's locked config merge, and attributes the stand-in does not have. */
const CONFIG_RULES = `
import argparse, json, os
import wandb

report = {}
with wandb.init(config={"lr": 0.1, "layers": 2}) as run:
    wandb.config.update({"lr": 0.9})
    wandb.config.update({"lr": 0.8}, allow_val_change=True)
    wandb.config.lr = 0.7
    wandb.config["lr"] = 0.6
    wandb.config.update({"layers": 3}, allow_val_change=True)
    try:
        wandb.config.update({"layers": 4})
    except Exception as e:
        report["change_error"] = type(e).__name__ + ": " + str(e).splitlines()[0]
    wandb.config.setdefaults({"layers": 9, "dropout": 0.2})
    wandb.config.batch = 32
    wandb.config["act"] = "relu"
    wandb.config.update(argparse.Namespace(width=64))
    report["config"] = dict(wandb.config.items())
    wandb.frobnicate(1)
    wandb.frobnicate(2)
    report["chained"] = repr(wandb.Something(1).foo().bar)
    run.log_model("path")
    wandb.log({"loss": 0.5})
report["run_after_with"] = wandb.run is None
with open(os.path.join(os.environ["SCRATCH"], "config.json"), "w") as f:
    json.dump(report, f)
`;

/** A notebook-style file that creates its own sweep and agent. */
const SWEEP_IN_SCRIPT = `
import wandb

def train():
    wandb.init()
    wandb.log({"loss": 1})

try:
    wandb.sweep({"method": "random", "parameters": {"lr": {"values": [1, 2]}}}, project="p")
except wandb.errors.UsageError as e:
    print("sweep refused:", e)
wandb.agent("abc123", function=train, count=1)
`;

let redis: TestRedis;
let c: Redis;
let tmp: Scratch;
let agent: AgentProcess;
const SWEEP = 'wb1';
const runs = {
  classic: { config: { lr: 0.01, optimizer: { name: 'sgd' } }, script: CLASSIC },
  steps: { config: {}, script: STEPS },
  config: { config: { lr: 0.05 }, script: CONFIG_RULES },
  sweep: { config: {}, script: SWEEP_IN_SCRIPT },
} as const;
const finished = new Map<string, FinishedEvent>();

async function rowsOf(runId: string) {
  return (await readEvents(c, SWEEP, runId)).filter((e): e is MetricsEvent => e.type === 'metrics').flatMap((e) => e.rows);
}

beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
  await createSweep(c, SWEEP);
  for (const [runId, spec] of Object.entries(runs)) {
    await enqueueRun(c, redis.url, { sweepId: SWEEP, runId, config: spec.config, program: tmp.file(`${runId}.py`, spec.script) });
  }
  // The machine has no wandb package; PYTHONPATH is python/ alone (the harness's default).
  agent = spawnAgent(SWEEP, redis.url, ['--slots', '2', '--count', String(Object.keys(runs).length)], { SCRATCH: tmp.dir, WANDB_MODE: undefined }, tmp.dir);
  for (const runId of Object.keys(runs)) finished.set(runId, await waitFor(`run ${runId} finished`, () => finishedEvent(c, SWEEP, runId), 60_000));
}, 90_000);

afterAll(async () => {
  await stopAgent(agent);
  await closeQueues();
  await redis.stop();
  tmp.remove();
});

describe('a W&B script in the docs shape', () => {
  test('finishes; its config is the sweep values merged over init defaults; run attributes are set', () => {
    const fin = finished.get('classic')!;
    expect(fin.outcome, fin.outputTail).toBe('finished');
    const report = JSON.parse(readFileSync(join(tmp.dir, 'classic.json'), 'utf8'));
    expect(report).toMatchObject({
      run_before_init: true,
      log_before_init: 'You must call wandb.init() before wandb.log()',
      run_is_current: true,
      config: { lr: 0.01, epochs: 3, optimizer: { name: 'sgd', momentum: 0.9 }, seed: 1 },
      lr_attr: 0.01,
      lr_item: 0.01,
      optimizer_name: 'sgd',
      keys: ['epochs', 'lr', 'optimizer', 'seed'],
      items: ['epochs', 'lr', 'optimizer', 'seed'],
      get_missing: 'fallback',
      has_lr: true,
      has_nope: false,
      id: 'classic',
      name: 'trial',
      project: 'digits',
      entity: 'team',
      sweep_id: SWEEP,
      group: 'g1',
      tags: ['a', 'b'],
      run_after_finish: true,
    });
    expect(report.dir.startsWith(join(tmp.dir, 'wandb', 'run-'))).toBe(true);
    expect(readFileSync(join(report.dir, 'model.txt'), 'utf8')).toBe('weights');
  });

  test('each wandb.log is one history row at steps 0, 1, 2: numbers only, nested dicts flattened with /', async () => {
    expect(await rowsOf('classic')).toEqual([
      { _step: 0, epoch: 0, 'train/loss': 1, val_loss: 0.5, val_acc: 0.6 },
      { _step: 1, epoch: 1, 'train/loss': 0.5, val_loss: 0.3, val_acc: 0.8 },
      { _step: 2, epoch: 2, 'train/loss': 1 / 3, val_loss: 0.4, val_acc: 0.7 },
    ]);
  });

  test("the summary is W&B's: last values, define_metric min/max (globs, several at once), explicit values", () => {
    expect(finished.get('classic')!.summary).toEqual({
      epoch: 2,
      'train/loss.min': 1 / 3,
      'train/loss.max': 1,
      val_loss: 0.3,
      val_acc: 0.8,
      best_val_acc: 0.8,
      test_acc: 0.75,
    });
  });

  test('alert is a line of the run output; accepted-and-ignored calls say nothing', () => {
    const out = finished.get('classic')!.outputTail;
    expect(out).toContain('wandb: ALERT [WARN] Low accuracy: val_acc 0.7');
    expect(out).not.toMatch(/WARNING|Traceback/);
  });
});

describe("W&B's step rules", () => {
  test('commit=False merges, a lower explicit step is dropped with a warning, media-only rows take a step, wandb.finish() writes the open row', async () => {
    const fin = finished.get('steps')!;
    expect(fin.outcome, fin.outputTail).toBe('finished');
    expect(await rowsOf('steps')).toEqual([
      { _step: 0, a: 1, b: 2 },
      { _step: 5, c: 3, d: 4 },
      { _step: 6, f: 6 },
      { _step: 8, 'g/h/i': 7, flag: 1, scalar: 0.25 },
      { _step: 12, k: 9 },
    ]);
    expect(fin.outputTail).toContain('User provided step: 3 is less than current step: 5');
    expect(fin.summary).toEqual({ a: 1, b: 2, c: 3, d: 4, f: 6, 'g/h/i': 7, flag: 1, scalar: 0.25, k: 9 });
  });
});

describe("W&B's config rules and unknown attributes", () => {
  test('locked sweep values win over defaults and every later change; unlocked keys need allow_val_change; one warning per unknown name', async () => {
    const fin = finished.get('config')!;
    expect(fin.outcome, fin.outputTail).toBe('finished');
    const report = JSON.parse(readFileSync(join(tmp.dir, 'config.json'), 'utf8'));
    expect(report.config).toEqual({ lr: 0.05, layers: 3, dropout: 0.2, batch: 32, act: 'relu', width: 64 });
    expect(report.change_error).toBe('ConfigError: Attempted to change value of key "layers" from 3 to 4');
    expect(report.chained).toContain('ignored by hypersweep');
    expect(report.run_after_with).toBe(true);
    const out = fin.outputTail;
    expect(out.match(/Config item 'lr' was locked by 'sweep' \(ignored update\)/g)).toHaveLength(4);
    expect(out.match(/has no wandb\.frobnicate/g)).toHaveLength(1);
    expect(out).toContain('has no wandb.Something');
    expect(out).toContain('has no Run.log_model');
    expect(await rowsOf('config')).toEqual([{ _step: 0, loss: 0.5 }]);
  });
});

describe('wandb.sweep / wandb.agent in a script', () => {
  test('a clear error naming hypersweep sweep / hypersweep agent; the run fails', () => {
    const fin = finished.get('sweep')!;
    expect(fin.outcome).toBe('failed');
    expect(fin.outputTail).toMatch(/sweep refused: wandb\.sweep\(\) does not run under hypersweep: .*`hypersweep sweep FILE`/);
    expect(fin.outputTail).toMatch(/UsageError: wandb\.agent\(\) does not run under hypersweep: start agents with `hypersweep agent SWEEP`/);
  });
});

test('no script of this file is left running', async () => {
  await stopAgent(agent);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 5000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
