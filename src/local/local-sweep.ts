/**
 * `hypersweep run` as a function: a whole sweep on this machine in one process tree — a
 * private redis-server (unless REDIS_URL is given), the controller and API (with the
 * dashboard), and a local agent — with live progress, the best config printed and written,
 * and a clean stop on Ctrl-C that `--resume` continues from.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { startServer, type RunningServer } from '../api/start-server.js';
import { loadSweepFile } from '../config/load-sweep-file.js';
import { formatConfigIssue, HypersweepError } from '../errors.js';
import { createSweep, getSweepSummary, setSweepState, type SweepSummary } from '../store/sweep-store.js';
import { Agent } from '../../worker/agent.js';
import { createAgentLog } from '../../worker/agent-log.js';
import { queryGpus } from '../../worker/gpu-slots.js';
import { planSlots } from '../../worker/slot-plan.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { progressLine } from './progress-line.js';

export interface LocalSweepOptions {
  /** The sweep file. */
  file: string;
  /** Local slots (runs at once). @defaultValue one per GPU nvidia-smi lists, else 1 */
  agents?: number;
  /** Continue the last sweep of this file instead of starting a new one. @defaultValue false */
  resume?: boolean;
  /** State folder: private Redis data, sweep ids, best configs. @defaultValue `.hypersweep` */
  stateDir?: string;
  /** Use this Redis instead of a private one. @defaultValue process.env.REDIS_URL */
  redisUrl?: string;
  /** Dashboard port; taken → a free one. @defaultValue 7070 */
  port?: number;
  /** Where the best config is written. @defaultValue `<stateDir>/best-<sweep id>.yaml` */
  out?: string;
  /** Progress output (stdout). */
  write?: (text: string) => void;
  /** Whether `write` is a terminal (a redrawn bar) or not (plain lines). @defaultValue process.stdout.isTTY */
  tty?: boolean;
  /** Warnings and errors of the agent and controller. @defaultValue stderr; every line also goes to `<stateDir>/agent.log` */
  log?: (line: string) => void;
  /** Where Ctrl-C reaches the sweep: the handler gets 1 for the first interrupt (preempt runs, stop cleanly), 2+ after (kill now). */
  interrupts?: { onInterrupt(handler: (count: number) => void): void };
}

export interface LocalSweepResult {
  sweepId: string;
  state: string;
  best: SweepSummary['best'];
  bestFile?: string;
  /** 0 done, 1 the agent gave up (failure budget), 130 interrupted. */
  exitCode: number;
}

interface SweepIndex {
  [file: string]: string;
}

function readIndex(path: string): SweepIndex {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SweepIndex;
  } catch {
    return {};
  }
}

async function startServerOnFreePort(redisUrl: string, port: number, log: (m: string) => void): Promise<RunningServer> {
  try {
    return await startServer({ port, redisUrl, log });
  } catch (err) {
    if (port !== 0 && (err as { cause?: NodeJS.ErrnoException }).cause?.code === 'EADDRINUSE') return await startServer({ port: 0, redisUrl, log });
    throw err;
  }
}

