/** Runs the real `hypersweep validate` command on every example sweep file and on broken ones. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function validate(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli/main.ts', 'validate', ...args], { cwd: root }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const exampleFiles = readdirSync(join(root, 'sweeps'))
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => `sweeps/${f}`);

describe('hypersweep validate', () => {
  it('finds the example sweep files', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(6);
    expect(exampleFiles.some((f) => f.endsWith('.json'))).toBe(true);
  });

  it('accepts every example sweep file (exit 0, "valid")', { timeout: 60_000 }, async () => {
    const outcomes = await Promise.all(exampleFiles.map((f) => validate(f)));
    outcomes.forEach((o, i) => {
      expect({ file: exampleFiles[i], code: o.code }).toEqual({ file: exampleFiles[i], code: 0 });
      expect(o.stderr.split('\n').filter((l) => l && !l.includes(': warning: '))).toEqual([]);
      expect(o.stdout).toMatch(new RegExp(`^${exampleFiles[i]!.replace('.', '\\.')}: valid \\((grid|random|bayes), \\d+ parameters?\\)`));
    });
  });

  it('prints the method and parameter count', { timeout: 30_000 }, async () => {
    const o = await validate('sweeps/grid.yaml');
    expect(o.stdout.trim()).toBe('sweeps/grid.yaml: valid (grid, 4 parameters)');
  });

  it('rejects an invalid file with --json: exit 1 and every error with path, message, line, column', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hypersweep-validate-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'method: grid\nparameters:\n  lr:\n    distribution: log_uniform_values\n    min: 0\n    max: 0.1\n  wd: {min: 0.0, max: 1.0}\n');
    const o = await validate(file, '--json');
    expect(o.code).toBe(1);
    const report = JSON.parse(o.stdout) as unknown;
    expect(report).toEqual({
      valid: false,
      errors: [
        { path: 'parameters.lr.min', message: expect.stringContaining('min must be > 0 for log_uniform_values'), line: 5, column: 10 },
        { path: 'parameters.wd', message: expect.stringContaining('grid search cannot enumerate a uniform parameter'), line: 7, column: 3 },
      ],
      warnings: [],
    });
  });

  it('prints file:line:col path: message for each error in human mode, exit 1', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hypersweep-validate-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'method: random\nparameters:\n  lr: {min: 1, max: 1}\n');
    const o = await validate(file);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain(`${file}:3:13 parameters.lr.min: min must be less than max (1), but got 1`);
  });

  it('reports warnings but still exits 0 for deprecated forms', { timeout: 30_000 }, async () => {
    const o = await validate('sweeps/legacy.yaml', '--json');
    expect(o.code).toBe(0);
    const report = JSON.parse(o.stdout) as { valid: boolean; warnings: Array<{ path: string }> };
    expect(report.valid).toBe(true);
    expect(report.warnings.map((w) => w.path)).toEqual([
      'parameters.learning_rate.distribution',
      'parameters.temperature.distribution',
      'parameters.hidden.distribution',
    ]);
  });

  it('exits 1 for a file that does not exist', { timeout: 30_000 }, async () => {
    const o = await validate('sweeps/does-not-exist.yaml');
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('sweeps/does-not-exist.yaml cannot read the sweep file: no such file');
  });
});
