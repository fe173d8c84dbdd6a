/**
 * log EI for minimization, computed without underflow far from the incumbent (Ament et al.,
 * "Unexpected improvements to expected improvement", 2023): EI = σ h(z), z = (best − μ)/σ,
 * h(z) = φ(z) + zΦ(z). For z < −1, h(z) = φ(z)(1 − |z|R(|z|)) with R the Mills ratio, and
 * 1 − tR(t) is taken from the continued fraction of R, which has no cancellation.
 */
import { errorFunction } from 'simple-statistics';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log of EI below `best` for a Gaussian prediction N(mean, sd²). */
export function logExpectedImprovement(mean: number, sd: number, best: number): number {
  if (!(sd > 0)) return best > mean ? Math.log(best - mean) : -Infinity;
  return Math.log(sd) + logH((best - mean) / sd);
}

/** log(φ(z) + zΦ(z)). */
export function logH(z: number): number {
  if (z > -1) {
    const phi = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
    const cdf = 0.5 * (1 + errorFunction(z / Math.SQRT2));
    return Math.log(phi + z * cdf);
  }
  const t = -z;
  // Continued fraction R(t) = 1/(t + 1/(t + 2/(t + 3/(t + ...)))): D0 = 1/R, D1 = t + 2/(t + ...).
  // 1 − tR = (D0 − t)/D0 = (1/D1)/D0.
  const terms = t < 2 ? 160 : t < 5 ? 60 : 24;
  let dk = t;
  for (let k = terms; k >= 2; k--) dk = t + k / dk;
  const d1 = dk;
  const d0 = t + 1 / d1;
  return -0.5 * t * t - LOG_SQRT_2PI - Math.log(d1) - Math.log(d0);
}
