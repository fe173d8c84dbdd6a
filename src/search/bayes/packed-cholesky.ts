/**
 * A lower-triangular Cholesky factor in packed row storage (row i at i(i+1)/2) that grows one
 * row at a time: appending a point costs O(n²) instead of refactoring in O(n³). This is why it
 * is hand-written on Float64Array rather than taken from ml-matrix: the library has no row
 * append, and its array-of-arrays matrices are several times slower on these loops.
 */
export class PackedCholesky {
  /** Rows in use. */
  size = 0;
  /** Pivots that were not positive (numerically dependent rows) and got a tiny jitter instead. */
  clampedPivots = 0;
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
    this.appendRows(1, (row, i) => {
      row.set(cross.subarray(0, i));
      row[i] = diag;
    });
  }

  /**
   * Appends `count` rows at once: `fill(row, i)` writes k(x_i, x_j) for j < i to row[j] and
   * k(x_i, x_i) + noise to row[i]. The rows are factored in tiles (blocked, cache-friendly).
   *
   * Each entry is computed by the same arithmetic however the rows are grouped (one at a time or
   * all at once): L_ij = (A_ij − Σ_t c_t) / L_jj, where c_t is the sequential dot product of rows
   * i and j over column chunk t = [tB, min(tB + B, j)), subtracted in t order; the pivot is
   * A_ii − Σ_k L_ik² summed in k order. So a factor grown row by row (the warm memo) is bitwise
   * the factor of a cold call.
   */
  appendRows(count: number, fill: (row: Float64Array, i: number) => void): void {
    const r0 = this.size;
    const r1 = r0 + count;
    this.ensure(r1);
    const d = this.data;
    for (let i = r0; i < r1; i++) fill(d.subarray((i * (i + 1)) / 2, ((i + 1) * (i + 2)) / 2), i);
    for (let ia = r0; ia < r1; ia += TILE) this.clampedPivots += factorRowBlock(d, ia, Math.min(ia + TILE, r1));
    this.size = r1;
  }

  /** ln det(L Lᵀ) = 2 Σ ln L_ii. */
  logDeterminant(): number {
    let s = 0;
    for (let i = 0; i < this.size; i++) s += Math.log(this.data[(i * (i + 3)) / 2]!);
    return 2 * s;
  }

  /**
   * (L Lᵀ)⁻¹ written in full (row-major, size × size) to `out`, with `scratch` of the same size:
   * scratch row r = L⁻¹ e_r (zero before r), then entry (i, j) = Σ_{k ≥ max(i,j)} of their product.
   */
  inverse(out: Float64Array, scratch: Float64Array): void {
    const n = this.size;
    scratch.fill(0, 0, n * n);
    for (let r = 0; r < n; r++) scratch[r * n + r] = 1;
    this.solveLowerRows(scratch, n, n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let k = j, oi = i * n, oj = j * n; k < n; k++) s += scratch[oi + k]! * scratch[oj + k]!;
        out[i * n + j] = out[j * n + i] = s;
      }
    }
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
   * Solves L v = b for m right-hand sides at once, each a row of `b` (row r at r·stride, its
   * first `size` entries), overwritten with v. Rows of L two at a time against four right-hand
   * sides (eight independent sums); the two rows of L stay in cache while every right-hand side
   * streams past them.
   */
  solveLowerRows(b: Float64Array, m: number, stride: number): void {
    const d = this.data;
    const n = this.size;
    const m4 = m - (m % 4);
    for (let i = 0; i < n; i += 2) {
      const oi = (i * (i + 1)) / 2;
      const lii = d[oi + i]!;
      const two = i + 1 < n;
      const oi1 = two ? oi + i + 1 : oi; // a last single row pairs with itself (the pair is unused)
      const l10 = two ? d[oi1 + i]! : 0;
      const l11 = two ? d[oi1 + i + 1]! : 1;
      let c = 0;
      for (; c < m4; c += 4) {
        const o0 = c * stride;
        const o1 = o0 + stride;
        const o2 = o1 + stride;
        const o3 = o2 + stride;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let t0 = 0;
        let t1 = 0;
        let t2 = 0;
        let t3 = 0;
        for (let j = 0; j < i; j++) {
          const a = d[oi + j]!;
          const e = d[oi1 + j]!;
          const v0 = b[o0 + j]!;
          const v1 = b[o1 + j]!;
          const v2 = b[o2 + j]!;
          const v3 = b[o3 + j]!;
          s0 += a * v0;
          s1 += a * v1;
          s2 += a * v2;
          s3 += a * v3;
          t0 += e * v0;
          t1 += e * v1;
          t2 += e * v2;
          t3 += e * v3;
        }
        const x0 = (b[o0 + i] = (b[o0 + i]! - s0) / lii);
        const x1 = (b[o1 + i] = (b[o1 + i]! - s1) / lii);
        const x2 = (b[o2 + i] = (b[o2 + i]! - s2) / lii);
        const x3 = (b[o3 + i] = (b[o3 + i]! - s3) / lii);
        if (two) {
          b[o0 + i + 1] = (b[o0 + i + 1]! - (t0 + l10 * x0)) / l11;
          b[o1 + i + 1] = (b[o1 + i + 1]! - (t1 + l10 * x1)) / l11;
          b[o2 + i + 1] = (b[o2 + i + 1]! - (t2 + l10 * x2)) / l11;
          b[o3 + i + 1] = (b[o3 + i + 1]! - (t3 + l10 * x3)) / l11;
        }
      }
      for (; c < m; c++) {
        const o = c * stride;
        let s = 0;
        let t = 0;
        for (let j = 0; j < i; j++) {
          const v = b[o + j]!;
          s += d[oi + j]! * v;
          t += d[oi1 + j]! * v;
        }
        const x = (b[o + i] = (b[o + i]! - s) / lii);
        if (two) b[o + i + 1] = (b[o + i + 1]! - (t + l10 * x)) / l11;
      }
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

/** Column chunk width of the factorization (and rows per tile). */
const TILE = 48;

/**
 * Factors rows [ia, ib) of packed storage `d` in place (their kernel values are there; rows
 * before ia are factored). Column blocks J = [ja, ja + TILE): first the full chunks below ja,
 * as a tile product (2×2 register blocks, each sum sequential), then the partial chunk [ja, j)
 * and the division, in column order, with each row's pivot taken when its column comes up.
 */
function factorRowBlock(d: Float64Array, ia: number, ib: number): number {
  let clamped = 0;
  for (let ja = 0; ja < ib; ja += TILE) {
    const jb = Math.min(ja + TILE, ib);
    for (let ka = 0; ka < ja; ka += TILE) {
      const ke = ka + TILE;
      for (let i = ia; i < ib; i += 2) {
        const oi = (i * (i + 1)) / 2;
        const two = i + 1 < ib;
        const oi1 = ((i + 1) * (i + 2)) / 2;
        let j = ja;
        // 2×4 blocks: entries (i | i+1, j … j+3), all strictly lower; eight independent sums
        if (two) {
          for (; j + 3 < jb && j + 3 < i; j += 4) {
            const oj0 = (j * (j + 1)) / 2;
            const oj1 = oj0 + j + 1;
            const oj2 = oj1 + j + 2;
            const oj3 = oj2 + j + 3;
            let s00 = 0;
            let s01 = 0;
            let s02 = 0;
            let s03 = 0;
            let s10 = 0;
            let s11 = 0;
            let s12 = 0;
            let s13 = 0;
            for (let k = ka; k < ke; k++) {
              const a0 = d[oi + k]!;
              const a1 = d[oi1 + k]!;
              const b0 = d[oj0 + k]!;
              const b1 = d[oj1 + k]!;
              const b2 = d[oj2 + k]!;
              const b3 = d[oj3 + k]!;
              s00 += a0 * b0;
              s01 += a0 * b1;
              s02 += a0 * b2;
              s03 += a0 * b3;
              s10 += a1 * b0;
              s11 += a1 * b1;
              s12 += a1 * b2;
              s13 += a1 * b3;
            }
            d[oi + j] -= s00;
            d[oi + j + 1] -= s01;
            d[oi + j + 2] -= s02;
            d[oi + j + 3] -= s03;
            d[oi1 + j] -= s10;
            d[oi1 + j + 1] -= s11;
            d[oi1 + j + 2] -= s12;
            d[oi1 + j + 3] -= s13;
          }
        } else {
          // one row: 1×4 blocks
          for (; j + 3 < jb && j + 3 < i; j += 4) {
            const oj0 = (j * (j + 1)) / 2;
            const oj1 = oj0 + j + 1;
            const oj2 = oj1 + j + 2;
            const oj3 = oj2 + j + 3;
            let s0 = 0;
            let s1 = 0;
            let s2 = 0;
            let s3 = 0;
            for (let k = ka; k < ke; k++) {
              const a0 = d[oi + k]!;
              s0 += a0 * d[oj0 + k]!;
              s1 += a0 * d[oj1 + k]!;
              s2 += a0 * d[oj2 + k]!;
              s3 += a0 * d[oj3 + k]!;
            }
            d[oi + j] -= s0;
            d[oi + j + 1] -= s1;
            d[oi + j + 2] -= s2;
            d[oi + j + 3] -= s3;
          }
        }
        // the rest, one entry at a time
        for (; j < jb; j++) {
          const oj = (j * (j + 1)) / 2;
          if (j < i) d[oi + j] -= chunkDot(d, oi, oj, ka, ke);
          if (two && j < i + 1) d[oi1 + j] -= chunkDot(d, oi1, oj, ka, ke);
        }
      }
    }
    for (let j = ja; j < jb; j++) {
      const oj = (j * (j + 1)) / 2;
      if (j >= ia) {
        // row j is new and complete left of its diagonal: take its pivot
        let ss = 0;
        for (let k = 0; k < j; k++) ss += d[oj + k]! * d[oj + k]!;
        const diag = d[oj + j]!;
        const pivot = diag - ss;
        if (!(pivot > 1e-10 * diag)) clamped++;
        d[oj + j] = Math.sqrt(pivot > 1e-10 * diag ? pivot : 1e-10 * diag + 1e-12);
      }
      const ljj = d[oj + j]!;
      let i = Math.max(ia, j + 1);
      // four rows at a time (four independent sums, each in k order)
      for (; i + 3 < ib; i += 4) {
        const o0 = (i * (i + 1)) / 2;
        const o1 = o0 + i + 1;
        const o2 = o1 + i + 2;
        const o3 = o2 + i + 3;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = ja; k < j; k++) {
          const b = d[oj + k]!;
          s0 += d[o0 + k]! * b;
          s1 += d[o1 + k]! * b;
          s2 += d[o2 + k]! * b;
          s3 += d[o3 + k]! * b;
        }
        d[o0 + j] = (d[o0 + j]! - s0) / ljj;
        d[o1 + j] = (d[o1 + j]! - s1) / ljj;
        d[o2 + j] = (d[o2 + j]! - s2) / ljj;
        d[o3 + j] = (d[o3 + j]! - s3) / ljj;
      }
      for (; i < ib; i++) {
        const oi = (i * (i + 1)) / 2;
        d[oi + j] = (d[oi + j]! - chunkDot(d, oi, oj, ja, j)) / ljj;
      }
    }
  }
  return clamped;
}

/** Σ_{k∈[ka,ke)} d[ao+k]·d[bo+k], summed in order. */
function chunkDot(d: Float64Array, ao: number, bo: number, ka: number, ke: number): number {
  let s = 0;
  for (let k = ka; k < ke; k++) s += d[ao + k]! * d[bo + k]!;
  return s;
}
