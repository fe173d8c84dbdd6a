/**
 * The controller under test, alone in its process so its CPU and RSS are its own: a Controller
 * with its defaults on the bench's Redis. IPC: `usage` → CPU µs so far, RSS, heap, sweeps led;
 * `stop` → closes and exits.
 */
import { Redis } from 'ioredis';
import { Controller } from '../../src/controller/controller.js';

export interface ControllerUsage {
  type: 'usage';
  cpuMicros: number;
  rssBytes: number;
  heapBytes: number;
  led: string[];
  logged: number;
}

let logged = 0;
const redis = new Redis(process.argv[2]!, { maxRetriesPerRequest: null });
const controller = new Controller({ redis, log: () => logged++ });
await controller.start();
process.send!({ type: 'ready' });
process.on('message', (m: { type: string }) => {
  if (m.type === 'usage') {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    process.send!({ type: 'usage', cpuMicros: cpu.user + cpu.system, rssBytes: mem.rss, heapBytes: mem.heapUsed, led: controller.ledSweeps, logged } satisfies ControllerUsage);
  } else if (m.type === 'stop') {
    void controller.close().then(() => {
      redis.disconnect();
      process.exit(0);
    });
  }
});
