/**
 * `hypersweep run` as a function: a whole sweep on this machine in one process tree — a
 * private redis-server (unless REDIS_URL is given), the controller and API (with the
 * dashboard), and a local agent — with live progress, the best config printed and written,
 * and a clean stop on Ctrl-C that `--resume` continues from.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RedisClient } from '../store/redis-client.js';
import { connectRedis } from '../store/connect-redis.js';
import { startServer, type RunningServer } from '../api/start-server.js';
import { loadSweepFile } from '../config/load-sweep-file.js';
import type { SweepConfig } from '../config/types.js';
import { formatConfigIssue, HypersweepError } from '../errors.js';
import type { SweepSummary } from '../store/sweep-store.js';
import { Agent } from '../../worker/agent.js';
import { createAgentLog } from '../../worker/agent-log.js';
import { queryGpus } from '../../worker/gpu-slots.js';
import { planSlots } from '../../worker/slot-plan.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { writeBest } from './best-output.js';
import { writePareto } from './pareto-output.js';
import { ProgressWatch } from './progress-watch.js';
import { chooseSweep } from './sweep-index.js';

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

/** The dashboard page `route` with the API token in the fragment (never sent to a server, dropped from the address bar on load). */
export function dashboardUrl(serverUrl: string, token: string, route: string): string {
  return `${serverUrl}/#token=${encodeURIComponent(token)}&${route}`;
}

async function startServerOnFreePort(redisUrl: string, port: number, token: string, log: (m: string) => void): Promise<RunningServer> {
  try {
    return await startServer({ port, redisUrl, token, log });
  } catch (err) {
    if (port !== 0 && (err as { cause?: NodeJS.ErrnoException }).cause?.code === 'EADDRINUSE') return await startServer({ port: 0, redisUrl, token, log });
    throw err;
  }
}

/** The full log goes to `<stateDir>/agent.log`; the terminal keeps the progress bar and what needs a look. */
function localLog(stateDir: string, tty: boolean, toTerminal: ((line: string) => void) | undefined): { logFile: string; logLine: (line: string) => void } {
  const logFile = join(stateDir, 'agent.log');
  const terminal = toTerminal ?? ((l: string) => process.stderr.write(tty ? `\r\u001b[2K${l}` : l));
  const logLine = (line: string): void => {
    appendFileSync(logFile, line);
    if (/^\S+ (warn|error)\b/.test(line) || !/^\d{4}-/.test(line)) terminal(line);
  };
  return { logFile, logLine };
}

/** Ctrl-C once: preempt the runs and stop cleanly; twice: kill now. Returns how many interrupts came. */
function onInterrupts(options: LocalSweepOptions, agent: Agent, write: (text: string) => void): () => number {
  let interrupted = 0;
  options.interrupts?.onInterrupt((count) => {
    interrupted = count;
    if (count === 1) {
      write(`\nstopping: running runs are preempted; \`hypersweep run ${options.file} --resume\` continues the sweep\n`);
      void agent.preempt();
    } else {
      agent.killAll();
    }
  });
  return () => interrupted;
}

/** The local agent: one slot per GPU (or --agents N), refused with a reason when the plan cannot run. */
async function localAgent(options: LocalSweepOptions, sweepId: string, url: string, config: SweepConfig, logLine: (line: string) => void, write: (text: string) => void): Promise<Agent> {
  const detected = options.agents === undefined ? await queryGpus() : { gpus: [] };
  const { slots, note, idle, refusal } = planSlots({ slots: options.agents, visibleDevices: process.env.CUDA_VISIBLE_DEVICES, gpusPerRun: config.execution.gpus_per_run }, detected.gpus);
  write(`agent: ${[note, ...idle].join('; ')}\n`);
  if (refusal) throw new HypersweepError('BAD_REQUEST', `${refusal} (--agents N runs N at once without GPUs)`);
  return new Agent({ sweepId, redisUrl: url, slots, log: createAgentLog(logLine), interpreter: process.env.HYPERSWEEP_INTERPRETER ?? 'python3' });
}

export async function runLocalSweep(options: LocalSweepOptions): Promise<LocalSweepResult> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const tty = options.tty ?? Boolean(process.stdout.isTTY);
  const file = resolve(options.file);
  const source = readFileSync(file, 'utf8');
  const config = loadSweepFile(options.file, { onWarning: (w) => process.stderr.write(`warning: ${formatConfigIssue(options.file, w)}\n`) });
  const stateDir = resolve(options.stateDir ?? '.hypersweep');
  mkdirSync(stateDir, { recursive: true });
  const { logFile, logLine } = localLog(stateDir, tty, options.log);

  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  let privateRedis: PrivateRedis | undefined;
  let server: RunningServer | undefined;
  let redis: RedisClient | undefined;
  try {
    // Redis and the API are trust boundaries even on a laptop: a random password for the private
    // redis-server and a random API token, handed to the dashboard in the URL fragment.
    if (!redisUrl) privateRedis = await startPrivateRedis({ dir: join(stateDir, 'redis'), password: randomBytes(24).toString('hex') });
    const url = redisUrl ?? privateRedis!.url;
    redis = connectRedis(url, { maxRetriesPerRequest: null });
    const token = randomBytes(24).toString('base64url');
    server = await startServerOnFreePort(url, options.port ?? 7070, token, (m) => logLine(`${m}\n`));
    const sweepId = await chooseSweep(redis, { file, shownFile: options.file, config, source, resume: options.resume ?? false, indexPath: join(stateDir, 'sweeps.json'), write });
    write(`dashboard: ${dashboardUrl(server.url, token, `/sweeps/${sweepId}`)}\n`);
    write(`log: ${logFile}\n`);

    const agent = await localAgent(options, sweepId, url, config, logLine, write);
    const interrupts = onInterrupts(options, agent, write);
    await agent.start();
    const progress = new ProgressWatch(redis, sweepId, write, tty);
    const agentExit = await agent.done;
    const summary = await progress.finish();

    const result: LocalSweepResult = { sweepId, state: summary.state, best: summary.best, exitCode: interrupts() ? 130 : agentExit === 0 ? 0 : 1 };
    const bestPath = resolve(options.out ?? join(stateDir, `best-${sweepId}.yaml`));
    const bestFile = config.metrics ? await writePareto(redis, sweepId, config.metrics, bestPath, write) : writeBest(summary, bestPath, write);
    if (bestFile) result.bestFile = bestFile;
    if (result.exitCode === 1) write(`the agent stopped before the sweep ended (exit ${agentExit}); see the log above and the dashboard\n`);
    return result;
  } finally {
    await server?.close().catch(() => undefined);
    redis?.disconnect();
    await privateRedis?.stop();
  }
}
