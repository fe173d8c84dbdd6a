/**
 * The one-line progress of a local sweep, as `hypersweep run` shows it: a bar on a terminal,
 * plain lines otherwise. Pure formatting; the caller polls the state.
 */
import { formatNumber } from 'hypersweep/web/shared/number-format.js';
import { FINAL_RUN_STATES } from '../run-record.js';

export interface SweepProgress {
  state: string;
  counts: Record<string, number>;
  /** Grid size or run_cap; null when open-ended. */
  total: number | null;
  best: { value: number } | null;
  metricName: string | null;
}


/** Runs that have ended, whatever their outcome. */
export function doneRuns(p: SweepProgress): number {
  return FINAL_RUN_STATES.reduce((sum, s) => sum + (p.counts[s] ?? 0), 0);
}

/** 4 significant digits; exponent form (3 decimals) below 1e-3 and from 1e6. */
function compact(value: number): string {
  return formatNumber(value, { digits: 4, exponentBelow: 1e-3, exponentFrom: 1e6, exponentDigits: 3 });
}

/** `[########------------] 10/24 runs · best val_loss 0.213 · 2 running · 3 stopped` */
export function progressLine(p: SweepProgress, options: { width?: number } = {}): string {
  const done = doneRuns(p);
  const parts: string[] = [];
  if (p.total !== null && p.total > 0) {
    const width = options.width ?? 24;
    const filled = Math.min(width, Math.round((done / p.total) * width));
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${p.total} runs`);
  } else {
    parts.push(`${done} runs done`);
  }
  parts.push(p.best ? `best ${p.metricName ?? 'score'} ${compact(p.best.value)}` : 'no score yet');
  parts.push(`${p.counts.running ?? 0} running`);
  if (p.counts.stopped) parts.push(`${p.counts.stopped} stopped`);
  if (p.counts.failed) parts.push(`${p.counts.failed} failed`);
  if (p.counts.crashed) parts.push(`${p.counts.crashed} crashed`);
  if (p.state !== 'running') parts.push(p.state);
  return parts.join(' · ');
}
