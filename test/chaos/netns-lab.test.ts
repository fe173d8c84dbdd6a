/**
 * The fault suite's network-namespace lab (chaos/netns-lab.ts), root only: hosts reach each
 * other over the lab's bridge; a cut host's connection stays open and its bytes arrive only
 * after the heal; freeze stops every process of a host; destroy and the stale-lab sweep leave
 * no namespace behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLab, netnsUnavailable, removeStaleLabs, type NetnsLab } from '../../chaos/netns-lab.js';

const why = netnsUnavailable();
const namespaces = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
const state = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
};
const ECHO = `require('net').createServer((s) => s.pipe(s)).listen(7000, '0.0.0.0', () => console.log('up'))`;

describe.skipIf(why !== undefined)('network-namespace lab', () => {
  let lab: NetnsLab;
  let server: ReturnType<typeof spawn>;
  let socket: Socket;
  const received: string[] = [];
  beforeAll(async () => {
    lab = createLab(['a', 'b']);
    const [bin, ...args] = lab.exec('a', [process.execPath, '-e', ECHO]);
    server = spawn(bin!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => server.stdout!.once('data', r));
    socket = connect(7000, lab.host('a').ip);
    socket.on('data', (d) => received.push(d.toString()));
    await new Promise((r, j) => socket.once('connect', r).once('error', j));
  }, 30_000);
  afterAll(() => {
    socket?.destroy();
    lab?.destroy();
  });

  test('hosts have their own addresses on one subnet, the driver too', () => {
    const [a, b] = [lab.host('a'), lab.host('b')];
    expect(a.ip).not.toBe(b.ip);
    expect(a.ip.split('.').slice(0, 3)).toEqual(lab.driverIp.split('.').slice(0, 3));
    expect(namespaces()).toEqual(expect.arrayContaining([a.ns, b.ns]));
    expect(lab.pids('a')).toContain(server.pid);
  });

  test('a cut host keeps its connection; its bytes arrive after the heal, not before', async () => {
    socket.write('one');
    await expect.poll(() => received.join(''), { timeout: 5000 }).toBe('one');
    lab.cut('a');
    socket.write('two');
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.join('')).toBe('one');
    expect(socket.destroyed).toBe(false);
    lab.heal('a');
    await expect.poll(() => received.join(''), { timeout: 15_000 }).toBe('onetwo');
  }, 30_000);

  test('freeze stops every process of the host, thaw lets them go on', async () => {
    lab.freeze('a');
    await expect.poll(() => state(server.pid!), { timeout: 5000 }).toBe('T');
    lab.thaw('a');
    await expect.poll(() => state(server.pid!), { timeout: 5000 }).not.toBe('T');
  });

  test('destroy kills what runs in the lab and removes its namespaces; it can be called again', async () => {
    const names = [lab.host('a').ns, lab.host('b').ns];
    const exited = new Promise((r) => server.once('exit', r));
    lab.destroy();
    await exited;
    expect(namespaces().filter((n) => names.includes(n) || n.includes(`-${lab.id}-`))).toEqual([]);
    expect(() => lab.destroy()).not.toThrow();
  });

  test('a lab left by a run whose process is gone is removed; a live one is not', () => {
    const gone = spawnSync('true').pid!;
    const stale = `hschaos-${gone}-abc123-x`;
    const live = `hschaos-${process.pid}-abc124-x`;
    for (const ns of [stale, live]) spawnSync('ip', ['netns', 'add', ns]);
    try {
      expect(removeStaleLabs()).toBeGreaterThanOrEqual(1);
      expect(namespaces()).not.toContain(stale);
      expect(namespaces()).toContain(live);
    } finally {
      for (const ns of [stale, live]) spawnSync('ip', ['netns', 'del', ns]);
    }
  });
});

test.runIf(why !== undefined)('without root or ip, the lab says why', () => {
  expect(why).toMatch(/root|ip|redis-sentinel|Linux/);
});
