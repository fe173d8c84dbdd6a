/**
 * Redis for the namespace profile: a primary and a replica (appendfsync always, each from a
 * config file that the sentinels rewrite, so a restarted server keeps the role they gave it)
 * and three sentinels, each in its own host of the lab. Clients use the Sentinel URL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { NetnsLab } from './netns-lab.js';
import { kill, sleep, start, type Proc } from './processes.js';

export const PRIMARY_NAME = 'hsprimary';
export const SERVERS = ['redis0', 'redis1'] as const;
export const SENTINELS = ['sentinel0', 'sentinel1', 'sentinel2'] as const;

export interface NetnsRedis {
  url: string;
  /** The server host the sentinels name as primary. */
  primary(): Promise<string>;
  /** SIGKILL a server and start it again after `downMs`. */
  restart(host: string, downMs: number): Promise<void>;
  /** SIGKILL the primary, wait for the sentinels to promote the replica, start the old one after `downMs` (it comes back as a replica). */
  killPrimary(downMs: number): Promise<string>;
  /** SENTINEL FAILOVER: the primary and the replica swap roles. */
  sentinelFailover(): Promise<string>;
  /** Wait until one primary with its replica online, as the sentinels say; false after `timeoutMs`. */
  healthy(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

function client(host: string, port: number): Redis {
  const c = new Redis({ host, port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  return c;
}

async function ask<T>(host: string, port: number, f: (c: Redis) => Promise<T>): Promise<T | undefined> {
  const c = client(host, port);
  try {
    await c.connect();
    return await f(c);
  } catch {
    return undefined;
  } finally {
    c.disconnect();
  }
}

function serverConf(dir: string, replicaOf?: string): string {
  return [
    'port 6379', 'bind 0.0.0.0', 'protected-mode no', `dir ${dir}`, 'appendonly yes', 'appendfsync always', 'save ""', 'daemonize no', `logfile ${join(dir, 'redis.log')}`,
    ...(replicaOf ? [`replicaof ${replicaOf} 6379`] : []), '',
  ].join('\n');
}

function sentinelConf(dir: string, primaryIp: string): string {
  return [
    'port 26379', 'bind 0.0.0.0', 'protected-mode no', `dir ${dir}`, `logfile ${join(dir, 'sentinel.log')}`,
    `sentinel monitor ${PRIMARY_NAME} ${primaryIp} 6379 2`,
    `sentinel down-after-milliseconds ${PRIMARY_NAME} 2000`,
    `sentinel failover-timeout ${PRIMARY_NAME} 6000`,
    `sentinel parallel-syncs ${PRIMARY_NAME} 1`, '',
  ].join('\n');
}

async function waitForPing(ipAddress: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await ask(ipAddress, port, (c) => c.ping())) !== 'PONG') {
    if (Date.now() > deadline) throw new Error(`${ipAddress}:${port} did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export async function startNetnsRedis(lab: NetnsLab, dir: string): Promise<NetnsRedis> {
  const procs = new Map<string, Proc>();
  const startOne = async (host: string, conf: string, port: number) => {
    procs.set(host, start(host, lab.exec(host, [port === 6379 ? 'redis-server' : 'redis-sentinel', conf]), {}, join(dir, `${host}.out`)));
    await waitForPing(lab.host(host).ip, port, 20_000);
  };
  const confOf = (host: string) => join(dir, host, host.startsWith('redis') ? 'redis.conf' : 'sentinel.conf');
  const primaryIp = lab.host(SERVERS[0]).ip;
  for (const host of [...SERVERS, ...SENTINELS]) {
    const d = join(dir, host);
    mkdirSync(d, { recursive: true });
    writeFileSync(confOf(host), host.startsWith('redis') ? serverConf(d, host === SERVERS[0] ? undefined : primaryIp) : sentinelConf(d, primaryIp));
  }
  for (const host of SERVERS) await startOne(host, confOf(host), 6379);
  for (const host of SENTINELS) await startOne(host, confOf(host), 26379);
  const hostOfIp = (address: string | undefined) => [...SERVERS].find((h) => lab.host(h).ip === address);
  const primary = async (): Promise<string> => {
    for (const s of SENTINELS) {
      const reply = await ask(lab.host(s).ip, 26379, (c) => c.call('SENTINEL', 'get-master-addr-by-name', PRIMARY_NAME) as Promise<[string, string]>);
      const host = hostOfIp(reply?.[0]);
      if (host) return host;
    }
    throw new Error('no sentinel names a primary');
  };
  const role = (host: string) => ask(lab.host(host).ip, 6379, (c) => c.info('replication'));
  const waitForPrimary = async (host: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while ((await primary().catch(() => '')) !== host || !(await role(host))?.includes('role:master')) {
      if (Date.now() > deadline) throw new Error(`the sentinels did not promote ${host} within ${timeoutMs} ms`);
      await sleep(200);
    }
  };
  // Every sentinel knows the replica and the two other sentinels (so a failover can be agreed).
  const sentinelsSeeAll = async () => {
    for (const s of SENTINELS) {
      const flat = await ask(lab.host(s).ip, 26379, (c) => c.call('SENTINEL', 'MASTER', PRIMARY_NAME) as Promise<string[]>);
      const field = (k: string) => Number(flat?.[flat.indexOf(k) + 1] ?? -1);
      if (!flat || field('num-slaves') < 1 || field('num-other-sentinels') < SENTINELS.length - 1) return false;
    }
    return true;
  };
  const other = (host: string) => SERVERS.find((h) => h !== host)!;
  const r: NetnsRedis = {
    url: `redis-sentinel://${SENTINELS.map((s) => `${lab.host(s).ip}:26379`).join(',')}/${PRIMARY_NAME}`,
    primary,
    async restart(host, downMs) {
      await kill(procs.get(host)!);
      await sleep(downMs);
      await startOne(host, confOf(host), 6379);
    },
    async killPrimary(downMs) {
      const old = await primary();
      await kill(procs.get(old)!);
      await waitForPrimary(other(old), 60_000);
      await sleep(downMs);
      await startOne(old, confOf(old), 6379);
      return old;
    },
    async sentinelFailover() {
      const old = await primary();
      for (const s of SENTINELS) if ((await ask(lab.host(s).ip, 26379, (c) => c.call('SENTINEL', 'FAILOVER', PRIMARY_NAME))) === 'OK') break;
      await waitForPrimary(other(old), 60_000);
      return old;
    },
    async healthy(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const p = await primary().catch(() => undefined);
        const [pInfo, rInfo] = p ? await Promise.all([role(p), role(other(p))]) : [undefined, undefined];
        const ok = pInfo?.includes('role:master') && rInfo?.includes('role:slave') && rInfo.includes('master_link_status:up') && rInfo.includes(`master_host:${lab.host(p!).ip}`);
        if (ok && (await sentinelsSeeAll())) return true;
        if (Date.now() > deadline) return false;
        await sleep(250);
      }
    },
    async stop() {
      for (const p of procs.values()) await kill(p);
    },
  };
  return r;
}
