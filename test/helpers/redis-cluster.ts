/**
 * A private Redis Cluster on 127.0.0.1 for one test file: `primaries` redis-server processes
 * with cluster mode on (each on a free port, its bus on another free port, data in a temporary
 * dir), joined by `redis-cli --cluster create` with no replicas, so the 16384 slots are split
 * between them. stop() kills them all and removes the dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort } from '../../src/local/private-redis.js';

export interface RedisClusterSet {
  /** redis-cluster://127.0.0.1:p1,127.0.0.1:p2,... */
  url: string;
  ports: number[];
  /** A new Cluster client; closed by stop(). */
  client(): Cluster;
  /** A plain client of one node (CLUSTER commands, KEYS of that node). */
  node(port: number): Redis;
  stop(): Promise<void>;
}

async function untilTrue(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function killProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

export async function startRedisCluster(options: { primaries?: number } = {}): Promise<RedisClusterSet> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-cluster-'));
  const procs: ChildProcess[] = [];
  const clients: Array<Redis | Cluster> = [];
  const ports: number[] = [];
  const node = (port: number): Redis => {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const stop = async (): Promise<void> => {
    for (const c of clients) c.disconnect();
    await Promise.all(procs.map(killProc));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < (options.primaries ?? 3); i++) {
      const port = await freePort();
      const bus = await freePort();
      const d = join(dir, `node${i}`);
      mkdirSync(d);
      const args = ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--dir', d, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''];
      procs.push(spawn('redis-server', args, { stdio: 'ignore' }));
      ports.push(port);
    }
    for (const port of ports) {
      const c = node(port);
      await untilTrue(`port ${port} answering`, 10_000, async () => {
        if (c.status === 'wait' || c.status === 'end') await c.connect().catch(() => undefined);
        return (await c.ping()) === 'PONG';
      });
    }
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const port of ports) {
      const c = node(port);
      await untilTrue(`node ${port} reporting cluster_state:ok`, 30_000, async () => {
        if (c.status === 'wait') await c.connect();
        return /cluster_state:ok/.test(String(await c.call('CLUSTER', 'INFO')));
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    client() {
      const c = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: null } });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    node(port: number) {
      const c = node(port);
      void c.connect().catch(() => undefined);
      return c;
    },
    stop,
  };
}
