/**
 * The one place HTTP statuses come from: HypersweepError codes (and the body parser's errors)
 * become `{"error": {"code", "message", "issues"?}}` with a 4xx/5xx status.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ConfigError, HypersweepError, NotFoundError, type ErrorCode } from '../errors.js';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  CONFIG_INVALID: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  COMMAND_INVALID: 400,
  REDIS_UNAVAILABLE: 503,
  SERVER_UNAVAILABLE: 503,
  LISTEN_FAILED: 500,
  INTERNAL: 500,
};

/** Errors of express's body parser carry `type` and `status`. */
function fromBodyParser(err: unknown): HypersweepError | undefined {
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.too.large') return new HypersweepError('PAYLOAD_TOO_LARGE', 'request body is larger than the 1 MB limit');
  if (e.status >= 400 && e.status < 500) return new HypersweepError('BAD_REQUEST', `bad request body: ${String(e.message)}`);
  return undefined;
}

/** ioredis gave up: Redis is unreachable. */
function fromRedis(err: unknown): HypersweepError | undefined {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  const text = `${String(e?.name)} ${String(e?.message)} ${String(e?.code)}`;
  if (/MaxRetriesPerRequest|ECONNREFUSED|Connection is closed|ECONNRESET/.test(text)) return new HypersweepError('REDIS_UNAVAILABLE', 'Redis is unreachable; try again when it is back');
  return undefined;
}

export function errorHandler(log: (message: string) => void = (m) => console.error(m)): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof HypersweepError ? err : (fromBodyParser(err) ?? fromRedis(err));
    const error = known ?? new HypersweepError('INTERNAL', 'internal error');
    if (!known) log(`hypersweep api: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const body: { code: ErrorCode; message: string; issues?: unknown } = { code: error.code, message: error.message };
    if (error instanceof ConfigError) body.issues = error.issues;
    res.status(status).json({ error: body });
  };
}

/** 404 JSON for unknown /api paths. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError('route', `no route ${req.method} ${req.path}`));
};
