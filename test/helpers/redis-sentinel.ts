/**
 * A private Redis Sentinel set-up on 127.0.0.1 for one test file: a primary, replicas and three
 * redis-sentinel processes watching it as `primaryName`, each on a free port, data in a
 * temporary dir. The servers can be killed and started again one by one (the Sentinel's own
 * failover does the rest); stop() kills them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/local/private-redis.js';

export interface SentinelNode {
  name: string;
  port: number;
  proc: ChildProcess | undefined;
}

export interface RedisSentinelSet {
  /** redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/primaryName */
  url: string;
  primaryName: string;
  servers: SentinelNode[];
  sentinels: SentinelNode[];
  /** The server the sentinels name as primary now. */
  primaryPort(): Promise<number>;
  /** SIGKILL one server (by port). */
  kill(port: number): Promise<void>;
  /** Start a killed server again (it comes back empty of role; the sentinels make it a replica). */
  start(port: number): Promise<void>;
  /** Wait until the sentinels name a primary other than `port` and it answers as master. */
  waitForFailover(fromPort: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

async function ping(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      if ((await c.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new Error(`port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      c.disconnect();
    }
  }
}

async function killProc(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

export async function startRedisSentinel(options: { replicas?: number; appendfsync?: 'always' | 'everysec'; downAfterMs?: number } = {}): Promise<RedisSentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-sentinel-'));
  const primaryName = 'hsprimary';
  const servers: SentinelNode[] = [];
  const sentinels: SentinelNode[] = [];
  const count = 1 + (options.replicas ?? 1);
  for (let i = 0; i < count; i++) servers.push({ name: `redis${i}`, port: await freePort(), proc: undefined });
  for (let i = 0; i < 3; i++) sentinels.push({ name: `sentinel${i}`, port: await freePort(), proc: undefined });
  const primary0 = servers[0]!.port;

  const startServer = async (node: SentinelNode, replicaOf?: number) => {
    const d = join(dir, node.name);
    mkdirSync(d, { recursive: true });
    const args = ['--port', String(node.port), '--bind', '127.0.0.1', '--dir', d, '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always', '--save', '', '--daemonize', 'no', '--logfile', ''];
    if (replicaOf) args.push('--replicaof', '127.0.0.1', String(replicaOf));
    node.proc = spawn('redis-server', args, { stdio: 'ignore' });
    await ping(node.port, 30_000);
  };
  const startSentinel = async (node: SentinelNode) => {
    const conf = join(dir, `${node.name}.conf`);
    writeFileSync(
      conf,
      [
        `port ${node.port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${primaryName} 127.0.0.1 ${primary0} 2`,
        `sentinel down-after-milliseconds ${primaryName} ${options.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${primaryName} 4000`,
        `sentinel parallel-syncs ${primaryName} 1`,
        '',
      ].join('\n'),
    );
    node.proc = spawn('redis-sentinel', [conf], { stdio: 'ignore' });
    await ping(node.port, 30_000);
  };

  await startServer(servers[0]!);
  for (const s of servers.slice(1)) await startServer(s, primary0);
  for (const s of sentinels) await startSentinel(s);

  const sentinelClient = () => {
    const c = new Redis({ port: sentinels[0]!.port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false });
    c.on('error', () => undefined);
    return c;
  };
  const primaryPort = async (): Promise<number> => {
    const c = sentinelClient();
    try {
      const reply = (await c.call('SENTINEL', 'get-master-addr-by-name', primaryName)) as [string, string];
      return Number(reply[1]);
    } finally {
      c.disconnect();
    }
  };
  // Ready when the replicas are in sync and every sentinel sees them.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const c = new Redis({ port: primary0, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    const info = await c.info('replication').finally(() => c.disconnect());
    const online = (info.match(/state=online/g) ?? []).length;
    if (online >= count - 1) break;
    if (Date.now() > deadline) throw new Error(`replicas not in sync: ${info}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const byPort = (port: number) => {
    const node = servers.find((s) => s.port === port);
    if (!node) throw new Error(`no server on port ${port}`);
    return node;
  };
  return {
    url: `redis-sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${primaryName}`,
    primaryName,
    servers,
    sentinels,
    primaryPort,
    async kill(port) {
      const node = byPort(port);
      await killProc(node.proc);
      node.proc = undefined;
    },
    async start(port) {
      await startServer(byPort(port));
    },
    async waitForFailover(fromPort, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const port = await primaryPort().catch(() => fromPort);
        if (port !== fromPort) {
          const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
          c.on('error', () => undefined);
          const role = await c.info('replication').catch(() => '').finally(() => c.disconnect());
          if (role.includes('role:master')) return port;
        }
        if (Date.now() > until) throw new Error(`no failover away from ${fromPort} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      for (const n of [...sentinels, ...servers]) await killProc(n.proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
