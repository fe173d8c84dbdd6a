/**
 * When an attempt must be dead (design.md, "Reliability rules"). Redis starts a lease's TTL when
 * it executes the claim or renewal, which is never before the agent sent it; so counting from the
 * *send* time on this host's monotonic clock, `sent + lease − margin` comes at least `margin`
 * before Redis can expire the lease, whatever the network or Redis did with the command meanwhile.
 * A renewal extends the deadline only once Redis *confirmed* it, and never after the deadline
 * passed: an attempt that was past its deadline once is lost for good, even if a late reply says
 * the lease is still held.
 *
 * The clock is CLOCK_MONOTONIC (process.hrtime), which every process of the host shares, so the
 * sentinel process (worker/sentinel.ts) enforces the same deadline the agent computes.
 */

/** Milliseconds on CLOCK_MONOTONIC: the same for every process of this host, never jumps with the wall clock. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

/** The part of a lease given up so the script is dead before Redis expires the lease: a fifth. */
export function killMarginMs(leaseMs: number): number {
  return Math.floor(leaseMs / 5);
}

/** How often a lease is renewed: a quarter of it, so two renewals may be lost before the deadline. */
export function renewEveryMs(leaseMs: number): number {
  return Math.max(10, Math.floor(leaseMs / 4));
}

export class LeaseDeadline {
  private at: number;
  private passed = false;

  /** `claimSentAt`: monotonicMs() taken just before the claim was sent. */
  constructor(
    readonly leaseMs: number,
    claimSentAt: number,
  ) {
    this.at = claimSentAt + leaseMs - killMarginMs(leaseMs);
  }

  /** The monotonic ms at which the script must be dead. */
  get deadline(): number {
    return this.at;
  }

  /** True once the deadline has passed (sticky). */
  expired(now = monotonicMs()): boolean {
    if (!this.passed && now >= this.at) this.passed = true;
    return this.passed;
  }

  /** A renewal sent at `sentAt` was confirmed by Redis. False when the deadline had already passed. */
  confirm(sentAt: number, now = monotonicMs()): boolean {
    if (this.expired(now)) return false;
    this.at = Math.max(this.at, sentAt + this.leaseMs - killMarginMs(this.leaseMs));
    return true;
  }
}
