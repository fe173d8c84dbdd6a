/**
 * The control loop over every sweep in Redis. For each sweep that still has work, the controller
 * tries to take the sweep's leader lock; the sweeps it leads get a SweepLeader that it ticks.
 * Locks are renewed on their own timer; a controller that stops renewing (dies) loses its sweeps
 * to another after `leaderTtlMs`. Wakes come over pub/sub, with polling as the fallback.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from '../store/redis-client.js';
import { RunQueues } from '../queue/run-queue.js';
import { listSweepAgents, type AgentInfo } from '../store/agent-store.js';
import { holdLeaderLock, renewLeaderLock, releaseLeaderLock, sweepsWithoutLeader } from '../store/leader-lock.js';
import { subscribeControllerWakes, type Subscription } from '../store/sweep-signals.js';
import { ControllerMetrics } from './controller-metrics.js';
import { SweepLeader } from './sweep-leader.js';
import { LeaderDeposedError } from '../errors.js';

export interface ControllerOptions {
  /** Commands (a connection the controller may share with the API). */
  redis: RedisClient;
  /** Counters (the API renders them at /metrics). @defaultValue a fresh ControllerMetrics */
  metrics?: ControllerMetrics;
  /** This controller's id in the leader locks. @defaultValue `<host>:<pid>:<random>` */
  controllerId?: string;
  /** Idle time between rounds when nothing woke the loop. @defaultValue 200 */
  pollMs?: number;
  /** TTL of a sweep's leader lock; renewed every third of it. @defaultValue 5000 */
  leaderTtlMs?: number;
  /** How often running runs' leases are checked. @defaultValue 1000 */
  leaseCheckMs?: number;
  /** How long a run's lease must have been gone before it is re-queued (covers the lost agent's kill). @defaultValue 2000 */
  requeueMarginMs?: number;
  /** Events per read. @defaultValue 1000 */
  eventBatch?: number;
  /** @defaultValue console.error */
  log?: (message: string) => void;
}

/** How often the sweeps nobody leads are looked for without a wake (a dead leader's lock expires first anyway). */
const ADOPT_MS = 1000;

/**
 * The agents are read again (listSweepAgents for each led sweep: O(agents) for Redis and for us) once the last read is
 * older than this many times what it took, so a big fleet costs the loop about a tenth of its
 * time; a wake (an agent came or went, a slot became free) is needed before that, else at most
 * every AGENTS_POLL_MS (a freed slot, a new agent wake it at once). Idle slots only size the queue: a snapshot that lags counts a slot idle
 * a little longer, and the waiting jobs (read live) still bound what is proposed.
 */
const AGENTS_READ_RATIO = 10;
const AGENTS_POLL_MS = 2000;

export class Controller {
  readonly id: string;
  readonly metrics: ControllerMetrics;
  private readonly redis: RedisClient;
  private readonly queues: RunQueues;
  private readonly leaders = new Map<string, SweepLeader>();
  /** Sweeps whose lock this controller holds (leaders, and sweeps still loading). */
  private readonly locks = new Set<string>();
  private readonly opts: Required<Omit<ControllerOptions, 'redis' | 'metrics' | 'controllerId'>>;
  private subscriber: Subscription | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private woken = false;
  /** When sweeps nobody leads were last looked for (every ADOPT_MS, or at once when woken). */
  private lastAdopt = 0;
  /** The agents as last read, when (performance.now()) and how long the read took (ms). */
  private agents: { list: AgentInfo[]; readAt: number; readMs: number } | undefined;
  /** A wake arrived since the agents were last read. */
  private agentsStale = true;

  constructor(options: ControllerOptions) {
    this.redis = options.redis;
    this.metrics = options.metrics ?? new ControllerMetrics();
    this.id = options.controllerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.queues = new RunQueues(this.redis);
    this.opts = {
      pollMs: options.pollMs ?? 200,
      leaderTtlMs: options.leaderTtlMs ?? 5000,
      leaseCheckMs: options.leaseCheckMs ?? 1000,
      requeueMarginMs: options.requeueMarginMs ?? 2000,
      eventBatch: options.eventBatch ?? 1000,
      log: options.log ?? ((m) => console.error(m)),
    };
  }

  /** The sweeps this controller leads now. */
  get ledSweeps(): string[] {
    return [...this.leaders.keys()];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.subscriber = await subscribeControllerWakes(this.redis, () => this.poke());
    // Connected again (Redis restarted, a failover): writes acknowledged just before may be gone,
    // so every leader re-reads its runs and unacknowledged events and repairs missing jobs.
    this.redis.on('ready', this.onReconnect);
    this.renewTimer = setInterval(() => void this.renewLocks(), Math.max(50, Math.floor(this.opts.leaderTtlMs / 3)));
    this.loopDone = this.loop();
  }

