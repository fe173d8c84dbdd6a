/**
 * The network-namespace profile (root): ten hosts on a bridge of the lab's own
 * (chaos/netns-lab.ts): a Redis primary and a replica, three sentinels, two controllers and
 * three agents, each in its own namespace; controllers and agents reach Redis through the
 * Sentinel URL. Faults: a host partitioned (its frames dropped at the switch, connections left
 * open), an agent SIGKILLed or frozen (SIGSTOP), an agent's whole host frozen (agent, sentinel
 * process and scripts), a controller frozen or SIGKILLed, a Redis server restarted, a primary
 * failover (the primary SIGKILLed and the replica promoted, or SENTINEL FAILOVER), an agent
 * restarted with its clock 20 s off.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connectRedis } from '../src/store/connect-redis.js';
import type { Freeze } from './checker.js';
import { createLab, type NetnsLab } from './netns-lab.js';
import { SENTINELS, SERVERS, startNetnsRedis, type NetnsRedis } from './netns-redis.js';
import { hypersweepArgv, kill, signal, skewedClockEnv, sleep, start, uptime, type Proc } from './processes.js';
import { agentArgs, agentsExited, agentUp, controllerArgs, holdMs, type Testbed } from './testbed.js';

const FAULTS = ['partition', 'agent-sigkill', 'agent-sigstop', 'host-freeze', 'controller-sigstop', 'controller-sigkill', 'redis-restart', 'primary-failover', 'clock-skew'] as const;
const CONTROLLERS = ['controller0', 'controller1'];
const AGENTS = ['agent0', 'agent1', 'agent2'];
const API_PORT = 7070;

interface Agent {
  index: number;
  host: string;
  sweepId: string;
  proc: Proc;
}

interface Bed {
  lab: NetnsLab;
  redis: NetnsRedis;
  dir: string;
  hostsDir: string;
  token: string;
  controllers: Proc[];
  agents: Agent[];
  freezes: Freeze[];
  log: (line: string) => void;
  leaseMs: number;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function startController(b: Bed, i: number): Proc {
  const host = CONTROLLERS[i]!;
  const argv = [...controllerArgs(API_PORT, b.redis.url), '--host', b.lab.host(host).ip, '--token', b.token];
  return start(host, b.lab.exec(host, hypersweepArgv(argv)), {}, join(b.dir, `${host}.log`));
}

function startAgent(b: Bed, a: Omit<Agent, 'proc'>, env: NodeJS.ProcessEnv = {}): Proc {
  return start(a.host, b.lab.exec(a.host, hypersweepArgv(agentArgs(a.sweepId, b.redis.url, b.leaseMs))), { CHAOS_HOST_FILE: join(b.hostsDir, `${a.host}.log`), ...env }, join(b.dir, `${a.host}.log`));
}

/** Half the partitions hit an agent, the rest a controller, a Redis server or a sentinel. */
function partitionTarget(random: () => number): string {
  const r = random();
  const from = (xs: readonly string[]) => xs[Math.floor(random() * xs.length)]!;
  return r < 0.5 ? from(AGENTS) : r < 0.7 ? from(CONTROLLERS) : r < 0.9 ? from(SERVERS) : from(SENTINELS);
}

async function redisSettled(b: Bed): Promise<string> {
  return (await b.redis.healthy(90_000)) ? '' : ' (Redis not healthy 90 s later)';
}

