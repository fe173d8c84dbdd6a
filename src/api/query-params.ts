/** Reading query parameters: once each, and numbers checked before they are used (400 otherwise). */
import { HypersweepError } from '../errors.js';

/** A query parameter given at most once. */
export function one(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HypersweepError('BAD_REQUEST', `query parameter ${name} must be given once`);
  return value;
}

/** A non-negative integer query parameter; undefined when absent or empty. */
export function intParam(value: unknown, name: string): number | undefined {
  const text = one(value, name);
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new HypersweepError('BAD_REQUEST', `${name} must be a non-negative integer (got ${JSON.stringify(text)})`);
  return n;
}
