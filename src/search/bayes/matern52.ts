/**
 * The Matérn 5/2 ARD kernel on unit-cube inputs: k(x, x') = s² (1 + √5 r + 5r²/3) e^(−√5 r),
 * r² = Σ_d ((x_d − x'_d) / ℓ_d)². Inputs are flat row-major Float64Arrays (n × dims).
 */

/** The kernel's hyperparameters (in standardized output units). */
export interface KernelParams {
  /** One per input coordinate, in unit-cube units. */
  lengthscales: Float64Array;
  /** s², the prior variance of the function. */
  signalVariance: number;
  /** Variance of observation noise (added on the diagonal of training points). */
  noiseVariance: number;
}

const SQRT5 = Math.sqrt(5);

/** The Matérn 5/2 correlation at scaled distance r. */
export function matern52(r: number): number {
  const sr = SQRT5 * r;
  return (1 + sr + (sr * sr) / 3) * Math.exp(-sr);
}

/**
 * (5/3)(1 + √5 r) e^(−√5 r): the factor of the correlation's derivative by a log-lengthscale,
 * ∂k/∂ln ℓ_d = s² · matern52Slope(r) · (x_d − x'_d)² / ℓ_d².
 */
export function matern52Slope(r: number): number {
  const sr = SQRT5 * r;
  return (5 / 3) * (1 + sr) * Math.exp(-sr);
}

/** k(a_i, b_j) for rows i of `a` (offset in rows) and j of `b`, written to out[j] for j < nb. */
export function kernelRow(
  params: KernelParams,
  dims: number,
  x: Float64Array,
  xOffset: number,
  b: Float64Array,
  nb: number,
  out: Float64Array,
): void {
  const inv = inverseSquaredLengthscales(params);
  const s2 = params.signalVariance;
  // four rows of b at a time: four independent sums (each in d order, as one at a time)
  let j = 0;
  for (; j + 3 < nb; j += 4) {
    const b0 = j * dims;
    const b1 = b0 + dims;
    const b2 = b1 + dims;
    const b3 = b2 + dims;
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    for (let d = 0; d < dims; d++) {
      const xd = x[xOffset + d]!;
      const w = inv[d]!;
      const t0 = xd - b[b0 + d]!;
      const t1 = xd - b[b1 + d]!;
      const t2 = xd - b[b2 + d]!;
      const t3 = xd - b[b3 + d]!;
      r0 += t0 * t0 * w;
      r1 += t1 * t1 * w;
      r2 += t2 * t2 * w;
      r3 += t3 * t3 * w;
    }
    out[j] = s2 * matern52(Math.sqrt(r0));
    out[j + 1] = s2 * matern52(Math.sqrt(r1));
    out[j + 2] = s2 * matern52(Math.sqrt(r2));
    out[j + 3] = s2 * matern52(Math.sqrt(r3));
  }
  for (; j < nb; j++) {
    let r2 = 0;
    const bo = j * dims;
    for (let d = 0; d < dims; d++) {
      const t = x[xOffset + d]! - b[bo + d]!;
      r2 += t * t * inv[d]!;
    }
    out[j] = s2 * matern52(Math.sqrt(r2));
  }
}

const invCache = new WeakMap<Float64Array, Float64Array>();

/** 1/ℓ_d², memoized per lengthscale array (which is never mutated after a fit). */
export function inverseSquaredLengthscales(params: KernelParams): Float64Array {
  let inv = invCache.get(params.lengthscales);
  if (!inv) {
    inv = params.lengthscales.map((l) => 1 / (l * l));
    invCache.set(params.lengthscales, inv);
  }
  return inv;
}
