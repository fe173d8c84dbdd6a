/**
 * No claim right after Redis restarted. With `appendfsync everysec` a restarted Redis may have
 * lost the last second of writes, a claim and its lease among them: the run looks pending again
 * while its first attempt still runs. That attempt dies by its deadline, at most a lease after
 * its last confirmed renewal (worker/lease-deadline.ts), which came before the restart; so an
 * agent that was connected before claims nothing, once its connection is back, until Redis has
 * been up for a lease plus a margin. (An agent that connects for the first time is not held back:
 * `hypersweep run` and fresh clusters start at once; an agent started within a lease of a Redis
 * crash is the one case this gate does not cover.) Agents of one sweep are meant to share a
 * lease (`--lease-ms`); the gate covers leases up to this agent's own.
 *
 * With replicas to wait for (a Sentinel URL, src/store/replica-ack.ts), no claim either while
 * the primary has fewer of them in step (after a failover, until the old primary is back as a
 * replica): a claim no replica acknowledges is given up before its script starts, and the run
 * then loses that attempt; with the default three attempts, a few such claims crashed runs that
 * never ran.
 */
import type { RedisClient } from '../src/store/redis-client.js';
import { waitForReplicas } from '../src/store/replica-ack.js';
import { redisUptimeMs } from '../src/store/redis-uptime.js';
import { monotonicMs } from './lease-deadline.js';

/** Beyond the lease: the sentinel's kill and the clock-rate drift. */
const MARGIN_MS = 2000;
/** How long one WAIT for the replicas blocks the connection, and the pause between two. */
const REPLICA_POLL_MS = 250;

export class ClaimGate {
  private notBefore = 0;
  private check: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: RedisClient,
    private readonly leaseMs: number,
    private readonly replicas = 0,
  ) {
    let connected = redis.status === 'ready';
    redis.on('ready', () => {
      if (connected) this.check = this.learn();
      connected = true;
    });
  }

  private async learn(): Promise<void> {
    const uptime = await redisUptimeMs(this.redis).catch(() => Number.POSITIVE_INFINITY);
    const wait = this.leaseMs + MARGIN_MS - uptime;
    if (wait > 0) this.notBefore = Math.max(this.notBefore, monotonicMs() + wait);
  }

  /** Resolves once a claim may be sent. */
  async open(): Promise<void> {
    await this.check;
    const wait = this.notBefore - monotonicMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (this.replicas > 0 && !(await waitForReplicas(this.redis, this.replicas, REPLICA_POLL_MS).catch(() => false))) {
      await new Promise((r) => setTimeout(r, REPLICA_POLL_MS));
    }
  }
}
