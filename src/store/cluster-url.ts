/**
 * A Redis Cluster URL (the seed-node list form of Lettuce's `redis://h1,h2` and of ioredis'
 * `new Cluster([...])`), with its own scheme so it is never mistaken for one server:
 *
 *     redis-cluster://[[user]:password@]host[:port][,host[:port]...][/][?options]
 *     rediss-cluster://...   (TLS to every node)
 *
 * A few primaries are enough as seeds: the client asks them for the slot map and follows it
 * (MOVED/ASK). The port defaults to 6379; a cluster has only db 0, so there is no db.
 */
import { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { HypersweepError } from '../errors.js';
import { redactRedisUrl } from './redis-url.js';
import { parseHostList, parseUserinfo } from './url-parts.js';

export interface ClusterUrl {
  nodes: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  tls: boolean;
}

const SCHEMES = ['redis-cluster:', 'rediss-cluster:'];

/** True for `redis-cluster://` and `rediss-cluster://`. */
export function isClusterUrl(url: string): boolean {
  return SCHEMES.some((s) => url.toLowerCase().startsWith(`${s}//`));
}

function bad(url: string, rule: string): HypersweepError {
  return new HypersweepError('BAD_REQUEST', `Redis URL ${redactRedisUrl(url)}: ${rule} (form: redis-cluster://[:password@]host[:port][,host[:port]...])`);
}

/** Parses a cluster URL; throws a HypersweepError naming the rule it breaks. */
export function parseClusterUrl(url: string): ClusterUrl {
  const m = /^(rediss?)-cluster:\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(url);
  if (!m) throw bad(url, 'not a cluster URL');
  const [, scheme, userinfo, hostList, path, query] = m;
  if (hostList === '') throw bad(url, 'no node address');
  const nodes = parseHostList(hostList!, 6379, 'node', (rule) => bad(url, rule));
  if (path !== undefined && path !== '/') throw bad(url, 'a cluster has no db: no path after the nodes');
  for (const [key] of new URLSearchParams(query ?? '')) throw bad(url, `unknown option ${JSON.stringify(key)} (none are known)`);
  return { nodes, tls: scheme!.toLowerCase() === 'rediss', ...parseUserinfo(userinfo) };
}

/**
 * ioredis Cluster options for a parsed URL with per-node `options` (what connectRedis was given
 * for one server) on top. The options that are the cluster's own in ioredis move there:
 * lazyConnect, enableOfflineQueue, and retryStrategy (as clusterRetryStrategy).
 */
export function clusterOptions(c: ClusterUrl, options: RedisOptions = {}): ClusterOptions {
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = options;
  return {
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    redisOptions: {
      ...(c.username ? { username: c.username } : {}),
      ...(c.password !== undefined ? { password: c.password } : {}),
      ...(c.tls ? { tls: {} } : {}),
      ...perNode,
    },
  };
}

/** A Cluster client for a cluster URL. */
export function connectCluster(url: string, options: RedisOptions = {}): Cluster {
  const c = parseClusterUrl(url);
  return new Cluster(c.nodes, clusterOptions(c, options));
}
