/**
 * Scrambled Halton points in [0,1)^d for the initial design: the radical inverse of the index
 * in the d-th prime base, with a seeded random permutation of the digits per dimension (which
 * breaks the correlation between high dimensions that plain Halton has).
 */
import { createRng } from '../../space/rng.js';

/** The `index`-th point (index ≥ 0) of the sequence scrambled by `seed`. */
export function scrambledHalton(index: number, dims: number, seed: number): Float64Array {
  const primes = firstPrimes(dims);
  const rng = createRng(seed, 'halton');
  const out = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    const base = primes[d]!;
    const perm = permutation(base, rng.next);
    let i = index + 1; // skip the all-zero point
    let f = 1 / base;
    let x = 0;
    // digits past the index's own are scrambled zeros: add their expected contribution once
    while (i > 0) {
      x += perm[i % base]! * f;
      i = Math.floor(i / base);
      f /= base;
    }
    x += perm[0]! * f * (base / (base - 1));
    out[d] = Math.min(x, 1 - 1e-12);
  }
  return out;
}

function permutation(n: number, next: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

const primeCache: number[] = [2];

function firstPrimes(count: number): number[] {
  for (let c = primeCache[primeCache.length - 1]! + 1; primeCache.length < count; c++) {
    if (primeCache.every((p) => p * p > c || c % p !== 0)) primeCache.push(c);
  }
  return primeCache.slice(0, count);
}
