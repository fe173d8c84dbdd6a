import { Cluster } from 'ioredis';
import { expect, test } from 'vitest';
import { HypersweepError } from '../../src/errors.js';
import { clusterOptions, isClusterUrl, parseClusterUrl } from '../../src/store/cluster-url.js';
import { connectRedis, duplicateClient } from '../../src/store/connect-redis.js';
import { unauthenticatedRedisWarning } from '../../src/store/redis-trust.js';

test('a cluster URL names its seed nodes; per-node options go to redisOptions, the cluster\'s own to the cluster', () => {
  expect(parseClusterUrl('redis-cluster://:s3cret@10.0.0.1,10.0.0.2:7001,[::1]:7002/')).toEqual({
    nodes: [
      { host: '10.0.0.1', port: 6379 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ],
    password: 's3cret',
    tls: false,
  });
  expect(parseClusterUrl('rediss-cluster://u:p@h')).toEqual({ nodes: [{ host: 'h', port: 6379 }], username: 'u', password: 'p', tls: true });
  const retry = (n: number) => (n > 3 ? null : 100);
  const o = clusterOptions(parseClusterUrl('rediss-cluster://u:p@h:7000'), { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: retry });
  expect(o).toMatchObject({ lazyConnect: true, redisOptions: { username: 'u', password: 'p', tls: {}, maxRetriesPerRequest: null } });
  expect(o.redisOptions).not.toHaveProperty('lazyConnect');
  expect(o.redisOptions).not.toHaveProperty('retryStrategy');
  expect(o.clusterRetryStrategy!(5, new Error('x'))).toBeNull();
  expect(o.clusterRetryStrategy!(1, new Error('x'))).toBe(100);
  expect(isClusterUrl('REDIS-CLUSTER://h')).toBe(true);
  expect(isClusterUrl('redis://h')).toBe(false);
});

test('connectRedis makes a Cluster for a cluster URL; its duplicate keeps the nodes and takes new per-node options', () => {
  const c = connectRedis('redis-cluster://127.0.0.1:1,127.0.0.1:2', { lazyConnect: true, maxRetriesPerRequest: null });
  expect(c).toBeInstanceOf(Cluster);
  const d = duplicateClient(c, { maxRetriesPerRequest: 1 });
  expect(d).toBeInstanceOf(Cluster);
  expect((d as Cluster).options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1 });
  expect((d as unknown as { startupNodes: unknown }).startupNodes).toEqual([{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 }]);
  c.disconnect();
  d.disconnect();
});

test('a bad cluster URL is a clear error naming the rule, with the password hidden', () => {
  const cases: Array<[string, RegExp]> = [
    ['redis-cluster://:pw@h1:99999', /port out of range/],
    ['redis-cluster://:pw@h1/0', /a cluster has no db/],
    ['redis-cluster://h1?replicas=1', /unknown option "replicas"/],
    ['redis-cluster://', /no node address/],
    ['redis-cluster://h1,:7000', /bad node address/],
  ];
  for (const [url, rule] of cases) {
    let err: unknown;
    try {
      parseClusterUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err, url).toBeInstanceOf(HypersweepError);
    expect((err as Error).message, url).toMatch(rule);
    expect((err as Error).message, url).not.toContain('pw');
  }
});

test('a cluster without a password on another machine is warned about', () => {
  expect(unauthenticatedRedisWarning('redis-cluster://10.0.0.1:7000,10.0.0.2:7000')).toMatch(/10\.0\.0\.1:7000 is used without a password/);
  expect(unauthenticatedRedisWarning('redis-cluster://:pw@10.0.0.1:7000')).toBeUndefined();
  expect(unauthenticatedRedisWarning('redis-cluster://127.0.0.1:7000,127.0.0.1:7001')).toBeUndefined();
});
