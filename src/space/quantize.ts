/**
 * W&B's q-rounding: `round(x / q) * q` (numpy rounds halves to even), with the float noise of
 * the product removed so `3 * 0.1` reads `0.3`. A q-value is an integer whenever q is one.
 */

/** Round half to even, as numpy's `np.round`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `k * q` without float noise (15 significant digits), an exact integer when q is one. */
export function multipleOf(k: number, q: number): number {
  const v = k * q;
  return Number.isInteger(q) ? v : withoutFloatNoise(v);
}

/** A computed float rounded to 15 significant digits (`0.1 * 3` reads `0.3`); integers as they are; never -0. */
export function withoutFloatNoise(v: number): number {
  if (Number.isInteger(v)) return v === 0 ? 0 : v;
  const clean = Number(v.toPrecision(15));
  return Object.is(clean, -0) ? 0 : clean;
}

/** The integer range of k with `k * q` inside [min, max] (tolerant to float error); empty when lo > hi. */
export function multiplesRange(min: number, max: number, q: number): { lo: number; hi: number } {
  const eps = 1e-9;
  return { lo: Math.ceil(min / q - eps), hi: Math.floor(max / q + eps) };
}

/**
 * W&B's `round(x / q) * q`, kept inside [min, max] when bounds are given and a multiple of q
 * lies inside them (W&B can return e.g. 0 for `q_uniform` min 8, q 16; hypersweep steps
 * inward to the nearest in-bounds multiple instead).
 */
export function quantize(x: number, q: number, bounds?: { min: number; max: number }): number {
  let k = roundHalfEven(x / q);
  if (bounds) {
    const { lo, hi } = multiplesRange(bounds.min, bounds.max, q);
    if (lo <= hi) k = Math.min(hi, Math.max(lo, k));
  }
  return multipleOf(k, q);
}
