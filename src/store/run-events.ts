/**
 * Run events: what agents report about the attempts they execute, through the sweep's Redis
 * stream (keys.sweepEvents). The controller consumes them with a consumer group, so a
 * restarted controller continues where it was; each event is applied once:
 * - every event carries (runId, attempt, token); an event whose token is not the run's
 *   current token is refused (fencing) and acknowledged;
 * - metrics carry `seq` (1, 2, ... per attempt); a seq at or below the run's lastSeq is a
 *   duplicate and is skipped.
 *
 * Stream entry fields: `type`, `runId`, `attempt`, `token`, and `data` (JSON of the rest).
 */
import type { HistoryRow } from '../run-record.js';

/** How an attempt ended, as the agent saw it. */
export type AttemptOutcome =
  /** exit code 0 */
  | 'finished'
  /** non-zero exit, or killed by a signal the agent did not send */
  | 'failed'
  /** killed after a stop request (early termination or sweep stop) */
  | 'stopped'
  /** killed after a cancel request */
  | 'canceled'
  /** the agent was told to shut down (SIGTERM/SIGINT): queue the run again */
  | 'preempted'
  /** killed at the sweep's run_timeout_sec (counts as failed) */
  | 'timeout'
  /** the agent lost its lease and killed the child: the controller decides */
  | 'lost'
  /** the command could not be built or started (bad macro, unset envvar, missing program) */
  | 'error';

interface EventBase {
  runId: string;
  attempt: number;
  token: string;
}

export interface StartedEvent extends EventBase {
  type: 'started';
  agentId: string;
  slot: string;
  host: string;
  pid: number;
  /** ms since epoch */
  at: number;
}

export interface MetricsEvent extends EventBase {
  type: 'metrics';
  /** 1, 2, ... per attempt. */
  seq: number;
  rows: HistoryRow[];
}

export interface FinishedEvent extends EventBase {
  type: 'finished';
  outcome: AttemptOutcome;
  exitCode: number | null;
  signal: string | null;
  /** Last 64 KB of the attempt's combined stdout/stderr. */
  outputTail: string;
  /** Final values the script reported, if any. */
  summary?: Record<string, number>;
  /** Human words for the outcome, e.g. `timed out after 600 s`, `unset environment variable DATA_DIR`. */
  message?: string;
  at: number;
}

export type RunEvent = StartedEvent | MetricsEvent | FinishedEvent;

/** Stream entry fields of an event (XADD ... field value ...). */
export function encodeRunEvent(event: RunEvent): string[] {
  const { type, runId, attempt, token, ...rest } = event;
  return ['type', type, 'runId', runId, 'attempt', String(attempt), 'token', token, 'data', JSON.stringify(rest)];
}

/** The event of a stream entry's fields, or undefined when the entry is not a run event. */
export function decodeRunEvent(fields: readonly string[]): RunEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const type = map.get('type');
  const runId = map.get('runId');
  const attempt = Number(map.get('attempt'));
  const token = map.get('token');
  if (!runId || !token || !Number.isInteger(attempt) || (type !== 'started' && type !== 'metrics' && type !== 'finished')) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(map.get('data') ?? '{}');
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  return { ...(data as object), type, runId, attempt, token } as RunEvent;
}
