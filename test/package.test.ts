/**
 * The package as a user gets it after `npm ci` (which builds dist/ through `prepare`): the
 * public API from the package root, and the `hypersweep` bin.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');

test("import { parseSweepConfig, nextRuns, stopRuns } from 'hypersweep' works from the build", () => {
  const script = `
    import { parseSweepConfig, nextRuns, stopRuns } from 'hypersweep';
    const config = parseSweepConfig('method: grid\\nmetric: {name: loss}\\nparameters:\\n  x: {values: [1, 2]}\\n', { file: 'x.yaml' });
    console.log(JSON.stringify({ proposals: nextRuns(config, [], { count: 5, seed: 1 }).proposals, stops: stopRuns(config, []) }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as { proposals: Array<{ config: unknown; reason: string }>; stops: unknown[] };
  expect(out.proposals.map((p) => p.config)).toEqual([{ x: 1 }, { x: 2 }]);
  expect(out.proposals[0]!.reason).toBe('grid 1/2');
  expect(out.stops).toEqual([]);
});

test('the hypersweep bin runs the built CLI', () => {
  const help = execFileSync(process.execPath, [resolve(root, 'bin/hypersweep.js'), '--help'], { cwd: root, encoding: 'utf8' });
  for (const command of ['run', 'validate', 'suggest', 'stop-check', 'server', 'sweep', 'agent', 'best']) expect(help).toContain(`  ${command} `);
});
