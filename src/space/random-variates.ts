/**
 * Variates the parameter distributions are built from, drawn from a seeded Rng:
 * standard normal (Box–Muller), gamma (Marsaglia–Tsang) and beta (ratio of gammas).
 */
import type { Rng } from './rng.js';

/** A standard normal variate (Box–Muller, one draw per call). */
export function sampleStandardNormal(rng: Rng): number {
  const u1 = 1 - rng.next(); // (0, 1]: log is finite
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A Gamma(shape, 1) variate, shape > 0 (Marsaglia & Tsang 2000; shape < 1 by the boost U^(1/shape)). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (shape < 1) {
    const u = 1 - rng.next();
    return sampleGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleStandardNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) variate: X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  if (x + y === 0) return rng.next() < a / (a + b) ? 1 : 0; // both underflowed (tiny a and b)
  return x / (x + y);
}
