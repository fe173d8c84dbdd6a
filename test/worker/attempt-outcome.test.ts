import { expect, test } from 'vitest';
import { exitOutcome } from '../../worker/attempt-outcome.js';

test('a script that exited 0 by itself finished, even when the lease was lost meanwhile (a frozen agent wakes to both)', () => {
  expect(exitOutcome('lost', { code: 0, signal: null }, undefined)).toMatchObject({ outcome: 'finished', exitCode: 0 });
  // Killed by our SIGKILL, or failing on its own after the lease was lost: lost.
  expect(exitOutcome('lost', { code: null, signal: 'SIGKILL' }, undefined)).toMatchObject({ outcome: 'lost', message: 'lease lost; killed by SIGKILL' });
  expect(exitOutcome('lost', { code: 1, signal: null }, undefined)).toMatchObject({ outcome: 'lost' });
  // A stop request stays a stop even when the script handled SIGTERM and exited 0.
  expect(exitOutcome('stop', { code: 0, signal: null }, undefined)).toMatchObject({ outcome: 'stopped' });
});
