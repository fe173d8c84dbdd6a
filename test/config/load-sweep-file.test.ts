import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkSweepFile, loadSweepFile } from '../../src/config/load-sweep-file.js';
import { didYouMean } from '../../src/config/did-you-mean.js';

const dir = mkdtempSync(join(tmpdir(), 'hypersweep-load-'));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadSweepFile', () => {
  it('reads a YAML file', () => {
    const config = loadSweepFile(write('a.yaml', 'method: random\nparameters:\n  x: {min: 1, max: 3}\n'));
    expect(config.parameters['x']).toEqual({ distribution: 'int_uniform', min: 1, max: 3 });
  });

  it('reads a .json file as strict JSON', () => {
    const config = loadSweepFile(write('a.json', '{"method": "grid", "parameters": {"x": {"values": [1, 2]}}}'));
    expect(config.method).toBe('grid');
    expect(() => loadSweepFile(write('b.json', '{method: grid, parameters: {x: {value: 1}}}'))).toThrow(/b\.json:1:2 JSON syntax error/);
  });

  it('names the file, line and column in the thrown ConfigError', () => {
    const path = write('bad.yaml', 'method: random\nparameters:\n  x: {distribution: normal, sigma: 0}\n');
    expect(() => loadSweepFile(path)).toThrow(ConfigError);
    expect(() => loadSweepFile(path)).toThrow(`${path}:3:36 parameters.x.sigma: sigma must be > 0, but got 0`);
  });

  it('passes warnings to onWarning', () => {
    const seen: string[] = [];
    loadSweepFile(write('w.yaml', 'method: random\nparameters:\n  x: {distribution: q_log_uniform, min: 0, max: 2}\n'), {
      onWarning: (w) => seen.push(w.path),
    });
    expect(seen).toEqual(['parameters.x.distribution']);
  });

  it('turns an unreadable file into a ConfigError, and checkSweepFile into an error list', () => {
    const missing = join(dir, 'missing.yaml');
    expect(() => loadSweepFile(missing)).toThrow(`${missing} cannot read the sweep file: no such file`);
    expect(checkSweepFile(missing)).toEqual({ errors: [{ path: '', message: 'cannot read the sweep file: no such file' }], warnings: [] });
  });
});

describe('didYouMean', () => {
  it('suggests a close option and nothing for a distant word', () => {
    expect(didYouMean('maxx', ['min', 'max'])).toBe('; did you mean "max"?');
    expect(didYouMean('gaol', ['name', 'goal'])).toBe('; did you mean "goal"?');
    expect(didYouMean('banana', ['min', 'max'])).toBe('');
  });
});
