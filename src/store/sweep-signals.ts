/**
 * Best-effort pub/sub nudges (agents and controllers also poll): wake the controller, tell an
 * agent to stop a run, wake a sweep's agents after its state changed. The one place the
 * messages of both channels are written and read.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { listSweepAgents } from './agent-store.js';
import { keys } from './keys.js';
import { execPipeline } from './exec-pipeline.js';

/** A message on an agent's channel. */
export interface AgentSignal {
  type: 'stop' | 'cancel' | 'wake';
  runId?: string;
}

/**
 * Why the controller is woken (it reads no field: any message means "look now"; the reason is
 * for a person watching the channel): a sweep was created or changed state, an agent came or
 * went, a slot became free.
 */
export type WakeReason = 'sweep' | 'agent' | 'agent-exit' | 'slot';

/** The one shape of a message on keys.controllerChannel(). */
export interface ControllerWake {
  type: 'wake';
  reason: WakeReason;
  sweepId: string;
  agentId?: string;
}

/** The controller-wake message, as text. */
export function controllerWakeMessage(reason: WakeReason, sweepId: string, agentId?: string): string {
  return JSON.stringify({ type: 'wake', reason, sweepId, ...(agentId ? { agentId } : {}) } satisfies ControllerWake);
}

/** Queue a controller wake on a pipeline or MULTI the caller sends. */
function queueControllerWake(p: ChainableCommander, reason: WakeReason, sweepId: string, agentId?: string): void {
  p.publish(keys.controllerChannel(), controllerWakeMessage(reason, sweepId, agentId));
}

/** Wake the controller now. */
export async function wakeController(redis: RedisClient, reason: WakeReason, sweepId: string): Promise<void> {
  await redis.publish(keys.controllerChannel(), controllerWakeMessage(reason, sweepId));
}

export async function signalAgent(redis: RedisClient, agentId: string, signal: AgentSignal): Promise<void> {
  await redis.publish(keys.agentChannel(agentId), JSON.stringify(signal));
}

/** Many signals in one round trip. */
export async function signalAgents(redis: RedisClient, signals: ReadonlyArray<{ agentId: string; signal: AgentSignal }>): Promise<void> {
  if (signals.length === 0) return;
  const p = redis.pipeline();
  for (const { agentId, signal } of signals) p.publish(keys.agentChannel(agentId), JSON.stringify(signal));
  await execPipeline(p);
}

/** Tell the controller and the sweep's agents that the sweep changed. */
export async function wakeSweep(redis: RedisClient, sweepId: string): Promise<void> {
  const agents = await listSweepAgents(redis, sweepId);
  const p = redis.pipeline();
  queueControllerWake(p, 'sweep', sweepId);
  for (const a of agents) p.publish(keys.agentChannel(a.id), JSON.stringify({ type: 'wake' } satisfies AgentSignal));
  await execPipeline(p);
}

/** A subscription on its own connection (a subscribed connection can send nothing else). */
export interface Subscription {
  close(): void;
}

/** Call `onWake` on every controller wake. `redis` is duplicated, never subscribed itself. */
export async function subscribeControllerWakes(redis: RedisClient, onWake: () => void): Promise<Subscription> {
  const sub = redis.duplicate();
  sub.on('error', () => {});
  await sub.subscribe(keys.controllerChannel());
  sub.on('message', () => onWake());
  return { close: () => sub.disconnect() };
}

/**
 * Call `onSignal` for each message on an agent's channel, parsed; `onBad` gets the text of a
 * message that is not a signal. `sub` becomes a subscriber connection.
 */
export async function subscribeAgentSignals(sub: RedisClient, agentId: string, onSignal: (signal: AgentSignal) => void, onBad: (text: string, why: string) => void): Promise<void> {
  await sub.subscribe(keys.agentChannel(agentId));
  sub.on('message', (_channel: string, message: string) => {
    let msg: { type?: unknown; runId?: unknown };
    try {
      msg = JSON.parse(message) as typeof msg;
    } catch {
      onBad(message, 'not JSON');
      return;
    }
    if (msg.type !== 'stop' && msg.type !== 'cancel' && msg.type !== 'wake') {
      onBad(message, 'of unknown type');
      return;
    }
    onSignal({ type: msg.type, ...(typeof msg.runId === 'string' ? { runId: msg.runId } : {}) });
  });
}
