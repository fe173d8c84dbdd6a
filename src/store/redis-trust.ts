/**
 * Redis is a trust boundary: whoever can write it can add a run whose command an agent executes.
 * The server and the agent say so when they are about to use a Redis on another machine
 * without a password (README "Security": password or ACL user, TLS, bind).
 */
import { isClusterUrl, parseClusterUrl } from './cluster-url.js';

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A warning for a Redis URL with no password on a non-loopback host; undefined when there is nothing to say. */
export function unauthenticatedRedisWarning(url: string): string | undefined {
  if (isClusterUrl(url)) return clusterWarning(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!/^rediss?:$/.test(u.protocol) || u.password !== '' || isLoopbackHost(u.hostname || '127.0.0.1')) return undefined;
  return (
    `Redis at ${u.host} is used without a password: anyone who can reach it can add runs that agents execute. ` +
    'Give it a password or an ACL user (redis://user:password@host), TLS (rediss://) and a private bind address; see the README, "Security"'
  );
}

/**
 * The ACL rules of a Redis user that can do everything hypersweep's server, controller and agents
 * do, and nothing else: keys and channels under `hs:` (BullMQ's queues included), no admin or
 * dangerous commands. `ACL SETUSER hypersweep on >PASSWORD ${REDIS_ACL_RULES.join(' ')}`; tested
 * by test/local/redis-acl.test.ts.
 */
export const REDIS_ACL_RULES: readonly string[] = [
  'resetkeys', '~hs:*', 'resetchannels', '&hs:*', '-@all',
  '+@read', '+@write', '+@stream', '+@pubsub', '+@scripting', '+@connection', '+@transaction',
  '+info', '+client|setname', '+client|getname',
];

/** The same warning for a cluster URL: no password, and a node on another machine. */
function clusterWarning(url: string): string | undefined {
  let nodes: Array<{ host: string; port: number }>;
  try {
    const c = parseClusterUrl(url);
    if (c.password !== undefined && c.password !== '') return undefined;
    nodes = c.nodes;
  } catch {
    return undefined;
  }
  const remote = nodes.find((n) => !isLoopbackHost(n.host));
  if (!remote) return undefined;
  return (
    `Redis Cluster node ${remote.host}:${remote.port} is used without a password: anyone who can reach it can add runs that agents execute. ` +
    'Give the cluster a password (redis-cluster://:password@host1,host2), TLS (rediss-cluster://) and a private bind address; see the README, "Security"'
  );
}
