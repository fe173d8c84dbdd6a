/**
 * Every Redis key hypersweep uses, built in this one file under one prefix (BullMQ's QueueKeys
 * habit). Ids are sanitised by their makers (run ids are `r` + hex; sweep ids `s` + base36),
 * so they never contain `:`, `{` or `}`.
 *
 * Layout for Redis Cluster: every key of one sweep (the sweep, its runs, its agents and its
 * BullMQ queue, src/queue/run-job.ts) carries the hash tag `{<sweepId>}`, so one sweep lives on
 * one cluster slot (its scripts, MULTIs and pipelines never span slots) and sweeps spread over
 * the shards. The only keys outside a sweep are `sweeps` (the index) and `layout`, each read or
 * written on its own; pub/sub channels are not keys. A run key needs its sweep id: a run found
 * by id alone is looked up through the index (src/store/run-store.ts, runSweepId).
 *
 * Who writes what (design.md: the controller is the single writer of run state):
 * - controller: sweep*, run*, history*, leader*; reads the events stream through its group.
 * - agent: its own agent* keys, lease keys of the attempts it holds, and the events stream (XADD).
 */

/** The prefix of every key; BullMQ queues use it too (`Queue({ prefix })`). */
export const KEY_PREFIX = 'hs';

/** The hash tag of a sweep's keys: the part of a key Redis Cluster hashes to pick its slot. */
export function sweepTag(sweepId: string): string {
  return `{${sweepId}}`;
}

/** The start of every key of one sweep. */
const sw = (sweepId: string): string => `${KEY_PREFIX}:${sweepTag(sweepId)}`;

/** The key layout `keys` builds (see src/store/key-migration.ts for the layout before it). */
export const KEY_LAYOUT_VERSION = 2;

export const keys = {
  /** ZSET sweepId → creation time (ms). */
  sweeps: () => `${KEY_PREFIX}:sweeps`,
  /** STRING: the KEY_LAYOUT_VERSION the data is stored in (absent: none yet, or the layout before 2). */
  layout: () => `${KEY_PREFIX}:layout`,
  /**
   * HASH: id, name, state, method, configJson, sourceText, seed, createdAt, finishedAt, stateReason,
   * total (grid size or run_cap; absent when unbounded).
   */
  sweep: (sweepId: string) => `${sw(sweepId)}:sweep`,
  /** ZSET runId → creation sequence: every run of a sweep, in proposal order. */
  sweepRuns: (sweepId: string) => `${sw(sweepId)}:runs`,
  /** ZSET runId → score, for runs with a score (best config in O(log n)). */
  sweepScores: (sweepId: string) => `${sw(sweepId)}:scores`,
  /** HASH run state → count (counts per state without scanning). */
  sweepCounts: (sweepId: string) => `${sw(sweepId)}:counts`,
  /** ZSET runId → creation sequence, for the runs of a sweep in one state (filter without scanning). */
  sweepStateRuns: (sweepId: string, state: string) => `${sw(sweepId)}:state:${state}`,
  /** LIST of canonical JSON configs a user enqueued (`hypersweep enqueue`), waiting for the leader to make them runs first. */
  sweepEnqueued: (sweepId: string) => `${sw(sweepId)}:enqueued`,
  /** LIST of JSON `{version, at, source}`: every version of the sweep file once it was edited (`hypersweep update`). */
  sweepVersions: (sweepId: string) => `${sw(sweepId)}:versions`,
  /** STRING controllerId with PX TTL: the per-sweep leader lock. */
  sweepLeader: (sweepId: string) => `${sw(sweepId)}:leader`,
  /** STREAM of run events (agent → controller); consumer group `controller`. See src/store/run-events.ts. */
  sweepEvents: (sweepId: string) => `${sw(sweepId)}:events`,
  /**
   * HASH: id, sweepId, state, config (JSON), attempt, token, agentId, slot, createdAt, startedAt,
   * endedAt, exitCode, signal, score, stopReason, stop (`stop` | `cancel` when requested), reason
   * (the proposal's reason), summary (JSON), lastSeq (last metrics seq applied for the current attempt),
   * seq (creation sequence in the sweep), counted (attempts that count toward max_attempts),
   * message (the agent's words about the last outcome).
   */
  run: (sweepId: string, runId: string) => `${sw(sweepId)}:run:${runId}`,
  /**
   * LIST of JSON rows `{_step, metric: value, ...}` in the order logged (pages with LRANGE). Rows of
   * attempt 2 and later carry `_attempt`, so a retried run keeps every point it ever logged.
   */
  runHistory: (sweepId: string, runId: string) => `${sw(sweepId)}:run:${runId}:history`,
  /** LIST of JSON attempt records `{attempt, agentId, slot, startedAt, endedAt, outcome, exitCode, signal}`. */
  runAttempts: (sweepId: string, runId: string) => `${sw(sweepId)}:run:${runId}:attempts`,
  /** STRING: the last 64 KB of output of the run's latest attempt; no key while that is empty. */
  runOutput: (sweepId: string, runId: string) => `${sw(sweepId)}:run:${runId}:output`,
  /** HASH attempt number → JSON of what the attempt ran (src/store/run-provenance.ts: its own part, naming the setup stored once in sweepProvenance). */
  runProvenance: (sweepId: string, runId: string) => `${sw(sweepId)}:run:${runId}:provenance`,
  /** HASH `code|<commit>|<diff sha or clean>` and `packages|<sha>` → attempts recorded with it (the sweep's code and package variants); `blob|setup|<sha>`, `blob|packages|<sha>`, `blob|diff|<sha>` → the parts attempts share, each stored once. */
  sweepProvenance: (sweepId: string) => `${sw(sweepId)}:provenance`,
  /** STRING `<token>|<agentId>|<slot>` with PX TTL: the lease of the attempt being executed. */
  runLease: (sweepId: string, runId: string) => `${sw(sweepId)}:run:${runId}:lease`,
  /** ZSET agentId → last seen (ms): the agents serving the sweep (an agent serves one sweep). */
  sweepAgents: (sweepId: string) => `${sw(sweepId)}:agents`,
  /** HASH: id, host, pid, sweepId, slots (JSON array of slot names), busy (JSON {slot: runId}), startedAt, lastSeen, state. */
  agent: (sweepId: string, agentId: string) => `${sw(sweepId)}:agent:${agentId}`,
  /**
   * STRING with PX TTL, set at every heartbeat: the agent is live while it exists. Liveness is a
   * Redis TTL, never a comparison of the agent's clock with the controller's.
   */
  agentLive: (sweepId: string, agentId: string) => `${sw(sweepId)}:agent:${agentId}:live`,
  /** Pub/sub channel: stop/cancel/wake messages to one agent (JSON {type, runId?}). Best effort; agents also poll. */
  agentChannel: (agentId: string) => `${KEY_PREFIX}:agent:${agentId}:signals`,
  /** Pub/sub channel: wakes the controller (new agent, idle slot). Best effort; the controller also polls. */
  controllerChannel: () => `${KEY_PREFIX}:controller:wake`,
} as const;

