import { expect, test } from 'vitest';
import { redactRedisUrl } from '../../src/store/redis-url.js';

test('a Redis URL is shown with its user-info hidden, the rest unchanged', () => {
  expect(redactRedisUrl('rediss://default:pw@redis.example.com:6380/0')).toBe('rediss://***@redis.example.com:6380/0');
  expect(redactRedisUrl('redis://:secret@10.0.0.5:6379')).toBe('redis://***@10.0.0.5:6379');
  expect(redactRedisUrl('redis://user@host')).toBe('redis://***@host');
  expect(redactRedisUrl('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
  expect(redactRedisUrl('redis://u:p%40ss@h:1')).toBe('redis://***@h:1');
  expect(redactRedisUrl('redis://u:p@ss@h:1/0')).toBe('redis://***@h:1/0');
});
