/**
 * Counters of one server process, rendered as Prometheus text at GET /metrics together with
 * gauges read from Redis (sweeps by state, runs by state).
 */
import type { RedisClient } from '../store/redis-client.js';
import { RUN_STATES } from '../run-record.js';
import { ControllerMetrics, LATENCY_BUCKETS } from '../controller/controller-metrics.js';
import { readSweepGauges } from '../store/sweep-gauges.js';
import { SWEEP_STATES } from '../store/sweep-store.js';

/** The controller's counters, rendered with gauges read from Redis. */
export class ServerMetrics extends ControllerMetrics {
  async render(redis: RedisClient): Promise<string> {
    const gauges = await readSweepGauges(redis);
    const lines: string[] = [];
    const gauge = (name: string, help: string, type: 'gauge' | 'counter' | 'histogram'): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    gauge('hypersweep_sweeps', 'Sweeps by state.', 'gauge');
    for (const state of SWEEP_STATES) lines.push(`hypersweep_sweeps{state="${state}"} ${gauges.sweeps[state]}`);
    gauge('hypersweep_runs', 'Runs by state, over every sweep.', 'gauge');
    for (const state of RUN_STATES) lines.push(`hypersweep_runs{state="${state}"} ${gauges.runs[state]}`);
    const counter = (name: string, help: string, value: number): void => {
      gauge(name, help, 'counter');
      lines.push(`${name} ${value}`);
    };
    counter('hypersweep_events_applied_total', 'Run events applied by this process.', this.eventsApplied);
    counter('hypersweep_stale_reports_refused_total', 'Reports from a stale attempt (wrong token) refused.', this.staleReportsRefused);
    counter('hypersweep_duplicate_events_skipped_total', 'Run events already applied, skipped.', this.duplicateEventsSkipped);
    counter('hypersweep_runs_proposed_total', 'Runs created from proposals.', this.runsProposed);
    counter('hypersweep_runs_stopped_total', 'Runs stopped early by the stopping rule.', this.runsStopped);
    counter('hypersweep_runs_crashed_total', 'Runs whose agent was lost (lease expired).', this.runsCrashed);
    gauge('hypersweep_proposal_latency_seconds', 'Time of one proposal round: search, create runs, enqueue.', 'histogram');
    LATENCY_BUCKETS.forEach((b, i) => lines.push(`hypersweep_proposal_latency_seconds_bucket{le="${b}"} ${this.latencyCounts[i]}`));
    lines.push(`hypersweep_proposal_latency_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    lines.push(`hypersweep_proposal_latency_seconds_sum ${this.latencySum}`);
    lines.push(`hypersweep_proposal_latency_seconds_count ${this.latencyCount}`);
    return `${lines.join('\n')}\n`;
  }
}
