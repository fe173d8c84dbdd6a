/** Reads a sweep file from disk (YAML, or JSON for `.json`) into a SweepConfig. */
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { SweepConfig } from './types.js';
import { checkSweepConfig, parseSweepConfig, type SweepCheck } from './parse-sweep-config.js';

/** Throws ConfigError (every problem, file:line:col) when the file is unreadable or invalid. */
export function loadSweepFile(path: string, options: { onWarning?: (warning: ConfigIssue) => void } = {}): SweepConfig {
  return parseSweepConfig(readSweepText(path), { file: path, ...options });
}

/** As loadSweepFile, but returns errors and warnings instead of throwing. */
export function checkSweepFile(path: string): SweepCheck {
  let text: string;
  try {
    text = readSweepText(path);
  } catch (err) {
    if (err instanceof ConfigError) return { errors: err.issues, warnings: [] };
    throw err;
  }
  return checkSweepConfig(text, { file: path });
}

function readSweepText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String((err as Error).message);
    throw new ConfigError(path, [{ path: '', message: `cannot read the sweep file: ${why}` }]);
  }
}
