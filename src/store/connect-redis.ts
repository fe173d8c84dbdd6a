/**
 * One way to connect for every process (controller, API, agents, `hypersweep run`): a plain
 * `redis://` / `rediss://` URL goes to ioredis as it is; a Sentinel URL becomes ioredis' native
 * Sentinel options, so the client asks the sentinels for the primary and follows a failover; a
 * cluster URL (`redis-cluster://h1:p1,h2:p2`, src/store/cluster-url.ts) becomes an ioredis Cluster.
 *
 * Sentinel URL (the form of Lettuce and Spring, with the primary's name as the path):
 *
 *     redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/primaryName[/db][?options]
 *     rediss-sentinel://...   (TLS to the sentinels and to Redis)
 *
 * The sentinels' port defaults to 26379. The password (and user) are Redis's; the sentinels'
 * own, if they have one, is `?sentinelPassword=`. `?replicas=N` (default 1) is how many replicas
 * must hold a write that decides who executes a run before it counts (WAIT, src/store/replica-ack.ts).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { HypersweepError } from '../errors.js';
import { redactRedisUrl } from './redis-url.js';
import { parseHostList, parseUserinfo } from './url-parts.js';
import { connectCluster, isClusterUrl } from './cluster-url.js';
import { isCluster, type RedisClient } from './redis-client.js';

export interface SentinelUrl {
  sentinels: Array<{ host: string; port: number }>;
  /** The primary's name in the sentinels' configuration. */
  name: string;
  db: number;
  username?: string;
  password?: string;
  sentinelPassword?: string;
  tls: boolean;
  /** Replicas that must acknowledge a deciding write. */
  replicas: number;
}

const SCHEMES = ['redis-sentinel:', 'rediss-sentinel:'];

/** True for `redis-sentinel://` and `rediss-sentinel://`. */
export function isSentinelUrl(url: string): boolean {
  return SCHEMES.some((s) => url.toLowerCase().startsWith(`${s}//`));
}

function bad(url: string, rule: string): HypersweepError {
  return new HypersweepError('BAD_REQUEST', `Redis URL ${redactRedisUrl(url)}: ${rule} (form: redis-sentinel://[:password@]host[:port][,host[:port]...]/primaryName[/db])`);
}

/** Parses a Sentinel URL; throws a HypersweepError naming the rule it breaks. */
export function parseSentinelUrl(url: string): SentinelUrl {
  const m = /^(rediss?)-sentinel:\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(url);
  if (!m) throw bad(url, 'not a Sentinel URL');
  const [, scheme, userinfo, hostList, path, query] = m;
  const sentinels = parseHostList(hostList!, 26379, 'sentinel', (rule) => bad(url, rule));
  if (hostList === '' || sentinels.length === 0) throw bad(url, 'no sentinel address');
  const segments = (path ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length === 0) throw bad(url, 'the primary name is missing (the path, e.g. /mymaster)');
  if (segments.length > 2) throw bad(url, 'the path is /primaryName or /primaryName/db');
  const db = segments[1] === undefined ? 0 : Number(segments[1]);
  if (!Number.isInteger(db) || db < 0) throw bad(url, `db must be a whole number >= 0 (got ${JSON.stringify(segments[1])})`);
  const out: SentinelUrl = { sentinels, name: segments[0]!, db, tls: scheme!.toLowerCase() === 'rediss', replicas: 1, ...parseUserinfo(userinfo) };
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    if (key === 'sentinelPassword') out.sentinelPassword = value;
    else if (key === 'replicas') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw bad(url, `replicas must be a whole number >= 0 (got ${JSON.stringify(value)})`);
      out.replicas = n;
    } else throw bad(url, `unknown option ${JSON.stringify(key)} (known: sentinelPassword, replicas)`);
  }
  return out;
}

/** ioredis' native Sentinel options for a parsed URL. */
export function sentinelOptions(s: SentinelUrl): RedisOptions {
  return {
    sentinels: s.sentinels,
    name: s.name,
    db: s.db,
    ...(s.username ? { username: s.username } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.sentinelPassword !== undefined ? { sentinelPassword: s.sentinelPassword } : {}),
    ...(s.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    // After a failover the old primary may come back as a replica: writes to it fail READONLY;
    // reconnect (and resend) so the sentinels name the new primary.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    // Not ioredis' failoverDetector: its disconnect on +switch-master can land while the client is
    // reconnecting, and that connect then fails for good ("Connection is closed"). A killed
    // primary breaks the connection anyway, and a demoted one answers READONLY (above).
  };
}

/** A client for `url` (plain, Sentinel or cluster) with `options` on top (per node for a cluster). */
export function connectRedis(url: string, options: RedisOptions = {}): RedisClient {
  if (isClusterUrl(url)) return connectCluster(url, options);
  if (isSentinelUrl(url)) return new Redis({ ...sentinelOptions(parseSentinelUrl(url)), ...options });
  return new Redis(url, options);
}

/** A second connection like `redis`, with `options` on top (per node for a cluster). */
export function duplicateClient(redis: RedisClient, options: RedisOptions = {}): RedisClient {
  if (!isCluster(redis)) return redis.duplicate(options);
  return redis.duplicate([], { redisOptions: { ...redis.options.redisOptions, ...options } });
}

/** How many replicas a deciding write waits for: the URL's `replicas` for Sentinel URLs, else 0. */
export function replicasToWait(url: string): number {
  return isSentinelUrl(url) ? parseSentinelUrl(url).replicas : 0;
}
