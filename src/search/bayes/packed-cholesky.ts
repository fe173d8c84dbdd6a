/**
 * A lower-triangular Cholesky factor in packed row storage (row i at i(i+1)/2) that grows one
 * row at a time: appending a point costs O(n²) instead of refactoring in O(n³). This is why it
 * is hand-written on Float64Array rather than taken from ml-matrix: the library has no row
 * append, and its array-of-arrays matrices are several times slower on these loops.
 */
export class PackedCholesky {
  /** Rows in use. */
  size = 0;
  private data: Float64Array;
  private capacity: number;

  constructor(capacity = 16) {
    this.capacity = Math.max(1, capacity);
    this.data = new Float64Array((this.capacity * (this.capacity + 1)) / 2);
  }

  /** Row i of L (length i + 1), a view into storage. */
  row(i: number): Float64Array {
    const o = (i * (i + 1)) / 2;
    return this.data.subarray(o, o + i + 1);
  }

  /** Drops rows from `size` on (they stay allocated). */
  truncate(size: number): void {
    this.size = Math.min(this.size, size);
  }

  /**
   * Appends the row of a new point: `cross[j]` = k(new, j) for the current rows, `diag` = k(new,
   * new) + noise. A non-positive pivot (numerically dependent point) gets a tiny jitter.
   */
  append(cross: Float64Array, diag: number): void {
    const n = this.size;
    this.ensure(n + 1);
    const o = (n * (n + 1)) / 2;
    const d = this.data;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const ro = (i * (i + 1)) / 2;
      const v = (cross[i]! - dot(d, ro, o, i)) / d[ro + i]!;
      d[o + i] = v;
      ss += v * v;
    }
    const pivot = diag - ss;
    d[o + n] = Math.sqrt(pivot > 1e-10 * diag ? pivot : 1e-10 * diag + 1e-12);
    this.size = n + 1;
  }

  /** Solves L x = b in place (first `size` entries). */
  solveLower(b: Float64Array): void {
    const d = this.data;
    for (let i = 0; i < this.size; i++) {
      const ro = (i * (i + 1)) / 2;
      let s = b[i]!;
      for (let j = 0; j < i; j++) s -= d[ro + j]! * b[j]!;
      b[i] = s / d[ro + i]!;
    }
  }

  /** Solves Lᵀ x = b in place. */
  solveUpper(b: Float64Array): void {
    const d = this.data;
    for (let i = this.size - 1; i >= 0; i--) {
      const ro = (i * (i + 1)) / 2;
      const xi = (b[i] = b[i]! / d[ro + i]!);
      for (let j = 0; j < i; j++) b[j] = b[j]! - d[ro + j]! * xi;
    }
  }

  /**
   * Solves L V = B for m right-hand sides at once; B is row-major size × m and is overwritten.
   * Streams L once for all columns (the cost at large n is memory, not arithmetic).
   */
  solveLowerMany(b: Float64Array, m: number): void {
    const d = this.data;
    for (let i = 0; i < this.size; i++) {
      const ro = (i * (i + 1)) / 2;
      const bi = i * m;
      for (let j = 0; j < i; j++) {
        const l = d[ro + j]!;
        if (l === 0) continue;
        const bj = j * m;
        for (let c = 0; c < m; c++) b[bi + c] -= l * b[bj + c]!;
      }
      const inv = 1 / d[ro + i]!;
      for (let c = 0; c < m; c++) b[bi + c] *= inv;
    }
  }

  private ensure(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = this.capacity;
    while (cap < rows) cap = Math.ceil(cap * 1.5) + 8;
    const next = new Float64Array((cap * (cap + 1)) / 2);
    next.set(this.data.subarray(0, (this.size * (this.size + 1)) / 2));
    this.data = next;
    this.capacity = cap;
  }
}

/** Σ_{k<len} a[ao+k]·a[bo+k], four accumulators (the factorization's inner loop). */
function dot(a: Float64Array, ao: number, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ao + k]! * a[bo + k]!;
    s1 += a[ao + k + 1]! * a[bo + k + 1]!;
    s2 += a[ao + k + 2]! * a[bo + k + 2]!;
    s3 += a[ao + k + 3]! * a[bo + k + 3]!;
  }
  for (; k < len; k++) s0 += a[ao + k]! * a[bo + k]!;
  return s0 + s1 + s2 + s3;
}
