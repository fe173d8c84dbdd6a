/** A small L-BFGS minimizer with a backtracking (Armijo) line search, for a handful of variables. */

export interface Objective {
  /** Value at x, with its gradient written to `grad`; Infinity when x is infeasible. */
  (x: Float64Array, grad: Float64Array): number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

/** Minimizes `f` from `x0`; stops after `maxIterations` or when the gradient or progress vanishes. */
export function minimizeLbfgs(f: Objective, x0: Float64Array, maxIterations = 50, memory = 6): LbfgsResult {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx)) return { x, value: fx, iterations: 0 };
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let iter = 0;
  for (; iter < maxIterations; iter++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax < 1e-5) break;
    // two-loop recursion: dir = -H g
    for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    for (let k = sList.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(sList[k]!, dir);
      axpy(-alpha[k]!, yList[k]!, dir);
    }
    if (sList.length > 0) {
      const k = sList.length - 1;
      const gamma = dot(sList[k]!, yList[k]!) / dot(yList[k]!, yList[k]!);
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * scale;
    }
    for (let k = 0; k < sList.length; k++) {
      const beta = rho[k]! * dot(yList[k]!, dir);
      axpy(alpha[k]! - beta, sList[k]!, dir);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // not a descent direction: restart from steepest descent
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
      fNew = Infinity;
    }
    if (!Number.isFinite(fNew)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (improvement < 1e-9 * Math.max(1, Math.abs(fx))) break;
  }
  return { x, value: fx, iterations: iter };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = y[i]! + a * x[i]!;
}
