/**
 * The Lua scripts behind the store's run and sweep operations: each state change of a run is one
 * script, so the run hash, the per-state counts and the per-state index sets never disagree, and
 * every report is fenced by the attempt's token inside Redis itself.
 *
 * Every run script gets the same KEYS layout (runKeys()): 1 run, 2 sweep counts, 3..9 the
 * per-state run sets in RUN_STATES order, 10 history, 11 attempts, 12 output, 13 scores,
 * 14 lease, 15 sweep runs; except the metrics batch (the hot path: run, history pairs), the
 * sweep, lock and lease scripts.
 *
 * The one Lua convention: every script of the store is in SCRIPTS below and registered once
 * per connection with ioredis `defineCommand`, so it travels by EVALSHA (also inside
 * pipelines) and ioredis falls back to EVAL when Redis answers NOSCRIPT (after a restart or
 * SCRIPT FLUSH). No store file sends script text any other way.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { FINAL_RUN_STATES, RUN_STATES } from '../run-record.js';
import { keys } from './keys.js';

/** The KEYS of every run script, in the documented order. */
export function runKeys(sweepId: string, runId: string): string[] {
  return [
    keys.run(sweepId, runId),
    keys.sweepCounts(sweepId),
    ...RUN_STATES.map((state) => keys.sweepStateRuns(sweepId, state)),
    keys.runHistory(sweepId, runId),
    keys.runAttempts(sweepId, runId),
    keys.runOutput(sweepId, runId),
    keys.sweepScores(sweepId),
    keys.runLease(sweepId, runId),
    keys.sweepRuns(sweepId),
  ];
}
const RUN_KEY_COUNT = 15;

/** FINAL[state] is true for the states a run never leaves (src/run-record.ts, FINAL_RUN_STATES). */
const FINAL_LUA = `local FINAL = {${FINAL_RUN_STATES.map((s) => `${s}=true`).join(', ')}}`;

/** A run's output tail: an empty one is no key at all (a key costs ~100 B of Redis even empty). */
const SET_OUTPUT_LUA = `local function setOutput(key, text)
  if text == '' then redis.call('DEL', key) else redis.call('SET', key, text) end
end`;

const PRELUDE = `
${FINAL_LUA}
${SET_OUTPUT_LUA}
local STATE_KEY = {${RUN_STATES.map((s, i) => `${s}=${i + 3}`).join(', ')}}
local function move(runId, from, to, seq)
  if from == to then return end
  if from then
    redis.call('HINCRBY', KEYS[2], from, -1)
    redis.call('ZREM', KEYS[STATE_KEY[from]], runId)
  end
  redis.call('HINCRBY', KEYS[2], to, 1)
  redis.call('ZADD', KEYS[STATE_KEY[to]], seq, runId)
end
-- Close the attempt record of \`attempt\` (append one when its start was never applied).
local function closeAttempt(attempt, outcome, endedAt, exitCode, signal)
  local last = redis.call('LINDEX', KEYS[11], -1)
  local rec
  if last then rec = cjson.decode(last) end
  if rec and tonumber(rec.attempt) == attempt then
    rec.endedAt = endedAt; rec.outcome = outcome; rec.exitCode = exitCode; rec.signal = signal
    redis.call('LSET', KEYS[11], -1, cjson.encode(rec))
  else
    rec = {attempt = attempt, agentId = cjson.null, slot = cjson.null, startedAt = cjson.null, endedAt = endedAt, outcome = outcome, exitCode = exitCode, signal = signal}
    redis.call('RPUSH', KEYS[11], cjson.encode(rec))
  end
end
-- Queue the run again as the next attempt with a new token.
local function requeue(runId, from, seq, attempt, counted, newToken)
  redis.call('HSET', KEYS[1], 'state', 'pending', 'attempt', attempt + 1, 'token', newToken, 'lastSeq', 0, 'counted', counted)
  redis.call('HDEL', KEYS[1], 'agentId', 'slot', 'startedAt', 'endedAt', 'stop', 'stopReason', 'score', 'exitCode', 'signal', 'summary')
  redis.call('ZREM', KEYS[13], runId)
  move(runId, from, 'pending', seq)
  return {'requeued', tostring(attempt + 1), newToken}
end
`;

