/**
 * Reading query parameters: once each, and numbers checked before they are used, so a number
 * out of range is a 400 naming it, never a Redis error (500): `historyFrom=1e20` or
 * `cursor=s100000000000000000000000` are refused here.
 */
import { HypersweepError } from '../errors.js';

/** Largest number a query parameter (or a cursor) may carry: 2^53 − 1, past which numbers are not exact. */
export const MAX_QUERY_NUMBER = Number.MAX_SAFE_INTEGER;

/** A query parameter given at most once. */
export function one(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HypersweepError('BAD_REQUEST', `query parameter ${name} must be given once`);
  return value;
}

/** Decimal digits only (no `1e3`, `0x10`, signs or spaces), at most `max`. */
function decimal(text: string, max: number): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** A non-negative integer query parameter, at most `max`; undefined when absent or empty. */
export function intParam(value: unknown, name: string, max = MAX_QUERY_NUMBER): number | undefined {
  const text = one(value, name);
  if (text === undefined || text === '') return undefined;
  const n = decimal(text, max);
  if (n === undefined) throw new HypersweepError('BAD_REQUEST', `${name} must be an integer from 0 to ${max} (got ${JSON.stringify(text.slice(0, 40))})`);
  return n;
}

/** A page cursor as the API hands them out: one letter and a number up to MAX_QUERY_NUMBER. */
export function cursorParam(value: unknown): string | undefined {
  const text = one(value, 'cursor');
  if (text === undefined || text === '') return undefined;
  if (!/^[a-z]/.test(text) || decimal(text.slice(1), MAX_QUERY_NUMBER) === undefined) {
    throw new HypersweepError('BAD_REQUEST', `invalid cursor ${JSON.stringify(text.slice(0, 40))}: pass the "next" value of the previous page`);
  }
  return text;
}
