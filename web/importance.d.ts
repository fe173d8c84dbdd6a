/** Types of web/importance.js (plain ES module served to the browser as is). */

export interface Binned {
  bins: Uint8Array[];
  counts: number[];
}

export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  inBag: Uint8Array;
}

export interface ForestOptions {
  /** @defaultValue 60 */
  trees?: number;
  /** @defaultValue 8 */
  maxDepth?: number;
  /** @defaultValue 2 */
  minLeaf?: number;
  /** Features tried per split. @defaultValue ceil(p / 3) */
  mtry?: number;
  /** @defaultValue 1 */
  seed?: number;
}

export interface ImportanceRow {
  values: Record<string, unknown>;
  score: number | null | undefined;
}

export interface ParameterImportance {
  name: string;
  /** Share of the forest's permutation importance in [0, 1]; null with fewer than 8 scored rows. */
  importance: number | null;
  /** Spearman ρ with the score. */
  correlation: number;
  /** For a categorical parameter: the value whose one-hot indicator gave `correlation`. */
  correlationOf: string | null;
}

export function ranks(values: readonly number[]): number[];
export function pearson(xs: readonly number[], ys: readonly number[]): number;
export function spearman(xs: readonly number[], ys: readonly number[]): number;
export function seededRandom(seed: number): () => number;
export function binColumns(X: readonly (readonly number[])[], maxBins?: number): Binned;
export function fitForest(binned: Binned, y: readonly number[], options?: ForestOptions): Tree[];
export function permutationImportance(forest: Tree[], binned: Binned, y: readonly number[], options?: { repeats?: number; seed?: number }): number[];
export function parameterImportance(
  rows: readonly ImportanceRow[],
  names: readonly string[],
  /** maxRows: the forest fits a seeded sample of at most this many rows. @defaultValue 1000 */
  options?: Omit<ForestOptions, 'mtry'> & { maxRows?: number },
): ParameterImportance[];
