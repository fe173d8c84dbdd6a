/**
 * Agents as they registered themselves (keys.sweepAgents, keys.agent): kept with the sweep they
 * serve (one sweep, one cluster slot, src/store/keys.ts), written by each agent through
 * an AgentSession (src/store/agent-session.ts), read-only for the controller, which counts their
 * idle slots to size the queue and tells them about stops through their channel. This file is
 * the one that knows the agent hash's fields.
 */
import type { RedisClient } from './redis-client.js';
import { keys } from './keys.js';
import { execPipeline } from './exec-pipeline.js';
import { callScriptVarKeys } from './store-scripts.js';

export interface AgentInfo {
  id: string;
  host: string;
  pid: number;
  sweepId: string;
  /** Slot names (usually one per GPU). */
  slots: string[];
  /** slot → runId of the runs it executes now. */
  busy: Record<string, string>;
  startedAt: number;
  /** The agent's clock at its last heartbeat (shown, never compared with another clock). */
  lastSeen: number;
  state: string;
  /** Its liveness key (keys.agentLive) exists: it heartbeated within its TTL. */
  live: boolean;
}

/** How long an agent counts as live after a heartbeat (the TTL of keys.agentLive). */
export const AGENT_LIVE_MS = 15_000;

/** What an agent says of itself at each heartbeat. */
export interface AgentPresence {
  /** slot → runId of the runs it executes now. */
  busy: Record<string, string>;
  /** `idle`, `busy`, `stopping`, `exited` (`stopped`: a test agent that went away). */
  state: string;
}

/** One call of an agent about itself (src/store/agent-session.ts makes them). */
export interface AgentWrite {
  sweepId: string;
  agentId: string;
  /** The agent's clock (lastSeen, the agents index's score). */
  now: number;
  /** What to write; unset: write nothing, only answer. */
  presence?: AgentPresence;
  /** The rest of the hash (at registration). */
  full?: Omit<AgentInfo, 'busy' | 'state' | 'lastSeen' | 'id' | 'live' | 'sweepId'>;
  /** A TTL for the hash (an exited agent is shown for a while). */
  keepMs?: number;
  /** A controller-wake message to publish in the same call (src/store/sweep-signals.ts). */
  wake?: string;
  /** Runs whose stop request (run field `stop`) to answer. */
  stopsOf?: readonly string[];
}

export interface AgentWriteReply {
  /** The sweep's state; undefined when it is gone. */
  sweepState: string | undefined;
  /** The `stop` field of each run of `stopsOf`, in order (null: none). */
  stops: Array<string | null>;
}

/**
 * Write an agent's hash (all of it, or only the presence fields), its lastSeen and its liveness
 * key (renewed for AGENT_LIVE_MS by every write, deleted when the agent exits); publish a controller wake; read the sweep's state and stop requests: one script call (or
 * one HGET when only the state is asked).
 */
export async function writeAgent(redis: RedisClient, w: AgentWrite): Promise<AgentWriteReply> {
  const { sweepId, agentId, presence, full } = w;
  const fields: string[] = [];
  if (presence) {
    fields.push('lastSeen', String(w.now), 'busy', JSON.stringify(presence.busy), 'state', presence.state);
    if (full) fields.push('id', agentId, 'host', full.host, 'pid', String(full.pid), 'sweepId', sweepId, 'slots', JSON.stringify(full.slots), 'startedAt', String(full.startedAt));
  }
  const gone = presence?.state === 'exited' || presence?.state === 'stopped';
  const runIds = w.stopsOf ?? [];
  // An idle agent's beat between presence writes: one plain command, not a script.
  if (!presence && !w.wake && runIds.length === 0) return { sweepState: (await redis.hget(keys.sweep(sweepId), 'state')) ?? undefined, stops: [] };
  const reply = (await callScriptVarKeys(
    redis,
    'hsWriteAgent',
    [keys.sweep(sweepId), keys.agent(sweepId, agentId), keys.sweepAgents(sweepId), keys.agentLive(sweepId, agentId), ...runIds.map((id) => keys.run(sweepId, id))],
    [presence ? agentId : '', w.now, gone ? '' : AGENT_LIVE_MS, w.keepMs ?? '', keys.controllerChannel(), w.wake ?? '', ...fields],
  )) as Array<string | null>;
  return { sweepState: reply[0] ?? undefined, stops: runIds.map((_, i) => reply[1 + i] ?? null) };
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Every registered agent of every sweep, most recently seen first. */
export async function listAgents(redis: RedisClient): Promise<AgentInfo[]> {
  const sweepIds = await redis.zrange(keys.sweeps(), 0, -1);
  const all = (await Promise.all(sweepIds.map((id) => listSweepAgents(redis, id)))).flat();
  return all.sort((a, b) => b.lastSeen - a.lastSeen);
}

/** The agents registered for one sweep, most recently seen first. */
export async function listSweepAgents(redis: RedisClient, sweepId: string): Promise<AgentInfo[]> {
  const ids = await redis.zrevrange(keys.sweepAgents(sweepId), 0, -1);
  if (ids.length === 0) return [];
  const p = redis.pipeline();
  for (const id of ids) p.hgetall(keys.agent(sweepId, id)).exists(keys.agentLive(sweepId, id));
  const replies = await execPipeline(p);
  const out: AgentInfo[] = [];
  ids.forEach((id, i) => {
    const h = replies[2 * i]?.[1] as Record<string, string> | undefined;
    if (!h || Object.keys(h).length === 0) return;
    const slots = parseJson<unknown>(h.slots, []);
    const busy = parseJson<unknown>(h.busy, {});
    out.push({
      id,
      host: h.host ?? '',
      pid: Number(h.pid ?? 0),
      sweepId,
      slots: Array.isArray(slots) ? slots.map(String) : [],
      busy: busy && typeof busy === 'object' && !Array.isArray(busy) ? (busy as Record<string, string>) : {},
      startedAt: Number(h.startedAt ?? 0),
      lastSeen: Number(h.lastSeen ?? 0),
      state: h.state ?? '',
      live: replies[2 * i + 1]?.[1] === 1,
    });
  });
  return out;
}

/** Agents whose liveness key exists and that have not stopped. */
export function isAgentLive(agent: AgentInfo): boolean {
  return agent.live && agent.state !== 'stopped' && agent.state !== 'exited';
}

/** Slots of a sweep's live agents, busy or not. */
export function liveSlots(agents: readonly AgentInfo[], sweepId: string): number {
  let slots = 0;
  for (const a of agents) if (a.sweepId === sweepId && isAgentLive(a)) slots += a.slots.length;
  return slots;
}

/** Idle slots of a sweep's live agents: Σ (slots − busy). */
export function idleSlots(agents: readonly AgentInfo[], sweepId: string): number {
  let idle = 0;
  for (const a of agents) {
    if (a.sweepId !== sweepId || !isAgentLive(a)) continue;
    idle += Math.max(0, a.slots.length - Object.keys(a.busy).length);
  }
  return idle;
}
