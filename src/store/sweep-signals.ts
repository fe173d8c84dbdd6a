/**
 * Best-effort pub/sub nudges (agents and controllers also poll): wake the controller about a
 * sweep, tell an agent to stop a run, wake a sweep's agents after its state changed.
 */
import type { Redis } from 'ioredis';
import { listAgents } from './agent-store.js';
import { keys } from './keys.js';
import { execPipeline } from './exec-pipeline.js';

/** A message on an agent's channel. */
export interface AgentSignal {
  type: 'stop' | 'cancel' | 'wake';
  runId?: string;
}

export async function signalAgent(redis: Redis, agentId: string, signal: AgentSignal): Promise<void> {
  await redis.publish(keys.agentChannel(agentId), JSON.stringify(signal));
}

/** Tell the controller and the sweep's agents that the sweep changed. */
export async function wakeSweep(redis: Redis, sweepId: string): Promise<void> {
  const agents = (await listAgents(redis)).filter((a) => a.sweepId === sweepId);
  const p = redis.pipeline().publish(keys.controllerChannel(), JSON.stringify({ type: 'sweep', sweepId }));
  for (const a of agents) p.publish(keys.agentChannel(a.id), JSON.stringify({ type: 'wake' } satisfies AgentSignal));
  await execPipeline(p);
}
