/**
 * W&B edge: a float written `1.0` in a sweep file reaches the script as `1.0` — in `${args}`, in
 * the params file (HYPERSWEEP_PARAMS_FILE) and in W&B's params file (wandb.config) — as W&B's
 * agent passes the Python float. End to end: `hypersweep run` with a private Redis, the
 * controller and a real agent running a real Python script that records what it was given.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'hs-floats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'sweep.yaml'),
  `method: grid
program: dump.py
parameters:
  lr: {value: 1.0}
  epochs: {value: 3}
  scale: {values: [1.0, 2]}
  opt:
    parameters:
      wd: {value: 0.0}
`,
);
writeFileSync(
  join(dir, 'dump.py'),
  `import json, os, sys, uuid
out = {"argv": sys.argv[1:], "params": open(os.environ["HYPERSWEEP_PARAMS_FILE"]).read(), "wandb": open(os.environ["WANDB_SWEEP_PARAM_PATH"]).read()}
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "out-" + uuid.uuid4().hex + ".json"), "w").write(json.dumps(out))
`,
);

test('a float written 1.0 reaches the script as 1.0 through ${args}, the params file and wandb.config; integers stay integers', async () => {
  const env = { ...process.env };
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/main.ts'), 'run', 'sweep.yaml', '--agents', '1', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(code, output).toBe(0);

  const outs = readdirSync(dir)
    .filter((f) => f.startsWith('out-'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { argv: string[]; params: string; wandb: string });
  expect(outs.map((o) => o.argv).sort()).toEqual([
    ['--lr=1.0', '--epochs=3', '--scale=1.0', '--opt.wd=0.0'],
    ['--lr=1.0', '--epochs=3', '--scale=2', '--opt.wd=0.0'],
  ]);
  // What Python reads from the two params files: floats where the sweep file wrote floats.
  const probe = `import json, sys, yaml
for params, wandb in json.loads(sys.stdin.read()):
    p = json.loads(params); w = yaml.safe_load(wandb)
    print(type(p["lr"]).__name__, type(p["epochs"]).__name__, type(p["scale"]).__name__, p["scale"], type(p["opt"]["wd"]).__name__,
          type(w["lr"]["value"]).__name__, type(w["epochs"]["value"]).__name__, type(w["scale"]["value"]).__name__, type(w["opt"]["value"]["wd"]).__name__)`;
  const types = execFileSync('python3', ['-c', probe], { input: JSON.stringify(outs.map((o) => [o.params, o.wandb])), encoding: 'utf8' });
  expect(types.trim().split('\n').sort()).toEqual(['float int float 1.0 float float int float float', 'float int int 2 float float int int float']);
}, 120_000);
