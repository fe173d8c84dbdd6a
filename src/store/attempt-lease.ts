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
 *    Anything else → the job is stale (a redelivered job): complete it, run nothing.
 * 3. While the child runs, the agent calls `renewLease` every `leaseMs / 3` from its own event
 *    loop. It answers whether the lease is still held and whether a stop/cancel was requested
 *    (run field `stop`). Lease lost → the agent kills the child.
 * 4. The agent appends `metrics` events as the script logs, then one `finished` event, and in
 *    the same script turns the lease into the marker `done|T` (kept a day): the attempt can
 *    never be claimed again, and the lease watch never mistakes it for a lost one while its
 *    `finished` event waits to be applied.
 * 5. The controller marks a `running` run whose lease key has vanished as `crashed` and queues
 *    attempt n+1 with a new token; any late report of attempt n is refused.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { encodeRunEvent, type FinishedEvent, type RunEvent } from './run-events.js';

const CLAIM = `
local runKey, leaseKey, eventsKey = KEYS[1], KEYS[2], KEYS[3]
local token, lease, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local current = redis.call('HMGET', runKey, 'token', 'state')
if current[1] ~= token or current[2] ~= 'pending' then return 'stale' end
local held = redis.call('GET', leaseKey)
if held == 'done|' .. token then return 'stale' end
if held and string.sub(held, 1, 5) ~= 'done|' then return 'taken' end
redis.call('SET', leaseKey, lease, 'PX', ttl)
redis.call('XADD', eventsKey, '*', unpack(ARGV, 4))
return 'ok'
`;

const RENEW = `
local runKey, leaseKey = KEYS[1], KEYS[2]
local lease, ttl = ARGV[1], tonumber(ARGV[2])
if redis.call('GET', leaseKey) ~= lease then return {0, redis.call('HGET', runKey, 'stop') or ''} end
redis.call('PEXPIRE', leaseKey, ttl)
return {1, redis.call('HGET', runKey, 'stop') or ''}
`;

const FINISH = `
local leaseKey, eventsKey = KEYS[1], KEYS[2]
local lease, token, doneMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('GET', leaseKey) == lease then redis.call('SET', leaseKey, 'done|' .. token, 'PX', doneMs) end
redis.call('XADD', eventsKey, '*', unpack(ARGV, 4))
return 'ok'
`;

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
export async function claimAttempt(redis: Redis, holder: LeaseHolder, leaseMs: number, started: { host: string; pid: number; at: number }): Promise<ClaimResult> {
  const event: RunEvent = { type: 'started', runId: holder.runId, attempt: holder.attempt, token: holder.token, agentId: holder.agentId, slot: holder.slot, ...started };
  const result = await redis.eval(
    CLAIM,
    3,
    keys.run(holder.runId),
    keys.runLease(holder.runId),
    keys.sweepEvents(holder.sweepId),
    holder.token,
    leaseValue(holder.token, holder.agentId, holder.slot),
    String(leaseMs),
    ...encodeRunEvent(event),
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
export async function renewLease(redis: Redis, holder: LeaseHolder, leaseMs: number): Promise<LeaseStatus> {
  const [held, stop] = (await redis.eval(RENEW, 2, keys.run(holder.runId), keys.runLease(holder.runId), leaseValue(holder.token, holder.agentId, holder.slot), String(leaseMs))) as [number, string];
  return { held: held === 1, stop: stop === 'stop' || stop === 'cancel' ? stop : undefined };
}

/** Step 4: append a metrics (or any non-final) event. */
export async function reportEvent(redis: Redis, sweepId: string, event: RunEvent): Promise<void> {
  await redis.xadd(keys.sweepEvents(sweepId), '*', ...encodeRunEvent(event));
}

/** Step 4, last: append the finished event and release the lease in one step. */
export async function finishAttempt(redis: Redis, holder: LeaseHolder, event: Omit<FinishedEvent, 'type' | 'runId' | 'attempt' | 'token'>): Promise<void> {
  const full: FinishedEvent = { type: 'finished', runId: holder.runId, attempt: holder.attempt, token: holder.token, ...event };
  await redis.eval(FINISH, 2, keys.runLease(holder.runId), keys.sweepEvents(holder.sweepId), leaseValue(holder.token, holder.agentId, holder.slot), holder.token, String(DONE_MARKER_MS), ...encodeRunEvent(full));
}