async function inject(b: Bed, fault: string, random: () => number): Promise<string> {
  const a = b.agents[Math.floor(random() * b.agents.length)]!;
  const hold = holdMs(b.leaseMs, random);
  const ci = Math.floor(random() * b.controllers.length);
  switch (fault) {
    case 'partition': {
      const host = partitionTarget(random);
      b.lab.cut(host);
      await sleep(hold);
      b.lab.heal(host);
      return `${host} cut off ${secs(hold)}${host.startsWith('redis') || host.startsWith('sentinel') ? await redisSettled(b) : ''}`;
    }
    case 'agent-sigkill':
      await kill(a.proc);
      await sleep(500);
      a.proc = startAgent(b, a);
      return `${a.host}${await agentUp(a.proc, a.sweepId)}`;
    case 'agent-sigstop':
      signal(a.proc, 'SIGSTOP');
      await sleep(hold);
      signal(a.proc, 'SIGCONT');
      return `${a.host} ${secs(hold)}`;
    case 'host-freeze': {
      const from = uptime();
      b.lab.freeze(a.host);
      await sleep(hold);
      b.freezes.push({ host: a.host, from, to: uptime() });
      b.lab.thaw(a.host);
      return `${a.host} ${secs(hold)}`;
    }
    case 'controller-sigstop':
      signal(b.controllers[ci]!, 'SIGSTOP');
      await sleep(hold);
      signal(b.controllers[ci]!, 'SIGCONT');
      return `${CONTROLLERS[ci]} ${secs(hold)}`;
    case 'controller-sigkill':
      await kill(b.controllers[ci]!);
      await sleep(300);
      b.controllers[ci] = startController(b, ci);
      return CONTROLLERS[ci]!;
    case 'redis-restart': {
      const host = SERVERS[Math.floor(random() * SERVERS.length)]!;
      const down = 300 + random() * 700;
      await b.redis.restart(host, down);
      return `${host} down ${secs(down)}${await redisSettled(b)}`;
    }
    case 'primary-failover': {
      const killed = random() < 0.6;
      const old = killed ? await b.redis.killPrimary(hold) : await b.redis.sentinelFailover();
      return `${old} ${killed ? `SIGKILLed, back after ${secs(hold)} as a replica` : 'handed over by SENTINEL FAILOVER'}${await redisSettled(b)}`;
    }
    case 'clock-skew': {
      const offset = random() < 0.5 ? '-20s' : '+20s';
      await kill(a.proc);
      a.proc = startAgent(b, a, skewedClockEnv(offset));
      return `${a.host} ${offset}${await agentUp(a.proc, a.sweepId)}`;
    }
  }
  throw new Error(`unknown fault ${fault}`);
}

export async function startNetns(dir: string, hostsDir: string, log: (line: string) => void, leaseMs: number): Promise<Testbed> {
  const lab = createLab([...SERVERS, ...SENTINELS, ...CONTROLLERS, ...AGENTS]);
  let redis: NetnsRedis | undefined;
  try {
    redis = await startNetnsRedis(lab, dir);
    if (!(await redis.healthy(60_000))) throw new Error('the Redis primary, replica and sentinels did not come up');
  } catch (err) {
    await redis?.stop();
    lab.destroy();
    throw err;
  }
  const b: Bed = { lab, redis, dir, hostsDir, token: randomBytes(16).toString('hex'), controllers: [], agents: [], freezes: [], log, leaseMs };
  b.controllers.push(startController(b, 0), startController(b, 1));
  const c = connectRedis(redis.url, { maxRetriesPerRequest: null });
  c.on('error', () => undefined);
  const api = `http://${lab.host(CONTROLLERS[0]!).ip}:${API_PORT}`;
  let closed = false;
  const onSignal = (sig: NodeJS.Signals) => {
    log(`chaos: ${sig}: removing the lab`);
    lab.destroy();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    profile: `network namespaces (lab ${lab.id}: Redis primary + replica + 3 sentinels, 2 controllers, 3 agents), lease ${leaseMs / 1000} s`,
    runsPerMinute: 40,
    faults: FAULTS.filter((f) => f !== 'clock-skew' || skewedClockEnv('+0s')),
    api,
    headers: { authorization: `Bearer ${b.token}` },
    redis: c,
    freezes: b.freezes,
    async startAgents(plan) {
      plan.forEach((sweepId, index) => {
        const a = { index, host: AGENTS[index]!, sweepId };
        b.agents.push({ ...a, proc: startAgent(b, a) });
      });
      for (const a of b.agents) {
        const why = await agentUp(a.proc, a.sweepId);
        if (why) throw new Error(`${a.host} did not start${why}`);
      }
    },
    inject: (fault, random) => inject(b, fault, random),
    async healAll() {
      for (const h of [...SERVERS, ...SENTINELS, ...CONTROLLERS, ...AGENTS]) {
        lab.heal(h);
        lab.thaw(h);
      }
    },
    agentsExited: (timeoutMs) => agentsExited(b.agents, timeoutMs),
    async close() {
      if (closed) return;
      closed = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      for (const a of b.agents) await kill(a.proc);
      for (const ctl of b.controllers) await kill(ctl);
      c.disconnect();
      await redis.stop();
      lab.destroy();
    },
  };
}
