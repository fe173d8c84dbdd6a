/** The live progress line of a local sweep: redrawn every 500 ms while the agent works, then read until the last runs are applied. */
import type { RedisClient } from '../store/redis-client.js';
import { getSweepSummary, type SweepSummary } from '../store/sweep-store.js';
import { progressLine } from './progress-line.js';

export class ProgressWatch {
  private last = '';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly sweepId: string,
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {
    this.timer = setInterval(() => void this.render().catch(() => undefined), 500);
  }

  /** Read the sweep and show its line if it changed. */
  async render(): Promise<SweepSummary> {
    const summary = await getSweepSummary(this.redis, this.sweepId);
    const line = progressLine({ state: summary.state, counts: summary.counts, total: summary.total, best: summary.best, metricName: summary.metric?.name ?? null });
    if (line !== this.last) {
      this.write(this.tty ? `\r\u001b[2K${line}` : `${line}\n`);
      this.last = line;
    }
    return summary;
  }

  /** Stop redrawing; let the controller apply the agent's last events (up to `waitMs`) and give the final summary. */
  async finish(waitMs = 3000): Promise<SweepSummary> {
    clearInterval(this.timer);
    const deadline = Date.now() + waitMs;
    let summary = await this.render();
    while (summary.counts.running > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      summary = await this.render();
    }
    if (this.tty) this.write('\n');
    return summary;
  }
}
