/**
 * Bearer-token auth for /api/*: `Authorization: Bearer <token>`, compared in constant time.
 * Without a configured token every request passes (the server then binds to loopback only).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HypersweepError } from '../errors.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compare two secrets in time independent of where they differ (hashing makes lengths equal). */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function bearerAuth(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!token) return next();
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !tokensEqual(match[1]!.trim(), token)) {
      return next(new HypersweepError('UNAUTHORIZED', 'missing or wrong bearer token (set HYPERSWEEP_TOKEN or pass --token)'));
    }
    next();
  };
}
