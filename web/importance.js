/**
 * Which parameters matter: Spearman rank correlation of each parameter with the score, and a
 * model-based importance (a small random forest of regression trees, permutation importance
 * on out-of-bag samples). Pure and deterministic for a given seed: no DOM, no clock.
 *
 * The forest splits on histogram bins (at most `maxBins` per feature), so fitting 2,000 runs
 * takes milliseconds; trees are invariant to monotone transforms, so log-scaled parameters
 * need no special care. Categorical values are ordinal codes, which trees split freely.
 */
import { seededRandom } from './shared/seeded-random.js';

/** Average ranks (1-based), ties share their mean rank. */
export function ranks(values) {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation; 0 when either side is constant or there are fewer than 3 pairs. */
export function pearson(xs, ys) {
  const n = xs.length;
  if (n < 3 || ys.length !== n) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman rank correlation of paired finite numbers. */
export function spearman(xs, ys) {
  return pearson(ranks(xs), ranks(ys));
}

export { seededRandom };

/**
 * Bin each column of a numeric matrix (NaN = missing, its own lowest bin 0).
 * Returns { bins: Uint8Array[] (per feature, per row), counts: number[] (bins per feature) }.
 */
export function binColumns(X, maxBins = 32) {
  const n = X.length;
  const p = n ? X[0].length : 0;
  const bins = [];
  const counts = [];
  for (let j = 0; j < p; j++) {
    const present = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(X[i][j])) present.push(X[i][j]);
    present.sort((a, b) => a - b);
    const unique = [];
    for (const v of present) if (unique.length === 0 || unique[unique.length - 1] !== v) unique.push(v);
    // Upper edges of bins 1..k; a value goes to the first bin whose edge it does not exceed.
    let edges;
    if (unique.length <= maxBins - 1) edges = unique;
    else {
      edges = [];
      const k = maxBins - 1;
      for (let b = 1; b <= k; b++) {
        const v = present[Math.min(present.length - 1, Math.floor((b * present.length) / k) - 1)];
        if (edges.length === 0 || edges[edges.length - 1] < v) edges.push(v);
      }
    }
    const col = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = X[i][j];
      if (!Number.isFinite(v)) continue;
      let lo = 0;
      let hi = edges.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= edges[mid]) hi = mid;
        else lo = mid + 1;
      }
      col[i] = lo + 1;
    }
    bins.push(col);
    counts.push(edges.length + 1);
  }
  return { bins, counts };
}

/**
 * Fit a random forest of regression trees on binned columns.
 * @param {{bins: Uint8Array[], counts: number[]}} binned
 * @param {number[]} y
 * Options (defaults): trees 60, maxDepth 8, minLeaf 2, mtry ceil(p/3), seed 1.
 */
export function fitForest(binned, y, options = {}) {
  const { trees = 60, maxDepth = 8, minLeaf = 2, seed = 1 } = options;
  const p = binned.bins.length;
  const n = y.length;
  const mtry = Math.max(1, Math.min(p, options.mtry ?? Math.ceil(p / 3)));
  const rand = seededRandom(seed);
  const forest = [];
  for (let t = 0; t < trees; t++) {
    const inBag = new Uint8Array(n);
    const sample = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * n);
      sample[i] = k;
      inBag[k] = 1;
    }
    const tree = { feature: [], threshold: [], left: [], right: [], value: [], inBag };
    growNode(tree, binned, y, sample, 0, { maxDepth, minLeaf, mtry, rand, p });
    forest.push(tree);
  }
  return forest;
}

function growNode(tree, binned, y, idx, depth, opts) {
  const node = tree.value.length;
  let sum = 0;
  for (const i of idx) sum += y[i];
  const mean = sum / idx.length;
  tree.feature.push(-1);
  tree.threshold.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(mean);
  if (depth >= opts.maxDepth || idx.length < 2 * opts.minLeaf) return node;

  // Choose mtry distinct features (partial Fisher-Yates).
  const features = Array.from({ length: opts.p }, (_, j) => j);
  for (let k = 0; k < opts.mtry; k++) {
    const r = k + Math.floor(opts.rand() * (opts.p - k));
    [features[k], features[r]] = [features[r], features[k]];
  }
  const n = idx.length;
  const parentScore = (sum * sum) / n;
  let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
  let bestFeature = -1;
  let bestThreshold = 0;
  for (let k = 0; k < opts.mtry; k++) {
    const j = features[k];
    const col = binned.bins[j];
    const nb = binned.counts[j];
    const bs = new Float64Array(nb);
    const bc = new Uint32Array(nb);
    for (const i of idx) {
      bs[col[i]] += y[i];
      bc[col[i]]++;
    }
    let sl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      sl += bs[b];
      cl += bc[b];
      if (bc[b] === 0) continue;
      const cr = n - cl;
      if (cl < opts.minLeaf) continue;
      if (cr < opts.minLeaf) break;
      const sr = sum - sl;
      const gain = (sl * sl) / cl + (sr * sr) / cr - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bestFeature = j;
        bestThreshold = b;
      }
    }
  }
  if (bestFeature < 0) return node;
  const col = binned.bins[bestFeature];
  const leftIdx = [];
  const rightIdx = [];
  for (const i of idx) (col[i] <= bestThreshold ? leftIdx : rightIdx).push(i);
  tree.feature[node] = bestFeature;
  tree.threshold[node] = bestThreshold;
  tree.left[node] = growNode(tree, binned, y, leftIdx, depth + 1, opts);
  tree.right[node] = growNode(tree, binned, y, rightIdx, depth + 1, opts);
  return node;
}

