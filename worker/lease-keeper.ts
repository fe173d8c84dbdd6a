/**
 * Keeps one attempt's lease (src/store/attempt-lease.ts, step 3) and enforces its deadline
 * (worker/lease-deadline.ts) twice: in the agent, by a timer, and in the sentinel process
 * (worker/sentinel.ts), which kills the script's group even when the agent's event loop
 * does not run. A renewal goes out every lease/4; only a confirmed one moves the deadline, and
 * from the time it was sent.
 */
import type { RedisClient } from '../src/store/redis-client.js';
import { renewLease, type LeaseHolder } from '../src/store/attempt-lease.js';
import { waitForReplicas } from '../src/store/replica-ack.js';
import { LeaseDeadline, monotonicMs, renewEveryMs } from './lease-deadline.js';
import type { Sentinel } from './sentinel.js';

export interface LeaseKeeperOptions {
  redis: RedisClient;
  holder: LeaseHolder;
  leaseMs: number;
  /** monotonicMs() taken just before the claim was sent. */
  claimSentAt: number;
  sentinel?: Sentinel;
  /** The lease is gone (not held, or the deadline passed): kill the script now. Called once. */
  onLost: (why: string) => void;
  /** The controller asked for a stop or cancel (rides on the renewal's answer). */
  onStop: (kind: 'stop' | 'cancel') => void;
  warn: (message: string) => void;
  /** Replicas that must hold a renewal before it counts (WAIT). @defaultValue 0 */
  replicas?: number;
  /** How long to WAIT for them. @defaultValue 1000 */
  replicaWaitMs?: number;
}

export class LeaseKeeper {
  readonly deadline: LeaseDeadline;
  private pgid: number | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private renewing = false;
  private lostWhy: string | undefined;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.deadline = new LeaseDeadline(o.leaseMs, o.claimSentAt);
  }

  /** Why the lease was lost, once it was. */
  get lost(): string | undefined {
    if (!this.lostWhy && this.deadline.expired()) this.lostWhy = 'lease deadline passed';
    if (!this.lostWhy && this.pgid !== undefined && this.o.sentinel?.killedAtDeadline(this.pgid)) this.lostWhy = 'lease deadline passed (killed by the sentinel)';
    return this.lostWhy;
  }

  start(): void {
    this.renewTimer = setInterval(() => this.renew(), renewEveryMs(this.o.leaseMs));
    this.armDeadline();
  }

  /** The script started as group `pgid`: the sentinel holds its deadline from now on. */
  attach(pgid: number): void {
    this.pgid = pgid;
    this.o.sentinel?.watch(pgid, this.deadline.deadline, () => this.lose('lease deadline passed (killed by the sentinel)'));
  }

  /** The group is gone: the sentinel forgets it. */
  detach(): void {
    if (this.pgid !== undefined) this.o.sentinel?.forget(this.pgid);
  }

  stop(): void {
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
  }

  private lose(why: string): void {
    if (this.lostWhy) return;
    this.lostWhy = why;
    this.stop();
    this.o.onLost(why);
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      if (this.deadline.expired()) this.lose('lease deadline passed');
      else this.armDeadline();
    }, Math.max(1, this.deadline.deadline - monotonicMs()));
  }

  private renew(): void {
    if (this.deadline.expired()) return this.lose('lease deadline passed');
    if (this.renewing) return;
    this.renewing = true;
    const sentAt = monotonicMs();
    renewLease(this.o.redis, this.o.holder, this.o.leaseMs)
      .then(async (status) => {
        if (this.lostWhy) return;
        if (!status.held) return this.lose('lease lost');
        // Only a renewal a replica holds survives a failover; an unreplicated one does not count.
        if (!(await waitForReplicas(this.o.redis, this.o.replicas ?? 0, this.o.replicaWaitMs ?? 1000))) return this.o.warn('lease renewal not replicated yet');
        if (this.lostWhy) return;
        if (!this.deadline.confirm(sentAt)) return this.lose('lease deadline passed');
        if (this.pgid !== undefined) this.o.sentinel?.extend(this.pgid, this.deadline.deadline);
        this.armDeadline();
        if (status.stop) this.o.onStop(status.stop);
      })
      .catch((err) => this.o.warn(`lease renewal failed: ${(err as Error).message}`))
      .finally(() => (this.renewing = false));
  }
}
