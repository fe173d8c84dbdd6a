/**
 * What a profile of the fault suite sets up and how it hurts it: the Redis, controllers and
 * agents, the faults it knows, and the means to heal everything. The fault loop, the workload
 * and the checker (chaos/run-chaos.ts) are the same for every profile.
 */
import type { RedisClient } from '../src/store/redis-client.js';
import type { Freeze } from './checker.js';
import { alive, sleep, waitForLog, type Proc } from './processes.js';

export interface Testbed {
  /** A line for the table. */
  profile: string;
  /** The workload's default size: about what six slots do in a minute of this profile's faults. */
  runsPerMinute: number;
  /** The fault kinds `inject` knows. */
  faults: readonly string[];
  /** The API of controller 0 and the headers it needs. */
  api: string;
  headers: Record<string, string>;
  /** A client for the checker (follows a failover). */
  redis: RedisClient;
  /** Start one agent per sweep id of `plan`, agent i on its own host. */
  startAgents(plan: string[]): Promise<void>;
  /** Inject one fault and heal it; returns what was done, for the log. */
  inject(fault: string, random: () => number): Promise<string>;
  /** Heal whatever is still cut off or frozen. */
  healAll(): Promise<void>;
  /** Agents that did not exit 0 within `timeoutMs`, in words. */
  agentsExited(timeoutMs: number): Promise<string[]>;
  /** Whole hosts frozen, for the checker. */
  freezes: Freeze[];
  /** Stop everything and remove what was made (idempotent). */
  close(): Promise<void>;
}

/** Agent options shared by the profiles: two slots, the profile's lease, a 1 s grace. */
export function agentArgs(sweepId: string, redisUrl: string, leaseMs: number): string[] {
  return ['agent', sweepId, '--redis', redisUrl, '--slots', '2', '--lease-ms', String(leaseMs), '--grace-sec', '1'];
}

/** How long a fault holds: half a lease (nothing is lost) to about 2.3 leases (the runs' leases lapse and they run again elsewhere); 1.5–7 s for a 3 s lease. */
export function holdMs(leaseMs: number, random: () => number): number {
  return leaseMs * (0.5 + random() * (11 / 6));
}

/** Controller options shared by the profiles: a 2 s leader TTL, a 1 s re-queue margin. */
export function controllerArgs(port: number, redisUrl: string): string[] {
  return ['server', '--port', String(port), '--redis', redisUrl, '--leader-ttl-ms', '2000', '--lease-check-ms', '300', '--requeue-margin-ms', '1000', '--poll-ms', '100'];
}

/**
 * Wait until a (re)started agent has reached Redis and named its sweep: an agent that cannot
 * reach Redis within 10 s of its start exits (a supervisor would start it again), so no fault is
 * injected while one is starting. Returns what went wrong, or ''.
 */
export async function agentUp(p: Proc, sweepId: string): Promise<string> {
  return (await waitForLog(p, `: sweep ${sweepId}, slots`, 120_000)) ? '' : ` (${p.name} not up: ${alive(p) ? 'no start line in 120 s' : `exited ${p.proc.exitCode}`})`;
}

/** Wait for each agent to exit; the ones that did not exit 0 in time, in words. */
export async function agentsExited(agents: Array<{ index: number; proc: Proc }>, timeoutMs: number): Promise<string[]> {
  const by = Date.now() + timeoutMs;
  const out: string[] = [];
  for (const a of agents) {
    const code = await Promise.race([a.proc.exited, sleep(Math.max(0, by - Date.now())).then(() => 'timeout' as const)]);
    if (code !== 0) out.push(`agent${a.index} did not exit 0 after its sweep finished (${code}${alive(a.proc) ? ', still running' : ''})`);
  }
  return out;
}
