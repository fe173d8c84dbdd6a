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
 */
import type { Redis } from 'ioredis';
import { redisUptimeMs } from '../src/store/redis-uptime.js';
import { monotonicMs } from './lease-deadline.js';

/** Beyond the lease: the sentinel's kill and the clock-rate drift. */
const MARGIN_MS = 2000;

export class ClaimGate {
  private notBefore = 0;
  private check: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly leaseMs: number,
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
  }
}
