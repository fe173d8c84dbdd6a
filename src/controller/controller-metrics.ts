/**
 * What a controller counts as it works (events applied, stale reports refused, runs proposed,
 * stopped, crashed, and the proposal latency histogram). The API renders them at GET /metrics
 * (src/api/server-metrics.ts); the controller only counts.
 */

/** Upper bounds (seconds) of the proposal latency histogram. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

export class ControllerMetrics {
  eventsApplied = 0;
  staleReportsRefused = 0;
  duplicateEventsSkipped = 0;
  runsProposed = 0;
  runsStopped = 0;
  runsCrashed = 0;
  /** Proposal rounds at or under each of LATENCY_BUCKETS. */
  protected readonly latencyCounts = LATENCY_BUCKETS.map(() => 0);
  protected latencySum = 0;
  protected latencyCount = 0;

  /** One proposal round (search + create + enqueue), in ms. */
  observeProposalLatency(ms: number): void {
    const s = ms / 1000;
    this.latencySum += s;
    this.latencyCount++;
    LATENCY_BUCKETS.forEach((b, i) => {
      if (s <= b) this.latencyCounts[i]!++;
    });
  }
}
