import { expect, test } from 'vitest';
import { AgentSession } from '../../src/store/agent-session.js';
import { controllerWakeMessage, subscribeAgentSignals, subscribeControllerWakes, signalAgent, wakeController, type AgentSignal } from '../../src/store/sweep-signals.js';
import { keys } from '../../src/store/keys.js';
import { redisForFile } from '../helpers/redis-server.js';

const redis = redisForFile();

test('every controller wake has one shape, whoever sends it, and reaches a subscribed controller', async () => {
  expect(JSON.parse(controllerWakeMessage('slot', 's1', 'a1'))).toEqual({ type: 'wake', reason: 'slot', sweepId: 's1', agentId: 'a1' });
  expect(JSON.parse(controllerWakeMessage('sweep', 's1'))).toEqual({ type: 'wake', reason: 'sweep', sweepId: 's1' });
  const seen: string[] = [];
  const spy = redis.server.client();
  await spy.subscribe(keys.controllerChannel());
  spy.on('message', (_ch: string, m: string) => seen.push(m));
  let woken = 0;
  const sub = await subscribeControllerWakes(redis.client, () => woken++);
  await wakeController(redis.client, 'sweep', 's1');
  const session = new AgentSession(redis.client, 'a1', 's1');
  await session.register({ host: 'h', pid: 1, slots: ['gpu0'] });
  await session.slotChanged({ busy: {}, state: 'idle' });
  await session.deregister();
  for (let i = 0; i < 500 && (seen.length < 4 || woken < 4); i++) await new Promise((r) => setTimeout(r, 20));
  sub.close();
  expect(woken).toBe(4);
  expect(seen.map((m) => JSON.parse(m) as unknown)).toEqual([
    { type: 'wake', reason: 'sweep', sweepId: 's1' },
    { type: 'wake', reason: 'agent', sweepId: 's1', agentId: 'a1' },
    { type: 'wake', reason: 'slot', sweepId: 's1', agentId: 'a1' },
    { type: 'wake', reason: 'agent-exit', sweepId: 's1', agentId: 'a1' },
  ]);
});

test('agent signals arrive parsed; a message that is not a signal is reported, not obeyed', async () => {
  const sub = redis.server.client();
  const signals: AgentSignal[] = [];
  const bad: string[] = [];
  await subscribeAgentSignals(sub, 'a2', (s) => signals.push(s), (text, why) => bad.push(`${why}: ${text}`));
  await signalAgent(redis.client, 'a2', { type: 'stop', runId: 'r1' });
  await redis.client.publish(keys.agentChannel('a2'), 'not json');
  await redis.client.publish(keys.agentChannel('a2'), JSON.stringify({ type: 'explode' }));
  await signalAgent(redis.client, 'a2', { type: 'wake' });
  for (let i = 0; i < 500 && signals.length + bad.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
  expect(signals).toEqual([{ type: 'stop', runId: 'r1' }, { type: 'wake' }]);
  expect(bad).toEqual(['not JSON: not json', 'of unknown type: {"type":"explode"}']);
});
