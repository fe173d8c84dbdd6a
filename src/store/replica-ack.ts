/**
 * WAIT for the writes that decide who executes a run (claim, lease renewal, finished): with a
 * Sentinel set-up a write the primary acknowledged can still vanish in a failover if no replica
 * had it yet. A claim or renewal counts only once `replicas` replicas hold it, so the promoted
 * replica never has an older lease than the one the agent's deadline was computed from
 * (worker/lease-deadline.ts). WAIT covers every earlier write of the same connection.
 */
import type { RedisClient } from './redis-client.js';

/** True when `replicas` replicas acknowledged this connection's writes within `timeoutMs` (always true for 0). */
export async function waitForReplicas(redis: RedisClient, replicas: number, timeoutMs: number): Promise<boolean> {
  if (replicas <= 0) return true;
  const acked = await redis.wait(replicas, Math.max(1, Math.floor(timeoutMs)));
  return acked >= replicas;
}
