/**
 * `hypersweep reproduce RUN --run`: one recorded attempt run again on this machine, outside any
 * sweep (nothing is reported to Redis). The attempt's files are made again in a new folder
 * (params.json, metrics.jsonl, W&B's params file) and every path to the old folder in argv and
 * env is pointed at it; the script's output passes through and its metrics are collected from
 * both channels (`@hypersweep` stdout lines and the metrics file), as an agent would.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configJson } from 'hypersweep/web/shared/config-args.js';
import { LineSplitter, parseMetricJson, STDOUT_PREFIX, type MetricRecord } from '../../worker/metric-lines.js';
import { wandbParamsYaml } from '../../worker/wandb-env.js';
import type { Config } from '../config/types.js';
import { packageRoot } from '../package-root.js';
import type { AttemptProvenance } from '../store/run-provenance.js';

export interface RerunResult {
  exitCode: number | null;
  signal: string | null;
  /** Last value of each metric the script logged (its summary values win). */
  final: Record<string, number>;
  rows: number;
}

/** The recorded argv and hypersweep variables with the attempt's old folder and hypersweep's old place replaced. */
export function relocate(record: AttemptProvenance, dir: string): { argv: string[]; env: Record<string, string> } {
  const move = (s: string): string => s.split(record.filesDir).join(dir).split(record.hypersweepDir).join(packageRoot);
  return { argv: record.argv.map(move), env: Object.fromEntries(Object.entries(record.env).map(([k, v]) => [k, move(v)])) };
}

export async function rerunAttempt(record: AttemptProvenance, config: Config, cwd: string, onRecord: (record: MetricRecord) => void): Promise<RerunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hypersweep-reproduce-'));
  try {
    const metricsFile = join(dir, 'metrics.jsonl');
    await Promise.all([
      writeFile(join(dir, 'params.json'), configJson(config, record.floats)),
      writeFile(metricsFile, ''),
      writeFile(join(dir, 'wandb-sweep-params.yaml'), wandbParamsYaml(config, record.floats)),
    ]);
    const { argv, env } = relocate(record, dir);
    const final: Record<string, number> = {};
    let rows = 0;
    const take = (r: MetricRecord): void => {
      if (r.row) {
        rows++;
        for (const [k, v] of Object.entries(r.row)) if (k !== '_step') final[k] = v;
      }
      Object.assign(final, r.summary ?? {});
      onRecord(r);
    };
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['inherit', 'pipe', 'inherit'] });
    const lines = new LineSplitter((line) => {
      if (!line.startsWith(STDOUT_PREFIX)) return;
      const parsed = parseMetricJson(line.slice(STDOUT_PREFIX.length));
      if (parsed.ok) take(parsed.record);
    });
    const decoder = new TextDecoder('utf-8');
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      lines.push(decoder.decode(chunk, { stream: true }));
    });
    const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    }).finally(() => process.off('SIGINT', forward).off('SIGTERM', forward));
    lines.end();
    for (const line of (await readFile(metricsFile, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      const parsed = parseMetricJson(line);
      if (parsed.ok) take(parsed.record);
    }
    return { exitCode: exit.code, signal: exit.signal, final, rows };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
