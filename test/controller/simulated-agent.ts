/**
 * A simulated agent for controller tests: a real BullMQ Worker on the sweep's queue that follows
 * the run protocol of src/store/attempt-lease.ts exactly (claimAttempt, renewLease, reportEvent,
 * finishAttempt) and registers itself in keys.agent/agents with slots and busy, but "trains" by
 * logging a loss computed from the config instead of spawning a process.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, runQueueName, type RunJob } from '../../src/queue/run-job.js';
import { claimAttempt, finishAttempt, renewLease, reportEvent, type LeaseHolder } from '../../src/store/attempt-lease.js';
import { writeAgent } from '../../src/store/agent-store.js';
import { controllerWakeMessage } from '../../src/store/sweep-signals.js';
import type { AttemptOutcome } from '../../src/store/run-events.js';

export interface SimulatedAgentOptions {
  id: string;
  sweepId: string;
  slots: number;
  /** Metric rows per run. */
  steps: number;
  /** Pause between rows. */
  stepMs: number;
  leaseMs: number;
  /** The loss at a step. */
  loss?: (config: RunJob['config'], step: number) => number;
  /** Other metrics logged in the same row (several objectives). */
  extra?: (config: RunJob['config'], step: number) => Record<string, number>;
  /**
   * Called before each run: 'vanish' stops renewing and never reports the end (a lost agent);
   * 'drop' completes the job without claiming it (an agent killed between taking a job and claiming).
   */
  fault?: (job: RunJob) => 'vanish' | 'drop' | undefined;
  /** Metrics rows per report. @defaultValue 1 */
  rowsPerReport?: number;
}

export interface SimulatedAgent {
  /** Every attempt this agent executed: `${runId}#${attempt}`. */
  executed: string[];
  close(): Promise<void>;
}

const defaultLoss = (config: RunJob['config'], step: number): number => {
  const x = JSON.stringify(config).length % 7;
  return 1 / (1 + step) + x / 10;
};

export async function startSimulatedAgent(redis: Redis, options: SimulatedAgentOptions): Promise<SimulatedAgent> {
  const busy: Record<string, string> = {};
  const freeSlots = Array.from({ length: options.slots }, (_, i) => `slot${i}`);
  const executed: string[] = [];
  const loss = options.loss ?? defaultLoss;
  /** Presence; with `slotChanged`, also the controller wake the real agent sends when it takes or frees a slot (AgentSession.slotChanged). */
  const heartbeat = async (slotChanged = false) => {
    await writeAgent(redis, {
      sweepId: options.sweepId,
      agentId: options.id,
      now: Date.now(),
      presence: { busy, state: 'running' },
      full: { host: 'sim', pid: process.pid, slots: Array.from({ length: options.slots }, (_, i) => `slot${i}`), startedAt: Date.now() },
      ...(slotChanged ? { wake: controllerWakeMessage('slot', options.sweepId, options.id) } : {}),
    });
  };
  await heartbeat();
  const timer = setInterval(() => void heartbeat().catch(() => {}), 300);
  let closing = false;

  const worker = new Worker<RunJob>(
    runQueueName(options.sweepId),
    async (job: Job<RunJob>) => {
      const data = job.data;
      const slot = freeSlots.shift() ?? 'slotX';
      const holder: LeaseHolder = { sweepId: data.sweepId, runId: data.runId, attempt: data.attempt, token: data.token, agentId: options.id, slot };
      try {
        // The slot is busy from the moment the job is taken, before the claim, as the real agent
        // says it (worker/agent.ts): written after the claim, a controller round in between saw
        // the job gone from the queue and the slot still idle, and proposed again.
        busy[slot] = data.runId;
        await heartbeat(true);
        const fault = options.fault?.(data);
        if (fault === 'drop') return;
        const claim = await claimAttempt(redis, holder, options.leaseMs, { host: 'sim', pid: process.pid, at: Date.now() });
        if (claim !== 'ok') return;
        executed.push(`${data.runId}#${data.attempt}`);
        let outcome: AttemptOutcome = 'finished';
        let seq = 0;
        const per = options.rowsPerReport ?? 1;
        for (let step = 0; step < options.steps; step += per) {
          await new Promise((r) => setTimeout(r, options.stepMs));
          if (fault === 'vanish') {
            await new Promise((r) => setTimeout(r, options.leaseMs * 3));
            return;
          }
          const status = await renewLease(redis, holder, options.leaseMs);
          if (!status.held) return;
          if (status.stop) {
            outcome = status.stop === 'cancel' ? 'canceled' : 'stopped';
            break;
          }
          const rows = [];
          for (let s = step; s < Math.min(step + per, options.steps); s++) rows.push({ _step: s, loss: loss(data.config, s), ...options.extra?.(data.config, s) });
          await reportEvent(redis, data.sweepId, { type: 'metrics', runId: data.runId, attempt: data.attempt, token: data.token, seq: ++seq, rows });
          if (closing) {
            outcome = 'preempted';
            break;
          }
        }
        await finishAttempt(redis, holder, { outcome, exitCode: outcome === 'finished' ? 0 : null, signal: null, outputTail: `run ${data.runId} ${outcome}\n`, at: Date.now() });
      } finally {
        delete busy[slot];
        freeSlots.push(slot);
        await heartbeat(true).catch(() => {});
      }
    },
    { connection: redis.duplicate({ maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX, concurrency: options.slots, drainDelay: 0.2 },
  );
  worker.on('error', () => {});
  return {
    executed,
    async close() {
      closing = true;
      clearInterval(timer);
      await worker.close();
      await writeAgent(redis, { sweepId: options.sweepId, agentId: options.id, now: Date.now(), presence: { busy: {}, state: 'stopped' } });
    },
  };
}
