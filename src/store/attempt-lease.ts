/**
 * The agent's side of the run protocol: claiming an attempt, keeping its lease, reporting
 * events. The controller never trusts an agent's word about state; it applies the events
 * (src/store/run-events.ts) and fences them by token.
 *
 * Protocol:
 * 1. The controller creates the run (state `pending`, attempt n, token T) and adds the job
 *    `runJobId(runId, n)` carrying T.
 * 2. An agent slot takes the job and calls `claimAttempt`: one Lua script that checks T is
 *    still the run's token, the run is still `pending` and no one holds or has finished this
 *    attempt, sets the lease `T|agentId|slot` with a TTL, and appends the `started` event.
 *    Anything else → the job is stale (a redelivered job): complete it, run nothing. The same
 *    claim again (ioredis re-sends it after a reconnect lost the reply) finds its own lease: ok.
 * 3. While the child runs, the agent calls `renewLease` every `leaseMs / 4` from its own event
 *    loop. It answers whether the lease is still held and whether a stop/cancel was requested
 *    (run field `stop`). The child must be dead `leaseMs − leaseMs / 5` after the last renewal
 *    Redis confirmed was *sent* (worker/lease-deadline.ts), enforced by the agent and by its
 *    sentinel process; lease lost → the agent kills the child at once.
 * 4. The agent appends `metrics` events as the script logs, then one `finished` event, and in
 *    the same script turns the lease into the marker `done|T` (kept a day): the attempt can
 *    never be claimed again, and the lease watch never mistakes it for a lost one while its
 *    `finished` event waits to be applied.
 * 5. The controller marks a `running` run whose lease key has been gone for its re-queue margin
 *    (2 s) as `crashed` and queues attempt n+1 with a new token; any late report of attempt n
 *    (events, output tail) is refused.
 */
import type { RedisClient } from './redis-client.js';
import { keys } from './keys.js';
import { encodeRunEvent, type FinishedEvent, type RunEvent } from './run-events.js';
import { callScript } from './store-scripts.js';

/** How long a finished attempt's marker outlives it: until the controller has surely applied its events. */
const DONE_MARKER_MS = 24 * 3600 * 1000;

function leaseValue(token: string, agentId: string, slot: string): string {
  return `${token}|${agentId}|${slot}`;
}

export interface LeaseHolder {
  sweepId: string;
  runId: string;
  attempt: number;
  token: string;
  agentId: string;
  slot: string;
}

export type ClaimResult = 'ok' | 'stale' | 'taken';

/** Step 2: take the attempt, or learn that it is stale or already held. */
export async function claimAttempt(redis: RedisClient, holder: LeaseHolder, leaseMs: number, started: { host: string; pid: number; at: number }): Promise<ClaimResult> {
  const event: RunEvent = { type: 'started', runId: holder.runId, attempt: holder.attempt, token: holder.token, agentId: holder.agentId, slot: holder.slot, ...started };
  const result = await callScript(
    redis,
    'hsClaimAttempt',
    [keys.run(holder.sweepId, holder.runId), keys.runLease(holder.sweepId, holder.runId), keys.sweepEvents(holder.sweepId)],
    [holder.token, leaseValue(holder.token, holder.agentId, holder.slot), leaseMs, ...encodeRunEvent(event)],
  );
  return result as ClaimResult;
}

export interface LeaseStatus {
  /** False once the lease expired or another attempt took the run: kill the child. */
  held: boolean;
  /** A stop the controller requested for the run: `stop` (SIGTERM, grace) or `cancel` (kill now). */
  stop: 'stop' | 'cancel' | undefined;
}

/** Step 3: extend the lease; called by the agent itself, never by the child. */
export async function renewLease(redis: RedisClient, holder: LeaseHolder, leaseMs: number): Promise<LeaseStatus> {
  const [held, stop] = (await callScript(redis, 'hsRenewLease', [keys.run(holder.sweepId, holder.runId), keys.runLease(holder.sweepId, holder.runId)], [leaseValue(holder.token, holder.agentId, holder.slot), leaseMs])) as [number, string];
  return { held: held === 1, stop: stop === 'stop' || stop === 'cancel' ? stop : undefined };
}

/** Step 4: append a metrics (or any non-final) event. */
export async function reportEvent(redis: RedisClient, sweepId: string, event: RunEvent): Promise<void> {
  await redis.xadd(keys.sweepEvents(sweepId), '*', ...encodeRunEvent(event));
}

/** Step 4, last: append the finished event and release the lease in one step. */
export async function finishAttempt(redis: RedisClient, holder: LeaseHolder, event: Omit<FinishedEvent, 'type' | 'runId' | 'attempt' | 'token'>): Promise<void> {
  const full: FinishedEvent = { type: 'finished', runId: holder.runId, attempt: holder.attempt, token: holder.token, ...event };
  await callScript(redis, 'hsFinishAttempt', [keys.runLease(holder.sweepId, holder.runId), keys.sweepEvents(holder.sweepId)], [leaseValue(holder.token, holder.agentId, holder.slot), holder.token, DONE_MARKER_MS, ...encodeRunEvent(full)]);
}

/**
 * While the child runs: the latest output tail of the run (keys.runOutput), for the dashboard and
 * `logs`; refused (false) once `token` is no longer the run's, so a stale attempt cannot
 * overwrite the current attempt's output.
 */
export async function publishRunOutput(redis: RedisClient, sweepId: string, runId: string, token: string, text: string): Promise<boolean> {
  return (await callScript(redis, 'hsPublishOutput', [keys.run(sweepId, runId), keys.runOutput(sweepId, runId)], [token, text])) === 1;
}
