/**
 * The CLI's HTTP client of a hypersweep server: `--url` (HYPERSWEEP_URL, default
 * http://127.0.0.1:7070) and `--token` (HYPERSWEEP_TOKEN). Server errors come back as the
 * HypersweepError the server raised; an unreachable server is one clear line naming the URL.
 */
import type { Command } from 'commander';
import { ConfigError, HypersweepError, type ConfigIssue, type ErrorCode } from '../errors.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:7070';

export interface ServerOptions {
  url?: string;
  token?: string;
}

/** Add --url and --token to a command. */
export function serverOptions(command: Command): Command {
  return command
    .option('--url <url>', `server URL (env HYPERSWEEP_URL, default ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'bearer token (env HYPERSWEEP_TOKEN)');
}

export class ApiClient {
  readonly url: string;
  private readonly token: string | undefined;

  constructor(options: ServerOptions = {}) {
    this.url = (options.url ?? process.env.HYPERSWEEP_URL ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
    this.token = options.token ?? process.env.HYPERSWEEP_TOKEN ?? undefined;
  }

  async get<T>(path: string): Promise<T> {
    return await this.request<T>('GET', path);
  }

  /** A GET whose answer is not JSON (an export): the body as text. */
  async getText(path: string): Promise<string> {
    return await this.request<string>('GET', path, undefined, undefined, true);
  }

  async post<T>(path: string, body?: string, contentType = 'application/json'): Promise<T> {
    return await this.request<T>('POST', path, body, contentType);
  }

  async request<T>(method: string, path: string, body?: string, contentType?: string, raw = false): Promise<T> {
    const headers: Record<string, string> = { accept: raw ? '*/*' : 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    // The server refuses state-changing requests without a JSON or YAML type (cross-site guard), bodiless ones too.
    if (method !== 'GET' && method !== 'HEAD') headers['content-type'] = contentType ?? 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const why = cause === 'ECONNREFUSED' ? 'connection refused' : cause === 'ENOTFOUND' ? 'unknown host' : cause ?? (err as Error).message;
      throw new HypersweepError('SERVER_UNAVAILABLE', `cannot reach the hypersweep server at ${this.url} (${why}); start one with \`hypersweep server\` or point --url / HYPERSWEEP_URL at it`);
    }
    const text = await res.text();
    if (raw && res.ok) return text as T;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: ErrorCode; message?: string; issues?: ConfigIssue[] } } | undefined)?.error;
      if (error?.code === 'CONFIG_INVALID' && Array.isArray(error.issues)) throw new ConfigError('sweep file', error.issues);
      throw new HypersweepError(error?.code ?? 'INTERNAL', error?.message ?? `${method} ${path}: HTTP ${res.status} from ${this.url}`);
    }
    return json as T;
  }
}
