/** Redis bytes by kind of key: every key (SCAN), MEMORY USAGE (exact), ids folded so one kind is one line. */
import type { Redis } from 'ioredis';

/** `hs:run:r1a2b…:history` → `hs:run:<run>:history`; sweep ids, agent ids, job ids and numbers folded too. */
export function keyKind(key: string): string {
  return key
    .replace(/\br[0-9a-f]{8,}(-\d+)?/g, '<run>')
    .replace(/\bs[0-9a-z]{10,}/g, '<sweep>')
    .replace(/:agent:[^:]+/g, ':agent:<agent>')
    .replace(/:\d+$/, ':<n>');
}

/** Every key matching `match` (a SCAN pattern), weighed and folded by kind. */
export async function bytesByKind(redis: Redis, match = '*'): Promise<Map<string, { keys: number; bytes: number }>> {
  const out = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    const p = redis.pipeline();
    for (const k of batch) p.memory('USAGE', k, 'SAMPLES', 0).pttl(k);
    const replies = (await p.exec()) ?? [];
    batch.forEach((k, j) => {
      const i = 2 * j;
      // Keys with a TTL (leases, liveness) go away by themselves: weighed apart.
      const kind = keyKind(k) + (Number(replies[i + 1]?.[1]) > 0 ? ' (expiring)' : '');
      const e = out.get(kind) ?? { keys: 0, bytes: 0 };
      e.keys++;
      e.bytes += Number(replies[i]?.[1] ?? 0);
      out.set(kind, e);
    });
  } while (cursor !== '0');
  return out;
}
