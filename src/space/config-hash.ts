/**
 * The canonical form of a config and the ids derived from it. Two configs are the same point
 * when their canonical forms are equal: keys sorted at every depth, numbers compared by value
 * (3e6 == 3000000, -0 == 0). Run ids come from (sweep id, canonical config), so proposing or
 * enqueueing the same config twice is a no-op.
 */
import { createHash } from 'node:crypto';
import type { Config, ParamValue } from '../config/types.js';

/** Deterministic JSON of a value with keys sorted at every depth. */
export function canonicalJson(value: ParamValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') return Object.is(value, -0) ? '0' : JSON.stringify(value);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as ParamValue)}`).join(',')}}`;
}

/** A short stable hash of a config's canonical form (hex, 16 chars). */
export function configHash(config: Config): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/** The run id of a config in a sweep: `r` + 16 hex chars. Safe as a BullMQ job id and a file name. */
export function runIdFor(sweepId: string, config: Config): string {
  return `r${createHash('sha256').update(sweepId).update('\0').update(canonicalJson(config)).digest('hex').slice(0, 16)}`;
}