/**
 * The key layout before KEY_LAYOUT_VERSION 2 (no hash tags: one Redis only), for the one-shot
 * move to `keys` (src/store/key-migration.ts). Nothing else reads or writes these names.
 */
export const legacyKeys = {
  /** `hs:sweep:<id>` and every `hs:sweep:<id>:<suffix>` (runs, counts, state:<s>, events...). */
  sweepPrefix: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}`,
  /** ZSET runId → seq: a sweep's runs, the map from a run to its sweep. */
  sweepRuns: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:runs`,
  /** `hs:run:<runId>` and every `hs:run:<runId>:<suffix>` (history, attempts, output, lease...). */
  runPrefix: (runId: string) => `${KEY_PREFIX}:run:${runId}`,
  /** The start of every BullMQ key of a sweep's queue (`hs:bull:runs-<id>:...`). */
  queuePrefix: (sweepId: string) => `${KEY_PREFIX}:bull:runs-${sweepId}`,
  /** ZSET of every agent, and `hs:agent:<id>`, `hs:agent:<id>:live`: agents register again, so these are dropped. */
  agents: () => `${KEY_PREFIX}:agents`,
  agentPattern: () => `${KEY_PREFIX}:agent:*`,
  /** SCAN patterns that cover every key of the old layout that moves. */
  patterns: () => [`${KEY_PREFIX}:sweep:*`, `${KEY_PREFIX}:run:*`, `${KEY_PREFIX}:bull:runs-*`],
  /**
   * The layout-2 name of a layout-1 key (`sweepOfRun` answers a run's sweep); undefined for a key
   * that has none (a run of no known sweep). The queue's new name mirrors src/queue/run-job.ts.
   */
  moved: (key: string, sweepOfRun: (runId: string) => string | undefined): string | undefined => {
    const m = /^([^:]+):(sweep:|run:|bull:runs-)([^:{}]+)(:.*)?$/.exec(key);
    if (!m || m[1] !== KEY_PREFIX) return undefined;
    const [, , kind, id, rest = ''] = m;
    if (kind === 'sweep:') return rest === '' ? keys.sweep(id!) : `${sw(id!)}${rest}`;
    if (kind === 'bull:runs-') return `${KEY_PREFIX}:bull:runs-${sweepTag(id!)}${rest}`;
    const sweepId = sweepOfRun(id!);
    return sweepId === undefined ? undefined : `${keys.run(sweepId, id!)}${rest}`;
  },
} as const;
