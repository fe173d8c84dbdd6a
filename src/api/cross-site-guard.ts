/**
 * Closes the API to other web sites (CSRF) and to DNS rebinding, for a server without a token
 * as much as one with. Three rules, checked before any route:
 * 1. Host: the request must name a host this server answers to: an IP address literal (a
 *    rebinding page always comes through a DNS name), `localhost`, the bind host, or a name
 *    given with `--allow-host`. Otherwise 403 (a rebound page reads nothing).
 * 2. Origin: a browser request whose `Origin` is not this server's own (`http(s)://` + the Host
 *    it asked for), or is `null`, gets 403. Requests without Origin (curl, the CLI) pass.
 * 3. Content type: a POST, PUT, PATCH or DELETE that carries a content type or a body needs a
 *    JSON or YAML type, which a page on another site cannot send without a CORS preflight (and
 *    this server answers none). A bodiless one without a type (a control action from curl)
 *    passes: a browser sends such a request only from script, with an Origin (rule 2); forms
 *    always send a type.
 * /healthz is exempt from the Host rule, so probes that use a pod address or a service name work.
 */
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { HypersweepError } from '../errors.js';

/** Content types a state-changing request may carry (the sweep file as YAML or JSON, or a JSON body). */
export const STATE_CHANGING_TYPES: readonly string[] = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CrossSiteOptions {
  /** The address the server binds (always answered to). @defaultValue '127.0.0.1' */
  bindHost?: string;
  /** More host names to answer to (`--allow-host`), without port. @defaultValue [] */
  allowHosts?: readonly string[];
}

/** `Host: [::1]:7070` → `::1`; `example.org:80` → `example.org`; lower case. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/** Whether a Host header names a host this server answers to. */
export function hostAllowed(host: string | undefined, options: CrossSiteOptions = {}): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (name === '' || /[^a-z0-9.:_-]/.test(name)) return false;
  if (isIP(name) !== 0 || name === 'localhost') return true;
  const allowed = [options.bindHost ?? '127.0.0.1', ...(options.allowHosts ?? [])].map((h) => hostName(h));
  return allowed.includes(name);
}

export function crossSiteGuard(options: CrossSiteOptions = {}): RequestHandler {
  return (req, _res, next) => {
    const host = req.get('host');
    if (req.path !== '/healthz' && !hostAllowed(host, options)) {
      return next(new HypersweepError('FORBIDDEN', `this server does not answer to the host ${JSON.stringify(String(host ?? '').slice(0, 100))}; start it with --allow-host NAME to allow a name`));
    }
    const origin = req.get('origin');
    if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
      return next(new HypersweepError('FORBIDDEN', `cross-site request refused (Origin ${JSON.stringify(origin.slice(0, 100))} is not this server)`));
    }
    if (!SAFE_METHODS.has(req.method)) {
      const given = req.get('content-type');
      const type = (given ?? '').split(';')[0]!.trim().toLowerCase();
      const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
      if ((given !== undefined || hasBody) && !STATE_CHANGING_TYPES.includes(type)) {
        return next(new HypersweepError('UNSUPPORTED_MEDIA_TYPE', `${req.method} needs content-type ${STATE_CHANGING_TYPES.join(', ')} (got ${JSON.stringify(type.slice(0, 100))})`));
      }
    }
    next();
  };
}
