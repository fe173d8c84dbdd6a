/**
 * The agent's side of the store: what one agent writes about itself and reads about its sweep.
 * The run protocol itself (claim, renew, report, finish) is src/store/attempt-lease.ts.
 */
import type { RedisClient } from './redis-client.js';
import { writeAgent, type AgentInfo, type AgentPresence, type AgentWrite, type AgentWriteReply } from './agent-store.js';
import { keys } from './keys.js';
import { controllerWakeMessage } from './sweep-signals.js';

/** How long an exited agent's hash is kept (the dashboard shows it, then it goes). */
const EXITED_KEEP_MS = 24 * 3600 * 1000;

/**
 * How often, at most, a heartbeat writes an unchanged presence again (lastSeen, the agents index
 * and the liveness key, whose TTL is AGENT_LIVE_MS = 15 s): with the agent's 5 s heartbeat, every
 * beat, so three beats keep it live. A changed presence is written at the next beat; faster beats
 * (tests) only read in between (the sweep's state, stop requests): 1 command, not 4.
 */
export const PRESENCE_REFRESH_MS = 3000;

export interface Heartbeat {
  /** The sweep's state (`running`, `paused`, `finished`, `canceled`); undefined when it is gone. */
  sweepState: string | undefined;
  /** Stop requests (run field `stop`) of the runs asked about. */
  stops: Map<string, 'stop' | 'cancel'>;
}

export class AgentSession {
  /** The presence last written, and when (the agent's clock); unset: write at the next beat. */
  private written: { presence: string; at: number } | undefined;

  constructor(
    private readonly redis: RedisClient,
    readonly agentId: string,
    readonly sweepId: string,
  ) {}

  /** Whether the sweep exists (the agent refuses to start for an unknown sweep). */
  async sweepExists(): Promise<boolean> {
    return (await this.redis.exists(keys.sweep(this.sweepId))) === 1;
  }

  /** Write the agent's hash and wake the controller (a new agent means idle slots). */
  async register(info: Pick<AgentInfo, 'host' | 'pid' | 'slots'>, now = Date.now()): Promise<void> {
    const presence: AgentPresence = { busy: {}, state: 'idle' };
    await this.writing(this.write({ now, presence, full: { ...info, startedAt: now }, wake: controllerWakeMessage('agent', this.sweepId, this.agentId) }), presence, now);
  }

  private write(w: Omit<AgentWrite, 'sweepId' | 'agentId'>): Promise<AgentWriteReply> {
    return writeAgent(this.redis, { sweepId: this.sweepId, agentId: this.agentId, ...w });
  }

  /** Remember what `sent` writes once it succeeded; forget on failure (the next beat writes it all). */
  private async writing<T>(sent: Promise<T>, presence: AgentPresence, now: number): Promise<T> {
    try {
      const out = await sent;
      this.written = { presence: JSON.stringify(presence), at: now };
      return out;
    } catch (err) {
      this.written = undefined;
      throw err;
    }
  }

  private presenceDue(presence: AgentPresence, now: number): boolean {
    const w = this.written;
    return !w || w.presence !== JSON.stringify(presence) || now - w.at >= PRESENCE_REFRESH_MS || now < w.at;
  }

  /** lastSeen and busy slots (when changed, else every PRESENCE_REFRESH_MS); answers the sweep's state and stop requests of `runIds`. */
  async beat(presence: AgentPresence, runIds: readonly string[], now = Date.now()): Promise<Heartbeat> {
    const write = this.presenceDue(presence, now);
    const sent = this.write({ now, ...(write ? { presence } : {}), stopsOf: runIds });
    const reply = write ? await this.writing(sent, presence, now) : await sent;
    const stops = new Map<string, 'stop' | 'cancel'>();
    runIds.forEach((runId, i) => {
      const stop = reply.stops[i];
      if (stop === 'stop' || stop === 'cancel') stops.set(runId, stop);
    });
    return { sweepState: reply.sweepState, stops };
  }

  /**
   * A slot was taken or freed: the new presence now (not at the next heartbeat), and a controller
   * wake, so its count of idle slots, which sizes what it proposes, is never a heartbeat late.
   */
  async slotChanged(presence: AgentPresence, now = Date.now()): Promise<void> {
    await this.writing(this.write({ now, presence, wake: controllerWakeMessage('slot', this.sweepId, this.agentId) }), presence, now);
  }

  /** The agent exits: marked `exited` (kept a day), and the controller is woken. */
  async deregister(now = Date.now()): Promise<void> {
    await this.write({ now, presence: { busy: {}, state: 'exited' }, keepMs: EXITED_KEEP_MS, wake: controllerWakeMessage('agent-exit', this.sweepId, this.agentId) });
  }
}
