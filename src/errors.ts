/**
 * The one error family. Every error hypersweep throws on purpose is a HypersweepError with a
 * stable `code`; the HTTP layer maps codes to statuses in one place (src/api/error-handler.ts)
 * and the CLI prints `message` and exits non-zero.
 */

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  /** A cross-site request or a Host this server does not answer to (src/api/cross-site-guard.ts). */
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  /** A state-changing request without a JSON or YAML content type. */
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'COMMAND_INVALID'
  | 'REDIS_UNAVAILABLE'
  /** The CLI cannot reach the hypersweep server. */
  | 'SERVER_UNAVAILABLE'
  /** The server cannot listen on its address (taken, not allowed). */
  | 'LISTEN_FAILED'
  | 'INTERNAL';

export class HypersweepError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HypersweepError';
    this.code = code;
  }
}

/** One problem found in a sweep file: where it is, which rule it breaks, what was received. */
export interface ConfigIssue {
  /** Dotted path inside the sweep file, e.g. `parameters.lr.min`; '' for the whole file. */
  path: string;
  /** The rule and the value received, e.g. `log_uniform_values needs min > 0 (got 0)`. */
  message: string;
  /** 1-based line and column in the source; absent only when the source is not text. */
  line?: number;
  column?: number;
}

/** A sweep file (or request body) that breaks the rules; lists every problem at once. */
export class ConfigError extends HypersweepError {
  readonly issues: ConfigIssue[];
  readonly file: string;
  constructor(file: string, issues: ConfigIssue[]) {
    super('CONFIG_INVALID', issues.map((i) => formatConfigIssue(file, i)).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

/** `sweeps/x.yaml:9:10 parameters.lr: log_uniform_values needs min > 0 (got 0)` */
export function formatConfigIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** Something asked for does not exist: `<what> not found`, or `message` when given. */
export class NotFoundError extends HypersweepError {
  constructor(what: string, message = `${what} not found`) {
    super('NOT_FOUND', message);
    this.name = 'NotFoundError';
  }
}

/**
 * A fenced write of a sweep's leader was refused inside Redis: another controller holds the
 * sweep's leader lock now (this one was paused or cut off past the lock's TTL). A signal to the
 * controller: step down, write nothing more for that sweep.
 */
export class LeaderDeposedError extends HypersweepError {
  constructor(sweepId: string, cause?: unknown) {
    super('CONFLICT', `sweep ${sweepId}: no longer its leader (the leader lock is held by another controller or expired)`, { cause });
    this.name = 'LeaderDeposedError';
  }
}
