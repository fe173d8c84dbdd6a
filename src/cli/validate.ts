/**
 * `hypersweep validate FILE [--json]`: checks a sweep file and explains every mistake with
 * file:line:col. Exit 0 when valid, 1 when not.
 */
import type { Command } from 'commander';
import { formatConfigIssue, type ConfigIssue } from '../errors.js';
import { checkSweepFile } from '../config/load-sweep-file.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a sweep file (W&B sweep YAML or JSON) and report every problem with file:line:col')
    .argument('<file>', 'the sweep file, e.g. sweeps/my-sweep.yaml')
    .option('--json', 'print {"valid", "errors", "warnings"} as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const { config, errors, warnings } = checkSweepFile(file);
      const valid = config !== undefined;
      process.exitCode = valid ? 0 : 1;
      if (options.json) {
        console.log(JSON.stringify({ valid, errors: errors.map(plainIssue), warnings: warnings.map(plainIssue) }, null, 2));
        return;
      }
      for (const w of warnings) console.error(formatConfigIssue(file, { ...w, message: `warning: ${w.message}` }));
      if (config) {
        const n = Object.keys(config.parameters).length;
        console.log(`${file}: valid (${config.method}, ${n} parameter${n === 1 ? '' : 's'})`);
      } else {
        for (const e of errors) console.error(formatConfigIssue(file, e));
        console.error(`${file}: invalid (${errors.length} error${errors.length === 1 ? '' : 's'})`);
      }
    });
}

/** The JSON shape: every field present (line and column null when unknown). */
function plainIssue(issue: ConfigIssue): { path: string; message: string; line: number | null; column: number | null } {
  return { path: issue.path, message: issue.message, line: issue.line ?? null, column: issue.column ?? null };
}
