/**
 * Numbers that become timers are bounded before they are used: Node fires a setTimeout of more
 * than 2^31 − 1 ms after 1 ms (so `run_timeout_sec: 3000000` killed every run at once), and a
 * lease or grace period past a day is a typo, not a setting. setLongTimeout waits any length.
 */

/** The longest delay setTimeout honours (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Shortest attempt lease (`--lease-ms`): renewals every lease/4 must fit a Redis round trip. @defaultValue 500 ms */
export const MIN_LEASE_MS = 500;

/** Longest attempt lease (`--lease-ms`): a dead agent's runs wait this long to be retried. @defaultValue 1 day */
export const MAX_LEASE_MS = 86_400_000;

/** Longest grace between SIGTERM and SIGKILL (`--grace-sec`). @defaultValue 1 day */
export const MAX_GRACE_SEC = 86_400;

/** A timer that can be cleared. */
export interface LongTimeout {
  clear(): void;
}

/** Calls `fn` once after `ms` (any finite length, in steps of at most MAX_TIMER_MS); never for Infinity or NaN. */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout | undefined;
  const due = Date.now() + ms;
  const arm = (left: number): void => {
    if (!Number.isFinite(left)) return;
    if (left <= MAX_TIMER_MS) {
      timer = setTimeout(fn, Math.max(0, left));
      return;
    }
    timer = setTimeout(() => arm(due - Date.now()), MAX_TIMER_MS);
  };
  arm(ms);
  return {
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
