/** python/hypersweep.py, run by a real python3. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseMetricJson, STDOUT_PREFIX } from '../../worker/metric-lines.js';

const PY = join(import.meta.dirname, '..', '..', 'python');
const dir = mkdtempSync(join(tmpdir(), 'hs-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function py(code: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base.HYPERSWEEP_PARAMS_FILE;
  delete base.HYPERSWEEP_METRICS_FILE;
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8', env: { ...base, PYTHONPATH: PY, ...env } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

test('under an agent: config() reads the params file, log()/summary() append JSON lines the agent parses', () => {
  const params = join(dir, 'params.json');
  const metrics = join(dir, 'metrics.jsonl');
  writeFileSync(params, JSON.stringify({ lr: 0.1, opt: { name: 'adam' } }));
  writeFileSync(metrics, '');
  const out = py(
    `import json, hypersweep
print(json.dumps(hypersweep.config()))
hypersweep.log({"loss": 0.5, "val": {"acc": 0.9}, "name": "x", "nan": float("nan")})
hypersweep.log({"loss": 0.4}, step=7)
hypersweep.log({"loss": 0.3})
hypersweep.summary({"best": 0.3})`,
    [],
    { HYPERSWEEP_PARAMS_FILE: params, HYPERSWEEP_METRICS_FILE: metrics },
  );
  expect(JSON.parse(out)).toEqual({ lr: 0.1, opt: { name: 'adam' } });
  const records = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => parseMetricJson(l));
  expect(records).toEqual([
    { ok: true, record: { row: { loss: 0.5, 'val.acc': 0.9, _step: 0 } } },
    { ok: true, record: { row: { loss: 0.4, _step: 7 } } },
    { ok: true, record: { row: { loss: 0.3, _step: 8 } } },
    { ok: true, record: { summary: { best: 0.3 } } },
  ]);
});

test('outside an agent: config() parses --k=v argv (dotted → nested, W&B value forms), log() prints the stdout form', () => {
  const out = py(`import json, hypersweep
print(json.dumps(hypersweep.config()))
hypersweep.log({"loss": 1.5})`, ['--lr=0.001', '--opt.name=adam', '--amp=True', '--none=None', '--layers=[64,32]', '--note=two words', 'positional', '--flag']);
  const [cfg, metric] = out.trim().split('\n');
  expect(JSON.parse(cfg!)).toEqual({ lr: 0.001, opt: { name: 'adam' }, amp: true, none: null, layers: [64, 32], note: 'two words' });
  expect(metric!.startsWith(STDOUT_PREFIX)).toBe(true);
  expect(parseMetricJson(metric!.slice(STDOUT_PREFIX.length))).toEqual({ ok: true, record: { row: { loss: 1.5, _step: 0 } } });
});