/** ARGV: runId, sweepId, configJson, token, reason, createdAt, cap (-1: none), sweep file version. → created | exists | capped */
const CREATE_RUN = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
local n = redis.call('ZCARD', KEYS[15])
local cap = tonumber(ARGV[7])
if cap >= 0 and n >= cap then return 'capped' end
local seq = n + 1
redis.call('ZADD', KEYS[15], seq, ARGV[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'sweepId', ARGV[2], 'state', 'pending', 'config', ARGV[3], 'attempt', 1, 'token', ARGV[4],
  'reason', ARGV[5], 'createdAt', ARGV[6], 'seq', seq, 'lastSeq', 0, 'counted', 1, 'version', ARGV[8])
move(ARGV[1], false, 'pending', seq)
return 'created'
`;

/** ARGV: runId, token, agentId, slot, startedAt, attemptJson. → applied | stale | unknown | ignored */
const APPLY_STARTED = `${PRELUDE}
local r = redis.call('HMGET', KEYS[1], 'token', 'state', 'seq')
if not r[1] then return 'unknown' end
if r[1] ~= ARGV[2] then return 'stale' end
if r[2] ~= 'pending' then return 'ignored' end
redis.call('HSET', KEYS[1], 'state', 'running', 'agentId', ARGV[3], 'slot', ARGV[4], 'startedAt', ARGV[5])
move(ARGV[1], 'pending', 'running', tonumber(r[3]))
redis.call('RPUSH', KEYS[11], ARGV[6])
return 'applied'
`;

/**
 * Many metrics reports in one call (consecutive ones of a batch). KEYS: run1, history1, run2,
 * history2, ... ARGV per report: token, seq, rowCount, row JSON... → one status per report.
 */
const APPLY_METRICS_BATCH = `
${FINAL_LUA}
local out = {}
local a = 1
for k = 1, #KEYS, 2 do
  local token, seq, n = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local first = a + 3
  a = first + n
  local r = redis.call('HMGET', KEYS[k], 'token', 'lastSeq', 'state')
  if not r[1] then out[#out + 1] = 'unknown'
  elseif r[1] ~= token then out[#out + 1] = 'stale'
  elseif seq <= tonumber(r[2] or '0') or FINAL[r[3]] then out[#out + 1] = 'duplicate'
  else
    local i = first
    while i < a do
      local j = math.min(i + 999, a - 1)
      redis.call('RPUSH', KEYS[k + 1], unpack(ARGV, i, j))
      i = j + 1
    end
    redis.call('HSET', KEYS[k], 'lastSeq', seq)
    out[#out + 1] = 'applied'
  end
end
return out
`;

/**
 * ARGV: runId, token, outcome, exitCode, signal, endedAt, outputTail, summaryJson, message,
 * newToken, maxAttempts, retryFailed (0|1), allowRequeue (0|1).
 * → {applied, state} | {requeued, attempt, token} | {stale} | {unknown} | {ignored, state}
 */
const APPLY_FINISHED = `${PRELUDE}
local r = redis.call('HMGET', KEYS[1], 'token', 'state', 'seq', 'attempt', 'counted')
if not r[1] then return {'unknown'} end
if r[1] ~= ARGV[2] then return {'stale'} end
local state, seq, attempt, counted = r[2], tonumber(r[3]), tonumber(r[4]), tonumber(r[5] or '1')
if FINAL[state] then return {'ignored', state} end
local outcome = ARGV[3]
local exitCode = cjson.null
if ARGV[4] ~= '' then exitCode = tonumber(ARGV[4]) end
local signal = cjson.null
if ARGV[5] ~= '' then signal = ARGV[5] end
closeAttempt(attempt, outcome, tonumber(ARGV[6]), exitCode, signal)
setOutput(KEYS[12], ARGV[7])
local maxAttempts, retryFailed, allowRequeue = tonumber(ARGV[11]), ARGV[12] == '1', ARGV[13] == '1'
local target
if outcome == 'finished' then target = 'finished'
elseif outcome == 'stopped' then target = 'stopped'
elseif outcome == 'canceled' then target = 'canceled'
elseif outcome == 'preempted' then
  if allowRequeue then return requeue(ARGV[1], state, seq, attempt, counted, ARGV[10]) end
  target = 'stopped'
elseif outcome == 'lost' then
  if allowRequeue and counted < maxAttempts then return requeue(ARGV[1], state, seq, attempt, counted + 1, ARGV[10]) end
  target = 'crashed'
else
  if retryFailed and allowRequeue and counted < maxAttempts then return requeue(ARGV[1], state, seq, attempt, counted + 1, ARGV[10]) end
  target = 'failed'
end
redis.call('HSET', KEYS[1], 'state', target, 'endedAt', ARGV[6], 'exitCode', ARGV[4], 'signal', ARGV[5], 'message', ARGV[9])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'summary', ARGV[8]) end
move(ARGV[1], state, target, seq)
return {'applied', target}
`;

/**
 * A running run whose lease vanished: crashed, and queued again while attempts are left.
 * ARGV: runId, token, now, newToken, maxAttempts, allowRequeue (0|1).
 * → {requeued, attempt, token} | {crashed} | {skip}
 */
const CRASH_RUN = `${PRELUDE}
local r = redis.call('HMGET', KEYS[1], 'token', 'state', 'seq', 'attempt', 'counted')
if r[1] ~= ARGV[2] or r[2] ~= 'running' then return {'skip'} end
if redis.call('EXISTS', KEYS[14]) == 1 then return {'skip'} end
local seq, attempt, counted = tonumber(r[3]), tonumber(r[4]), tonumber(r[5] or '1')
closeAttempt(attempt, 'lost', tonumber(ARGV[3]), cjson.null, cjson.null)
if ARGV[6] == '1' and counted < tonumber(ARGV[5]) then return requeue(ARGV[1], 'running', seq, attempt, counted + 1, ARGV[4]) end
redis.call('HSET', KEYS[1], 'state', 'crashed', 'endedAt', ARGV[3], 'message', 'agent lost (lease expired)')
move(ARGV[1], 'running', 'crashed', seq)
return {'crashed'}
`;

/**
 * Ask the agent running a run to stop it (run field \`stop\`). ARGV: runId, kind (stop|cancel), reason.
 * → requested | skip
 */
const REQUEST_STOP = `
${FINAL_LUA}
local r = redis.call('HMGET', KEYS[1], 'state', 'stop')
if not r[1] or FINAL[r[1]] then return 'skip' end
if r[2] == ARGV[2] or r[2] == 'cancel' then return 'skip' end
redis.call('HSET', KEYS[1], 'stop', ARGV[2], 'stopReason', ARGV[3])
return 'requested'
`;

/** A pending run that will never start. ARGV: runId, reason, now. → canceled | skip */
const CANCEL_PENDING = `${PRELUDE}
local r = redis.call('HMGET', KEYS[1], 'state', 'seq')
if r[1] ~= 'pending' then return 'skip' end
redis.call('HSET', KEYS[1], 'state', 'canceled', 'stop', 'cancel', 'stopReason', ARGV[2], 'endedAt', ARGV[3])
move(ARGV[1], 'pending', 'canceled', tonumber(r[2]))
return 'canceled'
`;

/**
 * KEYS: sweep hash. ARGV: to, reason, now, allowed from-states (comma list).
 * → ok | the current state (illegal) | unknown
 */
const SET_SWEEP_STATE = `
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return 'unknown' end
local allowed = false
for from in string.gmatch(ARGV[4], '[^,]+') do if from == s then allowed = true end end
if not allowed then return s end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'stateReason', ARGV[2])
if ARGV[1] == 'finished' or ARGV[1] == 'canceled' then redis.call('HSET', KEYS[1], 'finishedAt', ARGV[3]) end
return 'ok'
`;

/**
 * Runs' scores in one call. KEYS: the sweep's scores ZSET, then each run's hash.
 * ARGV per run: runId, score ('' removes it).
 */
const WRITE_SCORES = `
for k = 2, #KEYS do
  local runId, score = ARGV[2 * k - 3], ARGV[2 * k - 2]
  if score == '' then
    redis.call('HDEL', KEYS[k], 'score')
    redis.call('ZREM', KEYS[1], runId)
  else
    redis.call('HSET', KEYS[k], 'score', score)
    redis.call('ZADD', KEYS[1], score, runId)
  end
end
return #KEYS - 1
`;

/** KEYS: lock. ARGV: owner, ttlMs. → 1 when held (acquired or renewed), 0 otherwise. */
const HOLD_LOCK = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
`;

/** KEYS: lock. ARGV: owner, ttlMs. → 1 when `owner` held it and it was renewed; 0 (never taken here) otherwise. */
const RENEW_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`;

/** KEYS: lock. ARGV: owner. Deletes the lock only when this owner holds it. */
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;


/**
 * The lease scripts of src/store/attempt-lease.ts (its numbered protocol, steps 2–4).
 * KEYS: run, lease, events. ARGV: token, lease value, ttlMs, event fields... → ok | stale | taken
 */
const CLAIM_ATTEMPT = `
local runKey, leaseKey, eventsKey = KEYS[1], KEYS[2], KEYS[3]
local token, lease, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local held = redis.call('GET', leaseKey)
-- The same claim again (ioredis re-sends a command whose reply a reconnect lost): it is ours.
if held == lease then return 'ok' end
local current = redis.call('HMGET', runKey, 'token', 'state')
if current[1] ~= token or current[2] ~= 'pending' then return 'stale' end
if held == 'done|' .. token then return 'stale' end
if held and string.sub(held, 1, 5) ~= 'done|' then return 'taken' end
redis.call('SET', leaseKey, lease, 'PX', ttl)
redis.call('XADD', eventsKey, '*', unpack(ARGV, 4))
return 'ok'
`;

/** KEYS: run, output. ARGV: token, text. The output tail of the run's current attempt only: a stale attempt writes nothing. → 1 | 0 */
const PUBLISH_OUTPUT = `
${SET_OUTPUT_LUA}
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
setOutput(KEYS[2], ARGV[2])
return 1
`;

/** KEYS: run, lease. ARGV: lease value, ttlMs. → {held 0|1, stop request or ''} */
const RENEW_LEASE = `
local runKey, leaseKey = KEYS[1], KEYS[2]
local lease, ttl = ARGV[1], tonumber(ARGV[2])
if redis.call('GET', leaseKey) ~= lease then return {0, redis.call('HGET', runKey, 'stop') or ''} end
redis.call('PEXPIRE', leaseKey, ttl)
return {1, redis.call('HGET', runKey, 'stop') or ''}
`;

/** KEYS: lease, events. ARGV: lease value, token, doneMs, event fields... → ok */
const FINISH_ATTEMPT = `
local leaseKey, eventsKey = KEYS[1], KEYS[2]
local lease, token, doneMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('GET', leaseKey) == lease then redis.call('SET', leaseKey, 'done|' .. token, 'PX', doneMs) end
redis.call('XADD', eventsKey, '*', unpack(ARGV, 4))
return 'ok'
`;

/**
 * Fenced leader writes (design.md: every write of the leader is fenced by its lock token, as
 * every report of an agent by its attempt token). Every script starts with KEYS[1] = a leader
 * lock and ARGV[1] = the owner the caller believes it is; when the owner is not '' and the lock
 * is not that owner's, the script writes nothing and fails with DEPOSED. Both are removed from
 * KEYS/ARGV before the script's own body runs, so its documented layout is unchanged.
 */
const FENCE = `
local fenceKey = table.remove(KEYS, 1)
local fenceOwner = table.remove(ARGV, 1)
if fenceOwner ~= '' and redis.call('GET', fenceKey) ~= fenceOwner then
  return redis.error_reply('DEPOSED ' .. fenceKey .. ' is not held by ' .. fenceOwner)
end
`;

/** The leader lock a write is fenced by, and the owner the writer believes it is. */
export interface Fence {
  key: string;
  owner: string;
}

/** The message prefix of a fenced write refused because the writer is no longer the leader. */
export const DEPOSED = 'DEPOSED';

/**
 * A leader's read of its events, fenced like its writes (XREADGROUP moves entries to the
 * consumer's pending list). KEYS: events. ARGV: group, consumer, count, start id.
 */
const READ_EVENTS = `
return redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], ARGV[4])
`;

/**
 * An agent's presence, a controller wake and what its heartbeat asks, in one call (no MULTI:
 * ioredis builds every pipeline with a method per defined script, BullMQ's and ours, ~80).
 * KEYS: sweep, agent hash, agents index, liveness key, then the hashes of runs whose stop request
 * is asked. ARGV: agentId ('' writes nothing), now, liveMs ('' deletes the liveness key), keepMs
 * ('' no TTL), wake channel, wake message ('' none), then the hash's field/value pairs.
 * Nothing is written once the sweep is gone (a removed sweep's agents write nothing back).
 * → {sweep state, stop of each run}
 */
const WRITE_AGENT = `
local state = redis.call('HGET', KEYS[1], 'state')
local out = {state}
if ARGV[1] ~= '' and state then
  redis.call('HSET', KEYS[2], unpack(ARGV, 7))
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
  if ARGV[3] == '' then redis.call('DEL', KEYS[4]) else redis.call('SET', KEYS[4], '1', 'PX', ARGV[3]) end
  if ARGV[4] ~= '' then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
end
if ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
for k = 5, #KEYS do out[k - 3] = redis.call('HGET', KEYS[k], 'stop') end
return out
`;

/**
 * One attempt's provenance record and the sweep's tallies, in one call. KEYS: the sweep's
 * provenance hash, the run's. ARGV: attempt, record (deflated), code field, packages field ('' none),
 * then blob field/value pairs written where missing.
 */
const WRITE_PROVENANCE = `
for i = 5, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[4], 1) end
return 1
`;

const SCRIPTS = {
  hsWriteAgent: { lua: WRITE_AGENT },
  hsReadEvents: { lua: READ_EVENTS, numberOfKeys: 1 },
  hsCreateRun: { lua: CREATE_RUN, numberOfKeys: RUN_KEY_COUNT },
  hsApplyStarted: { lua: APPLY_STARTED, numberOfKeys: RUN_KEY_COUNT },
  hsApplyMetricsBatch: { lua: APPLY_METRICS_BATCH },
  hsApplyFinished: { lua: APPLY_FINISHED, numberOfKeys: RUN_KEY_COUNT },
  hsCrashRun: { lua: CRASH_RUN, numberOfKeys: RUN_KEY_COUNT },
  hsRequestStop: { lua: REQUEST_STOP, numberOfKeys: RUN_KEY_COUNT },
  hsCancelPending: { lua: CANCEL_PENDING, numberOfKeys: RUN_KEY_COUNT },
  hsWriteScores: { lua: WRITE_SCORES },
  hsSetSweepState: { lua: SET_SWEEP_STATE, numberOfKeys: 1 },
  hsHoldLock: { lua: HOLD_LOCK, numberOfKeys: 1 },
  hsReleaseLock: { lua: RELEASE_LOCK, numberOfKeys: 1 },
  hsRenewLock: { lua: RENEW_LOCK, numberOfKeys: 1 },
  hsClaimAttempt: { lua: CLAIM_ATTEMPT, numberOfKeys: 3 },
  hsRenewLease: { lua: RENEW_LEASE, numberOfKeys: 2 },
  hsFinishAttempt: { lua: FINISH_ATTEMPT, numberOfKeys: 2 },
  hsPublishOutput: { lua: PUBLISH_OUTPUT, numberOfKeys: 2 },
  hsWriteProvenance: { lua: WRITE_PROVENANCE, numberOfKeys: 2 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type ScriptArg = string | number | Buffer;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;

const defined = new WeakSet<RedisClient>();

/** Register the scripts on a client (once); pipelines made afterwards carry them too. */
export function defineScripts(redis: RedisClient): void {
  if (defined.has(redis)) return;
  for (const [name, def] of Object.entries(SCRIPTS) as Array<[string, { lua: string; numberOfKeys?: number }]>) {
    redis.defineCommand(name, { lua: FENCE + def.lua, ...(def.numberOfKeys !== undefined ? { numberOfKeys: def.numberOfKeys + 1 } : {}) });
  }
  defined.add(redis);
}

/** Queue a call of a script without a fixed key count (its first argument is the number of keys). */
export function queueScriptVarKeys(pipeline: ChainableCommander, name: ScriptName, keyList: readonly string[], args: ReadonlyArray<string | number>, fence?: Fence): void {
  (pipeline as unknown as Record<ScriptName, (...a: Array<string | number>) => unknown>)[name](keyList.length + 1, fence?.key ?? keyList[0]!, ...keyList, fence?.owner ?? '', ...args);
}

/** Call a store script on a client (awaits the reply). */
export async function callScript(redis: RedisClient, name: ScriptName, keyList: readonly string[], args: readonly ScriptArg[], fence?: Fence): Promise<unknown> {
  defineScripts(redis);
  return await (redis as unknown as Record<ScriptName, ScriptFn>)[name](fence?.key ?? keyList[0]!, ...keyList, fence?.owner ?? '', ...args);
}

/** Call a store script without a fixed key count on a client (awaits the reply). */
export async function callScriptVarKeys(redis: RedisClient, name: ScriptName, keyList: readonly string[], args: readonly ScriptArg[], fence?: Fence): Promise<unknown> {
  defineScripts(redis);
  return await (redis as unknown as Record<ScriptName, ScriptFn>)[name](keyList.length + 1, fence?.key ?? keyList[0]!, ...keyList, fence?.owner ?? '', ...args);
}

/** Queue a store script call on a pipeline made from a client that defineScripts() saw. */
export function queueScript(pipeline: ChainableCommander, name: ScriptName, keyList: readonly string[], args: ReadonlyArray<string | number>, fence?: Fence): void {
  (pipeline as unknown as Record<ScriptName, (...a: Array<string | number>) => unknown>)[name](fence?.key ?? keyList[0]!, ...keyList, fence?.owner ?? '', ...args);
}
