/**
 * The parts the multi-host Redis URLs share (Sentinel and Cluster, `scheme://[user[:password]@]
 * h1[:p1],h2[:p2]...`): the host list and the user info, parsed one way for both.
 */
import type { HypersweepError } from '../errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/** `h1:p1,[::1]:p2,h3` → hosts (brackets off IPv6, `defaultPort` where none); `fail(rule)` names a `what` address that breaks the form. */
export function parseHostList(hostList: string, defaultPort: number, what: string, fail: (rule: string) => HypersweepError): HostPort[] {
  return hostList.split(',').map((part) => {
    const hm = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(part.trim());
    if (!hm) throw fail(`bad ${what} address ${JSON.stringify(part)}`);
    const port = hm[2] === undefined ? defaultPort : Number(hm[2]);
    if (port < 1 || port > 65535) throw fail(`port out of range in ${JSON.stringify(part)}`);
    return { host: hm[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** `user:password` (percent-decoded): the user only when named, the password only after a `:`. */
export function parseUserinfo(userinfo: string | undefined): { username?: string; password?: string } {
  if (!userinfo) return {};
  const out: { username?: string; password?: string } = {};
  const i = userinfo.indexOf(':');
  const user = decodeURIComponent(i < 0 ? userinfo : userinfo.slice(0, i));
  if (user) out.username = user;
  if (i >= 0) out.password = decodeURIComponent(userinfo.slice(i + 1));
  return out;
}