export async function runLocalSweep(options: LocalSweepOptions): Promise<LocalSweepResult> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const tty = options.tty ?? Boolean(process.stdout.isTTY);
  const file = resolve(options.file);
  const source = readFileSync(file, 'utf8');
  const config = loadSweepFile(options.file, { onWarning: (w) => process.stderr.write(`warning: ${formatConfigIssue(options.file, w)}\n`) });
  const stateDir = resolve(options.stateDir ?? '.hypersweep');
  mkdirSync(stateDir, { recursive: true });
  // The full log goes to a file; the terminal keeps the progress bar and what needs a look.
  const logFile = join(stateDir, 'agent.log');
  const toTerminal = options.log ?? ((l: string) => process.stderr.write(tty ? `\r\u001b[2K${l}` : l));
  const logLine = (line: string): void => {
    appendFileSync(logFile, line);
    if (/^\S+ (warn|error)\b/.test(line) || !/^\d{4}-/.test(line)) toTerminal(line);
  };

  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  let privateRedis: PrivateRedis | undefined;
  let server: RunningServer | undefined;
  let agent: Agent | undefined;
  let redis: Redis | undefined;
  const cleanup = async (): Promise<void> => {
    await server?.close().catch(() => undefined);
    redis?.disconnect();
    await privateRedis?.stop();
  };

  try {
    if (!redisUrl) privateRedis = await startPrivateRedis({ dir: join(stateDir, 'redis') });
    const url = redisUrl ?? privateRedis!.url;
    redis = new Redis(url, { maxRetriesPerRequest: null });
    server = await startServerOnFreePort(url, options.port ?? 7070, (m) => logLine(`${m}\n`));

    const indexPath = join(stateDir, 'sweeps.json');
    const index = readIndex(indexPath);
    let sweepId = options.resume ? index[file] : undefined;
    if (sweepId) {
      const existing = await getSweepSummary(redis, sweepId).catch(() => undefined);
      if (!existing) sweepId = undefined;
      else if (existing.state === 'paused') await setSweepState(redis, sweepId, 'running', { from: ['paused'], reason: 'resumed by hypersweep run --resume' });
    }
    if (sweepId) write(`resuming sweep ${sweepId}\n`);
    else {
      if (options.resume) write(`no sweep of ${options.file} to resume: starting a new one\n`);
      sweepId = (await createSweep(redis, { config, source })).id;
      writeFileSync(indexPath, `${JSON.stringify({ ...index, [file]: sweepId }, null, 2)}\n`);
      write(`created sweep ${sweepId} (${config.name ?? basename(options.file)}: ${config.method})\n`);
    }
    write(`dashboard: ${server.url}/#/sweeps/${sweepId}\n`);
    write(`log: ${logFile}\n`);

    const detected = options.agents === undefined ? await queryGpus() : { gpus: [] };
    const { slots, note, idle, refusal } = planSlots({ slots: options.agents, visibleDevices: process.env.CUDA_VISIBLE_DEVICES, gpusPerRun: config.execution.gpus_per_run }, detected.gpus);
    write(`agent: ${[note, ...idle].join('; ')}\n`);
    if (refusal) throw new HypersweepError('BAD_REQUEST', `${refusal} (--agents N runs N at once without GPUs)`);
    agent = new Agent({
      sweepId,
      redisUrl: url,
      slots,
      log: createAgentLog(logLine),
      interpreter: process.env.HYPERSWEEP_INTERPRETER ?? 'python3',
    });

    let interrupted = 0;
    options.interrupts?.onInterrupt((count) => {
      interrupted = count;
      if (count === 1) {
        write(`\nstopping: running runs are preempted; \`hypersweep run ${options.file} --resume\` continues the sweep\n`);
        void agent?.preempt();
      } else {
        agent?.killAll();
      }
    });

    await agent.start();
    const id = sweepId;
    let last = '';
    const store = redis;
    const render = async (): Promise<SweepSummary> => {
      const summary = await getSweepSummary(store, id);
      const line = progressLine({ state: summary.state, counts: summary.counts, total: summary.total, best: summary.best, metricName: summary.metric?.name ?? null });
      if (line !== last) {
        write(tty ? `\r\u001b[2K${line}` : `${line}\n`);
        last = line;
      }
      return summary;
    };
    const timer = setInterval(() => void render().catch(() => undefined), 500);
    const agentExit = await agent.done;
    clearInterval(timer);
    // Let the controller apply the agent's last events before the summary.
    const deadline = Date.now() + 3000;
    let summary = await render();
    while (summary.counts.running > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      summary = await render();
    }
    if (tty) write('\n');

    const result: LocalSweepResult = { sweepId: id, state: summary.state, best: summary.best, exitCode: interrupted ? 130 : agentExit === 0 ? 0 : 1 };
    if (summary.best) {
      const bestFile = resolve(options.out ?? join(stateDir, `best-${id}.yaml`));
      writeFileSync(bestFile, stringify({ sweep: id, run: summary.best.runId, [summary.metric?.name ?? 'value']: summary.best.value, config: summary.best.config }));
      result.bestFile = bestFile;
      write(`best ${summary.metric?.name ?? 'value'} ${summary.best.value} (run ${summary.best.runId}):\n`);
      write(`${stringify(summary.best.config).trimEnd().replace(/^/gm, '  ')}\n`);
      write(`written to ${bestFile}\n`);
    } else {
      write('no run has reported the metric yet\n');
    }
    if (result.exitCode === 1) write(`the agent stopped before the sweep ended (exit ${agentExit}); see the log above and the dashboard\n`);
    return result;
  } finally {
    await cleanup();
  }
}
