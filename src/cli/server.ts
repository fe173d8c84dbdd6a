/** `hypersweep server`: the controller and the HTTP API (and dashboard) in one process. */
import { InvalidArgumentError, type Command } from 'commander';
import { startServer } from '../api/start-server.js';
import { redactRedisUrl } from '../store/redis-url.js';

/** Largest number an option may carry: every one becomes a port or a timer (setTimeout fires at once past 2^31 − 1 ms). */
const MAX_OPTION_INT = 2 ** 31 - 1;

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_OPTION_INT) throw new InvalidArgumentError(`expected an integer from 0 to ${MAX_OPTION_INT}, got ${value}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('server')
    .description('run the controller and the HTTP API + dashboard (one process holds any number of sweeps)')
    .option('--port <port>', 'port to listen on', int, 7070)
    .option('--host <host>', 'address to bind (a non-loopback address needs a token)', '127.0.0.1')
    .option('--redis <url>', 'Redis URL: redis://, rediss:// (TLS), redis-sentinel://host1,host2,host3/primaryName (Sentinel), redis-cluster://host1:port1,host2:port2 (Redis Cluster; env REDIS_URL, default redis://127.0.0.1:6379)')
    .option('--token <token>', 'bearer token required on /api (env HYPERSWEEP_TOKEN)')
    .option('--allow-host <name>', 'a host name the API answers to besides IP addresses and localhost (repeat for more)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--lease-check-ms <ms>', 'how often running runs\' leases are checked', int, 1000)
    .option('--leader-ttl-ms <ms>', 'TTL of the per-sweep leader lock', int, 5000)
    .option('--poll-ms <ms>', 'idle time between control rounds', int, 200)
    .option('--requeue-margin-ms <ms>', "how long a run's lease must have been gone before the run is queued again", int, 2000)
    .action(async (opts: { port: number; host: string; redis?: string; token?: string; allowHost: string[]; leaseCheckMs: number; leaderTtlMs: number; pollMs: number; requeueMarginMs: number }) => {
      const redisUrl = opts.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      const token = opts.token ?? process.env.HYPERSWEEP_TOKEN ?? undefined;
      const server = await startServer({
        port: opts.port,
        host: opts.host,
        redisUrl,
        allowHosts: opts.allowHost,
        ...(token ? { token } : {}),
        controllerOptions: { leaseCheckMs: opts.leaseCheckMs, leaderTtlMs: opts.leaderTtlMs, pollMs: opts.pollMs, requeueMarginMs: opts.requeueMarginMs },
      });
      console.log(`hypersweep server listening on ${server.url} (redis ${redactRedisUrl(redisUrl)})`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`hypersweep server: ${signal}, shutting down`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      await new Promise(() => {});
    });
}
