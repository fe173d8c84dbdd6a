/**
 * Hosts as Linux network namespaces (root only): one namespace per host, each with a veth pair
 * whose other end is a port of a bridge in a switch namespace of the lab's own, and a veth from
 * this (the driver's) namespace to the same bridge, so the suite reaches every host. Names carry
 * the suite's pid and a random id (`hschaos-<pid>-<id>-<host>`, driver link `hsc<id>`), so
 * parallel runs do not clash, and labs whose pid is gone (a crashed run) are removed at start.
 *
 * A partition drops every frame to and from the host's switch port (nftables, bridge family):
 * the host's connections stay open, their bytes lost, as when a switch fails. Without nft the
 * port is taken down instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const PREFIX = 'hschaos';

export interface Host {
  name: string;
  ns: string;
  ip: string;
  /** The host's port on the bridge (in the switch namespace). */
  port: string;
}

export interface NetnsLab {
  id: string;
  /** This namespace's address on the lab's bridge. */
  driverIp: string;
  host(name: string): Host;
  /** argv that runs `argv` inside the host's namespace. */
  exec(name: string, argv: string[]): string[];
  /** Drop the host's traffic (connections stay open). */
  cut(name: string): void;
  heal(name: string): void;
  /** Pids of every process in the host's namespace. */
  pids(name: string): number[];
  /** SIGSTOP every process of the host (twice over, for what forked meanwhile). */
  freeze(name: string): void;
  thaw(name: string): void;
  /** Kill every process in the lab, delete its namespaces and links (synchronous, idempotent). */
  destroy(): void;
}

function ip(args: string[], input?: string): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
}

function tryIp(args: string[]): void {
  spawnSync('ip', args, { stdio: 'ignore' });
}

/** Why the namespace profile cannot run here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need root)';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'no `ip` (iproute2) on the PATH';
  if (spawnSync('redis-sentinel', ['--version'], { stdio: 'ignore' }).status !== 0) return 'no `redis-sentinel` on the PATH';
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function nsPids(ns: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').filter(Boolean).map(Number).filter((p) => p > 1 && p !== process.pid);
}

function killAll(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone
    }
  }
}

/** Kill what runs in `namespaces` and delete them, then the driver link. */
function removeNamespaces(namespaces: string[], driverLink: string): void {
  for (let round = 0; round < 50; round++) {
    const pids = namespaces.flatMap(nsPids);
    if (pids.length === 0) break;
    killAll(pids, 'SIGCONT');
    killAll(pids, 'SIGKILL');
    spawnSync('sleep', ['0.1']);
  }
  for (const ns of namespaces) tryIp(['netns', 'del', ns]);
  tryIp(['link', 'del', driverLink]);
}

/** Remove labs left by runs whose process is gone; returns how many. */
export function removeStaleLabs(): number {
  const names = ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`${PREFIX}-`));
  const stale = new Map<string, string[]>();
  for (const name of names) {
    const m = /^hschaos-(\d+)-([0-9a-f]+)-/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    stale.set(m[2]!, [...(stale.get(m[2]!) ?? []), name]);
  }
  for (const [id, namespaces] of stale) removeNamespaces(namespaces, `hsc${id}`);
  return stale.size;
}

/** A /24 in 10.64.0.0/10 that no route or address here uses. */
function pickSubnet(): string {
  const used = ip(['-4', 'route', 'show', 'table', 'all']) + ip(['-4', 'addr']);
  for (;;) {
    const b = randomBytes(2);
    const net = `10.${64 + (b[0]! % 64)}.${b[1]}`;
    if (!used.includes(`${net}.`)) return net;
  }
}

function cutMethod(): 'nft' | 'link' {
  return spawnSync('nft', ['--version'], { stdio: 'ignore' }).status === 0 ? 'nft' : 'link';
}

function addHost(sw: string, ns: string, name: string, address: string): Host {
  const port = `p-${name}`.slice(0, 15);
  ip(['netns', 'add', ns]);
  ip(['link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', sw]);
  ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
  ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  ip(['-n', sw, 'link', 'set', port, 'master', 'br0', 'up']);
  return { name, ns, ip: address, port };
}

/** Create the lab: a switch namespace with a bridge, one namespace per host name, the driver link. */
export function createLab(hostNames: string[]): NetnsLab {
  const id = randomBytes(3).toString('hex');
  const base = `${PREFIX}-${process.pid}-${id}`;
  const sw = `${base}-switch`;
  const driverLink = `hsc${id}`;
  const namespaces = [sw, ...hostNames.map((h) => `${base}-${h}`)];
  const hosts = new Map<string, Host>();
  const method = cutMethod();
  const destroy = () => {
    process.off('exit', destroy);
    removeNamespaces(namespaces, driverLink);
  };
  process.on('exit', destroy);
  try {
    const net = pickSubnet();
    ip(['netns', 'add', sw]);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    hostNames.forEach((h, i) => hosts.set(h, addHost(sw, `${base}-${h}`, h, `${net}.${10 + i}`)));
    ip(['link', 'add', driverLink, 'type', 'veth', 'peer', 'name', 'p-driver', 'netns', sw]);
    ip(['addr', 'add', `${net}.1/24`, 'dev', driverLink]);
    ip(['link', 'set', driverLink, 'up']);
    ip(['-n', sw, 'link', 'set', 'p-driver', 'master', 'br0', 'up']);
    if (method === 'nft') {
      const chains = hostNames.map((h) => `add chain bridge hschaos cut-${h} { type filter hook forward priority 0 ; policy accept ; }`);
      ip(['netns', 'exec', sw, 'nft', '-f', '-'], ['add table bridge hschaos', ...chains, ''].join('\n'));
    }
  } catch (err) {
    destroy();
    throw err;
  }
  const host = (name: string) => {
    const h = hosts.get(name);
    if (!h) throw new Error(`no host ${name} in the lab`);
    return h;
  };
  const pids = (name: string) => nsPids(host(name).ns);
  return {
    id,
    driverIp: `${[...hosts.values()][0]!.ip.split('.').slice(0, 3).join('.')}.1`,
    host,
    exec: (name, argv) => ['ip', 'netns', 'exec', host(name).ns, ...argv],
    cut(name) {
      const h = host(name);
      if (method === 'link') ip(['-n', sw, 'link', 'set', h.port, 'down']);
      else ip(['netns', 'exec', sw, 'nft', '-f', '-'], `add rule bridge hschaos cut-${name} iifname "${h.port}" drop\nadd rule bridge hschaos cut-${name} oifname "${h.port}" drop\n`);
    },
    heal(name) {
      const h = host(name);
      if (method === 'link') ip(['-n', sw, 'link', 'set', h.port, 'up']);
      else ip(['netns', 'exec', sw, 'nft', 'flush', 'chain', 'bridge', 'hschaos', `cut-${name}`]);
    },
    pids,
    freeze(name) {
      killAll(pids(name), 'SIGSTOP');
      killAll(pids(name), 'SIGSTOP');
    },
    thaw(name) {
      killAll(pids(name), 'SIGCONT');
    },
    destroy,
  };
}
