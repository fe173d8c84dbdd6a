/** The end of a local sweep: the best config printed and written as YAML. */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { SweepSummary } from '../store/sweep-store.js';

/** Print the best run and write it to `bestFile`; the file written, or undefined when no run has a score. */
export function writeBest(summary: SweepSummary, bestFile: string, write: (text: string) => void): string | undefined {
  if (!summary.best) {
    write('no run has reported the metric yet\n');
    return undefined;
  }
  const name = summary.metric?.name ?? 'value';
  writeFileSync(bestFile, stringify({ sweep: summary.id, run: summary.best.runId, [name]: summary.best.value, config: summary.best.config }));
  write(`best ${name} ${summary.best.value} (run ${summary.best.runId}):\n`);
  write(`${stringify(summary.best.config).trimEnd().replace(/^/gm, '  ')}\n`);
  write(`written to ${bestFile}\n`);
  return bestFile;
}
