/**
 * GPU check, for a machine with real NVIDIA GPUs (not a test: no GPU here or in CI). Two sweeps
 * through `hypersweep run` (private Redis, controller, local agent):
 * - 2-GPU runs (`gpus_per_run: 2`): each run must see exactly 2 GPUs (torch.cuda.device_count()
 *   when torch is installed, else CUDA_VISIBLE_DEVICES), use both, and never share one with another run;
 *   floor(G/2) runs must be seen at once.
 * - shared GPUs (`gpus_per_run: 0.5`): two runs on each GPU at once, never three.
 * Without GPUs it says so and exits 0. Prints a table and a JSON line.
 *
 *   npm run gpu-check            (or: node --import tsx bench/gpu-check.ts [--hold-sec 3])
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalSweep } from '../src/local/local-sweep.js';
import { queryGpus } from '../worker/gpu-slots.js';

const args = process.argv.slice(2);
const holdSec = Number(args.includes('--hold-sec') ? args[args.indexOf('--hold-sec') + 1] : 3);

/** Each run: note its GPUs, make them work (torch if present), hold them for a while, write a record. */
const RUN = `
import json, os, sys, time
rec = {"gpus": os.environ.get("CUDA_VISIBLE_DEVICES", ""), "num_gpus": int(os.environ["HYPERSWEEP_NUM_GPUS"]), "start": time.time(), "torch": None}
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    n = torch.cuda.device_count()
    rec["torch"] = {"device_count": n, "names": [torch.cuda.get_device_name(i) for i in range(n)]}
    xs = [torch.randn(1024, 1024, device="cuda:%d" % i) for i in range(n)]
    for _ in range(10):
        xs = [x @ x / 1024 for x in xs]
    torch.cuda.synchronize()
time.sleep(float(os.environ["HOLD_SEC"]))
rec["end"] = time.time()
open(os.path.join(os.environ["GPU_CHECK_OUT"], os.environ["HYPERSWEEP_RUN_ID"] + ".json"), "w").write(json.dumps(rec))
print('@hypersweep {"loss": 0}')
`;

interface Rec {
  gpus: string;
  num_gpus: number;
  start: number;
  end: number;
  torch: { device_count: number; names: string[] } | null;
}

/** Most records overlapping in time, overall and on any one GPU. */
function concurrency(recs: Rec[]): { all: number; perGpu: number } {
  const events = recs.flatMap((r) => [
    { t: r.start, d: 1, gpus: r.gpus.split(',') },
    { t: r.end, d: -1, gpus: r.gpus.split(',') },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let all = 0;
  let maxAll = 0;
  let maxGpu = 0;
  const per = new Map<string, number>();
  for (const e of events) {
    all += e.d;
    maxAll = Math.max(maxAll, all);
    for (const g of e.gpus) {
      per.set(g, (per.get(g) ?? 0) + e.d);
      maxGpu = Math.max(maxGpu, per.get(g)!);
    }
  }
  return { all: maxAll, perGpu: maxGpu };
}

async function sweep(dir: string, name: string, gpusPerRun: number, runs: number): Promise<Rec[]> {
  const out = join(dir, name);
  const program = join(dir, 'run.py');
  writeFileSync(program, RUN);
  const file = join(dir, `${name}.yaml`);
  const values = Array.from({ length: runs }, (_, i) => i).join(', ');
  writeFileSync(file, `name: ${name}\nmethod: grid\nmetric: {name: loss, goal: minimize}\nprogram: ${program}\nparameters:\n  i: {values: [${values}]}\nhypersweep: {gpus_per_run: ${gpusPerRun}}\n`);
  process.env.GPU_CHECK_OUT = out;
  process.env.HOLD_SEC = String(holdSec);
  mkdirSync(out, { recursive: true });
  const result = await runLocalSweep({ file, stateDir: join(dir, '.hypersweep'), port: 0, write: () => undefined, tty: false });
  if (result.exitCode !== 0 || result.state !== 'finished') throw new Error(`${name}: sweep ended ${result.state} (exit ${result.exitCode}); see ${join(dir, '.hypersweep', 'agent.log')}`);
  return readdirSync(out).map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Rec);
}

const { gpus, problem } = await queryGpus();
if (gpus.length === 0) {
  console.log(`gpu-check skipped: no GPU on this machine (${problem ?? 'nvidia-smi lists none'})`);
  console.log(JSON.stringify({ bench: 'gpu-check', skipped: true, reason: problem ?? 'no GPU' }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'hs-gpu-check-'));
const rows: Array<{ sweep: string; runs: number; atOnce: number; expectedAtOnce: number; maxPerGpu: number; allowedPerGpu: number; gpusSeen: string; ok: boolean; problems: string[] }> = [];
try {
  const G = gpus.length;
  console.log(`${G} GPU(s): ${gpus.map((g) => `${g.index} ${g.name}`).join('; ')}`);
  if (G >= 2) {
    const slots = Math.floor(G / 2);
    const recs = await sweep(dir, 'two-gpus', 2, 2 * slots);
    const c = concurrency(recs);
    const problems = recs.flatMap((r) => [
      ...(r.gpus.split(',').length !== 2 || r.num_gpus !== 2 ? [`run on ${r.gpus}: not 2 GPUs`] : []),
      ...(r.torch && r.torch.device_count !== 2 ? [`torch saw ${r.torch.device_count} GPUs under ${r.gpus}`] : []),
    ]);
    if (c.perGpu > 1) problems.push(`a GPU held by ${c.perGpu} runs at once`);
    if (c.all < slots) problems.push(`only ${c.all} runs at once (expected ${slots})`);
    rows.push({ sweep: 'gpus_per_run 2', runs: recs.length, atOnce: c.all, expectedAtOnce: slots, maxPerGpu: c.perGpu, allowedPerGpu: 1, gpusSeen: [...new Set(recs.map((r) => r.gpus))].join(' '), ok: problems.length === 0, problems });
  } else {
    console.log('2-GPU sweep skipped: this machine has 1 GPU');
  }
  const shared = await sweep(dir, 'half-gpu', 0.5, 2 * G);
  const c = concurrency(shared);
  const problems: string[] = [];
  if (c.perGpu > 2) problems.push(`${c.perGpu} runs on one GPU at once`);
  if (c.all < 2 * G) problems.push(`only ${c.all} runs at once (expected ${2 * G})`);
  for (const r of shared) if (r.torch && r.torch.device_count !== 1) problems.push(`torch saw ${r.torch.device_count} GPUs under ${r.gpus}`);
  rows.push({ sweep: 'gpus_per_run 0.5', runs: shared.length, atOnce: c.all, expectedAtOnce: 2 * G, maxPerGpu: c.perGpu, allowedPerGpu: 2, gpusSeen: [...new Set(shared.map((r) => r.gpus))].join(' '), ok: problems.length === 0, problems });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('sweep              runs  at once (expected)  max per GPU (allowed)  ok');
for (const r of rows) console.log(`${r.sweep.padEnd(18)} ${String(r.runs).padStart(4)}  ${String(r.atOnce).padStart(7)} (${r.expectedAtOnce})${' '.repeat(8)}${String(r.maxPerGpu).padStart(6)} (${r.allowedPerGpu})${' '.repeat(10)}${r.ok ? 'yes' : `NO: ${r.problems.join('; ')}`}`);
console.log(JSON.stringify({ bench: 'gpu-check', skipped: false, gpus: gpus.length, rows }));
process.exit(rows.every((r) => r.ok) ? 0 : 1);