  private readonly onReconnect = (): void => {
    for (const leader of this.leaders.values()) leader.resync();
    this.poke();
  };

  /** Run a round now instead of after the poll interval. */
  poke(): void {
    this.woken = true;
    this.agentsStale = true;
    this.lastAdopt = 0;
    this.wake?.();
  }

  /** Stop the loop, hand the locks over, close the queues. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.poke();
    await this.loopDone;
    clearInterval(this.renewTimer);
    await Promise.all([...this.locks].map((id) => releaseLeaderLock(this.redis, id, this.id).catch(() => {})));
    this.leaders.clear();
    this.locks.clear();
    await this.queues.close();
    this.subscriber?.close();
    this.redis.removeListener('ready', this.onReconnect);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.round();
      } catch (err) {
        this.opts.log(`controller: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
      if (!this.running) break;
      if (busy || this.woken) {
        this.woken = false;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.woken = false;
    }
  }

  /** One round over every sweep. True when some sweep has more work right now. */
  async round(): Promise<boolean> {
    if (Date.now() - this.lastAdopt >= ADOPT_MS) {
      this.lastAdopt = Date.now();
      await this.adoptSweeps();
    }
    const agents = this.leaders.size > 0 ? await this.readAgents() : [];
    let busy = false;
    for (const [sweepId, leader] of this.leaders) {
      if (!this.running) break;
      try {
        if (await leader.tick(agents)) busy = true;
        if (leader.settled) {
          this.leaders.delete(sweepId);
          this.locks.delete(sweepId);
          await releaseLeaderLock(this.redis, sweepId, this.id);
        }
      } catch (err) {
        if (err instanceof LeaderDeposedError) {
          // Paused or cut off past the lock's TTL: another controller leads now; write nothing more.
          this.opts.log(`controller: ${err.message}: stepping down`);
          this.leaders.delete(sweepId);
          this.locks.delete(sweepId);
          continue;
        }
        this.opts.log(`controller: sweep ${sweepId}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
    return busy;
  }

  /** The agents, read again per AGENTS_READ_RATIO and AGENTS_POLL_MS (above). */
  private async readAgents(): Promise<AgentInfo[]> {
    const started = performance.now();
    const last = this.agents;
    if (last) {
      const age = started - last.readAt;
      const due = Math.max(AGENTS_READ_RATIO * last.readMs, this.agentsStale ? 0 : AGENTS_POLL_MS);
      if (age < due) return last.list;
    }
    this.agentsStale = false;
    // The led sweeps' agents (each kept with its sweep, on its cluster slot), read together.
    const list = (await Promise.all([...this.leaders.keys()].map((id) => listSweepAgents(this.redis, id)))).flat();
    this.agents = { list, readAt: started, readMs: performance.now() - started };
    return list;
  }

  /** Take the lock of every sweep with work left that nobody leads. */
  private async adoptSweeps(): Promise<void> {
    const candidates = await sweepsWithoutLeader(this.redis, new Set(this.leaders.keys()));
    for (let i = 0; i < candidates.length && this.running; i++) {
      const sweepId = candidates[i]!;
      if (!(await holdLeaderLock(this.redis, sweepId, this.id, this.opts.leaderTtlMs))) continue;
      this.locks.add(sweepId);
      const leader = new SweepLeader(sweepId, this.redis, this.queues, this.metrics, {
        eventBatch: this.opts.eventBatch,
        leaseCheckMs: this.opts.leaseCheckMs,
        requeueMarginMs: this.opts.requeueMarginMs,
        leaderId: this.id,
        log: this.opts.log,
      });
      try {
        await leader.init();
        if (this.locks.has(sweepId)) this.leaders.set(sweepId, leader);
      } catch (err) {
        this.locks.delete(sweepId);
        this.opts.log(`controller: sweep ${sweepId}: cannot lead: ${err instanceof Error ? err.message : String(err)}`);
        await releaseLeaderLock(this.redis, sweepId, this.id).catch(() => {});
      }
    }
  }

  private async renewLocks(): Promise<void> {
    for (const sweepId of [...this.locks]) {
      try {
        if (!(await renewLeaderLock(this.redis, sweepId, this.id, this.opts.leaderTtlMs))) {
          this.opts.log(`controller: lost the lead of sweep ${sweepId}`);
          this.leaders.delete(sweepId);
          this.locks.delete(sweepId);
        }
      } catch {
        // Redis unreachable: the lock may expire; the next renewal tells.
      }
    }
  }
}