/** One tree's prediction for row i of the binned columns `cols`. */
function predictTree(tree, cols, i) {
  const { feature, threshold, left, right } = tree;
  let node = 0;
  while (feature[node] >= 0) node = cols[feature[node]][i] <= threshold[node] ? left[node] : right[node];
  return tree.value[node];
}

/** Out-of-bag mean squared error, with column `permuted.j` replaced by `permuted.col`. */
function oobError(forest, binned, y, permuted) {
  const cols = binned.bins.slice();
  if (permuted) cols[permuted.j] = permuted.col;
  let se = 0;
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    let s = 0;
    let c = 0;
    for (const tree of forest) {
      if (tree.inBag[i]) continue;
      s += predictTree(tree, cols, i);
      c++;
    }
    if (c === 0) continue;
    const d = s / c - y[i];
    se += d * d;
    count++;
  }
  return count ? se / count : 0;
}

/**
 * Permutation importance of each column: how much the out-of-bag error grows when the column
 * is shuffled, averaged over `repeats` shuffles. Raw increases in squared error (>= 0 not enforced).
 */
export function permutationImportance(forest, binned, y, options = {}) {
  const { repeats = 2, seed = 7 } = options;
  const rand = seededRandom(seed);
  const base = oobError(forest, binned, y);
  return binned.bins.map((col, j) => {
    let total = 0;
    for (let r = 0; r < repeats; r++) {
      const shuffled = Uint8Array.from(col);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        const tmp = shuffled[i];
        shuffled[i] = shuffled[k];
        shuffled[k] = tmp;
      }
      total += oobError(forest, binned, y, { j, col: shuffled }) - base;
    }
    return total / repeats;
  });
}

/** A parameter value as a number: numbers as is, booleans 0/1, categories their code, missing NaN. */
function encode(value, categories) {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined || value === null) return NaN;
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  let code = categories.get(key);
  if (code === undefined) {
    code = categories.size;
    categories.set(key, code);
  }
  return code;
}

/**
 * Importance of each parameter for the score.
 * @param rows `[{ values: {param: value}, score: number }]` (rows without a finite score are ignored)
 * @param names parameter names (dotted for nested), in display order
 * @param options `{ seed, trees, maxDepth, minLeaf, maxRows }`; the forest fits a seeded sample of at most
 *   `maxRows` rows (default 1000) so a 2,000-run sweep stays fast; correlations use every row.
 * @returns `[{ name, importance, correlation, correlationOf }]` in the order of `names`:
 *   `importance` in [0, 1] (shares of the forest's permutation importance, summing to 1 unless all are 0; null with fewer than 8 rows),
 *   `correlation` the Spearman ρ with the score (for a categorical parameter: the one-hot value with the largest |ρ|, named in `correlationOf`).
 */
export function parameterImportance(rows, names, options = {}) {
  const usable = rows.filter((r) => typeof r.score === 'number' && Number.isFinite(r.score));
  const y = usable.map((r) => r.score);
  const categories = names.map(() => new Map());
  const X = usable.map((r) => names.map((name, j) => encode(r.values[name], categories[j])));

  const correlations = names.map((name, j) => {
    if (categories[j].size === 0) {
      const xs = [];
      const ys = [];
      for (let i = 0; i < X.length; i++) {
        if (Number.isFinite(X[i][j])) {
          xs.push(X[i][j]);
          ys.push(y[i]);
        }
      }
      return { correlation: spearman(xs, ys), correlationOf: null };
    }
    // Categorical: one-hot each value, keep the strongest.
    let best = { correlation: 0, correlationOf: null };
    for (const [label, code] of categories[j]) {
      const indicator = X.map((row) => (row[j] === code ? 1 : 0));
      const rho = spearman(indicator, y);
      if (Math.abs(rho) > Math.abs(best.correlation) || best.correlationOf === null) best = { correlation: rho, correlationOf: label };
    }
    return best;
  });

  let shares = names.map(() => null);
  if (usable.length >= 8 && names.length > 0) {
    const maxRows = options.maxRows ?? 1000;
    let Xf = X;
    let yf = y;
    if (X.length > maxRows) {
      const rand = seededRandom((options.seed ?? 1) + 2);
      const order = X.map((_, i) => i);
      for (let i = 0; i < maxRows; i++) {
        const k = i + Math.floor(rand() * (order.length - i));
        [order[i], order[k]] = [order[k], order[i]];
      }
      const picked = order.slice(0, maxRows);
      Xf = picked.map((i) => X[i]);
      yf = picked.map((i) => y[i]);
    }
    const binned = binColumns(Xf);
    // Scale y so the error increases are comparable across sweeps (and away from float noise).
    const mean = yf.reduce((a, b) => a + b, 0) / yf.length;
    const sd = Math.sqrt(yf.reduce((a, b) => a + (b - mean) ** 2, 0) / yf.length) || 1;
    const z = yf.map((v) => (v - mean) / sd);
    const forest = fitForest(binned, z, { seed: options.seed ?? 1, trees: options.trees, maxDepth: options.maxDepth, minLeaf: options.minLeaf });
    const raw = permutationImportance(forest, binned, z, { seed: (options.seed ?? 1) + 1 }).map((v) => Math.max(0, v));
    const total = raw.reduce((a, b) => a + b, 0);
    shares = raw.map((v) => (total > 0 ? v / total : 0));
  }
  return names.map((name, j) => ({ name, importance: shares[j], ...correlations[j] }));
}
