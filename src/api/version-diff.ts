/**
 * What changed from one version of a sweep file to the next (`hypersweep update`), for the API
 * and the dashboard: parameters added, removed or changed (leaves by dotted path, specs compared
 * by their canonical form, so key order and 1e3 vs 1000 do not count), and every other setting
 * that changed (run_cap, early_terminate, command, program, ...). Pure: two configs in.
 */
import type { ParamValue, ParameterSpec, SweepConfig } from '../config/types.js';
import { canonicalJson } from '../space/config-hash.js';
import { flattenSpace } from '../space/flatten-space.js';

export interface ParameterChange {
  /** Dotted path (`optimizer.lr`). */
  name: string;
  /** The spec before (absent when added). */
  from?: ParameterSpec;
  /** The spec after (absent when removed). */
  to?: ParameterSpec;
}

export interface SettingChange {
  /** A top-level key of the sweep file. */
  key: string;
  /** Absent when the setting was not set. */
  from?: unknown;
  to?: unknown;
}

export interface VersionDiff {
  parameters: { added: ParameterChange[]; removed: ParameterChange[]; changed: ParameterChange[] };
  settings: SettingChange[];
}

/** Top-level keys that are not settings a person changes: derived at parse time, or compared apart. */
const NOT_SETTINGS = new Set(['parameters', 'floats']);

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a as ParamValue) === canonicalJson(b as ParamValue); // specs and settings are JSON-like
}

/** The differences from `before` to `after`; every list empty when nothing changed. */
export function versionDiff(before: SweepConfig, after: SweepConfig): VersionDiff {
  const was = new Map(flattenSpace(before.parameters).map((l) => [l.path.join('.'), l.spec as ParameterSpec]));
  const now = new Map(flattenSpace(after.parameters).map((l) => [l.path.join('.'), l.spec as ParameterSpec]));
  const diff: VersionDiff = { parameters: { added: [], removed: [], changed: [] }, settings: [] };
  for (const [name, to] of now) {
    const from = was.get(name);
    if (from === undefined) diff.parameters.added.push({ name, to });
    else if (!same(from, to)) diff.parameters.changed.push({ name, from, to });
  }
  for (const [name, from] of was) if (!now.has(name)) diff.parameters.removed.push({ name, from });
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !NOT_SETTINGS.has(k));
  for (const key of keys) {
    const from = (before as unknown as Record<string, unknown>)[key];
    const to = (after as unknown as Record<string, unknown>)[key];
    if (!same(from, to)) diff.settings.push({ key, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  }
  return diff;
}
