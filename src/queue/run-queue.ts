/**
 * The controller's side of the sweep queues: one BullMQ Queue per sweep (prefix QUEUE_PREFIX),
 * one job per attempt with the id runJobId(runId, attempt), so adding an attempt twice is a no-op.
 *
 * Double execution is guarded at two levels: a job id that exists is never added again (BullMQ), and,
 * whatever BullMQ does, the run level fences every attempt: claimAttempt only starts an attempt
 * whose token is the run's current one, while the run is pending/running and no lease is held.
 * So a completed job need not be kept: every enqueue is of a new attempt (its number only grows,
 * in the run's own scripts), and an old attempt's job added again could not be claimed.
 * A completed job is removed as it completes (it was ~1.4 KB of Redis per run, most of a finished
 * run's bytes: bench/fleet.ts); the run hash, its attempts and its events say what happened.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { QUEUE_PREFIX, runJobId, runQueueName, type RunJob } from './run-job.js';
import { execPipeline } from '../store/exec-pipeline.js';

/** How long a failed job (its processor threw: rare, and worth a look) is kept. @defaultValue 7 days */
export const KEEP_FAILED_JOBS_SEC = 7 * 24 * 3600;

/** How many failed jobs a sweep keeps at most. @defaultValue 100 */
export const KEEP_FAILED_JOBS_COUNT = 100;

/**
 * Entries of BullMQ's events stream kept per sweep (BullMQ's own default is 10,000, ~360 B of
 * Redis per run). Nothing in hypersweep reads that stream (runs' events have their own stream,
 * src/store/run-events.ts); the last few are kept for someone watching with BullMQ's tools.
 * Trimming is approximate (whole stream nodes), so a little more stays. @defaultValue 100
 */
export const BULL_EVENTS_KEPT = 100;

const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: { age: KEEP_FAILED_JOBS_SEC, count: KEEP_FAILED_JOBS_COUNT },
  attempts: 1,
};

export class RunQueues {
  private readonly queues = new Map<string, Queue<RunJob>>();

  /** @param redis a connection the queues share (not used for blocking commands). */
  constructor(private readonly redis: RedisClient) {}

  /** The queue of a sweep (made once). */
  queue(sweepId: string): Queue<RunJob> {
    let q = this.queues.get(sweepId);
    if (!q) {
      q = new Queue<RunJob>(runQueueName(sweepId), { connection: this.redis, prefix: QUEUE_PREFIX, streams: { events: { maxLen: BULL_EVENTS_KEPT } } });
      this.queues.set(sweepId, q);
    }
    return q;
  }

  /** Add the jobs of attempts (a job id that exists is left as it is). */
  async enqueue(sweepId: string, jobs: readonly RunJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(sweepId).addBulk(jobs.map((data) => ({ name: 'run', data, opts: { ...JOB_OPTIONS, jobId: runJobId(data.runId, data.attempt) } })));
  }

  /** Hold back (or let go) every job the sweep has waiting and every one added later: agents take none while it is paused. */
  async setPaused(sweepId: string, paused: boolean): Promise<void> {
    if (paused) await this.queue(sweepId).pause();
    else await this.queue(sweepId).resume();
  }

  /** Jobs waiting for an agent. */
  async waitingCount(sweepId: string): Promise<number> {
    return await this.queue(sweepId).getWaitingCount();
  }

  /**
   * Where attempts' jobs are: missing, ended (completed or failed) or live (waiting, active,
   * delayed...). One round trip for any number (reads BullMQ's job hash and finished sets).
   */
  async jobStatuses(sweepId: string, attempts: ReadonlyArray<{ runId: string; attempt: number }>): Promise<Array<'missing' | 'ended' | 'live'>> {
    if (attempts.length === 0) return [];
    const q = this.queue(sweepId);
    const p = this.redis.pipeline();
    for (const { runId, attempt } of attempts) {
      const id = runJobId(runId, attempt);
      p.exists(q.toKey(id)).zscore(q.keys.completed!, id).zscore(q.keys.failed!, id);
    }
    const replies = await execPipeline(p);
    return attempts.map((_, i) => {
      if (replies[3 * i]?.[1] !== 1) return 'missing';
      return replies[3 * i + 1]?.[1] !== null || replies[3 * i + 2]?.[1] !== null ? 'ended' : 'live';
    });
  }

  /**
   * Give a pending attempt a job again: add it, replacing an ended one. Only for an attempt that
   * never started (the caller has applied every event appended before the job ended).
   */
  async replaceJob(sweepId: string, job: RunJob): Promise<void> {
    const q = this.queue(sweepId);
    const existing = await q.getJob(runJobId(job.runId, job.attempt));
    if (existing) await existing.remove();
    await this.enqueue(sweepId, [job]);
  }

  /** Remove the waiting jobs of attempts that will never run (active ones are fenced by the run). */
  async removeJobs(sweepId: string, jobIds: readonly string[]): Promise<void> {
    const q = this.queue(sweepId);
    for (const id of jobIds) {
      try {
        await q.remove(id);
      } catch {
        // a locked (active) job cannot be removed; its claim will be refused as stale
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
