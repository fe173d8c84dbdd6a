import { expect, test } from 'vitest';
import { HypersweepError } from '../../src/errors.js';
import { isSentinelUrl, parseSentinelUrl, replicasToWait, sentinelOptions } from '../../src/store/connect-redis.js';
import { redactRedisUrl } from '../../src/store/redis-url.js';

test('a Sentinel URL becomes ioredis native Sentinel options', () => {
  const s = parseSentinelUrl('redis-sentinel://:s3cret@10.0.0.1,10.0.0.2:26380,[::1]:26381/mymaster/2?sentinelPassword=sp&replicas=2');
  expect(s).toEqual({
    sentinels: [
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
      { host: '::1', port: 26381 },
    ],
    name: 'mymaster',
    db: 2,
    password: 's3cret',
    sentinelPassword: 'sp',
    tls: false,
    replicas: 2,
  });
  const o = sentinelOptions(s);
  expect(o).toMatchObject({ sentinels: s.sentinels, name: 'mymaster', db: 2, password: 's3cret', sentinelPassword: 'sp' });
  expect(o.failoverDetector).toBeUndefined();
  expect(o.tls).toBeUndefined();
  expect(sentinelOptions(parseSentinelUrl('rediss-sentinel://u:p@h/m'))).toMatchObject({ username: 'u', password: 'p', tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true });
  expect(replicasToWait('redis-sentinel://h/m')).toBe(1);
  expect(replicasToWait('redis-sentinel://h/m?replicas=0')).toBe(0);
  expect(replicasToWait('redis://h:6379')).toBe(0);
  expect(isSentinelUrl('REDIS-SENTINEL://h/m')).toBe(true);
  expect(isSentinelUrl('redis://h')).toBe(false);
});

test('a bad Sentinel URL is a clear error naming the rule, with the password hidden', () => {
  const cases: Array<[string, RegExp]> = [
    ['redis-sentinel://:pw@h1,h2', /primary name is missing/],
    ['redis-sentinel://h1:99999/m', /port out of range/],
    ['redis-sentinel://h1/m/x', /db must be a whole number/],
    ['redis-sentinel://h1/m/0/extra', /path is \/primaryName or \/primaryName\/db/],
    ['redis-sentinel://h1/m?replica=1', /unknown option "replica"/],
    ['redis-sentinel://h1/m?replicas=-1', /replicas must be a whole number/],
    ['redis-sentinel:///m', /no sentinel address|bad sentinel address/],
  ];
  for (const [url, rule] of cases) {
    let err: unknown;
    try {
      parseSentinelUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err, url).toBeInstanceOf(HypersweepError);
    expect((err as Error).message, url).toMatch(rule);
    expect((err as Error).message).not.toContain(':pw@');
  }
  expect(redactRedisUrl('redis-sentinel://u:pw@h/m?sentinelPassword=x&replicas=1')).toBe('redis-sentinel://***@h/m?sentinelPassword=***&replicas=1');
});
