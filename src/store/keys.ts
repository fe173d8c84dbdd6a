/**
 * Every Redis key hypersweep uses, built in this one file under one prefix (BullMQ's QueueKeys
 * habit). Ids are sanitised by their makers (run ids are `r` + hex; sweep ids `s` + base36),
 * so they never contain `:`.
 *
 * Who writes what (design.md: the controller is the single writer of run state):
 * - controller: sweep*, run*, history*, leader*; reads the events stream through its group.
 * - agent: its own agent* keys, lease keys of the attempts it holds, and the events stream (XADD).
 */

/** The prefix of every key; BullMQ queues use it too (`Queue({ prefix })`). */
export const KEY_PREFIX = 'hs';

export const keys = {
  /** ZSET sweepId → creation time (ms). */
  sweeps: () => `${KEY_PREFIX}:sweeps`,
  /**
   * HASH: id, name, state, method, configJson, sourceText, seed, createdAt, finishedAt, stateReason,
   * total (grid size or run_cap; absent when unbounded).
   */
  sweep: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}`,
  /** ZSET runId → creation sequence: every run of a sweep, in proposal order. */
  sweepRuns: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:runs`,
  /** ZSET runId → score, for runs with a score (best config in O(log n)). */
  sweepScores: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:scores`,
  /** HASH run state → count (counts per state without scanning). */
  sweepCounts: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:counts`,
  /** ZSET runId → creation sequence, for the runs of a sweep in one state (filter without scanning). */
  sweepStateRuns: (sweepId: string, state: string) => `${KEY_PREFIX}:sweep:${sweepId}:state:${state}`,
  /** LIST of canonical JSON configs a user enqueued (`hypersweep enqueue`), waiting for the leader to make them runs first. */
  sweepEnqueued: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:enqueued`,
  /** LIST of JSON `{version, at, source}`: every version of the sweep file once it was edited (`hypersweep update`). */
  sweepVersions: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:versions`,
  /** STRING controllerId with PX TTL: the per-sweep leader lock. */
  sweepLeader: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:leader`,
  /** STREAM of run events (agent → controller); consumer group `controller`. See src/store/run-events.ts. */
  sweepEvents: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:events`,
  /**
   * HASH: id, sweepId, state, config (JSON), attempt, token, agentId, slot, createdAt, startedAt,
   * endedAt, exitCode, signal, score, stopReason, stop (`stop` | `cancel` when requested), reason
   * (the proposal's reason), summary (JSON), lastSeq (last metrics seq applied for the current attempt),
   * seq (creation sequence in the sweep), counted (attempts that count toward max_attempts),
   * message (the agent's words about the last outcome).
   */
  run: (runId: string) => `${KEY_PREFIX}:run:${runId}`,
  /**
   * LIST of JSON rows `{_step, metric: value, ...}` in the order logged (pages with LRANGE). Rows of
   * attempt 2 and later carry `_attempt`, so a retried run keeps every point it ever logged.
   */
  runHistory: (runId: string) => `${KEY_PREFIX}:run:${runId}:history`,
  /** LIST of JSON attempt records `{attempt, agentId, slot, startedAt, endedAt, outcome, exitCode, signal}`. */
  runAttempts: (runId: string) => `${KEY_PREFIX}:run:${runId}:attempts`,
  /** STRING: the last 64 KB of output of the run's latest attempt. */
  runOutput: (runId: string) => `${KEY_PREFIX}:run:${runId}:output`,
  /** HASH attempt number → JSON AttemptProvenance (src/store/run-provenance.ts): what the attempt ran (code, packages, command); `brief` → the latest record's ProvenanceBrief (exports). */
  runProvenance: (runId: string) => `${KEY_PREFIX}:run:${runId}:provenance`,
  /** HASH `code|<commit>|<diff sha or clean>` and `packages|<sha>` → attempts recorded with it: the sweep's code and package variants. */
  sweepProvenance: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:provenance`,
  /** STRING `<token>|<agentId>|<slot>` with PX TTL: the lease of the attempt being executed. */
  runLease: (runId: string) => `${KEY_PREFIX}:run:${runId}:lease`,
  /** ZSET agentId → last seen (ms). */
  agents: () => `${KEY_PREFIX}:agents`,
  /** HASH: id, host, pid, sweepId, slots (JSON array of slot names), busy (JSON {slot: runId}), startedAt, lastSeen, state. */
  agent: (agentId: string) => `${KEY_PREFIX}:agent:${agentId}`,
  /**
   * STRING with PX TTL, set at every heartbeat: the agent is live while it exists. Liveness is a
   * Redis TTL, never a comparison of the agent's clock with the controller's.
   */
  agentLive: (agentId: string) => `${KEY_PREFIX}:agent:${agentId}:live`,
  /** Pub/sub channel: stop/cancel/wake messages to one agent (JSON {type, runId?}). Best effort; agents also poll. */
  agentChannel: (agentId: string) => `${KEY_PREFIX}:agent:${agentId}:signals`,
  /** Pub/sub channel: wakes the controller (new agent, idle slot). Best effort; the controller also polls. */
  controllerChannel: () => `${KEY_PREFIX}:controller:wake`,
} as const;
