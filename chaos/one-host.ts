/**
 * The one-host profile (no root, or no `ip`): one redis-server (appendfsync always), two
 * controllers and three agents on this machine, each agent talking to Redis through its own TCP
 * proxy (test/helpers/tcp-proxy.ts) so it can be cut off with its connections left open.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startPrivateRedis, type PrivateRedis } from '../src/local/private-redis.js';
import { startTcpProxy, type TcpProxy } from '../test/helpers/tcp-proxy.js';
import { hypersweepArgv, kill, signal, skewedClockEnv, sleep, start, type Proc } from './processes.js';
import { agentArgs, agentsExited, agentUp, controllerArgs, holdMs, type Testbed } from './testbed.js';

const FAULTS = ['partition', 'agent-sigkill', 'agent-sigstop', 'controller-sigstop', 'controller-sigkill', 'redis-restart', 'clock-skew'] as const;

interface Agent {
  index: number;
  sweepId: string;
  proc: Proc;
  proxy: TcpProxy;
}

export async function startOneHost(dir: string, hostsDir: string, leaseMs: number): Promise<Testbed> {
  const redis: PrivateRedis = await startPrivateRedis({ dir: join(dir, 'redis'), appendfsync: 'always' });
  const c = new Redis(redis.url, { maxRetriesPerRequest: null });
  c.on('error', () => undefined);
  const ports = [await freePort(), await freePort()];
  const startController = (i: number) => start(`controller${i}`, hypersweepArgv(controllerArgs(ports[i]!, redis.url)), {}, join(dir, `controller${i}.log`));
  const controllers = [startController(0), startController(1)];
  const agents: Agent[] = [];
  const proxies: TcpProxy[] = [];
  const startAgent = (a: Omit<Agent, 'proc'>, env: NodeJS.ProcessEnv = {}) =>
    start(`agent${a.index}`, hypersweepArgv(agentArgs(a.sweepId, a.proxy.url, leaseMs)), { CHAOS_HOST_FILE: join(hostsDir, `agent${a.index}.log`), ...env }, join(dir, `agent${a.index}.log`));
  const skew = skewedClockEnv('+0s');
  const faults = FAULTS.filter((f) => f !== 'clock-skew' || skew);
  const api = `http://127.0.0.1:${ports[0]}`;
  let closed = false;
  const bed: Testbed = {
    profile: `one-host (TCP proxies), lease ${leaseMs / 1000} s`,
    runsPerMinute: 65,
    faults,
    api,
    headers: {},
    redis: c,
    freezes: [],
    async startAgents(plan) {
      for (let i = 0; i < plan.length; i++) {
        const proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
        proxies.push(proxy);
        const a = { index: i, sweepId: plan[i]!, proxy };
        agents.push({ ...a, proc: startAgent(a) });
      }
      for (const a of agents) {
        const why = await agentUp(a.proc, a.sweepId);
        if (why) throw new Error(`agent${a.index} did not start${why}`);
      }
    },
    async inject(fault, random) {
      const a = agents[Math.floor(random() * agents.length)]!;
      const hold = holdMs(leaseMs, random);
      const ci = Math.floor(random() * controllers.length);
      switch (fault) {
        case 'partition':
          a.proxy.partition();
          await sleep(hold);
          a.proxy.heal();
          return `agent${a.index} cut off ${(hold / 1000).toFixed(1)} s`;
        case 'agent-sigkill':
          await kill(a.proc);
          await sleep(500);
          a.proc = startAgent(a);
          return `agent${a.index}${await agentUp(a.proc, a.sweepId)}`;
        case 'agent-sigstop':
          signal(a.proc, 'SIGSTOP');
          await sleep(hold);
          signal(a.proc, 'SIGCONT');
          return `agent${a.index} ${(hold / 1000).toFixed(1)} s`;
        case 'controller-sigstop':
          signal(controllers[ci]!, 'SIGSTOP');
          await sleep(hold);
          signal(controllers[ci]!, 'SIGCONT');
          return `controller${ci} ${(hold / 1000).toFixed(1)} s`;
        case 'controller-sigkill':
          await kill(controllers[ci]!);
          await sleep(300);
          controllers[ci] = startController(ci);
          return `controller${ci}`;
        case 'redis-restart':
          await redis.kill();
          await sleep(300 + random() * 700);
          await redis.start();
          return 'redis';
        case 'clock-skew': {
          const offset = random() < 0.5 ? '-20s' : '+20s';
          await kill(a.proc);
          a.proc = startAgent(a, skewedClockEnv(offset));
          return `agent${a.index} ${offset}${await agentUp(a.proc, a.sweepId)}`;
        }
      }
      throw new Error(`unknown fault ${fault}`);
    },
    async healAll() {
      for (const a of agents) {
        a.proxy.heal();
        signal(a.proc, 'SIGCONT');
      }
      for (const ctl of controllers) signal(ctl, 'SIGCONT');
    },
    agentsExited: (timeoutMs) => agentsExited(agents, timeoutMs),
    async close() {
      if (closed) return;
      closed = true;
      for (const a of agents) await kill(a.proc);
      for (const ctl of controllers) await kill(ctl);
      for (const p of proxies) await p.close();
      c.disconnect();
      await redis.kill();
    },
  };
  return bed;
}
