/**
 * One profile for every fuzz suite: seeded, so a failure replays. CI runs the short profile
 * (each suite's `ciRuns`); `npm run fuzz` sets FUZZ_RUNS for a long run; FUZZ_SEED picks
 * another seed (a failing run prints its seed and path; pass both back to replay it).
 */
import fc from 'fast-check';

/** The seed of every suite. @defaultValue 13 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 13);

export function fuzzParams<T>(ciRuns: number): fc.Parameters<T> {
  const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : ciRuns;
  return { seed: FUZZ_SEED, numRuns: runs, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) };
}

/** Vitest timeout for a suite of `ciRuns` cases at about `msPerCase`, scaled to FUZZ_RUNS. */
export function fuzzTimeout(ciRuns: number, msPerCase: number): number {
  const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : ciRuns;
  return 30_000 + runs * msPerCase;
}
