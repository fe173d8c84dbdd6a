/** Publishes a run's output tail to the store every few seconds while the script runs, and once more at the end. */
import type { RedisClient } from '../src/store/redis-client.js';
import { publishRunOutput } from '../src/store/attempt-lease.js';
import type { OutputTail } from './output-tail.js';

export class OutputPublisher {
  private published = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly sweepId: string,
    private readonly runId: string,
    private readonly token: string,
    private readonly output: OutputTail,
    everyMs: number,
  ) {
    this.timer = setInterval(() => this.publish().catch(() => undefined), everyMs);
  }

  /** Publish the tail if it changed since the last time. */
  async publish(): Promise<void> {
    if (this.output.version === this.published) return;
    this.published = this.output.version;
    await publishRunOutput(this.redis, this.sweepId, this.runId, this.token, this.output.text());
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
