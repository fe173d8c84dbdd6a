/**
 * A private redis-server started from the PATH, for `hypersweep run` (and the tests): a free
 * port on 127.0.0.1, its data in `dir` with the append-only file on, so a stopped sweep can
 * be resumed. It dies with us: stop() kills it, and exit handlers cover the rest.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { HypersweepError } from '../errors.js';
import { COMPACT_HASH_VALUE_BYTES } from '../store/redis-tuning.js';

export const REDIS_INSTALL_HELP = [
  'hypersweep needs Redis: put redis-server on the PATH, or point at a running Redis with REDIS_URL=redis://host:6379.',
  '  Debian/Ubuntu: sudo apt-get install -y redis-server',
  '  macOS:         brew install redis',
  '  Docker:        docker run -d -p 6379:6379 redis:7   (then REDIS_URL=redis://127.0.0.1:6379)',
].join('\n');

export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  /** SIGKILL the server; its data survives in the append-only file. */
  kill(): Promise<void>;
  /** Start it again on the same port and dir. */
  start(): Promise<void>;
  /** Shut it down (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Whether `redis-server` can be run from the PATH. */
export function redisServerOnPath(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, proc: ChildProcess, timeoutMs: number, password?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new HypersweepError('REDIS_UNAVAILABLE', `redis-server exited with code ${proc.exitCode} before it was ready`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...(password ? { password } : {}) });
    probe.on('error', () => undefined); // refused while the server starts: expected, retried below
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new HypersweepError('REDIS_UNAVAILABLE', `redis-server on port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    } finally {
      probe.disconnect();
    }
  }
}

/** Kill a redis-server left behind by an earlier run that was itself killed (its pidfile in dir). */
function killLeftover(dir: string): void {
  const pidFile = join(dir, 'redis.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('redis-server')) process.kill(pid, 'SIGKILL');
  } catch {
    // not running (or not Linux): nothing to do
  }
}

export interface PrivateRedisOptions {
  /** Data folder (append-only file, pidfile). Created if missing. */
  dir: string;
  /** @defaultValue a free port */
  port?: number;
  /**
   * Require this password (`requirepass`, written to `<dir>/redis.conf` readable by the owner
   * only, never on the command line); the url then carries it. `hypersweep run` passes a random
   * one. @defaultValue none (tests)
   */
  password?: string;
  /** fsync policy of the append-only file. @defaultValue 'everysec' */
  appendfsync?: 'always' | 'everysec';
}

export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  if (!redisServerOnPath()) throw new HypersweepError('REDIS_UNAVAILABLE', REDIS_INSTALL_HELP);
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  killLeftover(dir);
  const port = options.port ?? (await freePort());
  let proc: ChildProcess | undefined;
  const onExit = (): void => {
    proc?.kill('SIGKILL');
  };

  const start = async (): Promise<void> => {
    // A run's hash holds its config and summary as JSON, past Redis's default 64 B for a compact
    // hash value: 1 KB keeps it compact, ~1.8 KB → ~0.7 KB per run (src/store/redis-tuning.ts).
    // The ziplist name is the one Redis 6 and 7 both accept.
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'everysec',
      '--save', '', '--daemonize', 'no', '--pidfile', join(dir, 'redis.pid'), '--logfile', '', '--hash-max-ziplist-value', String(COMPACT_HASH_VALUE_BYTES)];
    if (options.password !== undefined) args.unshift(writePrivateConfig(dir, options.password));
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    proc = child;
    process.once('exit', onExit);
    await waitForPing(port, child, 10_000, options.password);
  };
  /** End the server: `SIGKILL` at once, or `SIGTERM` with `graceMs` before SIGKILL. */
  const end = async (signal: 'SIGKILL' | 'SIGTERM', graceMs = 0): Promise<void> => {
    const p = proc;
    proc = undefined;
    process.removeListener('exit', onExit);
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => p.kill('SIGKILL'), graceMs);
      p.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      p.kill(signal);
    });
  };
  const kill = (): Promise<void> => end('SIGKILL');
  const stop = (): Promise<void> => end('SIGTERM', 5000);
  await start();
  const auth = options.password !== undefined ? `:${encodeURIComponent(options.password)}@` : '';
  return { port, url: `redis://${auth}127.0.0.1:${port}`, dir, kill, start, stop };
}

/** `<dir>/redis.conf` with the password, mode 0600 (a config file, so `ps` never shows it). Its path. */
function writePrivateConfig(dir: string, password: string): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(password)) throw new HypersweepError('BAD_REQUEST', 'the private Redis password must be 16 or more letters, digits, _ or -');
  const path = join(dir, 'redis.conf');
  writeFileSync(path, `# written by hypersweep run; readable by its owner only\nrequirepass ${password}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
